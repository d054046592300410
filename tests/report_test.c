/* report_test: the report parser (src/report) against the reference plan's
 * vocabulary: a valid line of every kind, every rejection reason, accepted
 * edge cases, the line reader, and a differential test of 20k mutated lines
 * against python's json module. Run from tests/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "report/report.h"

#define REFERENCE_PLAN "../plans/ukraine-2025-11/plan.truce"
#define PYTHON "/usr/bin/python3"
#define MUTATIONS 20000

static agreement_t *plan;
static report_parser_t *parser;
static report_t report;
static char reason[320];

static int setup(void **state) {
    (void)state;
    geo_init();
    diagnostics_t errors = {0};
    plan = agreement_load(REFERENCE_PLAN, &errors);
    diagnostics_free(&errors);
    if (!plan) return -1;
    parser = report_parser_new(plan);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    report_parser_free(parser);
    agreement_free(plan);
    geo_finish();
    return 0;
}

/* ------------------------------------------------------------------ helpers */

static bool parse_len(const char *line, size_t len) {
    reason[0] = '\0';
    return report_parse(parser, line, len, &report, reason, sizeof reason);
}

static bool parse(const char *line) { return parse_len(line, strlen(line)); }

static void accept(const char *line) {
    if (!parse(line)) fail_msg("rejected: %s\n  line: %s", reason, line);
}

static void reject(const char *line, const char *fragment) {
    if (parse(line)) fail_msg("accepted, expected a rejection (%s)\n  line: %s", fragment, line);
    if (!strstr(reason, fragment)) fail_msg("reason '%s' lacks '%s'\n  line: %s", reason, fragment, line);
}

/* A minimal valid report with extra text spliced in before the closing brace. */
static void with_fields(char *out, size_t size, const char *extra) {
    snprintf(out, size, "{\"id\":\"x1\",\"source\":\"monitor:osce\",\"time\":\"2026-01-05T10:00:00Z\","
                        "\"kind\":\"agreement.signed\"%s}", extra);
}

static void reject_fields(const char *extra, const char *fragment) {
    char line[1024];
    with_fields(line, sizeof line, extra);
    reject(line, fragment);
}

static void accept_fields(const char *extra) {
    char line[1024];
    with_fields(line, sizeof line, extra);
    accept(line);
}

static bool text_is(text_t t, const char *expected) { return t.ptr && text_equals_cstr(t, expected); }

/* ------------------------------------------------------------ valid lines */

