/* cmd-answer.c -- `farrow answer check|match`: farrow's own answer file for unattended installs
 * from the install medium, checked by the same parser the installer runs (lib/answerfile.c). */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answerfile.h"
#include "buf.h"
#include "cli.h"
#include "disksurvey.h"
#include "err.h"
#include "farrow.h"
#include "crypto.h"
#include "fileio.h"
#include "image.h"
#include "medium.h"
#include "inventory.h"
#include "xalloc.h"
#include "yamlnode.h"

#define ANSWER_USAGE                                                                                     \
	"usage: farrow answer check <answer.yml> [--inventory <inv>]\n"                                   \
	"       farrow answer match <answer.yml> [--sysfs <dir>] [--dev <dir>] [--json]\n"               \
	"       farrow answer volume <answer.yml> --inventory <inv> --bundle <bundle> [--pki <dir>] -o <img>\n" \
	"\n"                                                                                                \
	"An answer file tells the install medium's live system what to install unattended:\n"           \
	"\n"                                                                                                \
	"  farrow_answer: 1\n"                                                                              \
	"  host: 10.10.10.10              # the inventory's host this machine becomes\n"                    \
	"  inventory: inventory.yml       # beside the answer file (the default)\n"                         \
	"  disk: { serial: S3Z9NB0K123456 }   # serial, wwn, model, name, min_size, max_size: all given\n" \
	"                                 # must hold, and exactly one disk may match\n"                    \
	"  network: { address: 10.10.10.10/24, gateway: 10.10.10.1 }   # or dhcp: true\n"              \
	"  root: { password_hash: '$6$...', ssh_keys: [ 'ssh-ed25519 AAAA... admin' ] }\n"                \
	"  erase: true                    # required: the install erases the disk it picks\n"              \
	"  erase_data: false              # true: even a disk holding a PGDATA or an etcd member\n"         \
	"  reboot: true\n"                                                                                  \
	"  on_error: shell                # shell, reboot or poweroff\n"                                   \
	"\n"                                                                                                \
	"check: every key, type and value, each problem at file:line:column; then the host in the\n"     \
	"inventory (beside the answer file, or --inventory). match: this machine's disks (from\n"        \
	"/sys, or --sysfs) and the one the selector picks; none or several is refused, as the\n"        \
	"installer refuses it before it writes anything. Then what is on that disk now (read from\n"   \
	"/dev/<disk>, or <dir>/<disk> with --dev; nothing mounted): its partitions, and a PostgreSQL\n" \
	"data directory or etcd member found on them, which refuses the disk unless erase_data: true.\n" \
	"volume: a small ext2 volume labelled " FR_ANSWER_LABEL " (0600; dd it to a USB stick's partition or\n" \
	"attach it as a disk) holding the checked answer file, the inventory as inventory.yml and the\n"  \
	"host's profile for the medium's bundle (named by --bundle; the CA from --pki, default files/pki\n" \
	"beside the inventory): booted with it beside an install medium, the medium's unattended entry\n" \
	"installs from it. It carries the node's credentials: keep it as a secret.\n"               \
	"\n"                                                                                                \
	"exit status: 0 good (match: exactly one disk; volume: written), 1 match: no disk or several,\n" \
	"             or a file cannot be read, 2 usage, 3 the answer file or its inventory has errors\n"

struct fr_answerfile *farrow_answer_load(const char *path, const char *inventory, int with_inventory, int *rc)
{
	struct fr_diags d = { 0 };
	struct fr_err err = { 0 };
	struct fr_answerfile *a;
	char *text = NULL;
	size_t len = 0;

