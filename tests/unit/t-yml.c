/* t-yml.c: YAML/JSON reading and writing, PyYAML scalar rules, limits */
#include <math.h>

#include "tap.h"
#include "yml.h"

static struct ztp_val *load(const char *s, struct ztp_err *e)
{
	struct ztp_val *v = NULL;

	if (ztp_yml_load_buf(s, strlen(s), "t.yml", NULL, &v, e) < 0)
		return NULL;
	return v;
}

static void resolves(const char *s, int type, const char *name)
{
	struct ztp_val *v = ztp_yml_resolve(s, strlen(s));

	ok(v->type == type, name);
	if (v->type != type)
		printf("#   '%s' resolved to %s\n", s, ztp_val_typename(v));
	ztp_val_unref(v);
}

static long long ival(const char *s)
{
	struct ztp_val *v = ztp_yml_resolve(s, strlen(s));
	long long i = v->type == ZTP_V_INT ? v->u.i : -999999;

	ztp_val_unref(v);
	return i;
}

static const char *emit(const char *yaml)
{
	static struct ztp_buf b;
	static struct ztp_err e;
	struct ztp_val *v = load(yaml, &e);

	ztp_buf_free(&b);
	if (v == NULL)
		return e.msg;
	ztp_yml_emit(&b, v, 0, &e);
	ztp_val_unref(v);
	return b.p;
}

static const char *json(const char *yaml)
{
	static struct ztp_buf b;
	static struct ztp_err e;
	struct ztp_val *v = load(yaml, &e);

	ztp_buf_free(&b);
	if (v == NULL)
		return e.msg;
	ztp_json_emit(&b, v, 0);
	ztp_val_unref(v);
	return b.p;
}

