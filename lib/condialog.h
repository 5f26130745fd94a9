/* condialog.h: getting from a console line to a usable CLI.
 *
 * A console line shows whatever state the device is in: nothing until a
 * key is pressed, "Press RETURN to get started", a factory dialog (the
 * Cisco initial configuration dialog in its IOS and IOS-XE 17 forms,
 * autoinstall, NX-OS POAP, the IOS-XR first user, JunOS "Amnesiac",
 * Huawei's first-login password and Auto-Config, EOS Zero Touch mode), the
 * login of the terminal server and of the device in either order, a pager
 * or configuration mode left open by the last user, or a boot loader
 * (ROMMON, "switch:", "grub>", "loader>").  ztp_con_open wakes the line
 * (CR, again after a pause), recognises each of these at the end of what
 * the line printed (syslog lines printed into a prompt are skipped), does
 * what an engineer would, and hands the line to lib/cli.c once a CLI
 * prompt stands: the result is a struct ztp_cli ready for ztp_cli_run.
 *
 * Answering a factory dialog stops PnP/autoinstall/POAP/Auto-Config on
 * that device: the result says so (owns), so the record can say the
 * console path owns the device.  With ZTP_CON_FACTORY_REFUSE the engine
 * stops at such a dialog instead.  Boot loaders are reported, never
 * driven unless boot is set.
 *
 * Every wait has a deadline and its error names what it waited for and
 * the last line it saw (escaped).  Secrets (passwords of both logins, the
 * enable secret, the secret set in factory dialogs) never reach the
 * transcript hook: they are replaced by "<redacted>" on both streams,
 * also when a device echoes them back a byte at a time. */
#ifndef ZTP_CONDIALOG_H
#define ZTP_CONDIALOG_H

#include <stddef.h>

#include "cli.h"
#include "err.h"

/* What the end of a console's output is (ztp_con_classify). */
enum ztp_con_sit {
	ZTP_CON_NOTHING,	/* nothing recognised (yet) */
	ZTP_CON_PROMPT,		/* a CLI prompt: done */
	ZTP_CON_CONFIG,		/* a CLI prompt in configuration mode */
	ZTP_CON_PAGER,		/* --More-- and friends */
	ZTP_CON_PRESS_RETURN,	/* "Press RETURN to get started", VRP ENTER */
	ZTP_CON_SETUP,		/* Cisco "... configuration dialog? [yes/no]:" */
	ZTP_CON_SETUP_SECRET,	/* IOS-XE 17 "Enter enable secret:" */
	ZTP_CON_SETUP_CONFIRM,	/* "Confirm enable secret:" */
	ZTP_CON_SETUP_MENU,	/* "Enter your selection [2]:" */
	ZTP_CON_SETUP_ENCRYPT,	/* "Enter your encryption selection [2]:" */
	ZTP_CON_AUTOINSTALL,	/* "Would you like to terminate autoinstall? [yes]:" */
	ZTP_CON_POAP,		/* NX-OS "Abort Power On Auto Provisioning ..." */
	ZTP_CON_NXOS_SECURE,	/* "Do you want to enforce secure password standard" */
	ZTP_CON_NXOS_ADMIN,	/* "Enter the password for "admin":" */
	ZTP_CON_NXOS_ADMIN2,	/* "Confirm the password for "admin":" */
	ZTP_CON_XR_USER,	/* "Enter root-system username:" */
	ZTP_CON_XR_SECRET,	/* "Enter secret:" */
	ZTP_CON_XR_SECRET2,	/* "Enter secret again:" */
	ZTP_CON_VRP_SET,	/* "Continue to set it? [Y/N]:" */
	ZTP_CON_VRP_PW,		/* "Enter Password:" */
	ZTP_CON_VRP_PW2,	/* "Confirm Password:" */
	ZTP_CON_VRP_AUTOCONFIG,	/* "Do you want to stop Auto-Config? [y/n]:" */
	ZTP_CON_EXIT_CONFIRM,	/* leaving configuration with uncommitted changes */
	ZTP_CON_LOGIN,		/* "Username:", "login:", "User Name:" */
	ZTP_CON_PASSWORD,	/* "Password:" */
	ZTP_CON_JUNOS_SHELL,	/* "root@:RE:0% ", "root@% " */
	ZTP_CON_ROMMON,		/* "rommon 1 >" */
	ZTP_CON_SWITCH_BOOT,	/* Catalyst boot loader "switch:" */
	ZTP_CON_GRUB,		/* "grub>" */
	ZTP_CON_LOADER,		/* JunOS/FreeBSD "loader>" */
	ZTP_CON_BUSY,		/* the terminal server says the line is taken */
	ZTP_CON_NO_PASSWORD,	/* "Password required, but none set" */
	ZTP_CON_NSIT
};

