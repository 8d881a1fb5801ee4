/* answer.c -- answer files for vendors' installers, the install medium they read, their checks. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "answer.h"
#include "bundle.h"
#include "crypto.h"
#include "exec.h"
#include "fileio.h"
#include "inventory.h"
#include "profile.h"
#include "xalloc.h"

const char *fr_answer_kind_name(enum fr_answer_kind k)
{
	return k == FR_ANSWER_PRESEED ? "preseed" : k == FR_ANSWER_KICKSTART ? "kickstart" : "autoinstall";
}

/* d-i and subiquity mount their medium at /cdrom, Anaconda its installation source at
 * /run/install/repo; the installed system is at /target (d-i, curtin) or /mnt/sysimage. */
const char *fr_answer_medium_mount(enum fr_answer_kind k)
{
	return k == FR_ANSWER_KICKSTART ? "/run/install/repo" : "/cdrom";
}

const char *fr_answer_target_root(enum fr_answer_kind k)
{
	return k == FR_ANSWER_KICKSTART ? "/mnt/sysimage" : "/target";
}

/* ------------------------------------------------------------------ the medium */

void fr_medium_release(struct fr_medium *m)
{
	free(m->top);
	free(m->target);
	m->top = m->target = NULL;
}

/* install-node.sh, the one post-install step of every answer file: the pins of the medium's
 * shared files in it, the profile's given by the answer file that runs it. */
static void node_script(const char *version, const char *top, const char *fb_sha, const char *key_sha,
			const char *bundle_sha, const char *sig_sha, struct fr_buf *out)
{
	fr_buf_addf(out,
		    "#!/bin/sh\n"
		    "# install-node.sh -- written by farrow %s on this medium. An answer file's post-install\n"
		    "# step runs it from the installer, after checking it against the SHA-256 it carries:\n"
		    "#   sh install-node.sh <medium's farrow dir> <installed root> <node ip> <profile SHA-256>\n"
		    "# It copies farrow-firstboot, the signed bundle, its key and the node's profile into the\n"
		    "# installed system, checks each copy against its SHA-256 (below; the profile's from the\n"
		    "# answer file) and the bundle's signature, and only then puts them in place and enables\n"
		    "# farrow-firstboot.service: the node converges at its first boot. A mismatch installs nothing.\n"
		    "set -eu\n"
		    "usage='usage: install-node.sh MEDIUM-DIR TARGET IP PROFILE-SHA256'\n"
		    "src=${1:?$usage} target=${2:?$usage} ip=${3:?$usage} want=${4:?$usage}\n"
		    "top='%s'\n"
		    "case $ip in *[!0-9.]*) echo \"farrow: '$ip' is not an IPv4 address\" >&2; exit 2 ;; esac\n"
		    "case $want in *[!0-9a-f]*) echo \"farrow: '$want' is not a SHA-256\" >&2; exit 2 ;; esac\n"
		    "[ -d \"$target/etc\" ] || { echo \"farrow: $target is not an installed system\" >&2; exit 1; }\n"
		    "stage=$target" FR_NODE_DIR "/.install-node\n"
		    "rm -rf \"$stage\"\n"
		    "mkdir -p \"$stage\"\n"
		    "chmod 700 \"$stage\"\n"
		    "take() { # take FILE SHA256: copy FILE of the medium into the stage, then check the copy\n"
		    "\tcp \"$src/$1\" \"$stage/${1##*/}\" || { rm -rf \"$stage\"; echo \"farrow: cannot read $src/$1: nothing installed\" >&2; exit 1; }\n"
		    "\tgot=$(sha256sum <\"$stage/${1##*/}\" | cut -d' ' -f1)\n"
		    "\tif [ \"$got\" != \"$2\" ]; then\n"
		    "\t\trm -rf \"$stage\"\n"
		    "\t\techo \"farrow: $src/$1 is not the file the answer file was made with (SHA-256 $got, expected $2): nothing installed\" >&2\n"
		    "\t\texit 1\n"
		    "\tfi\n"
		    "}\n"
		    "take farrow-firstboot %s\n"
		    "take bundle.gpg %s\n"
		    "take \"bundles/$top.tar.zst\" %s\n"
		    "take \"bundles/$top.tar.zst.sig\" %s\n"
		    "take \"profiles/$ip.yml\" \"$want\"\n"
		    "chmod 755 \"$stage/farrow-firstboot\"\n"
		    "# the check reads the bundle through /proc/self/fd: the installers mount /proc in their\n"
		    "# target; where it is not, it is mounted for the check and unmounted after\n"
		    "proc=\n"
		    "if [ ! -e \"$target/proc/self/fd\" ]; then\n"
		    "\tmount -t proc proc \"$target/proc\" && proc=$target/proc\n"
		    "fi\n"
		    "if ! chroot \"$target\" " FR_NODE_DIR "/.install-node/farrow-firstboot verify " FR_NODE_DIR
		    "/.install-node/$top.tar.zst \\\n"
		    "\t--key " FR_NODE_DIR "/.install-node/bundle.gpg >/dev/null; then\n"
		    "\t[ -z \"$proc\" ] || umount \"$proc\"\n"
		    "\trm -rf \"$stage\"\n"
		    "\techo \"farrow: the bundle does not verify in the installed system: nothing installed\" >&2\n"
		    "\texit 1\n"
		    "fi\n"
		    "[ -z \"$proc\" ] || umount \"$proc\"\n"
		    "mkdir -p \"$target/usr/local/sbin\" \"$target" FR_NODE_DIR "/keys\" \"$target" FR_NODE_DIR "/incoming\" \\\n"
		    "\t\"$target" FR_NODE_DIR "/bundles\" \"$target/var/log/farrow\" \"$target/etc/farrow\" \\\n"
		    "\t\"$target/etc/systemd/system/multi-user.target.wants\"\n"
		    "chmod 700 \"$target/etc/farrow\"\n"
		    "mv \"$stage/farrow-firstboot\" \"$target/usr/local/sbin/farrow-firstboot\"\n"
		    "mv \"$stage/bundle.gpg\" \"$target" FR_NODE_DIR "/keys/bundle.gpg\"\n"
		    "mv \"$stage/$top.tar.zst.sig\" \"$target" FR_NODE_DIR "/incoming/$top.tar.zst.sig\"\n"
		    "mv \"$stage/$top.tar.zst\" \"$target" FR_NODE_DIR "/incoming/$top.tar.zst\"\n"
		    "chmod 600 \"$stage/$ip.yml\"\n"
		    "mv \"$stage/$ip.yml\" \"$target/etc/farrow/profile.yml\"\n"
		    "cat >\"$stage/unit\" <<'FARROW_UNIT'\n%sFARROW_UNIT\n"
		    "mv \"$stage/unit\" \"$target/etc/systemd/system/farrow-firstboot.service\"\n"
		    "ln -sf ../farrow-firstboot.service \"$target/etc/systemd/system/multi-user.target.wants/farrow-firstboot.service\"\n"
		    "rm -rf \"$stage\"\n"
		    "echo \"farrow: node $ip installed in $target: farrow-firstboot converges it at first boot\"\n",
		    version, top, fb_sha, key_sha, bundle_sha, sig_sha, fr_firstboot_unit);
}

