/* cmd-profile.c -- `farrow profile`: write one node's profile, the file a node converges from. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answer.h"
#include "bundle.h"
#include "crypto.h"
#include "err.h"
#include "farrow.h"
#include "fileio.h"
#include "inventory.h"
#include "profile.h"
#include "xalloc.h"

#include <openssl/crypto.h>

#define PROFILE_USAGE                                                                                   \
	"usage: farrow profile <inventory> --host <ip> [-o <file>] [--pki <dir>] [--bundle-dir <dir>]\n"    \
	"       farrow profile <inventory> --host <ip> --preseed|--kickstart|--autoinstall\n"               \
	"                      --medium <dir> --bundle <bundle> --key <public-key>\n"                        \
	"                      --root-password-file <file> [--ssh-key <file>] [--firstboot <file>]\n"        \
	"                      [-o <file>] [--pki <dir>]\n"                                                  \
	"\n"                                                                                                \
	"Write the profile of one node of the inventory: what farrow-firstboot converges it to\n"          \
	"(/etc/farrow/profile.yml on the node; format version 1, farrow-firstboot(8)). It carries\n"       \
	"every parameter resolved for that host (the node applies no defaults of its own), its\n"          \
	"identities, the members of its clusters, the farrow CA's certificate and its own certificate\n"  \
	"and key, and only the credentials its modules read. farrow install writes the same bytes;\n"      \
	"node images, seed volumes and answer files embed them.\n"                                         \
	"\n"                                                                                                \
	"  --host <ip>         the node\n"                                                                  \
	"  -o, --output <file> written atomically, mode 0600 (default: standard output)\n"                  \
	"  --pki <dir>         the farrow CA and host certificates (default: files/pki beside the\n"       \
	"                      inventory; the CA is made there once, a host's certificate when needed)\n" \
	"  --bundle-dir <dir>  where the node has its unpacked bundle (the profile's bundle:)\n"            \
	"\n"                                                                                                \
	"Answer files, for shops that keep their vendor's installer: the node's answer file is written\n" \
	"(-o, 0600) and its files are added to the install medium (--medium: the farrow/ directory of\n"  \
	"the medium's root: the verified bundle and its signature, the bundle unpacked as a local\n"      \
	"repository, its key, farrow-firstboot, the node's profile 0600, install-node.sh). The answer\n"  \
	"file pins install-node.sh and the profile by SHA-256, the script pins the rest; the\n"          \
	"installer's post-install step checks them, puts them into the installed system and enables\n"  \
	"farrow-firstboot.service, which converges the node at its first boot. A medium made from\n"     \
	"another bundle, key or farrow-firstboot is refused, not overwritten. Each file is checked\n"    \
	"before it is written.\n"                                                                          \
	"  --preseed           Debian (d12, d13 bundles): d-i preseed; checked line by line and with\n"  \
	"                      debconf-set-selections -c; the medium is seen at /cdrom\n"                  \
	"  --kickstart         EL (el8-el10 bundles): Anaconda kickstart; checked against the grammar\n" \
	"                      of the commands farrow writes; the medium at /run/install/repo\n"          \
	"  --autoinstall       Ubuntu (u22, u24 bundles): #cloud-config autoinstall v1; checked\n"       \
	"                      against subiquity's schema; the medium at /cdrom\n"                          \
	"  --medium <dir>      the medium's root (made if missing)\n"                                       \
	"  --bundle <bundle>   the signed bundle (its .sig beside it); verified before anything is written\n" \
	"  --key <public-key>  the key it verifies with (farrow-signing.gpg)\n"                            \
	"  --root-password-file <file>  root's password (the admin user's, node_admin_username, for\n"     \
	"                      autoinstall): its first line, in clear (hashed here, crypt(3) SHA-512 with\n" \
	"                      a random salt) or already a $6$ hash; never written in clear\n"             \
	"  --ssh-key <file>    an OpenSSH public key (first line) for root's authorized_keys\n"            \
	"  --firstboot <file>  the farrow-firstboot for the medium (default: the one beside farrow)\n"    \
	"  The disk is node_install_disk (default: the machine's only disk), the address\n"               \
	"  node_install_address (default: <host>/24), the gateway node_install_gateway (default: none),\n" \
	"  the name servers node_dns_servers (IPv4 addresses).\n"                                          \
	"\n"                                                                                                \
	"exit status: 0 written, 1 failed, 2 usage, 3 invalid inventory, 6 the bundle does not verify\n"

char *farrow_bundle_node_dir(const char *verb, const char *bundle)
{
	const char *base = strrchr(bundle, '/') ? strrchr(bundle, '/') + 1 : bundle;
	size_t bl = strlen(base);
	char *top, *dir;

	if (bl <= 8 || strcmp(base + bl - 8, ".tar.zst") != 0) {
		fr_cli_error("%s: '%s' is not named like a bundle (<name>.tar.zst)", verb, bundle);
		return NULL;
	}
	top = fr_xstrndup(base, bl - 8);
	if (fr_path_problem(top, 1)) {
		fr_cli_error("%s: '%s': %s", verb, bundle, fr_path_problem(top, 1));
		free(top);
		return NULL;
	}
	dir = fr_xasprintf(FR_NODE_DIR "/bundles/%s", top);
	free(top);
	return dir;
}

int farrow_host_profile(const char *verb, const char *inventory, const char *host, const char *pki_dir,
			const char *bundle_dir, struct fr_buf *out)
{
	struct fr_inventory *inv = NULL;
	struct fr_err err = { 0 };
	struct fr_profile_pki paths = { 0 };
	const struct fr_host *h;
	char *pki = pki_dir ? fr_xstrdup(pki_dir) : NULL;
	int r = FR_EXIT_FAIL, made = 0;

	if (fr_inv_load_file(inventory, &inv, &err) < 0) {
		fr_cli_error("%s: %s", verb, err.msg);
		goto out;
	}
	if (fr_inv_validate(inv) > 0) {
		fr_cli_print_diags(inv->path, &inv->diags, "inventory", 1);
		r = FR_EXIT_INVALID;
		goto out;
	}
	if ((h = fr_inv_host(inv, host)) == NULL) {
		fr_cli_error("%s: host '%s' is not in '%s'", verb, host, inventory);
		r = FR_EXIT_USAGE;
		goto out;
	}
	if (pki == NULL) {
		char *copy = fr_xstrdup(inventory);

		pki = fr_xasprintf("%s/files/pki", dirname(copy));
		free(copy);
	}
	if (fr_profile_pki_ensure(pki, inv, h, &paths, &made, &err) < 0) {
		fr_cli_error("%s: %s", verb, err.msg);
		goto out;
	}
	if (made)
		fprintf(stderr, "farrow CA made in %s/ca (ca.key is mode 0600: keep it; every node's certificate hangs "
				"on it)\n", pki);
	if (fr_profile_render(inv, h, bundle_dir, &paths, out, &err) < 0) {
		fr_cli_error("%s: %s", verb, err.msg);
		goto out;
	}
	r = FR_EXIT_OK;
out:
	fr_profile_pki_release(&paths);
	fr_inv_free(inv);
	free(pki);
	return r;
}

/* The first line of a small file (a password, a public key), NUL-terminated; wipe and free it. */
static char *first_line(const char *path, struct fr_err *err)
{
	char *data = NULL;
	size_t len = 0;

	if (fr_read_file(path, 64 * 1024, &data, &len, err) < 0)
		return NULL;
	data[strcspn(data, "\r\n")] = '\0';
	return data;
}