static const char *const valid_lines[] = {
    "{\"id\":\"a\",\"source\":\"council\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"agreement.signed\"}",
    "{\"id\":\"a\",\"source\":\"monitor:osce\",\"time\":\"2026-02-01T18:00:00Z\",\"kind\":\"withdrawal.completed\",\"actor\":\"UA\",\"target\":\"buffer-zone\"}",
    "{\"id\":\"a\",\"source\":\"monitor:osce\",\"time\":\"2026-01-06T08:00:00Z\",\"kind\":\"forces.present\",\"actor\":\"RU\",\"at\":[37.95,48.05],\"value\":1200}",
    "{\"id\":\"a\",\"source\":\"party:RU\",\"time\":\"2026-02-10T03:20:00Z\",\"kind\":\"strike\",\"actor\":\"UA\",\"at\":[37.6,55.74],\"target\":\"Moscow\",\"cause\":\"none given\"}",
    "{\"id\":\"a\",\"source\":\"monitor:osce\",\"time\":\"2026-03-03T04:00:00Z\",\"kind\":\"offensive\",\"actor\":\"RU\",\"at\":[35.14,47.84]}",
    "{\"id\":\"a\",\"source\":\"party:UA\",\"time\":\"2026-01-10T12:00:00Z\",\"kind\":\"personnel.strength\",\"actor\":\"UA\",\"value\":720000}",
    "{\"id\":\"a\",\"source\":\"council\",\"time\":\"2026-04-01T00:00:00Z\",\"kind\":\"election.held\",\"actor\":\"UA\"}",
    "{\"id\":\"a\",\"source\":\"party:UA\",\"time\":\"2026-03-20T09:00:00Z\",\"kind\":\"law.enacted\",\"actor\":\"UA\",\"target\":\"constitution:no-nato\"}",
    "{\"id\":\"a\",\"source\":\"monitor:osce\",\"time\":\"2026-01-25T14:00:00Z\",\"kind\":\"jets.stationed\",\"actor\":\"EU\",\"at\":[19.18,51.55]}",
    "{\"id\":\"a\",\"source\":\"monitor:humanitarian\",\"time\":\"2026-02-05T12:00:00Z\",\"kind\":\"prisoners.released\",\"actor\":\"UA\",\"to\":\"RU\",\"value\":6000}",
    "{\"id\":\"a\",\"source\":\"monitor:humanitarian\",\"time\":\"2026-02-06T12:00:00Z\",\"kind\":\"detainees.returned\",\"actor\":\"RU\",\"to\":\"UA\",\"value\":1200}",
    "{\"id\":\"a\",\"source\":\"monitor:iaea\",\"time\":\"2026-02-03T00:00:00Z\",\"kind\":\"power.delivered\",\"actor\":\"RU\",\"to\":\"UA\",\"value\":39000}",
    "{\"id\":\"a\",\"source\":\"party:UA\",\"time\":\"2026-02-28T10:00:00Z\",\"kind\":\"shipping.obstructed\",\"actor\":\"RU\",\"target\":\"Dnieper\"}",
    "{\"id\":\"a\",\"source\":\"party:RU\",\"time\":\"2026-03-15T10:00:00Z\",\"kind\":\"claim.filed\",\"actor\":\"UA\",\"target\":\"court:icc\"}",
    "{\"id\":\"a\",\"source\":\"monitor:humanitarian\",\"time\":\"2026-01-26T10:00:00Z\",\"kind\":\"prisoners.held\",\"actor\":\"RU\",\"value\":8000}",
    "{\"id\":\"a\",\"source\":\"monitor:humanitarian\",\"time\":\"2026-01-26T10:00:00Z\",\"kind\":\"detainees.held\",\"actor\":\"UA\",\"value\":300}",
    "{\"id\":\"a\",\"source\":\"monitor:osce\",\"time\":\"2026-02-15T11:00:00Z\",\"kind\":\"review\",\"stance\":\"confirms\",\"refs\":[\"party:UA/ua-0202\",\"x\"]}",
    "{\"id\":\"a\",\"source\":\"council\",\"time\":\"2026-02-15T11:00:00Z\",\"kind\":\"point.assessed\",\"target\":\"Dnieper\",\"value\":2}",
    "{\"id\":\"a\",\"source\":\"monitor:osce\",\"time\":\"2026-02-10T03:20:00Z\",\"kind\":\"shelling\",\"actor\":\"RU\",\"at\":[37.8,48.0]}",
    /* structure for the differential test to mutate: nested unknown fields, escapes, numbers */
    "{\"id\":\"b\",\"x\":{\"a\":[1,-2.5e3,\"\\u00e9\\ud83d\\ude00\\n\",true,null,{}]},\"source\":\"council\",\"time\":\"2026-01-05T10:00:00.5+01:00\",\"kind\":\"agreement.signed\",\"note\":\"caf\xc3\xa9\"}",
};

static void test_every_kind(void **state) {
    (void)state;
    bool seen[64] = {false};
    for (size_t i = 0; i < sizeof valid_lines / sizeof *valid_lines; i++) {
        accept(valid_lines[i]);
        seen[report.kind] = true;
    }
    for (int k = 0; k < plan->kind_count; k++)
        if (!seen[k]) fail_msg("no valid line of kind %s", plan->kinds[k].name);
}

static void test_fields_decoded(void **state) {
    (void)state;
    accept(valid_lines[3]);
    assert_true(text_is(report.id, "a"));
    assert_true(text_is(report.source, "party:RU"));
    assert_int_equal(report.source_index, agreement_source(plan, text_of("party:RU")));
    assert_int_equal(report.kind, agreement_kind(plan, text_of("strike")));
    assert_int_equal(report.actor, agreement_party(plan, text_of("UA")));
    assert_int_equal(report.to, -1);
    assert_true(report.has_at && report.lon == 37.6 && report.lat == 55.74);
    assert_int_equal(report.target, agreement_place(plan, text_of("Moscow")));
    assert_true(text_is(report.cause, "none given"));
    assert_null(report.note.ptr);
    assert_false(report.has_value);
    time_ms_t t;
    assert_true(time_parse_rfc3339("2026-02-10T03:20:00Z", 20, &t));
    assert_true(report.time == t);
    accept(valid_lines[16]);
    assert_int_equal(report.stance, STANCE_CONFIRMS);
    assert_int_equal(report.ref_count, 2);
    assert_true(text_is(report.refs[0], "party:UA/ua-0202"));
}

