/* t-kexlock.c: the TOML reader of --lock (values, lines, errors with
 * file:line), PEP 440 ranges, and the nearest profile at or below a
 * version */
#include <string.h>

#include "kexlock.h"
#include "toml.h"
#include "tap.h"

static struct ztp_val *parse(const char *s, struct ztp_err *e)
{
	struct ztp_val *v = NULL;

	if (ztp_toml_parse(s, strlen(s), "t.toml", &v, e) < 0)
		return NULL;
	return v;
}

static const char *path_str(const struct ztp_val *v, const char *path)
{
	const struct ztp_val *x = ztp_val_path(v, path);

	return x && x->type == ZTP_V_STR ? x->u.str.s : NULL;
}

int main(void)
{
	struct ztp_err e;
	struct ztp_val *v, *pk;
	const struct ztp_sshprof *p;

	/* the shapes lockfiles use */
	v = parse("# a comment\nversion = 1\nrequires-python = \">=3.11\"\n\n"
		  "[[package]]\nname = \"paramiko\"\nversion = \"5.0.0\"\n"
		  "source = { registry = \"https://pypi.org/simple\" }\n"
		  "dependencies = [\n    { name = \"bcrypt\" },  # why\n    { name = \"pynacl\" },\n]\n"
		  "wheels = [{ url = 'https://x/p.whl', upload-time = 2025-06-27T18:04:09Z, size = 1_024 }]\n\n"
		  "[package.metadata]\nrequires-dist = []\n\n"
		  "[[package]]\nname = \"netmiko\"\nversion = \"4.6.0\"\n"
		  "\"quoted key\" = 'lit\\eral'\nml = \"\"\"\nline one\n  line \\\n    two\"\"\"\n"
		  "esc = \"a\\tb\\u00e9\"\n", &e);
	ok(v != NULL, "a uv.lock-like document parses");
	if (v == NULL) {
		diag(e.msg);
		return done_testing();
	}
	is_int(ztp_map_get(v, "version")->u.i, 1, "an integer");
	pk = ztp_map_get(v, "package");
	ok(pk && pk->type == ZTP_V_LIST && ztp_val_len(pk) == 2, "[[package]] twice: a list of two");
	is_str(path_str(ztp_list_get(pk, 0), "source.registry"), "https://pypi.org/simple", "an inline table");
	is_int(ztp_list_get(pk, 0)->line, 5, "a table keeps its header's line");
	is_int(ztp_map_get(ztp_list_get(pk, 0), "version")->line, 7, "a value keeps its line");
	is_int(ztp_val_len(ztp_map_get(ztp_list_get(pk, 0), "dependencies")), 2,
	       "an array across lines, with a comment and a trailing comma");
	ok(ztp_val_path(ztp_list_get(pk, 0), "metadata.requires-dist") != NULL,
	   "[package.metadata] goes into the last [[package]]");
	is_str(path_str(ztp_list_get(ztp_map_get(ztp_list_get(pk, 0), "wheels"), 0), "upload-time"),
	       "2025-06-27T18:04:09Z", "a date is kept as a string");
	is_int(ztp_map_get(ztp_list_get(ztp_map_get(ztp_list_get(pk, 0), "wheels"), 0), "size")->u.i, 1024,
	       "an integer with '_'");
	is_str(ztp_map_str(ztp_list_get(pk, 1), "quoted key"), "lit\\eral", "a quoted key; a literal string keeps '\\'");
	is_str(ztp_map_str(ztp_list_get(pk, 1), "ml"), "line one\n  line two", "a multi-line string, a line-ending backslash");
	is_str(ztp_map_str(ztp_list_get(pk, 1), "esc"), "a\tb\xc3\xa9", "escapes, \\u to UTF-8");
	ztp_val_unref(v);

	/* errors name the line */
	ok(parse("a = 1\nb = \"x\n", &e) == NULL, "a string not closed");
	like(e.msg, "t.toml:2: newline inside a one-line string", "... on its line");
	ok(parse("a = 1\na = 2\n", &e) == NULL, "a key twice");
	like(e.msg, "t.toml:2: key 'a' defined twice", "... on its line");
	ok(parse("x = [1,\n2\n", &e) == NULL, "an array not closed");
	like(e.msg, "t.toml:1: array not closed", "... where it starts");
	ok(parse("[a]\nb = 1 c\n", &e) == NULL, "junk after a value");
	like(e.msg, "t.toml:2: expected the end of the line", "... on its line");
	ok(parse("v = 5.0.0\n", &e) == NULL, "a version without quotes");
	like(e.msg, "t.toml:1: bad value '5.0.0'", "... named");
	ok(parse("a = 1\n[a]\n", &e) == NULL, "a value used as a table");
	like(e.msg, "t.toml:2: 'a' is not a table", "... named");
	ok(parse("a = \"\\q\"\n", &e) == NULL, "a bad escape");
	{
		char deep[200];

		memset(deep, '[', 100);
		memcpy(deep, "a = ", 4);
		deep[100] = '\0';
		ok(parse(deep, &e) == NULL && e.code == ZTP_ERR_LIMIT, "arrays nested too deep: a limit");
	}

	/* versions and ranges */
	ok(ztp_lock_vercmp("5.0.0", "4.0.0") > 0, "5.0.0 > 4.0.0");
	ok(ztp_lock_vercmp("3.5", "3.5.0") == 0, "3.5 == 3.5.0");
	ok(ztp_lock_vercmp("5.0.0rc1", "5.0.0") < 0, "a release candidate comes before");
	ok(ztp_lock_vercmp("9.2p1", "9.2") > 0, "OpenSSH's p1 after the release");
	is_int(ztp_lock_satisfies("5.0.0", ">=3.5.0"), 1, ">=3.5.0 allows 5.0.0");
	is_int(ztp_lock_satisfies("5.0.0", "<5.0,>=3.5.0"), 0, "<5.0,>=3.5.0 does not");
	is_int(ztp_lock_satisfies("4.0.0", "<5.0,>=3.5.0"), 1, "... but 4.0.0");
	is_int(ztp_lock_satisfies("3.5.1", "~=3.5"), 1, "~=3.5 allows 3.5.1");
	is_int(ztp_lock_satisfies("4.0.0", "~=3.5"), 0, "~=3.5 not 4.0.0");
	is_int(ztp_lock_satisfies("4.0.3", "==4.*"), 1, "==4.* allows 4.0.3");
	is_int(ztp_lock_satisfies("5.0.0", "!=5.0.0"), 0, "!=5.0.0");
	is_int(ztp_lock_satisfies("3.9.0", "^3.5"), 1, "poetry ^3.5 allows 3.9.0");
	is_int(ztp_lock_satisfies("4.0.0", "^3.5"), 0, "poetry ^3.5 not 4.0.0");
	is_int(ztp_lock_satisfies("3.5.9", "~3.5"), 1, "poetry ~3.5 allows 3.5.9");
	is_int(ztp_lock_satisfies("3.6.0", "~3.5"), 0, "poetry ~3.5 not 3.6.0");
	is_int(ztp_lock_satisfies("5.0.0", "(>=2.9.5)"), 1, "old style in parentheses");
	is_int(ztp_lock_satisfies("5.0.0", "=>5"), -1, "a bad operator is not understood");

	/* the nearest profile at or below */
	p = ztp_lock_profile(ZTP_PROF_PARAMIKO, "3.4.0");
	is_str(p ? p->name : NULL, "paramiko-3.0", "paramiko 3.4.0: paramiko-3.0 (3.0 to 3.4)");
	p = ztp_lock_profile(ZTP_PROF_PARAMIKO, "5.1.0");
	is_str(p ? p->name : NULL, "paramiko-5.0", "paramiko 5.1.0: paramiko-5.0");
	ok(ztp_lock_profile(ZTP_PROF_PARAMIKO, "2.11.0") == NULL, "paramiko 2.11.0: no profile");
	p = ztp_lock_profile(ZTP_PROF_OPENSSH, "9.2p1");
	is_str(p ? p->name : NULL, "openssh-9.2", "OpenSSH 9.2p1: openssh-9.2");
	p = ztp_lock_profile(ZTP_PROF_LIBSSH, "0.10.6");
	is_str(p ? p->name : NULL, "libssh-0.10", "libssh 0.10.6: libssh-0.10");
	ok(ztp_lock_profile(ZTP_PROF_LIBSSH2, "1.10.0") == NULL, "libssh2 1.10.0: no profile");
	return done_testing();
}
