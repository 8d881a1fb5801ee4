/* t-madmin.c -- unit tests of lib/madmin.c: sio's stream against sio-go's published vectors, a
 * body as madmin's EncryptData lays it out (opened again here with OpenSSL), the bucket policy. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "madmin.h"
#include "tap.h"
#include "yamlnode.h"

static size_t unhex(const char *h, unsigned char *out)
{
	size_t n = 0;
	unsigned v;

	for (; h[0] && h[1]; h += 2)
		if (sscanf(h, "%2x", &v) == 1)
			out[n++] = (unsigned char)v;
	return n;
}

static char *tohex(const struct fr_buf *b)
{
	char *s = malloc(2 * b->len + 1);
	size_t i;

	for (i = 0; i < b->len; i++)
		sprintf(s + 2 * i, "%02x", (unsigned char)b->buf[i]);
	s[2 * b->len] = '\0';
	return s;
}

/* one vector of sio-go's test_vectors.json (AES-128-GCM) */
static void vector(size_t bufsize, const char *key, const char *nonce, const char *ad, const char *pt, const char *ct)
{
	unsigned char k[32], no[8], a[64], p[64];
	size_t kl = unhex(key, k), al = unhex(ad, a), pl = unhex(pt, p);
	struct fr_buf out = FR_BUF_INIT;
	char *got;

	unhex(nonce, no);
	(void)kl;
	ASSERT_INT_EQ(fr_sio_seal(k, kl, no, a, al, p, pl, bufsize, &out), 0);
	got = tohex(&out);
	ASSERT_STR_EQ(got, ct);
	free(got);
	fr_buf_release(&out);
}

int main(void)
{
	struct fr_buf body = FR_BUF_INIT;

	TEST_START("sio's stream: sio-go's AES-128-GCM vectors (empty, one byte, one full chunk and a byte, two chunks, 17-byte chunks)");
	vector(16, "00000000000000000000000000000000", "0000000000000000", "", "", "e0247a864e783cecb1f7996c13cd3f64");
	vector(16, "10000000000000000000000000000000", "1000000000000000", "00", "00",
	       "61ed193d12a2adf6f1c41f31de4ead6c5c");
	vector(16, "10000000000000000000000000000000", "0000000000000002", "", "0000000000000000000000000000000000",
	       "691deb7b9ccbee91f48d12c7ad5fe3cd4e1e5e7d394f06b91228ec9a5dd2456ac7de9502a0b4010fb1ee1db94e940458fb");
	vector(16, "20000000000000000000000000000000", "2000000000000000", "00",
	       "0000000000000000000000000000000000000000000000000000000000000000",
	       "f58d8fef7ac7782a4361a79c07f5e6c4672d8a45e6cb9ef67cb7177897358deb8d338d313d44f78e0b68a3723d7ca0fe5f62aa8af0a72e508f5d5f8491ecedb2");
	vector(17, "31dd758d120fd5d30063921a21f723be", "d3794fe387018e32",
	       "1d838b6e861ea7576de110e08818de82a27337a99db7b95aa95c3347971ad4cfa0ef0960d6645f5a64f88c7d",
	       "d0ae0d85e93ed6be853ded2031643116a03215b4fda224d2986d7233039aa47e91b686f4",
	       "a6fe911b94e0b25a25bf6da71f28ad6a6b6920be01589e9194226f77c164606545d5cbdb76c99415b468c54517f5a8bc8dc8ac13b1b4285fe36f37f7884d5e4bfb32ecef56b4026bf02bfb1d4fce222e01ef9db9");
	TEST_DONE();

	TEST_START("madmin's EncryptData layout: salt, 0x02, nonce, one sealed chunk; opened with the password; fresh salt each time");
	{
		static const char plain[] = "{\"secretKey\":\"Sekrit.Backup\",\"status\":\"enabled\"}";
		const unsigned char *b;
		unsigned char key[32], iv[12], sad[17], out[128], tag0[16];
		EVP_CIPHER_CTX *c;
		int len = 0, len2 = 0, ok;
		struct fr_buf again = FR_BUF_INIT;

		ASSERT_INT_EQ(fr_madmin_encrypt("S3User.MinIO", plain, strlen(plain), &body), 0);
		ASSERT_INT_EQ((long long)body.len, 32 + 1 + 8 + (long long)strlen(plain) + 16);
		b = (const unsigned char *)body.buf;
		ASSERT_INT_EQ(b[32], 2);
		PKCS5_PBKDF2_HMAC("S3User.MinIO", 12, b, 32, 8192, EVP_sha256(), 32, key);
		/* the stream's associated data: 0x80 | tag of nothing under sequence 0 */
		memcpy(iv, b + 33, 8);
		memset(iv + 8, 0, 4);
		c = EVP_CIPHER_CTX_new();
		EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv);
		EVP_EncryptFinal_ex(c, out, &len);
		EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag0);
		EVP_CIPHER_CTX_free(c);
		sad[0] = 0x80;
		memcpy(sad + 1, tag0, 16);
		iv[8] = 1;
		c = EVP_CIPHER_CTX_new();
		ok = EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv) == 1 &&
		     EVP_DecryptUpdate(c, NULL, &len, sad, sizeof(sad)) == 1 &&
		     EVP_DecryptUpdate(c, out, &len, b + 41, (int)strlen(plain)) == 1 &&
		     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, (void *)(b + 41 + strlen(plain))) == 1 &&
		     EVP_DecryptFinal_ex(c, out + len, &len2) == 1;
		EVP_CIPHER_CTX_free(c);
		ASSERT_TRUE(ok);
		ASSERT_INT_EQ(len + len2, (long long)strlen(plain));
		ASSERT_TRUE(memcmp(out, plain, strlen(plain)) == 0);
		ASSERT_INT_EQ(fr_madmin_encrypt("S3User.MinIO", plain, strlen(plain), &again), 0);
		ASSERT_TRUE(memcmp(again.buf, body.buf, 32) != 0);
		fr_buf_release(&again);
	}
	TEST_DONE();

	TEST_START("a bucket's policy: every S3 action on the bucket and its objects, valid JSON");
	{
		struct fr_node *n;

		fr_buf_reset(&body);
		fr_minio_bucket_policy("pgsql", &body);
		n = fr_yaml_parse(body.buf, body.len, NULL);
		ASSERT_TRUE(fr_node_is_map(n));
		ASSERT_STR_CONTAINS(body.buf, "\"Resource\":[\"arn:aws:s3:::pgsql\",\"arn:aws:s3:::pgsql/*\"]");
		ASSERT_STR_CONTAINS(body.buf, "\"Action\":[\"s3:*\"]");
		fr_node_free(n);
	}
	TEST_DONE();

	fr_buf_release(&body);
	return TAP_END();
}
