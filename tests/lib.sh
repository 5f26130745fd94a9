# tests/lib.sh: TAP helpers for the shell tests (sourced by tests/*.t).
#
#   . "$(dirname "$0")/lib.sh"
#   run ztp-spool ls            # sets $out $err $rc (stdout, stderr, status)
#   is "$rc" 0 "ls succeeds"; like "$out" "discovered" "shows the stage"
#   done_testing
#
# $TOP is the source tree, $BIN the tools under test (the sanitizer build
# when make check set ZTP_BUILD), $SHARED ../shared, $T a scratch directory
# removed at exit.  Daemons a test starts are recorded with `bg_pid PID` and
# stopped by PID at exit (also on HUP, INT, PIPE, TERM), never by name.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${ZTP_BUILD:-.}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
BIN=$BUILD/cmd
SHARED=${ZTP_SHARED:-$TOP/../shared}
case $SHARED in /*) ;; *) SHARED=$TOP/$SHARED ;; esac
PATH=$BIN:$TOP/cmd:$PATH
export PATH TOP BUILD BIN SHARED
# sanitizer reports fail the test, and never hide in a pipe
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

mkdir -p "$TOP/tests/.tmp"
T=$(mktemp -d "$TOP/tests/.tmp/$(basename "$0" .t).XXXXXX")
_tap_n=0
_tap_fail=0
_tap_last=0
_bg_pids=
_cleanups=

bg_pid() { _bg_pids="$_bg_pids $1"; }
on_exit() { _cleanups="$1; $_cleanups"; }
_finish() {
	for p in $_bg_pids; do kill "$p" 2>/dev/null; done
	for p in $_bg_pids; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$p" 2>/dev/null
	done
	eval "$_cleanups" 2>/dev/null
	[ -f "$T/.ports" ] && while read -r p; do rmdir "$ZTP_PORTS/$p"; done <"$T/.ports" 2>/dev/null
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$T"
}
trap _finish EXIT
# a test prove gives up on (its pipe closed, its terminal gone, Ctrl-C)
# still stops its daemons: every signal that ends it goes through EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

ok() { # ok STATUS NAME: STATUS 0 passes
	_tap_n=$((_tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_tap_n - $2"
		_tap_last=0
	else
		echo "not ok $_tap_n - $2"
		_tap_fail=$((_tap_fail + 1))
		_tap_last=1
		_faillog "not ok $_tap_n - $2"
	fi
}
# what a failure says is a TAP comment (prove shows it with -v only), and
# kept in $ZTP_FAILLOG when make check set it, so that the end of the run
# says why a test failed
_faillog() {
	[ -n "${ZTP_FAILLOG:-}" ] || return 0
	printf '%s: %s\n' "${0#"$TOP"/}" "$1" >>"$ZTP_FAILLOG"
}
_note() { # lines of stdin as comments of the last result
	sed 's/^/# /' | while IFS= read -r _l; do
		printf '%s\n' "$_l"
		[ "$_tap_last" = 0 ] || _faillog "$_l"
	done
}
is() { # is GOT WANT NAME
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"
		printf '%s\n' "got:" "$1" "want:" "$2" | sed 's/^/  /' | _note
	fi
}
like() { # like GOT SUBSTRING NAME
	case $1 in *"$2"*) ok 0 "$3" ;; *)
		ok 1 "$3"
		printf '%s\n' "got:" "$1" "wanted a part: $2" | sed 's/^/  /' | _note ;;
	esac
}
unlike() { # unlike GOT SUBSTRING NAME
	case $1 in *"$2"*)
		ok 1 "$3"
		printf '%s\n' "got:" "$1" "did not want: $2" | sed 's/^/  /' | _note ;;
	*) ok 0 "$3" ;; esac
}
diag() { printf '%s\n' "$*" | _note; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
done_testing() { echo "1..$_tap_n"; [ "$_tap_fail" = 0 ]; exit $?; }
need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root ($1)"; }

# sim_chop: with ZTP_SIM_CHOP=N in the environment, $SIM (the simulator)
# becomes a script that runs it with --chop N: every output in pieces of
# 1..N bytes, as a loaded box or a slow console line delivers it.  The
# script names its values (sshd's ForceCommand passes no environment), so
# $SIM keeps working as one word, in a command line and as a ForceCommand.
sim_chop() {
	[ -n "${ZTP_SIM_CHOP:-}" ] || return 0
	case $ZTP_SIM_CHOP in
	*[!0-9]* | 0*) echo "Bail out! ZTP_SIM_CHOP must be a number of bytes (got '$ZTP_SIM_CHOP')"; exit 1 ;;
	esac
	case $SIM in
	*"'"*) echo "Bail out! ZTP_SIM_CHOP: the simulator's path has a quote in it"; exit 1 ;;
	esac
	printf '#!/bin/sh\nexec '\''%s'\'' --chop %s "$@"\n' "$SIM" "$ZTP_SIM_CHOP" >"$T/ztp-sim-chop" &&
		chmod 755 "$T/ztp-sim-chop" || return 1
	SIM=$T/ztp-sim-chop
}

# run CMD...: capture stdout in $out, stderr in $err, status in $rc
run() {
	"$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}
# run_in INPUT CMD...: like run, with INPUT on stdin
run_in() {
	_in=$1
	shift
	printf '%s' "$_in" | "$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}

# a TCP port free on 127.0.0.1 and held for this test until it exits: the
# kernel's choice is free only now, and the tests running beside this one
# (prove -j) draw from the same range, so each port is also reserved with
# an atomic mkdir in a directory every test shares; another test skips it
# (a reservation whose test died is skipped too, never taken over)
ZTP_PORTS=${ZTP_PORTS:-${TMPDIR:-/tmp}/ztp-test-ports}
free_port() {
	mkdir -p "$ZTP_PORTS" 2>/dev/null
	while :; do
		_p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])') || return 1
		if mkdir "$ZTP_PORTS/$_p" 2>/dev/null; then
			echo "$_p" >>"$T/.ports" # released by _finish (this runs in $(...))
			echo "$_p"
			return 0
		fi
	done
}
# wait_port PORT [SECONDS]: until something listens on 127.0.0.1:PORT
wait_port() {
	_i=0
	while [ $_i -lt $((${2:-10} * 10)) ]; do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
