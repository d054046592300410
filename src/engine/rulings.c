/* rulings: runs a replay and combines the verdicts of each point's rules into
 * one ruling per point and party (the most serious status wins), scores each
 * point on the Peace Accords Matrix scale, and writes rulings as JSON Lines. */
#include "engine/verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *status_name(status_t status) {
    static const char *names[] = {"fulfilled", "claimed", "pending", "in_effect", "declaratory", "observed",
                                  "suspended", "void", "disputed", "overdue", "violated"};
    return (unsigned)status < sizeof names / sizeof *names ? names[status] : "?";
}

const char *standing_name(standing_t standing) {
    static const char *names[] = {"none", "disputed", "alleged", "claimed", "confirmed"};
    return (unsigned)standing < sizeof names / sizeof *names ? names[standing] : "?";
}

/* ----------------------------------------------------------------- building */

typedef struct {
    char *items[64];
    int count;
} string_set_t;

static void set_add(string_set_t *set, char *s) {
    for (int i = 0; i < set->count; i++)
        if (!strcmp(set->items[i], s)) return;
    if (set->count < 64) set->items[set->count++] = s;
}

static char **set_copy(arena_t *arena, const string_set_t *set) {
    char **out = arena_alloc(arena, sizeof(char *) * (size_t)(set->count + 1));
    memcpy(out, set->items, sizeof(char *) * (size_t)set->count);
    return out;
}

static void explain_rule(const replay_t *rp, int rule_index, int party, const verdict_t *v, buffer_t *out) {
    const agreement_t *a = rp->agreement;
    const rule_t *rule = &a->rules[rule_index];
    const norm_t *n = replay_norm(rp, rule_index, party);
    buffer_printf(out, "rule %s:%d: %s\n", a->path, rule->line, rule->source_text);
    if (rule->window.start_event >= 0) {
        int e = rule->window.start_event;
        long by = rp->event_report[e];
        buffer_printf(out, "  takes effect: event '%s' at %s%s%s%s\n", a->events[e].name, replay_time(rp->event_time[e]),
                      by >= 0 ? " (" : "", by >= 0 ? rp->engine->reports[by].key.ptr : "", by >= 0 ? ")" : "");
    }
    time_ms_t deadline = replay_rule_deadline(rp, rule);
    if (deadline != TIME_NONE) buffer_printf(out, "  deadline: %s\n", replay_time(deadline));
    if (n->trace.len) buffer_append(out, n->trace.data, n->trace.len);
    if (n->trace_lines > 24) buffer_printf(out, "  ... and %d more lines\n", n->trace_lines - 24);
    buffer_printf(out, "  => %s\n", v->why);
}

static void add_evidence(const replay_t *rp, const norm_t *n, string_set_t *evidence) {
    for (int i = 0; i < n->evidence_count; i++)
        set_add(evidence, (char *)rp->engine->reports[n->evidence[i]].key.ptr);
}

/* Who confirmed (sources), who disputed and who contested (reports). */
typedef struct {
    string_set_t confirmed, disputed, contested;
} voices_t;

static void add_voices(const replay_t *rp, const norm_t *n, voices_t *voices) {
    const engine_t *e = rp->engine;
    for (int i = 0; i < 4; i++) {
        if (n->confirmers[i]) set_add(&voices->confirmed, rp->agreement->sources[e->reports[n->confirmers[i] - 1].source].name);
        if (n->disputers[i]) set_add(&voices->disputed, (char *)e->reports[n->disputers[i] - 1].key.ptr);
        if (n->contesters[i]) set_add(&voices->contested, (char *)e->reports[n->contesters[i] - 1].key.ptr);
    }
}

static bool binds(const agreement_t *a, const rule_t *rule, int party) {
    if (rule->type == RULE_DECLARATORY) return false;
    return party < a->party_count ? (rule->parties >> party & 1u) != 0 : rule->any_party;
}

static int compare_times(const void *pa, const void *pb) {
    time_ms_t a = *(const time_ms_t *)pa, b = *(const time_ms_t *)pb;
    return a < b ? -1 : a > b;
}

/* A ruling's history from its norms': at every moment one of them changed,
 * the most serious status among them, as for the ruling itself. */
