/* sshalg.c: SSH algorithm sets, list syntax and negotiation (see sshalg.h) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libssh/libssh.h>

#include "dl.h"
#include "sshalg.h"
#include "str.h"
#include "val.h"

#define NAMEBUF 128	/* longer names are never valid (RFC 4251: 64) */

static const char *const cat_names[ZTP_ALG_NCAT] = {
	"kex", "hostkey", "cipher", "mac", "compression", "pubkey",
};
static const char *const cat_keywords[ZTP_ALG_NCAT] = {
	"KexAlgorithms", "HostKeyAlgorithms", "Ciphers", "MACs", "Compression",
	"PubkeyAcceptedAlgorithms",
};
static const char *const cat_yml[ZTP_ALG_NCAT] = {
	"kex_algorithms", "hostkey_algorithms", "ciphers", "macs", "compression",
	"pubkey_algorithms",
};

const char *ztp_sshalg_cat_name(int cat)
{
	return cat >= 0 && cat < ZTP_ALG_NCAT ? cat_names[cat] : "?";
}

const char *ztp_sshalg_cat_keyword(int cat)
{
	return cat >= 0 && cat < ZTP_ALG_NCAT ? cat_keywords[cat] : "?";
}

const char *ztp_sshalg_cat_yml(int cat)
{
	return cat >= 0 && cat < ZTP_ALG_NCAT ? cat_yml[cat] : "?";
}

int ztp_sshalg_cat_parse(const char *s)
{
	static const struct { const char *n; int c; } more[] = {
		{ "key", ZTP_ALG_HOSTKEY }, { "ciphers", ZTP_ALG_CIPHER },
		{ "macs", ZTP_ALG_MAC }, { "comp", ZTP_ALG_COMP },
		{ "PubkeyAcceptedKeyTypes", ZTP_ALG_PUBKEY },
		{ "HostbasedAcceptedAlgorithms", -1 },
	};
	size_t i;

	for (i = 0; i < ZTP_ALG_NCAT; i++)
		if (strcasecmp(s, cat_names[i]) == 0 || strcasecmp(s, cat_keywords[i]) == 0 ||
		    strcasecmp(s, cat_yml[i]) == 0)
			return (int)i;
	for (i = 0; i < sizeof more / sizeof more[0]; i++)
		if (strcasecmp(s, more[i].n) == 0)
			return more[i].c;
	return -1;
}

/* ---- the tables ---------------------------------------------------------
 *
 * 0.10: checked against libssh 0.10.6 on Debian 12 (the client KEXINIT it
 * sends with default options and with every candidate name set, and
 * ssh_options_set() accepting or refusing each name); t-sshwire.c checks
 * the defaults against the linked library again on every test run.
 * The user-authentication (pubkey) lists are libssh 0.10's source (there is
 * no way to see them on the wire).
 * 0.11: read from libssh 0.11's include/libssh/kex.h (not run here: DSA
 * and blowfish gone, sntrup761x25519-sha512@openssh.com added after
 * curve25519); ztp_sshalg_lib_probe() drops what a build leaves out.
 * Note 0.11 itself understands "+a", "-a", "^a"; ztp hands it full lists
 * anyway, the same code for both. */

#define KEX_MODERN "curve25519-sha256,curve25519-sha256@libssh.org," \
	"ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521," \
	"diffie-hellman-group18-sha512,diffie-hellman-group16-sha512," \
	"diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256"
/* 0.11 adds sntrup761x25519 (when built with it) after curve25519:
 * libssh 0.11's include/libssh/kex.h has DEFAULT_KEY_EXCHANGE =
 * CURVE25519 SNTRUP761X25519 ECDH "diffie-hellman-group18-sha512,..."
 * with SNTRUP761X25519 "sntrup761x25519-sha512@openssh.com," under
 * #ifdef HAVE_SNTRUP761 (the same header has ssh_add_to_default_algos,
 * the 0.11 '+' lists, and no DSA).  SSH-PROFILES.md's "0.11: same as
 * 0.10" for the kex defaults is wrong on this one name;
 * ztp_sshalg_lib_probe() drops it from a build without it. */
