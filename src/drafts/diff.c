/* diff: what changed between two drafts of an agreement, point by point.
 * Points are matched by `replaces`, else by label; rules within a matched
 * point are paired by type and likeness; names are compared as names, never
 * as indices, so the two drafts need not declare things in the same order. */
#include "drafts/drafts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- matching */

int *drafts_match(const agreement_t *old, const agreement_t *new) {
    int *match = xcalloc((size_t)(new->point_count ? new->point_count : 1), sizeof *match);
    bool *replaced = xcalloc((size_t)(old->point_count ? old->point_count : 1), sizeof *replaced);
    for (int i = 0; i < new->point_count; i++) {
        match[i] = -1;
        if (new->points[i].replaces) {
            match[i] = agreement_point(old, text_of(new->points[i].replaces));
            if (match[i] >= 0) replaced[match[i]] = true;
        }
    }
    for (int i = 0; i < new->point_count; i++) {
        if (new->points[i].replaces) continue;
        int j = agreement_point(old, text_of(new->points[i].label));
        if (j >= 0 && !replaced[j]) match[i] = j;
    }
    free(replaced);
    return match;
}

bool drafts_comparable(const agreement_t *old, const agreement_t *new, char *error, size_t error_size) {
    buffer_t added = {0}, dropped = {0};
    for (int i = 0; i < new->party_count; i++)
        if (agreement_party(old, text_of(new->parties[i].code)) < 0) buffer_printf(&added, " %s", new->parties[i].code);
    for (int i = 0; i < old->party_count; i++)
        if (agreement_party(new, text_of(old->parties[i].code)) < 0) buffer_printf(&dropped, " %s", old->parties[i].code);
    bool ok = !added.len && !dropped.len;
    if (!ok)
        snprintf(error, error_size, "%s and %s declare different parties (%s%.*s%s%s%.*s): drafts of one agreement "
                 "must bind the same parties, so that their rulings can be compared",
                 old->path, new->path, added.len ? "only the second has" : "", (int)added.len, added.data ? added.data : "",
                 added.len && dropped.len ? "; " : "", dropped.len ? "only the first has" : "", (int)dropped.len,
                 dropped.data ? dropped.data : "");
    buffer_free(&added);
    buffer_free(&dropped);
    return ok;
}

/* ------------------------------------------------------------------ changes */

static draft_change_t *add_change(draft_diff_t *d, draft_change_type_t type, const point_t *o, const point_t *n) {
    if (d->count == d->capacity) {
        d->capacity = d->capacity ? d->capacity * 2 : 32;
        d->items = xrealloc(d->items, (size_t)d->capacity * sizeof *d->items);
    }
    draft_change_t *c = &d->items[d->count++];
    *c = (draft_change_t){.type = type, .old_label = o ? o->label : NULL, .new_label = n ? n->label : NULL,
                          .title = n && n->title ? n->title : o ? o->title : NULL};
    return c;
}

static char *dup(draft_diff_t *d, const char *s) {
    return s ? arena_strndup(&d->arena, s, strlen(s)) : NULL;
}

static char *take(draft_diff_t *d, buffer_t *b) {
    char *s = arena_strndup(&d->arena, b->data ? b->data : "", b->len);
    buffer_free(b);
    return s;
}

const char *draft_change_name(draft_change_type_t type) {
    static const char *names[] = {"point.added", "point.removed", "point.renumbered", "title.changed",
                                  "text.changed", "rule.added", "rule.removed", "rule.changed",
                                  "consequence.added", "consequence.removed", "became.declaratory",
                                  "became.checked", "reason.changed"};
    return (unsigned)type < sizeof names / sizeof *names ? names[type] : "?";
}

/* ------------------------------------------------------------ rule fields */

static void write_parties(buffer_t *b, const agreement_t *a, uint32_t parties) {
    uint32_t all = a->party_count >= 32 ? 0xffffffffu : (1u << a->party_count) - 1;
    if (parties == all && a->party_count > 1) {
        buffer_puts(b, "any");
        return;
    }
    const char *sep = "";
    for (int i = 0; i < a->party_count; i++)
        if (parties & (1u << i)) {
            buffer_printf(b, "%s%s", sep, a->parties[i].code);
            sep = ", ";
        }
}

