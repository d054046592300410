/* common: helpers shared by the CLI commands (not part of the library). */
#ifndef TRUCE_CLI_COMMON_H
#define TRUCE_CLI_COMMON_H

#include "agreement/agreement.h"

/* Loads an agreement, printing every diagnostic to stderr; NULL on failure. */
agreement_t *cli_load_agreement(const char *path);
void cli_print_diagnostics(const diagnostics_t *errors);
/* RFC 3339 time or a calendar date (2026-06-30, its first millisecond). */
bool cli_parse_time(const char *text, time_ms_t *out);

#endif
