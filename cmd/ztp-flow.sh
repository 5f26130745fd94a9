#!/bin/sh
# ztp-flow: the provisioning pass over the spool, for cron and for people.
#
#   ztp-flow [-qv] [-c ztp.yml] [-j N] [-s spool] run | watch [-i secs]
#   ztp-flow [-c ztp.yml] [-s spool] [-o text|json] status
#   ztp-flow [-c ztp.yml] [-s spool] show ID | retry ID ... | reprovision ID ...
#
# It composes the tools and nothing else: every decision about a record is
# taken by a tool under the record's claim, so that passes on several hosts
# sharing the spool never do one device twice.  No string from a device or
# a DHCP client is ever evaluated here: ids reach the tools as quoted
# arguments after the spool checked them (letters, digits, . - _).
# See ztp-flow(1).
set -u
prog=ztp-flow

usage() {
	cat >&2 <<'EOF'
usage: ztp-flow [-qv] [-c ztp.yml] [-j N] [-s spool] run
       ztp-flow [-qv] [-c ztp.yml] [-j N] [-s spool] watch [-i seconds]
       ztp-flow [-c ztp.yml] [-s spool] [-o text|json] status
       ztp-flow [-c ztp.yml] [-s spool] show ID
       ztp-flow [-c ztp.yml] [-s spool] retry ID ...
       ztp-flow [-c ztp.yml] [-s spool] reprovision ID ...
EOF
	exit 2
}

say() { [ "$quiet" = 1 ] || printf '%s: %s\n' "$prog" "$*" >&2; }
die() { printf '%s: %s\n' "$prog" "$2" >&2; exit "$1"; }

# the exit status precedence of every ztp tool (ztp(7)): 2 > 75 > 1 > 0
merge() {
	case "$1:$2" in
	2:* | *:2) echo 2 ;;
	75:* | *:75) echo 75 ;;
	1:* | *:1) echo 1 ;;
	0:0) echo 0 ;;
	*) echo 2 ;;
	esac
}

jobs=8 quiet=0 verbose='' outfmt=text
while getopts c:hj:o:qs:v opt; do
	case $opt in
	c) ZTP_CONFIG=$OPTARG; export ZTP_CONFIG ;;
	h) usage ;;
	j) case $OPTARG in '' | *[!0-9]*) die 2 "bad -j '$OPTARG': a number of devices" ;; esac
	   jobs=$OPTARG ;;
	o) case $OPTARG in text | json) outfmt=$OPTARG ;; *) die 2 "bad -o '$OPTARG': text or json" ;; esac ;;
	q) quiet=1 ;;
	s) ZTP_SPOOL=$OPTARG; export ZTP_SPOOL ;;
	v) verbose=-v ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
cmd=$1
shift

