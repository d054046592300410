/* cmd_check: `truce check AGREEMENT REPORTS...` streams the reports through
 * the engine and prints the rulings: a board for people, JSON Lines for
 * programs, or the chain behind one point's rulings. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/board.h"
#include "cli/check_drafts.h"
#include "cli/check_log.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "engine/engine.h"

static const char check_usage[] =
    "usage: truce check [options] AGREEMENT REPORTS.jsonl...\n"
    "       truce check [options] AGREEMENT --log DB [--size N] [--record --key COUNCIL_KEY]\n"
    "       truce check --drafts [--as-of TIME] [--json] A.truce B.truce [C.truce...] REPORTS.jsonl...\n\n"
    "Holds the agreement against the reports (JSON Lines; `-` reads standard input)\n"
    "or against the signed log, and prints one ruling per point and party.\n\n"
    "options:\n"
    "  --as-of TIME      the clock for deadlines and windows (RFC 3339 or YYYY-MM-DD);\n"
    "                    reports after it are ignored (the summary says how many).\n"
    "                    Default: the latest report time, so that a replay of the\n"
    "                    same reports gives the same rulings on any day\n"
    "  --json            print the rulings as JSON Lines (the interchange spec)\n"
    "  --explain POINT   print the chain behind POINT's rulings: rules, events,\n"
    "                    reports, times, consequences, who confirmed and disputed\n"
    "  --history         print every ruling's changes of status over time (with\n"
    "                    --json: a \"history\" array in each ruling)\n"
    "  --quiet           print no per-line messages for rejected reports\n"
    "  --color WHEN      colour the board: auto (default), always, never\n"
    "  --log DB          rule on the signed log instead of files: by default on the\n"
    "                    entries covered by its latest signed tree head\n"
    "  --size N          with --log: rule on the first N entries\n"
    "  --record          with --log: append the rulings to the log as a council\n"
    "                    record citing the tree size and root they were derived at\n"
    "  --key FILE        the council's secret key, for --record\n"
    "  --drafts          what if: replay the same reports under each draft (the\n"
    "                    arguments ending in .truce) and print, per point and party,\n"
    "                    the rulings that differ, side by side with the reasons\n"
    "                    (exit 0 none differ, 1 some differ; docs/drafts.md)\n"
    "  -h, --help        this text\n\n"
    "Rejected lines go to stderr as FILE:LINE: rejected: REASON; a summary line\n"
    "counts reports read, accepted, without bearing, duplicates and rejects.\n\n"
    "exit codes: 0 nothing violated or overdue, 1 some ruling is violated, disputed\n"
    "or overdue, 2 usage error, 3 the agreement or a reports file cannot be read,\n"
    "4 no findings but some lines were rejected\n";

typedef struct {
    time_ms_t as_of;
    bool json, quiet, record, history, drafts;
    const char *log, *key;
    uint64_t size;
    const char *explain;
    int color;                 /* -1 auto, 0 never, 1 always */
    long read, rejected;
    long after_as_of;          /* valid reports dated after --as-of: ignored, and said so */
} check_options_t;

