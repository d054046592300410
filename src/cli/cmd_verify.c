/* cli: `truce verify` — checks a whole log end to end and names every entry,
 * subtree or tree head that fails; or, offline, checks an inclusion or a
 * consistency proof against council-signed tree heads. docs/ledger.md. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "geo/geo.h"
#include "ledger/ledger.h"
#include "report/report.h"
#include "tlog/tlog.h"

static const char USAGE[] =
    "usage: truce verify --log DB --agreement FILE [--checkpoint FILE]... [--policy FILE] [--origin ORIGIN]\n"
    "       truce verify --inclusion PROOF.json --sth STH.json --entry ENTRY (--council-key BASE64 | --agreement FILE)\n"
    "       truce verify --receipt FILE --entry ENTRY (--council-key BASE64 | --agreement FILE) [--policy FILE] [--origin ORIGIN]\n"
    "       truce verify --consistency PROOF.json --old STH.json --new STH.json (--council-key BASE64 | --agreement FILE)\n\n"
    "The first form checks a log end to end: the database's integrity, every\n"
    "entry (canonical, a valid report, signed by its source's registered key),\n"
    "every leaf and subtree hash, every tree head (its root and the council's\n"
    "signature) and the consistency of successive heads, every stored checkpoint,\n"
    "and each checkpoint a party kept (--checkpoint FILE, repeatable): it must\n"
    "carry the council's signature for the log's origin, and the log must still\n"
    "hold its size with the same root, or the log was rolled back or rewritten.\n"
    "Each problem is printed on its own line, naming the entry, tree head or\n"
    "checkpoint. The origin is the log's recorded one unless --origin is given.\n"
    "With --policy FILE (c2sp.org/tlog-policy: witnesses and a quorum), the kept\n"
    "checkpoints and the log's latest one must also carry the quorum's cosignatures.\n\n"
    "The other forms need no log: a party holding a signed tree head checks that\n"
    "an entry (a report line, or a line of `truce log entries`) is in the log, or\n"
    "that a newer head extends an older one. They print one line: 'valid: ...' or\n"
    "'invalid: reason'.\n\n"
    "exit: 0 valid, 1 verification failed, 2 usage, 3 an input could not be read\n";

#define MAX_KEPT 64

typedef struct {
    const char *log, *agreement, *inclusion, *consistency, *sth, *entry, *old_sth, *new_sth, *council_key, *origin;
    const char *policy, *receipt;
    const char *kept[MAX_KEPT];
    int kept_count;
} verify_options_t;

static int usage_error(const char *message) { return cli_usage_error("verify", message); }

static int parse_options(int argc, char **argv, verify_options_t *o) {
    static const struct option options[] = {
        {"log", required_argument, NULL, 'l'}, {"agreement", required_argument, NULL, 'a'},
        {"inclusion", required_argument, NULL, 'i'}, {"consistency", required_argument, NULL, 'c'},
        {"sth", required_argument, NULL, 's'}, {"entry", required_argument, NULL, 'e'},
        {"old", required_argument, NULL, 'o'}, {"new", required_argument, NULL, 'n'},
        {"council-key", required_argument, NULL, 'k'}, {"checkpoint", required_argument, NULL, 'p'},
        {"origin", required_argument, NULL, 'g'}, {"policy", required_argument, NULL, 'P'},
        {"receipt", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'l': o->log = optarg; break;
        case 'a': o->agreement = optarg; break;
        case 'i': o->inclusion = optarg; break;
        case 'c': o->consistency = optarg; break;
        case 's': o->sth = optarg; break;
        case 'e': o->entry = optarg; break;
        case 'o': o->old_sth = optarg; break;
        case 'n': o->new_sth = optarg; break;
        case 'k': o->council_key = optarg; break;
        case 'g': o->origin = optarg; break;
        case 'P': o->policy = optarg; break;
        case 'R': o->receipt = optarg; break;
        case 'p':
            if (o->kept_count == MAX_KEPT) return usage_error("at most 64 --checkpoint files");
            o->kept[o->kept_count++] = optarg;
            break;
        case 'h': fputs(USAGE, stdout); return -1;
        default: return usage_error("bad option");
        }
    }
    if (optind != argc) return usage_error("verify takes only options");
    if ((o->log != NULL) + (o->inclusion != NULL) + (o->consistency != NULL) + (o->receipt != NULL) != 1)
        return usage_error("give exactly one of --log, --inclusion, --receipt or --consistency");
    if (o->receipt && !o->entry) return usage_error("--receipt needs --entry ENTRY");
    if (o->log && !o->agreement) return usage_error("--log needs --agreement FILE (the key registry)");
    if (!o->log && o->kept_count) return usage_error("--checkpoint goes with --log DB");
    if (o->policy && !o->log && !o->receipt) return usage_error("--policy goes with --log DB or --receipt FILE");
    if (o->inclusion && (!o->sth || !o->entry)) return usage_error("--inclusion needs --sth STH.json and --entry ENTRY");
    if (o->consistency && (!o->old_sth || !o->new_sth)) return usage_error("--consistency needs --old STH.json and --new STH.json");
    if (!o->log && !o->council_key == !o->agreement) return usage_error("give exactly one of --council-key BASE64 or --agreement FILE");
    return 0;
}

/* ---------------------------------------------------------------- whole log */

