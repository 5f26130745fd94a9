/* conline.h: console lines on the racks' terminal servers.
 *
 * Configuration: racks.<rack>.terminal_server in ztp.yml says how the
 * rack's lines are reached (host, transport telnet/raw/ssh, the port of line
 * N as port_base + N * port_step or a Cisco preset, the BREAK way, the
 * terminal server's own login).  A line is named "rack1:7"; "host:port"
 * names a line no rack declares; a record file names its line in its
 * "console" field.
 *
 * A line opened here is a struct ztp_cli_transport (cli.h) for the console
 * dialog engine, plus BREAK and window size.  The terminal server telling
 * us the line is busy ("Port already in use", "Connection refused by
 * remote host", "is being used by") is ZTP_ERR_BUSY with its words and the
 * known fix.
 *
 * Sharing: one writer per line, by a lock file per line in $SPOOL/lock/
 * console/ (flock on a regular file opened read-write, so NFSv4 works too)
 * that says who holds it.  Every tool that writes to a line takes it.
 *
 * Logs: $SPOOL/log/console/<line>.log, one line of device output per log
 * line with a UTC timestamp, escaped (no raw control bytes), events as
 * "[-- ... --]" lines, rotated by size to <line>-YYYYMMDD-HHMMSS.log.  Only
 * what the device sends is logged, never what is typed (so passwords typed
 * at prompts that do not echo never reach it). */
#ifndef ZTP_CONLINE_H
#define ZTP_CONLINE_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "cli.h"
#include "conf.h"
#include "err.h"
#include "val.h"

enum ztp_conline_transport { ZTP_CL_TELNET, ZTP_CL_RAW, ZTP_CL_SSH };
enum ztp_conline_break { ZTP_CL_BRK_IAC, ZTP_CL_BRK_RFC2217, ZTP_CL_BRK_INBAND };

/* a line, resolved */
struct ztp_conline_target {
	char name[192];		/* "rack1:7", "host:port": lock and log name */
	char rack[64];		/* "" for host:port */
	long line;		/* line number, -1 for host:port */
	char host[256];
	int port;
	enum ztp_conline_transport transport;
	int binary, rfc2217;
	enum ztp_conline_break brk;
	char brkseq[32];	/* in-band BREAK bytes */
	size_t brklen;
	char user[128];		/* terminal server login, or "" */
	char credential[64];	/* its name in the secrets file, or "" */
	char ssh_user[128];	/* ssh: the user that picks the line, or "" */
	char conserver[256];	/* host:port of a conserver master, or "" */
	double timeout;		/* connect and each wait, seconds */
};

struct ztp_conline_conf;

/* The terminal servers of every rack in c.  Errors name file, line, key. */
int ztp_conline_conf_load(struct ztp_conline_conf **cc, const struct ztp_conf *c,
			  struct ztp_err *e);
void ztp_conline_conf_free(struct ztp_conline_conf *cc);
/* the effective racks.*.terminal_server, as YAML (for -T) */
int ztp_conline_conf_dump(const struct ztp_conline_conf *cc, struct ztp_buf *b);

/* operand -> line: "rack:N" of a rack with a terminal server, a record file
 * (its "console" field), else "host:port" (telnet, 10 s).  ZTP_ERR_USAGE
 * for an operand that is none of these. */
int ztp_conline_resolve(const struct ztp_conline_conf *cc, const char *operand,
			struct ztp_conline_target *t, struct ztp_err *e);

/* a record's line: its "console" field ("rack:N" or "host:port");
 * ZTP_ERR_USAGE naming the record (its id, else source) without one */
int ztp_conline_resolve_record(const struct ztp_conline_conf *cc, const struct ztp_val *rec,
			       const char *source, struct ztp_conline_target *t,
			       struct ztp_err *e);

/* "\x1bB", "~b", "\r~\x02": C-like escapes (\xNN \e \r \n \\ \0) into
 * out; the length, or -1 when malformed or longer than outsz. */
long ztp_conline_unescape(const char *s, char *out, size_t outsz);

/* ---- an open line */

struct ztp_conline;

/* Connect within the target's timeout.  ZTP_ERR_TIMEOUT, ZTP_ERR_SYS
 * (refused, unreachable: the message names host and port), ZTP_ERR_USAGE
 * (ssh without the settings: see ztp_conline_open_with). */
int ztp_conline_open(struct ztp_conline **c, const struct ztp_conline_target *t,
		     struct ztp_err *e);
