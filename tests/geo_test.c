/* geo_test: unit tests of src/geo — zone_contains checked against GEOS on
 * random points for every bundled zone and for synthetic polygons with holes,
 * named places, circles, differences, GeoJSON errors and round trips.
 * Run from tests/ (data paths are relative to it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <geos_c.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"
#include "geo/geo_internal.h"   /* for the white-box degenerate-segment test */

#define ZONES "../plans/ukraine-2025-11/zones/"
#define POINTS_PER_ZONE 200000
#define EARTH_RADIUS_KM 6371.0088

static GEOSContextHandle_t geos;   /* the test's own context, independent of the library's */

/* ---- helpers ------------------------------------------------------------ */

static uint64_t random_state;

static double random_unit(void) {   /* splitmix64, uniform in [0, 1) */
    uint64_t z = (random_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static char *read_text(const char *path) {
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    assert_int_equal(fread(text, 1, (size_t)size, file), (size_t)size);
    text[size] = '\0';
    fclose(file);
    return text;
}

/* GEOS's own reading of a GeoJSON text: the union of its polygons. */
static GEOSGeometry *geos_reference(const char *json) {
    GEOSGeoJSONReader *reader = GEOSGeoJSONReader_create_r(geos);
    GEOSGeometry *parsed = GEOSGeoJSONReader_readGeometry_r(geos, reader, json);
    GEOSGeoJSONReader_destroy_r(geos, reader);
    assert_non_null(parsed);
    GEOSGeometry *unioned = GEOSUnaryUnion_r(geos, parsed);
    GEOSGeom_destroy_r(geos, parsed);
    assert_non_null(unioned);
    return unioned;
}

static zone_t *load_from_text(const char *name, const char *json) {
    diagnostic_t error = {0};
    zone_t *zone = zone_from_geojson(name, json, strlen(json), &error);
    if (!zone) fail_msg("%s: %s", name, error.message);
    return zone;
}

static bool geos_covers(const GEOSPreparedGeometry *prepared, double lon, double lat) {
    GEOSGeometry *point = GEOSGeom_createPointFromXY_r(geos, lon, lat);
    char covers = GEOSPreparedCovers_r(geos, prepared, point);
    GEOSGeom_destroy_r(geos, point);
    assert_int_not_equal(covers, 2);
    return covers == 1;
}

static double distance_to_boundary(const GEOSGeometry *boundary, double lon, double lat) {
    GEOSGeometry *point = GEOSGeom_createPointFromXY_r(geos, lon, lat);
    double distance = 0;
    GEOSDistance_r(geos, boundary, point, &distance);
    GEOSGeom_destroy_r(geos, point);
    return distance;
}

/* The vertices of a geometry, to draw query points that share a coordinate
 * with a vertex (the hard cases for ray casting) or sit exactly on one. */
typedef struct {
    double *lon_lat;
    size_t count;
} vertices_t;

static vertices_t vertices_of(const GEOSGeometry *geometry) {
    GEOSGeometry *points = GEOSGeom_extractUniquePoints_r(geos, geometry);
    assert_non_null(points);
    vertices_t vertices = {NULL, (size_t)GEOSGetNumGeometries_r(geos, points)};
    vertices.lon_lat = malloc(2 * vertices.count * sizeof(double) + 1);
    for (size_t i = 0; i < vertices.count; i++) {
        const GEOSGeometry *point = GEOSGetGeometryN_r(geos, points, (int)i);
        GEOSGeomGetX_r(geos, point, &vertices.lon_lat[2 * i]);
        GEOSGeomGetY_r(geos, point, &vertices.lon_lat[2 * i + 1]);
    }
    GEOSGeom_destroy_r(geos, points);
    return vertices;
}

/* A random query point around the zone: mostly uniform over the bounding box
 * widened by 10%, sometimes on a vertex's horizontal or vertical line, or on
 * a vertex itself. */
static void random_point(bounds_t b, const vertices_t *vertices, double *lon, double *lat) {
    double margin_x = 0.1 * (b.max_lon - b.min_lon), margin_y = 0.1 * (b.max_lat - b.min_lat);
    *lon = b.min_lon - margin_x + random_unit() * (b.max_lon - b.min_lon + 2 * margin_x);
    *lat = b.min_lat - margin_y + random_unit() * (b.max_lat - b.min_lat + 2 * margin_y);
    double kind = random_unit();
    size_t vertex = (size_t)(random_unit() * vertices->count) % vertices->count;
    if (kind < 0.15) *lat = vertices->lon_lat[2 * vertex + 1];
    else if (kind < 0.30) *lon = vertices->lon_lat[2 * vertex];
    else if (kind < 0.33) *lon = vertices->lon_lat[2 * vertex], *lat = vertices->lon_lat[2 * vertex + 1];
}

/* Property: zone_contains agrees with GEOS covers on POINTS_PER_ZONE random
 * points; a disagreement is tolerated only within 1e-9 degrees of the
 * boundary (none was seen so far). */
static void check_against_geos(const char *name, const zone_t *zone, const GEOSGeometry *reference) {
    const GEOSPreparedGeometry *prepared = GEOSPrepare_r(geos, reference);
    GEOSGeometry *boundary = GEOSBoundary_r(geos, reference);
    vertices_t vertices = vertices_of(reference);
    random_state = 20251120;
    size_t far_mismatches = 0, near_mismatches = 0, inside = 0;
    for (int i = 0; i < POINTS_PER_ZONE; i++) {
        double lon, lat;
        random_point(zone_bounds(zone), &vertices, &lon, &lat);
        bool ours = zone_contains(zone, lon, lat), theirs = geos_covers(prepared, lon, lat);
        inside += ours;
        if (ours == theirs) continue;
        if (distance_to_boundary(boundary, lon, lat) < 1e-9) near_mismatches++;
        else if (far_mismatches++ < 5) print_message("%s: (%.17g, %.17g) ours %d GEOS %d\n", name, lon, lat, ours, theirs);
    }
    for (size_t i = 0; i < vertices.count; i++)
        assert_true(zone_contains(zone, vertices.lon_lat[2 * i], vertices.lon_lat[2 * i + 1]));
    if (near_mismatches) print_message("%s: %zu disagreements within 1e-9 of the boundary\n", name, near_mismatches);
    assert_int_equal(far_mismatches, 0);
    assert_true(inside > 0 && inside < POINTS_PER_ZONE);
    free(vertices.lon_lat);
    GEOSGeom_destroy_r(geos, boundary);
    GEOSPreparedGeom_destroy_r(geos, prepared);
}

static void check_text_against_geos(const char *name, const char *json) {
    zone_t *zone = load_from_text(name, json);
    GEOSGeometry *reference = geos_reference(json);
    check_against_geos(name, zone, reference);
    GEOSGeom_destroy_r(geos, reference);
    zone_free(zone);
}

/* ---- (a) agreement with GEOS ---------------------------------------------- */

static void test_bundled_zones_agree_with_geos(void **state) {
    (void)state;
    DIR *folder = opendir(ZONES);
    assert_non_null(folder);
    int checked = 0;
    for (struct dirent *entry; (entry = readdir(folder));) {
        size_t length = strlen(entry->d_name);
        if (length < 8 || strcmp(entry->d_name + length - 8, ".geojson") != 0) continue;
        char path[512];
        snprintf(path, sizeof path, "%s%s", ZONES, entry->d_name);
        diagnostic_t error = {0};
        zone_t *zone = zone_load_geojson(path, &error);
        if (!zone) {   /* only the line of contact has no polygon */
            assert_string_equal(entry->d_name, "line-of-contact.geojson");
            assert_non_null(strstr(error.message, "LineString"));
            continue;
        }
        char *json = read_text(path);
        GEOSGeometry *reference = geos_reference(json);
        check_against_geos(entry->d_name, zone, reference);
        GEOSGeom_destroy_r(geos, reference);
        free(json);
        zone_free(zone);
        checked++;
    }
    closedir(folder);
    assert_int_equal(checked, 5);
}

static void test_holes_agree_with_geos(void **state) {
    (void)state;
    check_text_against_geos("square with two holes",
        "{\"type\":\"Polygon\",\"coordinates\":["
        "[[0,0],[10,0],[10,10],[0,10],[0,0]],"
        "[[2,2],[2,4],[4,4],[4,2],[2,2]],"
        "[[6,6],[6,8],[8,8],[8,6],[6,6]]]}");
    check_text_against_geos("hole touching the shell at a vertex",
        "{\"type\":\"Polygon\",\"coordinates\":["
        "[[0,0],[10,0],[10,10],[0,10],[0,0]],"
        "[[5,0],[7,3],[3,3],[5,0]]]}");
}

static void test_multipolygons_agree_with_geos(void **state) {
    (void)state;
    check_text_against_geos("island in a lake, and a neighbour touching at a corner",
        "{\"type\":\"MultiPolygon\",\"coordinates\":["
        "[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[8,2],[8,8],[2,8],[2,2]]],"
        "[[[4,4],[6,4],[6,6],[4,6],[4,4]]],"
        "[[[10,10],[14,10],[12,13],[10,10]]]]}");
    check_text_against_geos("comb with teeth on the grid lines",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[9,0],[9,5],[8,5],[8,1],[7,1],[7,5],[6,5],[6,1],"
        "[5,1],[5,5],[4,5],[4,1],[3,1],[3,5],[2,5],[2,1],[1,1],[1,5],[0,5],[0,0]]]}");
}

/* A star of 3000 points with non-round coordinates: a grid of many cells. */
static void test_large_polygon_agrees_with_geos(void **state) {
    (void)state;
    char *json = malloc(3000 * 64 + 128);
    size_t used = (size_t)sprintf(json, "{\"type\":\"Polygon\",\"coordinates\":[[");
    for (int i = 0; i <= 3000; i++) {
        double angle = 2 * M_PI * (i % 3000) / 3000, radius = 1 + 0.3 * sin(37 * angle) + 0.1 * cos(101 * angle);
        used += (size_t)sprintf(json + used, "%s[%.9f,%.9f]", i ? "," : "", 31 + radius * cos(angle), 49 + radius * sin(angle));
    }
    sprintf(json + used, "]]}");
    check_text_against_geos("star of 3000 points", json);
    free(json);
}

/* Points exactly on a 0.25 lattice hit edges and vertices of the synthetic
 * polygons exactly: boundary points must count as inside, like GEOS covers. */
static void test_lattice_points_match_geos_exactly(void **state) {
    (void)state;
    const char *json = "{\"type\":\"MultiPolygon\",\"coordinates\":["
        "[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[8,2],[8,8],[2,8],[2,2]]],"
        "[[[4,4],[6,4],[5,7],[4,4]]]]}";
    zone_t *zone = load_from_text("lattice", json);
    GEOSGeometry *reference = geos_reference(json);
    const GEOSPreparedGeometry *prepared = GEOSPrepare_r(geos, reference);
    for (double lon = -1; lon <= 11; lon += 0.25)
        for (double lat = -1; lat <= 11; lat += 0.25)
            if (zone_contains(zone, lon, lat) != geos_covers(prepared, lon, lat))
                fail_msg("lattice point (%g, %g) disagrees with GEOS", lon, lat);
    assert_true(zone_contains(zone, 0, 5));       /* on the shell */
    assert_true(zone_contains(zone, 5, 2));       /* on the hole's edge */
    assert_true(zone_contains(zone, 4.5, 5.5));   /* on the island's slanted edge */
    assert_false(zone_contains(zone, 3, 5));      /* in the lake */
    assert_false(zone_contains(zone, NAN, 5));
    GEOSPreparedGeom_destroy_r(geos, prepared);
    GEOSGeom_destroy_r(geos, reference);
    zone_free(zone);
}

/* The edges of a geometry's boundary, as x1 y1 x2 y2 quadruples. */
typedef struct {
    double *segments;
    size_t count;
} edges_t;

static void add_line_edges(const GEOSGeometry *line, edges_t *edges) {
    const GEOSCoordSequence *sequence = GEOSGeom_getCoordSeq_r(geos, line);
    unsigned size = 0;
    GEOSCoordSeq_getSize_r(geos, sequence, &size);
    edges->segments = realloc(edges->segments, (edges->count + size) * 4 * sizeof(double));
    for (unsigned i = 0; i + 1 < size; i++) {
        double *segment = edges->segments + 4 * edges->count++;
        GEOSCoordSeq_getXY_r(geos, sequence, i, &segment[0], &segment[1]);
        GEOSCoordSeq_getXY_r(geos, sequence, i + 1, &segment[2], &segment[3]);
    }
}

static edges_t edges_of(const GEOSGeometry *geometry) {
    GEOSGeometry *boundary = GEOSBoundary_r(geos, geometry);
    edges_t edges = {NULL, 0};
    int lines = GEOSGetNumGeometries_r(geos, boundary);
    for (int i = 0; i < lines; i++) add_line_edges(GEOSGetGeometryN_r(geos, boundary, i), &edges);
    GEOSGeom_destroy_r(geos, boundary);
    return edges;
}

/* Points interpolated on edges land within a rounding error of the edge, on
 * it or just off it: the hardest inputs for the orientation predicates. Both
 * sides are exact, so they must agree on every one of them. */
static void check_points_on_edges(const char *name, const char *json) {
    zone_t *zone = load_from_text(name, json);
    GEOSGeometry *reference = geos_reference(json);
    const GEOSPreparedGeometry *prepared = GEOSPrepare_r(geos, reference);
    edges_t edges = edges_of(reference);
    random_state = 7;
    for (int i = 0; i < POINTS_PER_ZONE / 4; i++) {
        const double *edge = edges.segments + 4 * ((size_t)(random_unit() * edges.count) % edges.count);
        double t = random_unit();
        double lon = edge[0] + t * (edge[2] - edge[0]), lat = edge[1] + t * (edge[3] - edge[1]);
        if (zone_contains(zone, lon, lat) != geos_covers(prepared, lon, lat))
            fail_msg("%s: (%.17g, %.17g) near an edge: ours %d", name, lon, lat, zone_contains(zone, lon, lat));
    }
    free(edges.segments);
    GEOSPreparedGeom_destroy_r(geos, prepared);
    GEOSGeom_destroy_r(geos, reference);
    zone_free(zone);
}

static void test_points_on_edges_match_geos_exactly(void **state) {
    (void)state;
    const char *files[] = {"buffer-zone.geojson", "occupied.geojson", "ukraine.geojson", "russia.geojson"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[256];
        snprintf(path, sizeof path, ZONES "%s", files[i]);
        char *json = read_text(path);
        check_points_on_edges(files[i], json);
        free(json);
    }
    check_points_on_edges("slanted triangle",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0.1,0.1],[3.3,1.7],[0.7,2.9],[0.1,0.1]]]}");
}

