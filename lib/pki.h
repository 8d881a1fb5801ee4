/* pki.h -- farrow's certificate authority: made on the admin side with OpenSSL, carried to nodes. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_PKI_H
#define FR_PKI_H

#include "buf.h"
#include "err.h"

/*
 * Make dir/ca.key (0600) and dir/ca.crt (an ECDSA P-256 CA, ten years)
 * unless both exist; an existing CA is never replaced. *created is set to 1
 * when a new one was made. Returns 0, FR_EIO or FR_ECRYPTO.
 */
int fr_pki_ca_ensure(const char *dir, int *created, struct fr_err *err);

/*
 * Issue a server and client certificate (ECDSA P-256, five years) signed by
 * the CA in cadir for common name cn, with subjectAltNames: every entry of
 * sans (NULL-terminated) that parses as an IP address is an IP SAN, the rest
 * DNS names. key_pem and crt_pem get PEM text. Returns 0 or FR_ECRYPTO/FR_EIO.
 */
int fr_pki_issue(const char *cadir, const char *cn, const char *const *sans, struct fr_buf *key_pem,
		 struct fr_buf *crt_pem, struct fr_err *err);

/*
 * 1 when crt_pem is signed by the CA in cadir and valid for at least 30 more
 * days; 0 otherwise.
 */
int fr_pki_cert_ok(const char *cadir, const char *crt_pem);

#endif
