/* dhcp.h: DHCPv4 packets, parsed and built (RFC 2131, 2132, 3046, 3396,
 * 3004, 3925).
 *
 * Parsing checks a cursor and the remaining length before every read, exact
 * lengths for fixed-size options and len % size == 0 for lists; a packet
 * that breaks one of those rules is rejected as a whole (ZTP_ERR_PARSE).
 * Option overload (52) is honoured once: the file and sname fields are read
 * only when the options field says so, never recursively.  Every instance of
 * an option code, in the options field, then file, then sname, is
 * concatenated into one value (RFC 3396).
 *
 * Values are bytes from the network: hostname, vendor class, circuit id and
 * the rest must go through ztp_escape() before a log or a terminal, and
 * through an allowlist before becoming a file name.
 *
 * Addresses are uint32_t in host byte order throughout (10.0.0.1 is
 * 0x0a000001).
 *
 *	struct ztp_dhcp_pkt *p = malloc(sizeof *p);
 *	if (ztp_dhcp_parse(p, buf, n, &e) < 0) ...
 *	int type = ztp_dhcp_msgtype(p);
 *
 * Replies are built from a set of options (struct ztp_dhcp_opts) and the
 * request: the client's parameter request list decides what is sent and in
 * which order, its maximum message size how much; option 82 is echoed last.
 */
#ifndef ZTP_DHCP_H
#define ZTP_DHCP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define ZTP_DHCP_PKT_MAX 8192	/* longer datagrams are refused */
#define ZTP_DHCP_FIXED_LEN 236	/* BOOTP header up to the options */
#define ZTP_DHCP_MIN_LEN 240	/* header + magic cookie */
#define ZTP_DHCP_MIN_MAXSIZE 576	/* RFC 2132 9.10 */
#define ZTP_DHCP_UDP_IP_HDR 28	/* IPv4 + UDP headers counted in option 57 */

enum {
	ZTP_BOOTREQUEST = 1,
	ZTP_BOOTREPLY = 2,
};

enum ztp_dhcp_msg {
	ZTP_DHCPDISCOVER = 1, ZTP_DHCPOFFER, ZTP_DHCPREQUEST, ZTP_DHCPDECLINE,
	ZTP_DHCPACK, ZTP_DHCPNAK, ZTP_DHCPRELEASE, ZTP_DHCPINFORM,
};

/* Option codes used here. */
enum {
	ZTP_OPT_PAD = 0, ZTP_OPT_SUBNET_MASK = 1, ZTP_OPT_ROUTER = 3,
	ZTP_OPT_DNS = 6, ZTP_OPT_HOSTNAME = 12, ZTP_OPT_DOMAIN = 15,
	ZTP_OPT_BROADCAST = 28, ZTP_OPT_NTP = 42, ZTP_OPT_VENDOR = 43,
	ZTP_OPT_REQUESTED_IP = 50, ZTP_OPT_LEASE_TIME = 51,
	ZTP_OPT_OVERLOAD = 52, ZTP_OPT_MSGTYPE = 53, ZTP_OPT_SERVER_ID = 54,
	ZTP_OPT_PRL = 55, ZTP_OPT_MESSAGE = 56, ZTP_OPT_MAXSIZE = 57,
	ZTP_OPT_T1 = 58, ZTP_OPT_T2 = 59, ZTP_OPT_VENDOR_CLASS = 60,
	ZTP_OPT_CLIENT_ID = 61, ZTP_OPT_TFTP_SERVER = 66,
	ZTP_OPT_BOOTFILE = 67, ZTP_OPT_USER_CLASS = 77,
	ZTP_OPT_RELAY_AGENT = 82, ZTP_OPT_VIVCO = 124, ZTP_OPT_VIVSO = 125,
	ZTP_OPT_CISCO_TFTP = 150, ZTP_OPT_END = 255,
};

#define ZTP_DHCP_ENT_BBF 3561	/* Broadband Forum (TR-111) enterprise */
#define ZTP_DHCP_ENT_CISCO 9
#define ZTP_DHCP_ENT_JUNIPER 2636

/* A run of bytes inside a parsed packet (valid while the packet lives). */
struct ztp_dhcp_slice {
	const uint8_t *p;
	size_t len;
};

/* A parsed packet.  Large (about 10 KiB): allocate it, don't put many on
 * the stack. */
