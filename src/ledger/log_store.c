/* ledger: the append-only log in SQLite (docs/ledger.md). Entries with their
 * leaf hashes, every complete subtree hash (so roots and proofs never rehash
 * the whole log), signed tree heads; group-committed appends; council records.
 *
 * Invariants: entries are numbered 0..size-1 without gaps; (source, id) is
 * unique; nodes holds exactly the complete subtrees of level >= 1 within the
 * first size entries; the in-memory frontier equals the stored right edge
 * whenever it is loaded (it is reloaded after a rollback). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger/ledger_internal.h"

#define LOG_FORMAT "truce-log v1"

/* One transaction: a process killed while creating the log leaves either no
 * tables or every table with its format mark, never tables without it. */
static const char *const SCHEMA =
    "BEGIN IMMEDIATE;"
    "CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS entries("
    "  idx INTEGER PRIMARY KEY,"      /* position in the log, from 0 */
    "  source TEXT NOT NULL,"
    "  id TEXT NOT NULL,"
    "  bytes BLOB NOT NULL,"          /* RFC 8785 canonical JSON, sig included */
    "  leaf_hash BLOB NOT NULL);"     /* SHA-256(0x00 || bytes) */
    "CREATE UNIQUE INDEX IF NOT EXISTS entries_source_id ON entries(source, id);"
    "CREATE TABLE IF NOT EXISTS nodes("
    "  level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,"
    "  PRIMARY KEY(level, idx)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS tree_heads("
    "  seq INTEGER PRIMARY KEY, tree_size INTEGER NOT NULL, timestamp_ms INTEGER NOT NULL,"
    "  root_hash BLOB NOT NULL, signature BLOB NOT NULL);"
    "INSERT OR IGNORE INTO meta(name, value) VALUES('format', '" LOG_FORMAT "');"
    "COMMIT;";

enum {
    SQL_INSERT_ENTRY, SQL_FIND_ENTRY, SQL_ENTRY_BYTES, SQL_LEAF_HASH, SQL_NODE_HASH, SQL_INSERT_NODE,
    SQL_INSERT_HEAD, SQL_LATEST_HEAD, SQL_RANGE, SQL_BEGIN, SQL_COMMIT, SQL_ROLLBACK, SQL_COUNT
};

static const char *const STATEMENTS[SQL_COUNT] = {
    [SQL_INSERT_ENTRY] = "INSERT INTO entries(idx, source, id, bytes, leaf_hash) VALUES(?,?,?,?,?)"
                         " ON CONFLICT(source, id) DO NOTHING",
    [SQL_FIND_ENTRY] = "SELECT idx, bytes FROM entries WHERE source = ? AND id = ?",
    [SQL_ENTRY_BYTES] = "SELECT bytes FROM entries WHERE idx = ?",
    [SQL_LEAF_HASH] = "SELECT leaf_hash FROM entries WHERE idx = ?",
    [SQL_NODE_HASH] = "SELECT hash FROM nodes WHERE level = ? AND idx = ?",
    [SQL_INSERT_NODE] = "INSERT OR REPLACE INTO nodes(level, idx, hash) VALUES(?,?,?)",
    [SQL_INSERT_HEAD] = "INSERT INTO tree_heads(tree_size, timestamp_ms, root_hash, signature) VALUES(?,?,?,?)",
    [SQL_LATEST_HEAD] = "SELECT tree_size, timestamp_ms, root_hash, signature FROM tree_heads ORDER BY seq DESC LIMIT 1",
    [SQL_RANGE] = "SELECT idx, bytes FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx",
    [SQL_BEGIN] = "BEGIN IMMEDIATE",
    [SQL_COMMIT] = "COMMIT",
    [SQL_ROLLBACK] = "ROLLBACK",
};

struct ledger {
    sqlite3 *db;
    sqlite3_stmt *stmt[SQL_COUNT];
    uint64_t size;
    bool in_batch;
    bool frontier_loaded;
    merkle_frontier_t frontier;
    bool node_failed;               /* a subtree insert failed inside merkle_frontier_push */
    char node_error[LEDGER_ERROR_SIZE];
};

