/* whatif: the same reports under several drafts. A report is read and
 * validated once, against the first draft; small tables carry its source,
 * kind, party and place indices over to each other draft (drafts_translate),
 * and the rulings are then set side by side wherever they differ. */
#include "drafts/whatif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct draft_translation {
    int *source, *kind, *party, *place;  /* index in `from` -> index in `to`, -1: not declared there */
    bool identity;                       /* every table maps i to i: nothing to translate */
};

static int *table(int count, const agreement_t *to, int (*lookup)(const agreement_t *, text_t),
                  const char *(*name)(const agreement_t *, int), const agreement_t *from, bool *identity) {
    int *t = xcalloc((size_t)count + 1, sizeof *t);
    for (int i = 0; i < count; i++) {
        t[i] = lookup(to, text_of(name(from, i)));
        if (t[i] != i) *identity = false;
    }
    return t;
}

static const char *source_name(const agreement_t *a, int i) { return a->sources[i].name; }
static const char *kind_name(const agreement_t *a, int i) { return a->kinds[i].name; }
static const char *party_code(const agreement_t *a, int i) { return a->parties[i].code; }
static const char *place_name(const agreement_t *a, int i) { return a->places[i].name; }

draft_translation_t *drafts_translation_new(const agreement_t *from, const agreement_t *to) {
    draft_translation_t *t = xcalloc(1, sizeof *t);
    t->identity = true;
    t->source = table(from->source_count, to, agreement_source, source_name, from, &t->identity);
    t->kind = table(from->kind_count, to, agreement_kind, kind_name, from, &t->identity);
    t->party = table(from->party_count, to, agreement_party, party_code, from, &t->identity);
    t->place = table(from->place_count, to, agreement_place, place_name, from, &t->identity);
    return t;
}

void drafts_translation_free(draft_translation_t *t) {
    if (!t) return;
    free(t->source);
    free(t->kind);
    free(t->party);
    free(t->place);
    free(t);
}

static bool carry(const int *table, int in, int *out) {
    *out = in < 0 ? -1 : table[in];
    return in < 0 || *out >= 0;
}

bool drafts_translate(const draft_translation_t *t, const report_t *in, report_t *out) {
    *out = *in;
    if (t->identity) return true;
    return carry(t->source, in->source_index, &out->source_index) && carry(t->kind, in->kind, &out->kind) &&
           carry(t->party, in->actor, &out->actor) && carry(t->party, in->to, &out->to) &&
           carry(t->place, in->target, &out->target);
}

/* ------------------------------------------------------------- comparison */

/* One ruling of a point and party in one draft, or none. */
typedef struct {
    int point;                 /* -1: the draft has no counterpart of the point */
    const ruling_t *ruling;    /* NULL: no ruling for the party (see the point's `all` ruling) */
} cell_t;

static const ruling_t *find(const rulings_t *r, const agreement_t *a, int point, const char *party) {
    const ruling_t *all = NULL;
    for (int i = 0; i < r->count; i++) {
        if (r->items[i].point != point) continue;
        const char *name = ruling_party_name(&r->items[i], a);
        if (!strcmp(name, party)) return &r->items[i];
        if (r->items[i].party == -1) all = &r->items[i];
    }
    return all; /* a declaratory point rules for every party at once */
}

static bool finding(const ruling_t *r) {
    return r->status == STATUS_VIOLATED || r->status == STATUS_OVERDUE || r->status == STATUS_DISPUTED;
}

/* A row is a difference when the drafts that rule on it rule otherwise, or
 * when one finds a breach that another has no rule for. A point one draft
 * dropped is otherwise `truce diff`'s business, not a difference on the ground. */
static bool differs(const cell_t *cells, int count) {
    const ruling_t *first = NULL;
    bool differ = false, breach = false, absent = false;
    for (int k = 0; k < count; k++) {
        const ruling_t *r = cells[k].ruling;
        if (!r) {
            absent = true;
            continue;
        }
        breach |= finding(r);
        if (!first) first = r;
        else differ |= r->status != first->status || r->standing != first->standing;
    }
    return differ || (breach && absent);
}

static void write_cell_json(buffer_t *out, const draft_set_t *set, int k, const cell_t *c) {
    const agreement_t *a = set->drafts[k];
    buffer_puts(out, "{\"draft\":");
    buffer_json_string(out, a->path, strlen(a->path));
    buffer_puts(out, ",\"agreement\":");
    buffer_json_string(out, a->name, strlen(a->name));
    buffer_puts(out, ",\"point\":");
    if (c->point >= 0) buffer_json_string(out, a->points[c->point].label, strlen(a->points[c->point].label));
    else buffer_puts(out, "null");
    if (c->ruling) {
        buffer_printf(out, ",\"status\":\"%s\",\"standing\":\"%s\",\"why\":", status_name(c->ruling->status),
                      standing_name(c->ruling->standing));
        const char *why = c->ruling->why ? c->ruling->why : "";
        buffer_json_string(out, why, strlen(why));
    } else {
        buffer_puts(out, ",\"status\":null");
    }
    buffer_puts(out, "}");
}

