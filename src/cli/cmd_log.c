/* cli: `truce log` — the append-only record. `append` checks and stores
 * signed reports in group-committed batches (a line is acknowledged only once
 * its batch is durable); `sth`, `proof` and `entries` read it. docs/ledger.md. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "geo/geo.h"
#include "ledger/ledger.h"
#include "report/report.h"
#include "tlog/tlog.h"

static const char USAGE[] =
    "usage: truce log append --log DB --agreement FILE [--key COUNCIL_KEY] [--batch N]\n"
    "                        [--max-future DURATION] reports.jsonl...\n"
    "       truce log sth --log DB [--key COUNCIL_KEY [--agreement FILE]]\n"
    "       truce log proof --log DB --inclusion SOURCE/ID [--size N]\n"
    "       truce log proof --log DB --consistency OLD NEW\n"
    "       truce log entries --log DB START END\n"
    "       truce log checkpoint | tiles | vkey | receipt ...   (truce log checkpoint --help)\n\n"
    "append   checks each report (valid for the agreement, signed by its source's\n"
    "         registered key) and appends it; prints 'FILE:LINE: appended INDEX SOURCE/ID'\n"
    "         or 'FILE:LINE: duplicate INDEX SOURCE/ID' once its batch is committed,\n"
    "         'FILE:LINE: reason' on stderr for a rejected line, then a summary.\n"
    "         With --key, the council signs a tree head and a checkpoint at the\n"
    "         end (origin: --origin, or truce/<agreement name>). Creates DB.\n"
    "         A report dated more than --max-future after its receipt (this\n"
    "         machine's clock) is rejected, with the reason, and not stored.\n"
    "sth      prints the latest signed tree head (JSON); with --key, first signs\n"
    "         a new head at the current size (and a checkpoint once the log has\n"
    "         an origin; with --agreement, the key must be that agreement's\n"
    "         council key, whatever its source is called).\n"
    "proof    prints an inclusion proof for an entry (against the latest signed\n"
    "         head's size, or --size N) or a consistency proof between two sizes.\n"
    "entries  prints entries START (included) to END (excluded) as JSON Lines\n"
    "         {\"entry\":{...},\"index\":N}.\n\n"
    "options:\n"
    "  --log DB             the log (an SQLite file)\n"
    "  --agreement FILE     the agreement: vocabulary and key registry\n"
    "  --key COUNCIL_KEY    the council's secret key file, to sign tree heads\n"
    "  --batch N            reports per transaction (default 1000)\n"
    "  --max-future D       how far after its receipt a report may be dated: 90s, 10m,\n"
    "                       2h, 1d (default 10m); later ones are rejected\n"
    "  --origin ORIGIN      the log's name in its checkpoints (recorded once)\n"
    "  -h, --help           show this help\n\n"
    "exit: 0 done, 2 usage, 3 bad input (agreement, key, log), 4 some lines rejected, 5 internal\n";

typedef struct {
    const char *log, *agreement, *key, *inclusion, *consistency, *origin;
    long batch;
    time_ms_t max_future;
    uint64_t size;
    bool has_size;
} log_options_t;

static int usage_error(const char *message) { return cli_usage_error("log", message); }


/* Parses options after the subcommand; returns -1 for --help, 0 or an exit code. */
static int parse_options(int argc, char **argv, log_options_t *o) {
    static const struct option options[] = {
        {"log", required_argument, NULL, 'l'}, {"agreement", required_argument, NULL, 'a'},
        {"key", required_argument, NULL, 'k'}, {"batch", required_argument, NULL, 'b'},
        {"inclusion", required_argument, NULL, 'i'}, {"consistency", required_argument, NULL, 'c'},
        {"size", required_argument, NULL, 'n'}, {"max-future", required_argument, NULL, 'f'}, {"origin", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->batch = 1000;
    o->max_future = TIME_DEFAULT_MAX_FUTURE;
    uint64_t count;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'l': o->log = optarg; break;
        case 'a': o->agreement = optarg; break;
        case 'k': o->key = optarg; break;
        case 'i': o->inclusion = optarg; break;
        case 'c': o->consistency = optarg; break;
        case 'o': o->origin = optarg; break;
        case 'b':
            if (!cli_parse_count(optarg, &count) || count == 0 || count > 1000000) return usage_error("--batch must be 1 to 1000000");
            o->batch = (long)count;
            break;
        case 'n':
            if (!cli_parse_count(optarg, &o->size)) return usage_error("--size must be a non-negative integer");
            o->has_size = true;
            break;
        case 'f':
            if (!time_parse_duration(optarg, &o->max_future))
                return usage_error("--max-future must be a duration such as 90s, 10m, 2h or 1d");
            break;
        case 'h': fputs(USAGE, stdout); return -1;
        default: return usage_error("bad option");
        }
    }
    if (!o->log) return usage_error("--log DB is required");
    return 0;
}

