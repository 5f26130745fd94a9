/* conf.c: ztp.yml through schemas (see conf.h) */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "os.h"
#include "spool.h"
#include "str.h"
#include "yml.h"

#define FIELD(obj, off, type) ((type *)(void *)((char *)(obj) + (off)))

static int key_error(struct ztp_err *e, const char *file, int line,
		     const char *where, const char *key, const char *fmt, const char *what)
{
	char full[512];

	if (where && *where)
		snprintf(full, sizeof full, "%s.%s", where, key);
	else
		snprintf(full, sizeof full, "%s", key);
	return ztp_err_set(e, ZTP_ERR_CONFIG, "%s: line %d: key '%s': %s%s", file ? file : "(defaults)",
			   line, full, fmt, what ? what : "");
}

static char *scalar_text(const struct ztp_val *v)
{
	char num[64];

	switch (v->type) {
	case ZTP_V_STR:
		return ztp_xstrdup(v->u.str.s);
	case ZTP_V_INT:
		snprintf(num, sizeof num, "%lld", v->u.i);
		return ztp_xstrdup(num);
	case ZTP_V_FLOAT:
		ztp_fmt_double(v->u.f, num, sizeof num);
		return ztp_xstrdup(num);
	default:
		return NULL;
	}
}

static char *resolve_path(const char *file, const char *p)
{
	char *copy, *dir, *out;
	size_t n;

	if (p[0] == '/' || file == NULL)
		return ztp_xstrdup(p);
	copy = ztp_xstrdup(file);
	dir = dirname(copy);
	n = strlen(dir) + strlen(p) + 2;
	out = ztp_xmalloc(n);
	snprintf(out, n, "%s/%s", dir, p);
	free(copy);
	return out;
}

static void release_key(const struct ztp_conf_key *k, void *obj)
{
	size_t i;

	switch (k->type) {
	case ZTP_CT_STR:
	case ZTP_CT_PATH: {
		char **p = FIELD(obj, k->off, char *);

		free(*p);
		*p = NULL;
		break;
	}
	case ZTP_CT_STRLIST:
		ztp_strlist_free(FIELD(obj, k->off, struct ztp_strlist));
		break;
	case ZTP_CT_SECTION:
		ztp_conf_release(k->sub, FIELD(obj, k->off, char));
		break;
	case ZTP_CT_MAP:
	case ZTP_CT_LIST: {
		struct ztp_conf_map *m = FIELD(obj, k->off, struct ztp_conf_map);

		for (i = 0; i < m->n; i++) {
			void *item = (char *)m->items + i * k->sub->size;

			if (k->type == ZTP_CT_MAP)
				free(*(char **)item);
			ztp_conf_release(k->sub, item);
		}
		free(m->items);
		m->items = NULL;
		m->n = 0;
		break;
	}
	case ZTP_CT_ANY: {
		struct ztp_val **p = FIELD(obj, k->off, struct ztp_val *);

		ztp_val_unref(*p);
		*p = NULL;
		break;
	}
	default:
		break;
	}
}

void ztp_conf_release(const struct ztp_conf_schema *s, void *obj)
{
	const struct ztp_conf_key *k;

	if (obj == NULL)
		return;
	for (k = s->keys; k->name; k++)
		release_key(k, obj);
}

