/* t-dhcpsrv.c: the server's decisions for every message and state of
 * RFC 2131 4.3, relays, classes, destinations */
#include <stdint.h>

#include "dhcpsrv.h"
#include "str.h"
#include "tap.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define SID IP(10, 0, 0, 1)

static struct ztp_err E;
static struct ztp_dhcp_pkt P, R;
static struct ztp_dhcpsrv_out O;
static struct ztp_dhcpsrv_config cfg;
static struct ztp_lease_db *db;
static time_t now = 5000000;
static int force_htype;	/* when set, the request's htype (hlen 20) */

static uint8_t pnp43[64], jun43[128];
static size_t jun43len;

/* a request from MAC 02:00:00:00:00:<n> */
static int ask(int type, int n, uint32_t ciaddr, uint32_t giaddr,
	       uint32_t req, uint32_t sid, int bcast, const char *vc,
	       const void *extra, size_t extralen, int extracode)
{
	struct ztp_dhcp_opts o;
	uint8_t mac[6] = { 2, 0, 0, 0, 0, (uint8_t)n }, buf[1500];
	size_t len;
	struct ztp_dhcpsrv_in in;

	ztp_dhcp_opts_init(&o);
	ztp_dhcp_opts_add(&o, ZTP_OPT_PRL, 0, "\x01\x03\x06\x0f\x2b\x42\x43",
			  7, NULL);
	if (req)
		ztp_dhcp_opts_add_u32(&o, ZTP_OPT_REQUESTED_IP, 0, req, NULL);
	if (sid)
		ztp_dhcp_opts_add_u32(&o, ZTP_OPT_SERVER_ID, 0, sid, NULL);
	if (vc)
		ztp_dhcp_opts_add_str(&o, ZTP_OPT_VENDOR_CLASS, 0, vc, NULL);
	if (extra)
		ztp_dhcp_opts_add(&o, extracode, 0, extra, extralen, NULL);
	if (ztp_dhcp_build_request(type, 0x1000 + (uint32_t)n, mac, ciaddr,
				   giaddr, &o, buf, sizeof buf, &len, &E) < 0 ||
	    ztp_dhcp_parse(&P, buf, len, &E) < 0)
		return -100;
	if (bcast)
		P.flags = ZTP_DHCP_FLAG_BROADCAST;
	if (force_htype) {
		P.htype = (uint8_t)force_htype;
		P.hlen = 16;
	}
	in.pkt = &P;
	in.ifindex = 2;
	in.now = now;
	memset(&R, 0, sizeof R);
	if (ztp_dhcpsrv_handle(&cfg, db, &in, &O, &E) < 0)
		return -101;
	if (O.msgtype && ztp_dhcp_parse(&R, O.buf, O.len, &E) < 0)
		return -102;
	return O.msgtype;
}

static int has(int code, const char *want, size_t n)
{
	struct ztp_dhcp_slice v;

	return ztp_dhcp_opt(&R, code, &v) && v.len == n &&
	       memcmp(v.p, want, n) == 0;
}

static void setup(void)
{
	static uint32_t dns[2] = { IP(10, 0, 0, 53), IP(10, 0, 0, 54) };
	static uint32_t tftp[1] = { IP(10, 0, 0, 69) };
	static struct ztp_dhcpsrv_class classes[2];
	static struct ztp_dhcpsrv_subnet subnets[2];
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_dhcp_juniper j = { "jinstall.tgz", "junos.conf", NULL,
				      "http", NULL };

	ztp_dhcp_enc_cisco_pnp(&b, SID, 80, 0, 1, NULL);
	memcpy(pnp43, b.p, b.len);
	classes[0].name = "pnp";
	classes[0].vendor_class = "ciscopnp";
	classes[0].vendor_opts = pnp43;
	classes[0].vendor_len = b.len;
	classes[0].tftp_ips = tftp;
	classes[0].ntftp_ips = 1;
	ztp_buf_reset(&b);
	ztp_dhcp_enc_juniper(&b, &j, NULL);
	memcpy(jun43, b.p, b.len);
	jun43len = b.len;
	classes[1].name = "junos";
	classes[1].vendor_class = "Juniper-*";
	classes[1].vendor_opts = jun43;
	classes[1].vendor_len = b.len;
	classes[1].tftp_server = "10.0.0.69";
	classes[1].bootfile = "junos.conf";
	classes[1].next_server = IP(10, 0, 0, 69);
	ztp_buf_free(&b);

	subnets[0] = (struct ztp_dhcpsrv_subnet){
		.tag = 0, .network = IP(10, 0, 0, 0), .mask = IP(255, 255, 255, 0),
		.ifindex = 2, .router = IP(10, 0, 0, 1), .dns = dns, .ndns = 2,
		.domain = "rack1.example.net", .lease_time = 3600 };
	subnets[1] = (struct ztp_dhcpsrv_subnet){
		.tag = 1, .network = IP(10, 1, 0, 0), .mask = IP(255, 255, 255, 0),
		.router = IP(10, 1, 0, 1), .lease_time = 7200 };
	cfg.server_id = SID;
	cfg.subnets = subnets;
	cfg.nsubnets = 2;
	cfg.classes = classes;
	cfg.nclasses = 2;
	cfg.offer_time = 60;
	cfg.quarantine_time = 600;
	ztp_lease_open(&db, NULL, &E);
	ztp_lease_add_pool(db, 0, IP(10, 0, 0, 100), IP(10, 0, 0, 103), NULL);
	ztp_lease_add_pool(db, 1, IP(10, 1, 0, 100), IP(10, 1, 0, 199), NULL);
}

