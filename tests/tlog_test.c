/* tests: the C2SP formats against public vectors — every inclusion and
 * consistency case of transparency-dev/merkle (negatives must fail), Tessera's
 * 15-entry test log (checkpoints, tiles, entry bundles, with its public key),
 * the signed-note worked example — and our own notes, cosignatures and tiles. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "ledger/ledger.h"
#include "tlog/tlog.h"

#define VECTORS "data/vectors/merkle/testdata"
#define TESSERA "data/vectors/tessera-log/testdata"
static const char TESSERA_VKEY[] = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";

/* A hash from a vector: base64 of any length. The vectors use short "don't
 * care" strings for some roots; our hashes are 32 bytes, so another length is
 * mapped to a 32-byte value no real hash has (equal strings stay equal). */
static void vector_hash(const jcs_value_t *value, uint8_t out[LEDGER_HASH_SIZE]) {
    text_t text;
    assert_true(jcs_string(value, &text));
    uint8_t bytes[64];
    size_t n = 0;
    if (text.len) assert_int_equal(sodium_base642bin(bytes, sizeof bytes, text.ptr, text.len, NULL, &n, NULL,
                                                     sodium_base64_VARIANT_ORIGINAL), 0);
    if (n == LEDGER_HASH_SIZE) { memcpy(out, bytes, n); return; }
    crypto_generichash(out, LEDGER_HASH_SIZE, bytes, n, (const uint8_t *)"not-a-sha256", 12);
}

/* Sizes and indexes; the vectors' 2^64-1 is beyond JSON's exact doubles. */
static uint64_t vector_uint(const jcs_value_t *object, const char *name) {
    uint64_t n;
    double d;
    if (jcs_uint(jcs_get(object, name), &n)) return n;
    assert_true(jcs_number(jcs_get(object, name), &d) && d >= 9.2e18);
    return UINT64_MAX;
}

/* Leaf hashes and proof hashes of another length than 32 bytes cannot be
 * written in our proofs (their parsers refuse them): such a case fails. */
static bool is_hash(const jcs_value_t *value) {
    text_t text;
    return jcs_string(value, &text) && text.len == 44;
}

typedef struct { int cases, negatives, wrong; } tally_t;

static void run_vector(const char *path, bool consistency, tally_t *tally) {
    buffer_t text = {0};
    assert_true(buffer_read_file(&text, path));
    jcs_document_t *doc = jcs_document_new();
    char error[LEDGER_ERROR_SIZE];
    assert_true(jcs_parse(doc, text.data, text.len, error, sizeof error));
    const jcs_value_t *v = jcs_root(doc);
    const jcs_value_t *proof = jcs_get(v, "proof");
    size_t n = jcs_array_length(proof);
    uint8_t (*path_hashes)[LEDGER_HASH_SIZE] = calloc(n + 1, LEDGER_HASH_SIZE);
    for (size_t i = 0; i < n; i++) vector_hash(jcs_array_item(proof, i), path_hashes[i]);
    bool want_error = jcs_type(jcs_get(v, "wantErr")) == JCS_TRUE, ok, representable = true;
    for (size_t i = 0; i < n; i++) representable &= is_hash(jcs_array_item(proof, i));
    if (!consistency) representable &= is_hash(jcs_get(v, "leafHash"));
    snprintf(error, sizeof error, "a hash is not 32 bytes");
    if (consistency) {
        uint8_t root1[LEDGER_HASH_SIZE], root2[LEDGER_HASH_SIZE];
        vector_hash(jcs_get(v, "root1"), root1);
        vector_hash(jcs_get(v, "root2"), root2);
        ok = representable && merkle_verify_consistency(vector_uint(v, "size1"), vector_uint(v, "size2"), root1, root2,
                                       (const uint8_t (*)[LEDGER_HASH_SIZE])path_hashes, n, error, sizeof error);
    } else {
        uint8_t root[LEDGER_HASH_SIZE], leaf[LEDGER_HASH_SIZE];
        vector_hash(jcs_get(v, "root"), root);
        vector_hash(jcs_get(v, "leafHash"), leaf);
        ok = representable && merkle_verify_inclusion(vector_uint(v, "leafIdx"), vector_uint(v, "treeSize"), leaf,
                                     (const uint8_t (*)[LEDGER_HASH_SIZE])path_hashes, n, root, error, sizeof error);
    }
    tally->cases++;
    tally->negatives += want_error;
    if (ok == want_error) {
        tally->wrong++;
        fprintf(stderr, "%s: %s\n", path, want_error ? "accepted, but must fail" : error);
    }
    free(path_hashes);
    jcs_document_free(doc);
    buffer_free(&text);
}