static const char *event_name(const agreement_t *a, int e) {
    return e >= 0 ? a->events[e].name : NULL;
}

static void write_window(buffer_t *b, const agreement_t *a, const window_t *w) {
    const char *start = event_name(a, w->start_event), *deadline = event_name(a, w->deadline_event);
    buffer_printf(b, "from %s", start ? start : "the start");
    if (w->deadline_days) buffer_printf(b, ", within %lld days of %s", (long long)w->deadline_days, deadline ? deadline : "?");
    if (w->deadline_months)
        buffer_printf(b, ", within %lld months of %s", (long long)w->deadline_months, deadline ? deadline : "?");
    if (w->deadline_date != TIME_NONE) {
        char date[40];
        time_format(w->deadline_date, date);
        buffer_printf(b, ", by %.10s", date);
    }
}

static void write_targets(buffer_t *b, const agreement_t *a, const rule_t *r) {
    for (int i = 0; i < r->target_count; i++) buffer_printf(b, "%s%s", i ? ", " : "", a->places[r->targets[i]].name);
}

static void write_verifiers(buffer_t *b, const agreement_t *a, const rule_t *r) {
    if (!r->verifier_count) buffer_puts(b, "the monitors");
    for (int i = 0; i < r->verifier_count; i++) buffer_printf(b, "%s%s", i ? ", " : "", a->sources[r->verifiers[i]].name);
}

static void write_bound(buffer_t *b, const rule_t *r) {
    static const char *words[] = {"at most", "below", "at least", "above"};
    buffer_printf(b, "%s %.15g", words[r->comparison], r->bound);
}

static const char *name_or_none(const char *s) {
    return s ? s : "none";
}

/* Every field a negotiator reads, as text: fields whose texts differ changed. */
typedef enum {
    RF_PARTIES, RF_KIND, RF_BOUND, RF_ZONE, RF_TARGETS, RF_RECIPIENT, RF_CAUSE,
    RF_SHARE, RF_PERIOD, RF_TOLERANCE, RF_HELD, RF_WHAT, RF_WINDOW, RF_VERIFIERS,
    RF_QUIET, RF_UNATTRIBUTED, RF_REGISTRY, RF_COUNT
} rule_field_t;

static const char *field_names[RF_COUNT] = {
    "parties", "kind", "bound", "zone", "targets", "recipient", "unless cause", "split", "period",
    "tolerance", "registry kind", "what", "window", "verified by", "quiet period", "unattributed incidents",
    "registry by any"};

static void write_field(buffer_t *b, const agreement_t *a, const rule_t *r, rule_field_t f) {
    switch (f) {
    case RF_PARTIES: write_parties(b, a, r->parties); break;
    case RF_KIND: buffer_puts(b, r->kind >= 0 ? a->kinds[r->kind].name : "none"); break;
    case RF_BOUND: if (r->type == RULE_LIMIT) write_bound(b, r); break;
    case RF_ZONE:
        if (r->place >= 0) buffer_printf(b, "%s %s", r->outside ? "outside" : "in", a->places[r->place].name);
        else buffer_puts(b, "anywhere");
        break;
    case RF_TARGETS: write_targets(b, a, r); break;
    case RF_RECIPIENT: buffer_puts(b, r->to_party >= 0 ? a->parties[r->to_party].code : "any"); break;
    case RF_CAUSE: buffer_puts(b, r->unless_cause ? "yes" : "no"); break;
    case RF_SHARE:
        if (r->type == RULE_SHARE || r->type == RULE_EXCHANGE)
            buffer_printf(b, "%s, %s", a->parties[r->share_party[0]].code, a->parties[r->share_party[1]].code);
        if (r->type == RULE_SHARE) buffer_printf(b, " at %.15g:%.15g", r->share_weight[0], r->share_weight[1]);
        break;
    case RF_PERIOD: if (r->period_days) buffer_printf(b, "%lld days", (long long)r->period_days); break;
    case RF_TOLERANCE: if (r->type == RULE_SHARE) buffer_printf(b, "%.15g%%", r->tolerance_percent); break;
    case RF_HELD: if (r->held_kind >= 0) buffer_puts(b, a->kinds[r->held_kind].name); break;
    case RF_WHAT: if (r->type != RULE_DECLARATORY) buffer_puts(b, name_or_none(r->text)); break;
    case RF_WINDOW: if (r->type != RULE_DECLARATORY && r->type != RULE_SANCTION) write_window(b, a, &r->window); break;
    case RF_VERIFIERS: write_verifiers(b, a, r); break;
    case RF_QUIET: if (r->quiet_days) buffer_printf(b, "%lld days", (long long)r->quiet_days); break;
    case RF_UNATTRIBUTED: buffer_puts(b, r->any_party ? "yes" : "no"); break;
    case RF_REGISTRY: buffer_puts(b, r->registry_by_any ? "yes" : "no"); break;
    case RF_COUNT: break;
    }
}

