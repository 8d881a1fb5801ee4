/* image.c -- what a node image needs of a bundle (see image.h). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bundle.h"
#include "crypto.h"
#include "disk.h"
#include "exec.h"
#include "fileio.h"
#include "image.h"
#include "modules.h"
#include "pgp.h"
#include "pkgmgr.h"
#include "profile.h"
#include "xalloc.h"
#include "yamlnode.h"

/* What every deb node root has beyond minbase (the names are the same in Debian 12/13 and Ubuntu).
 * usr-is-merged, named, keeps apt from choosing usrmerge (and perl with it) for init-system-helpers;
 * Ubuntu 22.04 has no such package. The Ubuntu lists are Ubuntu's package names, not yet built here:
 * this machine reaches Debian's archive only. */
#define DEB_COMMON "apt", "systemd", "systemd-sysv", "udev", "dbus", "openssh-server", "iproute2", \
	"ca-certificates", "initramfs-tools", "zstd", "e2fsprogs", "mtools"

static const struct {
	const char *target;
	const char *const pkgs[20];
} lists[] = {
	/* Debian 12: systemd-repart (grows the root partition at first boot) is in systemd */
	{ "d12.x86_64", { DEB_COMMON, "usr-is-merged", "linux-image-amd64", "grub-pc-bin", "grub-efi-amd64-bin", NULL } },
	{ "d12.aarch64", { DEB_COMMON, "usr-is-merged", "linux-image-arm64", "grub-efi-arm64-bin", NULL } },
	/* Debian 13 split systemd-repart out of systemd */
	{ "d13.x86_64", { DEB_COMMON, "usr-is-merged", "systemd-repart", "linux-image-amd64", "grub-pc-bin", "grub-efi-amd64-bin", NULL } },
	{ "d13.aarch64", { DEB_COMMON, "usr-is-merged", "systemd-repart", "linux-image-arm64", "grub-efi-arm64-bin", NULL } },
	{ "u22.x86_64", { DEB_COMMON, "linux-image-generic", "grub-pc-bin", "grub-efi-amd64-bin", NULL } },
	{ "u22.aarch64", { DEB_COMMON, "linux-image-generic", "grub-efi-arm64-bin", NULL } },
	{ "u24.x86_64", { DEB_COMMON, "usr-is-merged", "systemd-repart", "linux-image-generic", "grub-pc-bin", "grub-efi-amd64-bin", NULL } },
	{ "u24.aarch64", { DEB_COMMON, "usr-is-merged", "systemd-repart", "linux-image-generic", "grub-efi-arm64-bin", NULL } },
};

/* What the ISO's live system adds to a node root (the same names in Debian 12/13 and Ubuntu):
 * busybox puts mount -o loop and losetup into the initramfs (initramfs-tools takes it when
 * installed), which farrow's live boot script needs to mount the squashfs; dialog draws the
 * live system's menus; fdisk (sfdisk) and dosfstools (mkfs.vfat) are what the installer writes
 * a disk with (lib/disk.c). */
#define ISO_COMMON "busybox", "dialog", "fdisk", "dosfstools"
/* and the libraries of farrow itself, which runs its wizard from the medium (libyaml, libzstd,
 * libssl, ncurses are a node root's already): Debian 13 and Ubuntu 24.04 renamed two for 64-bit time */
static const struct {
	const char *target;
	const char *const pkgs[12];
} iso_lists[] = {
	{ "d12.x86_64", { ISO_COMMON, "libarchive13", "libssh2-1", "libsolvext1", NULL } },
	{ "d12.aarch64", { ISO_COMMON, "libarchive13", "libssh2-1", "libsolvext1", NULL } },
	{ "d13.x86_64", { ISO_COMMON, "libarchive13t64", "libssh2-1t64", "libsolvext1", NULL } },
	{ "d13.aarch64", { ISO_COMMON, "libarchive13t64", "libssh2-1t64", "libsolvext1", NULL } },
	{ "u22.x86_64", { ISO_COMMON, "libarchive13", "libssh2-1", "libsolvext1", NULL } },
	{ "u22.aarch64", { ISO_COMMON, "libarchive13", "libssh2-1", "libsolvext1", NULL } },
	{ "u24.x86_64", { ISO_COMMON, "libarchive13t64", "libssh2-1t64", "libsolvext1", NULL } },
	{ "u24.aarch64", { ISO_COMMON, "libarchive13t64", "libssh2-1t64", "libsolvext1", NULL } },
};

const char *const *fr_iso_packages(const char *target)
{
	size_t i;

	for (i = 0; target && i < sizeof(iso_lists) / sizeof(iso_lists[0]); i++)
		if (strcmp(iso_lists[i].target, target) == 0)
			return iso_lists[i].pkgs;
	return NULL;
}

const char *const *fr_image_packages(const char *target)
{
	size_t i;

	for (i = 0; target && i < sizeof(lists) / sizeof(lists[0]); i++)
		if (strcmp(lists[i].target, target) == 0)
			return lists[i].pkgs;
	return NULL;
}

/* ---- what an image records, and seeds ---- */


