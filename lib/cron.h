/* cron.h -- a crontab(5) line (Pigsty's pg_crontab) as systemd timer calendars. */
/* SPDX-License-Identifier: MIT */
#ifndef FR_CRON_H
#define FR_CRON_H

#include <stddef.h>

#define FR_CRON_CAL 512

struct fr_cron {
	/*
	 * OnCalendar= specifications, local time as cron's: one, or two when both day fields
	 * restrict (cron fires when either matches; a timer with two OnCalendar= lines does too).
	 */
	char calendar[2][FR_CRON_CAL];
	int ncal;
	/* the command: the rest of the line, trimmed (a pointer into it), and its length */
	const char *command;
	size_t command_len;
};

/*
 * Parse "<minute> <hour> <day of month> <month> <day of week> <command>" or "@hourly|@daily|
 * @midnight|@weekly|@monthly|@yearly|@annually <command>" as Vixie cron reads it: lists, ranges,
 * steps, month and weekday names, 7 for Sunday. NULL when it is one, else what is wrong (a static
 * string). A '%' (cron makes it a newline and standard input), @reboot and a control
 * character are refused.
 */
const char *fr_cron_parse(const char *line, struct fr_cron *out);

#endif
