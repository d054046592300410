/* export: the incident and ruling formats (JSON Lines, CSV, GeoJSON) and the
 * per-day counts, written into buffers so that the command line and the
 * server produce the same bytes. */
#include "export/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

incident_filter_t incident_filter_any(void) {
    return (incident_filter_t){.point = -1, .party = EXPORT_ANY_PARTY, .standing = -1, .zone = -1,
                               .from = TIME_NONE, .to = TIME_NONE};
}

const char *export_party_name(const agreement_t *a, int party) {
    if (party == RULING_UNATTRIBUTED) return "unattributed";
    return party >= 0 && party < a->party_count ? a->parties[party].code : "all";
}

bool incident_matches(const agreement_t *a, const incident_filter_t *f, const incident_t *x) {
    if (!x->counted && !f->all) return false;
    if (f->point >= 0 && x->point != f->point) return false;
    if (f->party != EXPORT_ANY_PARTY && x->party != f->party) return false;
    if (f->standing >= 0 && (int)x->standing != f->standing) return false;
    if (f->from != TIME_NONE && x->time < f->from) return false;
    if (f->to != TIME_NONE && x->time >= f->to) return false;
    if (f->zone >= 0) {
        const zone_t *zone = a->places[f->zone].zone;
        if (!zone || !x->has_at || !zone_contains(zone, x->lon, x->lat)) return false;
    }
    return true;
}

/* The names of the zones an incident fell in: a JSON array, or "a;b" for CSV. */
static void zones_of(const agreement_t *a, const incident_t *x, buffer_t *out, bool json) {
    int n = 0;
    if (json) buffer_puts(out, "[");
    for (int i = 0; x->has_at && i < a->place_count; i++) {
        if (!a->places[i].zone || !zone_contains(a->places[i].zone, x->lon, x->lat)) continue;
        if (n++) buffer_puts(out, json ? "," : ";");
        if (json) buffer_json_string(out, a->places[i].name, strlen(a->places[i].name));
        else buffer_puts(out, a->places[i].name);
    }
    if (json) buffer_puts(out, "]");
}

static void json_field(buffer_t *out, const char *name, const char *value) {
    buffer_printf(out, ",\"%s\":", name);
    if (value) buffer_json_string(out, value, strlen(value));
    else buffer_puts(out, "null");
}

void export_incident_json(buffer_t *out, const agreement_t *a, const incident_t *x, bool properties_only) {
    char t[32];
    time_format(x->time, t);
    buffer_printf(out, "{\"time\":\"%s\"", t);
    json_field(out, "point", a->points[x->point].label);
    buffer_puts(out, ",\"rule\":");
    char rule[1100];
    snprintf(rule, sizeof rule, "%s:%d", a->path, a->rules[x->rule].line);
    buffer_json_string(out, rule, strlen(rule));
    json_field(out, "party", export_party_name(a, x->party));
    json_field(out, "standing", standing_name(x->standing));
    json_field(out, "role", x->role);
    buffer_printf(out, ",\"counted\":%s", x->counted ? "true" : "false");
    json_field(out, "report", x->key);
    json_field(out, "kind", a->kinds[x->kind].name);
    json_field(out, "confirmed_by", x->confirmed_by);
    json_field(out, "disputed_by", x->disputed_by);
    json_field(out, "contested_by", x->contested_by);
    if (!properties_only) {
        if (x->has_at) buffer_printf(out, ",\"at\":[%.6f,%.6f]", x->lon, x->lat);
        else buffer_puts(out, ",\"at\":null");
    }
    if (x->has_value) buffer_printf(out, ",\"value\":%.15g", x->value);
    else buffer_puts(out, ",\"value\":null");
    buffer_puts(out, ",\"zones\":");
    zones_of(a, x, out, true);
    buffer_puts(out, "}");
}

/* RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
void export_csv_field(buffer_t *out, const char *value, bool last) {
    if (value && strpbrk(value, ",\"\r\n")) {
        buffer_puts(out, "\"");
        for (const char *c = value; *c; c++) buffer_append(out, *c == '"' ? "\"\"" : c, *c == '"' ? 2 : 1);
        buffer_puts(out, "\"");
    } else if (value) {
        buffer_puts(out, value);
    }
    buffer_puts(out, last ? "\r\n" : ",");
}

static void csv_row(buffer_t *out, const char *const *fields, size_t n) {
    for (size_t i = 0; i < n; i++) export_csv_field(out, fields[i], i + 1 == n);
}

void export_incidents_csv_header(buffer_t *out) {
    buffer_puts(out, "time,point,rule_line,party,standing,role,counted,report,kind,confirmed_by,disputed_by,"
                     "contested_by,lon,lat,value,zones\r\n");
}

void export_incident_csv(buffer_t *out, const agreement_t *a, const incident_t *x) {
    char t[32], rule[32], lon[32] = "", lat[32] = "", value[32] = "";
    time_format(x->time, t);
    snprintf(rule, sizeof rule, "%d", a->rules[x->rule].line);
    if (x->has_at) snprintf(lon, sizeof lon, "%.6f", x->lon), snprintf(lat, sizeof lat, "%.6f", x->lat);
    if (x->has_value) snprintf(value, sizeof value, "%.15g", x->value);
    buffer_t zones = {0};
    zones_of(a, x, &zones, false);
    const char *fields[] = {t, a->points[x->point].label, rule, export_party_name(a, x->party), standing_name(x->standing),
                            x->role, x->counted ? "yes" : "no", x->key, a->kinds[x->kind].name, x->confirmed_by,
                            x->disputed_by, x->contested_by, lon, lat, value, zones.data ? zones.data : ""};
    csv_row(out, fields, sizeof fields / sizeof *fields);
    buffer_free(&zones);
}

void export_geojson_open(buffer_t *out) { buffer_puts(out, "{\"type\":\"FeatureCollection\",\"features\":["); }

void export_geojson_feature(buffer_t *out, const agreement_t *a, const incident_t *x, bool first) {
    buffer_puts(out, first ? "\n{\"type\":\"Feature\",\"geometry\":" : ",\n{\"type\":\"Feature\",\"geometry\":");
    if (x->has_at) buffer_printf(out, "{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]}", x->lon, x->lat);
    else buffer_puts(out, "null");
    buffer_puts(out, ",\"properties\":");
    export_incident_json(out, a, x, true);
    buffer_puts(out, "}");
}

void export_geojson_close(buffer_t *out) { buffer_puts(out, "\n]}\n"); }

void export_rulings_csv(buffer_t *out, const agreement_t *a, const rulings_t *rulings) {
    buffer_puts(out, "point,title,party,status,since,standing,score,point_score,incidents,confirmed,claimed,alleged,"
                     "disputed,first,last,late_by_hours,respected_since,consequences,why\r\n");
    for (int i = 0; i < rulings->count; i++) {
        const ruling_t *r = &rulings->items[i];
        const point_t *p = &a->points[r->point];
        char since[32] = "", first[32] = "", last[32] = "", respected[32] = "", score[16] = "", point_score[16] = "";
        char counts[4][24], incidents[24], late[32] = "";
        if (r->since != TIME_NONE) time_format(r->since, since);
        if (r->first != TIME_NONE) time_format(r->first, first);
        if (r->last != TIME_NONE) time_format(r->last, last);
        if (r->respected_since != TIME_NONE) time_format(r->respected_since, respected);
        if (r->score >= 0) snprintf(score, sizeof score, "%d", r->score);
        if (rulings->point_scores[r->point] >= 0) snprintf(point_score, sizeof point_score, "%d", rulings->point_scores[r->point]);
        for (int s = 0; s < 4; s++) snprintf(counts[s], sizeof counts[s], "%ld", r->standing_counts[STANDING_CONFIRMED - s]);
        snprintf(incidents, sizeof incidents, "%ld", r->incident_count);
        if (r->late_by > 0) snprintf(late, sizeof late, "%.1f", (double)r->late_by / 3600000.0);
        buffer_t tags = {0};
        for (int k = 0; k < r->consequence_count; k++) {
            if (k) buffer_puts(&tags, ";");
            buffer_puts(&tags, r->consequences[k]);
        }
        const char *fields[] = {p->label, p->title ? p->title : "", export_party_name(a, r->party), status_name(r->status),
                                since, standing_name(r->standing), score, point_score, incidents, counts[0], counts[1],
                                counts[2], counts[3], first, last, late, respected, tags.data ? tags.data : "", r->why};
        csv_row(out, fields, sizeof fields / sizeof *fields);
        buffer_free(&tags);
    }
}

/* ------------------------------------------------------------ daily counts */

