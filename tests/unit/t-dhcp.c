/* t-dhcp.c: DHCPv4 parsing and building: real client packets, crafted
 * broken ones, overload, RFC 3396 long options, relay agent information,
 * V-I vendor options, reply size limits, provisioning encoders */
#include <stdint.h>

#include "dhcp.h"
#include "str.h"
#include "tap.h"
#include "val.h"

static struct ztp_dhcp_pkt P, Q;
static uint8_t pkt[ZTP_DHCP_PKT_MAX], out[ZTP_DHCP_PKT_MAX];
static struct ztp_err E;

/* a DHCP request from chaddr 02:00:00:00:00:01 with raw options (and the
 * sname/file fields when given); returns its length */
static size_t craft(const void *opts, size_t olen, const void *file,
		    size_t flen, const void *sname, size_t slen)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };

	memset(pkt, 0, sizeof pkt);
	pkt[0] = 1;
	pkt[1] = 1;
	pkt[2] = 6;
	pkt[4] = 0x12;
	pkt[7] = 0x78;
	memcpy(pkt + 28, mac, 6);
	if (sname)
		memcpy(pkt + 44, sname, slen);
	if (file)
		memcpy(pkt + 108, file, flen);
	memcpy(pkt + 236, "\x63\x82\x53\x63", 4);
	memcpy(pkt + 240, opts, olen);
	return 240 + olen;
}

static int parse_raw(const char *opts, size_t olen)
{
	size_t n = craft(opts, olen, NULL, 0, NULL, 0);

	return ztp_dhcp_parse(&P, pkt, n, &E);
}
#define PARSE(lit) parse_raw(lit, sizeof lit - 1)

static int slice_is(struct ztp_dhcp_slice s, const char *want, size_t n)
{
	return s.len == n && (n == 0 || memcmp(s.p, want, n) == 0);
}
#define SLICE_IS(s, lit) slice_is(s, lit, sizeof lit - 1)

static size_t load(const char *path, uint8_t *b, size_t max)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(b, 1, max, f);
	fclose(f);
	return n;
}

static void real_clients(void)
{
	struct ztp_dhcp_slice v;
	uint8_t key[ZTP_DHCP_KEY_MAX];
	size_t n;

	n = load("tests/fixtures/dhcp/udhcpc-discover.bin", pkt, sizeof pkt);
	ok(n == 300, "udhcpc capture is there");
	is_int(ztp_dhcp_parse(&P, pkt, n, &E), 0, "udhcpc DISCOVER parses");
	is_int(ztp_dhcp_msgtype(&P), ZTP_DHCPDISCOVER, "udhcpc: DISCOVER");
	ok(ztp_dhcp_vendor_class(&P, &v) && SLICE_IS(v, "ciscopnp"),
	   "udhcpc: vendor class ciscopnp");
	ok(ztp_dhcp_hostname(&P, &v) && SLICE_IS(v, "r1"), "udhcpc: hostname");
	ok(ztp_dhcp_prl(&P, &v) && v.len == 7 && v.p[0] == 1 && v.p[1] == 3,
	   "udhcpc: parameter request list 1 3 ...");
	is_int(ztp_dhcp_max_payload(&P), 576 - 28, "udhcpc: max size 576");
	ok(ztp_dhcp_client_id(&P, &v) && v.len == 7 && v.p[0] == 1 &&
	   memcmp(v.p + 1, P.chaddr, 6) == 0, "udhcpc: client id 01+MAC");
	n = ztp_dhcp_client_key(&P, key);
	ok(n == 7 && memcmp(key + 1, P.chaddr, 6) == 0, "udhcpc: key from 61");

	n = load("tests/fixtures/dhcp/dhclient-discover.bin", pkt, sizeof pkt);
	is_int(ztp_dhcp_parse(&P, pkt, n, &E), 0, "ISC dhclient DISCOVER parses");
	ok(ztp_dhcp_vendor_class(&P, &v) && SLICE_IS(v, "Juniper-ex2300-48p"),
	   "dhclient: vendor class");
	ok(ztp_dhcp_hostname(&P, &v) && SLICE_IS(v, "ex-1"), "dhclient: hostname");
	ok(ztp_dhcp_prl(&P, &v) && memchr(v.p, 43, v.len) && memchr(v.p, 66, v.len),
	   "dhclient: asks for 43 and 66");
	{
		struct ztp_dhcp_relay ri;

		n = load("tests/fixtures/dhcp/dhcrelay-discover.bin", pkt,
			 sizeof pkt);
		is_int(ztp_dhcp_parse(&P, pkt, n, &E), 0,
		       "DISCOVER relayed by ISC dhcrelay -a parses");
		is_int(P.hops, 1, "dhcrelay: hops 1");
		is_int(P.giaddr, 0x0a620001, "dhcrelay: giaddr 10.98.0.1");
		is_int(ztp_dhcp_relay_info(&P, &ri), 1, "dhcrelay: option 82");
		ok(SLICE_IS(ri.circuit_id, "zcrd"),
		   "dhcrelay: circuit id is its interface name");
	}

	n = load("tests/fixtures/dhcp/dhcpcd-discover.bin", pkt, sizeof pkt);
	is_int(ztp_dhcp_parse(&P, pkt, n, &E), 0, "dhcpcd DISCOVER parses");
	is_int(ztp_dhcp_msgtype(&P), ZTP_DHCPDISCOVER, "dhcpcd: DISCOVER");
	is_int(ztp_dhcp_max_payload(&P), 1472 - 28, "dhcpcd: max size 1472");
	ok(ztp_dhcp_vendor_class(&P, &v) && v.len > 6 &&
	   memcmp(v.p, "dhcpcd", 6) == 0, "dhcpcd: vendor class");
	ok(!ztp_dhcp_client_id(&P, &v), "dhcpcd: no option 61");
	n = ztp_dhcp_client_key(&P, key);
	ok(n == 7 && key[0] == 1 && memcmp(key + 1, P.chaddr, 6) == 0,
	   "dhcpcd: key is htype + MAC");
}

