/* dhcpsock.h: the DHCP server's socket, behind the OS seam.
 *
 * One UDP socket on 0.0.0.0:67 that tells the interface each datagram
 * came in on (the subnet of a direct client) and sends each reply from the
 * server's address out of a chosen interface.  configure picks one of:
 *   lib/dhcpsock-linux.c  recvmmsg/sendmmsg (a batch per system call),
 *                         IP_PKTINFO, and a reply to a client without an
 *                         address unicast after an ARP entry (SIOCSARP, as
 *                         ISC dhcpd does without a packet socket); broadcast
 *                         on the interface when that is refused
 *   lib/dhcpsock-posix.c  recvmsg/sendmsg one at a time, IP_PKTINFO where
 *                         the system has it, such replies broadcast
 * lib/dhcpsock.c holds what every system shares: the interfaces of the
 * configuration, and interface names by index. */
#ifndef ZTP_DHCPSOCK_H
#define ZTP_DHCPSOCK_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp.h"
#include "err.h"

struct ztp_dhcpconf;

/* one datagram received */
struct ztp_dhcpsock_rx {
	uint8_t buf[ZTP_DHCP_PKT_MAX];
	size_t len;
	struct sockaddr_in from;
	int ifindex;		/* the interface it came in on; 0: unknown */
};

/* one reply to send */
struct ztp_dhcpsock_tx {
	const uint8_t *buf;
	size_t len;
	uint32_t ip;		/* destination, host order (0xffffffff: broadcast) */
	uint16_t port;
	int ifindex;		/* out of this interface, from src (0: routed) */
	uint32_t src;		/* the server's address, host order */
	const uint8_t *hw;	/* unicast to ip at this Ethernet address (a
				   client without an address), or NULL */
	const char *ifname;	/* the name of ifindex, for hw */
	int msgtype;		/* for messages */
};

struct ztp_dhcpsock;

/* Listen on UDP port (67) of every interface; batch: the most datagrams
 * one call reads or sends.  0 or a ZTP_ERR_* (ZTP_ERR_SYS, e->sys
 * EADDRINUSE: another server holds the port). */
int ztp_dhcpsock_open(struct ztp_dhcpsock **s, uint16_t port, int batch, struct ztp_err *e);
void ztp_dhcpsock_close(struct ztp_dhcpsock *s);
int ztp_dhcpsock_fd(const struct ztp_dhcpsock *s);
/* Read up to n (at most batch) waiting datagrams without waiting: how
 * many (0: none), or ZTP_ERR_SYS. */
int ztp_dhcpsock_recv(struct ztp_dhcpsock *s, struct ztp_dhcpsock_rx *rx, int n,
		      struct ztp_err *e);
/* Send n replies (tx may be changed: a refused ARP entry turns a unicast
 * into a broadcast); one that cannot be sent is given to fail with the
 * reason, and the rest go on. */
void ztp_dhcpsock_send(struct ztp_dhcpsock *s, struct ztp_dhcpsock_tx *tx, int n,
		       void (*fail)(void *ctx, const struct ztp_dhcpsock_tx *tx,
				    const char *why),
		       void *ctx);
/* 1 once, the first time the system refused an ARP entry (no
 * CAP_NET_ADMIN after dropping root): from then on such replies are
 * broadcast.  For the log. */
int ztp_dhcpsock_arp_refused(struct ztp_dhcpsock *s);

/* The interface name of ifindex into buf, NULL when none; the answers are
 * kept (if_indextoname opens a socket per call) until ..._forget (at a
 * reload: interfaces may have changed). */
const char *ztp_dhcpsock_ifname(struct ztp_dhcpsock *s, int ifindex, char buf[IF_NAMESIZE]);
void ztp_dhcpsock_forget(struct ztp_dhcpsock *s);
/* The interface indexes of cf's subnets and dhcp.interfaces, and option
 * 54 from an interface address when dhcp.server_id is not set.  0 or
 * ZTP_ERR_CONFIG naming the interface. */
int ztp_dhcpsock_resolve(struct ztp_dhcpconf *cf, struct ztp_err *e);

#endif
