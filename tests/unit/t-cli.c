/* t-cli: the pure parts of lib/cli: what a terminal would show, prompts,
 * pager prompts, device errors; and, with a scripted VRP, a question
 * answered once when the device echoes the answer apart from its newline,
 * and a box that answers the newline confirming its first prompt only
 * after a silence (a loaded box, a slow link): no command may take that
 * late prompt for its own; a question that comes in two reads is answered
 * after its end, not after the words that name it; a prompt whose host
 * name holds a terminator, cut by reads right after it, is not taken for
 * whole. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tap.h"

/* ---- a scripted VRP box: every line written is echoed and answered with
 * the prompt; "save" asks its question, and the answer's echo comes in a
 * read of its own, before the newline (as a loaded box sends it) */
struct box {
	char q[8][256];		/* chunks the next reads return, in order */
	int nq, head;
	char in[256];		/* the line being written */
	size_t inlen;
	int answers;		/* answers to the question received */
	int slow_confirm;	/* the first empty line is answered after a silence */
	int early;		/* an answer came before the whole question was read */
	const char *prompt;	/* NULL: "<r1>"; else this prompt, in two reads */
	size_t cut;		/* where a read ends inside it */
};

static void queue(struct box *b, const char *s)
{
	if (b->nq < 8)
		snprintf(b->q[b->nq++], sizeof b->q[0], "%s", s);
}

/* text then the prompt: in two reads, cut inside the prompt, when the box
 * has one of its own (a name holding a terminator: "r1;$(x$" of "r1;$(x$y)#") */
static void queue_prompt(struct box *b, const char *text)
{
	char l[300];

	if (b->prompt == NULL) {
		snprintf(l, sizeof l, "%s<r1>", text);
		queue(b, l);
		return;
	}
	snprintf(l, sizeof l, "%s%.*s", text, (int)b->cut, b->prompt);
	queue(b, l);
	queue(b, b->prompt + b->cut);
}

static ssize_t box_read(void *ctx, char *p, size_t n, double deadline, struct ztp_err *e)
{
	struct box *b = ctx;
	size_t l;

	(void)deadline;
	(void)e;
	if (b->head == b->nq)
		return 0;
	if (b->q[b->head][0] == 0) {	/* a silence */
		if (++b->head == b->nq)
			b->head = b->nq = 0;
		return 0;
	}
	l = strlen(b->q[b->head]);
	if (l > n)
		l = n;
	memcpy(p, b->q[b->head++], l);
	if (b->head == b->nq)
		b->head = b->nq = 0;
	return (ssize_t)l;
}

static int box_write(void *ctx, const char *p, size_t n, double deadline, struct ztp_err *e)
{
	struct box *b = ctx;
	size_t i;

	(void)deadline;
	(void)e;
	for (i = 0; i < n; i++) {
		if (p[i] != '\n' && p[i] != '\r') {
			if (b->inlen < sizeof b->in - 1)
				b->in[b->inlen++] = p[i];
			continue;
		}
		if (p[i] == '\r')
			continue;
		b->in[b->inlen] = 0;
		if (strcmp(b->in, "save") == 0) {
			queue(b, "save\r\nThe current configuration will be written to the device.\r\n"
				 "Are you sure to continue?[Y/N]:");
		} else if (strcmp(b->in, "y") == 0 || strcmp(b->in, "Y") == 0) {
			b->answers++;
			if (b->answers == 1) {
				queue(b, b->in);	/* the echo, alone */
				queue(b, "\r\nNow saving the current configuration to the slot 0.\r\n"
					 "Save the configuration successfully.\r\n<r1>");
			} else {
				queue(b, "y\r\n              ^\r\n"
					 "Error: Unrecognized command found at '^' position.\r\n<r1>");
			}
		} else if (strcmp(b->in, "rsa local-key-pair create") == 0) {
			/* the question in two reads: its words, then its end */
			queue(b, "rsa local-key-pair create\r\nInput the bits in the modulus");
			queue(b, "[default = 2048]:");
		} else if (strcmp(b->in, "2048") == 0) {
			b->answers++;
			if (b->head < b->nq)
				b->early = 1;
			queue(b, "2048\r\nCreating the key pair...\r\n<r1>");
		} else if (strcmp(b->in, "display version") == 0) {
			queue(b, "display version\r\nHuawei Versatile Routing Platform Software\r\n<r1>");
		} else if (strcmp(b->in, "show clock") == 0) {
			queue_prompt(b, "show clock\r\n*10:00:00.000 UTC Sun Dec 6 2026\r\n");
		} else {
			char l[300];

			if (b->inlen == 0 && b->slow_confirm) {
				b->slow_confirm = 0;
				queue(b, "");
			}
			snprintf(l, sizeof l, "%s\r\n", b->in);
			queue_prompt(b, l);
		}
		b->inlen = 0;
	}
	return 0;
}

