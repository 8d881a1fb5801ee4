/* answerfile.c -- farrow's answer file for unattended installs, and disk selection (see answerfile.h). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "answerfile.h"
#include "disksurvey.h"
#include "fileio.h"
#include "inventory.h"
#include "params.h"
#include "xalloc.h"
#include "yamlnode.h"

static const char *const top_keys[] = { "farrow_answer", "host", "inventory", "disk", "network", "root",
					"erase", "erase_data", "reboot", "on_error", NULL };
static const char *const disk_keys[] = { "serial", "wwn", "model", "name", "min_size", "max_size", NULL };
static const char *const net_keys[] = { "address", "gateway", "dhcp", NULL };
static const char *const root_keys[] = { "password_hash", "ssh_keys", NULL };
static const char *const on_errors[] = { "shell", "reboot", "poweroff", NULL };

#define ERR(n, ...) fr_diags_add(d, FR_SEV_ERROR, (n) ? (n)->line : 0, (n) ? (n)->col : 0, NULL, __VA_ARGS__)

/* Every key of map one of keys; an unknown one named with the nearest known. */
static void known_keys(const struct fr_node *map, const char *const *keys, const char *where, struct fr_diags *d)
{
	size_t i, j;

	for (i = 0; i < map->n; i++) {
		const char *k = fr_node_str(map->keys[i]), *best = NULL;
		size_t bd = 3;

		for (j = 0; keys[j] && k; j++) {
			size_t dist = fr_edit_distance(k, keys[j]);

			if (dist == 0)
				break;
			if (dist < bd) {
				bd = dist;
				best = keys[j];
			}
		}
		if (k && keys[j])
			continue;
		if (best)
			ERR(map->keys[i], "%s%s%s: unknown key (did you mean '%s'?)", where, *where ? "." : "", k ? k : "?", best);
		else
			ERR(map->keys[i], "%s%s%s: unknown key", where, *where ? "." : "", k ? k : "?");
	}
}

/* A map's string value: NULL when absent (an error when required), or not a plain string. */
static const char *str_of(const struct fr_node *map, const char *key, const char *where, int required,
			  const struct fr_node *at, struct fr_diags *d)
{
	const struct fr_node *v = fr_node_get(map, key);
	const char *s;
	size_t i;

	if (v == NULL || fr_node_is_null(v)) {
		if (required)
			ERR(at, "%s%s%s: missing (required)", where, *where ? "." : "", key);
		return NULL;
	}
	if (!fr_node_is_scalar(v) || (s = fr_node_str(v)) == NULL || !*s) {
		ERR(v, "%s%s%s: a non-empty string, not a %s", where, *where ? "." : "", key, fr_node_kind_name(v));
		return NULL;
	}
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			ERR(v, "%s%s%s: control characters are not allowed", where, *where ? "." : "", key);
			return NULL;
		}
	return s;
}

static int bool_of(const struct fr_node *map, const char *key, const char *where, int dflt, struct fr_diags *d)
{
	const struct fr_node *v = fr_node_get(map, key);
	int b;

	if (v == NULL)
		return dflt;
	if (!fr_node_bool(v, &b)) {
		ERR(v, "%s%s%s: true or false, not '%s'", where, *where ? "." : "", key, fr_node_str(v) ? fr_node_str(v) : fr_node_kind_name(v));
		return dflt;
	}
	return b;
}

/* A map under key (absent: NULL), or an error when it is something else. */
static const struct fr_node *map_of(const struct fr_node *map, const char *key, struct fr_diags *d)
{
	const struct fr_node *v = fr_node_get(map, key);

	if (v && !fr_node_is_map(v)) {
		ERR(v, "%s: a mapping, not a %s", key, fr_node_kind_name(v));
		return NULL;
	}
	return v;
}

long long fr_size_parse(const char *s)
{
	char *end;
	unsigned long long n;
	int shift = 0;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		const char *u = strchr("KMGT", toupper((unsigned char)*end));

		if (u == NULL || end[1] != '\0')
			return -1;
		shift = 10 * (int)(u - "KMGT" + 1);
	}
	if (n > (unsigned long long)(9e18) >> shift)
		return -1;
	return (long long)(n << shift);
}

