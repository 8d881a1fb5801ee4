/* profile.c -- the node profile: the one writer and the one reader of /etc/farrow/profile.yml. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "fileio.h"
#include "minio.h"
#include "modules.h"
#include "params.h"
#include "pki.h"
#include "profile.h"
#include "values.h"
#include "xalloc.h"

void fr_profile_pki_release(struct fr_profile_pki *p)
{
	free(p->ca_crt);
	free(p->crt);
	free(p->key);
	memset(p, 0, sizeof(*p));
}

void fr_profile_pki_paths(const char *pki, const char *ip, struct fr_profile_pki *p)
{
	p->ca_crt = fr_xasprintf("%s/ca/ca.crt", pki);
	p->crt = fr_xasprintf("%s/%s/server.crt", pki, ip);
	p->key = fr_xasprintf("%s/%s/server.key", pki, ip);
}

int fr_profile_pki_ensure(const char *pki, const struct fr_inventory *inv, const struct fr_host *h,
			  struct fr_profile_pki *paths, int *created, struct fr_err *err)
{
	char *dir = fr_xasprintf("%s/%s", pki, h->ip), *cadir = fr_xasprintf("%s/ca", pki), *old = NULL;
	struct fr_buf key = FR_BUF_INIT, crt = FR_BUF_INIT;
	const char *sans[10];
	char *minio_name = NULL;
	struct fr_ident id;
	size_t n = 0, len;
	int r;

	fr_profile_pki_paths(pki, h->ip, paths);
	fr_inv_identity(inv, h, &id);
	if ((r = fr_pki_ca_ensure(cadir, created, err)) < 0)
		goto out;
	if (fr_read_file(paths->crt, 1u << 20, &old, &len, NULL) == 0 && access(paths->key, R_OK) == 0 &&
	    fr_pki_cert_ok(cadir, old))
		goto out;
	sans[n++] = h->ip;
	sans[n++] = "127.0.0.1";
	sans[n++] = "localhost";
	if (id.pg_instance)
		sans[n++] = id.pg_instance;
	if (id.pg_cluster)
		sans[n++] = id.pg_cluster;
	if (id.etcd_instance)
		sans[n++] = id.etcd_instance;
	if (id.minio_instance) {
		/* MinIO's members reach each other by minio_node, clients by minio_domain (lib/minio.c) */
		long long seq = 0;

		fr_inv_int(inv, h, "minio_seq", &seq);
		minio_name = fr_minio_node(fr_inv_str(inv, h, "minio_node"), fr_inv_str(inv, h, "minio_cluster"), seq);
		sans[n++] = minio_name;
		if (fr_inv_str(inv, h, "minio_domain"))
			sans[n++] = fr_inv_str(inv, h, "minio_domain");
	}
	sans[n] = NULL;
	if ((r = fr_mkdir_p(dir, 0700, err)) < 0 ||
	    (r = fr_pki_issue(cadir, id.pg_instance ? id.pg_instance : h->ip, sans, &key, &crt, err)) < 0 ||
	    (r = fr_write_atomic(paths->key, key.buf, key.len, 0600, 0, err)) < 0 ||
	    (r = fr_write_atomic(paths->crt, crt.buf, crt.len, 0644, 0, err)) < 0)
		goto out;
out:
	fr_buf_wipe(&key);
	fr_buf_release(&crt);
	fr_ident_release(&id);
	free(minio_name);
	free(old);
	free(dir);
	free(cadir);
	if (r < 0)
		fr_profile_pki_release(paths);
	return r;
}

/* Append a file as a YAML literal block at indent 4 under key. 0, or FR_EIO. */
static int pem_block(const char *key, const char *path, struct fr_buf *out, struct fr_err *err)
{
	char *data = NULL, *line, *save = NULL;
	size_t len;

	if (fr_read_file(path, 1u << 20, &data, &len, err) < 0)
		return FR_EIO;
	fr_buf_addf(out, "  %s: |\n", key);
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fr_buf_addf(out, "    %s\n", line);
	fr_wipe(data, len);
	free(data);
	return 0;
}