/* A shared file of the medium: copied when absent; kept when the same; else refused. check_only:
 * say whether it may be placed, write nothing. */
static int place(const char *from, const char *to, mode_t mode, int check_only, struct fr_err *err)
{
	char a[65], b[65];

	if (access(to, F_OK) == 0) {
		if (fr_sha256_file(from, a, NULL, err) < 0 || fr_sha256_file(to, b, NULL, err) < 0)
			return FR_EIO;
		if (strcmp(a, b) != 0)
			return fr_err_set(err, FR_EINVALID,
					  "%s is another file than %s: this medium was made with another bundle, key or "
					  "farrow-firstboot (give another --medium, or remove its farrow/ directory): nothing written",
					  to, from);
		return 0;
	}
	return check_only ? 0 : fr_copy_file(from, to, mode, err);
}

static int place_text(const char *text, const char *to, mode_t mode, int check_only, struct fr_err *err)
{
	char *old = NULL;
	size_t len = 0;
	int r = 0;

	if (access(to, F_OK) == 0) {
		if (fr_read_file(to, 1 << 20, &old, &len, err) < 0)
			return FR_EIO;
		if (len != strlen(text) || memcmp(old, text, len) != 0)
			r = fr_err_set(err, FR_EINVALID,
				       "%s was written for another bundle, key or farrow-firstboot (give another --medium, "
				       "or remove its farrow/ directory): nothing written", to);
		free(old);
		return r;
	}
	return check_only ? 0 : fr_write_atomic(to, text, strlen(text), mode, 0, err);
}

int fr_medium_write(const struct fr_medium_opts *o, struct fr_medium *m, struct fr_err *err)
{
	struct fr_bundle_check check;
	struct fr_buf script = FR_BUF_INIT;
	char *base = NULL, *work = NULL, *sig = NULL, *p = NULL, *q = NULL, *unpacked = NULL;
	char fb_sha[65], key_sha[65], bundle_sha[65], sig_sha[65];
	const char *src[4], *dst[4];
	mode_t modes[4] = { 0755, 0644, 0644, 0644 };
	char *dsts[4] = { NULL, NULL, NULL, NULL };
	int r, pass, i;

	memset(&check, 0, sizeof(check));
	memset(m, 0, sizeof(*m));
	if (!fr_is_ipv4(o->ip))
		return fr_err_set(err, FR_EARG, "'%s' is not an IPv4 address", o->ip);
	base = fr_xasprintf("%s/" FR_MEDIUM_DIR, o->dir);
	p = fr_xasprintf("%s/bundles", base);
	if ((r = fr_mkdir_p(p, 0755, err)) < 0)
		goto out;
	free(p);
	p = NULL;
	work = fr_xasprintf("%s/bundles/.verify-XXXXXX", base);
	if (mkdtemp(work) == NULL) {
		r = fr_err_set(err, FR_EIO, "cannot make a work directory in %s: %s", base, strerror(errno));
		free(work);
		work = NULL;
		goto out;
	}
	if (!o->quiet)
		fprintf(stderr, "farrow profile: verifying %s\n", o->bundle);
	if ((r = fr_bundle_verify_or_say(o->bundle, o->key, work, "nothing written", &check, err)) < 0)
		goto out;
	m->top = fr_xstrdup(check.m.top);
	m->target = fr_xstrdup(check.m.target);
	sig = fr_xasprintf("%s.sig", o->bundle);
	if ((r = fr_sha256_file(o->firstboot, fb_sha, NULL, err)) < 0 || (r = fr_sha256_file(o->key, key_sha, NULL, err)) < 0 ||
	    (r = fr_sha256_file(o->bundle, bundle_sha, NULL, err)) < 0 || (r = fr_sha256_file(sig, sig_sha, NULL, err)) < 0)
		goto out;
	node_script(o->farrow_version ? o->farrow_version : "?", m->top, fb_sha, key_sha, bundle_sha, sig_sha, &script);
	fr_sha256_hex(script.buf, script.len, m->script_sha);
	fr_sha256_hex(o->profile, o->profile_len, m->profile_sha);
	src[0] = o->firstboot, src[1] = o->key, src[2] = o->bundle, src[3] = sig;
	dst[0] = "farrow-firstboot", dst[1] = "bundle.gpg", dst[2] = NULL, dst[3] = NULL;
	for (i = 0; i < 4; i++)
		dsts[i] = dst[i] ? fr_xasprintf("%s/%s", base, dst[i])
				 : fr_xasprintf("%s/bundles/%s.tar.zst%s", base, m->top, i == 3 ? ".sig" : "");
	p = fr_xasprintf("%s/install-node.sh", base);
	unpacked = fr_xasprintf("%s/bundles/%s", base, m->top);
	/* first every check, then the writes: a refusal leaves the medium as it was */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < 4; i++)
			if ((r = place(src[i], dsts[i], modes[i], pass == 0, err)) < 0)
				goto out;
		if ((r = place_text(script.buf, p, 0755, pass == 0, err)) < 0)
			goto out;
		if (pass == 0) {
			q = fr_xasprintf("%s/profiles", base);
			if ((r = fr_mkdir_p(q, 0700, err)) < 0)
				goto out;
		}
	}
	/* the unpacked bundle (the installer's local repository): the verified tree, once */
	if (access(unpacked, F_OK) != 0) {
		if (chmod(work, 0755) < 0 || rename(work, unpacked) < 0) {
			r = fr_err_set(err, FR_EIO, "cannot move the verified bundle to %s: %s", unpacked, strerror(errno));
			goto out;
		}
	}
	free(q);
	q = fr_xasprintf("%s/profiles/%s.yml", base, o->ip);
	r = fr_write_atomic(q, o->profile, o->profile_len, 0600, 0, err);
out:
	if (work)
		fr_rm_rf(work);
	for (i = 0; i < 4; i++)
		free(dsts[i]);
	fr_bundle_check_release(&check);
	fr_buf_release(&script);
	free(base);
	free(work);
	free(sig);
	free(p);
	free(q);
	free(unpacked);
	if (r < 0)
		fr_medium_release(m);
	return r;
}

/* ------------------------------------------------------------------ credentials */

int fr_crypt_sha512(const char *password, char *out, size_t n, struct fr_err *err)
{
	unsigned char rnd[16];
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	int r = 0;

	if (n < 128)
		return fr_err_set(err, FR_EARG, "crypt: output too small");
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return fr_err_set(err, FR_ECRYPTO, "RAND_bytes failed: not enough entropy");
	if (crypt_gensalt_rn("$6$", 0, (const char *)rnd, sizeof(rnd), salt, sizeof(salt)) == NULL) {
		OPENSSL_cleanse(rnd, sizeof(rnd));
		return fr_err_set(err, FR_ECRYPTO, "crypt_gensalt: %s", strerror(errno));
	}
	OPENSSL_cleanse(rnd, sizeof(rnd));
	cd = fr_xcalloc(1, sizeof(*cd));
	if (crypt_r(password, salt, cd) == NULL || cd->output[0] != '$' || strlen(cd->output) >= n)
		r = fr_err_set(err, FR_ECRYPTO, "crypt(3) SHA-512 failed");
	else
		strcpy(out, cd->output);
	OPENSSL_cleanse(cd, sizeof(*cd));
	free(cd);
	return r;
}

