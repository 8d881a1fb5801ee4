/* t-configure.c -- unit tests of lib/configure.c: the engine behind `farrow configure`. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "configure.h"
#include "params.h"
#include "tap.h"

static const char *tpl =
	"# admin at 10.10.10.10, not 10.10.10.100\n"
	"all:\n"
	"  children:\n"
	"    pg-test:\n"
	"      hosts:\n"
	"        10.10.10.10: { pg_seq: 1, pg_role: primary }\n"
	"        10.10.10.11: { pg_seq: 2, pg_role: replica }\n"
	"      vars:\n"
	"        pg_cluster: pg-test\n"
	"        pg_users: [ { name: u, password: DBUser.Meta }, { name: t, password: test } ]\n"
	"        pg_extensions: [ pg18-main, xpg18-main ]\n"
	"    minio:\n"
	"      hosts: { 10.10.10.10: { minio_seq: 1 } }\n"
	"      vars:\n"
	"        minio_cluster: minio\n"
	"        minio_users: [ { access_key: pgbackrest, secret_key: S3User.Backup } ]\n"
	"  vars:\n"
	"    admin_ip: 10.10.10.10\n"
	"    dns_records: [ '10.10.10.100 x', '10.10.10.10 i.pigsty', '110.10.10.10 y' ]\n"
	"    pg_version: 18\n"
	"    node_tune: oltp\n"
	"    pgbackrest_repo: { minio: { s3_key_secret: S3User.Backup, cipher_pass: pgBackRest } }\n"
	"    pg_admin_password: DBUser.DBA\n"
	"    haproxy_admin_password: pigsty\n"
	"    grafana_admin_password: pigsty\n";

static char path[64];

static int render(struct fr_configure *c, struct fr_err *err)
{
	c->conf = path;
	return fr_configure_render(c, err);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

/* The value after "key: " on the first line holding it, copied into out. */
static void value_of(const char *text, const char *key, char *out, size_t n)
{
	const char *p = strstr(text, key);
	size_t i = 0;

	out[0] = '\0';
	if (p == NULL)
		return;
	p += strlen(key);
	while (*p == ':' || *p == ' ')
		p++;
	while (*p && !strchr(" ,}\n", *p) && i + 1 < n)
		out[i++] = *p++;
	out[i] = '\0';
}