struct answer_args {
	int kind; /* -1: none */
	const char *medium, *bundle, *key, *firstboot, *pwfile, *sshfile;
};

/* The answer file of host: its medium written, the file checked; out gets the text. */
static int answer(const char *inventory, const char *host, const char *pki, const struct answer_args *a,
		  struct fr_buf *out)
{
	struct fr_bundle_manifest m = { 0 };
	struct fr_buf mt = FR_BUF_INIT, prof = FR_BUF_INIT;
	struct fr_medium med = { 0 }, pre = { 0 };
	struct fr_answer_opts ao = { 0 };
	struct fr_diags d = { 0 };
	struct fr_err err = { 0 };
	struct fr_node *tree = NULL;
	char *pw = NULL, *key = NULL, *fb = NULL, *topdir = NULL, hash[256] = "";
	int r = FR_EXIT_FAIL;

	/* the bundle's top directory, from its MANIFEST (verified with the rest when the medium is written) */
	if (fr_bundle_manifest_text(a->bundle, &mt, &err) < 0 || fr_bundle_manifest_parse(mt.buf, mt.len, &m, &err) < 0) {
		fr_cli_error("profile: %s: %s", a->bundle, err.msg);
		goto out;
	}
	topdir = fr_xasprintf(FR_NODE_DIR "/bundles/%s", m.top);
	if ((r = farrow_host_profile("profile", inventory, host, pki, topdir, &prof)) != FR_EXIT_OK)
		goto out;
	r = FR_EXIT_FAIL;
	if ((tree = fr_profile_load(prof.buf, prof.len, &d, &err)) == NULL || d.nerrors) {
		fr_cli_error("profile: %s", d.nerrors ? d.v[0].msg : err.msg);
		goto out;
	}
	if ((pw = first_line(a->pwfile, &err)) == NULL) {
		fr_cli_error("profile: --root-password-file: %s", err.msg);
		goto out;
	}
	if (strncmp(pw, "$6$", 3) == 0)
		snprintf(hash, sizeof(hash), "%s", pw);
	else if (strlen(pw) < 8) {
		fr_cli_error("profile: --root-password-file: the password is shorter than 8 characters");
		goto out;
	} else if (fr_crypt_sha512(pw, hash, sizeof(hash), &err) < 0) {
		fr_cli_error("profile: %s", err.msg);
		goto out;
	}
	if (a->sshfile) {
		if ((key = first_line(a->sshfile, &err)) == NULL) {
			fr_cli_error("profile: --ssh-key: %s", err.msg);
			goto out;
		}
		if (fr_ssh_pubkey_problem(key)) {
			fr_cli_error("profile: --ssh-key %s: its first line %s", a->sshfile, fr_ssh_pubkey_problem(key));
			goto out;
		}
	}
	ao.kind = (enum fr_answer_kind)a->kind;
	ao.profile = tree;
	ao.root_hash = hash;
	ao.ssh_key = key;
	ao.source = inventory;
	ao.farrow_version = FARROW_VERSION;
	/* every input checked before the medium changes: a first rendering against the bundle's claims */
	pre.top = m.top;
	pre.target = m.target;
	ao.medium = &pre;
	if (fr_answer_render(&ao, out, &err) < 0) {
		fr_cli_error("profile: %s", err.msg);
		goto out;
	}
	fr_buf_wipe(out);
	fb = farrow_firstboot_path(a->firstboot);
	{
		struct fr_medium_opts mo = { a->medium, a->bundle, a->key, fb, host, prof.buf, prof.len, FARROW_VERSION, 0 };
		int w = fr_medium_write(&mo, &med, &err);

		if (w < 0) {
			fr_cli_error("profile: %s", err.msg);
			r = w == FR_ECRYPTO ? FR_EXIT_BADSIG : FR_EXIT_FAIL;
			goto out;
		}
	}
	if (strcmp(med.top, m.top) != 0) {
		fr_cli_error("profile: %s: its MANIFEST changed while it was read", a->bundle);
		goto out;
	}
	ao.medium = &med;
	if (fr_answer_render(&ao, out, &err) < 0) {
		fr_cli_error("profile: %s", err.msg);
		goto out;
	}
	if (fr_answer_check(ao.kind, out->buf, out->len, &d) > 0) {
		size_t i;

		for (i = 0; i < d.n; i++)
			fr_cli_error("profile: the %s farrow made does not pass its check: %d:%d: %s (a farrow bug: please "
				     "report it)", fr_answer_kind_name(ao.kind), d.v[i].line, d.v[i].col, d.v[i].msg);
		goto out;
	}
	fprintf(stderr, "farrow profile: %s for %s; its files in %s/" FR_MEDIUM_DIR "/ (the installer sees them at %s/"
			FR_MEDIUM_DIR ")\n", fr_answer_kind_name(ao.kind), host, a->medium, fr_answer_medium_mount(ao.kind));
	r = FR_EXIT_OK;
out:
	if (pw) {
		OPENSSL_cleanse(pw, strlen(pw));
		free(pw);
	}
	OPENSSL_cleanse(hash, sizeof(hash));
	free(key);
	free(fb);
	free(topdir);
	fr_node_free(tree);
	fr_diags_release(&d);
	fr_medium_release(&med);
	fr_bundle_manifest_release(&m);
	fr_buf_release(&mt);
	fr_buf_wipe(&prof);
	return r;
}

