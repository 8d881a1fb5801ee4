/* t-params.c -- unit tests of lib/params.c: the parameter table and its checks. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "params.h"
#include "tap.h"

int main(void)
{
	const struct fr_param *p;
	const char *what;
	struct fr_node *n;
	size_t count;

	TEST_START("the defaults table loads and types come from defaults or tags");
	ASSERT_TRUE(fr_params_all(&count) != NULL && count > 250);
	p = fr_param_find("pg_version");
	ASSERT_TRUE(p && p->type == FR_PT_INT && p->def);
	p = fr_param_find("pg_seq");
	ASSERT_TRUE(p && p->type == FR_PT_INT && p->def == NULL);
	p = fr_param_find("pg_users");
	ASSERT_TRUE(p && p->type == FR_PT_LIST);
	ASSERT_TRUE(fr_param_find("nope") == NULL);
	TEST_DONE();

	TEST_START("nearest names");
	ASSERT_STR_EQ(fr_param_nearest("pg_verison"), "pg_version");
	ASSERT_STR_EQ(fr_param_nearest("pgbouncer_prot"), "pgbouncer_port");
	ASSERT_STR_EQ(fr_param_nearest("etcd_clustr"), "etcd_cluster");
	ASSERT_TRUE(fr_param_nearest("qqqqqqqqqqqq") == NULL);
	ASSERT_INT_EQ(fr_edit_distance("abc", "acb"), 1);
	ASSERT_INT_EQ(fr_edit_distance("", "abc"), 3);
	TEST_DONE();

	TEST_START("type checks; templates always fit");
	{
		const char *src = "[ 1, x, yes, '{{ v }}', [1], {a: 1} ]";

		n = fr_yaml_parse(src, strlen(src), NULL);
	}
	ASSERT_TRUE(n != NULL && n->n == 6);
	if (n == NULL)
		return TAP_END();
	p = fr_param_find("pg_port");
	ASSERT_TRUE(fr_param_type_ok(p, n->items[0], &what));
	ASSERT_TRUE(!fr_param_type_ok(p, n->items[1], &what));
	ASSERT_STR_EQ(what, "an integer");
	ASSERT_TRUE(fr_param_type_ok(p, n->items[3], &what));
	p = fr_param_find("pg_cluster");
	ASSERT_TRUE(fr_param_type_ok(p, n->items[0], &what)); /* a number is a fine string */
	ASSERT_TRUE(!fr_param_type_ok(p, n->items[4], &what));
	p = fr_param_find("pg_safeguard");
	ASSERT_TRUE(fr_param_type_ok(p, n->items[2], &what));
	ASSERT_TRUE(!fr_param_type_ok(p, n->items[1], &what));
	p = fr_param_find("pg_parameters");
	ASSERT_TRUE(fr_param_type_ok(p, n->items[5], &what));
	ASSERT_TRUE(!fr_param_type_ok(p, n->items[4], &what));
	fr_node_free(n);
	TEST_DONE();

	TEST_START("secret names");
	ASSERT_TRUE(fr_param_is_secret("pg_admin_password"));
	ASSERT_TRUE(fr_param_is_secret("password"));
	ASSERT_TRUE(fr_param_is_secret("cipher_pass"));
	ASSERT_TRUE(!fr_param_is_secret("pg_admin_username"));
	TEST_DONE();

	fr_params_release();
	return TAP_END();
}
