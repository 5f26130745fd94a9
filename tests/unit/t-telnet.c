/* t-telnet.c: the telnet state machine: negotiation without loops, IAC
 * escaping both ways, subnegotiation bounds, NAWS, TERMINAL-TYPE, BREAK */
#include "telnet.h"
#include "tap.h"

#define IAC "\xff"
#define WILL "\xfb"
#define WONT "\xfc"
#define DO "\xfd"
#define DONT "\xfe"
#define SB "\xfa"
#define SE "\xf0"

static struct ztp_buf data = ZTP_BUF_INIT, out = ZTP_BUF_INIT;

static void reset(void)
{
	ztp_buf_reset(&data);
	ztp_buf_reset(&out);
}

static int same(const struct ztp_buf *b, const char *p, size_t n)
{
	return b->len == n && (n == 0 || memcmp(b->p, p, n) == 0);
}

#define is_bytes(b, lit, name) do { \
	if (!ok(same(b, lit, sizeof lit - 1), name)) { \
		size_t i_; \
		printf("#   got %zu bytes:", (b)->len); \
		for (i_ = 0; i_ < (b)->len; i_++) \
			printf(" %02x", (unsigned char)(b)->p[i_]); \
		printf("\n"); \
	} \
} while (0)

static int feed(struct ztp_telnet *t, const char *p, size_t n)
{
	return ztp_telnet_recv(t, p, n, &data, &out, NULL);
}

#define FEED(t, lit) feed(t, lit, sizeof lit - 1)