static void box_close(void *ctx)
{
	(void)ctx;
}

/* a session on the scripted box, cmd run in it: 0 (its status in *rc),
 * or -1 when the session did not open */
static int box_run(struct box *b, const char *cmd, const struct ztp_cli_answer *ans,
		   struct ztp_buf *res, int *rc)
{
	struct ztp_cli_transport t = { b, box_read, box_write, box_close };
	struct ztp_cli_opts o = { .platform = "huawei_vrp", .timeout = 5 };
	struct ztp_cli *c;
	struct ztp_err e;

	queue_prompt(b, "\r\nInfo: The max number of VTY users is 10.\r\n");
	if (ztp_cli_open(&c, &t, &o, &e) < 0)
		return -1;
	*rc = ztp_cli_run_ex(c, cmd, NULL, 0, ans, 5, res, &e);
	ztp_cli_close(c);
	return 0;
}

static char out[4096];

static const char *clean(const char *s)
{
	ztp_cli_clean(s, strlen(s), out);
	return out;
}

int main(void)
{
	char base[96], line[128];

	/* IOS erases its pager with backspaces and spaces */
	is_str(clean("a\r\n --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\bProcessor board ID X1\r\n"),
	       "a\nProcessor board ID X1\n", "ios pager erased by backspaces");
	/* VRP with cursor-left escapes */
	is_str(clean("  ---- More ----\033[16D                \033[16DHuawei VRP\r\n"),
	       "Huawei VRP\n", "vrp pager erased by ESC[16D");
	/* JunOS with CR and spaces */
	is_str(clean("---(more 42%)---\r                \rModel: mx480\r\n"),
	       "Model: mx480\n", "junos pager erased by CR");
	is_str(clean("x --More-- y\n"), "x  y\n", "a pager left standing is removed");
	is_str(clean("\033[1;32mRouter#\033[0m"), "Router#", "colour escapes dropped");
	is_str(clean("shw\b\bhow ver\r\n"), "show ver\n", "backspace overwrites");
	is_str(clean("abc\033[K\r\n"), "abc\n", "erase line");
	ztp_cli_clean("a\0b\a\n", 5, out);
	is_str(out, "ab\n", "control bytes dropped");

	ok(ztp_cli_looks_like_prompt("motd\nRouter>", 12), "Router> is a prompt");
	ok(ztp_cli_looks_like_prompt("user@r1> ", 9), "junos prompt with a space");
	ok(!ztp_cli_looks_like_prompt("Password:", 9), "Password: is not a prompt");
	ok(!ztp_cli_looks_like_prompt("this is a banner >", 18), "a sentence is not a prompt");
	ok(!ztp_cli_looks_like_prompt(" --More-- ", 10), "a pager is not a prompt");

	ok(ztp_cli_prompt_base("Router(config-if)#", 18, base, sizeof base) == 0 &&
	   strcmp(base, "Router") == 0, "base of Router(config-if)#");
	ok(ztp_cli_prompt_base("<HUAWEI>", 8, base, sizeof base) == 0 &&
	   strcmp(base, "HUAWEI") == 0, "base of <HUAWEI>");
	ok(ztp_cli_prompt_match("HUAWEI", "[HUAWEI-GigabitEthernet0/0/1]", 29), "vrp interface view matches");
	ok(ztp_cli_prompt_match("user@r1", "user@r1# ", 9), "junos config prompt matches");
	ok(!ztp_cli_prompt_match("Router", "Router#show version", 19), "the echo is not a prompt");
	ok(!ztp_cli_prompt_match("Router", "Switch#", 7), "another host's prompt");

	ok(ztp_cli_pager_at_end("x\n --More-- ", 12) == 3, "--More-- at the end");
	ok(ztp_cli_pager_at_end("x\n---(more 42%)---", 18) == 2, "---(more 42%)--- at the end");
	ok(ztp_cli_pager_at_end("x\n--More-- y", 12) < 0, "not at the end");

	ok(ztp_cli_error_line(NULL, "x\n   ^\n% Invalid input detected at '^' marker.\n", 46, line, sizeof line) &&
	   strcmp(line, "% Invalid input detected at '^' marker.") == 0, "ios error line");
	ok(ztp_cli_error_line(NULL, "Error: Unrecognized command found at '^' position.\n", 51, line, sizeof line),
	   "vrp error line");
	ok(ztp_cli_error_line(NULL, "\nsyntax error, expecting <command>.\n", 35, line, sizeof line),
	   "junos error line");
	ok(!ztp_cli_error_line(NULL, "Cisco IOS Software\n", 19, line, sizeof line), "normal output");

	{
		static const struct ztp_cli_answer ans[] = {
			{ "Are you sure to continue?[Y/N]", "y" }, { NULL, NULL }
		};
		struct box b = { .nq = 0 };
		struct ztp_buf res = ZTP_BUF_INIT;
		int rc = -1;

		ok(box_run(&b, "save", ans, &res, &rc) == 0, "scripted VRP: the session opens");
		ok(rc == 0, "scripted VRP: save succeeds");
		is_int(b.answers, 1, "scripted VRP: the question is answered once, its echo is not a new question");
		ztp_buf_free(&res);
	}
	{
		static const struct ztp_cli_answer ans[] = {
			{ "bits in the modulus", "2048" }, { NULL, NULL }
		};
		struct box b = { .nq = 0 };
		struct ztp_buf res = ZTP_BUF_INIT;
		int rc = -1;

		ok(box_run(&b, "rsa local-key-pair create", ans, &res, &rc) == 0,
		   "question in pieces: the session opens");
		ok(rc == 0, "question in pieces: the command succeeds");
		is_int(b.answers, 1, "question in pieces: answered once");
		ok(!b.early, "question in pieces: answered after its end, not after the words naming it");
		ztp_buf_free(&res);
	}
	{
		struct box b = { .nq = 0, .slow_confirm = 1 };
		struct ztp_buf res = ZTP_BUF_INIT;
		int rc = -1;

		ok(box_run(&b, "display version", NULL, &res, &rc) == 0, "slow VRP: the session opens");
		ok(rc == 0, "slow VRP: display version runs");
		like(res.p, "Versatile Routing Platform",
		     "slow VRP: a command gets its own output, not the one of the line before");
		ztp_buf_free(&res);
	}
	{
		/* a host name holding a terminator, every prompt cut by a
		 * read right after one: "r1;$(x$" is not the prompt, at login
		 * (the first prompt's confirmation comes cut the same way)
		 * nor after a command (flow-inject.t's hostile host name with
		 * ZTP_SIM_CHOP=2: push took the first bytes for the prompt,
		 * and 'hostname' never found the renamed one) */
		struct box b = { .nq = 0, .prompt = "r1;$(x$y)#", .cut = 7 };
		struct ztp_cli_transport t = { &b, box_read, box_write, box_close };
		struct ztp_cli_opts o = { .platform = "cisco_ios", .timeout = 5 };
		struct ztp_buf res = ZTP_BUF_INIT;
		struct ztp_cli *c;
		struct ztp_err e;
		int i;

		queue_prompt(&b, "\r\n");
		ok(ztp_cli_open(&c, &t, &o, &e) == 0, "prompt cut at a terminator: the session opens");
		is_str(ztp_cli_prompt(c), "r1;$(x$y)#", "prompt cut at a terminator: the whole prompt learnt");
		for (i = 0; i < 2; i++) {
			ztp_buf_reset(&res);
			ok(ztp_cli_run(c, "show clock", 5, &res, &e) == 0,
			   "prompt cut at a terminator: the command runs");
			is_str(res.p ? res.p : "", "*10:00:00.000 UTC Sun Dec 6 2026\n",
			       "prompt cut at a terminator: its own output, no prompt bytes");
		}
		is_str(ztp_cli_prompt(c), "r1;$(x$y)#", "prompt cut at a terminator: still the whole prompt");
		ztp_cli_close(c);
		ztp_buf_free(&res);
	}
	done_testing();
}
