/* t-answer.c -- unit tests of lib/answer.c: the answer-file checks, crypt(3), SSH public keys. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <crypt.h>
#include <stdio.h>
#include <string.h>

#include "answer.h"
#include "err.h"
#include "tap.h"

/* The number of errors of a check, the first one's line and text in *line/msg. */
static size_t check(enum fr_answer_kind k, const char *text, int *line, char *msg, size_t n)
{
	struct fr_diags d = { 0 };
	size_t e = fr_answer_check(k, text, strlen(text), &d);

	*line = d.n ? d.v[0].line : -1;
	snprintf(msg, n, "%s", d.n ? d.v[0].msg : "");
	fr_diags_release(&d);
	return e;
}

int main(void)
{
	char msg[512], hash[256], again[256];
	int line;

	TEST_START("preseed: good lines pass; a bad type, a bad boolean, a bare word are errors at their line");
	ASSERT_INT_EQ(check(FR_ANSWER_PRESEED,
			    "# comment\nd-i netcfg/get_hostname string pg-1\nd-i netcfg/confirm_static boolean true\n"
			    "d-i passwd/root-password-crypted password $6$abc$def\n", &line, msg, sizeof(msg)), 0);
	ASSERT_INT_EQ(check(FR_ANSWER_PRESEED, "d-i netcfg/get_hostname string a\nd-i x/y strin b\n", &line, msg,
			    sizeof(msg)), 1);
	ASSERT_INT_EQ(line, 2);
	ASSERT_TRUE(strstr(msg, "'strin' is not a debconf type") != NULL);
	ASSERT_INT_EQ(check(FR_ANSWER_PRESEED, "\nd-i x/y boolean yes\n", &line, msg, sizeof(msg)), 1);
	ASSERT_INT_EQ(line, 2);
	ASSERT_TRUE(strstr(msg, "true or false") != NULL);
	ASSERT_INT_EQ(check(FR_ANSWER_PRESEED, "hostname\n", &line, msg, sizeof(msg)), 1);
	ASSERT_INT_EQ(check(FR_ANSWER_PRESEED, "d-i noslash string a\n", &line, msg, sizeof(msg)), 1);
	ASSERT_TRUE(strstr(msg, "not a debconf question") != NULL);
	ASSERT_INT_EQ(check(FR_ANSWER_PRESEED, "d-i x/y string a\r\n", &line, msg, sizeof(msg)), 1);
	TEST_DONE();

	TEST_START("kickstart: commands and sections farrow writes pass; unknown ones, bad options, open sections fail");
	ASSERT_INT_EQ(check(FR_ANSWER_KICKSTART,
			    "text\ncdrom\nnetwork --bootproto=static --ip=10.0.0.2 --netmask=255.255.255.0 --activate\n"
			    "rootpw --iscrypted $6$a$b\nsshkey --username=root \"ssh-ed25519 AAAA x@y\"\n"
			    "%packages\n@^minimal-environment\n%end\n%post --nochroot\necho anything goes here\n%end\n",
			    &line, msg, sizeof(msg)), 0);
	ASSERT_INT_EQ(check(FR_ANSWER_KICKSTART, "text\nautopart --type=lvm\n", &line, msg, sizeof(msg)), 1);
	ASSERT_INT_EQ(line, 2);
	ASSERT_TRUE(strstr(msg, "'autopart' is not a kickstart command") != NULL);
	ASSERT_INT_EQ(check(FR_ANSWER_KICKSTART, "network --ip=10.0.0.300\n", &line, msg, sizeof(msg)), 1);
	ASSERT_TRUE(strstr(msg, "not an IPv4 address") != NULL);
	ASSERT_INT_EQ(check(FR_ANSWER_KICKSTART, "reboot --later\n", &line, msg, sizeof(msg)), 1);
	ASSERT_TRUE(strstr(msg, "reboot does not take --later") != NULL);
	ASSERT_INT_EQ(check(FR_ANSWER_KICKSTART, "rootpw secret\n", &line, msg, sizeof(msg)), 1);
	ASSERT_TRUE(strstr(msg, "--iscrypted") != NULL);
	ASSERT_INT_EQ(check(FR_ANSWER_KICKSTART, "text\n%post\necho\n", &line, msg, sizeof(msg)), 1);
	ASSERT_INT_EQ(line, 2);
	ASSERT_TRUE(strstr(msg, "not closed with %end") != NULL);
	ASSERT_INT_EQ(check(FR_ANSWER_KICKSTART, "sshkey --username=root \"ssh-ed25519 AAAA\n", &line, msg, sizeof(msg)),
		      1);
	ASSERT_TRUE(strstr(msg, "unclosed quote") != NULL);
	ASSERT_INT_EQ(check(FR_ANSWER_KICKSTART, "%end\n", &line, msg, sizeof(msg)), 1);
	TEST_DONE();

	TEST_START("autoinstall: v1 keys and types pass; a missing autoinstall:, version 2, a typo, wrong types fail");
	ASSERT_INT_EQ(check(FR_ANSWER_AUTOINSTALL,
			    "#cloud-config\nautoinstall:\n  version: 1\n  keyboard: {layout: us}\n"
			    "  identity: {hostname: a, username: dba, password: \"$6$x$y\"}\n"
			    "  ssh: {install-server: true, allow-pw: false, authorized-keys: [\"k\"]}\n"
			    "  network: {version: 2, ethernets: {}}\n  storage: {layout: {name: direct}}\n"
			    "  late-commands: [\"true\", [\"sh\", \"-c\", \"x\"]]\n  shutdown: reboot\n",
			    &line, msg, sizeof(msg)), 0);
	ASSERT_INT_EQ(check(FR_ANSWER_AUTOINSTALL, "#cloud-config\nversion: 1\n", &line, msg, sizeof(msg)), 1);
	ASSERT_TRUE(strstr(msg, "no top-level 'autoinstall:'") != NULL);
	ASSERT_INT_EQ(check(FR_ANSWER_AUTOINSTALL, "#cloud-config\nautoinstall:\n  version: 2\n", &line, msg, sizeof(msg)),
		      1);
	ASSERT_INT_EQ(line, 3);
	ASSERT_INT_EQ(check(FR_ANSWER_AUTOINSTALL, "#cloud-config\nautoinstall:\n  version: 1\n  late-comands: []\n",
			    &line, msg, sizeof(msg)), 1);
	ASSERT_INT_EQ(line, 4);
	ASSERT_TRUE(strstr(msg, "'late-comands' is not an autoinstall v1 key") != NULL);
	ASSERT_INT_EQ(check(FR_ANSWER_AUTOINSTALL,
			    "#cloud-config\nautoinstall:\n  version: 1\n  identity: {hostname: a, username: b}\n", &line,
			    msg, sizeof(msg)), 1);
	ASSERT_TRUE(strstr(msg, "'password' is required") != NULL);
	ASSERT_INT_EQ(check(FR_ANSWER_AUTOINSTALL,
			    "#cloud-config\nautoinstall:\n  version: 1\n  ssh: {install-server: yes please}\n", &line, msg,
			    sizeof(msg)), 1);
	ASSERT_INT_EQ(check(FR_ANSWER_AUTOINSTALL, "autoinstall:\n  version: 1\n", &line, msg, sizeof(msg)), 1);
	ASSERT_TRUE(strstr(msg, "#cloud-config") != NULL);
	ASSERT_INT_EQ(check(FR_ANSWER_AUTOINSTALL,
			    "#cloud-config\nautoinstall:\n  version: 1\n  late-commands: [1]\n  shutdown: halt\n", &line,
			    msg, sizeof(msg)), 2);
	TEST_DONE();

	TEST_START("crypt(3) SHA-512: a $6$ hash crypt verifies, a fresh salt each time");
	ASSERT_INT_EQ(fr_crypt_sha512("correct horse", hash, sizeof(hash), NULL), 0);
	ASSERT_TRUE(strncmp(hash, "$6$", 3) == 0);
	ASSERT_STR_EQ(crypt("correct horse", hash), hash);
	ASSERT_TRUE(strcmp(crypt("wrong horse", hash), hash) != 0);
	ASSERT_INT_EQ(fr_crypt_sha512("correct horse", again, sizeof(again), NULL), 0);
	ASSERT_TRUE(strcmp(hash, again) != 0);
	ASSERT_INT_EQ(fr_crypt_sha512("x", hash, 16, NULL), FR_EARG);
	TEST_DONE();

	TEST_START("SSH public keys: a key line passes; a private key, a quote, a bare type fail");
	ASSERT_TRUE(fr_ssh_pubkey_problem("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyDataHere dba@admin") == NULL);
	ASSERT_TRUE(fr_ssh_pubkey_problem("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyDataHere") == NULL);
	ASSERT_TRUE(fr_ssh_pubkey_problem("-----BEGIN OPENSSH PRIVATE KEY-----") != NULL);
	ASSERT_TRUE(fr_ssh_pubkey_problem("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyDataHere a'b") != NULL);
	ASSERT_TRUE(fr_ssh_pubkey_problem("ssh-ed25519") != NULL);
	ASSERT_TRUE(fr_ssh_pubkey_problem("ssh-dss AAAAB3NzaC1kc3MAAACBAExampleKeyData") != NULL);
	TEST_DONE();

	return TAP_END();
}
