/* internal: the engine's own data, shared by ingest.c (reports in),
 * evaluate.c (the chronological replay) and rulings.c (rulings out). Not part
 * of the public interface. */
#ifndef TRUCE_ENGINE_INTERNAL_H
#define TRUCE_ENGINE_INTERNAL_H

#include "engine/engine.h"

#define EVIDENCE_KEPT 8        /* evidence listed per ruling; the count says how many more */

/* A report that bears on a rule or an event, as kept until evaluation. */
typedef struct {
    text_t key;                /* "source/id", in the engine's arena */
    uint32_t id_offset;        /* the id starts at key.ptr + id_offset */
    int16_t source, kind, actor, to, target;
    uint8_t source_class;
    uint8_t actor_member;      /* report_t.actor_member: which member of a side acted, plus one */
    bool dead;                 /* superseded by a conflicting report with the same key */
    bool has_at, has_value;
    stance_t stance;
    double lon, lat, value;
    time_ms_t time;
    uint64_t content_hash;
    uint32_t first_ref, ref_count;   /* stance reports: their refs in engine->refs */
} stored_report_t;

typedef enum { FACT_RULE, FACT_HELD, FACT_EVENT, FACT_TIMER, FACT_ASSESSMENT, FACT_VERIFIED } fact_type_t;

/* Rules, events and points are indexed in 23 bits (lint refuses more); the
 * party in 6, where UNATTRIBUTED_PARTY stands for a report naming none. */
#define UNATTRIBUTED_PARTY AGREEMENT_MAX_PARTIES

/* "Report R bears on rule (or event) T for party P." Timers are added at
 * evaluation for the ends of share periods; FACT_VERIFIED facts at the time a
 * verifier confirmed a claim. 16 bytes: there is one per kept incident. */
typedef struct {
    time_ms_t time;
    uint32_t report;           /* stored report index; for timers, the period number */
    uint32_t target : 23;      /* rule, event or (assessments) point index */
    uint32_t party : 6;
    uint32_t type : 3;         /* fact_type_t */
} fact_t;

/* What watches a report kind. */
typedef struct {
    uint32_t type;             /* FACT_RULE, FACT_HELD, FACT_EVENT or FACT_ASSESSMENT */
    uint32_t index;            /* rule or event */
} watcher_t;

struct engine {
    const agreement_t *agreement;
    watcher_t **watchers;      /* per kind */
    int *watcher_count;
    stored_report_t *reports;
    size_t report_count, report_capacity;
    fact_t *facts;
    size_t fact_count, fact_capacity;
    uint32_t *stance_reports;  /* indices of stored reports with a stance */
    size_t stance_count, stance_capacity;
    text_t *refs;
    size_t ref_count, ref_capacity;
    uint32_t *table;           /* (source, id) → stored report index + 1; open addressing */
    size_t table_mask;
    fact_t *pending;           /* scratch: the facts of the report being added */
    arena_t arena;
    engine_counts_t counts;
    time_ms_t latest;
};

/* Looks up a stored report by source index and id; -1 if absent. */
long engine_find(const engine_t *engine, int source, text_t id);
/* Resolves a `refs` entry ("source/id", or a bare id) to stored reports;
 * returns how many match (a bare id may match reports of several sources),
 * writing at most max of them to out. */
int engine_resolve_ref(const engine_t *engine, text_t ref, uint32_t *out, int max);

#endif
