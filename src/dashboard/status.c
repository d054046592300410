/* status: the one way every page shows a ruling — a CSS class per status (the
 * colours live in the stylesheet), a word and a glyph so that colour is never
 * the only signal, the standing of a finding, the 0-3 score and the legend. */
#include <string.h>

#include "dashboard/dashboard_internal.h"

typedef struct {
    const char *class_name, *word, *glyph, *meaning;
} status_look_t;

/* Indexed by status_t. */
static const status_look_t LOOKS[] = {
    [STATUS_FULFILLED] = {"st-fulfilled", "Fulfilled", "✓", "the obligation was met, verified by a monitor or the council"},
    [STATUS_CLAIMED] = {"st-claimed", "Claimed", "◐", "the party says it complied; no monitor or the council has verified it"},
    [STATUS_OBSERVED] = {"st-observed", "Observed", "◇", "incidents that name no party: counted, never a party's violation"},
    [STATUS_PENDING] = {"st-pending", "Pending", "○", "not yet in effect: its starting event has not happened"},
    [STATUS_IN_EFFECT] = {"st-in-effect", "In effect", "●", "binding, and nothing reported against it"},
    [STATUS_DECLARATORY] = {"st-declaratory", "Council rules", "§", "not machine-checked: the council rules on it"},
    [STATUS_SUSPENDED] = {"st-suspended", "Suspended", "‖", "suspended by a consequence of a violation"},
    [STATUS_VOID] = {"st-void", "Void", "⊘", "voided by a consequence of a confirmed violation"},
    [STATUS_DISPUTED] = {"st-disputed", "Disputed", "?", "a violation is reported but disputed"},
    [STATUS_OVERDUE] = {"st-overdue", "Overdue", "!", "the deadline passed without the obligation being met"},
    [STATUS_VIOLATED] = {"st-violated", "Violated", "✗", "confirmed by a monitor, the council or the party itself"},
};

static const char *const SCORE_WORDS[] = {"not begun", "minimal", "intermediate", "full"};

static bool is_unconfirmed_violation(const ruling_t *r) {
    return r->status == STATUS_VIOLATED && r->standing != STANDING_CONFIRMED;
}

const char *dash_status_class(const ruling_t *r) {
    return is_unconfirmed_violation(r) ? "st-alleged" : LOOKS[r->status].class_name;
}

const char *dash_status_word(status_t status) { return LOOKS[status].word; }
const char *dash_status_glyph(status_t status) { return LOOKS[status].glyph; }

static void badge(buffer_t *out, const char *class_name, const char *glyph, const char *word, const char *standing) {
    buffer_printf(out, "<span class=\"st %s\"><span class=\"glyph\" aria-hidden=\"true\">%s</span> %s", class_name,
                  glyph, word);
    if (standing) buffer_printf(out, " <span class=\"standing\">%s</span>", standing);
    buffer_puts(out, "</span>");
}

void dash_status_badge(buffer_t *out, const ruling_t *r) {
    /* A violation says how well it is established; "disputed" already says it. */
    const char *standing = r->status == STATUS_VIOLATED && r->standing != STANDING_NONE ? standing_name(r->standing) : NULL;
    badge(out, dash_status_class(r), LOOKS[r->status].glyph, LOOKS[r->status].word, standing);
}

/* The legend lists the statuses from the most serious down. */
void dash_status_legend(buffer_t *out) {
    buffer_puts(out, "<dl class=\"legend\" aria-label=\"Legend\">");
    for (int s = STATUS_VIOLATED; s >= STATUS_FULFILLED; s--) {
        buffer_puts(out, "<div><dt>");
        badge(out, LOOKS[s].class_name, LOOKS[s].glyph, LOOKS[s].word, NULL);
        buffer_printf(out, "</dt><dd>%s</dd></div>", LOOKS[s].meaning);
        if (s == STATUS_VIOLATED) {
            buffer_puts(out, "<div><dt>");
            badge(out, "st-alleged", LOOKS[s].glyph, LOOKS[s].word, "alleged");
            buffer_puts(out, "</dt><dd>reported by the other side only: no consequence until confirmed</dd></div>");
        }
    }
    buffer_puts(out, "<div><dt><span class=\"st st-none\">—</span></dt><dd>the point does not bind this party</dd></div>");
    buffer_puts(out, "</dl>");
}

