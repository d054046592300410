/* server: starts and stops `truce serve`. Opens (or creates) the log, replays
 * it into the engine, publishes the first rulings, starts the writer, the
 * webhook deliverer and the HTTP daemon, then waits for SIGTERM/SIGINT and
 * shuts down in order so that no acknowledged report is lost. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>

#include "server/server_internal.h"
#include "tlog/tlog.h"

#define EXIT_CODE_OK 0
#define EXIT_CODE_INPUT 3
#define EXIT_CODE_INTERNAL 5
#define DRAIN_SECONDS 30.0

void server_options_defaults(server_options_t *o) {
    *o = (server_options_t){.host = "127.0.0.1", .port = 8080, .max_body = 1 << 20, .rate_per_second = 200,
                            .rate_burst = 1000, .client_rate = 50, .client_burst = 500,
                            .max_connections = 4000, .max_client_connections = 64, .header_timeout_ms = 10000,
                            .body_timeout_ms = 30000, .max_body_total = 64u << 20, .sth_interval_ms = 1000, .rule_interval_ms = 50,
                            .webhook_retry_ms = 500, .max_future_ms = TIME_DEFAULT_MAX_FUTURE};
}

bool server_latest_head(server_t *server, ledger_tree_head_t *head) {
    pthread_mutex_lock(&server->head_lock);
    bool has = server->has_head;
    if (has) *head = server->head;
    pthread_mutex_unlock(&server->head_lock);
    return has;
}

void server_set_head(server_t *server, const ledger_tree_head_t *head) {
    pthread_mutex_lock(&server->head_lock);
    server->head = *head;
    server->has_head = true;
    pthread_mutex_unlock(&server->head_lock);
}

static void worker_free(void *context) {
    worker_t *worker = context;
    report_parser_free(worker->parser);
    jcs_document_free(worker->doc);
    buffer_free(&worker->scratch);
    buffer_free(&worker->entry);
    ledger_close(worker->reader);
    free(worker);
}

worker_t *server_worker(server_t *server) {
    worker_t *worker = pthread_getspecific(server->worker_key);
    if (!worker) {
        worker = xcalloc(1, sizeof *worker);
        worker->parser = report_parser_new(server->agreement);
        worker->doc = jcs_document_new();
        pthread_setspecific(server->worker_key, worker);
    }
    return worker;
}

/* ------------------------------------------------------------ setup */

static server_t *server_new(const server_options_t *options) {
    server_t *server = xcalloc(1, sizeof *server);
    server->options = *options;
    if (server->options.threads <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        server->options.threads = cores < 1 ? 1 : cores > 64 ? 64 : (int)cores;
    }
    server->agreement = options->agreement;
    pthread_mutex_init(&server->queue_lock, NULL);
    monotonic_cond_init(&server->queue_wake);
    pthread_mutex_init(&server->snapshot_lock, NULL);
    pthread_mutex_init(&server->head_lock, NULL);
    pthread_key_create(&server->worker_key, worker_free);
    server->registry = ledger_registry_from_agreement(server->agreement);
    server->engine = engine_new(server->agreement);
    server->parser = report_parser_new(server->agreement);
    server->doc = jcs_document_new();
    server->limiter = rate_limiter_new(server->agreement->source_count, options->rate_per_second, options->rate_burst);
    server->clients = client_limiter_new(options->client_rate, options->client_burst);
    server->sse = sse_hub_new();
    server->watch = connection_watch_new(server);
    server->last_head = server->last_rule = -1e9;
    return server;
}

static void server_free(server_t *server) {
    snapshot_release(server->snapshot);
    engine_free(server->engine);
    report_parser_free(server->parser);
    jcs_document_free(server->doc);
    ledger_close(server->ledger);
    ledger_registry_free(server->registry);
    rate_limiter_free(server->limiter);
    client_limiter_free(server->clients);
    sse_hub_free(server->sse);
    nonce_store_close(server->nonces);
    connection_watch_free(server->watch);
    free(server->changes);
    pthread_key_delete(server->worker_key);
    pthread_mutex_destroy(&server->queue_lock);
    pthread_cond_destroy(&server->queue_wake);
    pthread_mutex_destroy(&server->snapshot_lock);
    pthread_mutex_destroy(&server->head_lock);
    free(server);
}

/* Opens the log, replays it, knows its latest head (signing one when the
 * server holds the council's key and the log has grown since). */
static bool open_log(server_t *server) {
    char error[LEDGER_ERROR_SIZE] = "";
    bool found = false;
    ledger_tree_head_t head;
    if (!(server->ledger = ledger_open(server->options.log_path, LEDGER_CREATE, error, sizeof error))
        || !(server->nonces = nonce_store_open(server->options.log_path, error, sizeof error))
        || !writer_replay(server, error, sizeof error)
        || !ledger_latest_head(server->ledger, &head, &found, error, sizeof error)) {
        fprintf(stderr, "truce: error: %s: %s\n", server->options.log_path, error);
        return false;
    }
    if (found) {
        server_set_head(server, &head);
        server->head_signed_size = head.tree_size;
    }
    if (server->options.council && (!found || head.tree_size != ledger_size(server->ledger))
        && !council_head_now(server, error, sizeof error)) {
        fprintf(stderr, "truce: error: signing a tree head: %s\n", error);
        return false;
    }
    return true;
}

