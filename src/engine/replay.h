/* replay: the state of one evaluation — every norm (a rule binding one party)
 * as the facts are replayed in time order. Shared by evaluate.c, which runs
 * the replay, verdict.c, which reads a norm's state as of a time, and
 * rulings.c, which turns norms into rulings. Internal. */
#ifndef TRUCE_ENGINE_REPLAY_H
#define TRUCE_ENGINE_REPLAY_H

#include "engine/internal.h"

/* The lifecycle of a norm (one rule binding one party):
 *
 *   pending ──start event──▶ in_effect ──a party's own report──▶ claimed ──verified──▶ fulfilled  (require)
 *                               │  └────deadline passes───▶ overdue ──met late──▶ fulfilled, late_by
 *                               ├────breach────────────────▶ violated    (forbid, limit, share)
 *                               │        └ only disputed ──▶ disputed
 *                               └────consequence elsewhere─▶ void / suspended
 *
 * Invariants: (1) facts are replayed in (time, source/id) order, so the
 * outcome does not depend on the order of input lines; (2) a void or
 * suspended norm ignores facts from the moment of the consequence on;
 * (3) consequences fire once, on the first *confirmed* violation, at that
 * violation's time; alleged and disputed violations never fire them;
 * (4) the standing of a report is what is known as of the ruling's time
 * (a later review applies to it retroactively), except that a claim counts
 * as verified only from the time a verifier confirmed it. */

/* How one report stands, derived from its author and the reviews of it
 * (see judge() in evaluate.c for the precedence of sources). */
typedef struct {
    standing_t standing;           /* as a report that something was done */
    standing_t as_violation;       /* as a report of a breach: a party's own admission confirms */
    time_ms_t verified_at;         /* confirmed from this time (the report's own time, or its review's) */
    uint32_t confirmed_by;         /* stored index + 1 of the confirming review; 0 none or the author itself */
    uint32_t disputed_by;          /* stored index + 1 of the decisive dispute; 0 none */
    uint32_t contested_by;         /* stored index + 1 of a denial recorded but not upheld; 0 none */
} judgement_t;

typedef struct {
    time_ms_t void_since;          /* TIME_NONE while not void/suspended */
    bool suspended;                /* true: suspended rather than void */
    char *void_reason;
    long violations;
    standing_t best;               /* best standing among violations / the fulfilment */
    uint32_t evidence[EVIDENCE_KEPT];
    int evidence_count;
    long counts[STANDING_COUNT];   /* every counted incident, by standing */
    time_ms_t first_incident, last_incident;
    uint32_t confirmers[4];        /* reports whose word confirmed incidents (stored index + 1) */
    uint32_t disputers[4], contesters[4];
    bool fired;                    /* consequences have fired */
    time_ms_t claimed_at;          /* require, exchange: first claim of fulfilment */
    time_ms_t fulfilled_at;        /* require: first verified fulfilment; exchange: completion */
    time_ms_t fulfilled_act;       /* the time of the act that fulfilled it (lateness counts from it) */
    bool has_latest;               /* limit: the latest reading */
    time_ms_t latest_time, breach_since;  /* limit and share: when the current breach began */
    double latest_value;
    standing_t latest_standing;
    double released, released_claimed, held; /* exchange: since the latest registry */
    time_ms_t held_time;
    bool has_held;
    bool deadline_noted;           /* history: the deadline's passing is recorded */
    bool quiet_noted;              /* history: the end of the current breach is recorded */
    uint32_t disputed_claim;       /* require: a claim of fulfilment that was disputed (index + 1) */
    time_ms_t first_by[STANDING_COUNT]; /* the first incident of each standing */
    char *tags[8];                 /* consequences attached to this norm */
    int tag_count;
    ruling_change_t *history;      /* status changes, oldest first */
    int history_count, history_capacity;
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

/* A stance report naming a report: the reviews of each report, linked. */
typedef struct {
    uint32_t stance;               /* stored index of the review */
    int32_t next;                  /* next link of the same report, -1 */
} review_link_t;

typedef struct {
    engine_t *engine;
    const agreement_t *agreement;
    time_ms_t as_of;
    int party_slots;               /* parties + 1: the last slot is the unattributed column */
    int32_t *review_head;          /* per stored report: its first review link, -1 */
    review_link_t *links;
    size_t link_count;
    long ambiguous_refs;
    time_ms_t *event_time;         /* per event; TIME_NONE if not (yet) established */
    long *event_report;            /* the report that established it, -1 if none/after */
    norm_t *norms;                 /* rule_count x party_slots */
    share_state_t *shares;         /* per rule */
    time_ms_t *party_first_violation; /* per party: first confirmed violation, for sanctions */
    int *violated_points;          /* per party: points with a confirmed violation, in order... */
    int *violated_count;           /* ...and how many */
    incidents_t *incidents;        /* when asked for: every incident, as replayed */
    arena_t *arena;                /* the rulings' arena: strings that outlive the replay */
} replay_t;

norm_t *replay_norm(const replay_t *replay, int rule, int party);
time_ms_t replay_rule_start(const replay_t *replay, const rule_t *rule);   /* TIME_NONE: not started */
time_ms_t replay_rule_deadline(const replay_t *replay, const rule_t *rule); /* TIME_NONE: none */
/* The judgement of a stored report under a rule (its own verifiers, if any). */
judgement_t replay_judge(const replay_t *replay, uint32_t report, const rule_t *rule);
/* Links the reviews to the reports they name (standing.c). */
void replay_link_reviews(replay_t *replay);
/* Whether a source's word verifies under a rule (NULL: the agreement's default). */
bool replay_is_verifier(const agreement_t *agreement, const rule_t *rule, int source);
void replay_run(replay_t *replay);
void replay_free(replay_t *replay);
/* "26, 6": the points a party has violated (confirmed), in the order it did. */
void replay_violated_points(const replay_t *replay, int party, char *out, size_t size);
/* Formats a time for sentences, in one of a few rotating static buffers. */
const char *replay_time(time_ms_t t);
/* "56 days 3 hours": a duration for sentences, exact to the minute. */
void replay_duration(time_ms_t ms, char *out, size_t size);
void norm_trace(norm_t *norm, const char *format, ...) __attribute__((format(printf, 2, 3)));

#endif
