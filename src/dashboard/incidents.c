/* incidents: every incident behind the rulings, on one page a hundred at a
 * time — a filter form (point, party, standing, zone, dates), the per-day
 * counts as a stacked bar chart with the mission's cut-off, the table with
 * who confirmed or disputed each, and links to download the same selection. */
#include <stdio.h>
#include <string.h>

#include "dashboard/dashboard_internal.h"

static const char *const STANDING_WORDS[STANDING_COUNT] = {"", "disputed", "alleged", "claimed", "confirmed"};

/* ------------------------------------------------------------------ links */

static void query_pair(buffer_t *out, bool *first, const char *name, const char *value) {
    if (!value || !*value) return;
    buffer_puts(out, *first ? "?" : "&");
    *first = false;
    buffer_printf(out, "%s=", name);
    dash_escape_url_arg(out, value, false);
}

/* The query string of a selection (and a page of it), so that pager and
 * download links keep every filter. */
static void selection_query(buffer_t *out, const dashboard_view_t *view, const dashboard_incident_query_t *q, long page) {
    const agreement_t *a = view->agreement;
    const incident_filter_t *f = &q->filter;
    char from[32] = "", to[32] = "", page_text[24] = "";
    bool first = true;
    if (f->from != TIME_NONE) time_format(f->from, from);
    if (f->to != TIME_NONE) time_format(f->to, to);
    if (page > 0) snprintf(page_text, sizeof page_text, "%ld", page + 1);
    query_pair(out, &first, "point", f->point >= 0 ? a->points[f->point].label : NULL);
    query_pair(out, &first, "party", f->party != EXPORT_ANY_PARTY ? export_party_name(a, f->party) : NULL);
    query_pair(out, &first, "standing", f->standing >= 0 ? STANDING_WORDS[f->standing] : NULL);
    query_pair(out, &first, "zone", f->zone >= 0 ? a->places[f->zone].name : NULL);
    query_pair(out, &first, "from", from);
    query_pair(out, &first, "to", to);
    query_pair(out, &first, "day_ends", q->day_ends);
    query_pair(out, &first, "as_of", view->as_of_query);
    query_pair(out, &first, "page", page_text);
}

static void selection_link(buffer_t *out, const dashboard_view_t *view, const dashboard_incident_query_t *q,
                           const char *path, long page, const char *text) {
    buffer_t href = {0};
    buffer_puts(&href, path);
    selection_query(&href, view, q, page);
    buffer_puts(out, "<a href=\"");
    dashboard_html_escape(out, href.data, href.len);
    buffer_puts(out, "\">");
    buffer_puts(out, text);
    buffer_puts(out, "</a>");
    buffer_free(&href);
}

/* ------------------------------------------------------------------- form */

static void option(buffer_t *out, const char *value, const char *text, bool selected) {
    buffer_puts(out, "<option value=\"");
    dash_text(out, value);
    buffer_printf(out, "\"%s>", selected ? " selected" : "");
    dash_text(out, text);
    buffer_puts(out, "</option>");
}

static void select_open(buffer_t *out, const char *name, const char *label) {
    buffer_printf(out, "<label>%s <select name=\"%s\"><option value=\"\">any</option>", label, name);
}