/* ------------------------------------------------------------------ append
 *
 * Each batch goes through three steps: (1) on this thread, every line is
 * parsed, validated against the agreement and checked up to its signature; a
 * line byte-identical to a stored entry needs no more; (2) the signatures are
 * verified on every core; (3) on this thread, the batch is appended in input
 * order in one transaction and, once committed, acknowledged. */

#define MAX_VERIFIERS 8

/* A line checked up to its signature, waiting in the batch. Offsets point
 * into the batch's byte buffer. */
typedef struct {
    long number;
    bool known;                   /* already stored, byte for byte, as entry `index` */
    bool verified;                /* step 2's verdict */
    uint64_t index;
    size_t message, message_len;  /* what the signature covers */
    size_t entry, entry_len;      /* the canonical bytes to store */
    size_t source, source_len, id, id_len;
    uint8_t signature[LEDGER_SIGNATURE_SIZE];
    const uint8_t *key;
} pending_t;

typedef struct {
    ledger_t *ledger;
    const ledger_registry_t *registry;
    report_parser_t *parser;
    jcs_document_t *doc;
    buffer_t scratch, acks, bytes;
    pending_t *pending;
    size_t count, capacity, to_verify;
    long batch_size;
    time_ms_t max_future;         /* a report dated later than its receipt plus this is rejected */
    int verifiers;
    uint64_t appended, duplicates, rejected;
    bool failed;                  /* a database failure: stop, nothing more is acknowledged */
} appender_t;

static void reject(appender_t *a, const char *path, long number, const char *reason) {
    fprintf(stderr, "%s:%ld: %s\n", path, number, reason);
    a->rejected++;
}

static size_t keep_bytes(appender_t *a, const void *data, size_t len) {
    size_t offset = a->bytes.len;
    buffer_append(&a->bytes, data, len);
    return offset;
}

/* The stored entry with this line's (source, id), if its bytes are the same. */
static bool known_entry(appender_t *a, text_t source, text_t id, uint64_t *index) {
    char error[LEDGER_ERROR_SIZE];
    bool found;
    if (!ledger_find(a->ledger, source, id, index, &found, error, sizeof error) || !found) return false;
    a->scratch.len = 0;
    if (!ledger_entry(a->ledger, *index, &a->scratch, error, sizeof error)) return false;
    return a->scratch.len == a->pending[a->count].entry_len
        && memcmp(a->scratch.data, a->bytes.data + a->pending[a->count].entry, a->scratch.len) == 0;
}

/* Step 1 for one line: false (and printed) when the line is rejected. */
static bool check_line(appender_t *a, const char *path, long number, const char *line, size_t len) {
    char error[LEDGER_ERROR_SIZE];
    report_t report;
    if (!report_parse(a->parser, line, len, &report, error, sizeof error)
        || !jcs_parse(a->doc, line, len, error, sizeof error)) {
        reject(a, path, number, error);
        return false;
    }
    if (time_too_far_ahead(report.time, time_now(), a->max_future, error, sizeof error)) {
        reject(a, path, number, error);
        return false;
    }
    if (a->count == a->capacity) {
        a->capacity = a->capacity ? a->capacity * 2 : 1024;
        a->pending = xrealloc(a->pending, a->capacity * sizeof *a->pending);
    }
    pending_t *p = memset(&a->pending[a->count], 0, sizeof *p);
    p->number = number;
    const jcs_value_t *root = jcs_root(a->doc);
    text_t source, id;
    jcs_member_string(root, "source", &source);
    jcs_member_string(root, "id", &id);
    p->source = keep_bytes(a, source.ptr, source.len), p->source_len = source.len;
    p->id = keep_bytes(a, id.ptr, id.len), p->id_len = id.len;
    p->entry = a->bytes.len;
    jcs_serialize(root, NULL, &a->bytes);
    p->entry_len = a->bytes.len - p->entry;
    if ((p->known = known_entry(a, source, id, &p->index))) return true;
    p->message = a->bytes.len;
    if (ledger_prepare_report_check(a->doc, a->registry, &a->bytes, p->signature, &p->key, error, sizeof error)
        != SIGNATURE_VALID) {
        reject(a, path, number, error);
        return false;
    }
    p->message_len = a->bytes.len - p->message;
    a->to_verify++;
    return true;
}

