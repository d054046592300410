/* standing: how well each report is established, from who wrote it and who
 * reviewed it. One precedence, documented in docs/interchange.md: the
 * council settles; a verifier's own finding stands unless it retracts it or
 * another verifier disputes it; a party's word that it complied is a claim
 * until a verifier confirms it; a party's word against another is an
 * allegation, disputed when the other side disputes it. */
#include "engine/replay.h"

#include <stdlib.h>

/* The council verifies everything; otherwise the rule's own verifiers, or
 * by default every monitor of the agreement. */
bool replay_is_verifier(const agreement_t *a, const rule_t *rule, int source) {
    const source_t *s = &a->sources[source];
    if (s->class == SOURCE_COUNCIL) return true;
    if (!rule || !rule->verifier_count) return s->class == SOURCE_MONITOR;
    for (int i = 0; i < rule->verifier_count; i++)
        if (rule->verifiers[i] == source) return true;
    return false;
}

/* Of two reviews, the earlier (ties: the smaller key) decides, whatever the
 * order of lines. Indices are stored index + 1; 0 is none. */
static uint32_t earlier(const engine_t *e, uint32_t current, uint32_t candidate) {
    if (!current) return candidate;
    const stored_report_t *a = &e->reports[current - 1], *b = &e->reports[candidate - 1];
    if (b->time != a->time) return b->time < a->time ? candidate : current;
    return text_compare(b->key, a->key) < 0 ? candidate : current;
}

/* The council's latest word wins (ties: the larger key). */
static uint32_t later(const engine_t *e, uint32_t current, uint32_t candidate) {
    if (!current) return candidate;
    const stored_report_t *a = &e->reports[current - 1], *b = &e->reports[candidate - 1];
    if (b->time != a->time) return b->time > a->time ? candidate : current;
    return text_compare(b->key, a->key) > 0 ? candidate : current;
}

static time_ms_t max_time(time_ms_t a, time_ms_t b) { return a > b ? a : b; }

/* What the reviews of one report say, sorted by who said it. */
typedef struct {
    uint32_t council, retract, verifier_confirm, verifier_dispute, accused_confirm, party_dispute;
} reviews_t;

static reviews_t gather(const replay_t *rp, uint32_t index, const rule_t *rule) {
    const engine_t *e = rp->engine;
    const agreement_t *a = rp->agreement;
    const stored_report_t *r = &e->reports[index];
    reviews_t v = {0};
    for (int32_t l = rp->review_head[index]; l >= 0; l = rp->links[l].next) {
        uint32_t k = rp->links[l].stance + 1;
        const stored_report_t *s = &e->reports[k - 1];
        bool disputes = s->stance == STANCE_DISPUTES;
        if (s->source_class == SOURCE_COUNCIL) v.council = later(e, v.council, k);
        else if (s->source == r->source) {
            if (disputes) v.retract = earlier(e, v.retract, k); /* its author takes it back */
        } else if (replay_is_verifier(a, rule, s->source)) {
            if (disputes) v.verifier_dispute = earlier(e, v.verifier_dispute, k);
            else v.verifier_confirm = earlier(e, v.verifier_confirm, k);
        } else if (disputes) {
            v.party_dispute = earlier(e, v.party_dispute, k);
        } else if (r->actor >= 0 && a->sources[s->source].party == r->actor) {
            v.accused_confirm = earlier(e, v.accused_confirm, k); /* the party it concerns admits it */
        }
    }
    return v;
}

judgement_t replay_judge(const replay_t *rp, uint32_t index, const rule_t *rule) {
    const engine_t *e = rp->engine;
    const agreement_t *a = rp->agreement;
    const stored_report_t *r = &e->reports[index];
    reviews_t v = gather(rp, index, rule);
    judgement_t j = {.verified_at = TIME_NONE};
    int speaker = a->sources[r->source].party;
    bool own = speaker >= 0 && r->actor >= 0 && speaker == r->actor; /* a party speaking of itself */
    if (v.council) {
        const stored_report_t *c = &e->reports[v.council - 1];
        if (c->stance == STANCE_CONFIRMS) {
            j.standing = STANDING_CONFIRMED;
            j.verified_at = max_time(r->time, c->time);
            j.confirmed_by = v.council;
        } else {
            j.standing = STANDING_DISPUTED;
            j.disputed_by = v.council;
        }
    } else if (v.retract) {
        j.standing = STANDING_DISPUTED;
        j.disputed_by = v.retract;
    } else if (v.verifier_dispute) {
        j.standing = STANDING_DISPUTED;
        j.disputed_by = v.verifier_dispute;
    } else if (replay_is_verifier(a, rule, r->source)) {
        j.standing = STANDING_CONFIRMED; /* the accused's denial is recorded, not upheld */
        j.verified_at = r->time;
        j.contested_by = v.party_dispute;
    } else if (v.verifier_confirm) {
        j.standing = STANDING_CONFIRMED;
        j.verified_at = max_time(r->time, e->reports[v.verifier_confirm - 1].time);
        j.confirmed_by = v.verifier_confirm;
        j.contested_by = v.party_dispute;
    } else if (own) {
        j.standing = v.party_dispute ? STANDING_DISPUTED : STANDING_CLAIMED;
        j.disputed_by = v.party_dispute;
    } else if (v.accused_confirm) {
        j.standing = STANDING_CONFIRMED;
        j.verified_at = max_time(r->time, e->reports[v.accused_confirm - 1].time);
        j.confirmed_by = v.accused_confirm;
    } else {
        j.standing = v.party_dispute ? STANDING_DISPUTED : STANDING_ALLEGED;
        j.disputed_by = v.party_dispute;
    }
    /* A party's own report of a breach is an admission: only the council, a
     * verifier or the party itself can take it back. */
    j.as_violation = j.standing;
    if (own && !v.council && !v.retract && !v.verifier_dispute) j.as_violation = STANDING_CONFIRMED;
    return j;
}

/* Links every review to the report it names. A bare id that names reports
 * of several sources is ambiguous and applies to none of them. */
static void link_reviews(replay_t *rp) {
    const engine_t *e = rp->engine;
    size_t capacity = 64;
    rp->links = xmalloc(capacity * sizeof *rp->links);
    for (size_t i = 0; i < e->report_count; i++) rp->review_head[i] = -1;
    for (size_t i = 0; i < e->stance_count; i++) {
        uint32_t stance_index = e->stance_reports[i];
        const stored_report_t *stance = &e->reports[stance_index];
        if (stance->dead || stance->time > rp->as_of) continue;
        for (uint32_t j = 0; j < stance->ref_count; j++) {
            uint32_t found;
            int n = engine_resolve_ref(e, e->refs[stance->first_ref + j], &found, 1);
            if (n > 1) rp->ambiguous_refs++;
            if (n != 1 || found == stance_index) continue;
            if (rp->link_count == capacity) rp->links = xrealloc(rp->links, (capacity *= 2) * sizeof *rp->links);
            rp->links[rp->link_count] = (review_link_t){stance_index, rp->review_head[found]};
            rp->review_head[found] = (int32_t)rp->link_count++;
        }
    }
}

/* Only the links are kept: a report's judgement is computed where it is
 * used, which costs a few branches for the many reports no one reviewed and
 * saves a judgement's 32 bytes per kept report. */
void replay_link_reviews(replay_t *rp) {
    const engine_t *e = rp->engine;
    size_t n = e->report_count ? e->report_count : 1;
    rp->review_head = xmalloc(n * sizeof *rp->review_head);
    link_reviews(rp);
}
