/* line_reader: hands out the lines of a file or of standard input from one
 * large buffer refilled with read(2), so reading costs no copy and no
 * allocation per line. A line longer than the buffer grows it, up to
 * REPORT_MAX_LINE: past that the input is refused (LINE_READER_TOO_LONG),
 * so /dev/zero or a runaway producer cannot exhaust memory. */
#include "report/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct line_reader {
    int fd;
    char *buffer;
    size_t size, start, end;   /* unread bytes are buffer[start, end) */
    size_t scanned;            /* of them, the first scanned hold no newline: a long line from a
                                  pipe arrives in small reads, and rescanning it would be quadratic */
    long line_number;
    bool eof;
    int error;
};

line_reader_t *line_reader_open(const char *path) {
    int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
    if (fd < 0) return NULL;
    line_reader_t *r = xcalloc(1, sizeof *r);
    r->fd = fd;
    r->size = 1 << 20;
    r->buffer = xmalloc(r->size);
    return r;
}

void line_reader_close(line_reader_t *r) {
    if (!r) return;
    if (r->fd > 0) close(r->fd);
    free(r->buffer);
    free(r);
}

int line_reader_error(const line_reader_t *r) { return r->error; }
long line_reader_line_number(const line_reader_t *r) { return r->line_number; }

/* Moves unread bytes to the front (growing if full) and reads more. */
static bool refill(line_reader_t *r) {
    if (r->start > 0) {
        memmove(r->buffer, r->buffer + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->end == r->size) {
        r->size *= 2;
        r->buffer = xrealloc(r->buffer, r->size);
    }
    for (;;) {
        ssize_t n = read(r->fd, r->buffer + r->end, r->size - r->end);
        if (n > 0) {
            r->end += (size_t)n;
            return true;
        }
        if (n == 0) {
            r->eof = true;
            return false;
        }
        if (errno != EINTR) {
            r->error = errno;
            r->eof = true;
            return false;
        }
    }
}

bool line_reader_next(line_reader_t *r, const char **line, size_t *len, long *line_number) {
    for (;;) {
        char *begin = r->buffer + r->start;
        char *newline = memchr(begin + r->scanned, '\n', r->end - r->start - r->scanned);
        size_t have = newline ? (size_t)(newline - begin) : r->end - r->start;
        if (have > REPORT_MAX_LINE) {
            r->error = LINE_READER_TOO_LONG;
            r->line_number++;   /* the line at fault */
            r->eof = true;
            r->start = r->end = r->scanned = 0;
            return false;
        }
        if (newline || (r->eof && r->end > r->start)) {
            size_t n = newline ? (size_t)(newline - begin) : r->end - r->start;
            r->start += n + (newline != NULL);
            r->scanned = 0;
            if (r->line_number == 0 && n >= 3 && memcmp(begin, "\xEF\xBB\xBF", 3) == 0) { /* UTF-8 BOM */
                begin += 3;
                n -= 3;
            }
            if (n && begin[n - 1] == '\r') n--;
            *line = begin;
            *len = n;
            *line_number = ++r->line_number;
            return true;
        }
        r->scanned = r->end - r->start;
        if (r->eof || !refill(r)) {
            if (r->end > r->start) continue; /* the last line has no newline */
            return false;
        }
    }
}
