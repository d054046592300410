/* tlog: signed notes and verifier keys (c2sp.org/signed-note) — the envelope
 * of checkpoints and cosignatures. Parsing is strict (the spec's line shapes,
 * UTF-8, no control characters) because notes come from other parties. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "tlog/tlog.h"

static const char EM_DASH[] = "\xe2\x80\x94";   /* U+2014, before each signature line */
#define MAX_SIGNATURE_BYTES 4096                /* decoded; ML-DSA lines (~2.4 KB) still parse */

uint32_t tlog_key_id(const char *name, uint8_t type, const uint8_t key[LEDGER_PUBLIC_KEY_SIZE]) {
    crypto_hash_sha256_state state;
    uint8_t digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&state);
    crypto_hash_sha256_update(&state, (const uint8_t *)name, strlen(name));
    crypto_hash_sha256_update(&state, (const uint8_t *)"\n", 1);
    crypto_hash_sha256_update(&state, &type, 1);
    crypto_hash_sha256_update(&state, key, LEDGER_PUBLIC_KEY_SIZE);
    crypto_hash_sha256_final(&state, digest);
    return (uint32_t)digest[0] << 24 | (uint32_t)digest[1] << 16 | (uint32_t)digest[2] << 8 | digest[3];
}

/* Key names: non-empty, no spaces, no '+' (the vkey separator), no controls. */
static bool valid_name(text_t name) {
    if (name.len == 0 || name.len >= TLOG_MAX_NAME) return false;
    for (size_t i = 0; i < name.len; i++) {
        unsigned char c = (unsigned char)name.ptr[i];
        if (c <= ' ' || c == '+' || c == 0x7f) return false;
        /* Unicode spaces that appear in UTF-8 as U+00A0, U+2000-U+200A, U+2028/9, U+202F, U+205F, U+3000. */
        if (c == 0xc2 && i + 1 < name.len && (unsigned char)name.ptr[i + 1] == 0xa0) return false;
        if (c == 0xe2 && i + 2 < name.len) {
            unsigned char d = (unsigned char)name.ptr[i + 1], e = (unsigned char)name.ptr[i + 2];
            if ((d == 0x80 && (e <= 0x8a || e == 0xa8 || e == 0xa9 || e == 0xaf)) || (d == 0x81 && e == 0x9f))
                return false;
        }
        if (c == 0xe3 && i + 2 < name.len && (unsigned char)name.ptr[i + 1] == 0x80
            && (unsigned char)name.ptr[i + 2] == 0x80)
            return false;
    }
    return true;
}

bool tlog_verifier_init(tlog_verifier_t *verifier, const char *name, uint8_t type,
                        const uint8_t key[LEDGER_PUBLIC_KEY_SIZE], char *error, size_t error_size) {
    if (!valid_name(text_of(name))) {
        snprintf(error, error_size, "key name '%.100s' must be non-empty, without spaces or '+'", name);
        return false;
    }
    memset(verifier, 0, sizeof *verifier);
    snprintf(verifier->name, sizeof verifier->name, "%s", name);
    verifier->type = type;
    memcpy(verifier->key, key, LEDGER_PUBLIC_KEY_SIZE);
    verifier->id = tlog_key_id(name, type, key);
    return true;
}

/* Decodes standard padded base64 of any length up to out_size; false unless canonical. */
static bool base64_decode(text_t text, uint8_t *out, size_t out_size, size_t *decoded) {
    const char *end = NULL;
    if (text.len == 0 || text.len % 4) return false;
    if (sodium_base642bin(out, out_size, text.ptr, text.len, NULL, decoded, &end, sodium_base64_VARIANT_ORIGINAL)
        != 0 || end != text.ptr + text.len)
        return false;
    /* Reject non-canonical padding bits: re-encoding must give the same text. */
    char again[MAX_SIGNATURE_BYTES * 2];
    if (sodium_base64_ENCODED_LEN(*decoded, sodium_base64_VARIANT_ORIGINAL) > sizeof again) return false;
    sodium_bin2base64(again, sizeof again, out, *decoded, sodium_base64_VARIANT_ORIGINAL);
    return strlen(again) == text.len && memcmp(again, text.ptr, text.len) == 0;
}

