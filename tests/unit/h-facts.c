/* h-facts.c: the facts parsers in batch, for tests/facts-accuracy.py (one
 * process for hundreds of outputs instead of one ztp-probe each).
 *
 * Reads lines "PLATFORM<TAB>FILE" (PLATFORM may be "auto") on stdin and
 * prints for each one line: the JSON record ztp-probe -o json would print
 * for that one file, or {"error": "..."}. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "facts.h"
#include "yml.h"

int main(void)
{
	char line[8192];

	while (fgets(line, sizeof(line), stdin)) {
		struct ztp_buf text = ZTP_BUF_INIT, out = ZTP_BUF_INIT;
		struct ztp_val *facts = NULL, *rec = NULL;
		const char *plat = line, *path;
		struct ztp_err e;
		char *tab = strchr(line, '\t');
		size_t n = strlen(line);

		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = 0;
		if (tab == NULL)
			continue;
		*tab = 0;
		path = tab + 1;
		if (ztp_buf_read_file(&text, path, ZTP_FACTS_MAX_INPUT, &e) < 0)
			goto fail;
		if (strcmp(plat, "auto") == 0 &&
		    (plat = ztp_facts_detect_platform(text.p ? text.p : "", text.len, NULL)) == NULL) {
			ztp_err_set(&e, ZTP_ERR_PARSE, "cannot tell the platform");
			goto fail;
		}
		facts = ztp_facts_new();
		if (ztp_facts_parse(plat, NULL, text.p ? text.p : "", text.len, facts, &e) < 0)
			goto fail;
		rec = ztp_val_map();
		ztp_map_set(rec, "facts", facts);
		facts = NULL;
		ztp_json_emit(&out, rec, 0);
		printf("%s\n", out.p ? out.p : "{}");
		goto next;
fail:
		ztp_buf_adds(&out, "{\"error\": ");
		ztp_json_str(&out, e.msg, strlen(e.msg), 0);
		ztp_buf_adds(&out, "}");
		printf("%s\n", out.p);
next:
		fflush(stdout);
		ztp_val_unref(facts);
		ztp_val_unref(rec);
		ztp_buf_free(&text);
		ztp_buf_free(&out);
	}
	return 0;
}