static int set_key(const struct ztp_conf_key *k, void *obj, const struct ztp_val *v,
		   const char *file, const char *where, struct ztp_err *e)
{
	int line = v->line;
	char sub[512], buf[160];
	size_t i;

	release_key(k, obj);
	switch (k->type) {
	case ZTP_CT_STR:
	case ZTP_CT_PATH: {
		char *t;

		if (v->type == ZTP_V_NULL)
			return 0;
		if ((t = scalar_text(v)) == NULL)
			return key_error(e, file, line, where, k->name, "expected a string, got a ",
					 ztp_val_typename(v));
		if (k->type == ZTP_CT_PATH && *t) {
			char *p = resolve_path(file, t);

			free(t);
			t = p;
		}
		*FIELD(obj, k->off, char *) = t;
		return 0;
	}
	case ZTP_CT_INT:
		if (v->type != ZTP_V_INT || v->u.i < k->min || v->u.i > k->max) {
			snprintf(buf, sizeof buf, "expected an integer from %lld to %lld", k->min, k->max);
			return key_error(e, file, line, where, k->name, buf, NULL);
		}
		*FIELD(obj, k->off, long long) = v->u.i;
		return 0;
	case ZTP_CT_BOOL:
		if (v->type != ZTP_V_BOOL)
			return key_error(e, file, line, where, k->name,
					 "expected true or false, got a ", ztp_val_typename(v));
		*FIELD(obj, k->off, int) = v->u.b;
		return 0;
	case ZTP_CT_DURATION: {
		long long secs;

		if (v->type == ZTP_V_INT && v->u.i >= 0)
			secs = v->u.i;
		else if (v->type != ZTP_V_STR || ztp_parse_duration(v->u.str.s, &secs) < 0)
			return key_error(e, file, line, where, k->name,
					 "expected a duration like 30, 30s, 5m, 2h or 1d", NULL);
		*FIELD(obj, k->off, long long) = secs;
		return 0;
	}
	case ZTP_CT_ENUM:
		for (i = 0; v->type == ZTP_V_STR && k->enums[i]; i++)
			if (strcmp(k->enums[i], v->u.str.s) == 0) {
				*FIELD(obj, k->off, int) = (int)i;
				return 0;
			}
		{
			struct ztp_buf b = ZTP_BUF_INIT;
			int rc;

			ztp_buf_adds(&b, "expected one of:");
			for (i = 0; k->enums[i]; i++)
				ztp_buf_addf(&b, " %s", k->enums[i]);
			/* YAML 1.1 reads unquoted off, on, yes and no as booleans */
			for (i = 0; v->type == ZTP_V_BOOL && k->enums[i]; i++) {
				struct ztp_val *w = ztp_yml_resolve(k->enums[i], strlen(k->enums[i]));
				int same = w->type == ZTP_V_BOOL && w->u.b == v->u.b;

				ztp_val_unref(w);
				if (same) {
					ztp_buf_addf(&b, "; got %s, which is what YAML makes of an unquoted"
						     " '%s' (fix: quote it: %s: '%s')",
						     v->u.b ? "true" : "false", k->enums[i], k->name,
						     k->enums[i]);
					break;
				}
			}
			rc = key_error(e, file, line, where, k->name, b.p, NULL);
			ztp_buf_free(&b);
			return rc;
		}
	case ZTP_CT_STRLIST: {
		struct ztp_strlist *l = FIELD(obj, k->off, struct ztp_strlist);
		size_t n = v->type == ZTP_V_LIST ? v->u.list.n : 1;

		if (v->type == ZTP_V_NULL)
			return 0;
		l->v = ztp_xcalloc(n, sizeof *l->v);
		for (i = 0; i < n; i++) {
			const struct ztp_val *it = v->type == ZTP_V_LIST ? v->u.list.v[i] : v;

			if ((l->v[i] = scalar_text(it)) == NULL)
				return key_error(e, file, it->line, where, k->name,
						 "expected a string or a list of strings, got a ",
						 ztp_val_typename(it));
			l->n++;
		}
		return 0;
	}
	case ZTP_CT_SECTION:
		snprintf(sub, sizeof sub, "%s%s%s", where && *where ? where : "",
			 where && *where ? "." : "", k->name);
		return ztp_conf_apply(k->sub, FIELD(obj, k->off, char), v, file, sub, e);
	case ZTP_CT_MAP:
	case ZTP_CT_LIST: {
		struct ztp_conf_map *m = FIELD(obj, k->off, struct ztp_conf_map);
		int want = k->type == ZTP_CT_MAP ? ZTP_V_MAP : ZTP_V_LIST;
		size_t n;

		if (v->type == ZTP_V_NULL)
			return 0;
		if (v->type != want)
			return key_error(e, file, line, where, k->name,
					 want == ZTP_V_MAP ? "expected a mapping of names, got a " :
					 "expected a list, got a ", ztp_val_typename(v));
		n = ztp_val_len(v);
		m->items = ztp_xcalloc(n ? n : 1, k->sub->size);
		for (i = 0; i < n; i++) {
			void *item = (char *)m->items + i * k->sub->size;
			const struct ztp_val *iv;

			if (k->type == ZTP_CT_MAP) {
				char *name = scalar_text(v->u.map.e[i].key);

				if (name == NULL || !ztp_id_valid(name)) {
					free(name);
					return key_error(e, file, v->u.map.e[i].key->line, where, k->name,
					    "names must be letters, digits, '.', '-' or '_'", NULL);
				}
				*(char **)item = name;
				iv = v->u.map.e[i].val;
				snprintf(sub, sizeof sub, "%s%s%s.%s", where && *where ? where : "",
					 where && *where ? "." : "", k->name, name);
			} else {
				iv = v->u.list.v[i];
				snprintf(sub, sizeof sub, "%s%s%s[%zu]", where && *where ? where : "",
					 where && *where ? "." : "", k->name, i);
			}
			m->n++;
			if (ztp_conf_apply(k->sub, item, iv, file, sub, e) < 0)
				return ZTP_ERR_CONFIG;
		}
		return 0;
	}
	case ZTP_CT_ANY:
		*FIELD(obj, k->off, struct ztp_val *) = ztp_val_ref((struct ztp_val *)v);
		return 0;
	}
	return 0;
}

