/* tmpl-net.c: network filters that real templates use beyond core Jinja2:
 * the Ansible ipaddr family (ipaddr, ipv4, ipv6, ipsubnet, ipmath,
 * hwaddr/macaddr, also under ansible.utils.* and ansible.netcommon.*)
 * with Python ipaddress semantics, and Arista AVD's natural_sort,
 * default, hide_passwords and the defined test. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "str.h"
#include "tmpl-int.h"

typedef unsigned __int128 u128;

struct ipn {
	int v;		/* 4 or 6 */
	u128 a;		/* address, host order */
	int plen;
};

/* Python ipaddress.IPv4Address: four decimal octets, no leading zeros */
static int parse_v4(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i = 0;
	int oct;

	for (oct = 0; oct < 4; oct++) {
		size_t st = i;
		unsigned d = 0;

		while (i < n && isdigit((unsigned char)s[i]) && i - st < 4)
			d = d * 10 + (unsigned)(s[i++] - '0');
		if (i == st || i - st > 3 || d > 255 || (i - st > 1 && s[st] == '0'))
			return -1;
		v = v << 8 | d;
		if (oct < 3) {
			if (i >= n || s[i] != '.')
				return -1;
			i++;
		}
	}
	if (i != n)
		return -1;
	*out = v;
	return 0;
}

static int parse_v6(const char *s, size_t n, u128 *out)
{
	uint16_t h[8];
	int nh = 0, dc = -1, k;
	size_t i = 0;

	if (n < 2 || n > 45)
		return -1;
	if (s[0] == ':') {
		if (s[1] != ':')
			return -1;
		dc = 0;
		i = 2;
		if (i == n)
			goto done;
	}
	while (i < n) {
		size_t st = i;
		unsigned v = 0;

		if (nh >= 8)
			return -1;
		/* an embedded IPv4 address ends the string */
		{
			size_t j = i;

			while (j < n && s[j] != ':')
				j++;
			if (j == n && memchr(s + i, '.', n - i)) {
				uint32_t v4;

				if (nh > 6 || parse_v4(s + i, n - i, &v4) < 0)
					return -1;
				h[nh++] = (uint16_t)(v4 >> 16);
				h[nh++] = (uint16_t)v4;
				break;
			}
		}
		while (i < n && isxdigit((unsigned char)s[i]) && i - st < 5) {
			v = v * 16 + (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0' :
						tolower((unsigned char)s[i]) - 'a' + 10);
			i++;
		}
		if (i == st || i - st > 4)
			return -1;
		h[nh++] = (uint16_t)v;
		if (i == n)
			break;
		if (s[i] != ':')
			return -1;
		i++;
		if (i < n && s[i] == ':') {
			if (dc >= 0)
				return -1;
			dc = nh;
			i++;
			if (i == n)
				break;
		} else if (i == n) {
			return -1;
		}
	}
done:
	if (dc < 0 && nh != 8)
		return -1;
	if (dc >= 0 && nh > 7)
		return -1;
	{
		uint16_t full[8] = { 0 };
		int tail = dc >= 0 ? nh - dc : 0;

		if (dc < 0) {
			memcpy(full, h, sizeof full);
		} else {
			for (k = 0; k < dc; k++)
				full[k] = h[k];
			for (k = 0; k < tail; k++)
				full[8 - tail + k] = h[dc + k];
		}
		*out = 0;
		for (k = 0; k < 8; k++)
			*out = (*out << 16) | full[k];
	}
	return 0;
}

static u128 mask_of(int v, int plen)
{
	int bits = v == 4 ? 32 : 128;
	u128 all = v == 4 ? (u128)0xffffffffu : ~(u128)0;

	if (plen == 0)
		return 0;
	return (all << (bits - plen)) & all;
}

