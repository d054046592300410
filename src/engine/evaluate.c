/* evaluate: replays the stored facts in time order against the rules —
 * standing of each report, dates of events, violations, fulfilments, share
 * periods, and the consequences they fire. See replay.h for the lifecycle. */
#define _GNU_SOURCE /* qsort_r: the comparison reads the engine it is given */
#include "engine/verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_LINES_KEPT 24
/* Formats a trace line only while the trace has room: the arguments
 * (formatted times) cost more than the check on the hot path. */
#define TRACE(norm, ...)                                                                  \
    do {                                                                                  \
        if ((norm)->trace_lines < TRACE_LINES_KEPT) norm_trace((norm), __VA_ARGS__);      \
        else (norm)->trace_lines++;                                                       \
    } while (0)

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
    return &rp->norms[(size_t)rule * (size_t)rp->party_slots + (size_t)party];
}

void replay_duration(time_ms_t ms, char *out, size_t size) {
    long long minutes = ms / 60000, days = minutes / 1440, hours = minutes % 1440 / 60, rest = minutes % 60;
    size_t n = 0;
    out[0] = '\0';
    if (days) n += (size_t)snprintf(out + n, size - n, "%lld day%s", days, days == 1 ? "" : "s");
    if (hours && n < size) n += (size_t)snprintf(out + n, size - n, "%s%lld hour%s", n ? " " : "", hours, hours == 1 ? "" : "s");
    if ((rest || !n) && n < size) snprintf(out + n, size - n, "%s%lld minute%s", n ? " " : "", rest, rest == 1 ? "" : "s");
}

/* ------------------------------------------------------------------- events */

static time_ms_t last_of(const replay_t *rp, const event_t *ev);
static time_ms_t first_of(const replay_t *rp, const event_t *ev);

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
        if (f->type != FACT_EVENT || s->dead || f->time > rp->as_of || replay_judge(rp, f->report, NULL).standing == STANDING_DISPUTED)
            continue;
        time_ms_t *t = &rp->event_time[f->target];
        long *by = &rp->event_report[f->target];
        if (*t == TIME_NONE || f->time < *t || (f->time == *t && text_compare(s->key, e->reports[*by].key) < 0)) {
            *t = f->time;
            *by = f->report;
        }
    }
    /* Events not dated by reports come after the events they name. */
    for (int i = 0; i < a->event_count; i++) {
        const event_t *ev = &a->events[i];
        if (ev->kind >= 0) continue;
        if (ev->at != TIME_NONE) rp->event_time[i] = ev->at;
        else if (ev->base >= 0)
            rp->event_time[i] = rp->event_time[ev->base] == TIME_NONE ? TIME_NONE
                                                                      : time_add_days(rp->event_time[ev->base], ev->offset_days);
        else rp->event_time[i] = ev->first ? first_of(rp, ev) : last_of(rp, ev);
    }
}

/* `after`: the latest of the parts, once every part is dated. */
static time_ms_t last_of(const replay_t *rp, const event_t *ev) {
    time_ms_t latest = TIME_NONE;
    for (int j = 0; j < ev->after_count; j++) {
        time_ms_t t = rp->event_time[ev->after[j]];
        if (t == TIME_NONE) return TIME_NONE;
        if (latest == TIME_NONE || t > latest) latest = t;
    }
    return latest;
}

/* `first of`: the earliest part that has happened by the clock; while none
 * has, the earliest only if every part is dated (a later report could still
 * date an undated part earlier than a dated future one). */
static time_ms_t first_of(const replay_t *rp, const event_t *ev) {
    time_ms_t earliest = TIME_NONE, earliest_past = TIME_NONE;
    bool all_dated = true;
    for (int j = 0; j < ev->after_count; j++) {
        time_ms_t t = rp->event_time[ev->after[j]];
        if (t == TIME_NONE) {
            all_dated = false;
            continue;
        }
        if (earliest == TIME_NONE || t < earliest) earliest = t;
        if (t <= rp->as_of && (earliest_past == TIME_NONE || t < earliest_past)) earliest_past = t;
    }
    return earliest_past != TIME_NONE ? earliest_past : all_dated ? earliest : TIME_NONE;
}

