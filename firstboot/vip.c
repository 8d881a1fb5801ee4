/* vip.c -- `farrow-firstboot vip`: pg_vip_address on this node while its Patroni leads. */
/* SPDX-License-Identifier: MIT */
/*
 * Debian's vip-manager (1.0.2, in Debian 12 and 13) reads etcd through its v2 API only, and
 * Patroni keeps its keys in etcd's v3 store: it never sees a leader. This keeper asks what
 * haproxy asks, the local Patroni's REST API: /primary answers 200 while this member holds the
 * leader lock (a member cut off from etcd demotes itself and stops answering 200). Each second
 * it makes the address present or absent accordingly (iproute2), announcing a gain with
 * gratuitous ARP so that neighbours forget the old holder; on SIGTERM it removes the address.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <netpacket/packet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fb.h"
#include "pgsql.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Gratuitous ARP requests for ip from iface (three, as arping -U does), so the segment learns its new holder. */
static void announce(const char *iface, const char *ip)
{
	struct {
		struct arphdr h;
		unsigned char sha[ETH_ALEN], spa[4], tha[ETH_ALEN], tpa[4];
	} __attribute__((packed)) pkt;
	struct sockaddr_ll to = { 0 };
	struct ifreq ifr = { 0 };
	struct in_addr a;
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP)), i;

	if (fd < 0 || inet_pton(AF_INET, ip, &a) != 1)
		goto out;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		goto out;
	memset(&pkt, 0, sizeof(pkt));
	pkt.h.ar_hrd = htons(ARPHRD_ETHER);
	pkt.h.ar_pro = htons(ETH_P_IP);
	pkt.h.ar_hln = ETH_ALEN;
	pkt.h.ar_pln = 4;
	pkt.h.ar_op = htons(ARPOP_REQUEST);
	memcpy(pkt.sha, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	memcpy(pkt.spa, &a, 4);
	memcpy(pkt.tpa, &a, 4);
	to.sll_family = AF_PACKET;
	to.sll_protocol = htons(ETH_P_ARP);
	to.sll_ifindex = (int)if_nametoindex(iface);
	to.sll_halen = ETH_ALEN;
	memset(to.sll_addr, 0xff, ETH_ALEN);
	for (i = 0; i < 3 && to.sll_ifindex > 0; i++) {
		if (sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			break;
		usleep(200000);
	}
out:
	if (fd >= 0)
		close(fd);
}

/* Whether iface holds vip (address/prefix), by `ip -o -4 addr show dev iface`. */
static int holds(struct fb *fb, const char *iface, const char *vip)
{
	const char *argv[] = { "ip", "-o", "-4", "addr", "show", "dev", iface, NULL };
	struct fr_buf out = FR_BUF_INIT;
	char needle[64];
	int r;

	snprintf(needle, sizeof(needle), " %s ", vip);
	r = fb_run(fb, argv, NULL, &out) == 0 && out.buf && strstr(out.buf, needle) != NULL;
	fr_buf_release(&out);
	return r;
}

/* ip addr add|del; a failure is logged once until the next success (the loop retries every second). */
static int set_addr(struct fb *fb, const char *verb, const char *iface, const char *vip)
{
	static int failing;
	const char *argv[] = { "ip", "-4", "addr", verb, vip, "dev", iface, NULL };
	struct fr_buf out = FR_BUF_INIT;
	int r = fb_run(fb, argv, NULL, &out);

	if (r != 0 && !failing)
		fb_fail(fb, "ip addr %s %s dev %s: %s", verb, vip, iface,
			out.len ? strtok(out.buf, "\n") : "failed (is CAP_NET_ADMIN missing?)");
	failing = r != 0;
	fr_buf_release(&out);
	return r;
}

int fb_vip(struct fb *fb)
{
	struct pg pg;
	const char *vip = fb_str(fb, "pg_vip_address", NULL), *iface = fb_str(fb, "pg_vip_interface", "eth0");
	char ip[32];
	struct sigaction sa;
	int had = -1;

	if (!fb_bool(fb, "pg_vip_enabled", 0) || vip == NULL)
		return fb_fail(fb, "pg_vip_enabled is not true in this node's profile: no VIP to keep");
	if (pg_init(fb, &pg) < 0)
		return -1;
	snprintf(ip, sizeof(ip), "%.*s", (int)strcspn(vip, "/"), vip);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fb_log(fb, "keeping %s on %s while %s leads %s (Patroni's /primary on port %lld)", vip, iface, pg.instance,
	       pg.cluster, pg.patroni_port);
	while (!stop) {
		int lead = fb_http_status("127.0.0.1", (int)pg.patroni_port, "/primary", 1000) == 200;
		int has = holds(fb, iface, vip);

		if (lead && !has) {
			if (set_addr(fb, "add", iface, vip) == 0) {
				announce(iface, ip);
				fb_log(fb, "%s leads: %s added on %s and announced", pg.instance, vip, iface);
			}
		} else if (!lead && has && set_addr(fb, "del", iface, vip) == 0)
			fb_log(fb, "%s does not lead: %s removed from %s", pg.instance, vip, iface);
		else if (lead != had && had >= 0)
			fb_log(fb, "%s %s", pg.instance, lead ? "leads" : "does not lead");
		had = lead;
		sleep(1);
	}
	if (holds(fb, iface, vip) && set_addr(fb, "del", iface, vip) == 0)
		fb_log(fb, "stopping: %s removed from %s", vip, iface);
	return 0;
}
