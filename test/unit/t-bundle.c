/* t-bundle.c -- unit tests of lib/bundle.c: the MANIFEST format. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
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

	TEST_START("MANIFEST entries obey the path rule; numbers are numbers; nothing twice");
	{
		static const struct {
			const char *line, *want;
		} bad[] = {
			{ "top ../x\n", "MANIFEST:2: top '../x' has a '.' or '..' component" },
			{ "top a/b\n", "is not a single name" },
			{ "top t\ntop u\n", "MANIFEST:3: 'top' is given twice" },
			{ "epoch -5\n", "epoch is not a number of seconds" },
			{ "file bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb -1 x\n", "a file line is" },
			{ "file BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB 1 x\n", "a file line is" },
			{ "file bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 1 /etc/x\n", "is absolute" },
			{ "file bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 1 MANIFEST\n", "is MANIFEST itself" },
			{ "file bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 1 a\n"
			  "file bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 2 a\n", "file 'a' is listed twice" },
			{ "package p 1 amd64 r ../p.deb 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "package p:" },
		};
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char text[1024];

			snprintf(text, sizeof(text), "farrow-bundle 1\n%sbundle b\nversion 1\ntarget d12.x86_64\n%s",
				 bad[i].line, strncmp(bad[i].line, "top ", 4) ? "top t\n" : "");
			ASSERT_INT_EQ(fr_bundle_manifest_parse(text, strlen(text), &m, &err), FR_EINVALID);
			ASSERT_STR_CONTAINS(err.msg, bad[i].want);
		}
	}
	TEST_DONE();

	TEST_START("targets: one parser; a bundle fits only its distro, release and machine");
	{
		static const char d12[] = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
					  "VERSION_ID=\"12\"\nID=debian\n";
		static const char d13[] = "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\nVERSION_ID=\"13\"\nID=debian\n";
		static const char u24[] = "PRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\n";
		static const char rocky[] = "NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.4\"\n";
		static const char sid[] = "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nID=debian\n";
		char distro[16], arch[16], why[512];
		const char *debarch = NULL;
		int deb = -1;

		ASSERT_INT_EQ(fr_target_split("d13.aarch64", distro, sizeof(distro), arch, sizeof(arch), &debarch, &deb), 0);
		ASSERT_STR_EQ(distro, "d13");
		ASSERT_STR_EQ(debarch, "arm64");
		ASSERT_INT_EQ(deb, 1);
		ASSERT_INT_EQ(fr_target_split("el9.x86_64", distro, sizeof(distro), arch, sizeof(arch), NULL, &deb), 0);
		ASSERT_INT_EQ(deb, 0);
		ASSERT_INT_EQ(fr_target_split("d14.x86_64", distro, sizeof(distro), arch, sizeof(arch), NULL, NULL), FR_EARG);
		ASSERT_INT_EQ(fr_target_split("d12", distro, sizeof(distro), arch, sizeof(arch), NULL, NULL), FR_EARG);
		ASSERT_INT_EQ(fr_target_split("d12.x86_64.x", distro, sizeof(distro), arch, sizeof(arch), NULL, NULL), FR_EARG);
		ASSERT_INT_EQ(fr_target_fits("d12.x86_64", d12, "x86_64", why, sizeof(why)), 1);
		ASSERT_INT_EQ(fr_target_fits("d13.x86_64", d13, "x86_64", why, sizeof(why)), 1);
		ASSERT_INT_EQ(fr_target_fits("u24.x86_64", u24, "x86_64", why, sizeof(why)), 1);
		ASSERT_INT_EQ(fr_target_fits("el9.x86_64", rocky, "x86_64", why, sizeof(why)), 1);
		ASSERT_INT_EQ(fr_target_fits("d13.x86_64", d12, "x86_64", why, sizeof(why)), 0);
		ASSERT_STR_EQ(why, "the bundle is for d13.x86_64, this system is Debian GNU/Linux 12 (bookworm) (d12, x86_64)");
		ASSERT_INT_EQ(fr_target_fits("d12.x86_64", d13, "x86_64", why, sizeof(why)), 0);
		ASSERT_INT_EQ(fr_target_fits("d12.x86_64", d12, "aarch64", why, sizeof(why)), 0);
		ASSERT_STR_CONTAINS(why, "(d12, aarch64)");
		ASSERT_INT_EQ(fr_target_fits("d13.x86_64", sid, "x86_64", why, sizeof(why)), 0);
		ASSERT_STR_CONTAINS(why, "a release farrow does not know");
		ASSERT_INT_EQ(fr_target_fits("d12.x86_64", NULL, "x86_64", why, sizeof(why)), 0);
		ASSERT_INT_EQ(fr_target_fits("nonsense", d12, "x86_64", why, sizeof(why)), 0);
		ASSERT_STR_CONTAINS(why, "no known target");
	}
	TEST_DONE();
	return TAP_END();
}
