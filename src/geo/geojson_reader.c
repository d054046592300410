/* geojson_reader: reads GeoJSON text into GEOS geometries. Our own because
 * GEOS 3.11's reader (a JSON DOM built with nlohmann::json) took 50 of the
 * 130 million instructions `truce check` spent starting up on the reference
 * plan, rejects "geometry": null and gives no position for most errors; this
 * one reads the same files in a few million and names line and column. The
 * geometries are then validated by GEOS as before (zone_geojson.c), and
 * tests/geo_test.c checks every zone against GEOS's own reading. */
#include "geo/geo_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *text, *p, *end;
    const char *name;
    diagnostic_t *error;
    bool failed;
    buffer_t coordinates;      /* scratch: one ring's lon/lat pairs */
} reader_t;

static bool fail_at(reader_t *r, const char *at, const char *format, ...) __attribute__((format(printf, 3, 4)));
static bool fail_at(reader_t *r, const char *at, const char *format, ...) {
    if (r->failed) return false;
    r->failed = true;
    int line = 1, column = 1;
    for (const char *q = r->text; q < at && q < r->end; q++) {
        if (*q == '\n') line++, column = 1;
        else column++;
    }
    char message[200];
    va_list ap;
    va_start(ap, format);
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    if (r->error) diagnostic_set(r->error, r->name, line, column, "invalid GeoJSON: %s", message);
    return false;
}

static void skip_space(reader_t *r) {
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) r->p++;
}

static bool accept(reader_t *r, char c) {
    skip_space(r);
    if (r->p < r->end && *r->p == c) {
        r->p++;
        return true;
    }
    return false;
}

static bool expect(reader_t *r, char c) {
    return accept(r, c) || fail_at(r, r->p, "syntax error: expected '%c'", c);
}

/* A string's raw body (escapes left in: the names we compare have none). */
static bool read_string(reader_t *r, text_t *out) {
    skip_space(r);
    if (r->p >= r->end || *r->p != '"') return fail_at(r, r->p, "syntax error: expected a string");
    const char *start = ++r->p;
    while (r->p < r->end && *r->p != '"') {
        if ((unsigned char)*r->p < 0x20) return fail_at(r, r->p, "syntax error: control character in a string");
        r->p += *r->p == '\\' ? 2 : 1;
    }
    if (r->p >= r->end) return fail_at(r, start - 1, "syntax error: unterminated string");
    *out = (text_t){start, (size_t)(r->p - start)};
    r->p++;
    return true;
}

static bool read_number(reader_t *r, double *out) {
    skip_space(r);
    const char *stop, *reason = number_parse(r->p, r->end, out, &stop);
    if (reason) return fail_at(r, r->p, "%s", reason);
    r->p = stop;
    return true;
}

static bool skip_value(reader_t *r, int depth);

static bool skip_container(reader_t *r, char close, bool object, int depth) {
    r->p++;
    if (accept(r, close)) return true;
    do {
        text_t key;
        if (object && (!read_string(r, &key) || !expect(r, ':'))) return false;
        if (!skip_value(r, depth + 1)) return false;
    } while (accept(r, ','));
    return expect(r, close);
}

static bool skip_value(reader_t *r, int depth) {
    skip_space(r);
    if (depth > 64) return fail_at(r, r->p, "nested too deeply");
    if (r->p >= r->end) return fail_at(r, r->p, "syntax error: unexpected end of input");
    text_t ignored;
    double number;
    switch (*r->p) {
    case '{': return skip_container(r, '}', true, depth);
    case '[': return skip_container(r, ']', false, depth);
    case '"': return read_string(r, &ignored);
    default: break;
    }
    static const char *words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(r->end - r->p) >= n && !memcmp(r->p, words[i], n)) {
            r->p += n;
            return true;
        }
    }
    return read_number(r, &number);
}

/* ---- coordinates ------------------------------------------------------- */

