/* tmpl-parse.c: tokens to a syntax tree, following Jinja2's parser
 * (precedence, tuples, tests without parentheses, statement forms). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl-int.h"

#define MAX_NEST 200

struct ps {
	struct toks t;
	size_t i;
	const char *name;
	struct ztp_err *e;
	int depth;
	int failed;
};

void tmpl_nlist_push(struct nlist *l, struct node *n)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->v = ztp_xrealloc(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = n;
}

static void nlist_free(struct nlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		tmpl_node_free(l->v[i]);
	free(l->v);
}

void tmpl_node_free(struct node *n)
{
	size_t i;

	if (n == NULL)
		return;
	free(n->name);
	ztp_val_unref(n->val);
	tmpl_node_free(n->a);
	tmpl_node_free(n->b);
	tmpl_node_free(n->c);
	nlist_free(&n->l1);
	nlist_free(&n->l2);
	for (i = 0; i < n->nnames; i++) {
		free(n->names[i]);
		if (n->alias)
			free(n->alias[i]);
	}
	free(n->names);
	free(n->alias);
	free(n->ops);
	free(n);
}

static struct node *mk(int kind, int line)
{
	struct node *n = ztp_xcalloc(1, sizeof *n);

	n->kind = kind;
	n->line = line;
	return n;
}

static void add_name(struct node *n, const char *name, const char *alias)
{
	n->names = ztp_xrealloc(n->names, n->nnames + 1, sizeof *n->names);
	n->alias = ztp_xrealloc(n->alias, n->nnames + 1, sizeof *n->alias);
	n->names[n->nnames] = ztp_xstrdup(name);
	n->alias[n->nnames] = alias ? ztp_xstrdup(alias) : NULL;
	n->nnames++;
}

static struct tok *cur(struct ps *p)
{
	return &p->t.v[p->i];
}

static struct tok *look(struct ps *p)
{
	return p->i + 1 < p->t.n ? &p->t.v[p->i + 1] : &p->t.v[p->t.n - 1];
}

static void adv(struct ps *p)
{
	if (p->t.v[p->i].type != T_EOF)
		p->i++;
}

static const char *describe(struct tok *t)
{
	switch (t->type) {
	case T_EOF: return "end of template";
	case T_DATA: return "template data";
	case T_VAR_BEGIN: return "begin of print statement";
	case T_VAR_END: return "end of print statement";
	case T_BLOCK_BEGIN: return "begin of statement block";
	case T_BLOCK_END: return "end of statement block";
	case T_STRING: return "string";
	case T_INT: return "integer";
	case T_FLOAT: return "float";
	default: return t->s;
	}
}

static struct node *perr(struct ps *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static struct node *perr(struct ps *p, const char *fmt, ...)
{
	char m[600];
	va_list ap;

	if (p->failed)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	ztp_err_set(p->e, ZTP_ERR_PARSE, "%s:%d: %s", p->name, cur(p)->line, m);
	p->failed = 1;
	return NULL;
}

static int is_op(struct tok *t, const char *op)
{
	return t->type == T_OP && strcmp(t->s, op) == 0;
}

static int is_name(struct tok *t, const char *name)
{
	return t->type == T_NAME && strcmp(t->s, name) == 0;
}

static int skip_op(struct ps *p, const char *op)
{
	if (is_op(cur(p), op)) {
		adv(p);
		return 1;
	}
	return 0;
}

static int skip_name(struct ps *p, const char *name)
{
	if (is_name(cur(p), name)) {
		adv(p);
		return 1;
	}
	return 0;
}

static int expect_op(struct ps *p, const char *op)
{
	if (skip_op(p, op))
		return 0;
	perr(p, "expected token '%s', got '%s'", op, describe(cur(p)));
	return -1;
}

static int expect_name(struct ps *p, const char *name)
{
	if (skip_name(p, name))
		return 0;
	perr(p, "expected token '%s', got '%s'", name, describe(cur(p)));
	return -1;
}

static struct node *parse_expr(struct ps *p, int condexpr);
static struct node *parse_tuple(struct ps *p, int simplified, int condexpr,
				const char *const *extra_end, int explicit_paren);
static struct node *parse_unary(struct ps *p, int with_filter);
static struct node *parse_primary(struct ps *p);
static struct node *parse_postfix(struct ps *p, struct node *n);
static struct node *parse_filter(struct ps *p, struct node *n, int start_inline);
static int subparse(struct ps *p, struct nlist *body, const char *const *end);

static struct node *constval(int line, struct ztp_val *v)
{
	struct node *n = mk(E_CONST, line);

	n->val = v;
	return n;
}

/* (args, kw=..., *a, **k) */
static int parse_call_args(struct ps *p, struct node *n)
{
	if (expect_op(p, "(") < 0)
		return -1;
	while (!is_op(cur(p), ")")) {
		if (n->l1.n || n->nnames || n->b || n->c)
			if (expect_op(p, ",") < 0)
				return -1;
		if (is_op(cur(p), ")"))
			break;
		if (is_op(cur(p), "*")) {
			adv(p);
			if (n->b)
				return perr(p, "invalid syntax for function call expression"), -1;
			if ((n->b = parse_expr(p, 1)) == NULL)
				return -1;
		} else if (is_op(cur(p), "**")) {
			adv(p);
			if (n->c)
				return perr(p, "invalid syntax for function call expression"), -1;
			if ((n->c = parse_expr(p, 1)) == NULL)
				return -1;
		} else if (cur(p)->type == T_NAME && is_op(look(p), "=")) {
			struct node *v;
			char *k = ztp_xstrdup(cur(p)->s);

			adv(p);
			adv(p);
			if ((v = parse_expr(p, 1)) == NULL) {
				free(k);
				return -1;
			}
			add_name(n, k, NULL);
			free(k);
			tmpl_nlist_push(&n->l2, v);
		} else {
			struct node *v;

			if (n->nnames || n->b || n->c)
				return perr(p, "invalid syntax for function call expression"), -1;
			if ((v = parse_expr(p, 1)) == NULL)
				return -1;
			tmpl_nlist_push(&n->l1, v);
		}
	}
	return expect_op(p, ")");
}

