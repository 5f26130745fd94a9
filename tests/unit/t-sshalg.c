/* t-sshalg.c: libssh tables, OpenSSH list syntax, negotiation */
#include <libssh/libssh.h>

#include "dl.h"
#include "sshalg.h"
#include "tap.h"

static struct ztp_sshalg_lib lib;
static char *got;
static struct ztp_buf warn;
static struct ztp_err err;

/* apply spec to the 0.10 defaults of cat; returns the list or the error */
static const char *apply(int cat, const char *spec)
{
	free(got);
	got = NULL;
	ztp_buf_reset(&warn);
	if (warn.p)
		warn.p[0] = '\0';
	if (ztp_sshalg_apply(cat, spec, lib.defaults[cat], lib.supported[cat], "libssh 0.10.6",
			     "--test", &got, &warn, &err) < 0)
		return err.msg;
	return got;
}

static const char *neg(const char *c, const char *s)
{
	static char out[128];

	if (!ztp_sshalg_negotiate(c, s, out, sizeof out))
		return "(none)";
	return out;
}

int main(void)
{
	struct ztp_err e;
	struct ztp_buf dropped = ZTP_BUF_INIT;
	int n;

	ok(ztp_sshalg_lib_load(&lib, "0.10.6", &e) == 0, "0.10.6 table loads");
	ok(lib.verified, "0.10 table is the verified one");
	ok(!ztp_sshalg_has(lib.defaults[ZTP_ALG_KEX], "diffie-hellman-group14-sha1"),
	   "group14-sha1 is not a 0.10 default (the incident)");
	ok(ztp_sshalg_has(lib.supported[ZTP_ALG_KEX], "diffie-hellman-group-exchange-sha1"),
	   "gex-sha1 is compiled into 0.10");
	ok(!ztp_sshalg_has(lib.supported[ZTP_ALG_HOSTKEY], "ssh-dss"), "ssh-dss is not supported");
	ok(!ztp_sshalg_has(lib.supported[ZTP_ALG_MAC], "hmac-sha1-96"), "hmac-sha1-96 is not supported");

	/* the linked library refuses nothing from the table of its series */
	ok(ztp_dl_ssh(&e) == 0, "libssh loads");
	if (strncmp(ssh_version(0), "0.10.", 5) == 0) {
		struct ztp_sshalg_lib real;

		ztp_sshalg_lib_load(&real, NULL, &e);
		n = ztp_sshalg_lib_probe(&real, &dropped);
		is_int(n, 0, "linked libssh accepts every name of the 0.10 table");
		if (n)
			printf("# refused: %s\n", dropped.p);
		ztp_sshalg_lib_free(&real);
	}

	/* OpenSSH list semantics */
	is_str(apply(ZTP_ALG_KEX, "+diffie-hellman-group14-sha1"),
	       "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
	       "ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group18-sha512,"
	       "diffie-hellman-group16-sha512,diffie-hellman-group-exchange-sha256,"
	       "diffie-hellman-group14-sha256,diffie-hellman-group14-sha1", "+ appends");
	is_str(apply(ZTP_ALG_HOSTKEY, "^ssh-rsa"),
	       "ssh-rsa,ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,ecdsa-sha2-nistp256,"
	       "sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256",
	       "^ prepends");
	is_str(apply(ZTP_ALG_KEX, "-ecdh-*,diffie-hellman-group1?-sha512"),
	       "curve25519-sha256,curve25519-sha256@libssh.org,"
	       "diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256",
	       "- removes with * and ? wildcards");
	is_str(apply(ZTP_ALG_CIPHER, "aes128-ctr,aes128-ctr,aes256-cbc"), "aes128-ctr,aes256-cbc",
	       "plain replaces, duplicates kept once");
	is_str(apply(ZTP_ALG_HOSTKEY, "ecdsa-*,ssh-rsa"),
	       "ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,ecdsa-sha2-nistp256,ssh-rsa",
	       "wildcards expand in host key lists");
	like(apply(ZTP_ALG_KEX, "+diffie-hellman-*-sha1"), "allowed only after '-'",
	     "wildcards in + for kex are refused like OpenSSH");
	is_str(apply(ZTP_ALG_MAC, "+hmac-sha1,hmac-sha1-96"),
	       "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,"
	       "hmac-sha2-512,hmac-sha1", "unsupported name dropped from the list...");
	like(warn.p, "'hmac-sha1-96' is not supported by libssh 0.10.6", "... and reported");
	ok(apply(ZTP_ALG_KEX, "+diffie-hellman-group14-sha") == got, "typo: rest applied");
	like(warn.p, "unknown algorithm 'diffie-hellman-group14-sha'", "typo reported as unknown");
	like(warn.p, "did you mean 'diffie-hellman-group14-sha1'", "with a suggestion");
	apply(ZTP_ALG_KEX, "+ext-info-c");
	like(warn.p, "protocol marker", "pseudo-algorithm reported, not added");
	ok(!ztp_sshalg_has(got, "ext-info-c"), "pseudo-algorithm not in the result");
	like(apply(ZTP_ALG_HOSTKEY, "ssh-dss"), "leaves no algorithm", "empty result is an error");
	like(apply(ZTP_ALG_KEX, "+a,,b"), "empty name", "empty element is an error");
	is_str(apply(ZTP_ALG_KEX, ""), lib.defaults[ZTP_ALG_KEX], "empty spec gives defaults");
	is_str(apply(ZTP_ALG_KEX, "-nothing-matches"), lib.defaults[ZTP_ALG_KEX],
	       "- of absent name changes nothing");

	/* all categories at once, as the session layer will use it */
	{
		const char *spec[ZTP_ALG_NCAT] = { "+diffie-hellman-group14-sha1", "+ssh-rsa", NULL,
						   "+hmac-sha1,hmac-md5", NULL, NULL };
		char *lists[ZTP_ALG_NCAT];

		ztp_buf_reset(&warn);
		ok(ztp_sshalg_client_lists(&lib, spec, NULL, lists, &warn, &err) == 0, "client lists");
		ok(ztp_sshalg_has(lists[ZTP_ALG_HOSTKEY], "ssh-rsa") &&
		   ztp_sshalg_has(lists[ZTP_ALG_HOSTKEY], "ssh-ed25519"), "host keys: defaults + ssh-rsa");
		is_str(lists[ZTP_ALG_CIPHER], lib.defaults[ZTP_ALG_CIPHER], "unset category: defaults");
		like(warn.p, "MACs: 'hmac-md5' is not supported by libssh 0.10.6", "warning names the keyword");
		ztp_sshalg_lists_free(lists);
		spec[ZTP_ALG_KEX] = "ext-info-c";
		ok(ztp_sshalg_client_lists(&lib, spec, NULL, lists, NULL, &err) < 0, "an empty list fails");
		like(err.msg, "KexAlgorithms 'ext-info-c' leaves no algorithm", "naming it");
	}

	/* matching */
	ok(ztp_sshalg_match("*", ""), "* matches empty");
	ok(ztp_sshalg_match("a*b*c", "axxbyyc"), "* backtracks");
	ok(!ztp_sshalg_match("a?c", "ac"), "? needs a character");
	ok(ztp_sshalg_match("*-sha1", "diffie-hellman-group14-sha1"), "suffix wildcard");

	/* negotiation */
	is_str(neg("a,b,c", "c,b"), "b", "first client algorithm the server has");
	is_str(neg("ext-info-c,kex-strict-c-v00@openssh.com,x", "ext-info-c,kex-strict-c-v00@openssh.com"),
	       "(none)", "pseudo-algorithms never negotiate");
	is_str(neg("a", ""), "(none)", "empty server list");
	ok(ztp_sshalg_aead("chacha20-poly1305@openssh.com") && ztp_sshalg_aead("aes256-gcm@openssh.com") &&
	   !ztp_sshalg_aead("aes128-ctr"), "AEAD ciphers");
	ok(ztp_sshalg_weak("diffie-hellman-group14-sha1") && ztp_sshalg_weak("aes128-cbc") &&
	   ztp_sshalg_weak("ssh-rsa") && ztp_sshalg_weak("hmac-sha1") &&
	   !ztp_sshalg_weak("curve25519-sha256") && !ztp_sshalg_weak("rsa-sha2-256"), "weak names");
	ok(ztp_sshalg_rank(ZTP_ALG_KEX, "diffie-hellman-group14-sha1") <
	   ztp_sshalg_rank(ZTP_ALG_KEX, "diffie-hellman-group1-sha1"), "rank: group14 before group1");
	is_int(ztp_sshalg_cat_parse("KexAlgorithms"), ZTP_ALG_KEX, "category by keyword");
	is_int(ztp_sshalg_cat_parse("macs"), ZTP_ALG_MAC, "category by yml key");

	/* what an upgrade would remove */
	n = ztp_sshalg_lib_without(&lib, "*-sha1");
	ok(n >= 3, "without *-sha1 removes the SHA-1 kex");
	ok(!ztp_sshalg_has(lib.supported[ZTP_ALG_KEX], "diffie-hellman-group14-sha1"), "group14-sha1 gone");
	ok(!ztp_sshalg_has(lib.supported[ZTP_ALG_MAC], "hmac-sha1") && ztp_sshalg_has(lib.supported[ZTP_ALG_MAC], "hmac-sha2-256"), "hmac-sha1 goes too, hmac-sha2-256 stays");
	like(lib.removed, "diffie-hellman-group-exchange-sha1", "removed names recorded");

	ztp_sshalg_lib_free(&lib);
	ok(ztp_sshalg_lib_load(&lib, "0.11.1", &e) == 0 && !lib.verified, "0.11 table, unverified");
	ok(ztp_sshalg_has(lib.defaults[ZTP_ALG_KEX], "sntrup761x25519-sha512@openssh.com"), "0.11: sntrup761 kex");
	ok(!ztp_sshalg_has(lib.defaults[ZTP_ALG_KEX], "diffie-hellman-group14-sha1") &&
	   ztp_sshalg_has(lib.supported[ZTP_ALG_KEX], "diffie-hellman-group14-sha1"),
	   "0.11: group14-sha1 supported, not default");
	ztp_sshalg_lib_free(&lib);
	ok(ztp_sshalg_lib_load(&lib, "0.9.8", &e) < 0, "0.9 refused");
	ztp_sshalg_lib_free(&lib);
	free(got);
	ztp_buf_free(&warn);
	ztp_buf_free(&dropped);
	return done_testing();
}