struct ztp_dhcp_pkt {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	uint8_t sname[64];	/* as received; holds options when overload & 2 */
	uint8_t file[128];	/* as received; holds options when overload & 1 */
	int overload;		/* option 52 from the options field, 0 when none */
	size_t len;		/* length of the datagram */
	/* concatenated option values: code c is optdata[optoff[c]..+optlen[c]]
	 * when optseen bit c is set */
	uint16_t optoff[256];
	uint16_t optlen[256];
	uint8_t optseen[32];
	uint8_t optdata[ZTP_DHCP_PKT_MAX];
};

#define ZTP_DHCP_FLAG_BROADCAST 0x8000

/* Parse a datagram (the UDP payload).  0 or ZTP_ERR_PARSE / ZTP_ERR_LIMIT
 * with a message saying what was wrong and where. */
int ztp_dhcp_parse(struct ztp_dhcp_pkt *pkt, const void *buf, size_t len,
		   struct ztp_err *e);

/* Option code's value: 1 and the slice when present (len may be 0), else 0. */
int ztp_dhcp_opt(const struct ztp_dhcp_pkt *pkt, int code,
		 struct ztp_dhcp_slice *val);

/* Forget option code of a parsed packet, as if it had not come (option
 * 82 from a source that is not a trusted relay). */
void ztp_dhcp_opt_forget(struct ztp_dhcp_pkt *pkt, int code);

/* Message type 1..8 (other values are returned as they are), 0 when the
 * packet has no option 53 (BOOTP). */
int ztp_dhcp_msgtype(const struct ztp_dhcp_pkt *pkt);
const char *ztp_dhcp_msgtype_name(int type);	/* "DHCPDISCOVER", "BOOTP"... */
/* Options 50 and 54: 1 and the address, or 0 when absent. */
int ztp_dhcp_requested_ip(const struct ztp_dhcp_pkt *pkt, uint32_t *ip);
int ztp_dhcp_server_id(const struct ztp_dhcp_pkt *pkt, uint32_t *ip);
/* Option 61 (at least 2 bytes when present; the parser enforces it). */
int ztp_dhcp_client_id(const struct ztp_dhcp_pkt *pkt,
		       struct ztp_dhcp_slice *id);
/* Option 12 as received: any bytes, never trusted; see
 * ztp_dhcp_hostname_esc() and ztp_dhcp_hostname_safe(). */
int ztp_dhcp_hostname(const struct ztp_dhcp_pkt *pkt,
		      struct ztp_dhcp_slice *name);
/* The hostname escaped for logs and records (ztp_escape) into b. */
int ztp_dhcp_hostname_esc(const struct ztp_dhcp_pkt *pkt, struct ztp_buf *b);
/* The hostname reduced to a DNS label set usable in a file name:
 * [A-Za-z0-9-] and '.', no leading '.' or '-', at most outsz - 1 bytes;
 * 0 on success, -1 when nothing usable is left. */
int ztp_dhcp_hostname_safe(const struct ztp_dhcp_pkt *pkt, char *out,
			   size_t outsz);
int ztp_dhcp_vendor_class(const struct ztp_dhcp_pkt *pkt,
			  struct ztp_dhcp_slice *vc);
/* Option 55. */
int ztp_dhcp_prl(const struct ztp_dhcp_pkt *pkt, struct ztp_dhcp_slice *prl);
/* Largest DHCP message (UDP payload) the client accepts: option 57 minus
 * the IP and UDP headers, never below 576 - 28 = 548. */
size_t ztp_dhcp_max_payload(const struct ztp_dhcp_pkt *pkt);

/* Option 77 in RFC 3004 form (length-prefixed class names): the number of
 * classes, up to max in out[]; -1 when the option is not in that form (old
 * clients send one bare string: then out[0] is the whole value and 1 is
 * returned with *raw set). 0 when absent. */
int ztp_dhcp_user_classes(const struct ztp_dhcp_pkt *pkt,
			  struct ztp_dhcp_slice *out, int max, int *raw);

/* Relay agent information (82).  raw is the whole value (echoed back
 * verbatim); circuit_id (1) and remote_id (2) are empty when missing;
 * link_selection (5, RFC 3527: the subnet to serve instead of giaddr's)
 * and server_id_override (11, RFC 5107) are 0 when missing.
 * 1 present and well-formed, 0 absent, -1 malformed sub-options (or a
 * sub-option 5 or 11 not 4 bytes long). */
