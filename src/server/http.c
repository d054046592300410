/* http: the libmicrohttpd daemon (internal thread pool on epoll, suspend and
 * resume for requests that wait on the writer), request bodies with a size
 * limit, the route table, and the answer helpers every handler uses. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "server/server_internal.h"

#define DISCARD_LIMIT (8u << 20)   /* bytes of an oversized chunked body read before cutting it off */
#define CONTENT_SECURITY_POLICY                                                                       \
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " \
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#define CONNECTION_MEMORY (32u << 10)   /* libmicrohttpd's buffer per connection: request line and headers */

typedef enum MHD_Result (*route_fn)(request_t *request);

typedef struct {
    const char *method;
    const char *path;
    bool prefix;              /* path is a prefix: "/point/" matches "/point/21d" */
    route_fn handler;
} route_t;

static const route_t ROUTES[] = {
    {"GET", "/v1/board", false, api_board},
    {"GET", "/v1/rulings", false, api_rulings},
    {"POST", "/v1/rulings/record", false, council_record_rulings},
    {"GET", "/v1/points/", true, api_point},
    {"POST", "/v1/reports", false, submit_reports},
    {"GET", "/v1/log/sth", false, api_sth},
    {"POST", "/v1/log/sth", false, council_sign_head},
    {"GET", "/v1/log/proof/inclusion", false, api_inclusion},
    {"GET", "/v1/log/proof/consistency", false, api_consistency},
    {"GET", "/v1/log/entries", false, api_entries},
    {"GET", "/v1/events", false, api_events},
    {"GET", "/healthz", false, api_health},
    {"GET", "/metrics", false, api_metrics},
    {"GET", "/", false, page_fixed},
    {"GET", "/map", false, page_fixed},
    {"GET", "/timeline", false, page_fixed},
    {"GET", "/report", false, page_fixed},
    {"GET", "/incidents", false, views_incidents},
    {"GET", "/incidents.csv", false, views_incidents},
    {"GET", "/incidents.geojson", false, views_incidents},
    {"GET", "/rulings.csv", false, views_rulings_csv},
    {"GET", "/point/", true, page_point},
    {"GET", "/evidence/", true, page_evidence},
    {"GET", "/static/truce.css", false, page_asset},
    {"GET", "/static/truce.js", false, page_asset},
    {"GET", "/checkpoint", false, tiles_checkpoint},
    {"GET", "/tile/", true, tiles_tile},
    {"GET", "/v1/log/receipt", false, tiles_receipt},
};

double monotonic_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void monotonic_cond_init(pthread_cond_t *cond) {
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &attributes);
    pthread_condattr_destroy(&attributes);
}

time_ms_t wall_clock_ms(void) { return time_now(); }

bool parse_uint(const char *text, uint64_t *out) {
    if (!text || !*text || strspn(text, "0123456789") != strlen(text) || strlen(text) > 18) return false;
    *out = strtoull(text, NULL, 10);
    return true;
}

const char *query(request_t *request, const char *name) {
    return MHD_lookup_connection_value(request->connection, MHD_GET_ARGUMENT_KIND, name);
}

/* ------------------------------------------------------------ answers */

static void add_common_headers(request_t *request, struct MHD_Response *response, const char *content_type) {
    char size[32];
    snprintf(size, sizeof size, "%llu", (unsigned long long)atomic_load(&request->server->tree_size));
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    MHD_add_response_header(response, "X-Truce-Tree-Size", size);
    if (!MHD_get_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL))   /* tiles set their own */
        MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    /* The dashboard loads nothing from another host and runs only its own
     * script: a policy that says so makes an injected tag inert, and no
     * other site may frame the pages (clickjacking) or learn their URLs. */
    MHD_add_response_header(response, "Content-Security-Policy", CONTENT_SECURITY_POLICY);
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(response, "X-Frame-Options", "DENY");
    MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
    if (!strcmp(request->method, "GET") || !strcmp(request->method, "HEAD"))
        MHD_add_response_header(response, "Access-Control-Allow-Origin", "*");
    if (!strncmp(request->url, "/v1/", 4) || !strcmp(request->url, "/healthz")) return;
    MHD_add_response_header(response, MHD_HTTP_HEADER_VARY, "X-Truce-Fragment");
}

enum MHD_Result respond_with(request_t *request, unsigned status, struct MHD_Response *response,
                             const char *content_type) {
    if (!response) return MHD_NO;
    add_common_headers(request, response, content_type);
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED) {
        MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, strncmp(request->url, "/v1/reports", 11) ? "GET, HEAD" : "POST");
    }
    if (status == MHD_HTTP_TOO_MANY_REQUESTS) MHD_add_response_header(response, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    if (atomic_load(&request->server->draining)) MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
    request->status = status;
    enum MHD_Result result = MHD_queue_response(request->connection, status, response);
    MHD_destroy_response(response);
    return result;
}

