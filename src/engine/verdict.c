/* verdict: turns one norm's replayed state into a status, a start time, a
 * standing, a 0-3 score and a sentence a person can read. One function per
 * kind of rule; rulings.c combines the verdicts of a point. */
#include "engine/verdict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *party_code(const replay_t *rp, int party) { return rp->agreement->parties[party].code; }

static const char *kind_name(const replay_t *rp, const rule_t *rule) {
    return rule->kind >= 0 ? rp->agreement->kinds[rule->kind].name : "";
}

static void say(verdict_t *v, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void say(verdict_t *v, const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    vsnprintf(v->why, sizeof v->why, format, ap);
    va_end(ap);
}

static void set(verdict_t *v, status_t status, time_ms_t since, standing_t standing, int score) {
    v->status = status;
    v->since = since;
    v->standing = standing;
    v->score = score;
}

static int violation_score(standing_t best) { return best == STANDING_CONFIRMED ? 0 : 2; }

/* Said of every violation that rests on allegations or is disputed. */
static const char *waiting(standing_t best) {
    return best == STANDING_CONFIRMED ? "" : "; consequences wait for confirmation by a monitor or the council";
}

static void violated(const replay_t *rp, const rule_t *rule, const norm_t *n, int party, verdict_t *v,
                     const char *what) {
    status_t status = n->best == STANDING_DISPUTED ? STATUS_DISPUTED : STATUS_VIOLATED;
    set(v, status, n->first_violation, n->best, violation_score(n->best));
    say(v, "%s: %ld report%s of %s by %s since %s (%s)%s", status == STATUS_DISPUTED ? "disputed" : "violated",
        n->violations, n->violations == 1 ? "" : "s", what, party_code(rp, party), replay_time(n->first_violation),
        standing_name(n->best), waiting(n->best));
    (void)rule;
}

static void describe_filter(const replay_t *rp, const rule_t *rule, char *out, size_t size) {
    const agreement_t *a = rp->agreement;
    size_t n = (size_t)snprintf(out, size, "%s", kind_name(rp, rule));
    if (rule->place >= 0 && n < size) /* a hand-drawn zone says so wherever it is named */
        n += (size_t)snprintf(out + n, size - n, " %s %s%s", rule->outside ? "outside" : "in", a->places[rule->place].name,
                              a->places[rule->place].illustrative ? " (an illustrative zone)" : "");
    for (int i = 0; i < rule->target_count && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, "%s%s", i == 0 ? " at " : i + 1 == rule->target_count ? " or " : ", ",
                              a->places[rule->targets[i]].name);
    if (rule->unless_cause && n < size) snprintf(out + n, size - n, " without a claimed cause");
}

static void verdict_forbid(const replay_t *rp, const rule_t *rule, const norm_t *n, int party, time_ms_t start,
                           verdict_t *v) {
    char what[160];
    describe_filter(rp, rule, what, sizeof what);
    if (n->violations) {
        violated(rp, rule, n, party, v, what);
        return;
    }
    set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 3);
    say(v, "in effect since %s: no report of %s by %s", start == TIME_BEGINNING ? "the start" : replay_time(start), what,
        party_code(rp, party));
}

static void verdict_require(const replay_t *rp, const rule_t *rule, const norm_t *n, int party, time_ms_t start,
                            verdict_t *v) {
    char what[160];
    describe_filter(rp, rule, what, sizeof what);
    time_ms_t deadline = replay_rule_deadline(rp, rule);
    if (n->fulfilled_at != TIME_NONE) {
        set(v, STATUS_FULFILLED, n->fulfilled_at, n->best, 3);
        if (deadline != TIME_NONE && n->fulfilled_at > deadline)
            say(v, "fulfilled on %s, %lld day(s) after the deadline of %s: %s by %s", replay_time(n->fulfilled_at),
                (long long)((n->fulfilled_at - deadline + MS_PER_DAY - 1) / MS_PER_DAY), replay_time(deadline), what,
                party_code(rp, party));
        else
            say(v, "fulfilled on %s: %s by %s (%s)", replay_time(n->fulfilled_at), what, party_code(rp, party),
                standing_name(n->best));
        return;
    }
    if (deadline != TIME_NONE && rp->as_of > deadline) {
        set(v, STATUS_OVERDUE, deadline, STANDING_NONE, 0);
        say(v, "overdue since %s: no report of %s by %s", replay_time(deadline), what, party_code(rp, party));
        return;
    }
    set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 0);
    if (deadline != TIME_NONE) say(v, "in effect: %s by %s is due by %s", what, party_code(rp, party), replay_time(deadline));
    else say(v, "in effect: %s by %s is awaited (the agreement sets no deadline)", what, party_code(rp, party));
}

