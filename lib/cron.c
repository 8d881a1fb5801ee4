/* cron.c -- a crontab(5) line (Pigsty's pg_crontab) as systemd timer calendars. */
/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cron.h"

struct field {
	const char *what;
	int lo, hi;
	const char *const *names; /* three-letter names, the first one worth base */
	int base;
};

static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
				      "jul", "aug", "sep", "oct", "nov", "dec", NULL };
static const char *const weekdays[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL };
/* systemd's names, Sunday first as cron counts */
static const char *const sd_weekdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

static const struct field fields[5] = {
	{ "minute", 0, 59, NULL, 0 },	   { "hour", 0, 23, NULL, 0 },	     { "day of month", 1, 31, NULL, 0 },
	{ "month", 1, 12, months, 1 }, { "day of week", 0, 7, weekdays, 0 },
};

/* One value at *p (digits, or a name where the field has them), advancing *p. 0 or -1. */
static int value(const char **p, const char *end, const struct field *f, int *v)
{
	const char *s = *p;
	int n = 0, digits = 0;
	size_t i;

	while (s < end && isdigit((unsigned char)*s) && digits < 3) {
		n = n * 10 + (*s++ - '0');
		digits++;
	}
	if (digits == 0 && f->names && end - s >= 3) {
		for (i = 0; f->names[i]; i++)
			if (strncasecmp(s, f->names[i], 3) == 0) {
				n = (int)i + f->base;
				s += 3;
				digits = 1;
				break;
			}
	}
	if (digits == 0 || (s < end && isdigit((unsigned char)*s)) || n < f->lo || n > f->hi)
		return -1;
	*p = s;
	*v = n;
	return 0;
}

/* A field's items ("*", "a", "a-b", each with an optional "/step"; ", " between) as a set. */
static int parse_field(const char *s, const char *end, const struct field *f, unsigned long long *set)
{
	*set = 0;
	while (s < end) {
		int a, b, step = 1, x;

		if (*s == '*') {
			a = f->lo;
			b = f->hi;
			s++;
		} else {
			if (value(&s, end, f, &a) < 0)
				return -1;
			b = a;
			if (s < end && *s == '-') {
				s++;
				if (value(&s, end, f, &b) < 0 || b < a)
					return -1;
			}
		}
		if (s < end && *s == '/') {
			const struct field num = { f->what, 1, f->hi, NULL, 0 };
			int single = b == a && s[-1] != '*';

			s++;
			if (single || value(&s, end, &num, &step) < 0)
				return -1;
		}
		for (x = a; x <= b; x += step)
			*set |= 1ULL << x;
		if (s < end && *s != ',')
			return -1;
		if (s < end && ++s == end)
			return -1; /* a trailing comma */
	}
	return *set ? 0 : -1;
}

static int full(unsigned long long set, int lo, int hi)
{
	int x;

	for (x = lo; x <= hi; x++)
		if (!(set & (1ULL << x)))
			return 0;
	return 1;
}

/* A calendar component: "*", or the set's values, comma-separated (two digits where pad). */
static void component(char *out, size_t n, unsigned long long set, int lo, int hi, int pad)
{
	size_t len = 0;
	int x;

	if (full(set, lo, hi)) {
		snprintf(out, n, "*");
		return;
	}
	out[0] = '\0';
	for (x = lo; x <= hi; x++)
		if (set & (1ULL << x))
			len += (size_t)snprintf(out + len, n - len, pad ? "%s%02d" : "%s%d", len ? "," : "", x);
}

static void weekdays_component(char *out, size_t n, unsigned long long set)
{
	size_t len = 0;
	int x;

	out[0] = '\0';
	for (x = 0; x < 7; x++)
		if (set & (1ULL << x))
			len += (size_t)snprintf(out + len, n - len, "%s%s", len ? "," : "", sd_weekdays[x]);
}

