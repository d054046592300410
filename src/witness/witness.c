/* witness: the add-checkpoint rules of c2sp.org/tlog-witness and the state
 * behind them. Status codes follow the spec exactly: 400 a malformed request
 * or an old size above the checkpoint's, 404 an unknown origin, 403 no valid
 * signature by the log's key, 409 an old size that is not ours (the body says
 * ours), 422 a proof that does not verify or a size-0 checkpoint with another
 * root. Check and update run in one IMMEDIATE transaction, so two requests
 * can never both move the state (the spec's rollback race). */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "witness/witness.h"

struct witness {
    sqlite3 *db;
    ledger_secret_key_t key;
    tlog_verifier_t self;
    tlog_verifier_t logs[WITNESS_MAX_LOGS];
    size_t log_count;
};

static const char SCHEMA[] =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS witnessed("
    "  origin TEXT PRIMARY KEY, tree_size INTEGER NOT NULL, root BLOB NOT NULL, checkpoint BLOB NOT NULL,"
    "  time_s INTEGER NOT NULL);"
    /* Checkpoints refused after their signature verified: possible evidence of a split view. */
    "CREATE TABLE IF NOT EXISTS refused("
    "  seq INTEGER PRIMARY KEY, time_s INTEGER NOT NULL, origin TEXT NOT NULL, status INTEGER NOT NULL,"
    "  reason TEXT NOT NULL, request BLOB NOT NULL);";

static bool next_line(const char **p, const char *end, text_t *line) {
    const char *nl = *p < end ? memchr(*p, '\n', (size_t)(end - *p)) : NULL;
    if (!nl) return false;
    *line = (text_t){*p, (size_t)(nl - *p)};
    *p = nl + 1;
    return true;
}

static bool parse_size(text_t text, uint64_t *out) {
    if (text.len == 0 || text.len > 20 || (text.len > 1 && text.ptr[0] == '0')) return false;
    uint64_t n = 0;
    for (size_t i = 0; i < text.len; i++) {
        unsigned d = (unsigned)(text.ptr[i] - '0');
        if (d > 9 || n > (UINT64_MAX - d) / 10) return false;
        n = n * 10 + d;
    }
    *out = n;
    return true;
}

bool witness_request_parse(const char *body, size_t len, witness_request_t *request, char *error, size_t error_size) {
    memset(request, 0, sizeof *request);
    const char *p = body, *end = body + len;
    text_t line;
    if (len > WITNESS_MAX_BODY) {
        snprintf(error, error_size, "request body over %d bytes", WITNESS_MAX_BODY);
        return false;
    }
    if (!next_line(&p, end, &line) || line.len < 5 || memcmp(line.ptr, "old ", 4) != 0
        || !parse_size((text_t){line.ptr + 4, line.len - 4}, &request->old_size)) {
        snprintf(error, error_size, "line 1: expected 'old <size>' (decimal, no leading zeros)");
        return false;
    }
    for (;;) {
        if (!next_line(&p, end, &line)) {
            snprintf(error, error_size, "no empty line before the checkpoint");
            return false;
        }
        if (line.len == 0) break;
        if (request->proof_length == WITNESS_MAX_PROOF) {
            snprintf(error, error_size, "more than %d consistency proof lines", WITNESS_MAX_PROOF);
            return false;
        }
        if (!ledger_base64_decode(line, request->proof[request->proof_length], LEDGER_HASH_SIZE)) {
            snprintf(error, error_size, "line %zu: a proof line is base64 of a 32-byte hash", request->proof_length + 2);
            return false;
        }
        request->proof_length++;
    }
    request->checkpoint = p;
    request->checkpoint_len = (size_t)(end - p);
    return true;
}

void witness_request_format(uint64_t old_size, const uint8_t (*proof)[LEDGER_HASH_SIZE], size_t proof_length,
                            const char *checkpoint, size_t checkpoint_len, buffer_t *out) {
    buffer_printf(out, "old %llu\n", (unsigned long long)old_size);
    for (size_t i = 0; i < proof_length; i++) {
        ledger_base64_append(proof[i], LEDGER_HASH_SIZE, out);
        buffer_puts(out, "\n");
    }
    buffer_puts(out, "\n");
    buffer_append(out, checkpoint, checkpoint_len);
}

static bool exec(sqlite3 *db, const char *sql, char *error, size_t error_size) {
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) == SQLITE_OK) return true;
    snprintf(error, error_size, "%s", message ? message : sqlite3_errmsg(db));
    sqlite3_free(message);
    return false;
}