static void merge_history(const replay_t *rp, const point_t *point, int party, ruling_t *ruling, arena_t *arena) {
    const agreement_t *a = rp->agreement;
    size_t total = 0;
    for (int r = point->first_rule; r < point->first_rule + point->rule_count; r++)
        if (binds(a, &a->rules[r], party)) total += (size_t)replay_norm(rp, r, party)->history_count;
    if (!total) return;
    time_ms_t *times = xmalloc(total * sizeof *times);
    size_t n = 0;
    for (int r = point->first_rule; r < point->first_rule + point->rule_count; r++) {
        if (!binds(a, &a->rules[r], party)) continue;
        const norm_t *norm = replay_norm(rp, r, party);
        for (int i = 0; i < norm->history_count; i++) times[n++] = norm->history[i].time;
    }
    qsort(times, n, sizeof *times, compare_times);
    ruling_change_t *out = arena_alloc(arena, n * sizeof *out);
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && times[i] == times[i - 1]) continue;
        ruling_change_t best = {times[i], STATUS_FULFILLED, STANDING_NONE, false};
        bool any = false;
        for (int r = point->first_rule; r < point->first_rule + point->rule_count; r++) {
            if (!binds(a, &a->rules[r], party)) continue;
            const norm_t *norm = replay_norm(rp, r, party);
            const ruling_change_t *state = NULL;
            for (int k = 0; k < norm->history_count && norm->history[k].time <= times[i]; k++) state = &norm->history[k];
            if (state && (!any || state->status > best.status)) best = (ruling_change_t){times[i], state->status, state->standing, state->ended}, any = true;
        }
        if (!any) continue;
        if (count && out[count - 1].status == best.status && out[count - 1].standing == best.standing &&
            out[count - 1].ended == best.ended)
            continue;
        out[count++] = best;
    }
    free(times);
    ruling->history = out;
    ruling->history_count = count;
}

static char **copy_set(arena_t *arena, const string_set_t *set, int *count) {
    *count = set->count;
    return set_copy(arena, set);
}

/* One ruling: the verdicts of every rule of the point that binds the party.
 * The most serious status wins; the evidence is that of the rules in it;
 * every incident of every rule is counted. */
static void build_ruling(replay_t *rp, rulings_t *out, int point_index, int party, int *score_sum, int *score_n) {
    const agreement_t *a = rp->agreement;
    const point_t *point = &a->points[point_index];
    ruling_t *ruling = &out->items[out->count++];
    string_set_t evidence = {0}, consequences = {0};
    voices_t voices = {0};
    buffer_t explanation = {0};
    verdict_t *verdicts = xcalloc((size_t)point->rule_count, sizeof *verdicts);
    int best = -1, sum = 0, scored = 0;
    long counts[STANDING_COUNT] = {0};
    time_ms_t first = TIME_NONE, last = TIME_NONE;
    for (int i = 0; i < point->rule_count; i++) {
        int r = point->first_rule + i;
        if (!binds(a, &a->rules[r], party)) continue;
        verdict_t *v = &verdicts[i];
        verdict_of(rp, r, party, v);
        const norm_t *n = replay_norm(rp, r, party);
        explain_rule(rp, r, party, v, &explanation);
        for (int t = 0; t < n->tag_count; t++) set_add(&consequences, n->tags[t]);
        if (v->sanction_tag) set_add(&consequences, (char *)v->sanction_tag);
        add_voices(rp, n, &voices);
        for (int k = 0; k < STANDING_COUNT; k++) counts[k] += n->counts[k];
        if (n->first_incident != TIME_NONE && (first == TIME_NONE || n->first_incident < first)) first = n->first_incident;
        if (n->last_incident != TIME_NONE && (last == TIME_NONE || n->last_incident > last)) last = n->last_incident;
        if (best < 0 || v->status > verdicts[best].status ||
            (v->status == verdicts[best].status && v->since < verdicts[best].since))
            best = i;
        if (v->score >= 0) sum += v->score, scored++;
    }
    for (int i = 0; i < point->rule_count; i++)
        if (binds(a, &a->rules[point->first_rule + i], party) && verdicts[i].status == verdicts[best].status)
            add_evidence(rp, replay_norm(rp, point->first_rule + i, party), &evidence);
    const verdict_t *v = &verdicts[best];
    *ruling = (ruling_t){.point = point_index, .party = party < a->party_count ? party : RULING_UNATTRIBUTED,
                         .status = v->status, .since = v->since, .standing = v->standing,
                         .score = scored ? sum / scored : -1, .first = first, .last = last, .late_by = v->late_by,
                         .respected_since = v->respected_since};
    memcpy(ruling->standing_counts, counts, sizeof counts);
    for (int k = 0; k < STANDING_COUNT; k++) ruling->incident_count += counts[k];
    ruling->why = arena_strndup(&out->arena, v->why, strlen(v->why));
    ruling->explanation = arena_strndup(&out->arena, explanation.data ? explanation.data : "", explanation.len);
    ruling->evidence = copy_set(&out->arena, &evidence, &ruling->evidence_count);
    ruling->consequences = copy_set(&out->arena, &consequences, &ruling->consequence_count);
    ruling->confirmed_by = copy_set(&out->arena, &voices.confirmed, &ruling->confirmed_by_count);
    ruling->disputed_by = copy_set(&out->arena, &voices.disputed, &ruling->disputed_by_count);
    ruling->contested_by = copy_set(&out->arena, &voices.contested, &ruling->contested_by_count);
    merge_history(rp, point, party, ruling, &out->arena);
    if (party < a->party_count) {
        *score_sum += sum;
        *score_n += scored;
    }
    buffer_free(&explanation);
    free(verdicts);
}

