/* common: what several commands share — loading an agreement and printing
 * its diagnostics in the one shape `file:line:column: error: reason`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "report/report.h"

agreement_t *cli_load_agreement(const char *path) { return cli_lint_agreement(path, false, NULL); }

agreement_t *cli_lint_agreement(const char *path, bool show_warnings, size_t *warnings) {
    diagnostics_t found = {0}, shown = {0};
    agreement_t *agreement = agreement_load(path, &found);
    for (size_t i = 0; i < found.count; i++)
        if (show_warnings || !found.items[i].warning) *diagnostics_add(&shown) = found.items[i];
    cli_print_diagnostics(&shown);
    if (warnings) *warnings = found.count - diagnostics_errors(&found);
    diagnostics_free(&found);
    diagnostics_free(&shown);
    return agreement;
}

agreement_t *cli_open_agreement(const char *path) {
    geo_init();
    agreement_t *agreement = cli_load_agreement(path);
    if (!agreement) geo_finish();
    return agreement;
}

void cli_close_agreement(agreement_t *agreement) {
    agreement_free(agreement);
    geo_finish();
}

void cli_print_diagnostics(const diagnostics_t *errors) {
    for (size_t i = 0; i < errors->count; i++) {
        const diagnostic_t *d = &errors->items[i];
        const char *severity = d->warning ? "warning" : "error";
        if (d->line && d->column) fprintf(stderr, "%s:%d:%d: %s: %s\n", d->file, d->line, d->column, severity, d->message);
        else if (d->line) fprintf(stderr, "%s:%d: %s: %s\n", d->file, d->line, severity, d->message);
        else fprintf(stderr, "%s: %s: %s\n", d->file, severity, d->message);
    }
}

bool cli_parse_time(const char *text, time_ms_t *out) {
    size_t len = strlen(text);
    return time_parse_rfc3339(text, len, out) || time_parse_date(text, len, out);
}

bool cli_load_council_key(const char *path, const ledger_registry_t *registry, ledger_secret_key_t *key) {
    char error[LEDGER_ERROR_SIZE];
    if (!ledger_key_read(path, key, error, sizeof error)) {
        cli_error("%s", error);
        return false;
    }
    if (!registry) return true;   /* nothing to check against: truce verify checks every head later */
    const char *council = ledger_registry_council(registry);
    if (!council) {
        cli_error("%s: the agreement declares no council (`council NAME \"description\"`) to sign tree heads", path);
        return false;
    }
    if (strcmp(key->source, council) != 0) {
        cli_error("%s: tree heads and records are signed by the council's key (%s), this one is %s's", path, council,
                  key->source);
        return false;
    }
    const uint8_t *registered = NULL;
    if (ledger_registry_find(registry, text_of(council), &registered) == REGISTRY_KEY &&
        memcmp(registered, key->public_key, LEDGER_PUBLIC_KEY_SIZE) != 0) {
        cli_error("%s: this council key is not the one the agreement registers", path);
        return false;
    }
    return true;
}

static bool blank(const char *line, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') return false;
    return true;
}

int cli_each_line(const char *path, cli_line_fn on_line, void *context) {
    line_reader_t *reader = line_reader_open(path);
    if (!reader) {
        cli_error("cannot read %s: %s", path, strerror(errno));
        return EXIT_INPUT;
    }
    const char *line;
    size_t len;
    long number;
    while (line_reader_next(reader, &line, &len, &number))
        if ((len && line[0] == '{') || !blank(line, len)) /* a report line starts with '{': skip the scan */
            if (!on_line(context, path, number, line, len)) break;
    int error = line_reader_error(reader);
    long at = line_reader_line_number(reader);
    line_reader_close(reader);
    if (error == LINE_READER_TOO_LONG) {
        cli_error("%s:%ld: line longer than %d bytes (the cap on a report line); the rest of the input is not read",
                  path, at, REPORT_MAX_LINE);
        return EXIT_INPUT;
    }
    if (error) {
        cli_error("reading %s: %s", path, strerror(error));
        return EXIT_INPUT;
    }
    return EXIT_OK;
}

typedef struct {
    report_parser_t *parser;
    engine_t *engine;
    bool quiet;
    long *read, *rejected;
    time_ms_t as_of;           /* TIME_NONE, or reports after it are counted in *after */
    long *after;
} feed_t;

/* One line: parsed, validated, and given to the engine; or rejected, named. */
static bool feed_line(void *context, const char *path, long number, const char *line, size_t len) {
    feed_t *feed = context;
    char reason[320];
    report_t report;
    (*feed->read)++;
    if (!report_parse(feed->parser, line, len, &report, reason, sizeof reason)) {
        (*feed->rejected)++;
        if (!feed->quiet) fprintf(stderr, "%s:%ld: rejected: %s\n", path, number, reason);
        return true;
    }
    if (feed->as_of != TIME_NONE && report.time > feed->as_of) (*feed->after)++;
    if (engine_add(feed->engine, &report) == ENGINE_CONFLICT)
        fprintf(stderr, "%s:%ld: warning: %.*s/%.*s was already reported with other content; "
                        "the version with the smaller content hash is kept\n",
                path, number, (int)report.source.len, report.source.ptr, (int)report.id.len, report.id.ptr);
    return true;
}

int cli_feed_reports(const char *path, report_parser_t *parser, engine_t *engine, bool quiet, long *read,
                     long *rejected) {
    return cli_feed_reports_until(path, parser, engine, quiet, read, rejected, TIME_NONE, NULL);
}

int cli_feed_reports_until(const char *path, report_parser_t *parser, engine_t *engine, bool quiet, long *read,
                           long *rejected, time_ms_t as_of, long *after) {
    feed_t feed = {parser, engine, quiet, read, rejected, as_of, after};
    return cli_each_line(path, feed_line, &feed);
}

int cli_usage_error(const char *command, const char *message) {
    cli_error("%s", message);
    fprintf(stderr, "see 'truce %s --help'\n", command);
    return EXIT_USAGE;
}

bool cli_parse_count(const char *text, uint64_t *out) {
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-') return false;
    *out = value;
    return true;
}
