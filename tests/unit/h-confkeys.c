/* h-confkeys: every key of ztp.yml and of the secrets file the tools
 * accept, one dotted path a line (a map's entries as <name>), for
 * tests/man.t to check against ztp.yml(5). */
#include <stdio.h>

#include "../../lib/conf.h"
#include "../../lib/conline.h"
#include "../../lib/dhcpconf.h"
#include "../../lib/pushconf.h"
#include "../../lib/sshset.h"

static void walk(const struct ztp_conf_schema *s, const char *prefix)
{
	const struct ztp_conf_key *k;
	char path[512];

	for (k = s->keys; k->name; k++) {
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", k->name);
		printf("%s\n", path);
		if (k->sub && (k->type == ZTP_CT_MAP || k->type == ZTP_CT_LIST)) {
			char inner[600];

			snprintf(inner, sizeof inner, "%s.<name>", path);
			walk(k->sub, inner);
		} else if (k->sub) {
			walk(k->sub, path);
		}
	}
}

int main(void)
{
	walk(&ztp_conf_schema, "");
	walk(&ztp_ssh_schema, "ssh");
	walk(&ztp_dhcp_schema, "dhcp");
	walk(&ztp_racks_schema, "");
	walk(&ztp_ts_schema, "racks.<name>.terminal_server");
	walk(&ztp_templates_schema, "templates");
	walk(&ztp_services_schema, "");
	walk(&ztp_secrets_schema, "secrets");
	return 0;
}
