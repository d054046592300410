/* parser: reads the agreement language (docs/language.md) into an agreement_t.
 * One statement per line; a statement that fails records a file:line:column
 * diagnostic and the parser skips to the next line, so that one run reports
 * every problem. Names must be declared before use; point labels named by
 * consequences may come later and are resolved at the end (resolve.c). */
#include "agreement/parser.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

/* ------------------------------------------------------------------ tokens */

void parser_next(parser_t *p) {
    p->token = lexer_next(&p->lexer);
    if (p->token.type == TOKEN_ERROR && !p->statement_failed) /* one error per statement */
        parser_error_at(p, p->token.line, p->token.column, "%s", p->lexer.error);
}

static void add_error(parser_t *p, int line, int column, const char *format, va_list ap) {
    char message[256];
    vsnprintf(message, sizeof message, format, ap);
    diagnostic_set(diagnostics_add(p->errors), p->path, line, column, "%s", message);
    p->statement_failed = true;
}

void parser_error_at(parser_t *p, int line, int column, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    add_error(p, line, column, format, ap);
    va_end(ap);
}

void parser_warning_at(parser_t *p, int line, int column, const char *format, ...) {
    char message[256];
    va_list ap;
    va_start(ap, format);
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    diagnostic_t *d = diagnostics_add(p->errors);
    diagnostic_set(d, p->path, line, column, "%s", message);
    d->warning = true;
}

/* Reports an error at the current token; returns false so callers can
 * `return parser_error(...)`. Only the first error of a statement is kept. */
bool parser_error(parser_t *p, const char *format, ...) {
    if (p->statement_failed) return false;
    va_list ap;
    va_start(ap, format);
    add_error(p, p->token.line, p->token.column, format, ap);
    va_end(ap);
    return false;
}

bool parser_error_at_name(parser_t *p, const char *format, ...) {
    if (p->statement_failed) return false;
    va_list ap;
    va_start(ap, format);
    add_error(p, p->name_line, p->name_column, format, ap);
    va_end(ap);
    return false;
}

bool parser_at_word(const parser_t *p, const char *word) {
    return p->token.type == TOKEN_WORD && text_equals_cstr(p->token.text, word);
}

bool parser_at_punct(const parser_t *p, const char *punct) {
    return p->token.type == TOKEN_PUNCT && text_equals_cstr(p->token.text, punct);
}

bool parser_at_line_end(const parser_t *p) {
    return p->token.type == TOKEN_NEWLINE || p->token.type == TOKEN_END;
}

bool parser_accept_word(parser_t *p, const char *word) {
    if (!parser_at_word(p, word)) return false;
    parser_next(p);
    return true;
}

bool parser_accept_punct(parser_t *p, const char *punct) {
    if (!parser_at_punct(p, punct)) return false;
    parser_next(p);
    return true;
}

bool parser_expect_word(parser_t *p, const char *word) {
    if (parser_accept_word(p, word)) return true;
    const char *const keywords[] = {word, NULL};
    char hint[96] = "";
    if (p->token.type == TOKEN_WORD) parser_keyword_hint(p->token.text, keywords, hint, sizeof hint);
    if (hint[0]) return parser_error(p, "unknown word '%.*s'%s", (int)p->token.text.len, p->token.text.ptr, hint);
    return parser_error(p, "expected '%s'", word);
}

bool parser_expect_punct(parser_t *p, const char *punct) {
    if (parser_accept_punct(p, punct)) return true;
    return parser_error(p, "expected '%s'", punct);
}

/* A name: a word, or a quoted string for names with spaces ("Saint Petersburg"). */
char *parser_expect_name(parser_t *p, const char *what) {
    char *name = NULL;
    p->name_line = p->token.line;
    p->name_column = p->token.column;
    if (p->token.type == TOKEN_WORD || p->token.type == TOKEN_NUMBER)
        name = arena_strndup(&p->a->arena, p->token.text.ptr, p->token.text.len);
    else if (p->token.type == TOKEN_STRING)
        name = lexer_string_value(&p->a->arena, p->token.text);
    if (!name) {
        parser_error(p, "expected %s", what);
        return NULL;
    }
    parser_next(p);
    return name;
}

char *parser_optional_string(parser_t *p) {
    if (p->token.type != TOKEN_STRING) return NULL;
    char *s = lexer_string_value(&p->a->arena, p->token.text);
    parser_next(p);
    return s;
}