static bool field_equal(const agreement_t *oa, const rule_t *o, const agreement_t *na, const rule_t *n, rule_field_t f,
                        char **old_text, char **new_text, draft_diff_t *d) {
    buffer_t ob = {0}, nb = {0};
    write_field(&ob, oa, o, f);
    write_field(&nb, na, n, f);
    bool same = ob.len == nb.len && (!ob.len || !memcmp(ob.data, nb.data, ob.len));
    if (same || !d) {
        buffer_free(&ob);
        buffer_free(&nb);
    } else {
        *old_text = take(d, &ob);
        *new_text = take(d, &nb);
    }
    return same;
}

/* The zone's gain and loss: the areas of new minus old and old minus new. */
static void zone_change(const agreement_t *oa, const rule_t *o, const agreement_t *na, const rule_t *n,
                        draft_change_t *c) {
    const zone_t *oz = o->place >= 0 ? oa->places[o->place].zone : NULL;
    const zone_t *nz = n->place >= 0 ? na->places[n->place].zone : NULL;
    if (!oz || !nz) return;
    diagnostic_t why;
    zone_t *gained = zone_difference(nz, oz, &why), *lost = zone_difference(oz, nz, &why);
    if (gained && lost) {
        c->has_area = true;
        c->km2_gained = zone_area_km2(gained);
        c->km2_lost = zone_area_km2(lost);
    }
    zone_free(gained);
    zone_free(lost);
}

/* How alike two rules of the same type are: the number of equal fields. */
static int likeness(const agreement_t *oa, const rule_t *o, const agreement_t *na, const rule_t *n) {
    if (o->type != n->type) return -1;
    int same = 0;
    for (int f = 0; f < RF_COUNT; f++) same += field_equal(oa, o, na, n, (rule_field_t)f, NULL, NULL, NULL);
    return same;
}

static void rule_changes(draft_diff_t *d, const agreement_t *oa, const point_t *op, const agreement_t *na,
                         const point_t *np, const rule_t *o, const rule_t *n) {
    for (int f = 0; f < RF_COUNT; f++) {
        char *ov, *nv;
        if (field_equal(oa, o, na, n, (rule_field_t)f, &ov, &nv, d)) {
            if (f != RF_ZONE || o->place < 0 || n->place < 0) continue;
            /* Same name, other drawing (a draft may redraw a zone). */
            draft_change_t probe = {0};
            zone_change(oa, o, na, n, &probe);
            if (!probe.has_area || (probe.km2_gained < 0.5 && probe.km2_lost < 0.5)) continue;
            ov = dup(d, oa->places[o->place].name);
            nv = dup(d, na->places[n->place].name);
        }
        draft_change_t *c = add_change(d, DRAFT_RULE_CHANGED, op, np);
        c->rule = o->source_text;
        c->new_rule = n->source_text;
        c->field = field_names[f];
        c->old_value = ov;
        c->new_value = nv;
        if (f == RF_ZONE) zone_change(oa, o, na, n, c);
    }
}

