/* fz-facts.c: the facts parsers on hostile device output.
 *
 * Input: byte 0 picks the platform, byte 1 the command (or none: recognise
 * it), the rest is the output.  The same text also goes through platform
 * recognition, with its first line as an SSH banner.  Facts of two parses
 * are merged into one map, as ztp-probe does with several outputs.
 *
 * A hostile output never yields more modules than it has lines (one entry
 * per line at most): the target aborts when it does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"

static const char *const cmds[] = {
	NULL, "show version", "show inventory", "show chassis hardware",
	"display version", "display device", "display elabel", "sh inv",
	"admin show inventory", "display sn license", "show module",
	"show license udi", "show diag details", "admin show diag chassis",
	"show platform", "show chassis hardware extensive",
};

static size_t nmodules(const struct ztp_val *f)
{
	const struct ztp_val *m = ztp_map_get(f, "modules");

	return m != NULL && m->type == ZTP_V_LIST ? m->u.list.n : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ztp_val *f;
	struct ztp_err e;
	const char *text, *nl;
	char banner[256];
	size_t np = 0, len, bl, lines, i;

	if (size < 2)
		return 0;
	while (ztp_facts_platforms[np])
		np++;
	text = (const char *)data + 2;
	len = size - 2;
	lines = 1;
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			lines++;
	f = ztp_facts_new();
	ztp_facts_parse(ztp_facts_platforms[data[0] % np],
			cmds[data[1] % (sizeof(cmds) / sizeof(cmds[0]))], text, len, f, &e);
	if (nmodules(f) > lines)
		abort();	/* modules out of nothing */
	/* a second output merged into the same facts */
	ztp_facts_parse(ztp_facts_platforms[(data[0] / 8) % np], NULL, text, len, f, &e);
	if (nmodules(f) > 2 * lines)
		abort();
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
