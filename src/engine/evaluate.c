/* evaluate: replays the stored facts in time order against the rules —
 * standing of each report, dates of events, violations, fulfilments, share
 * periods, and the consequences they fire. See replay.h for the lifecycle. */
#include "engine/replay.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_LINES_KEPT 24

const char *replay_time(time_ms_t t) {
    static char buffers[4][32];
    static int next;
    char *b = buffers[next++ & 3];
    if (t == TIME_NONE) strcpy(b, "never");
    else time_format(t, b);
    return b;
}

void norm_trace(norm_t *norm, const char *format, ...) {
    if (++norm->trace_lines > TRACE_LINES_KEPT) return;
    char line[512];
    va_list ap;
    va_start(ap, format);
    vsnprintf(line, sizeof line, format, ap);
    va_end(ap);
    buffer_printf(&norm->trace, "  %s\n", line);
}

norm_t *replay_norm(const replay_t *rp, int rule, int party) {
    return &rp->norms[(size_t)rule * (size_t)rp->agreement->party_count + (size_t)party];
}

/* ----------------------------------------------------------------- standing */

static standing_t intrinsic_standing(const agreement_t *a, const stored_report_t *s) {
    if (s->source_class == SOURCE_COUNCIL || s->source_class == SOURCE_MONITOR) return STANDING_CONFIRMED;
    int speaker = a->sources[s->source].party;
    return s->actor >= 0 && speaker == s->actor ? STANDING_CONFIRMED : STANDING_ALLEGED;
}

typedef struct {
    bool confirmed, disputed;
    int council;          /* 0 none, 1 confirms, -1 disputes: the council's latest word */
    time_ms_t council_time;
    text_t council_key;
} review_t;

/* One stance report's effect on one report it names. */
static void apply_stance(const replay_t *rp, const stored_report_t *stance, const stored_report_t *target,
                         review_t *review) {
    const agreement_t *a = rp->agreement;
    if (stance->source_class == SOURCE_COUNCIL) {
        bool later = stance->time > review->council_time ||
                     (stance->time == review->council_time && text_compare(stance->key, review->council_key) > 0);
        if (review->council == 0 || later) {
            review->council = stance->stance == STANCE_CONFIRMS ? 1 : -1;
            review->council_time = stance->time;
            review->council_key = stance->key;
        }
        return;
    }
    if (stance->stance == STANCE_DISPUTES) {
        if (stance->source != target->source) review->disputed = true;
        return;
    }
    int speaker = a->sources[stance->source].party;
    if (stance->source_class == SOURCE_MONITOR || (speaker >= 0 && speaker == target->actor))
        review->confirmed = true;
}

static void compute_standing(replay_t *rp) {
    engine_t *e = rp->engine;
    review_t *reviews = xcalloc(e->report_count ? e->report_count : 1, sizeof *reviews);
    for (size_t i = 0; i < e->stance_count; i++) {
        const stored_report_t *stance = &e->reports[e->stance_reports[i]];
        if (stance->dead || stance->time > rp->as_of) continue;
        for (uint32_t j = 0; j < stance->ref_count; j++) {
            uint32_t found[16];
            int n = engine_resolve_ref(e, e->refs[stance->first_ref + j], found, 16);
            for (int k = 0; k < n; k++)
                if (found[k] != e->stance_reports[i]) apply_stance(rp, stance, &e->reports[found[k]], &reviews[found[k]]);
        }
    }
    for (size_t i = 0; i < e->report_count; i++) {
        const review_t *r = &reviews[i];
        standing_t s = intrinsic_standing(rp->agreement, &e->reports[i]);
        if (r->council) s = r->council > 0 ? STANDING_CONFIRMED : STANDING_DISPUTED;
        else if (r->disputed) s = STANDING_DISPUTED;
        else if (r->confirmed) s = STANDING_CONFIRMED;
        rp->standing[i] = s;
    }
    free(reviews);
}

/* ------------------------------------------------------------------- events */

