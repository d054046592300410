/* writer: the one thread that owns the log and the engine. It drains the job
 * queue, stores every queued report in one transaction (group commit: many
 * requests share one fsync), wakes their requests once committed, feeds the
 * engine, recomputes the rulings (debounced) and signs tree heads. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/server_internal.h"

#define KEEPALIVE_SECONDS 15.0
#define RECLOCK_SECONDS 60.0     /* re-rule at least this often: the clock moves deadlines */
#define MAX_CHANGES 2000

job_t *job_new(job_fn run) {
    job_t *job = xcalloc(1, sizeof *job);
    job->run = run;
    job->status = 500;
    job->content_type = "application/json";
    atomic_init(&job->done, false);
    return job;
}

void job_free(job_t *job) {
    if (!job) return;
    free(job->items);
    buffer_free(&job->bytes);
    buffer_free(&job->body);
    snapshot_release(job->snapshot);
    free(job);
}

void job_error(job_t *job, unsigned status, const char *format, ...) {
    char message[512];
    va_list ap;
    va_start(ap, format);
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    job->body.len = 0;
    buffer_puts(&job->body, "{\"error\":");
    buffer_json_string(&job->body, message, strlen(message));
    buffer_printf(&job->body, ",\"status\":%u}\n", status);
    job->status = status;
    job->content_type = "application/json";
}

void job_json(job_t *job, unsigned status) {
    job->status = status;
    job->content_type = "application/json";
}

bool writer_enqueue(server_t *server, job_t *job) {
    pthread_mutex_lock(&server->queue_lock);
    bool open = !server->writer_stopping;
    if (open) {
        job->next = NULL;
        if (server->queue_tail) server->queue_tail->next = job;
        else server->queue_head = job;
        server->queue_tail = job;
        server->queue_length++;
        pthread_cond_signal(&server->queue_wake);
    }
    pthread_mutex_unlock(&server->queue_lock);
    return open;
}

static void complete(job_t *job) {
    struct MHD_Connection *connection = job->connection;
    atomic_store(&job->done, true);
    if (connection) MHD_resume_connection(connection);
    else job_free(job);
}

/* ------------------------------------------------------------ replay */

static bool replay_entry(void *context, uint64_t index, const char *bytes, size_t len) {
    (void)index;
    server_t *server = context;
    char error[LEDGER_ERROR_SIZE];
    report_t report;
    if (jcs_parse(server->doc, bytes, len, error, sizeof error) && ledger_is_record(jcs_root(server->doc), ledger_registry_council(server->registry))) return true;
    if (report_parse(server->parser, bytes, len, &report, error, sizeof error)) engine_add(server->engine, &report);
    else fprintf(stderr, "truce: warning: log entry %llu is not a valid report for this agreement: %s\n",
                 (unsigned long long)index, error);
    return true;
}

bool writer_replay(server_t *server, char *error, size_t error_size) {
    uint64_t size = ledger_size(server->ledger);
    atomic_store(&server->tree_size, size);
    return size == 0 || ledger_foreach(server->ledger, 0, size, replay_entry, server, error, error_size);
}

/* ------------------------------------------------------------ group commit */

static text_t item_text(const job_t *job, size_t offset, size_t len) { return (text_t){job->bytes.data + offset, len}; }

static void append_item(server_t *server, job_t *job, item_t *item, bool *ok, char *error, size_t error_size) {
    text_t source = item_text(job, item->key, item->source_len);
    text_t id = item_text(job, item->key + item->source_len + 1, item->key_len - item->source_len - 1);
    bool same = true;
    append_result_t r = ledger_append(server->ledger, source, id, job->bytes.data + item->entry, item->entry_len,
                                      &item->index, &same, error, error_size);
    if (r == APPEND_FAILED) *ok = false;
    if (r == APPEND_DUPLICATE) atomic_fetch_add(&server->metrics.duplicates, 1);
    item->status = r == APPEND_STORED ? ITEM_ACCEPTED : ITEM_DUPLICATE;
    item->differs = !same;
}

/* After a failed transaction nothing of the batch is stored. */
static void fail_batch(server_t *server, job_t *jobs, const char *error) {
    for (job_t *job = jobs; job; job = job->next) {
        for (size_t i = 0; !job->run && i < job->item_count; i++) {
            item_t *item = &job->items[i];
            if (item->status == ITEM_REJECTED) continue;
            item->status = ITEM_REJECTED;
            item->reason_class = REJECT_STORAGE;
            item->reason = job->bytes.len;
            buffer_printf(&job->bytes, "the log could not store it: %s", error);
            item->reason_len = job->bytes.len - item->reason;
            atomic_fetch_add(&server->metrics.rejected[REJECT_STORAGE], 1);
        }
    }
}

