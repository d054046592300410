/* time_test: the calendar and RFC 3339 functions of src/base — days from a
 * civil date, leap years, month arithmetic that clamps to the month's end,
 * formatting round trips and the strings the parser must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/base.h"

static time_ms_t at(const char *rfc3339) {
    time_ms_t t = 0;
    if (!time_parse_rfc3339(rfc3339, strlen(rfc3339), &t)) fail_msg("cannot parse %s", rfc3339);
    return t;
}

static void assert_time(time_ms_t t, const char *expected) {
    char text[32];
    text[time_format(t, text)] = '\0';
    if (strcmp(text, expected)) fail_msg("got %s, expected %s", text, expected);
}

static void test_days_from_civil(void **state) {
    (void)state;
    assert_int_equal(days_from_civil(1970, 1, 1), 0);
    assert_int_equal(days_from_civil(1970, 1, 2), 1);
    assert_int_equal(days_from_civil(1969, 12, 31), -1);
    assert_int_equal(days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(days_from_civil(2026, 1, 5), 20458);
    assert_int_equal(days_from_civil(1600, 1, 1), -135140);
    /* consecutive days across every month end of a leap and a common year */
    for (int year = 2023; year <= 2024; year++)
        for (unsigned m = 1; m <= 12; m++)
            assert_int_equal(days_from_civil(year, m, 1) + 1, days_from_civil(year, m, 2));
}

static void test_leap_years(void **state) {
    (void)state;
    static const struct {
        const char *date;
        bool valid;
    } dates[] = {{"2024-02-29", true}, {"2026-02-29", false}, {"2000-02-29", true}, {"1900-02-29", false},
                 {"2100-02-29", false}, {"2400-02-29", true}, {"2026-02-28", true}, {"2026-04-31", false},
                 {"2026-12-31", true}, {"2026-00-01", false}, {"2026-01-00", false}};
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
        time_ms_t t;
        if (time_parse_date(dates[i].date, 10, &t) != dates[i].valid)
            fail_msg("%s should be %s", dates[i].date, dates[i].valid ? "valid" : "invalid");
    }
    assert_int_equal(days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28), 2);
    assert_int_equal(days_from_civil(2026, 3, 1) - days_from_civil(2026, 2, 28), 1);
    assert_int_equal(days_from_civil(2025, 1, 1) - days_from_civil(2024, 1, 1), 366);
    assert_int_equal(days_from_civil(2101, 1, 1) - days_from_civil(2100, 1, 1), 365);
}

static void test_add_months_clamps(void **state) {
    (void)state;
    assert_time(time_add_months(at("2026-01-31T12:00:00Z"), 1), "2026-02-28T12:00:00Z");
    assert_time(time_add_months(at("2024-01-31T12:00:00Z"), 1), "2024-02-29T12:00:00Z");
    assert_time(time_add_months(at("2026-03-31T00:00:00Z"), -1), "2026-02-28T00:00:00Z");
    assert_time(time_add_months(at("2026-05-31T23:59:59.999Z"), 1), "2026-06-30T23:59:59.999Z");
    assert_time(time_add_months(at("2026-12-15T08:00:00Z"), 1), "2027-01-15T08:00:00Z");
    assert_time(time_add_months(at("2026-01-15T08:00:00Z"), -13), "2024-12-15T08:00:00Z");
    assert_time(time_add_months(at("2024-02-29T00:00:00Z"), 12), "2025-02-28T00:00:00Z");
    assert_time(time_add_months(at("2026-01-05T10:00:00Z"), 0), "2026-01-05T10:00:00Z");
    assert_time(time_add_months(at("1969-12-31T23:00:00Z"), 2), "1970-02-28T23:00:00Z");
    assert_time(time_add_days(at("2026-01-05T10:00:00Z"), 100), "2026-04-15T10:00:00Z");
}

static void test_format(void **state) {
    (void)state;
    assert_time(0, "1970-01-01T00:00:00Z");
    assert_time(250, "1970-01-01T00:00:00.250Z");
    assert_time(-1, "1969-12-31T23:59:59.999Z");
    assert_time(MS_PER_DAY * 20458 + 36000000, "2026-01-05T10:00:00Z");
    char text[32];
    assert_int_equal(time_format(at("2026-01-05T10:00:00.007Z"), text), 24);
    assert_int_equal(time_format(at("2026-01-05T10:00:00Z"), text), 20);
}

static void test_round_trips(void **state) {
    (void)state;
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 10000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* any millisecond between 1900 and 2100 */
        time_ms_t t = (time_ms_t)(x % (200ULL * 365 * MS_PER_DAY)) - 70LL * 365 * MS_PER_DAY;
        char text[32];
        size_t n = time_format(t, text);
        time_ms_t back;
        if (!time_parse_rfc3339(text, n, &back) || back != t) fail_msg("%lld -> %.*s does not round-trip", (long long)t, (int)n, text);
    }
}

static void test_offsets_and_fractions(void **state) {
    (void)state;
    time_ms_t base = at("2026-01-05T10:00:00Z");
    assert_true(at("2026-01-05T12:00:00+02:00") == base);
    assert_true(at("2026-01-05T05:15:00-04:45") == base);
    assert_true(at("2026-01-06T00:30:00+14:30") == base);
    assert_true(at("2026-01-05T10:00:00.1Z") == base + 100);
    assert_true(at("2026-01-05T10:00:00.12Z") == base + 120);
    assert_true(at("2026-01-05T10:00:00.999999Z") == base + 999);
    assert_true(at("2026-01-05 10:00:00Z") == base);
    assert_true(at("2026-01-05t10:00:00z") == base);
    assert_true(at("2026-01-05T09:59:60Z") == base - 1000); /* a leap second folds into :59 */
}

