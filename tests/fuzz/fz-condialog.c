/* fz-condialog: the console recogniser and dialog engine on hostile line
 * output.
 *
 * The input is what a console line prints, cut into reads at NUL bytes
 * (each cut is a quiet moment).  It goes through ztp_con_classify at every
 * length of its tail, then drives ztp_con_open (and the CLI session it
 * opens) over an in-memory transport with credentials on both logins.
 * Invariants: the decisive line is NUL-terminated within its buffer, and
 * no secret ever reaches the transcript, whatever the device echoes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "condialog.h"
#include "memline.h"

static const char *const secrets[] = { "tsPw1", "Dev9pass", "En4ble", "F4ctory", NULL };

struct tr {
	char *p;
	size_t n;
};

static void tlog(void *ctx, enum ztp_cli_dir dir, const char *p, size_t n)
{
	struct tr *t = ctx;

	(void)dir;
	if (t->n + n > (1u << 22))
		return;
	t->p = realloc(t->p, t->n + n + 1);
	if (t->p == NULL)
		abort();
	memcpy(t->p + t->n, p, n);
	t->n += n;
	t->p[t->n] = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m = { data, size, 0 };
	struct ztp_cli_transport t = { &m, mem_read, mem_write, mem_close };
	struct ztp_con_opts o;
	struct ztp_con_result r;
	struct ztp_cli *c = NULL;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct tr tr = { NULL, 0 };
	char line[64];
	size_t i;

	for (i = 0; i <= size && i < 64; i++) {
		(void)ztp_con_classify((const char *)data + size - i, i, line, sizeof line);
		if (memchr(line, 0, sizeof line) == NULL)
			abort();
	}
	(void)ztp_con_classify((const char *)data, size, NULL, 0);
	(void)ztp_con_is_syslog((const char *)data, size);

	memset(&o, 0, sizeof o);
	o.server.user = "ts";
	o.server.password = secrets[0];
	o.device.user = "admin";
	o.device.password = secrets[1];
	o.enable_secret = secrets[2];
	o.factory_secret = secrets[3];
	o.boot = size && (data[0] & 1);
	o.factory = size && (data[0] & 2) ? ZTP_CON_FACTORY_REFUSE : ZTP_CON_FACTORY_ANSWER;
	o.timeout = 10;
	o.step = 5;
	o.cmd_timeout = 5;
	o.log = tlog;
	o.log_ctx = &tr;
	if (ztp_con_open(&c, &t, &o, &r, NULL) == 0) {
		(void)ztp_cli_run(c, "show version", 0, &b, NULL);
		ztp_cli_close(c);
	}
	if (r.nevents < 0 || r.nevents > ZTP_CON_EVENTS)
		abort();
	for (i = 0; tr.p && secrets[i]; i++)
		if (strstr(tr.p, secrets[i]))
			abort();
	ztp_buf_free(&b);
	free(tr.p);
	return 0;
}