static void compute_events(replay_t *rp) {
    const agreement_t *a = rp->agreement;
    engine_t *e = rp->engine;
    for (int i = 0; i < a->event_count; i++) {
        rp->event_time[i] = TIME_NONE;
        rp->event_report[i] = -1;
    }
    for (size_t i = 0; i < e->fact_count; i++) {
        const fact_t *f = &e->facts[i];
        const stored_report_t *s = &e->reports[f->report];
        if (f->type != FACT_EVENT || s->dead || f->time > rp->as_of || rp->standing[f->report] == STANDING_DISPUTED)
            continue;
        time_ms_t *t = &rp->event_time[f->target];
        long *by = &rp->event_report[f->target];
        if (*t == TIME_NONE || f->time < *t || (f->time == *t && text_compare(s->key, e->reports[*by].key) < 0)) {
            *t = f->time;
            *by = f->report;
        }
    }
    for (int i = 0; i < a->event_count; i++) { /* `after` events: declared after their parts */
        const event_t *ev = &a->events[i];
        if (ev->kind >= 0) continue;
        time_ms_t latest = TIME_NONE;
        for (int j = 0; j < ev->after_count; j++) {
            time_ms_t t = rp->event_time[ev->after[j]];
            if (t == TIME_NONE) {
                latest = TIME_NONE;
                break;
            }
            if (latest == TIME_NONE || t > latest) latest = t;
        }
        rp->event_time[i] = latest;
    }
}

time_ms_t replay_rule_start(const replay_t *rp, const rule_t *rule) {
    if (rule->window.start_event < 0) return TIME_BEGINNING;
    return rp->event_time[rule->window.start_event];
}

time_ms_t replay_rule_deadline(const replay_t *rp, const rule_t *rule) {
    const window_t *w = &rule->window;
    if (w->deadline_date != TIME_NONE) return w->deadline_date;
    if (w->deadline_event < 0) return TIME_NONE;
    time_ms_t base = rp->event_time[w->deadline_event];
    if (base == TIME_NONE) return TIME_NONE;
    return time_add_months(time_add_days(base, w->deadline_days), w->deadline_months);
}

/* ------------------------------------------------------------------- order */

/* Facts sort with their report's key beside them: no global state, so
 * evaluations may run on several threads. */
typedef struct {
    fact_t fact;
    text_t key;
} sortable_fact_t;

static int compare_facts(const void *pa, const void *pb) {
    const sortable_fact_t *sa = pa, *sb = pb;
    const fact_t *a = &sa->fact, *b = &sb->fact;
    if (a->time != b->time) return a->time < b->time ? -1 : 1;
    bool ta = a->type == FACT_TIMER, tb = b->type == FACT_TIMER;
    if (ta != tb) return ta ? -1 : 1; /* a period closes before reports at its end time */
    if (ta) return a->target != b->target ? (a->target < b->target ? -1 : 1) : 0;
    int c = text_compare(sa->key, sb->key);
    if (c) return c;
    if (a->target != b->target) return a->target < b->target ? -1 : 1;
    if (a->type != b->type) return a->type < b->type ? -1 : 1;
    return a->party - b->party;
}

static void add_share_timers(const replay_t *rp, sortable_fact_t **order, size_t *count, size_t *capacity) {
    const agreement_t *a = rp->agreement;
    for (int i = 0; i < a->rule_count; i++) {
        const rule_t *rule = &a->rules[i];
        time_ms_t start = replay_rule_start(rp, rule);
        if (rule->type != RULE_SHARE || start == TIME_NONE || start == TIME_BEGINNING) continue;
        time_ms_t period = rule->period_days * MS_PER_DAY;
        for (uint32_t k = 1; start + (time_ms_t)k * period <= rp->as_of && k < 100000; k++) {
            if (*count == *capacity) *order = xrealloc(*order, (*capacity *= 2) * sizeof **order);
            (*order)[(*count)++] = (sortable_fact_t){
                {start + (time_ms_t)k * period, k - 1, (uint16_t)i, 0, FACT_TIMER}, {"", 0}};
        }
    }
}

static sortable_fact_t *ordered_facts(const replay_t *rp, size_t *count) {
    const engine_t *e = rp->engine;
    size_t capacity = e->fact_count + 64, n = 0;
    sortable_fact_t *order = xmalloc(capacity * sizeof *order);
    for (size_t i = 0; i < e->fact_count; i++) {
        const fact_t *f = &e->facts[i];
        if (f->type == FACT_EVENT || f->type == FACT_ASSESSMENT || f->time > rp->as_of || e->reports[f->report].dead)
            continue;
        order[n++] = (sortable_fact_t){*f, e->reports[f->report].key};
    }
    add_share_timers(rp, &order, &n, &capacity);
    qsort(order, n, sizeof *order, compare_facts);
    *count = n;
    return order;
}