# the spool directory, as every tool resolves it (-s, $ZTP_SPOOL, ztp.yml)
spool=$(ztp-spool -T | sed -n 's/^spool: //p' | head -n 1)
case $spool in '') die 2 "cannot tell the spool directory (ztp-spool -T)" ;; esac
spool=${spool#\'}
spool=${spool%\'}
spool=${spool#\"}
spool=${spool%\"}

# one step of a pass: run the tool, merge its status, never stop the pass
status=0
step() {
	what=$1
	shift
	[ -z "$verbose" ] || say "$what: $*"
	"$@"
	rc=$?
	case $rc in
	0 | 1) ;;
	*) say "$what: exit $rc" ;;
	esac
	status=$(merge "$status" "$rc")
}

# The records the console fallback takes: failed in discovered by
# ztp-probe at the device's own hop (error.hop, not the gateway's) with no
# SSH at all (refused; a timeout before the device's SSH answered:
# error.phase tcp, banner, handshake or forward) or an authentication
# failure, whose console field names a line of a rack with a terminal
# server ($racks, one a line), and not handed to the console since a
# person last moved it (retry, reprovision).  One id a line; a record jq
# cannot read is skipped.
# shellcheck disable=SC2016 # jq's $-variables
console_filter='try (
	select((.error | type) == "object" and .error.tool == "ztp-probe"
	       and (.error.stage // "discovered") == "discovered"
	       and .error.hop == "device"
	       and (.console | type) == "string"
	       and ((.console | split(":")[0]) as $r | $racks | split("\n") | index([$r])) != null)
	| select(.error.kind == "refused" or .error.kind == "auth"
	         or (.error.kind == "timeout"
	             and (.error.phase | IN("tcp", "banner", "handshake", "forward"))))
	| select((if (.history | type) == "array" then .history else [] end)
	         | map(if type == "object" then . else {} end)
	         | (map(.result == "retry" or .result == "moved") | rindex(true)) as $p
	         | .[(if $p == null then 0 else $p + 1 end):]
	         | any(.tool == "ztp-console") | not)
	| .id | strings) catch empty'

# the console's failure into the record: it stays failed, with the
# console's words as its error (a kind retry --due leaves to a person)
# and in its history
console_failed() { # ID MESSAGE
	# shellcheck disable=SC2016 # jq's $-variables
	ztp-spool -o json show "$1" 2>/dev/null |
		jq -c --arg at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg m "$2" --arg id "$1" \
			--arg log "$spool/log/console" '
			.error = {tool: "ztp-console", kind: "console", message: $m,
			          fix: ("the console bootstrap failed: the session is in " + $log
			                + "; fix the cause, then ztp-flow retry " + $id),
			          stage: (.error.stage // "discovered")}
			| .history = ((.history // []) + [{at: $at, tool: "ztp-console", stage: "failed",
			                                   result: "error", detail: $m}])' |
		ztp-spool -q commit failed
}

# failed (no SSH, or a refused login) -> discovered through the console
# line of the record's rack: ztp-console --bootstrap, one device at a
# time (a terminal server has few sessions, and the bootstrap waits for
# the device's SSH); sets moved when one got through
console_step() {
	moved=0
	# the racks with a terminal server, as ztp-console reads ztp.yml
	racks=$(ztp-console -T 2>/dev/null | awk '
		/^# racks:$/ { in_racks = 1; next }
		in_racks && /^#   [^ ]+:$/ { r = substr($2, 1, length($2) - 1); next }
		in_racks && r != "" && /^#     terminal_server:$/ { print r; r = "" }')
	# no rack with a terminal server: nothing to say, every pass
	[ -n "$racks" ] || return 0
	if ! command -v jq >/dev/null 2>&1; then
		say "console: cannot look for devices without SSH: jq(1) is not installed (apt-get install jq)"
		return 0
	fi
	ids=$(ztp-spool -o json ls failed 2>/dev/null | jq -r '.id' | while IFS= read -r id; do
		ztp-spool -o json show "$id" 2>/dev/null
	done | jq -r --arg racks "$racks" "$console_filter" 2>/dev/null)
	[ -n "$ids" ] || return 0
	if ! cerr=$(mktemp "${TMPDIR:-/tmp}/ztp-flow.XXXXXX"); then
		say "console: cannot create a temporary file"
		status=$(merge "$status" 75)
		return 0
	fi
	while IFS= read -r id; do
		case $id in '' | *[!A-Za-z0-9._-]*) continue ;; esac
		[ -z "$verbose" ] || say "console: ztp-console --bootstrap $id"
		ztp-console $verbose --bootstrap "$id" >/dev/null 2>"$cerr"
		rc=$?
		[ -z "$verbose" ] || cat "$cerr" >&2
		case $rc in
		0) moved=1 ;;
		75)
			# a busy or dropped line: the next pass tries again
			say "console: $id: the line is busy or dropped (exit 75): tried again by the next pass"
			;;
		*)
			msg=$(sed -n 's/^ztp-console: //p' "$cerr" | grep -v ': retrying$' |
				tr -d '\000-\011\013-\037' | tr '\n' '\036' | sed 's/\x1e$//; s/\x1e/; /g' |
				cut -c 1-1000)
			[ -n "$msg" ] || msg="ztp-console --bootstrap exited $rc"
			say "console: $id: $msg"
			console_failed "$id" "$msg" || status=$(merge "$status" 75)
			;;
		esac
		status=$(merge "$status" "$rc")
	done <<EOF
$ids
EOF
	rm -f "$cerr"
}

