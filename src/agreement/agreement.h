/* agreement: the agreement language. Parses a .truce file (points, their
 * words, their rules) into an immutable agreement_t that the report parser
 * validates against and the engine evaluates. Syntax: docs/language.md. */
#ifndef TRUCE_AGREEMENT_H
#define TRUCE_AGREEMENT_H

#include <stdbool.h>
#include <stdint.h>
#include "base/base.h"
#include "geo/geo.h"

#define AGREEMENT_MAX_PARTIES 32
#define RULE_MAX_TARGETS 8
#define EVENT_MAX_AFTER 8
#define RULE_MAX_VERIFIERS 8
/* Rules, events and points are indexed in 23 bits by the engine (a fact is
 * 16 bytes); lint refuses an agreement with more. */
#define AGREEMENT_MAX_INDEX ((1 << 23) - 1)

/* Report fields, as bits, for a kind's required fields. */
enum {
    FIELD_ACTOR = 1 << 0, FIELD_TO = 1 << 1, FIELD_AT = 1 << 2, FIELD_TARGET = 1 << 3,
    FIELD_VALUE = 1 << 4, FIELD_CAUSE = 1 << 5, FIELD_REFS = 1 << 6, FIELD_STANCE = 1 << 7,
};

typedef enum { SOURCE_PARTY, SOURCE_MONITOR, SOURCE_COUNCIL, SOURCE_BODY } source_class_t;

typedef struct {
    char *code;            /* "UA" */
    char *name;            /* "Ukraine" */
    int line;
} party_t;

/* A member of a side that acts as one party (`party ORDLO "…" = DPR, LPR`):
 * reports by or about a member count for its side and say which member. */
typedef struct {
    char *code;            /* "DPR" */
    char *name;            /* optional */
    int party;             /* the side */
    int line;
} member_t;

typedef struct {
    char *name;            /* "party:UA", "monitor:osce", "council" */
    char *description;
    source_class_t class;
    int party;             /* for SOURCE_PARTY: the party it speaks for; else -1 */
    bool has_key;
    uint8_t key[32];       /* Ed25519 public key, when registered */
    int line;
} source_t;

/* One period of a place declared in versions (`until 2015-02-18`, then
 * `from 2015-02-18`): its geometry in force over [from, until). */
typedef struct {
    zone_t *zone;
    geo_line_t *polyline;
    time_ms_t from, until;     /* TIME_NONE: unbounded */
    char *file;
    int line;
} place_version_t;

/* A named place: a zone with geometry (from GeoJSON, or a circle around a
 * point), or a name without geometry (a river, a statute) that reports may
 * name as their `target`. */
typedef struct {
    char *name;
    char *description;
    zone_t *zone;          /* NULL when the place has no area (a line, a point, a name) */
    geo_line_t *polyline;  /* a line place (LineString GeoJSON); NULL otherwise */
    char *file;            /* GeoJSON path as written, or NULL */
    char *expression;      /* `= EXPR` as written (a computed zone), or NULL */
    bool illustrative;     /* drawn by us, not an agreed boundary */
    double lon, lat;       /* centre, when declared with `at` */
    bool has_point;
    int point;             /* for the object "point:LABEL" made for each point; else -1 */
    int line;
    time_ms_t from, until;     /* the period of this declaration (`from`, `until`); TIME_NONE: unbounded */
    place_version_t *versions; /* a place declared in versions: each period, in time order; zone and
                                  polyline above are then the latest version's (owned by versions) */
    int version_count;
} place_t;

#define KIND_MAX_DETAILS 8
#define DETAIL_MAX_WORDS 32
#define RULE_MAX_CONDITIONS 4

/* A detail a kind's reports carry beside the standard fields, as a member of
 * its own ("weapon": "mlrs", "calibre": 122): a word from a list, a number
 * (with a unit, for readers), or a count (a whole number). */
typedef enum { DETAIL_WORD, DETAIL_NUMBER, DETAIL_COUNT } detail_type_t;

