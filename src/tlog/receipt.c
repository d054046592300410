/* tlog: receipts (c2sp.org/tlog-proof) — what a monitor keeps for a report:
 * its index, the inclusion proof, and the (cosigned) checkpoint, checkable
 * offline with only the council's key and the witnesses' keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/tlog.h"

#define RECEIPT_HEADER "c2sp.org/tlog-proof@v1"

bool tlog_receipt_make(ledger_t *ledger, uint64_t index, const char *note, size_t note_len, buffer_t *out,
                       char *error, size_t error_size) {
    tlog_note_t *parsed = xmalloc(sizeof *parsed);
    ledger_inclusion_proof_t *proof = xmalloc(sizeof *proof);
    tlog_checkpoint_t cp;
    bool ok = tlog_note_parse(note, note_len, parsed, error, error_size)
           && tlog_checkpoint_parse(parsed->text, &cp, error, error_size)
           && ledger_prove_inclusion(ledger, index, cp.size, proof, error, error_size);
    if (ok && memcmp(proof->root, cp.root, LEDGER_HASH_SIZE) != 0) {
        snprintf(error, error_size, "the log's root at size %llu is not the checkpoint's (run truce verify)",
                 (unsigned long long)cp.size);
        ok = false;
    }
    if (ok) {
        buffer_printf(out, RECEIPT_HEADER "\nindex %llu\n", (unsigned long long)index);
        for (size_t i = 0; i < proof->path_length; i++) {
            ledger_base64_append(proof->path[i], LEDGER_HASH_SIZE, out);
            buffer_puts(out, "\n");
        }
        buffer_puts(out, "\n");
        buffer_append(out, note, note_len);
    }
    free(proof);
    free(parsed);
    return ok;
}

/* The next newline-terminated line; counts lines for messages. */
static bool next_line(const char **p, const char *end, text_t *line, int *number) {
    const char *nl = *p < end ? memchr(*p, '\n', (size_t)(end - *p)) : NULL;
    ++*number;
    if (!nl) return false;
    *line = (text_t){*p, (size_t)(nl - *p)};
    *p = nl + 1;
    return true;
}

bool tlog_receipt_parse(const char *text, size_t len, tlog_receipt_t *receipt, char *error, size_t error_size) {
    memset(receipt, 0, sizeof *receipt);
    const char *p = text, *end = text + len;
    int number = 0;
    text_t line;
    if (!next_line(&p, end, &line, &number) || !text_equals_cstr(line, RECEIPT_HEADER)) {
        snprintf(error, error_size, "line 1: expected '" RECEIPT_HEADER "'");
        return false;
    }
    if (!next_line(&p, end, &line, &number)) { snprintf(error, error_size, "line 2: expected 'index N'"); return false; }
    if (line.len > 6 && !memcmp(line.ptr, "extra ", 6)) {
        receipt->extra = (text_t){line.ptr + 6, line.len - 6};
        if (!next_line(&p, end, &line, &number)) { snprintf(error, error_size, "line %d: expected 'index N'", number); return false; }
    }
    bool digits = line.len > 6 && line.len <= 26 && !memcmp(line.ptr, "index ", 6) && !(line.len > 7 && line.ptr[6] == '0');
    for (size_t i = 6; digits && i < line.len; i++) {
        unsigned d = (unsigned)(line.ptr[i] - '0');
        digits = d <= 9 && receipt->index <= (UINT64_MAX - d) / 10;
        if (digits) receipt->index = receipt->index * 10 + d;
    }
    if (!digits) { snprintf(error, error_size, "line %d: expected 'index N' (decimal, no leading zeros)", number); return false; }
    for (;;) {
        if (!next_line(&p, end, &line, &number)) { snprintf(error, error_size, "no empty line before the checkpoint"); return false; }
        if (line.len == 0) break;
        if (receipt->path_length == LEDGER_MAX_PROOF
            || !ledger_base64_decode(line, receipt->path[receipt->path_length], LEDGER_HASH_SIZE)) {
            snprintf(error, error_size, "line %d: %s", number, receipt->path_length == LEDGER_MAX_PROOF
                     ? "too many proof lines" : "a proof line is base64 of a 32-byte hash");
            return false;
        }
        receipt->path_length++;
    }
    receipt->checkpoint = p;
    receipt->checkpoint_len = (size_t)(end - p);
    return true;
}

bool tlog_receipt_verify(const tlog_receipt_t *receipt, const uint8_t leaf[LEDGER_HASH_SIZE],
                         const tlog_verifier_t *log_key, const tlog_policy_t *policy, tlog_checkpoint_t *checkpoint,
                         char *error, size_t error_size) {
    char reason[LEDGER_ERROR_SIZE];
    bool ok = policy ? tlog_policy_check(policy, log_key, receipt->checkpoint, receipt->checkpoint_len, checkpoint,
                                         reason, sizeof reason)
                     : tlog_checkpoint_open(receipt->checkpoint, receipt->checkpoint_len, log_key, NULL, 0, NULL,
                                            checkpoint, reason, sizeof reason);
    if (!ok) { snprintf(error, error_size, "the checkpoint: %s", reason); return false; }
    if (!merkle_verify_inclusion(receipt->index, checkpoint->size, leaf,
                                 (const uint8_t(*)[LEDGER_HASH_SIZE])receipt->path, receipt->path_length,
                                 checkpoint->root, reason, sizeof reason)) {
        snprintf(error, error_size, "the inclusion proof: %s", reason);
        return false;
    }
    return true;
}
