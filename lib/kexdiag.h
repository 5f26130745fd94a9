/* kexdiag.h: why an SSH connection cannot negotiate, and the exact fix.
 *
 * Input: the server's offer (the ten KEXINIT name-lists), the client's
 * effective lists (after ssh_config / ztp.yml / command line, see
 * ztp_sshalg_apply) and what the libssh build supports.  Output: per
 * negotiated slot (kex, host key, cipher and MAC per direction, compression
 * per direction) the offer, the client list, the agreed algorithm or the
 * failure, and whether libssh could do any of the server's algorithms at
 * all; every failing slot at once (libssh stops at the first); the minimal
 * fix: for each failing category the best (modern-first) server algorithm
 * the library supports, appended with '+'; or why nothing in the
 * configuration can fix it.  Weak algorithms are listed separately as
 * information and are never part of the fix.
 *
 * MACs follow OpenSSH: with an AEAD cipher (chacha20-poly1305, AES-GCM)
 * no MAC is negotiated, so a MAC mismatch then is not a failure.
 * Pseudo-algorithms (ext-info-*, kex-strict-*) are ignored throughout. */
#ifndef ZTP_KEXDIAG_H
#define ZTP_KEXDIAG_H

#include "buf.h"
#include "sshalg.h"
#include "sshwire.h"
#include "val.h"

enum ztp_kd_slotid {
	ZTP_KD_KEX, ZTP_KD_HOSTKEY, ZTP_KD_ENC_CS, ZTP_KD_ENC_SC,
	ZTP_KD_MAC_CS, ZTP_KD_MAC_SC, ZTP_KD_COMP_CS, ZTP_KD_COMP_SC, ZTP_KD_N
};

struct ztp_kd_slot {
	int cat;		/* ZTP_ALG_* configuring this slot */
	const char *key;	/* "kex", "hostkey", "enc_c2s", ... */
	char *server;		/* the offer without pseudo-algorithms */
	char *client;		/* the client's effective list */
	char agreed[72];	/* negotiated name, "" when none */
	int ok;			/* agreed, or no MAC needed */
	int implicit;		/* MAC slot with an AEAD cipher: not negotiated */
	int lib_can;		/* libssh supports one of the server's names */
	int via_aead;		/* MAC slot no MAC can fix, fixed by an AEAD cipher */
	char best[72];		/* best server name libssh supports, "" if none */
};

struct ztp_kd_weak {
	char name[72];
	const char *why;
	int used;		/* agreed now, or what the fix would use */
};

struct ztp_kexdiag {
	struct ztp_kd_slot s[ZTP_KD_N];
	int negotiable;
	int nfail;
	int fixable;		/* every failing slot can be fixed by configuration */
	char *fix[ZTP_ALG_NCAT];/* "+name[,name]" (or "^name") per category, NULL: nothing */
	char *why;		/* when !negotiable && !fixable: the reason */
	struct ztp_kd_weak weak[32];
	int nweak;
	char lib[64];		/* "libssh 0.10.6", "... (reduced set)" */
};

/* offer[ZTP_KL_N] are the server's lists; client[ZTP_ALG_NCAT] the
 * client's effective lists.  Never fails (memory exhaustion aborts). */
struct ztp_kexdiag *ztp_kexdiag_run(const char *const *offer, char *const *client,
				    const struct ztp_sshalg_lib *lib);
void ztp_kexdiag_free(struct ztp_kexdiag *d);

/* The fix in three dialects (nothing appended when there is no fix):
 * an ssh_config block for host, `ssh -o` options, ztp.yml lines for the
 * device (devices: HOST: ssh: ...).  indent prefixes every line. */
void ztp_kexdiag_fix_ssh_config(struct ztp_buf *b, const struct ztp_kexdiag *d,
				const char *host, const char *indent);
/* dest is printed as given after the options ("host", "-p 2222 host") */
void ztp_kexdiag_fix_ssh_o(struct ztp_buf *b, const struct ztp_kexdiag *d, const char *dest);
void ztp_kexdiag_fix_yml(struct ztp_buf *b, const struct ztp_kexdiag *d,
			 const char *host, const char *indent);

/* Who the fix is for: target heads the report ("host:port", "id
 * (address:port)"), host goes into the ssh_config block and the ssh
 * command line, port too unless it is "22" or NULL, and id names the
 * ztp.yml devices entry (the record id; NULL: host, as a host named
 * without a record is its own id). */
struct ztp_kexdiag_dest {
	const char *target;
	const char *host;
	const char *port;
	const char *id;
};

/* The report a human reads; banner is the server's identification
 * (escaped here).  verbose 1 prints every slot even when negotiable. */
void ztp_kexdiag_report(struct ztp_buf *b, const struct ztp_kexdiag *d,
			const struct ztp_kexdiag_dest *w, const char *banner, int verbose);
/* The same with the port taken from the end of target ("host:port") */
void ztp_kexdiag_text(struct ztp_buf *b, const struct ztp_kexdiag *d, const char *target,
		      const char *host, const char *banner, int verbose);

/* The same as a map (new reference): negotiable, failing, slots, fix (in
 * ztp.yml keys), fixable, why, weak. */
struct ztp_val *ztp_kexdiag_val(const struct ztp_kexdiag *d);

/* One scan result into map m (a new map when NULL; returned): address,
 * status, error, banner, seconds and, when d is not NULL (the server
 * answered), offer (every list as an array of names) and diagnosis. */
struct ztp_val *ztp_kexdiag_result_val(struct ztp_val *m, const struct ztp_sshwire_result *r,
				       const struct ztp_kexdiag *d);
/* The offer saved by ztp_kexdiag_result_val (each list an array of names
 * or a comma string) back into lists[ZTP_KL_N] (malloc'ed, "" when
 * absent).  0, or -1: no offer, or one of the wrong shape. */
int ztp_kexdiag_offer_from_val(const struct ztp_val *doc, char **lists);

#endif
