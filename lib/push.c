/* push.c: push, verify, save, roll back per platform (push.h) */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push.h"
#include "str.h"
#include "yml.h"

#define MAX_CHECKS 200
#define MAX_LINES 200000

/* ---- post-checks */

static int render_str(struct ztp_tmpl_env *env, const char *where, const char *text,
		      struct ztp_val *vars, char **out, struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT;

	ztp_tmpl_env_add(env, where, text, strlen(text));
	if (ztp_tmpl_render(env, where, vars, &b, e) < 0) {
		ztp_buf_free(&b);
		return e->code;
	}
	*out = b.p ? b.p : ztp_xstrdup("");
	return 0;
}

/* a string or a list of strings into (rendered) *v, *n */
static int check_list(struct ztp_tmpl_env *env, const char *path, size_t ci, const char *key,
		      const struct ztp_val *l, struct ztp_val *vars, char ***v, size_t *n,
		      struct ztp_err *e)
{
	size_t i, cnt;

	*v = NULL;
	*n = 0;
	if (l == NULL)
		return 0;
	if (l->type != ZTP_V_STR && l->type != ZTP_V_LIST)
		return ztp_err_set(e, ZTP_ERR_PARSE, "%s: check %zu: %s must be a string or a list of them",
				   path, ci + 1, key);
	cnt = l->type == ZTP_V_STR ? 1 : l->u.list.n;
	*v = ztp_xcalloc(cnt ? cnt : 1, sizeof **v);
	for (i = 0; i < cnt; i++) {
		const struct ztp_val *s = l->type == ZTP_V_STR ? l : l->u.list.v[i];
		char where[1200];
		regex_t re;
		int rc;

		if (s->type != ZTP_V_STR)
			return ztp_err_set(e, ZTP_ERR_PARSE, "%s: check %zu: %s[%zu] must be a string",
					   path, ci + 1, key, i);
		snprintf(where, sizeof where, "%s#%zu.%s.%zu", path, ci + 1, key, i);
		if (render_str(env, where, s->u.str.s, vars, &(*v)[i], e) < 0)
			return e->code;
		(*n)++;
		rc = regcomp(&re, (*v)[i], REG_EXTENDED | REG_NEWLINE | REG_NOSUB);
		if (rc) {
			char m[256];

			regerror(rc, &re, m, sizeof m);
			return ztp_err_set(e, ZTP_ERR_PARSE, "%s: check %zu: %s '%s': %s", path, ci + 1,
					   key, ztp_esc((*v)[i]), m);
		}
		regfree(&re);
	}
	return 0;
}

int ztp_push_checks_load(const char *path, struct ztp_tmpl_env *env, struct ztp_val *vars,
			 struct ztp_push_check **checks, size_t *n, struct ztp_err *e)
{
	struct ztp_val *doc = NULL;
	struct ztp_push_check *cs = NULL;
	size_t i, cnt = 0;
	int rc = 0;

	*checks = NULL;
	*n = 0;
	if (ztp_yml_load_file(path, NULL, &doc, e) < 0)
		return e->code;
	if (doc->type == ZTP_V_NULL)
		goto out;
	if (doc->type != ZTP_V_LIST || doc->u.list.n > MAX_CHECKS) {
		rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s: post-checks must be a list of at most %d "
				 "{name, command, expect, reject}", path, MAX_CHECKS);
		goto out;
	}
	cs = ztp_xcalloc(doc->u.list.n ? doc->u.list.n : 1, sizeof *cs);
	for (i = 0; i < doc->u.list.n; i++) {
		const struct ztp_val *c = doc->u.list.v[i];
		const char *cmd = ztp_map_str(c, "command"), *name = ztp_map_str(c, "name");
		char where[1200];
		size_t k;

		cnt = i + 1;
		if (c->type != ZTP_V_MAP || cmd == NULL) {
			rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s: check %zu: needs a command", path, i + 1);
			goto out;
		}
		for (k = 0; k < c->u.map.n; k++) {
			const struct ztp_val *key = c->u.map.e[k].key;
			static const char *const known[] = { "name", "command", "expect", "reject", NULL };
			size_t j;

			for (j = 0; known[j] && !(key->type == ZTP_V_STR && !strcmp(key->u.str.s, known[j])); j++)
				;
			if (known[j] == NULL) {
				rc = ztp_err_set(e, ZTP_ERR_PARSE, "%s: check %zu: unknown key '%s' "
						 "(name, command, expect, reject)", path, i + 1,
						 key->type == ZTP_V_STR ? ztp_esc(key->u.str.s) : "?");
				goto out;
			}
		}
		cs[i].name = ztp_xstrdup(name ? name : cmd);
		snprintf(where, sizeof where, "%s#%zu.command", path, i + 1);
		if ((rc = render_str(env, where, cmd, vars, &cs[i].command, e)) < 0 ||
		    (rc = check_list(env, path, i, "expect", ztp_map_get(c, "expect"), vars,
				     &cs[i].expect, &cs[i].nexpect, e)) < 0 ||
		    (rc = check_list(env, path, i, "reject", ztp_map_get(c, "reject"), vars,
				     &cs[i].reject, &cs[i].nreject, e)) < 0)
			goto out;
	}
