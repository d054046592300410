/* buffer_test: unit tests of line places, buffers (`within N km of`) and
 * zone combinations (`and`, `or`) in src/geo. Buffers are checked against
 * Vincenty's geodesic distances on the WGS84 ellipsoid: a point clearly
 * nearer than N km (by 0.5%) must be inside, one clearly farther outside. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"

#define RADIANS (M_PI / 180.0)

static uint64_t random_state = 8;

static double random_unit(void) {   /* splitmix64, uniform in [0, 1) */
    uint64_t z = (random_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

/* Vincenty's inverse formula on WGS84: the geodesic distance in km. */
static double geodesic_km(double lon1, double lat1, double lon2, double lat2) {
    const double a = 6378.137, f = 1 / 298.257223563, b = a * (1 - f);
    double L = (lon2 - lon1) * RADIANS;
    double U1 = atan((1 - f) * tan(lat1 * RADIANS)), U2 = atan((1 - f) * tan(lat2 * RADIANS));
    double sinU1 = sin(U1), cosU1 = cos(U1), sinU2 = sin(U2), cosU2 = cos(U2);
    double lambda = L, sin_sigma = 0, cos_sigma = 1, sigma = 0, cos2_alpha = 1, cos_2sigma_m = 0;
    for (int i = 0; i < 200; i++) {
        double sin_lambda = sin(lambda), cos_lambda = cos(lambda);
        sin_sigma = sqrt(pow(cosU2 * sin_lambda, 2) + pow(cosU1 * sinU2 - sinU1 * cosU2 * cos_lambda, 2));
        if (sin_sigma == 0) return 0;
        cos_sigma = sinU1 * sinU2 + cosU1 * cosU2 * cos_lambda;
        sigma = atan2(sin_sigma, cos_sigma);
        double sin_alpha = cosU1 * cosU2 * sin_lambda / sin_sigma;
        cos2_alpha = 1 - sin_alpha * sin_alpha;
        cos_2sigma_m = cos2_alpha ? cos_sigma - 2 * sinU1 * sinU2 / cos2_alpha : 0;
        double C = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha));
        double previous = lambda;
        lambda = L + (1 - C) * f * sin_alpha *
                         (sigma + C * sin_sigma * (cos_2sigma_m + C * cos_sigma * (-1 + 2 * cos_2sigma_m * cos_2sigma_m)));
        if (fabs(lambda - previous) < 1e-12) break;
    }
    double u2 = cos2_alpha * (a * a - b * b) / (b * b);
    double A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
    double B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
    double delta_sigma = B * sin_sigma * (cos_2sigma_m + B / 4 * (cos_sigma * (-1 + 2 * cos_2sigma_m * cos_2sigma_m) -
                                         B / 6 * cos_2sigma_m * (-3 + 4 * sin_sigma * sin_sigma) *
                                             (-3 + 4 * cos_2sigma_m * cos_2sigma_m)));
    return b * A * (sigma - delta_sigma);
}

/* An illustrative line across the Donbas (roughly Shyrokyne - Donetsk - Debaltseve - Shchastia). */
static const char line_json[] =
    "{\"type\":\"LineString\",\"coordinates\":[[37.73,47.09],[37.62,47.95],[37.90,48.20],"
    "[38.41,48.40],[38.90,48.62],[39.23,48.74],[39.80,48.90]]}";

static geo_line_t *load_line(void) {
    zone_t *zone = NULL;
    geo_line_t *line = NULL;
    diagnostic_t error = {0};
    if (!geo_from_geojson("line", line_json, strlen(line_json), &zone, &line, &error)) fail_msg("%s", error.message);
    assert_null(zone);
    assert_non_null(line);
    return line;
}

/* Distance from a point to the line: the nearest of the line's points taken
 * every ~100 m along each segment (straight in lon/lat, as GeoJSON draws it). */
