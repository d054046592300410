/* json_scan: strict JSON scanning (RFC 8259) for report lines. Our own code
 * because it is the hot path of `truce check`: a DOM library (jansson, json-c)
 * allocates per value and costs several times our whole per-report budget of
 * ~250 ns. It validates the full grammar and UTF-8, and is fuzzed
 * (fuzz/report_fuzz.c, libFuzzer) and checked against python's json module
 * on random inputs by tests/report_test.c's corpus. */
#include "report/json_scan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool json_fail(json_scan_t *s, const char *reason) {
    if (!s->error) s->error = reason;
    return false;
}

void json_skip_space_slow(json_scan_t *s) {
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) s->p++;
}

/* Validates one UTF-8 sequence starting at p (first byte >= 0x80); returns its
 * length, or 0 if it is malformed, overlong, a surrogate or beyond U+10FFFF. */
static size_t utf8_sequence(const unsigned char *p, const unsigned char *end) {
    unsigned c = p[0];
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (!n || c > 0xF4 || (size_t)(end - p) < n) return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;
    if (c == 0xED && p[1] >= 0xA0) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;
    if (c == 0xF4 && p[1] >= 0x90) return 0;
    return n;
}

static int hex_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool read_hex4(json_scan_t *s, unsigned *out) {
    if (s->end - s->p < 4) return json_fail(s, "bad \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_value((unsigned char)s->p[i]);
        if (h < 0) return json_fail(s, "bad \\u escape");
        v = v * 16 + (unsigned)h;
    }
    s->p += 4;
    *out = v;
    return true;
}

static size_t encode_utf8(unsigned cp, char *out) {
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) { out[0] = (char)(0xC0 | cp >> 6); out[1] = (char)(0x80 | (cp & 63)); return 2; }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12); out[1] = (char)(0x80 | (cp >> 6 & 63));
        out[2] = (char)(0x80 | (cp & 63));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18); out[1] = (char)(0x80 | (cp >> 12 & 63));
    out[2] = (char)(0x80 | (cp >> 6 & 63)); out[3] = (char)(0x80 | (cp & 63));
    return 4;
}

/* Decodes one escape (after the backslash) into w; returns bytes written, 0 on error. */
static size_t decode_escape(json_scan_t *s, char *w) {
    char c = *s->p++;
    switch (c) {
    case '"': case '\\': case '/': *w = c; return 1;
    case 'b': *w = '\b'; return 1;
    case 'f': *w = '\f'; return 1;
    case 'n': *w = '\n'; return 1;
    case 'r': *w = '\r'; return 1;
    case 't': *w = '\t'; return 1;
    case 'u': break;
    default: json_fail(s, "bad escape in string"); return 0;
    }
    unsigned cp, low;
    if (!read_hex4(s, &cp)) return 0;
    if (cp >= 0xDC00 && cp <= 0xDFFF) { json_fail(s, "lone low surrogate in string"); return 0; }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u') { json_fail(s, "lone high surrogate in string"); return 0; }
        s->p += 2;
        if (!read_hex4(s, &low)) return 0;
        if (low < 0xDC00 || low > 0xDFFF) { json_fail(s, "bad surrogate pair in string"); return 0; }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    return encode_utf8(cp, w);
}

/* The slow path: the string holds escapes, so it is decoded into scratch. */
static bool string_with_escapes(json_scan_t *s, const char *start, text_t *out) {
    size_t room = s->scratch_size - s->scratch_used;
    if ((size_t)(s->end - start) > room) return json_fail(s, "line too long");
    char *w = s->scratch + s->scratch_used, *w0 = w;
    const char *p = start;
    s->p = start;
    while (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p;
        if (c == '"') {
            s->p++;
            *out = (text_t){w0, (size_t)(w - w0)};
            s->scratch_used += (size_t)(w - w0);
            return true;
        }
        if (c == '\\') {
            s->p++;
            if (s->p >= s->end) break;
            size_t n = decode_escape(s, w);
            if (!n) return false;
            w += n;
            continue;
        }
        if (c < 0x20) return json_fail(s, "control character in string");
        size_t n = c < 0x80 ? 1 : utf8_sequence((const unsigned char *)s->p, (const unsigned char *)s->end);
        if (!n) return json_fail(s, "invalid UTF-8 in string");
        memcpy(w, s->p, n);
        w += n;
        s->p += n;
    }
    (void)p;
    return json_fail(s, "unterminated string");
}

