/* engine: holds the agreement against the reports. Reports stream in through
 * engine_add (order does not matter); engine_rule then derives, as of a
 * time, one ruling per point and party — status, standing, evidence,
 * consequences, a reason — and a Peace Accords Matrix score per point. */
#ifndef TRUCE_ENGINE_H
#define TRUCE_ENGINE_H

#include "agreement/agreement.h"
#include "report/report.h"

typedef enum {
    STATUS_FULFILLED, STATUS_CLAIMED, STATUS_PENDING, STATUS_IN_EFFECT, STATUS_DECLARATORY, STATUS_OBSERVED,
    STATUS_SUSPENDED, STATUS_VOID, STATUS_DISPUTED, STATUS_OVERDUE, STATUS_VIOLATED,
} status_t;  /* in rising order of precedence when a point's rules are combined */

/* How well a report (or a ruling's evidence) is established. `claimed`: a
 * party's own word that it complied, not yet verified. */
typedef enum { STANDING_NONE, STANDING_DISPUTED, STANDING_ALLEGED, STANDING_CLAIMED, STANDING_CONFIRMED } standing_t;
#define STANDING_COUNT 5

/* The "party" of the ruling that counts a point's unattributed incidents
 * (reports that name no party, under a `forbid any` rule). */
#define RULING_UNATTRIBUTED (-2)

typedef enum {
    ENGINE_ACCEPTED,     /* the report bears on at least one rule or event */
    ENGINE_NO_BEARING,   /* valid, but no rule or event of the agreement watches it */
    ENGINE_DUPLICATE,    /* (source, id) seen before with the same content */
    ENGINE_CONFLICT,     /* (source, id) seen before with other content; see engine.c */
} engine_outcome_t;

/* One change in a ruling's status, as the reports replay. */
typedef struct {
    time_ms_t time;
    status_t status;
    standing_t standing;
    bool ended;                /* a breach that has ended (the quiet period passed) */
} ruling_change_t;

typedef struct {
    int point, party;          /* party: -1 for a declaratory point (all parties),
                                  RULING_UNATTRIBUTED for the point's unattributed incidents */
    status_t status;
    time_ms_t since;           /* TIME_NONE when the status has no start */
    standing_t standing;
    char **evidence;           /* "source/id": a few of the incidents (see incident_count) */
    int evidence_count;
    char **consequences;
    int consequence_count;
    char **confirmed_by;       /* sources whose word confirmed the incidents */
    int confirmed_by_count;
    char **disputed_by;        /* "source/id" of the reports that disputed them */
    int disputed_by_count;
    char **contested_by;       /* "source/id" of denials recorded but not upheld (the accused against a monitor) */
    int contested_by_count;
    long incident_count;       /* every incident behind the ruling */
    long standing_counts[STANDING_COUNT];
    time_ms_t first, last;     /* the first and the latest incident; TIME_NONE */
    time_ms_t late_by;         /* an obligation met after its deadline: by how long (ms); 0 */
    time_ms_t respected_since; /* a breach that has ended; TIME_NONE while it goes on */
    ruling_change_t *history;  /* every change of status, oldest first */
    int history_count;
    char *why;                 /* one sentence */
    char *explanation;         /* the chain behind it, several lines, for --explain */
    int score;                 /* 0-3 for this party's part of the point; -1 unscored */
} ruling_t;

typedef struct {
    ruling_t *items;
    int count;
    int *point_scores;         /* per point, Peace Accords Matrix 0-3, -1 when unscored */
    double implementation_percent;
    time_ms_t as_of;
    long ambiguous_refs;       /* review refs ignored: a bare id that names reports of several sources */
    arena_t arena;             /* owns the strings above */
} rulings_t;

typedef struct {
    long accepted, no_bearing, duplicates, conflicts;
    size_t memory_bytes;       /* held for reports that bear on a rule */
} engine_counts_t;

typedef struct engine engine_t;

/* The agreement is borrowed and must outlive the engine. */
engine_t *engine_new(const agreement_t *agreement);
void engine_free(engine_t *engine);

/* Takes one validated report. Copies what it keeps; the report may be
 * reused by the caller afterwards. */
engine_outcome_t engine_add(engine_t *engine, const report_t *report);
engine_counts_t engine_counts(const engine_t *engine);
/* The latest event time seen, TIME_NONE before any report. */
time_ms_t engine_latest_time(const engine_t *engine);

/* Rules as of a time (TIME_NONE: the latest report time). The engine is left
 * unchanged, so more reports can be added and rulings derived again. Caller
 * frees with rulings_free. */
rulings_t *engine_rule(engine_t *engine, time_ms_t as_of);
void rulings_free(rulings_t *rulings);

/* What the engine kept of a report that bears on a rule, looked up by its
 * "source/id" key (as in a ruling's evidence). False when not kept. */
typedef struct {
    time_ms_t time;
    int kind, actor, to, target;   /* indices into the agreement; -1 when absent */
    int actor_member;              /* index into agreement->members when a member of a side acted; else -1 */
    bool has_at;
    double lon, lat, value;
    stance_t stance;
} report_info_t;

bool engine_report_info(const engine_t *engine, const char *key, report_info_t *out);

/* Every incident (a report that bears on a rule, for one party) as of a time,
 * in time order, with its standing and who confirmed or disputed it. */
typedef struct {
    time_ms_t time;
    int point, rule, party;    /* party: RULING_UNATTRIBUTED when the report names none */
    standing_t standing;
    const char *key;           /* "source/id" */
    const char *confirmed_by;  /* "source/id" of the confirming review, or the report's own source when it verifies; NULL */
    const char *disputed_by, *contested_by;  /* "source/id"; NULL */
    const char *role;          /* violation, fulfilment, reading, release, registry, delivery */
    bool counted;              /* false: before the rule took effect, or after it became void */
    int kind;
    bool has_at, has_value;
    double lon, lat, value;
} incident_t;

typedef struct {
    incident_t *items;
    size_t count;
} incidents_t;

incidents_t *engine_incidents(engine_t *engine, time_ms_t as_of);
void incidents_free(incidents_t *incidents);

const char *status_name(status_t status);
const char *standing_name(standing_t standing);

/* Appends the rulings as JSON Lines, one object per ruling, per the
 * interchange spec (with the extension fields "score" and "as_of"). */
void rulings_write_json(const rulings_t *rulings, const agreement_t *agreement, buffer_t *out);
/* Appends one ruling as a JSON object (no newline); with_history adds "history". */
void ruling_write_json(const ruling_t *ruling, const agreement_t *agreement, buffer_t *out);
void ruling_write_json_history(const ruling_t *ruling, const agreement_t *agreement, buffer_t *out);
/* The party column of a ruling: a code, "all" or "unattributed". */
const char *ruling_party_name(const ruling_t *ruling, const agreement_t *agreement);

#endif