int cmd_profile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },   { "output", required_argument, NULL, 'o' },
		{ "pki", required_argument, NULL, 'P' },    { "bundle-dir", required_argument, NULL, 'B' },
		{ "preseed", no_argument, NULL, 'p' },      { "kickstart", no_argument, NULL, 'k' },
		{ "autoinstall", no_argument, NULL, 'a' },  { "medium", required_argument, NULL, 'M' },
		{ "bundle", required_argument, NULL, 'b' }, { "key", required_argument, NULL, 'K' },
		{ "firstboot", required_argument, NULL, 'F' }, { "root-password-file", required_argument, NULL, 'R' },
		{ "ssh-key", required_argument, NULL, 'S' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *host = NULL, *output = NULL, *bundle_dir = NULL;
	struct answer_args a = { -1, NULL, NULL, NULL, NULL, NULL, NULL };
	char *pki = NULL;
	struct fr_err err = { 0 };
	struct fr_buf out = FR_BUF_INIT;
	int c, r = FR_EXIT_FAIL, kinds = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			host = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'P':
			free(pki);
			pki = fr_xstrdup(optarg);
			break;
		case 'B':
			bundle_dir = optarg;
			break;
		case 'p':
		case 'k':
		case 'a':
			a.kind = c == 'p' ? FR_ANSWER_PRESEED : c == 'k' ? FR_ANSWER_KICKSTART : FR_ANSWER_AUTOINSTALL;
			kinds++;
			break;
		case 'M':
			a.medium = optarg;
			break;
		case 'b':
			a.bundle = optarg;
			break;
		case 'K':
			a.key = optarg;
			break;
		case 'F':
			a.firstboot = optarg;
			break;
		case 'R':
			a.pwfile = optarg;
			break;
		case 'S':
			a.sshfile = optarg;
			break;
		case 'h':
			fputs(PROFILE_USAGE, stdout);
			free(pki);
			return FR_EXIT_OK;
		default:
			fputs(PROFILE_USAGE, stderr);
			free(pki);
			return FR_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || host == NULL) {
		fputs(PROFILE_USAGE, stderr);
		free(pki);
		return FR_EXIT_USAGE;
	}
	if (kinds > 1 || (kinds == 0 && (a.medium || a.bundle || a.key || a.firstboot || a.pwfile || a.sshfile))) {
		fr_cli_error("profile: %s", kinds > 1 ? "one of --preseed, --kickstart, --autoinstall"
						   : "--medium, --bundle, --key, --root-password-file, --ssh-key and --firstboot "
						     "go with --preseed, --kickstart or --autoinstall");
		free(pki);
		return FR_EXIT_USAGE;
	}
	if (kinds == 1) {
		const char *missing = !a.medium ? "--medium" : !a.bundle ? "--bundle" : !a.key ? "--key"
				      : !a.pwfile ? "--root-password-file" : NULL;

		if (missing || bundle_dir) {
			if (missing)
				fr_cli_error("profile: --%s needs %s", fr_answer_kind_name((enum fr_answer_kind)a.kind), missing);
			else
				fr_cli_error("profile: --%s takes the bundle from --bundle, not --bundle-dir",
					     fr_answer_kind_name((enum fr_answer_kind)a.kind));
			free(pki);
			return FR_EXIT_USAGE;
		}
		r = answer(argv[optind], host, pki, &a, &out);
	} else
		r = farrow_host_profile("profile", argv[optind], host, pki, bundle_dir, &out);
	if (r != FR_EXIT_OK)
		goto out;
	r = FR_EXIT_FAIL;
	if (output) {
		if (fr_write_atomic(output, out.buf, out.len, 0600, 0, &err) < 0) {
			fr_cli_error("profile: %s", err.msg);
			goto out;
		}
	} else if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		fr_cli_error("profile: cannot write to standard output");
		goto out;
	}
	r = FR_EXIT_OK;
out:
	fr_buf_wipe(&out);
	free(pki);
	return r;
}
