/* h-sshrun: connect with the full settings pipeline (command line,
 * ztp.yml, ssh_config -> lib/sshset -> lib/sshsess) and run a command,
 * the path ztp-probe and ztp-push take.  For tests/sshset.t.
 *
 *   h-sshrun [-c ztp.yml] [-F ssh_config] [-J jump] [-i id] [-r rack]
 *            [-P platform] host command
 *
 * Prints the output; "FAIL kind hop: message" and exit 1 on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sshset.h"

int main(int argc, char **argv)
{
	struct ztp_sshset_cli cli;
	struct ztp_sshdest d;
	struct ztp_sshalg_lib lib;
	struct ztp_sshset set;
	struct ztp_ssh_opts o;
	struct ztp_ssh_failure f;
	struct ztp_ssh *s = NULL;
	struct ztp_conf *c = NULL;
	struct ztp_val *secrets = NULL;
	struct ztp_buf out = ZTP_BUF_INIT;
	struct ztp_err e;
	const char *cfile = NULL;
	size_t i;
	int ch, status, rc = 2;

	memset(&cli, 0, sizeof cli);
	memset(&d, 0, sizeof d);
	while ((ch = getopt(argc, argv, "c:F:i:J:P:r:")) != -1) {
		switch (ch) {
		case 'c': cfile = optarg; break;
		case 'F': cli.config = optarg; break;
		case 'i': d.id = optarg; break;
		case 'J': cli.jump = optarg; break;
		case 'P': d.platform = optarg; break;
		case 'r': d.rack = optarg; break;
		default: return 2;
		}
	}
	if (optind + 2 != argc)
		return 2;
	d.host = argv[optind];
	if (ztp_sshalg_lib_load(&lib, NULL, &e) < 0 || ztp_conf_load(&c, cfile, &e) < 0) {
		fprintf(stderr, "h-sshrun: %s\n", e.msg);
		return 2;
	}
	if (ztp_sshset_resolve(c, &cli, &d, &lib, &set, &e) < 0) {
		fprintf(stderr, "h-sshrun: %s\n", e.msg);
		goto out;
	}
	for (i = 0; i < set.warnings.n; i++)
		fprintf(stderr, "warning: %s\n", set.warnings.v[i]);
	if (c->secrets && ztp_secrets_load(c, &secrets, &e) < 0) {
		fprintf(stderr, "h-sshrun: %s\n", e.msg);
		goto out;
	}
	if (ztp_sshset_connect_opts(&set, secrets, &o, &e) < 0) {
		fprintf(stderr, "h-sshrun: %s\n", e.msg);
		goto out;
	}
	rc = 1;
	if (ztp_ssh_connect(&s, &o, &f) < 0) {
		printf("FAIL %s %d: %s\n", ztp_ssh_kind_name(f.kind), f.hop + 1, f.msg);
		fputs(f.diagnosis, stdout);
	}
	else if (ztp_ssh_exec(s, argv[optind + 1], &out, 1 << 20, set.command_timeout, &status, &f) < 0)
		printf("FAIL %s exec: %s\n", ztp_ssh_kind_name(f.kind), f.msg);
	else {
		fputs(out.p ? out.p : "", stdout);
		rc = status == 0 ? 0 : 3;
	}
out:
	ztp_ssh_close(s);
	ztp_buf_free(&out);
	ztp_val_unref(secrets);
	ztp_sshset_free(&set);
	ztp_conf_free(c);
	ztp_sshalg_lib_free(&lib);
	return rc;
}
