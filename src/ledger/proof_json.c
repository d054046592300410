/* ledger: signed tree heads (the binary message the council signs) and the
 * JSON forms of heads and proofs that parties keep and exchange. Every JSON
 * form is written canonically (RFC 8785), so it can itself be hashed. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ledger/ledger.h"

#define HEAD_MAGIC "truce-sth-v1"

static void put_be64(uint8_t *out, uint64_t value) {
    for (int i = 7; i >= 0; i--) { out[i] = (uint8_t)value; value >>= 8; }
}

void ledger_head_message(const ledger_tree_head_t *head, uint8_t out[LEDGER_HEAD_MESSAGE_SIZE]) {
    memcpy(out, HEAD_MAGIC, 12);
    put_be64(out + 12, head->tree_size);
    put_be64(out + 20, (uint64_t)head->timestamp_ms);
    memcpy(out + 28, head->root, LEDGER_HASH_SIZE);
}

void ledger_head_sign(ledger_tree_head_t *head, const ledger_secret_key_t *council) {
    uint8_t message[LEDGER_HEAD_MESSAGE_SIZE];
    ledger_head_message(head, message);
    crypto_sign_detached(head->signature, NULL, message, sizeof message, council->secret);
}

bool ledger_head_verify(const ledger_tree_head_t *head, const uint8_t council_key[LEDGER_PUBLIC_KEY_SIZE]) {
    uint8_t message[LEDGER_HEAD_MESSAGE_SIZE];
    ledger_head_message(head, message);
    return crypto_sign_verify_detached(head->signature, message, sizeof message, council_key) == 0;
}

void ledger_head_to_json(const ledger_tree_head_t *head, buffer_t *out) {
    buffer_puts(out, "{\"root_hash\":\"");
    ledger_hex_append(head->root, LEDGER_HASH_SIZE, out);
    buffer_puts(out, "\",\"signature\":\"");
    ledger_base64_append(head->signature, LEDGER_SIGNATURE_SIZE, out);
    buffer_printf(out, "\",\"timestamp\":%lld,\"tree_size\":%llu}", (long long)head->timestamp_ms,
                  (unsigned long long)head->tree_size);
}

static bool missing(char *error, size_t error_size, const char *what) {
    snprintf(error, error_size, "%s", what);
    return false;
}

static bool hex_member(const jcs_value_t *json, const char *name, uint8_t out[LEDGER_HASH_SIZE]) {
    text_t text;
    return jcs_member_string(json, name, &text) && ledger_hex_decode(text, out, LEDGER_HASH_SIZE);
}

bool ledger_head_from_json(const jcs_value_t *json, ledger_tree_head_t *head, char *error, size_t error_size) {
    text_t sig;
    uint64_t timestamp;
    memset(head, 0, sizeof *head);
    if (!jcs_uint(jcs_get(json, "tree_size"), &head->tree_size))
        return missing(error, error_size, "tree head: \"tree_size\" must be a non-negative integer");
    if (!jcs_uint(jcs_get(json, "timestamp"), &timestamp))
        return missing(error, error_size, "tree head: \"timestamp\" must be milliseconds since 1970");
    head->timestamp_ms = (int64_t)timestamp;
    if (!hex_member(json, "root_hash", head->root))
        return missing(error, error_size, "tree head: \"root_hash\" must be 64 hex digits");
    if (!jcs_member_string(json, "signature", &sig) || !ledger_base64_decode(sig, head->signature, LEDGER_SIGNATURE_SIZE))
        return missing(error, error_size, "tree head: \"signature\" must be base64 of 64 bytes");
    return true;
}

static void hash_array(const uint8_t path[][LEDGER_HASH_SIZE], size_t length, buffer_t *out) {
    buffer_puts(out, "[");
    for (size_t i = 0; i < length; i++) {
        buffer_puts(out, i ? ",\"" : "\"");
        ledger_hex_append(path[i], LEDGER_HASH_SIZE, out);
        buffer_puts(out, "\"");
    }
    buffer_puts(out, "]");
}

static bool hash_array_from_json(const jcs_value_t *array, uint8_t path[][LEDGER_HASH_SIZE], size_t *length) {
    if (jcs_type(array) != JCS_ARRAY || jcs_array_length(array) > LEDGER_MAX_PROOF) return false;
    *length = jcs_array_length(array);
    for (size_t i = 0; i < *length; i++) {
        text_t text;
        if (!jcs_string(jcs_array_item(array, i), &text) || !ledger_hex_decode(text, path[i], LEDGER_HASH_SIZE))
            return false;
    }
    return true;
}

void ledger_inclusion_to_json(const ledger_inclusion_proof_t *proof, buffer_t *out) {
    buffer_puts(out, "{\"audit_path\":");
    hash_array(proof->path, proof->path_length, out);
    buffer_puts(out, ",\"leaf_hash\":\"");
    ledger_hex_append(proof->leaf_hash, LEDGER_HASH_SIZE, out);
    buffer_printf(out, "\",\"leaf_index\":%llu,\"root_hash\":\"", (unsigned long long)proof->leaf_index);
    ledger_hex_append(proof->root, LEDGER_HASH_SIZE, out);
    buffer_printf(out, "\",\"tree_size\":%llu}", (unsigned long long)proof->tree_size);
}

bool ledger_inclusion_from_json(const jcs_value_t *json, ledger_inclusion_proof_t *proof,
                                char *error, size_t error_size) {
    memset(proof, 0, sizeof *proof);
    if (!jcs_uint(jcs_get(json, "leaf_index"), &proof->leaf_index) || !jcs_uint(jcs_get(json, "tree_size"), &proof->tree_size))
        return missing(error, error_size, "inclusion proof: \"leaf_index\" and \"tree_size\" must be non-negative integers");
    if (!hex_member(json, "leaf_hash", proof->leaf_hash) || !hex_member(json, "root_hash", proof->root))
        return missing(error, error_size, "inclusion proof: \"leaf_hash\" and \"root_hash\" must be 64 hex digits");
    if (!hash_array_from_json(jcs_get(json, "audit_path"), proof->path, &proof->path_length))
        return missing(error, error_size, "inclusion proof: \"audit_path\" must be an array of 64-hex-digit hashes");
    return true;
}

void ledger_consistency_to_json(const ledger_consistency_proof_t *proof, buffer_t *out) {
    buffer_puts(out, "{\"new_root\":\"");
    ledger_hex_append(proof->new_root, LEDGER_HASH_SIZE, out);
    buffer_printf(out, "\",\"new_size\":%llu,\"old_root\":\"", (unsigned long long)proof->new_size);
    ledger_hex_append(proof->old_root, LEDGER_HASH_SIZE, out);
    buffer_printf(out, "\",\"old_size\":%llu,\"proof\":", (unsigned long long)proof->old_size);
    hash_array(proof->path, proof->path_length, out);
    buffer_puts(out, "}");
}

bool ledger_consistency_from_json(const jcs_value_t *json, ledger_consistency_proof_t *proof,
                                  char *error, size_t error_size) {
    memset(proof, 0, sizeof *proof);
    if (!jcs_uint(jcs_get(json, "old_size"), &proof->old_size) || !jcs_uint(jcs_get(json, "new_size"), &proof->new_size))
        return missing(error, error_size, "consistency proof: \"old_size\" and \"new_size\" must be non-negative integers");
    if (!hex_member(json, "old_root", proof->old_root) || !hex_member(json, "new_root", proof->new_root))
        return missing(error, error_size, "consistency proof: \"old_root\" and \"new_root\" must be 64 hex digits");
    if (!hash_array_from_json(jcs_get(json, "proof"), proof->path, &proof->path_length))
        return missing(error, error_size, "consistency proof: \"proof\" must be an array of 64-hex-digit hashes");
    return true;
}
