/* disk.c -- a bootable GPT disk image from a root directory, in a file (see disk.h). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "crypto.h"
#include "disk.h"
#include "exec.h"
#include "fileio.h"
#include "xalloc.h"

#define SECTOR 512
#define BIOS_START 2048              /* 1 MiB in: the BIOS boot partition, 1 MiB */
#define BIOS_SECTORS 2048
#define ESP_START (BIOS_START + BIOS_SECTORS)
#define ESP_MIB 32
#define ROOT_START (ESP_START + ESP_MIB * 2048)

/* GRUB's boot.img and diskboot.img: where the core image's first sector and its blocklist go */
#define BOOT_KERNEL_SECTOR 0x5c
#define BOOT_MBR_CODE 440
#define DISKBOOT_LIST 0x1f4

#define GRUB_MODULES FR_GRUB_MODULES

/* A GUID (text) from seed and what it names: the same inputs, the same GUID; version 4 bits. */
static void derived_uuid(const char *seed, const char *what, char out[37])
{
	char *s = fr_xasprintf("%s/%s", seed, what), h[65];

	fr_sha256_hex(s, strlen(s), h);
	free(s);
	h[12] = '4';
	h[16] = "89ab"[(h[16] - (h[16] > '9' ? 'a' - 10 : '0')) & 3];
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

static int write_at(int fd, const void *data, size_t len, off_t off, struct fr_err *err)
{
	const char *p = data;

	while (len > 0) {
		ssize_t w = pwrite(fd, p, len, off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return fr_err_set(err, FR_EIO, "cannot write the disk image: %s", strerror(errno));
		p += w;
		len -= (size_t)w;
		off += w;
	}
	return 0;
}

/* The used size of a tree in MiB (apparent sizes, as mke2fs -d copies them). */
static long long tree_mib(const char *root, struct fr_err *err)
{
	const char *argv[] = { "du", "-sm", "--apparent-size", root, NULL };
	struct fr_buf out = FR_BUF_INIT;
	long long mib = -1;
	int st = 0;

	if (fr_exec(argv, NULL, NULL, 0, &out, NULL, &st, err) == 0 && st == 0 && out.len)
		mib = strtoll(out.buf, NULL, 10);
	fr_buf_release(&out);
	if (mib < 0)
		fr_err_set(err, FR_EIO, "cannot size %s", root);
	return mib;
}

/* Times clamped as tar --clamp-mtime does, before mke2fs -d copies them: every atime the epoch, an
 * mtime after it the epoch. (ctime cannot be set; mke2fs from 1.47.1 clamps it to
 * SOURCE_DATE_EPOCH itself, 1.47.0 copies the build's.) */
static struct timespec clamp_to;

static int clamp_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	struct timespec t[2];

	(void)flag;
	(void)ftw;
	t[0] = clamp_to;
	t[1] = st->st_mtim.tv_sec >= clamp_to.tv_sec ? clamp_to : st->st_mtim;
	return utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW) < 0 && errno != ENOENT ? -1 : 0;
}

int fr_disk_clamp_times(const char *root, long long epoch, struct fr_err *err)
{
	clamp_to.tv_sec = (time_t)epoch;
	clamp_to.tv_nsec = 0;
	if (nftw(root, clamp_one, 32, FTW_PHYS | FTW_MOUNT) != 0)
		return fr_err_set(err, FR_EIO, "cannot clamp the times under %s: %s", root, strerror(errno));
	return 0;
}

