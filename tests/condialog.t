#!/bin/sh
# The console dialog engine (lib/condialog.c) against the simulator on a pty,
# as on a terminal server's serial line: each factory dialog, the logins of
# the terminal server and of the device, syslog messages inside prompts,
# configuration mode and a pager left open, boot loaders, deadlines, a
# dropped line, and secrets kept out of the transcript; then through
# ser2net, where the line keeps its state between connections.
. "$(dirname "$0")/lib.sh"

H=$BUILD/tests/unit/h-condialog
SIM=$BUILD/tests/sim/ztp-sim
if [ ! -x "$H" ] || [ ! -x "$SIM" ]; then
	skip_all "h-condialog or ztp-sim is not built (make check-build)"
fi
sim_chop	# ZTP_SIM_CHOP=N: its output in pieces of 1..N bytes

DEVPW=Devpass123
ENSEC=Enable12345X
FACSEC=Factory987Z
TSPW=tsp4ss
printf 'device admin:%s\nenable %s\nfactory %s\n' "$DEVPW" "$ENSEC" "$FACSEC" >"$T/dev.sec"
printf 'server tsuser:%s\ndevice admin:%s\n' "$TSPW" "$DEVPW" >"$T/ts.sec"

# con NAME SECRETS [ENGINE-OPTIONS...] -- SIM-OPTIONS...: the engine and
# "show version" (display version on VRP) over a pty running the sim;
# $out $err $rc, the transcript in $T/NAME.tr
con() {
	_n=$1
	_s=$2
	shift 2
	run "$H" -f "$_s" -s 8 -T "$T/$_n.tr" "$@"
	tr=$(cat "$T/$_n.tr")
}

# no secret in a transcript
clean_tr() {
	case $tr in
	*"$DEVPW"* | *"$ENSEC"* | *"$FACSEC"* | *"$TSPW"*) ok 1 "$1: a secret is in the transcript" ;;
	*) ok 0 "$1: no secret in the transcript" ;;
	esac
}

# ---- the Cisco initial configuration dialog, IOS form
con ios "$T/dev.sec" -c 'show version' -- "$SIM" --console --initial-dialog
is "$rc" 0 "ios dialog: a usable CLI"
like "$out" "event: answered the initial configuration dialog: no
event: pressed RETURN to get started" "ios dialog: answered no, then RETURN"
like "$out" "owns: 1" "ios dialog: the console path owns the device now"
like "$out" "== show version
Cisco IOS Software, IOSv Software" "ios dialog: show version comes back clean"
clean_tr "ios dialog"

# ---- IOS-XE 17: autoinstall, the dialog with its enable secret and menu
con xe17 "$T/dev.sec" -c 'show version' -- "$SIM" --platform cisco_iosxe --console --autoinstall --dialog17
is "$rc" 0 "xe17: a usable CLI"
like "$out" "event: stopped autoinstall
event: PnP discovery stopped by the console input
event: answered the initial configuration dialog: no
event: set the enable secret in the initial dialog
event: left the setup menu with 0: to the prompt, nothing saved" "xe17: autoinstall, dialog, secret, menu"
like "$out" "Cisco IOS XE Software" "xe17: show version"
like "$tr" "Enter enable secret: <redacted>" "xe17: the enable secret is redacted where it was typed"
clean_tr "xe17"
printf 'enable short\n' >"$T/weak.sec"
con weak "$T/weak.sec" -- "$SIM" --platform cisco_iosxe --console --dialog17
is "$rc" 2 "xe17: a secret the device refuses is a configuration error"
like "$err" "the device refused it" "xe17: and says so"

# ---- refusing factory dialogs
con refuse "$T/dev.sec" -R -- "$SIM" --platform cisco_iosxe --console --autoinstall
is "$rc" 2 "refuse: stops at autoinstall"
like "$err" "stop at the device's autoinstall ('Would you like to terminate autoinstall? [yes]:')" \
	"refuse: names the dialog and its line"
unlike "$out" "owns: 1" "refuse: the device's ZTP is not stopped"

# ---- NX-OS POAP
con poap "$T/dev.sec" -c 'show version' -- "$SIM" --platform cisco_nxos --console --poap
is "$rc" 0 "poap: a usable CLI"
like "$out" "event: stopped Power On Auto Provisioning
event: set the admin password
event: answered the initial configuration dialog: no
event: logged in to the device as admin" "poap: abort, admin password, basic dialog, login"
like "$out" "platform: cisco_nxos" "poap: the platform is known"
like "$out" "Cisco Nexus Operating System" "poap: show version"
clean_tr "poap"

