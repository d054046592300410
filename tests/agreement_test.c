/* agreement_test: the agreement parser and lint (src/agreement). Each kind
 * of mistake is parsed from a string and must be reported at an exact
 * line:column with a recognisable message; a valid agreement must parse into
 * the structure docs/language.md describes; the reference plan must lint clean.
 * Run from tests/ (zone fixtures are resolved relative to it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "agreement/agreement.h"

#define REFERENCE_PLAN "../plans/ukraine-2025-11/plan.truce"
/* A path inside tests/data/agreements, so that relative zone files resolve there. */
#define INLINE_PATH "data/agreements/inline.truce"

/* Eleven valid lines; each error case appends its line as line 12. */
static const char base_text[] =
    "agreement t \"T\"\n"
    "party UA \"Ukraine\"\n"
    "party RU \"Russia\"\n"
    "monitor monitor:m \"M\"\n"
    "place zone \"Z\" at 30, 50 radius 10 km\n"
    "object river \"R\"\n"
    "kind strike needs actor, at\n"
    "kind note.filed needs actor\n"
    "event signature = note.filed\n"
    "point 1\n"
    "  forbid UA strike in zone from signature\n";

/* ------------------------------------------------------------------ helpers */

static agreement_t *parse(const char *text, diagnostics_t *errors) {
    return agreement_parse(INLINE_PATH, text, strlen(text), errors);
}

static char *with_base(const char *line) {
    size_t n = strlen(base_text) + strlen(line) + 2;
    char *text = malloc(n);
    snprintf(text, n, "%s%s\n", base_text, line);
    return text;
}

static void print_errors(const diagnostics_t *errors) {
    for (size_t i = 0; i < errors->count; i++)
        print_message("  got %d:%d: %s\n", errors->items[i].line, errors->items[i].column, errors->items[i].message);
}

/* Parses text that must be valid, printing the errors when it is not. */
static agreement_t *parse_valid(const char *text, diagnostics_t *errors) {
    agreement_t *a = parse(text, errors);
    print_errors(errors);
    assert_non_null(a);
    return a;
}

static bool has_error(const diagnostics_t *errors, int line, int column, const char *fragment) {
    for (size_t i = 0; i < errors->count; i++) {
        const diagnostic_t *d = &errors->items[i];
        if (d->line == line && d->column == column && strstr(d->message, fragment)) return true;
    }
    return false;
}

/* Parses text and asserts that it fails with an error at line:column whose
 * message contains the fragment. */
static void expect_error_in(const char *text, int line, int column, const char *fragment) {
    diagnostics_t errors = {0};
    agreement_t *a = parse(text, &errors);
    bool found = has_error(&errors, line, column, fragment);
    if (a || !found) {
        print_message("expected %d:%d: ...%s...\n", line, column, fragment);
        print_errors(&errors);
    }
    agreement_free(a);
    diagnostics_free(&errors);
    assert_null(a);
    assert_true(found);
}

/* --------------------------------------------------------------- the cases */

typedef struct {
    const char *name;
    const char *line;        /* appended to base_text as line 12 */
    int column;
    const char *fragment;
} error_case_t;

