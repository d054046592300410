/* scenario_test: runs every scenario file in tests/scenarios (reports fed
 * to the engine under an agreement, and the rulings they must produce) and checks
 * two properties on each: shuffled input gives the same rulings, and every
 * report sent twice gives the same rulings. Format: tests/scenarios/README.md. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/engine.h"

#define DEFAULT_AGREEMENT "../plans/ukraine-2025-11/plan.truce"
#define SHUFFLES 12

typedef struct {
    char path[512];
    char agreement[512];
    time_ms_t as_of;
    char **reports;       /* report lines */
    int *report_lines;    /* their line numbers in the scenario file */
    int report_count;
    char **expectations;  /* "expect ..." lines, without the keyword */
    int *expectation_lines;
    int expectation_count;
} scenario_t;

/* ------------------------------------------------------------------ reading */

static void push(char ***items, int **lines, int *count, const char *text, int line) {
    *items = realloc(*items, sizeof(char *) * (size_t)(*count + 1));
    *lines = realloc(*lines, sizeof(int) * (size_t)(*count + 1));
    (*items)[*count] = strdup(text);
    (*lines)[*count] = line;
    (*count)++;
}

static void scenario_read(scenario_t *s, const char *path) {
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    snprintf(s->agreement, sizeof s->agreement, "%s", DEFAULT_AGREEMENT);
    s->as_of = TIME_NONE;
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[8192];
    int number = 0;
    while (fgets(line, sizeof line, f)) {
        number++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!strncmp(line, "report ", 7)) push(&s->reports, &s->report_lines, &s->report_count, line + 7, number);
        else if (!strncmp(line, "expect", 6)) push(&s->expectations, &s->expectation_lines, &s->expectation_count, line, number);
        else if (!strncmp(line, "as-of ", 6)) assert_true(time_parse_rfc3339(line + 6, strlen(line + 6), &s->as_of));
        else if (!strncmp(line, "agreement ", 10)) snprintf(s->agreement, sizeof s->agreement, "%.500s", line + 10);
        else if (line[0] && line[0] != '#') fail_msg("%s:%d: unknown scenario line: %s", path, number, line);
    }
    fclose(f);
}

static void scenario_free(scenario_t *s) {
    for (int i = 0; i < s->report_count; i++) free(s->reports[i]);
    for (int i = 0; i < s->expectation_count; i++) free(s->expectations[i]);
    free(s->reports);
    free(s->report_lines);
    free(s->expectations);
    free(s->expectation_lines);
}

/* ------------------------------------------------------------------ running */

/* Feeds the reports in the given order; returns the rulings (caller frees). */
static rulings_t *run(const scenario_t *s, const agreement_t *a, engine_t *engine, const int *order, int repeat) {
    report_parser_t *parser = report_parser_new(a);
    for (int r = 0; r < repeat; r++)
        for (int i = 0; i < s->report_count; i++) {
            int k = order[i];
            report_t report;
            char reason[320];
            if (!report_parse(parser, s->reports[k], strlen(s->reports[k]), &report, reason, sizeof reason))
                fail_msg("%s:%d: report rejected: %s", s->path, s->report_lines[k], reason);
            engine_add(engine, &report);
        }
    report_parser_free(parser);
    return engine_rule(engine, s->as_of);
}

static char *rulings_json(const rulings_t *rulings, const agreement_t *a) {
    buffer_t out = {0};
    rulings_write_json(rulings, a, &out);
    return out.data ? out.data : strdup("");
}

static const ruling_t *find(const rulings_t *rulings, const agreement_t *a, const char *point, const char *party) {
    int p = agreement_point(a, text_of(point));
    int q = !strcmp(party, "all") ? -1 : !strcmp(party, "unattributed") ? RULING_UNATTRIBUTED : agreement_party(a, text_of(party));
    for (int i = 0; i < rulings->count; i++)
        if (rulings->items[i].point == p && rulings->items[i].party == q) return &rulings->items[i];
    return NULL;
}

