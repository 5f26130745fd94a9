/* kexlock.c: the SSH clients a lockfile installs (see kexlock.h).
 *
 * The facts about which paramiko each netmiko can pull are in
 * SSH-PROFILES.md §1.4 (netmiko setup.py/pyproject.toml at its tags,
 * netmiko#3856/#3858/#3892, PR #3852/#3886); they are repeated in the
 * table below with their sources. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kexlock.h"
#include "str.h"
#include "toml.h"
#include "xmalloc.h"
#include "yml.h"

#define MAX_FILE ((size_t)16 << 20)
#define MAX_INCLUDE 8
#define MAX_PKG 64

static const char *const wanted[] = { "paramiko", "netmiko", "asyncssh", "scrapli", "ssh2-python" };

/* releases the profiles stand for, newest last: a range is judged at the
 * newest of these it allows (SSH-PROFILES.md §1, §1.4, §4) */
static const char *const paramiko_rel[] = {
	"2.12.0", "3.0.0", "3.4.0", "3.5.0", "3.5.1", "4.0.0", "5.0.0", "5.1.0", NULL,
};
static const char *const netmiko_rel[] = {
	"2.4.2", "3.4.0", "4.0.0", "4.1.0", "4.1.2", "4.2.0", "4.6.0", "4.7.0", "4.8.0", NULL,
};
static const char *const asyncssh_rel[] = { "2.24.0", NULL };

/* netmiko's paramiko requirement, by netmiko release (SSH-PROFILES.md §1.4) */
static const struct {
	const char *from;	/* first netmiko release with it */
	const char *spec;	/* what it allows ("" any) */
	const char *text;	/* as said to the user */
} netmiko_req[] = {
	/* setup.py at tags v2.4.2..v3.0.0 */
	{ "2.4.2", ">=2.4.3", "paramiko>=2.4.3" },
	/* setup.py at v3.4.0..v4.0.0 */
	{ "3.4.0", ">=2.6.0", "paramiko>=2.6.0" },
	/* setup.py at v4.1.0..v4.1.2 */
	{ "4.1.0", ">=2.7.2", "paramiko>=2.7.2" },
	/* pyproject.toml at v4.2.0..v4.6.0 */
	{ "4.2.0", ">=2.9.5", "paramiko>=2.9.5" },
	/* v4.7.0: netmiko#3856, #3858, PR #3852 */
	{ "4.7.0", ">=3.5.0,<5.0", "paramiko<5.0,>=3.5.0" },
	/* v4.8.0: netmiko#3892, PR #3886 (the exact constraint not seen) */
	{ "4.8.0", "", "paramiko 5 allowed (netmiko#3892)" },
};

/* ---- versions (PEP 440, release versions and the usual suffixes) ---- */

struct ver {
	long n[8];
	int k;
	int rank;	/* 0 dev, 1 a, 2 b, 3 rc, 4 release, 5 post */
	long sub;
};

static int ver_parse(const char *s, struct ver *v)
{
	const char *bang = strchr(s, '!');
	char *end;

	memset(v, 0, sizeof *v);
	v->rank = 4;
	if (bang)
		s = bang + 1;
	if (*s == 'v' || *s == 'V')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		errno = 0;
		if (v->k == 8)
			return -1;
		v->n[v->k++] = strtol(s, &end, 10);
		if (errno)
			return -1;
		s = end;
		if (*s == '.' && isdigit((unsigned char)s[1]))
			s++;
		else
			break;
	}
	if (*s == '.' || *s == '-' || *s == '_')
		s++;
	if (strncmp(s, "dev", 3) == 0)
		v->rank = 0, s += 3;
	else if (strncmp(s, "alpha", 5) == 0)
		v->rank = 1, s += 5;
	else if (strncmp(s, "beta", 4) == 0)
		v->rank = 2, s += 4;
	else if (strncmp(s, "rc", 2) == 0)
		v->rank = 3, s += 2;
	else if (strncmp(s, "post", 4) == 0)
		v->rank = 5, s += 4;
	else if (*s == 'a' || *s == 'b' || *s == 'c' || *s == 'p')	/* p: OpenSSH's 9.2p1 */
		v->rank = *s == 'a' ? 1 : *s == 'b' ? 2 : *s == 'c' ? 3 : 5, s++;
	if (isdigit((unsigned char)*s))
		v->sub = strtol(s, &end, 10), s = end;
	return *s == '\0' || *s == '+' || *s == '-' || *s == '~' ? 0 : -1;
}

static int ver_cmp(const struct ver *a, const struct ver *b)
{
	int i, k = a->k > b->k ? a->k : b->k;

	for (i = 0; i < k; i++) {
		long x = i < a->k ? a->n[i] : 0, y = i < b->k ? b->n[i] : 0;

		if (x != y)
			return x < y ? -1 : 1;
	}
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return a->sub < b->sub ? -1 : a->sub > b->sub;
}

int ztp_lock_vercmp(const char *a, const char *b)
{
	struct ver x, y;

	if (ver_parse(a, &x) < 0 || ver_parse(b, &y) < 0)
		return strcmp(a, b);
	return ver_cmp(&x, &y);
}

/* the first k release numbers of a and b agree */
static int ver_prefix(const struct ver *a, const struct ver *p, int k)
{
	int i;

	for (i = 0; i < k; i++)
		if ((i < a->k ? a->n[i] : 0) != (i < p->k ? p->n[i] : 0))
			return 0;
	return 1;
}

