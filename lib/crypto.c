/* crypto.c -- random secrets and hashes from OpenSSL. */
/* SPDX-License-Identifier: MIT */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"

static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

int fr_random_password(char *out, size_t len, struct fr_err *err)
{
	unsigned char pool[64];
	size_t got = 0, i;

	while (got < len) {
		if (RAND_bytes(pool, sizeof(pool)) != 1)
			return fr_err_set(err, FR_ECRYPTO, "RAND_bytes failed: not enough entropy");
		for (i = 0; i < sizeof(pool) && got < len; i++)
			if (pool[i] < 248) /* 248 = 4 * 62: keeps the choice uniform */
				out[got++] = alnum[pool[i] % 62];
	}
	out[len] = '\0';
	OPENSSL_cleanse(pool, sizeof(pool));
	return 0;
}

void fr_derive_password(const char *key, const char *context, char *out, size_t len)
{
	unsigned char md[64];
	unsigned int n = 0;
	size_t i;

	if (len > 32)
		len = 32;
	HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)context, strlen(context), md, &n);
	for (i = 0; i < len; i++)
		out[i] = alnum[md[i] % 62];
	out[len] = '\0';
	OPENSSL_cleanse(md, sizeof(md));
}

void fr_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0, i;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

int fr_sha256_file(const char *path, char out[65], long long *size, struct fr_err *err)
{
	FILE *f = fopen(path, "rb");
	EVP_MD_CTX *md;
	unsigned char d[32], buf[1 << 16];
	unsigned int n = 0, i;
	size_t got;
	long long total = 0;

	if (f == NULL)
		return fr_err_set(err, FR_EIO, "cannot read '%s': %s", path, strerror(errno));
	md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		EVP_DigestUpdate(md, buf, got);
		total += (long long)got;
	}
	if (ferror(f)) {
		fclose(f);
		EVP_MD_CTX_free(md);
		return fr_err_set(err, FR_EIO, "cannot read '%s': %s", path, strerror(errno));
	}
	fclose(f);
	EVP_DigestFinal_ex(md, d, &n);
	EVP_MD_CTX_free(md);
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	out[64] = '\0';
	if (size)
		*size = total;
	return 0;
}

/* Decode base64 (with padding) into out; the decoded length, or -1. */
static int b64_decode(const char *in, size_t inlen, unsigned char *out, size_t outmax)
{
	int n;

	if (inlen == 0 || inlen % 4 != 0 || inlen / 4 * 3 > outmax)
		return -1;
	if ((n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)inlen)) < 0)
		return -1;
	while (inlen > 0 && in[inlen - 1] == '=') {
		inlen--;
		n--;
	}
	return n;
}

int fr_scram_matches(const char *verifier, const char *password)
{
	const char *p = verifier, *salt, *colon, *dollar, *stored;
	unsigned char saltb[128], salted[32], ckey[32], skey[32], want[64];
	unsigned int klen = sizeof(ckey);
	long iter;
	int sl, wl;
	char *end;

	if (strncmp(p, "SCRAM-SHA-256$", 14) != 0)
		return 0;
	p += 14;
	iter = strtol(p, &end, 10);
	if (*end != ':' || iter <= 0 || iter > 10000000)
		return 0;
	salt = end + 1;
	if ((dollar = strchr(salt, '$')) == NULL || (sl = b64_decode(salt, (size_t)(dollar - salt), saltb, sizeof(saltb))) < 0)
		return 0;
	stored = dollar + 1;
	if ((colon = strchr(stored, ':')) == NULL || (wl = b64_decode(stored, (size_t)(colon - stored), want, sizeof(want))) != 32)
		return 0;
	if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), saltb, sl, (int)iter, EVP_sha256(), sizeof(salted), salted) != 1 ||
	    HMAC(EVP_sha256(), salted, sizeof(salted), (const unsigned char *)"Client Key", 10, ckey, &klen) == NULL)
		return 0;
	SHA256(ckey, sizeof(ckey), skey);
	OPENSSL_cleanse(salted, sizeof(salted));
	return CRYPTO_memcmp(skey, want, 32) == 0;
}

void fr_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

void fr_buf_wipe(struct fr_buf *b)
{
	if (b->alloc)
		fr_wipe(b->buf, b->alloc);
	fr_buf_release(b);
}
