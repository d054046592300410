/* cli: one function per truce command (git's cmd_<name> shape), and the exit
 * codes every command shares. The table in main.c dispatches to them. */
#ifndef TRUCE_CLI_COMMANDS_H
#define TRUCE_CLI_COMMANDS_H

/* Exit codes, documented in the README and `truce --help`. */
enum {
    EXIT_OK = 0,          /* done; for check: no confirmed violation */
    EXIT_FINDINGS = 1,    /* check: some ruling is violated or overdue; verify: verification failed */
    EXIT_USAGE = 2,       /* bad command line */
    EXIT_INPUT = 3,       /* an input could not be read or is invalid (agreement, zone, key, log) */
    EXIT_REJECTS = 4,     /* check/append: finished, but some report lines were rejected */
    EXIT_INTERNAL = 5,    /* unexpected internal failure (I/O, database) */
};

int cmd_check(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_incidents(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_log(int argc, char **argv);
/* `truce log checkpoint | tiles | vkey` (cmd_checkpoint.c); argv[0] is the subcommand. */
int cmd_log_tlog(const char *sub, int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_witness(int argc, char **argv);
int cmd_diff(int argc, char **argv);

/* "truce: error: <message>" on stderr. */
void cli_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
