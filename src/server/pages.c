/* pages: the dashboard's routes. The board, map, timeline and point pages are
 * cached in the current snapshot (rendered once per generation, by the writer
 * thread, which owns the engine and the log); evidence pages are rendered per
 * request; "X-Truce-Fragment: 1" asks for the <main> element only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"

#define HTML "text/html; charset=utf-8"

static bool wants_fragment(request_t *request) {
    const char *value = MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, "X-Truce-Fragment");
    return value && !strcmp(value, "1");
}

enum MHD_Result page_not_found(request_t *request, const char *what) {
    snapshot_t *snapshot = snapshot_acquire(request->server);
    dashboard_view_t view;
    snapshot_view(request->server, snapshot, &view);
    view.engine = NULL;                    /* not on the writer thread: no engine access */
    view.evidence = NULL;
    buffer_t page = {0};
    dashboard_not_found(&page, &view, what, wants_fragment(request));
    snapshot_release(snapshot);
    return respond(request, MHD_HTTP_NOT_FOUND, HTML, &page);
}

static void render_cached(server_t *server, job_t *job) {
    snapshot_render_page(server, job->snapshot, job->slot, job->fragment);
    const buffer_t *page = snapshot_page(job->snapshot, job->slot, job->fragment);
    buffer_append(&job->body, page->data, page->len);
    job->status = MHD_HTTP_OK;
    job->content_type = HTML;
}

static enum MHD_Result serve_slot(request_t *request, int slot, const char *arg) {
    if (query(request, "as_of") || (slot == SLOT_BOARD && query(request, "problems")))
        return views_page(request, slot, arg); /* a permalink (ruled for it), or the board's problems only */
    bool fragment = wants_fragment(request);
    snapshot_t *snapshot = snapshot_acquire(request->server);
    const buffer_t *page = snapshot_page(snapshot, slot, fragment);
    if (page) return respond_snapshot(request, snapshot, page, HTML);
    job_t *job = job_new(render_cached);
    job->snapshot = snapshot, job->slot = slot, job->fragment = fragment;
    return respond_later(request, job);
}

enum MHD_Result page_fixed(request_t *request) {
    int slot = !strcmp(request->url, "/map") ? SLOT_MAP : !strcmp(request->url, "/timeline") ? SLOT_TIMELINE
             : !strcmp(request->url, "/report") ? SLOT_REPORT : SLOT_BOARD;
    return serve_slot(request, slot, NULL);
}

enum MHD_Result page_point(request_t *request) {
    const char *label = request->url + strlen("/point/");
    int point = agreement_point(request->server->agreement, text_of(label));
    if (point < 0) return page_not_found(request, label);
    return serve_slot(request, SLOT_FIRST_POINT + point, label);
}

enum MHD_Result page_evidence(request_t *request) {
    const char *key = request->url + strlen("/evidence/");
    if (strlen(key) >= sizeof ((job_t *)0)->arg) return page_not_found(request, "(a key too long)");
    return views_page(request, SLOT_EVIDENCE, key);
}

enum MHD_Result page_asset(request_t *request) {
    buffer_t body = {0};
    bool css = strstr(request->url, ".css") != NULL;
    if (css) dashboard_stylesheet(&body);
    else dashboard_script(&body);
    return respond(request, MHD_HTTP_OK, css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8", &body);
}

/* The dashboard's evidence callback, on the writer thread: the stored bytes,
 * the inclusion proof against the latest signed head, the signature check. */
bool pages_evidence(void *context, const char *key, dashboard_evidence_t *out) {
    server_t *server = context;
    const char *slash = strchr(key, '/');
    uint64_t index;
    bool found = false;
    char error[LEDGER_ERROR_SIZE];
    if (!slash) return false;
    text_t source = {key, (size_t)(slash - key)};
    if (!ledger_find(server->ledger, source, text_of(slash + 1), &index, &found, error, sizeof error) || !found) return false;
    if (!ledger_entry(server->ledger, index, &out->report_json, error, sizeof error)) return false;
    ledger_tree_head_t head;
    if (server_latest_head(server, &head) && index < head.tree_size) {
        ledger_inclusion_proof_t *proof = xmalloc(sizeof *proof);
        if (ledger_prove_inclusion(server->ledger, index, head.tree_size, proof, error, sizeof error))
            ledger_inclusion_to_json(proof, &out->proof_json);
        free(proof);
    }
    buffer_t scratch = {0};
    if (jcs_parse(server->doc, out->report_json.data, out->report_json.len, error, sizeof error)) {
        out->signature_checked = true;
        out->signature = ledger_verify_report(server->doc, server->registry, &scratch, out->signature_note,
                                              sizeof out->signature_note);
    }
    buffer_free(&scratch);
    return true;
}
