/* t-answerfile.c -- unit tests of lib/answerfile.c: the answer file's checks, and disk selection
 * over a sysfs tree of the shape the kernel writes (SATA with VPD page 0x80, virtio, NVMe, and the
 * devices that are never candidates). bats 2210 runs the same against this machine's /sys. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answerfile.h"
#include "fileio.h"
#include "tap.h"
#include "xalloc.h"

static char *sys;

static void put(const char *rel, const char *data, size_t len)
{
	char *p = fr_xasprintf("%s/block/%s", sys, rel), *d = fr_xstrdup(p);

	*strrchr(d, '/') = '\0';
	fr_mkdir_p(d, 0755, NULL);
	fr_write_atomic(p, data, len, 0644, 0, NULL);
	free(p);
	free(d);
}

static void puts_(const char *rel, const char *s)
{
	put(rel, s, strlen(s));
}

static struct fr_answerfile *load(const char *text, struct fr_diags *d)
{
	struct fr_err err = { 0 };

	fr_diags_release(d);
	memset(d, 0, sizeof(*d));
	return fr_answerfile_load(text, strlen(text), d, &err);
}

/* The message of the diagnostic at line:col, or "". */
static const char *at(const struct fr_diags *d, int line, int col)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].line == line && d->v[i].col == col)
			return d->v[i].msg;
	return "";
}

#define HEAD "farrow_answer: 1\nhost: 10.10.10.10\nroot: { ssh_keys: [ 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkV a' ] }\nerase: true\n"

