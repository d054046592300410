/* time: RFC 3339 parsing and formatting and calendar arithmetic in UTC, written
 * out by hand because strptime/timegm are locale- and TZ-bound and far too slow
 * for the report hot path (one parse per report). */
#include "base/base.h"

#include <stdio.h>

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