/* ------------------------------------------------------------ consequences */

static void add_tag(replay_t *rp, norm_t *norm, const char *tag) {
    for (int i = 0; i < norm->tag_count; i++)
        if (!strcmp(norm->tags[i], tag)) return;
    if (norm->tag_count < 8) norm->tags[norm->tag_count++] = arena_strndup(rp->arena, tag, strlen(tag));
}

static void void_point(replay_t *rp, const action_t *action, int party, time_ms_t t, const char *reason) {
    const agreement_t *a = rp->agreement;
    const point_t *point = &a->points[action->point];
    for (int r = point->first_rule; r < point->first_rule + point->rule_count; r++) {
        if (!(a->rules[r].parties >> party & 1u)) continue;
        norm_t *target = replay_norm(rp, r, party);
        if (target->void_since != TIME_NONE) continue;
        target->void_since = t;
        target->suspended = action->type == ACTION_SUSPEND;
        target->void_reason = arena_strndup(rp->arena, reason, strlen(reason));
        norm_trace(target, "%s %s: %s", replay_time(t), target->suspended ? "suspended" : "void", reason);
    }
}

static void fire_consequences(replay_t *rp, const rule_t *rule, int party, norm_t *norm, time_ms_t t,
                              const stored_report_t *evidence) {
    const agreement_t *a = rp->agreement;
    const point_t *point = &a->points[rule->point];
    char reason[256];
    snprintf(reason, sizeof reason, "%s violated point %s on %s (%s)", a->parties[party].code, point->label,
             replay_time(t), evidence->key.ptr);
    for (int i = 0; i < a->reaction_count; i++) {
        const reaction_t *reaction = &a->reactions[i];
        if (reaction->point != rule->point || (reaction->party >= 0 && reaction->party != party)) continue;
        for (int j = 0; j < reaction->action_count; j++) {
            const action_t *action = &reaction->actions[j];
            char tag[96];
            if (action->type == ACTION_CONSEQUENCE) {
                add_tag(rp, norm, action->tag);
                norm_trace(norm, "consequence: %s", action->tag);
                continue;
            }
            int target = action->party >= 0 ? action->party : party;
            snprintf(tag, sizeof tag, "%s:%s/%s", action->type == ACTION_VOID ? "void" : "suspend",
                     a->points[action->point].label, a->parties[target].code);
            add_tag(rp, norm, tag);
            norm_trace(norm, "consequence: point %s %s for %s", a->points[action->point].label,
                       action->type == ACTION_VOID ? "void" : "suspended", a->parties[target].code);
            void_point(rp, action, target, t, reason);
        }
    }
    if (rp->party_first_violation[party] == TIME_NONE || t < rp->party_first_violation[party])
        rp->party_first_violation[party] = t;
    int *points = &rp->violated_points[(size_t)party * (size_t)a->point_count];
    int *count = &rp->violated_count[party];
    for (int i = 0; i < *count; i++)
        if (points[i] == rule->point) return;
    points[(*count)++] = rule->point;
}

void replay_violated_points(const replay_t *rp, int party, char *out, size_t size) {
    const int *points = &rp->violated_points[(size_t)party * (size_t)rp->agreement->point_count];
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < rp->violated_count[party] && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, "%s%s", i ? ", " : "", rp->agreement->points[points[i]].label);
}

static void keep_evidence(norm_t *norm, uint32_t report) {
    norm->evidence_total++;
    for (int i = 0; i < norm->evidence_count; i++)
        if (norm->evidence[i] == report) return;
    if (norm->evidence_count < EVIDENCE_KEPT) norm->evidence[norm->evidence_count++] = report;
}

static void record_violation(replay_t *rp, int rule_index, int party, time_ms_t t, uint32_t report,
                             standing_t standing) {
    const rule_t *rule = &rp->agreement->rules[rule_index];
    norm_t *norm = replay_norm(rp, rule_index, party);
    const stored_report_t *s = &rp->engine->reports[report];
    norm->violations++;
    if (norm->first_violation == TIME_NONE) norm->first_violation = t;
    if (standing > norm->best) norm->best = standing;
    keep_evidence(norm, report);
    norm_trace(norm, "%s %s: violation (%s)", replay_time(t), s->key.ptr, standing_name(standing));
    if (standing != STANDING_CONFIRMED) return;
    if (norm->first_confirmed == TIME_NONE) norm->first_confirmed = t;
    if (!norm->fired) {
        norm->fired = true;
        fire_consequences(rp, rule, party, norm, t, s);
    }
}