typedef struct {
    appender_t *a;
    size_t first;
    pthread_t thread;
} verifier_t;

static void *verify_share(void *context) {
    verifier_t *v = context;
    appender_t *a = v->a;
    for (size_t i = v->first; i < a->count; i += (size_t)a->verifiers) {
        pending_t *p = &a->pending[i];
        if (!p->known)
            p->verified = ledger_signature_verifies(a->bytes.data + p->message, p->message_len, p->signature, p->key);
    }
    return NULL;
}

/* Step 2: every core takes every n-th line. */
static void verify_batch(appender_t *a) {
    verifier_t v[MAX_VERIFIERS];
    int started = 0;
    for (int i = 1; i < a->verifiers && a->to_verify > 64; i++) {
        v[i] = (verifier_t){a, (size_t)i, 0};
        if (pthread_create(&v[i].thread, NULL, verify_share, &v[i]) != 0) break;
        started = i;
    }
    for (size_t first = 0; first < (size_t)a->verifiers; first++) {
        if (first != 0 && (int)first <= started) continue;
        v[0] = (verifier_t){a, first, 0};
        verify_share(&v[0]);
    }
    for (int i = 1; i <= started; i++) pthread_join(v[i].thread, NULL);
}

static void flush_acks(appender_t *a) {
    if (a->acks.len) fwrite(a->acks.data, 1, a->acks.len, stdout);
    fflush(stdout);
    a->acks.len = 0;
}

static void acknowledge(appender_t *a, const char *path, const pending_t *p, const char *what, const char *note) {
    buffer_printf(&a->acks, "%s:%ld: %s %llu %.*s/%.*s%s\n", path, p->number, what, (unsigned long long)p->index,
                  (int)p->source_len, a->bytes.data + p->source, (int)p->id_len, a->bytes.data + p->id, note);
}

/* Step 3 for one line. False on a database failure. */
static bool store(appender_t *a, const char *path, pending_t *p) {
    char error[LEDGER_ERROR_SIZE];
    if (p->known) {
        acknowledge(a, path, p, "duplicate", "");
        a->duplicates++;
        return true;
    }
    if (!p->verified) {
        snprintf(error, sizeof error, "bad signature: does not verify against the registered key of '%.*s'",
                 (int)p->source_len, a->bytes.data + p->source);
        reject(a, path, p->number, error);
        return true;
    }
    bool same;
    text_t source = {a->bytes.data + p->source, p->source_len}, id = {a->bytes.data + p->id, p->id_len};
    append_result_t r = ledger_append(a->ledger, source, id, a->bytes.data + p->entry, p->entry_len, &p->index, &same,
                                      error, sizeof error);
    if (r == APPEND_FAILED) {
        cli_error("storing %s:%ld: %s", path, p->number, error);
        return false;
    }
    acknowledge(a, path, p, r == APPEND_STORED ? "appended" : "duplicate",
                r == APPEND_DUPLICATE && !same ? " (differs from the stored entry, which stands)" : "");
    if (r == APPEND_STORED) a->appended++;
    else a->duplicates++;
    return true;
}

/* Steps 2 and 3 for the lines gathered so far. */
static void run_batch(appender_t *a, const char *path) {
    char error[LEDGER_ERROR_SIZE];
    verify_batch(a);
    bool open = a->to_verify > 0;
    if (open && !ledger_begin(a->ledger, error, sizeof error)) {
        cli_error("%s", error);
        a->failed = true;
    }
    for (size_t i = 0; i < a->count && !a->failed; i++)
        if (!store(a, path, &a->pending[i])) a->failed = true;
    if (!a->failed && open && !ledger_commit(a->ledger, error, sizeof error)) {
        cli_error("committing to the log: %s", error);
        a->failed = true;
    }
    if (a->failed) {
        if (open) ledger_rollback(a->ledger);
        a->acks.len = 0;          /* nothing of this batch is claimed */
    }
    flush_acks(a);
    a->count = a->to_verify = 0;
    a->bytes.len = 0;
}