bool parser_expect_number(parser_t *p, const char *what, double *out) {
    if (p->token.type != TOKEN_NUMBER) return parser_error(p, "expected %s (a number)", what);
    *out = p->token.number;
    parser_next(p);
    return true;
}

/* Grows a malloc'd array by one element, returning a zeroed slot. */
void *parser_grow(void **array, int *count, size_t element_size) {
    int n = *count;
    if ((n & (n - 1)) == 0) { /* 0, 1, 2, 4, ...: double the capacity */
        size_t capacity = n ? (size_t)n * 2 : 4;
        *array = xrealloc(*array, capacity * element_size);
    }
    char *slot = (char *)*array + (size_t)n * element_size;
    memset(slot, 0, element_size);
    (*count)++;
    return slot;
}

/* ------------------------------------------------------------- references */

/* The i-th declared name of a table: what is "party", "kind", "place",
 * "source", "event" or "point". NULL past its end. */
static const char *declared_name(const agreement_t *a, const char *what, int i) {
    if (!strcmp(what, "party")) return i < a->party_count ? a->parties[i].code : NULL;
    if (!strcmp(what, "kind")) return i < a->kind_count ? a->kinds[i].name : NULL;
    if (!strcmp(what, "place")) return i < a->place_count ? a->places[i].name : NULL;
    if (!strcmp(what, "source")) return i < a->source_count ? a->sources[i].name : NULL;
    if (!strcmp(what, "event")) return i < a->event_count ? a->events[i].name : NULL;
    if (!strcmp(what, "point")) return i < a->point_count ? a->points[i].label : NULL;
    return NULL;
}

static int lookup_by_name(const parser_t *p, const char *what, const char *name) {
    const char *declared;
    for (int i = 0; (declared = declared_name(p->a, what, i)); i++)
        if (!strcmp(declared, name)) return i;
    return -1;
}

void parser_keyword_hint(text_t word, const char *const *keywords, char *out, size_t size) {
    suggestion_t s;
    suggest_init(&s, word);
    for (; *keywords; keywords++) suggest_consider(&s, *keywords);
    suggest_hint(&s, out, size);
}

void parser_name_hint(const agreement_t *a, const char *what, text_t word, char *out, size_t size) {
    suggestion_t s;
    const char *declared;
    suggest_init(&s, word);
    for (int i = 0; (declared = declared_name(a, what, i)); i++) suggest_consider(&s, declared);
    suggest_hint(&s, out, size);
}

static const char *declare_hint(const char *what) {
    if (!strcmp(what, "party")) return " (declare it with: party CODE \"Name\")";
    if (!strcmp(what, "kind")) return " (declare it with: kind NAME needs FIELD, ...)";
    if (!strcmp(what, "place")) return " (declare it with: place or object)";
    if (!strcmp(what, "event")) return " (declare it with: event NAME = KIND ...)";
    return "";
}

/* Reads a name and resolves it to an index of the given table. */
int parser_expect_reference(parser_t *p, const char *what) {
    int line = p->token.line, column = p->token.column;
    char *name = parser_expect_name(p, what);
    if (!name) return -1;
    int index = lookup_by_name(p, what, name);
    if (index < 0 && !p->statement_failed && !strcmp(what, "party") && agreement_member(p->a, text_of(name)) >= 0) {
        parser_error_at(p, line, column, "'%s' is a member of party '%s': rules bind the side, name it instead", name,
                        p->a->parties[p->a->members[agreement_member(p->a, text_of(name))].party].code);
    } else if (index < 0 && !p->statement_failed) {
        char hint[160];
        parser_name_hint(p->a, what, text_of(name), hint, sizeof hint);
        parser_error_at(p, line, column, "unknown %s '%s'%s", what, name, hint[0] ? hint : declare_hint(what));
    }
    return index;
}

/* PARTY {, PARTY} or `any`: a bit set of parties. */
bool parser_expect_parties(parser_t *p, uint32_t *parties) {
    *parties = 0;
    if (parser_accept_word(p, "any")) {
        parser_accept_word(p, "party");
        *parties = p->a->party_count >= 32 ? 0xffffffffu : (1u << p->a->party_count) - 1;
        return true;
    }
    do {
        int party = parser_expect_reference(p, "party");
        if (party < 0) return false;
        *parties |= 1u << party;
    } while (parser_accept_punct(p, ","));
    return true;
}