static double distance_to_line_km(double lon, double lat) {
    static double dense[2 * 40000];
    static size_t count;
    if (!count) {
        double xy[7][2] = {{37.73, 47.09}, {37.62, 47.95}, {37.90, 48.20}, {38.41, 48.40},
                           {38.90, 48.62}, {39.23, 48.74}, {39.80, 48.90}};
        for (int s = 0; s < 6; s++)
            for (int i = 0; i < 1000; i++) {
                dense[2 * count] = xy[s][0] + (xy[s + 1][0] - xy[s][0]) * i / 1000.0;
                dense[2 * count + 1] = xy[s][1] + (xy[s + 1][1] - xy[s][1]) * i / 1000.0;
                count++;
            }
        dense[2 * count] = xy[6][0];
        dense[2 * count + 1] = xy[6][1];
        count++;
    }
    /* start from the point nearest on a flat earth, so the prefilter bites at once */
    size_t nearest = 0;
    double nearest_flat = INFINITY;
    for (size_t i = 0; i < count; i++) {
        double dy = (dense[2 * i + 1] - lat) * 111.2, dx = (dense[2 * i] - lon) * 111.3 * cos(lat * RADIANS);
        if (dx * dx + dy * dy < nearest_flat) nearest_flat = dx * dx + dy * dy, nearest = i;
    }
    double best = geodesic_km(lon, lat, dense[2 * nearest], dense[2 * nearest + 1]);
    for (size_t i = 0; i < count; i++) {
        /* cheap prefilter: skip points clearly farther than the best so far
         * (flat-earth distance, within 2% here, minus a margin) */
        double dy = (dense[2 * i + 1] - lat) * 111.2, dx = (dense[2 * i] - lon) * 111.3 * cos(lat * RADIANS);
        if (sqrt(dx * dx + dy * dy) * 0.97 - 1 > best) continue;
        double d = geodesic_km(lon, lat, dense[2 * i], dense[2 * i + 1]);
        if (d < best) best = d;
    }
    return best;
}

static void check_line_buffer(double km, int samples) {
    geo_line_t *line = load_line();
    diagnostic_t error = {0};
    zone_t *zone = line_buffer(line, km, &error);
    if (!zone) fail_msg("%s", error.message);
    int near = 0, far = 0;
    for (int i = 0; i < samples; i++) {
        /* points around the band's edge, where the answer is hard */
        double lon = 36.0 + random_unit() * 5.5, lat = 46.0 + random_unit() * 4.0;
        double d = distance_to_line_km(lon, lat);
        bool inside = zone_contains(zone, lon, lat);
        if (d < km * 0.995) {
            if (!inside) fail_msg("%.4f,%.4f is %.3f km from the line but outside the %g km buffer", lon, lat, d, km);
            near++;
        } else if (d > km * 1.005) {
            if (inside) fail_msg("%.4f,%.4f is %.3f km from the line but inside the %g km buffer", lon, lat, d, km);
            far++;
        }
    }
    assert_true(near > samples / 20 && far > samples / 20);  /* both sides were tested */
    zone_free(zone);
    line_free(line);
}

static void test_line_buffers_match_geodesics(void **state) {
    (void)state;
    check_line_buffer(25, 1500);
    check_line_buffer(70, 1500);
    check_line_buffer(140, 1000);
}

/* Points placed exactly at N km (0.5% in and out) in every direction. */
static void test_point_buffer_matches_geodesics(void **state) {
    (void)state;
    const double lon = 37.80, lat = 48.00, km = 50;
    diagnostic_t error = {0};
    zone_t *zone = point_buffer(lon, lat, km, &error);
    if (!zone) fail_msg("%s", error.message);
    for (int bearing = 0; bearing < 360; bearing += 5) {
        /* walk outwards along the bearing until the geodesic distance crosses each threshold */
        double b = bearing * RADIANS;
        double inner = 0, outer = 0;
        for (double step = 0; step < 1.5 * km / 111.0; step += 0.0005) {
            double plon = lon + step * sin(b) / cos(lat * RADIANS), plat = lat + step * cos(b);
            double d = geodesic_km(lon, lat, plon, plat);
            if (d < km * 0.995) inner = step;
            if (d > km * 1.005 && !outer) outer = step;
        }
        assert_true(zone_contains(zone, lon + inner * sin(b) / cos(lat * RADIANS), lat + inner * cos(b)));
        assert_false(zone_contains(zone, lon + outer * sin(b) / cos(lat * RADIANS), lat + outer * cos(b)));
    }
    zone_free(zone);
}

