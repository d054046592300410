/* lexer: splits agreement text into tokens (words, strings, numbers,
 * punctuation, `|` text lines, ends of lines), each with its line and column.
 * Internal to src/agreement. */
#ifndef TRUCE_AGREEMENT_LEXER_H
#define TRUCE_AGREEMENT_LEXER_H

#include "base/base.h"

typedef enum {
    TOKEN_END, TOKEN_NEWLINE, TOKEN_WORD, TOKEN_STRING, TOKEN_NUMBER, TOKEN_PUNCT,
    TOKEN_TEXT_LINE, TOKEN_ERROR,
} token_type_t;

typedef struct {
    token_type_t type;
    text_t text;        /* word, number, punctuation, text line; for strings the raw
                           quoted body (escapes still in it) */
    double number;
    int line, column;
} token_t;

typedef struct {
    const char *text;
    size_t len, pos;
    int line, column;
    char error[128];    /* set when a TOKEN_ERROR is returned */
} lexer_t;

void lexer_init(lexer_t *lexer, const char *text, size_t len);
token_t lexer_next(lexer_t *lexer);
/* Unescapes a string token's body into a NUL-terminated copy in the arena. */
char *lexer_string_value(arena_t *arena, text_t raw);

#endif