static bool append_line(void *context, const char *path, long number, const char *line, size_t len) {
    appender_t *a = context;
    if (!check_line(a, path, number, line, len)) return true;
    a->count++;
    if (a->to_verify >= (size_t)a->batch_size || a->count >= 4 * (size_t)a->batch_size) run_batch(a, path);
    return !a->failed;
}

static int append_file(appender_t *a, const char *path) {
    int status = cli_each_line(path, append_line, a);
    if (!a->failed && a->count) run_batch(a, path); /* what was read before any read error */
    return status;
}

/* Signs a head and, when an origin is known (given, recorded, or the
 * agreement's default), a checkpoint of it. */
static bool sign_head(ledger_t *ledger, const ledger_secret_key_t *key, FILE *out, const char *origin,
                      const char *agreement_name) {
    ledger_tree_head_t head;
    char error[LEDGER_ERROR_SIZE];
    if (!ledger_sign_tree_head(ledger, key, &head, error, sizeof error)) {
        cli_error("signing a tree head: %s", error);
        return false;
    }
    buffer_t json = {0}, recorded = {0};
    ledger_head_to_json(&head, &json);
    fprintf(out, "%s\n", json.data);
    buffer_free(&json);
    bool known = origin || agreement_name, ok = true;
    if (!known && !tlog_log_origin(ledger, &recorded, &known, error, sizeof error)) known = false;
    if (known) ok = cli_sign_checkpoint(ledger, key, origin, agreement_name, NULL);
    buffer_free(&recorded);
    return ok;
}

static int append_all(appender_t *a, int argc, char **argv, const ledger_secret_key_t *council,
                      const char *origin, const char *agreement_name) {
    int status = EXIT_OK;
    for (int i = optind; i < argc && !a->failed; i++) {
        int file_status = append_file(a, argv[i]);
        if (file_status != EXIT_OK) status = file_status;
    }
    if (a->failed) return EXIT_INTERNAL;
    if (council) {
        fputs("tree head: ", stdout);
        if (!sign_head(a->ledger, council, stdout, origin, agreement_name)) return EXIT_INTERNAL;
    }
    printf("appended %llu, duplicates %llu, rejected %llu; log size %llu\n", (unsigned long long)a->appended,
           (unsigned long long)a->duplicates, (unsigned long long)a->rejected,
           (unsigned long long)ledger_size(a->ledger));
    return status != EXIT_OK ? status : a->rejected ? EXIT_REJECTS : EXIT_OK;
}

static int run_append(const log_options_t *o, int argc, char **argv) {
    if (!o->agreement) return usage_error("append needs --agreement FILE");
    if (optind >= argc) return usage_error("name at least one reports file ('-' for standard input)");
    geo_init();
    agreement_t *agreement = cli_load_agreement(o->agreement);
    if (!agreement) { geo_finish(); return EXIT_INPUT; }
    ledger_registry_t *registry = ledger_registry_from_agreement(agreement);
    ledger_secret_key_t council;
    char error[LEDGER_ERROR_SIZE];
    int status = EXIT_OK;
    ledger_t *ledger = NULL;
    if (o->key && !cli_load_council_key(o->key, registry, &council)) status = EXIT_INPUT;
    if (status == EXIT_OK && !(ledger = ledger_open(o->log, LEDGER_CREATE, error, sizeof error))) {
        cli_error("%s", error);
        status = EXIT_INPUT;
    }
    if (status == EXIT_OK) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        appender_t a = {.ledger = ledger, .registry = registry, .parser = report_parser_new(agreement),
                        .doc = jcs_document_new(), .batch_size = o->batch, .max_future = o->max_future,
                        .verifiers = cores < 1 ? 1 : cores > MAX_VERIFIERS ? MAX_VERIFIERS : (int)cores};
        status = append_all(&a, argc, argv, o->key ? &council : NULL, o->origin, agreement->name);
        report_parser_free(a.parser);
        jcs_document_free(a.doc);
        buffer_free(&a.bytes);
        buffer_free(&a.scratch);
        buffer_free(&a.acks);
        free(a.pending);
    }
    ledger_close(ledger);
    if (o->key) ledger_key_wipe(&council);
    ledger_registry_free(registry);
    agreement_free(agreement);
    geo_finish();
    return status;
}

