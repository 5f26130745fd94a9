/* sshprof.c: SSH client profiles per client and version (see sshprof.h).
 *
 * Facts from the research file SSH-PROFILES.md; every entry below names
 * where its lists come from (a source tag and file, a changelog, an
 * issue).  Lists are in the order the client sends them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshprof.h"
#include "xmalloc.h"

/* ---- OpenSSH (portable): myproposal.h per tag; (b) is `ssh -Q` minus
 * the defaults; (c) from cipher.c/kex.c history and release notes ---- */
#define OS_KEX_84 "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256," \
	"ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256," \
	"diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"
/* V_9_2_P1:myproposal.h puts sntrup761x25519-sha512@openssh.com first;
 * Debian 12's 1:9.2p1-2+deb12u10 adds the unsuffixed name (ssh -G here) */
#define OS_KEX_92 "sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com," OS_KEX_84
/* V_10_0_P1:myproposal.h: mlkem768x25519-sha256 first */
#define OS_KEX_100 "mlkem768x25519-sha256,sntrup761x25519-sha512," \
	"sntrup761x25519-sha512@openssh.com," OS_KEX_84
/* off in every version 8.4..10.x, still in kex.c / kex-names.c */
#define OS_KEX_OFF "diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1," \
	"diffie-hellman-group1-sha1"
/* 8.5: sntrup4591761x25519-sha512@tinyssh.org replaced (kex.c) */
#define OS_KEX_GONE "sntrup4591761x25519-sha512@tinyssh.org"
#define OS_CERTS "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com," \
	"sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com"
#define OS_HK_MODERN "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521," \
	"sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"
/* V_8_4_P1:myproposal.h KEX_DEFAULT_PK_ALG: ssh-rsa still on */
#define OS_HK_84 OS_CERTS ",ssh-rsa-cert-v01@openssh.com," OS_HK_MODERN ",ssh-rsa"
/* V_8_8_P1:myproposal.h: ssh-rsa and ssh-rsa-cert-v01 dropped */
#define OS_HK_88 OS_CERTS "," OS_HK_MODERN
#define OS_HK_RSA_OFF "ssh-rsa,ssh-rsa-cert-v01@openssh.com"
#define OS_HK_DSA "ssh-dss,ssh-dss-cert-v01@openssh.com"
#define OS_CIPHER "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr," \
	"aes128-gcm@openssh.com,aes256-gcm@openssh.com"
/* V_10_0_P1:myproposal.h: GCM before CTR */
#define OS_CIPHER_100 "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com," \
	"aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr"
#define OS_CIPHER_OFF "3des-cbc,aes128-cbc,aes192-cbc,aes256-cbc"
/* gone since 7.6 (blowfish, cast128, arcfour); rijndael-cbc since 8.5
 * (V_8_5_P1:cipher.c) */
#define OS_CIPHER_GONE "blowfish-cbc,cast128-cbc,arcfour,arcfour128,arcfour256"
#define OS_MAC "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com," \
	"hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com," \
	"umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"
#define OS_MAC_OFF "hmac-sha1-96,hmac-md5,hmac-md5-96,hmac-sha1-96-etm@openssh.com," \
	"hmac-md5-etm@openssh.com,hmac-md5-96-etm@openssh.com"
#define OS_MAC_GONE "hmac-ripemd160,hmac-ripemd160@openssh.com,hmac-ripemd160-etm@openssh.com"

/* libssh 0.10's kex defaults (libssh-0.10.6:src/kex.c), the base of
 * 0.9's and 0.12's */
#define LS_KEX_010 "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256," \
	"ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group18-sha512," \
	"diffie-hellman-group16-sha512,diffie-hellman-group-exchange-sha256," \
	"diffie-hellman-group14-sha256"

/* ---- paramiko: paramiko/transport.py class Transport per tag; no
 * "off" state (everything supported is sent; disabled_algorithms only
 * removes); (c) from the changelog ---- */
#define PM_KEX_SHA2 "curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384," \
	"ecdh-sha2-nistp521,diffie-hellman-group16-sha512,diffie-hellman-group-exchange-sha256," \
	"diffie-hellman-group14-sha256"
#define PM_KEX_SHA1 "diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1," \
	"diffie-hellman-group1-sha1"
#define PM_HK_MODERN "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521," \
	"rsa-sha2-512,rsa-sha2-256"
/* preferred_keys appends a -cert-v01 twin for each entry */
#define PM_CERT_MODERN "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com," \
	"ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com," \
	"rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com"
#define PM_CIPHER "aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,aes192-cbc,aes256-cbc,3des-cbc"
/* 3.5.0: "#982 Add support for AES-GCM", at the end */
#define PM_CIPHER_35 PM_CIPHER ",aes128-gcm@openssh.com,aes256-gcm@openssh.com"
/* arcfour (2.2, #667) and blowfish-cbc are absent in 2.12.0 */
#define PM_CIPHER_GONE "arcfour128,arcfour256,blowfish-cbc"
#define PM_MAC "hmac-sha2-256,hmac-sha2-512,hmac-sha2-256-etm@openssh.com," \
	"hmac-sha2-512-etm@openssh.com,hmac-sha1,hmac-md5,hmac-sha1-96,hmac-md5-96"

