/* server: `truce serve --policy FILE` — hands every new checkpoint to the
 * policy's witnesses (POST <url>/add-checkpoint, c2sp.org/tlog-witness) and
 * stores the checkpoint again with the cosignatures that verify, so
 * /checkpoint serves the cosigned one. A witness that is down, refuses (403,
 * 404, 409 twice, 422) or answers a bad cosignature is reported on stderr
 * and retried on the next checkpoint; it is never silently skipped. Its own
 * thread and SQLite connection: the writer never waits on a witness. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/server_internal.h"
#include "tlog/tlog.h"
#include "witness/witness.h"

#define RETRY_SECONDS 5   /* after a failure, try again even without a new checkpoint */

struct witnesses {
    server_t *server;
    tlog_policy_t *policy;
    tlog_verifier_t council;
    ledger_t *ledger;                       /* this thread's own connection */
    CURL *curl;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping, pending, running;
    uint64_t known[TLOG_POLICY_MAX];        /* each witness's cosigned size, as far as we know */
    bool failed[TLOG_POLICY_MAX];
};

static size_t collect(char *data, size_t size, size_t count, void *context) {
    buffer_t *out = context;
    if (out->len + size * count > WITNESS_MAX_BODY) return 0;   /* a witness's answer is a few lines */
    buffer_append(out, data, size * count);
    return size * count;
}