static long long size_of(const struct fr_node *map, const char *key, struct fr_diags *d)
{
	const struct fr_node *v = fr_node_get(map, key);
	long long n;

	if (v == NULL)
		return 0;
	if (!fr_node_is_scalar(v) || (n = fr_size_parse(fr_node_str(v))) <= 0) {
		ERR(v, "disk.%s: a size (as 20G, 512M, 2T or bytes), not '%s'", key, fr_node_str(v) ? fr_node_str(v) : "?");
		return 0;
	}
	return n;
}

static int all_of(const char *s, const char *set)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(set, *s))
			return 0;
	return 1;
}

/* crypt(3) SHA-512 ($6$salt$hash, optionally $6$rounds=N$...) or yescrypt ($y$...): what
 * passwd and chpasswd -e take. */
static int crypt_hash_ok(const char *s)
{
	return (strncmp(s, "$6$", 3) == 0 || strncmp(s, "$y$", 3) == 0) && strlen(s) >= 20 && all_of(s + 3, "./$=") &&
	       strchr(s + 3, '$') != NULL;
}

/* One OpenSSH public key line: a known type, base64, an optional comment. */
static const char *ssh_key_problem(const char *s)
{
	static const char *const types[] = { "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
					     "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
					     "sk-ecdsa-sha2-nistp256@openssh.com", NULL };
	const char *sp = strchr(s, ' '), *b, *e;
	size_t i;

	if (strstr(s, "PRIVATE KEY"))
		return "is a private key: give the public one (.pub)";
	for (i = 0; types[i] && sp; i++)
		if ((size_t)(sp - s) == strlen(types[i]) && strncmp(s, types[i], strlen(types[i])) == 0)
			break;
	if (sp == NULL || types[i] == NULL)
		return "is not an OpenSSH public key (<type> <base64> [comment], type ssh-ed25519, ssh-rsa, ecdsa-sha2-*)";
	b = sp + 1;
	e = strchr(b, ' ');
	if (e == NULL)
		e = b + strlen(b);
	if (e - b < 16)
		return "has no key after its type";
	for (; b < e; b++)
		if (!isalnum((unsigned char)*b) && *b != '+' && *b != '/' && *b != '=')
			return "has a key that is not base64";
	return NULL;
}

static int cidr_ok(const char *s)
{
	const char *slash = strchr(s, '/');
	char ip[32];
	char *end;
	long p;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(ip))
		return 0;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	p = strtol(slash + 1, &end, 10);
	return fr_is_ipv4(ip) && *end == '\0' && slash[1] && p >= 1 && p <= 32;
}

struct fr_answerfile *fr_answerfile_load(const char *text, size_t len, struct fr_diags *d, struct fr_err *err)
{
	struct fr_node *root = fr_yaml_parse(text, len, err);
	struct fr_answerfile *a;
	const struct fr_node *disk, *net, *cred, *v;
	const char *s;
	size_t i;

