/* t-str.c: escaping, ids, MACs, numbers, suggestions, time; bounded buffers */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "buf.h"
#include "str.h"
#include "tap.h"

static const char *esc(const char *s, size_t n)
{
	static struct ztp_buf b;

	ztp_buf_free(&b);
	ztp_escape(&b, s, n);
	return b.p ? b.p : "";
}

int main(void)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;
	uint8_t mac[6];
	char id[64], t[21];
	long long v;
	time_t when;
	int fd;

	/* escaping for terminals and logs */
	is_str(esc("Router#", 7), "Router#", "printable ASCII passes");
	is_str(esc("a\nb\tc\\", 6), "a\\nb\\tc\\\\", "newline, tab, backslash escaped");
	is_str(esc("\x1b[31mred", 8), "\\x1b[31mred", "ANSI escape neutralised");
	is_str(esc("caf\xc3\xa9", 5), "caf\xc3\xa9", "valid UTF-8 passes");
	is_str(esc("\xff\xfe", 2), "\\xff\\xfe", "invalid UTF-8 bytes escaped");
	is_str(esc("\xc2\x9b" "2J", 4), "\\xc2\\x9b2J", "C1 control (CSI) escaped");
	is_str(esc("a\0b", 3), "a\\x00b", "NUL escaped");
	is_str(esc("\xe2\x80\xae" "evil", 7), "\\xe2\\x80\\xaeevil", "bidi override escaped");
	ok(!ztp_utf8_valid("\xc0\xaf", 2), "overlong UTF-8 is invalid");
	ok(!ztp_utf8_valid("\xed\xa0\x80", 3), "UTF-8 surrogate is invalid");

	/* ids */
	ok(ztp_id_valid("0c-d9-96-aa-bb-cc"), "MAC id valid");
	ok(ztp_id_valid("FOC1234X5YZ"), "serial id valid");
	ok(!ztp_id_valid("../../etc/passwd"), "path traversal id refused");
	ok(!ztp_id_valid(".hidden"), "hidden id refused");
	ok(!ztp_id_valid("a/b"), "slash refused");
	ok(!ztp_id_valid(""), "empty id refused");
	ok(!ztp_id_valid("a b"), "space refused");
	memset(id, 'a', sizeof id);
	id[63] = '\0';
	ok(ztp_id_valid(id), "63 bytes is fine");
	ok(ztp_id_from_serial("../FOC 12/34", id, sizeof id) == 0 && strcmp(id, "FOC_12_34") == 0,
	   "serial made safe: FOC_12_34");
	ok(ztp_id_from_serial("../", id, sizeof id) < 0, "nothing usable in a serial is an error");

	/* MACs */
	ok(ztp_mac_parse("0C:D9:96:aa:bb:cc", mac) == 0 && mac[0] == 0x0c && mac[5] == 0xcc,
	   "colon MAC");
	ok(ztp_mac_parse("0cd9.96aa.bbcc", mac) == 0 && mac[2] == 0x96, "Cisco dotted MAC");
	ok(ztp_mac_parse("0c-d9-96-aa-bb-cc", mac) == 0, "dashed MAC");
	ok(ztp_mac_parse("0cd996aabbcc", mac) == 0, "bare MAC");
	ok(ztp_mac_parse("0c:d9-96:aa:bb:cc", mac) < 0, "mixed separators refused");
	ok(ztp_mac_parse("0c:d9:96:aa:bb", mac) < 0, "short MAC refused");
	ok(ztp_mac_parse("0g:d9:96:aa:bb:cc", mac) < 0, "non-hex refused");
	ztp_id_from_mac(mac, id);
	is_str(id, "0c-d9-96-aa-bb-cc", "id from MAC");

	/* numbers */
	ok(ztp_parse_ll("42", 0, 100, &v) == 0 && v == 42, "42 parsed");
	ok(ztp_parse_ll("42x", 0, 100, &v) < 0 && errno == EINVAL, "trailing junk refused");
	ok(ztp_parse_ll("101", 0, 100, &v) < 0 && errno == ERANGE, "out of range refused");
	ok(ztp_parse_ll(" 1", 0, 100, &v) < 0, "leading space refused");
	ok(ztp_parse_ll("99999999999999999999", 0, 100, &v) < 0, "overflow refused");
	ok(ztp_parse_duration("5m", &v) == 0 && v == 300, "5m is 300 s");
	ok(ztp_parse_duration("2h", &v) == 0 && v == 7200, "2h");
	ok(ztp_parse_duration("30", &v) == 0 && v == 30, "bare seconds");
	ok(ztp_parse_duration("m", &v) < 0, "unit alone refused");

	/* suggestions */
	is_str(ztp_did_you_mean("spoll", (const char *const[]){ "spool", "secrets", NULL }),
	       "spool", "did you mean spool");
	is_str(ztp_did_you_mean("zzzzzz", (const char *const[]){ "spool", NULL }), NULL,
	       "no suggestion when nothing is close");

	/* time */
	ztp_time_iso(0, t);
	is_str(t, "1970-01-01T00:00:00Z", "ISO time");
	ok(ztp_time_parse("2026-11-23T10:00:00Z", &when) == 0 && when == 1795428000, "ISO time parsed");
	ok(ztp_time_parse("2026-11-23 10:00", &when) < 0, "other formats refused");

	/* bounded buffers */
	ztp_buf_init(&b, 8);
	ok(ztp_buf_adds(&b, "12345678") == 0, "fill to the limit");
	ok(ztp_buf_addc(&b, '9') < 0 && errno == E2BIG, "past the limit fails");
	is_str(b.p, "12345678", "contents kept");
	ztp_buf_free(&b);
	fd = open("/dev/zero", O_RDONLY);
	ok(ztp_buf_read_fd(&b, fd, 100000, "/dev/zero", &e) == ZTP_ERR_LIMIT, "endless input stops at the limit");
	like(e.msg, "larger than the limit", "limit message");
	close(fd);
	ztp_buf_free(&b);
	ok(ztp_buf_read_file(&b, "/nonexistent/x", 10, &e) == ZTP_ERR_SYS, "missing file");
	like(e.msg, "cannot open '/nonexistent/x': No such file or directory", "missing file message");
	ztp_buf_free(&b);
	return done_testing();
}