static const error_case_t cases[] = {
    {"unknown party", "  forbid XX strike", 10, "unknown party 'XX'"},
    {"unknown kind", "  forbid UA bogus.kind", 13, "unknown kind 'bogus.kind'"},
    {"unknown place", "  forbid UA strike in nowhere", 23, "unknown place 'nowhere'"},
    {"unknown target place", "  forbid UA strike target zone, nowhere", 33, "unknown place 'nowhere'"},
    {"unknown event", "  forbid UA strike from never", 25, "unknown event 'never'"},
    {"unknown event in after", "event e = after nothing", 17, "unknown event 'nothing'"},
    {"duplicate party", "party UA \"again\"", 7, "party 'UA' is declared twice"},
    {"duplicate point", "point 1", 7, "point '1' is declared twice"},
    {"duplicate kind", "kind strike needs actor", 6, "kind 'strike' is declared twice"},
    {"duplicate place", "place zone \"again\" at 1, 1 radius 1 km", 7, "place 'zone' is declared twice"},
    {"duplicate object", "object zone \"again\"", 8, "place 'zone' is declared twice"},
    {"point without rules", "point 2", 1, "point 2 has no rule"},
    {"consequence names a missing point", "  on violation: void 99", 22, "consequence names point '99'"},
    {"suspend names a missing point", "  on violation by RU: suspend 7b for UA", 31, "point '7b', which does not exist"},
    {"zone file missing", "place p \"P\" file \"nope.geojson\"", 18, "zone file nope.geojson"},
    {"zone file not JSON", "place p \"P\" file \"../geo/invalid-json.geojson\"", 18, "invalid GeoJSON"},
    {"zone self-intersecting", "place p \"P\" file \"../geo/bowtie.geojson\"", 18, "not valid"},
    {"zone without polygon", "place p \"P\" file \"../geo/point-only.geojson\"", 18, "no Polygon or MultiPolygon"},
    {"buffer of a negative distance", "place b \"B\" = within -5 km of zone", 22, "must be positive"},
    {"buffer in miles", "place b \"B\" = within 5 miles of zone", 24, "expected 'km'"},
    {"buffer of a name without geometry", "place b \"B\" = within 5 km of river", 30, "has no geometry"},
    {"buffer of an unknown place", "place b \"B\" = within 5 km of nowhere", 30, "unknown place 'nowhere'"},
    {"union with a name without geometry", "place b \"B\" = zone or river", 23, "not an area"},
    {"mixed operators without parentheses", "place b \"B\" = zone or zone minus zone", 28, "group them with parentheses"},
    {"unclosed parenthesis", "place b \"B\" = (zone or zone", 28, "expected ')'"},
    {"unknown time zone", "  require UA note.filed from 2015-02-15T00:00 Mars/Olympus", 47, "unknown time zone 'Mars/Olympus'"},
    {"time of day out of range", "  require UA note.filed from 2015-02-15T25:00", 40, "expected a time of day"},
    {"event arithmetic in weeks", "  require UA note.filed from signature + 3 weeks", 44, "expected 'days'"},
    {"event arithmetic backwards", "  require UA note.filed from signature + -3 days", 42, "0 or more"},
    {"first of an unknown event", "event e = first of signature, nothing", 31, "unknown event 'nothing'"},
    {"first without of", "event e = first signature", 17, "expected 'of'"},
    {"deadline on a day that does not exist", "  require UA note.filed by 2015-02-29T10:00 Europe/Kyiv", 28, "2015-02-29: February 2015 has 28 days"},
    {"detail named like a field", "detail strike value count", 15, "is a standard report field"},
    {"detail of an unknown kind", "detail bombing calibre number mm", 8, "unknown kind 'bombing'"},
    {"detail without a type", "detail strike calibre big", 23, "expected the detail's type"},
    {"filter on an undeclared detail", "  forbid UA strike where calibre >= 100", 26, "kind 'strike' has no detail 'calibre'"},
    {"filter on value of a kind without value", "  forbid UA strike where value > 3", 26, "`where value` needs reports that carry a value"},
    {"member declared twice", "party S \"Side\" = UA", 18, "'UA' is already a party"},
    {"buffer too wide for one projection", "place b \"B\" = within 1200 km of zone", 22, "1000 km"},
    {"within days without event", "  require UA note.filed within 10 days", 3, "`within` needs an event"},
    {"in zone with a kind without at", "  forbid UA note.filed in zone from signature", 3, "needs field 'at'"},
    {"limit with a kind without value", "  limit UA strike at most 5", 3, "needs field 'value'"},
    {"outside a place without geometry", "  forbid UA strike outside river", 3, "has no geometry"},
    {"bad key base64", "key monitor:m AAAA", 15, "not a base64 Ed25519 public key"},
    {"key for unknown source", "key monitor:nobody AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 5,
     "key for unknown source 'monitor:nobody'"},
    {"unterminated string", "party EU \"Europe", 10, "unterminated string"},
    {"unexpected character", "party EU \"Europe\" $", 19, "unexpected character '$'"},
    {"trailing junk", "party EU \"Europe\" extra", 19, "unexpected 'extra' at the end of the statement"},
    {"unknown statement", "frobnicate x", 1, "unknown statement 'frobnicate'"},
    {"unknown report field", "kind x needs colour", 14, "expected a report field"},
    {"within weeks", "  require UA note.filed within 3 weeks of signature", 34, "expected 'days' or 'months'"},
    {"bad date", "  require UA note.filed from signature by 2026-02-30", 43, "2026-02-30: February 2026 has 28 days"},
    {"no 29 February in a common year", "  require UA note.filed by 2015-02-29", 28, "February 2015 has 28 days"},
    {"month 13", "  require UA note.filed by 2026-13-01", 28, "2026-13-01: there is no month 13"},
    {"not a date", "  require UA note.filed by tomorrow", 28, "tomorrow: not a date of the form YYYY-MM-DD"},
    /* constructs with no effect */
    {"deadline on a prohibition (by)", "  forbid UA strike by 2026-06-30", 20,
     "`by` sets a deadline, but a forbid rule has none"},
    {"deadline on a prohibition (within)", "  forbid UA strike within 3 days of signature", 20,
     "`within` sets a deadline, but a forbid rule has none"},
    {"deadline on a limit", "  limit UA strike at most 3 by 2026-06-30", 29, "but a limit rule has none"},
    {"deadline on a grant", "  grant UA \"x\" within 1 month of signature", 16, "but a grant rule has none"},
    {"party any", "party any \"Anyone\"", 7, "'any' cannot be a party code"},
    {"event target on a kind without target", "event e = note.filed target zone", 22,
     "event e: `target PLACE` reads field 'target', which kind note.filed does not require"},
    /* did you mean */
    {"misspelt statement", "  forbd UA strike", 3, "unknown statement 'forbd' (did you mean 'forbid'?)"},
    {"misspelt declaration", "plase p \"P\" at 1, 1 radius 1 km", 1, "(did you mean 'place'?)"},
    {"misspelt clause", "  forbid UA strike form signature", 20, "(did you mean 'from'?)"},
    {"misspelt unit", "  require UA note.filed within 3 dayz of signature", 34, "(did you mean 'days'?)"},
    {"misspelt word", "  on violaton: void 1", 6, "unknown word 'violaton' (did you mean 'violation'?)"},
    {"misspelt field", "kind x needs actr", 14, "(did you mean 'actor'?)"},
    {"misspelt party", "  forbid UAA strike", 10, "unknown party 'UAA' (did you mean 'UA'?)"},
    {"party in the wrong case", "  forbid ua strike", 10, "unknown party 'ua' (did you mean 'UA'?)"},
    {"misspelt kind", "  forbid UA strik", 13, "unknown kind 'strik' (did you mean 'strike'?)"},
    {"misspelt place", "  forbid UA strike in zon", 23, "unknown place 'zon' (did you mean 'zone'?)"},
    {"misspelt event", "  forbid UA strike from signatur", 25, "unknown event 'signatur' (did you mean 'signature'?)"},
    {"misspelt source", "key monitor:n AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 5,
     "unknown source 'monitor:n' (did you mean 'monitor:m'?)"},
    {"nothing near enough", "  forbid XY strike", 10, "unknown party 'XY' (declare it with"},
};