bool tlog_verifier_parse(text_t vkey, tlog_verifier_t *verifier, char *error, size_t error_size) {
    const char *first = memchr(vkey.ptr, '+', vkey.len);
    const char *second = first ? memchr(first + 1, '+', vkey.len - (size_t)(first + 1 - vkey.ptr)) : NULL;
    if (!second) {
        snprintf(error, error_size, "a verifier key is <name>+<hex key ID>+<base64 key>");
        return false;
    }
    text_t name = {vkey.ptr, (size_t)(first - vkey.ptr)};
    text_t hex = {first + 1, (size_t)(second - first - 1)};
    text_t key = {second + 1, vkey.len - (size_t)(second + 1 - vkey.ptr)};
    uint8_t id_bytes[4], material[MAX_SIGNATURE_BYTES];
    size_t decoded = 0;
    if (!valid_name(name)) {
        snprintf(error, error_size, "verifier key: bad key name (empty, spaces or too long)");
        return false;
    }
    if (!ledger_hex_decode(hex, id_bytes, 4)) {
        snprintf(error, error_size, "verifier key: the key ID must be 8 lower-case hex digits");
        return false;
    }
    if (!base64_decode(key, material, sizeof material, &decoded) || decoded < 1) {
        snprintf(error, error_size, "verifier key: the key is not base64");
        return false;
    }
    if ((material[0] != TLOG_KEY_ED25519 && material[0] != TLOG_KEY_COSIGNATURE)
        || decoded != 1 + LEDGER_PUBLIC_KEY_SIZE) {
        snprintf(error, error_size, "verifier key: unsupported key type 0x%02x or length %zu (Ed25519 0x01 and "
                 "cosignature 0x04 keys of 32 bytes only)", material[0], decoded - 1);
        return false;
    }
    char name_z[TLOG_MAX_NAME];
    snprintf(name_z, sizeof name_z, "%.*s", (int)name.len, name.ptr);
    if (!tlog_verifier_init(verifier, name_z, material[0], material + 1, error, error_size)) return false;
    uint32_t id = (uint32_t)id_bytes[0] << 24 | (uint32_t)id_bytes[1] << 16 | (uint32_t)id_bytes[2] << 8 | id_bytes[3];
    if (id != verifier->id) {
        snprintf(error, error_size, "verifier key: key ID %08x does not match the name and key (expected %08x)", id,
                 verifier->id);
        return false;
    }
    return true;
}

void tlog_verifier_format(const tlog_verifier_t *verifier, buffer_t *out) {
    uint8_t material[1 + LEDGER_PUBLIC_KEY_SIZE];
    material[0] = verifier->type;
    memcpy(material + 1, verifier->key, LEDGER_PUBLIC_KEY_SIZE);
    buffer_printf(out, "%s+%08x+", verifier->name, verifier->id);
    ledger_base64_append(material, sizeof material, out);
}

/* Checks UTF-8 well-formedness and that the only control character is '\n'. */
static bool valid_text(const char *s, size_t len, size_t *bad) {
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (n == 0 || i + n > len || (c < 0x20 && c != '\n') || c == 0x7f || (n == 2 && c < 0xc2)) { *bad = i; return false; }
        for (size_t k = 1; k < n; k++)
            if (((unsigned char)s[i + k] & 0xc0) != 0x80) { *bad = i; return false; }
        if (n == 3) {
            unsigned cp = (c & 0x0fu) << 12 | ((unsigned char)s[i + 1] & 0x3fu) << 6 | ((unsigned char)s[i + 2] & 0x3fu);
            if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) { *bad = i; return false; }
        }
        if (n == 4) {
            unsigned cp = (c & 0x07u) << 18 | ((unsigned char)s[i + 1] & 0x3fu) << 12;
            if (cp < 0x10000 || cp > 0x10ffff) { *bad = i; return false; }
        }
        i += n;
    }
    return true;
}

static bool parse_signature_line(text_t line, tlog_signature_t *signature, size_t number, char *error,
                                 size_t error_size) {
    size_t dash = sizeof EM_DASH - 1;
    if (line.len < dash + 1 || memcmp(line.ptr, EM_DASH, dash) != 0 || line.ptr[dash] != ' ') {
        snprintf(error, error_size, "signature line %zu: must begin with an em dash and a space", number);
        return false;
    }
    const char *name = line.ptr + dash + 1, *end = line.ptr + line.len;
    const char *space = memchr(name, ' ', (size_t)(end - name));
    if (!space) {
        snprintf(error, error_size, "signature line %zu: expected '— <key name> <base64 signature>'", number);
        return false;
    }
    signature->name = (text_t){name, (size_t)(space - name)};
    signature->base64 = (text_t){space + 1, (size_t)(end - space - 1)};
    uint8_t bytes[MAX_SIGNATURE_BYTES];
    size_t decoded = 0;
    if (!valid_name(signature->name)) {
        snprintf(error, error_size, "signature line %zu: bad key name", number);
        return false;
    }
    if (!base64_decode(signature->base64, bytes, sizeof bytes, &decoded) || decoded < 5) {
        snprintf(error, error_size, "signature line %zu: the signature is not base64 of a key ID and a signature",
                 number);
        return false;
    }
    signature->id = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
    return true;
}

