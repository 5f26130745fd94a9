/* tap.h: Test Anything Protocol for the C unit tests (run under prove).
 *
 *	ok(cond, "name");  is_int(got, want, "name");  is_str(got, want, "name");
 *	return done_testing();
 *
 * Header-only: every unit test is one file. */
#ifndef ZTP_TAP_H
#define ZTP_TAP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static int tap_ok(int cond, const char *file, int line, const char *name)
{
	tap_n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s line %d\n", file, line);
		/* kept for the end of make check (tests/lib.sh does the same) */
		const char *log = getenv("ZTP_FAILLOG");
		FILE *f = log && *log ? fopen(log, "a") : NULL;

		if (f) {
			fprintf(f, "%s:%d: not ok %d - %s\n", file, line, tap_n, name);
			fclose(f);
		}
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, name) tap_ok((cond) != 0, __FILE__, __LINE__, name)

#define is_int(got, want, name) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!ok(g_ == w_, name)) \
		printf("#   got:  %lld\n#   want: %lld\n", g_, w_); \
} while (0)

#define is_str(got, want, name) do { \
	const char *g_ = (got), *w_ = (want); \
	int same_ = (g_ == NULL && w_ == NULL) || \
		    (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0); \
	if (!ok(same_, name)) \
		printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", \
		       w_ ? w_ : "(null)"); \
} while (0)

/* substring check, for error messages */
#define like(got, part, name) do { \
	const char *g_ = (got), *p_ = (part); \
	if (!ok(g_ != NULL && strstr(g_, p_) != NULL, name)) \
		printf("#   got:  '%s'\n#   want a string containing '%s'\n", \
		       g_ ? g_ : "(null)", p_); \
} while (0)

static int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

static inline void diag(const char *msg)
{
	printf("# %s\n", msg);
}

#endif
