/* verdict: the outcome for one norm (a rule binding one party) after the
 * replay. Internal to src/engine. */
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
    char why[400];
} verdict_t;

void verdict_of(const replay_t *replay, int rule, int party, verdict_t *out);

#endif
