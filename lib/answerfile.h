/* answerfile.h -- farrow's own answer file for unattended installs from the install medium
 * (read by `farrow answer check|match` and by the live system's installer, one parser), and
 * the disks of a machine as sysfs shows them, and which one an answer file's selector picks. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_ANSWERFILE_H
#define FR_ANSWERFILE_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

enum fr_on_error { FR_ON_ERROR_SHELL, FR_ON_ERROR_REBOOT, FR_ON_ERROR_POWEROFF };

/*
 * An answer file, version 1 (YAML):
 *   farrow_answer: 1                  required
 *   host: 10.10.10.10                 required: the inventory's host this machine becomes
 *   inventory: inventory.yml          beside the answer file (default; no '..')
 *   disk: {serial, wwn, model, name, min_size, max_size}   at least one; every one given must hold
 *   network: {address: A.B.C.D/N, gateway: A.B.C.D, dhcp: false}   default: the host's address
 *   root: {password_hash: <crypt(3) $6$ or $y$>, ssh_keys: [<OpenSSH public key>, ...]}  one at least
 *   erase: true                       required: an install erases the disk it picks
 *   erase_data: false                 true lets it erase a disk holding a PGDATA or an etcd member
 *   reboot: true                      into the installed node
 *   on_error: shell | reboot | poweroff   default shell
 */
struct fr_answerfile {
	char *host, *inventory;
	char *serial, *wwn, *model, *name;
	long long min_size, max_size; /* bytes; 0: not given */
	char *address, *gateway;      /* address with its /prefix */
	int dhcp;
	char *password_hash;
	char **ssh_keys;
	size_t nssh_keys;
	int erase, erase_data, reboot;
	enum fr_on_error on_error;
};

/*
 * Parse and check an answer file's text: every problem a diagnostic in d at its line and
 * column (an unknown key with the nearest known one, a wrong type, a bad value, a missing
 * required key). NULL when the YAML does not parse (err says line:col) or d has errors;
 * else the answers, freed with fr_answerfile_free.
 */
struct fr_answerfile *fr_answerfile_load(const char *text, size_t len, struct fr_diags *d, struct fr_err *err);
void fr_answerfile_free(struct fr_answerfile *a);

/* "20G", "512M", "2T", "1000000000": bytes (K, M, G, T are powers of 1024); -1 if not a size. */
long long fr_size_parse(const char *s);

/* A disk as the kernel shows it: /sys/block/<name>. */
struct fr_disk {
	char name[32];
	long long size;                       /* bytes */
	char model[64], serial[64], wwn[80];  /* "" when the device says none */
	int removable, readonly;
};

/*
 * The disks of the machine whose sysfs is at sysfs ("/sys" on a machine; a tree of the same
 * shape in tests): every /sys/block entry but loop, ram, zram, device-mapper, md, optical
 * (sr) and read-only devices, sorted by name. Serial from the device's serial attribute or
 * SCSI VPD page 0x80, WWN from wwid. *v freed with free(3). 0 or FR_EIO.
 */
int fr_disks_list(const char *sysfs, struct fr_disk **v, size_t *n, struct fr_err *err);

/*
 * Which of the n disks the answer file's selector picks: 0 and *which when exactly one
 * matches; FR_ENOTFOUND when none does, FR_EINVALID when several do (err says which, and
 * what would tell them apart).
 */
int fr_answerfile_match(const struct fr_answerfile *a, const struct fr_disk *v, size_t n, size_t *which,
			struct fr_err *err);

/*
 * Whether the answers let an install erase disk name, which holds what survey s found (lib/
 * disksurvey.c): refused (FR_EINVALID, err naming the data found) when it holds a PGDATA or an
 * etcd member and the answer file does not say erase_data: true. The one rule `farrow answer
 * match` and the live installer apply.
 */
struct fr_disk_survey;
int fr_answerfile_may_erase(const struct fr_answerfile *a, const char *name, const struct fr_disk_survey *s,
			    struct fr_err *err);

#endif
