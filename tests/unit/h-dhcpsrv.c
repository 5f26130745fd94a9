/* h-dhcpsrv.c: test harness that puts the protocol engine (dhcp, lease,
 * dhcpsrv) on a UDP socket so that real clients (dhclient, udhcpc, dhcpcd,
 * dhcrelay, perfdhcp) can talk to it inside a test's network namespace.
 * Not the daemon: no privilege separation, no configuration file, one
 * interface, a fixed rack layout.
 *
 *	h-dhcpsrv IFNAME SERVER-IP LEASE-DIR
 *
 * Subnet 10.99.0.0/16 (direct, pool 10.99.0.100-10.99.0.199, router
 * SERVER-IP) and 10.98.0.0/24 (through relays, pool .100-.199).  Class
 * "pnp" (option 60 "ciscopnp"): 43 = Cisco PnP; class "junos" (60
 * "Juniper-*"): Juniper 43 sub-options, 66, 67.  One line per event on
 * stdout: TYPE EVENT IP MAC [class=...] [circuit=...] [why=...].  Each turn
 * of its loop handles up to 32 datagrams and syncs the lease journal once
 * before sending their replies (group commit).  Runs until SIGTERM. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dhcpsrv.h"
#include "str.h"

#define BATCH 32
#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* the ARP entry a unicast to a client without an address needs */
static void arp_set(int fd, const char *ifname, uint32_t ip,
		    const uint8_t *mac)
{
	struct arpreq r;
	struct sockaddr_in *sin = (struct sockaddr_in *)&r.arp_pa;

	memset(&r, 0, sizeof r);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(ip);
	r.arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(r.arp_ha.sa_data, mac, 6);
	r.arp_flags = ATF_COM;
	snprintf(r.arp_dev, sizeof r.arp_dev, "%s", ifname);
	if (ioctl(fd, SIOCSARP, &r) < 0)
		fprintf(stderr, "h-dhcpsrv: SIOCSARP: %s\n", strerror(errno));
}

