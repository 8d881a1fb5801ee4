/* iso.h -- the bootable install medium (farrow iso build): a hybrid ISO9660 image, BIOS and
 * UEFI, whose live system is a generic node root made from the bundle alone and which checks
 * the medium against its signed file list before anything else. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_ISO_H
#define FR_ISO_H

#include <stddef.h>

#include "err.h"

struct fr_iso_opts {
	const char *const *bundles;   /* bundles[0]: image-capable, the live system's root is made of it */
	size_t nbundles;
	const char *key;              /* the public key every bundle (and the medium) verifies with */
	const char *sign_key;         /* the matching secret key: it signs the medium's SHA256SUMS */
	const char *firstboot;        /* the farrow-firstboot binary (the live root's and the medium's) */
	const char *farrow;           /* the farrow binary copied onto the medium */
	const char *answer;           /* an answer file for the medium (farrow/answer.yml), or NULL */
	const char *inventory;        /* an inventory for the medium (farrow/inventory.yml), or NULL */
	const char *profile;          /* the answer file's host's profile (farrow/profile.yml, 0600), or NULL */
	size_t profile_len;
	const char *out;              /* the ISO; it must not exist */
	const char *farrow_version;
	int quiet;
};

/* The ISO9660 volume id of a medium made of the bundle with this SHA-256: "FARROW_" and its
 * first 8 hex digits, upper case (GRUB's search and the live boot find the medium by it). */
void fr_iso_label(const char *bundle_sha, char out[16]);

/*
 * Build the ISO at o->out (made beside it, renamed into place; needs root): every bundle
 * verified; the live root by fr_image_root (generic, with fr_iso_packages and farrow's live
 * boot script in its initramfs), squashfs-compressed without the unpacked bundle (the medium
 * carries the bundle itself); GRUB's El Torito and EFI images from that root's own modules; the
 * bundles with their signatures, the public key, farrow, farrow-firstboot, the optional answer
 * file, inventory and profile under farrow/ (with an answer file, the boot menu's first entry,
 * the default, installs unattended); SHA256SUMS of every file signed with sign_key (and checked
 * with key before the ISO is written); xorriso's hybrid image (MBR and GPT, El Torito BIOS and
 * EFI). Times from the first bundle's epoch: the same inputs give the same bytes where
 * mksquashfs and xorriso allow. 0, or an error code with err set.
 */
int fr_iso_build(const struct fr_iso_opts *o, struct fr_err *err);

#endif
