/* include: `include "FILE"` reads a file of shared declarations (parties,
 * sources, places, kinds, events, keys) in place, so that the drafts of one
 * agreement name the same vocabulary. Cycles and missing files are errors. */
#include "agreement/parser.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The canonical path, so that "a/../b.truce" and "b.truce" are one file in a
 * cycle; the path as given when it cannot be resolved. */
static const char *canonical(parser_t *p, const char *path) {
    char resolved[PATH_MAX];
    const char *name = realpath(path, resolved) ? resolved : path;
    return arena_strndup(&p->a->arena, name, strlen(name));
}

void parser_include_root(parser_t *p) {
    p->include_stack[0] = canonical(p, p->path);
    p->include_depth = 1;
}

static bool include_cycle(parser_t *p, const char *file, const char *real, int line, int column) {
    for (int i = 0; i < p->include_depth; i++)
        if (!strcmp(p->include_stack[i], real)) {
            parser_error_at(p, line, column, "include cycle: %s is already being read (%s includes it again)",
                            file, p->path);
            return true;
        }
    if (p->include_depth == PARSER_MAX_INCLUDE_DEPTH) {
        parser_error_at(p, line, column, "includes nested more than %d deep", PARSER_MAX_INCLUDE_DEPTH);
        return true;
    }
    return false;
}

/* Runs the parser over the included text with the file's own path and folder
 * (its errors name it; its zone and key files are relative to it), then puts
 * the includer's position back. Every table it adds to is shared. */
static void parse_included(parser_t *p, const char *path, const char *real, const char *text, size_t len) {
    lexer_t lexer = p->lexer;
    token_t token = p->token;
    const char *outer_path = p->path, *outer_from = p->included_from;
    char folder[sizeof p->folder];
    memcpy(folder, p->folder, sizeof folder);
    int current_point = p->current_point;

    p->included_from = outer_path;
    p->path = arena_strndup(&p->a->arena, path, strlen(path));
    const char *slash = strrchr(path, '/');
    snprintf(p->folder, sizeof p->folder, "%.*s", slash ? (int)(slash - path) : 0, path);
    p->current_point = -1;
    p->include_stack[p->include_depth++] = real;
    lexer_init(&p->lexer, text, len);
    parser_run(p);

    p->include_depth--;
    p->lexer = lexer;
    p->token = token;
    p->path = outer_path;
    p->included_from = outer_from;
    memcpy(p->folder, folder, sizeof folder);
    p->current_point = current_point;
    p->statement_failed = false;
}

bool parser_include(parser_t *p) {
    int line = p->token.line, column = p->token.column;
    char path[1024], *text;
    size_t len;
    if (!parser_read_named_file(p, "included", path, sizeof path, &text, &len)) return !p->statement_failed;
    const char *real = canonical(p, path);
    if (!include_cycle(p, strrchr(path, '/') ? strrchr(path, '/') + 1 : path, real, line, column))
        parse_included(p, path, real, text, len);
    free(text);
    return true;
}