/*
 * Parameters whose default must not act on a node: pg_clean destroys data when true (Pigsty's
 * default is true), node_packages adds packages (Pigsty's list is for its own repositories). The
 * profile carries the inventory's value when it sets one, else this.
 */
static const char *const explicit_only[][2] = {
	{ "pg_clean", "false  # not set in the inventory: never true by default" },
	{ "node_packages", "[]  # not set in the inventory" },
};

static const char *explicit_only_value(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(explicit_only) / sizeof(explicit_only[0]); i++)
		if (strcmp(explicit_only[i][0], name) == 0)
			return explicit_only[i][1];
	return NULL;
}

/* 1 when a module the node wants (by its identities) reads credential-holding parameter name. */
static int consumed(const struct fr_node *ident, const char *name)
{
	size_t i, j;

	for (i = 0; i < fr_nmodules; i++) {
		if (!fr_module_wanted(&fr_modules[i], ident) || fr_modules[i].secrets == NULL)
			continue;
		for (j = 0; fr_modules[i].secrets[j]; j++)
			if (strcmp(fr_modules[i].secrets[j], name) == 0)
				return 1;
	}
	return 0;
}

/* The same for the writer, from the identities the inventory derives. */
static int consumed_by(const struct fr_ident *id, const char *name)
{
	size_t i, j;

	for (i = 0; i < fr_nmodules; i++) {
		if (!fr_module_wanted_by(&fr_modules[i], id) || fr_modules[i].secrets == NULL)
			continue;
		for (j = 0; fr_modules[i].secrets[j]; j++)
			if (strcmp(fr_modules[i].secrets[j], name) == 0)
				return 1;
	}
	return 0;
}

static int cmp_var(const void *a, const void *b)
{
	return strcmp(((const struct fr_var *)a)->name, ((const struct fr_var *)b)->name);
}

static void peers(const struct fr_inventory *inv, const struct fr_host *h, struct fr_buf *out)
{
	static const char *const kinds[][2] = { { "pg_cluster", "pg_seq" }, { "etcd_cluster", "etcd_seq" },
						 { "minio_cluster", "minio_seq" }, { "redis_cluster", "redis_node" } };
	size_t i, j;

	fr_buf_adds(out, "peers:\n");
	for (j = 0; j < sizeof(kinds) / sizeof(kinds[0]); j++) {
		const char *cls = fr_inv_str(inv, h, kinds[j][0]);
		struct fr_var seq;

		struct fr_var pgs;
		/* a PostgreSQL member needs its DCS's members whether or not it is one itself (ha/full's
		 * pg-test-3 on a node without etcd): Patroni reaches etcd there */
		int pg_member = j == 1 && fr_inv_resolve(inv, h, "pg_seq", &pgs) && pgs.src != FR_SRC_DEFAULT &&
				fr_inv_str(inv, h, "pg_cluster");

		if (cls == NULL || ((!fr_inv_resolve(inv, h, kinds[j][1], &seq) || seq.src == FR_SRC_DEFAULT) && !pg_member))
			continue;
		fr_buf_addf(out, "  %s:\n", kinds[j][0]);
		for (i = 0; i < inv->nhosts; i++) {
			const char *c2 = fr_inv_str(inv, &inv->hosts[i], kinds[j][0]);
			long long s2;

			if (c2 && strcmp(c2, cls) == 0 && fr_inv_int(inv, &inv->hosts[i], kinds[j][1], &s2)) {
				const char *role = j == 0 ? fr_inv_str(inv, &inv->hosts[i], "pg_role") : NULL;
				struct fr_var oq;
				int offline = 0;

				fr_buf_addf(out, "    - { ip: %s, cluster: %s, seq: %lld, name: %s-%lld", inv->hosts[i].ip, c2,
					    s2, c2, s2);
				if (role)
					fr_buf_addf(out, ", role: %s", role);
				if (j == 0 && fr_inv_resolve(inv, &inv->hosts[i], "pg_offline_query", &oq))
					fr_node_bool(oq.value, &offline);
				if (j == 0)
					fr_buf_addf(out, ", pg_offline_query: %s", offline ? "true" : "false");
				if (j == 3) {
					/* a Redis member's instances: a native cluster is formed from all of them */
					struct fr_var ri;
					size_t k;

					fr_buf_adds(out, ", ports: [");
					if (fr_inv_resolve(inv, &inv->hosts[i], "redis_instances", &ri) && fr_node_is_map(ri.value))
						for (k = 0; k < ri.value->n; k++)
							if (fr_node_is_scalar(ri.value->keys[k]))
								fr_buf_addf(out, "%s%s", k ? ", " : "", ri.value->keys[k]->str);
					fr_buf_adds(out, "]");
				}
				fr_buf_adds(out, " }\n");
			}
		}
	}
}

