/* yml.c: YAML/JSON reading and writing for ztp_val trees (see yml.h) */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "str.h"
#include "yml.h"

#define DEF_MAX_BYTES ((size_t)256 << 20)
#define DEF_MAX_NODES 1000000
#define DEF_MAX_DEPTH 64

struct anchor {
	char *name;
	struct ztp_val *v;
	size_t nodes;
};

struct frame {
	struct ztp_val *v;
	struct ztp_val *key;	/* pending key in a map */
	int key_line;
	int key_merge;		/* pending key is "<<" */
	size_t nodes;
	char *anchor;
	unsigned char *merged;	/* per map entry: came from a merge */
	size_t merged_cap;
};

struct ztp_yml_reader {
	struct ztp_yml_opts o;
	char *name;
	char *data;
	size_t len;
	int json_lines;
	size_t pos;		/* JSON lines: next byte */
	int lineno;		/* JSON lines: line of pos */
	int done;
	yaml_parser_t parser;
	int parser_live;
};

/* ---- scalar resolution, PyYAML SafeLoader rules ---- */

static int allof(const char *s, size_t n, const char *set)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr(set, s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}

static int is_word(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == n && memcmp(*words, s, n) == 0)
			return 1;
	return 0;
}

/* [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+ ; returns 1 and the value */
static int sexagesimal(const char *s, size_t n, int frac, double *out)
{
	size_t i = 0, j;
	double v = 0, part;
	int neg = 0, groups = 0;
	char tmp[64];

	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	if (i >= n || !isdigit((unsigned char)s[i]))
		return 0;
	if (!frac && s[i] == '0')
		return 0;	/* the int form needs [1-9] first */
	j = i;
	while (j < n && (isdigit((unsigned char)s[j]) || s[j] == '_'))
		j++;
	if (j - i >= sizeof tmp)
		return 0;
	{
		size_t k, m = 0;

		for (k = i; k < j; k++)
			if (s[k] != '_')
				tmp[m++] = s[k];
		tmp[m] = '\0';
		v = strtod(tmp, NULL);
	}
	i = j;
	while (i < n && s[i] == ':') {
		i++;
		if (i >= n || !isdigit((unsigned char)s[i]))
			return 0;
		if (i + 1 < n && isdigit((unsigned char)s[i + 1])) {
			if (s[i] > '5')
				return 0;
			part = (s[i] - '0') * 10 + (s[i + 1] - '0');
			i += 2;
		} else {
			part = s[i] - '0';
			i++;
		}
		v = v * 60 + part;
		groups++;
	}
	if (groups == 0)
		return 0;
	if (frac) {
		if (i >= n || s[i] != '.')
			return 0;
		i++;
		if (i < n && !allof(s + i, n - i, "0123456789_"))
			return 0;
		{
			char f[64] = "0.";
			size_t k, m = 2;

			for (k = i; k < n && m + 1 < sizeof f; k++)
				if (s[k] != '_')
					f[m++] = s[k];
			f[m] = '\0';
			v += strtod(f, NULL);
		}
	} else if (i != n)
		return 0;
	*out = neg ? -v : v;
	return 1;
}

static struct ztp_val *resolve_int(const char *s, size_t n)
{
	char digits[80];
	size_t i = 0, m = 0;
	int neg = 0, base = 10;
	unsigned long long v = 0;
	double sx;

	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	if (i >= n)
		return NULL;
	if (n - i > 2 && s[i] == '0' && s[i + 1] == 'b') {
		if (!allof(s + i + 2, n - i - 2, "01_"))
			return NULL;
		base = 2;
		i += 2;
	} else if (n - i > 2 && s[i] == '0' && s[i + 1] == 'x') {
		if (!allof(s + i + 2, n - i - 2, "0123456789abcdefABCDEF_"))
			return NULL;
		base = 16;
		i += 2;
	} else if (n - i > 1 && s[i] == '0') {
		if (!allof(s + i + 1, n - i - 1, "01234567_"))
			return NULL;
		base = 8;
	} else if (s[i] == '0' && n - i == 1) {
		return ztp_val_int(0);
	} else if (s[i] >= '1' && s[i] <= '9') {
		if (!allof(s + i, n - i, "0123456789_")) {
			if (sexagesimal(s, n, 0, &sx) && fabs(sx) < 9e15)
				return ztp_val_int((long long)sx);
			return NULL;
		}
	} else
		return NULL;
	for (; i < n; i++) {
		if (s[i] == '_')
			continue;
		if (m + 1 >= sizeof digits)
			return NULL;	/* too big for us: stays a string */
		digits[m++] = s[i];
	}
	digits[m] = '\0';
	if (m == 0)
		return NULL;
	errno = 0;
	v = strtoull(digits, NULL, base);
	if (errno == ERANGE || v > (unsigned long long)9223372036854775807LL + neg)
		return NULL;
	return ztp_val_int(neg ? (long long)(0 - v) : (long long)v);
}