/* White box: query points on the line from a cell's reference point through a
 * vertex, beyond the vertex, so the segment the query tests passes exactly
 * through that vertex (the degenerate case of crossing counting). Lattice
 * polygons over [0,10] (grid cells of 10/64) keep every coordinate exact. */
static size_t check_segments_through_vertices(const char *json) {
    zone_t *zone = load_from_text("lattice", json);
    GEOSGeometry *reference = geos_reference(json);
    const GEOSPreparedGeometry *prepared = GEOSPrepare_r(geos, reference);
    size_t tested = 0;
    for (size_t index = 0; index < (size_t)zone->columns * zone->rows; index++) {
        const grid_cell_t *cell = &zone->cells[index];
        for (uint32_t k = 0; k < 2 * cell->edge_count; k++) {
            size_t edge = zone->cell_edges[cell->first_edge + k / 2] & CELL_EDGE_INDEX_MASK;
            const double *vertex = zone->coordinates + 2 * (edge + k % 2);
            for (double s = 1.0 / 64; s <= 4; s *= 2) {
                double lon = vertex[0] + s * (vertex[0] - cell->reference_lon);
                double lat = vertex[1] + s * (vertex[1] - cell->reference_lat);
                uint32_t column = (uint32_t)((lon - zone->bounds.min_lon) * zone->columns_per_degree);
                uint32_t row = (uint32_t)((lat - zone->bounds.min_lat) * zone->rows_per_degree);
                if ((size_t)row * zone->columns + column != index) continue;   /* left the cell */
                if (zone_contains(zone, lon, lat) != geos_covers(prepared, lon, lat))
                    fail_msg("(%.17g, %.17g) through vertex (%g, %g) disagrees with GEOS", lon, lat, vertex[0], vertex[1]);
                tested++;
            }
        }
    }
    GEOSPreparedGeom_destroy_r(geos, prepared);
    GEOSGeom_destroy_r(geos, reference);
    zone_free(zone);
    return tested;
}

