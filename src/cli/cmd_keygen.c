/* cli: `truce keygen` — makes an Ed25519 key for one source, writes the
 * secret key file (mode 0600, never overwriting) and prints the public `key`
 * line for the agreement's registry. Format: docs/signing.md. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "ledger/ledger.h"

static const char USAGE[] =
    "usage: truce keygen --source SOURCE [--out FILE]\n\n"
    "Makes an Ed25519 signing key for SOURCE (party:UA, monitor:osce, council, ...).\n"
    "Writes the secret key to FILE (default: SOURCE with ':' as '-', plus .key),\n"
    "readable only by you, and prints the line to add to the agreement's key\n"
    "registry:  key SOURCE BASE64-PUBLIC-KEY\n\n"
    "options:\n"
    "  --source SOURCE  the source whose reports the key will sign\n"
    "  --out FILE       where to write the secret key (never overwritten)\n"
    "  --seed HEX       derive the key from a 32-byte hex seed (tests and examples only:\n"
    "                   anyone who knows the seed can sign as SOURCE)\n"
    "  -h, --help       show this help\n";

static int usage_error(const char *message) { return cli_usage_error("keygen", message); }

static void default_path(const char *source, char *out, size_t size) {
    snprintf(out, size, "%s.key", source);
    for (char *p = out; *p; p++)
        if (*p == ':') *p = '-';
}

int cmd_keygen(int argc, char **argv) {
    static const struct option options[] = {
        {"source", required_argument, NULL, 's'}, {"out", required_argument, NULL, 'o'},
        {"seed", required_argument, NULL, 'S'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *source = NULL, *out = NULL, *seed_hex = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:o:h", options, NULL)) != -1) {
        if (c == 's') source = optarg;
        else if (c == 'o') out = optarg;
        else if (c == 'S') seed_hex = optarg;
        else if (c == 'h') { fputs(USAGE, stdout); return EXIT_OK; }
        else return usage_error("bad option");
    }
    if (!source) return usage_error("--source SOURCE is required");
    if (optind < argc) return usage_error("keygen takes no arguments besides its options");
    uint8_t seed[LEDGER_SEED_SIZE];
    if (seed_hex && !ledger_hex_decode(text_of(seed_hex), seed, sizeof seed))
        return usage_error("--seed must be 64 hex digits (32 bytes)");
    if (!ledger_init()) { cli_error("cannot initialize libsodium"); return EXIT_INTERNAL; }
    char path[1024], error[LEDGER_ERROR_SIZE];
    if (!out) default_path(source, path, sizeof path);
    else snprintf(path, sizeof path, "%s", out);
    ledger_secret_key_t key;
    if (!ledger_key_generate(source, seed_hex ? seed : NULL, &key, error, sizeof error)) return usage_error(error);
    bool ok = ledger_key_write(&key, path, error, sizeof error);
    if (ok) {
        buffer_t line = {0};
        ledger_key_registry_line(&key, &line);
        printf("%s\n", line.data);
        buffer_free(&line);
        fprintf(stderr, "truce: secret key for %s written to %s (keep it private)\n", source, path);
    } else {
        cli_error("%s", error);
    }
    ledger_key_wipe(&key);
    return ok ? EXIT_OK : EXIT_INPUT;
}