# ---- IOS-XR first user, with syslog messages on the questions' lines
con xr "$T/dev.sec" -c 'show version' -- "$SIM" --platform cisco_xr --console --first-user --syslog-dialog
is "$rc" 0 "xr: a usable CLI despite envmon messages inside the questions"
like "$out" "event: created the root-system user admin" "xr: root-system user created"
like "$out" "Cisco IOS XR Software" "xr: show version"
like "$tr" "Enter secret: RP/0/RP0/CPU0:Jun 30" "xr: the message was printed into the question"
clean_tr "xr"
printf 'device admin:\n' >"$T/nosec.sec"
con xrno "$T/nosec.sec" -- "$SIM" --platform cisco_xr --console --first-user
is "$rc" 2 "xr: no secret to set is a configuration error"
like "$err" "answer the IOS-XR root-system user: the device insists on a secret" "xr: says which dialog"

# ---- JunOS Amnesiac: root without a password, the shell, cli
con junos "$T/dev.sec" -c 'show version' -- "$SIM" --platform juniper_junos --console --amnesiac
is "$rc" 0 "amnesiac: a usable CLI"
like "$out" "event: the JunOS device has no configuration (Amnesiac)" "amnesiac: noticed"
like "$out" "event: started the CLI from the shell" "amnesiac: cli from the shell"
like "$out" "at the CLI prompt 'root>'" "amnesiac: root>"
like "$out" "Model: mx240" "amnesiac: show version"

# ---- Huawei: first-login password, Auto-Config, VRP syslog messages
con vrp "$T/dev.sec" -c 'display version' -- "$SIM" --platform huawei_vrp --console --first-login \
	--auto-config --syslog-dialog
is "$rc" 0 "vrp: a usable CLI"
like "$out" "event: set the console password at the first login" "vrp: console password set"
like "$out" "event: stopped Auto-Config" "vrp: Auto-Config stopped"
like "$out" "owns: 1" "vrp: the console path owns the device"
like "$out" "VRP (R) software" "vrp: display version"
clean_tr "vrp"

# ---- EOS in Zero Touch Provisioning: admin without a password, ZTP left running
con eos "$T/ts.sec" -c 'show version' -- "$SIM" --platform arista_eos --console --eos-ztp --syslog-dialog
is "$rc" 0 "eos ztp: a usable CLI"
like "$out" "Zero Touch Provisioning mode: left running (zerotouch cancel reloads the switch)" \
	"eos ztp: reported, not cancelled"
like "$out" "event: logged in to the device as admin" "eos ztp: the factory login"
unlike "$out" "terminal server" "eos ztp: the terminal server's login is not tried on the device"
like "$out" "Arista" "eos ztp: show version"

# ---- a terminal server's own login, then the device's
con ts "$T/ts.sec" -c 'show version' -- "$SIM" --console --ts-login "tsuser:$TSPW" --login "admin:$DEVPW" \
	--syslog-dialog
is "$rc" 0 "ts: both logins"
like "$out" "event: logged in to the terminal server as tsuser
event: pressed RETURN to get started
event: logged in to the device as admin" "ts: server first, then the device"
clean_tr "ts"
printf 'server tsuser:wrong\ndevice admin:%s\n' "$DEVPW" >"$T/badts.sec"
con badts "$T/badts.sec" -- "$SIM" --console --ts-login "tsuser:$TSPW" --login "admin:$DEVPW"
is "$rc" 2 "ts: a refused login is an error"
like "$out" "event: login to the terminal server as tsuser refused" "ts: says which login failed"

# ---- secrets echoed back a byte at a time stay out of the transcript
con echo "$T/dev.sec" -- "$SIM" --console --login "admin:$DEVPW" --enable-secret "$ENSEC" --echo-secrets
is "$rc" 0 "echo: logged in and enabled"
clean_tr "echo"
like "$tr" "Password: <redacted>" "echo: the echoed password is redacted"

# ---- configuration mode and a pager left open by the last user
con open "$T/dev.sec" -c 'show version' -- "$SIM" --platform cisco_xr --console --left-open
is "$rc" 0 "left open (xr): a usable CLI"
like "$out" "event: left configuration mode ('RP/0/RSP0/CPU0:router(config)#')
event: discarded the uncommitted changes left in configuration mode" "left open (xr): end, no commit"
like "$out" "at the CLI prompt 'RP/0/RSP0/CPU0:router#'" "left open (xr): at the exec prompt"
con jopen "$T/dev.sec" -- "$SIM" --platform juniper_junos --console --left-open
is "$rc" 0 "left open (junos): a usable CLI"
like "$out" "at the CLI prompt 'user@router>'" "left open (junos): exit configuration-mode"
con pager "$T/dev.sec" -c 'show clock' -- "$SIM" --console --pager-open
is "$rc" 0 "pager: a usable CLI"
like "$out" "event: stopped a pager left running" "pager: stopped"

