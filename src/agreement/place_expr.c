/* place_expr: zones computed from other places, `place NAME "…" = EXPR`:
 *   EXPR := TERM {and|or|minus TERM}     one operator per level; mixing needs ( )
 *   TERM := NAME | ( EXPR ) | within N km of TERM
 * `and` intersects, `or` unites, `minus` subtracts (GEOS); `within N km of`
 * buffers a line, a point or a zone (geo/buffer.c). Everything is computed
 * once, here, at load: the engine only ever tests the resulting zone. */
#include "agreement/parser.h"

#include <string.h>

/* A term's value: a zone we own, or a place we borrow (its zone, line or point). */
typedef struct {
    zone_t *owned;
    const place_t *place;
    bool illustrative;
    int line, column;
} term_t;

static const zone_t *term_zone(const term_t *t) { return t->owned ? t->owned : t->place ? t->place->zone : NULL; }

static void term_release(term_t *t) {
    zone_free(t->owned);
    t->owned = NULL;
}

static bool parse_expression(parser_t *p, term_t *out, int depth);

static bool fail_geometry(parser_t *p, int line, int column, const diagnostic_t *why) {
    parser_error_at(p, line, column, "%s", why->message);
    return false;
}

/* within N km of TERM */
static bool parse_within(parser_t *p, term_t *out, int depth) {
    int line = p->token.line, column = p->token.column;
    double km;
    if (!parser_expect_number(p, "a distance", &km) || !parser_expect_word(p, "km") || !parser_expect_word(p, "of"))
        return false;
    if (!(km > 0)) {
        parser_error_at(p, line, column, "a buffer distance must be positive (got %g km)", km);
        return false;
    }
    term_t of = {0};
    int of_line = p->token.line, of_column = p->token.column;
    if (!parse_expression(p, &of, depth + 1)) return false;
    diagnostic_t why = {0};
    const place_t *place = of.place;
    if (of.owned || (place && place->zone)) out->owned = zone_buffer(term_zone(&of), km, &why);
    else if (place && place->polyline) out->owned = line_buffer(place->polyline, km, &why);
    else if (place && place->has_point) out->owned = point_buffer(place->lon, place->lat, km, &why);
    else {
        parser_error_at(p, of_line, of_column, "'%s' has no geometry (no line, point or zone) to measure from",
                        place ? place->name : "?");
        return false;
    }
    out->illustrative = of.illustrative;
    term_release(&of);
    return out->owned ? true : fail_geometry(p, line, column, &why);
}

static bool parse_term(parser_t *p, term_t *out, int depth) {
    memset(out, 0, sizeof *out);
    out->line = p->token.line;
    out->column = p->token.column;
    if (depth > 32) return parser_error(p, "a place expression nested too deeply");
    if (parser_accept_punct(p, "(")) return parse_expression(p, out, depth + 1) && parser_expect_punct(p, ")");
    if (parser_accept_word(p, "within")) return parse_within(p, out, depth);
    int index = parser_expect_reference(p, "place");
    if (index < 0) return false;
    out->place = &p->a->places[index];
    out->illustrative = out->place->illustrative;
    if (!out->place->zone && !out->place->polyline && !out->place->has_point && p->place_broken[index])
        return p->statement_failed = true, false; /* its own line already said why */
    return true;
}

typedef zone_t *(*combine_fn)(const zone_t *, const zone_t *, diagnostic_t *);

static bool combine(parser_t *p, term_t *left, term_t *right, const char *op, combine_fn fn) {
    const zone_t *a = term_zone(left), *b = term_zone(right);
    const term_t *flat = !a ? left : !b ? right : NULL;
    if (flat) {
        const char *name = flat->place ? flat->place->name : "?";
        parser_error_at(p, flat->line, flat->column,
                        "'%s' is %s, not an area: `%s` combines zones (use `within N km of %s` for a zone around it)",
                        name, flat->place && flat->place->polyline ? "a line" : flat->place && flat->place->has_point ? "a point" : "a name without geometry",
                        op, name);
        return false;
    }
    diagnostic_t why = {0};
    zone_t *result = fn(a, b, &why);
    if (!result) return fail_geometry(p, left->line, left->column, &why);
    term_release(left);
    term_release(right);
    left->owned = result;
    left->place = NULL;
    left->illustrative = left->illustrative || right->illustrative; /* derived from a drawing: still one */
    return true;
}

static bool parse_expression(parser_t *p, term_t *out, int depth) {
    static const struct {
        const char *word;
        combine_fn fn;
    } operators[] = {{"and", zone_intersection}, {"or", zone_union}, {"minus", zone_difference}};
    if (!parse_term(p, out, depth)) return false;
    int chosen = -1;
    for (;;) {
        int op = -1;
        for (int i = 0; i < 3; i++)
            if (parser_at_word(p, operators[i].word)) op = i;
        if (op < 0) return true;
        if (chosen >= 0 && op != chosen) {
            term_release(out);
            return parser_error(p, "'%s' after '%s': group them with parentheses, e.g. (A %s B) %s C",
                                operators[op].word, operators[chosen].word, operators[chosen].word, operators[op].word);
        }
        chosen = op;
        parser_next(p);
        term_t right;
        if (!parse_term(p, &right, depth) || !combine(p, out, &right, operators[op].word, operators[op].fn)) {
            term_release(&right);
            term_release(out);
            return false;
        }
    }
}

/* The text of the expression as written: from its first token up to the
 * current one, or to the end of the line or a comment. */
static char *expression_text(parser_t *p, const char *start) {
    const char *stop = start, *end = p->lexer.text + p->lexer.len;
    bool on_line = p->token.type == TOKEN_WORD || p->token.type == TOKEN_PUNCT || p->token.type == TOKEN_NUMBER;
    if (on_line) stop = p->token.text.ptr;
    else
        while (stop < end && *stop != '\n' && *stop != '#') stop++;
    while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t' || stop[-1] == '\r')) stop--;
    return arena_strndup(&p->a->arena, start, (size_t)(stop - start));
}

bool parser_place_expression(parser_t *p, place_t *place) {
    const char *start = p->token.text.ptr;
    term_t result;
    if (!parse_expression(p, &result, 0)) return false;
    place->expression = expression_text(p, start);
    bool marked = parser_accept_word(p, "illustrative");
    place->illustrative = marked || result.illustrative;
    if (result.owned) {
        place->zone = result.owned;
        return true;
    }
    /* `= NAME` alone: a copy of that place's area. */
    const zone_t *zone = term_zone(&result);
    if (!zone) return parser_error_at_name(p, "'%s' has no area to copy", result.place ? result.place->name : "?");
    diagnostic_t why = {0};
    place->zone = zone_union(zone, zone, &why);
    return place->zone ? true : fail_geometry(p, result.line, result.column, &why);
}
