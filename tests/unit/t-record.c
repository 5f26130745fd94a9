/* t-record.c: record checks, ids, history, formats, streams */
#include <fcntl.h>
#include <unistd.h>

#include "record.h"
#include "tap.h"

static struct ztp_val *yaml(const char *s)
{
	struct ztp_val *v = NULL;

	ztp_yml_load_buf(s, strlen(s), "t", NULL, &v, NULL);
	return v;
}

int main(void)
{
	struct ztp_val *r;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;
	struct ztp_rec_reader *rd;
	int fds[2], n, nerr;
	const char *stream;

	r = yaml("mac: 0C:D9:96:AA:BB:CC\nip: 10.20.0.17\n");
	ok(ztp_rec_check(r, "t", &e) == 0, "record with only a MAC is fine");
	is_str(ztp_rec_id(r), "0c-d9-96-aa-bb-cc", "id made from the MAC");
	is_str(r->u.map.e[0].key->u.str.s, "id", "id comes first");
	ztp_val_unref(r);

	r = yaml("id: ../../etc/passwd\n");
	ok(ztp_rec_check(r, "in.yml line 3", &e) == ZTP_ERR_PARSE, "path traversal id refused");
	like(e.msg, "bad record at in.yml line 3: id '../../etc/passwd' is not file-name-safe", "message");
	ztp_val_unref(r);

	r = yaml("- a\n- b\n");
	ok(ztp_rec_check(r, "x", &e) < 0, "a list is not a record");
	like(e.msg, "must be a mapping, not list", "message");
	ztp_val_unref(r);

	r = yaml("id: 42\n");
	ok(ztp_rec_check(r, "x", &e) < 0, "numeric id refused (must be a string)");
	ztp_val_unref(r);

	/* unknown keys survive a round trip unchanged */
	r = yaml("id: d1\ncustom: {nested: [1, 'yes', null]}\nvendor_class: ciscopnp\n");
	ztp_rec_history(r, "ztp-probe", "probed", "ok", "facts learned");
	ztp_rec_format(&b, r, ZTP_REC_YAML, &e);
	like(b.p, "---\nid: d1\ncustom:\n  nested:\n  - 1\n  - 'yes'\n  - null\n", "unknown keys kept, types kept");
	like(b.p, "tool: ztp-probe", "history appended");
	{
		struct ztp_val *back = yaml(b.p + 4);

		ok(back && ztp_val_eq(back, r), "YAML round trip is exact");
		ztp_val_unref(back);
	}
	ztp_buf_reset(&b);
	ztp_rec_format(&b, r, ZTP_REC_JSON, &e);
	ok(b.len > 0 && b.p[b.len - 1] == '\n' && strchr(b.p, '\n') == b.p + b.len - 1,
	   "JSON is one line");
	{
		struct ztp_val *back = yaml(b.p);

		ok(back && ztp_val_eq(back, r), "JSON round trip is exact");
		ztp_val_unref(back);
	}
	ztp_buf_free(&b);
	ztp_rec_set_error(r, "ztp-probe", "auth", "authentication failed", NULL, "discovered");
	is_str(ztp_val_path(r, "error.kind")->u.str.s, "auth", "error set");
	ztp_val_unref(r);

	/* streams: a bad document is reported with its line, others go on */
	stream = "{\"id\": \"a\"}\n{\"id\": \"../x\"}\n{\"mac\": \"0c:d9:96:aa:bb:cc\"}\n";
	if (pipe(fds) < 0)
		return 1;
	(void)!write(fds[1], stream, strlen(stream));
	close(fds[1]);
	ok(ztp_rec_reader_open(&rd, fds[0], "recs.json", &e) == 0, "reader opened");
	n = nerr = 0;
	for (;;) {
		int rc = ztp_rec_reader_next(rd, &r, &e);

		if (rc == 0)
			break;
		if (rc < 0) {
			nerr++;
			like(e.msg, "'recs.json' line 2", "bad record names its line");
			continue;
		}
		n++;
		ztp_val_unref(r);
	}
	ztp_rec_reader_close(rd);
	close(fds[0]);
	is_int(n, 2, "two good records");
	is_int(nerr, 1, "one bad record");
	return done_testing();
}
