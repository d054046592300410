/* base: implementation of the shared helpers declared in base.h — arena,
 * allocation, hashing, growable buffers and diagnostics. Times live in time.c. */
#include "base/base.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

text_t text_of(const char *cstring) { return (text_t){cstring, strlen(cstring)}; }

bool text_equals(text_t a, text_t b) {
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool text_equals_cstr(text_t a, const char *cstring) { return text_equals(a, text_of(cstring)); }

int text_compare(text_t a, text_t b) {
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c) return c;
    return (a.len > b.len) - (a.len < b.len);
}

static void out_of_memory(size_t size) {
    fprintf(stderr, "truce: fatal: out of memory (asked for %zu bytes)\n", size);
    abort();
}

void *xmalloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p) out_of_memory(size);
    return p;
}

void *xcalloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) out_of_memory(count * size);
    return p;
}

void *xrealloc(void *pointer, size_t size) {
    void *p = realloc(pointer, size ? size : 1);
    if (!p) out_of_memory(size);
    return p;
}

char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

struct arena_block {
    arena_block_t *next;
    size_t size, used;
    _Alignas(16) char data[];
};

void arena_init(arena_t *arena) { arena->head = NULL; arena->used = 0; }

void arena_free(arena_t *arena) {
    if (!arena) return;
    arena_block_t *b = arena->head;
    while (b) {
        arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    arena->head = NULL;
    arena->used = 0;
}

void *arena_alloc(arena_t *arena, size_t size) {
    size = (size + 7) & ~(size_t)7;
    arena_block_t *b = arena->head;
    if (!b || b->size - b->used < size) {
        size_t cap = size > 60000 ? size : 64000;
        b = xmalloc(sizeof *b + cap);
        b->size = cap;
        b->used = 0;
        b->next = arena->head;
        arena->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    arena->used += size;
    return p;
}

char *arena_strndup(arena_t *arena, const char *s, size_t len) {
    char *p = arena_alloc(arena, len + 1);
    if (len) memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

text_t arena_text(arena_t *arena, text_t t) {
    return (text_t){arena_strndup(arena, t.ptr, t.len), t.len};
}

/* FNV-1a folded with a final mixer: short keys (ids, names) dominate, and this
 * is fast and well spread for them. */
uint64_t hash_bytes(const void *data, size_t len, uint64_t seed) {
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL ^ seed;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static uint64_t mix64(uint64_t h) {
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

uint64_t hash_fast(const void *data, size_t len, uint64_t seed) {
    const unsigned char *p = data;
    uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ULL);
    while (len >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        h = mix64(h ^ word);
        p += 8;
        len -= 8;
    }
    uint64_t tail = 0;
    memcpy(&tail, p, len);
    return mix64(h ^ tail ^ ((uint64_t)len << 56));
}

void diagnostic_set(diagnostic_t *d, const char *file, int line, int column,
                    const char *format, ...) {
    snprintf(d->file, sizeof d->file, "%s", file ? file : "");
    d->line = line;
    d->column = column;
    va_list ap;
    va_start(ap, format);
    vsnprintf(d->message, sizeof d->message, format, ap);
    va_end(ap);
}

diagnostic_t *diagnostics_add(diagnostics_t *list) {
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? list->capacity * 2 : 8;
        list->items = xrealloc(list->items, list->capacity * sizeof *list->items);
    }
    diagnostic_t *d = &list->items[list->count++];
    memset(d, 0, sizeof *d);
    return d;
}

size_t diagnostics_errors(const diagnostics_t *list) {
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++) n += !list->items[i].warning;
    return n;
}

void diagnostics_free(diagnostics_t *list) {
    free(list->items);
    list->items = NULL;
    list->count = list->capacity = 0;
}

void buffer_append(buffer_t *b, const void *data, size_t len) {
    if (b->len + len + 1 > b->capacity) {
        size_t cap = b->capacity ? b->capacity : 256;
        while (cap < b->len + len + 1) cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->capacity = cap;
    }
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void buffer_puts(buffer_t *b, const char *s) { buffer_append(b, s, strlen(s)); }

void buffer_printf(buffer_t *b, const char *format, ...) {
    char small[512];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(small, sizeof small, format, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        buffer_append(b, small, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, format);
    vsnprintf(big, (size_t)n + 1, format, ap);
    va_end(ap);
    buffer_append(b, big, (size_t)n);
    free(big);
}

void buffer_json_string(buffer_t *b, const char *s, size_t len) {
    static const char hex[] = "0123456789abcdef";
    buffer_append(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        buffer_append(b, s + start, i - start);
        char esc[6] = {'\\', 0};
        size_t n = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        buffer_append(b, esc, n);
        start = i + 1;
    }
    buffer_append(b, s + start, len - start);
    buffer_append(b, "\"", 1);
}

bool buffer_read_file(buffer_t *b, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buffer_append(b, chunk, n);
    bool ok = !ferror(f);
    fclose(f);
    buffer_append(b, "", 0); /* NUL-terminated even when empty */
    return ok;
}

void buffer_free(buffer_t *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->capacity = 0;
}
