/* cmd_check: `truce check AGREEMENT REPORTS...` streams the reports through
 * the engine and prints the rulings: a board for people, JSON Lines for
 * programs, or the chain behind one point's rulings. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/board.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "engine/engine.h"

static const char check_usage[] =
    "usage: truce check [options] AGREEMENT REPORTS.jsonl...\n\n"
    "Holds the agreement against the reports (JSON Lines; `-` reads standard input)\n"
    "and prints one ruling per point and party.\n\n"
    "options:\n"
    "  --as-of TIME      the clock for deadlines and windows (RFC 3339 or YYYY-MM-DD);\n"
    "                    reports after it are ignored. Default: the latest report time\n"
    "  --json            print the rulings as JSON Lines (the interchange spec)\n"
    "  --explain POINT   print the chain behind POINT's rulings: rules, events,\n"
    "                    reports, times, consequences\n"
    "  --quiet           print no per-line messages for rejected reports\n"
    "  --color WHEN      colour the board: auto (default), always, never\n"
    "  -h, --help        this text\n\n"
    "Rejected lines go to stderr as FILE:LINE: rejected: REASON; a summary line\n"
    "counts reports read, accepted, without bearing, duplicates and rejects.\n\n"
    "exit codes: 0 nothing violated or overdue, 1 some ruling is violated, disputed\n"
    "or overdue, 2 usage error, 3 the agreement or a reports file cannot be read,\n"
    "4 no findings but some lines were rejected\n";

typedef struct {
    time_ms_t as_of;
    bool json, quiet;
    const char *explain;
    int color;                 /* -1 auto, 0 never, 1 always */
    long read, rejected;
} check_options_t;

static int parse_options(int argc, char **argv, check_options_t *o) {
    static const struct option options[] = {
        {"as-of", required_argument, NULL, 'a'}, {"json", no_argument, NULL, 'j'},
        {"explain", required_argument, NULL, 'e'}, {"quiet", no_argument, NULL, 'q'},
        {"color", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}, {0}};
    *o = (check_options_t){.as_of = TIME_NONE, .color = -1};
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'a':
            if (!cli_parse_time(optarg, &o->as_of)) {
                cli_error("--as-of: '%s' is not an RFC 3339 time or a YYYY-MM-DD date", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'j': o->json = true; break;
        case 'e': o->explain = optarg; break;
        case 'q': o->quiet = true; break;
        case 'c':
            o->color = !strcmp(optarg, "always") ? 1 : !strcmp(optarg, "never") ? 0 : -1;
            break;
        case 'h': fputs(check_usage, stdout); return -1;
        default: fputs(check_usage, stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind < 2) {
        fputs(check_usage, stderr);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Streams one file through the parser into the engine. */
static int ingest_file(const char *path, report_parser_t *parser, engine_t *engine, check_options_t *o) {
    line_reader_t *reader = line_reader_open(path);
    if (!reader) {
        cli_error("cannot read %s: %s", path, strerror(errno));
        return EXIT_INPUT;
    }
    const char *line;
    size_t len;
    long number;
    char reason[320];
    report_t report;
    while (line_reader_next(reader, &line, &len, &number)) {
        if (len == 0 || strspn(line, " \t") == len) continue;
        o->read++;
        if (!report_parse(parser, line, len, &report, reason, sizeof reason)) {
            o->rejected++;
            if (!o->quiet) fprintf(stderr, "%s:%ld: rejected: %s\n", path, number, reason);
            continue;
        }
        if (engine_add(engine, &report) == ENGINE_CONFLICT)
            fprintf(stderr, "%s:%ld: warning: %.*s/%.*s was already reported with other content; "
                            "the version with the smaller content hash is kept\n",
                    path, number, (int)report.source.len, report.source.ptr, (int)report.id.len, report.id.ptr);
    }
    int error = line_reader_error(reader);
    line_reader_close(reader);
    if (error) {
        cli_error("reading %s: %s", path, strerror(error));
        return EXIT_INPUT;
    }
    return EXIT_OK;
}

static void print_summary(const engine_t *engine, const check_options_t *o, int files) {
    engine_counts_t counts = engine_counts(engine);
    fprintf(stderr,
            "truce: %ld reports read from %d file%s: %ld accepted, %ld without bearing on any rule, "
            "%ld duplicates, %ld conflicting, %ld rejected\n",
            o->read, files, files == 1 ? "" : "s", counts.accepted, counts.no_bearing, counts.duplicates,
            counts.conflicts, o->rejected);
}

static bool has_findings(const rulings_t *rulings) {
    for (int i = 0; i < rulings->count; i++) {
        status_t s = rulings->items[i].status;
        if (s == STATUS_VIOLATED || s == STATUS_OVERDUE || s == STATUS_DISPUTED) return true;
    }
    return false;
}

static int present(const agreement_t *agreement, const rulings_t *rulings, const check_options_t *o) {
    if (o->explain) {
        if (agreement_point(agreement, text_of(o->explain)) < 0) {
            cli_error("--explain: the agreement has no point '%s'", o->explain);
            return EXIT_USAGE;
        }
        board_explain(stdout, agreement, rulings, o->explain);
    } else if (o->json) {
        buffer_t out = {0};
        rulings_write_json(rulings, agreement, &out);
        fwrite(out.data, 1, out.len, stdout);
        buffer_free(&out);
    } else {
        board_print(stdout, agreement, rulings, o->color);
    }
    return EXIT_OK;
}

int cmd_check(int argc, char **argv) {
    check_options_t o;
    int status = parse_options(argc, argv, &o);
    if (status) return status < 0 ? EXIT_OK : status;
    geo_init();
    agreement_t *agreement = cli_load_agreement(argv[optind]);
    if (!agreement) {
        geo_finish();
        return EXIT_INPUT;
    }
    report_parser_t *parser = report_parser_new(agreement);
    engine_t *engine = engine_new(agreement);
    for (int i = optind + 1; i < argc && status == EXIT_OK; i++) status = ingest_file(argv[i], parser, engine, &o);
    if (status == EXIT_OK) {
        print_summary(engine, &o, argc - optind - 1);
        rulings_t *rulings = engine_rule(engine, o.as_of);
        status = present(agreement, rulings, &o);
        if (status == EXIT_OK) status = has_findings(rulings) ? EXIT_FINDINGS : o.rejected ? EXIT_REJECTS : EXIT_OK;
        rulings_free(rulings);
    }
    engine_free(engine);
    report_parser_free(parser);
    agreement_free(agreement);
    geo_finish();
    return status;
}
