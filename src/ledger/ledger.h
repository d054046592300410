/* ledger: the record no party can bend. Canonical JSON (RFC 8785), Ed25519
 * report signatures, an append-only SQLite log under an RFC 9162 Merkle tree,
 * council-signed tree heads, inclusion and consistency proofs, and end-to-end
 * verification. Formats: docs/signing.md and docs/ledger.md. The library never
 * prints or exits: every failure comes back as false/NULL with a reason. */
#ifndef TRUCE_LEDGER_H
#define TRUCE_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "agreement/agreement.h"
#include "base/base.h"

#define LEDGER_HASH_SIZE 32
#define LEDGER_PUBLIC_KEY_SIZE 32
#define LEDGER_SECRET_KEY_SIZE 64
#define LEDGER_SIGNATURE_SIZE 64
#define LEDGER_SEED_SIZE 32
#define LEDGER_MAX_PROOF 128          /* proof hashes; a 2^64-leaf tree needs at most ~2x64 */
#define LEDGER_ERROR_SIZE 256         /* a comfortable size for the error buffers below */

/* Initializes libsodium; call once before anything else. False if it cannot. */
bool ledger_init(void);

/* ---------------------------------------------------------------------------
 * Canonical JSON (RFC 8785, JCS). A document parses strict JSON (RFC 8259 and
 * I-JSON: UTF-8, no lone surrogates, no duplicate names, finite numbers) and
 * serializes it canonically: members sorted by UTF-16 code units, numbers as
 * ECMAScript prints them, minimal string escapes, no whitespace.
 * ------------------------------------------------------------------------ */
typedef enum { JCS_NULL, JCS_FALSE, JCS_TRUE, JCS_NUMBER, JCS_STRING, JCS_ARRAY, JCS_OBJECT } jcs_type_t;

typedef struct jcs_value jcs_value_t;
typedef struct jcs_document jcs_document_t;

jcs_document_t *jcs_document_new(void);          /* caller frees with jcs_document_free */
void jcs_document_free(jcs_document_t *doc);     /* NULL-safe */
/* Parses json, replacing the document's previous content. The input is
 * borrowed until the next parse. On failure returns false with the reason and
 * byte offset in error. */
bool jcs_parse(jcs_document_t *doc, const char *json, size_t len, char *error, size_t error_size);
const jcs_value_t *jcs_root(const jcs_document_t *doc);

jcs_type_t jcs_type(const jcs_value_t *value);
/* Member of an object by name; NULL when absent or when value is no object. */
const jcs_value_t *jcs_get(const jcs_value_t *object, const char *name);
bool jcs_string(const jcs_value_t *value, text_t *out);   /* false unless a string */
bool jcs_number(const jcs_value_t *value, double *out);   /* false unless a number */
/* A non-negative integer up to 2^53; false for anything else. */
bool jcs_uint(const jcs_value_t *value, uint64_t *out);
size_t jcs_array_length(const jcs_value_t *value);        /* 0 unless an array */
const jcs_value_t *jcs_array_item(const jcs_value_t *value, size_t index);
/* Convenience: the string member `name` of an object. */
bool jcs_member_string(const jcs_value_t *object, const char *name, text_t *out);

/* Appends the canonical form of value to out. When omit is not NULL and value
 * is an object, its member named omit is left out (top level only). */
void jcs_serialize(const jcs_value_t *value, const char *omit, buffer_t *out);
/* Appends the ECMAScript Number.prototype.toString form of a finite double. */
void jcs_format_number(double number, buffer_t *out);
/* One-shot: canonical form of json, appended to out. */
bool jcs_canonicalize(const char *json, size_t len, buffer_t *out, char *error, size_t error_size);

/* ---------------------------------------------------------------------------
 * Keys and report signatures (docs/signing.md). A report's signature is
 * Ed25519 over JCS(report without "sig"), stored base64 in its "sig" member;
 * the signing key belongs to the report's "source".
 * ------------------------------------------------------------------------ */
typedef struct {
    char source[128];                          /* "party:UA" */
    uint8_t secret[LEDGER_SECRET_KEY_SIZE];    /* libsodium form: seed || public key */
    uint8_t public_key[LEDGER_PUBLIC_KEY_SIZE];
} ledger_secret_key_t;

/* Makes a key for source from seed (32 bytes), or from fresh randomness when
 * seed is NULL. False when the source name is empty, too long or has spaces. */
bool ledger_key_generate(const char *source, const uint8_t *seed, ledger_secret_key_t *key,
                         char *error, size_t error_size);