	*rc = FR_EXIT_INVALID;
	if (fr_read_file(path, 1 << 20, &text, &len, &err) < 0) {
		fr_cli_error("answer: %s", err.msg);
		*rc = FR_EXIT_FAIL;
		return NULL;
	}
	a = fr_answerfile_load(text, len, &d, &err);
	free(text);
	if (a == NULL && d.nerrors == 0) {
		fr_cli_error("%s:%s", path, err.msg);
		fr_diags_release(&d);
		return NULL;
	}
	fr_diags_sort(&d);
	fr_cli_print_diags(path, &d, "answer file", 1);
	fr_diags_release(&d);
	if (a == NULL)
		return NULL;
	if (with_inventory) {
		char *copy = fr_xstrdup(path), *inv = inventory ? fr_xstrdup(inventory)
							    : fr_xasprintf("%s/%s", dirname(copy), a->inventory);
		struct fr_inventory *iv = NULL;

		if (fr_inv_load_file(inv, &iv, &err) < 0) {
			fr_cli_error("%s: the answer file's inventory: %s", path, err.msg);
			*rc = FR_EXIT_FAIL;
		} else if (fr_inv_validate(iv) > 0) {
			fr_cli_print_diags(iv->path, &iv->diags, "inventory", 1);
		} else if (fr_inv_host(iv, a->host) == NULL) {
			fr_cli_error("%s: host %s is not a host of %s", path, a->host, inv);
		} else
			*rc = FR_EXIT_OK;
		fr_inv_free(iv);
		free(copy);
		free(inv);
		if (*rc != FR_EXIT_OK) {
			fr_answerfile_free(a);
			return NULL;
		}
	}
	*rc = FR_EXIT_OK;
	return a;
}

static void human_size(long long b, char out[16])
{
	if (b >= (1LL << 40))
		snprintf(out, 16, "%.1f TiB", (double)b / (1LL << 40));
	else if (b >= (1LL << 30))
		snprintf(out, 16, "%.1f GiB", (double)b / (1LL << 30));
	else
		snprintf(out, 16, "%.1f MiB", (double)b / (1LL << 20));
}

/* What is on the picked disk (lib/disksurvey.c): said, and a refusal when it holds data farrow
 * knows and the answer file does not say erase_data: true. 0, or FR_EXIT_FAIL. */
static int survey(const struct fr_answerfile *a, const char *devdir, const char *name, int json, struct fr_buf *js)
{
	struct fr_disk_survey s;
	struct fr_err err = { 0 };
	char *dev = fr_xasprintf("%s/%s", devdir, name);
	size_t i;
	int r = FR_EXIT_OK;

	if (fr_disk_survey(dev, &s, &err) < 0) {
		fr_cli_error("answer match: cannot survey %s (%s): the installer refuses a disk it cannot read", dev, err.msg);
		free(dev);
		return FR_EXIT_FAIL;
	}
	if (json) {
		fr_buf_adds(js, ",\"partitions\":[");
		for (i = 0; i < s.nparts; i++) {
			fr_buf_addf(js, "%s{\"number\":%d,\"start\":%lld,\"size\":%lld,\"fstype\":", i ? "," : "", s.parts[i].num,
				    s.parts[i].start, s.parts[i].size);
			fr_buf_add_json_str(js, s.parts[i].fstype);
			fr_buf_adds(js, ",\"name\":");
			fr_buf_add_json_str(js, s.parts[i].name);
			fr_buf_addc(js, '}');
		}
		fr_buf_adds(js, "],\"data\":[");
		for (i = 0; i < s.ndata; i++) {
			fr_buf_addf(js, "%s{\"kind\":", i ? "," : "");
			fr_buf_add_json_str(js, s.data[i].kind);
			fr_buf_addf(js, ",\"partition\":%d,\"path\":", s.data[i].part);
			fr_buf_add_json_str(js, s.data[i].path);
			fr_buf_adds(js, ",\"detail\":");
			fr_buf_add_json_str(js, s.data[i].detail);
			fr_buf_addc(js, '}');
		}
		fr_buf_addc(js, ']');
	} else {
		printf("\n%s now: %s", name, s.label[0] ? s.label : "no partition table");
		for (i = 0; i < s.nparts; i++)
			printf("%s %d%s%s%s%s (%lld MiB)", i ? "," : ":", s.parts[i].num, s.parts[i].name[0] ? " " : "",
			       s.parts[i].name, s.parts[i].fstype[0] ? " " : "", s.parts[i].fstype, s.parts[i].size >> 20);
		printf("\n");
		for (i = 0; i < s.ndata; i++)
			printf("  holds %s %s (%s)%s\n", s.data[i].kind, s.data[i].path, s.data[i].detail,
			       s.data[i].part ? "" : ", on the whole disk");
	}
	if (fr_answerfile_may_erase(a, name, &s, &err) < 0) {
		fr_cli_error("answer match: %s", err.msg);
		r = FR_EXIT_FAIL;
	}
	fr_disk_survey_release(&s);
	free(dev);
	return r;
}

