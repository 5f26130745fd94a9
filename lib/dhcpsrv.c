/* dhcpsrv.c: the DHCPv4 server's decisions (see dhcpsrv.h) */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "dhcpsrv.h"
#include "str.h"

static const uint64_t fnv_basis = 14695981039346656037ULL;

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

const char *ztp_dhcpsrv_event_name(int event)
{
	static const char *const names[] = {
		"none", "offered", "bound", "naked", "released", "declined",
		"informed", "ignored",
	};

	if (event < 0 || event > ZTP_EV_IGNORED)
		return "unknown";
	return names[event];
}

static int in_subnet(const struct ztp_dhcpsrv_subnet *sn, uint32_t ip)
{
	return (ip & sn->mask) == (sn->network & sn->mask);
}

/* Our server id for this request: the relay's override (RFC 5107) when
 * it set one, else the configured one. */
static uint32_t server_id(const struct ztp_dhcpsrv_config *cfg,
			  const struct ztp_dhcp_pkt *p)
{
	struct ztp_dhcp_relay ri;

	if (p->giaddr && ztp_dhcp_relay_info(p, &ri) == 1 &&
	    ri.server_id_override)
		return ri.server_id_override;
	return cfg->server_id;
}

/* relayed: the subnet of the relay's link selection (RFC 3527) or of
 * giaddr; else of ciaddr when set; else the one on the interface */
static const struct ztp_dhcpsrv_subnet *
find_subnet(const struct ztp_dhcpsrv_config *cfg, const struct ztp_dhcp_pkt *p,
	    int ifindex)
{
	struct ztp_dhcp_relay ri;
	uint32_t link = p->giaddr;
	size_t i, j;

	if (p->giaddr && ztp_dhcp_relay_info(p, &ri) == 1 && ri.link_selection)
		link = ri.link_selection;
	if (p->giaddr)
		for (i = 0; i < cfg->nsubnets; i++)
			for (j = 0; j < cfg->subnets[i].nrelays; j++)
				if (cfg->subnets[i].relays[j] == p->giaddr)
					return &cfg->subnets[i];
	for (i = 0; i < cfg->nsubnets; i++) {
		const struct ztp_dhcpsrv_subnet *sn = &cfg->subnets[i];

		if (p->giaddr) {
			/* a subnet tied to its relays serves no other */
			if (in_subnet(sn, link) && sn->nrelays == 0)
				return sn;
		} else if (p->ciaddr) {
			if (in_subnet(sn, p->ciaddr))
				return sn;
		} else if (sn->ifindex == 0 || sn->ifindex == ifindex)
			return sn;
	}
	return NULL;
}

/* option bytes as a C string for fnmatch; 0 when absent or holding NUL */
static int opt_cstr(struct ztp_dhcp_slice v, char *buf, size_t sz)
{
	if (v.len >= sz || memchr(v.p, '\0', v.len) != NULL)
		return 0;
	memcpy(buf, v.p, v.len);
	buf[v.len] = '\0';
	return 1;
}

static int class_matches(const struct ztp_dhcpsrv_class *c,
			 const struct ztp_dhcp_pkt *pkt)
{
	struct ztp_dhcp_slice v, uc[16];
	char s[256];
	int n, i, raw;

	if (c->vendor_class != NULL &&
	    (!ztp_dhcp_vendor_class(pkt, &v) || !opt_cstr(v, s, sizeof s) ||
	     fnmatch(c->vendor_class, s, 0) != 0))
		return 0;
	if (c->user_class != NULL) {
		n = ztp_dhcp_user_classes(pkt, uc, 16, &raw);
		for (i = 0; i < n; i++)
			if (opt_cstr(uc[i], s, sizeof s) &&
			    fnmatch(c->user_class, s, 0) == 0)
				break;
		if (n <= 0 || i == n)
			return 0;
	}
	return 1;
}

const struct ztp_dhcpsrv_class *
ztp_dhcpsrv_match_class(const struct ztp_dhcpsrv_config *cfg,
			const struct ztp_dhcpsrv_subnet *sn,
			const struct ztp_dhcp_pkt *pkt)
{
	size_t i;

	for (i = 0; sn != NULL && i < sn->nclasses; i++)
		if (class_matches(&sn->classes[i], pkt))
			return &sn->classes[i];
	for (i = 0; i < cfg->nclasses; i++)
		if (class_matches(&cfg->classes[i], pkt))
			return &cfg->classes[i];
	return NULL;
}