/* ip_interface(s): "addr", "addr/len", "v4addr/netmask", "v4addr/hostmask" */
static int parse_iface(const char *s, size_t n, struct ipn *ip)
{
	const char *sl = memchr(s, '/', n);
	size_t an = sl ? (size_t)(sl - s) : n;
	uint32_t v4;

	if (parse_v4(s, an, &v4) == 0) {
		ip->v = 4;
		ip->a = v4;
		ip->plen = 32;
	} else if (parse_v6(s, an, &ip->a) == 0) {
		ip->v = 6;
		ip->plen = 128;
	} else {
		return -1;
	}
	if (sl) {
		const char *p = sl + 1;
		size_t pn = n - an - 1, i;
		int bits = ip->v == 4 ? 32 : 128;

		if (pn == 0)
			return -1;
		for (i = 0; i < pn && isdigit((unsigned char)p[i]); i++)
			;
		if (i == pn) {
			int len = 0;

			if (pn > 3)
				return -1;
			for (i = 0; i < pn; i++)
				len = len * 10 + (p[i] - '0');
			if (len > bits)
				return -1;
			ip->plen = len;
		} else if (ip->v == 4 && parse_v4(p, pn, &v4) == 0) {
			/* a netmask (leading ones) or a hostmask (leading zeros) */
			int k, len = -1;

			for (k = 0; k <= 32; k++) {
				if ((u128)v4 == mask_of(4, k)) {
					len = k;
					break;
				}
				if ((u128)v4 == (~mask_of(4, k) & 0xffffffffu)) {
					len = k;
					break;
				}
			}
			if (len < 0)
				return -1;
			ip->plen = len;
		} else {
			return -1;
		}
	}
	return 0;
}

static void fmt_addr(int v, u128 a, struct ztp_buf *b)
{
	if (v == 4) {
		int k;

		for (k = 24; k >= 0; k -= 8) {
			ztp_buf_addll(b, (long long)((a >> k) & 255));
			if (k)
				ztp_buf_addc(b, '.');
		}
	} else {
		unsigned h[8];
		int k, best = -1, bestlen = 0, st = -1, len = 0;

		for (k = 0; k < 8; k++)
			h[k] = (unsigned)(a >> (16 * (7 - k))) & 0xffff;
		for (k = 0; k < 8; k++) {
			if (h[k] == 0) {
				if (st < 0)
					st = k;
				len++;
				if (len > bestlen) {
					bestlen = len;
					best = st;
				}
			} else {
				st = -1;
				len = 0;
			}
		}
		if (bestlen < 2)
			best = -1;
		for (k = 0; k < 8; k++) {
			if (k == best) {
				ztp_buf_adds(b, "::");
				k += bestlen - 1;
				continue;
			}
			if (k > 0 && k != best + bestlen)
				ztp_buf_addc(b, ':');
			ztp_buf_addf(b, "%x", h[k]);
		}
	}
}

static struct ztp_val *addr_val(int v, u128 a, int plen)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	size_t len;
	char *p;

	fmt_addr(v, a, &b);
	if (plen >= 0) {
		ztp_buf_addc(&b, '/');
		ztp_buf_addll(&b, plen);
	}
	p = ztp_buf_detach(&b, &len);
	return ztp_val_str_take(p, len);
}


static int is_int_str(const struct ztp_val *q, long long *n)
{
	if (q->type == ZTP_V_INT) {
		*n = q->u.i;
		return 1;
	}
	if (q->type == ZTP_V_STR && q->u.str.len > 0 && q->u.str.len < 19) {
		const char *s = q->u.str.s;
		size_t i = s[0] == '-' ? 1 : 0;

		if (i >= q->u.str.len)
			return 0;
		for (; i < q->u.str.len; i++)
			if (!isdigit((unsigned char)s[i]))
				return 0;
		*n = strtoll(s, NULL, 10);
		return 1;
	}
	return 0;
}

static int ipaddr_one(struct ctx *c, struct ztp_val *value, struct ztp_val *query, int version,
		      struct ztp_val **out)
{
	struct ztp_val *s;
	struct ipn ip;
	int has_prefix, bits;
	u128 mask, net, bcast, size;
	long long n;
	const char *q;

