/* ledger: Ed25519 keys and report signatures (docs/signing.md) — the secret
 * key file, base64 and hex, the key registry drawn from the agreement, and
 * signing or checking JCS(report without "sig"). */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger/ledger.h"

#define KEY_FILE_MAGIC "truce-secret-key v1"

bool ledger_init(void) { return sodium_init() >= 0; }

void ledger_base64_append(const uint8_t *bytes, size_t len, buffer_t *out) {
    size_t size = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *text = xmalloc(size);
    sodium_bin2base64(text, size, bytes, len, sodium_base64_VARIANT_ORIGINAL);
    buffer_puts(out, text);
    free(text);
}

bool ledger_base64_decode(text_t text, uint8_t *out, size_t out_size) {
    size_t decoded = 0;
    const char *end = NULL;
    if (text.len != sodium_base64_ENCODED_LEN(out_size, sodium_base64_VARIANT_ORIGINAL) - 1) return false;
    if (sodium_base642bin(out, out_size, text.ptr, text.len, NULL, &decoded, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    return decoded == out_size && end == text.ptr + text.len;
}

void ledger_hex_append(const uint8_t *bytes, size_t len, buffer_t *out) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        char pair[2] = {digits[bytes[i] >> 4], digits[bytes[i] & 15]};
        buffer_append(out, pair, 2);
    }
}

static int hex_digit(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool ledger_hex_decode(text_t text, uint8_t *out, size_t out_size) {
    if (text.len != 2 * out_size) return false;
    for (size_t i = 0; i < out_size; i++) {
        int hi = hex_digit(text.ptr[2 * i]), lo = hex_digit(text.ptr[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static bool valid_source_name(const char *source, size_t len) {
    if (len == 0 || len >= sizeof ((ledger_secret_key_t *)0)->source) return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)source[i];
        if (c <= ' ' || c >= 0x7f || c == '/' || c == '"') return false;
    }
    return true;
}

bool ledger_key_generate(const char *source, const uint8_t *seed, ledger_secret_key_t *key,
                         char *error, size_t error_size) {
    memset(key, 0, sizeof *key);
    if (!valid_source_name(source, strlen(source))) {
        snprintf(error, error_size, "source name '%s' must be 1-127 printable characters without spaces, '\"' or '/'", source);
        return false;
    }
    memcpy(key->source, source, strlen(source) + 1);
    if (seed) crypto_sign_seed_keypair(key->public_key, key->secret, seed);
    else crypto_sign_keypair(key->public_key, key->secret);
    return true;
}

void ledger_key_wipe(ledger_secret_key_t *key) { sodium_memzero(key, sizeof *key); }

void ledger_key_registry_line(const ledger_secret_key_t *key, buffer_t *out) {
    buffer_printf(out, "key %s ", key->source);
    ledger_base64_append(key->public_key, LEDGER_PUBLIC_KEY_SIZE, out);
}

static bool write_all(int fd, const char *data, size_t len) {
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

bool ledger_key_write(const ledger_secret_key_t *key, const char *path, char *error, size_t error_size) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        return false;
    }
    buffer_t text = {0};
    buffer_printf(&text, KEY_FILE_MAGIC "\nsource %s\nsecret ", key->source);
    ledger_base64_append(key->secret, LEDGER_SECRET_KEY_SIZE, &text);
    buffer_puts(&text, "\n");
    bool ok = fchmod(fd, 0600) == 0 && write_all(fd, text.data, text.len) && fsync(fd) == 0;
    if (!ok) snprintf(error, error_size, "%s: %s", path, strerror(errno));
    sodium_memzero(text.data, text.len);
    buffer_free(&text);
    if (close(fd) != 0 && ok) {
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        ok = false;
    }
    if (!ok) unlink(path);
    return ok;
}

/* Splits the next line off *text; false at the end. */
static bool next_line(text_t *text, text_t *line) {
    if (text->len == 0) return false;
    const char *nl = memchr(text->ptr, '\n', text->len);
    size_t n = nl ? (size_t)(nl - text->ptr) : text->len;
    *line = (text_t){text->ptr, n};
    text->ptr += nl ? n + 1 : n;
    text->len -= nl ? n + 1 : n;
    return true;
}

static bool field(text_t line, const char *name, text_t *value) {
    size_t n = strlen(name);
    if (line.len <= n || memcmp(line.ptr, name, n) || line.ptr[n] != ' ') return false;
    *value = (text_t){line.ptr + n + 1, line.len - n - 1};
    return true;
}

static bool parse_key_file(text_t text, ledger_secret_key_t *key, char *reason, size_t reason_size) {
    text_t line, source, secret;
    if (!next_line(&text, &line) || !text_equals_cstr(line, KEY_FILE_MAGIC)) {
        snprintf(reason, reason_size, "line 1: expected '" KEY_FILE_MAGIC "'");
        return false;
    }
    if (!next_line(&text, &line) || !field(line, "source", &source) || !valid_source_name(source.ptr, source.len)) {
        snprintf(reason, reason_size, "line 2: expected 'source <name>'");
        return false;
    }
    if (!next_line(&text, &line) || !field(line, "secret", &secret)
        || !ledger_base64_decode(secret, key->secret, LEDGER_SECRET_KEY_SIZE)) {
        snprintf(reason, reason_size, "line 3: expected 'secret <base64 of 64 bytes>'");
        return false;
    }
    if (next_line(&text, &line) && line.len) {
        snprintf(reason, reason_size, "line 4: unexpected content");
        return false;
    }
    memcpy(key->source, source.ptr, source.len);
    key->source[source.len] = '\0';
    uint8_t derived_public[LEDGER_PUBLIC_KEY_SIZE], derived_secret[LEDGER_SECRET_KEY_SIZE];
    crypto_sign_seed_keypair(derived_public, derived_secret, key->secret);
    bool consistent = sodium_memcmp(derived_secret, key->secret, LEDGER_SECRET_KEY_SIZE) == 0;
    sodium_memzero(derived_secret, sizeof derived_secret);
    memcpy(key->public_key, derived_public, LEDGER_PUBLIC_KEY_SIZE);
    if (!consistent) snprintf(reason, reason_size, "the public half does not belong to the secret seed");
    return consistent;
}

/* Opens a secret key file for reading: only a regular file (a FIFO would
 * block for ever, a device could be endless), readable by its owner alone
 * (a key others can read is no longer secret). -1 with the reason. */
static int open_secret(const char *path, char *error, size_t error_size) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(error, error_size, "%s: not a regular file (a secret key is a file written by truce keygen)", path);
    } else if (st.st_mode & 077) {
        snprintf(error, error_size, "%s: the secret key is readable or writable by others (mode %04o): run chmod 600 %s",
                 path, (unsigned)(st.st_mode & 07777), path);
    } else {
        return fd;
    }
    close(fd);
    return -1;
}

