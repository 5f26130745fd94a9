/* dhcp.c: DHCPv4 packets, parsed and built (see dhcp.h) */
#include <stdio.h>
#include <string.h>

#include "dhcp.h"
#include "str.h"
#include "val.h"

static const uint8_t cookie[4] = { 99, 130, 83, 99 };

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* ---- parsing ---- */

/* how an option's length is checked; a violation rejects the packet */
enum { LEN_ANY, LEN_FIXED, LEN_LIST, LEN_MIN };
static const struct {
	uint8_t code, kind, size;
} optlens[] = {
	{ ZTP_OPT_SUBNET_MASK, LEN_FIXED, 4 },
	{ 2, LEN_FIXED, 4 },			/* time offset */
	{ ZTP_OPT_ROUTER, LEN_LIST, 4 },
	{ ZTP_OPT_DNS, LEN_LIST, 4 },
	{ ZTP_OPT_BROADCAST, LEN_FIXED, 4 },
	{ ZTP_OPT_NTP, LEN_LIST, 4 },
	{ ZTP_OPT_REQUESTED_IP, LEN_FIXED, 4 },
	{ ZTP_OPT_LEASE_TIME, LEN_FIXED, 4 },
	{ ZTP_OPT_OVERLOAD, LEN_FIXED, 1 },
	{ ZTP_OPT_MSGTYPE, LEN_FIXED, 1 },
	{ ZTP_OPT_SERVER_ID, LEN_FIXED, 4 },
	{ ZTP_OPT_MAXSIZE, LEN_FIXED, 2 },
	{ ZTP_OPT_T1, LEN_FIXED, 4 },
	{ ZTP_OPT_T2, LEN_FIXED, 4 },
	{ ZTP_OPT_CLIENT_ID, LEN_MIN, 2 },
	{ ZTP_OPT_CISCO_TFTP, LEN_LIST, 4 },
};

static int seen(const struct ztp_dhcp_pkt *pkt, int code)
{
	return (pkt->optseen[code >> 3] >> (code & 7)) & 1;
}

struct walk {
	struct ztp_dhcp_pkt *pkt;
	int pass;			/* 1: count, 2: copy */
	size_t total[256];
	uint16_t fill[256];
	const uint8_t *overload;	/* value of 52 in the options field */
};

/* One field's options: code, length, value; pad and end; 52 counts only
 * in the options field (is_opts), so overload can never loop. */
static int walk_field(struct walk *w, const uint8_t *p, size_t len,
		      const char *field, int is_opts, struct ztp_err *e)
{
	struct ztp_dhcp_pkt *pkt = w->pkt;
	size_t i = 0;
	uint8_t code, olen;

	while (i < len) {
		code = p[i++];
		if (code == ZTP_OPT_PAD)
			continue;
		if (code == ZTP_OPT_END)
			return 0;
		if (len - i < 1)
			goto too_short;
		olen = p[i++];
		if (len - i < olen)
			goto too_short;
		if (code == ZTP_OPT_OVERLOAD && !is_opts) {
			i += olen;
			continue;
		}
		if (w->pass == 1) {
			w->total[code] += olen;
			pkt->optseen[code >> 3] |= 1 << (code & 7);
			/* with a total of 1, the one instance of length 1
			 * holds the value (0-length ones may follow) */
			if (code == ZTP_OPT_OVERLOAD && olen == 1)
				w->overload = p + i;
		} else {
			memcpy(pkt->optdata + pkt->optoff[code] + w->fill[code],
			       p + i, olen);
			w->fill[code] += olen;
		}
		i += olen;
	}
	return 0;
too_short:
	return ztp_err_set(e, ZTP_ERR_PARSE,
			   "cannot parse DHCP packet: option %d in the %s field "
			   "runs past its end", code, field);
}

static int walk_all(struct walk *w, const uint8_t *b, size_t len,
		    struct ztp_err *e)
{
	int rc;

	if ((rc = walk_field(w, b + ZTP_DHCP_MIN_LEN, len - ZTP_DHCP_MIN_LEN,
			     "options", 1, e)) < 0)
		return rc;
	if (w->pass == 1) {
		if (w->total[ZTP_OPT_OVERLOAD] == 1 && w->overload != NULL) {
			w->pkt->overload = *w->overload;
			if (w->pkt->overload == 0)	/* 1, 2 or 3 only */
				w->pkt->overload = -1;
		}
		else if (seen(w->pkt, ZTP_OPT_OVERLOAD))
			return ztp_err_set(e, ZTP_ERR_PARSE,
					   "cannot parse DHCP packet: option 52 "
					   "has length %zu, want 1",
					   w->total[ZTP_OPT_OVERLOAD]);
		if (w->pkt->overload < 0 || w->pkt->overload > 3)
			return ztp_err_set(e, ZTP_ERR_PARSE,
					   "cannot parse DHCP packet: option 52 "
					   "has value %d, want 1, 2 or 3",
					   *w->overload);
	}
	if ((w->pkt->overload & 1) &&
	    (rc = walk_field(w, b + 108, 128, "file", 0, e)) < 0)
		return rc;
	if ((w->pkt->overload & 2) &&
	    (rc = walk_field(w, b + 44, 64, "sname", 0, e)) < 0)
		return rc;
	return 0;
}

