/* fz-pushdiff.c: the diff of ztp-push (lib/push.h) on a hostile running
 * configuration (what a device prints for show running-config) against a
 * rendered candidate.
 *
 * Input: the running configuration, a NUL byte, the candidate (without a
 * NUL byte: the same text is both).  The diff must only hold lines of the
 * candidate, prefixed "+ " or "  ". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "push.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nul = memchr(text, 0, size);
	const char *cand = nul ? nul + 1 : text;
	size_t rlen = nul ? (size_t)(nul - text) : size, clen = nul ? size - rlen - 1 : size;
	struct ztp_buf out = ZTP_BUF_INIT;
	size_t n = ztp_push_diff(text, rlen, cand, clen, &out), plus = 0, i;

	for (i = 0; i < out.len; i++) {
		if (i == 0 || out.p[i - 1] == '\n') {
			if (out.p[i] != '+' && out.p[i] != ' ')
				abort();
			plus += out.p[i] == '+';
		}
	}
	if (plus != n)
		abort();	/* every new line is shown, once */
	ztp_buf_free(&out);
	return 0;
}
