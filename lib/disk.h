/* disk.h -- a bootable GPT disk image made from a root directory, in a file, without mounting
 * anything or attaching a loop device (the build host may have no vfat driver at all). */
/* SPDX-License-Identifier: MIT */
#ifndef FR_DISK_H
#define FR_DISK_H

#include "buf.h"
#include "err.h"

/* The labels a disk image's file systems carry: the root is found by its label at boot. */
#define FR_DISK_ROOT_LABEL "farrow-root"
#define FR_DISK_ESP_LABEL "FARROW-ESP"

/* The modules every GRUB image farrow makes carries (a disk's and the ISO's): what their grub.cfg
 * needs, nothing loaded from the medium after. */
#define FR_GRUB_MODULES "part_gpt", "part_msdos", "ext2", "iso9660", "search", "search_label", "normal", "linux", \
	"echo", "test", "configfile", "gzio", "serial", "terminal", "cat", "ls"

/* Every time under root as reproducible builds want them before a file system copies them: each
 * atime the epoch, each mtime after it the epoch (tar's --clamp-mtime). 0 or FR_EIO. */
int fr_disk_clamp_times(const char *root, long long epoch, struct fr_err *err);

/*
 * Make the raw disk `out` from `root` (a node root with GRUB's i386-pc and x86_64-efi modules
 * under usr/lib/grub, from its bundle), using `work` (an empty directory of the caller's) for
 * the pieces. The layout, GPT: a 1 MiB BIOS boot partition holding GRUB's core image (the MBR
 * holds GRUB's boot.img pointing at it), a 32 MiB EFI system partition holding
 * EFI/BOOT/BOOTX64.EFI (the removable path: no NVRAM entry needed), and the root (ext4,
 * label farrow-root) filling the rest: its contents and 30 % + 512 MiB free. Both GRUB images
 * are made with grub-mkimage from the root's own modules, with an early config that finds the
 * root by its label; the root gets /boot/grub/grub.cfg (serial and VGA console), /etc/fstab
 * (the root by label, grown by systemd-growfs) and /etc/repart.d/50-root.conf (systemd-repart
 * grows the root partition into a larger disk at boot). Identifiers (disk and partition
 * GUIDs, the file systems' UUIDs and serials) derive from `seed`, times from `epoch`: the same
 * inputs give the same bytes. 0, or an error code with err set.
 */
int fr_disk_build(const char *root, const char *work, const char *out, const char *seed, long long epoch,
		  struct fr_err *err);

/* What a node made from root takes on a disk, in MiB: its tree, a tenth more, 256 MiB free, the
 * boot partitions. -1 with err set when the tree cannot be sized. */
long long fr_disk_needed_mib(const char *root, struct fr_err *err);

/*
 * The same layout as fr_disk_build, onto the existing disk dev (a block device, or a file of
 * its size in tests) on the machine being installed: the root fills the whole disk, times are
 * the clock's (nothing is clamped: the tree may be an overlay that would copy every file up).
 * Refused, with nothing written, when dev is in use (mounted, held) or smaller than
 * fr_disk_needed_mib. The caller has chosen the disk and asked before: this erases it.
 */
int fr_disk_install(const char *root, const char *work, const char *dev, const char *seed, struct fr_err *err);

/* 1 when the file is a disk fr_disk_build makes (a GPT whose third partition is farrow's root at
 * its fixed offset); *root_offset gets that offset in bytes. */
int fr_disk_is_ours(const char *path, long long *root_offset);

/* The bytes of file `path` (absolute, as in the root) of the disk's root file system (read with
 * debugfs, nothing mounted), at most max, appended to out. 0, FR_ENOTFOUND, FR_EIO. */
int fr_disk_read_file(const char *disk, const char *path, size_t max, struct fr_buf *out, struct fr_err *err);

#endif
