/* point: the page of one point — its words, its rules as written (with
 * file:line), what a violation of it sets off, each party's ruling with the
 * chain behind it, and every report it rests on with its inclusion proof. */
#include <stdlib.h>
#include <string.h>

#include "dashboard/dashboard_internal.h"

/* The rules as written; reactions_list closes the section. */
static void rules_section(buffer_t *out, const agreement_t *a, const point_t *pt, int point) {
    buffer_printf(out, "<section aria-labelledby=\"rules-%d\"><h2 id=\"rules-%d\">Rules, as written</h2><ol class=\"rules\">",
                  point, point);
    for (int i = pt->first_rule; i < pt->first_rule + pt->rule_count; i++) {
        const rule_t *rule = &a->rules[i];
        buffer_puts(out, "<li><code>");
        dash_text(out, rule->source_text);
        buffer_puts(out, "</code><span class=\"where\">");
        dash_text(out, a->path);
        buffer_printf(out, ":%d</span></li>", rule->line);
    }
    buffer_puts(out, "</ol>");
}

static void action_text(buffer_t *out, const dashboard_view_t *view, const action_t *action) {
    const agreement_t *a = view->agreement;
    if (action->type == ACTION_CONSEQUENCE) {
        buffer_puts(out, "consequence <code>");
        dash_text(out, action->tag);
        buffer_puts(out, "</code>");
        return;
    }
    const char *label = a->points[action->point].label;
    buffer_puts(out, action->type == ACTION_VOID ? "void " : "suspend ");
    buffer_puts(out, "point ");
    dash_link(out, view, DASHBOARD_PAGE_POINT, label, label);
    buffer_puts(out, " for ");
    dash_text(out, action->party >= 0 ? a->parties[action->party].code : "the violator");
}

static void reactions_list(buffer_t *out, const dashboard_view_t *view, int point) {
    const agreement_t *a = view->agreement;
    bool any = false;
    for (int i = 0; i < a->reaction_count; i++) {
        const reaction_t *reaction = &a->reactions[i];
        if (reaction->point != point) continue;
        if (!any) buffer_puts(out, "<h3>On a confirmed violation</h3><ul class=\"reactions\">");
        any = true;
        buffer_puts(out, "<li>By ");
        dash_text(out, reaction->party >= 0 ? a->parties[reaction->party].code : "any party");
        buffer_puts(out, ": ");
        for (int k = 0; k < reaction->action_count; k++) {
            if (k) buffer_puts(out, "; ");
            action_text(out, view, &reaction->actions[k]);
        }
        buffer_puts(out, "</li>");
    }
    if (any) buffer_puts(out, "</ul>");
    buffer_puts(out, "</section>\n");
}

/* Every change of the ruling's status, oldest first: a past breach never
 * vanishes from the page. */
static void history_list(buffer_t *out, const ruling_t *r) {
    if (r->history_count < 2) return;
    buffer_puts(out, "<details open><summary>History</summary><ol class=\"history\">");
    for (int i = 0; i < r->history_count; i++) {
        const ruling_change_t *c = &r->history[i];
        ruling_t look = {.status = c->status, .standing = c->standing, .respected_since = c->ended ? c->time : TIME_NONE};
        buffer_puts(out, "<li>");
        if (c->time == TIME_NONE || c->time == TIME_BEGINNING) buffer_puts(out, "from the start");
        else dash_time(out, c->time);
        buffer_puts(out, " ");
        dash_status_badge(out, &look);
        if (c->ended) buffer_puts(out, " <span class=\"ended\">the breach ended: respected again</span>");
        buffer_puts(out, "</li>");
    }
    buffer_puts(out, "</ol></details>");
}

static void name_list(buffer_t *out, const dashboard_view_t *view, const char *label, char **items, int count,
                      bool reports) {
    if (!count) return;
    buffer_printf(out, "<p class=\"voices\"><span class=\"keys-label\">%s</span> ", label);
    for (int i = 0; i < count; i++) {
        if (i) buffer_puts(out, ", ");
        if (reports) dash_link(out, view, DASHBOARD_PAGE_EVIDENCE, items[i], items[i]);
        else dash_text(out, items[i]);
    }
    buffer_puts(out, "</p>");
}