/* one clause ("<5", "==4.*", "^3.5"): 1 true, 0 false, -1 not understood */
static int clause(const struct ver *v, const char *vs, const char *c)
{
	char op[4] = "", want[64];
	size_t n = 0, len;
	struct ver w;
	int wild = 0, r;

	while (*c == ' ' || *c == '(')
		c++;
	while (n < 3 && c[n] && strchr("=!<>~^", c[n])) {
		op[n] = c[n];
		n++;
	}
	op[n] = '\0';
	c += n;
	while (*c == ' ')
		c++;
	len = strcspn(c, " )");
	if (len == 0 && n == 0)
		return 1;
	if (len == 1 && c[0] == '*' && n == 0)
		return 1;
	if (len >= sizeof want)
		return -1;
	memcpy(want, c, len);
	want[len] = '\0';
	if (strcmp(op, "===") == 0)
		return strcmp(vs, want) == 0;
	if (len > 2 && strcmp(want + len - 2, ".*") == 0) {
		wild = 1;
		want[len - 2] = '\0';
	}
	if (ver_parse(want, &w) < 0)
		return -1;
	if (wild && strcmp(op, "==") != 0 && strcmp(op, "!=") != 0)
		return -1;
	if (n == 0) {	/* poetry: a bare version is == */
		r = ver_cmp(v, &w) == 0;
	} else if (strcmp(op, "==") == 0) {
		r = wild ? ver_prefix(v, &w, w.k) : ver_cmp(v, &w) == 0;
	} else if (strcmp(op, "!=") == 0) {
		r = wild ? !ver_prefix(v, &w, w.k) : ver_cmp(v, &w) != 0;
	} else if (strcmp(op, "<") == 0) {
		r = ver_cmp(v, &w) < 0;
	} else if (strcmp(op, "<=") == 0) {
		r = ver_cmp(v, &w) <= 0;
	} else if (strcmp(op, ">") == 0) {
		r = ver_cmp(v, &w) > 0;
	} else if (strcmp(op, ">=") == 0) {
		r = ver_cmp(v, &w) >= 0;
	} else if (strcmp(op, "~=") == 0) {
		if (w.k < 2)
			return -1;
		r = ver_cmp(v, &w) >= 0 && ver_prefix(v, &w, w.k - 1);
	} else if (strcmp(op, "~") == 0) {	/* poetry: ~1.2.3 is >=1.2.3,<1.3 */
		r = ver_cmp(v, &w) >= 0 && ver_prefix(v, &w, w.k > 1 ? 2 : 1);
	} else if (strcmp(op, "^") == 0) {	/* poetry: up to the first non-zero part */
		int k = 0;

		while (k < w.k - 1 && w.n[k] == 0)
			k++;
		r = ver_cmp(v, &w) >= 0 && ver_prefix(v, &w, k + 1);
	} else {
		return -1;
	}
	return r;
}

int ztp_lock_satisfies(const char *version, const char *spec)
{
	struct ver v;
	const char *c = spec;
	char part[128];

	if (ver_parse(version, &v) < 0)
		return -1;
	while (*c) {
		size_t len = strcspn(c, ",");
		int r;

		if (len >= sizeof part)
			return -1;
		memcpy(part, c, len);
		part[len] = '\0';
		r = clause(&v, version, part);
		if (r <= 0)
			return r;
		c += len + (c[len] == ',');
	}
	return 1;
}

/* the newest of rel that spec allows, or NULL (-1 in *bad: not understood) */
static const char *newest(const char *const *rel, const char *spec, int *bad)
{
	const char *best = NULL;
	size_t i;

	*bad = 0;
	for (i = 0; rel[i]; i++) {
		int r = ztp_lock_satisfies(rel[i], spec);

		if (r < 0)
			*bad = 1;
		if (r == 1)
			best = rel[i];
	}
	return best;
}

const struct ztp_sshprof *ztp_lock_profile(int family, const char *version)
{
	size_t i, n;
	const struct ztp_sshprof *all = ztp_sshprof_all(&n), *best = NULL;
	struct ver v, pv, bv;

	if (ver_parse(version, &v) < 0)
		return NULL;
	for (i = 0; i < n; i++) {
		const char *dash = strrchr(all[i].name, '-');

		if (all[i].family != family || dash == NULL || ver_parse(dash + 1, &pv) < 0)
			continue;
		if (ver_cmp(&pv, &v) > 0)
			continue;
		if (best == NULL || ver_cmp(&pv, &bv) > 0) {
			best = &all[i];
			bv = pv;
		}
	}
	return best;
}

/* the oldest profile of family, for "no profile" messages */
static const char *oldest_profile(int family)
{
	size_t i, n;
	const struct ztp_sshprof *all = ztp_sshprof_all(&n), *best = NULL;
	struct ver pv, bv;

	for (i = 0; i < n; i++) {
		const char *dash = strrchr(all[i].name, '-');

		if (all[i].family != family || dash == NULL || ver_parse(dash + 1, &pv) < 0)
			continue;
		if (best == NULL || ver_cmp(&pv, &bv) < 0) {
			best = &all[i];
			bv = pv;
		}
	}
	return best ? best->name : "none";
}

