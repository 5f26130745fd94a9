/* fz-record: the record reader (YAML documents and JSON lines), the record
 * checks and the writers.  Whatever parses must write back and re-read to
 * an equal value. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ztp_yml_reader *r;
	struct ztp_yml_opts o = { .max_doc_bytes = 1 << 16, .max_nodes = 20000, .max_depth = 32 };
	struct ztp_val *doc;
	struct ztp_err e;
	int line, n = 0;

	if (ztp_yml_open_buf(&r, (const char *)data, size, "fuzz", &o, &e) < 0)
		return 0;
	while (n++ < 64) {
		int rc = ztp_yml_next(r, &doc, &line, &e);

		if (rc == 0)
			break;
		if (rc < 0)
			continue;
		if (ztp_rec_check(doc, "fuzz", &e) == 0) {
			struct ztp_buf b = ZTP_BUF_INIT;
			struct ztp_val *back = NULL;

			if (ztp_rec_format(&b, doc, ZTP_REC_YAML, &e) == 0 &&
			    ztp_yml_load_buf(b.p, b.len, "back", NULL, &back, &e) == 0 &&
			    !ztp_val_eq(doc, back)) {
				/* NaN never equals itself; anything else is a bug */
				if (ztp_rec_format(&b, back, ZTP_REC_JSON, &e) == 0 &&
				    strstr(b.p, "null") == NULL)
					abort();
			}
			ztp_val_unref(back);
			ztp_buf_reset(&b);
			ztp_rec_format(&b, doc, ZTP_REC_JSON, &e);
			ztp_buf_free(&b);
		}
		ztp_val_unref(doc);
	}
	ztp_yml_close(r);
	return 0;
}