/* "12 incidents: 9 confirmed, 3 alleged; the latest 4 Mar 2026" and who spoke. */
static void incident_summary(buffer_t *out, const dashboard_view_t *view, const ruling_t *r) {
    static const char *names[STANDING_COUNT] = {"", "disputed", "alleged", "claimed", "confirmed"};
    if (r->incident_count > 0) {
        buffer_printf(out, "<p class=\"incident-count\"><a href=\"/incidents?point=");
        dash_text(out, view->agreement->points[r->point].label);
        buffer_printf(out, "&amp;party=%s\">%ld incident%s</a>: ", dash_party_code(view->agreement, r->party),
                      r->incident_count, r->incident_count == 1 ? "" : "s");
        for (int s = STANDING_COUNT - 1, n = 0; s > 0; s--)
            if (r->standing_counts[s]) buffer_printf(out, "%s%ld %s", n++ ? ", " : "", r->standing_counts[s], names[s]);
        buffer_puts(out, "; the latest ");
        dash_time(out, r->last);
        if (r->respected_since != TIME_NONE) {
            buffer_puts(out, "; respected again since ");
            dash_time(out, r->respected_since);
        }
        buffer_puts(out, "</p>");
    }
    name_list(out, view, "Confirmed by", r->confirmed_by, r->confirmed_by_count, false);
    name_list(out, view, "Disputed by", r->disputed_by, r->disputed_by_count, true);
    name_list(out, view, "Denied by the accused, not upheld", r->contested_by, r->contested_by_count, true);
}

static void ruling_card(buffer_t *out, const dashboard_view_t *view, const ruling_t *r) {
    const agreement_t *a = view->agreement;
    buffer_printf(out, "<article class=\"ruling %s\"><header><h3>", dash_status_class(r));
    dash_text(out, r->party >= 0 ? a->parties[r->party].name : r->party == RULING_UNATTRIBUTED ? "Unattributed" : "All parties");
    buffer_puts(out, "</h3>");
    dash_status_badge(out, r);
    buffer_puts(out, "</header><dl class=\"facts\"><div><dt>Since</dt><dd>");
    dash_time(out, r->since);
    buffer_printf(out, "</dd></div><div><dt>Standing</dt><dd>%s</dd></div><div><dt>Score</dt><dd>",
                  r->standing == STANDING_NONE ? "no report" : standing_name(r->standing));
    dash_score(out, r->score);
    buffer_puts(out, "</dd></div></dl><p class=\"why\">");
    dash_text(out, r->why);
    buffer_puts(out, "</p>");
    incident_summary(out, view, r);
    dash_ruling_keys(out, view, r);
    history_list(out, r);
    if (r->explanation && r->explanation[0]) {
        buffer_puts(out, "<details><summary>How this was ruled</summary><pre class=\"explanation\">");
        dash_text(out, r->explanation);
        buffer_puts(out, "</pre></details>");
    }
    buffer_puts(out, "</article>\n");
}

static void rulings_section(buffer_t *out, const dashboard_view_t *view, int point) {
    buffer_printf(out, "<section aria-labelledby=\"rulings-%d\"><h2 id=\"rulings-%d\">Rulings</h2><div class=\"rulings\">",
                  point, point);
    for (int i = 0; i < view->rulings->count; i++)
        if (view->rulings->items[i].point == point) ruling_card(out, view, &view->rulings->items[i]);
    buffer_puts(out, "</div></section>\n");
}

static bool seen_before(const rulings_t *rulings, int point, int upto_ruling, int upto_key, const char *key) {
    for (int i = 0; i <= upto_ruling; i++) {
        const ruling_t *r = &rulings->items[i];
        if (r->point != point) continue;
        int limit = i == upto_ruling ? upto_key : r->evidence_count;
        for (int k = 0; k < limit; k++)
            if (!strcmp(r->evidence[k], key)) return true;
    }
    return false;
}