# ---- a syslog message right after the CLI prompt
con slog "$T/dev.sec" -c 'show version' -- "$SIM" --console --initial-dialog --syslog-dialog
is "$rc" 0 "syslog: prompt found under the messages"
like "$out" "Cisco IOS Software" "syslog: show version clean"

# ---- boot loaders: reported, driven only when asked
for bl in rommon switch grub loader; do
	if [ $bl = rommon ]; then a=--rommon; else a="--bootloader $bl"; fi
	# shellcheck disable=SC2086
	con bl-$bl "$T/dev.sec" -- "$SIM" --console $a
	is "$rc" 2 "$bl: not driven"
	like "$err" "the device is at its boot loader" "$bl: reported"
done
con boot "$T/dev.sec" -b -c 'show version' -- "$SIM" --console --rommon
is "$rc" 0 "rommon: booted when asked"
like "$out" "event: booted from ROMMON" "rommon: the event says so"

# ---- deadlines and a dropped line
# (each wait 2 s, not the 8 s of the others: this one is waited out)
con mute "$T/dev.sec" -s 2 -- "$SIM" --mute --motd 'BOOTING please wait'
is "$rc" 75 "mute: a temporary failure"
like "$err" "wait for the console to answer the wake-up (CR): nothing usable within 2 s" \
	"mute: names what it waited for"
like "$err" "last line seen 'BOOTING please wait'" "mute: and the last line it saw"
con drop "$T/dev.sec" -c 'show version' -- "$SIM" --console --drop-on 'show version'
is "$rc" 2 "drop: the line closed mid-output"
like "$err" "run 'show version'" "drop: says during which command"

# ---- facts over the console: the probe's commands and parsers, the same
# facts as ztp-probe reading the same device's outputs
# out1 NAME PLATFORM CMD: the sim's output of CMD (as ssh HOST CMD gives it)
out1() {
	"$SIM" --platform "$2" --serial "CON$1" --exec "$3" >"$T/$1.$(printf '%s' "$3" | tr ' ' _)"
	printf '%s=%s' "$3" "$T/$1.$(printf '%s' "$3" | tr ' ' _)"
}
# same_facts NAME PLATFORM SIM-OPTIONS...
same_facts() {
	_n=$1
	_p=$2
	shift 2
	con "$_n" "$T/dev.sec" -P -- "$SIM" --platform "$_p" --serial "CON$_n" "$@"
	is "$rc" 0 "facts $_n: probed over the console"
	printf '%s\n' "$out" | sed -n 's/^facts: //p' >"$T/$_n.con.json"
	case $_p in
	juniper_junos) "$BIN/ztp-probe" -o json -P "$_p" -r "$(out1 "$_n" "$_p" 'show version')" \
		-r "$(out1 "$_n" "$_p" 'show chassis hardware')" >"$T/$_n.probe.json" ;;
	huawei_vrp) "$BIN/ztp-probe" -o json -P "$_p" -r "$(out1 "$_n" "$_p" 'display version')" \
		-r "$(out1 "$_n" "$_p" 'display device')" -r "$(out1 "$_n" "$_p" 'display esn')" \
		-r "$(out1 "$_n" "$_p" 'display elabel')" >"$T/$_n.probe.json" ;;
	*) "$BIN/ztp-probe" -o json -P "$_p" -r "$(out1 "$_n" "$_p" 'show version')" \
		-r "$(out1 "$_n" "$_p" 'show inventory')" >"$T/$_n.probe.json" ;;
	esac
	run python3 -c 'import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))["facts"]
sys.exit(0 if a == b and a["serial"] == sys.argv[3] else 1)' "$T/$_n.con.json" "$T/$_n.probe.json" "CON$_n"
	is "$rc" 0 "facts $_n: the same facts as ztp-probe, with the device's serial"
}
same_facts xr cisco_xr --console --first-user
same_facts junos juniper_junos --console --amnesiac
same_facts vrp huawei_vrp --console --first-login --auto-config
same_facts ios cisco_iosxe --console --autoinstall --dialog17

# ---- through ser2net: the line keeps its state between connections
# ---- console bootstraps (ztp_con_bootstrap): each platform's sequence,
# the questions enabling SSH asks, a refused line; the bootstrap's secret
# (typed in command lines and echoed, or at JunOS's password prompts)
# never in the transcript or the messages
BOOTSEC=Bootsecret42
printf 'boot %s\ndomain lab.example.net\n' "$BOOTSEC" >"$T/boot.sec"
clean_boot() {
	case $tr$out$err in
	*"$BOOTSEC"*) ok 1 "$1: the bootstrap secret leaked" ;;
	*) ok 0 "$1: the bootstrap secret in no transcript or message" ;;
	esac
}
printf 'hostname e1\nusername ops privilege 15 role network-admin secret %s\nmanagement ssh\n   no shutdown\n   exit\n' \
	"$BOOTSEC" >"$T/eos.boot"
