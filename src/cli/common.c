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

bool cli_load_council_key(const char *path, const ledger_registry_t *registry, ledger_secret_key_t *key) {
    char error[LEDGER_ERROR_SIZE];
    if (!ledger_key_read(path, key, error, sizeof error)) {
        cli_error("%s", error);
        return false;
    }
    if (strcmp(key->source, LEDGER_COUNCIL_SOURCE) != 0) {
        cli_error("%s: tree heads and records are signed by the council's key, this one is %s's", path, key->source);
        return false;
    }
    const uint8_t *registered = NULL;
    if (registry && ledger_registry_find(registry, text_of(LEDGER_COUNCIL_SOURCE), &registered) == REGISTRY_KEY &&
        memcmp(registered, key->public_key, LEDGER_PUBLIC_KEY_SIZE) != 0) {
        cli_error("%s: this council key is not the one the agreement registers", path);
        return false;
    }
    return true;
}