/* -------------------------------------------------------------- rejections */

typedef struct {
    const char *line, *fragment;
} rejection_t;

static const rejection_t whole_line_rejections[] = {
    {"hello", "not a JSON object"},
    {"", "not a JSON object"},
    {"[1,2]", "not a JSON object"},
    {"\"a string\"", "not a JSON object"},
    {"{}", "missing required field 'id'"},
    {"{\"source\":\"council\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"agreement.signed\"}", "missing required field 'id'"},
    {"{\"id\":\"a\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"agreement.signed\"}", "missing required field 'source'"},
    {"{\"id\":\"a\",\"source\":\"council\",\"kind\":\"agreement.signed\"}", "missing required field 'time'"},
    {"{\"id\":\"a\",\"source\":\"council\",\"time\":\"2026-01-05T10:00:00Z\"}", "missing required field 'kind'"},
    {"{\"id\":\"\",\"source\":\"council\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"agreement.signed\"}", "field 'id' is empty"},
    {"{\"id\":5,\"source\":\"council\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"agreement.signed\"}", "field 'id' must be a string"},
    {"{\"id\":\"a\",\"source\":\"nobody\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"agreement.signed\"}", "unknown source 'nobody'"},
    {"{\"id\":\"a\",\"source\":\"council\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"picnic\"}", "unknown kind 'picnic'"},
    {"{\"id\":\"a\",\"source\":\"council\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"strike\",\"actor\":\"UA\"}", "kind 'strike' needs field 'at'"},
    {"{\"id\":\"a\",\"source\":\"council\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"review\",\"stance\":\"confirms\",\"refs\":[]}", "must name the reports it answers"},
};

static const rejection_t field_rejections[] = {
    {",\"cites\":{\"tree_size\":1,\"root_hash\":\"00\"}", "field 'cites' is for council records"},
    {",\"x\":1,\"y\":2,\"x\":3", "field 'x' appears twice"},
    {",\"\\u0078\":1,\"x\":3", "field 'x' appears twice"},
    {",\"actor\":5", "field 'actor' must be a string"},
    {",\"actor\":\"XX\"", "field 'actor': unknown party 'XX'"},
    {",\"to\":\"Mars\"", "field 'to': unknown party 'Mars'"},
    {",\"target\":\"Atlantis\"", "unknown place or object 'Atlantis'"},
    {",\"value\":\"5\"", "field 'value' must be a number"},
    {",\"value\":-1", "must not be negative"},
    {",\"value\":1e999", "field 'value' must be a number"},
    {",\"at\":\"x\"", "field 'at' must be [longitude, latitude]"},
    {",\"at\":[30]", "field 'at' must be [longitude, latitude]"},
    {",\"at\":[30,50,1]", "field 'at' must be [longitude, latitude]"},
    {",\"at\":[200,50]", "field 'at' is out of range"},
    {",\"at\":[30,-90.5]", "field 'at' is out of range"},
    {",\"refs\":\"a\"", "field 'refs' must be an array of strings"},
    {",\"refs\":[1]", "field 'refs' must be an array of strings"},
    {",\"stance\":\"confirms\"", "must name the reports it answers"},
    {",\"stance\":\"maybe\",\"refs\":[\"a\"]", "must be \"confirms\" or \"disputes\""},
    {",\"note\":1", "field 'note' must be a string"},
    {",\"kind\":\"agreement.signed\"", "field 'kind' appears twice"},
    {",\"extra\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "nested too deeply"},
    {",\"note\":\"a\x01" "b\"", "control character in string"},
    {",\"note\":\"tab\tinside\"", "control character in string"},
    {",\"note\":\"\xff\"", "invalid UTF-8"},
    {",\"note\":\"\xc0\xaf\"", "invalid UTF-8"},           /* overlong */
    {",\"note\":\"\xed\xa0\x80\"", "invalid UTF-8"},       /* an encoded surrogate */
    {",\"note\":\"\\ud800\"", "lone high surrogate"},
    {",\"note\":\"\\udc00x\"", "lone low surrogate"},
    {",\"note\":\"\\ud800\\u0041\"", "bad surrogate pair"},
    {",\"note\":\"\\x41\"", "bad escape"},
    {",\"note\":\"\\u12\"", "bad \\u escape"},
    {",\"extra\":tru", "invalid JSON"},
    {",\"extra\":01", "invalid JSON"},
    {",\"extra\":1.", "invalid JSON"},
    {",\"extra\":.5", "invalid JSON"},
    {",\"extra\":+1", "invalid JSON"},
    {",\"extra\":NaN", "invalid JSON"},
    {",", "invalid JSON"},
};

static void test_whole_line_rejections(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof whole_line_rejections / sizeof *whole_line_rejections; i++)
        reject(whole_line_rejections[i].line, whole_line_rejections[i].fragment);
}