/* ------------------------------------------------------------------- facts */

static bool compares_ok(const rule_t *rule, double value) {
    switch (rule->comparison) {
    case COMPARE_AT_MOST: return value <= rule->bound;
    case COMPARE_BELOW: return value < rule->bound;
    case COMPARE_AT_LEAST: return value >= rule->bound;
    case COMPARE_ABOVE: return value > rule->bound;
    }
    return true;
}

static void on_limit(replay_t *rp, const fact_t *f, norm_t *norm, const stored_report_t *s, standing_t standing) {
    const rule_t *rule = &rp->agreement->rules[f->target];
    norm->has_latest = true;
    norm->latest_time = f->time;
    norm->latest_value = s->value;
    if (compares_ok(rule, s->value)) {
        norm->breach_since = TIME_NONE;
        norm_trace(norm, "%s %s: reading %.0f within the limit (%s)", replay_time(f->time), s->key.ptr, s->value,
                   standing_name(standing));
        return;
    }
    if (norm->breach_since == TIME_NONE) norm->breach_since = f->time;
    record_violation(rp, f->target, f->party, f->time, f->report, standing);
}

static void on_require(norm_t *norm, const fact_t *f, const stored_report_t *s, standing_t standing) {
    if (norm->fulfilled_at != TIME_NONE && standing <= norm->best) return;
    if (norm->fulfilled_at == TIME_NONE) norm->fulfilled_at = f->time;
    if (standing > norm->best) norm->best = standing;
    keep_evidence(norm, f->report);
    norm_trace(norm, "%s %s: fulfils the obligation (%s)", replay_time(f->time), s->key.ptr, standing_name(standing));
}

static void on_exchange(replay_t *rp, const fact_t *f, norm_t *norm, const stored_report_t *s, standing_t standing) {
    if (f->type == FACT_HELD) {
        norm->held = s->value; /* the latest registry figure wins */
        norm->has_held = true;
        norm_trace(norm, "%s %s: registry: %.0f held by %s", replay_time(f->time), s->key.ptr, s->value,
                   rp->agreement->parties[f->party].code);
    } else {
        norm->released += s->value;
        norm_trace(norm, "%s %s: %.0f released (%s), %.0f in all", replay_time(f->time), s->key.ptr, s->value,
                   standing_name(standing), norm->released);
    }
    keep_evidence(norm, f->report);
    if (standing > norm->best) norm->best = standing;
    if (norm->has_held && norm->released >= norm->held && norm->fulfilled_at == TIME_NONE) norm->fulfilled_at = f->time;
    if (norm->has_held && norm->released < norm->held) norm->fulfilled_at = TIME_NONE;
}

static void on_share(replay_t *rp, const fact_t *f, const stored_report_t *s, standing_t standing) {
    const rule_t *rule = &rp->agreement->rules[f->target];
    share_state_t *share = &rp->shares[f->target];
    int which = f->party == rule->share_party[0] ? 0 : 1;
    share->sums[which] += s->value;
    share->reports++;
    if (standing > share->best) share->best = standing;
    if (share->evidence_count < EVIDENCE_KEPT) share->evidence[share->evidence_count++] = f->report;
}

/* The end of a share period: each party's share against its weight. */
static void close_share_period(replay_t *rp, const fact_t *timer) {
    const agreement_t *a = rp->agreement;
    const rule_t *rule = &a->rules[timer->target];
    share_state_t *share = &rp->shares[timer->target];
    double total = share->sums[0] + share->sums[1];
    double weights = rule->share_weight[0] + rule->share_weight[1];
    share->periods_closed++;
    share->last_total = total;
    share->last_end = timer->time;
    for (int i = 0; i < 2; i++) {
        norm_t *norm = replay_norm(rp, timer->target, rule->share_party[i]);
        double got = total > 0 ? 100.0 * share->sums[i] / total : 0, due = 100.0 * rule->share_weight[i] / weights;
        share->last_share[i] = got;
        share->last_breach[i] = total > 0 && got > due + rule->tolerance_percent;
        if (total <= 0) {
            norm_trace(norm, "%s period %u closed: nothing delivered", replay_time(timer->time), timer->report + 1);
            continue;
        }
        norm_trace(norm, "%s period %u closed: %s received %.1f%% (due %.1f%% +/- %.1f)", replay_time(timer->time),
                   timer->report + 1, a->parties[rule->share_party[i]].code, got, due, rule->tolerance_percent);
        if (!share->last_breach[i]) norm->breach_since = TIME_NONE;
        else if (norm->breach_since == TIME_NONE) norm->breach_since = timer->time;
        if (norm->void_since == TIME_NONE && got > due + rule->tolerance_percent && share->evidence_count) {
            record_violation(rp, timer->target, rule->share_party[i], timer->time, share->evidence[0], share->best);
            for (int k = 1; k < share->evidence_count; k++) keep_evidence(norm, share->evidence[k]);
        }
    }
    memset(share->sums, 0, sizeof share->sums);
    share->evidence_count = 0;
    share->reports = 0;
    share->best = STANDING_NONE;
}