typedef struct {
    const char *log;
    uint64_t printed;
} printer_t;

static bool print_problem(void *context, const char *problem) {
    printer_t *p = context;
    if (p->printed++ < 1000) printf("%s: %s\n", p->log, problem);
    else if (p->printed == 1001) printf("%s: (further problems counted, not printed)\n", p->log);
    return true;
}

static bool validate_report(void *context, const char *bytes, size_t len, char *error, size_t error_size) {
    report_t report;
    return report_parse(context, bytes, len, &report, error, error_size);
}

/* ------------------------------------------------------------ checkpoints */

typedef struct {
    ledger_t *ledger;
    tlog_verifier_t council;
    const tlog_policy_t *policy;  /* NULL: no witness quorum required */
    uint64_t latest_seq;          /* the stored checkpoint the policy applies to */
    printer_t *printer;
    uint64_t problems, count;
} checkpoint_check_t;

static void checkpoint_problem(checkpoint_check_t *c, const char *name, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
static void checkpoint_problem(checkpoint_check_t *c, const char *name, const char *format, ...) {
    char message[LEDGER_ERROR_SIZE * 2];
    int n = snprintf(message, sizeof message, "%s: ", name);
    va_list args;
    va_start(args, format);
    vsnprintf(message + n, sizeof message - (size_t)n, format, args);
    va_end(args);
    print_problem(c->printer, message);
    c->problems++;
}

/* One checkpoint against the log: the council signed it, and the log still
 * holds exactly that tree at its size. */
static void check_checkpoint(checkpoint_check_t *c, const char *name, const char *note, size_t len, bool witnessed) {
    tlog_checkpoint_t cp;
    char error[LEDGER_ERROR_SIZE];
    c->count++;
    if (!tlog_checkpoint_open(note, len, &c->council, NULL, 0, NULL, &cp, error, sizeof error)) {
        checkpoint_problem(c, name, "not a council checkpoint of this log: %s", error);
        return;
    }
    if (witnessed && c->policy && !tlog_policy_check(c->policy, &c->council, note, len, &cp, error, sizeof error))
        checkpoint_problem(c, name, "size %llu: %s", (unsigned long long)cp.size, error);
    uint64_t size = ledger_size(c->ledger);
    uint8_t root[LEDGER_HASH_SIZE];
    if (cp.size > size) {
        checkpoint_problem(c, name, "the council signed a tree of %llu entries, the log holds only %llu "
                           "(rolled back or truncated)", (unsigned long long)cp.size, (unsigned long long)size);
    } else if (!ledger_root(c->ledger, cp.size, root, error, sizeof error)) {
        checkpoint_problem(c, name, "cannot compute the log's root at size %llu: %s", (unsigned long long)cp.size,
                           error);
    } else if (memcmp(root, cp.root, LEDGER_HASH_SIZE) != 0) {
        checkpoint_problem(c, name, "the log's first %llu entries are not the ones the council signed (another "
                           "root): entries were changed, removed, reordered or replaced", (unsigned long long)cp.size);
    }
}

static bool check_stored(void *context, uint64_t seq, uint64_t tree_size, const void *note, size_t len) {
    (void)tree_size;
    char name[64];
    snprintf(name, sizeof name, "checkpoint %llu", (unsigned long long)seq);
    checkpoint_check_t *c = context;
    check_checkpoint(c, name, note, len, seq == c->latest_seq);
    return true;
}

/* The origin the checkpoints must carry: --origin, else the log's, else the agreement's default. */
static void verify_origin(ledger_t *ledger, const verify_options_t *o, const agreement_t *agreement,
                          char origin[TLOG_MAX_NAME]) {
    buffer_t stored = {0};
    bool found = false;
    char error[LEDGER_ERROR_SIZE];
    if (o->origin) snprintf(origin, TLOG_MAX_NAME, "%s", o->origin);
    else if (tlog_log_origin(ledger, &stored, &found, error, sizeof error) && found)
        snprintf(origin, TLOG_MAX_NAME, "%.*s", (int)stored.len, stored.data);
    else tlog_default_origin(agreement->name, origin);
    buffer_free(&stored);
}

static uint64_t verify_checkpoints(ledger_t *ledger, const verify_options_t *o, const agreement_t *agreement,
                                   const ledger_registry_t *registry, printer_t *printer, uint64_t *count) {
    checkpoint_check_t c = {.ledger = ledger, .printer = printer};
    const uint8_t *key = NULL;
    char origin[TLOG_MAX_NAME], error[LEDGER_ERROR_SIZE];
    verify_origin(ledger, o, agreement, origin);
    if (ledger_registry_council_key(registry, &key) != REGISTRY_KEY) {
        print_problem(printer, "the agreement registers no council key: checkpoints cannot be checked");
        return 1;
    }
    if (!tlog_council_verifier(origin, key, &c.council, error, sizeof error)) {
        print_problem(printer, error);
        return 1;
    }
    buffer_t policy_text = {0};
    tlog_policy_t *policy = NULL;
    if (o->policy && !buffer_read_file(&policy_text, o->policy)) {
        checkpoint_problem(&c, o->policy, "cannot read: %s", strerror(errno));
    } else if (o->policy && !(policy = tlog_policy_parse(policy_text.data, policy_text.len, error, sizeof error))) {
        checkpoint_problem(&c, o->policy, "%s", error);
    }
    buffer_free(&policy_text);
    c.policy = policy;
    bool any = false;
    if (!ledger_latest_checkpoint(ledger, NULL, NULL, &c.latest_seq, &any, error, sizeof error)
        || !ledger_foreach_checkpoint(ledger, false, check_stored, &c, error, sizeof error)) {
        print_problem(printer, error);
        c.problems++;
    }
    for (int i = 0; i < o->kept_count; i++) {
        buffer_t note = {0};
        if (!buffer_read_file(&note, o->kept[i])) checkpoint_problem(&c, o->kept[i], "cannot read: %s", strerror(errno));
        else check_checkpoint(&c, o->kept[i], note.data, note.len, true);
        buffer_free(&note);
    }
    tlog_policy_free(policy);
    *count = c.count;
    return c.problems;
}

static int verify_log(const verify_options_t *o, const agreement_t *agreement) {
    ledger_registry_t *registry = ledger_registry_from_agreement(agreement);
    char error[LEDGER_ERROR_SIZE];
    ledger_t *ledger = ledger_open(o->log, LEDGER_READ_ONLY, error, sizeof error);
    if (!ledger) {
        cli_error("%s", error);
        ledger_registry_free(registry);
        return EXIT_INPUT;
    }
    report_parser_t *parser = report_parser_new(agreement);
    printer_t printer = {o->log, 0};
    ledger_verify_summary_t summary;
    bool ran = ledger_verify(ledger, registry, validate_report, parser, print_problem, &printer, &summary,
                             error, sizeof error);
    uint64_t checkpoints = 0;
    if (ran) summary.problems += verify_checkpoints(ledger, o, agreement, registry, &printer, &checkpoints);
    if (!ran) cli_error("%s: cannot verify: %s", o->log, error);
    else if (summary.problems)
        printf("%s: FAILED: %llu problems (%llu entries, %llu tree heads checked)\n", o->log,
               (unsigned long long)summary.problems, (unsigned long long)summary.entries, (unsigned long long)summary.heads);
    else
        printf("%s: verified: %llu entries (%llu council records), %llu tree heads, %llu checkpoints (%d kept)\n",
               o->log, (unsigned long long)summary.entries, (unsigned long long)summary.records,
               (unsigned long long)summary.heads, (unsigned long long)checkpoints, o->kept_count);
    report_parser_free(parser);
    ledger_close(ledger);
    ledger_registry_free(registry);
    return !ran ? EXIT_FINDINGS : summary.problems ? EXIT_FINDINGS : EXIT_OK;
}

/* ---------------------------------------------------------------- offline */

static bool read_json(const char *path, jcs_document_t *doc, buffer_t *text) {
    FILE *f = fopen(path, "rb");
    if (!f) { cli_error("%s: %s", path, strerror(errno)); return false; }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buffer_append(text, chunk, n);
    bool read_error = ferror(f);
    fclose(f);
    char error[LEDGER_ERROR_SIZE];
    if (read_error) { cli_error("%s: read error", path); return false; }
    while (text->len && (text->data[text->len - 1] == '\n' || text->data[text->len - 1] == '\r')) text->len--;
    if (!jcs_parse(doc, text->data ? text->data : "", text->len, error, sizeof error)) {
        cli_error("%s: %s", path, error);
        return false;
    }
    return true;
}

static bool read_head(const char *path, ledger_tree_head_t *head) {
    jcs_document_t *doc = jcs_document_new();
    buffer_t text = {0};
    char error[LEDGER_ERROR_SIZE];
    bool ok = read_json(path, doc, &text);
    if (ok && !(ok = ledger_head_from_json(jcs_root(doc), head, error, sizeof error))) cli_error("%s: %s", path, error);
    jcs_document_free(doc);
    buffer_free(&text);
    return ok;
}

static int invalid(const char *format, const char *detail) {
    printf("invalid: ");
    printf(format, detail);
    printf("\n");
    return EXIT_FINDINGS;
}

static bool council_key_of(const verify_options_t *o, uint8_t key[LEDGER_PUBLIC_KEY_SIZE]) {
    if (o->council_key) {
        if (ledger_base64_decode(text_of(o->council_key), key, LEDGER_PUBLIC_KEY_SIZE)) return true;
        usage_error("--council-key must be base64 of a 32-byte Ed25519 public key");
        return false;
    }
    geo_init();
    agreement_t *agreement = cli_load_agreement(o->agreement);
    bool ok = false;
    int council = agreement ? agreement_council(agreement) : -1;
    if (council >= 0 && agreement->sources[council].has_key) {
        memcpy(key, agreement->sources[council].key, LEDGER_PUBLIC_KEY_SIZE);
        ok = true;
    }
    if (agreement && !ok) cli_error("%s: registers no key for the council", o->agreement);
    agreement_free(agreement);
    geo_finish();
    return ok;
}

/* The leaf hash of the entry file: RFC 8785 bytes of the report, unwrapping a
 * `truce log entries` line. Writes a "source/id" label. */
static bool entry_leaf(const char *path, uint8_t leaf[LEDGER_HASH_SIZE], char *label, size_t label_size) {
    jcs_document_t *doc = jcs_document_new();
    buffer_t text = {0}, canonical = {0};
    bool ok = read_json(path, doc, &text);
    if (ok) {
        const jcs_value_t *entry = jcs_root(doc), *wrapped = jcs_get(entry, "entry");
        if (wrapped && jcs_get(entry, "index")) entry = wrapped;
        text_t source = {"?", 1}, id = {"?", 1};
        jcs_member_string(entry, "source", &source);
        jcs_member_string(entry, "id", &id);
        snprintf(label, label_size, "%.*s/%.*s", (int)(source.len > 100 ? 100 : source.len), source.ptr,
                 (int)(id.len > 100 ? 100 : id.len), id.ptr);
        jcs_serialize(entry, NULL, &canonical);
        merkle_leaf_hash(canonical.data, canonical.len, leaf);
    }
    jcs_document_free(doc);
    buffer_free(&text);
    buffer_free(&canonical);
    return ok;
}

static int check_inclusion(const ledger_inclusion_proof_t *proof, const ledger_tree_head_t *head,
                           const uint8_t leaf[LEDGER_HASH_SIZE], const uint8_t *council, const char *label) {
    char error[LEDGER_ERROR_SIZE], when[32];
    if (!ledger_head_verify(head, council)) return invalid("the tree head's council signature does not verify%s", "");
    if (proof->tree_size != head->tree_size) return invalid("the proof is for another tree size than the tree head%s", "");
    if (memcmp(leaf, proof->leaf_hash, LEDGER_HASH_SIZE) != 0)
        return invalid("entry %s is not the entry the proof is about (leaf hashes differ)", label);
    if (!merkle_verify_inclusion(proof->leaf_index, head->tree_size, leaf, (const uint8_t(*)[LEDGER_HASH_SIZE])proof->path,
                                 proof->path_length, head->root, error, sizeof error))
        return invalid("%s", error);
    time_format(head->timestamp_ms, when);
    printf("valid: %s is entry %llu of the log of %llu entries whose head the council signed at %s\n", label,
           (unsigned long long)proof->leaf_index, (unsigned long long)head->tree_size, when);
    return EXIT_OK;
}

static int verify_inclusion(const verify_options_t *o) {
    uint8_t council[LEDGER_PUBLIC_KEY_SIZE], leaf[LEDGER_HASH_SIZE];
    char label[256], error[LEDGER_ERROR_SIZE];
    ledger_tree_head_t head;
    if (!council_key_of(o, council)) return o->council_key ? EXIT_USAGE : EXIT_INPUT;
    if (!read_head(o->sth, &head) || !entry_leaf(o->entry, leaf, label, sizeof label)) return EXIT_INPUT;
    jcs_document_t *doc = jcs_document_new();
    buffer_t text = {0};
    ledger_inclusion_proof_t *proof = xmalloc(sizeof *proof);
    int status = EXIT_INPUT;
    if (read_json(o->inclusion, doc, &text)) {
        if (ledger_inclusion_from_json(jcs_root(doc), proof, error, sizeof error))
            status = check_inclusion(proof, &head, leaf, council, label);
        else cli_error("%s: %s", o->inclusion, error);
    }
    free(proof);
    jcs_document_free(doc);
    buffer_free(&text);
    return status;
}

/* A receipt (c2sp.org/tlog-proof) and the entry it is for, offline. */
static int verify_receipt(const verify_options_t *o) {
    uint8_t council[LEDGER_PUBLIC_KEY_SIZE], leaf[LEDGER_HASH_SIZE];
    char label[256], error[LEDGER_ERROR_SIZE];
    if (!council_key_of(o, council)) return o->council_key ? EXIT_USAGE : EXIT_INPUT;
    if (!entry_leaf(o->entry, leaf, label, sizeof label)) return EXIT_INPUT;
    buffer_t text = {0}, policy_text = {0};
    tlog_receipt_t *receipt = xmalloc(sizeof *receipt);
    tlog_policy_t *policy = NULL;
    int status = EXIT_INPUT;
    tlog_checkpoint_t cp;
    tlog_verifier_t log_key;
    if (!buffer_read_file(&text, o->receipt)) cli_error("%s: %s", o->receipt, strerror(errno));
    else if (!tlog_receipt_parse(text.data, text.len, receipt, error, sizeof error)) cli_error("%s: %s", o->receipt, error);
    else if (o->policy && !buffer_read_file(&policy_text, o->policy)) cli_error("%s: %s", o->policy, strerror(errno));
    else if (o->policy && !(policy = tlog_policy_parse(policy_text.data, policy_text.len, error, sizeof error)))
        cli_error("%s: %s", o->policy, error);
    else {
        /* The origin: --origin, else the checkpoint's own (the council's key is what binds it). */
        tlog_note_t *note = xmalloc(sizeof *note);
        char origin[TLOG_MAX_NAME] = "";
        if (o->origin) snprintf(origin, sizeof origin, "%s", o->origin);
        else if (tlog_note_parse(receipt->checkpoint, receipt->checkpoint_len, note, error, sizeof error)
                 && tlog_checkpoint_parse(note->text, &cp, error, sizeof error))
            snprintf(origin, sizeof origin, "%s", cp.origin);
        free(note);
        if (!*origin || !tlog_council_verifier(origin, council, &log_key, error, sizeof error))
            status = invalid("%s", *origin ? error : "the receipt's checkpoint is malformed");
        else if (!tlog_receipt_verify(receipt, leaf, &log_key, policy, &cp, error, sizeof error))
            status = invalid("%s", error);
        else {
            printf("valid: %s is entry %llu of the log %s of %llu entries, in a checkpoint the council signed%s\n", label,
                   (unsigned long long)receipt->index, cp.origin, (unsigned long long)cp.size,
                   policy ? " and the policy's quorum of witnesses cosigned" : "");
            status = EXIT_OK;
        }
    }
    tlog_policy_free(policy);
    free(receipt);
    buffer_free(&text);
    buffer_free(&policy_text);
    return status;
}

static int check_consistency(const ledger_consistency_proof_t *proof, const ledger_tree_head_t *old_head,
                             const ledger_tree_head_t *new_head, const uint8_t *council) {
    char error[LEDGER_ERROR_SIZE];
    if (!ledger_head_verify(old_head, council)) return invalid("the old tree head's council signature does not verify%s", "");
    if (!ledger_head_verify(new_head, council)) return invalid("the new tree head's council signature does not verify%s", "");
    if (proof->old_size != old_head->tree_size || proof->new_size != new_head->tree_size)
        return invalid("the proof is for other tree sizes than the heads%s", "");
    uint8_t empty[LEDGER_HASH_SIZE];
    merkle_empty_root(empty);
    if (old_head->tree_size == 0) {   /* every log extends the empty one, whose root is fixed */
        if (memcmp(old_head->root, empty, LEDGER_HASH_SIZE) != 0 || proof->path_length)
            return invalid("the old tree head of size 0 must have the empty root and an empty proof%s", "");
    } else if (!merkle_verify_consistency(old_head->tree_size, new_head->tree_size, old_head->root, new_head->root,
                                          (const uint8_t(*)[LEDGER_HASH_SIZE])proof->path, proof->path_length,
                                          error, sizeof error))
        return invalid("%s", error);
    printf("valid: the log of %llu entries extends the log of %llu entries without changing any of them\n",
           (unsigned long long)new_head->tree_size, (unsigned long long)old_head->tree_size);
    return EXIT_OK;
}

static int verify_consistency(const verify_options_t *o) {
    uint8_t council[LEDGER_PUBLIC_KEY_SIZE];
    char error[LEDGER_ERROR_SIZE];
    ledger_tree_head_t old_head, new_head;
    if (!council_key_of(o, council)) return o->council_key ? EXIT_USAGE : EXIT_INPUT;
    if (!read_head(o->old_sth, &old_head) || !read_head(o->new_sth, &new_head)) return EXIT_INPUT;
    jcs_document_t *doc = jcs_document_new();
    buffer_t text = {0};
    ledger_consistency_proof_t *proof = xmalloc(sizeof *proof);
    int status = EXIT_INPUT;
    if (read_json(o->consistency, doc, &text)) {
        if (ledger_consistency_from_json(jcs_root(doc), proof, error, sizeof error))
            status = check_consistency(proof, &old_head, &new_head, council);
        else cli_error("%s: %s", o->consistency, error);
    }
    free(proof);
    jcs_document_free(doc);
    buffer_free(&text);
    return status;
}

int cmd_verify(int argc, char **argv) {
    verify_options_t o;
    int status = parse_options(argc, argv, &o);
    if (status) return status < 0 ? EXIT_OK : status;
    if (!ledger_init()) { cli_error("cannot initialize libsodium"); return EXIT_INTERNAL; }
    if (o.inclusion) return verify_inclusion(&o);
    if (o.receipt) return verify_receipt(&o);
    if (o.consistency) return verify_consistency(&o);
    geo_init();
    agreement_t *agreement = cli_load_agreement(o.agreement);
    status = agreement ? verify_log(&o, agreement) : EXIT_INPUT;
    agreement_free(agreement);
    geo_finish();
    return status;
}
