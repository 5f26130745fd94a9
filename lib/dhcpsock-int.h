/* dhcpsock-int.h: what lib/dhcpsock.c and the system's dhcpsock-*.c share */
#ifndef ZTP_DHCPSOCK_INT_H
#define ZTP_DHCPSOCK_INT_H

#include "dhcpsock.h"

#define IFCACHE 8

struct ztp_dhcpsock {
	int fd;
	int batch;
	int arp_refused, arp_told;
	void *os;		/* the system's own per-batch buffers */
	struct {
		int index;
		char name[IF_NAMESIZE];
	} ifcache[IFCACHE];
};

#endif