/* ---- reading --------------------------------------------------------- */

static void normalise(const char *s, size_t n, char *out, size_t outsz)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < outsz; i++) {
		char c = (char)tolower((unsigned char)s[i]);

		if (c == '_' || c == '.')
			c = '-';
		if (c == '-' && o > 0 && out[o - 1] == '-')
			continue;
		out[o++] = c;
	}
	out[o] = '\0';
}

static int is_wanted(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
		if (strcmp(name, wanted[i]) == 0)
			return 1;
	return 0;
}

static int add_pkg(struct ztp_lock *l, const char *name, const char *version, const char *spec,
		   const char *extras, const char *file, int line, struct ztp_err *e)
{
	struct ztp_lockpkg *p;
	char where[600];
	size_t i;

	snprintf(where, sizeof where, "%s:%d", file, line);
	for (i = 0; i < l->n; i++) {
		p = &l->pkg[i];
		if (strcmp(p->name, name) != 0)
			continue;
		if (version && p->version && strcmp(version, p->version) != 0)
			return ztp_err_set(e, ZTP_ERR_PARSE, "%s: %s %s, but %s pins %s: which one is "
					   "installed is not clear", where, name, version, p->where,
					   p->version);
		if (version && p->version == NULL) {	/* a pin wins over a range */
			free(p->spec);
			p->spec = NULL;
			p->version = ztp_xstrdup(version);
			free(p->where);
			p->where = ztp_xstrdup(where);
		}
		return 0;
	}
	if (l->n == MAX_PKG)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "%s: more than %d SSH packages", where, MAX_PKG);
	l->pkg = ztp_xrealloc(l->pkg, l->n + 1, sizeof *l->pkg);
	p = &l->pkg[l->n++];
	p->name = ztp_xstrdup(name);
	p->version = version ? ztp_xstrdup(version) : NULL;
	p->spec = spec ? ztp_xstrdup(spec) : NULL;
	p->extras = extras && *extras ? ztp_xstrdup(extras) : NULL;
	p->where = ztp_xstrdup(where);
	return 0;
}

/* One PEP 508 requirement ("netmiko[par4]==4.8.0 ; python_version>'3.9'"). */
static int parse_req(struct ztp_lock *l, const char *s, const char *file, int line, struct ztp_err *e)
{
	char name[128], extras[128] = "", spec[256];
	const char *p = s, *ns;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	ns = p;
	while (*p && (isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.'))
		p++;
	if (p == ns)	/* a path or URL without a name: none of ours */
		return 0;
	normalise(ns, (size_t)(p - ns), name, sizeof name);
	if (!is_wanted(name))
		return 0;
	while (*p == ' ')
		p++;
	if (*p == '[') {
		n = strcspn(p + 1, "]");
		if (p[1 + n] != ']' || n >= sizeof extras)
			return ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: '%s': extras not closed", file, line, name);
		memcpy(extras, p + 1, n);
		extras[n] = '\0';
		p += n + 2;
	}
	while (*p == ' ')
		p++;
	if (*p == '@')
		return ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: '%s' comes from a URL: its version is not "
				   "known; pin it with ==", file, line, name);
	n = strcspn(p, ";");
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n >= sizeof spec)
		return ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: '%s': version specifier too long", file, line, name);
	memcpy(spec, p, n);
	spec[n] = '\0';
	if (strchr(p, ';')) {
		const char *m = p + strcspn(p, ";") + 1;
		size_t ml;

		while (*m == ' ' || *m == '\t')
			m++;
		for (ml = strlen(m); ml > 0 && (m[ml - 1] == ' ' || m[ml - 1] == '\t'); ml--)
			;
		ztp_buf_addf(&l->notes, "%s:%d: %s: the environment marker '%.*s' is not evaluated: "
			     "judged as installed\n", file, line, name, (int)ml, m);
	}
	{
		/* one "==X" (no wildcard) or "===X" is a pin, anything else a range */
		const char *v = spec;
		int pin = 0;

		while (*v == ' ' || *v == '(')
			v++;
		if (strncmp(v, "===", 3) == 0)
			v += 3, pin = 1;
		else if (strncmp(v, "==", 2) == 0)
			v += 2, pin = 1;
		while (*v == ' ')
			v++;
		if (pin && !strchr(v, ',') && !strchr(v, '*')) {
			char ver[128];

			n = strcspn(v, " )");
			if (n == 0 || n >= sizeof ver)
				return ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: '%s': bad version", file, line, name);
			memcpy(ver, v, n);
			ver[n] = '\0';
			return add_pkg(l, name, ver, NULL, extras, file, line, e);
		}
		if (spec[0] && ztp_lock_satisfies("1.0", spec) < 0)
			return ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: '%s': version specifier '%s' not "
					   "understood", file, line, name, spec);
		return add_pkg(l, name, NULL, spec[0] ? spec : "", extras, file, line, e);
	}
}

static int read_requirements(struct ztp_lock *l, const char *path, int depth, struct ztp_err *e);

/* an option line of a requirements file */
static int req_option(struct ztp_lock *l, const char *path, int line, char *s, int depth,
		      struct ztp_err *e)
{
	static const char *const ignored[] = {
		"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host",
		"--no-binary", "--only-binary", "--pre", "--prefer-binary", "--require-hashes",
		"--no-index", "--use-feature", "--hash",
	};
	char opt[64], *arg;
	size_t n = strcspn(s, " \t="), i;