static struct ztp_val *resolve_float(const char *s, size_t n)
{
	char tmp[128];
	size_t i = 0, j, m = 0;
	double sx;

	if (is_word(s, n, (const char *const[]){ ".inf", ".Inf", ".INF", "+.inf",
	    "+.Inf", "+.INF", NULL }))
		return ztp_val_float(INFINITY);
	if (is_word(s, n, (const char *const[]){ "-.inf", "-.Inf", "-.INF", NULL }))
		return ztp_val_float(-INFINITY);
	if (is_word(s, n, (const char *const[]){ ".nan", ".NaN", ".NAN", NULL }))
		return ztp_val_float(NAN);
	if (n >= sizeof tmp)
		return NULL;
	if (s[0] == '-' || s[0] == '+')
		i++;
	j = i;
	if (j < n && s[j] == '.') {
		/* \.[0-9_]+([eE][-+][0-9]+)?, no sign allowed */
		if (i != 0)
			return NULL;
		j++;
		if (j >= n || !(isdigit((unsigned char)s[j]) || s[j] == '_'))
			return NULL;
	} else {
		if (j >= n || !isdigit((unsigned char)s[j]))
			return NULL;
		while (j < n && (isdigit((unsigned char)s[j]) || s[j] == '_'))
			j++;
		if (j < n && s[j] == ':')
			return sexagesimal(s, n, 1, &sx) ? ztp_val_float(sx) : NULL;
		if (j >= n || s[j] != '.')
			return NULL;
		j++;
	}
	while (j < n && (isdigit((unsigned char)s[j]) || s[j] == '_'))
		j++;
	if (j < n) {
		if (s[j] != 'e' && s[j] != 'E')
			return NULL;
		j++;
		if (j >= n || (s[j] != '-' && s[j] != '+'))
			return NULL;
		j++;
		if (j >= n || !allof(s + j, n - j, "0123456789"))
			return NULL;
	}
	for (j = 0; j < n; j++)
		if (s[j] != '_')
			tmp[m++] = s[j];
	tmp[m] = '\0';
	return ztp_val_float(strtod(tmp, NULL));
}

struct ztp_val *ztp_yml_resolve(const char *s, size_t n)
{
	static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "yes", "Yes", "YES", "true", "True",
		"TRUE", "on", "On", "ON", NULL };
	static const char *const falses[] = { "no", "No", "NO", "false", "False",
		"FALSE", "off", "Off", "OFF", NULL };
	struct ztp_val *v;

	if (n == 0 || is_word(s, n, nulls))
		return ztp_val_null();
	if (is_word(s, n, trues))
		return ztp_val_bool(1);
	if (is_word(s, n, falses))
		return ztp_val_bool(0);
	if (strchr("-+0123456789.", s[0])) {
		if ((v = resolve_int(s, n)) != NULL)
			return v;
		if ((v = resolve_float(s, n)) != NULL)
			return v;
	}
	return ztp_val_strn(s, n);
}

/* ---- reading ---- */

static void opts_default(struct ztp_yml_opts *d, const struct ztp_yml_opts *o)
{
	if (o)
		*d = *o;
	else
		memset(d, 0, sizeof *d);
	if (d->max_bytes == 0)
		d->max_bytes = DEF_MAX_BYTES;
	if (d->max_nodes == 0)
		d->max_nodes = DEF_MAX_NODES;
	if (d->max_depth == 0)
		d->max_depth = DEF_MAX_DEPTH;
}

static int parser_error(struct ztp_yml_reader *r, int lineoff, struct ztp_err *e)
{
	yaml_parser_t *p = &r->parser;
	const char *what = p->problem ? p->problem : "malformed YAML";

	if (p->context)
		return ztp_err_set(e, ZTP_ERR_PARSE,
		    "cannot parse '%s': line %d column %d: %s %s (line %d)",
		    r->name, (int)p->problem_mark.line + 1 + lineoff,
		    (int)p->problem_mark.column + 1, what, p->context,
		    (int)p->context_mark.line + 1 + lineoff);
	return ztp_err_set(e, ZTP_ERR_PARSE,
	    "cannot parse '%s': line %d column %d: %s", r->name,
	    (int)p->problem_mark.line + 1 + lineoff,
	    (int)p->problem_mark.column + 1, what);
}

static const char *tag_short(const yaml_char_t *tag)
{
	const char *t = (const char *)tag;

	if (t == NULL)
		return NULL;
	if (ztp_startswith(t, "tag:yaml.org,2002:"))
		return t + 18;
	return t;
}

