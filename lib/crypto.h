/* crypto.h -- random secrets and hashes from OpenSSL. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_CRYPTO_H
#define FR_CRYPTO_H

#include <stddef.h>

#include "err.h"

/*
 * Fill out with len random characters from [A-Za-z0-9] (RAND_bytes, with
 * rejection sampling so every character is equally likely) and a NUL; out
 * holds len + 1 bytes. Returns 0 or FR_ECRYPTO.
 */
int fr_random_password(char *out, size_t len, struct fr_err *err);

/*
 * A secret derived from another: len characters of [A-Za-z0-9] from HMAC-SHA-256(key, context)
 * (len <= 32), and a NUL. The same key and context give the same secret on every machine, and
 * the secret tells nothing of the key. For a credential the inventory leaves empty whose two
 * ends must agree (pg_etcd_password: the etcd member and the PostgreSQL node).
 */
void fr_derive_password(const char *key, const char *context, char *out, size_t len);

/* Overwrite n bytes at p with zeros in a way the optimiser cannot remove (OPENSSL_cleanse): the one
 * way farrow wipes a secret before its memory is freed. */
void fr_wipe(void *p, size_t n);
struct fr_buf;
/* fr_wipe a buffer's bytes, then fr_buf_release it. */
void fr_buf_wipe(struct fr_buf *b);

/* Lowercase hex SHA-256 of data into out[65]. */
void fr_sha256_hex(const void *data, size_t len, char out[65]);

/* Lowercase hex SHA-256 of the file at path into out[65]; *size gets its size. 0 or FR_EIO. */
int fr_sha256_file(const char *path, char out[65], long long *size, struct fr_err *err);

/*
 * 1 when password matches a PostgreSQL SCRAM-SHA-256 verifier
 * ("SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>"), 0 when it
 * does not or the verifier is not one (ASCII passwords: no SASLprep).
 */
int fr_scram_matches(const char *verifier, const char *password);

#endif