/* ------------------------------------------------------------ declarations */

static bool parse_agreement_header(parser_t *p) {
    p->a->name = parser_expect_name(p, "the agreement's name");
    p->a->title = parser_optional_string(p);
    return p->a->name != NULL;
}

static source_t *add_source(parser_t *p, const char *name, source_class_t class, int party, int line) {
    if (agreement_source(p->a, text_of(name)) >= 0) {
        parser_error_at_name(p, "source '%s' is declared twice", name);
        return NULL;
    }
    source_t *s = GROW(p->a->sources, p->a->source_count);
    s->name = arena_strndup(&p->a->arena, name, strlen(name));
    s->class = class;
    s->party = party;
    s->line = line;
    return s;
}

static bool parse_party(parser_t *p) {
    int line = p->token.line;
    char *code = parser_expect_name(p, "a party code such as UA");
    if (!code) return false;
    if (!strcmp(code, "any") || !strcmp(code, "violator")) /* rules would read it as the keyword */
        return parser_error_at_name(p, "'%s' cannot be a party code: in rules and consequences it means %s; "
                                       "choose another code", code, code[0] == 'a' ? "every party" : "the violator");
    if (agreement_party(p->a, text_of(code)) >= 0) return parser_error_at_name(p, "party '%s' is declared twice", code);
    if (agreement_member(p->a, text_of(code)) >= 0)
        return parser_error_at_name(p, "'%s' is already a member of party '%s'", code,
                                    p->a->parties[p->a->members[agreement_member(p->a, text_of(code))].party].code);
    if (p->a->party_count >= AGREEMENT_MAX_PARTIES) return parser_error(p, "too many parties (at most %d)", AGREEMENT_MAX_PARTIES);
    party_t *party = GROW(p->a->parties, p->a->party_count);
    party->code = code;
    party->name = parser_optional_string(p);
    party->line = line;
    char source_name[96];
    snprintf(source_name, sizeof source_name, "party:%s", code);
    source_t *s = add_source(p, source_name, SOURCE_PARTY, p->a->party_count - 1, line);
    if (s) s->description = party->name;
    if (s && parser_accept_punct(p, "=")) return parser_side_members(p, p->a->party_count - 1);
    return s != NULL;
}

/* `= DPR ["name"], LPR ["name"]` after a party: its members, each a source
 * of its own (party:DPR) speaking for the side. */
bool parser_side_members(parser_t *p, int side) {
    do {
        int line = p->token.line;
        char *code = parser_expect_name(p, "a member's code such as DPR");
        if (!code) return false;
        if (agreement_party(p->a, text_of(code)) >= 0 || agreement_member(p->a, text_of(code)) >= 0)
            return parser_error_at_name(p, "'%s' is already a party or a member of one", code);
        member_t *member = GROW(p->a->members, p->a->member_count);
        *member = (member_t){code, parser_optional_string(p), side, line};
        char source_name[96];
        snprintf(source_name, sizeof source_name, "party:%s", code);
        source_t *s = add_source(p, source_name, SOURCE_PARTY, side, line);
        if (!s) return false;
        s->description = member->name ? member->name : p->a->parties[side].name;
    } while (parser_accept_punct(p, ","));
    return true;
}

static bool parse_source(parser_t *p, source_class_t class) {
    int line = p->token.line;
    char *name = parser_expect_name(p, "a source name such as monitor:osce");
    if (!name) return false;
    int council = class == SOURCE_COUNCIL ? agreement_council(p->a) : -1;
    if (council >= 0) /* one key signs the tree heads */
        return parser_error_at_name(p, "the council is declared twice (already '%s', line %d)",
                                    p->a->sources[council].name, p->a->sources[council].line);
    source_t *s = add_source(p, name, class, -1, line);
    if (s) s->description = parser_optional_string(p);
    return s != NULL;
}

static bool parse_body(parser_t *p) {
    /* Bodies are named for readers; they do not report unless declared as a
     * monitor or the council too. */
    return parser_expect_name(p, "a body's name") && (parser_optional_string(p), true);
}

static unsigned field_bit(text_t word) {
    static const char *names[] = {"actor", "to", "at", "target", "value", "cause", "refs", "stance"};
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++)
        if (text_equals_cstr(word, names[i])) return 1u << i;
    return 0;
}

