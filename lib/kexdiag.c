/* kexdiag.c: negotiation diagnosis and the minimal fix (see kexdiag.h) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kexdiag.h"
#include "str.h"

/* copy a name; names are at most 64 bytes (RFC 4251) and every buffer
 * here holds 72, so truncation means a bug: then leave it empty */
static void scopy(char *d, size_t n, const char *s)
{
	if (snprintf(d, n, "%s", s) >= (int)n)
		d[0] = '\0';
}

static const int slot_cat[ZTP_KD_N] = {
	ZTP_ALG_KEX, ZTP_ALG_HOSTKEY, ZTP_ALG_CIPHER, ZTP_ALG_CIPHER,
	ZTP_ALG_MAC, ZTP_ALG_MAC, ZTP_ALG_COMP, ZTP_ALG_COMP,
};
/* what a human calls the slot */
static const char *const slot_desc[ZTP_KD_N] = {
	"kex", "host key", "cipher c2s", "cipher s2c", "mac c2s", "mac s2c",
	"compression c2s", "compression s2c",
};

/* the best (modern-first) name of server that supported holds, and that
 * also is in also (when not NULL) and is AEAD (when aead_only) */
static int pick_best(int cat, const char *server, const char *supported, const char *also,
		     int aead_only, char *out, size_t outsz)
{
	size_t i, n = ztp_sshalg_count(server);
	char name[128];
	int best = -1, r;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (ztp_sshalg_nth(server, i, name, sizeof name) < 0 || ztp_sshalg_pseudo(name))
			continue;
		if (!ztp_sshalg_has(supported, name) || (also && !ztp_sshalg_has(also, name)))
			continue;
		if (aead_only && !ztp_sshalg_aead(name))
			continue;
		r = ztp_sshalg_rank(cat, name);
		if (best < 0 || r < best) {
			best = r;
			if (snprintf(out, outsz, "%s", name) >= (int)outsz)
				out[0] = '\0';
		}
	}
	return out[0] != '\0';
}

static void add_weak(struct ztp_kexdiag *d, const char *name, int used)
{
	const char *why = ztp_sshalg_weak(name);
	int i;

	if (why == NULL || name[0] == '\0')
		return;
	for (i = 0; i < d->nweak; i++) {
		if (strcmp(d->weak[i].name, name) == 0) {
			d->weak[i].used |= used;
			return;
		}
	}
	if (d->nweak >= (int)(sizeof d->weak / sizeof d->weak[0]))
		return;
	scopy(d->weak[d->nweak].name, sizeof d->weak[0].name, name);
	d->weak[d->nweak].why = why;
	d->weak[d->nweak].used = used;
	d->nweak++;
}

static void set_fix(struct ztp_kexdiag *d, int cat, char op, const char *a, const char *b)
{
	struct ztp_buf f = ZTP_BUF_INIT;

	ztp_buf_addc(&f, op);
	ztp_buf_adds(&f, a);
	if (b && b[0] && strcmp(a, b) != 0) {
		ztp_buf_addc(&f, ',');
		ztp_buf_adds(&f, b);
	}
	free(d->fix[cat]);
	d->fix[cat] = ztp_buf_detach(&f, NULL);
}

static void why_add(struct ztp_buf *w, struct ztp_kexdiag *d, int slot)
{
	const struct ztp_kd_slot *s = &d->s[slot];

	if (w->len)
		ztp_buf_adds(w, "; ");
	const char *desc = slot_desc[slot];
	char both[32];

	/* "mac" rather than "mac c2s" when both directions say the same */
	if ((slot == ZTP_KD_ENC_CS || slot == ZTP_KD_MAC_CS || slot == ZTP_KD_COMP_CS) &&
	    !d->s[slot + 1].ok && strcmp(s->server, d->s[slot + 1].server) == 0) {
		if (snprintf(both, sizeof both, "%.*s", (int)strcspn(desc, " "), desc) >= (int)sizeof both)
			both[0] = '\0';
		desc = both;
	}
	if (s->server[0] == '\0')
		ztp_buf_addf(w, "%s: the server offers nothing", desc);
	else
		ztp_buf_addf(w, "%s: the server offers only %s, and %s implements none of them",
			     desc, s->server, d->lib);
}

