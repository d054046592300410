/* board: the rulings as a person reads them in a terminal — one row per
 * point, one column per party, the 0-3 score, then every finding with its
 * reason, evidence and consequences; and the --explain view of one point. */
#include "cli/board.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define RED "\033[31m"
#define YELLOW "\033[33m"
#define GREEN "\033[32m"
#define DIM "\033[2m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

/* The short form of a status in a board cell: capitals for findings, a
 * trailing ? when the finding rests only on allegations or is disputed. */
static void cell_text(const ruling_t *r, char *out, size_t size) {
    switch (r->status) {
    case STATUS_VIOLATED:
        if (r->respected_since != TIME_NONE) snprintf(out, size, "violated-"); /* ended: respected again */
        else snprintf(out, size, r->standing == STANDING_CONFIRMED ? "VIOLATED" : "violated?");
        break;
    case STATUS_FULFILLED: snprintf(out, size, r->late_by ? "LATE" : "fulfilled"); break;
    case STATUS_CLAIMED: snprintf(out, size, "claimed?"); break;
    case STATUS_DISPUTED: snprintf(out, size, "disputed?"); break;
    case STATUS_OVERDUE: snprintf(out, size, "OVERDUE"); break;
    case STATUS_IN_EFFECT: snprintf(out, size, "in effect"); break;
    default: snprintf(out, size, "%s", status_name(r->status)); break;
    }
}

static const char *cell_color(const ruling_t *r) {
    switch (r->status) {
    case STATUS_VIOLATED: return r->standing == STANDING_CONFIRMED ? RED BOLD : RED;
    case STATUS_DISPUTED:
    case STATUS_OVERDUE: return YELLOW;
    case STATUS_VOID:
    case STATUS_SUSPENDED: return RED;
    case STATUS_FULFILLED: return r->late_by ? YELLOW : GREEN;
    case STATUS_CLAIMED: return YELLOW;
    case STATUS_PENDING:
    case STATUS_DECLARATORY: return DIM;
    default: return "";
    }
}

static const ruling_t *find_ruling(const rulings_t *rulings, int point, int party) {
    for (int i = 0; i < rulings->count; i++)
        if (rulings->items[i].point == point && rulings->items[i].party == party) return &rulings->items[i];
    return NULL;
}

static void print_cell(FILE *out, const ruling_t *r, bool color) {
    char text[24];
    if (!r) {
        fprintf(out, " %-10s", ".");
        return;
    }
    cell_text(r, text, sizeof text);
    if (color) fprintf(out, " %s%-10s%s", cell_color(r), text, RESET);
    else fprintf(out, " %-10s", text);
}

static void print_header(FILE *out, const agreement_t *a, const rulings_t *rulings) {
    char as_of[32];
    time_format(rulings->as_of, as_of);
    fprintf(out, "%s: %s\nas of %s\n\n", a->name, a->title ? a->title : "", as_of);
    fprintf(out, "%-5s %-34s", "POINT", "TITLE");
    for (int p = 0; p < a->party_count; p++) fprintf(out, " %-10s", a->parties[p].code);
    fprintf(out, " SCORE\n");
}

static void print_row(FILE *out, const agreement_t *a, const rulings_t *rulings, int point, bool color) {
    const point_t *pt = &a->points[point];
    fprintf(out, "%-5s %-34.34s", pt->label, pt->title ? pt->title : "");
    const ruling_t *all = find_ruling(rulings, point, -1);
    for (int p = 0; all && p < a->party_count; p++) /* a point with rules and a declaratory part: the rules show */
        if (find_ruling(rulings, point, p)) all = NULL;
    if (all) {
        static const char *scale[] = {"not begun", "minimal", "intermediate", "full"};
        char text[64];
        if (all->score >= 0) snprintf(text, sizeof text, "declaratory (council: %s)", scale[all->score]);
        else snprintf(text, sizeof text, "declaratory (the council rules)");
        fprintf(out, " %s%-*s%s", color ? DIM : "", 11 * a->party_count - 1, text, color ? RESET : "");
    } else {
        for (int p = 0; p < a->party_count; p++) print_cell(out, find_ruling(rulings, point, p), color);
    }
    int score = rulings->point_scores[point];
    if (score >= 0) fprintf(out, " %d\n", score);
    else fprintf(out, " -\n");
}

static void print_list(FILE *out, const char *label, char **items, int count) {
    if (!count) return;
    fprintf(out, "      %s:", label);
    for (int i = 0; i < count; i++) fprintf(out, " %s", items[i]);
    fputc('\n', out);
}

static bool is_finding(const ruling_t *r) {
    return r->status == STATUS_VIOLATED || r->status == STATUS_OVERDUE || r->status == STATUS_DISPUTED ||
           r->status == STATUS_VOID || r->status == STATUS_SUSPENDED || r->status == STATUS_OBSERVED ||
           r->late_by > 0 || r->consequence_count > 0;
}