typedef struct {
    char *name;            /* "calibre" */
    detail_type_t type;
    char *words[DETAIL_MAX_WORDS];  /* DETAIL_WORD: the allowed words */
    int word_count;
    char *unit;            /* DETAIL_NUMBER: "mm", or NULL */
    bool optional;         /* reports may leave it out */
    int line;
} detail_t;

typedef struct {
    char *name;            /* "forces.present" */
    unsigned required;     /* FIELD_* bits */
    detail_t *details;     /* `detail KIND NAME ...` lines; a report's values sit at the same index */
    int detail_count;
    int line;
} kind_t;

/* A `where` filter: a detail (or the report's value) compared with a number,
 * or a word detail in a set of words. */
typedef enum { CONDITION_AT_MOST, CONDITION_BELOW, CONDITION_AT_LEAST, CONDITION_ABOVE, CONDITION_EQUAL,
               CONDITION_IN } condition_op_t;

typedef struct {
    int detail;            /* index into the rule's kind's details; -1: the report's value */
    condition_op_t op;
    double bound;
    uint32_t words;        /* CONDITION_IN: bit i set: word i of the detail */
} condition_t;

/* An event dates deadlines and windows: the earliest confirmed report of a
 * kind (optionally by a party, about a target); the latest (`after`) or the
 * earliest (`first of`) of other events; another event plus some days; or a
 * fixed time. Events written inline (`from withdrawal + 2 days`, `from
 * 2015-02-15T00:00 Europe/Kyiv`) are added to the table under that text. */
typedef struct {
    char *name;
    int kind;              /* -1 when not dated by reports */
    int party;             /* -1: any */
    int target;            /* -1: any */
    int after[EVENT_MAX_AFTER];
    int after_count;
    bool first;            /* `first of`: the earliest of `after` instead of the latest */
    int base;              /* -1, or the event this one follows by offset_days */
    int64_t offset_days;
    time_ms_t at;          /* TIME_NONE, or the fixed time of a date event */
    int line;
} event_t;

/* When a rule binds: from an event (plus an offset), until a deadline. */
typedef struct {
    int start_event;        /* -1: from the beginning of time */
    int deadline_event;     /* -1: no deadline relative to an event */
    int64_t deadline_days;
    int64_t deadline_months;
    time_ms_t deadline_date; /* TIME_NONE: no absolute deadline */
} window_t;

typedef enum {
    RULE_REQUIRE,     /* party must do X (optionally by a deadline) */
    RULE_FORBID,      /* party must not do X (optionally in a zone, unless a cause) */
    RULE_LIMIT,       /* a reported quantity stays within a bound */
    RULE_SHARE,       /* a quantity is shared between parties in a ratio per period */
    RULE_EXCHANGE,    /* all-for-all: each side releases everyone it holds */
    RULE_GRANT,       /* a benefit that holds until a consequence voids it */
    RULE_SANCTION,    /* sanctions on any party that violates any other point */
    RULE_DECLARATORY, /* only the council can rule on it */
} rule_type_t;

typedef enum { COMPARE_AT_MOST, COMPARE_BELOW, COMPARE_AT_LEAST, COMPARE_ABOVE } comparison_t;

typedef struct {
    rule_type_t type;
    int point;
    int line, column;
    uint32_t parties;          /* bit i set: the rule binds party i */
    int kind;                  /* report kind the rule watches; -1 for grant/declaratory */
    int place;                 /* zone filter, -1: anywhere */
    bool outside;              /* true: the filter is "outside place" */
    int targets[RULE_MAX_TARGETS];
    int target_count;          /* target filter (by name, or by `at` inside the place) */
    int to_party;              /* -1: any recipient */
    bool unless_cause;         /* a report with a claimed cause does not count */
    condition_t conditions[RULE_MAX_CONDITIONS];   /* `where` filters, all must hold */
    int condition_count;
    comparison_t comparison;   /* RULE_LIMIT */
    double bound;
    int share_party[2];        /* RULE_SHARE */
    double share_weight[2];
    int64_t period_days;
    double tolerance_percent;
    int held_kind;             /* RULE_EXCHANGE: the kind that counts who is held */
    bool registry_by_any;      /* RULE_EXCHANGE `registry by any`: registries from any source, not only verifiers */
    bool any_party;            /* `any`: also binds reports that name no party (unattributed incidents) */
    int verifiers[RULE_MAX_VERIFIERS]; /* `verified by S, ...`: the sources whose word verifies */
    int verifier_count;        /* 0: the agreement's monitors (the council always verifies) */
    int64_t quiet_days;        /* forbid `quiet N days`: a breach has ended after N days without incident */
    char *text;                /* grant: what is granted; declaratory: why not machine-checked;
                                  sanction: the consequence tag */
    char *source_text;         /* the rule's line as written, for explanations */
    window_t window;
} rule_t;