int ztp_conf_apply(const struct ztp_conf_schema *s, void *obj,
		   const struct ztp_val *m, const char *file, const char *where,
		   struct ztp_err *e)
{
	const struct ztp_conf_key *k;
	const char *names[128];
	size_t i, nk = 0;
	int rc;

	/* defaults first */
	for (k = s->keys; k->name; k++) {
		if (nk < 127)
			names[nk++] = k->name;
		if (k->def) {
			struct ztp_val *d = NULL;

			if (ztp_yml_load_buf(k->def, strlen(k->def), "(default)", NULL, &d, NULL) < 0)
				return ztp_err_set(e, ZTP_ERR_CONFIG, "bad built-in default for '%s'", k->name);
			rc = set_key(k, obj, d, NULL, where, e);
			ztp_val_unref(d);
			if (rc < 0)
				return rc;
		} else if (k->type == ZTP_CT_SECTION) {
			if ((rc = ztp_conf_apply(k->sub, FIELD(obj, k->off, char), NULL, file, k->name, e)) < 0)
				return rc;
		}
	}
	names[nk] = NULL;
	if (m == NULL || m->type == ZTP_V_NULL)
		return 0;
	if (m->type != ZTP_V_MAP)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "%s: line %d: '%s' must be a mapping, not a %s",
				   file, m->line, where && *where ? where : "the top level",
				   ztp_val_typename(m));
	for (i = 0; i < m->u.map.n; i++) {
		const struct ztp_val *key = m->u.map.e[i].key;
		const char *kname = key->type == ZTP_V_STR ? key->u.str.s : NULL;

		for (k = s->keys; k->name && kname; k++)
			if (strcmp(k->name, kname) == 0)
				break;
		if (kname == NULL || k->name == NULL) {
			const char *dym = kname ? ztp_did_you_mean(kname, names) : NULL;
			char hint[200] = "";
			char kn[256];

			if (dym)
				snprintf(hint, sizeof hint, " (did you mean '%s'?)", dym);
			snprintf(kn, sizeof kn, "%s", kname ? ztp_esc(kname) : "(not a string)");
			return ztp_err_set(e, ZTP_ERR_CONFIG, "%s: line %d: unknown key '%s' in '%s'%s",
					   file, key->line, kn,
					   where && *where ? where : "the top level", hint);
		}
		if ((rc = set_key(k, obj, m->u.map.e[i].val, file, where, e)) < 0)
			return rc;
	}
	return 0;
}

static struct ztp_val *to_val(const struct ztp_conf_schema *s, const void *obj);

static struct ztp_val *key_val(const struct ztp_conf_key *k, const void *obj)
{
	struct ztp_val *v;
	size_t i;