	if (n >= sizeof opt)
		n = sizeof opt - 1;
	memcpy(opt, s, n);
	opt[n] = '\0';
	arg = s + n;
	while (*arg == ' ' || *arg == '\t' || *arg == '=')
		arg++;
	arg[strcspn(arg, " \t")] = '\0';
	if (strcmp(opt, "-r") == 0 || strcmp(opt, "--requirement") == 0 || strcmp(opt, "-c") == 0 ||
	    strcmp(opt, "--constraint") == 0) {
		char inc[4096];
		const char *slash = strrchr(path, '/');

		if (*arg == '\0')
			return ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: %s wants a file", path, line, opt);
		if (depth >= MAX_INCLUDE)
			return ztp_err_set(e, ZTP_ERR_LIMIT, "%s:%d: includes nested more than %d deep",
					   path, line, MAX_INCLUDE);
		if (strstr(arg, "://"))
			return ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: %s names a URL: download it and name "
					   "the file", path, line, opt);
		if (snprintf(inc, sizeof inc, "%.*s%s", arg[0] == '/' || !slash ? 0 : (int)(slash - path + 1),
			     path, arg) >= (int)sizeof inc)
			return ztp_err_set(e, ZTP_ERR_LIMIT, "%s:%d: path too long", path, line);
		return read_requirements(l, inc, depth + 1, e);
	}
	if (strcmp(opt, "-e") == 0 || strcmp(opt, "--editable") == 0) {
		const char *egg = strstr(arg, "egg=");
		char name[128];

		if (egg) {
			normalise(egg + 4, strcspn(egg + 4, "&[ "), name, sizeof name);
			if (is_wanted(name))
				return ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: %s is installed from a checkout "
						   "(-e): its version is not known", path, line, name);
		}
		return 0;
	}
	for (i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		if (strcmp(opt, ignored[i]) == 0)
			return 0;
	return ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: unknown option '%s'", path, line, opt);
}

static int read_requirements(struct ztp_lock *l, const char *path, int depth, struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT, logical = ZTP_BUF_INIT;
	const char *p, *end;
	int line = 0, first = 0, rc = 0;

	if (ztp_buf_read_file(&b, path, MAX_FILE, e) < 0)
		return e->code;
	if (b.len && memchr(b.p, '\0', b.len)) {
		rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s: a NUL byte: not a requirements file", path);
		goto out;
	}
	for (p = b.p, end = b.p + b.len; p && p < end && rc == 0;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *s, *hash;

		line++;
		if (logical.len == 0)
			first = line;
		if (n && p[n - 1] == '\r')
			n--;
		ztp_buf_add(&logical, p, n);
		p = nl ? nl + 1 : end;
		if (logical.len && logical.p[logical.len - 1] == '\\') {	/* continues */
			logical.p[--logical.len] = '\0';
			ztp_buf_addc(&logical, ' ');
			if (p < end)
				continue;
		}
		ztp_buf_addc(&logical, '\0');
		s = logical.p;
		/* a comment: '#' at the start or after a blank */
		for (hash = s; (hash = strchr(hash, '#')) != NULL; hash++)
			if (hash == s || hash[-1] == ' ' || hash[-1] == '\t') {
				*hash = '\0';
				break;
			}
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '-') {
			rc = req_option(l, path, first, s, depth, e);
		} else if (*s) {
			char *opt = strstr(s, " --");	/* --hash=... after the requirement */

			if (opt)
				*opt = '\0';
			rc = parse_req(l, s, path, first, e);
		}
		ztp_buf_reset(&logical);
	}
out:
	ztp_buf_free(&b);
	ztp_buf_free(&logical);
	return rc;
}

/* the line of a lock entry: its version's, else the entry's */
static int line_of(const struct ztp_val *entry, const struct ztp_val *ver)
{
	return ver && ver->line ? ver->line : entry->line ? entry->line : 1;
}

