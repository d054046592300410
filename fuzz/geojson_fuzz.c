/* geojson_fuzz: libFuzzer target for the GeoJSON reader (src/geo/
 * geojson_reader.c) through zone_from_geojson: any input either loads as a
 * zone or fails with a reason; never a crash, a leak or an unbounded loop.
 * Build and run: fuzz/run.sh geojson SECONDS. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static bool ready;
    if (!ready) {
        geo_init();
        ready = true;
    }
    char *copy = malloc(size ? size : 1); /* exactly its bytes: ASan sees any overread */
    if (size) memcpy(copy, data, size);
    diagnostic_t error = {0};
    zone_t *zone = zone_from_geojson("fuzz", copy, size, &error);
    if (!zone && !error.message[0]) abort(); /* every failure says why */
    if (zone) (void)zone_contains(zone, 30.5, 50.5);
    zone_free(zone);
    free(copy);
    return 0;
}
