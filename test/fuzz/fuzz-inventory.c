/* fuzz-inventory.c -- libFuzzer target: the YAML tree, inventory loader, validator and resolver. */
/* SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "inventory.h"
#include "params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fr_inventory *inv = NULL;
	size_t i;

	if (size > 16384)
		return 0;
	if (fr_inv_load_text("fuzz.yml", (const char *)data, size, &inv, NULL) < 0)
		return 0;
	fr_inv_validate(inv);
	for (i = 0; i < inv->nhosts && i < 2; i++) {
		struct fr_ident id;
		struct fr_var *vars = NULL;
		size_t n = 0, j;
		struct fr_buf b = FR_BUF_INIT;

		fr_inv_identity(inv, &inv->hosts[i], &id);
		fr_ident_release(&id);
		fr_inv_host_vars(inv, &inv->hosts[i], &vars, &n);
		for (j = 0; j < n; j++) {
			fr_node_to_json(vars[j].value, &b, fr_param_is_secret);
			fr_node_to_flow(vars[j].value, &b, NULL);
		}
		fr_buf_release(&b);
		free(vars);
	}
	fr_inv_free(inv);
	return 0;
}
