/* submit: POST /v1/reports. On the HTTP thread, each report of the body (one
 * report, or JSON Lines) is parsed, validated against the agreement, looked up
 * in the log (a replay is answered at once), checked against its source's
 * registered key and rate-limited per client and per source; the writer then
 * stores the survivors in its next group commit, and the answer lists every
 * report's outcome in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"

static item_t *add_item(job_t *job, long line) {
    if (job->item_count == job->item_capacity) {
        job->item_capacity = job->item_capacity ? job->item_capacity * 2 : 8;
        job->items = xrealloc(job->items, job->item_capacity * sizeof *job->items);
    }
    item_t *item = &job->items[job->item_count++];
    *item = (item_t){.line = line, .status = ITEM_PENDING};
    return item;
}

static void reject(server_t *server, job_t *job, item_t *item, reject_reason_t reason, const char *text) {
    item->status = ITEM_REJECTED;
    item->reason_class = reason;
    item->reason = job->bytes.len;
    buffer_puts(&job->bytes, text);
    item->reason_len = job->bytes.len - item->reason;
    atomic_fetch_add(&server->metrics.rejected[reason], 1);
}

static reject_reason_t signature_reason(signature_check_t check) {
    switch (check) {
    case SIGNATURE_MISSING: return REJECT_UNSIGNED;
    case SIGNATURE_UNKNOWN_SOURCE: return REJECT_UNKNOWN_SOURCE;
    case SIGNATURE_NO_KEY: return REJECT_NO_KEY;
    default: return REJECT_BAD_SIGNATURE;
    }
}

/* Keeps "source/id" when the report names both as strings. */
static void keep_key(job_t *job, item_t *item, const jcs_value_t *root) {
    text_t source, id;
    if (!jcs_member_string(root, "source", &source) || !jcs_member_string(root, "id", &id)) return;
    item->key = job->bytes.len;
    buffer_append(&job->bytes, source.ptr, source.len);
    buffer_puts(&job->bytes, "/");
    buffer_append(&job->bytes, id.ptr, id.len);
    item->key_len = job->bytes.len - item->key;
    item->source_len = source.len;
}

/* The log's entry for the report's (source, id), when it has one: looked up
 * on this thread's own read-only connection (WAL lets it read while the
 * writer writes), so a replay is answered without the writer. False when
 * not logged yet, or when the log cannot be read here (the writer then
 * finds the duplicate, as before). */
static bool find_logged(server_t *server, worker_t *worker, const job_t *job, item_t *item) {
    if (!worker->reader_tried) {
        char error[LEDGER_ERROR_SIZE];
        worker->reader_tried = true;
        worker->reader = ledger_open(server->options.log_path, LEDGER_READ_ONLY, error, sizeof error);
    }
    if (!worker->reader || !item->key_len) return false;
    text_t source = {job->bytes.data + item->key, item->source_len};
    text_t id = {job->bytes.data + item->key + item->source_len + 1, item->key_len - item->source_len - 1};
    char error[LEDGER_ERROR_SIZE];
    bool found = false;
    worker->entry.len = 0;
    if (!ledger_find(worker->reader, source, id, &item->index, &found, error, sizeof error) || !found
        || !ledger_entry(worker->reader, item->index, &worker->entry, error, sizeof error))
        return false;
    item->differs = worker->entry.len != item->entry_len
                 || memcmp(worker->entry.data, job->bytes.data + item->entry, item->entry_len) != 0;
    return true;
}

/* Checks one report, cheapest checks first (docs/server.md, "Order of
 * checks"): its shape, then whether it is logged already (answered at
 * once, charged to the client but to no source), then its signature
 * (charged to the client unless it verifies), then its source's budget.
 * Leaves it pending (its canonical bytes kept), duplicate or rejected. */