/* The council's latest assessment of each point (as of the rulings): one
 * pass over the facts; -1 where there is none. Caller frees. */
static long *latest_assessments(const replay_t *rp) {
    const engine_t *e = rp->engine;
    long *latest = xmalloc(sizeof *latest * (size_t)(rp->agreement->point_count + 1));
    for (int p = 0; p < rp->agreement->point_count; p++) latest[p] = -1;
    for (size_t i = 0; i < e->fact_count; i++) {
        const fact_t *f = &e->facts[i];
        const stored_report_t *s = &e->reports[f->report];
        if (f->type != FACT_ASSESSMENT || s->dead || f->time > rp->as_of) continue;
        long *best = &latest[f->target];
        const stored_report_t *b = *best >= 0 ? &e->reports[*best] : NULL;
        if (!b || s->time > b->time || (s->time == b->time && text_compare(s->key, b->key) > 0)) *best = f->report;
    }
    return latest;
}

/* The declaratory part of a point: only the council rules on it, and its
 * latest assessment scores it. */
static void build_declaratory(const replay_t *rp, rulings_t *out, int point_index, long assessed) {
    static const char *scale[] = {"not begun", "minimal", "intermediate", "full"};
    const point_t *point = &rp->agreement->points[point_index];
    const rule_t *rule = &rp->agreement->rules[point->first_rule];
    for (int r = point->first_rule; r < point->first_rule + point->rule_count; r++)
        if (rp->agreement->rules[r].type == RULE_DECLARATORY) rule = &rp->agreement->rules[r];
    ruling_t *ruling = &out->items[out->count++];
    char why[400];
    int score = -1;
    if (assessed >= 0) {
        const stored_report_t *s = &rp->engine->reports[assessed];
        score = s->value >= 3 ? 3 : (int)s->value;
        snprintf(why, sizeof why, "declaratory, not machine-checked: %s; the council assessed it %d (%s) on %s",
                 rule->text, score, scale[score], replay_time(s->time));
    } else {
        snprintf(why, sizeof why, "declaratory, not machine-checked: %s; the council rules on it", rule->text);
    }
    *ruling = (ruling_t){.point = point_index, .party = -1, .status = STATUS_DECLARATORY, .since = TIME_NONE,
                         .standing = assessed >= 0 ? STANDING_CONFIRMED : STANDING_NONE, .score = score,
                         .first = TIME_NONE, .last = TIME_NONE, .respected_since = TIME_NONE};
    if (assessed >= 0) {
        ruling->since = rp->engine->reports[assessed].time;
        ruling->evidence = arena_alloc(&out->arena, sizeof(char *));
        ruling->evidence[0] = (char *)rp->engine->reports[assessed].key.ptr;
        ruling->evidence_count = 1;
        ruling->incident_count = ruling->standing_counts[STANDING_CONFIRMED] = 1;
        ruling->first = ruling->last = ruling->since;
    }
    ruling->why = arena_strndup(&out->arena, why, strlen(why));
    char explanation[600];
    snprintf(explanation, sizeof explanation, "rule %s:%d: %s\n  => declaratory: %s\n", rp->agreement->path,
             rule->line, rule->source_text, why);
    ruling->explanation = arena_strndup(&out->arena, explanation, strlen(explanation));
}

