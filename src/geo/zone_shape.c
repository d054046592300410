/* zone_shape: zones drawn as circles around a place, the area of a zone on the
 * sphere, and writing a zone out as GeoJSON (for reports and round trips) or
 * as an SVG path (for the dashboard map). */
#include "geo/geo_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define EARTH_RADIUS_KM 6371.0088   /* IUGG mean radius */
#define CIRCLE_VERTICES 128
#define DEGREES (180.0 / M_PI)
#define RADIANS (M_PI / 180.0)

/* The point reached from lon/lat going `distance` radians along `bearing`. */
static void destination(double lon, double lat, double bearing, double distance, double *out) {
    double phi = lat * RADIANS, lambda = lon * RADIANS;
    double sin_phi2 = sin(phi) * cos(distance) + cos(phi) * sin(distance) * cos(bearing);
    double phi2 = asin(sin_phi2);
    double lambda2 = lambda + atan2(sin(bearing) * sin(distance) * cos(phi), cos(distance) - sin(phi) * sin_phi2);
    out[0] = lambda2 * DEGREES;
    out[1] = phi2 * DEGREES;
}

zone_t *zone_circle(double lon, double lat, double radius_km) {
    double distance = radius_km / EARTH_RADIUS_KM;
    if (!(radius_km > 0) || !(fabs(lon) <= 180) || !(fabs(lat) <= 90)) return NULL;
    if (fabs(lat) + distance * DEGREES >= 90) return NULL;  /* would reach a pole */
    double ring[2 * (CIRCLE_VERTICES + 1)];
    for (int i = 0; i < CIRCLE_VERTICES; i++)
        destination(lon, lat, 2 * M_PI * i / CIRCLE_VERTICES, distance, &ring[2 * i]);
    ring[2 * CIRCLE_VERTICES] = ring[0];
    ring[2 * CIRCLE_VERTICES + 1] = ring[1];
    for (int i = 0; i <= CIRCLE_VERTICES; i++)
        if (fabs(ring[2 * i]) > 180) return NULL;   /* would cross the antimeridian */
    zone_builder_t builder = {0};
    zone_builder_begin_polygon(&builder);
    zone_builder_add_ring(&builder, ring, CIRCLE_VERTICES + 1);
    return zone_builder_finish(&builder, "circle", NULL);
}

/* Area of a ring on the sphere, in km² (the formula of Chamberlain and
 * Duquette, "Some algorithms for polygons on a sphere", 2007). */
static double ring_area_km2(const double *lon_lat, size_t count) {
    double sum = 0;
    for (size_t i = 0; i + 1 < count; i++) {
        double lambda1 = lon_lat[2 * i] * RADIANS, lambda2 = lon_lat[2 * i + 2] * RADIANS;
        double phi1 = lon_lat[2 * i + 1] * RADIANS, phi2 = lon_lat[2 * i + 3] * RADIANS;
        sum += (lambda2 - lambda1) * (2 + sin(phi1) + sin(phi2));
    }
    return fabs(sum) * EARTH_RADIUS_KM * EARTH_RADIUS_KM / 2;
}

double zone_area_km2(const zone_t *zone) {
    double area = 0;
    for (size_t polygon = 0; polygon < zone->polygon_count; polygon++) {
        for (size_t ring = zone->polygon_start[polygon]; ring < zone->polygon_start[polygon + 1]; ring++) {
            size_t first = zone->ring_start[ring], count = zone->ring_start[ring + 1] - first;
            double ring_area = ring_area_km2(zone->coordinates + 2 * first, count);
            area += ring == zone->polygon_start[polygon] ? ring_area : -ring_area;
        }
    }
    return area;
}

/* The shortest decimal form that reads back as the same double. */
static void append_number(buffer_t *out, double value) {
    char text[32];
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*g", precision, value);
        if (strtod(text, NULL) == value) break;
    }
    buffer_puts(out, text);
}

static void write_ring_geojson(const zone_t *zone, size_t ring, buffer_t *out) {
    buffer_puts(out, "[");
    for (size_t vertex = zone->ring_start[ring]; vertex < zone->ring_start[ring + 1]; vertex++) {
        buffer_puts(out, vertex == zone->ring_start[ring] ? "[" : ",[");
        append_number(out, zone->coordinates[2 * vertex]);
        buffer_puts(out, ",");
        append_number(out, zone->coordinates[2 * vertex + 1]);
        buffer_puts(out, "]");
    }
    buffer_puts(out, "]");
}

void zone_write_geojson(const zone_t *zone, buffer_t *out) {
    buffer_puts(out, "{\"type\":\"MultiPolygon\",\"coordinates\":[");
    for (size_t polygon = 0; polygon < zone->polygon_count; polygon++) {
        buffer_puts(out, polygon ? ",[" : "[");
        for (size_t ring = zone->polygon_start[polygon]; ring < zone->polygon_start[polygon + 1]; ring++) {
            if (ring != zone->polygon_start[polygon]) buffer_puts(out, ",");
            write_ring_geojson(zone, ring, out);
        }
        buffer_puts(out, "]");
    }
    buffer_puts(out, "]}");
}

bool svg_polylines(const double *lon_lat, const size_t *part_start, size_t part_count, bool closed, bounds_t view,
                   double width, double height, buffer_t *out) {
    double span_lon = view.max_lon - view.min_lon, span_lat = view.max_lat - view.min_lat;
    if (!(span_lon > 0) || !(span_lat > 0)) return false;
    double scale_x = width / span_lon, scale_y = height / span_lat;
    for (size_t part = 0; part < part_count; part++) {
        /* A closed ring's last vertex repeats the first: "Z" closes it instead. */
        size_t end = part_start[part + 1] - (closed ? 1 : 0);
        for (size_t vertex = part_start[part]; vertex < end; vertex++) {
            double x = (lon_lat[2 * vertex] - view.min_lon) * scale_x;
            double y = (view.max_lat - lon_lat[2 * vertex + 1]) * scale_y;
            buffer_printf(out, "%s%.2f %.2f", vertex == part_start[part] ? "M" : "L", x, y);
        }
        if (closed) buffer_puts(out, "Z");
    }
    return true;
}

void zone_write_svg_path(const zone_t *zone, bounds_t view, double width, double height, buffer_t *out) {
    svg_polylines(zone->coordinates, zone->ring_start, zone->ring_count, true, view, width, height, out);
}
