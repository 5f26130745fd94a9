/* fz-cli: the CLI session code on hostile device output.
 *
 * The input is what a device sends, cut into reads at NUL bytes.  It goes
 * through the pure parts (cleaning, prompt guessing, pager and error
 * detection) and then drives a whole session (first prompt, enable,
 * paging off, platform detection, two commands) over an in-memory
 * transport.  Invariants: the clean text is never longer than its input
 * and holds no control bytes but LF and TAB. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "memline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = malloc(size + 1), base[96], line[128];
	struct mem m = { data, size, 0 };
	struct ztp_cli_transport t = { &m, mem_read, mem_write, mem_close };
	struct ztp_cli_opts o;
	struct ztp_cli *c = NULL;
	struct ztp_buf b = ZTP_BUF_INIT;
	size_t n, i;

	n = ztp_cli_clean((const char *)data, size, out);
	if (n > size)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 && out[i] != '\n' && out[i] != '\t')
			abort();
	(void)ztp_cli_looks_like_prompt(out, n);
	(void)ztp_cli_pager_at_end(out, n);
	(void)ztp_cli_error_line(NULL, out, n, line, sizeof line);
	if (ztp_cli_prompt_base(out, n, base, sizeof base) == 0)
		(void)ztp_cli_prompt_match(base, out, n);
	free(out);

	memset(&o, 0, sizeof o);
	o.timeout = 5;
	o.max_output = 1 << 16;
	o.enable_secret = "s3cret";
	if (size && data[0] & 1)
		o.platform = "juniper_junos";
	if (ztp_cli_open(&c, &t, &o, NULL) == 0) {
		(void)ztp_cli_run(c, "show version", 0, &b, NULL);
		(void)ztp_cli_run(c, "show inventory", 0, &b, NULL);
		ztp_cli_close(c);
	}
	ztp_buf_free(&b);
	return 0;
}
