/* cliignore.c: the ssh_config lines a client does not read (see
 * cliignore.h).  Sources: SSH-PROFILES.md §1.4 (netmiko v4.6.0
 * BaseConnection._use_ssh_config), §1 (paramiko: no "on" setting,
 * disabled_algorithms removes only), §3 (libssh: "+,-,^ modifiers" new in
 * 0.11.0, ssh_keep_known_algos drops unknown names in 0.10), §5, §6. */
#include <glob.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cliignore.h"
#include "xmalloc.h"

#define MAX_FILE ((size_t)1 << 20)
#define MAX_DEPTH 8
#define MAX_NAMED 2000

struct scan {
	const struct ztp_sshprof *p;
	struct ztp_sshalg_lib lib;	/* the profile's defaults, for full lists */
	int have_lib;
	const char *home;
	struct ztp_buf *out;
	int named;
};

/* the algorithm keywords, by the profile category they set (-1: none) */
static int alg_cat(const char *kw)
{
	if (strcasecmp(kw, "kexalgorithms") == 0)
		return ZTP_ALG_KEX;
	if (strcasecmp(kw, "hostkeyalgorithms") == 0)
		return ZTP_ALG_HOSTKEY;
	if (strcasecmp(kw, "ciphers") == 0)
		return ZTP_ALG_CIPHER;
	if (strcasecmp(kw, "macs") == 0)
		return ZTP_ALG_MAC;
	if (strcasecmp(kw, "pubkeyacceptedalgorithms") == 0 || strcasecmp(kw, "pubkeyacceptedkeytypes") == 0)
		return ZTP_ALG_PUBKEY;
	return -1;
}

static int structural(const char *kw)
{
	return strcasecmp(kw, "host") == 0 || strcasecmp(kw, "match") == 0 ||
	       strcasecmp(kw, "include") == 0;
}

/* what netmiko's ConnectHandler takes instead (netmiko BaseConnection
 * arguments) */
static const char *netmiko_instead(const char *kw)
{
	static const struct { const char *kw, *instead; } t[] = {
		{ "connecttimeout", "ConnectHandler(conn_timeout=...)" },
		{ "stricthostkeychecking", "ConnectHandler(ssh_strict=True)" },
		{ "userknownhostsfile", "ConnectHandler(system_host_keys=True, alt_host_keys=True, "
					"alt_key_file=...)" },
		{ "identitiesonly", "ConnectHandler(allow_agent=False, use_keys=True, key_file=...)" },
		{ "serveraliveinterval", "ConnectHandler(keepalive=...)" },
	};
	size_t i;

	if (alg_cat(kw) >= 0)
		return "ConnectHandler(disabled_algorithms=...) only removes; an algorithm paramiko "
		       "no longer has cannot be added (pin paramiko<5 for SHA-1)";
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcasecmp(kw, t[i].kw) == 0)
			return t[i].instead;
	return "nothing: netmiko has no such setting";
}

/* what paramiko's SSHClient takes instead */
static const char *paramiko_instead(const char *kw)
{
	static const struct { const char *kw, *instead; } t[] = {
		{ "hostname", "SSHClient.connect(hostname=...)" },
		{ "port", "SSHClient.connect(port=...)" },
		{ "user", "SSHClient.connect(username=...)" },
		{ "identityfile", "SSHClient.connect(key_filename=...)" },
		{ "proxycommand", "SSHClient.connect(sock=paramiko.ProxyCommand(...))" },
		{ "proxyjump", "SSHClient.connect(sock=...) with a channel of a first SSHClient" },
		{ "connecttimeout", "SSHClient.connect(timeout=...)" },
		{ "stricthostkeychecking", "SSHClient.set_missing_host_key_policy(...)" },
		{ "userknownhostsfile", "SSHClient.load_host_keys(...)" },
		{ "identitiesonly", "SSHClient.connect(allow_agent=False, look_for_keys=False)" },
		{ "serveraliveinterval", "Transport.set_keepalive(...)" },
	};
	size_t i;

	if (alg_cat(kw) >= 0)
		return "nothing: paramiko has no KexAlgorithms (or like) option; it sends all it "
		       "supports and disabled_algorithms only removes";
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcasecmp(kw, t[i].kw) == 0)
			return t[i].instead;
	return "nothing: paramiko has no such setting";
}

