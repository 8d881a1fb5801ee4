/* t-inventory.c -- unit tests of lib/inventory.c: precedence, identities, validation. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "params.h"
#include "tap.h"

static const char *inv_text =
	"all:\n"
	"  children:\n"
	"    infra: { hosts: { 10.0.0.1: { infra_seq: 1 } } }\n"
	"    etcd:\n"
	"      hosts: { 10.0.0.1: { etcd_seq: 1 }, 10.0.0.2: { etcd_seq: 2 }, 10.0.0.3: { etcd_seq: 3 } }\n"
	"      vars: { etcd_cluster: etcd }\n"
	"    minio: { hosts: { 10.0.0.1: { minio_seq: 1 } }, vars: { minio_cluster: minio } }\n"
	"    pg-test:\n"
	"      hosts:\n"
	"        10.0.0.1: { pg_seq: 1, pg_role: primary, pg_rto: fast }\n"
	"        10.0.0.2: { pg_seq: 2, pg_role: replica }\n"
	"      vars: { pg_cluster: pg-test, pg_rto: safe, pg_version: 16 }\n"
	"    redis-ms:\n"
	"      hosts: { 10.0.0.1: { redis_node: 1, redis_instances: { 6379: {}, 6380: { replica_of: '10.0.0.1 6379' } } } }\n"
	"      vars: { redis_cluster: redis-ms }\n"
	"  vars:\n"
	"    pg_rto: wide\n"
	"    pg_version: 15\n"
	"    region: default\n";

static struct fr_inventory *load(const char *text)
{
	struct fr_inventory *inv = NULL;

	fr_inv_load_text("t.yml", text, strlen(text), &inv, NULL);
	fr_inv_validate(inv);
	return inv;
}

/* 1 if a diagnostic of that severity at line:col names param and contains msg. */
static int has(const struct fr_inventory *inv, enum fr_severity sev, int line, int col, const char *param,
	       const char *msg)
{
	size_t i;

	for (i = 0; i < inv->diags.n; i++) {
		const struct fr_diag *d = &inv->diags.v[i];

		if (d->sev == sev && d->line == line && (col == 0 || d->col == col) &&
		    (param == NULL || (d->param && strcmp(d->param, param) == 0)) && strstr(d->msg, msg))
			return 1;
	}
	for (i = 0; i < inv->diags.n; i++)
		printf("#   have %d:%d: %s: %s\n", inv->diags.v[i].line, inv->diags.v[i].col,
		       inv->diags.v[i].param ? inv->diags.v[i].param : "-", inv->diags.v[i].msg);
	return 0;
}

static void expect_error(const char *text, int line, int col, const char *param, const char *msg)
{
	struct fr_inventory *inv = load(text);

	ASSERT_TRUE(inv->diags.nerrors > 0);
	ASSERT_TRUE(has(inv, FR_SEV_ERROR, line, col, param, msg));
	fr_inv_free(inv);
}

static void expect_warning(const char *text, int line, int col, const char *param, const char *msg)
{
	struct fr_inventory *inv = load(text);

	ASSERT_INT_EQ(inv->diags.nerrors, 0);
	ASSERT_TRUE(has(inv, FR_SEV_WARNING, line, col, param, msg));
	fr_inv_free(inv);
}

#define PG_HEAD "all:\n  children:\n    pg-test:\n      vars: { pg_cluster: pg-test }\n      hosts:\n"

