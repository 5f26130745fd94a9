/* sshconf.c: ssh_config with OpenSSH semantics (see sshconf.h)
 *
 * Files are evaluated per destination, line by line, as OpenSSH does:
 * Host/Match switch blocks on and off, Include recurses (conditionally),
 * and the first value of each keyword wins. */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sshconf.h"
#include "str.h"

#define MAX_DEPTH 16
#define MAX_FILE (1 << 20)
#define MAX_IDENTITY 100

struct ztp_sshconf {
	char *file;		/* -F, or NULL */
	char *home;
	char *luser;
};

/* what a keyword does */
enum kw {
	K_UNKNOWN = 0, K_UNUSED, K_INTERACTIVE, K_DEPRECATED, K_HOST, K_MATCH, K_INCLUDE,
	K_HOSTNAME, K_PORT, K_USER, K_IDENTITYFILE, K_IDENTITIESONLY,
	K_PROXYJUMP, K_PROXYCOMMAND, K_KEX, K_HOSTKEY, K_PUBKEY, K_CIPHERS,
	K_MACS, K_CONNECTTIMEOUT, K_STRICT, K_KNOWNHOSTS, K_SERVERALIVE,
	K_IGNOREUNKNOWN,
};

static const struct { const char *name; enum kw kw; } keywords[] = {
	{ "host", K_HOST }, { "match", K_MATCH }, { "include", K_INCLUDE },
	{ "hostname", K_HOSTNAME }, { "port", K_PORT }, { "user", K_USER },
	{ "identityfile", K_IDENTITYFILE }, { "identitiesonly", K_IDENTITIESONLY },
	{ "proxyjump", K_PROXYJUMP }, { "proxycommand", K_PROXYCOMMAND },
	{ "kexalgorithms", K_KEX }, { "hostkeyalgorithms", K_HOSTKEY },
	{ "pubkeyacceptedalgorithms", K_PUBKEY }, { "pubkeyacceptedkeytypes", K_PUBKEY },
	{ "ciphers", K_CIPHERS }, { "macs", K_MACS },
	{ "connecttimeout", K_CONNECTTIMEOUT }, { "stricthostkeychecking", K_STRICT },
	{ "userknownhostsfile", K_KNOWNHOSTS }, { "serveraliveinterval", K_SERVERALIVE },
	{ "ignoreunknown", K_IGNOREUNKNOWN },
	/* OpenSSH keywords that ztp does not implement: a warning each when
	 * they change how a connection is made; a note (shown with -v and
	 * by -G) when they only concern interactive sessions */
	{ "addkeystoagent", K_INTERACTIVE }, { "addressfamily", K_UNUSED },
	{ "batchmode", K_UNUSED }, { "bindaddress", K_UNUSED }, { "bindinterface", K_UNUSED },
	{ "canonicaldomains", K_UNUSED }, { "canonicalizefallbacklocal", K_UNUSED },
	{ "canonicalizehostname", K_UNUSED }, { "canonicalizemaxdots", K_UNUSED },
	{ "canonicalizepermittedcnames", K_UNUSED }, { "casignaturealgorithms", K_UNUSED },
	{ "certificatefile", K_UNUSED }, { "checkhostip", K_UNUSED },
	{ "clearallforwardings", K_INTERACTIVE }, { "compression", K_UNUSED },
	{ "connectionattempts", K_UNUSED }, { "controlmaster", K_INTERACTIVE },
	{ "controlpath", K_INTERACTIVE }, { "controlpersist", K_INTERACTIVE },
	{ "dynamicforward", K_INTERACTIVE }, { "enableescapecommandline", K_INTERACTIVE },
	{ "enablesshkeysign", K_UNUSED }, { "escapechar", K_INTERACTIVE },
	{ "exitonforwardfailure", K_INTERACTIVE }, { "fingerprinthash", K_UNUSED },
	{ "forkafterauthentication", K_INTERACTIVE }, { "forwardagent", K_INTERACTIVE },
	{ "forwardx11", K_INTERACTIVE }, { "forwardx11timeout", K_INTERACTIVE },
	{ "forwardx11trusted", K_INTERACTIVE }, { "gatewayports", K_INTERACTIVE },
	{ "globalknownhostsfile", K_UNUSED }, { "gssapiauthentication", K_INTERACTIVE },
	{ "gssapidelegatecredentials", K_INTERACTIVE }, { "hashknownhosts", K_INTERACTIVE },
	{ "hostbasedacceptedalgorithms", K_UNUSED }, { "hostbasedauthentication", K_UNUSED },
	{ "hostbasedkeytypes", K_UNUSED }, { "hostkeyalias", K_UNUSED },
	{ "identityagent", K_UNUSED }, { "ipqos", K_UNUSED },
	{ "kbdinteractiveauthentication", K_UNUSED }, { "kbdinteractivedevices", K_UNUSED },
	{ "knownhostscommand", K_UNUSED }, { "localcommand", K_INTERACTIVE },
	{ "localforward", K_INTERACTIVE }, { "loglevel", K_INTERACTIVE }, { "logverbose", K_INTERACTIVE },
	{ "nohostauthenticationforlocalhost", K_UNUSED },
	{ "numberofpasswordprompts", K_UNUSED }, { "passwordauthentication", K_UNUSED },
	{ "permitlocalcommand", K_INTERACTIVE }, { "permitremoteopen", K_INTERACTIVE },
	{ "pkcs11provider", K_UNUSED }, { "preferredauthentications", K_UNUSED },
	{ "proxyusefdpass", K_UNUSED }, { "pubkeyauthentication", K_UNUSED },
	{ "rekeylimit", K_UNUSED }, { "remotecommand", K_INTERACTIVE },
	{ "remoteforward", K_INTERACTIVE }, { "requesttty", K_INTERACTIVE },
	{ "requiredrsasize", K_UNUSED }, { "revokedhostkeys", K_UNUSED },
	{ "securitykeyprovider", K_UNUSED }, { "sendenv", K_INTERACTIVE },
	{ "serveralivecountmax", K_UNUSED }, { "sessiontype", K_INTERACTIVE },
	{ "setenv", K_INTERACTIVE }, { "stdinnull", K_INTERACTIVE },
	{ "streamlocalbindmask", K_INTERACTIVE }, { "streamlocalbindunlink", K_INTERACTIVE },
	{ "tcpkeepalive", K_UNUSED }, { "tunnel", K_INTERACTIVE }, { "tunneldevice", K_INTERACTIVE },
	{ "updatehostkeys", K_INTERACTIVE }, { "verifyhostkeydns", K_UNUSED },
	{ "visualhostkey", K_INTERACTIVE }, { "xauthlocation", K_INTERACTIVE },
	{ "challengeresponseauthentication", K_UNUSED }, { "kerberosauthentication", K_UNUSED },
	{ "tag", K_INTERACTIVE }, { "obscurekeystroketiming", K_INTERACTIVE },
	{ "channeltimeout", K_INTERACTIVE },
	/* removed from OpenSSH long ago; it says so and goes on */
	{ "protocol", K_DEPRECATED }, { "cipher", K_DEPRECATED },
	{ "rsaauthentication", K_DEPRECATED }, { "rhostsrsaauthentication", K_DEPRECATED },
	{ "compressionlevel", K_DEPRECATED }, { "useroaming", K_DEPRECATED },
	{ "usersh", K_DEPRECATED }, { "fallbacktorsh", K_DEPRECATED },
	{ "useprivilegedport", K_DEPRECATED }, { "globalknownhostsfile2", K_DEPRECATED },
	{ "userknownhostsfile2", K_DEPRECATED }, { "skeyauthentication", K_DEPRECATED },
	{ "gssapikeyexchange", K_DEPRECATED }, { "gssapitrustdns", K_DEPRECATED },
};