/* libssh 0.9/0.10: a list with '+', '-' or '^' */
static void libssh_list(struct scan *S, const char *where, const char *kw, const char *val)
{
	int cat = alg_cat(kw);
	char first[128], kept[1024] = "";
	size_t k, n = ztp_sshalg_count(val);
	char mod = val[0];

	if (cat < 0 || (mod != '+' && mod != '-' && mod != '^'))
		return;
	/* names after the first are read as they are */
	for (k = 1; k < n; k++) {
		char nm[128];

		if (ztp_sshalg_nth(val, k, nm, sizeof nm) == 0 && strlen(kept) + strlen(nm) + 2 < sizeof kept)
			snprintf(kept + strlen(kept), sizeof kept - strlen(kept), "%s%s", kept[0] ? "," : "", nm);
	}
	if (ztp_sshalg_nth(val, 0, first, sizeof first) < 0)
		first[0] = '\0';
	if (kept[0])
		ztp_buf_addf(S->out, "%s: %s %s: not read as meant by %s: it takes no '%c' lists, drops "
			     "'%s' as an unknown name and silently replaces its default list with '%s'",
			     where, kw, val, S->p->name, mod, first, kept);
	else
		ztp_buf_addf(S->out, "%s: %s %s: not read by %s: it takes no '%c' lists and refuses the "
			     "line (\"no allowed algorithm\"); its defaults stay", where, kw, val,
			     S->p->name, mod);
	if (mod == '+' && S->have_lib && cat < ZTP_PROF_NCAT)
		ztp_buf_addf(S->out, "; instead, the full list: %s %s,%s%s%s\n", kw,
			     S->lib.defaults[cat], first + 1, kept[0] ? "," : "", kept);
	else if (mod == '^' && S->have_lib && cat < ZTP_PROF_NCAT)
		ztp_buf_addf(S->out, "; instead, the full list: %s %s%s%s,%s\n", kw, first + 1,
			     kept[0] ? "," : "", kept, S->lib.defaults[cat]);
	else
		ztp_buf_addf(S->out, "; instead: the full list, without the names to remove\n");
	S->named++;
}

static void judge_line(struct scan *S, const char *file, int line, const char *kw, const char *val)
{
	char where[1100];
	const char *why = NULL, *instead = NULL;

	if (S->named >= MAX_NAMED)
		return;
	snprintf(where, sizeof where, "%s:%d", file, line);
	switch (S->p->family) {
	case ZTP_PROF_NETMIKO:
		if (structural(kw) || strcasecmp(kw, "proxycommand") == 0 ||
		    strcasecmp(kw, "proxyjump") == 0 || strcasecmp(kw, "hostname") == 0 ||
		    strcasecmp(kw, "port") == 0 || strcasecmp(kw, "user") == 0 ||
		    strcasecmp(kw, "identityfile") == 0)
			return;
		why = "netmiko reads only ProxyCommand, ProxyJump, HostName, Port, User and IdentityFile";
		instead = netmiko_instead(kw);
		break;
	case ZTP_PROF_PARAMIKO:
		if (structural(kw))
			return;
		why = "paramiko's SSHClient reads no ssh_config (paramiko.SSHConfig only parses it)";
		instead = paramiko_instead(kw);
		break;
	case ZTP_PROF_LIBSSH:
		if (strcmp(S->p->name, "libssh-0.9") == 0 || strcmp(S->p->name, "libssh-0.10") == 0)
			libssh_list(S, where, kw, val);
		return;
	case ZTP_PROF_GO:
		if (structural(kw))
			return;
		why = "x/crypto/ssh reads no ssh_config";
		instead = alg_cat(kw) >= 0 ? "the whole list in ssh.Config (KeyExchanges, Ciphers, MACs) "
			  "or ClientConfig.HostKeyAlgorithms" : "what the program does with its ClientConfig";
		break;
	case ZTP_PROF_LIBSSH2:
		if (structural(kw))
			return;
		why = "libssh2 reads no ssh_config";
		instead = alg_cat(kw) >= 0 ? "libssh2_session_method_pref(), only within what it was built "
			  "with" : "what the program does with its session";
		break;
	default:	/* OpenSSH reads them all; asyncssh: no facts here */
		return;
	}
	ztp_buf_addf(S->out, "%s: %s%s%s: not read by %s: %s; instead: %s\n", where, kw, val[0] ? " " : "",
		     val, S->p->name, why, instead);
	S->named++;
}