/* etcd_root_password as the etcd members have it (the first member's), else as h has it. */
static const char *etcd_root(const struct fr_inventory *inv, const struct fr_host *h)
{
	size_t i;

	for (i = 0; i < inv->nhosts; i++)
		if (fr_inv_str(inv, &inv->hosts[i], "etcd_cluster") && fr_inv_str(inv, &inv->hosts[i], "etcd_root_password"))
			return fr_inv_str(inv, &inv->hosts[i], "etcd_root_password");
	return fr_inv_str(inv, h, "etcd_root_password");
}

void fr_profile_pg_etcd_password(const struct fr_inventory *inv, const struct fr_host *h, char *out, size_t n)
{
	const char *pw = fr_inv_str(inv, h, "pg_etcd_password"), *cluster = fr_inv_str(inv, h, "pg_cluster");
	const char *root = etcd_root(inv, h);
	char *context, derived[25];

	if (pw && *pw) {
		snprintf(out, n, "%s", pw);
		return;
	}
	/* empty (Pigsty's default would use the cluster's name): derived, so that both ends agree */
	context = fr_xasprintf("farrow pg_etcd_password %s", cluster ? cluster : "");
	fr_derive_password(root ? root : "", context, derived, 24);
	snprintf(out, n, "%s", derived);
	fr_wipe(derived, sizeof(derived));
	free(context);
}

/*
 * An etcd member's clients: one etcd user and role per PostgreSQL cluster of the inventory,
 * limited to its Patroni namespace (<pg_namespace>/<pg_cluster>/), with its password.
 */
static void etcd_clients(const struct fr_inventory *inv, struct fr_buf *out)
{
	size_t i, j, k = 0;

	for (i = 0; i < inv->nhosts; i++) {
		const struct fr_host *h = &inv->hosts[i];
		const char *cluster = fr_inv_str(inv, h, "pg_cluster"), *ns = fr_inv_str(inv, h, "pg_namespace");
		char pw[256];

		if (cluster == NULL)
			continue;
		for (j = 0; j < i; j++) {
			const char *c2 = fr_inv_str(inv, &inv->hosts[j], "pg_cluster");

			if (c2 && strcmp(c2, cluster) == 0)
				break;
		}
		if (j < i)
			continue; /* the cluster's first host speaks for it */
		fr_profile_pg_etcd_password(inv, h, pw, sizeof(pw));
		fr_buf_addf(out, "%s  - { user: ", k++ ? "" : "etcd_clients:\n");
		fr_buf_add_json_str(out, cluster);
		fr_buf_addf(out, ", prefix: ");
		{
			char *prefix = fr_xasprintf("%s/%s/", ns ? ns : "/pg", cluster);

			fr_buf_add_json_str(out, prefix);
			free(prefix);
		}
		fr_buf_adds(out, ", password: ");
		fr_buf_add_json_str(out, pw);
		fr_buf_adds(out, " }\n");
		fr_wipe(pw, sizeof(pw));
	}
}