/* "incidents: 12 (9 confirmed, 3 alleged), 2026-02-01 to 2026-03-04". */
static void print_incidents(FILE *out, const ruling_t *r) {
    static const char *names[] = {"", "disputed", "alleged", "claimed", "confirmed"};
    if (r->incident_count <= 1) return;
    char first[32], last[32];
    time_format(r->first, first);
    time_format(r->last, last);
    fprintf(out, "      incidents: %ld (", r->incident_count);
    for (int s = STANDING_COUNT - 1, n = 0; s > 0; s--)
        if (r->standing_counts[s]) fprintf(out, "%s%ld %s", n++ ? ", " : "", r->standing_counts[s], names[s]);
    fprintf(out, "), first %s, latest %s\n", first, last);
}

static void print_voices(FILE *out, const ruling_t *r) {
    print_list(out, "confirmed by", r->confirmed_by, r->confirmed_by_count);
    print_list(out, "disputed by", r->disputed_by, r->disputed_by_count);
    print_list(out, "contested by (not upheld)", r->contested_by, r->contested_by_count);
}

static void print_findings(FILE *out, const agreement_t *a, const rulings_t *rulings) {
    int shown = 0;
    for (int i = 0; i < rulings->count; i++) {
        const ruling_t *r = &rulings->items[i];
        if (!is_finding(r)) continue;
        if (!shown++) fprintf(out, "\nFINDINGS\n");
        char since[32] = "-";
        if (r->since != TIME_NONE) time_format(r->since, since);
        fprintf(out, "%-5s %-5s %-10s since %s  %s\n", a->points[r->point].label, ruling_party_name(r, a),
                status_name(r->status), since, standing_name(r->standing));
        fprintf(out, "      %s\n", r->why);
        print_incidents(out, r);
        print_voices(out, r);
        print_list(out, "evidence", r->evidence, r->evidence_count);
        print_list(out, "consequences", r->consequences, r->consequence_count);
    }
    if (!shown) fprintf(out, "\nNo violation, overdue obligation or consequence.\n");
}

/* Names the hand-drawn zones, so that no reader takes them for agreed lines. */
static void print_illustrative_note(FILE *out, const agreement_t *a) {
    int shown = 0;
    for (int i = 0; i < a->place_count; i++) {
        if (!a->places[i].illustrative) continue;
        fprintf(out, "%s%s", shown++ ? ", " : "\nILLUSTRATIVE zones (hand-drawn, not agreed or surveyed boundaries): ",
                a->places[i].name);
    }
    if (shown) fputc('\n', out);
}

void board_print(FILE *out, const agreement_t *a, const rulings_t *rulings, int color_option) {
    bool color = color_option == 1 || (color_option == -1 && isatty(fileno(out)));
    print_header(out, a, rulings);
    for (int p = 0; p < a->point_count; p++) print_row(out, a, rulings, p, color);
    int scored = 0;
    for (int p = 0; p < a->point_count; p++) scored += rulings->point_scores[p] >= 0;
    fprintf(out, "\nimplementation: %.0f%% over %d scored points (Peace Accords Matrix: 0 not begun, "
                 "1 minimal, 2 intermediate, 3 full)\n",
            rulings->implementation_percent, scored);
    fprintf(out, "legend: VIOLATED confirmed by a monitor, the council or the party itself; violated? "
                 "alleged by the other side only; violated- a breach that has ended; disputed? contested; "
                 "claimed? the party's word, not verified; LATE fulfilled after the deadline; . not bound\n");
    print_findings(out, a, rulings);
    print_illustrative_note(out, a);
}

void board_history(FILE *out, const agreement_t *a, const rulings_t *rulings) {
    for (int i = 0; i < rulings->count; i++) {
        const ruling_t *r = &rulings->items[i];
        if (!r->history_count) continue;
        fprintf(out, "%-5s %-12s", a->points[r->point].label, ruling_party_name(r, a));
        for (int k = 0; k < r->history_count; k++) {
            const ruling_change_t *c = &r->history[k];
            char t[32] = "start";
            if (c->time != TIME_NONE && c->time != TIME_BEGINNING) time_format(c->time, t);
            fprintf(out, "%s%s %s%s (%s)", k ? " -> " : " ", t, status_name(c->status), c->ended ? ", ended" : "",
                    standing_name(c->standing));
        }
        fputc('\n', out);
    }
}

void board_explain(FILE *out, const agreement_t *a, const rulings_t *rulings, const char *label) {
    int point = agreement_point(a, text_of(label));
    const point_t *pt = &a->points[point];
    char as_of[32];
    time_format(rulings->as_of, as_of);
    fprintf(out, "point %s%s%s (as of %s)\n", pt->label, pt->title ? ": " : "", pt->title ? pt->title : "", as_of);
    if (pt->text) fprintf(out, "  \"%s\"\n", pt->text);
    for (int i = 0; i < rulings->count; i++) {
        const ruling_t *r = &rulings->items[i];
        if (r->point != point) continue;
        char since[32] = "-";
        if (r->since != TIME_NONE) time_format(r->since, since);
        fprintf(out, "\n%s / %s: %s since %s (%s), score %d\n", pt->label, ruling_party_name(r, a),
                status_name(r->status), since, standing_name(r->standing), r->score);
        fprintf(out, "%s", r->explanation);
        print_incidents(out, r);
        print_voices(out, r);
        print_list(out, "evidence", r->evidence, r->evidence_count);
        print_list(out, "consequences", r->consequences, r->consequence_count);
    }
}
