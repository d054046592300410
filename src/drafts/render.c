/* render: a draft diff for people (one block per point, changed numbers
 * marked) and for programs (JSON Lines, docs/drafts.md), and the word diff
 * of a point's text: a longest common subsequence over its words. */
#include "drafts/drafts.h"

#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------- word diff */

typedef struct {
    const char *start;
    size_t len;
} word_t;

static int split_words(const char *s, word_t **out) {
    int count = 0;
    *out = NULL;
    while (*s) {
        while (*s == ' ') s++;
        if (!*s) break;
        const char *start = s;
        while (*s && *s != ' ') s++;
        *out = xrealloc(*out, (size_t)(count + 1) * sizeof **out);
        (*out)[count++] = (word_t){start, (size_t)(s - start)};
    }
    return count;
}

static bool word_equal(word_t a, word_t b) {
    return a.len == b.len && !memcmp(a.start, b.start, a.len);
}

/* Emits a run of removed or added words, bracketed. */
static void run(buffer_t *b, const word_t *words, int from, int to, const char *open, const char *close) {
    if (from >= to) return;
    buffer_printf(b, "%s%s", b->len ? " " : "", open);
    for (int i = from; i < to; i++) buffer_printf(b, "%s%.*s", i > from ? " " : "", (int)words[i].len, words[i].start);
    buffer_puts(b, close);
}

char *drafts_word_diff(arena_t *arena, const char *old, const char *new) {
    word_t *o, *n;
    int on = split_words(old, &o), nn = split_words(new, &n);
    /* lcs[i][j]: the longest common subsequence of o[i..] and n[j..]. Texts are a few
     * hundred words, so the table stays small. */
    int *lcs = xcalloc((size_t)(on + 1) * (size_t)(nn + 1), sizeof *lcs);
#define LCS(i, j) lcs[(size_t)(i) * (size_t)(nn + 1) + (size_t)(j)]
    for (int i = on - 1; i >= 0; i--)
        for (int j = nn - 1; j >= 0; j--)
            LCS(i, j) = word_equal(o[i], n[j]) ? LCS(i + 1, j + 1) + 1
                        : LCS(i + 1, j) > LCS(i, j + 1) ? LCS(i + 1, j) : LCS(i, j + 1);
    buffer_t b = {0};
    int i = 0, j = 0;
    while (i < on || j < nn) {
        int i0 = i, j0 = j;
        while (i < on && (j >= nn || (!word_equal(o[i], n[j]) && LCS(i + 1, j) >= LCS(i, j + 1)))) i++;
        while (j < nn && (i >= on || (!word_equal(o[i], n[j]) && LCS(i, j + 1) > LCS(i + 1, j)))) j++;
        run(&b, o, i0, i, "[-", "-]");
        run(&b, n, j0, j, "{+", "+}");
        if (i < on && j < nn && word_equal(o[i], n[j])) {
            buffer_printf(&b, "%s%.*s", b.len ? " " : "", (int)o[i].len, o[i].start);
            i++, j++;
        } else if (i0 == i && j0 == j) {
            break; /* cannot happen: one side always advances */
        }
    }
#undef LCS
    char *s = arena_strndup(arena, b.data ? b.data : "", b.len);
    buffer_free(&b);
    free(lcs);
    free(o);
    free(n);
    return s;
}

/* -------------------------------------------------------------------- text */

static void point_heading(buffer_t *b, const draft_change_t *c) {
    buffer_printf(b, "point %s", c->new_label ? c->new_label : c->old_label);
    if (c->title) buffer_printf(b, " \"%s\"", c->title);
    if (!c->new_label) buffer_puts(b, " (old draft)");
    else if (!c->old_label) buffer_puts(b, " (new draft)");
    else if (strcmp(c->old_label, c->new_label)) buffer_printf(b, " (was %s)", c->old_label);
    buffer_puts(b, "\n");
}

static void area(buffer_t *b, const draft_change_t *c) {
    if (c->has_area) buffer_printf(b, " (zone gains %.0f km², loses %.0f km²)", c->km2_gained, c->km2_lost);
}