static void verdict_limit(const replay_t *rp, const rule_t *rule, const norm_t *n, int party, time_ms_t start,
                          verdict_t *v) {
    static const char *words[] = {"at most", "below", "at least", "above"};
    if (n->has_latest && n->breach_since != TIME_NONE) {
        status_t status = n->best == STANDING_DISPUTED ? STATUS_DISPUTED : STATUS_VIOLATED;
        set(v, status, n->breach_since, n->best, violation_score(n->best));
        say(v, "%s: %s reported at %.0f on %s, limit %s %.0f (%s)%s", status == STATUS_DISPUTED ? "disputed" : "violated",
            kind_name(rp, rule), n->latest_value, replay_time(n->latest_time), words[rule->comparison], rule->bound,
            standing_name(n->best), waiting(n->best));
        return;
    }
    if (!n->has_latest) {
        set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 1);
        say(v, "in effect: no %s reading for %s yet (limit %s %.0f)", kind_name(rp, rule), party_code(rp, party),
            words[rule->comparison], rule->bound);
        return;
    }
    set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 3);
    say(v, "in effect: latest %s %.0f on %s, within %s %.0f%s", kind_name(rp, rule), n->latest_value,
        replay_time(n->latest_time), words[rule->comparison], rule->bound,
        n->violations ? " (an earlier reading exceeded it)" : "");
}

static void verdict_share(const replay_t *rp, const rule_t *rule, int rule_index, const norm_t *n, int party,
                          time_ms_t start, verdict_t *v) {
    const share_state_t *share = &rp->shares[rule_index];
    int which = party == rule->share_party[0] ? 0 : 1;
    double due = 100.0 * rule->share_weight[which] / (rule->share_weight[0] + rule->share_weight[1]);
    if (share->periods_closed && share->last_breach[which]) {
        status_t status = n->best == STANDING_DISPUTED ? STATUS_DISPUTED : STATUS_VIOLATED;
        set(v, status, n->breach_since, n->best, violation_score(n->best));
        say(v, "%s: %s received %.1f%% of %s in the last %lld-day period, due %.0f%% +/- %.0f (%s)%s",
            status == STATUS_DISPUTED ? "disputed" : "violated", party_code(rp, party), share->last_share[which],
            kind_name(rp, rule), (long long)rule->period_days, due, rule->tolerance_percent, standing_name(n->best),
            waiting(n->best));
        return;
    }
    if (!share->periods_closed) {
        set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 1);
        say(v, "in effect: the first %lld-day period has not closed yet (due %.0f%% to %s)",
            (long long)rule->period_days, due, party_code(rp, party));
        return;
    }
    if (share->last_total <= 0) {
        set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 1);
        say(v, "in effect: no %s reported in the %lld-day period that ended %s", kind_name(rp, rule),
            (long long)rule->period_days, replay_time(share->last_end));
        return;
    }
    set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 3);
    say(v, "in effect: %s received %.1f%% of %s in the last period, due %.0f%% +/- %.0f", party_code(rp, party),
        share->last_share[which], kind_name(rp, rule), due, rule->tolerance_percent);
}

