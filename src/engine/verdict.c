/* verdict: turns one norm's replayed state into a status, a start time, a
 * standing, a 0-3 score and a sentence a person can read, as of a time. One
 * function per kind of rule; rulings.c combines the verdicts of a point. */
#include "engine/verdict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *party_code(const replay_t *rp, int party) {
    return party < rp->agreement->party_count ? rp->agreement->parties[party].code : "unattributed";
}

static const char *kind_name(const replay_t *rp, const rule_t *rule) {
    return rule->kind >= 0 ? rp->agreement->kinds[rule->kind].name : "";
}

static void say(verdict_t *v, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void say(verdict_t *v, const char *format, ...) {
    if (v->silent) return;
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

/* Said of every violation that rests on allegations or is disputed. */
static const char *waiting(standing_t best) {
    return best == STANDING_CONFIRMED ? "" : "; consequences wait for confirmation by a monitor or the council";
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

/* "3 reports (2 confirmed, 1 alleged)": every counted incident, by standing. */
static void describe_counts(const norm_t *n, char *out, size_t size) {
    static const char *names[] = {"", "disputed", "alleged", "claimed", "confirmed"};
    long total = 0;
    for (int s = 0; s < STANDING_COUNT; s++) total += n->counts[s];
    size_t k = (size_t)snprintf(out, size, "%ld report%s", total, total == 1 ? "" : "s");
    int parts = 0;
    for (int s = STANDING_COUNT - 1; s > 0 && k < size; s--)
        if (n->counts[s]) k += (size_t)snprintf(out + k, size - k, "%s%ld %s", parts++ ? ", " : " (", n->counts[s], names[s]);
    if (parts && k < size) snprintf(out + k, size - k, ")");
}

/* The worst that incidents say of a party: a confirmed breach outranks an
 * alleged one, which outranks one that is only disputed. */
static standing_t breach_standing(const norm_t *n) {
    if (n->counts[STANDING_CONFIRMED]) return STANDING_CONFIRMED;
    if (n->counts[STANDING_ALLEGED] || n->counts[STANDING_CLAIMED]) return STANDING_ALLEGED;
    return n->counts[STANDING_DISPUTED] ? STANDING_DISPUTED : STANDING_NONE;
}

static time_ms_t breach_since(const norm_t *n, standing_t standing) {
    if (standing == STANDING_ALLEGED) {
        time_ms_t a = n->first_by[STANDING_ALLEGED], c = n->first_by[STANDING_CLAIMED];
        return a == TIME_NONE || (c != TIME_NONE && c < a) ? c : a;
    }
    return n->first_by[standing];
}

static void verdict_forbid(const replay_t *rp, const rule_t *rule, const norm_t *n, int party, time_ms_t start,
                           time_ms_t now, verdict_t *v) {
    char what[200], counts[120] = "", quiet[120] = "";
    if (!v->silent) describe_filter(rp, rule, what, sizeof what);
    if (!n->violations) {
        set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 3);
        say(v, "in effect since %s: no report of %s by %s", start == TIME_BEGINNING ? "the start" : replay_time(start),
            what, party_code(rp, party));
        return;
    }
    standing_t standing = breach_standing(n);
    bool ended = rule->quiet_days && now - n->last_incident >= rule->quiet_days * MS_PER_DAY;
    status_t status = standing == STANDING_DISPUTED ? STATUS_DISPUTED : STATUS_VIOLATED;
    int score = standing == STANDING_CONFIRMED ? (ended ? 1 : 0) : 2;
    if (party >= rp->agreement->party_count) status = STATUS_OBSERVED, score = -1;
    set(v, status, breach_since(n, standing), standing, score);
    if (ended) v->respected_since = n->last_incident + rule->quiet_days * MS_PER_DAY;
    if (v->silent) return;
    describe_counts(n, counts, sizeof counts);
    if (ended)
        snprintf(quiet, sizeof quiet, "; respected since %s (no incident for %lld days)", replay_time(v->respected_since),
                 (long long)rule->quiet_days);
    if (status == STATUS_OBSERVED)
        say(v, "observed: %s of %s naming no party, %s to %s", counts, what, replay_time(n->first_incident),
            replay_time(n->last_incident));
    else
        say(v, "%s: %s of %s by %s since %s, the latest on %s (%s)%s%s", status_name(status), counts, what,
            party_code(rp, party), replay_time(v->since), replay_time(n->last_incident), standing_name(standing),
            quiet, waiting(standing));
}

static void verdict_require(const replay_t *rp, const rule_t *rule, const norm_t *n, int party, time_ms_t start,
                            time_ms_t now, verdict_t *v) {
    char what[200], late[64] = "";
    if (!v->silent) describe_filter(rp, rule, what, sizeof what);
    time_ms_t deadline = replay_rule_deadline(rp, rule);
    if (n->fulfilled_at != TIME_NONE && n->fulfilled_at <= now) {
        v->late_by = deadline != TIME_NONE && n->fulfilled_act > deadline ? n->fulfilled_act - deadline : 0;
        set(v, STATUS_FULFILLED, n->fulfilled_at, STANDING_CONFIRMED, v->late_by ? 2 : 3);
        if (v->silent) return;
        if (v->late_by) {
            replay_duration(v->late_by, late, sizeof late);
            say(v, "fulfilled %s late (verified %s; the deadline was %s): %s by %s", late, replay_time(n->fulfilled_at),
                replay_time(deadline), what, party_code(rp, party));
        } else {
            say(v, "fulfilled on %s: %s by %s (verified)", replay_time(n->fulfilled_at), what, party_code(rp, party));
        }
        return;
    }
    if (n->claimed_at != TIME_NONE && n->claimed_at <= now) {
        bool claimed_late = deadline != TIME_NONE && n->claimed_at > deadline;
        set(v, STATUS_CLAIMED, n->claimed_at, n->best, claimed_late ? 1 : 2);
        if (claimed_late) replay_duration(n->claimed_at - deadline, late, sizeof late);
        say(v, "claimed on %s%s%s: %s by %s, not yet verified by a monitor or the council", replay_time(n->claimed_at),
            claimed_late ? ", " : "", claimed_late ? late : "", what, party_code(rp, party));
        if (claimed_late && !v->silent) strncat(v->why, " (claimed late)", sizeof v->why - strlen(v->why) - 1);
        return;
    }
    const char *disputed = n->disputed_claim ? rp->engine->reports[n->disputed_claim - 1].key.ptr : NULL;
    char note[200] = "";
    if (disputed && !v->silent) snprintf(note, sizeof note, "; the claim %s is disputed and fulfils nothing", disputed);
    if (deadline != TIME_NONE && now > deadline) {
        set(v, STATUS_OVERDUE, deadline, STANDING_NONE, 0);
        say(v, "overdue since %s: no verified report of %s by %s%s", replay_time(deadline), what, party_code(rp, party), note);
        return;
    }
    set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 0);
    if (deadline != TIME_NONE)
        say(v, "in effect: %s by %s is due by %s%s", what, party_code(rp, party), replay_time(deadline), note);
    else
        say(v, "in effect: %s by %s is awaited (the agreement sets no deadline)%s", what, party_code(rp, party), note);
}

static void verdict_limit(const replay_t *rp, const rule_t *rule, const norm_t *n, int party, time_ms_t start,
                          verdict_t *v) {
    static const char *words[] = {"at most", "below", "at least", "above"};
    if (n->has_latest && n->breach_since != TIME_NONE) {
        standing_t standing = n->latest_standing;
        status_t status = standing == STANDING_DISPUTED ? STATUS_DISPUTED : STATUS_VIOLATED;
        set(v, status, n->breach_since, standing, standing == STANDING_CONFIRMED ? 0 : 2);
        say(v, "%s: %s reported at %.0f on %s, limit %s %.0f (%s)%s", status_name(status), kind_name(rp, rule),
            n->latest_value, replay_time(n->latest_time), words[rule->comparison], rule->bound, standing_name(standing),
            waiting(standing));
        return;
    }
    if (!n->has_latest) {
        set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 1);
        say(v, "in effect: no %s reading for %s yet (limit %s %.0f)", kind_name(rp, rule), party_code(rp, party),
            words[rule->comparison], rule->bound);
        return;
    }
    bool verified = n->latest_standing == STANDING_CONFIRMED;
    set(v, verified ? STATUS_IN_EFFECT : STATUS_CLAIMED, verified ? start : n->latest_time, n->latest_standing,
        verified ? 3 : 2);
    say(v, "%s: latest %s %.0f on %s, within %s %.0f%s%s", verified ? "in effect" : "claimed", kind_name(rp, rule),
        n->latest_value, replay_time(n->latest_time), words[rule->comparison], rule->bound,
        verified ? "" : " (not verified by a monitor or the council)",
        n->violations ? " (an earlier reading broke it)" : "");
}

