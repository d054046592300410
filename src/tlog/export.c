/* tlog: `truce log tiles` — writes the log's latest checkpoint and its tiles
 * as static files. Incremental and crash-safe: tiles are written under a
 * temporary name and renamed, flushed before the checkpoint that needs them,
 * and only full tiles covered by the checkpoint already in the folder (so
 * known complete and flushed) are kept without being rewritten. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tlog/tlog.h"

typedef struct {
    ledger_t *ledger;
    const char *dir;
    uint64_t kept_size;            /* the size of the checkpoint found in dir, 0 if none */
    tlog_export_stats_t *stats;
    buffer_t path, bytes;
    char *error;
    size_t error_size;
} exporter_t;

/* mkdir -p of the folders above path. */
static bool make_parents(char *path, char *error, size_t error_size) {
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        bool ok = mkdir(path, 0755) == 0 || errno == EEXIST;
        if (!ok) snprintf(error, error_size, "%s: %s", path, strerror(errno));
        *p = '/';
        if (!ok) return false;
    }
    return true;
}

/* Writes bytes to path through path.tmp and a rename; fsyncs when asked. */
static bool write_file(char *path, const void *bytes, size_t len, bool sync, char *error, size_t error_size) {
    if (!make_parents(path, error, error_size)) return false;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    bool ok = fd >= 0;
    for (size_t done = 0; ok && done < len;) {
        ssize_t n = write(fd, (const char *)bytes + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) done += (size_t)n;
    }
    if (ok && sync) ok = fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0) ok = false;
    if (ok) ok = rename(tmp, path) == 0;
    if (!ok) {
        snprintf(error, error_size, "%s: %s", path, strerror(errno));
        unlink(tmp);
    }
    return ok;
}

static bool export_tile(void *context, const tlog_tile_t *tile) {
    exporter_t *x = context;
    x->path.len = 0;
    buffer_printf(&x->path, "%s/", x->dir);
    tlog_tile_path(tile, &x->path);
    buffer_append(&x->path, "", 1);
    struct stat st;
    size_t full = tile->level == TLOG_ENTRIES_LEVEL ? 0 : (size_t)tile->width * LEDGER_HASH_SIZE;
    tlog_tile_t covered = *tile;
    if (tlog_tile_within(&covered, x->kept_size) && stat(x->path.data, &st) == 0
        && (full == 0 || (size_t)st.st_size == full)) {
        x->stats->tiles_kept++;
        return true;
    }
    x->bytes.len = 0;
    if (!tlog_tile_read(x->ledger, tile, &x->bytes, x->error, x->error_size)
        || !write_file(x->path.data, x->bytes.data, x->bytes.len, false, x->error, x->error_size))
        return false;
    x->stats->tiles_written++;
    x->stats->bytes_written += x->bytes.len;
    return true;
}

/* The size of the checkpoint already published in dir (0 when none or unreadable). */
static uint64_t published_size(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/checkpoint", dir);
    buffer_t text = {0};
    tlog_checkpoint_t checkpoint;
    tlog_note_t *note = xmalloc(sizeof *note);
    char ignored[LEDGER_ERROR_SIZE];
    uint64_t size = buffer_read_file(&text, path) && tlog_note_parse(text.data, text.len, note, ignored, sizeof ignored)
                         && tlog_checkpoint_parse(note->text, &checkpoint, ignored, sizeof ignored)
                  ? checkpoint.size : 0;
    free(note);
    buffer_free(&text);
    return size;
}

bool tlog_export(ledger_t *ledger, const char *dir, tlog_export_stats_t *stats, char *error, size_t error_size) {
    memset(stats, 0, sizeof *stats);
    buffer_t note = {0};
    uint64_t size = 0;
    bool found = false;
    if (!ledger_latest_checkpoint(ledger, &note, &size, NULL, &found, error, error_size)) return false;
    if (!found) {
        snprintf(error, error_size, "the log has no checkpoint yet (truce log checkpoint --key COUNCIL_KEY)");
        return false;
    }
    exporter_t x = {ledger, dir, published_size(dir), stats, {0}, {0}, error, error_size};
    if (x.kept_size > size) x.kept_size = 0;   /* a different or rolled-back log: rewrite all */
    stats->tree_size = size;
    bool ok = mkdir(dir, 0755) == 0 || errno == EEXIST;
    if (!ok) snprintf(error, error_size, "%s: %s", dir, strerror(errno));
    if (ok) ok = tlog_tiles_of(0, size, export_tile, &x);
    if (ok) sync();   /* every tile on disk before the checkpoint that points at them */
    if (ok) {
        x.path.len = 0;
        buffer_printf(&x.path, "%s/checkpoint", dir);
        buffer_append(&x.path, "", 1);
        ok = write_file(x.path.data, note.data, note.len, true, error, error_size);
    }
    buffer_free(&x.path);
    buffer_free(&x.bytes);
    buffer_free(&note);
    return ok;
}
