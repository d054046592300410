/* ingest: the engine's hot path. Each report is matched against the rules and
 * events that watch its kind; only a report that bears on one is kept (its
 * facts, its key for evidence and duplicates). Reports that bear on nothing
 * are counted and dropped, which keeps memory flat in the size of a stream
 * made mostly of routine observations.
 *
 * Duplicates: a repeated (source, id) with the same content is counted once.
 * Two reports with the same (source, id) but different content conflict; the
 * one whose content hash is smaller is kept, whatever the order of lines, so
 * that rulings stay a pure function of the set of reports. A report that bears
 * on nothing cannot change a ruling, so it is not checked for duplicates. */
#include "engine/internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- construction */

static void add_watcher(engine_t *e, int kind, uint8_t type, int index) {
    int n = e->watcher_count[kind]++;
    e->watchers[kind] = xrealloc(e->watchers[kind], (size_t)(n + 1) * sizeof(watcher_t));
    e->watchers[kind][n] = (watcher_t){type, (uint32_t)index};
}

engine_t *engine_new(const agreement_t *a) {
    engine_t *e = xcalloc(1, sizeof *e);
    e->agreement = a;
    e->watchers = xcalloc((size_t)a->kind_count, sizeof *e->watchers);
    e->watcher_count = xcalloc((size_t)a->kind_count, sizeof *e->watcher_count);
    for (int i = 0; i < a->rule_count; i++) {
        const rule_t *rule = &a->rules[i];
        if (rule->kind >= 0) add_watcher(e, rule->kind, FACT_RULE, i);
        if (rule->type == RULE_EXCHANGE) add_watcher(e, rule->held_kind, FACT_HELD, i);
    }
    for (int i = 0; i < a->event_count; i++)
        if (a->events[i].kind >= 0) add_watcher(e, a->events[i].kind, FACT_EVENT, i);
    if (a->assessment_kind >= 0) add_watcher(e, a->assessment_kind, FACT_ASSESSMENT, 0);
    e->pending = xcalloc((size_t)(a->rule_count * 2 + a->event_count + 1), sizeof *e->pending);
    e->table_mask = 1023;
    e->table = xcalloc(e->table_mask + 1, sizeof *e->table);
    arena_init(&e->arena);
    e->latest = TIME_NONE;
    return e;
}

void engine_free(engine_t *e) {
    if (!e) return;
    for (int k = 0; k < e->agreement->kind_count; k++) free(e->watchers[k]);
    free(e->watchers);
    free(e->watcher_count);
    free(e->reports);
    free(e->facts);
    free(e->stance_reports);
    free(e->refs);
    free(e->table);
    free(e->pending);
    arena_free(&e->arena);
    free(e);
}

engine_counts_t engine_counts(const engine_t *e) {
    engine_counts_t counts = e->counts;
    counts.memory_bytes = e->report_capacity * sizeof *e->reports + e->fact_capacity * sizeof *e->facts +
                          (e->table_mask + 1) * sizeof *e->table + e->arena.used;
    return counts;
}

time_ms_t engine_latest_time(const engine_t *e) { return e->latest; }

/* ----------------------------------------------------------------- matching */

static bool in_party_set(uint32_t parties, int party) { return party >= 0 && (parties >> party & 1u); }

static bool matches_target(const agreement_t *a, const rule_t *rule, const report_t *r) {
    if (!rule->target_count) return true;
    for (int i = 0; i < rule->target_count; i++) {
        int t = rule->targets[i];
        if (r->target == t) return true;
        const zone_t *zone = r->has_at ? place_zone_at(&a->places[t], r->time) : NULL;
        if (zone && zone_contains(zone, r->lon, r->lat)) return true;
    }
    return false;
}

/* The party a report bears on under this rule, or -1 when it does not match.
 * A `forbid any` rule also takes reports that name no party: unattributed. */
static int rule_party(const agreement_t *a, const rule_t *rule, const report_t *r) {
    int party = rule->type == RULE_SHARE ? r->to : r->actor;
    if (party < 0 && rule->any_party) party = UNATTRIBUTED_PARTY;
    else if (!in_party_set(rule->parties, party)) return -1;
    if (rule->to_party >= 0 && r->to != rule->to_party) return -1;
    if (rule->unless_cause && r->cause.ptr) return -1;
    if (rule->condition_count && !rule_conditions_hold(rule, r->details, r->details_present, r->has_value, r->value))
        return -1;
    if (!matches_target(a, rule, r)) return -1;
    if (rule->place >= 0) {
        if (!r->has_at) return -1;
        const zone_t *zone = place_zone_at(&a->places[rule->place], r->time);   /* the version in force then */
        bool inside = zone && zone_contains(zone, r->lon, r->lat);
        if (inside == rule->outside) return -1;
    }
    return party;
}

/* Events are dated only by reports that establish them: the council's, a
 * monitor's, or the acting party's own. */
