/* tests: the log end to end on a temporary database — sign, append, prove,
 * verify — and every kind of bending we can think of (a flipped byte, a
 * dropped, reordered or forged row, an altered tree head, a bad or borrowed
 * signature, a duplicate) must be caught and named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include <cmocka.h>

#include "ledger/ledger.h"

typedef struct {
    char dir[64], db[96];
    ledger_secret_key_t ua, ru, council;
    ledger_registry_t *registry;
    jcs_document_t *doc;
} fixture_t;

static char error[LEDGER_ERROR_SIZE];

static void make_key(const char *source, uint8_t seed_byte, ledger_secret_key_t *key) {
    uint8_t seed[LEDGER_SEED_SIZE];
    memset(seed, seed_byte, sizeof seed);
    assert_true(ledger_key_generate(source, seed, key, error, sizeof error));
}

static int setup(void **state) {
    fixture_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/truce-ledger-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof f->db, "%s/log.db", f->dir);
    make_key("party:UA", 1, &f->ua);
    make_key("party:RU", 2, &f->ru);
    make_key("council", 3, &f->council);
    f->registry = ledger_registry_new();
    ledger_registry_add(f->registry, text_of("party:UA"), f->ua.public_key);
    ledger_registry_add(f->registry, text_of("party:RU"), f->ru.public_key);
    ledger_registry_add(f->registry, text_of("council"), f->council.public_key);
    ledger_registry_add(f->registry, text_of("monitor:osce"), NULL);
    ledger_registry_set_council(f->registry, text_of("council"));
    f->doc = jcs_document_new();
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture_t *f = *state;
    char command[160];
    snprintf(command, sizeof command, "rm -rf '%s'", f->dir);
    assert_int_equal(system(command), 0);
    ledger_registry_free(f->registry);
    jcs_document_free(f->doc);
    free(f);
    return 0;
}

/* A signed report line for source with the given id, in out. */
static void signed_report(fixture_t *f, const ledger_secret_key_t *key, const char *source, int id, buffer_t *out) {
    char text[256];
    snprintf(text, sizeof text,
             "{\"id\":\"r-%d\",\"source\":\"%s\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"strike\","
             "\"actor\":\"RU\",\"at\":[36.1,49.9],\"value\":%d.5}", id, source, id);
    assert_true(jcs_parse(f->doc, text, strlen(text), error, sizeof error));
    out->len = 0;
    if (!ledger_sign_report(f->doc, key, out, error, sizeof error)) fail_msg("%s", error);
}

static append_result_t append_line(fixture_t *f, ledger_t *ledger, const buffer_t *line, uint64_t *index) {
    buffer_t scratch = {0};
    assert_true(jcs_parse(f->doc, line->data, line->len, error, sizeof error));
    assert_int_equal(ledger_verify_report(f->doc, f->registry, &scratch, error, sizeof error), SIGNATURE_VALID);
    buffer_free(&scratch);
    text_t source, id;
    assert_true(jcs_member_string(jcs_root(f->doc), "source", &source));
    assert_true(jcs_member_string(jcs_root(f->doc), "id", &id));
    bool same;
    return ledger_append(ledger, source, id, line->data, line->len, index, &same, error, sizeof error);
}

/* A log of n reports alternating UA and RU, a head after n/2 and at n. */
static void build_log(fixture_t *f, int n) {
    ledger_t *ledger = ledger_open(f->db, LEDGER_CREATE, error, sizeof error);
    assert_non_null(ledger);
    buffer_t line = {0};
    ledger_tree_head_t head;
    for (int half = 0; half < 2; half++) {
        assert_true(ledger_begin(ledger, error, sizeof error));
        for (int i = half * n / 2; i < (half + 1) * n / 2; i++) {
            uint64_t index;
            signed_report(f, i % 2 ? &f->ru : &f->ua, i % 2 ? "party:RU" : "party:UA", i, &line);
            assert_int_equal(append_line(f, ledger, &line, &index), APPEND_STORED);
            assert_int_equal(index, (uint64_t)i);
        }
        assert_true(ledger_commit(ledger, error, sizeof error));
        assert_true(ledger_sign_tree_head(ledger, &f->council, &head, error, sizeof error));
    }
    buffer_free(&line);
    ledger_close(ledger);
}

typedef struct { buffer_t text; int count; } problems_t;

static bool collect(void *context, const char *problem) {
    problems_t *p = context;
    buffer_printf(&p->text, "%s\n", problem);
    p->count++;
    return true;
}