/* Big-endian fields of a qcow2 header. */
static uint64_t be_get(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * Whether image is a qcow2 farrow can read: FR_ENOTFOUND when it is no qcow2 at all, 0 when it
 * is one that stands alone, an error when it names other files. A qcow2's header can point at a
 * backing file or an external data file by any path; converting such an image would read that
 * file, which an image handed to inspect (untrusted) must not make farrow do.
 */
static int qcow2_check(const char *image, struct fr_err *err)
{
	unsigned char h[80];
	int fd = open(image, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? pread(fd, h, sizeof(h), 0) : -1;
	uint32_t version;

	if (fd >= 0)
		close(fd);
	if (n < 4 || memcmp(h, "QFI\xfb", 4) != 0)
		return FR_ENOTFOUND;
	version = (uint32_t)be_get(h + 4, 4);
	if (n < 72 || (version != 2 && version != 3) || (version == 3 && n < 80))
		return fr_err_set(err, FR_EARG, "'%s': a qcow2 header farrow does not know (version %u)", image, version);
	if (be_get(h + 8, 8) != 0)
		return fr_err_set(err, FR_EARG, "'%s' is a qcow2 overlay on a backing file: inspect the image it was made "
				  "from, or 'qemu-img convert' it to a disk of its own", image);
	if (be_get(h + 32, 4) != 0)
		return fr_err_set(err, FR_EARG, "'%s' is an encrypted qcow2: farrow builds none, and reads none", image);
	/* version 3's incompatible features: bit 2, an external data file */
	if (version == 3 && (be_get(h + 72, 8) & 4))
		return fr_err_set(err, FR_EARG, "'%s' keeps its data in an external file: farrow does not follow it", image);
	return 0;
}

/* The image.json of the raw disk fr_disk_is_ours says is one (image: its name in a message). */
static int disk_record_read(const char *disk, const char *image, struct fr_buf *out, struct fr_err *err)
{
	int r = fr_disk_read_file(disk, "/etc/farrow/image.json", 1u << 20, out, err);

	if (r == FR_ENOTFOUND)
		r = fr_err_set(err, FR_ENOTFOUND, "'%s' is no farrow image (no etc/farrow/image.json)", image);
	return r;
}

/* The image.json of a qcow2 disk: the disk converted to a sparse raw copy (qemu-img, the format
 * named, nothing probed) in a private directory under $TMPDIR (default /var/tmp: a disk, not
 * memory), read there with debugfs, and removed. */
static int qcow2_record_read(const char *image, struct fr_buf *out, struct fr_err *err)
{
	const char *tmp = getenv("TMPDIR");
	char *work, *raw;
	int r;

	if (!fr_exec_have("qemu-img"))
		return fr_err_set(err, FR_EIO, "'%s' is a qcow2 disk: reading it needs qemu-img (apt-get install qemu-utils)",
				  image);
	work = fr_xasprintf("%s/farrow-inspect-XXXXXX", tmp && tmp[0] == '/' ? tmp : "/var/tmp");
	if (mkdtemp(work) == NULL) {
		r = fr_err_set(err, FR_EIO, "cannot make a work directory %s: %s", work, strerror(errno));
		free(work);
		return r;
	}
	raw = fr_xasprintf("%s/disk.raw", work);
	{
		const char *argv[] = { "qemu-img", "convert", "-q", "-f", "qcow2", "-O", "raw", image, raw, NULL };

		r = fr_exec_tool(argv, NULL, NULL, err);
	}
	if (r == 0 && !fr_disk_is_ours(raw, NULL))
		r = fr_err_set(err, FR_ENOTFOUND, "'%s' is a qcow2 disk, but not one farrow image build made (no farrow root "
				  "partition)", image);
	if (r == 0)
		r = disk_record_read(raw, image, out, err);
	fr_rm_rf(work);
	free(raw);
	free(work);
	return r;
}

int fr_image_record_read(const char *image, struct fr_buf *out, struct fr_err *err)
{
	struct stat st;
	struct archive *a;
	struct archive_entry *e;
	int r = FR_ENOTFOUND;

	if (stat(image, &st) < 0)
		return fr_err_set(err, FR_EIO, "cannot read '%s': %m", image);
	if (S_ISDIR(st.st_mode)) {
		char *p = fr_xasprintf("%s/etc/farrow/image.json", image), *text;
		size_t len;

		r = fr_read_file(p, 1u << 20, &text, &len, err);
		free(p);
		if (r < 0)
			return fr_err_set(err, FR_ENOTFOUND, "'%s' is no farrow image (no etc/farrow/image.json)", image);
		fr_buf_addn(out, text, len);
		free(text);
		return 0;
	}
	if (fr_disk_is_ours(image, NULL))
		return disk_record_read(image, image, out, err);
	if ((r = qcow2_check(image, err)) != FR_ENOTFOUND) /* else r stays FR_ENOTFOUND for the tar below */
		return r < 0 ? r : qcow2_record_read(image, out, err);
	a = archive_read_new();
	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_filename(a, image, 1 << 16) != ARCHIVE_OK) {
		r = fr_err_set(err, FR_EIO, "'%s': %s", image, archive_error_string(a));
		archive_read_free(a);
		return r;
	}
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		char buf[8192];
		la_ssize_t n;

		if (strcmp(name, "./etc/farrow/image.json") != 0 && strcmp(name, "etc/farrow/image.json") != 0)
			continue;
		while ((n = archive_read_data(a, buf, sizeof(buf))) > 0 && out->len < (1u << 20))
			fr_buf_addn(out, buf, (size_t)n);
		r = 0;
		break;
	}
	archive_read_free(a);
	if (r < 0)
		r = fr_err_set(err, FR_ENOTFOUND, "'%s' is no farrow image (no etc/farrow/image.json)", image);
	return r;
}


/*
 * A work directory beside out, so that what is made there is renamed into place: out must not
 * exist (farrow overwrites nothing); absolute, .farrow-<what>-XXXXXX, mode 0755 (apt reads an
 * image's repository and key as its own user). apt_path: the directory goes into apt's source
 * lines, which take no whitespace or brackets. NULL with err set.
 */
char *fr_image_work_beside(const char *out, const char *what, int apt_path, struct fr_err *err)
{
	struct stat st;
	char *copy, *abs, *work = NULL;

	if (lstat(out, &st) == 0) {
		fr_err_set(err, FR_EARG, "'%s' exists: farrow does not overwrite it (remove it, or give another -o)", out);
		return NULL;
	}
	copy = fr_xstrdup(out);
	abs = realpath(dirname(copy), NULL);
	free(copy);
	if (abs == NULL)
		fr_err_set(err, FR_EARG, "'%s': its directory: %s", out, strerror(errno));
	else if (apt_path && strpbrk(abs, " \t\n[]"))
		fr_err_set(err, FR_EARG, "'%s': apt's source lines take no whitespace or brackets: give -o in another directory",
			   abs);
	else {
		work = fr_xasprintf("%s/.farrow-%s-XXXXXX", abs, what);
		if (mkdtemp(work) == NULL) {
			fr_err_set(err, FR_EIO, "cannot make a work directory in %s: %s", abs, strerror(errno));
			free(work);
			work = NULL;
		} else
			chmod(work, 0755);
	}
	free(abs);
	return work;
}

