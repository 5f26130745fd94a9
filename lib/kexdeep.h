/* kexdeep.h: what an SSH server's offer cannot show, measured on the wire
 * (ztp-kexcheck --deep).
 *
 * The KEXINIT lists say "diffie-hellman-group-exchange-sha1" and
 * "ssh-rsa"; they do not say how big the group is that the server sends
 * when a client asks for at least 2048 bits, nor how big the RSA host key
 * is.  Both decide whether paramiko 5, OpenSSH or libssh connect.  This
 * measures them with a few short connections per host:
 *
 *  - group exchange: SSH_MSG_KEX_DH_GEX_REQUEST with min 2048 (what
 *    paramiko 5, OpenSSH and libssh ask) and with min 1024 (paramiko up
 *    to 4.0), each on its own connection; the bit size of the prime in
 *    SSH_MSG_KEX_DH_GEX_GROUP, or how the server refused;
 *  - host key: a key exchange carried as far as the server's reply
 *    (KEXDH_REPLY, KEX_ECDH_REPLY or KEX_DH_GEX_REPLY), whose first field
 *    is the host key; its type and size (RSA modulus bits).  An RSA key is
 *    asked for when the server offers one.
 *
 * No secret is derived and nothing is authenticated: the client's public
 * value is random bytes of the right size, the signature is not checked,
 * and the connection is dropped after the reply.  Every step is bounded
 * by the deadline, the packet size and a count of skipped packets; the
 * server is untrusted throughout.  The library does not print. */
#ifndef ZTP_KEXDEEP_H
#define ZTP_KEXDEEP_H

#include "buf.h"
#include "err.h"
#include "sshwire.h"
#include "val.h"

/* the group-exchange requests, in this order */
enum { ZTP_KEXDEEP_GEX2048, ZTP_KEXDEEP_GEX1024, ZTP_KEXDEEP_NGEX };

struct ztp_kexdeep_gex {
	int min, n, max;	/* the request */
	int bits;		/* prime size, 0: not measured, -1: refused */
	char note[200];		/* how it was refused or why not measured */
};

struct ztp_kexdeep {
	int measured;		/* 1 once a measurement was tried or loaded */
	char gex_kex[72];	/* the group-exchange method asked, "" when none offered */
	struct ztp_kexdeep_gex gex[ZTP_KEXDEEP_NGEX];
	char hk_alg[72];	/* host key algorithm negotiated, "" when not measured */
	char hk_type[72];	/* key type of the blob ("ssh-rsa", "ssh-ed25519", ...) */
	int hk_bits;		/* RSA/DSA modulus or curve bits, 0: not measured */
	char hk_kex[72];	/* the key exchange used to get it */
	char hk_note[200];	/* why the host key was not measured */
};

/* Measure host:port whose offer[ZTP_KL_N] is known (what to ask for
 * follows from it), each connection within timeout seconds.  Fills *d
 * (failures are in the notes, not errors).  Always returns 0. */
int ztp_kexdeep_measure(const char *host, const char *port, const char *const *offer,
			double timeout, struct ztp_kexdeep *d);

/* the measurements as the "deep" map of a scan record (new reference) */
struct ztp_val *ztp_kexdeep_val(const struct ztp_kexdeep *d);
/* back from a record's "deep" map; 0 (d->measured 0 when there is none,
 * as in files saved before --deep) or -1 when it has the wrong shape */
int ztp_kexdeep_from_val(const struct ztp_val *doc, struct ztp_kexdeep *d);
/* for a report, indented lines */
void ztp_kexdeep_text(struct ztp_buf *b, const struct ztp_kexdeep *d, const char *indent);

/* What the measurements mean for a client that asks at least gex_min
 * bits and accepts RSA keys of at least rsa_min bits (0: no limit), when
 * it would negotiate kex and hostkey (names; "" unknown).  1 when the
 * client cannot connect, with why (and the fix on the device) appended
 * to why; notes (one per line) for limits that do not stop it. */
int ztp_kexdeep_judge(const struct ztp_kexdeep *d, int gex_min, int rsa_min, const char *kex,
		      const char *hostkey, struct ztp_buf *why, struct ztp_buf *notes);

#endif