static bool parse_kind(parser_t *p) {
    int line = p->token.line;
    char *name = parser_expect_name(p, "a report kind such as forces.present");
    if (!name) return false;
    if (agreement_kind(p->a, text_of(name)) >= 0) return parser_error_at_name(p, "kind '%s' is declared twice", name);
    unsigned required = 0;
    if (parser_accept_word(p, "needs")) {
        do {
            unsigned bit = p->token.type == TOKEN_WORD ? field_bit(p->token.text) : 0;
            if (!bit) {
                static const char *const fields[] = {"actor", "to", "at", "target", "value", "cause", "refs", "stance", NULL};
                char hint[96] = "";
                if (p->token.type == TOKEN_WORD) parser_keyword_hint(p->token.text, fields, hint, sizeof hint);
                return parser_error(p, "expected a report field (actor, to, at, target, value, cause, refs, stance)%s", hint);
            }
            required |= bit;
            parser_next(p);
        } while (parser_accept_punct(p, ","));
    }
    kind_t *kind = GROW(p->a->kinds, p->a->kind_count);
    kind->name = name;
    kind->required = required;
    kind->line = line;
    return true;
}

/* Zone and key files are named relative to the agreement's folder. */
void parser_join_path(const parser_t *p, const char *file, char *out, size_t size) {
    buffer_t path = {0};
    if (file[0] != '/' && p->folder[0]) buffer_printf(&path, "%s/", p->folder);
    buffer_puts(&path, file);
    size_t n = path.len < size - 1 ? path.len : size - 1;
    memcpy(out, path.data, n);
    out[n] = '\0';
    buffer_free(&path);
}

static bool parse_place_geometry(parser_t *p, place_t *place) {
    for (;;) {
        if (parser_accept_word(p, "at")) {
            if (!parser_expect_number(p, "a longitude", &place->lon)) return false;
            parser_accept_punct(p, ",");
            if (!parser_expect_number(p, "a latitude", &place->lat)) return false;
            if (place->lon < -180 || place->lon > 180 || place->lat < -90 || place->lat > 90)
                return parser_error(p, "coordinates out of range: longitude then latitude, in degrees");
            place->has_point = true;
        } else if (parser_accept_word(p, "radius")) {
            double km = 0;
            if (!parser_expect_number(p, "a radius", &km) || !parser_expect_word(p, "km")) return false;
            if (!place->has_point) return parser_error(p, "radius needs a centre: write `at LON, LAT` first");
            if (km <= 0) return parser_error(p, "radius must be positive");
            zone_free(place->zone);
            place->zone = zone_circle(place->lon, place->lat, km);
            if (!place->zone) return parser_error(p, "a circle of %g km here would reach a pole or cross 180 degrees", km);
        } else if (parser_accept_word(p, "file")) {
            int line = p->token.line, column = p->token.column;
            char *file = parser_optional_string(p);
            if (!file) return parser_error(p, "expected a quoted GeoJSON file name");
            place->file = file;
            char path[1024];
            parser_join_path(p, file, path, sizeof path);
            diagnostic_t why;
            zone_free(place->zone);
            line_free(place->polyline);
            if (!geo_load_geojson(path, &place->zone, &place->polyline, &why))
                parser_error_at(p, line, column, "zone file %s: %s", file, why.message);
        } else if (parser_accept_word(p, "illustrative")) {
            place->illustrative = true;
        } else if (parser_accept_word(p, "from")) {
            if (!parser_time(p, &place->from)) return false;
        } else if (parser_accept_word(p, "until")) {
            if (!parser_time(p, &place->until)) return false;
        } else {
            return parser_at_line_end(p) || parser_error(p, "expected at, radius, file, illustrative, from or until");
        }
        if (p->statement_failed) return false;
    }
}

static bool parse_place(parser_t *p, bool with_geometry) {
    int line = p->token.line;
    char *name = parser_expect_name(p, "a place name");
    if (!name) return false;
    if (!with_geometry && agreement_place(p->a, text_of(name)) >= 0)
        return parser_error_at_name(p, "place '%s' is declared twice", name);
    place_t place = {0};
    place.point = -1;
    place.from = place.until = TIME_NONE;
    place.name = name;
    place.line = line;
    place.description = parser_optional_string(p);
    bool computed = with_geometry && parser_at_punct(p, "=");
    bool ok = !with_geometry || parser_at_line_end(p) ? true
              : parser_accept_punct(p, "=") ? parser_place_expression(p, &place)
                                     : parse_place_geometry(p, &place);
    bool broken = !ok || p->statement_failed;
    if (broken) {
        zone_free(place.zone);
        line_free(place.polyline);
        place.zone = NULL;
        place.polyline = NULL;
        /* Keep a place whose file failed, so rules naming it add no more errors. */
        if (!place.file && !computed) return false;
    }
    return parser_place_declare(p, &place, broken);
}

