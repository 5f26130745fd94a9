/* devfix.c: device-side SSH server commands per platform (see devfix.h).
 *
 * One table per platform.  Sources (reference only, no text copied):
 * each entry's comment names where its syntax comes from; what could not
 * be confirmed is left out, and the output says so in the platform's
 * note, rather than printing a command that may not exist. */
#include <stdio.h>
#include <string.h>

#include "devfix.h"
#include "sshalg.h"
#include "str.h"

/* an SSH name and the platform's keyword for it */
struct kw {
	const char *ssh;
	const char *kw;
};

struct platform {
	int id;
	const char *name;
	const char *aliases;	/* platform names that mean it, comma-separated */
	const char *enter;	/* lines before the commands */
	/* per category (kex, host key, cipher, MAC): the command, %s the
	 * keywords joined by spaces; NULL: no known command */
	const char *cmd[4];
	int one_per_line[4];	/* one command per keyword */
	const struct kw *map[4];	/* names the platform has, best first */
	const char *dh_min;	/* %d: the minimum group size */
	const char *rsa;	/* %d: the modulus */
	const char *leave;	/* lines after */
	const char *note;	/* what is not covered */
};

/* Cisco IOS / IOS-XE: "ip ssh server algorithm {kex|hostkey|encryption|mac}"
 * (Cisco IOS XE Security Configuration Guide, Secure Shell Algorithms for
 * Common Criteria Certification), "ip ssh dh min size" (same guide, SSH
 * Version 2), "crypto key generate rsa modulus" (CONSOLE-FLOW.md, IOS
 * console transcripts). */
static const struct kw ios_kex[] = {
	{ "ecdh-sha2-nistp256", "ecdh-sha2-nistp256" },
	{ "ecdh-sha2-nistp384", "ecdh-sha2-nistp384" },
	{ "ecdh-sha2-nistp521", "ecdh-sha2-nistp521" },
	{ "diffie-hellman-group16-sha512", "diffie-hellman-group16-sha512" },
	{ "diffie-hellman-group14-sha256", "diffie-hellman-group14-sha256" },
	{ "diffie-hellman-group14-sha1", "diffie-hellman-group14-sha1" },
	{ NULL, NULL },
};
static const struct kw ios_hostkey[] = {
	{ "rsa-sha2-512", "rsa-sha2-512" },
	{ "rsa-sha2-256", "rsa-sha2-256" },
	{ "ssh-rsa", "ssh-rsa" },
	{ NULL, NULL },
};
static const struct kw ios_cipher[] = {
	{ "aes256-gcm@openssh.com", "aes256-gcm" },
	{ "aes128-gcm@openssh.com", "aes128-gcm" },
	{ "aes256-ctr", "aes256-ctr" },
	{ "aes192-ctr", "aes192-ctr" },
	{ "aes128-ctr", "aes128-ctr" },
	{ NULL, NULL },
};
static const struct kw ios_mac[] = {
	{ "hmac-sha2-512", "hmac-sha2-512" },
	{ "hmac-sha2-256", "hmac-sha2-256" },
	{ "hmac-sha1", "hmac-sha1" },
	{ NULL, NULL },
};

/* Huawei VRP: "ssh server key-exchange", "ssh server cipher", "ssh server
 * hmac", "ssh server dh-exchange min-len" (Huawei command references,
 * ssh server key-exchange / ssh server dh-exchange min-len pages: the
 * keywords dh_group14_sha256, ecdh_sha2_nistp256 ..., values 1024/2048/
 * 3072), "rsa local-key-pair create" (CONSOLE-FLOW.md: it asks for the
 * modulus).  Some releases need the WEAKEA plug-in for the SHA-1 ones. */