static void broken(void)
{
	size_t i;
	int bad = 0;

	load("tests/fixtures/dhcp/udhcpc-discover.bin", out, sizeof out);
	for (i = 0; i < 240; i++)
		if (ztp_dhcp_parse(&P, out, i, &E) != ZTP_ERR_PARSE)
			bad++;
	is_int(bad, 0, "every header shorter than 240 bytes is refused");
	like(E.msg, "too short", "says too short");
	/* cut inside the options: the option before the cut is refused */
	is_int(ztp_dhcp_parse(&P, out, 0x103, &E), ZTP_ERR_PARSE,
	       "a datagram cut inside option 12 is refused");
	like(E.msg, "option 12 in the options field runs past its end",
	     "names the option");
	is_int(PARSE("\x35\x01\x01\x0c\x10" "ab"), ZTP_ERR_PARSE,
	       "option length past the end");
	is_int(PARSE("\x35\x01\x01\x0c"), ZTP_ERR_PARSE,
	       "option without its length byte");
	is_int(PARSE("\x35\x02\x01\x01"), ZTP_ERR_PARSE, "53 of length 2");
	like(E.msg, "option 53 has length 2, want 1", "says want 1");
	is_int(PARSE("\x35\x00"), ZTP_ERR_PARSE, "53 of length 0");
	is_int(PARSE("\x35\x01\x03\x32\x03\x0a\x00\x00"), ZTP_ERR_PARSE,
	       "50 of length 3");
	is_int(PARSE("\x35\x01\x03\x36\x05\x0a\x00\x00\x01\x02"), ZTP_ERR_PARSE,
	       "54 of length 5");
	is_int(PARSE("\x35\x01\x03\x03\x06\x0a\x00\x00\x01\x02\x03"),
	       ZTP_ERR_PARSE, "router list of 6 bytes");
	like(E.msg, "want a multiple of 4", "says multiple of 4");
	is_int(PARSE("\x35\x01\x03\x3d\x01\x01"), ZTP_ERR_PARSE,
	       "client id of 1 byte");
	is_int(PARSE("\x35\x01\x01\x39\x01\x05"), ZTP_ERR_PARSE, "57 of 1 byte");
	is_int(PARSE("\x34\x01\x03\x34\x01\x03"), ZTP_ERR_PARSE,
	       "option 52 twice");
	is_int(PARSE("\x34\x01\x07"), ZTP_ERR_PARSE, "option 52 = 7");
	is_int(PARSE("\x35\x01\x01\x34\x01\x00\x34\x00"), ZTP_ERR_PARSE,
	       "option 52 = 0, then a 0-length 52 at the very end (fuzz)");
	is_int(PARSE("\x35\x01\x01\x34\x00\x34\x01\x02\x34\x00"), 0,
	       "option 52 split around 0-length instances");
	is_int(P.overload, 2, "its value is read from the 1-byte instance");
	craft("\x35\x01\x01", 3, NULL, 0, NULL, 0);
	pkt[236] = 0;
	is_int(ztp_dhcp_parse(&P, pkt, 243, &E), ZTP_ERR_PARSE,
	       "no magic cookie");
	craft("\x35\x01\x01", 3, NULL, 0, NULL, 0);
	pkt[2] = 17;
	is_int(ztp_dhcp_parse(&P, pkt, 243, &E), ZTP_ERR_PARSE, "hlen 17");
	craft("\x35\x01\x01", 3, NULL, 0, NULL, 0);
	is_int(ztp_dhcp_parse(&P, pkt, ZTP_DHCP_PKT_MAX + 1, &E), ZTP_ERR_LIMIT,
	       "a datagram over the limit");
}

