/* evidence: one report as the dashboard shows it — its fields, its
 * signature's status, and its inclusion proof checked here against the
 * current tree head, with the commands to check it offline. Also the page
 * of one report. */
#include <stdlib.h>
#include <string.h>

#include "dashboard/dashboard_internal.h"

/* The interchange spec's report members, in reading order. */
static const char *const FIELDS[] = {"source", "id",     "time",   "kind",  "actor", "to", "at",
                                     "target", "value",  "cause",  "stance", "refs", "note", "sig"};

static void field_row(buffer_t *out, const char *name, const jcs_value_t *value) {
    buffer_printf(out, "<tr><th scope=\"row\">%s</th><td>", name);
    text_t text;
    buffer_t json = {0};
    if (jcs_string(value, &text)) dashboard_html_escape(out, text.ptr, text.len);
    else {
        jcs_serialize(value, NULL, &json);
        dashboard_html_escape(out, json.data, json.len);
    }
    buffer_puts(out, "</td></tr>");
    buffer_free(&json);
}

static void report_fields(buffer_t *out, const jcs_value_t *report) {
    buffer_puts(out, "<table class=\"fields\"><tbody>");
    for (size_t i = 0; i < sizeof FIELDS / sizeof *FIELDS; i++) {
        const jcs_value_t *value = jcs_get(report, FIELDS[i]);
        if (value && jcs_type(value) != JCS_NULL) field_row(out, FIELDS[i], value);
    }
    buffer_puts(out, "</tbody></table>");
}

static void text_row(buffer_t *out, const char *name, const char *value) {
    buffer_printf(out, "<tr><th scope=\"row\">%s</th><td>", name);
    dash_text(out, value);
    buffer_puts(out, "</td></tr>");
}

/* What the engine kept, when the server gives no JSON. */
static void engine_fields(buffer_t *out, const dashboard_view_t *view, const report_info_t *info) {
    const agreement_t *a = view->agreement;
    buffer_puts(out, "<table class=\"fields\"><tbody><tr><th scope=\"row\">time</th><td>");
    dash_time(out, info->time);
    buffer_puts(out, "</td></tr>");
    if (info->kind >= 0) text_row(out, "kind", a->kinds[info->kind].name);
    if (info->actor >= 0) text_row(out, "actor", a->parties[info->actor].code);
    if (info->actor_member >= 0) text_row(out, "acting member", a->members[info->actor_member].code);
    if (info->to >= 0) text_row(out, "to", a->parties[info->to].code);
    if (info->target >= 0) text_row(out, "target", a->places[info->target].name);
    if (info->has_at) buffer_printf(out, "<tr><th scope=\"row\">at</th><td>%.4f° E, %.4f° N</td></tr>", info->lon, info->lat);
    buffer_puts(out, "</tbody></table>");
}

static const char *signature_text(const dashboard_evidence_t *e) {
    if (!e->signature_checked) return "Signature not checked";
    switch (e->signature) {
    case SIGNATURE_VALID: return "Signature valid: signed with the source's registered key";
    case SIGNATURE_MISSING: return "Unsigned report: its source did not sign it";
    case SIGNATURE_MALFORMED: return "Malformed signature";
    case SIGNATURE_UNKNOWN_SOURCE: return "Unknown source";
    case SIGNATURE_NO_KEY: return "No key registered for this source";
    case SIGNATURE_INVALID: return "Signature does not verify";
    }
    return "Signature status unknown";
}

/* Valid: a tick; unsigned or unchecked: neutral; anything else: a failure with its reason. */
static void signature_line(buffer_t *out, const dashboard_evidence_t *e) {
    bool valid = e->signature_checked && e->signature == SIGNATURE_VALID;
    bool neutral = !e->signature_checked || e->signature == SIGNATURE_MISSING;
    buffer_printf(out, "<p class=\"signature %s\"><span class=\"glyph\" aria-hidden=\"true\">%s</span> %s",
                  valid ? "ok" : neutral ? "unknown" : "bad", valid ? "✓" : neutral ? "○" : "✗", signature_text(e));
    if (!valid && !neutral && e->signature_note[0]) {
        buffer_puts(out, ": ");
        dash_text(out, e->signature_note);
    }
    buffer_puts(out, "</p>");
}

/* ------------------------------------------------------------------ proofs */

static void hex_short(buffer_t *out, const uint8_t hash[LEDGER_HASH_SIZE]) {
    buffer_t hex = {0};
    ledger_hex_append(hash, LEDGER_HASH_SIZE, &hex);
    buffer_printf(out, "<code class=\"hash\" title=\"%s\">%.12s…</code>", hex.data, hex.data);
    buffer_free(&hex);
}

/* Checks the proof here: the report's bytes hash to the proof's leaf, the
 * path leads to the proof's root, and that root is the view's tree head.
 * Returns NULL when it holds, else why not. */
