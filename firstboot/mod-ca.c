/* mod-ca.c -- the ca module: the farrow CA's certificate and this node's own, from the profile. */
/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <string.h>

#include "fb.h"

/*
 * The CA lives on the admin side (farrow install makes it); the profile
 * carries its certificate and this node's certificate and key. Services
 * take copies with their own owners (the etcd and pgsql modules).
 */
int fb_mod_ca(struct fb *fb)
{
	static const struct { const char *field, *path; mode_t mode; } files[] = {
		{ "ca_crt", "/etc/farrow/pki/ca.crt", 0644 },
		{ "crt", "/etc/farrow/pki/server.crt", 0644 },
		{ "key", "/etc/farrow/pki/server.key", 0600 },
	};
	size_t i;

	if (fb->pki == NULL)
		return fb_fail(fb, "the profile carries no certificates (pki:); run farrow install again");
	if (fb_dir(fb, "/etc/farrow/pki", 0755, NULL) < 0)
		return -1;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *pem = fr_node_str(fr_node_get(fb->pki, files[i].field));

		if (pem == NULL || strstr(pem, "-----BEGIN") == NULL)
			return fb_fail(fb, "the profile's pki.%s is not a PEM block", files[i].field);
		if (fb_file(fb, files[i].path, pem, strlen(pem), files[i].mode, NULL) < 0)
			return -1;
	}
	/* the system trust store learns the farrow CA, so clients on the node verify servers */
	{
		const char *pem = fr_node_str(fr_node_get(fb->pki, "ca_crt"));
		int r = fb_file(fb, "/usr/local/share/ca-certificates/farrow-ca.crt", pem, strlen(pem), 0644, NULL);

		if (r < 0)
			return -1;
		if (r == 1) {
			const char *argv[] = { "update-ca-certificates", NULL };

			if (fb_run(fb, argv, NULL, NULL) != 0)
				fb_log(fb, "update-ca-certificates failed; services use /etc/farrow/pki/ca.crt directly");
		}
	}
	return 0;
}
