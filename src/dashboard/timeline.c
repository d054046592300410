/* timeline: the rulings in the order they took their present status,
 * grouped by month, and the log of ruling changes when the server keeps one
 * (newest first). */
#include <stdlib.h>

#include "dashboard/dashboard_internal.h"

static bool has_date(time_ms_t t) { return t != TIME_NONE && t != TIME_BEGINNING; }

/* By since, then the rulings' own order (pointers into one array). */
static int by_since(const void *left, const void *right) {
    const ruling_t *a = *(const ruling_t *const *)left, *b = *(const ruling_t *const *)right;
    if (a->since != b->since) return a->since < b->since ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* The time is written once for a run of rulings that share it. */
static void entry(buffer_t *out, const dashboard_view_t *view, const ruling_t *r, bool same_time) {
    buffer_printf(out, "<li class=\"event %s\"><p class=\"when%s\">", dash_status_class(r), same_time ? " same" : "");
    dash_time(out, r->since);
    buffer_puts(out, "</p><div class=\"what\"><p class=\"event-head\">");
    dash_status_badge(out, r);
    buffer_puts(out, " ");
    dash_point_link(out, view, r->point, NULL);
    buffer_puts(out, " <span class=\"party\">");
    dash_text(out, dash_party_code(view->agreement, r->party));
    buffer_puts(out, "</span></p><p class=\"why\">");
    dash_text(out, r->why);
    buffer_puts(out, "</p></div></li>\n");
}

static void month_heading(buffer_t *out, time_ms_t t, bool first) {
    int year, month, day, hour, minute;
    dash_civil(t, &year, &month, &day, &hour, &minute);
    if (!first) buffer_puts(out, "</ol></section>\n");
    buffer_printf(out, "<section class=\"month\"><h2>%s %d</h2><ol class=\"timeline\">\n", dash_month_name(month), year);
}

static bool same_month(time_ms_t a, time_ms_t b) {
    int ya, ma, yb, mb, d, h, m;
    dash_civil(a, &ya, &ma, &d, &h, &m);
    dash_civil(b, &yb, &mb, &d, &h, &m);
    return ya == yb && ma == mb;
}

static void rulings_by_month(buffer_t *out, const dashboard_view_t *view) {
    const rulings_t *rulings = view->rulings;
    const ruling_t **order = xmalloc(sizeof *order * (size_t)(rulings->count + 1));
    int count = 0;
    for (int i = 0; i < rulings->count; i++)
        if (has_date(rulings->items[i].since)) order[count++] = &rulings->items[i];
    qsort(order, (size_t)count, sizeof *order, by_since);
    if (!count) buffer_puts(out, "<p>No ruling has a date yet: nothing has taken effect.</p>");
    for (int i = 0; i < count; i++) {
        if (i == 0 || !same_month(order[i - 1]->since, order[i]->since)) month_heading(out, order[i]->since, i == 0);
        entry(out, view, order[i], i > 0 && order[i - 1]->since == order[i]->since);
    }
    if (count) buffer_puts(out, "</ol></section>\n");
    free(order);
}

static int change_newest_first(const void *left, const void *right) {
    const dashboard_change_t *a = *(const dashboard_change_t *const *)left, *b = *(const dashboard_change_t *const *)right;
    if (a->time != b->time) return a->time > b->time ? -1 : 1;
    return a < b ? -1 : a > b;
}

static void change_row(buffer_t *out, const dashboard_view_t *view, const dashboard_change_t *c) {
    ruling_t before = {.status = c->from, .standing = c->standing}, after = {.status = c->to, .standing = c->standing};
    buffer_puts(out, "<tr><td>");
    dash_time(out, c->time);
    buffer_puts(out, "</td><td>");
    if (c->point >= 0 && c->point < view->agreement->point_count) dash_point_link(out, view, c->point, NULL);
    buffer_puts(out, "</td><td>");
    dash_text(out, dash_party_code(view->agreement, c->party));
    buffer_puts(out, "</td><td>");
    dash_status_badge(out, &before);
    buffer_puts(out, " <span aria-label=\"became\">→</span> ");
    dash_status_badge(out, &after);
    buffer_puts(out, "</td></tr>\n");
}

static void change_log(buffer_t *out, const dashboard_view_t *view) {
    if (!view->changes || view->change_count <= 0) return;
    const dashboard_change_t **order = xmalloc(sizeof *order * (size_t)view->change_count);
    for (int i = 0; i < view->change_count; i++) order[i] = &view->changes[i];
    qsort(order, (size_t)view->change_count, sizeof *order, change_newest_first);
    buffer_puts(out, "<section aria-labelledby=\"changes\"><h2 id=\"changes\">Log of ruling changes</h2>"
                     "<div class=\"table-scroll\"><table class=\"data\"><thead><tr><th scope=\"col\">Observed</th>"
                     "<th scope=\"col\">Point</th><th scope=\"col\">Party</th><th scope=\"col\">Change</th></tr>"
                     "</thead><tbody>\n");
    for (int i = 0; i < view->change_count; i++) change_row(out, view, order[i]);
    buffer_puts(out, "</tbody></table></div></section>\n");
    free(order);
}

/* One change of a ruling's status, as the reports replay (its history). */
typedef struct {
    time_ms_t time;
    const ruling_t *ruling;
    int index;                     /* in the ruling's history; the entry before it is what it changed from */
} history_entry_t;

static int history_newest_first(const void *left, const void *right) {
    const history_entry_t *a = left, *b = right;
    if (a->time != b->time) return a->time > b->time ? -1 : 1;
    if (a->ruling != b->ruling) return a->ruling < b->ruling ? -1 : 1;
    return a->index - b->index;
}

/* Every change of every ruling, newest first: a breach that has ended, or a
 * status that came and went, stays on the record. */
static void history_log(buffer_t *out, const dashboard_view_t *view) {
    const rulings_t *rulings = view->rulings;
    size_t total = 0;
    for (int i = 0; i < rulings->count; i++) total += rulings->items[i].history_count > 1 ? (size_t)rulings->items[i].history_count - 1 : 0;
    if (!total) return;
    history_entry_t *entries = xmalloc(total * sizeof *entries);
    size_t n = 0;
    for (int i = 0; i < rulings->count; i++)
        for (int k = 1; k < rulings->items[i].history_count; k++)
            entries[n++] = (history_entry_t){rulings->items[i].history[k].time, &rulings->items[i], k};
    qsort(entries, n, sizeof *entries, history_newest_first);
    buffer_puts(out, "<section aria-labelledby=\"history\"><h2 id=\"history\">Every change of status</h2>"
                     "<p class=\"lede\">Replayed from the reports: what each ruling was, and when it changed. A "
                     "breach that has ended stays here.</p><div class=\"table-scroll\"><table class=\"data\"><thead><tr>"
                     "<th scope=\"col\">When</th><th scope=\"col\">Point</th><th scope=\"col\">Party</th>"
                     "<th scope=\"col\">Change</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const ruling_change_t *before = &entries[i].ruling->history[entries[i].index - 1];
        const ruling_change_t *after = &entries[i].ruling->history[entries[i].index];
        ruling_t from = {.status = before->status, .standing = before->standing, .respected_since = TIME_NONE};
        ruling_t to = {.status = after->status, .standing = after->standing, .respected_since = TIME_NONE};
        buffer_puts(out, "<tr><td>");
        dash_time(out, after->time);
        buffer_puts(out, "</td><td>");
        dash_point_link(out, view, entries[i].ruling->point, NULL);
        buffer_puts(out, "</td><td>");
        dash_text(out, dash_party_code(view->agreement, entries[i].ruling->party));
        buffer_puts(out, "</td><td>");
        dash_status_badge(out, &from);
        buffer_puts(out, " <span aria-label=\"became\">→</span> ");
        dash_status_badge(out, &to);
        if (after->ended) buffer_puts(out, " <span class=\"ended\">the breach ended</span>");
        buffer_puts(out, "</td></tr>\n");
    }
    buffer_puts(out, "</tbody></table></div></section>\n");
    free(entries);
}

void dashboard_timeline(buffer_t *out, const dashboard_view_t *view, bool fragment) {
    dash_page_open(out, view, DASHBOARD_PAGE_TIMELINE, "Timeline", fragment);
    buffer_puts(out, "<h1>Timeline of rulings</h1>\n<p class=\"lede\">Each ruling at the date it took its present "
                     "status, oldest first. Rulings with no date (pending, declaratory) are on the board.</p>\n"
                     "<div class=\"timeline-layout\"><div>");
    rulings_by_month(out, view);
    buffer_puts(out, "</div><aside class=\"side\">");
    dash_status_legend(out);
    buffer_puts(out, "</aside></div>\n");
    history_log(out, view);
    change_log(out, view);
    dash_page_close(out, view, fragment);
}
