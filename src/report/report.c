/* report: parses one report line into a report_t and validates it against
 * the interchange spec and the agreement's vocabulary (kinds, parties,
 * places, sources). Names are looked up in small open-addressing tables built
 * once per parser; nothing is allocated per report. */
#include "report/report.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_scan.h"

#define REPORT_MAX_EXTRA 16

/* --------------------------------------------------------------- name table */

typedef struct {
    text_t name;
    int index;
} name_slot_t;

typedef struct {
    name_slot_t *slots;
    size_t mask;
} name_table_t;

/* Names are short and few (kinds, parties, places, sources), so the table is
 * keyed by a hash of the length and three bytes: O(1) whatever the length,
 * and collisions are settled by the comparison. */
static size_t name_hash(text_t name) {
    if (name.len == 0) return 0;
    const unsigned char *p = (const unsigned char *)name.ptr;
    return name.len * 0x9E3779B1u ^ p[0] * 0x85EBCA77u ^ p[name.len - 1] * 0xC2B2AE3Du ^ p[name.len / 2] * 0x27D4EB2Fu;
}

static void name_table_build(name_table_t *t, int count, const char *(*name_of)(const agreement_t *, int),
                             const agreement_t *a) {
    size_t size = 16;
    while (size < (size_t)count * 4) size *= 2;
    t->slots = xcalloc(size, sizeof *t->slots);
    t->mask = size - 1;
    for (int i = 0; i < count; i++) {
        text_t name = text_of(name_of(a, i));
        size_t h = name_hash(name) & t->mask;
        while (t->slots[h].name.ptr) h = (h + 1) & t->mask;
        t->slots[h] = (name_slot_t){name, i};
    }
}

static int name_table_find(const name_table_t *t, text_t name) {
    size_t h = name_hash(name) & t->mask;
    for (; t->slots[h].name.ptr; h = (h + 1) & t->mask)
        if (text_equals(t->slots[h].name, name)) return t->slots[h].index;
    return -1;
}

static const char *kind_name(const agreement_t *a, int i) { return a->kinds[i].name; }
static const char *party_code(const agreement_t *a, int i) { return a->parties[i].code; }
static const char *place_name(const agreement_t *a, int i) { return a->places[i].name; }
static const char *source_name(const agreement_t *a, int i) { return a->sources[i].name; }

/* ------------------------------------------------------------------- parser */

/* Field names, in the order of the bits below. */
enum {
    F_ID, F_SOURCE, F_TIME, F_KIND, F_ACTOR, F_TO, F_AT, F_TARGET, F_VALUE, F_CAUSE,
    F_REFS, F_STANCE, F_NOTE, F_SIG, F_UNKNOWN
};
static const char *const field_names[] = {"id", "source", "time", "kind", "actor", "to", "at",
                                          "target", "value", "cause", "refs", "stance", "note", "sig"};


struct report_parser {
    const agreement_t *agreement;
    name_table_t kinds, parties, places, sources;
    char *scratch;
    size_t scratch_size;
    char *error;
    size_t error_size;
    uint64_t packed_fields[F_UNKNOWN]; /* field_names, packed as json_key gives names */
    /* Members outside the standard fields, kept (name, where the value
     * starts) until the kind is known and its details can be read. */
    struct {
        text_t name;
        const char *value;
    } extra[REPORT_MAX_EXTRA];
    int extra_count;
};

report_parser_t *report_parser_new(const agreement_t *agreement) {
    report_parser_t *parser = xcalloc(1, sizeof *parser);
    parser->agreement = agreement;
    name_table_build(&parser->kinds, agreement->kind_count, kind_name, agreement);
    name_table_build(&parser->parties, agreement->party_count, party_code, agreement);
    name_table_build(&parser->places, agreement->place_count, place_name, agreement);
    name_table_build(&parser->sources, agreement->source_count, source_name, agreement);
    for (int f = 0; f < F_UNKNOWN; f++) parser->packed_fields[f] = json_pack_name(field_names[f], strlen(field_names[f]));
    return parser;
}

void report_parser_free(report_parser_t *parser) {
    if (!parser) return;
    free(parser->kinds.slots);
    free(parser->parties.slots);
    free(parser->places.slots);
    free(parser->sources.slots);
    free(parser->scratch);
    free(parser);
}

/* Field names are matched as packed integers (json_key): the hot path's most
 * common question answered without string compares. */
