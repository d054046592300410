/* board: the home page — the overall implementation percentage, the table of
 * every point x party (status word, glyph and colour, the 0-3 score), and the
 * findings with their reasons, evidence and consequences. */
#include <stdlib.h>

#include "dashboard/dashboard_internal.h"

static int scored_points(const rulings_t *rulings, int point_count) {
    int scored = 0;
    for (int p = 0; p < point_count; p++) scored += rulings->point_scores[p] >= 0;
    return scored;
}

static int count_status(const rulings_t *rulings, status_t status, bool confirmed_only) {
    int count = 0;
    for (int i = 0; i < rulings->count; i++) {
        const ruling_t *r = &rulings->items[i];
        count += r->status == status && (!confirmed_only || r->standing == STANDING_CONFIRMED);
    }
    return count;
}

/* A count that links to the rows behind it. */
static void headline_figure(buffer_t *out, const dashboard_view_t *view, int value, const char *label,
                            const char *class_name) {
    buffer_printf(out, "<a class=\"figure %s\" href=\"", class_name);
    if (view->links == DASHBOARD_LINKS_SERVER) buffer_puts(out, "/?problems=1");
    buffer_printf(out, "#problems\"><b>%d</b><span>%s</span></a>", value, label);
}

static void summary(buffer_t *out, const dashboard_view_t *view) {
    const rulings_t *rulings = view->rulings;
    double percent = rulings->implementation_percent;
    buffer_printf(out, "<section class=\"summary\" aria-labelledby=\"implementation\">"
                       "<div class=\"implementation\"><h2 id=\"implementation\">Implementation</h2>"
                       "<p class=\"percent\"><b>%.0f%%</b> of the scored points' full implementation</p>"
                       "<div class=\"meter\" role=\"img\" aria-label=\"%.0f percent\"><span style=\"width:%.1f%%\">"
                       "</span></div><p class=\"note\">Peace Accords Matrix scale over %d scored points "
                       "(0 not begun, 1 minimal, 2 intermediate, 3 full); declaratory points are not scored.</p></div>",
                  percent, percent, percent < 0 ? 0.0 : percent > 100 ? 100.0 : percent,
                  scored_points(rulings, view->agreement->point_count));
    buffer_puts(out, "<div class=\"figures\">");
    headline_figure(out, view, count_status(rulings, STATUS_VIOLATED, true), "confirmed violations", "st-violated");
    headline_figure(out, view, count_status(rulings, STATUS_VIOLATED, false) - count_status(rulings, STATUS_VIOLATED, true),
                    "alleged violations", "st-alleged");
    headline_figure(out, view, count_status(rulings, STATUS_DISPUTED, false), "disputed", "st-disputed");
    headline_figure(out, view, count_status(rulings, STATUS_OVERDUE, false), "overdue obligations", "st-overdue");
    headline_figure(out, view, count_status(rulings, STATUS_CLAIMED, false), "claimed, not verified", "st-claimed");
    buffer_puts(out, "</div></section>\n");
}

static const char *declaratory_reason(const agreement_t *a, int point) {
    const point_t *pt = &a->points[point];
    for (int i = pt->first_rule; i < pt->first_rule + pt->rule_count; i++)
        if (a->rules[i].type == RULE_DECLARATORY) return a->rules[i].text;
    return NULL;
}

static void point_heading_cell(buffer_t *out, const dashboard_view_t *view, const point_t *pt) {
    buffer_puts(out, "<th scope=\"row\" class=\"point\"><a href=\"");
    dash_href(out, view, DASHBOARD_PAGE_POINT, pt->label);
    buffer_puts(out, "\"><span class=\"label\">");
    dash_text(out, pt->label);
    buffer_puts(out, "</span> <span class=\"title\">");
    dash_text(out, pt->title ? pt->title : "");
    buffer_puts(out, "</span></a></th>");
}

static void ruling_cell(buffer_t *out, const ruling_t *r) {
    if (!r) {
        buffer_puts(out, "<td class=\"cell st-none\"><span aria-label=\"not bound\">—</span></td>");
        return;
    }
    buffer_printf(out, "<td class=\"cell %s\">", dash_status_class(r));
    dash_status_badge(out, r);
    buffer_puts(out, "</td>");
}

