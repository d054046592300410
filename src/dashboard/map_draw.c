/* map_draw: the map's geometry — an equirectangular projection true to scale
 * at the view's middle latitude, zone outlines clipped to the view (Russia's
 * outline spans the globe), label positions, and GeoJSON line strings. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard/dashboard_internal.h"

#define MAP_WIDTH 1000.0
#define CLIP_MARGIN 24.0          /* user units kept beyond the view box, so clipped edges stay hidden */
#define LABEL_COLUMNS 64
#define LABEL_ROWS 40

map_frame_t dash_map_frame(void) {
    map_frame_t frame = {.view = {.min_lon = 14.0, .min_lat = 43.5, .max_lon = 45.0, .max_lat = 61.0}};
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

/* ------------------------------------------------------------ line strings */

static bool is_type(const jcs_value_t *object, const char *type) {
    text_t text;
    return jcs_member_string(object, "type", &text) && text_equals_cstr(text, type);
}

/* One LineString's coordinates: [[lon, lat], ...]. */
static bool append_line(buffer_t *out, const map_frame_t *frame, const jcs_value_t *coordinates, double *end_x,
                        double *end_y) {
    size_t drawn = 0;
    for (size_t i = 0; i < jcs_array_length(coordinates); i++) {
        const jcs_value_t *position = jcs_array_item(coordinates, i);
        double lon, lat;
        if (!jcs_number(jcs_array_item(position, 0), &lon) || !jcs_number(jcs_array_item(position, 1), &lat)) continue;
        dash_map_project(frame, lon, lat, end_x, end_y);
        buffer_printf(out, "%s%.1f %.1f", drawn++ ? "L" : "M", *end_x, *end_y);
    }
    return drawn > 1;
}

static bool append_geometry(buffer_t *out, const map_frame_t *frame, const jcs_value_t *geometry, double *end_x,
                            double *end_y) {
    const jcs_value_t *coordinates = jcs_get(geometry, "coordinates");
    if (is_type(geometry, "LineString")) return append_line(out, frame, coordinates, end_x, end_y);
    bool any = false;
    if (is_type(geometry, "MultiLineString"))
        for (size_t i = 0; i < jcs_array_length(coordinates); i++)
            any |= append_line(out, frame, jcs_array_item(coordinates, i), end_x, end_y);
    return any;
}

bool dash_map_line_path(buffer_t *out, const map_frame_t *frame, const char *geojson, size_t len, double *end_x,
                        double *end_y) {
    if (!geojson) return false;
    jcs_document_t *doc = jcs_document_new();
    char error[LEDGER_ERROR_SIZE];
    bool any = false;
    size_t start = out->len;
    if (jcs_parse(doc, geojson, len, error, sizeof error)) {
        const jcs_value_t *root = jcs_root(doc), *features = jcs_get(root, "features");
        if (is_type(root, "FeatureCollection"))
            for (size_t i = 0; i < jcs_array_length(features); i++)
                any |= append_geometry(out, frame, jcs_get(jcs_array_item(features, i), "geometry"), end_x, end_y);
        else if (is_type(root, "Feature")) any = append_geometry(out, frame, jcs_get(root, "geometry"), end_x, end_y);
        else any = append_geometry(out, frame, root, end_x, end_y);
    }
    if (!any && out->data) out->data[out->len = start] = '\0';
    jcs_document_free(doc);
    return any;
}
