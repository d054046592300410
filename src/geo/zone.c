/* zone: the grid index built over a zone at load time, and zone_contains, the
 * point-in-polygon test the engine runs for every report.
 *
 * Why our own code: the engine has ~250 ns per report for everything, and a
 * report may be tested against several zones. GEOS 3.11 (Debian 12) has no
 * allocation-free point query (GEOSPreparedContainsXY only arrived in 3.12):
 * every query must create, then destroy, a GEOS point (at least one malloc
 * and free) and go through the generic prepared-predicate machinery. tg (a
 * single-file C library that answers without allocating) is not packaged
 * for Debian. Measured with bench/zone_bench.c (10M random points around
 * each zone's bounding box; -O2, one thread on a shared 2-core AMD EPYC VM;
 * ranges over several runs, the higher ones while the machine was busy):
 *                              zone_contains   GEOSPreparedCovers_r + point
 *     buffer-zone (23 vertices)     10-18 ns      60-95 ns
 *     occupied (78)                 10 ns         63-69 ns
 *     ukraine (636)                 11 ns         80 ns
 *     russia (7,433)                11-16 ns      183-314 ns
 * GEOS alone would take a quarter to all of the budget; this takes ~5%.
 *
 * How: a uniform grid over the zone's bounding box. A cell no edge touches is
 * wholly inside or wholly outside. Every other (boundary) cell keeps the
 * edges touching it and a reference point inside it, off every edge, whose
 * status is known. A query in a boundary cell counts how many of the cell's
 * edges the segment from the query point to the reference point crosses: the
 * segment stays inside the cell, so no other edge can cross it, and each
 * crossing flips inside/outside (even-odd over all rings, which is exact for
 * valid polygons with holes and for multipolygons). Reference statuses are
 * found the same way at build time, walking each row of cells from a point
 * left of the bounding box, which is outside.
 *
 * Exactness: orientation signs are computed exactly (a floating-point filter,
 * then an exact expansion fallback), degenerate crossings (the segment passing
 * through a vertex or along an edge) follow one half-open rule, and points on
 * an edge are detected and count as inside. tests/geo_test.c checks the answer
 * against GEOS (GEOSPreparedCovers_r) on 200k random points per zone, on
 * points rounded onto edges, and on segments passing exactly through vertices. */
#include "geo/geo_internal.h"

#include <math.h>
#include <stdlib.h>

/* ---- exact orientation ------------------------------------------------ */

/* Shewchuk's bound on the rounding error of the determinant below. */
#define ORIENTATION_ERROR_BOUND 3.3306690738754716e-16

static void two_sum(double a, double b, double *sum, double *error) {
    double s = a + b;
    double b_virtual = s - a;
    double a_virtual = s - b_virtual;
    *error = (a - a_virtual) + (b - b_virtual);
    *sum = s;
}

static void two_product(double a, double b, double *product, double *error) {
    double p = a * b;
    *error = fma(a, b, -p);
    *product = p;
}

/* Adds value to a nonoverlapping expansion (Shewchuk's Grow-Expansion). */
static size_t expansion_grow(double *expansion, size_t length, double value) {
    double carry = value;
    for (size_t i = 0; i < length; i++) two_sum(carry, expansion[i], &carry, &expansion[i]);
    expansion[length] = carry;
    return length + 1;
}

/* The sign of (bx-ax)(cy-ay) - (by-ay)(cx-ax), computed without rounding. */
static int __attribute__((noinline))
orientation_exact(double ax, double ay, double bx, double by, double cx, double cy) {
    double dx_ab[2], dy_ac[2], dy_ab[2], dx_ac[2];
    two_sum(bx, -ax, &dx_ab[0], &dx_ab[1]);
    two_sum(cy, -ay, &dy_ac[0], &dy_ac[1]);
    two_sum(by, -ay, &dy_ab[0], &dy_ab[1]);
    two_sum(cx, -ax, &dx_ac[0], &dx_ac[1]);
    double expansion[16];
    size_t length = 0;
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            double product, error;
            two_product(dx_ab[i], dy_ac[j], &product, &error);
            length = expansion_grow(expansion, length, product);
            length = expansion_grow(expansion, length, error);
            two_product(dy_ab[i], dx_ac[j], &product, &error);
            length = expansion_grow(expansion, length, -product);
            length = expansion_grow(expansion, length, -error);
        }
    }
    for (size_t i = length; i-- > 0;)
        if (expansion[i] != 0) return expansion[i] > 0 ? 1 : -1;
    return 0;
}