/* A start the clock has not reached (a date, an event plus days) is not yet one. */
time_ms_t replay_rule_start(const replay_t *rp, const rule_t *rule) {
    if (rule->window.start_event < 0) return TIME_BEGINNING;
    time_ms_t start = rp->event_time[rule->window.start_event];
    return start != TIME_NONE && start > rp->as_of ? TIME_NONE : start;
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

/* Facts sort by time, then by their report's "source/id" key (read through
 * the engine passed to qsort_r: no global state, so evaluations may run on
 * several threads), then rule and party. 16 bytes a fact: one is kept per
 * incident, and the sort copies them once more. */
static int compare_facts(const void *pa, const void *pb, void *context) {
    const engine_t *e = context;
    const fact_t *a = pa, *b = pb;
    if (a->time != b->time) return a->time < b->time ? -1 : 1;
    bool ta = a->type == FACT_TIMER, tb = b->type == FACT_TIMER;
    if (ta != tb) return ta ? -1 : 1; /* a period closes before reports at its end time */
    if (ta) return a->target != b->target ? (a->target < b->target ? -1 : 1) : 0;
    int c = text_compare(e->reports[a->report].key, e->reports[b->report].key);
    if (c) return c;
    if (a->target != b->target) return a->target < b->target ? -1 : 1;
    if (a->type != b->type) return a->type < b->type ? -1 : 1;
    return (int)a->party - (int)b->party;
}

typedef struct {
    fact_t *items;
    size_t count, capacity;
} fact_list_t;

static void push_fact(fact_list_t *list, fact_t fact) {
    if (list->count == list->capacity) list->items = xrealloc(list->items, (list->capacity *= 2) * sizeof *list->items);
    list->items[list->count++] = fact;
}

static void add_share_timers(const replay_t *rp, fact_list_t *list) {
    const agreement_t *a = rp->agreement;
    for (int i = 0; i < a->rule_count; i++) {
        const rule_t *rule = &a->rules[i];
        time_ms_t start = replay_rule_start(rp, rule);
        if (rule->type != RULE_SHARE || start == TIME_NONE || start == TIME_BEGINNING) continue;
        time_ms_t period = rule->period_days * MS_PER_DAY;
        for (uint32_t k = 1; start + (time_ms_t)k * period <= rp->as_of && k < 100000; k++)
            push_fact(list, (fact_t){start + (time_ms_t)k * period, k - 1, (uint32_t)i, 0, FACT_TIMER});
    }
}

/* A claim of fulfilment that a verifier confirmed later counts as verified
 * only from then: a second fact marks that moment. */
static bool verified_later(const replay_t *rp, const fact_t *f, const judgement_t *j) {
    const rule_t *rule = &rp->agreement->rules[f->target];
    if (f->type != FACT_RULE || (rule->type != RULE_REQUIRE && rule->type != RULE_EXCHANGE)) return false;
    return j->standing == STANDING_CONFIRMED && j->verified_at > f->time && j->verified_at <= rp->as_of;
}

static fact_t *ordered_facts(const replay_t *rp, size_t *count) {
    const engine_t *e = rp->engine;
    fact_list_t list = {xmalloc((e->fact_count + 64) * sizeof *list.items), 0, e->fact_count + 64};
    for (size_t i = 0; i < e->fact_count; i++) {
        const fact_t *f = &e->facts[i];
        if (f->type == FACT_EVENT || f->type == FACT_ASSESSMENT || f->time > rp->as_of || e->reports[f->report].dead)
            continue;
        push_fact(&list, *f);
        if (f->type != FACT_RULE) continue;
        judgement_t j = replay_judge(rp, f->report, &rp->agreement->rules[f->target]);
        if (verified_later(rp, f, &j)) {
            fact_t verified = *f;
            verified.time = j.verified_at;
            verified.type = FACT_VERIFIED;
            push_fact(&list, verified);
        }
    }
    add_share_timers(rp, &list);
    qsort_r(list.items, list.count, sizeof *list.items, compare_facts, (void *)e);
    *count = list.count;
    return list.items;
}

/* ----------------------------------------------------------------- history */

static void history_push(norm_t *n, ruling_change_t change) {
    if (n->history_count) {
        const ruling_change_t *last = &n->history[n->history_count - 1];
        if (last->status == change.status && last->standing == change.standing && last->ended == change.ended) return;
    }
    if (n->history_count == n->history_capacity) {
        n->history_capacity = n->history_capacity ? n->history_capacity * 2 : 4;
        n->history = xrealloc(n->history, (size_t)n->history_capacity * sizeof *n->history);
    }
    n->history[n->history_count++] = change;
}

/* Records the norm's status as of `now` if it changed, dated `at`. */
static void observe(const replay_t *rp, int rule, int party, time_ms_t now, time_ms_t at) {
    verdict_t v = {.silent = true};
    verdict_at(rp, rule, party, now, &v);
    history_push(replay_norm(rp, rule, party),
                 (ruling_change_t){at, v.status, v.standing, v.respected_since != TIME_NONE && v.status == STATUS_VIOLATED});
}

/* Changes that happen by the clock alone — a deadline passing, a quiet
 * period ending a breach — recorded before anything at time t. */
static void catch_up(const replay_t *rp, int rule_index, int party, time_ms_t t) {
    const rule_t *rule = &rp->agreement->rules[rule_index];
    norm_t *n = replay_norm(rp, rule_index, party);
    time_ms_t deadline = replay_rule_deadline(rp, rule);
    if (!n->deadline_noted && deadline != TIME_NONE && deadline < t) {
        n->deadline_noted = true;
        observe(rp, rule_index, party, deadline + 1, deadline);
    }
    if (rule->quiet_days && !n->quiet_noted && n->last_incident != TIME_NONE) {
        time_ms_t quiet_end = n->last_incident + rule->quiet_days * MS_PER_DAY;
        if (quiet_end <= t) {
            n->quiet_noted = true;
            observe(rp, rule_index, party, quiet_end, quiet_end);
        }
    }
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
        catch_up(rp, r, party, t);
        target->void_since = t;
        target->suspended = action->type == ACTION_SUSPEND;
        target->void_reason = arena_strndup(rp->arena, reason, strlen(reason));
        TRACE(target, "%s %s: %s", replay_time(t), target->suspended ? "suspended" : "void", reason);
        observe(rp, r, party, t, t);
    }
}

