/* cli: `truce log checkpoint | tiles | vkey` — the log in the open C2SP
 * formats: the council's checkpoints (signed notes), the verifier key that
 * checks them, and the static tiles any web server can serve. docs/ledger.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "ledger/ledger.h"
#include "tlog/tlog.h"

static const char USAGE[] =
    "usage: truce log checkpoint --log DB [--key COUNCIL_KEY] [--origin ORIGIN | --agreement FILE]\n"
    "       truce log tiles --log DB --out DIR\n"
    "       truce log vkey (--agreement FILE | --key COUNCIL_KEY) [--origin ORIGIN | --log DB]\n"
    "       truce log receipt --log DB --entry SOURCE/ID\n\n"
    "checkpoint  prints the latest checkpoint (a C2SP signed note: origin, size,\n"
    "            base64 root, the council's signature). With --key, first signs a\n"
    "            tree head if the log grew, then a checkpoint of the latest head:\n"
    "            this also converts a log made before checkpoints existed.\n"
    "tiles       writes the latest checkpoint and the tiles it needs under DIR\n"
    "            (tlog-tiles layout), incrementally; any web server can serve DIR.\n"
    "vkey        prints the council's verifier key for the log's origin.\n"
    "receipt     prints a receipt for an entry (c2sp.org/tlog-proof: its index, the\n"
    "            inclusion proof and the latest, possibly cosigned, checkpoint),\n"
    "            which `truce verify --receipt` checks offline.\n\n"
    "The origin names the log in every checkpoint. It is recorded in the log when\n"
    "the first checkpoint is signed and never changes: --origin, or by default\n"
    "truce/<agreement name> (--agreement).\n\n"
    "options:\n"
    "  --log DB             the log (an SQLite file)\n"
    "  --key COUNCIL_KEY    the council's secret key file\n"
    "  --origin ORIGIN      the log's origin, e.g. council.example/AGREEMENT-NAME\n"
    "  --agreement FILE     the agreement: its name gives the default origin, its\n"
    "                       registry the council's public key\n"
    "  --out DIR            where tiles go\n"
    "  -h, --help           show this help\n\n"
    "exit: 0 done, 2 usage, 3 bad input (log, key, agreement, no checkpoint), 5 internal\n";

typedef struct {
    const char *log, *key, *origin, *agreement, *out, *entry;
} tlog_options_t;

static int usage_error(const char *message) { return cli_usage_error("log", message); }

static int parse_options(int argc, char **argv, tlog_options_t *o) {
    static const struct option options[] = {
        {"log", required_argument, NULL, 'l'}, {"key", required_argument, NULL, 'k'},
        {"origin", required_argument, NULL, 'o'}, {"agreement", required_argument, NULL, 'a'},
        {"out", required_argument, NULL, 'd'}, {"entry", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'l': o->log = optarg; break;
        case 'k': o->key = optarg; break;
        case 'o': o->origin = optarg; break;
        case 'a': o->agreement = optarg; break;
        case 'd': o->out = optarg; break;
        case 'e': o->entry = optarg; break;
        case 'h': fputs(USAGE, stdout); return -1;
        default: return usage_error("bad option");
        }
    }
    if (optind != argc) return usage_error("unexpected arguments");
    return 0;
}

bool cli_sign_checkpoint(ledger_t *ledger, const ledger_secret_key_t *council, const char *origin,
                         const char *agreement_name, buffer_t *out) {
    char fallback[TLOG_MAX_NAME], error[LEDGER_ERROR_SIZE];
    if (agreement_name) tlog_default_origin(agreement_name, fallback);
    if (tlog_checkpoint_sign(ledger, council, origin, agreement_name ? fallback : NULL, out, error, sizeof error))
        return true;
    cli_error("signing a checkpoint: %s", error);
    return false;
}

/* Signs a head when the log grew past the latest one (or has none). */
static bool head_up_to_date(ledger_t *ledger, const ledger_secret_key_t *council) {
    ledger_tree_head_t head;
    bool found;
    char error[LEDGER_ERROR_SIZE];
    bool ok = ledger_latest_head(ledger, &head, &found, error, sizeof error)
           && ((found && head.tree_size == ledger_size(ledger))
               || ledger_sign_tree_head(ledger, council, &head, error, sizeof error));
    if (!ok) cli_error("%s", error);
    return ok;
}