out:
	ztp_val_unref(doc);
	if (rc < 0) {
		ztp_push_checks_free(cs, cnt);
		return rc;
	}
	*checks = cs;
	*n = cnt;
	return 0;
}

void ztp_push_checks_free(struct ztp_push_check *checks, size_t n)
{
	size_t i, k;

	for (i = 0; checks && i < n; i++) {
		free(checks[i].name);
		free(checks[i].command);
		for (k = 0; k < checks[i].nexpect; k++)
			free(checks[i].expect[k]);
		for (k = 0; k < checks[i].nreject; k++)
			free(checks[i].reject[k]);
		free(checks[i].expect);
		free(checks[i].reject);
	}
	free(checks);
}

/* ---- lines and the diff */

struct line {
	const char *p;		/* into the text, not NUL-terminated */
	size_t n;		/* without trailing blanks and CR */
	size_t indent;
	size_t no;		/* 1-based line number in the text */
};

/* a line that only leaves a mode or comments */
static int noise(const struct line *l)
{
	const char *p = l->p + l->indent;
	size_t n = l->n - l->indent;

	if (n == 0 || p[0] == '!' || p[0] == '#')
		return 1;
	return (n == 3 && !memcmp(p, "end", 3)) || (n == 4 && !memcmp(p, "exit", 4)) ||
	       (n == 4 && !memcmp(p, "quit", 4)) || (n == 6 && !memcmp(p, "return", 6));
}

static size_t split_lines(const char *t, size_t len, struct line **out)
{
	size_t n = 0, cap = 0, i = 0, no = 0;
	struct line *v = NULL;

	while (i < len && n < MAX_LINES) {
		size_t j = i, k;

		while (j < len && t[j] != '\n')
			j++;
		no++;
		k = j;
		while (k > i && (t[k - 1] == ' ' || t[k - 1] == '\t' || t[k - 1] == '\r'))
			k--;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = ztp_xrealloc(v, cap, sizeof *v);
		}
		v[n].p = t + i;
		v[n].n = k - i;
		v[n].no = no;
		for (v[n].indent = 0; v[n].indent < v[n].n && (t[i + v[n].indent] == ' ' ||
		     t[i + v[n].indent] == '\t'); v[n].indent++)
			;
		n++;
		i = j + 1;
	}
	*out = v;
	return n;
}

/* the keys of lines: their section path and themselves, "\x1f"-joined */
struct keyed {
	char **k;
	size_t n;
};

static void key_lines(const struct line *v, size_t n, struct keyed *out, size_t *parent)
{
	size_t stack[32], sind[32], sp = 0, i;

	out->k = ztp_xcalloc(n ? n : 1, sizeof *out->k);
	out->n = n;
	for (i = 0; i < n; i++) {
		struct ztp_buf b = ZTP_BUF_INIT;
		size_t s;

		if (noise(&v[i])) {
			/* "exit"/"quit" at the section's depth closes it */
			if (v[i].n > v[i].indent)
				while (sp > 0 && sind[sp - 1] >= v[i].indent && v[i].p[v[i].indent] != '!' &&
				       v[i].p[v[i].indent] != '#')
					sp--;
			if (parent)
				parent[i] = (size_t)-1;
			continue;
		}
		while (sp > 0 && sind[sp - 1] >= v[i].indent)
			sp--;
		for (s = 0; s < sp; s++) {
			const struct line *h = &v[stack[s]];

			ztp_buf_add(&b, h->p + h->indent, h->n - h->indent);
			ztp_buf_addc(&b, '\x1f');
		}
		ztp_buf_add(&b, v[i].p + v[i].indent, v[i].n - v[i].indent);
		out->k[i] = b.p;
		if (parent)
			parent[i] = sp ? stack[sp - 1] : (size_t)-1;
		if (sp < 32) {
			stack[sp] = i;
			sind[sp++] = v[i].indent;
		}
	}
}

