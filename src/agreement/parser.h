/* parser: the state shared by the statement parser (parser.c), the point and
 * rule parser (rules.c) and the final resolution pass (agreement.c). Internal
 * to src/agreement. */
#ifndef TRUCE_AGREEMENT_PARSER_H
#define TRUCE_AGREEMENT_PARSER_H

#include "agreement/agreement.h"
#include "agreement/lexer.h"

#define PARSER_MAX_INCLUDE_DEPTH 16

/* A consequence that names a point by label, resolved once every point is read. */
typedef struct {
    char *label;
    int reaction, action;
    int line, column;
} pending_label_t;

typedef struct {
    lexer_t lexer;
    token_t token;
    const char *path;
    char folder[1024];         /* the agreement's folder, for relative zone files */
    diagnostics_t *errors;
    agreement_t *a;
    int current_point;         /* -1 before the first `point` */
    bool statement_failed;     /* an error was reported for the current line */
    bool keys_only;            /* reading a `keys` registry file */
    const char *included_from; /* reading an `include`d file (declarations only): the includer, else NULL */
    const char *include_stack[PARSER_MAX_INCLUDE_DEPTH]; /* canonical paths of the files being read, outermost first */
    int include_depth;
    pending_label_t *pending;
    int pending_count;
    int name_line, name_column;  /* where the last name read by parser_expect_name began */
    bool *place_broken;        /* per place: its geometry failed (already reported) */
    int place_broken_count;
    bool *point_failed;        /* per point: a rule line under it failed (no cascade errors) */
    int point_failed_count;
    /* While a computed place is evaluated (place_expr.c): the time whose
     * versions of other places it uses (TIME_NONE: their latest), and the
     * boundaries of the versions it met. */
    time_ms_t place_time;
    time_ms_t *place_bounds;
    int place_bound_count;
} parser_t;

void parser_run(parser_t *p);
/* limits.c: counts within the engine's indices, a sane key registry. */
void parser_check_limits(parser_t *p);
void parser_error_at(parser_t *p, int line, int column, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
bool parser_point(parser_t *p);
bool parser_point_text(parser_t *p);
bool parser_rule(parser_t *p);
bool parser_read_file(const char *path, char **text, size_t *len);
bool parser_read_named_file(parser_t *p, const char *what, char *path, size_t size, char **text, size_t *len);
/* `include "FILE"` (include.c): reads a file of declarations in place. */
bool parser_include(parser_t *p);
/* Remembers the outermost file, for include cycles. */
void parser_include_root(parser_t *p);
/* Zone, key and included files are named relative to the current file's folder. */
void parser_join_path(const parser_t *p, const char *file, char *out, size_t size);
/* `= EXPR [illustrative]` of a computed place (place_expr.c): sets its zone,
 * expression and illustrative mark. */
bool parser_place_expression(parser_t *p, place_t *place);
/* Times (time_expr.c): an event reference, `NAME [+ N days]` or a date
 * (inline events are added to the table); -1 on error. */
int parser_expect_event(parser_t *p);
/* `by DATE[THH:MM] [ZONE]` after the word `by`. */
bool parser_by_date(parser_t *p, rule_t *rule);
/* A time DATE[THH:MM] [ZONE] (a bare date: its first millisecond). */
bool parser_time(parser_t *p, time_ms_t *out);
/* Adds a parsed place to the table, or a version of one declared before
 * (place_versions.c); takes ownership of its geometry. */
bool parser_place_declare(parser_t *p, place_t *place, bool broken);
/* `event X = after ... | first of ... | E + N days | DATE`; *handled false
 * (and nothing read) when the definition is a report kind instead. */
bool parser_event_definition(parser_t *p, event_t *event, bool *handled);
/* Details (details.c): a `detail KIND NAME TYPE` statement, and a rule's
 * `where` filter after the word `where`. */
bool parser_detail(parser_t *p);
/* `= M1, M2` after `party CODE "name"` (parser.c). */
bool parser_side_members(parser_t *p, int side);
bool parser_where(parser_t *p, rule_t *rule);

/* Token helpers (parser.c). accept_* consume the token if it matches;
 * expect_* also report an error when it does not. Errors return false/NULL/-1. */
void parser_next(parser_t *p);
bool parser_error(parser_t *p, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* Reports at the last name read, e.g. "declared twice". Returns false. */
bool parser_error_at_name(parser_t *p, const char *format, ...) __attribute__((format(printf, 2, 3)));
bool parser_at_word(const parser_t *p, const char *word);
bool parser_at_punct(const parser_t *p, const char *punct);
bool parser_at_line_end(const parser_t *p);
bool parser_accept_word(parser_t *p, const char *word);
bool parser_accept_punct(parser_t *p, const char *punct);
bool parser_expect_word(parser_t *p, const char *word);
bool parser_expect_punct(parser_t *p, const char *punct);
char *parser_expect_name(parser_t *p, const char *what);
char *parser_optional_string(parser_t *p);
bool parser_expect_number(parser_t *p, const char *what, double *out);
int parser_expect_reference(parser_t *p, const char *what);
bool parser_expect_parties(parser_t *p, uint32_t *parties);
void *parser_grow(void **array, int *count, size_t element_size);
/* A warning: the statement has no effect but the agreement is still usable. */
void parser_warning_at(parser_t *p, int line, int column, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
/* " (did you mean 'forbid'?)" when word is a near miss of one of the
 * keywords (a NULL-terminated list), else "". */
void parser_keyword_hint(text_t word, const char *const *keywords, char *out, size_t size);
/* The same among declared names: what is "party", "kind", "place", "source",
 * "event" or "point". */
void parser_name_hint(const agreement_t *a, const char *what, text_t word, char *out, size_t size);

/* suggest.c: the nearest candidate by edit distance, when near enough. */
typedef struct {
    text_t word;
    const char *best;          /* NULL: nothing near enough */
    size_t distance;
} suggestion_t;
size_t suggest_distance(text_t a, const char *b);
void suggest_init(suggestion_t *s, text_t word);
void suggest_consider(suggestion_t *s, const char *candidate);
void suggest_hint(const suggestion_t *s, char *out, size_t size);
#define GROW(array, count) ((__typeof__(array))parser_grow((void **)&(array), &(count), sizeof *(array)))

#endif