/* the options of a reply: server id and lease times required, the subnet's
 * and the class's sent when asked for (class ones always) */
static int add_options(const struct ztp_dhcpsrv_config *cfg, uint32_t sid,
		       const struct ztp_dhcpsrv_subnet *sn,
		       const struct ztp_dhcpsrv_class *cls, int with_lease,
		       struct ztp_dhcp_opts *o, struct ztp_err *e)
{
	const int R = ZTP_DHCP_OF_REQUIRED, A = ZTP_DHCP_OF_ALWAYS;
	uint32_t lt = sn->lease_time ? sn->lease_time : 3600;
	int rc = 0;

	ztp_dhcp_opts_init(o);
	rc |= ztp_dhcp_opts_add_u32(o, ZTP_OPT_SERVER_ID, R, sid, e);
	if (with_lease) {
		rc |= ztp_dhcp_opts_add_u32(o, ZTP_OPT_LEASE_TIME, R, lt, e);
		rc |= ztp_dhcp_opts_add_u32(o, ZTP_OPT_T1, A, lt / 2, e);
		rc |= ztp_dhcp_opts_add_u32(o, ZTP_OPT_T2, A,
					    (uint32_t)((uint64_t)lt * 7 / 8), e);
	}
	rc |= ztp_dhcp_opts_add_u32(o, ZTP_OPT_SUBNET_MASK, A, sn->mask, e);
	if (sn->router)
		rc |= ztp_dhcp_opts_add_ips(o, ZTP_OPT_ROUTER, A, &sn->router,
					    1, e);
	if (sn->ndns)
		rc |= ztp_dhcp_opts_add_ips(o, ZTP_OPT_DNS, 0, sn->dns,
					    sn->ndns, e);
	if (sn->domain)
		rc |= ztp_dhcp_opts_add_str(o, ZTP_OPT_DOMAIN, 0, sn->domain,
					    e);
	if (sn->nntp)
		rc |= ztp_dhcp_opts_add_ips(o, ZTP_OPT_NTP, 0, sn->ntp,
					    sn->nntp, e);
	if (cls != NULL) {
		if (cls->tftp_server)
			rc |= ztp_dhcp_opts_add_str(o, ZTP_OPT_TFTP_SERVER, A,
						    cls->tftp_server, e);
		if (cls->bootfile)
			rc |= ztp_dhcp_opts_add_str(o, ZTP_OPT_BOOTFILE, A,
						    cls->bootfile, e);
		if (cls->ntftp_ips)
			rc |= ztp_dhcp_opts_add_ips(o, ZTP_OPT_CISCO_TFTP, A,
						    cls->tftp_ips,
						    cls->ntftp_ips, e);
		if (cls->vendor_len)
			rc |= ztp_dhcp_opts_add(o, ZTP_OPT_VENDOR, A,
						cls->vendor_opts,
						cls->vendor_len, e);
		if (cls->vivso_len)
			rc |= ztp_dhcp_opts_add(o, ZTP_OPT_VIVSO, A, cls->vivso,
						cls->vivso_len, e);
	}
	return rc < 0 ? ZTP_ERR_LIMIT : 0;
}

static void destination(const struct ztp_dhcp_pkt *p,
			struct ztp_dhcpsrv_out *out, uint32_t yiaddr)
{
	if (p->giaddr) {
		out->dest = ZTP_DEST_RELAY;
		out->dest_ip = p->giaddr;
		out->dest_port = 67;
	} else if (out->msgtype == ZTP_DHCPNAK) {
		out->dest = ZTP_DEST_BROADCAST;
		out->dest_ip = 0xffffffff;
		out->dest_port = 68;
	} else if (p->ciaddr) {
		out->dest = ZTP_DEST_UNICAST;
		out->dest_ip = p->ciaddr;
		out->dest_port = 68;
	} else if ((p->flags & ZTP_DHCP_FLAG_BROADCAST) || p->htype != 1 ||
		   p->hlen != 6) {
		/* asked for, or no Ethernet address to unicast to (RFC
		 * 4390: InfiniBand clients are answered by broadcast) */
		out->dest = ZTP_DEST_BROADCAST;
		out->dest_ip = 0xffffffff;
		out->dest_port = 68;
	} else {
		out->dest = ZTP_DEST_HWADDR;
		out->dest_ip = yiaddr;
		out->dest_port = 68;
	}
}

