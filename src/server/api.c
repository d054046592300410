/* api: the read side of /v1 — board, rulings, points from the current
 * snapshot; tree heads, proofs and entries from the log (through the writer
 * thread, which owns the connection); health, metrics and the event stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"

#define MAX_ENTRIES 1000

enum MHD_Result api_board(request_t *request) {
    snapshot_t *snapshot = snapshot_acquire(request->server);
    return respond_snapshot(request, snapshot, &snapshot->board_json, "application/json");
}

static void rulings_as_of(server_t *server, job_t *job) {
    rulings_t *rulings = engine_rule(server->engine, job->as_of);
    rulings_write_json(rulings, server->agreement, &job->body);
    rulings_free(rulings);
    job->status = MHD_HTTP_OK;
    job->content_type = "application/x-ndjson";
}

enum MHD_Result api_rulings(request_t *request) {
    const char *as_of = query(request, "as_of");
    if (!as_of) {
        snapshot_t *snapshot = snapshot_acquire(request->server);
        return respond_snapshot(request, snapshot, &snapshot->rulings_jsonl, "application/x-ndjson");
    }
    time_ms_t t;
    size_t len = strlen(as_of);
    if (!time_parse_rfc3339(as_of, len, &t) && !time_parse_date(as_of, len, &t))
        return respond_error(request, MHD_HTTP_BAD_REQUEST, "as_of: '%s' is not an RFC 3339 time or a YYYY-MM-DD date", as_of);
    job_t *job = job_new(rulings_as_of);
    job->as_of = t;
    return respond_later(request, job);
}

static void write_rules(buffer_t *out, const agreement_t *a, const point_t *p) {
    buffer_puts(out, "[");
    for (int i = 0; i < p->rule_count; i++) {
        const rule_t *rule = &a->rules[p->first_rule + i];
        const char *text = rule->source_text ? rule->source_text : "";
        buffer_printf(out, "%s{\"type\":\"%s\",\"line\":%d,\"text\":", i ? "," : "", rule_type_name(rule->type), rule->line);
        buffer_json_string(out, text, strlen(text));
        buffer_puts(out, "}");
    }
    buffer_puts(out, "]");
}

static void write_optional_string(buffer_t *out, const char *s) {
    if (s) buffer_json_string(out, s, strlen(s));
    else buffer_puts(out, "null");
}

enum MHD_Result api_point(request_t *request) {
    const char *label = request->url + strlen("/v1/points/");
    const agreement_t *a = request->server->agreement;
    int point = agreement_point(a, text_of(label));
    if (point < 0) return respond_error(request, MHD_HTTP_NOT_FOUND, "the agreement has no point '%s'", label);
    const point_t *p = &a->points[point];
    snapshot_t *snapshot = snapshot_acquire(request->server);
    const rulings_t *rulings = snapshot->rulings;
    buffer_t body = {0};
    buffer_puts(&body, "{\"label\":");
    buffer_json_string(&body, p->label, strlen(p->label));
    buffer_puts(&body, ",\"title\":");
    write_optional_string(&body, p->title);
    buffer_puts(&body, ",\"text\":");
    write_optional_string(&body, p->text);
    int score = rulings->point_scores ? rulings->point_scores[point] : -1;
    if (score >= 0) buffer_printf(&body, ",\"score\":%d", score);
    else buffer_puts(&body, ",\"score\":null");
    buffer_puts(&body, ",\"rules\":");
    write_rules(&body, a, p);
    buffer_puts(&body, ",\"rulings\":[");
    bool first = true;
    for (int i = 0; i < rulings->count; i++) {
        if (rulings->items[i].point != point) continue;
        if (!first) buffer_puts(&body, ",");
        ruling_write_json(&rulings->items[i], a, &body);
        first = false;
    }
    buffer_puts(&body, "]}\n");
    snapshot_release(snapshot);
    return respond(request, MHD_HTTP_OK, "application/json", &body);
}

/* ------------------------------------------------------------ the log */

enum MHD_Result api_sth(request_t *request) {
    ledger_tree_head_t head;
    if (!server_latest_head(request->server, &head))
        return respond_error(request, MHD_HTTP_NOT_FOUND, "no signed tree head yet (the council signs one with POST /v1/log/sth)");
    buffer_t body = {0};
    ledger_head_to_json(&head, &body);
    buffer_puts(&body, "\n");
    return respond(request, MHD_HTTP_OK, "application/json", &body);
}

