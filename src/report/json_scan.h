/* json_scan: a strict, allocation-free JSON scanner for the flat objects of
 * the interchange format. Internal to src/report; the report parser drives it
 * field by field. Why our own: see json_scan.c. */
#ifndef TRUCE_REPORT_JSON_SCAN_H
#define TRUCE_REPORT_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/base.h"

typedef struct {
    const char *p, *end;
    char *scratch;          /* unescaped strings go here when they hold escapes */
    size_t scratch_used, scratch_size;
    const char *error;      /* static reason of the first failure */
} json_scan_t;

void json_skip_space_slow(json_scan_t *s);

/* Inline: called several times per field, and compact JSON has no space. */
static inline void json_skip_space(json_scan_t *s) {
    if (s->p < s->end && (unsigned char)*s->p > ' ') return;
    json_skip_space_slow(s);
}

static inline bool json_expect(json_scan_t *s, char c) {
    json_skip_space(s);
    if (s->p < s->end && *s->p == c) {
        s->p++;
        return true;
    }
    return false;
}
/* Reads a string value; out borrows the input (no escapes) or the scratch. */
bool json_string(json_scan_t *s, text_t *out);
bool json_number(json_scan_t *s, double *out);
/* Reads an object member's name. When it is plain ASCII of at most 7 bytes,
 * *packed holds it as an integer (bytes in order, length in the top byte) for
 * a match without string compares; otherwise *packed is 0. */
bool json_key(json_scan_t *s, text_t *key, uint64_t *packed);
/* The packed form of a name, as json_key gives it. */
uint64_t json_pack_name(const char *name, size_t len);
/* Skips any JSON value (for fields the spec does not define yet). */
bool json_skip_value(json_scan_t *s, int depth);
bool json_fail(json_scan_t *s, const char *reason);

#endif
