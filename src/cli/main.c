/* cli: truce's entry point. Dispatches `truce <command>` to cmd_<command>, and
 * prints the overall help with every command and the exit codes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command_t;

static const command_t commands[] = {
    {"check", cmd_check, "hold an agreement against reports and print the rulings"},
    {"incidents", cmd_incidents, "list every incident behind the rulings, or count them per day"},
    {"diff", cmd_diff, "compare two drafts of an agreement, point by point"},
    {"lint", cmd_lint, "check an agreement file and report every problem"},
    {"keygen", cmd_keygen, "make a source's Ed25519 signing key and print its registry line"},
    {"sign", cmd_sign, "sign reports with a source's secret key"},
    {"log", cmd_log, "append signed reports to the log; print tree heads, proofs, entries"},
    {"verify", cmd_verify, "verify a log end to end, or a proof against a signed tree head"},
    {"serve", cmd_serve, "serve the rulings: JSON API, live dashboard, signed report intake"},
    {"witness", cmd_witness, "run a witness that cosigns a log's checkpoints only if they extend the last"},
};

void cli_error(const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    fputs("truce: error: ", stderr);
    vfprintf(stderr, format, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void usage(FILE *out) {
    fputs("usage: truce <command> [options] [arguments]\n\n"
          "Holds the parties to a peace agreement: reads the agreement as code and the\n"
          "monitoring reports, and rules per point and party.\n\ncommands:\n", out);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fputs("\n`truce <command> --help` describes a command.\n\n"
          "exit codes:\n"
          "  0  done (check: nothing violated or overdue)\n"
          "  1  findings (check: a violation or overdue obligation; verify: a failure)\n"
          "  2  usage error\n"
          "  3  an input could not be read or is invalid\n"
          "  4  done, but some report lines were rejected\n"
          "  5  internal failure\n", out);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        puts("truce 0.1.0");
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s' (see 'truce --help')", argv[1]);
    return EXIT_USAGE;
}
