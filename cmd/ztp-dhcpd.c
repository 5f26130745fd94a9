/* ztp-dhcpd: the DHCPv4 server of ztp (see ztp-dhcpd(8)).
 *
 * This file keeps setup, privileges, reload and the loop; the work is in
 * libztp, as OpenBSD's dhcpd keeps dispatch apart from its parts:
 *   lib/dhcpsock*.c  the socket (port 67, the interface of each datagram,
 *                    batches with recvmmsg/sendmmsg, the ARP entry)
 *   lib/dhcpsrv.c    the decisions (what to answer, rate limits)
 *   lib/lease.c      the lease database (journal, group commit)
 *   lib/leasekeep.c  its upkeep (sync failures said, pruning, compaction
 *                    in a thread)
 *   lib/dhcprec.c    the device records (writer thread, owed list, rederive)
 *   lib/notify.c     the notifications (libcurl multi, from this loop)
 * Each turn of the poll loop reads up to dhcp.batch datagrams, decides
 * each, syncs the lease journal once and only then sends the replies: no
 * ACK leaves before its lease is on disk.  The records of new devices are
 * handed to the writer after the replies.  --from-dnsmasq and --from-kea
 * make the same records for sites that keep their DHCP server. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "confcheck.h"
#include "dhcpconf.h"
#include "dhcprec.h"
#include "dhcpsock.h"
#include "dhcpsrv.h"
#include "file.h"
#include "leasekeep.h"
#include "log.h"
#include "notify.h"
#include "opts.h"
#include "os.h"
#include "record.h"
#include "spool.h"
#include "str.h"
#include "yml.h"

#define BATCH_MAX 1024
#define COMPACT_LINES 200000
#define GATHER_MS 1		/* wait for more requests to share a sync */

static volatile sig_atomic_t stop, reload;

static void on_sig(int sig)
{
	if (sig == SIGHUP)
		reload = 1;
	else
		stop = 1;
}

struct state {
	const char *conf_path;
	struct ztp_conf *conf;
	struct ztp_dhcpconf *cf;
	struct ztp_lease_db *db;
	struct ztp_spool *spool;
	struct ztp_notify *notify;
	struct ztp_dhcpsock *sock;
	struct ztp_dhcpsrv_rl rl;
	time_t last_full_log, last_rl_log, last_cap_log;
	unsigned long full_count, cap_count;
	struct ztp_leasekeep *keep;	/* group commit, pruning, compaction */
	double hk_interval;
	size_t compact_lines;
	struct ztp_dhcprec *rec;	/* device records (a writer thread) */
	char qdir[4096];
};

/* at exit, records still queued are written for at most this long; the
 * rest are made at the next start from the lease database */
#define RECQ_DRAIN 3.0

/* -h: on stdout, exit 0; a usage error (usage()): on stderr, exit 2 */
static void usage_exit(int status) __attribute__((noreturn));
static void usage_exit(int status)
{
	fprintf(status ? stderr : stdout, "usage: ztp-dhcpd [-dnTv] [-c ztp.yml]\n"
		"       ztp-dhcpd --from-dnsmasq [-v] [-c ztp.yml] add | old | del MAC IP [hostname]\n"
		"       ztp-dhcpd --from-kea [-v] [-c ztp.yml] hook-point\n"
		"       ztp-dhcpd -h | --version\n");
	exit(status ? status : ztp_out_status(0));
}

static void usage(void) __attribute__((noreturn));
static void usage(void)
{
	usage_exit(ZTP_EXIT_USAGE);
}

static int load_all(const char *path, int flags, struct ztp_conf **c,
		    struct ztp_dhcpconf **cf, struct ztp_err *e)
{
	*c = NULL;
	*cf = NULL;
	if (ztp_conf_open(c, path, flags, e) < 0)
		return ZTP_ERR_CONFIG;
	if (ztp_dhcpconf_load(cf, *c, e) < 0) {
		ztp_conf_free(*c);
		*c = NULL;
		return ZTP_ERR_CONFIG;
	}
	return 0;
}

static int open_db(struct state *s, struct ztp_dhcpconf *cf, struct ztp_err *e)
{
	int rc;

	if ((rc = ztp_lease_open(&s->db, cf->lease_dir, e)) < 0)
		return rc;
	if (ztp_lease_torn_bytes(s->db))
		ztp_warnx("lease journal: cut off %zu bytes of a torn last record",
			  ztp_lease_torn_bytes(s->db));
	if ((rc = ztp_dhcpconf_setup_db(cf, s->db, e)) < 0) {
		ztp_lease_close(s->db);
		s->db = NULL;
	}
	return rc;
}

