/* dashboard_test: renders every dashboard page for the reference plan and
 * its sample reports (through a real temporary log, for the proofs) and checks
 * what a reader must see: the board's cells, the map's labels and markers,
 * escaping, fragments, well-formed HTML and inclusion proofs that check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dashboard/dashboard.h"

#define PLAN "../plans/ukraine-2025-11/plan.truce"
#define REPORTS "../plans/ukraine-2025-11/reports/sample.jsonl"

typedef struct {
    char dir[64], db[96];
    agreement_t *agreement;
    engine_t *engine;
    rulings_t *rulings;
    ledger_t *ledger;
    char root_hex[2 * LEDGER_HASH_SIZE + 1];
    bool tamper;                  /* the evidence callback alters the report it returns */
    dashboard_view_t view;
} fixture_t;

static char *slurp(const char *path, size_t *len) {
    buffer_t b = {0};
    assert_true(buffer_read_file(&b, path));
    *len = b.len;
    return b.data;
}

/* ------------------------------------------------------------------ fixture */

static void append_to_log(fixture_t *f, const report_t *report, const char *line, size_t len) {
    buffer_t canonical = {0};
    char error[LEDGER_ERROR_SIZE];
    uint64_t index;
    bool same;
    assert_true(jcs_canonicalize(line, len, &canonical, error, sizeof error));
    assert_int_not_equal(ledger_append(f->ledger, report->source, report->id, canonical.data, canonical.len, &index,
                                       &same, error, sizeof error), APPEND_FAILED);
    buffer_free(&canonical);
}

static void feed_sample(fixture_t *f) {
    size_t len;
    char *text = slurp(REPORTS, &len), error[LEDGER_ERROR_SIZE];
    report_parser_t *parser = report_parser_new(f->agreement);
    assert_true(ledger_begin(f->ledger, error, sizeof error));
    for (char *line = text, *end; line < text + len; line = end + 1) {
        end = strchr(line, '\n');
        if (!end) end = text + len;
        report_t report;
        char reason[320];
        if (end == line) continue;
        assert_true(report_parse(parser, line, (size_t)(end - line), &report, reason, sizeof reason));
        engine_add(f->engine, &report);
        append_to_log(f, &report, line, (size_t)(end - line));
    }
    assert_true(ledger_commit(f->ledger, error, sizeof error));
    report_parser_free(parser);
    free(text);
}

/* The server's side: the report from the log and its proof at the log's size. */
static bool evidence_from_log(void *context, const char *key, dashboard_evidence_t *out) {
    fixture_t *f = context;
    const char *slash = strchr(key, '/');
    uint64_t index;
    bool found = false;
    char error[LEDGER_ERROR_SIZE];
    if (!slash || !ledger_find(f->ledger, (text_t){key, (size_t)(slash - key)}, text_of(slash + 1), &index, &found,
                               error, sizeof error) || !found)
        return false;
    assert_true(ledger_entry(f->ledger, index, &out->report_json, error, sizeof error));
    if (f->tamper) out->report_json.data[out->report_json.len - 2] ^= 1;
    ledger_inclusion_proof_t *proof = malloc(sizeof *proof);
    assert_true(ledger_prove_inclusion(f->ledger, index, ledger_size(f->ledger), proof, error, sizeof error));
    ledger_inclusion_to_json(proof, &out->proof_json);
    free(proof);
    out->signature_checked = true;
    out->signature = SIGNATURE_MISSING;
    return true;
}