static const struct ztp_sshprof profiles[] = {
	/* OpenSSH 8.4p1 (2020-09-27): V_8_4_P1:myproposal.h; ssh -Q */
	{ "openssh-8.4", NULL, ZTP_PROF_OPENSSH, "OpenSSH V_8_4_P1 myproposal.h, ssh -Q",
	  { OS_KEX_84, OS_HK_84, OS_CIPHER, OS_MAC },
	  { OS_KEX_OFF, OS_HK_DSA, OS_CIPHER_OFF ",rijndael-cbc@lysator.liu.se", OS_MAC_OFF },
	  { OS_KEX_GONE, NULL, OS_CIPHER_GONE, OS_MAC_GONE },
	  "OpenSSH 7.6/8.5", 2048, 0, NULL, NULL, NULL },
	/* OpenSSH 8.8p1 (2021-09-26): ssh-rsa off (myproposal.h diff 8.4..8.8,
	 * mwiede/jsch#75) */
	{ "openssh-8.8", "openssh-8.9,openssh-9.0,openssh-9.1", ZTP_PROF_OPENSSH,
	  "OpenSSH V_8_8_P1 myproposal.h, ssh -Q",
	  { OS_KEX_84, OS_HK_88, OS_CIPHER, OS_MAC },
	  { OS_KEX_OFF, OS_HK_RSA_OFF "," OS_HK_DSA, OS_CIPHER_OFF, OS_MAC_OFF },
	  { OS_KEX_GONE, NULL, OS_CIPHER_GONE ",rijndael-cbc@lysator.liu.se", OS_MAC_GONE },
	  "OpenSSH 7.6/8.5", 2048, 0, NULL, NULL, NULL },
	/* OpenSSH 9.2p1 (2023-02-02), Debian 12: V_9_2_P1:myproposal.h and
	 * ssh -G / ssh -Q on Debian 12; RequiredRSASize 1024 since 9.1 */
	{ "openssh-9.2", "openssh-9.3,openssh-9.4,openssh-9.5", ZTP_PROF_OPENSSH,
	  "OpenSSH V_9_2_P1 myproposal.h, Debian 12 ssh -G/-Q",
	  { OS_KEX_92, OS_HK_88, OS_CIPHER, OS_MAC },
	  { OS_KEX_OFF, OS_HK_RSA_OFF "," OS_HK_DSA, OS_CIPHER_OFF, OS_MAC_OFF },
	  { OS_KEX_GONE, NULL, OS_CIPHER_GONE ",rijndael-cbc@lysator.liu.se", OS_MAC_GONE },
	  "OpenSSH 7.6/8.5", 2048, 1024, NULL, NULL, NULL },
	/* OpenSSH 9.6p1 (2023-12-18): as 9.2 plus kex-strict (a pseudo-kex) */
	{ "openssh-9.6", "openssh-9.7", ZTP_PROF_OPENSSH, "OpenSSH V_9_6_P1 myproposal.h",
	  { OS_KEX_92, OS_HK_88, OS_CIPHER, OS_MAC },
	  { OS_KEX_OFF, OS_HK_RSA_OFF "," OS_HK_DSA, OS_CIPHER_OFF, OS_MAC_OFF },
	  { OS_KEX_GONE, NULL, OS_CIPHER_GONE ",rijndael-cbc@lysator.liu.se", OS_MAC_GONE },
	  "OpenSSH 7.6/8.5", 2048, 1024, NULL, NULL, NULL },
	/* OpenSSH 10.0p1 (2025-04-09), Debian 13: V_10_0_P1:myproposal.h;
	 * DSA removed (10.0 release notes, commit 6c9872faa) */
	{ "openssh-10.0", "openssh-10.1,openssh-10.2", ZTP_PROF_OPENSSH,
	  "OpenSSH V_10_0_P1 myproposal.h, kex-names.c",
	  { OS_KEX_100, OS_HK_88, OS_CIPHER_100, OS_MAC },
	  { OS_KEX_OFF, OS_HK_RSA_OFF, OS_CIPHER_OFF, OS_MAC_OFF },
	  { OS_KEX_GONE, OS_HK_DSA, OS_CIPHER_GONE ",rijndael-cbc@lysator.liu.se", OS_MAC_GONE },
	  "OpenSSH 10.0", 2048, 1024, NULL, NULL, NULL },

	/* paramiko 2.12.0 (2022-11-04): 2.12.0:paramiko/transport.py;
	 * kex_gex.py min_bits 1024 */
	{ "paramiko-2.12", NULL, ZTP_PROF_PARAMIKO, "paramiko 2.12.0 transport.py",
	  { PM_KEX_SHA2 "," PM_KEX_SHA1, PM_HK_MODERN ",ssh-rsa,ssh-dss," PM_CERT_MODERN
	    ",ssh-rsa-cert-v01@openssh.com", PM_CIPHER, PM_MAC },
	  { NULL, NULL, NULL, NULL },
	  { NULL, NULL, PM_CIPHER_GONE, NULL },
	  "paramiko 2.2", 1024, 0, NULL, NULL, NULL },
	/* paramiko 3.0.0 .. 3.4.0: 3.0.0/3.4.0:paramiko/transport.py, same
	 * lists as 2.12 (3.4 adds the kex-strict pseudo-kex) */
	{ "paramiko-3.0", "paramiko-3.1,paramiko-3.2,paramiko-3.3,paramiko-3.4", ZTP_PROF_PARAMIKO,
	  "paramiko 3.0.0 / 3.4.0 transport.py",
	  { PM_KEX_SHA2 "," PM_KEX_SHA1, PM_HK_MODERN ",ssh-rsa,ssh-dss," PM_CERT_MODERN
	    ",ssh-rsa-cert-v01@openssh.com", PM_CIPHER, PM_MAC },
	  { NULL, NULL, NULL, NULL },
	  { NULL, NULL, PM_CIPHER_GONE, NULL },
	  "paramiko 2.2", 1024, 0, NULL, NULL, NULL },
	/* paramiko 3.5.0 (2024-09-15) / 3.5.1: 3.5.0:paramiko/transport.py,
	 * AES-GCM added (#982) */
	{ "paramiko-3.5", "paramiko-3,paramiko-3.x", ZTP_PROF_PARAMIKO, "paramiko 3.5.0 transport.py",
	  { PM_KEX_SHA2 "," PM_KEX_SHA1, PM_HK_MODERN ",ssh-rsa,ssh-dss," PM_CERT_MODERN
	    ",ssh-rsa-cert-v01@openssh.com", PM_CIPHER_35, PM_MAC },
	  { NULL, NULL, NULL, NULL },
	  { NULL, NULL, PM_CIPHER_GONE, NULL },
	  "paramiko 2.2", 1024, 0, NULL, NULL, NULL },
	/* paramiko 4.0.0 (2025-08-03): 4.0.0:paramiko/transport.py; changelog
	 * 4.0.0 :support:973: DSA removed */
	{ "paramiko-4.0", "paramiko-4", ZTP_PROF_PARAMIKO, "paramiko 4.0.0 transport.py, changelog",
	  { PM_KEX_SHA2 "," PM_KEX_SHA1, PM_HK_MODERN ",ssh-rsa," PM_CERT_MODERN
	    ",ssh-rsa-cert-v01@openssh.com", PM_CIPHER_35, PM_MAC },
	  { NULL, NULL, NULL, NULL },
	  { NULL, OS_HK_DSA, PM_CIPHER_GONE, NULL },
	  "paramiko 4.0", 1024, 0, NULL, NULL, NULL },
	/* paramiko 5.0.0 (2026-05-09) / 5.1.0: SHA-1 kex removed (9bf5fca),
	 * GSSAPI removed (1ecc933), SHA-1 RSA signatures removed (a448945,
	 * unstructured-ingest#784), GEX min_bits 2048 (6fa1556); naas#493.
	 * The exact list order was not seen: 4.0's order minus the removed */
	{ "paramiko-5.0", "paramiko-5,paramiko-5.1", ZTP_PROF_PARAMIKO,
	  "paramiko 5.0.0 changelog and commits (no source tag read)",
	  { PM_KEX_SHA2, PM_HK_MODERN "," PM_CERT_MODERN, PM_CIPHER_35, PM_MAC },
	  { NULL, NULL, NULL, NULL },
	  { PM_KEX_SHA1 ",gss-gex-sha1-*,gss-group14-sha1-*,gss-group1-sha1-*",
	    OS_HK_RSA_OFF "," OS_HK_DSA, PM_CIPHER_GONE, NULL },
	  "paramiko 5.0", 2048, 0, NULL, NULL, NULL },

	/* libssh: the sshalg tables (libssh-0.10.6/0.11.0:src/kex.c); DSA off
	 * at build time in 0.10, dropped in 0.11 (CHANGELOG 0.11.0); DH_PMIN
	 * 2048 (src/dh-gex.c); RSA minimum 1024 (src/pki.c) */
	/* libssh 0.9.6 (2021-08): libssh-0.9.6:src/kex.c default_methods[]
	 * and supported_methods[]; ssh-dss when the crypto library has DSA */
	{ "libssh-0.9", NULL, ZTP_PROF_LIBSSH, "libssh-0.9.6 src/kex.c",
	  { LS_KEX_010 ",diffie-hellman-group14-sha1,diffie-hellman-group1-sha1",
	    "ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,ecdsa-sha2-nistp256,rsa-sha2-512,"
	    "rsa-sha2-256,ssh-rsa,ssh-dss",
	    "aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr,"
	    "aes256-cbc,aes192-cbc,aes128-cbc,3des-cbc",
	    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,"
	    "hmac-sha2-256,hmac-sha2-512,hmac-sha1" },
	  { "diffie-hellman-group-exchange-sha1", NULL, "chacha20-poly1305@openssh.com", NULL },
	  { NULL, NULL, NULL, NULL },
	  "libssh 0.9", 2048, 0, NULL, NULL, NULL },
	{ "libssh-0.10", NULL, ZTP_PROF_LIBSSH, NULL,
	  { NULL, NULL, NULL, NULL }, { NULL, NULL, NULL, NULL },
	  { NULL, OS_HK_DSA, "blowfish-cbc", NULL },
	  "libssh 0.10 (a default build)", 2048, 1024, NULL, NULL, "0.10" },
	{ "libssh-0.11", NULL, ZTP_PROF_LIBSSH, NULL,
	  { NULL, NULL, NULL, NULL }, { NULL, NULL, NULL, NULL },
	  { NULL, OS_HK_DSA, "blowfish-cbc", NULL },
	  "libssh 0.11", 2048, 1024, NULL, NULL, "0.11" },
	/* libssh 0.12.0 (2026-02-10): libssh-0.12.0:src/kex.c, CHANGELOG
	 * 0.12.0 (ML-KEM and sntrup761 preferred; RSA_MIN_KEY_SIZE 1024 in
	 * include/libssh/pki.h); mlkem1024nistp384 only with OpenSSL >= 3.5 */
	{ "libssh-0.12", NULL, ZTP_PROF_LIBSSH, "libssh-0.12.0 src/kex.c, CHANGELOG 0.12.0",
	  { "mlkem768x25519-sha256,mlkem768nistp256-sha256,sntrup761x25519-sha512,"
	    "sntrup761x25519-sha512@openssh.com," LS_KEX_010,
	    "ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,ecdsa-sha2-nistp256,"
	    "sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256",
	    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,"
	    "aes256-ctr,aes192-ctr,aes128-ctr",
	    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512" },
	  { OS_KEX_OFF, OS_HK_RSA_OFF, OS_CIPHER_OFF, "hmac-sha1-etm@openssh.com,hmac-sha1" },
	  { NULL, OS_HK_DSA, NULL, NULL },
	  "libssh 0.11", 2048, 1024, NULL, NULL, NULL },

	/* asyncssh 2.24.0: get_default_*_algs() / get_*_algs() of a v2.24.0
	 * archive with cryptography 48.0.0 (mlkem needs it; the @ssh.com
	 * variants are left out here); options kex_algs,
	 * server_host_key_algs, encryption_algs, mac_algs take '+' */
	{ "asyncssh-2.24", "asyncssh", ZTP_PROF_ASYNCSSH, "asyncssh v2.24.0 get_default_*_algs()",
	  { "mlkem768x25519-sha256,mlkem768nistp256-sha256,mlkem1024nistp384-sha384,"
	    "curve25519-sha256,curve25519-sha256@libssh.org,curve448-sha512,ecdh-sha2-nistp521,"
	    "ecdh-sha2-nistp384,ecdh-sha2-nistp256,ecdh-sha2-1.3.132.0.10,"
	    "diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256,"
	    "diffie-hellman-group15-sha512,diffie-hellman-group16-sha512,diffie-hellman-group17-sha512,"
	    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256@ssh.com,"
	    "diffie-hellman-group14-sha1,rsa2048-sha256",
	    "rsa-sha2-256,rsa-sha2-512,ssh-rsa,sk-ssh-ed25519@openssh.com,"
	    "sk-ecdsa-sha2-nistp256@openssh.com,ssh-ed25519,ssh-ed448,ecdsa-sha2-nistp521,"
	    "ecdsa-sha2-nistp384,ecdsa-sha2-nistp256,ssh-rsa-cert-v01@openssh.com",
	    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,"
	    "aes256-ctr,aes192-ctr,aes128-ctr",
	    OS_MAC },
	  { "diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1,rsa1024-sha1", OS_HK_DSA,
	    OS_CIPHER_OFF ",blowfish-cbc,cast128-cbc,arcfour256,arcfour128,arcfour",
	    "hmac-md5,hmac-md5-etm@openssh.com,hmac-sha1-96,hmac-sha1-96-etm@openssh.com,"
	    "hmac-md5-96,hmac-md5-96-etm@openssh.com" },
	  { NULL, NULL, NULL, NULL },
	  "asyncssh", 2048, 0, NULL, NULL, NULL },

	/* Go golang.org/x/crypto/ssh v0.55.0 (2026-08-11): ssh/common.go
	 * defaultKexAlgos, defaultHostKeyAlgos, defaultCiphers, defaultMACs;
	 * the rest of SupportedAlgorithms()/InsecureAlgorithms() is off; no
	 * aes192-cbc/aes256-cbc at all; lists are set whole (no '+') */
	{ "go-0.55", "go,go-x-crypto,go-x-crypto-0.55", ZTP_PROF_GO, "x/crypto v0.55.0 ssh/common.go",
	  { "mlkem768x25519-sha256,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
	    "ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group14-sha256,"
	    "diffie-hellman-group14-sha1",
	    "rsa-sha2-256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,"
	    "ssh-rsa-cert-v01@openssh.com,ssh-dss-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp521-cert-v01@openssh.com,ssh-ed25519-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-256,rsa-sha2-512,"
	    "ssh-rsa,ssh-dss,ssh-ed25519",
	    "aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,"
	    "aes128-ctr,aes192-ctr,aes256-ctr",
	    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,"
	    "hmac-sha1,hmac-sha1-96" },
	  { "diffie-hellman-group16-sha512,diffie-hellman-group-exchange-sha256,"
	    "diffie-hellman-group1-sha1,diffie-hellman-group-exchange-sha1",
	    NULL, "aes128-cbc,3des-cbc,arcfour256,arcfour128,arcfour", NULL },
	  { NULL, NULL, NULL, NULL },
	  "Go x/crypto/ssh", 0, 0, NULL, NULL, NULL },

	/* libssh2's next release as announced on master ("1.11.2_DEV",
	 * RELEASE-NOTES; commits 99f93535, 3e14d67d, 079eeb85, 2026-07-29 to
	 * 08-03; unreleased when SSH-PROFILES.md was written): the SHA-1 key
	 * exchanges, ssh-rsa, DSA, 3DES/blowfish/arcfour/cast128 and the
	 * SHA-1/MD5/RIPEMD MACs compiled out unless built with
	 * -DLIBSSH2_KEX_SHA1_ENABLE, -DLIBSSH2_RSA_SHA1_ENABLE,
	 * -DLIBSSH2_3DES_ENABLE, -DLIBSSH2_HMAC_SHA1_ENABLE ...; "the next
	 * release drops support for the above options" */
	{ "libssh2-1.11.2", "libssh2-next", ZTP_PROF_LIBSSH2,
	  "libssh2 master 1.11.2_DEV RELEASE-NOTES, src/kex.c, hostkey.c, crypt.c, mac.c",
	  { "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
	    "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
	    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256",
	    "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-ed25519,rsa-sha2-512,"
	    "rsa-sha2-256",
	    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,"
	    "aes192-ctr,aes128-ctr,aes256-cbc,rijndael-cbc@lysator.liu.se,aes192-cbc,aes128-cbc",
	    "hmac-sha2-256,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-512-etm@openssh.com" },
	  { NULL, NULL, NULL, NULL },
	  { "diffie-hellman-group14-sha1,diffie-hellman-group1-sha1,diffie-hellman-group-exchange-sha1",
	    "ssh-rsa,ssh-rsa-cert-v01@openssh.com," OS_HK_DSA,
	    "blowfish-cbc,arcfour128,arcfour,cast128-cbc,3des-cbc",
	    "hmac-sha1,hmac-sha1-etm@openssh.com,hmac-sha1-96,hmac-md5,hmac-md5-96,hmac-ripemd160,"
	    "hmac-ripemd160@openssh.com" },
	  "libssh2's next release (compiled out; only a build with -DLIBSSH2_KEX_SHA1_ENABLE, "
	  "-DLIBSSH2_RSA_SHA1_ENABLE and the like has them, and not for long)", 0, 0, NULL, NULL, NULL },

	/* libssh2 1.11.1 (2024-10-16): src/kex.c libssh2_kex_methods[],
	 * src/hostkey.c, src/crypt.c, src/mac.c; every compiled-in method is
	 * sent (no off state at run time); DSA only if built with
	 * -DLIBSSH2_DSA_ENABLE (src/crypto_config.h) */
	{ "libssh2-1.11", "libssh2", ZTP_PROF_LIBSSH2, "libssh2-1.11.1 src/kex.c, hostkey.c, crypt.c, mac.c",
	  { "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
	    "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
	    "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,"
	    "diffie-hellman-group1-sha1,diffie-hellman-group-exchange-sha1",
	    "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-ed25519,rsa-sha2-512,"
	    "rsa-sha2-256,ssh-rsa,ssh-rsa-cert-v01@openssh.com",
	    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,"
	    "aes192-ctr,aes128-ctr,aes256-cbc,rijndael-cbc@lysator.liu.se,aes192-cbc,aes128-cbc,"
	    "blowfish-cbc,arcfour128,arcfour,cast128-cbc,3des-cbc",
	    "hmac-sha2-256,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-512-etm@openssh.com,"
	    "hmac-sha1,hmac-sha1-etm@openssh.com,hmac-sha1-96,hmac-md5,hmac-md5-96,hmac-ripemd160,"
	    "hmac-ripemd160@openssh.com" },
	  { NULL, NULL, NULL, NULL },
	  { NULL, OS_HK_DSA, NULL, NULL },
	  "libssh2 1.11.1 default builds", 0, 0, NULL, NULL, NULL },

	/* netmiko: its paramiko requirement per tag (setup.py/pyproject.toml
	 * in ktbyers/netmiko; 4.7.0 from netmiko#3856/#3858 and PR #3852;
	 * 4.8.0 from netmiko#3892, PR #3886).  netmiko reads only
	 * ProxyCommand, ProxyJump, HostName, Port, User, IdentityFile from
	 * ssh_config (BaseConnection._use_ssh_config) */
	{ "netmiko-4.6", "netmiko-4.2,netmiko-4.3,netmiko-4.4,netmiko-4.5", ZTP_PROF_NETMIKO,
	  "netmiko v4.2.0..v4.6.0 pyproject.toml", { NULL }, { NULL }, { NULL },
	  NULL, 0, 0, "paramiko-5.0", "paramiko>=2.9.5", NULL },
	{ "netmiko-4.7", NULL, ZTP_PROF_NETMIKO, "netmiko v4.7.0 pyproject.toml (netmiko#3856, PR #3852)",
	  { NULL }, { NULL }, { NULL },
	  NULL, 0, 0, "paramiko-4.0", "paramiko<5.0,>=3.5.0", NULL },
	{ "netmiko-4.8", NULL, ZTP_PROF_NETMIKO, "netmiko#3892, PR #3886",
	  { NULL }, { NULL }, { NULL },
	  NULL, 0, 0, "paramiko-5.0", "paramiko 5 allowed; netmiko[par4] installs paramiko 4.x",
	  NULL },
};

#define NPROF (sizeof profiles / sizeof profiles[0])

const struct ztp_sshprof *ztp_sshprof_all(size_t *n)
{
	*n = NPROF;
	return profiles;
}

/* name is want, or want followed by a patch release (".0" as in
 * "paramiko-2.12.0", "p1" as in "openssh-9.2p1") */
static int name_is(const char *name, size_t len, const char *want)
{
	size_t wl = strlen(want);

	if (len < wl || strncmp(name, want, wl) != 0)
		return 0;
	if (len == wl)
		return 1;
	return (name[wl] == '.' || name[wl] == 'p') && len > wl + 1 &&
	       strspn(name + wl + 1, "0123456789.p") == len - wl - 1;
}

const struct ztp_sshprof *ztp_sshprof_find(const char *want)
{
	size_t i, k, n;
	char alias[64];

	for (i = 0; i < NPROF; i++) {
		if (name_is(want, strlen(want), profiles[i].name))
			return &profiles[i];
		n = ztp_sshalg_count(profiles[i].aliases);
		for (k = 0; k < n; k++)
			if (ztp_sshalg_nth(profiles[i].aliases, k, alias, sizeof alias) == 0 &&
			    name_is(want, strlen(want), alias))
				return &profiles[i];
	}
	return NULL;
}

const struct ztp_sshprof *ztp_sshprof_lists(const struct ztp_sshprof *p)
{
	if (p->family == ZTP_PROF_NETMIKO && p->pulls)
		return ztp_sshprof_find(p->pulls);
	return p;
}

int ztp_sshprof_lib(const struct ztp_sshprof *p, struct ztp_sshalg_lib *l, struct ztp_err *e)
{
	int c;

	p = ztp_sshprof_lists(p);
	if (p == NULL)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "a client profile names no lists");
	if (p->libssh)
		return ztp_sshalg_lib_load(l, p->libssh, e);
	memset(l, 0, sizeof *l);
	snprintf(l->version, sizeof l->version, "%s", p->name);
	if (snprintf(l->table, sizeof l->table, "%s", p->source) >= (int)sizeof l->table)
		l->table[0] = '\0';
	l->verified = 0;
	for (c = 0; c < ZTP_ALG_NCAT; c++) {
		const char *d, *o;

		if (c < ZTP_PROF_NCAT) {
			d = p->def[c];
			o = p->off[c];
		} else if (c == ZTP_ALG_COMP) {
			d = "none";
			o = "zlib@openssh.com,zlib";
		} else {	/* public key types: as the host keys */
			d = p->def[ZTP_ALG_HOSTKEY];
			o = p->off[ZTP_ALG_HOSTKEY];
		}
		l->defaults[c] = ztp_xstrdup(d ? d : "");
		if (o && *o) {
			size_t len = (d ? strlen(d) : 0) + strlen(o) + 2;

			l->supported[c] = ztp_xmalloc(len);
			snprintf(l->supported[c], len, "%s,%s", d ? d : "", o);
		} else {
			l->supported[c] = ztp_xstrdup(d ? d : "");
		}
	}
	return 0;
}

