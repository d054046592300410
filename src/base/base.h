/* base: the small things every part of truce shares — borrowed text slices,
 * a bump arena, a string hash, RFC 3339 times and calendar arithmetic, and the
 * diagnostic record that carries file:line:column errors to the CLI. */
#ifndef TRUCE_BASE_H
#define TRUCE_BASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* A borrowed slice of bytes; never owns its memory. */
typedef struct {
    const char *ptr;
    size_t len;
} text_t;

#define TEXT(literal) ((text_t){(literal), sizeof(literal) - 1})
text_t text_of(const char *cstring);
bool   text_equals(text_t a, text_t b);
bool   text_equals_cstr(text_t a, const char *cstring);
int    text_compare(text_t a, text_t b);

/* Bump allocator: many small allocations freed together. */
typedef struct arena_block arena_block_t;
typedef struct {
    arena_block_t *head;
    size_t used;       /* bytes handed out, for memory accounting */
} arena_t;

void  arena_init(arena_t *arena);
void  arena_free(arena_t *arena);                 /* frees every block; NULL-safe */
void *arena_alloc(arena_t *arena, size_t size);   /* 8-aligned; aborts on out of memory */
char *arena_strndup(arena_t *arena, const char *s, size_t len); /* NUL-terminated copy */
text_t arena_text(arena_t *arena, text_t t);      /* copy that outlives the source */

/* Allocation that aborts with a message on out of memory: truce never limps on
 * after a failed malloc, it stops before it can corrupt anything. */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *pointer, size_t size);
char *xstrdup(const char *s);

/* Portable byte-wise hash (same value on every platform): for values that
 * decide outcomes, such as which of two conflicting reports is kept. */
uint64_t hash_bytes(const void *data, size_t len, uint64_t seed);
/* Fast hash reading 8 bytes at a time, for in-memory tables only (its value
 * depends on the machine's byte order). */
uint64_t hash_fast(const void *data, size_t len, uint64_t seed);

/* Reads a JSON number (RFC 8259 grammar) at p, before end. On success sets
 * *out and *stop (the first byte after it) and returns NULL; else returns
 * the reason. Exact: Clinger's fast path for the common short decimals,
 * strtod for the rest; a value beyond the doubles is an error. */
const char *number_parse(const char *p, const char *end, double *out, const char **stop);

/* Times are milliseconds since 1970-01-01T00:00:00Z (leap seconds ignored, as
 * in POSIX), which orders every report the agreement cares about. */
typedef int64_t time_ms_t;
#define TIME_NONE INT64_MIN
#define TIME_BEGINNING (INT64_MIN + 1)   /* "always": before any report */
#define MS_PER_DAY 86400000LL

/* Parses RFC 3339 ("2026-01-05T10:00:00Z", "...T10:00:00.250+02:00").
 * Returns false, leaving *out unchanged, on anything else. */
bool time_parse_rfc3339(const char *s, size_t len, time_ms_t *out);
/* Parses a calendar date "2026-06-30" to its first millisecond (UTC). */
bool time_parse_date(const char *s, size_t len, time_ms_t *out);
/* Why s is not a valid date (YYYY-MM-DD) or RFC 3339 time, in words a person
 * can act on: "2015-02-30: February 2015 has 28 days", "hour 25 is not
 * 00-23". Writes the reason to why and returns false when s is invalid;
 * returns true (why untouched) when it parses. */
bool time_explain_date(const char *s, size_t len, char *why, size_t size);
bool time_explain_rfc3339(const char *s, size_t len, char *why, size_t size);
/* A duration such as "10m", "90s", "2h", "7d" (a bare number is seconds), in
 * milliseconds; false on anything else. */
bool time_parse_duration(const char *s, time_ms_t *out);
/* "4 years", "10 minutes", "90 seconds": the largest whole unit, rounded down. */
void time_describe_duration(time_ms_t ms, char *out, size_t size);
/* The clock rule for stores (log append, serve): a report may not be dated
 * more than tolerance after its receipt, or one signed report could move every
 * ruling's clock. True, with "time T is 4 years after receipt (tolerance 10
 * minutes)" in why, when report_time is too far ahead of received. */
#define TIME_DEFAULT_MAX_FUTURE (10 * 60 * 1000)
bool time_too_far_ahead(time_ms_t report_time, time_ms_t received, time_ms_t tolerance, char *why, size_t size);
/* The wall clock, in milliseconds since 1970 (UTC). */
time_ms_t time_now(void);
/* Writes "2026-01-05T10:00:00Z" (".250" added when milliseconds are set);
 * buffer needs 25 bytes. Returns the length written. */
size_t time_format(time_ms_t t, char *buffer);
/* Calendar arithmetic in UTC: adding months clamps to the month's last day. */
time_ms_t time_add_days(time_ms_t t, int64_t days);
/* Whether the system's tz database knows an IANA zone name ("Europe/Kyiv"). */
bool time_zone_known(const char *zone);
/* The UTC time of a wall-clock time in a zone; local_ms counts the wall clock
 * as if it were UTC. False for an unknown zone. Not thread-safe (sets TZ):
 * for loading agreements only. */
bool time_from_local(int64_t local_ms, const char *zone, time_ms_t *out);
time_ms_t time_add_months(time_ms_t t, int64_t months);
int64_t   days_from_civil(int64_t year, unsigned month, unsigned day);

/* A diagnostic: what went wrong and where. The library fills these; only the
 * CLI and the server print them. */
typedef struct {
    char file[256];
    int line;          /* 1-based; 0 when not tied to a line */
    int column;        /* 1-based; 0 when not tied to a column */
    char message[256];
    bool warning;      /* true: it has no effect, but the input is still usable */
} diagnostic_t;

void diagnostic_set(diagnostic_t *d, const char *file, int line, int column,
                    const char *format, ...) __attribute__((format(printf, 5, 6)));

/* A growable list of diagnostics. */
typedef struct {
    diagnostic_t *items;
    size_t count, capacity;
} diagnostics_t;

diagnostic_t *diagnostics_add(diagnostics_t *list);
void diagnostics_free(diagnostics_t *list);
size_t diagnostics_errors(const diagnostics_t *list);   /* how many are not warnings */

/* JSON output helper: appends s as a quoted, escaped JSON string to a growable
 * buffer. */
typedef struct {
    char *data;
    size_t len, capacity;
} buffer_t;

void buffer_append(buffer_t *b, const void *data, size_t len);
void buffer_puts(buffer_t *b, const char *s);
void buffer_printf(buffer_t *b, const char *format, ...) __attribute__((format(printf, 2, 3)));
void buffer_json_string(buffer_t *b, const char *s, size_t len);
void buffer_free(buffer_t *b);
/* Appends a whole file; false (errno set) when it cannot be read. The data
 * is NUL-terminated (the NUL is not counted in len). */
bool buffer_read_file(buffer_t *b, const char *path);

#endif
