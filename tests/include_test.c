/* include_test: `include "FILE"` and `replaces LABEL` (src/agreement/include.c).
 * Files are written to a temporary folder; every mistake must be reported in
 * the file it is in, at its line:column, and the bundled drafts must share
 * one vocabulary through common.truce. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "agreement/agreement.h"

static char folder[] = "/tmp/truce-include-XXXXXX";

static const char common[] =
    "party UA \"Ukraine\"\n"
    "party RU \"Russia\"\n"
    "kind strike needs actor\n"
    "event signature = strike\n";

static void write_file(const char *name, const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static agreement_t *load(const char *name, diagnostics_t *errors) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    return agreement_load(path, errors);
}

/* An error in the named file at line:column whose message holds fragment. */
static void expect_error(const char *main_text, const char *file, int line, int column, const char *fragment) {
    write_file("main.truce", main_text);
    diagnostics_t errors = {0};
    agreement_t *a = load("main.truce", &errors);
    assert_null(a);
    char path[512];
    snprintf(path, sizeof path, "%s/%s", folder, file);
    bool found = false;
    for (size_t i = 0; i < errors.count; i++) {
        const diagnostic_t *d = &errors.items[i];
        if (!strcmp(d->file, path) && d->line == line && d->column == column && strstr(d->message, fragment)) found = true;
        else print_message("  got %s:%d:%d: %s\n", d->file, d->line, d->column, d->message);
    }
    assert_true(found);
    diagnostics_free(&errors);
}

static void test_include_shares_declarations(void **state) {
    (void)state;
    write_file("common.truce", common);
    write_file("main.truce", "agreement t \"T\"\ninclude \"common.truce\"\n"
                             "point 4 \"Cap\" replaces 6\n  | words\n  forbid RU strike from signature\n");
    diagnostics_t errors = {0};
    agreement_t *a = load("main.truce", &errors);
    assert_non_null(a);
    assert_int_equal(a->party_count, 2);
    assert_int_equal(a->point_count, 1);
    assert_string_equal(a->points[0].replaces, "6");
    assert_int_equal(a->rules[0].window.start_event, 0);
    agreement_free(a);
    diagnostics_free(&errors);
}

static void test_missing_include(void **state) {
    (void)state;
    expect_error("agreement t \"T\"\ninclude \"none.truce\"\n", "main.truce", 2, 9, "cannot read included file none.truce");
}

static void test_include_cycle(void **state) {
    (void)state;
    write_file("a.truce", "party UA \"U\"\ninclude \"b.truce\"\n");
    write_file("b.truce", "kind strike\n  include \"a.truce\"\n");
    expect_error("agreement t \"T\"\ninclude \"a.truce\"\n", "b.truce", 2, 11, "include cycle: a.truce");
    expect_error("agreement t \"T\"\ninclude \"main.truce\"\n", "main.truce", 2, 9, "include cycle");
}

static void test_error_inside_include_names_that_file(void **state) {
    (void)state;
    write_file("bad.truce", "party UA \"U\"\nkind strike needs actor, colour\n");
    expect_error("agreement t \"T\"\ninclude \"bad.truce\"\n", "bad.truce", 2, 26, "expected a report field");
}

static void test_point_in_include(void **state) {
    (void)state;
    write_file("points.truce", "party UA \"U\"\nkind k\npoint 6\n  declaratory \"x\"\n");
    expect_error("agreement t \"T\"\ninclude \"points.truce\"\npoint 6\n  declaratory \"y\"\n", "points.truce", 3, 1,
                 "declarations only");
}

static void test_declared_twice_across_files(void **state) {
    (void)state;
    write_file("common.truce", common);
    expect_error("agreement t \"T\"\ninclude \"common.truce\"\nparty RU \"again\"\n", "main.truce", 3, 7,
                 "party 'RU' is declared twice");
}

static void test_replaces_errors(void **state) {
    (void)state;
    write_file("common.truce", common);
    expect_error("agreement t \"T\"\ninclude \"common.truce\"\npoint 4 replaces 4\n  declaratory \"x\"\n", "main.truce", 3,
                 1, "replaces itself");
    expect_error("agreement t \"T\"\ninclude \"common.truce\"\npoint 4 replaces 6\n  declaratory \"x\"\n"
                 "point 5 replaces 6\n  declaratory \"x\"\n", "main.truce", 5, 1, "points 4 and 5 both replace 6");
    expect_error("agreement t \"T\"\ninclude \"common.truce\"\npoint 4 replaces\n  declaratory \"x\"\n", "main.truce", 3,
                 17, "expected the label");
}

static void test_bundled_drafts(void **state) {
    (void)state;
    const char *drafts[] = {"../plans/ukraine-2025-11/plan.truce", "../plans/ukraine-2025-11/e3.truce",
                            "../plans/ukraine-2025-11/20-points.truce"};
    for (size_t i = 0; i < sizeof drafts / sizeof *drafts; i++) {
        diagnostics_t errors = {0};
        agreement_t *a = agreement_load(drafts[i], &errors);
        for (size_t j = 0; j < errors.count; j++)
            print_message("  %s:%d:%d: %s\n", errors.items[j].file, errors.items[j].line, errors.items[j].column,
                          errors.items[j].message);
        assert_non_null(a);
        assert_int_equal(a->party_count, 5);
        agreement_free(a);
        diagnostics_free(&errors);
    }
}

int main(void) {
    assert_non_null(mkdtemp(folder));
    geo_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_include_shares_declarations), cmocka_unit_test(test_missing_include),
        cmocka_unit_test(test_include_cycle), cmocka_unit_test(test_error_inside_include_names_that_file),
        cmocka_unit_test(test_point_in_include), cmocka_unit_test(test_declared_twice_across_files),
        cmocka_unit_test(test_replaces_errors), cmocka_unit_test(test_bundled_drafts),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    geo_finish();
    const char *names[] = {"common.truce", "main.truce", "a.truce", "b.truce", "bad.truce", "points.truce"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", folder, names[i]);
        unlink(path);
    }
    rmdir(folder);
    return failed;
}