/* ------------------------------------------------------------ read commands */

static ledger_t *open_log(const char *path, ledger_mode_t mode) {
    char error[LEDGER_ERROR_SIZE];
    ledger_t *ledger = ledger_open(path, mode, error, sizeof error);
    if (!ledger) cli_error("%s", error);
    return ledger;
}

/* With --agreement, the key must be its council's; without, truce verify
 * checks every head against the agreement later. */
static bool load_sth_key(const log_options_t *o, ledger_secret_key_t *council) {
    if (!o->agreement) return cli_load_council_key(o->key, NULL, council);
    geo_init();
    agreement_t *agreement = cli_load_agreement(o->agreement);
    ledger_registry_t *registry = agreement ? ledger_registry_from_agreement(agreement) : NULL;
    bool ok = registry && cli_load_council_key(o->key, registry, council);
    ledger_registry_free(registry);
    agreement_free(agreement);
    geo_finish();
    return ok;
}

static int run_sth(const log_options_t *o) {
    ledger_secret_key_t council;
    if (o->key && !load_sth_key(o, &council)) return EXIT_INPUT;
    ledger_t *ledger = open_log(o->log, o->key ? LEDGER_READ_WRITE : LEDGER_READ_ONLY);
    int status = ledger ? EXIT_OK : EXIT_INPUT;
    if (ledger && o->key) status = sign_head(ledger, &council, stdout, o->origin, NULL) ? EXIT_OK : EXIT_INTERNAL;
    if (ledger && !o->key) {
        ledger_tree_head_t head;
        bool found;
        char error[LEDGER_ERROR_SIZE];
        if (!ledger_latest_head(ledger, &head, &found, error, sizeof error)) { cli_error("%s", error); status = EXIT_INPUT; }
        else if (!found) { cli_error("%s: no signed tree head yet (sign one with --key COUNCIL_KEY)", o->log); status = EXIT_INPUT; }
        else {
            buffer_t json = {0};
            ledger_head_to_json(&head, &json);
            printf("%s\n", json.data);
            buffer_free(&json);
        }
    }
    if (o->key) ledger_key_wipe(&council);
    ledger_close(ledger);
    return status;
}

/* Prints a proof's JSON, or the reason there is none; frees the JSON. */
static int print_proof(bool ok, buffer_t *json, const char *error) {
    if (ok) printf("%s\n", json->data);
    else cli_error("%s", error);
    buffer_free(json);
    return ok ? EXIT_OK : EXIT_INPUT;
}

/* The size proofs default to: the latest signed head's, else the log's. */
static bool default_size(ledger_t *ledger, uint64_t *size) {
    ledger_tree_head_t head;
    bool found;
    char error[LEDGER_ERROR_SIZE];
    if (!ledger_latest_head(ledger, &head, &found, error, sizeof error)) { cli_error("%s", error); return false; }
    *size = found ? head.tree_size : ledger_size(ledger);
    return true;
}

static int prove_inclusion(ledger_t *ledger, const log_options_t *o) {
    const char *slash = strchr(o->inclusion, '/');
    if (!slash) return usage_error("--inclusion takes SOURCE/ID, e.g. party:UA/r-17");
    text_t source = {o->inclusion, (size_t)(slash - o->inclusion)}, id = text_of(slash + 1);
    uint64_t index, size = o->size;
    bool found;
    char error[LEDGER_ERROR_SIZE];
    if (!ledger_find(ledger, source, id, &index, &found, error, sizeof error)) { cli_error("%s", error); return EXIT_INTERNAL; }
    if (!found) { cli_error("%s: no entry %s in the log", o->log, o->inclusion); return EXIT_INPUT; }
    if (!o->has_size && !default_size(ledger, &size)) return EXIT_INPUT;
    if (index >= size) {
        cli_error("%s is entry %llu, not in the tree of size %llu (sign a newer head, or give --size)", o->inclusion,
                  (unsigned long long)index, (unsigned long long)size);
        return EXIT_INPUT;
    }
    ledger_inclusion_proof_t *proof = xmalloc(sizeof *proof);
    bool ok = ledger_prove_inclusion(ledger, index, size, proof, error, sizeof error);
    buffer_t json = {0};
    if (ok) ledger_inclusion_to_json(proof, &json);
    free(proof);
    return print_proof(ok, &json, error);
}