static bool event_matches(const agreement_t *a, const event_t *event, const report_t *r) {
    if (event->party >= 0 && r->actor != event->party) return false;
    if (event->target >= 0 && r->target != event->target) return false;
    const source_t *source = &a->sources[r->source_index];
    return source->class == SOURCE_COUNCIL || source->class == SOURCE_MONITOR ||
           (source->class == SOURCE_PARTY && source->party >= 0 && source->party == r->actor);
}

static int collect_facts(engine_t *e, const report_t *r) {
    const agreement_t *a = e->agreement;
    int n = 0;
    for (int i = 0; i < e->watcher_count[r->kind]; i++) {
        watcher_t w = e->watchers[r->kind][i];
        int party = -1;
        if (w.type == FACT_ASSESSMENT) {
            /* Only the council scores a point, and only by naming it. */
            if (a->sources[r->source_index].class != SOURCE_COUNCIL || r->target < 0 || a->places[r->target].point < 0)
                continue;
            w.index = (uint32_t)a->places[r->target].point;
            party = 0;
        } else if (w.type == FACT_EVENT) party = event_matches(a, &a->events[w.index], r) ? 0 : -1;
        else if (w.type == FACT_HELD) party = in_party_set(a->rules[w.index].parties, r->actor) ? r->actor : -1;
        else party = rule_party(a, &a->rules[w.index], r);
        if (party < 0) continue;
        e->pending[n++] = (fact_t){r->time, 0, w.index, (uint32_t)party, w.type};
    }
    return n;
}

/* ------------------------------------------------------------- duplicates */

static uint64_t key_hash(int source, text_t id) { return hash_fast(id.ptr, id.len, (uint64_t)source * 0x9e3779b97f4a7c15ULL); }

static text_t stored_id(const stored_report_t *s) {
    return (text_t){s->key.ptr + s->id_offset, s->key.len - s->id_offset};
}

static size_t table_slot(const engine_t *e, int source, text_t id) {
    size_t h = key_hash(source, id) & e->table_mask;
    for (;; h = (h + 1) & e->table_mask) {
        uint32_t v = e->table[h];
        if (!v) return h;
        const stored_report_t *s = &e->reports[v - 1];
        if (s->source == source && text_equals(stored_id(s), id)) return h;
    }
}

long engine_find(const engine_t *e, int source, text_t id) {
    uint32_t v = e->table[table_slot(e, source, id)];
    return v ? (long)v - 1 : -1;
}

static void table_grow(engine_t *e) {
    size_t old_size = e->table_mask + 1;
    uint32_t *old = e->table;
    e->table_mask = old_size * 2 - 1;
    e->table = xcalloc(old_size * 2, sizeof *e->table);
    for (size_t i = 0; i < old_size; i++) {
        if (!old[i]) continue;
        const stored_report_t *s = &e->reports[old[i] - 1];
        e->table[table_slot(e, s->source, stored_id(s))] = old[i];
    }
    free(old);
}

/* Appends v to the buffer as 8 little-endian bytes, whatever the machine. */
static size_t put64(unsigned char *out, size_t at, uint64_t v) {
    for (int i = 0; i < 8; i++) out[at + (size_t)i] = (unsigned char)(v >> (8 * i));
    return at + 8;
}

static uint64_t double_bits(double d) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return bits;
}

/* A hash of what a report says (not of its bytes), the same on every machine:
 * it decides which of two conflicting reports is kept. */
static uint64_t content_hash(const report_t *r) {
    unsigned char fields[96];
    size_t n = put64(fields, 0, (uint64_t)r->time);
    n = put64(fields, n, r->has_at ? double_bits(r->lon) : 0);
    n = put64(fields, n, r->has_at ? double_bits(r->lat) : 0);
    n = put64(fields, n, r->has_value ? double_bits(r->value) : 0);
    n = put64(fields, n, (uint64_t)(uint32_t)r->kind | (uint64_t)(uint16_t)r->actor << 32 | (uint64_t)(uint16_t)r->to << 48);
    n = put64(fields, n, (uint64_t)(uint32_t)r->target | (uint64_t)r->stance << 32 | (uint64_t)r->has_at << 40 |
                             (uint64_t)r->has_value << 41 | (uint64_t)(r->cause.ptr != NULL) << 42);
    uint64_t h = hash_bytes(fields, n, 0);
    if (r->cause.ptr) h = hash_bytes(r->cause.ptr, r->cause.len, h);
    for (int i = 0; i < r->ref_count; i++) h = hash_bytes(r->refs[i].ptr, r->refs[i].len, h + 1);
    return h;
}

/* ------------------------------------------------------------------ storing */

#define GROW_ARRAY(array, count, capacity)                                          \
    do {                                                                            \
        if ((count) == (capacity)) {                                                \
            (capacity) = (capacity) ? (capacity) * 2 : 1024;                        \
            (array) = xrealloc((array), (capacity) * sizeof *(array));              \
        }                                                                           \
    } while (0)