static void board_row(buffer_t *out, const dashboard_view_t *view, int point) {
    const agreement_t *a = view->agreement;
    const ruling_t *all = dash_find_ruling(view->rulings, point, -1);
    for (int p = 0; all && p < a->party_count; p++) /* a point with rules and a declaratory part: the rules show */
        if (dash_find_ruling(view->rulings, point, p)) all = NULL;
    buffer_printf(out, "<tr%s>", all ? " class=\"declaratory\"" : "");
    point_heading_cell(out, view, &a->points[point]);
    if (all) {
        buffer_printf(out, "<td class=\"cell st-declaratory\" colspan=\"%d\">", a->party_count);
        dash_status_badge(out, all);
        buffer_puts(out, " <span class=\"reason\">");
        dash_text(out, declaratory_reason(a, point));
        buffer_puts(out, "</span></td>");
    } else {
        for (int p = 0; p < a->party_count; p++) ruling_cell(out, dash_find_ruling(view->rulings, point, p));
    }
    buffer_puts(out, "<td class=\"score-cell\">");
    dash_score(out, view->rulings->point_scores[point]);
    buffer_puts(out, "</td></tr>\n");
}

static bool is_problem(const ruling_t *r) {
    return r->status == STATUS_VIOLATED || r->status == STATUS_OVERDUE || r->status == STATUS_DISPUTED;
}

static bool point_has_problem(const rulings_t *rulings, int point) {
    for (int i = 0; i < rulings->count; i++)
        if (rulings->items[i].point == point && is_problem(&rulings->items[i])) return true;
    return false;
}

static void board_table(buffer_t *out, const dashboard_view_t *view) {
    const agreement_t *a = view->agreement;
    buffer_puts(out, "<section aria-labelledby=\"board\"><h2 id=\"board\">The board</h2>"
                     "<div class=\"table-scroll\"><table class=\"board\"><caption>Each point's ruling for each "
                     "party it binds, and the point's score (0-3). Select a point for its text, rules and "
                     "evidence.</caption>\n<thead><tr><th scope=\"col\">Point</th>");
    for (int p = 0; p < a->party_count; p++) {
        buffer_puts(out, "<th scope=\"col\"><abbr title=\"");
        dash_text(out, a->parties[p].name);
        buffer_puts(out, "\">");
        dash_text(out, a->parties[p].code);
        buffer_puts(out, "</abbr></th>");
    }
    buffer_puts(out, "<th scope=\"col\">Score</th></tr></thead>\n<tbody>\n");
    for (int point = 0; point < a->point_count; point++)
        if (!view->problems_only || point_has_problem(view->rulings, point)) board_row(out, view, point);
    buffer_puts(out, "</tbody></table></div>\n");
    dash_status_legend(out);
    buffer_puts(out, "</section>\n");
}

/* Whether a breach goes on: its latest incident, or since when it has been
 * respected; for an overdue obligation, since when it is due. */
static void still_going(buffer_t *out, const ruling_t *r) {
    if (r->status == STATUS_OVERDUE) {
        buffer_puts(out, "still not met");
    } else if (r->respected_since != TIME_NONE) {
        buffer_puts(out, "ended: respected since ");
        dash_date(out, r->respected_since);
    } else if (r->last != TIME_NONE) {
        buffer_puts(out, "latest incident ");
        dash_date(out, r->last);
    }
}

static void how_sure(buffer_t *out, const ruling_t *r) {
    if (r->standing == STANDING_DISPUTED && r->disputed_by_count) {
        buffer_puts(out, "disputed by ");
        dash_text(out, r->disputed_by[0]);
        return;
    }
    buffer_puts(out, r->standing == STANDING_NONE ? "no report" : standing_name(r->standing));
    if (r->standing == STANDING_CONFIRMED && r->confirmed_by_count) {
        buffer_puts(out, " by ");
        for (int i = 0; i < r->confirmed_by_count; i++) {
            if (i) buffer_puts(out, ", ");
            dash_text(out, r->confirmed_by[i]);
        }
    }
    if (r->disputed_by_count) buffer_printf(out, "; disputed by %d report%s", r->disputed_by_count, r->disputed_by_count == 1 ? "" : "s");
    if (r->contested_by_count) buffer_puts(out, "; denied by the accused");
}

/* The rulings that pass a test, the most serious first (caller frees). */
static const ruling_t **by_severity_where(const rulings_t *rulings, bool (*test)(const ruling_t *), int *count);

/* The first thing on the page: what is violated or overdue, by whom, since
 * when, how surely, and whether it goes on. */