static void test_error_case(void **state) {
    const error_case_t *c = *state;
    char *text = with_base(c->line);
    expect_error_in(text, 12, c->column, c->fragment);
    free(text);
}

static void test_text_line_before_point(void **state) {
    (void)state;
    expect_error_in("agreement t \"T\"\nparty UA \"U\"\n| words before\npoint 1\n  declaratory \"x\"\n", 3, 1,
                    "a `|` text line must follow a `point` line");
}

static void test_rule_before_point(void **state) {
    (void)state;
    expect_error_in("agreement t \"T\"\nparty UA \"U\"\nkind k needs actor\n  forbid UA k\n", 4, 3,
                    "a rule must follow a `point` line");
}

static void test_missing_header_and_parties(void **state) {
    (void)state;
    expect_error_in("party UA \"U\"\npoint 1\n  declaratory \"x\"\n", 1, 1, "missing the `agreement");
    expect_error_in("agreement t \"T\"\n", 1, 1, "declares no party");
}

static void test_keys_file_missing(void **state) {
    (void)state;
    expect_error_in("agreement t \"T\"\nparty UA \"U\"\nkeys \"nokeys.truce\"\npoint 1\n  declaratory \"x\"\n", 3, 6,
                    "cannot read keys file nokeys.truce");
}

/* Every problem of a file is reported, not only the first. */
static void test_several_errors(void **state) {
    (void)state;
    const char *text = "agreement t \"T\"\n"
                       "party UA \"U\"\n"
                       "object river \"R\"\n"
                       "kind k needs actor, at\n"
                       "point 1\n"
                       "  forbid XX k\n"                   /* 6:10 unknown party */
                       "  forbid UA k outside river\n"     /* 7:3 no geometry */
                       "  on violation: void 9\n"          /* 8:22 missing point */
                       "party RU \"R\" junk\n"             /* 9:14 trailing junk */
                       "point 2\n";                        /* 10:1 no rule */
    diagnostics_t errors = {0};
    agreement_t *a = parse(text, &errors);
    assert_null(a);
    print_errors(&errors);
    assert_true(has_error(&errors, 6, 10, "unknown party 'XX'"));
    assert_true(has_error(&errors, 8, 22, "consequence names point '9'"));
    assert_true(has_error(&errors, 9, 14, "unexpected 'junk'"));
    assert_true(has_error(&errors, 10, 1, "point 2 has no rule"));
    assert_true(has_error(&errors, 7, 3, "has no geometry"));
    diagnostics_free(&errors);
}

/* One error per faulty statement: a bad line does not cascade. */
static void test_no_cascade(void **state) {
    (void)state;
    char *text = with_base("  forbid XX strike in nowhere from never");
    diagnostics_t errors = {0};
    agreement_t *a = parse(text, &errors);
    assert_null(a);
    assert_int_equal(errors.count, 1);
    assert_true(has_error(&errors, 12, 10, "unknown party"));
    diagnostics_free(&errors);
    free(text);
}

/* An event `by PARTY` on a kind without actor could never be established by a
 * report that leaves the actor out. */
static void test_event_by_without_actor(void **state) {
    (void)state;
    expect_error_in("agreement t \"T\"\nparty UA \"U\"\nkind signed\nevent s = signed by UA\n"
                    "point 1\n  declaratory \"x\"\n",
                    4, 18, "event s: `by PARTY` reads field 'actor', which kind signed does not require");
}

static void test_misspelt_point(void **state) {
    (void)state;
    expect_error_in("agreement t \"T\"\nparty UA \"U\"\npoint 10a\n  declaratory \"x\"\n  on violation: void 10d\n",
                    5, 22, "consequence names point '10d', which does not exist (did you mean '10a'?)");
}

static void test_council_declared_twice(void **state) {
    (void)state;
    expect_error_in("agreement t \"T\"\nparty UA \"U\"\ncouncil tcg \"C\"\ncouncil council \"C\"\n"
                    "point 1\n  declaratory \"x\"\n",
                    4, 9, "the council is declared twice (already 'tcg', line 3)");
}

