/* dhcpsock-posix.c: the DHCP server's socket on systems without Linux's
 * extras (see dhcpsock.h): recvmsg/sendmsg one datagram at a time,
 * IP_PKTINFO where the system has it, no ARP entries (a reply to a client
 * without an address is broadcast). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "dhcpsock-int.h"
#include "val.h"

#ifdef IP_PKTINFO
#define CM_SPACE CMSG_SPACE(sizeof(struct in_pktinfo))
#else
#define CM_SPACE CMSG_SPACE(sizeof(int))
#endif

struct cm {
	alignas(struct cmsghdr) char b[CM_SPACE];
};

int ztp_dhcpsock_open(struct ztp_dhcpsock **sp, uint16_t port, int batch, struct ztp_err *e)
{
	struct ztp_dhcpsock *s;
	struct sockaddr_in sa;
	int fd, on = 1;

	*sp = NULL;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return ztp_err_sys(e, "open a UDP socket");
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) < 0 ||
#ifdef IP_PKTINFO
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) < 0 ||
#endif
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		ztp_err_sys(e, "listen on UDP port %u", (unsigned)port);
		close(fd);
		return ZTP_ERR_SYS;
	}
	s = ztp_xcalloc(1, sizeof *s);
	s->fd = fd;
	s->batch = batch < 1 ? 1 : batch;
	*sp = s;
	return 0;
}

void ztp_dhcpsock_close(struct ztp_dhcpsock *s)
{
	if (!s)
		return;
	close(s->fd);
	free(s);
}

int ztp_dhcpsock_recv(struct ztp_dhcpsock *s, struct ztp_dhcpsock_rx *rx, int n,
		      struct ztp_err *e)
{
	int i;

	if (n > s->batch)
		n = s->batch;
	for (i = 0; i < n; i++) {
		struct msghdr h;
		struct iovec iov;
		struct cm cm;
		ssize_t r;

		memset(&h, 0, sizeof h);
		iov.iov_base = rx[i].buf;
		iov.iov_len = sizeof rx[i].buf;
		h.msg_name = &rx[i].from;
		h.msg_namelen = sizeof rx[i].from;
		h.msg_iov = &iov;
		h.msg_iovlen = 1;
		h.msg_control = cm.b;
		h.msg_controllen = sizeof cm.b;
		do
			r = recvmsg(s->fd, &h, MSG_DONTWAIT);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return i ? i : ztp_err_sys(e, "recvmsg");
		}
		rx[i].len = (size_t)r;
		rx[i].ifindex = 0;
#ifdef IP_PKTINFO
		{
			struct cmsghdr *c;

			for (c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c))
				if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
					struct in_pktinfo pi;

					memcpy(&pi, CMSG_DATA(c), sizeof pi);
					rx[i].ifindex = (int)pi.ipi_ifindex;
				}
		}
#endif
	}
	return i;
}

void ztp_dhcpsock_send(struct ztp_dhcpsock *s, struct ztp_dhcpsock_tx *tx, int n,
		       void (*fail)(void *ctx, const struct ztp_dhcpsock_tx *tx,
				    const char *why),
		       void *ctx)
{
	int i;

	for (i = 0; i < n; i++) {
		struct sockaddr_in to;
		struct msghdr h;
		struct iovec iov;
		struct cm cm;
		ssize_t r;

		if (tx[i].hw)
			tx[i].ip = 0xffffffffu;	/* no ARP entries here */
		memset(&to, 0, sizeof to);
		to.sin_family = AF_INET;
		to.sin_port = htons(tx[i].port);
		to.sin_addr.s_addr = htonl(tx[i].ip);
		iov.iov_base = (void *)tx[i].buf;
		iov.iov_len = tx[i].len;
		memset(&h, 0, sizeof h);
		h.msg_name = &to;
		h.msg_namelen = sizeof to;
		h.msg_iov = &iov;
		h.msg_iovlen = 1;
#ifdef IP_PKTINFO
		if (tx[i].ifindex > 0) {
			struct in_pktinfo pi;
			struct cmsghdr *c;

			memset(&cm, 0, sizeof cm);
			h.msg_control = cm.b;
			h.msg_controllen = sizeof cm.b;
			c = CMSG_FIRSTHDR(&h);
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof pi);
			memset(&pi, 0, sizeof pi);
			pi.ipi_ifindex = tx[i].ifindex;
			pi.ipi_spec_dst.s_addr = htonl(tx[i].src);
			memcpy(CMSG_DATA(c), &pi, sizeof pi);
		}
#else
		(void)cm;
#endif
		do
			r = sendmsg(s->fd, &h, 0);
		while (r < 0 && errno == EINTR);
		if (r < 0 && fail)
			fail(ctx, &tx[i], strerror(errno));
	}
}
