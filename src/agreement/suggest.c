/* suggest: "did you mean 'forbid'?" — the keyword or declared name nearest to
 * a misspelt one by edit distance (optimal string alignment: swapping two
 * neighbouring letters is one edit; case differences are free), when near enough. */
#include "agreement/parser.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define SUGGEST_MAX 64   /* longer words are not compared (names are short) */

static size_t min3(size_t a, size_t b, size_t c) { return a < b ? (a < c ? a : c) : (b < c ? b : c); }

static bool same_letter(char a, char b) { return tolower((unsigned char)a) == tolower((unsigned char)b); }

size_t suggest_distance(text_t a, const char *b) {
    size_t n = a.len, m = strlen(b);
    if (n > SUGGEST_MAX || m > SUGGEST_MAX) return (size_t)-1;
    size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];
    for (size_t i = 0; i <= n; i++) d[i][0] = i;
    for (size_t j = 0; j <= m; j++) d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t cost = !same_letter(a.ptr[i - 1], b[j - 1]);
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && same_letter(a.ptr[i - 1], b[j - 2]) && same_letter(a.ptr[i - 2], b[j - 1]) &&
                d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    return d[n][m];
}

void suggest_init(suggestion_t *s, text_t word) { *s = (suggestion_t){.word = word, .distance = (size_t)-1}; }

/* Near enough to be a slip: one edit in a short word, about one in three in a
 * longer one, and never a whole word replaced. */
void suggest_consider(suggestion_t *s, const char *candidate) {
    size_t distance = suggest_distance(s->word, candidate);
    size_t allowed = s->word.len / 3 > 1 ? s->word.len / 3 : 1;
    if (distance > allowed || distance >= s->word.len || distance >= strlen(candidate)) return;
    if (distance < s->distance) {
        s->distance = distance;
        s->best = candidate;
    }
}

void suggest_hint(const suggestion_t *s, char *out, size_t size) {
    if (s->best) snprintf(out, size, " (did you mean '%s'?)", s->best);
    else if (size) out[0] = '\0';
}
