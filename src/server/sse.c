/* sse: GET /v1/events, server-sent events. Each stream is a libmicrohttpd
 * response whose reader suspends its connection while there is nothing to
 * send; a broadcast (event "rulings") or a keep-alive resumes the waiting
 * ones. Closing the hub ends every stream, so the daemon can stop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"

typedef struct sse_client sse_client_t;

struct sse_client {
    sse_client_t *next;                  /* in the hub's list of suspended streams */
    sse_hub_t *hub;
    struct MHD_Connection *connection;
    uint64_t events_seen, keepalives_seen;
    bool greeted, suspended;
};

struct sse_hub {
    pthread_mutex_t lock;
    uint64_t events, keepalives;
    char event[32], data[256];           /* the latest event: streams get the latest, not every one */
    bool closed;
    sse_client_t *waiting;
};

sse_hub_t *sse_hub_new(void) {
    sse_hub_t *hub = xcalloc(1, sizeof *hub);
    pthread_mutex_init(&hub->lock, NULL);
    return hub;
}

void sse_hub_free(sse_hub_t *hub) {
    if (!hub) return;
    pthread_mutex_destroy(&hub->lock);
    free(hub);
}

/* Under the lock: wakes every suspended stream. */
static void resume_waiting(sse_hub_t *hub) {
    for (sse_client_t *c = hub->waiting, *next; c; c = next) {
        next = c->next;
        c->next = NULL;
        c->suspended = false;
        MHD_resume_connection(c->connection);
    }
    hub->waiting = NULL;
}

void sse_broadcast(sse_hub_t *hub, const char *event, const char *data) {
    pthread_mutex_lock(&hub->lock);
    snprintf(hub->event, sizeof hub->event, "%s", event);
    snprintf(hub->data, sizeof hub->data, "%s", data);
    hub->events++;
    resume_waiting(hub);
    pthread_mutex_unlock(&hub->lock);
}

void sse_keepalive(sse_hub_t *hub) {
    pthread_mutex_lock(&hub->lock);
    hub->keepalives++;
    resume_waiting(hub);
    pthread_mutex_unlock(&hub->lock);
}

void sse_close(sse_hub_t *hub) {
    pthread_mutex_lock(&hub->lock);
    hub->closed = true;
    resume_waiting(hub);
    pthread_mutex_unlock(&hub->lock);
}

static ssize_t next_chunk(sse_client_t *c, char *buffer, size_t max) {
    sse_hub_t *hub = c->hub;
    int n;
    if (hub->closed) return MHD_CONTENT_READER_END_OF_STREAM;
    if (!c->greeted) {
        c->greeted = true;
        n = snprintf(buffer, max, "retry: 3000\n: truce events\n\n");
    } else if (c->events_seen < hub->events) {
        c->events_seen = hub->events;
        n = snprintf(buffer, max, "event: %s\ndata: %s\n\n", hub->event, hub->data);
    } else if (c->keepalives_seen < hub->keepalives) {
        c->keepalives_seen = hub->keepalives;
        n = snprintf(buffer, max, ": keep-alive\n\n");
    } else {
        c->suspended = true;
        c->next = hub->waiting;
        hub->waiting = c;
        MHD_suspend_connection(c->connection);
        return 0;
    }
    return n < 0 ? 0 : (size_t)n < max ? n : (ssize_t)max;
}

static ssize_t read_stream(void *context, uint64_t position, char *buffer, size_t max) {
    (void)position;
    sse_client_t *c = context;
    pthread_mutex_lock(&c->hub->lock);
    ssize_t n = next_chunk(c, buffer, max);
    pthread_mutex_unlock(&c->hub->lock);
    return n;
}

static void free_stream(void *context) {
    sse_client_t *c = context;
    sse_hub_t *hub = c->hub;
    pthread_mutex_lock(&hub->lock);
    for (sse_client_t **p = &hub->waiting; *p; p = &(*p)->next)
        if (*p == c) { *p = c->next; break; }
    pthread_mutex_unlock(&hub->lock);
    free(c);
}

enum MHD_Result sse_respond(sse_hub_t *hub, request_t *request) {
    sse_client_t *c = xcalloc(1, sizeof *c);
    pthread_mutex_lock(&hub->lock);
    bool closed = hub->closed;
    *c = (sse_client_t){.hub = hub, .connection = request->connection, .events_seen = hub->events,
                        .keepalives_seen = hub->keepalives};
    pthread_mutex_unlock(&hub->lock);
    if (closed) {
        free(c);
        return respond_error(request, MHD_HTTP_SERVICE_UNAVAILABLE, "the server is shutting down");
    }
    struct MHD_Response *response = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, read_stream, c, free_stream);
    if (!response) { free(c); return MHD_NO; }
    MHD_add_response_header(response, "X-Accel-Buffering", "no");
    request->streaming = true;
    return respond_with(request, MHD_HTTP_OK, response, "text/event-stream");
}