static struct ztp_val *scalar_value(const yaml_event_t *ev, int lineoff,
				    const char *name, struct ztp_err *e)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	const char *tag = tag_short(ev->data.scalar.tag);
	struct ztp_val *v;

	if (tag == NULL || strcmp(tag, "!") == 0) {
		if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && tag == NULL)
			return ztp_yml_resolve(s, n);
		return ztp_val_strn(s, n);
	}
	if (strcmp(tag, "str") == 0)
		return ztp_val_strn(s, n);
	if (strcmp(tag, "int") == 0 || strcmp(tag, "float") == 0 ||
	    strcmp(tag, "bool") == 0 || strcmp(tag, "null") == 0) {
		v = ztp_yml_resolve(s, n);
		if ((tag[0] == 'i' && v->type == ZTP_V_INT) ||
		    (tag[0] == 'f' && (v->type == ZTP_V_FLOAT || v->type == ZTP_V_INT)) ||
		    (tag[0] == 'b' && v->type == ZTP_V_BOOL) ||
		    (tag[0] == 'n' && v->type == ZTP_V_NULL)) {
			if (tag[0] == 'f' && v->type == ZTP_V_INT) {
				double d = (double)v->u.i;

				ztp_val_unref(v);
				v = ztp_val_float(d);
			}
			return v;
		}
		ztp_val_unref(v);
		ztp_err_set(e, ZTP_ERR_PARSE, "cannot parse '%s': line %d: '%s' is not a valid !!%s",
			    name, (int)ev->start_mark.line + 1 + lineoff, ztp_esc(s), tag);
		return NULL;
	}
	ztp_err_set(e, ZTP_ERR_PARSE, "cannot parse '%s': line %d: unsupported tag '%s'",
		    name, (int)ev->start_mark.line + 1 + lineoff, ztp_esc(tag));
	return NULL;
}

static void frame_free(struct frame *f)
{
	ztp_val_unref(f->v);
	ztp_val_unref(f->key);
	free(f->anchor);
	free(f->merged);
}

static void set_merged(struct frame *f, size_t idx, int m)
{
	if (idx >= f->merged_cap) {
		size_t cap = f->merged_cap ? f->merged_cap * 2 : 16;

		while (cap <= idx)
			cap *= 2;
		f->merged = ztp_xrealloc(f->merged, cap, 1);
		memset(f->merged + f->merged_cap, 0, cap - f->merged_cap);
		f->merged_cap = cap;
	}
	f->merged[idx] = (unsigned char)m;
}

static int merge_into(struct frame *f, struct ztp_val *src, int line,
		      const char *name, struct ztp_err *e)
{
	size_t i;

	if (src->type == ZTP_V_LIST) {
		for (i = 0; i < src->u.list.n; i++)
			if (merge_into(f, src->u.list.v[i], line, name, e) < 0)
				return -1;
		return 0;
	}
	if (src->type != ZTP_V_MAP)
		return ztp_err_set(e, ZTP_ERR_PARSE,
		    "cannot parse '%s': line %d: '<<' needs a mapping or a list of mappings",
		    name, line);
	for (i = 0; i < src->u.map.n; i++) {
		if (ztp_map_getv(f->v, src->u.map.e[i].key))
			continue;
		ztp_map_setv(f->v, ztp_val_ref(src->u.map.e[i].key),
			     ztp_val_ref(src->u.map.e[i].val));
		set_merged(f, f->v->u.map.n - 1, 1);
	}
	return 0;
}

/* Add a finished node to the frame on top of the stack. */
static int add_node(struct frame *top, struct ztp_val *v, int line,
		    const struct ztp_yml_opts *o, const char *name, struct ztp_err *e)
{
	struct ztp_mapent *old;

	if (top->v->type == ZTP_V_LIST) {
		ztp_list_push(top->v, v);
		return 0;
	}
	if (top->key == NULL) {
		if (v->type == ZTP_V_LIST || v->type == ZTP_V_MAP) {
			ztp_val_unref(v);
			return ztp_err_set(e, ZTP_ERR_PARSE,
			    "cannot parse '%s': line %d: a mapping key must be a scalar",
			    name, line);
		}
		top->key = v;
		top->key_line = line;
		return 0;
	}
	if (top->key_merge) {
		int rc = merge_into(top, v, line, name, e);

		ztp_val_unref(v);
		ztp_val_unref(top->key);
		top->key = NULL;
		top->key_merge = 0;
		return rc < 0 ? -1 : 0;
	}
	old = NULL;
	{
		size_t i;

		for (i = 0; i < top->v->u.map.n; i++)
			if (ztp_val_eq(top->v->u.map.e[i].key, top->key)) {
				old = &top->v->u.map.e[i];
				break;
			}
	}
	if (old && o->dup_keys && !(old - top->v->u.map.e < (long)top->merged_cap &&
				    top->merged[old - top->v->u.map.e])) {
		const struct ztp_val *k = top->key;

		ztp_err_set(e, ZTP_ERR_PARSE, "cannot parse '%s': line %d: key '%s' appears twice (first at line %d)",
			    name, top->key_line,
			    k->type == ZTP_V_STR ? ztp_esc(k->u.str.s) : "(non-string)",
			    old->key->line);
		ztp_val_unref(v);
		return -1;
	}
	if (old) {
		set_merged(top, (size_t)(old - top->v->u.map.e), 0);
		ztp_val_unref(old->val);
		old->val = v;
		ztp_val_unref(top->key);
	} else {
		ztp_map_setv(top->v, top->key, v);
		set_merged(top, top->v->u.map.n - 1, 0);
	}
	top->key = NULL;
	return 0;
}

