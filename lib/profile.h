/* profile.h -- the node profile: the one writer and the one reader of /etc/farrow/profile.yml. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_PROFILE_H
#define FR_PROFILE_H

#include "buf.h"
#include "err.h"
#include "inventory.h"
#include "yamlnode.h"

/*
 * The contract between the admin side and a node (`farrow profile`, `farrow install`, and later
 * images and answer files, all embed these bytes). Format version 1, YAML:
 *
 *   version: 1
 *   host: <ipv4>
 *   bundle: <dir of the unpacked bundle on the node>      (when known)
 *   identities: { pg_instance, pg_role, etcd_instance, minio_instance, infra_instance,
 *                 redis_instances: [...] }
 *   vars: { every parameter farrow knows, resolved for this host on the admin side (defaults
 *           included: the node applies none of its own), and the ones the inventory sets;
 *           never ansible_*, and a credential-holding parameter only when one of this node's
 *           modules reads it (lib/modules.c); pg_clean is true only when the inventory sets it }
 *   peers: { pg_cluster: [ { ip, cluster, seq, name, role, pg_offline_query } ], etcd_cluster: [...], ... }
 *   pki: { ca_crt, crt, key }                             (PEM)
 *
 * A node refuses a profile of another version, one missing a parameter, or one whose values do
 * not pass lib/values.c.
 */
#define FR_PROFILE_VERSION 1

/* Where a node keeps farrow's files: keys/bundle.gpg, incoming/<top>.tar.zst(.sig), bundles/<top>/
 * (the unpacked bundle the profile's bundle: names), the modules' state. */
#define FR_NODE_DIR "/var/lib/farrow"

/* The name a node takes (/etc/hostname): its nodename, else its first instance name (pg, etcd,
 * infra, minio, redis), else NULL. Borrowed from the profile tree. */
const char *fr_profile_node_name(const struct fr_node *profile);

/* Where a node's certificate material is on the admin side (<pki>/ca/ca.crt, <pki>/<ip>/server.{crt,key}). */
struct fr_profile_pki {
	char *ca_crt, *crt, *key;
};

/* The paths of host ip's material under pki, whether they exist or not (free with fr_profile_pki_release). */
void fr_profile_pki_paths(const char *pki, const char *ip, struct fr_profile_pki *paths);

/*
 * The farrow CA under <pki>/ca (made once; *created set when this call made it) and host h's
 * certificate under <pki>/<ip>/ (ECDSA P-256 for its address, 127.0.0.1, localhost and its
 * instance names; kept while valid for 30 more days); paths filled (free with
 * fr_profile_pki_release). 0 or an error code.
 */
int fr_profile_pki_ensure(const char *pki, const struct fr_inventory *inv, const struct fr_host *h,
			  struct fr_profile_pki *paths, int *created, struct fr_err *err);
void fr_profile_pki_release(struct fr_profile_pki *paths);

/*
 * The password Patroni of h's cluster logs into etcd with (as user <pg_cluster>): the
 * inventory's pg_etcd_password, or, when it is empty, one derived from etcd_root_password and
 * the cluster's name (fr_derive_password), the same on the etcd members and the cluster's nodes.
 */
void fr_profile_pg_etcd_password(const struct fr_inventory *inv, const struct fr_host *h, char *out, size_t n);

/*
 * Append host h's profile to out (it holds credentials: wipe it with fr_buf_wipe). bundle_dir
 * (may be NULL) is where the node has its unpacked bundle; pki (may be NULL) gives the PEM files
 * to embed. 0, or FR_EIO when a PEM file cannot be read.
 */
int fr_profile_render(const struct fr_inventory *inv, const struct fr_host *h, const char *bundle_dir,
		      const struct fr_profile_pki *pki, struct fr_buf *out, struct fr_err *err);

/*
 * Parse and check a profile's text: its version, its structure, every value (lib/values.c),
 * every parameter present. Problems go to d with their line and column. Returns the tree (free
 * with fr_node_free) when it parses as a mapping, even with problems in d; NULL with err
 * ("line:col: ...") when it does not.
 */
struct fr_node *fr_profile_load(const char *text, size_t len, struct fr_diags *d, struct fr_err *err);

/* /etc/systemd/system/farrow-firstboot.service: a oneshot that converges the node at every boot
 * while /etc/farrow/profile.yml exists; the one text farrow install, images and
 * `farrow-firstboot unit` write. */
extern const char fr_firstboot_unit[];

/* A seed volume: VFAT labelled FR_SEED_LABEL holding the node's profile as FR_SEED_PROFILE (farrow
 * seed makes it; farrow-firstboot seed reads it). farrow-seed.service runs that at boot, before
 * farrow-firstboot.service, on a node with no profile yet (what farrow image build enables). */
#define FR_SEED_LABEL "FARROW-SEED"
#define FR_SEED_PROFILE "profile.yml"
extern const char fr_seed_unit[];

#endif