static int run_checkpoint(const tlog_options_t *o) {
    if (!o->log) return usage_error("checkpoint needs --log DB");
    agreement_t *agreement = NULL;
    ledger_registry_t *registry = NULL;
    ledger_secret_key_t council;
    int status = EXIT_OK;
    if (o->agreement && !(agreement = cli_load_agreement(o->agreement))) return EXIT_INPUT;
    if (agreement) registry = ledger_registry_from_agreement(agreement);
    if (o->key && !cli_load_council_key(o->key, registry, &council)) status = EXIT_INPUT;
    char error[LEDGER_ERROR_SIZE];
    ledger_t *ledger = status ? NULL : ledger_open(o->log, o->key ? LEDGER_READ_WRITE : LEDGER_READ_ONLY, error,
                                                   sizeof error);
    if (!status && !ledger) { cli_error("%s", error); status = EXIT_INPUT; }
    buffer_t note = {0};
    bool found = false;
    if (ledger && o->key)
        status = head_up_to_date(ledger, &council)
                 && cli_sign_checkpoint(ledger, &council, o->origin, agreement ? agreement->name : NULL, &note)
                 ? EXIT_OK : EXIT_INTERNAL;
    else if (ledger && !ledger_latest_checkpoint(ledger, &note, NULL, NULL, &found, error, sizeof error)) {
        cli_error("%s", error);
        status = EXIT_INPUT;
    } else if (ledger && !found) {
        cli_error("%s: no checkpoint yet (sign one with --key COUNCIL_KEY)", o->log);
        status = EXIT_INPUT;
    }
    if (status == EXIT_OK) fwrite(note.data, 1, note.len, stdout);
    buffer_free(&note);
    ledger_close(ledger);
    if (o->key) ledger_key_wipe(&council);
    ledger_registry_free(registry);
    agreement_free(agreement);
    return status;
}

static int run_tiles(const tlog_options_t *o) {
    if (!o->log || !o->out) return usage_error("tiles needs --log DB and --out DIR");
    char error[LEDGER_ERROR_SIZE];
    ledger_t *ledger = ledger_open(o->log, LEDGER_READ_ONLY, error, sizeof error);
    if (!ledger) { cli_error("%s", error); return EXIT_INPUT; }
    tlog_export_stats_t stats;
    bool ok = tlog_export(ledger, o->out, &stats, error, sizeof error);
    if (ok)
        printf("%s: tree size %llu: %llu tiles written (%llu bytes), %llu kept\n", o->out,
               (unsigned long long)stats.tree_size, (unsigned long long)stats.tiles_written,
               (unsigned long long)stats.bytes_written, (unsigned long long)stats.tiles_kept);
    else cli_error("%s", error);
    ledger_close(ledger);
    return ok ? EXIT_OK : strstr(error, "no checkpoint") ? EXIT_INPUT : EXIT_INTERNAL;
}

/* The origin to name: --origin, else the log's, else the agreement's default. */
static bool choose_origin(const tlog_options_t *o, const agreement_t *agreement, char out[TLOG_MAX_NAME]) {
    if (o->origin) { snprintf(out, TLOG_MAX_NAME, "%s", o->origin); return true; }
    if (o->log) {
        char error[LEDGER_ERROR_SIZE];
        ledger_t *ledger = ledger_open(o->log, LEDGER_READ_ONLY, error, sizeof error);
        buffer_t stored = {0};
        bool found = false;
        if (!ledger || !tlog_log_origin(ledger, &stored, &found, error, sizeof error)) cli_error("%s", error);
        if (found) snprintf(out, TLOG_MAX_NAME, "%.*s", (int)stored.len, stored.data);
        buffer_free(&stored);
        ledger_close(ledger);
        if (found) return true;
        if (ledger) cli_error("%s: no origin recorded yet (no checkpoint signed)", o->log);
        if (!agreement) return false;
    }
    if (!agreement) { cli_error("give --origin, --log DB or --agreement FILE to name the origin"); return false; }
    tlog_default_origin(agreement->name, out);
    return true;
}