static const struct kw vrp_kex[] = {
	{ "ecdh-sha2-nistp256", "ecdh_sha2_nistp256" },
	{ "ecdh-sha2-nistp384", "ecdh_sha2_nistp384" },
	{ "ecdh-sha2-nistp521", "ecdh_sha2_nistp521" },
	{ "diffie-hellman-group16-sha512", "dh_group16_sha512" },
	{ "diffie-hellman-group15-sha512", "dh_group15_sha512" },
	{ "diffie-hellman-group-exchange-sha256", "dh_group_exchange_sha256" },
	{ "diffie-hellman-group14-sha256", "dh_group14_sha256" },
	{ "diffie-hellman-group14-sha1", "dh_group14_sha1" },
	{ "diffie-hellman-group-exchange-sha1", "dh_group_exchange_sha1" },
	{ NULL, NULL },
};
static const struct kw vrp_cipher[] = {
	{ "aes256-ctr", "aes256_ctr" },
	{ "aes128-ctr", "aes128_ctr" },
	{ NULL, NULL },
};
static const struct kw vrp_mac[] = {
	{ "hmac-sha2-256", "sha2_256" },
	{ NULL, NULL },
};

/* JunOS: [edit system services ssh] key-exchange (keywords
 * group-exchange-sha2, dh-group14-sha1, ecdh-sha2-nistp256 ...),
 * hostkey-algorithm (ssh-rsa, ssh-ecdsa ...), ciphers, macs (Junos OS
 * configuration statements key-exchange, hostkey-algorithm). */
static const struct kw junos_kex[] = {
	{ "curve25519-sha256", "curve25519-sha256" },
	{ "ecdh-sha2-nistp256", "ecdh-sha2-nistp256" },
	{ "ecdh-sha2-nistp384", "ecdh-sha2-nistp384" },
	{ "ecdh-sha2-nistp521", "ecdh-sha2-nistp521" },
	{ "diffie-hellman-group-exchange-sha256", "group-exchange-sha2" },
	{ "diffie-hellman-group14-sha1", "dh-group14-sha1" },
	{ "diffie-hellman-group-exchange-sha1", "group-exchange-sha1" },
	{ NULL, NULL },
};
static const struct kw junos_hostkey[] = {
	{ "ssh-ed25519", "ssh-ed25519" },
	{ "ecdsa-sha2-nistp256", "ssh-ecdsa" },
	{ "ecdsa-sha2-nistp384", "ssh-ecdsa" },
	{ "ecdsa-sha2-nistp521", "ssh-ecdsa" },
	{ "rsa-sha2-512", "ssh-rsa" },
	{ "rsa-sha2-256", "ssh-rsa" },
	{ "ssh-rsa", "ssh-rsa" },
	{ NULL, NULL },
};
static const struct kw junos_cipher[] = {
	{ "chacha20-poly1305@openssh.com", "chacha20-poly1305@openssh.com" },
	{ "aes256-gcm@openssh.com", "aes256-gcm@openssh.com" },
	{ "aes128-gcm@openssh.com", "aes128-gcm@openssh.com" },
	{ "aes256-ctr", "aes256-ctr" },
	{ "aes192-ctr", "aes192-ctr" },
	{ "aes128-ctr", "aes128-ctr" },
	{ NULL, NULL },
};
static const struct kw junos_mac[] = {
	{ "hmac-sha2-256-etm@openssh.com", "hmac-sha2-256-etm@openssh.com" },
	{ "hmac-sha2-512-etm@openssh.com", "hmac-sha2-512-etm@openssh.com" },
	{ "hmac-sha2-256", "hmac-sha2-256" },
	{ "hmac-sha2-512", "hmac-sha2-512" },
	{ "hmac-sha1", "hmac-sha1" },
	{ NULL, NULL },
};

/* IOS-XR: "ssh server algorithms key-exchange" and "ssh server algorithms
 * cipher" (Cisco IOS XR System Security Configuration Guide, Implementing
 * Secure Shell; the IOS-XR ssh data model's server algorithms
 * key_exchanges and ciphers); "crypto key generate rsa" in EXEC mode (same
 * guide: it asks for the modulus). */
