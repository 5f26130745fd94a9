/* h-sshconf: print what lib/sshconf makes of a destination, in `ssh -G`
 * form, for the differential test against OpenSSH (tests/sshconf.t).
 *
 *   h-sshconf [-F file] [-l user] [-p port] host
 *
 * Warnings go to stderr; exit 2 on a configuration error. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sshconf.h"

int main(int argc, char **argv)
{
	const char *file = NULL, *user = NULL;
	struct ztp_sshconf *cf;
	struct ztp_sshopts o;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;
	int ch, port = 0;
	size_t i;

	while ((ch = getopt(argc, argv, "F:l:p:")) != -1) {
		switch (ch) {
		case 'F': file = optarg; break;
		case 'l': user = optarg; break;
		case 'p': port = (int)strtol(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (optind + 1 != argc)
		return 2;
	if (ztp_sshconf_new(&cf, file, &e) < 0) {
		fprintf(stderr, "h-sshconf: %s\n", e.msg);
		return 2;
	}
	if (ztp_sshconf_resolve(cf, argv[optind], user, port, &o, &e) < 0) {
		fprintf(stderr, "h-sshconf: %s\n", e.msg);
		ztp_sshconf_free(cf);
		return 2;
	}
	for (i = 0; i < o.warnings.n; i++)
		fprintf(stderr, "warning: %s\n", o.warnings.v[i]);
	ztp_sshopts_print(&o, &b);
	fputs(b.p, stdout);
	ztp_buf_free(&b);
	ztp_sshopts_free(&o);
	ztp_sshconf_free(cf);
	return 0;
}