int ztp_dhcp_parse(struct ztp_dhcp_pkt *pkt, const void *buf, size_t len,
		   struct ztp_err *e)
{
	const uint8_t *b = buf;
	struct walk w;
	size_t off, i;
	int rc, c;

	memset(pkt, 0, offsetof(struct ztp_dhcp_pkt, optdata));
	if (len < ZTP_DHCP_MIN_LEN)
		return ztp_err_set(e, ZTP_ERR_PARSE,
				   "cannot parse DHCP packet: %zu bytes is too "
				   "short, want at least %d", len,
				   ZTP_DHCP_MIN_LEN);
	if (len > ZTP_DHCP_PKT_MAX)
		return ztp_err_set(e, ZTP_ERR_LIMIT,
				   "cannot parse DHCP packet: %zu bytes is over "
				   "the limit of %d", len, ZTP_DHCP_PKT_MAX);
	pkt->len = len;
	pkt->op = b[0];
	pkt->htype = b[1];
	pkt->hlen = b[2];
	pkt->hops = b[3];
	pkt->xid = get32(b + 4);
	pkt->secs = get16(b + 8);
	pkt->flags = get16(b + 10);
	pkt->ciaddr = get32(b + 12);
	pkt->yiaddr = get32(b + 16);
	pkt->siaddr = get32(b + 20);
	pkt->giaddr = get32(b + 24);
	memcpy(pkt->chaddr, b + 28, 16);
	memcpy(pkt->sname, b + 44, 64);
	memcpy(pkt->file, b + 108, 128);
	if (pkt->op != ZTP_BOOTREQUEST && pkt->op != ZTP_BOOTREPLY)
		return ztp_err_set(e, ZTP_ERR_PARSE,
				   "cannot parse DHCP packet: op %d is neither "
				   "request nor reply", pkt->op);
	if (pkt->hlen > 16)
		return ztp_err_set(e, ZTP_ERR_PARSE,
				   "cannot parse DHCP packet: hardware address "
				   "length %d is over 16", pkt->hlen);
	if (memcmp(b + ZTP_DHCP_FIXED_LEN, cookie, 4) != 0)
		return ztp_err_set(e, ZTP_ERR_PARSE,
				   "cannot parse DHCP packet: no magic cookie");

	memset(&w, 0, sizeof w);
	w.pkt = pkt;
	w.pass = 1;
	if ((rc = walk_all(&w, b, len, e)) < 0)
		return rc;
	off = 0;
	for (c = 0; c < 256; c++) {
		if (!seen(pkt, c))
			continue;
		/* every byte counted came from the datagram: off <= len */
		pkt->optoff[c] = (uint16_t)off;
		pkt->optlen[c] = (uint16_t)w.total[c];
		off += w.total[c];
	}
	w.pass = 2;
	if ((rc = walk_all(&w, b, len, e)) < 0)
		return rc;

	for (i = 0; i < sizeof optlens / sizeof optlens[0]; i++) {
		c = optlens[i].code;
		size_t l = pkt->optlen[c], sz = optlens[i].size;

		if (!seen(pkt, c))
			continue;
		switch (optlens[i].kind) {
		case LEN_FIXED:
			if (l != sz)
				goto wrong_length;
			break;
		case LEN_LIST:
			if (l == 0 || l % sz != 0)
				goto wrong_length;
			break;
		case LEN_MIN:
			if (l < sz)
				goto wrong_length;
			break;
		}
		continue;
wrong_length:
		return ztp_err_set(e, ZTP_ERR_PARSE,
				   "cannot parse DHCP packet: option %d has "
				   "length %zu, want %s%zu", c, l,
				   optlens[i].kind == LEN_FIXED ? "" :
				   optlens[i].kind == LEN_LIST ? "a multiple of " :
				   "at least ", sz);
	}
	return 0;
}

/* ---- accessors ---- */

int ztp_dhcp_opt(const struct ztp_dhcp_pkt *pkt, int code,
		 struct ztp_dhcp_slice *val)
{
	if (code < 0 || code > 255 || !seen(pkt, code))
		return 0;
	if (val != NULL) {
		val->p = pkt->optdata + pkt->optoff[code];
		val->len = pkt->optlen[code];
	}
	return 1;
}

void ztp_dhcp_opt_forget(struct ztp_dhcp_pkt *pkt, int code)
{
	if (code >= 0 && code <= 255)
		pkt->optseen[code >> 3] &= (uint8_t)~(1u << (code & 7));
}

int ztp_dhcp_msgtype(const struct ztp_dhcp_pkt *pkt)
{
	struct ztp_dhcp_slice v;

	if (!ztp_dhcp_opt(pkt, ZTP_OPT_MSGTYPE, &v) || v.len != 1)
		return 0;
	return v.p[0];
}

const char *ztp_dhcp_msgtype_name(int type)
{
	static const char *const names[] = {
		"BOOTP", "DHCPDISCOVER", "DHCPOFFER", "DHCPREQUEST",
		"DHCPDECLINE", "DHCPACK", "DHCPNAK", "DHCPRELEASE",
		"DHCPINFORM",
	};

	if (type < 0 || type > 8)
		return "unknown";
	return names[type];
}

static int opt_ip(const struct ztp_dhcp_pkt *pkt, int code, uint32_t *ip)
{
	struct ztp_dhcp_slice v;

	if (!ztp_dhcp_opt(pkt, code, &v) || v.len != 4)
		return 0;
	*ip = get32(v.p);
	return 1;
}