/* evaluation state for one destination */
struct ctx {
	struct ztp_sshconf *cf;
	struct ztp_sshopts *o;
	const char *host;	/* original */
	char *ignore_unknown;
	struct ztp_err *e;
	int failed;
};

static enum kw lookup(const char *k)
{
	size_t i;

	for (i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
		if (strcmp(keywords[i].name, k) == 0)
			return keywords[i].kw;
	return K_UNKNOWN;
}

/* shell-style glob of one pattern: '*' and '?' */
static int pmatch(const char *s, const char *p, int nocase)
{
	for (;; s++, p++) {
		if (*p == '\0')
			return *s == '\0';
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (*p == '\0')
				return 1;
			for (; *s; s++)
				if (pmatch(s, p, nocase))
					return 1;
			return 0;
		}
		if (*s == '\0')
			return 0;
		if (*p != '?' && (nocase ? tolower((unsigned char)*s) != tolower((unsigned char)*p)
				  : *s != *p))
			return 0;
	}
}

/* OpenSSH's pattern lists: "a,b,!c": 1 match, 0 no match, -1 negated */
static int plist_match(const char *s, const char *list, int nocase)
{
	char *copy = ztp_xstrdup(list), *p, *next;
	int got = 0;

	for (p = copy; p; p = next) {
		int neg = *p == '!';

		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		if (*p == '\0')
			continue;

		if (pmatch(s, p + neg, nocase)) {
			if (neg) {
				got = -1;
				break;
			}
			got = 1;
		}
	}
	free(copy);
	return got;
}

