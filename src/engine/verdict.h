/* verdict: the outcome for one norm (a rule binding one party) as of a
 * time, read from its replayed state. Internal to src/engine. */
#ifndef TRUCE_ENGINE_VERDICT_H
#define TRUCE_ENGINE_VERDICT_H

#include <stdarg.h>
#include "engine/replay.h"

typedef struct {
    status_t status;
    time_ms_t since;
    standing_t standing;
    int score;                 /* 0-3, -1 unscored */
    const char *sanction_tag;  /* set for a sanction rule that applies */
    time_ms_t late_by;         /* met after the deadline, by this long; 0 */
    time_ms_t respected_since; /* a breach that has ended; TIME_NONE */
    bool silent;               /* in: no sentence wanted (the replay's history asks often) */
    char why[480];
} verdict_t;

/* The verdict for a rule and a party slot (party_count: unattributed) as of
 * `now`, which is the replay's as_of or, for its history, an earlier time
 * up to which the norm has been replayed. */
void verdict_at(const replay_t *replay, int rule, int party, time_ms_t now, verdict_t *out);
static inline void verdict_of(const replay_t *replay, int rule, int party, verdict_t *out) {
    out->silent = false;
    verdict_at(replay, rule, party, replay->as_of, out);
}

#endif