/* "violated", "violated?" when only alleged or disputed, "(as 4)" when renumbered. */
static const char *cell_text(const draft_set_t *set, int k, const cell_t *c, const char *label, char *buf, size_t size) {
    if (c->point < 0) return "(no such point)";
    if (!c->ruling) return "(no ruling)";
    const ruling_t *r = c->ruling;
    bool doubtful = r->standing == STANDING_ALLEGED || r->standing == STANDING_DISPUTED;
    const char *own = set->drafts[k]->points[c->point].label;
    snprintf(buf, size, "%s%s", status_name(r->status), doubtful ? "?" : "");
    size_t n = strlen(buf);
    if (strcmp(own, label)) snprintf(buf + n, size - n, " (as %s)", own);
    return buf;
}

static void write_row_text(buffer_t *out, const draft_set_t *set, const char *label, const char *party,
                           const cell_t *cells) {
    buffer_printf(out, "%-6s %-12s", label, party);
    char buf[128];
    for (int k = 0; k < set->count; k++)
        buffer_printf(out, " %-24s", cell_text(set, k, &cells[k], label, buf, sizeof buf));
    buffer_puts(out, "\n");
    for (int k = 0; k < set->count; k++)
        if (cells[k].ruling && cells[k].ruling->why)
            buffer_printf(out, "       %s: %s\n", set->names[k], cells[k].ruling->why);
}

/* The cells of one row: the base draft's point (or a point only a later
 * draft has) and one party. */
static bool row(const draft_set_t *set, int **to_k, int base, int k0, int p0, const char *party, cell_t *cells) {
    for (int k = 0; k < set->count; k++) {
        int point = base >= 0 ? to_k[k][base] : k == k0 ? p0 : -1;
        cells[k] = (cell_t){point, point >= 0 ? find(set->rulings[k], set->drafts[k], point, party) : NULL};
    }
    return differs(cells, set->count);
}

static int emit(const draft_set_t *set, int **to_k, int base, int k0, int p0, const char *label, bool json,
                buffer_t *out) {
    const agreement_t *a0 = set->drafts[0];
    cell_t *cells = xcalloc((size_t)set->count, sizeof *cells);
    int differences = 0;
    /* Every party, then the rows no party holds (all, unattributed). */
    for (int party = 0; party <= a0->party_count + 1; party++) {
        const char *name = party < a0->party_count ? a0->parties[party].code : party == a0->party_count ? "all" : "unattributed";
        if (!row(set, to_k, base, k0, p0, name, cells)) continue;
        /* a declaratory `all` ruling already counted under each party */
        if (party >= a0->party_count && cells[0].ruling && cells[0].ruling->party == -1) continue;
        differences++;
        if (json) {
            buffer_puts(out, "{\"point\":");
            buffer_json_string(out, label, strlen(label));
            buffer_puts(out, ",\"party\":");
            buffer_json_string(out, name, strlen(name));
            buffer_puts(out, ",\"rulings\":[");
            for (int k = 0; k < set->count; k++) {
                if (k) buffer_puts(out, ",");
                write_cell_json(out, set, k, &cells[k]);
            }
            buffer_puts(out, "]}\n");
        } else {
            write_row_text(out, set, label, name, cells);
        }
    }
    free(cells);
    return differences;
}

int drafts_compare(const draft_set_t *set, bool json, buffer_t *out) {
    const agreement_t *a0 = set->drafts[0];
    /* to_k[k][i]: the point of draft k that continues point i of the first. */
    int **to_k = xcalloc((size_t)set->count, sizeof *to_k);
    int **from_k = xcalloc((size_t)set->count, sizeof *from_k);
    for (int k = 0; k < set->count; k++) {
        to_k[k] = xcalloc((size_t)a0->point_count + 1, sizeof **to_k);
        for (int i = 0; i < a0->point_count; i++) to_k[k][i] = k ? -1 : i;
        if (!k) continue;
        from_k[k] = drafts_match(a0, set->drafts[k]);
        for (int j = 0; j < set->drafts[k]->point_count; j++)
            if (from_k[k][j] >= 0) to_k[k][from_k[k][j]] = j;
    }
    if (!json) {
        buffer_printf(out, "%-6s %-12s", "POINT", "PARTY");
        for (int k = 0; k < set->count; k++) buffer_printf(out, " %-24s", set->names[k]);
        buffer_puts(out, "\n");
    }
    int differences = 0;
    for (int i = 0; i < a0->point_count; i++) differences += emit(set, to_k, i, -1, -1, a0->points[i].label, json, out);
    /* Points that only later drafts have, under their own label. */
    for (int k = 1; k < set->count; k++)
        for (int j = 0; j < set->drafts[k]->point_count; j++)
            if (from_k[k][j] < 0) {
                bool earlier = false; /* already listed under an earlier draft of the set */
                for (int e = 1; e < k && !earlier; e++) {
                    int *m = drafts_match(set->drafts[e], set->drafts[k]);
                    earlier = m[j] >= 0 && from_k[e][m[j]] < 0;
                    free(m);
                }
                if (!earlier) differences += emit(set, to_k, -1, k, j, set->drafts[k]->points[j].label, json, out);
            }
    for (int k = 0; k < set->count; k++) {
        free(to_k[k]);
        free(from_k[k]);
    }
    free(to_k);
    free(from_k);
    return differences;
}