/* Split the arguments of a line like OpenSSH: whitespace separates,
 * quotes group, backslash escapes quotes, backslash and space, '#' at the
 * start of an argument ends the line. */
static int split_args(const char *s, char ***argv, int *argc)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	char **v = NULL;
	int n = 0;

	*argv = NULL;
	*argc = 0;
	for (;;) {
		char q = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			break;
		ztp_buf_reset(&b);
		ztp_buf_adds(&b, "");
		for (; *s; s++) {
			if (q == 0 && (*s == ' ' || *s == '\t'))
				break;
			if (*s == '\\' && (s[1] == '"' || s[1] == '\'' || s[1] == '\\' ||
					   (q == 0 && s[1] == ' '))) {
				ztp_buf_addc(&b, *++s);
				continue;
			}
			if (q == 0 && (*s == '"' || *s == '\'')) {
				q = *s;
				continue;
			}
			if (q && *s == q) {
				q = 0;
				continue;
			}
			ztp_buf_addc(&b, *s);
		}
		if (q) {
			ztp_buf_free(&b);
			while (n > 0)
				free(v[--n]);
			free(v);
			return -1;	/* unterminated quote */
		}
		v = ztp_xrealloc(v, (size_t)n + 2, sizeof *v);
		v[n++] = ztp_xstrdup(b.p);
		v[n] = NULL;
	}
	ztp_buf_free(&b);
	*argv = v;
	*argc = n;
	return 0;
}

