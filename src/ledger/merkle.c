/* ledger: the RFC 9162 Merkle tree over SHA-256 — leaf and node hashes, the
 * inclusion and consistency proof recursions (§2.1.3.1, §2.1.4.1), their
 * verification algorithms (§2.1.3.2, §2.1.4.2) and the incremental frontier. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ledger/ledger.h"

void merkle_leaf_hash(const void *entry, size_t len, uint8_t out[LEDGER_HASH_SIZE]) {
    static const uint8_t prefix = 0x00;
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    crypto_hash_sha256_update(&state, &prefix, 1);
    crypto_hash_sha256_update(&state, entry, len);
    crypto_hash_sha256_final(&state, out);
}

void merkle_node_hash(const uint8_t left[LEDGER_HASH_SIZE], const uint8_t right[LEDGER_HASH_SIZE],
                      uint8_t out[LEDGER_HASH_SIZE]) {
    uint8_t block[1 + 2 * LEDGER_HASH_SIZE];
    block[0] = 0x01;
    memcpy(block + 1, left, LEDGER_HASH_SIZE);
    memcpy(block + 1 + LEDGER_HASH_SIZE, right, LEDGER_HASH_SIZE);
    crypto_hash_sha256(out, block, sizeof block);
}

void merkle_empty_root(uint8_t out[LEDGER_HASH_SIZE]) { crypto_hash_sha256(out, NULL, 0); }

/* The largest power of two strictly below n (n >= 2). */
static uint64_t split_point(uint64_t n) {
    uint64_t k = 1;
    while (k << 1 < n) k <<= 1;
    return k;
}

static bool push_hash(uint8_t path[][LEDGER_HASH_SIZE], size_t *length, const uint8_t hash[LEDGER_HASH_SIZE],
                      char *error, size_t error_size) {
    if (*length >= LEDGER_MAX_PROOF) {
        snprintf(error, error_size, "proof longer than %d hashes", LEDGER_MAX_PROOF);
        return false;
    }
    memcpy(path[(*length)++], hash, LEDGER_HASH_SIZE);
    return true;
}

typedef struct {
    merkle_range_fn range;
    void *context;
    uint8_t (*path)[LEDGER_HASH_SIZE];
    size_t *length;
    char *error;
    size_t error_size;
} proof_builder_t;

static bool append_range(proof_builder_t *b, uint64_t start, uint64_t end) {
    uint8_t hash[LEDGER_HASH_SIZE];
    return b->range(b->context, start, end, hash, b->error, b->error_size)
        && push_hash(b->path, b->length, hash, b->error, b->error_size);
}

/* PATH(m, D[start:start+n]). */
static bool inclusion(proof_builder_t *b, uint64_t m, uint64_t start, uint64_t n) {
    if (n <= 1) return true;
    uint64_t k = split_point(n);
    if (m < k) return inclusion(b, m, start, k) && append_range(b, start + k, start + n);
    return inclusion(b, m - k, start + k, n - k) && append_range(b, start, start + k);
}

bool merkle_inclusion_path(merkle_range_fn range, void *context, uint64_t index, uint64_t size,
                           uint8_t path[][LEDGER_HASH_SIZE], size_t *path_length,
                           char *error, size_t error_size) {
    *path_length = 0;
    if (index >= size) {
        snprintf(error, error_size, "leaf index %llu is not below tree size %llu",
                 (unsigned long long)index, (unsigned long long)size);
        return false;
    }
    proof_builder_t b = {range, context, path, path_length, error, error_size};
    return inclusion(&b, index, 0, size);
}

/* SUBPROOF(m, D[start:start+n], complete). */
static bool subproof(proof_builder_t *b, uint64_t m, uint64_t start, uint64_t n, bool complete) {
    if (m == n) return complete ? true : append_range(b, start, start + n);
    uint64_t k = split_point(n);
    if (m <= k) return subproof(b, m, start, k, complete) && append_range(b, start + k, start + n);
    return subproof(b, m - k, start + k, n - k, false) && append_range(b, start, start + k);
}

bool merkle_consistency_path(merkle_range_fn range, void *context, uint64_t old_size, uint64_t new_size,
                             uint8_t path[][LEDGER_HASH_SIZE], size_t *path_length,
                             char *error, size_t error_size) {
    *path_length = 0;
    if (old_size > new_size) {
        snprintf(error, error_size, "old size %llu is above new size %llu",
                 (unsigned long long)old_size, (unsigned long long)new_size);
        return false;
    }
    if (old_size == 0 || old_size == new_size) return true;
    proof_builder_t b = {range, context, path, path_length, error, error_size};
    return subproof(&b, old_size, 0, new_size, true);
}

static bool verdict(bool ok, char *error, size_t error_size, const char *reason) {
    if (!ok) snprintf(error, error_size, "%s", reason);
    return ok;
}

