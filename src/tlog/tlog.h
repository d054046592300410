/* tlog: the open transparency-log formats (C2SP) that let any party check and
 * copy the record without trusting the server: signed notes and verifier keys,
 * checkpoints (the council's tree heads), Ed25519 cosignatures by witnesses,
 * and the static tiles read API. Formats: docs/ledger.md. Never prints or exits. */
#ifndef TRUCE_TLOG_H
#define TRUCE_TLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/base.h"
#include "ledger/ledger.h"

#define TLOG_MAX_NOTE 65536          /* bytes in a note we accept (checkpoints are ~200) */
#define TLOG_MAX_SIGNATURES 32       /* the spec asks for at least 16 */
#define TLOG_MAX_NAME 256            /* key names and origins */
#define TLOG_KEY_ED25519 0x01        /* signature type: Ed25519 over the note text */
#define TLOG_KEY_COSIGNATURE 0x04    /* signature type: timestamped Ed25519 cosignature */
#define TLOG_TILE_WIDTH 256          /* hashes or entries in a full tile */
#define TLOG_MAX_ENTRY 65535         /* an entry bundle's 16-bit length prefix */

/* ---------------------------------------------------------------------------
 * Verifier keys and signed notes (c2sp.org/signed-note).
 * ------------------------------------------------------------------------ */
typedef struct {
    char name[TLOG_MAX_NAME];
    uint8_t type;                              /* TLOG_KEY_ED25519 or TLOG_KEY_COSIGNATURE */
    uint32_t id;                               /* SHA-256(name || "\n" || type || key)[:4] */
    uint8_t key[LEDGER_PUBLIC_KEY_SIZE];
} tlog_verifier_t;

/* The key ID of (name, type, key). */
uint32_t tlog_key_id(const char *name, uint8_t type, const uint8_t key[LEDGER_PUBLIC_KEY_SIZE]);
/* Fills a verifier; false when the name is empty, too long, or has spaces or '+'. */
bool tlog_verifier_init(tlog_verifier_t *verifier, const char *name, uint8_t type,
                        const uint8_t key[LEDGER_PUBLIC_KEY_SIZE], char *error, size_t error_size);
/* Parses "<name>+<hex key ID>+<base64(type || key)>"; Ed25519 and cosignature keys only. */
bool tlog_verifier_parse(text_t vkey, tlog_verifier_t *verifier, char *error, size_t error_size);
/* Appends the vkey form (no newline). */
void tlog_verifier_format(const tlog_verifier_t *verifier, buffer_t *out);

typedef struct {
    text_t name;          /* borrowed from the note's bytes */
    text_t base64;        /* the signature as written */
    uint32_t id;
} tlog_signature_t;

typedef struct {
    text_t text;          /* the signed text, final newline included; borrowed */
    size_t signature_count;
    tlog_signature_t signatures[TLOG_MAX_SIGNATURES];
} tlog_note_t;

/* Splits a signed note into its text and signature lines, checking the
 * format (UTF-8, no control characters but newline, the blank line, '— name
 * base64' lines, the size limits). Borrows input until the note is dropped. */
bool tlog_note_parse(const char *input, size_t len, tlog_note_t *note, char *error, size_t error_size);

/* Verifies the note's signatures by the known verifiers, ignoring unknown
 * ones. verified[i] (may be NULL) is set when verifiers[i] signed. False, with
 * the reason, when a known key's signature fails or none verifies. A
 * cosignature's timestamp goes to timestamps[i] (may be NULL). */
bool tlog_note_verify(const tlog_note_t *note, const tlog_verifier_t *verifiers, size_t count,
                      bool *verified, uint64_t *timestamps, char *error, size_t error_size);

/* Appends a signature line "— name base64(id || sig)\n" for text, signed with
 * key's Ed25519 secret under the given name and type (for a cosignature, the
 * timestamp in seconds is signed with the text as tlog-cosignature says). */
void tlog_sign_line(const char *text, size_t len, const ledger_secret_key_t *key, const char *name,
                    uint8_t type, uint64_t timestamp, buffer_t *out);

