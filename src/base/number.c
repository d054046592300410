/* number: JSON numbers to doubles, shared by the report scanner and the
 * GeoJSON reader (both hot: three numbers a report, two a vertex). The common
 * case, a short decimal such as 37.5612, is converted exactly without strtod. */
#include "base/base.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Exact powers of ten representable as doubles: 10^0 .. 10^22. */
static const double exact_powers[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static bool is_digit(const char *p, const char *end) { return p < end && *p >= '0' && *p <= '9'; }

const char *number_parse(const char *p, const char *end, double *out, const char **stop) {
    const char *start = p;
    bool negative = p < end && *p == '-';
    p += negative;
    if (!is_digit(p, end)) return "expected a number";
    uint64_t mantissa = 0;
    int digits = 0, exponent = 0;
    if (*p == '0') p++;
    else
        for (; is_digit(p, end); p++, digits++) mantissa = mantissa * 10 + (uint64_t)(*p - '0');
    if (p < end && *p == '.') {
        p++;
        if (!is_digit(p, end)) return "bad number";
        for (; is_digit(p, end); p++, digits++, exponent--) mantissa = mantissa * 10 + (uint64_t)(*p - '0');
    }
    bool has_exponent = p < end && (*p == 'e' || *p == 'E');
    if (has_exponent) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (!is_digit(p, end)) return "bad number";
        while (is_digit(p, end)) p++;
    }
    *stop = p;
    /* Clinger's fast path: exact when the digits fit 2^53 and 10^|e| is exact. */
    if (!has_exponent && digits <= 15 && exponent >= -22) {
        double v = (double)mantissa;
        v = exponent ? v / exact_powers[-exponent] : v;
        *out = negative ? -v : v;
        return NULL;
    }
    char copy[64];
    size_t n = (size_t)(p - start);
    if (n >= sizeof copy) return "number too long";
    memcpy(copy, start, n);
    copy[n] = '\0';
    *out = strtod(copy, NULL);
    return isfinite(*out) ? NULL : "number out of range";
}