const char *ztp_sshprof_verdict_name(int v)
{
	return v == ZTP_PROF_CONNECTS ? "connects" : v == ZTP_PROF_CHANGE ? "change" : "cannot";
}

const char *ztp_sshprof_ignores(const struct ztp_sshprof *p)
{
	switch (p->family) {
	case ZTP_PROF_OPENSSH:
	case ZTP_PROF_LIBSSH:
		return NULL;
	case ZTP_PROF_NETMIKO:	/* BaseConnection._use_ssh_config, v4.6.0 */
		return "netmiko reads only ProxyCommand, ProxyJump, HostName, Port, User and "
		       "IdentityFile from ssh_config; algorithms reach paramiko only as "
		       "disabled_algorithms, which can only remove";
	case ZTP_PROF_PARAMIKO:
		return "paramiko has no option that adds an algorithm (disabled_algorithms only removes)";
	case ZTP_PROF_ASYNCSSH:
		return "judged with asyncssh's defaults: give the list in its own options "
		       "(kex_algs, server_host_key_algs, encryption_algs, mac_algs)";
	case ZTP_PROF_GO:
		return "x/crypto/ssh reads no ssh_config: set the lists in ssh.Config and ClientConfig";
	default:
		return "libssh2 reads no ssh_config; it sends every method it was built with";
	}
}