	if (value->type == ZTP_V_LIST) {
		struct ztp_val *l = ztp_val_list();
		size_t i;

		for (i = 0; i < value->u.list.n; i++) {
			struct ztp_val *r;

			if (ipaddr_one(c, value->u.list.v[i], query, version, &r) < 0) {
				ztp_val_unref(l);
				return -1;
			}
			if (ztp_val_truthy(r))
				ztp_list_push(l, r);
			else
				ztp_val_unref(r);
		}
		*out = l;
		return 0;
	}
	if (value->type == ZTP_V_NULL || value->type == ZTP_V_BOOL) {
		*out = tmpl_bool(0);
		return 0;
	}
	if (value->type == TV_UNDEF)
		return tmpl_undef_error(c, value);
	if (tmpl_str_val(c, value, &s) < 0)
		return -1;
	if (parse_iface(s->u.str.s, s->u.str.len, &ip) < 0 || (version && ip.v != version)) {
		ztp_val_unref(s);
		*out = tmpl_bool(0);
		return 0;
	}
	has_prefix = memchr(s->u.str.s, '/', s->u.str.len) != NULL;
	ztp_val_unref(s);
	bits = ip.v == 4 ? 32 : 128;
	mask = mask_of(ip.v, ip.plen);
	net = ip.a & mask;
	bcast = net | (~mask & (ip.v == 4 ? (u128)0xffffffffu : ~(u128)0));
	size = ip.plen == 0 && bits == 128 ? ~(u128)0 : ((u128)1 << (bits - ip.plen));
	if (query && is_int_str(query, &n)) {
		u128 un;

		if (n < 0) {
			un = size - (u128)(-(n + 1)) - 1;
			if ((u128)(-(n + 1)) + 1 > size) {
				*out = tmpl_bool(0);
				return 0;
			}
		} else {
			un = (u128)n;
		}
		if (un >= size) {
			*out = tmpl_bool(0);
			return 0;
		}
		*out = addr_val(ip.v, net + un, ip.plen);
		return 0;
	}
	if (query == NULL || query->type == ZTP_V_NULL ||
	    (query->type == ZTP_V_STR && query->u.str.len == 0)) {
		*out = addr_val(ip.v, ip.a, has_prefix ? ip.plen : -1);
		return 0;
	}
	if (query->type != ZTP_V_STR)
		return tmpl_fail(c, ZTP_ERR_PARSE, "ipaddr: query of type %s is not supported",
				 tmpl_typename(query));
	q = query->u.str.s;
	if (!strcmp(q, "address")) {
		if (size > 2 && ip.a == net && has_prefix)
			*out = tmpl_bool(0);
		else
			*out = addr_val(ip.v, ip.a, -1);
	} else if (!strcmp(q, "network")) {
		*out = addr_val(ip.v, net, -1);
	} else if (!strcmp(q, "netmask")) {
		*out = addr_val(ip.v, mask, -1);
	} else if (!strcmp(q, "hostmask")) {
		*out = addr_val(ip.v, ~mask & (ip.v == 4 ? (u128)0xffffffffu : ~(u128)0), -1);
	} else if (!strcmp(q, "prefix")) {
		*out = ztp_val_int(ip.plen);
	} else if (!strcmp(q, "network/prefix") || !strcmp(q, "subnet") || !strcmp(q, "net")) {
		*out = addr_val(ip.v, net, ip.plen);
	} else if (!strcmp(q, "host/prefix") || !strcmp(q, "address/prefix") || !strcmp(q, "host")) {
		*out = addr_val(ip.v, ip.a, ip.plen);
	} else if (!strcmp(q, "broadcast")) {
		*out = addr_val(ip.v, bcast, -1);
	} else if (!strcmp(q, "size")) {
		if (size > (u128)9223372036854775807LL) {
			/* past 64 bits: the decimal digits (prints like Python's int) */
			char dig[48];
			int k = (int)sizeof dig - 1;

			dig[k] = 0;
			if (ip.plen == 0 && bits == 128) {
				*out = ztp_val_str("340282366920938463463374607431768211456");
				return 0;
			}
			do {
				dig[--k] = (char)('0' + (int)(size % 10));
				size /= 10;
			} while (size && k > 0);
			*out = ztp_val_str(dig + k);
			return 0;
		}
		*out = ztp_val_int((long long)size);
	} else if (!strcmp(q, "revdns")) {
		struct ztp_buf b = ZTP_BUF_INIT;
		size_t len;
		char *p;
		int k;

		if (ip.v == 4) {
			ztp_buf_addf(&b, "%u.%u.%u.%u.in-addr.arpa.", (unsigned)ip.a & 255,
				     (unsigned)(ip.a >> 8) & 255, (unsigned)(ip.a >> 16) & 255,
				     (unsigned)(ip.a >> 24) & 255);
		} else {
			for (k = 0; k < 32; k++)
				ztp_buf_addf(&b, "%x.", (unsigned)(ip.a >> (4 * k)) & 15);
			ztp_buf_adds(&b, "ip6.arpa.");
		}
		p = ztp_buf_detach(&b, &len);
		*out = ztp_val_str_take(p, len);
	} else {
		return tmpl_fail(c, ZTP_ERR_PARSE, "ipaddr: query '%s' is not supported (see ztp-templates(7))",
				 ztp_esc(q));
	}
	return 0;
}