static void test_segments_through_vertices(void **state) {
    (void)state;
    size_t tested = check_segments_through_vertices("{\"type\":\"MultiPolygon\",\"coordinates\":["
        "[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[8,2],[8,8],[2,8],[2,2]]],"
        "[[[4,4],[6,4],[5,7],[4,4]]]]}");
    tested += check_segments_through_vertices("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[10,0],[10,5],"
        "[9,5],[9,1],[8,1],[8,5],[7,5],[7,1],[6,1],[6,5],[5,5],[5,1],[4,1],[4,5],[3,5],[3,1],[2,1],[2,5],"
        "[1,5],[1,1],[0.5,10],[0,10],[0,0]]]}");
    assert_true(tested > 100);
}

/* ---- (b) named places ------------------------------------------------------ */

static zone_t *load_zone(const char *file) {
    char path[256];
    snprintf(path, sizeof path, ZONES "%s", file);
    diagnostic_t error = {0};
    zone_t *zone = zone_load_geojson(path, &error);
    if (!zone) fail_msg("%s: %s", path, error.message);
    return zone;
}

static void test_named_places(void **state) {
    (void)state;
    zone_t *buffer = load_zone("buffer-zone.geojson"), *occupied = load_zone("occupied.geojson");
    zone_t *ukraine = load_zone("ukraine.geojson"), *russia = load_zone("russia.geojson");
    zone_t *poland = load_zone("poland.geojson");
    assert_true(zone_contains(buffer, 37.56, 48.72));    /* Kramatorsk */
    assert_true(zone_contains(buffer, 37.61, 48.85));    /* Sloviansk */
    assert_true(zone_contains(buffer, 37.71, 48.53));    /* Kostiantynivka */
    assert_true(zone_contains(buffer, 37.53, 48.63));    /* Druzhkivka */
    assert_true(zone_contains(buffer, 37.80, 48.99));    /* Lyman */
    assert_false(zone_contains(buffer, 37.80, 48.00));   /* Donetsk */
    assert_false(zone_contains(buffer, 30.52, 50.45));   /* Kyiv */
    assert_true(zone_contains(occupied, 37.80, 48.00));  /* Donetsk */
    assert_true(zone_contains(occupied, 37.18, 48.28));  /* Pokrovsk: on the Russian-held side */
    assert_true(zone_contains(occupied, 34.59, 47.51));  /* Zaporizhzhia NPP, Enerhodar */
    assert_false(zone_contains(occupied, 37.56, 48.72)); /* Kramatorsk */
    assert_true(zone_contains(ukraine, 30.52, 50.45));   /* Kyiv */
    assert_true(zone_contains(russia, 37.62, 55.76));    /* Moscow */
    assert_true(zone_contains(russia, 30.32, 59.94));    /* Saint Petersburg */
    assert_true(zone_contains(russia, -175.0, 66.0));    /* Chukotka, west of the antimeridian */
    assert_false(zone_contains(ukraine, 37.62, 55.76));  /* Moscow */
    assert_true(zone_contains(poland, 21.01, 52.23));    /* Warsaw */
    assert_false(zone_contains(poland, 30.52, 50.45));
    zone_free(buffer), zone_free(occupied), zone_free(ukraine), zone_free(russia), zone_free(poland);
}