#define KEX_MODERN_011 "curve25519-sha256,curve25519-sha256@libssh.org," \
	"sntrup761x25519-sha512@openssh.com," \
	"ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521," \
	"diffie-hellman-group18-sha512,diffie-hellman-group16-sha512," \
	"diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256"
#define KEX_SHA1 "diffie-hellman-group14-sha1,diffie-hellman-group1-sha1," \
	"diffie-hellman-group-exchange-sha1"
#define HOSTKEY_MODERN "ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384," \
	"ecdsa-sha2-nistp256,sk-ssh-ed25519@openssh.com," \
	"sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"
/* public keys for user authentication: certificates first */
#define PUBKEY_SUPPORTED "ssh-ed25519-cert-v01@openssh.com," \
	"sk-ssh-ed25519-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp521-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp384-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com," \
	"ssh-rsa-cert-v01@openssh.com," HOSTKEY_MODERN ",ssh-rsa"
#define PUBKEY_DEFAULT "ssh-ed25519-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp521-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp384-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"sk-ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com," \
	HOSTKEY_MODERN
#define CIPHER_MODERN "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com," \
	"aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr"
#define CIPHER_OLD "aes256-cbc,aes192-cbc,aes128-cbc,3des-cbc"
#define MAC_MODERN "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com," \
	"hmac-sha2-256,hmac-sha2-512"

struct table {
	const char *series;	/* "0.10" */
	const char *source;
	const char *supported[ZTP_ALG_NCAT];
	const char *defaults[ZTP_ALG_NCAT];
};

static const struct table tables[] = {
	{ "0.10", "verified", {
		KEX_MODERN "," KEX_SHA1,
		HOSTKEY_MODERN ",ssh-rsa",
		CIPHER_MODERN "," CIPHER_OLD,
		"hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
		"hmac-sha1-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
		"none,zlib,zlib@openssh.com",
		PUBKEY_SUPPORTED,
	}, {
		KEX_MODERN,
		HOSTKEY_MODERN,
		CIPHER_MODERN,
		MAC_MODERN,
		"none,zlib@openssh.com",
		PUBKEY_DEFAULT,
	} },
	{ "0.11", "libssh 0.11 source, not run here", {
		KEX_MODERN_011 "," KEX_SHA1,
		HOSTKEY_MODERN ",ssh-rsa",
		CIPHER_MODERN "," CIPHER_OLD,
		"hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
		"hmac-sha1-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
		"none,zlib@openssh.com,zlib",
		PUBKEY_SUPPORTED,
	}, {
		KEX_MODERN_011,
		HOSTKEY_MODERN,
		CIPHER_MODERN,
		MAC_MODERN,
		"none,zlib@openssh.com",
		PUBKEY_DEFAULT,
	} },
};

/* Names SSH implementations use that no libssh table has (OpenSSH's
 * `ssh -Q` lists and older ones): "not supported" rather than "unknown". */
static const char *const known_other[ZTP_ALG_NCAT] = {
	"sntrup761x25519-sha512@openssh.com,sntrup761x25519-sha512,"
	"mlkem768x25519-sha256,mlkem768nistp256-sha256,mlkem1024nistp384-sha384,"
	"diffie-hellman-group15-sha512,diffie-hellman-group17-sha512,"
	"diffie-hellman-group16-sha256,gss-gex-sha1-,gss-group1-sha1-,gss-group14-sha1-,"
	"diffie-hellman-group14-sha224@ssh.com,diffie-hellman-group-exchange-sha224@ssh.com",
	"ssh-dss,ssh-dss-cert-v01@openssh.com,x509v3-sign-rsa,x509v3-sign-dss,"
	"x509v3-ssh-rsa,rsa-sha2-256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,"
	"ssh-rsa-cert-v01@openssh.com,ssh-ed448,"
	"ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	"ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	"sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
	"3des-ctr,blowfish-cbc,blowfish-ctr,cast128-cbc,arcfour,arcfour128,arcfour256,"
	"aes128-gcm,aes256-gcm,rijndael-cbc@lysator.liu.se,twofish-cbc,twofish128-cbc,"
	"twofish256-cbc,serpent128-cbc,idea-cbc,des-cbc,none",
	"hmac-sha1-96,hmac-md5,hmac-md5-96,hmac-sha1-96-etm@openssh.com,"
	"hmac-md5-etm@openssh.com,hmac-md5-96-etm@openssh.com,umac-64@openssh.com,"
	"umac-128@openssh.com,umac-64-etm@openssh.com,umac-128-etm@openssh.com,"
	"hmac-sha2-256-96,hmac-sha2-512-96,hmac-ripemd160,hmac-ripemd160@openssh.com,"
	"hmac-ripemd160-etm@openssh.com,none",
	"zlib,zlib@openssh.com,none",
	"ssh-dss,ssh-dss-cert-v01@openssh.com,ssh-ed448,x509v3-sign-rsa",
};