	if (root == NULL)
		return NULL;
	a = fr_xcalloc(1, sizeof(*a));
	if (!fr_node_is_map(root)) {
		ERR(root, "an answer file is a mapping (farrow_answer: 1, host:, disk:, ...), not a %s", fr_node_kind_name(root));
		goto out;
	}
	known_keys(root, top_keys, "", d);
	v = fr_node_get(root, "farrow_answer");
	{
		long long ver;

		if (v == NULL)
			ERR(root, "farrow_answer: missing (required: 1, the format's version)");
		else if (!fr_node_int(v, &ver) || ver != 1)
			ERR(v, "farrow_answer: this farrow reads version 1, not '%s'", fr_node_str(v) ? fr_node_str(v) : "?");
	}
	if ((s = str_of(root, "host", "", 1, root, d)) != NULL) {
		if (!fr_is_ipv4(s))
			ERR(fr_node_get(root, "host"), "host: '%s' is not an IPv4 address (the inventory's host)", s);
		a->host = fr_xstrdup(s);
	}
	if ((s = str_of(root, "inventory", "", 0, root, d)) != NULL) {
		const char *why = s[0] == '/' ? "is absolute" : fr_path_problem(s, 0);

		if (why)
			ERR(fr_node_get(root, "inventory"), "inventory: '%s' %s: it names a file beside the answer file", s, why);
		a->inventory = fr_xstrdup(s);
	} else
		a->inventory = fr_xstrdup("inventory.yml");
	/* the disk: a selector that must pick exactly one disk of the machine */
	disk = map_of(root, "disk", d);
	if (fr_node_get(root, "disk") == NULL)
		ERR(root, "disk: missing (required: serial, wwn, model, name, min_size or max_size: which disk to erase)");
	if (disk) {
		char **f[] = { &a->serial, &a->wwn, &a->model, &a->name };
		static const char *const names[] = { "serial", "wwn", "model", "name" };

		known_keys(disk, disk_keys, "disk", d);
		for (i = 0; i < 4; i++)
			if ((s = str_of(disk, names[i], "disk", 0, disk, d)) != NULL)
				*f[i] = fr_xstrdup(s);
		if (a->name && (strlen(a->name) >= sizeof(((struct fr_disk *)0)->name) || !all_of(a->name, "")))
			ERR(fr_node_get(disk, "name"), "disk.name: '%s' is a kernel disk name (vda, sda, nvme0n1), not a path",
			    a->name);
		a->min_size = size_of(disk, "min_size", d);
		a->max_size = size_of(disk, "max_size", d);
		if (a->min_size && a->max_size && a->min_size > a->max_size)
			ERR(fr_node_get(disk, "max_size"), "disk.max_size is below disk.min_size: no disk can match");
		if (!a->serial && !a->wwn && !a->model && !a->name && !a->min_size && !a->max_size)
			ERR(disk, "disk: give at least one of serial, wwn, model, name, min_size, max_size");
	}
	net = map_of(root, "network", d);
	if (net) {
		known_keys(net, net_keys, "network", d);
		a->dhcp = bool_of(net, "dhcp", "network", 0, d);
		if ((s = str_of(net, "address", "network", 0, net, d)) != NULL) {
			if (!cidr_ok(s))
				ERR(fr_node_get(net, "address"), "network.address: '%s' is not an IPv4 address with its prefix "
				    "(as 10.10.10.10/24)", s);
			a->address = fr_xstrdup(s);
		}
		if ((s = str_of(net, "gateway", "network", 0, net, d)) != NULL) {
			if (!fr_is_ipv4(s))
				ERR(fr_node_get(net, "gateway"), "network.gateway: '%s' is not an IPv4 address", s);
			a->gateway = fr_xstrdup(s);
		}
		if (a->dhcp && (a->address || a->gateway))
			ERR(fr_node_get(net, "dhcp"), "network: dhcp: true takes no address or gateway");
	}
	/* root's credentials: a hash (never a password in clear) or keys */
	cred = map_of(root, "root", d);
	if (fr_node_get(root, "root") == NULL)
		ERR(root, "root: missing (required: password_hash or ssh_keys)");
	if (cred) {
		known_keys(cred, root_keys, "root", d);
		if ((s = str_of(cred, "password_hash", "root", 0, cred, d)) != NULL) {
			if (!crypt_hash_ok(s))
				ERR(fr_node_get(cred, "password_hash"), "root.password_hash: not a crypt(3) SHA-512 or yescrypt "
				    "hash ($6$... or $y$...: mkpasswd -m sha-512; never the password itself)");
			a->password_hash = fr_xstrdup(s);
		}
		v = fr_node_get(cred, "ssh_keys");
		if (v && !fr_node_is_seq(v))
			ERR(v, "root.ssh_keys: a list of public keys, not a %s", fr_node_kind_name(v));
		else if (v) {
			a->ssh_keys = fr_xcalloc(v->n ? v->n : 1, sizeof(char *));
			for (i = 0; i < v->n; i++) {
				const char *k = fr_node_str(v->items[i]), *why;

				if (!fr_node_is_scalar(v->items[i]) || k == NULL) {
					ERR(v->items[i], "root.ssh_keys[%zu]: a public key line, not a %s", i,
					    fr_node_kind_name(v->items[i]));
					continue;
				}
				if ((why = ssh_key_problem(k)) != NULL)
					ERR(v->items[i], "root.ssh_keys[%zu] %s", i, why);
				a->ssh_keys[a->nssh_keys++] = fr_xstrdup(k);
			}
		}
		if (!a->password_hash && !a->nssh_keys)
			ERR(cred, "root: give password_hash or ssh_keys (or both)");
	}
	a->erase = bool_of(root, "erase", "", 0, d);
	if (!a->erase && (fr_node_get(root, "erase") == NULL || fr_node_bool(fr_node_get(root, "erase"), &a->erase)))
		ERR(fr_node_get(root, "erase") ? fr_node_get(root, "erase") : root,
		    "erase: true is required: an unattended install erases the disk it picks, and says so here");
	a->erase_data = bool_of(root, "erase_data", "", 0, d);
	a->reboot = bool_of(root, "reboot", "", 1, d);
	a->on_error = FR_ON_ERROR_SHELL;
	if ((s = str_of(root, "on_error", "", 0, root, d)) != NULL) {
		for (i = 0; on_errors[i] && strcmp(on_errors[i], s) != 0; i++)
			;
		if (on_errors[i] == NULL)
			ERR(fr_node_get(root, "on_error"), "on_error: shell, reboot or poweroff, not '%s'", s);
		else
			a->on_error = (enum fr_on_error)i;
	}
out:
	fr_node_free(root);
	if (d->nerrors) {
		fr_answerfile_free(a);
		return NULL;
	}
	return a;
}

