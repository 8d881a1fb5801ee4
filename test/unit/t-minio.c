/* t-minio.c -- unit tests of lib/minio.c: node names, drive paths and MINIO_VOLUMES by shape. */
/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "minio.h"
#include "tap.h"

int main(void)
{
	char *s, *paths[64];
	const char *why;
	int n, i;

	TEST_START("minio_node: ${minio_cluster} and ${minio_seq} put in; the default pattern");
	s = fr_minio_node("${minio_cluster}-${minio_seq}.pigsty", "silo", 3);
	ASSERT_STR_EQ(s, "silo-3.pigsty");
	free(s);
	s = fr_minio_node(NULL, NULL, 1);
	ASSERT_STR_EQ(s, "minio-1.pigsty");
	free(s);
	s = fr_minio_node("node${minio_seq}.${minio_cluster}.example", "m", 12);
	ASSERT_STR_EQ(s, "node12.m.example");
	free(s);
	TEST_DONE();

	TEST_START("minio_data: paths and one {a...b}; drives expanded");
	ASSERT_TRUE(fr_minio_data_problem("/data/minio") == NULL);
	ASSERT_TRUE(fr_minio_data_problem("/data{1...4}") == NULL);
	ASSERT_TRUE(fr_minio_data_problem("/mnt/disk{1...4}/minio") == NULL);
	ASSERT_TRUE(fr_minio_data_problem("data/minio") != NULL);
	ASSERT_TRUE(fr_minio_data_problem("/data{4...1}") != NULL);
	ASSERT_TRUE(fr_minio_data_problem("/data{1..4}") != NULL);
	ASSERT_TRUE(fr_minio_data_problem("/data{1...4}{1...2}") != NULL);
	ASSERT_TRUE(fr_minio_data_problem("/data{1...4") != NULL);
	ASSERT_TRUE(fr_minio_data_problem("/data/../etc") != NULL);
	ASSERT_TRUE(fr_minio_data_problem("/data minio") != NULL);
	ASSERT_TRUE(fr_minio_data_problem("/data{1...100}") != NULL);
	n = fr_minio_data_paths("/mnt/disk{1...4}/minio", paths, 64);
	ASSERT_INT_EQ(n, 4);
	for (i = 0; i < n; i++) {
		char want[32];

		snprintf(want, sizeof(want), "/mnt/disk%d/minio", i + 1);
		ASSERT_STR_EQ(paths[i], want);
		free(paths[i]);
	}
	n = fr_minio_data_paths("/data/minio", paths, 64);
	ASSERT_INT_EQ(n, 1);
	ASSERT_STR_EQ(paths[0], "/data/minio");
	free(paths[0]);
	ASSERT_INT_EQ(fr_minio_data_paths("/data{1...8}", paths, 4), -1);
	TEST_DONE();

	TEST_START("MINIO_VOLUMES: SNSD and SNMD as minio_data, MNMD across consecutive seqs; gaps refused");
	{
		long long one[] = { 1 }, four[] = { 3, 1, 4, 2 }, gap[] = { 1, 2, 4 };

		s = fr_minio_volumes(NULL, "minio", one, 1, 9000, "/data/minio", 1, &why);
		ASSERT_STR_EQ(s, "/data/minio");
		free(s);
		s = fr_minio_volumes(NULL, "minio", one, 1, 9000, "/data{1...4}", 1, &why);
		ASSERT_STR_EQ(s, "/data{1...4}");
		free(s);
		s = fr_minio_volumes("${minio_cluster}-${minio_seq}.pigsty", "minio", four, 4, 9000, "/data{1...4}", 1, &why);
		ASSERT_STR_EQ(s, "https://minio-{1...4}.pigsty:9000/data{1...4}");
		free(s);
		s = fr_minio_volumes(NULL, "s3", four, 4, 9100, "/data/minio", 0, &why);
		ASSERT_STR_EQ(s, "http://s3-{1...4}.pigsty:9100/data/minio");
		free(s);
		s = fr_minio_volumes(NULL, "minio", gap, 3, 9000, "/data", 1, &why);
		ASSERT_TRUE(s == NULL && why && strstr(why, "not consecutive"));
		s = fr_minio_volumes("minio.pigsty", "minio", four, 4, 9000, "/data", 1, &why);
		ASSERT_TRUE(s == NULL && why && strstr(why, "no ${minio_seq}"));
		s = fr_minio_volumes(NULL, "minio", one, 1, 9000, "relative", 1, &why);
		ASSERT_TRUE(s == NULL && why);
	}
	TEST_DONE();

	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