/* Every *.json below dir, recursively. */
static void run_vectors(const char *dir, bool consistency, tally_t *tally) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".json")) run_vector(path, consistency, tally);
        else run_vectors(path, consistency, tally);
    }
    closedir(d);
}

static void test_merkle_inclusion_vectors(void **state) {
    (void)state;
    tally_t tally = {0};
    run_vectors(VECTORS "/inclusion", false, &tally);
    printf("inclusion: %d cases, %d negative, %d wrong\n", tally.cases, tally.negatives, tally.wrong);
    assert_true(tally.cases >= 90);
    assert_true(tally.negatives >= 60);
    assert_int_equal(tally.wrong, 0);
}

static void test_merkle_consistency_vectors(void **state) {
    (void)state;
    tally_t tally = {0};
    run_vectors(VECTORS "/consistency", true, &tally);
    printf("consistency: %d cases, %d negative, %d wrong\n", tally.cases, tally.negatives, tally.wrong);
    assert_true(tally.cases >= 90);
    assert_true(tally.negatives >= 60);
    assert_int_equal(tally.wrong, 0);
}

/* signed-note's worked example: this vkey verifies this note. */
static void test_signed_note_example(void **state) {
    (void)state;
    static const char vkey[] = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    static const char note_text[] =
        "This is an example message.\n\n"
        "\xe2\x80\x94 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
    tlog_verifier_t v;
    char error[LEDGER_ERROR_SIZE];
    assert_true(tlog_verifier_parse(text_of(vkey), &v, error, sizeof error));
    assert_int_equal(v.id, 0x530d903a);
    buffer_t again = {0};
    tlog_verifier_format(&v, &again);
    assert_int_equal(again.len, strlen(vkey));
    assert_memory_equal(again.data, vkey, again.len);
    buffer_free(&again);
    tlog_note_t note;
    assert_true(tlog_note_parse(note_text, strlen(note_text), &note, error, sizeof error));
    assert_int_equal(note.text.len, strlen("This is an example message.\n"));
    bool verified = false;
    assert_true(tlog_note_verify(&note, &v, 1, &verified, NULL, error, sizeof error));
    assert_true(verified);
    /* One changed byte of the text, and the note is refused. */
    char changed[sizeof note_text];
    memcpy(changed, note_text, sizeof note_text);
    changed[0] = 't';
    assert_true(tlog_note_parse(changed, strlen(changed), &note, error, sizeof error));
    assert_false(tlog_note_verify(&note, &v, 1, NULL, NULL, error, sizeof error));
    assert_non_null(strstr(error, "does not verify"));
}

typedef struct { const char *dir; } tessera_t;

static bool tessera_fetch(void *context, const tlog_tile_t *tile, buffer_t *out, char *error, size_t error_size) {
    const tessera_t *t = context;
    buffer_t path = {0};
    buffer_printf(&path, "%s/", t->dir);
    tlog_tile_path(tile, &path);
    buffer_append(&path, "", 1);
    bool ok = buffer_read_file(out, path.data);
    if (!ok) snprintf(error, error_size, "%s: cannot read", path.data);
    buffer_free(&path);
    return ok;
}

static const char *const TESSERA_ENTRIES[] = {"one", "two", "three", "four", "five", "six", "seven", "eit",
                                              "nain", "ten", "ileven", "twelf", "threeten", "fourten", "fivten"};

typedef struct { const uint8_t *tile; uint64_t count; } bundle_check_t;

