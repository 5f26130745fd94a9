/* h-sshalg: ztp_sshalg_apply from the command line, to compare the list
 * semantics with OpenSSH's own (ssh -G).
 *
 *	h-sshalg CATEGORY SPEC DEFAULTS SUPPORTED
 *
 * Prints the resulting list, warnings on stderr; exit 1 on an error. */
#include <stdio.h>
#include <stdlib.h>

#include "sshalg.h"

int main(int argc, char **argv)
{
	struct ztp_buf warn = ZTP_BUF_INIT;
	struct ztp_err e;
	char *out = NULL;
	int cat;

	if (argc != 5 || (cat = ztp_sshalg_cat_parse(argv[1])) < 0) {
		fprintf(stderr, "usage: h-sshalg CATEGORY SPEC DEFAULTS SUPPORTED\n");
		return 2;
	}
	if (ztp_sshalg_apply(cat, argv[2], argv[3], argv[4], "openssh", "h-sshalg", &out, &warn,
			     &e) < 0) {
		printf("error: %s\n", e.msg);
		return 1;
	}
	if (warn.len)
		fputs(warn.p, stderr);
	printf("%s\n", out);
	free(out);
	ztp_buf_free(&warn);
	return 0;
}