/* Peace Accords Matrix: 3 only when every part is full, 0 only when nothing
 * has begun; otherwise minimal (1) or intermediate (2) by the mean. */
static int point_score(int sum, int n) {
    if (n == 0) return -1;
    if (sum == 3 * n) return 3;
    if (sum == 0) return 0;
    return 2 * sum >= 3 * n ? 2 : 1;
}

static bool point_has(const agreement_t *a, const point_t *point, bool declaratory) {
    for (int r = point->first_rule; r < point->first_rule + point->rule_count; r++)
        if ((a->rules[r].type == RULE_DECLARATORY) == declaratory) return true;
    return false;
}

/* Whether any incident names no party under this point's `forbid any` rules. */
static bool has_unattributed(const replay_t *rp, const point_t *point) {
    for (int r = point->first_rule; r < point->first_rule + point->rule_count; r++)
        if (rp->agreement->rules[r].any_party && replay_norm(rp, r, rp->agreement->party_count)->violations) return true;
    return false;
}

rulings_t *engine_rule(engine_t *engine, time_ms_t as_of) {
    const agreement_t *a = engine->agreement;
    rulings_t *out = xcalloc(1, sizeof *out);
    arena_init(&out->arena);
    out->as_of = as_of != TIME_NONE ? as_of : engine_latest_time(engine) != TIME_NONE ? engine_latest_time(engine) : 0;
    replay_t rp = {.engine = engine, .agreement = a, .as_of = out->as_of, .arena = &out->arena};
    replay_run(&rp);
    out->ambiguous_refs = rp.ambiguous_refs;
    out->items = xcalloc((size_t)a->point_count * (size_t)(a->party_count + 3), sizeof *out->items);
    out->point_scores = xcalloc((size_t)a->point_count + 1, sizeof *out->point_scores);
    int total = 0, scored_points = 0;
    long *assessed = latest_assessments(&rp);
    for (int p = 0; p < a->point_count; p++) {
        const point_t *point = &a->points[p];
        int sum = 0, n = 0;
        if (point_has(a, point, false)) {
            for (int party = 0; party < a->party_count; party++) {
                bool bound = false;
                for (int r = point->first_rule; r < point->first_rule + point->rule_count; r++)
                    bound |= binds(a, &a->rules[r], party);
                if (bound) build_ruling(&rp, out, p, party, &sum, &n);
            }
            if (has_unattributed(&rp, point)) build_ruling(&rp, out, p, a->party_count, &sum, &n);
        }
        if (point_has(a, point, true)) { /* the declaratory part, scored by the council's assessment */
            build_declaratory(&rp, out, p, assessed[p]);
            int score = out->items[out->count - 1].score;
            if (score >= 0) sum += score, n++;
        }
        out->point_scores[p] = point_score(sum, n);
        if (out->point_scores[p] >= 0) total += out->point_scores[p], scored_points++;
    }
    out->implementation_percent = scored_points ? 100.0 * total / (3.0 * scored_points) : 0;
    free(assessed);
    replay_free(&rp);
    return out;
}

incidents_t *engine_incidents(engine_t *engine, time_ms_t as_of) {
    incidents_t *list = xcalloc(1, sizeof *list);
    arena_t arena;
    arena_init(&arena);
    time_ms_t at = as_of != TIME_NONE ? as_of : engine_latest_time(engine) != TIME_NONE ? engine_latest_time(engine) : 0;
    replay_t rp = {.engine = engine, .agreement = engine->agreement, .as_of = at, .arena = &arena, .incidents = list};
    replay_run(&rp);
    replay_free(&rp);
    arena_free(&arena);
    return list;
}

void incidents_free(incidents_t *incidents) {
    if (!incidents) return;
    free(incidents->items);
    free(incidents);
}

void rulings_free(rulings_t *rulings) {
    if (!rulings) return;
    free(rulings->items);
    free(rulings->point_scores);
    arena_free(&rulings->arena);
    free(rulings);
}

/* ------------------------------------------------------------------ output */

static void write_string_list(buffer_t *out, char **items, int count) {
    buffer_puts(out, "[");
    for (int i = 0; i < count; i++) {
        if (i) buffer_puts(out, ",");
        buffer_json_string(out, items[i], strlen(items[i]));
    }
    buffer_puts(out, "]");
}