static int read_toml(struct ztp_lock *l, const char *data, size_t len, struct ztp_err *e)
{
	struct ztp_val *root = NULL, *pkgs, *v;
	const char *key = "package";
	size_t i;
	int rc = -1;

	if (ztp_toml_parse(data, len, l->file, &root, e) < 0)
		return e->code;
	if (l->format == NULL) {	/* from the content */
		if (ztp_map_get(root, "lock-version"))
			l->format = "pylock.toml";
		else if (ztp_map_get(root, "project") || ztp_map_get(root, "tool"))
			l->format = "pyproject.toml";
		else if (ztp_map_get(root, "metadata") && ztp_map_get(root, "package"))
			l->format = "poetry.lock";
		else if (ztp_map_get(root, "version") && ztp_map_get(root, "package"))
			l->format = "uv.lock";
		else {
			rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s: not a lockfile this tool reads (uv.lock, "
					 "poetry.lock, pylock.toml, pyproject.toml)", l->file);
			goto out;
		}
	}
	if (strcmp(l->format, "pyproject.toml") == 0) {
		const struct ztp_val *deps = ztp_val_path(root, "project.dependencies");
		const struct ztp_val *opt = ztp_val_path(root, "project.optional-dependencies");
		const struct ztp_val *po = ztp_val_path(root, "tool.poetry.dependencies");
		const struct ztp_val *grp = ztp_map_get(root, "dependency-groups");
		const struct ztp_val *lists[64];
		size_t nl = 0, k;

		if (deps)
			lists[nl++] = deps;
		for (k = 0; opt && opt->type == ZTP_V_MAP && k < opt->u.map.n && nl < 32; k++)
			lists[nl++] = opt->u.map.e[k].val;
		for (k = 0; grp && grp->type == ZTP_V_MAP && k < grp->u.map.n && nl < 64; k++)
			lists[nl++] = grp->u.map.e[k].val;
		for (k = 0; k < nl; k++) {
			if (lists[k]->type != ZTP_V_LIST) {
				rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: dependencies are not a list",
						 l->file, lists[k]->line);
				goto out;
			}
			for (i = 0; i < ztp_val_len(lists[k]); i++) {
				v = ztp_list_get(lists[k], i);
				if (v->type == ZTP_V_STR && parse_req(l, v->u.str.s, l->file, v->line, e) < 0)
					goto fail;
			}
		}
		for (k = 0; po && po->type == ZTP_V_MAP && k < po->u.map.n; k++) {
			const struct ztp_val *name = po->u.map.e[k].key, *spec = po->u.map.e[k].val;
			char req[512];

			if (spec->type == ZTP_V_MAP)
				spec = ztp_map_get(spec, "version");
			if (name->type != ZTP_V_STR || spec == NULL || spec->type != ZTP_V_STR)
				continue;
			if (snprintf(req, sizeof req, "%s %s", name->u.str.s,
				     strcmp(spec->u.str.s, "*") == 0 ? "" : spec->u.str.s) >= (int)sizeof req)
				continue;
			if (parse_req(l, req, l->file, spec->line ? spec->line : name->line, e) < 0)
				goto fail;
		}
		rc = 0;
		goto out;
	}
	if (strcmp(l->format, "pylock.toml") == 0) {
		v = ztp_map_get(root, "lock-version");
		if (v == NULL || v->type != ZTP_V_STR || strncmp(v->u.str.s, "1.", 2) != 0) {
			rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: lock-version '%s' is not 1.x (PEP 751)",
					 l->file, v ? v->line : 1, v && v->type == ZTP_V_STR ? v->u.str.s : "");
			goto out;
		}
		key = "packages";
	} else if (strcmp(l->format, "uv.lock") == 0) {
		v = ztp_map_get(root, "version");
		if (v == NULL || v->type != ZTP_V_INT || v->u.i != 1) {
			rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: not a uv.lock of version 1 (the first "
					 "line says 'version = 1')", l->file, v ? v->line : 1);
			goto out;
		}
	}
	pkgs = ztp_map_get(root, key);
	if (pkgs && pkgs->type != ZTP_V_LIST) {
		rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: '%s' is not an array of tables ([[%s]])",
				 l->file, pkgs->line, key, key);
		goto out;
	}
	for (i = 0; pkgs && i < ztp_val_len(pkgs); i++) {
		const struct ztp_val *p = ztp_list_get(pkgs, i), *name, *ver;
		char nm[128];

		name = p->type == ZTP_V_MAP ? ztp_map_get(p, "name") : NULL;
		if (name == NULL || name->type != ZTP_V_STR) {
			rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: a [[%s]] without a name", l->file,
					 p->line, key);
			goto out;
		}
		normalise(name->u.str.s, name->u.str.len, nm, sizeof nm);
		if (!is_wanted(nm))
			continue;
		ver = ztp_map_get(p, "version");
		if (ver == NULL || ver->type != ZTP_V_STR || ver->u.str.len == 0) {
			rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: '%s' has no version (from a checkout "
					 "or a path?): what is installed is not known", l->file, p->line, nm);
			goto out;
		}
		if (add_pkg(l, nm, ver->u.str.s, NULL, NULL, l->file, line_of(p, ver), e) < 0)
			goto fail;
	}
	rc = 0;
	goto out;
fail:
	rc = e->code;
out:
	ztp_val_unref(root);
	return rc;
}

/* Pipfile.lock: JSON, "default" and "develop" maps of name -> {version: "==X"} */
static int read_pipfile(struct ztp_lock *l, const char *data, size_t len, struct ztp_err *e)
{
	static const char *const sect[] = { "default", "develop" };
	struct ztp_yml_opts yo = { .max_bytes = MAX_FILE, .max_depth = 32, .dup_keys = 1 };
	struct ztp_val *root = NULL;
	size_t s, k;
	int rc = 0;

	if (ztp_yml_load_buf(data, len, l->file, &yo, &root, e) < 0)
		return e->code;
	if (root == NULL || root->type != ZTP_V_MAP || ztp_map_get(root, "_meta") == NULL) {
		rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s:1: not a Pipfile.lock (no \"_meta\")", l->file);
		goto out;
	}
	for (s = 0; s < 2 && rc == 0; s++) {
		const struct ztp_val *m = ztp_map_get(root, sect[s]);

		if (m == NULL)
			continue;
		if (m->type != ZTP_V_MAP) {
			rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: \"%s\" is not a map", l->file, m->line,
					 sect[s]);
			break;
		}
		for (k = 0; k < m->u.map.n && rc == 0; k++) {
			const struct ztp_val *key = m->u.map.e[k].key, *ent = m->u.map.e[k].val, *ver;
			char nm[128];

			if (key->type != ZTP_V_STR)
				continue;
			normalise(key->u.str.s, key->u.str.len, nm, sizeof nm);
			if (!is_wanted(nm))
				continue;
			ver = ent->type == ZTP_V_MAP ? ztp_map_get(ent, "version") : NULL;
			if (ver == NULL || ver->type != ZTP_V_STR || strncmp(ver->u.str.s, "==", 2) != 0) {
				rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s:%d: \"%s\" has no \"version\": \"==X\" "
						 "(from a checkout or a path?): what is installed is not known",
						 l->file, ent->line ? ent->line : key->line, nm);
				break;
			}
			rc = add_pkg(l, nm, ver->u.str.s + 2, NULL, NULL, l->file, line_of(ent, ver), e);
		}
	}