static void free_args(char **v, int n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

static void warn(struct ctx *c, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void warn(struct ctx *c, const char *file, int line, const char *fmt, ...)
{
	struct ztp_strlist *w = &c->o->warnings;
	char msg[600];
	va_list ap;

	snprintf(msg, sizeof msg, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(msg + strlen(msg), sizeof msg - strlen(msg), fmt, ap);
	va_end(ap);
	if (!ztp_strlist_has(w, msg))
		ztp_strlist_add(w, msg);
}

static int fail(struct ctx *c, const char *file, int line, const char *what, const char *arg)
{
	ztp_err_set(c->e, ZTP_ERR_CONFIG, "%s: line %d: %s%s%s%s", file, line, what,
		    arg ? " '" : "", arg ? ztp_esc(arg) : "", arg ? "'" : "");
	c->failed = 1;
	return -1;
}

static char *tilde(struct ctx *c, const char *p)
{
	char *out;
	size_t n;

	if (p[0] != '~' || (p[1] != '/' && p[1] != '\0'))
		return ztp_xstrdup(p);
	n = strlen(c->cf->home) + strlen(p) + 1;
	out = ztp_xmalloc(n);
	snprintf(out, n, "%s%s", c->cf->home, p + 1);
	return out;
}

/* HostName with its %h (the name as asked for) expanded */
static int expand(struct ctx *c, const char *s, const char *allowed, char **out);

static int expand_hostname(struct ctx *c, char **out)
{
	char *raw = c->o->hostname;
	int rc;

	c->o->hostname = NULL;
	rc = expand(c, raw, "%h", out);
	c->o->hostname = raw;
	return rc;
}

/* %-tokens: allowed is the set of letters valid for the keyword */
static int expand(struct ctx *c, const char *s, const char *allowed, char **out)
{
	const struct ztp_sshopts *o = c->o;
	struct ztp_buf b = ZTP_BUF_INIT;
	char port[16];

	snprintf(port, sizeof port, "%d", o->port ? o->port : 22);
	for (; *s; s++) {
		const char *v = NULL;

		if (*s != '%') {
			ztp_buf_addc(&b, *s);
			continue;
		}
		s++;
		if (*s == '\0' || !strchr(allowed, *s)) {
			ztp_buf_free(&b);
			return -1;
		}
		switch (*s) {
		case '%': v = "%"; break;
		case 'h': v = o->hostname ? o->hostname : c->host; break;
		case 'n': v = c->host; break;
		case 'p': v = port; break;
		case 'r': v = o->user ? o->user : c->cf->luser; break;
		case 'd': v = c->cf->home; break;
		case 'u': v = c->cf->luser; break;
		}
		ztp_buf_adds(&b, v ? v : "");
	}
	*out = ztp_buf_detach(&b, NULL);
	return 0;
}

static int parse_time(const char *s, long long *out)
{
	long long total = 0, v;
	char num[32];
	size_t n;

	/* OpenSSH time format: 90, 1m30s, 2h ... */
	if (*s == '\0')
		return -1;
	while (*s) {
		n = strspn(s, "0123456789");
		if (n == 0 || n >= sizeof num)
			return -1;
		memcpy(num, s, n);
		num[n] = '\0';
		if (ztp_parse_ll(num, 0, 1LL << 40, &v) < 0)
			return -1;
		s += n;
		switch (*s) {
		case '\0': total += v; break;
		case 's': case 'S': total += v; s++; break;
		case 'm': case 'M': total += v * 60; s++; break;
		case 'h': case 'H': total += v * 3600; s++; break;
		case 'd': case 'D': total += v * 86400; s++; break;
		case 'w': case 'W': total += v * 604800; s++; break;
		default: return -1;
		}
	}
	*out = total;
	return 0;
}

static int yesno(const char *s)
{
	if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0)
		return 1;
	if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0)
		return 0;
	return -1;
}

static void set_src(struct ctx *c, int which, const char *file, int line)
{
	char buf[600];

	snprintf(buf, sizeof buf, "%s:%d", file, line);
	free(c->o->src[which]);
	c->o->src[which] = ztp_xstrdup(buf);
}

/* Match criteria: 1 active, 0 not, -1 error */
static int match_line(struct ctx *c, char **av, int ac, const char *file, int line)
{
	struct ztp_sshopts *o = c->o;
	int i, result = 1;

	if (ac == 0)
		return fail(c, file, line, "Match needs criteria", NULL);
	for (i = 0; i < ac; i++) {
		char *crit = av[i];
		int neg = crit[0] == '!', r;

		crit += neg;
		if (strcasecmp(crit, "all") == 0) {
			r = 1;
		} else if (strcasecmp(crit, "canonical") == 0 || strcasecmp(crit, "final") == 0) {
			warn(c, file, line, "Match %s is not supported by ztp (no hostname canonicalization): treated as not matching", crit);
			r = 0;
		} else if (strcasecmp(crit, "exec") == 0 || strcasecmp(crit, "localnetwork") == 0 ||
			   strcasecmp(crit, "tagged") == 0) {
			warn(c, file, line, "Match %s is refused by ztp (it would run or depend on local state): treated as not matching", crit);
			if (i + 1 < ac)
				i++;
			r = 0;
		} else if (strcasecmp(crit, "host") == 0 || strcasecmp(crit, "originalhost") == 0 ||
			   strcasecmp(crit, "user") == 0 || strcasecmp(crit, "localuser") == 0) {
			const char *subject;
			char *hn = NULL;

			if (i + 1 >= ac)
				return fail(c, file, line, "Match criterion needs an argument:", crit);
			if (strcasecmp(crit, "host") == 0) {
				if (o->hostname && expand_hostname(c, &hn) < 0)
					return fail(c, file, line, "bad token in HostName", o->hostname);
				subject = hn ? hn : c->host;
				r = plist_match(subject, av[++i], 1) == 1;
			} else if (strcasecmp(crit, "originalhost") == 0) {
				r = plist_match(c->host, av[++i], 1) == 1;
			} else if (strcasecmp(crit, "user") == 0) {
				r = plist_match(o->user ? o->user : c->cf->luser, av[++i], 0) == 1;
			} else {
				r = plist_match(c->cf->luser, av[++i], 0) == 1;
			}
			free(hn);
		} else {
			return fail(c, file, line, "unknown Match criterion", crit);
		}
		if (neg)
			r = !r;
		if (!r)
			result = 0;
	}
	return result;
}

static int eval_file(struct ctx *c, const char *path, int depth, int user_file, int must_exist);

static int include(struct ctx *c, char **av, int ac, const char *file, int line, int depth,
		   int user_file)
{
	int i, rc = 0;

	for (i = 0; i < ac && rc == 0; i++) {
		char *p = tilde(c, av[i]), *full;
		glob_t g;
		size_t k, n;

		if (p[0] != '/') {
			const char *base = user_file ? c->cf->home : "/etc/ssh";

			n = strlen(base) + strlen(p) + 8;
			full = ztp_xmalloc(n);
			snprintf(full, n, user_file ? "%s/.ssh/%s" : "%s/%s", base, p);
			free(p);
			p = full;
		}
		memset(&g, 0, sizeof g);
		if (glob(p, 0, NULL, &g) == 0)
			for (k = 0; k < g.gl_pathc && rc == 0; k++)
				rc = eval_file(c, g.gl_pathv[k], depth + 1, user_file, 1);
		globfree(&g);
		free(p);
	}
	(void)file;
	(void)line;
	return rc;
}

/* Apply one active line. */
static int apply(struct ctx *c, enum kw kw, const char *key, char **av, int ac,
		 const char *rest, const char *file, int line)
{
	struct ztp_sshopts *o = c->o;
	long long v;
	int i;

	switch (kw) {
	case K_HOSTNAME:
		if (ac != 1)
			return fail(c, file, line, "HostName takes one argument", NULL);
		if (o->hostname == NULL) {
			o->hostname = ztp_xstrdup(av[0]);
			set_src(c, ZTP_SO_HOSTNAME, file, line);
		}
		return 0;
	case K_PORT:
		if (ac != 1 || ztp_parse_ll(av[0], 1, 65535, &v) < 0)
			return fail(c, file, line, "bad port", ac ? av[0] : NULL);
		if (o->port == 0) {
			o->port = (int)v;
			set_src(c, ZTP_SO_PORT, file, line);
		}
		return 0;
	case K_USER:
		if (ac != 1)
			return fail(c, file, line, "User takes one argument", NULL);
		if (o->user == NULL) {
			o->user = ztp_xstrdup(av[0]);
			set_src(c, ZTP_SO_USER, file, line);
		}
		return 0;
	case K_IDENTITYFILE:
		if (ac != 1)
			return fail(c, file, line, "IdentityFile takes one argument", NULL);
		if (ztp_strlist_has(&o->identity_files, av[0]))
			return 0;
		if (o->identity_files.n >= MAX_IDENTITY)
			return fail(c, file, line, "too many identity files", NULL);
		ztp_strlist_add(&o->identity_files, av[0]);
		if (o->src[ZTP_SO_IDENTITYFILE] == NULL)
			set_src(c, ZTP_SO_IDENTITYFILE, file, line);
		return 0;
	case K_IDENTITIESONLY:
		if (ac != 1 || (i = yesno(av[0])) < 0)
			return fail(c, file, line, "IdentitiesOnly takes yes or no, not", ac ? av[0] : "");
		if (o->identities_only < 0) {
			o->identities_only = i;
			set_src(c, ZTP_SO_IDENTITIESONLY, file, line);
		}
		return 0;
	case K_PROXYJUMP:
		if (ac != 1)
			return fail(c, file, line, "ProxyJump takes one argument (hosts separated by commas)", NULL);
		/* first of ProxyJump/ProxyCommand wins */
		if (o->proxy_jump == NULL && o->proxy_command == NULL) {
			o->proxy_jump = ztp_xstrdup(av[0]);
			set_src(c, ZTP_SO_PROXYJUMP, file, line);
		}
		return 0;
	case K_PROXYCOMMAND:
		if (rest == NULL || *rest == '\0')
			return fail(c, file, line, "ProxyCommand needs a command", NULL);
		if (o->proxy_command == NULL &&
		    (o->proxy_jump == NULL || strcmp(o->proxy_jump, "none") == 0)) {
			o->proxy_command = ztp_xstrdup(rest);
			set_src(c, ZTP_SO_PROXYCOMMAND, file, line);
		}
		return 0;
	case K_KEX: case K_HOSTKEY: case K_PUBKEY: case K_CIPHERS: case K_MACS: {
		int idx = kw == K_KEX ? ZTP_SSHCONF_KEX : kw == K_HOSTKEY ? ZTP_SSHCONF_HOSTKEY :
			  kw == K_PUBKEY ? ZTP_SSHCONF_PUBKEY : kw == K_CIPHERS ? ZTP_SSHCONF_CIPHERS :
			  ZTP_SSHCONF_MACS;

		if (ac != 1)
			return fail(c, file, line, "an algorithm list is one argument (comma separated) for", key);
		if (o->alg[idx] == NULL) {
			o->alg[idx] = ztp_xstrdup(av[0]);
			set_src(c, ZTP_SO_KEX + idx, file, line);
		}
		return 0;
	}
	case K_CONNECTTIMEOUT:
		if (ac != 1)
			return fail(c, file, line, "ConnectTimeout takes one argument", NULL);
		if (strcmp(av[0], "none") == 0)
			v = -1;
		else if (parse_time(av[0], &v) < 0)
			return fail(c, file, line, "bad ConnectTimeout", av[0]);
		if (o->src[ZTP_SO_CONNECTTIMEOUT] == NULL) {
			o->connect_timeout = v;
			set_src(c, ZTP_SO_CONNECTTIMEOUT, file, line);
		}
		return 0;
	case K_STRICT: {
		enum ztp_strict st;

		if (ac != 1)
			return fail(c, file, line, "StrictHostKeyChecking takes one argument", NULL);
		if (strcmp(av[0], "yes") == 0 || strcmp(av[0], "true") == 0)
			st = ZTP_STRICT_YES;
		else if (strcmp(av[0], "no") == 0 || strcmp(av[0], "false") == 0 ||
			 strcmp(av[0], "off") == 0)
			st = ZTP_STRICT_NO;
		else if (strcmp(av[0], "ask") == 0)
			st = ZTP_STRICT_ASK;
		else if (strcmp(av[0], "accept-new") == 0)
			st = ZTP_STRICT_ACCEPT_NEW;
		else
			return fail(c, file, line, "StrictHostKeyChecking takes yes, no, ask or accept-new, not", av[0]);
		if (o->strict == ZTP_STRICT_UNSET) {
			o->strict = st;
			set_src(c, ZTP_SO_STRICT, file, line);
		}
		return 0;
	}
	case K_KNOWNHOSTS:
		if (ac < 1)
			return fail(c, file, line, "UserKnownHostsFile needs a file", NULL);
		if (o->known_hosts.n == 0) {
			o->known_hosts.v = ztp_xcalloc((size_t)ac, sizeof *o->known_hosts.v);
			for (i = 0; i < ac; i++)
				o->known_hosts.v[o->known_hosts.n++] = ztp_xstrdup(av[i]);
			set_src(c, ZTP_SO_KNOWNHOSTS, file, line);
		}
		return 0;
	case K_SERVERALIVE:
		if (ac != 1 || parse_time(av[0], &v) < 0)
			return fail(c, file, line, "bad ServerAliveInterval", ac ? av[0] : NULL);
		if (o->src[ZTP_SO_SERVERALIVE] == NULL) {
			o->server_alive_interval = v;
			set_src(c, ZTP_SO_SERVERALIVE, file, line);
		}
		return 0;
	case K_IGNOREUNKNOWN:
		if (ac == 1 && c->ignore_unknown == NULL)
			c->ignore_unknown = ztp_xstrdup(av[0]);
		return 0;
	case K_UNUSED:
		warn(c, file, line, "ztp does not implement '%s': ignored for this host", key);
		return 0;
	case K_INTERACTIVE:
		warn(c, file, line, "note: '%s' concerns interactive sessions only: not used by ztp", key);
		return 0;
	case K_DEPRECATED:
		warn(c, file, line, "'%s' is deprecated (OpenSSH ignores it too)", key);
		return 0;
	default:
		return 0;
	}
}

static int eval_file(struct ctx *c, const char *path, int depth, int user_file, int must_exist)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err re;
	char *p, *next;
	int lineno = 0, active = 1, rc = 0;

	if (depth > MAX_DEPTH)
		return fail(c, path, 0, "Include nested too deeply (a loop?)", NULL);
	if (ztp_buf_read_file(&b, path, MAX_FILE, &re) < 0) {
		ztp_buf_free(&b);
		if (!must_exist && re.sys == ENOENT)
			return 0;
		ztp_err_set(c->e, ZTP_ERR_CONFIG, "%s", re.msg);
		c->failed = 1;
		return -1;
	}
	for (p = b.p ? b.p : ""; p && *p && rc == 0; p = next) {
		char key[64], *rest, **av;
		size_t n, kl;
		int ac;
		enum kw kw;

		lineno++;
		next = strchr(p, '\n');
		if (next)
			*next++ = '\0';
		n = strlen(p);
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			p[--n] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		kl = strcspn(p, " \t=");
		if (kl >= sizeof key) {
			rc = fail(c, path, lineno, "keyword too long", NULL);
			break;
		}
		for (n = 0; n < kl; n++)
			key[n] = (char)tolower((unsigned char)p[n]);
		key[kl] = '\0';
		rest = p + kl;
		rest += strspn(rest, " \t");
		if (*rest == '=')
			rest++;
		rest += strspn(rest, " \t");
		kw = lookup(key);
		if (kw == K_UNKNOWN) {
			if (c->ignore_unknown && plist_match(key, c->ignore_unknown, 1) == 1) {
				warn(c, path, lineno, "unknown keyword '%s' ignored (IgnoreUnknown)", key);
				continue;
			}
			rc = fail(c, path, lineno, "Bad configuration option:", key);
			break;
		}
		if (split_args(rest, &av, &ac) < 0) {
			rc = fail(c, path, lineno, "unterminated quote", NULL);
			break;
		}
		if (kw == K_HOST) {
			int i, m = 0;

			for (i = 0; i < ac; i++) {
				int neg = av[i][0] == '!';

				if (pmatch(c->host, av[i] + neg, 0)) {
					if (neg) {
						m = 0;
						break;
					}
					m = 1;
				}
			}
			active = m;
		} else if (kw == K_MATCH) {
			int m = match_line(c, av, ac, path, lineno);

			if (m < 0)
				rc = -1;
			active = m > 0;
		} else if (kw == K_INCLUDE) {
			if (ac == 0)
				rc = fail(c, path, lineno, "Include needs a file", NULL);
			else if (active)
				rc = include(c, av, ac, path, lineno, depth, user_file);
		} else if (active) {
			rc = apply(c, kw, key, av, ac, rest, path, lineno);
		}
		free_args(av, ac);
	}
	ztp_buf_free(&b);
	return rc;
}

