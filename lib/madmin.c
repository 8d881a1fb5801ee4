/* madmin.c -- MinIO's admin API for policies and users, and the sio stream its credentials ride in. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "crypto.h"
#include "madmin.h"

/* One AES-GCM seal (12-byte nonce): ciphertext then the 16-byte tag, appended to out. */
static int gcm_seal(const unsigned char *key, size_t klen, const unsigned char nonce[12], const unsigned char *ad,
		    size_t adlen, const unsigned char *in, size_t n, struct fr_buf *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	const EVP_CIPHER *alg = klen == 16 ? EVP_aes_128_gcm() : klen == 32 ? EVP_aes_256_gcm() : NULL;
	int len = 0, ok;

	if (c == NULL || alg == NULL) {
		EVP_CIPHER_CTX_free(c);
		return FR_ECRYPTO;
	}
	fr_buf_grow(out, n + 16);
	ok = EVP_EncryptInit_ex(c, alg, NULL, NULL, NULL) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	     EVP_EncryptInit_ex(c, NULL, NULL, key, nonce) == 1 &&
	     (adlen == 0 || EVP_EncryptUpdate(c, NULL, &len, ad, (int)adlen) == 1) &&
	     (n == 0 || EVP_EncryptUpdate(c, (unsigned char *)out->buf + out->len, &len, in, (int)n) == 1);
	if (ok) {
		out->len += n ? (size_t)len : 0;
		ok = EVP_EncryptFinal_ex(c, (unsigned char *)out->buf + out->len, &len) == 1 &&
		     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, out->buf + out->len + len) == 1;
		out->len += (size_t)len + (ok ? 16 : 0);
		out->buf[out->len] = '\0';
	}
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : FR_ECRYPTO;
}

static void put_le32(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

int fr_sio_seal(const unsigned char *key, size_t klen, const unsigned char nonce[8], const unsigned char *ad,
		size_t adlen, const unsigned char *in, size_t n, size_t bufsize, struct fr_buf *out)
{
	unsigned char iv[12], sad[17];
	struct fr_buf tag = FR_BUF_INIT;
	unsigned seq = 0;
	int r;

	if (bufsize == 0)
		return FR_ECRYPTO;
	/* the stream's associated data: 0x00 | the tag of nothing under sequence number 0 with ad */
	memcpy(iv, nonce, 8);
	put_le32(iv + 8, seq++);
	if ((r = gcm_seal(key, klen, iv, ad, adlen, NULL, 0, &tag)) < 0 || tag.len != 16) {
		fr_buf_release(&tag);
		return FR_ECRYPTO;
	}
	sad[0] = 0x00;
	memcpy(sad + 1, tag.buf, 16);
	fr_buf_release(&tag);
	/* every chunk but the last a full bufsize one (the last may be full too, or empty) */
	while (n > bufsize) {
		put_le32(iv + 8, seq++);
		if ((r = gcm_seal(key, klen, iv, sad, sizeof(sad), in, bufsize, out)) < 0)
			return r;
		in += bufsize;
		n -= bufsize;
	}
	sad[0] = 0x80;
	put_le32(iv + 8, seq);
	return gcm_seal(key, klen, iv, sad, sizeof(sad), in, n, out);
}

int fr_madmin_encrypt(const char *password, const void *plain, size_t n, struct fr_buf *out)
{
	unsigned char salt[32], nonce[8], key[32];
	int r;

	if (RAND_bytes(salt, sizeof(salt)) != 1 || RAND_bytes(nonce, sizeof(nonce)) != 1 ||
	    PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, sizeof(salt), 8192, EVP_sha256(), sizeof(key),
			      key) != 1)
		return FR_ECRYPTO;
	fr_buf_addn(out, salt, sizeof(salt));
	fr_buf_addc(out, 0x02);
	fr_buf_addn(out, nonce, sizeof(nonce));
	r = fr_sio_seal(key, sizeof(key), nonce, NULL, 0, plain, n, 1u << 14, out);
	fr_wipe(key, sizeof(key));
	return r;
}

void fr_minio_bucket_policy(const char *bucket, struct fr_buf *out)
{
	fr_buf_addf(out,
		    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:*\"],"
		    "\"Resource\":[\"arn:aws:s3:::%s\",\"arn:aws:s3:::%s/*\"]}]}",
		    bucket, bucket);
}

