/* fz-dhcp.c: parse any datagram; when it parses, every accessor runs, the
 * options round-trip through the request builder (same values after a
 * second parse), and a reply built for it parses back with option 82
 * echoed verbatim and within the client's size limit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp.h"
#include "str.h"
#include "val.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ztp_dhcp_pkt P, Q;
static uint8_t out[ZTP_DHCP_PKT_MAX];
static struct ztp_dhcp_opts O;

static void accessors(const struct ztp_dhcp_pkt *p)
{
	struct ztp_dhcp_slice v, uc[8];
	struct ztp_dhcp_relay ri;
	struct ztp_dhcp_tr111 t;
	struct ztp_buf b = ZTP_BUF_INIT;
	uint8_t key[ZTP_DHCP_KEY_MAX];
	char safe[64];
	uint32_t ip;
	int raw;

	(void)ztp_dhcp_msgtype_name(ztp_dhcp_msgtype(p));
	(void)ztp_dhcp_requested_ip(p, &ip);
	(void)ztp_dhcp_server_id(p, &ip);
	(void)ztp_dhcp_client_id(p, &v);
	(void)ztp_dhcp_hostname_esc(p, &b);
	if (ztp_dhcp_hostname_safe(p, safe, sizeof safe) == 0 &&
	    (strchr(safe, '/') || safe[0] == '.' || strstr(safe, "..")))
		abort();
	(void)ztp_dhcp_user_classes(p, uc, 8, &raw);
	(void)ztp_dhcp_relay_info(p, &ri);
	(void)ztp_dhcp_tr111(p, &t);
	(void)ztp_dhcp_vivco(p, 9, &v);
	(void)ztp_dhcp_vivso(p, 9, &v);
	if (ztp_dhcp_client_key(p, key) > ZTP_DHCP_KEY_MAX)
		abort();
	if (ztp_dhcp_max_payload(p) < 548)
		abort();
	ztp_val_unref(ztp_dhcp_record(p, p->yiaddr));
	ztp_buf_free(&b);
}

static void roundtrip(const struct ztp_dhcp_pkt *p)
{
	struct ztp_dhcp_slice v, w;
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	size_t n;
	int c;

	ztp_dhcp_opts_init(&O);
	for (c = 1; c < 255; c++)
		if (c != ZTP_OPT_OVERLOAD && ztp_dhcp_opt(p, c, &v) &&
		    ztp_dhcp_opts_add(&O, c, 0, v.p, v.len, NULL) < 0)
			return;
	if (ztp_dhcp_build_request(0, p->xid, mac, p->ciaddr, p->giaddr, &O,
				   out, sizeof out, &n, NULL) < 0)
		return;
	if (ztp_dhcp_parse(&Q, out, n, NULL) < 0)
		abort();
	for (c = 1; c < 255; c++) {
		if (c == ZTP_OPT_OVERLOAD)
			continue;
		if (ztp_dhcp_opt(p, c, &v) != ztp_dhcp_opt(&Q, c, &w))
			abort();
		if (ztp_dhcp_opt(p, c, &v) &&
		    (v.len != w.len || memcmp(v.p, w.p, v.len) != 0))
			abort();
	}
}

static void reply(const struct ztp_dhcp_pkt *p)
{
	struct ztp_dhcp_reply rep = { ZTP_DHCPOFFER, 0, 0x0a000064, 0, NULL,
				      NULL, 0, 0 };
	struct ztp_dhcp_slice ra, rb, prl;
	static const char big[700] = { 'x' };
	uint32_t dns[3] = { 1, 2, 3 };
	size_t n;

	ztp_dhcp_opts_init(&O);
	ztp_dhcp_opts_add_u32(&O, 54, ZTP_DHCP_OF_REQUIRED, 0x0a000001, NULL);
	ztp_dhcp_opts_add_u32(&O, 51, ZTP_DHCP_OF_REQUIRED, 3600, NULL);
	ztp_dhcp_opts_add_u32(&O, 1, ZTP_DHCP_OF_ALWAYS, 0xffffff00, NULL);
	ztp_dhcp_opts_add_ips(&O, 6, 0, dns, 3, NULL);
	ztp_dhcp_opts_add(&O, 43, 0, big, (p->xid & 0x3ff) % sizeof big, NULL);
	ztp_dhcp_opts_add(&O, 125, 0, big, (p->xid >> 10 & 0x1ff), NULL);
	ztp_dhcp_opts_add_str(&O, 67, 0, "boot.cfg", NULL);
	if (ztp_dhcp_build(p, &rep, &O, out, sizeof out, &n, NULL) < 0)
		return;
	if (n > ztp_dhcp_max_payload(p) || n < 300)
		abort();
	if (ztp_dhcp_parse(&Q, out, n, NULL) < 0)
		abort();
	if (ztp_dhcp_msgtype(&Q) != ZTP_DHCPOFFER || Q.xid != p->xid)
		abort();
	if (ztp_dhcp_opt(p, ZTP_OPT_RELAY_AGENT, &ra)) {
		if (!ztp_dhcp_opt(&Q, ZTP_OPT_RELAY_AGENT, &rb) ||
		    ra.len != rb.len || memcmp(ra.p, rb.p, ra.len) != 0)
			abort();
	}
	/* a requested option present in the set is either sent whole or not */
	if (ztp_dhcp_prl(p, &prl) && ztp_dhcp_opt(&Q, 43, &rb) &&
	    rb.len != (p->xid & 0x3ff) % sizeof big)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (ztp_dhcp_parse(&P, data, size, NULL) < 0)
		return 0;
	accessors(&P);
	roundtrip(&P);
	reply(&P);
	return 0;
}
