/* tlog: checkpoints (c2sp.org/tlog-checkpoint) — the council's tree heads in
 * the open format every transparency tool reads: origin, size, base64 root,
 * signed as a note by the council's Ed25519 key under the origin's name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/tlog.h"

static bool next_line(text_t *rest, text_t *line) {
    if (rest->len == 0) return false;
    const char *nl = memchr(rest->ptr, '\n', rest->len);
    if (!nl) return false;
    *line = (text_t){rest->ptr, (size_t)(nl - rest->ptr)};
    rest->len -= line->len + 1;
    rest->ptr = nl + 1;
    return true;
}

bool tlog_checkpoint_parse(text_t text, tlog_checkpoint_t *checkpoint, char *error, size_t error_size) {
    memset(checkpoint, 0, sizeof *checkpoint);
    text_t rest = text, origin, size, root, extension;
    if (!next_line(&rest, &origin) || !next_line(&rest, &size) || !next_line(&rest, &root)) {
        snprintf(error, error_size, "a checkpoint has at least three lines: origin, tree size, root hash");
        return false;
    }
    if (origin.len == 0 || origin.len >= TLOG_MAX_NAME) {
        snprintf(error, error_size, "line 1: the origin must be 1 to %d bytes", TLOG_MAX_NAME - 1);
        return false;
    }
    bool digits = size.len > 0 && size.len <= 20 && !(size.len > 1 && size.ptr[0] == '0');
    uint64_t n = 0;
    for (size_t i = 0; digits && i < size.len; i++) {
        unsigned d = (unsigned)(size.ptr[i] - '0');
        if (d > 9 || n > (UINT64_MAX - d) / 10) digits = false;
        else n = n * 10 + d;
    }
    if (!digits) {
        snprintf(error, error_size, "line 2: the tree size must be a decimal number without leading zeros");
        return false;
    }
    if (!ledger_base64_decode(root, checkpoint->root, LEDGER_HASH_SIZE)) {
        snprintf(error, error_size, "line 3: the root hash must be base64 of 32 bytes");
        return false;
    }
    for (int line = 4; next_line(&rest, &extension); line++)
        if (extension.len == 0) {
            snprintf(error, error_size, "line %d: extension lines must not be empty", line);
            return false;
        }
    if (rest.len) {
        snprintf(error, error_size, "the checkpoint text must end with a newline");
        return false;
    }
    memcpy(checkpoint->origin, origin.ptr, origin.len);
    checkpoint->size = n;
    return true;
}

void tlog_checkpoint_text(const tlog_checkpoint_t *checkpoint, buffer_t *out) {
    buffer_printf(out, "%s\n%llu\n", checkpoint->origin, (unsigned long long)checkpoint->size);
    ledger_base64_append(checkpoint->root, LEDGER_HASH_SIZE, out);
    buffer_puts(out, "\n");
}

bool tlog_checkpoint_open(const char *input, size_t len, const tlog_verifier_t *log_key,
                          const tlog_verifier_t *cosigners, size_t cosigner_count, bool *cosigned,
                          tlog_checkpoint_t *checkpoint, char *error, size_t error_size) {
    tlog_note_t *note = xmalloc(sizeof *note);
    char reason[LEDGER_ERROR_SIZE];
    bool ok = tlog_note_parse(input, len, note, reason, sizeof reason)
           && tlog_checkpoint_parse(note->text, checkpoint, reason, sizeof reason);
    if (ok && strcmp(checkpoint->origin, log_key->name) != 0) {
        snprintf(reason, sizeof reason, "origin '%.100s' is not the log's ('%.100s')", checkpoint->origin, log_key->name);
        ok = false;
    }
    if (ok) ok = tlog_note_verify(note, log_key, 1, NULL, NULL, reason, sizeof reason);
    if (ok && cosigner_count) {
        /* A failing cosignature is a broken note; missing ones are the policy's business. */
        char ignored[LEDGER_ERROR_SIZE];
        if (!tlog_note_verify(note, cosigners, cosigner_count, cosigned, NULL, ignored, sizeof ignored)
            && strncmp(ignored, "no signature", 12) != 0) {
            snprintf(reason, sizeof reason, "%s", ignored);
            ok = false;
        }
    }
    if (!ok) snprintf(error, error_size, "%s", reason);
    free(note);
    return ok;
}

