/* dl.h: libssh and libcurl loaded at first use (dlopen), not at exec.
 *
 * The tools do not link libssh or libcurl: together they pull some thirty
 * shared libraries whose loading costs every process about 12 ms, also
 * the many runs that never open an SSH session or an HTTP request
 * (ztp-push --render, ztp-probe -r, ztp-spool).  libztp defines instead
 * the functions of both libraries that ztp uses, with their real names and
 * prototypes; each such stub calls the real function, found in the
 * library loaded by the calls below.
 *
 * The entry points of the modules that use a library call its loader
 * first (ztp_sshalg_lib_load for the linked libssh, ztp_ssh_connect,
 * ztp_notify_open, the HTTP source of ztp_vars_build, ...).  Calling a
 * stub before its library was loaded is a programming error: it aborts.
 *
 * Which file: the environment variable (ZTP_LIBSSH, ZTP_LIBCURL: a path,
 * or a name searched like any library) when set and not empty, else the
 * soname of the library ztp was built against (config.h).  The library is
 * opened with RTLD_NOW | RTLD_LOCAL, and every function ztp uses must
 * resolve or the load fails.  The outcome of the first attempt is kept:
 * later calls return it at once.  Thread-safe. */
#ifndef ZTP_DL_H
#define ZTP_DL_H

#include "err.h"

/* 0 when libssh is loaded (now or before), else ZTP_ERR_SYS with
 * "cannot load libssh 'libssh.so.4': <the dynamic loader's reason>". */
int ztp_dl_ssh(struct ztp_err *e);
/* The same for libcurl. */
int ztp_dl_curl(struct ztp_err *e);

/* The file asked of the dynamic loader ("libssh.so.4", or the
 * environment's choice), for messages. */
const char *ztp_dl_ssh_file(void);

#endif
