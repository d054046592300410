/* cmd_lint: `truce lint FILE...` checks agreement files and reports every
 * problem as file:line:column: error: reason, or a one-line summary. */
#include <getopt.h>
#include <stdio.h>

#include "cli/commands.h"
#include "cli/common.h"

static const char lint_usage[] =
    "usage: truce lint [--help] AGREEMENT...\n\n"
    "Checks each agreement file: syntax, unknown parties, kinds, places and events\n"
    "(with the nearest declared name: did you mean 'UA'?), misspelt keywords,\n"
    "impossible dates, missing or invalid zone files, consequences naming points\n"
    "that do not exist, rules and events whose report kind lacks a field they read,\n"
    "and constructs that would have no effect (a deadline on a prohibition, a party\n"
    "called 'any'). Prints every problem as FILE:LINE:COLUMN: error: REASON, and\n"
    "what is legal but does nothing (a kind no rule, event or assessment reads) as\n"
    "FILE:LINE:COLUMN: warning: REASON. docs/language.md lists which is which. For a\n"
    "valid file: a summary and every place with its size (zones in km², lines in km).\n\n"
    "exit codes: 0 every file is valid (warnings, if any, are printed; the files\n"
    "can be used), 2 usage error, 3 some file has errors (it cannot be used)\n";

static void summarise(const char *path, const agreement_t *a, size_t warnings) {
    int machine = 0, declaratory = 0;
    for (int p = 0; p < a->point_count; p++) {
        const point_t *point = &a->points[p];
        bool only_declaratory = true;
        for (int r = point->first_rule; r < point->first_rule + point->rule_count; r++)
            only_declaratory &= a->rules[r].type == RULE_DECLARATORY;
        only_declaratory ? declaratory++ : machine++;
    }
    int illustrative = 0, places = 0;
    for (int i = 0; i < a->place_count; i++) {
        places += a->places[i].point < 0; /* not the "point:LABEL" names made for each point */
        illustrative += a->places[i].illustrative;
    }
    printf("%s: ok: %d points (%d machine-checked, %d declaratory), %d rules, %d parties, %d places "
           "(%d illustrative), %d report kinds",
           path, a->point_count, machine, declaratory, a->rule_count, a->party_count, places, illustrative,
           a->kind_count);
    if (warnings) printf("; %zu warning%s", warnings, warnings == 1 ? "" : "s");
    putchar('\n');
}

/* Every place with geometry and its size, so that an author sees at once
 * that "within 50 km" came out 50 km wide. */
static void list_places(const agreement_t *a) {
    for (int i = 0; i < a->place_count; i++) {
        const place_t *p = &a->places[i];
        const char *mark = p->illustrative ? ", illustrative" : "";
        if (p->zone)
            printf("  %s:%d: place %s: zone, %.0f km²%s%s%s\n", a->path, p->line, p->name, zone_area_km2(p->zone), mark,
                   p->expression ? ", = " : "", p->expression ? p->expression : "");
        else if (p->polyline)
            printf("  %s:%d: place %s: line, %.0f km long%s\n", a->path, p->line, p->name,
                   line_length_km(p->polyline), mark);
        else if (p->has_point)
            printf("  %s:%d: place %s: point %.4f, %.4f%s\n", a->path, p->line, p->name, p->lon, p->lat, mark);
        for (int v = 0; v < p->version_count; v++) {
            const place_version_t *version = &p->versions[v];
            char from[32] = "the beginning", until[32] = "the end";
            if (version->from != TIME_NONE) time_format(version->from, from);
            if (version->until != TIME_NONE) time_format(version->until, until);
            if (version->zone)
                printf("    version from %s until %s: %.0f km²\n", from, until, zone_area_km2(version->zone));
            else if (version->polyline)
                printf("    version from %s until %s: %.0f km long (%s)\n", from, until,
                       line_length_km(version->polyline), version->file ? version->file : "");
        }
    }
}

int cmd_lint(int argc, char **argv) {
    static const struct option options[] = {{"help", no_argument, NULL, 'h'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(lint_usage, stdout);
            return EXIT_OK;
        }
        fputs(lint_usage, stderr);
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        fputs(lint_usage, stderr);
        return EXIT_USAGE;
    }
    geo_init();
    int status = EXIT_OK;
    for (int i = optind; i < argc; i++) {
        size_t warnings = 0;
        agreement_t *a = cli_lint_agreement(argv[i], true, &warnings);
        if (a) summarise(argv[i], a, warnings), list_places(a);
        else status = EXIT_INPUT;
        agreement_free(a);
    }
    geo_finish();
    return status;
}