static void keyed_free(struct keyed *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->k[i]);
	free(k->k);
}

static int cmpstr(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	return strcmp(x ? x : "", y ? y : "");
}

/* new[i] = 1 for candidate lines the running configuration lacks */
static size_t new_lines(const char *running, size_t rlen, const struct line *cv, size_t cn,
			size_t *parent, unsigned char *isnew)
{
	struct line *rv;
	size_t rn = split_lines(running, rlen, &rv), i, cnt = 0;
	struct keyed rk, ck;
	char **sorted;

	key_lines(rv, rn, &rk, NULL);
	key_lines(cv, cn, &ck, parent);
	sorted = ztp_xcalloc(rn ? rn : 1, sizeof *sorted);
	memcpy(sorted, rk.k, rn * sizeof *sorted);
	qsort(sorted, rn, sizeof *sorted, cmpstr);
	for (i = 0; i < cn; i++) {
		isnew[i] = ck.k[i] && !bsearch(&ck.k[i], sorted, rn, sizeof *sorted, cmpstr);
		cnt += isnew[i];
	}
	free(sorted);
	keyed_free(&rk);
	keyed_free(&ck);
	free(rv);
	return cnt;
}

static void diff_out(const struct line *cv, size_t cn, const size_t *parent,
		     const unsigned char *isnew, struct ztp_buf *out)
{
	unsigned char *shown = ztp_xcalloc(cn ? cn : 1, 1);
	size_t i;

	for (i = 0; i < cn; i++) {
		size_t chain[32], nc = 0, p;

		if (!isnew[i])
			continue;
		/* the sections above it, once */
		for (p = parent[i]; p != (size_t)-1 && nc < 32; p = parent[p])
			chain[nc++] = p;
		while (nc > 0) {
			p = chain[--nc];
			if (!shown[p]) {
				ztp_buf_addf(out, "%c %.*s\n", isnew[p] ? '+' : ' ', (int)cv[p].n, cv[p].p);
				shown[p] = 1;
			}
		}
		if (!shown[i]) {
			ztp_buf_addf(out, "+ %.*s\n", (int)cv[i].n, cv[i].p);
			shown[i] = 1;
		}
	}
	free(shown);
}

size_t ztp_push_diff(const char *running, size_t rlen, const char *cand, size_t clen,
		     struct ztp_buf *out)
{
	struct line *cv;
	size_t cn = split_lines(cand, clen, &cv), cnt;
	size_t *parent = ztp_xcalloc(cn ? cn : 1, sizeof *parent);
	unsigned char *isnew = ztp_xcalloc(cn ? cn : 1, 1);

	cnt = new_lines(running, rlen, cv, cn, parent, isnew);
	diff_out(cv, cn, parent, isnew, out);
	free(parent);
	free(isnew);
	free(cv);
	return cnt;
}

/* ---- the session side */

enum fam { P_IOS, P_NXOS, P_EOS, P_XR, P_JUNOS, P_VRP };

static enum fam fam_of(const char *p)
{
	if (p == NULL)
		return P_IOS;
	if (!strcmp(p, "cisco_nxos"))
		return P_NXOS;
	if (!strcmp(p, "arista_eos"))
		return P_EOS;
	if (!strcmp(p, "cisco_xr"))
		return P_XR;
	if (!strcmp(p, "juniper_junos"))
		return P_JUNOS;
	if (!strcmp(p, "huawei_vrp"))
		return P_VRP;
	return P_IOS;
}

const char *ztp_push_show_config_cmd(const char *platform)
{
	switch (fam_of(platform)) {
	case P_JUNOS:
		return "show configuration | display set";
	case P_VRP:
		return "display current-configuration";
	default:
		return "show running-config";
	}
}

/* the questions configuration commands ask */
static const struct ztp_cli_answer answers[] = {
	{ "Destination filename [", "" },
	{ "Do you want to over write? [confirm]", "" },
	{ "[confirm]", "" },
	{ "Do you really want to replace them? [yes/no]", "no" },
	{ "Are you sure to continue?[Y/N]", "y" },
	{ "Exit with uncommitted changes? [yes,no]", "yes" },
	{ "Uncommitted changes found, commit them before exiting", "no" },
	{ NULL, NULL }
};

