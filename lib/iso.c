/* iso.c -- the bootable install medium (see iso.h). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "crypto.h"
#include "disk.h"
#include "embedded.h"
#include "exec.h"
#include "fileio.h"
#include "image.h"
#include "iso.h"
#include "live.h"
#include "medium.h"
#include "profile.h"
#include "xalloc.h"

#define EFI_IMG_KIB 8192

/*
 * farrow's live boot, an initramfs-tools boot method (boot=farrow on the kernel command line
 * makes the initramfs's init run this mountroot): the medium found by its label, mounted at
 * /run/farrow/medium (init moves /run into the root, so it stays there), its squashfs the
 * lower layer of an overlay whose upper layer is a tmpfs. Twenty lines where live-boot would
 * bring its own package, a second initramfs hook and a dozen options farrow does not use; the
 * initramfs's busybox (initramfs-tools takes it when it is installed) mounts the loop device.
 */
static const char live_boot[] =
	"# farrow's live boot (boot=farrow farrow.label=<volume id>), written by farrow iso build\n"
	"farrow_arg() {\n"
	"\tfor x in $(cat /proc/cmdline); do\n"
	"\t\tcase \"$x\" in \"$1\"=*) echo \"${x#*=}\"; return ;; esac\n"
	"\tdone\n"
	"}\n"
	"# the block device whose ISO 9660 volume id is $1 (read from its primary volume descriptor: a\n"
	"# CD has no /dev/disk/by-label link in the initramfs, whose udev lacks cdrom_id)\n"
	"farrow_find() {\n"
	"\tfor d in /sys/class/block/*; do\n"
	"\t\tdev=/dev/${d##*/}\n"
	"\t\t[ -b \"$dev\" ] || continue\n"
	"\t\tpvd=$(dd if=\"$dev\" bs=2048 skip=16 count=1 2>/dev/null | dd bs=1 skip=1 count=71 2>/dev/null)\n"
	"\t\tcase \"$pvd\" in \"CD001\"*\" $1 \"*) echo \"$dev\"; return 0 ;; esac\n"
	"\tdone\n"
	"\treturn 1\n"
	"}\n"
	"mountroot() {\n"
	"\tlabel=$(farrow_arg farrow.label)\n"
	"\t[ -n \"$label\" ] || panic \"farrow: no farrow.label= on the kernel command line\"\n"
	"\tfor m in isofs squashfs overlay loop sr_mod cdrom usb_storage uas; do modprobe -q \"$m\" 2>/dev/null; done\n"
	"\techo \"farrow: looking for the medium labelled $label\"\n"
	"\ti=0\n"
	"\twhile ! dev=$(farrow_find \"$label\") && [ $i -lt 120 ]; do sleep 0.5; i=$((i + 1)); done\n"
	"\t[ -n \"$dev\" ] || panic \"farrow: no medium labelled $label after 60 s\"\n"
	"\techo \"farrow: the medium is $dev\"\n"
	"\tmkdir -p /run/farrow/medium /run/farrow/lower /run/farrow/rw\n"
	"\tmount -t iso9660 -o ro \"$dev\" /run/farrow/medium || panic \"farrow: cannot mount the medium $dev\"\n"
	"\tmount -t squashfs -o ro,loop /run/farrow/medium/live/root.squashfs /run/farrow/lower ||\n"
	"\t\tpanic \"farrow: cannot mount the medium's live/root.squashfs\"\n"
	"\tmount -t tmpfs -o mode=0755 tmpfs /run/farrow/rw\n"
	"\tmkdir -p /run/farrow/rw/upper /run/farrow/rw/work\n"
	"\tmount -t overlay -o lowerdir=/run/farrow/lower,upperdir=/run/farrow/rw/upper,workdir=/run/farrow/rw/work \\\n"
	"\t\toverlay \"${rootmnt}\" || panic \"farrow: cannot make the live root\"\n"
	"}\n";

/* What mmdebstrap runs before any package installs: the boot method and its modules are in the
 * initramfs the kernel's package makes (no second update-initramfs). */
