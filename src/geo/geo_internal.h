/* geo internals shared by the files of src/geo: the layout of a zone (its rings
 * as flat coordinate arrays plus the grid index zone.c queries), the builder
 * that assembles one, and access to the one GEOS context used for loading. */
#ifndef TRUCE_GEO_INTERNAL_H
#define TRUCE_GEO_INTERNAL_H

#include <stdint.h>
#include <geos_c.h>
#include "geo/geo.h"

/* Kind of a grid cell, as stored in zone->cell_kind. */
enum {
    CELL_OUTSIDE = 0,   /* no edge touches the cell and it lies outside */
    CELL_INSIDE = 1,    /* no edge touches the cell and it lies inside */
    CELL_BOUNDARY = 2,  /* some edges touch the cell: test them */
};

/* A boundary cell: a reference point inside the cell whose inside/outside
 * status is known, and the edges that touch the cell. Each entry of
 * zone->cell_edges is an edge index (the index of its first vertex) with the
 * top bit set when the reference point lies left of that edge. */
typedef struct {
    double reference_lon, reference_lat;
    uint32_t first_edge;          /* index into zone->cell_edges */
    unsigned edge_count : 31;
    unsigned reference_inside : 1;
} grid_cell_t;

#define CELL_EDGE_LEFT_BIT 0x80000000u
#define CELL_EDGE_INDEX_MASK 0x7fffffffu

struct zone {
    /* Shape: polygons made of rings made of vertices. Ring r spans vertices
     * ring_start[r] .. ring_start[r + 1] - 1 and is closed (last == first);
     * polygon p spans rings polygon_start[p] .. polygon_start[p + 1] - 1, the
     * first being the shell (counterclockwise), the others holes (clockwise). */
    double *coordinates;          /* lon, lat of vertex i at [2i], [2i + 1] */
    size_t vertex_count;
    size_t *ring_start;           /* ring_count + 1 entries */
    size_t ring_count;
    size_t *polygon_start;        /* polygon_count + 1 entries */
    size_t polygon_count;

    /* Grid index over the bounds, built by zone_build_index. */
    bounds_t bounds;
    uint32_t columns, rows;
    double columns_per_degree, rows_per_degree;
    uint8_t *cell_kind;           /* columns * rows, row-major from min_lat */
    grid_cell_t *cells;           /* columns * rows */
    uint32_t *cell_edges;
};

/* A line: part p spans vertices part_start[p] .. part_start[p + 1] - 1. */
struct geo_line {
    double *coordinates;          /* lon, lat of vertex i at [2i], [2i + 1] */
    size_t vertex_count;
    size_t *part_start;           /* part_count + 1 entries */
    size_t part_count;
    bounds_t bounds;
};

/* Converts between lines and GEOS geometries (a MultiLineString). The reader
 * collects every LineString in the geometry; NULL with *error if none. */
geo_line_t *line_from_geos(const GEOSGeometry *geometry, const char *name, diagnostic_t *error);
GEOSGeometry *line_to_geos(const geo_line_t *line);

/* Collects polygons ring by ring, then becomes a zone. */
typedef struct {
    double *coordinates;
    size_t vertex_count, vertex_capacity;
    size_t *ring_start;
    size_t ring_count, ring_capacity;
    size_t *polygon_start;
    size_t polygon_count, polygon_capacity;
} zone_builder_t;

void zone_builder_begin_polygon(zone_builder_t *builder);
/* Adds a closed ring of `count` lon/lat pairs (first == last) to the current
 * polygon, reversing it if needed so shells run counterclockwise and holes
 * clockwise. */
void zone_builder_add_ring(zone_builder_t *builder, const double *lon_lat, size_t count);
/* Turns the builder's polygons into a zone with its grid index and empties the
 * builder. Returns NULL with *error when the zone is too large to index. */
zone_t *zone_builder_finish(zone_builder_t *builder, const char *name, diagnostic_t *error);
void zone_builder_free(zone_builder_t *builder);

/* Builds the grid index of a zone whose shape is set; false if too large. */
bool zone_build_index(zone_t *zone);

/* Appends the SVG path of polylines (rings when closed) in the projection of
 * zone_write_svg_path; false when the view is empty. */
bool svg_polylines(const double *lon_lat, const size_t *part_start, size_t part_count, bool closed, bounds_t view,
                   double width, double height, buffer_t *out);

/* Signed area of a closed ring in square degrees (positive: counterclockwise). */
double ring_signed_area(const double *lon_lat, size_t count);

/* The GEOS context (created by geo_init, or on first use), and the last
 * error GEOS reported on it since geo_clear_error (a generic text if none). */
GEOSContextHandle_t geo_context(void);
const char *geo_last_error(void);
void geo_clear_error(void);

/* Reads GeoJSON text (geojson_reader.c) into a GEOS geometry: polygons and
 * lines as they are, other geometry types as empty geometries of their type. NULL,
 * with the line and column in *error, on invalid input. */
GEOSGeometry *geojson_read(const char *name, const char *json, size_t len, diagnostic_t *error);

/* Converts between zones and GEOS geometries (a MultiPolygon). */
GEOSGeometry *zone_to_geos(const zone_t *zone);
zone_t *zone_from_geos(const GEOSGeometry *geometry, const char *name, diagnostic_t *error);

#endif