/* +1 if c is left of the line a->b, -1 if right, 0 if exactly on it. */
static inline int orientation(double ax, double ay, double bx, double by, double cx, double cy) {
    double left = (bx - ax) * (cy - ay);
    double right = (by - ay) * (cx - ax);
    double determinant = left - right;
    double bound = ORIENTATION_ERROR_BOUND * (fabs(left) + fabs(right));
    if (determinant > bound) return 1;
    if (determinant < -bound) return -1;
    return orientation_exact(ax, ay, bx, by, cx, cy);
}

/* ---- segment predicates ------------------------------------------------ */

static inline bool point_on_edge(const double *edge, double x, double y) {
    if (orientation(edge[0], edge[1], edge[2], edge[3], x, y) != 0) return false;
    return x >= fmin(edge[0], edge[2]) && x <= fmax(edge[0], edge[2]) &&
           y >= fmin(edge[1], edge[3]) && y <= fmax(edge[1], edge[3]);
}

/* Whether the edge's endpoints lie on different sides of the line a->b, a
 * vertex exactly on the line counting as right of it (the half-open rule). */
static inline bool edge_straddles_line(const double *edge, double ax, double ay, double bx, double by) {
    bool first_left = orientation(ax, ay, bx, by, edge[0], edge[1]) > 0;
    bool second_left = orientation(ax, ay, bx, by, edge[2], edge[3]) > 0;
    return first_left != second_left;
}

/* Whether segment a-b crosses the edge; neither a nor b may lie on the edge. */
static bool segment_crosses_edge(const double *edge, double ax, double ay, double bx, double by) {
    if (!edge_straddles_line(edge, ax, ay, bx, by)) return false;
    bool a_left = orientation(edge[0], edge[1], edge[2], edge[3], ax, ay) > 0;
    bool b_left = orientation(edge[0], edge[1], edge[2], edge[3], bx, by) > 0;
    return a_left != b_left;
}

/* ---- the query --------------------------------------------------------- */

static bool boundary_cell_contains(const zone_t *zone, const grid_cell_t *cell, double x, double y) {
    const uint32_t *entry = zone->cell_edges + cell->first_edge;
    const uint32_t *end = entry + cell->edge_count;
    double reference_x = cell->reference_lon, reference_y = cell->reference_lat;
    bool inside = cell->reference_inside;
    for (; entry < end; entry++) {
        const double *edge = zone->coordinates + 2 * (size_t)(*entry & CELL_EDGE_INDEX_MASK);
        int side = orientation(edge[0], edge[1], edge[2], edge[3], x, y);
        if (side == 0) {
            if (point_on_edge(edge, x, y)) return true;
            continue;  /* on the edge's line but off the edge: cannot cross */
        }
        bool reference_left = (*entry & CELL_EDGE_LEFT_BIT) != 0;
        if ((side > 0) == reference_left) continue;
        if (edge_straddles_line(edge, x, y, reference_x, reference_y)) inside = !inside;
    }
    return inside;
}

bool zone_contains(const zone_t *zone, double lon, double lat) {
    const bounds_t *bounds = &zone->bounds;
    if (!(lon >= bounds->min_lon && lon <= bounds->max_lon &&
          lat >= bounds->min_lat && lat <= bounds->max_lat))
        return false;
    uint32_t column = (uint32_t)((lon - bounds->min_lon) * zone->columns_per_degree);
    uint32_t row = (uint32_t)((lat - bounds->min_lat) * zone->rows_per_degree);
    if (column >= zone->columns) column = zone->columns - 1;
    if (row >= zone->rows) row = zone->rows - 1;
    size_t cell = (size_t)row * zone->columns + column;
    uint8_t kind = zone->cell_kind[cell];
    if (kind != CELL_BOUNDARY) return kind == CELL_INSIDE;
    return boundary_cell_contains(zone, &zone->cells[cell], lon, lat);
}

bounds_t zone_bounds(const zone_t *zone) { return zone->bounds; }

