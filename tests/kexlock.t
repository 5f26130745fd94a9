#!/bin/sh
# ztp-kexcheck --lock and --host: the SSH clients a lockfile (or this
# machine) installs, judged against a rack's saved offers.  Two sshd
# configured like old IOS (SHA-1 key exchange, ssh-rsa, hmac-sha1) and a
# modern one are scanned once; every lock format is replayed against the
# offers.  The lockfiles in tests/fixtures/lock are hand-written in the
# layout of the real tools (no network here to run uv, poetry, pipenv or
# pip-compile; uv is not in Debian); a real Pipfile.lock on this machine,
# when there is one, is read too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sshd.sh"
FX=$TOP/tests/fixtures/lock
P1=$(free_port) P2=$(free_port) P3=$(free_port)
for n in 1 2; do
	eval "p=\$P$n"
	sshd_start "ios$n" "$p" rsa "KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1" \
		"HostKeyAlgorithms ssh-rsa" "Ciphers aes128-ctr,aes128-cbc" "MACs hmac-sha1" || exit 1
done
sshd_start modern "$P3" ed25519 || exit 1
IOS1=127.0.0.1:$P1 IOS2=127.0.0.1:$P2 NEW=127.0.0.1:$P3
run ztp-kexcheck -F /dev/null -o json "$IOS1" "$IOS2" "$NEW"
printf '%s\n' "$out" >"$T/offers.json"
is "$(grep -c '"offer"' "$T/offers.json")" 3 "the rack's three offers are saved"

# replay LOCK [more options]: the guard as a CI job runs it
replay() { run ztp-kexcheck -F /dev/null --replay "$T/offers.json" --lock "$@"; }

# ---- the incident: uv.lock with netmiko 4.6.0 and paramiko 5.0.0
replay "$FX/incident/uv.lock"
is "$rc" 1 "incident uv.lock: the guard fails (exit 1)"
like "$out" "client: paramiko 5.0.0 ($FX/incident/uv.lock:57), the client of netmiko 4.6.0 ($FX/incident/uv.lock:40): judged as paramiko-5.0" \
	"incident: paramiko 5.0.0 from the lock, as netmiko's client, with file:line"
cut=$(printf '%s\n' "$out" | grep 'CUTS OFF')
like "$cut" "paramiko-5.0 CUTS OFF 2 devices as configured now: $IOS1, $IOS2" "incident: both IOS devices are named"
unlike "$cut" "$NEW" "incident: the modern device is not"
like "$out" "fix: pin paramiko<5: uv add 'paramiko<5'" "incident: the fix in uv's terms"
like "$out" "'netmiko[par4]'" "incident: and netmiko's par4 extra"
like "$out" "diffie-hellman-group14-sha1" "incident: the removed algorithms are named"

replay "$FX/incident/uv.lock" -o json
is "$rc" 1 "incident, JSON: exit 1"
is "$(printf '%s\n' "$out" | tail -n 1 | python3 -c 'import json,sys; d=json.load(sys.stdin); c=d["clients"][0]; print(c["client"], sorted(c["cut_off"]) == sorted(sys.argv[1:]), "fix" in c)' "$IOS1" "$IOS2")" \
	"paramiko-5.0 True True" "incident, JSON: the last line lists the devices cut off and the fix"

# ---- locks that are safe
replay "$FX/safe/uv.lock"
is "$rc" 0 "uv.lock with netmiko 4.7.0 and paramiko 4.0.0: exit 0"
like "$out" "paramiko-4.0: connects to every device" "safe uv.lock: paramiko 4.0 connects to every device"
replay "$FX/poetry.lock"
is "$rc" 0 "poetry.lock with paramiko 3.5.1: exit 0"
like "$out" "client: paramiko 3.5.1 ($FX/poetry.lock:35), the client of netmiko 4.6.0 ($FX/poetry.lock:16): judged as paramiko-3.5" \
	"poetry.lock: paramiko and netmiko found with their lines"
replay "$FX/pylock.toml"
is "$rc" 0 "pylock.toml with asyncssh 2.24.0 and paramiko 3.5.1: exit 0"
like "$out" "client: asyncssh 2.24.0 ($FX/pylock.toml:8): judged as asyncssh-2.24" "pylock.toml: asyncssh found"
like "$out" "asyncssh-2.24: connects to every device" "pylock.toml: asyncssh connects (group14-sha1 and ssh-rsa on by default)"