static bool list_has(char **items, int count, const char *value) {
    for (int i = 0; i < count; i++)
        if (!strcmp(items[i], value)) return true;
    return false;
}

/* "expect-history POINT PARTY in_effect@2026-01-05T10:00:00Z violated@..."
 * lists every change of the ruling's status, in order (a breach that has
 * ended reads "violated/ended"). */
static const char *check_history(const rulings_t *rulings, const agreement_t *a, const char *line, char *why,
                                 size_t size) {
    char verb[32], point[32], party[32];
    int used = 0;
    sscanf(line, "%31s %31s %31s%n", verb, point, party, &used);
    const ruling_t *r = find(rulings, a, point, party);
    if (!r) return snprintf(why, size, "no ruling for %s %s", point, party), why;
    char actual[900] = "";
    size_t n = 0;
    for (int i = 0; i < r->history_count && n < sizeof actual; i++) {
        char t[32] = "start";
        if (r->history[i].time != TIME_NONE && r->history[i].time != TIME_BEGINNING) time_format(r->history[i].time, t);
        n += (size_t)snprintf(actual + n, sizeof actual - n, " %s%s@%s", status_name(r->history[i].status),
                              r->history[i].ended ? "/ended" : "", t);
    }
    if (strcmp(actual, line + used)) return snprintf(why, size, "history is%s", actual), why;
    return NULL;
}

/* Checks one expectation; returns NULL or a message describing the mismatch. */
static const char *check(const rulings_t *rulings, const agreement_t *a, const char *line, char *why, size_t size) {
    char verb[32] = "", point[32] = "", party[32] = "", third[128] = "", fourth[32] = "";
    if (!strncmp(line, "expect-history ", 15)) return check_history(rulings, a, line, why, size);
    sscanf(line, "%31s %31s %31s %127s %31s", verb, point, party, third, fourth);
    if (!strcmp(verb, "expect-score")) {
        int p = agreement_point(a, text_of(point)), want = atoi(party);
        if (p < 0) return snprintf(why, size, "no point %s", point), why;
        if (rulings->point_scores[p] != want)
            return snprintf(why, size, "score of %s is %d", point, rulings->point_scores[p]), why;
        return NULL;
    }
    const ruling_t *r = find(rulings, a, point, party);
    if (!strcmp(verb, "expect-none")) return r ? (snprintf(why, size, "a ruling exists: %s", status_name(r->status)), why) : NULL;
    if (!r) return snprintf(why, size, "no ruling for %s %s", point, party), why;
    char actual[700];
    snprintf(actual, sizeof actual, "%s %s (%s): %s", status_name(r->status), standing_name(r->standing),
             r->since == TIME_NONE ? "no since" : "has since", r->why);
    if (!strcmp(verb, "expect")) {
        if (strcmp(third, status_name(r->status)) || (fourth[0] && strcmp(fourth, standing_name(r->standing))))
            return snprintf(why, size, "got %s", actual), why;
    } else if (!strcmp(verb, "expect-consequence")) {
        if (!list_has(r->consequences, r->consequence_count, third)) return snprintf(why, size, "no consequence %s; %s", third, actual), why;
    } else if (!strcmp(verb, "expect-no-consequence")) {
        if (list_has(r->consequences, r->consequence_count, third)) return snprintf(why, size, "has consequence %s", third), why;
    } else if (!strcmp(verb, "expect-evidence")) {
        if (!list_has(r->evidence, r->evidence_count, third)) return snprintf(why, size, "evidence lacks %s; %s", third, actual), why;
    } else if (!strcmp(verb, "expect-since")) {
        time_ms_t t;
        if (!time_parse_rfc3339(third, strlen(third), &t) || t != r->since) return snprintf(why, size, "since differs; %s", actual), why;
    } else if (!strcmp(verb, "expect-json")) { /* the ruling's JSON (with history) contains the text */
        const char *phrase = strstr(line, party) + strlen(party) + 1;
        buffer_t json = {0};
        ruling_write_json_history(r, a, &json);
        bool found = json.data && strstr(json.data, phrase);
        if (!found) snprintf(why, size, "JSON lacks '%s': %.600s", phrase, json.data ? json.data : "");
        buffer_free(&json);
        if (!found) return why;
    } else if (!strcmp(verb, "expect-why")) {
        const char *phrase = strstr(line, party) + strlen(party) + 1;
        if (!strstr(r->why, phrase)) return snprintf(why, size, "why lacks '%s': %s", phrase, r->why), why;
    } else {
        return snprintf(why, size, "unknown expectation '%s'", verb), why;
    }
    return NULL;
}