static void verdict_share(const replay_t *rp, const rule_t *rule, int rule_index, const norm_t *n, int party,
                          time_ms_t start, verdict_t *v) {
    const share_state_t *share = &rp->shares[rule_index];
    int which = party == rule->share_party[0] ? 0 : 1;
    double due = 100.0 * rule->share_weight[which] / (rule->share_weight[0] + rule->share_weight[1]);
    if (share->periods_closed && share->last_breach[which]) {
        status_t status = n->best == STANDING_DISPUTED ? STATUS_DISPUTED : STATUS_VIOLATED;
        set(v, status, n->breach_since, n->best, n->best == STANDING_CONFIRMED ? 0 : 2);
        say(v, "%s: %s received %.1f%% of %s in the last %lld-day period, due %.0f%% +/- %.0f (%s)%s",
            status_name(status), party_code(rp, party), share->last_share[which], kind_name(rp, rule),
            (long long)rule->period_days, due, rule->tolerance_percent, standing_name(n->best), waiting(n->best));
        return;
    }
    char past[160] = "";
    if (n->violations && !v->silent) /* a past breach never vanishes from the sentence */
        snprintf(past, sizeof past, "; %ld earlier period%s breached it, first from %s", n->violations,
                 n->violations == 1 ? "" : "s", replay_time(n->first_by[n->best]));
    if (!share->periods_closed || share->last_total <= 0) {
        set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 1);
        if (!share->periods_closed)
            say(v, "in effect: the first %lld-day period has not closed yet (due %.0f%% to %s)",
                (long long)rule->period_days, due, party_code(rp, party));
        else
            say(v, "in effect: no %s reported in the %lld-day period that ended %s%s", kind_name(rp, rule),
                (long long)rule->period_days, replay_time(share->last_end), past);
        return;
    }
    set(v, STATUS_IN_EFFECT, start, STANDING_NONE, n->violations ? 2 : 3);
    say(v, "in effect: %s received %.1f%% of %s in the last period, due %.0f%% +/- %.0f%s", party_code(rp, party),
        share->last_share[which], kind_name(rp, rule), due, rule->tolerance_percent, past);
}

