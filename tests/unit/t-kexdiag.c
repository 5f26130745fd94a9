/* t-kexdiag.c: diagnosis of real-world offers against libssh 0.10.6 */
#include "kexdiag.h"
#include "tap.h"
#include "str.h"
#include "yml.h"

static struct ztp_sshalg_lib lib;

/* an old IOS box as in the incident (OpenSSH adds the kex-strict marker) */
static const char *const ios[ZTP_KL_N] = {
	"diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,kex-strict-s-v00@openssh.com",
	"ssh-rsa",
	"aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,3des-cbc",
	"aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,3des-cbc",
	"hmac-sha1,hmac-sha1-96", "hmac-sha1,hmac-sha1-96",
	"none", "none", "", "",
};
static const char *const dss[ZTP_KL_N] = {
	"diffie-hellman-group1-sha1", "ssh-dss", "3des-cbc", "3des-cbc",
	"hmac-md5", "hmac-md5", "none", "none", "", "",
};
static const char *const modern[ZTP_KL_N] = {
	"curve25519-sha256,ext-info-s", "ssh-ed25519",
	"chacha20-poly1305@openssh.com", "chacha20-poly1305@openssh.com",
	"umac-64@openssh.com", "umac-64@openssh.com", "none", "none", "", "",
};
/* only MACs libssh lacks, but an AEAD cipher is on offer (not the client's first) */
static const char *const macless[ZTP_KL_N] = {
	"curve25519-sha256", "ssh-ed25519", "aes128-ctr,aes128-gcm@openssh.com",
	"aes128-ctr,aes128-gcm@openssh.com", "umac-64@openssh.com", "umac-64@openssh.com",
	"none", "none", "", "",
};

static struct ztp_kexdiag *diag_of(const char *const *offer, char **client)
{
	return ztp_kexdiag_run(offer, client, &lib);
}

