/* ztp-sim: a router's CLI on stdin/stdout, test equipment for ztp.
 *
 * Run it as an sshd ForceCommand, behind a pty (socat + ser2net for console
 * tests), or straight over pipes.  It plays one device of a platform:
 * prompts per mode, paging, enable, the platform's error messages, replayed
 * real "show version"-style outputs (tests/fixtures/sim, copied from the
 * corpus) with this device's serial and hostname, a configuration mode that
 * records what it receives, save/commit/rollback, a console login, faults.
 *
 *   ztp-sim [options]
 *   --platform P       cisco_ios (default) cisco_iosxe cisco_xr cisco_nxos
 *                      juniper_junos arista_eos huawei_vrp
 *   --model M          replayed outputs (see `models[]`; default per platform)
 *   --hostname H       hostname (prompt, running config, replayed outputs)
 *   --serial S         chassis serial that replaces the model's own
 *   --replace OLD=NEW  another word of the replayed outputs replaced (the
 *                      model's product id, say; up to 4 times)
 *   --fixtures DIR     where the outputs are (default: found upwards from
 *                      the binary as tests/fixtures/sim)
 *   --enable-secret S  `enable` asks "Password:" (Cisco, EOS); implies
 *                      starting in user mode (Router>)
 *   --user-mode        start in user mode even without a secret
 *   --login USER:PASS  ask Username:/Password: before the CLI (--console)
 *   --password-file F  lines "login USER:PASS" and "enable SECRET": keeps
 *                      secrets off the command line
 *   --console          console line: "Press RETURN to get started.", login,
 *                      and exit/logout return there instead of ending
 *   --initial-dialog   (with --console) IOS asks "Would you like to enter
 *                      the initial configuration dialog? [yes/no]:" once
 *   --dump FILE        before each prompt and at the end of the session, write
 *                      the running and the startup configuration
 *                      ("=== running", "=== startup")
 *   --record FILE      append each configuration line received, in order:
 *                      "CONTEXT<TAB>LINE" (+ "<TAB>rejected" when refused).
 *                      CONTEXT is the section ("interface Gi1") or the mode
 *                      ("config", "edit", "edit interfaces", "system",
 *                      "load merge terminal", "session NAME")
 *   --reject REGEX     configuration lines matching it (POSIX ERE, up to 8
 *                      times) get the platform's error and are not applied
 *   --reject-commit REGEX  (XR, JunOS, EOS session) a commit fails while the
 *                      candidate holds a line matching it; nothing is applied
 *   --minute-ms MS     length of a JunOS minute for commit confirmed (60000)
 *   --page N           page length (default 24; 0 = no paging)
 *   --pager-locked     the commands that turn paging off are refused with
 *                      the platform's error (as under command authorisation)
 *   --slow MS          sleep MS milliseconds before each output line
 *   --chop N           write every output in pieces of 1 to N bytes, up to a
 *                      millisecond apart (what a loaded box or a slow link
 *                      does to a reader that expects whole lines or prompts)
 *   --hang-on CMD      stop answering when CMD is entered (abbreviations
 *                      count: "sh ver" is "show version"); reads and drops
 *                      input until EOF
 *   --drop-on CMD      print half of CMD's output, then exit
 *   --motd TEXT        banner before the first prompt ("\n" = new line)
 *   --syslog           after configuration mode, IOS/NX-OS/EOS print their
 *                      CONFIG_I log line just after the next prompt (like
 *                      "logging console": it lands where a command goes)
 *   --ansi             wrap prompts and output lines in colour escapes
 *   --crlf             end lines with CR LF
 *   --echo             echo input (always on when stdin is a tty)
 *   --rommon           start in ROMMON ("rommon 1 > ") until "boot" or "reset"
 *   --bootloader KIND  start at another boot loader until "boot": switch
 *                      (Catalyst "switch: "), grub ("grub> "), loader
 *                      (JunOS "loader> ")
 * Console situations (with --console; the strings are the published ones,
 * see research CONSOLE-FLOW.md 0.3):
 *   --dialog17         --initial-dialog in its IOS-XE 17 form: after "no",
 *                      "Enter enable secret:" (10+ characters, upper, lower,
 *                      digit, no "cisco"), "Confirm enable secret:", the
 *                      [0]/[1]/[2] menu, "Enter your encryption selection";
 *                      [2] keeps the secret and saves
 *   --autoinstall      IOS-XE "starting autoinstall/pnp/ztp": the first
 *                      input asks "Would you like to terminate autoinstall?"
 *   --poap             NX-OS: "Abort Power On Auto Provisioning ...", the
 *                      admin account setup (sets the admin login), the basic
 *                      configuration dialog, then "switch login:"
 *   --first-user       IOS-XR: no root-system user; the Administrative User
 *                      Dialog creates it (and the login)
 *   --amnesiac         JunOS factory: "Amnesiac (ttyu0)", root without a
 *                      password lands in the shell ("root@:RE:0% "), "cli"
 *                      gives "root> "
 *   --first-login      VRP: the first console login sets a console password
 *                      ("Continue to set it? [Y/N]:"); later logins ask it
 *   --auto-config      VRP: "Do you want to stop Auto-Config? [y/n]:" before
 *                      the first prompt
 *   --eos-ztp          EOS: the Zero Touch Provisioning text, then the
 *                      factory login admin without a password
 *   --ts-login USER:PASS  a terminal server's own login before the line
 *                      ("Username:"/"Password:", once per process)
 *   --syslog-dialog    a syslog message after each console question and
 *                      login prompt (XR: on the question's own line)
 *   --left-open        the last user left the line logged in, in
 *                      configuration mode (XR/JunOS with uncommitted changes)
 *   --pager-open       the last user left the line at a --More-- of show
 *                      version
 *   --mute             a device that never answers (after --motd, if given)
 *   --echo-secrets     a broken device that echoes passwords too, a byte at
 *                      a time
 *   --echo-slow MS     a worse one: each secret it reads echoed once the line
 *                      ends, a byte every MS ms, broken across two lines; the
 *                      --motd also a byte every MS ms
 * Enabling SSH (the console bootstrap; strings from CONSOLE-FLOW.md A6):
 *   the device has no SSH host keys until IOS "crypto key generate rsa
 *   [general-keys] [modulus N]" (refused with "% Please define a hostname
 *   other than Router." / "% Please define a domain-name first." until
 *   both are set; "How many bits in the modulus [512]:" without modulus) or
 *   VRP "rsa local-key-pair create" ("Input the bits in the modulus[default
 *   = 2048]:") makes them; JunOS and EOS make their own.  JunOS "set ...
 *   plain-text-password" asks "New password:" / "Retype new password:";
 *   with --amnesiac every commit fails with "Missing mandatory statement:
 *   'root-authentication'" until the candidate sets it.
 *   --has-keys         the device already has keys: key generation first
 *                      asks "Do you really want to replace them? [yes/no]:"
 *                      (IOS) or "Confirm to replace them? [y/n]:" (VRP)
 *   --ssh-state FILE   before each prompt: FILE holds "ready" and one "user
 *                      NAME" line per local user while the device would
 *                      serve SSH (keys, the SSH service on: IOS keys; VRP
 *                      keys and stelnet server enable; JunOS system services
 *                      ssh; EOS always; each with a local user), and does
 *                      not exist otherwise (a test starts the device's sshd
 *                      when it appears); the device starts without SSH
 *                      configuration and without local users
 *   --exec CMD         run CMD like `ssh host CMD` does on a router (no
 *                      prompt, no paging) and exit; SSH_ORIGINAL_COMMAND does
 *                      the same under a ForceCommand (not with --console)
 *
 * Terminal: when stdin is a tty (sshd with a pty, socat pty) the sim sets it
 * raw and behaves like a device: it echoes what it reads itself (not the
 * password), handles backspace/DEL, ^C, ^Z, ^D, and writes CR LF.  Over pipes
 * it is line-oriented: no echo unless --echo, LF unless --crlf.  CR, LF and
 * CR LF all end a line.  A pager key is one byte: space = next page, CR or
 * LF = one more line, anything else = stop the output.
 *
 * Paging is turned off per session with "terminal length 0" (Cisco, EOS,
 * NX-OS, XR), "screen-length 0 temporary" (VRP), "set cli screen-length 0"
 * or "| no-more" (JunOS).  Output filters: "| include/exclude/begin/section
 * RE" (Cisco, EOS, VRP), "| match/except RE", "| count", "| display set",
 * "| compare" (JunOS).
 *
 * Configuration: Cisco-like platforms accept any line in config mode (it is
 * recorded and shown by show running-config; "no LINE"/"undo LINE" removes
 * it); section commands (interface, router, line, vlan, ...) open a
 * sub-mode.  IOS/XE/NX-OS/EOS apply lines at once; XR, JunOS and an EOS
 * "configure session" keep a candidate until commit.  Saved files live in
 * memory (the pty keeps state across connections): "copy running-config
 * FILE" / "configure replace FILE force" (IOS, EOS), "checkpoint NAME" /
 * "rollback running-config checkpoint NAME" (NX-OS), "rollback N" (JunOS),
 * "rollback configuration last N" (XR).  JunOS "commit confirmed N" rolls
 * back by itself after N minutes (--minute-ms) unless a commit or commit
 * check confirms it.
 *
 * Commands (unique abbreviations work, as on the real CLIs; see cmds[]):
 *   Cisco-like  enable disable exit quit logout, terminal length|width N,
 *               show version|inventory|module|license udi|clock|
 *               running-config|startup-config,
 *               ping, configure [terminal], write [memory], copy
 *               running-config startup-config|FILE, configure replace FILE
 *               [force]; EOS configure session NAME; NX-OS checkpoint;
 *               XR rollback configuration last N.  Config: end exit do
 *               commit abort (XR, EOS), show ... (XR, NX-OS, EOS)
 *   JunOS       show version|chassis hardware|configuration|clock, set cli
 *               screen-length|screen-width|complete-on-space, configure.
 *               Config: set delete edit up top exit quit commit [check|
 *               confirmed [N]|and-quit] rollback [N] load merge|set terminal
 *               show [| compare] run
 *   VRP         display version|device|elabel|esn|current-configuration|
 *               saved-configuration, screen-length N temporary, system-view,
 *               save, quit, return; display ... in every view
 * Replayed outputs come from models[]: show version, show inventory (Cisco,
 * EOS), show chassis hardware (JunOS), display version|device|esn|elabel; a
 * model without a file for one of them prints nothing for it.  Cisco's show
 * module and show license udi are answered only by a model with a file for
 * them, the others refuse them as an unknown command; a model may refuse
 * one of the others too (ws-c4948e: show inventory).  The files
 * are replayed as the corpus has them (CRs dropped, a leading echo of the
 * command removed), with whole-word replacement of the model's serials and
 * hostname (table columns kept aligned).  XR stamps each show with the time.
 *
 * Exit status: 0 at the end of the session (EOF, exit), 2 usage error,
 * 1 when the fixtures cannot be read. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "os.h"
#include "str.h"
#include "val.h"

#define LINE_MAX_LEN 1024
#define MAX_TOKS 64
#define MAX_CFG 20000
#define MAX_HIST 50
#define MAX_SAVED 16
#define MAX_REJECT 8

enum fam { F_IOS, F_XR, F_NXOS, F_JUNOS, F_EOS, F_VRP };
#define FB(f) (1u << (f))
#define CISCO (FB(F_IOS) | FB(F_XR) | FB(F_NXOS) | FB(F_EOS))

struct platform {
	const char *name;
	enum fam fam;
	int xe;			/* cisco_iosxe: IOS with an XE flavour */
	const char *hostname;	/* default */
	const char *model;	/* default */
	const char *intf;	/* an interface in the base configuration */
};

static const struct platform platforms[] = {
	{ "cisco_ios", F_IOS, 0, "Router", "iosv", "GigabitEthernet0/0" },
	{ "cisco_iosxe", F_IOS, 1, "Router", "c9500", "GigabitEthernet1" },
	{ "cisco_xr", F_XR, 0, "router", "xrv9k", "GigabitEthernet0/0/0/0" },
	{ "cisco_nxos", F_NXOS, 0, "switch", "n9k-c9396px", "Ethernet1/1" },
	{ "juniper_junos", F_JUNOS, 0, "router", "mx240", "ge-0/0/0" },
	{ "arista_eos", F_EOS, 0, "switch", "ccs-720xp", "Ethernet1" },
	{ "huawei_vrp", F_VRP, 0, "HUAWEI", "ar6280", "GigabitEthernet0/0/1" },
};

/* A simulated model: which fixture answers which command, and the serials
 * and hostname inside those files that this device's own replace. */
struct model {
	const char *name, *platform;
	const char *hostname;
	const char *serials[3];
	struct { const char *cmd, *file; } out[5];
	const char *refuse[2];	/* commands this model does not know */
};

static const struct model models[] = {
	{ "iosv", "cisco_ios", "rtr-01", { "991UCMIHG4UAJ1J010CQG", "9K66Z7TOKAACDEQA24N7S" },
	  { { "show version", "ios/cisco_ios_show_version3.raw" },
	    { "show inventory", "ios/ShowInventory__golden_output_iosv_output.txt" } }, { NULL } },
	/* an old release without show inventory: the probe falls back to
	 * show module */
	{ "ws-c4948e", "cisco_ios", "router1", { "CAT1451S15C" },
	  { { "show version", "ios/cisco_ios_show_version.raw" },
	    { "show module", "ios/show_module_ws-c4948e.txt" } },
	  { "show inventory" } },
	{ "c9500", "cisco_iosxe", "SF2", { "CAT2242L6CG" },
	  { { "show version", "iosxe/ShowVersion__cat9k.c9500__golden_output_output.txt" },
	    { "show inventory", "iosxe/ShowInventory__cat9k.c9500__golden_output_output.txt" } }, { NULL } },
	{ "c8000v", "cisco_iosxe", "ott-mdt-vm7", { "9E42BIFKVLR" },
	  { { "show version", "iosxe/ShowVersion__golden_output_c8000v_output.txt" } }, { NULL } },
	{ "asr1001", "cisco_iosxe", "my_device", { "SSI1289001MH" },
	  { { "show version", "iosxe/cisco_ios_show_version2.raw" } }, { NULL } },
	{ "xrv9k", "cisco_xr", "iosxrvuut", { "E289E87566C" },
	  { { "show version", "iosxr/ShowVersion__golden_output_2_output.txt" },
	    { "show inventory", "iosxr/ShowInventory__golden_output_2_output.txt" } }, { NULL } },
	{ "n9k-c9396px", "cisco_nxos", "N9K1", { "SAL1819S6LU" },
	  { { "show version", "nxos/cisco_nxos_show_version.raw" },
	    { "show inventory", "nxos/cisco_nxos_show_inventory.raw" } }, { NULL } },
	{ "mx240", "juniper_junos", "lab", { "JN1111111", "qfsn-0123456789" },
	  { { "show version", "junos/juniper_junos_show_version.raw" },
	    { "show chassis hardware", "junos/juniper_junos_show_chassis_hardware4.raw" } }, { NULL } },
	{ "ccs-720xp", "arista_eos", NULL, { "JPE11400249", "FGN2348049J" },
	  { { "show version", "eos/arista_eos_show_version2.raw" },
	    { "show inventory", "eos/arista_eos_show_inventory2.raw" } }, { NULL } },
	{ "ar6280", "huawei_vrp", NULL, { "21500104792SM8504636", "2102113089P0SIM00001" },
	  { { "display version", "vrp/huawei_vrp_display_version3.raw" },
	    { "display device", "vrp/huawei_vrp_display_device.raw" },
	    { "display esn", "vrp/huawei_vrp_display_esn.raw" },
	    { "display elabel", "vrp/display_elabel.txt" } }, { NULL } },
};

/* ---- configuration store: lines in order, each in a section ("" = top) */

struct cfgline { char *sec, *text; };
struct cfg { struct cfgline *v; size_t n, cap; };

static void cfg_free(struct cfg *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].sec);
		free(c->v[i].text);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static size_t cfg_find(const struct cfg *c, const char *sec, const char *text)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].sec, sec) && !strcmp(c->v[i].text, text))
			return i;
	return SIZE_MAX;
}

static void cfg_add(struct cfg *c, const char *sec, const char *text)
{
	if (cfg_find(c, sec, text) != SIZE_MAX || c->n >= MAX_CFG)
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->v = ztp_xrealloc(c->v, c->cap, sizeof(*c->v));
	}
	c->v[c->n].sec = ztp_xstrdup(sec);
	c->v[c->n].text = ztp_xstrdup(text);
	c->n++;
}

/* Remove entries of sec whose text is text or starts with "text " (a
 * section header also takes its lines with it). */
static int cfg_del(struct cfg *c, const char *sec, const char *text)
{
	size_t j = 0, tl = strlen(text);
	int n = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct cfgline *l = &c->v[i];
		int hit = !strcmp(l->sec, sec) && !strncmp(l->text, text, tl) &&
			  (l->text[tl] == 0 || l->text[tl] == ' ');
		int child = !*sec && !strcmp(l->sec, text);

		if (hit || child) {
			free(l->sec);
			free(l->text);
			n++;
		} else
			c->v[j++] = *l;
	}
	c->n = j;
	return n;
}

