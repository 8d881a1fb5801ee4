/* image.h -- node images made from a bundle alone: what an image needs of a bundle (the one list
 * repo-builder resolves into an image-capable bundle, and refuses one without), and building a
 * root from it (farrow image build). */
/* SPDX-License-Identifier: MIT */
#ifndef FR_IMAGE_H
#define FR_IMAGE_H

#include <stddef.h>

#include "err.h"
#include "inventory.h"

/*
 * The packages a bootable node root of target ("d12.x86_64") needs beyond the archive's
 * Essential and Priority: required set (minbase): apt, init, udev, D-Bus, SSH, networking
 * tools, a kernel and its initramfs tools, GRUB's BIOS and EFI images, ext4 tools and what
 * grows the root at first boot. NULL-terminated, static; NULL for an rpm or unknown target.
 */
const char *const *fr_image_packages(const char *target);

enum fr_image_format { FR_IMAGE_DIR, FR_IMAGE_TAR };

/* "dir" / "tar" -> the format; -1 for anything else. */
int fr_image_format_parse(const char *s);

struct fr_image_opts {
	const char *bundle, *key;      /* the bundle (its .sig beside it) and the public key it must verify with */
	const char *firstboot;         /* the farrow-firstboot binary the image runs */
	const char *out;               /* the image: a directory or a file; it must not exist */
	enum fr_image_format format;
	/* a per-node image embeds host's profile (its certificates from pki); NULL: a generic image */
	const struct fr_inventory *inv;
	const struct fr_host *host;
	const char *pki;
	const char *farrow_version;    /* recorded in the image */
	int quiet;                     /* no progress lines on stderr */
};

/*
 * Build the image: the bundle verified with the key (a bundle that is not image-capable is
 * refused), a root made by mmdebstrap from the bundle's own repository only (minbase, the
 * image packages, the node's module packages or, generic, every module's), postgresql-common
 * told to create no cluster before any package installs; then the bundle unpacked in the
 * root where the node's profile says, apt pointed at it alone, farrow-firstboot installed and
 * enabled, the profile (0600) for a per-node image, no SSH host keys nor snakeoil TLS key (each
 * node makes its own at first boot: farrow-node-keys.service), an empty machine-id;
 * /etc/farrow/image.json records what went in. The root is built beside out and renamed into
 * place (dir) or packed (tar: sorted, numeric owners, times clamped to the bundle's epoch), so
 * a failure leaves nothing at out. Needs root. 0, or an error code with err set.
 */
int fr_image_build(const struct fr_image_opts *o, struct fr_err *err);

#endif