/* [lon, lat] or [lon, lat, altitude]: the altitude is ignored. */
static bool read_position(reader_t *r) {
    double lon, lat, altitude;
    if (!expect(r, '[') || !read_number(r, &lon) || !expect(r, ',') || !read_number(r, &lat)) return false;
    if (accept(r, ',') && !read_number(r, &altitude)) return false;
    if (!expect(r, ']')) return false;
    double pair[2] = {lon, lat};
    buffer_append(&r->coordinates, pair, sizeof pair);
    return true;
}

/* An array of positions into r->coordinates; their count in *count. */
static const double *read_positions(reader_t *r, unsigned *count) {
    r->coordinates.len = 0;
    if (!expect(r, '[')) return NULL;
    if (!accept(r, ']')) {
        do
            if (!read_position(r)) return NULL;
        while (accept(r, ','));
        if (!expect(r, ']')) return NULL;
    }
    *count = (unsigned)(r->coordinates.len / (2 * sizeof(double)));
    return r->coordinates.len ? (const double *)(const void *)r->coordinates.data : (const double *)(const void *)"";
}

static GEOSGeometry *read_ring(reader_t *r) {
    const char *at = r->p;
    unsigned count = 0;
    const double *xy = read_positions(r, &count);
    if (!xy) return NULL;
    GEOSContextHandle_t context = geo_context();
    if (count < 4 || xy[0] != xy[2 * count - 2] || xy[1] != xy[2 * count - 1]) {
        fail_at(r, at, "a ring must be closed (its last position equal to its first) and have 4 positions or more");
        return NULL;
    }
    GEOSCoordSequence *sequence = GEOSCoordSeq_copyFromBuffer_r(context, xy, count, 0, 0);
    GEOSGeometry *ring = sequence ? GEOSGeom_createLinearRing_r(context, sequence) : NULL;
    if (!ring) fail_at(r, at, "bad ring: %s", geo_last_error());
    return ring;
}

static void destroy_all(GEOSGeometry **items, size_t count) {
    for (size_t i = 0; i < count; i++) GEOSGeom_destroy_r(geo_context(), items[i]);
    free(items);
}

/* Appends one geometry to a growing array. */
static void push(GEOSGeometry ***items, size_t *count, GEOSGeometry *item) {
    if ((*count & (*count - 1)) == 0) *items = xrealloc(*items, (*count ? 2 * *count : 4) * sizeof **items);
    (*items)[(*count)++] = item;
}

/* Reads one array element at r->p; NULL on failure (r->failed set), or for
 * an element that adds nothing (r->failed clear). */
typedef GEOSGeometry *(*item_reader_fn)(reader_t *r, int depth);

/* Reads a JSON array of elements with read_item. On failure returns false
 * with every item read so far destroyed. */
static bool read_items(reader_t *r, item_reader_fn read_item, int depth, GEOSGeometry ***items, size_t *count) {
    *items = NULL;
    *count = 0;
    if (!expect(r, '[')) return false;
    if (!accept(r, ']')) {
        do {
            GEOSGeometry *item = read_item(r, depth);
            if (item) push(items, count, item);
            else if (r->failed) break;
        } while (accept(r, ','));
        if (!r->failed) expect(r, ']');
    }
    if (!r->failed) return true;
    destroy_all(*items, *count);
    *items = NULL;
    *count = 0;
    return false;
}

static GEOSGeometry *ring_item(reader_t *r, int depth) {
    (void)depth;
    return read_ring(r);
}

static GEOSGeometry *read_polygon(reader_t *r) {
    GEOSContextHandle_t context = geo_context();
    GEOSGeometry **rings;
    size_t count;
    if (!read_items(r, ring_item, 0, &rings, &count)) return NULL;
    if (count == 0) return GEOSGeom_createEmptyPolygon_r(context); /* "coordinates": [] */
    GEOSGeometry *polygon = GEOSGeom_createPolygon_r(context, rings[0], rings + 1, (unsigned)(count - 1));
    free(rings);
    return polygon;
}