static void feed_engine(server_t *server, job_t *jobs) {
    char error[LEDGER_ERROR_SIZE];
    report_t report;
    for (job_t *job = jobs; job; job = job->next) {
        for (size_t i = 0; !job->run && i < job->item_count; i++) {
            item_t *item = &job->items[i];
            if (item->status != ITEM_ACCEPTED) continue;
            atomic_fetch_add(&server->metrics.accepted, 1);
            if (report_parse(server->parser, job->bytes.data + item->entry, item->entry_len, &report, error, sizeof error)) {
                engine_add(server->engine, &report);
                server->rulings_dirty = true;
            }
        }
    }
}

/* Stores every pending report of the submissions in one transaction. */
static void store_submissions(server_t *server, job_t *jobs) {
    bool any = false;
    for (job_t *job = jobs; job && !any; job = job->next)
        for (size_t i = 0; !job->run && i < job->item_count && !any; i++) any = job->items[i].status == ITEM_PENDING;
    if (!any) return;
    char error[LEDGER_ERROR_SIZE] = "";
    bool ok = ledger_begin(server->ledger, error, sizeof error);
    for (job_t *job = jobs; job && ok; job = job->next)
        for (size_t i = 0; !job->run && i < job->item_count && ok; i++)
            if (job->items[i].status == ITEM_PENDING) append_item(server, job, &job->items[i], &ok, error, sizeof error);
    if (ok) ok = ledger_commit(server->ledger, error, sizeof error);
    if (!ok) {
        ledger_rollback(server->ledger);
        fprintf(stderr, "truce: error: storing a batch of reports: %s\n", error);
        fail_batch(server, jobs, error);
        return;
    }
    atomic_fetch_add(&server->metrics.commits, 1);
    atomic_store(&server->tree_size, ledger_size(server->ledger));
    feed_engine(server, jobs);
}

/* ------------------------------------------------------------ rulings */

static void note_change(server_t *server, const ruling_t *before, const ruling_t *now, time_ms_t when) {
    if (server->change_count == MAX_CHANGES) {
        memmove(server->changes, server->changes + 1, sizeof *server->changes * (MAX_CHANGES - 1));
        server->change_count--;
    }
    if (server->change_count == server->change_capacity) {
        server->change_capacity = server->change_capacity ? server->change_capacity * 2 : 64;
        server->changes = xrealloc(server->changes, sizeof *server->changes * (size_t)server->change_capacity);
    }
    server->changes[server->change_count++] =
        (dashboard_change_t){when, now->point, now->party, before->status, now->status, now->standing};
}

/* Notes status changes for the timeline; true when anything a reader sees in
 * a ruling changed (status, standing, score, evidence). */
static bool compare_rulings(server_t *server, const rulings_t *before, const rulings_t *now) {
    bool changed = before->count != now->count;
    time_ms_t when = wall_clock_ms();
    for (int i = 0; i < now->count && i < before->count; i++) {
        const ruling_t *b = &before->items[i], *n = &now->items[i];
        if (b->point != n->point || b->party != n->party) { changed = true; continue; }
        if (b->status != n->status) note_change(server, b, n, when);
        if (b->status != n->status || b->standing != n->standing || b->score != n->score
            || b->evidence_count != n->evidence_count)
            changed = true;
    }
    return changed;
}

void writer_rule(server_t *server) {
    server->rulings_dirty = false;
    server->last_rule = monotonic_seconds();
    /* As of the server's clock, not the latest report's time: a report cannot
     * move the board's clock (and those dated ahead of it wait until it passes). */
    rulings_t *now = engine_rule(server->engine, wall_clock_ms());
    atomic_fetch_add(&server->metrics.rulings_computed, 1);
    buffer_t jsonl = {0};
    rulings_write_json(now, server->agreement, &jsonl);
    snapshot_t *old = server->snapshot;     /* only this thread publishes */
    ledger_tree_head_t head;
    bool has_head = server_latest_head(server, &head);
    if (old && old->rulings_jsonl.len == jsonl.len && !memcmp(old->rulings_jsonl.data, jsonl.data, jsonl.len)
        && old->has_head == has_head && (!has_head || old->head_size == head.tree_size)) {
        rulings_free(now);
        buffer_free(&jsonl);
        return;
    }
    bool changed = old && compare_rulings(server, old->rulings, now);
    snapshot_t *snapshot = snapshot_new(server, now, &jsonl, old ? old->generation + 1 : 1);
    snapshot_publish(server, snapshot);
    if (changed) {
        char data[128];
        snprintf(data, sizeof data, "{\"generation\":%llu,\"tree_size\":%llu}", (unsigned long long)snapshot->generation,
                 (unsigned long long)atomic_load(&server->tree_size));
        sse_broadcast(server->sse, "rulings", data);
        atomic_fetch_add(&server->metrics.events_sent, 1);
    }
    if (changed && server->webhooks) webhooks_notify(server->webhooks, now, atomic_load(&server->tree_size));
}