/* The name of a situation ("initial configuration dialog", ...). */
const char *ztp_con_sit_name(enum ztp_con_sit s);

/* Recognise the situation at the end of raw console output (n bytes: the
 * tail is enough, the last 4 KiB are looked at).  The text is rendered as
 * a terminal shows it, syslog lines at its end and syslog messages printed
 * into a question are skipped.  A prompt or a question counts only whole
 * ("... dialog? [yes/no]: ", not its first words) and standing at the end,
 * with no newline after it but syslog lines: what a slow line has
 * delivered so far may end anywhere.  The last line that decided (clean)
 * goes into line (size lsz, may be 0).  Pure: no I/O, no state. */
enum ztp_con_sit ztp_con_classify(const char *raw, size_t n, char *line, size_t lsz);

/* 1 when the clean line (n bytes, no LF) is a syslog message as devices
 * print them on the console ("*Mar  1 00:00:05.123: %LINK-3-UPDOWN: ...",
 * "RP/0/RP0/CPU0:Jun 30 ...: envmon[123]: %PKT_INFRA-...", EOS
 * "Dec  6 ... Ztp: %ZTP-6-RETRY: ..."). */
int ztp_con_is_syslog(const char *line, size_t n);

enum ztp_con_factory {
	ZTP_CON_FACTORY_ANSWER,	/* answer factory dialogs (the device's ZTP stops) */
	ZTP_CON_FACTORY_REFUSE,	/* stop at them: ZTP_ERR_PERM */
};

struct ztp_con_cred {
	const char *user;	/* NULL: no such login */
	const char *password;	/* NULL: none (sent as an empty line) */
};

struct ztp_con_opts {
	const char *platform;	/* ztp_facts_platforms, or NULL: detect */
	struct ztp_con_cred server;	/* the terminal server's own login */
	/* The device's login.  user NULL: the factory one where there is
	 * one (JunOS root, EOS admin, both without a password). */
	struct ztp_con_cred device;
	const char *enable_secret;
	/* The secret to set where a factory dialog insists on one (IOS-XE 17
	 * enable secret, IOS-XR root-system user, NX-OS admin, VRP console
	 * password); NULL: device.password.  The user of the XR root-system
	 * user is device.user ("admin" when NULL). */
	const char *factory_secret;
	/* one more secret kept out of the transcript (the local user's of a
	 * bootstrap, ztp_con_bootstrap), or NULL */
	const char *other_secret;
	enum ztp_con_factory factory;
	int boot;		/* 1: "boot" at ROMMON/switch:/loader>, else report */
	double timeout;		/* the whole dialog; 0: 120 s */
	double step;		/* each wait; 0: 20 s */
	double wake;		/* CR again after this much silence; 0: 2 s */
	double cmd_timeout;	/* ztp_cli_opts.timeout; 0: its default */
	void (*log)(void *ctx, enum ztp_cli_dir dir, const char *p, size_t n);
	void *log_ctx;
};

#define ZTP_CON_EVENTS 32
#define ZTP_CON_EVENT_LEN 160

