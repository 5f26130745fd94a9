/* dhcpsrv.h: the DHCPv4 server's decisions (RFC 2131 4.3), no I/O.
 *
 * ztp_dhcpsrv_handle() takes one parsed request, the configuration and the
 * lease database, and produces the reply (OFFER, ACK, NAK or nothing), where
 * it goes, and the lease changes (already made in the database and
 * journaled, not yet synced: when out->must_sync is set the caller runs
 * ztp_lease_sync() before it sends anything, once per batch).
 *
 *	DISCOVER  pick an address (reservation, the client's own, the one it
 *		  asked for, a free one), record an offer, OFFER
 *	REQUEST   SELECTING (server id): ours -> ACK or NAK; another
 *		  server's -> drop our offer, no reply
 *		  INIT-REBOOT (requested ip, no ciaddr): wrong subnet or
 *		  another's address -> NAK; ours -> ACK; unknown -> silent
 *		  (NAK when authoritative)
 *		  RENEWING / REBINDING (ciaddr): ours -> ACK; another's ->
 *		  NAK; unknown -> silent (NAK when authoritative)
 *	DECLINE   quarantine the address, no reply
 *	RELEASE   release, no reply
 *	INFORM    ACK with the options and no lease
 *
 * The subnet of a request: relayed, the subnet listing its giaddr in
 * .relays, else the one holding the relay's link selection (RFC 3527) or
 * giaddr unless that subnet lists other relays; else the subnet of ciaddr;
 * else the first subnet on the interface it came in on.
 *
 * Where a reply goes (RFC 2131 4.1): to the relay (giaddr, port 67); a NAK
 * not relayed is broadcast; to ciaddr when set; broadcast when the client
 * set the broadcast bit or has no Ethernet address (htype 1, hlen 6); else
 * unicast to yiaddr at chaddr, which needs an
 * ARP entry or a packet socket (ZTP_DEST_HWADDR: the caller's job).
 *
 * A daemon's loop (tests/unit/h-dhcpsrv.c is a small working one):
 *	read the datagrams that are waiting (up to a batch)
 *	for each: ztp_dhcp_parse(), ztp_dhcpsrv_handle()
 *	if any out.must_sync: ztp_lease_sync() (one fdatasync for all);
 *	    on failure send none of the replies that needed it
 *	send each reply to its destination; log out.event, out.why;
 *	    out.new_lease and ztp_dhcp_record() make the device record
 *	now and then: ztp_lease_compact_start() when
 *	    ztp_lease_journal_lines() is large, run it in a thread, finish;
 *	    ztp_lease_prune() for leases long over (lib/leasekeep.h does
 *	    the sync, this and its logging for a daemon) */
#ifndef ZTP_DHCPSRV_H
#define ZTP_DHCPSRV_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dhcp.h"
#include "err.h"
#include "lease.h"

/* Options for a class of devices, chosen by option 60 and/or 77 patterns
 * (fnmatch(3); NULL matches anything; both NULL matches every client). */
struct ztp_dhcpsrv_class {
	const char *name;
	const char *vendor_class;	/* pattern on option 60 */
	const char *user_class;		/* pattern on any option 77 class */
	uint32_t next_server;		/* siaddr, 0 none */
	const char *tftp_server;	/* 66 */
	const char *bootfile;		/* 67, and the file field */
	const uint32_t *tftp_ips;	/* 150 (Cisco) */
	size_t ntftp_ips;
	const uint8_t *vendor_opts;	/* 43 as encoded (ztp_dhcp_enc_*) */
	size_t vendor_len;
	const uint8_t *vivso;		/* 125 as encoded (ztp_dhcp_enc_vivso) */
	size_t vivso_len;
};

struct ztp_dhcpsrv_subnet {
	int tag;			/* its pools' tag in the lease db */
	uint32_t network, mask;
	int ifindex;			/* direct clients on this interface
					   (0: any) */
	const uint32_t *relays;		/* relayed requests only from these
					   relay agents (giaddr); they select
					   this subnet even when giaddr is
					   outside it */
	size_t nrelays;
	uint32_t router;		/* 0 none */
	const uint32_t *dns;
	size_t ndns;
	const uint32_t *ntp;
	size_t nntp;
	const char *domain;		/* NULL none */
	uint32_t lease_time;		/* seconds */
	const struct ztp_dhcpsrv_class *classes;	/* tried first */
	size_t nclasses;
};

struct ztp_dhcpsrv_config {
	uint32_t server_id;		/* our address: option 54 */
	const struct ztp_dhcpsrv_subnet *subnets;
	size_t nsubnets;
	const struct ztp_dhcpsrv_class *classes;	/* tried after the
							   subnet's */
	size_t nclasses;
	uint32_t offer_time;		/* how long an offer holds (60) */
	uint32_t quarantine_time;	/* after DECLINE (e.g. 600) */
	int authoritative;		/* NAK what we do not know */
	size_t max_reply;		/* interface MTU - 28; 0 none */
	/* The share of the pools a port may hold (offered or bound, not
	 * over), 0 no cap (see ztp_dhcpsrv_port()): port_leases for a
	 * relay's port named by option 82, and for each hardware address
	 * whatever client ids it sends; link_leases for an interface or a
	 * relay without option 82, which all the devices there share.  A
	 * client that holds an address, or has a reservation, is never
	 * refused by them. */
	uint32_t port_leases, link_leases;
};

struct ztp_dhcpsrv_in {
	const struct ztp_dhcp_pkt *pkt;
	int ifindex;			/* interface it came in on */
	time_t now;
};