/* the names of list (of this category) that the profile removed */
static void removed_of(const struct ztp_sshprof *lp, int cat, const char *list, struct ztp_buf *out)
{
	size_t k, n = ztp_sshalg_count(list), j, m;
	char nm[128], pat[128];
	const char *rm = cat < ZTP_PROF_NCAT ? lp->removed[cat] : NULL;

	if (rm == NULL)
		return;
	m = ztp_sshalg_count(rm);
	for (k = 0; k < n; k++) {
		if (ztp_sshalg_nth(list, k, nm, sizeof nm) < 0)
			continue;
		for (j = 0; j < m; j++)
			if (ztp_sshalg_nth(rm, j, pat, sizeof pat) == 0 && ztp_sshalg_match(pat, nm)) {
				ztp_buf_addf(out, "%s%s", out->len ? "," : "", nm);
				break;
			}
	}
}

static const char *slot_cat_name(int cat)
{
	return cat == ZTP_ALG_KEX ? "key exchange" : cat == ZTP_ALG_HOSTKEY ? "host key" :
	       cat == ZTP_ALG_CIPHER ? "cipher" : cat == ZTP_ALG_MAC ? "MAC" : "compression";
}

/* libssh 0.11 and later take '+' (CHANGELOG 0.11.0); 0.9 and 0.10 do not */
static int lib_plus(const struct ztp_sshprof *lp)
{
	return strcmp(lp->name, "libssh-0.9") != 0 && strcmp(lp->name, "libssh-0.10") != 0;
}

