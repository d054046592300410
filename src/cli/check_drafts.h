/* check_drafts: `truce check --drafts A B [C...] REPORTS...`, the what-if
 * replay of the same reports under several drafts of an agreement. */
#ifndef TRUCE_CLI_CHECK_DRAFTS_H
#define TRUCE_CLI_CHECK_DRAFTS_H

#include <stdbool.h>
#include "base/base.h"

/* argv holds the drafts (names ending in .truce) and the report files, in any
 * order. Returns an exit code: 0 no ruling differs, 1 some differ, 2 usage
 * (fewer than two drafts, no reports, drafts with other parties), 3 input. */
int check_drafts(int argc, char **argv, time_ms_t as_of, bool json, bool quiet);

#endif