/* Verifies the log; returns the problems found (caller frees text). */
static problems_t verify_log(fixture_t *f) {
    problems_t problems = {{0}, 0};
    ledger_t *ledger = ledger_open(f->db, LEDGER_READ_ONLY, error, sizeof error);
    if (!ledger) {
        buffer_printf(&problems.text, "open: %s\n", error);
        problems.count = 1;
        return problems;
    }
    ledger_verify_summary_t summary;
    assert_true(ledger_verify(ledger, f->registry, NULL, NULL, collect, &problems, &summary, error, sizeof error));
    assert_int_equal(summary.problems, (uint64_t)problems.count);
    ledger_close(ledger);
    buffer_puts(&problems.text, "");
    return problems;
}

static void expect_problem(fixture_t *f, const char *needle) {
    problems_t p = verify_log(f);
    if (!p.count || !strstr(p.text.data, needle)) fail_msg("expected a problem naming '%s', got:\n%s", needle, p.text.data);
    buffer_free(&p.text);
}

static void expect_clean(fixture_t *f) {
    problems_t p = verify_log(f);
    if (p.count) fail_msg("expected a clean log, got:\n%s", p.text.data);
    buffer_free(&p.text);
}

static void tamper(fixture_t *f, const char *sql) {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) fail_msg("%s: %s", sql, message);
    sqlite3_close(db);
}

static void test_round_trip(void **state) {
    fixture_t *f = *state;
    build_log(f, 37);
    expect_clean(f);
    ledger_t *ledger = ledger_open(f->db, LEDGER_READ_WRITE, error, sizeof error);
    assert_non_null(ledger);
    assert_int_equal(ledger_size(ledger), 37);
    ledger_tree_head_t head;
    bool found;
    assert_true(ledger_latest_head(ledger, &head, &found, error, sizeof error));
    assert_true(found);
    assert_int_equal(head.tree_size, 37);
    assert_true(ledger_head_verify(&head, f->council.public_key));
    assert_false(ledger_head_verify(&head, f->ua.public_key));
    static ledger_inclusion_proof_t proof;
    for (uint64_t i = 0; i < 37; i++) {
        assert_true(ledger_prove_inclusion(ledger, i, 37, &proof, error, sizeof error));
        assert_memory_equal(proof.root, head.root, 32);
        assert_true(merkle_verify_inclusion(i, 37, proof.leaf_hash, (const uint8_t(*)[32])proof.path, proof.path_length,
                                            head.root, error, sizeof error));
    }
    uint64_t index;
    assert_true(ledger_find(ledger, text_of("party:RU"), text_of("r-7"), &index, &found, error, sizeof error));
    assert_true(found);
    assert_int_equal(index, 7);
    static ledger_consistency_proof_t consistency;
    for (uint64_t m = 0; m <= 37; m++) {
        assert_true(ledger_prove_consistency(ledger, m, 37, &consistency, error, sizeof error));
        if (m == 0) continue;   /* nothing to verify from the empty tree (merkle_verify_consistency refuses) */
        assert_true(merkle_verify_consistency(m, 37, consistency.old_root, head.root, (const uint8_t(*)[32])consistency.path,
                                              consistency.path_length, error, sizeof error));
    }
    /* JSON round trips of the head and proofs. */
    buffer_t json = {0};
    ledger_head_to_json(&head, &json);
    assert_true(jcs_parse(f->doc, json.data, json.len, error, sizeof error));
    ledger_tree_head_t parsed;
    assert_true(ledger_head_from_json(jcs_root(f->doc), &parsed, error, sizeof error));
    assert_memory_equal(&parsed, &head, sizeof head);
    json.len = 0;
    ledger_inclusion_to_json(&proof, &json);
    static ledger_inclusion_proof_t parsed_proof;
    assert_true(jcs_parse(f->doc, json.data, json.len, error, sizeof error));
    assert_true(ledger_inclusion_from_json(jcs_root(f->doc), &parsed_proof, error, sizeof error));
    assert_memory_equal(&parsed_proof, &proof, sizeof proof);
    buffer_free(&json);
    ledger_close(ledger);
}