int ztp_dhcp_requested_ip(const struct ztp_dhcp_pkt *pkt, uint32_t *ip)
{
	return opt_ip(pkt, ZTP_OPT_REQUESTED_IP, ip);
}

int ztp_dhcp_server_id(const struct ztp_dhcp_pkt *pkt, uint32_t *ip)
{
	return opt_ip(pkt, ZTP_OPT_SERVER_ID, ip);
}

int ztp_dhcp_client_id(const struct ztp_dhcp_pkt *pkt,
		       struct ztp_dhcp_slice *id)
{
	return ztp_dhcp_opt(pkt, ZTP_OPT_CLIENT_ID, id);
}

int ztp_dhcp_hostname(const struct ztp_dhcp_pkt *pkt,
		      struct ztp_dhcp_slice *name)
{
	return ztp_dhcp_opt(pkt, ZTP_OPT_HOSTNAME, name);
}

int ztp_dhcp_hostname_esc(const struct ztp_dhcp_pkt *pkt, struct ztp_buf *b)
{
	struct ztp_dhcp_slice v;

	if (!ztp_dhcp_hostname(pkt, &v))
		return 0;
	return ztp_escape(b, (const char *)v.p, v.len);
}

int ztp_dhcp_hostname_safe(const struct ztp_dhcp_pkt *pkt, char *out,
			   size_t outsz)
{
	struct ztp_dhcp_slice v;
	size_t i, n = 0;
	int c;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	if (!ztp_dhcp_hostname(pkt, &v))
		return -1;
	for (i = 0; i < v.len && n + 1 < outsz; i++) {
		c = v.p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			;
		else if (c == '-' || c == '.') {
			if (n == 0 || out[n - 1] == '.')
				continue;	/* no leading '.'/'-', no ".." */
		} else
			continue;
		out[n++] = (char)c;
	}
	while (n > 0 && (out[n - 1] == '.' || out[n - 1] == '-'))
		n--;
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

int ztp_dhcp_vendor_class(const struct ztp_dhcp_pkt *pkt,
			  struct ztp_dhcp_slice *vc)
{
	return ztp_dhcp_opt(pkt, ZTP_OPT_VENDOR_CLASS, vc);
}

int ztp_dhcp_prl(const struct ztp_dhcp_pkt *pkt, struct ztp_dhcp_slice *prl)
{
	return ztp_dhcp_opt(pkt, ZTP_OPT_PRL, prl);
}

size_t ztp_dhcp_max_payload(const struct ztp_dhcp_pkt *pkt)
{
	struct ztp_dhcp_slice v;
	size_t m = ZTP_DHCP_MIN_MAXSIZE;

	if (ztp_dhcp_opt(pkt, ZTP_OPT_MAXSIZE, &v) && v.len == 2 &&
	    get16(v.p) > m)
		m = get16(v.p);
	return m - ZTP_DHCP_UDP_IP_HDR;
}

int ztp_dhcp_user_classes(const struct ztp_dhcp_pkt *pkt,
			  struct ztp_dhcp_slice *out, int max, int *raw)
{
	struct ztp_dhcp_slice v;
	size_t i = 0, l;
	int n = 0;

	*raw = 0;
	if (!ztp_dhcp_opt(pkt, ZTP_OPT_USER_CLASS, &v) || v.len == 0)
		return 0;
	/* RFC 3004 form: every class has a length of at least 1 and the
	 * lengths add up exactly */
	while (i < v.len) {
		l = v.p[i++];
		if (l == 0 || v.len - i < l)
			goto bare;
		if (n < max) {
			out[n].p = v.p + i;
			out[n].len = l;
		}
		n++;
		i += l;
	}
	return n < max ? n : max;
bare:
	if (max < 1)
		return -1;
	*raw = 1;
	out[0] = v;
	return 1;
}

int ztp_dhcp_subopt(const uint8_t *p, size_t len, int code,
		    struct ztp_dhcp_slice *out)
{
	size_t i = 0, l;
	int c, found = 0;

	while (i < len) {
		c = p[i++];
		if (len - i < 1)
			return -1;
		l = p[i++];
		if (len - i < l)
			return -1;
		if (c == code && !found) {
			out->p = p + i;
			out->len = l;
			found = 1;
		}
		i += l;
	}
	return found;
}

int ztp_dhcp_relay_info(const struct ztp_dhcp_pkt *pkt,
			struct ztp_dhcp_relay *ri)
{
	struct ztp_dhcp_slice ls = { NULL, 0 }, so = { NULL, 0 };
	int has_ls, has_so;

	memset(ri, 0, sizeof *ri);
	if (!ztp_dhcp_opt(pkt, ZTP_OPT_RELAY_AGENT, &ri->raw))
		return 0;
	if (ztp_dhcp_subopt(ri->raw.p, ri->raw.len, 1, &ri->circuit_id) < 0)
		goto bad;	/* the area is malformed: all lookups fail */
	ztp_dhcp_subopt(ri->raw.p, ri->raw.len, 2, &ri->remote_id);
	has_ls = ztp_dhcp_subopt(ri->raw.p, ri->raw.len, 5, &ls);
	has_so = ztp_dhcp_subopt(ri->raw.p, ri->raw.len, 11, &so);
	if ((has_ls && ls.len != 4) || (has_so && so.len != 4))
		goto bad;
	if (has_ls)
		ri->link_selection = get32(ls.p);
	if (has_so)
		ri->server_id_override = get32(so.p);
	return 1;
bad:
	memset(ri, 0, sizeof *ri);
	ztp_dhcp_opt(pkt, ZTP_OPT_RELAY_AGENT, &ri->raw);
	return -1;
}

/* Options 124 and 125: enterprise (4), data length (1), data; repeated. */
static int vi_find(const struct ztp_dhcp_pkt *pkt, int code,
		   uint32_t enterprise, struct ztp_dhcp_slice *data)
{
	struct ztp_dhcp_slice v;
	size_t i = 0, l;
	int found = 0;

	if (!ztp_dhcp_opt(pkt, code, &v))
		return 0;
	while (i < v.len) {
		if (v.len - i < 5)
			return -1;
		l = v.p[i + 4];
		if (v.len - i - 5 < l)
			return -1;
		if (get32(v.p + i) == enterprise && !found) {
			data->p = v.p + i + 5;
			data->len = l;
			found = 1;
		}
		i += 5 + l;
	}
	return found;
}

int ztp_dhcp_vivso(const struct ztp_dhcp_pkt *pkt, uint32_t enterprise,
		   struct ztp_dhcp_slice *data)
{
	struct ztp_dhcp_slice s;
	int rc = vi_find(pkt, ZTP_OPT_VIVSO, enterprise, data);

	/* its data must be well-formed sub-options */
	if (rc == 1 && ztp_dhcp_subopt(data->p, data->len, -1, &s) < 0)
		return -1;
	return rc;
}

int ztp_dhcp_vivco(const struct ztp_dhcp_pkt *pkt, uint32_t enterprise,
		   struct ztp_dhcp_slice *data)
{
	return vi_find(pkt, ZTP_OPT_VIVCO, enterprise, data);
}

int ztp_dhcp_tr111(const struct ztp_dhcp_pkt *pkt, struct ztp_dhcp_tr111 *t)
{
	struct ztp_dhcp_slice d;
	int rc;

	memset(t, 0, sizeof *t);
	if ((rc = ztp_dhcp_vivso(pkt, ZTP_DHCP_ENT_BBF, &d)) <= 0)
		return rc;
	ztp_dhcp_subopt(d.p, d.len, 1, &t->oui);
	ztp_dhcp_subopt(d.p, d.len, 2, &t->serial);
	ztp_dhcp_subopt(d.p, d.len, 3, &t->product_class);
	return t->oui.p || t->serial.p || t->product_class.p;
}

size_t ztp_dhcp_client_key(const struct ztp_dhcp_pkt *pkt,
			   uint8_t key[ZTP_DHCP_KEY_MAX])
{
	struct ztp_dhcp_slice id;

	if (ztp_dhcp_client_id(pkt, &id) && id.len > 0) {
		if (id.len > ZTP_DHCP_KEY_MAX)
			id.len = ZTP_DHCP_KEY_MAX;
		memcpy(key, id.p, id.len);
		return id.len;
	}
	if (pkt->hlen == 0)
		return 0;
	key[0] = pkt->htype;
	memcpy(key + 1, pkt->chaddr, pkt->hlen);
	return 1 + (size_t)pkt->hlen;
}

/* escaped text of a slice as a string value */
static struct ztp_val *esc_val(struct ztp_dhcp_slice s)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	size_t n;
	char *p;

	ztp_buf_init(&b, 4 * 65536);
	if (ztp_escape(&b, (const char *)s.p, s.len) < 0) {
		ztp_buf_free(&b);
		return ztp_val_str("");
	}
	p = ztp_buf_detach(&b, &n);
	return p != NULL ? ztp_val_str_take(p, n) : ztp_val_str("");
}

