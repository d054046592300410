/* bench: the raw libsodium Ed25519 verification rate on one core, the ceiling
 * for `truce log append` (which verifies one signature per report). Built and
 * run by bench/ingest.sh; prints "verify_per_second N". */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
    if (sodium_init() < 0) return 1;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
    /* A message the size of a typical canonical report. */
    unsigned char message[200];
    memset(message, 'r', sizeof message);
    crypto_sign_keypair(pk, sk);
    crypto_sign_detached(sig, NULL, message, sizeof message, sk);
    long count = 0, failures = 0;
    double start = seconds(), elapsed;
    do {
        for (int i = 0; i < 1000; i++) failures += crypto_sign_verify_detached(sig, message, sizeof message, pk) != 0;
        count += 1000;
        elapsed = seconds() - start;
    } while (elapsed < 3.0);
    printf("verify_per_second %.0f\n", count / elapsed);
    return failures != 0;
}
