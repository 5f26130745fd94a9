/* t-conf.c: ztp.yml: typed loading, errors with file/line/key, unknown keys
 * with suggestions, secrets file permissions, -T output */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "tap.h"

static char dir[] = "/tmp/t-conf.XXXXXX";

static const char *write_file(const char *name, const char *text, int mode)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
	return path;
}

static struct ztp_conf *load(const char *text, struct ztp_err *e)
{
	struct ztp_conf *c = NULL;

	if (ztp_conf_load(&c, write_file("ztp.yml", text, 0644), e) < 0)
		return NULL;
	return c;
}

int main(void)
{
	struct ztp_conf *c;
	struct ztp_val *sec;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;
	char want[300];

	if (mkdtemp(dir) == NULL)
		return 1;
	unsetenv("ZTP_SPOOL");
	unsetenv("ZTP_CONFIG");

	c = load("spool: /srv/ztp\nbackend:\n  url: http://127.0.0.1:8080/hook\n  timeout: 5m\n", &e);
	ok(c != NULL, "valid file loads");
	is_str(c ? c->spool : NULL, "/srv/ztp", "spool");
	is_int(c ? c->backend.timeout : 0, 300, "duration 5m");
	is_int(c ? c->backend.verify_tls : 0, 1, "default verify_tls true");
	ztp_conf_print(c, &b);
	like(b.p, "timeout: 5m", "-T prints the duration");
	like(b.p, "retry_max: 1d", "-T prints defaults");
	ztp_buf_free(&b);
	ztp_conf_free(c);

	c = load("spool: rel/spool\n", &e);
	snprintf(want, sizeof want, "%s/rel/spool", dir);
	is_str(c ? c->spool : NULL, want, "relative paths are relative to the file");
	ztp_conf_free(c);

	c = load("spoll: /x\n", &e);
	ok(c == NULL, "unknown key refused");
	like(e.msg, "ztp.yml: line 1: unknown key 'spoll' in 'the top level' (did you mean 'spool'?)",
	     "unknown key message with suggestion");

	c = load("backend:\n  timeout: soon\n", &e);
	ok(c == NULL, "bad duration refused");
	like(e.msg, "line 2: key 'backend.timeout': expected a duration", "bad value names line and key");

	c = load("backend:\n  verify_tls: maybe\n", &e);
	like(c ? "" : e.msg, "key 'backend.verify_tls': expected true or false, got a string",
	     "bool checked");

	c = load("spool: /a\nspool: /b\n", &e);
	like(c ? "" : e.msg, "key 'spool' appears twice", "duplicate keys refused");

	c = load("backend: [1, 2]\n", &e);
	like(c ? "" : e.msg, "'backend' must be a mapping, not a list", "section type checked");

	c = load("spool: /x\n  bad indent: [\n", &e);
	like(c ? "" : e.msg, "cannot parse", "YAML syntax error reported");
	like(c ? "" : e.msg, "line 2", "with its line");

	ok(ztp_conf_load(&c, "/nonexistent/ztp.yml", &e) == ZTP_ERR_CONFIG, "missing -c file is an error");
	like(e.msg, "No such file", "missing file message");

	/* ZTP_SPOOL overrides the file */
	setenv("ZTP_SPOOL", "/env/spool", 1);
	c = load("spool: /srv/ztp\n", &e);
	is_str(c ? c->spool : NULL, "/env/spool", "$ZTP_SPOOL overrides spool:");
	ztp_conf_free(c);
	unsetenv("ZTP_SPOOL");

	/* secrets: 0600 or refuse */
	write_file("secrets.yml", "credentials:\n- {username: admin, password: s3cret}\n", 0644);
	c = load("secrets: secrets.yml\n", &e);
	ok(ztp_secrets_load(c, &sec, &e) == ZTP_ERR_PERM, "secrets file 0644 refused");
	like(e.msg, "mode 0644 lets other users read it (fix: chmod 600", "secrets message names the fix");
	chmod(c->secrets, 0600);
	ok(ztp_secrets_load(c, &sec, &e) == 0, "secrets file 0600 read");
	is_str(sec ? ztp_map_str(ztp_list_get(ztp_map_get(sec, "credentials"), 0), "password") : NULL,
	       "s3cret", "secret value read");
	ztp_conf_print(c, &b);
	ok(strstr(b.p, "s3cret") == NULL, "-T never prints secrets");
	ztp_buf_free(&b);
	ztp_val_unref(sec);
	ztp_conf_free(c);

	c = load("spool: /x\n", &e);
	ok(ztp_secrets_load(c, &sec, &e) == ZTP_ERR_CONFIG, "no secrets configured");
	like(e.msg, "set 'secrets:'", "says where to configure it");
	ztp_conf_free(c);
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		(void)!system(cmd);
	}
	return done_testing();
}
