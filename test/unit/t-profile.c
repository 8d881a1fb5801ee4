/* t-profile.c -- unit tests of lib/profile.c: the node profile's writer and reader agree. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "configure.h"
#include "inventory.h"
#include "modules.h"
#include "params.h"
#include "profile.h"
#include "tap.h"

int main(void)
{
	const char *const *names = fr_template_names();
	struct fr_err err = { 0 };
	size_t t, i, j, hosts = 0;

	TEST_START("render -> load round trip for every template and host: no problem, every value the same");
	for (t = 0; names[t]; t++) {
		struct fr_inventory *inv = NULL;
		char *text = NULL, *origin = NULL;
		size_t len;

		ASSERT_INT_EQ(fr_template_load(names[t], &text, &len, &origin, &err), 0);
		ASSERT_INT_EQ(fr_inv_load_text(names[t], text, len, &inv, &err), 0);
		ASSERT_INT_EQ(fr_inv_validate(inv), 0);
		for (i = 0; i < inv->nhosts; i++) {
			struct fr_buf p = FR_BUF_INIT;
			struct fr_diags d = { 0 };
			struct fr_node *root;
			struct fr_var *vars = NULL;
			size_t n = 0;

			hosts++;
			ASSERT_INT_EQ(fr_profile_render(inv, &inv->hosts[i], "/var/lib/farrow/bundles/b", NULL, &p, &err), 0);
			root = fr_profile_load(p.buf, p.len, &d, &err);
			ASSERT_TRUE(root != NULL);
			if (d.nerrors)
				TAP_FAIL("%s %s: %s: %s", names[t], inv->hosts[i].ip, d.v[0].param, d.v[0].msg);
			ASSERT_STR_EQ(fr_node_str(fr_node_get(root, "host")), inv->hosts[i].ip);
			/* every value the inventory resolves arrives as it is (but what the node must not get) */
			fr_inv_host_vars(inv, &inv->hosts[i], &vars, &n);
			for (j = 0; j < n; j++) {
				const struct fr_node *got = fr_node_get(fr_node_get(root, "vars"), vars[j].name);
				struct fr_buf a = FR_BUF_INIT, b = FR_BUF_INIT;

				/* pg_clean and node_packages: the inventory's value, never the default */
				if (strncmp(vars[j].name, "ansible_", 8) == 0 ||
				    ((strcmp(vars[j].name, "pg_clean") == 0 || strcmp(vars[j].name, "node_packages") == 0) &&
				     vars[j].src == FR_SRC_DEFAULT) ||
				    fr_param_holds_secret(vars[j].name)) {
					fr_buf_release(&a);
					continue;
				}
				fr_node_to_json(vars[j].value, &a, NULL);
				fr_node_to_json(got, &b, NULL);
				if (strcmp(a.buf, b.buf) != 0)
					TAP_FAIL("%s %s: %s: %s became %s", names[t], inv->hosts[i].ip, vars[j].name, a.buf, b.buf);
				fr_buf_release(&a);
				fr_buf_release(&b);
			}
			free(vars);
			fr_node_free(root);
			fr_diags_release(&d);
			fr_buf_release(&p);
		}
		fr_inv_free(inv);
		free(text);
		free(origin);
	}
	ASSERT_TRUE(hosts >= 10);
	TEST_DONE();

	TEST_START("a node's profile has no credential its modules do not read (ha/full's pg-test-1)");
	{
		struct fr_inventory *inv = NULL;
		char *text = NULL, *origin = NULL;
		struct fr_buf p = FR_BUF_INIT;
		struct fr_diags d = { 0 };
		struct fr_node *root, *vars;
		const struct fr_host *h;
		size_t len, np, k;
		const struct fr_param *all = fr_params_all(&np);

		ASSERT_INT_EQ(fr_template_load("ha/full", &text, &len, &origin, &err), 0);
		ASSERT_INT_EQ(fr_inv_load_text("ha/full", text, len, &inv, &err), 0);
		h = fr_inv_host(inv, "10.10.10.11");
		ASSERT_TRUE(h != NULL);
		ASSERT_INT_EQ(fr_profile_render(inv, h, NULL, NULL, &p, &err), 0);
		root = fr_profile_load(p.buf, p.len, &d, &err);
		vars = fr_node_get(root, "vars");
		ASSERT_TRUE(fr_node_get(vars, "grafana_admin_password") == NULL);
		ASSERT_TRUE(fr_node_get(vars, "minio_secret_key") == NULL);
		ASSERT_TRUE(fr_node_get(vars, "minio_users") == NULL);
		ASSERT_TRUE(fr_node_get(vars, "patroni_password") != NULL);
		ASSERT_TRUE(fr_node_get(vars, "pg_users") != NULL);
		/* every credential it holds is one a module of this node reads */
		for (k = 0; k < np; k++) {
			size_t m, s;
			int read = 0;

			if (!fr_param_holds_secret(all[k].name) || fr_node_get(vars, all[k].name) == NULL)
				continue;
			for (m = 0; m < fr_nmodules; m++)
				for (s = 0; fr_module_wanted(&fr_modules[m], fr_node_get(root, "identities")) &&
					    fr_modules[m].secrets && fr_modules[m].secrets[s]; s++)
					read |= strcmp(fr_modules[m].secrets[s], all[k].name) == 0;
			if (!read)
				TAP_FAIL("%s is in pg-test-1's profile, and none of its modules reads it", all[k].name);
		}
		fr_node_free(root);
		fr_diags_release(&d);
		fr_buf_release(&p);
		fr_inv_free(inv);
		free(text);
		free(origin);
	}
	TEST_DONE();
	fr_params_release();
	return TAP_END();
}
