/* common: what several commands share — loading an agreement and printing
 * its diagnostics in the one shape `file:line:column: error: reason`. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/common.h"

agreement_t *cli_load_agreement(const char *path) {
    diagnostics_t errors = {0};
    agreement_t *agreement = agreement_load(path, &errors);
    cli_print_diagnostics(&errors);
    diagnostics_free(&errors);
    return agreement;
}

void cli_print_diagnostics(const diagnostics_t *errors) {
    for (size_t i = 0; i < errors->count; i++) {
        const diagnostic_t *d = &errors->items[i];
        if (d->line && d->column) fprintf(stderr, "%s:%d:%d: error: %s\n", d->file, d->line, d->column, d->message);
        else if (d->line) fprintf(stderr, "%s:%d: error: %s\n", d->file, d->line, d->message);
        else fprintf(stderr, "%s: error: %s\n", d->file, d->message);
    }
}

bool cli_parse_time(const char *text, time_ms_t *out) {
    size_t len = strlen(text);
    return time_parse_rfc3339(text, len, out) || time_parse_date(text, len, out);
}
