/* cmd_incidents: `truce incidents AGREEMENT REPORTS...` lists every incident
 * behind the rulings (time, point, party, standing, who confirmed or disputed
 * it, where, in which zones) as JSON Lines, CSV or GeoJSON, or counts them
 * per reporting day the way a mission's daily report does (--daily). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "engine/engine.h"

static const char incidents_usage[] =
    "usage: truce incidents [options] AGREEMENT REPORTS.jsonl...\n\n"
    "Lists every incident: each report that bears on a rule, for one party (or\n"
    "none: unattributed), with its standing and who confirmed or disputed it.\n\n"
    "options:\n"
    "  --point LABEL     only this point's incidents\n"
    "  --party CODE      only this party's (`unattributed`: those naming none)\n"
    "  --standing S      only confirmed, claimed, alleged or disputed ones\n"
    "  --from TIME       only incidents at or after TIME (RFC 3339 or YYYY-MM-DD)\n"
    "  --to TIME         only incidents before TIME\n"
    "  --as-of TIME      the clock, as for `truce check` (default: the latest report)\n"
    "  --format F        jsonl (default), csv, or geojson (a FeatureCollection)\n"
    "  --daily           count incidents per reporting day instead of listing them\n"
    "  --by WHAT         with --daily: a row per day and point, party or zone\n"
    "  --day-ends HH:MM[Z|+HH:MM|-HH:MM]\n"
    "                    with --daily: the cut-off of a reporting day in local time\n"
    "                    (e.g. 19:30+03:00); default 24:00Z, calendar days in UTC\n"
    "  --all             also list incidents that did not count (before the rule\n"
    "                    took effect, after it became void)\n"
    "  --quiet           no per-line messages for rejected reports\n"
    "  -h, --help        this text\n\n"
    "Days are labelled by the date on which they end. With --daily, --format\n"
    "text (default) prints a table; csv and jsonl print the same rows.\n\n"
    "exit codes: 0 listed, 2 usage error, 3 an input cannot be read, 4 listed but\n"
    "some report lines were rejected\n";

typedef enum { FORMAT_TEXT, FORMAT_JSONL, FORMAT_CSV, FORMAT_GEOJSON } format_t;
typedef enum { BY_NONE, BY_POINT, BY_PARTY, BY_ZONE } group_t;

typedef struct {
    const char *point, *party;
    int standing;                 /* -1: any */
    time_ms_t from, to, as_of;
    format_t format;
    bool daily, all, quiet;
    group_t by;
    time_ms_t day_end, offset;    /* the cut-off after local midnight, and local minus UTC */
    long read, rejected;
} incidents_options_t;

static bool parse_day_end(const char *text, incidents_options_t *o) {
    int hours, minutes, consumed = 0;
    if (sscanf(text, "%2d:%2d%n", &hours, &minutes, &consumed) != 2 || hours > 24 || minutes > 59 ||
        (hours == 24 && minutes))
        return false;
    const char *zone = text + consumed;
    int zh = 0, zm = 0, sign = 1;
    if (*zone == '+' || *zone == '-') {
        sign = *zone == '-' ? -1 : 1;
        if (sscanf(zone + 1, "%2d:%2d", &zh, &zm) != 2 || zh > 14 || zm > 59 || strlen(zone) != 6) return false;
    } else if (*zone && strcmp(zone, "Z")) {
        return false;
    }
    o->day_end = ((time_ms_t)hours * 60 + minutes) * 60000;
    if (o->day_end == 0) o->day_end = MS_PER_DAY; /* 00:00 ends the day at midnight, like 24:00 */
    o->offset = sign * ((time_ms_t)zh * 60 + zm) * 60000;
    return true;
}