const char *fr_cron_parse(const char *line, struct fr_cron *out)
{
	static const struct {
		const char *name, *fields;
	} specials[] = { { "@hourly", "0 * * * *" },   { "@daily", "0 0 * * *" },   { "@midnight", "0 0 * * *" },
			 { "@weekly", "0 0 * * 0" },   { "@monthly", "0 0 1 * *" }, { "@yearly", "0 0 1 1 *" },
			 { "@annually", "0 0 1 1 *" } };
	unsigned long long set[5];
	char min[200], hour[80], dom[100], mon[40], dow[40];
	const char *p = line, *src, *cmd, *e;
	int star[5], i;
	size_t k;

	memset(out, 0, sizeof(*out));
	if (line == NULL || *line == '\0')
		return "is empty: '<minute> <hour> <day> <month> <weekday> <command>'";
	for (e = line; *e; e++)
		if (((unsigned char)*e < 0x20 && *e != '\t') || *e == 0x7f)
			return "has a control character";
	while (*p == ' ' || *p == '\t')
		p++;
	src = p;
	if (*p == '@') {
		size_t len = strcspn(p, " \t");

		for (k = 0; k < sizeof(specials) / sizeof(specials[0]); k++)
			if (strlen(specials[k].name) == len && strncmp(p, specials[k].name, len) == 0)
				break;
		if (k == sizeof(specials) / sizeof(specials[0]))
			return strncmp(p, "@reboot", 7) == 0 ? "uses @reboot, which a timer does not mean: not supported"
							     : "has an unknown @ schedule (@hourly, @daily, @weekly, "
							       "@monthly, @yearly)";
		src = specials[k].fields;
		p += len;
	}
	/* the five fields, from src (the line, or a special's expansion) */
	{
		const char *s = src;

		for (i = 0; i < 5; i++) {
			const char *f;

			while (*s == ' ' || *s == '\t')
				s++;
			f = s;
			s += strcspn(s, " \t");
			if (f == s)
				return "has fewer than five time fields and a command";
			star[i] = *f == '*';
			if (parse_field(f, s, &fields[i], &set[i]) < 0) {
				static char msg[5][96];

				snprintf(msg[i], sizeof(msg[i]), "has a bad %s field (%d-%d, a range, a list or a step)",
					 fields[i].what, fields[i].lo, fields[i].hi);
				return msg[i];
			}
		}
		if (src == p)
			p = s;
	}
	if (set[4] & (1ULL << 7))
		set[4] = (set[4] & ~(1ULL << 7)) | 1ULL;
	while (*p == ' ' || *p == '\t')
		p++;
	cmd = p;
	e = cmd + strlen(cmd);
	while (e > cmd && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e == cmd)
		return "has no command after its five time fields";
	if (memchr(cmd, '%', (size_t)(e - cmd)))
		return "has a '%' in its command (cron makes it a newline): not supported";
	if (e - cmd > 1024)
		return "has a command longer than 1024 characters";
	out->command = cmd;
	out->command_len = (size_t)(e - cmd);
	component(min, sizeof(min), set[0], 0, 59, 1);
	component(hour, sizeof(hour), set[1], 0, 23, 1);
	component(dom, sizeof(dom), set[2], 1, 31, 0);
	component(mon, sizeof(mon), set[3], 1, 12, 0);
	weekdays_component(dow, sizeof(dow), set[4]);
	if (!star[2] && !star[4]) {
		/* both days restrict: cron fires on either; a timer's OnCalendar= lines are ORed too */
		snprintf(out->calendar[0], FR_CRON_CAL, "*-%s-%s %s:%s:00", mon, dom, hour, min);
		snprintf(out->calendar[1], FR_CRON_CAL, "%s *-%s-* %s:%s:00", dow, mon, hour, min);
		out->ncal = 2;
	} else {
		int alldays = full(set[4], 0, 6);

		snprintf(out->calendar[0], FR_CRON_CAL, "%s%s*-%s-%s %s:%s:00", alldays ? "" : dow, alldays ? "" : " ", mon,
			 dom, hour, min);
		out->ncal = 1;
	}
	return NULL;
}