/* Sanctions follow any confirmed violation: their norms change too. */
static void observe_sanctions(replay_t *rp, int party, time_ms_t t) {
    const agreement_t *a = rp->agreement;
    for (int r = 0; r < a->rule_count; r++)
        if (a->rules[r].type == RULE_SANCTION && (a->rules[r].parties >> party & 1u)) observe(rp, r, party, t, t);
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
                TRACE(norm, "consequence: %s", action->tag);
                continue;
            }
            int target = action->party >= 0 ? action->party : party;
            snprintf(tag, sizeof tag, "%s:%s/%s", action->type == ACTION_VOID ? "void" : "suspend",
                     a->points[action->point].label, a->parties[target].code);
            add_tag(rp, norm, tag);
            TRACE(norm, "consequence: point %s %s for %s", a->points[action->point].label,
                  action->type == ACTION_VOID ? "void" : "suspended", a->parties[target].code);
            void_point(rp, action, target, t, reason);
        }
    }
    if (rp->party_first_violation[party] == TIME_NONE || t < rp->party_first_violation[party])
        rp->party_first_violation[party] = t;
    int *points = &rp->violated_points[(size_t)party * (size_t)a->point_count];
    int *count = &rp->violated_count[party];
    bool known = false;
    for (int i = 0; i < *count; i++) known |= points[i] == rule->point;
    if (!known) points[(*count)++] = rule->point;
    observe_sanctions(rp, party, t);
}

void replay_violated_points(const replay_t *rp, int party, char *out, size_t size) {
    const int *points = &rp->violated_points[(size_t)party * (size_t)rp->agreement->point_count];
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < rp->violated_count[party] && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, "%s%s", i ? ", " : "", rp->agreement->points[points[i]].label);
}

/* --------------------------------------------------------------- incidents */

/* The ruling lists a few incidents: the first ones, and always the latest
 * in the last place. Every incident is counted. */
static void keep_evidence(norm_t *norm, uint32_t report) {
    for (int i = 0; i < norm->evidence_count; i++)
        if (norm->evidence[i] == report) return;
    if (norm->evidence_count < EVIDENCE_KEPT) norm->evidence[norm->evidence_count++] = report;
    else norm->evidence[EVIDENCE_KEPT - 1] = report;
}