static void verdict_exchange(const replay_t *rp, const rule_t *rule, const norm_t *n, int party, time_ms_t start,
                             verdict_t *v) {
    time_ms_t deadline = replay_rule_deadline(rp, rule);
    const char *held = rp->agreement->kinds[rule->held_kind].name;
    if (n->has_held && n->released >= n->held) {
        set(v, STATUS_FULFILLED, n->fulfilled_at == TIME_NONE ? start : n->fulfilled_at, n->best, 3);
        say(v, "fulfilled: %s released %.0f, all of the %.0f registered as held", party_code(rp, party), n->released, n->held);
        return;
    }
    int score = n->has_held && n->held > 0 ? (int)floor(3.0 * n->released / n->held) : (n->released > 0);
    if (deadline != TIME_NONE && rp->as_of > deadline) {
        set(v, STATUS_OVERDUE, deadline, n->best, 0);
        say(v, "overdue since %s: %s released %.0f of %.0f held", replay_time(deadline), party_code(rp, party),
            n->released, n->held);
        return;
    }
    set(v, STATUS_IN_EFFECT, start, n->best, score > 2 ? 2 : score);
    if (n->has_held)
        say(v, "in effect: %s released %.0f of %.0f held (%.0f%%)", party_code(rp, party), n->released, n->held,
            n->held > 0 ? 100.0 * n->released / n->held : 0.0);
    else
        say(v, "in effect: %s released %.0f; no %s registry for %s yet, so completion cannot be judged",
            party_code(rp, party), n->released, held, party_code(rp, party));
}

static void verdict_sanction(const replay_t *rp, const rule_t *rule, int party, time_ms_t start, verdict_t *v) {
    time_ms_t first = rp->party_first_violation[party];
    if (first == TIME_NONE) {
        set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 3);
        say(v, "in effect: no confirmed violation by %s", party_code(rp, party));
        return;
    }
    set(v, STATUS_IN_EFFECT, first, STANDING_CONFIRMED, 3);
    v->sanction_tag = rule->text;
    char points[200];
    replay_violated_points(rp, party, points, sizeof points);
    say(v, "%s on %s since %s for confirmed violations of point %s", rule->text, party_code(rp, party),
        replay_time(first), points);
}

void verdict_of(const replay_t *rp, int rule_index, int party, verdict_t *v) {
    const rule_t *rule = &rp->agreement->rules[rule_index];
    const norm_t *n = replay_norm(rp, rule_index, party);
    memset(v, 0, sizeof *v);
    time_ms_t start = replay_rule_start(rp, rule);
    if (n->void_since != TIME_NONE) {
        set(v, n->suspended ? STATUS_SUSPENDED : STATUS_VOID, n->void_since, STANDING_CONFIRMED, n->suspended);
        say(v, "%s since %s: %s", n->suspended ? "suspended" : "void", replay_time(n->void_since), n->void_reason);
        return;
    }
    if (start == TIME_NONE) {
        const window_t *w = &rule->window;
        set(v, STATUS_PENDING, TIME_NONE, STANDING_NONE, 0);
        say(v, "pending: waits for event '%s', not yet established by a confirmed report",
            rp->agreement->events[w->start_event].name);
        return;
    }
    switch (rule->type) {
    case RULE_FORBID: verdict_forbid(rp, rule, n, party, start, v); break;
    case RULE_REQUIRE: verdict_require(rp, rule, n, party, start, v); break;
    case RULE_LIMIT: verdict_limit(rp, rule, n, party, start, v); break;
    case RULE_SHARE: verdict_share(rp, rule, rule_index, n, party, start, v); break;
    case RULE_EXCHANGE: verdict_exchange(rp, rule, n, party, start, v); break;
    case RULE_SANCTION: verdict_sanction(rp, rule, party, start, v); break;
    case RULE_GRANT:
        set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 3);
        say(v, "in effect: granted to %s: %s", party_code(rp, party), rule->text);
        break;
    case RULE_DECLARATORY:
        set(v, STATUS_DECLARATORY, TIME_NONE, STANDING_NONE, -1);
        say(v, "declaratory, not machine-checked: %s", rule->text);
        break;
    }
    if (v->since == TIME_BEGINNING) v->since = TIME_NONE;
}