/* Parse the next document from r->parser.  lineoff is added to lines. */
static int parse_doc(struct ztp_yml_reader *r, int lineoff, struct ztp_val **out,
		     int *docline, struct ztp_err *e)
{
	struct frame *stack = NULL;
	struct anchor *anchors = NULL;
	size_t nanchors = 0, depth = 0, total = 0, docstart = 0, i;
	struct ztp_val *root = NULL;
	yaml_event_t ev;
	int rc = -1, have_ev = 0, line;

	stack = ztp_xcalloc((size_t)r->o.max_depth + 1, sizeof *stack);
	for (;;) {
		if (!yaml_parser_parse(&r->parser, &ev)) {
			parser_error(r, lineoff, e);
			r->done = 1;
			goto out;
		}
		have_ev = 1;
		line = (int)ev.start_mark.line + 1 + lineoff;
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			r->done = 1;
			rc = 0;
			goto out;
		case YAML_DOCUMENT_START_EVENT:
			docstart = ev.start_mark.index;
			if (docline)
				*docline = line;
			break;
		case YAML_DOCUMENT_END_EVENT:
			if (r->o.max_doc_bytes &&
			    ev.end_mark.index - docstart > r->o.max_doc_bytes) {
				ztp_err_set(e, ZTP_ERR_LIMIT,
				    "cannot parse '%s': line %d: document larger than %zu bytes",
				    r->name, docline ? *docline : line, r->o.max_doc_bytes);
				goto out;
			}
			*out = root ? root : ztp_val_null();
			root = NULL;
			rc = 1;
			goto out;
		case YAML_ALIAS_EVENT: {
			struct anchor *a = NULL;

			for (i = 0; i < nanchors; i++)
				if (strcmp(anchors[i].name, (const char *)ev.data.alias.anchor) == 0)
					a = &anchors[i];
			if (a == NULL) {
				ztp_err_set(e, ZTP_ERR_PARSE, "cannot parse '%s': line %d: unknown alias '*%s'",
					    r->name, line, ztp_esc((const char *)ev.data.alias.anchor));
				goto out;
			}
			total += a->nodes;
			if (depth)
				stack[depth - 1].nodes += a->nodes;
			if (total > r->o.max_nodes)
				goto bomb;
			if (depth == 0)
				root = ztp_val_ref(a->v);
			else if (add_node(&stack[depth - 1], ztp_val_ref(a->v), line, &r->o, r->name, e) < 0)
				goto out;
			break;
		}
		case YAML_SCALAR_EVENT: {
			struct ztp_val *v;
			int merge;

			if (++total > r->o.max_nodes)
				goto bomb;
			if (depth)
				stack[depth - 1].nodes++;
			merge = depth && stack[depth - 1].v->type == ZTP_V_MAP &&
				stack[depth - 1].key == NULL &&
				ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
				ev.data.scalar.length == 2 &&
				memcmp(ev.data.scalar.value, "<<", 2) == 0;
			v = scalar_value(&ev, lineoff, r->name, e);
			if (v == NULL)
				goto out;
			v->line = line;
			if (ev.data.scalar.anchor) {
				anchors = ztp_xrealloc(anchors, nanchors + 1, sizeof *anchors);
				anchors[nanchors].name = ztp_xstrdup((const char *)ev.data.scalar.anchor);
				anchors[nanchors].v = ztp_val_ref(v);
				anchors[nanchors].nodes = 1;
				nanchors++;
			}
			if (depth == 0) {
				root = v;
				break;
			}
			if (add_node(&stack[depth - 1], v, line, &r->o, r->name, e) < 0)
				goto out;
			if (merge)
				stack[depth - 1].key_merge = 1;
			break;
		}
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			const yaml_char_t *anchor = ev.type == YAML_SEQUENCE_START_EVENT ?
				ev.data.sequence_start.anchor : ev.data.mapping_start.anchor;
			const char *tag = tag_short(ev.type == YAML_SEQUENCE_START_EVENT ?
				ev.data.sequence_start.tag : ev.data.mapping_start.tag);

			if (tag && strcmp(tag, "!") != 0 && strcmp(tag, "seq") != 0 &&
			    strcmp(tag, "map") != 0) {
				ztp_err_set(e, ZTP_ERR_PARSE, "cannot parse '%s': line %d: unsupported tag '%s'",
					    r->name, line, ztp_esc(tag));
				goto out;
			}
			if (depth >= (size_t)r->o.max_depth) {
				ztp_err_set(e, ZTP_ERR_LIMIT, "cannot parse '%s': line %d: nested deeper than %d levels",
					    r->name, line, r->o.max_depth);
				goto out;
			}
			if (++total > r->o.max_nodes)
				goto bomb;
			memset(&stack[depth], 0, sizeof stack[depth]);
			stack[depth].v = ev.type == YAML_SEQUENCE_START_EVENT ?
				ztp_val_list() : ztp_val_map();
			stack[depth].v->line = line;
			stack[depth].nodes = 1;
			if (anchor)
				stack[depth].anchor = ztp_xstrdup((const char *)anchor);
			depth++;
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT: {
			struct frame f = stack[--depth];
			struct ztp_val *v = f.v;

			f.v = NULL;
			if (f.anchor) {
				anchors = ztp_xrealloc(anchors, nanchors + 1, sizeof *anchors);
				anchors[nanchors].name = f.anchor;
				anchors[nanchors].v = ztp_val_ref(v);
				anchors[nanchors].nodes = f.nodes;
				nanchors++;
				f.anchor = NULL;
			}
			frame_free(&f);
			if (depth == 0) {
				root = v;
				break;
			}
			stack[depth - 1].nodes += f.nodes;
			if (add_node(&stack[depth - 1], v, v->line, &r->o, r->name, e) < 0)
				goto out;
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
		have_ev = 0;
	}
bomb:
	ztp_err_set(e, ZTP_ERR_LIMIT,
	    "cannot parse '%s': line %d: more than %zu nodes after expanding aliases (an alias bomb?)",
	    r->name, line, r->o.max_nodes);
out:
	if (rc < 0)
		r->done = 1;
	if (have_ev)
		yaml_event_delete(&ev);
	while (depth > 0)
		frame_free(&stack[--depth]);
	free(stack);
	for (i = 0; i < nanchors; i++) {
		free(anchors[i].name);
		ztp_val_unref(anchors[i].v);
	}
	free(anchors);
	ztp_val_unref(root);
	return rc;
}

static int open_common(struct ztp_yml_reader **rp, char *data, size_t len,
		       const char *name, const struct ztp_yml_opts *o)
{
	struct ztp_yml_reader *r = ztp_xcalloc(1, sizeof *r);
	size_t i = 0;

	opts_default(&r->o, o);
	r->name = ztp_xstrdup(name);
	r->data = data;
	r->len = len;
	while (i < len && isspace((unsigned char)data[i]))
		i++;
	r->json_lines = i < len && data[i] == '{';
	r->lineno = 1;
	if (!r->json_lines) {
		yaml_parser_initialize(&r->parser);
		yaml_parser_set_input_string(&r->parser, (const unsigned char *)data, len);
		r->parser_live = 1;
	}
	*rp = r;
	return 0;
}

int ztp_yml_open_buf(struct ztp_yml_reader **r, const char *data, size_t len,
		     const char *name, const struct ztp_yml_opts *o, struct ztp_err *e)
{
	struct ztp_yml_opts d;

	opts_default(&d, o);
	if (len > d.max_bytes)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "cannot read '%s': larger than the limit of %zu bytes",
				   name, d.max_bytes);
	return open_common(r, ztp_xstrndup(data, len), len, name, o);
}