static int reply(const struct ztp_dhcpsrv_config *cfg,
		 const struct ztp_dhcpsrv_in *in, const struct ztp_dhcpsrv_subnet *sn,
		 int msgtype, uint32_t yiaddr, struct ztp_dhcpsrv_out *out,
		 struct ztp_err *e)
{
	const struct ztp_dhcp_pkt *p = in->pkt;
	struct ztp_dhcp_opts o;
	struct ztp_dhcp_reply rep;
	const struct ztp_dhcpsrv_class *cls = out->cls;
	int rc;

	memset(&rep, 0, sizeof rep);
	rep.msgtype = msgtype;
	rep.max = cfg->max_reply;
	if (msgtype == ZTP_DHCPNAK) {
		ztp_dhcp_opts_init(&o);
		rc = ztp_dhcp_opts_add_u32(&o, ZTP_OPT_SERVER_ID,
					   ZTP_DHCP_OF_REQUIRED,
					   server_id(cfg, p), e);
		if (rc == 0 && out->why)
			rc = ztp_dhcp_opts_add_str(&o, ZTP_OPT_MESSAGE,
						   ZTP_DHCP_OF_ALWAYS,
						   out->why, e);
		if (rc < 0)
			return rc;
		if (p->giaddr)
			rep.flags_or = ZTP_DHCP_FLAG_BROADCAST;
	} else {
		int inform = msgtype == ZTP_DHCPACK && yiaddr == 0;

		if ((rc = add_options(cfg, server_id(cfg, p), sn, cls, !inform,
				       &o, e)) < 0)
			return rc;
		rep.yiaddr = yiaddr;
		rep.ciaddr = inform ? p->ciaddr : 0;
		if (cls != NULL) {
			rep.siaddr = cls->next_server;
			if (cls->bootfile && strlen(cls->bootfile) < 128)
				rep.file = cls->bootfile;
		}
	}
	/* RFC 6842: the client identifier comes back */
	{
		struct ztp_dhcp_slice id;

		if (ztp_dhcp_client_id(p, &id) &&
		    (rc = ztp_dhcp_opts_add(&o, ZTP_OPT_CLIENT_ID,
					    ZTP_DHCP_OF_ALWAYS, id.p, id.len,
					    e)) < 0)
			return rc;
	}
	out->msgtype = msgtype;
	if ((rc = ztp_dhcp_build(p, &rep, &o, out->buf, sizeof out->buf,
				 &out->len, e)) < 0) {
		out->msgtype = 0;
		return rc;
	}
	destination(p, out, yiaddr);
	return 0;
}

static int nak(const struct ztp_dhcpsrv_config *cfg,
	       const struct ztp_dhcpsrv_in *in,
	       const struct ztp_dhcpsrv_subnet *sn, const char *why,
	       uint32_t ip, struct ztp_dhcpsrv_out *out, struct ztp_err *e)
{
	out->event = ZTP_EV_NAKED;
	out->why = why;
	out->ip = ip;
	return reply(cfg, in, sn, ZTP_DHCPNAK, 0, out, e);
}

static int ignore(struct ztp_dhcpsrv_out *out, const char *why)
{
	out->event = ZTP_EV_IGNORED;
	out->why = why;
	return 0;
}

/* bind and ACK */
static int ack(const struct ztp_dhcpsrv_config *cfg,
	       struct ztp_lease_db *db, const struct ztp_dhcpsrv_in *in,
	       const struct ztp_dhcpsrv_subnet *sn,
	       const struct ztp_lease_client *c, uint32_t ip,
	       struct ztp_dhcpsrv_out *out, struct ztp_err *e)
{
	const struct ztp_lease *l = ztp_lease_by_key(db, c->key, c->keylen);
	uint32_t lt = sn->lease_time ? sn->lease_time : 3600;
	int rc;

	out->new_lease = l == NULL || l->ip != ip ||
			 ztp_lease_state_at(l, in->now) != ZTP_LEASE_BOUND;
	if ((rc = ztp_lease_bind(db, c, ip, in->now, in->now + lt, e)) < 0)
		return rc;
	out->event = ZTP_EV_BOUND;
	out->must_sync = 1;
	out->ip = ip;
	return reply(cfg, in, sn, ZTP_DHCPACK, ip, out, e);
}

