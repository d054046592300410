/* witness: a transparency-log witness (c2sp.org/tlog-witness) that any party
 * can run. It keeps, per log, the latest checkpoint it cosigned, in SQLite,
 * and cosigns a new one only when a consistency proof shows it extends that
 * one: a log that shows two parties two histories, or rolls back, is refused
 * and the refused checkpoint kept as evidence. Never prints or exits. */
#ifndef TRUCE_WITNESS_H
#define TRUCE_WITNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/base.h"
#include "ledger/ledger.h"
#include "tlog/tlog.h"

#define WITNESS_MAX_BODY (128 * 1024)   /* a checkpoint note (<= 64 KiB) plus 63 proof lines */
#define WITNESS_MAX_PROOF 63            /* consistency proof lines the protocol allows */
#define WITNESS_MAX_LOGS 64

/* A parsed add-checkpoint request body: "old N\n", proof lines, "\n", checkpoint. */
typedef struct {
    uint64_t old_size;
    size_t proof_length;
    uint8_t proof[WITNESS_MAX_PROOF][LEDGER_HASH_SIZE];
    const char *checkpoint;    /* borrowed from the body */
    size_t checkpoint_len;
} witness_request_t;

/* False (with the reason) when the body is not of that shape. */
bool witness_request_parse(const char *body, size_t len, witness_request_t *request, char *error, size_t error_size);
/* Appends the request body for a checkpoint note, an old size and a proof. */
void witness_request_format(uint64_t old_size, const uint8_t (*proof)[LEDGER_HASH_SIZE], size_t proof_length,
                            const char *checkpoint, size_t checkpoint_len, buffer_t *out);

typedef struct witness witness_t;

/* Opens (creating) the witness's state in SQLite at path. key signs the
 * cosignatures under name; logs are the verifier keys of the logs it
 * witnesses (their names are the origins). NULL with the reason on failure. */
witness_t *witness_open(const char *path, const ledger_secret_key_t *key, const char *name,
                        const tlog_verifier_t *logs, size_t log_count, char *error, size_t error_size);
void witness_close(witness_t *witness);   /* NULL-safe */
/* The witness's own verifier key (type 0x04), for policies and logs. */
const tlog_verifier_t *witness_verifier(const witness_t *witness);

typedef struct {
    unsigned status;            /* 200, 400, 403, 404, 409, 422 or 500 */
    const char *content_type;   /* of body */
    buffer_t body;              /* 200: cosignature lines; 409: "SIZE\n"; else the reason */
} witness_answer_t;

/* Answers one add-checkpoint request, atomically with respect to the state:
 * check and update are one SQLite transaction (durable before answering).
 * The caller frees answer->body. now_seconds stamps the cosignature. */
void witness_add_checkpoint(witness_t *witness, const char *body, size_t len, uint64_t now_seconds,
                            witness_answer_t *answer);

/* The latest cosigned size for origin (0 and *found false when none). */
bool witness_size(witness_t *witness, const char *origin, uint64_t *size, bool *found, char *error, size_t error_size);

/* Runs an HTTP server for the witness (POST /add-checkpoint) until SIGTERM or
 * SIGINT. Returns a CLI exit code; prints "truce: witness ... listening on URL". */
int witness_serve(witness_t *witness, const char *host, uint16_t port);

#endif
