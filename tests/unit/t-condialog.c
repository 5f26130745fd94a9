/* t-condialog: the console recogniser (ztp_con_classify) on the published
 * strings of each situation, with syslog messages after and inside them,
 * and the syslog detector; then the engine (ztp_con_open and the console
 * bootstrap) on a scripted IOS console whose output is read a byte at a
 * time and in other pieces, with pauses in the middle of a question and
 * of a banner, as a slow console line or a loaded terminal server delivers
 * it: the same dialog, the same answers, each typed only once the device
 * has said all it had to say. */
#include <stdio.h>
#include <string.h>

#include "condialog.h"
#include "tap.h"

/* ---- a scripted IOS console: the initial configuration dialog, press
 * RETURN, the login, then a CLI that knows a few commands; "crypto key
 * generate rsa" asks for the modulus.  \001 in its output is a pause (a
 * quiet read) where a loaded device stops for a moment: in the middle of
 * its dialog's question, after the line of #s of its banner. */
enum dst { D_ASLEEP, D_DIALOG, D_PRESS, D_USER, D_PASS, D_EXEC };

struct dev {
	struct ztp_buf q;		/* output not read yet */
	size_t off;
	const size_t *cuts;		/* the size of each read, in turn (0 ends) */
	size_t ci;
	enum dst st;
	int config;
	char in[256];
	size_t inlen;
	int early;			/* lines typed while output was still unread */
	char early_line[256];
	int modulus;			/* modulus answers received */
};

static void dq(struct dev *d, const char *s)
{
	ztp_buf_adds(&d->q, s);
}

static ssize_t dev_read(void *ctx, char *p, size_t n, double deadline, struct ztp_err *e)
{
	struct dev *d = ctx;
	size_t k;

	(void)deadline;
	(void)e;
	if (d->off == d->q.len)
		return 0;	/* quiet */
	if (d->q.p[d->off] == '\001') {	/* a pause in the middle */
		d->off++;
		return 0;
	}
	k = d->cuts[d->ci];
	d->ci = d->cuts[d->ci + 1] ? d->ci + 1 : 0;
	if (k > d->q.len - d->off)
		k = d->q.len - d->off;
	if (k > n)
		k = n;
	{
		const char *pause = memchr(d->q.p + d->off, '\001', k);

		if (pause)
			k = (size_t)(pause - (d->q.p + d->off));
	}
	memcpy(p, d->q.p + d->off, k);
	d->off += k;
	return (ssize_t)k;
}

static void dev_prompt(struct dev *d)
{
	dq(d, d->config ? "\r\nRouter(config)#" : "\r\nRouter#");
}

static void dev_line(struct dev *d, const char *l)
{
	switch (d->st) {
	case D_ASLEEP:
		dq(d, "\r\n         --- System Configuration Dialog ---\r\n\r\nWould you like to "
		      "enter the initial configuration dialog?\001 [yes/no]: ");
		d->st = D_DIALOG;
		return;
	case D_DIALOG:
		dq(d, l);
		dq(d, "\r\n\r\n\r\nPress RETURN to get started!\r\n\r\n");
		d->st = D_PRESS;
		return;
	case D_PRESS:
		dq(d, "\r\n\r\n##############################\r\n\001#  lab router, keep out  #\r\n"
		      "##############################\r\n\001\r\nUser Access Verification\r\n\r\n"
		      "Username: ");
		d->st = D_USER;
		return;
	case D_USER:
		dq(d, l);
		dq(d, "\r\nPassword: ");
		d->st = D_PASS;
		return;
	case D_PASS:
		if (strcmp(l, "Devpass123") == 0) {
			d->st = D_EXEC;
			dev_prompt(d);
		} else {
			dq(d, "\r\n% Login invalid\r\n\r\nUsername: ");
			d->st = D_USER;
		}
		return;
	case D_EXEC:
		break;
	}
	dq(d, l);	/* the echo */
	if (strcmp(l, "show version") == 0) {
		dq(d, "\r\nCisco IOS Software, IOSv Software (VIOS-ADVENTERPRISEK9-M), "
		      "Version 15.8(3)M2\r\nProcessor board ID 9X1234\r\n");
	} else if (strcmp(l, "configure terminal") == 0) {
		dq(d, "\r\nEnter configuration commands, one per line.  End with CNTL/Z.");
		d->config = 1;
	} else if (strcmp(l, "end") == 0) {
		d->config = 0;
	} else if (strcmp(l, "write memory") == 0) {
		dq(d, "\r\nBuilding configuration...\r\n[OK]");
	} else if (strcmp(l, "crypto key generate rsa") == 0) {
		dq(d, "\r\nThe name for the keys will be: Router.lab\r\nChoose the size of the "
		      "key modulus in the range of 360 to 4096 for your\r\n  General Purpose Keys."
		      "\r\n\r\nHow many bits in the modulus [512]: ");
		return;
	} else if (strcmp(l, "2048") == 0) {
		d->modulus++;
		dq(d, "\r\n% Generating 2048 bit RSA keys, keys will be non-exportable...\r\n"
		      "[OK] (elapsed time was 1 seconds)\r\n");
	}
	dev_prompt(d);
}

