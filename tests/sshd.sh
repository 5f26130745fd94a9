# tests/sshd.sh: real OpenSSH servers for the tests (sourced after lib.sh).
#
#   sshd_start NAME PORT KEYTYPE [config lines...]
#
# Starts /usr/sbin/sshd -D on 127.0.0.1:PORT with a host key of KEYTYPE
# (rsa, ed25519, ecdsa) in $T/NAME/, root allowed with the key
# $T/client_key (made once), logs in $T/NAME/log, stopped by PID at exit.
# Extra arguments are sshd_config lines (algorithms, ForceCommand, ...).
[ -x /usr/sbin/sshd ] || skip_all "OpenSSH server not installed"
[ "$(id -u)" = 0 ] || skip_all "needs root to run sshd"
mkdir -p /run/sshd

sshd_client_key() {
	[ -f "$T/client_key" ] || ssh-keygen -q -t ed25519 -N '' -C ztp-test -f "$T/client_key"
	cat "$T/client_key.pub" >"$T/authorized_keys"
	chmod 600 "$T/authorized_keys"
}

sshd_start() {
	_name=$1 _port=$2 _kt=$3
	shift 3
	mkdir -p "$T/$_name"
	sshd_client_key
	[ -f "$T/$_name/host_key" ] || ssh-keygen -q -t "$_kt" -N '' -f "$T/$_name/host_key"
	{
		printf '%s\n' "Port $_port" "ListenAddress 127.0.0.1" "HostKey $T/$_name/host_key" \
			"PidFile $T/$_name/sshd.pid" "AuthorizedKeysFile $T/authorized_keys" \
			"PermitRootLogin prohibit-password" "StrictModes no" "UsePAM no" \
			"KbdInteractiveAuthentication no"
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$T/$_name/sshd_config"
	_up="Server listening on 127.0.0.1 port $_port."
	_n0=$(grep -cF "$_up" "$T/$_name/log" 2>/dev/null)
	/usr/sbin/sshd -D -e -f "$T/$_name/sshd_config" 2>>"$T/$_name/log" &
	_pid=$!
	bg_pid "$_pid"
	eval "SSHD_PID_$_name=$_pid"
	# up when this sshd says it listens: something else answering on the
	# port (another test's server) is not this one
	_i=0
	while [ "$(grep -cF "$_up" "$T/$_name/log")" -le "${_n0:-0}" ]; do
		if ! kill -0 "$_pid" 2>/dev/null || [ $_i -ge 100 ]; then
			ok 1 "sshd $_name listens on port $_port" # a failure, with its cause
			_note <"$T/$_name/log"
			return 1
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
}

sshd_stop() { # sshd_stop NAME
	eval "_pid=\${SSHD_PID_$1:-}"
	[ -n "$_pid" ] || return 0
	kill "$_pid" 2>/dev/null
	while kill -0 "$_pid" 2>/dev/null; do sleep 0.05; done
}

# a local user with a password, for password authentication tests
# (removed at exit); the password is written to FILE, never to argv
sshd_user() { # sshd_user NAME PASSWORD-FILE
	id "$1" >/dev/null 2>&1 || useradd -M -d / -s /bin/sh "$1" || return 1
	on_exit "userdel '$1' 2>/dev/null"
	head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$2"
	chmod 600 "$2"
	printf '%s:%s\n' "$1" "$(cat "$2")" | chpasswd
}