static void test_duplicates_are_stored_once(void **state) {
    fixture_t *f = *state;
    build_log(f, 4);
    ledger_t *ledger = ledger_open(f->db, LEDGER_READ_WRITE, error, sizeof error);
    buffer_t line = {0};
    uint64_t index;
    assert_true(ledger_begin(ledger, error, sizeof error));
    signed_report(f, &f->ru, "party:RU", 3, &line);
    assert_int_equal(append_line(f, ledger, &line, &index), APPEND_DUPLICATE);
    assert_int_equal(index, 3);
    signed_report(f, &f->ru, "party:RU", 5, &line);
    assert_int_equal(append_line(f, ledger, &line, &index), APPEND_STORED);
    assert_int_equal(append_line(f, ledger, &line, &index), APPEND_DUPLICATE);   /* within the same batch */
    assert_int_equal(index, 4);
    assert_true(ledger_commit(ledger, error, sizeof error));
    assert_int_equal(ledger_size(ledger), 5);
    buffer_free(&line);
    ledger_close(ledger);
    expect_clean(f);
}

static void test_rollback_leaves_nothing(void **state) {
    fixture_t *f = *state;
    build_log(f, 6);
    ledger_t *ledger = ledger_open(f->db, LEDGER_READ_WRITE, error, sizeof error);
    buffer_t line = {0};
    uint64_t index;
    assert_true(ledger_begin(ledger, error, sizeof error));
    signed_report(f, &f->ua, "party:UA", 100, &line);
    assert_int_equal(append_line(f, ledger, &line, &index), APPEND_STORED);
    ledger_rollback(ledger);
    assert_int_equal(ledger_size(ledger), 6);
    assert_true(ledger_begin(ledger, error, sizeof error));
    assert_int_equal(append_line(f, ledger, &line, &index), APPEND_STORED);
    assert_int_equal(index, 6);
    assert_true(ledger_commit(ledger, error, sizeof error));
    buffer_free(&line);
    ledger_close(ledger);
    expect_clean(f);
}