struct ztp_dhcp_relay {
	struct ztp_dhcp_slice raw, circuit_id, remote_id;
	uint32_t link_selection, server_id_override;
};
int ztp_dhcp_relay_info(const struct ztp_dhcp_pkt *pkt,
			struct ztp_dhcp_relay *ri);

/* Find sub-option code in a TLV area (code 1 byte, length 1 byte):
 * 1 found, 0 not, -1 malformed area. */
int ztp_dhcp_subopt(const uint8_t *p, size_t len, int code,
		    struct ztp_dhcp_slice *out);

/* V-I vendor-specific information (125): the sub-option area of the given
 * enterprise.  V-I vendor class (124): the vendor-class data of the given
 * enterprise (a list of length-prefixed strings, left to the caller).
 * 1 found, 0 not, -1 malformed. */
int ztp_dhcp_vivso(const struct ztp_dhcp_pkt *pkt, uint32_t enterprise,
		   struct ztp_dhcp_slice *data);
int ztp_dhcp_vivco(const struct ztp_dhcp_pkt *pkt, uint32_t enterprise,
		   struct ztp_dhcp_slice *data);

/* TR-111 device identity: option 125, enterprise 3561, sub-options 1 (OUI),
 * 2 (serial number) and 3 (product class); each empty when missing.
 * 1 when at least one was found, 0 when none, -1 malformed. */
struct ztp_dhcp_tr111 {
	struct ztp_dhcp_slice oui, serial, product_class;
};
int ztp_dhcp_tr111(const struct ztp_dhcp_pkt *pkt, struct ztp_dhcp_tr111 *t);

/* The key a lease belongs to (RFC 2131 4.2): option 61 when present,
 * otherwise htype followed by chaddr[0..hlen).  Returns its length (at most
 * ZTP_DHCP_KEY_MAX), 0 when there is none (hlen 0 and no option 61). */
#define ZTP_DHCP_KEY_MAX 255
size_t ztp_dhcp_client_key(const struct ztp_dhcp_pkt *pkt,
			   uint8_t key[ZTP_DHCP_KEY_MAX]);

/* The facts a request carries, as a map for the device record (DESIGN.md
 * "The device record"): id and mac (from chaddr; id from the client key
 * in hex for non-Ethernet clients), ip (given; left out when 0),
 * vendor_class (60), client_id (61, hex), hostname (12), port (82 circuit
 * id), and a map dhcp: {remote_id, giaddr, user_class: [...], oui, serial,
 * product_class (TR-111, option 125)}.  Text from the packet is escaped
 * (ztp_escape) and never trusted; absent options give absent keys.  The
 * caller owns the map. */
struct ztp_val;
struct ztp_val *ztp_dhcp_record(const struct ztp_dhcp_pkt *pkt, uint32_t ip);

/* "a.b.c.d" of a host-order address; out needs 16 bytes. */
void ztp_dhcp_ip_fmt(uint32_t ip, char out[16]);
/* Parse "a.b.c.d" strictly; 0 or -1. */
int ztp_dhcp_ip_parse(const char *s, uint32_t *ip);

/* ---- building replies ---- */

/* Options to send.  Each code is added once (a second add of the same code
 * appends to its value); values longer than 255 bytes are split into several
 * instances when the packet is built (RFC 3396). */
#define ZTP_DHCP_OPTS_MAX 64
#define ZTP_DHCP_OPTS_DATA 4096
/* flags */
#define ZTP_DHCP_OF_ALWAYS 1	/* send even when not in the request list */
#define ZTP_DHCP_OF_REQUIRED 2	/* the reply fails when it does not fit
				   (implies ALWAYS) */
struct ztp_dhcp_opt_ent {
	uint8_t code, flags;
	uint16_t off, len;
};
struct ztp_dhcp_opts {
	int n;
	size_t used;
	struct ztp_dhcp_opt_ent o[ZTP_DHCP_OPTS_MAX];
	uint8_t data[ZTP_DHCP_OPTS_DATA];
};

void ztp_dhcp_opts_init(struct ztp_dhcp_opts *o);
/* 0, or ZTP_ERR_LIMIT when out of room; flags are or'ed with any earlier
 * ones of that code. */
int ztp_dhcp_opts_add(struct ztp_dhcp_opts *o, int code, int flags,
		      const void *p, size_t len, struct ztp_err *e);