static void write_change(buffer_t *b, const draft_change_t *c, bool color) {
    const char *on = color ? "\033[1;33m" : "", *off = color ? "\033[0m" : "";
    switch (c->type) {
    case DRAFT_POINT_ADDED: buffer_printf(b, "  added\n"); break;
    case DRAFT_POINT_REMOVED: buffer_printf(b, "  removed\n"); break;
    case DRAFT_POINT_RENUMBERED: buffer_printf(b, "  renumbered: %s -> %s\n", c->old_label, c->new_label); break;
    case DRAFT_TITLE_CHANGED:
        buffer_printf(b, "  title: \"%s\" -> \"%s\"\n", c->old_value ? c->old_value : "", c->new_value ? c->new_value : "");
        break;
    case DRAFT_TEXT_CHANGED: buffer_printf(b, "  text: %s\n", c->words); break;
    case DRAFT_RULE_ADDED: buffer_printf(b, "  rule added: %s\n", c->rule); break;
    case DRAFT_RULE_REMOVED: buffer_printf(b, "  rule removed: %s\n", c->rule); break;
    case DRAFT_RULE_CHANGED:
        buffer_printf(b, "  %s: %s%s%s -> %s%s%s", c->field, on, c->old_value, off, on, c->new_value, off);
        area(b, c);
        buffer_printf(b, "\n      in: %s\n", c->new_rule);
        break;
    case DRAFT_CONSEQUENCE_ADDED: buffer_printf(b, "  consequence added: %s\n", c->new_value); break;
    case DRAFT_CONSEQUENCE_REMOVED: buffer_printf(b, "  consequence removed: %s\n", c->old_value); break;
    case DRAFT_BECAME_DECLARATORY: buffer_printf(b, "  became declaratory: %s\n", c->new_value); break;
    case DRAFT_BECAME_CHECKED: buffer_printf(b, "  became machine-checked (was declaratory: %s)\n", c->old_value); break;
    case DRAFT_REASON_CHANGED:
        buffer_printf(b, "  declaratory reason: \"%s\" -> \"%s\"\n", c->old_value, c->new_value);
        break;
    }
}

static bool same_point(const draft_change_t *a, const draft_change_t *b) {
    return (a->old_label ? b->old_label && !strcmp(a->old_label, b->old_label) : !b->old_label) &&
           (a->new_label ? b->new_label && !strcmp(a->new_label, b->new_label) : !b->new_label);
}

void draft_diff_write_text(const draft_diff_t *diff, bool color, buffer_t *out) {
    for (int i = 0; i < diff->count; i++) {
        if (!i || !same_point(&diff->items[i - 1], &diff->items[i])) point_heading(out, &diff->items[i]);
        write_change(out, &diff->items[i], color);
    }
}

/* -------------------------------------------------------------------- JSON */

static void json_member(buffer_t *b, const char *name, const char *value) {
    if (!value) return;
    buffer_printf(b, ",\"%s\":", name);
    buffer_json_string(b, value, strlen(value));
}

void draft_diff_write_json(const draft_diff_t *diff, buffer_t *out) {
    for (int i = 0; i < diff->count; i++) {
        const draft_change_t *c = &diff->items[i];
        buffer_printf(out, "{\"change\":\"%s\"", draft_change_name(c->type));
        buffer_puts(out, ",\"old_point\":");
        if (c->old_label) buffer_json_string(out, c->old_label, strlen(c->old_label));
        else buffer_puts(out, "null");
        buffer_puts(out, ",\"new_point\":");
        if (c->new_label) buffer_json_string(out, c->new_label, strlen(c->new_label));
        else buffer_puts(out, "null");
        json_member(out, "rule", c->rule);
        json_member(out, "new_rule", c->new_rule);
        json_member(out, "field", c->field);
        json_member(out, "old", c->old_value);
        json_member(out, "new", c->new_value);
        json_member(out, "words", c->words);
        if (c->has_area) buffer_printf(out, ",\"km2_gained\":%.1f,\"km2_lost\":%.1f", c->km2_gained, c->km2_lost);
        buffer_puts(out, "}\n");
    }
}