/* Set the top-level line that starts with prefix ("hostname ") in place. */
static void cfg_set(struct cfg *c, const char *prefix, const char *text)
{
	for (size_t i = 0; i < c->n; i++)
		if (!*c->v[i].sec && ztp_startswith(c->v[i].text, prefix)) {
			free(c->v[i].text);
			c->v[i].text = ztp_xstrdup(text);
			return;
		}
	cfg_add(c, "", text);
}

static void cfg_copy(struct cfg *dst, const struct cfg *src)
{
	cfg_free(dst);
	for (size_t i = 0; i < src->n; i++)
		cfg_add(dst, src->v[i].sec, src->v[i].text);
}

static int cfg_same(const struct cfg *a, const struct cfg *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].sec, b->v[i].sec) || strcmp(a->v[i].text, b->v[i].text))
			return 0;
	return 1;
}

/* ---- the device */

enum mode { M_USER, M_EXEC, M_CONFIG, M_LOGOUT };

struct saved { char *name; struct cfg c; };

static struct sim {
	const struct platform *pf;
	const struct model *md;
	enum fam fam;
	char hostname[128];
	const char *serial;
	char fixtures[PATH_MAX];
	char *secret, *login_user, *login_pass;
	const char *record_path;
	int record_fd;
	const char *dump_path;
	regex_t reject[MAX_REJECT], reject_commit[MAX_REJECT];
	int nreject, nreject_commit;
	int page_len, slow_ms, ansi, crlf, echo, console, dialog, user_mode, rommon, syslog, pager_locked;
	int dialog17, autoinstall, poap, first_user, amnesiac, first_login, auto_config, eos_ztp;
	int syslog_dialog, left_open, pager_open, mute, echo_secrets, echo_slow_ms, chop;
	unsigned chop_seed;
	long keys;			/* SSH host key bits, 0 = none */
	const char *ssh_state;		/* --ssh-state FILE */
	const char *repl[4][2];		/* --replace OLD=NEW, in the replays */
	int nrepl;
	const char *bootloader;		/* --bootloader: switch, grub, loader */
	char *ts_user, *ts_pass;	/* --ts-login */
	char *con_pass;			/* VRP console password (--first-login) */
	long minute_ms;			/* a JunOS "minute" (commit confirmed) */
	double confirm_by;		/* monotonic deadline, 0 = nothing pending */
	char pending_log[512];		/* --syslog: printed after the next prompt */
	const char *hang_on, *drop_on, *motd;

	enum mode mode;
	char sec[LINE_MAX_LEN];		/* Cisco/VRP section, JunOS edit path */
	char nest[64];			/* EOS: the VRF sub-mode of a management section */
	int nomore;			/* this command: no paging */
	struct cfg running, startup, cand;
	int cand_open;			/* XR, JunOS, EOS session: cand in use */
	char session[64];		/* EOS configure session name */
	struct cfg hist[MAX_HIST];	/* JunOS rollback / XR commits, 0 = newest */
	int nhist;
	struct saved saved[MAX_SAVED];
	int nsaved;
} S;

static struct termios tio_saved;
static int tio_set;

static void restore_tty(void)
{
	if (tio_set)
		tcsetattr(0, TCSANOW, &tio_saved);
}

static void sim_free(void)
{
	cfg_free(&S.running);
	cfg_free(&S.startup);
	cfg_free(&S.cand);
	for (int i = 0; i < S.nhist; i++)
		cfg_free(&S.hist[i]);
	for (int i = 0; i < S.nsaved; i++) {
		free(S.saved[i].name);
		cfg_free(&S.saved[i].c);
	}
	for (int i = 0; i < S.nreject; i++)
		regfree(&S.reject[i]);
	for (int i = 0; i < S.nreject_commit; i++)
		regfree(&S.reject_commit[i]);
	free(S.secret);
	free(S.login_user);
	free(S.login_pass);
	free(S.ts_user);
	free(S.ts_pass);
	free(S.con_pass);
	if (S.record_fd >= 0)
		close(S.record_fd);
}

static void dump_state(void);
static void ssh_state(void);

static void bye(int code)
{
	dump_state();
	restore_tty();
	sim_free();
	exit(code);
}

/* ---- output */

/* --chop: p in pieces of 1..S.chop bytes, 0-1 ms apart */
static int write_chopped(const char *p, size_t n)
{
	while (n > 0) {
		size_t k = 1 + (size_t)rand_r(&S.chop_seed) % (size_t)S.chop;
		struct timespec ts = { 0, (long)(rand_r(&S.chop_seed) % 1000) * 1000L };

		if (k > n)
			k = n;
		if (ztp_write_all(1, p, k) < 0)
			return -1;
		p += k;
		n -= k;
		nanosleep(&ts, NULL);
	}
	return 0;
}

static int write_out(const char *p, size_t n)
{
	return S.chop > 0 ? write_chopped(p, n) : ztp_write_all(1, p, n);
}

static void out(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		while (j < n && p[j] != '\n')
			j++;
		if (j > i && write_out(p + i, j - i) < 0)
			bye(0);
		if (j < n && write_out(S.crlf ? "\r\n" : "\n", S.crlf ? 2 : 1) < 0)
			bye(0);
		i = j;
	}
}

static void say(const char *s) { out(s, strlen(s)); }

static void sayf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sayf(const char *fmt, ...)
{
	char m[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	out(m, (size_t)n < sizeof(m) ? (size_t)n : sizeof(m) - 1);
}

static void addf(struct ztp_buf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct ztp_buf *o, const char *fmt, ...)
{
	char m[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	if (n > 0 && ztp_buf_add(o, m, (size_t)n < sizeof(m) ? (size_t)n : sizeof(m) - 1) < 0)
		abort();
}

/* ---- input: one byte at a time, CR LF folded into one line end */

static int skip_lf;
static void confirm_timeout(void);

static int in_byte(void)
{
	unsigned char c;

	for (;;) {
		ssize_t r;

		if (S.confirm_by > 0) {	/* JunOS commit confirmed running */
			struct pollfd pfd = { 0, POLLIN, 0 };
			double left = S.confirm_by - ztp_os_monotonic();

			if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) == 0) {
				confirm_timeout();
				continue;
			}
		}
		r = read(0, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (skip_lf && c == '\n') {
			skip_lf = 0;
			continue;
		}
		skip_lf = c == '\r';
		return c;
	}
}

enum { L_OK, L_EOF, L_CTRL_C, L_CTRL_Z, L_CTRL_D };

/* --echo-slow: a byte at a time, ms apart, as a slow console echoes */
static void out_slow(const char *p, size_t n)
{
	struct timespec ts = { S.echo_slow_ms / 1000, (S.echo_slow_ms % 1000) * 1000000L };

	for (size_t i = 0; i < n; i++) {
		nanosleep(&ts, NULL);
		out(p + i, 1);
	}
}

/* Read a line into buf, echoing it when the terminal would (not secrets). */
static int read_line(char *buf, size_t sz, int secret)
{
	size_t n = 0;
	int c;

	buf[0] = 0;
	while ((c = in_byte()) >= 0) {
		if (c == '\r' || c == '\n') {
			if (secret && S.echo_slow_ms && n > 0) {
				/* the secret echoed in pieces, its first half on
				 * one line and the rest on the next, as a narrow
				 * terminal wraps it */
				out_slow(buf, n / 2);
				say("\n");
				out_slow(buf + n / 2, n - n / 2);
			}
			if (S.echo)
				say("\n");
			buf[n] = 0;
			return L_OK;
		}
		if (c == 0x03 || c == 0x1a) {
			if (S.echo)
				say(c == 0x03 ? "^C\n" : "^Z\n");
			return c == 0x03 ? L_CTRL_C : L_CTRL_Z;
		}
		if (c == 0x04 && n == 0)
			return L_CTRL_D;
		if (c == 0x08 || c == 0x7f) {
			if (n > 0) {
				n--;
				if (S.echo && !secret)
					say("\b \b");
			}
			continue;
		}
		if (c == 0x1b) {	/* an escape sequence (arrow keys): dropped */
			int d = in_byte();

			if (d == '[')
				while ((d = in_byte()) >= 0 && !isalpha(d) && d != '~')
					;
			continue;
		}
		if ((c < 0x20 && c != '\t') || n + 1 >= sz)
			continue;
		buf[n++] = (char)(c == '\t' ? ' ' : c);
		if (S.echo && (!secret || S.echo_secrets) && !(secret && S.echo_slow_ms))
			out((char *)&buf[n - 1], 1);
	}
	buf[n] = 0;
	return L_EOF;
}

/* Stop answering: swallow input until the peer goes away. */
static void hang(void)
{
	while (in_byte() >= 0)
		;
	bye(0);
}

/* ---- prompts */

static const char *user_name(void)
{
	return S.amnesiac ? "root" : S.login_user ? S.login_user : "user";
}

static const char *sec_mode(const char *sec);

/* The prompt's last line (JunOS prints "[edit ...]" above it). */
static const char *prompt_str(void)
{
	static char p[LINE_MAX_LEN + 256];
	const char *h = S.hostname, *pre = S.fam == F_XR ? "RP/0/RSP0/CPU0:" : "";

	if (S.fam == F_JUNOS && S.amnesiac)	/* no host-name yet */
		snprintf(p, sizeof(p), "root%s ", S.mode == M_CONFIG ? "#" : ">");
	else if (S.fam == F_JUNOS)
		snprintf(p, sizeof(p), "%s@%s%s ", user_name(), h, S.mode == M_CONFIG ? "#" : ">");
	else if (S.fam == F_VRP && S.mode != M_CONFIG)
		snprintf(p, sizeof(p), "<%s>", h);
	else if (S.fam == F_VRP)
		snprintf(p, sizeof(p), "[%s%s%s]", h, *S.sec ? "-" : "", *S.sec ? sec_mode(S.sec) : "");
	else if (S.mode != M_CONFIG)
		snprintf(p, sizeof(p), "%s%s%s", pre, h, S.mode == M_USER ? ">" : "#");
	else if (*S.session)
		snprintf(p, sizeof(p), "%s(config-s-%.6s%s)#", h, S.session,
			 *S.sec ? sec_mode(S.sec) + 6 : "");
	else if (*S.nest)
		snprintf(p, sizeof(p), "%s(%s-vrf-%s)#", h, sec_mode(S.sec), S.nest);
	else
		snprintf(p, sizeof(p), "%s%s(%s)#", pre, h, *S.sec ? sec_mode(S.sec) : "config");
	return p;
}

static void prompt(void)
{
	if (S.fam == F_JUNOS && S.mode == M_CONFIG)
		sayf("\n[edit%s%s]\n", *S.sec ? " " : "", S.sec);
	if (S.ansi)
		sayf("\033[1;32m%s\033[0m", prompt_str());
	else
		say(prompt_str());
}

/* ---- the pager and the output of a command */

static const char *more_text(void)
{
	return S.fam == F_JUNOS ? "---(more)---" : S.fam == F_VRP ? "  ---- More ----" : " --More-- ";
}

/* Show the more prompt, wait for a key, erase the prompt.  Returns the
 * number of lines that may follow, or -1 to stop. */
static int more(void)
{
	const char *m = more_text();
	size_t n = strlen(m);
	char sp[64], bs[64], esc[16];
	int c;

	say(m);
	c = in_byte();
	if (c < 0)
		bye(0);
	memset(sp, ' ', n);
	memset(bs, '\b', n);
	if (S.fam == F_JUNOS) {
		out("\r", 1);
		out(sp, n);
		out("\r", 1);
	} else if (S.fam == F_VRP) {
		snprintf(esc, sizeof(esc), "\033[%zuD", n);
		say(esc);
		out(sp, n);
		say(esc);
	} else {
		out(bs, n);
		out(sp, n);
		out(bs, n);
	}
	if (c == ' ')
		return S.page_len - 1;
	if (c == '\r' || c == '\n')
		return 1;
	return -1;
}

/* Write a command's output through the pager; drop: exit half way. */
static void emit(const char *text, int drop)
{
	size_t total = 0, shown = 0;
	int room = S.page_len > 0 && !S.nomore ? S.page_len - 1 : -1;
	const char *p;

	for (p = text; *p; p++)
		total += *p == '\n';
	if (p > text && p[-1] != '\n')
		total++;
	for (p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (room == 0 && (room = more()) < 0)
			return;
		if (S.slow_ms > 0) {
			struct timespec ts = { S.slow_ms / 1000, (S.slow_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
		if (S.ansi)
			say("\033[36m");
		out(p, n);
		if (S.ansi)
			say("\033[0m");
		say("\n");
		if (room > 0)
			room--;
		if (drop && ++shown >= total / 2) {
			restore_tty();
			_exit(0);	/* the connection drops mid-output */
		}
		p += n + (e != NULL);
	}
}

/* ---- output filters: "cmd | include RE | ..." */

struct filter { char kind; regex_t re; };

/* The pipe words: the first one a typed word abbreviates wins. */
static const struct { const char *word; char kind; int arg; } pipes[] = {
	{ "include", 'i', 1 }, { "match", 'i', 1 }, { "section", 's', 1 },
	{ "exclude", 'e', 1 }, { "except", 'e', 1 }, { "begin", 'b', 1 },
	{ "count", 'c', 0 }, { "no-more", 'n', 0 }, { "display", 'd', 0 },
	{ "compare", 'C', 0 },
};

/* Cut "| filter ..." off line into f; -1 on a filter it does not know. */
static int filt_parse(char *line, struct filter *f, int max, int *nf)
{
	char *bar = strchr(line, '|');

	*nf = 0;
	if (!bar)
		return 0;
	*bar = 0;
	for (char *p = bar + 1; p && *nf < max;) {
		char *next = p, *arg;
		size_t n, k;

		/* JunOS chains "| a | b" and quotes; for Cisco the rest is one regex */
		for (int q = 0; *next && (q || *next != '|'); next++)
			q ^= *next == '"';
		if (S.fam != F_JUNOS || !*next)
			next = NULL;
		if (next)
			*next++ = 0;
		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		arg = p + n + strspn(p + n, " ");
		for (char *e = arg + strlen(arg); e > arg && e[-1] == ' ';)
			*--e = 0;
		if (*arg == '"' && strlen(arg) >= 2 && arg[strlen(arg) - 1] == '"') {
			arg[strlen(arg) - 1] = 0;
			arg++;
		}
		for (k = 0; n && k < sizeof(pipes) / sizeof(pipes[0]); k++)
			if (!strncmp(pipes[k].word, p, n) && strlen(pipes[k].word) >= n)
				break;
		if (!n || k == sizeof(pipes) / sizeof(pipes[0]))
			return -1;
		p = next;
		if (pipes[k].kind == 'n') {	/* JunOS "| no-more" */
			S.nomore = 1;
			continue;
		}
		f[*nf].kind = pipes[k].kind;
		if (pipes[k].arg && (!*arg || regcomp(&f[*nf].re, arg, REG_EXTENDED | REG_NOSUB)))
			return -1;
		(*nf)++;
	}
	return 0;
}

static void filt_free(struct filter *f, int nf)
{
	for (int i = 0; i < nf; i++)
		if (strchr("iebs", f[i].kind))
			regfree(&f[i].re);
}

/* include, exclude, begin, section (a match and its indented lines), count */
static void filt_apply(struct ztp_buf *o, struct filter *f, int nf)
{
	for (int i = 0; i < nf; i++) {
		struct ztp_buf r = ZTP_BUF_INIT;
		char *p = o->p ? o->p : (char *)"";
		int begun = 0, insec = 0;
		size_t count = 0;

		if (!strchr("iebsc", f[i].kind))
			continue;
		while (*p) {
			char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
			int hit, keep;

			if (e)
				*e = 0;
			hit = f[i].kind == 'c' || !regexec(&f[i].re, p, 0, NULL, 0);
			if (e)
				*e = '\n';
			begun |= f[i].kind == 'b' && hit;
			insec = f[i].kind == 's' && (hit || (insec && *p == ' '));
			keep = (f[i].kind == 'i' && hit) || (f[i].kind == 'e' && !hit) || begun || insec;
			if (keep) {
				ztp_buf_add(&r, p, n);
				if (!e)
					ztp_buf_addc(&r, '\n');
			}
			count++;
			p += n;
		}
		if (f[i].kind == 'c') {
			ztp_buf_reset(&r);
			addf(&r, "Count: %zu lines\n", count);
		}
		ztp_buf_free(o);
		*o = r;
	}
}

/* ---- replayed outputs */

static int word_char(int c) { return isalnum(c) || c == '_'; }

/* Replace whole-word occurrences of from by to, keeping table columns:
 * a shorter word is padded, a longer one eats spaces that follow it. */
static void replace_word(struct ztp_buf *b, const char *from, const char *to)
{
	struct ztp_buf r = ZTP_BUF_INIT;
	size_t fl = strlen(from);
	const char *p;

	if (!fl || !b->p || !strcmp(from, to))
		return;
	for (p = b->p; *p;) {
		if (!strncmp(p, from, fl) && (p == b->p || !word_char((unsigned char)p[-1])) &&
		    !word_char((unsigned char)p[fl])) {
			size_t tl = strlen(to);

			ztp_buf_adds(&r, to);
			p += fl;
			for (size_t i = tl; i < fl && p[0] == ' ' && p[1] == ' '; i++)
				ztp_buf_addc(&r, ' ');
			for (size_t i = fl; i < tl && p[0] == ' ' && p[1] == ' '; i++)
				p++;
		} else
			ztp_buf_addc(&r, *p++);
	}
	ztp_buf_free(b);
	*b = r;
}

static int replay(const char *cmd, struct ztp_buf *o)
{
	struct ztp_buf f = ZTP_BUF_INIT;
	struct ztp_err e;
	char path[PATH_MAX + 256];
	const char *file = NULL, *p;
	size_t cl = strlen(cmd);

	for (size_t i = 0; i < 5 && S.md->out[i].cmd; i++)
		if (!strcmp(S.md->out[i].cmd, cmd))
			file = S.md->out[i].file;
	if (!file)
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", S.fixtures, file) >= sizeof(path) ||
	    ztp_buf_read_file(&f, path, 1 << 20, &e) < 0) {
		fprintf(stderr, "ztp-sim: cannot read '%s'\n", path);
		ztp_buf_free(&f);
		return -1;
	}
	/* the corpus keeps what the device printed: drop CRs, a leading
	 * blank line and the echoed command, keep the rest as it is */
	p = f.p ? f.p : "";
	while (*p == '\n' || *p == '\r')
		p++;
	if (!strncmp(p, cmd, cl) && (p[cl] == '\n' || p[cl] == '\r' || p[cl] == ' ')) {
		p = strchr(p, '\n');
		p = p ? p + 1 : "";
	}
	for (; *p; p++)
		if (*p != '\r')
			ztp_buf_addc(o, *p);
	if (o->len && o->p[o->len - 1] != '\n')
		ztp_buf_addc(o, '\n');
	ztp_buf_free(&f);
	for (size_t i = 0; i < 3 && S.md->serials[i]; i++)
		if (S.serial)
			replace_word(o, S.md->serials[i], S.serial);
	if (S.md->hostname)
		replace_word(o, S.md->hostname, S.hostname);
	for (int i = 0; i < S.nrepl; i++)
		replace_word(o, S.repl[i][0], S.repl[i][1]);
	return 0;
}

/* ---- configuration text */

/* Commands that open a sub-mode (Cisco "config-if", VRP views) */
struct section { unsigned fams; const char *word, *mode; };
static const struct section sections[] = {
	{ CISCO | FB(F_VRP), "interface", "config-if" }, { CISCO, "router", "config-router" },
	{ CISCO, "line", "config-line" }, { CISCO | FB(F_VRP), "vlan", "config-vlan" },
	{ CISCO, "ip access-list", "config-ext-nacl" }, { CISCO, "ipv6 access-list", "config-ipv6-acl" },
	{ CISCO, "route-map", "config-route-map" }, { CISCO, "policy-map", "config-pmap" },
	{ CISCO, "class-map", "config-cmap" }, { CISCO, "vrf", "config-vrf" },
	{ CISCO, "ip vrf", "config-vrf" }, { CISCO, "key chain", "config-keychain" },
	{ CISCO, "archive", "config-archive" }, { CISCO, "control-plane", "config-cp" },
	{ FB(F_VRP), "ospf", "" }, { FB(F_VRP), "bgp", "" }, { FB(F_VRP), "aaa", "" },
	{ FB(F_VRP), "user-interface", "" }, { FB(F_VRP), "acl", "" }, { FB(F_VRP), "isis", "" },
	{ FB(F_EOS), "management", "config-mgmt-ssh" },
};

static const struct section *section_of(const char *line)
{
	/* an interface's VRF (IOS "vrf forwarding", NX-OS "vrf member") is
	 * a line of the interface, not the VRF's own section */
	if (ztp_startswith(line, "vrf forwarding ") || ztp_startswith(line, "vrf member "))
		return NULL;
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		size_t n = strlen(sections[i].word);

		if ((sections[i].fams & FB(S.fam)) && !strncmp(line, sections[i].word, n) &&
		    (line[n] == ' ' || (line[n] == 0 && S.fam == F_VRP)))
			return &sections[i];
	}
	return NULL;
}

/* The prompt's name of a section: "config-if", or VRP's view name. */
static const char *sec_mode(const char *sec)
{
	static char v[LINE_MAX_LEN];
	const struct section *s;

	if (S.fam != F_VRP)
		return (s = section_of(sec)) ? s->mode : "config-if";
	if ((size_t)snprintf(v, sizeof(v), "%s", ztp_startswith(sec, "interface ") ? sec + 10 : sec) >= sizeof(v))
		v[sizeof(v) - 1] = 0;	/* a long name is cut, like VRP does */
	for (char *p = v; *p; p++)
		if (*p == ' ')
			*p = '-';
	return v;
}

static const char *hostname_word(void)
{
	return S.fam == F_VRP ? "sysname " : S.fam == F_JUNOS ? "set system host-name " : "hostname ";
}

/* The hostname is whatever the running configuration says. */
static void sync_hostname(void)
{
	const char *w = hostname_word();

	for (size_t i = 0; i < S.running.n; i++)
		if (!*S.running.v[i].sec && ztp_startswith(S.running.v[i].text, w))
			snprintf(S.hostname, sizeof(S.hostname), "%s", S.running.v[i].text + strlen(w));
}

static void base_config(struct cfg *c, const char *host)
{
	char l[256];
	const char *intf = S.pf->intf;

	snprintf(l, sizeof(l), "%s%s", hostname_word(), host);
	switch (S.fam) {
	case F_JUNOS:
		/* the section: the containers, for show configuration */
		cfg_add(c, "", l);
		if (!S.amnesiac && !S.ssh_state) {	/* a factory box has neither */
			cfg_add(c, "system\x1fservices", "set system services ssh");
			cfg_add(c, "system\x1flogin\x1fuser ztp", "set system login user ztp class super-user");
		}
		snprintf(l, sizeof(l), "set interfaces %s unit 0 family inet dhcp", intf);
		{
			char sec[256];

			snprintf(sec, sizeof(sec), "interfaces\x1f%s\x1funit 0\x1f" "family inet", intf);
			cfg_add(c, sec, l);
		}
		break;
	case F_VRP:
		cfg_add(c, "", l);
		cfg_add(c, "", "aaa");
		if (!S.ssh_state)
			cfg_add(c, "aaa", "local-user ztp service-type ssh");
		snprintf(l, sizeof(l), "interface %s", intf);
		cfg_add(c, "", l);
		cfg_add(c, l, "ip address dhcp-alloc");
		if (!S.ssh_state)
			cfg_add(c, "", "stelnet server enable");
		break;
	default:
		cfg_add(c, "", l);
		snprintf(l, sizeof(l), "interface %s", intf);
		cfg_add(c, "", l);
		cfg_add(c, l, S.fam == F_XR ? "ipv4 address dhcp" : "ip address dhcp");
		if (S.ssh_state)
			;	/* a factory box: SSH is what the bootstrap sets up */
		else if (S.fam == F_IOS) {
			cfg_add(c, "", "ip ssh version 2");
			cfg_add(c, "", "line vty 0 4");
			cfg_add(c, "line vty 0 4", "login local");
			cfg_add(c, "line vty 0 4", "transport input ssh");
		} else
			cfg_add(c, "", S.fam == F_XR ? "ssh server v2" : S.fam == F_NXOS ? "feature ssh" :
				"management ssh");
	}
}

/* JunOS statements are "set ..." lines; the section holds the containers
 * they were loaded in ("system ntp"), or "" when typed as set commands */
static size_t junos_find(const struct cfg *c, const char *text)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].text, text))
			return i;
	return SIZE_MAX;
}