static struct ztp_val *hex_val(const uint8_t *p, size_t n)
{
	char *s = ztp_xmalloc(2 * n + 1);

	ztp_hex(s, p, n);
	return ztp_val_str_take(s, 2 * n);
}

struct ztp_val *ztp_dhcp_record(const struct ztp_dhcp_pkt *pkt, uint32_t ip)
{
	struct ztp_val *r = ztp_val_map(), *d = ztp_val_map(), *l;
	struct ztp_dhcp_slice v, uc[16];
	struct ztp_dhcp_relay ri;
	struct ztp_dhcp_tr111 t;
	uint8_t key[ZTP_DHCP_KEY_MAX];
	char s[ZTP_ID_MAX + 1];
	size_t n;
	int i, k, raw;

	if (pkt->htype == 1 && pkt->hlen == 6) {
		ztp_id_from_mac(pkt->chaddr, s);
		ztp_map_set_str(r, "id", s);
		ztp_mac_format(pkt->chaddr, s);
		ztp_map_set_str(r, "mac", s);
	} else if ((n = ztp_dhcp_client_key(pkt, key)) > 0) {
		static const char hx[] = "0123456789abcdef";
		size_t m = n > 60 ? 60 : n, j;

		memcpy(s, "cid-", 4);
		for (j = 0; j < m; j++) {
			s[4 + 2 * j] = hx[key[j] >> 4];
			s[5 + 2 * j] = hx[key[j] & 15];
		}
		s[4 + 2 * m] = '\0';
		ztp_map_set_str(r, "id", s);
	}
	if (ip) {
		ztp_dhcp_ip_fmt(ip, s);
		ztp_map_set_str(r, "ip", s);
	}
	if (ztp_dhcp_relay_info(pkt, &ri) == 1) {
		if (ri.circuit_id.p)
			ztp_map_set(r, "port", esc_val(ri.circuit_id));
		if (ri.remote_id.p)
			ztp_map_set(d, "remote_id", esc_val(ri.remote_id));
	}
	if (ztp_dhcp_vendor_class(pkt, &v))
		ztp_map_set(r, "vendor_class", esc_val(v));
	if (ztp_dhcp_client_id(pkt, &v))
		ztp_map_set(r, "client_id", hex_val(v.p, v.len));
	if (ztp_dhcp_hostname(pkt, &v))
		ztp_map_set(r, "hostname", esc_val(v));
	if (pkt->giaddr) {
		ztp_dhcp_ip_fmt(pkt->giaddr, s);
		ztp_map_set_str(d, "giaddr", s);
	}
	if ((k = ztp_dhcp_user_classes(pkt, uc, 16, &raw)) > 0) {
		l = ztp_val_list();
		for (i = 0; i < k; i++)
			ztp_list_push(l, esc_val(uc[i]));
		ztp_map_set(d, "user_class", l);
	}
	if (ztp_dhcp_tr111(pkt, &t) == 1) {
		if (t.oui.p)
			ztp_map_set(d, "oui", esc_val(t.oui));
		if (t.serial.p)
			ztp_map_set(d, "serial", esc_val(t.serial));
		if (t.product_class.p)
			ztp_map_set(d, "product_class",
				    esc_val(t.product_class));
	}
	if (ztp_val_len(d) > 0)
		ztp_map_set(r, "dhcp", d);
	else
		ztp_val_unref(d);
	return r;
}

