/* map: the map page, drawn from the agreement's own places — outlines, zones
 * and lines (each illustrative one labelled so), named places — and a
 * numbered marker for each located report behind a violated or disputed
 * ruling, linking to it; then the legend and the same markers as a table
 * (for keyboards and screen readers). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard/dashboard_internal.h"

#define MAX_MARKERS 200
#define HATCHES 3
#define KM_PER_DEGREE 111.2   /* of latitude */

typedef struct {
    const char *key;
    report_info_t info;
    const ruling_t *worst;     /* the most serious ruling it stands behind */
} marker_t;

typedef struct {
    marker_t items[MAX_MARKERS];
    int count;
    int unlocated, omitted;    /* reports without `at`; markers beyond MAX_MARKERS */
} markers_t;

static bool is_mapped_ruling(const ruling_t *r) {
    return r->status == STATUS_VIOLATED || r->status == STATUS_DISPUTED;
}

static marker_t *find_marker(markers_t *m, const char *key) {
    for (int i = 0; i < m->count; i++)
        if (!strcmp(m->items[i].key, key)) return &m->items[i];
    return NULL;
}

static void add_marker(markers_t *m, const engine_t *engine, const char *key, const ruling_t *r) {
    marker_t *existing = find_marker(m, key);
    if (existing) {
        if (r->status > existing->worst->status) existing->worst = r;
        return;
    }
    report_info_t info;
    if (!engine_report_info(engine, key, &info) || !info.has_at) {
        m->unlocated++;
        return;
    }
    if (m->count == MAX_MARKERS) {
        m->omitted++;
        return;
    }
    m->items[m->count++] = (marker_t){.key = key, .info = info, .worst = r};
}