static void zero_and_pad(void)
{
	struct ztp_dhcp_slice v;

	is_int(PARSE("\x00\x00\x35\x01\x01\x00\x3c\x00\x0c\x00\xff\x0c\x02xx"), 0,
	       "pads, 0-length options and bytes after end parse");
	ok(ztp_dhcp_vendor_class(&P, &v) && v.len == 0,
	   "0-length vendor class is present and empty");
	ok(ztp_dhcp_hostname(&P, &v) && v.len == 0,
	   "0-length hostname, and what follows end is ignored");
	is_int(PARSE("\x35\x01\x01\x0c\x02" "ab"), 0, "no end option is tolerated");
	is_int(ztp_dhcp_msgtype(&P), ZTP_DHCPDISCOVER, "message type read");
	is_int(PARSE("\x0c\x01x"), 0, "BOOTP request");
	is_int(ztp_dhcp_msgtype(&P), 0, "BOOTP has message type 0");
	is_str(ztp_dhcp_msgtype_name(8), "DHCPINFORM", "type names");
}

static void overload_and_long(void)
{
	struct ztp_dhcp_slice v;
	uint8_t file[128], sname[64], opts[600];
	size_t n, i;
	uint32_t ip;

	/* overload 3: options, then file, then sname; 52 in the file field
	 * is ignored (no loop) */
	memset(file, 0, sizeof file);
	memset(sname, 0, sizeof sname);
	memcpy(file, "\x0c\x03" "abc" "\x34\x01\x01" "\x32\x04\x0a\x00\x00\x07"
	       "\xff", 14);
	memcpy(sname, "\x0c\x02" "de" "\x3c\x03" "xyz" "\xff", 10);
	n = craft("\x35\x01\x03\x34\x01\x03\x0c\x01Z\xff", 10, file, 128,
		  sname, 64);
	is_int(ztp_dhcp_parse(&P, pkt, n, &E), 0, "overloaded packet parses");
	is_int(P.overload, 3, "overload 3");
	ok(ztp_dhcp_hostname(&P, &v) && SLICE_IS(v, "Zabcde"),
	   "hostname concatenated in order options, file, sname");
	ok(ztp_dhcp_requested_ip(&P, &ip) && ip == 0x0a000007,
	   "requested ip from the file field");
	ok(ztp_dhcp_vendor_class(&P, &v) && SLICE_IS(v, "xyz"),
	   "vendor class from sname");

	/* without 52 the file field is only a file name */
	n = craft("\x35\x01\x03\xff", 4, file, 128, NULL, 0);
	is_int(ztp_dhcp_parse(&P, pkt, n, &E), 0, "file field without 52");
	ok(!ztp_dhcp_hostname(&P, &v), "its options are not read");

	/* option 52 = 1 but the file field overflows */
	memset(file, 0, sizeof file);
	file[126] = 12;
	file[127] = 5;
	n = craft("\x35\x01\x03\x34\x01\x01\xff", 7, file, 128, NULL, 0);
	is_int(ztp_dhcp_parse(&P, pkt, n, &E), ZTP_ERR_PARSE,
	       "an option running past the file field is refused");
	like(E.msg, "file field", "names the file field");

	/* RFC 3396: a 300-byte hostname in two instances */
	n = 0;
	opts[n++] = 53; opts[n++] = 1; opts[n++] = 1;
	opts[n++] = 12; opts[n++] = 200;
	for (i = 0; i < 200; i++)
		opts[n++] = 'a';
	opts[n++] = 60; opts[n++] = 1; opts[n++] = 'v';
	opts[n++] = 12; opts[n++] = 100;
	for (i = 0; i < 100; i++)
		opts[n++] = 'b';
	opts[n++] = 255;
	is_int(parse_raw((char *)opts, n), 0, "split hostname parses");
	ok(ztp_dhcp_hostname(&P, &v) && v.len == 300 && v.p[199] == 'a' &&
	   v.p[200] == 'b', "split hostname is concatenated (300 bytes)");
	/* split fixed-size option: two halves of 50 make 4 bytes */
	is_int(PARSE("\x35\x01\x03\x32\x02\x0a\x00\x32\x02\x00\x09"), 0,
	       "option 50 split in two halves");
	ok(ztp_dhcp_requested_ip(&P, &ip) && ip == 0x0a000009,
	   "and joined");
}

