/* t-crypto.c -- unit tests of lib/crypto.c. */
/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <string.h>

#include "crypto.h"
#include "tap.h"

int main(void)
{
	char a[25], b[25], h[65];
	int seen[256] = { 0 }, i, distinct = 0;

	TEST_START("random passwords: length, alphabet, no repeats");
	ASSERT_INT_EQ(fr_random_password(a, 24, NULL), 0);
	ASSERT_INT_EQ(fr_random_password(b, 24, NULL), 0);
	ASSERT_INT_EQ(strlen(a), 24);
	ASSERT_TRUE(strcmp(a, b) != 0);
	for (i = 0; i < 2000; i++) {
		size_t j;

		fr_random_password(a, 24, NULL);
		for (j = 0; j < 24; j++) {
			ASSERT_TRUE(isalnum((unsigned char)a[j]));
			seen[(unsigned char)a[j]] = 1;
		}
	}
	for (i = 0; i < 256; i++)
		distinct += seen[i];
	ASSERT_INT_EQ(distinct, 62);
	TEST_DONE();

	TEST_START("sha256");
	fr_sha256_hex("abc", 3, h);
	ASSERT_STR_EQ(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	TEST_DONE();
	TEST_START("SCRAM-SHA-256 verifiers (vector from Python's hashlib, RFC 5802/7677)");
	{
		static const char v[] = "SCRAM-SHA-256$4096:ZmFycm93LXRlc3Qtc2FsdA==$"
					"D3zDkxZCY8IkIjrGGiTmNj8XSr3KavbYatT7LGRMVZs=:"
					"gCfd7Wk/ZWO7zU+RbD0lHxkWHk8uEdG9qs6CFRNob3Y=";

		ASSERT_INT_EQ(fr_scram_matches(v, "Correct.Horse-9"), 1);
		ASSERT_INT_EQ(fr_scram_matches(v, "Correct.Horse-8"), 0);
		ASSERT_INT_EQ(fr_scram_matches(v, ""), 0);
		ASSERT_INT_EQ(fr_scram_matches("md5abcdef", "Correct.Horse-9"), 0);
		ASSERT_INT_EQ(fr_scram_matches("SCRAM-SHA-256$x:abc$def:ghi", "Correct.Horse-9"), 0);
		ASSERT_INT_EQ(fr_scram_matches("SCRAM-SHA-256$4096:!!!!$D3zD:gCfd", "Correct.Horse-9"), 0);
		ASSERT_INT_EQ(fr_scram_matches("", "x"), 0);
	}
	TEST_DONE();
	return TAP_END();
}