static int by_time(const void *left, const void *right) {
    const marker_t *a = left, *b = right;
    if (a->info.time != b->info.time) return a->info.time < b->info.time ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* Markers in the order the reports happened, numbered from 1. */
static void collect_markers(markers_t *m, const dashboard_view_t *view) {
    memset(m, 0, sizeof *m);
    if (!view->engine) return;
    for (int i = 0; i < view->rulings->count; i++) {
        const ruling_t *r = &view->rulings->items[i];
        if (!is_mapped_ruling(r)) continue;
        for (int e = 0; e < r->evidence_count; e++) add_marker(m, view->engine, r->evidence[e], r);
    }
    qsort(m->items, (size_t)m->count, sizeof *m->items, by_time);
}

/* "Moscow (city area ...)" -> "Moscow"; "Zaporizhzhia nuclear power plant, Enerhodar" -> up to the comma. */
static void short_name(buffer_t *out, const place_t *place) {
    const char *text = place->description ? place->description : place->name;
    size_t len = strcspn(text, ",(");
    while (len && text[len - 1] == ' ') len--;
    dashboard_html_escape(out, text, len);
}

/* ------------------------------------------------------------------- layers */

static void defs(buffer_t *out) {
    static const char *const ANGLES[HATCHES] = {"45", "-45", "0"};
    buffer_puts(out, "<defs>");
    for (int i = 0; i < HATCHES; i++)
        buffer_printf(out, "<pattern id=\"hatch-%d\" class=\"hatch hatch-%d\" patternUnits=\"userSpaceOnUse\" "
                           "width=\"7\" height=\"7\" patternTransform=\"rotate(%s)\"><rect width=\"7\" height=\"7\"/>"
                           "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"7\"/></pattern>",
                      i, i, ANGLES[i]);
    buffer_puts(out, "</defs>");
}

static bool is_outline(const place_t *p) { return p->zone && p->file && !p->illustrative && !p->has_point; }
static bool is_drawn_zone(const place_t *p) { return p->zone && p->file && p->illustrative && !p->has_point; }

static void zone_path(buffer_t *out, const map_frame_t *frame, const place_t *place, const char *attributes) {
    buffer_printf(out, "<path %s d=\"", attributes);
    dash_map_zone_path(out, frame, place->zone);
    buffer_puts(out, "\"><title>");
    dash_text(out, place->description);
    buffer_puts(out, "</title></path>\n");
}

static void countries(buffer_t *out, const map_frame_t *frame, const agreement_t *a) {
    buffer_puts(out, "<g class=\"countries\">");
    for (int i = 0; i < a->place_count; i++)
        if (is_outline(&a->places[i])) zone_path(out, frame, &a->places[i], "class=\"country\"");
    buffer_puts(out, "</g>\n");
}

static void country_labels(buffer_t *out, const map_frame_t *frame, const agreement_t *a) {
    for (int i = 0; i < a->place_count; i++) {
        double x, y;
        if (!is_outline(&a->places[i]) || !dash_map_label_point(frame, a->places[i].zone, &x, &y)) continue;
        buffer_printf(out, "<text class=\"country-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x, y);
        short_name(out, &a->places[i]);
        buffer_puts(out, "</text>\n");
    }
}

static void illustrative_zones(buffer_t *out, const map_frame_t *frame, const agreement_t *a) {
    buffer_puts(out, "<g class=\"illustrative-zones\">");
    for (int i = 0, drawn = 0; i < a->place_count; i++) {
        if (!is_drawn_zone(&a->places[i])) continue;
        char attributes[96];
        snprintf(attributes, sizeof attributes, "class=\"zone zone-%d\" fill=\"url(#hatch-%d)\"", drawn % HATCHES,
                 drawn % HATCHES);
        zone_path(out, frame, &a->places[i], attributes);
        drawn++;
    }
    buffer_puts(out, "</g>\n");
}

#define LINE_STYLES 3

/* Every line place, labelled by its short name (and ILLUSTRATIVE when it is). */
static void lines(buffer_t *out, const map_frame_t *frame, const agreement_t *a, time_ms_t as_of) {
    buffer_puts(out, "<g class=\"lines\">");
    for (int i = 0, drawn = 0; i < a->place_count; i++) {
        const place_t *p = &a->places[i];
        buffer_t path = {0};
        double end_x = 0, end_y = 0;
        const geo_line_t *line = place_line_at(p, as_of);   /* the version in force at the board's time */
        if (line && dash_map_line_path(&path, frame, line, &end_x, &end_y)) {
            buffer_printf(out, "<path class=\"line-place line-%d\" d=\"", drawn % LINE_STYLES);
            buffer_append(out, path.data, path.len);
            buffer_puts(out, "\"><title>");
            dash_text(out, p->description ? p->description : p->name);
            buffer_printf(out, "</title></path>\n<text class=\"line-label line-%d\" x=\"%.1f\" y=\"%.1f\" "
                               "text-anchor=\"end\"><tspan x=\"%.1f\">", drawn % LINE_STYLES, end_x - 8,
                          end_y - 26 + 30.0 * drawn, end_x - 8);
            short_name(out, p);
            buffer_puts(out, "</tspan>");
            if (p->illustrative) buffer_printf(out, "<tspan x=\"%.1f\" dy=\"1.2em\">ILLUSTRATIVE</tspan>", end_x - 8);
            buffer_puts(out, "</text>\n");
            drawn++;
        }
        buffer_free(&path);
    }
    buffer_puts(out, "</g>\n");
}

static bool has_illustrative(const agreement_t *a) {
    for (int i = 0; i < a->place_count; i++)
        if (a->places[i].illustrative) return true;
    return false;
}

static void cities(buffer_t *out, const map_frame_t *frame, const agreement_t *a) {
    buffer_puts(out, "<g class=\"cities\">");
    for (int i = 0; i < a->place_count; i++) {
        const place_t *p = &a->places[i];
        if (!p->has_point) continue;
        double x, y, radius = 0;
        dash_map_project(frame, p->lon, p->lat, &x, &y);
        if (p->zone) {
            zone_path(out, frame, p, "class=\"city-area\"");
            bounds_t b = zone_bounds(p->zone);
            radius = (b.max_lat - b.min_lat) / 2 * frame->height / (frame->view.max_lat - frame->view.min_lat);
        }
        /* The label sits right of the area, level with its centre. */
        buffer_printf(out, "<circle class=\"city\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>"
                           "<text class=\"city-label\" x=\"%.1f\" y=\"%.1f\">", x, y, x + fmax(radius, 3) + 6, y + 4.5);
        short_name(out, p);
        buffer_puts(out, "</text>\n");
    }
    buffer_puts(out, "</g>\n");
}

/* "party:UA/ua-0202 — 21d RU: violated (confirmed) — 14 Feb 2026" */
static void marker_title(buffer_t *out, const dashboard_view_t *view, const marker_t *m) {
    const ruling_t *r = m->worst;
    char when[32];
    time_format(m->info.time, when);
    dash_text(out, m->key);
    buffer_puts(out, ": report behind point ");
    dash_text(out, view->agreement->points[r->point].label);
    buffer_puts(out, " ");
    dash_text(out, dash_party_code(view->agreement, r->party));
    buffer_printf(out, ", %s (%s), reported %.10s", dash_status_word(r->status), standing_name(r->standing), when);
}

static void markers_layer(buffer_t *out, const map_frame_t *frame, const dashboard_view_t *view, const markers_t *m) {
    buffer_puts(out, "<g class=\"markers\">");
    for (int i = 0; i < m->count; i++) {
        double x, y;
        dash_map_project(frame, m->items[i].info.lon, m->items[i].info.lat, &x, &y);
        buffer_puts(out, "<a class=\"marker\" href=\"");
        dash_href(out, view, DASHBOARD_PAGE_EVIDENCE, m->items[i].key);
        buffer_printf(out, "\" aria-label=\"%d: ", i + 1); /* the name begins with the number it shows */
        marker_title(out, view, &m->items[i]);
        buffer_puts(out, "\"><title>");
        marker_title(out, view, &m->items[i]);
        buffer_printf(out, "</title><circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"11\"/>"
                           "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text></a>\n",
                      dash_status_class(m->items[i].worst), x, y, x, y + 4.5, i + 1);
    }
    buffer_puts(out, "</g>\n");
}

static void banner(buffer_t *out, const agreement_t *a) {
    if (!has_illustrative(a)) return;
    buffer_puts(out, "<g class=\"banner\"><rect x=\"12\" y=\"12\" width=\"404\" height=\"48\" rx=\"3\"/>"
                     "<text x=\"24\" y=\"32\"><tspan class=\"banner-strong\">ILLUSTRATIVE — not an agreed boundary</tspan>"
                     "<tspan x=\"24\" dy=\"1.3em\">Lines and zones marked so are hand-drawn for illustration.</tspan>"
                     "</text></g>\n");
}

/* 200 km, true at the middle latitude (where the projection is true to scale). */
static void scale_bar(buffer_t *out, const map_frame_t *frame) {
    double length = 200 * frame->height / ((frame->view.max_lat - frame->view.min_lat) * KM_PER_DEGREE);
    double x = frame->width - 24 - length, y = frame->height - 22;
    buffer_printf(out, "<g class=\"scale\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">200 km</text></g>\n",
                  x, y, x + length, y, x, y - 5, x, y + 5, x + length, y - 5, x + length, y + 5, x + length / 2, y - 8);
}

static void svg_map(buffer_t *out, const dashboard_view_t *view, const markers_t *m) {
    map_frame_t frame = dash_map_frame(view->agreement);
    buffer_printf(out, "<svg class=\"map\" viewBox=\"0 0 %.0f %.0f\" aria-labelledby=\"map-title\">"
                       "<title id=\"map-title\">Map: the places of the agreement (outlines, lines and zones, the "
                       "illustrative ones marked so) and the located reports behind violations</title>",
                  frame.width, frame.height);
    defs(out);
    buffer_printf(out, "<rect class=\"ground\" width=\"%.0f\" height=\"%.0f\"/>\n", frame.width, frame.height);
    countries(out, &frame, view->agreement);
    illustrative_zones(out, &frame, view->agreement);
    lines(out, &frame, view->agreement, view->rulings->as_of);
    country_labels(out, &frame, view->agreement);
    cities(out, &frame, view->agreement);
    markers_layer(out, &frame, view, m);
    scale_bar(out, &frame);
    banner(out, view->agreement);
    buffer_puts(out, "</svg>\n");
}

/* ------------------------------------------------------------ legend, table */

static void swatch(buffer_t *out, const char *shape) {
    buffer_printf(out, "<svg class=\"swatch\" viewBox=\"0 0 28 18\" aria-hidden=\"true\">%s</svg>", shape);
}

static void legend_item(buffer_t *out, const char *shape, const char *text_html) {
    buffer_puts(out, "<li>");
    swatch(out, shape);
    buffer_printf(out, " %s</li>", text_html);
}

static void map_legend(buffer_t *out, const agreement_t *a) {
    buffer_puts(out, "<ul class=\"map-legend\" aria-label=\"Map legend\">");
    for (int i = 0; i < a->place_count; i++) {
        if (!is_outline(&a->places[i])) continue;
        buffer_t text = {0};
        dash_text(&text, a->places[i].description ? a->places[i].description : a->places[i].name);
        legend_item(out, "<rect class=\"country\" x=\"1\" y=\"1\" width=\"26\" height=\"16\"/>", text.data ? text.data : "");
        buffer_free(&text);
    }
    for (int i = 0, drawn = 0; i < a->place_count; i++) {
        if (!is_drawn_zone(&a->places[i])) continue;
        char shape[160];
        snprintf(shape, sizeof shape, "<rect class=\"zone zone-%d\" fill=\"url(#hatch-%d)\" x=\"1\" y=\"1\" "
                                      "width=\"26\" height=\"16\"/>", drawn % HATCHES, drawn % HATCHES);
        buffer_t text = {0};
        dash_text(&text, a->places[i].description);
        legend_item(out, shape, text.data ? text.data : "");
        buffer_free(&text);
        drawn++;
    }
    legend_item(out, "<rect class=\"ground\" x=\"1\" y=\"1\" width=\"26\" height=\"16\"/>",
                "Everything else (not drawn)");
    for (int i = 0, drawn = 0; i < a->place_count; i++) {
        if (!a->places[i].polyline) continue;
        char shape[128];
        snprintf(shape, sizeof shape, "<path class=\"line-place line-%d\" d=\"M1 12 L9 6 L18 11 L27 5\"/>",
                 drawn++ % LINE_STYLES);
        buffer_t text = {0};
        dash_text(&text, a->places[i].description ? a->places[i].description : a->places[i].name);
        legend_item(out, shape, text.data ? text.data : "");
        buffer_free(&text);
    }
    legend_item(out, "<circle class=\"city-area\" cx=\"14\" cy=\"9\" r=\"7\"/><circle class=\"city\" cx=\"14\" cy=\"9\" r=\"2.5\"/>",
                "Named place and the area the rules use");
    legend_item(out, "<circle class=\"st-violated\" cx=\"14\" cy=\"9\" r=\"7\"/>", "Report behind a confirmed violation");
    legend_item(out, "<circle class=\"st-alleged\" cx=\"14\" cy=\"9\" r=\"7\"/>", "Report behind an alleged violation");
    legend_item(out, "<circle class=\"st-disputed\" cx=\"14\" cy=\"9\" r=\"7\"/>", "Report behind a disputed ruling");
    buffer_puts(out, "</ul>\n");
}

static void marker_row(buffer_t *out, const dashboard_view_t *view, const marker_t *m, int number) {
    const ruling_t *r = m->worst;
    buffer_printf(out, "<tr><td class=\"num\">%d</td><td>", number);
    dash_link(out, view, DASHBOARD_PAGE_EVIDENCE, m->key, m->key);
    buffer_puts(out, "</td><td>");
    dash_time(out, m->info.time);
    buffer_puts(out, "</td><td>");
    dash_ruling_subject(out, view, r);
    buffer_puts(out, "</td><td>");
    dash_status_badge(out, r);
    buffer_printf(out, "</td><td class=\"num\">%.2f° E, %.2f° N</td></tr>\n", m->info.lon, m->info.lat);
}

static void marker_table(buffer_t *out, const dashboard_view_t *view, const markers_t *m) {
    buffer_puts(out, "<section aria-labelledby=\"located\"><h2 id=\"located\">Reports behind violations</h2>");
    if (!m->count) buffer_puts(out, "<p>No located report stands behind a violated or disputed ruling.</p>");
    else buffer_puts(out, "<div class=\"table-scroll\"><table class=\"data\"><thead><tr><th scope=\"col\">#</th>"
                          "<th scope=\"col\">Report</th><th scope=\"col\">Reported</th><th scope=\"col\">Point · party</th>"
                          "<th scope=\"col\">Ruling</th><th scope=\"col\">Position</th></tr></thead><tbody>\n");
    for (int i = 0; i < m->count; i++) marker_row(out, view, &m->items[i], i + 1);
    if (m->count) buffer_puts(out, "</tbody></table></div>");
    if (m->unlocated)
        buffer_printf(out, "<p class=\"note\">%d report%s behind these rulings carr%s no position and %s not on the map "
                           "(see the findings on the board).</p>", m->unlocated, m->unlocated == 1 ? "" : "s",
                      m->unlocated == 1 ? "ies" : "y", m->unlocated == 1 ? "is" : "are");
    if (m->omitted) buffer_printf(out, "<p class=\"note\">%d more reports are not drawn.</p>", m->omitted);
    buffer_puts(out, "</section>\n");
}

void dashboard_map(buffer_t *out, const dashboard_view_t *view, bool fragment) {
    markers_t *m = xmalloc(sizeof *m);
    collect_markers(m, view);
    dash_page_open(out, view, DASHBOARD_PAGE_MAP, "Map", fragment);
    buffer_puts(out, "<h1>Where the violations were reported</h1>\n");
    dash_illustrative_note(out, view->agreement);
    buffer_puts(out, "<figure class=\"map-figure\">");
    svg_map(out, view, m);
    buffer_puts(out, "<figcaption>");
    map_legend(out, view->agreement);
    buffer_puts(out, "<p class=\"note\">Numbered markers: each report behind a violated or disputed ruling that "
                     "gives a position; select one for the report and its proof.</p></figcaption></figure>\n");
    marker_table(out, view, m);
    dash_page_close(out, view, fragment);
    free(m);
}