/* the change in the client's syntax */
static void change_text(const struct ztp_sshprof *p, const struct ztp_sshprof *lp,
			const struct ztp_kexdiag *d, char *const *lists, const char *host,
			struct ztp_buf *b)
{
	int c;

	if (lp->family == ZTP_PROF_ASYNCSSH) {
		static const char *const arg[ZTP_PROF_NCAT] = {
			"kex_algs", "server_host_key_algs", "encryption_algs", "mac_algs",
		};

		ztp_buf_adds(b, "asyncssh.connect(...,");
		for (c = 0; c < ZTP_PROF_NCAT; c++)
			if (d->fix[c])
				ztp_buf_addf(b, " %s='%s',", arg[c], d->fix[c]);
		b->p[b->len - 1] = ')';
		ztp_buf_addc(b, '\n');
		return;
	}
	if (lp->family == ZTP_PROF_GO) {
		static const char *const field[ZTP_PROF_NCAT] = {
			"config.KeyExchanges", "config.HostKeyAlgorithms", "config.Ciphers", "config.MACs",
		};

		for (c = 0; c < ZTP_PROF_NCAT; c++) {
			size_t k, n;
			char nm[128];

			if (d->fix[c] == NULL)
				continue;
			/* the defaults, then what the fix adds: Go sets lists whole */
			ztp_buf_addf(b, "%s = []string{", field[c]);
			n = ztp_sshalg_count(lists[c]);
			for (k = 0; k < n; k++)
				if (ztp_sshalg_nth(lists[c], k, nm, sizeof nm) == 0)
					ztp_buf_addf(b, "\"%s\", ", nm);
			n = ztp_sshalg_count(d->fix[c] + 1);
			for (k = 0; k < n; k++)
				if (ztp_sshalg_nth(d->fix[c] + 1, k, nm, sizeof nm) == 0)
					ztp_buf_addf(b, "\"%s\"%s", nm, k + 1 < n ? ", " : "");
			ztp_buf_adds(b, "}\n");
		}
		return;
	}
	if (lp->family == ZTP_PROF_LIBSSH && !lib_plus(lp)) {
		/* 0.9 and 0.10 take no '+': the whole list, or the defaults are lost */
		ztp_buf_addf(b, "Host %s\n", host);
		for (c = 0; c < ZTP_ALG_NCAT; c++) {
			if (d->fix[c] == NULL)
				continue;
			if (d->fix[c][0] == '^')
				ztp_buf_addf(b, "    %s %s,%s\n", ztp_sshalg_cat_keyword(c), d->fix[c] + 1,
					     lists[c]);
			else
				ztp_buf_addf(b, "    %s %s,%s\n", ztp_sshalg_cat_keyword(c), lists[c],
					     d->fix[c][0] == '+' ? d->fix[c] + 1 : d->fix[c]);
		}
		ztp_buf_addf(b, "(%s takes the full list: '+' is not understood)\n", lp->name);
		return;
	}
	/* OpenSSH and libssh 0.11: an ssh_config block with '+' */
	ztp_kexdiag_fix_ssh_config(b, d, host, "");
	(void)p;
}

