/* geo: zones (areas the agreement names) loaded from GeoJSON or drawn as a
 * circle around a named place, and the one question the engine asks of them
 * millions of times: does this zone contain this point? */
#ifndef TRUCE_GEO_H
#define TRUCE_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include "base/base.h"

typedef struct zone zone_t;   /* opaque; immutable once built, safe to share between threads */

typedef struct {
    double min_lon, min_lat, max_lon, max_lat;
} bounds_t;

/* Sets up and tears down the GEOS context used while loading zones. Call
 * geo_init once at start, before any other geo function. */
void geo_init(void);
void geo_finish(void);

/* Loads a GeoJSON file (a Polygon, MultiPolygon, Feature or FeatureCollection
 * of them; WGS84 lon/lat) as one zone, the union of its polygons. Returns NULL
 * with a reason in *error (file, and line when known) on a missing file,
 * invalid JSON, no polygon, or an invalid geometry. Caller frees with zone_free. */
zone_t *zone_load_geojson(const char *path, diagnostic_t *error);
/* Parses GeoJSON from memory; `name` is used in error messages. */
zone_t *zone_from_geojson(const char *name, const char *json, size_t len, diagnostic_t *error);
/* A circle of radius_km (great-circle distance) around lon/lat, as a polygon
 * of 128 vertices. NULL if radius_km is not positive or the circle would reach
 * a pole or cross the antimeridian. */
zone_t *zone_circle(double lon, double lat, double radius_km);
/* a minus b, a and b (intersection), a or b (union), computed by GEOS. NULL
 * with *error on failure; an empty result is a zone with no polygon. */
zone_t *zone_difference(const zone_t *a, const zone_t *b, diagnostic_t *error);
zone_t *zone_intersection(const zone_t *a, const zone_t *b, diagnostic_t *error);
zone_t *zone_union(const zone_t *a, const zone_t *b, diagnostic_t *error);
void zone_free(zone_t *zone);

/* A line (a line of contact, a memorandum line): one or more polylines in
 * lon/lat. Immutable once loaded; drawn on the map and buffered into zones. */
typedef struct geo_line geo_line_t;

/* Loads a GeoJSON file holding either polygons (then *zone is set) or lines,
 * LineString or MultiLineString (then *line is set); the other stays NULL.
 * False with *error on the failures of zone_load_geojson, or a file mixing
 * lines and polygons. */
bool geo_load_geojson(const char *path, zone_t **zone, geo_line_t **line, diagnostic_t *error);
bool geo_from_geojson(const char *name, const char *json, size_t len, zone_t **zone, geo_line_t **line,
                      diagnostic_t *error);
void line_free(geo_line_t *line);
bounds_t line_bounds(const geo_line_t *line);
double line_length_km(const geo_line_t *line);
/* Appends the line as a GeoJSON geometry (MultiLineString) to out. */
void line_write_geojson(const geo_line_t *line, buffer_t *out);
/* Appends an SVG path "d" value (open polylines), projected as zone_write_svg_path does. */
void line_write_svg_path(const geo_line_t *line, bounds_t view, double width, double height, buffer_t *out);

/* Every point within km kilometres (geodesic, WGS84) of a line, a point or a
 * zone. Computed by GEOS in an azimuthal equidistant projection centred on
 * the shape, on the sphere that osculates the ellipsoid there, so distances
 * are right to within 0.5% (tests/geo_test.c checks against the ellipsoid's
 * geodesics) as long as the result lies within 1,000 km of that centre. NULL
 * with *error when km is not positive or the result would be larger. */
zone_t *line_buffer(const geo_line_t *line, double km, diagnostic_t *error);
zone_t *zone_buffer(const zone_t *zone, double km, diagnostic_t *error);
zone_t *point_buffer(double lon, double lat, double km, diagnostic_t *error);

/* Points on the boundary count as inside. Exact for any point; O(1) for most
 * points thanks to a grid index built at load time. */
bool zone_contains(const zone_t *zone, double lon, double lat);
bounds_t zone_bounds(const zone_t *zone);
double zone_area_km2(const zone_t *zone);
/* Appends the zone as a GeoJSON geometry (MultiPolygon) to out. */
void zone_write_geojson(const zone_t *zone, buffer_t *out);
/* Appends an SVG path "d" attribute value for the zone, projecting lon/lat
 * with an equirectangular projection into the box [x0,x0+width]x[y0,y0+height]
 * covering `view` (for the dashboard map). */
void zone_write_svg_path(const zone_t *zone, bounds_t view, double width, double height, buffer_t *out);

#endif