static bool check_bundle_entry(void *context, uint64_t index, const uint8_t *entry, size_t len) {
    bundle_check_t *c = context;
    assert_int_equal(len, strlen(TESSERA_ENTRIES[index]));
    assert_memory_equal(entry, TESSERA_ENTRIES[index], len);
    uint8_t leaf[LEDGER_HASH_SIZE];
    merkle_leaf_hash(entry, len, leaf);
    assert_memory_equal(leaf, c->tile + index * LEDGER_HASH_SIZE, LEDGER_HASH_SIZE);
    c->count++;
    return true;
}

/* Tessera's test log: every checkpoint verifies with the log's key, and the
 * tiles and entry bundles of each size give exactly its root. */
static void test_tessera_log(void **state) {
    (void)state;
    tlog_verifier_t key;
    char error[LEDGER_ERROR_SIZE];
    assert_true(tlog_verifier_parse(text_of(TESSERA_VKEY), &key, error, sizeof error));
    tessera_t t = {TESSERA "/log"};
    for (uint64_t size = 0; size <= 15; size++) {
        char path[256];
        snprintf(path, sizeof path, TESSERA "/log/checkpoint.%llu", (unsigned long long)size);
        buffer_t text = {0};
        assert_true(buffer_read_file(&text, path));
        tlog_checkpoint_t cp;
        if (!tlog_checkpoint_open(text.data, text.len, &key, NULL, 0, NULL, &cp, error, sizeof error))
            fail_msg("%s: %s", path, error);
        assert_string_equal(cp.origin, "example.com/log/testdata");
        assert_int_equal(cp.size, size);
        uint8_t root[LEDGER_HASH_SIZE];
        assert_true(tlog_tiles_root(size, tessera_fetch, &t, root, error, sizeof error));
        assert_memory_equal(root, cp.root, LEDGER_HASH_SIZE);
        if (size) {
            buffer_t tile = {0}, bundle = {0};
            tlog_tile_t level0 = {0, 0, (unsigned)size}, entries = {TLOG_ENTRIES_LEVEL, 0, (unsigned)size};
            assert_true(tessera_fetch(&t, &level0, &tile, error, sizeof error));
            assert_true(tessera_fetch(&t, &entries, &bundle, error, sizeof error));
            bundle_check_t c = {(const uint8_t *)tile.data, 0};
            assert_true(tlog_bundle_split((const uint8_t *)bundle.data, bundle.len, (unsigned)size, check_bundle_entry,
                                          &c, error, sizeof error));
            assert_int_equal(c.count, size);
            /* A bundle cut short, or claiming another count, is refused. */
            assert_false(tlog_bundle_split((const uint8_t *)bundle.data, bundle.len - 1, (unsigned)size,
                                           check_bundle_entry, &c, error, sizeof error));
            assert_false(tlog_bundle_split((const uint8_t *)bundle.data, bundle.len, (unsigned)size + 1,
                                           check_bundle_entry, &c, error, sizeof error));
            buffer_free(&tile);
            buffer_free(&bundle);
        }
        /* The same checkpoint under another key is refused (no known signature). */
        tlog_verifier_t other;
        uint8_t zero[LEDGER_PUBLIC_KEY_SIZE] = {1};
        assert_true(tlog_verifier_init(&other, "example.com/log/testdata", TLOG_KEY_ED25519, zero, error, sizeof error));
        assert_false(tlog_checkpoint_open(text.data, text.len, &other, NULL, 0, NULL, &cp, error, sizeof error));
        buffer_free(&text);
    }
}

static void make_key(const char *source, int n, ledger_secret_key_t *key) {
    uint8_t seed[LEDGER_SEED_SIZE];
    memset(seed, n, sizeof seed);
    char error[LEDGER_ERROR_SIZE];
    assert_true(ledger_key_generate(source, seed, key, error, sizeof error));
}

