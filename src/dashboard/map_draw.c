/* map_draw: the map's geometry — an equirectangular projection true to scale
 * at the view's middle latitude, over the extent of the agreement's places;
 * zone outlines clipped to the view (a country's outline may span the globe),
 * label positions, and line places. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard/dashboard_internal.h"

#define MAP_WIDTH 1000.0
#define CLIP_MARGIN 24.0          /* user units kept beyond the view box, so clipped edges stay hidden */
#define LABEL_COLUMNS 64
#define LABEL_ROWS 40

/* Places larger than this (Russia's outline spans the globe) are drawn but do
 * not set the extent. */
#define EXTENT_MAX_SPAN_DEGREES 60.0
#define EXTENT_MARGIN 0.08

static void extend(bounds_t *extent, bool *any, bounds_t b) {
    if (b.max_lon - b.min_lon > EXTENT_MAX_SPAN_DEGREES || b.max_lat - b.min_lat > EXTENT_MAX_SPAN_DEGREES) return;
    if (!*any) *extent = b;
    extent->min_lon = fmin(extent->min_lon, b.min_lon);
    extent->min_lat = fmin(extent->min_lat, b.min_lat);
    extent->max_lon = fmax(extent->max_lon, b.max_lon);
    extent->max_lat = fmax(extent->max_lat, b.max_lat);
    *any = true;
}

/* The extent of the agreement's places (zones, lines, points), with a margin. */
static bounds_t places_extent(const agreement_t *a) {
    bounds_t extent = {-180, -60, 180, 75};
    bool any = false;
    for (int i = 0; a && i < a->place_count; i++) {
        const place_t *p = &a->places[i];
        if (p->zone && zone_area_km2(p->zone) > 0) extend(&extent, &any, zone_bounds(p->zone));
        if (p->polyline) extend(&extent, &any, line_bounds(p->polyline));
        if (p->has_point) extend(&extent, &any, (bounds_t){p->lon, p->lat, p->lon, p->lat});
    }
    if (!any) return extent;
    double span_lon = fmax(extent.max_lon - extent.min_lon, 2), span_lat = fmax(extent.max_lat - extent.min_lat, 1.5);
    double middle_lon = (extent.min_lon + extent.max_lon) / 2, middle_lat = (extent.min_lat + extent.max_lat) / 2;
    span_lon *= 1 + 2 * EXTENT_MARGIN;
    span_lat *= 1 + 2 * EXTENT_MARGIN;
    return (bounds_t){fmax(middle_lon - span_lon / 2, -180), fmax(middle_lat - span_lat / 2, -85),
                      fmin(middle_lon + span_lon / 2, 180), fmin(middle_lat + span_lat / 2, 85)};
}

map_frame_t dash_map_frame(const agreement_t *agreement) {
    map_frame_t frame = {.view = places_extent(agreement)};
    double middle = (frame.view.min_lat + frame.view.max_lat) / 2 * M_PI / 180;
    frame.width = MAP_WIDTH;
    frame.height = MAP_WIDTH * (frame.view.max_lat - frame.view.min_lat) /
                   ((frame.view.max_lon - frame.view.min_lon) * cos(middle));
    return frame;
}

/* The same projection as zone_write_svg_path (src/geo). */
void dash_map_project(const map_frame_t *frame, double lon, double lat, double *x, double *y) {
    *x = (lon - frame->view.min_lon) * frame->width / (frame->view.max_lon - frame->view.min_lon);
    *y = (frame->view.max_lat - lat) * frame->height / (frame->view.max_lat - frame->view.min_lat);
}

/* ------------------------------------------------ clipping (Sutherland-Hodgman) */

typedef struct {
    double *xy;
    size_t count, capacity;   /* in vertices */
} ring_t;

static void ring_push(ring_t *ring, double x, double y) {
    if (ring->count == ring->capacity) {
        ring->capacity = ring->capacity ? 2 * ring->capacity : 64;
        ring->xy = xrealloc(ring->xy, sizeof *ring->xy * 2 * ring->capacity);
    }
    ring->xy[2 * ring->count] = x;
    ring->xy[2 * ring->count + 1] = y;
    ring->count++;
}

/* Edge 0: x >= limit, 1: x <= limit, 2: y >= limit, 3: y <= limit. */
static bool inside(const double *v, int edge, double limit) {
    double value = v[edge / 2];
    return edge % 2 == 0 ? value >= limit : value <= limit;
}

static void clip_to_edge(const ring_t *in, ring_t *out, int edge, double limit) {
    out->count = 0;
    for (size_t i = 0; i < in->count; i++) {
        const double *a = &in->xy[2 * ((i + in->count - 1) % in->count)], *b = &in->xy[2 * i];
        bool a_in = inside(a, edge, limit), b_in = inside(b, edge, limit);
        if (a_in != b_in) {
            int axis = edge / 2;
            double t = (limit - a[axis]) / (b[axis] - a[axis]);
            ring_push(out, a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]));
        }
        if (b_in) ring_push(out, b[0], b[1]);
    }
}