static char *dotted_name(struct ps *p)
{
	struct ztp_buf b = ZTP_BUF_INIT;

	if (cur(p)->type != T_NAME) {
		perr(p, "expected token 'name', got '%s'", describe(cur(p)));
		return NULL;
	}
	ztp_buf_adds(&b, cur(p)->s);
	adv(p);
	while (is_op(cur(p), ".") && look(p)->type == T_NAME) {
		adv(p);
		ztp_buf_addc(&b, '.');
		ztp_buf_adds(&b, cur(p)->s);
		adv(p);
	}
	return ztp_buf_detach(&b, NULL);
}

static struct node *parse_filter_inner(struct ps *p, struct node *n, int start_inline)
{
	while (is_op(cur(p), "|") || start_inline) {
		if (++p->depth > MAX_NEST) {
			tmpl_node_free(n);
			return perr(p, "expression nested too deeply");
		}
		struct node *f;
		int line = cur(p)->line;

		if (!start_inline)
			adv(p);
		start_inline = 0;
		f = mk(E_FILTER, line);
		f->a = n;
		if ((f->name = dotted_name(p)) == NULL) {
			tmpl_node_free(f);
			return NULL;
		}
		if (is_op(cur(p), "(") && parse_call_args(p, f) < 0) {
			tmpl_node_free(f);
			return NULL;
		}
		n = f;
	}
	return n;
}

/* the loop above deepens the tree: count it, then restore */
static struct node *parse_filter(struct ps *p, struct node *n, int start_inline)
{
	int d0 = p->depth;
	struct node *r = parse_filter_inner(p, n, start_inline);

	p->depth = d0;
	return r;
}

static struct node *parse_test(struct ps *p, struct node *n)
{
	struct node *t = mk(E_TEST, cur(p)->line);
	struct tok *c;

	adv(p);		/* is */
	t->a = n;
	if (skip_name(p, "not"))
		t->flag = 1;
	if ((t->name = dotted_name(p)) == NULL) {
		tmpl_node_free(t);
		return NULL;
	}
	c = cur(p);
	if (is_op(c, "(")) {
		if (parse_call_args(p, t) < 0) {
			tmpl_node_free(t);
			return NULL;
		}
	} else if ((c->type == T_NAME || c->type == T_STRING || c->type == T_INT ||
		    c->type == T_FLOAT || is_op(c, "(") || is_op(c, "[") || is_op(c, "{")) &&
		   !is_name(c, "else") && !is_name(c, "or") && !is_name(c, "and")) {
		struct node *arg;

		if (is_name(c, "is")) {
			tmpl_node_free(t);
			return perr(p, "You cannot chain multiple tests with is");
		}
		if ((arg = parse_primary(p)) == NULL || (arg = parse_postfix(p, arg)) == NULL) {
			tmpl_node_free(t);
			return NULL;
		}
		tmpl_nlist_push(&t->l1, arg);
	}
	return t;
}

static struct node *parse_filter_expr_inner(struct ps *p, struct node *n)
{
	while (n) {
		if (++p->depth > MAX_NEST) {
			tmpl_node_free(n);
			return perr(p, "expression nested too deeply");
		}
		if (is_op(cur(p), "|")) {
			n = parse_filter(p, n, 0);
		} else if (is_name(cur(p), "is")) {
			n = parse_test(p, n);
		} else if (is_op(cur(p), "(")) {
			struct node *c = mk(E_CALL, cur(p)->line);

			c->a = n;
			n = c;
			if (parse_call_args(p, c) < 0) {
				tmpl_node_free(c);
				return NULL;
			}
		} else {
			break;
		}
	}
	return n;
}

/* the loop above deepens the tree: count it, then restore */
static struct node *parse_filter_expr(struct ps *p, struct node *n)
{
	int d0 = p->depth;
	struct node *r = parse_filter_expr_inner(p, n);

	p->depth = d0;
	return r;
}

static struct node *parse_subscribed(struct ps *p)
{
	struct node *args[3] = { NULL, NULL, NULL };
	struct node *s;
	int line = cur(p)->line;

	if (is_op(cur(p), ":")) {
		adv(p);
	} else {
		if ((args[0] = parse_expr(p, 1)) == NULL)
			return NULL;
		if (!is_op(cur(p), ":"))
			return args[0];
		adv(p);
	}
	if (!is_op(cur(p), "]") && !is_op(cur(p), ",") && !is_op(cur(p), ":")) {
		if ((args[1] = parse_expr(p, 1)) == NULL)
			goto bad;
	}
	if (is_op(cur(p), ":")) {
		adv(p);
		if (!is_op(cur(p), "]") && !is_op(cur(p), ",")) {
			if ((args[2] = parse_expr(p, 1)) == NULL)
				goto bad;
		}
	}
	s = mk(E_SLICE, line);
	s->a = args[0];
	s->b = args[1];
	s->c = args[2];
	return s;
bad:
	tmpl_node_free(args[0]);
	tmpl_node_free(args[1]);
	return NULL;
}