sqlite3 *ledger_database(ledger_t *ledger) { return ledger->db; }

int64_t ledger_now_ms(void) { return time_now(); }

static bool db_fail(ledger_t *ledger, char *error, size_t error_size, const char *what) {
    snprintf(error, error_size, "%s: %s", what, sqlite3_errmsg(ledger->db));
    return false;
}

/* Runs a prepared statement that returns no rows, then resets it. */
static bool run(ledger_t *ledger, int which, char *error, size_t error_size, const char *what) {
    sqlite3_stmt *s = ledger->stmt[which];
    int rc = sqlite3_step(s);
    bool ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
    if (!ok) db_fail(ledger, error, error_size, what);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return ok;
}

static bool exec(ledger_t *ledger, const char *sql, char *error, size_t error_size) {
    char *message = NULL;
    if (sqlite3_exec(ledger->db, sql, NULL, NULL, &message) == SQLITE_OK) return true;
    snprintf(error, error_size, "%s", message ? message : sqlite3_errmsg(ledger->db));
    sqlite3_free(message);
    return false;
}

static bool check_format(ledger_t *ledger, char *error, size_t error_size) {
    sqlite3_stmt *s = NULL;
    bool ok = sqlite3_prepare_v2(ledger->db, "SELECT value FROM meta WHERE name = 'format'", -1, &s, NULL) == SQLITE_OK
           && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_TEXT
           && !strcmp((const char *)sqlite3_column_text(s, 0), LOG_FORMAT);
    sqlite3_finalize(s);
    if (!ok) snprintf(error, error_size, "not a truce log (no '" LOG_FORMAT "' format mark)");
    return ok;
}

static bool load_size(ledger_t *ledger, char *error, size_t error_size) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(ledger->db, "SELECT COALESCE(MAX(idx) + 1, 0) FROM entries", -1, &s, NULL) != SQLITE_OK
        || sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return db_fail(ledger, error, error_size, "reading the log size");
    }
    sqlite3_int64 size = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    ledger->size = size > 0 ? (uint64_t)size : 0;
    return true;
}

static bool configure(ledger_t *ledger, ledger_mode_t mode, char *error, size_t error_size) {
    sqlite3_busy_timeout(ledger->db, 10000);
    if (mode != LEDGER_READ_ONLY
        && !exec(ledger, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", error, error_size))
        return false;
    if (!exec(ledger, "PRAGMA cache_size=-65536;", error, error_size)) return false;
    if (mode == LEDGER_CREATE && !exec(ledger, SCHEMA, error, error_size)) return false;
    if (!check_format(ledger, error, error_size)) return false;
    for (int i = 0; i < SQL_COUNT; i++)
        if (sqlite3_prepare_v3(ledger->db, STATEMENTS[i], -1, SQLITE_PREPARE_PERSISTENT, &ledger->stmt[i], NULL)
            != SQLITE_OK)
            return db_fail(ledger, error, error_size, "preparing statements (damaged log?)");
    return load_size(ledger, error, error_size);
}

ledger_t *ledger_open(const char *path, ledger_mode_t mode, char *error, size_t error_size) {
    ledger_t *ledger = xcalloc(1, sizeof *ledger);
    int flags = mode == LEDGER_READ_ONLY ? SQLITE_OPEN_READONLY
              : mode == LEDGER_READ_WRITE ? SQLITE_OPEN_READWRITE
              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &ledger->db, flags, NULL) != SQLITE_OK) {
        snprintf(error, error_size, "%s: %s", path, ledger->db ? sqlite3_errmsg(ledger->db) : "cannot open");
        ledger_close(ledger);
        return NULL;
    }
    char reason[LEDGER_ERROR_SIZE];
    if (!configure(ledger, mode, reason, sizeof reason)) {
        snprintf(error, error_size, "%s: %s", path, reason);
        ledger_close(ledger);
        return NULL;
    }
    return ledger;
}

