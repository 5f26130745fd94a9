/* dhcpconf.h: the `dhcp:` and `racks:` sections of ztp.yml for ztp-dhcpd.
 *
 *	dhcp:
 *	  lease_dir: /var/lib/ztp/dhcp	# leases.snap, leases.jnl.*, notify/
 *	  user: ztp			# drop root after binding port 67
 *	  server_id: 10.99.0.1		# option 54 (default: first address of
 *					# the first subnet's interface)
 *	  interfaces: [br0, br1]	# serve only requests arriving on these
 *					# (default: every interface)
 *	  lease_time: 1h  offer_time: 60  quarantine_time: 10m
 *	  authoritative: false
 *	  batch: 64			# datagrams per loop turn (one fsync)
 *	  record_queue: 8192		# device records waiting to be written (read at start)
 *	  rate_limit: {interval: 10s, per_mac: 20, per_port: 100, log_interval: 60s,
 *		       port_leases: 4, link_leases: 0}	# addresses held
 *	  classes:
 *	    pnp: {vendor_class: ciscopnp, cisco_pnp: {server: 10.99.0.1, port: 80}}
 *	    junos: {vendor_class: "Juniper-*", tftp_server: 10.99.0.1,
 *		    bootfile: ex.conf, juniper: {image: x.tgz, config: ex.conf}}
 *	  subnets:
 *	    rack1: {subnet: 10.99.0.0/16, interface: br0,
 *		    range: 10.99.0.100-10.99.0.199, router: 10.99.0.1,
 *		    dns: [10.99.0.1], ntp: [...], domain: rack1.example,
 *		    lease_time: 1h, classes: [pnp]}
 *	    rack2: {subnet: 10.98.0.0/24, relay: [10.98.0.1], ...}
 *					# relayed by 10.98.0.1 only
 *	  reservations:
 *	    - {mac: 00:11:22:33:44:55, ip: 10.99.0.10, subnet: rack1}
 *	racks:
 *	  rack1: {subnet: rack1, relay: [10.98.0.1], interface: br0,
 *		  option82: trusted,	# br0's snooping switch inserts it
 *		  ports: {"eth0:1": ge-0/0/1}, console: {ge-0/0/1: "cs1:7"}}
 *
 * ztp_dhcpconf_load() validates both sections and compiles them into a
 * struct ztp_dhcpsrv_config plus what the daemon needs (pools,
 * reservations, interfaces, racks); every error names file, line and key. */
#ifndef ZTP_DHCPCONF_H
#define ZTP_DHCPCONF_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"
#include "dhcpsrv.h"
#include "err.h"

struct ztp_dhcpconf_pool {
	int tag;
	uint32_t first, last;
};

struct ztp_dhcpconf_resv {
	int tag;		/* -1: any subnet */
	int by_key;		/* id is a client id (61), else a MAC */
	uint8_t id[255];
	size_t idlen;
	uint32_t ip;
};

struct ztp_dhcpconf_rack {
	char *name;
	char *subnet;			/* subnet name, or NULL */
	uint32_t *relays;
	size_t nrelays;
	char *ifname;			/* or NULL */
	int option82_trusted;		/* option82: trusted (ifname set) */
	struct ztp_val *ports;		/* circuit id -> port (map) or NULL */
	struct ztp_val *console;	/* port -> "server:line" or NULL */
};

struct ztp_dhcpconf {
	struct ztp_dhcpsrv_config srv;	/* points into the arrays below */
	char **subnet_names;		/* [nsubnets] */
	char **subnet_ifnames;		/* [nsubnets], NULL entries: any */
	struct ztp_dhcpconf_pool *pools;
	size_t npools;
	struct ztp_dhcpconf_resv *resv;
	size_t nresv;
	struct ztp_dhcpconf_rack *racks;
	size_t nracks;
	char *lease_dir;
	char *user;
	char *server_id_ifname;		/* derive option 54 from it, or NULL */
	char **ifnames;			/* dhcp.interfaces: serve only requests
					   arriving on these (0: every one) */
	size_t nifnames;
	int *ifindexes;			/* [nifnames], set by the caller */
	long long batch;
	long long record_queue;
	long long rl_interval, rl_per_mac, rl_per_port, rl_log_interval;
	void *priv;			/* the parsed sections (owned) */
};

/* Validate and compile c's dhcp and racks sections.  The caller sets
 * cf->srv.server_id when it is 0 (see server_id_ifname) and the
 * interface indexes (subnets[i].ifindex from subnet_ifnames). */
int ztp_dhcpconf_load(struct ztp_dhcpconf **cf, const struct ztp_conf *c,
		      struct ztp_err *e);
/* The same without requiring subnets: for the adapters (--from-dnsmasq),
 * which need the racks and the lease directory only. */
int ztp_dhcpconf_load_racks(struct ztp_dhcpconf **cf,
			    const struct ztp_conf *c, struct ztp_err *e);
void ztp_dhcpconf_free(struct ztp_dhcpconf *cf);
/* Pools and reservations into a freshly opened lease database. */
int ztp_dhcpconf_setup_db(const struct ztp_dhcpconf *cf,
			  struct ztp_lease_db *db, struct ztp_err *e);
/* -T: the effective dhcp and racks sections as YAML. */
int ztp_dhcpconf_dump(const struct ztp_dhcpconf *cf, struct ztp_buf *b);
/* The rack of a request: by relay address (giaddr), then by the interface
 * it came in on, then by the subnet; NULL when none. */
const struct ztp_dhcpconf_rack *
ztp_dhcpconf_rack_for(const struct ztp_dhcpconf *cf, uint32_t giaddr,
		      const char *ifname, const char *subnet);
/* 1 when giaddr is a relay agent the configuration names (racks.<r>.relay
 * or dhcp.subnets.<s>.relay): only such a relay's option 82 is believed,
 * as in ISC dhcpd and Kea.  0 for giaddr 0 (a client's own option 82). */
int ztp_dhcpconf_relay_trusted(const struct ztp_dhcpconf *cf, uint32_t giaddr);
/* 1 when a request's option 82 is believed: from a trusted relay (giaddr
 * set), or with giaddr 0 on the interface of a rack whose snooping switch
 * inserts it (racks.<r>.option82: trusted; ifname the interface it came
 * in on). */
int ztp_dhcpconf_option82_trusted(const struct ztp_dhcpconf *cf, uint32_t giaddr,
				  const char *ifname);
/* The port name for a circuit id through the rack's map (NULL when not
 * mapped) and the console line for a port (NULL when none). */
const char *ztp_dhcpconf_port(const struct ztp_dhcpconf_rack *r,
			      const char *circuit);
const char *ztp_dhcpconf_console(const struct ztp_dhcpconf_rack *r,
				 const char *port);

/* The keys of the dhcp: section and of racks.<name>. */
extern const struct ztp_conf_schema ztp_dhcp_schema, ztp_racks_schema;

#endif