static void do_reload(struct state *s)
{
	struct ztp_conf *c;
	struct ztp_dhcpconf *cf;
	struct ztp_err e;

	if (load_all(s->conf_path, 0, &c, &cf, &e) < 0 || ztp_dhcpsock_resolve(cf, &e) < 0) {
		ztp_warnx("reload refused, keeping the running configuration: %s", e.msg);
		ztp_dhcpconf_free(cf);
		ztp_conf_free(c);
		return;
	}
	if (strcmp(cf->lease_dir, s->cf->lease_dir) != 0)
		ztp_warnx("reload: dhcp.lease_dir changes only at restart");
	/* pools and reservations: reopen the database with the new ones */
	ztp_leasekeep_reap(s->keep, s->db, 1);
	if (ztp_lease_sync(s->db, &e) < 0) {
		ztp_warnx("reload refused: %s", e.msg);
		ztp_dhcpconf_free(cf);
		ztp_conf_free(c);
		return;
	}
	ztp_lease_close(s->db);
	s->db = NULL;
	if (open_db(s, cf, &e) < 0) {
		ztp_warnx("reload refused, keeping the running configuration: %s", e.msg);
		ztp_dhcpconf_free(cf);
		ztp_conf_free(c);
		if (open_db(s, s->cf, &e) < 0) {
			ztp_log(ZTP_LOG_ERR, "reopen the lease database: %s", e.msg);
			stop = 2;
		}
		return;
	}
	ztp_dhcpconf_free(s->cf);
	ztp_conf_free(s->conf);
	s->cf = cf;
	s->conf = c;
	ztp_dhcpsock_forget(s->sock);
	ztp_info("configuration reloaded: %zu subnets, %zu classes, %zu racks",
		 cf->srv.nsubnets, cf->srv.nclasses, cf->nracks);
}

static void notify_log(void *ctx, int ok, const char *msg)
{
	(void)ctx;
	if (ok)
		ztp_info("%s", msg);
	else
		ztp_warnx("%s", msg);
}


/* the library's lines (the record writer, the lease keeper), in the daemon's log */
static void lib_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	ztp_log(level, "%s", msg);
}

/* the record of a device's first lease: spool `discovered`, notification */
static void discovered(struct state *s, const struct ztp_dhcp_pkt *pkt,
		       const struct ztp_dhcpsrv_out *out, int ifindex, time_t now)
{
	struct ztp_val *rec = ztp_dhcp_record(pkt, out->ip);
	struct ztp_dhcprec_src src;
	struct ztp_dhcp_relay ri;
	struct ztp_buf circ = ZTP_BUF_INIT;
	char ifn[IF_NAMESIZE];
	struct ztp_err e;
	size_t i;

	if (!rec)
		return;
	memset(&src, 0, sizeof src);
	src.ip = out->ip;
	src.giaddr = pkt->giaddr;
	src.ifname = ztp_dhcpsock_ifname(s->sock, ifindex, ifn);
	for (i = 0; i < s->cf->srv.nsubnets; i++)
		if (out->subnet == &s->cf->srv.subnets[i])
			src.subnet = s->cf->subnet_names[i];
	if (ztp_dhcp_relay_info(pkt, &ri) == 1 && ri.circuit_id.p) {
		ztp_escape(&circ, (const char *)ri.circuit_id.p, ri.circuit_id.len);
		src.circuit = circ.p ? circ.p : "";
	}
	src.cls = out->cls ? out->cls->name : NULL;
	src.seen = now;
	src.detail = "first lease";
	if (ztp_dhcprec_build(rec, s->cf, &src, &e) < 0)
		ztp_warnx("device record: %s", e.msg);
	else
		ztp_dhcprec_add(s->rec, rec, out->ip);
	ztp_buf_free(&circ);
	ztp_val_unref(rec);
}

/* Where a reply goes: tx for ztp_dhcpsock_send (ifn: room for the name
 * of the interface). */
static void prep_reply(struct state *s, const struct ztp_dhcp_pkt *pkt,
		       const struct ztp_dhcpsrv_out *out, int ifindex,
		       struct ztp_dhcpsock_tx *tx, char ifn[IF_NAMESIZE])
{
	memset(tx, 0, sizeof *tx);
	tx->buf = out->buf;
	tx->len = out->len;
	tx->ip = out->dest_ip;
	tx->port = out->dest_port;
	tx->src = s->cf->srv.server_id;
	tx->msgtype = out->msgtype;
	if (out->dest == ZTP_DEST_BROADCAST) {
		tx->ip = 0xffffffffu;
		tx->ifindex = ifindex;
	} else if (out->dest == ZTP_DEST_HWADDR) {
		tx->hw = pkt->chaddr;
		tx->ifindex = ifindex;
		tx->ifname = ztp_dhcpsock_ifname(s->sock, ifindex, ifn);
	}
}

static void send_failed(void *ctx, const struct ztp_dhcpsock_tx *tx, const char *why)
{
	char ip[16];

	(void)ctx;
	ztp_dhcp_ip_fmt(tx->ip, ip);
	ztp_warnx("send %s to %s: %s", ztp_dhcp_msgtype_name(tx->msgtype), ip, why);
}