void ztp_dhcp_ip_fmt(uint32_t ip, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
		 (ip >> 8) & 255, ip & 255);
}

int ztp_dhcp_ip_parse(const char *s, uint32_t *ip)
{
	uint32_t v = 0;
	int part, digits;

	for (part = 0; part < 4; part++) {
		unsigned n = 0;

		if (part > 0 && *s++ != '.')
			return -1;
		for (digits = 0; *s >= '0' && *s <= '9'; s++, digits++) {
			if (digits == 3 || (digits > 0 && n == 0))
				return -1;	/* too long, or a leading 0 */
			n = n * 10 + (unsigned)(*s - '0');
		}
		if (digits == 0 || n > 255)
			return -1;
		v = v << 8 | n;
	}
	if (*s != '\0')
		return -1;
	*ip = v;
	return 0;
}

/* ---- option sets ---- */

void ztp_dhcp_opts_init(struct ztp_dhcp_opts *o)
{
	o->n = 0;
	o->used = 0;
}

static int opts_find(const struct ztp_dhcp_opts *o, int code)
{
	int i;

	for (i = 0; i < o->n; i++)
		if (o->o[i].code == code)
			return i;
	return -1;
}

int ztp_dhcp_opts_add(struct ztp_dhcp_opts *o, int code, int flags,
		      const void *p, size_t len, struct ztp_err *e)
{
	int i;

	if (code <= ZTP_OPT_PAD || code >= ZTP_OPT_END)
		return ztp_err_set(e, ZTP_ERR_USAGE,
				   "cannot add DHCP option %d: not an option",
				   code);
	if (len > sizeof o->data - o->used)
		return ztp_err_set(e, ZTP_ERR_LIMIT,
				   "cannot add DHCP option %d: %zu bytes do not "
				   "fit in the %zu left", code, len,
				   sizeof o->data - o->used);
	i = opts_find(o, code);
	if (i >= 0 && i != o->n - 1) {
		/* keep each value contiguous: only the last one can grow */
		if (o->o[i].len + len > sizeof o->data - o->used)
			return ztp_err_set(e, ZTP_ERR_LIMIT,
					   "cannot add DHCP option %d: out of "
					   "room", code);
		memcpy(o->data + o->used, o->data + o->o[i].off, o->o[i].len);
		o->o[i].off = (uint16_t)o->used;
		o->used += o->o[i].len;
		/* move it to the end, keeping the order of the others */
		{
			struct ztp_dhcp_opt_ent t = o->o[i];

			memmove(&o->o[i], &o->o[i + 1],
				(size_t)(o->n - i - 1) * sizeof o->o[0]);
			o->o[o->n - 1] = t;
		}
		i = o->n - 1;
	}
	if (i < 0) {
		if (o->n == ZTP_DHCP_OPTS_MAX)
			return ztp_err_set(e, ZTP_ERR_LIMIT,
					   "cannot add DHCP option %d: more "
					   "than %d options", code,
					   ZTP_DHCP_OPTS_MAX);
		i = o->n++;
		o->o[i].code = (uint8_t)code;
		o->o[i].flags = 0;
		o->o[i].off = (uint16_t)o->used;
		o->o[i].len = 0;
	}
	if (len > 0)
		memcpy(o->data + o->used, p, len);
	o->used += len;
	o->o[i].len = (uint16_t)(o->o[i].len + len);
	o->o[i].flags |= (uint8_t)flags;
	return 0;
}

int ztp_dhcp_opts_add_u8(struct ztp_dhcp_opts *o, int code, int flags,
			 uint8_t v, struct ztp_err *e)
{
	return ztp_dhcp_opts_add(o, code, flags, &v, 1, e);
}