int ztp_yml_open_fd(struct ztp_yml_reader **r, int fd, const char *name,
		    const struct ztp_yml_opts *o, struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_yml_opts d;
	char *data;
	size_t len;
	int rc;

	opts_default(&d, o);
	rc = ztp_buf_read_fd(&b, fd, d.max_bytes, name, e);
	if (rc < 0) {
		ztp_buf_free(&b);
		return rc;
	}
	data = ztp_buf_detach(&b, &len);
	if (data == NULL)
		return ztp_err_sys(e, "cannot read '%s'", name);
	return open_common(r, data, len, name, o);
}

int ztp_yml_next(struct ztp_yml_reader *r, struct ztp_val **doc, int *line,
		 struct ztp_err *e)
{
	int rc;

	*doc = NULL;
	if (!r->json_lines) {
		if (r->done)
			return 0;
		return parse_doc(r, 0, doc, line, e);
	}
	for (;;) {
		const char *start = r->data + r->pos, *nl;
		size_t n;
		int thisline = r->lineno;

		if (r->pos >= r->len)
			return 0;
		nl = memchr(start, '\n', r->len - r->pos);
		n = nl ? (size_t)(nl - start) : r->len - r->pos;
		r->pos += n + (nl != NULL);
		r->lineno++;
		while (n > 0 && isspace((unsigned char)start[n - 1]))
			n--;
		while (n > 0 && isspace((unsigned char)*start)) {
			start++;
			n--;
		}
		if (n == 0)
			continue;
		if (line)
			*line = thisline;
		if (r->o.max_doc_bytes && n > r->o.max_doc_bytes)
			return ztp_err_set(e, ZTP_ERR_LIMIT,
			    "cannot parse '%s': line %d: document larger than %zu bytes",
			    r->name, thisline, r->o.max_doc_bytes);
		yaml_parser_initialize(&r->parser);
		yaml_parser_set_input_string(&r->parser, (const unsigned char *)start, n);
		r->done = 0;
		rc = parse_doc(r, thisline - 1, doc, NULL, e);
		yaml_parser_delete(&r->parser);
		if (rc == 0)
			continue;
		if (rc > 0 && (*doc)->type != ZTP_V_MAP) {
			ztp_val_unref(*doc);
			*doc = NULL;
			return ztp_err_set(e, ZTP_ERR_PARSE, "cannot parse '%s': line %d: a JSON line must hold one object",
					   r->name, thisline);
		}
		return rc;
	}
}

