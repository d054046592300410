/* buffer: zones of every point within N km of a line, a point or a zone.
 *
 * GEOS buffers in the plane, so the shape is first projected: an azimuthal
 * equidistant projection centred on the shape's bounding box, on the sphere
 * of the ellipsoid's Gaussian radius at that latitude (the sphere that
 * osculates WGS84 there). Distances from the centre are exact on that sphere;
 * any other distance is stretched by at most c / sin c (c the angular distance
 * from the centre): 0.4% at 1,000 km, which is why a result reaching farther
 * is refused. The input is densified first (its straight lon/lat edges stay
 * where they were drawn), the output densified again (its straight projected
 * edges become curves in lon/lat), and GEOS's arcs have 32 segments per
 * quarter circle (0.03% short of the radius at worst). tests/geo_test.c
 * checks the result against Vincenty's geodesics on the WGS84 ellipsoid. */
#include "geo/geo_internal.h"

#include <math.h>
#include <stdio.h>

#define RADIANS (M_PI / 180.0)
#define DEGREES (180.0 / M_PI)
#define WGS84_A_KM 6378.137
#define WGS84_E2 0.00669437999014
#define MAX_REACH_KM 1000.0
#define ARC_SEGMENTS 32
#define INPUT_STEP_DEGREES 0.02
#define OUTPUT_STEP_KM 2.0

typedef struct {
    double lon0, sin_lat0, cos_lat0;   /* the centre, in radians */
    double radius_km;
    bool out_of_reach;                 /* some vertex lies beyond MAX_REACH_KM */
} projection_t;

static projection_t projection_centred(bounds_t b) {
    double lat0 = (b.min_lat + b.max_lat) / 2 * RADIANS;
    double s = sin(lat0), w = 1 - WGS84_E2 * s * s;
    double meridian = WGS84_A_KM * (1 - WGS84_E2) / pow(w, 1.5), normal = WGS84_A_KM / sqrt(w);
    return (projection_t){(b.min_lon + b.max_lon) / 2 * RADIANS, s, cos(lat0), sqrt(meridian * normal), false};
}

static int project(double *x, double *y, void *data) {
    projection_t *p = data;
    double lambda = *x * RADIANS - p->lon0, phi = *y * RADIANS;
    double cos_c = p->sin_lat0 * sin(phi) + p->cos_lat0 * cos(phi) * cos(lambda);
    if (cos_c > 1) cos_c = 1;
    if (cos_c < -1) cos_c = -1;
    double c = acos(cos_c), k = c < 1e-12 ? 1 : c / sin(c);
    *x = p->radius_km * k * cos(phi) * sin(lambda);
    *y = p->radius_km * k * (p->cos_lat0 * sin(phi) - p->sin_lat0 * cos(phi) * cos(lambda));
    if (c * p->radius_km > MAX_REACH_KM) p->out_of_reach = true;
    return 1;
}

static int unproject(double *x, double *y, void *data) {
    projection_t *p = data;
    double rho = hypot(*x, *y), c = rho / p->radius_km;
    if (rho > MAX_REACH_KM) p->out_of_reach = true;
    double phi = rho < 1e-12 ? asin(p->sin_lat0)
                             : asin(cos(c) * p->sin_lat0 + *y * sin(c) * p->cos_lat0 / rho);
    double lambda = p->lon0 + atan2(*x * sin(c), rho * p->cos_lat0 * cos(c) - *y * p->sin_lat0 * sin(c));
    *x = lambda * DEGREES;
    *y = phi * DEGREES;
    return 1;
}