static void test_field_rejections(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof field_rejections / sizeof *field_rejections; i++)
        reject_fields(field_rejections[i].line, field_rejections[i].fragment);
}

static void test_trailing_garbage(void **state) {
    (void)state;
    char line[512];
    with_fields(line, sizeof line, "");
    strcat(line, " x");
    reject(line, "unexpected text after the JSON object");
    with_fields(line, sizeof line, "");
    strcat(line, "{}");
    reject(line, "unexpected text after the JSON object");
    reject("{} x", "unexpected text after the JSON object");
    reject("{\"id\":\"a\"", "expected , or }");
}

/* An id with a control character could be stored but neither addressed in
 * a URL nor shown: refused at intake, with the reason. */
static void test_control_characters_in_id(void **state) {
    (void)state;
    static const char *const ids[] = {"a\\u0000b", "a\\u001fb", "a\\nb", "a\x7f" "b"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        char line[512];
        snprintf(line, sizeof line, "{\"id\":\"%s\",\"source\":\"council\",\"time\":\"2026-01-05T10:00:00Z\","
                                    "\"kind\":\"agreement.signed\"}", ids[i]);
        reject(line, "field 'id' contains a control character");
    }
    accept("{\"id\":\"a\\u00e9 b\",\"source\":\"council\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"agreement.signed\"}");
}

static void test_bad_times(void **state) {
    (void)state;
    static const char *const times[] = {
        "2026-01-05", "2026-01-05T10:00:00", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z", "2026-01-05T24:00:00Z", "2026-01-05T10:60:00Z", "2026-01-05T10:00:61Z",
        "2026-01-05T10:00:00+0100", "2026-01-05T10:00:00+01", "2026-01-05T10:00:00.Z", "2026-1-05T10:00:00Z",
        "2026-01-05X10:00:00Z", "2026-01-05T10:00:00ZZ", "2026-01-05T10:00:00+24:00", " 2026-01-05T10:00:00Z", ""};
    for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
        char line[256];
        snprintf(line, sizeof line, "{\"id\":\"a\",\"source\":\"council\",\"time\":\"%s\",\"kind\":\"agreement.signed\"}",
                 times[i]);
        reject(line, "is not an RFC 3339 time");
    }
}

/* ---------------------------------------------------------- accepted edges */

static void test_unknown_fields_and_nulls(void **state) {
    (void)state;
    accept_fields(",\"extra\":{\"a\":[1,{\"b\":null,\"c\":[true,false]}],\"d\":\"\\u00e9\"},\"z\":-0.5e-3");
    accept_fields(",\"note\":null,\"cause\":null,\"target\":null,\"actor\":null,\"at\":null,\"refs\":null");
    assert_null(report.note.ptr);
    assert_int_equal(report.target, -1);
    assert_int_equal(report.actor, -1);
    assert_false(report.has_at);
    accept_fields(" , \"note\" : \"spaced\" \t");
    assert_true(text_is(report.note, "spaced"));
    accept(" \t{\"id\":\"a\",\"source\":\"council\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"agreement.signed\"}\t ");
}