/* Warnings: the agreement loads, and each warning is at its line:column. */
static void test_unused_kind_warning(void **state) {
    (void)state;
    const char *text = "agreement t \"T\"\n"
                       "party UA \"U\"\n"
                       "council tcg \"C\"\n"
                       "kind strike needs actor\n"
                       "  kind spare   needs actor\n"      /* 5:8: read by nothing */
                       "kind review needs refs, stance\n"  /* a review kind: the engine reads it */
                       "kind signed\n"
                       "kind held needs actor, value\n"
                       "kind released needs actor, to, value\n"
                       "event signature = signed\n"
                       "point 1\n"
                       "  forbid UA strike from signature\n"
                       "  declaratory \"and a part only the council can judge\"\n";
    diagnostics_t errors = {0};
    agreement_t *a = parse(text, &errors);
    print_errors(&errors);
    assert_non_null(a);
    assert_int_equal(diagnostics_errors(&errors), 0);
    assert_true(has_error(&errors, 5, 8, "kind spare is used by no rule, event or assessment"));
    assert_true(has_error(&errors, 8, 6, "kind held is used by no rule"));
    assert_true(has_error(&errors, 9, 6, "kind released is used by no rule"));
    assert_int_equal(errors.count, 3);
    for (size_t i = 0; i < errors.count; i++) assert_true(errors.items[i].warning);
    assert_int_equal(agreement_council(a), agreement_source(a, text_of("tcg")));
    /* a point may mix rules with a declaratory part: both are kept, in order */
    assert_int_equal(a->points[0].rule_count, 2);
    assert_int_equal(a->rules[a->points[0].first_rule].type, RULE_FORBID);
    assert_int_equal(a->rules[a->points[0].first_rule + 1].type, RULE_DECLARATORY);
    agreement_free(a);
    diagnostics_free(&errors);
}

/* No warning after an error: the rule that used the kind may have failed. */
static void test_no_warning_after_errors(void **state) {
    (void)state;
    char *text = with_base("  forbid XX strike");
    diagnostics_t errors = {0};
    assert_null(parse(text, &errors));
    assert_int_equal(errors.count, 1);
    assert_false(errors.items[0].warning);
    diagnostics_free(&errors);
    free(text);
}

static void test_unreadable_file(void **state) {
    (void)state;
    diagnostics_t errors = {0};
    assert_null(agreement_load("data/agreements/does-not-exist.truce", &errors));
    assert_int_equal(errors.count, 1);
    assert_non_null(strstr(errors.items[0].message, "cannot read"));
    diagnostics_free(&errors);
}

/* -------------------------------------------------------- a valid agreement */

static const char valid_text[] =
    "# comment line\n"
    "agreement demo \"A \\\"demo\\\" agreement\"\n"
    "party A \"Alpha\"\n"
    "party B \"Beta\"\n"
    "council council \"The council\"\n"
    "monitor monitor:m \"Monitor\"\n"
    "body group \"A body, for readers\"\n"
    "place home \"Home\" at 10, 50 radius 50 km illustrative\n"
    "place \"Big City\" \"A city\" at 11, 51 radius 5 km\n"
    "object river \"River\"\n"
    "kind agreement.signed\n"
    "kind troops.seen needs actor, at, target\n"
    "kind stock.level needs actor, value\n"
    "kind aid.sent needs actor, to, value\n"
    "kind aid.needed needs actor, value\n"
    "kind strike needs actor, at, target\n"
    "event signature = agreement.signed\n"
    "event a-home = troops.seen by A target home\n"
    "event both = after signature, a-home\n"
    "point 1 \"First\"\n"
    "  | The first point's words,\n"
    "  | on two lines.\n"
    "  forbid A, B troops.seen outside home from signature   # trailing comment\n"
    "  limit any stock.level at most 600_000 from both\n"
    "  on violation by A: void 2 for B, suspend 3, consequence sanctions:reinstated\n"
    "point 2\n"
    "  require B aid.sent to A within 3 months of signature\n"
    "  require A aid.sent by 2026-06-30\n"
    "point 3\n"
    "  share aid.sent to A, B at 60:40 per 30 days tolerance 2.5% from signature\n"
    "  exchange aid.sent between A and B all for all against aid.needed within 10 days of signature\n"
    "  forbid A strike target \"Big City\", river unless cause\n"
    "point 4\n"
    "  grant A \"a benefit\" from a-home\n"
    "  sanction sanctions:imposed on any violation\n"
    "point 5\n"
    "  declaratory \"only the council can tell\"\n";

static agreement_t *valid;

static int load_valid(void **state) {
    (void)state;
    diagnostics_t errors = {0};
    valid = parse(valid_text, &errors);
    print_errors(&errors);
    diagnostics_free(&errors);
    return valid ? 0 : -1;
}

static int free_valid(void **state) {
    (void)state;
    agreement_free(valid);
    return 0;
}

static const rule_t *rule_of(int point, int index) {
    assert_true(index < valid->points[point].rule_count);
    return &valid->rules[valid->points[point].first_rule + index];
}

