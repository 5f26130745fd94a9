/* cliignore.h: the ssh_config lines an SSH client silently does not read
 * (ztp-kexcheck --client with -F or the default files).
 *
 * OpenSSH reads every line.  netmiko reads only ProxyCommand, ProxyJump,
 * HostName, Port, User and IdentityFile (BaseConnection._use_ssh_config);
 * paramiko's SSHClient reads no ssh_config at all and has no
 * KexAlgorithms option; libssh 0.9 and 0.10 take no '+', '-' or '^' list
 * (a "+a" line is refused and the defaults stay; "+a,b" silently becomes
 * the list "b"); Go x/crypto/ssh and libssh2 read no ssh_config.  Each
 * such line is named with file:line, the reason and the setting the
 * client does read instead. */
#ifndef ZTP_CLIIGNORE_H
#define ZTP_CLIIGNORE_H

#include "buf.h"
#include "err.h"
#include "sshprof.h"

/* Append "file:line: line: reason; instead: setting" lines to out for
 * every line of file (NULL: ~/.ssh/config then /etc/ssh/ssh_config, with
 * their Includes) that p does not read.  The number of lines named, or a
 * negative ZTP_ERR_* (an unreadable -F file). */
int ztp_cliignore_scan(const struct ztp_sshprof *p, const char *file, struct ztp_buf *out,
		       struct ztp_err *e);

#endif
