/* engine: holds the agreement against the reports. Reports stream in through
 * engine_add (order does not matter); engine_rule then derives, as of a
 * time, one ruling per point and party — status, standing, evidence,
 * consequences, a reason — and a Peace Accords Matrix score per point. */
#ifndef TRUCE_ENGINE_H
#define TRUCE_ENGINE_H

#include "agreement/agreement.h"
#include "report/report.h"

typedef enum {
    STATUS_FULFILLED, STATUS_PENDING, STATUS_IN_EFFECT, STATUS_DECLARATORY, STATUS_SUSPENDED,
    STATUS_VOID, STATUS_DISPUTED, STATUS_OVERDUE, STATUS_VIOLATED,
} status_t;  /* in rising order of precedence when a point's rules are combined */

typedef enum { STANDING_NONE, STANDING_DISPUTED, STANDING_ALLEGED, STANDING_CONFIRMED } standing_t;

typedef enum {
    ENGINE_ACCEPTED,     /* the report bears on at least one rule or event */
    ENGINE_NO_BEARING,   /* valid, but no rule or event of the agreement watches it */
    ENGINE_DUPLICATE,    /* (source, id) seen before with the same content */
    ENGINE_CONFLICT,     /* (source, id) seen before with other content; see engine.c */
} engine_outcome_t;

typedef struct {
    int point, party;          /* party is -1 for a declaratory point (all parties) */
    status_t status;
    time_ms_t since;           /* TIME_NONE when the status has no start */
    standing_t standing;
    char **evidence;           /* "source/id" */
    int evidence_count;
    char **consequences;
    int consequence_count;
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
    bool has_at;
    double lon, lat, value;
    stance_t stance;
} report_info_t;

bool engine_report_info(const engine_t *engine, const char *key, report_info_t *out);

const char *status_name(status_t status);
const char *standing_name(standing_t standing);

/* Appends the rulings as JSON Lines, one object per ruling, per the
 * interchange spec (with the extension fields "score" and "as_of"). */
void rulings_write_json(const rulings_t *rulings, const agreement_t *agreement, buffer_t *out);
/* Appends one ruling as a JSON object (no newline). */
void ruling_write_json(const ruling_t *ruling, const agreement_t *agreement, buffer_t *out);

#endif