static void filter_form(buffer_t *out, const dashboard_view_t *view, const dashboard_incident_query_t *q) {
    const agreement_t *a = view->agreement;
    const incident_filter_t *f = &q->filter;
    buffer_puts(out, "<form class=\"filters\" method=\"get\" action=\"/incidents\" aria-label=\"Filter the incidents\">");
    select_open(out, "point", "Point");
    for (int i = 0; i < a->point_count; i++) option(out, a->points[i].label, a->points[i].label, f->point == i);
    buffer_puts(out, "</select></label>");
    select_open(out, "party", "Party");
    for (int i = 0; i < a->party_count; i++) option(out, a->parties[i].code, a->parties[i].code, f->party == i);
    option(out, "unattributed", "unattributed", f->party == RULING_UNATTRIBUTED);
    buffer_puts(out, "</select></label>");
    select_open(out, "standing", "Standing");
    for (int s = STANDING_COUNT - 1; s > 0; s--) option(out, STANDING_WORDS[s], STANDING_WORDS[s], f->standing == s);
    buffer_puts(out, "</select></label>");
    select_open(out, "zone", "Zone");
    for (int i = 0; i < a->place_count; i++)
        if (a->places[i].zone) option(out, a->places[i].name, a->places[i].name, f->zone == i);
    buffer_puts(out, "</select></label>");
    char from[32] = "", to[32] = "";
    if (f->from != TIME_NONE) time_format(f->from, from), from[10] = '\0';
    if (f->to != TIME_NONE) time_format(f->to, to), to[10] = '\0';
    buffer_printf(out, "<label>From <input type=\"date\" name=\"from\" value=\"%s\"></label>"
                       "<label>Before <input type=\"date\" name=\"to\" value=\"%s\"></label>", from, to);
    buffer_puts(out, "<label>Day ends <input name=\"day_ends\" size=\"11\" placeholder=\"19:30+02:00\" value=\"");
    dash_text(out, q->day_ends);
    buffer_puts(out, "\"></label>");
    if (view->as_of_query) {
        buffer_puts(out, "<input type=\"hidden\" name=\"as_of\" value=\"");
        dash_text(out, view->as_of_query);
        buffer_puts(out, "\">");
    }
    buffer_puts(out, "<button type=\"submit\">Show</button></form>\n");
}

/* ------------------------------------------------------------------ chart */

/* Stacked bars, one per reporting day, confirmed at the bottom. The table
 * after it says the same for readers who cannot see the chart. */
static void daily_chart(buffer_t *out, const daily_table_t *days, const dashboard_incident_query_t *q) {
    static const char *const CLASSES[STANDING_COUNT] = {"", "bar-disputed", "bar-alleged", "bar-claimed", "bar-confirmed"};
    if (!days->count) return;
    long most = 1;
    for (size_t i = 0; i < days->count; i++)
        if (daily_total(&days->rows[i]) > most) most = daily_total(&days->rows[i]);
    const double width = 720, height = 160, left = 36, bottom = 20;
    time_ms_t first = days->rows[0].day, last = days->rows[days->count - 1].day;
    double span = (double)((last - first) / MS_PER_DAY + 1), bar = (width - left) / span;
    char first_text[32], last_text[32];
    time_format(first, first_text), time_format(last, last_text);
    first_text[10] = last_text[10] = '\0';
    buffer_printf(out, "<figure class=\"chart\"><svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-labelledby=\"chart-title\">"
                       "<title id=\"chart-title\">Incidents per reporting day, %s to %s; at most %ld in a day</title>",
                  width, height, first_text, last_text, most);
    buffer_printf(out, "<text x=\"0\" y=\"12\" class=\"axis\">%ld</text><text x=\"0\" y=\"%.0f\" class=\"axis\">0</text>",
                  most, height - bottom);
    for (size_t i = 0; i < days->count; i++) {
        const daily_row_t *r = &days->rows[i];
        double x = left + (double)((r->day - first) / MS_PER_DAY) * bar, y = height - bottom;
        for (int s = STANDING_COUNT - 1; s > 0; s--) {
            if (!r->counts[s]) continue;
            double h = (height - bottom - 16) * (double)r->counts[s] / (double)most;
            y -= h;
            buffer_printf(out, "<rect class=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>", CLASSES[s], x, y,
                          bar > 2 ? bar - 1 : bar, h);
        }
    }
    buffer_printf(out, "<text x=\"%.0f\" y=\"%.0f\" class=\"axis\">%s</text><text x=\"%.0f\" y=\"%.0f\" class=\"axis\" "
                       "text-anchor=\"end\">%s</text></svg>",
                  left, height - 4, first_text, width, height - 4, last_text);
    buffer_puts(out, "<figcaption>Incidents per reporting day, by standing (");
    for (int s = STANDING_COUNT - 1; s > 0; s--)
        buffer_printf(out, "<span class=\"key %s\"></span> %s%s", CLASSES[s], STANDING_WORDS[s], s > 1 ? ", " : "");
    buffer_puts(out, "). ");
    if (q->day_ends) {
        buffer_puts(out, "A day ends at ");
        dash_text(out, q->day_ends);
        buffer_puts(out, " (the mission's cut-off) and is named by the date it ends on.");
    } else {
        buffer_puts(out, "Calendar days in UTC.");
    }
    buffer_puts(out, "</figcaption></figure>\n");
}