int fr_profile_render(const struct fr_inventory *inv, const struct fr_host *h, const char *bundle_dir,
		      const struct fr_profile_pki *pki, struct fr_buf *out, struct fr_err *err)
{
	struct fr_ident id;
	struct fr_var *vars = NULL;
	size_t n = 0, i;
	int r = 0;

	fr_inv_identity(inv, h, &id);
	fr_buf_addf(out, "# /etc/farrow/profile.yml: this node's slice of the inventory (farrow profile, farrow install).\n"
			 "# It holds credentials: mode 0600, root only.\nversion: %d\nhost: %s\n",
		    FR_PROFILE_VERSION, h->ip);
	if (bundle_dir)
		fr_buf_addf(out, "bundle: %s\n", bundle_dir);
	{
		struct fr_buf ids = FR_BUF_INIT;

		if (id.pg_instance)
			fr_buf_addf(&ids, "  pg_instance: %s\n  pg_role: %s\n", id.pg_instance, id.pg_role ? id.pg_role : "");
		if (id.etcd_instance)
			fr_buf_addf(&ids, "  etcd_instance: %s\n", id.etcd_instance);
		if (id.minio_instance)
			fr_buf_addf(&ids, "  minio_instance: %s\n", id.minio_instance);
		if (id.infra_instance)
			fr_buf_addf(&ids, "  infra_instance: %s\n", id.infra_instance);
		for (i = 0; i < id.nredis; i++)
			fr_buf_addf(&ids, "%s    - %s\n", i ? "" : "  redis_instances:\n", id.redis_instances[i]);
		fr_buf_addf(out, "identities:%s\n%s", ids.len ? "" : " {}", ids.buf);
		fr_buf_release(&ids);
	}
	/* every parameter, resolved here: the node applies no defaults of its own */
	fr_buf_adds(out, "vars:\n");
	fr_inv_host_vars(inv, h, &vars, &n);
	{
		/* a known parameter with neither a value nor a default is written as null: present, unset */
		size_t np, k;
		const struct fr_param *all = fr_params_all(&np);

		for (k = 0; k < np; k++) {
			struct fr_var key = { 0 };

			key.name = all[k].name;
			if (bsearch(&key, vars, n, sizeof(*vars), cmp_var) ||
			    (fr_param_holds_secret(all[k].name) && !consumed_by(&id, all[k].name)))
				continue;
			fr_buf_addf(out, "  %s: null\n", all[k].name);
		}
	}
	for (i = 0; i < n; i++) {
		/* ansible_* are how the admin host reaches the node (its SSH password among them) */
		if (strncmp(vars[i].name, "ansible_", 8) == 0)
			continue;
		if (fr_param_holds_secret(vars[i].name) && !consumed_by(&id, vars[i].name))
			continue;
		fr_buf_addf(out, "  %s: ", vars[i].name);
		if (strcmp(vars[i].name, "pg_etcd_password") == 0) {
			char pw[256];

			fr_profile_pg_etcd_password(inv, h, pw, sizeof(pw));
			fr_buf_add_json_str(out, pw);
			fr_wipe(pw, sizeof(pw));
		} else if (vars[i].src == FR_SRC_DEFAULT && explicit_only_value(vars[i].name))
			fr_buf_adds(out, explicit_only_value(vars[i].name));
		else
			fr_node_to_flow(vars[i].value, out, NULL);
		fr_buf_addc(out, '\n');
	}
	peers(inv, h, out);
	if (id.etcd_instance)
		etcd_clients(inv, out);
	if (pki) {
		fr_buf_adds(out, "pki:\n");
		if ((r = pem_block("ca_crt", pki->ca_crt, out, err)) == 0 && (r = pem_block("crt", pki->crt, out, err)) == 0)
			r = pem_block("key", pki->key, out, err);
	}
	free(vars);
	fr_ident_release(&id);
	return r;
}

struct fr_node *fr_profile_load(const char *text, size_t len, struct fr_diags *d, struct fr_err *err)
{
	struct fr_node *root = fr_yaml_parse(text, len, err), *vars, *ver;
	const struct fr_param *all;
	long long v;
	size_t n, i;

