/* zone_bench: times zone_contains against GEOS (a prepared geometry and a
 * point created per query, the fastest GEOS 3.11 offers) on 10M random points
 * around a zone, and prints ns/query. Not part of the Makefile; from the repo:
 *   make build/libtruce.a && cc -O2 -std=c11 -D_DEFAULT_SOURCE -Isrc bench/zone_bench.c build/libtruce.a $(pkg-config --cflags --libs geos) -lm -o build/zone_bench && build/zone_bench [zone.geojson]
 */
#include <geos_c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "geo/geo.h"

#define POINT_COUNT 10000000
#define DEFAULT_ZONE "plans/ukraine-2025-11/zones/buffer-zone.geojson"

static double seconds_now(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec * 1e-9;
}

static uint64_t random_state = 42;

static double random_unit(void) {   /* splitmix64, uniform in [0, 1) */
    uint64_t z = (random_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

/* POINT_COUNT lon/lat pairs uniform over the bounds widened by 25% per side. */
static double *random_points(bounds_t b) {
    double *points = malloc(2 * sizeof(double) * POINT_COUNT);
    if (!points) return NULL;
    double width = b.max_lon - b.min_lon, height = b.max_lat - b.min_lat;
    for (size_t i = 0; i < POINT_COUNT; i++) {
        points[2 * i] = b.min_lon - width / 4 + random_unit() * width * 1.5;
        points[2 * i + 1] = b.min_lat - height / 4 + random_unit() * height * 1.5;
    }
    return points;
}

static void time_zone_contains(const zone_t *zone, const double *points) {
    double start = seconds_now();
    size_t inside = 0;
    for (size_t i = 0; i < POINT_COUNT; i++) inside += zone_contains(zone, points[2 * i], points[2 * i + 1]);
    double elapsed = seconds_now() - start;
    printf("zone_contains:                        %7.1f ns/query (%zu of %d inside)\n",
           elapsed * 1e9 / POINT_COUNT, inside, POINT_COUNT);
}

static GEOSGeometry *read_geometry(GEOSContextHandle_t geos, const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    static char text[1 << 24];
    size_t length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[length] = '\0';
    GEOSGeoJSONReader *reader = GEOSGeoJSONReader_create_r(geos);
    GEOSGeometry *parsed = GEOSGeoJSONReader_readGeometry_r(geos, reader, text);
    GEOSGeoJSONReader_destroy_r(geos, reader);
    GEOSGeometry *geometry = parsed ? GEOSUnaryUnion_r(geos, parsed) : NULL;
    if (parsed) GEOSGeom_destroy_r(geos, parsed);
    return geometry;
}

static void time_geos_covers(const char *path, const double *points) {
    GEOSContextHandle_t geos = GEOS_init_r();
    GEOSGeometry *geometry = read_geometry(geos, path);
    if (!geometry) {
        fprintf(stderr, "zone_bench: GEOS cannot read %s\n", path);
        GEOS_finish_r(geos);
        return;
    }
    const GEOSPreparedGeometry *prepared = GEOSPrepare_r(geos, geometry);
    double start = seconds_now();
    size_t inside = 0;
    for (size_t i = 0; i < POINT_COUNT; i++) {
        GEOSGeometry *point = GEOSGeom_createPointFromXY_r(geos, points[2 * i], points[2 * i + 1]);
        inside += GEOSPreparedCovers_r(geos, prepared, point) == 1;
        GEOSGeom_destroy_r(geos, point);
    }
    double elapsed = seconds_now() - start;
    printf("GEOSPreparedCovers_r + created point: %7.1f ns/query (%zu of %d inside)\n",
           elapsed * 1e9 / POINT_COUNT, inside, POINT_COUNT);
    GEOSPreparedGeom_destroy_r(geos, prepared);
    GEOSGeom_destroy_r(geos, geometry);
    GEOS_finish_r(geos);
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : DEFAULT_ZONE;
    geo_init();
    diagnostic_t error;
    zone_t *zone = zone_load_geojson(path, &error);
    if (!zone) {
        fprintf(stderr, "zone_bench: %s:%d: %s\n", error.file, error.line, error.message);
        return 1;
    }
    double *points = random_points(zone_bounds(zone));
    if (!points) return 1;
    printf("%s, %d random points around its bounding box\n", path, POINT_COUNT);
    time_zone_contains(zone, points);
    time_geos_covers(path, points);
    free(points);
    zone_free(zone);
    geo_finish();
    return 0;
}