# ---- locks that cut devices off
replay "$FX/Pipfile.lock"
is "$rc" 1 "Pipfile.lock with paramiko 5.1.0: exit 1"
like "$out" "client: paramiko 5.1.0 ($FX/Pipfile.lock:" "Pipfile.lock: paramiko 5.1.0 found"
like "$out" "fix: pin paramiko<5: pipenv install 'paramiko<5'" "Pipfile.lock: the fix in pipenv's terms"
replay "$FX/requirements.txt"
is "$rc" 1 "requirements.txt (hashes, continuations, -r) with paramiko 5.0.0: exit 1"
like "$out" "client: paramiko 5.0.0 ($FX/requirements.txt:15)" "requirements.txt: the pin on a continued line with a marker"
like "$out" "the environment marker 'python_version >= \"3.9\"' is not evaluated" "requirements.txt: the marker is named, not evaluated"
like "$out" "client: scrapli 2025.1.30 ($FX/base.txt:4): no profile" "requirements.txt: scrapli from the -r file, no profile"
like "$out" "fix: pin paramiko<5: paramiko==4.0.0 at $FX/requirements.txt:15" "requirements.txt: the fix names the line"

# ---- manifests with ranges only: the newest the range allows
replay "$FX/pyproject.toml"
is "$rc" 1 "pyproject.toml with paramiko>=3.5.0: exit 1"
like "$out" "paramiko >=3.5.0 ($FX/pyproject.toml:8), a range: the newest it allows among the profiles' releases is 5.1.0" \
	"pyproject.toml: the newest paramiko the range allows"
like "$out" "asyncssh-2.24: connects to every device" "pyproject.toml: the optional asyncssh too"
replay "$FX/requirements-range.txt"
is "$rc" 0 "netmiko>=4.6,<4.8: exit 0 (netmiko 4.7 pins paramiko<5)"
like "$out" "allows at most netmiko 4.7.0; it requires paramiko<5.0,>=3.5.0" "netmiko range: its own paramiko requirement"
printf 'netmiko==4.6.0\n' >"$T/requirements.txt"
replay "$T/requirements.txt"
is "$rc" 1 "netmiko==4.6.0 alone: exit 1 (its paramiko>=2.9.5 allows paramiko 5)"
like "$out" "it requires paramiko>=2.9.5 and no paramiko is pinned: the newest allowed is 5.1.0" "netmiko 4.6.0: why"
printf 'netmiko[par4]==4.8.0\n' >"$T/requirements.txt"
replay "$T/requirements.txt"
is "$rc" 0 "netmiko[par4]==4.8.0: exit 0 (the extra installs paramiko 4)"
printf 'paramiko>=3.5.0  # no upper bound\n' >"$T/requirements.txt"
replay "$T/requirements.txt"
is "$rc" 1 "paramiko>=3.5.0: exit 1"
printf 'paramiko~=3.5\n' >"$T/requirements.txt"
replay "$T/requirements.txt"
is "$rc" 0 "paramiko~=3.5: exit 0 (at most 3.5.1)"

