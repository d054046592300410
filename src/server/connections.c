/* connections: every connection's phase and deadline. libmicrohttpd calls a
 * request handler only once the headers are in, and its own timeout counts
 * inactivity, so a client sending a byte every few seconds would hold a slot
 * for ever; a watchdog thread drops (shutdown(2)) any connection still
 * sending its headers after --header-timeout or its body after
 * --body-timeout. Also the %-decoder that refuses NUL in a URL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "server/server_internal.h"

#define WATCH_INTERVAL_NS (100 * 1000 * 1000)

struct connection_state {
    connection_state_t *prev, *next;
    int fd;
    connection_phase_t phase;
    double since;                  /* monotonic seconds: when the phase began */
    bool nul_in_url;
    char *target;                  /* the current request's target as sent (path and query, still %-encoded) */
};

struct connection_watch {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping, running;
    pthread_t thread;
    connection_state_t *head;
    double header_timeout, body_timeout;
    metrics_t *metrics;
};

static connection_state_t *state_of(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

void connection_notify(void *context, struct MHD_Connection *connection, void **socket_context,
                       enum MHD_ConnectionNotificationCode code) {
    connection_watch_t *watch = context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        connection_state_t *state = xcalloc(1, sizeof *state);
        *state = (connection_state_t){.fd = info ? info->connect_fd : -1, .phase = PHASE_HEADERS,
                                      .since = monotonic_seconds()};
        pthread_mutex_lock(&watch->lock);
        state->next = watch->head;
        if (watch->head) watch->head->prev = state;
        watch->head = state;
        pthread_mutex_unlock(&watch->lock);
        *socket_context = state;
        return;
    }
    /* Closed: libmicrohttpd tells us before it closes the socket, so the
     * watchdog, which shuts sockets down under the same lock, never touches
     * a descriptor that was closed and handed to someone else. */
    connection_state_t *state = *socket_context;
    if (!state) return;
    pthread_mutex_lock(&watch->lock);
    if (state->prev) state->prev->next = state->next;
    else watch->head = state->next;
    if (state->next) state->next->prev = state->prev;
    pthread_mutex_unlock(&watch->lock);
    free(state->target);
    free(state);
    *socket_context = NULL;
}

void *connection_uri_log(void *context, const char *uri, struct MHD_Connection *connection) {
    (void)context;
    connection_state_t *state = state_of(connection);
    if (state) {   /* only this connection's thread reads or writes it */
        free(state->target);
        state->target = xstrdup(uri ? uri : "");
    }
    return NULL;
}

const char *connection_target(struct MHD_Connection *connection) {
    connection_state_t *state = state_of(connection);
    return state && state->target ? state->target : "";
}

void connection_set_phase(server_t *server, struct MHD_Connection *connection, connection_phase_t phase) {
    connection_state_t *state = state_of(connection);
    if (!state) return;
    pthread_mutex_lock(&server->watch->lock);
    state->phase = phase;
    state->since = monotonic_seconds();
    if (phase == PHASE_HEADERS) state->nul_in_url = false;
    pthread_mutex_unlock(&server->watch->lock);
}

bool connection_nul_in_url(server_t *server, struct MHD_Connection *connection) {
    connection_state_t *state = state_of(connection);
    pthread_mutex_lock(&server->watch->lock);
    bool nul = state && state->nul_in_url;
    pthread_mutex_unlock(&server->watch->lock);
    return nul;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes %HH in place, like libmicrohttpd's own decoder, but notes a %00:
 * it would cut the path short, so the request is refused instead. */
size_t connection_unescape(void *context, struct MHD_Connection *connection, char *text) {
    server_t *server = context;
    char *out = text;
    bool nul = false;
    for (const char *in = text; *in;) {
        int high = in[0] == '%' ? hex_digit(in[1]) : -1, low = high >= 0 ? hex_digit(in[2]) : -1;
        if (low < 0) { *out++ = *in++; continue; }
        char c = (char)(high * 16 + low);
        if (c == '\0') nul = true;
        else *out++ = c;
        in += 3;
    }
    *out = '\0';
    if (nul) {
        connection_state_t *state = state_of(connection);
        pthread_mutex_lock(&server->watch->lock);
        if (state) state->nul_in_url = true;
        pthread_mutex_unlock(&server->watch->lock);
    }
    return (size_t)(out - text);
}

/* ------------------------------------------------------------ the watchdog */

static void drop_late(connection_watch_t *watch, double now) {
    for (connection_state_t *s = watch->head; s; s = s->next) {
        double limit = s->phase == PHASE_HEADERS ? watch->header_timeout
                     : s->phase == PHASE_BODY ? watch->body_timeout : 0;
        if (limit <= 0 || now - s->since < limit || s->fd < 0) continue;
        shutdown(s->fd, SHUT_RDWR);   /* libmicrohttpd sees the end and closes it */
        atomic_fetch_add(&watch->metrics->dropped[s->phase], 1);
        s->phase = PHASE_DROPPED;
    }
}

static void *watch_main(void *context) {
    connection_watch_t *watch = context;
    pthread_mutex_lock(&watch->lock);
    while (!watch->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += WATCH_INTERVAL_NS;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&watch->wake, &watch->lock, &until);
        drop_late(watch, monotonic_seconds());
    }
    pthread_mutex_unlock(&watch->lock);
    return NULL;
}

connection_watch_t *connection_watch_new(server_t *server) {
    connection_watch_t *watch = xcalloc(1, sizeof *watch);
    pthread_mutex_init(&watch->lock, NULL);
    monotonic_cond_init(&watch->wake);
    watch->header_timeout = server->options.header_timeout_ms / 1000.0;
    watch->body_timeout = server->options.body_timeout_ms / 1000.0;
    watch->metrics = &server->metrics;
    return watch;
}

bool connection_watch_start(connection_watch_t *watch) {
    watch->running = pthread_create(&watch->thread, NULL, watch_main, watch) == 0;
    return watch->running;
}

void connection_watch_free(connection_watch_t *watch) {
    if (!watch) return;
    if (watch->running) {
        pthread_mutex_lock(&watch->lock);
        watch->stopping = true;
        pthread_cond_signal(&watch->wake);
        pthread_mutex_unlock(&watch->lock);
        pthread_join(watch->thread, NULL);
    }
    pthread_mutex_destroy(&watch->lock);
    pthread_cond_destroy(&watch->wake);
    free(watch);
}
