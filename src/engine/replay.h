/* replay: the state of one evaluation — every norm (a rule binding one party)
 * as the facts are replayed in time order. Shared by evaluate.c, which runs
 * the replay, and rulings.c, which turns norms into rulings. Internal. */
#ifndef TRUCE_ENGINE_REPLAY_H
#define TRUCE_ENGINE_REPLAY_H

#include "engine/internal.h"

/* The lifecycle of a norm (one rule binding one party):
 *
 *   pending ──start event──▶ in_effect ──matching report──▶ fulfilled   (require)
 *                               │  └────deadline passes───▶ overdue     (require, exchange)
 *                               ├────breach────────────────▶ violated    (forbid, limit, share)
 *                               │        └ only disputed ──▶ disputed
 *                               └────consequence elsewhere─▶ void / suspended
 *
 * Invariants: (1) facts are replayed in (time, source/id) order, so the
 * outcome does not depend on the order of input lines; (2) a void or
 * suspended norm ignores facts from the moment of the consequence on;
 * (3) consequences fire once, on the first *confirmed* violation, at that
 * violation's time; alleged and disputed violations never fire them. */
typedef struct {
    time_ms_t void_since;          /* TIME_NONE while not void/suspended */
    bool suspended;                /* true: suspended rather than void */
    char *void_reason;
    long violations;
    time_ms_t first_violation, first_confirmed;
    standing_t best;               /* best standing among violations / the fulfilment */
    uint32_t evidence[EVIDENCE_KEPT];
    int evidence_count;
    long evidence_total;
    bool fired;                    /* consequences have fired */
    time_ms_t fulfilled_at;        /* require: first fulfilment; exchange: completion */
    bool has_latest;               /* limit: the latest reading */
    time_ms_t latest_time, breach_since;  /* limit and share: when the current breach began */
    double latest_value;
    double released, held;         /* exchange */
    bool has_held;
    char *tags[8];                 /* consequences attached to this norm */
    int tag_count;
    buffer_t trace;
    int trace_lines;
} norm_t;

/* A share rule's current period. */
typedef struct {
    double sums[2];
    uint32_t evidence[EVIDENCE_KEPT];
    int evidence_count;
    long reports;
    standing_t best;
    int periods_closed;
    double last_share[2];          /* percentages in the last closed period */
    bool last_breach[2];           /* the party exceeded its share in the last closed period */
    double last_total;             /* delivered in the last closed period */
    time_ms_t last_end;            /* when it closed */
} share_state_t;

typedef struct {
    engine_t *engine;
    const agreement_t *agreement;
    time_ms_t as_of;
    standing_t *standing;          /* per stored report */
    time_ms_t *event_time;         /* per event; TIME_NONE if not (yet) established */
    long *event_report;            /* the report that established it, -1 if none/after */
    norm_t *norms;                 /* rule_count x party_count */
    share_state_t *shares;         /* per rule */
    time_ms_t *party_first_violation; /* per party: first confirmed violation, for sanctions */
    int *violated_points;          /* per party: points with a confirmed violation, in order... */
    int *violated_count;           /* ...and how many */
    arena_t *arena;                /* the rulings' arena: strings that outlive the replay */
} replay_t;

norm_t *replay_norm(const replay_t *replay, int rule, int party);
time_ms_t replay_rule_start(const replay_t *replay, const rule_t *rule);   /* TIME_NONE: not started */
time_ms_t replay_rule_deadline(const replay_t *replay, const rule_t *rule); /* TIME_NONE: none */
void replay_run(replay_t *replay);
void replay_free(replay_t *replay);
/* "26, 6": the points a party has violated (confirmed), in the order it did. */
void replay_violated_points(const replay_t *replay, int party, char *out, size_t size);
/* Formats a time for sentences, in one of a few rotating static buffers. */
const char *replay_time(time_ms_t t);
void norm_trace(norm_t *norm, const char *format, ...) __attribute__((format(printf, 2, 3)));

#endif
