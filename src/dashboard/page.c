/* page: the shell around every page — head, masthead and navigation, the
 * "as of" line that a live refresh replaces with <main>, and the footer. In
 * fragment mode only <main> is written. */
#include <string.h>

#include "dashboard/dashboard_internal.h"

/* The agreement names itself (its title); truce names only what the page is. */
#define BRAND "Implementation monitor"

static void asset_href(buffer_t *out, const dashboard_view_t *view, const char *file) {
    buffer_puts(out, view->links == DASHBOARD_LINKS_FILES ? "" : "/static/");
    buffer_puts(out, file);
}

static void head(buffer_t *out, const dashboard_view_t *view, const char *title) {
    buffer_puts(out, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    dash_text(out, title);
    buffer_puts(out, " · ");
    dash_text(out, view->agreement->name);
    buffer_puts(out, " · " BRAND "</title>\n<link rel=\"stylesheet\" href=\"");
    asset_href(out, view, "truce.css");
    buffer_puts(out, "\">\n<script src=\"");
    asset_href(out, view, "truce.js");
    buffer_puts(out, "\" defer></script>\n</head>\n");
}

static void nav_item(buffer_t *out, const dashboard_view_t *view, dashboard_page_t page, int current,
                     const char *text) {
    buffer_puts(out, "<li><a href=\"");
    dash_href(out, view, page, NULL);
    buffer_printf(out, "\"%s>%s</a></li>", (int)page == current ? " aria-current=\"page\"" : "", text);
}

static void masthead(buffer_t *out, const dashboard_view_t *view, int nav_page) {
    /* A snapshot has no server to listen to: the script stays idle. */
    if (view->links == DASHBOARD_LINKS_SERVER) buffer_puts(out, "<body data-events=\"/v1/events\" data-poll=\"/v1/board\">\n");
    else buffer_puts(out, "<body>\n");
    buffer_puts(out, "<a class=\"skip\" href=\"#main\">Skip to the content</a>\n"
                     "<header class=\"masthead\"><div class=\"wrap masthead-row\">\n"
                     "<div class=\"brand\"><p class=\"kicker\">" BRAND "</p><p class=\"agreement-title\">");
    dash_text(out, view->agreement->title ? view->agreement->title : view->agreement->name);
    buffer_puts(out, "</p></div>\n<nav aria-label=\"Sections\"><ul>");
    nav_item(out, view, DASHBOARD_PAGE_BOARD, nav_page, "Board");
    nav_item(out, view, DASHBOARD_PAGE_MAP, nav_page, "Map");
    nav_item(out, view, DASHBOARD_PAGE_TIMELINE, nav_page, "Timeline");
    nav_item(out, view, DASHBOARD_PAGE_INCIDENTS, nav_page, "Incidents");
    nav_item(out, view, DASHBOARD_PAGE_REPORT, nav_page, "Report");
    buffer_puts(out, "</ul></nav>\n<p id=\"live\" class=\"live\" role=\"status\" aria-live=\"polite\"></p>\n"
                     "</div></header>\n");
}

/* "As of ...; log of N reports, head abcd…" — inside <main>, so that a live
 * refresh updates it. */
static void as_of_line(buffer_t *out, const dashboard_view_t *view) {
    buffer_puts(out, view->as_of_query ? "<p class=\"as-of past\">Rulings <strong>as they stood on " : "<p class=\"as-of\">Rulings as of ");
    dash_time(out, view->rulings->as_of);
    if (view->as_of_query) buffer_puts(out, "</strong> (a permalink; <a href=\"/\">now</a>)");
    if (view->has_tree_head) {
        buffer_printf(out, " · log of %llu report%s", (unsigned long long)view->tree_size,
                      view->tree_size == 1 ? "" : "s");
        if (view->root_hex && strlen(view->root_hex) >= 16) {
            buffer_puts(out, ", tree head <code class=\"hash\" title=\"");
            dash_text(out, view->root_hex);
            buffer_puts(out, "\">");
            dashboard_html_escape(out, view->root_hex, 12);
            buffer_puts(out, "…</code>");
        }
    }
    buffer_puts(out, "</p>\n");
}

void dash_page_open(buffer_t *out, const dashboard_view_t *view, int nav_page, const char *title, bool fragment) {
    if (!fragment) {
        head(out, view, title);
        masthead(out, view, nav_page);
    }
    buffer_printf(out, "<main id=\"main\" class=\"wrap\" tabindex=\"-1\" data-as-of=\"%lld\"",
                  (long long)view->rulings->as_of);
    if (view->has_tree_head) buffer_printf(out, " data-tree-size=\"%llu\"", (unsigned long long)view->tree_size);
    buffer_puts(out, ">\n");
    as_of_line(out, view);
}

void dash_page_close(buffer_t *out, const dashboard_view_t *view, bool fragment) {
    buffer_puts(out, "</main>\n");
    if (fragment) return;
    buffer_puts(out, "<footer class=\"wrap\"><p>Rulings are derived from the agreement and the reports alone: "
                     "anyone can replay them with <code>truce check</code>. Agreement <code>");
    dash_text(out, view->agreement->name);
    buffer_puts(out, "</code>. The map draws the agreement's own places; those marked <strong>illustrative</strong> "
                     "are hand-drawn, not agreed boundaries.</p></footer>\n"
                     "</body>\n</html>\n");
}

void dash_illustrative_note(buffer_t *out, const agreement_t *a) {
    int count = 0;
    for (int i = 0; i < a->place_count; i++) count += a->places[i].illustrative;
    if (!count) return;
    buffer_puts(out, "<p class=\"illustrative-note\"><strong>ILLUSTRATIVE — not an agreed boundary.</strong> ");
    for (int i = 0, named = 0; i < a->place_count; i++) {
        if (!a->places[i].illustrative) continue;
        buffer_puts(out, named == 0 ? "" : named + 1 == count ? " and " : ", ");
        dash_text(out, a->places[i].name);
        named++;
    }
    buffer_puts(out, count == 1 ? " is" : " are");
    buffer_puts(out, " hand-drawn for illustration, or computed from such drawings: not agreed, negotiated or "
                     "surveyed boundaries.</p>\n");
}

void dashboard_not_found(buffer_t *out, const dashboard_view_t *view, const char *what, bool fragment) {
    dash_page_open(out, view, PAGE_NONE, "Not found", fragment);
    buffer_puts(out, "<h1>Not found</h1><p>There is no ");
    dash_text(out, what);
    buffer_puts(out, " here. <a href=\"");
    dash_href(out, view, DASHBOARD_PAGE_BOARD, NULL);
    buffer_puts(out, "\">Back to the board</a>.</p>\n");
    dash_page_close(out, view, fragment);
}