/* SWAR: a mask with the high bit set in each of the 8 bytes that is a quote,
 * a backslash, a control character or non-ASCII — the bytes the string
 * scanner must look at. Borrows can only mark bytes after a marked one, so
 * the lowest marked byte is exact. */
static uint64_t attention_mask(uint64_t w) {
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    uint64_t has_quote = (quote - ones) & ~quote & highs;
    uint64_t has_backslash = (backslash - ones) & ~backslash & highs;
    uint64_t has_control = (w - ones * 0x20) & ~w & highs;
    return has_quote | has_backslash | has_control | (w & highs);
}

bool json_string(json_scan_t *s, text_t *out) {
    json_skip_space(s);
    if (s->p >= s->end || *s->p != '"') return json_fail(s, "expected a string");
    const char *start = ++s->p;
    for (uint64_t w; s->end - s->p >= 8; s->p += 8) { /* plain ASCII runs, 8 bytes at a time */
        memcpy(&w, s->p, 8);
        uint64_t mask = attention_mask(w);
        if (mask) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            s->p += __builtin_ctzll(mask) / 8; /* straight to the first byte that matters */
#endif
            break;
        }
    }
    while (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p;
        if (c == '"') {
            *out = (text_t){start, (size_t)(s->p - start)};
            s->p++;
            return true;
        }
        if (c == '\\') return string_with_escapes(s, start, out);
        if (c < 0x20) return json_fail(s, "control character in string");
        if (c < 0x80) {
            s->p++;
            continue;
        }
        size_t n = utf8_sequence((const unsigned char *)s->p, (const unsigned char *)s->end);
        if (!n) return json_fail(s, "invalid UTF-8 in string");
        s->p += n;
    }
    return json_fail(s, "unterminated string");
}

uint64_t json_pack_name(const char *name, size_t len) {
    if (len > 7) return 0;
    uint64_t v = (uint64_t)len << 56;
    for (size_t i = 0; i < len; i++) v |= (uint64_t)(unsigned char)name[i] << (8 * i);
    return v;
}

bool json_key(json_scan_t *s, text_t *key, uint64_t *packed) {
    *packed = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    json_skip_space(s);
    if (s->end - s->p >= 9 && *s->p == '"') { /* the whole name in one 8-byte load */
        uint64_t w;
        memcpy(&w, s->p + 1, 8);
        uint64_t mask = attention_mask(w);
        if (mask) {
            unsigned at = (unsigned)__builtin_ctzll(mask) / 8;
            if (s->p[1 + at] == '"') {
                *key = (text_t){s->p + 1, at};
                *packed = (at ? w & (~0ULL >> (64 - 8 * at)) : 0) | (uint64_t)at << 56;
                s->p += at + 2;
                return true;
            }
        }
    }
#endif
    if (!json_string(s, key)) return false;
    *packed = json_pack_name(key->ptr, key->len);
    return true;
}

bool json_number(json_scan_t *s, double *out) {
    json_skip_space(s);
    const char *stop;
    const char *reason = number_parse(s->p, s->end, out, &stop);
    if (reason) return json_fail(s, reason);
    s->p = stop;
    return true;
}

static bool skip_literal(json_scan_t *s, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0) return json_fail(s, "invalid JSON value");
    s->p += n;
    return true;
}

static bool skip_container(json_scan_t *s, char close, bool object, int depth) {
    s->p++;
    if (json_expect(s, close)) return true;
    do {
        if (object) {
            text_t key;
            if (!json_string(s, &key) || !json_expect(s, ':')) return json_fail(s, "bad object");
        }
        if (!json_skip_value(s, depth + 1)) return false;
    } while (json_expect(s, ','));
    return json_expect(s, close) || json_fail(s, object ? "expected , or } in object" : "expected , or ] in array");
}

bool json_skip_value(json_scan_t *s, int depth) {
    if (depth > 64) return json_fail(s, "nested too deeply");
    json_skip_space(s);
    if (s->p >= s->end) return json_fail(s, "expected a value");
    size_t saved = s->scratch_used;
    text_t ignored;
    double number;
    bool ok;
    switch (*s->p) {
    case '"': ok = json_string(s, &ignored); break;
    case '{': ok = skip_container(s, '}', true, depth); break;
    case '[': ok = skip_container(s, ']', false, depth); break;
    case 't': ok = skip_literal(s, "true"); break;
    case 'f': ok = skip_literal(s, "false"); break;
    case 'n': ok = skip_literal(s, "null"); break;
    default: ok = json_number(s, &number); break;
    }
    s->scratch_used = saved; /* skipped strings need no room */
    return ok;
}
