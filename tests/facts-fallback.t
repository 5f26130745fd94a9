#!/bin/sh
# facts-fallback.t: ztp-probe live on a Cisco that refuses show inventory
# (the simulator's ws-c4948e, an old release): it falls back to show
# module and learns the modules from it; a box whose show inventory
# answers gets no fallback command.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/sshd.sh"
SIM=$BUILD/tests/sim/ztp-sim
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
U=ztpf$$
sshd_user "$U" "$T/pw" || skip_all "cannot create a test user"
chmod 755 "$T"

PCAT=$(free_port)
PIOS=$(free_port)
sshd_start devs "$PCAT" ed25519 "Port $PIOS" "PasswordAuthentication yes" "SetEnv SHLVL=5" \
	"Match LocalPort $PCAT" \
	"  ForceCommand $SIM --platform cisco_ios --model ws-c4948e --serial SIMCAT1 --hostname cat-r1" \
	"Match LocalPort $PIOS" \
	"  ForceCommand $SIM --platform cisco_ios --serial SIMIOS1 --hostname ios-r1"
printf 'Host cat\n  HostName 127.0.0.1\n  Port %s\nHost ios\n  HostName 127.0.0.1\n  Port %s\n' \
	"$PCAT" "$PIOS" >"$T/ssh_config"
printf 'credentials:\n- {name: factory, username: %s, password: "%s"}\n' "$U" "$(cat "$T/pw")" >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
mkdir -p "$T/spool"
printf 'spool: %s\nsecrets: %s\nssh:\n  timeout: 10\n' "$T/spool" "$T/secrets.yml" >"$T/ztp.yml"
rec() { printf '%s\n' "$out" | grep "\"id\": \"$1\","; }

run ztp-probe -c "$T/ztp.yml" -F "$T/ssh_config" -o json -P cisco_ios cat ios </dev/null
is "$rc" 0 "both devices probed: exit 0"
[ "$rc" = 0 ] || diag "$err"
r=$(rec cat)
like "$r" '"serial": "SIMCAT1"' "no inventory: the serial from show version"
like "$r" '"model": "WS-C4948E"' "and the model"
like "$r" '"slot": "1", "name": null, "model": "WS-C4948E", "serial": "SIMCAT1"' \
	"show module's module 1 is a module"
like "$r" "2 of 3 outputs parsed" "show version, the refused show inventory, show module"
log=$(cat "$T/spool/log/cat.log" 2>/dev/null)
like "$log" "% Invalid input detected" "the box refused show inventory"
like "$log" "show module" "then show module ran"
unlike "$log" "show license udi" "a fallback that parsed ends the fallbacks"
r=$(rec ios)
like "$r" "2 of 2 outputs parsed" "a box that answers show inventory: no fallback"
unlike "$(cat "$T/spool/log/ios.log" 2>/dev/null)" "show module" "show module did not run"
done_testing