static void remember(uint32_t *set, int size, uint32_t value) {
    if (!value) return;
    for (int i = 0; i < size; i++) {
        if (set[i] == value) return;
        if (!set[i]) {
            set[i] = value;
            return;
        }
    }
}

static const char *key_of(const replay_t *rp, uint32_t index_plus_one) {
    return index_plus_one ? rp->engine->reports[index_plus_one - 1].key.ptr : NULL;
}

/* Counts one incident on its norm and, when asked for, lists it. */
static void note_incident(replay_t *rp, const fact_t *f, norm_t *norm, const judgement_t *j, standing_t standing,
                          const char *role, bool counted) {
    const stored_report_t *s = &rp->engine->reports[f->report];
    if (counted) {
        norm->counts[standing]++;
        if (norm->first_by[standing] == TIME_NONE) norm->first_by[standing] = f->time;
        if (norm->first_incident == TIME_NONE) norm->first_incident = f->time;
        norm->last_incident = f->time;
        norm->quiet_noted = false;
        keep_evidence(norm, f->report);
        uint32_t confirmer = j->confirmed_by ? j->confirmed_by : f->report + 1;
        if (standing == STANDING_CONFIRMED) remember(norm->confirmers, 4, confirmer);
        remember(norm->disputers, 4, j->disputed_by);
        remember(norm->contesters, 4, j->contested_by);
    }
    if (!rp->incidents) return;
    incidents_t *list = rp->incidents;
    if ((list->count & (list->count - 1)) == 0 || list->count == 0)
        list->items = xrealloc(list->items, (list->count ? list->count * 2 : 64) * sizeof *list->items);
    const rule_t *rule = &rp->agreement->rules[f->target];
    bool own_word = !j->confirmed_by && standing == STANDING_CONFIRMED;
    list->items[list->count++] = (incident_t){
        .time = f->time, .point = rule->point, .rule = (int)f->target,
        .party = f->party == UNATTRIBUTED_PARTY ? RULING_UNATTRIBUTED : (int)f->party, .standing = standing,
        .key = s->key.ptr, .confirmed_by = own_word ? s->key.ptr : key_of(rp, j->confirmed_by),
        .disputed_by = key_of(rp, j->disputed_by), .contested_by = key_of(rp, j->contested_by), .role = role,
        .counted = counted, .kind = s->kind, .has_at = s->has_at, .has_value = s->has_value, .lon = s->lon,
        .lat = s->lat, .value = s->value};
}

/* ------------------------------------------------------------------- facts */

static void record_violation(replay_t *rp, int rule_index, int party, time_ms_t t, uint32_t report,
                             standing_t standing) {
    const rule_t *rule = &rp->agreement->rules[rule_index];
    norm_t *norm = replay_norm(rp, rule_index, party);
    const stored_report_t *s = &rp->engine->reports[report];
    norm->violations++;
    if (standing > norm->best) norm->best = standing;
    if (s->actor_member && party < rp->agreement->party_count) /* a side of several members: say which one acted */
        TRACE(norm, "%s %s: violation by %s of %s (%s)", replay_time(t), s->key.ptr,
              rp->agreement->members[s->actor_member - 1].code, rp->agreement->parties[party].code,
              standing_name(standing));
    else
        TRACE(norm, "%s %s: violation (%s)", replay_time(t), s->key.ptr, standing_name(standing));
    if (standing != STANDING_CONFIRMED || party >= rp->agreement->party_count) return; /* unattributed: no one to hold */
    if (!norm->fired) {
        norm->fired = true;
        fire_consequences(rp, rule, party, norm, t, s);
    }
}

static bool compares_ok(const rule_t *rule, double value) {
    switch (rule->comparison) {
    case COMPARE_AT_MOST: return value <= rule->bound;
    case COMPARE_BELOW: return value < rule->bound;
    case COMPARE_AT_LEAST: return value >= rule->bound;
    case COMPARE_ABOVE: return value > rule->bound;
    }
    return true;
}