static void hostile_hostname(void)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	uint8_t opts[1200];
	char safe[64];
	size_t n = 0, i;
	const char *evil = "../../etc/passwd;rm -rf /\n$(reboot)`id`|\x1b[2J";

	opts[n++] = 53; opts[n++] = 1; opts[n++] = 3;
	for (i = 0; i < 4; i++) {	/* 4 x 255 bytes */
		size_t k;

		opts[n++] = 12;
		opts[n++] = 255;
		for (k = 0; k < 255; k++)
			opts[n++] = (uint8_t)evil[(i * 255 + k) % strlen(evil)];
	}
	opts[n++] = 255;
	is_int(parse_raw((char *)opts, n), 0, "1020-byte hostile hostname parses");
	is_int(ztp_dhcp_hostname_esc(&P, &b), 0, "escapes");
	ok(strchr(b.p, '\n') == NULL && strchr(b.p, '\x1b') == NULL,
	   "escaped: no newline, no escape byte");
	like(b.p, "\\x1b[2J", "the escape byte shown as \\x1b");
	is_int(ztp_dhcp_hostname_safe(&P, safe, sizeof safe), 0, "safe form");
	ok(strchr(safe, '/') == NULL && strstr(safe, "..") == NULL &&
	   safe[0] != '.' && safe[0] != '-' && strpbrk(safe, ";$`| ") == NULL,
	   "safe form: no '/', no '..', no shell metacharacters");
	ok(strlen(safe) == sizeof safe - 1, "safe form is bounded");
	is_int(PARSE("\x35\x01\x03\x0c\x06../..\xff"), 0, "hostname ../..");
	is_int(ztp_dhcp_hostname_safe(&P, safe, sizeof safe), -1,
	       "nothing usable in ../..");
	ztp_buf_free(&b);
}

static void user_class(void)
{
	struct ztp_dhcp_slice uc[4];
	int raw;

	is_int(PARSE("\x35\x01\x01\x4d\x0a\x03" "abc" "\x05" "ztp-1\xff"), 0,
	       "RFC 3004 user class");
	is_int(ztp_dhcp_user_classes(&P, uc, 4, &raw), 2, "two classes");
	ok(!raw && SLICE_IS(uc[0], "abc") && SLICE_IS(uc[1], "ztp-1"),
	   "abc and ztp-1");
	is_int(PARSE("\x35\x01\x01\x4d\x07iPXE-xx\xff"), 0, "bare user class");
	is_int(ztp_dhcp_user_classes(&P, uc, 4, &raw), 1, "one bare class");
	ok(raw && SLICE_IS(uc[0], "iPXE-xx"), "kept whole, flagged raw");
}

