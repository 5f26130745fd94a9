/* record.c: device records (see record.h) */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "record.h"
#include "str.h"

static const struct ztp_yml_opts rec_opts = {
	.max_doc_bytes = ZTP_REC_MAX_BYTES,
	.max_nodes = 100000,
	.max_depth = 32,
};

int ztp_rec_check(struct ztp_val *v, const char *where, struct ztp_err *e)
{
	struct ztp_val *id;
	const char *mac;
	uint8_t m[6];

	if (v == NULL || v->type != ZTP_V_MAP)
		return ztp_err_set(e, ZTP_ERR_PARSE, "bad record at %s: a record must be a mapping, not %s",
				   where, ztp_val_typename(v));
	id = ztp_map_get(v, "id");
	if (id == NULL && (mac = ztp_map_str(v, "mac")) != NULL &&
	    ztp_mac_parse(mac, m) == 0) {
		char buf[18];

		ztp_id_from_mac(m, buf);
		ztp_map_set_str(v, "id", buf);
		/* the id goes first, where people look for it */
		{
			struct ztp_mapent id_ent = v->u.map.e[v->u.map.n - 1];

			memmove(v->u.map.e + 1, v->u.map.e, (v->u.map.n - 1) * sizeof *v->u.map.e);
			v->u.map.e[0] = id_ent;
		}
		return 0;
	}
	if (id == NULL)
		return ztp_err_set(e, ZTP_ERR_PARSE, "bad record at %s: no 'id' (and no 'mac' to make one from)",
				   where);
	if (id->type != ZTP_V_STR)
		return ztp_err_set(e, ZTP_ERR_PARSE, "bad record at %s: 'id' must be a string, not %s",
				   where, ztp_val_typename(id));
	if (!ztp_id_valid(id->u.str.s) || strlen(id->u.str.s) != id->u.str.len)
		return ztp_err_set(e, ZTP_ERR_PARSE,
		    "bad record at %s: id '%s' is not file-name-safe (letters, digits, '.', '-', '_'; "
		    "starting with a letter or digit; at most %d bytes)", where,
		    ztp_esc(id->u.str.s), ZTP_ID_MAX);
	return 0;
}

const char *ztp_rec_id(const struct ztp_val *rec)
{
	return ztp_map_str(rec, "id");
}

static void now_iso(char out[21])
{
	ztp_time_iso(time(NULL), out);
}

struct ztp_val *ztp_rec_new_mac(const uint8_t mac[6])
{
	struct ztp_val *r = ztp_val_map();
	char buf[21];

	ztp_id_from_mac(mac, buf);
	ztp_map_set_str(r, "id", buf);
	ztp_mac_format(mac, buf);
	ztp_map_set_str(r, "mac", buf);
	now_iso(buf);
	ztp_map_set_str(r, "seen", buf);
	return r;
}

void ztp_rec_history(struct ztp_val *rec, const char *tool, const char *stage,
		     const char *result, const char *detail)
{
	struct ztp_val *h = ztp_map_get(rec, "history"), *ent;
	char at[21];

	if (h == NULL || h->type != ZTP_V_LIST) {
		h = ztp_val_list();
		ztp_map_set(rec, "history", h);
	}
	while (h->u.list.n >= ZTP_REC_MAX_HISTORY) {
		ztp_val_unref(h->u.list.v[0]);
		memmove(h->u.list.v, h->u.list.v + 1, (h->u.list.n - 1) * sizeof *h->u.list.v);
		h->u.list.n--;
	}
	ent = ztp_val_map();
	now_iso(at);
	ztp_map_set_str(ent, "at", at);
	ztp_map_set_str(ent, "tool", tool);
	ztp_map_set_str(ent, "stage", stage);
	ztp_map_set_str(ent, "result", result);
	if (detail)
		ztp_map_set_str(ent, "detail", detail);
	ztp_list_push(h, ent);
}

void ztp_rec_set_error(struct ztp_val *rec, const char *tool, const char *kind,
		       const char *message, const char *fix, const char *stage)
{
	struct ztp_val *err = ztp_val_map();

	ztp_map_set_str(err, "tool", tool);
	ztp_map_set_str(err, "kind", kind);
	ztp_map_set_str(err, "message", message);
	if (fix)
		ztp_map_set_str(err, "fix", fix);
	if (stage)
		ztp_map_set_str(err, "stage", stage);
	ztp_map_set(rec, "error", err);
}