static void on_limit(replay_t *rp, const fact_t *f, int party, norm_t *norm, const judgement_t *j) {
    const rule_t *rule = &rp->agreement->rules[f->target];
    const stored_report_t *s = &rp->engine->reports[f->report];
    bool within = compares_ok(rule, s->value);
    standing_t standing = within ? j->standing : j->as_violation;
    note_incident(rp, f, norm, j, standing, within ? "reading" : "violation", true);
    if (standing == STANDING_DISPUTED && within) { /* a disputed reading says nothing about compliance */
        TRACE(norm, "%s %s: reading %.0f, disputed: not counted", replay_time(f->time), s->key.ptr, s->value);
        return;
    }
    norm->has_latest = true;
    norm->latest_time = f->time;
    norm->latest_value = s->value;
    norm->latest_standing = standing;
    if (within) {
        norm->breach_since = TIME_NONE;
        TRACE(norm, "%s %s: reading %.0f within the limit (%s)", replay_time(f->time), s->key.ptr, s->value,
              standing_name(standing));
        return;
    }
    if (norm->breach_since == TIME_NONE) norm->breach_since = f->time;
    record_violation(rp, (int)f->target, party, f->time, f->report, standing);
}

/* An obligation: a claim or an allegation of fulfilment waits for a
 * verifier; a verified report (or the moment a claim is verified) fulfils. */
static void on_require(replay_t *rp, const fact_t *f, norm_t *norm, const judgement_t *j) {
    const stored_report_t *s = &rp->engine->reports[f->report];
    if (f->type == FACT_VERIFIED) {
        if (norm->fulfilled_at != TIME_NONE) return;
        norm->fulfilled_at = f->time;
        norm->fulfilled_act = s->time;
        norm->best = STANDING_CONFIRMED;
        TRACE(norm, "%s %s: verified (%s), the obligation is fulfilled", replay_time(f->time), s->key.ptr,
              key_of(rp, j->confirmed_by) ? key_of(rp, j->confirmed_by) : "");
        return;
    }
    note_incident(rp, f, norm, j, j->standing, "fulfilment", true);
    if (j->standing == STANDING_DISPUTED) {
        if (!norm->disputed_claim) norm->disputed_claim = f->report + 1;
        TRACE(norm, "%s %s: claims fulfilment, disputed by %s: fulfils nothing", replay_time(f->time), s->key.ptr,
              key_of(rp, j->disputed_by));
        return;
    }
    if (j->standing == STANDING_CONFIRMED && j->verified_at <= f->time) {
        if (norm->fulfilled_at == TIME_NONE) {
            norm->fulfilled_at = f->time;
            norm->fulfilled_act = f->time;
        }
        norm->best = STANDING_CONFIRMED;
    } else if (norm->claimed_at == TIME_NONE) {
        norm->claimed_at = f->time;
        if (j->standing > norm->best) norm->best = j->standing;
    }
    TRACE(norm, "%s %s: %s (%s)", replay_time(f->time), s->key.ptr,
          j->standing == STANDING_CONFIRMED && j->verified_at <= f->time ? "fulfils the obligation" : "claims fulfilment",
          standing_name(j->standing));
}

/* All for all: a registry says who is held as of its time, so releases
 * count from the latest registry on. Registries come from verifiers unless
 * the rule says `registry by any`; a disputed one counts for nothing. */