static void test_signatures(void **state) {
    fixture_t *f = *state;
    buffer_t line = {0}, scratch = {0};
    /* Impersonation: UA's key refuses to sign a report claiming RU's source. */
    const char *claim = "{\"id\":\"x\",\"source\":\"party:RU\",\"kind\":\"strike\"}";
    assert_true(jcs_parse(f->doc, claim, strlen(claim), error, sizeof error));
    assert_false(ledger_sign_report(f->doc, &f->ua, &line, error, sizeof error));
    assert_non_null(strstr(error, "claims source 'party:RU'"));
    /* ...and a report for RU signed with UA's key does not verify. */
    const ledger_secret_key_t *ua = &f->ua;
    ledger_secret_key_t forged = *ua;
    snprintf(forged.source, sizeof forged.source, "party:RU");
    assert_true(ledger_sign_report(f->doc, &forged, &line, error, sizeof error));
    assert_true(jcs_parse(f->doc, line.data, line.len, error, sizeof error));
    assert_int_equal(ledger_verify_report(f->doc, f->registry, &scratch, error, sizeof error), SIGNATURE_INVALID);
    /* Good signature, then one flipped value. */
    signed_report(f, &f->ua, "party:UA", 1, &line);
    assert_true(jcs_parse(f->doc, line.data, line.len, error, sizeof error));
    assert_int_equal(ledger_verify_report(f->doc, f->registry, &scratch, error, sizeof error), SIGNATURE_VALID);
    char *value = strstr(line.data, "1.5");
    assert_non_null(value);
    value[0] = '2';
    assert_true(jcs_parse(f->doc, line.data, line.len, error, sizeof error));
    assert_int_equal(ledger_verify_report(f->doc, f->registry, &scratch, error, sizeof error), SIGNATURE_INVALID);
    /* Reformatting the JSON does not break the signature: it covers the canonical form. */
    signed_report(f, &f->ua, "party:UA", 1, &line);
    buffer_t spaced = {0};
    for (size_t i = 0; i < line.len; i++) {
        buffer_append(&spaced, &line.data[i], 1);
        if (line.data[i] == ',') buffer_puts(&spaced, "\n  ");
    }
    assert_true(jcs_parse(f->doc, spaced.data, spaced.len, error, sizeof error));
    assert_int_equal(ledger_verify_report(f->doc, f->registry, &scratch, error, sizeof error), SIGNATURE_VALID);
    /* Missing, malformed, unknown source, no key. */
    static const struct { const char *json; signature_check_t expected; } cases[] = {
        {"{\"id\":\"a\",\"source\":\"party:UA\"}", SIGNATURE_MISSING},
        {"{\"id\":\"a\",\"source\":\"party:UA\",\"sig\":\"abc\"}", SIGNATURE_MALFORMED},
        {"{\"id\":\"a\",\"source\":\"party:UA\",\"sig\":5}", SIGNATURE_MALFORMED},
        {"{\"id\":\"a\",\"source\":\"party:XX\",\"sig\":\"abc\"}", SIGNATURE_UNKNOWN_SOURCE},
        {"{\"id\":\"a\",\"source\":\"monitor:osce\",\"sig\":\"abc\"}", SIGNATURE_NO_KEY},
        {"[1]", SIGNATURE_MALFORMED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_true(jcs_parse(f->doc, cases[i].json, strlen(cases[i].json), error, sizeof error));
        assert_int_equal(ledger_verify_report(f->doc, f->registry, &scratch, error, sizeof error), cases[i].expected);
    }
    buffer_free(&spaced);
    buffer_free(&line);
    buffer_free(&scratch);
}

static void test_key_file(void **state) {
    fixture_t *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/ua.key", f->dir);
    assert_true(ledger_key_write(&f->ua, path, error, sizeof error));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_false(ledger_key_write(&f->ua, path, error, sizeof error));   /* never overwrites */
    ledger_secret_key_t read;
    assert_true(ledger_key_read(path, &read, error, sizeof error));
    assert_memory_equal(&read, &f->ua, sizeof read);
    FILE *file = fopen(path, "a");
    fputs("junk\n", file);
    fclose(file);
    assert_false(ledger_key_read(path, &read, error, sizeof error));
    buffer_t line = {0};
    ledger_key_registry_line(&f->ua, &line);
    assert_true(strncmp(line.data, "key party:UA ", 13) == 0);
    assert_int_equal(line.len, 13 + 44);
    buffer_free(&line);
}

static void test_flipped_entry_byte(void **state) {
    fixture_t *f = *state;
    build_log(f, 10);
    tamper(f, "UPDATE entries SET bytes = CAST(replace(CAST(bytes AS TEXT), '\"value\":4.5', '\"value\":5.5') AS BLOB) WHERE idx = 4");
    expect_problem(f, "entry 4: bad signature");
    expect_problem(f, "entry 4: stored leaf hash does not match");
}

static void test_rehashed_forgery_caught_by_heads(void **state) {
    fixture_t *f = *state;
    build_log(f, 10);
    /* A forger who also fixes the leaf hash and every subtree is still caught by the signed heads. */
    tamper(f, "UPDATE entries SET bytes = CAST(replace(CAST(bytes AS TEXT), '\"value\":4.5', '\"value\":5.5') AS BLOB) WHERE idx = 4;"
              "UPDATE entries SET leaf_hash = (SELECT leaf_hash FROM entries WHERE idx = 2) WHERE idx = 4;");
    expect_problem(f, "tree head 1 (size 5,");
    expect_problem(f, "tree head 2 (size 10,");
}

static void test_dropped_row(void **state) {
    fixture_t *f = *state;
    build_log(f, 10);
    tamper(f, "DELETE FROM entries WHERE idx = 6");
    expect_problem(f, "entry 6: missing (the next stored entry is 7)");
    expect_problem(f, "tree head 2 (size 10,");
}

static void test_truncated_tail(void **state) {
    fixture_t *f = *state;
    build_log(f, 10);
    tamper(f, "DELETE FROM entries WHERE idx >= 8; DELETE FROM nodes WHERE (idx + 1) << level > 8");
    expect_problem(f, "tree head 2 (size 10,");
    expect_problem(f, "holds only 8 entries");
}

static void test_reordered_rows(void **state) {
    fixture_t *f = *state;
    build_log(f, 10);
    tamper(f, "UPDATE entries SET idx = -1 WHERE idx = 1; UPDATE entries SET idx = 1 WHERE idx = 2;"
              "UPDATE entries SET idx = 2 WHERE idx = -1;");
    expect_problem(f, "subtree of entries 0..3: stored hash does not match");
    expect_problem(f, "tree head 1 (size 5,");
}

static void test_altered_tree_head(void **state) {
    fixture_t *f = *state;
    build_log(f, 10);
    tamper(f, "UPDATE tree_heads SET timestamp_ms = timestamp_ms + 1 WHERE seq = 2");
    expect_problem(f, "tree head 2 (size 10,");
    expect_problem(f, "council signature does not verify");
}

static void test_forged_subtree_and_extra_rows(void **state) {
    fixture_t *f = *state;
    build_log(f, 10);
    tamper(f, "UPDATE nodes SET hash = zeroblob(32) WHERE level = 2 AND idx = 1");
    expect_problem(f, "subtree of entries 4..7: stored hash does not match");
    tamper(f, "UPDATE nodes SET hash = (SELECT hash FROM nodes WHERE level = 2 AND idx = 0) WHERE level = 2 AND idx = 1;"
              "INSERT INTO nodes VALUES(1, 99, zeroblob(32))");
    expect_problem(f, "stale or forged rows");
}

static void test_impersonating_row(void **state) {
    fixture_t *f = *state;
    build_log(f, 4);
    tamper(f, "UPDATE entries SET source = 'party:UA' WHERE idx = 1");
    expect_problem(f, "entry 1: its source/id columns (party:UA/r-1) do not match the entry (party:RU/r-1)");
}

/* Flip one byte of an entry in the database file itself. */
static void test_flipped_byte_in_file(void **state) {
    fixture_t *f = *state;
    build_log(f, 50);
    FILE *file = fopen(f->db, "r+b");
    assert_non_null(file);
    static char data[1 << 20];
    size_t n = fread(data, 1, sizeof data, file);
    const char *needle = "\"id\":\"r-33\"";
    char *hit = NULL;
    for (size_t i = 0; !hit && i + strlen(needle) <= n; i++)
        if (!memcmp(data + i, needle, strlen(needle))) hit = data + i;
    assert_non_null(hit);
    fseek(file, (long)(hit - data) + 8, SEEK_SET);
    fputc('4', file);
    fclose(file);
    expect_problem(f, "entry 33");
}

static void test_council_record(void **state) {
    fixture_t *f = *state;
    build_log(f, 6);
    ledger_t *ledger = ledger_open(f->db, LEDGER_READ_WRITE, error, sizeof error);
    uint64_t index;
    if (!ledger_append_record(ledger, &f->council, "rulings@6", "rulings", "{\"rulings\":[{\"point\":\"6\"}]}", 6,
                              &index, error, sizeof error))
        fail_msg("%s", error);
    assert_int_equal(index, 6);
    assert_false(ledger_append_record(ledger, &f->council, "rulings@6", "rulings", "{}", 6, &index, error, sizeof error));
    buffer_t entry = {0};
    assert_true(ledger_entry(ledger, 6, &entry, error, sizeof error));
    assert_true(jcs_parse(f->doc, entry.data, entry.len, error, sizeof error));
    assert_true(ledger_is_record(jcs_root(f->doc), "council"));
    assert_false(ledger_is_record(jcs_root(f->doc), "party:UA"));
    buffer_free(&entry);
    ledger_close(ledger);
    expect_clean(f);
    tamper(f, "UPDATE entries SET bytes = CAST(replace(CAST(bytes AS TEXT), '\"tree_size\":6', '\"tree_size\":5') AS BLOB) WHERE idx = 6");
    expect_problem(f, "entry 6: bad signature");
}

typedef struct { uint64_t next; int seen; } walk_t;

static bool walk(void *context, uint64_t index, const char *bytes, size_t len) {
    walk_t *w = context;
    assert_int_equal(index, w->next++);
    assert_true(len > 0 && bytes[0] == '{');
    return ++w->seen < 5;
}

static void test_foreach(void **state) {
    fixture_t *f = *state;
    build_log(f, 8);
    ledger_t *ledger = ledger_open(f->db, LEDGER_READ_ONLY, error, sizeof error);
    walk_t w = {2, 0};
    assert_true(ledger_foreach(ledger, 2, 8, walk, &w, error, sizeof error));
    assert_int_equal(w.seen, 5);   /* stopped early by the callback */
    ledger_close(ledger);
}

static void test_not_a_log(void **state) {
    fixture_t *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/other.db", f->dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(db);
    assert_null(ledger_open(path, LEDGER_READ_WRITE, error, sizeof error));
    assert_non_null(strstr(error, "not a truce log"));
    snprintf(path, sizeof path, "%s/missing.db", f->dir);
    assert_null(ledger_open(path, LEDGER_READ_ONLY, error, sizeof error));
}

int main(void) {
    assert_true(ledger_init());
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_round_trip), T(test_duplicates_are_stored_once), T(test_rollback_leaves_nothing),
        T(test_signatures), T(test_key_file), T(test_flipped_entry_byte), T(test_rehashed_forgery_caught_by_heads),
        T(test_dropped_row), T(test_truncated_tail), T(test_reordered_rows), T(test_altered_tree_head),
        T(test_forged_subtree_and_extra_rows), T(test_impersonating_row), T(test_flipped_byte_in_file),
        T(test_council_record), T(test_foreach), T(test_not_a_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