/* An event's `by` matches a report's actor, its `target` a report's target:
 * on a kind that does not require the field, reports that leave it out could
 * never establish the event, so the clause would quietly do nothing. */
static bool check_event_field(parser_t *p, const event_t *event, unsigned field, const char *clause,
                              const char *name, int line, int column) {
    const kind_t *kind = &p->a->kinds[event->kind];
    if (kind->required & field) return true;
    parser_error_at(p, line, column, "event %s: `%s` reads field '%s', which kind %s does not require "
                                     "(add it to `kind %s needs ...`, or drop `%s`)",
                    event->name, clause, name, kind->name, kind->name, clause);
    return false;
}

static bool parse_event(parser_t *p) {
    int line = p->token.line;
    char *name = parser_expect_name(p, "an event name");
    if (!name || !parser_expect_punct(p, "=")) return false;
    for (int i = 0; i < p->a->event_count; i++)
        if (!strcmp(p->a->events[i].name, name)) return parser_error(p, "event '%s' is declared twice", name);
    event_t event = {.name = name, .kind = -1, .party = -1, .target = -1, .base = -1, .at = TIME_NONE, .line = line};
    bool handled;
    if (!parser_event_definition(p, &event, &handled)) return false;
    if (!handled) {
        event.kind = parser_expect_reference(p, "kind");
        if (event.kind < 0) return false;
        int by_line = p->token.line, by_column = p->token.column;
        if (parser_accept_word(p, "by") && (event.party = parser_expect_reference(p, "party")) < 0) return false;
        if (event.party >= 0 && !check_event_field(p, &event, FIELD_ACTOR, "by PARTY", "actor", by_line, by_column))
            return false;
        int target_line = p->token.line, target_column = p->token.column;
        if (parser_accept_word(p, "target") && (event.target = parser_expect_reference(p, "place")) < 0) return false;
        if (event.target >= 0 &&
            !check_event_field(p, &event, FIELD_TARGET, "target PLACE", "target", target_line, target_column))
            return false;
    }
    *GROW(p->a->events, p->a->event_count) = event;
    return true;
}