void fr_answerfile_free(struct fr_answerfile *a)
{
	if (a == NULL)
		return;
	free(a->host);
	free(a->inventory);
	free(a->serial);
	free(a->wwn);
	free(a->model);
	free(a->name);
	free(a->address);
	free(a->gateway);
	free(a->password_hash);
	fr_strv_free(a->ssh_keys, a->nssh_keys);
	free(a);
}

/* ---- disks ---- */

/* An attribute's text, trimmed of whitespace at both ends, into out (empty when absent). */
static void attr(const char *sysfs, const char *name, const char *rel, char *out, size_t n)
{
	char *p = fr_xasprintf("%s/block/%s/%s", sysfs, name, rel), *data = NULL;
	size_t len = 0, a = 0;

	out[0] = '\0';
	if (fr_read_file(p, 4096, &data, &len, NULL) == 0) {
		while (a < len && isspace((unsigned char)data[a]))
			a++;
		while (len > a && (isspace((unsigned char)data[len - 1]) || data[len - 1] == '\0'))
			len--;
		snprintf(out, n, "%.*s", (int)(len - a), data + a);
	}
	free(p);
	free(data);
}

/* The unit serial number of SCSI VPD page 0x80 (a 4-byte header, then the serial). */
static void vpd_serial(const char *sysfs, const char *name, char *out, size_t n)
{
	char *p = fr_xasprintf("%s/block/%s/device/vpd_pg80", sysfs, name), *data = NULL;
	size_t len = 0, l, a = 4;

	if (fr_read_file(p, 4096, &data, &len, NULL) == 0 && len > 4) {
		l = ((size_t)(unsigned char)data[2] << 8) | (unsigned char)data[3];
		if (l > len - 4)
			l = len - 4;
		while (a < 4 + l && isspace((unsigned char)data[a]))
			a++;
		while (l + 4 > a && isspace((unsigned char)data[l + 3]))
			l--;
		snprintf(out, n, "%.*s", (int)(l + 4 - a), data + a);
	}
	free(p);
	free(data);
}

static int disk_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fr_disk *)a)->name, ((const struct fr_disk *)b)->name);
}

