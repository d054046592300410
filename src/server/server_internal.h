/* server_internal: what the files of src/server share — the server's state,
 * the writer's job queue, immutable snapshots of the rulings, and the pieces
 * (metrics, rate limits, events, webhooks, council checks). Not part of the
 * module's interface (server.h). */
#ifndef TRUCE_SERVER_INTERNAL_H
#define TRUCE_SERVER_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "dashboard/dashboard.h"
#include "engine/engine.h"
#include "server/server.h"

typedef struct server server_t;
typedef struct request request_t;
typedef struct job job_t;

/* ------------------------------------------------------------ metrics.c */
typedef enum {
    REJECT_MALFORMED, REJECT_INVALID, REJECT_UNSIGNED, REJECT_BAD_SIGNATURE, REJECT_UNKNOWN_SOURCE,
    REJECT_NO_KEY, REJECT_RATE_LIMITED, REJECT_STORAGE, REJECT_CLIENT_LIMITED, REJECT_REASON_COUNT,
} reject_reason_t;

#define LATENCY_BUCKETS 12

/* A connection's phase, for its deadline (connections.c). */
typedef enum { PHASE_HEADERS, PHASE_BODY, PHASE_ANSWER, PHASE_DROPPED } connection_phase_t;

typedef struct {
    atomic_ulong accepted, duplicates, rejected[REJECT_REASON_COUNT];
    atomic_ulong commits, rulings_computed, events_sent, webhooks_delivered, webhook_failures;
    atomic_ulong requests_by_class[6];                 /* [2] counts 2xx, ... */
    atomic_ulong latency_buckets[LATENCY_BUCKETS + 1]; /* the last one is +Inf */
    atomic_ulong latency_count, latency_sum_us;
    atomic_ulong dropped[2];                           /* connections past the [PHASE_HEADERS], [PHASE_BODY] deadline */
    atomic_ulong bodies_refused;                       /* requests refused: every body buffer was in use */
} metrics_t;

const char *reject_reason_label(reject_reason_t reason);
void metrics_observe_request(metrics_t *metrics, unsigned status, double seconds);
void metrics_write(server_t *server, buffer_t *out);

/* ------------------------------------------------------------ ratelimit.c */
typedef struct rate_limiter rate_limiter_t;
rate_limiter_t *rate_limiter_new(int sources, double per_second, double burst);
void rate_limiter_free(rate_limiter_t *limiter);
/* Takes one token from the source's bucket; false when it is empty. */
bool rate_limiter_take(rate_limiter_t *limiter, int source);

/* Unverified work per client address (IPv4, host order). */
typedef struct client_limiter client_limiter_t;
client_limiter_t *client_limiter_new(double per_second, double burst);   /* per_second 0: unlimited */
void client_limiter_free(client_limiter_t *limiter);                      /* NULL-safe */
bool client_limiter_has(client_limiter_t *limiter, uint32_t address);     /* a token left? takes none */
bool client_limiter_take(client_limiter_t *limiter, uint32_t address);    /* false when empty */
void client_limiter_refund(client_limiter_t *limiter, uint32_t address);  /* gives back a taken token */

/* ------------------------------------------------------------ snapshot.c */
/* Cached pages: the fixed pages, then one slot per point. Per-request pages
 * (evidence, incidents, any page ?as_of=) use the negative kinds. */
enum { SLOT_BOARD, SLOT_MAP, SLOT_TIMELINE, SLOT_REPORT, SLOT_FIRST_POINT };
enum { SLOT_EVIDENCE = -1, SLOT_INCIDENTS = -2, SLOT_INCIDENTS_CSV = -3, SLOT_INCIDENTS_GEOJSON = -4,
       SLOT_RULINGS_CSV = -5 };

/* The rulings at one moment and everything derived from them. Immutable once
 * published, but for the page cache, which the writer fills on demand. */
typedef struct {
    atomic_int references;
    uint64_t generation;
    rulings_t *rulings;
    buffer_t rulings_jsonl, board_json;
    dashboard_change_t *changes;
    int change_count;
    bool has_head;                 /* the latest signed tree head when built */
    uint64_t head_size;
    char root_hex[LEDGER_HASH_SIZE * 2 + 1];
    pthread_mutex_t pages_lock;
    int slot_count;
    buffer_t *pages;               /* [slot * 2 + fragment] */
    bool *ready;
    incidents_t *incidents;        /* every incident, made on first use by the writer */
} snapshot_t;