int main(void)
{
	struct ztp_err e;
	struct ztp_val *v;
	char big[4096];
	int i;

	/* PyYAML (YAML 1.1) scalar resolution, which templates depend on */
	resolves("yes", ZTP_V_BOOL, "yes is a bool");
	resolves("Off", ZTP_V_BOOL, "Off is a bool");
	resolves("~", ZTP_V_NULL, "~ is null");
	resolves("", ZTP_V_NULL, "empty is null");
	resolves("1e3", ZTP_V_STR, "1e3 is a string (no dot)");
	resolves("1.0e+3", ZTP_V_FLOAT, "1.0e+3 is a float");
	resolves(".5", ZTP_V_FLOAT, ".5 is a float");
	resolves("1.", ZTP_V_FLOAT, "1. is a float");
	resolves("-.inf", ZTP_V_FLOAT, "-.inf is a float");
	resolves("0o10", ZTP_V_STR, "0o10 is a string in YAML 1.1");
	resolves("00:11:22:33:44:55", ZTP_V_STR, "a MAC is a string");
	resolves("Gi1/0/7", ZTP_V_STR, "an interface is a string");
	resolves("10.0.0.1", ZTP_V_STR, "an address is a string");
	resolves("65000:100", ZTP_V_STR, "a route target past :59 is a string");
	is_int(ival("010"), 8, "010 is octal");
	is_int(ival("0x1F"), 31, "0x1F is hex");
	is_int(ival("0b101"), 5, "0b101 is binary");
	is_int(ival("1_000"), 1000, "underscores are dropped");
	is_int(ival("1:30"), 90, "1:30 is sexagesimal");
	is_int(ival("-42"), -42, "negative decimal");
	resolves("99999999999999999999", ZTP_V_STR, "too big for 64 bits stays a string");

	/* documents, anchors, merge keys */
	v = load("a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2\n", &e);
	ok(v && ztp_val_path(v, "c.b")->u.i == 1, "alias shares the anchored map");
	ok(v && ztp_val_path(v, "d.b") && ztp_val_path(v, "d.e"), "merge key adds keys");
	ztp_val_unref(v);
	v = load("base: &b {x: 1, y: 2}\nm:\n  x: 9\n  <<: *b\n", &e);
	ok(v && ztp_val_path(v, "m.x")->u.i == 9, "explicit key wins over merge");
	ztp_val_unref(v);

	/* errors name the file and line */
	v = load("a: 1\nb: [1, 2\nc: 3\n", &e);
	ok(v == NULL, "broken flow list is an error");
	like(e.msg, "t.yml", "error names the input");
	like(e.msg, "line ", "error names the line");

	{
		struct ztp_yml_opts o = { .dup_keys = 1 };

		ok(ztp_yml_load_buf("a: 1\nb: 2\na: 3\n", 15, "c.yml", &o, &v, &e) < 0,
		   "duplicate key is an error when asked");
		like(e.msg, "key 'a' appears twice (first at line 1)", "duplicate key message");
	}

	/* billion laughs stops at the node limit, quickly */
	{
		const char *bomb =
		    "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
		    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
		    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
		    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";

		v = load(bomb, &e);
		ok(v == NULL && e.code == ZTP_ERR_LIMIT, "alias bomb is refused");
		like(e.msg, "alias bomb", "alias bomb message");
	}

	/* depth limit */
	for (i = 0; i < 200; i++)
		big[i] = '[';
	big[200] = '\0';
	v = load(big, &e);
	ok(v == NULL && e.code == ZTP_ERR_LIMIT, "deep nesting is refused");
	like(e.msg, "nested deeper", "deep nesting message");

	/* non-UTF-8 */
	v = load("a: \xff\xfe\n", &e);
	ok(v == NULL, "invalid UTF-8 is an error");

	/* unsupported tags */
	v = load("a: !!python/object:os.system x\n", &e);
	ok(v == NULL, "python tags are refused");
	like(e.msg, "unsupported tag", "tag message");

	/* writing round-trips types */
	is_str(emit("a: 'yes'\nb: yes\nc: '010'\nd: 1.5\ne: [1, two]\nf: {}\n"),
	       "a: 'yes'\nb: true\nc: '010'\nd: 1.5\ne:\n- 1\n- two\nf: {}\n",
	       "YAML emit quotes strings that would change type");
	is_str(emit("x: 1.0e+20\n"), "x: 1.0e+20\n", "big floats keep a dot");
	is_str(emit("id: f...\n"), "id: f...\n", "a value ending in dots is kept whole (found by fz-record)");
	is_str(json("a: [1, 2.5, null, true, \"q\\\"\\n\"]\nb: {c: d}\n7: x\n"),
	       "{\"a\": [1, 2.5, null, true, \"q\\\"\\n\"], \"b\": {\"c\": \"d\"}, \"7\": \"x\"}",
	       "JSON emit");

	/* streams: YAML documents and JSON lines */
	{
		struct ztp_yml_reader *r;
		struct ztp_val *d;
		int line, n = 0;
		const char *s = "---\nid: a\n---\nid: b\n---\nid: c\n";

		ztp_yml_open_buf(&r, s, strlen(s), "-", NULL, &e);
		while (ztp_yml_next(r, &d, &line, &e) > 0) {
			n++;
			ztp_val_unref(d);
		}
		ztp_yml_close(r);
		is_int(n, 3, "three YAML documents");

		s = "{\"id\": \"a\"}\n\n{\"id\": \"b\"}\n{\"id\": [}\n{\"id\": \"d\"}\n";
		ztp_yml_open_buf(&r, s, strlen(s), "-", NULL, &e);
		n = 0;
		ok(ztp_yml_next(r, &d, &line, &e) > 0 && line == 1, "JSON line 1");
		ztp_val_unref(d);
		ok(ztp_yml_next(r, &d, &line, &e) > 0 && line == 3, "JSON line 3 (blank skipped)");
		ztp_val_unref(d);
		ok(ztp_yml_next(r, &d, &line, &e) < 0, "broken JSON line is an error");
		like(e.msg, "line 4", "error names JSON line 4");
		ok(ztp_yml_next(r, &d, &line, &e) > 0 && strcmp(ztp_map_str(d, "id"), "d") == 0,
		   "reading goes on after a bad JSON line");
		ztp_val_unref(d);
		ztp_yml_close(r);
	}

	/* float formatting like Python repr */
	{
		char f[64];

		ztp_fmt_double(0.1, f, sizeof f);
		is_str(f, "0.1", "repr 0.1");
		ztp_fmt_double(1e16, f, sizeof f);
		is_str(f, "1e+16", "repr 1e16");
		ztp_fmt_double(123456789012.0, f, sizeof f);
		is_str(f, "123456789012.0", "repr 123456789012.0");
		ztp_fmt_double(1.5e-5, f, sizeof f);
		is_str(f, "1.5e-05", "repr 1.5e-05");
		ztp_fmt_double(0.0001, f, sizeof f);
		is_str(f, "0.0001", "repr 0.0001");
		ztp_fmt_double(-2.0, f, sizeof f);
		is_str(f, "-2.0", "repr -2.0");
	}
	return done_testing();
}
