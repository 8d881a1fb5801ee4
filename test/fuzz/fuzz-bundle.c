/* fuzz-bundle.c -- libFuzzer target: the bundle MANIFEST parser and the tar member reader with
 * the bundle's member rules (lib/tarread.c, lib/bundle.c), as farrow-firstboot unpack runs them
 * after a good signature: the input is a tar, compressed here so the reader sees real zstd. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include "bundle.h"
#include "fileio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fr_bundle_manifest m;
	struct fr_bundle_check check;
	struct fr_err err = { 0 };
	size_t cap, n;
	void *z;
	int fd;

	if (size > (1u << 20))
		return 0;
	/* the MANIFEST grammar on its own */
	if (fr_bundle_manifest_parse((const char *)data, size, &m, &err) == 0)
		fr_bundle_manifest_release(&m);
	/* the members: every header form, the rules, extraction into a private directory */
	cap = ZSTD_compressBound(size);
	z = malloc(cap);
	n = ZSTD_compress(z, cap, data, size, 1);
	fd = memfd_create("bundle", MFD_CLOEXEC);
	if (fd >= 0 && !ZSTD_isError(n) && write(fd, z, n) == (ssize_t)n && lseek(fd, 0, SEEK_SET) == 0) {
		char dir[] = "/tmp/fuzz-bundle.XXXXXX";

		memset(&check, 0, sizeof(check));
		fr_buf_init(&check.manifest);
		if (mkdtemp(dir)) {
			fr_bundle_verify_members(fd, "fuzz.tar.zst", dir, &check, &err);
			fr_rm_rf(dir);
		}
		fr_bundle_check_release(&check);
	}
	if (fd >= 0)
		close(fd);
	free(z);
	return 0;
}