int fr_disks_list(const char *sysfs, struct fr_disk **v, size_t *n, struct fr_err *err)
{
	static const char *const skip[] = { "loop", "ram", "zram", "dm-", "md", "sr", "fd", "nbd", NULL };
	char *dir = fr_xasprintf("%s/block", sysfs), buf[64];
	size_t alloc = 0, i;
	struct dirent *e;
	DIR *dp = opendir(dir);

	*v = NULL;
	*n = 0;
	if (dp == NULL) {
		int r = fr_err_set(err, FR_EIO, "cannot read %s: %s", dir, strerror(errno));

		free(dir);
		return r;
	}
	while ((e = readdir(dp)) != NULL) {
		struct fr_disk dk;

		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(dk.name))
			continue;
		for (i = 0; skip[i] && strncmp(e->d_name, skip[i], strlen(skip[i])) != 0; i++)
			;
		if (skip[i])
			continue;
		memset(&dk, 0, sizeof(dk));
		memcpy(dk.name, e->d_name, strlen(e->d_name) + 1); /* shorter than dk.name: checked above */
		attr(sysfs, dk.name, "size", buf, sizeof(buf));
		dk.size = atoll(buf) * 512;
		attr(sysfs, dk.name, "ro", buf, sizeof(buf));
		dk.readonly = atoi(buf);
		attr(sysfs, dk.name, "removable", buf, sizeof(buf));
		dk.removable = atoi(buf);
		if (dk.size <= 0 || dk.readonly)
			continue;
		attr(sysfs, dk.name, "device/model", dk.model, sizeof(dk.model));
		attr(sysfs, dk.name, "serial", dk.serial, sizeof(dk.serial));
		if (!dk.serial[0])
			attr(sysfs, dk.name, "device/serial", dk.serial, sizeof(dk.serial));
		if (!dk.serial[0])
			vpd_serial(sysfs, dk.name, dk.serial, sizeof(dk.serial));
		attr(sysfs, dk.name, "wwid", dk.wwn, sizeof(dk.wwn));
		if (!dk.wwn[0])
			attr(sysfs, dk.name, "device/wwid", dk.wwn, sizeof(dk.wwn));
		FR_ALLOC_GROW(*v, *n + 1, alloc);
		(*v)[(*n)++] = dk;
	}
	closedir(dp);
	free(dir);
	if (*n)
		qsort(*v, *n, sizeof(**v), disk_cmp);
	return 0;
}

static int disk_matches(const struct fr_answerfile *a, const struct fr_disk *dk)
{
	return (!a->name || strcmp(a->name, dk->name) == 0) && (!a->serial || strcmp(a->serial, dk->serial) == 0) &&
	       (!a->wwn || strcasecmp(a->wwn, dk->wwn) == 0) && (!a->model || strcmp(a->model, dk->model) == 0) &&
	       (!a->min_size || dk->size >= a->min_size) && (!a->max_size || dk->size <= a->max_size);
}

int fr_answerfile_match(const struct fr_answerfile *a, const struct fr_disk *v, size_t n, size_t *which,
			struct fr_err *err)
{
	struct fr_buf names = FR_BUF_INIT;
	size_t i, hits = 0;
	int r = 0;

	for (i = 0; i < n; i++)
		if (disk_matches(a, &v[i])) {
			if (hits++ == 0)
				*which = i;
			fr_buf_addf(&names, "%s%s", names.len ? ", " : "", v[i].name);
		}
	if (hits == 0)
		r = fr_err_set(err, FR_ENOTFOUND, "the disk selector matches none of this machine's %zu disk%s: nothing "
			       "is written", n, n == 1 ? "" : "s");
	else if (hits > 1)
		r = fr_err_set(err, FR_EINVALID, "the disk selector matches %zu disks (%s): nothing is written; "
			       "add disk.serial or disk.wwn to pick one", hits, names.buf);
	fr_buf_release(&names);
	return r;
}

int fr_answerfile_may_erase(const struct fr_answerfile *a, const char *name, const struct fr_disk_survey *s,
			    struct fr_err *err)
{
	if (s->ndata == 0 || a->erase_data)
		return 0;
	return fr_err_set(err, FR_EINVALID, "%s holds %s %s (%s)%s: nothing is written; set erase_data: true to erase it anyway",
			  name, s->data[0].kind, s->data[0].path, s->data[0].detail, s->ndata > 1 ? " and more" : "");
}
