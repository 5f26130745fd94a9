/* fz-tmpl: the template lexer, parser and renderer on arbitrary input.
 * The first byte picks the options (trim/lstrip/keep newline, undefined
 * mode); the rest is the template, rendered with a little data under tight
 * limits.  "inc.j2" names the same text, so include/import recurse. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "tmpl.h"
#include "val.h"
#include "yml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char vars_yml[] =
	"hostname: r1\n"
	"interfaces:\n"
	"  - {name: Gi1, ipv4: 10.0.0.1/24, enabled: true, vlans: [1, 2]}\n"
	"  - {name: Gi2, ipv6: '2001:db8::1/64', mtu: 9000}\n"
	"vrfs: {red: {rd: '1:1'}, blue: {rd: '1:2'}}\n"
	"n: 3\nf: 1.5\ns: 'a b c'\nnone: null\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ztp_val *vars;
	struct ztp_tmpl_opts o;
	struct ztp_tmpl_env *env;
	struct ztp_buf out = ZTP_BUF_INIT;
	struct ztp_err e;

	if (vars == NULL && ztp_yml_load_buf(vars_yml, sizeof vars_yml - 1, "vars", NULL,
					     &vars, NULL) < 0)
		return 0;
	if (size < 1 || size > 65536)
		return 0;
	memset(&o, 0, sizeof o);
	o.trim_blocks = data[0] & 1;
	o.lstrip_blocks = (data[0] >> 1) & 1;
	o.keep_trailing_newline = (data[0] >> 2) & 1;
	o.undefined = ((data[0] >> 3) & 3) % 3;
	o.max_output = 1 << 16;
	o.max_steps = 200000;
	o.max_range = 1000;
	o.max_depth = 20;
	env = ztp_tmpl_env_new(&o);
	ztp_tmpl_env_add(env, "t.j2", (const char *)data + 1, size - 1);
	ztp_tmpl_env_add(env, "inc.j2", (const char *)data + 1, size - 1);
	ztp_tmpl_render(env, "t.j2", vars, &out, &e);
	ztp_buf_free(&out);
	ztp_tmpl_env_free(env);
	return 0;
}