void ledger_close(ledger_t *ledger) {
    if (!ledger) return;
    if (ledger->in_batch) ledger_rollback(ledger);
    for (int i = 0; i < SQL_COUNT; i++) sqlite3_finalize(ledger->stmt[i]);
    sqlite3_close(ledger->db);
    free(ledger);
}

uint64_t ledger_size(const ledger_t *ledger) { return ledger->size; }

bool ledger_refresh(ledger_t *ledger, char *error, size_t error_size) {
    if (ledger->in_batch) return true;   /* our own batch: the size is ours */
    uint64_t before = ledger->size;
    if (!load_size(ledger, error, error_size)) return false;
    if (before != ledger->size) ledger->frontier_loaded = false;
    return true;
}

static bool column_hash(sqlite3_stmt *s, int column, uint8_t out[LEDGER_HASH_SIZE]) {
    if (sqlite3_column_type(s, column) != SQLITE_BLOB || sqlite3_column_bytes(s, column) != LEDGER_HASH_SIZE)
        return false;
    memcpy(out, sqlite3_column_blob(s, column), LEDGER_HASH_SIZE);
    return true;
}

bool ledger_stored_hash(ledger_t *ledger, unsigned level, uint64_t index, uint8_t out[LEDGER_HASH_SIZE],
                        bool *found, char *error, size_t error_size) {
    sqlite3_stmt *s = ledger->stmt[level == 0 ? SQL_LEAF_HASH : SQL_NODE_HASH];
    if (level == 0) sqlite3_bind_int64(s, 1, (sqlite3_int64)index);
    else { sqlite3_bind_int(s, 1, (int)level); sqlite3_bind_int64(s, 2, (sqlite3_int64)index); }
    int rc = sqlite3_step(s);
    *found = rc == SQLITE_ROW;
    bool ok = rc == SQLITE_DONE || (rc == SQLITE_ROW && column_hash(s, 0, out));
    if (!ok && rc == SQLITE_ROW) snprintf(error, error_size, "stored hash of subtree %u/%llu is not 32 bytes",
                                          level, (unsigned long long)index);
    else if (!ok) db_fail(ledger, error, error_size, "reading a stored hash");
    sqlite3_reset(s);
    return ok;
}

static unsigned log2_exact(uint64_t n) {
    unsigned level = 0;
    while (((uint64_t)1 << level) < n) level++;
    return level;
}

bool ledger_range_hash(void *context, uint64_t start, uint64_t end, uint8_t out[LEDGER_HASH_SIZE],
                       char *error, size_t error_size) {
    ledger_t *ledger = context;
    uint64_t len = end - start;
    if ((len & (len - 1)) == 0 && start % len == 0) {
        bool found;
        unsigned level = log2_exact(len);
        if (!ledger_stored_hash(ledger, level, start >> level, out, &found, error, error_size)) return false;
        if (!found) snprintf(error, error_size, "log damaged: no stored hash for entries %llu..%llu (run truce verify)",
                             (unsigned long long)start, (unsigned long long)end - 1);
        return found;
    }
    uint64_t k = 1;
    while (k << 1 < len) k <<= 1;
    uint8_t left[LEDGER_HASH_SIZE], right[LEDGER_HASH_SIZE];
    if (!ledger_range_hash(ledger, start, start + k, left, error, error_size)
        || !ledger_range_hash(ledger, start + k, end, right, error, error_size))
        return false;
    merkle_node_hash(left, right, out);
    return true;
}

bool ledger_root(ledger_t *ledger, uint64_t size, uint8_t out[LEDGER_HASH_SIZE], char *error, size_t error_size) {
    if (size > ledger->size) {
        snprintf(error, error_size, "tree size %llu is beyond the log's %llu entries",
                 (unsigned long long)size, (unsigned long long)ledger->size);
        return false;
    }
    if (size == 0) { merkle_empty_root(out); return true; }
    if (ledger->frontier_loaded && size == ledger->frontier.size) {
        merkle_frontier_root(&ledger->frontier, out);
        return true;
    }
    return ledger_range_hash(ledger, 0, size, out, error, error_size);
}

