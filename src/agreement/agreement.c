/* agreement: loading, checking and freeing an agreement, and name look-ups.
 * After parsing, resolve() links consequences to the points they name and
 * checks that every rule can be evaluated on the reports its kind carries. */
#include "agreement/parser.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int agreement_party(const agreement_t *a, text_t code) {
    for (int i = 0; i < a->party_count; i++)
        if (text_equals_cstr(code, a->parties[i].code)) return i;
    return -1;
}

int agreement_member(const agreement_t *a, text_t code) {
    for (int i = 0; i < a->member_count; i++)
        if (text_equals_cstr(code, a->members[i].code)) return i;
    return -1;
}

static const place_version_t *version_at(const place_t *place, time_ms_t t) {
    for (int v = 0; v < place->version_count; v++) {
        const place_version_t *version = &place->versions[v];
        if ((version->from == TIME_NONE || t >= version->from) && (version->until == TIME_NONE || t < version->until))
            return version;
    }
    return NULL;
}

const zone_t *place_zone_at(const place_t *place, time_ms_t t) {
    if (!place->version_count) return place->zone;
    const place_version_t *version = version_at(place, t);
    return version ? version->zone : NULL;
}

const geo_line_t *place_line_at(const place_t *place, time_ms_t t) {
    if (!place->version_count) return place->polyline;
    const place_version_t *version = version_at(place, t);
    return version ? version->polyline : NULL;
}

int agreement_source(const agreement_t *a, text_t name) {
    for (int i = 0; i < a->source_count; i++)
        if (text_equals_cstr(name, a->sources[i].name)) return i;
    return -1;
}

int agreement_place(const agreement_t *a, text_t name) {
    for (int i = 0; i < a->place_count; i++)
        if (text_equals_cstr(name, a->places[i].name)) return i;
    return -1;
}

int agreement_kind(const agreement_t *a, text_t name) {
    for (int i = 0; i < a->kind_count; i++)
        if (text_equals_cstr(name, a->kinds[i].name)) return i;
    return -1;
}

int agreement_point(const agreement_t *a, text_t label) {
    for (int i = 0; i < a->point_count; i++)
        if (text_equals_cstr(label, a->points[i].label)) return i;
    return -1;
}

int agreement_council(const agreement_t *a) {
    for (int i = 0; i < a->source_count; i++)
        if (a->sources[i].class == SOURCE_COUNCIL) return i;
    return -1;
}

const char *rule_type_name(rule_type_t type) {
    static const char *names[] = {"require", "forbid", "limit", "share", "exchange",
                                  "grant", "sanction", "declaratory"};
    return (unsigned)type < sizeof names / sizeof *names ? names[type] : "?";
}

void agreement_free(agreement_t *a) {
    if (!a) return;
    for (int i = 0; i < a->kind_count; i++) free(a->kinds[i].details);
    for (int i = 0; i < a->place_count; i++) {
        place_t *place = &a->places[i];
        for (int v = 0; v < place->version_count; v++) {
            zone_free(place->versions[v].zone);
            line_free(place->versions[v].polyline);
        }
        if (!place->version_count) {
            zone_free(place->zone);
            line_free(place->polyline);
        }
        free(place->versions);
    }
    for (int i = 0; i < a->reaction_count; i++) free(a->reactions[i].actions);
    free(a->parties);
    free(a->members);
    free(a->sources);
    free(a->places);
    free(a->kinds);
    free(a->events);
    free(a->points);
    free(a->rules);
    free(a->reactions);
    free(a->path);
    arena_free(&a->arena);
    free(a);
}

/* ------------------------------------------------------------- resolution */

static void resolve_labels(parser_t *p) {
    for (int i = 0; i < p->pending_count; i++) {
        pending_label_t *pending = &p->pending[i];
        int point = agreement_point(p->a, text_of(pending->label));
        char hint[96];
        if (point < 0) parser_name_hint(p->a, "point", text_of(pending->label), hint, sizeof hint);
        if (point < 0)
            parser_error_at(p, pending->line, pending->column,
                            "consequence names point '%s', which does not exist%s", pending->label, hint);
        else
            p->a->reactions[pending->reaction].actions[pending->action].point = point;
    }
}

static void rule_error(parser_t *p, const rule_t *rule, const char *why, const char *kind) {
    parser_error_at(p, rule->line, rule->column, "%s %s in point %s: %s%s%s",
                    rule_type_name(rule->type), kind ? kind : "", p->a->points[rule->point].label, why,
                    kind ? " of kind " : "", kind ? kind : "");
}

/* The fields a rule reads must be ones its kind requires, or reports could
 * slip past it by leaving them out. */