static void discover_request(void)
{
	const struct ztp_lease *l;
	struct ztp_dhcp_slice v;
	uint32_t ip;

	is_int(ask(ZTP_DHCPDISCOVER, 1, 0, 0, 0, 0, 0, "ciscopnp", NULL, 0, 0),
	       ZTP_DHCPOFFER, "DISCOVER: OFFER");
	is_int(R.yiaddr, IP(10, 0, 0, 100), "first pool address offered");
	is_int(O.event, ZTP_EV_OFFERED, "event offered");
	is_int(O.dest, ZTP_DEST_HWADDR, "to yiaddr at chaddr (no broadcast bit)");
	is_int(O.dest_ip, IP(10, 0, 0, 100), "dest ip is yiaddr");
	ok(O.must_sync == 0, "an offer needs no sync");
	ok(ztp_dhcp_server_id(&R, &ip) && ip == SID, "server id");
	ok(has(ZTP_OPT_LEASE_TIME, "\x00\x00\x0e\x10", 4), "lease time 3600");
	ok(has(ZTP_OPT_SUBNET_MASK, "\xff\xff\xff\x00", 4), "mask");
	ok(has(ZTP_OPT_ROUTER, "\x0a\x00\x00\x01", 4), "router");
	ok(has(ZTP_OPT_DOMAIN, "rack1.example.net", 17), "domain");
	ok(has(ZTP_OPT_VENDOR, "5A1D;B2;K4;I10.0.0.1;J80", 24),
	   "class pnp: option 43 PnP string");
	ok(has(ZTP_OPT_CISCO_TFTP, "\x0a\x00\x00\x45", 4), "class pnp: 150");
	ok(O.cls && strcmp(O.cls->name, "pnp") == 0, "class reported");
	is_int(ztp_lease_by_ip(db, IP(10, 0, 0, 100))->state, ZTP_LEASE_OFFERED,
	       "offer recorded");

	is_int(ask(ZTP_DHCPDISCOVER, 2, 0, 0, 0, 0, 1, NULL, NULL, 0, 0),
	       ZTP_DHCPOFFER, "second client: OFFER");
	is_int(R.yiaddr, IP(10, 0, 0, 101), "next address");
	is_int(O.dest, ZTP_DEST_BROADCAST, "broadcast bit: broadcast");
	ok(!ztp_dhcp_opt(&R, ZTP_OPT_VENDOR, &v), "no class: no 43");

	/* SELECTING */
	is_int(ask(ZTP_DHCPREQUEST, 1, 0, 0, IP(10, 0, 0, 100), SID, 0,
		   "ciscopnp", NULL, 0, 0), ZTP_DHCPACK, "SELECTING: ACK");
	is_int(R.yiaddr, IP(10, 0, 0, 100), "the offered address");
	ok(O.must_sync && O.new_lease, "must sync; new lease");
	l = ztp_lease_by_ip(db, IP(10, 0, 0, 100));
	ok(l && l->state == ZTP_LEASE_BOUND && l->ends == now + 3600,
	   "bound for the lease time");
	is_int(ask(ZTP_DHCPREQUEST, 2, 0, 0, IP(10, 0, 0, 101), IP(10, 0, 0, 2),
		   0, NULL, NULL, 0, 0), 0, "SELECTING another server: silence");
	ok(ztp_lease_by_ip(db, IP(10, 0, 0, 101)) == NULL,
	   "and our offer is withdrawn");
	is_int(ask(ZTP_DHCPREQUEST, 2, 0, 0, IP(10, 0, 0, 100), SID, 0, NULL,
		   NULL, 0, 0), ZTP_DHCPNAK, "SELECTING someone else's address: NAK");
	is_int(O.dest, ZTP_DEST_BROADCAST, "NAK broadcast");
	ok(has(ZTP_OPT_MESSAGE, "address not available", 21), "NAK says why");
	ok(!ztp_dhcp_opt(&R, ZTP_OPT_LEASE_TIME, &v), "NAK has no lease time");

	/* RENEWING */
	now += 1800;
	is_int(ask(ZTP_DHCPREQUEST, 1, IP(10, 0, 0, 100), 0, 0, 0, 0, NULL,
		   NULL, 0, 0), ZTP_DHCPACK, "RENEWING: ACK");
	is_int(O.dest, ZTP_DEST_UNICAST, "unicast to ciaddr");
	is_int(O.dest_ip, IP(10, 0, 0, 100), "ciaddr");
	ok(O.must_sync && !O.new_lease, "renewal: sync, not new");
	is_int(ztp_lease_by_ip(db, IP(10, 0, 0, 100))->ends, now + 3600,
	       "lease extended");
	is_int(ask(ZTP_DHCPREQUEST, 2, IP(10, 0, 0, 100), 0, 0, 0, 0, NULL,
		   NULL, 0, 0), ZTP_DHCPNAK, "renewing another's address: NAK");
	is_int(ask(ZTP_DHCPREQUEST, 3, IP(10, 0, 0, 102), 0, 0, 0, 0, NULL,
		   NULL, 0, 0), 0, "renewing an unknown free address: silence");

	/* INIT-REBOOT */
	is_int(ask(ZTP_DHCPREQUEST, 1, 0, 0, IP(10, 0, 0, 100), 0, 0, NULL,
		   NULL, 0, 0), ZTP_DHCPACK, "INIT-REBOOT own address: ACK");
	is_int(ask(ZTP_DHCPREQUEST, 1, 0, 0, IP(192, 168, 1, 5), 0, 0, NULL,
		   NULL, 0, 0), ZTP_DHCPNAK, "INIT-REBOOT wrong network: NAK");
	ok(has(ZTP_OPT_MESSAGE, "wrong network", 13), "says wrong network");
	is_int(ask(ZTP_DHCPREQUEST, 4, 0, 0, IP(10, 0, 0, 102), 0, 0, NULL,
		   NULL, 0, 0), 0, "INIT-REBOOT unknown: silence");
	cfg.authoritative = 1;
	is_int(ask(ZTP_DHCPREQUEST, 4, 0, 0, IP(10, 0, 0, 102), 0, 0, NULL,
		   NULL, 0, 0), ZTP_DHCPNAK, "authoritative: NAK");
	cfg.authoritative = 0;
	is_int(ask(ZTP_DHCPREQUEST, 4, 0, 0, IP(10, 0, 0, 100), 0, 0, NULL,
		   NULL, 0, 0), ZTP_DHCPNAK, "INIT-REBOOT another's: NAK");
}