static int scan_file(struct scan *S, const char *path, int depth, int user_file, int must,
		     struct ztp_err *e);

static void include(struct scan *S, const char *args, int depth, int user_file, struct ztp_err *e)
{
	char pat[1024], *full;
	size_t k, n = strcspn(args, " \t");
	glob_t g;

	while (*args) {
		n = strcspn(args, " \t");
		if (n == 0 || n >= sizeof pat)
			break;
		memcpy(pat, args, n);
		pat[n] = '\0';
		args += n;
		args += strspn(args, " \t");
		if (pat[0] == '~' && pat[1] == '/') {
			full = ztp_xmalloc(strlen(S->home) + n + 1);
			snprintf(full, strlen(S->home) + n + 1, "%s%s", S->home, pat + 1);
		} else if (pat[0] != '/') {
			size_t len = strlen(S->home) + n + 16;

			full = ztp_xmalloc(len);
			if (user_file)
				snprintf(full, len, "%s/.ssh/%s", S->home, pat);
			else
				snprintf(full, len, "/etc/ssh/%s", pat);
		} else {
			full = ztp_xstrdup(pat);
		}
		memset(&g, 0, sizeof g);
		if (glob(full, 0, NULL, &g) == 0)
			for (k = 0; k < g.gl_pathc; k++)
				scan_file(S, g.gl_pathv[k], depth + 1, user_file, 0, e);
		globfree(&g);
		free(full);
	}
}

static int scan_file(struct scan *S, const char *path, int depth, int user_file, int must,
		     struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	char *p, *nl;
	int line = 0;

	if (depth > MAX_DEPTH)
		return 0;
	if (ztp_buf_read_file(&b, path, MAX_FILE, e) < 0) {
		ztp_buf_free(&b);
		return must ? e->code : 0;
	}
	ztp_buf_addc(&b, '\0');
	for (p = b.p; p && *p; p = nl ? nl + 1 : NULL) {
		char kw[64], *val, *end;
		size_t n;

		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		p += strspn(p, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		n = strcspn(p, " \t=");
		if (n == 0 || n >= sizeof kw)
			continue;
		memcpy(kw, p, n);
		kw[n] = '\0';
		val = p + n;
		val += strspn(val, " \t");
		if (*val == '=')
			val++;
		val += strspn(val, " \t");
		for (end = val + strlen(val); end > val && (end[-1] == ' ' || end[-1] == '\t' ||
							    end[-1] == '\r'); end--)
			*(end - 1) = '\0';
		if (strcasecmp(kw, "include") == 0)
			include(S, val, depth, user_file, e);
		judge_line(S, path, line, kw, val);
	}
	ztp_buf_free(&b);
	return 0;
}

int ztp_cliignore_scan(const struct ztp_sshprof *p, const char *file, struct ztp_buf *out,
		       struct ztp_err *e)
{
	struct scan S = { .p = p, .out = out };
	struct passwd *pw = getpwuid(getuid());
	char user[4096];
	int rc = 0;

	S.home = pw ? pw->pw_dir : getenv("HOME") ? getenv("HOME") : "/";
	S.have_lib = ztp_sshprof_lib(p, &S.lib, e) == 0;
	if (file) {
		rc = scan_file(&S, file, 0, 1, 1, e);
	} else {
		if (snprintf(user, sizeof user, "%s/.ssh/config", S.home) < (int)sizeof user)
			scan_file(&S, user, 0, 1, 0, e);
		scan_file(&S, "/etc/ssh/ssh_config", 0, 0, 0, e);
	}
	if (S.have_lib)
		ztp_sshalg_lib_free(&S.lib);
	return rc < 0 ? rc : S.named;
}