/* Our checkpoints and cosignatures: signed, parsed, verified; tampering fails. */
static void test_checkpoint_and_cosignature(void **state) {
    (void)state;
    ledger_secret_key_t council, witness;
    make_key("council", 1, &council);
    make_key("party:UA", 2, &witness);
    tlog_checkpoint_t cp = {.origin = "truce/test", .size = 20852163};
    memset(cp.root, 7, sizeof cp.root);
    buffer_t note = {0};
    tlog_checkpoint_text(&cp, &note);
    size_t text_len = note.len;
    buffer_puts(&note, "\n");
    tlog_sign_line(note.data, text_len, &council, "truce/test", TLOG_KEY_ED25519, 0, &note);
    tlog_sign_line(note.data, text_len, &witness, "witness.example/ua", TLOG_KEY_COSIGNATURE, 1679315147, &note);
    tlog_verifier_t log_key, cosigner;
    char error[LEDGER_ERROR_SIZE];
    assert_true(tlog_council_verifier("truce/test", council.public_key, &log_key, error, sizeof error));
    assert_true(tlog_verifier_init(&cosigner, "witness.example/ua", TLOG_KEY_COSIGNATURE, witness.public_key, error,
                                   sizeof error));
    tlog_checkpoint_t got;
    bool cosigned = false;
    assert_true(tlog_checkpoint_open(note.data, note.len, &log_key, &cosigner, 1, &cosigned, &got, error, sizeof error));
    assert_true(cosigned);
    assert_int_equal(got.size, 20852163);
    assert_memory_equal(got.root, cp.root, LEDGER_HASH_SIZE);
    tlog_note_t parsed;
    uint64_t when = 0;
    assert_true(tlog_note_parse(note.data, note.len, &parsed, error, sizeof error));
    assert_true(tlog_note_verify(&parsed, &cosigner, 1, NULL, &when, error, sizeof error));
    assert_int_equal(when, 1679315147);
    /* The cosignature's key ID uses type 0x04: a 0x01 verifier of the same key does not match it. */
    tlog_verifier_t wrong_type;
    assert_true(tlog_verifier_init(&wrong_type, "witness.example/ua", TLOG_KEY_ED25519, witness.public_key, error,
                                   sizeof error));
    assert_false(tlog_note_verify(&parsed, &wrong_type, 1, NULL, NULL, error, sizeof error));
    /* Another origin than the log key's name is refused. */
    tlog_verifier_t elsewhere;
    assert_true(tlog_council_verifier("truce/other", council.public_key, &elsewhere, error, sizeof error));
    assert_false(tlog_checkpoint_open(note.data, note.len, &elsewhere, NULL, 0, NULL, &got, error, sizeof error));
    /* A changed size breaks both signatures. */
    note.data[strlen("truce/test\n")] = '3';
    assert_false(tlog_checkpoint_open(note.data, note.len, &log_key, NULL, 0, NULL, &got, error, sizeof error));
    assert_non_null(strstr(error, "does not verify"));
    buffer_free(&note);
}

