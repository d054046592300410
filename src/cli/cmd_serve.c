/* cmd_serve: `truce serve` runs the council's server (src/server) on an
 * agreement and a log; `truce serve --sign-request` prints the headers that
 * sign a council-only request. docs/server.md. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "geo/geo.h"
#include "server/server.h"

static const char serve_usage[] =
    "usage: truce serve --agreement FILE --log DB [options]\n"
    "       truce serve --sign-request --council-key FILE [--body FILE] METHOD URL\n\n"
    "Serves the agreement's rulings: the JSON API under /v1 (docs/openapi.yaml), the\n"
    "live dashboard at /, server-sent events, Prometheus metrics at /metrics. The log\n"
    "(an SQLite file, created when missing) is the store: signed reports POSTed to\n"
    "/v1/reports are checked against their source's registered key, group-committed\n"
    "and acknowledged once durable. Rulings are as of the server's own clock (the\n"
    "time of ruling, re-ruled at least once a minute), never as of a report's time.\n"
    "SIGTERM or SIGINT stops it after answering every pending request.\n\n"
    "options:\n"
    "  --agreement FILE     the agreement (vocabulary and key registry)\n"
    "  --log DB             the log\n"
    "  --listen HOST:PORT   where to listen (default 127.0.0.1:8080; port 0: any free port)\n"
    "  --url URL            the server's own URL as its clients reach it, which council\n"
    "                       requests sign (default http://HOST:PORT of --listen)\n"
    "  --council-key FILE   the council's secret key: the server signs tree heads after\n"
    "                       commits and serves the council-only endpoints\n"
    "  --origin ORIGIN      the log's name in its checkpoints (default: the log's, else\n"
    "                       truce/<agreement name>); also served: /checkpoint, /tile/...\n"
    "  --policy FILE        a tlog-policy file: each new checkpoint goes to its witnesses\n"
    "                       (those with a URL); /checkpoint serves it cosigned\n"
    "  --webhook URL        POST every ruling change to URL (repeatable, at least once,\n"
    "                       retried with backoff; outbox in DB.outbox)\n"
    "  --max-body BYTES     largest request body (default 1048576)\n"
    "  --rate N             reports per second per source (default 200; 0: unlimited)\n"
    "  --burst N            reports a source may send at once (default 1000)\n"
    "  --client-rate N      per client address, reports per second that did not verify\n"
    "                       as new ones (a bad signature, or logged already)\n"
    "                       (default 50; 0: unlimited)\n"
    "  --client-burst N     such reports a client address may send at once (default 500)\n"
    "  --max-connections N  open connections in all (default 4000)\n"
    "  --max-client-connections N  open connections per client address (default 64)\n"
    "  --header-timeout MS  a request's headers must arrive within MS (default 10000)\n"
    "  --body-timeout MS    and its body within MS after them (default 30000)\n"
    "  --max-body-total BYTES  request bodies held in memory at once (default 67108864)\n"
    "  --threads N          HTTP worker threads (default: one per core)\n"
    "  --sth-interval MS    least time between automatic tree heads (default 1000)\n"
    "  --rule-interval MS   least time between recomputations of the rulings (default 50)\n"
    "  --webhook-retry MS   first retry delay, doubling up to 5 minutes (default 500)\n"
    "  --max-future D       how far after its receipt a report may be dated: 90s, 10m,\n"
    "                       2h, 1d (default 10m); later ones are rejected, not stored\n"
    "  -h, --help           this text\n\n"
    "--sign-request prints 'X-Truce-Time: ...', 'X-Truce-Nonce: ...' and\n"
    "'Authorization: Truce-Ed25519 ...' for METHOD, URL (the server's origin, path and\n"
    "query; a bare PATH takes the server from --url) and the body in FILE (none by\n"
    "default), usable once, e.g.\n"
    "  truce serve --sign-request --council-key council.key POST http://127.0.0.1:8080/v1/log/sth > h\n"
    "  curl -X POST -H @h http://127.0.0.1:8080/v1/log/sth\n\n"
    "exit codes: 0 stopped cleanly, 2 usage error, 3 the agreement, key or log cannot\n"
    "be read, 5 the server cannot start (e.g. the port is taken)\n";

typedef struct {
    server_options_t server;
    const char *council_key, *body_file;
    bool sign_request;
} serve_options_t;

static int usage_error(const char *message, const char *value) {
    cli_error(message, value);
    fputs("see 'truce serve --help'\n", stderr);
    return EXIT_USAGE;
}

static bool parse_number(const char *text, double low, double high, double *out) {
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (errno || end == text || *end || value < low || value > high) return false;
    *out = value;
    return true;
}

static bool parse_listen(const char *text, server_options_t *o) {
    static char host[256];
    const char *colon = strrchr(text, ':');
    double port;
    if (!colon || colon == text || (size_t)(colon - text) >= sizeof host || !parse_number(colon + 1, 0, 65535, &port))
        return false;
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    o->host = host;
    o->port = (uint16_t)port;
    return true;
}

/* A numeric option: its value in [low, high], stored as an int or a double. */
static int numeric_option(int c, const char *text, serve_options_t *o) {
    double value;
    static const struct { int c; const char *name; double low, high; } limits[] = {
        {'m', "--max-body", 1, 1 << 30}, {'r', "--rate", 0, 1e9}, {'b', "--burst", 1, 1e9}, {'t', "--threads", 1, 64},
        {'s', "--sth-interval", 0, 86400000}, {'u', "--rule-interval", 0, 60000}, {'y', "--webhook-retry", 1, 3600000},
        {'c', "--client-rate", 0, 1e9}, {'C', "--client-burst", 1, 1e9}, {'n', "--max-connections", 1, 60000},
        {'N', "--max-client-connections", 1, 60000}, {'H', "--header-timeout", 100, 3600000},
        {'T', "--body-timeout", 100, 3600000}, {'M', "--max-body-total", 1 << 10, 1e12}};
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
        if (limits[i].c != c) continue;
        if (!parse_number(text, limits[i].low, limits[i].high, &value)) return usage_error("%s: bad value", limits[i].name);
        switch (c) {
        case 'm': o->server.max_body = (size_t)value; break;
        case 'r': o->server.rate_per_second = value; break;
        case 'b': o->server.rate_burst = value; break;
        case 't': o->server.threads = (int)value; break;
        case 's': o->server.sth_interval_ms = (int)value; break;
        case 'u': o->server.rule_interval_ms = (int)value; break;
        case 'c': o->server.client_rate = value; break;
        case 'C': o->server.client_burst = value; break;
        case 'n': o->server.max_connections = (unsigned)value; break;
        case 'N': o->server.max_client_connections = (unsigned)value; break;
        case 'H': o->server.header_timeout_ms = (int)value; break;
        case 'T': o->server.body_timeout_ms = (int)value; break;
        case 'M': o->server.max_body_total = (size_t)value; break;
        default: o->server.webhook_retry_ms = (int)value; break;
        }
    }
    return EXIT_OK;
}