/* Reads the stored right edge of the tree: one subtree per set bit of size. */
static bool load_frontier(ledger_t *ledger, char *error, size_t error_size) {
    merkle_frontier_init(&ledger->frontier);
    uint64_t size = ledger->size;
    for (unsigned level = 0; level < 64; level++) {
        if (!(size & ((uint64_t)1 << level))) continue;
        uint64_t start = (size >> (level + 1)) << (level + 1);
        if (!ledger_range_hash(ledger, start, start + ((uint64_t)1 << level), ledger->frontier.level[level],
                               error, error_size))
            return false;
    }
    ledger->frontier.size = size;
    ledger->frontier_loaded = true;
    return true;
}

bool ledger_begin(ledger_t *ledger, char *error, size_t error_size) {
    if (ledger->in_batch) {
        snprintf(error, error_size, "a batch is already open");
        return false;
    }
    if (!run(ledger, SQL_BEGIN, error, error_size, "starting a transaction")) return false;
    ledger->in_batch = true;
    /* Another writer may have appended since we last looked. */
    uint64_t before = ledger->size;
    if (!load_size(ledger, error, error_size)) { ledger_rollback(ledger); return false; }
    if ((!ledger->frontier_loaded || before != ledger->size) && !load_frontier(ledger, error, error_size)) {
        ledger_rollback(ledger);
        return false;
    }
    return true;
}

bool ledger_commit(ledger_t *ledger, char *error, size_t error_size) {
    if (!ledger->in_batch) {
        snprintf(error, error_size, "no batch is open");
        return false;
    }
    if (!run(ledger, SQL_COMMIT, error, error_size, "committing")) {
        ledger_rollback(ledger);
        return false;
    }
    ledger->in_batch = false;
    return true;
}

void ledger_rollback(ledger_t *ledger) {
    char ignored[LEDGER_ERROR_SIZE];
    if (sqlite3_get_autocommit(ledger->db) == 0) run(ledger, SQL_ROLLBACK, ignored, sizeof ignored, "rollback");
    ledger->in_batch = false;
    ledger->frontier_loaded = false;
    if (!load_size(ledger, ignored, sizeof ignored)) ledger->size = 0;
}

static void store_node(void *context, unsigned level, uint64_t index, const uint8_t hash[LEDGER_HASH_SIZE]) {
    ledger_t *ledger = context;
    if (ledger->node_failed) return;
    sqlite3_stmt *s = ledger->stmt[SQL_INSERT_NODE];
    sqlite3_bind_int(s, 1, (int)level);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)index);
    sqlite3_bind_blob(s, 3, hash, LEDGER_HASH_SIZE, SQLITE_TRANSIENT);
    if (!run(ledger, SQL_INSERT_NODE, ledger->node_error, sizeof ledger->node_error, "storing a subtree hash"))
        ledger->node_failed = true;
}

static append_result_t find_duplicate(ledger_t *ledger, text_t source, text_t id, const void *bytes, size_t len,
                                      uint64_t *index, bool *same_bytes, char *error, size_t error_size) {
    sqlite3_stmt *s = ledger->stmt[SQL_FIND_ENTRY];
    sqlite3_bind_text(s, 1, source.ptr, (int)source.len, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, id.ptr, (int)id.len, SQLITE_STATIC);
    append_result_t result = APPEND_FAILED;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *index = (uint64_t)sqlite3_column_int64(s, 0);
        const void *stored = sqlite3_column_blob(s, 1);
        size_t stored_len = (size_t)sqlite3_column_bytes(s, 1);
        *same_bytes = stored_len == len && (len == 0 || memcmp(stored, bytes, len) == 0);
        result = APPEND_DUPLICATE;
    } else {
        db_fail(ledger, error, error_size, "looking up a duplicate");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return result;
}