static int answer_match(const char *path, const char *sysfs, const char *devdir, int json)
{
	struct fr_answerfile *a;
	struct fr_disk *v = NULL;
	struct fr_err err = { 0 };
	size_t n = 0, which = 0, i;
	struct fr_buf js = FR_BUF_INIT;
	int rc, m, sr = FR_EXIT_OK;

	if ((a = farrow_answer_load(path, NULL, 0, &rc)) == NULL)
		return rc;
	if (fr_disks_list(sysfs, &v, &n, &err) < 0) {
		fr_cli_error("answer match: %s", err.msg);
		fr_answerfile_free(a);
		return FR_EXIT_FAIL;
	}
	m = fr_answerfile_match(a, v, n, &which, &err);
	if (json) {
		struct fr_buf b = FR_BUF_INIT;

		fr_buf_adds(&b, "{\"disks\":[");
		for (i = 0; i < n; i++) {
			fr_buf_addf(&b, "%s{\"name\":", i ? "," : "");
			fr_buf_add_json_str(&b, v[i].name);
			fr_buf_addf(&b, ",\"size\":%lld,\"model\":", v[i].size);
			fr_buf_add_json_str(&b, v[i].model);
			fr_buf_adds(&b, ",\"serial\":");
			fr_buf_add_json_str(&b, v[i].serial);
			fr_buf_adds(&b, ",\"wwn\":");
			fr_buf_add_json_str(&b, v[i].wwn);
			fr_buf_addf(&b, ",\"removable\":%s}", v[i].removable ? "true" : "false");
		}
		fr_buf_adds(&b, "],\"picked\":");
		if (m == 0)
			fr_buf_add_json_str(&b, v[which].name);
		else
			fr_buf_adds(&b, "null");
		if (m == 0)
			sr = survey(a, devdir, v[which].name, 1, &b);
		fr_buf_adds(&b, "}\n");
		fputs(b.buf, stdout);
		fr_buf_release(&b);
	} else {
		printf("%-10s %-10s %-24s %-22s %s\n", "disk", "size", "model", "serial", "wwn");
		for (i = 0; i < n; i++) {
			char sz[16];

			human_size(v[i].size, sz);
			printf("%-10s %-10s %-24s %-22s %s%s\n", v[i].name, sz, v[i].model[0] ? v[i].model : "-",
			       v[i].serial[0] ? v[i].serial : "-", v[i].wwn[0] ? v[i].wwn : "-",
			       m == 0 && i == which ? "   <= picked: the install erases it" : "");
		}
		if (m == 0)
			sr = survey(a, devdir, v[which].name, 0, &js);
	}
	if (m < 0)
		fr_cli_error("answer match: %s: %s", path, err.msg);
	free(v);
	fr_answerfile_free(a);
	fr_buf_release(&js);
	return m < 0 ? FR_EXIT_FAIL : sr;
}

