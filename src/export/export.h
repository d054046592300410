/* export: incidents and rulings in the formats people open elsewhere — JSON
 * Lines for programs, CSV (RFC 4180) for spreadsheets, GeoJSON for QGIS —
 * and per-day counts the way a mission's daily report gives them. Shared by
 * `truce incidents` and the server's downloads, so both give the same bytes.
 * docs/interchange.md describes the fields. */
#ifndef TRUCE_EXPORT_H
#define TRUCE_EXPORT_H

#include <limits.h>
#include "engine/engine.h"

#define EXPORT_ANY_PARTY INT_MIN

/* Which incidents: -1 (EXPORT_ANY_PARTY for party, TIME_NONE for times) for any. */
typedef struct {
    int point;
    int party;                 /* a party index, RULING_UNATTRIBUTED or EXPORT_ANY_PARTY */
    int standing;              /* a standing_t, or -1 */
    int zone;                  /* a place with geometry the incident's `at` falls in, or -1 */
    time_ms_t from, to;        /* from <= time < to */
    bool all;                  /* also those that did not count */
} incident_filter_t;

incident_filter_t incident_filter_any(void);
bool incident_matches(const agreement_t *agreement, const incident_filter_t *filter, const incident_t *incident);
/* "UA", or "unattributed". */
const char *export_party_name(const agreement_t *agreement, int party);

/* One incident as a JSON object (no newline); properties_only leaves out
 * "at" (GeoJSON has it as the geometry). */
void export_incident_json(buffer_t *out, const agreement_t *agreement, const incident_t *incident, bool properties_only);
void export_incidents_csv_header(buffer_t *out);
void export_incident_csv(buffer_t *out, const agreement_t *agreement, const incident_t *incident);
/* A GeoJSON FeatureCollection: open, a feature per incident (geometry null
 * when it has no position), close. */
void export_geojson_open(buffer_t *out);
void export_geojson_feature(buffer_t *out, const agreement_t *agreement, const incident_t *incident, bool first);
void export_geojson_close(buffer_t *out);
/* One CSV field (quoted when needed), then a comma, or CRLF when last. */
void export_csv_field(buffer_t *out, const char *value, bool last);

/* The rulings as CSV, a row per point and party, with the point's score. */
void export_rulings_csv(buffer_t *out, const agreement_t *agreement, const rulings_t *rulings);

/* ------------------------------------------------------------ daily counts */

typedef enum { DAILY_BY_NONE, DAILY_BY_POINT, DAILY_BY_PARTY, DAILY_BY_ZONE } daily_group_t;

typedef struct {
    time_ms_t day_end;         /* the cut-off after local midnight, (0, 24 h] */
    time_ms_t offset;          /* local time minus UTC */
    daily_group_t by;
} daily_options_t;

typedef struct {
    time_ms_t day;             /* the reporting day: the UTC midnight of the date it ends on */
    const char *key;           /* point label, party, zone name, or "" */
    long counts[STANDING_COUNT];
} daily_row_t;

typedef struct {
    daily_row_t *rows;
    size_t count, capacity;
} daily_table_t;

daily_options_t daily_options_default(void);          /* calendar days in UTC, no grouping */
/* "19:30+02:00", "19:30Z", "19:30" (UTC), "24:00". False when malformed. */
bool daily_parse_day_end(const char *text, daily_options_t *options);
time_ms_t daily_day_of(const daily_options_t *options, time_ms_t time);
void daily_count(daily_table_t *table, const daily_options_t *options, const agreement_t *agreement,
                 const incident_t *incident);
void daily_sort(daily_table_t *table);                 /* by day, then key */
void daily_free(daily_table_t *table);
long daily_total(const daily_row_t *row);

#endif