static int parse_options(int argc, char **argv, serve_options_t *o, const char **agreement) {
    static const struct option options[] = {
        {"agreement", required_argument, NULL, 'a'}, {"log", required_argument, NULL, 'l'},
        {"listen", required_argument, NULL, 'L'}, {"council-key", required_argument, NULL, 'k'},
        {"webhook", required_argument, NULL, 'w'}, {"max-body", required_argument, NULL, 'm'},
        {"rate", required_argument, NULL, 'r'}, {"burst", required_argument, NULL, 'b'},
        {"threads", required_argument, NULL, 't'}, {"sth-interval", required_argument, NULL, 's'},
        {"rule-interval", required_argument, NULL, 'u'}, {"webhook-retry", required_argument, NULL, 'y'},
        {"client-rate", required_argument, NULL, 'c'}, {"client-burst", required_argument, NULL, 'C'},
        {"max-connections", required_argument, NULL, 'n'}, {"max-client-connections", required_argument, NULL, 'N'},
        {"header-timeout", required_argument, NULL, 'H'}, {"body-timeout", required_argument, NULL, 'T'},
        {"max-body-total", required_argument, NULL, 'M'},
        {"sign-request", no_argument, NULL, 'S'}, {"body", required_argument, NULL, 'B'},
        {"origin", required_argument, NULL, 'O'}, {"policy", required_argument, NULL, 'P'},
        {"url", required_argument, NULL, 'U'},
        {"max-future", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    server_options_defaults(&o->server);
    int c, status;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'a': *agreement = optarg; break;
        case 'l': o->server.log_path = optarg; break;
        case 'L': if (!parse_listen(optarg, &o->server)) return usage_error("--listen: '%s' is not HOST:PORT", optarg); break;
        case 'k': o->council_key = optarg; break;
        case 'w':
            if (o->server.webhook_count == SERVER_MAX_WEBHOOKS) return usage_error("%s: too many --webhook URLs", optarg);
            o->server.webhooks[o->server.webhook_count++] = optarg;
            break;
        case 'S': o->sign_request = true; break;
        case 'O': o->server.origin = optarg; break;
        case 'P': o->server.policy_path = optarg; break;
        case 'U': o->server.public_url = optarg; break;
        case 'B': o->body_file = optarg; break;
        case 'F':
            if (!time_parse_duration(optarg, &o->server.max_future_ms))
                return usage_error("--max-future: '%s' is not a duration such as 90s, 10m, 2h or 1d", optarg);
            break;
        case 'h': fputs(serve_usage, stdout); return -1;
        case '?': return usage_error("%s", "bad option");
        default: if ((status = numeric_option(c, optarg, o)) != EXIT_OK) return status;
        }
    }
    return EXIT_OK;
}

