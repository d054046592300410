/* truce-gen: writes a large, realistic and deterministic stream of monitoring
 * reports (JSON Lines, the interchange spec) for benchmarking `truce check` on
 * the reference plan: mostly forces.present along the illustrative front line,
 * plus strikes, offensives, power deliveries, exchanges, reviews, duplicates. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"

static const char usage[] =
    "usage: truce-gen --count N [--mix realistic|dense] [--seed S] [--start TIME] [--days D] [--zones DIR]\n\n"
    "Writes N monitoring reports as JSON Lines to standard output: the council's\n"
    "agreement.signed first, then ~96% forces.present along the illustrative front\n"
    "line (RU east/south of it, UA west/north, 0-25 km), ~3% strikes, ~0.5%\n"
    "offensives, ~0.5% forces inside the buffer zone, ~0.1% reviews, ~0.1% exact\n"
    "duplicate lines, and scheduled reports (daily ZNPP power, weekly army strength,\n"
    "prisoner exchanges, withdrawals). The same options give the same bytes.\n\n"
    "options:\n"
    "  --count N     number of lines (suffixes k, M, G: 10M = 10000000); required\n"
    "  --mix M       realistic (default: about 1% of reports bear on a rule) or\n"
    "                dense (a busy front: ~12% offensives, ~12% forces inside the\n"
    "                buffer zone, ~1% reviews, so about a quarter bear on a rule)\n"
    "  --seed S      seed of the pseudo-random generator (default 1)\n"
    "  --start TIME  RFC 3339 time of the signature (default 2026-01-05T10:00:00Z)\n"
    "  --days D      days the reports span (default 365)\n"
    "  --zones DIR   where line-of-contact.geojson and buffer-zone.geojson are\n"
    "                (default plans/ukraine-2025-11/zones)\n"
    "  -h, --help    this text\n";

/* ------------------------------------------------------------------ random */

/* splitmix64: fast, statistically good enough, and fully determined by the seed. */
typedef struct {
    uint64_t state;
} rng_t;