/* Writes the secret key file (mode 0600); refuses to overwrite a file. */
bool ledger_key_write(const ledger_secret_key_t *key, const char *path, char *error, size_t error_size);
bool ledger_key_read(const char *path, ledger_secret_key_t *key, char *error, size_t error_size);
/* Appends "key <source> <base64 public key>" (no newline): the registry line. */
void ledger_key_registry_line(const ledger_secret_key_t *key, buffer_t *out);
void ledger_key_wipe(ledger_secret_key_t *key);

/* base64 (standard alphabet, padded) helpers. decode returns false unless the
 * text is exactly the canonical encoding of out_size bytes. */
void ledger_base64_append(const uint8_t *bytes, size_t len, buffer_t *out);
bool ledger_base64_decode(text_t text, uint8_t *out, size_t out_size);
void ledger_hex_append(const uint8_t *bytes, size_t len, buffer_t *out);
bool ledger_hex_decode(text_t text, uint8_t *out, size_t out_size);

/* The key registry: every source the agreement knows, with its key if any. */
typedef struct ledger_registry ledger_registry_t;
typedef enum { REGISTRY_KEY, REGISTRY_NO_KEY, REGISTRY_UNKNOWN_SOURCE } registry_lookup_t;

ledger_registry_t *ledger_registry_new(void);           /* caller frees with ledger_registry_free */
void ledger_registry_free(ledger_registry_t *registry); /* NULL-safe */
/* Adds a source; key NULL means declared without a key. Replaces an earlier entry. */
void ledger_registry_add(ledger_registry_t *registry, text_t source, const uint8_t *key);
ledger_registry_t *ledger_registry_from_agreement(const agreement_t *agreement);
registry_lookup_t ledger_registry_find(const ledger_registry_t *registry, text_t source,
                                       const uint8_t **key);
/* The council's source, whatever the agreement calls it (`council tcg`): its
 * key signs tree heads and records. NULL when none is set; from_agreement sets it. */
void ledger_registry_set_council(ledger_registry_t *registry, text_t source);
const char *ledger_registry_council(const ledger_registry_t *registry);
/* The council's registered key: ledger_registry_find on the council's source
 * (REGISTRY_UNKNOWN_SOURCE when no council is set). */
registry_lookup_t ledger_registry_council_key(const ledger_registry_t *registry, const uint8_t **key);

/* Signs the report in doc (already parsed, an object): appends to out its
 * canonical form with "sig" set (an existing sig is replaced). Refuses a
 * report whose "source" is not the key's source. */
bool ledger_sign_report(const jcs_document_t *doc, const ledger_secret_key_t *key, buffer_t *out,
                        char *error, size_t error_size);

typedef enum {
    SIGNATURE_VALID,
    SIGNATURE_MISSING,        /* no "sig" member */
    SIGNATURE_MALFORMED,      /* not base64 of 64 bytes, or no string "source" */
    SIGNATURE_UNKNOWN_SOURCE, /* the agreement does not know the source */
    SIGNATURE_NO_KEY,         /* the source has no registered key */
    SIGNATURE_INVALID,        /* does not verify against the source's key */
} signature_check_t;

/* Checks the signature of the report in doc against the registry. scratch is
 * reused working memory. The reason is written to error unless valid. */
signature_check_t ledger_verify_report(const jcs_document_t *doc, const ledger_registry_t *registry,
                                       buffer_t *scratch, char *error, size_t error_size);
/* ledger_verify_report in two steps, for verifying in parallel: the first
 * (cheap, needs the document) checks everything but the signature itself,
 * appends the signed message to message and finds the key (borrowed from the
 * registry); the second (the costly part, thread-safe) checks the signature. */
signature_check_t ledger_prepare_report_check(const jcs_document_t *doc, const ledger_registry_t *registry,
                                             buffer_t *message, uint8_t signature[LEDGER_SIGNATURE_SIZE],
                                             const uint8_t **key, char *error, size_t error_size);
bool ledger_signature_verifies(const void *message, size_t len, const uint8_t signature[LEDGER_SIGNATURE_SIZE],
                               const uint8_t key[LEDGER_PUBLIC_KEY_SIZE]);

/* ---------------------------------------------------------------------------
 * Merkle tree (RFC 9162 §2.1, SHA-256): leaf = H(0x00 || entry), node =
 * H(0x01 || left || right), the RFC's shape for any size. Pure functions; the
 * proof builders ask a callback for the hashes of subtrees.
 * ------------------------------------------------------------------------ */