static void daily_table(buffer_t *out, const daily_table_t *days) {
    if (!days->count) return;
    buffer_puts(out, "<details><summary>The counts per day as a table</summary><div class=\"table-scroll\">"
                     "<table class=\"data\"><thead><tr><th scope=\"col\">Day</th><th scope=\"col\">Confirmed</th>"
                     "<th scope=\"col\">Claimed</th><th scope=\"col\">Alleged</th><th scope=\"col\">Disputed</th>"
                     "<th scope=\"col\">Total</th></tr></thead><tbody>");
    for (size_t i = 0; i < days->count; i++) {
        const daily_row_t *r = &days->rows[i];
        buffer_puts(out, "<tr><td>");
        dash_date(out, r->day);
        buffer_printf(out, "</td><td>%ld</td><td>%ld</td><td>%ld</td><td>%ld</td><td>%ld</td></tr>", r->counts[4],
                      r->counts[3], r->counts[2], r->counts[1], daily_total(r));
    }
    buffer_puts(out, "</tbody></table></div></details>\n");
}

/* ------------------------------------------------------------------ table */

static void who(buffer_t *out, const dashboard_view_t *view, const char *label, const char *key) {
    if (!key) return;
    buffer_printf(out, "<span class=\"who\">%s ", label);
    dash_link(out, view, DASHBOARD_PAGE_EVIDENCE, key, key);
    buffer_puts(out, "</span> ");
}

void dash_incident_row(buffer_t *out, const dashboard_view_t *view, const incident_t *x) {
    const agreement_t *a = view->agreement;
    /* A breach is coloured as a violation, anything else (a fulfilment, a
     * reading, a registry) as compliance; a dispute is a dispute either way. */
    bool breach = !strcmp(x->role, "violation") || !strcmp(x->role, "observation");
    status_t look_status = x->standing == STANDING_DISPUTED ? STATUS_DISPUTED
                         : breach ? STATUS_VIOLATED
                         : x->standing == STANDING_CONFIRMED ? STATUS_FULFILLED : STATUS_CLAIMED;
    ruling_t look = {.status = look_status, .standing = x->standing};
    buffer_puts(out, "<tr><td>");
    dash_time(out, x->time);
    buffer_puts(out, "</td><td>");
    dash_point_link(out, view, x->point, NULL);
    buffer_puts(out, "</td><td>");
    dash_text(out, export_party_name(a, x->party));
    buffer_printf(out, "</td><td><span class=\"st %s\">%s</span></td><td>", dash_status_class(&look),
                  standing_name(x->standing));
    dash_text(out, x->role);
    buffer_puts(out, "</td><td>");
    dash_link(out, view, DASHBOARD_PAGE_EVIDENCE, x->key, x->key);
    buffer_puts(out, "</td><td>");
    if (x->confirmed_by && strcmp(x->confirmed_by, x->key)) who(out, view, "confirmed by", x->confirmed_by);
    else if (x->standing == STANDING_CONFIRMED) buffer_puts(out, "<span class=\"who\">its author verifies</span> ");
    who(out, view, "disputed by", x->disputed_by);
    who(out, view, "denied by (not upheld)", x->contested_by);
    buffer_puts(out, "</td><td>");
    if (x->has_at) buffer_printf(out, "%.4f, %.4f", x->lat, x->lon);
    buffer_puts(out, "</td></tr>\n");
}

