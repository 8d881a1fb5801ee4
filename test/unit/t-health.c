/* t-health.c -- clusters judged from their members' reports (lib/health.c), with reports made here. */
/* SPDX-License-Identifier: MIT */
/*
 * The reports are what `farrow-firstboot health --json` prints; bats 3400 reads real ones from
 * a three-node cluster. Here the states a real cluster rarely shows on demand: patroni 3.0.2's
 * "running" replicas with nothing streaming, no leader, an etcd without quorum.
 */
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "inventory.h"
#include "params.h"
#include "tap.h"

static const char inv_text[] =
	"all:\n  children:\n"
	"    etcd:\n      hosts:\n        10.10.10.10: { etcd_seq: 1 }\n        10.10.10.11: { etcd_seq: 2 }\n"
	"        10.10.10.12: { etcd_seq: 3 }\n      vars: { etcd_cluster: etcd }\n"
	"    pg-meta:\n      hosts:\n        10.10.10.10: { pg_seq: 1, pg_role: primary }\n"
	"        10.10.10.11: { pg_seq: 2, pg_role: replica }\n        10.10.10.12: { pg_seq: 3, pg_role: replica }\n"
	"      vars: { pg_cluster: pg-meta }\n";

#define PATRONI_OK                                                                                      \
	"[{\"name\":\"pg-meta-1\",\"role\":\"leader\",\"state\":\"running\",\"timeline\":1},"             \
	"{\"name\":\"pg-meta-2\",\"role\":\"replica\",\"state\":\"streaming\",\"timeline\":1,\"lag\":0}," \
	"{\"name\":\"pg-meta-3\",\"role\":\"replica\",\"state\":\"streaming\",\"timeline\":1,\"lag\":0}]"
#define STREAMS_OK                                                                                   \
	"[{\"name\":\"pg-meta-2\",\"state\":\"streaming\",\"sync_state\":\"async\",\"lag\":0},"     \
	"{\"name\":\"pg-meta-3\",\"state\":\"streaming\",\"sync_state\":\"async\",\"lag\":0}]"
#define ETCD(n, healthy) "\"etcd\":{\"name\":\"etcd-" #n "\",\"healthy\":" #healthy ",\"leader_name\":\"etcd-1\"}"

/* Judge the three reports against the inventory in invtext; the JSON into json, the text into
 * text; the worst state returned. */
static enum fr_health judge_in(const char *invtext, const char *r0, const char *r1, const char *r2, struct fr_buf *json,
			       struct fr_buf *text)
{
	const char *texts[3] = { r0, r1, r2 };
	struct fr_inventory *inv = NULL;
	struct fr_health_host hh[3];
	struct fr_node *nodes[3] = { NULL, NULL, NULL };
	enum fr_health h;
	size_t i;

	fr_buf_reset(json);
	fr_buf_reset(text);
	fr_inv_load_text("t.yml", invtext, strlen(invtext), &inv, NULL);
	for (i = 0; i < 3; i++) {
		hh[i].host = &inv->hosts[i];
		nodes[i] = texts[i] ? fr_yaml_parse(texts[i], strlen(texts[i]), NULL) : NULL;
		hh[i].report = nodes[i];
	}
	h = fr_health_clusters(inv, hh, 3, json, text);
	for (i = 0; i < 3; i++)
		fr_node_free(nodes[i]);
	fr_inv_free(inv);
	return h;
}

#define judge(r0, r1, r2, json, text) judge_in(inv_text, r0, r1, r2, json, text)

static const char redis_inv[] =
	"all:\n  children:\n"
	"    redis-ms:\n      hosts:\n        10.10.10.10: { redis_node: 1, redis_instances: { 6379: {}, 6380: { replica_of: '10.10.10.10 6379' } } }\n"
	"      vars: { redis_cluster: redis-ms }\n"
	"    redis-meta:\n      hosts:\n        10.10.10.11: { redis_node: 1, redis_instances: { 26379: {}, 26380: {} } }\n"
	"      vars: { redis_cluster: redis-meta, redis_mode: sentinel }\n"
	"    redis-test:\n      hosts:\n        10.10.10.12: { redis_node: 1, redis_instances: { 6379: {} } }\n"
	"      vars: { redis_cluster: redis-test, redis_mode: cluster }\n";