struct ztp_kexdiag *ztp_kexdiag_run(const char *const *offer, char *const *client,
				    const struct ztp_sshalg_lib *lib)
{
	struct ztp_kexdiag *d = ztp_xcalloc(1, sizeof *d);
	struct ztp_buf why = ZTP_BUF_INIT;
	char eff[2][72], a[72], b[72];
	int i, dir, cat;

	if (snprintf(d->lib, sizeof d->lib, "libssh %s%s", lib->version,
		     lib->removed ? " (reduced set)" : "") >= (int)sizeof d->lib)
		scopy(d->lib, sizeof d->lib, "libssh");
	for (i = 0; i < ZTP_KD_N; i++) {
		struct ztp_kd_slot *s = &d->s[i];

		cat = slot_cat[i];
		s->cat = cat;
		s->key = ztp_sshwire_list_key(i);
		s->server = ztp_sshalg_strip_pseudo(offer[i] ? offer[i] : "");
		s->client = ztp_sshalg_strip_pseudo(client[cat] ? client[cat] : "");
		s->ok = ztp_sshalg_negotiate(s->client, s->server, s->agreed, sizeof s->agreed);
		s->lib_can = pick_best(cat, s->server, lib->supported[cat], NULL, 0,
				       s->best, sizeof s->best);
	}

	/* kex, host key, compression: one slot (or two) each, "+best" */
	if (!d->s[ZTP_KD_KEX].ok && d->s[ZTP_KD_KEX].lib_can)
		set_fix(d, ZTP_ALG_KEX, '+', d->s[ZTP_KD_KEX].best, NULL);
	if (!d->s[ZTP_KD_HOSTKEY].ok && d->s[ZTP_KD_HOSTKEY].lib_can)
		set_fix(d, ZTP_ALG_HOSTKEY, '+', d->s[ZTP_KD_HOSTKEY].best, NULL);
	if ((!d->s[ZTP_KD_COMP_CS].ok && d->s[ZTP_KD_COMP_CS].lib_can) ||
	    (!d->s[ZTP_KD_COMP_SC].ok && d->s[ZTP_KD_COMP_SC].lib_can))
		set_fix(d, ZTP_ALG_COMP, '+',
			d->s[ZTP_KD_COMP_CS].ok ? d->s[ZTP_KD_COMP_SC].best : d->s[ZTP_KD_COMP_CS].best,
			d->s[ZTP_KD_COMP_SC].ok ? NULL : d->s[ZTP_KD_COMP_SC].best);

	/* ciphers: one name good for both directions when there is one */
	for (dir = 0; dir < 2; dir++)
		scopy(eff[dir], sizeof eff[dir], d->s[ZTP_KD_ENC_CS + dir].agreed);
	if (!d->s[ZTP_KD_ENC_CS].ok || !d->s[ZTP_KD_ENC_SC].ok) {
		if (pick_best(ZTP_ALG_CIPHER, d->s[ZTP_KD_ENC_CS].server, lib->supported[ZTP_ALG_CIPHER],
			      d->s[ZTP_KD_ENC_SC].server, 0, a, sizeof a) &&
		    !d->s[ZTP_KD_ENC_CS].ok && !d->s[ZTP_KD_ENC_SC].ok) {
			set_fix(d, ZTP_ALG_CIPHER, '+', a, NULL);
			scopy(eff[0], sizeof eff[0], a);
			scopy(eff[1], sizeof eff[1], a);
		} else {
			a[0] = b[0] = '\0';
			if (!d->s[ZTP_KD_ENC_CS].ok && d->s[ZTP_KD_ENC_CS].lib_can)
				scopy(a, sizeof a, d->s[ZTP_KD_ENC_CS].best);
			if (!d->s[ZTP_KD_ENC_SC].ok && d->s[ZTP_KD_ENC_SC].lib_can)
				scopy(b, sizeof b, d->s[ZTP_KD_ENC_SC].best);
			if (a[0] || b[0])
				set_fix(d, ZTP_ALG_CIPHER, '+', a[0] ? a : b, a[0] ? b : NULL);
			if (a[0])
				scopy(eff[0], sizeof eff[0], a);
			if (b[0])
				scopy(eff[1], sizeof eff[1], b);
		}
	}

	/* MACs: none with an AEAD cipher (OpenSSH does not negotiate one) */
	for (dir = 0; dir < 2; dir++) {
		struct ztp_kd_slot *m = &d->s[ZTP_KD_MAC_CS + dir];

		if (eff[dir][0] && ztp_sshalg_aead(eff[dir])) {
			m->implicit = 1;
			m->ok = 1;
			m->agreed[0] = '\0';
		}
	}
	a[0] = b[0] = '\0';
	for (dir = 0; dir < 2; dir++) {
		struct ztp_kd_slot *m = &d->s[ZTP_KD_MAC_CS + dir];

		if (m->ok)
			continue;
		if (m->lib_can) {
			scopy(dir ? b : a, sizeof a, m->best);
		} else {
			/* no MAC will do: an AEAD cipher needs none */
			char aead[72];

			if (pick_best(ZTP_ALG_CIPHER, d->s[ZTP_KD_ENC_CS + dir].server,
				      lib->supported[ZTP_ALG_CIPHER], NULL, 1, aead, sizeof aead)) {
				set_fix(d, ZTP_ALG_CIPHER, '^', aead, NULL);
				scopy(eff[dir], sizeof eff[dir], aead);
				m->via_aead = 1;	/* fixable, through the cipher */
			}
		}
	}
	if (a[0] || b[0]) {
		if (a[0] && b[0] && ztp_sshalg_has(d->s[ZTP_KD_MAC_SC].server, a))
			set_fix(d, ZTP_ALG_MAC, '+', a, NULL);
		else
			set_fix(d, ZTP_ALG_MAC, '+', a[0] ? a : b, a[0] ? b : NULL);
	}

	for (i = 0; i < ZTP_KD_N; i++) {
		if (d->s[i].ok)
			continue;
		d->nfail++;
		if (d->s[i].lib_can || d->s[i].via_aead)
			continue;
		/* the second direction only when it differs from the first */
		if ((i == ZTP_KD_ENC_SC || i == ZTP_KD_MAC_SC || i == ZTP_KD_COMP_SC) &&
		    !d->s[i - 1].ok && !d->s[i - 1].lib_can &&
		    strcmp(d->s[i - 1].server, d->s[i].server) == 0)
			continue;
		why_add(&why, d, i);
	}
	d->negotiable = d->nfail == 0;
	d->fixable = d->nfail > 0 && why.len == 0;
	if (why.len)
		d->why = ztp_buf_detach(&why, NULL);
	else
		ztp_buf_free(&why);

	/* weak: what would be used first, then what is merely offered */
	for (i = 0; i < ZTP_KD_N; i++)
		if (d->s[i].ok && !d->s[i].implicit)
			add_weak(d, d->s[i].agreed, 1);
	for (cat = 0; cat < ZTP_ALG_NCAT; cat++) {
		size_t k, n;
		char nm[72];

		if (d->fix[cat] == NULL)
			continue;
		n = ztp_sshalg_count(d->fix[cat] + 1);
		for (k = 0; k < n; k++)
			if (ztp_sshalg_nth(d->fix[cat] + 1, k, nm, sizeof nm) == 0)
				add_weak(d, nm, 1);
	}
	for (i = 0; i < ZTP_KD_N; i++) {
		size_t k, n = ztp_sshalg_count(d->s[i].server);
		char nm[72];

		for (k = 0; k < n; k++)
			if (ztp_sshalg_nth(d->s[i].server, k, nm, sizeof nm) == 0)
				add_weak(d, nm, 0);
	}
	return d;
}

