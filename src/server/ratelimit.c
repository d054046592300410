/* ratelimit: token buckets. One per source, so that a flood from one source
 * is refused report by report ("rate limited") while the others proceed; and
 * one per client address for unverified work (reports that did not verify as
 * new ones: bad signatures, replays of logged entries), so that a hostile
 * client can spend only its own budget, never a source's. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "server/server_internal.h"

#define CLIENT_SLOTS 4096     /* client addresses remembered at once */
#define CLIENT_PROBE 8        /* slots looked at per address before evicting */

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

/* Refills b for the time passed since its last use. */
static void bucket_refill(bucket_t *b, double now, double per_second, double burst) {
    b->tokens += (now - b->updated) * per_second;
    if (b->tokens > burst) b->tokens = burst;
    b->updated = now;
}

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
    bucket_refill(b, now, limiter->per_second, limiter->burst);
    bool allowed = b->tokens >= 1;
    if (allowed) b->tokens -= 1;
    pthread_mutex_unlock(&limiter->lock);
    return allowed;
}

/* ------------------------------------------------------------ per client */

typedef struct {
    uint32_t address;          /* IPv4, host order; 0: free slot */
    bucket_t bucket;
} client_slot_t;

struct client_limiter {
    pthread_mutex_t lock;
    double per_second, burst;
    uint8_t hash_key[crypto_shorthash_KEYBYTES];   /* random: nobody can aim at a slot */
    client_slot_t slots[CLIENT_SLOTS];
};

client_limiter_t *client_limiter_new(double per_second, double burst) {
    client_limiter_t *limiter = xcalloc(1, sizeof *limiter);
    pthread_mutex_init(&limiter->lock, NULL);
    limiter->per_second = per_second;
    limiter->burst = burst < 1 ? 1 : burst;
    randombytes_buf(limiter->hash_key, sizeof limiter->hash_key);
    return limiter;
}

void client_limiter_free(client_limiter_t *limiter) {
    if (!limiter) return;
    pthread_mutex_destroy(&limiter->lock);
    free(limiter);
}

/* The address's bucket, refilled. When the table is full around the
 * address's place, the slot with the most tokens (the longest idle) is
 * given to it: a forgotten client starts again with a full bucket, which
 * costs at most one burst, while an active attacker keeps its empty one. */
static bucket_t *client_bucket(client_limiter_t *limiter, uint32_t address, double now) {
    uint8_t hash[crypto_shorthash_BYTES];
    crypto_shorthash(hash, (const uint8_t *)&address, sizeof address, limiter->hash_key);
    uint32_t start;
    memcpy(&start, hash, sizeof start);
    client_slot_t *chosen = NULL;
    double fullest = -1;
    for (uint32_t i = 0; i < CLIENT_PROBE; i++) {
        client_slot_t *slot = &limiter->slots[(start + i) % CLIENT_SLOTS];
        if (slot->address == address && slot->bucket.updated > 0) {
            bucket_refill(&slot->bucket, now, limiter->per_second, limiter->burst);
            return &slot->bucket;
        }
        double tokens = slot->bucket.updated == 0 ? 1e300
                      : slot->bucket.tokens + (now - slot->bucket.updated) * limiter->per_second;
        if (tokens > fullest) fullest = tokens, chosen = slot;
    }
    chosen->address = address;
    chosen->bucket = (bucket_t){limiter->burst, now};
    return &chosen->bucket;
}

/* Runs one of the three operations below under the lock. */
typedef enum { CLIENT_HAS, CLIENT_TAKE, CLIENT_REFUND } client_op_t;

static bool client_do(client_limiter_t *limiter, uint32_t address, client_op_t op) {
    if (limiter->per_second <= 0) return true;
    pthread_mutex_lock(&limiter->lock);
    bucket_t *b = client_bucket(limiter, address, monotonic_seconds());
    bool allowed = b->tokens >= 1;
    if (op == CLIENT_TAKE && allowed) b->tokens -= 1;
    if (op == CLIENT_REFUND && b->tokens + 1 <= limiter->burst) b->tokens += 1;
    pthread_mutex_unlock(&limiter->lock);
    return allowed;
}

bool client_limiter_has(client_limiter_t *limiter, uint32_t address) { return client_do(limiter, address, CLIENT_HAS); }
bool client_limiter_take(client_limiter_t *limiter, uint32_t address) { return client_do(limiter, address, CLIENT_TAKE); }
void client_limiter_refund(client_limiter_t *limiter, uint32_t address) { client_do(limiter, address, CLIENT_REFUND); }
