/* ledger: the JSON Canonicalization Scheme (RFC 8785). A strict I-JSON parser
 * into an arena-backed tree, and the canonical serializer: members sorted by
 * UTF-16 code units, ECMAScript number form, minimal string escapes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"

#define JCS_MAX_DEPTH 128

typedef struct {
    text_t name;
    jcs_value_t *value;
} jcs_member_t;

struct jcs_value {
    jcs_type_t type;
    union {
        double number;
        text_t string;
        struct { jcs_value_t **items; size_t count; } array;
        struct { jcs_member_t *members; size_t count; } object;
    } as;
};

struct jcs_document {
    arena_t arena;
    jcs_value_t *root;
    /* Scratch stacks shared by nested containers while they are parsed. */
    jcs_value_t **item_stack;
    size_t item_count, item_capacity;
    jcs_member_t *member_stack;
    size_t member_count, member_capacity;
};

typedef struct {
    jcs_document_t *doc;
    const char *start, *p, *end;
    char *error;
    size_t error_size;
    int depth;
} jcs_parser_t;

jcs_document_t *jcs_document_new(void) {
    jcs_document_t *doc = xcalloc(1, sizeof *doc);
    arena_init(&doc->arena);
    return doc;
}

void jcs_document_free(jcs_document_t *doc) {
    if (!doc) return;
    arena_free(&doc->arena);
    free(doc->item_stack);
    free(doc->member_stack);
    free(doc);
}

const jcs_value_t *jcs_root(const jcs_document_t *doc) { return doc->root; }

static bool fail(jcs_parser_t *ps, const char *what) {
    snprintf(ps->error, ps->error_size, "invalid JSON at byte %zu: %s", (size_t)(ps->p - ps->start), what);
    return false;
}

static void skip_space(jcs_parser_t *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) ps->p++;
}

static jcs_value_t *new_value(jcs_parser_t *ps, jcs_type_t type) {
    jcs_value_t *v = arena_alloc(&ps->doc->arena, sizeof *v);
    memset(v, 0, sizeof *v);
    v->type = type;
    return v;
}

/* Length of the valid UTF-8 sequence at p (shortest form, no surrogates, at
 * most U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *p, const unsigned char *end, uint32_t *cp) {
    unsigned char c = p[0];
    size_t n;
    uint32_t min;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { n = 2; *cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; *cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; *cp = c & 0x07; min = 0x10000; }
    else return 0;
    if ((size_t)(end - p) < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        *cp = (*cp << 6) | (p[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
    return n;
}

static void utf8_encode(uint32_t cp, buffer_t *out) {
    char b[4];
    size_t n;
    if (cp < 0x80) { b[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { b[0] = (char)(0xC0 | cp >> 6); b[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12); b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        b[0] = (char)(0xF0 | cp >> 18); b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); b[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    buffer_append(out, b, n);
}

static bool hex4(jcs_parser_t *ps, uint32_t *unit) {
    if (ps->end - ps->p < 4) return fail(ps, "truncated \\u escape");
    *unit = 0;
    for (int i = 0; i < 4; i++) {
        char c = ps->p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return fail(ps, "bad hex digit in \\u escape");
        *unit = *unit << 4 | (uint32_t)d;
    }
    ps->p += 4;
    return true;
}

/* After "\u": one code point, joining a surrogate pair; lone surrogates fail. */
static bool unicode_escape(jcs_parser_t *ps, uint32_t *cp) {
    uint32_t hi, lo;
    if (!hex4(ps, &hi)) return false;
    if (hi >= 0xDC00 && hi <= 0xDFFF) return fail(ps, "lone low surrogate");
    if (hi < 0xD800 || hi > 0xDBFF) { *cp = hi; return true; }
    if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') return fail(ps, "lone high surrogate");
    ps->p += 2;
    if (!hex4(ps, &lo)) return false;
    if (lo < 0xDC00 || lo > 0xDFFF) return fail(ps, "high surrogate without its low surrogate");
    *cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
    return true;
}