static void test_valid_declarations(void **state) {
    (void)state;
    const agreement_t *a = valid;
    assert_string_equal(a->name, "demo");
    assert_string_equal(a->title, "A \"demo\" agreement");
    assert_int_equal(a->party_count, 2);
    assert_string_equal(a->parties[1].code, "B");
    assert_string_equal(a->parties[1].name, "Beta");
    int source = agreement_source(a, text_of("party:A"));
    assert_true(source >= 0);
    assert_int_equal(a->sources[source].class, SOURCE_PARTY);
    assert_int_equal(a->sources[source].party, 0);
    assert_int_equal(a->sources[agreement_source(a, text_of("council"))].class, SOURCE_COUNCIL);
    assert_int_equal(a->sources[agreement_source(a, text_of("monitor:m"))].class, SOURCE_MONITOR);
    assert_int_equal(agreement_source(a, text_of("group")), -1); /* a body is not a source */
    int home = agreement_place(a, text_of("home")), city = agreement_place(a, text_of("Big City"));
    assert_true(home >= 0 && city >= 0);
    assert_true(a->places[home].illustrative);
    assert_false(a->places[city].illustrative);
    assert_non_null(a->places[home].zone);
    assert_null(a->places[agreement_place(a, text_of("river"))].zone);
    assert_int_equal(a->kinds[agreement_kind(a, text_of("aid.sent"))].required, FIELD_ACTOR | FIELD_TO | FIELD_VALUE);
    assert_int_equal(a->kinds[agreement_kind(a, text_of("agreement.signed"))].required, 0);
    assert_int_equal(a->event_count, 3);
    assert_int_equal(a->events[1].party, 0);
    assert_int_equal(a->events[1].target, home);
    assert_int_equal(a->events[2].kind, -1);
    assert_int_equal(a->events[2].after_count, 2);
}

static void test_valid_points(void **state) {
    (void)state;
    const agreement_t *a = valid;
    assert_int_equal(a->point_count, 5);
    assert_string_equal(a->points[0].title, "First");
    assert_string_equal(a->points[0].text, "The first point's words, on two lines.");
    assert_int_equal(a->points[0].rule_count, 2);
    assert_int_equal(agreement_point(a, text_of("3")), 2);
    assert_int_equal(a->rule_count, 10);
}

static void test_valid_rules(void **state) {
    (void)state;
    const rule_t *forbid = rule_of(0, 0), *limit = rule_of(0, 1);
    assert_int_equal(forbid->type, RULE_FORBID);
    assert_int_equal(forbid->parties, 3u);
    assert_true(forbid->outside);
    assert_int_equal(forbid->place, agreement_place(valid, text_of("home")));
    assert_int_equal(forbid->window.start_event, 0);
    assert_string_equal(forbid->source_text, "forbid A, B troops.seen outside home from signature   # trailing comment");
    assert_int_equal(limit->type, RULE_LIMIT);
    assert_int_equal(limit->comparison, COMPARE_AT_MOST);
    assert_true(limit->bound == 600000.0);
    assert_int_equal(limit->window.start_event, 2);
    const rule_t *strike = rule_of(2, 2);
    assert_int_equal(strike->target_count, 2);
    assert_int_equal(strike->targets[0], agreement_place(valid, text_of("Big City")));
    assert_true(strike->unless_cause);
    const rule_t *grant = rule_of(3, 0), *sanction = rule_of(3, 1), *declaratory = rule_of(4, 0);
    assert_int_equal(grant->type, RULE_GRANT);
    assert_string_equal(grant->text, "a benefit");
    assert_int_equal(sanction->type, RULE_SANCTION);
    assert_string_equal(sanction->text, "sanctions:imposed");
    assert_int_equal(declaratory->type, RULE_DECLARATORY);
    assert_string_equal(declaratory->text, "only the council can tell");
}

static void test_valid_share_and_exchange(void **state) {
    (void)state;
    const rule_t *share = rule_of(2, 0), *exchange = rule_of(2, 1);
    assert_int_equal(share->type, RULE_SHARE);
    assert_int_equal(share->share_party[0], 0);
    assert_int_equal(share->share_party[1], 1);
    assert_true(share->share_weight[0] == 60 && share->share_weight[1] == 40);
    assert_int_equal(share->period_days, 30);
    assert_true(share->tolerance_percent == 2.5);
    assert_int_equal(exchange->type, RULE_EXCHANGE);
    assert_int_equal(exchange->held_kind, agreement_kind(valid, text_of("aid.needed")));
    assert_int_equal(exchange->window.deadline_days, 10);
    assert_int_equal(exchange->window.deadline_event, 0);
    assert_int_equal(exchange->window.start_event, 0); /* `within N days of E` also starts the rule at E */
}

static void test_valid_windows(void **state) {
    (void)state;
    const rule_t *months = rule_of(1, 0), *by = rule_of(1, 1);
    assert_int_equal(months->window.deadline_months, 3);
    assert_int_equal(months->window.deadline_event, 0);
    assert_int_equal(months->to_party, 0);
    time_ms_t day;
    assert_true(time_parse_date("2026-06-30", 10, &day));
    assert_true(by->window.deadline_date == day + MS_PER_DAY - 1); /* the end of that day */
    assert_int_equal(by->window.start_event, -1);
}

static void test_valid_reactions(void **state) {
    (void)state;
    assert_int_equal(valid->reaction_count, 1);
    const reaction_t *r = &valid->reactions[0];
    assert_int_equal(r->point, 0);
    assert_int_equal(r->party, 0);
    assert_int_equal(r->action_count, 3);
    assert_int_equal(r->actions[0].type, ACTION_VOID);
    assert_int_equal(r->actions[0].point, 1);
    assert_int_equal(r->actions[0].party, 1);
    assert_int_equal(r->actions[1].type, ACTION_SUSPEND);
    assert_int_equal(r->actions[1].point, 2);
    assert_int_equal(r->actions[1].party, -1); /* the violator */
    assert_int_equal(r->actions[2].type, ACTION_CONSEQUENCE);
    assert_string_equal(r->actions[2].tag, "sanctions:reinstated");
}