static void on_exchange(replay_t *rp, const fact_t *f, int party, norm_t *norm, const judgement_t *j) {
    const rule_t *rule = &rp->agreement->rules[f->target];
    const stored_report_t *s = &rp->engine->reports[f->report];
    if (f->type == FACT_HELD) {
        bool trusted = rule->registry_by_any || replay_is_verifier(rp->agreement, rule, s->source);
        note_incident(rp, f, norm, j, j->standing, "registry", trusted && j->standing != STANDING_DISPUTED);
        if (!trusted || j->standing == STANDING_DISPUTED) {
            TRACE(norm, "%s %s: registry of %.0f held by %s %s: not counted", replay_time(f->time), s->key.ptr,
                  s->value, rp->agreement->parties[party].code, trusted ? "disputed" : "not from a verifier");
            return;
        }
        norm->held = s->value;
        norm->held_time = f->time;
        norm->has_held = true;
        norm->released = norm->released_claimed = 0;
        norm->fulfilled_at = norm->claimed_at = TIME_NONE;
        TRACE(norm, "%s %s: registry: %.0f held by %s; releases count from here", replay_time(f->time), s->key.ptr,
              s->value, rp->agreement->parties[party].code);
    } else if (f->type == FACT_VERIFIED) {
        if (norm->has_held && s->time < norm->held_time) return; /* counted in a later registry */
        norm->released_claimed -= s->value;
        norm->released += s->value;
        TRACE(norm, "%s %s: release of %.0f verified", replay_time(f->time), s->key.ptr, s->value);
    } else {
        note_incident(rp, f, norm, j, j->standing, "release", j->standing != STANDING_DISPUTED);
        if (j->standing == STANDING_DISPUTED) return;
        bool verified = j->standing == STANDING_CONFIRMED && j->verified_at <= f->time;
        *(verified ? &norm->released : &norm->released_claimed) += s->value;
        if (j->standing > norm->best) norm->best = j->standing;
        TRACE(norm, "%s %s: %.0f released (%s)", replay_time(f->time), s->key.ptr, s->value,
              verified ? "verified" : standing_name(j->standing));
    }
    if (!norm->has_held) return;
    if (norm->released >= norm->held && norm->fulfilled_at == TIME_NONE) {
        norm->fulfilled_at = f->time;
        norm->fulfilled_act = f->type == FACT_VERIFIED ? s->time : f->time;
    }
    if (norm->released + norm->released_claimed >= norm->held && norm->claimed_at == TIME_NONE)
        norm->claimed_at = f->time;
}

static void on_share(replay_t *rp, const fact_t *f, norm_t *norm, const judgement_t *j) {
    const rule_t *rule = &rp->agreement->rules[f->target];
    share_state_t *share = &rp->shares[f->target];
    const stored_report_t *s = &rp->engine->reports[f->report];
    int which = (int)f->party == rule->share_party[0] ? 0 : 1;
    note_incident(rp, f, norm, j, j->as_violation, "delivery", true);
    share->sums[which] += s->value;
    share->reports++;
    if (j->as_violation > share->best) share->best = j->as_violation;
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
        int party = rule->share_party[i];
        norm_t *norm = replay_norm(rp, (int)timer->target, party);
        catch_up(rp, (int)timer->target, party, timer->time);
        double got = total > 0 ? 100.0 * share->sums[i] / total : 0, due = 100.0 * rule->share_weight[i] / weights;
        share->last_share[i] = got;
        share->last_breach[i] = total > 0 && got > due + rule->tolerance_percent;
        if (total <= 0) {
            TRACE(norm, "%s period %u closed: nothing delivered", replay_time(timer->time), timer->report + 1);
        } else {
            TRACE(norm, "%s period %u closed: %s received %.1f%% (due %.1f%% +/- %.1f)", replay_time(timer->time),
                  timer->report + 1, a->parties[party].code, got, due, rule->tolerance_percent);
            if (!share->last_breach[i]) norm->breach_since = TIME_NONE;
            else if (norm->breach_since == TIME_NONE) norm->breach_since = timer->time;
            if (norm->void_since == TIME_NONE && share->last_breach[i] && share->evidence_count) {
                record_violation(rp, (int)timer->target, party, timer->time, share->evidence[0], share->best);
                for (int k = 0; k < share->evidence_count; k++) /* its own deliveries: its incidents */
                    if (rp->engine->reports[share->evidence[k]].to == party) keep_evidence(norm, share->evidence[k]);
            }
        }
        observe(rp, (int)timer->target, party, timer->time, timer->time);
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
    int party = f->party == UNATTRIBUTED_PARTY ? rp->agreement->party_count : (int)f->party;
    norm_t *norm = replay_norm(rp, (int)f->target, party);
    const stored_report_t *s = &rp->engine->reports[f->report];
    judgement_t j = replay_judge(rp, f->report, rule);
    time_ms_t start = replay_rule_start(rp, rule);
    catch_up(rp, (int)f->target, party, f->time);
    /* A registry of who is held is a state, not an act: one filed before the
     * exchange took effect still says how many are held. */
    bool before_start = f->type != FACT_HELD && (start == TIME_NONE || f->time < start);
    bool after_void = norm->void_since != TIME_NONE && f->time >= norm->void_since;
    if (before_start || after_void) {
        if (f->type != FACT_VERIFIED) note_incident(rp, f, norm, &j, j.standing, "not counted", false);
        if (before_start) TRACE(norm, "%s %s: before the rule took effect, not counted", replay_time(f->time), s->key.ptr);
        return;
    }
    switch (rule->type) {
    case RULE_FORBID:
        note_incident(rp, f, norm, &j, j.as_violation, party < rp->agreement->party_count ? "violation" : "observation", true);
        record_violation(rp, (int)f->target, party, f->time, f->report, j.as_violation);
        break;
    case RULE_REQUIRE: on_require(rp, f, norm, &j); break;
    case RULE_LIMIT: on_limit(rp, f, party, norm, &j); break;
    case RULE_EXCHANGE: on_exchange(rp, f, party, norm, &j); break;
    case RULE_SHARE: on_share(rp, f, norm, &j); return; /* changes status only when a period closes */
    default: break;
    }
    observe(rp, (int)f->target, party, f->time, f->time);
}