int main(void)
{
	char sd[] = "/tmp/t-answerfile.XXXXXX";
	struct fr_diags d = { 0 };
	struct fr_answerfile *a;
	struct fr_disk *v = NULL;
	struct fr_err err = { 0 };
	size_t n = 0, which = 99;
	static const char vpd[] = "\x00\x80\x00\x14  S4EVNX0N123456     ";

	sys = mkdtemp(sd);
	/* sda: SATA, serial in VPD page 0x80 (space padded), WWN; vda: virtio serial; nvme0n1 */
	puts_("sda/size", "1875385008\n");
	puts_("sda/ro", "0\n");
	puts_("sda/removable", "0\n");
	puts_("sda/device/model", "SAMSUNG MZ7LH960 \n");
	put("sda/device/vpd_pg80", vpd, sizeof(vpd) - 1);
	puts_("sda/device/wwid", "naa.5002538e40a1b2c3\n");
	puts_("vda/size", "41943040\n");
	puts_("vda/ro", "0\n");
	puts_("vda/removable", "0\n");
	puts_("vda/serial", "farrow-disk-1\n");
	puts_("nvme0n1/size", "41943040\n");
	puts_("nvme0n1/ro", "0\n");
	puts_("nvme0n1/removable", "0\n");
	puts_("nvme0n1/device/model", "QEMU NVMe Ctrl\n");
	puts_("nvme0n1/device/serial", "nvme-1\n");
	puts_("nvme0n1/wwid", "eui.0011223344556677\n");
	/* never candidates: optical, loop, zram, device-mapper, read-only, empty */
	puts_("sr0/size", "1000000\n");
	puts_("loop0/size", "1000\n");
	puts_("zram0/size", "1000\n");
	puts_("dm-0/size", "1000\n");
	puts_("sdb/size", "1000000\n");
	puts_("sdb/ro", "1\n");
	puts_("sdc/size", "0\n");

	TEST_START("disks from sysfs: serial from VPD 0x80 or the serial attribute, WWN, sizes; the rest left out");
	ASSERT_INT_EQ(fr_disks_list(sys, &v, &n, &err), 0);
	ASSERT_INT_EQ(n, 3);
	ASSERT_STR_EQ(v[0].name, "nvme0n1");
	ASSERT_STR_EQ(v[0].serial, "nvme-1");
	ASSERT_STR_EQ(v[0].wwn, "eui.0011223344556677");
	ASSERT_STR_EQ(v[1].name, "sda");
	ASSERT_STR_EQ(v[1].serial, "S4EVNX0N123456");
	ASSERT_STR_EQ(v[1].model, "SAMSUNG MZ7LH960");
	ASSERT_INT_EQ(v[1].size, 1875385008LL * 512);
	ASSERT_STR_EQ(v[2].name, "vda");
	ASSERT_STR_EQ(v[2].serial, "farrow-disk-1");
	TEST_DONE();

	TEST_START("a selector picks exactly one disk, or says why not (none, or several and which)");
	a = load(HEAD "disk: { serial: S4EVNX0N123456 }\n", &d);
	ASSERT_TRUE(a != NULL);
	ASSERT_INT_EQ(fr_answerfile_match(a, v, n, &which, &err), 0);
	ASSERT_INT_EQ(which, 1);
	fr_answerfile_free(a);
	a = load(HEAD "disk: { wwn: NAA.5002538E40A1B2C3, min_size: 500G }\n", &d);
	ASSERT_INT_EQ(fr_answerfile_match(a, v, n, &which, &err), 0);
	ASSERT_INT_EQ(which, 1);
	fr_answerfile_free(a);
	a = load(HEAD "disk: { max_size: 20G }\n", &d);
	ASSERT_INT_EQ(fr_answerfile_match(a, v, n, &which, &err), FR_EINVALID);
	ASSERT_TRUE(strstr(err.msg, "matches 2 disks (nvme0n1, vda)") != NULL);
	fr_answerfile_free(a);
	a = load(HEAD "disk: { serial: S4EVNX0N123456, max_size: 20G }\n", &d);
	ASSERT_INT_EQ(fr_answerfile_match(a, v, n, &which, &err), FR_ENOTFOUND);
	ASSERT_TRUE(strstr(err.msg, "matches none of this machine's 3 disks") != NULL);
	fr_answerfile_free(a);
	TEST_DONE();

	TEST_START("defaults: inventory.yml beside it, reboot, on_error shell; no erase_data");
	a = load(HEAD "disk: { name: vda }\n", &d);
	ASSERT_TRUE(a != NULL);
	ASSERT_STR_EQ(a->inventory, "inventory.yml");
	ASSERT_INT_EQ(a->reboot, 1);
	ASSERT_INT_EQ(a->erase_data, 0);
	ASSERT_INT_EQ(a->on_error, FR_ON_ERROR_SHELL);
	fr_answerfile_free(a);
	TEST_DONE();

	TEST_START("bad answer files: each problem at its line and column, nothing returned");
	ASSERT_TRUE(load("farrow_answer: 2\nhost: pg-meta-1\ndisk: {}\nroot: { password_hash: secret }\n"
			 "erase: false\ninventory: ../etc/inv.yml\nrebot: true\n", &d) == NULL);
	ASSERT_TRUE(strstr(at(&d, 1, 16), "version 1") != NULL);
	ASSERT_TRUE(strstr(at(&d, 2, 7), "not an IPv4 address") != NULL);
	ASSERT_TRUE(strstr(at(&d, 3, 7), "at least one of") != NULL);
	ASSERT_TRUE(strstr(at(&d, 4, 24), "never the password itself") != NULL);
	ASSERT_TRUE(strstr(at(&d, 5, 8), "erase: true is required") != NULL);
	ASSERT_TRUE(strstr(at(&d, 6, 12), "'..'") != NULL || strstr(at(&d, 6, 12), "..") != NULL);
	ASSERT_TRUE(strstr(at(&d, 7, 1), "did you mean 'reboot'") != NULL);
	ASSERT_TRUE(load("farrow_answer: 1\nhost: 10.10.10.10\nerase: true\n", &d) == NULL);
	ASSERT_TRUE(strstr(at(&d, 1, 1), "disk: missing") != NULL);
	ASSERT_TRUE(strstr(at(&d, 1, 1), "root: missing") != NULL || d.nerrors == 2);
	ASSERT_TRUE(load(HEAD "disk: { name: /dev/sda, min_size: 2T, max_size: 1T }\nnetwork: { dhcp: true, gateway: 10.0.0.1 }\n"
			 "on_error: halt\n", &d) == NULL);
	ASSERT_TRUE(strstr(at(&d, 5, 15), "kernel disk name") != NULL);
	ASSERT_TRUE(strstr(at(&d, 5, 49), "below disk.min_size") != NULL);
	ASSERT_TRUE(strstr(at(&d, 6, 18), "takes no address or gateway") != NULL);
	ASSERT_TRUE(strstr(at(&d, 7, 11), "shell, reboot or poweroff") != NULL);
	ASSERT_TRUE(load("farrow_answer: 1\nhost: 10.10.10.10\ndisk: { name: vda }\nerase: true\n"
			 "root: { ssh_keys: [ 'ssh-dss AAAAB3NzaC1kc3MAAACBA' ] }\n", &d) == NULL);
	ASSERT_TRUE(strstr(at(&d, 5, 21), "not an OpenSSH public key") != NULL);
	TEST_DONE();

	TEST_START("sizes: K, M, G, T as powers of 1024, bytes; anything else refused");
	ASSERT_INT_EQ(fr_size_parse("20G"), 20LL << 30);
	ASSERT_INT_EQ(fr_size_parse("512m"), 512LL << 20);
	ASSERT_INT_EQ(fr_size_parse("1000"), 1000);
	ASSERT_INT_EQ(fr_size_parse("20GB"), -1);
	ASSERT_INT_EQ(fr_size_parse("-1G"), -1);
	ASSERT_INT_EQ(fr_size_parse("99999999999T"), -1);
	TEST_DONE();

	fr_diags_release(&d);
	free(v);
	fr_rm_rf(sys);
	return TAP_END();
}