/* The same for every transport; ssh (which needs the SSH layer's settings)
 * takes them from conf (its ssh: sections, ssh_config) and the credential
 * sets from secrets (NULL: keys and agent only), the user from ssh_user
 * ("admin:port7" picks the line) or user, the port of the line.  An SSH
 * failure keeps the SSH layer's words and kind ("refused", "auth" ...):
 * ZTP_ERR_SYS/TIMEOUT to retry, ZTP_ERR_CONFIG for settings to change.
 * ztp_conline_open is this with conf NULL (ssh: ZTP_ERR_USAGE). */
int ztp_conline_open_with(struct ztp_conline **c, const struct ztp_conline_target *t,
			 const struct ztp_conf *conf, const struct ztp_val *secrets,
			 struct ztp_err *e);
/* ssh: the SSH settings of the line's console server, `ssh -G` style
 * (ztp_sshset_print), for -T */
int ztp_conline_ssh_print(const struct ztp_conline_target *t, const struct ztp_conf *conf,
			  int verbose, struct ztp_buf *b, struct ztp_err *e);
int ztp_conline_fd(const struct ztp_conline *c);	/* for poll(2) */
/* The device's bytes.  >0 bytes; 0 nothing before the deadline (ztp_os_
 * monotonic seconds); -1: ZTP_ERR_PROTO the line closed (the message
 * has the last line seen), ZTP_ERR_BUSY the terminal server says the line
 * is busy. */
ssize_t ztp_conline_read(struct ztp_conline *c, char *p, size_t n, double deadline,
			 struct ztp_err *e);
int ztp_conline_write(struct ztp_conline *c, const char *p, size_t n, double deadline,
		      struct ztp_err *e);
/* BREAK the configured way (RFC 2217: on, 250 ms, off). */
int ztp_conline_break(struct ztp_conline *c, struct ztp_err *e);
int ztp_conline_winsize(struct ztp_conline *c, unsigned cols, unsigned rows,
			struct ztp_err *e);
/* The last (clean, at most 160 bytes) line of output seen, for messages */
const char *ztp_conline_last_line(const struct ztp_conline *c);
/* hand the line over as a transport: close() closes it */
void ztp_conline_transport(struct ztp_conline *c, struct ztp_cli_transport *t);
void ztp_conline_close(struct ztp_conline *c);	/* NULL is fine */

/* Ask the conserver master of t (conserver: host:port) which of its
 * consoles is the line (a remote port at t's host and port), by running
 * conserver's client "console -M host -p port -i" (5 s at most): 1 and
 * who ("conserver (its console dev1, master h:p; attached: read-write
 * root@localhost)") when conserver holds it, 0 when not, -1 on errors. */
int ztp_conline_conserver(const struct ztp_conline_target *t, char *who, size_t n,
			  struct ztp_err *e);

/* ---- the per-line lock */

struct ztp_conline_lock;

/* Take the line for tool.  Held: ZTP_ERR_BUSY "line rack1:7 is in use by
 * ztp-push (pid 1234, host gw1) since 10:02"; with force, the holder (on
 * this host) is sent SIGTERM and the lock waited for up to 5 s, and when
 * it does not come the line is taken anyway (*forced_from says from whom,
 * at most fsz bytes).  spool NULL: ZTP_ERR_CONFIG. */
int ztp_conline_lock(struct ztp_conline_lock **l, const char *spool, const char *line,
		     const char *tool, int force, char *forced_from, size_t fsz,
		     struct ztp_err *e);
void ztp_conline_unlock(struct ztp_conline_lock *l);	/* NULL is fine */
/* Who holds the line ("ztp-push (pid 1234, host gw1) since 10:02"); 0
 * when held, 1 when free, -1 on errors. */
int ztp_conline_holder(const char *spool, const char *line, char *who, size_t n,
		       struct ztp_err *e);

/* ---- the per-line log */

struct ztp_conlog;

/* max: rotate past this many bytes (0: 4 MiB). */
int ztp_conlog_open(struct ztp_conlog **l, const char *spool, const char *line,
		    size_t max, struct ztp_err *e);
void ztp_conlog_data(struct ztp_conlog *l, const char *p, size_t n);	/* device output */
void ztp_conlog_event(struct ztp_conlog *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *ztp_conlog_path(const struct ztp_conlog *l);
void ztp_conlog_close(struct ztp_conlog *l);	/* NULL is fine */
/* The last nlines lines of a line's log into out. */
int ztp_conlog_tail(const char *path, int nlines, struct ztp_buf *out, struct ztp_err *e);
/* The log's path for line: $spool/log/console/<line>.log */
int ztp_conlog_pathname(const char *spool, const char *line, char *out, size_t n);

/* The keys of racks.<name>.terminal_server. */
extern const struct ztp_conf_schema ztp_ts_schema;

#endif