static int f_ipaddr(FARGS) { return ipaddr_one(c, args[0], ARG(1, "query"), 0, out); }
static int f_ipv4(FARGS) { return ipaddr_one(c, args[0], ARG(1, "query"), 4, out); }
static int f_ipv6(FARGS) { return ipaddr_one(c, args[0], ARG(1, "query"), 6, out); }

static int f_ipsubnet(FARGS)
{
	struct ztp_val *s, *q = ARG(1, "query"), *ix = ARG(2, "index");
	struct ipn ip;
	long long newlen, idx;
	u128 count;
	int bits;

	if (tmpl_str_val(c, args[0], &s) < 0)
		return -1;
	if (parse_iface(s->u.str.s, s->u.str.len, &ip) < 0) {
		int rc = tmpl_fail(c, ZTP_ERR_PARSE, "ipsubnet: '%s' does not appear to be an IPv4 or IPv6 network",
				   ztp_esc(s->u.str.s));

		ztp_val_unref(s);
		return rc;
	}
	ztp_val_unref(s);
	bits = ip.v == 4 ? 32 : 128;
	ip.a &= mask_of(ip.v, ip.plen);
	if (q == NULL || (q->type == ZTP_V_STR && q->u.str.len == 0)) {
		*out = addr_val(ip.v, ip.a, ip.plen);
		return 0;
	}
	if (!is_int_str(q, &newlen))
		return tmpl_fail(c, ZTP_ERR_PARSE, "ipsubnet: query must be a prefix length");
	if (newlen < ip.plen || newlen > bits) {
		if (newlen > bits)
			return tmpl_fail(c, ZTP_ERR_PARSE, "ipsubnet: prefix length %lld is invalid", newlen);
		count = 0;
	} else {
		count = newlen - ip.plen >= 127 ? ~(u128)0 : (u128)1 << (newlen - ip.plen);
	}
	if (ix == NULL || ix->type == ZTP_V_NULL) {
		if (count > (u128)9223372036854775807LL)
			return tmpl_fail(c, ZTP_ERR_PARSE, "ipsubnet: subnet count does not fit in 64 bits");
		*out = ztp_val_int((long long)count);
		return 0;
	}
	if (!is_int_str(ix, &idx))
		return tmpl_fail(c, ZTP_ERR_PARSE, "ipsubnet: index must be an integer");
	if (idx < 0)
		idx += (long long)(count > (u128)9223372036854775807LL ? 0 : count);
	if (idx < 0 || (u128)idx >= count)
		return tmpl_fail(c, ZTP_ERR_PARSE, "ipsubnet: list index out of range");
	*out = addr_val(ip.v, ip.a + ((u128)idx << (bits - newlen)), (int)newlen);
	return 0;
}