static bool escape(jcs_parser_t *ps, buffer_t *out) {
    if (ps->p >= ps->end) return fail(ps, "truncated escape");
    char c = *ps->p++;
    const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
    const char *hit = c ? strchr(from, c) : NULL;
    if (hit) {
        buffer_append(out, &to[hit - from], 1);
        return true;
    }
    if (c != 'u') return fail(ps, "unknown escape");
    uint32_t cp = 0;
    if (!unicode_escape(ps, &cp)) return false;
    utf8_encode(cp, out);
    return true;
}

/* Parses a string after its opening quote. Borrows the input when it has no
 * escapes; otherwise decodes into the arena. */
static bool parse_string(jcs_parser_t *ps, text_t *out) {
    const char *begin = ps->p;
    buffer_t decoded = {0};
    bool escaped = false;
    while (ps->p < ps->end && *ps->p != '"') {
        const char *run = ps->p;
        uint32_t cp;
        if ((unsigned char)*ps->p < 0x20) { buffer_free(&decoded); return fail(ps, "control character in string"); }
        if (*ps->p == '\\') {
            if (!escaped) buffer_append(&decoded, begin, (size_t)(ps->p - begin));
            escaped = true;
            ps->p++;
            if (!escape(ps, &decoded)) { buffer_free(&decoded); return false; }
            continue;
        }
        size_t n = utf8_sequence((const unsigned char *)ps->p, (const unsigned char *)ps->end, &cp);
        if (!n) { buffer_free(&decoded); return fail(ps, "invalid UTF-8"); }
        ps->p += n;
        if (escaped) buffer_append(&decoded, run, n);
    }
    if (ps->p >= ps->end) { buffer_free(&decoded); return fail(ps, "unterminated string"); }
    if (escaped) {
        *out = arena_text(&ps->doc->arena, (text_t){decoded.data ? decoded.data : "", decoded.len});
        buffer_free(&decoded);
    } else {
        *out = (text_t){begin, (size_t)(ps->p - begin)};
    }
    ps->p++;
    return true;
}

static size_t digits(jcs_parser_t *ps) {
    size_t n = 0;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') { ps->p++; n++; }
    return n;
}

static bool parse_number(jcs_parser_t *ps, jcs_value_t **out) {
    const char *begin = ps->p;
    if (ps->p < ps->end && *ps->p == '-') ps->p++;
    if (ps->p < ps->end && *ps->p == '0') ps->p++;
    else if (!digits(ps)) return fail(ps, "bad number");
    if (ps->p < ps->end && *ps->p == '.') { ps->p++; if (!digits(ps)) return fail(ps, "bad fraction"); }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-')) ps->p++;
        if (!digits(ps)) return fail(ps, "bad exponent");
    }
    size_t len = (size_t)(ps->p - begin);
    char small[64];
    char *copy = len < sizeof small ? small : xmalloc(len + 1);
    memcpy(copy, begin, len);
    copy[len] = '\0';
    errno = 0;
    double value = strtod(copy, NULL);
    if (copy != small) free(copy);
    if (!isfinite(value)) return fail(ps, "number out of range");
    *out = new_value(ps, JCS_NUMBER);
    (*out)->as.number = value == 0 ? 0.0 : value;   /* -0 is 0 in canonical form */
    return true;
}

static bool literal(jcs_parser_t *ps, const char *word, jcs_type_t type, jcs_value_t **out) {
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n)) return fail(ps, "unexpected character");
    ps->p += n;
    *out = new_value(ps, type);
    return true;
}

static bool parse_value(jcs_parser_t *ps, jcs_value_t **out);

static void push_item(jcs_document_t *doc, jcs_value_t *item) {
    if (doc->item_count == doc->item_capacity) {
        doc->item_capacity = doc->item_capacity ? doc->item_capacity * 2 : 32;
        doc->item_stack = xrealloc(doc->item_stack, doc->item_capacity * sizeof *doc->item_stack);
    }
    doc->item_stack[doc->item_count++] = item;
}

