/* dhcpconf.c: the dhcp and racks sections of ztp.yml (see dhcpconf.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcpconf.h"
#include "str.h"
#include "val.h"

/* ---- the schema, filled by ztp_conf_apply ---- */

struct r_pnp {
	char *server;
	long long port;
	int https, debug;
};
struct r_jun {
	char *image, *config, *image_type, *transfer_mode, *alt_image;
};
struct r_cls {
	char *name;
	char *vendor_class, *user_class, *next_server, *tftp_server, *bootfile;
	struct ztp_strlist tftp_servers;
	struct r_pnp pnp;
	struct r_jun jun;
	char *option43;
	long long vivso_enterprise;
	char *option125;
};
struct r_sub {
	char *name;
	char *subnet, *interface, *router, *domain;
	struct ztp_strlist range, relay, dns, ntp, classes;
	long long lease_time;
};
struct r_resv {
	char *mac, *client_id, *ip, *subnet;
};
struct r_rl {
	long long interval, per_mac, per_port, log_interval;
	long long port_leases, link_leases;
};
struct r_dhcp {
	char *lease_dir, *user, *server_id;
	struct ztp_strlist interfaces;
	long long lease_time, offer_time, quarantine_time, batch, record_queue;
	int authoritative;
	struct r_rl rl;
	struct ztp_conf_map classes, subnets, reservations;
};
struct r_rack {
	char *name;
	char *subnet, *interface;
	struct ztp_strlist relay;
	int option82;
	struct ztp_val *ports, *console, *ssh, *terminal_server;
};
struct r_racks {
	struct ztp_conf_map racks;
};

#define K(st, f) offsetof(struct st, f)