/* Pairs each rule of the new point with the most alike unpaired rule of the
 * old one (same type); the rest were added or removed. Declaratory parts are
 * compared by their reason. */
static void diff_rules(draft_diff_t *d, const agreement_t *oa, const point_t *op, const agreement_t *na,
                       const point_t *np) {
    bool *paired = xcalloc((size_t)op->rule_count + 1, sizeof *paired);
    for (int i = 0; i < np->rule_count; i++) {
        const rule_t *n = &na->rules[np->first_rule + i];
        int best = -1, best_score = -1;
        for (int j = 0; j < op->rule_count; j++) {
            if (paired[j]) continue;
            int score = likeness(oa, &oa->rules[op->first_rule + j], na, n);
            if (score > best_score) best = j, best_score = score;
        }
        if (best < 0) {
            if (n->type != RULE_DECLARATORY) add_change(d, DRAFT_RULE_ADDED, op, np)->rule = n->source_text;
            continue;
        }
        paired[best] = true;
        const rule_t *o = &oa->rules[op->first_rule + best];
        if (n->type == RULE_DECLARATORY) {
            if (strcmp(o->text, n->text)) {
                draft_change_t *c = add_change(d, DRAFT_REASON_CHANGED, op, np);
                c->old_value = o->text;
                c->new_value = n->text;
            }
        } else {
            rule_changes(d, oa, op, na, np, o, n);
        }
    }
    for (int j = 0; j < op->rule_count; j++)
        if (!paired[j] && oa->rules[op->first_rule + j].type != RULE_DECLARATORY)
            add_change(d, DRAFT_RULE_REMOVED, op, np)->rule = oa->rules[op->first_rule + j].source_text;
    free(paired);
}

/* --------------------------------------------------------- consequences */

/* Each action of the point's reactions as a sentence. Points it voids are
 * named by their old label when `old_label` maps them, so that a renumbering
 * alone is no change. */
static int consequences(const agreement_t *a, int point, const agreement_t *old, const int *match, char ***out) {
    int count = 0;
    *out = NULL;
    for (int r = 0; r < a->reaction_count; r++) {
        const reaction_t *reaction = &a->reactions[r];
        if (reaction->point != point) continue;
        for (int i = 0; i < reaction->action_count; i++) {
            const action_t *action = &reaction->actions[i];
            buffer_t b = {0};
            buffer_printf(&b, "on violation%s%s: ", reaction->party >= 0 ? " by " : "",
                          reaction->party >= 0 ? a->parties[reaction->party].code : "");
            if (action->type == ACTION_CONSEQUENCE) {
                buffer_printf(&b, "consequence %s", action->tag);
            } else {
                const char *label = a->points[action->point].label;
                if (match && match[action->point] >= 0) label = old->points[match[action->point]].label;
                buffer_printf(&b, "%s %s", action->type == ACTION_VOID ? "void" : "suspend", label);
                if (action->party >= 0) buffer_printf(&b, " for %s", a->parties[action->party].code);
            }
            *out = xrealloc(*out, (size_t)(count + 1) * sizeof **out);
            buffer_append(&b, "", 1);
            (*out)[count++] = b.data;
        }
    }
    return count;
}

static bool contains(char **list, int count, const char *s) {
    for (int i = 0; i < count; i++)
        if (!strcmp(list[i], s)) return true;
    return false;
}

static void free_list(char **list, int count) {
    for (int i = 0; i < count; i++) free(list[i]);
    free(list);
}

