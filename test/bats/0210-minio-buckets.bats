#!/usr/bin/env bats
# The minio module's buckets: farrow-firstboot's own S3 client (Signature V4, TLS checked against
# the farrow CA with the endpoint's host, path-style) making minio_buckets, as the module does on
# a cluster's first member, against a real S3 implementation that runs here: s3rver (npm) on
# 127.0.0.1. A test of farrow's S3 side: MinIO itself cannot be fetched on these machines (the
# README's state table says what was not run against it). s3rver checks the access key, not the
# signature: Signature V4 itself is held to AWS's published examples in t-s3.

setup_file() {
	load helpers/common
	load helpers/mirror
	export W=$BATS_FILE_TMPDIR
	cd "$W" || return 1
	# the first member of Pigsty's demo/minio shape, its root key s3rver's
	fr_mutate "$FARROW_ROOT/test/fixtures/minio.yml" "    minio_secret_key: Sekrit.MinIO" \
		"    minio_access_key: S3RVER
    minio_secret_key: Sekrit.MinIO" m.yml
	farrow profile m.yml --host 10.10.10.10 -o p.yml --pki "$W/pki" >/dev/null
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	echo "$PORT" >"$W/port"
	fr_s3rver_start "$W/s3" "$W/pki/ca" 127.0.0.1 "$PORT"
}

teardown_file() {
	load helpers/common
	load helpers/mirror
	fr_s3rver_stop "$W/s3"
}

setup() {
	load helpers/common
	fr_isolate
	PORT=$(cat "$W/port")
	EP=https://127.0.0.1:$PORT
}

@test "minio_buckets made once, then found; versioning a server lacks refused clearly; the key never logged" {
	# meta asks for versioning, which s3rver does not implement: the buckets before it are made,
	# then a clear error and a failure
	run -1 farrow-firstboot minio-buckets --profile "$W/p.yml" --endpoint "$EP" --ca "$W/pki/ca/ca.crt" --log b.log
	assert_line "[minio] minio: bucket pgsql made"
	assert_output --partial "bucket meta: $EP: bucket 'meta': the answer to GET ?versioning is not a VersioningConfiguration (this server does not implement bucket versioning)"
	[ -d "$W/s3/data/pgsql" ]
	# without it: pgsql found, meta (already made before its versioning step) found, data made
	fr_mutate "$W/p.yml" "versioning: true" "versioning: false" p.yml
	chmod 600 p.yml
	run -0 farrow-firstboot minio-buckets --profile p.yml --endpoint "$EP" --ca "$W/pki/ca/ca.crt" --log b.log
	assert_line "[minio] minio: bucket pgsql exists"
	assert_line "[minio] minio: bucket meta exists"
	assert_line "[minio] minio: bucket data made"
	[ -d "$W/s3/data/data" ]
	# a re-run changes nothing
	run -0 farrow-firstboot minio-buckets --profile p.yml --endpoint "$EP" --ca "$W/pki/ca/ca.crt" --log b.log
	refute_output --partial "made"
	# the secret key is in the profile and nowhere else
	run -0 grep -c Sekrit.MinIO p.yml
	run -1 grep -r Sekrit.MinIO b.log "$W/s3/s3rver.log"
}

@test "minio-users speaks MinIO's admin API, which s3rver lacks: its first call named with the answer; no secret logged" {
	# the calls themselves are MinIO's own (not run here); their encryption is held to sio-go's
	# vectors in t-madmin. Against an S3 server that is not MinIO, the first call fails clearly.
	run -1 farrow-firstboot minio-users --profile "$W/p.yml" --endpoint "$EP" --ca "$W/pki/ca/ca.crt" --log u.log
	assert_output --partial "minio: policy pgsql: $EP: adding policy 'pgsql' answered HTTP 404 (NoSuchBucket)"
	run -0 grep -c "adding policy 'pgsql'" u.log
	run -1 grep -r -e Sekrit.MinIO -e Sekrit.Backup u.log "$W/s3/s3rver.log"
}

@test "minio-buckets refuses: another CA, a host the certificate does not name, an unknown key, plain http" {
	# a bucket not there yet, which none of these may make
	fr_mutate "$W/p.yml" "name: pgsql" "name: fresh1" p.yml
	chmod 600 p.yml
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout o.key -out other.crt -days 2 \
		-subj /CN=other 2>/dev/null
	run -1 farrow-firstboot minio-buckets --profile p.yml --endpoint "$EP" --ca other.crt --log b.log
	assert_output --partial "the certificate of 127.0.0.1:$PORT does not hold against $PWD/other.crt: unable to get local issuer certificate"
	run -1 farrow-firstboot minio-buckets --profile p.yml --endpoint "https://localhost:$PORT" --ca "$W/pki/ca/ca.crt" --log b.log
	assert_output --partial "the certificate of localhost:$PORT does not hold against $W/pki/ca/ca.crt: hostname mismatch"
	fr_mutate p.yml "S3RVER" "NOBODY" q.yml
	chmod 600 q.yml
	run -1 farrow-firstboot minio-buckets --profile q.yml --endpoint "$EP" --ca "$W/pki/ca/ca.crt" --log b.log
	assert_output --partial "HEAD of bucket 'fresh1' answered HTTP 403 (access denied: is NOBODY's key the one it knows?)"
	run -1 farrow-firstboot minio-buckets --profile p.yml --endpoint "http://127.0.0.1:$PORT" --ca "$W/pki/ca/ca.crt" --log b.log
	assert_output --partial "'http://127.0.0.1:$PORT' is not an https://<host>[:<port>] endpoint"
	# nothing was made by any of them
	run -0 ls "$W/s3/data"
	refute_line fresh1
}
