/* witness: the HTTP face of a witness — POST /add-checkpoint (and GET / for a
 * health line). One thread (libmicrohttpd's internal poll): a witness answers
 * a few requests per tree head, and every answer waits on an fsync anyway, so
 * serializing them costs nothing and keeps the state's single connection safe. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "witness/witness.h"

typedef struct {
    buffer_t body;
    bool too_large;
} upload_t;

static volatile sig_atomic_t stopping;
static void on_signal(int signal_number) { (void)signal_number; stopping = 1; }

static enum MHD_Result answer(struct MHD_Connection *connection, unsigned status, const char *type, buffer_t *body) {
    struct MHD_Response *response =
        MHD_create_response_from_buffer(body->len, body->data ? body->data : (void *)"", MHD_RESPMEM_MUST_COPY);
    buffer_free(body);
    if (!response) return MHD_NO;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
}

static enum MHD_Result text(struct MHD_Connection *connection, unsigned status, const char *message) {
    buffer_t body = {0};
    buffer_printf(&body, "%s\n", message);
    return answer(connection, status, "text/plain; charset=utf-8", &body);
}

static enum MHD_Result on_request(void *context, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *data, size_t *size,
                                  void **state) {
    (void)version;
    witness_t *witness = context;
    upload_t *upload = *state;
    if (!upload) {
        *state = upload = xcalloc(1, sizeof *upload);
        return MHD_YES;
    }
    if (*size) {   /* more of the body: keep it unless too large (then drain and refuse) */
        if (upload->body.len + *size > WITNESS_MAX_BODY) upload->too_large = true;
        else buffer_append(&upload->body, data, *size);
        *size = 0;
        return MHD_YES;
    }
    if (!strcmp(url, "/") && (!strcmp(method, "GET") || !strcmp(method, "HEAD"))) {
        buffer_t body = {0};
        buffer_puts(&body, "truce witness ");
        tlog_verifier_format(witness_verifier(witness), &body);
        buffer_puts(&body, "\n");
        return answer(connection, 200, "text/plain; charset=utf-8", &body);
    }
    if (strcmp(url, "/add-checkpoint") != 0) return text(connection, 404, "no such resource");
    if (strcmp(method, "POST") != 0) return text(connection, 405, "POST only");
    if (upload->too_large) return text(connection, 413, "request body too large");
    witness_answer_t result;
    witness_add_checkpoint(witness, upload->body.data ? upload->body.data : "", upload->body.len,
                           (uint64_t)time(NULL), &result);
    return answer(connection, result.status, result.content_type, &result.body);
}

static void on_completed(void *context, struct MHD_Connection *connection, void **state,
                         enum MHD_RequestTerminationCode code) {
    (void)context, (void)connection, (void)code;
    upload_t *upload = *state;
    if (upload) buffer_free(&upload->body);
    free(upload);
    *state = NULL;
}

int witness_serve(witness_t *witness, const char *host, uint16_t port) {
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, !strcmp(host, "localhost") ? "127.0.0.1" : host, &address.sin_addr) != 1) {
        fprintf(stderr, "truce: error: %s: not an IPv4 address\n", host);
        return 2;
    }
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, port, NULL, NULL, on_request, witness,
        MHD_OPTION_SOCK_ADDR, &address, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_END);
    if (!daemon) {
        fprintf(stderr, "truce: error: cannot listen on %s:%u: %s\n", host, port, errno ? strerror(errno) : "refused");
        return 5;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    buffer_t vkey = {0};
    tlog_verifier_format(witness_verifier(witness), &vkey);
    fprintf(stderr, "truce: witness %.*s listening on http://%s:%u/add-checkpoint\n", (int)vkey.len, vkey.data, host,
            info ? info->port : port);
    buffer_free(&vkey);
    struct sigaction action = {.sa_handler = on_signal};
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    struct timespec tick = {0, 100 * 1000 * 1000};
    while (!stopping) nanosleep(&tick, NULL);   /* the handler sets stopping; pause() could miss it */
    MHD_stop_daemon(daemon);
    return 0;
}
