/* kexlock.h: the SSH clients a Python lockfile installs, or this machine
 * has (ztp-kexcheck --lock, --host).
 *
 * A lock (uv.lock, poetry.lock, Pipfile.lock, pylock.toml, pinned
 * requirements*.txt) is read for paramiko, netmiko, asyncssh, scrapli and
 * ssh2-python; each pinned client is mapped to the nearest client profile
 * at or below its version (lib/sshprof.h), netmiko to the paramiko of the
 * same lock.  A manifest with ranges only (pyproject.toml, requirements
 * with >=, netmiko's own paramiko requirement) is judged at the newest
 * version the range allows among the profiles' releases.  A package with
 * no profile is named as such, never guessed.  Malformed files are
 * ZTP_ERR_PARSE with file:line. */
#ifndef ZTP_KEXLOCK_H
#define ZTP_KEXLOCK_H

#include "buf.h"
#include "err.h"
#include "sshprof.h"

struct ztp_lockpkg {
	char *name;		/* normalised (PEP 503): "paramiko", "ssh2-python" */
	char *version;		/* pinned (==, ===, a lock entry), or NULL */
	char *spec;		/* a range as written (">=3.5.0,<5"), or NULL */
	char *extras;		/* "par4", or NULL */
	char *where;		/* "uv.lock:12" */
};

struct ztp_lock {
	char *file;
	const char *format;	/* "uv.lock", "poetry.lock", "Pipfile.lock", "pylock.toml",
				 * "requirements", "pyproject.toml" */
	struct ztp_lockpkg *pkg;	/* the SSH packages only */
	size_t n;
	struct ztp_buf notes;	/* what was not evaluated (markers), one per line */
};

/* a client the lock (or the machine) installs */
struct ztp_lockclient {
	const struct ztp_sshprof *prof;	/* NULL: no profile (see what) */
	char *what;		/* "paramiko 5.0.0 (uv.lock:61), netmiko 4.6.0's client" */
	char *fix;		/* how to keep the devices it cuts off, in the lock's terms */
};

struct ztp_lockclients {
	struct ztp_lockclient *c;
	size_t n;
};

/* Read a lockfile or manifest (format from its name, else its content).
 * 0, or a negative ZTP_ERR_* with file:line. */
int ztp_lock_read(const char *path, struct ztp_lock *l, struct ztp_err *e);
void ztp_lock_free(struct ztp_lock *l);

/* The clients l installs, appended to out.  0, or ZTP_ERR_CONFIG when it
 * installs no SSH client this tool has a profile for. */
int ztp_lock_clients(const struct ztp_lock *l, struct ztp_lockclients *out, struct ztp_err *e);
/* The SSH packages installed here (dpkg-query: openssh-client, libssh-4,
 * python3-paramiko, python3-asyncssh, libssh2-1), appended to out. */
int ztp_lock_host(struct ztp_lockclients *out, struct ztp_err *e);
void ztp_lockclients_free(struct ztp_lockclients *cl);

/* The nearest profile of family at or below version ("9.2p1", "0.10.6"),
 * or NULL. */
const struct ztp_sshprof *ztp_lock_profile(int family, const char *version);
/* 1 when version satisfies spec (PEP 440: == != < <= > >= ~= ===, "*"
 * wildcards, comma = and), 0 when not, -1 when spec is not understood */
int ztp_lock_satisfies(const char *version, const char *spec);
/* <0, 0, >0 as strcmp, for PEP 440 release versions */
int ztp_lock_vercmp(const char *a, const char *b);

#endif
