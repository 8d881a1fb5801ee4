/* t-yamlnode.c -- unit tests of lib/yamlnode.c. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tap.h"
#include "params.h"
#include "yamlnode.h"

#define fr_param_like_secret fr_param_is_secret

static struct fr_node *parse(const char *s, struct fr_err *err)
{
	return fr_yaml_parse(s, strlen(s), err);
}

int main(void)
{
	struct fr_err err = { 0 };
	struct fr_node *n;
	long long v;
	int b;

	TEST_START("scalars resolve as YAML 1.1 (Ansible) does");
	ASSERT_INT_EQ(fr_yaml_resolve("yes"), FR_SCALAR_BOOL);
	ASSERT_INT_EQ(fr_yaml_resolve("Off"), FR_SCALAR_BOOL);
	ASSERT_INT_EQ(fr_yaml_resolve("y"), FR_SCALAR_STR);
	ASSERT_INT_EQ(fr_yaml_resolve("~"), FR_SCALAR_NULL);
	ASSERT_INT_EQ(fr_yaml_resolve(""), FR_SCALAR_NULL);
	ASSERT_INT_EQ(fr_yaml_resolve("1048576"), FR_SCALAR_INT);
	ASSERT_INT_EQ(fr_yaml_resolve("-3"), FR_SCALAR_INT);
	ASSERT_INT_EQ(fr_yaml_resolve("0x1F"), FR_SCALAR_INT);
	ASSERT_INT_EQ(fr_yaml_resolve("0.25"), FR_SCALAR_FLOAT);
	ASSERT_INT_EQ(fr_yaml_resolve("1e+5"), FR_SCALAR_STR); /* YAML 1.1 needs a dot */
	ASSERT_INT_EQ(fr_yaml_resolve("1.5e+5"), FR_SCALAR_FLOAT);
	ASSERT_INT_EQ(fr_yaml_resolve("10.10.10.10"), FR_SCALAR_STR);
	ASSERT_INT_EQ(fr_yaml_resolve("64MB"), FR_SCALAR_STR);
	ASSERT_INT_EQ(fr_yaml_resolve("-"), FR_SCALAR_STR);
	TEST_DONE();

	TEST_START("positions: line, column and byte range of every node");
	n = parse("a: 1\nb:\n  - x\n  - 'q'\nc: { d: yes }\n", &err);
	ASSERT_TRUE(n != NULL && n->kind == FR_NODE_MAP && n->n == 3);
	if (n) {
		struct fr_node *q = fr_node_get(n, "b")->items[1];

		ASSERT_INT_EQ(q->line, 4);
		ASSERT_INT_EQ(q->col, 5);
		ASSERT_INT_EQ(q->start, 18);
		ASSERT_INT_EQ(q->end, 21); /* quotes included */
		ASSERT_TRUE(q->quoted && q->type == FR_SCALAR_STR);
		ASSERT_TRUE(fr_node_int(fr_node_get(n, "a"), &v) && v == 1);
		ASSERT_TRUE(fr_node_bool(fr_node_get(fr_node_get(n, "c"), "d"), &b) && b == 1);
		ASSERT_TRUE(fr_node_get(n, "c")->flow);
	}
	fr_node_free(n);
	TEST_DONE();

	TEST_START("byte offsets stay right after multibyte characters");
	n = parse("a: \"\xc3\xa9\xc3\xa9\"\nb: xyz\n", &err);
	ASSERT_TRUE(n != NULL);
	if (n) {
		struct fr_node *x = fr_node_get(n, "b");

		ASSERT_INT_EQ(x->start, 13);
		ASSERT_INT_EQ(x->end, 16);
	}
	fr_node_free(n);
	TEST_DONE();

	TEST_START("the last of repeated keys wins, as in Ansible");
	n = parse("k: 1\nk: 2\n", &err);
	ASSERT_TRUE(n && fr_node_int(fr_node_get(n, "k"), &v) && v == 2);
	fr_node_free(n);
	TEST_DONE();

	TEST_START("syntax errors carry line:col");
	n = parse("a: [1, 2\nb: 3\n", &err);
	ASSERT_TRUE(n == NULL);
	ASSERT_INT_EQ(err.code, FR_ESYNTAX);
	ASSERT_STR_CONTAINS(err.msg, "2:2:");
	n = parse("a: b: c\n", &err);
	ASSERT_TRUE(n == NULL);
	ASSERT_STR_CONTAINS(err.msg, "1:5:");
	n = parse("", &err);
	ASSERT_TRUE(n == NULL);
	ASSERT_INT_EQ(err.code, FR_EINVALID);
	TEST_DONE();

	TEST_START("aliases expand, alias bombs are refused");
	n = parse("x: &a [1, 2]\ny: *a\n", &err);
	ASSERT_TRUE(n && fr_node_get(n, "y")->n == 2);
	fr_node_free(n);
	n = parse("a: &a [x,x,x,x,x,x,x,x,x,x]\n"
		  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		  "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
		  &err);
	ASSERT_TRUE(n == NULL);
	ASSERT_STR_CONTAINS(err.msg, "too large");
	TEST_DONE();

	TEST_START("deep nesting is refused");
	{
		char deep[400];

		memset(deep, '[', 200);
		memset(deep + 200, ']', 200);
		n = fr_yaml_parse(deep, sizeof(deep), &err);
		ASSERT_TRUE(n == NULL);
		ASSERT_STR_CONTAINS(err.msg, "deeper");
	}
	TEST_DONE();

	TEST_START("JSON and flow rendering, with secrets masked");
	n = parse("a: [1, yes, ~, 'x\"y']\npassword: s3cret\nm: { password: p, u: 2 }\nf: 0.5\n", &err);
	{
		struct fr_buf j = FR_BUF_INIT, f = FR_BUF_INIT;

		fr_node_to_json(n, &j, NULL);
		ASSERT_STR_EQ(j.buf, "{\"a\":[1,true,null,\"x\\\"y\"],\"password\":\"s3cret\",\"m\":{\"password\":\"p\",\"u\":2},\"f\":0.5}");
		fr_buf_reset(&j);
		fr_node_to_json(fr_node_get(n, "m"), &j, fr_param_like_secret);
		ASSERT_STR_EQ(j.buf, "{\"password\":\"********\",\"u\":2}");
		fr_node_to_flow(fr_node_get(n, "m"), &f, fr_param_like_secret);
		ASSERT_STR_EQ(f.buf, "{ password: ********, u: 2 }");
		fr_buf_release(&j);
		fr_buf_release(&f);
	}
	fr_node_free(n);
	TEST_DONE();

	return TAP_END();
}
