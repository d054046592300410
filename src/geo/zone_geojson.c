/* zone_geojson: loading zones from GeoJSON (read by geojson_reader.c, every
 * polygon validated by GEOS, every failure a diagnostic naming the file), and the
 * conversions between zones and GEOS geometries that zone_difference uses. */
#include "geo/geo_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ZONE_FILE_BYTES (512u << 20)

static void fail(diagnostic_t *error, const char *name, int line, int column, const char *format, ...)
    __attribute__((format(printf, 5, 6)));

static void fail(diagnostic_t *error, const char *name, int line, int column, const char *format, ...) {
    if (!error) return;
    char message[sizeof error->message];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(message, sizeof message, format, arguments);
    va_end(arguments);
    diagnostic_set(error, name, line, column, "%s", message);
}

/* ---- reading the file -------------------------------------------------- */

static char *read_stream(FILE *file, size_t *length) {
    size_t capacity = 1 << 16, used = 0;
    char *text = xmalloc(capacity);
    for (;;) {
        used += fread(text + used, 1, capacity - used, file);
        if (used < capacity || capacity > MAX_ZONE_FILE_BYTES) break;
        capacity *= 2;
        text = xrealloc(text, capacity);
    }
    *length = used;
    return text;
}

static char *read_zone_file(const char *path, size_t *length, diagnostic_t *error) {
    FILE *file = fopen(path, "rb");
    if (!file) {
        fail(error, path, 0, 0, "cannot open zone file: %s", strerror(errno));
        return NULL;
    }
    char *text = read_stream(file, length);
    bool failed = ferror(file), too_large = *length > MAX_ZONE_FILE_BYTES;
    fclose(file);
    if (failed || too_large) {
        fail(error, path, 0, 0, "%s", failed ? "cannot read zone file" : "zone file larger than 512 MiB");
        free(text);
        return NULL;
    }
    return text;
}

zone_t *zone_load_geojson(const char *path, diagnostic_t *error) {
    size_t length = 0;
    char *text = read_zone_file(path, &length, error);
    if (!text) return NULL;
    zone_t *zone = zone_from_geojson(path, text, length, error);
    free(text);
    return zone;
}

/* ---- parsing ----------------------------------------------------------- */

static GEOSGeometry *parse_geojson(const char *name, const char *json, size_t length, diagnostic_t *error) {
    if (memchr(json, '\0', length)) {
        fail(error, name, 0, 0, "invalid GeoJSON: contains a NUL byte");
        return NULL;
    }
    geo_clear_error();
    return geojson_read(name, json, length, error);
}

/* ---- collecting polygons ----------------------------------------------- */

typedef struct {
    const GEOSGeometry **items;
    size_t count, capacity;
    char other_type[32];     /* first non-polygon geometry type seen */
} polygon_list_t;

static void collect_polygons(const GEOSGeometry *geometry, polygon_list_t *list) {
    GEOSContextHandle_t context = geo_context();
    int type = GEOSGeomTypeId_r(context, geometry);
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int count = GEOSGetNumGeometries_r(context, geometry);
        for (int i = 0; i < count; i++) collect_polygons(GEOSGetGeometryN_r(context, geometry, i), list);
    } else if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(context, geometry)) return;
        if (list->count == list->capacity) {
            list->capacity = list->capacity ? 2 * list->capacity : 8;
            list->items = xrealloc(list->items, list->capacity * sizeof *list->items);
        }
        list->items[list->count++] = geometry;
    } else if (!list->other_type[0]) {
        char *type_name = GEOSGeomType_r(context, geometry);
        snprintf(list->other_type, sizeof list->other_type, "%s", type_name ? type_name : "?");
        GEOSFree_r(context, type_name);
    }
}

