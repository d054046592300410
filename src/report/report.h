/* report: reads monitoring reports (JSON Lines, docs/interchange: the shared
 * spec) and validates each against the agreement's vocabulary. The parser is
 * the hot path of `truce check`: it allocates nothing per report. */
#ifndef TRUCE_REPORT_H
#define TRUCE_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "agreement/agreement.h"
#include "base/base.h"

#define REPORT_MAX_REFS 16

typedef enum { STANCE_NONE, STANCE_CONFIRMS, STANCE_DISPUTES } stance_t;

/* One report. Text fields are unescaped and borrowed: valid until the next
 * report_parse on the same parser. A missing optional field has ptr == NULL. */
typedef struct {
    text_t id, source;
    int source_index;          /* index into agreement->sources */
    time_ms_t time;
    int kind;                  /* index into agreement->kinds */
    int actor, to;             /* party indices, -1 when absent */
    int actor_member;          /* the member of the actor's side that acted, plus one; 0: the side itself */
    bool has_at;
    double lon, lat;
    int target;                /* place index, -1 when absent */
    bool has_value;
    double value;
    text_t cause, note, sig;
    int ref_count;
    stance_t stance;
    /* The kind's details, at the index of their declaration: a number, a
     * count, or the index of a word in the detail's list. */
    double details[KIND_MAX_DETAILS];
    uint8_t details_present;   /* bit i: detail i was given */
    text_t refs[REPORT_MAX_REFS];  /* last: only the first ref_count are set */
} report_t;

typedef struct report_parser report_parser_t;

/* The agreement is borrowed and must outlive the parser. */
report_parser_t *report_parser_new(const agreement_t *agreement);
void report_parser_free(report_parser_t *parser);

/* Parses and validates one line (without its newline). On failure returns
 * false and writes the reason (no file or line: the caller knows those) to
 * error. */
bool report_parse(report_parser_t *parser, const char *line, size_t len, report_t *out,
                  char *error, size_t error_size);

/* Reads a stream line by line in large blocks, without a copy per line. A
 * line longer than REPORT_MAX_LINE bytes stops the input with the error
 * LINE_READER_TOO_LONG (line_reader_line_number names it). */
#define REPORT_MAX_LINE (1 << 20)
#define LINE_READER_TOO_LONG (-1)
typedef struct line_reader line_reader_t;
line_reader_t *line_reader_open(const char *path);   /* "-" is standard input; NULL on error (errno set) */
void line_reader_close(line_reader_t *reader);
/* Returns false at end of input or on a read error (check line_reader_error).
 * The line excludes its newline (and a trailing \r) and is valid until the next call. */
bool line_reader_next(line_reader_t *reader, const char **line, size_t *len, long *line_number);
int line_reader_error(const line_reader_t *reader);  /* errno of a failed read, LINE_READER_TOO_LONG, 0 if none */
long line_reader_line_number(const line_reader_t *reader); /* of the last line returned or refused */

#endif
