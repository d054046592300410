/* agreement_fuzz: libFuzzer target for the agreement parser and lint. The
 * input is an agreement text; it must parse into an agreement or into a list
 * of diagnostics with a line and a message, never crash or leak. Build and
 * run: fuzz/run.sh agreement SECONDS. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agreement/agreement.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static bool ready;
    if (!ready) {
        geo_init();
        ready = true;
    }
    char *text = malloc(size ? size : 1); /* exactly the input's bytes: no NUL after them */
    if (size) memcpy(text, data, size);
    diagnostics_t errors = {0};
    /* Zone and key files resolve against the reference plan's folder. */
    agreement_t *a = agreement_parse("plans/ukraine-2025-11/fuzz.truce", text, size, &errors);
    if (!a && errors.count == 0) abort(); /* a failure always says why */
    for (size_t i = 0; i < errors.count; i++)
        if (!errors.items[i].message[0]) abort();
    agreement_free(a);
    diagnostics_free(&errors);
    free(text);
    return 0;
}
