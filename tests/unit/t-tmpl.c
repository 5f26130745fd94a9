/* t-tmpl.c: the template API (lib/tmpl.h): in-memory templates, variables
 * shared by reference, error codes and messages, limits, env reuse. */
#include "tap.h"
#include "tmpl.h"
#include "yml.h"

static struct ztp_val *vars(const char *y)
{
	struct ztp_val *v = NULL;

	if (ztp_yml_load_buf(y, strlen(y), "vars", NULL, &v, NULL) < 0)
		return NULL;
	return v;
}

/* render text under name with opts; returns the code, output in *out */
static int render(const struct ztp_tmpl_opts *o, const char *text, struct ztp_val *v,
		  char **out, struct ztp_err *e)
{
	struct ztp_tmpl_env *env = ztp_tmpl_env_new(o);
	struct ztp_buf b = ZTP_BUF_INIT;
	int rc;

	ztp_tmpl_env_add(env, "t.j2", text, strlen(text));
	ztp_tmpl_env_add(env, "inc.j2", "[{{ x }}]", 9);
	rc = ztp_tmpl_render(env, "t.j2", v, &b, e);
	*out = ztp_buf_detach(&b, NULL);
	ztp_tmpl_env_free(env);
	return rc;
}

int main(void)
{
	struct ztp_tmpl_opts o;
	struct ztp_tmpl_env *env;
	struct ztp_val *v = vars("x: 1\nl: [a]\n");
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;
	char *out;
	int rc;

	memset(&o, 0, sizeof o);
	rc = render(&o, "{{ x + 1 }} {% include 'inc.j2' %} {{ l }}", v, &out, &e);
	is_int(rc, 0, "render succeeds");
	is_str(out, "2 [1] ['a']", "variables, include of an in-memory template, list printing");
	free(out);

	rc = render(&o, "{% do l.append('b') %}", v, &out, &e);
	is_int(rc, 0, "append succeeds");
	is_int(ztp_list_get(ztp_map_get(v, "l"), 1) != NULL, 1,
	       "containers are shared with the caller by reference, as in Python");
	free(out);

	rc = render(&o, "{% set x = 5 %}{{ x }}", v, &out, &e);
	is_int((int)ztp_map_get(v, "x")->u.i, 1, "a top-level set does not change the caller's map");
	free(out);

	rc = render(&o, "a\n{{ nope }}", v, &out, &e);
	is_int(rc, ZTP_ERR_PARSE, "undefined variable: ZTP_ERR_PARSE");
	is_str(e.msg, "t.j2:2: 'nope' is undefined", "message names template, line and variable");
	is_str(out, "", "no partial output on error");
	free(out);

	rc = render(&o, "{% for %}", v, &out, &e);
	is_int(rc, ZTP_ERR_PARSE, "syntax error: ZTP_ERR_PARSE");
	free(out);

	o.max_steps = 1000;
	rc = render(&o, "{% for i in range(100) %}{% for j in range(100) %}{% endfor %}{% endfor %}",
		    v, &out, &e);
	is_int(rc, ZTP_ERR_LIMIT, "step limit: ZTP_ERR_LIMIT");
	like(e.msg, "1000 evaluation steps", "the message names the limit");
	free(out);
	o.max_steps = 0;

	rc = render(&o, "{{ ' a b c '.split(None, 1) }} {{ ' a b c '.rsplit(None, 1) }} {{ ' a b c "
		    "'.split(None, 0) }} {{ ' a b c '.rsplit(None, 0) }} {{ '   '.split(None, 0) "
		    "}} {{ 'a  '.split(None, 1) }} {{ '  a'.rsplit(None, 1) }} {{ 'a "
		    "b'.split(maxsplit=1) }} {{ '  '.rsplit(None, 0) }} {{ 'x y  '.rsplit(None, "
		    "5) }}",
		    v, &out, &e);
	is_int(rc, 0, "split and rsplit with a limit: renders");
	is_str(out, "['a', 'b c '] [' a b', 'c'] ['a b c '] [' a b c'] [] ['a'] ['a'] ['a', 'b'] "
		    "[] ['x', 'y']",
	       "split and rsplit with a limit keep the white space of the rest, as Python");
	free(out);

	rc = render(&o, "{% set d = {'a': 1, 'b': 2} %}{% set l = [3, 1, 2] %}\n{{ d.get('a') }} {{ "
		    "d.get('z', 9) }} {{ d.setdefault('c', 5) }} {{ d.pop('a') }} {{ d | "
		    "dictsort }} {% do d.update({'x': 7}, y=8) %}{{ d.items() | list }} {{ "
		    "d.keys() | list }} {{ d.values() | list }} {{ d.copy() }}{% do d.clear() "
		    "%}{{ d }}\n{% do l.append(4) %}{% do l.extend([5, 6]) %}{% do l.insert(0, "
		    "9) %}{% do l.insert(-1, 8) %}{{ l }} {{ l.pop() }} {{ l.pop(0) }} {{ "
		    "l.index(2) }} {{ l.count(1) }}{% do l.remove(1) %}{% do l.reverse() %}{{ l "
		    "}}{% do l.sort() %}{{ l }}{% do l.sort(reverse=true) %}{{ l }} {{ l.copy() "
		    "}}{% do l.clear() %}{{ l }} {{ (1, 2, 1).count(1) }} {{ (1, 2).index(2) "
		    "}}\n{% for x in [1, 1, 2, 3, 3] %}{{ loop.changed(x) }}{{ loop.cycle('a', "
		    "'b', 'c') }} {% endfor %}\n{% set cy = cycler('p', 'q') %}{{ cy.next() }}{{ "
		    "cy.next() }}{{ cy.next() }}{% do cy.reset() %}{{ cy.next() }}",
		    v, &out, &e);
	is_int(rc, 0, "methods of dicts, lists, tuples, loop and cycler: renders");
	is_str(out, "\n1 9 5 1 [('b', 2), ('c', 5)] [('b', 2), ('c', 5), ('x', 7), ('y', 8)] "
		    "['b', 'c', 'x', 'y'] [2, 5, 7, 8] {'b': 2, 'c': 5, 'x': 7, 'y': 8}{}\n[9, "
		    "3, 1, 2, 4, 5, 8, 6] 6 9 2 1[8, 5, 4, 2, 3][2, 3, 4, 5, 8][8, 5, 4, 3, 2] "
		    "[8, 5, 4, 3, 2][] 2 1\nTruea Falseb Truec Truea Falseb \npqpp",
	       "methods of dicts, lists, tuples, loop and cycler as Jinja2");
	free(out);

	o.max_output = 100;
	rc = render(&o, "{% for i in range(1000) %}xxxxxxxxxx{% endfor %}", v, &out, &e);
	is_int(rc, ZTP_ERR_LIMIT, "output limit: ZTP_ERR_LIMIT");
	free(out);
	o.max_output = 0;

	o.undefined = ZTP_TMPL_UNDEF_DEFAULT;
	o.trim_blocks = 1;
	rc = render(&o, "{% if nope %}\nno\n{% else %}\n[{{ nope }}]\n{% endif %}\n", v, &out, &e);
	is_str(out, "[]\n", "default undefined and trim_blocks");
	free(out);

	env = ztp_tmpl_env_new(NULL);
	rc = ztp_tmpl_render(env, "missing.j2", NULL, &b, &e);
	is_int(rc, ZTP_ERR_NOTFOUND, "missing template: ZTP_ERR_NOTFOUND");
	like(e.msg, "template 'missing.j2' not found", "message names it");
	ztp_tmpl_env_add(env, "bad.j2", "{% endif %}", 11);
	is_int(ztp_tmpl_check(env, "bad.j2", &e), ZTP_ERR_PARSE, "check finds a syntax error");
	ztp_tmpl_env_add(env, "good.j2", "{{ 1 }}", 7);
	is_int(ztp_tmpl_check(env, "good.j2", &e), 0, "check accepts a good template");
	is_int(ztp_tmpl_render(env, "good.j2", NULL, &b, &e), 0, "render after check (cached)");
	is_int(ztp_tmpl_render(env, "good.j2", NULL, &b, &e), 0, "render twice with one env");
	is_str(b.p, "11", "output is appended to the buffer");
	ztp_tmpl_env_free(env);
	ztp_buf_free(&b);
	ztp_tmpl_env_free(NULL);
	ztp_val_unref(v);
	return done_testing();
}