static int parse_options(int argc, char **argv, check_options_t *o) {
    static const struct option options[] = {
        {"as-of", required_argument, NULL, 'a'}, {"json", no_argument, NULL, 'j'},
        {"explain", required_argument, NULL, 'e'}, {"quiet", no_argument, NULL, 'q'},
        {"color", required_argument, NULL, 'c'}, {"log", required_argument, NULL, 'l'},
        {"size", required_argument, NULL, 's'}, {"record", no_argument, NULL, 'r'},
        {"key", required_argument, NULL, 'k'}, {"history", no_argument, NULL, 'H'},
        {"drafts", no_argument, NULL, 'D'}, {"help", no_argument, NULL, 'h'}, {0}};
    *o = (check_options_t){.as_of = TIME_NONE, .color = -1, .size = UINT64_MAX};
    char *end;
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
        case 'H': o->history = true; break;
        case 'e': o->explain = optarg; break;
        case 'q': o->quiet = true; break;
        case 'c':
            o->color = !strcmp(optarg, "always") ? 1 : !strcmp(optarg, "never") ? 0 : -1;
            break;
        case 'l': o->log = optarg; break;
        case 'k': o->key = optarg; break;
        case 'r': o->record = true; break;
        case 's':
            o->size = strtoull(optarg, &end, 10);
            if (*end || !*optarg || optarg[0] == '-') {
                cli_error("--size: '%s' is not a number of entries", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'D': o->drafts = true; break;
        case 'h': fputs(check_usage, stdout); return -1;
        default: fputs(check_usage, stderr); return EXIT_USAGE;
        }
    }
    if (o->drafts) { /* the drafts and the report files are told apart by name (check_drafts.c) */
        if (o->log || o->explain || o->history) return cli_usage_error("check", "--drafts replays report files: no --log, --explain or --history");
        return EXIT_OK;
    }
    int files = argc - optind - 1;
    if (argc - optind < 1 || (o->log ? files != 0 : files < 1)) {
        if (o->log && files > 0) cli_error("--log rules on the log alone: give no report files");
        fputs(check_usage, stderr);
        return EXIT_USAGE;
    }
    if ((o->record || o->key || o->size != UINT64_MAX) && !o->log) {
        cli_error("--record, --key and --size go with --log");
        return EXIT_USAGE;
    }
    if (o->record != (o->key != NULL)) {
        cli_error("--record needs --key COUNCIL_KEY (and --key is only for --record)");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Streams one file through the parser into the engine. */
static int ingest_file(const char *path, report_parser_t *parser, engine_t *engine, check_options_t *o) {
    return cli_feed_reports_until(path, parser, engine, o->quiet, &o->read, &o->rejected, o->as_of, &o->after_as_of);
}

/* --as-of is deterministic but can hide reports: say how many it leaves out. */
static void print_after_as_of(time_ms_t as_of, long after) {
    if (as_of == TIME_NONE) return;
    char when[32];
    when[time_format(as_of, when)] = '\0';
    fprintf(stderr, "truce: %ld report%s dated after --as-of %s %s ignored\n", after, after == 1 ? "" : "s", when,
            after == 1 ? "is" : "are");
}

static void print_summary(const engine_t *engine, const check_options_t *o, int files) {
    engine_counts_t counts = engine_counts(engine);
    long read = o->log ? counts.accepted + counts.no_bearing + counts.duplicates + counts.conflicts + o->rejected : o->read;
    char from[64];
    if (o->log) snprintf(from, sizeof from, "the log");
    else snprintf(from, sizeof from, "%d file%s", files, files == 1 ? "" : "s");
    fprintf(stderr, "truce: %ld reports read from %s: %ld accepted, %ld without bearing on any rule, "
                    "%ld duplicates, %ld conflicting, %ld rejected\n",
            read, from, counts.accepted, counts.no_bearing, counts.duplicates, counts.conflicts, o->rejected);
    print_after_as_of(o->as_of, o->after_as_of);
}

/* Reads every reports file, or the log, into the engine. */
static int ingest(check_options_t *o, int argc, char **argv, const agreement_t *agreement, report_parser_t *parser,
                  engine_t *engine, check_log_t *log) {
    if (o->log) {
        int status = check_log_ingest(o->log, o->size, agreement, parser, engine, o->as_of, log);
        o->rejected = log->rejected;
        o->after_as_of = log->after_as_of;
        if (status == EXIT_OK) check_log_describe(o->log, log);
        return status;
    }
    int status = EXIT_OK;
    for (int i = optind + 1; i < argc && status == EXIT_OK; i++) status = ingest_file(argv[i], parser, engine, o);
    return status;
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
        for (int i = 0; i < rulings->count; i++) {
            if (o->history) ruling_write_json_history(&rulings->items[i], agreement, &out);
            else ruling_write_json(&rulings->items[i], agreement, &out);
            buffer_puts(&out, "\n");
        }
        if (out.len) fwrite(out.data, 1, out.len, stdout);
        buffer_free(&out);
    } else if (o->history) {
        board_history(stdout, agreement, rulings);
    } else {
        board_print(stdout, agreement, rulings, o->color);
    }
    return EXIT_OK;
}

int cmd_check(int argc, char **argv) {
    check_options_t o;
    int status = parse_options(argc, argv, &o);
    if (status) return status < 0 ? EXIT_OK : status;
    if (o.drafts) return check_drafts(argc - optind, argv + optind, o.as_of, o.json, o.quiet);
    agreement_t *agreement = cli_open_agreement(argv[optind]);
    if (!agreement) return EXIT_INPUT;
    report_parser_t *parser = report_parser_new(agreement);
    engine_t *engine = engine_new(agreement);
    check_log_t log;
    status = ingest(&o, argc, argv, agreement, parser, engine, &log);
    if (status == EXIT_OK) {
        print_summary(engine, &o, argc - optind - 1);
        rulings_t *rulings = engine_rule(engine, o.as_of);
        if (rulings->ambiguous_refs)
            fprintf(stderr, "truce: warning: %ld review reference%s ignored: a bare id names reports of several "
                            "sources (write SOURCE/ID)\n", rulings->ambiguous_refs, rulings->ambiguous_refs == 1 ? "" : "s");
        status = present(agreement, rulings, &o);
        if (status == EXIT_OK && o.record) status = check_log_record(o.log, o.key, agreement, rulings, &log);
        if (status == EXIT_OK) status = has_findings(rulings) ? EXIT_FINDINGS : o.rejected ? EXIT_REJECTS : EXIT_OK;
        rulings_free(rulings);
    }
    engine_free(engine);
    report_parser_free(parser);
    cli_close_agreement(agreement);
    return status;
}
