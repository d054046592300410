/* webhook: tells each --webhook URL of every change of a ruling's status, at
 * least once. Changes go to an outbox in an SQLite file next to the log
 * (LOG.outbox), with the last status notified per ruling, so that they
 * survive restarts; a delivery thread POSTs them with libcurl, oldest first
 * per URL, retrying with exponential backoff. Receivers deduplicate by id. */
#include <curl/curl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/server_internal.h"

#define MAX_BACKOFF_MS (5 * 60 * 1000)

typedef struct notice notice_t;
struct notice {
    notice_t *next;
    char id[128], point[64], party[32], status[32];
    buffer_t body;
};

struct webhooks {
    server_t *server;
    sqlite3 *db;                          /* the delivery thread's, once started */
    CURL *curl;
    pthread_t thread;
    bool running;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
    notice_t *head, *tail;
    int *last;                            /* writer side: last status queued per ruling, -1 none */
    int ruling_slots;
};

static const char SCHEMA[] =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS outbox(seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL, url TEXT NOT NULL,"
    " body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_ms INTEGER NOT NULL, delivered_ms INTEGER,"
    " last_error TEXT, UNIQUE(event_id, url));"
    "CREATE TABLE IF NOT EXISTS ruling_state(point TEXT NOT NULL, party TEXT NOT NULL, status TEXT NOT NULL,"
    " PRIMARY KEY(point, party));";

/* Per point: the declaratory ruling, one per party, then the unattributed one. */
static int slot_of(const agreement_t *a, int point, int party) {
    return point * (a->party_count + 2) + (party == RULING_UNATTRIBUTED ? a->party_count + 1 : party + 1);
}

static const char *party_code(const agreement_t *a, int party) { return export_party_name(a, party); }

static int status_of(const char *name) {
    for (int s = 0; s <= STATUS_VIOLATED; s++)
        if (!strcmp(status_name((status_t)s), name)) return s;
    return -1;
}

/* ------------------------------------------------------------ the outbox */

static bool exec(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK; }

/* Loads the statuses last notified; false when there are none yet. */
static bool load_state(webhooks_t *hooks) {
    const agreement_t *a = hooks->server->agreement;
    sqlite3_stmt *s;
    bool any = false;
    if (sqlite3_prepare_v2(hooks->db, "SELECT point, party, status FROM ruling_state", -1, &s, NULL) != SQLITE_OK) return false;
    while (sqlite3_step(s) == SQLITE_ROW) {
        int point = agreement_point(a, text_of((const char *)sqlite3_column_text(s, 0)));
        const char *party_text = (const char *)sqlite3_column_text(s, 1);
        int party = !strcmp(party_text, "all") ? -1 : !strcmp(party_text, "unattributed") ? RULING_UNATTRIBUTED
                                                     : agreement_party(a, text_of(party_text));
        any = true;
        if (point >= 0 && (party >= 0 || party == RULING_UNATTRIBUTED || !strcmp(party_text, "all")))
            hooks->last[slot_of(a, point, party)] = status_of((const char *)sqlite3_column_text(s, 2));
    }
    sqlite3_finalize(s);
    return any;
}

static void save_state(sqlite3 *db, const char *point, const char *party, const char *status) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO ruling_state(point, party, status) VALUES (?, ?, ?)", -1, &s,
                           NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(s, 1, point, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, party, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, status, -1, SQLITE_STATIC);
    sqlite3_step(s);
    sqlite3_finalize(s);
}

static void queue_delivery(webhooks_t *hooks, const notice_t *n, const char *url) {
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(hooks->db, "INSERT OR IGNORE INTO outbox(event_id, url, body, next_ms) VALUES (?, ?, ?, ?)", -1,
                           &s, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(s, 1, n->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, url, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, n->body.data, (int)n->body.len, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, wall_clock_ms());
    sqlite3_step(s);
    sqlite3_finalize(s);
}

/* Persists queued notices (one transaction) and frees them. */
static void persist(webhooks_t *hooks, notice_t *notices) {
    exec(hooks->db, "BEGIN IMMEDIATE");
    for (notice_t *n = notices; n; n = n->next) {
        for (int u = 0; u < hooks->server->options.webhook_count; u++) queue_delivery(hooks, n, hooks->server->options.webhooks[u]);
        save_state(hooks->db, n->point, n->party, n->status);
    }
    if (!exec(hooks->db, "COMMIT")) {
        fprintf(stderr, "truce: error: webhook outbox: %s\n", sqlite3_errmsg(hooks->db));
        exec(hooks->db, "ROLLBACK");
    }
    for (notice_t *n = notices, *next; n; n = next) {
        next = n->next;
        buffer_free(&n->body);
        free(n);
    }
}

/* ------------------------------------------------------------ delivery */

static bool post(webhooks_t *hooks, const char *url, const char *id, const char *body, char *error, size_t error_size) {
    char id_header[192];
    snprintf(id_header, sizeof id_header, "X-Truce-Event-Id: %s", id);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    headers = curl_slist_append(headers, id_header);
    CURL *c = hooks->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "truce-webhook/1");
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) snprintf(error, error_size, "%s", curl_easy_strerror(rc));
    else if (status < 200 || status > 299) snprintf(error, error_size, "HTTP %ld", status);
    return rc == CURLE_OK && status >= 200 && status <= 299;
}