static void check_report(server_t *server, worker_t *worker, job_t *job, uint32_t client, long line, const char *text,
                         size_t len) {
    item_t *item = add_item(job, line);
    char error[LEDGER_ERROR_SIZE], reason[LEDGER_ERROR_SIZE + 64];
    if (!jcs_parse(worker->doc, text, len, error, sizeof error)) {
        snprintf(reason, sizeof reason, "malformed JSON: %s", error);
        reject(server, job, item, REJECT_MALFORMED, reason);
        return;
    }
    if (jcs_type(jcs_root(worker->doc)) != JCS_OBJECT) {
        reject(server, job, item, REJECT_MALFORMED, "malformed JSON: a report is a JSON object");
        return;
    }
    const jcs_value_t *root = jcs_root(worker->doc);
    keep_key(job, item, root);
    uint8_t signature[LEDGER_SIGNATURE_SIZE];
    const uint8_t *key = NULL;
    worker->scratch.len = 0;
    signature_check_t check = ledger_prepare_report_check(worker->doc, server->registry, &worker->scratch, signature,
                                                          &key, error, sizeof error);
    if (check != SIGNATURE_VALID) { reject(server, job, item, signature_reason(check), error); return; }
    report_t report;
    if (!report_parse(worker->parser, text, len, &report, error, sizeof error)) {
        snprintf(reason, sizeof reason, "invalid report: %s", error);
        reject(server, job, item, REJECT_INVALID, reason);
        return;
    }
    if (time_too_far_ahead(report.time, wall_clock_ms(), server->options.max_future_ms, error, sizeof error)) {
        reject(server, job, item, REJECT_INVALID, error);   /* never stored: it would move the clock */
        return;
    }
    item->entry = job->bytes.len;
    jcs_serialize(root, NULL, &job->bytes);
    item->entry_len = job->bytes.len - item->entry;
    if (find_logged(server, worker, job, item)) {
        item->status = ITEM_DUPLICATE;
        atomic_fetch_add(&server->metrics.duplicates, 1);
        client_limiter_take(server->clients, client);
        return;
    }
    if (!client_limiter_take(server->clients, client)) {
        reject(server, job, item, REJECT_CLIENT_LIMITED,
               "rate limited: too many reports from this client address that did not verify or were logged already; retry later");
        return;
    }
    if (!ledger_signature_verifies(worker->scratch.data, worker->scratch.len, signature, key)) {
        snprintf(reason, sizeof reason, "bad signature: does not verify against the registered key of '%.*s'",
                 (int)item->source_len, job->bytes.data + item->key);
        reject(server, job, item, REJECT_BAD_SIGNATURE, reason);
        return;
    }
    client_limiter_refund(server->clients, client);   /* verified: not the client's unverified work */
    if (!rate_limiter_take(server->limiter, report.source_index)) {
        snprintf(reason, sizeof reason, "rate limited: more than %g reports/s from '%.*s'; retry later",
                 server->options.rate_per_second, (int)item->source_len, job->bytes.data + item->key);
        reject(server, job, item, REJECT_RATE_LIMITED, reason);
        return;
    }
}

static bool blank(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return false;
    return true;
}

static void trim(const char **s, size_t *len) {
    while (*len && strchr(" \t\r\n", (*s)[0])) (*s)++, (*len)--;
    while (*len && strchr(" \t\r\n", (*s)[*len - 1])) (*len)--;
}

/* One report (any JSON formatting), or JSON Lines. */
static void check_body(server_t *server, worker_t *worker, job_t *job, uint32_t client, const char *body, size_t len) {
    if (len >= 3 && !memcmp(body, "\xEF\xBB\xBF", 3)) body += 3, len -= 3;   /* a leading UTF-8 BOM, as truce check skips one */
    const char *text = body;
    size_t text_len = len;
    char error[LEDGER_ERROR_SIZE];
    trim(&text, &text_len);
    if (!memchr(text, '\n', text_len) || jcs_parse(worker->doc, text, text_len, error, sizeof error)) {
        check_report(server, worker, job, client, 1, text, text_len);
        return;
    }
    long number = 0;
    for (const char *line = body, *end = body + len; line < end;) {
        const char *newline = memchr(line, '\n', (size_t)(end - line));
        size_t line_len = newline ? (size_t)(newline - line) : (size_t)(end - line);
        number++;
        if (!blank(line, line_len)) {
            const char *report = line;
            size_t report_len = line_len;
            trim(&report, &report_len);
            check_report(server, worker, job, client, number, report, report_len);
        }
        line += line_len + 1;
    }
}

