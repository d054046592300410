/* tlog: tiles (c2sp.org/tlog-tiles) — the log as a finite set of immutable
 * files any web server, CDN or mirror can serve: paths, which tiles a tree
 * has, reading them from the store, and the root of a tree from its tiles. */
#include <stdio.h>
#include <string.h>

#include "tlog/tlog.h"

/* Leaves under one hash of a tile at level (256^level), or 0 when beyond 64 bits. */
static uint64_t span(int level) {
    return level >= 8 ? 0 : (uint64_t)1 << (8 * (level < 0 ? 0 : level));
}

bool tlog_tile_parse(const char *path, tlog_tile_t *tile) {
    memset(tile, 0, sizeof *tile);
    const char *p = path;
    if (!strncmp(p, "entries/", 8)) {
        tile->level = TLOG_ENTRIES_LEVEL;
        p += 8;
    } else {
        if (p[0] < '0' || p[0] > '9') return false;
        int level = 0, digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 3) level = level * 10 + (*p++ - '0'), digits++;
        if (*p != '/' || (digits > 1 && path[0] == '0') || level > 63) return false;
        tile->level = level;
        p++;
    }
    /* N: "xDDD/" groups, then "DDD". */
    uint64_t index = 0;
    for (int groups = 0;; groups++) {
        bool more = *p == 'x';
        if (more) p++;
        if (groups > 6) return false;   /* 2^64 has 20 digits: at most 7 groups */
        unsigned group = 0;
        for (int i = 0; i < 3; i++, p++) {
            if (*p < '0' || *p > '9') return false;
            group = group * 10 + (unsigned)(*p - '0');
        }
        if (index > (UINT64_MAX - group) / 1000) return false;
        index = index * 1000 + group;
        if (!more) break;
        if (*p++ != '/') return false;
    }
    tile->index = index;
    tile->width = TLOG_TILE_WIDTH;
    if (*p == '\0') return true;
    if (strncmp(p, ".p/", 3) != 0 || p[3] < '1' || p[3] > '9') return false;
    unsigned width = 0;
    for (p += 3; *p >= '0' && *p <= '9' && width < 1000; p++) width = width * 10 + (unsigned)(*p - '0');
    if (*p != '\0' || width == 0 || width >= TLOG_TILE_WIDTH) return false;
    tile->width = width;
    return true;
}

void tlog_tile_path(const tlog_tile_t *tile, buffer_t *out) {
    if (tile->level == TLOG_ENTRIES_LEVEL) buffer_puts(out, "tile/entries/");
    else buffer_printf(out, "tile/%d/", tile->level);
    unsigned groups[8];
    int count = 0;
    uint64_t n = tile->index;
    do groups[count++] = (unsigned)(n % 1000), n /= 1000;
    while (n);
    for (int i = count - 1; i >= 0; i--) buffer_printf(out, i ? "x%03u/" : "%03u", groups[i]);
    if (tile->width < TLOG_TILE_WIDTH) buffer_printf(out, ".p/%u", tile->width);
}

/* Hashes at the tile's level in a tree of size tree_size. */
static uint64_t level_count(int level, uint64_t tree_size) {
    uint64_t leaves = span(level);
    return leaves ? tree_size / leaves : 0;
}

bool tlog_tile_within(const tlog_tile_t *tile, uint64_t tree_size) {
    uint64_t count = level_count(tile->level, tree_size);
    if (tile->index > count / TLOG_TILE_WIDTH) return false;
    return tile->index * TLOG_TILE_WIDTH + tile->width <= count;
}

bool tlog_tiles_of(uint64_t from_size, uint64_t tree_size, tlog_tile_fn fn, void *context) {
    for (int level = TLOG_ENTRIES_LEVEL; level < 8; level++) {
        uint64_t count = level_count(level, tree_size), kept = level_count(level, from_size) / TLOG_TILE_WIDTH;
        if (count == 0) break;
        for (uint64_t n = kept; n <= count / TLOG_TILE_WIDTH; n++) {
            tlog_tile_t tile = {level, n, TLOG_TILE_WIDTH};
            if (n == count / TLOG_TILE_WIDTH) tile.width = (unsigned)(count % TLOG_TILE_WIDTH);
            if (tile.width && !fn(context, &tile)) return false;
        }
    }
    return true;
}

typedef struct {
    buffer_t *out;
    char *error;
    size_t error_size;
} bundle_writer_t;

static bool bundle_entry(void *context, uint64_t index, const char *bytes, size_t len) {
    bundle_writer_t *w = context;
    if (len > TLOG_MAX_ENTRY) {
        snprintf(w->error, w->error_size, "entry %llu is %zu bytes, too large for an entry bundle",
                 (unsigned long long)index, len);
        return false;
    }
    uint8_t prefix[2] = {(uint8_t)(len >> 8), (uint8_t)len};
    buffer_append(w->out, prefix, 2);
    buffer_append(w->out, bytes, len);
    return true;
}

