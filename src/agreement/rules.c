/* rules: parses a point (`point 10d`, its `|` text lines) and the rules under
 * it — require, forbid, limit, share, exchange, grant, sanction, declaratory —
 * and the `on violation` reactions that chain consequences to rulings. */
#include "agreement/parser.h"

#include <stdlib.h>
#include <string.h>

static point_t *current_point(parser_t *p) {
    return p->current_point < 0 ? NULL : &p->a->points[p->current_point];
}

bool parser_point(parser_t *p) {
    int line = p->token.line;
    char *label = parser_expect_name(p, "a point label such as 10d");
    if (!label) return false;
    if (agreement_point(p->a, text_of(label)) >= 0) return parser_error_at_name(p, "point '%s' is declared twice", label);
    char *title = parser_optional_string(p), *replaces = NULL;
    if (parser_accept_word(p, "replaces") &&
        !(replaces = parser_expect_name(p, "the label the point had in the earlier draft")))
        return false;
    point_t *point = GROW(p->a->points, p->a->point_count);
    point->label = label;
    point->title = title;
    point->replaces = replaces;
    point->first_rule = p->a->rule_count;
    point->line = line;
    p->current_point = p->a->point_count - 1;
    *GROW(p->point_failed, p->point_failed_count) = false;
    return true;
}

/* `| words` lines after a point are its text, joined with single spaces. */
bool parser_point_text(parser_t *p) {
    point_t *point = current_point(p);
    if (!point) return parser_error(p, "a `|` text line must follow a `point` line");
    text_t line = p->token.text;
    size_t old = point->text ? strlen(point->text) : 0;
    char *joined = arena_alloc(&p->a->arena, old + line.len + 2);
    if (old) {
        memcpy(joined, point->text, old);
        joined[old++] = ' ';
    }
    memcpy(joined + old, line.ptr, line.len);
    joined[old + line.len] = '\0';
    point->text = joined;
    parser_next(p);
    return true;
}

/* ------------------------------------------------------------------ windows */

static bool parse_within(parser_t *p, rule_t *rule) {
    double amount;
    if (!parser_expect_number(p, "a number of days or months", &amount)) return false;
    if (amount < 0 || amount != (double)(int64_t)amount) return parser_error(p, "expected a whole number");
    if (parser_accept_word(p, "days") || parser_accept_word(p, "day")) rule->window.deadline_days = (int64_t)amount;
    else if (parser_accept_word(p, "months") || parser_accept_word(p, "month")) rule->window.deadline_months = (int64_t)amount;
    else {
        static const char *const units[] = {"days", "months", NULL};
        char hint[96] = "";
        if (p->token.type == TOKEN_WORD) parser_keyword_hint(p->token.text, units, hint, sizeof hint);
        return parser_error(p, "expected 'days' or 'months'%s", hint);
    }
    if (parser_accept_word(p, "of") || parser_accept_word(p, "after")) {
        rule->window.deadline_event = parser_expect_event(p);
        if (rule->window.deadline_event < 0) return false;
        if (rule->window.start_event < 0) rule->window.start_event = rule->window.deadline_event;
    } else {
        rule->window.deadline_event = -2; /* relative to the start event, checked in resolve */
    }
    return true;
}

static bool parse_targets(parser_t *p, rule_t *rule) {
    do {
        if (rule->target_count == RULE_MAX_TARGETS) return parser_error(p, "too many targets (at most %d)", RULE_MAX_TARGETS);
        int place = parser_expect_reference(p, "place");
        if (place < 0) return false;
        rule->targets[rule->target_count++] = place;
    } while (parser_accept_punct(p, ","));
    return true;
}

/* `verified by monitor:iaea, council`: whose word verifies what this rule
 * watches, instead of every monitor. */
static bool parse_verifiers(parser_t *p, rule_t *rule) {
    do {
        if (rule->verifier_count == RULE_MAX_VERIFIERS)
            return parser_error(p, "too many verifiers (at most %d)", RULE_MAX_VERIFIERS);
        int source = parser_expect_reference(p, "source");
        if (source < 0) return false;
        if (p->a->sources[source].class == SOURCE_PARTY)
            return parser_error_at_name(p, "source '%s' speaks for a party: a party cannot verify (its word is a claim)",
                                        p->a->sources[source].name);
        rule->verifiers[rule->verifier_count++] = source;
    } while (parser_accept_punct(p, ","));
    return true;
}