static int field_of(const report_parser_t *parser, uint64_t packed) {
    for (int f = 0; packed && f < F_UNKNOWN; f++)
        if (parser->packed_fields[f] == packed) return f;
    return F_UNKNOWN;
}

static bool reject(report_parser_t *parser, const char *format, ...) __attribute__((format(printf, 2, 3)));
static bool reject(report_parser_t *parser, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    vsnprintf(parser->error, parser->error_size, format, ap);
    va_end(ap);
    return false;
}

static bool reject_text(report_parser_t *parser, const char *format, const char *field, text_t value) {
    char shown[80];
    size_t n = value.len < 60 ? value.len : 60;
    memcpy(shown, value.ptr, n);
    strcpy(shown + n, value.len > 60 ? "..." : "");
    return reject(parser, format, field, shown);
}

/* A party's code, or a member's (which stands for its side; *member gets
 * its index plus one). */
static bool read_party(report_parser_t *parser, json_scan_t *s, const char *field, int *out, int *member) {
    text_t code;
    if (!json_string(s, &code)) return reject(parser, "field '%s' must be a string", field);
    *out = name_table_find(&parser->parties, code);
    if (*out >= 0) return true;
    int m = parser->agreement->member_count ? agreement_member(parser->agreement, code) : -1;
    if (m >= 0) {
        *out = parser->agreement->members[m].party;
        if (member) *member = m + 1;
        return true;
    }
    return reject_text(parser, "field '%s': unknown party '%s'", field, code);
}

static bool read_at(report_parser_t *parser, json_scan_t *s, report_t *r) {
    if (!json_expect(s, '[') || !json_number(s, &r->lon) || !json_expect(s, ',') || !json_number(s, &r->lat) ||
        !json_expect(s, ']'))
        return reject(parser, "field 'at' must be [longitude, latitude]");
    if (r->lon < -180 || r->lon > 180 || r->lat < -90 || r->lat > 90)
        return reject(parser, "field 'at' is out of range: [longitude, latitude] in degrees, GeoJSON order");
    r->has_at = true;
    return true;
}

static bool read_refs(report_parser_t *parser, json_scan_t *s, report_t *r) {
    if (!json_expect(s, '[')) return reject(parser, "field 'refs' must be an array of strings");
    if (json_expect(s, ']')) return true;
    do {
        if (r->ref_count == REPORT_MAX_REFS) return reject(parser, "field 'refs' has more than 16 entries");
        if (!json_string(s, &r->refs[r->ref_count++]))
            return reject(parser, "field 'refs' must be an array of strings");
    } while (json_expect(s, ','));
    return json_expect(s, ']') || reject(parser, "field 'refs' must be an array of strings");
}

static bool read_string_field(report_parser_t *parser, json_scan_t *s, int field, text_t *out) {
    if (json_string(s, out)) return true;
    return reject(parser, "field '%s' must be a string", field_names[field]);
}

static bool read_named(report_parser_t *parser, json_scan_t *s, int field, const name_table_t *table,
                       const char *what, int *out) {
    text_t name;
    if (!read_string_field(parser, s, field, &name)) return false;
    *out = name_table_find(table, name);
    if (*out >= 0) return true;
    char format[96];
    snprintf(format, sizeof format, "field '%%s': unknown %s '%%s'", what);
    return reject_text(parser, format, field_names[field], name);
}

static bool read_field(report_parser_t *parser, json_scan_t *s, int field, report_t *r) {
    text_t t;
    switch (field) {
    case F_ID: return read_string_field(parser, s, field, &r->id);
    case F_SOURCE:
        return read_named(parser, s, field, &parser->sources, "source", &r->source_index) &&
               (r->source = text_of(parser->agreement->sources[r->source_index].name), true);
    case F_TIME:
        if (!read_string_field(parser, s, field, &t)) return false;
        if (time_parse_rfc3339(t.ptr, t.len, &r->time)) return true;
        char why[160];
        time_explain_rfc3339(t.ptr, t.len, why, sizeof why); /* what is wrong: "hour 25 is not 00-23" */
        return reject(parser, "field 'time' is not an RFC 3339 time: %s", why);
    case F_KIND: return read_named(parser, s, field, &parser->kinds, "kind", &r->kind);
    case F_ACTOR: return read_party(parser, s, "actor", &r->actor, &r->actor_member);
    case F_TO: return read_party(parser, s, "to", &r->to, NULL);
    case F_AT: return read_at(parser, s, r);
    case F_TARGET: return read_named(parser, s, field, &parser->places, "place or object", &r->target);
    case F_VALUE:
        if (!json_number(s, &r->value)) return reject(parser, "field 'value' must be a number");
        if (r->value < 0) return reject(parser, "field 'value' must not be negative");
        r->has_value = true;
        return true;
    case F_CAUSE: return read_string_field(parser, s, field, &r->cause);
    case F_REFS: return read_refs(parser, s, r);
    case F_STANCE:
        if (!read_string_field(parser, s, field, &t)) return false;
        if (text_equals_cstr(t, "confirms")) r->stance = STANCE_CONFIRMS;
        else if (text_equals_cstr(t, "disputes")) r->stance = STANCE_DISPUTES;
        else return reject_text(parser, "field '%s' must be \"confirms\" or \"disputes\", not '%s'", "stance", t);
        return true;
    case F_NOTE: return read_string_field(parser, s, field, &r->note);
    case F_SIG: return read_string_field(parser, s, field, &r->sig);
    default: return json_skip_value(s, 1) || reject(parser, "invalid JSON");
    }
}