bool tlog_note_parse(const char *input, size_t len, tlog_note_t *note, char *error, size_t error_size) {
    memset(note, 0, sizeof *note);
    size_t bad;
    if (len > TLOG_MAX_NOTE) {
        snprintf(error, error_size, "note too large: %zu bytes (at most %d)", len, TLOG_MAX_NOTE);
        return false;
    }
    if (!valid_text(input, len, &bad)) {
        snprintf(error, error_size, "byte %zu: not UTF-8 text without control characters", bad);
        return false;
    }
    if (len == 0 || input[len - 1] != '\n') {
        snprintf(error, error_size, "a note ends with a newline");
        return false;
    }
    /* The text ends at the last blank line ("\n\n"); signatures follow it. */
    size_t split = 0;
    bool found = false;
    for (size_t i = len - 1; i > 0; i--)
        if (input[i] == '\n' && input[i - 1] == '\n') { split = i; found = true; break; }
    if (!found || split < 1) {
        snprintf(error, error_size, "no blank line between the text and the signatures");
        return false;
    }
    note->text = (text_t){input, split};
    const char *p = input + split + 1, *end = input + len;
    if (p == end) {
        snprintf(error, error_size, "no signature lines after the blank line");
        return false;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (note->signature_count == TLOG_MAX_SIGNATURES) {
            snprintf(error, error_size, "more than %d signatures", TLOG_MAX_SIGNATURES);
            return false;
        }
        if (!parse_signature_line((text_t){p, (size_t)(nl - p)}, &note->signatures[note->signature_count],
                                  note->signature_count + 1, error, error_size))
            return false;
        note->signature_count++;
        p = nl + 1;
    }
    return true;
}

/* The message a cosignature signs: "cosignature/v1\ntime T\n" || text. */
static void cosigned_message(text_t text, uint64_t timestamp, buffer_t *out) {
    buffer_printf(out, "cosignature/v1\ntime %llu\n", (unsigned long long)timestamp);
    buffer_append(out, text.ptr, text.len);
}

bool tlog_note_verify(const tlog_note_t *note, const tlog_verifier_t *verifiers, size_t count,
                      bool *verified, uint64_t *timestamps, char *error, size_t error_size) {
    size_t good = 0;
    if (verified) memset(verified, 0, count * sizeof *verified);
    for (size_t s = 0; s < note->signature_count; s++) {
        const tlog_signature_t *sig = &note->signatures[s];
        for (size_t v = 0; v < count; v++) {
            const tlog_verifier_t *key = &verifiers[v];
            if (sig->id != key->id || !text_equals_cstr(sig->name, key->name)) continue;
            uint8_t bytes[MAX_SIGNATURE_BYTES];
            size_t decoded = 0;
            base64_decode(sig->base64, bytes, sizeof bytes, &decoded);
            bool ok;
            uint64_t timestamp = 0;
            if (key->type == TLOG_KEY_ED25519) {
                ok = decoded == 4 + LEDGER_SIGNATURE_SIZE
                  && ledger_signature_verifies(note->text.ptr, note->text.len, bytes + 4, key->key);
            } else {
                for (int i = 0; i < 8 && decoded == 4 + 8 + LEDGER_SIGNATURE_SIZE; i++)
                    timestamp = timestamp << 8 | bytes[4 + i];
                buffer_t message = {0};
                cosigned_message(note->text, timestamp, &message);
                ok = decoded == 4 + 8 + LEDGER_SIGNATURE_SIZE && timestamp < (UINT64_C(1) << 63)
                  && ledger_signature_verifies(message.data, message.len, bytes + 12, key->key);
                buffer_free(&message);
            }
            if (!ok) {
                snprintf(error, error_size, "the signature by %s (key ID %08x) does not verify", key->name, key->id);
                return false;
            }
            if (verified) verified[v] = true;
            if (timestamps) timestamps[v] = timestamp;
            good++;
        }
    }
    if (good == 0) {
        snprintf(error, error_size, "no signature by a known key (%zu signature%s, none by ", note->signature_count,
                 note->signature_count == 1 ? "" : "s");
        size_t used = strlen(error);
        for (size_t v = 0; v < count && used < error_size; v++)
            used += (size_t)snprintf(error + used, error_size - used, "%s%s+%08x", v ? ", " : "", verifiers[v].name,
                                     verifiers[v].id);
        if (used < error_size) snprintf(error + used, error_size - used, ")");
        return false;
    }
    return true;
}

void tlog_sign_line(const char *text, size_t len, const ledger_secret_key_t *key, const char *name, uint8_t type,
                    uint64_t timestamp, buffer_t *out) {
    uint8_t bytes[4 + 8 + LEDGER_SIGNATURE_SIZE];
    uint32_t id = tlog_key_id(name, type, key->public_key);
    bytes[0] = (uint8_t)(id >> 24), bytes[1] = (uint8_t)(id >> 16), bytes[2] = (uint8_t)(id >> 8), bytes[3] = (uint8_t)id;
    size_t n = 4;
    buffer_t message = {0};
    if (type == TLOG_KEY_COSIGNATURE) {
        for (int i = 0; i < 8; i++) bytes[n++] = (uint8_t)(timestamp >> (56 - 8 * i));
        cosigned_message((text_t){text, len}, timestamp, &message);
    } else {
        buffer_append(&message, text, len);
    }
    crypto_sign_detached(bytes + n, NULL, (const uint8_t *)message.data, message.len, key->secret);
    n += LEDGER_SIGNATURE_SIZE;
    buffer_printf(out, "%s %s ", EM_DASH, name);
    ledger_base64_append(bytes, n, out);
    buffer_puts(out, "\n");
    buffer_free(&message);
}