void ztp_kexdiag_free(struct ztp_kexdiag *d)
{
	int i;

	if (d == NULL)
		return;
	for (i = 0; i < ZTP_KD_N; i++) {
		free(d->s[i].server);
		free(d->s[i].client);
	}
	for (i = 0; i < ZTP_ALG_NCAT; i++)
		free(d->fix[i]);
	free(d->why);
	free(d);
}

static int has_fix(const struct ztp_kexdiag *d)
{
	int i;

	if (d->negotiable || !d->fixable)
		return 0;
	for (i = 0; i < ZTP_ALG_NCAT; i++)
		if (d->fix[i])
			return 1;
	return 0;
}

/* ssh_config's Compression takes yes/no, not a list */
static const char *cfg_value(const struct ztp_kexdiag *d, int cat)
{
	if (cat == ZTP_ALG_COMP)
		return strstr(d->fix[cat], "zlib") ? "yes" : "no";
	return d->fix[cat];
}

void ztp_kexdiag_fix_ssh_config(struct ztp_buf *b, const struct ztp_kexdiag *d,
				const char *host, const char *indent)
{
	int i;

	if (!has_fix(d))
		return;
	ztp_buf_addf(b, "%sHost %s\n", indent, host);
	for (i = 0; i < ZTP_ALG_NCAT; i++)
		if (d->fix[i])
			ztp_buf_addf(b, "%s    %s %s\n", indent, ztp_sshalg_cat_keyword(i), cfg_value(d, i));
}