bool tlog_council_verifier(const char *origin, const uint8_t key[LEDGER_PUBLIC_KEY_SIZE], tlog_verifier_t *out,
                           char *error, size_t error_size) {
    return tlog_verifier_init(out, origin, TLOG_KEY_ED25519, key, error, error_size);
}

void tlog_default_origin(const char *agreement_name, char out[TLOG_MAX_NAME]) {
    snprintf(out, TLOG_MAX_NAME, "truce/%s", agreement_name && *agreement_name ? agreement_name : "log");
    for (char *p = out; *p; p++)
        if (*p == ' ' || *p == '+' || (unsigned char)*p < ' ') *p = '-';
}

/* The origin recorded in the log; records `origin` (or else `fallback`) on
 * first use, refuses a change. */
static bool log_origin(ledger_t *ledger, const char *origin, const char *fallback, char out[TLOG_MAX_NAME],
                       char *error, size_t error_size) {
    buffer_t stored = {0};
    bool found, ok = ledger_meta(ledger, "origin", &stored, &found, error, error_size);
    const char *chosen = origin ? origin : fallback;
    if (ok && found) {
        snprintf(out, TLOG_MAX_NAME, "%.*s", (int)stored.len, stored.data);
        if (origin && strcmp(origin, out) != 0) {
            snprintf(error, error_size, "the log's origin is '%.100s'; it cannot become '%.100s'", out, origin);
            ok = false;
        }
    } else if (ok && !chosen) {
        snprintf(error, error_size, "the log has no origin yet: give one (--origin, or --agreement for the default)");
        ok = false;
    } else if (ok) {
        snprintf(out, TLOG_MAX_NAME, "%s", chosen);
        tlog_verifier_t check;
        uint8_t zero[LEDGER_PUBLIC_KEY_SIZE] = {0};
        ok = tlog_verifier_init(&check, chosen, TLOG_KEY_ED25519, zero, error, error_size)
          && ledger_set_meta(ledger, "origin", chosen, error, error_size);
    }
    buffer_free(&stored);
    return ok;
}

bool tlog_checkpoint_sign(ledger_t *ledger, const ledger_secret_key_t *council, const char *origin,
                          const char *fallback, buffer_t *out, char *error, size_t error_size) {
    ledger_tree_head_t head;
    bool found;
    tlog_checkpoint_t checkpoint = {0};
    if (!log_origin(ledger, origin, fallback, checkpoint.origin, error, error_size)
        || !ledger_latest_head(ledger, &head, &found, error, error_size))
        return false;
    if (!found) {
        snprintf(error, error_size, "no signed tree head to make a checkpoint of");
        return false;
    }
    checkpoint.size = head.tree_size;
    memcpy(checkpoint.root, head.root, LEDGER_HASH_SIZE);
    buffer_t note = {0};
    tlog_checkpoint_text(&checkpoint, &note);
    size_t text_len = note.len;
    buffer_puts(&note, "\n");
    tlog_sign_line(note.data, text_len, council, checkpoint.origin, TLOG_KEY_ED25519, 0, &note);
    bool ok = ledger_store_checkpoint(ledger, checkpoint.size, note.data, note.len, error, error_size);
    if (ok && out) buffer_append(out, note.data, note.len);
    buffer_free(&note);
    return ok;
}

bool tlog_log_origin(ledger_t *ledger, buffer_t *out, bool *found, char *error, size_t error_size) {
    return ledger_meta(ledger, "origin", out, found, error, error_size);
}
