/* dhcpsock.c: the parts of the DHCP server's socket layer every system
 * shares (see dhcpsock.h). */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dhcpconf.h"
#include "dhcpsock-int.h"
#include "val.h"

const char *ztp_dhcpsock_ifname(struct ztp_dhcpsock *s, int ifindex, char buf[IF_NAMESIZE])
{
	int i;

	if (ifindex <= 0)
		return NULL;
	for (i = 0; i < IFCACHE; i++)
		if (s->ifcache[i].index == ifindex) {
			memcpy(buf, s->ifcache[i].name, IF_NAMESIZE);
			return buf;
		}
	if (!if_indextoname((unsigned)ifindex, buf))
		return NULL;
	memmove(&s->ifcache[1], &s->ifcache[0], sizeof s->ifcache[0] * (IFCACHE - 1));
	s->ifcache[0].index = ifindex;
	memcpy(s->ifcache[0].name, buf, IF_NAMESIZE);
	return buf;
}

void ztp_dhcpsock_forget(struct ztp_dhcpsock *s)
{
	memset(s->ifcache, 0, sizeof s->ifcache);
}

int ztp_dhcpsock_arp_refused(struct ztp_dhcpsock *s)
{
	if (!s->arp_refused || s->arp_told)
		return 0;
	s->arp_told = 1;
	return 1;
}

int ztp_dhcpsock_fd(const struct ztp_dhcpsock *s)
{
	return s->fd;
}

/* the first IPv4 address of an interface (by name) or in a subnet */
static uint32_t if_addr(struct ifaddrs *ia, const char *name, uint32_t net, uint32_t mask,
			const char **found)
{
	struct ifaddrs *a;

	for (a = ia; a; a = a->ifa_next) {
		uint32_t ip;

		if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET)
			continue;
		ip = ntohl(((struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr);
		if (name ? strcmp(a->ifa_name, name) == 0 : (ip & mask) == net) {
			if (found)
				*found = a->ifa_name;
			return ip;
		}
	}
	return 0;
}

int ztp_dhcpsock_resolve(struct ztp_dhcpconf *cf, struct ztp_err *e)
{
	struct ifaddrs *ia = NULL;
	size_t i;
	int rc = 0;

	if (getifaddrs(&ia) < 0)
		return ztp_err_sys(e, "list interface addresses");
	for (i = 0; i < cf->srv.nsubnets; i++) {
		struct ztp_dhcpsrv_subnet *sn = (struct ztp_dhcpsrv_subnet *)&cf->srv.subnets[i];
		const char *ifn = cf->subnet_ifnames[i], *on = NULL;

		if (!ifn) {
			/* like ISC dhcpd: direct clients only on an interface
			 * with an address in the subnet; else relayed only */
			sn->ifindex = if_addr(ia, NULL, sn->network, sn->mask, &on) && on ?
				      (int)if_nametoindex(on) : -1;
			continue;
		}
		if ((sn->ifindex = (int)if_nametoindex(ifn)) == 0) {
			rc = ztp_err_set(e, ZTP_ERR_CONFIG,
					 "find interface '%s' of subnet '%s': no such interface",
					 ifn, cf->subnet_names[i]);
			goto out;
		}
	}
	free(cf->ifindexes);
	cf->ifindexes = ztp_xcalloc(cf->nifnames ? cf->nifnames : 1, sizeof *cf->ifindexes);
	for (i = 0; i < cf->nifnames; i++)
		if ((cf->ifindexes[i] = (int)if_nametoindex(cf->ifnames[i])) == 0) {
			rc = ztp_err_set(e, ZTP_ERR_CONFIG,
					 "find interface '%s' of dhcp.interfaces: no such interface",
					 cf->ifnames[i]);
			goto out;
		}
	if (!cf->srv.server_id) {
		if (!cf->server_id_ifname) {
			rc = ztp_err_set(e, ZTP_ERR_CONFIG, "choose option 54: set dhcp.server_id "
					 "or an interface on the first subnet");
			goto out;
		}
		if ((cf->srv.server_id = if_addr(ia, cf->server_id_ifname, 0, 0, NULL)) == 0)
			rc = ztp_err_set(e, ZTP_ERR_CONFIG, "choose option 54: interface '%s' has "
					 "no IPv4 address; set dhcp.server_id", cf->server_id_ifname);
	}
out:
	freeifaddrs(ia);
	return rc;
}
