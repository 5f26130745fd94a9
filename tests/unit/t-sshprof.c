/* t-sshprof.c: the client profiles as data (consistent, found by name)
 * and the verdicts for offers like real devices */
#include <string.h>

#include "sshprof.h"
#include "tap.h"

/* an old IOS box: group14-sha1 + gex-sha1, ssh-rsa, CTR/CBC, hmac-sha1 */
static const char *const ios[ZTP_KL_N] = {
	"diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1", "ssh-rsa",
	"aes128-ctr,aes128-cbc", "aes128-ctr,aes128-cbc", "hmac-sha1", "hmac-sha1",
	"none", "none", "", "",
};

/* a Huawei-like box: gex-sha1 only */
static const char *const gex[ZTP_KL_N] = {
	"diffie-hellman-group-exchange-sha1", "rsa-sha2-256,ssh-rsa", "aes128-ctr", "aes128-ctr",
	"hmac-sha1", "hmac-sha1", "none", "none", "", "",
};

/* a CBC-only box with aes256-cbc, which Go never implemented */
static const char *const cbc[ZTP_KL_N] = {
	"curve25519-sha256", "ssh-ed25519", "aes256-cbc", "aes256-cbc",
	"hmac-sha2-256", "hmac-sha2-256", "none", "none", "", "",
};

/* every name of a that b holds (a list), or "" */
static int overlap(const char *a, const char *b, char *out, size_t outsz)
{
	size_t k, n = ztp_sshalg_count(a);

	for (k = 0; k < n; k++)
		if (ztp_sshalg_nth(a, k, out, outsz) == 0 && ztp_sshalg_has(b, out))
			return 1;
	return 0;
}

static int judge(const char *name, const char *const *offer, struct ztp_sshprof_result *r)
{
	const struct ztp_sshprof *p = ztp_sshprof_find(name);
	struct ztp_sshalg_lib lib;
	struct ztp_err e;
	int rc;

	if (p == NULL || ztp_sshprof_lib(p, &lib, &e) < 0)
		return -1;
	rc = ztp_sshprof_judge(p, &lib, offer, NULL, "r1", r, &e);
	ztp_sshalg_lib_free(&lib);
	return rc;
}