#define RMS(link) "{\"redis\":{\"cluster\":\"redis-ms\",\"mode\":\"standalone\",\"instances\":["                 \
	"{\"port\":6379,\"name\":\"redis-ms-1-6379\",\"up\":true,\"role\":\"master\",\"replicas\":"          \
	"[\"ip=10.10.10.10,port=6380,state=online,offset=1,lag=0\"]},"                                     \
	"{\"port\":6380,\"name\":\"redis-ms-1-6380\",\"up\":true,\"role\":\"slave\",\"primary\":\"10.10.10.10:6379\"," \
	"\"link\":\"" link "\",\"replicas\":[]}]}}"
#define SENT(status) "{\"redis\":{\"cluster\":\"redis-meta\",\"mode\":\"sentinel\",\"instances\":["             \
	"{\"port\":26379,\"name\":\"redis-meta-1-26379\",\"up\":true,\"role\":\"sentinel\",\"monitors\":"      \
	"[\"name=redis-ms,status=" status ",address=10.10.10.10:6379,slaves=1,sentinels=2\"]},"               \
	"{\"port\":26380,\"name\":\"redis-meta-1-26380\",\"up\":false}]}}"
#define RCL(state) "{\"redis\":{\"cluster\":\"redis-test\",\"mode\":\"cluster\",\"instances\":["                 \
	"{\"port\":6379,\"name\":\"redis-test-1-6379\",\"up\":true,\"role\":\"master\",\"replicas\":[],"        \
	"\"cluster_state\":\"" state "\",\"cluster_known_nodes\":6}]}}"

#define judge_redis(r0, r1, r2, json, text) judge_in(redis_inv, r0, r1, r2, json, text)

static const char minio_inv[] =
	"all:\n  children:\n"
	"    minio:\n      hosts:\n        10.10.10.10: { minio_seq: 1 }\n        10.10.10.11: { minio_seq: 2 }\n"
	"        10.10.10.12: { minio_seq: 3 }\n"
	"      vars: { minio_cluster: minio, minio_data: '/data{1...2}' }\n";

#define MIO(seq, live, quorum) "{\"minio\":{\"cluster\":\"minio\",\"seq\":" #seq ",\"instance\":\"minio-" #seq "\"," \
	"\"endpoint\":\"https://minio-" #seq ".pigsty:9000\",\"unit\":\"active\",\"live\":" #live ",\"write_quorum\":" #quorum "}}"

#define judge_minio(r0, r1, r2, json, text) judge_in(minio_inv, r0, r1, r2, json, text)

