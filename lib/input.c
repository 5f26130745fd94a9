/* input.c: operands, else stdin when it is not a terminal (see input.h) */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "input.h"
#include "log.h"
#include "record.h"
#include "spool.h"
#include "sshwire.h"
#include "str.h"

/* ---- targets */

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int is_keychar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

int ztp_input_is_records(const char *text, size_t n)
{
	size_t i = 0, s, end, k;

	while (i < n) {
		for (s = i; s < n && text[s] != '\n'; s++)
			;
		end = s;
		s = i;
		i = end + 1;
		while (s < end && is_blank(text[s]))
			s++;
		if (s == end || text[s] == '#')
			continue;
		if (text[s] == '{' || text[s] == '%' ||
		    (end - s >= 3 && memcmp(text + s, "---", 3) == 0))
			return 1;
		for (k = s; k < end && is_keychar(text[k]); k++)
			;
		return k > s && k < end && text[k] == ':' && (k + 1 == end || is_blank(text[k + 1]));
	}
	return 0;
}

int ztp_input_host(const char *s, struct ztp_target *t, struct ztp_err *e)
{
	const char *colon = strchr(s, ':');
	int given;

	memset(t, 0, sizeof *t);
	t->kind = ZTP_TARGET_HOST;
	t->source = s;
	/* one colon, or "]:" after brackets: a port follows */
	given = s[0] == '[' ? strstr(s, "]:") != NULL :
		colon != NULL && strchr(colon + 1, ':') == NULL;
	if (ztp_sshwire_split_target(s, "22", t->host, sizeof t->host, t->port, sizeof t->port, e) < 0)
		return ZTP_ERR_USAGE;
	if (!given)
		t->port[0] = '\0';
	return 0;
}

struct tstate {
	const struct ztp_input_opts *o;
	ztp_target_fn fn;
	void *ctx;
	int *nbad;
	struct ztp_spool *sp;
	int sp_tried;
	char where[300];
};

static int bad(struct tstate *S, const struct ztp_err *e)
{
	(*S->nbad)++;
	return S->fn(S->ctx, NULL, e);
}

static int record(struct tstate *S, struct ztp_val *rec, const char *source)
{
	struct ztp_target t;
	const char *h = ztp_map_str(rec, "ip");

	memset(&t, 0, sizeof t);
	t.kind = ZTP_TARGET_RECORD;
	t.rec = rec;
	t.source = source;
	if (h == NULL)
		h = ztp_map_str(rec, "host");
	if (h == NULL)
		h = ztp_map_str(rec, "id");
	if (h && snprintf(t.host, sizeof t.host, "%s", h) >= (int)sizeof t.host)
		t.host[0] = '\0';
	return S->fn(S->ctx, &t, NULL);
}

/* the text of a file or of stdin: records or host lines */
static int text(struct tstate *S, const char *p, size_t n, const char *name)
{
	struct ztp_rec_reader *r;
	struct ztp_val *rec;
	struct ztp_target t;
	struct ztp_err e;
	char line[ZTP_INPUT_LINE + 1];
	size_t i = 0, s, end, len, lineno = 0;
	int rc, stop = 0;

	if (ztp_input_is_records(p, n)) {
		if (ztp_rec_reader_open_buf(&r, p, n, name, &e) < 0)
			return bad(S, &e);
		while (!stop && (rc = ztp_rec_reader_next(r, &rec, &e)) != 0) {
			if (rc < 0) {
				stop = bad(S, &e);
				continue;
			}
			stop = record(S, rec, name);
			ztp_val_unref(rec);
		}
		ztp_rec_reader_close(r);
		return stop;
	}
	while (!stop && i < n) {
		for (end = i; end < n && p[end] != '\n'; end++)
			;
		s = i;
		i = end + 1;
		lineno++;
		while (s < end && is_blank(p[s]))
			s++;
		for (len = 0; s + len < end && !is_blank(p[s + len]) && p[s + len] != '#'; len++)
			;
		if (len == 0)
			continue;
		snprintf(S->where, sizeof S->where, "%s:%zu", name, lineno);
		if (len > ZTP_INPUT_LINE) {
			ztp_err_set(&e, ZTP_ERR_LIMIT, "%s: a host longer than %d bytes", S->where,
				    ZTP_INPUT_LINE);
			stop = bad(S, &e);
			continue;
		}
		memcpy(line, p + s, len);
		line[len] = '\0';
		if (ztp_input_host(line, &t, &e) < 0) {
			ztp_err_prefix(&e, "%s", S->where);
			stop = bad(S, &e);
			continue;
		}
		t.source = S->where;
		stop = S->fn(S->ctx, &t, NULL);
	}
	return stop;
}

