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
/* a minus b, computed by GEOS. NULL with *error on failure. */
zone_t *zone_difference(const zone_t *a, const zone_t *b, diagnostic_t *error);
void zone_free(zone_t *zone);

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