static void check_rule_fields(parser_t *p, const rule_t *rule) {
    const agreement_t *a = p->a;
    if (rule->kind < 0) return;
    const kind_t *kind = &a->kinds[rule->kind];
    unsigned needs = 0;
    bool party_rule = rule->type == RULE_REQUIRE || rule->type == RULE_FORBID || rule->type == RULE_LIMIT ||
                      rule->type == RULE_EXCHANGE;
    if (party_rule && !rule->any_party) needs |= FIELD_ACTOR; /* `forbid any`: unattributed reports count too */
    if (rule->type == RULE_LIMIT || rule->type == RULE_SHARE || rule->type == RULE_EXCHANGE) needs |= FIELD_VALUE;
    if (rule->type == RULE_SHARE || rule->type == RULE_EXCHANGE) needs |= FIELD_TO;
    if (rule->place >= 0) needs |= FIELD_AT;
    unsigned missing = needs & ~kind->required;
    static const char *names[] = {"actor", "to", "at", "target", "value", "cause", "refs", "stance"};
    for (unsigned bit = 0; bit < 8; bit++)
        if (missing & (1u << bit)) {
            char why[128];
            snprintf(why, sizeof why, "needs field '%s' on every report, but the kind does not require it "
                                      "(add it to `kind %s needs ...`)", names[bit], kind->name);
            parser_error_at(p, rule->line, rule->column, "%s in point %s: %s", rule_type_name(rule->type),
                            a->points[rule->point].label, why);
        }
    if (rule->target_count && !(kind->required & (FIELD_TARGET | FIELD_AT)))
        rule_error(p, rule, "a target filter needs reports that carry target or at", kind->name);
    if (rule->place >= 0 && !a->places[rule->place].zone && !p->place_broken[rule->place]) { /* else reported */
        const place_t *place = &a->places[rule->place];
        if (place->polyline || place->has_point)
            parser_error_at(p, rule->line, rule->column,
                            "place '%s' is a %s, not an area, so `in`/`outside` cannot test it (declare a zone "
                            "around it: place NAME = within N km of %s)", place->name, place->polyline ? "line" : "point",
                            place->name);
        else
            parser_error_at(p, rule->line, rule->column, "place '%s' has no geometry, so `in`/`outside` cannot test it",
                            place->name);
    }
    if (rule->type == RULE_EXCHANGE && rule->held_kind >= 0 &&
        (a->kinds[rule->held_kind].required & (FIELD_ACTOR | FIELD_VALUE)) != (FIELD_ACTOR | FIELD_VALUE))
        parser_error_at(p, rule->line, rule->column, "exchange in point %s: kind %s must require actor and value",
                        a->points[rule->point].label, a->kinds[rule->held_kind].name);
}

/* Clauses that only some rules read: elsewhere they would do nothing. */
static void check_rule_clauses(parser_t *p, const rule_t *rule) {
    if (rule->quiet_days && rule->type != RULE_FORBID)
        rule_error(p, rule, "`quiet N days` says when a breach of a prohibition has ended; only `forbid` takes it", NULL);
    if (rule->registry_by_any && rule->type != RULE_EXCHANGE)
        rule_error(p, rule, "`registry by any` is for `exchange` rules", NULL);
}

static void check_rule_window(parser_t *p, rule_t *rule) {
    if (rule->window.deadline_event != -2) return;
    if (rule->window.start_event < 0) {
        parser_error_at(p, rule->line, rule->column,
                        "%s in point %s: `within` needs an event to count from (write `within N days of EVENT`)",
                        rule_type_name(rule->type), p->a->points[rule->point].label);
        rule->window.deadline_event = -1;
    } else {
        rule->window.deadline_event = rule->window.start_event;
    }
}

/* Every point can be named as a target, "point:10a": the council's
 * assessment of a declaratory point names it so. */
static void add_point_objects(parser_t *p) {
    agreement_t *a = p->a;
    for (int i = 0; i < a->point_count; i++) {
        char name[96];
        snprintf(name, sizeof name, "point:%s", a->points[i].label);
        if (agreement_place(a, text_of(name)) >= 0) continue;
        place_t *place = GROW(a->places, a->place_count);
        *place = (place_t){.name = arena_strndup(&a->arena, name, strlen(name)), .point = i, .line = a->points[i].line,
                           .from = TIME_NONE, .until = TIME_NONE};
        place->description = a->points[i].title;
    }
}

/* `replaces` matches a point to an earlier draft's: each old label at most once. */
static void check_replaces(parser_t *p) {
    const agreement_t *a = p->a;
    for (int i = 0; i < a->point_count; i++) {
        const point_t *point = &a->points[i];
        if (!point->replaces) continue;
        if (!strcmp(point->replaces, point->label))
            parser_error_at(p, point->line, 1, "point %s replaces itself: drop `replaces`, labels match by themselves",
                            point->label);
        for (int j = 0; j < i; j++)
            if (a->points[j].replaces && !strcmp(a->points[j].replaces, point->replaces))
                parser_error_at(p, point->line, 1, "points %s and %s both replace %s", a->points[j].label,
                                point->label, point->replaces);
    }
}

