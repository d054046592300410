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
#include "export/export.h"

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

typedef struct {
    const char *point, *party;
    incident_filter_t filter;     /* point and party resolved once the agreement is read */
    time_ms_t as_of;
    format_t format;
    bool daily, quiet;
    daily_options_t days;
    long read, rejected;
} incidents_options_t;

static int parse_options(int argc, char **argv, incidents_options_t *o) {
    static const struct option options[] = {
        {"point", required_argument, NULL, 'p'}, {"party", required_argument, NULL, 'P'},
        {"standing", required_argument, NULL, 's'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'}, {"as-of", required_argument, NULL, 'a'},
        {"format", required_argument, NULL, 'F'}, {"daily", no_argument, NULL, 'd'},
        {"by", required_argument, NULL, 'b'}, {"day-ends", required_argument, NULL, 'e'},
        {"all", no_argument, NULL, 'A'}, {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, {0}};
    *o = (incidents_options_t){.filter = incident_filter_any(), .as_of = TIME_NONE, .format = FORMAT_JSONL,
                               .days = daily_options_default()};
    bool format_given = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        time_ms_t *time_target = c == 'f' ? &o->filter.from : c == 't' ? &o->filter.to : c == 'a' ? &o->as_of : NULL;
        if (time_target && !cli_parse_time(optarg, time_target)) {
            cli_error("--%s: '%s' is not an RFC 3339 time or a YYYY-MM-DD date", c == 'f' ? "from" : c == 't' ? "to" : "as-of", optarg);
            return EXIT_USAGE;
        }
        switch (c) {
        case 'p': o->point = optarg; break;
        case 'P': o->party = optarg; break;
        case 's':
            for (int s = 1; s < STANDING_COUNT; s++)
                if (!strcmp(optarg, standing_name((standing_t)s))) o->filter.standing = s;
            if (o->filter.standing < 0) return cli_usage_error("incidents", "--standing takes confirmed, claimed, alleged or disputed");
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
            if (!strcmp(optarg, "point")) o->days.by = DAILY_BY_POINT;
            else if (!strcmp(optarg, "party")) o->days.by = DAILY_BY_PARTY;
            else if (!strcmp(optarg, "zone")) o->days.by = DAILY_BY_ZONE;
            else return cli_usage_error("incidents", "--by takes point, party or zone");
            break;
        case 'e':
            if (!daily_parse_day_end(optarg, &o->days)) return cli_usage_error("incidents", "--day-ends takes HH:MM with an optional Z or +HH:MM / -HH:MM");
            break;
        case 'A': o->filter.all = true; break;
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
    if ((o->days.by || o->days.day_end != MS_PER_DAY || o->days.offset) && !o->daily) return cli_usage_error("incidents", "--by and --day-ends go with --daily");
    return EXIT_OK;
}

/* ------------------------------------------------------------------ listing */

static void list_incidents(const incidents_options_t *o, const agreement_t *a, const incidents_t *list) {
    buffer_t out = {0};
    if (o->format == FORMAT_CSV) export_incidents_csv_header(&out);
    if (o->format == FORMAT_GEOJSON) export_geojson_open(&out);
    long shown = 0;
    for (size_t i = 0; i < list->count; i++) {
        const incident_t *x = &list->items[i];
        if (!incident_matches(a, &o->filter, x)) continue;
        if (o->format == FORMAT_JSONL) {
            export_incident_json(&out, a, x, false);
            buffer_puts(&out, "\n");
        } else if (o->format == FORMAT_CSV) {
            export_incident_csv(&out, a, x);
        } else {
            export_geojson_feature(&out, a, x, shown == 0);
        }
        shown++;
        if (out.len > 1 << 20) {
            fwrite(out.data, 1, out.len, stdout);
            out.len = 0;
        }
    }
    if (o->format == FORMAT_GEOJSON) export_geojson_close(&out);
    if (out.len) fwrite(out.data, 1, out.len, stdout);
    buffer_free(&out);
}

/* ------------------------------------------------------------------- daily */

static void print_daily(const incidents_options_t *o, const agreement_t *a, const incidents_t *list) {
    static const char *group_names[] = {"", "point", "party", "zone"};
    daily_table_t table = {0};
    for (size_t i = 0; i < list->count; i++)
        if (incident_matches(a, &o->filter, &list->items[i])) daily_count(&table, &o->days, a, &list->items[i]);
    daily_sort(&table);
    const char *group = group_names[o->days.by];
    bool grouped = o->days.by != DAILY_BY_NONE;
    buffer_t out = {0};
    if (o->format == FORMAT_CSV) buffer_printf(&out, "day,%s%sconfirmed,claimed,alleged,disputed,total\r\n", group, grouped ? "," : "");
    else if (o->format == FORMAT_TEXT)
        buffer_printf(&out, "%-10s %-24s %9s %7s %7s %8s %7s\n", "DAY", group, "CONFIRMED", "CLAIMED", "ALLEGED",
                      "DISPUTED", "TOTAL");
    for (size_t i = 0; i < table.count; i++) {
        const daily_row_t *r = &table.rows[i];
        char day[32];
        time_format(r->day, day);
        day[10] = '\0';
        const long *c = r->counts;
        if (o->format == FORMAT_CSV) {
            export_csv_field(&out, day, false);
            if (grouped) export_csv_field(&out, r->key, false);
            buffer_printf(&out, "%ld,%ld,%ld,%ld,%ld\r\n", c[4], c[3], c[2], c[1], daily_total(r));
        } else if (o->format == FORMAT_JSONL) {
            buffer_printf(&out, "{\"day\":\"%s\"", day);
            if (grouped) {
                buffer_printf(&out, ",\"%s\":", group);
                buffer_json_string(&out, r->key, strlen(r->key));
            }
            buffer_printf(&out, ",\"confirmed\":%ld,\"claimed\":%ld,\"alleged\":%ld,\"disputed\":%ld,\"total\":%ld}\n",
                          c[4], c[3], c[2], c[1], daily_total(r));
        } else {
            buffer_printf(&out, "%-10s %-24.24s %9ld %7ld %7ld %8ld %7ld\n", day, r->key, c[4], c[3], c[2], c[1],
                          daily_total(r));
        }
    }
    if (out.len) fwrite(out.data, 1, out.len, stdout);
    buffer_free(&out);
    daily_free(&table);
}

/* Resolves --point and --party against the agreement; prints why not. */
static bool resolve_filter(incidents_options_t *o, const agreement_t *a) {
    if (o->point && (o->filter.point = agreement_point(a, text_of(o->point))) < 0) {
        cli_error("--point: the agreement has no point '%s'", o->point);
        return false;
    }
    if (o->party) {
        o->filter.party = !strcmp(o->party, "unattributed") ? RULING_UNATTRIBUTED : agreement_party(a, text_of(o->party));
        if (o->filter.party == -1) {
            cli_error("--party: the agreement has no party '%s'", o->party);
            return false;
        }
    }
    return true;
}

int cmd_incidents(int argc, char **argv) {
    incidents_options_t o;
    int status = parse_options(argc, argv, &o);
    if (status) return status < 0 ? EXIT_OK : status;
    agreement_t *agreement = cli_open_agreement(argv[optind]);
    if (!agreement) return EXIT_INPUT;
    if (!resolve_filter(&o, agreement)) status = EXIT_USAGE;
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
    cli_close_agreement(agreement);
    return status;
}
