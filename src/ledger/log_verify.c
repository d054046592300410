/* ledger: end-to-end verification of a log. Recomputes everything the store
 * claims — canonical bytes, signatures, leaf and subtree hashes, the root at
 * every tree head — and names each entry, subtree or head that disagrees. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_internal.h"

typedef struct {
    uint64_t seq, tree_size;
    ledger_tree_head_t head;
    bool well_formed;             /* root and signature blobs of the right size */
    bool root_checked, root_matches;
} stored_head_t;

typedef struct {
    ledger_t *ledger;
    const ledger_registry_t *registry;
    ledger_validate_fn validate;
    void *validate_context;
    ledger_problem_fn on_problem;
    void *problem_context;
    ledger_verify_summary_t *summary;
    bool stopped;
    jcs_document_t *doc;
    buffer_t canonical, scratch;
    merkle_frontier_t frontier;
    stored_head_t *heads;         /* in seq order */
    size_t head_count;
    uint64_t *by_size;            /* indices into heads, sorted by tree size */
    size_t next_by_size;
} verifier_t;

static void problem(verifier_t *v, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void problem(verifier_t *v, const char *format, ...) {
    if (v->stopped) return;
    char text[512];
    va_list ap;
    va_start(ap, format);
    vsnprintf(text, sizeof text, format, ap);
    va_end(ap);
    v->summary->problems++;
    if (!v->on_problem(v->problem_context, text)) v->stopped = true;
}

static bool integrity(verifier_t *v, char *error, size_t error_size) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(ledger_database(v->ledger), "PRAGMA integrity_check(20)", -1, &s, NULL) != SQLITE_OK) {
        snprintf(error, error_size, "integrity check: %s", sqlite3_errmsg(ledger_database(v->ledger)));
        return false;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(s, 0);
        if (line && strcmp(line, "ok") != 0) problem(v, "database: %s", line);
    }
    if (rc != SQLITE_DONE) problem(v, "database: integrity check failed: %s", sqlite3_errmsg(ledger_database(v->ledger)));
    sqlite3_finalize(s);
    return true;
}

static void load_head_row(sqlite3_stmt *s, stored_head_t *h) {
    memset(h, 0, sizeof *h);
    h->seq = (uint64_t)sqlite3_column_int64(s, 0);
    h->tree_size = h->head.tree_size = (uint64_t)sqlite3_column_int64(s, 1);
    h->head.timestamp_ms = sqlite3_column_int64(s, 2);
    h->well_formed = sqlite3_column_bytes(s, 3) == LEDGER_HASH_SIZE && sqlite3_column_bytes(s, 4) == LEDGER_SIGNATURE_SIZE;
    if (h->well_formed) {
        memcpy(h->head.root, sqlite3_column_blob(s, 3), LEDGER_HASH_SIZE);
        memcpy(h->head.signature, sqlite3_column_blob(s, 4), LEDGER_SIGNATURE_SIZE);
    }
}

static verifier_t *sort_context;
static int by_tree_size(const void *a, const void *b) {
    uint64_t x = sort_context->heads[*(const uint64_t *)a].tree_size, y = sort_context->heads[*(const uint64_t *)b].tree_size;
    return (x > y) - (x < y);
}

static bool load_heads(verifier_t *v, char *error, size_t error_size) {
    sqlite3 *db = ledger_database(v->ledger);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "SELECT seq, tree_size, timestamp_ms, root_hash, signature FROM tree_heads ORDER BY seq",
                           -1, &s, NULL) != SQLITE_OK) {
        snprintf(error, error_size, "reading tree heads: %s", sqlite3_errmsg(db));
        return false;
    }
    size_t capacity = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (v->head_count == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            v->heads = xrealloc(v->heads, capacity * sizeof *v->heads);
        }
        load_head_row(s, &v->heads[v->head_count++]);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) problem(v, "tree heads: reading failed: %s", sqlite3_errmsg(db));
    v->by_size = xmalloc((v->head_count + 1) * sizeof *v->by_size);
    for (size_t i = 0; i < v->head_count; i++) v->by_size[i] = i;
    sort_context = v;
    qsort(v->by_size, v->head_count, sizeof *v->by_size, by_tree_size);
    v->summary->heads = v->head_count;
    return true;
}

