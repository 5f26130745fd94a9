/* h-libsshkex: connect with libssh (key exchange only, no login) and say
 * what was negotiated, to prove that lists assembled by ztp work in the
 * real library.
 *
 *	h-libsshkex HOST PORT [KEX HOSTKEYS CIPHERS MACS]
 *
 * Lists given as "-" keep libssh's default.  Prints "ok KEX CIPHER" and
 * exits 0, or prints libssh's error and exits 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "dl.h"

int main(int argc, char **argv)
{
	struct ztp_err e;
	ssh_session s;
	int port, zero = 0, i, rc;
	static const enum ssh_options_e opt[4] = {
		SSH_OPTIONS_KEY_EXCHANGE, SSH_OPTIONS_HOSTKEYS, SSH_OPTIONS_CIPHERS_C_S,
		SSH_OPTIONS_HMAC_C_S,
	};
	static const enum ssh_options_e opt2[4] = {
		SSH_OPTIONS_KEY_EXCHANGE, SSH_OPTIONS_HOSTKEYS, SSH_OPTIONS_CIPHERS_S_C,
		SSH_OPTIONS_HMAC_S_C,
	};

	if (argc != 3 && argc != 7) {
		fprintf(stderr, "usage: h-libsshkex HOST PORT [KEX HOSTKEYS CIPHERS MACS]\n");
		return 2;
	}
	if (ztp_dl_ssh(&e) < 0) {
		fprintf(stderr, "h-libsshkex: %s\n", e.msg);
		return 2;
	}
	s = ssh_new();
	port = (int)strtol(argv[2], NULL, 10);
	ssh_options_set(s, SSH_OPTIONS_HOST, argv[1]);
	ssh_options_set(s, SSH_OPTIONS_PORT, &port);
	ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &zero);
	ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
	ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	for (i = 0; argc == 7 && i < 4; i++) {
		if (strcmp(argv[3 + i], "-") == 0)
			continue;
		if (ssh_options_set(s, opt[i], argv[3 + i]) < 0 ||
		    ssh_options_set(s, opt2[i], argv[3 + i]) < 0) {
			printf("option refused: %s\n", ssh_get_error(s));
			return 1;
		}
	}
	rc = ssh_connect(s);
	if (rc != SSH_OK) {
		printf("%s\n", ssh_get_error(s));
		ssh_free(s);
		return 1;
	}
	printf("ok %s %s\n", ssh_get_kex_algo(s) ? ssh_get_kex_algo(s) : "(unknown)",
	       ssh_get_cipher_in(s));
	ssh_disconnect(s);
	ssh_free(s);
	return 0;
}
