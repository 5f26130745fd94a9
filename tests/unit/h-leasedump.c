/* h-leasedump: print the lease database in DIR, one lease a line:
 *	IP STATE MAC-OR-KEY-HEX
 * for crash tests (run it only while no server holds the database). */
#include <stdio.h>
#include <time.h>

#include "dhcp.h"
#include "lease.h"
#include "str.h"

int main(int argc, char **argv)
{
	struct ztp_lease_db *db;
	const struct ztp_lease *l;
	struct ztp_err e;
	size_t pos = 0, i;
	time_t now = time(NULL);

	if (argc != 2) {
		fprintf(stderr, "usage: h-leasedump DIR\n");
		return 2;
	}
	if (ztp_lease_open(&db, argv[1], &e) < 0) {
		fprintf(stderr, "h-leasedump: %s\n", e.msg);
		return 1;
	}
	while ((l = ztp_lease_next(db, &pos)) != NULL) {
		char ip[16], mac[18];

		ztp_dhcp_ip_fmt(l->ip, ip);
		printf("%s %s ", ip, ztp_lease_state_name(ztp_lease_state_at(l, now)));
		if (l->htype == 1 && l->hlen == 6) {
			ztp_mac_format(l->hw, mac);
			printf("%s\n", mac);
		} else {
			for (i = 0; i < l->keylen; i++)
				printf("%02x", l->key[i]);
			printf("\n");
		}
	}
	ztp_lease_close(db);
	return 0;
}