#define JW 48	/* containers of a statement */

/* a statement: its containers ("system", "unit 0") and itself */
struct jstmt { const char *w[JW]; int ncont; const char *leaf; };

/* "show configuration [PATH]" the JunOS way: containers in braces,
 * statements ending in ';', 4 spaces per level */
static void junos_tree(const struct jstmt *st, int n, int depth, struct ztp_buf *o)
{
	const char *done[256];
	int nd = 0;

	for (int i = 0; i < n; i++) {
		const struct jstmt *a = &st[i];
		int k, seen = 0;

		if (depth >= a->ncont) {
			addf(o, "%*s%s;\n", depth * 4, "", a->leaf);
			continue;
		}
		for (k = 0; k < nd; k++)
			seen |= !strcmp(done[k], a->w[depth]);
		if (seen || nd == 256)
			continue;
		done[nd++] = a->w[depth];
		addf(o, "%*s%s {\n", depth * 4, "", a->w[depth]);
		{
			struct jstmt *sub = ztp_xcalloc((size_t)n, sizeof(*sub));
			int ns = 0;

			for (int j = i; j < n; j++)
				if (depth < st[j].ncont && !strcmp(st[j].w[depth], a->w[depth]))
					sub[ns++] = st[j];
			junos_tree(sub, ns, depth + 1, o);
			free(sub);
		}
		addf(o, "%*s}\n", depth * 4, "");
	}
}

/* the words of s, at most max: their starts and lengths */
static int words(const char *s, const char **w, size_t *wl, int max)
{
	int n = 0;

	while (*s && n < max) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		w[n] = s;
		while (*s && *s != ' ')
			s++;
		wl[n] = (size_t)(s - w[n]);
		n++;
	}
	return n;
}

/* PATH picks the statements whose words start with it; the containers it
 * names are not shown, and a PATH into a statement shows the statement */
static void junos_show(const struct cfg *c, const char *path, struct ztp_buf *o)
{
	struct jstmt *st = ztp_xcalloc(c->n ? c->n : 1, sizeof(*st));
	char **bufs = ztp_xcalloc(c->n * JW + 1, sizeof(*bufs));
	const char *pw[JW], *tw[4 * JW];
	size_t pl[JW], tl[4 * JW], nb = 0;
	int np = words(path ? path : "", pw, pl, JW), n = 0;

	for (size_t i = 0; i < c->n; i++) {
		const char *text = c->v[i].text + (ztp_startswith(c->v[i].text, "set ") ? 4 : 0);
		int nt = words(text, tw, tl, 4 * JW), k, used = 0, skip = 0, cw[JW];
		struct jstmt *a = &st[n];

		if (nt == 0)
			continue;
		for (k = 0; k < np && k < nt && pl[k] == tl[k] && !memcmp(pw[k], tw[k], pl[k]); k++)
			;
		if (k < np)
			continue;
		/* containers: from the load (sec), else all but the last two words */
		a->ncont = 0;
		if (*c->v[i].sec) {
			const char *q = c->v[i].sec;

			while (*q && a->ncont < JW) {
				const char *e = strchr(q, '\x1f');
				size_t len = e ? (size_t)(e - q) : strlen(q);
				int cwn = 1;

				for (size_t j = 0; j < len; j++)
					cwn += q[j] == ' ';
				cw[a->ncont] = cwn;
				bufs[nb] = ztp_xstrndup(q, len);
				a->w[a->ncont++] = bufs[nb++];
				q += len + (e != NULL);
			}
		} else {
			for (k = 0; k < nt - 2 && a->ncont < JW; k++) {
				cw[a->ncont] = 1;
				bufs[nb] = ztp_xstrndup(tw[k], tl[k]);
				a->w[a->ncont++] = bufs[nb++];
			}
		}
		for (k = 0; k < a->ncont; k++)
			used += cw[k];
		if (used > nt)
			used = nt;
		a->leaf = tw[used];
		/* the containers PATH covers */
		for (k = 0; k < a->ncont && skip + cw[k] <= np; k++)
			skip += cw[k];
		/* (a PATH into the statement shows it whole) */
		memmove(a->w, a->w + k, (size_t)(a->ncont - k) * sizeof(a->w[0]));
		a->ncont -= k;
		n++;
	}
	junos_tree(st, n, 0, o);
	while (nb > 0)
		free(bufs[--nb]);
	free(bufs);
	free(st);
}

static void cfg_render(const struct cfg *c, struct ztp_buf *o)
{
	const char *sep = S.fam == F_VRP ? "#" : "!";

	if (S.fam == F_JUNOS) {
		for (size_t i = 0; i < c->n; i++)
			addf(o, "%s\n", c->v[i].text);
		return;
	}
	for (size_t i = 0, last_sep = 0; i < c->n; i++) {
		int head = 0;

		if (*c->v[i].sec)
			continue;
		for (size_t j = 0; j < c->n; j++)
			head |= !strcmp(c->v[j].sec, c->v[i].text);
		if (head && !last_sep)
			addf(o, "%s\n", sep);
		last_sep = head;
		addf(o, "%s\n", c->v[i].text);
		for (size_t j = 0; j < c->n; j++)
			if (!strcmp(c->v[j].sec, c->v[i].text))
				addf(o, " %s\n", c->v[j].text);
		if (head)
			addf(o, "%s\n", sep);
	}
}

static void show_config(const struct cfg *c, int startup, struct ztp_buf *o)
{
	struct ztp_buf body = ZTP_BUF_INIT;

	cfg_render(c, &body);
	switch (S.fam) {
	case F_JUNOS:
		break;
	case F_VRP:
		addf(o, "!Software Version V300R019C10SPC300\n#\n");
		break;
	case F_NXOS:
		addf(o, "\n!Command: show %s-config\n\nversion 9.3(5)\n", startup ? "startup" : "running");
		break;
	case F_XR:
		addf(o, "Building configuration...\n!! IOS XR Configuration 6.2.1\n");
		break;
	case F_EOS:
		addf(o, "! Command: show %s-config\n! device: %s (DCS-7280, EOS-4.27.6M)\n!\n",
		     startup ? "startup" : "running", S.hostname);
		break;
	default:
		if (startup)
			addf(o, "Using %zu out of 262144 bytes\n!\n", body.len + 40);
		else
			addf(o, "Building configuration...\n\nCurrent configuration : %zu bytes\n!\n",
			     body.len + 40);
		addf(o, "version %s\n!\n", S.pf->xe ? "17.9" : "15.8");
	}
	if (body.len)
		ztp_buf_add(o, body.p, body.len);
	if (S.fam != F_JUNOS)
		addf(o, "%s\n", S.fam == F_VRP ? "return" : "end");
	ztp_buf_free(&body);
}

/* ---- the command grammar */

enum cmd_id {
	C_NONE, C_ENABLE, C_DISABLE, C_EXIT, C_TERMLEN, C_NOOP, C_REPLAY, C_REPLAY_HAS, C_SHOW_RUN,
	C_SHOW_START, C_CONF_T, C_CONF_SESSION, C_WRITE, C_COPY_RS, C_COPY_RF,
	C_REPLACE, C_CHECKPOINT, C_ROLLBACK_CKPT, C_XR_ROLLBACK, C_J_SCREEN, C_SHOW_CLOCK,
	C_PING, C_V_SCREEN, C_V_SYSVIEW, C_V_SAVE, C_V_SHOW_SAVED,
	/* configuration modes */
	C_END, C_CEXIT, C_DO, C_COMMIT, C_ABORT, C_SHOW_CAND,
	C_J_SET, C_J_DELETE, C_J_EDIT, C_J_UP, C_J_TOP, C_J_COMMIT_CHECK,
	C_J_COMMIT_CONFIRMED, C_J_COMMIT_QUIT, C_J_ROLLBACK, C_J_LOAD, C_J_RUN,
	C_V_QUIT, C_V_RETURN,
};

#define EXEC_M (1u << M_EXEC)
#define USER_M (1u << M_USER | 1u << M_EXEC)
#define CONF_M (1u << M_CONFIG)

/* "<w>" any word, "<n>" a number, "<rest>" the rest of the line */
struct cmd { unsigned fams, modes; const char *pat; enum cmd_id id; };

