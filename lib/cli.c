/* cli.c: interactive CLI sessions (see cli.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "facts.h"
#include "os.h"
#include "str.h"
#include "val.h"

#define PROMPT_MAX 80
#define QUIET 0.25		/* seconds of silence after a prompt-looking line */
#define RENAMED_QUIET 0.5	/* seconds of silence before a new prompt is adopted */
#define CONFIRM_WAIT 10.0	/* the longest wait for the answer to the first newline */
#define BARE_WAIT 1.0		/* silence after a prompt that is all a command got */
#define BANNER_MAX ((size_t)64 << 10)

/* ---- the pure parts */

static int is_term(char ch)
{
	return ch == '#' || ch == '>' || ch == '$' || ch == '%' || ch == ']';
}

/* pager prompts, as devices print them (leading/trailing blanks aside) */
static const char *const pagers[] = {
	"--More--", "---- More ----", "---(more)---", "-- More --", NULL
};

/* length of a pager prompt starting at p (n bytes left), 0 when none */
static size_t pager_len(const char *p, size_t n)
{
	size_t i, l;

	for (i = 0; pagers[i]; i++) {
		l = strlen(pagers[i]);
		if (n >= l && memcmp(p, pagers[i], l) == 0)
			return l;
	}
	/* "---(more 42%)---" */
	if (n >= 9 && memcmp(p, "---(more ", 9) == 0) {
		for (l = 9; l < n && l < 16 && p[l] >= '0' && p[l] <= '9'; l++)
			;
		if (l + 5 <= n && memcmp(p + l, "%)---", 5) == 0)
			return l + 5;
	}
	return 0;
}

size_t ztp_cli_clean(const char *in, size_t n, char *out)
{
	size_t len = 0, ls = 0, col = 0, i, j, k;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];

		if (ch == '\n') {
			while (len > ls && out[len - 1] == ' ')
				len--;
			out[len++] = '\n';
			ls = len;
			col = 0;
		} else if (ch == '\r') {
			col = 0;
		} else if (ch == '\b') {
			if (col > 0)
				col--;
		} else if (ch == 0x1b) {
			if (i + 1 < n && in[i + 1] == '[') {
				unsigned long arg = 0;
				int has = 0;

				for (j = i + 2; j < n && j < i + 32; j++) {
					unsigned char f = (unsigned char)in[j];

					if (f >= '0' && f <= '9') {
						if (arg < 100000)
							arg = arg * 10 + (f - '0');
						has = 1;
					} else if (f == ';') {
						arg = 0;
						has = 0;
					} else if (f >= 0x40 && f <= 0x7e) {
						break;
					} else if (f != '?' && f != ' ') {
						break;
					}
				}
				if (j >= n) {
					i = n;	/* cut off: drop it */
					continue;
				}
				if (j >= i + 32) {
					i++;	/* not a sequence: drop ESC [ */
					continue;
				}
				if (!has)
					arg = 1;
				if (in[j] == 'D')
					col = arg > col ? 0 : col - arg;
				else if (in[j] == 'C')
					col = col + arg > len - ls ? len - ls : col + arg;
				else if (in[j] == 'K' && (!has || arg == 0 || arg == 1))
					len = ls + col < len ? ls + col : len;
				i = j;
			} else if (i + 1 < n && in[i + 1] == ']') {
				/* OSC: up to BEL or ESC \ */
				for (j = i + 2; j < n && in[j] != '\a' && in[j] != 0x1b; j++)
					;
				i = j < n && in[j] == 0x1b && j + 1 < n ? j + 1 : j;
			} else if (i + 1 < n) {
				i++;	/* ESC X */
			}
		} else if (ch < 0x20 && ch != '\t') {
			continue;
		} else if (ch == 0x7f) {
			continue;
		} else {
			if (ls + col < len)
				out[ls + col] = (char)ch;
			else
				out[len++] = (char)ch;
			col++;
		}
	}
	while (len > ls && out[len - 1] == ' ')
		len--;
	/* pager prompts left standing (not erased by the device) */
	for (i = 0, k = 0; i < len;) {
		size_t pl = out[i] == '-' ? pager_len(out + i, len - i) : 0;

		if (pl) {
			i += pl;
			continue;
		}
		out[k++] = out[i++];
	}
	len = k;
	out[len] = 0;
	return len;
}