	switch (k->type) {
	case ZTP_CT_STR:
	case ZTP_CT_PATH: {
		const char *p = *FIELD(obj, k->off, char *);

		return p ? ztp_val_str(p) : ztp_val_null();
	}
	case ZTP_CT_INT:
		return ztp_val_int(*FIELD(obj, k->off, long long));
	case ZTP_CT_DURATION: {
		long long s = *FIELD(obj, k->off, long long);

		if (s && s % 86400 == 0)
			return ztp_val_strf("%lldd", s / 86400);
		if (s && s % 3600 == 0)
			return ztp_val_strf("%lldh", s / 3600);
		if (s && s % 60 == 0)
			return ztp_val_strf("%lldm", s / 60);
		return ztp_val_strf("%llds", s);
	}
	case ZTP_CT_BOOL:
		return ztp_val_bool(*FIELD(obj, k->off, int));
	case ZTP_CT_ENUM:
		return ztp_val_str(k->enums[*FIELD(obj, k->off, int)]);
	case ZTP_CT_STRLIST: {
		const struct ztp_strlist *l = FIELD(obj, k->off, struct ztp_strlist);

		v = ztp_val_list();
		for (i = 0; i < l->n; i++)
			ztp_list_push(v, ztp_val_str(l->v[i]));
		return v;
	}
	case ZTP_CT_SECTION:
		return to_val(k->sub, FIELD(obj, k->off, char));
	case ZTP_CT_MAP:
	case ZTP_CT_LIST: {
		const struct ztp_conf_map *m = FIELD(obj, k->off, struct ztp_conf_map);

		v = k->type == ZTP_CT_MAP ? ztp_val_map() : ztp_val_list();
		for (i = 0; i < m->n; i++) {
			const void *item = (const char *)m->items + i * k->sub->size;

			if (k->type == ZTP_CT_MAP)
				ztp_map_set(v, *(char *const *)item, to_val(k->sub, item));
			else
				ztp_list_push(v, to_val(k->sub, item));
		}
		return v;
	}
	case ZTP_CT_ANY: {
		struct ztp_val *a = *FIELD(obj, k->off, struct ztp_val *);

		return a ? ztp_val_ref(a) : ztp_val_null();
	}
	}
	return ztp_val_null();
}

static struct ztp_val *to_val(const struct ztp_conf_schema *s, const void *obj)
{
	const struct ztp_conf_key *k;
	struct ztp_val *m = ztp_val_map();

	for (k = s->keys; k->name; k++)
		ztp_map_set(m, k->name, key_val(k, obj));
	return m;
}

int ztp_conf_dump(const struct ztp_conf_schema *s, const void *obj,
		  struct ztp_buf *b, int indent)
{
	struct ztp_buf tmp = ZTP_BUF_INIT;
	struct ztp_val *v = to_val(s, obj);
	size_t i, start = 0;
	int rc = ztp_yml_emit(&tmp, v, 0, NULL);

	ztp_val_unref(v);
	for (i = 0; rc == 0 && i < tmp.len; i++)
		if (tmp.p[i] == '\n') {
			ztp_buf_addf(b, "%*s%.*s\n", indent, "", (int)(i - start), tmp.p + start);
			start = i + 1;
		}
	ztp_buf_free(&tmp);
	return rc;
}

/* ---- the top level ---- */

static const struct ztp_conf_key backend_keys[] = {
	{ "url", ZTP_CT_STR, offsetof(struct ztp_conf_backend, url), NULL, 0, 0, NULL, NULL,
	  "HTTP(S) URL that receives each new record as JSON (POST)" },
	{ "timeout", ZTP_CT_DURATION, offsetof(struct ztp_conf_backend, timeout), "10s", 0, 0, NULL, NULL,
	  "time allowed for one notification" },
	{ "verify_tls", ZTP_CT_BOOL, offsetof(struct ztp_conf_backend, verify_tls), "true", 0, 0, NULL, NULL,
	  "check the server's certificate" },
	{ "ca_file", ZTP_CT_PATH, offsetof(struct ztp_conf_backend, ca_file), NULL, 0, 0, NULL, NULL,
	  "CA certificates (PEM) to check it with instead of the system's" },
	{ "retry_max", ZTP_CT_DURATION, offsetof(struct ztp_conf_backend, retry_max), "1d", 0, 0, NULL, NULL,
	  "keep retrying a notification this long" },
	{ NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL },
};
static const struct ztp_conf_schema backend_schema = {
	"backend", sizeof(struct ztp_conf_backend), backend_keys,
};