int main(void)
{
	struct fr_buf json = FR_BUF_INIT, text = FR_BUF_INIT;
	struct fr_node *parsed;

	TEST_START("a leader, two streaming replicas, etcd 3 of 3: healthy, and the JSON parses");
	ASSERT_INT_EQ(judge("{" ETCD(1, true) ",\"pgsql\":{\"cluster\":\"pg-meta\",\"leads\":true,\"patroni\":" PATRONI_OK
			    ",\"replication\":" STREAMS_OK ",\"backup\":{\"type\":\"full\",\"label\":\"L\",\"count\":1},"
			    "\"services\":[{\"name\":\"primary\",\"servers\":[{\"name\":\"pg-meta-1\",\"status\":\"UP\","
			    "\"backup\":false},{\"name\":\"pg-meta-2\",\"status\":\"DOWN\",\"backup\":false}]}]}}",
			    "{" ETCD(2, true) ",\"pgsql\":{\"cluster\":\"pg-meta\",\"leads\":false,\"patroni\":" PATRONI_OK "}}",
			    "{" ETCD(3, true) ",\"pgsql\":{\"cluster\":\"pg-meta\",\"leads\":false,\"patroni\":" PATRONI_OK "}}",
			    &json, &text),
		      FR_HEALTHY);
	parsed = fr_yaml_parse(json.buf, json.len, NULL);
	ASSERT_TRUE(fr_node_is_seq(parsed) && parsed->n == 2);
	fr_node_free(parsed);
	ASSERT_STR_CONTAINS(json.buf, "\"kind\":\"etcd\",\"name\":\"etcd\",\"state\":\"healthy\"");
	ASSERT_STR_CONTAINS(json.buf, "\"kind\":\"pgsql\",\"name\":\"pg-meta\",\"state\":\"healthy\",\"reasons\":[],\"leader\":\"pg-meta-1\"");
	ASSERT_STR_CONTAINS(text.buf, "pg-meta (PostgreSQL): healthy, leader pg-meta-1\n");
	ASSERT_STR_CONTAINS(text.buf, "services: primary -> pg-meta-1\n");
	ASSERT_STR_CONTAINS(text.buf, "last backup: full L (1 in the repository)");
	ASSERT_STR_CONTAINS(text.buf, "etcd (etcd): healthy, 3 of 3 members healthy, leader etcd-1");
	TEST_DONE();

	TEST_START("patroni 3.0.2 after losing rows: replicas 'running', nothing streams: degraded, naming them");
	ASSERT_INT_EQ(judge("{" ETCD(1, true) ",\"pgsql\":{\"cluster\":\"pg-meta\",\"leads\":true,\"patroni\":"
			    "[{\"name\":\"pg-meta-1\",\"role\":\"leader\",\"state\":\"running\",\"timeline\":2},"
			    "{\"name\":\"pg-meta-2\",\"role\":\"replica\",\"state\":\"running\",\"timeline\":1},"
			    "{\"name\":\"pg-meta-3\",\"role\":\"replica\",\"state\":\"running\",\"timeline\":2}],"
			    "\"replication\":[{\"name\":\"pg-meta-3\",\"state\":\"streaming\"}]}}",
			    "{" ETCD(2, true) "}", "{" ETCD(3, true) "}", &json, &text),
		      FR_DEGRADED);
	ASSERT_STR_CONTAINS(text.buf, "pg-meta (PostgreSQL): DEGRADED, leader pg-meta-1: pg-meta-2: Patroni says replica "
				      "running, but the leader's pg_stat_replication has no stream from it\n");
	ASSERT_TRUE(strstr(text.buf, "pg-meta-3: Patroni") == NULL);
	ASSERT_STR_CONTAINS(json.buf, "\"state\":\"degraded\",\"reasons\":[\"pg-meta-2: Patroni says");
	TEST_DONE();

	TEST_START("no leader: down; a member Patroni does not know, and one stopped: degraded reasons");
	ASSERT_INT_EQ(judge("{" ETCD(1, true) "}",
			    "{" ETCD(2, true) ",\"pgsql\":{\"cluster\":\"pg-meta\",\"leads\":false,\"patroni\":"
			    "[{\"name\":\"pg-meta-2\",\"role\":\"replica\",\"state\":\"stopped\"}]}}",
			    "{" ETCD(3, true) "}", &json, &text),
		      FR_DOWN);
	ASSERT_STR_CONTAINS(text.buf, "pg-meta (PostgreSQL): DOWN: Patroni names no leader; pg-meta-1 is not in Patroni's "
				      "cluster; pg-meta-2 is stopped; pg-meta-3 is not in Patroni's cluster");
	ASSERT_STR_CONTAINS(json.buf, "\"leader\":null");
	TEST_DONE();

	TEST_START("etcd: 2 of 3 healthy is degraded, 1 of 3 is down (no quorum); an unreachable host is not healthy");
	/* no member reports PostgreSQL at all: that cluster is down, and it is the worst */
	ASSERT_INT_EQ(judge("{" ETCD(1, true) "}", "{" ETCD(2, false) "}", "{" ETCD(3, true) "}", &json, &text),
		      FR_DOWN);
	ASSERT_STR_CONTAINS(text.buf, "etcd (etcd): DEGRADED, 2 of 3 members healthy, leader etcd-1");
	ASSERT_STR_CONTAINS(text.buf, "pg-meta (PostgreSQL): DOWN: no member's Patroni answers");
	ASSERT_INT_EQ(judge("{" ETCD(1, true) "}", NULL, "{" ETCD(3, false) "}", &json, &text), FR_DOWN);
	ASSERT_STR_CONTAINS(text.buf, "etcd (etcd): DOWN, 1 of 3 members healthy");
	ASSERT_STR_CONTAINS(text.buf, "etcd-2         10.10.10.11     no report (unreachable?)");
	ASSERT_STR_CONTAINS(json.buf, "\"reasons\":[\"etcd-2 (10.10.10.11) is not healthy\",\"etcd-3 (10.10.10.12) is not "
				      "healthy\",\"1 of 3 members healthy: no quorum\"]");
	TEST_DONE();

	TEST_START("redis: a primary with its replica, sentinels, a native cluster; a down link, a sentinel, a failed cluster");
	ASSERT_INT_EQ(judge_redis(RMS("up"), SENT("ok"), RCL("ok"), &json, &text), FR_DEGRADED);
	ASSERT_STR_CONTAINS(text.buf, "redis-ms (Redis standalone): healthy, 2 of 2 instances up\n");
	ASSERT_STR_CONTAINS(text.buf, "  redis-ms-1-6379      10.10.10.10:6379      primary   1 replica(s): 10.10.10.10:6380 online\n");
	ASSERT_STR_CONTAINS(text.buf, "  redis-ms-1-6380      10.10.10.10:6380      replica   of 10.10.10.10:6379, link up\n");
	ASSERT_STR_CONTAINS(text.buf, "redis-meta (Redis sentinel): DEGRADED, 1 of 2 instances up: redis-meta-1-26380 "
				      "(10.10.10.11:26380) does not answer\n");
	ASSERT_STR_CONTAINS(text.buf, "sentinel  redis-ms ok at 10.10.10.10:6379, 1 replica(s), 2 sentinel(s)");
	ASSERT_STR_CONTAINS(text.buf, "redis-test (Redis cluster): healthy, 1 of 1 instances up\n");
	ASSERT_STR_CONTAINS(text.buf, "cluster ok, 6 nodes known");
	parsed = fr_yaml_parse(json.buf, json.len, NULL);
	ASSERT_TRUE(fr_node_is_seq(parsed) && parsed->n == 3);
	fr_node_free(parsed);
	ASSERT_STR_CONTAINS(json.buf, "{\"kind\":\"redis\",\"name\":\"redis-ms\",\"state\":\"healthy\"");
	ASSERT_INT_EQ(judge_redis(RMS("down"), SENT("odown"), RCL("fail"), &json, &text), FR_DOWN);
	ASSERT_STR_CONTAINS(text.buf, "redis-ms (Redis standalone): DEGRADED, 2 of 2 instances up: redis-ms-1-6380: its link "
				      "to 10.10.10.10:6379 is down\n");
	ASSERT_STR_CONTAINS(text.buf, "redis-meta-1-26379: its primary redis-ms is odown");
	ASSERT_STR_CONTAINS(text.buf, "redis-test (Redis cluster): DOWN");
	ASSERT_STR_CONTAINS(text.buf, "no member's cluster state is ok");
	ASSERT_INT_EQ(judge_redis(NULL, SENT("ok"), RCL("ok"), &json, &text), FR_DOWN);
	ASSERT_STR_CONTAINS(text.buf, "redis-ms (Redis standalone): DOWN, 0 of 0 instances up: 10.10.10.10 did not report");
	TEST_DONE();

	TEST_START("minio: all live with write quorum; a member down or silent; no quorum; none live");
	ASSERT_INT_EQ(judge_minio(MIO(1, true, true), MIO(2, true, true), MIO(3, true, true), &json, &text), FR_HEALTHY);
	ASSERT_STR_CONTAINS(text.buf, "minio (MinIO): healthy, 3 of 3 members live\n");
	ASSERT_STR_CONTAINS(text.buf, "  minio-2              https://minio-2.pigsty:9000 live, write quorum\n");
	parsed = fr_yaml_parse(json.buf, json.len, NULL);
	ASSERT_TRUE(fr_node_is_seq(parsed) && parsed->n == 1);
	fr_node_free(parsed);
	ASSERT_STR_CONTAINS(json.buf, "{\"kind\":\"minio\",\"name\":\"minio\",\"state\":\"healthy\"");
	ASSERT_INT_EQ(judge_minio(MIO(1, true, true), MIO(2, false, null), NULL, &json, &text), FR_DEGRADED);
	ASSERT_STR_CONTAINS(text.buf, "minio (MinIO): DEGRADED, 1 of 3 members live: minio-2 (10.10.10.11) is not live "
				      "(minio.service active); 10.10.10.12 did not report its MinIO (unreachable?)\n");
	ASSERT_INT_EQ(judge_minio(MIO(1, true, false), MIO(2, true, false), MIO(3, true, false), &json, &text), FR_DOWN);
	ASSERT_STR_CONTAINS(text.buf, "minio (MinIO): DOWN, 3 of 3 members live: no member reports write quorum\n");
	ASSERT_STR_CONTAINS(text.buf, "live, NO write quorum");
	ASSERT_INT_EQ(judge_minio(MIO(1, false, null), NULL, NULL, &json, &text), FR_DOWN);
	ASSERT_STR_CONTAINS(text.buf, "no member is live");
	TEST_DONE();

	fr_buf_release(&json);
	fr_buf_release(&text);
	fr_params_release();
	return TAP_END();
}
