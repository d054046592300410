/* check_log: the signed log as the source of `truce check` (--log), and the
 * council record of the rulings derived from it (--record). */
#ifndef TRUCE_CLI_CHECK_LOG_H
#define TRUCE_CLI_CHECK_LOG_H

#include "engine/engine.h"
#include "ledger/ledger.h"

typedef struct {
    uint64_t size;                 /* the prefix ruled on */
    uint8_t root[LEDGER_HASH_SIZE];
    bool has_head;                 /* a signed tree head covers exactly this size */
    ledger_tree_head_t head;
    long rejected, records;        /* entries the agreement rejects; council records skipped */
    long after_as_of;              /* reports dated after the as_of given to ingest */
} check_log_t;

/* requested_size UINT64_MAX: the latest signed head's size, else the whole log.
 * Returns an exit code. */
int check_log_ingest(const char *path, uint64_t requested_size, const agreement_t *agreement,
                     report_parser_t *parser, engine_t *engine, time_ms_t as_of, check_log_t *out);
void check_log_describe(const char *path, const check_log_t *log);
/* Appends the rulings to the log as a council record citing log->size. */
int check_log_record(const char *path, const char *key_path, const agreement_t *agreement,
                     const rulings_t *rulings, const check_log_t *log);

#endif