/* Every report the point's rulings rest on, once each. */
static void evidence_section(buffer_t *out, const dashboard_view_t *view, int point) {
    const rulings_t *rulings = view->rulings;
    buffer_puts(out, "<section aria-labelledby=\"evidence\"><h2 id=\"evidence\">Evidence</h2>");
    int shown = 0;
    for (int i = 0; i < rulings->count; i++) {
        const ruling_t *r = &rulings->items[i];
        if (r->point != point) continue;
        for (int k = 0; k < r->evidence_count; k++) {
            if (seen_before(rulings, point, i, k, r->evidence[k])) continue;
            if (!dash_evidence_block(out, view, r->evidence[k], false)) {
                buffer_puts(out, "<article class=\"evidence-item\"><h3>");
                dash_text(out, r->evidence[k]);
                buffer_puts(out, "</h3><p class=\"proof unknown\">Not held by this server.</p></article>");
            }
            shown++;
        }
    }
    if (!shown) buffer_puts(out, "<p>No report bears on this point's rulings yet.</p>");
    buffer_puts(out, "</section>\n");
}

/* The point's words and score (h_level: 1 on its page, 2 in the report). */
static void point_head(buffer_t *out, const dashboard_view_t *view, const point_t *pt, int point, int h_level) {
    buffer_printf(out, "<h%d><span class=\"label\">", h_level);
    dash_text(out, pt->label);
    buffer_puts(out, "</span> ");
    dash_text(out, pt->title);
    buffer_printf(out, "</h%d>\n<div class=\"point-head\"><blockquote class=\"point-text\"><p>", h_level);
    dash_text(out, pt->text);
    buffer_puts(out, "</p></blockquote><div class=\"point-score\"><span class=\"keys-label\">Point score</span>");
    dash_score(out, view->rulings->point_scores[point]);
    buffer_puts(out, "</div></div>\n");
}

bool dashboard_point(buffer_t *out, const dashboard_view_t *view, const char *label, bool fragment) {
    const agreement_t *a = view->agreement;
    int point = label ? agreement_point(a, text_of(label)) : -1;
    if (point < 0) return false;
    const point_t *pt = &a->points[point];
    buffer_t title = {0};
    buffer_printf(&title, "Point %s", pt->label);
    dash_page_open(out, view, PAGE_NONE, title.data, fragment);
    buffer_puts(out, "<p class=\"crumbs\"><a href=\"");
    dash_href(out, view, DASHBOARD_PAGE_BOARD, NULL);
    buffer_puts(out, "\">Board</a> › Point</p>");
    point_head(out, view, pt, point, 1);
    rules_section(out, a, pt, point);
    reactions_list(out, view, point);
    rulings_section(out, view, point);
    evidence_section(out, view, point);
    dash_page_close(out, view, fragment);
    buffer_free(&title);
    return true;
}

/* The council's printable report: every point in order, with its words,
 * rulings (their incidents, voices and history) and consequences; the
 * evidence stays on the point pages. */
void dashboard_report(buffer_t *out, const dashboard_view_t *view, bool fragment) {
    const agreement_t *a = view->agreement;
    dash_page_open(out, view, DASHBOARD_PAGE_REPORT, "Report", fragment);
    buffer_puts(out, "<h1>Implementation report</h1>\n<p class=\"lede\">Every point of the agreement with its "
                     "rulings, incidents and history, for printing. Scores follow the Peace Accords Matrix "
                     "(0 not begun, 1 minimal, 2 intermediate, 3 full).</p>\n");
    buffer_printf(out, "<p class=\"summary\">Implementation: <strong>%.0f%%</strong>.</p>\n",
                  view->rulings->implementation_percent);
    for (int p = 0; p < a->point_count; p++) {
        buffer_printf(out, "<section class=\"report-point\" id=\"point-%d\">", p);
        point_head(out, view, &a->points[p], p, 2);
        rules_section(out, a, &a->points[p], p);
        reactions_list(out, view, p);
        rulings_section(out, view, p);
        buffer_puts(out, "</section>\n");
    }
    dash_page_close(out, view, fragment);
}
