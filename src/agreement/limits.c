/* limits: what lint refuses because truce could not hold it to the letter:
 * more places, kinds or sources than the engine's 16-bit fields of a stored
 * report can number (rules, events and points: agreement.c), and key
 * registries that would let a signature stand for the wrong source (an
 * all-zero public key, one key registered for two sources). */
#include <string.h>

#include "agreement/parser.h"

/* One count against the cap, the error on the first item past it. */
static void check_count(parser_t *p, const char *what, int count, int first_line_past) {
    if (count <= AGREEMENT_MAX_ITEMS) return;
    parser_error_at(p, first_line_past, 1, "the agreement has %d %s; truce supports at most %d "
                    "(a stored report names them in 16 bits)", count, what, AGREEMENT_MAX_ITEMS);
}

static void check_counts(parser_t *p) {
    const agreement_t *a = p->a;
    const int past = AGREEMENT_MAX_ITEMS;   /* index of the first item past the cap */
    check_count(p, "places and targets (one per point included)", a->place_count,
                a->place_count > past ? a->places[past].line : 0);
    check_count(p, "kinds", a->kind_count, a->kind_count > past ? a->kinds[past].line : 0);
    check_count(p, "sources", a->source_count, a->source_count > past ? a->sources[past].line : 0);
}

/* Sources are few (tens): comparing every pair costs nothing. */
static void check_keys(parser_t *p) {
    static const uint8_t zero[32];
    const agreement_t *a = p->a;
    for (int i = 0; i < a->source_count; i++) {
        const source_t *s = &a->sources[i];
        if (!s->has_key) continue;
        if (!memcmp(s->key, zero, sizeof zero))
            parser_error_at(p, s->line, 1, "source %s: the all-zero public key is no key (anyone's signature "
                            "could be made to verify); register its real key", s->name);
        for (int j = 0; j < i; j++)
            if (a->sources[j].has_key && !memcmp(a->sources[j].key, s->key, sizeof s->key))
                parser_error_at(p, s->line, 1, "source %s has the same public key as %s (line %d): "
                                "each source needs a key of its own", s->name, a->sources[j].name, a->sources[j].line);
    }
}

void parser_check_limits(parser_t *p) {
    check_counts(p);
    check_keys(p);
}