static void relay_vi(void)
{
	struct ztp_dhcp_relay ri;
	struct ztp_dhcp_slice v;
	struct ztp_dhcp_tr111 t;

	is_int(PARSE("\x35\x01\x01\x52\x12\x01\x08Gi1/0/7;\x02\x06" "abcdef"
		     "\x09\x00\xff"), 0, "option 82 parses");
	is_int(ztp_dhcp_relay_info(&P, &ri), 1, "relay info present");
	ok(SLICE_IS(ri.circuit_id, "Gi1/0/7;"), "circuit id");
	ok(SLICE_IS(ri.remote_id, "abcdef"), "remote id");
	is_int(ri.raw.len, 18, "raw value kept");
	is_int(PARSE("\x35\x01\x01\x52\x0c\x05\x04\x0a\x01\x00\x00"
		     "\x0b\x04\x0a\x00\x00\xfe\xff"), 0, "82 with 5 and 11");
	is_int(ztp_dhcp_relay_info(&P, &ri), 1, "parsed");
	ok(ri.link_selection == 0x0a010000 &&
	   ri.server_id_override == 0x0a0000fe && ri.circuit_id.len == 0,
	   "link selection (RFC 3527), server id override (RFC 5107)");
	is_int(PARSE("\x35\x01\x01\x52\x05\x05\x03\x0a\x01\x00\xff"), 0,
	       "82 with a 3-byte link selection");
	is_int(ztp_dhcp_relay_info(&P, &ri), -1, "is malformed");
	ok(ri.raw.len == 5 && ri.link_selection == 0, "raw kept, nothing else");
	is_int(PARSE("\x35\x01\x01\x52\x04\x01\x08Gi\xff"), 0,
	       "broken 82 does not reject the packet");
	is_int(ztp_dhcp_relay_info(&P, &ri), -1, "but is reported malformed");

	/* 125: enterprise 9 then 3561 with TR-111 OUI, serial, class */
	is_int(PARSE("\x35\x01\x01"
		     "\x7d\x25"
		     "\x00\x00\x00\x09\x03\x01\x01X"
		     "\x00\x00\x0d\xe9\x18"
		     "\x01\x06" "0CD996" "\x02\x08" "SN123456" "\x03\x04" "R920"
		     "\xff"), 0, "option 125 parses");
	is_int(ztp_dhcp_tr111(&P, &t), 1, "TR-111 found");
	ok(SLICE_IS(t.oui, "0CD996") && SLICE_IS(t.serial, "SN123456") &&
	   SLICE_IS(t.product_class, "R920"), "OUI, serial, product class");
	ok(ztp_dhcp_vivso(&P, 9, &v) == 1 && SLICE_IS(v, "\x01\x01X"),
	   "enterprise 9 block");
	is_int(ztp_dhcp_vivso(&P, 2636, &v), 0, "enterprise 2636 absent");
	is_int(PARSE("\x35\x01\x01\x7d\x07\x00\x00\x0d\xe9\x09\x01\x02\xff"), 0,
	       "truncated 125 parses as an option");
	is_int(ztp_dhcp_tr111(&P, &t), -1, "but is malformed");
	is_int(PARSE("\x35\x01\x01\x7c\x0b\x00\x00\x00\x09\x06\x05" "CPE-1"
		     "\xff"), 0, "option 124");
	ok(ztp_dhcp_vivco(&P, 9, &v) == 1 && SLICE_IS(v, "\x05" "CPE-1"),
	   "enterprise 9 vendor class");
}

