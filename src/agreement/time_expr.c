/* time_expr: the times a rule or an event names.
 *   EVENT  := NAME [+ N days] | DATE[THH:MM][Z] [ZONE]
 *   by DATE[THH:MM] [ZONE]          a deadline; a bare date means the end of that day
 *   event X = first of E1, E2 ...   the earliest of several (beside `after`, the latest)
 * ZONE is an IANA name from the system tz database (Europe/Kyiv); without one
 * times are UTC. Inline events (`withdrawal + 5 days`, a date) become entries
 * of the event table named by their text, so the engine dates them like any. */
#include "agreement/parser.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool at_date(const parser_t *p) {
    const text_t t = p->token.text;
    return p->token.type == TOKEN_WORD && t.len >= 10 && isdigit((unsigned char)t.ptr[0]) &&
           isdigit((unsigned char)t.ptr[3]) && t.ptr[4] == '-';
}

static int find_event(const agreement_t *a, const char *name) {
    for (int i = 0; i < a->event_count; i++)
        if (!strcmp(a->events[i].name, name)) return i;
    return -1;
}

/* The event named `name`, added with the template's definition if new. */
static int intern_event(parser_t *p, const char *name, event_t template) {
    int found = find_event(p->a, name);
    if (found >= 0) return found;
    template.name = arena_strndup(&p->a->arena, name, strlen(name));
    template.line = p->token.line;
    *GROW(p->a->events, p->a->event_count) = template;
    return p->a->event_count - 1;
}

static event_t blank_event(void) {
    return (event_t){.kind = -1, .party = -1, .target = -1, .base = -1, .at = TIME_NONE};
}

/* DATE[THH:MM][Z] [ZONE]. The lexer splits "2015-02-15T00:00" at the colon,
 * so the date is read from the source text and the tokens it spans skipped.
 * end_of_day: a date without a time means its last millisecond (for `by`).
 * label receives the text as written, normalised ("2015-02-15T00:00 Europe/Kyiv"). */
static bool parse_datetime(parser_t *p, bool end_of_day, time_ms_t *out, char *label, size_t label_size) {
    int line = p->token.line, column = p->token.column;
    const char *start = p->token.text.ptr, *end = p->lexer.text + p->lexer.len, *stop = start;
    while (stop < end && (isdigit((unsigned char)*stop) || *stop == '-' || *stop == 'T' || *stop == ':' || *stop == 'Z'))
        stop++;
    size_t length = (size_t)(stop - start);
    while (p->token.type != TOKEN_NEWLINE && p->token.type != TOKEN_END && p->token.text.ptr < stop) parser_next(p);
    time_ms_t day;
    if (length < 10 || !time_parse_date(start, 10, &day)) {
        char why[160];
        if (length >= 10 && !time_explain_date(start, 10, why, sizeof why)) /* "2015-02-30: February 2015 has 28 days" */
            parser_error_at(p, line, column, "%s", why);
        else
            parser_error_at(p, line, column, "expected a date such as 2015-02-15 or 2015-02-15T00:00 (and a real day)");
        return false;
    }
    int64_t clock = 0;
    bool has_time = length > 10, utc_mark = length > 10 && start[length - 1] == 'Z';
    if (has_time) {
        size_t time_length = length - 11 - utc_mark;
        int hours = -1, minutes = -1;
        bool shaped = start[10] == 'T' && time_length == 5 && start[13] == ':' &&
                      sscanf(start + 11, "%2d:%2d", &hours, &minutes) == 2;
        if (!shaped || hours > 24 || minutes > 59 || (hours == 24 && minutes)) {
            parser_error_at(p, line, column + 10, "expected a time of day THH:MM (00:00 to 24:00) after the date");
            return false;
        }
        clock = (hours * 60 + minutes) * 60000LL;
    } else if (end_of_day) {
        clock = MS_PER_DAY - 1;
    }
    int written = snprintf(label, label_size, "%.*s", (int)length, start);
    time_ms_t local = day + clock;
    *out = local;
    bool zone_next = !utc_mark && p->token.type == TOKEN_WORD &&
                     (memchr(p->token.text.ptr, '/', p->token.text.len) || text_equals_cstr(p->token.text, "UTC"));
    if (zone_next) {
        char zone[80];
        snprintf(zone, sizeof zone, "%.*s", (int)p->token.text.len, p->token.text.ptr);
        if (!time_from_local(local, zone, out))
            return parser_error(p, "unknown time zone '%s' (an IANA name from the tz database, such as Europe/Kyiv)", zone);
        snprintf(label + written, label_size - (size_t)written, " %s", zone);
        parser_next(p);
    }
    return true;
}