enum MHD_Result respond(request_t *request, unsigned status, const char *content_type, buffer_t *body) {
    struct MHD_Response *response;
    if (body->len == 0) {
        buffer_free(body);
        response = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else {
        response = MHD_create_response_from_buffer_with_free_callback_cls(body->len, body->data, free, body->data);
        if (!response) buffer_free(body);
    }
    *body = (buffer_t){0};
    return respond_with(request, status, response, content_type);
}

static void json_error_body(buffer_t *out, unsigned status, const char *message) {
    buffer_puts(out, "{\"error\":");
    buffer_json_string(out, message, strlen(message));
    buffer_printf(out, ",\"status\":%u}\n", status);
}

enum MHD_Result respond_error(request_t *request, unsigned status, const char *format, ...) {
    char message[512];
    va_list ap;
    va_start(ap, format);
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    buffer_t body = {0};
    json_error_body(&body, status, message);
    return respond(request, status, "application/json", &body);
}

static void release_snapshot(void *snapshot) { snapshot_release(snapshot); }

enum MHD_Result respond_snapshot(request_t *request, snapshot_t *snapshot, const buffer_t *bytes,
                                 const char *content_type) {
    struct MHD_Response *response = MHD_create_response_from_buffer_with_free_callback_cls(
        bytes->len, bytes->data, release_snapshot, snapshot);
    if (!response) snapshot_release(snapshot);
    return respond_with(request, MHD_HTTP_OK, response, content_type);
}

enum MHD_Result respond_later(request_t *request, job_t *job) {
    job->connection = request->connection;
    request->job = job;
    MHD_suspend_connection(request->connection);
    if (!writer_enqueue(request->server, job)) {
        job_error(job, MHD_HTTP_SERVICE_UNAVAILABLE, "the server is shutting down");
        atomic_store(&job->done, true);
        MHD_resume_connection(request->connection);
    }
    return MHD_YES;
}

/* A resumed request: send what the writer answered. */
static enum MHD_Result finish_job(request_t *request) {
    job_t *job = request->job;
    if (!atomic_load(&job->done)) return MHD_YES;
    request->job = NULL;
    enum MHD_Result result = job->run ? respond(request, job->status, job->content_type, &job->body)
                                      : submit_answer(request, job);
    job_free(job);
    return result;
}

/* ------------------------------------------------------------ routing */

static bool path_matches(const route_t *route, const char *url) {
    if (route->prefix) return !strncmp(url, route->path, strlen(route->path)) && url[strlen(route->path)];
    return !strcmp(url, route->path);
}

static enum MHD_Result not_found(request_t *request) {
    if (!strncmp(request->url, "/v1/", 4) || !strncmp(request->url, "/static/", 8))
        return respond_error(request, MHD_HTTP_NOT_FOUND, "no such resource: %s", request->url);
    return page_not_found(request, request->url);
}

static enum MHD_Result route(request_t *request) {
    if (atomic_load(&request->server->draining))
        return respond_error(request, MHD_HTTP_SERVICE_UNAVAILABLE, "the server is shutting down");
    const char *method = !strcmp(request->method, "HEAD") ? "GET" : request->method;
    bool path_known = false;
    for (size_t i = 0; i < sizeof ROUTES / sizeof *ROUTES; i++) {
        if (!path_matches(&ROUTES[i], request->url)) continue;
        if (!strcmp(ROUTES[i].method, method)) return ROUTES[i].handler(request);
        path_known = true;
    }
    if (path_known)
        return respond_error(request, MHD_HTTP_METHOD_NOT_ALLOWED, "%s is not allowed on %s", request->method, request->url);
    return not_found(request);
}

/* ------------------------------------------------------------ MHD callbacks */

static request_t *request_new(server_t *server, struct MHD_Connection *connection, const char *url,
                              const char *method) {
    request_t *request = xcalloc(1, sizeof *request);
    *request = (request_t){.server = server, .connection = connection, .method = method, .url = url,
                           .started = monotonic_seconds()};
    atomic_fetch_add(&server->active_requests, 1);
    const union MHD_ConnectionInfo *peer = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (peer && peer->client_addr && peer->client_addr->sa_family == AF_INET)
        request->client = ntohl(((const struct sockaddr_in *)(const void *)peer->client_addr)->sin_addr.s_addr);
    const char *length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    uint64_t declared;
    if (length && parse_uint(length, &declared) && declared > server->options.max_body) request->too_large = true;
    return request;
}

static enum MHD_Result too_large(request_t *request) {
    return respond_error(request, MHD_HTTP_CONTENT_TOO_LARGE, "the request body is larger than %zu bytes",
                         request->server->options.max_body);
}

/* Two Content-Length headers that disagree: which body is meant is
 * ambiguous (request smuggling behind a proxy), so the request is refused. */
typedef struct { const char *first; bool conflict; } lengths_t;

static enum MHD_Result note_length(void *context, enum MHD_ValueKind kind, const char *key, const char *value) {
    (void)kind;
    lengths_t *lengths = context;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) return MHD_YES;
    if (!lengths->first) lengths->first = value ? value : "";
    else if (strcmp(lengths->first, value ? value : "")) lengths->conflict = true;
    return MHD_YES;
}

