/* fuzz-meta.c -- libFuzzer target: upstream metadata readers of repo-builder, fed what a hostile
 * mirror could serve: Debian Packages stanzas and Release fields (rb_index_parse, rb_stanza_field,
 * rb_parse_date), rpm-md primary.xml (rb_index_parse_rpmmd, rb_xml_get), and the manifest
 * loader (rb_manifest_load). The first byte picks the reader. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rb.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fr_err err = { 0 };
	struct rb_index ix;

	if (size < 1 || size > (1u << 20))
		return 0;
	memset(&ix, 0, sizeof(ix));
	ix.text = fr_xstrndup((const char *)data + 1, size - 1);
	ix.len = strlen(ix.text);
	switch (data[0] % 3) {
	case 0: {
		char *f;

		rb_index_parse(&ix, &err);
		if ((f = rb_stanza_field(ix.text, ix.len, "Date")) != NULL) {
			rb_parse_date(f);
			free(f);
		}
		if ((f = rb_stanza_field(ix.text, ix.len, "Valid-Until")) != NULL) {
			rb_parse_date(f);
			free(f);
		}
		break;
	}
	case 1:
		ix.rpm = 1;
		ix.filelists = fr_xstrdup(ix.text);
		ix.fllen = ix.len;
		rb_index_parse_rpmmd(&ix, &err);
		break;
	default: {
		int fd = memfd_create("manifest", MFD_CLOEXEC);
		struct rb_manifest *m = NULL;
		char path[64];

		if (fd >= 0 && write(fd, ix.text, ix.len) == (ssize_t)ix.len) {
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			if (rb_manifest_load(path, NULL, &m, &err) == 0)
				rb_manifest_free(m);
		}
		if (fd >= 0)
			close(fd);
		break;
	}
	}
	rb_index_release(&ix);
	return 0;
}