/* After the frontier reaches a size, settle every head of that size. */
static void check_heads_at_size(verifier_t *v) {
    uint8_t root[LEDGER_HASH_SIZE];
    merkle_frontier_root(&v->frontier, root);
    while (v->next_by_size < v->head_count && v->heads[v->by_size[v->next_by_size]].tree_size <= v->frontier.size) {
        stored_head_t *h = &v->heads[v->by_size[v->next_by_size++]];
        if (h->tree_size != v->frontier.size) continue;
        h->root_checked = true;
        h->root_matches = h->well_formed && memcmp(root, h->head.root, LEDGER_HASH_SIZE) == 0;
    }
}

static void compare_node(void *context, unsigned level, uint64_t index, const uint8_t hash[LEDGER_HASH_SIZE]) {
    verifier_t *v = context;
    uint8_t stored[LEDGER_HASH_SIZE];
    bool found;
    char error[LEDGER_ERROR_SIZE];
    uint64_t first = index << level, last = ((index + 1) << level) - 1;
    if (!ledger_stored_hash(v->ledger, level, index, stored, &found, error, sizeof error))
        problem(v, "subtree of entries %llu..%llu: %s", (unsigned long long)first, (unsigned long long)last, error);
    else if (!found)
        problem(v, "subtree of entries %llu..%llu: its hash is missing from the store",
                (unsigned long long)first, (unsigned long long)last);
    else if (memcmp(stored, hash, LEDGER_HASH_SIZE) != 0)
        problem(v, "subtree of entries %llu..%llu: stored hash does not match the entries (altered, reordered or replaced)",
                (unsigned long long)first, (unsigned long long)last);
}

static void check_record(verifier_t *v, uint64_t index, const jcs_value_t *entry) {
    const jcs_value_t *cites = jcs_get(entry, "cites");
    uint64_t size;
    text_t root_text;
    uint8_t claimed[LEDGER_HASH_SIZE], actual[LEDGER_HASH_SIZE];
    char error[LEDGER_ERROR_SIZE];
    v->summary->records++;
    if (!jcs_uint(jcs_get(cites, "tree_size"), &size) || !jcs_member_string(cites, "root_hash", &root_text)
        || !ledger_hex_decode(root_text, claimed, sizeof claimed)) {
        problem(v, "entry %llu: council record's \"cites\" needs tree_size and a hex root_hash", (unsigned long long)index);
        return;
    }
    if (size > index) {
        problem(v, "entry %llu: council record cites tree size %llu, beyond its own position",
                (unsigned long long)index, (unsigned long long)size);
        return;
    }
    if (!ledger_root(v->ledger, size, actual, error, sizeof error))
        problem(v, "entry %llu: cannot compute the cited root: %s", (unsigned long long)index, error);
    else if (memcmp(claimed, actual, sizeof actual) != 0)
        problem(v, "entry %llu: council record cites a root hash that is not the log's root at size %llu",
                (unsigned long long)index, (unsigned long long)size);
}

static void check_columns(verifier_t *v, uint64_t index, sqlite3_stmt *s, const jcs_value_t *entry) {
    text_t source = {"", 0}, id = {"", 0};
    jcs_member_string(entry, "source", &source);
    jcs_member_string(entry, "id", &id);
    text_t col_source = {(const char *)sqlite3_column_text(s, 1), (size_t)sqlite3_column_bytes(s, 1)};
    text_t col_id = {(const char *)sqlite3_column_text(s, 2), (size_t)sqlite3_column_bytes(s, 2)};
    if (!text_equals(source, col_source) || !text_equals(id, col_id))
        problem(v, "entry %llu: its source/id columns (%.*s/%.*s) do not match the entry (%.*s/%.*s)",
                (unsigned long long)index, (int)(col_source.len > 60 ? 60 : col_source.len), col_source.ptr ? col_source.ptr : "",
                (int)(col_id.len > 60 ? 60 : col_id.len), col_id.ptr ? col_id.ptr : "",
                (int)(source.len > 60 ? 60 : source.len), source.ptr, (int)(id.len > 60 ? 60 : id.len), id.ptr);
}