void ztp_yml_close(struct ztp_yml_reader *r)
{
	if (r == NULL)
		return;
	if (r->parser_live)
		yaml_parser_delete(&r->parser);
	free(r->data);
	free(r->name);
	free(r);
}

int ztp_yml_load_buf(const char *data, size_t len, const char *name,
		     const struct ztp_yml_opts *o, struct ztp_val **out,
		     struct ztp_err *e)
{
	struct ztp_yml_reader *r;
	struct ztp_val *doc = NULL, *extra = NULL;
	int rc, line = 0;

	*out = NULL;
	if ((rc = ztp_yml_open_buf(&r, data, len, name, o, e)) < 0)
		return rc;
	r->json_lines = 0;	/* one document, whatever it starts with */
	if (!r->parser_live) {
		yaml_parser_initialize(&r->parser);
		yaml_parser_set_input_string(&r->parser, (const unsigned char *)r->data, r->len);
		r->parser_live = 1;
	}
	rc = ztp_yml_next(r, &doc, &line, e);
	if (rc == 0) {
		*out = ztp_val_null();
	} else if (rc > 0) {
		rc = ztp_yml_next(r, &extra, &line, e);
		if (rc > 0) {
			ztp_val_unref(extra);
			rc = ztp_err_set(e, ZTP_ERR_PARSE,
			    "cannot parse '%s': line %d: a second document where one was expected",
			    name, line);
		}
		if (rc == 0)
			*out = doc;
		else
			ztp_val_unref(doc);
	}
	ztp_yml_close(r);
	return rc < 0 ? rc : 0;
}

int ztp_yml_load_file(const char *path, const struct ztp_yml_opts *o,
		      struct ztp_val **out, struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_yml_opts d;
	int rc;

	opts_default(&d, o);
	*out = NULL;
	rc = ztp_buf_read_file(&b, path, d.max_bytes, e);
	if (rc == 0)
		rc = ztp_yml_load_buf(b.p ? b.p : "", b.len, path, &d, out, e);
	ztp_buf_free(&b);
	return rc;
}

/* ---- writing ---- */

static int emit_out(void *data, unsigned char *buf, size_t size)
{
	return ztp_buf_add(data, buf, size) == 0;
}

/* Whether s written plain reads back as this string, in ztp and in other
 * YAML 1.1 readers (PyYAML): not what our resolver types, nor an integer
 * too long for 64 bits (ours keeps it a string, PyYAML makes a bignum and
 * loses leading zeros), nor a date or time (PyYAML makes a timestamp). */
static int plain_reads_back(const char *s, size_t n)
{
	struct ztp_val *r = ztp_yml_resolve(s, n);
	int plain = r->type == ZTP_V_STR;
	size_t i = 0, d;

	ztp_val_unref(r);
	if (!plain)
		return 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i < n && allof(s + i, n - i, "0123456789_") && s[i] != '_')
		return 0;
	if (n - i > 2 && s[i] == '0' && strchr("xXbBoO", s[i + 1]) &&
	    allof(s + i + 2, n - i - 2, "0123456789abcdefABCDEF_"))
		return 0;
	/* YYYY-M-D, alone or followed by a time */
	for (i = 0; i < n && i < 4 && isdigit((unsigned char)s[i]); i++)
		;
	if (i == 4 && i < n && s[i] == '-') {
		for (d = 0, i++; i < n && isdigit((unsigned char)s[i]); i++, d++)
			;
		if (d >= 1 && d <= 2 && i < n && s[i] == '-') {
			for (d = 0, i++; i < n && isdigit((unsigned char)s[i]); i++, d++)
				;
			if (d >= 1 && d <= 2)
				return 0;
		}
	}
	return 1;
}

static int emit_scalar(yaml_emitter_t *em, const char *s, size_t n, int plain_ok)
{
	yaml_event_t ev;
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;

	if (!plain_ok)
		style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
	else if (memchr(s, '\n', n))
		style = YAML_LITERAL_SCALAR_STYLE;
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n,
					  plain_ok, 1, style))
		return -1;
	return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