/* Modern first.  Names not listed rank after all listed ones. */
static const char *const rank_order[ZTP_ALG_NCAT] = {
	"mlkem768x25519-sha256,sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,"
	"curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
	"ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,"
	"diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,"
	"diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,"
	"diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1",
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	"sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,"
	"rsa-sha2-256,ssh-rsa,ssh-dss",
	"chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,"
	"aes256-ctr,aes192-ctr,aes128-ctr,aes256-cbc,aes192-cbc,aes128-cbc,3des-cbc",
	"hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,"
	"hmac-sha2-512,hmac-sha1-etm@openssh.com,hmac-sha1",
	"none,zlib@openssh.com,zlib",
	"ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	"rsa-sha2-512,rsa-sha2-256,ssh-rsa",
};

/* ---- name lists -------------------------------------------------------- */

/* Iterate names: *p advances past the next comma. */
static int next_name(const char **p, const char **s, size_t *n)
{
	const char *c;

	while (**p == ',')
		(*p)++;
	if (**p == '\0')
		return 0;
	*s = *p;
	c = strchr(*p, ',');
	*n = c ? (size_t)(c - *p) : strlen(*p);
	*p += *n;
	return 1;
}

static int has_n(const char *list, const char *name, size_t nl)
{
	const char *p = list ? list : "", *s;
	size_t n;

	while (next_name(&p, &s, &n))
		if (n == nl && memcmp(s, name, n) == 0)
			return 1;
	return 0;
}

int ztp_sshalg_has(const char *list, const char *name)
{
	return has_n(list, name, strlen(name));
}

size_t ztp_sshalg_count(const char *list)
{
	const char *p = list ? list : "", *s;
	size_t n, k = 0;

	while (next_name(&p, &s, &n))
		k++;
	return k;
}

int ztp_sshalg_nth(const char *list, size_t i, char *out, size_t outsz)
{
	const char *p = list ? list : "", *s;
	size_t n, k = 0;

	while (next_name(&p, &s, &n)) {
		if (k++ == i) {
			if (n >= outsz)
				return -1;
			memcpy(out, s, n);
			out[n] = '\0';
			return 0;
		}
	}
	return -1;
}

static void add_name(struct ztp_buf *b, const char *s, size_t n)
{
	if (b->p != NULL && has_n(b->p, s, n))
		return;
	if (b->len > 0)
		ztp_buf_addc(b, ',');
	ztp_buf_add(b, s, n);
}

static char *detach(struct ztp_buf *b)
{
	return ztp_buf_detach(b, NULL);
}

int ztp_sshalg_pseudo(const char *name)
{
	return ztp_startswith(name, "ext-info-") || ztp_startswith(name, "kex-strict-");
}

char *ztp_sshalg_strip_pseudo(const char *list)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	const char *p = list ? list : "", *s;
	char tmp[ZTP_ERR_MSG];
	size_t n;

	while (next_name(&p, &s, &n)) {
		if (n >= sizeof tmp)
			continue;
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		if (!ztp_sshalg_pseudo(tmp))
			add_name(&b, s, n);
	}
	return detach(&b);
}

int ztp_sshalg_aead(const char *c)
{
	return strcmp(c, "chacha20-poly1305@openssh.com") == 0 ||
	       strcmp(c, "aes128-gcm@openssh.com") == 0 ||
	       strcmp(c, "aes256-gcm@openssh.com") == 0;
}

