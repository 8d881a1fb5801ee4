/* embedded.h -- data files compiled into the binaries (defaults, profiles). */
/* SPDX-License-Identifier: MIT */
#ifndef FR_EMBEDDED_H
#define FR_EMBEDDED_H

#include <stddef.h>

struct fr_embedded {
	const char *name; /* "defaults.yml", "profiles/meta.yml", "profiles/ha/trio.yml", ... */
	const char *data; /* NUL-terminated */
	size_t len;
};

/* The table, ended by an entry whose name is NULL. Made by tools/embed.sh. */
extern const struct fr_embedded fr_embedded[];

/* The entry named name, or NULL. */
const struct fr_embedded *fr_embedded_find(const char *name);

#endif