static struct node *parse_postfix_inner(struct ps *p, struct node *n)
{
	while (n) {
		if (++p->depth > MAX_NEST) {
			tmpl_node_free(n);
			return perr(p, "expression nested too deeply");
		}
		struct tok *c = cur(p);

		if (is_op(c, ".")) {
			struct node *g;

			adv(p);
			c = cur(p);
			if (c->type == T_NAME) {
				g = mk(E_GETATTR, c->line);
				g->a = n;
				g->name = ztp_xstrdup(c->s);
				adv(p);
			} else if (c->type == T_INT) {
				g = mk(E_GETITEM, c->line);
				g->a = n;
				g->b = constval(c->line, ztp_val_int(c->i));
				adv(p);
			} else {
				tmpl_node_free(n);
				return perr(p, "expected name or number");
			}
			n = g;
		} else if (is_op(c, "[")) {
			struct node *g = mk(E_GETITEM, c->line), *t = NULL;

			adv(p);
			g->a = n;
			n = g;
			for (;;) {
				struct node *s;

				if (t && expect_op(p, ",") < 0)
					break;
				if (t && is_op(cur(p), "]"))
					break;
				if ((s = parse_subscribed(p)) == NULL)
					break;
				if (t == NULL && !is_op(cur(p), ",")) {
					g->b = s;
					break;
				}
				if (t == NULL && s->kind == E_SLICE) {
					tmpl_node_free(s);
					perr(p, "slices inside a tuple subscript are not supported");
					break;
				}
				if (t == NULL)
					t = mk(E_TUPLE, s->line);
				tmpl_nlist_push(&t->l1, s);
				if (s->kind == E_SLICE) {
					perr(p, "slices inside a tuple subscript are not supported");
					break;
				}
				if (!is_op(cur(p), ","))
					break;
			}
			if (t)
				g->b = t;
			if (p->failed || expect_op(p, "]") < 0) {
				tmpl_node_free(n);
				return NULL;
			}
			if (g->b == NULL) {
				tmpl_node_free(n);
				return perr(p, "expected subscript expression");
			}
			if (g->b->kind == E_SLICE) {
				g->kind = E_SLICE;
				g->c = g->b;
				g->b = NULL;
			}
		} else if (is_op(c, "(")) {
			struct node *call = mk(E_CALL, c->line);

			call->a = n;
			n = call;
			if (parse_call_args(p, call) < 0) {
				tmpl_node_free(n);
				return NULL;
			}
		} else {
			break;
		}
	}
	return n;
}

/* the loop above deepens the tree: count it, then restore */
static struct node *parse_postfix(struct ps *p, struct node *n)
{
	int d0 = p->depth;
	struct node *r = parse_postfix_inner(p, n);

	p->depth = d0;
	return r;
}

static struct node *parse_primary(struct ps *p)
{
	struct tok *t = cur(p);
	struct node *n;

	if (++p->depth > MAX_NEST) {
		p->depth--;
		return perr(p, "expression nested too deeply");
	}
	switch (t->type) {
	case T_NAME:
		if (!strcmp(t->s, "true") || !strcmp(t->s, "True"))
			n = constval(t->line, ztp_val_bool(1));
		else if (!strcmp(t->s, "false") || !strcmp(t->s, "False"))
			n = constval(t->line, ztp_val_bool(0));
		else if (!strcmp(t->s, "none") || !strcmp(t->s, "None"))
			n = constval(t->line, ztp_val_null());
		else {
			n = mk(E_NAME, t->line);
			n->name = ztp_xstrdup(t->s);
		}
		adv(p);
		break;
	case T_STRING: {
		struct ztp_buf b = ZTP_BUF_INIT;
		int line = t->line;

		while (cur(p)->type == T_STRING) {
			ztp_buf_add(&b, cur(p)->s, cur(p)->len);
			adv(p);
		}
		{
			size_t len;
			char *s = ztp_buf_detach(&b, &len);

			n = constval(line, ztp_val_str_take(s, len));
		}
		break;
	}
	case T_INT:
		n = constval(t->line, ztp_val_int(t->i));
		adv(p);
		break;
	case T_FLOAT:
		n = constval(t->line, ztp_val_float(t->f));
		adv(p);
		break;
	case T_OP:
		if (is_op(t, "(")) {
			adv(p);
			n = parse_tuple(p, 0, 1, NULL, 1);
			if (n && expect_op(p, ")") < 0) {
				tmpl_node_free(n);
				n = NULL;
			}
			break;
		}
		if (is_op(t, "[")) {
			n = mk(E_LIST, t->line);
			adv(p);
			while (!is_op(cur(p), "]")) {
				struct node *it;

				if (n->l1.n && expect_op(p, ",") < 0)
					goto bad;
				if (is_op(cur(p), "]"))
					break;
				if ((it = parse_expr(p, 1)) == NULL)
					goto bad;
				tmpl_nlist_push(&n->l1, it);
			}
			adv(p);
			break;
		}
		if (is_op(t, "{")) {
			n = mk(E_DICT, t->line);
			adv(p);
			while (!is_op(cur(p), "}")) {
				struct node *k, *v;

				if (n->l1.n && expect_op(p, ",") < 0)
					goto bad;
				if (is_op(cur(p), "}"))
					break;
				if ((k = parse_expr(p, 1)) == NULL)
					goto bad;
				tmpl_nlist_push(&n->l1, k);
				if (expect_op(p, ":") < 0)
					goto bad;
				if ((v = parse_expr(p, 1)) == NULL)
					goto bad;
				tmpl_nlist_push(&n->l2, v);
			}
			adv(p);
			break;
		}
		/* fall through */
	default:
		n = perr(p, "unexpected '%s'", describe(t));
		break;
	}
	p->depth--;
	return n;
bad:
	p->depth--;
	tmpl_node_free(n);
	return NULL;
}

static struct node *parse_unary(struct ps *p, int with_filter)
{
	struct tok *t = cur(p);
	struct node *n;