static void emit_clipped_ring(buffer_t *out, const map_frame_t *frame, ring_t *ring, ring_t *scratch) {
    const double limits[4] = {-CLIP_MARGIN, frame->width + CLIP_MARGIN, -CLIP_MARGIN, frame->height + CLIP_MARGIN};
    for (int edge = 0; edge < 4 && ring->count; edge++) {
        clip_to_edge(ring, scratch, edge, limits[edge]);
        ring_t swap = *ring;
        *ring = *scratch;
        *scratch = swap;
    }
    if (ring->count < 3) return;
    for (size_t i = 0; i < ring->count; i++)
        buffer_printf(out, "%s%.1f %.1f", i ? "L" : "M", ring->xy[2 * i], ring->xy[2 * i + 1]);
    buffer_puts(out, "Z");
}

/* Reads back the "M x y L x y ... Z" path of zone_write_svg_path and clips
 * each ring. */
void dash_map_zone_path(buffer_t *out, const map_frame_t *frame, const zone_t *zone) {
    buffer_t raw = {0};
    zone_write_svg_path(zone, frame->view, frame->width, frame->height, &raw);
    ring_t ring = {0}, scratch = {0};
    const char *p = raw.data, *end = raw.data + raw.len;
    while (p && p < end) {
        char command = *p++;
        if (command == 'M' || command == 'L') {
            if (command == 'M') ring.count = 0;
            char *next;
            double x = strtod(p, &next);
            double y = strtod(next, &next);
            ring_push(&ring, x, y);
            p = next;
        } else if (command == 'Z') {
            emit_clipped_ring(out, frame, &ring, &scratch);
            ring.count = 0;
        }
    }
    free(ring.xy);
    free(scratch.xy);
    buffer_free(&raw);
}

/* ------------------------------------------------------------------ labels */

/* The visible cell farthest from the zone's edge (or the view's), by a
 * two-pass chamfer distance transform over a coarse grid. */
bool dash_map_label_point(const map_frame_t *frame, const zone_t *zone, double *x, double *y) {
    enum { N = LABEL_COLUMNS * LABEL_ROWS };
    double *distance = xmalloc(sizeof *distance * N);
    double cell_w = frame->width / LABEL_COLUMNS, cell_h = frame->height / LABEL_ROWS, diagonal = hypot(cell_w, cell_h);
    const bounds_t *v = &frame->view;
    for (int row = 0; row < LABEL_ROWS; row++)
        for (int column = 0; column < LABEL_COLUMNS; column++) {
            double lon = v->min_lon + (column + 0.5) * (v->max_lon - v->min_lon) / LABEL_COLUMNS;
            double lat = v->max_lat - (row + 0.5) * (v->max_lat - v->min_lat) / LABEL_ROWS;
            distance[row * LABEL_COLUMNS + column] = zone_contains(zone, lon, lat) ? HUGE_VAL : 0;
        }
    /* Forward pass looks up and left, backward down and right; outside the grid counts as outside. */
    for (int pass = 0; pass < 2; pass++) {
        int step = pass == 0 ? 1 : -1;
        for (int k = 0; k < N; k++) {
            int i = pass == 0 ? k : N - 1 - k, row = i / LABEL_COLUMNS, column = i % LABEL_COLUMNS;
            if (distance[i] == 0) continue;
            int r = row - step, c = column - step, c2 = column + step;
            bool row_ok = r >= 0 && r < LABEL_ROWS;
            double best = distance[i];
            best = fmin(best, (c >= 0 && c < LABEL_COLUMNS ? distance[row * LABEL_COLUMNS + c] : 0) + cell_w);
            best = fmin(best, (row_ok ? distance[r * LABEL_COLUMNS + column] : 0) + cell_h);
            best = fmin(best, (row_ok && c >= 0 && c < LABEL_COLUMNS ? distance[r * LABEL_COLUMNS + c] : 0) + diagonal);
            best = fmin(best, (row_ok && c2 >= 0 && c2 < LABEL_COLUMNS ? distance[r * LABEL_COLUMNS + c2] : 0) + diagonal);
            distance[i] = best;
        }
    }
    int best = 0;
    for (int i = 1; i < N; i++)
        if (distance[i] > distance[best]) best = i;
    bool found = distance[best] > 0;
    *x = (best % LABEL_COLUMNS + 0.5) * cell_w;
    *y = (best / LABEL_COLUMNS + 0.5) * cell_h;
    free(distance);
    return found;
}

/* ------------------------------------------------------------------- lines */

bool dash_map_line_path(buffer_t *out, const map_frame_t *frame, const geo_line_t *line, double *end_x, double *end_y) {
    size_t start = out->len;
    line_write_svg_path(line, frame->view, frame->width, frame->height, out);
    if (out->len == start) return false;
    bounds_t b = line_bounds(line);
    /* the label goes by the line's east end */
    dash_map_project(frame, b.max_lon, b.max_lat, end_x, end_y);
    return true;
}
