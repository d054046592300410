/* tlog: trust policies (c2sp.org/tlog-policy) — which logs, which witnesses,
 * and the quorum of cosignatures a checkpoint needs, e.g. "2 of the 3
 * parties' witnesses". Names are opaque bytes; groups may only name what
 * came before, so the quorum is evaluated in one pass, in file order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlog/tlog.h"

#define NAME_SIZE 128

typedef struct {
    char name[NAME_SIZE];
    bool is_group;
    int witness;                  /* index into witnesses, for a witness */
    int threshold, member_count;  /* for a group */
    int members[TLOG_POLICY_MAX];
} policy_name_t;

struct tlog_policy {
    tlog_verifier_t logs[TLOG_POLICY_MAX];
    size_t log_count;
    tlog_verifier_t witnesses[TLOG_POLICY_MAX];
    char urls[TLOG_POLICY_MAX][512];
    size_t witness_count;
    policy_name_t names[2 * TLOG_POLICY_MAX];
    int name_count;
    int quorum;                   /* index into names; -1 for none; -2 before the quorum line */
};

static int find_name(const tlog_policy_t *p, text_t name) {
    for (int i = 0; i < p->name_count; i++)
        if (text_equals_cstr(name, p->names[i].name)) return i;
    return -1;
}

/* Splits a line into words separated by spaces and tabs. */
static size_t split_words(text_t line, text_t *words, size_t max) {
    size_t n = 0;
    const char *p = line.ptr, *end = line.ptr + line.len;
    while (p < end && n < max) {
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        if (p == end) break;
        const char *start = p;
        while (p < end && *p != ' ' && *p != '\t') p++;
        words[n++] = (text_t){start, (size_t)(p - start)};
    }
    return n;
}

static bool duplicate_key(const tlog_verifier_t *keys, size_t count, const tlog_verifier_t *key) {
    for (size_t i = 0; i < count; i++)
        if (!memcmp(keys[i].key, key->key, LEDGER_PUBLIC_KEY_SIZE)) return true;
    return false;
}

static bool new_name(tlog_policy_t *p, text_t name, char *reason, size_t reason_size) {
    if (name.len == 0 || name.len >= NAME_SIZE || text_equals_cstr(name, "none") || find_name(p, name) >= 0
        || p->name_count == 2 * TLOG_POLICY_MAX) {
        snprintf(reason, reason_size, "'%.*s': a name must be new, not 'none', and under %d bytes", (int)(name.len > 60 ? 60 : name.len),
                 name.ptr, NAME_SIZE);
        return false;
    }
    memcpy(p->names[p->name_count].name, name.ptr, name.len);
    return true;
}

static bool parse_line(tlog_policy_t *p, text_t *w, size_t n, char *reason, size_t reason_size) {
    if (text_equals_cstr(w[0], "log") && (n == 2 || n == 3)) {
        if (p->log_count == TLOG_POLICY_MAX) { snprintf(reason, reason_size, "too many logs"); return false; }
        tlog_verifier_t *key = &p->logs[p->log_count];
        if (!tlog_verifier_parse(w[1], key, reason, reason_size)) return false;
        if (key->type != TLOG_KEY_ED25519) { snprintf(reason, reason_size, "a log key has type 0x01"); return false; }
        if (duplicate_key(p->logs, p->log_count, key)) { snprintf(reason, reason_size, "duplicate log key"); return false; }
        p->log_count++;
        return true;
    }
    if (text_equals_cstr(w[0], "witness") && (n == 3 || n == 4)) {
        if (p->witness_count == TLOG_POLICY_MAX) { snprintf(reason, reason_size, "too many witnesses"); return false; }
        tlog_verifier_t *key = &p->witnesses[p->witness_count];
        if (!new_name(p, w[1], reason, reason_size) || !tlog_verifier_parse(w[2], key, reason, reason_size)) return false;
        if (key->type != TLOG_KEY_COSIGNATURE) {
            snprintf(reason, reason_size, "a witness key is a cosignature key (type 0x04)");
            return false;
        }
        if (duplicate_key(p->witnesses, p->witness_count, key)) { snprintf(reason, reason_size, "duplicate witness key"); return false; }
        if (n == 4) snprintf(p->urls[p->witness_count], sizeof p->urls[0], "%.*s", (int)w[3].len, w[3].ptr);
        p->names[p->name_count].witness = (int)p->witness_count++;
        p->name_count++;
        return true;
    }
    if (text_equals_cstr(w[0], "group") && n >= 4) {
        if (!new_name(p, w[1], reason, reason_size)) return false;
        policy_name_t *g = &p->names[p->name_count];
        int members = (int)n - 3;
        if (members > TLOG_POLICY_MAX) { snprintf(reason, reason_size, "too many members"); return false; }
        if (text_equals_cstr(w[2], "all")) g->threshold = members;
        else if (text_equals_cstr(w[2], "any")) g->threshold = 1;
        else {
            uint64_t k = 0;
            bool digits = w[2].len <= 3 && w[2].len > 0;
            for (size_t i = 0; digits && i < w[2].len; i++) digits = w[2].ptr[i] >= '0' && w[2].ptr[i] <= '9', k = k * 10 + (uint64_t)(w[2].ptr[i] - '0');
            if (!digits || k < 1 || k > (uint64_t)members) {
                snprintf(reason, reason_size, "the threshold is all, any, or 1 to the number of members");
                return false;
            }
            g->threshold = (int)k;
        }
        g->is_group = true;
        for (int i = 0; i < members; i++) {
            int m = find_name(p, w[3 + i]);
            for (int j = 0; m >= 0 && j < i; j++)
                if (g->members[j] == m) m = -2;
            if (m < 0) {
                snprintf(reason, reason_size, "member '%.*s' %s", (int)(w[3 + i].len > 60 ? 60 : w[3 + i].len), w[3 + i].ptr,
                         m == -2 ? "is listed twice" : "is not defined on an earlier line");
                return false;
            }
            g->members[i] = m;
        }
        g->member_count = members;
        p->name_count++;
        return true;
    }
    if (text_equals_cstr(w[0], "quorum") && n == 2) {
        if (p->quorum != -2) { snprintf(reason, reason_size, "a second quorum line"); return false; }
        int q = text_equals_cstr(w[1], "none") ? -1 : find_name(p, w[1]);
        if (q == -1 && !text_equals_cstr(w[1], "none")) {
            snprintf(reason, reason_size, "the quorum names nothing defined on an earlier line");
            return false;
        }
        p->quorum = q;
        return true;
    }
    snprintf(reason, reason_size, "expected 'log VKEY [URL]', 'witness NAME VKEY [URL]', "
             "'group NAME all|any|K NAME...' or 'quorum NAME|none'");
    return false;
}