/* Touching along the line of contact is fine; sharing interior is not. */
static void test_buffer_zone_does_not_overlap_occupied(void **state) {
    (void)state;
    char *buffer = read_text(ZONES "buffer-zone.geojson"), *occupied = read_text(ZONES "occupied.geojson");
    GEOSGeometry *a = geos_reference(buffer), *b = geos_reference(occupied);
    assert_int_equal(GEOSRelatePattern_r(geos, a, b, "F********"), 1);
    assert_int_equal(GEOSIntersects_r(geos, a, b), 1);
    GEOSGeom_destroy_r(geos, a), GEOSGeom_destroy_r(geos, b);
    free(buffer), free(occupied);
}

/* ---- (c) circles ----------------------------------------------------------- */

static double haversine_km(double lon1, double lat1, double lon2, double lat2) {
    double r = M_PI / 180, dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
    double h = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * EARTH_RADIUS_KM * asin(sqrt(h));
}

/* The point `km` away from lon/lat along `bearing` degrees, on the sphere. */
static void travel(double lon, double lat, double bearing, double km, double *out_lon, double *out_lat) {
    double r = M_PI / 180, d = km / EARTH_RADIUS_KM, phi = lat * r, theta = bearing * r;
    double phi2 = asin(sin(phi) * cos(d) + cos(phi) * sin(d) * cos(theta));
    double lambda2 = lon * r + atan2(sin(theta) * sin(d) * cos(phi), cos(d) - sin(phi) * sin(phi2));
    *out_lon = lambda2 / r;
    *out_lat = phi2 / r;
}