int main(void)
{
	struct ztp_err e;
	struct ztp_kexdiag *d;
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_val *v;
	char *client[ZTP_ALG_NCAT];
	int i;

	ztp_sshalg_lib_load(&lib, "0.10.6", &e);
	for (i = 0; i < ZTP_ALG_NCAT; i++)
		client[i] = lib.defaults[i];

	d = diag_of(ios, client);
	ok(!d->negotiable, "incident: not negotiable with the defaults");
	is_int(d->nfail, 4, "kex, host key and both MAC directions fail at once");
	ok(d->s[ZTP_KD_ENC_CS].ok, "cipher agrees");
	is_str(d->s[ZTP_KD_ENC_CS].agreed, "aes256-ctr", "client's first: aes256-ctr");
	ok(d->fixable, "fixable by configuration");
	is_str(d->fix[ZTP_ALG_KEX], "+diffie-hellman-group14-sha1", "kex fix");
	is_str(d->fix[ZTP_ALG_HOSTKEY], "+ssh-rsa", "host key fix");
	is_str(d->fix[ZTP_ALG_MAC], "+hmac-sha1", "mac fix (not hmac-sha1-96: unsupported)");
	ok(d->fix[ZTP_ALG_CIPHER] == NULL, "no cipher fix: not needed");
	ztp_kexdiag_fix_ssh_config(&b, d, "rtr1", "");
	is_str(b.p, "Host rtr1\n    KexAlgorithms +diffie-hellman-group14-sha1\n"
	       "    HostKeyAlgorithms +ssh-rsa\n    MACs +hmac-sha1\n", "ssh_config block");
	ztp_buf_reset(&b);
	ztp_kexdiag_fix_ssh_o(&b, d, "rtr1");
	is_str(b.p, "ssh -o KexAlgorithms=+diffie-hellman-group14-sha1 -o HostKeyAlgorithms=+ssh-rsa "
	       "-o MACs=+hmac-sha1 rtr1\n", "ssh -o");
	ztp_buf_reset(&b);
	ztp_kexdiag_fix_yml(&b, d, "rtr1", "");
	is_str(b.p, "devices:\n  rtr1:\n    ssh:\n      kex_algorithms: '+diffie-hellman-group14-sha1'\n"
	       "      hostkey_algorithms: '+ssh-rsa'\n      macs: '+hmac-sha1'\n", "ztp.yml lines");
	{
		struct ztp_val *y = NULL;

		ok(ztp_yml_load_buf(b.p, b.len, "fix", NULL, &y, &e) == 0 &&
		   ztp_streq(ztp_map_str(ztp_val_path(y, "devices.rtr1.ssh"), "macs"), "+hmac-sha1"),
		   "ztp.yml lines are YAML that reads back");
		ztp_val_unref(y);
	}
	ztp_buf_reset(&b);
	ztp_kexdiag_text(&b, d, "rtr1:22", "rtr1", "SSH-2.0-Cisco-1.25\x1b[31m", 0);
	like(b.p, "NOT NEGOTIABLE with libssh 0.10.6; failing: kex host key mac c2s mac s2c", "text headline");
	like(b.p, "SSH-2.0-Cisco-1.25\\x1b[31m", "banner escaped");
	like(b.p, "weak, in use (information only): diffie-hellman-group14-sha1 (SHA-1 key exchange), ssh-rsa", "weak line names what the fix enables") ;
	ok(strstr(b.p, "kex-strict") == NULL, "pseudo-algorithms never shown");
	like(b.p, "PubkeyAcceptedAlgorithms +ssh-rsa", "RSA login note");
	v = ztp_kexdiag_val(d);
	ztp_buf_reset(&b);
	ztp_json_emit(&b, ztp_map_get(v, "fix"), 0);
	is_str(b.p, "{\"kex_algorithms\": \"+diffie-hellman-group14-sha1\", \"hostkey_algorithms\": \"+ssh-rsa\", "
	       "\"macs\": \"+hmac-sha1\"}", "fix in the value tree");
	ztp_buf_reset(&b);
	ztp_json_emit(&b, ztp_map_get(v, "failing"), 0);
	is_str(b.p, "[\"kex\", \"hostkey\", \"mac_c2s\", \"mac_s2c\"]", "failing slots in the value tree");
	ztp_val_unref(v);
	ztp_kexdiag_free(d);

	/* the fix applied makes it negotiable */
	{
		char *fixed[ZTP_ALG_NCAT];
		const char *spec[ZTP_ALG_NCAT] = { "+diffie-hellman-group14-sha1", "+ssh-rsa", NULL,
						   "+hmac-sha1", NULL, NULL };

		for (i = 0; i < ZTP_ALG_NCAT; i++)
			ztp_sshalg_apply(i, spec[i], lib.defaults[i], lib.supported[i], NULL, NULL,
					 &fixed[i], NULL, &e);
		d = diag_of(ios, fixed);
		ok(d->negotiable, "with the fix applied: negotiable");
		is_str(d->s[ZTP_KD_KEX].agreed, "diffie-hellman-group14-sha1", "agrees on group14-sha1");
		ztp_buf_reset(&b);
		ztp_kexdiag_text(&b, d, "rtr1:22", "rtr1", NULL, 0);
		like(b.p, "weak, in use (information only): diffie-hellman-group14-sha1 (SHA-1 key exchange)",
		     "weak algorithms flagged as information");
		ztp_kexdiag_free(d);
		for (i = 0; i < ZTP_ALG_NCAT; i++)
			free(fixed[i]);
	}

	d = diag_of(dss, client);
	ok(!d->negotiable && !d->fixable, "ssh-dss + hmac-md5 only: not fixable");
	like(d->why, "host key: the server offers only ssh-dss, and libssh 0.10.6 implements none of them",
	     "says why (host key)");
	like(d->why, "; mac: the server offers only hmac-md5", "says why (mac)");
	is_str(d->fix[ZTP_ALG_KEX], "+diffie-hellman-group1-sha1", "the fixable parts still computed");
	ztp_buf_reset(&b);
	ztp_kexdiag_text(&b, d, "old:22", "old", NULL, 0);
	like(b.p, "no configuration can fix this", "text says nothing can fix it");
	ok(strstr(b.p, "Host old") == NULL, "and prints no fix block");
	ztp_kexdiag_free(d);

	d = diag_of(modern, client);
	ok(d->negotiable, "modern server: negotiable");
	ok(d->s[ZTP_KD_MAC_CS].implicit && d->s[ZTP_KD_MAC_SC].ok,
	   "umac-only MACs do not matter with chacha20-poly1305");
	ztp_kexdiag_free(d);

	client[ZTP_ALG_CIPHER] = "aes128-ctr";	/* as if configured so */
	d = diag_of(macless, client);
	client[ZTP_ALG_CIPHER] = lib.defaults[ZTP_ALG_CIPHER];
	ok(!d->negotiable, "aes128-ctr agreed but no usable MAC: not negotiable");
	is_str(d->fix[ZTP_ALG_CIPHER], "^aes128-gcm@openssh.com", "fix: prefer the AEAD cipher");
	ok(d->fix[ZTP_ALG_MAC] == NULL, "no MAC fix");
	ok(d->fixable, "fixable");
	ok(!d->s[ZTP_KD_MAC_CS].lib_can && d->s[ZTP_KD_MAC_CS].via_aead,
	   "the MAC slot says libssh has none of the MACs, fixed through the cipher");
	ztp_buf_reset(&b);
	ztp_kexdiag_text(&b, d, "x:22", "x", NULL, 0);
	like(b.p, "an AEAD cipher needs no MAC", "text explains the cipher fix");
	like(b.p, "Ciphers ^aes128-gcm@openssh.com", "ssh_config prepends the AEAD cipher");
	ztp_kexdiag_free(d);

	/* directions that differ, and a server that insists on compression */
	{
		static const char *const odd[ZTP_KL_N] = {
			"curve25519-sha256", "ssh-ed25519", "aes128-cbc", "aes256-ctr,aes256-cbc",
			"hmac-sha2-256", "hmac-sha2-256", "zlib@openssh.com", "none", "", "",
		};

		client[ZTP_ALG_COMP] = "none";
		d = diag_of(odd, client);
		client[ZTP_ALG_COMP] = lib.defaults[ZTP_ALG_COMP];
		ok(!d->s[ZTP_KD_ENC_CS].ok && d->s[ZTP_KD_ENC_SC].ok, "only c2s cipher fails");
		is_str(d->fix[ZTP_ALG_CIPHER], "+aes128-cbc", "fix for that direction only");
		ok(!d->s[ZTP_KD_COMP_CS].ok && d->s[ZTP_KD_COMP_SC].ok, "c2s compression fails");
		is_str(d->fix[ZTP_ALG_COMP], "+zlib@openssh.com", "compression fix");
		ztp_buf_reset(&b);
		ztp_kexdiag_fix_ssh_config(&b, d, "x", "");
		like(b.p, "    Compression yes\n", "ssh_config says Compression yes (not a list)");
		ztp_buf_reset(&b);
		ztp_kexdiag_text(&b, d, "x:22", "x", NULL, 0);
		like(b.p, "cipher c2s       FAIL  server offers: aes128-cbc", "directions shown apart");
		like(b.p, "cipher s2c       ok    aes256-ctr", "the good direction too");
		ztp_kexdiag_free(d);
	}
	{
		/* a device key that YAML would misread */
		d = diag_of(ios, client);
		ztp_buf_reset(&b);
		ztp_kexdiag_fix_yml(&b, d, "fe80::1", "");
		like(b.p, "devices:\n  'fe80::1':\n", "IPv6 device key quoted");
		ztp_buf_reset(&b);
		ztp_kexdiag_text(&b, d, "[fe80::1]:2222", "fe80::1", NULL, 0);
		like(b.p, "-o MACs=+hmac-sha1 -p 2222 fe80::1", "ssh -o with -p for another port");
		ztp_kexdiag_free(d);
	}

	/* a result as JSON and its offer read back: what --replay reads */
	{
		struct ztp_sshwire_result r;
		struct ztp_val *doc = NULL;
		char *lists[ZTP_KL_N];
		const char *bad = "{\"offer\": {\"kex\": 7}}";
		int same = 1;

		memset(&r, 0, sizeof r);
		snprintf(r.addr, sizeof r.addr, "192.0.2.1");
		for (i = 0; i < ZTP_KL_N; i++)
			r.kex.list[i] = (char *)ios[i];
		d = diag_of(ios, client);
		v = ztp_kexdiag_result_val(NULL, &r, d);
		ztp_buf_reset(&b);
		ztp_json_emit(&b, v, 0);
		like(b.p, "\"status\": \"ok\"", "result as JSON: status");
		like(b.p, "\"kex\": [\"diffie-hellman-group14-sha1\"", "result as JSON: the offer as arrays");
		like(b.p, "\"negotiable\": false", "result as JSON: the diagnosis");
		ok(ztp_yml_load_buf(b.p, b.len, "t", NULL, &doc, &e) == 0 &&
		   ztp_kexdiag_offer_from_val(doc, lists) == 0, "the saved offer reads back");
		for (i = 0; doc && i < ZTP_KL_N; i++) {
			same &= strcmp(lists[i], ios[i]) == 0;
			free(lists[i]);
		}
		ok(same, "every list as it was offered");
		ztp_val_unref(doc);
		ztp_val_unref(v);
		ztp_kexdiag_free(d);
		ok(ztp_yml_load_buf(bad, strlen(bad), "t", NULL, &doc, &e) == 0 &&
		   ztp_kexdiag_offer_from_val(doc, lists) < 0, "an offer of the wrong shape is refused");
		ztp_val_unref(doc);
	}

	ztp_buf_free(&b);
	ztp_sshalg_lib_free(&lib);
	return done_testing();
}