enum ztp_dhcpsrv_dest {
	ZTP_DEST_NONE = 0,
	ZTP_DEST_RELAY,		/* dest_ip = giaddr, port 67 */
	ZTP_DEST_BROADCAST,	/* 255.255.255.255, port 68 */
	ZTP_DEST_UNICAST,	/* dest_ip = ciaddr, port 68 */
	ZTP_DEST_HWADDR,	/* dest_ip = yiaddr at chaddr, port 68 */
};

enum ztp_dhcpsrv_event {
	ZTP_EV_NONE = 0,
	ZTP_EV_OFFERED,
	ZTP_EV_BOUND,		/* new lease or renewal (see .new_lease) */
	ZTP_EV_NAKED,
	ZTP_EV_RELEASED,
	ZTP_EV_DECLINED,
	ZTP_EV_INFORMED,
	ZTP_EV_IGNORED,		/* not for us, or not servable: see .why */
};

struct ztp_dhcpsrv_out {
	int msgtype;		/* OFFER, ACK, NAK; 0 when nothing is sent */
	int event;
	const char *why;	/* static text for the log */
	int must_sync;		/* sync the lease db before sending */
	int capped;		/* IGNORED: its port (ZTP_DHCPSRV_CAP_PORT) or
				   its MAC (_CAP_HW) holds its share */
	int new_lease;		/* BOUND: the client had no bound lease */
	uint32_t ip;		/* the address concerned, 0 none */
	const struct ztp_dhcpsrv_subnet *subnet;
	const struct ztp_dhcpsrv_class *cls;
	int dest;
	uint32_t dest_ip;
	uint16_t dest_port;
	size_t len;
	uint8_t buf[ZTP_DHCP_PKT_MAX];
};

#define ZTP_DHCPSRV_CAP_PORT 1
#define ZTP_DHCPSRV_CAP_HW 2

/* Handle one request.  0 with *out filled (out->msgtype 0 when nothing is
 * to be sent); a negative ZTP_ERR_* only for failures of our own (lease
 * journal full, a configured option that cannot fit): the request is then
 * dropped. */
int ztp_dhcpsrv_handle(const struct ztp_dhcpsrv_config *cfg,
		       struct ztp_lease_db *db,
		       const struct ztp_dhcpsrv_in *in,
		       struct ztp_dhcpsrv_out *out, struct ztp_err *e);

/* The class for a request: first match among the subnet's classes, then
 * the global ones; NULL when none. */
const struct ztp_dhcpsrv_class *
ztp_dhcpsrv_match_class(const struct ztp_dhcpsrv_config *cfg,
			const struct ztp_dhcpsrv_subnet *sn,
			const struct ztp_dhcp_pkt *pkt);

const char *ztp_dhcpsrv_event_name(int event);

/* Where a request comes from, its port, as a nonzero hash (kept in its
 * lease, so that it survives restarts while ifindexes do): a relay's port
 * (giaddr with the option 82 circuit id and remote id), or a snooping
 * switch's port (the interface with the circuit id and remote id of an
 * option 82 with giaddr 0, racks.<r>.option82: trusted); else a link, whose
 * devices cannot be told apart (*is_link set): a relay without option 82
 * (giaddr alone) or the interface a direct request came in on.  Option 82
 * is used as it is: forget it first when it does not come from a trusted
 * relay or a trusted snooping switch (ztp_dhcpconf_option82_trusted()).  ztp_dhcpsrv_port_name() writes it for the log into b (escaped;
 * ifname: the interface's name, NULL for its number). */
uint64_t ztp_dhcpsrv_port(const struct ztp_dhcp_pkt *pkt, int ifindex,
			  int *is_link);
void ztp_dhcpsrv_port_name(const struct ztp_dhcp_pkt *pkt, int ifindex,
			   const char *ifname, struct ztp_buf *b);

/* The rate limits (dhcp.rate_limit): a fixed window of interval seconds
 * counts the requests of each client and of each port.  A client is its
 * hardware address and, apart, its option 61: rotating client ids from one
 * MAC (or MACs under one client id) stays one client.  A port is where the
 * request comes from: a relay's port (giaddr and the option 82 circuit id,
 * giaddr alone without one), else the interface it arrived on, so that a
 * flood of random MACs from one place cannot empty a pool.  Clients are
 * counted in a hash table of ZTP_DHCPSRV_RL_SLOTS, ports in one of their
 * own (so a flood of new clients does not push a port's counter out); a
 * collision restarts the window of the slot, it never drops an innocent
 * client.  A limit of 0 is no limit. */
#define ZTP_DHCPSRV_RL_SLOTS 8192
#define ZTP_DHCPSRV_RL_PORT_SLOTS 1024
struct ztp_dhcpsrv_rl_slot {
	uint64_t h;
	time_t start;
	long count;
};
struct ztp_dhcpsrv_rl {
	long long interval, per_mac, per_port;	/* set by the caller */
	unsigned long dropped;			/* requests over a limit */
	struct ztp_dhcpsrv_rl_slot slot[ZTP_DHCPSRV_RL_SLOTS];
	struct ztp_dhcpsrv_rl_slot port[ZTP_DHCPSRV_RL_PORT_SLOTS];
};
/* 1 when the request, received on interface ifindex, is over a limit (and
 * counted in rl->dropped): drop it; else 0.  Option 82 is used as it is:
 * forget it first when it does not come from a trusted relay. */
int ztp_dhcpsrv_rate_limited(struct ztp_dhcpsrv_rl *rl, const struct ztp_dhcp_pkt *pkt,
			     int ifindex, time_t now);

#endif