/* `quiet 7 days`: after that long without an incident a breach is over. */
static bool parse_quiet(parser_t *p, rule_t *rule) {
    double days;
    if (!parser_expect_number(p, "a number of days", &days)) return false;
    if (days < 1 || days != (double)(int64_t)days) return parser_error(p, "the quiet period must be a whole number of days, at least 1");
    if (!parser_accept_word(p, "days") && !parser_accept_word(p, "day")) return parser_error(p, "expected 'days'");
    rule->quiet_days = (int64_t)days;
    return true;
}

/* Only obligations have deadlines: the engine reads a deadline for `require`
 * (overdue) and `exchange`; on any other rule `within` or `by` would be
 * silently ignored, so it is refused at the word. */
static bool deadline_has_effect(parser_t *p, const rule_t *rule) {
    if (rule->type == RULE_REQUIRE || rule->type == RULE_EXCHANGE) return true;
    text_t word = p->token.text;
    return parser_error(p, "`%.*s` sets a deadline, but a %s rule has none (only require and exchange do): "
                           "it binds from its start while the agreement holds; to start it at an event, "
                           "write `from EVENT`", (int)word.len, word.ptr, rule_type_name(rule->type));
}

/* Filters and window clauses, in any order, up to the end of the line. */
static bool parse_clauses(parser_t *p, rule_t *rule) {
    while (!parser_at_line_end(p)) {
        bool ok;
        if ((parser_at_word(p, "within") || parser_at_word(p, "by")) && !deadline_has_effect(p, rule)) return false;
        if (parser_accept_word(p, "in")) ok = (rule->place = parser_expect_reference(p, "place")) >= 0;
        else if (parser_accept_word(p, "outside"))
            ok = (rule->place = parser_expect_reference(p, "place")) >= 0 && (rule->outside = true);
        else if (parser_accept_word(p, "target")) ok = parse_targets(p, rule);
        else if (parser_accept_word(p, "to")) ok = (rule->to_party = parser_expect_reference(p, "party")) >= 0;
        else if (parser_accept_word(p, "unless")) ok = parser_expect_word(p, "cause") && (rule->unless_cause = true);
        else if (parser_accept_word(p, "from")) ok = (rule->window.start_event = parser_expect_event(p)) >= 0;
        else if (parser_accept_word(p, "within")) ok = parse_within(p, rule);
        else if (parser_accept_word(p, "verified")) ok = parser_expect_word(p, "by") && parse_verifiers(p, rule);
        else if (parser_accept_word(p, "by")) ok = parser_by_date(p, rule);
        else if (parser_accept_word(p, "quiet")) ok = parse_quiet(p, rule);
        else if (parser_accept_word(p, "registry"))
            ok = parser_expect_word(p, "by") && parser_expect_word(p, "any") && (rule->registry_by_any = true);
        else if (parser_accept_word(p, "where")) ok = parser_where(p, rule);
        else {
            static const char *const clauses[] = {"in", "outside", "target", "to", "unless", "where", "from", "within",
                                                  "by", "verified", "quiet", "registry", NULL};
            char hint[96] = "";
            if (p->token.type == TOKEN_WORD) parser_keyword_hint(p->token.text, clauses, hint, sizeof hint);
            return parser_error(p, "expected in, outside, target, to, unless, where, from, within, by, verified by, "
                                   "quiet or registry by any%s", hint);
        }
        if (!ok) return false;
    }
    return true;
}

/* -------------------------------------------------------------------- rules */

static bool parse_comparison(parser_t *p, rule_t *rule) {
    if (parser_accept_word(p, "at")) {
        if (parser_accept_word(p, "most")) rule->comparison = COMPARE_AT_MOST;
        else if (parser_accept_word(p, "least")) rule->comparison = COMPARE_AT_LEAST;
        else return parser_error(p, "expected 'at most' or 'at least'");
    } else if (parser_accept_word(p, "below") || parser_accept_punct(p, "<")) {
        rule->comparison = COMPARE_BELOW;
    } else if (parser_accept_word(p, "above") || parser_accept_punct(p, ">")) {
        rule->comparison = COMPARE_ABOVE;
    } else if (parser_accept_punct(p, "<=")) {
        rule->comparison = COMPARE_AT_MOST;
    } else if (parser_accept_punct(p, ">=")) {
        rule->comparison = COMPARE_AT_LEAST;
    } else {
        return parser_error(p, "expected at most, at least, below or above");
    }
    return parser_expect_number(p, "the limit", &rule->bound);
}