static void test_circle_around_moscow(void **state) {
    (void)state;
    zone_t *circle = zone_circle(37.62, 55.76, 40);
    assert_non_null(circle);
    for (double bearing = 0; bearing < 360; bearing += 22.5) {
        double lon, lat;
        travel(37.62, 55.76, bearing, 30, &lon, &lat);
        assert_true(fabs(haversine_km(37.62, 55.76, lon, lat) - 30) < 1e-6);
        assert_true(zone_contains(circle, lon, lat));
        travel(37.62, 55.76, bearing, 50, &lon, &lat);
        assert_true(fabs(haversine_km(37.62, 55.76, lon, lat) - 50) < 1e-6);
        assert_false(zone_contains(circle, lon, lat));
    }
    assert_true(fabs(zone_area_km2(circle) - M_PI * 40 * 40) < 0.01 * M_PI * 40 * 40);
    zone_free(circle);
    assert_null(zone_circle(37.62, 55.76, 0));
    assert_null(zone_circle(37.62, 55.76, -5));
    assert_null(zone_circle(37.62, 55.76, NAN));
    assert_null(zone_circle(0, 89.9, 50));       /* reaches the pole */
    assert_null(zone_circle(179.9, 0, 50));      /* crosses the antimeridian */
}

/* ---- (d) difference -------------------------------------------------------- */