void merkle_leaf_hash(const void *entry, size_t len, uint8_t out[LEDGER_HASH_SIZE]);
void merkle_node_hash(const uint8_t left[LEDGER_HASH_SIZE], const uint8_t right[LEDGER_HASH_SIZE],
                      uint8_t out[LEDGER_HASH_SIZE]);
void merkle_empty_root(uint8_t out[LEDGER_HASH_SIZE]);   /* SHA-256 of nothing */

/* Fills out with MTH(D[start:end]) for start < end, where start is a multiple
 * of the largest power of two not above end - start (every range the RFC's
 * recursions visit). Returns false (with the reason) when it cannot. */
typedef bool (*merkle_range_fn)(void *context, uint64_t start, uint64_t end,
                                uint8_t out[LEDGER_HASH_SIZE], char *error, size_t error_size);

/* PATH(index, D[size]) per RFC 9162 §2.1.3.1; false if index >= size. */
bool merkle_inclusion_path(merkle_range_fn range, void *context, uint64_t index, uint64_t size,
                           uint8_t path[][LEDGER_HASH_SIZE], size_t *path_length,
                           char *error, size_t error_size);
/* PROOF(old_size, D[new_size]) per RFC 9162 §2.1.4.1; empty when old_size is
 * 0 or equals new_size; false if old_size > new_size. */
bool merkle_consistency_path(merkle_range_fn range, void *context, uint64_t old_size, uint64_t new_size,
                             uint8_t path[][LEDGER_HASH_SIZE], size_t *path_length,
                             char *error, size_t error_size);
/* RFC 9162 §2.1.3.2 and §2.1.4.2. False with the reason when the proof fails. */
bool merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[LEDGER_HASH_SIZE],
                             const uint8_t path[][LEDGER_HASH_SIZE], size_t path_length,
                             const uint8_t root[LEDGER_HASH_SIZE], char *error, size_t error_size);
bool merkle_verify_consistency(uint64_t old_size, uint64_t new_size,
                               const uint8_t old_root[LEDGER_HASH_SIZE], const uint8_t new_root[LEDGER_HASH_SIZE],
                               const uint8_t path[][LEDGER_HASH_SIZE], size_t path_length,
                               char *error, size_t error_size);

/* The right edge of a growing tree: one complete subtree per set bit of size.
 * Appending a leaf costs O(1) amortized hashes; the root O(log size). */
typedef struct {
    uint64_t size;
    uint8_t level[64][LEDGER_HASH_SIZE];   /* level[l]: the subtree of 2^l leaves, when bit l of size is set */
} merkle_frontier_t;

typedef void (*merkle_node_fn)(void *context, unsigned level, uint64_t index,
                               const uint8_t hash[LEDGER_HASH_SIZE]);

void merkle_frontier_init(merkle_frontier_t *frontier);
/* Appends a leaf hash; on_node (may be NULL) hears every complete subtree of
 * level >= 1 that the leaf completes: level l, index i covers leaves
 * [i * 2^l, (i + 1) * 2^l). */
void merkle_frontier_push(merkle_frontier_t *frontier, const uint8_t leaf_hash[LEDGER_HASH_SIZE],
                          merkle_node_fn on_node, void *context);
void merkle_frontier_root(const merkle_frontier_t *frontier, uint8_t out[LEDGER_HASH_SIZE]);

/* ---------------------------------------------------------------------------
 * Tree heads and proofs, and their JSON forms (docs/ledger.md).
 * ------------------------------------------------------------------------ */
typedef struct {
    uint64_t tree_size;
    int64_t timestamp_ms;
    uint8_t root[LEDGER_HASH_SIZE];
    uint8_t signature[LEDGER_SIGNATURE_SIZE];  /* council's Ed25519 over ledger_head_message */
} ledger_tree_head_t;

#define LEDGER_HEAD_MESSAGE_SIZE 60
/* "truce-sth-v1" || tree_size (8 bytes, big-endian) || timestamp_ms (8, big-endian) || root. */
void ledger_head_message(const ledger_tree_head_t *head, uint8_t out[LEDGER_HEAD_MESSAGE_SIZE]);
void ledger_head_sign(ledger_tree_head_t *head, const ledger_secret_key_t *council);
bool ledger_head_verify(const ledger_tree_head_t *head, const uint8_t council_key[LEDGER_PUBLIC_KEY_SIZE]);
void ledger_head_to_json(const ledger_tree_head_t *head, buffer_t *out);
bool ledger_head_from_json(const jcs_value_t *json, ledger_tree_head_t *head, char *error, size_t error_size);