	if (++p->depth > MAX_NEST) {
		p->depth--;
		return perr(p, "expression nested too deeply");
	}
	if (is_op(t, "-") || is_op(t, "+")) {
		n = mk(is_op(t, "-") ? E_NEG : E_POS, t->line);
		adv(p);
		if ((n->a = parse_unary(p, 0)) == NULL) {
			tmpl_node_free(n);
			n = NULL;
		}
	} else {
		n = parse_primary(p);
	}
	n = parse_postfix(p, n);
	if (with_filter)
		n = parse_filter_expr(p, n);
	p->depth--;
	return n;
}

static struct node *binop(int op, int line, struct node *l, struct node *r)
{
	struct node *n = mk(E_BINOP, line);

	n->flag = op;
	n->a = l;
	n->b = r;
	return n;
}

static struct node *parse_pow_inner(struct ps *p)
{
	struct node *l = parse_unary(p, 1), *r;

	while (l && is_op(cur(p), "**")) {
		if (++p->depth > MAX_NEST) {
			tmpl_node_free(l);
			return perr(p, "expression nested too deeply");
		}
		int line = cur(p)->line;

		adv(p);
		if ((r = parse_unary(p, 1)) == NULL) {
			tmpl_node_free(l);
			return NULL;
		}
		l = binop(OP_POW, line, l, r);
	}
	return l;
}

/* the loop above deepens the tree: count it, then restore */
static struct node *parse_pow(struct ps *p)
{
	int d0 = p->depth;
	struct node *r = parse_pow_inner(p);

	p->depth = d0;
	return r;
}

/* a left-associative level of arithmetic: the loop deepens the tree, so
 * each step counts against the nesting limit, restored on the way out */
struct arith_op {
	const char *tok;
	int op;
};

static struct node *parse_arith(struct ps *p, const struct arith_op *ops,
				struct node *(*operand)(struct ps *))
{
	int d0 = p->depth, op;
	struct node *l = operand(p), *r;
	struct tok *t;
	size_t k;

	while (l) {
		if (++p->depth > MAX_NEST) {
			tmpl_node_free(l);
			l = perr(p, "expression nested too deeply");
			break;
		}
		t = cur(p);
		for (op = 0, k = 0; ops[k].tok && !op; k++)
			if (is_op(t, ops[k].tok))
				op = ops[k].op;
		if (!op)
			break;
		adv(p);
		if ((r = operand(p)) == NULL) {
			tmpl_node_free(l);
			l = NULL;
			break;
		}
		l = binop(op, t->line, l, r);
	}
	p->depth = d0;
	return l;
}

static struct node *parse_math2(struct ps *p)
{
	static const struct arith_op ops[] = {
		{ "*", OP_MUL }, { "/", OP_DIV }, { "//", OP_FLOORDIV }, { "%", OP_MOD }, { NULL, 0 },
	};

	return parse_arith(p, ops, parse_pow);
}

static struct node *parse_concat(struct ps *p)
{
	struct node *l = parse_math2(p), *c = NULL, *r;

	while (l && is_op(cur(p), "~")) {
		adv(p);
		if (c == NULL) {
			c = mk(E_CONCAT, l->line);
			tmpl_nlist_push(&c->l1, l);
		}
		if ((r = parse_math2(p)) == NULL) {
			tmpl_node_free(c);
			return NULL;
		}
		tmpl_nlist_push(&c->l1, r);
	}
	return c ? c : l;
}

static struct node *parse_math1(struct ps *p)
{
	static const struct arith_op ops[] = { { "+", OP_ADD }, { "-", OP_SUB }, { NULL, 0 } };

	return parse_arith(p, ops, parse_concat);
}

/* the comparison operators, chained like 1 < x < 5 */
static const struct arith_op compare_ops[] = {
	{ "==", OP_EQ }, { "!=", OP_NE }, { "<", OP_LT }, { "<=", OP_LE }, { ">", OP_GT },
	{ ">=", OP_GE }, { "in", OP_IN }, { "not in", OP_NOTIN },
};

const char *tmpl_compare_name(size_t i)
{
	return i < sizeof compare_ops / sizeof compare_ops[0] ? compare_ops[i].tok : NULL;
}

static struct node *parse_compare(struct ps *p)
{
	struct node *first = parse_math1(p), *c = NULL, *r;

	while (first) {
		struct tok *t = cur(p);
		int op = 0;
		size_t k;

		for (k = 0; !op && k < sizeof compare_ops / sizeof compare_ops[0]; k++) {
			const char *w = compare_ops[k].tok;

			if (compare_ops[k].op == OP_NOTIN) {
				if (is_name(t, "not") && is_name(look(p), "in")) {
					op = OP_NOTIN;
					adv(p);
				}
			} else if (w[0] >= 'a' && w[0] <= 'z' ? is_name(t, w) : is_op(t, w)) {
				op = compare_ops[k].op;
			}
		}
		if (!op)
			break;
		adv(p);
		if ((r = parse_math1(p)) == NULL) {
			tmpl_node_free(c ? c : first);
			return NULL;
		}
		if (c == NULL) {
			c = mk(E_COMPARE, first->line);
			c->a = first;
		}
		tmpl_nlist_push(&c->l1, r);
		c->ops = ztp_xrealloc(c->ops, c->l1.n, sizeof *c->ops);
		c->ops[c->l1.n - 1] = op;
	}
	return c ? c : first;
}

static struct node *parse_not(struct ps *p)
{
	if (is_name(cur(p), "not")) {
		struct node *n = mk(E_NOT, cur(p)->line);

		adv(p);
		if (++p->depth > MAX_NEST) {
			tmpl_node_free(n);
			return perr(p, "expression nested too deeply");
		}
		n->a = parse_not(p);
		p->depth--;
		if (n->a == NULL) {
			tmpl_node_free(n);
			return NULL;
		}
		return n;
	}
	return parse_compare(p);
}

