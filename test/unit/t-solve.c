/* t-solve.c -- unit tests of lib/solve.c: apt's choices, the installed system, clashes. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "solve.h"
#include "tap.h"

/* A tiny archive: app needs lib (>= 2) and either mta-a or mta-b; lib needs libc6 (>= 2.36). */
static const char repo[] =
	"Package: app\nVersion: 1.0\nArchitecture: amd64\nDepends: lib (>= 2), mta-a | mta-b\n\n"
	"Package: lib\nVersion: 2.1\nArchitecture: amd64\nDepends: libc6 (>= 2.36)\n\n"
	"Package: mta-a\nVersion: 1\nArchitecture: amd64\nProvides: mta\n\n"
	"Package: mta-b\nVersion: 1\nArchitecture: amd64\nProvides: mta\n\n"
	"Package: tool\nVersion: 3\nArchitecture: amd64\nDepends: libc6 (= 2.36-9)\n\n"
	"Package: libc6\nVersion: 2.36-9\nArchitecture: amd64\nSHA512: 00aa\n  continued\n\n";

static const char status_new[] =
	"Package: libc6\nStatus: install ok installed\nVersion: 2.36-10\nArchitecture: amd64\n\n"
	"Package: gone\nStatus: deinstall ok config-files\nVersion: 1\nArchitecture: amd64\n\n";

static const char status_old[] = "Package: libc6\nStatus: install ok installed\nVersion: 2.31-13\nArchitecture: amd64\n\n";

static int has(struct fr_solv *s, const int *ids, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(fr_solv_name(s, ids[i]), name) == 0)
			return 1;
	return 0;
}

int main(void)
{
	struct fr_buf inst = FR_BUF_INIT, probs = FR_BUF_INIT, changes = FR_BUF_INIT;
	struct fr_err err = { 0 };
	struct fr_solv *s;
	int first, *ids = NULL;
	size_t n = 0;

	TEST_START("dpkg status: only installed stanzas");
	fr_dpkg_installed(status_new, strlen(status_new), &inst);
	ASSERT_TRUE(strstr(inst.buf, "Package: libc6") != NULL);
	ASSERT_TRUE(strstr(inst.buf, "Package: gone") == NULL);
	TEST_DONE();

	TEST_START("a newer installed libc6 satisfies; the first alternative wins; nothing replaced");
	s = fr_solv_new(0, "amd64");
	ASSERT_INT_EQ(fr_solv_add_repo(s, "bundle", 0, repo, strlen(repo), &first, &err), 6);
	ASSERT_INT_EQ(fr_solv_set_installed(s, inst.buf, inst.len, &err), 0);
	ASSERT_INT_EQ(fr_solv_request(s, "app", NULL, NULL, NULL, &probs), 0);
	ASSERT_INT_EQ(fr_solv_request(s, "nosuch", NULL, NULL, NULL, &probs), FR_ENOTFOUND);
	ASSERT_INT_EQ(fr_solv_solve(s, 0, &ids, &n, &changes, &probs, &err), 0);
	ASSERT_INT_EQ(n, 3);
	ASSERT_TRUE(has(s, ids, n, "app") && has(s, ids, n, "lib") && has(s, ids, n, "mta-a"));
	ASSERT_TRUE(!has(s, ids, n, "libc6"));
	ASSERT_INT_EQ(changes.len, 0);
	free(ids);
	fr_solv_free(s);
	TEST_DONE();

	TEST_START("an exact libc6 the node does not have: the bundle's is a downgrade, named as a clash");
	s = fr_solv_new(0, "amd64");
	fr_solv_add_repo(s, "bundle", 0, repo, strlen(repo), &first, &err);
	fr_solv_set_installed(s, inst.buf, inst.len, &err);
	ASSERT_INT_EQ(fr_solv_request(s, "tool", NULL, NULL, NULL, &probs), 0);
	ASSERT_INT_EQ(fr_solv_solve(s, 0, &ids, &n, &changes, &probs, &err), FR_EINVALID);
	ASSERT_STR_CONTAINS(probs.buf, "libc6");
	free(ids);
	fr_solv_free(s);
	TEST_DONE();

	TEST_START("an older node: nothing provides the libc6 the bundle's packages need");
	fr_buf_reset(&inst);
	fr_buf_reset(&probs);
	fr_dpkg_installed(status_old, strlen(status_old), &inst);
	s = fr_solv_new(0, "amd64");
	/* the bundle without its libc6 (the base's packages are not bundled) */
	fr_solv_add_repo(s, "bundle", 0, repo, (size_t)(strstr(repo, "Package: libc6") - repo), &first, &err);
	fr_solv_set_installed(s, inst.buf, inst.len, &err);
	fr_solv_request(s, "app", NULL, NULL, NULL, &probs);
	ASSERT_INT_EQ(fr_solv_solve(s, 0, &ids, &n, &changes, &probs, &err), FR_EINVALID);
	ASSERT_STR_CONTAINS(probs.buf, "nothing provides libc6 >= 2.36 needed by lib-2.1.amd64");
	free(ids);
	fr_solv_free(s);
	TEST_DONE();

	TEST_START("a bundle that upgrades an installed package says so");
	fr_buf_reset(&changes);
	s = fr_solv_new(0, "amd64");
	fr_solv_add_repo(s, "bundle", 0, repo, strlen(repo), &first, &err);
	fr_solv_set_installed(s, inst.buf, inst.len, &err);
	/* tool needs exactly the bundle's libc6, newer than the node's: an upgrade */
	fr_solv_request(s, "tool", NULL, NULL, NULL, &probs);
	ASSERT_INT_EQ(fr_solv_solve(s, 0, &ids, &n, &changes, &probs, &err), 0);
	ASSERT_STR_EQ(changes.buf, "libc6 2.31-13 -> 2.36-9\n");
	ASSERT_INT_EQ(fr_solv_evrcmp(s, "2.36-10", "2.36-9"), 1);
	free(ids);
	fr_solv_free(s);
	TEST_DONE();

	fr_buf_release(&inst);
	fr_buf_release(&probs);
	fr_buf_release(&changes);
	return TAP_END();
}