struct ps {
	struct ztp_cli *c;
	const struct ztp_push_opts *o;
	struct ztp_push_result *r;
	enum fam f;
	struct ztp_buf out;
	char file[128];		/* the backup, or the checkpoint's name */
	struct ztp_err *e;
	/* VRP's way back: the new lines applied (indexes into v), in their views */
	const struct line *v;
	const size_t *parent;
	size_t *applied, na;
};

/* run a command; rc as ztp_cli_run */
static int cmd(struct ps *s, const char *c)
{
	return ztp_cli_run_ex(s->c, c, NULL, 0, answers, s->o->timeout, &s->out, s->e);
}

/* a command that must work (prepare, commit, save): a refusal is a
 * failure of kind with the device's words */
static int must(struct ps *s, const char *c, const char *kind)
{
	int rc = cmd(s, c);

	if (rc == ZTP_ERR_USAGE) {
		snprintf(s->r->kind, sizeof s->r->kind, "%s", kind);
		snprintf(s->r->msg, sizeof s->r->msg, "%s", s->e->msg);
	}
	return rc;
}

static int broken(int rc)
{
	return rc < 0 && rc != ZTP_ERR_USAGE;
}

static int undo_vrp(struct ps *s);

/* undo what a push applied */
static int rollback(struct ps *s, int committed)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	int rc = 0;

	switch (s->f) {
	case P_IOS:
	case P_EOS:
		if (s->f == P_EOS && !committed) {
			rc = cmd(s, "abort");	/* the session goes, nothing was applied */
			break;
		}
		ztp_buf_addf(&b, "configure replace %s force", s->file);
		rc = cmd(s, b.p);
		break;
	case P_NXOS:
		ztp_buf_addf(&b, "rollback running-config checkpoint %s", s->file);
		rc = cmd(s, b.p);
		break;
	case P_XR:
		rc = committed ? cmd(s, "rollback configuration last 1") : cmd(s, "abort");
		break;
	case P_JUNOS:
		if (!committed) {
			rc = cmd(s, "rollback 0");
			if (!broken(rc))
				rc = cmd(s, "exit");
			break;
		}
		if ((rc = cmd(s, "configure private")) < 0 || (rc = cmd(s, "rollback 1")) < 0 ||
		    (rc = cmd(s, "commit")) < 0)
			break;
		rc = cmd(s, "exit");
		break;
	case P_VRP:
		return undo_vrp(s);	/* sets rolled_back itself */
	}
	ztp_buf_free(&b);
	if (rc == 0)
		s->r->rolled_back = 1;
	return rc;
}

static void fail_line(struct ps *s, const struct line *l, const char *kind)
{
	const char *m = s->e->msg, *q;

	/* "the device refused 'LINE': ERROR": the line is said already */
	if (ztp_startswith(m, "the device refused '") && (q = strstr(m, "': ")) != NULL)
		m = q + 3;
	snprintf(s->r->kind, sizeof s->r->kind, "%s", kind);
	snprintf(s->r->msg, sizeof s->r->msg, "line %zu '%.*s': %s", l->no,
		 (int)(l->n - l->indent > 300 ? 300 : l->n - l->indent), l->p + l->indent, m);
}

/* run the checks; 0 all passed, ZTP_ERR_USAGE one failed (r says which) */
static int verify(struct ps *s, const struct ztp_push_check *ch, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		int rc = ztp_cli_run(s->c, ch[i].command, s->o->timeout, &s->out, s->e);
		const char *why = NULL, *re = NULL;

		if (broken(rc))
			return rc;
		if (rc == ZTP_ERR_USAGE)
			why = "the device refused the command";
		for (k = 0; !why && k < ch[i].nexpect; k++) {
			regex_t x;

			if (regcomp(&x, ch[i].expect[k], REG_EXTENDED | REG_NEWLINE | REG_NOSUB) == 0) {
				if (regexec(&x, s->out.p ? s->out.p : "", 0, NULL, 0) != 0)
					why = "no line matches", re = ch[i].expect[k];
				regfree(&x);
			}
		}
		for (k = 0; !why && k < ch[i].nreject; k++) {
			regex_t x;

			if (regcomp(&x, ch[i].reject[k], REG_EXTENDED | REG_NEWLINE | REG_NOSUB) == 0) {
				if (regexec(&x, s->out.p ? s->out.p : "", 0, NULL, 0) == 0)
					why = "a line matches the rejected", re = ch[i].reject[k];
				regfree(&x);
			}
		}
		if (why) {
			snprintf(s->r->kind, sizeof s->r->kind, "verify");
			snprintf(s->r->msg, sizeof s->r->msg, "check '%s' ('%s'): %s%s%s%s", ch[i].name,
				 ch[i].command, why, re ? " '" : "", re ? re : "", re ? "'" : "");
			return ZTP_ERR_USAGE;
		}
		s->r->checks++;
	}
	return 0;
}

