/* drafts: compares versions of an agreement. drafts_diff lists, point by
 * point, what changed between two drafts (words, rules, consequences) in the
 * terms a negotiator reads; the what-if replay in cmd_check uses the same
 * point matching (drafts_match) to set rulings side by side. */
#ifndef TRUCE_DRAFTS_H
#define TRUCE_DRAFTS_H

#include "agreement/agreement.h"

typedef enum {
    DRAFT_POINT_ADDED, DRAFT_POINT_REMOVED, DRAFT_POINT_RENUMBERED, DRAFT_TITLE_CHANGED, DRAFT_TEXT_CHANGED,
    DRAFT_RULE_ADDED, DRAFT_RULE_REMOVED, DRAFT_RULE_CHANGED,
    DRAFT_CONSEQUENCE_ADDED, DRAFT_CONSEQUENCE_REMOVED,
    DRAFT_BECAME_DECLARATORY, DRAFT_BECAME_CHECKED, DRAFT_REASON_CHANGED,
} draft_change_type_t;

/* One change. Strings are owned by the diff; NULL when they do not apply. */
typedef struct {
    draft_change_type_t type;
    const char *old_label, *new_label; /* the point in each draft; NULL when it is not in that draft */
    const char *title;         /* the point's title (the new draft's when it has one), for headings */
    const char *rule;          /* the rule as written in the old draft (the new one for rule.added) */
    const char *new_rule;      /* DRAFT_RULE_CHANGED: the rule as written in the new draft */
    const char *field;         /* DRAFT_RULE_CHANGED: parties, kind, bound, zone, targets, window, ... */
    const char *old_value, *new_value;
    const char *words;         /* DRAFT_TEXT_CHANGED: word diff, [-removed-] and {+added+} */
    bool has_area;             /* a zone changed: the area it gains and loses, km² */
    double km2_gained, km2_lost;
} draft_change_t;

typedef struct {
    draft_change_t *items;
    int count, capacity;
    arena_t arena;
} draft_diff_t;

/* For each point of `new`, the index of the point of `old` it continues: the
 * one it `replaces`, else the one with its label (unless another point of
 * `new` replaces that one); -1 for a new point. Caller frees. */
int *drafts_match(const agreement_t *old, const agreement_t *new);

/* False, with the reason in error, when the drafts cannot be compared: they
 * declare different parties. */
bool drafts_comparable(const agreement_t *old, const agreement_t *new, char *error, size_t error_size);

/* The changes from old to new, in the order of new's points (removed points
 * where they stood). Needs geo_init() for zone areas. Caller frees with
 * draft_diff_free. */
draft_diff_t *drafts_diff(const agreement_t *old, const agreement_t *new);
void draft_diff_free(draft_diff_t *diff);

const char *draft_change_name(draft_change_type_t type);   /* "rule.changed" */
/* For people: one block per point. */
void draft_diff_write_text(const draft_diff_t *diff, bool color, buffer_t *out);
/* For programs: one JSON object per change, per line (docs/drafts.md). */
void draft_diff_write_json(const draft_diff_t *diff, buffer_t *out);
/* The word diff of two texts: [-removed-] and {+added+} around changed runs. */
char *drafts_word_diff(arena_t *arena, const char *old, const char *new);

#endif