/* left-associative "and" / "or": the loop deepens the tree, so each
 * operator counts against the nesting limit, restored on the way out */
static struct node *parse_logic(struct ps *p, const char *word, int type,
				struct node *(*operand)(struct ps *))
{
	int d0 = p->depth;
	struct node *l = operand(p), *r, *n;

	while (l && is_name(cur(p), word)) {
		if (++p->depth > MAX_NEST) {
			tmpl_node_free(l);
			l = perr(p, "expression nested too deeply");
			break;
		}
		n = mk(type, cur(p)->line);
		adv(p);
		if ((r = operand(p)) == NULL) {
			tmpl_node_free(n);
			tmpl_node_free(l);
			l = NULL;
			break;
		}
		n->a = l;
		n->b = r;
		l = n;
	}
	p->depth = d0;
	return l;
}

static struct node *parse_and(struct ps *p)
{
	return parse_logic(p, "and", E_AND, parse_not);
}

static struct node *parse_or(struct ps *p)
{
	return parse_logic(p, "or", E_OR, parse_and);
}

static struct node *parse_condexpr(struct ps *p);
static struct node *parse_condexpr_inner(struct ps *p)
{
	struct node *e1 = parse_or(p);

	while (e1 && is_name(cur(p), "if")) {
		if (++p->depth > MAX_NEST) {
			tmpl_node_free(e1);
			return perr(p, "expression nested too deeply");
		}
		struct node *c = mk(E_COND, cur(p)->line);

		adv(p);
		c->b = e1;
		if ((c->a = parse_or(p)) == NULL) {
			tmpl_node_free(c);
			return NULL;
		}
		if (skip_name(p, "else")) {
			if (++p->depth > MAX_NEST) {
				tmpl_node_free(c);
				return perr(p, "expression nested too deeply");
			}
			c->c = parse_condexpr(p);
			p->depth--;
			if (c->c == NULL) {
				tmpl_node_free(c);
				return NULL;
			}
		}
		e1 = c;
	}
	return e1;
}

/* the loop above deepens the tree: count it, then restore */
static struct node *parse_condexpr(struct ps *p)
{
	int d0 = p->depth;
	struct node *r = parse_condexpr_inner(p);

	p->depth = d0;
	return r;
}

static struct node *parse_expr(struct ps *p, int condexpr)
{
	struct node *n;

	if (++p->depth > MAX_NEST) {
		p->depth--;
		return perr(p, "expression nested too deeply");
	}
	n = condexpr ? parse_condexpr(p) : parse_or(p);
	p->depth--;
	return n;
}

static int is_tuple_end(struct ps *p, const char *const *extra)
{
	struct tok *t = cur(p);

	if (t->type == T_VAR_END || t->type == T_BLOCK_END || t->type == T_EOF ||
	    is_op(t, ")"))
		return 1;
	for (; extra && *extra; extra++)
		if (is_name(t, *extra))
			return 1;
	return 0;
}

static struct node *parse_tuple(struct ps *p, int simplified, int condexpr,
				const char *const *extra_end, int explicit_paren)
{
	struct node *t = mk(E_TUPLE, cur(p)->line), *n;
	int is_tuple = 0;

	for (;;) {
		if (t->l1.n && expect_op(p, ",") < 0)
			goto bad;
		if (is_tuple_end(p, extra_end))
			break;
		n = simplified ? parse_primary(p) : parse_expr(p, condexpr);
		if (n == NULL)
			goto bad;
		tmpl_nlist_push(&t->l1, n);
		if (is_op(cur(p), ","))
			is_tuple = 1;
		else
			break;
	}
	if (!is_tuple) {
		if (t->l1.n) {
			n = t->l1.v[0];
			t->l1.n = 0;
			tmpl_node_free(t);
			return n;
		}
		if (!explicit_paren) {
			perr(p, "Expected an expression, got '%s'", describe(cur(p)));
			goto bad;
		}
	}
	return t;
bad:
	tmpl_node_free(t);
	return NULL;
}

static int target_ok(struct ps *p, struct node *t, int depth)
{
	size_t i;

	if (t->kind == E_NAME) {
		const char *nm = t->name;

		if (!strcmp(nm, "true") || !strcmp(nm, "false") || !strcmp(nm, "none") ||
		    !strcmp(nm, "True") || !strcmp(nm, "False") || !strcmp(nm, "None")) {
			perr(p, "can't assign to special constant '%s'", nm);
			return 0;
		}
		return 1;
	}
	if (t->kind == E_TUPLE && t->l1.n > 0 && depth < 20) {
		for (i = 0; i < t->l1.n; i++)
			if (!target_ok(p, t->l1.v[i], depth + 1))
				return 0;
		return 1;
	}
	perr(p, "can't assign to this expression");
	return 0;
}

/* for / set targets: a name, a (nested) tuple of names, or ns.attr */
static struct node *parse_target(struct ps *p, int with_ns, const char *const *extra)
{
	struct node *t;

	if (with_ns && cur(p)->type == T_NAME && is_op(look(p), ".")) {
		t = mk(E_NSATTR, cur(p)->line);
		t->a = mk(E_NAME, cur(p)->line);
		t->a->name = ztp_xstrdup(cur(p)->s);
		adv(p);
		adv(p);
		if (cur(p)->type != T_NAME) {
			tmpl_node_free(t);
			return perr(p, "expected token 'name', got '%s'", describe(cur(p)));
		}
		t->name = ztp_xstrdup(cur(p)->s);
		adv(p);
		return t;
	}
	if ((t = parse_tuple(p, 1, 1, extra, 0)) == NULL)
		return NULL;
	if (!target_ok(p, t, 0)) {
		tmpl_node_free(t);
		return NULL;
	}
	return t;
}