int main(int argc, char **argv)
{
	static struct ztp_dhcp_pkt pkts[BATCH];
	static struct ztp_dhcpsrv_out outs[BATCH];
	static uint8_t buf[ZTP_DHCP_PKT_MAX], pnp[64], jun[128];
	static uint32_t dns[1];
	struct ztp_dhcpsrv_class cls[2];
	struct ztp_dhcpsrv_subnet sn[2];
	struct ztp_dhcpsrv_config cfg;
	struct ztp_dhcp_juniper j = { "jinstall-ex.tgz", "ex2300.conf", NULL,
				      "http", NULL };
	struct ztp_buf b = ZTP_BUF_INIT, eb = ZTP_BUF_INIT;
	struct ztp_lease_db *db;
	struct ztp_err e;
	struct sockaddr_in sa;
	uint32_t sid;
	int fd, on = 1, ifindex;
	size_t pnplen, junlen;

	if (argc != 4 || ztp_dhcp_ip_parse(argv[2], &sid) < 0) {
		fprintf(stderr, "usage: h-dhcpsrv IFNAME SERVER-IP LEASE-DIR\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[1]);
	dns[0] = sid;
	ztp_dhcp_enc_cisco_pnp(&b, sid, 80, 0, 1, NULL);
	memcpy(pnp, b.p, pnplen = b.len);
	ztp_buf_reset(&b);
	ztp_dhcp_enc_juniper(&b, &j, NULL);
	memcpy(jun, b.p, junlen = b.len);
	ztp_buf_free(&b);
	memset(cls, 0, sizeof cls);
	cls[0].name = "pnp";
	cls[0].vendor_class = "ciscopnp";
	cls[0].vendor_opts = pnp;
	cls[0].vendor_len = pnplen;
	cls[1].name = "junos";
	cls[1].vendor_class = "Juniper-*";
	cls[1].vendor_opts = jun;
	cls[1].vendor_len = junlen;
	cls[1].tftp_server = argv[2];
	cls[1].bootfile = "ex2300.conf";
	memset(sn, 0, sizeof sn);
	sn[0].tag = 0;
	sn[0].network = IP(10, 99, 0, 0);
	sn[0].mask = IP(255, 255, 0, 0);
	sn[0].router = sid;
	sn[0].dns = dns;
	sn[0].ndns = 1;
	sn[0].domain = "rack1.ztp.test";
	sn[0].lease_time = 3600;
	sn[1].tag = 1;
	sn[1].network = IP(10, 98, 0, 0);
	sn[1].mask = IP(255, 255, 255, 0);
	sn[1].router = IP(10, 98, 0, 1);
	sn[1].lease_time = 1800;
	memset(&cfg, 0, sizeof cfg);
	cfg.server_id = sid;
	cfg.subnets = sn;
	cfg.nsubnets = 2;
	cfg.classes = cls;
	cfg.nclasses = 2;
	cfg.offer_time = 30;
	cfg.quarantine_time = 600;
	cfg.max_reply = 1500 - 28;

	if (ztp_lease_open(&db, argv[3], &e) < 0 ||
	    ztp_lease_add_pool(db, 0, IP(10, 99, 0, 100), IP(10, 99, 0, 199),
			       &e) < 0 ||
	    ztp_lease_add_pool(db, 1, IP(10, 98, 0, 100), IP(10, 98, 0, 199),
			       &e) < 0) {
		fprintf(stderr, "h-dhcpsrv: %s\n", e.msg);
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(67);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, argv[1],
		       (socklen_t)strlen(argv[1])) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fprintf(stderr, "h-dhcpsrv: cannot listen on %s:67: %s\n",
			argv[1], strerror(errno));
		return 1;
	}
	{
		struct sigaction act;

		/* no SA_RESTART: recv() must return EINTR to see stop */
		memset(&act, 0, sizeof act);
		act.sa_handler = on_term;
		sigaction(SIGTERM, &act, NULL);
		sigaction(SIGINT, &act, NULL);
	}
	printf("READY\n");
	fflush(stdout);
	/* one turn of the loop: up to BATCH datagrams, one lease sync (group
	 * commit), then the replies */
	while (!stop) {
		struct ztp_dhcpsrv_in in;
		struct ztp_dhcp_relay ri;
		struct sockaddr_in to;
		char ip[16], mac[18];
		int nb = 0, k, need_sync = 0, synced = 1;

		for (nb = 0; nb < BATCH; nb++) {
			ssize_t n = recv(fd, buf, sizeof buf,
					 nb ? MSG_DONTWAIT : 0);

			if (n < 0) {
				if (errno == EINTR || errno == EAGAIN ||
				    errno == EWOULDBLOCK)
					break;
				fprintf(stderr, "h-dhcpsrv: recv: %s\n",
					strerror(errno));
				return 1;
			}
			outs[nb].msgtype = 0;
			if (ztp_dhcp_parse(&pkts[nb], buf, (size_t)n, &e) < 0) {
				fprintf(stderr, "h-dhcpsrv: %s\n", e.msg);
				continue;
			}
			in.pkt = &pkts[nb];
			in.ifindex = ifindex;
			in.now = time(NULL);
			if (ztp_dhcpsrv_handle(&cfg, db, &in, &outs[nb], &e) < 0) {
				fprintf(stderr, "h-dhcpsrv: %s\n", e.msg);
				outs[nb].msgtype = 0;
				continue;
			}
			need_sync |= outs[nb].must_sync;
		}
		if (need_sync && ztp_lease_sync(db, &e) < 0) {
			fprintf(stderr, "h-dhcpsrv: %s\n", e.msg);
			synced = 0;	/* never ACK what is not on disk */
		}
		for (k = 0; k < nb; k++) {
			struct ztp_dhcpsrv_out *out = &outs[k];
			struct ztp_dhcp_pkt *pkt = &pkts[k];

			if (out->event == ZTP_EV_NONE)
				continue;
			ztp_dhcp_ip_fmt(out->ip, ip);
			ztp_mac_format(pkt->chaddr, mac);
			ztp_buf_reset(&eb);
			if (ztp_dhcp_relay_info(pkt, &ri) == 1) {
				ztp_buf_adds(&eb, " circuit=");
				ztp_escape(&eb, (const char *)ri.circuit_id.p,
					   ri.circuit_id.len);
			}
			if (out->why) {
				ztp_buf_adds(&eb, " why=");
				ztp_escape(&eb, out->why, strlen(out->why));
			}
			printf("%s %s %s %s%s%s%s\n",
			       ztp_dhcp_msgtype_name(ztp_dhcp_msgtype(pkt)),
			       ztp_dhcpsrv_event_name(out->event), ip, mac,
			       out->cls ? " class=" : "",
			       out->cls ? out->cls->name : "",
			       eb.p ? eb.p : "");
			if (!out->msgtype || (out->must_sync && !synced))
				continue;
			memset(&to, 0, sizeof to);
			to.sin_family = AF_INET;
			to.sin_port = htons(out->dest_port);
			to.sin_addr.s_addr = htonl(out->dest_ip);
			if (out->dest == ZTP_DEST_HWADDR)
				arp_set(fd, argv[1], out->dest_ip, pkt->chaddr);
			if (sendto(fd, out->buf, out->len, 0,
				   (struct sockaddr *)&to, sizeof to) < 0)
				fprintf(stderr, "h-dhcpsrv: sendto: %s\n",
					strerror(errno));
		}
		fflush(stdout);
	}
	ztp_buf_free(&eb);
	ztp_lease_close(db);
	close(fd);
	return 0;
}
