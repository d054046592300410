/* ledger: what the C2SP formats need from the store — runs of stored subtree
 * hashes (tiles), the log's origin in the meta table, and the council's signed
 * checkpoints, kept in their own table so logs made before it keep working. */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_internal.h"

/* Created on first write; a read-only look at an older log finds none. */
static const char CHECKPOINT_TABLE[] =
    "CREATE TABLE IF NOT EXISTS checkpoints("
    "  seq INTEGER PRIMARY KEY, tree_size INTEGER NOT NULL, note BLOB NOT NULL)";

static bool fail(ledger_t *ledger, char *error, size_t error_size, const char *what) {
    snprintf(error, error_size, "%s: %s", what, sqlite3_errmsg(ledger_database(ledger)));
    return false;
}

static bool table_exists(ledger_t *ledger, const char *name) {
    sqlite3_stmt *s = NULL;
    bool found = sqlite3_prepare_v2(ledger_database(ledger),
                                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &s, NULL)
                     == SQLITE_OK
              && sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return found;
}

bool ledger_hashes(ledger_t *ledger, unsigned level, uint64_t start, uint64_t count, buffer_t *out,
                   char *error, size_t error_size) {
    sqlite3_stmt *s = NULL;
    const char *sql = level == 0 ? "SELECT idx, leaf_hash FROM entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx"
                                 : "SELECT idx, hash FROM nodes WHERE level = ?3 AND idx >= ?1 AND idx < ?2 ORDER BY idx";
    if (sqlite3_prepare_v2(ledger_database(ledger), sql, -1, &s, NULL) != SQLITE_OK)
        return fail(ledger, error, error_size, "reading hashes");
    sqlite3_bind_int64(s, 1, (sqlite3_int64)start);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)(start + count));
    if (level) sqlite3_bind_int(s, 3, (int)level);
    uint64_t expected = start;
    bool ok = true;
    int rc;
    while (ok && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        ok = (uint64_t)sqlite3_column_int64(s, 0) == expected && sqlite3_column_bytes(s, 1) == LEDGER_HASH_SIZE;
        if (ok) buffer_append(out, sqlite3_column_blob(s, 1), LEDGER_HASH_SIZE);
        expected++;
    }
    if (ok && rc != SQLITE_DONE) ok = fail(ledger, error, error_size, "reading hashes");
    else if (!ok || expected != start + count) {
        snprintf(error, error_size, "log damaged: no stored hash of subtree %u/%llu (run truce verify)", level,
                 (unsigned long long)(ok ? expected : expected - 1));
        ok = false;
    }
    sqlite3_finalize(s);
    return ok;
}

bool ledger_meta(ledger_t *ledger, const char *name, buffer_t *out, bool *found, char *error, size_t error_size) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(ledger_database(ledger), "SELECT value FROM meta WHERE name = ?", -1, &s, NULL) != SQLITE_OK)
        return fail(ledger, error, error_size, "reading the log's settings");
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    *found = rc == SQLITE_ROW;
    if (*found) buffer_append(out, sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0));
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE || fail(ledger, error, error_size, "reading the log's settings");
}

bool ledger_set_meta(ledger_t *ledger, const char *name, const char *value, char *error, size_t error_size) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(ledger_database(ledger), "INSERT OR REPLACE INTO meta(name, value) VALUES(?, ?)", -1, &s,
                           NULL) != SQLITE_OK)
        return fail(ledger, error, error_size, "writing the log's settings");
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_finalize(s);
    return ok || fail(ledger, error, error_size, "writing the log's settings");
}

bool ledger_store_checkpoint(ledger_t *ledger, uint64_t tree_size, const char *note, size_t len,
                             char *error, size_t error_size) {
    char *message = NULL;
    if (sqlite3_exec(ledger_database(ledger), CHECKPOINT_TABLE, NULL, NULL, &message) != SQLITE_OK) {
        snprintf(error, error_size, "creating the checkpoints table: %s", message ? message : "?");
        sqlite3_free(message);
        return false;
    }
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(ledger_database(ledger), "INSERT INTO checkpoints(tree_size, note) VALUES(?, ?)", -1, &s,
                           NULL) != SQLITE_OK)
        return fail(ledger, error, error_size, "storing a checkpoint");
    sqlite3_bind_int64(s, 1, (sqlite3_int64)tree_size);
    sqlite3_bind_blob(s, 2, note, (int)len, SQLITE_STATIC);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_finalize(s);
    return ok || fail(ledger, error, error_size, "storing a checkpoint");
}

bool ledger_foreach_checkpoint(ledger_t *ledger, bool latest_only, ledger_checkpoint_fn fn, void *context,
                               char *error, size_t error_size) {
    if (!table_exists(ledger, "checkpoints")) return true;
    sqlite3_stmt *s = NULL;
    const char *sql = latest_only ? "SELECT seq, tree_size, note FROM checkpoints ORDER BY seq DESC LIMIT 1"
                                  : "SELECT seq, tree_size, note FROM checkpoints ORDER BY seq";
    if (sqlite3_prepare_v2(ledger_database(ledger), sql, -1, &s, NULL) != SQLITE_OK)
        return fail(ledger, error, error_size, "reading checkpoints");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (!fn(context, (uint64_t)sqlite3_column_int64(s, 0), (uint64_t)sqlite3_column_int64(s, 1),
                sqlite3_column_blob(s, 2), (size_t)sqlite3_column_bytes(s, 2))) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE || fail(ledger, error, error_size, "reading checkpoints");
}

typedef struct { buffer_t *note; uint64_t seq, tree_size; bool found; } latest_t;

static bool keep_latest(void *context, uint64_t seq, uint64_t tree_size, const void *note, size_t len) {
    latest_t *l = context;
    if (l->note) buffer_append(l->note, note, len);
    l->seq = seq, l->tree_size = tree_size, l->found = true;
    return false;
}

bool ledger_latest_checkpoint(ledger_t *ledger, buffer_t *note, uint64_t *tree_size, uint64_t *seq, bool *found,
                              char *error, size_t error_size) {
    latest_t l = {note, 0, 0, false};
    if (!ledger_foreach_checkpoint(ledger, true, keep_latest, &l, error, error_size)) return false;
    if (tree_size) *tree_size = l.tree_size;
    if (seq) *seq = l.seq;
    *found = l.found;
    return true;
}