void zone_free(zone_t *zone) {
    if (!zone) return;
    free(zone->coordinates);
    free(zone->ring_start);
    free(zone->polygon_start);
    free(zone->cell_kind);
    free(zone->cells);
    free(zone->cell_edges);
    free(zone);
}

/* ---- building the grid ------------------------------------------------- */

/* A cell's rectangle, widened by a margin that covers the rounding of both
 * the rectangle and the query's cell lookup. */
typedef struct {
    double min_x, min_y, max_x, max_y;
} rectangle_t;

static double cell_width(const zone_t *zone) {
    return (zone->bounds.max_lon - zone->bounds.min_lon) / zone->columns;
}

static double cell_height(const zone_t *zone) {
    return (zone->bounds.max_lat - zone->bounds.min_lat) / zone->rows;
}

static double cell_margin(const zone_t *zone) {
    const bounds_t *b = &zone->bounds;
    double magnitude = fmax(fmax(fabs(b->min_lon), fabs(b->max_lon)), fmax(fabs(b->min_lat), fabs(b->max_lat)));
    return 1e-6 * fmin(cell_width(zone), cell_height(zone)) + 1e-12 * magnitude;
}

static rectangle_t cell_rectangle(const zone_t *zone, uint32_t column, uint32_t row) {
    double width = cell_width(zone), height = cell_height(zone), margin = cell_margin(zone);
    double x = zone->bounds.min_lon + column * width, y = zone->bounds.min_lat + row * height;
    return (rectangle_t){x - margin, y - margin, x + width + margin, y + height + margin};
}

static void compute_bounds(zone_t *zone) {
    if (zone->vertex_count == 0) {
        zone->bounds = (bounds_t){0, 0, 0, 0};
        return;
    }
    bounds_t b = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < zone->vertex_count; i++) {
        double x = zone->coordinates[2 * i], y = zone->coordinates[2 * i + 1];
        b.min_lon = fmin(b.min_lon, x);
        b.max_lon = fmax(b.max_lon, x);
        b.min_lat = fmin(b.min_lat, y);
        b.max_lat = fmax(b.max_lat, y);
    }
    zone->bounds = b;
}

static uint32_t clamp_cells(double count, uint32_t low, uint32_t high) {
    if (!(count >= low)) return low;
    return count > high ? high : (uint32_t)count;
}

/* Between 64x64 and 256x256 cells (about four per vertex), shaped like the
 * bounding box so cells are roughly square in degrees. */
static void choose_grid_size(zone_t *zone) {
    double span_x = zone->bounds.max_lon - zone->bounds.min_lon;
    double span_y = zone->bounds.max_lat - zone->bounds.min_lat;
    double target = fmin(fmax(4.0 * (double)zone->vertex_count, 64.0 * 64.0), 256.0 * 256.0);
    double aspect = span_x > 0 && span_y > 0 ? span_x / span_y : 1.0;
    zone->columns = clamp_cells(round(sqrt(target * aspect)), 4, 2048);
    zone->rows = clamp_cells(round(target / zone->columns), 4, 2048);
    if (zone->vertex_count == 0) zone->columns = zone->rows = 1;
    zone->columns_per_degree = span_x > 0 ? zone->columns / span_x : 0;
    zone->rows_per_degree = span_y > 0 ? zone->rows / span_y : 0;
}

/* Conservative: true unless the rectangle lies wholly on one side of the
 * edge's line (the caller has already checked the bounding boxes overlap). */
static bool edge_may_touch_rectangle(const double *edge, rectangle_t r) {
    double dx = edge[2] - edge[0], dy = edge[3] - edge[1];
    double corners[4][2] = {{r.min_x, r.min_y}, {r.max_x, r.min_y}, {r.min_x, r.max_y}, {r.max_x, r.max_y}};
    int positive = 0, negative = 0;
    for (int i = 0; i < 4; i++) {
        double side = dx * (corners[i][1] - edge[1]) - dy * (corners[i][0] - edge[0]);
        positive += side > 0;
        negative += side < 0;
    }
    return positive != 4 && negative != 4;
}

static uint32_t cell_index_of(double value, double origin, double cells_per_degree, uint32_t cell_count) {
    double index = floor((value - origin) * cells_per_degree);
    if (index < 0) return 0;
    return index >= cell_count ? cell_count - 1 : (uint32_t)index;
}

