/* t-tlog.c: the transcripts of ztp-probe and ztp-push (lib/fleet.h):
 * secrets redacted on the stream (a byte at a time, split between writes,
 * broken by line ends), escape sequences, C1 and bidi controls stored
 * escaped, a cap per session with a line saying what was cut, rotation. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fleet.h"
#include "tap.h"

static char dir[] = "/tmp/t-tlog.XXXXXX";
static struct ztp_fleet_ctx F;

static void wr(struct ztp_tlog *t, const char *s, size_t n)
{
	ztp_tlog_write(t, ZTP_CLI_IN, s, n);
}

/* one session: the writes given, then the whole file */
static char *session(const char *id, const char *const *writes, size_t nw)
{
	struct ztp_tlog t;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;
	char path[600];
	size_t i;

	ztp_tlog_open(&t, &F, id);
	for (i = 0; i < nw; i++)
		wr(&t, writes[i], strlen(writes[i]));
	ztp_tlog_close(&t);
	snprintf(path, sizeof path, "%s/%s.log", dir, id);
	if (ztp_buf_read_file(&b, path, 1 << 24, &e) < 0)
		return strdup("");
	ztp_buf_addc(&b, 0);
	return b.p;
}

static void unlink_log(const char *id)
{
	char path[600];

	snprintf(path, sizeof path, "%s/%s.log", dir, id);
	unlink(path);
}

static int has(const char *id, const char *sfx)
{
	char path[600];

	snprintf(path, sizeof path, "%s/%s.log%s", dir, id, sfx);
	return access(path, F_OK) == 0;
}