bool ledger_key_read(const char *path, ledger_secret_key_t *key, char *error, size_t error_size) {
    memset(key, 0, sizeof *key);
    int fd = open_secret(path, error, error_size);
    if (fd < 0) return false;
    char text[1024];
    size_t n = 0;
    ssize_t got = 0;
    while (n < sizeof text && ((got = read(fd, text + n, sizeof text - n)) > 0 || (got < 0 && errno == EINTR)))
        if (got > 0) n += (size_t)got;
    bool too_long = n == sizeof text, read_error = got < 0;
    int read_errno = errno;
    close(fd);
    char reason[160] = "";
    bool ok = !too_long && !read_error && parse_key_file((text_t){text, n}, key, reason, sizeof reason);
    sodium_memzero(text, sizeof text);
    if (!ok) {
        snprintf(error, error_size, "%s: not a truce secret key file: %s", path,
                 read_error ? strerror(read_errno) : too_long ? "too long" : reason);
        ledger_key_wipe(key);
    }
    return ok;
}

/* --- the key registry --- */

typedef struct {
    char *source;
    bool has_key;
    uint8_t key[LEDGER_PUBLIC_KEY_SIZE];
} registry_entry_t;

struct ledger_registry {
    char *council;            /* the council's source name, or NULL */
    registry_entry_t *entries;
    size_t count, capacity;
};

ledger_registry_t *ledger_registry_new(void) { return xcalloc(1, sizeof(ledger_registry_t)); }

