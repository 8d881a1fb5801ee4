/* t-values.c -- unit tests of the input rules: lib/values.c, fr_path_problem, fr_buf_add_shq, URL masking. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "exec.h"
#include "fileio.h"
#include "params.h"
#include "tap.h"
#include "values.h"

/* The diagnostics of fr_values_check over a YAML mapping, one "line:col: param: msg" a line. */
static void check(const char *yaml, struct fr_buf *out)
{
	struct fr_err err = { 0 };
	struct fr_node *n = fr_yaml_parse(yaml, strlen(yaml), &err);
	struct fr_diags d = { 0 };
	size_t i;

	fr_buf_reset(out);
	if (n == NULL) {
		fr_buf_addf(out, "parse: %s", err.msg);
		return;
	}
	fr_values_check(n, "vars", &d);
	for (i = 0; i < d.n; i++)
		fr_buf_addf(out, "%d:%d: %s: %s\n", d.v[i].line, d.v[i].col, d.v[i].param ? d.v[i].param : "", d.v[i].msg);
	fr_diags_release(&d);
	fr_node_free(n);
}

int main(void)
{
	struct fr_buf out = FR_BUF_INIT, q = FR_BUF_INIT;
	static const char *const nasty[] = { "plain", "it's", "'", "''", "a b", "$(id)", "`id`", "x\\y", "\"q\"",
					     "!", "-n", "*", "", NULL };
	size_t i;
	char *m;

	TEST_START("the rules table is in bsearch's order (a rule out of it is never applied)");
	ASSERT_TRUE(fr_values_rules_unsorted() == NULL);
	TEST_DONE();

	TEST_START("pg_delay: a PostgreSQL delay, nothing else; pg_sync_node_count 1-16");
	check("pg_delay: 0\n", &out);
	ASSERT_STR_EQ(out.buf, "");
	check("pg_delay: '90s'\n", &out);
	ASSERT_STR_EQ(out.buf, "");
	check("pg_delay: 1h\n", &out);
	ASSERT_STR_EQ(out.buf, "");
	check("pg_delay: 31d\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "more than 30 days");
	check("pg_delay: 1 h\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "1:11: pg_delay: '1 h' is not a delay");
	check("pg_delay: 5y\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "is not a delay");
	check("pg_sync_node_count: 17\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "from 1 to 16");
	check("pg_sync_node_count: 2\n", &out);
	ASSERT_STR_EQ(out.buf, "");
	TEST_DONE();

	TEST_START("fr_path_problem: relative, no '..', '.', empty parts, leading '-', odd characters");
	ASSERT_TRUE(fr_path_problem("repo/pool/main/p/pgbouncer_1.18.0-1+deb12u1_amd64.deb", 0) == NULL);
	ASSERT_TRUE(fr_path_problem("farrow-pkg-0.1.0.d12.x86_64", 1) == NULL);
	ASSERT_STR_CONTAINS(fr_path_problem("../x", 0), "'..'");
	ASSERT_STR_CONTAINS(fr_path_problem("a/./b", 0), "'.'");
	ASSERT_STR_CONTAINS(fr_path_problem("/etc/passwd", 0), "absolute");
	ASSERT_STR_CONTAINS(fr_path_problem("a//b", 0), "empty");
	ASSERT_STR_CONTAINS(fr_path_problem("a/", 0), "empty");
	ASSERT_STR_CONTAINS(fr_path_problem("a/b", 1), "single");
	ASSERT_STR_CONTAINS(fr_path_problem("-rf", 1), "'-'");
	ASSERT_STR_CONTAINS(fr_path_problem("a\nb", 0), "control");
	ASSERT_STR_CONTAINS(fr_path_problem("a'b", 0), "outside");
	ASSERT_STR_CONTAINS(fr_path_problem("a b", 0), "outside");
	ASSERT_STR_CONTAINS(fr_path_problem("", 0), "empty");
	TEST_DONE();

	TEST_START("fr_buf_add_shq: sh reads back exactly what was quoted");
	for (i = 0; nasty[i]; i++) {
		const char *argv[] = { "sh", "-c", NULL, NULL };
		int st = -1;

		fr_buf_reset(&q);
		fr_buf_adds(&q, "printf %s ");
		fr_buf_add_shq(&q, nasty[i]);
		argv[2] = q.buf;
		fr_buf_reset(&out);
		ASSERT_INT_EQ(fr_exec(argv, NULL, NULL, 0, &out, NULL, &st, NULL), 0);
		ASSERT_INT_EQ(st, 0);
		ASSERT_STR_EQ(out.buf, nasty[i]);
	}
	TEST_DONE();

	TEST_START("secrets by name and by URL userinfo");
	ASSERT_TRUE(fr_param_is_secret("patroni_password"));
	ASSERT_TRUE(fr_param_is_secret("ansible_become_password"));
	ASSERT_TRUE(!fr_param_is_secret("pg_cluster"));
	m = fr_secret_mask_urls("postgres://u:p%40ss@h:5432/db and https://x:y@z/ and http://plain/");
	ASSERT_STR_EQ(m, "postgres://u:********@h:5432/db and https://x:********@z/ and http://plain/");
	free(m);
	ASSERT_TRUE(fr_secret_mask_urls("postgres://user@host/db") == NULL);
	ASSERT_TRUE(fr_secret_mask_urls("no url here") == NULL);
	TEST_DONE();

	TEST_START("values: the grammar of what lands in config files");
	check("pg_cluster: pg-test\npg_rto: norm\npg_port: 5432\nadmin_ip: 10.0.0.1\n", &out);
	ASSERT_STR_EQ(out.buf, "");
	check("pg_cluster: \"a\\nb\"\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "1:13: pg_cluster: holds a control character (0x0a at byte 1)");
	check("pg_rto: turbo\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "1:9: pg_rto: 'turbo' is not one of fast, norm, safe, wide");
	check("pg_port: 70000\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "is not a port number");
	check("pg_data: relative/path\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "pg_data: 'relative/path' is not an absolute path");
	check("pg_hba_rules: [ { user: '${admin}', db: all, addr: 10.0.0.0/8, auth: ssl }, "
	      "{ user: '+dbrole_readonly', db: all, addr: 'fe80::/10', auth: pwd } ]\n", &out);
	ASSERT_STR_EQ(out.buf, "");
	check("pg_hba_rules: [ { user: 'a#', addr: 10.0.0.0/33 } ]\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "user 'a#' does not match");
	ASSERT_STR_CONTAINS(out.buf, "addr '10.0.0.0/33' is not an address");
	check("pg_users: [ { name: ok, pool_mode: weird, roles: [ 'x y' ] } ]\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "'weird' is not one of transaction");
	ASSERT_STR_CONTAINS(out.buf, "role 'x y' does not match");
	check("pg_default_services: [ { name: 'a b', port: 5433, ip: 'x', dest: 99999 } ]\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "name 'a b' does not match");
	ASSERT_STR_CONTAINS(out.buf, "ip 'x' is not '*' or an IPv4 address");
	ASSERT_STR_CONTAINS(out.buf, "dest is not a port number");
	check("node_etc_hosts: [ '10.0.0.1 a.b c', '${admin_ip} i.pigsty', 'evil' ]\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "entry 'evil' does not start with an IPv4 address");
	ASSERT_TRUE(strstr(out.buf, "a.b c") == NULL);
	check("pg_version: fifteen\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "pg_version: expected an integer, got string 'fifteen'");
	TEST_DONE();

	TEST_START("redis: what reaches redis.conf, sentinel.conf and the exporter's command line");
	check("redis_instances: { 6379: {}, 6380: { replica_of: '10.10.10.10 6379' } }\n"
	      "redis_sentinel_monitor: [ { name: redis-ms, host: 10.10.10.10, port: 6379, password: 'a \"b', quorum: 2 } ]\n"
	      "redis_max_memory: 64MB\nredis_mem_policy: allkeys-lru\nredis_rdb_save: [ '1200 1', '60 10000' ]\n"
	      "redis_rename_commands: { FLUSHALL: '', CONFIG: cfg-x }\nredis_bind_address: ''\n"
	      "redis_cluster_replicas: 1\nredis_exporter_options: '-include-system-metrics'\n", &out);
	ASSERT_STR_EQ(out.buf, "");
	check("redis_instances: { 6380: { replica_of: '10.10.10.10' } }\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "replica_of '10.10.10.10' is not '<ipv4> <port>'");
	check("redis_instances: { 6380: { replica_of: \"10.10.10.10 6379\\nslaveof x\" } }\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "control character");
	check("redis_instances: { 6380: { replicaof: '10.10.10.10 6379' } }\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "unknown key 'replicaof'");
	check("redis_instances: { 99999: {} }\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "'99999' is not a port number");
	check("redis_max_memory: 64 MB\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "'64 MB' is not a memory size");
	check("redis_max_memory: 1tb\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "is not a memory size");
	check("redis_mem_policy: lru\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "'lru' is not one of volatile-lru");
	check("redis_rdb_save: [ '1200' ]\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "save point '1200' is not a save point");
	check("redis_rename_commands: { 'FLUSH ALL': x }\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "command 'FLUSH ALL' is not a command name");
	check("redis_sentinel_monitor: [ { name: redis-ms, host: nowhere, port: 6379, quorum: 0 } ]\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "host 'nowhere' ");
	ASSERT_STR_CONTAINS(out.buf, "quorum: expected an integer 1-100, got '0'");
	check("redis_sentinel_monitor: [ { name: redis-ms, port: 6379 } ]\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "each primary needs name, host and port");
	check("redis_exporter_options: '-redis.addr $(id)'\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "holds a quote, backslash, $");
	check("redis_bind_address: 'localhost'\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "is not an IPv4 address (or '': the node's own)");
	check("redis_type: valkey\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "'valkey' is not one of redis");
	check("redis_cluster_replicas: 9\n", &out);
	ASSERT_STR_CONTAINS(out.buf, "replicas per primary: expected an integer 0-5");
	TEST_DONE();

	TEST_START("pitr targets: a time with its zone, an LSN, a restore point's name");
	{
		long long e = 0;
		unsigned long long l = 0;

		ASSERT_TRUE(fr_pitr_time_problem("2026-12-03 11:40:00+00", &e) == NULL);
		ASSERT_INT_EQ(e, 1796298000LL);
		ASSERT_TRUE(fr_pitr_time_problem("2026-12-03 19:40:00+08:00", &e) == NULL);
		ASSERT_INT_EQ(e, 1796298000LL);
		ASSERT_TRUE(fr_pitr_time_problem("2026-12-03 06:10:00.25-0530", &e) == NULL);
		ASSERT_INT_EQ(e, 1796298000LL);
		ASSERT_TRUE(fr_pitr_time_problem("2026-12-03 11:40:00Z", &e) == NULL);
		ASSERT_STR_CONTAINS(fr_pitr_time_problem("2026-12-03 11:40:00", NULL), "has no time zone");
		ASSERT_STR_CONTAINS(fr_pitr_time_problem("2026-02-30 11:40:00+00", NULL), "fewer days");
		ASSERT_STR_CONTAINS(fr_pitr_time_problem("2026-12-03 11:40:00+00'; DROP", NULL), "zone");
		ASSERT_STR_CONTAINS(fr_pitr_time_problem("yesterday", NULL), "is not a time");
		ASSERT_TRUE(fr_pitr_lsn_problem("0/3000060", &l) == NULL);
		ASSERT_TRUE(l == 0x3000060ULL);
		ASSERT_TRUE(fr_pitr_lsn_problem("1/0", &l) == NULL);
		ASSERT_TRUE(l == 1ULL << 32);
		ASSERT_TRUE(fr_pitr_lsn_problem("0/", NULL) != NULL);
		ASSERT_TRUE(fr_pitr_lsn_problem("0/3000060'", NULL) != NULL);
		ASSERT_TRUE(fr_pitr_name_problem("before-upgrade_1") == NULL);
		ASSERT_TRUE(fr_pitr_name_problem("a'b") != NULL);
		ASSERT_TRUE(fr_pitr_name_problem("") != NULL);
	}
	TEST_DONE();

	fr_buf_release(&out);
	fr_buf_release(&q);
	fr_params_release();
	return TAP_END();
}
