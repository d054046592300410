/* views: the pages and downloads rendered per request on the writer thread
 * (the only one that may read the engine): any page as of another time
 * (?as_of=, a permalink), evidence pages, the incidents page with its
 * filters, and the CSV and GeoJSON downloads — the same bytes as
 * `truce incidents` gives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"

#define HTML "text/html; charset=utf-8"

static bool parse_time_or_date(const char *text, time_ms_t *out) {
    size_t len = strlen(text);
    return time_parse_rfc3339(text, len, out) || time_parse_date(text, len, out);
}

/* ?as_of=TIME into the job; false when malformed. */
static bool take_as_of(request_t *request, job_t *job) {
    const char *as_of = query(request, "as_of");
    job->as_of = TIME_NONE;
    if (!as_of || !*as_of) return true;
    if (strlen(as_of) >= sizeof job->as_of_text || !parse_time_or_date(as_of, &job->as_of)) return false;
    char canonical[32];
    time_format(job->as_of, canonical);
    snprintf(job->as_of_text, sizeof job->as_of_text, "%s", canonical);
    return true;
}

static bool wants_fragment(request_t *request) {
    const char *value = MHD_lookup_connection_value(request->connection, MHD_HEADER_KIND, "X-Truce-Fragment");
    return value && !strcmp(value, "1");
}

/* ------------------------------------------------------------ rendering */

/* The view for a job: the snapshot's, or ruled afresh at ?as_of=. The
 * caller frees *own_rulings and *own_incidents (NULL when borrowed). */
static void job_view(server_t *server, job_t *job, dashboard_view_t *view, rulings_t **own_rulings,
                     incidents_t **own_incidents, bool with_incidents) {
    snapshot_view(server, job->snapshot, view);
    *own_rulings = NULL;
    *own_incidents = NULL;
    if (job->as_of != TIME_NONE) {
        *own_rulings = engine_rule(server->engine, job->as_of);
        view->rulings = *own_rulings;
        view->as_of_query = job->as_of_text;
        view->changes = NULL; /* the log of changes is of now */
        view->change_count = 0;
    }
    if (!with_incidents) return;
    if (job->as_of != TIME_NONE) view->incidents = *own_incidents = engine_incidents(server->engine, job->as_of);
    else view->incidents = snapshot_incidents(server, job->snapshot);
}

static void render_download(server_t *server, job_t *job, const dashboard_view_t *view) {
    const agreement_t *a = server->agreement;
    const incidents_t *list = view->incidents;
    bool csv = job->slot == SLOT_INCIDENTS_CSV;
    if (job->slot == SLOT_RULINGS_CSV) {
        export_rulings_csv(&job->body, a, view->rulings);
        job->content_type = "text/csv; charset=utf-8";
        return;
    }
    if (csv) export_incidents_csv_header(&job->body);
    else export_geojson_open(&job->body);
    bool first = true;
    for (size_t i = 0; i < list->count; i++) {
        if (!incident_matches(a, &job->incidents.filter, &list->items[i])) continue;
        if (csv) export_incident_csv(&job->body, a, &list->items[i]);
        else export_geojson_feature(&job->body, a, &list->items[i], first);
        first = false;
    }
    if (!csv) export_geojson_close(&job->body);
    job->content_type = csv ? "text/csv; charset=utf-8" : "application/geo+json";
}

static void render_view(server_t *server, job_t *job) {
    dashboard_view_t view;
    rulings_t *rulings;
    incidents_t *incidents;
    bool needs_incidents = job->slot == SLOT_EVIDENCE || job->slot == SLOT_INCIDENTS ||
                           job->slot == SLOT_INCIDENTS_CSV || job->slot == SLOT_INCIDENTS_GEOJSON;
    job_view(server, job, &view, &rulings, &incidents, needs_incidents);
    view.problems_only = job->problems_only;
    job->status = MHD_HTTP_OK;
    job->content_type = HTML;
    switch (job->slot) {
    case SLOT_BOARD: dashboard_board(&job->body, &view, job->fragment); break;
    case SLOT_MAP: dashboard_map(&job->body, &view, job->fragment); break;
    case SLOT_TIMELINE: dashboard_timeline(&job->body, &view, job->fragment); break;
    case SLOT_REPORT: dashboard_report(&job->body, &view, job->fragment); break;
    case SLOT_INCIDENTS: dashboard_incidents(&job->body, &view, view.incidents, &job->incidents, job->fragment); break;
    case SLOT_INCIDENTS_CSV:
    case SLOT_INCIDENTS_GEOJSON:
    case SLOT_RULINGS_CSV: render_download(server, job, &view); break;
    case SLOT_EVIDENCE:
        if (dashboard_evidence(&job->body, &view, job->arg, job->fragment)) break;
        job->status = MHD_HTTP_NOT_FOUND;
        dashboard_not_found(&job->body, &view, job->arg, job->fragment);
        break;
    default:
        if (!dashboard_point(&job->body, &view, job->arg, job->fragment)) {
            job->status = MHD_HTTP_NOT_FOUND;
            dashboard_not_found(&job->body, &view, job->arg, job->fragment);
        }
    }
    rulings_free(rulings);
    incidents_free(incidents);
}