/* a query value as Signature V4 wants it: the unreserved characters as they are, the rest %XX */
static void qenc(struct fr_buf *b, const char *s)
{
	for (; *s; s++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~", *s))
			fr_buf_addc(b, *s);
		else
			fr_buf_addf(b, "%%%02X", (unsigned char)*s);
}

/* one admin call; a status other than 200 is FR_EIO naming what and MinIO's code */
static int admin(const struct fr_s3 *s, const char *method, const char *call, const struct fr_buf *query,
		 const struct fr_buf *body, const char *what, struct fr_err *err)
{
	struct fr_buf path = FR_BUF_INIT, out = FR_BUF_INIT;
	int status = 0, r;

	fr_buf_addf(&path, "/minio/admin/v3/%s", call);
	r = fr_s3_request(s, method, path.buf, query && query->buf ? query->buf : "", body ? body->buf : NULL,
			  body ? body->len : 0, NULL, 0, &status, &out, err);
	if (r == 0 && status != 200) {
		char code[64];

		fr_s3_error_code(&out, code, sizeof(code));
		if (!*code && out.buf && strstr(out.buf, "\"Code\":\""))
			snprintf(code, sizeof(code), "%.*s", (int)strcspn(strstr(out.buf, "\"Code\":\"") + 8, "\""),
				 strstr(out.buf, "\"Code\":\"") + 8);
		r = fr_err_set(err, FR_EIO, "%s: %s answered HTTP %d%s%s%s", s->endpoint, what, status, *code ? " (" : "",
			       code, *code ? ")" : "");
	}
	fr_buf_release(&path);
	fr_buf_release(&out);
	return r;
}

int fr_minio_policy_put(const struct fr_s3 *s, const char *name, const char *policy, struct fr_err *err)
{
	struct fr_buf q = FR_BUF_INIT, body = FR_BUF_INIT, what = FR_BUF_INIT;
	int r;

	fr_buf_adds(&q, "name=");
	qenc(&q, name);
	fr_buf_adds(&body, policy);
	fr_buf_addf(&what, "adding policy '%s'", name);
	r = admin(s, "PUT", "add-canned-policy", &q, &body, what.buf, err);
	fr_buf_release(&q);
	fr_buf_release(&body);
	fr_buf_release(&what);
	return r;
}

int fr_minio_user_put(const struct fr_s3 *s, const char *access_key, const char *secret_key, const char *policy,
		      int *made, struct fr_err *err)
{
	struct fr_buf q = FR_BUF_INIT, plain = FR_BUF_INIT, body = FR_BUF_INIT, what = FR_BUF_INIT, path = FR_BUF_INIT,
		      out = FR_BUF_INIT;
	int r, status = 0;

	*made = 0;
	fr_buf_adds(&q, "accessKey=");
	qenc(&q, access_key);
	/* known before? (user-info answers 200 for a user, an error for none) */
	fr_buf_adds(&path, "/minio/admin/v3/user-info");
	if ((r = fr_s3_request(s, "GET", path.buf, q.buf, NULL, 0, NULL, 0, &status, &out, err)) < 0)
		goto out;
	*made = status != 200;
	fr_buf_adds(&plain, "{\"secretKey\":");
	fr_buf_add_json_str(&plain, secret_key);
	fr_buf_adds(&plain, ",\"status\":\"enabled\"}");
	if ((r = fr_madmin_encrypt(s->secret_key, plain.buf, plain.len, &body)) < 0) {
		r = fr_err_set(err, r, "OpenSSL: cannot encrypt user %s's request", access_key);
		goto out;
	}
	fr_buf_addf(&what, "adding user '%s'", access_key);
	if ((r = admin(s, "PUT", "add-user", &q, &body, what.buf, err)) < 0 || policy == NULL)
		goto out;
	fr_buf_reset(&q);
	fr_buf_adds(&q, "isGroup=false&policyName=");
	qenc(&q, policy);
	fr_buf_adds(&q, "&userOrGroup=");
	qenc(&q, access_key);
	fr_buf_reset(&what);
	fr_buf_addf(&what, "giving user '%s' policy '%s'", access_key, policy);
	r = admin(s, "PUT", "set-user-or-group-policy", &q, NULL, what.buf, err);
out:
	fr_buf_wipe(&plain);
	fr_buf_release(&body);
	fr_buf_release(&q);
	fr_buf_release(&what);
	fr_buf_release(&path);
	fr_buf_release(&out);
	return r;
}
