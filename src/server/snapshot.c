/* snapshot: immutable, reference-counted copies of the rulings and of what
 * readers ask for most (rulings JSON Lines, the board JSON), published by the
 * writer when the rulings change; HTML pages are cached in it on first use. */
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"

static void write_board_point(buffer_t *out, const agreement_t *a, const rulings_t *rulings, int point) {
    const point_t *p = &a->points[point];
    buffer_puts(out, "{\"label\":");
    buffer_json_string(out, p->label, strlen(p->label));
    buffer_puts(out, ",\"title\":");
    if (p->title) buffer_json_string(out, p->title, strlen(p->title));
    else buffer_puts(out, "null");
    int score = rulings->point_scores ? rulings->point_scores[point] : -1;
    if (score >= 0) buffer_printf(out, ",\"score\":%d,\"rulings\":{", score);
    else buffer_puts(out, ",\"score\":null,\"rulings\":{");
    bool first = true;
    for (int i = 0; i < rulings->count; i++) {
        const ruling_t *r = &rulings->items[i];
        if (r->point != point) continue;
        const char *party = ruling_party_name(r, a);
        buffer_printf(out, "%s\"%s\":{\"status\":\"%s\",\"standing\":\"%s\",\"evidence\":%d}", first ? "" : ",",
                      party, status_name(r->status), standing_name(r->standing), r->evidence_count);
        first = false;
    }
    buffer_puts(out, "}}");
}

/* The board as JSON: points x parties, scores, implementation. */
static void write_board(buffer_t *out, const agreement_t *a, const rulings_t *rulings, uint64_t generation) {
    char as_of[32];
    buffer_puts(out, "{\"agreement\":");
    buffer_json_string(out, a->name ? a->name : "", a->name ? strlen(a->name) : 0);
    buffer_puts(out, ",\"as_of\":");
    if (rulings->as_of == TIME_NONE || rulings->as_of == TIME_BEGINNING) buffer_puts(out, "null");
    else buffer_printf(out, "\"%.*s\"", (int)time_format(rulings->as_of, as_of), as_of);
    buffer_printf(out, ",\"generation\":%llu,\"implementation_percent\":%.1f,\"parties\":[",
                  (unsigned long long)generation, rulings->implementation_percent);
    for (int i = 0; i < a->party_count; i++) buffer_printf(out, "%s\"%s\"", i ? "," : "", a->parties[i].code);
    buffer_puts(out, "],\"points\":[");
    for (int p = 0; p < a->point_count; p++) {
        if (p) buffer_puts(out, ",");
        write_board_point(out, a, rulings, p);
    }
    buffer_puts(out, "]}\n");
}

snapshot_t *snapshot_new(server_t *server, rulings_t *rulings, buffer_t *rulings_jsonl, uint64_t generation) {
    snapshot_t *s = xcalloc(1, sizeof *s);
    atomic_init(&s->references, 1);
    s->generation = generation;
    s->rulings = rulings;
    s->rulings_jsonl = *rulings_jsonl;
    *rulings_jsonl = (buffer_t){0};
    write_board(&s->board_json, server->agreement, rulings, generation);
    if (server->change_count) {
        s->changes = xmalloc(sizeof *s->changes * (size_t)server->change_count);
        memcpy(s->changes, server->changes, sizeof *s->changes * (size_t)server->change_count);
        s->change_count = server->change_count;
    }
    ledger_tree_head_t head;
    if ((s->has_head = server_latest_head(server, &head))) {
        s->head_size = head.tree_size;
        buffer_t hex = {0};
        ledger_hex_append(head.root, LEDGER_HASH_SIZE, &hex);
        memcpy(s->root_hex, hex.data, sizeof s->root_hex - 1);
        buffer_free(&hex);
    }
    pthread_mutex_init(&s->pages_lock, NULL);
    s->slot_count = SLOT_FIRST_POINT + server->agreement->point_count;
    s->pages = xcalloc((size_t)s->slot_count * 2, sizeof *s->pages);
    s->ready = xcalloc((size_t)s->slot_count * 2, sizeof *s->ready);
    return s;
}

static void snapshot_free(snapshot_t *s) {
    rulings_free(s->rulings);
    incidents_free(s->incidents);
    buffer_free(&s->rulings_jsonl);
    buffer_free(&s->board_json);
    free(s->changes);
    for (int i = 0; i < s->slot_count * 2; i++) buffer_free(&s->pages[i]);
    free(s->pages);
    free(s->ready);
    pthread_mutex_destroy(&s->pages_lock);
    free(s);
}

snapshot_t *snapshot_acquire(server_t *server) {
    pthread_mutex_lock(&server->snapshot_lock);
    snapshot_t *s = server->snapshot;
    atomic_fetch_add(&s->references, 1);
    pthread_mutex_unlock(&server->snapshot_lock);
    return s;
}

void snapshot_release(snapshot_t *s) {
    if (s && atomic_fetch_sub(&s->references, 1) == 1) snapshot_free(s);
}

void snapshot_publish(server_t *server, snapshot_t *s) {
    pthread_mutex_lock(&server->snapshot_lock);
    snapshot_t *old = server->snapshot;
    server->snapshot = s;
    pthread_mutex_unlock(&server->snapshot_lock);
    snapshot_release(old);
}

const buffer_t *snapshot_page(snapshot_t *s, int slot, bool fragment) {
    int i = slot * 2 + fragment;
    pthread_mutex_lock(&s->pages_lock);
    const buffer_t *page = s->ready[i] ? &s->pages[i] : NULL;
    pthread_mutex_unlock(&s->pages_lock);
    return page;
}

void snapshot_view(server_t *server, const snapshot_t *s, dashboard_view_t *view) {
    *view = (dashboard_view_t){
        .agreement = server->agreement, .rulings = s->rulings, .engine = server->engine,
        .has_tree_head = s->has_head, .tree_size = s->head_size, .root_hex = s->has_head ? s->root_hex : NULL,
        .changes = s->changes, .change_count = s->change_count, .evidence = pages_evidence,
        .evidence_context = server, .links = DASHBOARD_LINKS_SERVER};
}

const incidents_t *snapshot_incidents(server_t *server, snapshot_t *s) {
    pthread_mutex_lock(&s->pages_lock);
    bool ready = s->incidents != NULL;
    pthread_mutex_unlock(&s->pages_lock);
    if (ready) return s->incidents; /* only the writer sets it, once */
    incidents_t *made = engine_incidents(server->engine, s->rulings->as_of);
    pthread_mutex_lock(&s->pages_lock);
    s->incidents = made;
    pthread_mutex_unlock(&s->pages_lock);
    return made;
}

void snapshot_render_page(server_t *server, snapshot_t *s, int slot, bool fragment) {
    if (slot < 0 || slot >= s->slot_count || snapshot_page(s, slot, fragment)) return;
    dashboard_view_t view;
    snapshot_view(server, s, &view);
    buffer_t page = {0};
    switch (slot) {
    case SLOT_BOARD: dashboard_board(&page, &view, fragment); break;
    case SLOT_MAP: dashboard_map(&page, &view, fragment); break;
    case SLOT_TIMELINE: dashboard_timeline(&page, &view, fragment); break;
    case SLOT_REPORT: dashboard_report(&page, &view, fragment); break;
    default: dashboard_point(&page, &view, server->agreement->points[slot - SLOT_FIRST_POINT].label, fragment);
    }
    pthread_mutex_lock(&s->pages_lock);
    s->pages[slot * 2 + fragment] = page;
    s->ready[slot * 2 + fragment] = true;
    pthread_mutex_unlock(&s->pages_lock);
}
