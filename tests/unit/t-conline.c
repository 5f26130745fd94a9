/* t-conline.c: console lines: terminal server configuration, operands,
 * the per-line lock (a second writer is told who holds it), the per-line
 * log (timestamps, escaping, events, rotation, tail) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conline.h"
#include "tap.h"

static char dir[256];

static void write_file(const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
}

static int load(const char *yml, struct ztp_conf **c, struct ztp_conline_conf **cc,
		struct ztp_err *e)
{
	char p[512];

	write_file("ztp.yml", yml);
	snprintf(p, sizeof p, "%s/ztp.yml", dir);
	*c = NULL;
	*cc = NULL;
	if (ztp_conf_load(c, p, e) < 0)
		return -1;
	return ztp_conline_conf_load(cc, *c, e);
}

static char *slurp(const char *path)
{
	static char b[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, b, sizeof b - 1);

	if (fd >= 0)
		close(fd);
	b[n > 0 ? n : 0] = 0;
	return b;
}

int main(void)
{
	struct ztp_conf *c = NULL;
	struct ztp_conline_conf *cc = NULL;
	struct ztp_conline_target t;
	struct ztp_conline_lock *l = NULL, *l2 = NULL;
	struct ztp_conlog *lg = NULL;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;
	char spool[300], path[600], who[256], buf[64], from[256];
	int fds[2], st, n;
	pid_t pid;

	snprintf(dir, sizeof dir, "/tmp/t-conline.%ld", (long)getpid());
	mkdir(dir, 0700);
	snprintf(spool, sizeof spool, "%s/spool", dir);
	mkdir(spool, 0700);

	/* configuration: presets, bases, errors naming file, line and key */
	ok(load("racks:\n"
		"  rack1:\n"
		"    console: {Gi1/0/7: rack1:7}\n"
		"    terminal_server: {host: ts1, preset: cisco_telnet}\n"
		"  rack2:\n"
		"    terminal_server: {host: ts2, preset: cisco_raw, timeout: 3s}\n"
		"  rack3:\n"
		"    terminal_server:\n"
		"      host: og1\n"
		"      transport: ssh\n"
		"      port_base: 22\n"
		"      port_step: 0\n"
		"      user: ops\n"
		"      ssh_user: '{user}:port{line}'\n"
		"      break: inband\n"
		"      break_sequence: '~b'\n"
		"  rack4: {subnet: x}\n", &c, &cc, &e) == 0, "three terminal servers load");
	ok(ztp_conline_resolve(cc, "rack1:7", &t, &e) == 0, "rack1:7 resolves");
	is_str(t.host, "ts1", "its host");
	is_int(t.port, 2007, "cisco_telnet: 2000 + 7");
	is_int(t.transport, ZTP_CL_TELNET, "telnet");
	is_str(t.name, "rack1:7", "line name");
	ok(ztp_conline_resolve(cc, "rack2:12", &t, &e) == 0, "rack2:12 resolves");
	is_int(t.port, 4012, "cisco_raw: 4000 + 12");
	is_int(t.transport, ZTP_CL_RAW, "cisco_raw is a raw TCP line");
	ok(t.timeout == 3, "timeout from the rack");
	ok(ztp_conline_resolve(cc, "rack3:5", &t, &e) == 0, "rack3:5 resolves");
	is_int(t.port, 22, "ssh console server: one port");
	is_str(t.ssh_user, "ops:port5", "the user name picks the line");
	is_int(t.brklen, 2, "in-band break bytes");
	ok(ztp_conline_resolve(cc, "ts9.example.net:7001", &t, &e) == 0, "host:port");
	is_str(t.host, "ts9.example.net", "host:port host");
	is_int(t.port, 7001, "host:port port");
	ok(ztp_conline_resolve(cc, "[::1]:7001", &t, &e) == 0, "[v6]:port");
	is_str(t.host, "::1", "v6 host without brackets");
	is_int(ztp_conline_resolve(cc, "nothing-here", &t, &e), ZTP_ERR_USAGE, "a bare word that is no file");
	like(e.msg, "not rack:line", "says what an operand may be");
	write_file("rec.yml", "id: abc\nconsole: rack1:3\n");
	snprintf(path, sizeof path, "%s/rec.yml", dir);
	ok(ztp_conline_resolve(cc, path, &t, &e) == 0, "a record file");
	is_str(t.name, "rack1:3", "its console field");
	ztp_conline_conf_dump(cc, &b);
	like(b.p, "preset: cisco_telnet", "-T shows the preset");
	ztp_buf_reset(&b);
	ztp_conline_conf_free(cc);
	ztp_conf_free(c);

	is_int(load("racks:\n  r1:\n    terminal_server:\n      host: x\n      port_bse: 7000\n", &c, &cc, &e),
	       ZTP_ERR_CONFIG, "a misspelt key is refused");
	like(e.msg, "ztp.yml: line 5", "file and line");
	like(e.msg, "port_base", "did you mean");
	ztp_conf_free(c);
	is_int(load("racks:\n  r1:\n    terminal_server: {host: x}\n", &c, &cc, &e), ZTP_ERR_CONFIG,
	       "no port_base and no preset");
	like(e.msg, "racks.r1.terminal_server.port_base", "the key is named");
	ztp_conf_free(c);
	is_int(load("racks:\n  r1:\n    terminal_server: {host: x, port_base: 7000, transport: serial}\n", &c, &cc, &e),
	       ZTP_ERR_CONFIG, "an unknown transport");
	like(e.msg, "transport", "names the key");
	ztp_conf_free(c);
	is_int(load("racks:\n  r1:\n    terminal_server: {host: x, port_base: 7000, break: inband}\n", &c, &cc, &e),
	       ZTP_ERR_CONFIG, "in-band break without a sequence");
	like(e.msg, "break_sequence", "names the missing key");
	ztp_conf_free(c);

	is_int(ztp_conline_unescape("\\x1bB", buf, sizeof buf), 2, "\\x1bB is two bytes");
	ok(buf[0] == 0x1b && buf[1] == 'B', "escape then B");
	is_int(ztp_conline_unescape("\\q", buf, sizeof buf), -1, "unknown escape refused");

	/* the lock: a second writer learns who holds the line */
	ok(ztp_conline_lock(&l, spool, "rack1:7", "ztp-push", 0, NULL, 0, &e) == 0, "first writer locks");
	if (pipe(fds) < 0)
		return 1;
	if ((pid = fork()) == 0) {
		struct ztp_conline_lock *x = NULL;
		int rc = ztp_conline_lock(&x, spool, "rack1:7", "ztp-console", 0, NULL, 0, &e);

		n = (int)write(fds[1], e.msg, strlen(e.msg) + 1);
		_exit(rc == ZTP_ERR_BUSY && n > 0 ? 0 : 1);
	}
	close(fds[1]);
	{
		static char msg[1024];
		ssize_t k = read(fds[0], msg, sizeof msg - 1);

		msg[k > 0 ? k : 0] = 0;
		waitpid(pid, &st, 0);
		ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a second process gets ZTP_ERR_BUSY");
		like(msg, "line rack1:7 is in use by ztp-push (pid ", "the message names the holder");
		like(msg, ", host ", "and its host");
		like(msg, ") since ", "and since when");
	}
	close(fds[0]);
	is_int(ztp_conline_holder(spool, "rack1:7", who, sizeof who, &e), 0, "holder: held");
	like(who, "ztp-push", "holder named");
	ztp_conline_unlock(l);
	is_int(ztp_conline_holder(spool, "rack1:7", who, sizeof who, &e), 1, "free after unlock");
	ok(ztp_conline_lock(&l2, spool, "rack1:7", "ztp-console", 1, from, sizeof from, &e) == 0, "force on a free line");
	is_str(from, "", "nobody to take it from");
	ztp_conline_unlock(l2);
	is_int(ztp_conline_lock(&l, NULL, "rack1:7", "x", 0, NULL, 0, &e), ZTP_ERR_CONFIG, "no spool");
	like(e.msg, "set spool in ztp.yml", "names the fix");

	/* the log: timestamps per line, escapes, no CR, events, tail */
	ok(ztp_conlog_open(&lg, spool, "rack1:7", 0, &e) == 0, "log opens");
	ztp_conlog_event(lg, "attach %s", "test");
	ztp_conlog_data(lg, "Router#sh", 9);
	{ static const char s2[] = "ow clock\r\n\x1b[1mbold\x1b[0m\r\n"; ztp_conlog_data(lg, s2, sizeof s2 - 1); }
	ztp_conlog_data(lg, "half", 4);
	ztp_conlog_event(lg, "break");
	snprintf(path, sizeof path, "%s", ztp_conlog_path(lg));
	{
		const char *s = slurp(path);

		like(s, "Z [-- attach test --]\n", "event line");
		like(s, "Z Router#show clock\n", "a line cut over two reads is one log line, CR gone");
		like(s, "Z \\x1b[1mbold\\x1b[0m\n", "escape sequences escaped");
		like(s, "Z half\n20", "an event ends a partial line");
		ok(strstr(s, "\r") == NULL && strstr(s, "\x1b") == NULL, "no raw CR or ESC in the log");
	}
	ztp_conlog_tail(path, 2, &b, &e);
	like(b.p, "half", "tail: the last lines");
	ok(strstr(b.p, "attach") == NULL, "tail: not the first ones");
	ztp_buf_reset(&b);
	ztp_conlog_close(lg);
	ok(ztp_conlog_open(&lg, spool, "rack1:7", 100, &e) == 0, "log opens with a 100 byte limit");
	ztp_conlog_data(lg, "after rotation\n", 15);
	{
		char glob[700];

		snprintf(glob, sizeof glob, "ls %s/log/console/ | grep -c '^rack1:7-20[0-9]\\{6\\}-[0-9]\\{6\\}\\.log$' >%s/n", spool, dir);
		n = system(glob);
		snprintf(glob, sizeof glob, "%s/n", dir);
		is_str(slurp(glob), "1\n", "past the size the log is renamed with the date");
		like(slurp(path), "after rotation", "and a new one started");
	}
	ztp_conlog_close(lg);

	snprintf(path, sizeof path, "rm -rf %s", dir);
	n = system(path);
	(void)n;
	ztp_buf_free(&b);
	return done_testing();
}