static const struct kw xr_kex[] = {
	{ "ecdh-sha2-nistp256", "ecdh-sha2-nistp256" },
	{ "ecdh-sha2-nistp384", "ecdh-sha2-nistp384" },
	{ "ecdh-sha2-nistp521", "ecdh-sha2-nistp521" },
	{ "diffie-hellman-group14-sha1", "diffie-hellman-group14-sha1" },
	{ NULL, NULL },
};
static const struct kw xr_cipher[] = {
	{ "aes256-gcm@openssh.com", "aes256-gcm@openssh.com" },
	{ "aes128-gcm@openssh.com", "aes128-gcm@openssh.com" },
	{ "aes256-ctr", "aes256-ctr" },
	{ "aes192-ctr", "aes192-ctr" },
	{ "aes128-ctr", "aes128-ctr" },
	{ NULL, NULL },
};

/* Arista EOS: "management ssh" mode, "key-exchange", "cipher", "mac"
 * (EOS User Manual, Management Commands: management ssh); OpenSSH names. */
static const struct kw eos_kex[] = {
	{ "curve25519-sha256", "curve25519-sha256" },
	{ "ecdh-sha2-nistp256", "ecdh-sha2-nistp256" },
	{ "ecdh-sha2-nistp384", "ecdh-sha2-nistp384" },
	{ "ecdh-sha2-nistp521", "ecdh-sha2-nistp521" },
	{ "diffie-hellman-group-exchange-sha256", "diffie-hellman-group-exchange-sha256" },
	{ "diffie-hellman-group16-sha512", "diffie-hellman-group16-sha512" },
	{ "diffie-hellman-group14-sha256", "diffie-hellman-group14-sha256" },
	{ "diffie-hellman-group14-sha1", "diffie-hellman-group14-sha1" },
	{ NULL, NULL },
};
static const struct kw eos_cipher[] = {
	{ "chacha20-poly1305@openssh.com", "chacha20-poly1305@openssh.com" },
	{ "aes256-gcm@openssh.com", "aes256-gcm@openssh.com" },
	{ "aes128-gcm@openssh.com", "aes128-gcm@openssh.com" },
	{ "aes256-ctr", "aes256-ctr" },
	{ "aes192-ctr", "aes192-ctr" },
	{ "aes128-ctr", "aes128-ctr" },
	{ NULL, NULL },
};
static const struct kw eos_mac[] = {
	{ "hmac-sha2-512", "hmac-sha2-512" },
	{ "hmac-sha2-256", "hmac-sha2-256" },
	{ "hmac-sha1", "hmac-sha1" },
	{ NULL, NULL },
};