/* A LineString's positions: two or more (a line place, such as a line of contact). */
static GEOSGeometry *read_linestring(reader_t *r) {
    const char *at = r->p;
    unsigned count = 0;
    const double *xy = read_positions(r, &count);
    if (!xy) return NULL;
    if (count < 2) {
        fail_at(r, at, "a LineString needs 2 positions or more");
        return NULL;
    }
    GEOSContextHandle_t context = geo_context();
    GEOSCoordSequence *sequence = GEOSCoordSeq_copyFromBuffer_r(context, xy, count, 0, 0);
    GEOSGeometry *line = sequence ? GEOSGeom_createLineString_r(context, sequence) : NULL;
    if (!line) fail_at(r, at, "bad LineString: %s", geo_last_error());
    return line;
}

static GEOSGeometry *linestring_item(reader_t *r, int depth) {
    (void)depth;
    return read_linestring(r);
}

static GEOSGeometry *polygon_item(reader_t *r, int depth) {
    (void)depth;
    return read_polygon(r);
}

static GEOSGeometry *collection(int type, GEOSGeometry **items, size_t count) {
    GEOSGeometry *made = GEOSGeom_createCollection_r(geo_context(), type, items, (unsigned)count);
    free(items);
    return made;
}

static GEOSGeometry *read_multipolygon(reader_t *r) {
    GEOSGeometry **polygons;
    size_t count;
    if (!read_items(r, polygon_item, 0, &polygons, &count)) return NULL;
    return collection(GEOS_MULTIPOLYGON, polygons, count);
}

/* ---- objects ------------------------------------------------------------ */

typedef struct {
    text_t type;
    const char *coordinates, *geometry, *features, *geometries; /* where each member's value starts */
    const char *start;
    GEOSGeometry *polygons;    /* coordinates already read, when "type" came first */
} members_t;

/* The geometry types whose coordinates truce reads: areas and lines. */
static bool is_polygonal(text_t type) {
    return text_equals_cstr(type, "Polygon") || text_equals_cstr(type, "MultiPolygon") ||
           text_equals_cstr(type, "LineString") || text_equals_cstr(type, "MultiLineString");
}

/* Reads the coordinates of a Polygon, MultiPolygon, LineString or MultiLineString at r->p. */
static GEOSGeometry *read_polygonal(reader_t *r, text_t type) {
    if (text_equals_cstr(type, "Polygon")) return read_polygon(r);
    if (text_equals_cstr(type, "MultiPolygon")) return read_multipolygon(r);
    if (text_equals_cstr(type, "LineString")) return read_linestring(r);
    GEOSGeometry **lines;
    size_t count;
    if (!read_items(r, linestring_item, 0, &lines, &count)) return NULL;
    return collection(GEOS_MULTILINESTRING, lines, count);
}

static bool read_members(reader_t *r, members_t *m) {
    memset(m, 0, sizeof *m);
    m->start = r->p;
    if (!expect(r, '{')) return false;
    if (accept(r, '}')) return true;
    do {
        text_t key;
        if (!read_string(r, &key) || !expect(r, ':')) return false;
        skip_space(r);
        if (text_equals_cstr(key, "type")) {
            if (!read_string(r, &m->type)) return false;
            continue;
        }
        const char **slot = text_equals_cstr(key, "coordinates") ? &m->coordinates
                            : text_equals_cstr(key, "geometry")  ? &m->geometry
                            : text_equals_cstr(key, "features")  ? &m->features
                            : text_equals_cstr(key, "geometries") ? &m->geometries
                                                                  : NULL;
        if (slot) *slot = r->p;
        if (slot == &m->coordinates && m->type.ptr && is_polygonal(m->type) && !m->polygons) {
            m->polygons = read_polygonal(r, m->type); /* the usual order: read once, not skipped then read */
            if (!m->polygons) return false;
        } else if (!skip_value(r, 1)) {
            return false;
        }
    } while (accept(r, ','));
    return expect(r, '}');
}