/* -------------------------------------------------------- the reference plan */

/* Line places, buffers and combinations, computed at load. */
static void test_place_expressions(void **state) {
    (void)state;
    static const char text[] =
        "agreement t \"T\"\n"
        "party UA \"Ukraine\"\n"
        "place road \"R\" file \"../geo/line-only.geojson\" illustrative\n"
        "place town \"T\" at 30.5, 50.2\n"
        "place near-road \"N\" = within 10 km of road\n"
        "place around-town \"A\" = within 20 km of town\n"
        "place both \"B\" = near-road and around-town\n"
        "place either \"E\" = (within 10 km of road) or (within 20 km of town)\n"
        "place rest \"R\" = (near-road or around-town) minus (near-road and around-town)\n"
        "kind strike needs actor, at\n"
        "point 1\n"
        "  forbid UA strike in both\n"
        "  forbid UA strike in either\n";
    diagnostics_t errors = {0};
    agreement_t *a = parse_valid(text, &errors);
    const place_t *road = &a->places[agreement_place(a, text_of("road"))];
    assert_non_null(road->polyline);
    assert_null(road->zone);
    const place_t *near = &a->places[agreement_place(a, text_of("near-road"))];
    const place_t *town = &a->places[agreement_place(a, text_of("around-town"))];
    const place_t *both = &a->places[agreement_place(a, text_of("both"))];
    const place_t *either = &a->places[agreement_place(a, text_of("either"))];
    const place_t *rest = &a->places[agreement_place(a, text_of("rest"))];
    assert_true(near->illustrative && !town->illustrative);   /* a buffer of a drawing is still a drawing */
    assert_true(both->illustrative && either->illustrative);
    assert_string_equal(either->expression, "(within 10 km of road) or (within 20 km of town)");
    /* a band 20 km wide along the road, plus two half-disc caps of 10 km */
    double road_area = zone_area_km2(near->zone), expected = line_length_km(road->polyline) * 20 + 3.14159265 * 100;
    assert_true(fabs(road_area - expected) < 0.01 * expected);
    double circle = zone_area_km2(town->zone);
    assert_true(fabs(circle - 3.14159265 * 400) < 0.01 * 3.14159265 * 400);
    double sum = road_area + circle - zone_area_km2(both->zone);
    assert_true(fabs(zone_area_km2(either->zone) - sum) < 0.001 * sum);
    assert_true(fabs(zone_area_km2(rest->zone) - (zone_area_km2(either->zone) - zone_area_km2(both->zone))) < 1);
    assert_true(zone_contains(both->zone, 30.5, 50.25) && !zone_contains(both->zone, 30.05, 50.0));
    agreement_free(a);
    diagnostics_free(&errors);
}

/* Dates with IANA zones, event arithmetic, `first of`: inline events join the table. */
static void test_times(void **state) {
    (void)state;
    static const char text[] =
        "agreement t \"T\"\n"
        "party UA \"Ukraine\"\n"
        "kind agreement.signed\n"
        "kind withdrawal.completed needs actor\n"
        "kind law.enacted needs actor\n"
        "event signature = agreement.signed\n"
        "event withdrawal = withdrawal.completed\n"
        "event zones-bind = withdrawal + 14 days\n"
        "event talks = first of withdrawal + 1 day, 2015-03-01 Europe/Kyiv\n"
        "event both = after signature, withdrawal\n"
        "point 1\n"
        "  require UA law.enacted from 2015-02-15T00:00 Europe/Kyiv by 2015-12-31 Europe/Kyiv\n"
        "  require UA law.enacted within 5 days of withdrawal + 14 days\n"
        "  require UA law.enacted from 2015-02-14T22:00Z by 2015-12-31T23:59\n";
    diagnostics_t errors = {0};
    agreement_t *a = parse_valid(text, &errors);
    const point_t *point = &a->points[0];
    const rule_t *kyiv = &a->rules[point->first_rule], *arithmetic = kyiv + 1, *utc = kyiv + 2;
    time_ms_t expected;
    assert_true(time_parse_rfc3339("2015-02-14T22:00:00Z", 20, &expected));   /* 00:00 in Kyiv, UTC+2 in winter */
    assert_true(a->events[kyiv->window.start_event].at == expected);
    assert_string_equal(a->events[kyiv->window.start_event].name, "2015-02-15T00:00 Europe/Kyiv");
    assert_true(a->events[utc->window.start_event].at == expected);
    assert_true(time_parse_rfc3339("2015-12-31T21:59:59.999Z", 24, &expected));  /* the end of the day in Kyiv */
    assert_true(kyiv->window.deadline_date == expected);
    assert_true(time_parse_rfc3339("2015-12-31T23:59:00Z", 20, &expected));
    assert_true(utc->window.deadline_date == expected);
    const event_t *later = &a->events[arithmetic->window.deadline_event];
    assert_string_equal(later->name, "withdrawal + 14 days");
    assert_int_equal(later->offset_days, 14);
    assert_string_equal(a->events[later->base].name, "withdrawal");
    int zones = -1, talks = -1;
    for (int i = 0; i < a->event_count; i++) {
        if (!strcmp(a->events[i].name, "zones-bind")) zones = i;
        if (!strcmp(a->events[i].name, "talks")) talks = i;
    }
    assert_true(zones >= 0 && talks >= 0);
    assert_int_equal(a->events[zones].base, later - a->events);   /* the same inline event, not a second one */
    assert_true(a->events[talks].first);
    assert_int_equal(a->events[talks].after_count, 2);
    assert_true(time_parse_rfc3339("2015-02-28T22:00:00Z", 20, &expected));
    assert_true(a->events[a->events[talks].after[1]].at == expected);
    agreement_free(a);
    diagnostics_free(&errors);
}