static void test_escapes(void **state) {
    (void)state;
    accept_fields(",\"note\":\"q\\\"b\\\\s\\/n\\nt\\tr\\rb\\bf\\f\"");
    assert_true(text_is(report.note, "q\"b\\s/n\nt\tr\rb\bf\f"));
    accept_fields(",\"note\":\"caf\\u00e9 \\u20AC \\ud83d\\ude00 \\u0041\"");
    assert_true(text_is(report.note, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 A"));
    accept_fields(",\"note\":\"raw UTF-8: \xc3\xa9 \xf0\x9f\x98\x80\",\"cause\":\"\\u0063ause\"");
    assert_true(text_is(report.note, "raw UTF-8: \xc3\xa9 \xf0\x9f\x98\x80"));
    assert_true(text_is(report.cause, "cause"));
    accept("{\"id\":\"\\u0061\",\"source\":\"council\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"agreement.signed\"}");
    assert_true(text_is(report.id, "a"));
}

static void test_numbers(void **state) {
    (void)state;
    static const struct {
        const char *text;
        double value;
    } numbers[] = {{"1.5e3", 1500}, {"2E-1", 0.2}, {"0", 0}, {"-0", 0}, {"0.000001", 0.000001}, {"12345678901234567890", 12345678901234567890.0}, {"1E+2", 100}, {"600000.0", 600000}};
    for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++) {
        char extra[128];
        snprintf(extra, sizeof extra, ",\"value\":%s", numbers[i].text);
        accept_fields(extra);
        assert_true(report.has_value);
        if (report.value != numbers[i].value) fail_msg("%s read as %.17g", numbers[i].text, report.value);
    }
    accept_fields(",\"at\":[3.0e1, -5.0E+1]");
    assert_true(report.lon == 30 && report.lat == -50);
}

static void test_time_offsets(void **state) {
    (void)state;
    static const struct {
        const char *text;
        int64_t ms_after;     /* after 2026-01-05T10:00:00Z */
    } times[] = {{"2026-01-05T12:00:00+02:00", 0}, {"2026-01-05T08:30:00-01:30", 0}, {"2026-01-05T10:00:00.250Z", 250},
                 {"2026-01-05T10:00:00.5+00:00", 500}, {"2026-01-05T10:00:00.123456789Z", 123},
                 {"2026-01-05t10:00:00z", 0}, {"2026-01-05T10:00:00-00:00", 0}, {"2026-01-05T09:59:60Z", -1000}};
    time_ms_t base;
    assert_true(time_parse_rfc3339("2026-01-05T10:00:00Z", 20, &base));
    for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
        char line[256];
        snprintf(line, sizeof line, "{\"id\":\"a\",\"source\":\"council\",\"time\":\"%s\",\"kind\":\"agreement.signed\"}",
                 times[i].text);
        accept(line);
        if (report.time != base + times[i].ms_after)
            fail_msg("%s read as %lld ms after the base", times[i].text, (long long)(report.time - base));
    }
}

static void test_not_nul_terminated(void **state) {
    (void)state;
    const char *line = valid_lines[0];
    char *copy = malloc(strlen(line)); /* exactly the line's bytes, no NUL */
    memcpy(copy, line, strlen(line));
    assert_true(parse_len(copy, strlen(line)));
    assert_false(parse_len(copy, strlen(line) - 1)); /* the closing brace cut off */
    free(copy);
}

/* --------------------------------------------------------------- line reader */

