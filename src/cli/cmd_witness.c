/* cli: `truce witness` — runs a witness (c2sp.org/tlog-witness) for one or
 * more logs, prints its verifier key, or builds the add-checkpoint request a
 * log would send (for scripts and tests). docs/ledger.md, "Witnesses". */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "witness/witness.h"

static const char USAGE[] =
    "usage: truce witness --key FILE --name NAME --state DB --log-key VKEY... [--listen HOST:PORT]\n"
    "       truce witness --vkey --key FILE --name NAME\n"
    "       truce witness --request DB [--old N]\n\n"
    "Runs a witness: POST /add-checkpoint takes 'old N', a consistency proof and a\n"
    "checkpoint of a log it knows (--log-key, the log's verifier key, repeatable),\n"
    "and cosigns it only if it extends the last checkpoint it cosigned for that\n"
    "log; the state (one row per log) is an SQLite file, updated atomically and\n"
    "durably before answering. Answers: 200 the cosignature, 400 malformed or old\n"
    "above the size, 403 not signed by the log's key, 404 unknown log, 409 the old\n"
    "size is not the witness's (the body says its size), 422 inconsistent (a fork\n"
    "or a rollback: the refused request is kept in the state file).\n\n"
    "--vkey     prints the witness's verifier key (for policies and logs)\n"
    "--request  prints the add-checkpoint body for the latest checkpoint of log DB,\n"
    "           with a consistency proof from size N (default 0)\n\n"
    "options:\n"
    "  --key FILE           the witness's secret key (truce keygen --source witness:NAME)\n"
    "  --name NAME          the witness's name in cosignatures, e.g. ua.example/witness\n"
    "  --state DB           the witness's state\n"
    "  --log-key VKEY       a log to witness (truce log vkey)\n"
    "  --listen HOST:PORT   default 127.0.0.1:8081 (port 0: any free port)\n"
    "  -h, --help           this text\n\n"
    "exit: 0 done (stopped by SIGTERM), 2 usage, 3 bad input (key, vkey, log), 5 internal\n";

#define MAX_LOG_KEYS 64

typedef struct {
    const char *key, *name, *state, *request, *listen;
    const char *log_keys[MAX_LOG_KEYS];
    int log_key_count;
    bool vkey;
    uint64_t old;
} witness_options_t;

static int usage_error(const char *message) { return cli_usage_error("witness", message); }

static int parse_options(int argc, char **argv, witness_options_t *o) {
    static const struct option options[] = {
        {"key", required_argument, NULL, 'k'}, {"name", required_argument, NULL, 'n'},
        {"state", required_argument, NULL, 's'}, {"log-key", required_argument, NULL, 'l'},
        {"listen", required_argument, NULL, 'L'}, {"vkey", no_argument, NULL, 'v'},
        {"request", required_argument, NULL, 'r'}, {"old", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->listen = "127.0.0.1:8081";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'k': o->key = optarg; break;
        case 'n': o->name = optarg; break;
        case 's': o->state = optarg; break;
        case 'l':
            if (o->log_key_count == MAX_LOG_KEYS) return usage_error("at most 64 --log-key");
            o->log_keys[o->log_key_count++] = optarg;
            break;
        case 'L': o->listen = optarg; break;
        case 'v': o->vkey = true; break;
        case 'r': o->request = optarg; break;
        case 'o': if (!cli_parse_count(optarg, &o->old)) return usage_error("--old takes a tree size"); break;
        case 'h': fputs(USAGE, stdout); return -1;
        default: return usage_error("bad option");
        }
    }
    if (optind != argc) return usage_error("witness takes only options");
    return 0;
}

