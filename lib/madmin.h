/* madmin.h -- the few calls of MinIO's admin API the minio module makes (policies, users), and
 * the encryption MinIO wants around a credential in such a call. Node tier: OpenSSL only. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_MADMIN_H
#define FR_MADMIN_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "s3.h"

/*
 * sio's authenticated stream (secure-io/sio-go, what MinIO's admin API uses) over in[0..n):
 * AES-GCM with key (16 or 32 bytes), the 8-byte nonce, ad authenticated, bufsize-byte chunks,
 * appended to out. Exposed for its known-answer tests (sio-go's published vectors). 0 or
 * FR_ECRYPTO.
 */
int fr_sio_seal(const unsigned char *key, size_t klen, const unsigned char nonce[8], const unsigned char *ad,
		size_t adlen, const unsigned char *in, size_t n, size_t bufsize, struct fr_buf *out);

/*
 * A request body as madmin's EncryptData makes it for a password (the root secret key):
 * salt (32 random bytes) | 0x02 (PBKDF2-SHA256, 8192 rounds, AES-256-GCM) | nonce (8) | sio
 * stream of plain. Appended to out. 0 or FR_ECRYPTO.
 */
int fr_madmin_encrypt(const char *password, const void *plain, size_t n, struct fr_buf *out);

/* A canned policy giving every S3 action on bucket and its objects (as Pigsty makes one a
 * bucket), as JSON into out. */
void fr_minio_bucket_policy(const char *bucket, struct fr_buf *out);

/* PUT /minio/admin/v3/add-canned-policy?name=<name> with the policy document. 0 or FR_EIO. */
int fr_minio_policy_put(const struct fr_s3 *s, const char *name, const char *policy, struct fr_err *err);

/*
 * The user exists, enabled, with this secret key (add-user, its body encrypted with the root
 * secret; existed before: *made 0) and this one policy (set-user-or-group-policy) when policy is
 * not NULL. 0 or FR_EIO / FR_ECRYPTO, err never holding a secret.
 */
int fr_minio_user_put(const struct fr_s3 *s, const char *access_key, const char *secret_key, const char *policy,
		      int *made, struct fr_err *err);

#endif