static void relay(void)
{
	struct ztp_dhcp_relay ri;
	struct ztp_dhcp_slice v;

	is_int(ask(ZTP_DHCPDISCOVER, 10, 0, IP(10, 1, 0, 1), 0, 0, 0,
		   "Juniper-ex2300", "\x01\x08" "ge-0/0/7" "\x02\x03" "sw1", 15,
		   ZTP_OPT_RELAY_AGENT), ZTP_DHCPOFFER, "relayed DISCOVER: OFFER");
	is_int(R.yiaddr, IP(10, 1, 0, 100), "from the relay's subnet");
	is_int(O.dest, ZTP_DEST_RELAY, "back to the relay");
	ok(O.dest_ip == IP(10, 1, 0, 1) && O.dest_port == 67, "giaddr:67");
	is_int(R.giaddr, IP(10, 1, 0, 1), "giaddr kept");
	ok(ztp_dhcp_relay_info(&R, &ri) == 1 &&
	   ri.circuit_id.len == 8 && memcmp(ri.circuit_id.p, "ge-0/0/7", 8) == 0,
	   "option 82 echoed");
	ok(has(ZTP_OPT_LEASE_TIME, "\x00\x00\x1c\x20", 4), "subnet lease time");
	ok(jun43len == 32 && has(ZTP_OPT_VENDOR, (const char *)jun43, jun43len),
	   "class junos: Juniper 43 (image, config, transfer mode)");
	ok(ztp_dhcp_opt(&R, ZTP_OPT_BOOTFILE, &v) && v.len == 10,
	   "bootfile sent");
	ok(memcmp(R.file, "junos.conf", 11) == 0, "and in the file field");
	is_int(R.siaddr, IP(10, 0, 0, 69), "next server");
	is_int(ask(ZTP_DHCPREQUEST, 10, 0, IP(10, 1, 0, 1), IP(10, 0, 0, 103),
		   SID, 0, NULL, NULL, 0, 0), ZTP_DHCPNAK,
	       "relayed request for an address of another subnet: NAK");
	is_int(O.dest, ZTP_DEST_RELAY, "NAK to the relay");
	ok(R.flags & ZTP_DHCP_FLAG_BROADCAST, "with the broadcast bit");
	is_int(ask(ZTP_DHCPDISCOVER, 11, 0, IP(172, 16, 0, 1), 0, 0, 0, NULL,
		   NULL, 0, 0), 0, "relay from an unknown subnet: silence");
	like(O.why, "no subnet", "says why");
	/* RFC 3527 link selection picks the subnet, the reply still goes to
	 * giaddr; RFC 5107 server id override becomes our server id */
	is_int(ask(ZTP_DHCPDISCOVER, 12, 0, IP(172, 16, 0, 1), 0, 0, 0, NULL,
		   "\x05\x04\x0a\x01\x00\x00\x0b\x04\xac\x10\x00\x01", 12,
		   ZTP_OPT_RELAY_AGENT), ZTP_DHCPOFFER,
	       "link selection: OFFER from the selected subnet");
	is_int(R.yiaddr, IP(10, 1, 0, 101), "address from 10.1.0.0/24");
	ok(O.dest == ZTP_DEST_RELAY && O.dest_ip == IP(172, 16, 0, 1),
	   "sent to giaddr");
	ok(has(ZTP_OPT_SERVER_ID, "\xac\x10\x00\x01", 4),
	   "server id is the relay's override");
	is_int(ask(ZTP_DHCPREQUEST, 12, 0, IP(172, 16, 0, 1), IP(10, 1, 0, 101),
		   IP(172, 16, 0, 1), 0, NULL,
		   "\x05\x04\x0a\x01\x00\x00\x0b\x04\xac\x10\x00\x01", 12,
		   ZTP_OPT_RELAY_AGENT), ZTP_DHCPACK,
	       "REQUEST naming the override as server: ACK");
}