/* the checks after a change: a failed one rolls the change back */
static int checked(struct ps *s, const struct ztp_push_check *ch, size_t n)
{
	int rc = verify(s, ch, n);

	if (rc == ZTP_ERR_USAGE)
		(void)rollback(s, 1);
	return rc;
}

/* a line not sent: blank, a comment, or the platform's "leave
 * configuration" (the push leaves by itself) */
static int skip_line(enum fam f, const struct line *l)
{
	const char *p = l->p + l->indent;
	size_t n = l->n - l->indent;

	if (n == 0)
		return 1;
	if (f == P_VRP)
		return p[0] == '#' || (n == 6 && !memcmp(p, "return", 6));
	return p[0] == '!' || (n == 3 && !memcmp(p, "end", 3));
}

/* line by line in a configuration mode; applied[] gets the indexes of the
 * new lines that are not views of their own (VRP undoes them) */
static int push_lines(struct ps *s, const struct line *v, size_t n, const unsigned char *isnew,
		      size_t *applied, size_t *na)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *l;
		int rc;

		if (skip_line(s->f, &v[i]))
			continue;
		l = ztp_xstrndup(v[i].p + v[i].indent, v[i].n - v[i].indent);
		rc = cmd(s, l);
		free(l);
		if (rc == ZTP_ERR_USAGE) {
			fail_line(s, &v[i], "rejected");
			return rc;
		}
		if (rc < 0)
			return rc;
		s->r->sent++;
		if (applied && isnew[i] && !(i + 1 < n && v[i + 1].indent > v[i].indent))
			applied[(*na)++] = i;
	}
	return 0;
}

static int push_cisco(struct ps *s, const struct line *v, size_t n,
		      const struct ztp_push_check *ch, size_t nch)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	int rc;

	/* the way back first */
	if (s->f == P_NXOS) {
		snprintf(s->file, sizeof s->file, "ztp-%s", s->o->tag ? s->o->tag : "rollback");
		ztp_buf_addf(&b, "checkpoint %s", s->file);
	} else if (s->f != P_XR) {
		snprintf(s->file, sizeof s->file, "flash:ztp-rollback.cfg");
		ztp_buf_addf(&b, "copy running-config %s", s->file);
	}
	if (b.p && (rc = must(s, b.p, "backup")) < 0)
		goto out;
	ztp_buf_reset(&b);
	if (s->f == P_EOS)
		ztp_buf_addf(&b, "configure session ztp-%s", s->o->tag ? s->o->tag : "push");
	else
		ztp_buf_adds(&b, s->f == P_XR ? "configure" : "configure terminal");
	if ((rc = must(s, b.p, "configure")) < 0)
		goto out;
	rc = push_lines(s, v, n, NULL, NULL, NULL);
	if (rc == ZTP_ERR_USAGE) {
		if (s->f != P_EOS && s->f != P_XR)
			(void)cmd(s, "end");
		(void)rollback(s, 0);
		goto out;
	}
	if (rc < 0)
		goto out;
	if (s->f == P_EOS || s->f == P_XR) {
		rc = must(s, "commit", "commit");
		if (rc == ZTP_ERR_USAGE) {
			(void)rollback(s, 0);
			(void)cmd(s, "end");
			goto out;
		}
		if (rc < 0)
			goto out;
	}
	if ((rc = cmd(s, "end")) < 0 && broken(rc))
		goto out;
	s->r->changed = 1;
	if ((rc = checked(s, ch, nch)) < 0)
		goto out;
	if (s->f != P_XR) {
		rc = must(s, s->f == P_IOS ? "write memory" : "copy running-config startup-config", "save");
		if (rc < 0)
			goto out;
		s->r->saved = 1;
	} else {
		s->r->saved = 1;	/* a commit is persistent */
	}