/* the last line: start offset and its length without trailing blanks */
static void last_line(const char *text, size_t n, size_t *start, size_t *len)
{
	size_t s = n;

	while (s > 0 && text[s - 1] != '\n')
		s--;
	while (n > s && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	*start = s;
	*len = n - s;
}

long ztp_cli_pager_at_end(const char *text, size_t n)
{
	size_t i;

	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	for (i = n > 24 ? n - 24 : 0; i < n; i++)
		if (text[i] == '-' && pager_len(text + i, n - i) == n - i)
			return (long)i;
	return -1;
}

int ztp_cli_looks_like_prompt(const char *text, size_t n)
{
	size_t s, l, i;

	last_line(text, n, &s, &l);
	if (l == 0 || l > PROMPT_MAX || !is_term(text[s + l - 1]))
		return 0;
	for (i = s; i < s + l; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return 0;
	if (ztp_cli_pager_at_end(text + s, l) >= 0)
		return 0;
	/* "Password:" and friends are not prompts; neither is a sentence */
	for (i = s; i < s + l; i++)
		if (text[i] == ' ' && i + 1 < s + l)
			return 0;
	return 1;
}

int ztp_cli_prompt_base(const char *prompt, size_t n, char *base, size_t bsz)
{
	size_t s = 0, e, i;

	while (n > 0 && (prompt[n - 1] == ' ' || prompt[n - 1] == '\t'))
		n--;
	if (n < 2 || n > PROMPT_MAX || !is_term(prompt[n - 1]))
		return -1;
	e = n - 1;
	if (prompt[0] == '<' || prompt[0] == '[')
		s = 1;
	for (i = s; i < e; i++)
		if (prompt[i] == '(' || prompt[i] == ' ' || (unsigned char)prompt[i] < 0x20)
			break;
	e = i;
	/* VRP system view "[HUAWEI-GigabitEthernet0/0/1]" has the hostname
	 * first too; the base is the user view's */
	if (e <= s || e - s >= bsz)
		return -1;
	memcpy(base, prompt + s, e - s);
	base[e - s] = 0;
	return 0;
}

int ztp_cli_prompt_match(const char *base, const char *line, size_t n)
{
	size_t bl = strlen(base), s = 0, i;

	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (n == 0 || n > PROMPT_MAX || !is_term(line[n - 1]))
		return 0;
	if (line[0] == '<' || line[0] == '[')
		s = 1;
	if (bl == 0 || n < s + bl + 1 || memcmp(line + s, base, bl) != 0)
		return 0;
	for (i = s + bl; i < n; i++)
		if (line[i] == ' ' || (unsigned char)line[i] < 0x20)
			return 0;
	return 1;
}

static const char *const errors[] = {
	"% Invalid", "% Incomplete", "% Ambiguous", "% Unknown command",
	"% Unrecognized", "% Bad ", "% Error", "% Permission denied",
	"% This command is not authorized", "syntax error", "unknown command",
	"Error: Unrecognized command", "Error:Unrecognized command",
	"Error: Incomplete command", "Error:Incomplete command",
	"Error: Wrong parameter", "Error:Wrong parameter",
	"Error: Too many parameters", "Error:Too many parameters",
	"Error: Ambiguous command", "Error:Ambiguous command",
	"Invalid input", "invalid command", "% Failed", "error: ", NULL
};

int ztp_cli_error_line(const char *platform, const char *out, size_t n,
		       char *line, size_t lsz)
{
	size_t i = 0, j, k, l;

	(void)platform;	/* the forms do not collide across platforms */
	while (i < n) {
		for (j = i; j < n && out[j] != '\n'; j++)
			;
		for (k = i; k < j && (out[k] == ' ' || out[k] == '\t'); k++)
			;
		for (l = 0; errors[l]; l++) {
			size_t el = strlen(errors[l]);

			if (j - k >= el && memcmp(out + k, errors[l], el) == 0) {
				size_t m = j - k < lsz - 1 ? j - k : lsz - 1;

				if (lsz) {
					memcpy(line, out + k, m);
					line[m] = 0;
				}
				return 1;
			}
		}
		i = j + 1;
	}
	return 0;
}

/* ---- the SSH transport */

struct sshtr {
	ssh_session s;
	ssh_channel ch;
};

static ssize_t ssh_rd(void *ctx, char *p, size_t n, double deadline, struct ztp_err *e)
{
	struct sshtr *t = ctx;

	if (n > 65536)
		n = 65536;
	for (;;) {
		double left = deadline - ztp_os_monotonic();
		int ms = left <= 0 ? 0 : left > 0.2 ? 200 : (int)(left * 1000) + 1;
		int got = ssh_channel_read_timeout(t->ch, p, (uint32_t)n, 0, ms);

		if (got == SSH_ERROR)
			return ztp_err_set(e, ZTP_ERR_PROTO, "connection lost: %s",
					   ssh_get_error(t->s)), -1;
		if (got > 0)
			return got;
		if (ssh_channel_is_eof(t->ch) || ssh_channel_is_closed(t->ch))
			return ztp_err_set(e, ZTP_ERR_PROTO, "the device closed the session"), -1;
		if (left <= 0)
			return 0;
	}
}

static int ssh_wr(void *ctx, const char *p, size_t n, double deadline, struct ztp_err *e)
{
	struct sshtr *t = ctx;

	(void)deadline;
	while (n > 0) {
		int w = ssh_channel_write(t->ch, p, (uint32_t)(n > 32768 ? 32768 : n));

		if (w == SSH_ERROR || w < 0)
			return ztp_err_set(e, ZTP_ERR_PROTO, "cannot write to the device: %s",
					   ssh_get_error(t->s));
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void ssh_cl(void *ctx)
{
	struct sshtr *t = ctx;

	if (t == NULL)
		return;
	if (t->ch) {
		ssh_channel_close(t->ch);
		ssh_channel_free(t->ch);
	}
	free(t);
}

int ztp_cli_ssh_transport(struct ztp_cli_transport *t, ssh_session s, struct ztp_err *e)
{
	struct sshtr *x = ztp_xcalloc(1, sizeof *x);

	x->s = s;
	x->ch = ssh_channel_new(s);
	if (x->ch == NULL || ssh_channel_open_session(x->ch) != SSH_OK ||
	    ssh_channel_request_pty_size(x->ch, "vt100", 511, 24) != SSH_OK ||
	    ssh_channel_request_shell(x->ch) != SSH_OK) {
		ztp_err_set(e, ZTP_ERR_PROTO, "cannot open a shell on the device: %s",
			    ssh_get_error(s));
		ssh_cl(x);
		return e ? e->code : ZTP_ERR_PROTO;
	}
	t->ctx = x;
	t->read = ssh_rd;
	t->write = ssh_wr;
	t->close = ssh_cl;
	return 0;
}

/* ---- sessions */

enum fam { FAM_UNKNOWN, FAM_CISCO, FAM_JUNOS, FAM_VRP };

struct ztp_cli {
	struct ztp_cli_transport t;
	struct ztp_cli_opts o;
	char platform[32];
	int have_platform;
	enum fam fam;
	char prompt[PROMPT_MAX + 1];
	char base[PROMPT_MAX + 1];
	struct ztp_buf banner;
	struct ztp_buf raw;
	int paging_off;
	int nomore;		/* JunOS: append | no-more */
	char *cached_cmd;	/* detection's show version, given to the first run */
	const struct ztp_cli_answer *answers;	/* questions of the running command */
	struct ztp_buf cached;
};

static void logio(struct ztp_cli *c, enum ztp_cli_dir d, const char *p, size_t n)
{
	if (c->o.log && n)
		c->o.log(c->o.log_ctx, d, p, n);
}

static int send_line(struct ztp_cli *c, const char *s, int secret, double deadline,
		     struct ztp_err *e)
{
	struct ztp_buf b = ZTP_BUF_INIT;
	int rc;

	ztp_buf_adds(&b, s);
	ztp_buf_addc(&b, '\n');
	if (secret)
		logio(c, ZTP_CLI_OUT, "<redacted>\n", 11);
	else
		logio(c, ZTP_CLI_OUT, b.p, b.len);
	rc = c->t.write(c->t.ctx, b.p, b.len, deadline, e);
	ztp_buf_free(&b);
	return rc < 0 ? -1 : 0;
}

/* where the last line of raw starts (after its last LF) */
static size_t last_line_start(const struct ztp_buf *raw)
{
	size_t s = raw->len;

	while (s > 0 && raw->p[s - 1] != '\n')
		s--;
	return s;
}

/* the clean last line of raw into line */
static size_t raw_last_line(const struct ztp_buf *raw, char *line, size_t lsz, int *has_nl)
{
	size_t s = last_line_start(raw), n;

	*has_nl = s > 0;
	n = raw->len - s;
	if (n >= lsz)
		return lsz;	/* too long for a prompt */
	return ztp_cli_clean(raw->p + s, n, line);
}

/* The clean line of raw that starts at start, once its newline has come:
 * what looked like a prompt when a read ended may have been the first
 * bytes of it only ("r1;$(x$" of "r1;$(x$y)#"), so the prompt is the line as
 * it stands when the device has gone on to the next one.  1 with it in
 * line (llen bytes); 0 while the line is not over or is too long. */
static int whole_line_at(const struct ztp_buf *raw, size_t start, char *line, size_t lsz,
			 size_t *llen)
{
	const char *nl = memchr(raw->p + start, '\n', raw->len - start);
	size_t n;

	if (nl == NULL)
		return 0;
	n = (size_t)(nl - (raw->p + start));
	if (n > 0 && raw->p[start + n - 1] == '\r')
		n--;
	if (n >= lsz)
		return 0;
	*llen = ztp_cli_clean(raw->p + start, n, line);
	return 1;
}

/* raw ends the way a question ends when it is over: "...]? " and ": " with
 * their blank (IOS), "[confirm]"; other endings wait for a quiet */
static int question_whole(const struct ztp_buf *raw)
{
	const char *p = raw->p;
	size_t n = raw->len;

	return (n >= 2 && (memcmp(p + n - 2, "? ", 2) == 0 || memcmp(p + n - 2, ": ", 2) == 0)) ||
	       (n >= 9 && memcmp(p + n - 9, "[confirm]", 9) == 0);
}

/* the last line of line (ll bytes) is a strict beginning of the prompt
 * last seen: "r1#" then "r1(config)#" and back are not */
static int prefix_of_prompt(const struct ztp_cli *c, const char *line, size_t ll)
{
	size_t s, l, pl = strlen(c->prompt);

	last_line(line, ll, &s, &l);
	return l < pl && memcmp(line + s, c->prompt, l) == 0;
}

enum wait { W_LEARN, W_PROMPT, W_PROMPT_OR_PASSWORD };

/* raw holds nothing but blanks before its last line */
static int blank_before_last_line(const struct ztp_buf *raw)
{
	size_t s = last_line_start(raw), i;

	for (i = 0; i < s; i++)
		if (raw->p[i] != '\r' && raw->p[i] != '\n' && raw->p[i] != ' ')
			return 0;
	return 1;
}

/* Quiet after a line that looks like a prompt but not like this device's:
 * a new hostname took effect ("hostname r2" turns "r1(config)#" into
 * "r2(config)#").  It becomes the device's prompt when it ends the same
 * way as the current one.  1 when adopted. */
static int adopt_prompt(struct ztp_cli *c)
{
	char line[PROMPT_MAX * 4 + 2], base[PROMPT_MAX + 1];
	int has_nl;
	size_t ll = raw_last_line(&c->raw, line, sizeof line, &has_nl), s, l, pl = strlen(c->prompt);

	if (ll >= sizeof line || !has_nl)
		return 0;
	last_line(line, ll, &s, &l);
	if (!ztp_cli_looks_like_prompt(line + s, l) || pl == 0 ||
	    ztp_cli_prompt_base(line + s, l, base, sizeof base) < 0 || !strcmp(base, c->base))
		return 0;
	while (l > 0 && line[s + l - 1] == ' ')
		l--;
	while (pl > 0 && c->prompt[pl - 1] == ' ')
		pl--;
	if (l == 0 || pl == 0 || line[s + l - 1] != c->prompt[pl - 1])
		return 0;
	memcpy(c->base, base, sizeof base);
	return 1;
}

/* Read into c->raw until what w asks for: 1 prompt, 2 password prompt;
 * 0 at the deadline (learning: nothing prompt-like); -1 error. */
static int wait_for(struct ztp_cli *c, enum wait w, double deadline, size_t max,
		    int need_nl, const char *what, struct ztp_err *e)
{
	char buf[16384], line[PROMPT_MAX * 4 + 2];
	char learned[PROMPT_MAX * 4 + 2];
	size_t answered = c->raw.len, asked = c->raw.len, llen = 0;
	size_t qline = (size_t)-1;	/* where the line of the question answered starts */
	size_t qpend = 0;		/* where the line of a question standing starts */
	const struct ztp_cli_answer *pending = NULL;	/* its answer, sent once it is whole */
	int whole = 0;		/* the question standing is over: no quiet to wait */
	int seen_prompt = 0, confirm = 0, bare = 0;
	double confirm_at = 0;
	size_t confirm_pos = 0;	/* raw's length when the newline was sent */
	size_t cand_start = 0;	/* where the line that looked like a prompt then starts */

	for (;;) {
		double now = ztp_os_monotonic(), dl;
		ssize_t got;
		int has_nl;
		size_t ll;
		long pg;

		if (now >= deadline)
			return 0;
		dl = pending && whole ? now : seen_prompt || pending ? now + QUIET :
		     bare ? now + BARE_WAIT : w == W_LEARN ? now + 0.6 : now + RENAMED_QUIET;
		if (dl > deadline)
			dl = deadline;
		got = c->t.read(c->t.ctx, buf, sizeof buf, dl, e);
		if (got < 0) {
			ztp_err_prefix(e, "%s (after %zu bytes)", what, c->raw.len);
			return -1;
		}
		if (got == 0) {
			/* learning: the answer to the newline that confirms the
			 * prompt is awaited (a slow box answers it after the
			 * silence; left unread, it would end the next command
			 * early, and every command would get the output of
			 * the one before) */
			if (seen_prompt && (!confirm || now - confirm_at >= CONFIRM_WAIT))
				return 1;
			if (seen_prompt)
				continue;
			if (bare)
				return 1;
			if (pending) {
				if (send_line(c, pending->reply, 0, deadline, e) < 0)
					return -1;
				asked = c->raw.len;
				qline = qpend;
				pending = NULL;
				continue;
			}
			if (w == W_PROMPT && adopt_prompt(c))
				return 1;
			if (w == W_LEARN) {
				/* quiet without a prompt: ask for one */
				if (send_line(c, "", 0, deadline, e) < 0)
					return -1;
			}
			continue;
		}
		logio(c, ZTP_CLI_IN, buf, (size_t)got);
		seen_prompt = 0;
		bare = 0;
		pending = NULL;
		if (c->raw.len + (size_t)got > max || ztp_buf_add(&c->raw, buf, (size_t)got) < 0)
			return ztp_err_set(e, ZTP_ERR_LIMIT, "%s: the output exceeds %zu bytes",
					   what, max);
		/* pager: a space, once per prompt */
		if (c->raw.len > answered &&
		    (pg = ztp_cli_pager_at_end(c->raw.p + answered, c->raw.len - answered)) >= 0) {
			(void)pg;
			logio(c, ZTP_CLI_OUT, " ", 1);
			if (c->t.write(c->t.ctx, " ", 1, deadline, e) < 0)
				return -1;
			answered = c->raw.len;
			continue;
		}
		ll = raw_last_line(&c->raw, line, sizeof line, &has_nl);
		if (ll >= sizeof line)
			continue;
		if (c->answers && w == W_PROMPT && c->raw.len > asked && ll > 0) {
			const struct ztp_cli_answer *a;
			size_t ls = c->raw.len;

			/* a question is answered once: the echo of the answer
			 * (and more) on the question's own line, before its
			 * newline, is not the question asked again.  It is
			 * answered once the box is quiet after it, or at once
			 * when it ends as questions do: the part that names it
			 * may come well before the end of the question ("How
			 * many bits in the modulus" and, in another read,
			 * " [512]: "), and an answer typed into the middle of
			 * it lands wherever the box is */
			while (ls > 0 && c->raw.p[ls - 1] != '\n')
				ls--;
			for (a = c->answers; ls != qline && a->ask; a++)
				if (memmem(line, ll, a->ask, strlen(a->ask)))
					break;
			if (ls != qline && a->ask) {
				pending = a;
				qpend = ls;
				whole = question_whole(&c->raw);
				continue;
			}
		}
		if (w == W_PROMPT_OR_PASSWORD && ll >= 9 &&
		    (memcmp(line + ll - 9, "assword: ", 9) == 0 || memcmp(line + ll - 9, "Password:", 9) == 0 ||
		     memcmp(line + ll - 9, "password:", 9) == 0))
			return 2;
		if (w == W_LEARN) {
			if (ztp_cli_looks_like_prompt(line, ll)) {
				seen_prompt = 1;
				/* the same prompt again on a line of its own
				 * after our newline (not the first one's tail,
				 * such as a colour reset in a read of its own):
				 * no need to wait for silence */
				if (confirm && last_line_start(&c->raw) > confirm_pos &&
				    whole_line_at(&c->raw, cand_start, learned, sizeof learned, &llen) &&
				    ll == llen && memcmp(line, learned, ll) == 0)
					return 1;
				if (!confirm) {
					confirm = 1;
					confirm_at = ztp_os_monotonic();
					confirm_pos = c->raw.len;
					cand_start = last_line_start(&c->raw);
					if (send_line(c, "", 0, deadline, e) < 0)
						return -1;
				}
			}
		} else if ((has_nl || !need_nl) && ztp_cli_prompt_match(c->base, line, ll)) {
			/* a command's prompt with nothing before it, not even
			 * the echo, may be a late one meant for the line before:
			 * it counts once the box has been quiet a moment */
			if (need_nl && blank_before_last_line(&c->raw)) {
				bare = 1;
				continue;
			}
			/* the first bytes of the last prompt, cut by a read
			 * where its name holds a terminator ("r1;$(x$" of
			 * "r1;$(x$y)#"): it counts once the box is quiet */
			if (prefix_of_prompt(c, line, ll)) {
				seen_prompt = 1;
				continue;
			}
			return 1;
		}
	}
}

static void set_prompt_from_raw(struct ztp_cli *c)
{
	char line[PROMPT_MAX * 4 + 2];
	int has_nl;
	size_t ll = raw_last_line(&c->raw, line, sizeof line, &has_nl), s, l;

	if (ll >= sizeof line)
		return;
	last_line(line, ll, &s, &l);
	if (l > PROMPT_MAX)
		l = PROMPT_MAX;
	memcpy(c->prompt, line + s, l);
	c->prompt[l] = 0;
}

static enum fam fam_of(const char *platform)
{
	if (platform == NULL)
		return FAM_UNKNOWN;
	if (strcmp(platform, "juniper_junos") == 0)
		return FAM_JUNOS;
	if (strcmp(platform, "huawei_vrp") == 0)
		return FAM_VRP;
	return FAM_CISCO;
}

/* run a command and keep its clean output in out; no echo/prompt logic
 * beyond what ztp_cli_run does */
static int run(struct ztp_cli *c, const char *cmd, const char *input, size_t inlen,
	       double timeout, struct ztp_buf *out, struct ztp_err *e)
{
	double deadline = ztp_os_monotonic() + (timeout > 0 ? timeout : c->o.timeout);
	struct ztp_buf full = ZTP_BUF_INIT;
	char what[256], eline[256];
	const char *sent = cmd;
	char *clean, *p, *end;
	size_t n, s, l;
	int rc;

	if (c->nomore) {
		ztp_buf_addf(&full, "%s | no-more", cmd);
		sent = full.p;
	}
	snprintf(what, sizeof what, "run '%s'", ztp_esc(cmd));
	ztp_buf_reset(&c->raw);
	if (send_line(c, sent, 0, deadline, e) < 0) {
		ztp_err_prefix(e, "%s", what);
		ztp_buf_free(&full);
		return e ? e->code : ZTP_ERR_PROTO;
	}
	if (input && inlen) {
		logio(c, ZTP_CLI_OUT, input, inlen);
		if (c->t.write(c->t.ctx, input, inlen, deadline, e) < 0) {
			ztp_err_prefix(e, "%s", what);
			ztp_buf_free(&full);
			return e ? e->code : ZTP_ERR_PROTO;
		}
	}
	rc = wait_for(c, W_PROMPT, deadline, c->o.max_output, 1, what, e);
	if (rc <= 0) {
		if (rc == 0)
			ztp_err_set(e, ZTP_ERR_TIMEOUT, "%s: no prompt within %.0f s (%zu bytes read)",
				    what, timeout > 0 ? timeout : c->o.timeout, c->raw.len);
		ztp_buf_free(&full);
		return e ? e->code : ZTP_ERR_PROTO;
	}
	set_prompt_from_raw(c);
	clean = ztp_xmalloc(c->raw.len + 1);
	n = ztp_cli_clean(c->raw.p, c->raw.len, clean);
	p = clean;
	end = clean + n;
	/* blank lines and a late prompt of the line before (alone on its
	 * line, or with the echo after it), then the echo: the first line,
	 * when it holds the command */
	while (p < end && (*p == '\n' || *p == ' '))
		p++;
	{
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl && ztp_cli_prompt_match(c->base, p, (size_t)(nl - p)))
			p = nl + 1;
	}
	{
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl) {
			size_t fl = (size_t)(nl - p), cl = strlen(sent);
			size_t i;

			for (i = 0; i + cl <= fl; i++)
				if (memcmp(p + i, sent, cl) == 0)
					break;
			if (i + cl <= fl || fl == 0)
				p = nl + 1;
		}
	}
	/* the prompt: the last line; JunOS puts an [edit] line above it */
	last_line(p, (size_t)(end - p), &s, &l);
	end = p + s;
	if (c->fam == FAM_JUNOS && end > p) {
		size_t s2, l2;

		last_line(p, (size_t)(end - p) - 1, &s2, &l2);
		if (l2 >= 5 && memcmp(p + s2, "[edit", 5) == 0)
			end = p + s2;
	}
	ztp_buf_reset(out);
	rc = ztp_buf_add(out, p, (size_t)(end - p));
	if (rc == 0 && out->p == NULL)
		rc = ztp_buf_adds(out, "");
	free(clean);
	ztp_buf_free(&full);
	if (rc < 0)
		return ztp_err_set(e, ZTP_ERR_LIMIT, "%s: the output is too large", what);
	if (ztp_cli_error_line(c->platform, out->p, out->len, eline, sizeof eline))
		return ztp_err_set(e, ZTP_ERR_USAGE, "the device refused '%s': %s",
				   ztp_esc(cmd), ztp_esc(eline));
	return 0;
}

static int do_enable(struct ztp_cli *c, double deadline, struct ztp_err *e)
{
	int rc, tries;

	ztp_buf_reset(&c->raw);
	if (send_line(c, "enable", 0, deadline, e) < 0)
		return -1;
	rc = wait_for(c, W_PROMPT_OR_PASSWORD, deadline, 1 << 20, 1, "enable", e);
	for (tries = 0; rc == 2 && tries < 3; tries++) {
		if (c->o.enable_secret == NULL || tries > 0) {
			/* no (more) secret: leave the password prompt */
			ztp_buf_reset(&c->raw);
			if (send_line(c, "", 0, deadline, e) < 0)
				return -1;
			rc = wait_for(c, W_PROMPT_OR_PASSWORD, deadline, 1 << 20, 0, "enable", e);
			continue;
		}
		ztp_buf_reset(&c->raw);
		if (send_line(c, c->o.enable_secret, 1, deadline, e) < 0)
			return -1;
		rc = wait_for(c, W_PROMPT_OR_PASSWORD, deadline, 1 << 20, 0, "enable", e);
	}
	if (rc < 0)
		return -1;
	if (rc == 0)
		return ztp_err_set(e, ZTP_ERR_TIMEOUT, "enable: no prompt came back");
	set_prompt_from_raw(c);
	if (c->prompt[0] && c->prompt[strlen(c->prompt) - 1] == '#')
		return 0;
	if (c->o.enable_secret == NULL)
		return ztp_err_set(e, ZTP_ERR_PERM, "enable: the device asks for a password "
				   "and the secrets file has no credential 'enable'");
	return ztp_err_set(e, ZTP_ERR_PERM, "enable: the device refused the enable password "
			   "(credential 'enable')");
}

int ztp_cli_open(struct ztp_cli **cp, const struct ztp_cli_transport *t,
		 const struct ztp_cli_opts *o, struct ztp_err *e)
{
	struct ztp_cli *c = ztp_xcalloc(1, sizeof *c);
	double deadline;
	struct ztp_buf tmp = ZTP_BUF_INIT;
	size_t pl;
	int rc;

	*cp = NULL;
	c->t = *t;
	c->o = *o;
	if (c->o.timeout <= 0)
		c->o.timeout = 30;
	if (c->o.max_output == 0)
		c->o.max_output = (size_t)4 << 20;
	deadline = ztp_os_monotonic() + c->o.timeout;
	if (o->platform && ztp_facts_platform_valid(o->platform)) {
		snprintf(c->platform, sizeof c->platform, "%s", o->platform);
		c->have_platform = 1;
	}
	/* 1. the first prompt */
	rc = wait_for(c, W_LEARN, deadline, BANNER_MAX, 0, "wait for the first prompt", e);
	if (rc < 0)
		goto fail;
	set_prompt_from_raw(c);
	pl = strlen(c->prompt);
	if (rc == 0 || ztp_cli_prompt_base(c->prompt, pl, c->base, sizeof c->base) < 0) {
		ztp_err_set(e, ZTP_ERR_TIMEOUT, "no prompt within %.0f s (%zu bytes read)",
			    c->o.timeout, c->raw.len);
		goto fail;
	}
	{
		char *cl = ztp_xmalloc(c->raw.len + 1);
		size_t n = ztp_cli_clean(c->raw.p, c->raw.len, cl), s, l;

		last_line(cl, n, &s, &l);
		ztp_buf_add(&c->banner, cl, s);
		if (c->banner.p == NULL)
			ztp_buf_adds(&c->banner, "");
		free(cl);
	}
	/* 2. the family from the prompt shape, the platform when given */
	if (c->have_platform)
		c->fam = fam_of(c->platform);
	else if (c->prompt[0] == '<' && c->prompt[pl - 1] == '>')
		c->fam = FAM_VRP;
	else if (strchr(c->prompt, '@') && (c->prompt[pl - 1] == '>' || c->prompt[pl - 1] == '#'))
		c->fam = FAM_JUNOS;
	else
		c->fam = FAM_CISCO;
	if (!c->have_platform && c->fam != FAM_CISCO) {
		snprintf(c->platform, sizeof c->platform, "%s",
			 c->fam == FAM_VRP ? "huawei_vrp" : "juniper_junos");
		c->have_platform = 1;
	}
	/* 3. enable */
	if (c->fam == FAM_CISCO && c->prompt[pl - 1] == '>' &&
	    do_enable(c, ztp_os_monotonic() + c->o.timeout, e) < 0)
		goto fail;
	/* 4. paging off */
	rc = run(c, c->fam == FAM_JUNOS ? "set cli screen-length 0" :
		 c->fam == FAM_VRP ? "screen-length 0 temporary" : "terminal length 0", NULL, 0, 0, &tmp, e);
	if (rc == 0)
		c->paging_off = 1;
	else if (rc == ZTP_ERR_USAGE)
		c->nomore = c->fam == FAM_JUNOS;
	else
		goto fail;
	/* 5. the platform from show version and the banner */
	if (!c->have_platform) {
		const char *p;

		rc = run(c, "show version", NULL, 0, 0, &tmp, e);
		if (rc < 0 && rc != ZTP_ERR_USAGE)
			goto fail;
		p = ztp_facts_detect_platform(tmp.p ? tmp.p : "", tmp.len, o->banner);
		if (p) {
			snprintf(c->platform, sizeof c->platform, "%s", p);
			c->have_platform = 1;
			if (rc == 0) {
				c->cached_cmd = ztp_xstrdup("show version");
				c->cached = tmp;
				memset(&tmp, 0, sizeof tmp);
			}
		}
	}
	ztp_buf_free(&tmp);
	ztp_err_clear(e);
	*cp = c;
	return 0;
fail:
	ztp_buf_free(&tmp);
	rc = e ? e->code : ZTP_ERR_PROTO;
	ztp_cli_close(c);
	return rc < 0 ? rc : ZTP_ERR_PROTO;
}

int ztp_cli_run(struct ztp_cli *c, const char *cmd, double timeout,
		struct ztp_buf *out, struct ztp_err *e)
{
	if (c->cached_cmd && strcmp(c->cached_cmd, cmd) == 0) {
		ztp_buf_reset(out);
		if (ztp_buf_add(out, c->cached.p, c->cached.len) < 0 ||
		    (out->p == NULL && ztp_buf_adds(out, "") < 0))
			return ztp_err_set(e, ZTP_ERR_LIMIT, "the output is too large");
		free(c->cached_cmd);
		c->cached_cmd = NULL;
		ztp_buf_free(&c->cached);
		return 0;
	}
	return run(c, cmd, NULL, 0, timeout, out, e);
}

int ztp_cli_run_ex(struct ztp_cli *c, const char *cmd, const char *input, size_t inlen,
		   const struct ztp_cli_answer *answers, double timeout, struct ztp_buf *out,
		   struct ztp_err *e)
{
	int rc;

	c->answers = answers;
	rc = run(c, cmd, input, inlen, timeout, out, e);
	c->answers = NULL;
	return rc;
}

const char *ztp_cli_platform(const struct ztp_cli *c)
{
	return c->have_platform ? c->platform : NULL;
}

const char *ztp_cli_prompt(const struct ztp_cli *c)
{
	return c->prompt;
}

const char *ztp_cli_banner(const struct ztp_cli *c)
{
	return c->banner.p ? c->banner.p : "";
}

int ztp_cli_paging_off(const struct ztp_cli *c)
{
	return c->paging_off;
}

void ztp_cli_close(struct ztp_cli *c)
{
	if (c == NULL)
		return;
	if (c->t.close)
		c->t.close(c->t.ctx);
	ztp_buf_free(&c->banner);
	ztp_buf_free(&c->raw);
	ztp_buf_free(&c->cached);
	free(c->cached_cmd);
	free(c);
}