int ztp_dhcp_opts_add_u16(struct ztp_dhcp_opts *o, int code, int flags,
			  uint16_t v, struct ztp_err *e)
{
	uint8_t b[2];

	put16(b, v);
	return ztp_dhcp_opts_add(o, code, flags, b, 2, e);
}

int ztp_dhcp_opts_add_u32(struct ztp_dhcp_opts *o, int code, int flags,
			  uint32_t v, struct ztp_err *e)
{
	uint8_t b[4];

	put32(b, v);
	return ztp_dhcp_opts_add(o, code, flags, b, 4, e);
}

int ztp_dhcp_opts_add_ips(struct ztp_dhcp_opts *o, int code, int flags,
			  const uint32_t *ips, size_t n, struct ztp_err *e)
{
	size_t i;
	int rc;

	if (n == 0)
		return ztp_err_set(e, ZTP_ERR_USAGE,
				   "cannot add DHCP option %d: no address",
				   code);
	for (i = 0; i < n; i++)
		if ((rc = ztp_dhcp_opts_add_u32(o, code, flags, ips[i], e)) < 0)
			return rc;
	return 0;
}

int ztp_dhcp_opts_add_str(struct ztp_dhcp_opts *o, int code, int flags,
			  const char *s, struct ztp_err *e)
{
	return ztp_dhcp_opts_add(o, code, flags, s, strlen(s), e);
}

int ztp_dhcp_opts_get(const struct ztp_dhcp_opts *o, int code,
		      struct ztp_dhcp_slice *val)
{
	int i = opts_find(o, code);

	if (i < 0)
		return 0;
	val->p = o->data + o->o[i].off;
	val->len = o->o[i].len;
	return 1;
}

/* ---- building ---- */

/* one option to place: code, value, required? */
struct sel {
	uint8_t code;
	int required;
	const uint8_t *p;
	size_t len;
};

/* one instance placed: field (0 options, 1 file, 2 sname), chunk */
struct place {
	uint8_t code, field;
	const uint8_t *p;
	size_t len;
};

#define NSEL (ZTP_DHCP_OPTS_MAX + 2)
#define NPLACE (NSEL + ZTP_DHCP_OPTS_DATA / 255 + ZTP_DHCP_PKT_MAX / 255 + 8)

static size_t ninst(size_t len)
{
	return len == 0 ? 1 : (len + 254) / 255;
}

/* First-fit of each option's instances into the fields, in order, never
 * going back to an earlier field within one option (so split values stay
 * in order).  Optional options that do not fit are left out; -1 when a
 * required one does not fit. */
static int place_all(const struct sel *sel, int nsel, size_t cap[3],
		     int nfields, struct place *pl, int *npl, int *dropped)
{
	int s, f, n = 0;
	size_t k, c, chunk;

	*dropped = 0;
	for (s = 0; s < nsel; s++) {
		size_t save[3] = { cap[0], cap[1], cap[2] };
		int n0 = n;

		f = 0;
		for (k = 0; k < ninst(sel[s].len); k++) {
			c = k * 255;
			chunk = sel[s].len - c > 255 ? 255 : sel[s].len - c;
			while (f < nfields && cap[f] < 2 + chunk)
				f++;
			if (f == nfields)
				break;
			cap[f] -= 2 + chunk;
			pl[n].code = sel[s].code;
			pl[n].field = (uint8_t)f;
			pl[n].p = sel[s].p + c;
			pl[n].len = chunk;
			n++;
		}
		if (f == nfields) {
			if (sel[s].required)
				return -1;
			memcpy(cap, save, sizeof save);
			n = n0;
			(*dropped)++;
		}
	}
	*npl = n;
	return 0;
}

static size_t put_opt(uint8_t *p, int code, const uint8_t *v, size_t len)
{
	p[0] = (uint8_t)code;
	p[1] = (uint8_t)len;
	if (len > 0)
		memcpy(p + 2, v, len);
	return 2 + len;
}

static int put_header(uint8_t *out, size_t outsz, int op, uint32_t xid,
		      uint8_t htype, uint8_t hlen, const uint8_t *chaddr,
		      uint16_t flags, uint32_t ciaddr, uint32_t yiaddr,
		      uint32_t siaddr, uint32_t giaddr, const char *sname,
		      const char *file, struct ztp_err *e)
{
	if (outsz < 300)
		return ztp_err_set(e, ZTP_ERR_LIMIT,
				   "cannot build DHCP packet: %zu bytes of room "
				   "is under the 300 of BOOTP", outsz);
	if ((sname && strlen(sname) > 63) || (file && strlen(file) > 127))
		return ztp_err_set(e, ZTP_ERR_LIMIT,
				   "cannot build DHCP packet: server name or "
				   "file name too long");
	memset(out, 0, outsz);
	out[0] = (uint8_t)op;
	out[1] = htype;
	out[2] = hlen > 16 ? 16 : hlen;
	put32(out + 4, xid);
	put16(out + 10, flags);
	put32(out + 12, ciaddr);
	put32(out + 16, yiaddr);
	put32(out + 20, siaddr);
	put32(out + 24, giaddr);
	memcpy(out + 28, chaddr, 16);
	if (sname)
		memcpy(out + 44, sname, strlen(sname));
	if (file)
		memcpy(out + 108, file, strlen(file));
	memcpy(out + ZTP_DHCP_FIXED_LEN, cookie, 4);
	return 0;
}