static const struct cmd cmds[] = {
	{ CISCO, 1u << M_USER, "enable", C_ENABLE },
	{ CISCO, EXEC_M, "disable", C_DISABLE },
	{ CISCO | FB(F_JUNOS), USER_M, "exit", C_EXIT },
	{ CISCO | FB(F_JUNOS), USER_M, "quit", C_EXIT },
	{ CISCO, USER_M, "logout", C_EXIT },
	{ CISCO, USER_M, "terminal length <n>", C_TERMLEN },
	{ CISCO, USER_M, "terminal width <n>", C_NOOP },
	{ CISCO, USER_M, "terminal monitor", C_NOOP },
	{ CISCO, USER_M, "terminal no monitor", C_NOOP },
	{ CISCO | FB(F_JUNOS), USER_M, "show version", C_REPLAY },
	{ CISCO, USER_M, "show inventory", C_REPLAY },
	{ CISCO, USER_M, "show module", C_REPLAY_HAS },
	{ CISCO, USER_M, "show license udi", C_REPLAY_HAS },
	{ CISCO | FB(F_JUNOS), USER_M, "show clock", C_SHOW_CLOCK },
	{ CISCO | FB(F_JUNOS), USER_M, "ping <rest>", C_PING },
	{ CISCO | FB(F_JUNOS), USER_M, "ssh <rest>", C_NOOP },
	{ CISCO, USER_M, "telnet <rest>", C_NOOP },
	{ FB(F_IOS), EXEC_M, "setup", C_NOOP },
	{ FB(F_IOS), USER_M, "systat", C_NOOP },
	{ FB(F_IOS), EXEC_M, "send <rest>", C_NOOP },
	{ FB(F_JUNOS), USER_M, "show chassis hardware", C_REPLAY },
	{ CISCO, EXEC_M, "show running-config", C_SHOW_RUN },
	{ CISCO, EXEC_M, "show running-config <rest>", C_SHOW_RUN },
	{ CISCO, EXEC_M, "show startup-config", C_SHOW_START },
	{ FB(F_JUNOS), USER_M, "show configuration", C_SHOW_RUN },
	{ FB(F_JUNOS), USER_M, "show configuration <rest>", C_SHOW_RUN },
	{ CISCO, EXEC_M, "configure terminal", C_CONF_T },
	{ FB(F_XR) | FB(F_NXOS) | FB(F_EOS) | FB(F_JUNOS), USER_M, "configure", C_CONF_T },
	{ FB(F_JUNOS), USER_M, "configure private", C_CONF_T },
	{ FB(F_JUNOS), USER_M, "configure exclusive", C_CONF_T },
	{ FB(F_EOS), EXEC_M, "configure session <w>", C_CONF_SESSION },
	{ FB(F_IOS) | FB(F_EOS), EXEC_M, "write", C_WRITE },
	{ FB(F_IOS) | FB(F_EOS), EXEC_M, "write memory", C_WRITE },
	{ FB(F_IOS) | FB(F_EOS) | FB(F_NXOS), EXEC_M, "copy running-config startup-config", C_COPY_RS },
	{ FB(F_IOS) | FB(F_EOS), EXEC_M, "copy running-config <w>", C_COPY_RF },
	{ FB(F_IOS) | FB(F_EOS), EXEC_M, "configure replace <w>", C_REPLACE },
	{ FB(F_IOS) | FB(F_EOS), EXEC_M, "configure replace <w> force", C_REPLACE },
	{ FB(F_NXOS), EXEC_M, "checkpoint <w>", C_CHECKPOINT },
	{ FB(F_NXOS), EXEC_M, "rollback running-config checkpoint <w>", C_ROLLBACK_CKPT },
	{ FB(F_XR), EXEC_M, "rollback configuration last <n>", C_XR_ROLLBACK },
	{ FB(F_JUNOS), USER_M, "set cli screen-length <n>", C_J_SCREEN },
	{ FB(F_JUNOS), USER_M, "set cli screen-width <n>", C_NOOP },
	{ FB(F_JUNOS), USER_M, "set cli complete-on-space <w>", C_NOOP },
	{ FB(F_VRP), USER_M, "screen-length <n> temporary", C_V_SCREEN },
	{ FB(F_VRP), USER_M, "display version", C_REPLAY },
	{ FB(F_VRP), USER_M, "display device", C_REPLAY },
	{ FB(F_VRP), USER_M, "display elabel", C_REPLAY },
	{ FB(F_VRP), USER_M, "display esn", C_REPLAY },
	{ FB(F_VRP), USER_M, "display current-configuration", C_SHOW_RUN },
	{ FB(F_VRP), USER_M, "display saved-configuration", C_V_SHOW_SAVED },
	{ FB(F_VRP), USER_M, "system-view", C_V_SYSVIEW },
	{ FB(F_VRP), USER_M, "save", C_V_SAVE },
	{ FB(F_VRP), USER_M, "quit", C_EXIT },
	/* configuration: Cisco-like (first word exact, anything else is config) */
	{ CISCO, CONF_M, "end", C_END },
	{ CISCO, CONF_M, "exit", C_CEXIT },
	{ CISCO, CONF_M, "do <rest>", C_DO },
	{ FB(F_XR) | FB(F_EOS), CONF_M, "commit", C_COMMIT },
	{ FB(F_XR) | FB(F_EOS), CONF_M, "abort", C_ABORT },
	{ FB(F_XR), CONF_M, "show configuration", C_SHOW_CAND },
	/* JunOS configuration mode (abbreviations allowed) */
	{ FB(F_JUNOS), CONF_M, "set <rest>", C_J_SET },
	{ FB(F_JUNOS), CONF_M, "delete <rest>", C_J_DELETE },
	{ FB(F_JUNOS), CONF_M, "edit <rest>", C_J_EDIT },
	{ FB(F_JUNOS), CONF_M, "up", C_J_UP },
	{ FB(F_JUNOS), CONF_M, "top", C_J_TOP },
	{ FB(F_JUNOS), CONF_M, "exit", C_CEXIT },
	{ FB(F_JUNOS), CONF_M, "quit", C_CEXIT },
	{ FB(F_JUNOS), CONF_M, "exit configuration-mode", C_END },
	{ FB(F_JUNOS), CONF_M, "commit", C_COMMIT },
	{ FB(F_JUNOS), CONF_M, "commit check", C_J_COMMIT_CHECK },
	{ FB(F_JUNOS), CONF_M, "commit confirmed", C_J_COMMIT_CONFIRMED },
	{ FB(F_JUNOS), CONF_M, "commit confirmed <n>", C_J_COMMIT_CONFIRMED },
	{ FB(F_JUNOS), CONF_M, "commit and-quit", C_J_COMMIT_QUIT },
	{ FB(F_JUNOS), CONF_M, "rollback", C_J_ROLLBACK },
	{ FB(F_JUNOS), CONF_M, "rollback <n>", C_J_ROLLBACK },
	{ FB(F_JUNOS), CONF_M, "load merge terminal", C_J_LOAD },
	{ FB(F_JUNOS), CONF_M, "load set terminal", C_J_LOAD },
	{ FB(F_JUNOS), CONF_M, "show", C_SHOW_CAND },
	{ FB(F_JUNOS), CONF_M, "run <rest>", C_J_RUN },
	/* VRP views (first word exact) */
	{ FB(F_VRP), CONF_M, "quit", C_V_QUIT },
	{ FB(F_VRP), CONF_M, "return", C_V_RETURN },
	{ FB(F_VRP), CONF_M, "save", C_V_SAVE },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

struct tok { const char *p; size_t n, off; };

static int tokenize(const char *s, struct tok *t, int max)
{
	int n = 0;

	for (const char *p = s; *p && n < max;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		t[n].p = p;
		t[n].off = (size_t)(p - s);
		while (*p && *p != ' ')
			p++;
		t[n].n = (size_t)(p - t[n].p);
		n++;
	}
	return n;
}

enum { MATCH_OK, MATCH_INVALID, MATCH_INCOMPLETE, MATCH_AMBIGUOUS };

struct match {
	const struct cmd *c;
	char canon[LINE_MAX_LEN];	/* keywords expanded, arguments as typed */
	const char *rest;		/* where <rest> starts in the line */
	long num;			/* the <n> argument */
	char word[LINE_MAX_LEN];	/* the last <w> argument */
	size_t err_off;			/* where the error points */
};

/* Match line against the commands of this platform and mode: IOS-style
 * unique abbreviations unless exact (first word must be complete). */
static int match(const char *line, int exact, struct match *m)
{
	struct tok in[MAX_TOKS], pt[NCMDS][16];
	int nin = tokenize(line, in, MAX_TOKS), npt[NCMDS], alive[NCMDS], bykw[NCMDS];

	memset(m, 0, sizeof(*m));
	for (size_t c = 0; c < NCMDS; c++) {
		alive[c] = (cmds[c].fams & FB(S.fam)) && (cmds[c].modes & (1u << S.mode));
		npt[c] = tokenize(cmds[c].pat, pt[c], 16);
	}
	for (int i = 0; i < nin; i++) {
		int any = 0, kw = 0, exactkw = 0;
		const char *first = NULL;
		size_t firstlen = 0;
		int distinct = 0;

		for (size_t c = 0; c < NCMDS; c++) {
			struct tok *p;

			if (!alive[c])
				continue;
			if (i >= npt[c]) {
				alive[c] = 0;
				continue;
			}
			p = &pt[c][i];
			bykw[c] = 0;
			if (p->p[0] == '<') {
				if (!strncmp(p->p, "<n>", 3)) {
					char num[32];
					long long v;

					snprintf(num, sizeof(num), "%.*s", (int)(in[i].n < 31 ? in[i].n : 31), in[i].p);
					alive[c] = ztp_parse_ll(num, 0, 100000, &v) == 0;
				}
			} else if (in[i].n <= p->n && !strncasecmp(in[i].p, p->p, in[i].n) &&
				   (!(exact && i == 0) || in[i].n == p->n)) {
				bykw[c] = 1;
				kw = 1;
				if (in[i].n == p->n)
					exactkw = 1;
				if (!first || firstlen != p->n || strncmp(first, p->p, p->n)) {
					distinct += first != NULL;
					first = p->p;
					firstlen = p->n;
				}
			} else
				alive[c] = 0;
			any |= alive[c];
		}
		if (!any) {
			m->err_off = in[i].off;
			return MATCH_INVALID;
		}
		/* keywords win over arguments; an exact keyword over prefixes */
		for (size_t c = 0; c < NCMDS; c++) {
			if (!alive[c])
				continue;
			if (kw && !bykw[c] && strncmp(pt[c][i].p, "<rest>", 6))
				alive[c] = 0;
			else if (exactkw && bykw[c] && in[i].n != pt[c][i].n)
				alive[c] = 0;
		}
		if (distinct && !exactkw) {
			m->err_off = in[i].off;
			return MATCH_AMBIGUOUS;
		}
		for (size_t c = 0; c < NCMDS; c++)
			if (alive[c] && !strncmp(pt[c][i].p, "<rest>", 6)) {
				m->c = &cmds[c];
				m->rest = in[i].p;
				snprintf(m->canon, sizeof(m->canon), "%s", line);
				goto canon;
			}
	}
	for (size_t c = 0; c < NCMDS; c++)
		if (alive[c] && npt[c] == nin) {
			m->c = &cmds[c];
			break;
		}
	if (!m->c) {
		m->err_off = strlen(line);
		return MATCH_INCOMPLETE;
	}
canon:
	/* the canonical form: keywords in full, arguments as typed */
	{
		size_t c = (size_t)(m->c - cmds), len = 0;
		int n = npt[c] < nin ? npt[c] : nin;

		for (int i = 0; i < n; i++) {
			struct tok *p = &pt[c][i];
			int w;

			if (!strncmp(p->p, "<rest>", 6)) {
				w = snprintf(m->canon + len, sizeof(m->canon) - len, "%s%s", i ? " " : "", in[i].p);
				len += w > 0 ? (size_t)w : 0;
				break;
			}
			if (p->p[0] == '<') {
				snprintf(m->word, sizeof(m->word), "%.*s", (int)in[i].n, in[i].p);
				if (p->p[1] == 'n') {
					long long v = 0;

					ztp_parse_ll(m->word, 0, 100000, &v);
					m->num = (long)v;
				}
				w = snprintf(m->canon + len, sizeof(m->canon) - len, "%s%.*s", i ? " " : "",
					     (int)in[i].n, in[i].p);
			} else
				w = snprintf(m->canon + len, sizeof(m->canon) - len, "%s%.*s", i ? " " : "",
					     (int)p->n, p->p);
			if (w < 0 || (size_t)w >= sizeof(m->canon) - len)
				break;
			len += (size_t)w;
		}
	}
	return MATCH_OK;
}

/* ---- errors in each platform's words */

static void caret(size_t off)
{
	struct ztp_buf b = ZTP_BUF_INIT;

	for (size_t i = 0; i < strlen(prompt_str()) + off && i < 2 * LINE_MAX_LEN; i++)
		ztp_buf_addc(&b, ' ');
	ztp_buf_adds(&b, "^\n");
	say(b.p);
	ztp_buf_free(&b);
}

static void cli_error(int kind, const char *line, size_t off)
{
	switch (S.fam) {
	case F_JUNOS:
		caret(off);
		if (kind == MATCH_AMBIGUOUS) {
			sayf("'%.*s' is ambiguous.\n", (int)strcspn(line + off, " "), line + off);
			return;
		}
		say(kind == MATCH_INCOMPLETE ? "syntax error, expecting <command>.\n"
			: off == 0 ? "unknown command.\n" : "syntax error, expecting <command>.\n");
		return;
	case F_VRP:
		caret(off);
		say(kind == MATCH_INCOMPLETE ? "Error:Incomplete command found at '^' position.\n"
			: kind == MATCH_AMBIGUOUS ? "Error:Ambiguous command found at '^' position.\n"
			: "Error: Unrecognized command found at '^' position.\n");
		return;
	case F_EOS:
		say(kind == MATCH_INCOMPLETE ? "% Incomplete command\n"
			: kind == MATCH_AMBIGUOUS ? "% Ambiguous command\n" : "% Invalid input\n");
		return;
	default:
		if (kind == MATCH_INCOMPLETE)
			say("% Incomplete command.\n\n");
		else if (kind == MATCH_AMBIGUOUS)
			sayf("%% Ambiguous command:  \"%s\"\n", line);
		else {
			caret(off);
			say(S.fam == F_NXOS ? "% Invalid command at '^' marker.\n\n"
				: "% Invalid input detected at '^' marker.\n\n");
		}
	}
}

/* ---- recording configuration lines */

static const char *context(void)
{
	static char c[LINE_MAX_LEN + 16];

	if (S.fam == F_JUNOS)
		snprintf(c, sizeof(c), "edit%s%s", *S.sec ? " " : "", S.sec);
	else if (*S.sec)
		snprintf(c, sizeof(c), "%s", S.sec);
	else if (*S.session)
		snprintf(c, sizeof(c), "session %s", S.session);
	else
		snprintf(c, sizeof(c), "%s", S.fam == F_VRP ? "system" : "config");
	return c;
}

static void record(const char *ctx, const char *line, int rejected)
{
	struct ztp_buf b = ZTP_BUF_INIT;

	if (S.record_fd < 0)
		return;
	addf(&b, "%s\t%s%s\n", ctx, line, rejected ? "\trejected" : "");
	if (ztp_write_all(S.record_fd, b.p, b.len) < 0)
		fprintf(stderr, "ztp-sim: cannot write '%s': %s\n", S.record_path, strerror(errno));
	ztp_buf_free(&b);
}

static int rejected(const char *line)
{
	for (int i = 0; i < S.nreject; i++)
		if (!regexec(&S.reject[i], line, 0, NULL, 0))
			return 1;
	return 0;
}

/* The configuration lines go to: the candidate (XR, JunOS, EOS session) or
 * the running configuration. */
static struct cfg *target(void)
{
	return S.cand_open && (S.fam != F_EOS || *S.session) ? &S.cand : &S.running;
}

static void open_candidate(void)
{
	if (!S.cand_open) {
		cfg_copy(&S.cand, &S.running);
		S.cand_open = 1;
	}
}

static void push_history(void)
{
	if (S.nhist == MAX_HIST)
		cfg_free(&S.hist[--S.nhist]);
	memmove(&S.hist[1], &S.hist[0], (size_t)S.nhist * sizeof(S.hist[0]));
	memset(&S.hist[0], 0, sizeof(S.hist[0]));
	cfg_copy(&S.hist[0], &S.running);
	S.nhist++;
}

/* commit: the candidate becomes the running configuration */
static void commit(void)
{
	cfg_copy(&S.running, &S.cand);
	push_history();
	sync_hostname();
}

/* JunOS: commit confirmed N was not confirmed in time */
static void confirm_timeout(void)
{
	char t[64];
	time_t now = time(NULL);
	struct tm tm;

	S.confirm_by = 0;
	if (S.nhist < 2)
		return;
	cfg_copy(&S.cand, &S.hist[1]);
	commit();
	gmtime_r(&now, &tm);
	strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S UTC", &tm);
	sayf("\n\nBroadcast Message from root@%s\n        (no tty) at %s...\n\n"
	     "Commit was not confirmed; automatic rollback complete.\n\n", S.hostname, t);
}

/* --reject-commit: a candidate line the commit refuses, in the platform's
 * words; nothing is applied.  Returns 1 when the commit fails. */
static int commit_fails(struct ztp_buf *o)
{
	if (S.fam == F_JUNOS && S.amnesiac) {
		size_t i;

		for (i = 0; i < S.cand.n; i++)
			if (ztp_startswith(S.cand.v[i].text, "set system root-authentication "))
				break;
		if (i == S.cand.n) {
			addf(o, "[edit]\n  'system'\n    Missing mandatory statement: 'root-authentication'\n"
			     "error: commit failed: (missing mandatory statements)\n");
			return 1;
		}
	}
	for (size_t i = 0; i < S.cand.n; i++)
		for (int r = 0; r < S.nreject_commit; r++) {
			const char *l = S.cand.v[i].text;

			if (regexec(&S.reject_commit[r], l, 0, NULL, 0))
				continue;
			if (S.fam == F_JUNOS)
				addf(o, "[edit]\n  '%s'\n    statement rejected by the simulator\n"
				     "error: configuration check-out failed\n", l);
			else if (S.fam == F_XR)
				addf(o, "\n%% Failed to commit one or more configuration items during a "
				     "pseudo-atomic operation. All changes made have been reverted. "
				     "Please issue 'show configuration failed [inheritance]' from this "
				     "session to view the errors\n");
			else
				addf(o, "%% Failed to commit session: '%s' rejected\n", l);
			return 1;
		}
	return 0;
}

static struct saved *saved_find(const char *name, int create)
{
	for (int i = 0; i < S.nsaved; i++)
		if (!strcmp(S.saved[i].name, name))
			return &S.saved[i];
	if (!create || S.nsaved == MAX_SAVED)
		return NULL;
	S.saved[S.nsaved].name = ztp_xstrdup(name);
	return &S.saved[S.nsaved++];
}

/* Global commands typed in a sub-mode: the box leaves the sub-mode and
 * applies them globally, as IOS and VRP do with a command the sub-mode
 * does not know (a pasted configuration relies on it). */
static int global_only(const char *line)
{
	static const char *const cisco[] = {
		"hostname ", "username ", "enable ", "service ", "no service ", "aaa ", "banner ",
		"clock timezone ", "clock summer-time ", "crypto ", "logging host ",
		"logging buffered", "logging trap ", "logging source-interface ", "ntp ",
		"snmp-server ", "access-list ", "ip route ", "ip domain", "no ip domain",
		"ip name-server ", "ip nat inside source ", "ip nat outside source ", "ip nat pool ",
		"ip ssh ", "ip http ", "no ip http ", "ip scp ", "ip dhcp ", "ip prefix-list ",
		"ip forward-protocol ", "ip routing", "ipv6 route ", "ipv6 unicast-routing", "boot ",
		"errdisable ", "ip tftp ", "ip ftp ", "ip cef", "lldp run", "no lldp run", "cdp run",
		"no cdp run", "vtp ", "ip multicast-routing", "radius-server ", "no ip source-route",
		NULL
	};
	static const char *const vrp[] = {
		"sysname ", "info-center ", "ntp-service ", "snmp-agent ", "stelnet ", "ssh ",
		"ip route-static ", "dns ", "clock ", "undo info-center ", "undo telnet ", "telnet ",
		"http ", "undo http ", "ssh user ", "header ",
		NULL
	};
	const char *const *w = S.fam == F_VRP ? vrp : cisco;

	for (; *w; w++)
		if (ztp_startswith(line, *w))
			return 1;
	return 0;
}

static void dask(const char *q, char *a, size_t sz, int secret);
static int yes(const char *a);

/* IOS "crypto key generate rsa ...": the host keys SSH needs */
static void keygen_ios(const char *line)
{
	char a[LINE_MAX_LEN], dom[LINE_MAX_LEN] = "";
	const char *m = strstr(line, " modulus ");
	long long bits = 0;

	for (size_t i = 0; i < S.running.n; i++) {
		const char *t = S.running.v[i].text;

		if (*S.running.v[i].sec)
			continue;
		if (ztp_startswith(t, "ip domain name ") || ztp_startswith(t, "ip domain-name "))
			snprintf(dom, sizeof(dom), "%s", t + 15);
	}
	if (!strcmp(S.hostname, S.pf->hostname)) {
		sayf("%% Please define a hostname other than %s.\n", S.pf->hostname);
		return;
	}
	if (!*dom) {
		say("% Please define a domain-name first.\n");
		return;
	}
	sayf("The name for the keys will be: %s.%s\n", S.hostname, dom);
	if (S.keys) {
		/* the exact wording of this line is not verified */
		sayf("%% You already have RSA keys defined named %s.%s.\n", S.hostname, dom);
		dask("% Do you really want to replace them? [yes/no]: ", a, sizeof(a), 0);
		if (strcmp(a, "yes"))
			return;
	}
	if (m && ztp_parse_ll(m + 9, 0, 100000, &bits) < 0)
		bits = -1;
	if (!m) {
		say("Choose the size of the key modulus in the range of 360 to 4096 for your\n"
		    "  General Purpose Keys. Choosing a key modulus greater than 512 may take\n"
		    "  a few minutes.\n\n");
		dask("How many bits in the modulus [512]: ", a, sizeof(a), 0);
		if (!*a)
			bits = 512;
		else if (ztp_parse_ll(a, 0, 100000, &bits) < 0)
			bits = -1;
	}
	if (bits < 360 || bits > 4096) {
		say("% Key modulus size must be between 360 and 4096 bits\n");
		return;
	}
	sayf("%% Generating %lld bit RSA keys, keys will be non-exportable...\n"
	     "[OK] (elapsed time was 1 seconds)\n\n", bits);
	S.keys = (long)bits;
}

/* VRP "rsa local-key-pair create" */
static void keygen_vrp(void)
{
	char a[LINE_MAX_LEN];
	long long bits = 2048;

	sayf("The key name will be: %s_Host\n", S.hostname);
	if (S.keys) {
		sayf("%% RSA keys defined for %s_Host already exist.\n", S.hostname);
		dask("Confirm to replace them? [y/n]:", a, sizeof(a), 0);
		if (!yes(a))
			return;
	}
	say("The range of public key size is (512 ~ 2048).\n"
	    "NOTES: If the key modulus is greater than 512,\n"
	    "       it will take a few minutes.\n");
	dask("Input the bits in the modulus[default = 2048]:", a, sizeof(a), 0);
	if (*a && (ztp_parse_ll(a, 0, 100000, &bits) < 0 || bits < 512 || bits > 2048)) {
		say("Error: Wrong parameter found at '^' position.\n");
		return;
	}
	say("Generating keys...\n.......++++++\n..................++++++\n");
	S.keys = (long)bits;
}

/* A configuration line in a Cisco-like or VRP configuration mode. */
static void config_line(const char *line)
{
	const struct section *sec = section_of(line);
	const char *no = S.fam == F_VRP ? "undo " : "no ";
	struct cfg *c;

	if (*S.sec && global_only(line))
		S.sec[0] = S.nest[0] = 0;

	if (rejected(line)) {
		record(context(), line, 1);
		cli_error(MATCH_INVALID, line, 0);
		return;
	}
	record(context(), line, 0);
	if (S.fam == F_IOS && ztp_startswith(line, "crypto key generate rsa")) {
		keygen_ios(line);
		return;
	}
	if (S.fam == F_VRP && !strcmp(line, "rsa local-key-pair create")) {
		keygen_vrp();
		return;
	}
	c = target();
	/* EOS "vrf NAME" under "management ssh" (or api) is that section's
	 * VRF sub-mode: its lines stay the section's, exit goes back to it */
	if (S.fam == F_EOS && ztp_startswith(S.sec, "management ") && ztp_startswith(line, "vrf ") &&
	    !strchr(line + 4, ' ')) {
		cfg_add(c, S.sec, line);
		snprintf(S.nest, sizeof(S.nest), "%.63s", line + 4);
		return;
	}
	if (sec) {
		cfg_add(c, "", line);
		snprintf(S.sec, sizeof(S.sec), "%s", line);
		S.nest[0] = 0;
		return;
	}
	if (ztp_startswith(line, no)) {
		cfg_del(c, S.sec, line + strlen(no));
	} else {
		if (!*S.sec && ztp_startswith(line, hostname_word()))
			cfg_set(c, hostname_word(), line);
		else
			cfg_add(c, S.sec, line);
	}
	if (c == &S.running)
		sync_hostname();
}

/* ---- questions */

static int ask(const char *q, char *ans, size_t sz)
{
	say(q);
	if (read_line(ans, sz, 0) == L_EOF)
		bye(0);
	return 0;
}

static int yes(const char *a)
{
	return a[0] == 'y' || a[0] == 'Y';
}

/* ---- commands */

static int run_line(char *line, struct ztp_buf *o);
static int exec_in_config(char *line, struct ztp_buf *o);

static void do_enable(void)
{
	char pw[LINE_MAX_LEN];

	if (!S.secret) {
		S.mode = M_EXEC;
		return;
	}
	for (int i = 0; i < 3; i++) {
		say("Password: ");
		if (read_line(pw, sizeof(pw), 1) == L_EOF)
			bye(0);
		if (!strcmp(pw, S.secret)) {
			S.mode = M_EXEC;
			return;
		}
		if (S.fam != F_IOS)
			break;
	}
	say(S.fam == F_IOS ? "% Bad secrets\n\n" : "% Access denied\n");
}

static void do_copy_rs(struct ztp_buf *o)
{
	char a[LINE_MAX_LEN];

	if (S.fam == F_IOS) {
		ask("Destination filename [startup-config]? ", a, sizeof(a));
		if (*a && strcmp(a, "startup-config"))
			return;
	}
	cfg_copy(&S.startup, &S.running);
	if (S.fam == F_NXOS)
		addf(o, "[########################################] 100%%\n"
		     "Copy complete, now saving to disk (please wait)...\nCopy complete.\n");
	else if (S.fam == F_EOS)
		addf(o, "Copy completed successfully.\n");
	else
		addf(o, "Building configuration...\n[OK]\n");
}

static void do_copy_file(const char *file, struct ztp_buf *o)
{
	char a[LINE_MAX_LEN], q[LINE_MAX_LEN + 64];
	const char *base = strrchr(file, ':');
	struct saved *sv;

	if (!strcmp(file, "startup-config") || !strcmp(file, "nvram:startup-config")) {
		do_copy_rs(o);
		return;
	}
	base = base ? base + 1 : file;
	snprintf(q, sizeof(q), "Destination filename [%s]? ", base);
	if (S.fam == F_IOS)
		ask(q, a, sizeof(a));
	if (!(sv = saved_find(file, 1))) {
		addf(o, "%%Error opening %s (No space left on device)\n", file);
		return;
	}
	cfg_copy(&sv->c, &S.running);
	addf(o, "%zu bytes copied in 0.123 secs\n", sv->c.n * 24);
}

static void do_replace(const char *file, int force, struct ztp_buf *o)
{
	struct saved *sv = saved_find(file, 0);
	const struct cfg *src = sv ? &sv->c : NULL;
	char a[LINE_MAX_LEN];

	if (!strcmp(file, "startup-config") || !strcmp(file, "nvram:startup-config"))
		src = &S.startup;
	if (!src) {
		addf(o, "%%Error opening %s (No such file or directory)\n", file);
		return;
	}
	if (!force && S.fam == F_IOS) {
		ask("This will apply all necessary additions and deletions\n"
		    "to replace the contents of the current running configuration with the\n"
		    "contents of the specified configuration file, which is assumed to be a\n"
		    "complete configuration, not a partial configuration. Enter Y if you are sure\n"
		    "you want to proceed. ? [no]: ", a, sizeof(a));
		if (!yes(a))
			return;
	}
	cfg_copy(&S.running, src);
	sync_hostname();
	addf(o, "Total number of passes: 1\nRollback Done\n");
}

static void do_save_vrp(struct ztp_buf *o)
{
	char a[LINE_MAX_LEN];

	ask("The current configuration will be written to the device.\n"
	    "Are you sure to continue?[Y/N]:", a, sizeof(a));
	if (!yes(a)) {
		addf(o, "Info: Failed to save the current configuration.\n");
		return;
	}
	cfg_copy(&S.startup, &S.running);
	addf(o, "Now saving the current configuration to the slot 0.\n"
	     "Save the configuration successfully.\n");
}

/* --syslog: the log line a box prints after configuration, queued to come
 * right after the next prompt, as "logging console" does */
static void queue_syslog(void)
{
	char t[32];
	time_t now = time(NULL);
	struct tm tm;
	const char *who = S.console ? "console" : "vty0";

	if (!S.syslog)
		return;
	gmtime_r(&now, &tm);
	strftime(t, sizeof(t), "%b %d %H:%M:%S", &tm);
	if (S.fam == F_IOS)
		snprintf(S.pending_log, sizeof(S.pending_log),
			 "\n*%s.123: %%SYS-5-CONFIG_I: Configured from console by %s on %s\n",
			 t, user_name(), who);
	else if (S.fam == F_NXOS)
		snprintf(S.pending_log, sizeof(S.pending_log),
			 "\n%d %s %s %%VSHD-5-VSHD_SYSLOG_CONFIG_I: Configured from vty by %s on %s\n",
			 tm.tm_year + 1900, t, S.hostname, user_name(), who);
	else if (S.fam == F_EOS)
		snprintf(S.pending_log, sizeof(S.pending_log),
			 "\n%s %s ConfigAgent: %%SYS-5-CONFIG_I: Configured from console by %s on %s\n",
			 t, S.hostname, user_name(), who);
}

static void leave_config(void)
{
	if (S.mode == M_CONFIG)
		queue_syslog();
	S.mode = M_EXEC;
	S.sec[0] = 0;
	S.nest[0] = 0;
	S.session[0] = 0;
}

/* XR and JunOS leaving with uncommitted changes */
static int leave_uncommitted(struct ztp_buf *o)
{
	char a[LINE_MAX_LEN];

	if (!S.cand_open || cfg_same(&S.cand, &S.running)) {
		S.cand_open = 0;
		return 1;
	}
	if (S.fam == F_JUNOS) {
		say("The configuration has been changed but not committed\n");
		ask("Exit with uncommitted changes? [yes,no] (yes) ", a, sizeof(a));
		return !*a || yes(a);
	}
	ask("Uncommitted changes found, commit them before exiting(yes/no/cancel)? [cancel]:", a, sizeof(a));
	if (yes(a) && commit_fails(o))
		return 0;
	if (yes(a))
		commit();
	else if (a[0] != 'n' && a[0] != 'N')
		return 0;
	cfg_free(&S.cand);
	S.cand_open = 0;
	return 1;
}

/* one loaded statement ("server 10.1.1.1" under the containers "system"
 * and "ntp", joined by \x1f in cpath): into the candidate as a set
 * command that remembers its containers, or reported the way JunOS
 * reports a syntax error in loaded text */
static int junos_load_stmt(const char *cpath, const char *t, int lineno)
{
	char full[2 * LINE_MAX_LEN + 8], path[LINE_MAX_LEN];

	snprintf(path, sizeof(path), "%s", cpath);
	for (char *q = path; *q; q++)
		if (*q == '\x1f')
			*q = ' ';
	if (ztp_startswith(t, "set ") || ztp_startswith(t, "delete "))
		snprintf(full, sizeof(full), "%s", t);
	else
		snprintf(full, sizeof(full), "set %s%s%s", path, *path ? " " : "", t);
	if (rejected(full) || rejected(t)) {
		record("load merge terminal", full, 1);
		sayf("terminal:%d:(1) syntax error: %s\n  [edit%s%s]\n    '%s;'\n      syntax error\n",
		     lineno, t, *path ? " " : "", path, t);
		return 1;
	}
	record("load merge terminal", full, 0);
	if (ztp_startswith(full, hostname_word()))
		cfg_set(&S.cand, hostname_word(), full);
	else if (junos_find(&S.cand, full) == SIZE_MAX)
		cfg_add(&S.cand, ztp_startswith(t, "set ") ? "" : cpath, full);
	return 0;
}

/* "load merge|set terminal": set commands as they are, or hierarchical
 * text ("system {", "host-name r1;", "}", also several on one line)
 * turned into the set statements the candidate holds */
static void junos_load(void)
{
	char l[LINE_MAX_LEN], path[LINE_MAX_LEN] = "", word[LINE_MAX_LEN];
	size_t depth[64];
	int nd = 0, lineno = 0, errs = 0;

	say("[Type ^D at a new line to end input]\n");
	for (;;) {
		int r = read_line(l, sizeof(l), 0);
		size_t wl = 0;

		if (r == L_CTRL_D || r == L_EOF)
			break;
		lineno++;
		if (r != L_OK)
			continue;
		int inq = 0;	/* inside a "quoted string": braces, ';' and '#' are text */

		for (char *t = l;; t++) {
			char ch = *t;

			if (inq && ch != 0) {
				/* \" and \\ are a quote and a backslash, not the end */
				if (ch == '\\' && t[1] && wl + 2 < sizeof(word)) {
					word[wl++] = ch;
					word[wl++] = *++t;
					continue;
				}
				if (ch == '"')
					inq = 0;
				if (wl + 1 < sizeof(word))
					word[wl++] = ch;
				continue;
			}
			if (ch == '"') {
				inq = 1;
				if (wl + 1 < sizeof(word))
					word[wl++] = ch;
				continue;
			}
			if (ch == '#' && wl == 0)
				break;	/* a comment line */
			if (ch != '{' && ch != '}' && ch != ';' && ch != 0) {
				if (!((ch == ' ' || ch == '\t') && (wl == 0 || word[wl - 1] == ' ')) &&
				    wl + 1 < sizeof(word))
					word[wl++] = ch == '\t' ? ' ' : ch;
				continue;
			}
			while (wl > 0 && word[wl - 1] == ' ')
				wl--;
			word[wl] = 0;
			if (ch == '{') {
				size_t pl = strlen(path);

				if (nd < 64 && pl + wl + 2 < sizeof(path)) {
					depth[nd++] = pl;
					if (pl)
						path[pl++] = '\x1f';
					memcpy(path + pl, word, wl + 1);
				}
			} else if (wl > 0 && (ch == ';' || ch == 0 || ch == '}')) {
				errs += junos_load_stmt(path, word, lineno);
			}
			if (ch == '}' && nd > 0)
				path[depth[--nd]] = 0;
			wl = 0;
			if (ch == 0)
				break;
		}
	}
	if (errs)
		sayf("load complete (%d errors)\n", errs);
	else
		say("load complete\n");
}

static void junos_set(const char *rest, int del, const char *line)
{
	char full[2 * LINE_MAX_LEN];

	if (rejected(line)) {
		record(context(), line, 1);
		caret((size_t)(rest - line));
		say("syntax error.\n");
		return;
	}
	record(context(), line, 0);
	snprintf(full, sizeof(full), "set %s%s%s", S.sec, *S.sec ? " " : "", rest);
	if (!del && strlen(full) > 20 && !strcmp(full + strlen(full) - 20, " plain-text-password")) {
		char a[LINE_MAX_LEN], b[LINE_MAX_LEN];
		unsigned long h = 5381;

		dask("New password:", a, sizeof(a), 1);
		dask("Retype new password:", b, sizeof(b), 1);
		if (strcmp(a, b)) {
			say("error: Passwords do not match\n");
			return;
		}
		for (const char *q = a; *q; q++)	/* a stand-in hash, not the secret */
			h = h * 33 + (unsigned char)*q;
		snprintf(full + strlen(full) - 19, sizeof(full) - strlen(full) + 19,
			 "encrypted-password \"$6$ztpsim$%016lx\"", h);
	}
	if (del) {
		if (!cfg_del(&S.cand, "", full))
			say("warning: statement not found\n");
		return;
	}
	if (ztp_startswith(full, hostname_word()))
		cfg_set(&S.cand, hostname_word(), full);
	else
		cfg_add(&S.cand, "", full);
}

static void show_compare(struct ztp_buf *o)
{
	for (size_t i = 0; i < S.running.n; i++)
		if (junos_find(&S.cand, S.running.v[i].text) == SIZE_MAX)
			addf(o, "- %s\n", S.running.v[i].text);
	for (size_t i = 0; i < S.cand.n; i++)
		if (junos_find(&S.running, S.cand.v[i].text) == SIZE_MAX)
			addf(o, "+ %s\n", S.cand.v[i].text);
}

static void show_clock(struct ztp_buf *o)
{
	char t[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(t, sizeof(t), S.fam == F_JUNOS ? "Current time: %Y-%m-%d %H:%M:%S UTC" :
		 S.fam == F_XR ? "%a %b %d %H:%M:%S.000 UTC\n" : "*%H:%M:%S.000 UTC %a %b %d %Y", &tm);
	addf(o, "%s\n", t);
}

static int display_set(const struct filter *f, int nf)
{
	for (int i = 0; i < nf; i++)
		if (f[i].kind == 'd')
			return 1;
	return 0;
}

static int model_refuses(const char *cmd)
{
	for (size_t i = 0; i < 2 && S.md->refuse[i]; i++)
		if (!strcmp(S.md->refuse[i], cmd))
			return 1;
	return 0;
}

static int model_has(const char *cmd)
{
	for (size_t i = 0; i < 5 && S.md->out[i].cmd; i++)
		if (!strcmp(S.md->out[i].cmd, cmd))
			return 1;
	return 0;
}

/* the last word of a line, where the caret goes */
static const char *last_word(const char *line)
{
	size_t n = strlen(line);

	while (n > 0 && line[n - 1] == ' ')
		n--;
	while (n > 0 && line[n - 1] != ' ')
		n--;
	return line + n;
}

/* Run one matched command; its output goes to o. */
static void run_cmd(struct match *m, const char *line, struct filter *f, int nf, struct ztp_buf *o)
{
	char a[LINE_MAX_LEN];

	switch (m->c->id) {
	case C_NONE:
	case C_NOOP:
		break;
	case C_ENABLE:
		do_enable();
		break;
	case C_DISABLE:
		S.mode = M_USER;
		break;
	case C_EXIT:
		if (!S.console)
			bye(0);
		S.mode = M_LOGOUT;	/* back to the login, see session() */
		break;
	case C_TERMLEN:
	case C_J_SCREEN:
	case C_V_SCREEN:
		if (S.pager_locked) {	/* e.g. refused by command authorisation */
			addf(o, "%s", S.fam == F_JUNOS ? "unknown command.\n" :
			     S.fam == F_VRP ? "Error: Unrecognized command found at '^' position.\n" :
			     "% Invalid input detected at '^' marker.\n");
			break;
		}
		if (m->c->id != C_TERMLEN)
			goto screen;
		S.page_len = (int)m->num;
		if (S.fam == F_EOS)
			addf(o, m->num ? "Pagination set to %ld lines.\n" : "Pagination disabled.\n", m->num);
		break;
	screen:
		S.page_len = (int)m->num;
		if (m->c->id == C_J_SCREEN) {
			addf(o, "Screen length set to %ld\n", m->num);
			break;
		}
		addf(o, "Info: The configuration takes effect on the current user terminal interface only.\n");
		break;
	case C_REPLAY:
	case C_REPLAY_HAS:
		/* a command the model refuses, or (C_REPLAY_HAS) has no
		 * output for: what the platform says to a command it lacks */
		if (model_refuses(m->canon) || (m->c->id == C_REPLAY_HAS && !model_has(m->canon))) {
			cli_error(MATCH_INVALID, line, strlen(line) - strlen(last_word(line)));
			break;
		}
		if (S.fam == F_XR)
			show_clock(o);	/* XR stamps every show command */
		if (replay(m->canon, o) < 0)
			addf(o, "%% Error: cannot read the output of '%s'\n", m->canon);
		break;
	case C_SHOW_CLOCK:
		show_clock(o);
		break;
	case C_PING:
		addf(o, "Type escape sequence to abort.\n"
		     "Sending 5, 100-byte ICMP Echos to %s, timeout is 2 seconds:\n!!!!!\n"
		     "Success rate is 100 percent (5/5), round-trip min/avg/max = 1/1/2 ms\n", m->rest);
		break;
	case C_SHOW_RUN:
		if (S.fam == F_JUNOS && !display_set(f, nf))
			junos_show(&S.running, m->c->pat[strlen(m->c->pat) - 1] == '>' ? m->rest : NULL, o);
		else
			show_config(&S.running, 0, o);
		break;
	case C_SHOW_START:
	case C_V_SHOW_SAVED:
		show_config(&S.startup, 1, o);
		break;
	case C_CONF_T:
		S.mode = M_CONFIG;
		S.sec[0] = 0;
		if (S.fam == F_JUNOS) {
			open_candidate();
			addf(o, "Entering configuration mode\n");
		} else if (S.fam == F_XR) {
			open_candidate();
		} else if (S.fam == F_IOS || S.fam == F_NXOS)
			addf(o, "Enter configuration commands, one per line.  End with CNTL/Z.\n");
		break;
	case C_CONF_SESSION:
		S.mode = M_CONFIG;
		S.sec[0] = 0;
		if ((size_t)snprintf(S.session, sizeof(S.session), "%s", m->word) >= sizeof(S.session))
			S.session[sizeof(S.session) - 1] = 0;
		open_candidate();
		break;
	case C_V_SYSVIEW:
		S.mode = M_CONFIG;
		S.sec[0] = 0;
		addf(o, "Enter system view, return user view with Ctrl+Z.\n");
		break;
	case C_WRITE:
		cfg_copy(&S.startup, &S.running);
		addf(o, S.fam == F_EOS ? "Copy completed successfully.\n" : "Building configuration...\n[OK]\n");
		break;
	case C_COPY_RS:
		do_copy_rs(o);
		break;
	case C_COPY_RF:
		do_copy_file(m->word, o);
		break;
	case C_REPLACE: {
		char file[LINE_MAX_LEN];
		struct tok t[4];

		tokenize(m->canon, t, 4);
		snprintf(file, sizeof(file), "%.*s", (int)t[2].n, t[2].p);
		do_replace(file, strstr(m->canon, " force") != NULL || S.fam == F_EOS, o);
		break;
	}
	case C_CHECKPOINT: {
		struct saved *sv = saved_find(m->word, 1);

		if (sv) {
			cfg_copy(&sv->c, &S.running);
			addf(o, "Done\n");
		}
		break;
	}
	case C_ROLLBACK_CKPT: {
		struct saved *sv = saved_find(m->word, 0);

		if (!sv) {
			addf(o, "Checkpoint name %s does not exist\n", m->word);
			break;
		}
		cfg_copy(&S.running, &sv->c);
		sync_hostname();
		addf(o, "Note: Applying config parallelly may fail Rollback verification\n"
		     "Collecting Running-Config\n#Generating Rollback Patch\nExecuting Rollback Patch\n"
		     "Finished Rollback Patch\nVerification is Successful.\n\nRollback completed successfully.\n");
		break;
	}
	case C_XR_ROLLBACK:
		if (m->num < 1 || m->num >= S.nhist) {
			addf(o, "\n%% Invalid commit ID or number of commits\n");
			break;
		}
		cfg_copy(&S.cand, &S.hist[m->num]);
		commit();
		addf(o, "\nLoading Rollback Changes.\nLoaded Rollback Changes in 1 sec \nCommitting.\n"
		     "Updating.\nUpdated Commit database in 1 sec \n"
		     "Configuration successfully rolled back %ld commits.\n", m->num);
		break;
	case C_V_SAVE:
		do_save_vrp(o);
		break;
	case C_END:
		if (S.cand_open && S.fam != F_EOS && !leave_uncommitted(o))
			break;
		leave_config();
		if (S.fam == F_JUNOS)
			addf(o, "Exiting configuration mode\n");
		break;
	case C_CEXIT:
		if (*S.nest) {
			S.nest[0] = 0;
			break;
		}
		if (*S.sec) {
			S.sec[0] = 0;
			break;
		}
		if (S.cand_open && S.fam != F_EOS && !leave_uncommitted(o))
			break;
		leave_config();
		if (S.fam == F_JUNOS)
			addf(o, "Exiting configuration mode\n");
		break;
	case C_DO:
	case C_J_RUN: {
		char sub[LINE_MAX_LEN];
		enum mode keep = S.mode;

		snprintf(sub, sizeof(sub), "%s", m->rest);
		S.mode = M_EXEC;
		run_line(sub, o);
		if (S.mode != M_LOGOUT)
			S.mode = keep;
		break;
	}
	case C_COMMIT:
		if (!S.cand_open)
			break;
		if (S.fam == F_XR && cfg_same(&S.cand, &S.running)) {
			addf(o, "%% No configuration changes to commit.\n");
			break;
		}
		if (commit_fails(o))
			break;
		commit();
		S.confirm_by = 0;
		if (S.fam == F_JUNOS)
			addf(o, "commit complete\n");
		else if (*S.session) {
			S.cand_open = 0;
			leave_config();
		} else {
			cfg_free(&S.cand);
			S.cand_open = 0;
			open_candidate();
		}
		break;
	case C_ABORT:
		cfg_free(&S.cand);
		S.cand_open = 0;
		leave_config();
		break;
	case C_SHOW_CAND:
		if (nf && f[nf - 1].kind == 'C')
			show_compare(o);
		else if (S.fam == F_XR) {
			addf(o, "Building configuration...\n");
			show_compare(o);
			addf(o, "end\n");
		} else
			show_config(&S.cand, 0, o);
		break;
	case C_J_SET:
	case C_J_DELETE:
		junos_set(m->rest, m->c->id == C_J_DELETE, line);
		break;
	case C_J_EDIT:
		if ((size_t)snprintf(a, sizeof(a), "%s%s%s", S.sec, *S.sec ? " " : "", m->rest) >= sizeof(a)) {
			addf(o, "error: hierarchy too deep\n");
			break;
		}
		memcpy(S.sec, a, sizeof(S.sec));
		break;
	case C_J_UP: {
		char *sp = strrchr(S.sec, ' ');

		if (sp)
			*sp = 0;
		else
			S.sec[0] = 0;
		break;
	}
	case C_J_TOP:
		S.sec[0] = 0;
		break;
	case C_J_COMMIT_CHECK:
		if (!commit_fails(o)) {
			S.confirm_by = 0;	/* confirms a commit confirmed */
			addf(o, "configuration check succeeds\n");
		}
		break;
	case C_J_COMMIT_CONFIRMED:
		if (commit_fails(o))
			break;
		commit();
		S.confirm_by = ztp_os_monotonic() + (double)(m->num ? m->num : 10) * (double)S.minute_ms / 1000;
		addf(o, "commit confirmed will be automatically rolled back in %ld minutes unless confirmed\n"
		     "commit complete\n", m->num ? m->num : 10);
		break;
	case C_J_COMMIT_QUIT:
		if (commit_fails(o))
			break;
		commit();
		S.confirm_by = 0;
		cfg_free(&S.cand);
		S.cand_open = 0;
		leave_config();
		addf(o, "commit complete\nExiting configuration mode\n");
		break;
	case C_J_ROLLBACK:
		if (m->num >= S.nhist) {
			addf(o, "error: rollback %ld does not exist\n", m->num);
			break;
		}
		cfg_copy(&S.cand, &S.hist[m->num]);
		addf(o, "load complete\n");
		break;
	case C_J_LOAD:
		junos_load();
		break;
	case C_V_QUIT:
		if (*S.sec)
			S.sec[0] = 0;
		else
			S.mode = M_EXEC;
		break;
	case C_V_RETURN:
		S.sec[0] = 0;
		S.mode = M_EXEC;
		break;
	}
}

/* "show ..." works in XR, NX-OS and EOS configuration modes, "display ..."
 * in every VRP view, as if typed in exec mode. */
static int exec_in_config(char *line, struct ztp_buf *o)
{
	const char *w = S.fam == F_VRP ? "display" : S.fam == F_IOS ? NULL : "show";
	enum mode keep = S.mode;
	struct tok t[1];

	if (!w || !tokenize(line, t, 1) || t[0].n < 2 || strncmp(line, w, t[0].n))
		return 0;
	S.mode = M_EXEC;
	run_line(line, o);
	S.mode = keep;
	return 1;
}

/* One line typed at the prompt: its output goes to o (do/run nest here).
 * Returns 1 when the output is to be dropped half way (--drop-on). */
static int run_line(char *line, struct ztp_buf *o)
{
	struct filter f[4];
	int nf = 0, kind, config_free;
	struct match m;
	char raw[LINE_MAX_LEN];

	for (char *e = line + strlen(line); e > line && e[-1] == ' ';)
		*--e = 0;
	while (*line == ' ')
		line++;
	if (!*line || *line == '!' || (*line == '#' && S.fam != F_JUNOS))
		return 0;
	snprintf(raw, sizeof(raw), "%s", line);
	S.nomore = 0;
	/* Cisco-like and VRP configuration modes take any line: only their
	 * own words (end, exit, do, quit, ...) are commands */
	config_free = S.mode == M_CONFIG && S.fam != F_JUNOS;
	if (!config_free && filt_parse(line, f, 4, &nf) < 0) {
		filt_free(f, nf);
		cli_error(MATCH_INVALID, raw, strchr(raw, '|') ? (size_t)(strchr(raw, '|') - raw) : 0);
		return 0;
	}
	kind = match(line, config_free, &m);
	if (S.hang_on && (!strcmp(raw, S.hang_on) || (kind == MATCH_OK && !strcmp(m.canon, S.hang_on))))
		hang();
	if (kind != MATCH_OK) {
		filt_free(f, nf);
		if (config_free && exec_in_config(line, o))
			return 0;
		if (config_free)
			config_line(raw);
		else
			cli_error(kind, raw, m.err_off);
		return 0;
	}
	run_cmd(&m, line, f, nf, o);
	filt_apply(o, f, nf);
	filt_free(f, nf);
	return S.drop_on && (!strcmp(raw, S.drop_on) || !strcmp(m.canon, S.drop_on));
}

/* Run a line and show its output through the pager. */
static void run_and_show(char *line)
{
	struct ztp_buf o = ZTP_BUF_INIT;
	int drop = run_line(line, &o);

	if (o.len)
		emit(o.p, drop);
	ztp_buf_free(&o);
}

/* ---- the session: console login, then the CLI */

static void motd(void)
{
	if (!S.motd)
		return;
	for (const char *p = S.motd; *p; p++) {
		if (p[0] == '\\' && p[1] == 'n') {
			say("\n");
			p++;
		} else if (S.echo_slow_ms) {
			out_slow(p, 1);
		} else
			out(p, 1);
	}
	say("\n");
}

static void start_mode(void)
{
	int user = (S.secret || S.user_mode) && (S.fam == F_IOS || S.fam == F_EOS);

	S.mode = user ? M_USER : M_EXEC;
	S.sec[0] = 0;
	S.session[0] = 0;
}

static void set_login_pair(const char *u, const char *p);

/* --syslog-dialog: a console message lands after a question */
static void dialog_log(void)
{
	if (!S.syslog_dialog)
		return;
	if (S.fam == F_XR)
		say("RP/0/RP0/CPU0:Jun 30 12:00:00.000 UTC: envmon[187]: %PKT_INFRA-FM-3-FAULT_MAJOR : "
		    "ALARM_MAJOR :: Power Module Error :DECLARE :: 0/PM0-SP:\n");
	else if (S.fam == F_EOS)
		sayf("\nDec  6 12:00:00 %s ZeroTouch: %%ZTP-6-RETRY: Retrying Zero Touch Provisioning "
		     "from the beginning (attempt 1)\n", S.hostname);
	else if (S.fam == F_VRP)
		say("\nDec  6 2026 12:00:00 HUAWEI %%01IFNET/4/LINK_STATE(l)[0]:The line protocol IP on "
		    "the interface GigabitEthernet0/0/1 has entered the UP state.\n");
	else if (S.fam == F_JUNOS)
		return;
	else
		say("\n*Mar  1 00:00:05.123: %LINK-3-UPDOWN: Interface GigabitEthernet0/0, changed "
		    "state to up\n");
}

/* a question, a console message maybe, the answer */
static void dask(const char *q, char *a, size_t sz, int secret)
{
	say(q);
	dialog_log();
	if (read_line(a, sz, secret) == L_EOF)
		bye(0);
}

static int strong_secret(const char *p)
{
	int up = 0, lo = 0, dg = 0;

	for (const char *c = p; *c; c++) {
		up |= isupper((unsigned char)*c) != 0;
		lo |= islower((unsigned char)*c) != 0;
		dg |= isdigit((unsigned char)*c) != 0;
	}
	return strlen(p) >= 10 && up && lo && dg && !strstr(p, "cisco") && !strstr(p, "Cisco");
}

/* IOS-XE 17: the enable secret, the save menu, the encryption selection */
static void dialog17(void)
{
	char a[LINE_MAX_LEN], b[LINE_MAX_LEN];

	say("\nThe enable secret is a password used to protect access to\n"
	    "privileged EXEC and configuration modes. This password, after\n"
	    "entered, becomes encrypted in the configuration.\n"
	    "-------------------------------------------------\n"
	    "secret should be of minimum 10 characters with\n"
	    "at least 1 upper case, 1 lower case, 1 digit and\n"
	    "should not contain [cisco]\n"
	    "-------------------------------------------------\n");
	for (;;) {
		dask("\n  Enter enable secret: ", a, sizeof(a), 1);
		if (!strong_secret(a)) {
			say("\n%Password validation failed\n");
			continue;
		}
		dask("\n  Confirm enable secret: ", b, sizeof(b), 1);
		if (!strcmp(a, b))
			break;
		say("\n% Secrets do not match\n");
	}
	say("\nThe following configuration command script was created:\n\n"
	    "enable secret 9 $9$simsimsim\n!\nend\n\n\n"
	    "[0] Go to the IOS command prompt without saving this config.\n"
	    "[1] Return back to the setup without saving this config.\n"
	    "[2] Save this configuration to nvram and exit.\n\n");
	for (;;) {
		dask("Enter your selection [2]: ", b, sizeof(b), 0);
		if (!strcmp(b, "0"))
			break;
		if (!*b || !strcmp(b, "2")) {
			free(S.secret);
			S.secret = ztp_xstrdup(a);
			dask("Enter your encryption selection [2]: ", b, sizeof(b), 0);
			say("Building configuration...\n[OK]\n"
			    "Use the enabled mode 'configure' command to modify this configuration.\n");
			cfg_copy(&S.startup, &S.running);
			break;
		}
	}
}

static void initial_dialog(void)
{
	char a[LINE_MAX_LEN];

	say("\n         --- System Configuration Dialog ---\n\n");
	for (;;) {
		dask("Would you like to enter the initial configuration dialog? [yes/no]: ", a, sizeof(a), 0);
		if ((!strcmp(a, "no") || !strcmp(a, "n")) && S.dialog17)
			dialog17();
		if (!strcmp(a, "no") || !strcmp(a, "n"))
			break;
		if (!strcmp(a, "yes") || !strcmp(a, "y")) {
			say("\nAt any point you may enter a question mark '?' for help.\n"
			    "Use ctrl-c to abort configuration dialog at any prompt.\n\n");
			ask("Would you like to enter basic management setup? [yes/no]: ", a, sizeof(a));
			say("\nConfiguration aborted, no changes made.\n");
			break;
		}
		say("% Please answer 'yes' or 'no'.\n");
	}
	S.dialog = 0;
	say("\n\nPress RETURN to get started!\n\n\n");
	dialog_log();
	if (read_line(a, sizeof(a), 1) == L_EOF)
		bye(0);
}

/* IOS-XE with no startup-config: autoinstall until the first input */
static void autoinstall(void)
{
	char a[LINE_MAX_LEN];

	say("\nNo startup-config, starting autoinstall/pnp/ztp...\n\n"
	    "Autoinstall will terminate if any input is detected on console\n\n"
	    "Autoinstall trying DHCPv4 on GigabitEthernet0/0/3,GigabitEthernet0\n\n");
	if (read_line(a, sizeof(a), 0) == L_EOF)
		bye(0);
	for (;;) {
		dask("\nWould you like to terminate autoinstall? [yes]: ", a, sizeof(a), 0);
		if (!*a || yes(a))
			break;
	}
	say("\n*Mar  1 00:00:09.551: %PNP-6-PNP_DISCOVERY_STOPPED: PnP Discovery stopped (Config Wizard)\n");
	S.autoinstall = 0;
}

/* NX-OS POAP, the admin account, the basic configuration dialog */
static void poap(void)
{
	char a[LINE_MAX_LEN], b[LINE_MAX_LEN];

	for (;;) {
		dask("\nAbort Power On Auto Provisioning [yes - continue with normal setup, skip - bypass "
		     "password and basic configuration, no - continue with Power On Auto Provisioning] "
		     "(yes/skip/no)[no]: ", a, sizeof(a), 0);
		if (yes(a))
			break;
		say("\n2026 Dec  6 12:00:00 switch %POAP-2-POAP_INFO:   - Abort Power On Auto "
		    "Provisioning [yes - continue with normal setup, skip - bypass password and basic "
		    "configuration, no - continue with Power On Auto Provisioning] (yes/skip/no)[no]:\n");
	}
	say("\n         ---- System Admin Account Setup ----\n\n\n");
	dask("Do you want to enforce secure password standard (yes/no) [y]: ", a, sizeof(a), 0);
	for (;;) {
		dask("\n  Enter the password for \"admin\": ", a, sizeof(a), 1);
		dask("\n  Confirm the password for \"admin\": ", b, sizeof(b), 1);
		if (*a && !strcmp(a, b))
			break;
		say("\nPasswords do not match\n");
	}
	set_login_pair("admin", a);
	say("\n\n         ---- Basic System Configuration Dialog VDC: 1 ----\n\n");
	for (;;) {
		dask("Would you like to enter the basic configuration dialog (yes/no): ", b, sizeof(b), 0);
		if (b[0] == 'n' || b[0] == 'N')
			break;
	}
	S.poap = 0;
}

/* IOS-XR without a root-system user */
static void first_user(void)
{
	char u[LINE_MAX_LEN], a[LINE_MAX_LEN], b[LINE_MAX_LEN];

	say("\n\n!!!!!!!!!!!!!!!!!!!! NO root-system username is configured. Need to configure "
	    "root-system username. !!!!!!!!!!!!!!!!!!!!\n\n         --- Administrative User Dialog ---\n\n\n");
	do
		dask("  Enter root-system username: ", u, sizeof(u), 0);
	while (!*u);
	for (;;) {
		dask("  Enter secret: ", a, sizeof(a), 1);
		dask("  Enter secret again: ", b, sizeof(b), 1);
		if (*a && !strcmp(a, b))
			break;
		say("Passwords entered do not match.\n");
	}
	set_login_pair(u, a);
	say("\nUse the 'configure' command to modify this configuration.\n");
	S.first_user = 0;
}

/* VRP: the first console login sets a password */
static void first_login(void)
{
	char a[LINE_MAX_LEN], b[LINE_MAX_LEN];

	say("\nAn initial password is required for the first login via the console.\n");
	for (;;) {
		dask("Continue to set it? [Y/N]: ", a, sizeof(a), 0);
		if (yes(a))
			break;
	}
	say("Set a password and keep it safe. Otherwise you will not be able to login via the console.\n");
	for (;;) {
		say("Please configure the login password (8-16)\n");
		dask("Enter Password:", a, sizeof(a), 1);
		dask("Confirm Password:", b, sizeof(b), 1);
		if (strlen(a) < 8 || strlen(a) > 16)
			say("Error: The password length is invalid.\n");
		else if (strcmp(a, b))
			say("Error: The two passwords are different.\n");
		else
			break;
	}
	free(S.con_pass);
	S.con_pass = ztp_xstrdup(a);
	say("Warning: The authentication mode was changed to password authentication and the user "
	    "level was changed to 15 on con0 at the first user login.\n");
	S.first_login = 0;
}

static void auto_config(void)
{
	char a[LINE_MAX_LEN];

	dask("\nWarning: Auto-Config is working. Before configuring the device, stop Auto-Config. "
	     "If you perform configurations when Auto-Config is running, the DHCP, routing, DNS, "
	     "and VTY configurations will be lost. Do you want to stop Auto-Config? [y/n]:",
	     a, sizeof(a), 0);
	if (yes(a)) {
		say("Info: Auto-Config has been stopped.\n");
		S.auto_config = 0;
	}
}

/* JunOS factory: root without a password, in the shell */
static void amnesiac(void)
{
	char u[LINE_MAX_LEN];

	for (;;) {
		say("\nAmnesiac (ttyu0)\n\n");
		dask("login: ", u, sizeof(u), 0);
		if (!strcmp(u, "root"))
			break;
		say("Password:");
		if (read_line(u, sizeof(u), 1) == L_EOF)
			bye(0);
		say("Login incorrect\n");
	}
	say("\n--- JUNOS 21.4R3.15 Kernel 64-bit  JNPR-12.1-20230201.9b6c0e5_buil\n");
	for (;;) {
		say("root@:RE:0% ");
		if (read_line(u, sizeof(u), 0) == L_EOF)
			bye(0);
		if (!strcmp(u, "cli"))
			return;
		if (*u)
			sayf("%s: Command not found.\n", u);
	}
}

/* a terminal server's own login, before the line */
static void ts_login(void)
{
	char u[LINE_MAX_LEN], p[LINE_MAX_LEN];

	for (int i = 0; i < 3; i++) {
		say("\n\nUser Access Verification\n\nUsername: ");
		if (read_line(u, sizeof(u), 0) == L_EOF)
			bye(0);
		say("Password: ");
		if (read_line(p, sizeof(p), 1) == L_EOF)
			bye(0);
		if (!strcmp(u, S.ts_user) && !strcmp(p, S.ts_pass)) {
			say("\nts1 line 7: connected\n");
			return;
		}
		say("% Authentication failed\n");
	}
	bye(0);
}

/* What a console line says before the CLI, per platform. */
struct loginw { const char *press, *banner, *user, *pass, *fail; };
static const struct loginw loginws[] = {
	[F_IOS] = { "Press RETURN to get started.", "\nUser Access Verification\n\n", "Username: ",
		    "Password: ", "% Login invalid\n\n" },
	[F_XR] = { "Press RETURN to get started.", "\nUser Access Verification\n\n", "Username: ",
		   "Password: ", "% User Authentication failed\n\n" },
	[F_NXOS] = { NULL, "\nUser Access Verification\n", " login: ", "Password: ", "Login incorrect\n" },
	[F_EOS] = { NULL, "\n", " login: ", "Password: ", "Login incorrect\n" },
	[F_JUNOS] = { NULL, " (ttyu0)\n\n", "login: ", "Password:", "Login incorrect\n" },
	[F_VRP] = { "Press ENTER to get started.", "\nLogin authentication\n\n\n", "Username:",
		    "Password:", "Error: Local authentication is rejected.\n" },
};

/* Console: wait for RETURN, maybe the setup dialog, then the login. */
static void login(void)
{
	const struct loginw *w = &loginws[S.fam];
	char u[LINE_MAX_LEN], p[LINE_MAX_LEN];

	if (S.amnesiac && S.fam == F_JUNOS) {
		amnesiac();
		return;
	}
	for (;;) {
		if (S.autoinstall && S.fam == F_IOS)
			autoinstall();
		else if (S.poap && S.fam == F_NXOS)
			poap();
		else if (S.first_user && S.fam == F_XR)
			first_user();
		else if (S.eos_ztp && S.fam == F_EOS)
			say("\nNo startup-config was found.\n"
			    "The device is in Zero Touch Provisioning mode and is attempting to \n"
			    "download the startup-config from a remote system. The device will not \n"
			    "be fully functional until either a valid startup-config is downloaded \n"
			    "from a remote system or Zero Touch Provisioning is cancelled.\n");
		else if (w->press) {
			sayf("\n%s\n", w->press);
			if (read_line(u, sizeof(u), 1) == L_EOF)
				bye(0);
		} else if (read_line(u, sizeof(u), 1) == L_EOF)
			bye(0);
		if (S.dialog && S.fam == F_IOS)
			initial_dialog();
		if (S.first_login && S.fam == F_VRP)
			first_login();
		motd();
		if (S.con_pass) {	/* VRP password authentication on con0 */
			say("\nLogin authentication\n\n\n");
			for (int i = 0; i < 3; i++) {
				dask("Password:", p, sizeof(p), 1);
				if (!strcmp(p, S.con_pass))
					return;
				say(w->fail);
			}
			continue;
		}
		if (S.eos_ztp && S.fam == F_EOS && !S.login_user) {
			sayf("\n%s login: ", S.hostname);
			dialog_log();
			if (read_line(u, sizeof(u), 0) == L_EOF)
				bye(0);
			if (!strcmp(u, "admin"))
				return;
			say(w->fail);
			continue;
		}
		if (!S.login_user)
			return;
		if (S.fam == F_JUNOS)
			sayf("\n%s", S.hostname);
		say(w->banner);
		for (int i = 0; i < 3; i++) {
			if (*w->user == ' ')	/* "switch login: " */
				say(S.hostname);
			dask(w->user, u, sizeof(u), 0);
			dask(w->pass, p, sizeof(p), 1);
			if (!strcmp(u, S.login_user) && !strcmp(p, S.login_pass))
				return;
			say(w->fail);
		}
	}
}

/* A Cisco box that lost its boot variable: ROMMON until "boot". */
static void rommon(void)
{
	char line[LINE_MAX_LEN];

	const char *bl = S.bootloader;

	if (!bl)
		say("\nSystem Bootstrap, Version 16.12(2r), RELEASE SOFTWARE\n"
		    "Copyright (c) 1994-2019  by cisco Systems, Inc.\n\n"
		    "No valid BOOT image found\nFinal autoboot attempt from default boot device...\n"
		    "Located '' \nImage load failed\n\n");
	else if (!strcmp(bl, "switch"))
		say("\nThe system has been interrupted prior to initializing the\n"
		    "flash filesystem.  The following commands will initialize\n"
		    "the flash filesystem, and finish loading the operating system\nsoftware:\n\n"
		    "    flash_init\n    boot\n\n");
	else
		say("\n");
	for (int n = 1;; n++) {
		struct tok t[2];
		int nt;

		if (!bl)
			sayf("rommon %d > ", n);
		else
			sayf("%s%s ", bl, !strcmp(bl, "switch") ? ":" : ">");
		if (read_line(line, sizeof(line), 0) == L_EOF)
			bye(0);
		nt = tokenize(line, t, 2);
		if (nt && (!strncmp(t[0].p, "boot", t[0].n) || !strncmp(t[0].p, "reset", t[0].n)) &&
		    t[0].n >= 4) {
			say("\nLoading image...\n################################################\n"
			    "Restricted Rights Legend\n\n"
			    "              Cisco IOS Software, Version booted by ztp-sim\n\n");
			return;
		}
		if (nt && t[0].n == 7 && !strncmp(t[0].p, "confreg", 7))
			say(nt > 1 ? "\nYou must reset or power cycle for new config to take effect\n"
				   : "\n    Configuration Summary\nenabled are:\nconsole baud: 9600\n"
				     "boot: image specified by the boot system commands\n");
		else if (nt)
			sayf("monitor: command \"%.*s\" not found\n", (int)t[0].n, t[0].p);
	}
}

/* ssh HOST "show version": one command, no prompt, no pager */
static void exec_once(const char *cmd)
{
	char line[LINE_MAX_LEN];

	start_mode();
	if (S.mode == M_USER)
		S.mode = M_EXEC;
	S.page_len = 0;
	if ((size_t)snprintf(line, sizeof(line), "%s", cmd) < sizeof(line))
		run_and_show(line);
	bye(0);
}

static void session(void)
{
	char line[LINE_MAX_LEN];

	if (S.mute) {
		motd();
		hang();
	}
	if (S.ts_user)
		ts_login();
	if (S.rommon || S.bootloader)
		rommon();
	if (S.console && !S.left_open && !S.pager_open)
		login();
	if (S.console && S.auto_config && S.fam == F_VRP)
		auto_config();
	else if (!S.console)
		motd();
	start_mode();
	if (S.left_open) {	/* the last user's configuration session */
		S.mode = M_CONFIG;
		if (S.fam == F_XR || S.fam == F_JUNOS) {
			open_candidate();
			cfg_add(&S.cand, "", S.fam == F_JUNOS ? "set system location building left-open"
				: "description left-open");
		}
	}
	if (S.pager_open) {
		char sv[] = "show version";

		S.mode = M_EXEC;
		say("\n");
		prompt();
		say(sv);
		say("\n");
		run_and_show(sv);
	}
	say("\n");
	for (;;) {
		int r;

		if (S.mode == M_LOGOUT) {	/* exit on a console line */
			if (S.fam == F_IOS || S.fam == F_XR)
				sayf("\n%s con0 is now available\n\n\n\n\n", S.hostname);
			login();
			if (S.auto_config && S.fam == F_VRP)
				auto_config();
			start_mode();
			say("\n");
		}
		dump_state();	/* the state a hang-up would leave */
		ssh_state();
		prompt();
		if (*S.pending_log) {
			say(S.pending_log);
			S.pending_log[0] = 0;
		}
		r = read_line(line, sizeof(line), 0);
		if (r == L_EOF)
			bye(0);
		if (r == L_CTRL_Z && S.mode == M_CONFIG) {
			snprintf(line, sizeof(line), "%s", S.fam == F_VRP ? "return" : "end");
			if (S.fam == F_JUNOS)
				continue;
		} else if (r != L_OK)
			continue;
		run_and_show(line);
	}
}

/* ---- setup */

static void usage(void)
{
	fprintf(stderr, "usage: ztp-sim [--platform P] [--model M] [--hostname H] [--serial S]\n"
		"               [--console [--initial-dialog]] [--login USER:PASS] [--enable-secret S]\n"
		"               [--password-file F] [--user-mode] [--record FILE] [--reject RE]...\n"
		"               [--reject-commit RE]...\n"
		"               [--page N] [--slow MS] [--hang-on CMD] [--drop-on CMD] [--motd TEXT]\n"
		"               [--ansi] [--crlf] [--echo] [--fixtures DIR] [--rommon] [--exec CMD]\n"
		"               [--syslog] [--minute-ms MS] [--bootloader switch|grub|loader]\n"
		"               [--dialog17] [--autoinstall] [--poap] [--first-user] [--amnesiac]\n"
		"               [--first-login] [--auto-config] [--eos-ztp] [--ts-login USER:PASS]\n"
		"               [--syslog-dialog] [--left-open] [--pager-open] [--mute] [--echo-secrets]\n"
		"               [--echo-slow MS] [--has-keys] [--ssh-state FILE]\n"
		"               [--replace OLD=NEW]\n");
	bye(2);
}

static void set_login_pair(const char *u, const char *p)
{
	free(S.login_user);
	free(S.login_pass);
	S.login_user = ztp_xstrdup(u);
	S.login_pass = ztp_xstrdup(p);
}

static void set_login(const char *up)
{
	const char *colon = strchr(up, ':');

	if (!colon || colon == up) {
		fprintf(stderr, "ztp-sim: bad login '%s': want USER:PASS\n", ztp_esc(up));
		bye(2);
	}
	free(S.login_user);
	free(S.login_pass);
	S.login_user = ztp_xstrdup(up);
	S.login_user[colon - up] = 0;
	S.login_pass = ztp_xstrdup(colon + 1);
}

static void read_password_file(const char *path)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	struct ztp_err e;

	if (ztp_buf_read_file(&b, path, 65536, &e) < 0) {
		fprintf(stderr, "ztp-sim: cannot read '%s': %s\n", path, strerror(errno));
		bye(2);
	}
	for (char *l = b.p, *nl; l && *l; l = nl ? nl + 1 : NULL) {
		if ((nl = strchr(l, '\n')))
			*nl = 0;
		if (*l && l[strlen(l) - 1] == '\r')
			l[strlen(l) - 1] = 0;
		if (ztp_startswith(l, "login "))
			set_login(l + 6);
		else if (ztp_startswith(l, "enable ")) {
			free(S.secret);
			S.secret = ztp_xstrdup(l + 7);
		}
	}
	ztp_buf_free(&b);
}

/* tests/fixtures/sim, looked for upwards from the binary */
static void find_fixtures(void)
{
	char exe[PATH_MAX], try[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return;
	exe[n] = 0;
	for (int i = 0; i < 6; i++) {
		char *sl = strrchr(exe, '/');

		if (!sl || sl == exe)
			return;
		*sl = 0;
		if ((size_t)snprintf(try, sizeof(try), "%s/tests/fixtures/sim/README", exe) < sizeof(try) &&
		    access(try, R_OK) == 0) {
			if ((size_t)snprintf(S.fixtures, sizeof(S.fixtures), "%s/tests/fixtures/sim", exe) >=
			    sizeof(S.fixtures))
				S.fixtures[0] = 0;
			return;
		}
	}
}

static int num_opt(const char *s, long long max)
{
	long long v;

	if (ztp_parse_ll(s, 0, max, &v) < 0) {
		fprintf(stderr, "ztp-sim: bad number '%s'\n", ztp_esc(s));
		bye(2);
	}
	return (int)v;
}

static void raw_tty(void)
{
	struct termios t;

	if (tcgetattr(0, &tio_saved) < 0)
		return;
	t = tio_saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	t.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR | IXON);
	t.c_oflag &= ~(tcflag_t)OPOST;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(0, TCSANOW, &t) == 0)
		tio_set = 1;
}