static const struct platform platforms[] = {
	{
		ZTP_DEV_IOS, "Cisco IOS/IOS-XE", "cisco_ios,cisco_iosxe,cisco_xe,ios,iosxe,ios-xe",
		"configure terminal",
		{ "ip ssh server algorithm kex %s", "ip ssh server algorithm hostkey %s",
		  "ip ssh server algorithm encryption %s", "ip ssh server algorithm mac %s" },
		{ 0, 0, 0, 0 },
		{ ios_kex, ios_hostkey, ios_cipher, ios_mac },
		"ip ssh dh min size %d",
		"crypto key generate rsa modulus %d",	/* needs ip domain-name */
		"end\nwrite memory",
		"the names your release accepts: ip ssh server algorithm kex ?",
	},
	{
		/* NX-OS: "ssh kexalgos all", "ssh ciphers all", "ssh macs all",
		 * "ssh keytypes all" (Cisco Nexus NX-OS Security Configuration
		 * Guide, Configuring SSH and Telnet); the RSA key: "no feature
		 * ssh", "ssh key rsa 2048 force", "feature ssh" (CIS Cisco NX-OS
		 * benchmark, the 2048-bit key item: over the console, the SSH
		 * session drops) */
		ZTP_DEV_NXOS, "Cisco NX-OS", "cisco_nxos,nxos,nx-os",
		"configure terminal",
		{ "ssh kexalgos all", "ssh keytypes all", "ssh ciphers all", "ssh macs all" },
		{ 0, 0, 0, 0 },
		{ NULL, NULL, NULL, NULL },
		NULL,
		"no feature ssh\nssh key rsa %d force\nfeature ssh",
		"end\ncopy running-config startup-config",
		"NX-OS has no setting for the group-exchange minimum known here; "
		"the RSA key change drops SSH: do it from the console",
	},
	{
		ZTP_DEV_IOSXR, "Cisco IOS-XR", "cisco_xr,cisco_iosxr,iosxr,ios-xr,xr",
		"configure",
		{ "ssh server algorithms key-exchange %s", NULL, "ssh server algorithms cipher %s", NULL },
		{ 0, 0, 0, 0 },
		{ xr_kex, NULL, xr_cipher, NULL },
		NULL,
		"commit\nend\ncrypto key generate rsa   (EXEC mode; answer %d to the modulus question)",
		"commit",
		"IOS-XR: no host key algorithm, MAC or group-exchange minimum command known here",
	},
	{
		ZTP_DEV_JUNOS, "Juniper JunOS", "juniper_junos,junos,juniper",
		"configure",
		{ "set system services ssh key-exchange [ %s ]", "set system services ssh hostkey-algorithm %s",
		  "set system services ssh ciphers [ %s ]", "set system services ssh macs [ %s ]" },
		{ 0, 1, 0, 0 },
		{ junos_kex, junos_hostkey, junos_cipher, junos_mac },
		NULL,
		NULL,
		"commit and-quit",
		"JunOS makes its own host keys and has no group-exchange minimum known here: "
		"leave group-exchange-sha1/-sha2 out of key-exchange, offer ssh-ecdsa or ssh-ed25519 "
		"host keys instead of a small RSA key",
	},
	{
		ZTP_DEV_VRP, "Huawei VRP", "huawei_vrp,huawei,vrp,huawei_vrpv8",
		"system-view",
		{ "ssh server key-exchange %s", NULL, "ssh server cipher %s", "ssh server hmac %s" },
		{ 0, 0, 0, 0 },
		{ vrp_kex, NULL, vrp_cipher, vrp_mac },
		"ssh server dh-exchange min-len %d",
		"rsa local-key-pair create   (answer %d to the modulus question)",
		"return\nsave",
		"VRP: the SHA-1 key exchanges may need the WEAKEA plug-in on recent releases",
	},
	{
		ZTP_DEV_EOS, "Arista EOS", "arista_eos,eos,arista",
		"configure\nmanagement ssh",
		{ "   key-exchange %s", NULL, "   cipher %s", "   mac %s" },
		{ 0, 0, 0, 0 },
		{ eos_kex, NULL, eos_cipher, eos_mac },
		NULL,
		NULL,
		"end\nwrite memory",
		"EOS: the host key and the group-exchange minimum have no command known here",
	},
};

#define NPLAT (sizeof platforms / sizeof platforms[0])

static const struct platform *find(int id)
{
	size_t i;

	for (i = 0; i < NPLAT; i++)
		if (platforms[i].id == id)
			return &platforms[i];
	return NULL;
}

const char *ztp_devfix_name(int plat)
{
	const struct platform *p = find(plat);

	return p ? p->name : "unknown";
}

int ztp_devfix_platform(const char *platform, const char *banner, const char **how)
{
	char low[64];
	size_t i, k;

	*how = "";
	if (platform && *platform) {
		for (k = 0; platform[k] && k + 1 < sizeof low; k++)
			low[k] = (char)(platform[k] >= 'A' && platform[k] <= 'Z' ? platform[k] + 32 :
					platform[k]);
		low[k] = '\0';
		for (i = 0; i < NPLAT; i++)
			if (ztp_sshalg_has(platforms[i].aliases, low)) {
				*how = "platform";
				return platforms[i].id;
			}
	}
	if (banner == NULL)
		return ZTP_DEV_UNKNOWN;
	/* what banners say: Cisco's own SSH server (IOS, IOS-XE) and Huawei's;
	 * an OpenSSH banner names no platform */
	if (strncmp(banner, "SSH-2.0-Cisco-1.", 16) == 0 || strncmp(banner, "SSH-1.99-Cisco-1.", 17) == 0) {
		*how = "banner";
		return ZTP_DEV_IOS;
	}
	if (strncmp(banner, "SSH-2.0-HUAWEI-", 15) == 0 || strncmp(banner, "SSH-1.99-HUAWEI-", 16) == 0) {
		*how = "banner";
		return ZTP_DEV_VRP;
	}
	return ZTP_DEV_UNKNOWN;
}