const char *ztp_sshalg_weak(const char *n)
{
	size_t l = strlen(n);

	if (strcmp(n, "diffie-hellman-group1-sha1") == 0)
		return "1024-bit group with SHA-1";
	if (strcmp(n, "diffie-hellman-group14-sha1") == 0 ||
	    strcmp(n, "diffie-hellman-group-exchange-sha1") == 0)
		return "SHA-1 key exchange";
	if (strcmp(n, "ssh-rsa") == 0 || strcmp(n, "ssh-rsa-cert-v01@openssh.com") == 0)
		return "RSA signatures with SHA-1";
	if (ztp_startswith(n, "ssh-dss"))
		return "DSA: 1024-bit key, SHA-1";
	if (strcmp(n, "3des-cbc") == 0)
		return "3DES: 64-bit block, CBC mode";
	if (ztp_startswith(n, "arcfour") || ztp_startswith(n, "blowfish") ||
	    ztp_startswith(n, "cast128") || strcmp(n, "des-cbc") == 0)
		return "broken or 64-bit block cipher";
	if (l > 4 && strcmp(n + l - 4, "-cbc") == 0)
		return "CBC mode (plaintext recovery attacks on SSH)";
	if (ztp_startswith(n, "hmac-md5"))
		return "MD5 MAC";
	if (ztp_startswith(n, "hmac-sha1"))
		return "SHA-1 MAC";
	if (ztp_startswith(n, "umac-64"))
		return "64-bit tag";
	if (strcmp(n, "none") == 0)
		return NULL;
	return NULL;
}

int ztp_sshalg_known(int cat, const char *name)
{
	size_t t;

	if (cat < 0 || cat >= ZTP_ALG_NCAT)
		return 0;
	for (t = 0; t < sizeof tables / sizeof tables[0]; t++)
		if (ztp_sshalg_has(tables[t].supported[cat], name))
			return 1;
	return ztp_sshalg_has(known_other[cat], name);
}

int ztp_sshalg_rank(int cat, const char *name)
{
	const char *p, *s;
	size_t n, len = strlen(name);
	int k = 0;

	if (cat < 0 || cat >= ZTP_ALG_NCAT)
		return 1000;
	p = rank_order[cat];
	while (next_name(&p, &s, &n)) {
		if (n == len && memcmp(s, name, n) == 0)
			return k;
		k++;
	}
	return 1000;
}

int ztp_sshalg_match(const char *pat, const char *s)
{
	/* iterative glob with one backtrack point: linear enough for names */
	const char *star = NULL, *ss = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			ss = s;
		} else if (*pat == '?' || *pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++ss;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

static int has_wild(const char *s, size_t n)
{
	return memchr(s, '*', n) != NULL || memchr(s, '?', n) != NULL;
}

/* ---- the library ------------------------------------------------------- */

static int series_cmp(const char *v, int *maj, int *min)
{
	char *end;
	long a, b;

	a = strtol(v, &end, 10);
	if (end == v || *end != '.')
		return -1;
	v = end + 1;
	b = strtol(v, &end, 10);
	if (end == v)
		return -1;
	*maj = (int)a;
	*min = (int)b;
	return 0;
}

int ztp_sshalg_lib_load(struct ztp_sshalg_lib *l, const char *version, struct ztp_err *e)
{
	const struct table *t = NULL;
	int maj, min, i, n, verified;

	memset(l, 0, sizeof *l);
	if (version == NULL) {
		int rc = ztp_dl_ssh(e);

		if (rc < 0)
			return rc;
		version = ssh_version(0);
	}
	if (version == NULL || series_cmp(version, &maj, &min) < 0)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "cannot tell the libssh version from '%s'",
				   version ? ztp_esc(version) : "(null)");
	if (maj == 0 && min < 10)
		return ztp_err_set(e, ZTP_ERR_CONFIG,
				   "libssh %s is too old: ztp needs 0.10 or later", ztp_esc(version));
	if (maj == 0 && min == 10) {
		t = &tables[0];
		verified = 1;
	} else {
		t = &tables[1];
		verified = maj == 0 && min == 11 ? 0 : -1;
	}
	/* "0.10.6/openssl/zlib": the version is the part before the '/' */
	n = snprintf(l->version, sizeof l->version, "%.*s", (int)strcspn(version, "/ "), version);
	if (n < 0 || (size_t)n >= sizeof l->version)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "libssh version '%s' is too long", ztp_esc(version));
	if (snprintf(l->table, sizeof l->table, "%s.x table (%s%s)", t->series, t->source,
		     verified < 0 ? "; newer library, lists may differ" : "") >= (int)sizeof l->table)
		l->table[0] = '\0';
	l->verified = verified == 1;
	for (i = 0; i < ZTP_ALG_NCAT; i++) {
		l->supported[i] = ztp_xstrdup(t->supported[i]);
		l->defaults[i] = ztp_xstrdup(t->defaults[i]);
	}
	return 0;
}

