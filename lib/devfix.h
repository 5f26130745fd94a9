/* devfix.h: the commands that fix an SSH server on the device side, per
 * platform (Cisco IOS/IOS-XE, NX-OS, IOS-XR, JunOS, Huawei VRP, Arista
 * EOS), for the verdicts of ztp-kexcheck that no client setting can fix.
 *
 * The syntax is data (lib/devfix.c), one table per platform, each entry
 * with its source in a comment.  Names are translated from the SSH names
 * (OpenSSH's) to the platform's keywords; a name the platform has no
 * keyword for is left out, never guessed. */
#ifndef ZTP_DEVFIX_H
#define ZTP_DEVFIX_H

#include "buf.h"

enum ztp_devfix_plat {
	ZTP_DEV_UNKNOWN, ZTP_DEV_IOS, ZTP_DEV_NXOS, ZTP_DEV_IOSXR, ZTP_DEV_JUNOS, ZTP_DEV_VRP,
	ZTP_DEV_EOS
};

/* The platform of a device: from its platform name (ztp.yml platforms,
 * a record, --platform: "cisco_iosxe", "huawei_vrp", "junos" ...) when
 * given, else from its SSH banner where a banner says it ("Cisco-1.25":
 * IOS or IOS-XE; "HUAWEI-": VRP; an OpenSSH banner says nothing, JunOS,
 * NX-OS, EOS and IOS-XR all run OpenSSH).  *how says which ("platform
 * cisco_iosxe", "banner SSH-2.0-Cisco-1.25"). */
int ztp_devfix_platform(const char *platform, const char *banner, const char **how);
const char *ztp_devfix_name(int plat);	/* "Cisco IOS/IOS-XE" */

/* what the device must change */
struct ztp_devfix_need {
	/* per category (ZTP_ALG_KEX, _HOSTKEY, _CIPHER, _MAC): the names the
	 * client accepts, best first (comma-separated), to enable on the
	 * device; NULL: the category is fine */
	const char *want[4];
	int dh_min;	/* group exchange must send at least this many bits, 0: fine */
	int rsa_bits;	/* the RSA host key must have this many bits, 0: fine */
};

/* The commands, one per line, each prefixed by indent; nothing when the
 * platform is unknown.  The first line says for which platform. */
void ztp_devfix_commands(struct ztp_buf *b, int plat, const struct ztp_devfix_need *n,
			 const char *indent);

#endif