out:
	ztp_val_unref(root);
	return rc;
}

int ztp_lock_read(const char *path, struct ztp_lock *l, struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	const char *base = strrchr(path, '/'), *c;
	size_t bl;
	int rc;

	memset(l, 0, sizeof *l);
	l->file = ztp_xstrdup(path);
	base = base ? base + 1 : path;
	bl = strlen(base);
	if (strcmp(base, "uv.lock") == 0)
		l->format = "uv.lock";
	else if (strcmp(base, "poetry.lock") == 0)
		l->format = "poetry.lock";
	else if (strcmp(base, "Pipfile.lock") == 0)
		l->format = "Pipfile.lock";
	else if (strcmp(base, "pyproject.toml") == 0)
		l->format = "pyproject.toml";
	else if (strcmp(base, "pylock.toml") == 0 ||
		 (strncmp(base, "pylock.", 7) == 0 && bl > 12 && strcmp(base + bl - 5, ".toml") == 0))
		l->format = "pylock.toml";
	else if (strncmp(base, "requirements", 12) == 0 || (bl > 4 && strcmp(base + bl - 4, ".txt") == 0) ||
		 (bl > 3 && strcmp(base + bl - 3, ".in") == 0))
		l->format = "requirements";
	if (l->format && strcmp(l->format, "requirements") == 0)
		return read_requirements(l, path, 0, e);
	if (ztp_buf_read_file(&b, path, MAX_FILE, e) < 0)
		return e->code;
	for (c = b.p ? b.p : ""; *c == ' ' || *c == '\t' || *c == '\n' || *c == '\r'; c++)
		;
	if (l->format == NULL && *c == '{')
		l->format = "Pipfile.lock";
	if (l->format && strcmp(l->format, "Pipfile.lock") == 0)
		rc = read_pipfile(l, b.p ? b.p : "", b.len, e);
	else
		rc = read_toml(l, b.p ? b.p : "", b.len, e);
	ztp_buf_free(&b);
	return rc;
}

void ztp_lock_free(struct ztp_lock *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->pkg[i].name);
		free(l->pkg[i].version);
		free(l->pkg[i].spec);
		free(l->pkg[i].extras);
		free(l->pkg[i].where);
	}
	free(l->pkg);
	free(l->file);
	ztp_buf_free(&l->notes);
	memset(l, 0, sizeof *l);
}

/* ---- the clients ----------------------------------------------------- */

static void add_client(struct ztp_lockclients *cl, const struct ztp_sshprof *p, struct ztp_buf *what,
		       const char *fix)
{
	cl->c = ztp_xrealloc(cl->c, cl->n + 1, sizeof *cl->c);
	cl->c[cl->n].prof = p;
	cl->c[cl->n].what = ztp_buf_detach(what, NULL);
	cl->c[cl->n].fix = fix ? ztp_xstrdup(fix) : NULL;
	cl->n++;
}

static const struct ztp_lockpkg *pkg_of(const struct ztp_lock *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->pkg[i].name, name) == 0)
			return &l->pkg[i];
	return NULL;
}

/* the fix for a paramiko 5 that cuts devices off, in the lock's terms */
static void fix_paramiko5(const struct ztp_lock *l, const struct ztp_lockpkg *pm,
			  const struct ztp_lockpkg *nm, struct ztp_buf *b)
{
	const char *f = l->format;

	if (strcmp(f, "uv.lock") == 0)
		ztp_buf_adds(b, "pin paramiko<5: uv add 'paramiko<5' (pyproject.toml and uv.lock)");
	else if (strcmp(f, "poetry.lock") == 0)
		ztp_buf_adds(b, "pin paramiko<5: poetry add 'paramiko<5' (pyproject.toml and poetry.lock)");
	else if (strcmp(f, "Pipfile.lock") == 0)
		ztp_buf_adds(b, "pin paramiko<5: pipenv install 'paramiko<5' (Pipfile and Pipfile.lock)");
	else if (strcmp(f, "pylock.toml") == 0)
		ztp_buf_adds(b, "pin paramiko<5 in the requirements pylock.toml is made from, and make it again");
	else if (strcmp(f, "requirements") == 0 && pm && pm->version)
		ztp_buf_addf(b, "pin paramiko<5: paramiko==4.0.0 at %s", pm->where);
	else
		ztp_buf_adds(b, "pin paramiko<5: add 'paramiko<5' to the dependencies");
	if (nm)
		ztp_buf_adds(b, "; or netmiko 4.7 (it pins paramiko<5), or netmiko 4.8 and later with "
			     "the extra that installs paramiko 4: 'netmiko[par4]' (netmiko#3892)");
	ztp_buf_adds(b, "; or change the devices (the way out above)");
}

