/* rulings: runs a replay and combines the verdicts of each point's rules into
 * one ruling per point and party (the most serious status wins), scores each
 * point on the Peace Accords Matrix scale, and writes rulings as JSON Lines. */
#include "engine/verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *status_name(status_t status) {
    static const char *names[] = {"fulfilled", "pending", "in_effect", "declaratory", "suspended",
                                  "void", "disputed", "overdue", "violated"};
    return (unsigned)status < sizeof names / sizeof *names ? names[status] : "?";
}

const char *standing_name(standing_t standing) {
    static const char *names[] = {"none", "disputed", "alleged", "confirmed"};
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

/* One ruling: the verdicts of every rule of the point that binds the party.
 * The most serious status wins; the evidence is that of the rules in it. */
static void build_ruling(replay_t *rp, rulings_t *out, int point_index, int party, int *score_sum, int *score_n) {
    const agreement_t *a = rp->agreement;
    const point_t *point = &a->points[point_index];
    ruling_t *ruling = &out->items[out->count++];
    string_set_t evidence = {0}, consequences = {0};
    buffer_t explanation = {0};
    verdict_t *verdicts = xcalloc((size_t)point->rule_count, sizeof *verdicts);
    int best = -1, sum = 0, scored = 0;
    for (int i = 0; i < point->rule_count; i++) {
        int r = point->first_rule + i;
        if (!(a->rules[r].parties >> party & 1u)) continue;
        verdict_t *v = &verdicts[i];
        verdict_of(rp, r, party, v);
        const norm_t *n = replay_norm(rp, r, party);
        explain_rule(rp, r, party, v, &explanation);
        for (int t = 0; t < n->tag_count; t++) set_add(&consequences, n->tags[t]);
        if (v->sanction_tag) set_add(&consequences, (char *)v->sanction_tag);
        if (best < 0 || v->status > verdicts[best].status ||
            (v->status == verdicts[best].status && v->since < verdicts[best].since))
            best = i;
        if (v->score >= 0) sum += v->score, scored++;
    }
    for (int i = 0; i < point->rule_count; i++)
        if (a->rules[point->first_rule + i].parties >> party & 1u && verdicts[i].status == verdicts[best].status)
            add_evidence(rp, replay_norm(rp, point->first_rule + i, party), &evidence);
    const verdict_t *v = &verdicts[best];
    *ruling = (ruling_t){.point = point_index, .party = party, .status = v->status, .since = v->since,
                         .standing = v->standing, .score = scored ? sum / scored : -1};
    ruling->why = arena_strndup(&out->arena, v->why, strlen(v->why));
    ruling->explanation = arena_strndup(&out->arena, explanation.data ? explanation.data : "", explanation.len);
    ruling->evidence = set_copy(&out->arena, &evidence);
    ruling->evidence_count = evidence.count;
    ruling->consequences = set_copy(&out->arena, &consequences);
    ruling->consequence_count = consequences.count;
    *score_sum += sum;
    *score_n += scored;
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

static void build_declaratory(const replay_t *rp, rulings_t *out, int point_index, long assessed) {
    static const char *scale[] = {"not begun", "minimal", "intermediate", "full"};
    const rule_t *rule = &rp->agreement->rules[rp->agreement->points[point_index].first_rule];
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
                         .standing = assessed >= 0 ? STANDING_CONFIRMED : STANDING_NONE, .score = score};
    if (assessed >= 0) {
        ruling->since = rp->engine->reports[assessed].time;
        ruling->evidence = arena_alloc(&out->arena, sizeof(char *));
        ruling->evidence[0] = (char *)rp->engine->reports[assessed].key.ptr;
        ruling->evidence_count = 1;
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

static bool point_is_declaratory(const agreement_t *a, const point_t *point) {
    for (int r = point->first_rule; r < point->first_rule + point->rule_count; r++)
        if (a->rules[r].type != RULE_DECLARATORY) return false;
    return true;
}

rulings_t *engine_rule(engine_t *engine, time_ms_t as_of) {
    const agreement_t *a = engine->agreement;
    rulings_t *out = xcalloc(1, sizeof *out);
    arena_init(&out->arena);
    out->as_of = as_of != TIME_NONE ? as_of : engine_latest_time(engine) != TIME_NONE ? engine_latest_time(engine) : 0;
    replay_t rp = {.engine = engine, .agreement = a, .as_of = out->as_of, .arena = &out->arena};
    replay_run(&rp);
    out->items = xcalloc((size_t)a->point_count * (size_t)(a->party_count + 1), sizeof *out->items);
    out->point_scores = xcalloc((size_t)a->point_count + 1, sizeof *out->point_scores);
    int total = 0, scored_points = 0;
    long *assessed = latest_assessments(&rp);
    for (int p = 0; p < a->point_count; p++) {
        const point_t *point = &a->points[p];
        if (point_is_declaratory(a, point)) {
            build_declaratory(&rp, out, p, assessed[p]);
            out->point_scores[p] = out->items[out->count - 1].score;
            if (out->point_scores[p] >= 0) total += out->point_scores[p], scored_points++;
            continue;
        }
        int sum = 0, n = 0;
        for (int party = 0; party < a->party_count; party++) {
            bool binds = false;
            for (int r = point->first_rule; r < point->first_rule + point->rule_count; r++)
                binds |= a->rules[r].type != RULE_DECLARATORY && (a->rules[r].parties >> party & 1u);
            if (binds) build_ruling(&rp, out, p, party, &sum, &n);
        }
        out->point_scores[p] = point_score(sum, n);
        if (out->point_scores[p] >= 0) total += out->point_scores[p], scored_points++;
    }
    out->implementation_percent = scored_points ? 100.0 * total / (3.0 * scored_points) : 0;
    free(assessed);
    replay_free(&rp);
    return out;
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

void ruling_write_json(const ruling_t *r, const agreement_t *a, buffer_t *out) {
    const char *label = a->points[r->point].label;
    const char *party = r->party >= 0 ? a->parties[r->party].code : "all";
    buffer_puts(out, "{\"point\":");
    buffer_json_string(out, label, strlen(label));
    buffer_puts(out, ",\"party\":");
    buffer_json_string(out, party, strlen(party));
    buffer_printf(out, ",\"status\":\"%s\",\"since\":", status_name(r->status));
    if (r->since == TIME_NONE) {
        buffer_puts(out, "null");
    } else {
        char t[32];
        buffer_printf(out, "\"%.*s\"", (int)time_format(r->since, t), t);
    }
    buffer_printf(out, ",\"standing\":\"%s\",\"evidence\":", standing_name(r->standing));
    write_string_list(out, r->evidence, r->evidence_count);
    buffer_puts(out, ",\"consequences\":");
    write_string_list(out, r->consequences, r->consequence_count);
    buffer_puts(out, ",\"why\":");
    buffer_json_string(out, r->why, strlen(r->why));
    if (r->score >= 0) buffer_printf(out, ",\"score\":%d", r->score);
    buffer_puts(out, "}");
}

void rulings_write_json(const rulings_t *rulings, const agreement_t *a, buffer_t *out) {
    for (int i = 0; i < rulings->count; i++) {
        ruling_write_json(&rulings->items[i], a, out);
        buffer_puts(out, "\n");
    }
}