/* farrow answer volume: the answer file, its inventory and its host's profile on a FARROW-ANSWER volume */
static int answer_volume(const char *path, const char *inventory, const char *bundle, const char *pki, const char *out)
{
	struct fr_answerfile *a;
	struct fr_buf prof = FR_BUF_INIT;
	struct fr_err err = { 0 };
	char *atext = NULL, *itext = NULL, *dir = NULL;
	size_t alen = 0, ilen = 0;
	int rc;

	if ((a = farrow_answer_load(path, inventory, 1, &rc)) == NULL)
		return rc;
	rc = FR_EXIT_FAIL;
	if (strcmp(a->inventory, "inventory.yml") != 0) {
		fr_cli_error("answer volume: %s names the inventory '%s'; on the volume it is inventory.yml: drop inventory: "
			     "or make it inventory.yml", path, a->inventory);
		rc = FR_EXIT_INVALID;
		goto out;
	}
	if ((dir = farrow_bundle_node_dir("answer volume", bundle)) == NULL) {
		rc = FR_EXIT_USAGE;
		goto out;
	}
	if ((rc = farrow_host_profile("answer volume", inventory, a->host, pki, dir, &prof)) != FR_EXIT_OK)
		goto out;
	rc = FR_EXIT_FAIL;
	if (fr_read_file(path, 1 << 20, &atext, &alen, &err) < 0 || fr_read_file(inventory, 1 << 20, &itext, &ilen, &err) < 0) {
		fr_cli_error("answer volume: %s", err.msg);
		goto out;
	}
	{
		const struct fr_vfat_file files[] = { { FR_MEDIUM_ANSWER, atext, alen },
						      { "inventory.yml", itext, ilen },
						      { FR_MEDIUM_PROFILE, prof.buf, prof.len } };

		if (fr_ext_volume_build(FR_ANSWER_LABEL, files, 3, out, &err) < 0) {
			fr_cli_error("answer volume: %s", err.msg);
			goto out;
		}
	}
	printf("%s: a volume labelled " FR_ANSWER_LABEL " for host %s (mode 0600: it holds the node's credentials)\n", out,
	       a->host);
	rc = FR_EXIT_OK;
out:
	if (itext)
		fr_wipe(itext, ilen);
	free(atext);
	free(itext);
	free(dir);
	fr_buf_wipe(&prof);
	fr_answerfile_free(a);
	return rc;
}

int cmd_answer(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "inventory", required_argument, NULL, 'i' }, { "sysfs", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'J' },           { "dev", required_argument, NULL, 'd' },
		{ "bundle", required_argument, NULL, 'b' },  { "pki", required_argument, NULL, 'P' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *verb = argc >= 2 ? argv[1] : "", *inventory = NULL, *sysfs = "/sys", *devdir = "/dev";
	const char *bundle = NULL, *pki = NULL, *out = NULL;
	int c, json = 0, rc;

	if (strcmp(verb, "-h") == 0 || strcmp(verb, "--help") == 0) {
		fputs(ANSWER_USAGE, stdout);
		return FR_EXIT_OK;
	}
	if (strcmp(verb, "check") != 0 && strcmp(verb, "match") != 0 && strcmp(verb, "volume") != 0) {
		fputs(ANSWER_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': inventory = optarg; break;
		case 'b': bundle = optarg; break;
		case 'P': pki = optarg; break;
		case 'o': out = optarg; break;
		case 's': sysfs = optarg; break;
		case 'd': devdir = optarg; break;
		case 'J': json = 1; break;
		case 'h': fputs(ANSWER_USAGE, stdout); return FR_EXIT_OK;
		default: fputs(ANSWER_USAGE, stderr); return FR_EXIT_USAGE;
		}
	}
	if (argc - 1 - optind != 1 || (verb[0] == 'c' && (json || strcmp(sysfs, "/sys") != 0)) ||
	    (verb[0] == 'c' && strcmp(devdir, "/dev") != 0) || (verb[0] == 'm' && inventory)) {
		fputs(ANSWER_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	if (verb[0] == 'v') {
		if (inventory == NULL || bundle == NULL || out == NULL || json || strcmp(sysfs, "/sys") != 0 ||
		    strcmp(devdir, "/dev") != 0) {
			fputs(ANSWER_USAGE, stderr);
			fr_cli_error("answer volume: give <answer.yml> --inventory, --bundle and -o");
			return FR_EXIT_USAGE;
		}
		return answer_volume(argv[1 + optind], inventory, bundle, pki, out);
	}
	if (bundle || pki || out) {
		fputs(ANSWER_USAGE, stderr);
		return FR_EXIT_USAGE;
	}
	if (verb[0] == 'm')
		return answer_match(argv[1 + optind], sysfs, devdir, json);
	{
		struct fr_answerfile *a = farrow_answer_load(argv[1 + optind], inventory, 1, &rc);

		if (a)
			printf("%s: good (host %s, %s, erase%s, then %s)\n", argv[1 + optind], a->host,
			       a->dhcp ? "DHCP" : a->address ? a->address : "the inventory's address",
			       a->erase_data ? " even a disk with data" : "", a->reboot ? "reboot" : "stay");
		fr_answerfile_free(a);
		return rc;
	}
}