static bool is_null(json_scan_t *s) {
    json_skip_space(s);
    if (s->end - s->p >= 4 && memcmp(s->p, "null", 4) == 0) {
        s->p += 4;
        return true;
    }
    return false;
}

/* Fields the spec does not define that one report may carry: each is
 * compared with the others, as the log's strict parser refuses a name twice. */
#define MAX_UNKNOWN_FIELDS 64

static bool read_members(report_parser_t *parser, json_scan_t *s, report_t *r, unsigned *seen) {
    text_t unknown[MAX_UNKNOWN_FIELDS];
    int unknown_count = 0;
    do {
        text_t key;
        uint64_t packed;
        if (!json_key(s, &key, &packed) || !json_expect(s, ':'))
            return reject(parser, "invalid JSON: expected \"field\": value");
        int field = field_of(parser, packed);
        /* Only the log writes council records, which cite a tree head; a
         * report carrying "cites" would be taken for one by some readers. */
        if (field == F_UNKNOWN && text_equals_cstr(key, "cites"))
            return reject(parser, "field 'cites' is for council records, which the log writes itself");
        for (int i = 0; field == F_UNKNOWN && i < unknown_count; i++)
            if (text_equals(unknown[i], key)) return reject(parser, "field '%.*s' appears twice", (int)key.len, key.ptr);
        if (field == F_UNKNOWN && unknown_count == MAX_UNKNOWN_FIELDS)
            return reject(parser, "more than %d fields the spec does not define", MAX_UNKNOWN_FIELDS);
        if (field == F_UNKNOWN) unknown[unknown_count++] = key;
        if (field == F_UNKNOWN && parser->extra_count < REPORT_MAX_EXTRA) {
            json_skip_space(s);
            parser->extra[parser->extra_count].name = key;
            parser->extra[parser->extra_count++].value = s->p;
        }
        if (field != F_UNKNOWN) {
            if (*seen & (1u << field)) return reject(parser, "field '%s' appears twice", field_names[field]);
            if (is_null(s)) continue; /* null: the field is absent */
            *seen |= 1u << field;
        }
        if (!read_field(parser, s, field, r)) return false;
    } while (json_expect(s, ','));
    return json_expect(s, '}') || reject(parser, "invalid JSON: expected , or }");
}

static bool read_object(report_parser_t *parser, json_scan_t *s, report_t *r, unsigned *seen) {
    if (!json_expect(s, '{')) return reject(parser, "not a JSON object");
    if (!json_expect(s, '}') && !read_members(parser, s, r, seen)) return false;
    json_skip_space(s);
    return s->p == s->end || reject(parser, "unexpected text after the JSON object");
}

/* A control character (U+0000-U+001F, U+007F) in an id: such a report could
 * be stored but neither addressed in a URL nor shown, so it is refused. */
static bool reject_control(report_parser_t *parser, const char *field, text_t text) {
    for (size_t i = 0; i < text.len; i++) {
        unsigned char c = (unsigned char)text.ptr[i];
        if (c < 0x20 || c == 0x7f) return reject(parser, "field '%s' contains a control character (U+%04X)", field, c);
    }
    return true;
}