static void shuffle(int *order, int n, unsigned *seed) {
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(rand_r(seed) % (unsigned)(i + 1));
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

static void test_scenario(void **state) {
    const char *path = *state;
    scenario_t s;
    scenario_read(&s, path);
    diagnostics_t errors = {0};
    agreement_t *a = agreement_load(s.agreement, &errors);
    if (!a) fail_msg("%s: agreement %s does not load: %s", path, s.agreement, errors.count ? errors.items[0].message : "");
    int *order = calloc((size_t)s.report_count + 1, sizeof *order);
    for (int i = 0; i < s.report_count; i++) order[i] = i;

    engine_t *engine = engine_new(a);
    rulings_t *rulings = run(&s, a, engine, order, 1);
    int failures = 0;
    for (int i = 0; i < s.expectation_count; i++) {
        char why[1024];
        const char *mismatch = check(rulings, a, s.expectations[i], why, sizeof why);
        if (mismatch) {
            print_error("%s:%d: %s: %s\n", path, s.expectation_lines[i], s.expectations[i], mismatch);
            failures++;
        }
    }
    char *reference = rulings_json(rulings, a);
    rulings_free(rulings);
    engine_free(engine);

    unsigned seed = 20251120;
    for (int k = 0; k < SHUFFLES; k++) { /* property: order of lines does not matter */
        shuffle(order, s.report_count, &seed);
        engine = engine_new(a);
        rulings = run(&s, a, engine, order, k == 0 ? 2 : 1); /* first run: every report twice */
        char *json = rulings_json(rulings, a);
        if (strcmp(json, reference)) {
            print_error("%s: rulings differ after %s\n", path, k == 0 ? "sending every report twice" : "shuffling");
            failures++;
        }
        free(json);
        rulings_free(rulings);
        engine_free(engine);
    }
    free(reference);
    free(order);
    agreement_free(a);
    diagnostics_free(&errors);
    scenario_free(&s);
    assert_int_equal(failures, 0);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
    geo_init();
    const char *folder = argc > 1 ? argv[1] : "scenarios";
    DIR *dir = opendir(folder);
    if (!dir) {
        fprintf(stderr, "scenario_test: cannot open %s\n", folder);
        return 1;
    }
    char **paths = NULL;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        size_t n = strlen(entry->d_name);
        if (n < 9 || strcmp(entry->d_name + n - 9, ".scenario")) continue;
        paths = realloc(paths, sizeof(char *) * (size_t)(count + 1));
        paths[count] = malloc(strlen(folder) + n + 2);
        sprintf(paths[count++], "%s/%s", folder, entry->d_name);
    }
    closedir(dir);
    qsort(paths, (size_t)count, sizeof *paths, by_name);
    struct CMUnitTest *tests = calloc((size_t)count + 1, sizeof *tests);
    for (int i = 0; i < count; i++)
        tests[i] = (struct CMUnitTest){.name = paths[i], .test_func = test_scenario, .initial_state = paths[i]};
    int failed = count ? _cmocka_run_group_tests("scenarios", tests, (size_t)count, NULL, NULL) : 1;
    for (int i = 0; i < count; i++) free(paths[i]);
    free(paths);
    free(tests);
    geo_finish();
    return failed;
}