append_result_t ledger_append(ledger_t *ledger, text_t source, text_t id, const void *bytes, size_t len,
                              uint64_t *index, bool *same_bytes, char *error, size_t error_size) {
    if (!ledger->in_batch) {
        snprintf(error, error_size, "append outside a batch");
        return APPEND_FAILED;
    }
    if (len > LEDGER_MAX_ENTRY) {   /* callers check first (ledger_prepare_report_check); this is the backstop */
        snprintf(error, error_size, "entry too large: %zu bytes, over the log's limit of %d", len, LEDGER_MAX_ENTRY);
        return APPEND_FAILED;
    }
    uint8_t leaf[LEDGER_HASH_SIZE];
    merkle_leaf_hash(bytes, len, leaf);
    sqlite3_stmt *s = ledger->stmt[SQL_INSERT_ENTRY];
    sqlite3_bind_int64(s, 1, (sqlite3_int64)ledger->size);
    sqlite3_bind_text(s, 2, source.ptr, (int)source.len, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, id.ptr, (int)id.len, SQLITE_STATIC);
    sqlite3_bind_blob(s, 4, bytes, (int)len, SQLITE_STATIC);
    sqlite3_bind_blob(s, 5, leaf, LEDGER_HASH_SIZE, SQLITE_STATIC);
    if (!run(ledger, SQL_INSERT_ENTRY, error, error_size, "storing an entry")) return APPEND_FAILED;
    if (sqlite3_changes(ledger->db) == 0)
        return find_duplicate(ledger, source, id, bytes, len, index, same_bytes, error, error_size);
    ledger->node_failed = false;
    merkle_frontier_push(&ledger->frontier, leaf, store_node, ledger);
    if (ledger->node_failed) {
        snprintf(error, error_size, "%s", ledger->node_error);
        return APPEND_FAILED;
    }
    *index = ledger->size++;
    *same_bytes = true;
    return APPEND_STORED;
}

static bool store_head(ledger_t *ledger, const ledger_tree_head_t *head, char *error, size_t error_size) {
    sqlite3_stmt *s = ledger->stmt[SQL_INSERT_HEAD];
    sqlite3_bind_int64(s, 1, (sqlite3_int64)head->tree_size);
    sqlite3_bind_int64(s, 2, head->timestamp_ms);
    sqlite3_bind_blob(s, 3, head->root, LEDGER_HASH_SIZE, SQLITE_STATIC);
    sqlite3_bind_blob(s, 4, head->signature, LEDGER_SIGNATURE_SIZE, SQLITE_STATIC);
    return run(ledger, SQL_INSERT_HEAD, error, error_size, "storing a tree head");
}

bool ledger_sign_tree_head(ledger_t *ledger, const ledger_secret_key_t *council, ledger_tree_head_t *head,
                           char *error, size_t error_size) {
    if (ledger->in_batch) {
        snprintf(error, error_size, "cannot sign a tree head inside an open batch");
        return false;
    }
    ledger_tree_head_t latest;
    bool found;
    if (!load_size(ledger, error, error_size) || !ledger_latest_head(ledger, &latest, &found, error, error_size))
        return false;
    memset(head, 0, sizeof *head);
    head->tree_size = ledger->size;
    head->timestamp_ms = ledger_now_ms();
    if (found && latest.timestamp_ms > head->timestamp_ms) head->timestamp_ms = latest.timestamp_ms;
    if (!ledger_root(ledger, head->tree_size, head->root, error, error_size)) return false;
    ledger_head_sign(head, council);
    return store_head(ledger, head, error, error_size);
}