static void on_signal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* --dump: the configurations as they are, replaced in one rename (a
 * hang-up may kill the sim at any point) */
static void dump_state(void)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	char tmp[PATH_MAX];
	int fd;

	if (!S.dump_path || !S.running.v ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", S.dump_path) >= (int)sizeof(tmp))
		return;
	ztp_buf_adds(&b, "=== running\n");
	show_config(&S.running, 0, &b);
	ztp_buf_adds(&b, "=== startup\n");
	show_config(&S.startup, 1, &b);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ztp_write_all(fd, b.p, b.len) < 0 || rename(tmp, S.dump_path) < 0)
		fprintf(stderr, "ztp-sim: cannot write '%s': %s\n", S.dump_path, strerror(errno));
	if (fd >= 0)
		close(fd);
	ztp_buf_free(&b);
}

/* a local user of the running configuration: its name into u */
static int local_user(const struct cfgline *l, char *u, size_t n)
{
	const char *w = S.fam == F_VRP ? "local-user " : S.fam == F_JUNOS ? "set system login user "
		: "username ";

	if (!ztp_startswith(l->text, w) ||
	    (S.fam == F_VRP ? strcmp(l->sec, "aaa") != 0 : S.fam != F_JUNOS && *l->sec))
		return 0;
	snprintf(u, n, "%.*s", (int)strcspn(l->text + strlen(w), " "), l->text + strlen(w));
	return *u != 0;
}