void dash_score(buffer_t *out, int score) {
    if (score < 0 || score > 3) {
        buffer_puts(out, "<span class=\"score score-none\">not scored</span>");
        return;
    }
    buffer_printf(out, "<span class=\"score\"><b>%d</b><span class=\"bar\" aria-hidden=\"true\">", score);
    for (int step = 1; step <= 3; step++) buffer_puts(out, step <= score ? "<i class=\"on\"></i>" : "<i></i>");
    buffer_printf(out, "</span><small>%s</small></span>", SCORE_WORDS[score]);
}

bool dash_is_finding(const ruling_t *r) {
    return r->status == STATUS_VIOLATED || r->status == STATUS_OVERDUE || r->status == STATUS_DISPUTED ||
           r->status == STATUS_VOID || r->status == STATUS_SUSPENDED || r->consequence_count > 0;
}

const ruling_t *dash_find_ruling(const rulings_t *rulings, int point, int party) {
    for (int i = 0; i < rulings->count; i++)
        if (rulings->items[i].point == point && rulings->items[i].party == party) return &rulings->items[i];
    return NULL;
}

const char *dash_party_code(const agreement_t *a, int party) {
    return export_party_name(a, party);
}

/* Evidence keys link to their report's page; consequences are tags. */
void dash_key_list(buffer_t *out, const dashboard_view_t *view, char **keys, int count, bool evidence) {
    buffer_printf(out, "<ul class=\"keys %s\">", evidence ? "evidence" : "consequences");
    for (int i = 0; i < count; i++) {
        buffer_puts(out, "<li>");
        if (evidence) dash_link(out, view, DASHBOARD_PAGE_EVIDENCE, keys[i], keys[i]);
        else {
            buffer_puts(out, "<code>");
            dash_text(out, keys[i]);
            buffer_puts(out, "</code>");
        }
        buffer_puts(out, "</li>");
    }
    buffer_puts(out, "</ul>");
}

void dash_ruling_keys(buffer_t *out, const dashboard_view_t *view, const ruling_t *r) {
    if (r->evidence_count) {
        buffer_puts(out, "<div class=\"keys-row\"><span class=\"keys-label\">Evidence</span>");
        dash_key_list(out, view, r->evidence, r->evidence_count, true);
        buffer_puts(out, "</div>");
    }
    if (r->consequence_count) {
        buffer_puts(out, "<div class=\"keys-row\"><span class=\"keys-label\">Consequences</span>");
        dash_key_list(out, view, r->consequences, r->consequence_count, false);
        buffer_puts(out, "</div>");
    }
}

void dash_point_link(buffer_t *out, const dashboard_view_t *view, int point, const char *css_class) {
    const point_t *pt = &view->agreement->points[point];
    if (css_class) buffer_printf(out, "<a class=\"%s\" href=\"", css_class);
    else buffer_puts(out, "<a href=\"");
    dash_href(out, view, DASHBOARD_PAGE_POINT, pt->label);
    buffer_puts(out, "\">Point ");
    dash_text(out, pt->label);
    buffer_puts(out, pt->title ? ": " : "");
    dash_text(out, pt->title);
    buffer_puts(out, "</a>");
}

void dash_ruling_subject(buffer_t *out, const dashboard_view_t *view, const ruling_t *r) {
    const point_t *pt = &view->agreement->points[r->point];
    dash_link(out, view, DASHBOARD_PAGE_POINT, pt->label, pt->label);
    buffer_puts(out, " ");
    dash_text(out, pt->title);
    buffer_puts(out, " · ");
    dash_text(out, dash_party_code(view->agreement, r->party));
}
