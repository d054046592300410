/* server: the C2SP tlog-tiles read API — GET /checkpoint and GET /tile/...,
 * so any tlog client, mirror or witness can read the log. Served from a
 * read-only SQLite connection per HTTP thread (WAL lets readers run beside
 * the writer), never through the writer's queue: tile reads scale with the
 * threads and never wait behind a group commit. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"
#include "tlog/tlog.h"

/* Full tiles never change: cache them for a year. The checkpoint changes with
 * every tree head, so clients may keep it only briefly (the spec: a few seconds). */
#define IMMUTABLE "public, max-age=31536000, immutable"
#define CHECKPOINT_CACHE "public, max-age=2"

static pthread_key_t reader_key;
static pthread_once_t reader_once = PTHREAD_ONCE_INIT;

static void reader_close(void *ledger) { ledger_close(ledger); }
static void reader_key_create(void) { pthread_key_create(&reader_key, reader_close); }

/* This thread's read-only connection to the log (opened on first use). */
static ledger_t *reader(server_t *server, char *error, size_t error_size) {
    pthread_once(&reader_once, reader_key_create);
    ledger_t *ledger = pthread_getspecific(reader_key);
    if (!ledger && (ledger = ledger_open(server->options.log_path, LEDGER_READ_ONLY, error, error_size)))
        pthread_setspecific(reader_key, ledger);
    return ledger;
}

static enum MHD_Result respond_bytes(request_t *request, buffer_t *body, const char *content_type,
                                     const char *cache) {
    struct MHD_Response *response;
    if (body->len == 0) response = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    else response = MHD_create_response_from_buffer_with_free_callback_cls(body->len, body->data, free, body->data);
    if (!response) buffer_free(body);
    *body = (buffer_t){0};
    if (response) MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    return respond_with(request, MHD_HTTP_OK, response, content_type);
}

enum MHD_Result tiles_checkpoint(request_t *request) {
    char error[LEDGER_ERROR_SIZE];
    ledger_t *ledger = reader(request->server, error, sizeof error);
    if (!ledger) return respond_error(request, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", error);
    buffer_t note = {0};
    bool found = false;
    if (!ledger_latest_checkpoint(ledger, &note, NULL, NULL, &found, error, sizeof error)) {
        buffer_free(&note);
        return respond_error(request, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", error);
    }
    if (!found) return respond_error(request, MHD_HTTP_NOT_FOUND, "no checkpoint yet");
    return respond_bytes(request, &note, "text/plain; charset=utf-8", CHECKPOINT_CACHE);
}

enum MHD_Result tiles_tile(request_t *request) {
    tlog_tile_t tile;
    if (!tlog_tile_parse(request->url + strlen("/tile/"), &tile))
        return respond_error(request, MHD_HTTP_BAD_REQUEST,
                             "not a tile path: /tile/<L>/<N>[.p/<W>] or /tile/entries/<N>[.p/<W>], N in 3-digit groups");
    char error[LEDGER_ERROR_SIZE];
    ledger_t *ledger = reader(request->server, error, sizeof error);
    if (!ledger) return respond_error(request, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", error);
    /* Only what a checkpoint covers: nothing unsigned is published. */
    uint64_t size = 0;
    bool found = false;
    if (!ledger_latest_checkpoint(ledger, NULL, &size, NULL, &found, error, sizeof error)
        || !ledger_refresh(ledger, error, sizeof error))
        return respond_error(request, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", error);
    if (!tlog_tile_within(&tile, size))
        return respond_error(request, MHD_HTTP_NOT_FOUND, "no such tile in the tree of the latest checkpoint "
                             "(size %llu)", (unsigned long long)size);
    buffer_t body = {0};
    if (!tlog_tile_read(ledger, &tile, &body, error, sizeof error)) {
        buffer_free(&body);
        return respond_error(request, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", error);
    }
    return respond_bytes(request, &body, "application/octet-stream", IMMUTABLE);
}

/* GET /v1/log/receipt?key=SOURCE/ID: a c2sp.org/tlog-proof receipt against the
 * latest (cosigned, when witnesses answered) checkpoint. */
enum MHD_Result tiles_receipt(request_t *request) {
    const char *key = query(request, "key");
    const char *slash = key ? strchr(key, '/') : NULL;
    if (!slash) return respond_error(request, MHD_HTTP_BAD_REQUEST, "key=SOURCE/ID is required, e.g. key=monitor:osce/osce-0009");
    char error[LEDGER_ERROR_SIZE];
    ledger_t *ledger = reader(request->server, error, sizeof error);
    if (!ledger) return respond_error(request, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", error);
    buffer_t note = {0}, receipt = {0};
    uint64_t index = 0, size = 0;
    bool found = false, have_checkpoint = false;
    enum MHD_Result result;
    if (!ledger_refresh(ledger, error, sizeof error)
        || !ledger_find(ledger, (text_t){key, (size_t)(slash - key)}, text_of(slash + 1), &index, &found, error, sizeof error)
        || !ledger_latest_checkpoint(ledger, &note, &size, NULL, &have_checkpoint, error, sizeof error))
        result = respond_error(request, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", error);
    else if (!found) result = respond_error(request, MHD_HTTP_NOT_FOUND, "no entry %s in the log", key);
    else if (!have_checkpoint || index >= size)
        result = respond_error(request, MHD_HTTP_NOT_FOUND, "%s is entry %llu, not yet in a checkpoint (size %llu)",
                               key, (unsigned long long)index, (unsigned long long)size);
    else if (!tlog_receipt_make(ledger, index, note.data, note.len, &receipt, error, sizeof error))
        result = respond_error(request, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", error);
    else result = respond_bytes(request, &receipt, "text/plain; charset=utf-8", "no-cache");
    buffer_free(&note);
    buffer_free(&receipt);
    return result;
}
