/* details: what a report carries beyond the standard fields, and the rule
 * filters on it.
 *   detail KIND NAME one of W1, W2, ... [optional]    a word from a list
 *   detail KIND NAME number [UNIT] [optional]         a number (calibre in mm)
 *   detail KIND NAME count [optional]                 a whole number
 *   ... where NAME >= N / where NAME in W1, W2 / where value < N
 * Reports give details as members of their own; report.c checks them. */
#include "agreement/parser.h"

#include <stdio.h>
#include <string.h>

static const char *const standard_fields[] = {"id", "source", "time", "kind", "actor", "to", "at",
                                              "target", "value", "cause", "refs", "stance", "note", "sig"};

static int detail_index(const kind_t *kind, text_t name) {
    for (int i = 0; i < kind->detail_count; i++)
        if (text_equals_cstr(name, kind->details[i].name)) return i;
    return -1;
}

static bool parse_words(parser_t *p, detail_t *detail) {
    do {
        if (detail->word_count == DETAIL_MAX_WORDS) return parser_error(p, "too many words (at most %d)", DETAIL_MAX_WORDS);
        char *word = parser_expect_name(p, "a word");
        if (!word) return false;
        for (int i = 0; i < detail->word_count; i++)
            if (!strcmp(detail->words[i], word)) return parser_error_at_name(p, "'%s' is listed twice", word);
        detail->words[detail->word_count++] = word;
    } while (parser_accept_punct(p, ","));
    return true;
}

bool parser_detail(parser_t *p) {
    int kind_index = parser_expect_reference(p, "kind");
    if (kind_index < 0) return false;
    kind_t *kind = &p->a->kinds[kind_index];
    detail_t detail = {.line = p->token.line};
    if (!(detail.name = parser_expect_name(p, "a detail name such as calibre"))) return false;
    for (size_t i = 0; i < sizeof standard_fields / sizeof *standard_fields; i++)
        if (!strcmp(detail.name, standard_fields[i]))
            return parser_error_at_name(p, "'%s' is a standard report field, not a detail (use `kind %s needs %s`)",
                                        detail.name, kind->name, detail.name);
    if (detail_index(kind, text_of(detail.name)) >= 0)
        return parser_error_at_name(p, "kind '%s' already has a detail '%s'", kind->name, detail.name);
    if (kind->detail_count == KIND_MAX_DETAILS)
        return parser_error_at_name(p, "kind '%s' has too many details (at most %d)", kind->name, KIND_MAX_DETAILS);
    if (parser_accept_word(p, "one")) {
        detail.type = DETAIL_WORD;
        if (!parser_expect_word(p, "of") || !parse_words(p, &detail)) return false;
    } else if (parser_accept_word(p, "number")) {
        detail.type = DETAIL_NUMBER;
        if (p->token.type == TOKEN_WORD && !parser_at_word(p, "optional")) detail.unit = parser_expect_name(p, "a unit");
    } else if (parser_accept_word(p, "count")) {
        detail.type = DETAIL_COUNT;
    } else {
        return parser_error(p, "expected the detail's type: `one of WORD, ...`, `number [UNIT]` or `count`");
    }
    detail.optional = parser_accept_word(p, "optional");
    *GROW(kind->details, kind->detail_count) = detail;
    return true;
}

static bool parse_comparison_op(parser_t *p, condition_op_t *op) {
    static const struct {
        const char *punct;
        condition_op_t op;
    } ops[] = {{"<=", CONDITION_AT_MOST}, {"<", CONDITION_BELOW}, {">=", CONDITION_AT_LEAST},
               {">", CONDITION_ABOVE}, {"=", CONDITION_EQUAL}};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (parser_accept_punct(p, ops[i].punct)) {
            *op = ops[i].op;
            return true;
        }
    return false;
}

/* where NAME OP NUMBER | where NAME in W1, W2 | where value OP NUMBER, after `where`. */
bool parser_where(parser_t *p, rule_t *rule) {
    if (rule->kind < 0) return parser_error(p, "`where` filters the reports of a rule's kind: name the kind first");
    if (rule->condition_count == RULE_MAX_CONDITIONS)
        return parser_error(p, "too many `where` filters (at most %d)", RULE_MAX_CONDITIONS);
    const kind_t *kind = &p->a->kinds[rule->kind];
    condition_t c = {.detail = -1};
    int line = p->token.line, column = p->token.column;
    if (p->token.type != TOKEN_WORD) return parser_error(p, "expected a detail name or `value` after `where`");
    text_t name = p->token.text;
    if (!text_equals_cstr(name, "value")) {
        c.detail = detail_index(kind, name);
        if (c.detail < 0)
            return parser_error(p, "kind '%s' has no detail '%.*s' (declare it: detail %s %.*s ...)", kind->name,
                                (int)name.len, name.ptr, kind->name, (int)name.len, name.ptr);
    } else if (!(kind->required & FIELD_VALUE)) {
        return parser_error(p, "`where value` needs reports that carry a value (add it to `kind %s needs ...`)",
                            kind->name);
    }
    parser_next(p);
    const detail_t *detail = c.detail >= 0 ? &kind->details[c.detail] : NULL;
    if (parser_accept_word(p, "in")) {
        if (!detail || detail->type != DETAIL_WORD)
            return parser_error_at(p, line, column, "`in` needs a detail declared `one of ...`"), false;
        c.op = CONDITION_IN;
        do {
            char *word = parser_expect_name(p, "a word");
            if (!word) return false;
            int found = -1;
            for (int i = 0; i < detail->word_count; i++)
                if (!strcmp(detail->words[i], word)) found = i;
            if (found < 0) return parser_error_at_name(p, "'%s' is not one of the words of detail '%s'", word, detail->name);
            c.words |= 1u << found;
        } while (parser_accept_punct(p, ","));
    } else if (parse_comparison_op(p, &c.op)) {
        if (detail && detail->type == DETAIL_WORD)
            return parser_error_at(p, line, column, "detail '%s' is a word: filter it with `in`", detail->name), false;
        if (!parser_expect_number(p, "a number to compare with", &c.bound)) return false;
    } else {
        return parser_error(p, "expected a comparison (<=, <, >=, >, =) or `in`");
    }
    rule->conditions[rule->condition_count++] = c;
    return true;
}

bool rule_conditions_hold(const rule_t *rule, const double *details, uint8_t present, bool has_value, double value) {
    for (int i = 0; i < rule->condition_count; i++) {
        const condition_t *c = &rule->conditions[i];
        bool given = c->detail < 0 ? has_value : (present >> c->detail & 1u);
        if (!given) return false;   /* an optional detail left out matches no filter on it */
        double x = c->detail < 0 ? value : details[c->detail];
        bool holds = false;
        switch (c->op) {
        case CONDITION_AT_MOST: holds = x <= c->bound; break;
        case CONDITION_BELOW: holds = x < c->bound; break;
        case CONDITION_AT_LEAST: holds = x >= c->bound; break;
        case CONDITION_ABOVE: holds = x > c->bound; break;
        case CONDITION_EQUAL: holds = x == c->bound; break;
        case CONDITION_IN: holds = c->words >> (int)x & 1u; break;
        }
        if (!holds) return false;
    }
    return true;
}
