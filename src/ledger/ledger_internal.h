/* ledger (private): what log_store.c shares with log_verify.c — the database
 * handle and the stored-hash look-ups. Not part of the public interface. */
#ifndef TRUCE_LEDGER_INTERNAL_H
#define TRUCE_LEDGER_INTERNAL_H

#include <sqlite3.h>
#include "ledger/ledger.h"

sqlite3 *ledger_database(ledger_t *ledger);
/* A merkle_range_fn over the stored leaf and subtree hashes; context is the ledger. */
bool ledger_range_hash(void *ledger, uint64_t start, uint64_t end, uint8_t out[LEDGER_HASH_SIZE],
                       char *error, size_t error_size);
/* The stored hash of the complete subtree (level, index); level 0 is a leaf. */
bool ledger_stored_hash(ledger_t *ledger, unsigned level, uint64_t index, uint8_t out[LEDGER_HASH_SIZE],
                        bool *found, char *error, size_t error_size);
/* Milliseconds since 1970 by the wall clock. */
int64_t ledger_now_ms(void);

#endif