pass() {
	step recover ztp-spool -q recover
	step retry ztp-spool -q retry --due
	# discovered -> probed: the kexcheck diagnosis comes with a
	# negotiation failure; the serial becomes the record's id
	step probe ztp-probe $verbose -j "$jobs" --spool
	# no SSH: the console fallback, then the same pass probes what it
	# brought back
	console_step
	[ "$moved" = 0 ] || step probe ztp-probe $verbose -j "$jobs" --spool
	# probed -> configured: render, diff, push, verify, save
	step push ztp-push $verbose -j "$jobs" --spool
	# configured -> done: a fresh login proves the device answers with
	# its new configuration and is the device the record says
	step check ztp-probe $verbose -j "$jobs" --spool --check
	# every stage change of the pass to the hooks and the backend
	step notify ztp-spool -q notify
}

# one pass per host at a time; another host's passes share the work
lockpass() {
	# a mistyped path or an unmounted share is said, never made
	[ -d "$spool/lock" ] ||
		die 2 "cannot use spool '$spool': it is not a spool (no lock/ in it); create it with: ztp-spool -s '$spool' init"
	host=$(uname -n)
	exec 9>>"$spool/lock/flow.$host"
	if ! flock -n 9; then
		# quiet without -v: cron mails whatever a job prints
		[ -z "$verbose" ] || say "a pass runs on $host already; this one stops"
		exit 0
	fi
}

case $cmd in
run)
	[ $# -eq 0 ] || usage
	lockpass
	pass
	exit "$status"
	;;
watch)
	interval=10
	if [ $# -ge 2 ] && [ "$1" = -i ]; then
		case $2 in '' | *[!0-9]*) die 2 "bad -i '$2': seconds" ;; esac
		interval=$2
		shift 2
	fi
	[ $# -eq 0 ] || usage
	lockpass
	say "watching '$spool' (a pass every ${interval}s, and at once on a wake-up)"
	fifo=$spool/lock/flow.wake
	# writable by the other users of the spool (ztp-dhcpd runs as its own
	# user): a line from anyone costs one pass at most
	[ -p "$fifo" ] || mkfifo -m 622 "$fifo" 2>/dev/null
	# the wait runs in the background so that a stop (systemctl stop,
	# kill) ends it at once, not after the interval: sh runs a trap only
	# once its foreground child is over, but interrupts wait
	waiter=
	trap '[ -z "$waiter" ] || kill "$waiter" 2>/dev/null; exit 0' INT TERM
	while :; do
		status=0
		pass
		# a line on the FIFO (the spool's tools write one when they put
		# work into a stage) ends the wait early; a missed one costs
		# only the interval
		if [ -p "$fifo" ]; then
			# shellcheck disable=SC2016 # $1 is the inner shell's
			timeout "$interval" sh -c 'read -r _ <"$1"' sh "$fifo" 2>/dev/null &
		else
			sleep "$interval" &
		fi
		waiter=$!
		wait "$waiter"
		waiter=
	done
	;;
status)
	[ $# -eq 0 ] || usage
	exec ztp-spool -o "$outfmt" status
	;;
show)
	[ $# -eq 1 ] || usage
	id=$1
	ztp-spool show "$id" || exit $?
	printf '\n# files\n'
	for f in "$spool/log/$id.log" "$spool/log/console/$id.log"; do
		[ -e "$f" ] && printf 'transcript: %s\n' "$f"
	done
	exit 0
	;;
retry)
	[ $# -ge 1 ] || usage
	exec ztp-spool retry "$@"
	;;
reprovision)
	[ $# -ge 1 ] || usage
	# back to the start: fresh facts, then the push again
	exec ztp-spool move discovered "$@"
	;;
*)
	printf '%s: unknown command '\''%s'\''\n' "$prog" "$cmd" >&2
	usage
	;;
esac