static void test_difference_of_squares(void **state) {
    (void)state;
    zone_t *big = load_from_text("big", "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,4],[0,0]]]}");
    zone_t *small = load_from_text("small", "{\"type\":\"Polygon\",\"coordinates\":[[[1,1],[3,1],[3,3],[1,3],[1,1]]]}");
    diagnostic_t error = {0};
    zone_t *ring = zone_difference(big, small, &error);
    assert_non_null(ring);
    assert_false(zone_contains(ring, 2, 2));
    assert_true(zone_contains(ring, 0.5, 2));
    assert_true(zone_contains(ring, 1, 2));    /* the hole's edge is the ring's boundary */
    assert_true(fabs(zone_area_km2(ring) - (zone_area_km2(big) - zone_area_km2(small))) < 1);
    zone_t *nothing = zone_difference(small, big, &error);
    assert_non_null(nothing);
    assert_false(zone_contains(nothing, 2, 2));
    assert_false(zone_contains(nothing, 0, 0));
    assert_true(zone_area_km2(nothing) == 0);
    buffer_t out = {0};
    zone_write_geojson(nothing, &out);
    buffer_append(&out, "", 1);
    assert_string_equal(out.data, "{\"type\":\"MultiPolygon\",\"coordinates\":[]}");
    buffer_free(&out);
    zone_free(big), zone_free(small), zone_free(ring), zone_free(nothing);
}