/* share KIND to A, B at 50:50 per 30 days [tolerance 5%] */
static bool parse_share(parser_t *p, rule_t *rule) {
    if ((rule->kind = parser_expect_reference(p, "kind")) < 0 || !parser_expect_word(p, "to")) return false;
    if ((rule->share_party[0] = parser_expect_reference(p, "party")) < 0 || !parser_expect_punct(p, ",") ||
        (rule->share_party[1] = parser_expect_reference(p, "party")) < 0)
        return false;
    if (rule->share_party[0] == rule->share_party[1]) return parser_error(p, "a share needs two different parties");
    rule->parties = (1u << rule->share_party[0]) | (1u << rule->share_party[1]);
    if (!parser_expect_word(p, "at") || !parser_expect_number(p, "a weight", &rule->share_weight[0]) ||
        !parser_expect_punct(p, ":") || !parser_expect_number(p, "a weight", &rule->share_weight[1]))
        return false;
    if (rule->share_weight[0] <= 0 || rule->share_weight[1] <= 0) return parser_error(p, "weights must be positive");
    double days;
    if (!parser_expect_word(p, "per") || !parser_expect_number(p, "a period in days", &days) ||
        !parser_expect_word(p, "days"))
        return false;
    if (days < 1 || days != (double)(int64_t)days) return parser_error(p, "the period must be a whole number of days");
    rule->period_days = (int64_t)days;
    rule->tolerance_percent = 0;
    if (parser_accept_word(p, "tolerance") &&
        (!parser_expect_number(p, "a tolerance", &rule->tolerance_percent) || !parser_expect_punct(p, "%")))
        return false;
    return parse_clauses(p, rule);
}

/* exchange KIND between A and B all for all against HELD_KIND */
static bool parse_exchange(parser_t *p, rule_t *rule) {
    if ((rule->kind = parser_expect_reference(p, "kind")) < 0 || !parser_expect_word(p, "between")) return false;
    if ((rule->share_party[0] = parser_expect_reference(p, "party")) < 0 || !parser_expect_word(p, "and") ||
        (rule->share_party[1] = parser_expect_reference(p, "party")) < 0)
        return false;
    if (rule->share_party[0] == rule->share_party[1]) return parser_error(p, "an exchange needs two different parties");
    rule->parties = (1u << rule->share_party[0]) | (1u << rule->share_party[1]);
    if (!parser_expect_word(p, "all") || !parser_expect_word(p, "for") || !parser_expect_word(p, "all") ||
        !parser_expect_word(p, "against") || (rule->held_kind = parser_expect_reference(p, "kind")) < 0)
        return false;
    return parse_clauses(p, rule);
}

static bool parse_rule_body(parser_t *p, rule_t *rule) {
    switch (rule->type) {
    case RULE_REQUIRE:
    case RULE_FORBID:
        rule->any_party = rule->type == RULE_FORBID && parser_at_word(p, "any");
        return parser_expect_parties(p, &rule->parties) && (rule->kind = parser_expect_reference(p, "kind")) >= 0 &&
               parse_clauses(p, rule);
    case RULE_LIMIT:
        return parser_expect_parties(p, &rule->parties) && (rule->kind = parser_expect_reference(p, "kind")) >= 0 &&
               parse_comparison(p, rule) && parse_clauses(p, rule);
    case RULE_SHARE: return parse_share(p, rule);
    case RULE_EXCHANGE: return parse_exchange(p, rule);
    case RULE_GRANT:
        if (!parser_expect_parties(p, &rule->parties)) return false;
        if (!(rule->text = parser_optional_string(p))) return parser_error(p, "expected what is granted, in quotes");
        return parse_clauses(p, rule);
    case RULE_SANCTION:
        rule->parties = p->a->party_count >= 32 ? 0xffffffffu : (1u << p->a->party_count) - 1;
        return (rule->text = parser_expect_name(p, "a consequence such as sanctions:imposed")) &&
               parser_expect_word(p, "on") && parser_expect_word(p, "any") && parser_expect_word(p, "violation");
    case RULE_DECLARATORY:
        if (!(rule->text = parser_optional_string(p)))
            return parser_error(p, "expected the reason it is not machine-checked, in quotes");
        return true;
    }
    return false;
}