static bool polygon_in_lon_lat_range(const GEOSGeometry *polygon) {
    double min_x, min_y, max_x, max_y;
    if (!GEOSGeom_getExtent_r(geo_context(), polygon, &min_x, &min_y, &max_x, &max_y)) return false;
    return min_x >= -180 && max_x <= 180 && min_y >= -90 && max_y <= 90;
}

/* Checks one polygon: lon/lat range, then GEOS validity with its reason. */
static bool check_polygon(const GEOSGeometry *polygon, size_t index, const char *name, diagnostic_t *error) {
    GEOSContextHandle_t context = geo_context();
    if (!polygon_in_lon_lat_range(polygon)) {
        fail(error, name, 0, 0, "polygon %zu: coordinates outside lon [-180,180], lat [-90,90]", index + 1);
        return false;
    }
    char valid = GEOSisValid_r(context, polygon);
    if (valid == 1) return true;
    char *reason = valid == 0 ? GEOSisValidReason_r(context, polygon) : NULL;
    fail(error, name, 0, 0, "polygon %zu is not valid: %s", index + 1, reason ? reason : geo_last_error());
    GEOSFree_r(context, reason);
    return false;
}

/* The polygons as one MultiPolygon; unioned when they overlap. */
static GEOSGeometry *merge_polygons(const polygon_list_t *list, const char *name, diagnostic_t *error) {
    GEOSContextHandle_t context = geo_context();
    GEOSGeometry **copies = xmalloc(list->count * sizeof *copies);
    for (size_t i = 0; i < list->count; i++) copies[i] = GEOSGeom_clone_r(context, list->items[i]);
    GEOSGeometry *merged = GEOSGeom_createCollection_r(context, GEOS_MULTIPOLYGON, copies, (unsigned)list->count);
    free(copies);
    if (merged && GEOSisValid_r(context, merged) != 1) {
        GEOSGeometry *unioned = GEOSUnaryUnion_r(context, merged);
        GEOSGeom_destroy_r(context, merged);
        merged = unioned;
    }
    if (!merged) fail(error, name, 0, 0, "cannot merge the polygons: %s", geo_last_error());
    return merged;
}

static GEOSGeometry *polygons_of(const GEOSGeometry *parsed, const char *name, diagnostic_t *error) {
    polygon_list_t list = {0};
    collect_polygons(parsed, &list);
    GEOSGeometry *merged = NULL;
    bool ok = list.count > 0;
    if (!ok && list.other_type[0])
        fail(error, name, 0, 0, "no Polygon or MultiPolygon in the GeoJSON (found a %s)", list.other_type);
    else if (!ok)
        fail(error, name, 0, 0, "no Polygon or MultiPolygon in the GeoJSON (it is empty)");
    for (size_t i = 0; ok && i < list.count; i++) ok = check_polygon(list.items[i], i, name, error);
    if (ok) merged = merge_polygons(&list, name, error);
    free(list.items);
    return merged;
}

zone_t *zone_from_geojson(const char *name, const char *json, size_t len, diagnostic_t *error) {
    if (!name) name = "<memory>";
    if (!json) {
        json = "";
        len = 0;
    }
    GEOSGeometry *parsed = parse_geojson(name, json, len, error);
    if (!parsed) return NULL;
    GEOSContextHandle_t context = geo_context();
    GEOSGeometry *polygons = polygons_of(parsed, name, error);
    GEOSGeom_destroy_r(context, parsed);
    if (!polygons) return NULL;
    zone_t *zone = zone_from_geos(polygons, name, error);
    GEOSGeom_destroy_r(context, polygons);
    return zone;
}

/* Whether the geometry holds a line anywhere in it. */
static bool holds_lines(const GEOSGeometry *geometry) {
    GEOSContextHandle_t context = geo_context();
    int type = GEOSGeomTypeId_r(context, geometry);
    if (type == GEOS_LINESTRING) return !GEOSisEmpty_r(context, geometry);
    if (type != GEOS_MULTILINESTRING && type != GEOS_GEOMETRYCOLLECTION) return false;
    int count = GEOSGetNumGeometries_r(context, geometry);
    for (int i = 0; i < count; i++)
        if (holds_lines(GEOSGetGeometryN_r(context, geometry, i))) return true;
    return false;
}