static void problems(buffer_t *out, const dashboard_view_t *view) {
    int count;
    const ruling_t **order = by_severity_where(view->rulings, is_problem, &count);
    buffer_puts(out, "<section id=\"problems\" aria-labelledby=\"problems-title\"><h2 id=\"problems-title\">"
                     "Violated, overdue or disputed now</h2>");
    if (!count) buffer_puts(out, "<p>Nothing is violated, overdue or disputed.</p>");
    else
        buffer_puts(out, "<div class=\"table-scroll\"><table class=\"data problems\"><thead><tr><th scope=\"col\">Point</th>"
                         "<th scope=\"col\">Party</th><th scope=\"col\">Status</th><th scope=\"col\">Since</th>"
                         "<th scope=\"col\">How sure</th><th scope=\"col\">Still going?</th><th scope=\"col\">Incidents</th>"
                         "</tr></thead><tbody>\n");
    for (int i = 0; i < count; i++) {
        const ruling_t *r = order[i];
        buffer_puts(out, "<tr><td>");
        dash_point_link(out, view, r->point, NULL);
        buffer_puts(out, "</td><td>");
        dash_text(out, dash_party_code(view->agreement, r->party));
        buffer_puts(out, "</td><td>");
        dash_status_badge(out, r);
        buffer_puts(out, "</td><td>");
        dash_date(out, r->since);
        buffer_puts(out, "</td><td>");
        how_sure(out, r);
        buffer_puts(out, "</td><td>");
        still_going(out, r);
        buffer_printf(out, "</td><td>%ld</td></tr>\n", r->incident_count);
    }
    if (count) buffer_puts(out, "</tbody></table></div>");
    if (view->links == DASHBOARD_LINKS_SERVER)
        buffer_printf(out, "<p class=\"toggle\"><a href=\"%s\">%s</a></p>", view->problems_only ? "/" : "/?problems=1#board",
                      view->problems_only ? "Show every point on the board" : "Show only the points with a problem");
    buffer_puts(out, "</section>\n");
    free(order);
}

/* Findings, the most serious first, then in the rulings' order (pointers
 * into the one array, so comparing them is defined). */
static int by_severity(const void *left, const void *right) {
    const ruling_t *a = *(const ruling_t *const *)left, *b = *(const ruling_t *const *)right;
    if (a->status != b->status) return a->status > b->status ? -1 : 1;
    return a < b ? -1 : a > b;
}

static const ruling_t **by_severity_where(const rulings_t *rulings, bool (*test)(const ruling_t *), int *count) {
    const ruling_t **order = xmalloc(sizeof *order * (size_t)(rulings->count + 1));
    *count = 0;
    for (int i = 0; i < rulings->count; i++)
        if (test(&rulings->items[i])) order[(*count)++] = &rulings->items[i];
    qsort(order, (size_t)*count, sizeof *order, by_severity);
    return order;
}

static void finding(buffer_t *out, const dashboard_view_t *view, const ruling_t *r) {
    buffer_printf(out, "<li class=\"finding %s\"><p class=\"finding-head\">", dash_status_class(r));
    dash_status_badge(out, r);
    buffer_puts(out, " ");
    dash_point_link(out, view, r->point, "point-link");
    buffer_puts(out, " <span class=\"party\">");
    dash_text(out, dash_party_code(view->agreement, r->party));
    buffer_puts(out, "</span> <span class=\"since\">since ");
    dash_time(out, r->since);
    buffer_puts(out, "</span></p><p class=\"why\">");
    dash_text(out, r->why);
    buffer_puts(out, "</p>");
    dash_ruling_keys(out, view, r);
    buffer_puts(out, "</li>\n");
}

static void findings(buffer_t *out, const dashboard_view_t *view) {
    int count;
    const ruling_t **order = by_severity_where(view->rulings, dash_is_finding, &count);
    buffer_puts(out, "<section aria-labelledby=\"findings\"><h2 id=\"findings\">Findings</h2>");
    if (!count) buffer_puts(out, "<p>No violation, overdue obligation or consequence.</p>");
    else buffer_puts(out, "<ol class=\"findings\">\n");
    for (int i = 0; i < count; i++) finding(out, view, order[i]);
    if (count) buffer_puts(out, "</ol>");
    buffer_puts(out, "</section>\n");
    free(order);
}

void dashboard_board(buffer_t *out, const dashboard_view_t *view, bool fragment) {
    dash_page_open(out, view, DASHBOARD_PAGE_BOARD, "Board", fragment);
    buffer_puts(out, "<h1>How the agreement is being kept</h1>\n");
    problems(out, view);
    summary(out, view);
    board_table(out, view);
    findings(out, view);
    dash_page_close(out, view, fragment);
}
