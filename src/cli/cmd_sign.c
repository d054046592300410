/* cli: `truce sign` — adds a `sig` to each report line: Ed25519 by the
 * source's secret key over the RFC 8785 form of the report without `sig`.
 * Writes each report back in canonical form. Rule: docs/signing.md. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "ledger/ledger.h"
#include "report/report.h"

static const char USAGE[] =
    "usage: truce sign --key FILE [-o OUT] reports.jsonl...\n\n"
    "Signs every report with the secret key in FILE (made by truce keygen) and\n"
    "writes the signed reports, one canonical JSON object per line, to standard\n"
    "output or OUT. A report whose \"source\" is not the key's source is refused\n"
    "with file:line and the reason, and signing goes on with the next line.\n"
    "'-' reads standard input.\n\n"
    "options:\n"
    "  --key FILE      the secret key file\n"
    "  -o, --out OUT   write to OUT instead of standard output\n"
    "  -h, --help      show this help\n\n"
    "exit: 0 all signed, 3 an input could not be read, 4 some lines refused\n";

typedef struct {
    const ledger_secret_key_t *key;
    jcs_document_t *doc;
    buffer_t signed_line;
    FILE *out;
    long signed_count, refused;
} signer_t;


static bool sign_line(void *context, const char *path, long number, const char *line, size_t len) {
    signer_t *s = context;
    char error[LEDGER_ERROR_SIZE];
    s->signed_line.len = 0;
    if (!jcs_parse(s->doc, line, len, error, sizeof error)
        || !ledger_sign_report(s->doc, s->key, &s->signed_line, error, sizeof error)) {
        fprintf(stderr, "%s:%ld: %s\n", path, number, error);
        s->refused++;
        return true;
    }
    buffer_append(&s->signed_line, "\n", 1);
    fwrite(s->signed_line.data, 1, s->signed_line.len, s->out);
    s->signed_count++;
    return true;
}

static int sign_file(signer_t *s, const char *path) { return cli_each_line(path, sign_line, s); }

static int usage_error(const char *message) { return cli_usage_error("sign", message); }

static int sign_all(signer_t *s, int argc, char **argv) {
    int status = EXIT_OK;
    for (int i = optind; i < argc; i++) {
        int file_status = sign_file(s, argv[i]);
        if (file_status != EXIT_OK) status = file_status;
    }
    if (fflush(s->out) != 0 || ferror(s->out)) {
        cli_error("writing the signed reports: %s", strerror(errno));
        return EXIT_INTERNAL;
    }
    fprintf(stderr, "signed %ld, refused %ld\n", s->signed_count, s->refused);
    return status != EXIT_OK ? status : s->refused ? EXIT_REJECTS : EXIT_OK;
}

int cmd_sign(int argc, char **argv) {
    static const struct option options[] = {
        {"key", required_argument, NULL, 'k'}, {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *key_path = NULL, *out_path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:o:h", options, NULL)) != -1) {
        if (c == 'k') key_path = optarg;
        else if (c == 'o') out_path = optarg;
        else if (c == 'h') { fputs(USAGE, stdout); return EXIT_OK; }
        else return usage_error("bad option");
    }
    if (!key_path) return usage_error("--key FILE is required");
    if (optind >= argc) return usage_error("name at least one reports file ('-' for standard input)");
    if (!ledger_init()) { cli_error("cannot initialize libsodium"); return EXIT_INTERNAL; }
    ledger_secret_key_t key;
    char error[LEDGER_ERROR_SIZE];
    if (!ledger_key_read(key_path, &key, error, sizeof error)) { cli_error("%s", error); return EXIT_INPUT; }
    signer_t s = {.key = &key, .doc = jcs_document_new(), .out = stdout};
    if (out_path && !(s.out = fopen(out_path, "w"))) {
        cli_error("%s: %s", out_path, strerror(errno));
        s.out = NULL;
    }
    int status = s.out ? sign_all(&s, argc, argv) : EXIT_INPUT;
    if (s.out && s.out != stdout && fclose(s.out) != 0 && status == EXIT_OK) status = EXIT_INTERNAL;
    jcs_document_free(s.doc);
    buffer_free(&s.signed_line);
    ledger_key_wipe(&key);
    return status;
}
