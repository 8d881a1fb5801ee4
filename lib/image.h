/* image.h -- node images made from a bundle alone: what an image needs of a bundle (the one list
 * repo-builder resolves into an image-capable bundle, and refuses one without), and building a
 * root from it (farrow image build). */
/* SPDX-License-Identifier: MIT */
#ifndef FR_IMAGE_H
#define FR_IMAGE_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

/*
 * The packages a bootable node root of target ("d12.x86_64") needs beyond the archive's
 * Essential and Priority: required set (minbase): apt, init, udev, D-Bus, SSH, networking
 * tools, a kernel and its initramfs tools, GRUB's BIOS and EFI images, ext4 tools, mtools (a
 * seed volume is read without mounting it) and what grows the root at first boot.
 * NULL-terminated, static; NULL for an rpm or unknown target.
 */
const char *const *fr_image_packages(const char *target);

/* What the ISO's live system needs beyond fr_image_packages (an image-capable bundle carries both):
 * its boot, menus and disk tools, and farrow's own libraries; NULL-terminated, static; NULL for an
 * rpm or unknown target. */
const char *const *fr_iso_packages(const char *target);

enum fr_image_format { FR_IMAGE_DIR, FR_IMAGE_TAR, FR_IMAGE_RAW, FR_IMAGE_QCOW2, FR_IMAGE_ISO /* farrow iso build's live root */ };

/* "dir", "tar", "raw", "qcow2" -> the format; -1 for anything else. */
int fr_image_format_parse(const char *s);

struct fr_image_opts {
	const char *bundle, *key;      /* the bundle (its .sig beside it) and the public key it must verify with */
	const char *firstboot;         /* the farrow-firstboot binary the image runs */
	const char *out;               /* the image: a directory or a file; it must not exist */
	enum fr_image_format format;
	/* a per-node image embeds the node's profile (farrow profile's text, its bundle: the one this
	 * image carries); NULL: a generic image */
	const char *profile;
	size_t profile_len;
	const char *farrow_version;    /* recorded in the image */
	const char *sign_key;          /* a secret key (repo-builder keygen's farrow-signing.key): when
					* given, <out>.manifest and its signature <out>.manifest.sig */
	int quiet;                     /* no progress lines on stderr */
	const char *essential_hook;    /* a script mmdebstrap runs before the packages install, the root as $1,
					* or NULL */
};

/* A work directory beside out (which must not exist), absolute, mode 0755, so that what is made
 * there is renamed into place; apt_path: its path must fit apt's source lines. NULL, err set. */
char *fr_image_work_beside(const char *out, const char *what, int apt_path, struct fr_err *err);

struct fr_bundle_check;
struct fr_node;

/*
 * The root fr_image_build packs, made in work/root (work: the caller's empty directory, mode
 * 0755, whose path apt's source lines can take): everything fr_image_build's comment says up to
 * image.json. check gets the verified bundle (the caller releases it), sha its SHA-256,
 * *profile_out (when not NULL) the loaded profile or NULL for a generic image. 0 or an error code.
 */
int fr_image_root(const struct fr_image_opts *o, const char *work, struct fr_bundle_check *check, char sha[65],
		  struct fr_node **profile_out, struct fr_err *err);

/*
 * Build the image: the bundle verified with the key (a bundle that is not image-capable is
 * refused), a root made by mmdebstrap from the bundle's own repository only (minbase, the
 * image packages, the node's module packages or, generic, every module's), postgresql-common
 * told to create no cluster before any package installs; then the bundle unpacked in the
 * root where the node's profile says, apt pointed at it alone, farrow-firstboot installed and
 * enabled, the profile (0600) for a per-node image, no SSH host keys nor snakeoil TLS key (each
 * node makes its own at first boot: farrow-node-keys.service), an empty machine-id;
 * /etc/farrow/image.json records what went in. The root is built beside out and renamed into
 * place (dir), packed (tar: sorted, numeric owners, times clamped to the bundle's epoch), or
 * made a bootable GPT disk (raw, qcow2: lib/disk.c), so a failure leaves nothing at out. Needs
 * root. 0, or an error code with err set.
 */
int fr_image_build(const struct fr_image_opts *o, struct fr_err *err);

/*
 * The manifest of the tree under root: "farrow-image-manifest 1", then one line per entry in
 * byte order of its path (absolute, as in the image; bytes outside [A-Za-z0-9._+~^:@,=/-]
 * written %XX): "F <path> <mode> <uid> <gid> <size> <sha256>", "D <path> <mode> <uid> <gid>",
 * "L <path> <uid> <gid> <target>", "N <path> <mode> <uid> <gid> <rdev>" (devices, fifos,
 * sockets). Mount points below root are not entered. Appended to out; 0 or FR_EIO.
 */
int fr_image_manifest(const char *root, struct fr_buf *out, struct fr_err *err);

/* Write <out>.manifest of root signed with the secret key (<out>.manifest.sig, detached, made at
 * epoch when > 0); refused when either exists. 0 or an error code. */
int fr_image_manifest_sign(const char *root, const char *out, const char *sign_key, long long epoch, struct fr_err *err);

/*
 * Check the image directory dir against manifest (its signature manifest.sig checked with key
 * first: FR_ECRYPTO when it does not hold): each difference, "changed <path>", "missing <path>"
 * or "added <path>", a line in report; *ndiff their number, *nentries the manifest's entries.
 * 0 (whatever ndiff), or an error code.
 */
int fr_image_verify(const char *dir, const char *manifest, const char *key, struct fr_buf *report, size_t *ndiff,
		    size_t *nentries, struct fr_err *err);

/* The image.json of a dir or tar image (what farrow image inspect and farrow seed --image read),
 * appended to out. 0, FR_ENOTFOUND (not a farrow image), FR_EIO. */
int fr_image_record_read(const char *image, struct fr_buf *out, struct fr_err *err);

/*
 * A seed volume at out (mode 0600, refused when out exists): VFAT labelled FR_SEED_LABEL with
 * the profile as FR_SEED_PROFILE, made and filled without mounting (mkfs.vfat, mcopy), the
 * same bytes for the same profile (a fixed serial; times from SOURCE_DATE_EPOCH, else
 * 2000-01-01). 0, or an error code with err set.
 */
int fr_seed_build(const char *profile, size_t len, const char *out, struct fr_err *err);

/* A small VFAT volume at out (0600, refused when out exists) labelled label, holding the files
 * (their plain copies wiped on the way), made without mounting, the same bytes for the same
 * files: a seed, an answer volume. */
struct fr_vfat_file {
	const char *name, *data;
	size_t len;
};
int fr_vfat_volume_build(const char *label, const struct fr_vfat_file *files, size_t n, const char *out, struct fr_err *err);
/* The same as a 2 MiB ext2 file system (mke2fs -d, nothing mounted; labels up to 16 characters,
 * where VFAT's take 11), read back with debugfs: the answer volume. */
int fr_ext_volume_build(const char *label, const struct fr_vfat_file *files, size_t n, const char *out, struct fr_err *err);

#endif