static void build(void)
{
	struct ztp_dhcp_opts o;
	struct ztp_dhcp_reply rep;
	struct ztp_dhcp_slice v;
	struct ztp_dhcp_relay ri;
	uint32_t dns[2] = { 0x08080808, 0x01010101 }, ip;
	char big[1000];
	size_t n;
	int i;

	/* request: PRL 6 3 1 43, max size 1500, option 82 */
	is_int(PARSE("\x35\x01\x03\x37\x04\x06\x03\x01\x2b\x39\x02\x05\xdc"
		     "\x52\x08\x01\x02" "p7" "\x02\x02" "sw\xff"), 0,
	       "request with PRL and 82");
	ztp_dhcp_opts_init(&o);
	ok(ztp_dhcp_opts_add_u32(&o, 54, ZTP_DHCP_OF_REQUIRED, 0x0a000001, &E) == 0 &&
	   ztp_dhcp_opts_add_u32(&o, 51, ZTP_DHCP_OF_REQUIRED, 3600, &E) == 0 &&
	   ztp_dhcp_opts_add_u32(&o, 1, 0, 0xffffff00, &E) == 0 &&
	   ztp_dhcp_opts_add_u32(&o, 3, 0, 0x0a000001, &E) == 0 &&
	   ztp_dhcp_opts_add_ips(&o, 6, 0, dns, 2, &E) == 0 &&
	   ztp_dhcp_opts_add_str(&o, 15, 0, "example.net", &E) == 0 &&
	   ztp_dhcp_opts_add_str(&o, 43, 0, "5A1D;B2;K4;I10.0.0.1;J80", &E) == 0,
	   "options added");
	memset(&rep, 0, sizeof rep);
	rep.msgtype = ZTP_DHCPACK;
	rep.yiaddr = 0x0a000064;
	is_int(ztp_dhcp_build(&P, &rep, &o, out, sizeof out, &n, &E), 0,
	       "ACK built");
	is_int(n, 314, "reply length: options and end");
	/* order: 53, 54, 51, then PRL order 6 3 1 43, then 82, end */
	ok(out[240] == 53 && out[243] == 54 && out[249] == 51 &&
	   out[255] == 6 && out[265] == 3 && out[271] == 1 && out[277] == 43,
	   "53 first, required ones, then the PRL order");
	is_int(ztp_dhcp_parse(&Q, out, n, &E), 0, "reply parses back");
	is_int(Q.op, 2, "BOOTREPLY");
	is_int(Q.xid, P.xid, "xid copied");
	ok(memcmp(Q.chaddr, P.chaddr, 16) == 0, "chaddr copied");
	is_int(Q.yiaddr, 0x0a000064, "yiaddr");
	is_int(ztp_dhcp_msgtype(&Q), ZTP_DHCPACK, "type ACK");
	ok(!ztp_dhcp_opt(&Q, 15, &v), "option 15 not requested, not sent");
	ok(ztp_dhcp_opt(&Q, 6, &v) && v.len == 8, "DNS list sent");
	is_int(ztp_dhcp_relay_info(&Q, &ri), 1, "82 echoed");
	ok(SLICE_IS(ri.circuit_id, "p7") && SLICE_IS(ri.remote_id, "sw"),
	   "82 verbatim");
	/* 82 is the last option before end */
	{
		size_t k = 240;

		while (out[k] != 255 && out[k] != 82)
			k += out[k] == 0 ? 1 : 2u + out[k + 1];
		ok(out[k] == 82 && out[k + 2 + out[k + 1]] == 255,
		   "82 is last, right before end");
	}

	/* no PRL: everything is sent */
	is_int(PARSE("\x35\x01\x01\xff"), 0, "request without PRL");
	is_int(ztp_dhcp_build(&P, &rep, &o, out, sizeof out, &n, &E), 0,
	       "built");
	is_int(ztp_dhcp_parse(&Q, out, n, &E), 0, "parses back");
	ok(ztp_dhcp_opt(&Q, 15, &v) && SLICE_IS(v, "example.net"),
	   "unrequested options sent when there is no PRL");

	/* an ALWAYS option the client asked for comes in the client's order;
	 * one it did not ask for comes after */
	ztp_dhcp_opts_init(&o);
	ztp_dhcp_opts_add_u32(&o, 1, ZTP_DHCP_OF_ALWAYS, 0xffffff00, &E);
	ztp_dhcp_opts_add_u32(&o, 2, ZTP_DHCP_OF_ALWAYS, 7, &E);
	ztp_dhcp_opts_add_u32(&o, 3, 0, 0x0a000001, &E);
	ztp_dhcp_opts_add_u32(&o, 54, ZTP_DHCP_OF_REQUIRED, 0x0a000001, &E);
	is_int(PARSE("\x35\x01\x01\x37\x02\x03\x01\xff"), 0, "PRL 3 1");
	is_int(ztp_dhcp_build(&P, &rep, &o, out, sizeof out, &n, &E), 0, "built");
	ok(out[240] == 53 && out[243] == 54 && out[249] == 3 && out[255] == 1 &&
	   out[261] == 2 && out[267] == 255,
	   "53, required 54, PRL order 3 1, then unrequested ALWAYS 2");

	/* long option: 600 bytes of 43, client max 1500, no overload */
	memset(big, 'x', sizeof big);
	ztp_dhcp_opts_init(&o);
	ztp_dhcp_opts_add_u32(&o, 54, ZTP_DHCP_OF_REQUIRED, 0x0a000001, &E);
	ztp_dhcp_opts_add(&o, 43, 0, big, 600, &E);
	is_int(PARSE("\x35\x01\x01\x37\x01\x2b\x39\x02\x05\xdc\xff"), 0,
	       "request for 43 with max 1500");
	is_int(ztp_dhcp_build(&P, &rep, &o, out, sizeof out, &n, &E), 0,
	       "built with a 600-byte option");
	ok(n > 840 && n <= 1472, "fits the client's 1500");
	is_int(ztp_dhcp_parse(&Q, out, n, &E), 0, "parses back");
	ok(ztp_dhcp_opt(&Q, 43, &v) && v.len == 600, "43 split and rejoined");
	ok(!ztp_dhcp_opt(&Q, 52, &v), "no overload needed");

	/* same without max size (548 bytes): overload file+sname, then the
	 * 600-byte option does not fit and is left out */
	is_int(PARSE("\x35\x01\x01\x37\x02\x2b\x0c\xff"), 0, "request without 57");
	ztp_dhcp_opts_add(&o, 12, 0, big, 200, &E);
	is_int(ztp_dhcp_build(&P, &rep, &o, out, sizeof out, &n, &E), 0,
	       "built within 548 bytes");
	ok(n <= 548, "reply within 548");
	is_int(ztp_dhcp_parse(&Q, out, n, &E), 0, "parses back");
	ok(!ztp_dhcp_opt(&Q, 43, &v), "too long optional option left out");
	ok(ztp_dhcp_opt(&Q, 12, &v) && v.len == 200, "the 200-byte one sent");
	ok(ztp_dhcp_server_id(&Q, &ip) && ip == 0x0a000001, "server id kept");

	/* overload: 315 bytes of options in a 548-byte reply */
	ztp_dhcp_opts_init(&o);
	ztp_dhcp_opts_add_u32(&o, 54, ZTP_DHCP_OF_REQUIRED, 0x0a000001, &E);
	for (i = 0; i < 3; i++)
		ztp_dhcp_opts_add(&o, 224 + i, ZTP_DHCP_OF_ALWAYS, big, 100, &E);
	is_int(PARSE("\x35\x01\x01\xff"), 0, "request");
	is_int(ztp_dhcp_build(&P, &rep, &o, out, sizeof out, &n, &E), 0,
	       "built with overload");
	is_int(ztp_dhcp_parse(&Q, out, n, &E), 0, "parses back");
	ok(Q.overload != 0, "option 52 set");
	ok(ztp_dhcp_opt(&Q, 224, &v) && v.len == 100 &&
	   ztp_dhcp_opt(&Q, 225, &v) && v.len == 100 &&
	   ztp_dhcp_opt(&Q, 226, &v) && v.len == 100,
	   "all three 100-byte options arrive");
	rep.file = "boot.bin";
	rep.sname = "tftp";
	is_int(ztp_dhcp_build(&P, &rep, &o, out, sizeof out, &n, &E), 0,
	       "built with file and sname taken");
	is_int(ztp_dhcp_parse(&Q, out, n, &E), 0, "parses back");
	ok(Q.overload == 0 && memcmp(Q.file, "boot.bin", 9) == 0,
	   "no overload, file name kept");
	ok(!ztp_dhcp_opt(&Q, 226, &v), "the option that does not fit dropped");
	rep.file = rep.sname = NULL;

	/* a 302-byte option 82 (two instances) must be echoed whole, in the
	 * options field, with 53 and end: too much for 548 bytes */
	{
		uint8_t r[400];
		size_t rn = 0, k;

		r[rn++] = 53; r[rn++] = 1; r[rn++] = 1;
		r[rn++] = 82; r[rn++] = 255;
		r[rn++] = 1; r[rn++] = 253;
		for (k = 0; k < 253; k++)
			r[rn++] = 'c';
		r[rn++] = 82; r[rn++] = 47;
		r[rn++] = 2; r[rn++] = 45;
		for (k = 0; k < 45; k++)
			r[rn++] = 'r';
		r[rn++] = 255;
		is_int(parse_raw((char *)r, rn), 0, "request with a 302-byte 82");
		ztp_dhcp_opts_init(&o);
		ztp_dhcp_opts_add_u32(&o, 54, ZTP_DHCP_OF_REQUIRED, 1, &E);
		is_int(ztp_dhcp_build(&P, &rep, &o, out, sizeof out, &n, &E),
		       ZTP_ERR_LIMIT, "does not fit 548 bytes: error");
		memcpy(r + rn - 1, "\x39\x02\x05\xdc\xff", 5);
		is_int(parse_raw((char *)r, rn + 4), 0, "same with max size 1500");
		is_int(ztp_dhcp_build(&P, &rep, &o, out, sizeof out, &n, &E), 0,
		       "fits");
		is_int(ztp_dhcp_parse(&Q, out, n, &E), 0, "parses back");
		{
			struct ztp_dhcp_relay r2;

			ok(ztp_dhcp_relay_info(&Q, &r2) == 1 &&
			   r2.raw.len == 302 && r2.circuit_id.len == 253 &&
			   r2.remote_id.len == 45, "302-byte 82 echoed whole");
		}
	}

	/* a required option that cannot fit */
	is_int(PARSE("\x35\x01\x01\xff"), 0, "plain request");
	ztp_dhcp_opts_init(&o);
	ztp_dhcp_opts_add(&o, 43, ZTP_DHCP_OF_REQUIRED, big, 900, &E);
	is_int(ztp_dhcp_build(&P, &rep, &o, out, sizeof out, &n, &E),
	       ZTP_ERR_LIMIT, "required option too big: error");
	like(E.msg, "required options do not fit", "says so");
}

