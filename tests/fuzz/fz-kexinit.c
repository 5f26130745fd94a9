/* fz-kexinit: the server side of the exchange (identification line,
 * pre-banner lines, binary packets, KEXINIT) through the incremental
 * reader, in random chunks; and the KEXINIT payload parser alone. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sshwire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ztp_sshwire_opts o = { 0 };
	struct ztp_sshwire_reader *r;
	struct ztp_sshwire_kexinit k;
	struct ztp_sshwire_banner b;
	struct ztp_err e;
	size_t off = 0, chunk;
	int rc = 0;

	if (size == 0)
		return 0;
	/* the first byte picks the chunk size, so splits get explored */
	chunk = (size_t)(data[0] % 64) + 1;
	data++;
	size--;
	o.max_prelines = 8;
	r = ztp_sshwire_reader_new(&o);
	while (off < size && rc == 0) {
		size_t n = size - off < chunk ? size - off : chunk;

		rc = ztp_sshwire_reader_feed(r, data + off, n, &e);
		off += n;
	}
	if (rc == 1) {
		ztp_sshwire_reader_take(r, &k);
		for (int i = 0; i < ZTP_KL_N; i++)
			if (k.list[i] == NULL || strlen(k.list[i]) > size)
				__builtin_trap();
		ztp_sshwire_kexinit_free(&k);
	} else if (rc == 0) {
		ztp_sshwire_reader_end(r, 1, 1.0, &e);
	}
	ztp_sshwire_reader_free(r);

	if (ztp_sshwire_parse_kexinit(data, size, &k, &e) == 0)
		ztp_sshwire_kexinit_free(&k);
	ztp_sshwire_parse_banner((const char *)data, size < 300 ? size : 300, &b, &e);
	return 0;
}