static const struct ztp_conf_key flow_keys[] = {
	{ .name = "retries", .type = ZTP_CT_INT, .off = offsetof(struct ztp_conf_flow, retries),
	  .def = "3", .min = 0, .max = 100,
	  .doc = "automatic retries of a failed record whose failure may pass by itself" },
	{ .name = "backoff", .type = ZTP_CT_DURATION, .off = offsetof(struct ztp_conf_flow, backoff),
	  .def = "2m", .doc = "wait before the first retry; doubled for each further one" },
	{ .name = "backoff_max", .type = ZTP_CT_DURATION,
	  .off = offsetof(struct ztp_conf_flow, backoff_max), .def = "1h",
	  .doc = "the longest wait between two retries" },
	{ .name = "hooks", .type = ZTP_CT_PATH, .off = offsetof(struct ztp_conf_flow, hooks),
	  .doc = "directory of executables run for each stage change (events.h)" },
	{ .name = "hook_timeout", .type = ZTP_CT_DURATION,
	  .off = offsetof(struct ztp_conf_flow, hook_timeout), .def = "30s",
	  .doc = "a hook still running after this long is killed" },
	{ .name = NULL },
};
static const struct ztp_conf_schema flow_schema = {
	"flow", sizeof(struct ztp_conf_flow), flow_keys,
};

#define ANY(name, doc) { #name, ZTP_CT_ANY, offsetof(struct ztp_conf, name), NULL, 0, 0, NULL, NULL, doc }
static const struct ztp_conf_key top_keys[] = {
	{ "spool", ZTP_CT_PATH, offsetof(struct ztp_conf, spool), "/var/spool/ztp", 0, 0, NULL, NULL,
	  "the spool directory (records, claims, logs)" },
	{ "spool_shared", ZTP_CT_BOOL, offsetof(struct ztp_conf, spool_shared), "false", 0, 0, NULL, NULL,
	  "the spool is several hosts' (a network filesystem mounted there): refused on a local one" },
	{ "secrets", ZTP_CT_PATH, offsetof(struct ztp_conf, secrets), NULL, 0, 0, NULL, NULL,
	  "file with credentials and tokens; must be mode 0600" },
	{ "backend", ZTP_CT_SECTION, offsetof(struct ztp_conf, backend), NULL, 0, 0, NULL, &backend_schema,
	  "where new devices are announced" },
	{ "flow", ZTP_CT_SECTION, offsetof(struct ztp_conf, flow), NULL, 0, 0, NULL, &flow_schema,
	  "retries of failed records (ztp-flow)" },
	ANY(ssh, "SSH client settings (see ztp.yml(5))"),
	ANY(racks, "provisioning racks"),
	ANY(dhcp, "DHCP server settings"),
	ANY(templates, "template search paths and options"),
	ANY(services, "services and their templates"),
	ANY(platforms, "per-platform settings"),
	ANY(devices, "per-device overrides"),
	{ NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL },
};
const struct ztp_conf_schema ztp_conf_schema = { "ztp.yml", sizeof(struct ztp_conf), top_keys };

int ztp_conf_load(struct ztp_conf **cp, const char *path, struct ztp_err *e)
{
	struct ztp_yml_opts o = { .max_bytes = 16 << 20, .dup_keys = 1 };
	struct ztp_conf *c = ztp_xcalloc(1, sizeof *c);
	const char *env = getenv("ZTP_CONFIG");
	int explicit = path != NULL || (env && *env);
	int rc;

	*cp = NULL;
	if (path == NULL)
		path = env && *env ? env : ZTP_CONF_DEFAULT;
	if (!explicit && access(path, F_OK) < 0 && errno == ENOENT) {
		rc = ztp_conf_apply(&ztp_conf_schema, c, NULL, NULL, "", e);
	} else {
		rc = ztp_yml_load_file(path, &o, &c->raw, e);
		if (rc == ZTP_ERR_SYS)
			rc = ZTP_ERR_CONFIG;
		if (rc == 0) {
			c->file = ztp_xstrdup(path);
			rc = ztp_conf_apply(&ztp_conf_schema, c, c->raw, path, "", e);
		}
	}
	if (rc < 0) {
		if (e)
			e->code = ZTP_ERR_CONFIG;
		ztp_conf_free(c);
		return ZTP_ERR_CONFIG;
	}
	env = getenv("ZTP_SPOOL");
	if (env && *env)
		ztp_conf_set_spool(c, env);
	*cp = c;
	return 0;
}

void ztp_conf_free(struct ztp_conf *c)
{
	if (c == NULL)
		return;
	ztp_conf_release(&ztp_conf_schema, c);
	ztp_val_unref(c->raw);
	free(c->file);
	free(c);
}