static void diff_consequences(draft_diff_t *d, const agreement_t *oa, int oi, const agreement_t *na, int ni,
                              const int *match) {
    char **old_list, **new_list;
    int old_count = consequences(oa, oi, NULL, NULL, &old_list);
    int new_count = consequences(na, ni, oa, match, &new_list);
    const point_t *op = &oa->points[oi], *np = &na->points[ni];
    for (int i = 0; i < old_count; i++)
        if (!contains(new_list, new_count, old_list[i]))
            add_change(d, DRAFT_CONSEQUENCE_REMOVED, op, np)->old_value = dup(d, old_list[i]);
    for (int i = 0; i < new_count; i++)
        if (!contains(old_list, old_count, new_list[i]))
            add_change(d, DRAFT_CONSEQUENCE_ADDED, op, np)->new_value = dup(d, new_list[i]);
    free_list(old_list, old_count);
    free_list(new_list, new_count);
}

/* ------------------------------------------------------------------ points */

static bool declaratory(const agreement_t *a, const point_t *p) {
    for (int i = 0; i < p->rule_count; i++)
        if (a->rules[p->first_rule + i].type != RULE_DECLARATORY) return false;
    return p->rule_count > 0;
}

static const char *reason(const agreement_t *a, const point_t *p) {
    for (int i = 0; i < p->rule_count; i++)
        if (a->rules[p->first_rule + i].type == RULE_DECLARATORY) return a->rules[p->first_rule + i].text;
    return NULL;
}

static bool same_text(const char *a, const char *b) {
    return !strcmp(a ? a : "", b ? b : "");
}

static void diff_point(draft_diff_t *d, const agreement_t *oa, int oi, const agreement_t *na, int ni, const int *match) {
    const point_t *op = &oa->points[oi], *np = &na->points[ni];
    if (strcmp(op->label, np->label)) add_change(d, DRAFT_POINT_RENUMBERED, op, np);
    if (!same_text(op->title, np->title)) {
        draft_change_t *c = add_change(d, DRAFT_TITLE_CHANGED, op, np);
        c->old_value = op->title;
        c->new_value = np->title;
    }
    if (!same_text(op->text, np->text)) {
        draft_change_t *c = add_change(d, DRAFT_TEXT_CHANGED, op, np);
        c->old_value = op->text;
        c->new_value = np->text;
        c->words = drafts_word_diff(&d->arena, op->text ? op->text : "", np->text ? np->text : "");
    }
    bool was = declaratory(oa, op), is = declaratory(na, np);
    if (was != is) {
        draft_change_t *c = add_change(d, is ? DRAFT_BECAME_DECLARATORY : DRAFT_BECAME_CHECKED, op, np);
        c->old_value = reason(oa, op);
        c->new_value = reason(na, np);
    }
    diff_rules(d, oa, op, na, np);
    diff_consequences(d, oa, oi, na, ni, match);
}

draft_diff_t *drafts_diff(const agreement_t *old, const agreement_t *new) {
    draft_diff_t *d = xcalloc(1, sizeof *d);
    arena_init(&d->arena);
    int *match = drafts_match(old, new);
    bool *seen = xcalloc((size_t)old->point_count + 1, sizeof *seen);
    for (int i = 0; i < new->point_count; i++)
        if (match[i] >= 0) seen[match[i]] = true;
    int next_old = 0; /* removed points are listed where they stood in the old draft */
    for (int i = 0; i < new->point_count; i++) {
        int until = match[i] >= 0 ? match[i] : next_old;
        for (; next_old < until; next_old++)
            if (!seen[next_old]) add_change(d, DRAFT_POINT_REMOVED, &old->points[next_old], NULL);
        if (match[i] >= 0) {
            if (match[i] >= next_old) next_old = match[i] + 1;
            diff_point(d, old, match[i], new, i, match);
        } else {
            add_change(d, DRAFT_POINT_ADDED, NULL, &new->points[i]);
        }
    }
    for (; next_old < old->point_count; next_old++)
        if (!seen[next_old]) add_change(d, DRAFT_POINT_REMOVED, &old->points[next_old], NULL);
    free(seen);
    free(match);
    return d;
}

void draft_diff_free(draft_diff_t *diff) {
    if (!diff) return;
    free(diff->items);
    arena_free(&diff->arena);
    free(diff);
}