static int from_fd(struct tstate *S, int fd, const char *name)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;
	int stop;

	if (ztp_buf_read_fd(&b, fd, ZTP_INPUT_MAX, name, &e) < 0)
		stop = bad(S, &e);
	else
		stop = text(S, b.p ? b.p : "", b.len, name);
	ztp_buf_free(&b);
	return stop;
}

/* a record of the spool by its id (a snapshot: not claimed), or NULL */
static struct ztp_val *spool_record(struct tstate *S, const char *id)
{
	struct ztp_spool_ent ent;
	struct ztp_val *r = NULL;
	struct ztp_err e;

	if (S->o == NULL || S->o->spool == NULL)
		return NULL;
	if (!S->sp_tried) {
		S->sp_tried = 1;
		if (ztp_spool_open(&S->sp, S->o->spool, S->o->spool_flags, &e) < 0) {
			S->sp = NULL;
			/* a spool that is there but cannot be read (another
			 * user's, not a spool) would silently turn record ids
			 * into host names that do not resolve; a spool that is
			 * not there at all is the usual case off the gateway */
			if (access(S->o->spool, F_OK) == 0)
				ztp_warnx("operands are not looked up as records: %s", e.msg);
		}
	}
	if (S->sp == NULL || ztp_spool_locate(S->sp, id, &ent, &e) < 0 ||
	    ztp_spool_read(S->sp, &ent, &r, &e) < 0)
		return NULL;
	return r;
}

static int operand(struct tstate *S, const char *arg)
{
	struct ztp_target t;
	struct ztp_val *rec;
	struct ztp_err e;
	struct stat st;
	int fd, stop;

	if (strcmp(arg, "-") == 0)
		return from_fd(S, STDIN_FILENO, "standard input");
	if (strchr(arg, '/') || (stat(arg, &st) == 0 && S_ISREG(st.st_mode))) {
		fd = open(arg, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			ztp_err_sys(&e, "cannot open '%s'", ztp_esc(arg));
			return bad(S, &e);
		}
		stop = from_fd(S, fd, arg);
		close(fd);
		return stop;
	}
	if ((rec = spool_record(S, arg)) != NULL) {
		stop = record(S, rec, arg);
		ztp_val_unref(rec);
		return stop;
	}
	if (ztp_input_host(arg, &t, &e) < 0)
		return bad(S, &e);
	return S->fn(S->ctx, &t, NULL);
}

int ztp_input_targets(int argc, char *const *argv, const struct ztp_input_opts *o,
		      ztp_target_fn fn, void *ctx, int *nbad)
{
	struct tstate S;
	int i, stop = 0;

	memset(&S, 0, sizeof S);
	S.o = o;
	S.fn = fn;
	S.ctx = ctx;
	S.nbad = nbad;
	*nbad = 0;
	if (argc == 0 && !isatty(STDIN_FILENO))
		stop = from_fd(&S, STDIN_FILENO, "standard input");
	for (i = 0; i < argc && !stop; i++)
		stop = operand(&S, argv[i]);
	ztp_spool_close(S.sp);
	return stop;
}

/* ---- records only */

static int one(int fd, const char *name, ztp_input_fn fn, void *ctx, int *nbad)
{
	struct ztp_rec_reader *r;
	struct ztp_val *rec;
	struct ztp_err e;
	int rc, stop = 0;

	if (ztp_rec_reader_open(&r, fd, name, &e) < 0) {
		(*nbad)++;
		return fn(ctx, NULL, &e);
	}
	while (!stop && (rc = ztp_rec_reader_next(r, &rec, &e)) != 0) {
		if (rc < 0) {
			(*nbad)++;
			stop = fn(ctx, NULL, &e);
			continue;
		}
		stop = fn(ctx, rec, NULL);
		ztp_val_unref(rec);
	}
	ztp_rec_reader_close(r);
	return stop;
}

int ztp_input_none(int argc)
{
	return argc == 0 && isatty(0);
}

int ztp_input_records(int argc, char *const *argv, ztp_input_fn fn, void *ctx,
		      int *nbad)
{
	int i, fd, stop = 0;

	*nbad = 0;
	if (argc == 0)
		return isatty(0) ? 0 : one(0, "-", fn, ctx, nbad);
	for (i = 0; i < argc && !stop; i++) {
		if (strcmp(argv[i], "-") == 0) {
			stop = one(0, "-", fn, ctx, nbad);
			continue;
		}
		fd = open(argv[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			struct ztp_err e;

			ztp_err_sys(&e, "cannot open '%s'", argv[i]);
			(*nbad)++;
			stop = fn(ctx, NULL, &e);
			continue;
		}
		stop = one(fd, argv[i], fn, ctx, nbad);
		close(fd);
	}
	return stop;
}