/* Buffers a lon/lat geometry (borrowed) whose bounds are given. */
static zone_t *buffer_geometry(const GEOSGeometry *geometry, bounds_t bounds, double km, const char *what,
                               diagnostic_t *error) {
    if (!(km > 0) || !isfinite(km)) {
        if (error) diagnostic_set(error, what, 0, 0, "the distance must be positive (got %g km)", km);
        return NULL;
    }
    GEOSContextHandle_t context = geo_context();
    geo_clear_error();
    projection_t projection = projection_centred(bounds);
    GEOSGeometry *dense = GEOSDensify_r(context, geometry, INPUT_STEP_DEGREES);
    GEOSGeometry *projected = dense ? GEOSGeom_transformXY_r(context, dense, project, &projection) : NULL;
    GEOSGeometry *buffered = projected ? GEOSBufferWithStyle_r(context, projected, km, ARC_SEGMENTS,
                                                               GEOSBUF_CAP_ROUND, GEOSBUF_JOIN_ROUND, 5.0)
                                       : NULL;
    GEOSGeometry *smooth = buffered ? GEOSDensify_r(context, buffered, OUTPUT_STEP_KM) : NULL;
    GEOSGeometry *result = smooth ? GEOSGeom_transformXY_r(context, smooth, unproject, &projection) : NULL;
    if (result && GEOSisValid_r(context, result) != 1) {
        GEOSGeometry *valid = GEOSMakeValid_r(context, result);
        GEOSGeom_destroy_r(context, result);
        result = valid;
    }
    zone_t *zone = NULL;
    if (projection.out_of_reach) {
        if (error)
            diagnostic_set(error, what, 0, 0,
                           "a buffer of %g km here reaches beyond %.0f km of the shape's centre, too far for "
                           "one projection to keep distances within 0.5%%", km, MAX_REACH_KM);
    } else if (result) {
        zone = zone_from_geos(result, what, error);
        bounds_t b = zone ? zone_bounds(zone) : (bounds_t){0};
        if (zone && (b.min_lon < -180 || b.max_lon > 180 || b.min_lat < -90 || b.max_lat > 90)) {
            if (error) diagnostic_set(error, what, 0, 0, "a buffer of %g km here would cross 180 degrees or a pole", km);
            zone_free(zone);
            zone = NULL;
        }
    } else if (error) {
        diagnostic_set(error, what, 0, 0, "GEOS cannot compute the buffer: %s", geo_last_error());
    }
    GEOSGeometry *made[] = {dense, projected, buffered, smooth, result};
    for (size_t i = 0; i < sizeof made / sizeof *made; i++)
        if (made[i]) GEOSGeom_destroy_r(context, made[i]);
    return zone;
}

zone_t *line_buffer(const geo_line_t *line, double km, diagnostic_t *error) {
    GEOSGeometry *geometry = line_to_geos(line);
    if (!geometry) {
        if (error) diagnostic_set(error, "buffer", 0, 0, "cannot convert the line: %s", geo_last_error());
        return NULL;
    }
    zone_t *zone = buffer_geometry(geometry, line->bounds, km, "buffer", error);
    GEOSGeom_destroy_r(geo_context(), geometry);
    return zone;
}

zone_t *zone_buffer(const zone_t *source, double km, diagnostic_t *error) {
    GEOSGeometry *geometry = zone_to_geos(source);
    if (!geometry) {
        if (error) diagnostic_set(error, "buffer", 0, 0, "cannot convert the zone: %s", geo_last_error());
        return NULL;
    }
    zone_t *zone = buffer_geometry(geometry, zone_bounds(source), km, "buffer", error);
    GEOSGeom_destroy_r(geo_context(), geometry);
    return zone;
}

zone_t *point_buffer(double lon, double lat, double km, diagnostic_t *error) {
    GEOSContextHandle_t context = geo_context();
    GEOSGeometry *point = GEOSGeom_createPointFromXY_r(context, lon, lat);
    if (!point) {
        if (error) diagnostic_set(error, "buffer", 0, 0, "cannot make a point: %s", geo_last_error());
        return NULL;
    }
    zone_t *zone = buffer_geometry(point, (bounds_t){lon, lat, lon, lat}, km, "buffer", error);
    GEOSGeom_destroy_r(context, point);
    return zone;
}