static bool parse_action(parser_t *p, reaction_t *reaction) {
    action_t *action = GROW(reaction->actions, reaction->action_count);
    action->line = p->token.line;
    action->column = p->token.column;
    action->party = -1;
    action->point = -1;
    if (parser_accept_word(p, "consequence")) {
        action->type = ACTION_CONSEQUENCE;
        return (action->tag = parser_expect_name(p, "a consequence such as sanctions:reinstated")) != NULL;
    }
    if (parser_accept_word(p, "void")) action->type = ACTION_VOID;
    else if (parser_accept_word(p, "suspend")) action->type = ACTION_SUSPEND;
    else return parser_error(p, "expected void, suspend or consequence");
    int line = p->token.line, column = p->token.column;
    char *label = parser_expect_name(p, "a point label");
    if (!label) return false;
    pending_label_t *pending = GROW(p->pending, p->pending_count);
    *pending = (pending_label_t){label, p->a->reaction_count, reaction->action_count - 1, line, column};
    if (parser_accept_word(p, "for") && !parser_accept_word(p, "violator"))
        return (action->party = parser_expect_reference(p, "party")) >= 0;
    return true;
}

static bool parse_reaction(parser_t *p) {
    reaction_t reaction = {.point = p->current_point, .party = -1, .line = p->token.line};
    bool ok = parser_expect_word(p, "violation") &&
              (!parser_accept_word(p, "by") || (reaction.party = parser_expect_reference(p, "party")) >= 0) &&
              parser_expect_punct(p, ":");
    while (ok) {
        ok = parse_action(p, &reaction);
        if (!parser_accept_punct(p, ",")) break;
    }
    if (!ok) {
        free(reaction.actions);
        while (p->pending_count && p->pending[p->pending_count - 1].reaction == p->a->reaction_count)
            p->pending_count--;
        return false;
    }
    *GROW(p->a->reactions, p->a->reaction_count) = reaction;
    return true;
}

/* The whole line a rule was written on, trimmed, for `truce check --explain`. */
static char *line_text(parser_t *p, int line) {
    const char *text = p->lexer.text, *end = text + p->lexer.len;
    const char *start = p->token.text.ptr ? p->token.text.ptr : text;
    while (start > text && start[-1] != '\n') start--;
    const char *stop = start;
    while (stop < end && *stop != '\n') stop++;
    while (start < stop && (*start == ' ' || *start == '\t')) start++;
    while (stop > start && (stop[-1] == ' ' || stop[-1] == '\r')) stop--;
    (void)line;
    return arena_strndup(&p->a->arena, start, (size_t)(stop - start));
}

bool parser_rule(parser_t *p) {
    static const struct {
        const char *word;
        rule_type_t type;
    } types[] = {{"require", RULE_REQUIRE}, {"forbid", RULE_FORBID}, {"limit", RULE_LIMIT},
                 {"share", RULE_SHARE}, {"exchange", RULE_EXCHANGE}, {"grant", RULE_GRANT},
                 {"sanction", RULE_SANCTION}, {"declaratory", RULE_DECLARATORY}};
    if (!current_point(p)) return parser_error(p, "a rule must follow a `point` line");
    if (parser_accept_word(p, "on")) return parse_reaction(p) || (p->point_failed[p->current_point] = true, false);
    rule_t rule = {.point = p->current_point, .line = p->token.line, .column = p->token.column,
                   .kind = -1, .place = -1, .to_party = -1, .held_kind = -1,
                   .window = {.start_event = -1, .deadline_event = -1, .deadline_date = TIME_NONE}};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (parser_accept_word(p, types[i].word)) {
            rule.type = types[i].type;
            break;
        }
    rule.source_text = line_text(p, rule.line);
    if (!parse_rule_body(p, &rule)) {
        p->point_failed[p->current_point] = true;
        return false;
    }
    *GROW(p->a->rules, p->a->rule_count) = rule;
    current_point(p)->rule_count++;
    return true;
}
