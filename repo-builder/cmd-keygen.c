/* cmd-keygen.c -- `repo-builder keygen`: make the bundle signing key pair. */
/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>

#include "pgp.h"
#include "rb.h"

#define KEYGEN_USAGE                                                                           \
	"usage: repo-builder keygen --out <dir> [--uid <user-id>]\n"                          \
	"\n"                                                                                    \
	"Make an RSA-4096 OpenPGP signing key pair in <dir>:\n"                                \
	"  farrow-signing.key  the secret key (mode 0600): give it to 'build --key'\n"         \
	"  farrow-signing.gpg  the public key, binary: for apt's signed-by and 'verify --key'\n" \
	"  farrow-signing.asc  the public key, armored: for dnf's gpgkey=\n"                    \
	"An existing secret key is never overwritten.\n"

int rb_cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "uid", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *uid = "farrow bundle signing key";
	struct fr_err err = { 0 };
	char fpr[41];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'u':
			uid = optarg;
			break;
		case 'h':
			fputs(KEYGEN_USAGE, stdout);
			return FR_EXIT_OK;
		default:
			fputs(KEYGEN_USAGE, stderr);
			return FR_EXIT_USAGE;
		}
	}
	if (out == NULL || optind != argc) {
		fputs(KEYGEN_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	if (fr_pgp_keygen(out, uid, &err) < 0) {
		fr_cli_error("keygen: %s", err.msg);
		return FR_EXIT_FAIL;
	}
	{
		char pub[4096];

		snprintf(pub, sizeof(pub), "%s/farrow-signing.gpg", out);
		if (fr_pgp_fingerprint(pub, fpr, &err) == 0)
			printf("key %s\n", fpr);
	}
	printf("secret key: %s/farrow-signing.key (0600)\npublic key: %s/farrow-signing.gpg, %s/farrow-signing.asc\n",
	       out, out, out);
	return FR_EXIT_OK;
}