static int excluded(int code)
{
	return code == ZTP_OPT_PAD || code == ZTP_OPT_END ||
	       code == ZTP_OPT_MSGTYPE || code == ZTP_OPT_OVERLOAD ||
	       code == ZTP_OPT_RELAY_AGENT;
}

int ztp_dhcp_build(const struct ztp_dhcp_pkt *req,
		   const struct ztp_dhcp_reply *rep,
		   const struct ztp_dhcp_opts *opts,
		   uint8_t *out, size_t outsz, size_t *outlen,
		   struct ztp_err *e)
{
	struct sel sel[NSEL];
	struct place pl[NPLACE];
	uint8_t taken[256] = { 0 }, mt;
	struct ztp_dhcp_slice prl, ra = { NULL, 0 };
	size_t limit, cap[3], len82 = 0, pos[3], k, c, chunk, i, fixed;
	int nsel = 0, npl = 0, nfields, dropped, j, rc, ov = 0, pass;
	int have82;

	limit = outsz;
	if (rep->max && rep->max < limit)
		limit = rep->max;
	if (ztp_dhcp_max_payload(req) < limit)
		limit = ztp_dhcp_max_payload(req);
	if (limit < 300)
		return ztp_err_set(e, ZTP_ERR_LIMIT,
				   "cannot build DHCP reply: %zu bytes of room "
				   "is under the 300 of BOOTP", limit);
	if ((rc = put_header(out, limit, ZTP_BOOTREPLY, req->xid, req->htype,
			     req->hlen, req->chaddr,
			     (uint16_t)(req->flags | rep->flags_or), rep->ciaddr,
			     rep->yiaddr, rep->siaddr, req->giaddr, rep->sname,
			     rep->file, e)) < 0)
		return rc;

	/* 53 is written first, in the options field, outside the placement */
	mt = (uint8_t)rep->msgtype;
	taken[ZTP_OPT_MSGTYPE] = 1;
	/* required ones, then the requested ones in the client's order, then
	 * the ones to send anyway (all of them when there is no list); the
	 * earlier, the likelier to fit */
	for (pass = 0; pass < 3; pass++) {
		int have_prl = ztp_dhcp_prl(req, &prl);

		if (pass == 1 && have_prl) {
			for (i = 0; i < prl.len; i++) {
				int code = prl.p[i];

				j = opts_find(opts, code);
				if (j < 0 || excluded(code) || taken[code])
					continue;
				sel[nsel++] = (struct sel){ (uint8_t)code, 0,
					opts->data + opts->o[j].off,
					opts->o[j].len };
				taken[code] = 1;
			}
			continue;
		}
		if (pass == 1)
			continue;
		for (j = 0; j < opts->n; j++) {
			int code = opts->o[j].code, fl = opts->o[j].flags;

			if (excluded(code) || taken[code])
				continue;
			if (pass == 0 && !(fl & ZTP_DHCP_OF_REQUIRED))
				continue;
			if (pass == 2 && have_prl &&
			    !(fl & (ZTP_DHCP_OF_ALWAYS | ZTP_DHCP_OF_REQUIRED)))
				continue;
			sel[nsel++] = (struct sel){ (uint8_t)code,
				(fl & ZTP_DHCP_OF_REQUIRED) != 0,
				opts->data + opts->o[j].off, opts->o[j].len };
			taken[code] = 1;
		}
	}

	/* the options field always holds 53, 82 (echoed last) and end */
	have82 = ztp_dhcp_opt(req, ZTP_OPT_RELAY_AGENT, &ra);
	if (have82)
		len82 = ra.len + 2 * ninst(ra.len);
	fixed = 1 + len82 + (rep->msgtype ? 3 : 0);
	if (limit - ZTP_DHCP_MIN_LEN < fixed)
		return ztp_err_set(e, ZTP_ERR_LIMIT,
				   "cannot build DHCP reply: the relay agent "
				   "information does not fit in %zu bytes",
				   limit);
	cap[0] = limit - ZTP_DHCP_MIN_LEN - fixed;
	cap[1] = cap[2] = 0;
	nfields = 1;
	if (place_all(sel, nsel, cap, 1, pl, &npl, &dropped) < 0 ||
	    dropped > 0) {
		cap[0] = limit - ZTP_DHCP_MIN_LEN - fixed;
		if ((rep->file == NULL || rep->sname == NULL) && cap[0] >= 3) {
			/* overload what is free: options (minus 3 bytes for
			 * option 52), file, sname */
			cap[0] -= 3;
			cap[1] = rep->file == NULL ? 127 : 0;
			cap[2] = rep->sname == NULL ? 63 : 0;
			nfields = 3;
		}
		if (place_all(sel, nsel, cap, nfields, pl, &npl, &dropped) < 0)
			return ztp_err_set(e, ZTP_ERR_LIMIT,
					   "cannot build DHCP reply: the "
					   "required options do not fit in "
					   "%zu bytes", limit);
	}
	for (j = 0; j < npl; j++)
		if (pl[j].field == 1)
			ov |= 1;
		else if (pl[j].field == 2)
			ov |= 2;

