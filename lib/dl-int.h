/* dl-int.h: what the stub files (dl-ssh.c, dl-curl.c) share with dl.c.
 * Not an API: only lib/dl*.c include it.
 *
 * A stub file lists its library's functions once, in an X-macro table:
 *	F(return type, name, (parameters), (arguments))	returns a value
 *	V(name, (parameters), (arguments))		returns void
 * and expands it with the ZTP_DL_* macros below into an enum of indexes
 * (DLI_<name>), the array of names for dlsym and one stub per function.
 * The stubs find their library as the file's static `dl_lib`. */
#ifndef ZTP_DL_INT_H
#define ZTP_DL_INT_H

#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "err.h"

struct ztp_dl_lib {
	const char *what;		/* "libssh": for messages */
	const char *env;		/* "ZTP_LIBSSH" */
	const char *soname;		/* the build's, from config.h */
	const char *const *names;	/* n symbols, all needed */
	void **fn;			/* n addresses; all NULL until loaded */
	size_t n;
	/* kept by ztp_dl_load */
	pthread_mutex_t lock;
	int state;			/* 0 not tried, 1 loaded, -1 failed */
	const char *file;		/* asked of the dynamic loader */
	struct ztp_err err;		/* the failure, when state is -1 */
};

#define ZTP_DL_LIB(what, env, soname, names, fn) \
	{ what, env, soname, names, fn, sizeof(names) / sizeof(names)[0], \
	  PTHREAD_MUTEX_INITIALIZER, 0, NULL, { 0, 0, "" } }

/* Load l once (see dl.h). */
int ztp_dl_load(struct ztp_dl_lib *l, struct ztp_err *e);
/* The file l is (or would be) loaded from. */
const char *ztp_dl_file(struct ztp_dl_lib *l);
/* A stub was called before its library was loaded: say which, abort. */
_Noreturn void ztp_dl_unloaded(const struct ztp_dl_lib *l, size_t i);

static inline void *ztp_dl_fn(const struct ztp_dl_lib *l, size_t i)
{
	void *p = l->fn[i];

	if (p == NULL)
		ztp_dl_unloaded(l, i);
	return p;
}

#define ZTP_DL_ENUM_F(ret, name, params, args) DLI_##name,
#define ZTP_DL_ENUM_V(name, params, args) DLI_##name,
#define ZTP_DL_NAME_F(ret, name, params, args) #name,
#define ZTP_DL_NAME_V(name, params, args) #name,
#define ZTP_DL_NONE_F(ret, name, params, args)
#define ZTP_DL_NONE_V(name, params, args)

/* dlsym gives an object pointer; it is copied into a function pointer
 * of the function's own type (POSIX guarantees the two are the same) */
#define ZTP_DL_STUB_F(ret, name, params, args) \
	ret name params \
	{ \
		ret (*ztp_dl_f_) params; \
		void *ztp_dl_p_ = ztp_dl_fn(&dl_lib, DLI_##name); \
		memcpy(&ztp_dl_f_, &ztp_dl_p_, sizeof ztp_dl_f_); \
		return ztp_dl_f_ args; \
	}
#define ZTP_DL_STUB_V(name, params, args) \
	void name params \
	{ \
		void (*ztp_dl_f_) params; \
		void *ztp_dl_p_ = ztp_dl_fn(&dl_lib, DLI_##name); \
		memcpy(&ztp_dl_f_, &ztp_dl_p_, sizeof ztp_dl_f_); \
		ztp_dl_f_ args; \
	}

#endif