static char *write_temp(const char *data, size_t len) {
    char *path = strdup("/tmp/report_test.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, data, len) == (ssize_t)len);
    close(fd);
    return path;
}

/* Reads every line of a file; returns how many were parsed as valid reports. */
static int read_all(const char *path, long *lines) {
    line_reader_t *reader = line_reader_open(path);
    assert_non_null(reader);
    const char *line;
    size_t len;
    long number = 0;
    int valid = 0;
    while (line_reader_next(reader, &line, &len, &number)) {
        assert_true(len == 0 || line[len - 1] != '\r');
        valid += parse_len(line, len);
    }
    assert_int_equal(line_reader_error(reader), 0);
    line_reader_close(reader);
    *lines = number;
    return valid;
}

static void test_line_reader_crlf_and_last_line(void **state) {
    (void)state;
    buffer_t b = {0};
    buffer_puts(&b, valid_lines[0]);
    buffer_puts(&b, "\r\n");
    buffer_puts(&b, valid_lines[1]);
    buffer_puts(&b, "\r\n\r\n");
    buffer_puts(&b, valid_lines[2]); /* no newline at the end */
    char *path = write_temp(b.data, b.len);
    long lines;
    assert_int_equal(read_all(path, &lines), 3);
    assert_int_equal(lines, 4);
    unlink(path);
    free(path);
    buffer_free(&b);
}

static void test_line_reader_long_line(void **state) {
    (void)state;
    buffer_t b = {0};
    buffer_puts(&b, valid_lines[0]);
    buffer_puts(&b, "\n{\"id\":\"long\",\"source\":\"council\",\"time\":\"2026-01-05T10:00:00Z\",\"kind\":\"agreement.signed\",\"note\":\"");
    for (int i = 0; i < (REPORT_MAX_LINE - 4096) / 16; i++) buffer_puts(&b, "0123456789abcdef");   /* crosses the 1 MiB buffer */
    buffer_puts(&b, "\\n\"}\n");
    buffer_puts(&b, valid_lines[1]);
    buffer_puts(&b, "\n");
    char *path = write_temp(b.data, b.len);
    long lines;
    assert_int_equal(read_all(path, &lines), 3);
    assert_int_equal(lines, 3);
    unlink(path);
    free(path);
    buffer_free(&b);
}

/* A line past the cap stops the input with an error naming its line, rather
 * than growing until memory runs out (/dev/zero as input). */
static void test_line_reader_line_too_long(void **state) {
    (void)state;
    buffer_t b = {0};
    buffer_puts(&b, valid_lines[0]);
    buffer_puts(&b, "\n");
    for (size_t i = 0; i <= REPORT_MAX_LINE; i++) buffer_append(&b, "", 1);
    buffer_puts(&b, "\n");
    buffer_puts(&b, valid_lines[1]);
    char *path = write_temp(b.data, b.len);
    line_reader_t *reader = line_reader_open(path);
    const char *line;
    size_t len;
    long number;
    assert_true(line_reader_next(reader, &line, &len, &number));
    assert_false(line_reader_next(reader, &line, &len, &number));
    assert_int_equal(line_reader_error(reader), LINE_READER_TOO_LONG);
    assert_int_equal(line_reader_line_number(reader), 2);
    line_reader_close(reader);
    unlink(path);
    free(path);
    buffer_free(&b);
}

static void test_line_reader_missing_file(void **state) {
    (void)state;
    assert_null(line_reader_open("/nonexistent/reports.jsonl"));
}

/* ------------------------------------------------------------ differential */

static uint64_t rng = 0x2025112028ULL;

static uint32_t next_random(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static const char interesting[] = "{}[]\",:\\/u0123456789eE.-+ntfalsr\x01\x7f\x80\xbf\xc3\xe2\xed\xf0\xf4\xff";

/* Flips, inserts or deletes a few bytes of a valid line. */
static size_t mutate(const char *seed, char *out, size_t size) {
    size_t len = strlen(seed);
    memcpy(out, seed, len);
    int edits = 1 + (int)(next_random() % 4);
    for (int e = 0; e < edits; e++) {
        size_t at = len ? next_random() % len : 0;
        char c = (next_random() & 1) ? interesting[next_random() % (sizeof interesting - 1)] : (char)(next_random() & 0xff);
        switch (next_random() % 3) {
        case 0: if (len) out[at] = c; break;
        case 1:
            if (len + 1 < size) {
                memmove(out + at + 1, out + at, len - at);
                out[at] = c;
                len++;
            }
            break;
        default:
            if (len) {
                memmove(out + at, out + at + 1, len - at - 1);
                len--;
            }
        }
    }
    return len;
}

static const char checker[] =
    "import json, sys\n"
    "bad = 0\n"
    "for row in open(sys.argv[1]):\n"
    "    verdict, data = row.split()\n"
    "    raw = bytes.fromhex(data)\n"
    "    try:\n"
    "        ok = isinstance(json.loads(raw.decode('utf-8')), dict)\n"
    "    except Exception:\n"
    "        ok = False\n"
    "    if verdict == '1' and not ok:\n"
    "        bad += 1\n"
    "        print('accepted but not a JSON object:', raw)\n"
    "print(bad, 'disagreements')\n"
    "sys.exit(1 if bad else 0)\n";

static void test_differential_against_python(void **state) {
    (void)state;
    if (access(PYTHON, X_OK) != 0) {
        print_message("skipped: %s is missing\n", PYTHON);
        skip();
    }
    char *path = write_temp("", 0), *script = write_temp(checker, sizeof checker - 1);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    int accepted = 0;
    for (int i = 0; i < MUTATIONS; i++) {
        char line[1024];
        size_t len = mutate(valid_lines[next_random() % (sizeof valid_lines / sizeof *valid_lines)], line, sizeof line);
        bool ok = parse_len(line, len);
        accepted += ok;
        fprintf(out, "%d ", ok);
        for (size_t k = 0; k < len; k++) fprintf(out, "%02x", (unsigned char)line[k]);
        fputs(len ? "\n" : "00\n", out); /* an empty line still needs a hex field */
    }
    fclose(out);
    print_message("%d of %d mutated lines accepted\n", accepted, MUTATIONS);
    assert_true(accepted > 100); /* the mutations keep some lines valid */
    char command[256];
    snprintf(command, sizeof command, "%s %s %s", PYTHON, script, path);
    int status = system(command);
    unlink(path);
    unlink(script);
    free(path);
    free(script);
    assert_int_equal(status, 0);
}

/* Details declared per kind (the Minsk plan's weapon.seen: a word, a number
 * in mm, an optional count) and the members of a side (ORDLO = DPR, LPR). */
static void test_details_and_sides(void **state) {
    (void)state;
    diagnostics_t errors = {0};
    agreement_t *minsk = agreement_load("../plans/minsk-2015/plan.truce", &errors);
    diagnostics_free(&errors);
    assert_non_null(minsk);
    report_parser_t *saved = parser;
    parser = report_parser_new(minsk);
    const char *head = "{\"id\":\"w\",\"source\":\"monitor:osce\",\"time\":\"2015-03-20T10:00:00Z\","
                       "\"kind\":\"weapon.seen\",\"at\":[37.45,47.75],";
    char line[512];
#define LINE(rest) (snprintf(line, sizeof line, "%s%s}", head, rest), line)
    accept(LINE("\"calibre\":152,\"actor\":\"DPR\",\"weapon\":\"heavy-mlrs\",\"pieces\":2"));
    int ordlo = agreement_party(minsk, text_of("ORDLO"));
    assert_int_equal(report.actor, ordlo);                       /* a member counts for its side */
    assert_string_equal(minsk->members[report.actor_member - 1].code, "DPR");   /* and says which */
    const kind_t *kind = &minsk->kinds[report.kind];
    assert_string_equal(kind->details[(int)0].name, "weapon");
    assert_string_equal(kind->details[0].words[(int)report.details[0]], "heavy-mlrs");
    assert_true(report.details[1] == 152 && report.details[2] == 2);
    assert_int_equal(report.details_present, 7);
    accept(LINE("\"actor\":\"UA\",\"weapon\":\"tank\",\"calibre\":125"));   /* pieces is optional */
    assert_int_equal(report.actor_member, 0);
    assert_int_equal(report.details_present, 3);
    reject(LINE("\"actor\":\"UA\",\"weapon\":\"tank\""), "kind 'weapon.seen' needs detail 'calibre'");
    reject(LINE("\"actor\":\"UA\",\"weapon\":\"catapult\",\"calibre\":1"), "detail 'weapon': unknown word 'catapult'");
    reject(LINE("\"actor\":\"UA\",\"weapon\":3,\"calibre\":1"), "detail 'weapon' must be a string");
    reject(LINE("\"actor\":\"UA\",\"weapon\":\"tank\",\"calibre\":\"big\""), "detail 'calibre' must be a number in mm");
    reject(LINE("\"actor\":\"UA\",\"weapon\":\"tank\",\"calibre\":125,\"pieces\":2.5"),
           "detail 'pieces' must be a count");
    reject(LINE("\"actor\":\"UA\",\"weapon\":\"tank\",\"calibre\":null"), "needs detail 'calibre'");
    reject(LINE("\"actor\":\"XPR\",\"weapon\":\"tank\",\"calibre\":1"), "unknown party 'XPR'");
#undef LINE
    report_parser_free(parser);
    parser = saved;
    agreement_free(minsk);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_kind),
        cmocka_unit_test(test_fields_decoded),
        cmocka_unit_test(test_whole_line_rejections),
        cmocka_unit_test(test_field_rejections),
        cmocka_unit_test(test_trailing_garbage),
        cmocka_unit_test(test_bad_times),
        cmocka_unit_test(test_unknown_fields_and_nulls),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_time_offsets),
        cmocka_unit_test(test_not_nul_terminated),
        cmocka_unit_test(test_line_reader_crlf_and_last_line),
        cmocka_unit_test(test_line_reader_long_line),
        cmocka_unit_test(test_line_reader_missing_file),
        cmocka_unit_test(test_control_characters_in_id),
        cmocka_unit_test(test_line_reader_line_too_long),
        cmocka_unit_test(test_differential_against_python),
        cmocka_unit_test(test_details_and_sides),
    };
    return cmocka_run_group_tests_name("report", tests, setup, teardown);
}
