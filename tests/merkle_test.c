/* tests: the RFC 9162 Merkle tree against the certificate-transparency test
 * vectors (8 leaves: roots, inclusion and consistency proofs), corrupted
 * proofs that must fail, and the frontier against the recursive definition. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ledger/ledger.h"

static const char *const LEAVES[8] = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                      "606162636465666768696a6b6c6d6e6f"};
static const char *const ROOTS[9] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

typedef struct { uint64_t a, b; size_t n; const char *path[4]; } vector_t;

/* (leaf index, tree size, path) — RFC 6962 test data, zero-based indices. */
static const vector_t INCLUSION[] = {
    {0, 8, 3, {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
               "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5, 8, 3, {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
               "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1, 5, 3, {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
               "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {0, 1, 0, {NULL}},
};

/* (old size, new size, proof). */
static const vector_t CONSISTENCY[] = {
    {1, 1, 0, {NULL}},
    {1, 8, 3, {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
               "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6, 8, 3, {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
               "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 5, 2, {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
               "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6, 7, 3, {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
               "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
               "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

static uint8_t leaf_hashes[1100][LEDGER_HASH_SIZE];
static char error[LEDGER_ERROR_SIZE];

static void hex(const char *text, uint8_t *out, size_t n) {
    assert_true(ledger_hex_decode(text_of(text), out, n));
}

static void load_test_leaves(void) {
    for (int i = 0; i < 8; i++) {
        uint8_t data[16];
        size_t n = strlen(LEAVES[i]) / 2;
        hex(LEAVES[i], data, n);
        merkle_leaf_hash(data, n, leaf_hashes[i]);
    }
}

/* MTH by the RFC's recursive definition, straight from leaf hashes. */
static void reference_root(uint64_t start, uint64_t end, uint8_t out[LEDGER_HASH_SIZE]) {
    if (end - start == 1) { memcpy(out, leaf_hashes[start], LEDGER_HASH_SIZE); return; }
    uint64_t k = 1;
    while (k << 1 < end - start) k <<= 1;
    uint8_t l[LEDGER_HASH_SIZE], r[LEDGER_HASH_SIZE];
    reference_root(start, start + k, l);
    reference_root(start + k, end, r);
    merkle_node_hash(l, r, out);
}

static bool memory_range(void *context, uint64_t start, uint64_t end, uint8_t out[LEDGER_HASH_SIZE],
                         char *err, size_t err_size) {
    (void)context; (void)err; (void)err_size;
    reference_root(start, end, out);
    return true;
}

static void root_of(uint64_t size, uint8_t out[LEDGER_HASH_SIZE]) {
    if (size == 0) merkle_empty_root(out);
    else reference_root(0, size, out);
}

static void test_roots(void **state) {
    (void)state;
    load_test_leaves();
    for (uint64_t size = 0; size <= 8; size++) {
        uint8_t expected[LEDGER_HASH_SIZE], got[LEDGER_HASH_SIZE];
        hex(ROOTS[size], expected, sizeof expected);
        merkle_frontier_t f;
        merkle_frontier_init(&f);
        for (uint64_t i = 0; i < size; i++) merkle_frontier_push(&f, leaf_hashes[i], NULL, NULL);
        merkle_frontier_root(&f, got);
        assert_memory_equal(got, expected, LEDGER_HASH_SIZE);
        root_of(size, got);
        assert_memory_equal(got, expected, LEDGER_HASH_SIZE);
    }
}

static void test_inclusion_vectors(void **state) {
    (void)state;
    load_test_leaves();
    for (size_t t = 0; t < sizeof INCLUSION / sizeof *INCLUSION; t++) {
        const vector_t *v = &INCLUSION[t];
        uint8_t path[LEDGER_MAX_PROOF][LEDGER_HASH_SIZE], expected[4][LEDGER_HASH_SIZE], root[LEDGER_HASH_SIZE];
        size_t n;
        assert_true(merkle_inclusion_path(memory_range, NULL, v->a, v->b, path, &n, error, sizeof error));
        assert_int_equal(n, v->n);
        for (size_t i = 0; i < n; i++) {
            hex(v->path[i], expected[i], LEDGER_HASH_SIZE);
            assert_memory_equal(path[i], expected[i], LEDGER_HASH_SIZE);
        }
        root_of(v->b, root);
        assert_true(merkle_verify_inclusion(v->a, v->b, leaf_hashes[v->a], (const uint8_t(*)[32])path, n, root,
                                            error, sizeof error));
    }
}

static void test_consistency_vectors(void **state) {
    (void)state;
    load_test_leaves();
    for (size_t t = 0; t < sizeof CONSISTENCY / sizeof *CONSISTENCY; t++) {
        const vector_t *v = &CONSISTENCY[t];
        uint8_t path[LEDGER_MAX_PROOF][LEDGER_HASH_SIZE], expected[LEDGER_HASH_SIZE], r1[32], r2[32];
        size_t n;
        assert_true(merkle_consistency_path(memory_range, NULL, v->a, v->b, path, &n, error, sizeof error));
        assert_int_equal(n, v->n);
        for (size_t i = 0; i < n; i++) {
            hex(v->path[i], expected, LEDGER_HASH_SIZE);
            assert_memory_equal(path[i], expected, LEDGER_HASH_SIZE);
        }
        root_of(v->a, r1);
        root_of(v->b, r2);
        assert_true(merkle_verify_consistency(v->a, v->b, r1, r2, (const uint8_t(*)[32])path, n, error, sizeof error));
    }
}

/* Every way of bending a valid inclusion proof must fail. */
static void check_corrupted_inclusion(uint64_t index, uint64_t size) {
    uint8_t path[LEDGER_MAX_PROOF][LEDGER_HASH_SIZE], root[32], other[32], bad[LEDGER_MAX_PROOF][32];
    size_t n;
    assert_true(merkle_inclusion_path(memory_range, NULL, index, size, path, &n, error, sizeof error));
    root_of(size, root);
    const uint8_t(*p)[32] = (const uint8_t(*)[32])path;
    assert_true(merkle_verify_inclusion(index, size, leaf_hashes[index], p, n, root, error, sizeof error));
    if (index > 0) assert_false(merkle_verify_inclusion(index - 1, size, leaf_hashes[index], p, n, root, error, sizeof error));
    if (index + 1 < size) assert_false(merkle_verify_inclusion(index + 1, size, leaf_hashes[index], p, n, root, error, sizeof error));
    assert_false(merkle_verify_inclusion(index, size * 2, leaf_hashes[index], p, n, root, error, sizeof error));
    if (size / 2 > index) assert_false(merkle_verify_inclusion(index, size / 2, leaf_hashes[index], p, n, root, error, sizeof error));
    merkle_empty_root(other);
    assert_false(merkle_verify_inclusion(index, size, leaf_hashes[index], p, n, other, error, sizeof error));
    assert_false(merkle_verify_inclusion(index, size, other, p, n, root, error, sizeof error));
    memcpy(bad, path, sizeof path);
    memcpy(bad[n], root, 32);
    assert_false(merkle_verify_inclusion(index, size, leaf_hashes[index], (const uint8_t(*)[32])bad, n + 1, root, error, sizeof error));
    if (n) assert_false(merkle_verify_inclusion(index, size, leaf_hashes[index], p, n - 1, root, error, sizeof error));
    for (size_t i = 0; i < n; i++) {
        memcpy(bad, path, sizeof path);
        bad[i][0] ^= 8;
        assert_false(merkle_verify_inclusion(index, size, leaf_hashes[index], (const uint8_t(*)[32])bad, n, root, error, sizeof error));
    }
}

static void check_corrupted_consistency(uint64_t m, uint64_t size) {
    uint8_t path[LEDGER_MAX_PROOF][32], r1[32], r2[32], bad[LEDGER_MAX_PROOF][32];
    size_t n;
    assert_true(merkle_consistency_path(memory_range, NULL, m, size, path, &n, error, sizeof error));
    root_of(m, r1);
    root_of(size, r2);
    const uint8_t(*p)[32] = (const uint8_t(*)[32])path;
    /* No proof from the empty tree (as transparency-dev/merkle): it proves nothing. */
    if (m == 0) { assert_false(merkle_verify_consistency(m, size, r1, r2, p, n, error, sizeof error)); return; }
    assert_true(merkle_verify_consistency(m, size, r1, r2, p, n, error, sizeof error));
    if (m == size) return;
    assert_false(merkle_verify_consistency(m, size, r2, r1, p, n, error, sizeof error));
    assert_false(merkle_verify_consistency(m - 1, size, r1, r2, p, n, error, sizeof error));
    assert_false(merkle_verify_consistency(m, size, r1, r2, p, 0, error, sizeof error));
    assert_false(merkle_verify_consistency(m, size, r1, r2, p, n - 1, error, sizeof error));
    memcpy(bad, path, sizeof path);
    memcpy(bad[n], r1, 32);
    assert_false(merkle_verify_consistency(m, size, r1, r2, (const uint8_t(*)[32])bad, n + 1, error, sizeof error));
    for (size_t i = 0; i < n; i++) {
        memcpy(bad, path, sizeof path);
        bad[i][0] ^= 16;
        assert_false(merkle_verify_consistency(m, size, r1, r2, (const uint8_t(*)[32])bad, n, error, sizeof error));
    }
}

/* All proofs for trees up to 40 leaves verify, and their corruptions fail. */
static void test_all_small_trees(void **state) {
    (void)state;
    for (int i = 0; i < 64; i++) {
        uint8_t data[4] = {(uint8_t)i, 1, 2, 3};
        merkle_leaf_hash(data, sizeof data, leaf_hashes[i]);
    }
    for (uint64_t size = 1; size <= 40; size++) {
        for (uint64_t i = 0; i < size; i++) check_corrupted_inclusion(i, size);
        for (uint64_t m = 0; m <= size; m++) check_corrupted_consistency(m, size);
    }
}

typedef struct { int count; uint8_t last[32]; unsigned level; uint64_t index; } node_log_t;

static void record_node(void *context, unsigned level, uint64_t index, const uint8_t hash[32]) {
    node_log_t *log = context;
    log->count++;
    log->level = level;
    log->index = index;
    memcpy(log->last, hash, 32);
}

/* The frontier's root equals the recursive MTH at every size, and every
 * complete subtree it reports is the MTH of the leaves it covers. */
static void test_frontier_matches_definition(void **state) {
    (void)state;
    for (int i = 0; i < 1100; i++) {
        uint8_t data[2] = {(uint8_t)i, (uint8_t)(i >> 8)};
        merkle_leaf_hash(data, 2, leaf_hashes[i]);
    }
    merkle_frontier_t f;
    merkle_frontier_init(&f);
    node_log_t log = {0};
    for (uint64_t size = 1; size <= 1100; size++) {
        int before = log.count;
        merkle_frontier_push(&f, leaf_hashes[size - 1], record_node, &log);
        uint8_t got[32], expected[32];
        merkle_frontier_root(&f, got);
        root_of(size, expected);
        assert_memory_equal(got, expected, 32);
        if (log.count > before) {
            reference_root(log.index << log.level, (log.index + 1) << log.level, expected);
            assert_memory_equal(log.last, expected, 32);
        }
    }
    assert_int_equal(log.count, 1100 - 4);   /* n minus the bits set in 1100 (10001001100b) */
}

static void test_rejects_bad_arguments(void **state) {
    (void)state;
    uint8_t path[LEDGER_MAX_PROOF][32], h[32] = {0};
    size_t n;
    assert_false(merkle_inclusion_path(memory_range, NULL, 3, 3, path, &n, error, sizeof error));
    assert_false(merkle_consistency_path(memory_range, NULL, 4, 3, path, &n, error, sizeof error));
    assert_false(merkle_verify_inclusion(0, 0, h, (const uint8_t(*)[32])path, 0, h, error, sizeof error));
    assert_false(merkle_verify_consistency(2, 1, h, h, (const uint8_t(*)[32])path, 0, error, sizeof error));
    uint8_t empty[32];
    merkle_empty_root(empty);
    assert_false(merkle_verify_consistency(0, 5, empty, h, (const uint8_t(*)[32])path, 0, error, sizeof error));
    memcpy(path[0], empty, 32);
    assert_false(merkle_verify_consistency(0, 5, empty, h, (const uint8_t(*)[32])path, 1, error, sizeof error));
    assert_false(merkle_verify_consistency(3, 3, empty, h, (const uint8_t(*)[32])path, 0, error, sizeof error));
}

int main(void) {
    assert_true(ledger_init());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roots),
        cmocka_unit_test(test_inclusion_vectors),
        cmocka_unit_test(test_consistency_vectors),
        cmocka_unit_test(test_all_small_trees),
        cmocka_unit_test(test_frontier_matches_definition),
        cmocka_unit_test(test_rejects_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
