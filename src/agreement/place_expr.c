/* place_expr: zones computed from other places, `place NAME "…" = EXPR`:
 *   EXPR := TERM {and|or|minus TERM}     one operator per level; mixing needs ( )
 *   TERM := NAME | ( EXPR ) | within N km of TERM
 * `and` intersects, `or` unites, `minus` subtracts (GEOS); `within N km of`
 * buffers a line, a point or a zone (geo/buffer.c). Everything is computed
 * once, here, at load: the engine only ever tests the resulting zone. When
 * the expression names places declared in versions, it is evaluated once per
 * period between their boundaries, and the result has a version for each. */
#include "agreement/parser.h"

#include <stdlib.h>
#include <string.h>

/* A term's value: a zone we own, or a place we borrow (its zone, line or
 * point, in the version of p->place_time); absent when that place has no
 * version then. */
typedef struct {
    zone_t *owned;
    const place_t *place;
    const zone_t *zone;        /* the borrowed place's zone in force */
    const geo_line_t *polyline;
    bool absent;
    bool illustrative;
    int line, column;
} term_t;

static const zone_t *term_zone(const term_t *t) { return t->owned ? t->owned : t->zone; }

static void note_bound(parser_t *p, time_ms_t t) {
    if (t == TIME_NONE) return;
    for (int i = 0; i < p->place_bound_count; i++)
        if (p->place_bounds[i] == t) return;
    *GROW(p->place_bounds, p->place_bound_count) = t;
}

static void term_release(term_t *t) {
    zone_free(t->owned);
    t->owned = NULL;
}

static bool parse_expression(parser_t *p, term_t *out, int depth);
static bool parse_term(parser_t *p, term_t *out, int depth);

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
    if (!parse_term(p, &of, depth + 1)) return false;
    if (of.absent) return out->absent = true;
    diagnostic_t why = {0};
    const place_t *place = of.place;
    if (term_zone(&of)) out->owned = zone_buffer(term_zone(&of), km, &why);
    else if (of.polyline) out->owned = line_buffer(of.polyline, km, &why);
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
    if (parser_accept_punct(p, "(")) {
        if (!parse_expression(p, out, depth + 1)) return false;
        if (parser_expect_punct(p, ")")) return true;
        term_release(out);
        return false;
    }
    if (parser_accept_word(p, "within")) return parse_within(p, out, depth);
    int index = parser_expect_reference(p, "place");
    if (index < 0) return false;
    const place_t *place = out->place = &p->a->places[index];
    out->illustrative = place->illustrative;
    if (!place->zone && !place->polyline && !place->has_point && p->place_broken[index])
        return p->statement_failed = true, false; /* its own line already said why */
    for (int v = 0; v < place->version_count; v++) {
        note_bound(p, place->versions[v].from);
        note_bound(p, place->versions[v].until);
    }
    bool latest = p->place_time == TIME_NONE || !place->version_count;
    out->zone = latest ? place->zone : place_zone_at(place, p->place_time);
    out->polyline = latest ? place->polyline : place_line_at(place, p->place_time);
    out->absent = !latest && !out->zone && !out->polyline;
    return true;
}

typedef zone_t *(*combine_fn)(const zone_t *, const zone_t *, diagnostic_t *);

/* A place with no version in force is nothing: `A and nothing` is nothing,
 * `A or nothing` and `A minus nothing` are A, `nothing or B` is B. */
static bool combine_absent(term_t *left, term_t *right, const char *op) {
    if (left->absent && !right->absent && !strcmp(op, "or")) {
        term_release(left);
        *left = *right;
        return true;
    }
    if (!left->absent && right->absent && strcmp(op, "and")) return true;
    term_release(left);
    term_release(right);
    left->absent = true;
    left->zone = NULL;
    left->polyline = NULL;
    return true;
}

static bool combine(parser_t *p, term_t *left, term_t *right, const char *op, combine_fn fn) {
    if (left->absent || right->absent) return combine_absent(left, right, op);
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
    left->zone = NULL;
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

/* One evaluation of the expression at p->place_time, as a zone we own; NULL
 * and *absent when nothing it names is in force then. */
static zone_t *evaluate(parser_t *p, term_t *result, bool *absent) {
    *absent = false;
    if (!parse_expression(p, result, 0)) return NULL;
    if (result->absent) {
        *absent = true;
        return NULL;
    }
    if (result->owned) return result->owned;
    /* `= NAME` alone: a copy of that place's area. */
    const zone_t *zone = term_zone(result);
    if (!zone) {
        parser_error_at(p, result->line, result->column, "'%s' has no area to copy",
                        result->place ? result->place->name : "?");
        return NULL;
    }
    diagnostic_t why = {0};
    zone_t *copy = zone_union(zone, zone, &why);
    if (!copy) fail_geometry(p, result->line, result->column, &why);
    return copy;
}

static int compare_times(const void *a, const void *b) {
    time_ms_t x = *(const time_ms_t *)a, y = *(const time_ms_t *)b;
    return x < y ? -1 : x > y;
}

/* A version of the computed place per period between the boundaries met. */
static bool evaluate_versions(parser_t *p, place_t *place, lexer_t start_lexer, token_t start_token) {
    int count = p->place_bound_count;
    time_ms_t *bounds = xmalloc(sizeof *bounds * (size_t)count);
    memcpy(bounds, p->place_bounds, sizeof *bounds * (size_t)count);
    qsort(bounds, (size_t)count, sizeof *bounds, compare_times);
    lexer_t end_lexer = p->lexer;
    token_t end_token = p->token;
    bool ok = true;
    for (int i = 0; ok && i <= count; i++) {
        time_ms_t from = i ? bounds[i - 1] : TIME_NONE, until = i < count ? bounds[i] : TIME_NONE;
        p->lexer = start_lexer;
        p->token = start_token;
        p->place_time = i ? from : until - 1;
        term_t result;
        bool absent;
        zone_t *zone = evaluate(p, &result, &absent);
        if (!zone && !absent) ok = false;
        if (zone) {
            place->versions = xrealloc(place->versions, sizeof *place->versions * (size_t)(place->version_count + 1));
            place->versions[place->version_count++] = (place_version_t){zone, NULL, from, until, NULL, place->line};
        }
    }
    p->lexer = end_lexer;
    p->token = end_token;
    p->place_time = TIME_NONE;
    free(bounds);
    if (ok && place->version_count) {
        place->zone = place->versions[place->version_count - 1].zone;
        return true;
    }
    for (int v = 0; v < place->version_count; v++) zone_free(place->versions[v].zone);
    free(place->versions);
    place->versions = NULL;
    place->version_count = 0;
    return ok && parser_error(p, "nothing this place is computed from is in force at any time");
}

bool parser_place_expression(parser_t *p, place_t *place) {
    const char *start = p->token.text.ptr;
    lexer_t start_lexer = p->lexer;
    token_t start_token = p->token;
    p->place_time = TIME_NONE;
    p->place_bound_count = 0;
    term_t result;
    bool absent;
    zone_t *latest = evaluate(p, &result, &absent);
    if (!latest) return false;
    place->expression = expression_text(p, start);
    bool marked = parser_at_word(p, "illustrative");
    place->illustrative = marked || result.illustrative;
    if (!p->place_bound_count) {
        place->zone = latest;
        return parser_accept_word(p, "illustrative") || true;
    }
    zone_free(latest);   /* evaluated again, once per period */
    if (!evaluate_versions(p, place, start_lexer, start_token)) return false;
    return parser_accept_word(p, "illustrative") || true;
}