bool ledger_latest_head(ledger_t *ledger, ledger_tree_head_t *head, bool *found, char *error, size_t error_size) {
    sqlite3_stmt *s = ledger->stmt[SQL_LATEST_HEAD];
    int rc = sqlite3_step(s);
    *found = rc == SQLITE_ROW;
    bool ok = rc == SQLITE_DONE;
    if (*found) {
        head->tree_size = (uint64_t)sqlite3_column_int64(s, 0);
        head->timestamp_ms = sqlite3_column_int64(s, 1);
        ok = column_hash(s, 2, head->root) && sqlite3_column_bytes(s, 3) == LEDGER_SIGNATURE_SIZE;
        if (ok) memcpy(head->signature, sqlite3_column_blob(s, 3), LEDGER_SIGNATURE_SIZE);
        else snprintf(error, error_size, "the latest tree head is damaged (run truce verify)");
    } else if (!ok) {
        db_fail(ledger, error, error_size, "reading the latest tree head");
    }
    sqlite3_reset(s);
    return ok;
}

bool ledger_find(ledger_t *ledger, text_t source, text_t id, uint64_t *index, bool *found,
                 char *error, size_t error_size) {
    sqlite3_stmt *s = ledger->stmt[SQL_FIND_ENTRY];
    sqlite3_bind_text(s, 1, source.ptr, (int)source.len, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, id.ptr, (int)id.len, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    *found = rc == SQLITE_ROW;
    if (*found) *index = (uint64_t)sqlite3_column_int64(s, 0);
    bool ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
    if (!ok) db_fail(ledger, error, error_size, "looking up an entry");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return ok;
}

bool ledger_entry(ledger_t *ledger, uint64_t index, buffer_t *out, char *error, size_t error_size) {
    sqlite3_stmt *s = ledger->stmt[SQL_ENTRY_BYTES];
    sqlite3_bind_int64(s, 1, (sqlite3_int64)index);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) buffer_append(out, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0));
    else if (rc == SQLITE_DONE) snprintf(error, error_size, "no entry %llu in the log", (unsigned long long)index);
    else db_fail(ledger, error, error_size, "reading an entry");
    sqlite3_reset(s);
    return rc == SQLITE_ROW;
}

bool ledger_foreach(ledger_t *ledger, uint64_t start, uint64_t end, ledger_entry_fn on_entry, void *context,
                    char *error, size_t error_size) {
    sqlite3_stmt *s = ledger->stmt[SQL_RANGE];
    sqlite3_bind_int64(s, 1, (sqlite3_int64)start);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)end);
    uint64_t expected = start;
    bool ok = true;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        uint64_t index = (uint64_t)sqlite3_column_int64(s, 0);
        if (index != expected) {
            snprintf(error, error_size, "log damaged: entry %llu is missing (run truce verify)", (unsigned long long)expected);
            ok = false;
            break;
        }
        expected++;
        if (!on_entry(context, index, sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1))) break;
    }
    if (ok && rc != SQLITE_ROW && rc != SQLITE_DONE) ok = db_fail(ledger, error, error_size, "reading entries");
    if (ok && rc == SQLITE_DONE && expected < end && end <= ledger->size) {
        snprintf(error, error_size, "log damaged: entry %llu is missing (run truce verify)", (unsigned long long)expected);
        ok = false;
    }
    sqlite3_reset(s);
    return ok;
}

bool ledger_prove_inclusion(ledger_t *ledger, uint64_t index, uint64_t tree_size,
                            ledger_inclusion_proof_t *proof, char *error, size_t error_size) {
    memset(proof, 0, sizeof *proof);
    proof->leaf_index = index;
    proof->tree_size = tree_size;
    bool found;
    if (!ledger_root(ledger, tree_size, proof->root, error, error_size)) return false;
    if (index >= tree_size) {
        snprintf(error, error_size, "entry %llu is not in the tree of size %llu",
                 (unsigned long long)index, (unsigned long long)tree_size);
        return false;
    }
    if (!ledger_stored_hash(ledger, 0, index, proof->leaf_hash, &found, error, error_size)) return false;
    if (!found) {
        snprintf(error, error_size, "log damaged: entry %llu is missing", (unsigned long long)index);
        return false;
    }
    return merkle_inclusion_path(ledger_range_hash, ledger, index, tree_size, proof->path, &proof->path_length,
                                 error, error_size);
}

