/* dashboard_preview: renders every dashboard page for the reference plan and
 * its sample reports into static HTML files (with the CSS and JS), through a
 * real log, so that the design can be looked at without the server.
 *
 * Build (from the repository root, after `make`):
 *   cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wshadow -Isrc \
 *      tools/dashboard_preview.c build/libtruce.a $(pkg-config --cflags --libs geos libsodium sqlite3) -lm \
 *      -o build/dashboard-preview
 * Run:  ./build/dashboard-preview [OUT_DIR]      (default /tmp/truce-preview) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dashboard/dashboard.h"

#define PLAN "plans/ukraine-2025-11/plan.truce"
#define REPORTS "plans/ukraine-2025-11/reports/sample.jsonl"
#define LINE_OF_CONTACT "plans/ukraine-2025-11/zones/line-of-contact.geojson"
#define MAX_TIMES 4096

typedef struct {
    ledger_t *ledger;
    ledger_registry_t *registry;
    uint64_t size;
} preview_log_t;

static char *read_file(const char *path, size_t *len) {
    buffer_t b = {0};
    if (!buffer_read_file(&b, path)) {
        buffer_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.data;
}

static void write_file(const char *dir, const char *name, const buffer_t *content) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); exit(1); }
    fwrite(content->data, 1, content->len, f);
    fclose(f);
}

/* The evidence callback: the report's bytes from the log, its inclusion
 * proof at the log's size, and its signature's status. */
static bool evidence_from_log(void *context, const char *key, dashboard_evidence_t *out) {
    preview_log_t *log = context;
    const char *slash = strchr(key, '/');
    if (!slash) return false;
    uint64_t index;
    bool found = false;
    char error[LEDGER_ERROR_SIZE];
    text_t source = {key, (size_t)(slash - key)};
    if (!ledger_find(log->ledger, source, text_of(slash + 1), &index, &found, error, sizeof error) || !found) return false;
    if (!ledger_entry(log->ledger, index, &out->report_json, error, sizeof error)) return false;
    ledger_inclusion_proof_t *proof = malloc(sizeof *proof);
    if (ledger_prove_inclusion(log->ledger, index, log->size, proof, error, sizeof error))
        ledger_inclusion_to_json(proof, &out->proof_json);
    free(proof);
    jcs_document_t *doc = jcs_document_new();
    buffer_t scratch = {0};
    if (jcs_parse(doc, out->report_json.data, out->report_json.len, error, sizeof error)) {
        out->signature_checked = true;
        out->signature = ledger_verify_report(doc, log->registry, &scratch, out->signature_note, sizeof out->signature_note);
    }
    buffer_free(&scratch);
    jcs_document_free(doc);
    return true;
}

static void log_report(ledger_t *ledger, const report_t *report, const char *line, size_t len) {
    buffer_t canonical = {0};
    char error[LEDGER_ERROR_SIZE];
    uint64_t index;
    bool same;
    if (jcs_canonicalize(line, len, &canonical, error, sizeof error))
        ledger_append(ledger, report->source, report->id, canonical.data, canonical.len, &index, &same, error, sizeof error);
    buffer_free(&canonical);
}

static int compare_times(const void *a, const void *b) {
    time_ms_t x = *(const time_ms_t *)a, y = *(const time_ms_t *)b;
    return x < y ? -1 : x > y;
}

/* Feeds the sample to the engine and the log; returns the reports' times. */
static int load_reports(const agreement_t *a, engine_t *engine, ledger_t *ledger, time_ms_t *times) {
    size_t len;
    char *text = read_file(REPORTS, &len);
    if (!text) { perror(REPORTS); exit(1); }
    report_parser_t *parser = report_parser_new(a);
    char error[LEDGER_ERROR_SIZE];
    ledger_begin(ledger, error, sizeof error);
    int count = 0;
    for (char *line = text, *end; line < text + len; line = end + 1) {
        end = strchr(line, '\n');
        if (!end) end = text + len;
        report_t report;
        char reason[320];
        if (end > line && report_parse(parser, line, (size_t)(end - line), &report, reason, sizeof reason)) {
            engine_add(engine, &report);
            log_report(ledger, &report, line, (size_t)(end - line));
            if (count < MAX_TIMES) times[count++] = report.time;
        }
    }
    ledger_commit(ledger, error, sizeof error);
    report_parser_free(parser);
    free(text);
    return count;
}

/* The log of changes a server would have kept: rule after each report time. */
static dashboard_change_t *derive_changes(engine_t *engine, time_ms_t *times, int count, int *change_count) {
    qsort(times, (size_t)count, sizeof *times, compare_times);
    dashboard_change_t *changes = NULL;
    *change_count = 0;
    rulings_t *before = NULL;
    for (int t = 0; t < count; t++) {
        if (t && times[t] == times[t - 1]) continue;
        rulings_t *now = engine_rule(engine, times[t]);
        for (int i = 0; before && i < now->count; i++) {
            const ruling_t *r = &now->items[i], *old = NULL;
            for (int k = 0; k < before->count && !old; k++)
                if (before->items[k].point == r->point && before->items[k].party == r->party) old = &before->items[k];
            if (!old || old->status == r->status) continue;
            changes = realloc(changes, sizeof *changes * (size_t)(*change_count + 1));
            changes[(*change_count)++] = (dashboard_change_t){times[t], r->point, r->party, old->status, r->status, r->standing};
        }
        rulings_free(before);
        before = now;
    }
    rulings_free(before);
    return changes;
}

