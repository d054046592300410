/* council: the operations only the council may ask for — sign a tree head
 * now (POST /v1/log/sth), record the current rulings in the log (POST
 * /v1/rulings/record). A request is signed with the council's registered key:
 * "Authorization: Truce-Ed25519 <base64>" over the method, the server's
 * origin, the request target with its query, X-Truce-Time, X-Truce-Nonce and
 * the body; the time within 5 minutes, each nonce usable once, remembered
 * durably (nonces.c) so that a restart does not open a replay. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"
#include "tlog/tlog.h"

#define SCHEME "Truce-Ed25519 "
#define CONTEXT "truce-council-request-v2"   /* the message cannot be mistaken for another signed one */
#define NONCE_BYTES 16

/* The signed message: CONTEXT, METHOD, ORIGIN, TARGET, TIME, NONCE, one a line, then the body. */
static void request_message(buffer_t *out, const char *method, const char *origin, const char *target,
                            const char *time_text, const char *nonce, const void *body, size_t body_len) {
    buffer_printf(out, CONTEXT "\n%s\n%s\n%s\n%s\n%s\n", method, origin, target, time_text, nonce);
    if (body_len) buffer_append(out, body, body_len);
}

void server_sign_request(const ledger_secret_key_t *key, const char *method, const char *origin, const char *target,
                         const void *body, size_t body_len, buffer_t *out) {
    char now[32];
    now[time_format(wall_clock_ms(), now)] = '\0';
    uint8_t random[NONCE_BYTES];
    randombytes_buf(random, sizeof random);
    buffer_t nonce = {0}, message = {0};
    ledger_hex_append(random, sizeof random, &nonce);
    request_message(&message, method, origin, target, now, nonce.data, body, body_len);
    uint8_t signature[LEDGER_SIGNATURE_SIZE];
    crypto_sign_detached(signature, NULL, (const unsigned char *)message.data, message.len, key->secret);
    buffer_printf(out, "X-Truce-Time: %s\nX-Truce-Nonce: %s\nAuthorization: " SCHEME, now, nonce.data);
    ledger_base64_append(signature, sizeof signature, out);
    buffer_puts(out, "\n");
    buffer_free(&message);
    buffer_free(&nonce);
}

static const char *header(request_t *request, const char *name) {
    return MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, name);
}

static bool refuse(request_t *request, unsigned status, const char *message) {
    respond_error(request, status, "%s", message);
    return false;
}