bool tlog_tile_read(ledger_t *ledger, const tlog_tile_t *tile, buffer_t *out, char *error, size_t error_size) {
    if (!tlog_tile_within(tile, ledger_size(ledger))) {
        snprintf(error, error_size, "no such tile in a log of %llu entries", (unsigned long long)ledger_size(ledger));
        return false;
    }
    uint64_t start = tile->index * TLOG_TILE_WIDTH;
    if (tile->level != TLOG_ENTRIES_LEVEL)
        return ledger_hashes(ledger, 8 * (unsigned)tile->level, start, tile->width, out, error, error_size);
    error[0] = '\0';
    bundle_writer_t w = {out, error, error_size};
    if (!ledger_foreach(ledger, start, start + tile->width, bundle_entry, &w, error, error_size)) return false;
    if (error[0]) return false;   /* an entry was too large: bundle_entry stopped the walk */
    return true;
}

bool tlog_bundle_split(const uint8_t *bundle, size_t len, unsigned expected, tlog_bundle_fn fn, void *context,
                       char *error, size_t error_size) {
    size_t at = 0;
    unsigned count = 0;
    while (at < len) {
        if (len - at < 2) {
            snprintf(error, error_size, "entry bundle: a truncated length prefix at byte %zu", at);
            return false;
        }
        size_t n = (size_t)bundle[at] << 8 | bundle[at + 1];
        if (len - at - 2 < n) {
            snprintf(error, error_size, "entry bundle: entry %u claims %zu bytes, only %zu remain", count, n,
                     len - at - 2);
            return false;
        }
        if (count == expected) {
            snprintf(error, error_size, "entry bundle: more than the %u entries its name says", expected);
            return false;
        }
        if (!fn(context, count, bundle + at + 2, n)) return false;
        at += 2 + n;
        count++;
    }
    if (count != expected) {
        snprintf(error, error_size, "entry bundle: %u entries where its name says %u", count, expected);
        return false;
    }
    return true;
}

/* MTH of 2^k consecutive hashes (a perfect subtree), in place. */
static void perfect_root(uint8_t (*hashes)[LEDGER_HASH_SIZE], size_t count, uint8_t out[LEDGER_HASH_SIZE]) {
    for (; count > 1; count /= 2)
        for (size_t i = 0; i < count / 2; i++) merkle_node_hash(hashes[2 * i], hashes[2 * i + 1], hashes[i]);
    memcpy(out, hashes[0], LEDGER_HASH_SIZE);
}

bool tlog_tiles_root(uint64_t tree_size, tlog_tile_fetch_fn fetch, void *context, uint8_t root[LEDGER_HASH_SIZE],
                     char *error, size_t error_size) {
    if (tree_size == 0) { merkle_empty_root(root); return true; }
    /* The tree is the complete subtrees of its size's set bits, largest first. */
    uint8_t subtrees[64][LEDGER_HASH_SIZE];
    int count = 0;
    buffer_t tile_bytes = {0};
    bool ok = true;
    for (int k = 63; k >= 0 && ok; k--) {
        if (!(tree_size >> k & 1)) continue;
        uint64_t start = k == 63 ? 0 : tree_size >> (k + 1) << (k + 1);
        int level = k / 8;
        unsigned r = (unsigned)(k % 8);
        uint64_t first = start >> (8 * level);   /* the first hash's index at that level */
        uint64_t available = tree_size >> (8 * level);
        tlog_tile_t tile = {level, first / TLOG_TILE_WIDTH, TLOG_TILE_WIDTH};
        if (available - tile.index * TLOG_TILE_WIDTH < TLOG_TILE_WIDTH)
            tile.width = (unsigned)(available - tile.index * TLOG_TILE_WIDTH);
        tile_bytes.len = 0;
        ok = fetch(context, &tile, &tile_bytes, error, error_size);
        if (ok && tile_bytes.len != (size_t)tile.width * LEDGER_HASH_SIZE) {
            buffer_t path = {0};
            tlog_tile_path(&tile, &path);
            snprintf(error, error_size, "%.*s: %zu bytes, expected %u hashes", (int)path.len, path.data,
                     tile_bytes.len, tile.width);
            buffer_free(&path);
            ok = false;
        }
        if (!ok) break;
        size_t offset = (size_t)(first % TLOG_TILE_WIDTH);
        perfect_root((uint8_t (*)[LEDGER_HASH_SIZE])(tile_bytes.data + offset * LEDGER_HASH_SIZE), (size_t)1 << r,
                     subtrees[count++]);
    }
    buffer_free(&tile_bytes);
    if (!ok) return false;
    memcpy(root, subtrees[count - 1], LEDGER_HASH_SIZE);
    for (int i = count - 2; i >= 0; i--) merkle_node_hash(subtrees[i], root, root);
    return true;
}