/* Takes ownership of rulings and of their JSON Lines; copies the changes. */
snapshot_t *snapshot_new(server_t *server, rulings_t *rulings, buffer_t *rulings_jsonl, uint64_t generation);
snapshot_t *snapshot_acquire(server_t *server);   /* the current one, with a reference */
void snapshot_release(snapshot_t *snapshot);      /* NULL-safe */
void snapshot_publish(server_t *server, snapshot_t *snapshot);
/* The cached page, or NULL when it has not been rendered yet. */
const buffer_t *snapshot_page(snapshot_t *snapshot, int slot, bool fragment);
/* Writer thread only: renders a page into the cache, if still missing. */
void snapshot_render_page(server_t *server, snapshot_t *snapshot, int slot, bool fragment);
/* The view the dashboard renders from (writer thread, for engine access). */
void snapshot_view(server_t *server, const snapshot_t *snapshot, dashboard_view_t *view);
/* Writer thread only: every incident as of the snapshot's rulings, made once. */
const incidents_t *snapshot_incidents(server_t *server, snapshot_t *snapshot);

/* ------------------------------------------------------------ writer.c */
typedef enum { ITEM_PENDING, ITEM_ACCEPTED, ITEM_DUPLICATE, ITEM_REJECTED } item_status_t;

/* One report of a POST /v1/reports body. Offsets point into the job's bytes. */
typedef struct {
    long line;
    item_status_t status;
    reject_reason_t reason_class;
    size_t key, key_len;           /* "source/id", when the report named them */
    size_t source_len;             /* the source part of key */
    size_t entry, entry_len;       /* canonical bytes to store */
    size_t reason, reason_len;
    uint64_t index;
    bool differs;                  /* a duplicate whose content differs from the stored entry */
} item_t;

typedef void (*job_fn)(server_t *server, job_t *job);

/* Work for the writer thread, the only one that touches the log and the
 * engine. A submission is stored in the next group commit; any other job runs
 * its function. The result is an HTTP answer the request then sends. */
struct job {
    job_t *next;
    struct MHD_Connection *connection;   /* resumed when done; NULL: nobody waits */
    job_fn run;                          /* NULL: a submission */
    item_t *items;
    size_t item_count, item_capacity;
    buffer_t bytes;
    /* parameters */
    char arg[512];
    uint64_t first, second;
    bool has_first, has_second, fragment;
    int slot;
    snapshot_t *snapshot;                /* referenced by the job */
    time_ms_t as_of;
    char as_of_text[40];                 /* a page ?as_of=: as given, "" for now */
    dashboard_incident_query_t incidents;/* the incidents page and downloads */
    char day_ends[16];
    bool problems_only;                  /* the board ?problems=1 */
    /* the answer */
    unsigned status;
    const char *content_type;
    buffer_t body;
    atomic_bool done;
};

job_t *job_new(job_fn run);
void job_free(job_t *job);               /* releases its snapshot; NULL-safe */
/* Hands a job to the writer; false when the server is stopping. */
bool writer_enqueue(server_t *server, job_t *job);
bool writer_start(server_t *server);
void writer_stop(server_t *server);      /* drains the queue, joins the thread */
/* Replays the log into the engine on start. False (with the reason) on failure. */
bool writer_replay(server_t *server, char *error, size_t error_size);
/* Recomputes the rulings now and publishes a snapshot (startup and writer). */
void writer_rule(server_t *server);
/* Job helpers for answers. */
void job_error(job_t *job, unsigned status, const char *format, ...) __attribute__((format(printf, 3, 4)));
void job_json(job_t *job, unsigned status);   /* body already filled */

/* ------------------------------------------------------------ sse.c */
typedef struct sse_hub sse_hub_t;
sse_hub_t *sse_hub_new(void);
void sse_hub_free(sse_hub_t *hub);
void sse_broadcast(sse_hub_t *hub, const char *event, const char *data);
void sse_keepalive(sse_hub_t *hub);       /* a comment to every stream */
void sse_close(sse_hub_t *hub);           /* ends every stream, refuses new ones */
/* Answers a GET /v1/events. */
enum MHD_Result sse_respond(sse_hub_t *hub, request_t *request);

/* ------------------------------------------------------------ webhook.c */
typedef struct webhooks webhooks_t;
/* Opens the outbox next to the log and starts the delivery thread; NULL (with
 * the reason) when the outbox cannot be opened. */
webhooks_t *webhooks_start(server_t *server, char *error, size_t error_size);
/* Writer thread: notes the rulings after a change (or at start, to catch up
 * on changes that were never queued). */
