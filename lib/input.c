/* input.c: operands, else stdin when it is not a terminal (see input.h) */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "record.h"

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