/* Everything about one entry's content: JSON, canonical form, validity, signature. */
static void check_content(verifier_t *v, uint64_t index, sqlite3_stmt *s, const char *bytes, size_t len) {
    char error[LEDGER_ERROR_SIZE];
    if (!jcs_parse(v->doc, bytes, len, error, sizeof error)) {
        problem(v, "entry %llu: %s", (unsigned long long)index, error);
        return;
    }
    const jcs_value_t *entry = jcs_root(v->doc);
    v->canonical.len = 0;
    jcs_serialize(entry, NULL, &v->canonical);
    if (v->canonical.len != len || memcmp(v->canonical.data, bytes, len) != 0)
        problem(v, "entry %llu: stored bytes are not in canonical form (RFC 8785)", (unsigned long long)index);
    check_columns(v, index, s, entry);
    bool record = ledger_is_record(entry, ledger_registry_council(v->registry));
    if (!record && v->validate && !v->validate(v->validate_context, bytes, len, error, sizeof error))
        problem(v, "entry %llu: not a valid report: %s", (unsigned long long)index, error);
    if (ledger_verify_report(v->doc, v->registry, &v->scratch, error, sizeof error) != SIGNATURE_VALID)
        problem(v, "entry %llu: %s", (unsigned long long)index, error);
    if (record) check_record(v, index, entry);
}

static void check_entry(verifier_t *v, uint64_t index, sqlite3_stmt *s) {
    const char *bytes = sqlite3_column_blob(s, 3);
    size_t len = (size_t)sqlite3_column_bytes(s, 3);
    check_content(v, index, s, bytes ? bytes : "", len);
    uint8_t leaf[LEDGER_HASH_SIZE];
    merkle_leaf_hash(bytes ? bytes : "", len, leaf);
    if (sqlite3_column_bytes(s, 4) != LEDGER_HASH_SIZE || memcmp(sqlite3_column_blob(s, 4), leaf, LEDGER_HASH_SIZE) != 0)
        problem(v, "entry %llu: stored leaf hash does not match its bytes", (unsigned long long)index);
    merkle_frontier_push(&v->frontier, leaf, compare_node, v);
    check_heads_at_size(v);
}

static bool check_entries(verifier_t *v, char *error, size_t error_size) {
    sqlite3 *db = ledger_database(v->ledger);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "SELECT idx, source, id, bytes, leaf_hash FROM entries ORDER BY idx", -1, &s, NULL) != SQLITE_OK) {
        snprintf(error, error_size, "reading entries: %s", sqlite3_errmsg(db));
        return false;
    }
    check_heads_at_size(v);   /* heads of size 0 */
    int rc;
    while (!v->stopped && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t index = sqlite3_column_int64(s, 0);
        if (index != (int64_t)v->frontier.size)
            problem(v, index > (int64_t)v->frontier.size ? "entry %llu: missing (the next stored entry is %lld)"
                                                         : "entry %llu: unexpected index %lld",
                    (unsigned long long)v->frontier.size, (long long)index);
        check_entry(v, v->frontier.size, s);
        v->summary->entries++;
    }
    if (!v->stopped && rc != SQLITE_DONE) problem(v, "entries: reading failed: %s", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    return true;
}