typedef void edge_cell_visitor(zone_t *zone, size_t cell, uint32_t edge, void *context);

static void visit_cells_of_edge(zone_t *zone, uint32_t edge_index, edge_cell_visitor *visit, void *context) {
    const double *edge = zone->coordinates + 2 * (size_t)edge_index;
    const bounds_t *b = &zone->bounds;
    double margin = cell_margin(zone);
    uint32_t first_column = cell_index_of(fmin(edge[0], edge[2]) - margin, b->min_lon, zone->columns_per_degree, zone->columns);
    uint32_t last_column = cell_index_of(fmax(edge[0], edge[2]) + margin, b->min_lon, zone->columns_per_degree, zone->columns);
    uint32_t first_row = cell_index_of(fmin(edge[1], edge[3]) - margin, b->min_lat, zone->rows_per_degree, zone->rows);
    uint32_t last_row = cell_index_of(fmax(edge[1], edge[3]) + margin, b->min_lat, zone->rows_per_degree, zone->rows);
    for (uint32_t row = first_row; row <= last_row; row++)
        for (uint32_t column = first_column; column <= last_column; column++)
            if (edge_may_touch_rectangle(edge, cell_rectangle(zone, column, row)))
                visit(zone, (size_t)row * zone->columns + column, edge_index, context);
}

static void visit_all_edge_cells(zone_t *zone, edge_cell_visitor *visit, void *context) {
    for (size_t ring = 0; ring < zone->ring_count; ring++)
        for (size_t vertex = zone->ring_start[ring]; vertex + 1 < zone->ring_start[ring + 1]; vertex++)
            visit_cells_of_edge(zone, (uint32_t)vertex, visit, context);
}

static void count_edge(zone_t *zone, size_t cell, uint32_t edge, void *context) {
    (void)edge;
    uint64_t *total = context;
    zone->cells[cell].edge_count++;
    (*total)++;
}

static void store_edge(zone_t *zone, size_t cell, uint32_t edge, void *context) {
    uint32_t *filled = context;
    zone->cell_edges[zone->cells[cell].first_edge + filled[cell]++] = edge;
}

/* Fills cells[].first_edge/edge_count and cell_edges; false if too many. */
static bool assign_edges_to_cells(zone_t *zone) {
    size_t cell_count = (size_t)zone->columns * zone->rows;
    uint64_t total = 0;
    visit_all_edge_cells(zone, count_edge, &total);
    if (total > CELL_EDGE_INDEX_MASK) return false;
    uint32_t next = 0;
    for (size_t cell = 0; cell < cell_count; cell++) {
        zone->cells[cell].first_edge = next;
        next += zone->cells[cell].edge_count;
    }
    zone->cell_edges = xmalloc((total ? total : 1) * sizeof *zone->cell_edges);
    uint32_t *filled = xcalloc(cell_count, sizeof *filled);
    visit_all_edge_cells(zone, store_edge, filled);
    free(filled);
    return true;
}

static bool point_on_cell_edges(const zone_t *zone, const grid_cell_t *cell, double x, double y) {
    for (uint32_t k = 0; k < cell->edge_count; k++) {
        const double *edge = zone->coordinates + 2 * (size_t)zone->cell_edges[cell->first_edge + k];
        if (point_on_edge(edge, x, y)) return true;
    }
    return false;
}

/* The i-th point of the 2-D Halton sequence (bases 2 and 3), in (0,1)^2. */
static void halton_point(uint32_t i, double *u, double *v) {
    double fraction = 0.5, value = 0;
    for (uint32_t n = i; n; n /= 2, fraction /= 2) value += fraction * (n % 2);
    *u = value;
    fraction = 1.0 / 3, value = 0;
    for (uint32_t n = i; n; n /= 3, fraction /= 3) value += fraction * (n % 3);
    *v = value;
}

/* Picks the cell's reference point: its centre, or failing that the first
 * point of a Halton sequence over the cell that lies on none of its edges. */