static void decline_release_inform(void)
{
	const struct ztp_lease *l;
	struct ztp_dhcp_slice v;

	ask(ZTP_DHCPDISCOVER, 20, 0, 0, 0, 0, 0, NULL, NULL, 0, 0);
	is_int(R.yiaddr, IP(10, 0, 0, 101), "client 20 offered .101");
	ask(ZTP_DHCPREQUEST, 20, 0, 0, IP(10, 0, 0, 101), SID, 0, NULL, NULL, 0,
	    0);
	is_int(O.msgtype, ZTP_DHCPACK, "and bound");
	is_int(ask(ZTP_DHCPDECLINE, 21, 0, 0, IP(10, 0, 0, 101), SID, 0, NULL,
		   NULL, 0, 0), 0, "DECLINE by a client not holding it");
	is_int(O.event, ZTP_EV_IGNORED, "ignored");
	is_int(ask(ZTP_DHCPDECLINE, 20, 0, 0, IP(10, 0, 0, 101), SID, 0, NULL,
		   NULL, 0, 0), 0, "DECLINE: no reply");
	is_int(O.event, ZTP_EV_DECLINED, "event declined");
	l = ztp_lease_by_ip(db, IP(10, 0, 0, 101));
	ok(l && l->state == ZTP_LEASE_DECLINED && l->ends == now + 600,
	   "address in quarantine");
	ask(ZTP_DHCPDISCOVER, 20, 0, 0, 0, 0, 0, NULL, NULL, 0, 0);
	is_int(R.yiaddr, IP(10, 0, 0, 102), "the decliner gets another address");
	ask(ZTP_DHCPREQUEST, 20, 0, 0, IP(10, 0, 0, 102), SID, 0, NULL, NULL, 0,
	    0);
	is_int(ask(ZTP_DHCPRELEASE, 20, IP(10, 0, 0, 102), 0, 0, SID, 0, NULL,
		   NULL, 0, 0), 0, "RELEASE: no reply");
	is_int(O.event, ZTP_EV_RELEASED, "event released");
	is_int(ztp_lease_by_ip(db, IP(10, 0, 0, 102))->state,
	       ZTP_LEASE_RELEASED, "lease released");
	is_int(ask(ZTP_DHCPINFORM, 30, IP(10, 0, 0, 50), 0, 0, 0, 0, NULL,
		   NULL, 0, 0), ZTP_DHCPACK, "INFORM: ACK");
	is_int(R.yiaddr, 0, "no address given");
	is_int(R.ciaddr, IP(10, 0, 0, 50), "ciaddr kept");
	ok(!ztp_dhcp_opt(&R, ZTP_OPT_LEASE_TIME, &v), "no lease time");
	ok(has(ZTP_OPT_ROUTER, "\x0a\x00\x00\x01", 4), "options given");
	is_int(O.dest, ZTP_DEST_UNICAST, "to ciaddr");
	ok(ztp_lease_by_ip(db, IP(10, 0, 0, 50)) == NULL, "nothing recorded");
	/* the pool .100-.103: .100 bound, .101 quarantined, .102 released,
	 * .103 free: three more clients, the last finds nothing */
	ask(ZTP_DHCPDISCOVER, 40, 0, 0, 0, 0, 0, NULL, NULL, 0, 0);
	is_int(R.yiaddr, IP(10, 0, 0, 103), "never-used address first");
	ask(ZTP_DHCPDISCOVER, 41, 0, 0, 0, 0, 0, NULL, NULL, 0, 0);
	is_int(R.yiaddr, IP(10, 0, 0, 102), "then a released one");
	is_int(ask(ZTP_DHCPDISCOVER, 42, 0, 0, 0, 0, 0, NULL, NULL, 0, 0), 0,
	       "pool full: silence");
	like(O.why, "no free address", "says why");
	is_int(ask(ZTP_DHCPOFFER, 42, 0, 0, 0, 0, 0, NULL, NULL, 0, 0), 0,
	       "an OFFER from a client is ignored");
	is_str(ztp_dhcpsrv_event_name(ZTP_EV_BOUND), "bound", "event names");
	force_htype = 32;	/* InfiniBand */
	ztp_lease_forget(db, IP(10, 0, 0, 103), NULL);
	is_int(ask(ZTP_DHCPDISCOVER, 50, 0, 0, 0, 0, 0, NULL, NULL, 0, 0),
	       ZTP_DHCPOFFER, "InfiniBand client: OFFER");
	is_int(O.dest, ZTP_DEST_BROADCAST, "by broadcast (no ARP for it)");
	force_htype = 0;
	/* RFC 6842: option 61 echoed; a bound client's DISCOVER keeps its
	 * lease bound */
	now += 10;
	is_int(ask(ZTP_DHCPDISCOVER, 1, 0, 0, 0, 0, 0, NULL,
		   "\x01\x02\x00\x00\x00\x00\x01", 7, ZTP_OPT_CLIENT_ID),
	       ZTP_DHCPOFFER, "DISCOVER with a client id");
	ok(has(ZTP_OPT_CLIENT_ID, "\x01\x02\x00\x00\x00\x00\x01", 7),
	   "client id echoed (RFC 6842)");
	is_int(R.yiaddr, IP(10, 0, 0, 100), "a bound client is offered its lease");
	is_int(ztp_lease_by_ip(db, IP(10, 0, 0, 100))->state, ZTP_LEASE_BOUND,
	       "and the lease stays bound");
}

