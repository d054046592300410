/* cmd_diff: `truce diff OLD NEW` prints what changed between two drafts of an
 * agreement, point by point, for negotiators (text) or programs (--json).
 * Exit codes follow diff(1): 0 the same, 1 different, 2 and up trouble. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "drafts/drafts.h"

static const char diff_usage[] =
    "usage: truce diff [--json] [--color WHEN] OLD.truce NEW.truce\n\n"
    "Compares two drafts of an agreement point by point: points added, removed or\n"
    "renumbered (matched by label, or by `replaces`), a word diff of each point's\n"
    "words, each rule added, removed or changed with its old and new values (a\n"
    "number, a window, parties, a zone with the area it gains or loses), the\n"
    "consequences added or removed, and points that became declaratory or\n"
    "machine-checked.\n\n"
    "options:\n"
    "  --json          one JSON object per change, per line (docs/drafts.md)\n"
    "  --color WHEN    mark changed values: auto (default), always, never\n"
    "  -h, --help      this text\n\n"
    "exit codes: 0 the drafts are the same, 1 they differ, 2 usage error or drafts\n"
    "with different parties, 3 a draft cannot be read or does not lint\n";

int cmd_diff(int argc, char **argv) {
    static const struct option options[] = {{"json", no_argument, NULL, 'j'}, {"color", required_argument, NULL, 'c'},
                                            {"help", no_argument, NULL, 'h'}, {0}};
    bool json = false;
    int color = -1, c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'c': color = !strcmp(optarg, "always") ? 1 : !strcmp(optarg, "never") ? 0 : -1; break;
        case 'h': fputs(diff_usage, stdout); return EXIT_OK;
        default: fputs(diff_usage, stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind != 2) {
        fputs(diff_usage, stderr);
        return EXIT_USAGE;
    }
    geo_init();
    /* Both are loaded even when the first fails, so that one run reports the lint errors of each. */
    agreement_t *old = cli_load_agreement(argv[optind]), *new = cli_load_agreement(argv[optind + 1]);
    int status = EXIT_INPUT;
    char why[512];
    if (old && new && !drafts_comparable(old, new, why, sizeof why)) {
        cli_error("%s", why);
        status = EXIT_USAGE;
    } else if (old && new) {
        draft_diff_t *diff = drafts_diff(old, new);
        buffer_t out = {0};
        if (json) draft_diff_write_json(diff, &out);
        else draft_diff_write_text(diff, color < 0 ? isatty(STDOUT_FILENO) : color, &out);
        if (out.len) fwrite(out.data, 1, out.len, stdout);
        buffer_free(&out);
        status = diff->count ? EXIT_FINDINGS : EXIT_OK;
        draft_diff_free(diff);
    }
    agreement_free(old);
    agreement_free(new);
    geo_finish();
    return status;
}
