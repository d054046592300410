/* line: line places (a line of contact, the line of a memorandum) read from
 * GeoJSON LineStrings, their length on the sphere, and their drawing as
 * GeoJSON and SVG. Lines are never tested for containment: they are buffered
 * into zones (buffer.c) and drawn. */
#include "geo/geo_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EARTH_RADIUS_KM 6371.0088
#define RADIANS (M_PI / 180.0)

typedef struct {
    const GEOSGeometry **items;
    size_t count, capacity;
} linestring_list_t;

static void collect_linestrings(const GEOSGeometry *geometry, linestring_list_t *list) {
    GEOSContextHandle_t context = geo_context();
    int type = GEOSGeomTypeId_r(context, geometry);
    if (type == GEOS_MULTILINESTRING || type == GEOS_GEOMETRYCOLLECTION) {
        int count = GEOSGetNumGeometries_r(context, geometry);
        for (int i = 0; i < count; i++) collect_linestrings(GEOSGetGeometryN_r(context, geometry, i), list);
    } else if (type == GEOS_LINESTRING && !GEOSisEmpty_r(context, geometry)) {
        if (list->count == list->capacity) {
            list->capacity = list->capacity ? 2 * list->capacity : 8;
            list->items = xrealloc(list->items, list->capacity * sizeof *list->items);
        }
        list->items[list->count++] = geometry;
    }
}

static void extend_bounds(bounds_t *bounds, double lon, double lat, bool first) {
    if (first || lon < bounds->min_lon) bounds->min_lon = lon;
    if (first || lon > bounds->max_lon) bounds->max_lon = lon;
    if (first || lat < bounds->min_lat) bounds->min_lat = lat;
    if (first || lat > bounds->max_lat) bounds->max_lat = lat;
}

/* Appends one LineString's coordinates as a part; false if out of lon/lat range. */
static bool add_part(geo_line_t *line, const GEOSGeometry *linestring) {
    GEOSContextHandle_t context = geo_context();
    const GEOSCoordSequence *sequence = GEOSGeom_getCoordSeq_r(context, linestring);
    unsigned size = 0;
    if (!sequence || !GEOSCoordSeq_getSize_r(context, sequence, &size)) return false;
    line->coordinates = xrealloc(line->coordinates, 2 * (line->vertex_count + size) * sizeof *line->coordinates);
    double *out = line->coordinates + 2 * line->vertex_count;
    if (!GEOSCoordSeq_copyToBuffer_r(context, sequence, out, 0, 0)) return false;
    for (unsigned i = 0; i < size; i++) {
        if (!(fabs(out[2 * i]) <= 180) || !(fabs(out[2 * i + 1]) <= 90)) return false;
        extend_bounds(&line->bounds, out[2 * i], out[2 * i + 1], line->vertex_count + i == 0);
    }
    line->part_start[line->part_count++] = line->vertex_count;
    line->vertex_count += size;
    return true;
}

geo_line_t *line_from_geos(const GEOSGeometry *geometry, const char *name, diagnostic_t *error) {
    linestring_list_t list = {0};
    collect_linestrings(geometry, &list);
    if (list.count == 0) {
        if (error) diagnostic_set(error, name, 0, 0, "no LineString or MultiLineString in the GeoJSON");
        return NULL;
    }
    geo_line_t *line = xcalloc(1, sizeof *line);
    line->part_start = xcalloc(list.count + 1, sizeof *line->part_start);
    bool ok = true;
    for (size_t i = 0; ok && i < list.count; i++) ok = add_part(line, list.items[i]);
    free(list.items);
    if (!ok) {
        if (error) diagnostic_set(error, name, 0, 0, "line coordinates outside lon [-180,180], lat [-90,90]");
        line_free(line);
        return NULL;
    }
    line->part_start[line->part_count] = line->vertex_count;
    return line;
}

GEOSGeometry *line_to_geos(const geo_line_t *line) {
    GEOSContextHandle_t context = geo_context();
    GEOSGeometry **parts = xcalloc(line->part_count ? line->part_count : 1, sizeof *parts);
    bool ok = true;
    for (size_t p = 0; ok && p < line->part_count; p++) {
        size_t first = line->part_start[p], count = line->part_start[p + 1] - first;
        GEOSCoordSequence *sequence =
            GEOSCoordSeq_copyFromBuffer_r(context, line->coordinates + 2 * first, (unsigned)count, 0, 0);
        ok = sequence && (parts[p] = GEOSGeom_createLineString_r(context, sequence)) != NULL;
    }
    GEOSGeometry *result = NULL;
    if (ok) {
        result = GEOSGeom_createCollection_r(context, GEOS_MULTILINESTRING, parts, (unsigned)line->part_count);
    } else {
        for (size_t p = 0; p < line->part_count; p++)
            if (parts[p]) GEOSGeom_destroy_r(context, parts[p]);
    }
    free(parts);
    return result;
}

void line_free(geo_line_t *line) {
    if (!line) return;
    free(line->coordinates);
    free(line->part_start);
    free(line);
}

bounds_t line_bounds(const geo_line_t *line) { return line->bounds; }

/* Great-circle length (haversine), summed over the parts. */
double line_length_km(const geo_line_t *line) {
    double total = 0;
    for (size_t p = 0; p < line->part_count; p++) {
        for (size_t v = line->part_start[p]; v + 1 < line->part_start[p + 1]; v++) {
            const double *a = line->coordinates + 2 * v, *b = a + 2;
            double dlat = (b[1] - a[1]) * RADIANS, dlon = (b[0] - a[0]) * RADIANS;
            double h = sin(dlat / 2) * sin(dlat / 2) +
                       cos(a[1] * RADIANS) * cos(b[1] * RADIANS) * sin(dlon / 2) * sin(dlon / 2);
            total += 2 * EARTH_RADIUS_KM * asin(sqrt(h));
        }
    }
    return total;
}

void line_write_geojson(const geo_line_t *line, buffer_t *out) {
    buffer_puts(out, "{\"type\":\"MultiLineString\",\"coordinates\":[");
    for (size_t p = 0; p < line->part_count; p++) {
        buffer_puts(out, p ? ",[" : "[");
        for (size_t v = line->part_start[p]; v < line->part_start[p + 1]; v++)
            buffer_printf(out, "%s[%.15g,%.15g]", v == line->part_start[p] ? "" : ",", line->coordinates[2 * v],
                          line->coordinates[2 * v + 1]);
        buffer_puts(out, "]");
    }
    buffer_puts(out, "]}");
}

void line_write_svg_path(const geo_line_t *line, bounds_t view, double width, double height, buffer_t *out) {
    svg_polylines(line->coordinates, line->part_start, line->part_count, false, view, width, height, out);
}
