/* time: RFC 3339 parsing and formatting and calendar arithmetic in UTC, written
 * out by hand because strptime/timegm are locale- and TZ-bound and far too slow
 * for the report hot path (one parse per report). */
#include "base/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Howard Hinnant's days_from_civil: proleptic Gregorian, exact for all years. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static unsigned days_in_month(int64_t y, unsigned m) {
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n ASCII digits. */
static bool digits(const char *s, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        unsigned c = (unsigned char)s[i] - '0';
        if (c > 9) return false;
        v = v * 10 + (int)c;
    }
    *out = v;
    return true;
}

static bool parse_ymd(const char *s, int *y, int *mo, int *d) {
    if (!digits(s, 4, y) || s[4] != '-' || !digits(s + 5, 2, mo) || s[7] != '-' ||
        !digits(s + 8, 2, d))
        return false;
    return *mo >= 1 && *mo <= 12 && *d >= 1 && (unsigned)*d <= days_in_month(*y, (unsigned)*mo);
}

bool time_parse_date(const char *s, size_t len, time_ms_t *out) {
    int y, mo, d;
    if (len != 10 || !parse_ymd(s, &y, &mo, &d)) return false;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * MS_PER_DAY;
    return true;
}

bool time_parse_rfc3339(const char *s, size_t len, time_ms_t *out) {
    int y, mo, d, h, mi, se;
    if (len < 20 || !parse_ymd(s, &y, &mo, &d)) return false;
    if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
        return false;
    if (h > 23 || mi > 59 || se > 60) return false; /* 60: a leap second, folded into :59 */
    if (se == 60) se = 59;
    size_t i = 19;
    int64_t ms = 0;
    if (i < len && s[i] == '.') {
        i++;
        size_t start = i;
        int64_t scale = 100;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            ms += (s[i] - '0') * scale;
            scale /= 10;
            i++;
        }
        if (i == start) return false;
    }
    if (i >= len) return false;
    int64_t offset_min = 0;
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        int oh, om;
        if (i + 6 > len || !digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
            !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        offset_min = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
        i += 6;
    } else {
        return false;
    }
    if (i != len) return false;
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - offset_min * 60;
    *out = secs * 1000 + ms;
    return true;
}

size_t time_format(time_ms_t t, char *buffer) {
    int64_t ms = t % 1000;
    int64_t secs = t / 1000;
    if (ms < 0) { ms += 1000; secs -= 1; }
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) { rem += 86400; days -= 1; }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int n;
    if (ms)
        n = snprintf(buffer, 25, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", (int)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (int)ms);
    else
        n = snprintf(buffer, 25, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
    return n > 0 ? (size_t)n : 0;
}

time_ms_t time_add_days(time_ms_t t, int64_t days) { return t + days * MS_PER_DAY; }

time_ms_t time_add_months(time_ms_t t, int64_t months) {
    int64_t day_index = t >= 0 ? t / MS_PER_DAY : (t - MS_PER_DAY + 1) / MS_PER_DAY;
    time_ms_t within_day = t - day_index * MS_PER_DAY;
    int64_t y;
    unsigned m, d;
    civil_from_days(day_index, &y, &m, &d);
    int64_t total = y * 12 + (m - 1) + months;
    int64_t ny = total >= 0 ? total / 12 : (total - 11) / 12;
    unsigned nm = (unsigned)(total - ny * 12) + 1;
    unsigned nd = d > days_in_month(ny, nm) ? days_in_month(ny, nm) : d;
    return days_from_civil(ny, nm, nd) * MS_PER_DAY + within_day;
}

/* ------------------------------------------------------------ explanations
 * Slow paths, taken only once a parse has failed: they say what is wrong so
 * that a person can fix the date rather than guess at the format. */

static const char *const MONTH_NAMES[] = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};

