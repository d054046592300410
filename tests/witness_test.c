/* tests: the witness's add-checkpoint rules, status by status (200, 400, 403,
 * 404, 409 with its size, 422 for a fork, a rollback, a bad proof, a size-0
 * checkpoint with another root), its state surviving a reopen, and the
 * request parser's refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "witness/witness.h"

#define ORIGIN "truce/test"

static ledger_secret_key_t council, witness_key, stranger;
static tlog_verifier_t log_key, witness_vkey;
static char state_path[64];

static void make_key(const char *source, int n, ledger_secret_key_t *key) {
    uint8_t seed[LEDGER_SEED_SIZE];
    memset(seed, n, sizeof seed);
    char error[LEDGER_ERROR_SIZE];
    assert_true(ledger_key_generate(source, seed, key, error, sizeof error));
}

/* The root of leaves "e0".."e{size-1}" (or a fork: "f..." from index fork_at). */
static void tree_root(uint64_t size, uint64_t fork_at, uint8_t root[LEDGER_HASH_SIZE]) {
    merkle_frontier_t f;
    merkle_frontier_init(&f);
    for (uint64_t i = 0; i < size; i++) {
        char entry[32];
        int n = snprintf(entry, sizeof entry, "%c%llu", i >= fork_at ? 'f' : 'e', (unsigned long long)i);
        uint8_t leaf[LEDGER_HASH_SIZE];
        merkle_leaf_hash(entry, (size_t)n, leaf);
        merkle_frontier_push(&f, leaf, NULL, NULL);
    }
    if (size) merkle_frontier_root(&f, root);
    else merkle_empty_root(root);
}

typedef struct { uint64_t fork_at; } tree_t;

static bool range_hash(void *context, uint64_t start, uint64_t end, uint8_t out[LEDGER_HASH_SIZE], char *error,
                       size_t error_size) {
    (void)error, (void)error_size;
    const tree_t *t = context;
    merkle_frontier_t f;
    merkle_frontier_init(&f);
    for (uint64_t i = start; i < end; i++) {
        char entry[32];
        int n = snprintf(entry, sizeof entry, "%c%llu", i >= t->fork_at ? 'f' : 'e', (unsigned long long)i);
        uint8_t leaf[LEDGER_HASH_SIZE];
        merkle_leaf_hash(entry, (size_t)n, leaf);
        merkle_frontier_push(&f, leaf, NULL, NULL);
    }
    merkle_frontier_root(&f, out);
    return true;
}

/* A request: old size, a proof from old to size in the tree forked at fork_at, a checkpoint signed by key. */
static void request(uint64_t old, uint64_t size, uint64_t fork_at, const ledger_secret_key_t *key, const char *origin,
                    buffer_t *out) {
    tlog_checkpoint_t cp = {.size = size};
    snprintf(cp.origin, sizeof cp.origin, "%s", origin);
    tree_root(size, fork_at, cp.root);
    buffer_t note = {0};
    tlog_checkpoint_text(&cp, &note);
    size_t text_len = note.len;
    buffer_puts(&note, "\n");
    tlog_sign_line(note.data, text_len, key, origin, TLOG_KEY_ED25519, 0, &note);
    uint8_t path[LEDGER_MAX_PROOF][LEDGER_HASH_SIZE];
    size_t length = 0;
    char error[LEDGER_ERROR_SIZE];
    tree_t t = {fork_at};
    if (old && old < size) assert_true(merkle_consistency_path(range_hash, &t, old, size, path, &length, error, sizeof error));
    witness_request_format(old, (const uint8_t(*)[LEDGER_HASH_SIZE])path, length, note.data, note.len, out);
    buffer_free(&note);
}

static unsigned submit(witness_t *w, const buffer_t *body, witness_answer_t *answer) {
    witness_add_checkpoint(w, body->data, body->len, 1767607200, answer);
    return answer->status;
}

static witness_t *open_witness(void) {
    char error[LEDGER_ERROR_SIZE];
    witness_t *w = witness_open(state_path, &witness_key, "ua.example/witness", &log_key, 1, error, sizeof error);
    assert_non_null(w);
    return w;
}

static int setup(void **state) {
    (void)state;
    make_key("council", 1, &council);
    make_key("witness:ua", 2, &witness_key);
    make_key("council", 3, &stranger);
    char error[LEDGER_ERROR_SIZE];
    assert_true(tlog_council_verifier(ORIGIN, council.public_key, &log_key, error, sizeof error));
    assert_true(tlog_verifier_init(&witness_vkey, "ua.example/witness", TLOG_KEY_COSIGNATURE, witness_key.public_key,
                                   error, sizeof error));
    snprintf(state_path, sizeof state_path, "/tmp/truce-witness-test-%d.db", (int)getpid());
    unlink(state_path);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char side[80];
    unlink(state_path);
    snprintf(side, sizeof side, "%s-wal", state_path), unlink(side);
    snprintf(side, sizeof side, "%s-shm", state_path), unlink(side);
    return 0;
}

static void expect(witness_t *w, const buffer_t *body, unsigned status) {
    witness_answer_t a;
    submit(w, body, &a);
    if (a.status != status) fail_msg("expected %u, got %u: %.*s", status, a.status, (int)a.body.len, a.body.data);
    buffer_free(&a.body);
}