static void test_difference_of_country_and_buffer(void **state) {
    (void)state;
    zone_t *ukraine = load_zone("ukraine.geojson"), *buffer = load_zone("buffer-zone.geojson");
    diagnostic_t error = {0};
    zone_t *rest = zone_difference(ukraine, buffer, &error);
    assert_non_null(rest);
    assert_true(zone_contains(rest, 30.52, 50.45));    /* Kyiv */
    assert_false(zone_contains(rest, 37.56, 48.72));   /* Kramatorsk */
    double expected = zone_area_km2(ukraine) - zone_area_km2(buffer);
    assert_true(fabs(zone_area_km2(rest) - expected) < 0.001 * expected);
    zone_free(ukraine), zone_free(buffer), zone_free(rest);
}

/* ---- (e) errors -------------------------------------------------------------- */

static void expect_load_error(const char *path, const char *reason, int line) {
    diagnostic_t error = {0};
    zone_t *zone = zone_load_geojson(path, &error);
    assert_null(zone);
    assert_string_equal(error.file, path);
    if (!strstr(error.message, reason)) fail_msg("%s: \"%s\" lacks \"%s\"", path, error.message, reason);
    assert_int_equal(error.line, line);
}

static void test_load_errors(void **state) {
    (void)state;
    expect_load_error("data/geo/no-such-file.geojson", "No such file", 0);
    expect_load_error("data/geo/invalid-json.geojson", "invalid GeoJSON: syntax error", 3);
    expect_load_error("data/geo/line-only.geojson", "no Polygon or MultiPolygon in the GeoJSON (found a LineString)", 0);
    expect_load_error("data/geo/bowtie.geojson", "not valid: Self-intersection", 0);
    expect_load_error("data/geo/unclosed-ring.geojson", "closed", 1); /* with its position */
    expect_load_error("data/geo/out-of-range.geojson", "outside lon", 0);
    expect_load_error("data/geo/empty-collection.geojson", "no Polygon", 0);
}

static void test_memory_errors(void **state) {
    (void)state;
    diagnostic_t error = {0};
    assert_null(zone_from_geojson("inline", "", 0, &error));
    assert_string_equal(error.file, "inline");
    assert_null(zone_from_geojson("nul", "{\"type\"\0:1}", 11, &error));
    assert_non_null(strstr(error.message, "NUL"));
    assert_null(zone_from_geojson("array", "[1,2]", 5, &error));
    assert_null(zone_from_geojson("number", "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1e999,0],[1,1],[0,0]]]}", 63, &error));
    assert_null(zone_from_geojson("no error wanted", "{", 1, NULL));
}

static void test_collection_ignores_lines_and_unions_overlaps(void **state) {
    (void)state;
    diagnostic_t error = {0};
    zone_t *zone = zone_load_geojson("data/geo/mixed-collection.geojson", &error);
    assert_non_null(zone);
    assert_true(zone_contains(zone, 3, 3));       /* in both squares */
    assert_true(zone_contains(zone, 5, 5));
    assert_false(zone_contains(zone, 5, 1));
    assert_false(zone_contains(zone, 20, 20));    /* the ignored point */
    bounds_t b = zone_bounds(zone);
    assert_true(b.min_lon == 0 && b.min_lat == 0 && b.max_lon == 6 && b.max_lat == 6);
    zone_t *square = load_from_text("unit", "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}");
    assert_true(fabs(zone_area_km2(zone) / zone_area_km2(square) - 28) < 0.1);   /* 16 + 16 - 4 */
    zone_free(zone), zone_free(square);
}