/* ------------------------------------------------------------ the loop */

static bool head_due(const server_t *server, double now) {
    return server->options.council && ledger_size(server->ledger) != server->head_signed_size
        && now - server->last_head >= server->options.sth_interval_ms / 1000.0;
}

static void housekeeping(server_t *server, double *last_keepalive) {
    double now = monotonic_seconds();
    if (head_due(server, now)) {
        char error[LEDGER_ERROR_SIZE];
        if (!council_head_now(server, error, sizeof error))
            fprintf(stderr, "truce: error: signing a tree head: %s\n", error);
        server->rulings_dirty = true;       /* the pages show the head */
    }
    if ((server->rulings_dirty && now - server->last_rule >= server->options.rule_interval_ms / 1000.0)
        || now - server->last_rule >= RECLOCK_SECONDS)   /* deadlines pass without any report */
        writer_rule(server);
    if (now - *last_keepalive >= KEEPALIVE_SECONDS) {
        sse_keepalive(server->sse);
        *last_keepalive = now;
    }
}

/* Seconds until housekeeping has something to do. */
static double idle_wait(const server_t *server, double last_keepalive) {
    double now = monotonic_seconds(), wait = last_keepalive + KEEPALIVE_SECONDS - now;
    if (server->last_rule + RECLOCK_SECONDS - now < wait) wait = server->last_rule + RECLOCK_SECONDS - now;
    if (server->rulings_dirty) {
        double due = server->last_rule + server->options.rule_interval_ms / 1000.0 - now;
        if (due < wait) wait = due;
    }
    if (server->options.council && ledger_size(server->ledger) != server->head_signed_size) {
        double due = server->last_head + server->options.sth_interval_ms / 1000.0 - now;
        if (due < wait) wait = due;
    }
    return wait < 0.001 ? 0.001 : wait;
}

static job_t *take_jobs(server_t *server, double last_keepalive, bool *stop) {
    pthread_mutex_lock(&server->queue_lock);
    if (!server->queue_head && !server->writer_stopping) {
        double wait = idle_wait(server, last_keepalive);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        long nanoseconds = until.tv_nsec + (long)((wait - (long)wait) * 1e9);
        until.tv_sec += (time_t)wait + nanoseconds / 1000000000L;
        until.tv_nsec = nanoseconds % 1000000000L;
        pthread_cond_timedwait(&server->queue_wake, &server->queue_lock, &until);
    }
    job_t *jobs = server->queue_head;
    server->queue_head = server->queue_tail = NULL;
    server->queue_length = 0;
    *stop = server->writer_stopping && !jobs;
    pthread_mutex_unlock(&server->queue_lock);
    return jobs;
}

/* Stores the submissions and answers them first, then runs the other jobs in
 * their order. A job may be freed as soon as it is completed. */
static void run_jobs(server_t *server, job_t *jobs) {
    job_t *submissions = NULL, **submissions_end = &submissions, *others = NULL, **others_end = &others;
    for (job_t *job = jobs, *next; job; job = next) {
        next = job->next;
        job->next = NULL;
        job_t ***end = job->run ? &others_end : &submissions_end;
        **end = job;
        *end = &job->next;
    }
    store_submissions(server, submissions);
    for (job_t *job = submissions, *next; job; job = next) {
        next = job->next;
        complete(job);
    }
    for (job_t *job = others, *next; job; job = next) {
        next = job->next;
        job->run(server, job);
        complete(job);
    }
}

static void *writer_main(void *context) {
    server_t *server = context;
    double last_keepalive = monotonic_seconds();
    for (bool stop = false; !stop;) {
        job_t *jobs = take_jobs(server, last_keepalive, &stop);
        if (jobs) run_jobs(server, jobs);
        housekeeping(server, &last_keepalive);
    }
    server->last_head = server->last_rule = -1e9;   /* a last head and rulings before closing */
    housekeeping(server, &last_keepalive);
    return NULL;
}

bool writer_start(server_t *server) {
    server->writer_running = pthread_create(&server->writer_thread, NULL, writer_main, server) == 0;
    return server->writer_running;
}

void writer_stop(server_t *server) {
    if (!server->writer_running) return;
    pthread_mutex_lock(&server->queue_lock);
    server->writer_stopping = true;
    pthread_cond_signal(&server->queue_wake);
    pthread_mutex_unlock(&server->queue_lock);
    pthread_join(server->writer_thread, NULL);
    server->writer_running = false;
}