# ---- malformed: file:line, exit 2, never a verdict
bad() { # NAME FILE WANT-MESSAGE
	replay "$2"
	is "$rc" 2 "$1: exit 2"
	like "$err" "$3" "$1: the message names the place"
	unlike "$out" "connects" "$1: no verdict"
}
printf 'version = 1\n\n[[package]]\nname = "paramiko\nversion = "5.0.0"\n' >"$T/uv.lock"
bad "a string not closed" "$T/uv.lock" "$T/uv.lock:4: newline inside a one-line string"
printf 'version = 1\n\n[[package]]\nname = "paramiko"\nsource = { registry = "https://pypi.org/simple" }\n' >"$T/uv.lock"
bad "paramiko without a version" "$T/uv.lock" "$T/uv.lock:3: 'paramiko' has no version"
printf 'version = 1\n[[package]]\nname = "paramiko"\nversion = "4.0.0"\nversion = "5.0.0"\n' >"$T/uv.lock"
bad "a key given twice" "$T/uv.lock" "$T/uv.lock:5: key 'version' defined twice"
printf 'version = 2\n[[package]]\nname = "paramiko"\nversion = "5.0.0"\n' >"$T/uv.lock"
bad "a uv.lock of another version" "$T/uv.lock" "$T/uv.lock:1: not a uv.lock of version 1"
printf '[[package]]\nname = "paramiko"\nversion = 5.0.0\n\n[metadata]\nlock-version = "2.0"\n' >"$T/poetry.lock"
bad "a version without quotes" "$T/poetry.lock" "$T/poetry.lock:3: bad value '5.0.0'"
printf '{\n  "_meta": {},\n  "default": {\n    "paramiko": {"version": "==5.0.0"\n' >"$T/Pipfile.lock"
bad "a Pipfile.lock cut short" "$T/Pipfile.lock" "$T/Pipfile.lock"
printf '{\n  "_meta": {},\n  "default": {\n    "paramiko": {"git": "https://github.com/paramiko/paramiko"}\n  }\n}\n' >"$T/Pipfile.lock"
bad "a Pipfile.lock entry without a version" "$T/Pipfile.lock" "$T/Pipfile.lock:4: \"paramiko\" has no \"version\""
printf 'lock-version = "2.0"\n[[packages]]\nname = "paramiko"\nversion = "5.0.0"\n' >"$T/pylock.toml"
bad "a pylock.toml of another version" "$T/pylock.toml" "$T/pylock.toml:1: lock-version '2.0' is not 1.x"
printf 'netmiko==4.6.0\n--frobnicate\n' >"$T/requirements.txt"
bad "an unknown option" "$T/requirements.txt" "$T/requirements.txt:2: unknown option '--frobnicate'"
printf 'paramiko==4.0.0\nparamiko==5.0.0\n' >"$T/requirements.txt"
bad "two pins" "$T/requirements.txt" "$T/requirements.txt:2: paramiko 5.0.0, but $T/requirements.txt:1 pins 4.0.0"
printf 'paramiko @ https://example.net/paramiko-5.0.0.tar.gz\n' >"$T/requirements.txt"
bad "a URL requirement" "$T/requirements.txt" "$T/requirements.txt:1: 'paramiko' comes from a URL"
printf -- '-e git+https://github.com/paramiko/paramiko#egg=paramiko\n' >"$T/requirements.txt"
bad "an editable checkout" "$T/requirements.txt" "$T/requirements.txt:1: paramiko is installed from a checkout"
printf -- '-r %s\n' "$T/requirements.txt" >"$T/requirements.txt"
bad "an include loop" "$T/requirements.txt" "includes nested more than 8 deep"
printf -- '-r missing.txt\n' >"$T/requirements.txt"
bad "a missing include" "$T/requirements.txt" "missing.txt"
printf 'pyyaml==6.0.2\n' >"$T/requirements.txt"
replay "$T/requirements.txt"
is "$rc" 2 "a lock without an SSH client: exit 2"
like "$err" "installs no SSH client this tool has a profile for" "a lock without an SSH client: said so"
printf 'ssh2-python==1.1.2\n' >"$T/requirements.txt"
replay "$T/requirements.txt"
is "$rc" 2 "ssh2-python only: exit 2 (no profile, never a guess)"
like "$out" "ssh2-python 1.1.2 ($T/requirements.txt:1): no profile: its wheels embed a libssh2 whose version is not known" \
	"ssh2-python: no profile, and why"
# a real Pipfile.lock written by pipenv, when this machine has one
REAL=$(find /usr/lib /usr/share -name Pipfile.lock 2>/dev/null | head -n 1)
if [ -n "$REAL" ]; then
	replay "$REAL"
	is "$rc" 2 "a real Pipfile.lock ($REAL): read, no SSH client in it"
	like "$err" "installs no SSH client" "the real Pipfile.lock parses"
fi

# ---- --host: the SSH packages of this machine, from dpkg
if command -v dpkg-query >/dev/null && sv=$(dpkg-query -W -f='${Version}' openssh-client 2>/dev/null) && [ -n "$sv" ]; then
	run ztp-kexcheck -F /dev/null --replay "$T/offers.json" --host
	up=$(printf %s "$sv" | sed 's/^[0-9]*://; s/-[^-]*$//')
	like "$out" "client: openssh-client $sv (dpkg): judged as openssh-" "--host: openssh-client from dpkg"
	like "$out" "the nearest profile at or below $up" "--host: says which version the profile stands for"
	case $up in
	9.[2-9]*|1[0-9].*)
		is "$rc" 1 "--host: OpenSSH $up does not connect to the IOS devices as configured (exit 1)"
		like "$out" "CUTS OFF 2 devices as configured now: $IOS1, $IOS2" "--host: names them" ;;
	esac
	for p in libssh-4 python3-paramiko; do
		v=$(dpkg-query -W -f='${Version} ${db:Status-Abbrev}' "$p" 2>/dev/null) || continue
		case $v in *' ii'*) like "$out" "client: $p ${v% ii*} (dpkg)" "--host: $p from dpkg" ;; esac
	done
else
	diag "no dpkg-query or openssh-client: --host not tested"
fi
done_testing