static void push_member(jcs_document_t *doc, text_t name, jcs_value_t *value) {
    if (doc->member_count == doc->member_capacity) {
        doc->member_capacity = doc->member_capacity ? doc->member_capacity * 2 : 32;
        doc->member_stack = xrealloc(doc->member_stack, doc->member_capacity * sizeof *doc->member_stack);
    }
    doc->member_stack[doc->member_count++] = (jcs_member_t){name, value};
}

static bool parse_array(jcs_parser_t *ps, jcs_value_t **out) {
    jcs_document_t *doc = ps->doc;
    size_t base = doc->item_count;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == ']') ps->p++;
    else for (;;) {
        jcs_value_t *item;
        if (!parse_value(ps, &item)) return false;
        push_item(doc, item);
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        if (ps->p < ps->end && *ps->p == ']') { ps->p++; break; }
        return fail(ps, "expected ',' or ']'");
    }
    *out = new_value(ps, JCS_ARRAY);
    size_t count = doc->item_count - base;
    (*out)->as.array.count = count;
    (*out)->as.array.items = arena_alloc(&doc->arena, count * sizeof(jcs_value_t *));
    if (count) memcpy((*out)->as.array.items, doc->item_stack + base, count * sizeof(jcs_value_t *));
    doc->item_count = base;
    return true;
}

static uint32_t next_code_point(text_t t, size_t *i) {
    uint32_t cp;
    size_t n = utf8_sequence((const unsigned char *)t.ptr + *i, (const unsigned char *)t.ptr + t.len, &cp);
    *i += n ? n : 1;
    return n ? cp : (unsigned char)t.ptr[*i - 1];
}

/* Orders names by their UTF-16 code units (RFC 8785 §3.2.3). */
static int utf16_compare(text_t a, text_t b) {
    size_t i = 0, j = 0;
    while (i < a.len && j < b.len) {
        uint32_t ca = next_code_point(a, &i), cb = next_code_point(b, &j);
        if (ca == cb) continue;
        uint32_t ua = ca < 0x10000 ? ca : 0xD800 + ((ca - 0x10000) >> 10);
        uint32_t ub = cb < 0x10000 ? cb : 0xD800 + ((cb - 0x10000) >> 10);
        if (ua != ub) return ua < ub ? -1 : 1;
        return ca < cb ? -1 : 1;
    }
    return (i < a.len) - (j < b.len);
}

static int member_order(const void *a, const void *b) {
    return utf16_compare(((const jcs_member_t *)a)->name, ((const jcs_member_t *)b)->name);
}

static bool parse_member(jcs_parser_t *ps) {
    text_t name;
    jcs_value_t *value;
    skip_space(ps);
    if (ps->p >= ps->end || *ps->p != '"') return fail(ps, "expected a member name");
    ps->p++;
    if (!parse_string(ps, &name)) return false;
    skip_space(ps);
    if (ps->p >= ps->end || *ps->p != ':') return fail(ps, "expected ':'");
    ps->p++;
    if (!parse_value(ps, &value)) return false;
    push_member(ps->doc, name, value);
    return true;
}

static bool finish_object(jcs_parser_t *ps, size_t base, jcs_value_t **out) {
    jcs_document_t *doc = ps->doc;
    size_t count = doc->member_count - base;
    jcs_member_t *members = arena_alloc(&doc->arena, count * sizeof *members);
    if (count) memcpy(members, doc->member_stack + base, count * sizeof *members);
    doc->member_count = base;
    qsort(members, count, sizeof *members, member_order);
    for (size_t i = 1; i < count; i++)
        if (text_equals(members[i - 1].name, members[i].name)) {
            char what[160];
            snprintf(what, sizeof what, "duplicate member name \"%.*s\"",
                     (int)(members[i].name.len > 100 ? 100 : members[i].name.len), members[i].name.ptr);
            return fail(ps, what);
        }
    *out = new_value(ps, JCS_OBJECT);
    (*out)->as.object.members = members;
    (*out)->as.object.count = count;
    return true;
}