/* The column where a declared name stands on its line (declarations keep
 * only their line), 1 when it cannot be found. */
static int name_column(const parser_t *p, int line, const char *name) {
    const char *text = p->lexer.text, *end = text + p->lexer.len;
    for (int l = 1; l < line && text < end; text++)
        if (*text == '\n') l++;
    const char *stop = memchr(text, '\n', (size_t)(end - text));
    size_t n = strlen(name), span = (size_t)((stop ? stop : end) - text);
    for (size_t i = 0; n && i + n <= span; i++)
        if (!memcmp(text + i, name, n) && i && (text[i - 1] == ' ' || text[i - 1] == '\t')) return (int)i + 1;
    return 1;
}

/* A kind that no rule, event or assessment reads: its reports are accepted and
 * counted but bear on nothing, which is a warning (a kind may be declared for
 * the record). Kinds that carry a stance are reviews, which the engine reads.
 * Not after errors: the rule that used the kind may be the line that failed. */
static void warn_unused_kinds(parser_t *p, size_t errors_before) {
    const agreement_t *a = p->a;
    if (diagnostics_errors(p->errors) > errors_before) return;
    for (int k = 0; k < a->kind_count; k++) {
        bool used = k == a->assessment_kind || (a->kinds[k].required & FIELD_STANCE);
        for (int i = 0; i < a->rule_count && !used; i++) used = a->rules[i].kind == k || a->rules[i].held_kind == k;
        for (int i = 0; i < a->event_count && !used; i++) used = a->events[i].kind == k;
        if (!used)
            parser_warning_at(p, a->kinds[k].line, name_column(p, a->kinds[k].line, a->kinds[k].name),
                              "kind %s is used by no rule, event or assessment: its reports are accepted "
                              "but bear on nothing", a->kinds[k].name);
    }
}

static void resolve(parser_t *p, size_t errors_before) {
    agreement_t *a = p->a;
    resolve_labels(p);
    add_point_objects(p);
    if (!a->name) parser_error_at(p, 1, 1, "missing the `agreement NAME \"title\"` line");
    if (!a->party_count) parser_error_at(p, 1, 1, "the agreement declares no party");
    if (a->rule_count > AGREEMENT_MAX_INDEX || a->event_count > AGREEMENT_MAX_INDEX || a->point_count > AGREEMENT_MAX_INDEX)
        parser_error_at(p, 1, 1, "the agreement has %d rules, %d events and %d points: at most %d of each can be checked",
                        a->rule_count, a->event_count, a->point_count, AGREEMENT_MAX_INDEX);
    if (a->assessment_kind >= 0 && (a->kinds[a->assessment_kind].required & (FIELD_TARGET | FIELD_VALUE)) !=
                                       (FIELD_TARGET | FIELD_VALUE))
        parser_error_at(p, a->kinds[a->assessment_kind].line, 1,
                        "the assessment kind %s must require target and value", a->kinds[a->assessment_kind].name);
    parser_check_limits(p);
    warn_unused_kinds(p, errors_before);
    for (int i = 0; i < a->rule_count; i++) {
        check_rule_fields(p, &a->rules[i]);
        check_rule_window(p, &a->rules[i]);
        check_rule_clauses(p, &a->rules[i]);
    }
    check_replaces(p);
    for (int i = 0; i < a->point_count; i++)
        if (!a->points[i].rule_count && !p->point_failed[i])
            parser_error_at(p, a->points[i].line, 1,
                            "point %s has no rule: add rules, or `declaratory \"why it is not machine-checked\"`",
                            a->points[i].label);
}

/* ------------------------------------------------------------------ loading */

agreement_t *agreement_parse(const char *path, const char *text, size_t len, diagnostics_t *errors) {
    agreement_t *a = xcalloc(1, sizeof *a);
    a->assessment_kind = -1;
    arena_init(&a->arena);
    a->path = xstrdup(path);
    parser_t p = {.path = a->path, .errors = errors, .a = a, .current_point = -1};
    const char *slash = strrchr(path, '/');
    if (slash) snprintf(p.folder, sizeof p.folder, "%.*s", (int)(slash - path), path);
    size_t before = diagnostics_errors(errors);
    parser_include_root(&p);
    lexer_init(&p.lexer, text, len);
    parser_run(&p);
    resolve(&p, before);
    free(p.pending);
    free(p.point_failed);
    free(p.place_broken);
    free(p.place_bounds);
    if (diagnostics_errors(errors) > before) {
        agreement_free(a);
        return NULL;
    }
    return a;
}

agreement_t *agreement_load(const char *path, diagnostics_t *errors) {
    char *text;
    size_t len;
    if (!parser_read_file(path, &text, &len)) {
        diagnostic_set(diagnostics_add(errors), path, 0, 0, "cannot read: %s", strerror(errno));
        return NULL;
    }
    agreement_t *a = agreement_parse(path, text, len, errors);
    free(text);
    return a;
}