static enum MHD_Result bad_as_of(request_t *request, job_t *job) {
    job_free(job);
    return respond_error(request, MHD_HTTP_BAD_REQUEST, "as_of: '%.40s' is not an RFC 3339 time or a YYYY-MM-DD date",
                         query(request, "as_of"));
}

static enum MHD_Result start(request_t *request, job_t *job) {
    job->snapshot = snapshot_acquire(request->server);
    job->fragment = wants_fragment(request);
    return respond_later(request, job);
}

enum MHD_Result views_page(request_t *request, int slot, const char *arg) {
    job_t *job = job_new(render_view);
    job->slot = slot;
    snprintf(job->arg, sizeof job->arg, "%s", arg ? arg : "");
    const char *problems = query(request, "problems");
    job->problems_only = problems && strcmp(problems, "0");
    if (!take_as_of(request, job)) return bad_as_of(request, job);
    return start(request, job);
}

/* ------------------------------------------------------------- incidents */

/* The incidents page's filters, from its query; NULL, or the name of the
 * parameter that is wrong. */
static const char *parse_selection(request_t *request, job_t *job) {
    const agreement_t *a = request->server->agreement;
    dashboard_incident_query_t *q = &job->incidents;
    *q = (dashboard_incident_query_t){.filter = incident_filter_any(), .days = daily_options_default()};
    const char *value;
    if ((value = query(request, "point")) && *value && (q->filter.point = agreement_point(a, text_of(value))) < 0)
        return "point";
    if ((value = query(request, "party")) && *value) {
        q->filter.party = !strcmp(value, "unattributed") ? RULING_UNATTRIBUTED : agreement_party(a, text_of(value));
        if (q->filter.party == -1) return "party";
    }
    if ((value = query(request, "standing")) && *value) {
        for (int s = 1; s < STANDING_COUNT; s++)
            if (!strcmp(value, standing_name((standing_t)s))) q->filter.standing = s;
        if (q->filter.standing < 0) return "standing";
    }
    if ((value = query(request, "zone")) && *value) {
        q->filter.zone = agreement_place(a, text_of(value));
        if (q->filter.zone < 0 || !a->places[q->filter.zone].zone) return "zone";
    }
    if ((value = query(request, "from")) && *value && !parse_time_or_date(value, &q->filter.from)) return "from";
    if ((value = query(request, "to")) && *value && !parse_time_or_date(value, &q->filter.to)) return "to";
    if ((value = query(request, "day_ends")) && *value) {
        if (strlen(value) >= sizeof job->day_ends || !daily_parse_day_end(value, &q->days)) return "day_ends";
        snprintf(job->day_ends, sizeof job->day_ends, "%s", value);
    }
    uint64_t page;
    if ((value = query(request, "page")) && *value) {
        if (!parse_uint(value, &page) || page < 1 || page > 100000000) return "page";
        q->page = (long)page - 1;
    }
    return NULL;
}

enum MHD_Result views_incidents(request_t *request) {
    job_t *job = job_new(render_view);
    job->slot = strstr(request->url, ".csv") ? SLOT_INCIDENTS_CSV : strstr(request->url, ".geojson") ? SLOT_INCIDENTS_GEOJSON
              : SLOT_INCIDENTS;
    const char *wrong = parse_selection(request, job);
    if (wrong) {
        job_free(job);
        return respond_error(request, MHD_HTTP_BAD_REQUEST, "%s: '%.60s' is not a known value", wrong, query(request, wrong));
    }
    if (job->day_ends[0]) job->incidents.day_ends = job->day_ends;
    if (!take_as_of(request, job)) return bad_as_of(request, job);
    return start(request, job);
}

enum MHD_Result views_rulings_csv(request_t *request) {
    if (!query(request, "as_of")) { /* now: straight from the snapshot, no writer needed */
        snapshot_t *snapshot = snapshot_acquire(request->server);
        buffer_t body = {0};
        export_rulings_csv(&body, request->server->agreement, snapshot->rulings);
        snapshot_release(snapshot);
        return respond(request, MHD_HTTP_OK, "text/csv; charset=utf-8", &body);
    }
    return views_page(request, SLOT_RULINGS_CSV, NULL);
}