static int paramiko_client(const struct ztp_lock *l, struct ztp_lockclients *cl, struct ztp_err *e)
{
	const struct ztp_lockpkg *pm = pkg_of(l, "paramiko"), *nm = pkg_of(l, "netmiko");
	struct ztp_buf what = ZTP_BUF_INIT, fix = ZTP_BUF_INIT;
	const char *ver = NULL;
	int bad = 0;

	if (pm && pm->version) {
		ver = pm->version;
		ztp_buf_addf(&what, "paramiko %s (%s)", pm->version, pm->where);
	} else if (pm) {
		ver = newest(paramiko_rel, pm->spec, &bad);
		ztp_buf_addf(&what, "paramiko%s%s (%s), a range: the newest it allows among the "
			     "profiles' releases is %s", pm->spec[0] ? " " : "", pm->spec[0] ? pm->spec : " (any)",
			     pm->where, ver ? ver : "none");
	} else if (nm) {
		const char *nv = nm->version;
		size_t i;
		int k = -1;

		if (nv == NULL) {
			nv = newest(netmiko_rel, nm->spec, &bad);
			ztp_buf_addf(&what, "netmiko%s%s (%s) allows at most netmiko %s; ",
				     nm->spec[0] ? " " : "", nm->spec, nm->where, nv ? nv : "(none known)");
		} else {
			ztp_buf_addf(&what, "netmiko %s (%s); ", nv, nm->where);
		}
		for (i = 0; nv && i < sizeof netmiko_req / sizeof netmiko_req[0]; i++)
			if (ztp_lock_vercmp(nv, netmiko_req[i].from) >= 0)
				k = (int)i;
		if (k < 0) {
			ztp_buf_adds(&what, "no profile: its paramiko requirement is not known here");
			add_client(cl, NULL, &what, NULL);
			return 0;
		}
		if (nm->extras && strstr(nm->extras, "par4") && k == (int)(sizeof netmiko_req /
								      sizeof netmiko_req[0]) - 1) {
			ver = newest(paramiko_rel, "<5", &bad);
			ztp_buf_addf(&what, "with [par4] it installs paramiko 4 (netmiko#3892): at most %s",
				     ver);
		} else {
			ver = newest(paramiko_rel, netmiko_req[k].spec, &bad);
			ztp_buf_addf(&what, "it requires %s and no paramiko is pinned: the newest "
				     "allowed is %s", netmiko_req[k].text, ver ? ver : "none");
		}
	} else {
		return 0;
	}
	if (pm && nm)
		ztp_buf_addf(&what, ", the client of netmiko %s (%s)", nm->version ? nm->version : nm->spec,
			     nm->where);
	if (bad && ver == NULL)
		return ztp_err_set(e, ZTP_ERR_PARSE, "%s: a version specifier that is not understood",
				   pm ? pm->where : nm->where);
	if (ver == NULL) {
		ztp_buf_adds(&what, ": no profile");
		add_client(cl, NULL, &what, NULL);
		return 0;
	}
	{
		const struct ztp_sshprof *p = ztp_lock_profile(ZTP_PROF_PARAMIKO, ver);

		if (p == NULL) {
			ztp_buf_addf(&what, ": no profile at or below paramiko %s (the oldest is "
				     "paramiko-2.12)", ver);
			add_client(cl, NULL, &what, NULL);
			return 0;
		}
		ztp_buf_addf(&what, ": judged as %s", p->name);
		if (strncmp(p->name, "paramiko-5", 10) == 0)
			fix_paramiko5(l, pm, nm, &fix);
		else
			ztp_buf_adds(&fix, "the way out printed for each device");
		add_client(cl, p, &what, fix.p);
		ztp_buf_free(&fix);
	}
	return 0;
}

int ztp_lock_clients(const struct ztp_lock *l, struct ztp_lockclients *out, struct ztp_err *e)
{
	const struct ztp_lockpkg *p;
	struct ztp_buf what = ZTP_BUF_INIT;
	size_t before = out->n, i;
	int any = 0;

	if (paramiko_client(l, out, e) < 0)
		return e->code;
	if ((p = pkg_of(l, "asyncssh")) != NULL) {
		const char *ver = p->version;
		const struct ztp_sshprof *prof;
		int bad;

		if (ver == NULL)
			ver = newest(asyncssh_rel, p->spec, &bad);
		ztp_buf_addf(&what, "asyncssh %s (%s)", p->version ? p->version : p->spec, p->where);
		prof = ver ? ztp_lock_profile(ZTP_PROF_ASYNCSSH, ver) : NULL;
		if (prof)
			ztp_buf_addf(&what, "%s%s: judged as %s", p->version ? "" : ", a range allowing ",
				     p->version ? "" : ver, prof->name);
		else
			ztp_buf_adds(&what, ": no profile at or below it (the only one is asyncssh-2.24)");
		add_client(out, prof, &what, prof ? "the change printed for each device "
			   "(asyncssh's kex_algs and like options)" : NULL);
	}
	if ((p = pkg_of(l, "scrapli")) != NULL) {
		/* SSH-PROFILES.md §6: the transport is chosen at run time; 2026.x
		 * wraps a libssh2 whose version was not verified */
		ztp_buf_addf(&what, "scrapli %s (%s): no profile: scrapli picks its transport at run "
			     "time (system: this machine's OpenSSH, see --host; paramiko; asyncssh; "
			     "ssh2), and scrapli 2026.x wraps a libssh2 of unknown version",
			     p->version ? p->version : p->spec, p->where);
		add_client(out, NULL, &what, NULL);
	}
	if ((p = pkg_of(l, "ssh2-python")) != NULL) {
		/* SSH-PROFILES.md §6: the embedded libssh2 version was not verified */
		ztp_buf_addf(&what, "ssh2-python %s (%s): no profile: its wheels embed a libssh2 whose "
			     "version is not known (libssh2-1.11 is not assumed)",
			     p->version ? p->version : p->spec, p->where);
		add_client(out, NULL, &what, NULL);
	}
	ztp_buf_free(&what);
	for (i = before; i < out->n; i++)
		any |= out->c[i].prof != NULL;
	if (!any)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "'%s' installs no SSH client this tool has a "
				   "profile for (paramiko, netmiko, asyncssh)%s", l->file,
				   out->n > before ? ": see the notes above" : "");
	return 0;
}