/* Malformed notes and checkpoints are refused with a reason. */
static void test_malformed_notes(void **state) {
    (void)state;
    static const char *const bad[] = {
        "",                                                  /* empty */
        "text\n",                                            /* no blank line, no signatures */
        "text\n\n",                                          /* no signatures */
        "text\n\n- name AAAAAAA=\n",                         /* hyphen, not an em dash */
        "text\n\n\xe2\x80\x94 name\n",                       /* no signature */
        "text\n\n\xe2\x80\x94 name !!!!\n",                  /* not base64 */
        "text\n\n\xe2\x80\x94 name AAAA\n",                  /* too short for a key ID and a signature */
        "text\n\n\xe2\x80\x94 na+me AAAAAAAA\n",             /* '+' in a key name */
        "te\txt\n\n\xe2\x80\x94 name AAAAAAAA\n",            /* control character */
        "te\xff xt\n\n\xe2\x80\x94 name AAAAAAAA\n",         /* not UTF-8 */
        "text\n\n\xe2\x80\x94 name AAAAAAAA",                /* no final newline */
        "text\n\n\xe2\x80\x94 name AAAAAAAA\n\n",            /* blank line after signatures */
    };
    char error[LEDGER_ERROR_SIZE];
    tlog_note_t note;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (tlog_note_parse(bad[i], strlen(bad[i]), &note, error, sizeof error)) fail_msg("bad note %zu accepted", i);
    static const char *const bad_checkpoints[] = {
        "origin\n12\n",                                      /* two lines */
        "\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",  /* empty origin */
        "origin\n012\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", /* leading zero */
        "origin\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",  /* negative */
        "origin\n99999999999999999999\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", /* beyond 64 bits */
        "origin\n12\nAAAA\n",                                /* root not 32 bytes */
        "origin\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n", /* empty extension line */
    };
    tlog_checkpoint_t cp;
    for (size_t i = 0; i < sizeof bad_checkpoints / sizeof *bad_checkpoints; i++)
        if (tlog_checkpoint_parse(text_of(bad_checkpoints[i]), &cp, error, sizeof error))
            fail_msg("bad checkpoint %zu accepted", i);
    assert_true(tlog_checkpoint_parse(text_of("origin\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next\n"), &cp,
                                      error, sizeof error));
    tlog_verifier_t v;
    assert_false(tlog_verifier_parse(text_of("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"),
                                     &v, error, sizeof error));   /* wrong key ID */
    assert_false(tlog_verifier_parse(text_of("example.com/foo+530d903a"), &v, error, sizeof error));
    assert_false(tlog_verifier_parse(text_of("+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"), &v, error,
                                     sizeof error));
}

static void test_tile_paths(void **state) {
    (void)state;
    static const struct { const char *path; int level; uint64_t index; unsigned width; } good[] = {
        {"0/000", 0, 0, 256}, {"0/x001/x234/067", 0, 1234067, 256}, {"1/000.p/17", 1, 0, 17},
        {"entries/x001/000.p/255", TLOG_ENTRIES_LEVEL, 1000, 255}, {"63/999", 63, 999, 256},
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        tlog_tile_t t;
        assert_true(tlog_tile_parse(good[i].path, &t));
        assert_int_equal(t.level, good[i].level);
        assert_int_equal(t.index, good[i].index);
        assert_int_equal(t.width, good[i].width);
        buffer_t again = {0};
        tlog_tile_path(&t, &again);
        assert_int_equal(again.len, strlen("tile/") + strlen(good[i].path));
        assert_memory_equal(again.data + 5, good[i].path, again.len - 5);
        buffer_free(&again);
    }
    static const char *const bad[] = {"", "0", "0/", "0/12", "0/1234", "00/000", "64/000", "0/001/002",
                                      "0/x001", "0/000.p/0", "0/000.p/256", "0/000.p/07", "0/000.p/",
                                      "0/000/", "x/000", "entries/", "0/x1/000"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        tlog_tile_t t;
        if (tlog_tile_parse(bad[i], &t)) fail_msg("bad tile path '%s' accepted", bad[i]);
    }
}

typedef struct { int full[3], partial[3], bundles; unsigned width[3]; } census_t;

static bool count_tile(void *context, const tlog_tile_t *tile) {
    census_t *c = context;
    if (tile->level == TLOG_ENTRIES_LEVEL) { c->bundles++; return true; }
    if (tile->width == TLOG_TILE_WIDTH) c->full[tile->level]++;
    else c->partial[tile->level]++, c->width[tile->level] = tile->width;
    return true;
}

/* tlog-tiles' own example: a tree of 70,000 entries. */
static void test_tiles_of_spec_example(void **state) {
    (void)state;
    census_t c = {0};
    assert_true(tlog_tiles_of(0, 70000, count_tile, &c));
    assert_int_equal(c.full[0], 273);
    assert_int_equal(c.partial[0], 1);
    assert_int_equal(c.width[0], 112);
    assert_int_equal(c.full[1], 1);
    assert_int_equal(c.partial[1], 1);
    assert_int_equal(c.width[1], 17);
    assert_int_equal(c.full[2], 0);
    assert_int_equal(c.width[2], 1);
    assert_int_equal(c.bundles, 274);
    census_t d = {0};
    assert_true(tlog_tiles_of(0, 256, count_tile, &d));   /* "a full level 0 tile and a partial level 1 tile of width 1" */
    assert_int_equal(d.full[0], 1);
    assert_int_equal(d.partial[0], 0);
    assert_int_equal(d.width[1], 1);
    census_t e = {0};
    assert_true(tlog_tiles_of(69000, 70000, count_tile, &e));   /* incremental: only what changed */
    assert_int_equal(e.full[0], 4);
}

