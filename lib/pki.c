/* pki.c -- farrow's certificate authority (OpenSSL): a CA on the admin side, certificates for nodes. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fileio.h"
#include "pki.h"
#include "xalloc.h"

static int ssl_fail(struct fr_err *err, const char *what)
{
	char msg[256];

	ERR_error_string_n(ERR_get_error(), msg, sizeof(msg));
	return fr_err_set(err, FR_ECRYPTO, "%s: %s", what, msg);
}

static EVP_PKEY *new_key(void)
{
	return EVP_EC_gen("P-256");
}

static int add_ext(X509 *crt, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ex;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, crt, NULL, NULL, 0);
	if ((ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	X509_add_ext(crt, ex, -1);
	X509_EXTENSION_free(ex);
	return 0;
}

/* A certificate for key, named cn, valid for days, signed by (issuer, ikey) or self-signed. */
static X509 *make_cert(EVP_PKEY *key, const char *cn, int days, X509 *issuer, EVP_PKEY *ikey, const char *san)
{
	X509 *crt = X509_new();
	X509_NAME *name = X509_NAME_new();
	unsigned char serial[16];
	BIGNUM *bn = NULL;

	if (crt == NULL || name == NULL || RAND_bytes(serial, sizeof(serial)) != 1)
		goto fail;
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	X509_set_version(crt, 2);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(crt));
	X509_gmtime_adj(X509_getm_notBefore(crt), -3600);
	X509_gmtime_adj(X509_getm_notAfter(crt), (long)days * 86400);
	X509_set_pubkey(crt, key);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"farrow", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(crt, name);
	X509_set_issuer_name(crt, issuer ? X509_get_subject_name(issuer) : name);
	X509_NAME_free(name);
	name = NULL;
	BN_free(bn);
	bn = NULL;
	if (issuer == NULL) {
		if (add_ext(crt, crt, NID_basic_constraints, "critical,CA:TRUE") < 0 ||
		    add_ext(crt, crt, NID_key_usage, "critical,keyCertSign,cRLSign") < 0 ||
		    add_ext(crt, crt, NID_subject_key_identifier, "hash") < 0)
			goto fail;
	} else if (add_ext(crt, issuer, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
		   add_ext(crt, issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment") < 0 ||
		   add_ext(crt, issuer, NID_ext_key_usage, "serverAuth,clientAuth") < 0 ||
		   add_ext(crt, issuer, NID_authority_key_identifier, "keyid") < 0 ||
		   (san && *san && add_ext(crt, issuer, NID_subject_alt_name, san) < 0))
		goto fail;
	if (X509_sign(crt, ikey ? ikey : key, EVP_sha256()) <= 0)
		goto fail;
	return crt;
fail:
	X509_NAME_free(name);
	BN_free(bn);
	X509_free(crt);
	return NULL;
}

static int pem_key(EVP_PKEY *key, struct fr_buf *out)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int ok = b && PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL) == 1;

	if (ok) {
		n = BIO_get_mem_data(b, &p);
		fr_buf_addn(out, p, (size_t)n);
	}
	BIO_free(b);
	return ok ? 0 : -1;
}

static int pem_crt(X509 *crt, struct fr_buf *out)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int ok = b && PEM_write_bio_X509(b, crt) == 1;

	if (ok) {
		n = BIO_get_mem_data(b, &p);
		fr_buf_addn(out, p, (size_t)n);
	}
	BIO_free(b);
	return ok ? 0 : -1;
}

