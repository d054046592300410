/* note_fuzz: libFuzzer target for the C2SP parsers that read what other
 * parties send: signed notes, checkpoints, verifier keys and tlog-policy
 * files. Every input goes through all four; an accepted note is also
 * verified (against a fixed key) and re-checked for its invariants.
 * Build and run: fuzz/run.sh note SECONDS. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/tlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
    static bool ready;
    static tlog_verifier_t key;
    char error[LEDGER_ERROR_SIZE];
    if (!ready) {
        uint8_t public_key[LEDGER_PUBLIC_KEY_SIZE] = {1};
        if (!ledger_init() || !tlog_verifier_init(&key, "example.com/log", TLOG_KEY_ED25519, public_key, error, sizeof error))
            abort();
        ready = true;
    }
    char *copy = malloc(len ? len : 1);   /* exactly the bytes, so ASan sees any overread */
    if (len) memcpy(copy, data, len);
    tlog_note_t *note = malloc(sizeof *note);
    if (tlog_note_parse(copy, len, note, error, sizeof error)) {
        if (note->text.len == 0 || note->text.ptr[note->text.len - 1] != '\n' || note->signature_count == 0) abort();
        tlog_checkpoint_t cp;
        if (tlog_checkpoint_parse(note->text, &cp, error, sizeof error) && cp.origin[0] == '\0') abort();
        tlog_note_verify(note, &key, 1, NULL, NULL, error, sizeof error);
    } else if (!error[0]) {
        abort();   /* every refusal says why */
    }
    tlog_checkpoint_t cp;
    tlog_checkpoint_parse((text_t){copy, len}, &cp, error, sizeof error);
    tlog_verifier_t v;
    if (tlog_verifier_parse((text_t){copy, len}, &v, error, sizeof error) && v.id != tlog_key_id(v.name, v.type, v.key))
        abort();
    tlog_policy_free(tlog_policy_parse(copy, len, error, sizeof error));
    tlog_tile_t tile;
    char *path = malloc(len + 1);
    memcpy(path, data, len);
    path[len] = '\0';
    if (tlog_tile_parse(path, &tile) && (tile.width == 0 || tile.width > TLOG_TILE_WIDTH)) abort();
    free(path);
    free(note);
    free(copy);
    return 0;
}
