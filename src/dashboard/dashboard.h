/* dashboard: the monitoring council's web pages, rendered on the server as HTML
 * with inline SVG — the board, the map, the timeline, a page per point and per
 * report — plus the stylesheet and the small script that keeps them live.
 * Pure functions: each appends to a buffer_t and never prints or exits.
 *
 * What the server serves for it (DASHBOARD_LINKS_SERVER):
 *   /                      dashboard_board        /map       dashboard_map
 *   /timeline              dashboard_timeline     /point/L   dashboard_point (404: dashboard_not_found)
 *   /evidence/SOURCE/ID    dashboard_evidence (the key percent-encoded, but for ':' '/' '@')
 *   /incidents             dashboard_incidents    /report    dashboard_report
 *   /static/truce.css      dashboard_stylesheet   /static/truce.js   dashboard_script
 * Every page takes ?as_of=TIME (the rulings as of that time; links keep it).
 * A request with the header "X-Truce-Fragment: 1" gets fragment = true (send
 * "Vary: X-Truce-Fragment"). The script listens to /v1/events (server-sent
 * events; event "rulings" when a ruling changed, any data) and refetches the
 * page's <main>; if that fails it polls /v1/board every 10 s and refetches
 * when the response body changes. Rendering is thread-safe: no global state. */
#ifndef TRUCE_DASHBOARD_H
#define TRUCE_DASHBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "agreement/agreement.h"
#include "base/base.h"
#include "engine/engine.h"
#include "export/export.h"
#include "ledger/ledger.h"

/* What the server knows about one report, for the point and evidence pages.
 * The dashboard zero-fills it, the callback fills it, the dashboard frees the
 * two buffers. */
typedef struct {
    buffer_t report_json;      /* the report as stored in the log (its canonical bytes) */
    buffer_t proof_json;       /* its inclusion proof against the current tree head
                                  (docs/ledger.md); left empty when there is none */
    bool signature_checked;    /* false: the signature was not checked */
    signature_check_t signature;
    char signature_note[LEDGER_ERROR_SIZE]; /* the reason, when not valid */
    bool has_index;            /* the report's position in the log, for the downloads */
    uint64_t index;
} dashboard_evidence_t;

/* Looks up a report by its "source/id" key. Returns false when the server
 * does not hold it (the page then says so). */
typedef bool (*dashboard_evidence_fn)(void *context, const char *key, dashboard_evidence_t *out);

/* One change of a ruling, for the timeline's log of changes. */
typedef struct {
    time_ms_t time;            /* when the change was observed */
    int point, party;          /* party -1: all parties (declaratory) */
    status_t from, to;
    standing_t standing;       /* the standing after the change */
} dashboard_change_t;

/* How pages link to each other: to the server's routes (/point/21d,
 * /evidence/SOURCE/ID, /map...) or to the files of a static snapshot
 * (point-21d.html, evidence-SOURCE-ID.html, map.html...). */
typedef enum { DASHBOARD_LINKS_SERVER, DASHBOARD_LINKS_FILES } dashboard_links_t;

typedef struct {
    const agreement_t *agreement;      /* required */
    const rulings_t *rulings;          /* required; its as_of is the page's "as of" */
    const engine_t *engine;            /* for report positions on the map; NULL: no markers */
    bool has_tree_head;                /* the log's current signed head, when there is a log */
    uint64_t tree_size;
    const char *root_hex;              /* 64 hex digits, or NULL */
    const dashboard_change_t *changes; /* optional log of ruling changes, any order */
    int change_count;
    dashboard_evidence_fn evidence;    /* optional: without it, evidence is listed by key only */
    void *evidence_context;
    dashboard_links_t links;           /* DASHBOARD_LINKS_SERVER (0) by default */
    const incidents_t *incidents;      /* optional: every incident, for the evidence pages */
    const char *as_of_query;           /* optional "2026-03-01T00:00:00Z": a page ruled at that time;
                                          every link keeps it (?as_of=...) */
    bool problems_only;                /* the board lists only points with a finding (?problems=1) */
} dashboard_view_t;

/* The incidents page's request: which incidents, which page of them, how
 * days are counted. */
typedef struct {
    incident_filter_t filter;
    daily_options_t days;
    const char *day_ends;              /* as given ("19:30+02:00"), or NULL */
    long page;                         /* from 0; DASHBOARD_INCIDENTS_PER_PAGE a page */
} dashboard_incident_query_t;

#define DASHBOARD_INCIDENTS_PER_PAGE 100

/* Pages. Each appends a whole HTML document, or with fragment only its
 * <main> element (what the script swaps in on a live refresh, requested with
 * the header "X-Truce-Fragment: 1"). */

/* The board: overall implementation, every point x party, the findings. */
void dashboard_board(buffer_t *out, const dashboard_view_t *view, bool fragment);
/* The map of the agreement's own places: outlines, lines and zones (each
 * illustrative one labelled so), named places, and a marker for each located
 * report behind a violation; its extent fits the places. */
void dashboard_map(buffer_t *out, const dashboard_view_t *view, bool fragment);
/* Rulings by the time they took their status, grouped by month, and the log
 * of changes when the view has one. */
void dashboard_timeline(buffer_t *out, const dashboard_view_t *view, bool fragment);
/* One point: its words, rules, rulings and evidence with inclusion proofs.
 * Returns false, appending nothing, when the agreement has no such label. */
bool dashboard_point(buffer_t *out, const dashboard_view_t *view, const char *label, bool fragment);
/* One report ("source/id"): its fields, signature status and inclusion proof.
 * Returns false, appending nothing, when neither the engine nor the evidence
 * callback knows the key. */
bool dashboard_evidence(buffer_t *out, const dashboard_view_t *view, const char *key, bool fragment);
/* Every incident, filtered and paged, with the per-day counts as a chart and
 * links to download the same selection as CSV or GeoJSON. */
void dashboard_incidents(buffer_t *out, const dashboard_view_t *view, const incidents_t *incidents,
                         const dashboard_incident_query_t *query, bool fragment);
/* A printable council report: every point with its words, rulings, findings
 * and history, one section each. */
void dashboard_report(buffer_t *out, const dashboard_view_t *view, bool fragment);
/* A "not found" page naming what was asked for (for the server's 404s). */
void dashboard_not_found(buffer_t *out, const dashboard_view_t *view, const char *what, bool fragment);

/* The static assets, served at /static/truce.css and /static/truce.js. */
void dashboard_stylesheet(buffer_t *out);
void dashboard_script(buffer_t *out);

/* The pages, for links and for the file names of a static snapshot. */
typedef enum {
    DASHBOARD_PAGE_BOARD, DASHBOARD_PAGE_MAP, DASHBOARD_PAGE_TIMELINE, DASHBOARD_PAGE_POINT, DASHBOARD_PAGE_EVIDENCE,
    DASHBOARD_PAGE_INCIDENTS, DASHBOARD_PAGE_REPORT,
} dashboard_page_t;

/* Appends the file name of a page in a static snapshot: "index.html",
 * "map.html", "timeline.html", "point-21d.html", "evidence-party_3AUA_2Fua-0202.html"
 * (arg: the point label or evidence key; ignored for the others). */
void dashboard_snapshot_file(buffer_t *out, dashboard_page_t page, const char *arg);

/* Appends len bytes of s with & < > " ' escaped for HTML text and attribute
 * values. */
void dashboard_html_escape(buffer_t *out, const char *s, size_t len);

#endif