/* Debian's version: no epoch, no revision, no +dfsg */
static void upstream(const char *deb, char *out, size_t outsz)
{
	const char *colon = strchr(deb, ':'), *dash;
	size_t n;

	if (colon)
		deb = colon + 1;
	dash = strrchr(deb, '-');
	n = dash ? (size_t)(dash - deb) : strlen(deb);
	n = strcspn(deb, "+~") < n ? strcspn(deb, "+~") : n;
	snprintf(out, outsz, "%.*s", (int)n, deb);
}

int ztp_lock_host(struct ztp_lockclients *out, struct ztp_err *e)
{
	static const struct {
		const char *pkg;
		int family;
		const char *fix;
	} map[] = {
		{ "openssh-client", ZTP_PROF_OPENSSH, "the ssh_config change printed for each device" },
		{ "libssh-4", ZTP_PROF_LIBSSH, "the change printed for each device" },
		{ "libssh-gcrypt-4", ZTP_PROF_LIBSSH, "the change printed for each device" },
		{ "python3-paramiko", ZTP_PROF_PARAMIKO, "the way out printed for each device" },
		{ "python3-asyncssh", ZTP_PROF_ASYNCSSH, "the change printed for each device" },
		{ "libssh2-1", ZTP_PROF_LIBSSH2, "the way out printed for each device" },
		{ "libssh2-1t64", ZTP_PROF_LIBSSH2, "the way out printed for each device" },
	};
	FILE *f;
	char line[512];
	size_t before = out->n, i;
	int any = 0, st;

	/* a fixed command line: nothing from the user reaches the shell */
	f = popen("dpkg-query -W -f='${Package}\\t${Version}\\t${db:Status-Abbrev}\\n' "
		  "openssh-client libssh-4 libssh-gcrypt-4 python3-paramiko python3-asyncssh "
		  "libssh2-1 libssh2-1t64 2>/dev/null", "r");
	if (f == NULL)
		return ztp_err_sys(e, "cannot run dpkg-query");
	while (fgets(line, sizeof line, f)) {
		char *pkg = line, *ver, *status, up[128];
		struct ztp_buf what = ZTP_BUF_INIT;
		const struct ztp_sshprof *p;

		line[strcspn(line, "\n")] = '\0';
		if ((ver = strchr(pkg, '\t')) == NULL || (status = strchr(ver + 1, '\t')) == NULL)
			continue;
		*ver++ = '\0';
		*status++ = '\0';
		if (strncmp(status, "ii", 2) != 0)
			continue;
		for (i = 0; i < sizeof map / sizeof map[0]; i++)
			if (strcmp(map[i].pkg, pkg) == 0)
				break;
		if (i == sizeof map / sizeof map[0])
			continue;
		upstream(ver, up, sizeof up);
		p = ztp_lock_profile(map[i].family, up);
		ztp_buf_addf(&what, "%s %s (dpkg)", pkg, ver);
		if (p)
			ztp_buf_addf(&what, ": judged as %s, the nearest profile at or below %s", p->name, up);
		else
			ztp_buf_addf(&what, ": no profile at or below %s (the oldest is %s)", up,
				     oldest_profile(map[i].family));
		add_client(out, p, &what, p ? map[i].fix : NULL);
		ztp_buf_free(&what);
	}
	st = pclose(f);
	for (i = before; i < out->n; i++)
		any |= out->c[i].prof != NULL;
	if (out->n == before && st != 0)
		return ztp_err_set(e, ZTP_ERR_NOTFOUND, "dpkg-query found none of openssh-client, "
				   "libssh-4, python3-paramiko, python3-asyncssh, libssh2-1 (or is not "
				   "installed: --host reads Debian's package database)");
	if (!any)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "no SSH package installed here has a profile%s",
				   out->n > before ? ": see the notes above" : "");
	return 0;
}

void ztp_lockclients_free(struct ztp_lockclients *cl)
{
	size_t i;

	for (i = 0; i < cl->n; i++) {
		free(cl->c[i].what);
		free(cl->c[i].fix);
	}
	free(cl->c);
	memset(cl, 0, sizeof *cl);
}
