/* common: helpers shared by the CLI commands (not part of the library). */
#ifndef TRUCE_CLI_COMMON_H
#define TRUCE_CLI_COMMON_H

#include "agreement/agreement.h"

/* Loads an agreement, printing every diagnostic to stderr; NULL on failure. */
agreement_t *cli_load_agreement(const char *path);
/* geo_init and cli_load_agreement; on failure geo_finish again and NULL.
 * cli_close_agreement frees it and calls geo_finish. */
agreement_t *cli_open_agreement(const char *path);
void cli_close_agreement(agreement_t *agreement);
/* The same for `truce lint`: warnings (constructs with no effect) printed too
 * when show_warnings, and counted in *warnings (may be NULL). */
agreement_t *cli_lint_agreement(const char *path, bool show_warnings, size_t *warnings);
void cli_print_diagnostics(const diagnostics_t *errors);
/* RFC 3339 time or a calendar date (2026-06-30, its first millisecond). */
bool cli_parse_time(const char *text, time_ms_t *out);

/* Calls on_line for every non-blank line of a file (`-`: standard input),
 * until it returns false. Returns EXIT_OK, or EXIT_INPUT after printing why
 * the file could not be opened or read. */
typedef bool (*cli_line_fn)(void *context, const char *path, long number, const char *line, size_t len);
int cli_each_line(const char *path, cli_line_fn on_line, void *context);

/* Streams a reports file (`-`: standard input) through the parser into the
 * engine: rejected lines are named on stderr (unless quiet) and counted,
 * conflicting versions of a report warned about. Returns like cli_each_line. */
#include "engine/engine.h"
int cli_feed_reports(const char *path, report_parser_t *parser, engine_t *engine, bool quiet, long *read,
                     long *rejected);
/* The same, also counting in *after the valid reports dated after as_of
 * (TIME_NONE: none counted), which `check --as-of` ignores and says so. */
int cli_feed_reports_until(const char *path, report_parser_t *parser, engine_t *engine, bool quiet, long *read,
                           long *rejected, time_ms_t as_of, long *after);

/* "truce: error: MESSAGE" and "see 'truce COMMAND --help'"; returns EXIT_USAGE. */
int cli_usage_error(const char *command, const char *message);
/* A whole non-negative decimal number. */
bool cli_parse_count(const char *text, uint64_t *out);

/* Reads the council's secret key and, when a registry is given, checks that
 * it belongs to the agreement's council source (whatever its name) and is the
 * key the agreement registers. Prints why not. */
#include "ledger/ledger.h"
bool cli_load_council_key(const char *path, const ledger_registry_t *registry, ledger_secret_key_t *key);
/* Signs a C2SP checkpoint of the latest tree head (cmd_checkpoint.c): origin
 * when given, else the log's, else truce/<agreement_name> (may be NULL).
 * The note is appended to out (may be NULL). Prints why not. */
bool cli_sign_checkpoint(ledger_t *ledger, const ledger_secret_key_t *council, const char *origin,
                         const char *agreement_name, buffer_t *out);

#endif