/* Zero a plain file's first len bytes (a key, credentials) and sync, before it is removed. */
static void wipe_file(const char *path, size_t len)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		char zero[4096] = { 0 };

		while (len > 0) {
			ssize_t w = write(fd, zero, len < sizeof(zero) ? len : sizeof(zero));

			if (w <= 0)
				break;
			len -= (size_t)w;
		}
		fsync(fd);
		close(fd);
	}
}

int fr_vfat_volume_build(const char *label, const struct fr_vfat_file *files, size_t n, const char *out, struct fr_err *err)
{
	char *work = NULL, *img = NULL;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char epoch[48];
	size_t i;
	int r = 0;

	if (!fr_exec_have("mkfs.vfat") || !fr_exec_have("mcopy")) {
		r = fr_err_set(err, FR_EIO, "needs mkfs.vfat and mcopy (apt-get install dosfstools mtools; make deps installs them)");
		goto out;
	}
	if ((work = fr_image_work_beside(out, "vol", 0, err)) == NULL) {
		r = err->code;
		goto out;
	}
	chmod(work, 0700); /* what goes on the volume is written in it */
	img = fr_xasprintf("%s/volume.img", work);
	snprintf(epoch, sizeof(epoch), "SOURCE_DATE_EPOCH=%s", sde && *sde && strspn(sde, "0123456789") == strlen(sde) ? sde : "946684800");
	{
		/* 1 MiB; a fixed volume serial ("FARR"), --invariant: no time in the boot sector */
		const char *mk[] = { "mkfs.vfat", "-C", "--invariant", "-i", "46415252", "-n", label, img, "1024", NULL };
		const char *env[] = { epoch, "MTOOLS_SKIP_CHECK=1", "LC_ALL=C", NULL };

		if ((r = fr_exec_tool(mk, env, NULL, err)) < 0)
			goto out;
		for (i = 0; i < n && r == 0; i++) {
			char *file = fr_xasprintf("%s/%s", work, files[i].name), *dst = fr_xasprintf("::%s", files[i].name);
			const char *cp[] = { "mcopy", "-i", img, file, dst, NULL };

			if ((r = fr_write_atomic(file, files[i].data, files[i].len, 0600, 0, err)) == 0)
				r = fr_exec_tool(cp, env, NULL, err);
			wipe_file(file, files[i].len);
			free(file);
			free(dst);
		}
		if (r < 0)
			goto out;
	}
	if (chmod(img, 0600) < 0 || rename(img, out) < 0)
		r = fr_err_set(err, FR_EIO, "cannot move the volume to %s: %s", out, strerror(errno));
out:
	if (work)
		fr_rm_rf(work);
	free(work);
	free(img);
	return r;
}

