/* witness_bench: the latency of a witness's add-checkpoint (request parsing,
 * the log's signature, the consistency proof, the IMMEDIATE transaction and
 * its fsync, the cosignature) on a real log: the council's checkpoints of
 * sizes growing by STEP entries up to the log's size, each with its proof
 * from the previous one. Prints the median and 99th percentile in ms.
 * Usage: witness_bench LOG.db COUNCIL_KEY [STEPS] [STEP] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "witness/witness.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000 + (double)t.tv_nsec / 1e6;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: witness_bench LOG.db COUNCIL_KEY [STEPS] [STEP]\n"); return 2; }
    int steps = argc > 3 ? atoi(argv[3]) : 200;
    uint64_t step = argc > 4 ? strtoull(argv[4], NULL, 10) : 1000;
    char error[LEDGER_ERROR_SIZE], state[64];
    ledger_secret_key_t council, witness_key;
    tlog_verifier_t log_key;
    uint8_t seed[LEDGER_SEED_SIZE] = {9};
    ledger_t *ledger = NULL;
    if (!ledger_init() || !ledger_key_read(argv[2], &council, error, sizeof error)
        || !ledger_key_generate("witness:bench", seed, &witness_key, error, sizeof error)
        || !tlog_council_verifier("truce/bench", council.public_key, &log_key, error, sizeof error)
        || !(ledger = ledger_open(argv[1], LEDGER_READ_ONLY, error, sizeof error))) {
        fprintf(stderr, "witness_bench: %s\n", error);
        return 1;
    }
    snprintf(state, sizeof state, "/tmp/witness-bench-%d.db", (int)getpid());
    witness_t *w = witness_open(state, &witness_key, "bench.example/witness", &log_key, 1, error, sizeof error);
    if (!w) { fprintf(stderr, "witness_bench: %s\n", error); return 1; }
    uint64_t size = ledger_size(ledger), first = size > (uint64_t)steps * step ? size - (uint64_t)steps * step : 1;
    double *ms = calloc((size_t)steps + 1, sizeof *ms);
    ledger_consistency_proof_t *proof = malloc(sizeof *proof);
    uint64_t old = 0;
    int done = 0;
    for (uint64_t s = first; s <= size && done <= steps; s += step) {
        tlog_checkpoint_t cp = {.origin = "truce/bench", .size = s};
        buffer_t note = {0}, body = {0};
        if (!ledger_root(ledger, s, cp.root, error, sizeof error)
            || (old && !ledger_prove_consistency(ledger, old, s, proof, error, sizeof error))) {
            fprintf(stderr, "witness_bench: %s\n", error);
            return 1;
        }
        tlog_checkpoint_text(&cp, &note);
        size_t text_len = note.len;
        buffer_puts(&note, "\n");
        tlog_sign_line(note.data, text_len, &council, "truce/bench", TLOG_KEY_ED25519, 0, &note);
        witness_request_format(old, (const uint8_t(*)[LEDGER_HASH_SIZE])proof->path, old ? proof->path_length : 0,
                               note.data, note.len, &body);
        witness_answer_t answer;
        double t0 = now_ms();
        witness_add_checkpoint(w, body.data, body.len, (uint64_t)time(NULL), &answer);
        double t1 = now_ms();
        if (answer.status != 200) {
            fprintf(stderr, "witness_bench: size %llu: %u %.*s\n", (unsigned long long)s, answer.status,
                    (int)answer.body.len, answer.body.data);
            return 1;
        }
        if (old) ms[done++] = t1 - t0;   /* the first (old 0, no proof) is not typical */
        else done = 0;
        old = s;
        buffer_free(&answer.body);
        buffer_free(&note);
        buffer_free(&body);
    }
    qsort(ms, (size_t)done, sizeof *ms, compare);
    printf("witness add-checkpoint: %d requests on a log of %llu entries (steps of %llu): median %.2f ms, p99 %.2f ms\n",
           done, (unsigned long long)size, (unsigned long long)step, ms[done / 2], ms[(done * 99) / 100]);
    witness_close(w);
    ledger_close(ledger);
    char side[80];
    unlink(state);
    snprintf(side, sizeof side, "%s-wal", state), unlink(side);
    snprintf(side, sizeof side, "%s-shm", state), unlink(side);
    free(ms);
    free(proof);
    return 0;
}
