/* witness_fuzz: libFuzzer target for the witness's request handling: the
 * input is an add-checkpoint body, parsed and answered by a witness with its
 * state in a temporary SQLite file (the log key is fixed, so most bodies end
 * at 403/404, and the parser and the status logic are what is exercised).
 * Every answer must be one of the spec's statuses. Build: fuzz/run.sh witness. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "witness/witness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
    static witness_t *witness;
    char error[LEDGER_ERROR_SIZE];
    if (!witness) {
        ledger_secret_key_t key;
        tlog_verifier_t log;
        uint8_t seed[LEDGER_SEED_SIZE] = {7};
        char path[64];
        snprintf(path, sizeof path, "/tmp/witness-fuzz-%d.db", (int)getpid());
        if (!ledger_init() || !ledger_key_generate("witness:fuzz", seed, &key, error, sizeof error)
            || !tlog_council_verifier("truce/test", key.public_key, &log, error, sizeof error)
            || !(witness = witness_open(path, &key, "fuzz.example/witness", &log, 1, error, sizeof error)))
            abort();
    }
    char *copy = malloc(len ? len : 1);
    if (len) memcpy(copy, data, len);
    witness_request_t *request = malloc(sizeof *request);
    if (witness_request_parse(copy, len, request, error, sizeof error)
        && (request->proof_length > WITNESS_MAX_PROOF || request->checkpoint + request->checkpoint_len != copy + len))
        abort();
    witness_answer_t answer;
    witness_add_checkpoint(witness, copy, len, 1767607200, &answer);
    static const unsigned allowed[] = {200, 400, 403, 404, 409, 422};
    bool known = false;
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++) known |= answer.status == allowed[i];
    if (!known) abort();
    buffer_free(&answer.body);
    free(request);
    free(copy);
    return 0;
}