/* Required fields: the spec's four, then those the agreement's kind needs. */
static bool check_required(report_parser_t *parser, const report_t *r, unsigned seen) {
    for (int f = F_ID; f <= F_KIND; f++)
        if (!(seen & (1u << f))) return reject(parser, "missing required field '%s'", field_names[f]);
    if (r->id.len == 0) return reject(parser, "field 'id' is empty");
    if (!reject_control(parser, "id", r->id)) return false;
    static const int kind_fields[] = {F_ACTOR, F_TO, F_AT, F_TARGET, F_VALUE, F_CAUSE, F_REFS, F_STANCE};
    const kind_t *kind = &parser->agreement->kinds[r->kind];
    for (int bit = 0; bit < 8; bit++)
        if ((kind->required & (1u << bit)) && !(seen & (1u << kind_fields[bit])))
            return reject(parser, "kind '%s' needs field '%s'", kind->name, field_names[kind_fields[bit]]);
    if (r->stance != STANCE_NONE && r->ref_count == 0)
        return reject(parser, "a report with a stance must name the reports it answers in 'refs'");
    return true;
}

/* Reads one detail's value at `at`; the reason names the detail on failure. */
static bool read_detail(report_parser_t *parser, json_scan_t *outer, const char *at, const kind_t *kind, int index,
                        report_t *r) {
    const detail_t *detail = &kind->details[index];
    json_scan_t s = {at, outer->end, outer->scratch, outer->scratch_used, outer->scratch_size, NULL};
    double number;
    text_t word;
    switch (detail->type) {
    case DETAIL_WORD:
        if (!json_string(&s, &word)) return reject(parser, "detail '%s' must be a string, one of the words of kind '%s'", detail->name, kind->name);
        for (int i = 0; i < detail->word_count; i++)
            if (text_equals_cstr(word, detail->words[i])) {
                r->details[index] = i;
                return true;
            }
        return reject_text(parser, "detail '%s': unknown word '%s'", detail->name, word);
    case DETAIL_NUMBER:
        if (!json_number(&s, &number)) return reject(parser, "detail '%s' must be a number%s%s", detail->name,
                                                      detail->unit ? " in " : "", detail->unit ? detail->unit : "");
        break;
    case DETAIL_COUNT:
        if (!json_number(&s, &number) || number < 0 || number != (double)(int64_t)number)
            return reject(parser, "detail '%s' must be a count (a whole number, 0 or more)", detail->name);
        break;
    }
    r->details[index] = number;
    return true;
}

/* The kind's details from the members kept aside: each given one checked
 * against its type, each required one present. */
static bool read_details(report_parser_t *parser, json_scan_t *s, report_t *r) {
    const kind_t *kind = &parser->agreement->kinds[r->kind];
    for (int d = 0; d < kind->detail_count; d++) {
        const detail_t *detail = &kind->details[d];
        const char *at = NULL;
        for (int i = 0; i < parser->extra_count && !at; i++)
            if (text_equals_cstr(parser->extra[i].name, detail->name)) at = parser->extra[i].value;
        if (at && s->end - at >= 4 && !memcmp(at, "null", 4)) at = NULL;   /* null: absent */
        if (!at) {
            if (detail->optional) continue;
            return reject(parser, "kind '%s' needs detail '%s'", kind->name, detail->name);
        }
        if (!read_detail(parser, s, at, kind, d, r)) return false;
        r->details_present |= (uint8_t)(1u << d);
    }
    return true;
}

static void make_room(report_parser_t *parser, size_t len) {
    if (parser->scratch_size >= len + 64) return;
    free(parser->scratch);
    parser->scratch_size = len * 2 + 256;
    parser->scratch = xmalloc(parser->scratch_size);
}

bool report_parse(report_parser_t *parser, const char *line, size_t len, report_t *out, char *error,
                  size_t error_size) {
    make_room(parser, len); /* grows only for a longer line than any before */
    parser->error = error;
    parser->error_size = error_size;
    memset(out, 0, offsetof(report_t, refs)); /* refs are set only up to ref_count */
    out->actor = out->to = out->target = -1;
    json_scan_t s = {line, line + len, parser->scratch, 0, parser->scratch_size, NULL};
    unsigned seen = 0;
    parser->extra_count = 0;
    if (!read_object(parser, &s, out, &seen)) {
        if (s.error) { /* a JSON-level reason is more precise than the field's */
            size_t n = strlen(error);
            snprintf(error + n, error_size - n, " (%s at byte %zu)", s.error, (size_t)(s.p - line) + 1);
        }
        return false;
    }
    if (!check_required(parser, out, seen)) return false;
    return parser->agreement->kinds[out->kind].detail_count == 0 || read_details(parser, &s, out);
}
