/* fz-dhcpsrv.c: any datagram through the server's decisions: the input is
 * split at "\xff\xfe\xfd\xfc" into several requests handled in a row by one
 * lease database; every reply must parse back, fit the client's limit, and
 * a bound address must belong to one client only. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcpsrv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static struct ztp_dhcp_pkt P, R;
static struct ztp_dhcpsrv_out O;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t dns[1] = { IP(10, 0, 0, 53) };
	static const uint8_t v43[] = "5A1D;B2;K4;I10.0.0.1;J80";
	static const struct ztp_dhcpsrv_class cls[2] = {
		{ "pnp", "cisco*", NULL, 0, NULL, NULL, NULL, 0, v43,
		  sizeof v43 - 1, NULL, 0 },
		{ "uc", NULL, "ztp*", IP(10, 0, 0, 69), "tftp", "boot.cfg",
		  dns, 1, NULL, 0, NULL, 0 },
	};
	static const uint32_t relays[] = { IP(10, 9, 0, 1) };
	static const struct ztp_dhcpsrv_subnet sn[2] = {
		{ .tag = 0, .network = IP(10, 0, 0, 0), .mask = IP(255, 255, 255, 0),
		  .router = IP(10, 0, 0, 1), .dns = dns, .ndns = 1, .domain = "example.net",
		  .lease_time = 3600 },
		{ .tag = 1, .network = IP(10, 1, 0, 0), .mask = IP(255, 255, 0, 0), .relays = relays,
		  .nrelays = 1, .lease_time = 600, .classes = cls, .nclasses = 2 },
	};
	struct ztp_dhcpsrv_config cfg = { IP(10, 0, 0, 1), sn, 2, cls, 2, 60,
					  600, (int)(size & 1), 0 };
	struct ztp_lease_db *db;
	struct ztp_dhcpsrv_in in;
	const struct ztp_lease *l;
	const uint8_t *p = data, *end = data + size, *q;
	size_t pos = 0;
	time_t now = 1000000;

	ztp_lease_open(&db, NULL, NULL);
	ztp_lease_add_pool(db, 0, IP(10, 0, 0, 100), IP(10, 0, 0, 103), NULL);
	ztp_lease_add_pool(db, 1, IP(10, 1, 0, 10), IP(10, 1, 0, 12), NULL);
	ztp_lease_add_reservation(db, 0, 0, (const uint8_t *)"\x02\0\0\0\0\x01",
				  6, IP(10, 0, 0, 102), NULL);
	while (p < end) {
		q = memmem(p, (size_t)(end - p), "\xff\xfe\xfd\xfc", 4);
		if (q == NULL)
			q = end;
		if (ztp_dhcp_parse(&P, p, (size_t)(q - p), NULL) == 0) {
			in.pkt = &P;
			in.ifindex = 1;
			in.now = now;
			if (ztp_dhcpsrv_handle(&cfg, db, &in, &O, NULL) == 0 &&
			    O.msgtype) {
				if (ztp_dhcp_parse(&R, O.buf, O.len, NULL) < 0 ||
				    O.len > ztp_dhcp_max_payload(&P) ||
				    ztp_dhcp_msgtype(&R) != O.msgtype)
					abort();
			}
		}
		now += 7;
		p = q + (q < end ? 4 : 0);
	}
	/* one record per address, per client */
	while ((l = ztp_lease_next(db, &pos)) != NULL)
		if (ztp_lease_by_ip(db, l->ip) != l ||
		    (l->keylen && ztp_lease_by_key(db, l->key, l->keylen) != l))
			abort();
	ztp_lease_close(db);
	return 0;
}