const char *ruling_party_name(const ruling_t *r, const agreement_t *a) {
    if (r->party == RULING_UNATTRIBUTED) return "unattributed";
    return r->party >= 0 ? a->parties[r->party].code : "all";
}

static void write_time_value(buffer_t *out, time_ms_t t) {
    char text[32];
    if (t == TIME_NONE || t == TIME_BEGINNING) buffer_puts(out, "null");
    else buffer_printf(out, "\"%.*s\"", (int)time_format(t, text), text);
}

static void write_time(buffer_t *out, const char *name, time_ms_t t) {
    buffer_printf(out, ",\"%s\":", name);
    write_time_value(out, t);
}

/* ISO 8601 duration, exact to the second: "P56DT3H". */
static void write_duration(buffer_t *out, time_ms_t ms) {
    long long s = ms / 1000, days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60, seconds = s % 60;
    buffer_printf(out, "\"P%lldD", days);
    if (hours || minutes || seconds) buffer_puts(out, "T");
    if (hours) buffer_printf(out, "%lldH", hours);
    if (minutes) buffer_printf(out, "%lldM", minutes);
    if (seconds) buffer_printf(out, "%lldS", seconds);
    buffer_puts(out, "\"");
}

static void write_ruling(const ruling_t *r, const agreement_t *a, buffer_t *out, bool with_history) {
    static const char *count_names[] = {NULL, "disputed", "alleged", "claimed", "confirmed"};
    const char *label = a->points[r->point].label;
    const char *party = ruling_party_name(r, a);
    buffer_puts(out, "{\"point\":");
    buffer_json_string(out, label, strlen(label));
    buffer_puts(out, ",\"party\":");
    buffer_json_string(out, party, strlen(party));
    buffer_printf(out, ",\"status\":\"%s\"", status_name(r->status));
    write_time(out, "since", r->since);
    buffer_printf(out, ",\"standing\":\"%s\",\"evidence\":", standing_name(r->standing));
    write_string_list(out, r->evidence, r->evidence_count);
    buffer_puts(out, ",\"consequences\":");
    write_string_list(out, r->consequences, r->consequence_count);
    buffer_puts(out, ",\"why\":");
    buffer_json_string(out, r->why, strlen(r->why));
    if (r->score >= 0) buffer_printf(out, ",\"score\":%d", r->score);
    buffer_printf(out, ",\"evidence_count\":%ld,\"counts\":{", r->incident_count);
    for (int s = STANDING_COUNT - 1, n = 0; s > 0; s--) buffer_printf(out, "%s\"%s\":%ld", n++ ? "," : "", count_names[s], r->standing_counts[s]);
    buffer_puts(out, "}");
    write_time(out, "first", r->first);
    write_time(out, "last", r->last);
    buffer_puts(out, ",\"confirmed_by\":");
    write_string_list(out, r->confirmed_by, r->confirmed_by_count);
    buffer_puts(out, ",\"disputed_by\":");
    write_string_list(out, r->disputed_by, r->disputed_by_count);
    buffer_puts(out, ",\"contested_by\":");
    write_string_list(out, r->contested_by, r->contested_by_count);
    if (r->late_by > 0) {
        buffer_puts(out, ",\"late_by\":");
        write_duration(out, r->late_by);
    }
    if (r->respected_since != TIME_NONE) write_time(out, "respected_since", r->respected_since);
    if (with_history) {
        buffer_puts(out, ",\"history\":[");
        for (int i = 0; i < r->history_count; i++) {
            const ruling_change_t *c = &r->history[i];
            buffer_puts(out, i ? ",{\"time\":" : "{\"time\":");
            write_time_value(out, c->time);
            buffer_printf(out, ",\"status\":\"%s\",\"standing\":\"%s\"%s}", status_name(c->status),
                          standing_name(c->standing), c->ended ? ",\"ended\":true" : "");
        }
        buffer_puts(out, "]");
    }
    buffer_puts(out, "}");
}

void ruling_write_json(const ruling_t *r, const agreement_t *a, buffer_t *out) { write_ruling(r, a, out, false); }

void ruling_write_json_history(const ruling_t *r, const agreement_t *a, buffer_t *out) { write_ruling(r, a, out, true); }

void rulings_write_json(const rulings_t *rulings, const agreement_t *a, buffer_t *out) {
    for (int i = 0; i < rulings->count; i++) {
        ruling_write_json(&rulings->items[i], a, out);
        buffer_puts(out, "\n");
    }
}