static int load_ca(const char *dir, X509 **crt, EVP_PKEY **key, struct fr_err *err)
{
	char *kp = fr_xasprintf("%s/ca.key", dir), *cp = fr_xasprintf("%s/ca.crt", dir);
	FILE *f;
	int r = 0;

	*crt = NULL;
	*key = NULL;
	if ((f = fopen(cp, "r")) != NULL) {
		*crt = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	if ((f = fopen(kp, "r")) != NULL) {
		*key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (*crt == NULL || *key == NULL)
		r = fr_err_set(err, FR_ECRYPTO, "cannot read the CA in '%s' (ca.crt, ca.key)", dir);
	else if (X509_check_private_key(*crt, *key) != 1)
		r = fr_err_set(err, FR_ECRYPTO, "'%s': ca.key does not belong to ca.crt", dir);
	free(kp);
	free(cp);
	return r;
}

int fr_pki_ca_ensure(const char *dir, int *created, struct fr_err *err)
{
	char *kp = fr_xasprintf("%s/ca.key", dir), *cp = fr_xasprintf("%s/ca.crt", dir);
	struct fr_buf k = FR_BUF_INIT, c = FR_BUF_INIT;
	EVP_PKEY *key = NULL;
	X509 *crt = NULL;
	int r = 0, hk = access(kp, F_OK) == 0, hc = access(cp, F_OK) == 0;

	*created = 0;
	if (hk || hc) {
		if (!(hk && hc))
			r = fr_err_set(err, FR_EIO, "'%s' holds half a CA (%s without %s): not replacing it", dir,
				       hk ? "ca.key" : "ca.crt", hk ? "ca.crt" : "ca.key");
		goto out;
	}
	if ((r = fr_mkdir_p(dir, 0700, err)) < 0)
		goto out;
	if ((key = new_key()) == NULL || (crt = make_cert(key, "farrow CA", 3650, NULL, NULL, NULL)) == NULL ||
	    pem_key(key, &k) < 0 || pem_crt(crt, &c) < 0) {
		r = ssl_fail(err, "cannot make a CA");
		goto out;
	}
	/* the key first: a crt without its key is never left behind */
	if ((r = fr_write_atomic(kp, k.buf, k.len, 0600, 0, err)) < 0 ||
	    (r = fr_write_atomic(cp, c.buf, c.len, 0644, 0, err)) < 0) {
		unlink(kp);
		goto out;
	}
	*created = 1;
out:
	if (k.len)
		OPENSSL_cleanse(k.buf, k.len);
	fr_buf_release(&k);
	fr_buf_release(&c);
	EVP_PKEY_free(key);
	X509_free(crt);
	free(kp);
	free(cp);
	return r;
}

int fr_pki_issue(const char *cadir, const char *cn, const char *const *sans, struct fr_buf *key_pem,
		 struct fr_buf *crt_pem, struct fr_err *err)
{
	X509 *ca = NULL, *crt = NULL;
	EVP_PKEY *cakey = NULL, *key = NULL;
	struct fr_buf san = FR_BUF_INIT;
	size_t i;
	int r;

	if ((r = load_ca(cadir, &ca, &cakey, err)) < 0)
		goto out;
	for (i = 0; sans && sans[i]; i++) {
		unsigned char a[16];
		int ip = inet_pton(AF_INET, sans[i], a) == 1 || inet_pton(AF_INET6, sans[i], a) == 1;

		fr_buf_addf(&san, "%s%s:%s", i ? "," : "", ip ? "IP" : "DNS", sans[i]);
	}
	if ((key = new_key()) == NULL || (crt = make_cert(key, cn, 1825, ca, cakey, san.buf)) == NULL ||
	    pem_key(key, key_pem) < 0 || pem_crt(crt, crt_pem) < 0)
		r = ssl_fail(err, "cannot issue a certificate");
out:
	fr_buf_release(&san);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
	X509_free(crt);
	X509_free(ca);
	return r;
}

int fr_pki_cert_ok(const char *cadir, const char *crt_pem)
{
	X509 *ca = NULL, *crt = NULL;
	EVP_PKEY *cakey = NULL, *capub;
	BIO *b = BIO_new_mem_buf(crt_pem, -1);
	int ok = 0;

	if (b && load_ca(cadir, &ca, &cakey, NULL) == 0 && (crt = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL &&
	    (capub = X509_get0_pubkey(ca)) != NULL && X509_verify(crt, capub) == 1) {
		time_t soon = time(NULL) + 30 * 86400;

		ok = X509_cmp_time(X509_get0_notAfter(crt), &soon) > 0;
	}
	ERR_clear_error();
	BIO_free(b);
	X509_free(crt);
	X509_free(ca);
	EVP_PKEY_free(cakey);
	return ok;
}