static bool url_configured(const server_t *server, const char *url) {
    for (int u = 0; u < server->options.webhook_count; u++)
        if (!strcmp(server->options.webhooks[u], url)) return true;
    return false;
}

static void record_attempt(webhooks_t *hooks, sqlite3_int64 seq, int attempts, bool delivered, const char *error) {
    sqlite3_stmt *s;
    time_ms_t now = wall_clock_ms();
    int64_t backoff = (int64_t)hooks->server->options.webhook_retry_ms << (attempts < 20 ? attempts : 20);
    if (backoff > MAX_BACKOFF_MS) backoff = MAX_BACKOFF_MS;
    if (sqlite3_prepare_v2(hooks->db, "UPDATE outbox SET attempts = ?, next_ms = ?, delivered_ms = ?, last_error = ? WHERE seq = ?",
                           -1, &s, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int(s, 1, attempts + 1);
    sqlite3_bind_int64(s, 2, now + backoff);
    if (delivered) sqlite3_bind_int64(s, 3, now);
    else sqlite3_bind_null(s, 3);
    sqlite3_bind_text(s, 4, delivered ? NULL : error, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 5, seq);
    sqlite3_step(s);
    sqlite3_finalize(s);
}

/* Delivers the oldest due notice of each URL once; true when any was tried. */
static bool deliver_round(webhooks_t *hooks) {
    static const char SQL[] =
        "SELECT seq, event_id, url, body, attempts FROM outbox WHERE seq IN (SELECT MIN(seq) FROM outbox"
        " WHERE delivered_ms IS NULL GROUP BY url) AND next_ms <= ? ORDER BY seq";
    sqlite3_stmt *s;
    bool tried = false;
    if (sqlite3_prepare_v2(hooks->db, SQL, -1, &s, NULL) != SQLITE_OK) return false;
    sqlite3_bind_int64(s, 1, wall_clock_ms());
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *url = (const char *)sqlite3_column_text(s, 2);
        if (!url_configured(hooks->server, url)) continue;
        char error[CURL_ERROR_SIZE + 32] = "";
        int attempts = sqlite3_column_int(s, 4);
        bool ok = post(hooks, url, (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 3), error,
                       sizeof error);
        atomic_fetch_add(ok ? &hooks->server->metrics.webhooks_delivered : &hooks->server->metrics.webhook_failures, 1);
        record_attempt(hooks, sqlite3_column_int64(s, 0), attempts, ok, error);
        tried = true;
    }
    sqlite3_finalize(s);
    return tried;
}

/* Milliseconds until the next retry is due (capped at a second). */
static int64_t next_due_ms(webhooks_t *hooks) {
    sqlite3_stmt *s;
    int64_t wait = 1000;
    if (sqlite3_prepare_v2(hooks->db, "SELECT MIN(next_ms) FROM outbox WHERE delivered_ms IS NULL", -1, &s, NULL) != SQLITE_OK)
        return wait;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
        int64_t due = sqlite3_column_int64(s, 0) - wall_clock_ms();
        if (due < wait) wait = due < 1 ? 1 : due;
    }
    sqlite3_finalize(s);
    return wait;
}

static notice_t *take_notices(webhooks_t *hooks, bool *stop) {
    int64_t wait = next_due_ms(hooks);
    pthread_mutex_lock(&hooks->lock);
    if (!hooks->head && !hooks->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += wait / 1000;
        until.tv_nsec += (wait % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&hooks->wake, &hooks->lock, &until);
    }
    notice_t *notices = hooks->head;
    hooks->head = hooks->tail = NULL;
    *stop = hooks->stopping;
    pthread_mutex_unlock(&hooks->lock);
    return notices;
}