	if (root == NULL)
		return NULL;
	if (!fr_node_is_map(root)) {
		fr_err_set(err, FR_EINVALID, "%d:%d: not a farrow node profile (a mapping with version, host, vars)",
			   root->line, root->col);
		fr_node_free(root);
		return NULL;
	}
	ver = fr_node_get(root, "version");
	if (ver == NULL)
		fr_diags_add(d, FR_SEV_ERROR, root->line, root->col, "version",
			     "missing: not a version %d profile (an older farrow wrote it?): write it again with "
			     "farrow profile or farrow install", FR_PROFILE_VERSION);
	else if (!fr_node_int(ver, &v) || v != FR_PROFILE_VERSION)
		fr_diags_add(d, FR_SEV_ERROR, ver->line, ver->col, "version",
			     "'%s': this farrow-firstboot reads profile version %d only (another farrow wrote it): "
			     "write it again with the farrow that matches", fr_node_is_scalar(ver) ? ver->str : "?",
			     FR_PROFILE_VERSION);
	if (fr_node_get(root, "host") == NULL)
		fr_diags_add(d, FR_SEV_ERROR, root->line, root->col, "host", "missing: whose profile is this?");
	fr_values_check_profile(root, d);
	vars = fr_node_get(root, "vars");
	fr_values_check(vars, "vars", d);
	if (ver && fr_node_int(ver, &v) && v == FR_PROFILE_VERSION && (vars == NULL || fr_node_is_map(vars))) {
		const struct fr_node *ident = fr_node_get(root, "identities");
		const struct fr_node *at = vars ? vars : root;
		size_t missing = 0;
		char first[64] = "";

		all = fr_params_all(&n);
		for (i = 0; i < n; i++) {
			if (fr_node_get(vars, all[i].name))
				continue;
			if (fr_param_holds_secret(all[i].name) && !consumed(ident, all[i].name))
				continue;
			if (missing++ < 5)
				fr_diags_add(d, FR_SEV_ERROR, at->line, at->col, "vars",
					     "'%s' is missing: a version %d profile carries every parameter, resolved",
					     all[i].name, FR_PROFILE_VERSION);
			if (!*first)
				snprintf(first, sizeof(first), "%s", all[i].name);
		}
		if (missing > 5)
			fr_diags_add(d, FR_SEV_ERROR, at->line, at->col, "vars", "%zu parameters are missing in all, from '%s'",
				     missing, first);
	}
	return root;
}

const char *fr_profile_node_name(const struct fr_node *profile)
{
	static const char *const ids[] = { "pg_instance", "etcd_instance", "infra_instance", "minio_instance",
					   "redis_instance", NULL };
	const char *name = fr_node_str(fr_node_get(fr_node_get(profile, "vars"), "nodename"));
	size_t i;

	for (i = 0; ids[i] && (name == NULL || !*name); i++)
		name = fr_node_str(fr_node_get(fr_node_get(profile, "identities"), ids[i]));
	return name && *name ? name : NULL;
}

const char fr_firstboot_unit[] =
	"# farrow-firstboot.service: written by farrow install (or farrow-firstboot unit).\n"
	"[Unit]\n"
	"Description=farrow-firstboot: converge this node to /etc/farrow/profile.yml\n"
	"Documentation=man:farrow-firstboot(8)\n"
	"Wants=network-online.target\n"
	"After=network-online.target farrow-seed.service\n"
	"ConditionPathExists=/etc/farrow/profile.yml\n"
	"\n"
	"[Service]\n"
	"Type=oneshot\n"
	"ExecStart=/usr/local/sbin/farrow-firstboot run\n"
	"StandardError=journal+console\n"
	"RemainAfterExit=yes\n"
	"TimeoutStartSec=1h\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";

const char fr_seed_unit[] =
	"# farrow-seed.service: written by farrow image build. A node with no profile takes it from its\n"
	"# seed volume (label " FR_SEED_LABEL ", or farrow.seed=<device> on the kernel command line).\n"
	"[Unit]\n"
	"Description=farrow: this node's profile from its seed volume\n"
	"Documentation=man:farrow-firstboot(8)\n"
	"After=local-fs.target network-online.target systemd-udev-settle.service\n"
	"Wants=network-online.target\n"
	"Before=farrow-firstboot.service\n"
	"ConditionPathExists=!/etc/farrow/profile.yml\n"
	"\n"
	"[Service]\n"
	"Type=oneshot\n"
	"ExecStart=/usr/local/sbin/farrow-firstboot seed\n"
	"StandardOutput=journal+console\n"
	"StandardError=journal+console\n"
	"\n"
	"[Install]\n"
	"WantedBy=multi-user.target\n";