static int dev_write(void *ctx, const char *p, size_t n, double deadline, struct ztp_err *e)
{
	struct dev *d = ctx;
	size_t i;

	(void)deadline;
	(void)e;
	for (i = 0; i < n; i++) {
		if (p[i] == '\n')
			continue;
		if (p[i] != '\r') {
			if (d->inlen < sizeof d->in - 1)
				d->in[d->inlen++] = p[i];
			continue;
		}
		d->in[d->inlen] = 0;
		d->inlen = 0;
		if (d->off < d->q.len && !d->early++)
			snprintf(d->early_line, sizeof d->early_line, "%s", d->in);
		dev_line(d, d->in);
	}
	return 0;
}

static void dev_close(void *ctx)
{
	(void)ctx;
}

struct tr {
	struct ztp_buf b;
};

static void tlog(void *ctx, enum ztp_cli_dir dir, const char *p, size_t n)
{
	struct tr *t = ctx;

	(void)dir;
	ztp_buf_add(&t->b, p, n);
}

/* the dialog, a command and the bootstrap with the device's output read
 * in pieces of the sizes in cuts (0 ends the list, which repeats) */
static void dialog_in_pieces(const size_t *cuts, const char *name)
{
	static const char boot[] = "ip domain-name lab.example.net\ncrypto key generate rsa\n";
	struct dev d = { .q = ZTP_BUF_INIT, .cuts = cuts };
	struct ztp_cli_transport t = { &d, dev_read, dev_write, dev_close };
	struct ztp_con_opts o;
	struct ztp_con_result r;
	struct ztp_con_boot b;
	struct ztp_con_boot_result br;
	struct ztp_cli *c = NULL;
	struct ztp_buf out = ZTP_BUF_INIT;
	struct tr tr = { ZTP_BUF_INIT };
	struct ztp_err e;
	char name2[200];
	int rc;

	memset(&o, 0, sizeof o);
	o.platform = "cisco_ios";
	o.device.user = "admin";
	o.device.password = "Devpass123";
	o.timeout = 30;
	o.step = 10;
	o.cmd_timeout = 10;
	o.log = tlog;
	o.log_ctx = &tr;
	rc = ztp_con_open(&c, &t, &o, &r, &e);
	snprintf(name2, sizeof name2, "%s: a CLI after the dialog and the login", name);
	if (!ok(rc == 0, name2))
		diag(e.msg);
	snprintf(name2, sizeof name2, "%s: the dialog answered, RETURN pressed, logged in", name);
	ok(r.nevents >= 3 && !strcmp(r.events[0], "answered the initial configuration dialog: no") &&
	   !strcmp(r.events[1], "pressed RETURN to get started") &&
	   !strcmp(r.events[2], "logged in to the device as admin"), name2);
	if (rc == 0) {
		rc = ztp_cli_run(c, "show version", 10, &out, &e);
		snprintf(name2, sizeof name2, "%s: show version, its output whole", name);
		ok(rc == 0 && out.p && strstr(out.p, "Processor board ID 9X1234") &&
		   !strstr(out.p, "Router#"), name2);
		memset(&b, 0, sizeof b);
		b.platform = "cisco_ios";
		b.config = boot;
		b.len = sizeof boot - 1;
		rc = ztp_con_bootstrap(c, &b, &br, &e);
		snprintf(name2, sizeof name2, "%s: the bootstrap typed and saved", name);
		if (!ok(rc == 0 && br.saved && br.keys, name2))
			diag(br.msg);
		snprintf(name2, sizeof name2, "%s: the modulus asked once, answered once", name);
		is_int(d.modulus, 1, name2);
		ztp_cli_close(c);
	}
	snprintf(name2, sizeof name2, "%s: nothing typed before the device was done", name);
	if (!ok(d.early == 0, name2))
		diag(d.early_line);
	snprintf(name2, sizeof name2, "%s: the transcript has the question, then its answer, and "
		 "not the password", name);
	ok(tr.b.p && !memmem(tr.b.p, tr.b.len, "Devpass123", 10) &&
	   memmem(tr.b.p, tr.b.len, "How many bits in the modulus [512]: 2048", 40), name2);
	ztp_buf_free(&out);
	ztp_buf_free(&tr.b);
	ztp_buf_free(&d.q);
}

