/* metrics: counters the other files bump (reports by outcome and reason,
 * commits, rulings, events, webhooks, requests by status class, a latency
 * histogram) and their Prometheus text exposition for GET /metrics. */
#include <stdio.h>

#include "server/server_internal.h"

static const double LATENCY_BOUNDS[LATENCY_BUCKETS] = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
                                                        0.05,   0.1,   0.25,  0.5,   1.0,  2.5};

static const char *const REJECT_LABELS[REJECT_REASON_COUNT] = {
    "malformed_json", "invalid_report", "unsigned", "bad_signature", "unknown_source",
    "no_key", "rate_limited", "storage_failure", "client_rate_limited",
};

const char *reject_reason_label(reject_reason_t reason) { return REJECT_LABELS[reason]; }

void metrics_observe_request(metrics_t *metrics, unsigned status, double seconds) {
    unsigned class = status / 100;
    if (class < 6) atomic_fetch_add(&metrics->requests_by_class[class], 1);
    int bucket = 0;
    while (bucket < LATENCY_BUCKETS && seconds > LATENCY_BOUNDS[bucket]) bucket++;
    atomic_fetch_add(&metrics->latency_buckets[bucket], 1);
    atomic_fetch_add(&metrics->latency_count, 1);
    atomic_fetch_add(&metrics->latency_sum_us, (unsigned long)(seconds * 1e6));
}

static void counter(buffer_t *out, const char *name, const char *help, unsigned long value) {
    buffer_printf(out, "# HELP %s %s\n# TYPE %s counter\n%s %lu\n", name, help, name, name, value);
}

static void write_reports(const metrics_t *m, buffer_t *out) {
    buffer_puts(out, "# HELP truce_reports_total Reports submitted, by outcome (rejected: by reason).\n"
                     "# TYPE truce_reports_total counter\n");
    buffer_printf(out, "truce_reports_total{status=\"accepted\"} %lu\n", atomic_load(&m->accepted));
    buffer_printf(out, "truce_reports_total{status=\"duplicate\"} %lu\n", atomic_load(&m->duplicates));
    for (int r = 0; r < REJECT_REASON_COUNT; r++)
        buffer_printf(out, "truce_reports_total{status=\"rejected\",reason=\"%s\"} %lu\n", REJECT_LABELS[r],
                      atomic_load(&m->rejected[r]));
}

static void write_rulings(server_t *server, buffer_t *out) {
    snapshot_t *snapshot = snapshot_acquire(server);
    long by_status[STATUS_VIOLATED + 1] = {0};
    for (int i = 0; i < snapshot->rulings->count; i++) by_status[snapshot->rulings->items[i].status]++;
    buffer_puts(out, "# HELP truce_rulings Current rulings (point x party), by status.\n# TYPE truce_rulings gauge\n");
    for (int s = 0; s <= STATUS_VIOLATED; s++)
        buffer_printf(out, "truce_rulings{status=\"%s\"} %ld\n", status_name((status_t)s), by_status[s]);
    buffer_printf(out, "# HELP truce_implementation_percent Overall implementation.\n"
                       "# TYPE truce_implementation_percent gauge\ntruce_implementation_percent %.2f\n",
                  snapshot->rulings->implementation_percent);
    buffer_printf(out, "# HELP truce_rulings_generation Snapshots of the rulings published.\n"
                       "# TYPE truce_rulings_generation gauge\ntruce_rulings_generation %llu\n",
                  (unsigned long long)snapshot->generation);
    snapshot_release(snapshot);
}

static void write_latency(const metrics_t *m, buffer_t *out) {
    buffer_puts(out, "# HELP truce_http_request_duration_seconds HTTP request latency (event streams excluded).\n"
                     "# TYPE truce_http_request_duration_seconds histogram\n");
    unsigned long cumulative = 0;
    for (int b = 0; b <= LATENCY_BUCKETS; b++) {
        cumulative += atomic_load(&m->latency_buckets[b]);
        if (b < LATENCY_BUCKETS)
            buffer_printf(out, "truce_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n", LATENCY_BOUNDS[b], cumulative);
        else
            buffer_printf(out, "truce_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cumulative);
    }
    buffer_printf(out, "truce_http_request_duration_seconds_sum %.6f\ntruce_http_request_duration_seconds_count %lu\n",
                  (double)atomic_load(&m->latency_sum_us) / 1e6, atomic_load(&m->latency_count));
    buffer_puts(out, "# HELP truce_http_responses_total HTTP responses by status class.\n"
                     "# TYPE truce_http_responses_total counter\n");
    for (int c = 1; c < 6; c++)
        buffer_printf(out, "truce_http_responses_total{code=\"%dxx\"} %lu\n", c, atomic_load(&m->requests_by_class[c]));
}

void metrics_write(server_t *server, buffer_t *out) {
    metrics_t *m = &server->metrics;
    write_reports(m, out);
    write_rulings(server, out);
    write_latency(m, out);
    buffer_printf(out, "# HELP truce_log_entries Entries in the log.\n# TYPE truce_log_entries gauge\n"
                       "truce_log_entries %llu\n", (unsigned long long)atomic_load(&server->tree_size));
    counter(out, "truce_log_commits_total", "Group commits of submitted reports.", atomic_load(&m->commits));
    counter(out, "truce_rulings_computed_total", "Recomputations of the rulings.", atomic_load(&m->rulings_computed));
    counter(out, "truce_events_total", "Server-sent 'rulings' events broadcast.", atomic_load(&m->events_sent));
    counter(out, "truce_webhooks_delivered_total", "Webhook notifications delivered.", atomic_load(&m->webhooks_delivered));
    buffer_puts(out, "# HELP truce_connections_dropped_total Connections dropped for missing a deadline, by phase.\n"
                     "# TYPE truce_connections_dropped_total counter\n");
    buffer_printf(out, "truce_connections_dropped_total{phase=\"headers\"} %lu\n", atomic_load(&m->dropped[PHASE_HEADERS]));
    buffer_printf(out, "truce_connections_dropped_total{phase=\"body\"} %lu\n", atomic_load(&m->dropped[PHASE_BODY]));
    counter(out, "truce_bodies_refused_total", "Requests refused with 503: request bodies in memory at their cap.",
            atomic_load(&m->bodies_refused));
    counter(out, "truce_webhook_failures_total", "Webhook delivery attempts that failed.", atomic_load(&m->webhook_failures));
}
