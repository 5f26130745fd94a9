/* fz-toml: the TOML reader of ztp-kexcheck --lock on arbitrary bytes.  The
 * tree it returns, when it returns one, is printed as JSON (every value
 * visited) and freed. */
#include <stdint.h>

#include "buf.h"
#include "toml.h"
#include "yml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ztp_val *v = NULL;
	struct ztp_err e;

	if (ztp_toml_parse((const char *)data, size, "fuzz.toml", &v, &e) == 0) {
		struct ztp_buf b = ZTP_BUF_INIT;

		ztp_json_emit(&b, v, 0);
		ztp_buf_free(&b);
		ztp_val_unref(v);
	}
	return 0;
}
