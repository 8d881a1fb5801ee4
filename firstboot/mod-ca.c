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
	if (fb->pki == NULL)
		return fb_fail(fb, "the profile carries no certificates (pki:); run farrow install again");
	if (fb_dir(fb, "/etc/farrow/pki", 0755, NULL) < 0)
		return -1;
	if (fb_pki_copy(fb, "/etc/farrow/pki", NULL) < 0)
		return -1;
	/* the system trust store learns the farrow CA, so clients on the node verify servers */
	{
		const char *pem = fr_node_str(fr_node_get(fb->pki, "ca_crt"));
		int r = fb_file(fb, "/usr/local/share/ca-certificates/farrow-ca.crt", pem, strlen(pem), 0644, NULL);

		if (r < 0)
			return -1;
		/* and where Pigsty keeps it (pgbackrest_repo's storage_ca_file, MinIO's clients): public */
		if (fb_dir(fb, "/etc/pki", 0755, NULL) < 0 || fb_file(fb, "/etc/pki/ca.crt", pem, strlen(pem), 0644, NULL) < 0)
			return -1;
		if (r == 1) {
			const char *argv[] = { "update-ca-certificates", NULL };

			if (fb_run(fb, argv, NULL, NULL) != 0)
				fb_log(fb, "update-ca-certificates failed; services use /etc/farrow/pki/ca.crt directly");
		}
	}
	return 0;
}