typedef enum { ACTION_VOID, ACTION_SUSPEND, ACTION_CONSEQUENCE } action_type_t;

typedef struct {
    action_type_t type;
    int line, column;
    int point;                 /* ACTION_VOID / ACTION_SUSPEND: the point affected */
    int party;                 /* the party it applies to; -1: the violator */
    char *tag;                 /* ACTION_CONSEQUENCE: "sanctions:reinstated" */
} action_t;

/* "on violation [by PARTY]: action, action" attached to a point. */
typedef struct {
    int point;
    int party;                 /* -1: a violation by any party */
    action_t *actions;
    int action_count;
    int line;
} reaction_t;

typedef struct {
    char *label;               /* "10d": stable across drafts */
    char *title;               /* optional short title after the label */
    char *text;                /* the point's words */
    char *replaces;            /* `replaces LABEL`: the label this point had in an earlier draft; NULL */
    int first_rule, rule_count;
    int line;
} point_t;

typedef struct {
    char *path;                /* the file it was read from */
    char *name, *title;
    party_t *parties;    int party_count;
    member_t *members;   int member_count;
    source_t *sources;   int source_count;
    place_t *places;     int place_count;
    kind_t *kinds;       int kind_count;
    event_t *events;     int event_count;
    point_t *points;     int point_count;
    rule_t *rules;       int rule_count;
    reaction_t *reactions; int reaction_count;
    int assessment_kind;       /* `assessment KIND`: the council's 0-3 score of a declaratory
                                  point (target "point:LABEL"); -1 when not declared */
    arena_t arena;             /* owns every string above */
} agreement_t;

/* The most places (targets included), kinds or sources an agreement may
 * have: a stored report names them in 16 bits, so lint refuses more
 * (src/agreement/limits.c) rather than let reports be misjudged. */
#define AGREEMENT_MAX_ITEMS 32767

/* Reads and checks an agreement. Every problem found is appended to errors
 * (file:line:column and reason); returns NULL when there was any. Zone files
 * are resolved relative to the agreement's folder. Caller frees with
 * agreement_free. Needs geo_init(). */
agreement_t *agreement_load(const char *path, diagnostics_t *errors);
agreement_t *agreement_parse(const char *path, const char *text, size_t len, diagnostics_t *errors);
void agreement_free(agreement_t *agreement);

/* Look-ups by name; -1 when unknown. */
int agreement_party(const agreement_t *a, text_t code);
int agreement_member(const agreement_t *a, text_t code);
/* The geometry of a place in force at a time: its only one, or the version
 * whose period holds t (NULL when none does). */
const zone_t *place_zone_at(const place_t *place, time_ms_t t);
const geo_line_t *place_line_at(const place_t *place, time_ms_t t);
int agreement_source(const agreement_t *a, text_t name);
int agreement_place(const agreement_t *a, text_t name);
int agreement_kind(const agreement_t *a, text_t name);
int agreement_point(const agreement_t *a, text_t label);
/* The council's source (declared with `council NAME`, any name); -1 when the
 * agreement declares none. Tree heads and council records are signed with its key. */
int agreement_council(const agreement_t *a);

const char *rule_type_name(rule_type_t type);
/* Whether a report's details (and value) pass every `where` filter of the rule. */
bool rule_conditions_hold(const rule_t *rule, const double *details, uint8_t present, bool has_value, double value);

#endif