enum MHD_Result submit_reports(request_t *request) {
    server_t *server = request->server;
    if (blank(request->body.data ? request->body.data : "", request->body.len))
        return respond_error(request, MHD_HTTP_BAD_REQUEST, "the body is empty: send a signed report, or JSON Lines of them");
    size_t lines = 1;
    for (const char *p = request->body.data, *end = p + request->body.len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        lines++;
    if (lines > SERVER_MAX_REPORTS)
        return respond_error(request, MHD_HTTP_CONTENT_TOO_LARGE, "more than %d lines in one request; send at most %d reports at a time",
                             SERVER_MAX_REPORTS, SERVER_MAX_REPORTS);
    /* A client that spent its budget of unverified work is refused at the
     * door, before any parsing: its flood costs the server next to nothing. */
    if (!client_limiter_has(server->clients, request->client)) {
        atomic_fetch_add(&server->metrics.rejected[REJECT_CLIENT_LIMITED], 1);
        return respond_error(request, MHD_HTTP_TOO_MANY_REQUESTS,
                             "rate limited: too many reports from this client address that did not verify or were logged already; retry later");
    }
    job_t *job = job_new(NULL);
    check_body(server, server_worker(server), job, request->client, request->body.data, request->body.len);
    for (size_t i = 0; i < job->item_count; i++)
        if (job->items[i].status == ITEM_PENDING) return respond_later(request, job);
    enum MHD_Result result = submit_answer(request, job);
    job_free(job);
    return result;
}

/* ------------------------------------------------------------ the answer */

static const char *const ITEM_STATUS[] = {"pending", "accepted", "duplicate", "rejected"};

static void write_item(buffer_t *out, const job_t *job, const item_t *item) {
    buffer_printf(out, "{\"line\":%ld,\"key\":", item->line);
    if (item->key_len) buffer_json_string(out, job->bytes.data + item->key, item->key_len);
    else buffer_puts(out, "null");
    buffer_printf(out, ",\"status\":\"%s\"", ITEM_STATUS[item->status]);
    if (item->status == ITEM_REJECTED) {
        buffer_puts(out, ",\"reason\":");
        buffer_json_string(out, job->bytes.data + item->reason, item->reason_len);
        buffer_printf(out, ",\"reason_code\":\"%s\"", reject_reason_label(item->reason_class));
    } else {
        buffer_printf(out, ",\"index\":%llu", (unsigned long long)item->index);
        if (item->differs) buffer_puts(out, ",\"note\":\"differs from the stored entry, which stands\"");
    }
    buffer_puts(out, "}");
}

static unsigned reject_status(reject_reason_t reason) {
    switch (reason) {
    case REJECT_MALFORMED: return MHD_HTTP_BAD_REQUEST;
    case REJECT_INVALID: return MHD_HTTP_UNPROCESSABLE_CONTENT;
    case REJECT_RATE_LIMITED: case REJECT_CLIENT_LIMITED: return MHD_HTTP_TOO_MANY_REQUESTS;
    case REJECT_STORAGE: return MHD_HTTP_SERVICE_UNAVAILABLE;
    default: return MHD_HTTP_FORBIDDEN;
    }
}

/* 200 when some report was stored or known; else the first reject's status,
 * with its reason as the error. */
enum MHD_Result submit_answer(request_t *request, job_t *job) {
    size_t counts[4] = {0};
    buffer_t body = {0};
    buffer_puts(&body, "{\"results\":[");
    for (size_t i = 0; i < job->item_count; i++) {
        if (i) buffer_puts(&body, ",");
        write_item(&body, job, &job->items[i]);
        counts[job->items[i].status]++;
    }
    buffer_printf(&body, "],\"accepted\":%zu,\"duplicate\":%zu,\"rejected\":%zu,\"tree_size\":%llu", counts[ITEM_ACCEPTED],
                  counts[ITEM_DUPLICATE], counts[ITEM_REJECTED], (unsigned long long)atomic_load(&request->server->tree_size));
    unsigned status = MHD_HTTP_OK;
    if (counts[ITEM_REJECTED] == job->item_count && job->item_count) {
        const item_t *first = &job->items[0];
        status = reject_status(first->reason_class);
        buffer_puts(&body, ",\"error\":");
        buffer_json_string(&body, job->bytes.data + first->reason, first->reason_len);
        buffer_printf(&body, ",\"status\":%u", status);
    }
    buffer_puts(&body, "}\n");
    return respond(request, status, "application/json", &body);
}