static void encoders(void)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_dhcp_juniper j = { "jinstall.tgz", "r1.conf", NULL, "http",
				      NULL };
	char big[300];

	is_int(ztp_dhcp_enc_cisco_pnp(&b, 0xac132dde, 80, 0, 1, &E), 0, "PnP");
	is_str(b.p, "5A1D;B2;K4;I172.19.45.222;J80", "PnP string");
	ztp_buf_reset(&b);
	ztp_dhcp_enc_cisco_pnp(&b, 0x0a000001, 443, 1, 0, &E);
	is_str(b.p, "5A1N;B2;K5;I10.0.0.1;J443", "PnP https without debug");
	is_int(ztp_dhcp_enc_cisco_pnp(&b, 0x0a000001, 0, 1, 0, &E),
	       ZTP_ERR_USAGE, "PnP port 0 refused");
	ztp_buf_reset(&b);
	is_int(ztp_dhcp_enc_juniper(&b, &j, &E), 0, "Juniper");
	ok(b.len == 2 + 12 + 2 + 7 + 2 + 4 &&
	   memcmp(b.p, "\x00\x0cjinstall.tgz\x01\x07r1.conf\x03\x04http",
		  b.len) == 0, "Juniper sub-options 0, 1, 3");
	ztp_buf_reset(&b);
	memset(big, 'a', sizeof big);
	is_int(ztp_dhcp_enc_subopt(&b, 1, big, 256, &E), ZTP_ERR_LIMIT,
	       "sub-option over 255 refused");
	is_int(ztp_dhcp_enc_subopt(&b, 1, "ab", 2, &E), 0, "sub-option");
	ztp_buf_reset(&b);
	is_int(ztp_dhcp_enc_vivso(&b, 3561, "\x01\x02xy", 4, &E), 0, "125");
	ok(b.len == 9 && memcmp(b.p, "\x00\x00\x0d\xe9\x04\x01\x02xy", 9) == 0,
	   "125 block bytes");
	ztp_buf_free(&b);
}