int fr_ext_volume_build(const char *label, const struct fr_vfat_file *files, size_t n, const char *out, struct fr_err *err)
{
	char *work = NULL, *img = NULL, *dir = NULL, fake[48], sde[48], uuid[40], h[65];
	const char *env_sde = getenv("SOURCE_DATE_EPOCH");
	long long epoch = env_sde && *env_sde && strspn(env_sde, "0123456789") == strlen(env_sde) ? atoll(env_sde) : 946684800;
	struct stat st;
	size_t i;
	int r = 0;

	if (!fr_exec_have("mke2fs"))
		return fr_err_set(err, FR_EIO, "needs mke2fs (apt-get install e2fsprogs)");
	if (lstat(out, &st) == 0)
		return fr_err_set(err, FR_EARG, "%s exists: remove it first, or give another -o", out);
	if ((work = fr_image_work_beside(out, "vol", 0, err)) == NULL)
		return err->code;
	chmod(work, 0700);
	img = fr_xasprintf("%s/volume.img", work);
	dir = fr_xasprintf("%s/files", work);
	snprintf(fake, sizeof(fake), "E2FSPROGS_FAKE_TIME=%lld", epoch);
	snprintf(sde, sizeof(sde), "SOURCE_DATE_EPOCH=%lld", epoch);
	fr_sha256_hex(label, strlen(label), h);
	snprintf(uuid, sizeof(uuid), "%.8s-%.4s-4%.3s-8%.3s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
	if ((r = fr_mkdir_p(dir, 0700, err)) < 0 || chmod(dir, 0700) < 0)
		goto out;
	for (i = 0; i < n && r == 0; i++) {
		char *file = fr_xasprintf("%s/%s", dir, files[i].name);

		r = fr_write_atomic(file, files[i].data, files[i].len, 0600, 0, err);
		free(file);
	}
	if (r == 0 && (r = fr_disk_clamp_times(dir, epoch, err)) == 0) {
		char *opts = fr_xasprintf("hash_seed=%s,root_owner=0:0", uuid);
		const char *mk[] = { "mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-N", "32", "-m", "0", "-L", label, "-U", uuid,
				     "-E", opts, "-d", dir, img, "2048", NULL };
		const char *env[] = { fake, sde, NULL };

		r = fr_exec_tool(mk, env, NULL, err);
		free(opts);
	}
	if (r == 0 && (chmod(img, 0600) < 0 || rename(img, out) < 0))
		r = fr_err_set(err, FR_EIO, "cannot move the volume to %s: %s", out, strerror(errno));
out:
	/* the plain files (a key, credentials) wiped before they are removed */
	for (i = 0; dir && i < n; i++) {
		char *file = fr_xasprintf("%s/%s", dir, files[i].name);

		wipe_file(file, files[i].len);
		free(file);
	}
	if (work)
		fr_rm_rf(work);
	free(work);
	free(img);
	free(dir);
	return r;
}

int fr_seed_build(const char *profile, size_t len, const char *out, struct fr_err *err)
{
	const struct fr_vfat_file f = { FR_SEED_PROFILE, profile, len };

	return fr_vfat_volume_build(FR_SEED_LABEL, &f, 1, out, err);
}

/* ---- building a root from a bundle ---- */


static const char node_keys_unit[] =
	"# farrow-node-keys.service: written by farrow image build. An image carries no SSH host keys\n"
	"# and no snakeoil TLS key (every node made from it would share them): each node makes its own\n"
	"# at its first boot.\n"
	"[Unit]\n"
	"Description=farrow: this node's own SSH host keys and snakeoil certificate\n"
	"Before=ssh.service postgresql.service patroni.service\n"
	"ConditionPathExists=|!/etc/ssh/ssh_host_ed25519_key\n"
	"ConditionPathExists=|!/etc/ssl/private/ssl-cert-snakeoil.key\n"
	"\n"
	"[Service]\n"
	"Type=oneshot\n"
	"ExecStart=/usr/bin/ssh-keygen -A\n"
	"ExecStart=-/usr/sbin/make-ssl-cert generate-default-snakeoil\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";

static const char *const format_name[] = { "dir", "tar", "raw", "qcow2", "iso" };

int fr_image_format_parse(const char *s)
{
	if (s && strcmp(s, "dir") == 0)
		return FR_IMAGE_DIR;
	if (s && strcmp(s, "tar") == 0)
		return FR_IMAGE_TAR;
	if (s && strcmp(s, "raw") == 0)
		return FR_IMAGE_RAW;
	if (s && strcmp(s, "qcow2") == 0)
		return FR_IMAGE_QCOW2;
	return -1;
}

static void say(const struct fr_image_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const struct fr_image_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (o->quiet)
		return;
	va_start(ap, fmt);
	fputs("farrow image: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Remove every /etc/systemd/system/<target>.wants/<unit> link of the modules' units (what
 * `systemctl disable` does for a unit enabled by its package's preset). */
static int disable_module_units(const char *root, struct fr_err *err)
{
	size_t i, j, k;
	int r = 0;

	for (i = 0; i < fr_nmodules; i++)
		for (j = 0; fr_modules[i].units && fr_modules[i].units[j]; j++) {
			char *pat = fr_xasprintf("%s/etc/systemd/system/*.wants/%s", root, fr_modules[i].units[j]);
			glob_t g;

			if (glob(pat, 0, NULL, &g) == 0) {
				for (k = 0; k < g.gl_pathc; k++)
					if (unlink(g.gl_pathv[k]) < 0 && r == 0)
						r = fr_err_set(err, FR_EIO, "cannot disable %s: %s", g.gl_pathv[k], strerror(errno));
				globfree(&g);
			}
			free(pat);
		}
	return r;
}

static int has_pkg(const struct fr_bundle_manifest *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->npkgs; i++)
		if (strcmp(m->pkgs[i].name, name) == 0)
			return 1;
	return 0;
}

static int carried(void *m, const char *name)
{
	return has_pkg(m, name);
}

/* The PostgreSQL major version a bundle carries (its highest postgresql-NN), 0 when none. */
static long long bundle_pg_version(const struct fr_bundle_manifest *m)
{
	long long best = 0;
	size_t i;

	for (i = 0; i < m->npkgs; i++) {
		const char *d = m->pkgs[i].name + 11;

		if (strncmp(m->pkgs[i].name, "postgresql-", 11) == 0 && *d && strspn(d, "0123456789") == strlen(d) &&
		    strlen(d) <= 3 && atoll(d) > best)
			best = atoll(d);
	}
	return best;
}

/* What went into the image, as data (farrow image inspect reads it); no time, no secret. */
static void image_record(const struct fr_image_opts *o, const struct fr_bundle_manifest *m, const char *bundle_sha,
			 const struct fr_node *profile, struct fr_buf *out)
{
	const struct fr_node *id = fr_node_get(profile, "identities");
	size_t i;

	fr_buf_adds(out, "{\"farrow_image\":1,\"farrow_version\":");
	fr_buf_add_json_str(out, o->farrow_version ? o->farrow_version : "");
	fr_buf_adds(out, ",\"format\":");
	fr_buf_add_json_str(out, format_name[o->format]);
	fr_buf_adds(out, ",\"bundle\":{\"top\":");
	fr_buf_add_json_str(out, m->top);
	fr_buf_adds(out, ",\"version\":");
	fr_buf_add_json_str(out, m->version);
	fr_buf_adds(out, ",\"target\":");
	fr_buf_add_json_str(out, m->target);
	fr_buf_addf(out, ",\"epoch\":%lld,\"sha256\":\"%s\",\"key\":", m->epoch, bundle_sha);
	fr_buf_add_json_str(out, m->key ? m->key : "");
	fr_buf_adds(out, "},\"profile\":");
	if (profile == NULL)
		fr_buf_adds(out, "null");
	else {
		fr_buf_adds(out, "{\"host\":");
		fr_buf_add_json_str(out, fr_node_str(fr_node_get(profile, "host")) ? fr_node_str(fr_node_get(profile, "host")) : "");
		fr_buf_adds(out, ",\"identities\":{");
		for (i = 0; fr_node_is_map(id) && i < id->n; i++) {
			fr_buf_addf(out, "%s", i ? "," : "");
			fr_buf_add_json_str(out, id->keys[i]->str);
			fr_buf_addc(out, ':');
			fr_buf_add_json_str(out, fr_node_str(id->items[i]) ? fr_node_str(id->items[i]) : "");
		}
		fr_buf_adds(out, "}}");
	}
	fr_buf_adds(out, "}\n");
}

/* What mmdebstrap runs before the rest of the packages: postgresql-common's no-cluster policy. */
static char *essential_hook(void)
{
	return fr_xasprintf("#!/bin/sh\n# farrow image build: before any package installs\nset -e\n"
			    "mkdir -p \"$1/etc/postgresql-common/createcluster.d\"\n"
			    "cat >\"$1%s\" <<'FARROW_EOF'\n%sFARROW_EOF\n",
			    fr_apt_createcluster_path, fr_apt_createcluster_conf);
}

int fr_image_root(const struct fr_image_opts *o, const char *work, struct fr_bundle_check *check, char sha[65],
		  struct fr_node **profile_out, struct fr_err *err)
{
	struct fr_buf include = FR_BUF_INIT, rec = FR_BUF_INIT;
	struct fr_node *profile = NULL;
	char *root = NULL, *bdir = NULL, *keyc = NULL, *p = NULL;
	char *hook = NULL, *hookpath = NULL, *source = NULL, *topdir = NULL, **pk = NULL, epoch[32];
	const char *const *fixed, *const *extra = NULL;
	const struct fr_bundle_manifest *m;
	const char *codename;
	size_t npk = 0, i;
	int r = 0;

	if (profile_out)
		*profile_out = NULL;
	bdir = fr_xasprintf("%s/bundle", work);
	root = fr_xasprintf("%s/root", work);
	if (mkdir(bdir, 0755) < 0) {
		r = fr_err_set(err, FR_EIO, "cannot make %s: %s", bdir, strerror(errno));
		goto out;
	}
	say(o, "verifying %s", o->bundle);
	if ((r = fr_bundle_verify_or_say(o->bundle, o->key, bdir, "nothing was built", check, err)) < 0)
		goto out;
	m = &check->m;
	if (!m->image) {
		r = fr_err_set(err, FR_EINVALID,
			       "%s is not image-capable (it lacks the base system): build it with 'repo-builder build --image'",
			       o->bundle);
		goto out;
	}
	codename = fr_target_codename(m->target);
	fixed = fr_image_packages(m->target);

	if (codename == NULL || fixed == NULL) {
		r = fr_err_set(err, FR_EINVALID, "images of %s bundles are not made yet (Debian and Ubuntu only)", m->target);
		goto out;
	}
	{
		char distro[16], arch[16];
		struct utsname u;

		if (fr_target_split(m->target, distro, sizeof(distro), arch, sizeof(arch), NULL, NULL) < 0 || uname(&u) < 0 ||
		    strcmp(arch, u.machine) != 0) {
			r = fr_err_set(err, FR_EINVALID, "the bundle is for %s and this machine is %s: build the image on a "
				       "machine of that architecture", m->target, uname(&u) == 0 ? u.machine : "?");
			goto out;
		}
	}
	fr_sha256_file(o->bundle, sha, NULL, NULL);
	topdir = fr_xasprintf(FR_NODE_DIR "/bundles/%s", m->top);
	/* the node's profile (per-node) and the packages its modules need; generic: every module's */
	if (o->profile) {
		struct fr_diags d = { 0 };
		const char *pb;

		if ((profile = fr_profile_load(o->profile, o->profile_len, &d, err)) == NULL || d.nerrors) {
			r = d.nerrors ? fr_err_set(err, FR_EINVALID, "the profile: %s", d.v[0].msg) : FR_EINVALID;
			fr_diags_release(&d);
			goto out;
		}
		fr_diags_release(&d);
		pb = fr_node_str(fr_node_get(profile, "bundle"));
		if (pb == NULL || strcmp(pb, topdir) != 0) {
			r = fr_err_set(err, FR_EINVALID, "the profile's bundle is %s, and the image carries %s", pb ? pb : "none",
				       topdir);
			goto out;
		}
		fr_node_packages(profile, NULL, 0, &pk, &npk); /* optional ones: at first boot */
	} else
		fr_all_module_packages(bundle_pg_version(m), carried, (void *)m, &pk, &npk);
	for (i = 0; fixed[i]; i++)
		fr_buf_addf(&include, "%s%s", include.len ? "," : "", fixed[i]);
	for (i = 0; i < npk; i++)
		fr_buf_addf(&include, "%s%s", include.len ? "," : "", pk[i]);
	extra = o->format == FR_IMAGE_ISO ? fr_iso_packages(m->target) : NULL;
	for (i = 0; extra && extra[i]; i++)
		fr_buf_addf(&include, "%s%s", include.len ? "," : "", extra[i]);
	{
		const char *missing = NULL;

		for (i = 0; fixed[i] && !missing; i++)
			if (!has_pkg(m, fixed[i]))
				missing = fixed[i];
		for (i = 0; i < npk && !missing; i++)
			if (!has_pkg(m, pk[i]))
				missing = pk[i];
		for (i = 0; extra && extra[i] && !missing; i++)
			if (!has_pkg(m, extra[i]))
				missing = extra[i];
		if (missing) {
			r = fr_err_set(err, FR_EINVALID, "the bundle has no package '%s', which the image needs", missing);
			goto out;
		}
	}
	/* apt checks the bundle's repository with the key the bundle was verified with */
	keyc = fr_xasprintf("%s/key%s", work, strlen(o->key) > 4 && strcmp(o->key + strlen(o->key) - 4, ".asc") == 0 ? ".asc" : ".gpg");
	if ((r = fr_copy_file(o->key, keyc, 0644, err)) < 0)
		goto out;
	hook = essential_hook();
	hookpath = fr_xasprintf("%s/essential-hook", work);
	if ((r = fr_write_atomic(hookpath, hook, strlen(hook), 0755, 0, err)) < 0)
		goto out;
	source = fr_xasprintf("deb [signed-by=%s] copy:%s/repo farrow main", keyc, bdir);
	snprintf(epoch, sizeof(epoch), "SOURCE_DATE_EPOCH=%lld", m->epoch);
	{
		char *inc = fr_xasprintf("--include=%s", include.buf), *eh = fr_xasprintf("--essential-hook=%s", hookpath);
		char *ch = o->essential_hook ? fr_xasprintf("--essential-hook=%s", o->essential_hook) : NULL;
		const char *mergedusr = "/usr/share/mmdebstrap/hooks/merged-usr";
		const char *argv[16];
		const char *env[] = { epoch, "LC_ALL=C.UTF-8", NULL };
		size_t k = 0;

		argv[k++] = "mmdebstrap";
		argv[k++] = "--variant=minbase";
		argv[k++] = "--mode=root";
		argv[k++] = "--format=directory";
		argv[k++] = "--aptopt=Acquire::Check-Date \"true\"";
		if (access(mergedusr, R_OK) == 0) {
			argv[k++] = "--hook-dir";
			argv[k++] = mergedusr;
		}
		argv[k++] = inc;
		argv[k++] = eh;
		if (ch)
			argv[k++] = ch;
		argv[k++] = codename;
		argv[k++] = root;
		argv[k++] = source;
		argv[k] = NULL;
		say(o, "building the root of %s with mmdebstrap from the bundle's repository only (%s; about a minute)",
		    m->target, profile ? fr_node_str(fr_node_get(profile, "host")) : "generic");
		r = fr_exec_tool(argv, env, NULL, err);
		free(inc);
		free(eh);
		free(ch);
		if (r < 0)
			goto out;
	}
	say(o, "root built: farrow-firstboot, its unit, the bundle's repository%s", profile ? " and the node's profile" : "");
	/* apt: the bundle's repository only, where the node keeps it */
	p = fr_xasprintf("%s/etc/apt/sources.list", root);
	unlink(p);
	free(p);
	p = fr_apt_bundle_source(topdir);
	if ((r = fr_write_in(root, FR_APT_SOURCES, p, 0644, err)) < 0 || (r = fr_mkdir_in(root, FR_NODE_DIR "/bundles", 0755, err)) < 0 ||
	    (r = fr_mkdir_in(root, FR_NODE_DIR "/keys", 0755, err)) < 0)
		goto out;
	free(p);
	p = fr_xasprintf("%s%s", root, topdir);
	if (rename(bdir, p) < 0) {
		r = fr_err_set(err, FR_EIO, "cannot move the bundle into the root: %s", strerror(errno));
		goto out;
	}
	free(p);
	p = fr_xasprintf("%s" FR_NODE_DIR "/keys/bundle.gpg", root);
	if ((r = fr_copy_file(o->key, p, 0644, err)) < 0)
		goto out;
	free(p);
	p = fr_xasprintf("%s/usr/local/sbin/farrow-firstboot", root);
	if ((r = fr_mkdir_in(root, "/usr/local/sbin", 0755, err)) < 0 || (r = fr_copy_file(o->firstboot, p, 0755, err)) < 0)
		goto out;
	if ((r = fr_mkdir_in(root, "/etc/systemd/system/multi-user.target.wants", 0755, err)) < 0 ||
	    (r = fr_write_in(root, "/etc/systemd/system/farrow-firstboot.service", fr_firstboot_unit, 0644, err)) < 0 ||
	    (r = fr_symlink_in(root, "../farrow-firstboot.service",
			    "/etc/systemd/system/multi-user.target.wants/farrow-firstboot.service", err)) < 0 ||
	    (r = fr_write_in(root, "/etc/systemd/system/farrow-seed.service", fr_seed_unit, 0644, err)) < 0 ||
	    (r = fr_symlink_in(root, "../farrow-seed.service",
			    "/etc/systemd/system/multi-user.target.wants/farrow-seed.service", err)) < 0 ||
	    (r = fr_write_in(root, "/etc/systemd/system/farrow-node-keys.service", node_keys_unit, 0644, err)) < 0 ||
	    (r = fr_symlink_in(root, "../farrow-node-keys.service",
			    "/etc/systemd/system/multi-user.target.wants/farrow-node-keys.service", err)) < 0)
		goto out;
	/* the units firstboot's modules configure and enable themselves: disabled until they have */
	if ((r = disable_module_units(root, err)) < 0)
		goto out;
	if ((r = fr_mkdir_in(root, "/etc/farrow", 0700, err)) < 0)
		goto out;
	if (o->profile) {
		p = (free(p), fr_xasprintf("%s/etc/farrow/profile.yml", root));
		if ((r = fr_write_atomic(p, o->profile, o->profile_len, 0600, 0, err)) < 0)
			goto out;
	}
	/* this node's own identity comes at its first boot: no host keys, machine-id, name, resolver */
	{
		static const char *const keys[] = {
			"/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key",
			"/etc/ssh/ssh_host_dsa_key", "/etc/ssh/ssh_host_rsa_key.pub", "/etc/ssh/ssh_host_ecdsa_key.pub",
			"/etc/ssh/ssh_host_ed25519_key.pub", "/etc/ssh/ssh_host_dsa_key.pub",
			"/etc/ssl/private/ssl-cert-snakeoil.key", "/etc/ssl/certs/ssl-cert-snakeoil.pem", NULL
		};

		for (i = 0; keys[i]; i++) {
			p = (free(p), fr_xasprintf("%s%s", root, keys[i]));
			unlink(p);
		}
	}
	/* a per-node image's name: the node's (farrow-firstboot names a node so when nodename_overwrite
	 * allows; an image has no name of its own to keep) */
	{
		const char *name = fr_profile_node_name(profile);

		free(p);
		p = fr_xasprintf("%s\n", name ? name : "localhost");
	}
	if ((r = fr_write_in(root, "/etc/machine-id", "", 0444, err)) < 0 ||
	    (r = fr_write_in(root, "/etc/hostname", p, 0644, err)) < 0 ||
	    (r = fr_write_in(root, "/etc/resolv.conf", "", 0644, err)) < 0)
		goto out;
	image_record(o, m, sha, profile, &rec);
	if ((r = fr_write_in(root, "/etc/farrow/image.json", rec.buf, 0644, err)) < 0)
		goto out;
out:
	if (r == 0 && profile_out) {
		*profile_out = profile;
		profile = NULL;
	}
	fr_buf_release(&include);
	fr_buf_release(&rec);
	fr_node_free(profile);
	fr_strv_free(pk, npk);
	free(root);
	free(bdir);
	free(keyc);
	free(p);
	free(hook);
	free(hookpath);
	free(source);
	free(topdir);
	return r;
}

int fr_image_build(const struct fr_image_opts *o, struct fr_err *err)
{
	struct fr_bundle_check check;
	struct fr_node *profile = NULL;
	char *work = NULL, *root = NULL, *p = NULL, sha[65];
	const struct fr_bundle_manifest *m = &check.m;
	int r = 0, signed_manifest = 0;

	memset(&check, 0, sizeof(check));
	if (o->sign_key) {
		char *a = fr_xasprintf("%s.manifest", o->out), *b = fr_xasprintf("%s.manifest.sig", o->out);
		int exists = access(a, F_OK) == 0 || access(b, F_OK) == 0;

		if (exists)
			fr_err_set(err, FR_EARG, "'%s' exists: farrow does not overwrite it", access(a, F_OK) == 0 ? a : b);
		free(a);
		free(b);
		if (exists)
			return FR_EARG;
	}
	if (geteuid() != 0) {
		r = fr_err_set(err, FR_EARG, "needs root: mmdebstrap builds the root in a chroot");
		goto out;
	}
	if (!fr_exec_have("mmdebstrap") || (o->format == FR_IMAGE_TAR && !fr_exec_have("tar"))) {
		r = fr_err_set(err, FR_EIO, "needs mmdebstrap%s (apt-get install mmdebstrap; make deps installs it)",
			       o->format == FR_IMAGE_TAR ? " and tar" : "");
		goto out;
	}
	if ((work = fr_image_work_beside(o->out, "image", 1, err)) == NULL) {
		r = err->code;
		goto out;
	}
	if ((r = fr_image_root(o, work, &check, sha, &profile, err)) < 0)
		goto out;
	root = fr_xasprintf("%s/root", work);
	/* the signed manifest of what the image holds (a disk's root only once it is final, below) */
	if (o->sign_key && o->format != FR_IMAGE_RAW && o->format != FR_IMAGE_QCOW2) {
		say(o, "signing the image's manifest (%s.manifest)", o->out);
		if ((r = fr_image_manifest_sign(root, o->out, o->sign_key, m->epoch, err)) < 0)
			goto out;
		signed_manifest = 1;
	}
	if (o->format == FR_IMAGE_DIR) {
		if (rename(root, o->out) < 0) {
			r = fr_err_set(err, FR_EIO, "cannot move the root to %s: %s", o->out, strerror(errno));
			goto out;
		}
	} else if (o->format == FR_IMAGE_RAW || o->format == FR_IMAGE_QCOW2) {
		char *raw = fr_xasprintf("%s/disk.raw", work), *q = fr_xasprintf("%s/disk.qcow2", work);
		char *seed = fr_xasprintf("%s/%s", sha, profile ? fr_node_str(fr_node_get(profile, "host")) : "generic");

		say(o, "making the disk (GPT: BIOS boot, EFI system, root %s; GRUB from the bundle)", FR_DISK_ROOT_LABEL);
		r = fr_disk_build(root, work, raw, seed, m->epoch, err);
		if (r == 0 && o->sign_key) {
			say(o, "signing the image's manifest (%s.manifest)", o->out);
			if ((r = fr_image_manifest_sign(root, o->out, o->sign_key, m->epoch, err)) == 0)
				signed_manifest = 1;
		}
		if (r == 0 && o->format == FR_IMAGE_QCOW2) {
			const char *argv[] = { "qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw, q, NULL };

			if (!fr_exec_have("qemu-img"))
				r = fr_err_set(err, FR_EIO, "qcow2 needs qemu-img (apt-get install qemu-utils)");
			else
				r = fr_exec_tool(argv, NULL, NULL, err);
		}
		if (r == 0 && rename(o->format == FR_IMAGE_QCOW2 ? q : raw, o->out) < 0)
			r = fr_err_set(err, FR_EIO, "cannot move the image to %s: %s", o->out, strerror(errno));
		free(raw);
		free(q);
		free(seed);
		if (r < 0)
			goto out;
	} else {
		char *mtime = fr_xasprintf("--mtime=@%lld", m->epoch), *tarf = fr_xasprintf("%s/image.tar", work);
		const char *argv[] = { "tar", "--create", "--file", tarf, "--directory", root, "--format=pax", "--sort=name",
				       "--numeric-owner", mtime, "--clamp-mtime", "--one-file-system", "--xattrs",
				       "--xattrs-include=*",
				       "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime", ".", NULL };
		const char *env[] = { "LC_ALL=C.UTF-8", NULL };

		say(o, "packing %s (sorted, numeric owners, times clamped to the bundle's)", o->out);
		r = fr_exec_tool(argv, env, NULL, err);
		if (r == 0 && rename(tarf, o->out) < 0)
			r = fr_err_set(err, FR_EIO, "cannot move the image to %s: %s", o->out, strerror(errno));
		free(mtime);
		free(tarf);
		if (r < 0)
			goto out;
	}
	say(o, "%s: done", o->out);
out:
	if (r < 0 && signed_manifest) {
		/* no manifest without its image */
		free(p);
		p = fr_xasprintf("%s.manifest", o->out);
		unlink(p);
		free(p);
		p = fr_xasprintf("%s.manifest.sig", o->out);
		unlink(p);
	}
	if (work && fr_rm_rf(work) < 0 && r == 0)
		r = fr_err_set(err, FR_EIO, "cannot remove the work directory %s", work);
	fr_bundle_check_release(&check);
	fr_node_free(profile);
	free(work);
	free(root);
	free(p);
	return r;
}

/* ---- the image's signed manifest ---- */

struct mf_entry {
	char *path; /* escaped, for sorting and output */
	char *line;
};

static struct {
	const char *root;
	size_t rootlen;
	struct mf_entry *v;
	size_t n, alloc;
	int failed;
} mf;

static void mf_escape(struct fr_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || strchr("._+~^:@,=/-", c))
			fr_buf_addc(b, (char)c);
		else
			fr_buf_addf(b, "%%%02X", c);
	}
}

static int mf_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	struct fr_buf b = FR_BUF_INIT, pb = FR_BUF_INIT;
	const char *rel = path + mf.rootlen;

	(void)ftw;
	mf_escape(&pb, *rel ? rel : "/");
	if (flag == FTW_F && S_ISREG(st->st_mode)) {
		char sha[65];

		if (fr_sha256_file(path, sha, NULL, NULL) < 0) {
			mf.failed = 1;
			strcpy(sha, "?");
		}
		fr_buf_addf(&b, "F %s %04o %u %u %lld %s", pb.buf, (unsigned)(st->st_mode & 07777), (unsigned)st->st_uid,
			    (unsigned)st->st_gid, (long long)st->st_size, sha);
	} else if (flag == FTW_D || flag == FTW_DP)
		fr_buf_addf(&b, "D %s %04o %u %u", pb.buf, (unsigned)(st->st_mode & 07777), (unsigned)st->st_uid,
			    (unsigned)st->st_gid);
	else if (flag == FTW_SL || flag == FTW_SLN) {
		char target[4096];
		ssize_t n = readlink(path, target, sizeof(target) - 1);

		target[n < 0 ? 0 : n] = '\0';
		fr_buf_addf(&b, "L %s %u %u ", pb.buf, (unsigned)st->st_uid, (unsigned)st->st_gid);
		mf_escape(&b, target);
	} else if (flag == FTW_F)
		fr_buf_addf(&b, "N %s %06o %u %u %llu", pb.buf, (unsigned)st->st_mode, (unsigned)st->st_uid,
			    (unsigned)st->st_gid, (unsigned long long)st->st_rdev);
	else
		mf.failed = 1; /* unreadable directory, stat failure */
	if (b.len) {
		if (mf.n == mf.alloc) {
			mf.alloc = mf.alloc ? mf.alloc * 2 : 1024;
			mf.v = fr_xrealloc(mf.v, mf.alloc * sizeof(*mf.v));
		}
		mf.v[mf.n].path = fr_buf_detach(&pb, NULL);
		mf.v[mf.n++].line = fr_buf_detach(&b, NULL);
	}
	fr_buf_release(&pb);
	fr_buf_release(&b);
	return 0;
}