static int setup(void **state) {
    fixture_t *f = calloc(1, sizeof *f);
    char error[LEDGER_ERROR_SIZE];
    snprintf(f->dir, sizeof f->dir, "/tmp/truce-dashboard-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof f->db, "%s/log.db", f->dir);
    diagnostics_t problems = {0};
    f->agreement = agreement_load(PLAN, &problems);
    assert_non_null(f->agreement);
    diagnostics_free(&problems);
    f->engine = engine_new(f->agreement);
    f->ledger = ledger_open(f->db, LEDGER_CREATE, error, sizeof error);
    assert_non_null(f->ledger);
    feed_sample(f);
    f->rulings = engine_rule(f->engine, TIME_NONE);
    uint8_t root[LEDGER_HASH_SIZE];
    assert_true(ledger_root(f->ledger, ledger_size(f->ledger), root, error, sizeof error));
    buffer_t hex = {0};
    ledger_hex_append(root, sizeof root, &hex);
    memcpy(f->root_hex, hex.data, sizeof f->root_hex);
    buffer_free(&hex);
    f->view = (dashboard_view_t){.agreement = f->agreement, .rulings = f->rulings, .engine = f->engine,
                                 .has_tree_head = true, .tree_size = ledger_size(f->ledger), .root_hex = f->root_hex,
                                 .evidence = evidence_from_log, .evidence_context = f};
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture_t *f = *state;
    char command[160];
    ledger_close(f->ledger);
    snprintf(command, sizeof command, "rm -rf '%s'", f->dir);
    assert_int_equal(system(command), 0);
    rulings_free(f->rulings);
    engine_free(f->engine);
    agreement_free(f->agreement);
    free(f);
    return 0;
}

/* ------------------------------------------------------------------ helpers */

static size_t count(const char *haystack, const char *needle) {
    size_t n = 0;
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

/* The text of the n-th (0-based) <td> of the board row of a point. */
static char *board_cell(const char *html, const char *label, int n) {
    char anchor[64];
    snprintf(anchor, sizeof anchor, "href=\"/point/%s\"", label);
    const char *board = strstr(html, "<h2 id=\"board\">");   /* not the problems list above it */
    const char *row = strstr(board ? board : html, anchor);
    assert_non_null(row);
    const char *row_end = strstr(row, "</tr>");
    const char *cell = row;
    for (int i = 0; i <= n; i++) {
        cell = strstr(cell + 1, "<td");
        assert_true(cell && cell < row_end);
    }
    const char *end = strstr(cell, "</td>");
    return strndup(cell, (size_t)(end - cell));
}

/* Checks with python3's html.parser that every element is closed in order,
 * that there is exactly one <main>, and that no text holds a '<'. */
static void assert_well_formed(const buffer_t *page) {
    if (system("python3 -c 'import html.parser' 2>/dev/null") != 0) return;
    char path[] = "/tmp/truce-dashboard-page-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, page->data, page->len), (ssize_t)page->len);
    close(fd);
    char command[2048];
    snprintf(command, sizeof command,
             "python3 - '%s' <<'EOF'\n"
             "import sys, html.parser\n"
             "VOID = {'meta','link','br','img','input','hr','col','area','base','source','wbr'}\n"
             "class P(html.parser.HTMLParser):\n"
             "    def __init__(s): super().__init__(convert_charrefs=False); s.stack=[]; s.errors=[]; s.mains=0\n"
             "    def handle_starttag(s, t, a):\n"
             "        s.mains += t == 'main'\n"
             "        if t not in VOID: s.stack.append(t)\n"
             "    def handle_endtag(s, t):\n"
             "        if not s.stack or s.stack[-1] != t: s.errors.append('unexpected </%%s> in %%s' %% (t, s.stack[-3:]))\n"
             "        else: s.stack.pop()\n"
             "    def handle_data(s, d):\n"
             "        if '<' in d: s.errors.append('bare < in text: ' + d[:40])\n"
             "p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read()); p.close()\n"
             "if p.stack: p.errors.append('unclosed: %%s' %% p.stack)\n"
             "if p.mains != 1: p.errors.append('%%d <main>' %% p.mains)\n"
             "for e in p.errors[:5]: print(e)\n"
             "sys.exit(1 if p.errors else 0)\n"
             "EOF\n",
             path);
    int status = system(command);
    unlink(path);
    assert_int_equal(status, 0);
}

/* Every page: well formed, nothing fetched from another host. */
static void assert_page(const buffer_t *page) {
    assert_non_null(page->data);
    assert_null(strstr(page->data, "http://"));
    assert_null(strstr(page->data, "https://"));
    assert_well_formed(page);
}

/* -------------------------------------------------------------------- tests */

static void test_board_has_every_point_and_the_21d_violation(void **state) {
    fixture_t *f = *state;
    buffer_t page = {0};
    dashboard_board(&page, &f->view, false);
    assert_page(&page);
    assert_int_equal(count(page.data, "<th scope=\"row\""), (size_t)f->agreement->point_count);
    for (int p = 0; p < f->agreement->point_count; p++) {
        char href[64];
        snprintf(href, sizeof href, "href=\"/point/%s\"", f->agreement->points[p].label);
        assert_non_null(strstr(page.data, href));
    }
    char *ru = board_cell(page.data, "21d", 1), *ua = board_cell(page.data, "21d", 0);
    assert_non_null(strstr(ru, "Violated"));
    assert_non_null(strstr(ru, "confirmed"));
    assert_non_null(strstr(ua, "In effect"));
    free(ru);
    free(ua);
    char percent[32];
    snprintf(percent, sizeof percent, "<b>%.0f%%</b>", f->rulings->implementation_percent);
    assert_non_null(strstr(page.data, percent));
    assert_non_null(strstr(page.data, "<h2 id=\"findings\">"));
    assert_non_null(strstr(page.data, "href=\"/evidence/monitor:osce/osce-0009\""));
    assert_non_null(strstr(page.data, "sanctions:reinstated"));
    char *declaratory = board_cell(page.data, "1", 0);
    assert_non_null(strstr(declaratory, "colspan=\"5\""));
    free(declaratory);
    buffer_free(&page);
}

static void test_map_labels_illustrative_geometry_and_links_markers(void **state) {
    fixture_t *f = *state;
    buffer_t page = {0};
    dashboard_map(&page, &f->view, false);
    assert_page(&page);
    assert_non_null(strstr(page.data, "ILLUSTRATIVE — not an agreed boundary"));
    assert_non_null(strstr(page.data, ">Moscow</text>"));
    assert_non_null(strstr(page.data, ">Saint Petersburg</text>"));
    assert_non_null(strstr(page.data, "<path class=\"line-place line-0\" d=\"M"));   /* the plan's line place */
    assert_non_null(strstr(page.data, "class=\"line-label line-0\""));
    assert_non_null(strstr(page.data, ">ILLUSTRATIVE</tspan>"));
    assert_non_null(strstr(page.data, "<a class=\"marker\" href=\"/evidence/party:UA/ua-0202\""));
    assert_non_null(strstr(page.data, "<title>party:UA/ua-0202: report behind point 21d RU"));
    assert_null(strstr(page.data, "href=\"/evidence/party:UA/ua-0201\""));   /* a review: no position */
    assert_int_equal(count(page.data, "class=\"country\""), 3 + 3);           /* + a legend swatch for each */
    buffer_free(&page);
}

/* An agreement without lines or illustrative places: no line, no banner, no
 * note; without an engine, no markers. */
static void test_map_without_lines_or_engine(void **state) {
    fixture_t *f = *state;
    diagnostics_t problems = {0};
    agreement_t *plain = agreement_load("data/agreements/windows.truce", &problems);
    assert_non_null(plain);
    diagnostics_free(&problems);
    dashboard_view_t view = f->view;
    view.agreement = plain;
    view.engine = NULL;
    buffer_t page = {0};
    dashboard_map(&page, &view, false);
    assert_page(&page);
    assert_null(strstr(page.data, "class=\"line-label"));
    assert_null(strstr(page.data, "<a class=\"marker\""));
    assert_null(strstr(page.data, "class=\"banner\""));
    assert_null(strstr(page.data, "illustrative-note"));
    buffer_free(&page);
    agreement_free(plain);
}

/* Nothing is hard-wired to the reference plan: the Minsk plan's map draws its
 * own two lines, each labelled ILLUSTRATIVE, over an extent that fits them. */
static void test_map_of_another_agreement(void **state) {
    fixture_t *f = *state;
    diagnostics_t problems = {0};
    agreement_t *minsk = agreement_load("../plans/minsk-2015/plan.truce", &problems);
    assert_non_null(minsk);
    diagnostics_free(&problems);
    engine_t *engine = engine_new(minsk);
    rulings_t *rulings = engine_rule(engine, TIME_NONE);
    dashboard_view_t view = f->view;
    view.agreement = minsk, view.engine = engine, view.rulings = rulings, view.evidence = NULL;
    buffer_t page = {0};
    dashboard_map(&page, &view, false);
    assert_page(&page);
    assert_int_equal(count(page.data, "<path class=\"line-place"), 2 + 2);   /* + the legend's swatches */
    assert_non_null(strstr(page.data, "Line of contact of 12 February 2015 (ILLUSTRATIVE, hand-drawn)"));
    assert_non_null(strstr(page.data, "Line of the Minsk Memorandum of 19 September 2014"));
    assert_int_equal(count(page.data, ">ILLUSTRATIVE</tspan>"), 2);
    assert_non_null(strstr(page.data, "loc, memo, ua-artillery-band"));   /* the note names the illustrative places */
    assert_null(strstr(page.data, "Moscow"));
    assert_null(strstr(page.data, "Peace Council"));
    /* the extent fits Ukraine (22-40.2 E, 44.4-52.4 N): about 1000 x 640, not the reference plan's 1000 x 760 */
    assert_non_null(strstr(page.data, "viewBox=\"0 0 1000 6"));
    page.len = 0;
    dashboard_board(&page, &view, false);
    assert_non_null(strstr(page.data, "Minsk II: Package of Measures"));
    buffer_free(&page);
    rulings_free(rulings);
    engine_free(engine);
    agreement_free(minsk);
}

static void test_timeline_groups_by_month_and_lists_changes(void **state) {
    fixture_t *f = *state;
    dashboard_view_t view = f->view;
    int point = agreement_point(f->agreement, text_of("21d"));
    dashboard_change_t change = {f->rulings->as_of, point, 1, STATUS_IN_EFFECT, STATUS_VIOLATED, STANDING_CONFIRMED};
    view.changes = &change;
    view.change_count = 1;
    buffer_t page = {0};
    dashboard_timeline(&page, &view, false);
    assert_page(&page);
    const char *january = strstr(page.data, "<h2>January 2026</h2>"), *february = strstr(page.data, "<h2>February 2026</h2>");
    assert_true(january && february && january < february);
    assert_non_null(strstr(page.data, "Log of ruling changes"));
    assert_non_null(strstr(page.data, "Every change of status"));  /* from the rulings' history */
    assert_non_null(strstr(strstr(page.data, "Every change of status"), "href=\"/point/10c\""));
    buffer_free(&page);
}

static void test_point_page_shows_rules_rulings_and_checked_proofs(void **state) {
    fixture_t *f = *state;
    buffer_t page = {0};
    assert_true(dashboard_point(&page, &f->view, "21d", false));
    assert_page(&page);
    assert_non_null(strstr(page.data, "forbid RU forces.present in buffer-zone from signature"));
    assert_non_null(strstr(page.data, "plan.truce:"));
    assert_non_null(strstr(page.data, "Russian Federation"));
    assert_non_null(strstr(page.data, "How this was ruled"));
    assert_non_null(strstr(page.data, "Russian unit entered Kramatorsk"));
    assert_non_null(strstr(page.data, "byte for byte as submitted"));
    assert_non_null(strstr(page.data, "truce verify --inclusion"));
    assert_null(strstr(page.data, "does not check"));
    assert_non_null(strstr(page.data, "<summary>History</summary>"));   /* RU: in effect, then violated */
    assert_non_null(strstr(page.data, "incident"));
    size_t before = page.len;
    assert_false(dashboard_point(&page, &f->view, "99z", false));
    assert_int_equal(page.len, before);
    buffer_free(&page);
}

static void test_evidence_page_and_a_tampered_report(void **state) {
    fixture_t *f = *state;
    buffer_t page = {0};
    assert_true(dashboard_evidence(&page, &f->view, "party:UA/ua-0202", false));
    assert_page(&page);
    assert_non_null(strstr(page.data, "Rulings that list this report"));
    assert_non_null(strstr(page.data, "Unsigned report"));
    assert_non_null(strstr(page.data, "byte for byte as submitted"));
    assert_non_null(strstr(page.data, "href=\"/v1/log/proof/inclusion?key=party:UA/ua-0202\""));
    page.len = 0;
    f->tamper = true;
    assert_true(dashboard_evidence(&page, &f->view, "party:UA/ua-0202", true));
    f->tamper = false;
    assert_non_null(strstr(page.data, "does not check"));
    page.len = 0;
    assert_false(dashboard_evidence(&page, &f->view, "party:UA/nothing", false));
    assert_int_equal(page.len, 0);
    buffer_free(&page);
}

static void test_board_first_screen_lists_the_problems(void **state) {
    fixture_t *f = *state;
    buffer_t page = {0};
    dashboard_board(&page, &f->view, false);
    const char *problems = strstr(page.data, "Violated, overdue or disputed now");
    const char *board = strstr(page.data, "<h2 id=\"board\">");
    assert_true(problems && board && problems < board);            /* before the board */
    assert_non_null(strstr(problems, "confirmed by monitor:osce")); /* how sure, and by whom */
    assert_non_null(strstr(problems, "still not met"));             /* 25 overdue */
    assert_non_null(strstr(page.data, "href=\"/?problems=1#problems\""));   /* count cards link */
    dashboard_view_t view = f->view;
    view.problems_only = true;
    page.len = 0;
    dashboard_board(&page, &view, false);
    assert_non_null(strstr(page.data, "href=\"/point/21d\""));
    assert_int_equal(count(strstr(page.data, "<h2 id=\"board\">"), "<th scope=\"row\" class=\"point\""), 8);
    buffer_free(&page);
}

static void test_incidents_page_filters_pages_and_downloads(void **state) {
    fixture_t *f = *state;
    incidents_t *list = engine_incidents(f->engine, f->rulings->as_of);
    dashboard_incident_query_t q = {.filter = incident_filter_any(), .days = daily_options_default()};
    buffer_t page = {0};
    dashboard_incidents(&page, &f->view, list, &q, false);
    assert_page(&page);
    size_t counted = 0;
    for (size_t i = 0; i < list->count; i++) counted += list->items[i].counted;
    char expect[64];
    snprintf(expect, sizeof expect, "<strong>%zu</strong> incidents match", counted);
    assert_non_null(strstr(page.data, expect));
    assert_int_equal(count(strstr(page.data, "Incidents, oldest first"), "<tr><td><time"), counted); /* fewer than a page */
    assert_non_null(strstr(page.data, "<svg viewBox"));
    assert_non_null(strstr(page.data, "href=\"/incidents.csv\""));
    q.filter.point = agreement_point(f->agreement, text_of("10c"));
    q.filter.party = agreement_party(f->agreement, text_of("RU"));
    q.day_ends = "19:30+02:00";
    daily_parse_day_end(q.day_ends, &q.days);
    page.len = 0;
    dashboard_incidents(&page, &f->view, list, &q, false);
    assert_page(&page);
    assert_non_null(strstr(page.data, "<strong>1</strong> incident match"));
    assert_non_null(strstr(page.data, "href=\"/incidents.csv?point=10c&amp;party=RU&amp;day_ends=19:30%2B02:00\""));
    assert_non_null(strstr(page.data, "the mission's cut-off"));
    incidents_free(list);
    buffer_free(&page);
}

static void test_as_of_permalinks_and_the_report(void **state) {
    fixture_t *f = *state;
    dashboard_view_t view = f->view;
    view.as_of_query = "2026-03-01T00:00:00Z";
    buffer_t page = {0};
    dashboard_board(&page, &view, false);
    assert_non_null(strstr(page.data, "href=\"/point/21d?as_of=2026-03-01T00:00:00Z\""));
    assert_non_null(strstr(page.data, "as they stood on"));
    page.len = 0;
    dashboard_report(&page, &f->view, false);
    assert_page(&page);
    assert_int_equal(count(page.data, "class=\"report-point\""), (size_t)f->agreement->point_count);
    buffer_free(&page);
}

static void test_fragments_render_only_main(void **state) {
    fixture_t *f = *state;
    buffer_t page = {0};
    dashboard_board(&page, &f->view, true);
    dashboard_map(&page, &f->view, true);
    dashboard_timeline(&page, &f->view, true);
    dashboard_point(&page, &f->view, "10c", true);
    dashboard_evidence(&page, &f->view, "monitor:osce/osce-0009", true);
    dashboard_not_found(&page, &f->view, "page", true);
    assert_int_equal(strncmp(page.data, "<main", 5), 0);
    assert_int_equal(count(page.data, "<main"), 6);
    assert_int_equal(count(page.data, "</main>"), 6);
    assert_null(strstr(page.data, "<html"));
    assert_null(strstr(page.data, "<head>"));
    assert_null(strstr(page.data, "<footer"));
    assert_string_equal(page.data + page.len - 8, "</main>\n");
    buffer_free(&page);
}

static void test_escaping_of_agreement_text(void **state) {
    (void)state;
    const char *text = "agreement t \"Title & <b>bold</b>\"\n"
                       "party UA \"Ukraine <i>\"\n"
                       "point 1 \"<script>alert('title')</script>\"\n"
                       "  | <script>alert(1)</script> & \"quoted\"\n"
                       "  declaratory \"why <img src=x onerror=alert(2)>\"\n";
    diagnostics_t problems = {0};
    agreement_t *a = agreement_parse("escape.truce", text, strlen(text), &problems);
    assert_non_null(a);
    engine_t *engine = engine_new(a);
    rulings_t *rulings = engine_rule(engine, TIME_NONE);
    dashboard_view_t view = {.agreement = a, .rulings = rulings, .engine = engine};
    buffer_t page = {0};
    void (*pages[])(buffer_t *, const dashboard_view_t *, bool) = {dashboard_board, dashboard_map, dashboard_timeline};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        page.len = 0;
        pages[i](&page, &view, false);
        assert_page(&page);
        assert_null(strstr(page.data, "<script>alert"));
        assert_null(strstr(page.data, "<img"));
        assert_null(strstr(page.data, "<b>bold"));
    }
    page.len = 0;
    assert_true(dashboard_point(&page, &view, "1", false));
    assert_page(&page);
    assert_null(strstr(page.data, "<script>alert"));
    assert_non_null(strstr(page.data, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;"));
    buffer_free(&page);
    rulings_free(rulings);
    engine_free(engine);
    agreement_free(a);
    diagnostics_free(&problems);
}

static void test_escape_helper_and_snapshot_names(void **state) {
    (void)state;
    buffer_t out = {0};
    dashboard_html_escape(&out, "a<b>&\"c'd", 9);
    assert_string_equal(out.data, "a&lt;b&gt;&amp;&quot;c&#39;d");
    out.len = 0;
    dashboard_snapshot_file(&out, DASHBOARD_PAGE_EVIDENCE, "party:UA/ua 1");
    assert_string_equal(out.data, "evidence-party_3AUA_2Fua_201.html");
    out.len = 0;
    dashboard_snapshot_file(&out, DASHBOARD_PAGE_POINT, "21d");
    assert_string_equal(out.data, "point-21d.html");
    buffer_free(&out);
}

static void test_snapshot_links_and_assets(void **state) {
    fixture_t *f = *state;
    dashboard_view_t view = f->view;
    view.links = DASHBOARD_LINKS_FILES;
    buffer_t page = {0};
    dashboard_board(&page, &view, false);
    assert_non_null(strstr(page.data, "href=\"point-21d.html\""));
    assert_non_null(strstr(page.data, "href=\"truce.css\""));
    assert_null(strstr(page.data, "data-events"));   /* a snapshot is not live */
    page.len = 0;
    dashboard_stylesheet(&page);
    assert_non_null(strstr(page.data, ".st-violated"));
    assert_null(strstr(page.data, "http"));
    page.len = 0;
    dashboard_script(&page);
    assert_non_null(strstr(page.data, "EventSource"));
    assert_non_null(strstr(page.data, "X-Truce-Fragment"));
    assert_non_null(strstr(page.data, "\"rulings\""));
    assert_null(strstr(page.data, "http"));
    buffer_free(&page);
}

int main(void) {
    geo_init();
    if (!ledger_init()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_board_has_every_point_and_the_21d_violation),
        cmocka_unit_test(test_map_labels_illustrative_geometry_and_links_markers),
        cmocka_unit_test(test_map_without_lines_or_engine),
        cmocka_unit_test(test_map_of_another_agreement),
        cmocka_unit_test(test_timeline_groups_by_month_and_lists_changes),
        cmocka_unit_test(test_point_page_shows_rules_rulings_and_checked_proofs),
        cmocka_unit_test(test_evidence_page_and_a_tampered_report),
        cmocka_unit_test(test_board_first_screen_lists_the_problems),
        cmocka_unit_test(test_incidents_page_filters_pages_and_downloads),
        cmocka_unit_test(test_as_of_permalinks_and_the_report),
        cmocka_unit_test(test_fragments_render_only_main),
        cmocka_unit_test(test_escaping_of_agreement_text),
        cmocka_unit_test(test_escape_helper_and_snapshot_names),
        cmocka_unit_test(test_snapshot_links_and_assets),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    geo_finish();
    return failed;
}