int ztp_sshconf_new(struct ztp_sshconf **cfp, const char *file, struct ztp_err *e)
{
	struct ztp_sshconf *cf = ztp_xcalloc(1, sizeof *cf);
	struct passwd *pw = getpwuid(getuid());
	const char *home = getenv("HOME");

	if (pw == NULL && (home == NULL || *home == '\0')) {
		free(cf);
		return ztp_err_set(e, ZTP_ERR_CONFIG, "cannot find the home directory of uid %u",
				   (unsigned)getuid());
	}
	cf->home = ztp_xstrdup(pw ? pw->pw_dir : home);
	cf->luser = ztp_xstrdup(pw ? pw->pw_name : "unknown");
	cf->file = file ? ztp_xstrdup(file) : NULL;
	*cfp = cf;
	return 0;
}

void ztp_sshconf_free(struct ztp_sshconf *cf)
{
	if (cf == NULL)
		return;
	free(cf->file);
	free(cf->home);
	free(cf->luser);
	free(cf);
}

void ztp_sshopts_free(struct ztp_sshopts *o)
{
	int i;

	if (o == NULL)
		return;
	free(o->host);
	free(o->hostname);
	free(o->user);
	ztp_strlist_free(&o->identity_files);
	free(o->proxy_jump);
	free(o->proxy_command);
	for (i = 0; i < ZTP_SSHCONF_NALG; i++)
		free(o->alg[i]);
	ztp_strlist_free(&o->known_hosts);
	for (i = 0; i < ZTP_SO_N; i++)
		free(o->src[i]);
	ztp_strlist_free(&o->warnings);
	memset(o, 0, sizeof *o);
}