void ztp_conf_set_spool(struct ztp_conf *c, const char *dir)
{
	free(c->spool);
	c->spool = ztp_xstrdup(dir);
}

int ztp_conf_spool_flags(const struct ztp_conf *c)
{
	return c && c->spool_shared ? ZTP_SPOOL_SHARED : 0;
}

int ztp_conf_print(const struct ztp_conf *c, struct ztp_buf *b)
{
	ztp_buf_addf(b, "# effective configuration from %s\n",
		     c->file ? ztp_esc(c->file) : "built-in defaults");
	return ztp_conf_dump(&ztp_conf_schema, c, b, 0);
}

/* the checks of a secrets file's inode: a regular file (not a FIFO that
 * would block, a device or a directory), private, ours or root's */
static int secrets_check_st(const char *path, const struct stat *st, struct ztp_err *e)
{
	if (!S_ISREG(st->st_mode))
		return ztp_err_set(e, ZTP_ERR_PERM,
		    "refusing to read secrets file '%s': not a regular file (a %s; fix: point 'secrets:' at a file)",
		    path, S_ISFIFO(st->st_mode) ? "FIFO" : S_ISDIR(st->st_mode) ? "directory" :
		    S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) ? "device" :
		    S_ISSOCK(st->st_mode) ? "socket" : "special file");
	if (st->st_mode & 077)
		return ztp_err_set(e, ZTP_ERR_PERM,
		    "refusing to read secrets file '%s': mode %04o lets other users read it (fix: chmod 600 '%s')",
		    path, (unsigned)(st->st_mode & 07777), path);
	if (st->st_uid != geteuid() && st->st_uid != 0)
		return ztp_err_set(e, ZTP_ERR_PERM,
		    "refusing to read secrets file '%s': owned by uid %u, not by this user (uid %u) or root",
		    path, (unsigned)st->st_uid, (unsigned)geteuid());
	return 0;
}

int ztp_secrets_check_file(const char *path, struct ztp_err *e)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return ztp_err_sys(e, "cannot read secrets file '%s'", path);
	return secrets_check_st(path, &st, e);
}

/* ---- the secrets file's own schema: a typo (pasword:) or a list where
 * a string goes is an error naming the line, never a silent "no password" */

struct secrets_cred {
	char *name, *username, *password, *key_file;
};

struct secrets_doc {
	struct ztp_conf_map credentials;
	char *enable, *backend_token, *source_token;
};

static const struct ztp_conf_key secrets_cred_keys[] = {
	{ .name = "name", .type = ZTP_CT_STR, .off = offsetof(struct secrets_cred, name),
	  .doc = "what ssh.credentials calls this set" },
	{ .name = "username", .type = ZTP_CT_STR, .off = offsetof(struct secrets_cred, username),
	  .doc = "the login name" },
	{ .name = "password", .type = ZTP_CT_STR, .off = offsetof(struct secrets_cred, password),
	  .doc = "the password" },
	{ .name = "key_file", .type = ZTP_CT_STR, .off = offsetof(struct secrets_cred, key_file),
	  .doc = "a private key file" },
	{ .name = NULL },
};
static const struct ztp_conf_schema secrets_cred_schema = {
	"credential set", sizeof(struct secrets_cred), secrets_cred_keys,
};

static const struct ztp_conf_key secrets_keys[] = {
	{ .name = "backend_token", .type = ZTP_CT_STR,
	  .off = offsetof(struct secrets_doc, backend_token), .doc = "Bearer token of backend.url" },
	{ .name = "credentials", .type = ZTP_CT_LIST, .off = offsetof(struct secrets_doc, credentials),
	  .sub = &secrets_cred_schema, .doc = "credential sets, tried in order" },
	{ .name = "enable", .type = ZTP_CT_STR, .off = offsetof(struct secrets_doc, enable),
	  .doc = "the enable secret" },
	{ .name = "source_token", .type = ZTP_CT_STR,
	  .off = offsetof(struct secrets_doc, source_token), .doc = "token of templates.source" },
	{ .name = NULL },
};
const struct ztp_conf_schema ztp_secrets_schema = {
	"secrets", sizeof(struct secrets_doc), secrets_keys,
};

static void wipe(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
}