static uint64_t rng_next(rng_t *rng) {
    uint64_t z = (rng->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double rng_unit(rng_t *rng) { return (double)(rng_next(rng) >> 11) * 0x1.0p-53; }

static uint32_t rng_below(rng_t *rng, uint32_t n) { return (uint32_t)(((rng_next(rng) >> 32) * n) >> 32); }

static double rng_between(rng_t *rng, double low, double high) { return low + (high - low) * rng_unit(rng); }

static bool rng_chance(rng_t *rng, double probability) { return rng_unit(rng) < probability; }

/* ------------------------------------------------------------------ output */

#define OUT_CAPACITY (8u << 20)
#define LINE_MAX_BYTES 2048 /* far above the longest line written */

/* One big buffer written with write(2). The previous line stays in the buffer
 * across flushes, so that it can be repeated as an exact duplicate. */
typedef struct {
    char *data;
    size_t len;
    size_t previous_start, previous_len, line_start;
} out_t;

static void write_all(const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = write(1, data, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            fprintf(stderr, "truce-gen: writing the output: %s\n", strerror(errno));
            exit(1);
        }
        data += n;
        len -= (size_t)n;
    }
}

/* Writes everything before the previous line and keeps that line. */
static void out_flush_keeping_previous(out_t *out) {
    write_all(out->data, out->previous_start);
    memmove(out->data, out->data + out->previous_start, out->len - out->previous_start);
    out->len -= out->previous_start;
    out->previous_start = 0;
}

static void out_begin_line(out_t *out) {
    if (OUT_CAPACITY - out->len < 2 * LINE_MAX_BYTES) out_flush_keeping_previous(out);
    out->line_start = out->len;
}

static void out_end_line(out_t *out) {
    out->data[out->len++] = '\n';
    out->previous_start = out->line_start;
    out->previous_len = out->len - out->line_start;
}

static inline void put_bytes(out_t *out, const char *bytes, size_t len) {
    memcpy(out->data + out->len, bytes, len);
    out->len += len;
}

#define PUT_LITERAL(out, literal) put_bytes((out), (literal), sizeof(literal) - 1)

static void put_text(out_t *out, const char *cstring) { put_bytes(out, cstring, strlen(cstring)); }

static void put_uint(out_t *out, uint64_t value) {
    char digits[20];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (n > 0) out->data[out->len++] = digits[--n];
}

/* A coordinate in degrees with 4 decimals (about 10 m). */
static void put_coordinate(out_t *out, double degrees) {
    long scaled = lround(degrees * 10000.0);
    if (scaled < 0) {
        out->data[out->len++] = '-';
        scaled = -scaled;
    }
    put_uint(out, (uint64_t)(scaled / 10000));
    long fraction = scaled % 10000;
    char decimals[5] = {'.', (char)('0' + fraction / 1000), (char)('0' + fraction / 100 % 10),
                        (char)('0' + fraction / 10 % 10), (char)('0' + fraction % 10)};
    put_bytes(out, decimals, sizeof decimals);
}

/* ---------------------------------------------------------------- geography */

/* Kilometres per degree at the front's mean latitude (48.5 N): an
 * equirectangular approximation, plenty for an illustrative stream. */
#define KM_PER_DEGREE_LAT 110.57
#define KM_PER_DEGREE_LON 73.76

typedef struct {
    double *lon_lat; /* vertex i at [2i], [2i + 1] */
    size_t count;
} path_t;

typedef struct {
    path_t front;            /* the line of contact */
    double *cumulative_km;   /* front: distance from its start to vertex i */
    double front_km;
    path_t buffer;           /* the buffer zone's outer ring */
    double buffer_min[2], buffer_max[2];
} geography_t;

static char *read_file(const char *path) {
    buffer_t text = {0};
    if (buffer_read_file(&text, path)) return text.data;
    buffer_free(&text);
    return NULL;
}

/* Reads every number of the first "coordinates" array of a GeoJSON file as
 * lon/lat pairs: the vertices of a LineString, or of a one-ring Polygon. */
static bool load_path(const char *path, path_t *out) {
    char *json = read_file(path);
    if (!json) return false;
    const char *p = strstr(json, "\"coordinates\"");
    p = p ? strchr(p, '[') : NULL;
    size_t capacity = 0, numbers = 0;
    for (int depth = 0; p && *p; p++) {
        if (*p == '[') depth++;
        else if (*p == ']' && --depth == 0) break;
        else if (*p == '-' || (*p >= '0' && *p <= '9')) {
            if (numbers == capacity) {
                capacity = capacity ? capacity * 2 : 256;
                out->lon_lat = xrealloc(out->lon_lat, capacity * sizeof *out->lon_lat);
            }
            char *end;
            out->lon_lat[numbers++] = strtod(p, &end);
            p = end - 1;
        }
    }
    free(json);
    out->count = numbers / 2;
    return out->count >= 2;
}

static double distance_km(const double *a, const double *b) {
    double dx = (b[0] - a[0]) * KM_PER_DEGREE_LON, dy = (b[1] - a[1]) * KM_PER_DEGREE_LAT;
    return sqrt(dx * dx + dy * dy);
}

static void measure_front(geography_t *geo) {
    geo->cumulative_km = xcalloc(geo->front.count, sizeof *geo->cumulative_km);
    for (size_t i = 1; i < geo->front.count; i++)
        geo->cumulative_km[i] = geo->cumulative_km[i - 1] +
                                distance_km(&geo->front.lon_lat[2 * (i - 1)], &geo->front.lon_lat[2 * i]);
    geo->front_km = geo->cumulative_km[geo->front.count - 1];
}

static void measure_buffer(geography_t *geo) {
    for (int axis = 0; axis < 2; axis++) geo->buffer_min[axis] = geo->buffer_max[axis] = geo->buffer.lon_lat[axis];
    for (size_t i = 0; i < geo->buffer.count; i++)
        for (int axis = 0; axis < 2; axis++) {
            double v = geo->buffer.lon_lat[2 * i + axis];
            geo->buffer_min[axis] = fmin(geo->buffer_min[axis], v);
            geo->buffer_max[axis] = fmax(geo->buffer_max[axis], v);
        }
}

static bool load_geography(const char *zones_dir, geography_t *geo) {
    char path[4096];
    snprintf(path, sizeof path, "%s/line-of-contact.geojson", zones_dir);
    if (!load_path(path, &geo->front)) {
        fprintf(stderr, "truce-gen: cannot read a line from %s (see --zones)\n", path);
        return false;
    }
    snprintf(path, sizeof path, "%s/buffer-zone.geojson", zones_dir);
    if (!load_path(path, &geo->buffer) || geo->buffer.count < 4) {
        fprintf(stderr, "truce-gen: cannot read a polygon from %s (see --zones)\n", path);
        return false;
    }
    measure_front(geo);
    measure_buffer(geo);
    return true;
}

/* Even-odd ray casting over the buffer zone's ring. */
static bool in_buffer_zone(const geography_t *geo, double lon, double lat) {
    const double *v = geo->buffer.lon_lat;
    bool inside = false;
    for (size_t i = 0, j = geo->buffer.count - 1; i < geo->buffer.count; j = i++) {
        double xi = v[2 * i], yi = v[2 * i + 1], xj = v[2 * j], yj = v[2 * j + 1];
        if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
}

/* Which side of the front: walking the line from its northern end, RU holds
 * the left (east, then south), UA the right (west, then north). */
enum { SIDE_RU = 1, SIDE_UA = -1 };

static size_t segment_at(const geography_t *geo, double along_km) {
    size_t low = 0, high = geo->front.count - 2;
    while (low < high) {
        size_t middle = (low + high + 1) / 2;
        if (geo->cumulative_km[middle] <= along_km) low = middle;
        else high = middle - 1;
    }
    return low;
}

/* A point up to max_km from the front on one side, denser near the line. */
static void front_point(const geography_t *geo, rng_t *rng, int side, double max_km, double *lon, double *lat) {
    double along = rng_unit(rng) * geo->front_km;
    size_t s = segment_at(geo, along);
    const double *a = &geo->front.lon_lat[2 * s], *b = a + 2;
    double length = geo->cumulative_km[s + 1] - geo->cumulative_km[s];
    double t = length > 0 ? (along - geo->cumulative_km[s]) / length : 0;
    double dx = length > 0 ? (b[0] - a[0]) * KM_PER_DEGREE_LON / length : 0;
    double dy = length > 0 ? (b[1] - a[1]) * KM_PER_DEGREE_LAT / length : 0;
    double u = rng_unit(rng);
    double depth = side * (0.2 + (max_km - 0.2) * u * u);
    *lon = a[0] + t * (b[0] - a[0]) + depth * -dy / KM_PER_DEGREE_LON;
    *lat = a[1] + t * (b[1] - a[1]) + depth * dx / KM_PER_DEGREE_LAT;
}

/* As front_point, but never inside the buffer zone (whose eastern edge is the
 * front itself). */
static void front_point_outside_buffer(const geography_t *geo, rng_t *rng, int side, double max_km, double *lon,
                                       double *lat) {
    for (int attempt = 0; attempt < 1000; attempt++) {
        front_point(geo, rng, side, max_km, lon, lat);
        if (!in_buffer_zone(geo, *lon, *lat)) return;
    }
}

static void buffer_point(const geography_t *geo, rng_t *rng, double *lon, double *lat) {
    do {
        *lon = rng_between(rng, geo->buffer_min[0], geo->buffer_max[0]);
        *lat = rng_between(rng, geo->buffer_min[1], geo->buffer_max[1]);
    } while (!in_buffer_zone(geo, *lon, *lat));
}

/* ------------------------------------------------------------------ sources */

enum { SOURCE_COUNCIL, SOURCE_OSCE, SOURCE_IAEA, SOURCE_HUMANITARIAN, SOURCE_UA, SOURCE_RU, SOURCE_COUNT };

static const struct {
    const char *name, *id_prefix;
} sources[SOURCE_COUNT] = {
    {"council", "sig-"},         {"monitor:osce", "osce-"}, {"monitor:iaea", "iaea-"},
    {"monitor:humanitarian", "hc-"}, {"party:UA", "ua-"},   {"party:RU", "ru-"},
};

enum { PARTY_UA, PARTY_RU };
static const char *const party_codes[] = {"UA", "RU"};
static int other_party(int party) { return party == PARTY_UA ? PARTY_RU : PARTY_UA; }
static int party_source(int party) { return party == PARTY_UA ? SOURCE_UA : SOURCE_RU; }
static int party_side(int party) { return party == PARTY_UA ? SIDE_UA : SIDE_RU; }

/* -------------------------------------------------------------- generator */

#define RECENT_KEPT 64 /* reports a review may answer */

/* A report that bears on a rule, remembered so that a review can name it. */
typedef struct {
    uint8_t source, actor;
    uint64_t id;
} recent_t;

typedef struct {
    int64_t day;
    char text[11]; /* "2026-01-05T" */
} date_cache_t;

typedef struct generator {
    out_t out;
    rng_t rng;
    geography_t geo;
    uint64_t next_id[SOURCE_COUNT];
    uint64_t last_id;               /* the id of the report being written */
    recent_t recent[RECENT_KEPT];
    uint64_t recent_count;
    date_cache_t dates[8];
    time_ms_t start, span;
    const double *mix;              /* cumulative shares: duplicate, review, offensive, strike, buffer */
    double power_share_ru, power_total; /* today's ZNPP split */
    int week;
} generator_t;

static void put_time(generator_t *g, time_ms_t time) {
    int64_t seconds = time / 1000, day = seconds / 86400, second_of_day = seconds % 86400;
    date_cache_t *date = &g->dates[day & 7];
    if (date->day != day) {
        char full[32];
        time_format(day * MS_PER_DAY, full);
        memcpy(date->text, full, sizeof date->text);
        date->day = day;
    }
    put_bytes(&g->out, date->text, sizeof date->text);
    int hour = (int)(second_of_day / 3600), minute = (int)(second_of_day / 60 % 60), second = (int)(second_of_day % 60);
    char clock[9] = {(char)('0' + hour / 10), (char)('0' + hour % 10), ':', (char)('0' + minute / 10),
                     (char)('0' + minute % 10), ':', (char)('0' + second / 10), (char)('0' + second % 10), 'Z'};
    put_bytes(&g->out, clock, sizeof clock);
}

/* {"id":..,"source":..,"time":..,"kind":.. — the fields every report has. */
static void begin_report(generator_t *g, int source, time_ms_t time, const char *kind) {
    out_t *out = &g->out;
    out_begin_line(out);
    g->last_id = ++g->next_id[source];
    PUT_LITERAL(out, "{\"id\":\"");
    put_text(out, sources[source].id_prefix);
    put_uint(out, g->last_id);
    PUT_LITERAL(out, "\",\"source\":\"");
    put_text(out, sources[source].name);
    PUT_LITERAL(out, "\",\"time\":\"");
    put_time(g, time);
    PUT_LITERAL(out, "\",\"kind\":\"");
    put_text(out, kind);
    out->data[out->len++] = '"';
}

static void end_report(generator_t *g) {
    PUT_LITERAL(&g->out, "}");
    out_end_line(&g->out);
}

/* ,"name":"value" — value must need no JSON escaping (or be escaped already). */
static void put_string_field(out_t *out, const char *name, const char *value) {
    PUT_LITERAL(out, ",\"");
    put_text(out, name);
    PUT_LITERAL(out, "\":\"");
    put_text(out, value);
    out->data[out->len++] = '"';
}

static void put_value_field(out_t *out, uint64_t value) {
    PUT_LITERAL(out, ",\"value\":");
    put_uint(out, value);
}

static void put_at_field(out_t *out, double lon, double lat) {
    PUT_LITERAL(out, ",\"at\":[");
    put_coordinate(out, lon);
    out->data[out->len++] = ',';
    put_coordinate(out, lat);
    out->data[out->len++] = ']';
}

static void remember_bearing_report(generator_t *g, int source, int actor) {
    g->recent[g->recent_count++ % RECENT_KEPT] = (recent_t){(uint8_t)source, (uint8_t)actor, g->last_id};
}

/* Notes, already JSON-escaped; a few use non-ASCII text and escapes. */
static const char *const force_notes[] = {
    "routine observation",
    "artillery positions, dug in",
    "column of armour moving towards the line",
    "seen from a patrol drone",
    "positions along the Siverskyi Donets \xE2\x80\x94 unchanged since last week",
    "unit insignia read as \\\"Vostok\\\"",
    "reported by local residents, not yet verified",
    "rotation of a battalion",
};
static const char *const strike_notes[] = {
    "artillery fire on positions",
    "glide bomb on a logistics hub",
    "drone strike on a fuel depot",
    "missile strike on an energy substation",
};
static const char *const strike_causes[] = {
    "retaliation for a strike on Kyiv",
    "counter-battery fire",
    "suppression of air defence",
};

#define PICK(rng, array) (array)[rng_below((rng), (uint32_t)(sizeof(array) / sizeof *(array)))]

/* ------------------------------------------------------- random report kinds */

static int monitor_or_party(rng_t *rng, int about_party) {
    return rng_chance(rng, 0.5) ? SOURCE_OSCE : party_source(other_party(about_party));
}

static void emit_forces(generator_t *g, time_ms_t time) {
    int actor = rng_chance(&g->rng, 0.5) ? PARTY_RU : PARTY_UA;
    double lon, lat;
    front_point_outside_buffer(&g->geo, &g->rng, party_side(actor), 25.0, &lon, &lat);
    begin_report(g, monitor_or_party(&g->rng, actor), time, "forces.present");
    put_string_field(&g->out, "actor", party_codes[actor]);
    put_at_field(&g->out, lon, lat);
    put_value_field(&g->out, 10 * (2 + (uint64_t)rng_below(&g->rng, 300)));
    if (rng_chance(&g->rng, 0.03)) put_string_field(&g->out, "note", PICK(&g->rng, force_notes));
    end_report(g);
}

static void emit_buffer_violation(generator_t *g, time_ms_t time) {
    int actor = rng_chance(&g->rng, 0.5) ? PARTY_RU : PARTY_UA;
    double lon, lat;
    buffer_point(&g->geo, &g->rng, &lon, &lat);
    int source = monitor_or_party(&g->rng, actor);
    begin_report(g, source, time, "forces.present");
    remember_bearing_report(g, source, actor);
    put_string_field(&g->out, "actor", party_codes[actor]);
    put_at_field(&g->out, lon, lat);
    put_value_field(&g->out, 10 * (1 + (uint64_t)rng_below(&g->rng, 60)));
    if (rng_chance(&g->rng, 0.3)) put_string_field(&g->out, "note", "unit inside the demilitarised buffer zone");
    end_report(g);
}

/* A Ukrainian strike reported at Moscow or Saint Petersburg (point 10d). */
static void emit_city_strike(generator_t *g, time_ms_t time) {
    bool moscow = rng_chance(&g->rng, 0.7);
    double lon = moscow ? 37.62 : 30.32, lat = moscow ? 55.76 : 59.94;
    int source = rng_chance(&g->rng, 0.8) ? SOURCE_RU : SOURCE_OSCE;
    begin_report(g, source, time, "strike");
    remember_bearing_report(g, source, PARTY_UA);
    put_string_field(&g->out, "actor", "UA");
    put_at_field(&g->out, lon + rng_between(&g->rng, -0.15, 0.15), lat + rng_between(&g->rng, -0.08, 0.08));
    put_string_field(&g->out, "target", moscow ? "Moscow" : "Saint Petersburg");
    if (rng_chance(&g->rng, 0.25)) put_string_field(&g->out, "cause", PICK(&g->rng, strike_causes));
    end_report(g);
}

/* A strike lands on the other side of the front, up to 40 km deep. */
static void emit_strike(generator_t *g, time_ms_t time) {
    if (rng_chance(&g->rng, 0.002)) {
        emit_city_strike(g, time);
        return;
    }
    int actor = rng_chance(&g->rng, 0.6) ? PARTY_RU : PARTY_UA;
    double lon, lat;
    front_point(&g->geo, &g->rng, party_side(other_party(actor)), 40.0, &lon, &lat);
    begin_report(g, monitor_or_party(&g->rng, actor), time, "strike");
    put_string_field(&g->out, "actor", party_codes[actor]);
    put_at_field(&g->out, lon, lat);
    if (rng_chance(&g->rng, 0.1)) put_string_field(&g->out, "cause", PICK(&g->rng, strike_causes));
    if (rng_chance(&g->rng, 0.2)) put_string_field(&g->out, "note", PICK(&g->rng, strike_notes));
    end_report(g);
}

static void emit_offensive(generator_t *g, time_ms_t time) {
    int actor = rng_chance(&g->rng, 0.6) ? PARTY_RU : PARTY_UA;
    double lon, lat;
    front_point(&g->geo, &g->rng, party_side(other_party(actor)), 15.0, &lon, &lat);
    int source = monitor_or_party(&g->rng, actor);
    begin_report(g, source, time, "offensive");
    remember_bearing_report(g, source, actor);
    put_string_field(&g->out, "actor", party_codes[actor]);
    put_at_field(&g->out, lon, lat);
    if (rng_chance(&g->rng, 0.2)) put_string_field(&g->out, "note", "assault across the line of contact");
    end_report(g);
}

/* A monitor confirms, or the accused party disputes, a recent report. */
static void emit_review(generator_t *g, time_ms_t time) {
    if (g->recent_count == 0) {
        emit_forces(g, time);
        return;
    }
    uint64_t kept = g->recent_count < RECENT_KEPT ? g->recent_count : RECENT_KEPT;
    recent_t answered = g->recent[rng_below(&g->rng, (uint32_t)kept)];
    bool confirms = rng_chance(&g->rng, 0.6);
    int source = party_source(answered.actor);
    if (confirms) source = answered.source == SOURCE_OSCE ? party_source(other_party(answered.actor)) : SOURCE_OSCE;
    begin_report(g, source, time, "review");
    put_string_field(&g->out, "stance", confirms ? "confirms" : "disputes");
    PUT_LITERAL(&g->out, ",\"refs\":[\"");
    put_text(&g->out, sources[answered.source].name);
    g->out.data[g->out.len++] = '/';
    put_text(&g->out, sources[answered.source].id_prefix);
    put_uint(&g->out, answered.id);
    PUT_LITERAL(&g->out, "\"]");
    if (rng_chance(&g->rng, 0.5))
        put_string_field(&g->out, "note", confirms ? "patrol confirms the report" : "denied: no such activity");
    end_report(g);
}

/* The previous line again, byte for byte: a resent report. */
static void emit_duplicate(generator_t *g) {
    out_t *out = &g->out;
    char line[LINE_MAX_BYTES];
    size_t len = out->previous_len;
    memcpy(line, out->data + out->previous_start, len);
    out_begin_line(out);
    put_bytes(out, line, len);
    out->previous_start = out->line_start;
}

/* Jitter of the random reports around the cursor: +-45 minutes. */
#define JITTER_MS (45 * 60 * 1000LL)

/* Cumulative shares of duplicates, reviews, offensives, strikes and forces in
 * the buffer zone; the rest is routine forces.present along the front. */
static const double MIX_REALISTIC[] = {0.001, 0.002, 0.007, 0.037, 0.042};
static const double MIX_DENSE[] = {0.001, 0.011, 0.131, 0.231, 0.351};

static void emit_random_report(generator_t *g, time_ms_t cursor) {
    time_ms_t time = cursor + (time_ms_t)rng_between(&g->rng, -JITTER_MS, JITTER_MS);
    if (time < g->start + 60000) time = g->start + 60000;
    double u = rng_unit(&g->rng);
    const double *mix = g->mix;
    if (u < mix[0]) emit_duplicate(g);
    else if (u < mix[1]) emit_review(g, time);
    else if (u < mix[2]) emit_offensive(g, time);
    else if (u < mix[3]) emit_strike(g, time);
    else if (u < mix[4]) emit_buffer_violation(g, time);
    else emit_forces(g, time);
}

/* ------------------------------------------------------- scheduled reports */

static void emit_signature(generator_t *g, time_ms_t time, int unused) {
    (void)unused;
    begin_report(g, SOURCE_COUNCIL, time, "agreement.signed");
    put_string_field(&g->out, "note", "all parties sign the framework");
    end_report(g);
}

/* 0: UA leaves the buffer zone; 1, 2: UA, RU pull back to the agreed points. */
static void emit_withdrawal(generator_t *g, time_ms_t time, int which) {
    begin_report(g, SOURCE_OSCE, time, "withdrawal.completed");
    put_string_field(&g->out, "actor", which == 2 ? "RU" : "UA");
    put_string_field(&g->out, "target", which == 0 ? "buffer-zone" : "agreed-points");
    end_report(g);
}

/* The humanitarian registry: 0, 1 prisoners held by RU, UA; 2, 3 detainees. */
static void emit_registry(generator_t *g, time_ms_t time, int which) {
    static const uint64_t held[] = {8000, 6000, 20000, 300};
    begin_report(g, SOURCE_HUMANITARIAN, time, which < 2 ? "prisoners.held" : "detainees.held");
    put_string_field(&g->out, "actor", which % 2 ? "UA" : "RU");
    put_value_field(&g->out, held[which]);
    end_report(g);
}

/* 0, 1: prisoners released by RU to UA, by UA to RU; 2: detainees returned by RU. */
static void emit_exchange(generator_t *g, time_ms_t time, int which) {
    begin_report(g, SOURCE_HUMANITARIAN, time, which < 2 ? "prisoners.released" : "detainees.returned");
    put_string_field(&g->out, "actor", which == 1 ? "UA" : "RU");
    put_string_field(&g->out, "to", which == 1 ? "RU" : "UA");
    put_value_field(&g->out, which < 2 ? 80 + rng_below(&g->rng, 170) : 20 + rng_below(&g->rng, 100));
    end_report(g);
}

/* A day of ZNPP output split about 50:50; 0: to RU (draws the day), 1: to UA. */
static void emit_power(generator_t *g, time_ms_t time, int which) {
    if (which == 0) {
        g->power_total = rng_between(&g->rng, 21000, 27000);
        g->power_share_ru = rng_between(&g->rng, 0.46, 0.54);
    }
    double share = which == 0 ? g->power_share_ru : 1 - g->power_share_ru;
    begin_report(g, SOURCE_IAEA, time, "power.delivered");
    put_string_field(&g->out, "actor", "RU");
    put_string_field(&g->out, "to", which == 0 ? "RU" : "UA");
    put_value_field(&g->out, (uint64_t)llround(g->power_total * share));
    end_report(g);
}

/* Ukraine's army shrinks from 720,000 towards the cap, then hovers near it. */
static void emit_personnel(generator_t *g, time_ms_t time, int unused) {
    (void)unused;
    int64_t strength = 720000 - 15000 * (int64_t)g->week++;
    if (strength < 590000) strength = 585000 + (int64_t)rng_below(&g->rng, 22000) - 7000;
    begin_report(g, SOURCE_UA, time, "personnel.strength");
    put_string_field(&g->out, "actor", "UA");
    put_value_field(&g->out, (uint64_t)strength);
    end_report(g);
}

typedef struct {
    time_ms_t due;
    time_ms_t period;        /* 0: once */
    void (*emit)(generator_t *, time_ms_t, int);
    int which;
} task_t;

#define HOUR_MS 3600000LL
#define NEVER INT64_MAX

static int make_tasks(const generator_t *g, task_t *tasks) {
    time_ms_t s = g->start, day = MS_PER_DAY, span = g->span;
    time_ms_t midnight = (s / day + 1) * day;
    int n = 0;
    tasks[n++] = (task_t){s, 0, emit_signature, 0};
    for (int i = 0; i < 4; i++) tasks[n++] = (task_t){s + day + i * 300000, 0, emit_registry, i};
    for (int i = 0; i < 3; i++) tasks[n++] = (task_t){s + span / 20 + i * span / 100, 0, emit_withdrawal, i};
    for (int i = 0; i < 2; i++) tasks[n++] = (task_t){midnight + i * 1000, day, emit_power, i};
    tasks[n++] = (task_t){s + 2 * day + 2 * HOUR_MS, 7 * day, emit_personnel, 0};
    for (int i = 0; i < 3; i++) tasks[n++] = (task_t){s + 8 * day + i * HOUR_MS, 10 * day, emit_exchange, i};
    return n;
}

typedef struct {
    task_t items[16];
    int count;
    time_ms_t next_due;
} schedule_t;

static void schedule_update(schedule_t *schedule) {
    schedule->next_due = NEVER;
    for (int i = 0; i < schedule->count; i++)
        if (schedule->items[i].due < schedule->next_due) schedule->next_due = schedule->items[i].due;
}

/* Emits the earliest task due by the cursor, if any; true if one was emitted. */
static bool run_due_task(generator_t *g, schedule_t *schedule, time_ms_t cursor, time_ms_t end) {
    if (schedule->next_due > cursor) return false;
    task_t *task = NULL;
    for (int i = 0; i < schedule->count; i++)
        if (schedule->items[i].due == schedule->next_due) {
            task = &schedule->items[i];
            break;
        }
    task->emit(g, task->due, task->which);
    task->due = task->period && task->due + task->period <= end ? task->due + task->period : NEVER;
    schedule_update(schedule);
    return true;
}

/* ------------------------------------------------------------------ options */

typedef struct {
    uint64_t count, seed;
    time_ms_t start;
    double days;
    const char *zones_dir;
    const double *mix;
} options_t;

static bool parse_count(const char *text, uint64_t *out) {
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    uint64_t scale = *end == 'k' ? 1000 : *end == 'M' ? 1000000 : *end == 'G' ? 1000000000 : 1;
    if (scale > 1) end++;
    if (errno || end == text || *end || text[0] == '-') return false;
    *out = (uint64_t)value * scale;
    return true;
}

/* Prints "truce-gen: MESSAGE 'ARGUMENT'" (ARGUMENT may be NULL) and the usage. */
static int usage_error(const char *message, const char *argument) {
    if (argument) fprintf(stderr, "truce-gen: %s '%s'\n", message, argument);
    else fprintf(stderr, "truce-gen: %s\n", message);
    fputs(usage, stderr);
    return 2;
}

/* Returns 0 to go on, -1 after --help, 2 on a usage error. */
static int parse_options(int argc, char **argv, options_t *o) {
    static const struct option options[] = {
        {"count", required_argument, NULL, 'n'}, {"seed", required_argument, NULL, 's'},
        {"start", required_argument, NULL, 't'}, {"days", required_argument, NULL, 'd'},
        {"zones", required_argument, NULL, 'z'}, {"mix", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'}, {0}};
    *o = (options_t){0, 1, 0, 365, "plans/ukraine-2025-11/zones", MIX_REALISTIC};
    time_parse_rfc3339("2026-01-05T10:00:00Z", 20, &o->start);
    bool has_count = false;
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (!parse_count(optarg, &o->count)) return usage_error("--count: not a count:", optarg);
            has_count = true;
            break;
        case 's':
            if (!parse_count(optarg, &o->seed)) return usage_error("--seed: not a number:", optarg);
            break;
        case 't':
            if (!time_parse_rfc3339(optarg, strlen(optarg), &o->start) || o->start < 0)
                return usage_error("--start: not an RFC 3339 time after 1970:", optarg);
            break;
        case 'd':
            o->days = strtod(optarg, &end);
            if (*end || !(o->days > 0 && o->days < 100000)) return usage_error("--days: not a positive number:", optarg);
            break;
        case 'z': o->zones_dir = optarg; break;
        case 'm':
            if (!strcmp(optarg, "realistic")) o->mix = MIX_REALISTIC;
            else if (!strcmp(optarg, "dense")) o->mix = MIX_DENSE;
            else return usage_error("--mix: realistic or dense, not", optarg);
            break;
        case 'h': fputs(usage, stdout); return -1;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind < argc) return usage_error("unexpected argument", argv[optind]);
    if (!has_count) return usage_error("--count is required", NULL);
    return 0;
}

/* ------------------------------------------------------------------- main */

static void generate(generator_t *g, uint64_t count) {
    schedule_t schedule;
    schedule.count = make_tasks(g, schedule.items);
    schedule_update(&schedule);
    time_ms_t end = g->start + g->span;
    for (uint64_t i = 0; i < count; i++) {
        time_ms_t cursor = g->start + (time_ms_t)((double)i / (double)count * (double)g->span);
        if (!run_due_task(g, &schedule, cursor, end)) emit_random_report(g, cursor);
    }
    write_all(g->out.data, g->out.len);
}

int main(int argc, char **argv) {
    options_t o;
    int status = parse_options(argc, argv, &o);
    if (status) return status < 0 ? 0 : status;
    static generator_t g;
    if (!load_geography(o.zones_dir, &g.geo)) return 3;
    g.rng.state = o.seed;
    g.start = o.start;
    g.span = (time_ms_t)(o.days * (double)MS_PER_DAY);
    g.mix = o.mix;
    for (int i = 0; i < 8; i++) g.dates[i].day = -1;
    g.out.data = xmalloc(OUT_CAPACITY);
    generate(&g, o.count);
    free(g.out.data);
    return 0;
}