static int prove_consistency(ledger_t *ledger, const log_options_t *o, int argc, char **argv) {
    uint64_t old_size, new_size;
    if (optind + 1 != argc || !cli_parse_count(o->consistency, &old_size) || !cli_parse_count(argv[optind], &new_size))
        return usage_error("--consistency takes two tree sizes: OLD NEW");
    ledger_consistency_proof_t *proof = xmalloc(sizeof *proof);
    char error[LEDGER_ERROR_SIZE];
    bool ok = ledger_prove_consistency(ledger, old_size, new_size, proof, error, sizeof error);
    buffer_t json = {0};
    if (ok) ledger_consistency_to_json(proof, &json);
    free(proof);
    return print_proof(ok, &json, error);
}

static int run_proof(const log_options_t *o, int argc, char **argv) {
    if (!o->inclusion == !o->consistency) return usage_error("proof needs exactly one of --inclusion or --consistency");
    if (o->inclusion && optind != argc) return usage_error("unexpected arguments after --inclusion");
    ledger_t *ledger = open_log(o->log, LEDGER_READ_ONLY);
    if (!ledger) return EXIT_INPUT;
    int status = o->inclusion ? prove_inclusion(ledger, o) : prove_consistency(ledger, o, argc, argv);
    ledger_close(ledger);
    return status;
}

static bool print_entry(void *context, uint64_t index, const char *bytes, size_t len) {
    (void)context;
    fputs("{\"entry\":", stdout);
    fwrite(bytes, 1, len, stdout);
    printf(",\"index\":%llu}\n", (unsigned long long)index);
    return !ferror(stdout);
}

static int run_entries(const log_options_t *o, int argc, char **argv) {
    uint64_t start, end;
    if (optind + 2 != argc || !cli_parse_count(argv[optind], &start) || !cli_parse_count(argv[optind + 1], &end) || end < start)
        return usage_error("entries takes START END (END excluded, END >= START)");
    ledger_t *ledger = open_log(o->log, LEDGER_READ_ONLY);
    if (!ledger) return EXIT_INPUT;
    if (end > ledger_size(ledger)) end = ledger_size(ledger);
    char error[LEDGER_ERROR_SIZE];
    bool ok = start >= end || ledger_foreach(ledger, start, end, print_entry, NULL, error, sizeof error);
    if (!ok) cli_error("%s", error);
    ledger_close(ledger);
    return ok ? EXIT_OK : EXIT_INPUT;
}

int cmd_log(int argc, char **argv) {
    if (argc < 2) return usage_error("log needs a subcommand: append, sth, proof, entries, checkpoint, tiles or vkey");
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) { fputs(USAGE, stdout); return EXIT_OK; }
    if (!strcmp(sub, "checkpoint") || !strcmp(sub, "tiles") || !strcmp(sub, "vkey") || !strcmp(sub, "receipt")) {
        if (!ledger_init()) { cli_error("cannot initialize libsodium"); return EXIT_INTERNAL; }
        return cmd_log_tlog(sub, argc - 1, argv + 1);
    }
    log_options_t o;
    int status = parse_options(argc - 1, argv + 1, &o);
    if (status) return status < 0 ? EXIT_OK : status;
    if (!ledger_init()) { cli_error("cannot initialize libsodium"); return EXIT_INTERNAL; }
    argc--, argv++;
    if (!strcmp(sub, "append")) return run_append(&o, argc, argv);
    if (!strcmp(sub, "sth")) return optind == argc ? run_sth(&o) : usage_error("sth takes no arguments");
    if (!strcmp(sub, "proof")) return run_proof(&o, argc, argv);
    if (!strcmp(sub, "entries")) return run_entries(&o, argc, argv);
    cli_error("unknown log subcommand '%s' (append, sth, proof, entries, checkpoint, tiles, vkey, receipt)", sub);
    return EXIT_USAGE;
}
