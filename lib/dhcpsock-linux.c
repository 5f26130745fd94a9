/* dhcpsock-linux.c: the DHCP server's socket on Linux (see dhcpsock.h):
 * recvmmsg/sendmmsg, IP_PKTINFO, SIOCSARP. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if_arp.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dhcpsock-int.h"
#include "val.h"

/* a control message with one in_pktinfo, aligned for struct cmsghdr
 * (not a union with it: its flexible array member may not sit inside) */
struct pktinfo_cm {
	alignas(struct cmsghdr) char b[CMSG_SPACE(sizeof(struct in_pktinfo))];
};

struct linux_bufs {
	struct mmsghdr *mm;
	struct iovec *iov;
	struct sockaddr_in *to;
	struct pktinfo_cm *cm;
};

int ztp_dhcpsock_open(struct ztp_dhcpsock **sp, uint16_t port, int batch, struct ztp_err *e)
{
	struct ztp_dhcpsock *s;
	struct linux_bufs *lb;
	struct sockaddr_in sa;
	int fd, on = 1, sz = 1 << 20;

	*sp = NULL;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return ztp_err_sys(e, "open a UDP socket");
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		ztp_err_sys(e, "listen on UDP port %u", (unsigned)port);
		close(fd);
		return ZTP_ERR_SYS;
	}
	/* a burst waits in the kernel rather than being dropped */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	if (batch < 1)
		batch = 1;
	s = ztp_xcalloc(1, sizeof *s);
	lb = ztp_xcalloc(1, sizeof *lb);
	lb->mm = ztp_xcalloc((size_t)batch, sizeof *lb->mm);
	lb->iov = ztp_xcalloc((size_t)batch, sizeof *lb->iov);
	lb->to = ztp_xcalloc((size_t)batch, sizeof *lb->to);
	lb->cm = ztp_xcalloc((size_t)batch, sizeof *lb->cm);
	s->fd = fd;
	s->batch = batch;
	s->os = lb;
	*sp = s;
	return 0;
}

void ztp_dhcpsock_close(struct ztp_dhcpsock *s)
{
	struct linux_bufs *lb;

	if (!s)
		return;
	lb = s->os;
	free(lb->mm);
	free(lb->iov);
	free(lb->to);
	free(lb->cm);
	free(lb);
	close(s->fd);
	free(s);
}

int ztp_dhcpsock_recv(struct ztp_dhcpsock *s, struct ztp_dhcpsock_rx *rx, int n,
		      struct ztp_err *e)
{
	struct linux_bufs *lb = s->os;
	struct cmsghdr *c;
	int i, got;

	if (n > s->batch)
		n = s->batch;
	for (i = 0; i < n; i++) {
		struct msghdr *h = &lb->mm[i].msg_hdr;

		lb->iov[i].iov_base = rx[i].buf;
		lb->iov[i].iov_len = sizeof rx[i].buf;
		memset(&lb->mm[i], 0, sizeof lb->mm[i]);
		h->msg_name = &rx[i].from;
		h->msg_namelen = sizeof rx[i].from;
		h->msg_iov = &lb->iov[i];
		h->msg_iovlen = 1;
		h->msg_control = lb->cm[i].b;
		h->msg_controllen = sizeof lb->cm[i].b;
	}
	do
		got = recvmmsg(s->fd, lb->mm, (unsigned)n, MSG_DONTWAIT, NULL);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return ztp_err_sys(e, "recvmmsg");
	}
	for (i = 0; i < got; i++) {
		rx[i].len = lb->mm[i].msg_len;
		rx[i].ifindex = 0;
		for (c = CMSG_FIRSTHDR(&lb->mm[i].msg_hdr); c;
		     c = CMSG_NXTHDR(&lb->mm[i].msg_hdr, c))
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(c), sizeof pi);
				rx[i].ifindex = pi.ipi_ifindex;
			}
	}
	return got;
}

/* An ARP entry for a client without an address, so that a unicast
 * reaches it; 0, or -1 when the reply must be broadcast instead. */
static int arp_entry(struct ztp_dhcpsock *s, const struct ztp_dhcpsock_tx *tx)
{
	struct arpreq r;
	struct sockaddr_in *sin = (struct sockaddr_in *)&r.arp_pa;

	if (s->arp_refused || !tx->ifname)
		return -1;
	memset(&r, 0, sizeof r);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(tx->ip);
	r.arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(r.arp_ha.sa_data, tx->hw, 6);
	r.arp_flags = ATF_COM;
	memcpy(r.arp_dev, tx->ifname, strnlen(tx->ifname, sizeof r.arp_dev - 1));
	if (ioctl(s->fd, SIOCSARP, &r) < 0) {
		if (errno == EPERM)
			s->arp_refused = 1;
		return -1;
	}
	return 0;
}

/* slot i of the batch for tx */
static void prep(struct ztp_dhcpsock *s, struct ztp_dhcpsock_tx *tx, int i)
{
	struct linux_bufs *lb = s->os;
	struct msghdr *h = &lb->mm[i].msg_hdr;

	if (tx->hw && arp_entry(s, tx) < 0)
		tx->ip = 0xffffffffu;
	memset(&lb->mm[i], 0, sizeof lb->mm[i]);
	memset(&lb->to[i], 0, sizeof lb->to[i]);
	lb->to[i].sin_family = AF_INET;
	lb->to[i].sin_port = htons(tx->port);
	lb->to[i].sin_addr.s_addr = htonl(tx->ip);
	lb->iov[i].iov_base = (void *)tx->buf;
	lb->iov[i].iov_len = tx->len;
	h->msg_name = &lb->to[i];
	h->msg_namelen = sizeof lb->to[i];
	h->msg_iov = &lb->iov[i];
	h->msg_iovlen = 1;
	if (tx->ifindex > 0) {
		struct in_pktinfo pi;
		struct cmsghdr *c;

		memset(&lb->cm[i], 0, sizeof lb->cm[i]);
		h->msg_control = lb->cm[i].b;
		h->msg_controllen = sizeof lb->cm[i].b;
		c = CMSG_FIRSTHDR(h);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof pi);
		memset(&pi, 0, sizeof pi);
		pi.ipi_ifindex = tx->ifindex;
		pi.ipi_spec_dst.s_addr = htonl(tx->src);
		memcpy(CMSG_DATA(c), &pi, sizeof pi);
	}
}

void ztp_dhcpsock_send(struct ztp_dhcpsock *s, struct ztp_dhcpsock_tx *tx, int n,
		       void (*fail)(void *ctx, const struct ztp_dhcpsock_tx *tx,
				    const char *why),
		       void *ctx)
{
	struct linux_bufs *lb = s->os;
	int done = 0;

	while (done < n) {
		int k = n - done < s->batch ? n - done : s->batch, i = 0, r;

		for (i = 0; i < k; i++)
			prep(s, &tx[done + i], i);
		/* as few sendmmsg calls as possible; a reply that fails is
		 * reported and the rest go on */
		i = 0;
		while (i < k) {
			if ((r = sendmmsg(s->fd, &lb->mm[i], (unsigned)(k - i), 0)) > 0) {
				i += r;
				continue;
			}
			if (r < 0 && errno == EINTR)
				continue;
			if (fail)
				fail(ctx, &tx[done + i], r < 0 ? strerror(errno) : "not sent");
			i++;
		}
		done += k;
	}
}