/* the client's own lease for ip (any state but quarantine) */
static int holds(const struct ztp_lease_db *db,
		 const struct ztp_lease_client *c, uint32_t ip)
{
	const struct ztp_lease *l = ztp_lease_by_ip(db, ip);

	return l != NULL && l->keylen == c->keylen &&
	       memcmp(l->key, c->key, c->keylen) == 0;
}

/* A client that holds no address asks for one: 0 when it may have one,
 * else ZTP_DHCPSRV_CAP_* (its port, or its hardware address, holds its
 * share of the pools already).  Reserved clients are never capped. */
static int capped(const struct ztp_dhcpsrv_config *cfg,
		  const struct ztp_lease_db *db, const struct ztp_dhcpsrv_in *in,
		  const struct ztp_dhcpsrv_subnet *sn,
		  const struct ztp_lease_client *c, int link)
{
	const struct ztp_lease *l = ztp_lease_by_key(db, c->key, c->keylen);
	uint32_t cap = link ? cfg->link_leases : cfg->port_leases, r;
	int st;

	if (l != NULL) {
		st = ztp_lease_state_at(l, in->now);
		if (st == ZTP_LEASE_OFFERED || st == ZTP_LEASE_BOUND)
			return 0;
	}
	if (ztp_lease_reserved_for(db, sn->tag, c, &r))
		return 0;
	if (cap && ztp_lease_held_by_port(db, c->port, in->now) >= cap)
		return ZTP_DHCPSRV_CAP_PORT;
	if (cfg->port_leases && c->hlen &&
	    ztp_lease_held_by_hw(db, c->htype, c->hlen, c->hw, in->now) >=
	    cfg->port_leases)
		return ZTP_DHCPSRV_CAP_HW;
	return 0;
}

static int refuse_capped(struct ztp_dhcpsrv_out *out, int why)
{
	out->capped = why;
	return ignore(out, why == ZTP_DHCPSRV_CAP_PORT ?
		      "its port holds its share of the addresses" :
		      "its hardware address holds its share of the addresses");
}

static int request(const struct ztp_dhcpsrv_config *cfg,
		   struct ztp_lease_db *db, const struct ztp_dhcpsrv_in *in,
		   const struct ztp_dhcpsrv_subnet *sn,
		   const struct ztp_lease_client *c, int link,
		   struct ztp_dhcpsrv_out *out, struct ztp_err *e)
{
	const struct ztp_dhcp_pkt *p = in->pkt;
	uint32_t sid, req = 0;
	int cap;
	int has_sid = ztp_dhcp_server_id(p, &sid);
	int has_req = ztp_dhcp_requested_ip(p, &req);
	const struct ztp_lease *l;

	if (has_sid) {					/* SELECTING */
		if (sid != server_id(cfg, p)) {
			/* it chose another server: our offer is free again */
			l = ztp_lease_by_key(db, c->key, c->keylen);
			if (l != NULL && l->state == ZTP_LEASE_OFFERED)
				ztp_lease_forget(db, l->ip, NULL);
			return ignore(out, "client chose another server");
		}
		if (!has_req)
			return ignore(out, "SELECTING without requested "
				      "address");
		if (!ztp_lease_usable(db, sn->tag, c, req, in->now))
			return nak(cfg, in, sn, "address not available", req,
				   out, e);
		/* without our offer first: the caps hold all the same */
		if ((cap = capped(cfg, db, in, sn, c, link)) != 0)
			return refuse_capped(out, cap);
		return ack(cfg, db, in, sn, c, req, out, e);
	}
	if (has_req && p->ciaddr == 0) {		/* INIT-REBOOT */
		if (!in_subnet(sn, req))
			return nak(cfg, in, sn, "wrong network", req, out, e);
		if (holds(db, c, req) &&
		    ztp_lease_usable(db, sn->tag, c, req, in->now))
			return ack(cfg, db, in, sn, c, req, out, e);
		if (!ztp_lease_usable(db, sn->tag, c, req, in->now) ||
		    cfg->authoritative)
			return nak(cfg, in, sn, "address not available", req,
				   out, e);
		return ignore(out, "INIT-REBOOT for an address we have no "
			      "record of");
	}
	if (p->ciaddr != 0 && !has_req) {	/* RENEWING, REBINDING */
		if (holds(db, c, p->ciaddr) &&
		    ztp_lease_usable(db, sn->tag, c, p->ciaddr, in->now))
			return ack(cfg, db, in, sn, c, p->ciaddr, out, e);
		if (!ztp_lease_usable(db, sn->tag, c, p->ciaddr, in->now) ||
		    cfg->authoritative)
			return nak(cfg, in, sn, "lease not renewable",
				   p->ciaddr, out, e);
		return ignore(out, "renewal of an address we have no record "
			      "of");
	}
	return ignore(out, "REQUEST in no state of RFC 2131 4.3.2");
}

