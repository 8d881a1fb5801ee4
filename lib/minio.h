/* minio.h -- MinIO's node names and volumes from Pigsty's minio_* parameters. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_MINIO_H
#define FR_MINIO_H

#include <stddef.h>

/* minio_node ('${minio_cluster}-${minio_seq}.pigsty') for one member: a new string. */
char *fr_minio_node(const char *pattern, const char *cluster, long long seq);

/*
 * minio_data: an absolute path, with at most one MinIO expansion {a...b} (a < b, decimal):
 * '/data/minio', '/data{1...4}'. NULL when it is one, else what is wrong (static).
 */
const char *fr_minio_data_problem(const char *s);

/* The paths minio_data names on a node ({a...b} expanded), into out[0..max); how many, or -1. */
int fr_minio_data_paths(const char *data, char **out, size_t max);

/*
 * MINIO_VOLUMES: minio_data on a single node (SNSD, SNMD); with several nodes (MNMD),
 * <scheme>://<minio_node with {min...max} for the seq>:<port><minio_data>, which needs the
 * members' seqs to be consecutive. A new string, or NULL with why set (static).
 */
char *fr_minio_volumes(const char *pattern, const char *cluster, const long long *seqs, size_t n, long long port,
		       const char *data, int https, const char **why);

#endif
