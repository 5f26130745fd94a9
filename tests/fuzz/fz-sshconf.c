/* fz-sshconf: the ssh_config parser and evaluator on arbitrary files.
 * The input is the config file; it is resolved for a few destinations. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sshconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[] = { "r-1", "gw", "x.core.example", "a" };
	struct ztp_sshconf *cf;
	struct ztp_sshopts o;
	struct ztp_buf b = ZTP_BUF_INIT;
	char path[64];
	size_t i;
	int fd = memfd_create("sshconf", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (ztp_sshconf_new(&cf, path, NULL) == 0) {
		for (i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
			if (ztp_sshconf_resolve(cf, hosts[i], NULL, 0, &o, NULL) == 0) {
				ztp_sshopts_print(&o, &b);
				ztp_sshopts_free(&o);
			}
		}
		ztp_sshconf_free(cf);
	}
	ztp_buf_free(&b);
	close(fd);
	return 0;
}