void webhooks_notify(webhooks_t *hooks, const rulings_t *rulings, uint64_t tree_size);
void webhooks_stop(webhooks_t *hooks);    /* persists what is queued, joins; NULL-safe */

/* ------------------------------------------------------------ council.c */
#define COUNCIL_NONCE_MAX 64
/* Checks a council request's Authorization, X-Truce-Time and X-Truce-Nonce
 * (the nonce is copied to nonce); on failure answers it (401/403) and
 * returns false. The writer then claims the nonce (council jobs). */
bool council_authorize(request_t *request, char nonce[COUNCIL_NONCE_MAX + 1]);
enum MHD_Result council_sign_head(request_t *request);
enum MHD_Result council_record_rulings(request_t *request);
/* Writer: signs a head at the current size now. */
bool council_head_now(server_t *server, char *error, size_t error_size);

/* ------------------------------------------------------------ connections.c */
typedef struct connection_state connection_state_t;
typedef struct connection_watch connection_watch_t;
connection_watch_t *connection_watch_new(server_t *server);
bool connection_watch_start(connection_watch_t *watch);
void connection_watch_free(connection_watch_t *watch);     /* stops the watchdog; NULL-safe */
/* MHD_OPTION_NOTIFY_CONNECTION (context: the watch) and MHD_OPTION_UNESCAPE_CALLBACK (context: the server). */
void connection_notify(void *context, struct MHD_Connection *connection, void **socket_context,
                       enum MHD_ConnectionNotificationCode code);
size_t connection_unescape(void *context, struct MHD_Connection *connection, char *text);
void connection_set_phase(server_t *server, struct MHD_Connection *connection, connection_phase_t phase);
bool connection_nul_in_url(server_t *server, struct MHD_Connection *connection);   /* the URL held a %00 */
/* MHD_OPTION_URI_LOG_CALLBACK: keeps the request target as sent, for council signatures. */
void *connection_uri_log(void *context, const char *uri, struct MHD_Connection *connection);
const char *connection_target(struct MHD_Connection *connection);   /* "" when unknown */

/* ------------------------------------------------------------ nonces.c */
typedef struct nonce_store nonce_store_t;
typedef enum { NONCE_FRESH, NONCE_REPLAYED, NONCE_FAILED } nonce_result_t;
/* Opens LOG.council (created when missing); NULL with the reason. */
nonce_store_t *nonce_store_open(const char *log_path, char *error, size_t error_size);
void nonce_store_close(nonce_store_t *store);   /* NULL-safe */
/* Writer thread: records a council request's nonce durably; NONCE_REPLAYED when seen within the window. */
nonce_result_t nonce_store_claim(nonce_store_t *store, const char *nonce, time_ms_t now, char *error, size_t error_size);

/* ------------------------------------------------------------ http.c */
struct request {
    server_t *server;
    struct MHD_Connection *connection;
    const char *method, *url;      /* owned by MHD for the request's life */
    double started;                /* monotonic seconds */
    uint32_t client;               /* the client's IPv4 address, host order (0 if unknown) */
    buffer_t body;
    size_t received;               /* body bytes received, kept or not */
    size_t held;                   /* body bytes counted in server->body_bytes */
    bool too_large, streaming;
    job_t *job;                    /* waiting on the writer */
    unsigned status;               /* what was answered, for the metrics */
};

bool http_start(server_t *server, char *error, size_t error_size);
void http_quiesce(server_t *server);
void http_stop(server_t *server);
double monotonic_seconds(void);
/* A condition variable whose timed waits run on CLOCK_MONOTONIC (deadlines from monotonic_seconds). */
void monotonic_cond_init(pthread_cond_t *cond);
time_ms_t wall_clock_ms(void);