static int parse_options(int argc, char **argv, incidents_options_t *o) {
    static const struct option options[] = {
        {"point", required_argument, NULL, 'p'}, {"party", required_argument, NULL, 'P'},
        {"standing", required_argument, NULL, 's'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'}, {"as-of", required_argument, NULL, 'a'},
        {"format", required_argument, NULL, 'F'}, {"daily", no_argument, NULL, 'd'},
        {"by", required_argument, NULL, 'b'}, {"day-ends", required_argument, NULL, 'e'},
        {"all", no_argument, NULL, 'A'}, {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, {0}};
    *o = (incidents_options_t){.standing = -1, .from = TIME_NONE, .to = TIME_NONE, .as_of = TIME_NONE,
                               .format = FORMAT_JSONL, .day_end = MS_PER_DAY};
    bool format_given = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        time_ms_t *time_target = c == 'f' ? &o->from : c == 't' ? &o->to : c == 'a' ? &o->as_of : NULL;
        if (time_target && !cli_parse_time(optarg, time_target)) {
            cli_error("--%s: '%s' is not an RFC 3339 time or a YYYY-MM-DD date", c == 'f' ? "from" : c == 't' ? "to" : "as-of", optarg);
            return EXIT_USAGE;
        }
        switch (c) {
        case 'p': o->point = optarg; break;
        case 'P': o->party = optarg; break;
        case 's':
            for (int s = 1; s < STANDING_COUNT; s++)
                if (!strcmp(optarg, standing_name((standing_t)s))) o->standing = s;
            if (o->standing < 0) return cli_usage_error("incidents", "--standing takes confirmed, claimed, alleged or disputed");
            break;
        case 'F':
            format_given = true;
            if (!strcmp(optarg, "jsonl")) o->format = FORMAT_JSONL;
            else if (!strcmp(optarg, "csv")) o->format = FORMAT_CSV;
            else if (!strcmp(optarg, "geojson")) o->format = FORMAT_GEOJSON;
            else if (!strcmp(optarg, "text")) o->format = FORMAT_TEXT;
            else return cli_usage_error("incidents", "--format takes jsonl, csv, geojson or (with --daily) text");
            break;
        case 'd': o->daily = true; break;
        case 'b':
            o->by = !strcmp(optarg, "point") ? BY_POINT : !strcmp(optarg, "party") ? BY_PARTY
                  : !strcmp(optarg, "zone") ? BY_ZONE : -1;
            if ((int)o->by < 0) return cli_usage_error("incidents", "--by takes point, party or zone");
            break;
        case 'e':
            if (!parse_day_end(optarg, o)) return cli_usage_error("incidents", "--day-ends takes HH:MM with an optional Z or +HH:MM / -HH:MM");
            break;
        case 'A': o->all = true; break;
        case 'q': o->quiet = true; break;
        case 'a': case 'f': case 't': break;
        case 'h': fputs(incidents_usage, stdout); return -1;
        default: fputs(incidents_usage, stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind < 2) {
        fputs(incidents_usage, stderr);
        return EXIT_USAGE;
    }
    if (o->daily && !format_given) o->format = FORMAT_TEXT;
    if (!o->daily && o->format == FORMAT_TEXT) return cli_usage_error("incidents", "--format text goes with --daily");
    if (o->daily && o->format == FORMAT_GEOJSON) return cli_usage_error("incidents", "--daily counts: use --format text, csv or jsonl");
    if ((o->by || o->day_end != MS_PER_DAY) && !o->daily) return cli_usage_error("incidents", "--by and --day-ends go with --daily");
    return EXIT_OK;
}

/* ------------------------------------------------------------------ filter */

static const char *party_name(const agreement_t *a, int party) {
    return party == RULING_UNATTRIBUTED ? "unattributed" : a->parties[party].code;
}

static bool wanted(const incidents_options_t *o, const agreement_t *a, const incident_t *x) {
    if (!x->counted && !o->all) return false;
    if (o->point && strcmp(o->point, a->points[x->point].label)) return false;
    if (o->party && strcmp(o->party, party_name(a, x->party))) return false;
    if (o->standing >= 0 && (int)x->standing != o->standing) return false;
    if (o->from != TIME_NONE && x->time < o->from) return false;
    return o->to == TIME_NONE || x->time < o->to;
}

/* The names of the zones an incident fell in, "a;b" (for CSV) or a JSON array. */
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

/* ------------------------------------------------------------------ listing */

static void json_field(buffer_t *out, const char *name, const char *value) {
    buffer_printf(out, ",\"%s\":", name);
    if (value) buffer_json_string(out, value, strlen(value));
    else buffer_puts(out, "null");
}

static void write_incident_json(buffer_t *out, const agreement_t *a, const incident_t *x, bool properties_only) {
    char t[32];
    time_format(x->time, t);
    buffer_printf(out, "{\"time\":\"%s\"", t);
    json_field(out, "point", a->points[x->point].label);
    buffer_printf(out, ",\"rule\":\"%s:%d\"", a->path, a->rules[x->rule].line);
    json_field(out, "party", party_name(a, x->party));
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
static void csv_field(buffer_t *out, const char *value, bool last) {
    if (value && strpbrk(value, ",\"\r\n")) {
        buffer_puts(out, "\"");
        for (const char *c = value; *c; c++) buffer_append(out, *c == '"' ? "\"\"" : c, *c == '"' ? 2 : 1);
        buffer_puts(out, "\"");
    } else if (value) {
        buffer_puts(out, value);
    }
    buffer_puts(out, last ? "\r\n" : ",");
}

static void write_incident_csv(buffer_t *out, const agreement_t *a, const incident_t *x) {
    char t[32], rule[32], lon[32] = "", lat[32] = "", value[32] = "";
    time_format(x->time, t);
    snprintf(rule, sizeof rule, "%d", a->rules[x->rule].line);
    if (x->has_at) snprintf(lon, sizeof lon, "%.6f", x->lon), snprintf(lat, sizeof lat, "%.6f", x->lat);
    if (x->has_value) snprintf(value, sizeof value, "%.15g", x->value);
    buffer_t zones = {0};
    zones_of(a, x, &zones, false);
    const char *fields[] = {t, a->points[x->point].label, rule, party_name(a, x->party), standing_name(x->standing),
                            x->role, x->counted ? "yes" : "no", x->key, a->kinds[x->kind].name, x->confirmed_by,
                            x->disputed_by, x->contested_by, lon, lat, value, zones.data ? zones.data : ""};
    size_t n = sizeof fields / sizeof *fields;
    for (size_t i = 0; i < n; i++) csv_field(out, fields[i], i + 1 == n);
    buffer_free(&zones);
}

static void list_incidents(const incidents_options_t *o, const agreement_t *a, const incidents_t *list) {
    buffer_t out = {0};
    if (o->format == FORMAT_CSV)
        buffer_puts(&out, "time,point,rule_line,party,standing,role,counted,report,kind,confirmed_by,disputed_by,"
                          "contested_by,lon,lat,value,zones\r\n");
    if (o->format == FORMAT_GEOJSON) buffer_puts(&out, "{\"type\":\"FeatureCollection\",\"features\":[");
    long shown = 0;
    for (size_t i = 0; i < list->count; i++) {
        const incident_t *x = &list->items[i];
        if (!wanted(o, a, x)) continue;
        if (o->format == FORMAT_JSONL) {
            write_incident_json(&out, a, x, false);
            buffer_puts(&out, "\n");
        } else if (o->format == FORMAT_CSV) {
            write_incident_csv(&out, a, x);
        } else {
            buffer_puts(&out, shown ? ",\n{\"type\":\"Feature\",\"geometry\":" : "\n{\"type\":\"Feature\",\"geometry\":");
            if (x->has_at) buffer_printf(&out, "{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]}", x->lon, x->lat);
            else buffer_puts(&out, "null");
            buffer_puts(&out, ",\"properties\":");
            write_incident_json(&out, a, x, true);
            buffer_puts(&out, "}");
        }
        shown++;
        if (out.len > 1 << 20) {
            fwrite(out.data, 1, out.len, stdout);
            out.len = 0;
        }
    }
    if (o->format == FORMAT_GEOJSON) buffer_puts(&out, "\n]}\n");
    if (out.len) fwrite(out.data, 1, out.len, stdout);
    buffer_free(&out);
}

/* ------------------------------------------------------------------- daily */

typedef struct {
    time_ms_t day;                /* the reporting day, as the UTC midnight of its date */
    const char *key;              /* point label, party, zone or "" */
    long counts[STANDING_COUNT];
} day_row_t;

static int compare_rows(const void *pa, const void *pb) {
    const day_row_t *a = pa, *b = pb;
    if (a->day != b->day) return a->day < b->day ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* The reporting day an incident falls in: the one whose cut-off (local time)
 * comes next after it, labelled by its date. */
static time_ms_t reporting_day(const incidents_options_t *o, time_ms_t t) {
    time_ms_t shifted = t + o->offset - o->day_end;
    time_ms_t day = shifted >= 0 ? shifted / MS_PER_DAY : -((-shifted + MS_PER_DAY - 1) / MS_PER_DAY);
    return (day + 1) * MS_PER_DAY;
}

typedef struct {
    day_row_t *rows;
    size_t count, capacity;
} day_table_t;

/* Rows are few (days x keys): a linear look-up after sorting would do, but
 * the table is built before sorting, so it searches from the end, where the
 * current day's rows are. */
static void count_in(day_table_t *t, time_ms_t day, const char *key, standing_t standing) {
    for (size_t i = t->count; i-- > 0 && t->rows[i].day >= day - MS_PER_DAY;)
        if (t->rows[i].day == day && !strcmp(t->rows[i].key, key)) {
            t->rows[i].counts[standing]++;
            return;
        }
    for (size_t i = 0; i < t->count; i++) /* an incident out of order: rare */
        if (t->rows[i].day == day && !strcmp(t->rows[i].key, key)) {
            t->rows[i].counts[standing]++;
            return;
        }
    if (t->count == t->capacity) t->rows = xrealloc(t->rows, (t->capacity = t->capacity ? t->capacity * 2 : 64) * sizeof *t->rows);
    t->rows[t->count] = (day_row_t){day, key, {0}};
    t->rows[t->count++].counts[standing] = 1;
}

static void count_incident(day_table_t *t, const incidents_options_t *o, const agreement_t *a, const incident_t *x) {
    time_ms_t day = reporting_day(o, x->time);
    if (o->by == BY_POINT) count_in(t, day, a->points[x->point].label, x->standing);
    else if (o->by == BY_PARTY) count_in(t, day, party_name(a, x->party), x->standing);
    else if (o->by == BY_NONE) count_in(t, day, "", x->standing);
    else {
        bool any = false;
        for (int i = 0; x->has_at && i < a->place_count; i++)
            if (a->places[i].zone && zone_contains(a->places[i].zone, x->lon, x->lat)) {
                count_in(t, day, a->places[i].name, x->standing);
                any = true;
            }
        if (!any) count_in(t, day, "(no zone)", x->standing);
    }
}

static void print_daily(const incidents_options_t *o, const agreement_t *a, const incidents_t *list) {
    static const char *group_names[] = {"", "point", "party", "zone"};
    day_table_t table = {0};
    for (size_t i = 0; i < list->count; i++)
        if (wanted(o, a, &list->items[i])) count_incident(&table, o, a, &list->items[i]);
    qsort(table.rows, table.count, sizeof *table.rows, compare_rows);
    const char *group = group_names[o->by];
    if (o->format == FORMAT_CSV) printf("day,%s%sconfirmed,claimed,alleged,disputed,total\r\n", group, o->by ? "," : "");
    else if (o->format == FORMAT_TEXT) printf("%-10s %-24s %9s %7s %7s %8s %7s\n", "DAY", o->by ? group : "",
                                              "CONFIRMED", "CLAIMED", "ALLEGED", "DISPUTED", "TOTAL");
    for (size_t i = 0; i < table.count; i++) {
        const day_row_t *r = &table.rows[i];
        char day[32];
        time_format(r->day, day);
        day[10] = '\0';
        long total = r->counts[1] + r->counts[2] + r->counts[3] + r->counts[4];
        if (o->format == FORMAT_CSV) {
            buffer_t key = {0};
            if (o->by) csv_field(&key, r->key, false);
            printf("%s,%s%ld,%ld,%ld,%ld,%ld\r\n", day, key.data ? key.data : "", r->counts[4], r->counts[3],
                   r->counts[2], r->counts[1], total);
            buffer_free(&key);
        } else if (o->format == FORMAT_JSONL) {
            buffer_t line = {0};
            buffer_printf(&line, "{\"day\":\"%s\"", day);
            if (o->by) json_field(&line, group, r->key);
            buffer_printf(&line, ",\"confirmed\":%ld,\"claimed\":%ld,\"alleged\":%ld,\"disputed\":%ld,\"total\":%ld}\n",
                          r->counts[4], r->counts[3], r->counts[2], r->counts[1], total);
            fwrite(line.data, 1, line.len, stdout);
            buffer_free(&line);
        } else {
            printf("%-10s %-24.24s %9ld %7ld %7ld %8ld %7ld\n", day, r->key, r->counts[4], r->counts[3], r->counts[2],
                   r->counts[1], total);
        }
    }
    free(table.rows);
}

int cmd_incidents(int argc, char **argv) {
    incidents_options_t o;
    int status = parse_options(argc, argv, &o);
    if (status) return status < 0 ? EXIT_OK : status;
    geo_init();
    agreement_t *agreement = cli_load_agreement(argv[optind]);
    if (!agreement) {
        geo_finish();
        return EXIT_INPUT;
    }
    if (o.point && agreement_point(agreement, text_of(o.point)) < 0) {
        cli_error("--point: the agreement has no point '%s'", o.point);
        status = EXIT_USAGE;
    } else if (o.party && strcmp(o.party, "unattributed") && agreement_party(agreement, text_of(o.party)) < 0) {
        cli_error("--party: the agreement has no party '%s'", o.party);
        status = EXIT_USAGE;
    }
    report_parser_t *parser = report_parser_new(agreement);
    engine_t *engine = engine_new(agreement);
    for (int i = optind + 1; i < argc && status == EXIT_OK; i++)
        status = cli_feed_reports(argv[i], parser, engine, o.quiet, &o.read, &o.rejected);
    if (status == EXIT_OK) {
        incidents_t *list = engine_incidents(engine, o.as_of);
        if (o.daily) print_daily(&o, agreement, list);
        else list_incidents(&o, agreement, list);
        incidents_free(list);
        fprintf(stderr, "truce: %ld reports read, %ld rejected\n", o.read, o.rejected);
        status = o.rejected ? EXIT_REJECTS : EXIT_OK;
    }
    engine_free(engine);
    report_parser_free(parser);
    agreement_free(agreement);
    geo_finish();
    return status;
}
