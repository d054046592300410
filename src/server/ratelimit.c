/* ratelimit: one token bucket per source, so that a flood from one source is
 * refused report by report ("rate limited") while the others proceed. The
 * buckets are indexed by the agreement's source index. */
#include <stdlib.h>

#include "server/server_internal.h"

typedef struct {
    double tokens;
    double updated;            /* monotonic seconds */
} bucket_t;

struct rate_limiter {
    pthread_mutex_t lock;
    double per_second, burst;
    int count;
    bucket_t *buckets;
};

rate_limiter_t *rate_limiter_new(int sources, double per_second, double burst) {
    rate_limiter_t *limiter = xcalloc(1, sizeof *limiter);
    pthread_mutex_init(&limiter->lock, NULL);
    limiter->per_second = per_second;
    limiter->burst = burst < 1 ? 1 : burst;
    limiter->count = sources;
    limiter->buckets = xcalloc((size_t)(sources > 0 ? sources : 1), sizeof *limiter->buckets);
    double now = monotonic_seconds();
    for (int i = 0; i < sources; i++) limiter->buckets[i] = (bucket_t){limiter->burst, now};
    return limiter;
}

void rate_limiter_free(rate_limiter_t *limiter) {
    if (!limiter) return;
    pthread_mutex_destroy(&limiter->lock);
    free(limiter->buckets);
    free(limiter);
}

bool rate_limiter_take(rate_limiter_t *limiter, int source) {
    if (limiter->per_second <= 0 || source < 0 || source >= limiter->count) return true;
    double now = monotonic_seconds();
    pthread_mutex_lock(&limiter->lock);
    bucket_t *b = &limiter->buckets[source];
    b->tokens += (now - b->updated) * limiter->per_second;
    if (b->tokens > limiter->burst) b->tokens = limiter->burst;
    b->updated = now;
    bool allowed = b->tokens >= 1;
    if (allowed) b->tokens -= 1;
    pthread_mutex_unlock(&limiter->lock);
    return allowed;
}