out:
	ztp_buf_free(&b);
	return rc;
}

/* JunOS: one load of the whole text, the device's own diff and checks */
static int push_junos(struct ps *s, const char *config, size_t len, const struct ztp_push_check *ch,
		      size_t nch)
{
	struct ztp_buf in = ZTP_BUF_INIT, b = ZTP_BUF_INIT;
	int rc;

	if ((rc = must(s, "configure private", "configure")) < 0)
		goto out;
	ztp_buf_add(&in, config, len);
	if (len && config[len - 1] != '\n')
		ztp_buf_addc(&in, '\n');
	ztp_buf_addc(&in, '\x04');
	rc = ztp_cli_run_ex(s->c, "load merge terminal", in.p, in.len, answers, s->o->timeout,
			    &s->out, s->e);
	if (!broken(rc) && s->out.p && (strstr(s->out.p, "syntax error") || strstr(s->out.p, " errors)"))) {
		const char *t = strstr(s->out.p, "terminal:");
		long no = 0;

		if (t)
			no = strtol(t + 9, NULL, 10);
		snprintf(s->r->kind, sizeof s->r->kind, "rejected");
		if (no > 0) {
			const char *p = config;
			long k;

			for (k = 1; k < no && p && (p = memchr(p, '\n', len - (size_t)(p - config))); k++)
				p++;
			snprintf(s->r->msg, sizeof s->r->msg, "line %ld '%.*s': %s", no,
				 p ? (int)strcspn(p, "\n") : 0, p ? p : "",
				 "syntax error (load merge terminal)");
		} else {
			snprintf(s->r->msg, sizeof s->r->msg, "load merge terminal: %.*s",
				 (int)strcspn(s->out.p, "\n"), s->out.p);
		}
		(void)rollback(s, 0);
		rc = ZTP_ERR_USAGE;
		goto out;
	}
	if (rc < 0)
		goto out;
	s->r->sent = s->r->lines;
	/* the device's diff */
	rc = cmd(s, "show | compare");
	if (rc < 0 && broken(rc))
		goto out;
	ztp_buf_reset(&s->r->diff);
	if (s->out.p)
		ztp_buf_add(&s->r->diff, s->out.p, s->out.len);
	if (s->o->dry_run) {
		rc = rollback(s, 0);
		s->r->rolled_back = 0;
		goto out;
	}
	if ((rc = must(s, "commit check", "commit")) < 0) {
		if (rc == ZTP_ERR_USAGE)
			(void)rollback(s, 0);
		goto out;
	}
	ztp_buf_addf(&b, "commit confirmed %ld", s->o->confirm_minutes > 0 ? s->o->confirm_minutes : 5);
	if ((rc = must(s, b.p, "commit")) < 0) {
		if (rc == ZTP_ERR_USAGE)
			(void)rollback(s, 0);
		goto out;
	}
	s->r->changed = 1;
	if ((rc = cmd(s, "exit")) < 0 || (rc = checked(s, ch, nch)) < 0)
		goto out;
	/* confirm */
	if ((rc = must(s, "configure private", "configure")) < 0 || (rc = must(s, "commit", "commit")) < 0 ||
	    (rc = cmd(s, "exit")) < 0)
		goto out;
	s->r->saved = 1;
out:
	ztp_buf_free(&in);
	ztp_buf_free(&b);
	return rc;
}

/* VRP: applied at once, no configuration rollback on the small boxes: the
 * way back is "undo" of each line this push added, in its view */
static int undo_vrp(struct ps *s)
{
	const struct line *v = s->v;
	const size_t *parent = s->parent, *applied = s->applied;
	size_t na = s->na;
	size_t i;
	int rc = cmd(s, "system-view"), failed = 0;

	if (rc < 0)
		return rc;
	for (i = na; i-- > 0;) {
		const struct line *l = &v[applied[i]];
		size_t p = parent[applied[i]];
		struct ztp_buf b = ZTP_BUF_INIT;

		if (p != (size_t)-1) {
			ztp_buf_add(&b, v[p].p + v[p].indent, v[p].n - v[p].indent);
			rc = cmd(s, b.p);
			ztp_buf_reset(&b);
			if (broken(rc))
				return rc;
		}
		ztp_buf_addf(&b, "undo %.*s", (int)(l->n - l->indent), l->p + l->indent);
		rc = cmd(s, b.p);
		ztp_buf_free(&b);
		if (broken(rc))
			return rc;
		failed += rc < 0;
		if (p != (size_t)-1 && broken(rc = cmd(s, "quit")))
			return rc;
	}
	rc = cmd(s, "return");
	if (rc == 0 && !failed)
		s->r->rolled_back = 1;
	return broken(rc) ? rc : 0;
}

