/* t-dhcpconf.c: the dhcp and racks sections of ztp.yml: compiled server
 * configuration, errors naming file, line and key, the rack map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhcpconf.h"
#include "tap.h"

static char dir[] = "/tmp/t-dhcpconf.XXXXXX";

static int load(const char *text, struct ztp_conf **c, struct ztp_dhcpconf **cf,
		struct ztp_err *e)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/ztp.yml", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	*cf = NULL;
	if (ztp_conf_load(c, path, e) < 0)
		return -1;
	if (ztp_dhcpconf_load(cf, *c, e) < 0) {
		ztp_conf_free(*c);
		*c = NULL;
		return -1;
	}
	return 0;
}

static const char *good =
	"dhcp:\n"
	"  lease_time: 2h\n"
	"  classes:\n"
	"    pnp: {vendor_class: ciscopnp, cisco_pnp: {server: 10.0.0.1, port: 8080}}\n"
	"    raw: {vendor_class: 'Arista*', option43: '01:02:0a:0b', vivso_enterprise: 9,\n"
	"          option125: '0103616263'}\n"
	"  subnets:\n"
	"    r1: {subnet: 10.1.0.0/24, range: [10.1.0.10-10.1.0.20, 10.1.0.30 - 10.1.0.40],\n"
	"         router: 10.1.0.1, dns: [10.0.0.53, 10.0.0.54], classes: [raw]}\n"
	"    r2: {subnet: 10.2.0.0/24, range: 10.2.0.10-10.2.0.20, lease_time: 5m}\n"
	"  reservations:\n"
	"    - {mac: '00:11:22:33:44:55', ip: 10.1.0.5, subnet: r1}\n"
	"    - {client_id: '01aabbccddeeff', ip: 10.2.0.5}\n"
	"racks:\n"
	"  rack1: {subnet: r1, interface: eth1}\n"
	"  rack2: {relay: [10.2.0.1], ports: {'Gi1/0/7': ge-0/0/7, 3: 7}, console: {ge-0/0/7: 'cs2:7', 7: 12}}\n"
	"  rack3: {interface: eth3, option82: trusted}\n";

static void bad(const char *text, const char *want, const char *name)
{
	struct ztp_conf *c;
	struct ztp_dhcpconf *cf;
	struct ztp_err e;

	e.msg[0] = 0;
	ok(load(text, &c, &cf, &e) < 0, name);
	like(e.msg, want, name);
}

int main(void)
{
	struct ztp_conf *c;
	struct ztp_dhcpconf *cf;
	struct ztp_err e;
	const struct ztp_dhcpconf_rack *r;
	struct ztp_lease_db *db;
	struct ztp_buf b = ZTP_BUF_INIT;

	if (!mkdtemp(dir))
		return 1;
	ok(load(good, &c, &cf, &e) == 0, "a good configuration loads");
	if (!cf) {
		diag(e.msg);
		return done_testing();
	}
	is_int((int)cf->srv.nsubnets, 2, "two subnets");
	is_int((int)cf->npools, 3, "three pools");
	is_int((int)cf->srv.subnets[0].lease_time, 7200, "lease time from dhcp.lease_time");
	is_int((int)cf->srv.subnets[1].lease_time, 300, "a subnet's own lease time");
	is_int((int)cf->srv.subnets[0].ndns, 2, "two DNS servers");
	is_int((int)cf->srv.subnets[0].mask, (int)0xffffff00u, "mask from the prefix");
	is_int((int)cf->srv.subnets[0].nclasses, 1, "subnet r1 tries class raw first");
	is_int((int)cf->srv.nclasses, 2, "two classes");
	is_int((int)cf->srv.classes[0].vendor_len, (int)strlen("5A1D;B2;K4;I10.0.0.1;J8080"),
	       "option 43 for Cisco PnP");
	ok(memcmp(cf->srv.classes[0].vendor_opts, "5A1D;B2;K4;I10.0.0.1;J8080", 26) == 0,
	   "the PnP string");
	is_int((int)cf->srv.classes[1].vendor_len, 4, "option 43 from hex");
	is_int((int)cf->srv.classes[1].vivso_len, 4 + 1 + 5, "option 125 block");
	is_int((int)cf->nresv, 2, "two reservations");
	is_int(cf->resv[1].by_key, 1, "by client id");
	is_int(cf->resv[0].tag, 0, "reservation in subnet r1");
	ok(ztp_lease_open(&db, NULL, &e) == 0 && ztp_dhcpconf_setup_db(cf, db, &e) == 0,
	   "pools and reservations into a lease database");
	ok(ztp_lease_in_pool(db, 0, 0x0a01001e), "10.1.0.30 in r1's second range");
	ok(!ztp_lease_in_pool(db, 0, 0x0a010015), "10.1.0.21 in no range");
	ztp_lease_close(db);
	r = ztp_dhcpconf_rack_for(cf, 0x0a020001, NULL, "r2");
	ok(r && strcmp(r->name, "rack2") == 0, "rack by relay address");
	is_str(ztp_dhcpconf_port(r, "Gi1/0/7"), "ge-0/0/7", "port from the circuit id");
	ok(ztp_dhcpconf_port(r, "Gi1/0/8") == NULL, "an unmapped circuit id");
	is_str(ztp_dhcpconf_console(r, "ge-0/0/7"), "cs2:7", "console line of a port");
	is_str(ztp_dhcpconf_port(r, "3"), "7", "numbers in the port map");
	is_str(ztp_dhcpconf_console(r, "7"), "12", "numbers in the console map");
	r = ztp_dhcpconf_rack_for(cf, 0, "eth1", NULL);
	ok(r && strcmp(r->name, "rack1") == 0, "rack by interface");
	r = ztp_dhcpconf_rack_for(cf, 0, "eth9", "r1");
	ok(r && strcmp(r->name, "rack1") == 0, "rack by subnet");
	/* option 82: from a listed relay, or with giaddr 0 on a snooping
	 * rack's interface only */
	ok(ztp_dhcpconf_option82_trusted(cf, 0x0a020001, NULL), "option 82 from a listed relay");
	ok(!ztp_dhcpconf_option82_trusted(cf, 0x0a020002, "eth3"),
	   "not from an unlisted relay, whatever the interface");
	ok(ztp_dhcpconf_option82_trusted(cf, 0, "eth3"),
	   "giaddr 0 on the interface of a rack with option82: trusted");
	ok(!ztp_dhcpconf_option82_trusted(cf, 0, "eth1"), "not on a rack's interface without it");
	ok(!ztp_dhcpconf_option82_trusted(cf, 0, "eth9"), "not on another interface");
	ok(!ztp_dhcpconf_option82_trusted(cf, 0, NULL), "not on an unknown interface");
	ok(ztp_dhcpconf_dump(cf, &b) == 0, "dump");
	like(b.p, "ge-0/0/7: cs2:7", "dump shows the rack map");
	ztp_buf_free(&b);
	ztp_dhcpconf_free(cf);
	ztp_conf_free(c);

	bad("dhcp:\n  subnets:\n    r1: {subnet: 10.1.0.0/24, rnage: 10.1.0.1-10.1.0.2}\n",
	    "did you mean", "a misspelt key");
	bad("dhcp:\n  subnets:\n    r1: {subnet: 10.1.0.1/24, range: 10.1.0.1-10.1.0.2}\n",
	    "line 3: key 'dhcp.subnets.r1'", "host bits in the network");
	bad("dhcp:\n  subnets:\n    r1:\n      subnet: 10.1.0.0/24\n      range: 10.1.0.9-10.1.0.2\n",
	    "line 5", "a range backwards");
	bad("dhcp:\n  subnets:\n    r1: {subnet: 10.1.0.0/24, range: 10.1.0.1-10.1.0.2, classes: [nope]}\n",
	    "no such class in dhcp.classes: 'nope'", "an unknown class");
	bad("dhcp:\n  classes:\n    x: {cisco_pnp: {server: 1.2.3.4}, option43: '01'}\n"
	    "  subnets:\n    r1: {subnet: 10.1.0.0/24, range: 10.1.0.1-10.1.0.2}\n",
	    "give one of cisco_pnp, juniper, option43", "two kinds of option 43");
	bad("dhcp:\n  subnets:\n    r1: {subnet: 10.1.0.0/24, range: 10.1.0.1-10.1.0.2}\n"
	    "  reservations:\n  - {mac: '00:11:22:33:44:55', client_id: '0102', ip: 10.1.0.3}\n",
	    "give one of mac and client_id", "mac and client id");
	bad("dhcp:\n  subnets:\n    r1: {subnet: 10.1.0.0/24, range: 10.1.0.1-10.1.0.2}\n"
	    "racks:\n  a: {subnet: r9}\n", "racks.a", "a rack's unknown subnet");
	bad("dhcp:\n  lease_time: 1h\n", "no subnet configured", "no subnet");
	bad("dhcp:\n  subnets:\n    r1: {subnet: 10.1.0.0/24, range: 10.1.0.1-10.1.0.2}\n"
	    "racks:\n  r1: {relay: [10.1.0.1], option82: trusted}\n",
	    "option82: trusted needs the rack's interface", "option82: trusted without interface");
	bad("dhcp:\n  subnets:\n    r1: {subnet: 10.1.0.0/24, range: 10.1.0.1-10.1.0.2}\n"
	    "racks:\n  r1: {interface: eth1, option82: yes}\n",
	    "expected one of: untrusted trusted", "option82: only untrusted or trusted");
	bad("dhcp:\n  subnets:\n    r1: {subnet: 10.1.0.0/24, range: 10.1.0.1-10.1.0.2}\n"
	    "racks:\n  a: {ports: [1, 2]}\n", "ports: expected a mapping", "ports not a mapping");
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			diag("cleanup failed");
	}
	return done_testing();
}