typedef struct {
    uint64_t leaf_index, tree_size;
    uint8_t leaf_hash[LEDGER_HASH_SIZE];
    uint8_t root[LEDGER_HASH_SIZE];
    size_t path_length;
    uint8_t path[LEDGER_MAX_PROOF][LEDGER_HASH_SIZE];
} ledger_inclusion_proof_t;

typedef struct {
    uint64_t old_size, new_size;
    uint8_t old_root[LEDGER_HASH_SIZE], new_root[LEDGER_HASH_SIZE];
    size_t path_length;
    uint8_t path[LEDGER_MAX_PROOF][LEDGER_HASH_SIZE];
} ledger_consistency_proof_t;

void ledger_inclusion_to_json(const ledger_inclusion_proof_t *proof, buffer_t *out);
bool ledger_inclusion_from_json(const jcs_value_t *json, ledger_inclusion_proof_t *proof,
                                char *error, size_t error_size);
void ledger_consistency_to_json(const ledger_consistency_proof_t *proof, buffer_t *out);
bool ledger_consistency_from_json(const jcs_value_t *json, ledger_consistency_proof_t *proof,
                                  char *error, size_t error_size);

/* ---------------------------------------------------------------------------
 * The log: one SQLite file (WAL, synchronous=FULL). Entries are canonical
 * JSON byte strings numbered 0, 1, 2...; (source, id) is unique. Leaf hashes
 * and every complete subtree hash are stored, so roots and proofs at any size
 * cost O(log^2 n) look-ups. One connection, one writer.
 * ------------------------------------------------------------------------ */
typedef struct ledger ledger_t;

typedef enum { LEDGER_READ_ONLY, LEDGER_READ_WRITE, LEDGER_CREATE } ledger_mode_t;

/* Opens (or with LEDGER_CREATE, creates) a log. NULL with the reason on failure. */
ledger_t *ledger_open(const char *path, ledger_mode_t mode, char *error, size_t error_size);
void ledger_close(ledger_t *ledger);          /* rolls back an open batch; NULL-safe */
uint64_t ledger_size(const ledger_t *ledger); /* entries, including an open batch's */
/* Rereads the size, for a reader beside another connection that appends. */
bool ledger_refresh(ledger_t *ledger, char *error, size_t error_size);

/* Group commit: appends between begin and commit land together or not at all. */
bool ledger_begin(ledger_t *ledger, char *error, size_t error_size);
bool ledger_commit(ledger_t *ledger, char *error, size_t error_size);
void ledger_rollback(ledger_t *ledger);

typedef enum { APPEND_STORED, APPEND_DUPLICATE, APPEND_FAILED } append_result_t;

/* Appends one entry (its canonical bytes, and the source and id it names)
 * inside an open batch. A (source, id) already in the log is not stored:
 * APPEND_DUPLICATE with the earlier entry's index, and *same_bytes telling
 * whether the bytes were identical. APPEND_FAILED (with the reason) is a
 * database failure: the batch must be rolled back. */
append_result_t ledger_append(ledger_t *ledger, text_t source, text_t id, const void *bytes, size_t len,
                              uint64_t *index, bool *same_bytes, char *error, size_t error_size);

/* Root of the first size entries (size <= ledger_size). */
bool ledger_root(ledger_t *ledger, uint64_t size, uint8_t out[LEDGER_HASH_SIZE], char *error, size_t error_size);
/* Signs a head at the current size with the council's key and stores it (not
 * inside a batch). */
bool ledger_sign_tree_head(ledger_t *ledger, const ledger_secret_key_t *council, ledger_tree_head_t *head,
                           char *error, size_t error_size);
/* The most recent stored head; *found false when there is none. */
bool ledger_latest_head(ledger_t *ledger, ledger_tree_head_t *head, bool *found, char *error, size_t error_size);

bool ledger_find(ledger_t *ledger, text_t source, text_t id, uint64_t *index, bool *found,
                 char *error, size_t error_size);
/* The bytes of entry index, appended to out. */
bool ledger_entry(ledger_t *ledger, uint64_t index, buffer_t *out, char *error, size_t error_size);

/* Calls on_entry for entries [start, end) in log order; stops early (still
 * returning true) when on_entry returns false. The bytes are borrowed for the
 * call. For `truce check`: iterate up to a tree head's size. */
typedef bool (*ledger_entry_fn)(void *context, uint64_t index, const char *bytes, size_t len);
bool ledger_foreach(ledger_t *ledger, uint64_t start, uint64_t end, ledger_entry_fn on_entry, void *context,
                    char *error, size_t error_size);