static void test_invalid_strings(void **state) {
    (void)state;
    static const char *const bad[] = {
        "", "2026-01-05", "2026-01-05T10:00:00", "2026-01-05T10:00Z", "2026-01-05T10:00:00.Z",
        "2026-01-05T10:00:00+01", "2026-01-05T10:00:00+0100", "2026-01-05T10:00:00+01:60", "2026-01-05T10:00:00+24:00",
        "2026-01-05T24:00:00Z", "2026-01-05T23:60:00Z", "2026-01-05T23:59:61Z", "2026-02-30T00:00:00Z",
        "2025-02-29T00:00:00Z", "2026-13-05T10:00:00Z", "2026-1-05T10:00:00Z", "26-01-05T10:00:00Z",
        "2026/01/05T10:00:00Z", "2026-01-05T10:00:00ZZ", "2026-01-05T10:00:00Z ", " 2026-01-05T10:00:00Z",
        "2026-01-05T10:00:00UTC", "2026-01-05T1a:00:00Z", "+2026-01-05T10:00:00Z", "2026-01-05_10:00:00Z"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        time_ms_t t = 42;
        if (time_parse_rfc3339(bad[i], strlen(bad[i]), &t)) fail_msg("accepted '%s'", bad[i]);
        assert_true(t == 42); /* left unchanged */
    }
    time_ms_t t;
    assert_false(time_parse_rfc3339("2026-01-05T10:00:00Z", 19, &t)); /* cut short */
    assert_false(time_parse_date("2026-01-05T", 11, &t));
    assert_false(time_parse_date("2026-01-5", 9, &t));
}

static void expect_why(bool date, const char *s, const char *why) {
    char got[160] = "";
    bool valid = date ? time_explain_date(s, strlen(s), got, sizeof got) : time_explain_rfc3339(s, strlen(s), got, sizeof got);
    if (valid || strcmp(got, why)) fail_msg("%s: got '%s', expected '%s'", s, valid ? "(valid)" : got, why);
}

/* A bad date says what is wrong with it, not only that it is wrong. */
static void test_explanations(void **state) {
    (void)state;
    expect_why(true, "2015-02-30", "2015-02-30: February 2015 has 28 days");
    expect_why(true, "2015-02-29", "2015-02-29: February 2015 has 28 days");
    expect_why(true, "2026-04-31", "2026-04-31: April 2026 has 30 days");
    expect_why(true, "2026-13-01", "2026-13-01: there is no month 13 (months are 01-12)");
    expect_why(true, "2026-00-10", "2026-00-10: there is no month 0 (months are 01-12)");
    expect_why(true, "2026-01-00", "2026-01-00: there is no day 0");
    expect_why(true, "30/06/2026", "30/06/2026: not a date of the form YYYY-MM-DD");
    expect_why(false, "2026-01-05T25:00:00Z", "2026-01-05T25:00:00Z: hour 25 is not 00-23");
    expect_why(false, "2026-01-05T10:61:00Z", "2026-01-05T10:61:00Z: minute 61 is not 00-59");
    expect_why(false, "2026-01-05T10:00:61Z", "2026-01-05T10:00:61Z: second 61 is not 00-59 (60 for a leap second)");
    expect_why(false, "2026-01-05T10:00:00", "2026-01-05T10:00:00: no time zone (add Z for UTC, or an offset such as +02:00)");
    expect_why(false, "2024-02-30T10:00:00Z", "2024-02-30: February 2024 has 29 days");
    char why[64] = "untouched";
    assert_true(time_explain_date("2024-02-29", 10, why, sizeof why));
    assert_true(time_explain_rfc3339("2024-02-29T23:59:60Z", 20, why, sizeof why));
    assert_string_equal(why, "untouched");
}

static void test_durations(void **state) {
    (void)state;
    time_ms_t d = 0;
    assert_true(time_parse_duration("10m", &d));
    assert_int_equal(d, 600000);
    assert_true(time_parse_duration("90", &d));
    assert_int_equal(d, 90000);
    assert_true(time_parse_duration("2h", &d));
    assert_int_equal(d, 7200000);
    assert_true(time_parse_duration("1d", &d));
    assert_int_equal(d, MS_PER_DAY);
    assert_true(time_parse_duration("0s", &d));
    assert_int_equal(d, 0);
    assert_false(time_parse_duration("-5m", &d));
    assert_false(time_parse_duration("5 weeks", &d));
    assert_false(time_parse_duration("m", &d));
    assert_false(time_parse_duration("99999999999999999999d", &d));
    char text[32];
    time_describe_duration(600000, text, sizeof text);
    assert_string_equal(text, "10 minutes");
    time_describe_duration(4 * 365 * MS_PER_DAY + 5 * MS_PER_DAY, text, sizeof text);
    assert_string_equal(text, "4 years");
    time_describe_duration(1000, text, sizeof text);
    assert_string_equal(text, "1 second");
    time_describe_duration(36 * 3600000LL, text, sizeof text);
    assert_string_equal(text, "1 day");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_from_civil),     cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_add_months_clamps),   cmocka_unit_test(test_format),
        cmocka_unit_test(test_round_trips),         cmocka_unit_test(test_offsets_and_fractions),
        cmocka_unit_test(test_invalid_strings),     cmocka_unit_test(test_explanations),
        cmocka_unit_test(test_durations),
    };
    return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