static int emit_val(yaml_emitter_t *em, const struct ztp_val *v, int depth)
{
	yaml_event_t ev;
	char num[64];
	size_t i;

	if (depth > 200)
		return -1;
	switch (v->type) {
	case ZTP_V_NULL:
		return emit_scalar(em, "null", 4, 1);
	case ZTP_V_BOOL:
		return emit_scalar(em, v->u.b ? "true" : "false", v->u.b ? 4 : 5, 1);
	case ZTP_V_INT:
		snprintf(num, sizeof num, "%lld", v->u.i);
		return emit_scalar(em, num, strlen(num), 1);
	case ZTP_V_FLOAT:
		if (isnan(v->u.f))
			snprintf(num, sizeof num, ".nan");
		else if (isinf(v->u.f))
			snprintf(num, sizeof num, "%s.inf", v->u.f < 0 ? "-" : "");
		else {
			ztp_fmt_double(v->u.f, num, sizeof num);
			if (!strchr(num, '.')) {	/* 1e+16 must read back as a float */
				char *ex = strchr(num, 'e');
				char rest[32];

				snprintf(rest, sizeof rest, "%s", ex);
				snprintf(ex, sizeof num - (size_t)(ex - num), ".0%s", rest);
			}
		}
		return emit_scalar(em, num, strlen(num), 1);
	case ZTP_V_STR: {
		int plain = plain_reads_back(v->u.str.s, v->u.str.len);

		if (!ztp_utf8_valid(v->u.str.s, v->u.str.len)) {
			/* never write bytes YAML cannot hold: escape them */
			struct ztp_buf b = ZTP_BUF_INIT;
			int rc;

			ztp_escape(&b, v->u.str.s, v->u.str.len);
			rc = emit_scalar(em, b.p ? b.p : "", b.len, 0);
			ztp_buf_free(&b);
			return rc;
		}
		return emit_scalar(em, v->u.str.s, v->u.str.len, plain);
	}
	case ZTP_V_LIST:
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		    v->u.list.n ? YAML_BLOCK_SEQUENCE_STYLE : YAML_FLOW_SEQUENCE_STYLE) ||
		    !yaml_emitter_emit(em, &ev))
			return -1;
		for (i = 0; i < v->u.list.n; i++)
			if (emit_val(em, v->u.list.v[i], depth + 1) < 0)
				return -1;
		yaml_sequence_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev) ? 0 : -1;
	case ZTP_V_MAP:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		    v->u.map.n ? YAML_BLOCK_MAPPING_STYLE : YAML_FLOW_MAPPING_STYLE) ||
		    !yaml_emitter_emit(em, &ev))
			return -1;
		for (i = 0; i < v->u.map.n; i++)
			if (emit_val(em, v->u.map.e[i].key, depth + 1) < 0 ||
			    emit_val(em, v->u.map.e[i].val, depth + 1) < 0)
				return -1;
		yaml_mapping_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev) ? 0 : -1;
	}
	return -1;
}

int ztp_yml_emit(struct ztp_buf *b, const struct ztp_val *v, int start_doc,
		 struct ztp_err *e)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	size_t oldlen = b->len;
	int ok;

	yaml_emitter_initialize(&em);
	yaml_emitter_set_output(&em, emit_out, b);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, 1 << 20);
	yaml_emitter_set_indent(&em, 2);
	ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
	     yaml_emitter_emit(&em, &ev) &&
	     yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, !start_doc) &&
	     yaml_emitter_emit(&em, &ev) &&
	     emit_val(&em, v, 0) == 0 &&
	     yaml_document_end_event_initialize(&ev, 1) &&
	     yaml_emitter_emit(&em, &ev) &&
	     yaml_stream_end_event_initialize(&ev) &&
	     yaml_emitter_emit(&em, &ev) &&
	     yaml_emitter_flush(&em);
	if (!ok) {
		const char *why = em.problem ? em.problem : "nesting too deep or out of memory";

		yaml_emitter_delete(&em);
		b->len = oldlen;
		if (b->p)
			b->p[oldlen] = '\0';
		return ztp_err_set(e, ZTP_ERR_LIMIT, "cannot write YAML: %s", why);
	}
	yaml_emitter_delete(&em);
	/* libyaml may end a document with a "..." line: not wanted in
	 * streams (and only that line: a value may end in dots too) */
	if (b->len >= oldlen + 5 && memcmp(b->p + b->len - 5, "\n...\n", 5) == 0) {
		b->len -= 4;
		b->p[b->len] = '\0';
	}
	return 0;
}