static long post(witnesses_t *w, const char *url, const buffer_t *body, buffer_t *answer, char *error, size_t size) {
    char endpoint[600];
    snprintf(endpoint, sizeof endpoint, "%s%sadd-checkpoint", url, url[strlen(url) - 1] == '/' ? "" : "/");
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: text/plain; charset=utf-8");
    curl_easy_reset(w->curl);
    curl_easy_setopt(w->curl, CURLOPT_URL, endpoint);
    curl_easy_setopt(w->curl, CURLOPT_POSTFIELDS, body->data);
    curl_easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE, (long)body->len);
    curl_easy_setopt(w->curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(w->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(w->curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    curl_easy_setopt(w->curl, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(w->curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(w->curl, CURLOPT_WRITEDATA, answer);
    curl_easy_setopt(w->curl, CURLOPT_USERAGENT, "truce-log/1");
    CURLcode rc = curl_easy_perform(w->curl);
    long status = 0;
    curl_easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) snprintf(error, size, "%s", curl_easy_strerror(rc));
    return rc == CURLE_OK ? status : 0;
}

/* The request from size old to the checkpoint; false when no proof can be built. */
static bool build_request(witnesses_t *w, uint64_t old, const tlog_checkpoint_t *cp, const buffer_t *note,
                          buffer_t *body, char *error, size_t size) {
    ledger_consistency_proof_t *proof = xcalloc(1, sizeof *proof);
    bool ok = old == 0 || old == cp->size || ledger_prove_consistency(w->ledger, old, cp->size, proof, error, size);
    if (ok) witness_request_format(old, (const uint8_t(*)[LEDGER_HASH_SIZE])proof->path,
                                   old && old != cp->size ? proof->path_length : 0, note->data, note->len, body);
    free(proof);
    return ok;
}

/* One witness: its cosignature line appended to cosigned, or the failure reported. */
static void ask(witnesses_t *w, size_t i, const tlog_checkpoint_t *cp, const buffer_t *note, buffer_t *cosigned) {
    const tlog_verifier_t *keys;
    tlog_policy_witnesses(w->policy, &keys);
    const char *url = tlog_policy_witness_url(w->policy, i);
    char error[LEDGER_ERROR_SIZE] = "";
    buffer_t body = {0}, answer = {0};
    long status = 0;
    for (int attempt = 0; attempt < 2; attempt++) {   /* a 409 tells us the witness's size: try once more */
        body.len = answer.len = 0;
        if (!build_request(w, w->known[i], cp, note, &body, error, sizeof error)) { status = -1; break; }
        status = post(w, url, &body, &answer, error, sizeof error);
        if (status != 409) break;
        uint64_t theirs = strtoull(answer.data ? answer.data : "0", NULL, 10);
        if (theirs > cp->size || theirs == w->known[i]) break;
        w->known[i] = theirs;
    }
    bool ok = status == 200;
    if (ok) {   /* verify the cosignature before publishing it */
        buffer_t whole = {0};
        tlog_note_t *parsed = xmalloc(sizeof *parsed);
        buffer_append(&whole, note->data, note->len);
        buffer_append(&whole, answer.data, answer.len);
        bool mine = false;
        ok = tlog_note_parse(whole.data, whole.len, parsed, error, sizeof error)
          && tlog_note_verify(parsed, &keys[i], 1, &mine, NULL, error, sizeof error) && mine;
        if (ok)
            for (size_t s = 0; s < parsed->signature_count; s++)
                if (text_equals_cstr(parsed->signatures[s].name, keys[i].name)) {
                    buffer_printf(cosigned, "\xe2\x80\x94 %s %.*s\n", keys[i].name, (int)parsed->signatures[s].base64.len,
                                  parsed->signatures[s].base64.ptr);
                    break;
                }
        free(parsed);
        buffer_free(&whole);
        if (!ok) snprintf(error + strlen(error), sizeof error - strlen(error), " (in its answer)");
    }
    if (ok) w->known[i] = cp->size;
    else {
        while (answer.len && (answer.data[answer.len - 1] == '\n')) answer.len--;
        fprintf(stderr, "truce: witness %s (%s) did not cosign checkpoint %llu: %s%ld %.*s\n", keys[i].name, url,
                (unsigned long long)cp->size, status > 0 ? "HTTP " : "", status > 0 ? status : 0L,
                status > 0 && status != 200 ? (int)(answer.len > 200 ? 200 : answer.len) : (int)strlen(error),
                status > 0 && status != 200 ? answer.data : error);
    }
    w->failed[i] = !ok;
    buffer_free(&body);
    buffer_free(&answer);
}

/* Submits the latest checkpoint to every witness that has not cosigned it. */
static void round_of_witnessing(witnesses_t *w) {
    buffer_t note = {0}, cosigned = {0};
    tlog_checkpoint_t cp;
    char error[LEDGER_ERROR_SIZE];
    const tlog_verifier_t *keys;
    size_t count = tlog_policy_witnesses(w->policy, &keys);
    tlog_note_t *parsed = xmalloc(sizeof *parsed);
    bool found = false;
    if (!ledger_refresh(w->ledger, error, sizeof error)
        || !ledger_latest_checkpoint(w->ledger, &note, NULL, NULL, &found, error, sizeof error) || !found
        || !tlog_checkpoint_open(note.data, note.len, &w->council, NULL, 0, NULL, &cp, error, sizeof error)) {
        if (note.len) fprintf(stderr, "truce: witnesses: the latest checkpoint: %s\n", error);
        goto done;
    }
    /* Only the council's own signature goes to witnesses; theirs are added back below. */
    tlog_note_parse(note.data, note.len, parsed, error, sizeof error);
    buffer_t plain = {0};
    buffer_append(&plain, note.data, parsed->text.len + 1);
    for (size_t s = 0; s < parsed->signature_count; s++)
        if (text_equals_cstr(parsed->signatures[s].name, w->council.name))
            buffer_printf(&plain, "\xe2\x80\x94 %s %.*s\n", w->council.name, (int)parsed->signatures[s].base64.len,
                          parsed->signatures[s].base64.ptr);
    bool asked = false;
    for (size_t i = 0; i < count; i++) {
        if (!tlog_policy_witness_url(w->policy, i) || (w->known[i] == cp.size && !w->failed[i])) continue;
        ask(w, i, &cp, &plain, &cosigned);
        asked = true;
    }
    if (asked && cosigned.len) {
        /* Everything that already verified on the stored note stays, plus the new cosignatures. */
        buffer_t whole = {0};
        buffer_append(&whole, note.data, note.len);
        buffer_append(&whole, cosigned.data, cosigned.len);
        if (!ledger_store_checkpoint(w->ledger, cp.size, whole.data, whole.len, error, sizeof error))
            fprintf(stderr, "truce: witnesses: storing the cosigned checkpoint: %s\n", error);
        buffer_free(&whole);
    }
    buffer_free(&plain);
done:
    free(parsed);
    buffer_free(&note);
    buffer_free(&cosigned);
}

static bool any_failed(const witnesses_t *w) {
    for (size_t i = 0; i < TLOG_POLICY_MAX; i++)
        if (w->failed[i]) return true;
    return false;
}

static void *run(void *context) {
    witnesses_t *w = context;
    pthread_mutex_lock(&w->lock);
    w->pending = true;   /* the checkpoint signed at start */
    while (!w->stopping) {
        if (!w->pending) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += RETRY_SECONDS;
            if (any_failed(w)) pthread_cond_timedwait(&w->wake, &w->lock, &until);
            else pthread_cond_wait(&w->wake, &w->lock);
            if (w->stopping) break;
        }
        w->pending = false;
        pthread_mutex_unlock(&w->lock);
        round_of_witnessing(w);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

witnesses_t *witnesses_start(server_t *server, const uint8_t council_key[LEDGER_PUBLIC_KEY_SIZE], const char *origin,
                             char *error, size_t error_size) {
    buffer_t text = {0};
    if (!buffer_read_file(&text, server->options.policy_path)) {
        snprintf(error, error_size, "%s: cannot read", server->options.policy_path);
        return NULL;
    }
    char reason[LEDGER_ERROR_SIZE];
    witnesses_t *w = xcalloc(1, sizeof *w);
    w->server = server;
    bool ok = (w->policy = tlog_policy_parse(text.data, text.len, reason, sizeof reason)) != NULL
           && tlog_council_verifier(origin, council_key, &w->council, reason, sizeof reason)
           && (w->ledger = ledger_open(server->options.log_path, LEDGER_READ_WRITE, reason, sizeof reason)) != NULL
           && (w->curl = curl_easy_init()) != NULL;
    buffer_free(&text);
    if (!ok) {
        snprintf(error, error_size, "%s: %s", server->options.policy_path, w->curl || !w->ledger ? reason : "libcurl");
        witnesses_stop(w);
        return NULL;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    w->running = pthread_create(&w->thread, NULL, run, w) == 0;
    return w;
}

void witnesses_notify(witnesses_t *w) {
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->pending = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

void witnesses_stop(witnesses_t *w) {
    if (!w) return;
    if (w->running) {
        pthread_mutex_lock(&w->lock);
        w->stopping = true;
        pthread_cond_signal(&w->wake);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->thread, NULL);
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->wake);
    }
    if (w->curl) curl_easy_cleanup(w->curl);
    ledger_close(w->ledger);
    tlog_policy_free(w->policy);
    free(w);
}
