/* check_drafts: the what-if replay. Each report line is read and validated
 * once, against the first draft, then carried to every draft's engine through
 * small index tables (drafts_translate); the rulings that differ are printed
 * side by side (drafts_compare). Costs one parse for any number of drafts. */
#include "cli/check_drafts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "drafts/whatif.h"

typedef struct {
    report_parser_t *parser;
    engine_t *engines[DRAFTS_MAX];
    draft_translation_t *translations[DRAFTS_MAX];
    int count;
    bool quiet;
    long read, rejected;
} replay_t;

static bool replay_line(void *context, const char *path, long number, const char *line, size_t len) {
    replay_t *r = context;
    char reason[320];
    report_t report, carried;
    r->read++;
    if (!report_parse(r->parser, line, len, &report, reason, sizeof reason)) {
        r->rejected++;
        if (!r->quiet) fprintf(stderr, "%s:%ld: rejected: %s\n", path, number, reason);
        return true;
    }
    engine_add(r->engines[0], &report);
    for (int k = 1; k < r->count; k++)
        if (drafts_translate(r->translations[k], &report, &carried)) engine_add(r->engines[k], &carried);
    return true;
}

static bool is_draft(const char *path) {
    size_t n = strlen(path);
    return n > 6 && !strcmp(path + n - 6, ".truce");
}

/* Loads every draft (all of them, so that one run shows each one's lint errors). */
static int load_drafts(int argc, char **argv, draft_set_t *set) {
    int status = EXIT_OK;
    for (int i = 0; i < argc; i++) {
        if (!is_draft(argv[i])) continue;
        if (set->count == DRAFTS_MAX) return cli_usage_error("check", "--drafts compares at most 8 drafts");
        agreement_t *a = cli_load_agreement(argv[i]);
        if (!a) status = EXIT_INPUT;
        const char *slash = strrchr(argv[i], '/');
        set->names[set->count] = slash ? slash + 1 : argv[i];
        set->drafts[set->count++] = a;
    }
    if (status != EXIT_OK) return status;
    if (set->count < 2) return cli_usage_error("check", "--drafts needs two drafts or more (files ending in .truce)");
    char why[512];
    for (int k = 1; k < set->count; k++)
        if (!drafts_comparable(set->drafts[0], set->drafts[k], why, sizeof why)) {
            cli_error("%s", why);
            return EXIT_USAGE;
        }
    return EXIT_OK;
}

static int replay(int argc, char **argv, draft_set_t *set, replay_t *r) {
    r->parser = report_parser_new(set->drafts[0]);
    r->count = set->count;
    for (int k = 0; k < set->count; k++) {
        r->engines[k] = engine_new(set->drafts[k]);
        if (k) r->translations[k] = drafts_translation_new(set->drafts[0], set->drafts[k]);
    }
    int status = EXIT_OK, files = 0;
    for (int i = 0; i < argc && status == EXIT_OK; i++)
        if (!is_draft(argv[i])) {
            files++;
            status = cli_each_line(argv[i], replay_line, r);
        }
    if (status == EXIT_OK && !files) status = cli_usage_error("check", "--drafts needs report files to replay");
    return status;
}

int check_drafts(int argc, char **argv, time_ms_t as_of, bool json, bool quiet) {
    geo_init();
    draft_set_t set = {0};
    replay_t r = {.quiet = quiet};
    int status = load_drafts(argc, argv, &set);
    if (status == EXIT_OK) status = replay(argc, argv, &set, &r);
    if (status == EXIT_OK) {
        fprintf(stderr, "truce: %ld reports read once for %d drafts, %ld rejected\n", r.read, set.count, r.rejected);
        /* One clock for every draft: the latest report any of them kept. */
        if (as_of == TIME_NONE)
            for (int k = 0; k < set.count; k++) {
                time_ms_t t = engine_latest_time(r.engines[k]);
                if (t != TIME_NONE && (as_of == TIME_NONE || t > as_of)) as_of = t;
            }
        for (int k = 0; k < set.count; k++) set.rulings[k] = engine_rule(r.engines[k], as_of);
        buffer_t out = {0};
        int differences = drafts_compare(&set, json, &out);
        if (out.len) fwrite(out.data, 1, out.len, stdout);
        buffer_free(&out);
        status = differences ? EXIT_FINDINGS : EXIT_OK;
    }
    for (int k = 0; k < set.count; k++) {
        rulings_free(set.rulings[k]);
        engine_free(r.engines[k]);
        drafts_translation_free(r.translations[k]);
        agreement_free((agreement_t *)set.drafts[k]);
    }
    report_parser_free(r.parser);
    geo_finish();
    return status;
}