void ledger_registry_free(ledger_registry_t *registry) {
    if (!registry) return;
    for (size_t i = 0; i < registry->count; i++) free(registry->entries[i].source);
    free(registry->entries);
    free(registry->council);
    free(registry);
}

static registry_entry_t *registry_entry(const ledger_registry_t *registry, text_t source) {
    for (size_t i = 0; i < registry->count; i++)
        if (text_equals_cstr(source, registry->entries[i].source)) return &registry->entries[i];
    return NULL;
}

void ledger_registry_add(ledger_registry_t *registry, text_t source, const uint8_t *key) {
    registry_entry_t *e = registry_entry(registry, source);
    if (!e) {
        if (registry->count == registry->capacity) {
            registry->capacity = registry->capacity ? registry->capacity * 2 : 8;
            registry->entries = xrealloc(registry->entries, registry->capacity * sizeof *registry->entries);
        }
        e = &registry->entries[registry->count++];
        e->source = xmalloc(source.len + 1);
        memcpy(e->source, source.ptr, source.len);
        e->source[source.len] = '\0';
    }
    e->has_key = key != NULL;
    if (key) memcpy(e->key, key, LEDGER_PUBLIC_KEY_SIZE);
}

ledger_registry_t *ledger_registry_from_agreement(const agreement_t *agreement) {
    ledger_registry_t *registry = ledger_registry_new();
    for (int i = 0; i < agreement->source_count; i++) {
        const source_t *s = &agreement->sources[i];
        ledger_registry_add(registry, text_of(s->name), s->has_key ? s->key : NULL);
    }
    int council = agreement_council(agreement);
    if (council >= 0) ledger_registry_set_council(registry, text_of(agreement->sources[council].name));
    return registry;
}

void ledger_registry_set_council(ledger_registry_t *registry, text_t source) {
    free(registry->council);
    registry->council = xmalloc(source.len + 1);
    memcpy(registry->council, source.ptr, source.len);
    registry->council[source.len] = '\0';
}

const char *ledger_registry_council(const ledger_registry_t *registry) { return registry->council; }

registry_lookup_t ledger_registry_council_key(const ledger_registry_t *registry, const uint8_t **key) {
    *key = NULL;
    return registry->council ? ledger_registry_find(registry, text_of(registry->council), key) : REGISTRY_UNKNOWN_SOURCE;
}

registry_lookup_t ledger_registry_find(const ledger_registry_t *registry, text_t source, const uint8_t **key) {
    const registry_entry_t *e = registry_entry(registry, source);
    *key = e && e->has_key ? e->key : NULL;
    return !e ? REGISTRY_UNKNOWN_SOURCE : e->has_key ? REGISTRY_KEY : REGISTRY_NO_KEY;
}

/* --- signing and checking reports --- */

bool ledger_sign_report(const jcs_document_t *doc, const ledger_secret_key_t *key, buffer_t *out,
                        char *error, size_t error_size) {
    const jcs_value_t *report = jcs_root(doc);
    text_t source;
    if (jcs_type(report) != JCS_OBJECT) {
        snprintf(error, error_size, "a report must be a JSON object");
        return false;
    }
    if (!jcs_member_string(report, "source", &source)) {
        snprintf(error, error_size, "the report has no string \"source\"");
        return false;
    }
    if (!text_equals_cstr(source, key->source)) {
        snprintf(error, error_size, "the report claims source '%.*s' but the key belongs to '%s'",
                 (int)(source.len > 100 ? 100 : source.len), source.ptr, key->source);
        return false;
    }
    buffer_t message = {0};
    jcs_serialize(report, "sig", &message);
    uint8_t sig[LEDGER_SIGNATURE_SIZE];
    crypto_sign_detached(sig, NULL, (const uint8_t *)message.data, message.len, key->secret);
    /* The canonical form with "sig" inserted where its name sorts. */
    buffer_free(&message);
    buffer_t sig_text = {0};
    ledger_base64_append(sig, sizeof sig, &sig_text);
    buffer_t with_sig = {0};
    jcs_serialize(report, "sig", &with_sig);
    /* Re-parse with the sig member appended so that serialization sorts it. */
    with_sig.len--;   /* drop '}' */
    buffer_printf(&with_sig, "%s\"sig\":\"%s\"}", with_sig.len > 1 ? "," : "", sig_text.data);
    jcs_document_t *signed_doc = jcs_document_new();
    char reason[LEDGER_ERROR_SIZE];
    bool ok = jcs_parse(signed_doc, with_sig.data, with_sig.len, reason, sizeof reason);
    if (ok) jcs_serialize(jcs_root(signed_doc), NULL, out);
    else snprintf(error, error_size, "internal: %s", reason);
    jcs_document_free(signed_doc);
    buffer_free(&with_sig);
    buffer_free(&sig_text);
    return ok;
}