static void test_buffer_errors(void **state) {
    (void)state;
    diagnostic_t error = {0};
    assert_null(point_buffer(37.8, 48.0, -5, &error));
    assert_non_null(strstr(error.message, "must be positive"));
    assert_null(point_buffer(37.8, 48.0, 1500, &error));
    assert_non_null(strstr(error.message, "1000 km"));
    zone_t *zone = NULL;
    geo_line_t *line = NULL;
    static const char mixed[] = "{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"LineString\","
                                "\"coordinates\":[[0,0],[1,1]]},{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}]}";
    assert_false(geo_from_geojson("mixed", mixed, strlen(mixed), &zone, &line, &error));
    assert_non_null(strstr(error.message, "mixes lines and polygons"));
    static const char short_line[] = "{\"type\":\"LineString\",\"coordinates\":[[0,0]]}";
    assert_false(geo_from_geojson("short", short_line, strlen(short_line), &zone, &line, &error));
    assert_non_null(strstr(error.message, "2 positions"));
    assert_int_equal(error.line, 1);
}

static zone_t *square(double lon0, double lat0, double side) {
    char json[256];
    snprintf(json, sizeof json,
             "{\"type\":\"Polygon\",\"coordinates\":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}", lon0, lat0,
             lon0 + side, lat0, lon0 + side, lat0 + side, lon0, lat0 + side, lon0, lat0);
    diagnostic_t error = {0};
    zone_t *zone = zone_from_geojson("square", json, strlen(json), &error);
    if (!zone) fail_msg("%s", error.message);
    return zone;
}

static void test_and_or(void **state) {
    (void)state;
    zone_t *a = square(30, 48, 2), *b = square(31, 48, 2);
    diagnostic_t error = {0};
    zone_t *both = zone_intersection(a, b, &error), *either = zone_union(a, b, &error);
    assert_non_null(both);
    assert_non_null(either);
    assert_true(zone_contains(both, 31.5, 49) && !zone_contains(both, 30.5, 49) && !zone_contains(both, 32.5, 49));
    assert_true(zone_contains(either, 30.5, 49) && zone_contains(either, 32.5, 49) && !zone_contains(either, 33.5, 49));
    /* areas add up: |A or B| = |A| + |B| - |A and B| */
    double sum = zone_area_km2(a) + zone_area_km2(b) - zone_area_km2(both);
    assert_true(fabs(zone_area_km2(either) - sum) < 1e-6 * sum);
    zone_t *c = square(40, 40, 1), *none = zone_intersection(a, c, &error);
    assert_non_null(none);
    assert_true(zone_area_km2(none) == 0 && !zone_contains(none, 30.5, 49));
    zone_free(a), zone_free(b), zone_free(c), zone_free(both), zone_free(either), zone_free(none);
}

static void test_line_drawing(void **state) {
    (void)state;
    geo_line_t *line = load_line();
    bounds_t b = line_bounds(line);
    assert_true(b.min_lon == 37.62 && b.max_lon == 39.80 && b.min_lat == 47.09 && b.max_lat == 48.90);
    double length = line_length_km(line);
    assert_true(length > 250 && length < 330);
    buffer_t out = {0};
    line_write_geojson(line, &out);
    buffer_append(&out, "", 1);
    assert_non_null(strstr(out.data, "\"MultiLineString\""));
    assert_non_null(strstr(out.data, "[37.73,47.09]"));
    out.len = 0;
    line_write_svg_path(line, b, 100, 100, &out);
    buffer_append(&out, "", 1);
    assert_true(out.data[0] == 'M' && strchr(out.data, 'Z') == NULL);  /* open: a line is not a ring */
    buffer_free(&out);
    line_free(line);
}

int main(void) {
    geo_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_buffers_match_geodesics),
        cmocka_unit_test(test_point_buffer_matches_geodesics),
        cmocka_unit_test(test_buffer_errors),
        cmocka_unit_test(test_and_or),
        cmocka_unit_test(test_line_drawing),
    };
    int failed = cmocka_run_group_tests_name("buffer", tests, NULL, NULL);
    geo_finish();
    return failed;
}