static void verdict_exchange(const replay_t *rp, const rule_t *rule, const norm_t *n, int party, time_ms_t start,
                             time_ms_t now, verdict_t *v) {
    time_ms_t deadline = replay_rule_deadline(rp, rule);
    const char *held = rp->agreement->kinds[rule->held_kind].name;
    char late[64] = "";
    if (n->has_held && n->fulfilled_at != TIME_NONE) {
        v->late_by = deadline != TIME_NONE && n->fulfilled_act > deadline ? n->fulfilled_act - deadline : 0;
        set(v, STATUS_FULFILLED, n->fulfilled_at, STANDING_CONFIRMED, v->late_by ? 2 : 3);
        if (v->late_by && !v->silent) {
            late[0] = ' ';
            replay_duration(v->late_by, late + 1, sizeof late - 6);
            strcat(late, " late");
        }
        say(v, "fulfilled%s: %s released %.0f (verified), all of the %.0f registered as held on %s", late,
            party_code(rp, party), n->released, n->held, replay_time(n->held_time));
        return;
    }
    if (n->has_held && n->claimed_at != TIME_NONE) {
        set(v, STATUS_CLAIMED, n->claimed_at, STANDING_CLAIMED, 2);
        say(v, "claimed: %s released %.0f, %.0f of them verified, of the %.0f registered as held on %s",
            party_code(rp, party), n->released + n->released_claimed, n->released, n->held, replay_time(n->held_time));
        return;
    }
    int score = n->has_held && n->held > 0 ? (int)floor(3.0 * n->released / n->held) : (n->released > 0);
    if (deadline != TIME_NONE && now > deadline) {
        set(v, STATUS_OVERDUE, deadline, n->best, 0);
        say(v, "overdue since %s: %s released %.0f (verified) of %.0f held", replay_time(deadline), party_code(rp, party),
            n->released, n->held);
        return;
    }
    set(v, STATUS_IN_EFFECT, start, n->best, score > 2 ? 2 : score);
    if (n->has_held)
        say(v, "in effect: %s released %.0f (verified) of %.0f registered as held on %s (%.0f%%)", party_code(rp, party),
            n->released, n->held, replay_time(n->held_time), n->held > 0 ? 100.0 * n->released / n->held : 0.0);
    else
        say(v, "in effect: %s released %.0f; no %s registry from a verifier for %s yet, so completion cannot be judged",
            party_code(rp, party), n->released + n->released_claimed, held, party_code(rp, party));
}