static bool choose_reference_point(const zone_t *zone, grid_cell_t *cell, uint32_t column, uint32_t row) {
    double x0 = zone->bounds.min_lon + column * cell_width(zone);
    double y0 = zone->bounds.min_lat + row * cell_height(zone);
    for (uint32_t i = 0; i < 4096; i++) {
        double u = 0.5, v = 0.5;
        if (i > 0) halton_point(i, &u, &v);
        cell->reference_lon = x0 + u * cell_width(zone);
        cell->reference_lat = y0 + v * cell_height(zone);
        if (!point_on_cell_edges(zone, cell, cell->reference_lon, cell->reference_lat)) return true;
    }
    return false;
}

/* Counts crossings of segment a-b with the edges of up to two cells, each edge
 * once (stamp[] remembers the last segment that looked at an edge). */
typedef struct {
    uint32_t *stamp;
    uint32_t current;
} edge_stamps_t;

static uint32_t count_cell_crossings(const zone_t *zone, const grid_cell_t *cell, edge_stamps_t *stamps,
                                     double ax, double ay, double bx, double by) {
    uint32_t crossings = 0;
    for (uint32_t k = 0; k < cell->edge_count; k++) {
        uint32_t edge_index = zone->cell_edges[cell->first_edge + k];
        if (stamps->stamp[edge_index] == stamps->current) continue;
        stamps->stamp[edge_index] = stamps->current;
        crossings += segment_crosses_edge(zone->coordinates + 2 * (size_t)edge_index, ax, ay, bx, by);
    }
    return crossings;
}

/* Walks one row left to right, carrying inside/outside from a point left of
 * the bounding box (outside) through every cell's reference point. */
static bool classify_row(zone_t *zone, uint32_t row, edge_stamps_t *stamps) {
    double previous_x = zone->bounds.min_lon - 0.5 * cell_width(zone);
    double previous_y = zone->bounds.min_lat + (row + 0.5) * cell_height(zone);
    const grid_cell_t *previous = NULL;
    bool inside = false;
    for (uint32_t column = 0; column < zone->columns; column++) {
        size_t index = (size_t)row * zone->columns + column;
        grid_cell_t *cell = &zone->cells[index];
        if (!choose_reference_point(zone, cell, column, row)) return false;
        stamps->current++;
        uint32_t crossings = count_cell_crossings(zone, cell, stamps, previous_x, previous_y,
                                                  cell->reference_lon, cell->reference_lat);
        if (previous)
            crossings += count_cell_crossings(zone, previous, stamps, previous_x, previous_y,
                                              cell->reference_lon, cell->reference_lat);
        inside ^= crossings & 1;
        cell->reference_inside = inside;
        zone->cell_kind[index] = cell->edge_count ? CELL_BOUNDARY : inside ? CELL_INSIDE : CELL_OUTSIDE;
        previous_x = cell->reference_lon;
        previous_y = cell->reference_lat;
        previous = cell;
    }
    return true;
}

/* Marks each (cell, edge) entry with the side of the edge the cell's
 * reference point lies on, which every query in the cell needs. */
static void mark_reference_sides(zone_t *zone) {
    size_t cell_count = (size_t)zone->columns * zone->rows;
    for (size_t index = 0; index < cell_count; index++) {
        const grid_cell_t *cell = &zone->cells[index];
        for (uint32_t k = 0; k < cell->edge_count; k++) {
            uint32_t *entry = &zone->cell_edges[cell->first_edge + k];
            const double *edge = zone->coordinates + 2 * (size_t)*entry;
            if (orientation(edge[0], edge[1], edge[2], edge[3], cell->reference_lon, cell->reference_lat) > 0)
                *entry |= CELL_EDGE_LEFT_BIT;
        }
    }
}

bool zone_build_index(zone_t *zone) {
    if (zone->vertex_count > CELL_EDGE_INDEX_MASK) return false;
    compute_bounds(zone);
    choose_grid_size(zone);
    size_t cell_count = (size_t)zone->columns * zone->rows;
    zone->cell_kind = xcalloc(cell_count, 1);
    zone->cells = xcalloc(cell_count, sizeof *zone->cells);
    if (!assign_edges_to_cells(zone)) return false;
    edge_stamps_t stamps = {xcalloc(zone->vertex_count ? zone->vertex_count : 1, sizeof(uint32_t)), 0};
    bool ok = true;
    for (uint32_t row = 0; ok && row < zone->rows; row++) ok = classify_row(zone, row, &stamps);
    free(stamps.stamp);
    if (ok) mark_reference_sides(zone);
    return ok;
}
