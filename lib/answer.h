/* answer.h -- answer files for vendors' installers (Debian preseed, EL kickstart, Ubuntu
 * autoinstall) made from a node's profile, the install medium they read farrow from, and the
 * checks each file passes before it is written. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_ANSWER_H
#define FR_ANSWER_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "yamlnode.h"

enum fr_answer_kind { FR_ANSWER_PRESEED, FR_ANSWER_KICKSTART, FR_ANSWER_AUTOINSTALL };

/* "preseed", "kickstart", "autoinstall". */
const char *fr_answer_kind_name(enum fr_answer_kind k);

/*
 * The install medium. A vendor's installer boots from its own medium and reads farrow's files
 * from the farrow/ directory at its root (the installer mounts it at fr_answer_medium_mount):
 *
 *   farrow/farrow-firstboot                 the node agent            (pinned)
 *   farrow/bundle.gpg                       the bundle's public key   (pinned)
 *   farrow/bundles/<top>.tar.zst{,.sig}     the signed bundle         (pinned)
 *   farrow/bundles/<top>/                   the same bundle unpacked (verified): the installer's
 *                                           local package repository (<top>/repo)
 *   farrow/profiles/<ip>.yml                each node's profile, 0600 (pinned by its answer file)
 *   farrow/install-node.sh                  what an answer file's post-install step runs
 *                                           (pinned by the answer file; it pins the rest)
 *
 * An answer file carries the SHA-256 of install-node.sh and of its node's profile; the
 * script carries those of the other files and checks every one before it copies anything into
 * the installed system. So the answer file, delivered by the vendor's own means, is what is
 * trusted; the medium is checked against it.
 */
#define FR_MEDIUM_DIR "farrow"

struct fr_medium {
	char *top;            /* the bundle's top directory */
	char *target;         /* its target ("d12.x86_64") */
	char script_sha[65];  /* install-node.sh */
	char profile_sha[65]; /* farrow/profiles/<ip>.yml */
};

struct fr_medium_opts {
	const char *dir;          /* the medium's root: farrow/ is made (or added to) below it */
	const char *bundle, *key; /* the bundle (.sig beside it) and the public key it verifies with */
	const char *firstboot;    /* the farrow-firstboot binary */
	const char *ip;           /* the node */
	const char *profile;      /* its profile's text */
	size_t profile_len;
	const char *farrow_version; /* written into install-node.sh */
	int quiet;
};

/*
 * Write (or add to) the medium: the bundle verified first (nothing is written when it does not
 * verify); a file the medium already holds is kept when it is the same, and the call refused,
 * nothing written, when it differs (the medium was made from another bundle, key or
 * farrow-firstboot); the node's profile replaced atomically. m filled (release with
 * fr_medium_release). 0, or an error code with err set.
 */
int fr_medium_write(const struct fr_medium_opts *o, struct fr_medium *m, struct fr_err *err);
void fr_medium_release(struct fr_medium *m);

/* Where the installer of kind k sees the medium's root, and the installed system's root. */
const char *fr_answer_medium_mount(enum fr_answer_kind k);
const char *fr_answer_target_root(enum fr_answer_kind k);

struct fr_answer_opts {
	enum fr_answer_kind kind;
	const struct fr_node *profile; /* the node's profile, loaded and checked (fr_profile_load) */
	const struct fr_medium *medium;
	const char *root_hash;         /* crypt(3) SHA-512 ($6$...) of the root (or admin) password */
	const char *ssh_key;           /* one OpenSSH public key line, or NULL */
	const char *source;            /* the inventory's path, for the file's comment */
	const char *farrow_version;
};

/*
 * Append the answer file of o->kind for the profile's node: its address (node_install_address,
 * else <host>/24), gateway (node_install_gateway), name servers (node_dns_servers, IPv4 only),
 * host name, the disk (node_install_disk, else the machine's only disk), the credentials, the
 * medium's bundle as the local repository, and the post-install step. A preseed is refused for
 * a bundle that is not Debian's, a kickstart for one not EL's, an autoinstall for one not
 * Ubuntu's. 0 or FR_EINVALID with err set.
 */
int fr_answer_render(const struct fr_answer_opts *o, struct fr_buf *out, struct fr_err *err);

/*
 * Check an answer file of kind k: preseed lines as debconf reads them (owner, question, type,
 * value; the types debconf knows; booleans true/false), then debconf-set-selections -c when it is
 * installed; kickstart against a grammar of the commands and sections farrow writes (unknown
 * commands, options and unclosed sections are errors); autoinstall as YAML against subiquity's
 * autoinstall v1 schema (its keys and their types). Problems go to d with line and column.
 * Returns the number of errors.
 */
size_t fr_answer_check(enum fr_answer_kind k, const char *text, size_t len, struct fr_diags *d);

/* crypt(3) SHA-512 ("$6$<16 random characters>$...") of password into out (at least 128
 * bytes); the salt from RAND_bytes. 0, or FR_ECRYPTO/FR_EIO with err set. */
int fr_crypt_sha512(const char *password, char *out, size_t n, struct fr_err *err);

/* NULL when s is one OpenSSH public key line (type, base64, optional comment of plain
 * characters), else what is wrong with it. */
const char *fr_ssh_pubkey_problem(const char *s);

#endif