/* Answers; each takes ownership of body (freed with the response). */
enum MHD_Result respond(request_t *request, unsigned status, const char *content_type, buffer_t *body);
enum MHD_Result respond_error(request_t *request, unsigned status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* Answers with a response made by the caller (headers added, reference dropped). */
enum MHD_Result respond_with(request_t *request, unsigned status, struct MHD_Response *response,
                             const char *content_type);
/* Answers with a snapshot's bytes, holding a reference until sent. */
enum MHD_Result respond_snapshot(request_t *request, snapshot_t *snapshot, const buffer_t *bytes,
                                 const char *content_type);
/* Suspends the request until the writer has done the job. */
enum MHD_Result respond_later(request_t *request, job_t *job);
const char *query(request_t *request, const char *name);
bool parse_uint(const char *text, uint64_t *out);

/* ------------------------------------------------------------ api.c, pages.c, submit.c */
enum MHD_Result api_board(request_t *request);
enum MHD_Result api_rulings(request_t *request);
enum MHD_Result api_point(request_t *request);
enum MHD_Result api_sth(request_t *request);
enum MHD_Result api_inclusion(request_t *request);
enum MHD_Result api_consistency(request_t *request);
enum MHD_Result api_entries(request_t *request);
enum MHD_Result api_health(request_t *request);
enum MHD_Result api_metrics(request_t *request);
enum MHD_Result api_events(request_t *request);
enum MHD_Result page_fixed(request_t *request);
enum MHD_Result page_point(request_t *request);
enum MHD_Result page_evidence(request_t *request);
enum MHD_Result page_asset(request_t *request);
enum MHD_Result page_not_found(request_t *request, const char *what);
/* views.c: pages rendered per request on the writer — any page ?as_of=, the
 * incidents page and the downloads (CSV, GeoJSON). */
enum MHD_Result views_page(request_t *request, int slot, const char *arg);
enum MHD_Result views_incidents(request_t *request);
enum MHD_Result views_rulings_csv(request_t *request);
enum MHD_Result submit_reports(request_t *request);
/* Answers a submission once the writer has stored it. */
enum MHD_Result submit_answer(request_t *request, job_t *job);
/* Writer: the evidence callback of the dashboard (report, proof, signature). */
bool pages_evidence(void *context, const char *key, dashboard_evidence_t *out);

/* ------------------------------------------------------------ tiles.c */
/* GET /checkpoint and GET /tile/...: the C2SP tlog-tiles read API. */
enum MHD_Result tiles_checkpoint(request_t *request);
enum MHD_Result tiles_tile(request_t *request);
enum MHD_Result tiles_receipt(request_t *request);   /* GET /v1/log/receipt?key=SOURCE/ID */

/* ------------------------------------------------------------ witnesses.c */
typedef struct witnesses witnesses_t;
/* Reads the policy (options.policy_path) and starts the thread that submits
 * each new checkpoint of origin to its witnesses; NULL with the reason. */
witnesses_t *witnesses_start(server_t *server, const uint8_t council_key[LEDGER_PUBLIC_KEY_SIZE], const char *origin,
                             char *error, size_t error_size);
void witnesses_notify(witnesses_t *witnesses);   /* a new checkpoint is stored; NULL-safe */
void witnesses_stop(witnesses_t *witnesses);     /* NULL-safe */

/* ------------------------------------------------------------ server.c */
struct server {
    server_options_t options;
    const agreement_t *agreement;
    ledger_registry_t *registry;
    pthread_key_t worker_key;            /* per HTTP thread: parser and scratch */

    /* owned by the writer thread */
    ledger_t *ledger;
    engine_t *engine;
    report_parser_t *parser;
    jcs_document_t *doc;
    dashboard_change_t *changes;
    int change_count, change_capacity;
    bool rulings_dirty;
    double last_rule, last_head;
    uint64_t head_signed_size;

    /* the queue to the writer */
    pthread_mutex_t queue_lock;
    pthread_cond_t queue_wake;
    job_t *queue_head, *queue_tail;
    size_t queue_length;
    bool writer_stopping, writer_running;
    pthread_t writer_thread;

    /* what readers see */
    pthread_mutex_t snapshot_lock;
    snapshot_t *snapshot;
    pthread_mutex_t head_lock;
    ledger_tree_head_t head;             /* the latest signed tree head */
    bool has_head;
    atomic_ullong tree_size;
    atomic_bool draining;
    atomic_long active_requests;

    metrics_t metrics;
    rate_limiter_t *limiter;
    client_limiter_t *clients;
    sse_hub_t *sse;
    webhooks_t *webhooks;
    witnesses_t *witnesses;              /* --policy: the checkpoint's witnesses */
    nonce_store_t *nonces;               /* the writer's */
    char url[320];                       /* the server's identity in council signatures: "http://host:port" */
    connection_watch_t *watch;
    atomic_size_t body_bytes;            /* request body bytes held, all connections */
    struct MHD_Daemon *daemon;
};

/* The latest signed tree head, copied under its lock. */
bool server_latest_head(server_t *server, ledger_tree_head_t *head);
void server_set_head(server_t *server, const ledger_tree_head_t *head);

/* Per HTTP thread working memory. */
typedef struct {
    report_parser_t *parser;
    jcs_document_t *doc;
    buffer_t scratch, entry;
    ledger_t *reader;              /* read-only connection to the log, for duplicates; NULL if it cannot open */
    bool reader_tried;
} worker_t;
worker_t *server_worker(server_t *server);

#endif
