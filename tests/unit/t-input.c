/* t-input.c: the input rule (lib/input.h): what an operand is, what a
 * text on stdin or in a file holds, and the targets that come out */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"
#include "record.h"
#include "spool.h"
#include "tap.h"

struct seen {
	int n, bad;
	char got[2048];		/* "kind host port id|..." */
	char lastbad[1024];
};

static int collect(void *ctx, const struct ztp_target *t, const struct ztp_err *bad)
{
	struct seen *s = ctx;
	size_t len = strlen(s->got);

	if (bad) {
		s->bad++;
		snprintf(s->lastbad, sizeof s->lastbad, "%s", bad->msg);
		return 0;
	}
	s->n++;
	snprintf(s->got + len, sizeof s->got - len, "%s %s %s %s|",
		 t->kind == ZTP_TARGET_HOST ? "host" : "rec", t->host, t->port[0] ? t->port : "-",
		 t->rec ? ztp_rec_id(t->rec) : "-");
	return 0;
}

/* the targets of a text given on stdin */
static void on_stdin(const char *text, struct seen *s)
{
	int fds[2], saved, nbad;

	memset(s, 0, sizeof *s);
	if (pipe(fds) < 0)
		exit(1);
	if (write(fds[1], text, strlen(text)) != (ssize_t)strlen(text))
		exit(1);
	close(fds[1]);
	saved = dup(0);
	dup2(fds[0], 0);
	close(fds[0]);
	ztp_input_targets(0, NULL, NULL, collect, s, &nbad);
	dup2(saved, 0);
	close(saved);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0)
		exit(1);
}

int main(void)
{
	struct ztp_target t;
	struct ztp_err e;
	struct seen s;
	struct ztp_input_opts io;
	struct ztp_spool *sp;
	struct ztp_val *rec;
	char dir[] = "/tmp/t-input.XXXXXX", path[256], spool[256];
	char *argv[8];
	int nbad;

	/* ---- one host operand */
	is_int(ztp_input_host("r1", &t, &e), 0, "host");
	is_str(t.host, "r1", "host: the name");
	is_str(t.port, "", "host: no port given");
	ztp_input_host("r1:2222", &t, &e);
	is_str(t.host, "r1", "host:port: the name");
	is_str(t.port, "2222", "host:port: the port");
	ztp_input_host("[2001:db8::1]:830", &t, &e);
	is_str(t.host, "2001:db8::1", "[v6]:port: the address");
	is_str(t.port, "830", "[v6]:port: the port");
	ztp_input_host("2001:db8::1", &t, &e);
	is_str(t.host, "2001:db8::1", "a bare v6 address: all of it is the host");
	is_str(t.port, "", "a bare v6 address: no port");
	ztp_input_host("[2001:db8::2]", &t, &e);
	is_str(t.host, "2001:db8::2", "[v6]: the address");
	is_str(t.port, "", "[v6]: no port");
	ok(ztp_input_host("r1:99999", &t, &e) == ZTP_ERR_USAGE, "a port out of range is refused");
	like(e.msg, "bad port", "it says which part is bad");
	ok(ztp_input_host("a b", &t, &e) == ZTP_ERR_USAGE, "a blank in a host is refused");
	ok(ztp_input_host("", &t, &e) == ZTP_ERR_USAGE, "an empty host is refused");

	/* ---- records or host lines */
	ok(ztp_input_is_records("id: r1\nip: 10.0.0.1\n", 19), "a mapping without --- is records");
	ok(ztp_input_is_records("# c\n\n---\nid: r1\n", 16), "--- after a comment is records");
	ok(ztp_input_is_records("{\"id\": \"r1\"}\n", 13), "a JSON line is records");
	ok(ztp_input_is_records("id:\n", 4), "a key at the end of the line is records");
	ok(!ztp_input_is_records("r1\nr2:22\n", 9), "host names are host lines");
	ok(!ztp_input_is_records("# hosts\n10.0.0.1:22\n", 20), "host:port after a comment is a host line");
	ok(!ztp_input_is_records("fe80::1\n", 8), "a v6 address is a host line");
	ok(!ztp_input_is_records("[::1]:22\n", 9), "[v6]:port is a host line");
	ok(!ztp_input_is_records("", 0), "nothing is no records");

	/* ---- stdin */
	on_stdin("id: r1\nip: 192.0.2.1\nrack: a\n---\nid: r2\n", &s);
	is_str(s.got, "rec 192.0.2.1 - r1|rec r2 - r2|", "records without a leading ---: ip, else id");
	is_int(s.bad, 0, "records without ---: none bad");
	on_stdin("{\"id\": \"j1\", \"ip\": \"192.0.2.9\"}\n{\"id\": \"j2\", \"host\": \"h2\"}\n", &s);
	is_str(s.got, "rec 192.0.2.9 - j1|rec h2 - j2|", "JSON lines: ip, else host");
	on_stdin("# the rack\nr1\n  r2:2222   # a comment\n\n[::1]:22\nbad host\n", &s);
	is_str(s.got, "host r1 - -|host r2 2222 -|host ::1 22 -|host bad - -|",
	       "host lines: the first word of each, comments and blank lines skipped");
	on_stdin("r1\nx:0\n", &s);
	is_int(s.bad, 1, "a bad host line is reported");
	like(s.lastbad, "standard input:2: ", "with its line");
	on_stdin("id: r1\n---\n- a list\n---\nid: r3\n", &s);
	is_int(s.n, 2, "a bad document among records: the others still come");
	is_int(s.bad, 1, "a bad document among records: reported");

	/* ---- operands: -, files, spool ids, hosts */
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/recs.yml", dir);
	write_file(path, "id: f1\nip: 192.0.2.11\n---\nid: f2\nip: 192.0.2.12\n");
	snprintf(spool, sizeof spool, "%s/spool", dir);
	if (ztp_spool_open(&sp, spool, 1, &e) < 0)
		return 1;
	rec = ztp_val_map();
	ztp_map_set_str(rec, "id", "s1");
	ztp_map_set_str(rec, "ip", "192.0.2.21");
	if (ztp_spool_put(sp, "probed", rec, &e) < 0)
		return 1;
	ztp_val_unref(rec);
	ztp_spool_close(sp);
	memset(&s, 0, sizeof s);
	io.spool = spool;
	argv[0] = path;
	argv[1] = "s1";
	argv[2] = "r9:22";
	argv[3] = "/nonexistent/recs.yml";
	ztp_input_targets(4, argv, &io, collect, &s, &nbad);
	is_str(s.got, "rec 192.0.2.11 - f1|rec 192.0.2.12 - f2|rec 192.0.2.21 - s1|host r9 22 -|",
	       "operands: a record file, a spool id, a host:port");
	is_int(nbad, 1, "a missing file is bad");
	like(s.lastbad, "cannot open '/nonexistent/recs.yml'", "and says so");
	memset(&s, 0, sizeof s);
	argv[0] = "s1";
	ztp_input_targets(1, argv, NULL, collect, &s, &nbad);
	is_str(s.got, "host s1 - -|", "without a spool an id is a host");
	return done_testing();
}
