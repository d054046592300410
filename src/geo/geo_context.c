/* geo_context: the single GEOS context truce uses to load and combine zones,
 * and the capture of GEOS's error messages so they can go into a diagnostic
 * instead of being printed. Loading zones is therefore single-threaded. */
#include "geo/geo_internal.h"

#include <stdio.h>

static GEOSContextHandle_t geos_context;
static char geos_error[256];

static void on_geos_error(const char *message, void *unused) {
    (void)unused;
    snprintf(geos_error, sizeof geos_error, "%s", message ? message : "unknown GEOS error");
}

static void on_geos_notice(const char *message, void *unused) {
    (void)message;
    (void)unused;
}

void geo_init(void) {
    if (geos_context) return;
    geos_context = GEOS_init_r();
    GEOSContext_setErrorMessageHandler_r(geos_context, on_geos_error, NULL);
    GEOSContext_setNoticeMessageHandler_r(geos_context, on_geos_notice, NULL);
}

void geo_finish(void) {
    if (!geos_context) return;
    GEOS_finish_r(geos_context);
    geos_context = NULL;
}

GEOSContextHandle_t geo_context(void) {
    if (!geos_context) geo_init();
    return geos_context;
}

const char *geo_last_error(void) { return geos_error[0] ? geos_error : "unknown GEOS error"; }

void geo_clear_error(void) { geos_error[0] = '\0'; }