static void print_serving(server_t *server) {
    ledger_tree_head_t head;
    char head_text[160] = "no signed tree head";
    if (server_latest_head(server, &head)) {
        char t[32];
        buffer_t root = {0};
        ledger_hex_append(head.root, LEDGER_HASH_SIZE, &root);
        snprintf(head_text, sizeof head_text, "tree head %llu %.16s... signed %.*s", (unsigned long long)head.tree_size,
                 root.data, (int)time_format(head.timestamp_ms, t), t);
        buffer_free(&root);
    }
    fprintf(stderr, "truce: serving %s on http://%s:%u/ (%llu entries, %s)\n", server->agreement->path,
            server->options.host, server->options.port, (unsigned long long)atomic_load(&server->tree_size), head_text);
}

/* ------------------------------------------------------------ run */

static void wait_for_signal(const sigset_t *signals) {
    int received = 0;
    sigwait(signals, &received);
    fprintf(stderr, "truce: %s: finishing pending requests\n", received == SIGINT ? "interrupted" : "terminated");
}

/* Stop taking work, answer what is in flight, commit the queue, close. */
static void shut_down(server_t *server) {
    atomic_store(&server->draining, true);
    http_quiesce(server);
    sse_close(server->sse);
    double until = monotonic_seconds() + DRAIN_SECONDS;
    while (atomic_load(&server->active_requests) > 0 && monotonic_seconds() < until) {
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    http_stop(server);
    writer_stop(server);
    webhooks_stop(server->webhooks);
    server->webhooks = NULL;
    witnesses_stop(server->witnesses);
    server->witnesses = NULL;
    fprintf(stderr, "truce: stopped; the log holds %llu entries\n", (unsigned long long)ledger_size(server->ledger));
}

/* --policy: the witnesses of the log's checkpoints (the origin is recorded by now). */
static bool start_witnesses(server_t *server) {
    char error[LEDGER_ERROR_SIZE] = "";
    buffer_t origin = {0};
    bool found = false;
    if (!server->options.council) snprintf(error, sizeof error, "--policy needs --council-key (only the council's checkpoints are witnessed)");
    else if (tlog_log_origin(server->ledger, &origin, &found, error, sizeof error) && found) {
        buffer_append(&origin, "", 1);
        server->witnesses = witnesses_start(server, server->options.council->public_key, origin.data, error, sizeof error);
    }
    buffer_free(&origin);
    if (!server->witnesses) fprintf(stderr, "truce: error: witnesses: %s\n", *error ? error : "the log has no origin");
    return server->witnesses != NULL;
}

static int start_and_serve(server_t *server, const sigset_t *signals) {
    char error[LEDGER_ERROR_SIZE] = "";
    if (!open_log(server)) return EXIT_CODE_INPUT;
    writer_rule(server);
    if (server->options.webhook_count && !(server->webhooks = webhooks_start(server, error, sizeof error))) {
        fprintf(stderr, "truce: error: webhook outbox: %s\n", error);
        return EXIT_CODE_INPUT;
    }
    if (server->options.policy_path && !start_witnesses(server)) {
        webhooks_stop(server->webhooks);
        server->webhooks = NULL;
        return EXIT_CODE_INPUT;
    }
    if (!writer_start(server) || !connection_watch_start(server->watch) || !http_start(server, error, sizeof error)) {
        fprintf(stderr, "truce: error: %s\n", *error ? error : "cannot start the writer thread");
        writer_stop(server);
        webhooks_stop(server->webhooks);
        server->webhooks = NULL;
        witnesses_stop(server->witnesses);
        server->witnesses = NULL;
        return EXIT_CODE_INTERNAL;
    }
    if (server->options.public_url) snprintf(server->url, sizeof server->url, "%s", server->options.public_url);
    else snprintf(server->url, sizeof server->url, "http://%s:%u", server->options.host, server->options.port);
    print_serving(server);
    wait_for_signal(signals);
    shut_down(server);
    return EXIT_CODE_OK;
}

int server_run(const server_options_t *options) {
    sigset_t signals, previous;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, &previous);   /* every thread started below inherits it */
    signal(SIGPIPE, SIG_IGN);
    if (options->webhook_count || options->policy_path) curl_global_init(CURL_GLOBAL_DEFAULT);
    server_t *server = server_new(options);
    int status = start_and_serve(server, &signals);
    server_free(server);
    if (options->webhook_count || options->policy_path) curl_global_cleanup();
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return status;
}