static char *live_hook(const char *script)
{
	return fr_xasprintf("#!/bin/sh\n# farrow iso build: the live boot method, before the kernel installs\nset -e\n"
			    "mkdir -p \"$1/etc/initramfs-tools/scripts\"\n"
			    "cp '%s' \"$1/etc/initramfs-tools/scripts/farrow\"\n"
			    "printf '%%s\\n' isofs squashfs overlay loop sr_mod cdrom >>\"$1/etc/initramfs-tools/modules\"\n",
			    script);
}

/* The boot menu's entries: what the live system can do (each a farrow.mode), then each again
 * with the serial console as the main one. */
static const struct {
	const char *title, *mode;
	int answer;        /* only on a medium with an answer file */
	const char *extra; /* the wizard draws on the console: no boot status over it */
} entries[] = {
	{ "farrow: install unattended (the medium's answer file: ERASES the disk it picks)", "unattended", 1, "" },
	{ "farrow: install with the wizard (asks before it erases a disk)", "wizard", 0, " quiet systemd.show_status=false" },
	{ "farrow: rescue shell (the medium checked first)", "rescue", 0, "" },
};

static void say(const struct fr_iso_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const struct fr_iso_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (o->quiet)
		return;
	va_start(ap, fmt);
	fputs("farrow iso: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void fr_iso_label(const char *bundle_sha, char out[16])
{
	int i;

	snprintf(out, 16, "FARROW_%.8s", bundle_sha);
	for (i = 7; out[i]; i++)
		out[i] = (char)toupper((unsigned char)out[i]);
}

static char *grub_cfg(const char *label, int answer)
{
	struct fr_buf b = FR_BUF_INIT;
	size_t i;
	int serial;

	fr_buf_addf(&b, "# written by farrow iso build\n"
			"serial --unit=0 --speed=115200\n"
			"terminal_input serial console\n"
			"terminal_output serial console\n"
			"set timeout=10\n"
			"set default=0\n"
			"search --no-floppy --label %s --set=root\n",
		    label);
	for (serial = 0; serial < 2; serial++)
		for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
			/* no answer file on the medium: the unattended entry only when GRUB finds a volume
			 * labelled FARROW-ANSWER (farrow answer volume) beside it, and then first */
			int volume = entries[i].answer && !answer;

			if (volume)
				fr_buf_adds(&b, "if search --no-floppy --label " FR_ANSWER_LABEL " --set=farrow_answer; then\n");
			fr_buf_addf(&b,
				    "menuentry '%s%s' {\n"
				    "  linux /live/vmlinuz boot=farrow farrow.label=%s farrow.live farrow.mode=%s %s%s\n"
				    "  initrd /live/initrd.img\n"
				    "}\n",
				    volume ? "farrow: install unattended (the " FR_ANSWER_LABEL " volume: ERASES the disk it picks)"
					   : entries[i].title,
				    serial ? ", serial console" : "", label, entries[i].mode,
				    serial ? "console=tty0 console=ttyS0,115200n8" : "console=ttyS0,115200n8 console=tty0",
				    entries[i].extra);
			if (volume)
				fr_buf_adds(&b, "fi\n");
		}
	return fr_buf_detach(&b, NULL);
}

/* The one file glob matches under root (the kernel, its initramfs), or NULL with err set. */
static char *only_file(const char *root, const char *pattern, struct fr_err *err)
{
	char *pat = fr_xasprintf("%s/%s", root, pattern), *p = NULL;
	glob_t g;

	if (glob(pat, 0, NULL, &g) != 0 || g.gl_pathc != 1)
		fr_err_set(err, FR_EINVALID, "the live root has %zu files %s (one kernel and its initramfs expected)",
			   g.gl_pathc, pattern);
	else
		p = fr_xstrdup(g.gl_pathv[0]);
	globfree(&g);
	free(pat);
	return p;
}

/* GRUB's El Torito (BIOS) image and the EFI system image, from the live root's own modules. */
static int grub_images(const char *root, const char *work, const char *label, long long epoch, struct fr_err *err)
{
	char *early = fr_xasprintf("%s/early.cfg", work), *cfg = fr_xasprintf("search --no-floppy --label %s --set=root\n"
									  "set prefix=($root)/boot/grub\n", label);
	char *elt = fr_xasprintf("%s/eltorito.img", work), *efi = fr_xasprintf("%s/BOOTX64.EFI", work);
	char *img = fr_xasprintf("%s/efi.img", work), *pcdir = fr_xasprintf("%s/usr/lib/grub/i386-pc", root);
	char *efidir = fr_xasprintf("%s/usr/lib/grub/x86_64-efi", root), sde[48], serial[9], kib[16], h[65];
	const char *env[] = { sde, "MTOOLS_SKIP_CHECK=1", NULL };
	int r;

	snprintf(sde, sizeof(sde), "SOURCE_DATE_EPOCH=%lld", epoch);
	snprintf(kib, sizeof(kib), "%d", EFI_IMG_KIB);
	fr_sha256_hex(label, strlen(label), h);
	memcpy(serial, h, 8);
	serial[8] = '\0';
	if (access(efidir, R_OK) != 0 || access(pcdir, R_OK) != 0) {
		r = fr_err_set(err, FR_EINVALID, "the live root has no GRUB modules (usr/lib/grub/x86_64-efi and i386-pc: "
			       "grub-efi-amd64-bin and grub-pc-bin from the bundle)");
		goto out;
	}
	if ((r = fr_write_atomic(early, cfg, strlen(cfg), 0644, 0, err)) < 0)
		goto out;
	{
		const char *pa[] = { "grub-mkimage", "-d", pcdir, "-O", "i386-pc-eltorito", "-c", early, "-p", "/boot/grub",
				     "-o", elt, FR_GRUB_MODULES, "biosdisk", NULL };
		const char *ea[] = { "grub-mkimage", "-d", efidir, "-O", "x86_64-efi", "-c", early, "-p", "/boot/grub",
				     "-o", efi, FR_GRUB_MODULES, "efi_gop", "efi_uga", "all_video", NULL };
		const char *mk[] = { "mkfs.vfat", "-C", "--invariant", "-i", serial, "-n", "FARROW-EFI", img, kib, NULL };
		const char *md[] = { "mmd", "-i", img, "::EFI", "::EFI/BOOT", NULL };
		const char *cp[] = { "mcopy", "-i", img, efi, "::EFI/BOOT/BOOTX64.EFI", NULL };

		if ((r = fr_exec_tool(pa, env, NULL, err)) < 0 || (r = fr_exec_tool(ea, env, NULL, err)) < 0 ||
		    (r = fr_exec_tool(mk, env, NULL, err)) < 0 || (r = fr_exec_tool(md, env, NULL, err)) < 0 ||
		    (r = fr_exec_tool(cp, env, NULL, err)) < 0)
			goto out;
	}
out:
	free(early);
	free(cfg);
	free(elt);
	free(efi);
	free(img);
	free(pcdir);
	free(efidir);
	return r;
}

/* farrow/ on the medium: the bundles and their signatures, the key, the programs, the answer
 * file and the inventory given, the profile templates. */
static int medium_files(const struct fr_iso_opts *o, const char *tree, struct fr_err *err)
{
	char *d = fr_xasprintf("%s/farrow/bundles", tree), *p = NULL;
	size_t i;
	int r;

	if ((r = fr_mkdir_p(d, 0755, err)) < 0)
		goto out;
	for (i = 0; i < o->nbundles; i++) {
		char *base = fr_xstrdup(strrchr(o->bundles[i], '/') ? strrchr(o->bundles[i], '/') + 1 : o->bundles[i]);
		char *sig = fr_xasprintf("%s.sig", o->bundles[i]), *to = fr_xasprintf("%s/%s", d, base);
		char *tosig = fr_xasprintf("%s.sig", to);

		if (access(to, F_OK) == 0)
			r = fr_err_set(err, FR_EARG, "two bundles are named %s: a medium holds each name once", base);
		else if ((r = fr_copy_file(o->bundles[i], to, 0644, err)) == 0)
			r = fr_copy_file(sig, tosig, 0644, err);
		free(base);
		free(sig);
		free(to);
		free(tosig);
		if (r < 0)
			goto out;
	}
	{
		const struct {
			const char *from, *name;
			mode_t mode;
		} f[] = { { o->key, "bundle.gpg", 0644 },        { o->farrow, "farrow", 0755 },
			  { o->firstboot, "farrow-firstboot", 0755 }, { o->answer, FR_MEDIUM_ANSWER, 0600 },
			  { o->inventory, "inventory.yml", 0600 } };

		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			if (f[i].from == NULL)
				continue;
			p = (free(p), fr_xasprintf("%s/farrow/%s", tree, f[i].name));
			if ((r = fr_copy_file(f[i].from, p, f[i].mode, err)) < 0)
				goto out;
		}
	}
	if (o->profile) {
		p = (free(p), fr_xasprintf("%s/farrow/" FR_MEDIUM_PROFILE, tree));
		if ((r = fr_write_atomic(p, o->profile, o->profile_len, 0600, 0, err)) < 0)
			goto out;
	}
	/* the profile templates farrow configure reads (farrow/templates/meta.yml, ha/trio.yml, ...) */
	for (i = 0; fr_embedded[i].name; i++) {
		char *dirp;

		if (strncmp(fr_embedded[i].name, "profiles/", 9) != 0)
			continue;
		p = (free(p), fr_xasprintf("%s/farrow/templates/%s", tree, fr_embedded[i].name + 9));
		dirp = fr_xstrdup(p);
		*strrchr(dirp, '/') = '\0';
		r = fr_mkdir_p(dirp, 0755, err);
		free(dirp);
		if (r == 0)
			r = fr_write_atomic(p, fr_embedded[i].data, fr_embedded[i].len, 0644, 0, err);
		if (r < 0)
			goto out;
	}
out:
	free(d);
	free(p);
	return r;
}