int main(void)
{
	const struct ztp_sshprof *all, *p;
	struct ztp_sshprof_result r;
	struct ztp_sshalg_lib lib;
	struct ztp_err e;
	size_t i, n;
	int c, bad;
	char nm[128], msg[256];

	all = ztp_sshprof_all(&n);
	ok(n >= 15, "at least 15 profiles");
	for (i = 0; i < n; i++) {
		p = &all[i];
		snprintf(msg, sizeof msg, "%s: found by its name", p->name);
		ok(ztp_sshprof_find(p->name) == p, msg);
		snprintf(msg, sizeof msg, "%s: has lists (a netmiko: its paramiko)", p->name);
		ok(ztp_sshprof_lists(p) != NULL && ztp_sshprof_lib(p, &lib, &e) == 0, msg);
		bad = 0;
		for (c = 0; c < ZTP_PROF_NCAT && lib.defaults[c]; c++) {
			const struct ztp_sshprof *lp = ztp_sshprof_lists(p);
			size_t k, m = ztp_sshalg_count(lp->removed[c]);
			char pat[128];

			if (ztp_sshalg_count(lib.defaults[c]) == 0)
				bad = 1;
			/* nothing removed is on or off (patterns too) */
			for (k = 0; k < m; k++) {
				size_t j, d = ztp_sshalg_count(lib.supported[c]);

				if (ztp_sshalg_nth(lp->removed[c], k, pat, sizeof pat) < 0)
					continue;
				for (j = 0; j < d; j++)
					if (ztp_sshalg_nth(lib.supported[c], j, nm, sizeof nm) == 0 &&
					    ztp_sshalg_match(pat, nm)) {
						printf("# %s: '%s' is removed and supported\n", p->name, nm);
						bad = 1;
					}
			}
		}
		snprintf(msg, sizeof msg, "%s: every category has defaults, nothing removed is supported",
			 p->name);
		ok(!bad, msg);
		ztp_sshalg_lib_free(&lib);
	}
	ok(ztp_sshprof_find("paramiko-2.12.0") == ztp_sshprof_find("paramiko-2.12"), "a patch release finds its profile");
	ok(ztp_sshprof_find("openssh-9.2p1") == ztp_sshprof_find("openssh-9.2"), "openssh-9.2p1 is openssh-9.2");
	ok(ztp_sshprof_find("paramiko-5.1.0") == ztp_sshprof_find("paramiko-5.0"), "5.1 uses the 5.0 profile");
	ok(ztp_sshprof_find("paramiko-2.1") == NULL, "paramiko-2.1 is not paramiko-2.12");
	ok(ztp_sshprof_find("openssh-9") == NULL, "openssh-9 names no version");
	ok(ztp_sshprof_find("netmiko-4.7.0") != NULL &&
	   strcmp(ztp_sshprof_lists(ztp_sshprof_find("netmiko-4.7.0"))->name, "paramiko-4.0") == 0,
	   "netmiko 4.7 pulls paramiko 4.0 (paramiko<5)");
	ok(strcmp(ztp_sshprof_lists(ztp_sshprof_find("netmiko-4.6"))->name, "paramiko-5.0") == 0,
	   "netmiko 4.6 pulls paramiko 5.0 (paramiko>=2.9.5)");

	/* the facts the incident turns on */
	ztp_sshprof_lib(ztp_sshprof_find("paramiko-5.0"), &lib, &e);
	ok(!overlap("diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1",
		    lib.supported[ZTP_ALG_KEX], nm, sizeof nm), "paramiko 5.0: no SHA-1 kex at all");
	ok(!ztp_sshalg_has(lib.supported[ZTP_ALG_HOSTKEY], "ssh-rsa"), "paramiko 5.0: no ssh-rsa");
	ztp_sshalg_lib_free(&lib);
	ztp_sshprof_lib(ztp_sshprof_find("openssh-8.8"), &lib, &e);
	ok(!ztp_sshalg_has(lib.defaults[ZTP_ALG_HOSTKEY], "ssh-rsa") &&
	   ztp_sshalg_has(lib.supported[ZTP_ALG_HOSTKEY], "ssh-rsa"), "openssh 8.8: ssh-rsa off, not gone");
	ztp_sshalg_lib_free(&lib);
	ztp_sshprof_lib(ztp_sshprof_find("openssh-8.4"), &lib, &e);
	ok(ztp_sshalg_has(lib.defaults[ZTP_ALG_HOSTKEY], "ssh-rsa"), "openssh 8.4: ssh-rsa on");
	ztp_sshalg_lib_free(&lib);

	/* verdicts for the IOS box */
	ok(judge("openssh-9.2", ios, &r) == 0 && r.verdict == ZTP_PROF_CHANGE, "ios: openssh 9.2 after a change");
	like(r.change.p, "KexAlgorithms +diffie-hellman-group14-sha1", "ios: openssh: the kex with '+'");
	like(r.change.p, "HostKeyAlgorithms +ssh-rsa", "ios: openssh: ssh-rsa with '+'");
	ztp_sshprof_result_free(&r);
	ok(judge("openssh-8.4", ios, &r) == 0 && r.verdict == ZTP_PROF_CHANGE &&
	   strstr(r.change.p, "HostKeyAlgorithms") == NULL, "ios: openssh 8.4 needs only the kex");
	ztp_sshprof_result_free(&r);
	ok(judge("paramiko-4.0", ios, &r) == 0 && r.verdict == ZTP_PROF_CONNECTS, "ios: paramiko 4.0 connects");
	like(r.notes.p, "at least 1024 bits", "ios: paramiko 4.0: a note on the GEX group size");
	ztp_sshprof_result_free(&r);
	ok(judge("paramiko-5.0", ios, &r) == 0 && r.verdict == ZTP_PROF_CANNOT, "ios: paramiko 5.0 cannot");
	like(r.why.p, "removed in paramiko 5.0", "ios: paramiko 5.0: removed, says so");
	like(r.why.p, "pin paramiko<5", "ios: paramiko 5.0: the way out");
	ztp_sshprof_result_free(&r);
	ok(judge("netmiko-4.8", ios, &r) == 0 && r.verdict == ZTP_PROF_CANNOT, "ios: netmiko 4.8 cannot");
	like(r.why.p, "netmiko[par4]", "ios: netmiko 4.8: the par4 extra");
	ztp_sshprof_result_free(&r);
	ok(judge("libssh-0.10", ios, &r) == 0 && r.verdict == ZTP_PROF_CHANGE, "ios: libssh 0.10 after a change");
	like(r.change.p, "KexAlgorithms curve25519-sha256,", "ios: libssh 0.10: the full list");
	ok(strstr(r.change.p, " +") == NULL, "ios: libssh 0.10: no '+'");
	ztp_sshprof_result_free(&r);
	ok(judge("libssh-0.11", ios, &r) == 0 && r.verdict == ZTP_PROF_CHANGE, "ios: libssh 0.11 after a change");
	like(r.change.p, "HostKeyAlgorithms +ssh-rsa", "ios: libssh 0.11: '+'");
	ztp_sshprof_result_free(&r);

	/* the other clients on the gex-sha1 box, each in its own syntax */
	ok(judge("go-0.55", gex, &r) == 0 && r.verdict == ZTP_PROF_CHANGE, "gex: Go after a change");
	like(r.change.p, "config.KeyExchanges = []string{\"mlkem768x25519-sha256\", ",
	     "gex: Go: the whole list, defaults first");
	like(r.change.p, "\"diffie-hellman-group-exchange-sha1\"}", "gex: Go: gex-sha1 at the end");
	ztp_sshprof_result_free(&r);
	ok(judge("asyncssh-2.24", gex, &r) == 0 && r.verdict == ZTP_PROF_CHANGE, "gex: asyncssh after a change");
	like(r.change.p, "kex_algs='+diffie-hellman-group-exchange-sha1'", "gex: asyncssh: kex_algs with '+'");
	ztp_sshprof_result_free(&r);
	ok(judge("libssh2-1.11.1", gex, &r) == 0 && r.verdict == ZTP_PROF_CONNECTS, "gex: libssh2 1.11 connects");
	ztp_sshprof_result_free(&r);
	ok(judge("libssh2-next", gex, &r) == 0 && r.verdict == ZTP_PROF_CANNOT,
	   "gex: libssh2's next release cannot (SHA-1 kex compiled out)");
	like(r.why.p, "libssh2's next release", "gex: libssh2 next: removed, and where");
	like(r.why.p, "stay on libssh2 1.11.1", "gex: libssh2 next: the way out");
	ztp_sshprof_result_free(&r);
	ok(judge("libssh-0.9.6", gex, &r) == 0 && r.verdict == ZTP_PROF_CHANGE, "gex: libssh 0.9 after a change");
	ok(strstr(r.change.p, " +") == NULL, "gex: libssh 0.9: the full list, no '+'");
	ztp_sshprof_result_free(&r);
	ok(judge("libssh-0.12", gex, &r) == 0 && r.verdict == ZTP_PROF_CHANGE, "gex: libssh 0.12 after a change");
	like(r.change.p, "KexAlgorithms +diffie-hellman-group-exchange-sha1", "gex: libssh 0.12: '+'");
	ztp_sshprof_result_free(&r);
	ok(judge("paramiko-5.0", gex, &r) == 0 && r.verdict == ZTP_PROF_CANNOT, "gex: paramiko 5.0 cannot");
	ztp_sshprof_result_free(&r);
	ok(judge("go", cbc, &r) == 0 && r.verdict == ZTP_PROF_CANNOT, "aes256-cbc only: Go cannot");
	like(r.why.p, "no cipher in common", "aes256-cbc only: Go: the cipher named");
	ztp_sshprof_result_free(&r);
	ok(judge("openssh-10.0", cbc, &r) == 0 && r.verdict == ZTP_PROF_CHANGE, "aes256-cbc only: OpenSSH 10 after a change");
	ztp_sshprof_result_free(&r);
	return done_testing();
}
