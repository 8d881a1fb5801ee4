/* cmd-verify.c -- `repo-builder verify | inspect | diff`: check and read bundles. */
/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <solv/evr.h>
#include <solv/pool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "rb.h"
#include "xalloc.h"

#define VERIFY_USAGE                                                                              \
	"usage: repo-builder verify <bundle> [--key <public-key>]\n"                             \
	"\n"                                                                                       \
	"Check <bundle>.sig with the public key, then every file in the bundle against the\n"     \
	"SHA-256 and size its MANIFEST gives. The first bad file is named.\n"                      \
	"The key defaults to $FARROW_BUNDLE_KEY. Never use the key inside the bundle.\n"         \
	"\n"                                                                                       \
	"exit status: 0 all hold, 1 unreadable, 2 usage, 6 a signature or hash does not hold\n"

int rb_cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key = getenv("FARROW_BUNDLE_KEY");
	struct fr_bundle_check check;
	struct fr_err err = { 0 };
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			key = optarg;
			break;
		case 'h':
			fputs(VERIFY_USAGE, stdout);
			return FR_EXIT_OK;
		default:
			fputs(VERIFY_USAGE, stderr);
			return FR_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fputs(VERIFY_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	if (key == NULL || !*key) {
		fr_cli_error("verify: which key? pass --key <public-key> or set FARROW_BUNDLE_KEY");
		return FR_EXIT_USAGE;
	}
	r = fr_bundle_verify(argv[optind], key, NULL, &check, &err);
	if (r == FR_EIO)
		fr_cli_error("verify: %s", err.msg);
	else {
		struct fr_buf msg = FR_BUF_INIT;

		fr_bundle_check_describe(&check, argv[optind], &msg);
		if (r == 0)
			printf("%s\n", msg.buf);
		else
			fr_cli_error("verify: %s", msg.buf);
		fr_buf_release(&msg);
	}
	fr_bundle_check_release(&check);
	return r == 0 ? FR_EXIT_OK : r == FR_EIO ? FR_EXIT_FAIL : RB_EXIT_BADSIG;
}

int rb_cmd_inspect(int argc, char **argv)
{
	struct fr_bundle_manifest m;
	struct fr_err err = { 0 };
	long long total = 0;
	size_t i;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		puts("usage: repo-builder inspect <bundle>\n\nPrint a bundle's MANIFEST: what it is, its inputs, its packages.\n"
		     "It does not verify: run 'repo-builder verify' for that.");
		return FR_EXIT_OK;
	}
	if (argc != 2) {
		fputs("usage: repo-builder inspect <bundle>\n", stderr);
		return FR_EXIT_USAGE;
	}
	if (fr_bundle_manifest_read(argv[1], &m, &err) < 0) {
		fr_cli_error("inspect: %s", err.msg);
		return FR_EXIT_FAIL;
	}
	printf("bundle   %s %s\ntarget   %s\nkey      %s\nepoch    %lld\nmanifest %s\n", m.bundle, m.version, m.target,
	       m.key ? m.key : "-", m.epoch, m.manifest_sha256 ? m.manifest_sha256 : "-");
	printf("image    %s\n", m.image ? "yes (the base system too: farrow image build can make a root of it)" : "no");
	for (i = 0; i < m.ninputs; i++)
		printf("input    %s\n", m.inputs[i]);
	printf("\n%-40s %-32s %-6s %-12s %12s\n", "NAME", "VERSION", "ARCH", "REPO", "SIZE");
	for (i = 0; i < m.npkgs; i++) {
		printf("%-40s %-32s %-6s %-12s %12lld\n", m.pkgs[i].name, m.pkgs[i].version, m.pkgs[i].arch,
		       m.pkgs[i].repo, m.pkgs[i].size);
		total += m.pkgs[i].size;
	}
	printf("%zu packages, %lld bytes (%.1f MiB); %zu files\n", m.npkgs, total, (double)total / 1048576.0,
	       m.nfiles + 1);
	fr_bundle_manifest_release(&m);
	return FR_EXIT_OK;
}

static const struct fr_bundle_pkg *find(const struct fr_bundle_manifest *m, const struct fr_bundle_pkg *p)
{
	size_t i;

	for (i = 0; i < m->npkgs; i++)
		if (strcmp(m->pkgs[i].name, p->name) == 0 && strcmp(m->pkgs[i].arch, p->arch) == 0)
			return &m->pkgs[i];
	return NULL;
}

int rb_cmd_diff(int argc, char **argv)
{
	struct fr_bundle_manifest a, b;
	struct fr_err err = { 0 };
	Pool *pool;
	size_t i, added = 0, removed = 0, up = 0, down = 0;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		puts("usage: repo-builder diff <old-bundle> <new-bundle>\n\n"
		     "List packages added (+), removed (-), upgraded (^) and downgraded (v) from old to new.");
		return FR_EXIT_OK;
	}
	if (argc != 3) {
		fputs("usage: repo-builder diff <old-bundle> <new-bundle>\n", stderr);
		return FR_EXIT_USAGE;
	}
	if (fr_bundle_manifest_read(argv[1], &a, &err) < 0) {
		fr_cli_error("diff: %s", err.msg);
		return FR_EXIT_FAIL;
	}
	if (fr_bundle_manifest_read(argv[2], &b, &err) < 0) {
		fr_cli_error("diff: %s", err.msg);
		fr_bundle_manifest_release(&a);
		return FR_EXIT_FAIL;
	}
	pool = pool_create();
	{
		char distro[16], arch[16];
		int deb = 1;

		fr_target_split(a.target, distro, sizeof(distro), arch, sizeof(arch), NULL, &deb);
		pool_setdisttype(pool, deb ? DISTTYPE_DEB : DISTTYPE_RPM);
	}
	for (i = 0; i < b.npkgs; i++) {
		const struct fr_bundle_pkg *o = find(&a, &b.pkgs[i]);
		int cmp;

		if (o == NULL) {
			printf("+ %s %s %s\n", b.pkgs[i].name, b.pkgs[i].version, b.pkgs[i].arch);
			added++;
			continue;
		}
		cmp = pool_evrcmp_str(pool, b.pkgs[i].version, o->version, EVRCMP_COMPARE);
		if (cmp > 0) {
			printf("^ %s %s -> %s\n", b.pkgs[i].name, o->version, b.pkgs[i].version);
			up++;
		} else if (cmp < 0) {
			printf("v %s %s -> %s\n", b.pkgs[i].name, o->version, b.pkgs[i].version);
			down++;
		}
	}
	for (i = 0; i < a.npkgs; i++)
		if (find(&b, &a.pkgs[i]) == NULL) {
			printf("- %s %s %s\n", a.pkgs[i].name, a.pkgs[i].version, a.pkgs[i].arch);
			removed++;
		}
	printf("%zu added, %zu removed, %zu upgraded, %zu downgraded\n", added, removed, up, down);
	pool_free(pool);
	fr_bundle_manifest_release(&a);
	fr_bundle_manifest_release(&b);
	return FR_EXIT_OK;
}