struct ztp_con_result {
	/* what the engine did, in order, for the record's history
	 * ("answered the initial configuration dialog: no", ...) */
	char events[ZTP_CON_EVENTS][ZTP_CON_EVENT_LEN];
	int nevents;
	enum ztp_con_sit sit;	/* where it ended (PROMPT on success) */
	int owns;		/* 1: a factory dialog was answered: the console
				 * path owns the device, its ZTP is stopped */
	char last_line[128];	/* the last line seen (clean) */
};

/* Drive the line t to a CLI prompt and open a CLI session on it (the
 * session owns t; on failure t is closed).  r is filled in either case.
 * Errors: ZTP_ERR_TIMEOUT (a wait ran out: what and the last line in the
 * message), ZTP_ERR_PROTO (the line closed), ZTP_ERR_BUSY (the terminal
 * server says the line is in use), ZTP_ERR_PERM (login refused, a factory
 * dialog with ZTP_CON_FACTORY_REFUSE, a boot loader without boot, the
 * same question again and again, a dialog that does not end),
 * ZTP_ERR_CONFIG (a secret the device does not accept, none given). */
int ztp_con_open(struct ztp_cli **c, const struct ztp_cli_transport *t,
		 const struct ztp_con_opts *o, struct ztp_con_result *r, struct ztp_err *e);

/* ---- the console bootstrap: a rendered configuration typed on the
 * console of a device without working SSH, the platform's way:
 *
 *   cisco_ios, cisco_iosxe  configure terminal; the lines; end; write memory
 *   arista_eos              configure; the lines; end; write memory
 *   juniper_junos           configure; the set lines; commit;
 *                           exit configuration-mode
 *   huawei_vrp              system-view; the lines; return; save
 *
 * Each line is checked for the device's error (% Invalid input, error:,
 * Error:): the first refused line stops it, the configuration mode is left
 * without saving (JunOS: the candidate rolled back) and the result names
 * the line.  The questions enabling SSH asks are answered: the RSA modulus
 * (2048), "Do you really want to replace them? [yes/no]" and VRP's
 * "Confirm to replace them? [y/n]" (no: existing keys are kept), JunOS
 * "New password:" / "Retype new password:" of plain-text-password (the
 * secret), VRP's save confirmation.  Prerequisites the device names are
 * met when the caller gave the means: "% Please define a domain-name
 * first." (IOS: the domain is set, the line typed again), "Missing
 * mandatory statement: 'root-authentication'" (JunOS: root gets the
 * secret as plain-text-password, the commit is tried again).  The secret
 * never appears in messages (replaced by <redacted>); the caller keeps it
 * out of the transcript (ztp_con_opts.other_secret). */
struct ztp_con_boot {
	const char *platform;	/* ztp_facts_platforms */
	const char *config;	/* the rendered template */
	size_t len;
	const char *secret;	/* password prompts; NULL: none to give */
	const char *domain;	/* "define a domain-name first"; NULL: none */
	double timeout;		/* per command; 0: the session's */
};

struct ztp_con_boot_result {
	char kind[32];		/* failure: rejected, prerequisite, closed, timeout */
	char msg[1024];		/* failure: what, the line (number, text), the device's words */
	char done[512];		/* success: what was done, for the record's history */
	size_t lines, sent;	/* configuration lines, lines typed */
	int keys;		/* 1: the device generated SSH keys */
	int saved;		/* 1: saved (committed) */
};

/* Type the bootstrap b on the CLI session c (at its prompt, out of
 * configuration mode: as ztp_con_open leaves it).  0: applied and saved;
 * ZTP_ERR_USAGE: the device refused a line or a prerequisite was missing
 * (nothing saved); ZTP_ERR_CONFIG: no bootstrap sequence for the
 * platform; ZTP_ERR_TIMEOUT, ZTP_ERR_PROTO, ZTP_ERR_LIMIT: the line broke
 * (the device may hold part of it, unsaved).  r->kind and r->msg say the
 * same as e. */
int ztp_con_bootstrap(struct ztp_cli *c, const struct ztp_con_boot *b,
		      struct ztp_con_boot_result *r, struct ztp_err *e);

#endif