static int f_ipmath(FARGS)
{
	struct ztp_val *s, *am = ARG(1, "amount");
	struct ipn ip;
	long long n;
	u128 lim;

	if (!am || !is_int_str(am, &n))
		return tmpl_fail(c, ZTP_ERR_PARSE, "ipmath: amount must be an integer");
	if (tmpl_str_val(c, args[0], &s) < 0)
		return -1;
	if (memchr(s->u.str.s, '/', s->u.str.len) || parse_iface(s->u.str.s, s->u.str.len, &ip) < 0) {
		int rc = tmpl_fail(c, ZTP_ERR_PARSE, "ipmath: '%s' is not a valid IP address",
				   ztp_esc(s->u.str.s));

		ztp_val_unref(s);
		return rc;
	}
	ztp_val_unref(s);
	lim = ip.v == 4 ? (u128)0xffffffffu : ~(u128)0;
	if ((n < 0 && (u128)(-(n + 1)) + 1 > ip.a) || (n > 0 && lim - ip.a < (u128)n))
		return tmpl_fail(c, ZTP_ERR_PARSE, "ipmath: result is out of range");
	*out = addr_val(ip.v, n < 0 ? ip.a - ((u128)(-(n + 1)) + 1) : ip.a + (u128)n, -1);
	return 0;
}

static int hw(struct ctx *c, struct ztp_val **args, size_t nargs, char **kwn,
	      struct ztp_val **kwv, size_t nkw, struct ztp_val **out, const char *alias)
{
	struct ztp_val *q = ARG(1, "query"), *s;
	const char *qs = q && q->type == ZTP_V_STR ? q->u.str.s : "";
	uint8_t m[6];
	int ok;
	char buf[64];

