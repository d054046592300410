/* server: the council's HTTP server (`truce serve`). Holds the log as
 * the store, rules on every report it accepts, and serves the JSON API (/v1),
 * the live dashboard, Prometheus metrics, server-sent events and webhooks.
 * Design and API: docs/server.md and docs/openapi.yaml. */
#ifndef TRUCE_SERVER_H
#define TRUCE_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "agreement/agreement.h"
#include "ledger/ledger.h"

#define SERVER_MAX_WEBHOOKS 16
#define SERVER_MAX_REPORTS 10000               /* lines in one POST /v1/reports (the answer stays bounded) */
#define SERVER_CLOCK_SKEW_MS (5 * 60 * 1000)   /* council requests: X-Truce-Time within +-5 minutes */

typedef struct {
    const agreement_t *agreement;          /* required; borrowed for the server's life */
    const char *log_path;                  /* required; created when missing */
    const char *host;                      /* "127.0.0.1" */
    const char *public_url;                /* the server as clients reach it, signed by council requests;
                                              NULL: "http://HOST:PORT" */
    uint16_t port;                         /* 0: any free port (printed on start) */
    const ledger_secret_key_t *council;    /* NULL: the server signs no tree heads or records */
    const char *origin;                    /* checkpoints' origin; NULL: the log's, else truce/<agreement name> */
    const char *policy_path;               /* tlog-policy file: witnesses to cosign each checkpoint; NULL: none */
    const char *webhooks[SERVER_MAX_WEBHOOKS];
    int webhook_count;
    size_t max_body;                       /* bytes per request body (default 1 MiB) */
    double rate_per_second;                /* per source; 0: unlimited */
    double rate_burst;
    double client_rate;                    /* per client address: reports that did not verify as new; 0: unlimited */
    double client_burst;
    int threads;                           /* HTTP worker threads; 0: one per core */
    unsigned max_connections;              /* open connections in all */
    unsigned max_client_connections;       /* open connections per client address */
    int header_timeout_ms;                 /* a request's headers must arrive within this */
    int body_timeout_ms;                   /* and its body within this after them */
    size_t max_body_total;                 /* request body bytes held at once, all connections */
    int sth_interval_ms;                   /* minimum time between automatic tree heads */
    int rule_interval_ms;                  /* minimum time between recomputations of the rulings */
    int webhook_retry_ms;                  /* first retry delay; doubles up to 5 minutes */
    int64_t max_future_ms;                 /* a report dated later than its receipt plus this is rejected */
} server_options_t;

/* Fills the defaults above (1 MiB, 200 reports/s burst 1000, 50 unverified
 * reports/s burst 500 per client address, 4000 connections, 64 per client,
 * 10 s for headers, 30 s for a body, 64 MiB of bodies, 1000 ms between tree
 * heads, 50 ms between rulings, 500 ms first retry, reports up to 10
 * minutes ahead of the server's clock). */
void server_options_defaults(server_options_t *options);

/* Runs the server until SIGTERM or SIGINT, then drains and commits every
 * queued report, answers pending requests and closes the log. Returns a CLI
 * exit code: 0 after a clean stop, 3 when the log cannot be opened or
 * replayed, 5 when the server cannot start (e.g. the port is taken). Startup
 * problems are printed to stderr as "truce: error: ...". */
int server_run(const server_options_t *options);

/* The headers a council request needs (docs/server.md): appends
 * "X-Truce-Time: <now>\nX-Truce-Nonce: <random>\nAuthorization: Truce-Ed25519 <sig>\n"
 * for the method, the server's origin ("http://127.0.0.1:8080"), the request
 * target (path and query, as sent) and the body, signed with key (curl -H
 * @file reads them). */
void server_sign_request(const ledger_secret_key_t *key, const char *method, const char *origin, const char *target,
                         const void *body, size_t body_len, buffer_t *out);

#endif