static GEOSGeometry *read_object(reader_t *r, int depth);

/* A feature or a geometry in an array; `null` (a feature without geometry)
 * adds nothing. */
static GEOSGeometry *object_item(reader_t *r, int depth) {
    skip_space(r);
    if ((size_t)(r->end - r->p) >= 4 && !memcmp(r->p, "null", 4)) {
        r->p += 4;
        return NULL;
    }
    return read_object(r, depth + 1);
}

/* Reads an array of GeoJSON objects (features, geometries) into a collection. */
static GEOSGeometry *read_object_array(reader_t *r, const char *at, int depth) {
    r->p = at;
    GEOSGeometry **items;
    size_t count;
    if (!read_items(r, object_item, depth, &items, &count)) return NULL;
    return collection(GEOS_GEOMETRYCOLLECTION, items, count);
}

/* A geometry of a type truce has no use for: empty, but typed, so that the
 * caller can say what it found instead of a polygon. */
static GEOSGeometry *placeholder(reader_t *r, text_t type) {
    GEOSContextHandle_t context = geo_context();
    if (text_equals_cstr(type, "Point")) return GEOSGeom_createEmptyPoint_r(context);
    if (text_equals_cstr(type, "MultiPoint")) return GEOSGeom_createEmptyCollection_r(context, GEOS_MULTIPOINT);
    fail_at(r, type.ptr, "unknown type '%.*s'", (int)(type.len < 40 ? type.len : 40), type.ptr);
    return NULL;
}

static GEOSGeometry *read_object(reader_t *r, int depth) {
    members_t m;
    if (depth > 32) {
        fail_at(r, r->p, "nested too deeply");
        return NULL;
    }
    if (!read_members(r, &m)) {
        if (m.polygons) GEOSGeom_destroy_r(geo_context(), m.polygons);
        return NULL;
    }
    if (m.polygons) return m.polygons;
    const char *after = r->p;
    GEOSGeometry *g = NULL;
    const char *value;
    if (!m.type.ptr) {
        fail_at(r, m.start, "an object without \"type\"");
    } else if (text_equals_cstr(m.type, "Feature")) {
        value = m.geometry;
        if (!value) {
            fail_at(r, m.start, "a Feature without \"geometry\"");
        } else if (*value == 'n') { /* "geometry": null: a feature with no place */
            g = GEOSGeom_createEmptyCollection_r(geo_context(), GEOS_GEOMETRYCOLLECTION);
        } else {
            r->p = value;
            g = read_object(r, depth + 1);
        }
    } else if (text_equals_cstr(m.type, "FeatureCollection") || text_equals_cstr(m.type, "GeometryCollection")) {
        value = text_equals_cstr(m.type, "FeatureCollection") ? m.features : m.geometries;
        if (!value) fail_at(r, m.start, "a %.*s without its members", (int)m.type.len, m.type.ptr);
        else g = read_object_array(r, value, depth);
    } else if (is_polygonal(m.type)) {
        if (!m.coordinates) {
            fail_at(r, m.start, "a %.*s without \"coordinates\"", (int)m.type.len, m.type.ptr);
        } else {
            r->p = m.coordinates;
            g = read_polygonal(r, m.type);
        }
    } else {
        g = placeholder(r, m.type);
    }
    r->p = after;
    return g;
}

GEOSGeometry *geojson_read(const char *name, const char *json, size_t len, diagnostic_t *error) {
    reader_t r = {.text = json, .p = json, .end = json + len, .name = name, .error = error};
    skip_space(&r);
    GEOSGeometry *g = NULL;
    if (r.p >= r.end || *r.p != '{') fail_at(&r, r.p, "expected a GeoJSON object");
    else g = read_object(&r, 0);
    skip_space(&r);
    if (g && r.p != r.end) {
        fail_at(&r, r.p, "syntax error: unexpected text after the object");
        GEOSGeom_destroy_r(geo_context(), g);
        g = NULL;
    }
    buffer_free(&r.coordinates);
    return g;
}
