/* timezone: wall-clock times in IANA time zones (Europe/Kyiv), converted to
 * UTC with the system's tz database (the tzdata package). Used only while an
 * agreement loads, never per report: the conversion goes through the C
 * library's TZ machinery, which is process-global and slow. */
#include "base/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The tz database folder: $TZDIR, else the Debian default. */
static const char *zone_folder(void) {
    const char *folder = getenv("TZDIR");
    return folder && *folder ? folder : "/usr/share/zoneinfo";
}

bool time_zone_known(const char *zone) {
    size_t n = strlen(zone);
    if (n == 0 || n > 64 || zone[0] == '/' || strstr(zone, "..")) return false;
    for (size_t i = 0; i < n; i++) {
        char c = zone[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("/_-+", c);
        if (!ok) return false;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/%s", zone_folder(), zone);
    return access(path, R_OK) == 0;
}

bool time_from_local(int64_t local_ms, const char *zone, time_ms_t *out) {
    if (!time_zone_known(zone)) return false;
    int64_t seconds = local_ms / 1000;
    time_t as_if_utc = (time_t)seconds;
    struct tm fields;
    if (!gmtime_r(&as_if_utc, &fields)) return false;
    char *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
    setenv("TZ", zone, 1);
    tzset();
    fields.tm_isdst = -1;   /* let the zone's rules say whether summer time applies */
    time_t utc = mktime(&fields);
    if (saved) setenv("TZ", saved, 1);
    else unsetenv("TZ");
    tzset();
    free(saved);
    if (utc == (time_t)-1) return false;
    *out = (time_ms_t)utc * 1000 + local_ms % 1000;
    return true;
}