/* 16 to 64 characters of [A-Za-z0-9_-]: a nonce fits a line and a column. */
static bool nonce_valid(const char *nonce) {
    size_t len = nonce ? strlen(nonce) : 0;
    return len >= 16 && len <= COUNCIL_NONCE_MAX
        && strspn(nonce, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}

bool council_authorize(request_t *request, char nonce[COUNCIL_NONCE_MAX + 1]) {
    server_t *server = request->server;
    const uint8_t *key = NULL;
    uint8_t signature[LEDGER_SIGNATURE_SIZE];
    time_ms_t sent, now = wall_clock_ms();
    const char *authorization = header(request, MHD_HTTP_HEADER_AUTHORIZATION), *time_text = header(request, "X-Truce-Time");
    const char *nonce_text = header(request, "X-Truce-Nonce");
    if (ledger_registry_council_key(server->registry, &key) != REGISTRY_KEY)
        return refuse(request, MHD_HTTP_FORBIDDEN, "the agreement registers no council key");
    if (!authorization || strncmp(authorization, SCHEME, strlen(SCHEME))
        || !ledger_base64_decode(text_of(authorization + strlen(SCHEME)), signature, sizeof signature))
        return refuse(request, MHD_HTTP_UNAUTHORIZED, "council only: sign the request (Authorization: Truce-Ed25519 <base64 signature>)");
    if (!time_text || !time_parse_rfc3339(time_text, strlen(time_text), &sent))
        return refuse(request, MHD_HTTP_UNAUTHORIZED, "council only: X-Truce-Time must be an RFC 3339 time");
    if (!nonce_valid(nonce_text))
        return refuse(request, MHD_HTTP_UNAUTHORIZED, "council only: X-Truce-Nonce must be 16 to 64 characters of A-Z a-z 0-9 _ -");
    if (sent < now - SERVER_CLOCK_SKEW_MS || sent > now + SERVER_CLOCK_SKEW_MS)
        return refuse(request, MHD_HTTP_UNAUTHORIZED, "council only: X-Truce-Time is more than 5 minutes from the server's clock");
    buffer_t message = {0};
    request_message(&message, request->method, server->url, connection_target(request->connection), time_text,
                    nonce_text, request->body.data, request->body.len);
    bool valid = ledger_signature_verifies(message.data, message.len, signature, key);
    buffer_free(&message);
    if (!valid)
        return refuse(request, MHD_HTTP_FORBIDDEN, "council only: the signature does not verify against the council's key "
                                                   "(signed for another method, server, path, query, time, nonce or body?)");
    snprintf(nonce, COUNCIL_NONCE_MAX + 1, "%s", nonce_text);
    return true;
}

/* Writer: the nonce of a council job, claimed before the job does anything. */
static bool claim_nonce(server_t *server, job_t *job) {
    char error[LEDGER_ERROR_SIZE];
    nonce_result_t result = nonce_store_claim(server->nonces, job->arg, wall_clock_ms(), error, sizeof error);
    if (result == NONCE_REPLAYED)
        job_error(job, MHD_HTTP_UNAUTHORIZED, "council only: this request was already used (sign each request afresh)");
    else if (result == NONCE_FAILED)
        job_error(job, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", error);
    return result == NONCE_FRESH;
}

/* ------------------------------------------------------------ tree heads */

bool council_head_now(server_t *server, char *error, size_t error_size) {
    ledger_tree_head_t head;
    server->last_head = monotonic_seconds();
    if (!ledger_sign_tree_head(server->ledger, server->options.council, &head, error, error_size)) return false;
    /* The same head as a C2SP checkpoint, for /checkpoint, tiles and witnesses. */
    char fallback[TLOG_MAX_NAME];
    tlog_default_origin(server->agreement->name, fallback);
    if (!tlog_checkpoint_sign(server->ledger, server->options.council, server->options.origin, fallback, NULL, error,
                              error_size))
        return false;
    witnesses_notify(server->witnesses);
    server_set_head(server, &head);
    server->head_signed_size = head.tree_size;
    return true;
}

static void sign_head_job(server_t *server, job_t *job) {
    char error[LEDGER_ERROR_SIZE];
    if (!claim_nonce(server, job)) return;
    if (!council_head_now(server, error, sizeof error)) {
        job_error(job, MHD_HTTP_INTERNAL_SERVER_ERROR, "signing a tree head: %s", error);
        return;
    }
    ledger_tree_head_t head;
    server_latest_head(server, &head);
    ledger_head_to_json(&head, &job->body);
    buffer_puts(&job->body, "\n");
    job_json(job, MHD_HTTP_OK);
    server->rulings_dirty = true;          /* pages show the head */
}

static bool has_council_key(request_t *request) {
    if (request->server->options.council) return true;
    respond_error(request, MHD_HTTP_CONFLICT, "this server holds no council key (start it with --council-key FILE)");
    return false;
}

/* A council job for the writer, carrying the request's nonce. */
static enum MHD_Result council_job(request_t *request, job_fn run) {
    char nonce[COUNCIL_NONCE_MAX + 1];
    if (!council_authorize(request, nonce) || !has_council_key(request)) return MHD_YES;
    job_t *job = job_new(run);
    snprintf(job->arg, sizeof job->arg, "%s", nonce);
    return respond_later(request, job);
}

enum MHD_Result council_sign_head(request_t *request) { return council_job(request, sign_head_job); }

/* ------------------------------------------------------------ records */

static void record_job(server_t *server, job_t *job) {
    if (!claim_nonce(server, job)) return;
    uint64_t size = ledger_size(server->ledger), index;
    char id[64], error[LEDGER_ERROR_SIZE];
    snprintf(id, sizeof id, "rulings@%llu", (unsigned long long)size);
    rulings_t *rulings = engine_rule(server->engine, wall_clock_ms());   /* as on the board */
    buffer_t fields = {0};
    buffer_puts(&fields, "{\"rulings\":[");
    for (int i = 0; i < rulings->count; i++) {
        if (i) buffer_puts(&fields, ",");
        ruling_write_json(&rulings->items[i], server->agreement, &fields);
    }
    buffer_puts(&fields, "]}");
    rulings_free(rulings);
    bool ok = ledger_append_record(server->ledger, server->options.council, id, "rulings", fields.data, size, &index,
                                   error, sizeof error);
    buffer_free(&fields);
    if (!ok) {
        job_error(job, strstr(error, "already") ? MHD_HTTP_CONFLICT : MHD_HTTP_INTERNAL_SERVER_ERROR, "%s", error);
        return;
    }
    atomic_store(&server->tree_size, ledger_size(server->ledger));
    buffer_printf(&job->body, "{\"id\":\"%s\",\"index\":%llu,\"cites\":{\"tree_size\":%llu},\"tree_size\":%llu}\n", id,
                  (unsigned long long)index, (unsigned long long)size, (unsigned long long)ledger_size(server->ledger));
    job_json(job, MHD_HTTP_CREATED);
}

enum MHD_Result council_record_rulings(request_t *request) { return council_job(request, record_job); }
