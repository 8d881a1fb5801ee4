/* cmd-image.c -- `farrow image`: build a node image from an image-capable bundle (lib/image.c),
 * inspect one. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "bundle.h"
#include "crypto.h"
#include "err.h"
#include "farrow.h"
#include "fileio.h"
#include "image.h"
#include "xalloc.h"
#include "yamlnode.h"

#define IMAGE_USAGE                                                                                       \
	"usage: farrow image build --bundle <bundle> --key <public-key> (--inventory <inv> --host <ip>\n"    \
	"                          | --generic) [--format dir|tar|raw|qcow2] -o <image> [--firstboot <f>]\n"          \
	"                          [--pki <dir>] [--sign-key <secret-key>] [--quiet]\n"                      \
	"       farrow image inspect <image> [--json]\n"                                                     \
	"       farrow image sign <image-dir> --sign-key <secret-key>\n"                                     \
	"       farrow image verify <image-dir> --key <public-key> [--manifest <file>]\n"                    \
	"\n"                                                                                                  \
	"build: a node root made with mmdebstrap from the bundle's own repository and nothing else\n"       \
	"(the bundle verified with the key first; it must be image-capable: repo-builder build --image),\n" \
	"with the node's module packages installed, farrow-firstboot installed and enabled, apt\n"         \
	"pointed at the bundle kept in the root, no SSH host keys and an empty machine-id (each node\n"    \
	"makes its own at first boot). A per-node image embeds the host's profile (0600), as farrow\n"      \
	"profile writes it: booted, the node converges by itself. A generic image carries every\n"         \
	"module's packages and no profile: a seed gives it one. Needs root.\n"                              \
	"\n"                                                                                                  \
	"  --bundle <file>      an image-capable bundle, its .sig beside it\n"                              \
	"  --key <file>         the public key it must verify with (never the one inside it)\n"            \
	"  --inventory <file>   with --host <ip>: a per-node image for that host of the inventory\n"       \
	"  --generic            no profile: every module's packages, for any node\n"                        \
	"  --format <f>         dir (a directory: systemd-nspawn -D boots it), tar (reproducible:\n"      \
	"                       sorted, numeric owners, times clamped to the bundle's epoch), raw or\n"  \
	"                       qcow2 (a GPT disk that boots with BIOS and UEFI: GRUB from the bundle,\n" \
	"                       the root found by its label and grown into a larger disk at boot);\n" \
	"                       default dir\n"                                                      \
	"  -o, --output <path>  the image; it must not exist (built beside it, renamed into place)\n"      \
	"  --firstboot <f>      the farrow-firstboot binary (default: $FARROW_FIRSTBOOT, else beside farrow)\n" \
	"  --pki <dir>          the farrow CA and host certificates (default: files/pki beside the inventory)\n" \
	"  --sign-key <file>    a secret key (repo-builder keygen's farrow-signing.key): <image>.manifest,\n" \
	"                       every file's SHA-256, mode and owner, and its signature <image>.manifest.sig\n" \
	"  --quiet              no progress lines\n"                                                       \
	"\n"                                                                                                  \
	"sign: the same signed manifest for an image directory (<dir>.manifest, .manifest.sig).\n"        \
	"verify: the manifest's signature checked with the public key, then the directory (an image, an\n" \
	"unpacked tar image, a node's root) against it: each file changed, missing or added since the\n"  \
	"build, one line each. Exit 0 the same, 1 differences, 6 the signature does not hold.\n"         \
	"\n"                                                                                                  \
	"inspect: what an image carries (its bundle's name, target, epoch and SHA-256, the farrow\n"      \
	"version that built it, the embedded profile's host and identities; never a credential),\n"       \
	"from its /etc/farrow/image.json, of a dir, tar, raw or qcow2 image (raw: read with debugfs,\n"  \
	"nothing mounted; qcow2: converted by qemu-img to a sparse raw copy under $TMPDIR, default\n"    \
	"/var/tmp, removed after; an overlay, an encrypted qcow2 or one with an external data file is\n" \
	"refused: farrow follows no file a header names).\n"                                               \
	"\n"                                                                                                  \
	"exit status: 0 done, 1 failed, 2 usage, 3 invalid inventory, 6 the bundle does not verify\n"

static const char *s_of(const struct fr_node *n, const char *path1, const char *path2)
{
	const struct fr_node *v = fr_node_get(n, path1);

	if (path2)
		v = fr_node_get(v, path2);
	return fr_node_str(v) ? fr_node_str(v) : "-";
}

static int image_inspect(int argc, char **argv)
{
	struct fr_buf rec = FR_BUF_INIT;
	struct fr_err err = { 0 };
	struct fr_node *n;
	int json = 0, r = FR_EXIT_FAIL;
	const char *image = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(IMAGE_USAGE, stdout);
			return FR_EXIT_OK;
		} else if (argv[i][0] == '-' || image) {
			fputs(IMAGE_USAGE, stderr);
			return FR_EXIT_USAGE;
		} else
			image = argv[i];
	}
	if (image == NULL) {
		fputs(IMAGE_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	if (fr_image_record_read(image, &rec, &err) < 0) {
		fr_cli_error("image inspect: %s", err.msg);
		if (err.code == FR_EARG)
			r = FR_EXIT_USAGE;
		goto out;
	}
	if ((n = fr_yaml_parse(rec.buf, rec.len, &err)) == NULL || !fr_node_is_map(n)) {
		fr_cli_error("image inspect: %s: its image.json does not parse", image);
		fr_node_free(n);
		goto out;
	}
	if (json)
		fwrite(rec.buf, 1, rec.len, stdout);
	else {
		const struct fr_node *prof = fr_node_get(n, "profile"), *id = fr_node_get(prof, "identities");
		size_t k;

		printf("image    %s (%s)\nfarrow   %s\nbundle   %s\ntarget   %s\nepoch    %s\nsha256   %s\nkey      %s\n",
		       image, s_of(n, "format", NULL), s_of(n, "farrow_version", NULL), s_of(n, "bundle", "top"),
		       s_of(n, "bundle", "target"), s_of(n, "bundle", "epoch"), s_of(n, "bundle", "sha256"),
		       s_of(n, "bundle", "key"));
		if (!fr_node_is_map(prof))
			printf("profile  none (a generic image: a seed gives it one)\n");
		else {
			printf("profile  host %s", s_of(prof, "host", NULL));
			for (k = 0; fr_node_is_map(id) && k < id->n; k++)
				printf(", %s %s", id->keys[k]->str, fr_node_str(id->items[k]) ? fr_node_str(id->items[k]) : "-");
			printf("\n");
		}
	}
	fr_node_free(n);
	r = FR_EXIT_OK;
out:
	fr_buf_release(&rec);
	return r;
}

static int image_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },  { "key", required_argument, NULL, 'k' },
		{ "inventory", required_argument, NULL, 'i' }, { "host", required_argument, NULL, 'H' },
		{ "generic", no_argument, NULL, 'g' },       { "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },  { "firstboot", required_argument, NULL, 'F' },
		{ "pki", required_argument, NULL, 'P' },     { "quiet", no_argument, NULL, 'q' },
		{ "sign-key", required_argument, NULL, 'S' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fr_image_opts o = { 0 };
	struct fr_buf prof = FR_BUF_INIT;
	struct fr_err err = { 0 };
	const char *inventory = NULL, *host = NULL, *firstboot = NULL;
	char *pki = NULL, *fb = NULL;
	int c, generic = 0, fmt = FR_IMAGE_DIR, r = FR_EXIT_FAIL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': o.bundle = optarg; break;
		case 'k': o.key = optarg; break;
		case 'i': inventory = optarg; break;
		case 'H': host = optarg; break;
		case 'g': generic = 1; break;
		case 'f':
			if ((fmt = fr_image_format_parse(optarg)) < 0) {
				fr_cli_error("image build: --format is dir, tar, raw or qcow2, not '%s'", optarg);
				free(pki);
				return FR_EXIT_USAGE;
			}
			break;
		case 'o': o.out = optarg; break;
		case 'F': firstboot = optarg; break;
		case 'P': free(pki); pki = fr_xstrdup(optarg); break;
		case 'q': o.quiet = 1; break;
		case 'S': o.sign_key = optarg; break;
		case 'h': fputs(IMAGE_USAGE, stdout); free(pki); return FR_EXIT_OK;
		default: fputs(IMAGE_USAGE, stderr); free(pki); return FR_EXIT_USAGE;
		}
	}
	if (argc != optind || o.bundle == NULL || o.key == NULL || o.out == NULL ||
	    generic == (inventory != NULL || host != NULL) || (!generic && (inventory == NULL || host == NULL))) {
		fputs(IMAGE_USAGE, stderr);
		fr_cli_error("image build: give --bundle, --key, -o, and either --inventory with --host or --generic");
		free(pki);
		return FR_EXIT_USAGE;
	}
	o.format = (enum fr_image_format)fmt;
	o.firstboot = fb = farrow_firstboot_path(firstboot);
	o.farrow_version = FARROW_VERSION;
	if (inventory) {
		char *dir = farrow_bundle_node_dir("image build", o.bundle);

		if (dir == NULL) {
			r = FR_EXIT_USAGE;
			goto out;
		}
		r = farrow_host_profile("image build", inventory, host, pki, dir, &prof);
		free(dir);
		if (r != FR_EXIT_OK)
			goto out;
		r = FR_EXIT_FAIL;
		o.profile = prof.buf;
		o.profile_len = prof.len;
	}
	if (fr_image_build(&o, &err) < 0) {
		fr_cli_error("image build: %s", err.msg);
		r = err.code == FR_ECRYPTO ? FR_EXIT_BADSIG : err.code == FR_EARG ? FR_EXIT_USAGE : FR_EXIT_FAIL;
		goto out;
	}
	r = FR_EXIT_OK;
out:
	fr_buf_wipe(&prof);
	free(pki);
	free(fb);
	return r;
}

/* farrow image sign DIR --sign-key K | verify DIR --key K [--manifest M] */
static int image_manifest(int argc, char **argv, int verify)
{
	static const struct option opts[] = {
		{ "sign-key", required_argument, NULL, 'S' }, { "key", required_argument, NULL, 'k' },
		{ "manifest", required_argument, NULL, 'm' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sign = NULL, *key = NULL, *man = NULL, *dir;
	struct fr_buf report = FR_BUF_INIT;
	struct fr_err err = { 0 };
	struct stat st;
	char *defman = NULL;
	size_t ndiff = 0, n = 0;
	int c, r = FR_EXIT_FAIL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'S': sign = optarg; break;
		case 'k': key = optarg; break;
		case 'm': man = optarg; break;
		case 'h': fputs(IMAGE_USAGE, stdout); return FR_EXIT_OK;
		default: fputs(IMAGE_USAGE, stderr); return FR_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || (verify ? key == NULL || sign != NULL : sign == NULL || key || man)) {
		fr_cli_error("image %s: %s", verify ? "verify" : "sign",
			     verify ? "give <image-dir> --key <public-key> [--manifest <file>]" : "give <image-dir> --sign-key <secret-key>");
		return FR_EXIT_USAGE;
	}
	dir = argv[optind];
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fr_cli_error("image %s: '%s' is not a directory (unpack a tar image first: tar -xf IMAGE --numeric-owner)",
			     verify ? "verify" : "sign", dir);
		return FR_EXIT_USAGE;
	}
	if (!verify) {
		if (fr_image_manifest_sign(dir, dir, sign, 0, &err) < 0) {
			fr_cli_error("image sign: %s", err.msg);
			return err.code == FR_EARG ? FR_EXIT_USAGE : FR_EXIT_FAIL;
		}
		printf("%s.manifest, signed: %s.manifest.sig\n", dir, dir);
		return FR_EXIT_OK;
	}
	if (man == NULL)
		man = defman = fr_xasprintf("%s.manifest", dir);
	if (fr_image_verify(dir, man, key, &report, &ndiff, &n, &err) < 0) {
		fr_cli_error("image verify: %s", err.msg);
		r = err.code == FR_ECRYPTO ? FR_EXIT_BADSIG : FR_EXIT_FAIL;
		goto out;
	}
	fputs(report.len ? report.buf : "", stdout);
	if (ndiff)
		printf("%s: %zu of %zu entries differ from %s (its signature good)\n", dir, ndiff, n, man);
	else
		printf("%s: %zu entries as %s says (its signature good)\n", dir, n, man);
	r = ndiff ? FR_EXIT_FAIL : FR_EXIT_OK;
out:
	fr_buf_release(&report);
	free(defman);
	return r;
}

int cmd_image(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "sign") == 0 || strcmp(argv[1], "verify") == 0))
		return image_manifest(argc - 1, argv + 1, strcmp(argv[1], "verify") == 0);
	if (argc >= 2 && strcmp(argv[1], "build") == 0)
		return image_build(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "inspect") == 0)
		return image_inspect(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(IMAGE_USAGE, stdout);
		return FR_EXIT_OK;
	}
	fputs(IMAGE_USAGE, stderr);
	return FR_EXIT_USAGE;
}