void ztp_rec_error_where(struct ztp_val *rec, const char *hop, const char *phase)
{
	struct ztp_val *err = ztp_map_get(rec, "error");

	if (err == NULL || err->type != ZTP_V_MAP)
		return;
	if (hop)
		ztp_map_set_str(err, "hop", hop);
	if (phase)
		ztp_map_set_str(err, "phase", phase);
}

int ztp_rec_load_file(const char *path, struct ztp_val **rec, struct ztp_err *e)
{
	struct ztp_yml_opts o = rec_opts;
	char where[600];
	int rc;

	o.max_bytes = ZTP_REC_MAX_BYTES;
	*rec = NULL;
	rc = ztp_yml_load_file(path, &o, rec, e);
	if (rc < 0)
		return rc;
	snprintf(where, sizeof where, "'%s'", path);
	if ((rc = ztp_rec_check(*rec, where, e)) < 0) {
		ztp_val_unref(*rec);
		*rec = NULL;
	}
	return rc;
}

struct ztp_rec_reader {
	struct ztp_yml_reader *y;
	char *name;
};

int ztp_rec_reader_open(struct ztp_rec_reader **rp, int fd, const char *name,
			struct ztp_err *e)
{
	struct ztp_rec_reader *r = ztp_xcalloc(1, sizeof *r);
	int rc = ztp_yml_open_fd(&r->y, fd, name, &rec_opts, e);

	if (rc < 0) {
		free(r);
		return rc;
	}
	r->name = ztp_xstrdup(name);
	*rp = r;
	return 0;
}

int ztp_rec_reader_open_buf(struct ztp_rec_reader **rp, const char *data, size_t len,
			    const char *name, struct ztp_err *e)
{
	struct ztp_rec_reader *r = ztp_xcalloc(1, sizeof *r);
	int rc = ztp_yml_open_buf(&r->y, data, len, name, &rec_opts, e);

	if (rc < 0) {
		free(r);
		return rc;
	}
	r->name = ztp_xstrdup(name);
	*rp = r;
	return 0;
}

int ztp_rec_reader_next(struct ztp_rec_reader *r, struct ztp_val **rec,
			struct ztp_err *e)
{
	char where[600];
	int rc, line = 0;

	for (;;) {
		rc = ztp_yml_next(r->y, rec, &line, e);
		if (rc <= 0)
			return rc;
		if ((*rec)->type == ZTP_V_NULL) {	/* empty document: skip */
			ztp_val_unref(*rec);
			continue;
		}
		if ((*rec)->line > 0)
			line = (*rec)->line;	/* where its contents start, after "---" */
		snprintf(where, sizeof where, "'%s' line %d", r->name, line);
		if ((rc = ztp_rec_check(*rec, where, e)) < 0) {
			ztp_val_unref(*rec);
			*rec = NULL;
			return rc;
		}
		return 1;
	}
}

void ztp_rec_reader_close(struct ztp_rec_reader *r)
{
	if (r == NULL)
		return;
	ztp_yml_close(r->y);
	free(r->name);
	free(r);
}

int ztp_rec_fmt_parse(const char *s, enum ztp_rec_fmt *fmt)
{
	if (strcmp(s, "yaml") == 0)
		*fmt = ZTP_REC_YAML;
	else if (strcmp(s, "json") == 0)
		*fmt = ZTP_REC_JSON;
	else
		return -1;
	return 0;
}

int ztp_rec_format(struct ztp_buf *b, const struct ztp_val *rec,
		   enum ztp_rec_fmt fmt, struct ztp_err *e)
{
	if (fmt == ZTP_REC_JSON) {
		if (ztp_json_emit(b, rec, 0) < 0 || ztp_buf_addc(b, '\n') < 0)
			return ztp_err_sys(e, "cannot format record");
		return 0;
	}
	return ztp_yml_emit(b, rec, 1, e);
}

int ztp_rec_print(FILE *f, const struct ztp_val *rec, enum ztp_rec_fmt fmt,
		  struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	int rc = ztp_rec_format(&b, rec, fmt, e);

	if (rc == 0 && fwrite(b.p, 1, b.len, f) != b.len)
		rc = ztp_err_sys(e, "cannot write records");
	ztp_buf_free(&b);
	return rc;
}

const char *ztp_rec_mac_alias(const struct ztp_val *rec, char buf[18])
{
	const char *mac = ztp_map_str(rec, "mac");
	uint8_t m[6];

	if (mac == NULL || ztp_mac_parse(mac, m) < 0)
		return NULL;
	ztp_id_from_mac(m, buf);
	return ztp_rec_id(rec) && strcmp(buf, ztp_rec_id(rec)) != 0 ? buf : NULL;
}