typedef void (*page_fn)(buffer_t *out, const dashboard_view_t *view, bool fragment);
typedef void (*asset_fn)(buffer_t *out);

static void render_page(const char *dir, const char *name, page_fn render, const dashboard_view_t *view) {
    buffer_t page = {0};
    render(&page, view, false);
    write_file(dir, name, &page);
    buffer_free(&page);
}

static void render_asset(const char *dir, const char *name, asset_fn render) {
    buffer_t content = {0};
    render(&content);
    write_file(dir, name, &content);
    buffer_free(&content);
}

/* A point's or a report's page, under its snapshot file name. */
static void render_item(const char *dir, dashboard_page_t kind, const char *arg, const dashboard_view_t *view) {
    buffer_t page = {0}, name = {0};
    bool found = kind == DASHBOARD_PAGE_POINT ? dashboard_point(&page, view, arg, false)
                                              : dashboard_evidence(&page, view, arg, false);
    dashboard_snapshot_file(&name, kind, arg);
    if (found) write_file(dir, name.data, &page);
    buffer_free(&page);
    buffer_free(&name);
}

static void render_all(const dashboard_view_t *view, const char *dir) {
    render_page(dir, "index.html", dashboard_board, view);
    render_page(dir, "map.html", dashboard_map, view);
    render_page(dir, "timeline.html", dashboard_timeline, view);
    render_asset(dir, "truce.css", dashboard_stylesheet);
    render_asset(dir, "truce.js", dashboard_script);
    for (int p = 0; p < view->agreement->point_count; p++)
        render_item(dir, DASHBOARD_PAGE_POINT, view->agreement->points[p].label, view);
    for (int i = 0; i < view->rulings->count; i++)
        for (int e = 0; e < view->rulings->items[i].evidence_count; e++)
            render_item(dir, DASHBOARD_PAGE_EVIDENCE, view->rulings->items[i].evidence[e], view);
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "/tmp/truce-preview";
    char log_path[1024], error[LEDGER_ERROR_SIZE];
    mkdir(dir, 0755);
    snprintf(log_path, sizeof log_path, "%s/preview-log.db", dir);
    unlink(log_path);
    geo_init();
    if (!ledger_init()) return 1;
    diagnostics_t problems = {0};
    agreement_t *a = agreement_load(PLAN, &problems);
    if (!a) { fprintf(stderr, "%s: cannot load (run from the repository root)\n", PLAN); return 1; }
    engine_t *engine = engine_new(a);
    preview_log_t log = {ledger_open(log_path, LEDGER_CREATE, error, sizeof error), ledger_registry_from_agreement(a), 0};
    if (!log.ledger) { fprintf(stderr, "%s: %s\n", log_path, error); return 1; }
    time_ms_t *times = malloc(sizeof *times * MAX_TIMES);
    int time_count = load_reports(a, engine, log.ledger, times), change_count;
    dashboard_change_t *changes = derive_changes(engine, times, time_count, &change_count);
    log.size = ledger_size(log.ledger);
    uint8_t root[LEDGER_HASH_SIZE];
    buffer_t root_hex = {0};
    if (ledger_root(log.ledger, log.size, root, error, sizeof error)) ledger_hex_append(root, sizeof root, &root_hex);
    size_t loc_len = 0;
    char *loc = read_file(LINE_OF_CONTACT, &loc_len);
    rulings_t *rulings = engine_rule(engine, TIME_NONE);
    dashboard_view_t view = {.agreement = a, .rulings = rulings, .engine = engine, .has_tree_head = root_hex.len > 0,
                             .tree_size = log.size, .root_hex = root_hex.data, .line_of_contact_geojson = loc,
                             .line_of_contact_length = loc_len, .changes = changes, .change_count = change_count,
                             .evidence = evidence_from_log, .evidence_context = &log, .links = DASHBOARD_LINKS_FILES};
    render_all(&view, dir);
    printf("%s: rendered the dashboard of %d points, %llu logged reports, %d ruling changes\n", dir, a->point_count,
           (unsigned long long)log.size, change_count);
    rulings_free(rulings);
    free(loc);
    free(changes);
    free(times);
    buffer_free(&root_hex);
    ledger_registry_free(log.registry);
    ledger_close(log.ledger);
    unlink(log_path);
    engine_free(engine);
    agreement_free(a);
    diagnostics_free(&problems);
    geo_finish();
    return 0;
}