/* a DISCOVER from 02:00:00:00:01:<n>, relayed by giaddr with circuit id */
static struct ztp_dhcp_pkt *pkt_from(int n, uint32_t giaddr, const char *circuit)
{
	static struct ztp_dhcp_pkt p;
	struct ztp_dhcp_opts o;
	uint8_t mac[6] = { 2, 0, 0, 0, 1, (uint8_t)n }, buf[1500], ri[64];
	size_t len, cl;

	ztp_dhcp_opts_init(&o);
	if (circuit) {
		cl = strlen(circuit);
		ri[0] = 1;
		ri[1] = (uint8_t)cl;
		memcpy(ri + 2, circuit, cl);
		ztp_dhcp_opts_add(&o, ZTP_OPT_RELAY_AGENT, 0, ri, cl + 2, NULL);
	}
	if (ztp_dhcp_build_request(ZTP_DHCPDISCOVER, (uint32_t)n, mac, 0, giaddr, &o, buf,
				   sizeof buf, &len, &E) < 0 ||
	    ztp_dhcp_parse(&p, buf, len, &E) < 0)
		return NULL;
	return &p;
}

/* a DISCOVER from 02:00:00:00:01:<n> with client id 01:<cid>:... */
static struct ztp_dhcp_pkt *pkt_cid(int n, int cid)
{
	static struct ztp_dhcp_pkt p;
	struct ztp_dhcp_opts o;
	uint8_t mac[6] = { 2, 0, 0, 0, 1, (uint8_t)n }, buf[1500];
	uint8_t id[7] = { 1, (uint8_t)(cid >> 8), (uint8_t)cid, 0, 0, 0, 9 };
	size_t len;