int ztp_json_str(struct ztp_buf *b, const char *s, size_t n, int flags)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;
	int rc = ztp_buf_addc(b, '"');

	for (i = 0; i < n && rc == 0; i++) {
		unsigned char c = u[i];

		switch (c) {
		case '"': rc = ztp_buf_adds(b, "\\\""); break;
		case '\\': rc = ztp_buf_adds(b, "\\\\"); break;
		case '\n': rc = ztp_buf_adds(b, "\\n"); break;
		case '\r': rc = ztp_buf_adds(b, "\\r"); break;
		case '\t': rc = ztp_buf_adds(b, "\\t"); break;
		case '\b': rc = ztp_buf_adds(b, "\\b"); break;
		case '\f': rc = ztp_buf_adds(b, "\\f"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				rc = ztp_buf_addf(b, "\\u%04x", c);
			} else if (c < 0x80) {
				rc = ztp_buf_addc(b, c);
			} else {
				/* whole UTF-8 sequences; a bad byte becomes U+FFFD */
				size_t l = 0;
				unsigned long cp = 0;

				if (c >= 0xc2 && c <= 0xdf) l = 2, cp = c & 0x1f;
				else if (c >= 0xe0 && c <= 0xef) l = 3, cp = c & 0x0f;
				else if (c >= 0xf0 && c <= 0xf4) l = 4, cp = c & 0x07;
				if (l == 0 || i + l > n || !ztp_utf8_valid(s + i, l)) {
					/* like the YAML writer: the byte as the text \xNN */
					rc = ztp_buf_addf(b, "\\\\x%02x", c);
					break;
				}
				if (flags & ZTP_JSON_ASCII) {
					size_t k;

					for (k = 1; k < l; k++)
						cp = cp << 6 | (u[i + k] & 0x3f);
					if (cp >= 0x10000) {
						cp -= 0x10000;
						rc = ztp_buf_addf(b, "\\u%04lx\\u%04lx",
						    0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
					} else
						rc = ztp_buf_addf(b, "\\u%04lx", cp);
				} else
					rc = ztp_buf_add(b, s + i, l);
				i += l - 1;
			}
		}
	}
	return rc ? rc : ztp_buf_addc(b, '"');
}

static int key_cmp(const void *a, const void *b)
{
	const struct ztp_mapent *x = *(const struct ztp_mapent *const *)a;
	const struct ztp_mapent *y = *(const struct ztp_mapent *const *)b;

	if (x->key->type == ZTP_V_STR && y->key->type == ZTP_V_STR)
		return strcmp(x->key->u.str.s, y->key->u.str.s);
	return (int)x->key->type - (int)y->key->type;
}

int ztp_json_emit(struct ztp_buf *b, const struct ztp_val *v, int flags)
{
	char num[64];
	size_t i;
	int rc = 0;

	switch (v->type) {
	case ZTP_V_NULL:
		return ztp_buf_adds(b, "null");
	case ZTP_V_BOOL:
		return ztp_buf_adds(b, v->u.b ? "true" : "false");
	case ZTP_V_INT:
		return ztp_buf_addf(b, "%lld", v->u.i);
	case ZTP_V_FLOAT:
		if (isnan(v->u.f) || isinf(v->u.f))
			return ztp_buf_adds(b, "null");
		ztp_fmt_double(v->u.f, num, sizeof num);
		return ztp_buf_adds(b, num);
	case ZTP_V_STR:
		return ztp_json_str(b, v->u.str.s, v->u.str.len, flags);
	case ZTP_V_LIST:
		rc = ztp_buf_addc(b, '[');
		for (i = 0; i < v->u.list.n && rc == 0; i++) {
			if (i)
				rc = ztp_buf_adds(b, ", ");
			if (rc == 0)
				rc = ztp_json_emit(b, v->u.list.v[i], flags);
		}
		return rc ? rc : ztp_buf_addc(b, ']');
	case ZTP_V_MAP: {
		const struct ztp_mapent **ents = ztp_xcalloc(v->u.map.n, sizeof *ents);

		for (i = 0; i < v->u.map.n; i++)
			ents[i] = &v->u.map.e[i];
		if (flags & ZTP_JSON_SORT_KEYS)
			qsort(ents, v->u.map.n, sizeof *ents, key_cmp);
		rc = ztp_buf_addc(b, '{');
		for (i = 0; i < v->u.map.n && rc == 0; i++) {
			const struct ztp_val *k = ents[i]->key;

			if (i)
				rc = ztp_buf_adds(b, ", ");
			if (rc == 0 && k->type == ZTP_V_STR)
				rc = ztp_json_str(b, k->u.str.s, k->u.str.len, flags);
			else if (rc == 0) {
				struct ztp_buf kb = ZTP_BUF_INIT;

				if (k->type == ZTP_V_NULL)
					ztp_buf_adds(&kb, "null");
				else
					ztp_json_emit(&kb, k, flags);
				rc = ztp_json_str(b, kb.p ? kb.p : "", kb.len, flags);
				ztp_buf_free(&kb);
			}
			if (rc == 0)
				rc = ztp_buf_adds(b, ": ");
			if (rc == 0)
				rc = ztp_json_emit(b, ents[i]->val, flags);
		}
		free(ents);
		return rc ? rc : ztp_buf_addc(b, '}');
	}
	}
	return -1;
}