int main(void)
{
	struct fr_configure c;
	struct fr_err err = { 0 };
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/t-configure.XXXXXX");
	fd = mkstemp(path);
	f = fdopen(fd, "w");
	fputs(tpl, f);
	fclose(f);

	TEST_START("only whole addresses equal to the placeholder change");
	memset(&c, 0, sizeof(c));
	c.primary_ip = "192.168.1.5";
	ASSERT_INT_EQ(render(&c, &err), 0);
	ASSERT_STR_CONTAINS(c.text, "# admin at 192.168.1.5, not 10.10.10.100\n");
	ASSERT_STR_CONTAINS(c.text, "[ '10.10.10.100 x', '192.168.1.5 i.pigsty', '110.10.10.10 y' ]");
	ASSERT_STR_CONTAINS(c.text, "admin_ip: 192.168.1.5\n");
	ASSERT_STR_CONTAINS(c.text, "10.10.10.11: { pg_seq: 2");
	ASSERT_INT_EQ(c.nwarnings, 1); /* 10.10.10.11 kept */
	ASSERT_STR_CONTAINS(c.warnings[0], "pass --nodes");
	ASSERT_INT_EQ(c.nsecrets, 0);
	ASSERT_STR_CONTAINS(c.text, "DBUser.Meta");
	fr_configure_release(&c);
	TEST_DONE();

	TEST_START("--nodes fills every node; a wrong count is refused");
	{
		const char *nodes[] = { "10.1.0.2", "10.1.0.1" }, *few[] = { "10.1.0.2" };

		memset(&c, 0, sizeof(c));
		c.nodes = nodes;
		c.nnodes = 2;
		c.primary_ip = nodes[0];
		ASSERT_INT_EQ(render(&c, &err), 0);
		ASSERT_STR_CONTAINS(c.text, "10.1.0.2: { pg_seq: 1, pg_role: primary }");
		ASSERT_STR_CONTAINS(c.text, "10.1.0.1: { pg_seq: 2, pg_role: replica }");
		ASSERT_INT_EQ(count(c.text, "10.10.10.1"), 3); /* .100 twice and 110.10.10.10 stay */
		ASSERT_INT_EQ(c.nwarnings, 0);
		fr_configure_release(&c);
		memset(&c, 0, sizeof(c));
		c.nodes = few;
		c.nnodes = 1;
		ASSERT_INT_EQ(render(&c, &err), FR_EARG);
		ASSERT_STR_CONTAINS(err.msg, "has 2 nodes (10.10.10.10, 10.10.10.11); --nodes gave 1");
		ASSERT_TRUE(c.text == NULL);
		fr_configure_release(&c);
	}
	TEST_DONE();

	TEST_START("-g replaces every credential, consistently");
	memset(&c, 0, sizeof(c));
	c.generate = 1;
	ASSERT_INT_EQ(render(&c, &err), 0);
	{
		char a[64], b[64];
		static const char *const gone[] = { "DBUser.", "S3User.", "pgBackRest", "password: test",
			"Patroni.API", "Etcd.Root", ": pigsty", NULL };
		size_t i;

		for (i = 0; gone[i]; i++)
			if (strstr(c.text, gone[i]))
				TAP_FAIL("'%s' is still in the result", gone[i]);
		/* the same placeholder gets the same secret in both places */
		value_of(c.text, "secret_key", a, sizeof(a));
		value_of(c.text, "s3_key_secret", b, sizeof(b));
		ASSERT_INT_EQ(strlen(a), FR_SECRET_LEN);
		ASSERT_STR_EQ(a, b);
		/* two keys sharing the default 'pigsty' get different secrets */
		value_of(c.text, "haproxy_admin_password", a, sizeof(a));
		value_of(c.text, "grafana_admin_password", b, sizeof(b));
		ASSERT_INT_EQ(strlen(a), FR_SECRET_LEN);
		ASSERT_TRUE(strcmp(a, b) != 0);
		/* credentials the template leaves to defaults are added */
		ASSERT_STR_CONTAINS(c.text, "    etcd_root_password: ");
		ASSERT_STR_CONTAINS(c.text, "    patroni_password: ");
		ASSERT_TRUE(c.nsecrets >= 12);
	}
	fr_configure_release(&c);
	TEST_DONE();

	TEST_START("-v rewrites pg_version and aliases; locale C.UTF-8 from 17 on");
	memset(&c, 0, sizeof(c));
	c.pg_version = 16;
	ASSERT_INT_EQ(render(&c, &err), 0);
	ASSERT_STR_CONTAINS(c.text, "pg_version: 16\n");
	ASSERT_STR_CONTAINS(c.text, "[ pg16-main, xpg18-main ]");
	ASSERT_TRUE(strstr(c.text, "C.UTF-8") == NULL);
	fr_configure_release(&c);
	memset(&c, 0, sizeof(c));
	c.pg_version = 17;
	c.region = "europe";
	c.tiny = 1;
	c.ssh_port = 2222;
	ASSERT_INT_EQ(render(&c, &err), 0);
	ASSERT_STR_CONTAINS(c.text, "    pg_version: 17\n    pg_locale: C.UTF-8\n    pg_lc_collate: C.UTF-8\n"
				    "    pg_lc_ctype: C.UTF-8\n");
	ASSERT_STR_CONTAINS(c.text, "    admin_ip: 10.10.10.10\n    ansible_port: 2222\n    region: europe\n");
	ASSERT_STR_CONTAINS(c.text, "    node_tune: tiny\n    pg_conf: tiny.yml\n");
	fr_configure_release(&c);
	TEST_DONE();

	TEST_START("-x writes proxy_env");
	memset(&c, 0, sizeof(c));
	c.proxy = 1;
	c.https_proxy = "http://proxy:3128";
	ASSERT_INT_EQ(render(&c, &err), 0);
	ASSERT_STR_CONTAINS(c.text, "proxy_env: { https_proxy: \"http://proxy:3128\", no_proxy: \"localhost,");
	fr_configure_release(&c);
	TEST_DONE();

	TEST_START("missing and invalid templates");
	memset(&c, 0, sizeof(c));
	c.conf = "no/such/template";
	ASSERT_INT_EQ(fr_configure_render(&c, &err), FR_ENOTFOUND);
	ASSERT_STR_CONTAINS(err.msg, "not one of meta, rich, slim, ha/dual, ha/trio, ha/full");
	fr_configure_release(&c);
	f = fopen(path, "w");
	fputs("all:\n  children:\n    pg-x:\n      vars: { pg_cluster: pg-x }\n"
	      "      hosts: { 10.10.10.10: { pg_seq: 1, pg_role: boss } }\n", f);
	fclose(f);
	memset(&c, 0, sizeof(c));
	ASSERT_INT_EQ(render(&c, &err), FR_EINVALID);
	ASSERT_STR_CONTAINS(err.msg, "4:27: pg_role: cluster 'pg-x' has no primary");
	fr_configure_release(&c);
	/* a template without all.vars gets one when a parameter is set */
	f = fopen(path, "w");
	fputs("all:\n  children:\n    etcd: { hosts: { 10.10.10.10: { etcd_seq: 1 } } }\n...\n", f);
	fclose(f);
	memset(&c, 0, sizeof(c));
	c.region = "china";
	ASSERT_INT_EQ(render(&c, &err), 0);
	ASSERT_STR_EQ(c.text, "all:\n  children:\n    etcd: { hosts: { 10.10.10.10: { etcd_seq: 1 } } }\n"
			      "  vars:\n    region: china\n    pg_locale: C.UTF-8\n    pg_lc_collate: C.UTF-8\n"
			      "    pg_lc_ctype: C.UTF-8\n...\n");
	fr_configure_release(&c);
	TEST_DONE();

	TEST_START("every embedded template renders and validates");
	{
		const char *const *t;

		for (t = fr_template_names(); *t; t++) {
			memset(&c, 0, sizeof(c));
			c.conf = *t;
			c.generate = 1;
			c.primary_ip = "172.16.0.9";
			if (fr_configure_render(&c, &err) != 0)
				TAP_FAIL("%s: %s", *t, err.msg);
			ASSERT_TRUE(*fr_template_desc(*t) != '\0');
			fr_configure_release(&c);
		}
	}
	TEST_DONE();

	unlink(path);
	fr_params_release();
	return TAP_END();
}