tlog_policy_t *tlog_policy_parse(const char *text, size_t len, char *error, size_t error_size) {
    tlog_policy_t *p = xcalloc(1, sizeof *p);
    p->quorum = -2;
    const char *at = text, *end = text + len;
    char reason[LEDGER_ERROR_SIZE];
    for (int number = 1; at < end; number++) {
        const char *nl = memchr(at, '\n', (size_t)(end - at));
        text_t line = {at, (size_t)((nl ? nl : end) - at)}, words[3 + TLOG_POLICY_MAX];
        at = nl ? nl + 1 : end;
        for (size_t i = 0; i < line.len; i++) {
            unsigned char c = (unsigned char)line.ptr[i];
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                snprintf(error, error_size, "line %d: a control character", number);
                tlog_policy_free(p);
                return NULL;
            }
        }
        size_t n = split_words(line, words, sizeof words / sizeof *words);
        if (n == 0 || words[0].ptr[0] == '#') continue;
        if (!parse_line(p, words, n, reason, sizeof reason)) {
            snprintf(error, error_size, "line %d: %s", number, reason);
            tlog_policy_free(p);
            return NULL;
        }
    }
    if (p->quorum == -2) {
        snprintf(error, error_size, "no quorum line (quorum NAME, or quorum none)");
        tlog_policy_free(p);
        return NULL;
    }
    return p;
}

void tlog_policy_free(tlog_policy_t *policy) { free(policy); }

size_t tlog_policy_witnesses(const tlog_policy_t *policy, const tlog_verifier_t **keys) {
    *keys = policy->witnesses;
    return policy->witness_count;
}

const char *tlog_policy_witness_url(const tlog_policy_t *policy, size_t index) {
    return policy->urls[index][0] ? policy->urls[index] : NULL;
}

size_t tlog_policy_logs(const tlog_policy_t *policy, const tlog_verifier_t **keys) {
    *keys = policy->logs;
    return policy->log_count;
}

/* Whether each name witnessed, in file order (a group only names earlier ones). */
static bool quorum_met(const tlog_policy_t *p, const bool *cosigned) {
    if (p->quorum == -1) return true;
    bool met[2 * TLOG_POLICY_MAX];
    for (int i = 0; i < p->name_count; i++) {
        const policy_name_t *n = &p->names[i];
        if (!n->is_group) { met[i] = cosigned[n->witness]; continue; }
        int count = 0;
        for (int m = 0; m < n->member_count; m++) count += met[n->members[m]];
        met[i] = count >= n->threshold;
    }
    return met[p->quorum];
}

bool tlog_policy_check(const tlog_policy_t *policy, const tlog_verifier_t *log_key, const char *note, size_t len,
                       tlog_checkpoint_t *checkpoint, char *error, size_t error_size) {
    bool cosigned[TLOG_POLICY_MAX] = {false};
    char reason[LEDGER_ERROR_SIZE];
    if (!tlog_checkpoint_open(note, len, log_key, policy->witnesses, policy->witness_count, cosigned, checkpoint,
                              reason, sizeof reason)) {
        snprintf(error, error_size, "%s", reason);
        return false;
    }
    if (quorum_met(policy, cosigned)) return true;
    int used = snprintf(error, error_size, "the policy's quorum of witnesses did not cosign it (cosigned by:");
    int count = 0;
    for (size_t i = 0; i < policy->witness_count && used > 0 && (size_t)used < error_size; i++)
        if (cosigned[i]) used += snprintf(error + used, error_size - (size_t)used, " %s", policy->witnesses[i].name), count++;
    if (used > 0 && (size_t)used < error_size) snprintf(error + used, error_size - (size_t)used, "%s)", count ? "" : " none");
    return false;
}