static const char *check_proof(const dashboard_view_t *view, const buffer_t *report, const ledger_inclusion_proof_t *proof,
                               char *error, size_t error_size) {
    uint8_t leaf[LEDGER_HASH_SIZE], head[LEDGER_HASH_SIZE];
    merkle_leaf_hash(report->data, report->len, leaf);
    if (memcmp(leaf, proof->leaf_hash, sizeof leaf)) return "the report's bytes do not hash to the proof's leaf";
    if (!merkle_verify_inclusion(proof->leaf_index, proof->tree_size, leaf,
                                 (const uint8_t(*)[LEDGER_HASH_SIZE])proof->path, proof->path_length, proof->root,
                                 error, error_size))
        return error;
    if (!view->has_tree_head || !view->root_hex) return "no current tree head to compare with";
    if (!ledger_hex_decode(text_of(view->root_hex), head, sizeof head) || proof->tree_size != view->tree_size ||
        memcmp(head, proof->root, sizeof head))
        return "the proof is for another tree head than the current one";
    return NULL;
}

/* The three files that prove the report is in the log, to download, and the
 * one command that checks them on the reader's own machine. */
static void verify_hint(buffer_t *out, const dashboard_view_t *view, const char *key, uint64_t index) {
    buffer_puts(out, "<div class=\"verify-hint\"><h3>Check it yourself</h3><p>Download the three files and check them "
                     "with <code>truce</code> on your own machine: you need not trust this server.</p><ul>");
    if (view->links == DASHBOARD_LINKS_SERVER) {
        buffer_printf(out, "<li><a download=\"entry.json\" href=\"/v1/log/entries?start=%llu&amp;end=%llu\">entry.json</a> — "
                           "the report exactly as logged</li><li><a download=\"proof.json\" href=\"/v1/log/proof/inclusion?key=",
                      (unsigned long long)index, (unsigned long long)index + 1);
        dash_text(out, key);
        buffer_puts(out, "\">proof.json</a> — the hashes that link it to the tree head</li>"
                         "<li><a download=\"sth.json\" href=\"/v1/log/sth\">sth.json</a> — the tree head the council "
                         "signed (compare it with the one your witnesses cosigned: <a href=\"/checkpoint\">checkpoint</a>)</li>");
    } else {
        buffer_printf(out, "<li><code>truce log entries --log LOG.db %llu %llu &gt; entry.json</code></li><li><code>truce log "
                           "proof --log LOG.db --inclusion ", (unsigned long long)index, (unsigned long long)index + 1);
        dash_text(out, key);
        buffer_puts(out, " &gt; proof.json</code></li><li><code>truce log sth --log LOG.db &gt; sth.json</code></li>");
    }
    buffer_puts(out, "</ul><pre>truce verify --inclusion proof.json --sth sth.json --entry entry.json --agreement plan.truce</pre>"
                     "<p>It prints <q>valid</q> when the report is in the log the council signed, unaltered.</p></div>");
}

static void proof_section(buffer_t *out, const dashboard_view_t *view, const char *key, const dashboard_evidence_t *e) {
    if (!e->proof_json.len) {
        buffer_puts(out, "<p class=\"proof unknown\">No inclusion proof: the server keeps no log.</p>");
        return;
    }
    jcs_document_t *doc = jcs_document_new();
    ledger_inclusion_proof_t *proof = xmalloc(sizeof *proof);
    char error[LEDGER_ERROR_SIZE];
    if (!jcs_parse(doc, e->proof_json.data, e->proof_json.len, error, sizeof error) ||
        !ledger_inclusion_from_json(jcs_root(doc), proof, error, sizeof error)) {
        buffer_puts(out, "<p class=\"proof bad\">The inclusion proof cannot be read: ");
        dash_text(out, error);
        buffer_puts(out, "</p>");
    } else {
        const char *failure = check_proof(view, &e->report_json, proof, error, sizeof error);
        buffer_printf(out, "<p class=\"proof %s\"><span class=\"glyph\" aria-hidden=\"true\">%s</span> ",
                      failure ? "bad" : "ok", failure ? "✗" : "✓");
        if (failure) {
            buffer_puts(out, "<strong>This report's proof does not check</strong>: ");
            dash_text(out, failure);
        } else {
            buffer_printf(out, "This report is entry %llu of the %llu the council's log held when it last signed it, "
                               "byte for byte as submitted: no one can have changed or removed it since without "
                               "the signed tree head showing it.",
                          (unsigned long long)proof->leaf_index + 1, (unsigned long long)proof->tree_size);
        }
        buffer_printf(out, "</p><details><summary>The proof in detail</summary><p>%zu hashes lead from the report to the "
                           "tree head ", proof->path_length);
        hex_short(out, proof->root);
        buffer_puts(out, " (RFC 9162 inclusion proof).</p><pre class=\"json\">");
        dashboard_html_escape(out, e->proof_json.data, e->proof_json.len);
        buffer_puts(out, "</pre></details>");
        verify_hint(out, view, key, proof->leaf_index);
    }
    free(proof);
    jcs_document_free(doc);
}

/* ------------------------------------------------------------------ blocks */