int ztp_dhcp_opts_add_u8(struct ztp_dhcp_opts *o, int code, int flags,
			 uint8_t v, struct ztp_err *e);
int ztp_dhcp_opts_add_u16(struct ztp_dhcp_opts *o, int code, int flags,
			  uint16_t v, struct ztp_err *e);
int ztp_dhcp_opts_add_u32(struct ztp_dhcp_opts *o, int code, int flags,
			  uint32_t v, struct ztp_err *e);
/* One or more addresses (lists: 3, 6, 42, 150; single: 1, 54, 28). */
int ztp_dhcp_opts_add_ips(struct ztp_dhcp_opts *o, int code, int flags,
			  const uint32_t *ips, size_t n, struct ztp_err *e);
int ztp_dhcp_opts_add_str(struct ztp_dhcp_opts *o, int code, int flags,
			  const char *s, struct ztp_err *e);
/* 1 and the value when code was added. */
int ztp_dhcp_opts_get(const struct ztp_dhcp_opts *o, int code,
		      struct ztp_dhcp_slice *val);

/* The fixed part of a reply; xid, htype, hlen, chaddr, flags and giaddr
 * come from the request. */
struct ztp_dhcp_reply {
	int msgtype;		/* ZTP_DHCPOFFER, ACK or NAK (0: BOOTP reply) */
	uint32_t ciaddr, yiaddr, siaddr;
	const char *sname;	/* NULL: the field is free for overload */
	const char *file;	/* NULL: the field is free for overload */
	size_t max;		/* our own limit (interface MTU - 28), 0 none */
	uint16_t flags_or;	/* or'ed into the request's flags (a NAK
				   through a relay sets the broadcast bit) */
};

/* Build the reply to req into out[0..outsz): option 53 first, the options
 * flagged REQUIRED, then those in the client's parameter request list in
 * its order, then the ones flagged ALWAYS (all of them when it sent no
 * list), then 82 echoed verbatim when the request had it.  The size is the smallest of the
 * client's maximum (ztp_dhcp_max_payload), rep->max and outsz; when the
 * options field is too small the file and then the sname field carry
 * options (52), and optional options that still do not fit are left out.
 * *outlen is the datagram length.  ZTP_ERR_LIMIT when a required option
 * does not fit.  The reply is never shorter than 300 bytes (BOOTP). */
int ztp_dhcp_build(const struct ztp_dhcp_pkt *req,
		   const struct ztp_dhcp_reply *rep,
		   const struct ztp_dhcp_opts *opts,
		   uint8_t *out, size_t outsz, size_t *outlen,
		   struct ztp_err *e);

/* Build a request (client side: for tests, fuzzing and simulators): the
 * options are written in the order they were added, split per RFC 3396. */
int ztp_dhcp_build_request(int msgtype, uint32_t xid, const uint8_t mac[6],
			   uint32_t ciaddr, uint32_t giaddr,
			   const struct ztp_dhcp_opts *opts, uint8_t *out,
			   size_t outsz, size_t *outlen, struct ztp_err *e);

/* ---- provisioning values (appended to b; options 43 and 125) ---- */

/* Generic sub-option TLV: code, length (at most 255), data. */
int ztp_dhcp_enc_subopt(struct ztp_buf *b, int code, const void *p,
			size_t len, struct ztp_err *e);
/* Cisco Plug and Play (option 43):
 * "5A1D;B2;K4;I<ip>;J<port>", K5 for https, "5A1N" without debug. */
int ztp_dhcp_enc_cisco_pnp(struct ztp_buf *b, uint32_t ip, int port,
			   int https, int debug, struct ztp_err *e);
/* Juniper ZTP (option 43 sub-options): 0 image file, 1 config file,
 * 2 image file type ("symlink"), 3 transfer mode ("http", "ftp", "tftp"),
 * 4 alternate image file; NULL members are left out. */
struct ztp_dhcp_juniper {
	const char *image, *config, *image_type, *transfer_mode, *alt_image;
};
int ztp_dhcp_enc_juniper(struct ztp_buf *b, const struct ztp_dhcp_juniper *j,
			 struct ztp_err *e);
/* One enterprise block of option 125: enterprise number, data length,
 * data (sub-options already encoded, at most 255 bytes). */
int ztp_dhcp_enc_vivso(struct ztp_buf *b, uint32_t enterprise,
		       const void *subopts, size_t len, struct ztp_err *e);

#endif