/* Details, `where` filters and sides of several members. */
static const char sides_text[] =
    "agreement t \"T\"\n"
    "party UA \"Ukraine\"\n"
    "party ORDLO \"Formations\" = DPR \"Donetsk\", LPR\n"
    "kind weapon.seen needs actor, at, value\n"
    "detail weapon.seen weapon one of artillery, mlrs, heavy-mlrs\n"
    "detail weapon.seen calibre number mm\n"
    "detail weapon.seen pieces count optional\n"
    "point 1\n";

static void expect_rule_error(const char *rule, int column, const char *fragment) {
    char text[1024];
    snprintf(text, sizeof text, "%s%s\n", sides_text, rule);
    expect_error_in(text, 9, column, fragment);
}

static void test_details_and_sides(void **state) {
    (void)state;
    char text[1024];
    snprintf(text, sizeof text, "%s  forbid UA, ORDLO weapon.seen where weapon in mlrs, heavy-mlrs where calibre >= 100 "
                                "where value < 5\n", sides_text);
    diagnostics_t errors = {0};
    agreement_t *a = parse_valid(text, &errors);
    assert_int_equal(a->party_count, 2);
    assert_int_equal(a->member_count, 2);
    assert_string_equal(a->members[0].code, "DPR");
    assert_string_equal(a->members[0].name, "Donetsk");
    assert_int_equal(a->members[1].party, 1);
    int lpr = agreement_source(a, text_of("party:LPR"));
    assert_true(lpr >= 0 && a->sources[lpr].party == 1);   /* a member's reports speak for its side */
    const kind_t *kind = &a->kinds[0];
    assert_int_equal(kind->detail_count, 3);
    assert_int_equal(kind->details[0].word_count, 3);
    assert_string_equal(kind->details[1].unit, "mm");
    assert_true(kind->details[2].optional && kind->details[2].type == DETAIL_COUNT);
    const rule_t *rule = &a->rules[0];
    assert_int_equal(rule->condition_count, 3);
    assert_int_equal(rule->conditions[0].words, 6);          /* mlrs, heavy-mlrs */
    double details[3] = {1, 122, 0};
    assert_true(rule_conditions_hold(rule, details, 3, true, 2));
    assert_false(rule_conditions_hold(rule, details, 3, true, 5));      /* value < 5 fails */
    details[1] = 82;
    assert_false(rule_conditions_hold(rule, details, 3, true, 2));      /* calibre >= 100 fails */
    details[1] = 122, details[0] = 0;
    assert_false(rule_conditions_hold(rule, details, 3, true, 2));      /* artillery is not in the list */
    agreement_free(a);
    diagnostics_free(&errors);
    expect_rule_error("detail weapon.seen calibre count", 20, "already has a detail 'calibre'");
    expect_rule_error("  forbid DPR weapon.seen", 10, "'DPR' is a member of party 'ORDLO'");
    expect_rule_error("  forbid UA weapon.seen where weapon >= 3", 31, "is a word: filter it with `in`");
    expect_rule_error("  forbid UA weapon.seen where calibre in big", 31, "`in` needs a detail declared `one of");
    expect_rule_error("  forbid UA weapon.seen where weapon in banana", 41, "'banana' is not one of the words");
    expect_rule_error("  forbid UA weapon.seen where calibre about 3", 39, "expected a comparison");
    expect_rule_error("party X \"x\" = DPR", 15, "'DPR' is already a party or a member");
}