static int strings_only(const struct ztp_val *m, const char *const *keys, const char *path,
			const char *where, struct ztp_err *e)
{
	const struct ztp_val *v;
	size_t i;

	for (i = 0; keys[i]; i++)
		if ((v = ztp_map_get(m, keys[i])) != NULL && v->type != ZTP_V_STR &&
		    v->type != ZTP_V_NULL)
			return key_error(e, path, v->line, where, keys[i], "expected a string (fix: quote it), got a ",
					 ztp_val_typename(v)) < 0 ? ZTP_ERR_CONFIG : 0;
	return 0;
}

static int secrets_validate(const struct ztp_val *doc, const char *path, struct ztp_err *e)
{
	struct secrets_doc d;
	size_t i;
	int rc;

	memset(&d, 0, sizeof d);
	rc = ztp_conf_apply(&ztp_secrets_schema, &d, doc, path, "", e);
	/* the copies held secrets */
	wipe(d.enable);
	wipe(d.backend_token);
	wipe(d.source_token);
	for (i = 0; i < d.credentials.n; i++)
		wipe(((struct secrets_cred *)d.credentials.items)[i].password);
	ztp_conf_release(&ztp_secrets_schema, &d);
	/* the tools read these as strings: an unquoted 0123 or true would be
	 * silently no password at all (or another one) */
	if (rc == 0) {
		static const char *const top[] = { "backend_token", "enable", "source_token", NULL };
		static const char *const cred[] = { "key_file", "name", "password", "username", NULL };
		const struct ztp_val *l = ztp_map_get(doc, "credentials");
		char where[64];

		rc = strings_only(doc, top, path, "", e);
		for (i = 0; rc == 0 && l && l->type == ZTP_V_LIST && i < l->u.list.n; i++) {
			snprintf(where, sizeof where, "credentials[%zu]", i);
			rc = strings_only(l->u.list.v[i], cred, path, where, e);
		}
	}
	if (rc < 0 && e)
		e->code = ZTP_ERR_CONFIG;
	return rc < 0 ? ZTP_ERR_CONFIG : 0;
}

int ztp_secrets_load(const struct ztp_conf *c, struct ztp_val **out, struct ztp_err *e)
{
	struct ztp_yml_opts o = { .max_bytes = 1 << 20, .dup_keys = 1 };
	struct ztp_buf b = ZTP_BUF_INIT;
	struct stat st;
	int fd, fl, rc;

	*out = NULL;
	if (c->secrets == NULL)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "no secrets file: set 'secrets:' in %s",
				   c->file ? c->file : ZTP_CONF_DEFAULT);
	/* what is read from here on must not end up in a core file */
	ztp_os_nodump();
	/* check the file we actually read, not the name; O_NONBLOCK so that
	 * a FIFO does not block the open before its type is seen */
	fd = open(c->secrets, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int en = errno;

		ztp_err_sys(e, "cannot read secrets file '%s'", c->secrets);
		/* a file the configuration names but that is not there (or not
		 * ours) will not be there on a retry either */
		if (en != ENOENT && en != ENOTDIR && en != EACCES && en != ENXIO)
			return ZTP_ERR_SYS;
		if (e)
			e->code = ZTP_ERR_CONFIG;
		return ZTP_ERR_CONFIG;
	}
	if (fstat(fd, &st) < 0) {
		rc = ztp_err_sys(e, "cannot read secrets file '%s'", c->secrets);
		close(fd);
		return rc;
	}
	if ((rc = secrets_check_st(c->secrets, &st, e)) < 0) {
		close(fd);
		/* an unsafe or special file stays so until someone fixes it */
		if (e)
			e->code = ZTP_ERR_PERM;
		return rc;
	}
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		rc = ztp_err_sys(e, "cannot read secrets file '%s'", c->secrets);
		close(fd);
		return rc;
	}
	rc = ztp_buf_read_fd(&b, fd, o.max_bytes, c->secrets, e);
	close(fd);
	if (rc == 0)
		rc = ztp_yml_load_buf(b.p ? b.p : "", b.len, c->secrets, &o, out, e);
	if (rc == 0 && (rc = secrets_validate(*out, c->secrets, e)) < 0) {
		ztp_val_unref(*out);
		*out = NULL;
	}
	/* the buffer held secrets */
	if (b.p)
		explicit_bzero(b.p, b.cap);
	ztp_buf_free(&b);
	return rc;
}