static enum ztp_con_sit cls(const char *s, char *line, size_t lsz)
{
	return ztp_con_classify(s, strlen(s), line, lsz);
}

#define SIT(text, want, name) do { \
	char l_[256]; \
	enum ztp_con_sit s_ = cls(text, l_, sizeof l_); \
	is_str(ztp_con_sit_name(s_), ztp_con_sit_name(want), name); \
} while (0)

int main(void)
{
	char line[256];

	SIT("", ZTP_CON_NOTHING, "empty: nothing");
	SIT("\r\nSystem Bootstrap, Version 16.12(2r)\r\nbooting...\r\n", ZTP_CON_NOTHING,
	    "boot messages: nothing");
	SIT("\r\n\r\nPress RETURN to get started!\r\n\r\n\r\n", ZTP_CON_PRESS_RETURN,
	    "Press RETURN, blank lines after it");
	SIT("\nPress ENTER to get started.\n", ZTP_CON_PRESS_RETURN, "VRP Press ENTER");
	SIT("         --- System Configuration Dialog ---\r\n\r\nWould you like to enter the "
	    "initial configuration dialog? [yes/no]: ", ZTP_CON_SETUP, "IOS dialog");
	SIT("Continue with configuration dialog? [yes/no]:", ZTP_CON_SETUP, "IOS dialog, older form");
	SIT("% Please answer 'yes' or 'no'.\r\nWould you like to enter the initial configuration "
	    "dialog? [yes/no]: ", ZTP_CON_SETUP, "the dialog asked again");
	SIT("\r\n  Enter enable secret: ", ZTP_CON_SETUP_SECRET, "XE 17 enable secret");
	SIT("\r\n  Confirm enable secret: ", ZTP_CON_SETUP_CONFIRM, "XE 17 confirm");
	SIT("[2] Save this configuration to nvram and exit.\r\n\r\nEnter your selection [2]: ",
	    ZTP_CON_SETUP_MENU, "XE 17 menu");
	SIT("Enter your encryption selection [2]: ", ZTP_CON_SETUP_ENCRYPT, "XE 17 encryption");
	SIT("Would you like to terminate autoinstall? [yes]: ", ZTP_CON_AUTOINSTALL, "autoinstall");
	SIT("Abort Power On Auto Provisioning and continue with normal setup ?(yes/no)[n]: ",
	    ZTP_CON_POAP, "POAP, older form");
	SIT("Abort Power On Auto Provisioning [yes - continue with normal setup, skip - bypass "
	    "password and basic configuration, no - continue with Power On Auto Provisioning] "
	    "(yes/skip/no)[no]:", ZTP_CON_POAP, "POAP, newer form");
	SIT("Do you want to enforce secure password standard (yes/no) [y]: ", ZTP_CON_NXOS_SECURE,
	    "NX-OS secure password");
	SIT("  Enter the password for \"admin\": ", ZTP_CON_NXOS_ADMIN, "NX-OS admin password");
	SIT("  Confirm the password for \"admin\": ", ZTP_CON_NXOS_ADMIN2, "NX-OS confirm");
	SIT("Would you like to enter the basic configuration dialog (yes/no): ", ZTP_CON_SETUP,
	    "NX-OS basic dialog");
	SIT("  Enter root-system username: ", ZTP_CON_XR_USER, "XR user");
	SIT("  Enter secret: ", ZTP_CON_XR_SECRET, "XR secret");
	SIT("  Enter secret again: ", ZTP_CON_XR_SECRET2, "XR secret again");
	SIT("  Enter root-system username: RP/0/RP0/CPU0:Jun 30 12:00:00.000 UTC: envmon[187]: "
	    "%PKT_INFRA-FM-3-FAULT_MAJOR : ALARM_MAJOR :: Power Module Error :DECLARE :: 0/PM0-SP:\r\n",
	    ZTP_CON_XR_USER, "XR user with an envmon message printed into it");
	SIT("  Enter secret: RP/0/RP0/CPU0:Jun 30 12:00:00.000 UTC: envmon[187]: "
	    "%PKT_INFRA-FM-3-FAULT_MAJOR : ALARM_MAJOR ::\r\n", ZTP_CON_XR_SECRET,
	    "XR secret with a message printed into it");
	SIT("Continue to set it? [Y/N]: ", ZTP_CON_VRP_SET, "VRP first login");
	SIT("Please configure the login password (8-16)\r\nEnter Password:", ZTP_CON_VRP_PW, "VRP password");
	SIT("Confirm Password:", ZTP_CON_VRP_PW2, "VRP confirm");
	SIT("Warning: Auto-Config is working. Before configuring the device, stop Auto-Config. If "
	    "you perform configurations when Auto-Config is running, the DHCP, routing, DNS, and VTY "
	    "configurations will be lost. Do you want to stop Auto-Config? [y/n]:",
	    ZTP_CON_VRP_AUTOCONFIG, "VRP Auto-Config");
	SIT("\r\nAmnesiac (ttyu0)\r\n\r\nlogin: ", ZTP_CON_LOGIN, "JunOS login");
	SIT("\r\nUser Access Verification\r\n\r\nUsername: ", ZTP_CON_LOGIN, "Cisco Username:");
	SIT("switch login: ", ZTP_CON_LOGIN, "NX-OS/EOS login:");
	SIT("User Name:", ZTP_CON_LOGIN, "User Name:");
	SIT("Password: ", ZTP_CON_PASSWORD, "Password:");
	SIT("Enter PASSCODE:", ZTP_CON_PASSWORD, "PASSCODE");
	SIT("root@:RE:0% ", ZTP_CON_JUNOS_SHELL, "JunOS shell");
	SIT("root@% ", ZTP_CON_JUNOS_SHELL, "JunOS shell, short");
	SIT("Router#", ZTP_CON_PROMPT, "Router#");
	SIT("\r\nRouter>", ZTP_CON_PROMPT, "Router>");
	SIT("root> ", ZTP_CON_PROMPT, "root>");
	SIT("<HUAWEI>", ZTP_CON_PROMPT, "<HUAWEI>");
	SIT("RP/0/RSP0/CPU0:router#", ZTP_CON_PROMPT, "XR prompt");
	SIT("Router(config-if)#", ZTP_CON_CONFIG, "Cisco configuration mode");
	SIT("\r\n[edit interfaces]\r\nuser@router# ", ZTP_CON_CONFIG, "JunOS configuration mode");
	SIT("[HUAWEI-GigabitEthernet0/0/1]", ZTP_CON_CONFIG, "VRP system view");
	SIT("Exit with uncommitted changes? [yes,no] (yes) ", ZTP_CON_EXIT_CONFIRM, "JunOS uncommitted");
	SIT("Uncommitted changes found, commit them before exiting(yes/no/cancel)? [cancel]:",
	    ZTP_CON_EXIT_CONFIRM, "XR uncommitted");
	SIT("interface Gi0/1\r\n --More-- ", ZTP_CON_PAGER, "--More--");
	SIT("ge-0/0/0\n---(more 42%)---", ZTP_CON_PAGER, "JunOS more");
	SIT("rommon 1 > ", ZTP_CON_ROMMON, "rommon");
	SIT("switch: ", ZTP_CON_SWITCH_BOOT, "switch:");
	SIT("grub> ", ZTP_CON_GRUB, "grub>");
	SIT("loader> ", ZTP_CON_LOADER, "loader>");
	SIT("Port already in use\r\n", ZTP_CON_BUSY, "ser2net busy");
	SIT("ttyS7 is being used by (admin) !!!\r\n", ZTP_CON_BUSY, "Cyclades busy");
	SIT("Password required, but none set\r\n", ZTP_CON_NO_PASSWORD, "no password set");

	/* syslog messages after the prompt */
	SIT("Router#\r\n*Mar  1 00:00:05.123: %LINK-3-UPDOWN: Interface GigabitEthernet0/0, changed "
	    "state to up\r\n", ZTP_CON_PROMPT, "prompt under an IOS message");
	SIT("Router#\r\n*Mar  1 00:00:05.123: %LINK-3-UPDOWN: up\r\n*Mar  1 00:00:06.001: "
	    "%LINEPROTO-5-UPDOWN: Line protocol on Interface Gi0/0, changed state to up\r\n",
	    ZTP_CON_PROMPT, "prompt under two messages");
	SIT("switch login: \r\nDec  6 12:00:00 switch ZeroTouch: %ZTP-6-RETRY: Retrying Zero Touch "
	    "Provisioning\r\n", ZTP_CON_LOGIN, "login under an EOS ZTP message");
	SIT("Continue to set it? [Y/N]: \r\nDec  6 2026 12:00:00 HUAWEI %%01IFNET/4/LINK_STATE(l)[0]:"
	    "The line protocol IP on the interface GigabitEthernet0/0/1 has entered the UP state.\r\n",
	    ZTP_CON_VRP_SET, "VRP question under a VRP message");
	ok(cls("Router#\r\n*Mar  1 00:00:05.123: %LINK-3-UPDOWN: up\r\n", line, sizeof line) ==
	   ZTP_CON_PROMPT && !strcmp(line, "Router#"), "the decisive line is the prompt, not the message");

	/* the syslog detector */
	ok(ztp_con_is_syslog("*Mar  1 00:00:05.123: %LINK-3-UPDOWN: x", 40), "syslog: IOS");
	ok(ztp_con_is_syslog("%PNP-6-PNP_DISCOVERY_STOPPED: PnP Discovery stopped", 51), "syslog: PNP");
	ok(ztp_con_is_syslog("envmon[187]: %PKT_INFRA-FM-3-FAULT_MAJOR : ALARM", 48), "syslog: XR ' :'");
	ok(ztp_con_is_syslog("HUAWEI %%01IFNET/4/LINK_STATE(l)[0]:The", 39), "syslog: VRP");
	ok(!ztp_con_is_syslog("% Invalid input detected at '^' marker.", 39), "syslog: not a CLI error");
	ok(!ztp_con_is_syslog("Router#", 7), "syslog: not a prompt");
	ok(!ztp_con_is_syslog("100%-5-X:", 9), "syslog: not a number with a percent");
	/* a long tail: only its end counts */
	{
		static char big[20000];

		memset(big, 'x', sizeof big);
		for (size_t i = 80; i < sizeof big; i += 81)
			big[i] = '\n';
		memcpy(big + sizeof big - 8, "\nRouter#", 8);
		ok(ztp_con_classify(big, sizeof big, line, sizeof line) == ZTP_CON_PROMPT,
		   "a long output: the prompt at its end");
	}

	/* a prompt or a question waits at the end of its line: what stands
	 * before a pause is not one when the line is not whole or the
	 * device went on to a new line */
	SIT("\r\nWould you like to enter the initial configuration dialog?", ZTP_CON_NOTHING,
	    "a question without its end yet: nothing");
	SIT("Do you want to stop Auto-Config? [y/n", ZTP_CON_NOTHING, "VRP Auto-Config cut: nothing");
	SIT("\r\n##############################\r\n", ZTP_CON_NOTHING,
	    "a banner's line of #s: not a prompt");
	SIT("##############################\r\n\r\nUsername: ", ZTP_CON_LOGIN,
	    "a banner's line of #s, then the login");
	SIT("\r\n[edit]\r\n", ZTP_CON_NOTHING, "JunOS [edit] before its prompt: not VRP's system view");
	SIT("Router#\r\n", ZTP_CON_NOTHING, "a prompt the device went past: nothing");
	SIT("Password: \r\n", ZTP_CON_NOTHING, "a password prompt the device went past: nothing");

	/* the engine with the output in pieces */
	{
		static const size_t whole[] = { 65536, 0 }, one[] = { 1, 0 }, two[] = { 2, 0 };
		static const size_t mixed[] = { 3, 1, 7, 2, 5, 0 };

		dialog_in_pieces(whole, "whole reads");
		dialog_in_pieces(one, "a byte a read");
		dialog_in_pieces(two, "2 bytes a read");
		dialog_in_pieces(mixed, "pieces of 3, 1, 7, 2, 5");
	}
	return done_testing();
}