static const struct ztp_conf_key pnp_keys[] = {
	{ "server", ZTP_CT_STR, K(r_pnp, server), NULL, 0, 0, NULL, NULL, "PnP server address (I)" },
	{ "port", ZTP_CT_INT, K(r_pnp, port), "80", 1, 65535, NULL, NULL, "PnP server port (J)" },
	{ "https", ZTP_CT_BOOL, K(r_pnp, https), "false", 0, 0, NULL, NULL, "K5 instead of K4" },
	{ "debug", ZTP_CT_BOOL, K(r_pnp, debug), "true", 0, 0, NULL, NULL, "5A1D instead of 5A1N" },
	{ NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};
static const struct ztp_conf_schema pnp_schema = { "cisco_pnp", sizeof(struct r_pnp), pnp_keys };

static const struct ztp_conf_key jun_keys[] = {
	{ "image", ZTP_CT_STR, K(r_jun, image), NULL, 0, 0, NULL, NULL, "sub-option 0" },
	{ "config", ZTP_CT_STR, K(r_jun, config), NULL, 0, 0, NULL, NULL, "sub-option 1" },
	{ "image_type", ZTP_CT_STR, K(r_jun, image_type), NULL, 0, 0, NULL, NULL, "sub-option 2" },
	{ "transfer_mode", ZTP_CT_STR, K(r_jun, transfer_mode), NULL, 0, 0, NULL, NULL, "sub-option 3" },
	{ "alt_image", ZTP_CT_STR, K(r_jun, alt_image), NULL, 0, 0, NULL, NULL, "sub-option 4" },
	{ NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};
static const struct ztp_conf_schema jun_schema = { "juniper", sizeof(struct r_jun), jun_keys };

static const struct ztp_conf_key cls_keys[] = {
	{ "vendor_class", ZTP_CT_STR, K(r_cls, vendor_class), NULL, 0, 0, NULL, NULL, "fnmatch pattern on option 60" },
	{ "user_class", ZTP_CT_STR, K(r_cls, user_class), NULL, 0, 0, NULL, NULL, "fnmatch pattern on option 77" },
	{ "next_server", ZTP_CT_STR, K(r_cls, next_server), NULL, 0, 0, NULL, NULL, "siaddr" },
	{ "tftp_server", ZTP_CT_STR, K(r_cls, tftp_server), NULL, 0, 0, NULL, NULL, "option 66" },
	{ "bootfile", ZTP_CT_STR, K(r_cls, bootfile), NULL, 0, 0, NULL, NULL, "option 67 and the file field" },
	{ "tftp_servers", ZTP_CT_STRLIST, K(r_cls, tftp_servers), NULL, 0, 0, NULL, NULL, "option 150 (Cisco)" },
	{ "cisco_pnp", ZTP_CT_SECTION, K(r_cls, pnp), NULL, 0, 0, NULL, &pnp_schema, "option 43 for Cisco PnP" },
	{ "juniper", ZTP_CT_SECTION, K(r_cls, jun), NULL, 0, 0, NULL, &jun_schema, "option 43 Juniper sub-options" },
	{ "option43", ZTP_CT_STR, K(r_cls, option43), NULL, 0, 0, NULL, NULL, "option 43 as hex" },
	{ "vivso_enterprise", ZTP_CT_INT, K(r_cls, vivso_enterprise), "0", 0, 4294967295LL, NULL, NULL, "option 125 enterprise" },
	{ "option125", ZTP_CT_STR, K(r_cls, option125), NULL, 0, 0, NULL, NULL, "option 125 sub-options as hex" },
	{ NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};
static const struct ztp_conf_schema cls_schema = { "class", sizeof(struct r_cls), cls_keys };

static const struct ztp_conf_key sub_keys[] = {
	{ "subnet", ZTP_CT_STR, K(r_sub, subnet), NULL, 0, 0, NULL, NULL, "network/prefix" },
	{ "interface", ZTP_CT_STR, K(r_sub, interface), NULL, 0, 0, NULL, NULL, "direct clients on this interface" },
	{ "range", ZTP_CT_STRLIST, K(r_sub, range), NULL, 0, 0, NULL, NULL, "first-last address ranges" },
	{ "relay", ZTP_CT_STRLIST, K(r_sub, relay), NULL, 0, 0, NULL, NULL, "relay agent addresses (giaddr)" },
	{ "router", ZTP_CT_STR, K(r_sub, router), NULL, 0, 0, NULL, NULL, "option 3" },
	{ "dns", ZTP_CT_STRLIST, K(r_sub, dns), NULL, 0, 0, NULL, NULL, "option 6" },
	{ "ntp", ZTP_CT_STRLIST, K(r_sub, ntp), NULL, 0, 0, NULL, NULL, "option 42" },
	{ "domain", ZTP_CT_STR, K(r_sub, domain), NULL, 0, 0, NULL, NULL, "option 15" },
	{ "lease_time", ZTP_CT_DURATION, K(r_sub, lease_time), "0", 0, 0, NULL, NULL, "0: dhcp.lease_time" },
	{ "classes", ZTP_CT_STRLIST, K(r_sub, classes), NULL, 0, 0, NULL, NULL, "classes tried first here" },
	{ NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};
static const struct ztp_conf_schema sub_schema = { "subnet", sizeof(struct r_sub), sub_keys };

static const struct ztp_conf_key resv_keys[] = {
	{ "mac", ZTP_CT_STR, K(r_resv, mac), NULL, 0, 0, NULL, NULL, "Ethernet address" },
	{ "client_id", ZTP_CT_STR, K(r_resv, client_id), NULL, 0, 0, NULL, NULL, "option 61 as hex" },
	{ "ip", ZTP_CT_STR, K(r_resv, ip), NULL, 0, 0, NULL, NULL, "the address" },
	{ "subnet", ZTP_CT_STR, K(r_resv, subnet), NULL, 0, 0, NULL, NULL, "only in this subnet" },
	{ NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};
static const struct ztp_conf_schema resv_schema = { "reservation", sizeof(struct r_resv), resv_keys };

static const struct ztp_conf_key rl_keys[] = {
	{ "interval", ZTP_CT_DURATION, K(r_rl, interval), "10", 0, 0, NULL, NULL, "counting window" },
	{ "per_mac", ZTP_CT_INT, K(r_rl, per_mac), "20", 0, 1000000, NULL, NULL, "requests per client per window (0: no limit)" },
	{ "per_port", ZTP_CT_INT, K(r_rl, per_port), "100", 0, 1000000, NULL, NULL, "requests per relay port per window (0: no limit)" },
	{ "log_interval", ZTP_CT_DURATION, K(r_rl, log_interval), "60", 0, 0, NULL, NULL, "repeat warnings at most this often" },
	{ "port_leases", ZTP_CT_INT, K(r_rl, port_leases), "4", 0, 1000000, NULL, NULL, "addresses a relay's option 82 port, or a MAC, may hold (0: no cap)" },
	{ "link_leases", ZTP_CT_INT, K(r_rl, link_leases), "0", 0, 1000000, NULL, NULL, "addresses an interface or a relay without option 82 may hold (0: no cap)" },
	{ NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};
static const struct ztp_conf_schema rl_schema = { "rate_limit", sizeof(struct r_rl), rl_keys };

static const struct ztp_conf_key dhcp_keys[] = {
	{ "lease_dir", ZTP_CT_PATH, K(r_dhcp, lease_dir), "/var/lib/ztp/dhcp", 0, 0, NULL, NULL, "lease database directory" },
	{ "user", ZTP_CT_STR, K(r_dhcp, user), NULL, 0, 0, NULL, NULL, "run as this user after binding" },
	{ "server_id", ZTP_CT_STR, K(r_dhcp, server_id), NULL, 0, 0, NULL, NULL, "option 54" },
	{ "interfaces", ZTP_CT_STRLIST, K(r_dhcp, interfaces), NULL, 0, 0, NULL, NULL, "serve only requests arriving on these (empty: all)" },
	{ "lease_time", ZTP_CT_DURATION, K(r_dhcp, lease_time), "3600", 0, 0, NULL, NULL, "default lease time" },
	{ "offer_time", ZTP_CT_DURATION, K(r_dhcp, offer_time), "60", 0, 0, NULL, NULL, "how long an offer holds" },
	{ "quarantine_time", ZTP_CT_DURATION, K(r_dhcp, quarantine_time), "600", 0, 0, NULL, NULL, "after DECLINE" },
	{ "authoritative", ZTP_CT_BOOL, K(r_dhcp, authoritative), "false", 0, 0, NULL, NULL, "NAK unknown requests" },
	{ "batch", ZTP_CT_INT, K(r_dhcp, batch), "64", 1, 1024, NULL, NULL, "datagrams per loop turn" },
	{ "record_queue", ZTP_CT_INT, K(r_dhcp, record_queue), "8192", 1, 1048576, NULL, NULL,
	  "device records waiting to be written" },
	{ "rate_limit", ZTP_CT_SECTION, K(r_dhcp, rl), NULL, 0, 0, NULL, &rl_schema, "rate limits" },
	{ "classes", ZTP_CT_MAP, K(r_dhcp, classes), NULL, 0, 0, NULL, &cls_schema, "device classes" },
	{ "subnets", ZTP_CT_MAP, K(r_dhcp, subnets), NULL, 0, 0, NULL, &sub_schema, "subnets and pools" },
	{ "reservations", ZTP_CT_LIST, K(r_dhcp, reservations), NULL, 0, 0, NULL, &resv_schema, "fixed addresses" },
	{ NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};
const struct ztp_conf_schema ztp_dhcp_schema = { "dhcp", sizeof(struct r_dhcp), dhcp_keys };

/* option 82 with giaddr 0 on a rack's interface: from a client (ignored),
 * or from the rack's snooping switch */
static const char *const option82_names[] = { "untrusted", "trusted", NULL };

static const struct ztp_conf_key rack_keys[] = {
	{ "subnet", ZTP_CT_STR, K(r_rack, subnet), NULL, 0, 0, NULL, NULL, "its subnet in dhcp.subnets" },
	{ "interface", ZTP_CT_STR, K(r_rack, interface), NULL, 0, 0, NULL, NULL, "direct clients on this interface" },
	{ "relay", ZTP_CT_STRLIST, K(r_rack, relay), NULL, 0, 0, NULL, NULL, "its relay agents (giaddr)" },
	{ "option82", ZTP_CT_ENUM, K(r_rack, option82), "untrusted", 0, 0, option82_names, NULL,
	  "trusted: the snooping switch on interface inserts option 82 (giaddr 0)" },
	{ "ports", ZTP_CT_ANY, K(r_rack, ports), NULL, 0, 0, NULL, NULL, "option 82 circuit id -> port" },
	{ "console", ZTP_CT_ANY, K(r_rack, console), NULL, 0, 0, NULL, NULL, "port -> console line" },
	{ "ssh", ZTP_CT_ANY, K(r_rack, ssh), NULL, 0, 0, NULL, NULL, "SSH settings of its devices (read by the SSH tools)" },
	{ "terminal_server", ZTP_CT_ANY, K(r_rack, terminal_server), NULL, 0, 0, NULL, NULL, "its console lines (ztp-console)" },
	{ NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};
static const struct ztp_conf_schema rack_schema = { "rack", sizeof(struct r_rack), rack_keys };

static const struct ztp_conf_key racks_keys[] = {
	{ "racks", ZTP_CT_MAP, K(r_racks, racks), NULL, 0, 0, NULL, &rack_schema, "racks" },
	{ NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};
const struct ztp_conf_schema ztp_racks_schema = { "racks", sizeof(struct r_racks), racks_keys };

struct priv {
	struct r_dhcp d;
	struct r_racks r;
	struct ztp_dhcpsrv_subnet *subnets;
	struct ztp_dhcpsrv_class *classes;
	struct ztp_dhcpsrv_class **subcls;	/* per subnet */
	uint32_t **ips;				/* allocated address arrays */
	size_t nips;
	uint8_t **blobs;
	size_t nblobs;
	struct ztp_val *rawracks;
	struct ztp_val *norm;		/* list of normalised rack maps */
};

/* a scalar as a string value (numbers like console: {7: 12} allowed) */
static struct ztp_val *as_str(const struct ztp_val *v)
{
	if (v->type == ZTP_V_INT)
		return ztp_val_strf("%lld", v->u.i);
	return ztp_val_str(v->u.str.s);
}

static const char *fname(const struct ztp_conf *c)
{
	return c->file ? c->file : "(defaults)";
}

/* the line of a key in the raw document: dhcp.subnets.rack1.range */
static int line_of(const struct ztp_val *v, const char *k1, const char *k2,
		   const char *k3)
{
	const struct ztp_val *x;
	int line = v ? v->line : 0;

	if (v && k1 && (x = ztp_map_get(v, k1)) != NULL) {
		line = x->line;
		if (k2 && (x = ztp_map_get(x, k2)) != NULL) {
			line = x->line;
			if (k3 && (x = ztp_map_get(x, k3)) != NULL)
				line = x->line;
		}
	}
	return line;
}

static int cerr(struct ztp_err *e, const struct ztp_conf *c, int line,
		const char *key, const char *msg, const char *what)
{
	char at[32] = "";

	/* a key that is not in the file has no line to name */
	if (line > 0)
		snprintf(at, sizeof at, " line %d:", line);
	return ztp_err_set(e, ZTP_ERR_CONFIG, "%s:%s key '%s': %s%s%s%s",
			   fname(c), at, key, msg, what ? "'" : "",
			   what ? what : "", what ? "'" : "");
}

static uint32_t *keep_ips(struct priv *p, size_t n)
{
	p->ips = ztp_xrealloc(p->ips, p->nips + 1, sizeof *p->ips);
	return p->ips[p->nips++] = ztp_xcalloc(n ? n : 1, sizeof(uint32_t));
}

static uint8_t *keep_blob(struct priv *p, const void *d, size_t n)
{
	p->blobs = ztp_xrealloc(p->blobs, p->nblobs + 1, sizeof *p->blobs);
	p->blobs[p->nblobs] = ztp_xmalloc(n ? n : 1);
	memcpy(p->blobs[p->nblobs], d, n);
	return p->blobs[p->nblobs++];
}

/* "0a:1b..." or "0a1b..." into out; the length or -1 */
static long hex_parse(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (*s) {
		int h, l;

		if (*s == ':' || *s == ' ') {
			s++;
			continue;
		}
		if ((h = ztp_hexval(s[0])) < 0 || (l = ztp_hexval(s[1])) < 0 || n >= max)
			return -1;
		out[n++] = (uint8_t)(h << 4 | l);
		s += 2;
	}
	return (long)n;
}

static int ip_list(struct priv *p, const struct ztp_conf *c, int line,
		   const char *key, const struct ztp_strlist *l,
		   const uint32_t **out, size_t *n, struct ztp_err *e)
{
	uint32_t *v = keep_ips(p, l->n);
	size_t i;

	for (i = 0; i < l->n; i++)
		if (ztp_dhcp_ip_parse(l->v[i], &v[i]) < 0)
			return cerr(e, c, line, key, "expected an IPv4 address, got ", l->v[i]);
	*out = v;
	*n = l->n;
	return 0;
}

static int compile_class(struct priv *p, const struct ztp_conf *c,
			 const struct r_cls *rc, struct ztp_dhcpsrv_class *k,
			 struct ztp_err *e)
{
	const struct ztp_val *raw = ztp_map_get(c->dhcp, "classes");
	int line = line_of(raw, rc->name, NULL, NULL);
	char key[300];
	struct ztp_buf b = ZTP_BUF_INIT;
	uint8_t tmp[255];
	long n;
	int rc2 = 0;

	snprintf(key, sizeof key, "dhcp.classes.%s", rc->name);
	memset(k, 0, sizeof *k);
	k->name = rc->name;
	k->vendor_class = rc->vendor_class;
	k->user_class = rc->user_class;
	k->tftp_server = rc->tftp_server;
	k->bootfile = rc->bootfile;
	if (rc->next_server && ztp_dhcp_ip_parse(rc->next_server, &k->next_server) < 0)
		return cerr(e, c, line, key, "next_server: expected an IPv4 address, got ",
			    rc->next_server);
	if (ip_list(p, c, line, key, &rc->tftp_servers, &k->tftp_ips, &k->ntftp_ips, e) < 0)
		return ZTP_ERR_CONFIG;
	if ((rc->pnp.server != NULL) + (rc->jun.image || rc->jun.config) +
	    (rc->option43 != NULL) > 1)
		return cerr(e, c, line, key, "give one of cisco_pnp, juniper, option43", NULL);
	if (rc->pnp.server) {
		uint32_t ip;

		if (ztp_dhcp_ip_parse(rc->pnp.server, &ip) < 0)
			return cerr(e, c, line, key, "cisco_pnp.server: expected an IPv4 address, got ",
				    rc->pnp.server);
		rc2 = ztp_dhcp_enc_cisco_pnp(&b, ip, (int)rc->pnp.port, rc->pnp.https,
					     rc->pnp.debug, e);
	} else if (rc->jun.image || rc->jun.config || rc->jun.transfer_mode) {
		struct ztp_dhcp_juniper j = { rc->jun.image, rc->jun.config,
					      rc->jun.image_type, rc->jun.transfer_mode,
					      rc->jun.alt_image };

		rc2 = ztp_dhcp_enc_juniper(&b, &j, e);
	} else if (rc->option43) {
		if ((n = hex_parse(rc->option43, tmp, sizeof tmp)) < 0)
			return cerr(e, c, line, key, "option43: expected hex bytes (at most 255), got ",
				    rc->option43);
		ztp_buf_add(&b, tmp, (size_t)n);
	}
	if (rc2 < 0) {
		ztp_buf_free(&b);
		return cerr(e, c, line, key, e->msg, NULL);
	}
	if (b.len > 255) {
		ztp_buf_free(&b);
		return cerr(e, c, line, key, "option 43 longer than 255 bytes", NULL);
	}
	if (b.len) {
		k->vendor_opts = keep_blob(p, b.p, b.len);
		k->vendor_len = b.len;
	}
	ztp_buf_reset(&b);
	if (rc->option125) {
		if (!rc->vivso_enterprise)
			return cerr(e, c, line, key, "option125 needs vivso_enterprise", NULL);
		if ((n = hex_parse(rc->option125, tmp, sizeof tmp)) < 0)
			return cerr(e, c, line, key, "option125: expected hex bytes, got ",
				    rc->option125);
		if (ztp_dhcp_enc_vivso(&b, (uint32_t)rc->vivso_enterprise, tmp, (size_t)n, e) < 0) {
			ztp_buf_free(&b);
			return cerr(e, c, line, key, e->msg, NULL);
		}
		k->vivso = keep_blob(p, b.p, b.len);
		k->vivso_len = b.len;
	}
	ztp_buf_free(&b);
	return 0;
}

static int parse_cidr(const char *s, uint32_t *net, uint32_t *mask)
{
	char a[32];
	const char *sl = strchr(s, '/');
	long long bits;
	size_t n;

	if (!sl || (n = (size_t)(sl - s)) >= sizeof a)
		return -1;
	memcpy(a, s, n);
	a[n] = 0;
	if (ztp_dhcp_ip_parse(a, net) < 0 || ztp_parse_ll(sl + 1, 1, 32, &bits) < 0)
		return -1;
	*mask = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
	if (*net & ~*mask)
		return -1;
	return 0;
}

static int parse_range(const char *s, uint32_t *first, uint32_t *last)
{
	char a[32];
	const char *d = strchr(s, '-');
	size_t n;

	if (!d || (n = (size_t)(d - s)) >= sizeof a)
		return -1;
	memcpy(a, s, n);
	a[n] = 0;
	while (n && a[n - 1] == ' ')
		a[--n] = 0;
	d++;
	while (*d == ' ')
		d++;
	if (ztp_dhcp_ip_parse(a, first) < 0 || ztp_dhcp_ip_parse(d, last) < 0 ||
	    *first > *last)
		return -1;
	return 0;
}

static int find_class(const struct priv *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->d.classes.n; i++)
		if (strcmp(((struct r_cls *)p->d.classes.items)[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int find_subnet(const struct priv *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->d.subnets.n; i++)
		if (strcmp(((struct r_sub *)p->d.subnets.items)[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int compile(struct ztp_dhcpconf *cf, struct priv *p,
		   const struct ztp_conf *c, int need_subnets, struct ztp_err *e)
{
	const struct ztp_val *rawsub = ztp_map_get(c->dhcp, "subnets");
	size_t i, j, q, nsub = p->d.subnets.n, ncls = p->d.classes.n;
	char key[300];

	cf->lease_dir = p->d.lease_dir;
	cf->user = p->d.user;
	cf->batch = p->d.batch;
	cf->record_queue = p->d.record_queue;
	cf->ifnames = p->d.interfaces.v;
	cf->nifnames = p->d.interfaces.n;
	cf->rl_interval = p->d.rl.interval ? p->d.rl.interval : 1;
	cf->rl_per_mac = p->d.rl.per_mac;
	cf->rl_per_port = p->d.rl.per_port;
	cf->rl_log_interval = p->d.rl.log_interval;
	cf->srv.offer_time = (uint32_t)p->d.offer_time;
	cf->srv.quarantine_time = (uint32_t)p->d.quarantine_time;
	cf->srv.authoritative = p->d.authoritative;
	cf->srv.port_leases = (uint32_t)p->d.rl.port_leases;
	cf->srv.link_leases = (uint32_t)p->d.rl.link_leases;
	cf->srv.max_reply = 1500 - 28;
	if (p->d.server_id && ztp_dhcp_ip_parse(p->d.server_id, &cf->srv.server_id) < 0)
		return cerr(e, c, line_of(c->dhcp, "server_id", NULL, NULL), "dhcp.server_id",
			    "expected an IPv4 address, got ", p->d.server_id);

	p->classes = ztp_xcalloc(ncls ? ncls : 1, sizeof *p->classes);
	for (i = 0; i < ncls; i++)
		if (compile_class(p, c, &((struct r_cls *)p->d.classes.items)[i],
				  &p->classes[i], e) < 0)
			return ZTP_ERR_CONFIG;
	cf->srv.classes = p->classes;
	cf->srv.nclasses = ncls;

	if (nsub == 0 && need_subnets)
		return cerr(e, c, line_of(c->dhcp, NULL, NULL, NULL), "dhcp.subnets",
			    c->dhcp ? "no subnet configured: give one under dhcp.subnets" :
			    "no subnet configured: the file has no dhcp section (give one with"
			    " dhcp.subnets)",
			    NULL);
	p->subnets = ztp_xcalloc(nsub ? nsub : 1, sizeof *p->subnets);
	p->subcls = ztp_xcalloc(nsub ? nsub : 1, sizeof *p->subcls);
	cf->subnet_names = ztp_xcalloc(nsub ? nsub : 1, sizeof(char *));
	cf->subnet_ifnames = ztp_xcalloc(nsub ? nsub : 1, sizeof(char *));
	for (i = 0; i < nsub; i++) {
		struct r_sub *rs = &((struct r_sub *)p->d.subnets.items)[i];
		struct ztp_dhcpsrv_subnet *sn = &p->subnets[i];
		int line = line_of(rawsub, rs->name, NULL, NULL);

		snprintf(key, sizeof key, "dhcp.subnets.%s", rs->name);
		sn->tag = (int)i;
		cf->subnet_names[i] = rs->name;
		cf->subnet_ifnames[i] = rs->interface;
		if (!rs->subnet || parse_cidr(rs->subnet, &sn->network, &sn->mask) < 0)
			return cerr(e, c, line_of(rawsub, rs->name, "subnet", NULL), key,
				    "subnet: expected network/prefix like 10.0.0.0/24, got ",
				    rs->subnet ? rs->subnet : "nothing");
		if (rs->router && ztp_dhcp_ip_parse(rs->router, &sn->router) < 0)
			return cerr(e, c, line_of(rawsub, rs->name, "router", NULL), key,
				    "router: expected an IPv4 address, got ", rs->router);
		if (ip_list(p, c, line_of(rawsub, rs->name, "dns", NULL), key, &rs->dns,
			    &sn->dns, &sn->ndns, e) < 0 ||
		    ip_list(p, c, line_of(rawsub, rs->name, "ntp", NULL), key, &rs->ntp,
			    &sn->ntp, &sn->nntp, e) < 0)
			return ZTP_ERR_CONFIG;
		sn->relays = keep_ips(p, rs->relay.n);
		for (j = 0; j < rs->relay.n; j++) {
			uint32_t *ip = (uint32_t *)&sn->relays[j];

			if (ztp_dhcp_ip_parse(rs->relay.v[j], ip) < 0)
				return cerr(e, c, line_of(rawsub, rs->name, "relay", NULL), key,
					    "relay: expected an IPv4 address, got ", rs->relay.v[j]);
		}
		sn->nrelays = rs->relay.n;
		if (rs->interface && p->d.interfaces.n) {
			for (j = 0; j < p->d.interfaces.n; j++)
				if (strcmp(p->d.interfaces.v[j], rs->interface) == 0)
					break;
			if (j == p->d.interfaces.n)
				return cerr(e, c, line_of(rawsub, rs->name, "interface", NULL), key,
					    "interface: not in dhcp.interfaces: ", rs->interface);
		}
		sn->domain = rs->domain;
		sn->lease_time = (uint32_t)(rs->lease_time ? rs->lease_time : p->d.lease_time);
		p->subcls[i] = ztp_xcalloc(rs->classes.n ? rs->classes.n : 1,
					   sizeof(struct ztp_dhcpsrv_class));
		for (j = 0; j < rs->classes.n; j++) {
			int k = find_class(p, rs->classes.v[j]);

			if (k < 0)
				return cerr(e, c, line_of(rawsub, rs->name, "classes", NULL), key,
					    "classes: no such class in dhcp.classes: ",
					    rs->classes.v[j]);
			p->subcls[i][j] = p->classes[k];
		}
		sn->classes = p->subcls[i];
		sn->nclasses = rs->classes.n;
		if (rs->range.n == 0)
			return cerr(e, c, line, key, "no range: give range: first-last", NULL);
		for (j = 0; j < rs->range.n; j++) {
			uint32_t a, b;

			if (parse_range(rs->range.v[j], &a, &b) < 0 ||
			    (a & sn->mask) != sn->network || (b & sn->mask) != sn->network)
				return cerr(e, c, line_of(rawsub, rs->name, "range", NULL), key,
					    "range: expected first-last inside the subnet, got ",
					    rs->range.v[j]);
			for (q = 0; q < cf->npools; q++)
				if (a <= cf->pools[q].last && cf->pools[q].first <= b)
					return cerr(e, c, line_of(rawsub, rs->name, "range", NULL), key,
						    "range: overlaps the range of subnet ",
						    cf->subnet_names[cf->pools[q].tag]);
			cf->pools = ztp_xrealloc(cf->pools, cf->npools + 1, sizeof *cf->pools);
			cf->pools[cf->npools].tag = (int)i;
			cf->pools[cf->npools].first = a;
			cf->pools[cf->npools].last = b;
			cf->npools++;
		}
	}
	cf->srv.subnets = p->subnets;
	cf->srv.nsubnets = nsub;
	if (!cf->srv.server_id && nsub)
		cf->server_id_ifname = cf->subnet_ifnames[0];

	for (i = 0; i < p->d.reservations.n; i++) {
		struct r_resv *rr = &((struct r_resv *)p->d.reservations.items)[i];
		struct ztp_dhcpconf_resv *v;
		const struct ztp_val *raw = ztp_list_get(ztp_map_get(c->dhcp, "reservations"), i);
		int line = raw ? raw->line : 0;
		long n;

		snprintf(key, sizeof key, "dhcp.reservations[%zu]", i);
		cf->resv = ztp_xrealloc(cf->resv, cf->nresv + 1, sizeof *cf->resv);
		v = &cf->resv[cf->nresv];
		memset(v, 0, sizeof *v);
		v->tag = -1;
		if (!rr->ip || ztp_dhcp_ip_parse(rr->ip, &v->ip) < 0)
			return cerr(e, c, line, key, "ip: expected an IPv4 address, got ",
				    rr->ip ? rr->ip : "nothing");
		if ((rr->mac != NULL) == (rr->client_id != NULL))
			return cerr(e, c, line, key, "give one of mac and client_id", NULL);
		if (rr->mac) {
			if (ztp_mac_parse(rr->mac, v->id) < 0)
				return cerr(e, c, line, key, "mac: expected aa:bb:cc:dd:ee:ff, got ",
					    rr->mac);
			v->idlen = 6;
		} else {
			if ((n = hex_parse(rr->client_id, v->id, sizeof v->id)) < 2)
				return cerr(e, c, line, key, "client_id: expected hex bytes, got ",
					    rr->client_id);
			v->idlen = (size_t)n;
			v->by_key = 1;
		}
		if (rr->subnet && (v->tag = find_subnet(p, rr->subnet)) < 0)
			return cerr(e, c, line, key, "subnet: no such subnet in dhcp.subnets: ",
				    rr->subnet);
		/* inside its subnet (or, naming none, inside one): else a client
		 * would get an address with another network's mask and router */
		for (q = 0; q < nsub; q++)
			if ((v->tag < 0 || (size_t)v->tag == q) &&
			    (v->ip & p->subnets[q].mask) == p->subnets[q].network)
				break;
		if (nsub && q == nsub)
			return cerr(e, c, line, key, rr->subnet ?
				    "ip: outside its subnet " :
				    "ip: outside every subnet of dhcp.subnets: ",
				    rr->subnet ? rr->subnet : rr->ip);
		for (q = 0; q < cf->nresv; q++) {
			const struct ztp_dhcpconf_resv *o = &cf->resv[q];
			const struct ztp_val *first = ztp_list_get(ztp_map_get(c->dhcp, "reservations"), q);
			int same_ip = o->ip == v->ip;
			char msg[400];

			if (!same_ip && (o->idlen != v->idlen || o->by_key != v->by_key ||
					 memcmp(o->id, v->id, v->idlen) != 0))
				continue;
			snprintf(msg, sizeof msg, "%s '%s' reserved twice (first at line %d)",
				 same_ip ? "ip" : rr->mac ? "mac" : "client_id",
				 ztp_esc(same_ip ? rr->ip : rr->mac ? rr->mac : rr->client_id),
				 first ? first->line : 0);
			return cerr(e, c, line, key, msg, NULL);
		}
		cf->nresv++;
	}

	cf->nracks = p->r.racks.n;
	cf->racks = ztp_xcalloc(cf->nracks ? cf->nracks : 1, sizeof *cf->racks);
	for (i = 0; i < cf->nracks; i++) {
		struct r_rack *rr = &((struct r_rack *)p->r.racks.items)[i];
		struct ztp_dhcpconf_rack *k = &cf->racks[i];
		int line = line_of(c->racks, rr->name, NULL, NULL);
		const struct ztp_val *m[2] = { rr->ports, rr->console };
		int x;

		snprintf(key, sizeof key, "racks.%s", rr->name);
		k->name = rr->name;
		k->subnet = rr->subnet;
		k->ifname = rr->interface;
		k->ports = rr->ports;
		k->console = rr->console;
		k->option82_trusted = rr->option82 == 1;
		if (k->option82_trusted && !rr->interface)
			return cerr(e, c, line_of(c->racks, rr->name, "option82", NULL), key,
				    "option82: trusted needs the rack's interface (option 82 "
				    "with giaddr 0 is trusted only there): add interface, or "
				    "remove option82", NULL);
		if (rr->subnet && find_subnet(p, rr->subnet) < 0)
			return cerr(e, c, line, key, "subnet: no such subnet in dhcp.subnets: ",
				    rr->subnet);
		k->relays = keep_ips(p, rr->relay.n);
		for (j = 0; j < rr->relay.n; j++)
			if (ztp_dhcp_ip_parse(rr->relay.v[j], &k->relays[j]) < 0)
				return cerr(e, c, line, key, "relay: expected an IPv4 address, got ",
					    rr->relay.v[j]);
		k->nrelays = rr->relay.n;
		for (x = 0; x < 2; x++) {
			if (!m[x] || m[x]->type == ZTP_V_NULL)
				continue;
			if (m[x]->type != ZTP_V_MAP)
				return cerr(e, c, m[x]->line, key,
					    x ? "console: expected a mapping port -> line" :
						"ports: expected a mapping circuit id -> port", NULL);
			for (j = 0; j < m[x]->u.map.n; j++) {
				const struct ztp_val *kv = m[x]->u.map.e[j].key, *vv = m[x]->u.map.e[j].val;

				if ((kv->type != ZTP_V_STR && kv->type != ZTP_V_INT) ||
				    (vv->type != ZTP_V_STR && vv->type != ZTP_V_INT))
					return cerr(e, c, kv->line, key,
						    x ? "console: keys and values must be strings"
						      : "ports: keys and values must be strings", NULL);
			}
			{
				struct ztp_val *nm = ztp_val_map();

				for (j = 0; j < m[x]->u.map.n; j++)
					ztp_map_setv(nm, as_str(m[x]->u.map.e[j].key),
						     as_str(m[x]->u.map.e[j].val));
				if (!p->norm)
					p->norm = ztp_val_list();
				ztp_list_push(p->norm, nm);
				if (x)
					k->console = nm;
				else
					k->ports = nm;
			}
		}
	}
	return 0;
}

static int load(struct ztp_dhcpconf **out, const struct ztp_conf *c,
		int need_subnets, struct ztp_err *e)
{
	struct ztp_dhcpconf *cf = ztp_xcalloc(1, sizeof *cf);
	struct priv *p = ztp_xcalloc(1, sizeof *p);
	struct ztp_val *wrap;

	cf->priv = p;
	*out = NULL;
	if (c->dhcp && c->dhcp->type != ZTP_V_MAP) {
		ztp_dhcpconf_free(cf);
		return cerr(e, c, c->dhcp->line, "dhcp", "expected a mapping", NULL);
	}
	if (ztp_conf_apply(&ztp_dhcp_schema, &p->d, c->dhcp, c->file, "dhcp", e) < 0)
		goto fail;
	wrap = ztp_val_map();
	if (c->racks)
		ztp_map_set(wrap, "racks", ztp_val_ref(c->racks));
	p->rawracks = wrap;
	if (ztp_conf_apply(&ztp_racks_schema, &p->r, wrap, c->file, "", e) < 0)
		goto fail;
	if (compile(cf, p, c, need_subnets, e) < 0)
		goto fail;
	*out = cf;
	return 0;
fail:
	ztp_dhcpconf_free(cf);
	return ZTP_ERR_CONFIG;
}

int ztp_dhcpconf_load(struct ztp_dhcpconf **out, const struct ztp_conf *c,
		      struct ztp_err *e)
{
	return load(out, c, 1, e);
}

int ztp_dhcpconf_load_racks(struct ztp_dhcpconf **out,
			    const struct ztp_conf *c, struct ztp_err *e)
{
	return load(out, c, 0, e);
}

void ztp_dhcpconf_free(struct ztp_dhcpconf *cf)
{
	struct priv *p;
	size_t i;

	if (!cf)
		return;
	p = cf->priv;
	if (p) {
		if (p->subcls)
			for (i = 0; i < p->d.subnets.n; i++)
				free(p->subcls[i]);
		free(p->subcls);
		free(p->subnets);
		free(p->classes);
		for (i = 0; i < p->nips; i++)
			free(p->ips[i]);
		free(p->ips);
		for (i = 0; i < p->nblobs; i++)
			free(p->blobs[i]);
		free(p->blobs);
		ztp_conf_release(&ztp_dhcp_schema, &p->d);
		ztp_conf_release(&ztp_racks_schema, &p->r);
		ztp_val_unref(p->rawracks);
		ztp_val_unref(p->norm);
		free(p);
	}
	free(cf->subnet_names);
	free(cf->subnet_ifnames);
	free(cf->pools);
	free(cf->resv);
	free(cf->racks);
	free(cf->ifindexes);
	free(cf);
}

int ztp_dhcpconf_setup_db(const struct ztp_dhcpconf *cf,
			  struct ztp_lease_db *db, struct ztp_err *e)
{
	size_t i;

	for (i = 0; i < cf->npools; i++)
		if (ztp_lease_add_pool(db, cf->pools[i].tag, cf->pools[i].first,
				       cf->pools[i].last, e) < 0)
			return ZTP_ERR_CONFIG;
	for (i = 0; i < cf->nresv; i++)
		if (ztp_lease_add_reservation(db, cf->resv[i].tag, cf->resv[i].by_key,
					      cf->resv[i].id, cf->resv[i].idlen,
					      cf->resv[i].ip, e) < 0)
			return ZTP_ERR_CONFIG;
	return 0;
}

int ztp_dhcpconf_dump(const struct ztp_dhcpconf *cf, struct ztp_buf *b)
{
	const struct priv *p = cf->priv;

	ztp_buf_adds(b, "dhcp:\n");
	if (ztp_conf_dump(&ztp_dhcp_schema, &p->d, b, 2) < 0)
		return -1;
	return ztp_conf_dump(&ztp_racks_schema, &p->r, b, 0);
}

int ztp_dhcpconf_relay_trusted(const struct ztp_dhcpconf *cf, uint32_t giaddr)
{
	size_t i, j;

	if (giaddr == 0)
		return 0;
	for (i = 0; i < cf->nracks; i++)
		for (j = 0; j < cf->racks[i].nrelays; j++)
			if (cf->racks[i].relays[j] == giaddr)
				return 1;
	for (i = 0; i < cf->srv.nsubnets; i++)
		for (j = 0; j < cf->srv.subnets[i].nrelays; j++)
			if (cf->srv.subnets[i].relays[j] == giaddr)
				return 1;
	return 0;
}

int ztp_dhcpconf_option82_trusted(const struct ztp_dhcpconf *cf, uint32_t giaddr,
				  const char *ifname)
{
	size_t i;

	if (giaddr)
		return ztp_dhcpconf_relay_trusted(cf, giaddr);
	if (!ifname)
		return 0;
	for (i = 0; i < cf->nracks; i++)
		if (cf->racks[i].option82_trusted && cf->racks[i].ifname &&
		    strcmp(cf->racks[i].ifname, ifname) == 0)
			return 1;
	return 0;
}

const struct ztp_dhcpconf_rack *
ztp_dhcpconf_rack_for(const struct ztp_dhcpconf *cf, uint32_t giaddr,
		      const char *ifname, const char *subnet)
{
	size_t i, j;

	if (giaddr)
		for (i = 0; i < cf->nracks; i++)
			for (j = 0; j < cf->racks[i].nrelays; j++)
				if (cf->racks[i].relays[j] == giaddr)
					return &cf->racks[i];
	if (!giaddr && ifname)
		for (i = 0; i < cf->nracks; i++)
			if (cf->racks[i].ifname && strcmp(cf->racks[i].ifname, ifname) == 0)
				return &cf->racks[i];
	if (subnet)
		for (i = 0; i < cf->nracks; i++)
			if (cf->racks[i].subnet && strcmp(cf->racks[i].subnet, subnet) == 0)
				return &cf->racks[i];
	return NULL;
}

static const char *map_text(const struct ztp_val *m, const char *k)
{
	const char *v;

	if (!m || m->type != ZTP_V_MAP || !k)
		return NULL;
	v = ztp_map_str(m, k);
	return v;
}

const char *ztp_dhcpconf_port(const struct ztp_dhcpconf_rack *r,
			      const char *circuit)
{
	return r ? map_text(r->ports, circuit) : NULL;
}

const char *ztp_dhcpconf_console(const struct ztp_dhcpconf_rack *r,
				 const char *port)
{
	return r ? map_text(r->console, port) : NULL;
}