/* The first call, once the headers are in: refuse what is malformed before
 * reading any body. */
static enum MHD_Result request_headers(request_t *request) {
    server_t *server = request->server;
    connection_set_phase(server, request->connection, PHASE_BODY);
    lengths_t lengths = {0};
    MHD_get_connection_values(request->connection, MHD_HEADER_KIND, note_length, &lengths);
    if (lengths.conflict) {
        request->too_large = true;   /* answered: the rest of the body is dropped */
        return respond_error(request, MHD_HTTP_BAD_REQUEST, "conflicting Content-Length headers");
    }
    if (connection_nul_in_url(server, request->connection)) {
        request->too_large = true;
        return respond_error(request, MHD_HTTP_BAD_REQUEST, "the URL contains %%00 (a NUL byte)");
    }
    return request->too_large ? too_large(request) : MHD_YES;
}

/* Keeps a chunk of the body, within the memory all bodies may hold at once
 * (--max-body-total): past it the request is refused with 503 rather than
 * letting slow uploads pile up gigabytes. */
static enum MHD_Result keep_body(request_t *request, const char *data, size_t size) {
    server_t *server = request->server;
    size_t held = atomic_fetch_add(&server->body_bytes, size) + size;
    request->held += size;
    if (held > server->options.max_body_total) {
        atomic_fetch_add(&server->metrics.bodies_refused, 1);
        request->too_large = true;
        return respond_error(request, MHD_HTTP_SERVICE_UNAVAILABLE,
                             "the server holds too many request bodies at once; retry later");
    }
    buffer_append(&request->body, data, size);
    return MHD_YES;
}

static void release_body(request_t *request) {
    atomic_fetch_sub(&request->server->body_bytes, request->held);
    request->held = 0;
    buffer_free(&request->body);
}

static enum MHD_Result on_request(void *context, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **request_slot) {
    (void)version;
    server_t *server = context;
    request_t *request = *request_slot;
    if (!request) {
        *request_slot = request = request_new(server, connection, url, method);
        return request_headers(request);
    }
    if (request->job) return finish_job(request);
    if (*upload_size) {
        size_t size = *upload_size;
        *upload_size = 0;
        request->received += size;
        if (request->too_large) return MHD_YES;
        if (request->received > server->options.max_body) {
            release_body(request);
            /* Read and drop a moderate excess, so that the client sees the
             * answer; past that, answer now and close the connection. */
            if (request->received > server->options.max_body + DISCARD_LIMIT) {
                request->too_large = true;
                return too_large(request);
            }
            return MHD_YES;
        }
        return keep_body(request, upload_data, size);
    }
    if (request->too_large) return MHD_YES;   /* already answered */
    connection_set_phase(server, connection, PHASE_ANSWER);
    if (request->received > server->options.max_body) return too_large(request);
    return route(request);
}

static void on_completed(void *context, struct MHD_Connection *connection, void **request_slot,
                         enum MHD_RequestTerminationCode reason) {
    (void)reason;
    server_t *server = context;
    request_t *request = *request_slot;
    connection_set_phase(server, connection, PHASE_HEADERS);   /* the next request on this connection */
    if (!request) return;
    if (!request->streaming && request->status)
        metrics_observe_request(&server->metrics, request->status, monotonic_seconds() - request->started);
    release_body(request);
    if (request->job) job_free(request->job);   /* only when the daemon stops mid-job */
    free(request);
    *request_slot = NULL;
    atomic_fetch_sub(&server->active_requests, 1);
}

bool http_start(server_t *server, char *error, size_t error_size) {
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(server->options.port)};
    const char *host = strcmp(server->options.host, "localhost") ? server->options.host : "127.0.0.1";
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        snprintf(error, error_size, "--listen: '%s' is not an IPv4 address", server->options.host);
        return false;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO;
    server->daemon = MHD_start_daemon(
        flags, server->options.port, NULL, NULL, on_request, server, MHD_OPTION_SOCK_ADDR, &address,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)server->options.threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        server, MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_CONNECTION_LIMIT, server->options.max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, server->options.max_client_connections,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_CONNECTION, connection_notify,
        server->watch, MHD_OPTION_UNESCAPE_CALLBACK, connection_unescape, server, MHD_OPTION_URI_LOG_CALLBACK,
        connection_uri_log, server, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_END);
    if (!server->daemon) {
        snprintf(error, error_size, "cannot listen on %s:%u: %s", server->options.host, server->options.port,
                 errno ? strerror(errno) : "libmicrohttpd refused to start");
        return false;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (info && info->port) server->options.port = info->port;
    return true;
}

void http_quiesce(server_t *server) {
    MHD_socket listener = MHD_quiesce_daemon(server->daemon);
    if (listener != MHD_INVALID_SOCKET) close(listener);
}

void http_stop(server_t *server) {
    if (server->daemon) MHD_stop_daemon(server->daemon);
    server->daemon = NULL;
}