static uint32_t store_report(engine_t *e, const report_t *r, uint64_t hash) {
    GROW_ARRAY(e->reports, e->report_count, e->report_capacity);
    stored_report_t *s = &e->reports[e->report_count];
    memset(s, 0, sizeof *s);
    size_t source_len = r->source.len;
    char *key = arena_alloc(&e->arena, source_len + 1 + r->id.len + 1);
    memcpy(key, r->source.ptr, source_len);
    key[source_len] = '/';
    memcpy(key + source_len + 1, r->id.ptr, r->id.len);
    key[source_len + 1 + r->id.len] = '\0';
    s->key = (text_t){key, source_len + 1 + r->id.len};
    s->id_offset = (uint32_t)source_len + 1;
    s->source = (int16_t)r->source_index;
    s->source_class = (uint8_t)e->agreement->sources[r->source_index].class;
    s->kind = (int16_t)r->kind;
    s->actor = (int16_t)r->actor;
    s->actor_member = (uint8_t)(r->actor_member > 0 && r->actor_member < 256 ? r->actor_member : 0);
    s->to = (int16_t)r->to;
    s->target = (int16_t)r->target;
    s->has_at = r->has_at;
    s->has_value = r->has_value;
    s->lon = r->lon;
    s->lat = r->lat;
    s->value = r->has_value ? r->value : 0;
    s->time = r->time;
    s->stance = r->stance;
    s->content_hash = hash;
    if (r->stance != STANCE_NONE) {
        s->first_ref = (uint32_t)e->ref_count;
        s->ref_count = (uint32_t)r->ref_count;
        for (int i = 0; i < r->ref_count; i++) {
            GROW_ARRAY(e->refs, e->ref_count, e->ref_capacity);
            e->refs[e->ref_count++] = arena_text(&e->arena, r->refs[i]);
        }
        GROW_ARRAY(e->stance_reports, e->stance_count, e->stance_capacity);
        e->stance_reports[e->stance_count++] = (uint32_t)e->report_count;
    }
    return (uint32_t)e->report_count++;
}

static void store_facts(engine_t *e, uint32_t report, int n) {
    for (int i = 0; i < n; i++) {
        GROW_ARRAY(e->facts, e->fact_count, e->fact_capacity);
        e->pending[i].report = report;
        e->facts[e->fact_count++] = e->pending[i];
    }
}

engine_outcome_t engine_add(engine_t *e, const report_t *r) {
    if (e->latest == TIME_NONE || r->time > e->latest) e->latest = r->time;
    /* A report with a stance speaks about other reports, not about events. */
    int n = r->stance != STANCE_NONE ? 0 : collect_facts(e, r);
    if (n == 0 && r->stance == STANCE_NONE) {
        e->counts.no_bearing++;
        return ENGINE_NO_BEARING;
    }
    uint64_t hash = content_hash(r);
    size_t slot = table_slot(e, r->source_index, r->id);
    engine_outcome_t outcome = ENGINE_ACCEPTED;
    if (e->table[slot]) {
        stored_report_t *old = &e->reports[e->table[slot] - 1];
        if (old->content_hash == hash) {
            e->counts.duplicates++;
            return ENGINE_DUPLICATE;
        }
        e->counts.conflicts++;
        if (old->content_hash < hash) return ENGINE_CONFLICT;
        old->dead = true; /* the new version wins, whatever order they came in */
        outcome = ENGINE_CONFLICT;
    } else {
        e->counts.accepted++;
    }
    uint32_t index = store_report(e, r, hash);
    e->table[slot] = index + 1;
    store_facts(e, index, n);
    if (e->report_count * 2 > e->table_mask) table_grow(e);
    return outcome;
}

int engine_resolve_ref(const engine_t *e, text_t ref, uint32_t *out, int max) {
    const char *slash = memchr(ref.ptr, '/', ref.len);
    if (slash) {
        int source = agreement_source(e->agreement, (text_t){ref.ptr, (size_t)(slash - ref.ptr)});
        if (source >= 0) {
            long found = engine_find(e, source, (text_t){slash + 1, ref.len - (size_t)(slash - ref.ptr) - 1});
            if (found >= 0 && max > 0) out[0] = (uint32_t)found;
            return found >= 0;
        }
    }
    int n = 0; /* a bare id: every source that used it (callers refuse more than one) */
    for (int s = 0; s < e->agreement->source_count; s++) {
        long found = engine_find(e, s, ref);
        if (found < 0) continue;
        if (n < max) out[n] = (uint32_t)found;
        n++;
    }
    return n;
}

bool engine_report_info(const engine_t *e, const char *key, report_info_t *out) {
    uint32_t found;
    if (engine_resolve_ref(e, text_of(key), &found, 1) != 1) return false;
    const stored_report_t *s = &e->reports[found];
    *out = (report_info_t){s->time, s->kind, s->actor, s->to, s->target, s->actor_member - 1, s->has_at, s->lon, s->lat, s->value, s->stance};
    return true;
}
