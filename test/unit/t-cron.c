/* t-cron.c -- unit tests of lib/cron.c: crontab lines as systemd calendars, and what is refused. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cron.h"
#include "tap.h"

/* systemd-analyze, where the machine has it, reads each calendar we make */
static int systemd_reads(const char *cal)
{
	struct fr_buf cmd = FR_BUF_INIT;
	int r;

	if (access("/usr/bin/systemd-analyze", X_OK) != 0)
		return 1;
	fr_buf_adds(&cmd, "/usr/bin/systemd-analyze calendar ");
	fr_buf_add_shq(&cmd, cal);
	fr_buf_adds(&cmd, " >/dev/null 2>&1");
	r = system(cmd.buf);
	fr_buf_release(&cmd);
	return r == 0;
}

int main(void)
{
	static const struct {
		const char *line, *cal0, *cal1, *cmd;
	} good[] = {
		{ "00 01 * * * /pg/bin/pg-backup full", "*-*-* 01:00:00", NULL, "/pg/bin/pg-backup full" },
		{ "00 01 * * 1 /pg/bin/pg-backup full", "Mon *-*-* 01:00:00", NULL, "/pg/bin/pg-backup full" },
		{ "00 01 * * 2,3,4,5,6,7 /pg/bin/pg-backup", "Sun,Tue,Wed,Thu,Fri,Sat *-*-* 01:00:00", NULL,
		  "/pg/bin/pg-backup" },
		{ "*/15 9-17 * * mon-fri  run  it  ", "Mon,Tue,Wed,Thu,Fri *-*-* 09,10,11,12,13,14,15,16,17:00,15,30,45:00",
		  NULL, "run  it" },
		{ "30 4 1,15 * 5 job", "*-*-1,15 04:30:00", "Fri *-*-* 04:30:00", "job" },
		{ "0 0 */2 Jan,JUL * job", "*-1,7-1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31 00:00:00", NULL, "job" },
		{ "5 0 * 1-12/3 0 job", "Sun *-1,4,7,10-* 00:05:00", NULL, "job" },
		{ "@daily job", "*-*-* 00:00:00", NULL, "job" },
		{ "@weekly  job x", "Sun *-*-* 00:00:00", NULL, "job x" },
		{ "\t0 12 * * 7\tjob", "Sun *-*-* 12:00:00", NULL, "job" },
	};
	static const struct {
		const char *line, *msg;
	} bad[] = {
		{ "", "is empty" },
		{ "00 01 * * *", "has no command" },
		{ "00 01 * *", "fewer than five" },
		{ "60 01 * * * job", "minute field" },
		{ "0 24 * * * job", "hour field" },
		{ "0 0 0 * * job", "day of month field" },
		{ "0 0 * 13 * job", "month field" },
		{ "0 0 * * 8 job", "day of week field" },
		{ "0 0 * * fry job", "day of week field" },
		{ "5-1 * * * * job", "minute field" },
		{ "5/10 * * * * job", "minute field" },
		{ "1, * * * * job", "minute field" },
		{ "*/0 * * * * job", "minute field" },
		{ "0 0 * * * date +%F", "'%'" },
		{ "@reboot job", "@reboot" },
		{ "@often job", "unknown @ schedule" },
		{ "0 0 * * * job\nx", "control character" },
	};
	struct fr_cron c;
	size_t i;

	TEST_START("crontab lines as calendars: lists, ranges, steps, names, 7 for Sunday, @ schedules");
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const char *e = fr_cron_parse(good[i].line, &c);

		if (e) {
			TAP_FAIL("%s: %s", good[i].line, e);
			continue;
		}
		ASSERT_STR_EQ(c.calendar[0], good[i].cal0);
		ASSERT_INT_EQ(c.ncal, good[i].cal1 ? 2 : 1);
		if (good[i].cal1)
			ASSERT_STR_EQ(c.calendar[1], good[i].cal1);
		ASSERT_INT_EQ(c.command_len, strlen(good[i].cmd));
		ASSERT_TRUE(strncmp(c.command, good[i].cmd, c.command_len) == 0);
		ASSERT_TRUE(systemd_reads(c.calendar[0]));
		if (c.ncal == 2)
			ASSERT_TRUE(systemd_reads(c.calendar[1]));
	}
	TEST_DONE();

	TEST_START("bad crontab lines: each refused with what is wrong");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *e = fr_cron_parse(bad[i].line, &c);

		if (e == NULL || strstr(e, bad[i].msg) == NULL)
			TAP_FAIL("'%s': %s (expected '%s')", bad[i].line, e ? e : "accepted", bad[i].msg);
	}
	TEST_DONE();

	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