static bool parse_object(jcs_parser_t *ps, jcs_value_t **out) {
    size_t base = ps->doc->member_count;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == '}') ps->p++;
    else for (;;) {
        if (!parse_member(ps)) return false;
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',') { ps->p++; continue; }
        if (ps->p < ps->end && *ps->p == '}') { ps->p++; break; }
        return fail(ps, "expected ',' or '}'");
    }
    return finish_object(ps, base, out);
}

static bool parse_value(jcs_parser_t *ps, jcs_value_t **out) {
    skip_space(ps);
    if (ps->p >= ps->end) return fail(ps, "unexpected end of input");
    char c = *ps->p;
    if (c == '{' || c == '[') {
        if (++ps->depth > JCS_MAX_DEPTH) return fail(ps, "nested too deeply");
        ps->p++;
        bool ok = c == '{' ? parse_object(ps, out) : parse_array(ps, out);
        ps->depth--;
        return ok;
    }
    if (c == '"') {
        ps->p++;
        *out = new_value(ps, JCS_STRING);
        return parse_string(ps, &(*out)->as.string);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(ps, out);
    if (c == 't') return literal(ps, "true", JCS_TRUE, out);
    if (c == 'f') return literal(ps, "false", JCS_FALSE, out);
    if (c == 'n') return literal(ps, "null", JCS_NULL, out);
    return fail(ps, "unexpected character");
}

bool jcs_parse(jcs_document_t *doc, const char *json, size_t len, char *error, size_t error_size) {
    arena_free(&doc->arena);
    arena_init(&doc->arena);
    doc->root = NULL;
    doc->item_count = doc->member_count = 0;
    jcs_parser_t ps = {doc, json, json, json + len, error, error_size, 0};
    jcs_value_t *root;
    if (!parse_value(&ps, &root)) return false;
    skip_space(&ps);
    if (ps.p != ps.end) return fail(&ps, "trailing characters after the value");
    doc->root = root;
    return true;
}

jcs_type_t jcs_type(const jcs_value_t *value) { return value ? value->type : JCS_NULL; }

const jcs_value_t *jcs_get(const jcs_value_t *object, const char *name) {
    if (!object || object->type != JCS_OBJECT) return NULL;
    for (size_t i = 0; i < object->as.object.count; i++)
        if (text_equals_cstr(object->as.object.members[i].name, name)) return object->as.object.members[i].value;
    return NULL;
}

bool jcs_string(const jcs_value_t *value, text_t *out) {
    if (!value || value->type != JCS_STRING) return false;
    *out = value->as.string;
    return true;
}

bool jcs_number(const jcs_value_t *value, double *out) {
    if (!value || value->type != JCS_NUMBER) return false;
    *out = value->as.number;
    return true;
}

bool jcs_uint(const jcs_value_t *value, uint64_t *out) {
    double d;
    if (!jcs_number(value, &d) || d < 0 || d > 9007199254740992.0 || d != floor(d)) return false;
    *out = (uint64_t)d;
    return true;
}

size_t jcs_array_length(const jcs_value_t *value) {
    return value && value->type == JCS_ARRAY ? value->as.array.count : 0;
}

const jcs_value_t *jcs_array_item(const jcs_value_t *value, size_t index) {
    return index < jcs_array_length(value) ? value->as.array.items[index] : NULL;
}

bool jcs_member_string(const jcs_value_t *object, const char *name, text_t *out) {
    return jcs_string(jcs_get(object, name), out);
}

static bool reads_back(uint64_t mantissa, int exponent, double x) {
    char text[48];
    snprintf(text, sizeof text, "%llue%d", (unsigned long long)mantissa, exponent);
    return strtod(text, NULL) == x;
}

/* Shortest decimal digits that read back as x (x > 0), the closest such:
 * writes the digits and returns their count; *point is the decimal exponent n
 * with x = 0.d1d2...dk * 10^n. At powers of two the rounding interval is
 * lopsided, so the neighbours of the correctly rounded candidate are tried. */
static int shortest_digits(double x, char digits[24], int *point) {
    uint64_t mantissa = 0;
    int exponent = 0;
    for (int precision = 1; precision <= 17; precision++) {
        char text[40];
        snprintf(text, sizeof text, "%.*e", precision - 1, x);
        mantissa = 0;
        const char *p = text;
        for (; *p && *p != 'e'; p++)
            if (*p >= '0' && *p <= '9') mantissa = mantissa * 10 + (uint64_t)(*p - '0');
        exponent = atoi(p + 1) - (precision - 1);
        if (reads_back(mantissa, exponent, x)) break;
        if (reads_back(mantissa + 1, exponent, x)) { mantissa++; break; }
        if (mantissa > 1 && reads_back(mantissa - 1, exponent, x)) { mantissa--; break; }
    }
    int k = snprintf(digits, 24, "%llu", (unsigned long long)mantissa);
    *point = k + exponent;
    while (k > 1 && digits[k - 1] == '0') k--;
    return k;
}

void jcs_format_number(double number, buffer_t *out) {
    if (number == 0 || !isfinite(number)) {   /* non-finite never parses; print 0 defensively */
        buffer_append(out, "0", 1);
        return;
    }
    if (number < 0) { buffer_append(out, "-", 1); number = -number; }
    char d[24];
    int n, k = shortest_digits(number, d, &n);
    if (k <= n && n <= 21) {                        /* integer: digits then zeros */
        buffer_append(out, d, (size_t)k);
        for (int i = k; i < n; i++) buffer_append(out, "0", 1);
    } else if (0 < n && n <= 21) {                  /* point inside the digits */
        buffer_append(out, d, (size_t)n);
        buffer_append(out, ".", 1);
        buffer_append(out, d + n, (size_t)(k - n));
    } else if (-6 < n && n <= 0) {                  /* 0.000ddd */
        buffer_append(out, "0.", 2);
        for (int i = 0; i < -n; i++) buffer_append(out, "0", 1);
        buffer_append(out, d, (size_t)k);
    } else {                                        /* d.ddde+x */
        buffer_append(out, d, 1);
        if (k > 1) { buffer_append(out, ".", 1); buffer_append(out, d + 1, (size_t)(k - 1)); }
        buffer_printf(out, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
    }
}

void jcs_serialize(const jcs_value_t *value, const char *omit, buffer_t *out) {
    switch (value->type) {
    case JCS_NULL: buffer_append(out, "null", 4); return;
    case JCS_FALSE: buffer_append(out, "false", 5); return;
    case JCS_TRUE: buffer_append(out, "true", 4); return;
    case JCS_NUMBER: jcs_format_number(value->as.number, out); return;
    case JCS_STRING: buffer_json_string(out, value->as.string.ptr, value->as.string.len); return;
    case JCS_ARRAY:
        buffer_append(out, "[", 1);
        for (size_t i = 0; i < value->as.array.count; i++) {
            if (i) buffer_append(out, ",", 1);
            jcs_serialize(value->as.array.items[i], NULL, out);
        }
        buffer_append(out, "]", 1);
        return;
    case JCS_OBJECT: {
        buffer_append(out, "{", 1);
        bool first = true;
        for (size_t i = 0; i < value->as.object.count; i++) {
            const jcs_member_t *m = &value->as.object.members[i];
            if (omit && text_equals_cstr(m->name, omit)) continue;
            if (!first) buffer_append(out, ",", 1);
            first = false;
            buffer_json_string(out, m->name.ptr, m->name.len);
            buffer_append(out, ":", 1);
            jcs_serialize(m->value, NULL, out);
        }
        buffer_append(out, "}", 1);
        return;
    }
    }
}

bool jcs_canonicalize(const char *json, size_t len, buffer_t *out, char *error, size_t error_size) {
    jcs_document_t *doc = jcs_document_new();
    bool ok = jcs_parse(doc, json, len, error, error_size);
    if (ok) jcs_serialize(jcs_root(doc), NULL, out);
    jcs_document_free(doc);
    return ok;
}