int ztp_sshconf_resolve(struct ztp_sshconf *cf, const char *host,
			const char *user, int port, struct ztp_sshopts *o,
			struct ztp_err *e)
{
	static const char *const def_ids[] = { "~/.ssh/id_rsa", "~/.ssh/id_ecdsa",
		"~/.ssh/id_ecdsa_sk", "~/.ssh/id_ed25519", "~/.ssh/id_ed25519_sk",
		"~/.ssh/id_xmss", "~/.ssh/id_dsa", NULL };
	struct ctx c = { cf, o, host, NULL, e, 0 };
	char *hn, *userconf;
	size_t i, n;
	int rc;

	memset(o, 0, sizeof *o);
	/* as OpenSSH: a name that could smuggle shell syntax into a
	 * ProxyCommand, or pass for an option, is not a host name */
	if (host[0] == '-' || host[0] == '\0' || host[strcspn(host, " \t'\"`$\\;&<>|(){}\r\n")] != '\0')
		return ztp_err_set(e, ZTP_ERR_USAGE, "host name '%s' contains invalid characters",
				   ztp_esc(host));
	o->identities_only = -1;
	o->connect_timeout = -1;
	o->strict = ZTP_STRICT_UNSET;
	o->server_alive_interval = -1;
	o->host = ztp_xstrdup(host);
	/* command-line values come first, so they win */
	if (user)
		o->user = ztp_xstrdup(user);
	if (port > 0)
		o->port = port;
	if (cf->file) {
		rc = eval_file(&c, cf->file, 0, 1, 1);
	} else {
		n = strlen(cf->home) + 16;
		userconf = ztp_xmalloc(n);
		snprintf(userconf, n, "%s/.ssh/config", cf->home);
		rc = eval_file(&c, userconf, 0, 1, 0);
		free(userconf);
		if (rc == 0)
			rc = eval_file(&c, "/etc/ssh/ssh_config", 0, 0, 0);
	}
	free(c.ignore_unknown);
	if (rc < 0) {
		ztp_sshopts_free(o);
		return ZTP_ERR_CONFIG;
	}
	/* defaults and final values, as OpenSSH fills them in */
	if (o->hostname) {
		if (expand_hostname(&c, &hn) < 0) {
			ztp_err_set(e, ZTP_ERR_CONFIG, "%s: bad token in HostName '%s' (only %%h and %%%% are allowed)",
				    o->src[ZTP_SO_HOSTNAME], ztp_esc(o->hostname));
			ztp_sshopts_free(o);
			return ZTP_ERR_CONFIG;
		}
		free(o->hostname);
		o->hostname = hn;
	} else
		o->hostname = ztp_xstrdup(host);
	for (hn = o->hostname; *hn; hn++)
		*hn = (char)tolower((unsigned char)*hn);
	if (o->port == 0)
		o->port = 22;
	if (o->user == NULL)
		o->user = ztp_xstrdup(cf->luser);
	if (o->identities_only < 0)
		o->identities_only = 0;
	if (o->identity_files.n == 0) {
		o->identity_files_default = 1;
		for (i = 0; def_ids[i]; i++)
			ztp_strlist_add(&o->identity_files, def_ids[i]);
	}
	if (o->proxy_jump && strcmp(o->proxy_jump, "none") == 0) {
		free(o->proxy_jump);
		o->proxy_jump = NULL;
	}
	if (o->proxy_command && strcmp(o->proxy_command, "none") == 0) {
		free(o->proxy_command);
		o->proxy_command = NULL;
	}
	if (o->strict == ZTP_STRICT_UNSET)
		o->strict = ZTP_STRICT_ASK;
	if (o->server_alive_interval < 0)
		o->server_alive_interval = 0;
	if (o->known_hosts.n == 0) {
		o->known_hosts.v = ztp_xcalloc(2, sizeof *o->known_hosts.v);
		o->known_hosts.v[o->known_hosts.n++] = ztp_xstrdup("~/.ssh/known_hosts");
		o->known_hosts.v[o->known_hosts.n++] = ztp_xstrdup("~/.ssh/known_hosts2");
	}
	for (i = 0; i < o->known_hosts.n; i++) {
		char *t = tilde(&c, o->known_hosts.v[i]), *x;

		if (expand(&c, t, "%CdhiklLnpru", &x) < 0) {
			ztp_err_set(e, ZTP_ERR_CONFIG, "%s: bad token in UserKnownHostsFile '%s'",
				    o->src[ZTP_SO_KNOWNHOSTS] ? o->src[ZTP_SO_KNOWNHOSTS] : "default",
				    ztp_esc(t));
			free(t);
			ztp_sshopts_free(o);
			return ZTP_ERR_CONFIG;
		}
		free(t);
		free(o->known_hosts.v[i]);
		o->known_hosts.v[i] = x;
	}
	return 0;
}

