/* pgp.h -- OpenPGP keys, signatures and verification through stock gpg and gpgv. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_PGP_H
#define FR_PGP_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/*
 * farrow signs with one RSA-4096 key and SHA-512 digests: what apt (gpgv on
 * Debian 12 / Ubuntu, sqv on Debian 13), dnf and rpm on EL 8-10 all accept.
 * Each call works in a private, temporary GnuPG home that is removed
 * afterwards: the user's keyrings are never read or changed.
 */

/*
 * Make a signing key pair in dir: farrow-signing.key (secret, armored, mode
 * 0600), farrow-signing.gpg (public, binary: for apt's signed-by and gpgv)
 * and farrow-signing.asc (public, armored: for dnf's gpgkey=). Refuses to
 * overwrite an existing secret key. Returns 0, FR_EIO or FR_ECRYPTO.
 */
int fr_pgp_keygen(const char *dir, const char *uid, struct fr_err *err);

/* A signer holding one secret key in its private GnuPG home. */
struct fr_pgp_signer;

/* Load the secret key file. Returns NULL with err filled on failure. */
struct fr_pgp_signer *fr_pgp_signer_open(const char *keyfile, struct fr_err *err);
void fr_pgp_signer_close(struct fr_pgp_signer *s);

/* The signer's public key (binary or armored) appended to out; its fingerprint. */
int fr_pgp_signer_export(struct fr_pgp_signer *s, int armor, struct fr_buf *out, struct fr_err *err);
const char *fr_pgp_signer_fpr(const struct fr_pgp_signer *s);

enum fr_pgp_mode { FR_PGP_CLEARSIGN, FR_PGP_DETACH_ARMOR, FR_PGP_DETACH_BINARY };

/*
 * Sign data (or, when path is not NULL, the file at path) and append the
 * signature (or clearsigned text) to out. epoch, when > 0, is the
 * signature's creation time, so the same inputs give the same bytes.
 */
int fr_pgp_sign(struct fr_pgp_signer *s, enum fr_pgp_mode mode, const void *data, size_t len,
		const char *path, long long epoch, struct fr_buf *out, struct fr_err *err);

/*
 * Sign text (len bytes) with the secret key file, loaded for this one signature (made at epoch
 * when > 0), and write text to path and its detached binary signature to sigpath, both 0644:
 * refused (FR_EARG) when either exists, and neither is left behind on failure. 0 or an error code.
 */
int fr_pgp_sign_files(const char *sign_key, const char *text, size_t len, long long epoch, const char *path,
		      const char *sigpath, struct fr_err *err);

/*
 * Verify with only the public key(s) in keyfile (binary or armored).
 * Detached: sig/siglen over the file at datapath. Clearsigned: sig is the
 * whole clearsigned text and the signed content is appended to content.
 * Returns 0 when good; FR_ECRYPTO (err says gpgv's reason) when not.
 */
int fr_pgp_verify_detached(const char *keyfile, const void *sig, size_t siglen, const char *datapath,
			   struct fr_err *err);
int fr_pgp_verify_clearsigned(const char *keyfile, const void *text, size_t len, struct fr_buf *content,
			      struct fr_err *err);

/*
 * Remove every temporary GnuPG home this process has open (a signer's holds the secret key)
 * and stop its gpg-agent. Async-signal-safe (fork, exec, waitpid): a program that loads a
 * secret key calls it from its SIGINT/SIGTERM/SIGHUP handler, then dies of the signal.
 */
void fr_pgp_remove_homes(void);

/* The fingerprint of the first key in keyfile (40 hex digits) into out. */
int fr_pgp_fingerprint(const char *keyfile, char out[41], struct fr_err *err);

#endif