static int block_end(struct ps *p)
{
	if (cur(p)->type == T_BLOCK_END) {
		adv(p);
		return 0;
	}
	perr(p, "expected token 'end of statement block', got '%s'", describe(cur(p)));
	return -1;
}

static int parse_signature(struct ps *p, struct node *n)
{
	if (expect_op(p, "(") < 0)
		return -1;
	while (!is_op(cur(p), ")")) {
		if (n->nnames && expect_op(p, ",") < 0)
			return -1;
		if (is_op(cur(p), ")"))
			break;
		if (cur(p)->type != T_NAME) {
			perr(p, "expected token 'name', got '%s'", describe(cur(p)));
			return -1;
		}
		add_name(n, cur(p)->s, NULL);
		adv(p);
		if (skip_op(p, "=")) {
			struct node *d = parse_expr(p, 1);

			if (d == NULL)
				return -1;
			tmpl_nlist_push(&n->l2, d);
		} else {
			size_t k;

			for (k = 0; k < n->l2.n; k++)
				if (n->l2.v[k])
					return perr(p, "non-default argument follows default argument"), -1;
			tmpl_nlist_push(&n->l2, NULL);
		}
	}
	adv(p);
	/* defaults are stored aligned to names; NULL means required */
	return 0;
}

static void import_context(struct ps *p, struct node *n)
{
	if ((is_name(cur(p), "with") || is_name(cur(p), "without")) &&
	    is_name(look(p), "context")) {
		n->flag = is_name(cur(p), "with");
		adv(p);
		adv(p);
	}
}

static const char *const end_for2[] = { "endfor", NULL };
static const char *const end_if[] = { "elif", "else", "endif", NULL };
static const char *const end_if2[] = { "endif", NULL };

/* the statements: each parses the tag after its keyword (the current
 * token) to its block end, leaving the node in *np (freed by the caller on
 * failure); 0 or -1 */
static int st_for(struct ps *p, const struct tok *t, int line, struct node **np)
{
	static const char *const in_end[] = { "in", NULL };
	static const char *const rec_end[] = { "recursive", NULL };
	struct node *n;
	static const char *const e1[] = { "endfor", "else", NULL };

	adv(p);
	n = *np = mk(N_FOR, line);
	if ((n->a = parse_target(p, 0, in_end)) == NULL || expect_name(p, "in") < 0)
		return -1;
	if ((n->b = parse_tuple(p, 0, 0, rec_end, 0)) == NULL)
		return -1;
	if (skip_name(p, "if") && (n->c = parse_expr(p, 1)) == NULL)
		return -1;
	if (is_name(cur(p), "recursive")) {
		perr(p, "recursive loops are not supported (see ztp-templates(7))");
		return -1;
	}
	if (block_end(p) < 0 || subparse(p, &n->l1, e1) < 0)
		return -1;
	if (skip_name(p, "else")) {
		if (block_end(p) < 0 || subparse(p, &n->l2, end_for2) < 0)
			return -1;
	}
	adv(p);		/* endfor */
	return 0;
}

static int st_if(struct ps *p, const struct tok *t, int line, struct node **np)
{
	struct node *cur_if;

	adv(p);
	*np = cur_if = mk(N_IF, line);
	for (;;) {
		if ((cur_if->a = parse_tuple(p, 0, 0, NULL, 0)) == NULL)
			return -1;
		if (block_end(p) < 0 || subparse(p, &cur_if->l1, end_if) < 0)
			return -1;
		if (skip_name(p, "elif")) {
			struct node *e = mk(N_IF, cur(p)->line);

			tmpl_nlist_push(&cur_if->l2, e);
			cur_if = e;
			continue;
		}
		if (skip_name(p, "else")) {
			if (block_end(p) < 0 || subparse(p, &cur_if->l2, end_if2) < 0)
				return -1;
		}
		adv(p);	/* endif */
		break;
	}
	return 0;
}

static int st_set(struct ps *p, const struct tok *t, int line, struct node **np)
{
	struct node *n;
	static const char *const e[] = { "endset", NULL };

	adv(p);
	if ((n = *np = parse_target(p, 1, NULL)) == NULL)
		return -1;
	if (skip_op(p, "=")) {
		struct node *s = mk(N_SET, line);

		s->a = n;
		n = *np = s;
		if ((n->b = parse_tuple(p, 0, 1, NULL, 0)) == NULL)
			return -1;
	} else {
		struct node *s = mk(N_SETBLOCK, line);

		s->a = n;
		n = *np = s;
		if (is_op(cur(p), "|")) {
			if ((n->b = parse_filter(p, NULL, 0)) == NULL)
				return -1;
		}
		if (block_end(p) < 0 || subparse(p, &n->l1, e) < 0)
			return -1;
		adv(p);
	}
	return 0;
}

static int st_macro(struct ps *p, const struct tok *t, int line, struct node **np)
{
	struct node *n;
	static const char *const e[] = { "endmacro", NULL };

	adv(p);
	n = *np = mk(N_MACRO, line);
	if (cur(p)->type != T_NAME) {
		perr(p, "expected token 'name', got '%s'", describe(cur(p)));
		return -1;
	}
	n->name = ztp_xstrdup(cur(p)->s);
	adv(p);
	if (parse_signature(p, n) < 0 || block_end(p) < 0 || subparse(p, &n->l1, e) < 0)
		return -1;
	adv(p);
	if (cur(p)->type == T_NAME && !strcmp(cur(p)->s, n->name))
		adv(p);
	return 0;
}

