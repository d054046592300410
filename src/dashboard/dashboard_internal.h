/* dashboard_internal: what the page files of src/dashboard share — escaping,
 * links, dates, the status vocabulary (class, word, glyph) and the page shell.
 * Not part of the module's interface (dashboard.h). */
#ifndef TRUCE_DASHBOARD_INTERNAL_H
#define TRUCE_DASHBOARD_INTERNAL_H

#include "dashboard/dashboard.h"

#define PAGE_NONE (-1)   /* a page the navigation does not list */

/* html.c: escaping and formatting */
void dash_text(buffer_t *out, const char *s);               /* escaped; NULL appends nothing */
void dash_escape_url_arg(buffer_t *out, const char *arg, bool file_name); /* %XX for a URL, _XX for a file name */
void dash_href(buffer_t *out, const dashboard_view_t *view, dashboard_page_t page, const char *arg);
void dash_link(buffer_t *out, const dashboard_view_t *view, dashboard_page_t page, const char *arg,
               const char *text);                           /* <a href=...>text</a> */
void dash_time(buffer_t *out, time_ms_t t);                 /* <time> "14 Feb 2026, 06:00 UTC" */
void dash_date(buffer_t *out, time_ms_t t);                 /* <time> "14 Feb 2026" */
const char *dash_month_name(int month);                     /* 1-12: "January" */
void dash_civil(time_ms_t t, int *year, int *month, int *day, int *hour, int *minute);

/* status.c: the one vocabulary shared by board, map, timeline and pages */
const char *dash_status_class(const ruling_t *r);           /* "st-violated", "st-alleged"... */
const char *dash_status_word(status_t status);              /* "Violated" */
const char *dash_status_glyph(status_t status);             /* "✗" */
void dash_status_badge(buffer_t *out, const ruling_t *r);   /* glyph, word and standing */
void dash_status_legend(buffer_t *out);
void dash_score(buffer_t *out, int score);                  /* "2" and a 3-step bar; "—" unscored */
bool dash_is_finding(const ruling_t *r);
const ruling_t *dash_find_ruling(const rulings_t *rulings, int point, int party);
const char *dash_party_code(const agreement_t *a, int party);   /* "all" for -1 */
void dash_key_list(buffer_t *out, const dashboard_view_t *view, char **keys, int count, bool evidence);
/* "Point 21d: Donetsk buffer zone" linking to the point's page; css_class may be NULL. */
void dash_point_link(buffer_t *out, const dashboard_view_t *view, int point, const char *css_class);
/* "21d Donetsk buffer zone · RU": the point (its label linked) and the party a ruling concerns. */
void dash_ruling_subject(buffer_t *out, const dashboard_view_t *view, const ruling_t *r);
/* A ruling's evidence and consequences rows (each only when it has any). */
void dash_ruling_keys(buffer_t *out, const dashboard_view_t *view, const ruling_t *r);

/* incidents.c: one incident as a table row (time, point, party, standing,
 * role, report, who confirmed or disputed it, position). */
void dash_incident_row(buffer_t *out, const dashboard_view_t *view, const incident_t *incident);

/* page.c: the shell around every page */
void dash_page_open(buffer_t *out, const dashboard_view_t *view, int nav_page, const char *title,
                    bool fragment);
void dash_page_close(buffer_t *out, const dashboard_view_t *view, bool fragment);
/* The note naming the agreement's illustrative places; nothing when it has none. */
void dash_illustrative_note(buffer_t *out, const agreement_t *agreement);

/* evidence.c: one report as the point and evidence pages show it. Fetches
 * it through the view's callback; false when neither the callback nor the
 * engine knows the key. With full, also the rulings that cite it. */
bool dash_evidence_block(buffer_t *out, const dashboard_view_t *view, const char *key, bool full);

/* map_draw.c: the map's projection and geometry, in SVG user units */
typedef struct {
    bounds_t view;             /* lon/lat shown */
    double width, height;      /* the SVG view box */
} map_frame_t;

/* The frame fitting the agreement's places (zones, lines, points). */
map_frame_t dash_map_frame(const agreement_t *agreement);
void dash_map_project(const map_frame_t *frame, double lon, double lat, double *x, double *y);
/* The zone as a path "d" value, clipped to (a margin around) the frame. */
void dash_map_zone_path(buffer_t *out, const map_frame_t *frame, const zone_t *zone);
/* A point well inside the visible part of the zone, for its label; false
 * when no part of it is visible. */
bool dash_map_label_point(const map_frame_t *frame, const zone_t *zone, double *x, double *y);
/* A line place as a path "d" value; false (nothing appended) when empty.
 * *end_x, *end_y: where its label goes (by its north-east end). */
bool dash_map_line_path(buffer_t *out, const map_frame_t *frame, const geo_line_t *line, double *end_x, double *end_y);

#endif