bool ledger_prove_inclusion(ledger_t *ledger, uint64_t index, uint64_t tree_size,
                            ledger_inclusion_proof_t *proof, char *error, size_t error_size);
bool ledger_prove_consistency(ledger_t *ledger, uint64_t old_size, uint64_t new_size,
                              ledger_consistency_proof_t *proof, char *error, size_t error_size);

/* Appends a council record, a signed entry citing a tree head, e.g. the
 * rulings derived from the log up to cited_size. fields_json is a JSON object
 * of the record's own members (e.g. {"rulings":[...]}); the ledger adds
 * "source" (the key's source: the caller checks that it is the agreement's
 * council), "id" (record_id), "kind", "time" (now), "cites"
 * ({"tree_size":N,"root_hash":"<hex>"}) and "sig", then appends it in its own
 * transaction. cited_size must be <= the log's size. */
bool ledger_append_record(ledger_t *ledger, const ledger_secret_key_t *council, const char *record_id,
                          const char *kind, const char *fields_json, uint64_t cited_size,
                          uint64_t *index, char *error, size_t error_size);
/* True when the parsed entry is a council record: from the council's source
 * (council; NULL: no council, so no records) and with "cites". */
bool ledger_is_record(const jcs_value_t *entry, const char *council);

/* ---------------------------------------------------------------------------
 * For the C2SP formats (src/tlog): runs of subtree hashes, settings, and the
 * council's signed checkpoints (a table of their own; older logs have none).
 * ------------------------------------------------------------------------ */
#define LEDGER_MAX_ENTRY 65535   /* bytes: a tile bundle's 16-bit length prefix */

/* Appends the stored hashes of subtrees [start, start + count) of 2^level
 * entries each (level 0: leaf hashes). False unless all are stored. */
bool ledger_hashes(ledger_t *ledger, unsigned level, uint64_t start, uint64_t count, buffer_t *out,
                   char *error, size_t error_size);
/* A setting of the meta table (e.g. "origin"), appended to out when *found. */
bool ledger_meta(ledger_t *ledger, const char *name, buffer_t *out, bool *found, char *error, size_t error_size);
bool ledger_set_meta(ledger_t *ledger, const char *name, const char *value, char *error, size_t error_size);
/* Stores a signed checkpoint note for tree_size (not inside a batch). */
bool ledger_store_checkpoint(ledger_t *ledger, uint64_t tree_size, const char *note, size_t len,
                             char *error, size_t error_size);
/* Calls fn for each stored checkpoint in signing order (or the latest only);
 * the note is borrowed for the call; return false to stop. */
typedef bool (*ledger_checkpoint_fn)(void *context, uint64_t seq, uint64_t tree_size, const void *note, size_t len);
bool ledger_foreach_checkpoint(ledger_t *ledger, bool latest_only, ledger_checkpoint_fn fn, void *context,
                               char *error, size_t error_size);
/* The latest stored checkpoint: its note appended to note, its size and
 * sequence number (each may be NULL); *found false when there is none. */
bool ledger_latest_checkpoint(ledger_t *ledger, buffer_t *note, uint64_t *tree_size, uint64_t *seq, bool *found,
                              char *error, size_t error_size);

/* ---------------------------------------------------------------------------
 * End-to-end verification of a log: SQLite integrity, every entry canonical,
 * valid (per the callback) and signed by its source's registered key, leaf and
 * subtree hashes matching the bytes, every head's root and council signature,
 * successive heads consistent, records citing true roots.
 * ------------------------------------------------------------------------ */
/* Validates an entry as a report (e.g. with report_parse); NULL to skip. */
typedef bool (*ledger_validate_fn)(void *context, const char *bytes, size_t len, char *error, size_t error_size);
/* Hears one problem ("entry 17: ...", "tree head 3 (size 100): ..."); return
 * false to stop verifying. */
typedef bool (*ledger_problem_fn)(void *context, const char *problem);

typedef struct {
    uint64_t entries, heads, records;
    uint64_t problems;
} ledger_verify_summary_t;

/* Returns false only when verification could not run (the reason in error);
 * the log's problems go to on_problem and summary->problems. */
bool ledger_verify(ledger_t *ledger, const ledger_registry_t *registry, ledger_validate_fn validate,
                   void *validate_context, ledger_problem_fn on_problem, void *problem_context,
                   ledger_verify_summary_t *summary, char *error, size_t error_size);

#endif