/* xorriso's --sort-weight-list for the tree: the boot images first (below the boot catalog's
 * fixed weight), then the list's files and the list itself, each its own weight, in byte order. */
static int sort_weights(const char *tree, const char *out, struct fr_err *err)
{
	struct fr_buf b = FR_BUF_INIT;
	char *sums = fr_xasprintf("%s/" FR_MEDIUM_SUMS, tree), *text = NULL, *line, *save = NULL;
	size_t len = 0;
	long w = 800000000;
	int r;

	fr_buf_adds(&b, "900000000 /boot/grub/i386-pc/eltorito.img\n899999999 /boot/efi.img\n");
	if ((r = fr_read_file(sums, 16u << 20, &text, &len, err)) < 0)
		goto out;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *path = strstr(line, "  ");

		if (path)
			fr_buf_addf(&b, "%ld /%s\n", w--, path + 2);
	}
	fr_buf_addf(&b, "%ld /" FR_MEDIUM_SUMS "\n%ld /" FR_MEDIUM_SIG "\n", w, w - 1);
	r = fr_write_atomic(out, b.buf, b.len, 0644, 0, err);
out:
	fr_buf_release(&b);
	free(sums);
	free(text);
	return r;
}

int fr_iso_build(const struct fr_iso_opts *o, struct fr_err *err)
{
	static const char *const tools[] = { "mmdebstrap", "mksquashfs", "xorriso", "grub-mkimage", "mkfs.vfat", "mcopy", NULL };
	struct fr_image_opts io;
	struct fr_bundle_check check;
	char *work = NULL, *root = NULL, *tree = NULL, *script = NULL, *hook = NULL, *hookp = NULL, *p = NULL, *q = NULL;
	char *iso = NULL, *weights = NULL, sha[65], label[16];
	long long epoch = 0;
	size_t i;
	int r = 0;

	memset(&check, 0, sizeof(check));
	if (geteuid() != 0)
		return fr_err_set(err, FR_EARG, "needs root: mmdebstrap builds the live root in a chroot");
	for (i = 0; tools[i]; i++)
		if (!fr_exec_have(tools[i]))
			return fr_err_set(err, FR_EIO, "needs %s (apt-get install mmdebstrap squashfs-tools xorriso grub-common "
					  "dosfstools mtools; make deps installs them)", tools[i]);
	if (o->nbundles == 0 || o->key == NULL || o->sign_key == NULL || o->firstboot == NULL || o->farrow == NULL)
		return fr_err_set(err, FR_EARG, "an ISO needs a bundle, the public key, the secret key that signs the medium, "
				  "farrow and farrow-firstboot");
	if ((work = fr_image_work_beside(o->out, "iso", 1, err)) == NULL)
		return err->code;
	/* every bundle holds before anything is built: the first makes the live root, below */
	for (i = 1; i < o->nbundles; i++) {
		struct fr_bundle_check c;

		memset(&c, 0, sizeof(c));
		say(o, "verifying %s", o->bundles[i]);
		r = fr_bundle_verify_or_say(o->bundles[i], o->key, NULL, "no ISO was built", &c, err);
		fr_bundle_check_release(&c);
		if (r < 0)
			goto out;
	}
	script = fr_xasprintf("%s/farrow-live-boot", work);
	hookp = fr_xasprintf("%s/live-hook", work);
	hook = live_hook(script);
	if ((r = fr_write_atomic(script, live_boot, strlen(live_boot), 0644, 0, err)) < 0 ||
	    (r = fr_write_atomic(hookp, hook, strlen(hook), 0755, 0, err)) < 0)
		goto out;
	memset(&io, 0, sizeof(io));
	io.bundle = o->bundles[0];
	io.key = o->key;
	io.firstboot = o->firstboot;
	io.out = o->out;
	io.format = FR_IMAGE_ISO;
	io.farrow_version = o->farrow_version;
	io.quiet = o->quiet;
	io.essential_hook = hookp;
	say(o, "verifying %s, then building the live root from it (a generic node root, and the live system)", o->bundles[0]);
	if ((r = fr_image_root(&io, work, &check, sha, NULL, err)) < 0)
		goto out;
	epoch = check.m.epoch;
	fr_iso_label(sha, label);
	root = fr_xasprintf("%s/root", work);
	tree = fr_xasprintf("%s/tree", work);
	if ((r = fr_live_units(root, err)) < 0)
		goto out;
	/* the tree of the medium: GRUB's menu, the kernel and initramfs, the squashed root, farrow/ */
	/* boot/grub/i386-pc holds only the hidden El Torito image: made here, so its times are the tree's */
	if ((r = fr_mkdir_p(tree, 0755, err)) < 0 || (r = fr_mkdir_in(tree, "/boot/grub/i386-pc", 0755, err)) < 0 ||
	    (r = fr_mkdir_in(tree, "/live", 0755, err)) < 0)
		goto out;
	p = grub_cfg(label, o->answer != NULL);
	if ((r = fr_write_in(tree, "/boot/grub/grub.cfg", p, 0644, err)) < 0)
		goto out;
	free(p);
	if ((p = only_file(root, "boot/vmlinuz-*", err)) == NULL || (q = only_file(root, "boot/initrd.img-*", err)) == NULL) {
		r = FR_EINVALID;
		goto out;
	}
	{
		char *k = fr_xasprintf("%s/live/vmlinuz", tree), *ird = fr_xasprintf("%s/live/initrd.img", tree);

		r = fr_copy_file(p, k, 0644, err);
		if (r == 0)
			r = fr_copy_file(q, ird, 0644, err);
		free(k);
		free(ird);
		if (r < 0)
			goto out;
	}
	/* times clamped first, as for a disk: files the build made carry its own time otherwise */
	if ((r = fr_disk_clamp_times(root, epoch, err)) < 0)
		goto out;
	say(o, "squashing the live root (zstd; a minute or two)");
	{
		char *sq = fr_xasprintf("%s/live/root.squashfs", tree), sde[48];
		/* the bundle's unpacked repository stays out: the medium carries the bundle itself */
		const char *excl = FR_NODE_DIR "/bundles/*" + 1;
		const char *argv[] = { "mksquashfs", root, sq, "-noappend", "-no-progress", "-quiet", "-comp", "zstd",
				       "-processors", "2", "-no-xattrs", "-wildcards", "-e", excl, NULL };
		const char *env[] = { sde, NULL };

		snprintf(sde, sizeof(sde), "SOURCE_DATE_EPOCH=%lld", epoch);
		r = fr_exec_tool(argv, env, NULL, err);
		free(sq);
		if (r < 0)
			goto out;
	}
	if ((r = grub_images(root, work, label, epoch, err)) < 0 || (r = medium_files(o, tree, err)) < 0)
		goto out;
	say(o, "signing the medium's file list (SHA256SUMS)");
	if ((r = fr_disk_clamp_times(tree, epoch, err)) < 0 || (r = fr_medium_sign(tree, o->sign_key, epoch, err)) < 0)
		goto out;
	{
		struct fr_buf report = FR_BUF_INIT;
		size_t nbad = 0, nfiles = 0;

		/* the secret key must be the public key's: the live system checks with the public one */
		r = fr_medium_check(tree, o->key, NULL, NULL, &report, &nbad, &nfiles, err);
		if (r == FR_ECRYPTO)
			fr_err_set(err, FR_ECRYPTO, "the medium's list, signed with %s, does not verify with %s: give the "
				   "secret key of that public key", o->sign_key, o->key);
		else if (r == 0 && nbad)
			r = fr_err_set(err, FR_EIO, "the medium changed while it was listed: %s", report.buf);
		fr_buf_release(&report);
		if (r < 0)
			goto out;
	}
	if ((r = fr_disk_clamp_times(tree, epoch, err)) < 0)
		goto out;
	/* the order of the files' data: xorriso's default follows the source files' inode numbers,
	 * which differ between two builds; a weight per file, in the list's order, fixes it */
	weights = fr_xasprintf("%s/sort-weights", work);
	if ((r = sort_weights(tree, weights, err)) < 0)
		goto out;
	say(o, "writing the hybrid ISO (xorriso: El Torito BIOS and EFI, MBR and GPT)");
	iso = fr_xasprintf("%s/farrow.iso", work);
	{
		char sde[48], date[48], *mbr = fr_xasprintf("%s/usr/lib/grub/i386-pc/boot_hybrid.img", root);
		char *g1 = fr_xasprintf("boot/grub/i386-pc/eltorito.img=%s/eltorito.img", work);
		char *g2 = fr_xasprintf("boot/efi.img=%s/efi.img", work), *g3 = fr_xasprintf("/=%s", tree);
		/* the boot images hidden from the tree (-hide takes their paths on this disk): xorriso
		 * patches El Torito's, the firmware reads both by address, the list names the rest */
		char *h1 = fr_xasprintf("%s/eltorito.img", work), *h2 = fr_xasprintf("%s/efi.img", work);
		const char *argv[] = { "xorriso", "-as", "mkisofs", "-quiet", "-o", iso, "-r", "-V", label, "-graft-points",
				       date, "-b", "boot/grub/i386-pc/eltorito.img", "-no-emul-boot",
				       "-boot-load-size", "4", "-boot-info-table", "--grub2-boot-info", "--grub2-mbr", mbr,
				       "--efi-boot", "boot/efi.img", "-efi-boot-part", "--efi-boot-image",
				       "--protective-msdos-label", "-c", "boot/boot.cat", "--boot-catalog-hide",
				       "-hide", h1, "-hide", h2, "--sort-weight-list", weights, g3, g1, g2, NULL };
		const char *env[] = { sde, NULL };
		time_t t = (time_t)epoch;
		struct tm tm;

		snprintf(sde, sizeof(sde), "SOURCE_DATE_EPOCH=%lld", epoch);
		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "--modification-date=%Y%m%d%H%M%S00", &tm);
		r = fr_exec_tool(argv, env, NULL, err);
		free(mbr);
		free(g1);
		free(g2);
		free(g3);
		free(h1);
		free(h2);
		if (r < 0)
			goto out;
	}
	if (rename(iso, o->out) < 0) {
		r = fr_err_set(err, FR_EIO, "cannot move the ISO to %s: %s", o->out, strerror(errno));
		goto out;
	}
	say(o, "%s: done (volume %s)", o->out, label);
out:
	if (work && fr_rm_rf(work) < 0 && r == 0)
		r = fr_err_set(err, FR_EIO, "cannot remove the work directory %s", work);
	fr_bundle_check_release(&check);
	free(work);
	free(root);
	free(tree);
	free(script);
	free(hook);
	free(hookp);
	free(p);
	free(q);
	free(iso);
	free(weights);
	return r;
}