int ztp_sshprof_judge(const struct ztp_sshprof *p, const struct ztp_sshalg_lib *lib,
		      const char *const *offer, char *const *client, const char *host,
		      struct ztp_sshprof_result *r, struct ztp_err *e)
{
	const struct ztp_sshprof *lp = ztp_sshprof_lists(p);
	char *const *lists = client ? client : lib->defaults;
	const char *kex, *hk;
	int i;

	memset(r, 0, sizeof *r);
	r->prof = p;
	if (lp == NULL)
		return ztp_err_set(e, ZTP_ERR_CONFIG, "client profile '%s' names no lists", p->name);
	r->d = ztp_kexdiag_run(offer, lists, lib);
	if (r->d->negotiable) {
		r->verdict = ZTP_PROF_CONNECTS;
	} else if (r->d->fixable && lp->family != ZTP_PROF_PARAMIKO && lp->family != ZTP_PROF_LIBSSH2) {
		r->verdict = ZTP_PROF_CHANGE;
		change_text(p, lp, r->d, lists, host, &r->change);
	} else {
		int pin = 0;

		r->verdict = ZTP_PROF_CANNOT;
		for (i = 0; i < ZTP_KD_N; i++) {
			const struct ztp_kd_slot *s = &r->d->s[i];
			struct ztp_buf rm = ZTP_BUF_INIT;

			if (s->ok || (i != ZTP_KD_KEX && i != ZTP_KD_HOSTKEY && i != ZTP_KD_ENC_CS &&
				      i != ZTP_KD_MAC_CS))
				continue;
			removed_of(lp, s->cat, s->server, &rm);
			ztp_buf_addf(&r->why, "%sno %s in common: the device offers %s", r->why.len ? "; " : "",
				     slot_cat_name(s->cat), s->server[0] ? s->server : "nothing");
			if (rm.len) {
				ztp_buf_addf(&r->why, " (%s removed in %s: no setting brings it back)", rm.p,
					     lp->removed_in ? lp->removed_in : lp->name);
				pin = 1;
			} else if (s->lib_can) {
				ztp_buf_addf(&r->why, " (%s reads no setting that turns %s on)", p->name,
					     s->best);
			} else if (p != lp) {
				ztp_buf_addf(&r->why, " (%s, through %s, does not implement any of them)",
					     p->name, lp->name);
			} else {
				ztp_buf_addf(&r->why, " (%s does not implement any of them)", lp->name);
			}
			ztp_buf_free(&rm);
		}
		/* the way out */
		if (lp->family == ZTP_PROF_PARAMIKO && pin && strncmp(lp->name, "paramiko-5", 10) == 0) {
			const struct ztp_sshprof *p4 = ztp_sshprof_find("paramiko-4.0");
			struct ztp_sshalg_lib l4;
			struct ztp_kexdiag *d4;
			int ok4 = 0;

			if (p4 && ztp_sshprof_lib(p4, &l4, e) == 0) {
				d4 = ztp_kexdiag_run(offer, l4.defaults, &l4);
				ok4 = d4->negotiable;
				ztp_kexdiag_free(d4);
				ztp_sshalg_lib_free(&l4);
			}
			if (ok4)
				ztp_buf_adds(&r->why, p->family == ZTP_PROF_NETMIKO ?
					     "; way out: pin paramiko<5 (pip install 'netmiko[par4]' with "
					     "netmiko 4.8, or netmiko 4.7 which pins it), or change the device" :
					     "; way out: pin paramiko<5 (paramiko 4.0 connects), or change the device");
			else
				ztp_buf_adds(&r->why, "; way out: change the device (paramiko 4.0 cannot connect either)");
		} else if (lp->family == ZTP_PROF_LIBSSH2 && pin) {
			ztp_buf_adds(&r->why, "; way out: stay on libssh2 1.11.1 (pin the package or the "
				     "wheel that embeds it: ssh2-python, scrapli's ssh2 transport), or "
				     "change the device");
		} else {
			ztp_buf_adds(&r->why, "; way out: change the device (enable an algorithm this client has on)");
		}
	}
	if (r->verdict != ZTP_PROF_CANNOT) {
		kex = r->d->s[ZTP_KD_KEX].agreed[0] ? r->d->s[ZTP_KD_KEX].agreed :
		      r->d->fix[ZTP_ALG_KEX] ? r->d->fix[ZTP_ALG_KEX] + 1 : "";
		hk = r->d->s[ZTP_KD_HOSTKEY].agreed[0] ? r->d->s[ZTP_KD_HOSTKEY].agreed :
		     r->d->fix[ZTP_ALG_HOSTKEY] ? r->d->fix[ZTP_ALG_HOSTKEY] + 1 : "";
		if (lp->gex_min && strncmp(kex, "diffie-hellman-group-exchange-", 30) == 0)
			ztp_buf_addf(&r->notes, "group exchange: the device must have a group of at least "
				     "%d bits (not in the offer)\n", lp->gex_min);
		if (lp->rsa_min && (strncmp(hk, "rsa-sha2-", 9) == 0 || strncmp(hk, "ssh-rsa", 7) == 0))
			ztp_buf_addf(&r->notes, "the device's RSA host key must have at least %d bits "
				     "(not in the offer)\n", lp->rsa_min);
	}
	return 0;
}