void ztp_kexdiag_fix_ssh_o(struct ztp_buf *b, const struct ztp_kexdiag *d, const char *dest)
{
	int i;

	if (!has_fix(d))
		return;
	ztp_buf_adds(b, "ssh");
	for (i = 0; i < ZTP_ALG_NCAT; i++)
		if (d->fix[i])
			ztp_buf_addf(b, " -o %s=%s", ztp_sshalg_cat_keyword(i), cfg_value(d, i));
	ztp_buf_addf(b, " %s\n", dest);
}

void ztp_kexdiag_fix_yml(struct ztp_buf *b, const struct ztp_kexdiag *d,
			 const char *host, const char *indent)
{
	int i;

	if (!has_fix(d))
		return;
	ztp_buf_addf(b, "%sdevices:\n%s  ", indent, indent);
	if (host[strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")] != '\0')
		ztp_buf_addf(b, "'%s'", host);	/* "fe80::1" needs quotes in YAML */
	else
		ztp_buf_adds(b, host);
	ztp_buf_addf(b, ":\n%s    ssh:\n", indent);
	for (i = 0; i < ZTP_ALG_NCAT; i++) {
		if (d->fix[i] == NULL)
			continue;
		if (i == ZTP_ALG_COMP)
			ztp_buf_addf(b, "%s      compression: %s\n", indent, cfg_value(d, i));
		else
			ztp_buf_addf(b, "%s      %s: '%s'\n", indent, ztp_sshalg_cat_yml(i), d->fix[i]);
	}
}

static void slot_line(struct ztp_buf *b, const struct ztp_kexdiag *d, int i, const char *label)
{
	const struct ztp_kd_slot *s = &d->s[i];

	if (s->implicit) {
		ztp_buf_addf(b, "  %-16s ok    (none: the cipher is AEAD)\n", label);
		return;
	}
	if (s->ok) {
		ztp_buf_addf(b, "  %-16s ok    %s\n", label, s->agreed);
		return;
	}
	ztp_buf_addf(b, "  %-16s FAIL  server offers: %s\n", label, s->server[0] ? s->server : "(nothing)");
	ztp_buf_addf(b, "  %-16s       client allows: %s\n", "", s->client);
	if (!s->lib_can)
		ztp_buf_addf(b, "  %-16s       %s supports none of the server's\n", "", d->lib);
	if (s->via_aead)
		ztp_buf_addf(b, "  %-16s       an AEAD cipher needs no MAC: the fix prefers one\n", "");
}

/* cipher, MAC and compression directions on one line when they agree */
static int same_dirs(const struct ztp_kexdiag *d, int i)
{
	const struct ztp_kd_slot *x = &d->s[i], *y = &d->s[i + 1];

	return x->ok == y->ok && x->implicit == y->implicit && x->via_aead == y->via_aead &&
	       strcmp(x->agreed, y->agreed) == 0 && strcmp(x->server, y->server) == 0;
}

void ztp_kexdiag_text(struct ztp_buf *b, const struct ztp_kexdiag *d, const char *target,
		      const char *host, const char *banner, int verbose)
{
	const char *colon = strrchr(target, ':');
	struct ztp_kexdiag_dest w = {
		.target = target, .host = host, .port = colon ? colon + 1 : NULL, .id = NULL,
	};

	ztp_kexdiag_report(b, d, &w, banner, verbose);
}

void ztp_kexdiag_report(struct ztp_buf *b, const struct ztp_kexdiag *d,
			const struct ztp_kexdiag_dest *w, const char *banner, int verbose)
{
	static const char *const pairs[3] = { "cipher", "mac", "compression" };
	const char *target = w->target, *host = w->host;
	int i, p, first;

	ztp_buf_addf(b, "%s", target);
	if (banner && banner[0])
		ztp_buf_addf(b, "  %s", ztp_esc(banner));
	ztp_buf_addc(b, '\n');
	if (d->negotiable) {
		ztp_buf_addf(b, "  negotiable with %s:", d->lib);
		for (i = 0; i < ZTP_KD_N; i++) {
			if (i == ZTP_KD_ENC_SC || i == ZTP_KD_MAC_SC || i == ZTP_KD_COMP_SC)
				if (same_dirs(d, i - 1))
					continue;
			ztp_buf_addf(b, " %s", d->s[i].implicit ? "(aead)" : d->s[i].agreed);
		}
		ztp_buf_addc(b, '\n');
		if (!verbose)
			goto weak;
	} else {
		ztp_buf_addf(b, "  NOT NEGOTIABLE with %s; failing:", d->lib);
		for (i = 0; i < ZTP_KD_N; i++)
			if (!d->s[i].ok)
				ztp_buf_addf(b, " %s", slot_desc[i]);
		ztp_buf_addc(b, '\n');
	}
	slot_line(b, d, ZTP_KD_KEX, "kex");
	slot_line(b, d, ZTP_KD_HOSTKEY, "host key");
	for (p = 0; p < 3; p++) {
		i = ZTP_KD_ENC_CS + 2 * p;
		if (same_dirs(d, i)) {
			slot_line(b, d, i, pairs[p]);
		} else {
			char l[40];

			if (snprintf(l, sizeof l, "%s c2s", pairs[p]) >= (int)sizeof l)
				l[0] = '\0';
			slot_line(b, d, i, l);
			if (snprintf(l, sizeof l, "%s s2c", pairs[p]) >= (int)sizeof l)
				l[0] = '\0';
			slot_line(b, d, i + 1, l);
		}
	}
	if (!d->negotiable && !d->fixable) {
		ztp_buf_addf(b, "  no configuration can fix this with %s: %s\n", d->lib,
			     d->why ? d->why : "?");
		ztp_buf_adds(b, "  change the device (e.g. a new RSA or ECDSA host key, a modern "
			     "algorithm enabled) or use an SSH library that implements them\n");
		first = 1;
		for (i = 0; i < ZTP_ALG_NCAT; i++) {
			if (d->fix[i] == NULL)
				continue;
			ztp_buf_addf(b, "%s %s %s", first ? "  the other categories would then need:" : ",",
				     ztp_sshalg_cat_keyword(i), cfg_value(d, i));
			first = 0;
		}
		if (!first)
			ztp_buf_addc(b, '\n');
	} else if (!d->negotiable) {
		ztp_buf_adds(b, "  fix, in ~/.ssh/config (above any \"Host *\"):\n");
		ztp_kexdiag_fix_ssh_config(b, d, host, "    ");
		ztp_buf_adds(b, "  or once:\n    ");
		{
			/* ssh wants the port apart: "-p 2222 host" */
			char dest[320];

			if (w->port && strcmp(w->port, "22") != 0 &&
			    snprintf(dest, sizeof dest, "-p %s %s", w->port, host) < (int)sizeof dest)
				ztp_kexdiag_fix_ssh_o(b, d, dest);
			else
				ztp_kexdiag_fix_ssh_o(b, d, host);
		}
		ztp_buf_adds(b, "  or in ztp.yml:\n");
		ztp_kexdiag_fix_yml(b, d, w->id ? w->id : host, "    ");
		if (d->fix[ZTP_ALG_HOSTKEY] && strstr(d->fix[ZTP_ALG_HOSTKEY], "ssh-rsa"))
			ztp_buf_adds(b, "  note: to log in with an RSA key too, add "
				     "PubkeyAcceptedAlgorithms +ssh-rsa (ztp.yml pubkey_algorithms: '+ssh-rsa')\n");
	}
weak:
	first = 1;
	for (i = 0; i < d->nweak; i++) {
		if (!d->weak[i].used)
			continue;
		ztp_buf_addf(b, "%s %s (%s)", first ? "  weak, in use (information only):" : ",",
			     d->weak[i].name, d->weak[i].why);
		first = 0;
	}
	if (!first)
		ztp_buf_addc(b, '\n');
	if (verbose) {
		first = 1;
		for (i = 0; i < d->nweak; i++) {
			if (d->weak[i].used)
				continue;
			ztp_buf_addf(b, "%s %s", first ? "  weak, also offered:" : ",", d->weak[i].name);
			first = 0;
		}
		if (!first)
			ztp_buf_addc(b, '\n');
	}
}

struct ztp_val *ztp_kexdiag_val(const struct ztp_kexdiag *d)
{
	struct ztp_val *m = ztp_val_map(), *slots = ztp_val_map(), *failing = ztp_val_list();
	struct ztp_val *fix, *weak = ztp_val_list(), *s, *w;
	int i;

	ztp_map_set(m, "libssh", ztp_val_str(d->lib + 7));
	ztp_map_set(m, "negotiable", ztp_val_bool(d->negotiable));
	for (i = 0; i < ZTP_KD_N; i++) {
		if (!d->s[i].ok)
			ztp_list_push(failing, ztp_val_str(d->s[i].key));
		s = ztp_val_map();
		ztp_map_set(s, "ok", ztp_val_bool(d->s[i].ok));
		ztp_map_set(s, "agreed", d->s[i].agreed[0] ? ztp_val_str(d->s[i].agreed) : ztp_val_null());
		if (d->s[i].implicit)
			ztp_map_set(s, "implicit", ztp_val_bool(1));
		if (d->s[i].via_aead)
			ztp_map_set(s, "fixed_by_aead_cipher", ztp_val_bool(1));
		ztp_map_set(s, "server", ztp_sshalg_list_val(d->s[i].server));
		ztp_map_set(s, "client", ztp_sshalg_list_val(d->s[i].client));
		ztp_map_set(s, "libssh_can", ztp_val_bool(d->s[i].lib_can));
		ztp_map_set(slots, d->s[i].key, s);
	}
	ztp_map_set(m, "failing", failing);
	ztp_map_set(m, "slots", slots);
	if (has_fix(d)) {
		fix = ztp_val_map();
		for (i = 0; i < ZTP_ALG_NCAT; i++)
			if (d->fix[i])
				ztp_map_set(fix, ztp_sshalg_cat_yml(i), ztp_val_str(d->fix[i]));
		ztp_map_set(m, "fix", fix);
	} else {
		ztp_map_set(m, "fix", ztp_val_null());
	}
	ztp_map_set(m, "fixable", ztp_val_bool(d->negotiable || d->fixable));
	ztp_map_set(m, "why", d->why ? ztp_val_str(d->why) : ztp_val_null());
	for (i = 0; i < d->nweak; i++) {
		w = ztp_val_map();
		ztp_map_set(w, "name", ztp_val_str(d->weak[i].name));
		ztp_map_set(w, "why", ztp_val_str(d->weak[i].why));
		ztp_map_set(w, "used", ztp_val_bool(d->weak[i].used));
		ztp_list_push(weak, w);
	}
	ztp_map_set(m, "weak", weak);
	return m;
}

/* ---- results as values ------------------------------------------------- */

struct ztp_val *ztp_kexdiag_result_val(struct ztp_val *m, const struct ztp_sshwire_result *r,
				       const struct ztp_kexdiag *d)
{
	int i;

	if (m == NULL)
		m = ztp_val_map();
	ztp_map_set(m, "address", r->addr[0] ? ztp_val_str(r->addr) : ztp_val_null());
	ztp_map_set(m, "status", ztp_val_str(ztp_sshwire_kind_name(r->kind)));
	ztp_map_set(m, "error", r->kind ? ztp_val_str(r->err.msg) : ztp_val_null());
	ztp_map_set(m, "banner", r->banner_ok ? ztp_val_str(r->banner.line) : ztp_val_null());
	ztp_map_set(m, "seconds", ztp_val_float((double)(long)(r->secs * 1000) / 1000));
	if (d != NULL && r->kind == ZTP_SSHWIRE_OK) {
		struct ztp_val *o = ztp_val_map();

		for (i = 0; i < ZTP_KL_N; i++)
			ztp_map_set(o, ztp_sshwire_list_key(i),
				    ztp_sshalg_list_val(r->kex.list[i] ? r->kex.list[i] : ""));
		ztp_map_set(o, "first_kex_packet_follows", ztp_val_bool(r->kex.first_kex_packet_follows));
		ztp_map_set(m, "offer", o);
		ztp_map_set(m, "diagnosis", ztp_kexdiag_val(d));
	}
	return m;
}

int ztp_kexdiag_offer_from_val(const struct ztp_val *doc, char **lists)
{
	const struct ztp_val *o = ztp_map_get(doc, "offer"), *l, *x;
	struct ztp_buf b;
	size_t k;
	int i;

	if (o == NULL || o->type != ZTP_V_MAP)
		return -1;
	for (i = 0; i < ZTP_KL_N; i++) {
		ztp_buf_init(&b, 64 * 1024);
		ztp_buf_adds(&b, "");
		l = ztp_map_get(o, ztp_sshwire_list_key(i));
		if (l && l->type == ZTP_V_STR) {
			ztp_buf_add(&b, l->u.str.s, l->u.str.len);
		} else if (l && l->type == ZTP_V_LIST) {
			for (k = 0; k < ztp_val_len(l); k++) {
				x = ztp_list_get(l, k);
				if (x->type != ZTP_V_STR || memchr(x->u.str.s, ',', x->u.str.len))
					continue;
				if (b.len)
					ztp_buf_addc(&b, ',');
				ztp_buf_add(&b, x->u.str.s, x->u.str.len);
			}
		} else if (l != NULL && l->type != ZTP_V_NULL) {
			ztp_buf_free(&b);
			while (i-- > 0)
				free(lists[i]);
			return -1;
		}
		lists[i] = ztp_buf_detach(&b, NULL);
	}
	return 0;
}