/* What the root needs to boot from this disk: fstab, GRUB's menu, the growth of the root. */
static int root_files(const char *root, struct fr_err *err)
{
	static const char fstab[] = "# written by farrow image build: the root by its label, grown to its partition at boot\n"
				    "LABEL=" FR_DISK_ROOT_LABEL " / ext4 defaults,x-systemd.growfs 0 1\n";
	static const char grub[] =
		"# written by farrow image build\n"
		"serial --unit=0 --speed=115200\n"
		"terminal_input serial console\n"
		"terminal_output serial console\n"
		"set timeout=2\n"
		"menuentry 'farrow node' {\n"
		"  search --no-floppy --label " FR_DISK_ROOT_LABEL " --set=root\n"
		"  linux /vmlinuz root=LABEL=" FR_DISK_ROOT_LABEL " ro console=tty0 console=ttyS0,115200n8\n"
		"  initrd /initrd.img\n"
		"}\n";
	static const char repart[] = "# written by farrow image build: the root partition grows into a larger disk at boot\n"
				     "[Partition]\nType=root\n";
	static const struct {
		const char *path, *text;
	} files[] = { { "/etc/fstab", fstab }, { "/boot/grub/grub.cfg", grub }, { "/etc/repart.d/50-root.conf", repart } };
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = fr_xasprintf("%s%s", root, files[i].path), *d = fr_xstrdup(p);
		int r;

		*strrchr(d, '/') = '\0';
		r = fr_mkdir_p(d, 0755, err);
		if (r == 0)
			r = fr_write_atomic(p, files[i].text, strlen(files[i].text), 0644, 0, err);
		free(p);
		free(d);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The BIOS path: core.img into the BIOS boot partition, boot.img's code into the MBR, each
 * told where the next piece is (what grub-bios-setup does for a GPT disk). */
static int bios_boot(int fd, const char *root, const char *core, struct fr_err *err)
{
	char *bootp = fr_xasprintf("%s/usr/lib/grub/i386-pc/boot.img", root), *b = NULL, *c = NULL;
	unsigned char mbr[SECTOR];
	size_t blen = 0, clen = 0, nsec;
	uint64_t lba;
	uint16_t more;
	int r = FR_EIO;

	if (fr_read_file(bootp, 4096, &b, &blen, err) < 0 || fr_read_file(core, BIOS_SECTORS * SECTOR, &c, &clen, err) < 0)
		goto out;
	if (blen != SECTOR || clen < SECTOR || clen > BIOS_SECTORS * SECTOR) {
		r = fr_err_set(err, FR_EINVALID, "GRUB's boot.img (%zu bytes) or core.img (%zu bytes) is not what a BIOS "
			       "boot partition of %d sectors takes", blen, clen, BIOS_SECTORS);
		goto out;
	}
	nsec = (clen + SECTOR - 1) / SECTOR;
	/* diskboot.img (core.img's first sector): the rest of core.img, from the next sector */
	lba = BIOS_START + 1;
	more = (uint16_t)(nsec - 1);
	memcpy(c + DISKBOOT_LIST, &lba, 8);     /* little-endian, as x86 reads it */
	memcpy(c + DISKBOOT_LIST + 8, &more, 2);
	if ((r = write_at(fd, c, clen, (off_t)BIOS_START * SECTOR, err)) < 0)
		goto out;
	if (pread(fd, mbr, SECTOR, 0) != SECTOR) {
		r = fr_err_set(err, FR_EIO, "cannot read the protective MBR: %s", strerror(errno));
		goto out;
	}
	memcpy(mbr, b, BOOT_MBR_CODE); /* the code only: the disk signature and partition table stay */
	lba = BIOS_START;
	memcpy(mbr + BOOT_KERNEL_SECTOR, &lba, 8);
	r = write_at(fd, mbr, SECTOR, 0, err);
out:
	free(bootp);
	free(b);
	free(c);
	return r;
}

/* The partition table, the root file system, GRUB for BIOS and UEFI, onto fd (path: the same
 * file or device, for the tools), total_mib long. epoch < 0: times are the clock's (a disk
 * installed on a machine); else every time is epoch (an image's bytes reproducible). */
static int disk_write(int fd, const char *path, long long total_mib, const char *root, const char *work,
		      const char *seed, long long epoch, struct fr_err *err)
{
	char guid_disk[37], guid_bios[37], guid_esp[37], guid_root[37], fs_uuid[37], sde[48], fake[48], serial[9];
	char *sf = NULL, *early = NULL, *efi = NULL, *core = NULL, *esp = NULL, *efidir = NULL, *pcdir = NULL;
	char *offset = NULL, *blocks = NULL;
	const char *tenv[] = { sde, NULL }, *mkenv[] = { fake, sde, NULL }, *vfenv[] = { sde, "MTOOLS_SKIP_CHECK=1", NULL };
	long long root_sectors;
	int r;

	derived_uuid(seed, "disk", guid_disk);
	derived_uuid(seed, "bios", guid_bios);
	derived_uuid(seed, "esp", guid_esp);
	derived_uuid(seed, "root", guid_root);
	derived_uuid(seed, "root-fs", fs_uuid);
	memcpy(serial, guid_esp, 8);
	serial[8] = '\0';
	if (epoch >= 0) {
		snprintf(sde, sizeof(sde), "SOURCE_DATE_EPOCH=%lld", epoch);
		snprintf(fake, sizeof(fake), "E2FSPROGS_FAKE_TIME=%lld", epoch);
	} else {
		tenv[0] = mkenv[0] = NULL;
		vfenv[0] = "MTOOLS_SKIP_CHECK=1";
		vfenv[1] = NULL;
	}
	/* the partition table; the root ends where sfdisk leaves room for the backup GPT */
	root_sectors = (((total_mib - 1) << 20) / SECTOR - ROOT_START) / 8 * 8;
	sf = fr_xasprintf("label: gpt\nlabel-id: %s\nunit: sectors\nfirst-lba: 2048\n"
			  "start=%d, size=%d, type=21686148-6449-6E6F-744E-656564454649, uuid=%s, name=\"bios\"\n"
			  "start=%d, size=%d, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=%s, name=\"esp\"\n"
			  "start=%d, size=%lld, type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, uuid=%s, name=\"root\"\n",
			  guid_disk, BIOS_START, BIOS_SECTORS, guid_bios, ESP_START, ESP_MIB * 2048, guid_esp, ROOT_START,
			  root_sectors, guid_root);
	{
		const char *argv[] = { "sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", "--wipe", "always", path, NULL };

		if ((r = fr_exec_tool(argv, NULL, sf, err)) < 0)
			goto out;
	}
	/* the root file system, filled from the tree, written in place (no loop, no mount) */
	offset = fr_xasprintf("offset=%lld,hash_seed=%s", (long long)ROOT_START * SECTOR, fs_uuid);
	blocks = fr_xasprintf("%lld", root_sectors / 8);
	{
		const char *argv[] = { "mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", "-L", FR_DISK_ROOT_LABEL, "-U", fs_uuid,
				       "-E", offset, "-d", root, path, blocks, NULL };

		if ((r = fr_exec_tool(argv, mkenv, NULL, err)) < 0)
			goto out;
	}
	/* GRUB, from the root's own modules: UEFI's removable path, and BIOS's core image */
	early = fr_xasprintf("%s/early.cfg", work);
	efi = fr_xasprintf("%s/BOOTX64.EFI", work);
	core = fr_xasprintf("%s/core.img", work);
	efidir = fr_xasprintf("%s/usr/lib/grub/x86_64-efi", root);
	pcdir = fr_xasprintf("%s/usr/lib/grub/i386-pc", root);
	{
		static const char cfg[] = "search --no-floppy --label " FR_DISK_ROOT_LABEL " --set=root\n"
					  "set prefix=($root)/boot/grub\n";

		if ((r = fr_write_atomic(early, cfg, strlen(cfg), 0644, 0, err)) < 0)
			goto out;
	}
	{
		const char *ea[] = { "grub-mkimage", "-d", efidir, "-O", "x86_64-efi", "-c", early, "-p", "/boot/grub", "-o", efi,
				     GRUB_MODULES, "efi_gop", "efi_uga", "all_video", NULL };
		const char *pa[] = { "grub-mkimage", "-d", pcdir, "-O", "i386-pc", "-c", early, "-p", "/boot/grub", "-o", core,
				     GRUB_MODULES, "biosdisk", NULL };

		if ((r = fr_exec_tool(ea, tenv, NULL, err)) < 0 || (r = fr_exec_tool(pa, tenv, NULL, err)) < 0)
			goto out;
	}
	/* the EFI system partition: made in its own file, then copied into place */
	esp = fr_xasprintf("%s/esp.img", work);
	{
		char kib[32];
		const char *mk[] = { "mkfs.vfat", "-C", "--invariant", "-i", serial, "-n", FR_DISK_ESP_LABEL, esp, kib, NULL };
		const char *md[] = { "mmd", "-i", esp, "::EFI", "::EFI/BOOT", NULL };
		const char *cp[] = { "mcopy", "-i", esp, efi, "::EFI/BOOT/BOOTX64.EFI", NULL };
		char *data = NULL;
		size_t len = 0;

		snprintf(kib, sizeof(kib), "%d", ESP_MIB * 1024);
		if ((r = fr_exec_tool(mk, vfenv, NULL, err)) < 0 || (r = fr_exec_tool(md, vfenv, NULL, err)) < 0 ||
		    (r = fr_exec_tool(cp, vfenv, NULL, err)) < 0)
			goto out;
		if ((r = fr_read_file(esp, (size_t)ESP_MIB << 20, &data, &len, err)) < 0)
			goto out;
		r = write_at(fd, data, len, (off_t)ESP_START * SECTOR, err);
		free(data);
		if (r < 0)
			goto out;
	}
	if ((r = bios_boot(fd, root, core, err)) < 0)
		goto out;
	if (fsync(fd) < 0)
		r = fr_err_set(err, FR_EIO, "cannot sync %s: %s", path, strerror(errno));
out:
	free(sf);
	free(early);
	free(efi);
	free(core);
	free(esp);
	free(efidir);
	free(pcdir);
	free(offset);
	free(blocks);
	return r;
}

static int have_tools(const char *root, struct fr_err *err)
{
	char *efidir = fr_xasprintf("%s/usr/lib/grub/x86_64-efi", root), *pcdir = fr_xasprintf("%s/usr/lib/grub/i386-pc", root);
	int r = 0;

	if (!fr_exec_have("sfdisk") || !fr_exec_have("mke2fs") || !fr_exec_have("grub-mkimage") ||
	    !fr_exec_have("mkfs.vfat") || !fr_exec_have("mcopy"))
		r = fr_err_set(err, FR_EIO, "a disk needs sfdisk, mke2fs, grub-mkimage, mkfs.vfat and mcopy "
			       "(apt-get install fdisk e2fsprogs grub-common dosfstools mtools; make deps installs them)");
	else if (access(efidir, R_OK) != 0 || access(pcdir, R_OK) != 0)
		r = fr_err_set(err, FR_EINVALID, "the root has no GRUB modules (usr/lib/grub/x86_64-efi and i386-pc: "
			       "grub-efi-amd64-bin and grub-pc-bin from the bundle)");
	free(efidir);
	free(pcdir);
	return r;
}

int fr_disk_build(const char *root, const char *work, const char *out, const char *seed, long long epoch,
		  struct fr_err *err)
{
	long long used, root_mib, total_mib;
	int fd = -1, r;

	if ((r = have_tools(root, err)) < 0 || (r = root_files(root, err)) < 0)
		return r;
	if ((r = fr_disk_clamp_times(root, epoch, err)) < 0)
		return r;
	if ((used = tree_mib(root, err)) < 0)
		return FR_EIO;
	root_mib = used + used * 3 / 10 + 512;
	total_mib = 1 + 1 + ESP_MIB + root_mib + 1; /* and the backup GPT at the end */
	if ((fd = open(out, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
		return fr_err_set(err, FR_EIO, "cannot create %s: %s", out, strerror(errno));
	if (ftruncate(fd, (off_t)total_mib << 20) < 0)
		r = fr_err_set(err, FR_EIO, "cannot size %s: %s", out, strerror(errno));
	else
		r = disk_write(fd, out, total_mib, root, work, seed, epoch, err);
	close(fd);
	if (r < 0)
		unlink(out);
	return r;
}

long long fr_disk_needed_mib(const char *root, struct fr_err *err)
{
	long long used = tree_mib(root, err);

	return used < 0 ? -1 : 1 + 1 + ESP_MIB + used + used / 10 + 256 + 1;
}

int fr_disk_install(const char *root, const char *work, const char *dev, const char *seed, struct fr_err *err)
{
	long long size = 0, need;
	struct stat st;
	int fd, r;

	if ((r = have_tools(root, err)) < 0)
		return r;
	/* O_EXCL on a block device: refused while anything (a mount, a holder) uses it */
	if ((fd = open(dev, O_RDWR | O_CLOEXEC | O_EXCL)) < 0 && errno == EINVAL)
		fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fr_err_set(err, FR_EIO, "cannot open %s for writing%s: %s", dev,
				  errno == EBUSY ? " (it is in use: mounted, or held by another device)" : "", strerror(errno));
	if (fstat(fd, &st) < 0 || !(S_ISBLK(st.st_mode) || S_ISREG(st.st_mode))) {
		close(fd);
		return fr_err_set(err, FR_EINVALID, "%s is not a disk", dev);
	}
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(fd, 0, SEEK_END);

		size = end < 0 ? 0 : (long long)end;
	} else
		size = (long long)st.st_size;
	close(fd);
	if ((need = fr_disk_needed_mib(root, err)) < 0)
		return FR_EIO;
	if ((size >> 20) < need)
		return fr_err_set(err, FR_EINVALID, "%s holds %lld MiB; the node needs %lld MiB", dev, size >> 20, need);
	if ((r = root_files(root, err)) < 0)
		return r;
	if ((fd = open(dev, O_RDWR | O_CLOEXEC)) < 0)
		return fr_err_set(err, FR_EIO, "cannot open %s for writing: %s", dev, strerror(errno));
	r = disk_write(fd, dev, size >> 20, root, work, seed, -1, err);
	close(fd);
	return r;
}

int fr_disk_is_ours(const char *path, long long *root_offset)
{
	unsigned char gpt[1024];
	int fd = open(path, O_RDONLY | O_CLOEXEC), ok = 0;

	if (fd < 0)
		return 0;
	/* the GPT header at LBA 1 ("EFI PART"), the partition entries at LBA 2: the third (root)
	 * starts at ROOT_START (its first LBA is at byte 32 of the 128-byte entry) */
	if (pread(fd, gpt, 512, 512) == 512 && memcmp(gpt, "EFI PART", 8) == 0 && pread(fd, gpt, 512, 1024) == 512) {
		uint64_t first = 0;
		int i;

		for (i = 7; i >= 0; i--)
			first = first << 8 | gpt[2 * 128 + 32 + i];
		ok = first == ROOT_START;
	}
	close(fd);
	if (ok && root_offset)
		*root_offset = (long long)ROOT_START * SECTOR;
	return ok;
}

int fr_disk_read_file(const char *disk, const char *path, size_t max, struct fr_buf *out, struct fr_err *err)
{
	char *dev = fr_xasprintf("%s?offset=%lld", disk, (long long)ROOT_START * SECTOR), *req = fr_xasprintf("cat %s", path);
	const char *argv[] = { "debugfs", "-R", req, dev, NULL };
	struct fr_buf o = FR_BUF_INIT, e = FR_BUF_INIT;
	int st = 0, r;

	if (strpbrk(path, " \t\n\"'") || path[0] != '/')
		r = fr_err_set(err, FR_EARG, "'%s': not an absolute path debugfs can take", path);
	else if (!fr_exec_have("debugfs"))
		r = fr_err_set(err, FR_EIO, "reading a disk image needs debugfs (apt-get install e2fsprogs)");
	else if (fr_exec((const char *const *)argv, NULL, NULL, 0, &o, &e, &st, err) < 0)
		r = FR_EIO;
	else if (st != 0 || strstr(e.buf ? e.buf : "", "File not found"))
		r = fr_err_set(err, FR_ENOTFOUND, "%s: no %s in its root file system", disk, path);
	else if (o.len > max)
		r = fr_err_set(err, FR_EIO, "%s: %s is larger than %zu bytes", disk, path, max);
	else {
		fr_buf_addn(out, o.buf, o.len);
		r = 0;
	}
	fr_buf_release(&o);
	fr_buf_release(&e);
	free(dev);
	free(req);
	return r;
}