static int push_vrp(struct ps *s, const struct line *v, size_t n, const size_t *parent,
		    const unsigned char *isnew, const struct ztp_push_check *ch, size_t nch)
{
	int rc;

	s->v = v;
	s->parent = parent;
	s->applied = ztp_xcalloc(n ? n : 1, sizeof *s->applied);
	if ((rc = must(s, "system-view", "configure")) < 0)
		goto out;
	rc = push_lines(s, v, n, isnew, s->applied, &s->na);
	if (rc == ZTP_ERR_USAGE) {
		(void)cmd(s, "return");
		(void)rollback(s, 0);
		goto out;
	}
	if (rc < 0 || (rc = cmd(s, "return")) < 0)
		goto out;
	s->r->changed = 1;
	if ((rc = checked(s, ch, nch)) < 0)
		goto out;
	if ((rc = must(s, "save", "save")) < 0)
		goto out;
	if (s->out.p && strstr(s->out.p, "Failed")) {
		snprintf(s->r->kind, sizeof s->r->kind, "save");
		snprintf(s->r->msg, sizeof s->r->msg, "save: %.*s", (int)strcspn(s->out.p, "\n"), s->out.p);
		rc = ZTP_ERR_USAGE;
		goto out;
	}
	s->r->saved = 1;
out:
	free(s->applied);
	return rc;
}

int ztp_push_run(struct ztp_cli *c, const struct ztp_push_opts *o, const char *config, size_t len,
		 const struct ztp_push_check *checks, size_t nchecks, struct ztp_push_result *r,
		 struct ztp_err *e)
{
	struct ps s;
	struct line *v;
	size_t n = split_lines(config, len, &v), i;
	size_t *parent = ztp_xcalloc(n ? n : 1, sizeof *parent);
	unsigned char *isnew = ztp_xcalloc(n ? n : 1, 1);
	int rc;

	memset(&s, 0, sizeof s);
	s.c = c;
	s.o = o;
	s.r = r;
	s.e = e;
	s.f = fam_of(o->platform);
	for (i = 0; i < n; i++)
		r->lines += !noise(&v[i]);
	/* what changes: the device's running configuration against ours */
	rc = cmd(&s, ztp_push_show_config_cmd(o->platform));
	if (rc < 0) {
		/* a device that is slow or floods is not one that hung up */
		snprintf(r->kind, sizeof r->kind, "%s", rc == ZTP_ERR_USAGE ? "refused" :
			 rc == ZTP_ERR_TIMEOUT ? "timeout" : rc == ZTP_ERR_LIMIT ? "limit" : "closed");
		snprintf(r->msg, sizeof r->msg, "reading the configuration: %s", e->msg);
		goto out;
	}
	(void)new_lines(s.out.p ? s.out.p : "", s.out.len, v, n, parent, isnew);
	ztp_buf_reset(&r->diff);
	diff_out(v, n, parent, isnew, &r->diff);
	if (o->dry_run && s.f != P_JUNOS)
		goto out;
	switch (s.f) {
	case P_JUNOS:
		rc = push_junos(&s, config, len, checks, nchecks);
		break;
	case P_VRP:
		rc = push_vrp(&s, v, n, parent, isnew, checks, nchecks);
		break;
	default:
		rc = push_cisco(&s, v, n, checks, nchecks);
	}
	if (rc < 0 && !r->kind[0]) {
		snprintf(r->kind, sizeof r->kind, "%s", rc == ZTP_ERR_TIMEOUT ? "timeout" :
			 rc == ZTP_ERR_LIMIT ? "limit" : "closed");
		snprintf(r->msg, sizeof r->msg, "%s", e->msg);
	}
out:
	ztp_buf_free(&s.out);
	free(parent);
	free(isnew);
	free(v);
	return rc;
}

void ztp_push_result_free(struct ztp_push_result *r)
{
	ztp_buf_free(&r->diff);
}
