/* t-devfix.c: the device-side commands per platform, and which platform a
 * name or a banner means */
#include <string.h>

#include "devfix.h"
#include "tap.h"

/* what OpenSSH 9.2 has on by default, per category (SSH-PROFILES.md) */
static const char kex92[] = "sntrup761x25519-sha512@openssh.com,curve25519-sha256,"
	"curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
	"diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
	"diffie-hellman-group18-sha512,diffie-hellman-group14-sha256";
static const char hk92[] = "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256";
static const char ciph92[] = "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
	"aes128-gcm@openssh.com,aes256-gcm@openssh.com";
static const char mac92[] = "hmac-sha2-256-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1";

static char out[4096];

static const char *cmds(int plat, const char *kex, const char *hk, const char *ciph, const char *mac,
			int dh, int rsa)
{
	struct ztp_devfix_need n = { { kex, hk, ciph, mac }, dh, rsa };
	struct ztp_buf b = ZTP_BUF_INIT;

	ztp_devfix_commands(&b, plat, &n, "");
	snprintf(out, sizeof out, "%s", b.p ? b.p : "");
	ztp_buf_free(&b);
	return out;
}

int main(void)
{
	const char *how, *s;

	/* which platform */
	is_int(ztp_devfix_platform("cisco_iosxe", NULL, &how), ZTP_DEV_IOS, "cisco_iosxe: IOS/IOS-XE");
	is_str(how, "platform", "from the platform name");
	is_int(ztp_devfix_platform("Cisco_IOS", NULL, &how), ZTP_DEV_IOS, "names in any case");
	is_int(ztp_devfix_platform("cisco_nxos", NULL, &how), ZTP_DEV_NXOS, "cisco_nxos");
	is_int(ztp_devfix_platform("cisco_xr", NULL, &how), ZTP_DEV_IOSXR, "cisco_xr");
	is_int(ztp_devfix_platform("juniper_junos", NULL, &how), ZTP_DEV_JUNOS, "juniper_junos");
	is_int(ztp_devfix_platform("huawei_vrp", NULL, &how), ZTP_DEV_VRP, "huawei_vrp");
	is_int(ztp_devfix_platform("arista_eos", NULL, &how), ZTP_DEV_EOS, "arista_eos");
	is_int(ztp_devfix_platform(NULL, "SSH-2.0-Cisco-1.25", &how), ZTP_DEV_IOS, "banner Cisco-1.25");
	is_str(how, "banner", "from the banner");
	is_int(ztp_devfix_platform(NULL, "SSH-1.99-Cisco-1.25", &how), ZTP_DEV_IOS, "banner 1.99 Cisco");
	is_int(ztp_devfix_platform(NULL, "SSH-2.0-HUAWEI-1.5", &how), ZTP_DEV_VRP, "banner HUAWEI");
	is_int(ztp_devfix_platform(NULL, "SSH-2.0-OpenSSH_7.5", &how), ZTP_DEV_UNKNOWN,
	       "an OpenSSH banner names no platform");
	is_int(ztp_devfix_platform("huawei_vrp", "SSH-2.0-Cisco-1.25", &how), ZTP_DEV_VRP,
	       "the platform name wins over the banner");
	is_int(ztp_devfix_platform("mikrotik_routeros", NULL, &how), ZTP_DEV_UNKNOWN, "an unknown platform");
	is_str(cmds(ZTP_DEV_UNKNOWN, kex92, NULL, NULL, NULL, 2048, 2048), "", "unknown: no commands");

	/* Cisco IOS/IOS-XE */
	s = cmds(ZTP_DEV_IOS, kex92, NULL, NULL, NULL, 2048, 2048);
	like(s, "on the device (Cisco IOS/IOS-XE):\n  configure terminal\n", "ios: enters configuration");
	like(s, "  ip ssh server algorithm kex ecdh-sha2-nistp256 ecdh-sha2-nistp384 ecdh-sha2-nistp521 "
	     "diffie-hellman-group16-sha512 diffie-hellman-group14-sha256\n",
	     "ios: the kex the client has, in IOS keywords");
	like(s, "  ip ssh dh min size 2048\n", "ios: the group-exchange minimum");
	like(s, "  crypto key generate rsa modulus 2048\n", "ios: a 2048-bit RSA key");
	like(s, "  end\n  write memory\n", "ios: saved");
	ok(strstr(s, "curve25519") == NULL, "ios: no name the platform lacks");
	s = cmds(ZTP_DEV_IOS, NULL, hk92, ciph92, mac92, 0, 0);
	like(s, "ip ssh server algorithm hostkey rsa-sha2-512 rsa-sha2-256\n", "ios: host key algorithms");
	like(s, "ip ssh server algorithm encryption aes256-gcm aes128-gcm aes256-ctr aes192-ctr aes128-ctr\n",
	     "ios: ciphers, gcm under its IOS name");
	like(s, "ip ssh server algorithm mac hmac-sha2-512 hmac-sha2-256 hmac-sha1\n", "ios: MACs");
	ok(strstr(s, "dh min") == NULL && strstr(s, "crypto key") == NULL, "ios: only what is needed");

	/* NX-OS */
	s = cmds(ZTP_DEV_NXOS, kex92, NULL, NULL, NULL, 0, 2048);
	like(s, "  ssh kexalgos all\n", "nxos: all key exchanges");
	like(s, "  no feature ssh\n  ssh key rsa 2048 force\n  feature ssh\n", "nxos: the RSA key");
	like(s, "copy running-config startup-config", "nxos: saved");
	s = cmds(ZTP_DEV_NXOS, NULL, NULL, NULL, NULL, 2048, 0);
	like(s, "no setting for the group-exchange minimum", "nxos: says what it cannot do");

	/* IOS-XR */
	s = cmds(ZTP_DEV_IOSXR, kex92, NULL, ciph92, NULL, 0, 0);
	like(s, "  configure\n  ssh server algorithms key-exchange ecdh-sha2-nistp256 ecdh-sha2-nistp384 "
	     "ecdh-sha2-nistp521\n", "iosxr: key exchange");
	like(s, "  ssh server algorithms cipher aes256-gcm@openssh.com aes128-gcm@openssh.com aes256-ctr "
	     "aes192-ctr aes128-ctr\n  commit\n", "iosxr: ciphers, committed");

	/* JunOS */
	s = cmds(ZTP_DEV_JUNOS, kex92, hk92, NULL, NULL, 2048, 0);
	like(s, "  set system services ssh key-exchange [ curve25519-sha256 ecdh-sha2-nistp256 "
	     "ecdh-sha2-nistp384 ecdh-sha2-nistp521 group-exchange-sha2 ]\n", "junos: key exchange keywords");
	like(s, "  set system services ssh hostkey-algorithm ssh-ed25519\n"
	     "  set system services ssh hostkey-algorithm ssh-ecdsa\n"
	     "  set system services ssh hostkey-algorithm ssh-rsa\n", "junos: one host key statement each, once");
	like(s, "  commit and-quit\n", "junos: committed");
	like(s, "leave group-exchange-sha1/-sha2 out", "junos: no minimum setting, says what to do");

	/* Huawei VRP */
	s = cmds(ZTP_DEV_VRP, kex92, NULL, ciph92, mac92, 2048, 2048);
	like(s, "  system-view\n  ssh server key-exchange ecdh_sha2_nistp256 ecdh_sha2_nistp384 ecdh_sha2_nistp521 "
	     "dh_group16_sha512 dh_group_exchange_sha256 dh_group14_sha256\n", "vrp: key exchange keywords");
	like(s, "  ssh server cipher aes256_ctr aes128_ctr\n", "vrp: ciphers");
	like(s, "  ssh server hmac sha2_256\n", "vrp: MACs");
	like(s, "  ssh server dh-exchange min-len 2048\n", "vrp: the group-exchange minimum");
	like(s, "  rsa local-key-pair create   (answer 2048 to the modulus question)\n", "vrp: the RSA key");
	like(s, "  return\n  save\n", "vrp: saved");

	/* Arista EOS */
	s = cmds(ZTP_DEV_EOS, kex92, NULL, ciph92, mac92, 0, 0);
	like(s, "  configure\n  management ssh\n     key-exchange curve25519-sha256 ecdh-sha2-nistp256",
	     "eos: key exchange under management ssh");
	like(s, "     cipher chacha20-poly1305@openssh.com aes256-gcm@openssh.com", "eos: ciphers");
	like(s, "     mac hmac-sha2-512 hmac-sha2-256 hmac-sha1\n  end\n  write memory\n", "eos: MACs, saved");
	s = cmds(ZTP_DEV_EOS, NULL, NULL, NULL, NULL, 0, 2048);
	like(s, "host key and the group-exchange minimum have no command known here", "eos: says what it lacks");
	ok(strstr(s, "configure") == NULL, "eos: no empty configuration block");

	/* a client whose names the platform has none of */
	s = cmds(ZTP_DEV_VRP, "sntrup761x25519-sha512@openssh.com", NULL, NULL, NULL, 0, 0);
	like(s, "(VRP:", "no keyword for the client's names: the note, no empty command");
	ok(strstr(s, "ssh server key-exchange") == NULL, "and no command");
	return done_testing();
}
