/* t-bundle.c -- unit tests of lib/bundle.c: the MANIFEST format. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "bundle.h"
#include "tap.h"

int main(void)
{
	struct fr_bundle_manifest m;
	struct fr_err err = { 0 };
	const char *good = "farrow-bundle 1\ntop t\nbundle farrow-pkg\nversion 1.0\ntarget d12.x86_64\nepoch 42\n"
			   "key ABCD\nmanifest-sha256 00\ninput mirror 42 http://x bookworm\n"
			   "package pgbouncer 1.18-1 amd64 mirror repo/pool/p.deb 100 "
			   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
			   "file bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 100 repo/pool/p.deb\n";

	TEST_START("a MANIFEST parses into its records");
	ASSERT_INT_EQ(fr_bundle_manifest_parse(good, strlen(good), &m, &err), 0);
	ASSERT_STR_EQ(m.top, "t");
	ASSERT_STR_EQ(m.target, "d12.x86_64");
	ASSERT_INT_EQ(m.epoch, 42);
	ASSERT_INT_EQ(m.npkgs, 1);
	ASSERT_STR_EQ(m.pkgs[0].version, "1.18-1");
	ASSERT_INT_EQ(m.pkgs[0].size, 100);
	ASSERT_INT_EQ(m.nfiles, 1);
	ASSERT_STR_EQ(m.files[0].path, "repo/pool/p.deb");
	ASSERT_STR_EQ(m.inputs[0], "mirror 42 http://x bookworm");
	fr_bundle_manifest_release(&m);
	TEST_DONE();

	TEST_START("bad MANIFESTs are refused with the line");
	ASSERT_INT_EQ(fr_bundle_manifest_parse("hello\n", 6, &m, &err), FR_EINVALID);
	ASSERT_STR_CONTAINS(err.msg, "MANIFEST:1: not a farrow bundle manifest");
	ASSERT_INT_EQ(fr_bundle_manifest_parse("farrow-bundle 2\n", 16, &m, &err), FR_EINVALID);
	ASSERT_STR_CONTAINS(err.msg, "unknown format version '2'");
	ASSERT_INT_EQ(fr_bundle_manifest_parse("farrow-bundle 1\nfile xx 1 p\n", 28, &m, &err), FR_EINVALID);
	ASSERT_STR_CONTAINS(err.msg, "MANIFEST:2: a file line is");
	ASSERT_INT_EQ(fr_bundle_manifest_parse("farrow-bundle 1\nbundle b\n", 25, &m, &err), FR_EINVALID);
	ASSERT_STR_CONTAINS(err.msg, "missing");
	TEST_DONE();
	return TAP_END();
}
