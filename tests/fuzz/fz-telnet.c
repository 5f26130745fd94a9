/* fz-telnet: the telnet state machine on what a hostile terminal server
 * sends.
 *
 * The first byte picks the options (binary, RFC 2217) and where the rest is
 * cut in two; both halves go through one session and the whole through a
 * second one, then the user's bytes go back out.  Invariants: any split
 * gives the same data and answers; the data is never longer than the input;
 * a session never answers more negotiation commands than it read (no
 * loops); escaped output unescapes to the user's bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "telnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ztp_telnet_opts o;
	struct ztp_telnet *a = NULL, *b = NULL, *r = NULL;
	struct ztp_buf da = ZTP_BUF_INIT, oa = ZTP_BUF_INIT, db = ZTP_BUF_INIT, ob = ZTP_BUF_INIT;
	struct ztp_buf esc = ZTP_BUF_INIT, back = ZTP_BUF_INIT, junk = ZTP_BUF_INIT;
	size_t cut, i, cmds = 0;
	unsigned first;

	if (size < 1)
		return 0;
	first = data[0];
	memset(&o, 0, sizeof o);
	o.telnet = 1;
	o.binary = data[0] & 1;
	o.rfc2217 = (data[0] >> 1) & 1;
	o.inband_break = "\x1b" "B";
	o.inband_len = 2;
	cut = size > 1 ? (data[0] >> 2) % size : 0;
	data++;
	size--;
	if (cut > size)
		cut = size;
	if (ztp_telnet_new(&a, &o, NULL) < 0 || ztp_telnet_new(&b, &o, NULL) < 0)
		abort();
	if (ztp_telnet_recv(a, data, cut, &da, &oa, NULL) < 0 ||
	    ztp_telnet_recv(a, data + cut, size - cut, &da, &oa, NULL) < 0 ||
	    ztp_telnet_recv(b, data, size, &db, &ob, NULL) < 0)
		abort();
	if (da.len != db.len || (da.len && memcmp(da.p, db.p, da.len)) ||
	    oa.len != ob.len || (oa.len && memcmp(oa.p, ob.p, oa.len)))
		abort();
	if (da.len > size)
		abort();
	for (i = 0; i + 1 < size; i++)
		if (data[i] == ZTP_TN_IAC)
			cmds++;
	if (ztp_telnet_sent_cmds(a) > cmds)
		abort();
	(void)ztp_telnet_winsize(a, first * 300u, size, &oa, NULL);
	(void)ztp_telnet_break(a, ZTP_TELNET_BRK_RFC2217, 1, &oa, NULL);
	(void)ztp_telnet_break(a, ZTP_TELNET_BRK_INBAND, 1, &oa, NULL);

	/* what we send comes back as the same bytes through a receiver in the
	 * same binary mode (CR NUL is CR only outside binary) */
	o.binary = 0;
	if (ztp_telnet_new(&r, &o, NULL) < 0)
		abort();
	if (ztp_telnet_send(r, data, size, &esc, NULL) < 0)
		abort();
	if (ztp_telnet_recv(r, esc.p, esc.len, &back, &junk, NULL) < 0)
		abort();
	if (back.len != size || (size && memcmp(back.p, data, size)))
		abort();

	ztp_telnet_free(a);
	ztp_telnet_free(b);
	ztp_telnet_free(r);
	ztp_buf_free(&da);
	ztp_buf_free(&oa);
	ztp_buf_free(&db);
	ztp_buf_free(&ob);
	ztp_buf_free(&esc);
	ztp_buf_free(&back);
	ztp_buf_free(&junk);
	return 0;
}