/* The add-checkpoint body for the latest checkpoint of a log, from size old. */
static int print_request(const witness_options_t *o) {
    char error[LEDGER_ERROR_SIZE];
    ledger_t *ledger = ledger_open(o->request, LEDGER_READ_ONLY, error, sizeof error);
    if (!ledger) { cli_error("%s", error); return EXIT_INPUT; }
    buffer_t note = {0}, body = {0};
    tlog_note_t *parsed = xmalloc(sizeof *parsed);
    ledger_consistency_proof_t *proof = xmalloc(sizeof *proof);
    tlog_checkpoint_t cp;
    int status = EXIT_OK;
    bool found = false;
    if (!ledger_latest_checkpoint(ledger, &note, NULL, NULL, &found, error, sizeof error) || !found
        || !tlog_note_parse(note.data, note.len, parsed, error, sizeof error)
        || !tlog_checkpoint_parse(parsed->text, &cp, error, sizeof error)) {
        cli_error("%s: %s", o->request, note.len ? error : "no checkpoint yet");
        status = EXIT_INPUT;
    } else if (o->old > cp.size) {
        cli_error("--old %llu is above the checkpoint's size %llu", (unsigned long long)o->old, (unsigned long long)cp.size);
        status = EXIT_USAGE;
    } else if (o->old && !ledger_prove_consistency(ledger, o->old, cp.size, proof, error, sizeof error)) {
        cli_error("%s", error);
        status = EXIT_INPUT;
    } else {
        witness_request_format(o->old, (const uint8_t(*)[LEDGER_HASH_SIZE])proof->path, o->old ? proof->path_length : 0,
                               note.data, note.len, &body);
        fwrite(body.data, 1, body.len, stdout);
    }
    free(parsed);
    free(proof);
    buffer_free(&note);
    buffer_free(&body);
    ledger_close(ledger);
    return status;
}

static bool split_listen(const char *text, char host[256], uint16_t *port) {
    const char *colon = strrchr(text, ':');
    uint64_t n;
    if (!colon || colon == text || (size_t)(colon - text) >= 256 || !cli_parse_count(colon + 1, &n) || n > 65535)
        return false;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    *port = (uint16_t)n;
    return true;
}

int cmd_witness(int argc, char **argv) {
    witness_options_t o;
    int status = parse_options(argc, argv, &o);
    if (status) return status < 0 ? EXIT_OK : status;
    if (!ledger_init()) { cli_error("cannot initialize libsodium"); return EXIT_INTERNAL; }
    if (o.request) return print_request(&o);
    if (!o.key || !o.name) return usage_error("a witness needs --key FILE and --name NAME");
    char error[LEDGER_ERROR_SIZE], host[256];
    uint16_t port;
    ledger_secret_key_t key;
    if (!ledger_key_read(o.key, &key, error, sizeof error)) { cli_error("%s", error); return EXIT_INPUT; }
    tlog_verifier_t self;
    if (!tlog_verifier_init(&self, o.name, TLOG_KEY_COSIGNATURE, key.public_key, error, sizeof error)) {
        ledger_key_wipe(&key);
        cli_error("--name: %s", error);
        return EXIT_USAGE;
    }
    if (o.vkey) {
        buffer_t out = {0};
        tlog_verifier_format(&self, &out);
        printf("%.*s\n", (int)out.len, out.data);
        buffer_free(&out);
        ledger_key_wipe(&key);
        return EXIT_OK;
    }
    if (!o.state || !o.log_key_count) { ledger_key_wipe(&key); return usage_error("a witness needs --state DB and --log-key VKEY"); }
    if (!split_listen(o.listen, host, &port)) { ledger_key_wipe(&key); return usage_error("--listen takes HOST:PORT"); }
    tlog_verifier_t logs[MAX_LOG_KEYS];
    for (int i = 0; i < o.log_key_count; i++)
        if (!tlog_verifier_parse(text_of(o.log_keys[i]), &logs[i], error, sizeof error) || logs[i].type != TLOG_KEY_ED25519) {
            cli_error("--log-key '%s': %s", o.log_keys[i], logs[i].type != TLOG_KEY_ED25519 ? "not a log key (type 0x01)" : error);
            ledger_key_wipe(&key);
            return EXIT_INPUT;
        }
    witness_t *witness = witness_open(o.state, &key, o.name, logs, (size_t)o.log_key_count, error, sizeof error);
    ledger_key_wipe(&key);
    if (!witness) { cli_error("%s", error); return EXIT_INPUT; }
    status = witness_serve(witness, host, port);
    witness_close(witness);
    return status;
}