static void test_statuses(void **state) {
    (void)state;
    witness_t *w = open_witness();
    witness_answer_t a;
    buffer_t body = {0};
    char error[LEDGER_ERROR_SIZE];

    request(0, 10, UINT64_MAX, &council, "other.example/log", &body);
    expect(w, &body, 404);                                  /* unknown origin */
    body.len = 0, request(0, 10, UINT64_MAX, &stranger, ORIGIN, &body);
    expect(w, &body, 403);                                  /* not signed by the log's key */
    body.len = 0, request(0, 10, UINT64_MAX, &council, ORIGIN, &body);
    body.data[body.len - 20] = body.data[body.len - 20] == 'A' ? 'B' : 'A';   /* the log's key, a broken signature */
    expect(w, &body, 403);
    body.len = 0, request(11, 10, UINT64_MAX, &council, ORIGIN, &body);
    expect(w, &body, 400);                                  /* old above the checkpoint's size */

    /* First contact: old 0, no proof. The cosignature verifies with the witness's key. */
    body.len = 0, request(0, 10, UINT64_MAX, &council, ORIGIN, &body);
    assert_int_equal(submit(w, &body, &a), 200);
    const char *note = strstr(body.data, "\n\n") + 2;
    buffer_t cosigned = {0};
    buffer_append(&cosigned, note, body.len - (size_t)(note - body.data));
    buffer_append(&cosigned, a.body.data, a.body.len);
    tlog_checkpoint_t cp;
    bool by_witness = false;
    assert_true(tlog_checkpoint_open(cosigned.data, cosigned.len, &log_key, &witness_vkey, 1, &by_witness, &cp, error,
                                     sizeof error));
    assert_true(by_witness);
    buffer_free(&cosigned);
    buffer_free(&a.body);

    /* A stale old size: 409 with the witness's size. */
    body.len = 0, request(0, 12, UINT64_MAX, &council, ORIGIN, &body);
    assert_int_equal(submit(w, &body, &a), 409);
    assert_string_equal(a.content_type, "text/x.tlog.size");
    assert_int_equal(a.body.len, 3);
    assert_memory_equal(a.body.data, "10\n", 3);
    buffer_free(&a.body);
    body.len = 0, request(10, 12, UINT64_MAX, &council, ORIGIN, &body);
    expect(w, &body, 200);                                  /* with the proof from 10 */

    /* A fork after entry 10, with a proof that is consistent within the fork: 422. */
    body.len = 0, request(12, 14, 11, &council, ORIGIN, &body);
    expect(w, &body, 422);
    body.len = 0, request(12, 12, 5, &council, ORIGIN, &body);
    expect(w, &body, 422);                                  /* same size, another root */
    body.len = 0, request(12, 8, UINT64_MAX, &council, ORIGIN, &body);
    expect(w, &body, 400);                                  /* a rollback claiming our size */
    body.len = 0, request(8, 8, UINT64_MAX, &council, ORIGIN, &body);
    expect(w, &body, 409);                                  /* a rollback with its own size */
    body.len = 0, request(12, 14, UINT64_MAX, &council, ORIGIN, &body);
    char *proof_line = strchr(body.data, '\n') + 1;
    proof_line[0] = proof_line[0] == 'A' ? 'B' : 'A';       /* a damaged proof */
    expect(w, &body, 422);
    witness_close(w);

    /* The state survives a reopen, and the refused checkpoints were kept. */
    w = open_witness();
    uint64_t size;
    bool found;
    assert_true(witness_size(w, ORIGIN, &size, &found, error, sizeof error));
    assert_true(found);
    assert_int_equal(size, 12);
    body.len = 0, request(12, 14, UINT64_MAX, &council, ORIGIN, &body);
    expect(w, &body, 200);
    witness_close(w);
    buffer_free(&body);
}

/* A checkpoint of size 0 must carry the empty tree's root. */
static void test_empty_tree_root(void **state) {
    (void)state;
    witness_t *w = open_witness();
    tlog_checkpoint_t cp = {.origin = ORIGIN, .size = 0};
    memset(cp.root, 1, sizeof cp.root);
    buffer_t note = {0}, body = {0};
    tlog_checkpoint_text(&cp, &note);
    size_t text_len = note.len;
    buffer_puts(&note, "\n");
    tlog_sign_line(note.data, text_len, &council, ORIGIN, TLOG_KEY_ED25519, 0, &note);
    witness_request_format(0, NULL, 0, note.data, note.len, &body);
    expect(w, &body, 422);
    buffer_free(&note);
    buffer_free(&body);
    witness_close(w);
}

static void test_request_parser(void **state) {
    (void)state;
    static const char *const bad[] = {
        "", "old\n\n", "old 01\n\n", "old -1\n\n", "old 1", "old 1\nAAAA\n\n", "old 1\nnot base64!\n\n",
        "old 1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",   /* no empty line */
        "new 1\n\n",
    };
    witness_request_t r;
    char error[LEDGER_ERROR_SIZE];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (witness_request_parse(bad[i], strlen(bad[i]), &r, error, sizeof error)) fail_msg("bad request %zu accepted", i);
    buffer_t many = {0};
    buffer_puts(&many, "old 5\n");
    for (int i = 0; i < 64; i++) buffer_puts(&many, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
    buffer_puts(&many, "\n");
    assert_false(witness_request_parse(many.data, many.len, &r, error, sizeof error));   /* 64 proof lines */
    assert_non_null(strstr(error, "63"));
    buffer_free(&many);
    static const char good[] = "old 5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\ncheckpoint";
    assert_true(witness_request_parse(good, strlen(good), &r, error, sizeof error));
    assert_int_equal(r.old_size, 5);
    assert_int_equal(r.proof_length, 1);
    assert_int_equal(r.checkpoint_len, strlen("checkpoint"));
}

int main(void) {
    if (!ledger_init()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_statuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_tree_root, setup, teardown),
        cmocka_unit_test(test_request_parser),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