/* NAME [+ N days] or a date: an index into the event table; -1 on error. */
int parser_expect_event(parser_t *p) {
    if (at_date(p)) {
        char label[128];
        time_ms_t at;
        if (!parse_datetime(p, false, &at, label, sizeof label)) return -1;
        event_t fixed = blank_event();
        fixed.at = at;
        return intern_event(p, label, fixed);
    }
    int base = parser_expect_reference(p, "event");
    if (base < 0 || !parser_at_word(p, "+")) return base;
    parser_next(p);
    double days;
    int line = p->token.line, column = p->token.column;
    if (!parser_expect_number(p, "a number of days", &days)) return -1;
    if (days < 0 || days != (double)(int64_t)days)
        return parser_error_at(p, line, column, "expected a whole number of days, 0 or more"), -1;
    if (!parser_accept_word(p, "days") && !parser_accept_word(p, "day"))
        return parser_error(p, "expected 'days' (event arithmetic counts whole days)"), -1;
    char label[256];
    snprintf(label, sizeof label, "%s + %lld days", p->a->events[base].name, (long long)days);
    event_t later = blank_event();
    later.base = base;
    later.offset_days = (int64_t)days;
    return intern_event(p, label, later);
}

/* `by DATE[THH:MM] [ZONE]`: the deadline; a bare date means the end of that day. */
bool parser_by_date(parser_t *p, rule_t *rule) {
    if (!at_date(p)) {
        char why[160]; /* "tomorrow: not a date of the form YYYY-MM-DD" */
        if ((p->token.type == TOKEN_WORD || p->token.type == TOKEN_NUMBER) &&
            !time_explain_date(p->token.text.ptr, p->token.text.len, why, sizeof why))
            return parser_error(p, "%s", why);
        return parser_error(p, "expected a date such as 2026-06-30");
    }
    char label[128];
    return parse_datetime(p, true, &rule->window.deadline_date, label, sizeof label);
}

bool parser_time(parser_t *p, time_ms_t *out) {
    if (!at_date(p)) return parser_error(p, "expected a date such as 2015-02-18 or 2015-02-18T12:00");
    char label[128];
    return parse_datetime(p, false, out, label, sizeof label);
}

/* E1, E2, ... into event->after. */
static bool parse_event_list(parser_t *p, event_t *event) {
    do {
        if (event->after_count == EVENT_MAX_AFTER) return parser_error(p, "too many events (at most %d)", EVENT_MAX_AFTER);
        int e = parser_expect_event(p);
        if (e < 0) return false;
        event->after[event->after_count++] = e;
    } while (parser_accept_punct(p, ","));
    return true;
}

/* The right-hand side of `event NAME = ...` other than a report kind:
 * `after E1, E2`, `first of E1, E2`, `E + N days`, a date. False when the
 * line is none of these (the caller then reads a kind). */
bool parser_event_definition(parser_t *p, event_t *event, bool *handled) {
    *handled = true;
    if (parser_accept_word(p, "after")) return parse_event_list(p, event);
    if (parser_accept_word(p, "first")) {
        event->first = true;
        return parser_expect_word(p, "of") && parse_event_list(p, event);
    }
    bool names_event = p->token.type == TOKEN_WORD && agreement_kind(p->a, p->token.text) < 0;
    if (names_event) {
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)p->token.text.len, p->token.text.ptr);
        names_event = find_event(p->a, name) >= 0;
    }
    if (!at_date(p) && !names_event) {
        *handled = false;
        return true;
    }
    int e = parser_expect_event(p);
    if (e < 0) return false;
    event->base = e;   /* the same time as that event */
    return true;
}
