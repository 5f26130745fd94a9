/* dl-ssh.c: the libssh functions ztp uses, as stubs calling the library
 * loaded by ztp_dl_ssh() (see dl.h).  <libssh/libssh.h> checks that every
 * stub has the library's own prototype.  A function newly used anywhere in
 * ztp gets its line here, or the link fails. */
#include "config.h"

#include <libssh/libssh.h>

#include "dl.h"
#include "dl-int.h"

#ifndef ZTP_LIBSSH_SONAME
#define ZTP_LIBSSH_SONAME "libssh.so.4"
#endif

#define SSH_FUNCS(F, V) \
	F(int, ssh_channel_close, (ssh_channel channel), (channel)) \
	V(ssh_channel_free, (ssh_channel channel), (channel)) \
	F(int, ssh_channel_get_exit_status, (ssh_channel channel), (channel)) \
	F(int, ssh_channel_is_closed, (ssh_channel channel), (channel)) \
	F(int, ssh_channel_is_eof, (ssh_channel channel), (channel)) \
	F(ssh_channel, ssh_channel_new, (ssh_session session), (session)) \
	F(int, ssh_channel_open_forward, (ssh_channel channel, const char *remotehost, \
	  int remoteport, const char *sourcehost, int localport), \
	  (channel, remotehost, remoteport, sourcehost, localport)) \
	F(int, ssh_channel_open_session, (ssh_channel channel), (channel)) \
	F(int, ssh_channel_poll, (ssh_channel channel, int is_stderr), (channel, is_stderr)) \
	F(int, ssh_channel_read_nonblocking, (ssh_channel channel, void *dest, uint32_t count, \
	  int is_stderr), (channel, dest, count, is_stderr)) \
	F(int, ssh_channel_read_timeout, (ssh_channel channel, void *dest, uint32_t count, \
	  int is_stderr, int timeout_ms), (channel, dest, count, is_stderr, timeout_ms)) \
	F(int, ssh_channel_request_exec, (ssh_channel channel, const char *cmd), (channel, cmd)) \
	F(int, ssh_channel_request_pty_size, (ssh_channel channel, const char *term, int cols, \
	  int rows), (channel, term, cols, rows)) \
	F(int, ssh_channel_request_shell, (ssh_channel channel), (channel)) \
	F(int, ssh_channel_send_eof, (ssh_channel channel), (channel)) \
	F(int, ssh_channel_write, (ssh_channel channel, const void *data, uint32_t len), \
	  (channel, data, len)) \
	V(ssh_clean_pubkey_hash, (unsigned char **hash), (hash)) \
	F(int, ssh_connect, (ssh_session session), (session)) \
	V(ssh_disconnect, (ssh_session session), (session)) \
	V(ssh_free, (ssh_session session), (session)) \
	F(const char *, ssh_get_cipher_in, (ssh_session session), (session)) \
	F(const char *, ssh_get_error, (void *error), (error)) \
	F(socket_t, ssh_get_fd, (ssh_session session), (session)) \
	F(char *, ssh_get_fingerprint_hash, (enum ssh_publickey_hash_type type, \
	  unsigned char *hash, size_t len), (type, hash, len)) \
	F(const char *, ssh_get_kex_algo, (ssh_session session), (session)) \
	F(int, ssh_get_publickey_hash, (const ssh_key key, enum ssh_publickey_hash_type type, \
	  unsigned char **hash, size_t *hlen), (key, type, hash, hlen)) \
	F(int, ssh_get_random, (void *where, int len, int strong), (where, len, strong)) \
	F(int, ssh_get_server_publickey, (ssh_session session, ssh_key *key), (session, key)) \
	F(const char *, ssh_get_serverbanner, (ssh_session session), (session)) \
	F(int, ssh_init, (void), ()) \
	V(ssh_key_free, (ssh_key key), (key)) \
	F(enum ssh_keytypes_e, ssh_key_type, (const ssh_key key), (key)) \
	F(enum ssh_keytypes_e, ssh_key_type_from_name, (const char *name), (name)) \
	F(const char *, ssh_key_type_to_char, (enum ssh_keytypes_e type), (type)) \
	V(ssh_knownhosts_entry_free, (struct ssh_knownhosts_entry *entry), (entry)) \
	F(ssh_session, ssh_new, (void), ()) \
	F(int, ssh_options_set, (ssh_session session, enum ssh_options_e type, \
	  const void *value), (session, type, value)) \
	F(int, ssh_pki_import_privkey_file, (const char *filename, const char *passphrase, \
	  ssh_auth_callback auth_fn, void *auth_data, ssh_key *pkey), \
	  (filename, passphrase, auth_fn, auth_data, pkey)) \
	F(int, ssh_pki_import_pubkey_base64, (const char *b64_key, enum ssh_keytypes_e type, \
	  ssh_key *pkey), (b64_key, type, pkey)) \
	F(enum ssh_known_hosts_e, ssh_session_get_known_hosts_entry, (ssh_session session, \
	  struct ssh_knownhosts_entry **pentry), (session, pentry)) \
	F(int, ssh_session_update_known_hosts, (ssh_session session), (session)) \
	V(ssh_string_free_char, (char *s), (s)) \
	F(int, ssh_userauth_agent, (ssh_session session, const char *username), \
	  (session, username)) \
	F(int, ssh_userauth_kbdint, (ssh_session session, const char *user, \
	  const char *submethods), (session, user, submethods)) \
	F(int, ssh_userauth_kbdint_getnprompts, (ssh_session session), (session)) \
	F(const char *, ssh_userauth_kbdint_getprompt, (ssh_session session, unsigned int i, \
	  char *echo), (session, i, echo)) \
	F(int, ssh_userauth_kbdint_setanswer, (ssh_session session, unsigned int i, \
	  const char *answer), (session, i, answer)) \
	F(int, ssh_userauth_list, (ssh_session session, const char *username), \
	  (session, username)) \
	F(int, ssh_userauth_none, (ssh_session session, const char *username), \
	  (session, username)) \
	F(int, ssh_userauth_password, (ssh_session session, const char *username, \
	  const char *password), (session, username, password)) \
	F(int, ssh_userauth_publickey, (ssh_session session, const char *username, \
	  const ssh_key privkey), (session, username, privkey)) \
	F(const char *, ssh_version, (int req_version), (req_version))

enum { SSH_FUNCS(ZTP_DL_ENUM_F, ZTP_DL_ENUM_V) DLI_N };

static const char *const dl_names[] = { SSH_FUNCS(ZTP_DL_NAME_F, ZTP_DL_NAME_V) };
static void *dl_fn[DLI_N];
static struct ztp_dl_lib dl_lib = ZTP_DL_LIB("libssh", "ZTP_LIBSSH", ZTP_LIBSSH_SONAME,
					     dl_names, dl_fn);

int ztp_dl_ssh(struct ztp_err *e)
{
	return ztp_dl_load(&dl_lib, e);
}

const char *ztp_dl_ssh_file(void)
{
	return ztp_dl_file(&dl_lib);
}

SSH_FUNCS(ZTP_DL_STUB_F, ZTP_DL_STUB_V)