/* ---------------------------------------------------------------------------
 * Checkpoints (c2sp.org/tlog-checkpoint): "origin\nsize\nbase64(root)\n".
 * ------------------------------------------------------------------------ */
typedef struct {
    char origin[TLOG_MAX_NAME];
    uint64_t size;
    uint8_t root[LEDGER_HASH_SIZE];
} tlog_checkpoint_t;

/* Parses a checkpoint's note text (extension lines are allowed and ignored). */
bool tlog_checkpoint_parse(text_t text, tlog_checkpoint_t *checkpoint, char *error, size_t error_size);
void tlog_checkpoint_text(const tlog_checkpoint_t *checkpoint, buffer_t *out);
/* Parses a signed checkpoint and verifies the log's signature (the log key's
 * name must be the origin); cosigners as in tlog_note_verify (may be NULL, 0). */
bool tlog_checkpoint_open(const char *input, size_t len, const tlog_verifier_t *log_key,
                          const tlog_verifier_t *cosigners, size_t cosigner_count, bool *cosigned,
                          tlog_checkpoint_t *checkpoint, char *error, size_t error_size);

/* The council's checkpoint verifier for an origin and council public key. */
bool tlog_council_verifier(const char *origin, const uint8_t key[LEDGER_PUBLIC_KEY_SIZE], tlog_verifier_t *out,
                           char *error, size_t error_size);
/* The default origin of an agreement's log: "truce/<agreement name>". */
void tlog_default_origin(const char *agreement_name, char out[TLOG_MAX_NAME]);

/* Signs and stores a checkpoint for the log's latest signed tree head (same
 * size and root). The origin is recorded in the log on first use and never
 * changes: origin (may be NULL) must match it; fallback (may be NULL) is used
 * when the log has none yet and no origin is given. The signed note goes to
 * out (may be NULL). */
bool tlog_checkpoint_sign(ledger_t *ledger, const ledger_secret_key_t *council, const char *origin,
                          const char *fallback, buffer_t *out, char *error, size_t error_size);
/* The log's recorded origin, appended to out when *found. */
bool tlog_log_origin(ledger_t *ledger, buffer_t *out, bool *found, char *error, size_t error_size);

/* ---------------------------------------------------------------------------
 * Trust policies (c2sp.org/tlog-policy): the logs, the witnesses (with their
 * submission URLs) and the quorum of cosignatures a checkpoint needs.
 * ------------------------------------------------------------------------ */
#define TLOG_POLICY_MAX 32   /* logs, witnesses, groups: the spec's recommended minimum */

typedef struct tlog_policy tlog_policy_t;
/* Parses a policy file; NULL with "line N: reason" on error. Caller frees. */
tlog_policy_t *tlog_policy_parse(const char *text, size_t len, char *error, size_t error_size);
void tlog_policy_free(tlog_policy_t *policy);   /* NULL-safe */
size_t tlog_policy_witnesses(const tlog_policy_t *policy, const tlog_verifier_t **keys);
const char *tlog_policy_witness_url(const tlog_policy_t *policy, size_t index);   /* NULL when none */
size_t tlog_policy_logs(const tlog_policy_t *policy, const tlog_verifier_t **keys);
/* Opens a checkpoint signed by log_key and checks that the policy's quorum of
 * witnesses cosigned it. False with the reason (naming who cosigned) if not. */
bool tlog_policy_check(const tlog_policy_t *policy, const tlog_verifier_t *log_key, const char *note, size_t len,
                       tlog_checkpoint_t *checkpoint, char *error, size_t error_size);

/* ---------------------------------------------------------------------------
 * Receipts (c2sp.org/tlog-proof): "c2sp.org/tlog-proof@v1", an optional
 * "extra" line, "index N", the inclusion proof (base64 lines), an empty line,
 * the checkpoint with its signatures.
 * ------------------------------------------------------------------------ */
typedef struct {
    uint64_t index;
    text_t extra;                          /* base64 as written; empty when absent */
    size_t path_length;
    uint8_t path[LEDGER_MAX_PROOF][LEDGER_HASH_SIZE];
    const char *checkpoint;                /* borrowed from the text */
    size_t checkpoint_len;
} tlog_receipt_t;