static int mf_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mf_entry *)a)->path, ((const struct mf_entry *)b)->path);
}

int fr_image_manifest(const char *root, struct fr_buf *out, struct fr_err *err)
{
	size_t i;
	int r = 0;

	memset(&mf, 0, sizeof(mf));
	mf.root = root;
	mf.rootlen = strlen(root);
	while (mf.rootlen > 1 && root[mf.rootlen - 1] == '/')
		mf.rootlen--;
	if (nftw(root, mf_one, 32, FTW_PHYS | FTW_MOUNT) != 0 || mf.failed)
		r = fr_err_set(err, FR_EIO, "cannot read every file under %s", root);
	qsort(mf.v, mf.n, sizeof(*mf.v), mf_cmp);
	fr_buf_adds(out, "farrow-image-manifest 1\n");
	for (i = 0; i < mf.n; i++) {
		fr_buf_addf(out, "%s\n", mf.v[i].line);
		free(mf.v[i].path);
		free(mf.v[i].line);
	}
	free(mf.v);
	memset(&mf, 0, sizeof(mf));
	return r;
}

int fr_image_manifest_sign(const char *root, const char *out, const char *sign_key, long long epoch, struct fr_err *err)
{
	char *man = fr_xasprintf("%s.manifest", out), *sig = fr_xasprintf("%s.manifest.sig", out);
	struct fr_buf text = FR_BUF_INIT;
	int r;

	if (access(man, F_OK) == 0 || access(sig, F_OK) == 0)
		r = fr_err_set(err, FR_EARG, "'%s' exists: farrow does not overwrite it", access(man, F_OK) == 0 ? man : sig);
	else if ((r = fr_image_manifest(root, &text, err)) == 0)
		r = fr_pgp_sign_files(sign_key, text.buf, text.len, epoch, man, sig, err);
	fr_buf_release(&text);
	free(man);
	free(sig);
	return r;
}