/* ---------------------------------------------------------------- the run */

static void start_norms(replay_t *rp) {
    const agreement_t *a = rp->agreement;
    for (int r = 0; r < a->rule_count; r++) {
        time_ms_t start = replay_rule_start(rp, &a->rules[r]);
        for (int p = 0; p < rp->party_slots; p++) {
            norm_t *n = replay_norm(rp, r, p);
            n->void_since = n->fulfilled_at = n->fulfilled_act = n->claimed_at = TIME_NONE;
            n->latest_time = n->breach_since = n->first_incident = n->last_incident = n->held_time = TIME_NONE;
            for (int k = 0; k < STANDING_COUNT; k++) n->first_by[k] = TIME_NONE;
            bool binds = p < a->party_count ? (a->rules[r].parties >> p & 1u) : a->rules[r].any_party;
            if (binds && start != TIME_NONE) observe(rp, r, p, start == TIME_BEGINNING ? TIME_BEGINNING : start, start);
        }
    }
}

static void finish_norms(replay_t *rp) {
    const agreement_t *a = rp->agreement;
    for (int r = 0; r < a->rule_count; r++)
        for (int p = 0; p < rp->party_slots; p++)
            if (p < a->party_count ? (a->rules[r].parties >> p & 1u) : a->rules[r].any_party)
                catch_up(rp, r, p, rp->as_of + 1);
}

void replay_run(replay_t *rp) {
    engine_t *e = rp->engine;
    const agreement_t *a = rp->agreement;
    rp->party_slots = a->party_count + 1;
    size_t norm_count = (size_t)a->rule_count * (size_t)rp->party_slots;
    rp->event_time = xcalloc((size_t)a->event_count + 1, sizeof *rp->event_time);
    rp->event_report = xcalloc((size_t)a->event_count + 1, sizeof *rp->event_report);
    rp->norms = xcalloc(norm_count + 1, sizeof *rp->norms);
    rp->shares = xcalloc((size_t)a->rule_count + 1, sizeof *rp->shares);
    rp->party_first_violation = xcalloc((size_t)a->party_count + 1, sizeof *rp->party_first_violation);
    rp->violated_points = xcalloc((size_t)(a->party_count + 1) * (size_t)(a->point_count + 1), sizeof *rp->violated_points);
    rp->violated_count = xcalloc((size_t)a->party_count + 1, sizeof *rp->violated_count);
    for (int p = 0; p < a->party_count; p++) rp->party_first_violation[p] = TIME_NONE;
    replay_link_reviews(rp);
    compute_events(rp);
    start_norms(rp);
    size_t count;
    fact_t *order = ordered_facts(rp, &count);
    for (size_t i = 0; i < count; i++) replay_fact(rp, &order[i]);
    free(order);
    finish_norms(rp);
    (void)e;
}

void replay_free(replay_t *rp) {
    size_t norm_count = (size_t)rp->agreement->rule_count * (size_t)rp->party_slots;
    for (size_t i = 0; i < norm_count; i++) {
        buffer_free(&rp->norms[i].trace);
        free(rp->norms[i].history);
    }
    free(rp->review_head);
    free(rp->links);
    free(rp->event_time);
    free(rp->event_report);
    free(rp->norms);
    free(rp->shares);
    free(rp->party_first_violation);
    free(rp->violated_points);
    free(rp->violated_count);
}