/* Appends the receipt of entry index against the checkpoint note (its size
 * and root must be the log's). */
bool tlog_receipt_make(ledger_t *ledger, uint64_t index, const char *note, size_t note_len, buffer_t *out,
                       char *error, size_t error_size);
bool tlog_receipt_parse(const char *text, size_t len, tlog_receipt_t *receipt, char *error, size_t error_size);
/* Checks the checkpoint (signed by log_key; the policy's quorum when policy
 * is not NULL) and that leaf is entry receipt->index of its tree. */
bool tlog_receipt_verify(const tlog_receipt_t *receipt, const uint8_t leaf[LEDGER_HASH_SIZE],
                         const tlog_verifier_t *log_key, const tlog_policy_t *policy, tlog_checkpoint_t *checkpoint,
                         char *error, size_t error_size);

/* ---------------------------------------------------------------------------
 * Tiles (c2sp.org/tlog-tiles): tile/<L>/<N>[.p/<W>] holds the hashes of
 * subtrees of 256^L entries; tile/entries/<N>[.p/<W>] the entries themselves,
 * each prefixed by its length (16 bits, big-endian).
 * ------------------------------------------------------------------------ */
#define TLOG_ENTRIES_LEVEL (-1)

typedef struct {
    int level;            /* 0..63, or TLOG_ENTRIES_LEVEL for an entry bundle */
    uint64_t index;
    unsigned width;       /* 1..256; 256 is a full tile (no .p/ suffix) */
} tlog_tile_t;

/* Parses the part after "tile/": "0/x001/234", "entries/000.p/7". */
bool tlog_tile_parse(const char *path, tlog_tile_t *tile);
/* Appends "tile/<L>/<N>[.p/<W>]". */
void tlog_tile_path(const tlog_tile_t *tile, buffer_t *out);
/* True when the tile exists in a tree of size tree_size. */
bool tlog_tile_within(const tlog_tile_t *tile, uint64_t tree_size);
/* The tiles of a tree of size tree_size, in the order a writer publishes them
 * (level by level, left to right): calls fn for each; from_size > 0 skips the
 * full tiles that already existed at that size. */
typedef bool (*tlog_tile_fn)(void *context, const tlog_tile_t *tile);
bool tlog_tiles_of(uint64_t from_size, uint64_t tree_size, tlog_tile_fn fn, void *context);

/* Appends a tile's bytes, read from the log. False with the reason when the
 * tile is not within the log's size or the log is damaged. */
bool tlog_tile_read(ledger_t *ledger, const tlog_tile_t *tile, buffer_t *out, char *error, size_t error_size);
/* Splits an entry bundle; fn hears each entry. False when the bundle is malformed. */
typedef bool (*tlog_bundle_fn)(void *context, uint64_t index, const uint8_t *entry, size_t len);
bool tlog_bundle_split(const uint8_t *bundle, size_t len, unsigned expected, tlog_bundle_fn fn, void *context,
                       char *error, size_t error_size);

/* The root of a tree of size tree_size from a fetcher of its tiles (used to
 * check a copy of the tiles against a checkpoint). */
typedef bool (*tlog_tile_fetch_fn)(void *context, const tlog_tile_t *tile, buffer_t *out,
                                   char *error, size_t error_size);
bool tlog_tiles_root(uint64_t tree_size, tlog_tile_fetch_fn fetch, void *context, uint8_t root[LEDGER_HASH_SIZE],
                     char *error, size_t error_size);

typedef struct {
    uint64_t tiles_written, tiles_kept, bytes_written, tree_size;
} tlog_export_stats_t;

/* Writes the log's latest checkpoint and every tile it needs under dir as
 * static files, incrementally: full tiles already there are kept, files are
 * written to a temporary name and renamed, and the checkpoint comes last. */
bool tlog_export(ledger_t *ledger, const char *dir, tlog_export_stats_t *stats, char *error, size_t error_size);

#endif
