/* report_fuzz: libFuzzer target for the report parser. The input is split
 * into lines as `truce check` does (newline, trailing CR dropped) and every
 * line goes through report_parse against the reference plan; the whole input
 * is also parsed as one line. Build and run: fuzz/run.sh report SECONDS. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static report_parser_t *parser;

static void load(void) {
    const char *path = getenv("TRUCE_PLAN");
    geo_init();
    diagnostics_t errors = {0};
    agreement_t *plan = agreement_load(path ? path : "plans/ukraine-2025-11/plan.truce", &errors);
    if (!plan) {
        fprintf(stderr, "report_fuzz: cannot load the plan (run from the repository root or set TRUCE_PLAN)\n");
        abort();
    }
    diagnostics_free(&errors);
    parser = report_parser_new(plan); /* kept for the whole run */
}

/* Parses one line from a heap copy of exactly its bytes, so that ASan sees
 * any read past its end. */
static void parse_line(const uint8_t *data, size_t len) {
    char *copy = malloc(len ? len : 1);
    if (len) memcpy(copy, data, len);
    report_t report;
    char reason[320];
    if (report_parse(parser, copy, len, &report, reason, sizeof reason)) {
        if (report.id.len == 0 || report.kind < 0) abort(); /* accepted reports are complete */
    } else if (!reason[0]) {
        abort(); /* every rejection says why */
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!parser) load();
    parse_line(data, size);
    const uint8_t *p = data, *end = data + size;
    while (p < end) {
        const uint8_t *newline = memchr(p, '\n', (size_t)(end - p));
        size_t len = newline ? (size_t)(newline - p) : (size_t)(end - p);
        size_t kept = len && p[len - 1] == '\r' ? len - 1 : len;
        parse_line(p, kept);
        p += len + (newline != NULL);
    }
    return 0;
}