static bool ledger_fetch(void *context, const tlog_tile_t *tile, buffer_t *out, char *error, size_t error_size) {
    return tlog_tile_read(context, tile, out, error, error_size);
}

/* Tiles read from a real log give the log's root at every size we try. */
static void test_tiles_from_ledger(void **state) {
    (void)state;
    char db[] = "/tmp/truce-tlog-test-XXXXXX";
    int fd = mkstemp(db);
    assert_true(fd >= 0);
    close(fd);
    unlink(db);
    char error[LEDGER_ERROR_SIZE];
    ledger_t *ledger = ledger_open(db, LEDGER_CREATE, error, sizeof error);
    assert_non_null(ledger);
    assert_true(ledger_begin(ledger, error, sizeof error));
    for (int i = 0; i < 700; i++) {
        char id[32], bytes[64];
        snprintf(id, sizeof id, "e-%d", i);
        int n = snprintf(bytes, sizeof bytes, "{\"id\":\"%s\"}", id);
        uint64_t index;
        bool same;
        assert_int_equal(ledger_append(ledger, text_of("s"), text_of(id), bytes, (size_t)n, &index, &same, error,
                                       sizeof error), APPEND_STORED);
    }
    /* An entry over the bundle limit is refused at append. */
    char *big = calloc(1, LEDGER_MAX_ENTRY + 2);
    memset(big, 'x', LEDGER_MAX_ENTRY + 1);
    uint64_t index;
    bool same;
    assert_int_equal(ledger_append(ledger, text_of("s"), text_of("big"), big, LEDGER_MAX_ENTRY + 1, &index, &same, error,
                                   sizeof error), APPEND_FAILED);
    assert_non_null(strstr(error, "too large"));
    free(big);
    assert_true(ledger_commit(ledger, error, sizeof error));
    static const uint64_t sizes[] = {1, 2, 255, 256, 257, 511, 512, 513, 700};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        uint8_t want[LEDGER_HASH_SIZE], got[LEDGER_HASH_SIZE];
        assert_true(ledger_root(ledger, sizes[i], want, error, sizeof error));
        assert_true(tlog_tiles_root(sizes[i], ledger_fetch, ledger, got, error, sizeof error));
        assert_memory_equal(got, want, LEDGER_HASH_SIZE);
    }
    /* A tile beyond the log is refused, and a bundle holds the entries. */
    tlog_tile_t beyond = {0, 2, 189}, bundle = {TLOG_ENTRIES_LEVEL, 2, 188};
    buffer_t out = {0};
    assert_false(tlog_tile_read(ledger, &beyond, &out, error, sizeof error));
    assert_true(tlog_tile_read(ledger, &bundle, &out, error, sizeof error));
    assert_int_equal(out.data[0], 0);
    assert_int_equal(out.data[1], (char)strlen("{\"id\":\"e-512\"}"));
    assert_memory_equal(out.data + 2, "{\"id\":\"e-512\"}", strlen("{\"id\":\"e-512\"}"));
    buffer_free(&out);
    ledger_close(ledger);
    unlink(db);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", db), unlink(side);
    snprintf(side, sizeof side, "%s-shm", db), unlink(side);
}

int main(void) {
    if (!ledger_init()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merkle_inclusion_vectors),
        cmocka_unit_test(test_merkle_consistency_vectors),
        cmocka_unit_test(test_signed_note_example),
        cmocka_unit_test(test_tessera_log),
        cmocka_unit_test(test_checkpoint_and_cosignature),
        cmocka_unit_test(test_malformed_notes),
        cmocka_unit_test(test_tile_paths),
        cmocka_unit_test(test_tiles_of_spec_example),
        cmocka_unit_test(test_tiles_from_ledger),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