int main(void)
{
	struct fr_inventory *inv = load(inv_text);
	const struct fr_host *h1, *h2, *h3;
	struct fr_var v;
	struct fr_ident id;
	long long n;

	TEST_START("a valid inventory loads without diagnostics");
	ASSERT_INT_EQ(inv->diags.n, 0);
	ASSERT_INT_EQ(inv->nhosts, 3);
	ASSERT_INT_EQ(inv->ngroups, 5);
	TEST_DONE();

	h1 = fr_inv_host(inv, "10.0.0.1");
	h2 = fr_inv_host(inv, "10.0.0.2");
	h3 = fr_inv_host(inv, "10.0.0.3");
	TEST_START("precedence: host > cluster > global > default");
	ASSERT_TRUE(fr_inv_resolve(inv, h1, "pg_rto", &v) && v.src == FR_SRC_HOST);
	ASSERT_STR_EQ(fr_node_str(v.value), "fast");
	ASSERT_TRUE(fr_inv_resolve(inv, h2, "pg_rto", &v) && v.src == FR_SRC_CLUSTER);
	ASSERT_STR_EQ(fr_node_str(v.value), "safe");
	ASSERT_STR_EQ(v.group, "pg-test");
	ASSERT_TRUE(fr_inv_resolve(inv, h3, "pg_rto", &v) && v.src == FR_SRC_GLOBAL);
	ASSERT_STR_EQ(fr_node_str(v.value), "wide");
	ASSERT_TRUE(fr_inv_resolve(inv, h3, "pg_rpo", &v) && v.src == FR_SRC_DEFAULT);
	ASSERT_TRUE(fr_node_int(v.value, &n) && n == 1048576);
	ASSERT_TRUE(fr_inv_int(inv, h2, "pg_version", &n) && n == 16);
	ASSERT_TRUE(!fr_inv_resolve(inv, h3, "no_such_thing", &v) && v.src == FR_SRC_NONE);
	TEST_DONE();

	TEST_START("identities");
	fr_inv_identity(inv, h1, &id);
	ASSERT_STR_EQ(id.pg_instance, "pg-test-1");
	ASSERT_STR_EQ(id.pg_role, "primary");
	ASSERT_STR_EQ(id.etcd_instance, "etcd-1");
	ASSERT_STR_EQ(id.minio_instance, "minio-1");
	ASSERT_STR_EQ(id.infra_instance, "infra-1");
	ASSERT_INT_EQ(id.nredis, 2);
	if (id.nredis == 2) {
		ASSERT_STR_EQ(id.redis_instances[0], "redis-ms-1-6379");
		ASSERT_STR_EQ(id.redis_instances[1], "redis-ms-1-6380");
	}
	fr_ident_release(&id);
	fr_inv_identity(inv, h3, &id);
	ASSERT_TRUE(id.pg_instance == NULL && id.infra_instance == NULL);
	ASSERT_STR_EQ(id.etcd_instance, "etcd-3");
	fr_ident_release(&id);
	TEST_DONE();

	TEST_START("every variable of a host, sorted, with sources");
	{
		struct fr_var *vars;
		size_t nv, i, found = 0;

		fr_inv_host_vars(inv, h1, &vars, &nv);
		ASSERT_TRUE(nv > 100);
		for (i = 1; i < nv; i++)
			ASSERT_TRUE(strcmp(vars[i - 1].name, vars[i].name) < 0);
		for (i = 0; i < nv; i++)
			if (strcmp(vars[i].name, "redis_instances") == 0 && vars[i].src == FR_SRC_HOST)
				found = 1;
		ASSERT_TRUE(found);
		free(vars);
	}
	TEST_DONE();
	fr_inv_free(inv);

	TEST_START("bad IP key");
	expect_error(PG_HEAD "        10.0.0.300: { pg_seq: 1, pg_role: primary }\n", 6, 9, "hosts",
		     "'10.0.0.300' in group 'pg-test' is not an IPv4 address");
	expect_error(PG_HEAD "        db1: { pg_seq: 1, pg_role: primary }\n", 6, 9, "hosts", "not an IPv4");
	expect_error(PG_HEAD "        010.0.0.1: { pg_seq: 1, pg_role: primary }\n", 6, 9, "hosts", "not an IPv4");
	TEST_DONE();

	TEST_START("duplicate pg_seq in a cluster");
	expect_error(PG_HEAD "        10.0.0.1: { pg_seq: 1, pg_role: primary }\n"
			     "        10.0.0.2: { pg_seq: 1, pg_role: replica }\n",
		     7, 29, "pg_seq", "duplicate pg_seq 1 in cluster 'pg-test' (also 10.0.0.1)");
	TEST_DONE();

	TEST_START("no primary, two primaries");
	expect_error(PG_HEAD "        10.0.0.1: { pg_seq: 1, pg_role: replica }\n", 4, 27, "pg_role",
		     "cluster 'pg-test' has no primary");
	expect_error(PG_HEAD "        10.0.0.1: { pg_seq: 1, pg_role: primary }\n"
			     "        10.0.0.2: { pg_seq: 2, pg_role: primary }\n",
		     7, 41, "pg_role", "cluster 'pg-test' has two primaries: 10.0.0.1 and 10.0.0.2");
	TEST_DONE();

	TEST_START("pg_role outside the five roles");
	expect_error(PG_HEAD "        10.0.0.1: { pg_seq: 1, pg_role: primary }\n"
			     "        10.0.0.2: { pg_seq: 2, pg_role: master }\n",
		     7, 41, "pg_role", "'master' is not one of primary, replica, standby, offline, delayed");
	TEST_DONE();

	TEST_START("pg_cluster not matching [A-Za-z0-9-]+");
	expect_error("all:\n  children:\n    pg_test:\n      vars: { pg_cluster: pg_test }\n"
		     "      hosts: { 10.0.0.1: { pg_seq: 1, pg_role: primary } }\n",
		     4, 27, "pg_cluster", "'pg_test' does not match [A-Za-z0-9-]+");
	TEST_DONE();

	TEST_START("values of the wrong type");
	expect_error(PG_HEAD "        10.0.0.1: { pg_seq: one, pg_role: primary }\n", 6, 29, "pg_seq",
		     "expected an integer, got string 'one'");
	expect_error("all:\n  children: {}\n  vars:\n    pg_extensions: postgis\n", 4, 20, "pg_extensions",
		     "expected a list, got string 'postgis'");
	expect_error("all:\n  children: {}\n  vars:\n    node_repo_remove: [ yes ]\n", 4, 23, "node_repo_remove",
		     "expected a boolean, got list");
	TEST_DONE();

	TEST_START("an etcd cluster with an even member count warns");
	expect_warning("all:\n  children:\n    etcd:\n      hosts: { 10.0.0.1: { etcd_seq: 1 }, 10.0.0.2: { etcd_seq: 2 } }\n"
		       "      vars: { etcd_cluster: etcd }\n",
		       3, 5, "etcd_cluster", "has 2 members");
	TEST_DONE();

	TEST_START("an unknown parameter warns with the nearest known name");
	expect_warning("all:\n  children: {}\n  vars:\n    pg_verison: 16\n", 4, 5, "pg_verison",
		       "did you mean 'pg_version'?");
	expect_warning("all:\n  children: {}\n  vars:\n    zzqqxx: 1\n", 4, 5, "zzqqxx", "unknown parameter");
	TEST_DONE();

	TEST_START("missing identities and structural errors");
	expect_error(PG_HEAD "        10.0.0.1: { pg_role: primary }\n", 6, 9, "pg_seq", "required for 10.0.0.1");
	expect_error("all:\n  children:\n    etcd: { hosts: { 10.0.0.1: {} } }\n", 3, 22, "etcd_seq",
		     "required for 10.0.0.1 in cluster 'etcd'");
	expect_error("- a\n- b\n", 1, 1, "all", "top level must be a mapping");
	expect_error("all:\n  vars: {}\n", 2, 3, "children", "no 'children'");
	expect_error("all:\n  children: [a]\n", 2, 13, "children", "must be a mapping of groups");
	expect_error("all:\n  children: {}\n  vars:\n    region: mars\n", 4, 13, "region", "'mars' is not one of");
	expect_error("all:\n  children:\n    r:\n      vars: { redis_cluster: r }\n"
		     "      hosts: { 10.0.0.1: { redis_node: 1, redis_instances: { 70000: {} } } }\n",
		     5, 62, "redis_instances", "not a port number");
	expect_error("all: [\n", 2, 1, "yaml", "did not find expected node content");
	TEST_DONE();

	TEST_START("IPv4 validation");
	ASSERT_TRUE(fr_is_ipv4("10.10.10.10"));
	ASSERT_TRUE(fr_is_ipv4("0.0.0.0"));
	ASSERT_TRUE(!fr_is_ipv4("10.10.10"));
	ASSERT_TRUE(!fr_is_ipv4("10.10.10.256"));
	ASSERT_TRUE(!fr_is_ipv4("10.10.10.10.1"));
	ASSERT_TRUE(!fr_is_ipv4("10.10.10.01"));
	ASSERT_TRUE(!fr_is_ipv4(" 10.10.10.1"));
	TEST_DONE();

	fr_params_release();
	return TAP_END();
}