con beos "$T/boot.sec" -B "$T/eos.boot" -- "$SIM" --platform arista_eos --console --dump "$T/beos.dump"
is "$rc" 0 "bootstrap EOS: exit 0"
like "$out" "boot: 5 lines typed (5 configuration lines), saved" "bootstrap EOS: configure, the lines, end, write memory"
like "$(sed -n '/=== startup/,$p' "$T/beos.dump")" "username ops privilege 15" "bootstrap EOS: saved"
like "$tr" "secret <redacted>" "bootstrap EOS: the echoed line redacted"
clean_boot "bootstrap EOS"
printf 'set system host-name j1\nset system login user ops authentication plain-text-password\nset system services ssh\n' \
	>"$T/junos.boot"
con bjunos "$T/boot.sec" -B "$T/junos.boot" -c 'show configuration | display set' -- \
	"$SIM" --platform juniper_junos --console --amnesiac
is "$rc" 0 "bootstrap JunOS (factory): exit 0"
like "$out" "set system root-authentication encrypted-password" "bootstrap JunOS: root-authentication set when the commit asked"
like "$out" "set system login user ops authentication encrypted-password" "bootstrap JunOS: the password prompts answered"
like "$tr" "Missing mandatory statement: 'root-authentication'" "bootstrap JunOS: the commit asked"
clean_boot "bootstrap JunOS"
printf 'hostname r9\nusername ops secret %s\ncrypto key generate rsa\n' "$BOOTSEC" >"$T/ios.boot"
con bios "$T/boot.sec" -B "$T/ios.boot" -- "$SIM" --platform cisco_ios --console --dump "$T/bios.dump"
is "$rc" 0 "bootstrap IOS: exit 0"
like "$(cat "$T/bios.dump")" "ip domain-name lab.example.net" "bootstrap IOS: the domain the device asked for"
like "$tr" "How many bits in the modulus [512]: 2048" "bootstrap IOS: the modulus answered"
like "$out" "SSH keys generated" "bootstrap IOS: keys generated"
clean_boot "bootstrap IOS"
con brej "$T/boot.sec" -B "$T/ios.boot" -- "$SIM" --platform cisco_ios --console --reject '^username'
is "$rc" 2 "bootstrap, a refused line: ZTP_ERR_USAGE"
like "$out" "boot-error: rejected: the device refused line 2 'username ops secret <redacted>': % Invalid input" \
	"bootstrap, a refused line: named, its secret redacted"
clean_boot "bootstrap, a refused line"
con bxr "$T/boot.sec" -B "$T/ios.boot" -- "$SIM" --platform cisco_xr --console
like "$out" "boot-error: platform: no console bootstrap sequence for platform 'cisco_xr'" \
	"bootstrap: a platform without a sequence says so"

if command -v ser2net >/dev/null && command -v socat >/dev/null; then
	printf 'login admin:%s\n' "$DEVPW" >"$T/console.pw"
	. "$TOP/tests/conline.sh"
	line_pty "$SIM --console --initial-dialog --password-file $T/console.pw"
	line_ser2net_raw
	con s1 "$T/dev.sec" -t "127.0.0.1:$cport" -c 'configure terminal'
	is "$rc" 0 "ser2net: dialog and login, then configure terminal"
	like "$out" "answered the initial configuration dialog: no" "ser2net: the dialog came once"
	con s2 "$T/dev.sec" -t "127.0.0.1:$cport" -c 'show version'
	is "$rc" 0 "ser2net: the second connection gets a CLI too"
	unlike "$out" "initial configuration dialog" "ser2net: no dialog the second time"
	like "$out" "event: left configuration mode ('Router(config)#')" \
		"ser2net: it found the configuration mode the first one left"
	# a second user while the line is held
	(sleep 20 | socat - TCP:127.0.0.1:"$cport" >/dev/null 2>&1) &
	holder=$!
	sleep 1
	con busy "$T/dev.sec" -t "127.0.0.1:$cport"
	is "$rc" 75 "ser2net: a busy line is a temporary failure"
	like "$err" "the line is in use: the terminal server says 'Port already in use'" \
		"ser2net: with the server's words"
	kill "$holder" 2>/dev/null
else
	diag "no ser2net or socat: console line tests skipped"
fi

done_testing