void ztp_sshprof_result_free(struct ztp_sshprof_result *r)
{
	if (r == NULL)
		return;
	ztp_kexdiag_free(r->d);
	ztp_buf_free(&r->change);
	ztp_buf_free(&r->why);
	ztp_buf_free(&r->notes);
	memset(r, 0, sizeof *r);
}

/* ---- -Q --client --------------------------------------------------------- */

/* supported minus defaults (malloc'ed) */
static char *off_list(const struct ztp_sshalg_lib *lib, int c)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	size_t k, n = ztp_sshalg_count(lib->supported[c]);
	char nm[128];

	for (k = 0; k < n; k++)
		if (ztp_sshalg_nth(lib->supported[c], k, nm, sizeof nm) == 0 &&
		    !ztp_sshalg_has(lib->defaults[c], nm))
			ztp_buf_addf(&b, "%s%s", b.len ? "," : "", nm);
	return b.p ? b.p : ztp_xstrdup("");
}

/* how the client turns an off name on, for keyword kw; 0: it cannot */
static int turn_on(struct ztp_buf *b, const struct ztp_sshprof *lp, const char *kw)
{
	if (lp->family == ZTP_PROF_OPENSSH)
		return ztp_buf_addf(b, "  turn on: ssh_config or ssh -o: %s +NAME\n", kw), 1;
	if (lp->family == ZTP_PROF_LIBSSH && !lib_plus(lp))
		return ztp_buf_addf(b, "  turn on: %s with the full list (no '+' in %s)\n", kw, lp->name), 1;
	if (lp->family == ZTP_PROF_LIBSSH)
		return ztp_buf_addf(b, "  turn on: %s +NAME (list modifiers since libssh 0.11)\n", kw), 1;
	if (lp->family == ZTP_PROF_ASYNCSSH)
		return ztp_buf_addf(b, "  turn on: the %s option with '+NAME'\n", kw), 1;
	if (lp->family == ZTP_PROF_GO)
		return ztp_buf_addf(b, "  turn on: the whole list in ssh.Config / ClientConfig (%s)\n", kw), 1;
	return 0;
}