/* the platform's keywords for the names the client accepts, in the
 * platform's order (best first), each once */
static void keywords(struct ztp_buf *out, const struct kw *map, const char *want)
{
	size_t i;

	for (i = 0; map[i].ssh; i++) {
		const char *k = map[i].kw;
		size_t n = strlen(k);
		const char *q = out->p;
		int dup = 0;

		if (!ztp_sshalg_has(want, map[i].ssh))
			continue;
		for (; q && (q = strstr(q, k)) != NULL; q += n)
			if ((q == out->p || q[-1] == ' ') && (q[n] == ' ' || q[n] == '\0'))
				dup = 1;
		if (!dup)
			ztp_buf_addf(out, "%s%s", out->len ? " " : "", k);
	}
}

static void lines(struct ztp_buf *b, const char *indent, const char *text)
{
	const char *nl;

	for (; text && *text; text = nl ? nl + 1 : text + strlen(text)) {
		nl = strchr(text, '\n');
		ztp_buf_addf(b, "%s  %.*s\n", indent, (int)(nl ? nl - text : (long)strlen(text)), text);
	}
}

/* a command of the table: "%s" becomes s, "%d" becomes d; one line */
static void fill(struct ztp_buf *b, const char *fmt, const char *s, int d)
{
	const char *p;

	for (p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 's' && s) {
			ztp_buf_adds(b, s);
			p++;
		} else if (p[0] == '%' && p[1] == 'd') {
			ztp_buf_addll(b, d);
			p++;
		} else {
			ztp_buf_addc(b, *p);
		}
	}
	ztp_buf_addc(b, '\n');
}

void ztp_devfix_commands(struct ztp_buf *b, int plat, const struct ztp_devfix_need *n,
			 const char *indent)
{
	const struct platform *p = find(plat);
	struct ztp_buf kw = ZTP_BUF_INIT, cmd = ZTP_BUF_INIT;
	char one[128];
	const char *s;
	int c, any = 0, missing = 0;

	if (p == NULL)
		return;
	for (c = 0; c < 4; c++) {
		if (n->want[c] == NULL)
			continue;
		if (p->cmd[c] == NULL) {
			missing = 1;
			continue;
		}
		if (strstr(p->cmd[c], "%s") == NULL) {	/* "ssh kexalgos all" */
			ztp_buf_addf(&cmd, "%s\n", p->cmd[c]);
			any = 1;
			continue;
		}
		ztp_buf_reset(&kw);
		keywords(&kw, p->map[c], n->want[c]);
		if (kw.len == 0) {
			missing = 1;
			continue;
		}
		if (p->one_per_line[c]) {
			for (s = kw.p; *s; ) {
				size_t l = strcspn(s, " ");

				if (snprintf(one, sizeof one, "%.*s", (int)l, s) < (int)sizeof one)
					fill(&cmd, p->cmd[c], one, 0);
				s += l;
				s += *s == ' ';
			}
		} else {
			fill(&cmd, p->cmd[c], kw.p, 0);
		}
		any = 1;
	}
	if (n->dh_min > 0) {
		if (p->dh_min) {
			fill(&cmd, p->dh_min, NULL, n->dh_min);
			any = 1;
		} else {
			missing = 1;
		}
	}
	if (n->rsa_bits > 0) {
		if (p->rsa) {
			fill(&cmd, p->rsa, NULL, n->rsa_bits);
			any = 1;
		} else {
			missing = 1;
		}
	}
	ztp_buf_addf(b, "%son the device (%s):\n", indent, p->name);
	if (any) {
		lines(b, indent, p->enter);
		lines(b, indent, cmd.p);
		lines(b, indent, p->leave);
	}
	if (missing || !any)
		ztp_buf_addf(b, "%s  (%s)\n", indent, p->note);
	ztp_buf_free(&kw);
	ztp_buf_free(&cmd);
}