	pos[0] = ZTP_DHCP_MIN_LEN;
	pos[1] = 108;
	pos[2] = 44;
	if (rep->msgtype)
		pos[0] += put_opt(out + pos[0], ZTP_OPT_MSGTYPE, &mt, 1);
	if (ov) {
		uint8_t v = (uint8_t)ov;

		pos[0] += put_opt(out + pos[0], ZTP_OPT_OVERLOAD, &v, 1);
	}
	for (j = 0; j < npl; j++)
		pos[pl[j].field] += put_opt(out + pos[pl[j].field], pl[j].code,
					    pl[j].p, pl[j].len);
	if (have82)
		for (k = 0; k < ninst(ra.len); k++) {
			c = k * 255;
			chunk = ra.len - c > 255 ? 255 : ra.len - c;
			pos[0] += put_opt(out + pos[0], ZTP_OPT_RELAY_AGENT,
					  ra.p + c, chunk);
		}
	out[pos[0]++] = ZTP_OPT_END;
	if (ov & 1)
		out[pos[1]] = ZTP_OPT_END;
	if (ov & 2)
		out[pos[2]] = ZTP_OPT_END;
	*outlen = pos[0] < 300 ? 300 : pos[0];
	return 0;
}

int ztp_dhcp_build_request(int msgtype, uint32_t xid, const uint8_t mac[6],
			   uint32_t ciaddr, uint32_t giaddr,
			   const struct ztp_dhcp_opts *opts, uint8_t *out,
			   size_t outsz, size_t *outlen, struct ztp_err *e)
{
	uint8_t chaddr[16] = { 0 }, mt = (uint8_t)msgtype;
	size_t pos = ZTP_DHCP_MIN_LEN, need = 0, k, c, chunk, len;
	const uint8_t *p;
	int j, rc;

	memcpy(chaddr, mac, 6);
	if ((rc = put_header(out, outsz, ZTP_BOOTREQUEST, xid, 1, 6, chaddr,
			     0, ciaddr, 0, 0, giaddr, NULL, NULL, e)) < 0)
		return rc;
	if (msgtype)
		need += 3;
	for (j = 0; j < opts->n; j++)
		need += opts->o[j].len + 2 * ninst(opts->o[j].len);
	if (need + 1 > outsz - ZTP_DHCP_MIN_LEN)
		return ztp_err_set(e, ZTP_ERR_LIMIT,
				   "cannot build DHCP request: %zu bytes of "
				   "options do not fit", need);
	if (msgtype)
		pos += put_opt(out + pos, ZTP_OPT_MSGTYPE, &mt, 1);
	for (j = 0; j < opts->n; j++) {
		p = opts->data + opts->o[j].off;
		len = opts->o[j].len;
		for (k = 0; k < ninst(len); k++) {
			c = k * 255;
			chunk = len - c > 255 ? 255 : len - c;
			pos += put_opt(out + pos, opts->o[j].code, p + c, chunk);
		}
	}
	out[pos++] = ZTP_OPT_END;
	*outlen = pos < 300 ? 300 : pos;
	return 0;
}

/* ---- provisioning values ---- */

static int buf_fail(struct ztp_err *e, const char *what)
{
	return ztp_err_set(e, ZTP_ERR_LIMIT, "cannot encode %s: out of memory",
			   what);
}

int ztp_dhcp_enc_subopt(struct ztp_buf *b, int code, const void *p,
			size_t len, struct ztp_err *e)
{
	uint8_t h[2];

	if (code < 0 || code > 255 || len > 255)
		return ztp_err_set(e, ZTP_ERR_LIMIT,
				   "cannot encode sub-option %d: %zu bytes is "
				   "over 255", code, len);
	h[0] = (uint8_t)code;
	h[1] = (uint8_t)len;
	if (ztp_buf_add(b, h, 2) < 0 || (len && ztp_buf_add(b, p, len) < 0))
		return buf_fail(e, "sub-option");
	return 0;
}

int ztp_dhcp_enc_cisco_pnp(struct ztp_buf *b, uint32_t ip, int port,
			   int https, int debug, struct ztp_err *e)
{
	char a[16];

	if (port < 1 || port > 65535)
		return ztp_err_set(e, ZTP_ERR_USAGE,
				   "cannot encode Cisco PnP option: port %d "
				   "out of range", port);
	ztp_dhcp_ip_fmt(ip, a);
	if (ztp_buf_addf(b, "5A1%c;B2;K%c;I%s;J%d", debug ? 'D' : 'N',
			 https ? '5' : '4', a, port) < 0)
		return buf_fail(e, "Cisco PnP option");
	return 0;
}

int ztp_dhcp_enc_juniper(struct ztp_buf *b, const struct ztp_dhcp_juniper *j,
			 struct ztp_err *e)
{
	const char *v[5] = { j->image, j->config, j->image_type,
			     j->transfer_mode, j->alt_image };
	int i, rc;

	for (i = 0; i < 5; i++)
		if (v[i] != NULL &&
		    (rc = ztp_dhcp_enc_subopt(b, i, v[i], strlen(v[i]), e)) < 0)
			return rc;
	return 0;
}

int ztp_dhcp_enc_vivso(struct ztp_buf *b, uint32_t enterprise,
		       const void *subopts, size_t len, struct ztp_err *e)
{
	uint8_t h[5];

	if (len > 255)
		return ztp_err_set(e, ZTP_ERR_LIMIT,
				   "cannot encode option 125 for enterprise %u: "
				   "%zu bytes is over 255", enterprise, len);
	put32(h, enterprise);
	h[4] = (uint8_t)len;
	if (ztp_buf_add(b, h, 5) < 0 || (len && ztp_buf_add(b, subopts, len) < 0))
		return buf_fail(e, "option 125");
	return 0;
}