static bool explain_ymd(const char *s, size_t len, char *why, size_t size) {
    int y, mo, d;
    int shown = len > 40 ? 40 : (int)len;
    if (len < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d)) {
        snprintf(why, size, "%.*s: not a date of the form YYYY-MM-DD", shown, s);
        return false;
    }
    if (mo < 1 || mo > 12) snprintf(why, size, "%.10s: there is no month %d (months are 01-12)", s, mo);
    else if (d < 1) snprintf(why, size, "%.10s: there is no day 0", s);
    else if ((unsigned)d > days_in_month(y, (unsigned)mo))
        snprintf(why, size, "%.10s: %s %d has %u days", s, MONTH_NAMES[mo - 1], y, days_in_month(y, (unsigned)mo));
    else return true;
    return false;
}

bool time_explain_date(const char *s, size_t len, char *why, size_t size) {
    if (!explain_ymd(s, len, why, size)) return false;
    if (len == 10) return true;
    snprintf(why, size, "%.*s: not a date of the form YYYY-MM-DD (no time of day here)", len > 40 ? 40 : (int)len, s);
    return false;
}

bool time_explain_rfc3339(const char *s, size_t len, char *why, size_t size) {
    time_ms_t ignored;
    if (time_parse_rfc3339(s, len, &ignored)) return true;
    int shown = len > 40 ? 40 : (int)len, h, mi, se;
    if (!explain_ymd(s, len, why, size)) return false;
    if (len < 19 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s + 11, 2, &h) || s[13] != ':' ||
        !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
        snprintf(why, size, "%.*s: not an RFC 3339 time (YYYY-MM-DDTHH:MM:SSZ)", shown, s);
    else if (h > 23) snprintf(why, size, "%.*s: hour %d is not 00-23", shown, s, h);
    else if (mi > 59) snprintf(why, size, "%.*s: minute %d is not 00-59", shown, s, mi);
    else if (se > 60) snprintf(why, size, "%.*s: second %d is not 00-59 (60 for a leap second)", shown, s, se);
    else if (len == 19) snprintf(why, size, "%.*s: no time zone (add Z for UTC, or an offset such as +02:00)", shown, s);
    else snprintf(why, size, "%.*s: bad fraction or time zone (Z, or an offset +HH:MM with HH 00-23 and MM 00-59)", shown, s);
    return false;
}

bool time_parse_duration(const char *s, time_ms_t *out) {
    char *end;
    if (!s || *s < '0' || *s > '9') return false;
    unsigned long long n = strtoull(s, &end, 10);
    static const struct { const char *unit; time_ms_t ms; } units[] = {
        {"", 1000}, {"s", 1000}, {"m", 60000}, {"min", 60000}, {"h", 3600000}, {"d", MS_PER_DAY}};
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (!strcmp(end, units[i].unit)) {
            if (n > (unsigned long long)(INT64_MAX / units[i].ms)) return false;
            *out = (time_ms_t)n * units[i].ms;
            return true;
        }
    return false;
}

void time_describe_duration(time_ms_t ms, char *out, size_t size) {
    static const struct { const char *unit; time_ms_t ms; } units[] = {
        {"year", 365 * MS_PER_DAY}, {"day", MS_PER_DAY}, {"hour", 3600000}, {"minute", 60000}, {"second", 1000}};
    if (ms < 0) ms = -ms;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (ms >= units[i].ms || i + 1 == sizeof units / sizeof *units) {
            long long n = (long long)(ms / units[i].ms);
            snprintf(out, size, "%lld %s%s", n, units[i].unit, n == 1 ? "" : "s");
            return;
        }
}

bool time_too_far_ahead(time_ms_t report_time, time_ms_t received, time_ms_t tolerance, char *why, size_t size) {
    if (report_time <= received || report_time - received <= tolerance) return false;
    char when[32], ahead[48], allowed[48];
    when[time_format(report_time, when)] = '\0';
    time_describe_duration(report_time - received, ahead, sizeof ahead);
    time_describe_duration(tolerance, allowed, sizeof allowed);
    snprintf(why, size, "time %s is %s after receipt (tolerance %s): a report cannot be dated in the future",
             when, ahead, allowed);
    return true;
}

time_ms_t time_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (time_ms_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}
