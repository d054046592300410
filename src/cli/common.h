/* common: helpers shared by the CLI commands (not part of the library). */
#ifndef TRUCE_CLI_COMMON_H
#define TRUCE_CLI_COMMON_H

#include "agreement/agreement.h"

/* Loads an agreement, printing every diagnostic to stderr; NULL on failure. */
agreement_t *cli_load_agreement(const char *path);
void cli_print_diagnostics(const diagnostics_t *errors);
/* RFC 3339 time or a calendar date (2026-06-30, its first millisecond). */
bool cli_parse_time(const char *text, time_ms_t *out);

/* Reads the council's secret key and checks that it is the council's and,
 * when a registry is given, the one it registers. Prints why not. */
#include "ledger/ledger.h"
bool cli_load_council_key(const char *path, const ledger_registry_t *registry, ledger_secret_key_t *key);

#endif