/* The next line of a manifest text at *p: its path (to the first space after the type) in key. */
static int mf_next(const char **p, const char *end, const char **line, size_t *len, char *key, size_t kn)
{
	const char *nl, *sp;

	if (*p >= end)
		return 0;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*len = (size_t)((nl ? nl : end) - *p);
	*p = nl ? nl + 1 : end;
	sp = *len > 2 ? memchr(*line + 2, ' ', *len - 2) : NULL;
	snprintf(key, kn, "%.*s", (int)((sp ? sp : *line + *len) - (*line + (*len > 2 ? 2 : *len))),
		 *line + (*len > 2 ? 2 : *len));
	return 1;
}

int fr_image_verify(const char *dir, const char *manifest, const char *key, struct fr_buf *report, size_t *ndiff,
		    size_t *nentries, struct fr_err *err)
{
	char *sigpath = fr_xasprintf("%s.sig", manifest), *want = NULL, *sig = NULL, ka[8192], kb[8192];
	size_t wl = 0, sl = 0, la = 0, lb = 0;
	struct fr_buf have = FR_BUF_INIT;
	const char *pa, *ea, *pb, *eb, *a = NULL, *b = NULL;
	int r, ha, hb;

	*ndiff = *nentries = 0;
	if ((r = fr_read_file(manifest, 1u << 30, &want, &wl, err)) < 0 || (r = fr_read_file(sigpath, 1 << 20, &sig, &sl, err)) < 0)
		goto out;
	if ((r = fr_pgp_verify_detached(key, sig, sl, manifest, err)) < 0)
		goto out;
	if (wl < 24 || strncmp(want, "farrow-image-manifest 1\n", 24) != 0) {
		r = fr_err_set(err, FR_EINVALID, "%s is not a farrow image manifest (version 1)", manifest);
		goto out;
	}
	if ((r = fr_image_manifest(dir, &have, err)) < 0)
		goto out;
	pa = want + 24, ea = want + wl;
	pb = have.buf + 24, eb = have.buf + have.len;
	ha = mf_next(&pa, ea, &a, &la, ka, sizeof(ka));
	hb = mf_next(&pb, eb, &b, &lb, kb, sizeof(kb));
	while (ha || hb) {
		int c = !ha ? 1 : !hb ? -1 : strcmp(ka, kb);

		if (c == 0) {
			++*nentries;
			if (la != lb || memcmp(a, b, la) != 0) {
				fr_buf_addf(report, "changed %s\n", ka);
				++*ndiff;
			}
			ha = mf_next(&pa, ea, &a, &la, ka, sizeof(ka));
			hb = mf_next(&pb, eb, &b, &lb, kb, sizeof(kb));
		} else if (c < 0) {
			++*nentries;
			fr_buf_addf(report, "missing %s\n", ka);
			++*ndiff;
			ha = mf_next(&pa, ea, &a, &la, ka, sizeof(ka));
		} else {
			fr_buf_addf(report, "added %s\n", kb);
			++*ndiff;
			hb = mf_next(&pb, eb, &b, &lb, kb, sizeof(kb));
		}
	}
	r = 0;
out:
	free(sigpath);
	free(want);
	free(sig);
	fr_buf_release(&have);
	return r;
}