/* Versions of a place in time: errors. */
static void test_place_versions(void **state) {
    (void)state;
    static const char head[] = "agreement t \"T\"\nparty UA \"U\"\n";
    char text[1024];
    snprintf(text, sizeof text, "%splace road \"R\" file \"../geo/line-only.geojson\" until 2015-03-01\n"
                                "place road \"R2\" file \"../geo/line-moved.geojson\" from 2015-02-20\n", head);
    expect_error_in(text, 4, 7, "overlaps the one declared on line 3");
    snprintf(text, sizeof text, "%splace road \"R\" file \"../geo/line-only.geojson\"\n"
                                "place road \"R2\" file \"../geo/line-moved.geojson\" from 2015-02-20\n", head);
    expect_error_in(text, 4, 7, "declared twice (to declare versions in time");
    snprintf(text, sizeof text, "%splace road \"R\" file \"../geo/line-only.geojson\" until 2015-03-01\n"
                                "place road \"R2\" at 30, 50 radius 5 km from 2015-03-01\n", head);
    expect_error_in(text, 4, 7, "every version must be a line, or every version a zone");
    snprintf(text, sizeof text, "%splace road \"R\" file \"../geo/line-only.geojson\" from 2015-03-01 until 2015-02-01\n",
             head);
    expect_error_in(text, 3, 7, "ends before it begins");
    snprintf(text, sizeof text, "%splace road \"R\" file \"../geo/line-only.geojson\" until 2015-02-30\n", head);
    expect_error_in(text, 3, 54, "2015-02-30: February 2015 has 28 days");
    /* and the valid case: two versions, a zone computed from them in two versions */
    snprintf(text, sizeof text, "%splace road \"R\" file \"../geo/line-only.geojson\" until 2015-03-01\n"
                                "place road \"R2\" file \"../geo/line-moved.geojson\" from 2015-03-01\n"
                                "place near \"N\" = (within 10 km of road) or (within 1 km of road)\n"
                                "kind k needs actor\npoint 1\n  forbid UA k\n", head);
    diagnostics_t errors = {0};
    agreement_t *a = parse_valid(text, &errors);
    const place_t *road = &a->places[agreement_place(a, text_of("road"))];
    const place_t *near = &a->places[agreement_place(a, text_of("near"))];
    assert_int_equal(road->version_count, 2);
    assert_int_equal(near->version_count, 2);
    time_ms_t march;
    assert_true(time_parse_date("2015-03-01", 10, &march));
    assert_true(near->versions[0].until == march && near->versions[1].from == march);
    assert_true(zone_contains(place_zone_at(near, march - 1), 30.5, 50.25));
    assert_false(zone_contains(place_zone_at(near, march), 30.5, 50.25));
    assert_true(zone_contains(place_zone_at(near, march), 30.5, 50.75));
    assert_true(place_line_at(road, march - 1) != place_line_at(road, march));
    agreement_free(a);
    diagnostics_free(&errors);
}

/* A line or a point is not an area: `in` names a zone around it instead. */
static void test_in_a_line(void **state) {
    (void)state;
    expect_error_in("agreement t \"T\"\nparty UA \"U\"\nplace road \"R\" file \"../geo/line-only.geojson\"\n"
                    "kind strike needs actor, at\npoint 1\n  forbid UA strike in road\n",
                    6, 3, "is a line, not an area");
}

static void test_reference_plan(void **state) {
    (void)state;
    diagnostics_t errors = {0};
    agreement_t *a = agreement_load(REFERENCE_PLAN, &errors);
    print_errors(&errors);
    assert_non_null(a);
    assert_int_equal(errors.count, 0);
    for (int n = 1; n <= 28; n++) { /* every point, by its number or its sub-points */
        char label[16], sub[16];
        snprintf(label, sizeof label, "%d", n);
        snprintf(sub, sizeof sub, "%da", n);
        if (agreement_point(a, text_of(label)) < 0 && agreement_point(a, text_of(sub)) < 0)
            fail_msg("the reference plan has no point %d", n);
    }
    const char *subs[] = {"10a", "10b", "10c", "10d", "21a", "21b", "21c", "21d", "24a", "24b", "24c", "24d"};
    for (size_t i = 0; i < sizeof subs / sizeof *subs; i++) assert_true(agreement_point(a, text_of(subs[i])) >= 0);
    assert_int_equal(a->point_count, 38);
    int machine = 0;
    for (int p = 0; p < a->point_count; p++)
        machine += a->rules[a->points[p].first_rule].type != RULE_DECLARATORY;
    assert_int_equal(machine, 23);
    assert_int_equal(a->party_count, 5);
    agreement_free(a);
    diagnostics_free(&errors);
}

int main(void) {
    geo_init();
    size_t n = sizeof cases / sizeof *cases;
    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    for (size_t i = 0; i < n; i++)
        tests[i] = (struct CMUnitTest){.name = cases[i].name, .test_func = test_error_case,
                                       .initial_state = (void *)&cases[i]};
    int failed = _cmocka_run_group_tests("agreement errors", tests, n, NULL, NULL);
    free(tests);
    const struct CMUnitTest others[] = {
        cmocka_unit_test(test_text_line_before_point),
        cmocka_unit_test(test_rule_before_point),
        cmocka_unit_test(test_missing_header_and_parties),
        cmocka_unit_test(test_keys_file_missing),
        cmocka_unit_test(test_several_errors),
        cmocka_unit_test(test_no_cascade),
        cmocka_unit_test(test_unreadable_file),
        cmocka_unit_test(test_event_by_without_actor),
        cmocka_unit_test(test_council_declared_twice),
        cmocka_unit_test(test_misspelt_point),
        cmocka_unit_test(test_unused_kind_warning),
        cmocka_unit_test(test_no_warning_after_errors),
        cmocka_unit_test(test_valid_declarations),
        cmocka_unit_test(test_valid_points),
        cmocka_unit_test(test_valid_rules),
        cmocka_unit_test(test_valid_share_and_exchange),
        cmocka_unit_test(test_valid_windows),
        cmocka_unit_test(test_valid_reactions),
        cmocka_unit_test(test_place_expressions),
        cmocka_unit_test(test_in_a_line),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_details_and_sides),
        cmocka_unit_test(test_place_versions),
        cmocka_unit_test(test_reference_plan),
    };
    failed += cmocka_run_group_tests_name("agreement", others, load_valid, free_valid);
    geo_finish();
    return failed;
}