int ztp_dhcpsrv_handle(const struct ztp_dhcpsrv_config *cfg,
		       struct ztp_lease_db *db,
		       const struct ztp_dhcpsrv_in *in,
		       struct ztp_dhcpsrv_out *out, struct ztp_err *e)
{
	const struct ztp_dhcp_pkt *p = in->pkt;
	const struct ztp_dhcpsrv_subnet *sn;
	struct ztp_lease_client c;
	uint8_t key[ZTP_DHCP_KEY_MAX];
	uint32_t ip, req = 0, sid;
	int type = ztp_dhcp_msgtype(p), rc, link;

	memset(out, 0, offsetof(struct ztp_dhcpsrv_out, buf));
	if (p->op != ZTP_BOOTREQUEST)
		return ignore(out, "not a request");
	if (type == 0)
		return ignore(out, "BOOTP is not served");
	if ((sn = find_subnet(cfg, p, in->ifindex)) == NULL)
		return ignore(out, p->giaddr ? "no subnet for the relay "
			      "address" : "no subnet for this client");
	out->subnet = sn;
	c.keylen = ztp_dhcp_client_key(p, key);
	c.key = key;
	c.htype = p->htype;
	c.hlen = p->hlen;
	c.hw = p->chaddr;
	c.port = ztp_dhcpsrv_port(p, in->ifindex, &link);
	if (c.keylen == 0)
		return ignore(out, "no client identifier and no hardware "
			      "address");
	out->cls = ztp_dhcpsrv_match_class(cfg, sn, p);
	ztp_dhcp_requested_ip(p, &req);

	switch (type) {
	case ZTP_DHCPDISCOVER:
		if ((rc = capped(cfg, db, in, sn, &c, link)) != 0)
			return refuse_capped(out, rc);
		if (ztp_lease_pick(db, sn->tag, &c, req, in->now, &ip, e) < 0)
			return ignore(out, "no free address");
		if ((rc = ztp_lease_offer(db, &c, ip, in->now,
					  in->now + (cfg->offer_time ?
						     cfg->offer_time : 60),
					  e)) < 0)
			return rc;
		out->event = ZTP_EV_OFFERED;
		out->ip = ip;
		return reply(cfg, in, sn, ZTP_DHCPOFFER, ip, out, e);
	case ZTP_DHCPREQUEST:
		return request(cfg, db, in, sn, &c, link, out, e);
	case ZTP_DHCPDECLINE:
		if (!ztp_dhcp_server_id(p, &sid) || sid != server_id(cfg, p))
			return ignore(out, "DECLINE for another server");
		if (!req || !holds(db, &c, req))
			return ignore(out, "DECLINE of an address the client "
				      "does not hold");
		if ((rc = ztp_lease_quarantine(db, req, in->now,
					       in->now + (cfg->quarantine_time ?
							  cfg->quarantine_time :
							  600), e)) < 0)
			return rc;
		out->event = ZTP_EV_DECLINED;
		out->ip = req;
		out->must_sync = 1;
		return 0;
	case ZTP_DHCPRELEASE:
		if (ztp_dhcp_server_id(p, &sid) && sid != server_id(cfg, p))
			return ignore(out, "RELEASE for another server");
		if (!p->ciaddr || !holds(db, &c, p->ciaddr))
			return ignore(out, "RELEASE of an address the client "
				      "does not hold");
		if ((rc = ztp_lease_release(db, &c, p->ciaddr, in->now, e)) < 0)
			return rc;
		out->event = ZTP_EV_RELEASED;
		out->ip = p->ciaddr;
		out->must_sync = 1;
		return 0;
	case ZTP_DHCPINFORM:
		if (!p->ciaddr)
			return ignore(out, "INFORM without ciaddr");
		out->event = ZTP_EV_INFORMED;
		out->ip = p->ciaddr;
		return reply(cfg, in, sn, ZTP_DHCPACK, 0, out, e);
	default:
		return ignore(out, "not a message a server answers");
	}
}