static int st_call(struct ps *p, const struct tok *t, int line, struct node **np)
{
	struct node *n;
	static const char *const e[] = { "endcall", NULL };

	adv(p);
	n = *np = mk(N_CALLBLOCK, line);
	if (is_op(cur(p), "(") && parse_signature(p, n) < 0)
		return -1;
	if ((n->a = parse_expr(p, 1)) == NULL)
		return -1;
	if (n->a->kind != E_CALL) {
		perr(p, "expected call");
		return -1;
	}
	if (block_end(p) < 0 || subparse(p, &n->l1, e) < 0)
		return -1;
	adv(p);
	return 0;
}

static int st_filter(struct ps *p, const struct tok *t, int line, struct node **np)
{
	struct node *n;
	static const char *const e[] = { "endfilter", NULL };

	adv(p);
	n = *np = mk(N_FILTERBLOCK, line);
	if ((n->a = parse_filter(p, NULL, 1)) == NULL)
		return -1;
	if (block_end(p) < 0 || subparse(p, &n->l1, e) < 0)
		return -1;
	adv(p);
	return 0;
}

static int st_include(struct ps *p, const struct tok *t, int line, struct node **np)
{
	struct node *n;

	adv(p);
	n = *np = mk(N_INCLUDE, line);
	n->flag = 1;
	if ((n->a = parse_expr(p, 1)) == NULL)
		return -1;
	if (is_name(cur(p), "ignore") && is_name(look(p), "missing")) {
		adv(p);
		adv(p);
		n->flag |= 2;
	}
	if ((is_name(cur(p), "with") || is_name(cur(p), "without")) &&
	    is_name(look(p), "context")) {
		if (is_name(cur(p), "without"))
			n->flag &= ~1;
		adv(p);
		adv(p);
	}
	return 0;
}

static int st_import(struct ps *p, const struct tok *t, int line, struct node **np)
{
	struct node *n;

	adv(p);
	n = *np = mk(N_IMPORT, line);
	if ((n->a = parse_expr(p, 1)) == NULL || expect_name(p, "as") < 0)
		return -1;
	if (cur(p)->type != T_NAME) {
		perr(p, "expected token 'name', got '%s'", describe(cur(p)));
		return -1;
	}
	n->name = ztp_xstrdup(cur(p)->s);
	adv(p);
	import_context(p, n);
	return 0;
}

static int st_from(struct ps *p, const struct tok *t, int line, struct node **np)
{
	struct node *n;

	adv(p);
	n = *np = mk(N_FROMIMPORT, line);
	if ((n->a = parse_expr(p, 1)) == NULL || expect_name(p, "import") < 0)
		return -1;
	for (;;) {
		if (n->nnames && expect_op(p, ",") < 0)
			return -1;
		if (cur(p)->type != T_NAME) {
			perr(p, "expected token 'name', got '%s'", describe(cur(p)));
			return -1;
		}
		if ((is_name(cur(p), "with") || is_name(cur(p), "without")) &&
		    is_name(look(p), "context")) {
			import_context(p, n);
			break;
		}
		if (cur(p)->s[0] == '_') {
			perr(p, "names starting with an underline can not be imported");
			return -1;
		}
		{
			char *nm = ztp_xstrdup(cur(p)->s);

			adv(p);
			if (skip_name(p, "as")) {
				if (cur(p)->type != T_NAME) {
					free(nm);
					perr(p, "expected token 'name', got '%s'", describe(cur(p)));
					return -1;
				}
				add_name(n, nm, cur(p)->s);
				adv(p);
			} else {
				add_name(n, nm, NULL);
			}
			free(nm);
		}
		if ((is_name(cur(p), "with") || is_name(cur(p), "without")) &&
		    is_name(look(p), "context")) {
			import_context(p, n);
			break;
		}
		if (!is_op(cur(p), ","))
			break;
	}
	return 0;
}

static int st_with(struct ps *p, const struct tok *t, int line, struct node **np)
{
	struct node *n;
	static const char *const e[] = { "endwith", NULL };

	adv(p);
	n = *np = mk(N_WITH, line);
	while (cur(p)->type != T_BLOCK_END) {
		struct node *tg, *v;

		if (n->l1.n && expect_op(p, ",") < 0)
			return -1;
		if ((tg = parse_target(p, 0, NULL)) == NULL)
			return -1;
		tmpl_nlist_push(&n->l1, tg);
		if (expect_op(p, "=") < 0 || (v = parse_expr(p, 1)) == NULL)
			return -1;
		tmpl_nlist_push(&n->l2, v);
	}
	{
		struct node *body = mk(N_IF, line);

		n->a = body;	/* body kept in a's l1 */
		if (block_end(p) < 0 || subparse(p, &body->l1, e) < 0)
			return -1;
	}
	adv(p);
	return 0;
}

static int st_break(struct ps *p, const struct tok *t, int line, struct node **np)
{
	*np = mk(t->s[0] == 'b' ? N_BREAK : N_CONTINUE, line);
	adv(p);
	return 0;
}

static int st_do(struct ps *p, const struct tok *t, int line, struct node **np)
{
	struct node *n;

	adv(p);
	n = *np = mk(N_DO, line);
	if ((n->a = parse_tuple(p, 0, 1, NULL, 0)) == NULL)
		return -1;
	return 0;
}

static const struct statement {
	const char *name;
	int (*parse)(struct ps *p, const struct tok *t, int line, struct node **np);
} statements[] = {
	{ "break", st_break },
	{ "call", st_call },
	{ "continue", st_break },
	{ "do", st_do },
	{ "filter", st_filter },
	{ "for", st_for },
	{ "from", st_from },
	{ "if", st_if },
	{ "import", st_import },
	{ "include", st_include },
	{ "macro", st_macro },
	{ "set", st_set },
	{ "with", st_with },
};