static bool read_all(const char *path, buffer_t *out) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buffer_append(out, chunk, n);
    bool ok = !ferror(f);
    fclose(f);
    return ok;
}

static int sign_request(const serve_options_t *o, int argc, char **argv) {
    if (!o->council_key || argc - optind != 2) return usage_error("%s", "--sign-request needs --council-key FILE, METHOD and URL");
    ledger_secret_key_t key;
    if (!ledger_init() || !cli_load_council_key(o->council_key, NULL, &key)) return EXIT_INPUT;
    buffer_t body = {0}, headers = {0};
    int status = EXIT_OK;
    if (o->body_file && !read_all(o->body_file, &body)) {
        cli_error("cannot read %s: %s", o->body_file, strerror(errno));
        status = EXIT_INPUT;
    } else {
        /* http://host:port/path?query: the origin, then the target from the first '/' after "//" */
        const char *url = argv[optind + 1], *scheme_end = strstr(url, "://");
        const char *target = url[0] == '/' ? url : scheme_end ? strchr(scheme_end + 3, '/') : NULL;
        char origin[320];
        if (url[0] == '/') snprintf(origin, sizeof origin, "%s", o->server.public_url ? o->server.public_url : "http://127.0.0.1:8080");
        else snprintf(origin, sizeof origin, "%.*s", target ? (int)(target - url) : (int)strlen(url), url);
        server_sign_request(&key, argv[optind], origin, target ? target : "/", body.data, body.len, &headers);
        fwrite(headers.data, 1, headers.len, stdout);
    }
    ledger_key_wipe(&key);
    buffer_free(&body);
    buffer_free(&headers);
    return status;
}

static int serve(serve_options_t *o, const char *agreement_path) {
    if (!ledger_init()) { cli_error("cannot initialize libsodium"); return EXIT_INTERNAL; }
    geo_init();
    agreement_t *agreement = cli_load_agreement(agreement_path);
    ledger_registry_t *registry = agreement ? ledger_registry_from_agreement(agreement) : NULL;
    ledger_secret_key_t council;
    int status = agreement ? EXIT_OK : EXIT_INPUT;
    if (status == EXIT_OK && o->council_key) {
        if (cli_load_council_key(o->council_key, registry, &council)) o->server.council = &council;
        else status = EXIT_INPUT;
    }
    if (status == EXIT_OK) {
        o->server.agreement = agreement;
        status = server_run(&o->server);
    }
    if (o->council_key) ledger_key_wipe(&council);
    ledger_registry_free(registry);
    agreement_free(agreement);
    geo_finish();
    return status;
}

int cmd_serve(int argc, char **argv) {
    serve_options_t o;
    const char *agreement = NULL;
    int status = parse_options(argc, argv, &o, &agreement);
    if (status) return status < 0 ? EXIT_OK : status;
    if (o.sign_request) return sign_request(&o, argc, argv);
    if (!agreement || !o.server.log_path) return usage_error("%s", "--agreement FILE and --log DB are required");
    if (optind != argc) return usage_error("unexpected argument '%s'", argv[optind]);
    return serve(&o, agreement);
}