	if (q && q->type != ZTP_V_STR && q->type != ZTP_V_NULL)
		return tmpl_fail(c, ZTP_ERR_PARSE, "%s: unknown filter type", alias);
	if (tmpl_str_val(c, args[0], &s) < 0)
		return -1;
	ok = args[0]->type == ZTP_V_STR && ztp_mac_parse(s->u.str.s, m) == 0;
	ztp_val_unref(s);
	if (!ok) {
		if (qs[0] && strcmp(qs, "bool"))
			return tmpl_fail(c, ZTP_ERR_PARSE, "%s: not a hardware address: %s", alias,
					 args[0]->type == ZTP_V_STR ? ztp_esc(args[0]->u.str.s) : "?");
		*out = ztp_val_null();
		return 0;
	}
	if (!qs[0]) {
		*out = ztp_val_ref(args[0]);
		return 0;
	}
	if (!strcmp(qs, "bool")) {
		*out = tmpl_bool(1);
		return 0;
	}
	if (!strcmp(qs, "int")) {
		long long v = 0;
		int k;

		for (k = 0; k < 6; k++)
			v = v << 8 | m[k];
		*out = ztp_val_int(v);
		return 0;
	}
	if (!strcmp(qs, "cisco"))
		snprintf(buf, sizeof buf, "%02x%02x.%02x%02x.%02x%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	else if (!strcmp(qs, "linux"))
		snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	else if (!strcmp(qs, "unix"))
		snprintf(buf, sizeof buf, "%x:%x:%x:%x:%x:%x", m[0], m[1], m[2], m[3], m[4], m[5]);
	else if (!strcmp(qs, "bare"))
		snprintf(buf, sizeof buf, "%02X%02X%02X%02X%02X%02X", m[0], m[1], m[2], m[3], m[4], m[5]);
	else if (!strcmp(qs, "eui48") || !strcmp(qs, "win"))
		snprintf(buf, sizeof buf, "%02X-%02X-%02X-%02X-%02X-%02X", m[0], m[1], m[2], m[3], m[4], m[5]);
	else if (!strcmp(qs, "pgsql") || !strcmp(qs, "postgresql") || !strcmp(qs, "psql"))
		snprintf(buf, sizeof buf, "%02x%02x%02x:%02x%02x%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	else
		return tmpl_fail(c, ZTP_ERR_PARSE, "%s: unknown filter type: %s", alias, ztp_esc(qs));
	*out = ztp_val_str(buf);
	return 0;
}

static int f_hwaddr(FARGS) { return hw(c, args, nargs, kwn, kwv, nkw, out, "hwaddr"); }
static int f_macaddr(FARGS) { return hw(c, args, nargs, kwn, kwv, nkw, out, "macaddr"); }

/* ------------------------------------------------------------------- AVD */

struct nsarg {
	struct ztp_val *key, *dflt;
	int strict, icase;
};

static int nat_key(struct ctx *c, struct ztp_val *item, void *argp, struct ztp_val **out)
{
	struct nsarg *a = argp;
	struct ztp_val *src = item, *s, *l;
	size_t i, st;

	if (a->key && a->key->type != ZTP_V_NULL && item->type == ZTP_V_MAP) {
		struct ztp_val *v = ztp_map_getv(item, a->key);

		if (v == NULL && a->strict && a->dflt == NULL) {
			struct ztp_buf b = ZTP_BUF_INIT, b2 = ZTP_BUF_INIT;
			int rc;

			tmpl_repr(c, a->key, &b);
			tmpl_repr(c, item, &b2);
			rc = tmpl_fail(c, ZTP_ERR_PARSE, "Missing key %s in item to sort %s.",
				       b.p ? b.p : "", b2.p ? b2.p : "");
			ztp_buf_free(&b);
			ztp_buf_free(&b2);
			return rc;
		}
		src = v ? v : a->dflt ? a->dflt : item;
	}
	if (tmpl_str_val(c, src, &s) < 0)
		return -1;
	l = ztp_val_list();
	/* re.split(r"(\d+)") with the digit runs converted to int */
	for (i = 0, st = 0;;) {
		size_t j = i;

		while (j < s->u.str.len && !isdigit((unsigned char)s->u.str.s[j]))
			j++;
		{
			struct ztp_val *t = ztp_val_strn(s->u.str.s + st, j - st);
			size_t k;

			if (a->icase)
				for (k = 0; k < t->u.str.len; k++)
					t->u.str.s[k] = (char)tolower((unsigned char)t->u.str.s[k]);
			ztp_list_push(l, t);
		}
		if (j >= s->u.str.len)
			break;
		st = j;
		while (j < s->u.str.len && isdigit((unsigned char)s->u.str.s[j]))
			j++;
		{
			long long v = 0;
			size_t k;

			for (k = st; k < j; k++)
				v = v > 99999999999999999LL ? v : v * 10 + (s->u.str.s[k] - '0');
			ztp_list_push(l, ztp_val_int(v));
		}
		i = st = j;
	}
	ztp_val_unref(s);
	*out = l;
	return 0;
}

static int f_natural_sort(FARGS)
{
	struct ztp_val *v = args[0], *l, *sv = ARG(2, "strict"), *ic = ARG(3, "ignore_case");
	struct nsarg a;

	if (v->type == ZTP_V_NULL || v->type == TV_UNDEF) {
		*out = ztp_val_list();
		return 0;
	}
	a.key = ARG(1, "sort_key");
	a.strict = sv ? ztp_val_truthy(sv) : 1;
	a.icase = ic ? ztp_val_truthy(ic) : 1;
	a.dflt = ARG(4, "default_value");
	if (a.dflt && a.dflt->type == ZTP_V_NULL)
		a.dflt = NULL;
	if (tmpl_iterate(c, v, &l) < 0)
		return -1;
	if (tmpl_sort(c, l->u.list.v, l->u.list.n, nat_key, &a, 0) < 0) {
		ztp_val_unref(l);
		return -1;
	}
	*out = l;
	return 0;
}

static int f_avd_default(FARGS)
{
	size_t i;

	(void)c;
	for (i = 0; i < nargs; i++)
		if (args[i]->type != TV_UNDEF && args[i]->type != ZTP_V_NULL) {
			*out = ztp_val_ref(args[i]);
			return 0;
		}
	*out = ztp_val_null();
	return 0;
}

static int f_hide_passwords(FARGS)
{
	struct ztp_val *h = ARG(1, "hide_passwords");

	if (h && h->type != ZTP_V_BOOL) {
		struct ztp_buf b = ZTP_BUF_INIT;
		int rc;

		tmpl_tostr(c, h, &b);
		rc = tmpl_fail(c, ZTP_ERR_PARSE, "%s in hide_passwords filter is not of type bool",
			       b.p ? b.p : "");
		ztp_buf_free(&b);
		return rc;
	}
	*out = h && h->u.b ? ztp_val_str("<removed>") : ztp_val_ref(args[0]);
	return 0;
}

static const char *pyname(const struct ztp_val *v)
{
	switch (v->type) {
	case ZTP_V_NULL: return "NoneType";
	case ZTP_V_BOOL: return "bool";
	case ZTP_V_INT: return "int";
	case ZTP_V_FLOAT: return "float";
	case ZTP_V_STR: return "str";
	case ZTP_V_LIST: return v->line == TAG_TUPLE ? "tuple" : "list";
	case ZTP_V_MAP: return "dict";
	default: return "";
	}
}

static int t_avd_defined(FARGS)
{
	struct ztp_val *v = args[0], *tv = ARG(1, "test_value"), *vt = ARG(2, "var_type");
	int r = 1;

	(void)c;
	if (v->type == TV_UNDEF || v->type == ZTP_V_NULL)
		r = 0;
	else if (tv && tv->type != ZTP_V_NULL && !tmpl_eq(v, tv))
		r = 0;
	else if (vt && vt->type == ZTP_V_STR && strcmp(pyname(v), vt->u.str.s))
		r = 0;
	*out = tmpl_bool(r);
	return 0;
}

static const struct tmpl_builtin net_filters[] = {
	{ "ipaddr", f_ipaddr }, { "ipv4", f_ipv4 }, { "ipv6", f_ipv6 },
	{ "ipsubnet", f_ipsubnet }, { "ipmath", f_ipmath },
	{ "hwaddr", f_hwaddr }, { "macaddr", f_macaddr },
	{ "arista.avd.natural_sort", f_natural_sort },
	{ "arista.avd.default", f_avd_default },
	{ "arista.avd.hide_passwords", f_hide_passwords },
	{ NULL, NULL },
};

static const struct tmpl_builtin net_tests[] = {
	{ "arista.avd.defined", t_avd_defined },
	{ NULL, NULL },
};

const struct tmpl_builtin *tmpl_find_net_filter(const char *name)
{
	static const char *const pfx[] = { "ansible.utils.", "ansible.netcommon.", "" };
	size_t i, k;

	for (k = 0; k < 3; k++) {
		size_t pl = strlen(pfx[k]);

		if (strncmp(name, pfx[k], pl))
			continue;
		for (i = 0; net_filters[i].name; i++)
			if (!strcmp(net_filters[i].name, name + pl) &&
			    (pl == 0 || strncmp(net_filters[i].name, "arista.", 7)))
				return &net_filters[i];
	}
	return NULL;
}

const char *tmpl_net_name(int test, size_t i)
{
	const struct tmpl_builtin *t = test ? net_tests : net_filters;
	size_t k;

	for (k = 0; k < i && t[k].name; k++)
		;
	return t[k].name;
}

const struct tmpl_builtin *tmpl_find_net_test(const char *name)
{
	size_t i;

	for (i = 0; net_tests[i].name; i++)
		if (!strcmp(net_tests[i].name, name))
			return &net_tests[i];
	return NULL;
}