bool ledger_prove_consistency(ledger_t *ledger, uint64_t old_size, uint64_t new_size,
                              ledger_consistency_proof_t *proof, char *error, size_t error_size) {
    memset(proof, 0, sizeof *proof);
    proof->old_size = old_size;
    proof->new_size = new_size;
    if (old_size > new_size) {
        snprintf(error, error_size, "old size %llu is above new size %llu",
                 (unsigned long long)old_size, (unsigned long long)new_size);
        return false;
    }
    return ledger_root(ledger, old_size, proof->old_root, error, error_size)
        && ledger_root(ledger, new_size, proof->new_root, error, error_size)
        && merkle_consistency_path(ledger_range_hash, ledger, old_size, new_size, proof->path,
                                   &proof->path_length, error, error_size);
}

bool ledger_is_record(const jcs_value_t *entry, const char *council) {
    text_t source;
    return council && jcs_member_string(entry, "source", &source) && text_equals_cstr(source, council)
        && jcs_type(jcs_get(entry, "cites")) == JCS_OBJECT;
}

/* The record's text before signing: our members, then the caller's. */
static bool record_text(ledger_t *ledger, const char *council, const char *record_id, const char *kind,
                        const char *fields_json, uint64_t cited_size, buffer_t *out, char *error, size_t error_size) {
    uint8_t root[LEDGER_HASH_SIZE];
    if (!ledger_root(ledger, cited_size, root, error, error_size)) return false;
    char when[32];
    size_t n = time_format(ledger_now_ms(), when);
    buffer_printf(out, "{\"cites\":{\"root_hash\":\"");
    ledger_hex_append(root, sizeof root, out);
    buffer_printf(out, "\",\"tree_size\":%llu},\"id\":", (unsigned long long)cited_size);
    buffer_json_string(out, record_id, strlen(record_id));
    buffer_puts(out, ",\"kind\":");
    buffer_json_string(out, kind, strlen(kind));
    buffer_puts(out, ",\"source\":");
    buffer_json_string(out, council, strlen(council));
    buffer_puts(out, ",\"time\":");
    buffer_json_string(out, when, n);
    const char *open = fields_json ? strchr(fields_json, '{') : NULL;
    const char *close = fields_json ? strrchr(fields_json, '}') : NULL;
    if (fields_json && (!open || !close || close < open)) {
        snprintf(error, error_size, "record fields must be a JSON object");
        return false;
    }
    for (const char *p = open ? open + 1 : NULL; p && p < close; p++)
        if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') { buffer_puts(out, ","); break; }
    if (open) buffer_append(out, open + 1, (size_t)(close - open - 1));
    buffer_puts(out, "}");
    return true;
}

bool ledger_append_record(ledger_t *ledger, const ledger_secret_key_t *council, const char *record_id,
                          const char *kind, const char *fields_json, uint64_t cited_size,
                          uint64_t *index, char *error, size_t error_size) {
    buffer_t text = {0}, entry = {0};
    jcs_document_t *doc = jcs_document_new();
    bool same = false, ok = record_text(ledger, council->source, record_id, kind, fields_json, cited_size, &text, error, error_size)
        && jcs_parse(doc, text.data, text.len, error, error_size)
        && ledger_sign_report(doc, council, &entry, error, error_size)
        && ledger_begin(ledger, error, error_size);
    if (ok) {
        append_result_t r = ledger_append(ledger, text_of(council->source), text_of(record_id), entry.data,
                                          entry.len, index, &same, error, error_size);
        if (r == APPEND_DUPLICATE) snprintf(error, error_size, "a council entry with id '%s' is already in the log", record_id);
        ok = r == APPEND_STORED && ledger_commit(ledger, error, error_size);
        if (!ok && ledger->in_batch) ledger_rollback(ledger);
    }
    jcs_document_free(doc);
    buffer_free(&text);
    buffer_free(&entry);
    return ok;
}
