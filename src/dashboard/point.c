/* point: the page of one point — its words, its rules as written (with
 * file:line), what a violation of it sets off, each party's ruling with the
 * chain behind it, and every report it rests on with its inclusion proof. */
#include <stdlib.h>
#include <string.h>

#include "dashboard/dashboard_internal.h"

static void rules_section(buffer_t *out, const agreement_t *a, const point_t *pt) {
    buffer_puts(out, "<section aria-labelledby=\"rules\"><h2 id=\"rules\">Rules, as written</h2><ol class=\"rules\">");
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

static void ruling_card(buffer_t *out, const dashboard_view_t *view, const ruling_t *r) {
    const agreement_t *a = view->agreement;
    buffer_printf(out, "<article class=\"ruling %s\"><header><h3>", dash_status_class(r));
    dash_text(out, r->party >= 0 ? a->parties[r->party].name : "All parties");
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
    dash_ruling_keys(out, view, r);
    if (r->explanation && r->explanation[0]) {
        buffer_puts(out, "<details><summary>How this was ruled</summary><pre class=\"explanation\">");
        dash_text(out, r->explanation);
        buffer_puts(out, "</pre></details>");
    }
    buffer_puts(out, "</article>\n");
}

static void rulings_section(buffer_t *out, const dashboard_view_t *view, int point) {
    buffer_puts(out, "<section aria-labelledby=\"rulings\"><h2 id=\"rulings\">Rulings</h2><div class=\"rulings\">");
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
    buffer_puts(out, "\">Board</a> › Point</p><h1><span class=\"label\">");
    dash_text(out, pt->label);
    buffer_puts(out, "</span> ");
    dash_text(out, pt->title);
    buffer_puts(out, "</h1>\n<div class=\"point-head\"><blockquote class=\"point-text\"><p>");
    dash_text(out, pt->text);
    buffer_puts(out, "</p></blockquote><div class=\"point-score\"><span class=\"keys-label\">Point score</span>");
    dash_score(out, view->rulings->point_scores[point]);
    buffer_puts(out, "</div></div>\n");
    rules_section(out, a, pt);
    reactions_list(out, view, point);
    rulings_section(out, view, point);
    evidence_section(out, view, point);
    dash_page_close(out, view, fragment);
    buffer_free(&title);
    return true;
}