/* ---- (f) output ------------------------------------------------------------- */

static char *geojson_of(const zone_t *zone) {
    buffer_t out = {0};
    zone_write_geojson(zone, &out);
    buffer_append(&out, "", 1);
    return out.data;
}

static void test_geojson_round_trip(void **state) {
    (void)state;
    const char *files[] = {"buffer-zone.geojson", "occupied.geojson", "ukraine.geojson", "russia.geojson"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        zone_t *zone = load_zone(files[i]);
        char *written = geojson_of(zone);
        zone_t *again = load_from_text(files[i], written);
        char *rewritten = geojson_of(again);
        assert_string_equal(written, rewritten);
        bounds_t before = zone_bounds(zone), after = zone_bounds(again);
        assert_true(before.min_lon == after.min_lon && before.min_lat == after.min_lat &&
                    before.max_lon == after.max_lon && before.max_lat == after.max_lat);
        assert_true(zone_area_km2(zone) == zone_area_km2(again));
        free(written), free(rewritten);
        zone_free(zone), zone_free(again);
    }
}

static void test_areas_are_plausible(void **state) {
    (void)state;
    zone_t *buffer = load_zone("buffer-zone.geojson"), *ukraine = load_zone("ukraine.geojson");
    zone_t *poland = load_zone("poland.geojson");
    double buffer_area = zone_area_km2(buffer);
    assert_true(buffer_area > 3000 && buffer_area < 12000);   /* Donetsk oblast is 26,517 km² */
    /* Natural Earth 1:50m puts Crimea (about 27,000 km²) outside Ukraine. */
    assert_true(zone_area_km2(ukraine) > 550000 && zone_area_km2(ukraine) < 610000);
    assert_true(fabs(zone_area_km2(poland) - 312700) < 5000);
    zone_free(buffer), zone_free(ukraine), zone_free(poland);
}

static void test_svg_path(void **state) {
    (void)state;
    zone_t *square = load_from_text("square", "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]}");
    buffer_t out = {0};
    zone_write_svg_path(square, (bounds_t){0, 0, 20, 10}, 200, 100, &out);
    buffer_append(&out, "", 1);
    assert_string_equal(out.data, "M0.00 100.00L100.00 100.00L100.00 0.00L0.00 0.00Z");
    buffer_free(&out);
    zone_free(square);
}

static int set_up(void **state) {
    (void)state;
    geo_init();
    geos = GEOS_init_r();
    return 0;
}

static int tear_down(void **state) {
    (void)state;
    GEOS_finish_r(geos);
    geo_finish();
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundled_zones_agree_with_geos),
        cmocka_unit_test(test_holes_agree_with_geos),
        cmocka_unit_test(test_multipolygons_agree_with_geos),
        cmocka_unit_test(test_large_polygon_agrees_with_geos),
        cmocka_unit_test(test_lattice_points_match_geos_exactly),
        cmocka_unit_test(test_points_on_edges_match_geos_exactly),
        cmocka_unit_test(test_segments_through_vertices),
        cmocka_unit_test(test_named_places),
        cmocka_unit_test(test_buffer_zone_does_not_overlap_occupied),
        cmocka_unit_test(test_circle_around_moscow),
        cmocka_unit_test(test_difference_of_squares),
        cmocka_unit_test(test_difference_of_country_and_buffer),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_memory_errors),
        cmocka_unit_test(test_collection_ignores_lines_and_unions_overlaps),
        cmocka_unit_test(test_geojson_round_trip),
        cmocka_unit_test(test_areas_are_plausible),
        cmocka_unit_test(test_svg_path),
    };
    return cmocka_run_group_tests_name("geo", tests, set_up, tear_down);
}
