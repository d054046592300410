/* tests: RFC 8785 canonical JSON — the RFC's and cyberphone's examples, the
 * ECMAScript number forms (RFC 8785 appendix B values and 6,700 doubles
 * printed by node), property sorting by UTF-16 units, and strict rejection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ledger/ledger.h"

static char error[LEDGER_ERROR_SIZE];

static void expect_canonical(const char *input, const char *expected) {
    buffer_t out = {0};
    if (!jcs_canonicalize(input, strlen(input), &out, error, sizeof error)) fail_msg("%s: %s", input, error);
    assert_string_equal(out.data, expected);
    buffer_free(&out);
}

static void expect_rejected(const char *input, size_t len, const char *reason_part) {
    buffer_t out = {0};
    assert_false(jcs_canonicalize(input, len, &out, error, sizeof error));
    if (!strstr(error, reason_part)) fail_msg("'%s': error '%s' lacks '%s'", input, error, reason_part);
    buffer_free(&out);
}

static void test_rfc8785_example(void **state) {
    (void)state;
    expect_canonical("{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
                     "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                     "  \"literals\": [null, true, false]\n}",
                     "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                     "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

/* cyberphone/json-canonicalization testdata/input/weird.json: sorting by UTF-16 code units. */
static void test_sorting_by_utf16(void **state) {
    (void)state;
    expect_canonical("{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\","
                     " \"1\": \"One\", \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\\u007f\","
                     " \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}",
                     "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\x7f\","
                     "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
                     "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
    /* U+1F600 (UTF-16 D83D...) sorts before U+FB33 though its code point is larger. */
    expect_canonical("{\"b\":[{\"z\":1,\"y\":{\"\":0}}],\"a\":{}}", "{\"a\":{},\"b\":[{\"y\":{\"\":0},\"z\":1}]}");
}

static void test_number_forms(void **state) {
    (void)state;
    static const char *const cases[][2] = {
        {"0000000000000000", "0"}, {"8000000000000000", "0"}, {"0000000000000001", "5e-324"},
        {"8000000000000001", "-5e-324"}, {"7fefffffffffffff", "1.7976931348623157e+308"},
        {"ffefffffffffffff", "-1.7976931348623157e+308"}, {"4340000000000000", "9007199254740992"},
        {"c340000000000000", "-9007199254740992"}, {"4430000000000000", "295147905179352830000"},
        {"44b52d02c7e14af5", "9.999999999999997e+22"}, {"44b52d02c7e14af6", "1e+23"},
        {"44b52d02c7e14af7", "1.0000000000000001e+23"}, {"444b1ae4d6e2ef4e", "999999999999999700000"},
        {"444b1ae4d6e2ef4f", "999999999999999900000"}, {"444b1ae4d6e2ef50", "1e+21"},
        {"3eb0c6f7a0b5ed8c", "9.999999999999997e-7"}, {"3eb0c6f7a0b5ed8d", "0.000001"},
        {"41b3de4355555553", "333333333.3333332"}, {"41b3de4355555554", "333333333.33333325"},
        {"41b3de4355555555", "333333333.3333333"}, {"41b3de4355555556", "333333333.3333334"},
        {"41b3de4355555557", "333333333.33333343"}, {"becbf647612f3696", "-0.0000033333333333333333"},
        {"43143ff3c1cb0959", "1424953923781206.2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        uint64_t bits = strtoull(cases[i][0], NULL, 16);
        double d;
        memcpy(&d, &bits, sizeof d);
        buffer_t out = {0};
        jcs_format_number(d, &out);
        if (strcmp(out.data, cases[i][1])) fail_msg("%s: got %s, want %s", cases[i][0], out.data, cases[i][1]);
        buffer_free(&out);
    }
    expect_canonical("[1.0, -0, -0.0, 1e2, 100E-2, 0.1e1, 12345678901234567890, 1e-7, 1.5e-6]",
                     "[1,0,0,100,1,1,12345678901234567000,1e-7,0.0000015]");
}

/* tests/data/ledger/es6_numbers.csv: IEEE hex and node's JSON.stringify output. */
static void test_numbers_match_node(void **state) {
    (void)state;
    FILE *f = fopen("data/ledger/es6_numbers.csv", "r");
    assert_non_null(f);
    char line[128];
    int count = 0;
    while (fgets(line, sizeof line, f)) {
        char *comma = strchr(line, ',');
        assert_non_null(comma);
        *comma = '\0';
        comma[strcspn(comma + 1, "\n") + 1] = '\0';
        uint64_t bits = strtoull(line, NULL, 16);
        double d;
        memcpy(&d, &bits, sizeof d);
        buffer_t out = {0};
        jcs_format_number(d, &out);
        if (strcmp(out.data, comma + 1)) fail_msg("%s: got %s, node says %s", line, out.data, comma + 1);
        /* And the text reads back through the parser to the same form. */
        buffer_t again = {0};
        assert_true(jcs_canonicalize(out.data, out.len, &again, error, sizeof error));
        assert_string_equal(again.data, out.data);
        buffer_free(&again);
        buffer_free(&out);
        count++;
    }
    fclose(f);
    assert_true(count > 6000);
}

static void test_strings(void **state) {
    (void)state;
    expect_canonical("\"\\u0000\\u001f\\b\\f\\n\\r\\t\\\"\\\\\\/\x7f\\u2028\"",
                     "\"\\u0000\\u001f\\b\\f\\n\\r\\t\\\"\\\\/\x7f\xe2\x80\xa8\"");
    expect_canonical("\"\\uD834\\uDD1E caf\xc3\xa9\"", "\"\xf0\x9d\x84\x9e caf\xc3\xa9\"");
    expect_canonical(" { \"a\" : [ ] , \"b\" : \"\" } ", "{\"a\":[],\"b\":\"\"}");
}

static void test_rejections(void **state) {
    (void)state;
    expect_rejected("{\"a\":1,\"a\":2}", 13, "duplicate member name");
    expect_rejected("{\"\\u0061\":1,\"a\":2}", 18, "duplicate member name");
    expect_rejected("\"\\ud800\"", 8, "lone high surrogate");
    expect_rejected("\"\\udc00\"", 8, "lone low surrogate");
    expect_rejected("\"\xc0\xaf\"", 4, "invalid UTF-8");
    expect_rejected("\"\xed\xa0\x80\"", 5, "invalid UTF-8");
    expect_rejected("\"a\tb\"", 5, "control character");
    expect_rejected("1e400", 5, "out of range");
    expect_rejected("[01]", 4, "expected ','");
    expect_rejected("[1,]", 4, "unexpected character");
    expect_rejected("{\"a\":1} x", 9, "trailing characters");
    expect_rejected("NaN", 3, "unexpected character");
    expect_rejected("[1.]", 4, "bad fraction");
    expect_rejected("\"abc", 4, "unterminated string");
    expect_rejected("", 0, "unexpected end");
    expect_rejected("{\"a\":1}\0", 8, "trailing characters");
    char deep[600];
    memset(deep, '[', sizeof deep);
    expect_rejected(deep, sizeof deep, "nested too deeply");
}

static void test_access_and_omit(void **state) {
    (void)state;
    const char *text = "{\"sig\":\"x\",\"n\":[1,2.5],\"s\":\"v\",\"big\":9007199254740993}";
    jcs_document_t *doc = jcs_document_new();
    assert_true(jcs_parse(doc, text, strlen(text), error, sizeof error));
    const jcs_value_t *root = jcs_root(doc);
    text_t s;
    assert_true(jcs_member_string(root, "s", &s));
    assert_true(text_equals_cstr(s, "v"));
    assert_int_equal(jcs_array_length(jcs_get(root, "n")), 2);
    uint64_t u;
    assert_true(jcs_uint(jcs_array_item(jcs_get(root, "n"), 0), &u));
    assert_int_equal(u, 1);
    assert_false(jcs_uint(jcs_array_item(jcs_get(root, "n"), 1), &u));
    assert_null(jcs_get(root, "missing"));
    buffer_t out = {0};
    jcs_serialize(root, "sig", &out);
    assert_string_equal(out.data, "{\"big\":9007199254740992,\"n\":[1,2.5],\"s\":\"v\"}");
    buffer_free(&out);
    jcs_document_free(doc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc8785_example),
        cmocka_unit_test(test_sorting_by_utf16),
        cmocka_unit_test(test_number_forms),
        cmocka_unit_test(test_numbers_match_node),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_access_and_omit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