static signature_check_t check_fail(signature_check_t result, char *error, size_t error_size,
                                    const char *reason, text_t source) {
    snprintf(error, error_size, reason, (int)(source.len > 100 ? 100 : source.len), source.ptr);
    return result;
}

signature_check_t ledger_prepare_report_check(const jcs_document_t *doc, const ledger_registry_t *registry,
                                             buffer_t *message, uint8_t signature[LEDGER_SIGNATURE_SIZE],
                                             const uint8_t **key, char *error, size_t error_size) {
    const jcs_value_t *report = jcs_root(doc);
    const jcs_value_t *sig_value = jcs_get(report, "sig");
    text_t source = {"", 0}, sig_text;
    if (!jcs_member_string(report, "source", &source))
        return check_fail(SIGNATURE_MALFORMED, error, error_size, "no string \"source\"%.*s", source);
    if (!sig_value) return check_fail(SIGNATURE_MISSING, error, error_size, "unsigned (no \"sig\") report from '%.*s'", source);
    switch (ledger_registry_find(registry, source, key)) {
    case REGISTRY_UNKNOWN_SOURCE:
        return check_fail(SIGNATURE_UNKNOWN_SOURCE, error, error_size, "unknown source '%.*s'", source);
    case REGISTRY_NO_KEY:
        return check_fail(SIGNATURE_NO_KEY, error, error_size, "source '%.*s' has no registered key", source);
    case REGISTRY_KEY: break;
    }
    if (!jcs_string(sig_value, &sig_text) || !ledger_base64_decode(sig_text, signature, LEDGER_SIGNATURE_SIZE))
        return check_fail(SIGNATURE_MALFORMED, error, error_size,
                          "\"sig\" of '%.*s' is not base64 of a 64-byte signature", source);
    size_t start = message->len;
    jcs_serialize(report, "sig", message);
    /* The stored entry is this plus ,"sig":"<88 base64 characters>" (97 bytes). */
    if (message->len - start + 97 > LEDGER_MAX_ENTRY) {
        snprintf(error, error_size, "report too large: %zu bytes in canonical form, over the log's limit of %d "
                 "(an entry of a tlog-tiles bundle)", message->len - start + 97, LEDGER_MAX_ENTRY);
        message->len = start;
        return SIGNATURE_MALFORMED;
    }
    return SIGNATURE_VALID;
}

bool ledger_signature_verifies(const void *message, size_t len, const uint8_t signature[LEDGER_SIGNATURE_SIZE],
                               const uint8_t key[LEDGER_PUBLIC_KEY_SIZE]) {
    return crypto_sign_verify_detached(signature, message, len, key) == 0;
}

signature_check_t ledger_verify_report(const jcs_document_t *doc, const ledger_registry_t *registry,
                                       buffer_t *scratch, char *error, size_t error_size) {
    uint8_t sig[LEDGER_SIGNATURE_SIZE];
    const uint8_t *key = NULL;
    scratch->len = 0;
    signature_check_t result = ledger_prepare_report_check(doc, registry, scratch, sig, &key, error, error_size);
    if (result != SIGNATURE_VALID) return result;
    if (!ledger_signature_verifies(scratch->data, scratch->len, sig, key)) {
        text_t source;
        jcs_member_string(jcs_root(doc), "source", &source);
        return check_fail(SIGNATURE_INVALID, error, error_size,
                          "bad signature: does not verify against the registered key of '%.*s'", source);
    }
    return SIGNATURE_VALID;
}