/* dhcp.interfaces: requests only from these (none listed: all) */
static int served_iface(const struct ztp_dhcpconf *cf, int ifindex)
{
	size_t i;

	if (!cf->nifnames)
		return 1;
	for (i = 0; i < cf->nifnames; i++)
		if (cf->ifindexes[i] == ifindex)
			return 1;
	return 0;
}

static int rate_limited(struct state *s, const struct ztp_dhcp_pkt *pkt, int ifindex, time_t now)
{
	char mac[18];

	s->rl.interval = s->cf->rl_interval;	/* the running configuration's */
	s->rl.per_mac = s->cf->rl_per_mac;
	s->rl.per_port = s->cf->rl_per_port;
	if (!ztp_dhcpsrv_rate_limited(&s->rl, pkt, ifindex, now))
		return 0;
	if (now - s->last_rl_log >= s->cf->rl_log_interval) {
		ztp_mac_format(pkt->chaddr, mac);
		ztp_warnx("rate limit: dropping requests (e.g. from %s), %lu dropped so far",
			  mac, s->rl.dropped);
		s->last_rl_log = now;
	}
	return 1;
}

/* a port or a MAC refused for holding its share (dhcp.rate_limit
 * port_leases, link_leases): once per log_interval, naming it */
static void cap_log(struct state *s, const struct ztp_dhcp_pkt *pkt,
		    const struct ztp_dhcpsrv_out *out, int ifindex)
{
	struct ztp_buf port = ZTP_BUF_INIT;
	char ifn[IF_NAMESIZE], mac[18];
	int link;

	ztp_mac_format(pkt->chaddr, mac);
	if (out->capped == ZTP_DHCPSRV_CAP_HW) {
		ztp_warnx("address cap: MAC %s holds %u addresses under other client ids, "
			  "refusing more (dhcp.rate_limit.port_leases; %lu refusals)",
			  mac, s->cf->srv.port_leases, s->cap_count);
	} else {
		ztp_dhcpsrv_port(pkt, ifindex, &link);
		ztp_dhcpsrv_port_name(pkt, ifindex, ztp_dhcpsock_ifname(s->sock, ifindex, ifn),
				      &port);
		ztp_warnx("address cap: %s holds %u addresses, refusing more (e.g. %s; "
			  "dhcp.rate_limit.%s; %lu refusals)", port.p ? port.p : "?",
			  link ? s->cf->srv.link_leases : s->cf->srv.port_leases, mac,
			  link ? "link_leases" : "port_leases", s->cap_count);
	}
	ztp_buf_free(&port);
	s->last_cap_log = time(NULL);
}

/* Decide one datagram: 0 with *out filled (out->event NONE when it is
 * dropped: wrong interface, malformed, rate limited), -1 on a failure of
 * our own (logged; nothing is sent). */
static int handle_one(struct state *s, struct ztp_dhcp_pkt *pkt,
		      const struct ztp_dhcpsock_rx *rs, struct ztp_dhcpsrv_out *out, time_t now)
{
	struct ztp_dhcpsrv_in in;
	struct ztp_err e;
	char ifn[IF_NAMESIZE];

	if (!served_iface(s->cf, rs->ifindex)) {
		ztp_debug("from %s: not on a served interface (dhcp.interfaces): ignored",
			  inet_ntoa(rs->from.sin_addr));
		return 0;
	}
	if (ztp_dhcp_parse(pkt, rs->buf, rs->len, &e) < 0) {
		ztp_debug("from %s: %s", inet_ntoa(rs->from.sin_addr), e.msg);
		return 0;
	}
	/* option 82 only from the relays we know, or with giaddr 0 from the
	 * snooping switch of a rack's interface (racks.<r>.option82): a
	 * client's own or one from a relay not configured would pick its port
	 * and console line (RFC 3046 section 2.1) */
	if (ztp_dhcp_opt(pkt, ZTP_OPT_RELAY_AGENT, NULL) &&
	    !ztp_dhcpconf_option82_trusted(s->cf, pkt->giaddr,
					   ztp_dhcpsock_ifname(s->sock, rs->ifindex, ifn))) {
		char mac[18];

		ztp_mac_format(pkt->chaddr, mac);
		ztp_debug("%s from %s: option 82 %s: ignored%s", mac, inet_ntoa(rs->from.sin_addr),
			  pkt->giaddr ? "from a relay that is not in racks or dhcp.subnets" :
			  "from a client that is not relayed (giaddr 0)",
			  pkt->giaddr ? "" : " (no rack on this interface has option82: trusted)");
		ztp_dhcp_opt_forget(pkt, ZTP_OPT_RELAY_AGENT);
	}
	if (rate_limited(s, pkt, rs->ifindex, now))
		return 0;
	in.pkt = pkt;
	in.ifindex = rs->ifindex;
	in.now = now;
	if (ztp_dhcpsrv_handle(&s->cf->srv, s->db, &in, out, &e) < 0) {
		ztp_warnx("%s", e.msg);
		out->msgtype = 0;
		out->event = ZTP_EV_NONE;
		return -1;
	}
	return 0;
}