void ztp_sshprof_describe(struct ztp_buf *b, const struct ztp_sshprof *p,
			  const struct ztp_sshalg_lib *lib)
{
	const struct ztp_sshprof *lp = ztp_sshprof_lists(p);
	int c;

	ztp_buf_addf(b, "%s (%s)\n", p->name, p->source ? p->source : lib->table);
	if (p->family == ZTP_PROF_NETMIKO)
		ztp_buf_addf(b, "  requires %s: a fresh install pulls %s\n"
			     "  reads no algorithm from ssh_config (only ProxyCommand, ProxyJump, HostName,"
			     " Port, User, IdentityFile)\n", p->range, lp ? lp->name : "?");
	if (lp == NULL)
		return;
	for (c = 0; c < ZTP_PROF_NCAT; c++) {
		char *off = off_list(lib, c);

		ztp_buf_addf(b, "%s (%s):\n  on:      %s\n", ztp_sshalg_cat_name(c), ztp_sshalg_cat_keyword(c),
			     lib->defaults[c]);
		if (off[0]) {
			ztp_buf_addf(b, "  off:     %s\n", off);
			turn_on(b, lp, ztp_sshalg_cat_keyword(c));
		} else if (lp->family == ZTP_PROF_PARAMIKO) {
			ztp_buf_adds(b, "  off:     (none: paramiko sends all it supports; "
				     "disabled_algorithms only removes)\n");
		} else if (lp->family == ZTP_PROF_LIBSSH2) {
			ztp_buf_adds(b, "  off:     (none: libssh2 sends all it was built with; "
				     "libssh2_session_method_pref only narrows)\n");
		}
		if (lp->removed[c])
			ztp_buf_addf(b, "  removed: %s\n", lp->removed[c]);
		free(off);
	}
	if (lp->gex_min)
		ztp_buf_addf(b, "group exchange: asks for at least %d bits\n", lp->gex_min);
	if (lp->rsa_min)
		ztp_buf_addf(b, "RSA keys: at least %d bits\n", lp->rsa_min);
}

struct ztp_val *ztp_sshprof_val(const struct ztp_sshprof *p, const struct ztp_sshalg_lib *lib)
{
	const struct ztp_sshprof *lp = ztp_sshprof_lists(p);
	struct ztp_val *m = ztp_val_map(), *cats = ztp_val_map();
	int c;

	ztp_map_set(m, "client", ztp_val_str(p->name));
	ztp_map_set(m, "source", ztp_val_str(p->source ? p->source : lib->table));
	if (p->family == ZTP_PROF_NETMIKO) {
		ztp_map_set(m, "requires", ztp_val_str(p->range));
		ztp_map_set(m, "pulls", ztp_val_str(lp ? lp->name : ""));
	}
	if (lp == NULL)
		return m;
	for (c = 0; c < ZTP_PROF_NCAT; c++) {
		struct ztp_val *cm = ztp_val_map();
		char *off = off_list(lib, c);

		ztp_map_set(cm, "on", ztp_sshalg_list_val(lib->defaults[c]));
		ztp_map_set(cm, "off", ztp_sshalg_list_val(off));
		ztp_map_set(cm, "removed", ztp_sshalg_list_val(lp->removed[c] ? lp->removed[c] : ""));
		ztp_map_set(cats, ztp_sshalg_cat_name(c), cm);
		free(off);
	}
	ztp_map_set(m, "categories", cats);
	ztp_map_set(m, "gex_min_bits", ztp_val_int(lp->gex_min));
	ztp_map_set(m, "rsa_min_bits", ztp_val_int(lp->rsa_min));
	return m;
}