static void incident_table(buffer_t *out, const dashboard_view_t *view, const incidents_t *list,
                           const dashboard_incident_query_t *q, long matching) {
    long skip = q->page * DASHBOARD_INCIDENTS_PER_PAGE, shown = 0;
    buffer_puts(out, "<div class=\"table-scroll\"><table class=\"data incidents\"><caption>Incidents, oldest first</caption>"
                     "<thead><tr><th scope=\"col\">Time</th><th scope=\"col\">Point</th><th scope=\"col\">Party</th>"
                     "<th scope=\"col\">Standing</th><th scope=\"col\">Role</th><th scope=\"col\">Report</th>"
                     "<th scope=\"col\">Who confirmed or disputed it</th><th scope=\"col\">Lat, lon</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < list->count && shown < DASHBOARD_INCIDENTS_PER_PAGE; i++) {
        if (!incident_matches(view->agreement, &q->filter, &list->items[i])) continue;
        if (skip > 0) {
            skip--;
            continue;
        }
        dash_incident_row(out, view, &list->items[i]);
        shown++;
    }
    buffer_puts(out, "</tbody></table></div>\n");
    long pages = (matching + DASHBOARD_INCIDENTS_PER_PAGE - 1) / DASHBOARD_INCIDENTS_PER_PAGE;
    if (pages <= 1) return;
    buffer_printf(out, "<nav class=\"pager\" aria-label=\"Pages of incidents\"><span>Page %ld of %ld</span> ", q->page + 1, pages);
    if (q->page > 0) selection_link(out, view, q, "/incidents", q->page - 1, "← earlier");
    buffer_puts(out, " ");
    if (q->page + 1 < pages) selection_link(out, view, q, "/incidents", q->page + 1, "later →");
    buffer_puts(out, "</nav>\n");
}

void dashboard_incidents(buffer_t *out, const dashboard_view_t *view, const incidents_t *list,
                         const dashboard_incident_query_t *q, bool fragment) {
    dash_page_open(out, view, DASHBOARD_PAGE_INCIDENTS, "Incidents", fragment);
    buffer_puts(out, "<h1>Incidents</h1>\n<p class=\"lede\">Every report that bears on a rule, for one party — or for "
                     "none, when it names no party (unattributed). Each says how well it is established and who "
                     "confirmed, disputed or denied it. Nothing is left out: the rulings count every one.</p>\n");
    filter_form(out, view, q);
    daily_table_t days = {0};
    long matching = 0, counted = 0;
    for (size_t i = 0; i < list->count; i++) {
        const incident_t *x = &list->items[i];
        counted += x->counted;
        if (!incident_matches(view->agreement, &q->filter, x)) continue;
        matching++;
        daily_count(&days, &q->days, view->agreement, x);
    }
    daily_sort(&days);
    buffer_printf(out, "<p class=\"match-count\"><strong>%ld</strong> incident%s match, of %ld. Download this selection: ",
                  matching, matching == 1 ? "" : "s", counted);
    if (view->links == DASHBOARD_LINKS_SERVER) {
        selection_link(out, view, q, "/incidents.csv", 0, "CSV (spreadsheet)");
        buffer_puts(out, " · ");
        selection_link(out, view, q, "/incidents.geojson", 0, "GeoJSON (QGIS)");
        buffer_puts(out, " · the same as <code>truce incidents --format csv</code>.</p>\n");
    } else {
        buffer_puts(out, "with <code>truce incidents --format csv</code> or <code>--format geojson</code>.</p>\n");
    }
    daily_chart(out, &days, q);
    daily_table(out, &days);
    incident_table(out, view, list, q, matching);
    daily_free(&days);
    dash_page_close(out, view, fragment);
}