/* The spool fenced this host (ztp-spool(5) "Several hosts"): no address
 * is handed out whose record cannot be written.  The leases are durable
 * in the lease directory; the records they owe are made at the next
 * start, on the spool mounted again (the service manager restarts us on
 * exit 75). */
static void fenced_stop(struct state *s, const struct ztp_err *e)
{
	ztp_log(ZTP_LOG_ERR, "%s; stopping: the leases stay in '%s' and the device records "
		"they owe are made at the next start; mount the spool '%s' again, then start "
		"ztp-dhcpd (its service manager restarts it)", e->msg, s->cf->lease_dir,
		s->conf->spool);
}

static int serve(struct state *s)
{
	static struct ztp_dhcp_pkt pkts[BATCH_MAX];
	static struct ztp_dhcpsrv_out outs[BATCH_MAX];
	static struct ztp_dhcpsock_rx rs[BATCH_MAX];
	static struct ztp_dhcpsock_tx ss[BATCH_MAX];
	static char ifns[BATCH_MAX][IF_NAMESIZE];
	struct pollfd pfd[64];
	/* the first housekeeping right away: a long journal left by a crash is
	 * compacted at start */
	double last_hk = ztp_os_monotonic() - s->hk_interval - 1;
	struct ztp_err e;

	while (!stop) {
		int np, tmo, nb, k, need_sync = 0, synced = 1, gathered, nsend = 0;
		time_t now;

		if (ztp_dhcprec_fenced(s->rec, &e)) {
			fenced_stop(s, &e);
			return ZTP_EXIT_TEMPFAIL;
		}
		if (reload) {
			reload = 0;
			do_reload(s);
			ztp_dhcprec_retry_now(s->rec);
			continue;
		}
		pfd[0].fd = ztp_dhcpsock_fd(s->sock);
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		np = 1 + (s->notify ? ztp_notify_pollfds(s->notify, pfd + 1, 63) : 0);
		tmo = s->notify ? ztp_notify_timeout(s->notify) : -1;
		if (tmo < 0 || tmo > 1000)
			tmo = 1000;
		if (ztp_dhcprec_owed(s->rec) && tmo > 10)	/* records owed: look again soon */
			tmo = 10;
		if (poll(pfd, (nfds_t)np, tmo) < 0 && errno != EINTR) {
			ztp_log(ZTP_LOG_ERR, "poll: %s", strerror(errno));
			return ZTP_EXIT_TEMPFAIL;
		}
		if (s->notify && ztp_dhcprec_new_notes(s->rec) &&
		    ztp_notify_rescan(s->notify, &e) < 0)
			ztp_warnx("%s", e.msg);
		if (s->notify)
			ztp_notify_run(s->notify, notify_log, s);
		ztp_leasekeep_reap(s->keep, s->db, 0);
		if (ztp_dhcprec_owed(s->rec))
			ztp_dhcprec_drain(s->rec, s->db, s->cf, time(NULL));
		if (ztp_os_monotonic() - last_hk > s->hk_interval) {
			ztp_leasekeep_tick(s->keep, s->db, time(NULL));
			last_hk = ztp_os_monotonic();
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		now = time(NULL);
		nb = 0;
		gathered = 0;
read_more:
		/* every datagram waiting, up to the batch, in one call */
		{
			int want = (s->cf->batch < BATCH_MAX ? (int)s->cf->batch : BATCH_MAX) - nb, got, i;

			if ((got = want > 0 ? ztp_dhcpsock_recv(s->sock, rs + nb, want, &e) : 0) < 0) {
				ztp_warnx("%s", e.msg);
				got = 0;
			}
			for (i = nb; i < nb + got; i++) {
				outs[i].msgtype = 0;
				outs[i].event = ZTP_EV_NONE;
				if (handle_one(s, &pkts[i], &rs[i], &outs[i], now) == 0)
					need_sync |= outs[i].must_sync;
			}
			nb += got;
		}
		/* group commit: when a sync is due and the batch is not full,
		 * wait up to GATHER_MS once for more requests to share it */
		if (need_sync && !gathered && nb < s->cf->batch && nb < BATCH_MAX) {
			struct pollfd g;

			g.fd = ztp_dhcpsock_fd(s->sock);
			g.events = POLLIN;
			g.revents = 0;
			gathered = 1;
			if (poll(&g, 1, GATHER_MS) > 0 && (g.revents & POLLIN))
				goto read_more;
		}
		/* never ACK what is not on disk */
		if (need_sync && ztp_leasekeep_sync(s->keep, s->db, now, s->cf->rl_log_interval) < 0)
			synced = 0;
		for (k = 0; k < nb; k++) {
			struct ztp_dhcpsrv_out *out = &outs[k];
			char ip[16], mac[18];

			if (out->event == ZTP_EV_NONE)
				continue;
			if (out->event == ZTP_EV_IGNORED && out->capped) {
				s->cap_count++;
				if (now - s->last_cap_log >= s->cf->rl_log_interval)
					cap_log(s, &pkts[k], out, rs[k].ifindex);
			} else if (out->event == ZTP_EV_IGNORED && out->why &&
			    strcmp(out->why, "no free address") == 0) {
				s->full_count++;
				if (now - s->last_full_log >= s->cf->rl_log_interval) {
					ztp_mac_format(pkts[k].chaddr, mac);
					ztp_warnx("pool full: no free address for %s (%lu refusals)",
						  mac, s->full_count);
					s->last_full_log = now;
				}
			} else if (ztp_log_verbose() >= 1) {	/* else spare the formatting */
				ztp_dhcp_ip_fmt(out->ip, ip);
				ztp_mac_format(pkts[k].chaddr, mac);
				if (out->event == ZTP_EV_BOUND || out->event == ZTP_EV_RELEASED ||
				    out->event == ZTP_EV_DECLINED || out->event == ZTP_EV_NAKED)
					ztp_info("%s %s %s %s%s%s",
						 ztp_dhcp_msgtype_name(ztp_dhcp_msgtype(&pkts[k])),
						 ztp_dhcpsrv_event_name(out->event), ip, mac,
						 out->cls ? " class " : "", out->cls ? out->cls->name : "");
				else
					ztp_debug("%s %s %s %s%s%s",
						  ztp_dhcp_msgtype_name(ztp_dhcp_msgtype(&pkts[k])),
						  ztp_dhcpsrv_event_name(out->event), ip, mac,
						  out->why ? " " : "", out->why ? out->why : "");
			}
			if (!out->msgtype || (out->must_sync && !synced))
				continue;
			prep_reply(s, &pkts[k], out, rs[k].ifindex, &ss[nsend], ifns[nsend]);
			nsend++;
		}
		/* after the sync: a reply never leaves before its lease is on disk */
		ztp_dhcpsock_send(s->sock, ss, nsend, send_failed, NULL);
		if (ztp_dhcpsock_arp_refused(s->sock))
			ztp_info("SIOCSARP refused: replies to clients without an address are "
				 "broadcast");
		/* records after the replies: a slow disk never delays an ACK */
		for (k = 0; synced && k < nb; k++)
			if (outs[k].event == ZTP_EV_BOUND && outs[k].new_lease && outs[k].msgtype)
				discovered(s, &pkts[k], &outs[k], rs[k].ifindex, now);
	}
	return 0;
}

static int drop_privs(const char *user, const char *lease_dir, struct ztp_err *e)
{
	struct passwd *pw;
	int rc;

	if (!user || geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "drop privileges to '%s': no such user", user);
	if ((rc = ztp_mkdirs(lease_dir, 0700, e)) < 0)
		return rc;
	if ((rc = ztp_chown_tree(lease_dir, pw->pw_uid, pw->pw_gid, e)) < 0) {
		ztp_err_prefix(e, "drop privileges to '%s'", user);
		return rc;
	}
	if (initgroups(user, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0)
		return ztp_err_sys(e, "drop privileges to '%s'", user);
	if (setuid(0) == 0)
		return ztp_err_set(e, ZTP_ERR_PERM, "drop privileges to '%s': root came back", user);
	return 0;
}

/* ---- --from-dnsmasq: dnsmasq's --dhcp-script ---- */

static int queue_dir(const struct ztp_dhcpconf *cf, char *qdir, size_t size, struct ztp_err *e)
{
	if (snprintf(qdir, size, "%s/notify", cf->lease_dir) >= (int)size)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "notification queue under '%s': path too long",
				   cf->lease_dir);
	return 0;
}


/* Records, then notifications, for n leases, as the daemon makes them.
 * The record comes first: a notification that cannot be queued or sent
 * (no queue directory, no libcurl) is reported, never costs the record. */
static int adapter_publish(const char *path, const struct ztp_dhcprec_ext *in, size_t n,
			   const char *detail)
{
	struct ztp_conf *c = NULL;
	struct ztp_dhcpconf *cf = NULL;
	struct ztp_spool *sp = NULL;
	struct ztp_notify *nq = NULL;
	struct ztp_err e;
	char qdir[4096];
	int rc = 0, st = ZTP_EXIT_OK, noted = 0, qok;
	size_t k;

	if ((rc = ztp_conf_open(&c, path, 0, &e)) < 0 ||
	    (rc = ztp_dhcpconf_load_racks(&cf, c, &e)) < 0 ||
	    (rc = ztp_spool_open(&sp, c->spool, ZTP_SPOOL_CREATE | ztp_conf_spool_flags(c), &e)) < 0) {
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
		st = ztp_err_exit_status(rc);
		goto out;
	}
	if ((qok = c->backend.url && queue_dir(cf, qdir, sizeof qdir, &e) == 0)) {
		if (ztp_mkdirs(cf->lease_dir, 0700, &e) < 0) {
			ztp_warnx("%s; notifications are not queued", e.msg);
			qok = 0;
			st = ZTP_EXIT_TEMPFAIL;
		} else if (mkdir(qdir, 0700) < 0 && errno != EEXIST) {
			ztp_warnx("create notification queue '%s': %s", qdir, strerror(errno));
			qok = 0;
			st = ZTP_EXIT_TEMPFAIL;
		}
	} else if (c->backend.url) {
		ztp_warnx("%s", e.msg);
		st = ztp_exit_merge(st, ZTP_EXIT_USAGE);
	}
	for (k = 0; k < n; k++) {
		struct ztp_buf js = ZTP_BUF_INIT;
		struct ztp_spool_ent ent;
		struct ztp_val *rec;
		int put;

		if ((rec = ztp_dhcprec_from_ext(cf, &in[k], time(NULL), detail, &e)) == NULL) {
			ztp_debug("%s: ignored", e.msg);
			continue;
		}
		put = ztp_spool_put(sp, "discovered", rec, &e);
		if (put == ZTP_ERR_EXISTS && ztp_spool_locate(sp, ztp_rec_id(rec), &ent, NULL) < 0 &&
		    ztp_spool_unregister(sp, ztp_rec_id(rec), &e) == 0) {
			/* registered, in no stage: a put fenced or killed
			 * half-way (the daemon's rederive does the same) */
			ztp_info("record '%s' registered but in no stage (an earlier put did not "
				 "finish): putting it again", ztp_rec_id(rec));
			put = ztp_spool_put(sp, "discovered", rec, &e);
		}
		if (put == ZTP_ERR_FENCED) {
			/* nothing more on the spool, the rest not tried */
			ztp_log(ZTP_LOG_ERR, "spool the record of '%s': %s; mount the spool '%s' "
				"again: the record is made at the lease's next event", ztp_rec_id(rec),
				e.msg, c->spool);
			st = ztp_exit_merge(st, ZTP_EXIT_TEMPFAIL);
			ztp_val_unref(rec);
			break;
		}
		if (put < 0 && put != ZTP_ERR_EXISTS) {
			ztp_log(ZTP_LOG_ERR, "spool the record of '%s': %s", ztp_rec_id(rec), e.msg);
			st = ztp_exit_merge(st, ztp_err_exit_status(put));
		}
		if (put == 0) {
			ztp_info("discovered '%s' ip %s", ztp_rec_id(rec), in[k].ip);
			/* the file alone (no libcurl needed): whoever runs the
			 * queue next delivers it */
			ztp_err_set(&e, ZTP_ERR_LIMIT, "cannot write it as JSON");
			if (qok && (ztp_json_emit(&js, rec, 0) < 0 ||
				    ztp_notify_write(qdir, ztp_rec_id(rec), js.p, js.len, &e) < 0)) {
				ztp_warnx("queue the notification of '%s': %s", ztp_rec_id(rec), e.msg);
				st = ztp_exit_merge(st, ZTP_EXIT_TEMPFAIL);
			} else if (qok)
				noted = 1;
		}
		ztp_buf_free(&js);
		ztp_val_unref(rec);
	}
	if (noted) {
		if ((rc = ztp_notify_open_conf(&nq, qdir, c, 0, ztp_notify_token(c, notify_log, NULL), &e)) < 0) {
			ztp_warnx("%s; the notifications wait in '%s'", e.msg, qdir);
			st = ztp_exit_merge(st, ztp_err_exit_status(rc));
		} else
			ztp_notify_flush(nq, (double)(c->backend.timeout > 0 ? c->backend.timeout : 10),
					 notify_log, NULL);
	}
out:
	ztp_notify_close(nq);
	ztp_spool_close(sp);
	ztp_dhcpconf_free(cf);
	ztp_conf_free(c);
	return st;
}

static const char *adapter_opts(int argc, char **argv)
{
	const char *path = NULL;
	int ch, verbose = 0;

	optind = 1;
	while ((ch = getopt(argc, argv, "c:dv")) != -1)
		switch (ch) {
		case 'c': path = optarg; break;
		case 'd': break;
		case 'v': verbose++; break;
		default: usage();
		}
	ztp_log_verbosity(verbose);
	return path;
}

/* dnsmasq --dhcp-script: ACTION MAC IP [HOSTNAME] and DNSMASQ_* */
static int from_dnsmasq(int argc, char **argv)
{
	const char *path = adapter_opts(argc, argv);
	struct ztp_dhcprec_ext in;

	argc -= optind;
	argv += optind;
	if (argc < 3 || argc > 4)
		usage();
	if (strcmp(argv[0], "add") != 0 && strcmp(argv[0], "old") != 0)
		return 0;		/* del, init, tftp, arp...: nothing to do */
	memset(&in, 0, sizeof in);
	in.mac = argv[1];
	in.ip = argv[2];
	in.hostname = argc == 4 ? argv[3] : getenv("DNSMASQ_SUPPLIED_HOSTNAME");
	in.vendor_class = getenv("DNSMASQ_VENDOR_CLASS");
	in.client_id = getenv("DNSMASQ_CLIENT_ID");
	in.ifname = getenv("DNSMASQ_INTERFACE");
	in.relay = getenv("DNSMASQ_RELAY_ADDRESS");
	in.circuit = getenv("DNSMASQ_CIRCUIT_ID");
	return adapter_publish(path, &in, 1, "first lease (dnsmasq)");
}

/* Kea's run_script hook: HOOK-POINT and LEASES4_AT<i>_* / QUERY4_* */
static int from_kea(int argc, char **argv)
{
	const char *path = adapter_opts(argc, argv);
	struct ztp_dhcprec_ext in[64];
	char names[64][5][40];
	long long size = 0;
	size_t n = 0, i;

	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (strcmp(argv[0], "leases4_committed") != 0 && strcmp(argv[0], "lease4_renew") != 0)
		return 0;		/* other hook points: nothing to do */
	if (strcmp(argv[0], "lease4_renew") == 0)
		size = 1;
	else if (!getenv("LEASES4_SIZE") ||
		 ztp_parse_ll(getenv("LEASES4_SIZE"), 0, 1000000, &size) < 0)
		return 0;
	for (i = 0; i < (size_t)size && n < 64; i++) {
		const char *fld[5] = { "ADDRESS", "HWADDR", "HOSTNAME", "CLIENT_ID", NULL };
		int f;

		memset(&in[n], 0, sizeof in[n]);
		for (f = 0; fld[f]; f++) {
			if (strcmp(argv[0], "lease4_renew") == 0)
				snprintf(names[n][f], sizeof names[n][f], "LEASE4_%s", fld[f]);
			else
				snprintf(names[n][f], sizeof names[n][f], "LEASES4_AT%zu_%s", i, fld[f]);
		}
		in[n].ip = getenv(names[n][0]);
		in[n].mac = getenv(names[n][1]);
		in[n].hostname = getenv(names[n][2]);
		in[n].client_id = getenv(names[n][3]);
		in[n].ifname = getenv("QUERY4_IFACE_NAME");
		in[n].relay = getenv("QUERY4_GIADDR");
		in[n].circuit = getenv("QUERY4_OPTION_82_SUB_OPTION_1");
		n++;
	}
	return n ? adapter_publish(path, in, n, "first lease (kea)") : 0;
}

/* A start-up failure: the message (on stderr: syslog is not opened yet)
 * and the exit status of its class (DESIGN.md). */
static int fail(int rc, const struct ztp_err *e)
{
	ztp_log(ZTP_LOG_ERR, "%s", e->msg);
	return ztp_err_exit_status(rc < 0 ? rc : ZTP_ERR_SYS);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, ZTP_OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	static struct state s;
	struct ztp_dhcprec_opts ro;
	struct ztp_leasekeep_opts ko;
	struct ztp_err e;
	int ch, fg = 0, check = 0, print = 0, verbose = 0, rc;
	const char *path = NULL;
	char *token;
	size_t left;

	if (argc > 1 && strcmp(argv[1], "--from-dnsmasq") == 0) {
		ztp_log_open("ztp-dhcpd", 0);
		return from_dnsmasq(argc - 1, argv + 1);
	}
	if (argc > 1 && strcmp(argv[1], "--from-kea") == 0) {
		ztp_log_open("ztp-dhcpd", 0);
		return from_kea(argc - 1, argv + 1);
	}
	while ((ch = getopt_long(argc, argv, "c:dhnTv", lopts, NULL)) != -1)
		switch (ch) {
		case 'c': path = optarg; break;
		case 'd': fg = 1; break;
		case 'h': usage_exit(0);
		case 'n': check = 1; break;
		case 'T': print = 1; break;
		case 'v': verbose++; break;
		case ZTP_OPT_VERSION: ztp_version("ztp-dhcpd");
		default: usage();
		}
	if (optind != argc)
		usage();
	/* start-up errors on stderr; syslog once serving (without -d) */
	ztp_log_open("ztp-dhcpd", 0);
	ztp_log_verbosity(verbose);
	s.conf_path = path;
	s.hk_interval = 60;
	s.compact_lines = COMPACT_LINES;
	/* for tests: ZTP_DHCPD_COMPACT=LINES checks every second */
	if (getenv("ZTP_DHCPD_COMPACT")) {
		long long v;

		if (ztp_parse_ll(getenv("ZTP_DHCPD_COMPACT"), 1, 100000000, &v) == 0) {
			s.compact_lines = (size_t)v;
			s.hk_interval = 1;
		}
	}
	if ((rc = load_all(path, check || print ? ZTP_CHECK_FILES : 0, &s.conf, &s.cf, &e)) < 0)
		return fail(rc, &e);
	if (print) {
		struct ztp_buf b = ZTP_BUF_INIT;

		ztp_dhcpconf_dump(s.cf, &b);
		fwrite(b.p ? b.p : "", 1, b.len, stdout);
		ztp_buf_free(&b);
		if (fflush(stdout) == EOF || ferror(stdout)) {
			ztp_log(ZTP_LOG_ERR, "write the configuration: %s", strerror(errno));
			rc = ZTP_ERR_SYS;
		}
	}
	/* -n: the interfaces the subnets name exist on this host, too */
	if (check && rc == 0 && (rc = ztp_dhcpsock_resolve(s.cf, &e)) < 0)
		ztp_log(ZTP_LOG_ERR, "%s", e.msg);
	if (check || print) {
		ztp_dhcpconf_free(s.cf);
		ztp_conf_free(s.conf);
		return rc < 0 ? ztp_err_exit_status(rc) : 0;
	}
	if ((rc = ztp_dhcpsock_resolve(s.cf, &e)) < 0)
		return fail(rc, &e);
	if ((rc = ztp_dhcpsock_open(&s.sock, 67, BATCH_MAX, &e)) < 0)
		return fail(rc, &e);
	token = ztp_notify_token(s.conf, notify_log, NULL);	/* root may be needed to read it */
	if ((rc = drop_privs(s.cf->user, s.cf->lease_dir, &e)) < 0)
		return fail(rc, &e);
	if ((rc = open_db(&s, s.cf, &e)) < 0)
		return fail(rc, &e);
	if ((rc = ztp_spool_open(&s.spool, s.conf->spool,
				    ZTP_SPOOL_CREATE | ztp_conf_spool_flags(s.conf), &e)) < 0) {
		if (e.sys == EACCES && s.cf->user) {
			ztp_log(ZTP_LOG_ERR, "%s; ztp-dhcpd runs as '%s' (dhcp.user): give it "
				"the spool with 'chown -R %s %s'", e.msg, s.cf->user, s.cf->user,
				s.conf->spool);
			return ztp_err_exit_status(rc);
		}
		return fail(rc, &e);
	}
	if ((rc = queue_dir(s.cf, s.qdir, sizeof s.qdir, &e)) < 0 ||
	    (rc = ztp_notify_open_conf(&s.notify, s.qdir, s.conf, 0, token, &e)) < 0)
		return fail(rc, &e);
	memset(&ro, 0, sizeof ro);
	ro.spool = s.spool;
	ro.notify_dir = s.conf->backend.url ? s.qdir : NULL;
	ro.queue_max = (size_t)s.cf->record_queue;
	ro.retry_min = 1;
	ro.retry_max = 10;
	ro.log = lib_log;
	if ((rc = ztp_dhcprec_open(&s.rec, &ro, &e)) < 0)
		return fail(rc, &e);
	memset(&ko, 0, sizeof ko);
	ko.compact_lines = s.compact_lines;
	ko.keep = 86400;	/* a day after a lease is over, it goes */
	ko.log = lib_log;
	ztp_leasekeep_open(&s.keep, &ko);
	{
		struct sigaction act;

		memset(&act, 0, sizeof act);
		act.sa_handler = on_sig;
		sigaction(SIGTERM, &act, NULL);
		sigaction(SIGINT, &act, NULL);
		sigaction(SIGHUP, &act, NULL);
		act.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &act, NULL);
	}
	if (!fg)
		ztp_log_open("ztp-dhcpd", ZTP_LOG_SYSLOG);
	{
		char sid[16];

		ztp_dhcp_ip_fmt(s.cf->srv.server_id, sid);
		ztp_info("serving %zu subnets as %s, %zu leases in '%s'", s.cf->srv.nsubnets,
			 sid, ztp_lease_count(s.db), s.cf->lease_dir);
	}
	if (ztp_notify_pending(s.notify))
		ztp_info("%zu notifications pending from before", ztp_notify_pending(s.notify));
	if ((rc = ztp_dhcprec_rederive(s.rec, s.db, s.cf, time(NULL), &e)) == ZTP_ERR_FENCED) {
		fenced_stop(&s, &e);
		rc = ZTP_EXIT_TEMPFAIL;
	} else {
		if (rc < 0)
			ztp_warnx("%s", e.msg);
		rc = serve(&s);
	}
	ztp_leasekeep_close(s.keep, s.db);
	/* the records of every device acknowledged are written before exit */
	if ((left = ztp_dhcprec_close(s.rec, RECQ_DRAIN)) != 0)
		ztp_info("%zu device records not written yet: made at the next start", left);
	if (ztp_lease_sync(s.db, &e) < 0) {
		ztp_log(ZTP_LOG_ERR, "final lease sync: %s", e.msg);
		rc = ztp_exit_merge(rc, ZTP_EXIT_TEMPFAIL);
	}
	if (stop == 2)
		rc = ztp_exit_merge(rc, ZTP_EXIT_TEMPFAIL);
	ztp_info("stopped");
	ztp_notify_close(s.notify);
	ztp_lease_close(s.db);
	ztp_spool_close(s.spool);
	ztp_dhcpsock_close(s.sock);
	ztp_dhcpconf_free(s.cf);
	ztp_conf_free(s.conf);
	return rc;
}
