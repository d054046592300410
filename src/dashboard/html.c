/* html: the dashboard's text primitives — HTML escaping (the one place data
 * becomes markup), links to the server's routes or a snapshot's files, and
 * dates written for people ("14 Feb 2026, 06:00 UTC"). */
#include <stdio.h>
#include <string.h>

#include "dashboard/dashboard_internal.h"

static const char *const MONTHS[12] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};

void dashboard_html_escape(buffer_t *out, const char *s, size_t len) {
    size_t plain = 0;   /* start of the run of bytes copied as they are */
    for (size_t i = 0; i < len; i++) {
        const char *entity = NULL;
        switch (s[i]) {
        case '&': entity = "&amp;"; break;
        case '<': entity = "&lt;"; break;
        case '>': entity = "&gt;"; break;
        case '"': entity = "&quot;"; break;
        case '\'': entity = "&#39;"; break;
        default: continue;
        }
        buffer_append(out, s + plain, i - plain);
        buffer_puts(out, entity);
        plain = i + 1;
    }
    buffer_append(out, s + plain, len - plain);
}

void dash_text(buffer_t *out, const char *s) {
    if (s) dashboard_html_escape(out, s, strlen(s));
}

static bool is_unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

/* Escapes arg for a URL path or query value (keeping ':' '/' '@'), or for a
 * file name (everything but letters, digits, '-' and '.' as _XX). */
void dash_escape_url_arg(buffer_t *out, const char *arg, bool file_name) {
    for (const unsigned char *p = (const unsigned char *)arg; *p; p++) {
        bool keep = file_name ? is_unreserved((char)*p) && *p != '_' && *p != '~'
                              : is_unreserved((char)*p) || *p == ':' || *p == '/' || *p == '@';
        if (keep) buffer_append(out, p, 1);
        else buffer_printf(out, file_name ? "_%02X" : "%%%02X", *p);
    }
}

void dashboard_snapshot_file(buffer_t *out, dashboard_page_t page, const char *arg) {
    switch (page) {
    case DASHBOARD_PAGE_BOARD: buffer_puts(out, "index.html"); return;
    case DASHBOARD_PAGE_MAP: buffer_puts(out, "map.html"); return;
    case DASHBOARD_PAGE_TIMELINE: buffer_puts(out, "timeline.html"); return;
    case DASHBOARD_PAGE_INCIDENTS: buffer_puts(out, "incidents.html"); return;
    case DASHBOARD_PAGE_REPORT: buffer_puts(out, "report.html"); return;
    case DASHBOARD_PAGE_POINT: buffer_puts(out, "point-"); break;
    case DASHBOARD_PAGE_EVIDENCE: buffer_puts(out, "evidence-"); break;
    }
    dash_escape_url_arg(out, arg ? arg : "", true);
    buffer_puts(out, ".html");
}

/* The server's routes: /, /map, /timeline, /point/LABEL, /evidence/SOURCE/ID,
 * /incidents, /report. */
static void append_route(buffer_t *out, dashboard_page_t page, const char *arg) {
    static const char *const ROUTES[] = {"/", "/map", "/timeline", "/point/", "/evidence/", "/incidents", "/report"};
    buffer_puts(out, ROUTES[page]);
    if (page == DASHBOARD_PAGE_POINT || page == DASHBOARD_PAGE_EVIDENCE) dash_escape_url_arg(out, arg ? arg : "", false);
}

void dash_href(buffer_t *out, const dashboard_view_t *view, dashboard_page_t page, const char *arg) {
    buffer_t target = {0};
    if (view->links == DASHBOARD_LINKS_FILES) dashboard_snapshot_file(&target, page, arg);
    else append_route(&target, page, arg);
    if (view->as_of_query && view->links == DASHBOARD_LINKS_SERVER) { /* a permalink stays at its time */
        buffer_puts(&target, "?as_of=");
        dash_escape_url_arg(&target, view->as_of_query, false);
    }
    dashboard_html_escape(out, target.data, target.len);
    buffer_free(&target);
}

void dash_link(buffer_t *out, const dashboard_view_t *view, dashboard_page_t page, const char *arg,
               const char *text) {
    buffer_puts(out, "<a href=\"");
    dash_href(out, view, page, arg);
    buffer_puts(out, "\">");
    dash_text(out, text);
    buffer_puts(out, "</a>");
}

const char *dash_month_name(int month) {
    return month >= 1 && month <= 12 ? MONTHS[month - 1] : "?";
}

void dash_civil(time_ms_t t, int *year, int *month, int *day, int *hour, int *minute) {
    char iso[32];
    time_format(t, iso);
    *year = *month = *day = *hour = *minute = 0;
    sscanf(iso, "%d-%d-%dT%d:%d", year, month, day, hour, minute);
}

static void append_time_element(buffer_t *out, time_ms_t t, bool with_clock) {
    if (t == TIME_NONE || t == TIME_BEGINNING) {
        buffer_puts(out, "—");
        return;
    }
    char iso[32];
    int year, month, day, hour, minute;
    time_format(t, iso);
    dash_civil(t, &year, &month, &day, &hour, &minute);
    buffer_printf(out, "<time datetime=\"%s\">%d %.3s %d", iso, day, dash_month_name(month), year);
    if (with_clock) buffer_printf(out, ", %02d:%02d UTC", hour, minute);
    buffer_puts(out, "</time>");
}

void dash_time(buffer_t *out, time_ms_t t) { append_time_element(out, t, true); }
void dash_date(buffer_t *out, time_ms_t t) { append_time_element(out, t, false); }