static void verdict_sanction(const replay_t *rp, const rule_t *rule, int party, time_ms_t start, time_ms_t now,
                             verdict_t *v) {
    time_ms_t first = rp->party_first_violation[party];
    if (first == TIME_NONE || first > now) {
        set(v, STATUS_IN_EFFECT, start, STANDING_NONE, 3);
        say(v, "in effect: no confirmed violation by %s", party_code(rp, party));
        return;
    }
    set(v, STATUS_IN_EFFECT, first, STANDING_CONFIRMED, 3);
    v->sanction_tag = rule->text;
    if (v->silent) return;
    char points[200];
    replay_violated_points(rp, party, points, sizeof points);
    say(v, "%s on %s since %s for confirmed violations of point %s", rule->text, party_code(rp, party),
        replay_time(first), points);
}

/* What an event still waits for, naming the missing part of a composite
 * event ("'ru-pulled-back' (no confirmed report of withdrawal.completed yet)"). */
static void describe_missing(const replay_t *rp, int event, time_ms_t now, buffer_t *out, int depth) {
    const event_t *ev = &rp->agreement->events[event];
    time_ms_t t = rp->event_time[event];
    char when[32];
    if (t != TIME_NONE && t > now) {
        time_format(t, when);
        buffer_printf(out, "'%s' (at %s, not yet)", ev->name, when);
    } else if (ev->kind >= 0) {
        buffer_printf(out, "'%s' (no confirmed report of %s yet)", ev->name, rp->agreement->kinds[ev->kind].name);
    } else if (ev->base >= 0 && depth < 8) {
        describe_missing(rp, ev->base, now, out, depth + 1);
    } else if (ev->first) {
        buffer_printf(out, "the first of");
        for (int j = 0; j < ev->after_count; j++)
            buffer_printf(out, "%s'%s'", j ? ", " : " ", rp->agreement->events[ev->after[j]].name);
        buffer_puts(out, " (none yet)");
    } else {
        int missing = 0;
        for (int j = 0; j < ev->after_count && depth < 8; j++) {
            time_ms_t part = rp->event_time[ev->after[j]];
            if (part != TIME_NONE && part <= now) continue;
            if (missing++) buffer_puts(out, " and ");
            describe_missing(rp, ev->after[j], now, out, depth + 1);
        }
    }
}

void verdict_at(const replay_t *rp, int rule_index, int party, time_ms_t now, verdict_t *v) {
    const rule_t *rule = &rp->agreement->rules[rule_index];
    const norm_t *n = replay_norm(rp, rule_index, party);
    bool silent = v->silent;
    memset(v, 0, sizeof *v);
    v->silent = silent;
    v->respected_since = TIME_NONE;
    time_ms_t start = replay_rule_start(rp, rule);
    if (n->void_since != TIME_NONE && n->void_since <= now) {
        set(v, n->suspended ? STATUS_SUSPENDED : STATUS_VOID, n->void_since, STANDING_CONFIRMED, n->suspended);
        say(v, "%s since %s: %s", n->suspended ? "suspended" : "void", replay_time(n->void_since), n->void_reason);
        return;
    }
    if (start == TIME_NONE || (start != TIME_BEGINNING && start > now)) {
        const window_t *w = &rule->window;
        set(v, STATUS_PENDING, TIME_NONE, STANDING_NONE, 0);
        buffer_t missing = {0};
        describe_missing(rp, w->start_event, now, &missing, 0);
        buffer_append(&missing, "", 1);
        const event_t *ev = &rp->agreement->events[w->start_event];
        time_ms_t due = rp->event_time[w->start_event];
        char when[32];
        if (due != TIME_NONE) /* dated, but later than the clock */
            time_format(due, when), say(v, "pending: takes effect at %s (event '%s'), after the clock", when, ev->name);
        else if (ev->kind >= 0)
            say(v, "pending: waits for event '%s', not yet established by a confirmed report", ev->name);
        else
            say(v, "pending: waits for event '%s': missing %s", ev->name, missing.data);
        buffer_free(&missing);
        return;
    }
    switch (rule->type) {
    case RULE_FORBID: verdict_forbid(rp, rule, n, party, start, now, v); break;
    case RULE_REQUIRE: verdict_require(rp, rule, n, party, start, now, v); break;
    case RULE_LIMIT: verdict_limit(rp, rule, n, party, start, v); break;
    case RULE_SHARE: verdict_share(rp, rule, rule_index, n, party, start, v); break;
    case RULE_EXCHANGE: verdict_exchange(rp, rule, n, party, start, now, v); break;
    case RULE_SANCTION: verdict_sanction(rp, rule, party, start, now, v); break;
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