void ztp_sshalg_lib_free(struct ztp_sshalg_lib *l)
{
	int i;

	if (l == NULL)
		return;
	for (i = 0; i < ZTP_ALG_NCAT; i++) {
		free(l->supported[i]);
		free(l->defaults[i]);
		l->supported[i] = l->defaults[i] = NULL;
	}
	free(l->removed);
	l->removed = NULL;
}

/* list minus the names matching any pattern of pats; counts removals */
static char *filter_out(const char *list, const char *pats, int *count, struct ztp_buf *gone)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	const char *p = list ? list : "", *s, *q, *ps;
	char name[ZTP_ERR_MSG], pat[ZTP_ERR_MSG];
	size_t n, pn;
	int hit;

	while (next_name(&p, &s, &n)) {
		if (n >= sizeof name)
			continue;
		memcpy(name, s, n);
		name[n] = '\0';
		hit = 0;
		q = pats;
		while (!hit && next_name(&q, &ps, &pn)) {
			if (pn >= sizeof pat)
				continue;
			memcpy(pat, ps, pn);
			pat[pn] = '\0';
			hit = ztp_sshalg_match(pat, name);
		}
		if (hit) {
			(*count)++;
			if (gone)
				add_name(gone, s, n);
		} else {
			add_name(&b, s, n);
		}
	}
	return detach(&b);
}

int ztp_sshalg_lib_without(struct ztp_sshalg_lib *l, const char *names)
{
	struct ztp_buf gone = ZTP_BUF_INIT;
	int i, count = 0, dummy = 0;
	char *t;

	for (i = 0; i < ZTP_ALG_NCAT; i++) {
		t = filter_out(l->supported[i], names, &count, &gone);
		free(l->supported[i]);
		l->supported[i] = t;
		t = filter_out(l->defaults[i], names, &dummy, NULL);
		free(l->defaults[i]);
		l->defaults[i] = t;
	}
	if (gone.len > 0) {
		if (l->removed != NULL) {
			struct ztp_buf all = ZTP_BUF_INIT;

			ztp_buf_adds(&all, l->removed);
			ztp_buf_addc(&all, ',');
			ztp_buf_adds(&all, gone.p);
			free(l->removed);
			l->removed = detach(&all);
			ztp_buf_free(&gone);
		} else {
			l->removed = detach(&gone);
		}
	} else {
		ztp_buf_free(&gone);
	}
	return count;
}

int ztp_sshalg_lib_probe(struct ztp_sshalg_lib *l, struct ztp_buf *dropped)
{
	static const enum ssh_options_e opt[ZTP_ALG_NCAT] = {
		SSH_OPTIONS_KEY_EXCHANGE, SSH_OPTIONS_HOSTKEYS, SSH_OPTIONS_CIPHERS_C_S,
		SSH_OPTIONS_HMAC_C_S, SSH_OPTIONS_COMPRESSION_C_S,
		SSH_OPTIONS_PUBLICKEY_ACCEPTED_TYPES,
	};
	struct ztp_buf keep, bad;
	ssh_session s;
	const char *p, *nm;
	char name[128];
	size_t n;
	int i, count = 0, dummy = 0;
	char *t;

	if (ztp_dl_ssh(NULL) < 0 || (s = ssh_new()) == NULL)
		return 0;
	for (i = 0; i < ZTP_ALG_NCAT; i++) {
		ztp_buf_init(&keep, 0);
		ztp_buf_init(&bad, 0);
		p = l->supported[i];
		while (next_name(&p, &nm, &n)) {
			if (n >= sizeof name)
				continue;
			memcpy(name, nm, n);
			name[n] = '\0';
			/* one name at a time: the library refuses a list only
			 * when it knows none of it */
			if (ssh_options_set(s, opt[i], name) == 0) {
				add_name(&keep, nm, n);
			} else {
				add_name(&bad, nm, n);
				count++;
				if (dropped) {
					if (dropped->len)
						ztp_buf_addc(dropped, ',');
					ztp_buf_add(dropped, nm, n);
				}
			}
		}
		if (bad.len > 0) {
			free(l->supported[i]);
			l->supported[i] = detach(&keep);
			t = filter_out(l->defaults[i], bad.p, &dummy, NULL);
			free(l->defaults[i]);
			l->defaults[i] = t;
		} else {
			ztp_buf_free(&keep);
		}
		ztp_buf_free(&bad);
	}
	ssh_free(s);
	return count;
}

