/* h-sshconnect: connect through lib/sshsess and run one command, for the
 * integration tests (tests/sshsess.t).
 *
 *   h-sshconnect [-t secs] [-k known_hosts] [-P strict|accept-new|off]
 *                [-a alias] [-i keyfile] [-p passfile]... [-A kex,hostkey,cipher,mac]
 *                -H host:port:user ... command
 *
 * -H repeats: gateways first, the device last.  -p reads a password from a
 * file (one credential per -p, tried in order; never on the command line).
 * -A sets full algorithm lists for the device, ';' between categories in the
 * order kex;hostkey;cipher;mac (empty: libssh default).
 * Prints the command's output; on failure "FAIL kind hop: message", exit 1,
 * and for a timeout "PHASE phase" on the next line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sshsess.h"
#include "str.h"

int main(int argc, char **argv)
{
	struct ztp_ssh_hop hops[8];
	struct ztp_ssh_cred creds[8];
	struct ztp_ssh_opts o;
	struct ztp_ssh_failure f;
	struct ztp_ssh *s = NULL;
	struct ztp_buf out = ZTP_BUF_INIT;
	char *algs = NULL, *alias = NULL;
	static char names[8][32];
	struct ztp_buf pws[8];
	size_t nh = 0, nc = 0, npw = 0, i;
	int ch, status, rc;

	memset(&o, 0, sizeof o);
	memset(hops, 0, sizeof hops);
	memset(creds, 0, sizeof creds);
	o.timeout = 5;
	o.policy = ZTP_HK_ACCEPT_NEW;
	while ((ch = getopt(argc, argv, "A:a:H:i:k:P:p:t:")) != -1) {
		switch (ch) {
		case 'A': algs = optarg; break;
		case 'a': alias = optarg; break;
		case 'H': {
			char *c1 = strchr(optarg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

			if (!c2 || nh == 8)
				return 2;
			*c1 = *c2 = '\0';
			hops[nh].host = optarg;
			hops[nh].port = (int)strtol(c1 + 1, NULL, 10);
			hops[nh].user = c2 + 1;
			nh++;
			break;
		}
		case 'i':
			creds[nc].name = "key";
			creds[nc++].key_file = optarg;
			break;
		case 'k': o.known_hosts = optarg; break;
		case 'P':
			o.policy = strcmp(optarg, "strict") == 0 ? ZTP_HK_STRICT :
				   strcmp(optarg, "off") == 0 ? ZTP_HK_OFF : ZTP_HK_ACCEPT_NEW;
			break;
		case 'p': {
			struct ztp_buf *pw = &pws[npw];

			ztp_buf_init(pw, 0);
			if (nc == 8 || ztp_buf_read_file(pw, optarg, 1024, NULL) < 0 || pw->p == NULL)
				return 2;
			npw++;
			while (pw->len && (pw->p[pw->len - 1] == '\n'))
				pw->p[--pw->len] = '\0';
			snprintf(names[nc], sizeof names[nc], "password%zu", nc + 1);
			creds[nc].name = names[nc];
			creds[nc++].password = pw->p;
			break;
		}
		case 't': o.timeout = atof(optarg); break;
		default: return 2;
		}
	}
	if (nh == 0 || optind + 1 != argc)
		return 2;
	for (i = 0; i < nh; i++) {
		hops[i].creds = creds;
		hops[i].ncreds = nc;
	}
	hops[nh - 1].hostkey_alias = alias;
	if (algs) {
		/* kex;hostkey;cipher;mac: the first four category slots */
		static const int slot[4] = { 0, 1, 2, 3 };
		char *p = algs;
		int k;

		for (k = 0; k < 4 && p; k++) {
			char *semi = strchr(p, ';');

			if (semi)
				*semi = '\0';
			if (*p)
				hops[nh - 1].alg[slot[k]] = p;
			p = semi ? semi + 1 : NULL;
		}
	}
	o.hops = hops;
	o.nhops = nh;
	if (ztp_ssh_connect(&s, &o, &f) < 0) {
		printf("FAIL %s %d: %s\n", ztp_ssh_kind_name(f.kind), f.hop + 1, f.msg);
		if (f.phase)
			printf("PHASE %s\n", f.phase);
		fputs(f.diagnosis, stdout);
		rc = 1;
	} else if (ztp_ssh_exec(s, argv[optind], &out, 1 << 20, o.timeout, &status, &f) < 0) {
		printf("FAIL %s exec: %s\n", ztp_ssh_kind_name(f.kind), f.msg);
		rc = 1;
	} else {
		fputs(out.p ? out.p : "", stdout);
		rc = status == 0 ? 0 : 3;
	}
	ztp_ssh_close(s);
	ztp_buf_free(&out);
	for (i = 0; i < npw; i++)
		ztp_buf_free(&pws[i]);
	return rc;
}