daily_options_t daily_options_default(void) { return (daily_options_t){MS_PER_DAY, 0, DAILY_BY_NONE}; }

bool daily_parse_day_end(const char *text, daily_options_t *o) {
    int hours, minutes, consumed = 0;
    if (sscanf(text, "%2d:%2d%n", &hours, &minutes, &consumed) != 2 || consumed != 5 || hours > 24 || minutes > 59 ||
        hours < 0 || minutes < 0 || (hours == 24 && minutes))
        return false;
    const char *zone = text + consumed;
    int zh = 0, zm = 0, sign = 1;
    if (*zone == '+' || *zone == '-') {
        sign = *zone == '-' ? -1 : 1;
        if (strlen(zone) != 6 || sscanf(zone + 1, "%2d:%2d", &zh, &zm) != 2 || zh > 14 || zm > 59 || zh < 0 || zm < 0)
            return false;
    } else if (*zone && strcmp(zone, "Z")) {
        return false;
    }
    o->day_end = ((time_ms_t)hours * 60 + minutes) * 60000;
    if (o->day_end == 0) o->day_end = MS_PER_DAY; /* 00:00 ends the day at midnight, like 24:00 */
    o->offset = sign * ((time_ms_t)zh * 60 + zm) * 60000;
    return true;
}

/* The reporting day an incident falls in: the one whose cut-off (local
 * time) comes next after it, labelled by the date it ends on. */
time_ms_t daily_day_of(const daily_options_t *o, time_ms_t t) {
    time_ms_t shifted = t + o->offset - o->day_end;
    time_ms_t day = shifted >= 0 ? shifted / MS_PER_DAY : -((-shifted + MS_PER_DAY - 1) / MS_PER_DAY);
    return (day + 1) * MS_PER_DAY;
}

/* Rows are few (days x keys) and incidents come in time order, so the
 * current day's rows are at the end: search from there. */
static void count_in(daily_table_t *t, time_ms_t day, const char *key, standing_t standing) {
    for (size_t i = t->count; i-- > 0;) {
        if (t->rows[i].day == day && !strcmp(t->rows[i].key, key)) {
            t->rows[i].counts[standing]++;
            return;
        }
        if (t->rows[i].day < day) break; /* in time order, nothing earlier matches */
    }
    for (size_t i = 0; i < t->count; i++) /* an incident out of order */
        if (t->rows[i].day == day && !strcmp(t->rows[i].key, key)) {
            t->rows[i].counts[standing]++;
            return;
        }
    if (t->count == t->capacity) t->rows = xrealloc(t->rows, (t->capacity = t->capacity ? t->capacity * 2 : 64) * sizeof *t->rows);
    t->rows[t->count] = (daily_row_t){day, key, {0}};
    t->rows[t->count++].counts[standing] = 1;
}

void daily_count(daily_table_t *t, const daily_options_t *o, const agreement_t *a, const incident_t *x) {
    time_ms_t day = daily_day_of(o, x->time);
    switch (o->by) {
    case DAILY_BY_POINT: count_in(t, day, a->points[x->point].label, x->standing); return;
    case DAILY_BY_PARTY: count_in(t, day, export_party_name(a, x->party), x->standing); return;
    case DAILY_BY_NONE: count_in(t, day, "", x->standing); return;
    case DAILY_BY_ZONE: break;
    }
    bool any = false;
    for (int i = 0; x->has_at && i < a->place_count; i++)
        if (a->places[i].zone && zone_contains(a->places[i].zone, x->lon, x->lat)) {
            count_in(t, day, a->places[i].name, x->standing);
            any = true;
        }
    if (!any) count_in(t, day, "(no zone)", x->standing);
}

static int compare_rows(const void *pa, const void *pb) {
    const daily_row_t *a = pa, *b = pb;
    if (a->day != b->day) return a->day < b->day ? -1 : 1;
    return strcmp(a->key, b->key);
}

void daily_sort(daily_table_t *t) {
    if (t->count) qsort(t->rows, t->count, sizeof *t->rows, compare_rows);
}

void daily_free(daily_table_t *t) {
    free(t->rows);
    *t = (daily_table_t){0};
}

long daily_total(const daily_row_t *r) {
    long total = 0;
    for (int s = 1; s < STANDING_COUNT; s++) total += r->counts[s];
    return total;
}