static bool parse_key(parser_t *p) {
    int line = p->token.line, column = p->token.column;
    char *source_name = parser_expect_name(p, "a source name");
    if (!source_name) return false;
    int source = agreement_source(p->a, text_of(source_name));
    if (source < 0) {
        char hint[160];
        parser_name_hint(p->a, "source", text_of(source_name), hint, sizeof hint);
        parser_error_at(p, line, column, "key for unknown source '%s'%s", source_name,
                        hint[0] ? hint : " (declare the party, monitor or council first)");
        return false;
    }
    char *encoded = parser_expect_name(p, "a base64 Ed25519 public key");
    if (!encoded) return false;
    source_t *s = &p->a->sources[source];
    size_t length = 0;
    if (sodium_base642bin(s->key, sizeof s->key, encoded, strlen(encoded), NULL, &length, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 || length != sizeof s->key)
        return parser_error_at_name(p, "not a base64 Ed25519 public key (32 bytes)");
    if (s->has_key) return parser_error_at_name(p, "source '%s' already has a key", source_name);
    s->has_key = true;
    return true;
}

/* --------------------------------------------------------------- statements */

static bool parse_keys_file(parser_t *p);

static bool parse_statement(parser_t *p) {
    static const struct {
        const char *word;
        bool needs_point;
    } rules[] = {{"require", 1}, {"forbid", 1}, {"limit", 1}, {"share", 1}, {"exchange", 1},
                 {"grant", 1}, {"sanction", 1}, {"declaratory", 1}, {"on", 1}};
    bool point_statement = p->token.type == TOKEN_TEXT_LINE || parser_at_word(p, "point") || parser_at_word(p, "agreement");
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) point_statement |= parser_at_word(p, rules[i].word);
    if (p->included_from && point_statement) /* one draft's points must not leak into another's */
        return parser_error(p, "an included file holds declarations only: the agreement line, points, their words "
                               "and rules belong in the file that includes it (%s)", p->included_from);
    if (p->token.type == TOKEN_TEXT_LINE) return parser_point_text(p);
    if (p->token.type != TOKEN_WORD) return parser_error(p, "expected a statement (party, place, point, require, ...)");
    if (p->keys_only && !parser_at_word(p, "key")) return parser_error(p, "a keys file holds only `key SOURCE BASE64` lines");
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
        if (parser_at_word(p, rules[i].word)) return parser_rule(p);
    text_t word = p->token.text;
    int line = p->token.line, column = p->token.column;
    parser_next(p);
    if (text_equals_cstr(word, "agreement")) return parse_agreement_header(p);
    if (text_equals_cstr(word, "party")) return parse_party(p);
    if (text_equals_cstr(word, "monitor")) return parse_source(p, SOURCE_MONITOR);
    if (text_equals_cstr(word, "council")) return parse_source(p, SOURCE_COUNCIL);
    if (text_equals_cstr(word, "body")) return parse_body(p);
    if (text_equals_cstr(word, "kind")) return parse_kind(p);
    if (text_equals_cstr(word, "detail")) return parser_detail(p);
    if (text_equals_cstr(word, "place")) return parse_place(p, true);
    if (text_equals_cstr(word, "object")) return parse_place(p, false);
    if (text_equals_cstr(word, "event")) return parse_event(p);
    if (text_equals_cstr(word, "key")) return parse_key(p);
    if (text_equals_cstr(word, "assessment")) return (p->a->assessment_kind = parser_expect_reference(p, "kind")) >= 0;
    if (text_equals_cstr(word, "keys")) return parse_keys_file(p);
    if (text_equals_cstr(word, "include")) return parser_include(p);
    if (text_equals_cstr(word, "point")) return parser_point(p);
    static const char *const statements[] = {"agreement", "party", "monitor", "council", "body", "kind", "place",
                                             "object", "event", "key", "keys", "assessment", "point", "require",
                                             "forbid", "limit", "share", "exchange", "grant", "sanction",
                                             "declaratory", NULL};
    char hint[96];
    parser_keyword_hint(word, statements, hint, sizeof hint);
    parser_error_at(p, line, column, "unknown statement '%.*s'%s", (int)word.len, word.ptr, hint);
    return false;
}

static void skip_to_line_end(parser_t *p) {
    while (!parser_at_line_end(p)) parser_next(p);
}

void parser_run(parser_t *p) {
    parser_next(p);
    while (p->token.type != TOKEN_END) {
        if (p->token.type == TOKEN_NEWLINE) {
            parser_next(p);
            continue;
        }
        p->statement_failed = false;
        if (parse_statement(p) && !parser_at_line_end(p)) {
            parser_error(p, "unexpected '%.*s' at the end of the statement", (int)p->token.text.len, p->token.text.ptr);
        }
        skip_to_line_end(p);
    }
}

bool parser_read_file(const char *path, char **text, size_t *len) {
    buffer_t b = {0};
    if (!buffer_read_file(&b, path)) {
        buffer_free(&b);
        return false;
    }
    *text = b.data;
    *len = b.len;
    return true;
}

/* `keys "FILE"` / `include "FILE"`: the quoted name, resolved against the
 * current file's folder, and the file's text (caller frees). Reports why not. */
bool parser_read_named_file(parser_t *p, const char *what, char *path, size_t size, char **text, size_t *len) {
    int line = p->token.line, column = p->token.column;
    char *file = parser_optional_string(p);
    if (!file) return parser_error(p, "expected a quoted file name");
    if (!parser_at_line_end(p)) return false; /* the caller reports what follows */
    parser_join_path(p, file, path, size);
    if (parser_read_file(path, text, len)) return true;
    parser_error_at(p, line, column, "cannot read %s file %s: %s", what, file, strerror(errno));
    return false;
}

static bool parse_keys_file(parser_t *p) {
    char path[1024], *text;
    size_t len;
    if (!parser_read_named_file(p, "keys", path, sizeof path, &text, &len)) return !p->statement_failed;
    parser_t sub = *p;
    sub.path = arena_strndup(&p->a->arena, path, strlen(path));
    sub.keys_only = true;
    lexer_init(&sub.lexer, text, len);
    parser_run(&sub);
    free(text);
    return true;
}