bool geo_from_geojson(const char *name, const char *json, size_t len, zone_t **zone, geo_line_t **line,
                      diagnostic_t *error) {
    *zone = NULL;
    *line = NULL;
    if (!name) name = "<memory>";
    GEOSGeometry *parsed = parse_geojson(name, json ? json : "", json ? len : 0, error);
    if (!parsed) return false;
    GEOSContextHandle_t context = geo_context();
    polygon_list_t list = {0};
    collect_polygons(parsed, &list);
    bool has_polygons = list.count > 0, has_lines = holds_lines(parsed);
    free(list.items);
    if (has_polygons && has_lines) {
        fail(error, name, 0, 0, "the file mixes lines and polygons: give a line and a zone a file each");
    } else if (has_lines) {
        *line = line_from_geos(parsed, name, error);
    } else {
        GEOSGeometry *polygons = polygons_of(parsed, name, error);
        if (polygons) *zone = zone_from_geos(polygons, name, error);
        if (polygons) GEOSGeom_destroy_r(context, polygons);
    }
    GEOSGeom_destroy_r(context, parsed);
    return *zone || *line;
}

bool geo_load_geojson(const char *path, zone_t **zone, geo_line_t **line, diagnostic_t *error) {
    *zone = NULL;
    *line = NULL;
    size_t length = 0;
    char *text = read_zone_file(path, &length, error);
    if (!text) return false;
    bool ok = geo_from_geojson(path, text, length, zone, line, error);
    free(text);
    return ok;
}

/* ---- GEOS <-> zone ----------------------------------------------------- */

static bool add_ring_from_geos(zone_builder_t *builder, const GEOSGeometry *ring) {
    GEOSContextHandle_t context = geo_context();
    const GEOSCoordSequence *sequence = ring ? GEOSGeom_getCoordSeq_r(context, ring) : NULL;
    unsigned size = 0;
    if (!sequence || !GEOSCoordSeq_getSize_r(context, sequence, &size)) return false;
    if (size < 4) return size == 0;  /* an empty ring adds nothing */
    double *lon_lat = xmalloc(2 * (size_t)size * sizeof *lon_lat);
    bool ok = GEOSCoordSeq_copyToBuffer_r(context, sequence, lon_lat, 0, 0) != 0;
    if (ok) zone_builder_add_ring(builder, lon_lat, size);
    free(lon_lat);
    return ok;
}

static bool add_polygon_from_geos(zone_builder_t *builder, const GEOSGeometry *polygon) {
    GEOSContextHandle_t context = geo_context();
    zone_builder_begin_polygon(builder);
    if (!add_ring_from_geos(builder, GEOSGetExteriorRing_r(context, polygon))) return false;
    int holes = GEOSGetNumInteriorRings_r(context, polygon);
    for (int i = 0; i < holes; i++)
        if (!add_ring_from_geos(builder, GEOSGetInteriorRingN_r(context, polygon, i))) return false;
    return true;
}

zone_t *zone_from_geos(const GEOSGeometry *geometry, const char *name, diagnostic_t *error) {
    polygon_list_t list = {0};
    collect_polygons(geometry, &list);
    zone_builder_t builder = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < list.count; i++) ok = add_polygon_from_geos(&builder, list.items[i]);
    free(list.items);
    if (!ok) {
        fail(error, name, 0, 0, "cannot read the polygons' coordinates: %s", geo_last_error());
        zone_builder_free(&builder);
        return NULL;
    }
    return zone_builder_finish(&builder, name, error);
}

