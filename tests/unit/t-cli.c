/* t-cli: the pure parts of lib/cli: what a terminal would show, prompts,
 * pager prompts, device errors. */
#include <string.h>

#include "cli.h"
#include "tap.h"

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
	done_testing();
}