bool merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[LEDGER_HASH_SIZE],
                             const uint8_t path[][LEDGER_HASH_SIZE], size_t path_length,
                             const uint8_t root[LEDGER_HASH_SIZE], char *error, size_t error_size) {
    if (index >= size) return verdict(false, error, error_size, "leaf index is not below the tree size");
    uint64_t fn = index, sn = size - 1;
    uint8_t r[LEDGER_HASH_SIZE];
    memcpy(r, leaf_hash, LEDGER_HASH_SIZE);
    for (size_t i = 0; i < path_length; i++) {
        if (sn == 0) return verdict(false, error, error_size, "audit path is longer than the tree is deep");
        if ((fn & 1) || fn == sn) {
            merkle_node_hash(path[i], r, r);
            if (!(fn & 1))
                while (!(fn & 1) && fn != 0) { fn >>= 1; sn >>= 1; }
        } else {
            merkle_node_hash(r, path[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0) return verdict(false, error, error_size, "audit path is shorter than the tree is deep");
    return verdict(sodium_memcmp(r, root, LEDGER_HASH_SIZE) == 0, error, error_size,
                   "audit path does not lead to the root hash");
}

static bool consistency_trivial(uint64_t old_size, uint64_t new_size, const uint8_t *old_root,
                                const uint8_t *new_root, size_t path_length, char *error, size_t error_size) {
    if (path_length) return verdict(false, error, error_size, "proof must be empty for these sizes");
    (void)old_size, (void)new_size;
    return verdict(memcmp(old_root, new_root, LEDGER_HASH_SIZE) == 0, error, error_size,
                   "same tree size but different root hashes");
}

bool merkle_verify_consistency(uint64_t old_size, uint64_t new_size,
                               const uint8_t old_root[LEDGER_HASH_SIZE], const uint8_t new_root[LEDGER_HASH_SIZE],
                               const uint8_t path[][LEDGER_HASH_SIZE], size_t path_length,
                               char *error, size_t error_size) {
    if (old_size > new_size) return verdict(false, error, error_size, "old tree is larger than the new tree");
    /* As transparency-dev/merkle does (and its test vectors require): there is
     * no proof from the empty tree, whose root is fixed; callers that meet a
     * size 0 check that root instead. */
    if (old_size == 0) return verdict(false, error, error_size, "no consistency proof from the empty tree");
    if (old_size == new_size)
        return consistency_trivial(old_size, new_size, old_root, new_root, path_length, error, error_size);
    if (path_length == 0) return verdict(false, error, error_size, "empty consistency proof");
    bool old_is_power = (old_size & (old_size - 1)) == 0;
    size_t i = 0;
    uint8_t fr[LEDGER_HASH_SIZE], sr[LEDGER_HASH_SIZE];
    const uint8_t *first = old_is_power ? old_root : path[i++];
    memcpy(fr, first, LEDGER_HASH_SIZE);
    memcpy(sr, first, LEDGER_HASH_SIZE);
    uint64_t fn = old_size - 1, sn = new_size - 1;
    while (fn & 1) { fn >>= 1; sn >>= 1; }
    for (; i < path_length; i++) {
        if (sn == 0) return verdict(false, error, error_size, "consistency proof is too long");
        if ((fn & 1) || fn == sn) {
            merkle_node_hash(path[i], fr, fr);
            merkle_node_hash(path[i], sr, sr);
            if (!(fn & 1))
                while (!(fn & 1) && fn != 0) { fn >>= 1; sn >>= 1; }
        } else {
            merkle_node_hash(sr, path[i], sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0) return verdict(false, error, error_size, "consistency proof is too short");
    if (sodium_memcmp(fr, old_root, LEDGER_HASH_SIZE) != 0)
        return verdict(false, error, error_size, "proof does not lead to the old root hash");
    return verdict(sodium_memcmp(sr, new_root, LEDGER_HASH_SIZE) == 0, error, error_size,
                   "proof does not lead to the new root hash");
}

void merkle_frontier_init(merkle_frontier_t *frontier) { memset(frontier, 0, sizeof *frontier); }

void merkle_frontier_push(merkle_frontier_t *frontier, const uint8_t leaf_hash[LEDGER_HASH_SIZE],
                          merkle_node_fn on_node, void *context) {
    uint8_t hash[LEDGER_HASH_SIZE];
    memcpy(hash, leaf_hash, LEDGER_HASH_SIZE);
    unsigned level = 0;
    uint64_t size = frontier->size;
    while (size & ((uint64_t)1 << level)) {
        merkle_node_hash(frontier->level[level], hash, hash);
        level++;
        if (on_node) on_node(context, level, ((size + 1) >> level) - 1, hash);
    }
    memcpy(frontier->level[level], hash, LEDGER_HASH_SIZE);
    frontier->size = size + 1;
}

void merkle_frontier_root(const merkle_frontier_t *frontier, uint8_t out[LEDGER_HASH_SIZE]) {
    if (frontier->size == 0) { merkle_empty_root(out); return; }
    bool have = false;
    uint8_t acc[LEDGER_HASH_SIZE];
    for (unsigned level = 0; level < 64; level++) {
        if (!(frontier->size & ((uint64_t)1 << level))) continue;
        if (have) merkle_node_hash(frontier->level[level], acc, acc);
        else memcpy(acc, frontier->level[level], LEDGER_HASH_SIZE);
        have = true;
    }
    memcpy(out, acc, LEDGER_HASH_SIZE);
}