static int run_vkey(const tlog_options_t *o) {
    if (!o->agreement == !o->key) return usage_error("vkey needs --agreement FILE or --key COUNCIL_KEY");
    agreement_t *agreement = o->agreement ? cli_load_agreement(o->agreement) : NULL;
    if (o->agreement && !agreement) return EXIT_INPUT;
    uint8_t key[LEDGER_PUBLIC_KEY_SIZE];
    int status = EXIT_OK;
    if (agreement) {
        ledger_registry_t *registry = ledger_registry_from_agreement(agreement);
        const uint8_t *found = NULL;
        if (ledger_registry_council_key(registry, &found) == REGISTRY_KEY)
            memcpy(key, found, sizeof key);
        else { cli_error("%s: the agreement registers no key for its council", o->agreement); status = EXIT_INPUT; }
        ledger_registry_free(registry);
    } else {
        ledger_secret_key_t council;
        if (cli_load_council_key(o->key, NULL, &council)) memcpy(key, council.public_key, sizeof key);
        else status = EXIT_INPUT;
        ledger_key_wipe(&council);
    }
    char origin[TLOG_MAX_NAME], error[LEDGER_ERROR_SIZE];
    tlog_verifier_t verifier;
    if (status == EXIT_OK && !choose_origin(o, agreement, origin)) status = EXIT_INPUT;
    if (status == EXIT_OK && !tlog_council_verifier(origin, key, &verifier, error, sizeof error)) {
        cli_error("%s", error);
        status = EXIT_INPUT;
    }
    if (status == EXIT_OK) {
        buffer_t out = {0};
        tlog_verifier_format(&verifier, &out);
        printf("%.*s\n", (int)out.len, out.data);
        buffer_free(&out);
    }
    agreement_free(agreement);
    return status;
}

static int run_receipt(const tlog_options_t *o) {
    const char *slash = o->entry ? strchr(o->entry, '/') : NULL;
    if (!o->log || !slash) return usage_error("receipt needs --log DB and --entry SOURCE/ID");
    char error[LEDGER_ERROR_SIZE];
    ledger_t *ledger = ledger_open(o->log, LEDGER_READ_ONLY, error, sizeof error);
    if (!ledger) { cli_error("%s", error); return EXIT_INPUT; }
    buffer_t note = {0}, receipt = {0};
    uint64_t index = 0;
    bool found = false, have_checkpoint = false;
    int status = EXIT_INPUT;
    if (!ledger_find(ledger, (text_t){o->entry, (size_t)(slash - o->entry)}, text_of(slash + 1), &index, &found, error,
                     sizeof error)
        || !ledger_latest_checkpoint(ledger, &note, NULL, NULL, &have_checkpoint, error, sizeof error))
        cli_error("%s", error);
    else if (!found) cli_error("%s: no entry %s in the log", o->log, o->entry);
    else if (!have_checkpoint) cli_error("%s: no checkpoint yet", o->log);
    else if (!tlog_receipt_make(ledger, index, note.data, note.len, &receipt, error, sizeof error))
        cli_error("%s: %s (sign a newer checkpoint?)", o->entry, error);
    else {
        fwrite(receipt.data, 1, receipt.len, stdout);
        status = EXIT_OK;
    }
    buffer_free(&receipt);
    buffer_free(&note);
    ledger_close(ledger);
    return status;
}

int cmd_log_tlog(const char *sub, int argc, char **argv) {
    tlog_options_t o;
    int status = parse_options(argc, argv, &o);
    if (status) return status < 0 ? EXIT_OK : status;
    if (!strcmp(sub, "checkpoint")) return run_checkpoint(&o);
    if (!strcmp(sub, "tiles")) return run_tiles(&o);
    if (!strcmp(sub, "receipt")) return run_receipt(&o);
    return run_vkey(&o);
}