static void prove_inclusion(server_t *server, job_t *job) {
    const char *slash = strchr(job->arg, '/');
    text_t source = {job->arg, (size_t)(slash - job->arg)};
    uint64_t index, size = ledger_size(server->ledger);
    bool found = false;
    char error[LEDGER_ERROR_SIZE];
    ledger_tree_head_t head;
    if (!ledger_find(server->ledger, source, text_of(slash + 1), &index, &found, error, sizeof error))
        { job_error(job, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", error); return; }
    if (!found) { job_error(job, MHD_HTTP_NOT_FOUND, "no entry %s in the log", job->arg); return; }
    if (job->has_first) size = job->first;
    else if (server_latest_head(server, &head)) size = head.tree_size;
    if (size > ledger_size(server->ledger))
        { job_error(job, MHD_HTTP_BAD_REQUEST, "size %llu: the log holds %llu entries", (unsigned long long)size,
                         (unsigned long long)ledger_size(server->ledger)); return; }
    if (index >= size)
        { job_error(job, MHD_HTTP_NOT_FOUND, "%s is entry %llu, not in the tree of size %llu (wait for the next tree head, or give size)",
                         job->arg, (unsigned long long)index, (unsigned long long)size); return; }
    ledger_inclusion_proof_t *proof = xmalloc(sizeof *proof);
    if (ledger_prove_inclusion(server->ledger, index, size, proof, error, sizeof error)) {
        ledger_inclusion_to_json(proof, &job->body);
        buffer_puts(&job->body, "\n");
        job_json(job, MHD_HTTP_OK);
    } else {
        job_error(job, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", error);
    }
    free(proof);
}

enum MHD_Result api_inclusion(request_t *request) {
    const char *key = query(request, "key"), *size = query(request, "size");
    if (!key || !strchr(key, '/') || strlen(key) >= sizeof ((job_t *)0)->arg)
        return respond_error(request, MHD_HTTP_BAD_REQUEST, "key=SOURCE/ID is required, e.g. key=monitor:osce/osce-0009");
    job_t *job = job_new(prove_inclusion);
    snprintf(job->arg, sizeof job->arg, "%s", key);
    if (size && !(job->has_first = parse_uint(size, &job->first))) {
        job_free(job);
        return respond_error(request, MHD_HTTP_BAD_REQUEST, "size: '%s' is not a tree size", size);
    }
    return respond_later(request, job);
}

static void prove_consistency(server_t *server, job_t *job) {
    char error[LEDGER_ERROR_SIZE];
    if (job->second > ledger_size(server->ledger))
        { job_error(job, MHD_HTTP_BAD_REQUEST, "new: the log holds %llu entries", (unsigned long long)ledger_size(server->ledger)); return; }
    ledger_consistency_proof_t *proof = xmalloc(sizeof *proof);
    if (ledger_prove_consistency(server->ledger, job->first, job->second, proof, error, sizeof error)) {
        ledger_consistency_to_json(proof, &job->body);
        buffer_puts(&job->body, "\n");
        job_json(job, MHD_HTTP_OK);
    } else {
        job_error(job, MHD_HTTP_BAD_REQUEST, "%s", error);
    }
    free(proof);
}

enum MHD_Result api_consistency(request_t *request) {
    uint64_t old_size, new_size;
    if (!parse_uint(query(request, "old"), &old_size) || !parse_uint(query(request, "new"), &new_size))
        return respond_error(request, MHD_HTTP_BAD_REQUEST, "old and new are required tree sizes, e.g. ?old=10&new=20");
    if (old_size > new_size) return respond_error(request, MHD_HTTP_BAD_REQUEST, "old must not exceed new");
    job_t *job = job_new(prove_consistency);
    job->first = old_size, job->second = new_size;
    return respond_later(request, job);
}

static bool write_entry(void *context, uint64_t index, const char *bytes, size_t len) {
    job_t *job = context;
    buffer_printf(&job->body, "%s{\"index\":%llu,\"entry\":", job->body.data[job->body.len - 1] == '[' ? "" : ",",
                  (unsigned long long)index);
    buffer_append(&job->body, bytes, len);
    buffer_puts(&job->body, "}");
    return true;
}

static void read_entries(server_t *server, job_t *job) {
    uint64_t size = ledger_size(server->ledger), end = job->second < size ? job->second : size;
    char error[LEDGER_ERROR_SIZE];
    buffer_printf(&job->body, "{\"start\":%llu,\"end\":%llu,\"tree_size\":%llu,\"entries\":[", (unsigned long long)job->first,
                  (unsigned long long)(end > job->first ? end : job->first), (unsigned long long)size);
    if (job->first < end && !ledger_foreach(server->ledger, job->first, end, write_entry, job, error, sizeof error))
        { job_error(job, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", error); return; }
    buffer_puts(&job->body, "]}\n");
    job_json(job, MHD_HTTP_OK);
}

enum MHD_Result api_entries(request_t *request) {
    const char *start_text = query(request, "start"), *end_text = query(request, "end");
    uint64_t start = 0, end;
    if (start_text && !parse_uint(start_text, &start))
        return respond_error(request, MHD_HTTP_BAD_REQUEST, "start: '%s' is not an entry index", start_text);
    if (!end_text) end = start + 100;
    else if (!parse_uint(end_text, &end))
        return respond_error(request, MHD_HTTP_BAD_REQUEST, "end: '%s' is not an entry index", end_text);
    if (end < start) return respond_error(request, MHD_HTTP_BAD_REQUEST, "end must not be below start");
    if (end - start > MAX_ENTRIES)
        return respond_error(request, MHD_HTTP_BAD_REQUEST, "at most %d entries per request (end - start)", MAX_ENTRIES);
    job_t *job = job_new(read_entries);
    job->first = start, job->second = end;
    return respond_later(request, job);
}

/* ------------------------------------------------------------ operations */

enum MHD_Result api_health(request_t *request) {
    snapshot_t *snapshot = snapshot_acquire(request->server);
    buffer_t body = {0};
    buffer_printf(&body, "{\"status\":\"ok\",\"tree_size\":%llu,\"generation\":%llu}\n",
                  (unsigned long long)atomic_load(&request->server->tree_size), (unsigned long long)snapshot->generation);
    snapshot_release(snapshot);
    return respond(request, MHD_HTTP_OK, "application/json", &body);
}

enum MHD_Result api_metrics(request_t *request) {
    buffer_t body = {0};
    metrics_write(request->server, &body);
    return respond(request, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", &body);
}

enum MHD_Result api_events(request_t *request) { return sse_respond(request->server->sse, request); }
