/* check_log: `truce check --log DB` — feeds the engine from the signed log up
 * to a tree head (so that anyone can replay exactly that prefix), and records
 * the resulting rulings back into the log as a council entry citing the head. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/check_log.h"
#include "cli/commands.h"
#include "cli/common.h"

typedef struct {
    report_parser_t *parser;
    engine_t *engine;
    jcs_document_t *document;
    const char *path;
    const char *council;           /* the agreement's council source: its records are skipped */
    time_ms_t as_of;               /* TIME_NONE, or --as-of: reports after it are counted */
    long rejected, records, after_as_of;
} log_feed_t;

/* One entry: a report for the engine, or a council record (skipped). An entry
 * the agreement no longer accepts is counted and named, never silently lost. */
static bool feed_entry(void *context, uint64_t index, const char *bytes, size_t len) {
    log_feed_t *feed = context;
    report_t report;
    char reason[320];
    if (report_parse(feed->parser, bytes, len, &report, reason, sizeof reason)) {
        feed->after_as_of += feed->as_of != TIME_NONE && report.time > feed->as_of;
        engine_add(feed->engine, &report);
        return true;
    }
    char ignored[LEDGER_ERROR_SIZE];
    if (jcs_parse(feed->document, bytes, len, ignored, sizeof ignored) && ledger_is_record(jcs_root(feed->document), feed->council)) {
        feed->records++;
        return true;
    }
    feed->rejected++;
    fprintf(stderr, "%s: entry %" PRIu64 ": not a valid report under this agreement: %s\n", feed->path, index, reason);
    return true;
}

/* The prefix to rule on: --size, else the latest signed head, else the log. */
static bool choose_size(ledger_t *ledger, const char *path, uint64_t requested, check_log_t *out) {
    char error[LEDGER_ERROR_SIZE];
    bool found = false;
    if (!ledger_latest_head(ledger, &out->head, &found, error, sizeof error)) {
        cli_error("%s: %s", path, error);
        return false;
    }
    out->has_head = found && (requested == UINT64_MAX || requested == out->head.tree_size);
    out->size = requested != UINT64_MAX ? requested : found ? out->head.tree_size : ledger_size(ledger);
    if (out->size > ledger_size(ledger)) {
        cli_error("--size %" PRIu64 ": the log holds only %" PRIu64 " entries", out->size, ledger_size(ledger));
        return false;
    }
    if (!ledger_root(ledger, out->size, out->root, error, sizeof error)) {
        cli_error("%s: %s", path, error);
        return false;
    }
    return true;
}

int check_log_ingest(const char *path, uint64_t requested_size, const agreement_t *agreement,
                     report_parser_t *parser, engine_t *engine, time_ms_t as_of, check_log_t *out) {
    char error[LEDGER_ERROR_SIZE];
    memset(out, 0, sizeof *out);
    if (!ledger_init()) return EXIT_INTERNAL;
    ledger_t *ledger = ledger_open(path, LEDGER_READ_ONLY, error, sizeof error);
    if (!ledger) {
        cli_error("%s", error);
        return EXIT_INPUT;
    }
    int status = choose_size(ledger, path, requested_size, out) ? EXIT_OK : EXIT_INPUT;
    int council = agreement_council(agreement);
    log_feed_t feed = {parser, engine, jcs_document_new(), path, council >= 0 ? agreement->sources[council].name : NULL,
                       as_of, 0, 0, 0};
    if (status == EXIT_OK && !ledger_foreach(ledger, 0, out->size, feed_entry, &feed, error, sizeof error)) {
        cli_error("%s: %s", path, error);
        status = EXIT_INPUT;
    }
    out->rejected = feed.rejected;
    out->records = feed.records;
    out->after_as_of = feed.after_as_of;
    jcs_document_free(feed.document);
    ledger_close(ledger);
    return status;
}

void check_log_describe(const char *path, const check_log_t *log) {
    buffer_t root = {0};
    ledger_hex_append(log->root, LEDGER_HASH_SIZE, &root);
    char signed_at[32] = "";
    if (log->has_head) time_format(log->head.timestamp_ms, signed_at);
    fprintf(stderr, "truce: ruling on %s at tree size %" PRIu64 ", root %s (%s%s)%s\n", path, log->size, root.data,
            log->has_head ? "signed tree head of " : "no signed tree head at this size", signed_at,
            log->records ? "; council records skipped" : "");
    buffer_free(&root);
}

int check_log_record(const char *path, const char *key_path, const agreement_t *agreement,
                     const rulings_t *rulings, const check_log_t *log) {
    ledger_secret_key_t council;
    ledger_registry_t *registry = ledger_registry_from_agreement(agreement);
    bool have_key = cli_load_council_key(key_path, registry, &council);
    ledger_registry_free(registry);
    if (!have_key) return EXIT_INPUT;
    char error[LEDGER_ERROR_SIZE];
    ledger_t *ledger = ledger_open(path, LEDGER_READ_WRITE, error, sizeof error);
    int status = ledger ? EXIT_OK : EXIT_INPUT;
    if (!ledger) cli_error("%s", error);
    buffer_t fields = {0}, id = {0};
    char as_of[32];
    time_format(rulings->as_of, as_of);
    buffer_printf(&fields, "{\"agreement\":");
    buffer_json_string(&fields, agreement->name, strlen(agreement->name));
    buffer_printf(&fields, ",\"as_of\":\"%s\",\"rulings\":[", as_of);
    for (int i = 0; i < rulings->count; i++) {
        if (i) buffer_puts(&fields, ",");
        ruling_write_json(&rulings->items[i], agreement, &fields);
    }
    buffer_puts(&fields, "]}");
    buffer_printf(&id, "rulings-%" PRIu64 "-%s", log->size, as_of);
    uint64_t index = 0;
    if (ledger && !ledger_append_record(ledger, &council, id.data, "rulings", fields.data, log->size, &index, error,
                                        sizeof error)) {
        cli_error("recording the rulings in %s: %s", path, error);
        status = EXIT_INTERNAL;
    }
    if (status == EXIT_OK)
        fprintf(stderr, "truce: recorded the rulings as entry %" PRIu64 " (%s/%s), citing tree size %" PRIu64 "\n",
                index, council.source, id.data, log->size);
    buffer_free(&fields);
    buffer_free(&id);
    ledger_key_wipe(&council);
    ledger_close(ledger);
    return status;
}