int main(void)
{
	struct ztp_telnet_opts o;
	struct ztp_telnet *t = NULL, *u = NULL;
	struct ztp_err e;
	struct ztp_buf whole = ZTP_BUF_INIT;
	static const char stream[] = "login: " IAC IAC "x" IAC WILL "\x01" "\r\0" "a\r\n"
		IAC SB "\x18\x01" IAC SE IAC DO "\x1f" "tail" IAC "\xf1" "end";
	unsigned long sent;
	size_t i;

	memset(&o, 0, sizeof o);
	o.telnet = 1;
	o.rfc2217 = 1;
	ok(ztp_telnet_new(&t, &o, &e) == 0, "new session");

	/* the opening offer: DO SGA, DO ECHO, WILL SGA, WILL COM-PORT */
	ztp_telnet_start(t, &out, NULL);
	is_bytes(&out, IAC DO "\x03" IAC DO "\x01" IAC WILL "\x03" IAC WILL "\x2c", "offer: SGA, ECHO, COM-PORT");

	/* the server agrees: nothing to answer (no loop) */
	reset();
	FEED(t, IAC WILL "\x03" IAC WILL "\x01" IAC DO "\x03" IAC DO "\x2c");
	is_int(out.len, 0, "agreement to what we asked is not answered");
	ok(ztp_telnet_enabled(t, ZTP_TNO_ECHO, 0), "server echoes");
	ok(ztp_telnet_enabled(t, ZTP_TNO_COMPORT, 1), "COM-PORT agreed");
	/* a server repeating itself gets no answer either */
	sent = ztp_telnet_sent_cmds(t);
	FEED(t, IAC WILL "\x01" IAC WILL "\x01" IAC DO "\x03");
	is_int(ztp_telnet_sent_cmds(t), sent, "repeated WILL/DO on an enabled option: silence");
	/* turning ECHO off: acknowledged once */
	FEED(t, IAC WONT "\x01");
	is_bytes(&out, IAC DONT "\x01", "WONT ECHO acknowledged with DONT");
	reset();
	FEED(t, IAC WONT "\x01");
	is_int(out.len, 0, "a second WONT is not answered");
	ok(!ztp_telnet_enabled(t, ZTP_TNO_ECHO, 0), "echo off");

	/* unknown options refused, and the answer does not loop */
	FEED(t, IAC DO "\x22" IAC WILL "\x22" IAC DO "\x01");
	is_bytes(&out, IAC WONT "\x22" IAC DONT "\x22" IAC WONT "\x01", "LINEMODE refused both ways, we never echo");
	reset();
	FEED(t, IAC WONT "\x22" IAC DONT "\x22");
	is_int(out.len, 0, "a refusal of a refused option is not answered");

	/* NAWS: on request, the size at once; a change is sent again,
	 * 255 escaped inside the subnegotiation */
	FEED(t, IAC DO "\x1f");
	is_bytes(&out, IAC WILL "\x1f" IAC SB "\x1f\x00\x50\x00\x18" IAC SE, "NAWS agreed and 80x24 sent");
	reset();
	ztp_telnet_winsize(t, 255, 50, &out, NULL);
	is_bytes(&out, IAC SB "\x1f\x00" IAC IAC "\x00\x32" IAC SE, "window change sent, 255 doubled");
	reset();

	/* TERMINAL-TYPE */
	FEED(t, IAC DO "\x18" IAC SB "\x18\x01" IAC SE);
	is_bytes(&out, IAC WILL "\x18" IAC SB "\x18\x00" "VT100" IAC SE, "terminal type sent when asked");
	reset();

	/* data: IAC IAC is one 0xff, CR NUL is CR, commands vanish */
	FEED(t, "ab" IAC IAC "c\r\0d\r\n" IAC "\xf1" "e" IAC "\xf9");
	is_bytes(&data, "ab\xff" "c\rd\r\ne", "IAC IAC, CR NUL, NOP and GA");
	reset();
	/* sending: 0xff doubled, a lone CR gets its NUL, CR LF stays */
	ztp_telnet_send(t, "x\xffy\r", 4, &out, NULL);
	is_bytes(&out, "x" IAC IAC "y\r\0", "0xff doubled, CR NUL");
	reset();
	ztp_telnet_send(t, "\r\n\r", 3, &out, NULL);
	is_bytes(&out, "\r\n\r\0", "CR LF kept");
	reset();

	/* a subnegotiation over the bound is dropped whole, the data after it
	 * still arrives, and an IAC inside a subnegotiation ends it */
	{
		static char big[ZTP_TELNET_SB_MAX * 2 + 16];
		size_t n = 0;

		memcpy(big, IAC SB "\x18", 3);
		n = 3;
		memset(big + n, 'A', ZTP_TELNET_SB_MAX * 2);
		n += ZTP_TELNET_SB_MAX * 2;
		memcpy(big + n, IAC SE "ok", 4);
		n += 4;
		feed(t, big, n);
		is_bytes(&data, "ok", "data after an oversized subnegotiation");
		is_int(ztp_telnet_dropped_sb(t), 1, "the oversized subnegotiation was dropped");
		is_int(out.len, 0, "and not answered");
		reset();
		FEED(t, IAC SB "\x18\x01" IAC DO "\x00" "z");
		is_bytes(&data, "z", "a command cuts a subnegotiation short");
		is_bytes(&out, IAC WONT "\x00", "and is read as a command");
		reset();
	}

	/* BREAK: IAC BRK; RFC 2217 on/off and the server's confirmation */
	ok(ztp_telnet_break(t, ZTP_TELNET_BRK_IAC, 1, &out, NULL) == 0, "IAC BRK");
	is_bytes(&out, IAC "\xf3", "IAC BRK bytes");
	reset();
	ztp_telnet_break(t, ZTP_TELNET_BRK_RFC2217, 1, &out, NULL);
	ztp_telnet_break(t, ZTP_TELNET_BRK_RFC2217, 0, &out, NULL);
	is_bytes(&out, IAC SB "\x2c\x05\x05" IAC SE IAC SB "\x2c\x05\x06" IAC SE, "SET-CONTROL break on, off");
	reset();
	is_int(ztp_telnet_control_ack(t), -1, "no confirmation yet");
	FEED(t, IAC SB "\x2c\x69\x05" IAC SE);
	is_int(ztp_telnet_control_ack(t), 5, "break-on confirmed by the server");
	is_int(ztp_telnet_break(t, ZTP_TELNET_BRK_INBAND, 1, &out, &e), ZTP_ERR_USAGE, "no in-band sequence configured");
	like(e.msg, "no break sequence", "and the message says so");

	/* any split of the stream gives the same data and answers */
	ztp_telnet_free(t);
	ztp_telnet_new(&t, &o, NULL);
	ztp_telnet_new(&u, &o, NULL);
	reset();
	feed(t, stream, sizeof stream - 1);
	ztp_buf_add(&whole, data.p, data.len);
	ztp_buf_adds(&whole, "|");
	ztp_buf_add(&whole, out.p, out.len);
	reset();
	for (i = 0; i < sizeof stream - 1; i++)
		feed(u, stream + i, 1);
	ztp_buf_adds(&data, "|");
	ztp_buf_add(&data, out.p, out.len);
	ok(same(&data, whole.p, whole.len), "byte by byte equals all at once");
	ztp_telnet_free(t);
	ztp_telnet_free(u);

	/* no RFC 2217 offered: DO COM-PORT refused, break 2217 refused */
	o.rfc2217 = 0;
	ztp_telnet_new(&t, &o, NULL);
	reset();
	FEED(t, IAC DO "\x2c");
	is_bytes(&out, IAC WONT "\x2c", "COM-PORT refused when not configured");
	is_int(ztp_telnet_break(t, ZTP_TELNET_BRK_RFC2217, 1, &out, &e), ZTP_ERR_USAGE, "2217 break needs COM-PORT");
	like(e.msg, "use break iac", "message names the fix");
	ztp_telnet_free(t);

	/* BINARY both ways: CR goes out alone, CR NUL comes in as is */
	o.binary = 1;
	ztp_telnet_new(&t, &o, NULL);
	reset();
	ztp_telnet_start(t, &out, NULL);
	FEED(t, IAC WILL "\x00" IAC DO "\x00");
	ok(ztp_telnet_enabled(t, ZTP_TNO_BINARY, 1) && ztp_telnet_enabled(t, ZTP_TNO_BINARY, 0), "binary both ways");
	reset();
	ztp_telnet_send(t, "a\r", 2, &out, NULL);
	is_bytes(&out, "a\r", "binary: no NUL after CR");
	FEED(t, "\r\0");
	is_int(data.len, 2, "binary: CR NUL is two bytes");
	ztp_telnet_free(t);

	/* a raw line: bytes as they are both ways; BREAK only in-band */
	memset(&o, 0, sizeof o);
	o.inband_break = "~b";
	o.inband_len = 2;
	ztp_telnet_new(&t, &o, NULL);
	reset();
	ztp_telnet_start(t, &out, NULL);
	is_int(out.len, 0, "raw: no offer");
	FEED(t, IAC DO "\x1f" "\r\0");
	is_bytes(&data, IAC DO "\x1f" "\r\0", "raw: IAC passes through");
	is_int(out.len, 0, "raw: nothing answered");
	is_int(ztp_telnet_break(t, ZTP_TELNET_BRK_IAC, 1, &out, &e), ZTP_ERR_USAGE, "raw: no IAC BRK");
	like(e.msg, "raw TCP line", "message says why");
	ok(ztp_telnet_break(t, ZTP_TELNET_BRK_INBAND, 1, &out, NULL) == 0, "raw: in-band break");
	is_bytes(&out, "~b", "in-band bytes sent");
	ztp_telnet_free(t);

	o.term = "vt 100";
	is_int(ztp_telnet_new(&t, &o, &e), ZTP_ERR_USAGE, "a terminal type with a space is refused");

	ztp_buf_free(&data);
	ztp_buf_free(&out);
	ztp_buf_free(&whole);
	return done_testing();
}