	ztp_dhcp_opts_init(&o);
	ztp_dhcp_opts_add(&o, ZTP_OPT_CLIENT_ID, 0, id, sizeof id, NULL);
	if (ztp_dhcp_build_request(ZTP_DHCPDISCOVER, (uint32_t)cid, mac, 0, 0, &o, buf,
				   sizeof buf, &len, &E) < 0 ||
	    ztp_dhcp_parse(&p, buf, len, &E) < 0)
		return NULL;
	return &p;
}

/* D7: one MAC rotating its client id, or one interface full of new MACs,
 * cannot get past the limits */
static void rate_limits_flood(void)
{
	static struct ztp_dhcpsrv_rl rl;
	time_t t = 5000;
	int i, passed;

	rl.interval = 10;
	rl.per_mac = 3;
	rl.per_port = 0;
	for (i = 0, passed = 0; i < 50; i++)
		passed += !ztp_dhcpsrv_rate_limited(&rl, pkt_cid(9, 300 + i), 7, t);
	is_int(passed, 3, "rate limit: one MAC with a new client id each time is one client");
	rl.per_port = 5;
	for (i = 0, passed = 0; i < 50; i++)
		passed += !ztp_dhcpsrv_rate_limited(&rl, pkt_from(100 + i, 0, NULL), 7, t);
	is_int(passed, 5, "rate limit: new MACs on one interface share its per_port");
	ok(!ztp_dhcpsrv_rate_limited(&rl, pkt_from(200, 0, NULL), 8, t),
	   "rate limit: a client on another interface is not limited");
}

static void rate_limits(void)
{
	static struct ztp_dhcpsrv_rl rl;
	time_t t = 1000;
	int i, passed;

	rl.interval = 10;
	rl.per_mac = 3;
	rl.per_port = 5;
	for (i = 0, passed = 0; i < 5; i++)
		passed += !ztp_dhcpsrv_rate_limited(&rl, pkt_from(1, 0, NULL), 1, t);
	is_int(passed, 3, "rate limit: a client gets per_mac requests per interval");
	is_int((int)rl.dropped, 2, "rate limit: the rest are counted as dropped");
	ok(!ztp_dhcpsrv_rate_limited(&rl, pkt_from(2, 0, NULL), 1, t),
	   "rate limit: another client is not limited by the first");
	ok(!ztp_dhcpsrv_rate_limited(&rl, pkt_from(1, 0, NULL), 1, t + 10),
	   "rate limit: the next interval starts afresh");
	for (i = 0, passed = 0; i < 8; i++)
		passed += !ztp_dhcpsrv_rate_limited(&rl, pkt_from(20 + i, IP(10, 1, 0, 1), "ge-0/0/7"), 1, t);
	is_int(passed, 5, "rate limit: a relay port gets per_port requests, whatever the clients");
	ok(!ztp_dhcpsrv_rate_limited(&rl, pkt_from(40, IP(10, 1, 0, 1), "ge-0/0/8"), 1, t),
	   "rate limit: another port of the relay is not limited");
	ok(!ztp_dhcpsrv_rate_limited(&rl, pkt_from(41, IP(10, 1, 0, 2), "ge-0/0/7"), 1, t),
	   "rate limit: the same port name behind another relay is not limited");
	rl.per_mac = 0;
	rl.per_port = 0;
	for (i = 0, passed = 0; i < 100; i++)
		passed += !ztp_dhcpsrv_rate_limited(&rl, pkt_from(1, IP(10, 1, 0, 1), "ge-0/0/7"), 1, t);
	is_int(passed, 100, "rate limit: 0 is no limit");
}

int main(void)
{
	setup();
	discover_request();
	relay();
	decline_release_inform();
	rate_limits();
	rate_limits_flood();
	ztp_lease_close(db);
	return done_testing();
}