static void check_node_count(verifier_t *v) {
    uint64_t expected = 0, n = v->frontier.size;
    for (unsigned level = 1; level < 64; level++) expected += n >> level;
    sqlite3_stmt *s = NULL;
    sqlite3 *db = ledger_database(v->ledger);
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM nodes", -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
        uint64_t stored = (uint64_t)sqlite3_column_int64(s, 0);
        if (stored != expected)
            problem(v, "subtree hashes: the store holds %llu, the %llu entries make %llu (stale or forged rows)",
                    (unsigned long long)stored, (unsigned long long)n, (unsigned long long)expected);
    } else {
        problem(v, "subtree hashes: cannot count them: %s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(s);
}

static void head_name(const stored_head_t *h, char *out, size_t size) {
    char when[32];
    time_format(h->head.timestamp_ms, when);
    snprintf(out, size, "tree head %llu (size %llu, %s)", (unsigned long long)h->seq,
             (unsigned long long)h->tree_size, when);
}

static void check_consistency(verifier_t *v, const stored_head_t *older, const stored_head_t *newer) {
    char error[LEDGER_ERROR_SIZE], a[96], b[96];
    ledger_consistency_proof_t *proof = xmalloc(sizeof *proof);
    head_name(older, a, sizeof a);
    head_name(newer, b, sizeof b);
    if (older->tree_size == 0) {
        /* Every tree extends the empty one; check_head has checked its root is SHA-256(""). */
    } else if (!ledger_prove_consistency(v->ledger, older->tree_size, newer->tree_size, proof, error, sizeof error))
        problem(v, "%s -> %s: cannot build a consistency proof: %s", a, b, error);
    else if (!merkle_verify_consistency(older->tree_size, newer->tree_size, older->head.root, newer->head.root,
                                        (const uint8_t(*)[LEDGER_HASH_SIZE])proof->path, proof->path_length,
                                        error, sizeof error))
        problem(v, "%s -> %s: not consistent: %s", a, b, error);
    free(proof);
}

static void check_head(verifier_t *v, const stored_head_t *h, const stored_head_t *previous, const uint8_t *council) {
    char name[96];
    head_name(h, name, sizeof name);
    if (!h->well_formed) { problem(v, "%s: root hash or signature has the wrong length", name); return; }
    if (!council) problem(v, "%s: no council key is registered, so its signature cannot be checked", name);
    else if (!ledger_head_verify(&h->head, council)) problem(v, "%s: council signature does not verify", name);
    if (h->tree_size > v->frontier.size)
        problem(v, "%s: the log holds only %llu entries (entries were removed)", name, (unsigned long long)v->frontier.size);
    else if (!h->root_matches) problem(v, "%s: root hash does not match the root of the log's first %llu entries",
                                       name, (unsigned long long)h->tree_size);
    if (!previous) return;
    if (h->tree_size < previous->tree_size) problem(v, "%s: tree size went backwards from %llu", name,
                                                    (unsigned long long)previous->tree_size);
    else if (previous->well_formed && h->tree_size <= v->frontier.size) check_consistency(v, previous, h);
    if (h->head.timestamp_ms < previous->head.timestamp_ms) problem(v, "%s: timestamp went backwards", name);
}

static void check_heads(verifier_t *v) {
    const uint8_t *council = NULL;
    ledger_registry_council_key(v->registry, &council);
    for (size_t i = 0; i < v->head_count && !v->stopped; i++)
        check_head(v, &v->heads[i], i ? &v->heads[i - 1] : NULL, council);
}

bool ledger_verify(ledger_t *ledger, const ledger_registry_t *registry, ledger_validate_fn validate,
                   void *validate_context, ledger_problem_fn on_problem, void *problem_context,
                   ledger_verify_summary_t *summary, char *error, size_t error_size) {
    memset(summary, 0, sizeof *summary);
    verifier_t v = {.ledger = ledger, .registry = registry, .validate = validate,
                    .validate_context = validate_context, .on_problem = on_problem,
                    .problem_context = problem_context, .summary = summary};
    v.doc = jcs_document_new();
    merkle_frontier_init(&v.frontier);
    sqlite3 *db = ledger_database(ledger);
    bool ok = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok) snprintf(error, error_size, "starting a read transaction: %s", sqlite3_errmsg(db));
    ok = ok && integrity(&v, error, error_size) && load_heads(&v, error, error_size)
       && check_entries(&v, error, error_size);
    if (ok && !v.stopped) check_node_count(&v);
    if (ok && !v.stopped) check_heads(&v);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    jcs_document_free(v.doc);
    buffer_free(&v.canonical);
    buffer_free(&v.scratch);
    free(v.heads);
    free(v.by_size);
    return ok;
}