const char *tmpl_statement_name(size_t i)
{
	return i < sizeof statements / sizeof statements[0] ? statements[i].name : NULL;
}

static int statement_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct statement *)e)->name);
}

static struct node *parse_statement(struct ps *p)
{
	struct tok *t = cur(p);
	const struct statement *st;
	struct node *n = NULL;

	if (t->type != T_NAME)
		return perr(p, "tag name expected");
	st = bsearch(t->s, statements, sizeof statements / sizeof statements[0],
		     sizeof statements[0], statement_cmp);
	if (st == NULL) {
		static const char *const unsupported[] = { "extends", "block", "raw", "autoescape", "trans", "print" };
		size_t i;

		for (i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++)
			if (!strcmp(t->s, unsupported[i]))
				return perr(p, "the '%s' tag is not supported (see ztp-templates(7))", t->s);
		return perr(p, "Encountered unknown tag '%s'.", t->s);
	}
	if (++p->depth > MAX_NEST) {
		p->depth--;
		return perr(p, "statements nested too deeply");
	}
	if (st->parse(p, t, t->line, &n) < 0 || block_end(p) < 0) {
		p->depth--;
		tmpl_node_free(n);
		return NULL;
	}
	p->depth--;
	return n;
}

static int in_list(struct tok *t, const char *const *l)
{
	for (; l && *l; l++)
		if (is_name(t, *l))
			return 1;
	return 0;
}

static int subparse(struct ps *p, struct nlist *body, const char *const *end)
{
	int start = cur(p)->line;

	for (;;) {
		struct tok *t = cur(p);
		struct node *n;

		switch (t->type) {
		case T_EOF:
			if (end) {
				ztp_err_set(p->e, ZTP_ERR_PARSE,
					    "%s:%d: unexpected end of template; the block opened on line %d "
					    "needs '%s'", p->name, t->line, start, end[0]);
				p->failed = 1;
				return -1;
			}
			return 0;
		case T_DATA:
			n = mk(N_DATA, t->line);
			n->val = ztp_val_strn(t->s, t->len);
			tmpl_nlist_push(body, n);
			adv(p);
			break;
		case T_VAR_BEGIN:
			adv(p);
			n = mk(N_PRINT, t->line);
			tmpl_nlist_push(body, n);
			if ((n->a = parse_tuple(p, 0, 1, NULL, 0)) == NULL)
				return -1;
			if (cur(p)->type != T_VAR_END) {
				perr(p, "expected token 'end of print statement', got '%s'",
				     describe(cur(p)));
				return -1;
			}
			adv(p);
			break;
		case T_BLOCK_BEGIN:
			adv(p);
			if (end && in_list(cur(p), end))
				return 0;
			if (cur(p)->type == T_NAME &&
			    (!strncmp(cur(p)->s, "end", 3) || !strcmp(cur(p)->s, "else") ||
			     !strcmp(cur(p)->s, "elif"))) {
				if (end)
					perr(p, "Encountered unknown tag '%s'. Jinja was looking for "
					     "'%s'.", cur(p)->s, end[0]);
				else
					perr(p, "Encountered unknown tag '%s'.", cur(p)->s);
				return -1;
			}
			if ((n = parse_statement(p)) == NULL)
				return -1;
			tmpl_nlist_push(body, n);
			break;
		default:
			perr(p, "unexpected '%s'", describe(t));
			return -1;
		}
	}
}

/* mark for loops whose body uses the name "loop" */
static int uses_loop(struct node *n)
{
	size_t i;

	if (n == NULL)
		return 0;
	if (n->kind == E_NAME && !strcmp(n->name, "loop"))
		return 1;
	if (uses_loop(n->a) || uses_loop(n->b) || uses_loop(n->c))
		return 1;
	for (i = 0; i < n->l1.n; i++)
		if (uses_loop(n->l1.v[i]))
			return 1;
	for (i = 0; i < n->l2.n; i++)
		if (uses_loop(n->l2.v[i]))
			return 1;
	return 0;
}

static void mark_loops(struct node *n)
{
	size_t i;

	if (n == NULL)
		return;
	if (n->kind == N_FOR) {
		for (i = 0; i < n->l1.n; i++)
			if (uses_loop(n->l1.v[i]))
				n->flag = 1;
		for (i = 0; i < n->l2.n; i++)
			if (uses_loop(n->l2.v[i]))
				n->flag = 1;
		if (uses_loop(n->c))
			n->flag = 1;
	}
	mark_loops(n->a);
	mark_loops(n->b);
	mark_loops(n->c);
	for (i = 0; i < n->l1.n; i++)
		mark_loops(n->l1.v[i]);
	for (i = 0; i < n->l2.n; i++)
		mark_loops(n->l2.v[i]);
}

struct tmpl *tmpl_parse(const char *src, size_t len, const char *name,
			const struct ztp_tmpl_opts *o, struct ztp_err *e)
{
	struct ps p;
	struct tmpl *t;
	size_t i;

	memset(&p, 0, sizeof p);
	p.name = name;
	p.e = e;
	if (tmpl_lex(src, len, o, name, &p.t, e) < 0)
		return NULL;
	t = ztp_xcalloc(1, sizeof *t);
	t->name = ztp_xstrdup(name);
	if (subparse(&p, &t->body, NULL) < 0) {
		tmpl_toks_free(&p.t);
		tmpl_free(t);
		return NULL;
	}
	for (i = 0; i < t->body.n; i++)
		mark_loops(t->body.v[i]);
	tmpl_toks_free(&p.t);
	return t;
}

void tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	nlist_free(&t->body);
	free(t->name);
	free(t);
}