static GEOSGeometry *ring_to_geos(const zone_t *zone, size_t ring) {
    GEOSContextHandle_t context = geo_context();
    size_t first = zone->ring_start[ring], count = zone->ring_start[ring + 1] - first;
    GEOSCoordSequence *sequence =
        GEOSCoordSeq_copyFromBuffer_r(context, zone->coordinates + 2 * first, (unsigned)count, 0, 0);
    return sequence ? GEOSGeom_createLinearRing_r(context, sequence) : NULL;
}

static GEOSGeometry *polygon_to_geos(const zone_t *zone, size_t polygon) {
    GEOSContextHandle_t context = geo_context();
    size_t first = zone->polygon_start[polygon], hole_count = zone->polygon_start[polygon + 1] - first - 1;
    GEOSGeometry *shell = ring_to_geos(zone, first);
    GEOSGeometry **holes = xcalloc(hole_count ? hole_count : 1, sizeof *holes);
    bool ok = shell != NULL;
    for (size_t i = 0; ok && i < hole_count; i++) ok = (holes[i] = ring_to_geos(zone, first + 1 + i)) != NULL;
    GEOSGeometry *result = ok ? GEOSGeom_createPolygon_r(context, shell, holes, (unsigned)hole_count) : NULL;
    if (!ok) {
        if (shell) GEOSGeom_destroy_r(context, shell);
        for (size_t i = 0; i < hole_count; i++)
            if (holes[i]) GEOSGeom_destroy_r(context, holes[i]);
    }
    free(holes);
    return result;
}

GEOSGeometry *zone_to_geos(const zone_t *zone) {
    GEOSContextHandle_t context = geo_context();
    GEOSGeometry **polygons = xcalloc(zone->polygon_count ? zone->polygon_count : 1, sizeof *polygons);
    bool ok = true;
    for (size_t i = 0; ok && i < zone->polygon_count; i++) ok = (polygons[i] = polygon_to_geos(zone, i)) != NULL;
    GEOSGeometry *result = NULL;
    if (ok) {
        result = GEOSGeom_createCollection_r(context, GEOS_MULTIPOLYGON, polygons, (unsigned)zone->polygon_count);
    } else {
        for (size_t i = 0; i < zone->polygon_count; i++)
            if (polygons[i]) GEOSGeom_destroy_r(context, polygons[i]);
    }
    free(polygons);
    return result;
}

typedef GEOSGeometry *(*geos_binary_fn)(GEOSContextHandle_t, const GEOSGeometry *, const GEOSGeometry *);

/* a OP b through GEOS; `what` names the operation in errors. */
static zone_t *zone_combine(const zone_t *a, const zone_t *b, geos_binary_fn operation, const char *what,
                            diagnostic_t *error) {
    GEOSContextHandle_t context = geo_context();
    geo_clear_error();
    GEOSGeometry *geometry_a = zone_to_geos(a), *geometry_b = zone_to_geos(b);
    GEOSGeometry *result = geometry_a && geometry_b ? operation(context, geometry_a, geometry_b) : NULL;
    zone_t *zone = NULL;
    if (result)
        zone = zone_from_geos(result, what, error);
    else
        fail(error, what, 0, 0, "GEOS cannot compute the %s: %s", what, geo_last_error());
    if (geometry_a) GEOSGeom_destroy_r(context, geometry_a);
    if (geometry_b) GEOSGeom_destroy_r(context, geometry_b);
    if (result) GEOSGeom_destroy_r(context, result);
    return zone;
}

zone_t *zone_difference(const zone_t *a, const zone_t *b, diagnostic_t *error) {
    return zone_combine(a, b, GEOSDifference_r, "difference", error);
}

zone_t *zone_intersection(const zone_t *a, const zone_t *b, diagnostic_t *error) {
    return zone_combine(a, b, GEOSIntersection_r, "intersection", error);
}

zone_t *zone_union(const zone_t *a, const zone_t *b, diagnostic_t *error) {
    return zone_combine(a, b, GEOSUnion_r, "union", error);
}
