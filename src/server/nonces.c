/* nonces: the council request nonces seen within the validity window, kept
 * in an SQLite file next to the log (LOG.council) so that a captured signed
 * request cannot be replayed after a restart either. Owned by the writer
 * thread, which runs every council operation. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"

struct nonce_store {
    sqlite3 *db;
    sqlite3_stmt *forget, *claim;
};

void nonce_store_close(nonce_store_t *store) {
    if (!store) return;
    sqlite3_finalize(store->forget);
    sqlite3_finalize(store->claim);
    sqlite3_close(store->db);
    free(store);
}

nonce_store_t *nonce_store_open(const char *log_path, char *error, size_t error_size) {
    nonce_store_t *store = xcalloc(1, sizeof *store);
    char path[4096];
    snprintf(path, sizeof path, "%s.council", log_path);
    if (sqlite3_open_v2(path, &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK
        || sqlite3_exec(store->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                   "CREATE TABLE IF NOT EXISTS nonces(nonce TEXT PRIMARY KEY, seen_ms INTEGER NOT NULL);",
                        NULL, NULL, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(store->db, "DELETE FROM nonces WHERE seen_ms < ?", -1, &store->forget, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(store->db, "INSERT INTO nonces(nonce, seen_ms) VALUES(?, ?)", -1, &store->claim, NULL)
               != SQLITE_OK) {
        snprintf(error, error_size, "%s: %s", path, store->db ? sqlite3_errmsg(store->db) : "cannot open");
        nonce_store_close(store);
        return NULL;
    }
    return store;
}

nonce_result_t nonce_store_claim(nonce_store_t *store, const char *nonce, time_ms_t now, char *error,
                                 size_t error_size) {
    /* A nonce older than the window cannot come back: its time would be refused. */
    sqlite3_bind_int64(store->forget, 1, now - 2 * SERVER_CLOCK_SKEW_MS);
    sqlite3_step(store->forget);
    sqlite3_reset(store->forget);
    sqlite3_bind_text(store->claim, 1, nonce, -1, SQLITE_STATIC);
    sqlite3_bind_int64(store->claim, 2, now);
    int rc = sqlite3_step(store->claim);
    sqlite3_reset(store->claim);
    sqlite3_clear_bindings(store->claim);
    if (rc == SQLITE_DONE) return NONCE_FRESH;
    if (rc == SQLITE_CONSTRAINT) return NONCE_REPLAYED;
    snprintf(error, error_size, "recording the nonce: %s", sqlite3_errmsg(store->db));
    return NONCE_FAILED;
}