static int running_has(const char *sec, const char *prefix)
{
	for (size_t i = 0; i < S.running.n; i++)
		if ((S.fam == F_JUNOS || !strcmp(S.running.v[i].sec, sec)) &&
		    ztp_startswith(S.running.v[i].text, prefix))
			return 1;
	return 0;
}

/* --ssh-state: "ready" and the local users while the device serves SSH */
static void ssh_state(void)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	char tmp[PATH_MAX], u[LINE_MAX_LEN];
	int ready, fd, users = 0;

	if (!S.ssh_state || snprintf(tmp, sizeof(tmp), "%s.tmp", S.ssh_state) >= (int)sizeof(tmp))
		return;
	ready = S.fam == F_JUNOS ? running_has("", "set system services ssh") :
		S.fam == F_VRP ? S.keys && running_has("", "stelnet server enable") :
		S.fam == F_EOS ? 1 : S.keys > 0;
	ztp_buf_adds(&b, "ready\n");
	for (size_t i = 0; i < S.running.n; i++)
		if (local_user(&S.running.v[i], u, sizeof(u))) {
			addf(&b, "user %s\n", u);
			users++;
		}
	if (!ready || !users) {
		if (unlink(S.ssh_state) < 0 && errno != ENOENT)
			fprintf(stderr, "ztp-sim: cannot remove '%s': %s\n", S.ssh_state, strerror(errno));
		ztp_buf_free(&b);
		return;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || ztp_write_all(fd, b.p, b.len) < 0 || rename(tmp, S.ssh_state) < 0)
		fprintf(stderr, "ztp-sim: cannot write '%s': %s\n", S.ssh_state, strerror(errno));
	if (fd >= 0)
		close(fd);
	ztp_buf_free(&b);
}