/* ---- OpenSSH list semantics ------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static void warnf(struct ztp_buf *w, const char *what, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (w == NULL)
		return;
	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof msg, fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	ztp_buf_addf(w, "%s: %s\n", what, msg);
}

/* the closest supported name, copied into out; NULL when none is close */
static const char *suggest(const char *name, const char *supported, char *out, size_t outsz)
{
	const char *cands[160], *best;
	char store[160][NAMEBUF];
	const char *p = supported, *s;
	size_t n, k = 0;

	while (k < 159 && next_name(&p, &s, &n)) {
		if (n >= NAMEBUF)
			continue;
		memcpy(store[k], s, n);
		store[k][n] = '\0';
		cands[k] = store[k];
		k++;
	}
	cands[k] = NULL;
	best = ztp_did_you_mean(name, cands);
	if (best == NULL || snprintf(out, outsz, "%s", best) >= (int)outsz)
		return NULL;
	return out;
}

int ztp_sshalg_apply(int cat, const char *spec, const char *defaults,
		     const char *supported, const char *libname, const char *what,
		     char **out, struct ztp_buf *warn, struct ztp_err *e)
{
	struct ztp_buf add = ZTP_BUF_INIT;
	const char *body, *p, *s, *q, *ss;
	char name[NAMEBUF], *t = NULL;
	size_t n, sn;
	int op, wildok = cat == ZTP_ALG_HOSTKEY || cat == ZTP_ALG_PUBKEY, hits, dummy = 0;
	const char *kw = ztp_sshalg_cat_keyword(cat);

	*out = NULL;
	if (what == NULL)
		what = kw;
	if (libname == NULL)
		libname = "this libssh";
	if (spec == NULL || *spec == '\0') {
		*out = ztp_xstrdup(defaults ? defaults : "");
		return 0;
	}
	op = (*spec == '+' || *spec == '-' || *spec == '^') ? *spec : 0;
	body = op ? spec + 1 : spec;
	if (*body == '\0' || *body == ',' || body[strlen(body) - 1] == ',' || strstr(body, ",,"))
		return ztp_err_set(e, ZTP_ERR_CONFIG, "%s: empty name in %s list '%s'",
				   what, kw, ztp_esc(spec));
	for (p = body; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return ztp_err_set(e, ZTP_ERR_CONFIG,
					   "%s: %s list '%s' has a space or a non-ASCII byte",
					   what, kw, ztp_esc(spec));
	if (op == '-') {
		t = filter_out(defaults, body, &dummy, NULL);
		goto check;
	}
	p = body;
	while (next_name(&p, &s, &n)) {
		if (n >= sizeof name) {
			ztp_buf_free(&add);
			return ztp_err_set(e, ZTP_ERR_CONFIG, "%s: name too long in %s list",
					   what, kw);
		}
		memcpy(name, s, n);
		name[n] = '\0';
		if (has_wild(s, n)) {
			if (!wildok) {
				ztp_buf_free(&add);
				return ztp_err_set(e, ZTP_ERR_CONFIG,
						   "%s: wildcard '%s' in %s is allowed only after '-' (as in OpenSSH)",
						   what, ztp_esc(name), kw);
			}
			hits = 0;
			q = supported;
			while (next_name(&q, &ss, &sn)) {
				char cand[NAMEBUF];

				if (sn >= sizeof cand)
					continue;
				memcpy(cand, ss, sn);
				cand[sn] = '\0';
				if (ztp_sshalg_match(name, cand)) {
					add_name(&add, ss, sn);
					hits++;
				}
			}
			if (hits == 0)
				warnf(warn, what, "'%s' matches no %s algorithm %s supports",
				      ztp_esc(name), kw, libname);
			continue;
		}
		if (ztp_sshalg_pseudo(name)) {
			warnf(warn, what, "'%s' is a protocol marker, not an algorithm; ignored",
			      ztp_esc(name));
			continue;
		}
		if (ztp_sshalg_has(supported, name)) {
			add_name(&add, s, n);
			continue;
		}
		if (ztp_sshalg_known(cat, name)) {
			warnf(warn, what, "'%s' is not supported by %s; ignored", ztp_esc(name),
			      libname);
		} else {
			char dbuf[NAMEBUF], hint[NAMEBUF + 32] = "";
			const char *dym = suggest(name, supported, dbuf, sizeof dbuf);

			if (dym != NULL)
				if (snprintf(hint, sizeof hint, " (did you mean '%s'?)", dym) >= (int)sizeof hint)
					hint[0] = '\0';
			warnf(warn, what, "unknown algorithm '%s'%s; ignored", ztp_esc(name), hint);
		}
	}
	{
		/* assemble: '+' defaults then add, '^' add then defaults, plain add */
		struct ztp_buf fin = ZTP_BUF_INIT;
		const char *parts[2] = { NULL, NULL };

		if (op == '+') {
			parts[0] = defaults;
			parts[1] = add.p;
		} else if (op == '^') {
			parts[0] = add.p;
			parts[1] = defaults;
		} else {
			parts[0] = add.p;
		}
		for (int i = 0; i < 2; i++) {
			q = parts[i] ? parts[i] : "";
			while (next_name(&q, &ss, &sn))
				if (has_n(supported, ss, sn))
					add_name(&fin, ss, sn);
		}
		t = detach(&fin);
	}
check:
	ztp_buf_free(&add);
	if (t == NULL || *t == '\0') {
		free(t);
		return ztp_err_set(e, ZTP_ERR_CONFIG,
				   "%s: %s '%s' leaves no algorithm %s supports",
				   what, kw, ztp_esc(spec), libname);
	}
	*out = t;
	return 0;
}

int ztp_sshalg_negotiate(const char *client, const char *server, char *out, size_t outsz)
{
	const char *p = client ? client : "", *s;
	size_t n;

	while (next_name(&p, &s, &n)) {
		if (n >= outsz)
			continue;
		memcpy(out, s, n);
		out[n] = '\0';
		if (ztp_sshalg_pseudo(out))
			continue;
		if (has_n(server, s, n))
			return 1;
	}
	if (outsz)
		out[0] = '\0';
	return 0;
}

int ztp_sshalg_client_lists(const struct ztp_sshalg_lib *lib, const char *const *spec,
			    const char *const *what, char **out, struct ztp_buf *warn,
			    struct ztp_err *e)
{
	char name[96];
	int i, rc;

	if (snprintf(name, sizeof name, "libssh %s%s", lib->version,
		     lib->removed ? " (reduced set)" : "") >= (int)sizeof name)
		name[0] = '\0';
	for (i = 0; i < ZTP_ALG_NCAT; i++)
		out[i] = NULL;
	for (i = 0; i < ZTP_ALG_NCAT; i++) {
		rc = ztp_sshalg_apply(i, spec ? spec[i] : NULL, lib->defaults[i], lib->supported[i],
				      name, what ? what[i] : NULL, &out[i], warn, e);
		if (rc < 0) {
			ztp_sshalg_lists_free(out);
			return rc;
		}
	}
	return 0;
}

void ztp_sshalg_lists_free(char **lists)
{
	int i;

	for (i = 0; i < ZTP_ALG_NCAT; i++) {
		free(lists[i]);
		lists[i] = NULL;
	}
}

struct ztp_val *ztp_sshalg_list_val(const char *list)
{
	struct ztp_val *l = ztp_val_list();
	size_t i, n = ztp_sshalg_count(list);
	char nm[128];

	for (i = 0; i < n; i++)
		if (ztp_sshalg_nth(list, i, nm, sizeof nm) == 0)
			ztp_list_push(l, ztp_val_str(nm));
	return l;
}
