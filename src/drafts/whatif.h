/* whatif: the same reports replayed under several drafts (truce check
 * --drafts): report indices carried from one draft to another, and the
 * rulings that differ set side by side. */
#ifndef TRUCE_DRAFTS_WHATIF_H
#define TRUCE_DRAFTS_WHATIF_H

#include "drafts/drafts.h"
#include "engine/engine.h"

#define DRAFTS_MAX 8

/* Tables carrying a report validated against `from` to `to`'s indices, by
 * name. Both agreements are borrowed. Caller frees. */
typedef struct draft_translation draft_translation_t;
draft_translation_t *drafts_translation_new(const agreement_t *from, const agreement_t *to);
void drafts_translation_free(draft_translation_t *t);
/* False when the report names a source, kind, party or place `to` does not
 * declare: it cannot bear on that draft. Text fields stay borrowed from in. */
bool drafts_translate(const draft_translation_t *t, const report_t *in, report_t *out);

/* The drafts, their short names (columns) and their rulings on the same reports. */
typedef struct {
    const agreement_t *drafts[DRAFTS_MAX];
    const char *names[DRAFTS_MAX];
    rulings_t *rulings[DRAFTS_MAX];
    int count;
} draft_set_t;

/* Appends, per point of the first draft (then the points only later drafts
 * have) and party, the rulings that differ between the drafts: a table with
 * each draft's reason, or with json one object per difference per line
 * (docs/drafts.md). Returns the number of differences. */
int drafts_compare(const draft_set_t *set, bool json, buffer_t *out);

#endif
