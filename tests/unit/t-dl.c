/* t-dl.c: the stubs of lib/dl-*.c against the real libssh and libcurl:
 * a stub before the load aborts, a failed load is an error kept for later
 * calls, and curl_easy_setopt/getinfo forward each option type's value */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libssh/libssh.h>

#include "dl.h"
#include "tap.h"

/* run f in a child, its stderr in buf; the wait status */
static int in_child(void (*f)(void), char *buf, size_t n)
{
	int p[2], st = 0;
	ssize_t got, len = 0;
	pid_t pid;

	buf[0] = '\0';
	if (pipe(p) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], 2);
		close(p[0]);
		f();
		_exit(0);
	}
	close(p[1]);
	while (len < (ssize_t)n - 1 && (got = read(p[0], buf + len, n - 1 - (size_t)len)) > 0)
		len += got;
	buf[len] = '\0';
	close(p[0]);
	waitpid(pid, &st, 0);
	return st;
}

static void call_before_load(void)
{
	signal(SIGABRT, SIG_DFL);
	(void)ssh_new();
}

static void load_missing(void)
{
	struct ztp_err e, e2;

	setenv("ZTP_LIBCURL", "/nonexistent/libcurl.so.4", 1);
	if (ztp_dl_curl(&e) != ZTP_ERR_SYS)
		_exit(3);
	/* the outcome is kept: the same error, even with another file now */
	setenv("ZTP_LIBCURL", "libcurl.so.4", 1);
	if (ztp_dl_curl(&e2) != ZTP_ERR_SYS || strcmp(e.msg, e2.msg) != 0)
		_exit(4);
	fputs(e.msg, stderr);
	_exit(0);
}

static size_t sink(char *p, size_t sz, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return sz * n;
}

int main(void)
{
	struct ztp_err e;
	char buf[1024];
	int st;
	CURL *c;
	char *s, *priv = NULL;
	static char mark[] = "mine";
	struct curl_blob blob = { (void *)"x", 1, CURL_BLOB_COPY };

	st = in_child(call_before_load, buf, sizeof buf);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "a stub before its library is loaded: abort");
	like(buf, "ssh_new() called before libssh was loaded", "and says which");

	st = in_child(load_missing, buf, sizeof buf);
	is_int(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0, "a failed load: ZTP_ERR_SYS, kept for later calls");
	is_str(buf, "cannot load libcurl '/nonexistent/libcurl.so.4': cannot open shared object file: "
	       "No such file or directory", "the message names the file and the reason");

	unsetenv("ZTP_LIBSSH");
	unsetenv("ZTP_LIBCURL");
	is_int(ztp_dl_ssh(&e), 0, "libssh loads");
	is_int(ztp_dl_ssh(&e), 0, "twice");
	like(ssh_version(0), "0.", "ssh_version through the stub");
	is_int(ztp_dl_curl(&e), 0, "libcurl loads");

	/* the variadic stubs: one option of each type range */
	c = curl_easy_init();
	ok(c != NULL, "curl_easy_init");
	is_int(curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L), CURLE_OK, "LONG");
	is_int(curl_easy_setopt(c, CURLOPT_URL, "http://127.0.0.1:9/"), CURLE_OK, "STRINGPOINT");
	is_int(curl_easy_setopt(c, CURLOPT_PRIVATE, (void *)mark), CURLE_OK, "OBJECTPOINT");
	is_int(curl_easy_getinfo(c, CURLINFO_PRIVATE, &priv), CURLE_OK, "getinfo");
	ok(priv == mark, "the pointer comes back");
	is_int(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink), CURLE_OK, "FUNCTIONPOINT");
	is_int(curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1), CURLE_OK, "OFF_T -1");
	is_int(curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-2),
	       CURLE_BAD_FUNCTION_ARGUMENT, "OFF_T -2: libcurl saw the value");
	st = curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, &blob);
	ok(st == CURLE_OK || st == CURLE_NOT_BUILT_IN || st == CURLE_UNKNOWN_OPTION, "BLOB");
	is_int(curl_easy_setopt(c, (CURLoption)60000, 1L), CURLE_UNKNOWN_OPTION, "no type range: refused");
	curl_easy_cleanup(c);
	s = curl_easy_escape(NULL, "a b/c", 0);
	is_str(s, "a%20b%2Fc", "curl_easy_escape");
	curl_free(s);
	return done_testing();
}