static void report_body(buffer_t *out, const dashboard_view_t *view, const dashboard_evidence_t *e, bool has_json,
                        const report_info_t *info, bool has_info) {
    jcs_document_t *doc = jcs_document_new();
    char error[LEDGER_ERROR_SIZE];
    if (has_json && jcs_parse(doc, e->report_json.data, e->report_json.len, error, sizeof error))
        report_fields(out, jcs_root(doc));
    else if (has_info) engine_fields(out, view, info);
    if (has_json) {
        signature_line(out, e);
        buffer_puts(out, "<details><summary>The report as logged (JSON)</summary><pre class=\"json\">");
        dashboard_html_escape(out, e->report_json.data, e->report_json.len);
        buffer_puts(out, "</pre></details>");
    } else {
        buffer_puts(out, "<p class=\"proof unknown\">The server holds no copy of this report's JSON.</p>");
    }
    jcs_document_free(doc);
}

/* What the report is under each rule it bears on: its standing, who
 * confirmed, disputed or denied it (every incident, not only those a ruling
 * lists). */
static bool report_incidents(buffer_t *out, const dashboard_view_t *view, const char *key) {
    if (!view->incidents) return false;
    int shown = 0;
    for (size_t i = 0; i < view->incidents->count; i++) {
        const incident_t *x = &view->incidents->items[i];
        if (strcmp(x->key, key)) continue;
        if (!shown++)
            buffer_puts(out, "<h2>What it shows, and who says so</h2><div class=\"table-scroll\"><table class=\"data incidents\">"
                             "<thead><tr><th scope=\"col\">Time</th><th scope=\"col\">Point</th><th scope=\"col\">Party</th>"
                             "<th scope=\"col\">Standing</th><th scope=\"col\">Role</th><th scope=\"col\">Report</th>"
                             "<th scope=\"col\">Who confirmed or disputed it</th><th scope=\"col\">Lat, lon</th></tr></thead><tbody>");
        dash_incident_row(out, view, x);
    }
    if (shown) buffer_puts(out, "</tbody></table></div>");
    return shown > 0;
}

static void citing_rulings(buffer_t *out, const dashboard_view_t *view, const char *key) {
    bool bears = report_incidents(out, view, key);
    buffer_puts(out, "<h2>Rulings that list this report</h2><ul class=\"citing\">");
    int shown = 0;
    for (int i = 0; i < view->rulings->count; i++) {
        const ruling_t *r = &view->rulings->items[i];
        for (int k = 0; k < r->evidence_count; k++) {
            if (strcmp(r->evidence[k], key)) continue;
            buffer_puts(out, "<li>");
            dash_status_badge(out, r);
            buffer_puts(out, " ");
            dash_ruling_subject(out, view, r);
            buffer_puts(out, "</li>");
            shown++;
            break;
        }
    }
    if (!shown && bears)
        buffer_puts(out, "<li>None lists it among its few examples; it is counted in the rulings above (see the "
                         "incidents).</li>");
    else if (!shown) buffer_puts(out, "<li>None: the report bears on no rule.</li>");
    buffer_puts(out, "</ul>");
}

bool dash_evidence_block(buffer_t *out, const dashboard_view_t *view, const char *key, bool full) {
    dashboard_evidence_t e;
    memset(&e, 0, sizeof e);
    report_info_t info;
    bool has_info = view->engine && engine_report_info(view->engine, key, &info);
    bool has_json = view->evidence && view->evidence(view->evidence_context, key, &e) && e.report_json.len;
    bool known = has_info || has_json;
    if (known && full) {
        buffer_puts(out, "<div class=\"evidence-page\"><section class=\"evidence-item\"><h2>The report</h2>");
        report_body(out, view, &e, has_json, &info, has_info);
        buffer_puts(out, "</section><section class=\"evidence-item\"><h2>In the log</h2>");
        if (has_json) proof_section(out, view, key, &e);
        else buffer_puts(out, "<p class=\"proof unknown\">The server keeps no log of this report.</p>");
        buffer_puts(out, "</section></div>\n");
        citing_rulings(out, view, key);
    } else if (known) {
        buffer_puts(out, "<article class=\"evidence-item\"><h3>");
        dash_link(out, view, DASHBOARD_PAGE_EVIDENCE, key, key);
        buffer_puts(out, "</h3>");
        report_body(out, view, &e, has_json, &info, has_info);
        if (has_json) proof_section(out, view, key, &e);
        buffer_puts(out, "</article>\n");
    }
    buffer_free(&e.report_json);
    buffer_free(&e.proof_json);
    return known;
}

bool dashboard_evidence(buffer_t *out, const dashboard_view_t *view, const char *key, bool fragment) {
    size_t start = out->len;
    buffer_t title = {0};
    buffer_puts(&title, "Report ");
    buffer_puts(&title, key);
    dash_page_open(out, view, PAGE_NONE, title.data, fragment);
    buffer_puts(out, "<p class=\"crumbs\"><a href=\"");
    dash_href(out, view, DASHBOARD_PAGE_BOARD, NULL);
    buffer_puts(out, "\">Board</a> › Report</p><h1>Report <code>");
    dash_text(out, key);
    buffer_puts(out, "</code></h1>\n");
    bool known = dash_evidence_block(out, view, key, true);
    dash_page_close(out, view, fragment);
    buffer_free(&title);
    if (!known && out->data) out->data[out->len = start] = '\0';
    return known;
}