static long fsize(const char *id, const char *sfx)
{
	char path[600];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s.log%s", dir, id, sfx);
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int main(void)
{
	const char *pw = "Zq7-login-pw", *en = "en-s3cret";
	char *got, one[2] = "", buf[64];
	size_t i, k;
	int leaks;

	if (mkdtemp(dir) == NULL)
		return 1;
	F.logdir = dir;
	F.redact[0] = pw;
	F.redact[1] = en;

	/* ---- D2: secrets in pieces */
	{
		const char *w[] = { "Password: ", en, "\r\nrouter#" };

		got = session("whole", w, 3);
		ok(strstr(got, en) == NULL && strstr(got, "Password: <redacted>\r\nrouter#"),
		   "a secret in one write: redacted");
		free(got);
	}
	{
		struct ztp_tlog t;
		struct ztp_buf b = ZTP_BUF_INIT;
		struct ztp_err e;
		char path[600];

		ztp_tlog_open(&t, &F, "bytes");
		wr(&t, "Password: ", 10);
		for (i = 0; en[i]; i++) {
			one[0] = en[i];
			wr(&t, one, 1);
		}
		wr(&t, "\r\n", 2);
		for (i = 0; pw[i]; i++)
			wr(&t, pw + i, 1);
		wr(&t, "\r\nrouter#", 9);
		ztp_tlog_close(&t);
		snprintf(path, sizeof path, "%s/bytes.log", dir);
		ztp_buf_read_file(&b, path, 1 << 20, &e);
		ztp_buf_addc(&b, 0);
		ok(b.p && strstr(b.p, en) == NULL && strstr(b.p, pw) == NULL,
		   "secrets echoed a byte at a time: not in the transcript");
		like(b.p, "Password: <redacted>\r\n<redacted>\r\nrouter#",
		     "each replaced where it was");
		ztp_buf_free(&b);
	}
	leaks = 0;
	for (k = 1; k < strlen(pw); k++) {
		const char *w[3];
		char a[64], c[64];

		snprintf(a, sizeof a, "version %.*s", (int)k, pw);
		snprintf(c, sizeof c, "%s end", pw + k);
		w[0] = a;
		w[1] = c;
		w[2] = "";
		unlink_log("split");
		got = session("split", w, 3);
		if (strstr(got, pw) || !strstr(got, "version <redacted> end"))
			leaks++;
		free(got);
	}
	is_int(leaks, 0, "a secret split between two writes at every place: redacted");
	{
		const char *w[] = { "echo: en-s3", "\r\n", "cret and en-\b", "s3cret\n" };

		got = session("wrapped", w, 4);
		ok(strstr(got, "s3cret") == NULL && strstr(got, "cret") == NULL,
		   "a secret broken by a line end or a backspace: redacted");
		free(got);
	}
	{
		const char *w[] = { "en-s3c", "ond line" };

		got = session("prefix", w, 2);
		like(got, "en-s3cond line", "a secret's start that goes on otherwise: kept as sent");
		free(got);
	}
	{
		const char *w[] = { "the end: en-s3" };

		got = session("tail", w, 1);
		like(got, "the end: en-s3", "held-back bytes are written at the end of the session");
		free(got);
	}

	/* ---- D14: escapes stored escaped */
	{
		const char *w[] = { "a\x1b]52;c;aGk=\x07", "b\x1b[2Jc\tx\r\n", "rlo \xe2\x80", "\xae!",
				    " nel \xc2", "\x85 caf\xc3", "\xa9 back\\slash" };

		got = session("esc", w, 7);
		ok(strchr(got, 0x1b) == NULL && strchr(got, 0x07) == NULL,
		   "no ESC or BEL byte in the transcript");
		like(got, "a\\x1b]52;c;aGk=\\x07b\\x1b[2Jc\tx\r\n", "ESC and BEL as \\x1b, \\x07; TAB, CR, LF kept");
		like(got, "rlo \\xe2\\x80\\xae!", "U+202E, split between writes, escaped");
		like(got, "nel \\xc2\\x85", "C1 NEL escaped");
		like(got, "caf\xc3\xa9 back\\slash", "printable UTF-8 split between writes and backslash kept");
		free(got);
	}

	/* ---- D17: a cap per session, rotation */
	{
		struct ztp_tlog t;

		memset(buf, 'x', sizeof buf);
		buf[sizeof buf - 1] = '\n';
		ztp_tlog_open(&t, &F, "flood");
		for (i = 0; i < (size_t)3 << 15; i++)	/* 6 MiB */
			wr(&t, buf, sizeof buf);
		ztp_tlog_note(&t, "ztp-probe: done");
		ztp_tlog_close(&t);
		ok(fsize("flood", "") >= (long)ZTP_TLOG_CAP && fsize("flood", "") < (long)ZTP_TLOG_CAP + 4096,
		   "a flooding device: the transcript stops at the cap");
		got = session("flood", NULL, 0);	/* rotates, then an empty session */
		ok(has("flood", ".1") && fsize("flood", ".1") >= (long)ZTP_TLOG_CAP,
		   "a transcript at the cap is rotated at the next session");
		free(got);
		{
			struct ztp_buf b = ZTP_BUF_INIT;
			struct ztp_err e;
			char path[600];

			snprintf(path, sizeof path, "%s/flood.log.1", dir);
			ztp_buf_read_file(&b, path, 1 << 24, &e);
			ztp_buf_addc(&b, 0);
			like(b.p, "transcript cut: 5242880 bytes over the cap of 1024 KiB per session not kept",
			     "the cut is said, with how much");
			like(b.p, "ztp-probe: done", "and the notes after it are kept");
			ztp_buf_free(&b);
		}
		ok(fsize("flood", "") < 4096, "the new session starts a new file");
		for (k = 0; k < 4; k++) {
			ztp_tlog_open(&t, &F, "flood");
			for (i = 0; i < (size_t)1 << 15; i++)	/* 2 MiB */
				wr(&t, buf, sizeof buf);
			ztp_tlog_close(&t);
		}
		ok(has("flood", ".1") && has("flood", ".2") && has("flood", ".3") && !has("flood", ".4"),
		   "three old transcripts kept, no more");
	}
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		(void)!system(cmd);
	}
	return done_testing();
}