static void record(void)
{
	struct ztp_val *r;
	size_t n;

	n = load("tests/fixtures/dhcp/dhcrelay-discover.bin", pkt, sizeof pkt);
	is_int(ztp_dhcp_parse(&P, pkt, n, &E), 0, "relayed capture");
	r = ztp_dhcp_record(&P, 0x0a620064);
	is_str(ztp_map_str(r, "id"), "ea-5d-bd-6a-a5-12", "record: id from MAC");
	is_str(ztp_map_str(r, "mac"), "ea:5d:bd:6a:a5:12", "record: mac");
	is_str(ztp_map_str(r, "ip"), "10.98.0.100", "record: ip");
	is_str(ztp_map_str(r, "vendor_class"), "ciscopnp", "record: vendor class");
	is_str(ztp_map_str(r, "client_id"), "01ea5dbd6aa512", "record: client id hex");
	is_str(ztp_map_str(r, "port"), "zcrd", "record: port from circuit id");
	is_str(ztp_map_str(ztp_map_get(r, "dhcp"), "giaddr"), "10.98.0.1",
	       "record: relay address");
	ztp_val_unref(r);

	is_int(PARSE("\x35\x01\x01\x0c\x0c../x\n\x1b[2J;rm"
		     "\x52\x06\x01\x04" "a\nb/"
		     "\x7d\x0f\x00\x00\x0d\xe9\x0a\x02\x08" "SN\"1;$()"
		     "\x4d\x04\x03" "zt\x01" "\xff"), 0, "hostile request");
	r = ztp_dhcp_record(&P, 0);
	is_str(ztp_map_str(r, "hostname"), "../x\\n\\x1b[2J;rm",
	       "record: hostname escaped");
	is_str(ztp_map_str(r, "port"), "a\\nb/", "record: circuit id escaped");
	is_str(ztp_map_str(ztp_map_get(r, "dhcp"), "serial"), "SN\"1;$()",
	       "record: TR-111 serial (escaped text, still untrusted)");
	ok(ztp_map_get(r, "ip") == NULL, "record: no ip when none given");
	{
		struct ztp_val *uc = ztp_val_path(r, "dhcp.user_class");
		struct ztp_val *u0 = uc ? ztp_list_get(uc, 0) : NULL;

		ok(uc && ztp_val_len(uc) == 1 && u0 && ztp_val_len(u0) == 6,
		   "record: user class list, the class escaped (zt\\x01)");
	}
	ztp_val_unref(r);
}

static void ip_strings(void)
{
	uint32_t ip;
	char s[16];

	ok(ztp_dhcp_ip_parse("10.0.0.255", &ip) == 0 && ip == 0x0a0000ff,
	   "ip parse");
	ok(ztp_dhcp_ip_parse("10.0.0.256", &ip) < 0 &&
	   ztp_dhcp_ip_parse("10.0.0", &ip) < 0 &&
	   ztp_dhcp_ip_parse("10.0.0.01", &ip) < 0 &&
	   ztp_dhcp_ip_parse("10.0.0.1 ", &ip) < 0,
	   "bad addresses refused");
	ztp_dhcp_ip_fmt(0xc0a80101, s);
	is_str(s, "192.168.1.1", "ip format");
}

int main(void)
{
	real_clients();
	broken();
	zero_and_pad();
	overload_and_long();
	hostile_hostname();
	user_class();
	relay_vi();
	build();
	encoders();
	record();
	ip_strings();
	return done_testing();
}