/* a --reject/--reject-commit pattern, at most MAX_REJECT of each */
static void add_regex(regex_t *v, int *n, const char *re, const char *opt)
{
	if (*n == MAX_REJECT || regcomp(&v[*n], re, REG_EXTENDED | REG_NOSUB)) {
		fprintf(stderr, "ztp-sim: bad or too many %s '%s'\n", opt, ztp_esc(re));
		bye(2);
	}
	(*n)++;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "amnesiac", no_argument, NULL, 'j' },
		{ "ansi", no_argument, NULL, 'A' },
		{ "auto-config", no_argument, NULL, 'a' },
		{ "autoinstall", no_argument, NULL, 'i' },
		{ "bootloader", required_argument, NULL, 'B' },
		{ "dialog17", no_argument, NULL, '7' },
		{ "echo-secrets", no_argument, NULL, 'k' },
		{ "echo-slow", required_argument, NULL, 'w' },
		{ "has-keys", no_argument, NULL, 'Y' },
		{ "ssh-state", required_argument, NULL, 'Z' },
		{ "eos-ztp", no_argument, NULL, 'z' },
		{ "first-login", no_argument, NULL, 'g' },
		{ "first-user", no_argument, NULL, 'U' },
		{ "left-open", no_argument, NULL, 'o' },
		{ "mute", no_argument, NULL, 'q' },
		{ "pager-open", no_argument, NULL, 'Q' },
		{ "poap", no_argument, NULL, 'X' },
		{ "syslog-dialog", no_argument, NULL, 'y' },
		{ "ts-login", required_argument, NULL, 't' },
		{ "console", no_argument, NULL, 'C' },
		{ "crlf", no_argument, NULL, 'c' },
		{ "drop-on", required_argument, NULL, 'D' },
		{ "exec", required_argument, NULL, 'x' },
		{ "echo", no_argument, NULL, 'E' },
		{ "enable-secret", required_argument, NULL, 'e' },
		{ "fixtures", required_argument, NULL, 'F' },
		{ "hang-on", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "hostname", required_argument, NULL, 'n' },
		{ "initial-dialog", no_argument, NULL, 'I' },
		{ "login", required_argument, NULL, 'l' },
		{ "minute-ms", required_argument, NULL, 'T' },
		{ "model", required_argument, NULL, 'm' },
		{ "motd", required_argument, NULL, 'M' },
		{ "page", required_argument, NULL, 'P' },
		{ "pager-locked", no_argument, NULL, 'G' },
		{ "password-file", required_argument, NULL, 'f' },
		{ "platform", required_argument, NULL, 'p' },
		{ "record", required_argument, NULL, 'r' },
		{ "reject", required_argument, NULL, 'R' },
		{ "replace", required_argument, NULL, 'V' },
		{ "dump", required_argument, NULL, 'W' },
		{ "reject-commit", required_argument, NULL, 'K' },
		{ "rommon", no_argument, NULL, 'O' },
		{ "serial", required_argument, NULL, 's' },
		{ "slow", required_argument, NULL, 'S' },
		{ "chop", required_argument, NULL, '3' },
		{ "syslog", no_argument, NULL, 'L' },
		{ "user-mode", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char *platform = "cisco_ios", *model = NULL, *hostname = NULL, *exec_cmd = NULL;
	int c;

	S.record_fd = -1;
	S.page_len = 24;
	S.minute_ms = 60000;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'j': S.amnesiac = 1; break;
		case 'A': S.ansi = 1; break;
		case 'a': S.auto_config = 1; break;
		case 'i': S.autoinstall = 1; break;
		case 'B':
			if (strcmp(optarg, "switch") && strcmp(optarg, "grub") && strcmp(optarg, "loader"))
				usage();
			S.bootloader = optarg;
			break;
		case '7': S.dialog17 = S.dialog = 1; break;
		case 'k': S.echo_secrets = 1; break;
		case 'w': S.echo_slow_ms = num_opt(optarg, 10000); break;
		case 'Y': S.keys = 2048; break;
		case 'Z': S.ssh_state = optarg; break;
		case 'z': S.eos_ztp = 1; break;
		case 'g': S.first_login = 1; break;
		case 'U': S.first_user = 1; break;
		case 'o': S.left_open = 1; break;
		case 'q': S.mute = 1; break;
		case 'Q': S.pager_open = 1; break;
		case 'X': S.poap = 1; break;
		case 'y': S.syslog_dialog = 1; break;
		case 't': {
			const char *c2 = strchr(optarg, ':');

			if (!c2 || c2 == optarg)
				usage();
			S.ts_user = ztp_xstrdup(optarg);
			S.ts_user[c2 - optarg] = 0;
			S.ts_pass = ztp_xstrdup(c2 + 1);
			break;
		}
		case 'C': S.console = 1; break;
		case 'c': S.crlf = 1; break;
		case 'D': S.drop_on = optarg; break;
		case 'E': S.echo = 1; break;
		case 'e': free(S.secret); S.secret = ztp_xstrdup(optarg); break;
		case 'F': snprintf(S.fixtures, sizeof(S.fixtures), "%s", optarg); break;
		case 'H': S.hang_on = optarg; break;
		case 'I': S.dialog = 1; break;
		case 'l': set_login(optarg); break;
		case 'm': model = optarg; break;
		case 'T': S.minute_ms = num_opt(optarg, 3600000); break;
		case 'M': S.motd = optarg; break;
		case 'n': hostname = optarg; break;
		case 'V': {
			const char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg || S.nrepl == 4) {
				fprintf(stderr, "ztp-sim: bad or too many --replace '%s': OLD=NEW\n", ztp_esc(optarg));
				bye(2);
			}
			S.repl[S.nrepl][0] = strndup(optarg, (size_t)(eq - optarg));
			S.repl[S.nrepl++][1] = eq + 1;
			break;
		}
		case 'P': S.page_len = num_opt(optarg, 1000); break;
		case 'G': S.pager_locked = 1; break;
		case 'f': read_password_file(optarg); break;
		case 'p': platform = optarg; break;
		case 'r': S.record_path = optarg; break;
		case 'W': S.dump_path = optarg; break;
		case 'R': add_regex(S.reject, &S.nreject, optarg, "--reject"); break;
		case 'K': add_regex(S.reject_commit, &S.nreject_commit, optarg, "--reject-commit"); break;
		case 's': S.serial = optarg; break;
		case 'S': S.slow_ms = num_opt(optarg, 60000); break;
		case '3':
			S.chop = num_opt(optarg, 4096);
			S.chop_seed = (unsigned)getpid();
			break;
		case 'u': S.user_mode = 1; break;
		case 'L': S.syslog = 1; break;
		case 'O': S.rommon = 1; break;
		case 'x': exec_cmd = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		if (!strcmp(platforms[i].name, platform))
			S.pf = &platforms[i];
	if (!S.pf) {
		fprintf(stderr, "ztp-sim: unknown platform '%s'\n", ztp_esc(platform));
		bye(2);
	}
	S.fam = S.pf->fam;
	model = model ? model : S.pf->model;
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (!strcmp(models[i].name, model) && !strcmp(models[i].platform, S.pf->name))
			S.md = &models[i];
	if (!S.md) {
		fprintf(stderr, "ztp-sim: no model '%s' for %s\n", ztp_esc(model), S.pf->name);
		bye(2);
	}
	if (!*S.fixtures)
		find_fixtures();
	if (!*S.fixtures) {
		fprintf(stderr, "ztp-sim: cannot find tests/fixtures/sim: use --fixtures DIR\n");
		bye(1);
	}
	if (S.record_path &&
	    (S.record_fd = open(S.record_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0) {
		fprintf(stderr, "ztp-sim: cannot open '%s': %s\n", S.record_path, strerror(errno));
		bye(1);
	}
	snprintf(S.hostname, sizeof(S.hostname), "%s", hostname ? hostname : S.pf->hostname);
	base_config(&S.running, S.hostname);
	cfg_copy(&S.startup, &S.running);
	push_history();
	if (isatty(0)) {
		S.echo = S.crlf = 1;
		raw_tty();
		signal(SIGHUP, on_signal);
		signal(SIGTERM, on_signal);
	}
	if (!exec_cmd && !S.console && getenv("SSH_ORIGINAL_COMMAND"))
		exec_cmd = getenv("SSH_ORIGINAL_COMMAND");
	if (exec_cmd && *exec_cmd)
		exec_once(exec_cmd);
	session();
	bye(0);
}
