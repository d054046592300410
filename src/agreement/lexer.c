/* lexer: tokens of the agreement language. Words may hold letters, digits and
 * . - _ * and an inner colon (party:UA, sanctions:reinstated), so that names
 * read as written; a colon followed by a space or digit is punctuation. */
#include "agreement/lexer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lexer_init(lexer_t *lexer, const char *text, size_t len) {
    memset(lexer, 0, sizeof *lexer);
    lexer->text = text;
    lexer->len = len;
    lexer->line = 1;
    lexer->column = 1;
}

static int peek(const lexer_t *lx, size_t ahead) {
    return lx->pos + ahead < lx->len ? (unsigned char)lx->text[lx->pos + ahead] : -1;
}

static void advance(lexer_t *lx) {
    if (lx->text[lx->pos] == '\n') {
        lx->line++;
        lx->column = 1;
    } else {
        lx->column++;
    }
    lx->pos++;
}

static bool is_word_char(int c) {
    return c >= 0 && (isalnum(c) || c == '.' || c == '-' || c == '_' || c == '*' || c >= 0x80);
}

static token_t make(const lexer_t *lx, token_type_t type, size_t start, int line, int column) {
    token_t t = {type, {lx->text + start, lx->pos - start}, 0, line, column};
    return t;
}

static token_t error_token(lexer_t *lx, int line, int column, const char *message) {
    snprintf(lx->error, sizeof lx->error, "%s", message);
    token_t t = {TOKEN_ERROR, {NULL, 0}, 0, line, column};
    return t;
}

static void skip_blank_and_comments(lexer_t *lx) {
    for (;;) {
        int c = peek(lx, 0);
        if (c == ' ' || c == '\t' || c == '\r') {
            advance(lx);
        } else if (c == '#') {
            while (peek(lx, 0) != -1 && peek(lx, 0) != '\n') advance(lx);
        } else {
            return;
        }
    }
}

static token_t lex_string(lexer_t *lx, int line, int column) {
    advance(lx); /* opening quote */
    size_t start = lx->pos;
    for (;;) {
        int c = peek(lx, 0);
        if (c == -1 || c == '\n') return error_token(lx, line, column, "unterminated string");
        if (c == '"') break;
        if (c == '\\') advance(lx);
        if (peek(lx, 0) == -1) return error_token(lx, line, column, "unterminated string");
        advance(lx);
    }
    token_t t = {TOKEN_STRING, {lx->text + start, lx->pos - start}, 0, line, column};
    advance(lx);
    return t;
}

/* A token that begins with a digit: a number if it is all digits (with `_`
 * separators and one decimal point), else a word such as "10d" or "2026-06-30". */
static token_t lex_number_or_word(lexer_t *lx, int line, int column) {
    size_t start = lx->pos;
    for (int c = peek(lx, 0); is_word_char(c) || c == '/' || c == '+' || c == '='; c = peek(lx, 0))
        advance(lx);
    token_t t = make(lx, TOKEN_WORD, start, line, column);
    char digits[64];
    size_t n = 0, dots = 0;
    for (size_t i = 0; i < t.text.len; i++) {
        char c = t.text.ptr[i];
        if (c == '_') continue;
        if (c == '.') dots++;
        else if (!isdigit((unsigned char)c)) return t;
        if (n + 1 >= sizeof digits) return t;
        digits[n++] = c;
    }
    if (dots > 1 || t.text.ptr[t.text.len - 1] == '.') return t;
    digits[n] = '\0';
    t.type = TOKEN_NUMBER;
    t.number = strtod(digits, NULL);
    return t;
}

/* Inside a word, / + = are kept too, so that base64 keys read as one word. */
static token_t lex_word(lexer_t *lx, int line, int column) {
    size_t start = lx->pos;
    for (;;) {
        int c = peek(lx, 0);
        if (is_word_char(c) || c == '/' || c == '+' || c == '=') advance(lx);
        else if (c == ':' && is_word_char(peek(lx, 1)) && !isdigit(peek(lx, 1))) advance(lx);
        else break;
    }
    return make(lx, TOKEN_WORD, start, line, column);
}

static token_t lex_text_line(lexer_t *lx, int line, int column) {
    advance(lx); /* the bar */
    if (peek(lx, 0) == ' ') advance(lx);
    size_t start = lx->pos;
    while (peek(lx, 0) != -1 && peek(lx, 0) != '\n') advance(lx);
    size_t end = lx->pos;
    while (end > start && (lx->text[end - 1] == ' ' || lx->text[end - 1] == '\r')) end--;
    token_t t = {TOKEN_TEXT_LINE, {lx->text + start, end - start}, 0, line, column};
    return t;
}

token_t lexer_next(lexer_t *lx) {
    skip_blank_and_comments(lx);
    int line = lx->line, column = lx->column;
    int c = peek(lx, 0);
    if (c == -1) return make(lx, TOKEN_END, lx->pos, line, column);
    if (c == '\n') {
        advance(lx);
        token_t t = {TOKEN_NEWLINE, {"\n", 1}, 0, line, column};
        return t;
    }
    if (c == '"') return lex_string(lx, line, column);
    if (c == '|') return lex_text_line(lx, line, column);
    if (isdigit(c) || (c == '-' && isdigit(peek(lx, 1)))) {
        if (c == '-') advance(lx);
        token_t t = lex_number_or_word(lx, line, column);
        t.text.ptr = lx->text + (t.text.ptr - lx->text) - (c == '-');
        t.text.len += (c == '-');
        if (c == '-') t.number = -t.number;
        return t;
    }
    if (isalpha(c) || c == '_' || c >= 0x80 || c == '/' || c == '+') return lex_word(lx, line, column);
    size_t start = lx->pos;
    if ((c == '<' || c == '>') && peek(lx, 1) == '=') advance(lx);
    if (c && strchr(":,=%<>()", c)) {
        advance(lx);
        return make(lx, TOKEN_PUNCT, start, line, column);
    }
    advance(lx);
    char message[64];
    snprintf(message, sizeof message, "unexpected character '%c'", c > 32 && c < 127 ? c : '?');
    return error_token(lx, line, column, message);
}

char *lexer_string_value(arena_t *arena, text_t raw) {
    char *out = arena_alloc(arena, raw.len + 1), *w = out;
    for (size_t i = 0; i < raw.len; i++) {
        char c = raw.ptr[i];
        if (c == '\\' && i + 1 < raw.len) {
            c = raw.ptr[++i];
            if (c == 'n') c = '\n';
            else if (c == 't') c = '\t';
        }
        *w++ = c;
    }
    *w = '\0';
    return out;
}
