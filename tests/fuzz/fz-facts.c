/* fz-facts.c: the facts parsers on hostile device output.
 *
 * Input: byte 0 picks the platform, byte 1 the command (or none: recognise
 * it), the rest is the output.  The same text also goes through platform
 * recognition, with its first line as an SSH banner.  Facts of two parses
 * are merged into one map, as ztp-probe does with several outputs. */
#include <stdint.h>
#include <string.h>

#include "facts.h"

static const char *const cmds[] = {
	NULL, "show version", "show inventory", "show chassis hardware",
	"display version", "display device", "display elabel", "sh inv",
	"admin show inventory", "display sn license",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ztp_val *f;
	struct ztp_err e;
	const char *text, *nl;
	char banner[256];
	size_t np = 0, len, bl;

	if (size < 2)
		return 0;
	while (ztp_facts_platforms[np])
		np++;
	text = (const char *)data + 2;
	len = size - 2;
	f = ztp_facts_new();
	ztp_facts_parse(ztp_facts_platforms[data[0] % np],
			cmds[data[1] % (sizeof(cmds) / sizeof(cmds[0]))], text, len, f, &e);
	/* a second output merged into the same facts */
	ztp_facts_parse(ztp_facts_platforms[(data[0] / 8) % np], NULL, text, len, f, &e);
	ztp_val_unref(f);

	nl = memchr(text, '\n', len);
	bl = nl ? (size_t)(nl - text) : len;
	if (bl >= sizeof(banner))
		bl = sizeof(banner) - 1;
	memcpy(banner, text, bl);
	banner[bl] = 0;
	(void)ztp_facts_detect_platform(text, len, banner);
	(void)ztp_facts_detect_command(ztp_facts_platforms[data[1] % np], text, len);
	return 0;
}