/* the fixed-window counter of h in table t of n slots; 1 when over limit */
static int rl_over(struct ztp_dhcpsrv_rl *rl, struct ztp_dhcpsrv_rl_slot *t, size_t n, uint64_t h,
		   long long limit, time_t now)
{
	struct ztp_dhcpsrv_rl_slot *sl = &t[h % n];
	long long interval = rl->interval > 0 ? rl->interval : 1;

	if (limit <= 0)
		return 0;
	if (sl->h != h || now - sl->start >= interval) {
		sl->h = h;
		sl->start = now;
		sl->count = 0;
	}
	return ++sl->count > limit;
}

int ztp_dhcpsrv_rate_limited(struct ztp_dhcpsrv_rl *rl, const struct ztp_dhcp_pkt *pkt,
			     int ifindex, time_t now)
{
	struct ztp_dhcp_slice id;
	uint64_t h;
	int over = 0, link;

	/* the client: its hardware address, and its client id apart */
	if (pkt->hlen) {
		h = fnv("hw", 2, fnv_basis);
		h = fnv(&pkt->htype, 1, h);
		over = rl_over(rl, rl->slot, ZTP_DHCPSRV_RL_SLOTS, fnv(pkt->chaddr, pkt->hlen, h),
			       rl->per_mac, now);
	}
	if (!over && ztp_dhcp_client_id(pkt, &id) && id.len > 0)
		over = rl_over(rl, rl->slot, ZTP_DHCPSRV_RL_SLOTS,
			       fnv(id.p, id.len, fnv("id", 2, fnv_basis)), rl->per_mac, now);
	/* the port */
	if (!over)
		over = rl_over(rl, rl->port, ZTP_DHCPSRV_RL_PORT_SLOTS,
			       ztp_dhcpsrv_port(pkt, ifindex, &link), rl->per_port, now);
	if (over)
		rl->dropped++;
	return over;
}

uint64_t ztp_dhcpsrv_port(const struct ztp_dhcp_pkt *pkt, int ifindex,
			  int *is_link)
{
	struct ztp_dhcp_relay ri;
	uint64_t h;
	uint8_t len;

	*is_link = 1;
	if (pkt->giaddr) {
		h = fnv("relay", 5, fnv_basis);
		h = fnv(&pkt->giaddr, sizeof pkt->giaddr, h);
	} else {
		h = fnv("if", 2, fnv_basis);
		h = fnv(&ifindex, sizeof ifindex, h);
	}
	/* a relay's port, or a snooping switch's port on a trusted interface
	 * (option 82 with giaddr 0: left in only for racks.<r>.option82) */
	if (ztp_dhcp_relay_info(pkt, &ri) == 1 &&
	    (ri.circuit_id.len || ri.remote_id.len)) {
		/* lengths first: "ab" + "c" is not "a" + "bc" */
		len = (uint8_t)ri.circuit_id.len;
		h = fnv(&len, 1, h);
		h = fnv(ri.circuit_id.p, ri.circuit_id.len, h);
		len = (uint8_t)ri.remote_id.len;
		h = fnv(&len, 1, h);
		h = fnv(ri.remote_id.p, ri.remote_id.len, h);
		*is_link = 0;
	}
	return h ? h : 1;
}

void ztp_dhcpsrv_port_name(const struct ztp_dhcp_pkt *pkt, int ifindex,
			   const char *ifname, struct ztp_buf *b)
{
	struct ztp_dhcp_relay ri;
	char ip[16];

	if (!pkt->giaddr) {
		if (ifname)
			ztp_buf_addf(b, "interface %s", ifname);
		else
			ztp_buf_addf(b, "interface %d", ifindex);
	} else {
		ztp_dhcp_ip_fmt(pkt->giaddr, ip);
		ztp_buf_addf(b, "relay %s", ip);
	}
	if (ztp_dhcp_relay_info(pkt, &ri) != 1)
		return;
	if (ri.circuit_id.len) {
		ztp_buf_addf(b, " circuit id '");
		ztp_escape(b, (const char *)ri.circuit_id.p, ri.circuit_id.len);
		ztp_buf_addf(b, "'");
	}
	if (ri.remote_id.len) {
		ztp_buf_addf(b, " remote id '");
		ztp_escape(b, (const char *)ri.remote_id.p, ri.remote_id.len);
		ztp_buf_addf(b, "'");
	}
}