int ztp_sshopts_print(const struct ztp_sshopts *o, struct ztp_buf *b)
{
	static const char *const strict[] = { "false", "true", "ask", "accept-new" };
	static const char *const algk[ZTP_SSHCONF_NALG] = { "kexalgorithms", "hostkeyalgorithms",
		"ciphers", "macs", NULL, "pubkeyacceptedalgorithms" };
	size_t i;

	ztp_buf_addf(b, "host %s\n", o->host);
	ztp_buf_addf(b, "hostname %s\n", o->hostname);
	ztp_buf_addf(b, "port %d\n", o->port);
	ztp_buf_addf(b, "user %s\n", o->user);
	ztp_buf_addf(b, "identitiesonly %s\n", o->identities_only ? "yes" : "no");
	for (i = 0; i < o->identity_files.n; i++)
		ztp_buf_addf(b, "identityfile %s\n", o->identity_files.v[i]);
	if (o->proxy_jump)
		ztp_buf_addf(b, "proxyjump %s\n", o->proxy_jump);
	if (o->proxy_command)
		ztp_buf_addf(b, "proxycommand %s\n", o->proxy_command);
	for (i = 0; i < ZTP_SSHCONF_NALG; i++)
		if (o->alg[i] && algk[i])
			ztp_buf_addf(b, "%s %s\n", algk[i], o->alg[i]);
	if (o->connect_timeout < 0)
		ztp_buf_adds(b, "connecttimeout none\n");
	else
		ztp_buf_addf(b, "connecttimeout %lld\n", o->connect_timeout);
	ztp_buf_addf(b, "stricthostkeychecking %s\n", strict[o->strict]);
	ztp_buf_adds(b, "userknownhostsfile");
	for (i = 0; i < o->known_hosts.n; i++)
		ztp_buf_addf(b, " %s", o->known_hosts.v[i]);
	ztp_buf_addc(b, '\n');
	ztp_buf_addf(b, "serveraliveinterval %lld\n", o->server_alive_interval);
	return 0;
}