witness_t *witness_open(const char *path, const ledger_secret_key_t *key, const char *name,
                        const tlog_verifier_t *logs, size_t log_count, char *error, size_t error_size) {
    if (log_count == 0 || log_count > WITNESS_MAX_LOGS) {
        snprintf(error, error_size, "a witness needs 1 to %d log keys", WITNESS_MAX_LOGS);
        return NULL;
    }
    witness_t *w = xcalloc(1, sizeof *w);
    char reason[LEDGER_ERROR_SIZE];
    bool ok = tlog_verifier_init(&w->self, name, TLOG_KEY_COSIGNATURE, key->public_key, reason, sizeof reason);
    if (ok && sqlite3_open_v2(path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(reason, sizeof reason, "%s", w->db ? sqlite3_errmsg(w->db) : "cannot open");
        ok = false;
    }
    if (ok) {
        sqlite3_busy_timeout(w->db, 10000);
        ok = exec(w->db, SCHEMA, reason, sizeof reason);
    }
    if (!ok) {
        snprintf(error, error_size, "%s: %s", path, reason);
        witness_close(w);
        return NULL;
    }
    w->key = *key;
    memcpy(w->logs, logs, log_count * sizeof *logs);
    w->log_count = log_count;
    return w;
}

void witness_close(witness_t *witness) {
    if (!witness) return;
    sqlite3_close(witness->db);
    ledger_key_wipe(&witness->key);
    free(witness);
}

const tlog_verifier_t *witness_verifier(const witness_t *witness) { return &witness->self; }

static void answer_text(witness_answer_t *answer, unsigned status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
static void answer_text(witness_answer_t *answer, unsigned status, const char *format, ...) {
    char message[LEDGER_ERROR_SIZE * 2];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    answer->status = status;
    answer->content_type = "text/plain; charset=utf-8";
    answer->body.len = 0;
    buffer_printf(&answer->body, "%s\n", message);
}

/* Reads the state for origin: the cosigned size and root (size 0 and the empty root when none). */
static bool load_state(witness_t *w, const char *origin, uint64_t *size, uint8_t root[LEDGER_HASH_SIZE], bool *found) {
    sqlite3_stmt *s = NULL;
    *found = false;
    *size = 0;
    merkle_empty_root(root);
    if (sqlite3_prepare_v2(w->db, "SELECT tree_size, root FROM witnessed WHERE origin = ?", -1, &s, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(s, 1, origin, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(s, 1) == LEDGER_HASH_SIZE) {
        *found = true;
        *size = (uint64_t)sqlite3_column_int64(s, 0);
        memcpy(root, sqlite3_column_blob(s, 1), LEDGER_HASH_SIZE);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static bool store_state(witness_t *w, const tlog_checkpoint_t *cp, const char *note, size_t len, uint64_t now) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO witnessed(origin, tree_size, root, checkpoint, time_s)"
                                  " VALUES(?,?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(s, 1, cp->origin, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)cp->size);
    sqlite3_bind_blob(s, 3, cp->root, LEDGER_HASH_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(s, 4, note, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)now);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_finalize(s);
    return ok;
}

/* Keeps a refused, validly signed checkpoint: it may prove the log misbehaved. */
static void keep_refused(witness_t *w, const char *origin, unsigned status, const char *reason, const char *body,
                         size_t len, uint64_t now) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(w->db, "INSERT INTO refused(time_s, origin, status, reason, request) VALUES(?,?,?,?,?)",
                           -1, &s, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
    sqlite3_bind_text(s, 2, origin, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, (int)status);
    sqlite3_bind_text(s, 4, reason, -1, SQLITE_STATIC);
    sqlite3_bind_blob(s, 5, body, (int)len, SQLITE_STATIC);
    sqlite3_step(s);
    sqlite3_finalize(s);
}

/* The consistency rules, against the state (inside the transaction). 0 when all pass. */
static unsigned check_consistency(const witness_request_t *r, const tlog_checkpoint_t *cp, uint64_t size,
                                  const uint8_t root[LEDGER_HASH_SIZE], char *reason, size_t reason_size) {
    uint8_t empty[LEDGER_HASH_SIZE];
    merkle_empty_root(empty);
    if (r->old_size != size) {
        snprintf(reason, reason_size, "old size %llu is not the latest cosigned size %llu",
                 (unsigned long long)r->old_size, (unsigned long long)size);
        return 409;
    }
    if (cp->size == 0 && memcmp(cp->root, empty, LEDGER_HASH_SIZE) != 0) {
        snprintf(reason, reason_size, "a checkpoint of size 0 must have the empty tree's root");
        return 422;
    }
    if (r->old_size == 0) {
        if (r->proof_length) snprintf(reason, reason_size, "old size 0 takes an empty proof");
        return r->proof_length ? 422 : 0;
    }
    if (r->old_size == cp->size) {
        if (r->proof_length || memcmp(root, cp->root, LEDGER_HASH_SIZE) != 0) {
            snprintf(reason, reason_size, "same size as the cosigned checkpoint but %s",
                     r->proof_length ? "a non-empty proof" : "another root hash (a fork)");
            return 422;
        }
        return 0;
    }
    char error[LEDGER_ERROR_SIZE];
    if (!merkle_verify_consistency(r->old_size, cp->size, root, cp->root, (const uint8_t(*)[LEDGER_HASH_SIZE])r->proof,
                                   r->proof_length, error, sizeof error)) {
        snprintf(reason, reason_size, "not consistent with the cosigned checkpoint of size %llu: %.150s",
                 (unsigned long long)size, error);
        return 422;
    }
    return 0;
}

void witness_add_checkpoint(witness_t *w, const char *body, size_t len, uint64_t now, witness_answer_t *answer) {
    memset(answer, 0, sizeof *answer);
    witness_request_t *r = xmalloc(sizeof *r);
    tlog_note_t *note = xmalloc(sizeof *note);
    tlog_checkpoint_t cp;
    char reason[LEDGER_ERROR_SIZE];
    const tlog_verifier_t *log = NULL;
    if (!witness_request_parse(body, len, r, reason, sizeof reason)
        || !tlog_note_parse(r->checkpoint, r->checkpoint_len, note, reason, sizeof reason)
        || !tlog_checkpoint_parse(note->text, &cp, reason, sizeof reason)) {
        answer_text(answer, 400, "malformed request: %s", reason);
        goto done;
    }
    for (size_t i = 0; i < w->log_count && !log; i++)
        if (!strcmp(w->logs[i].name, cp.origin)) log = &w->logs[i];
    if (!log) { answer_text(answer, 404, "unknown log origin '%.100s'", cp.origin); goto done; }
    if (!tlog_note_verify(note, log, 1, NULL, NULL, reason, sizeof reason)) {
        answer_text(answer, 403, "%s", reason);
        goto done;
    }
    if (r->old_size > cp.size) {
        answer_text(answer, 400, "old size %llu is above the checkpoint's size %llu", (unsigned long long)r->old_size,
                    (unsigned long long)cp.size);
        goto done;
    }
    if (!exec(w->db, "BEGIN IMMEDIATE", reason, sizeof reason)) { answer_text(answer, 500, "%s", reason); goto done; }
    uint64_t size;
    uint8_t root[LEDGER_HASH_SIZE];
    bool found;
    if (!load_state(w, cp.origin, &size, root, &found)) {
        exec(w->db, "ROLLBACK", reason, sizeof reason);
        answer_text(answer, 500, "reading the witness state: %s", sqlite3_errmsg(w->db));
        goto done;
    }
    unsigned status = check_consistency(r, &cp, size, root, reason, sizeof reason);
    if (status) {
        keep_refused(w, cp.origin, status, reason, body, len, now);
        char ignored[LEDGER_ERROR_SIZE];
        exec(w->db, "COMMIT", ignored, sizeof ignored);
        if (status == 409) {
            answer->status = 409;
            answer->content_type = "text/x.tlog.size";
            buffer_printf(&answer->body, "%llu\n", (unsigned long long)size);
        } else {
            answer_text(answer, status, "%s", reason);
        }
        goto done;
    }
    if (!store_state(w, &cp, r->checkpoint, r->checkpoint_len, now) || !exec(w->db, "COMMIT", reason, sizeof reason)) {
        char ignored[LEDGER_ERROR_SIZE];
        snprintf(reason, sizeof reason, "%s", sqlite3_errmsg(w->db));
        exec(w->db, "ROLLBACK", ignored, sizeof ignored);
        answer_text(answer, 500, "storing the witness state: %s", reason);
        goto done;
    }
    answer->status = 200;
    answer->content_type = "text/plain; charset=utf-8";
    tlog_sign_line(note->text.ptr, note->text.len, &w->key, w->self.name, TLOG_KEY_COSIGNATURE, now, &answer->body);
done:
    free(note);
    free(r);
}

bool witness_size(witness_t *w, const char *origin, uint64_t *size, bool *found, char *error, size_t error_size) {
    uint8_t root[LEDGER_HASH_SIZE];
    if (load_state(w, origin, size, root, found)) return true;
    snprintf(error, error_size, "%s", sqlite3_errmsg(w->db));
    return false;
}