static void replay_fact(replay_t *rp, const fact_t *f) {
    const rule_t *rule = &rp->agreement->rules[f->target];
    if (f->type == FACT_TIMER) {
        close_share_period(rp, f);
        return;
    }
    norm_t *norm = replay_norm(rp, f->target, f->party);
    const stored_report_t *s = &rp->engine->reports[f->report];
    standing_t standing = rp->standing[f->report];
    time_ms_t start = replay_rule_start(rp, rule);
    /* A registry of who is held is a state, not an act: one filed before the
     * exchange took effect still says how many are held. */
    bool before_start = f->type != FACT_HELD && (start == TIME_NONE || f->time < start);
    if (before_start) {
        norm_trace(norm, "%s %s: before the rule took effect, not counted", replay_time(f->time), s->key.ptr);
        return;
    }
    if (norm->void_since != TIME_NONE && f->time >= norm->void_since) return;
    switch (rule->type) {
    case RULE_FORBID: record_violation(rp, f->target, f->party, f->time, f->report, standing); break;
    case RULE_REQUIRE: on_require(norm, f, s, standing); break;
    case RULE_LIMIT: on_limit(rp, f, norm, s, standing); break;
    case RULE_EXCHANGE: on_exchange(rp, f, norm, s, standing); break;
    case RULE_SHARE: on_share(rp, f, s, standing); break;
    default: break;
    }
}

/* ---------------------------------------------------------------- the run */

void replay_run(replay_t *rp) {
    engine_t *e = rp->engine;
    const agreement_t *a = rp->agreement;
    size_t norm_count = (size_t)a->rule_count * (size_t)a->party_count;
    rp->standing = xcalloc(e->report_count ? e->report_count : 1, sizeof *rp->standing);
    rp->event_time = xcalloc((size_t)a->event_count + 1, sizeof *rp->event_time);
    rp->event_report = xcalloc((size_t)a->event_count + 1, sizeof *rp->event_report);
    rp->norms = xcalloc(norm_count + 1, sizeof *rp->norms);
    rp->shares = xcalloc((size_t)a->rule_count + 1, sizeof *rp->shares);
    rp->party_first_violation = xcalloc((size_t)a->party_count, sizeof *rp->party_first_violation);
    rp->violated_points = xcalloc((size_t)a->party_count * (size_t)(a->point_count + 1), sizeof *rp->violated_points);
    rp->violated_count = xcalloc((size_t)a->party_count, sizeof *rp->violated_count);
    for (int p = 0; p < a->party_count; p++) rp->party_first_violation[p] = TIME_NONE;
    for (size_t i = 0; i < norm_count; i++) {
        norm_t *n = &rp->norms[i];
        n->void_since = n->first_violation = n->first_confirmed = n->fulfilled_at = TIME_NONE;
        n->latest_time = n->breach_since = TIME_NONE;
    }
    compute_standing(rp);
    compute_events(rp);
    size_t count;
    sortable_fact_t *order = ordered_facts(rp, &count);
    for (size_t i = 0; i < count; i++) replay_fact(rp, &order[i].fact);
    free(order);
}

void replay_free(replay_t *rp) {
    size_t norm_count = (size_t)rp->agreement->rule_count * (size_t)rp->agreement->party_count;
    for (size_t i = 0; i < norm_count; i++) buffer_free(&rp->norms[i].trace);
    free(rp->standing);
    free(rp->event_time);
    free(rp->event_report);
    free(rp->norms);
    free(rp->shares);
    free(rp->party_first_violation);
    free(rp->violated_points);
    free(rp->violated_count);
}