static void *deliver_main(void *context) {
    webhooks_t *hooks = context;
    for (bool stop = false; !stop;) {
        notice_t *notices = take_notices(hooks, &stop);
        if (notices) persist(hooks, notices);
        while (!stop && deliver_round(hooks)) {
            pthread_mutex_lock(&hooks->lock);
            bool more = hooks->head || hooks->stopping;
            pthread_mutex_unlock(&hooks->lock);
            if (more) break;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------ the writer's side */

static notice_t *make_notice(const server_t *server, const ruling_t *r, int from, uint64_t tree_size) {
    const agreement_t *a = server->agreement;
    notice_t *n = xcalloc(1, sizeof *n);
    const char *label = a->points[r->point].label, *party = party_code(a, r->party), *to = status_name(r->status);
    snprintf(n->point, sizeof n->point, "%s", label);
    snprintf(n->party, sizeof n->party, "%s", party);
    snprintf(n->status, sizeof n->status, "%s", to);
    snprintf(n->id, sizeof n->id, "%llu:%s:%s:%s", (unsigned long long)tree_size, label, party, to);
    for (char *c = n->id; *c; c++) if (*c == ' ') *c = '-';
    buffer_t *b = &n->body;
    buffer_puts(b, "{\"id\":");
    buffer_json_string(b, n->id, strlen(n->id));
    buffer_puts(b, ",\"agreement\":");
    buffer_json_string(b, a->name ? a->name : "", a->name ? strlen(a->name) : 0);
    buffer_puts(b, ",\"point\":");
    buffer_json_string(b, label, strlen(label));
    buffer_printf(b, ",\"party\":\"%s\",\"from\":", party);
    if (from >= 0) buffer_printf(b, "\"%s\"", status_name((status_t)from));
    else buffer_puts(b, "null");
    buffer_printf(b, ",\"to\":\"%s\",\"ruling\":", to);
    ruling_write_json(r, a, b);
    buffer_printf(b, ",\"tree_size\":%llu}", (unsigned long long)tree_size);
    return n;
}

void webhooks_notify(webhooks_t *hooks, const rulings_t *rulings, uint64_t tree_size) {
    const agreement_t *a = hooks->server->agreement;
    notice_t *first = NULL, **end = &first;
    for (int i = 0; i < rulings->count; i++) {
        const ruling_t *r = &rulings->items[i];
        int slot = slot_of(a, r->point, r->party);
        if (hooks->last[slot] == (int)r->status) continue;
        *end = make_notice(hooks->server, r, hooks->last[slot], tree_size);
        end = &(*end)->next;
        hooks->last[slot] = (int)r->status;
    }
    if (!first) return;
    pthread_mutex_lock(&hooks->lock);
    if (hooks->tail) hooks->tail->next = first;
    else hooks->head = first;
    for (hooks->tail = first; hooks->tail->next;) hooks->tail = hooks->tail->next;
    pthread_cond_signal(&hooks->wake);
    pthread_mutex_unlock(&hooks->lock);
}

/* First start: the current rulings are the baseline, nothing is notified. */
static void save_baseline(webhooks_t *hooks, const rulings_t *rulings) {
    const agreement_t *a = hooks->server->agreement;
    exec(hooks->db, "BEGIN IMMEDIATE");
    for (int i = 0; i < rulings->count; i++) {
        const ruling_t *r = &rulings->items[i];
        hooks->last[slot_of(a, r->point, r->party)] = (int)r->status;
        save_state(hooks->db, a->points[r->point].label, party_code(a, r->party), status_name(r->status));
    }
    exec(hooks->db, "COMMIT");
}

static bool open_outbox(webhooks_t *hooks, char *error, size_t error_size) {
    char path[4096];
    snprintf(path, sizeof path, "%s.outbox", hooks->server->options.log_path);
    if (sqlite3_open_v2(path, &hooks->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK
        || !exec(hooks->db, SCHEMA)) {
        snprintf(error, error_size, "%s: %s", path, hooks->db ? sqlite3_errmsg(hooks->db) : "cannot open");
        return false;
    }
    sqlite3_busy_timeout(hooks->db, 5000);
    return true;
}

static void webhooks_free(webhooks_t *hooks) {
    sqlite3_close(hooks->db);
    if (hooks->curl) curl_easy_cleanup(hooks->curl);
    for (notice_t *n = hooks->head, *next; n; n = next) {
        next = n->next;
        buffer_free(&n->body);
        free(n);
    }
    pthread_mutex_destroy(&hooks->lock);
    pthread_cond_destroy(&hooks->wake);
    free(hooks->last);
    free(hooks);
}

webhooks_t *webhooks_start(server_t *server, char *error, size_t error_size) {
    webhooks_t *hooks = xcalloc(1, sizeof *hooks);
    hooks->server = server;
    pthread_mutex_init(&hooks->lock, NULL);
    monotonic_cond_init(&hooks->wake);
    const agreement_t *a = server->agreement;
    hooks->ruling_slots = a->point_count * (a->party_count + 2);
    hooks->last = xmalloc(sizeof *hooks->last * (size_t)hooks->ruling_slots);
    for (int i = 0; i < hooks->ruling_slots; i++) hooks->last[i] = -1;
    if (!open_outbox(hooks, error, error_size) || !(hooks->curl = curl_easy_init())) {
        if (!*error) snprintf(error, error_size, "cannot start libcurl");
        webhooks_free(hooks);
        return NULL;
    }
    snapshot_t *current = snapshot_acquire(server);
    if (load_state(hooks)) webhooks_notify(hooks, current->rulings, atomic_load(&server->tree_size));
    else save_baseline(hooks, current->rulings);
    snapshot_release(current);
    hooks->running = pthread_create(&hooks->thread, NULL, deliver_main, hooks) == 0;
    return hooks;
}

void webhooks_stop(webhooks_t *hooks) {
    if (!hooks) return;
    pthread_mutex_lock(&hooks->lock);
    hooks->stopping = true;
    pthread_cond_signal(&hooks->wake);
    pthread_mutex_unlock(&hooks->lock);
    if (hooks->running) pthread_join(hooks->thread, NULL);
    webhooks_free(hooks);
}
