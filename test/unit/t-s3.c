/* t-s3.c -- unit tests of lib/s3.c: Signature V4 against AWS's published examples, S3's error
 * codes read from an answer, requests that cannot be signed refused. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "s3.h"
#include "tap.h"

#define EMPTY_SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define AKID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

int main(void)
{
	struct fr_buf auth = FR_BUF_INIT, body = FR_BUF_INIT;
	char code[64];

	TEST_START("Signature V4: S3's GET Object example (a range header, the empty payload)");
	{
		struct fr_s3_hdr h[] = { { "x-amz-date", "20130524T000000Z" }, { "range", "bytes=0-9" },
					 { "x-amz-content-sha256", EMPTY_SHA } };

		ASSERT_INT_EQ(fr_s3_sign("GET", "examplebucket.s3.amazonaws.com", "/test.txt", "", h, 3, EMPTY_SHA,
					 "20130524T000000Z", "us-east-1", "s3", AKID, SECRET, &auth),
			      0);
		ASSERT_STR_EQ(auth.buf, "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
					"SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
					"Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
	}
	TEST_DONE();

	TEST_START("Signature V4: S3's GET Bucket lifecycle example (a query of one key)");
	{
		struct fr_s3_hdr h[] = { { "x-amz-date", "20130524T000000Z" }, { "x-amz-content-sha256", EMPTY_SHA } };

		fr_buf_reset(&auth);
		ASSERT_INT_EQ(fr_s3_sign("GET", "examplebucket.s3.amazonaws.com", "/", "lifecycle=", h, 2, EMPTY_SHA,
					 "20130524T000000Z", "us-east-1", "s3", AKID, SECRET, &auth),
			      0);
		ASSERT_TRUE(strstr(auth.buf, "SignedHeaders=host;x-amz-content-sha256;x-amz-date,") != NULL);
		ASSERT_TRUE(strstr(auth.buf, "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543") !=
			    NULL);
	}
	TEST_DONE();

	TEST_START("a header, path or date that would break the request is refused, not signed");
	{
		struct fr_s3_hdr bad[] = { { "x-amz-date", "20130524T000000Z" }, { "x-evil", "a\r\nInjected: 1" } };

		fr_buf_reset(&auth);
		ASSERT_INT_EQ(fr_s3_sign("GET", "h", "/", "", bad, 2, EMPTY_SHA, "20130524T000000Z", "us-east-1", "s3", AKID,
					 SECRET, &auth),
			      FR_EARG);
		ASSERT_INT_EQ(fr_s3_sign("GET", "h", "/\n", "", bad, 1, EMPTY_SHA, "20130524T000000Z", "us-east-1", "s3",
					 AKID, SECRET, &auth),
			      FR_EARG);
		ASSERT_INT_EQ(fr_s3_sign("GET", "h", "/", "", bad, 1, EMPTY_SHA, "2013", "us-east-1", "s3", AKID, SECRET,
					 &auth),
			      FR_EARG);
		ASSERT_INT_EQ((int)auth.len, 0);
	}
	TEST_DONE();

	TEST_START("S3's error code read from an answer's XML; none, or a strange one, is empty");
	fr_buf_adds(&body, "<?xml version=\"1.0\"?><Error><Code>NotImplemented</Code><Message>x</Message></Error>");
	fr_s3_error_code(&body, code, sizeof(code));
	ASSERT_STR_EQ(code, "NotImplemented");
	fr_buf_reset(&body);
	fr_buf_adds(&body, "<Error><Code>a b<script></Code></Error>");
	fr_s3_error_code(&body, code, sizeof(code));
	ASSERT_STR_EQ(code, "");
	fr_buf_reset(&body);
	fr_s3_error_code(&body, code, sizeof(code));
	ASSERT_STR_EQ(code, "");
	TEST_DONE();

	fr_buf_release(&auth);
	fr_buf_release(&body);
	return TAP_END();
}