const char *fr_ssh_pubkey_problem(const char *s)
{
	static const char *const types[] = { "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
					     "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
					     "sk-ecdsa-sha2-nistp256@openssh.com", NULL };
	const char *sp = strchr(s, ' '), *b;
	size_t i, n;

	if (sp == NULL)
		return "is not an OpenSSH public key line (type, key, comment)";
	for (i = 0; types[i]; i++)
		if ((size_t)(sp - s) == strlen(types[i]) && strncmp(s, types[i], strlen(types[i])) == 0)
			break;
	if (types[i] == NULL)
		return "is not an OpenSSH public key of a type OpenSSH takes (ssh-ed25519, ssh-rsa, ecdsa-sha2-*)";
	b = sp + 1;
	n = strspn(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
	if (n < 16 || (b[n] != '\0' && b[n] != ' '))
		return "has no base64 key after its type";
	for (b += n; *b; b++)
		if (!isalnum((unsigned char)*b) && !strchr(" @._+-:", *b))
			return "has a comment with characters other than [A-Za-z0-9 @._+-:]";
	return NULL;
}

/* ------------------------------------------------------------------ rendering */

struct net {
	char ip[16], mask[16], gw[16];
	int prefix;
	struct fr_buf dns; /* separated by sep */
};

static const struct fr_node *var(const struct fr_node *profile, const char *name)
{
	return fr_node_get(fr_node_get(profile, "vars"), name);
}

static int net_of(const struct fr_node *profile, struct net *n, const char *sep, struct fr_err *err)
{
	const char *host = fr_node_str(fr_node_get(profile, "host"));
	const char *addr = fr_node_str(var(profile, "node_install_address"));
	const char *gw = fr_node_str(var(profile, "node_install_gateway"));
	const struct fr_node *dns = var(profile, "node_dns_servers");
	unsigned long m;
	size_t i;

	memset(n, 0, sizeof(*n));
	fr_buf_init(&n->dns);
	if (host == NULL || !fr_is_ipv4(host))
		return fr_err_set(err, FR_EINVALID, "the profile has no host address");
	snprintf(n->ip, sizeof(n->ip), "%s", host);
	n->prefix = 24;
	if (addr && *addr) {
		const char *slash = strchr(addr, '/');

		if (slash == NULL || (size_t)(slash - addr) != strlen(host) || strncmp(addr, host, strlen(host)) != 0)
			return fr_err_set(err, FR_EINVALID, "node_install_address '%s' is not this node's address %s with a "
					  "prefix length", addr, host);
		n->prefix = atoi(slash + 1);
	}
	m = n->prefix ? 0xffffffffUL << (32 - n->prefix) & 0xffffffffUL : 0;
	snprintf(n->mask, sizeof(n->mask), "%lu.%lu.%lu.%lu", m >> 24 & 255, m >> 16 & 255, m >> 8 & 255, m & 255);
	if (gw && *gw)
		snprintf(n->gw, sizeof(n->gw), "%s", gw);
	for (i = 0; fr_node_is_seq(dns) && i < dns->n; i++) {
		const char *s = fr_node_str(dns->items[i]);

		/* Pigsty's default name server is its admin node, written as the template ${admin_ip} */
		if (s && strcmp(s, "${admin_ip}") == 0)
			s = fr_node_str(var(profile, "admin_ip"));

		if (s == NULL || !fr_is_ipv4(s)) {
			fr_buf_release(&n->dns);
			return fr_err_set(err, FR_EINVALID, "node_dns_servers: '%s' is not an IPv4 address (an installer "
					  "takes name servers by address)", s ? s : "?");
		}
		fr_buf_addf(&n->dns, "%s%s", n->dns.len ? sep : "", s);
	}
	return 0;
}

/* YAML double-quoted scalar (a JSON string is one). */
static void yq(struct fr_buf *out, const char *s)
{
	fr_buf_add_json_str(out, s);
}

static void preseed(const struct fr_answer_opts *o, const char *name, const struct net *n, const char *disk,
		    struct fr_buf *out)
{
	const char *mnt = fr_answer_medium_mount(o->kind), *top = o->medium->top;
	const char *codename = fr_target_codename(o->medium->target);

	fr_buf_addf(out,
		    "# Debian preseed for %s (%s), written by farrow %s from %s.\n"
		    "# d-i installs from its own medium (no network mirror); the medium's farrow/ directory (farrow\n"
		    "# profile --medium) holds the signed bundle, a second local repository, and install-node.sh,\n"
		    "# which preseed/late_command checks against its SHA-256 before it runs it. Root's password is\n"
		    "# a crypt(3) SHA-512 hash. Check: debconf-set-selections -c FILE.\n",
		    name, n->ip, o->farrow_version, o->source ? o->source : "its profile");
	fr_buf_adds(out, "d-i debian-installer/locale string en_US.UTF-8\n"
			 "d-i keyboard-configuration/xkb-keymap select us\n"
			 "d-i hw-detect/load_firmware boolean false\n"
			 "d-i netcfg/choose_interface select auto\n"
			 "d-i netcfg/disable_autoconfig boolean true\n");
	fr_buf_addf(out, "d-i netcfg/get_ipaddress string %s\nd-i netcfg/get_netmask string %s\n", n->ip, n->mask);
	if (n->gw[0])
		fr_buf_addf(out, "d-i netcfg/get_gateway string %s\n", n->gw);
	else
		fr_buf_adds(out, "d-i netcfg/get_gateway string\nd-i netcfg/no_default_route boolean true\n");
	fr_buf_addf(out, "d-i netcfg/get_nameservers string %s\n", n->dns.buf ? n->dns.buf : "");
	fr_buf_addf(out, "d-i netcfg/confirm_static boolean true\n"
			 "d-i netcfg/get_hostname string %s\nd-i netcfg/hostname string %s\nd-i netcfg/get_domain string\n",
		    name, name);
	fr_buf_adds(out, "d-i mirror/country string manual\n"
			 "d-i apt-setup/use_mirror boolean false\n"
			 "d-i apt-setup/services-select multiselect\n"
			 "d-i apt-setup/non-free-firmware boolean false\n"
			 "d-i apt-setup/cdrom/set-first boolean false\n");
	fr_buf_addf(out, "d-i apt-setup/local0/repository string file:%s/" FR_MEDIUM_DIR "/bundles/%s/repo farrow main\n"
			 "d-i apt-setup/local0/comment string farrow bundle %s (%s)\n"
			 "d-i apt-setup/local0/key string file://%s/" FR_MEDIUM_DIR "/bundles/%s/keys/farrow-signing.gpg\n"
			 "d-i debian-installer/allow_unauthenticated boolean false\n",
		    mnt, top, top, codename ? codename : "?", mnt, top);
	fr_buf_addf(out, "d-i passwd/root-login boolean true\n"
			 "d-i passwd/make-user boolean false\n"
			 "d-i passwd/root-password-crypted password %s\n",
		    o->root_hash);
	fr_buf_adds(out, "d-i clock-setup/utc boolean true\nd-i time/zone string Etc/UTC\nd-i clock-setup/ntp boolean false\n");
	if (disk)
		fr_buf_addf(out, "d-i partman-auto/disk string %s\n", disk);
	fr_buf_adds(out, "d-i partman-auto/method string regular\n"
			 "d-i partman-auto/choose_recipe select atomic\n"
			 "d-i partman-partitioning/choose_label select gpt\n"
			 "d-i partman-partitioning/confirm_write_new_label boolean true\n"
			 "d-i partman-lvm/device_remove_lvm boolean true\n"
			 "d-i partman-md/device_remove_md boolean true\n"
			 "d-i partman-efi/non_efi_system boolean true\n"
			 "d-i partman/choose_partition select finish\n"
			 "d-i partman/confirm boolean true\n"
			 "d-i partman/confirm_nooverwrite boolean true\n"
			 "tasksel tasksel/first multiselect standard, ssh-server\n"
			 "d-i pkgsel/include string openssh-server gpgv\n"
			 "d-i pkgsel/upgrade select none\n"
			 "popularity-contest popularity-contest/participate boolean false\n"
			 "d-i grub-installer/only_debian boolean true\n");
	fr_buf_addf(out, "d-i grub-installer/bootdev string %s\n", disk ? disk : "default");
	fr_buf_addf(out, "d-i preseed/late_command string cp %s/" FR_MEDIUM_DIR "/install-node.sh /tmp/farrow-install-node.sh"
			 " && [ \"$(sha256sum </tmp/farrow-install-node.sh | cut -d' ' -f1)\" = %s ]"
			 " && sh /tmp/farrow-install-node.sh %s/" FR_MEDIUM_DIR " /target %s %s",
		    mnt, o->medium->script_sha, mnt, n->ip, o->medium->profile_sha);
	if (o->ssh_key)
		fr_buf_addf(out, " && mkdir -p -m 700 /target/root/.ssh && echo '%s' >>/target/root/.ssh/authorized_keys"
				 " && chmod 600 /target/root/.ssh/authorized_keys", o->ssh_key);
	fr_buf_adds(out, "\nd-i finish-install/reboot_in_progress note\n");
}

static void kickstart(const struct fr_answer_opts *o, const char *name, const struct net *n, const char *disk,
		      struct fr_buf *out)
{
	const char *mnt = fr_answer_medium_mount(o->kind), *top = o->medium->top;
	const char *dev = disk ? (strrchr(disk, '/') ? strrchr(disk, '/') + 1 : disk) : NULL;
	int fw_off = 1, se_off = 1;

	fr_node_bool(var(o->profile, "node_disable_firewall"), &fw_off);
	fr_node_bool(var(o->profile, "node_disable_selinux"), &se_off);
	fr_buf_addf(out,
		    "# Kickstart for %s (%s), written by farrow %s from %s.\n"
		    "# Anaconda installs from its own medium; the medium's farrow/ directory (farrow profile\n"
		    "# --medium) holds the signed bundle, a second local repository, and install-node.sh, which\n"
		    "# %%post checks against its SHA-256 before it runs it. %%onerror keeps the installer's logs.\n",
		    name, n->ip, o->farrow_version, o->source ? o->source : "its profile");
	fr_buf_addf(out, "text\ncdrom\nrepo --name=farrow --baseurl=file://%s/" FR_MEDIUM_DIR "/bundles/%s/repo\n", mnt, top);
	fr_buf_adds(out, "lang en_US.UTF-8\nkeyboard --vckeymap=us --xlayouts=us\ntimezone Etc/UTC --utc\n");
	fr_buf_addf(out, "network --bootproto=static --device=link --ip=%s --netmask=%s", n->ip, n->mask);
	if (n->gw[0])
		fr_buf_addf(out, " --gateway=%s", n->gw);
	if (n->dns.len)
		fr_buf_addf(out, " --nameserver=%s", n->dns.buf);
	else
		fr_buf_adds(out, " --nodns");
	fr_buf_addf(out, " --hostname=%s --activate --onboot=on\n", name);
	fr_buf_addf(out, "rootpw --iscrypted %s\n", o->root_hash);
	if (o->ssh_key)
		fr_buf_addf(out, "sshkey --username=root \"%s\"\n", o->ssh_key);
	fr_buf_addf(out, "firewall --%s\nselinux --%s\nfirstboot --disabled\nskipx\nzerombr\n", fw_off ? "disabled" : "enabled",
		    se_off ? "disabled" : "enforcing");
	if (dev)
		fr_buf_addf(out, "ignoredisk --only-use=%s\nclearpart --all --initlabel --drives=%s\n", dev, dev);
	else
		fr_buf_adds(out, "clearpart --all --initlabel\n");
	fr_buf_adds(out, "reqpart --add-boot\n");
	fr_buf_addf(out, "part / --fstype=xfs --size=4096 --grow%s%s\n", dev ? " --ondisk=" : "", dev ? dev : "");
	if (dev)
		fr_buf_addf(out, "bootloader --boot-drive=%s\n", dev);
	else
		fr_buf_adds(out, "bootloader\n");
	fr_buf_adds(out, "reboot\n\n%packages\n@^minimal-environment\nopenssh-server\n%end\n\n");
	fr_buf_addf(out,
		    "%%post --nochroot --erroronfail --log=/mnt/sysimage/root/farrow-install-node.log\n"
		    "set -e\n"
		    "cp %s/" FR_MEDIUM_DIR "/install-node.sh /tmp/farrow-install-node.sh\n"
		    "[ \"$(sha256sum </tmp/farrow-install-node.sh | cut -d' ' -f1)\" = %s ] || {\n"
		    "\techo 'farrow: install-node.sh on the medium is not the one this kickstart was made with' >&2\n"
		    "\texit 1\n"
		    "}\n"
		    "sh /tmp/farrow-install-node.sh %s/" FR_MEDIUM_DIR " /mnt/sysimage %s %s\n"
		    "%%end\n\n",
		    mnt, o->medium->script_sha, mnt, n->ip, o->medium->profile_sha);
	fr_buf_adds(out, "%onerror\n"
			 "# the installer's logs onto the installed system when it is mounted, for the operator\n"
			 "if [ -d /mnt/sysimage/var/log ]; then\n"
			 "\tmkdir -p /mnt/sysimage/var/log/farrow/install\n"
			 "\tcp /tmp/*.log /mnt/sysimage/var/log/farrow/install/ 2>/dev/null || true\n"
			 "fi\n"
			 "%end\n");
}

static void autoinstall(const struct fr_answer_opts *o, const char *name, const struct net *n, const char *disk,
			struct fr_buf *out)
{
	const char *mnt = fr_answer_medium_mount(o->kind), *top = o->medium->top;
	const char *admin = fr_node_str(var(o->profile, "node_admin_username"));
	struct fr_buf s = FR_BUF_INIT;
	size_t i;

	fr_buf_addf(out,
		    "#cloud-config\n"
		    "# Ubuntu autoinstall for %s (%s), written by farrow %s from %s.\n"
		    "# subiquity installs from its own medium; the medium's farrow/ directory (farrow profile\n"
		    "# --medium) holds the signed bundle, a local repository, and install-node.sh, which the\n"
		    "# late-commands check against its SHA-256 before they run it.\n",
		    name, n->ip, o->farrow_version, o->source ? o->source : "its profile");
	fr_buf_adds(out, "autoinstall:\n  version: 1\n  locale: en_US.UTF-8\n  keyboard:\n    layout: us\n  timezone: UTC\n");
	fr_buf_adds(out, "  network:\n    version: 2\n    ethernets:\n      farrow0:\n        match:\n          name: \"e*\"\n"
			 "        dhcp4: false\n");
	fr_buf_addf(out, "        addresses: [\"%s/%d\"]\n", n->ip, n->prefix);
	if (n->gw[0])
		fr_buf_addf(out, "        routes:\n          - to: default\n            via: \"%s\"\n", n->gw);
	if (n->dns.len)
		fr_buf_addf(out, "        nameservers:\n          addresses: [%s]\n", n->dns.buf);
	fr_buf_adds(out, "  apt:\n    preserve_sources_list: false\n    geoip: false\n    fallback: offline-install\n"
			 "    sources:\n      farrow.list:\n        source: ");
	fr_buf_addf(&s, "deb [signed-by=%s/" FR_MEDIUM_DIR "/bundles/%s/keys/farrow-signing.gpg] file://%s/" FR_MEDIUM_DIR
			"/bundles/%s/repo farrow main", mnt, top, mnt, top);
	yq(out, s.buf);
	fr_buf_adds(out, "\n  storage:\n    layout:\n      name: direct\n");
	if (disk) {
		fr_buf_adds(out, "      match:\n        path: ");
		yq(out, disk);
		fr_buf_adds(out, "\n");
	}
	fr_buf_adds(out, "  identity:\n    hostname: ");
	yq(out, name);
	fr_buf_adds(out, "\n    username: ");
	yq(out, admin && *admin ? admin : "dba");
	fr_buf_adds(out, "\n    password: ");
	yq(out, o->root_hash);
	fr_buf_addf(out, "\n  ssh:\n    install-server: true\n    allow-pw: %s\n", o->ssh_key ? "false" : "true");
	if (o->ssh_key) {
		fr_buf_adds(out, "    authorized-keys:\n      - ");
		yq(out, o->ssh_key);
		fr_buf_adds(out, "\n");
	}
	fr_buf_adds(out, "  late-commands:\n");
	{
		char *cmds[3];

		cmds[0] = fr_xasprintf("cp %s/" FR_MEDIUM_DIR "/install-node.sh /tmp/farrow-install-node.sh", mnt);
		cmds[1] = fr_xasprintf("[ \"$(sha256sum </tmp/farrow-install-node.sh | cut -d' ' -f1)\" = %s ]",
				       o->medium->script_sha);
		cmds[2] = fr_xasprintf("sh /tmp/farrow-install-node.sh %s/" FR_MEDIUM_DIR " /target %s %s", mnt, n->ip,
				       o->medium->profile_sha);
		for (i = 0; i < 3; i++) {
			fr_buf_adds(out, "    - ");
			yq(out, cmds[i]);
			fr_buf_adds(out, "\n");
			free(cmds[i]);
		}
	}
	fr_buf_adds(out, "  error-commands:\n    - \"mkdir -p /target/var/log/farrow/install && cp -a /var/log/installer/. "
			 "/target/var/log/farrow/install/ || true\"\n  shutdown: reboot\n");
	fr_buf_release(&s);
}

int fr_answer_render(const struct fr_answer_opts *o, struct fr_buf *out, struct fr_err *err)
{
	static const char *const families[][2] = { { "d", "Debian" }, { "el", "EL" }, { "u", "Ubuntu" } };
	const char *name = fr_profile_node_name(o->profile), *disk = fr_node_str(var(o->profile, "node_install_disk"));
	const char *fam = families[o->kind == FR_ANSWER_PRESEED ? 0 : o->kind == FR_ANSWER_KICKSTART ? 1 : 2][0];
	const char *t = o->medium->target;
	struct net n;
	int r;

	if (strncmp(t, fam, strlen(fam)) != 0 || !isdigit((unsigned char)t[strlen(fam)]))
		return fr_err_set(err, FR_EINVALID, "%s %s installs %s, and the bundle is for %s",
				  o->kind == FR_ANSWER_AUTOINSTALL ? "an" : "a", fr_answer_kind_name(o->kind),
				  families[o->kind == FR_ANSWER_PRESEED ? 0 : o->kind == FR_ANSWER_KICKSTART ? 1 : 2][1], t);
	if (name == NULL)
		return fr_err_set(err, FR_EINVALID, "the node has no name: give it a nodename or an instance");
	if (o->root_hash == NULL || strncmp(o->root_hash, "$6$", 3) != 0 || strpbrk(o->root_hash, " \t\n\"'\\"))
		return fr_err_set(err, FR_EARG, "the root password is not a crypt(3) SHA-512 hash");
	if (o->ssh_key && fr_ssh_pubkey_problem(o->ssh_key))
		return fr_err_set(err, FR_EARG, "the SSH key %s", fr_ssh_pubkey_problem(o->ssh_key));
	if ((r = net_of(o->profile, &n, o->kind == FR_ANSWER_PRESEED ? " " : ",", err)) < 0)
		return r;
	if (o->kind == FR_ANSWER_AUTOINSTALL) {
		/* flow list of quoted addresses */
		struct fr_buf q = FR_BUF_INIT;
		const char *s = n.dns.buf;

		while (s && *s) {
			size_t len = strcspn(s, ",");
			char *one = fr_xstrndup(s, len);

			fr_buf_adds(&q, q.len ? ", " : "");
			yq(&q, one);
			free(one);
			s += len + (s[len] == ',');
		}
		fr_buf_release(&n.dns);
		n.dns = q;
	}
	if (o->kind == FR_ANSWER_PRESEED)
		preseed(o, name, &n, disk && *disk ? disk : NULL, out);
	else if (o->kind == FR_ANSWER_KICKSTART)
		kickstart(o, name, &n, disk && *disk ? disk : NULL, out);
	else
		autoinstall(o, name, &n, disk && *disk ? disk : NULL, out);
	fr_buf_release(&n.dns);
	return 0;
}

/* ------------------------------------------------------------------ checks */

static void add(struct fr_diags *d, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add(struct fr_diags *d, int line, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fr_diags_add(d, FR_SEV_ERROR, line, col, NULL, "%s", msg);
}

/* Lines of text with their numbers: *line gets the next one (NUL-terminated copy in buf). */
static int next_line(const char **p, const char *end, char *buf, size_t n)
{
	const char *nl;
	size_t len;

	if (*p >= end)
		return 0;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	len = (size_t)((nl ? nl : end) - *p);
	if (len >= n)
		len = n - 1;
	memcpy(buf, *p, len);
	buf[len] = '\0';
	*p = nl ? nl + 1 : end;
	return 1;
}

static void check_preseed(const char *text, size_t len, struct fr_diags *d)
{
	static const char *const types[] = { "string", "boolean", "select", "multiselect", "note", "password",
					     "text", "title", "error", NULL };
	const char *p = text, *end = text + len;
	char *line = fr_xmalloc(1 << 16);
	int ln = 0;

	while (next_line(&p, end, line, 1 << 16)) {
		char owner[128], question[256], type[32];
		int n = 0, i;
		const char *rest;

		ln++;
		if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		if (line[strlen(line) - 1] == '\\') {
			add(d, ln, (int)strlen(line), "a continued line: farrow writes each answer on one line");
			continue;
		}
		if (sscanf(line, "%127s %255s %31s %n", owner, question, type, &n) < 3) {
			add(d, ln, 1, "not an answer: <owner> <question> <type> <value>");
			continue;
		}
		rest = line + n;
		if (strspn(owner, "abcdefghijklmnopqrstuvwxyz0123456789.+-") != strlen(owner))
			add(d, ln, 1, "'%s' is not a package name (the owner of the question)", owner);
		if (!strchr(question, '/') ||
		    strspn(question, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_.+-") != strlen(question))
			add(d, ln, (int)strlen(owner) + 2, "'%s' is not a debconf question (<template>/<name>)", question);
		for (i = 0; types[i] && strcmp(types[i], type) != 0; i++)
			;
		if (types[i] == NULL)
			add(d, ln, (int)(strstr(line, type) - line) + 1, "'%s' is not a debconf type", type);
		else if (strcmp(type, "boolean") == 0 && strcmp(rest, "true") != 0 && strcmp(rest, "false") != 0)
			add(d, ln, (int)n + 1, "a boolean is true or false, not '%s'", rest);
	}
	free(line);
	if (d->nerrors == 0 && fr_exec_have("debconf-set-selections")) {
		const char *argv[] = { "debconf-set-selections", "-c", NULL };
		struct fr_err e = { 0 };
		char *copy = fr_xstrndup(text, len);

		if (fr_exec_tool(argv, NULL, copy, &e) < 0)
			add(d, 0, 0, "%s", e.msg);
		free(copy);
	}
}

/* kickstart: the commands farrow writes, each with the options it may take and how many plain
 * arguments; a value-taking option is written --name=value. */
struct ks_cmd {
	const char *name;
	const char *opts; /* " --a= --b " : '=' takes a value */
	int args;
};

static const struct ks_cmd ks_cmds[] = {
	{ "bootloader", " --boot-drive= --location= --append= --timeout= ", 0 },
	{ "cdrom", " ", 0 },
	{ "clearpart", " --all --initlabel --drives= --list= --linux --none ", 0 },
	{ "firewall", " --disabled --enabled --ssh --service= --port= ", 0 },
	{ "firstboot", " --disabled --enable --enabled --reconfig ", 0 },
	{ "ignoredisk", " --only-use= --drives= ", 0 },
	{ "keyboard", " --vckeymap= --xlayouts= --switch= ", 0 },
	{ "lang", " --addsupport= ", 1 },
	{ "network",
	  " --bootproto= --device= --ip= --netmask= --gateway= --nameserver= --nodns --hostname= --activate --onboot= "
	  "--noipv6 --mtu= ",
	  0 },
	{ "part", " --fstype= --size= --grow --ondisk= --maxsize= --label= --asprimary ", 1 },
	{ "poweroff", " ", 0 },
	{ "reboot", " --eject --kexec ", 0 },
	{ "repo", " --name= --baseurl= --mirrorlist= --metalink= --cost= --install --excludepkgs= --includepkgs= ", 0 },
	{ "reqpart", " --add-boot ", 0 },
	{ "rootpw", " --iscrypted --plaintext --lock --allow-ssh ", 1 },
	{ "selinux", " --disabled --enforcing --permissive ", 0 },
	{ "skipx", " ", 0 },
	{ "sshkey", " --username= ", 1 },
	{ "text", " --non-interactive ", 0 },
	{ "timezone", " --utc --isUtc --nontp --ntpservers= ", 1 },
	{ "url", " --url= --mirrorlist= --noverifyssl ", 0 },
	{ "zerombr", " ", 0 },
};

static const struct ks_cmd ks_sections[] = {
	{ "%onerror", " --interpreter= --log= ", 0 },
	{ "%packages", " --ignoremissing --excludedocs --nocore ", 0 },
	{ "%post", " --nochroot --erroronfail --interpreter= --log= ", 0 },
	{ "%pre", " --erroronfail --interpreter= --log= ", 0 },
};

/* Split a kickstart line as its shlex-based parser does (double quotes group, no escapes
 * beyond them). Returns the number of words; an unclosed quote gives -1. */
static int ks_words(char *s, char **w, int *cols, int max, const char *line0)
{
	int n = 0;

	while (*s) {
		char *o;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			break;
		if (n == max)
			return n;
		cols[n] = (int)(s - line0) + 1;
		w[n++] = o = s;
		while (*s && *s != ' ' && *s != '\t') {
			if (*s == '"') {
				char *q = strchr(s + 1, '"');

				if (q == NULL)
					return -1;
				memmove(o, s + 1, (size_t)(q - s - 1));
				o += q - s - 1;
				s = q + 1;
			} else
				*o++ = *s++;
		}
		if (*s)
			s++;
		*o = '\0';
	}
	return n;
}

static void ks_check_words(const struct ks_cmd *c, char **w, int *cols, int n, int ln, struct fr_diags *d)
{
	int i, args = 0;

	for (i = 1; i < n; i++) {
		if (strncmp(w[i], "--", 2) == 0) {
			char key[64];
			const char *eq = strchr(w[i], '=');
			size_t klen = eq ? (size_t)(eq - w[i]) : strlen(w[i]);

			snprintf(key, sizeof(key), " %.*s%s ", (int)(klen < 48 ? klen : 48), w[i], eq ? "=" : "");
			if (strstr(c->opts, key) == NULL)
				add(d, ln, cols[i], "%s does not take %.*s%s", c->name, (int)klen, w[i],
				    eq ? "=<value>" : "");
			else if (eq && eq[1] == '\0')
				add(d, ln, cols[i], "%s: %.*s has no value", c->name, (int)klen, w[i]);
			if (eq && (strncmp(w[i], "--ip=", 5) == 0 || strncmp(w[i], "--netmask=", 10) == 0 ||
				   strncmp(w[i], "--gateway=", 10) == 0) && !fr_is_ipv4(eq + 1))
				add(d, ln, cols[i] + (int)klen + 1, "'%s' is not an IPv4 address", eq + 1);
		} else if (++args > c->args)
			add(d, ln, cols[i], "%s takes %d argument%s; '%s' is one more", c->name, c->args,
			    c->args == 1 ? "" : "s", w[i]);
	}
	if (strcmp(c->name, "rootpw") == 0 && args == 1) {
		for (i = 1; i < n && strcmp(w[i], "--iscrypted") != 0; i++)
			;
		if (i == n)
			add(d, ln, 1, "rootpw without --iscrypted: farrow writes only a crypt(3) hash");
	}
}

static void check_kickstart(const char *text, size_t len, struct fr_diags *d)
{
	const char *p = text, *end = text + len;
	char *line = fr_xmalloc(1 << 16), *copy = fr_xmalloc(1 << 16), *w[64];
	int cols[64], ln = 0, open_ln = 0, n;
	char open_name[16] = "";
	size_t i;

	while (next_line(&p, end, line, 1 << 16)) {
		ln++;
		if (open_ln) {
			if (strncmp(line, "%end", 4) == 0 && line[4 + strspn(line + 4, " \t")] == '\0')
				open_ln = 0;
			else if (line[0] == '%' && strncmp(line, "%%", 2) != 0 && isalpha((unsigned char)line[1]))
				add(d, ln, 1, "%s opened at line %d is not closed with %%end before %s", open_name, open_ln,
				    line);
			continue;
		}
		strcpy(copy, line);
		if ((n = ks_words(copy, w, cols, 64, copy)) < 0) {
			add(d, ln, 1, "an unclosed quote");
			continue;
		}
		if (n == 0)
			continue;
		if (w[0][0] == '%') {
			for (i = 0; i < sizeof(ks_sections) / sizeof(ks_sections[0]) && strcmp(ks_sections[i].name, w[0]); i++)
				;
			if (i == sizeof(ks_sections) / sizeof(ks_sections[0])) {
				add(d, ln, 1, "'%s' is not a kickstart section farrow writes (%%packages, %%pre, %%post, %%onerror)",
				    w[0]);
				continue;
			}
			if (strcmp(w[0], "%end") == 0) {
				add(d, ln, 1, "%%end with no section open");
				continue;
			}
			ks_check_words(&ks_sections[i], w, cols, n, ln, d);
			open_ln = ln;
			snprintf(open_name, sizeof(open_name), "%s", w[0]);
			continue;
		}
		if (strcmp(w[0], "%end") == 0) {
			add(d, ln, 1, "%%end with no section open");
			continue;
		}
		for (i = 0; i < sizeof(ks_cmds) / sizeof(ks_cmds[0]) && strcmp(ks_cmds[i].name, w[0]); i++)
			;
		if (i == sizeof(ks_cmds) / sizeof(ks_cmds[0])) {
			add(d, ln, cols[0], "'%s' is not a kickstart command farrow writes", w[0]);
			continue;
		}
		ks_check_words(&ks_cmds[i], w, cols, n, ln, d);
	}
	if (open_ln)
		add(d, open_ln, 1, "%s is not closed with %%end", open_name);
	free(line);
	free(copy);
}

/* autoinstall v1 (subiquity's autoinstall-schema.json): the keys, their types. */
enum ai_type { AI_INT1, AI_STR, AI_STR_NULL, AI_BOOL, AI_MAP, AI_SEQ, AI_STRS, AI_CMDS };

static const struct {
	const char *key;
	enum ai_type type;
	const char *closed;   /* for a mapping with additionalProperties false: " a b c " */
	const char *required; /* " a b " */
	const char *values;   /* an enumeration: " a b " */
} ai_keys[] = {
	{ "active-directory", AI_MAP, NULL, NULL, NULL },
	{ "apt", AI_MAP, NULL, NULL, NULL },
	{ "codecs", AI_MAP, NULL, NULL, NULL },
	{ "debconf-selections", AI_STR, NULL, NULL, NULL },
	{ "drivers", AI_MAP, NULL, NULL, NULL },
	{ "early-commands", AI_CMDS, NULL, NULL, NULL },
	{ "error-commands", AI_CMDS, NULL, NULL, NULL },
	{ "identity", AI_MAP, " realname username hostname password ", " username hostname password ", NULL },
	{ "interactive-sections", AI_STRS, NULL, NULL, NULL },
	{ "kernel", AI_MAP, " package flavor ", NULL, NULL },
	{ "kernel-crash-dumps", AI_MAP, NULL, NULL, NULL },
	{ "keyboard", AI_MAP, " layout variant toggle ", " layout ", NULL },
	{ "late-commands", AI_CMDS, NULL, NULL, NULL },
	{ "locale", AI_STR, NULL, NULL, NULL },
	{ "network", AI_MAP, NULL, NULL, NULL },
	{ "oem", AI_MAP, NULL, NULL, NULL },
	{ "packages", AI_STRS, NULL, NULL, NULL },
	{ "proxy", AI_STR_NULL, NULL, NULL, NULL },
	{ "refresh-installer", AI_MAP, " update channel ", NULL, NULL },
	{ "reporting", AI_MAP, NULL, NULL, NULL },
	{ "shutdown", AI_STR, NULL, NULL, " reboot poweroff " },
	{ "snaps", AI_SEQ, NULL, NULL, NULL },
	{ "source", AI_MAP, NULL, NULL, NULL },
	{ "ssh", AI_MAP, " install-server authorized-keys allow-pw ", NULL, NULL },
	{ "storage", AI_MAP, NULL, NULL, NULL },
	{ "timezone", AI_STR, NULL, NULL, NULL },
	{ "ubuntu-pro", AI_MAP, NULL, NULL, NULL },
	{ "updates", AI_STR, NULL, NULL, " security all " },
	{ "user-data", AI_MAP, NULL, NULL, NULL },
	{ "version", AI_INT1, NULL, NULL, NULL },
	{ "zdevs", AI_SEQ, NULL, NULL, NULL },
};

static int is_str(const struct fr_node *v)
{
	return fr_node_is_scalar(v) && !fr_node_is_null(v) &&
	       (v->quoted || (v->type != FR_SCALAR_BOOL && v->type != FR_SCALAR_INT));
}

static int in_words(const char *words, const char *w)
{
	char key[128];

	snprintf(key, sizeof(key), " %s ", w);
	return strstr(words, key) != NULL;
}

static void ai_type_check(const struct fr_node *v, enum ai_type t, const char *where, struct fr_diags *d)
{
	long long n;
	size_t i;

	switch (t) {
	case AI_INT1:
		if (!fr_node_int(v, &n) || n != 1)
			add(d, v->line, v->col, "%s: must be 1 (autoinstall version 1)", where);
		break;
	case AI_STR:
		if (!is_str(v))
			add(d, v->line, v->col, "%s: expected a string, got %s", where, fr_node_kind_name(v));
		break;
	case AI_STR_NULL:
		if (!is_str(v) && !fr_node_is_null(v))
			add(d, v->line, v->col, "%s: expected a string or null, got %s", where, fr_node_kind_name(v));
		break;
	case AI_BOOL:
		if (!fr_node_bool(v, (int[]){ 0 }))
			add(d, v->line, v->col, "%s: expected true or false, got %s", where, fr_node_kind_name(v));
		break;
	case AI_MAP:
		if (!fr_node_is_map(v))
			add(d, v->line, v->col, "%s: expected a mapping, got %s", where, fr_node_kind_name(v));
		break;
	case AI_SEQ:
		if (!fr_node_is_seq(v))
			add(d, v->line, v->col, "%s: expected a list, got %s", where, fr_node_kind_name(v));
		break;
	case AI_STRS:
	case AI_CMDS:
		if (!fr_node_is_seq(v)) {
			add(d, v->line, v->col, "%s: expected a list, got %s", where, fr_node_kind_name(v));
			break;
		}
		for (i = 0; i < v->n; i++) {
			const struct fr_node *it = v->items[i];

			if (t == AI_CMDS && fr_node_is_seq(it)) {
				size_t j;

				for (j = 0; j < it->n; j++)
					if (!is_str(it->items[j]))
						add(d, it->items[j]->line, it->items[j]->col, "%s: a command's words are strings",
						    where);
			} else if (!is_str(it))
				add(d, it->line, it->col, "%s: expected a string%s, got %s", where,
				    t == AI_CMDS ? " (or a list of them)" : "", fr_node_kind_name(it));
		}
		break;
	}
}

static void check_autoinstall(const char *text, size_t len, struct fr_diags *d)
{
	struct fr_err e = { 0 };
	struct fr_node *root, *ai, *key;
	size_t i, k;

	if (len < 13 || strncmp(text, "#cloud-config", 13) != 0 || (len > 13 && text[13] != '\n'))
		add(d, 1, 1, "an autoinstall file delivered as user-data starts with the line '#cloud-config'");
	if ((root = fr_yaml_parse(text, len, &e)) == NULL) {
		int line = 0, col = 0;

		sscanf(e.msg, "%d:%d:", &line, &col);
		add(d, line, col, "%s", e.msg);
		return;
	}
	ai = fr_node_get2(root, "autoinstall", &key);
	if (!fr_node_is_map(root) || ai == NULL) {
		add(d, 1, 1, "no top-level 'autoinstall:' key (subiquity then ignores the file: its most common mistake)");
		goto out;
	}
	if (!fr_node_is_map(ai)) {
		add(d, ai->line, ai->col, "autoinstall: expected a mapping, got %s", fr_node_kind_name(ai));
		goto out;
	}
	if (fr_node_get(ai, "version") == NULL)
		add(d, key->line, key->col, "autoinstall: 'version' is required");
	for (i = 0; i < ai->n; i++) {
		const char *name = ai->keys[i]->str;
		const struct fr_node *v = ai->items[i];

		for (k = 0; k < sizeof(ai_keys) / sizeof(ai_keys[0]) && strcmp(ai_keys[k].key, name); k++)
			;
		if (k == sizeof(ai_keys) / sizeof(ai_keys[0])) {
			add(d, ai->keys[i]->line, ai->keys[i]->col, "autoinstall: '%s' is not an autoinstall v1 key", name);
			continue;
		}
		ai_type_check(v, ai_keys[k].type, name, d);
		if (ai_keys[k].values && is_str(v) && !in_words(ai_keys[k].values, v->str))
			add(d, v->line, v->col, "%s: '%s' is not one of%s", name, v->str, ai_keys[k].values);
		if (fr_node_is_map(v) && ai_keys[k].closed) {
			size_t j;

			for (j = 0; j < v->n; j++)
				if (!in_words(ai_keys[k].closed, v->keys[j]->str))
					add(d, v->keys[j]->line, v->keys[j]->col, "%s: '%s' is not one of its keys (%s)", name,
					    v->keys[j]->str, ai_keys[k].closed + 1);
				else if (!is_str(v->items[j]) && strcmp(name, "ssh") != 0 && strcmp(name, "refresh-installer") != 0 &&
					 !(strcmp(name, "keyboard") == 0 && fr_node_is_null(v->items[j])))
					add(d, v->items[j]->line, v->items[j]->col, "%s.%s: expected a string", name,
					    v->keys[j]->str);
		}
		if (fr_node_is_map(v) && ai_keys[k].required) {
			const char *r = ai_keys[k].required;

			while (*r) {
				char w[64];
				int used = 0;

				if (sscanf(r, " %63s%n", w, &used) != 1)
					break;
				if (fr_node_get(v, w) == NULL)
					add(d, v->line, v->col, "%s: '%s' is required", name, w);
				r += used;
			}
		}
		if (strcmp(name, "ssh") == 0 && fr_node_is_map(v)) {
			const struct fr_node *s;

			if ((s = fr_node_get(v, "install-server")))
				ai_type_check(s, AI_BOOL, "ssh.install-server", d);
			if ((s = fr_node_get(v, "allow-pw")))
				ai_type_check(s, AI_BOOL, "ssh.allow-pw", d);
			if ((s = fr_node_get(v, "authorized-keys")))
				ai_type_check(s, AI_STRS, "ssh.authorized-keys", d);
		}
		if (strcmp(name, "network") == 0 && fr_node_is_map(v)) {
			const struct fr_node *nv = fr_node_get(v, "network") ? fr_node_get(fr_node_get(v, "network"), "version")
									     : fr_node_get(v, "version");
			long long n;

			if (nv == NULL || !fr_node_int(nv, &n) || n != 2)
				add(d, v->line, v->col, "network: 'version: 2' (netplan) is required");
		}
		if (strcmp(name, "apt") == 0 && fr_node_is_map(v)) {
			const struct fr_node *s;

			if ((s = fr_node_get(v, "preserve_sources_list")))
				ai_type_check(s, AI_BOOL, "apt.preserve_sources_list", d);
			if ((s = fr_node_get(v, "geoip")))
				ai_type_check(s, AI_BOOL, "apt.geoip", d);
			if ((s = fr_node_get(v, "sources")))
				ai_type_check(s, AI_MAP, "apt.sources", d);
			if ((s = fr_node_get(v, "fallback")) && (!is_str(s) || !in_words(" abort continue-anyway offline-install ", s->str)))
				add(d, s->line, s->col, "apt.fallback: one of abort, continue-anyway, offline-install");
		}
		if (strcmp(name, "storage") == 0 && fr_node_is_map(v)) {
			const struct fr_node *l = fr_node_get(v, "layout"), *ln;

			if (l && (!fr_node_is_map(l) || (ln = fr_node_get(l, "name")) == NULL || !is_str(ln) ||
				  !in_words(" lvm direct zfs hybrid ", ln->str)))
				add(d, l->line, l->col, "storage.layout: a mapping whose name is lvm, direct, zfs or hybrid");
		}
	}
out:
	fr_node_free(root);
}

size_t fr_answer_check(enum fr_answer_kind k, const char *text, size_t len, struct fr_diags *d)
{
	size_t before = d->nerrors;

	if (memchr(text, '\0', len) || memchr(text, '\r', len))
		add(d, 0, 0, "a NUL or carriage return in the file");
	else if (k == FR_ANSWER_PRESEED)
		check_preseed(text, len, d);
	else if (k == FR_ANSWER_KICKSTART)
		check_kickstart(text, len, d);
	else
		check_autoinstall(text, len, d);
	fr_diags_sort(d);
	return d->nerrors - before;
}
