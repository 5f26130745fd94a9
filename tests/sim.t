#!/bin/sh
# The device simulator (tests/sim/ztp-sim.c): each platform's prompts,
# paging, enable, error forms, replayed corpus outputs carrying this device's
# serial and hostname, configuration recording/rejection, save/commit/
# rollback, faults, the console login; over pipes, on a pty, and behind a
# real OpenSSH sshd as its ForceCommand.
. "$(dirname "$0")/lib.sh"

SIM=$BUILD/tests/sim/ztp-sim
[ -x "$SIM" ] || skip_all "ztp-sim is not built (make check-build)"
FIX=$TOP/tests/fixtures/sim
ESC=$(printf '\033')
CR=$(printf '\r')
TAB=$(printf '\t')

# sim INPUT ARGS...: INPUT is a printf format (\n, \r, \004; %% for %)
sim() {
	_in=$1
	shift
	# shellcheck disable=SC2059
	printf "$_in" | "$SIM" "$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}

# ---- prompts per platform and mode
sim 'show clock\n' --platform cisco_ios
like "$out" "Router#" "ios: enable prompt Router#"
is "$rc" 0 "ios: EOF ends the session with status 0"
sim 'conf t\ninterface GigabitEthernet0/1\nexit\nend\n' --platform cisco_ios --user-mode
like "$out" "Router>" "ios: user mode prompt Router>"
sim 'enable\nconf t\ninterface GigabitEthernet0/1\nexit\nend\n' --platform cisco_ios --user-mode
like "$out" "Router#Enter configuration commands" "ios: enable without a secret"
like "$out" "Router(config)#Router(config-if)#Router(config)#Router#" "ios: config, config-if, back"
sim 'configure\ninterface GigabitEthernet0/0/0/1\nexit\nend\n' --platform cisco_xr
like "$out" "RP/0/RSP0/CPU0:router#RP/0/RSP0/CPU0:router(config)#RP/0/RSP0/CPU0:router(config-if)#" \
	"xr: exec, config and config-if prompts"
sim 'conf t\ninterface Ethernet1/1\n' --platform cisco_nxos
like "$out" "switch#Enter configuration commands, one per line.  End with CNTL/Z.
switch(config)#switch(config-if)#" "nxos: switch#, (config)#, (config-if)#"
sim 'configure\nedit interfaces\nexit\nexit\n' --platform juniper_junos
like "$out" "user@router> Entering configuration mode

[edit]
user@router# 
[edit interfaces]
user@router# 
[edit]
user@router# Exiting configuration mode
user@router> " "junos: > and # prompts with [edit] lines"
sim 'enable\nconf t\ninterface Ethernet1\n' --platform arista_eos --user-mode
like "$out" "switch>switch#switch(config)#switch(config-if)#" "eos: >, #, (config)#, (config-if)#"
sim 'system-view\ninterface GigabitEthernet0/0/1\nquit\nreturn\n' --platform huawei_vrp
like "$out" "<HUAWEI>Enter system view, return user view with Ctrl+Z.
[HUAWEI][HUAWEI-GigabitEthernet0/0/1][HUAWEI]<HUAWEI>" "vrp: <HUAWEI>, [HUAWEI], [HUAWEI-GigabitEthernet0/0/1]"

# ---- replayed outputs carry this device's serial and hostname
sim 'terminal length 0\nshow version\nshow inventory\n' --platform cisco_ios --serial SIMIOS1 --hostname edge1
like "$out" "Processor board ID SIMIOS1" "ios: show version has the configured serial"
like "$out" "edge1 uptime is 1 week" "ios: show version has the configured hostname"
like "$out" 'PID: IOSv              , VID: 1.0, SN: SIMIOS1' "ios: show inventory has the serial"
unlike "$out" "991UCMIHG4UAJ1J010CQG" "ios: the corpus serial is gone"
# byte for byte the corpus file, with the two substitutions
sim 'show version\n' --platform juniper_junos --serial SIMJ1 --hostname edge-j --page 0
got=${out#*edge-j> }
got=$(printf '%s' "${got%user@edge-j> }")
want=$(tr -d '\r' <"$FIX/junos/juniper_junos_show_version.raw" |
	sed 's/^Hostname: lab$/Hostname: edge-j/; s/^Serial Number: qfsn-0123456789$/Serial Number: SIMJ1/')
is "$got" "$want" "junos: show version replays the corpus file (CRs dropped, hostname and serial set)"
sim 'show chassis hardware | no-more\n' --platform juniper_junos --serial SIMJ1
like "$out" "Chassis                                SIMJ1             MX480" "junos: show chassis hardware has the serial"
sim 'show version\nshow inventory\n' --platform cisco_iosxe --serial SIMXE1 --hostname cpe7 --page 0
like "$out" "Processor board ID SIMXE1" "iosxe: show version serial"
like "$out" "cpe7 uptime is 1 day" "iosxe: show version hostname"
like "$out" 'PID: C9500-32QC        , VID: V01  , SN: SIMXE1' "iosxe: show inventory chassis serial"
sim 'show version\nshow inventory\n' --platform cisco_xr --serial SIMXR1 --hostname pe1 --page 0
like "$out" "pe1 uptime is 5 days" "xr: show version hostname"
like "$out" 'PID: R-IOSXRV9000-CC   , VID: V01, SN: SIMXR1' "xr: show inventory rack serial"
sim 'show version\nshow inventory\n' --platform cisco_nxos --serial SIMNX1 --hostname leaf1 --page 0
like "$out" "Processor Board ID SIMNX1" "nxos: show version serial"
like "$out" "Device name: leaf1" "nxos: show version hostname"
like "$out" 'SN: SIMNX1' "nxos: show inventory serial"
sim 'show version\n' --platform arista_eos --serial SIMEOS1
like "$out" "Serial number: SIMEOS1" "eos: show version serial"
sim 'display version\ndisplay elabel\ndisplay esn\ndisplay device\n' --platform huawei_vrp --serial SIMVRP1 --page 0
like "$out" "Huawei AR6280 Router uptime is" "vrp: display version"
like "$out" "BarCode=SIMVRP1" "vrp: display elabel has the serial"
like "$out" "ESN of device: SIMVRP1" "vrp: display esn has the serial"
like "$out" "CE12808S's Device status:" "vrp: display device"
sim 'show version\n' --platform cisco_ios --model ws-c4948e --page 0
like "$out" "cisco WS-C4948E (MPC8548) processor" "--model picks another corpus file"
sim '' --platform cisco_ios --model mx240
is "$rc" 2 "a model of another platform is a usage error"
like "$err" "no model 'mx240' for cisco_ios" "and says so"
sim '' --platform cisco_foo
is "$rc" 2 "an unknown platform is a usage error"

# ---- paging
sim 'show version\nq' --platform cisco_ios
like "$out" "to comply with U.S. and local laws, return this product immediately.
 --More-- " "ios: a long output stops at --More-- after 23 lines"
like "$out" "--More-- $(printf '\b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b')Router#" \
	"ios: q erases the --More-- prompt and stops the output"
unlike "$out" "Configuration register" "ios: the rest is not shown"
sim 'show version\n q' --platform cisco_ios
like "$out" "Configuration register is 0x0" "ios: space shows the next page"
sim 'show version\n\nq' --platform cisco_ios --page 5
like "$out" "Compiled Thu 28-Mar-19 14:06 by prod_rel_team" "enter shows one more line"
unlike "$out" "ROM: Bootstrap" "and only one"
sim 'terminal length 0\nshow version\n' --platform cisco_ios
unlike "$out" "More" "ios: terminal length 0 turns paging off"
like "$out" "Configuration register is 0x0" "ios: the whole output"
sim 'show version\nq' --platform juniper_junos
like "$out" "---(more)---" "junos: ---(more)---"
sim 'set cli screen-length 0\nshow version\n' --platform juniper_junos
like "$out" "Screen length set to 0" "junos: set cli screen-length 0"
unlike "$out" "(more)" "junos: then no paging"
sim 'show version | no-more\n' --platform juniper_junos
unlike "$out" "(more)" "junos: | no-more"
sim 'display version\nq' --platform huawei_vrp
like "$out" "  ---- More ----${ESC}[16D                ${ESC}[16D<HUAWEI>" "vrp: ---- More ---- erased with ESC[16D"
sim 'screen-length 0 temporary\ndisplay version\n' --platform huawei_vrp
unlike "$out" "More" "vrp: screen-length 0 temporary"
sim 'show version\nq' --platform cisco_nxos
like "$out" " --More-- " "nxos: --More--"
sim 'show version\nq' --platform arista_eos --page 5
like "$out" " --More-- " "eos: --More-- (--page 5)"
sim 'terminal len 0\nshow version\n' --platform arista_eos --page 5
like "$out" "Pagination disabled." "eos: terminal len 0"

# every platform: paged at --page 5, then not after its own command
for spec in "cisco_ios|show version|terminal length 0| --More-- " \
	"cisco_iosxe|show version|terminal length 0| --More-- " \
	"cisco_xr|show version|terminal length 0| --More-- " \
	"cisco_nxos|show version|terminal length 0| --More-- " \
	"arista_eos|show version|terminal length 0| --More-- " \
	"juniper_junos|show version|set cli screen-length 0|---(more)---" \
	"huawei_vrp|display version|screen-length 0 temporary|  ---- More ----"; do
	IFS='|' read -r p cmd off more <<EOF
$spec
EOF
	sim "$cmd\nq" --platform "$p" --page 5
	like "$out" "$more" "$p: $cmd stops at '$more'"
	sim "$off\n$cmd\n" --platform "$p" --page 5
	unlike "$out" "$more" "$p: not after '$off'"
done

# ---- enable with a secret
sim 'show running-config\nenable\nbad\nbad\nbad\nenable\ns3cret\nshow running-config | include hostname\n' \
	--platform cisco_ios --enable-secret s3cret
like "$out" "Router>            ^
% Invalid input detected at '^' marker." "ios: show running-config is not a user mode command"
like "$out" "Router>Password: Password: Password: % Bad secrets" "ios: three wrong passwords: % Bad secrets"
like "$out" "Router>Password: Router#hostname Router" "ios: the right secret gives Router#"
unlike "$out" "s3cret" "the secret is not echoed"
sim 'enable\nbad\n' --platform arista_eos --enable-secret pw
like "$out" "switch>Password: % Access denied" "eos: % Access denied"
printf 'login admin:adminpw\nenable fromfile\n' >"$T/pw"
sim 'enable\nfromfile\n' --platform cisco_ios --password-file "$T/pw"
like "$out" "Router>Password: Router#" "--password-file gives the enable secret"

# ---- invalid commands in each platform's words
sim 'show versoin\nshow\ns\n' --platform cisco_ios
like "$out" "Router#            ^
% Invalid input detected at '^' marker." "ios: caret under the bad word (prompt + 5 columns)"
like "$out" "% Incomplete command." "ios: % Incomplete command."
like "$out" '% Ambiguous command:  "s"' "ios: % Ambiguous command"
sim 'show versoin\n' --platform cisco_xr
like "$out" "% Invalid input detected at '^' marker." "xr: % Invalid input detected"
sim 'show versoin\n' --platform cisco_nxos
like "$out" "switch#            ^
% Invalid command at '^' marker." "nxos: % Invalid command at '^' marker."
sim 'show versoin\nshow\n' --platform arista_eos
like "$out" "% Invalid input" "eos: % Invalid input"
like "$out" "% Incomplete command" "eos: % Incomplete command"
sim 'foo\nshow version x\n' --platform juniper_junos
like "$out" "user@router>              ^
unknown command." "junos: unknown command."
like "$out" "user@router>                           ^
syntax error, expecting <command>." "junos: syntax error, expecting <command>."
sim 'dis foo\n' --platform huawei_vrp
like "$out" "<HUAWEI>            ^
Error: Unrecognized command found at '^' position." "vrp: Error: Unrecognized command"
sim 'sh ver | include Cisco IOS Software|uptime\n' --platform cisco_ios --page 0
is "$out" "
Router#Cisco IOS Software, IOSv Software (VIOS-ADVENTERPRISEK9-M), Version 15.8(3)M2, RELEASE SOFTWARE (fc2)
Router uptime is 1 week, 3 days, 16 hours, 11 minutes
Router#" "ios: abbreviations and | include REGEX"

sim 'configure\nrun show version | match Model\n' --platform juniper_junos
like "$out" "user@router# Model: mx240
" "junos: run CMD | match in configuration mode"
sim 'conf t\ndo show running-config | include hostname\n' --platform cisco_ios
like "$out" "Router(config)#hostname Router
Router(config)#" "ios: do CMD | include in configuration mode"

# ---- configuration: recording, rejection, running config
sim 'conf t\nhostname edge2\ninterface Gi0/1\n description uplink\nexit\nsnmp-server community public RO\nntp server 10.0.0.1\nntp server 10.0.0.2\nno ntp server 10.0.0.2\nend\nshow running-config\n' \
	--platform cisco_ios --record "$T/rec" --reject '^snmp-server community' --page 0
is "$(cat "$T/rec")" "config${TAB}hostname edge2
config${TAB}interface Gi0/1
interface Gi0/1${TAB}description uplink
config${TAB}snmp-server community public RO${TAB}rejected
config${TAB}ntp server 10.0.0.1
config${TAB}ntp server 10.0.0.2
config${TAB}no ntp server 10.0.0.2" "ios: --record keeps every line in order with its context"
like "$out" "Router(config)#edge2(config)#" "ios: hostname changes the prompt at once"
like "$out" "edge2(config)#              ^
% Invalid input detected at '^' marker." "ios: a --reject line gets the platform's error"
like "$out" "interface Gi0/1
 description uplink
!" "ios: show running-config has the new section"
like "$out" "ntp server 10.0.0.1" "ios: and the new line"
unlike "$out" "snmp-server" "ios: not the rejected line"
unlike "$out" "10.0.0.2" "ios: no LINE removes it"
sim 'configure\nset system host-name j9\nset snmp community public\nset system ntp server 10.1.1.1\ncommit\nexit\nshow configuration | display set | match ntp\n' \
	--platform juniper_junos --record "$T/recj" --reject 'snmp'
like "$out" "user@router#                  ^
syntax error.
" "junos: a rejected set line: caret under the statement, syntax error."
like "$out" "commit complete

[edit]
user@j9# " "junos: the hostname changes at commit"
like "$out" "set system ntp server 10.1.1.1" "junos: show configuration | display set has the committed line"
sim 'set cli screen-length 0\nconfigure\nload merge terminal\nsystem { ntp { server 10.1.1.1 prefer; } }\n\004commit\nexit\nshow configuration\nshow configuration system ntp\n' --platform juniper_junos
like "$out" "system {
    host-name router;
    services {
        ssh;
    }" "junos: show configuration is hierarchical"
like "$out" "    ntp {
        server 10.1.1.1 prefer;
    }" "junos: containers from the loaded text"
like "$out" "user@router> server 10.1.1.1 prefer;" "junos: show configuration PATH shows what is under it"
is "$(cat "$T/recj")" "edit${TAB}set system host-name j9
edit${TAB}set snmp community public${TAB}rejected
edit${TAB}set system ntp server 10.1.1.1" "junos: --record"
sim 'system-view\nsnmp-agent community read public\ninterface GigabitEthernet0/0/2\nip address 10.0.0.1 24\nreturn\ndisplay current-configuration\n' \
	--platform huawei_vrp --reject snmp --record "$T/recv" --page 0
like "$out" "Error: Unrecognized command found at '^' position." "vrp: a rejected line"
like "$out" "interface GigabitEthernet0/0/2
 ip address 10.0.0.1 24
#" "vrp: display current-configuration"
like "$(cat "$T/recv")" "interface GigabitEthernet0/0/2${TAB}ip address 10.0.0.1 24" "vrp: --record with the view"
# every platform records what reaches its configuration mode
for spec in "cisco_ios|conf t|config" "cisco_iosxe|conf t|config" "cisco_xr|configure|config" \
	"cisco_nxos|configure terminal|config" "arista_eos|configure|config" \
	"juniper_junos|configure|edit" "huawei_vrp|system-view|system"; do
	IFS='|' read -r p conf ctx <<EOF
$spec
EOF
	: >"$T/rec-$p"
	line="logging host 192.0.2.7"
	[ "$p" = juniper_junos ] && line="set system syslog host 192.0.2.7 any any"
	sim "$conf\n$line\n" --platform "$p" --record "$T/rec-$p"
	is "$(cat "$T/rec-$p")" "$ctx$TAB$line" "$p: --record"
done
sim 'conf t\nsnmp-server community x\n' --platform arista_eos --reject snmp
like "$out" "switch(config)#% Invalid input" "eos: a rejected line"

# ---- save, commit, rollback
sim 'conf t\nntp server 10.0.0.9\nend\ncopy running-config startup-config\n\nshow startup-config | include ntp\n' --platform cisco_ios
like "$out" "Destination filename [startup-config]? Building configuration...
[OK]" "ios: copy running-config startup-config asks and saves"
like "$out" "Router#ntp server 10.0.0.9" "ios: show startup-config has the line"
sim 'conf t\nntp server 10.0.0.9\nend\nshow startup-config | include ntp\nwrite memory\nshow startup-config | include ntp\n' --platform cisco_iosxe
like "$out" "Router#Router#Building configuration...
[OK]
Router#ntp server 10.0.0.9" "iosxe: not saved before write memory, saved after"
sim 'copy running-config flash:ztp-rollback.cfg\n\nconf t\nhostname broken\nntp server 10.9.9.9\nend\nconfigure replace flash:ztp-rollback.cfg force\nshow running-config | include ntp|hostname\nconfigure replace flash:nothere.cfg force\n' --platform cisco_ios
like "$out" "Destination filename [ztp-rollback.cfg]? " "ios: copy running-config FILE asks"
like "$out" "broken#Total number of passes: 1
Rollback Done
Router#hostname Router
Router#" "ios: configure replace FILE force restores the saved config"
like "$out" "%Error opening flash:nothere.cfg (No such file or directory)" "ios: configure replace of a missing file"
sim 'configure\nset system ntp server 10.2.2.2\ncommit check\nshow | compare\ncommit\nrollback 1\ncommit\nexit\nshow configuration | display set | match ntp\n' --platform juniper_junos
like "$out" "configuration check succeeds" "junos: commit check"
like "$out" "+ set system ntp server 10.2.2.2" "junos: show | compare shows the candidate's change"
like "$out" "user@router# load complete" "junos: rollback 1 loads the previous commit"
unlike "${out#*Exiting}" "10.2.2.2" "junos: committed rollback removes the line"
sim 'configure\nload merge terminal\nsystem { ntp { server 10.3.3.3; } }\n\004commit confirmed 5\n' --platform juniper_junos --record "$T/recl"
like "$out" "[Type ^D at a new line to end input]
load complete" "junos: load merge terminal reads until ^D"
like "$out" "commit confirmed will be automatically rolled back in 5 minutes unless confirmed
commit complete" "junos: commit confirmed N"
is "$(cat "$T/recl")" "load merge terminal${TAB}set system ntp server 10.3.3.3" "junos: --record of load merge terminal (as set statements)"
# a JunOS minute of 100 ms: unconfirmed, the commit goes back by itself
(printf 'configure\nset system ntp server 10.9.9.9\ncommit confirmed 2\n'; sleep 1
	printf 'exit\nshow configuration | display set | match ntp\n') |
	"$SIM" --platform juniper_junos --minute-ms 100 >"$T/cc.out"
out=$(cat "$T/cc.out")
like "$out" "Commit was not confirmed; automatic rollback complete." "junos: commit confirmed rolls back unconfirmed"
like "$out" "Exiting configuration mode
user@router> user@router> " "junos: the line is gone after the automatic rollback"
(printf 'configure\nset system ntp server 10.9.9.9\ncommit confirmed 2\ncommit check\n'; sleep 1
	printf 'exit\nshow configuration | display set | match ntp\n') |
	"$SIM" --platform juniper_junos --minute-ms 100 >"$T/cc.out"
out=$(cat "$T/cc.out")
unlike "$out" "automatic rollback" "junos: commit check confirms a commit confirmed"
like "$out" "user@router> set system ntp server 10.9.9.9" "junos: and the line stays"
sim 'configure\nset system ntp server 10.4.4.4\nexit\nno\n' --platform juniper_junos
like "$out" "The configuration has been changed but not committed
Exit with uncommitted changes? [yes,no] (yes) " "junos: exit with uncommitted changes asks"
sim 'system-view\nntp-service unicast-server 10.5.5.5\nreturn\nsave\ny\ndisplay saved-configuration | include ntp\nsave\nn\n' --platform huawei_vrp
like "$out" "<HUAWEI>The current configuration will be written to the device.
Are you sure to continue?[Y/N]:Now saving the current configuration to the slot 0.
Save the configuration successfully." "vrp: save asks [Y/N] and saves on y"
like "$out" "<HUAWEI>ntp-service unicast-server 10.5.5.5" "vrp: display saved-configuration"
like "$out" "Info: Failed to save the current configuration." "vrp: n does not save"
sim 'configure session ztp\nntp server 10.6.6.6\nshow running-config | include ntp\nend\nshow running-config | include ntp\nconfigure session ztp\ncommit\nshow running-config | include ntp\n' --platform arista_eos
like "$out" "switch#switch(config-s-ztp)#switch(config-s-ztp)#switch(config-s-ztp)#switch#switch#switch(config-s-ztp)#switch#ntp server 10.6.6.6" \
	"eos: configure session keeps lines until commit"
sim 'configure\nntp server 10.7.7.7\nend\nyes\nconfigure\nntp server 10.8.8.8\ncommit\nend\nrollback configuration last 1\nshow running-config | include ntp\n' --platform cisco_xr
like "$out" "Uncommitted changes found, commit them before exiting(yes/no/cancel)? [cancel]:" "xr: end with uncommitted changes asks"
like "$out" "Configuration successfully rolled back 1 commits.
RP/0/RSP0/CPU0:router#ntp server 10.7.7.7
RP/0/RSP0/CPU0:router#" "xr: rollback configuration last 1"
sim 'checkpoint ztp\nconf t\nntp server 10.9.9.9\nend\nrollback running-config checkpoint ztp\nshow running-config | include ntp\ncopy running-config startup-config\n' --platform cisco_nxos
like "$out" "Rollback completed successfully.
switch#switch#" "nxos: checkpoint + rollback running-config checkpoint"
like "$out" "Copy complete." "nxos: copy running-config startup-config"

sim 'configure\nset system ntp server 10.1.1.1\nset snmp community x\ncommit\ndelete snmp community x\ncommit\nexit\nshow configuration | display set | match "ntp|snmp"\n' \
	--platform juniper_junos --reject-commit snmp
like "$out" "user@router# [edit]
  'set snmp community x'
    statement rejected by the simulator
error: configuration check-out failed" "junos: --reject-commit fails the commit"
like "$out" "user@router> set system ntp server 10.1.1.1
user@router> " "junos: after delete the commit goes through, without the line"
sim 'configure\nntp server 10.1.1.1\nsnmp-server community x\ncommit\nabort\nshow running-config | include ntp|snmp\nconfigure\ncommit\n' \
	--platform cisco_xr --reject-commit snmp
like "$out" "% Failed to commit one or more configuration items during a pseudo-atomic operation." "xr: --reject-commit"
like "$out" "RP/0/RSP0/CPU0:router#RP/0/RSP0/CPU0:router#RP/0/RSP0/CPU0:router(config)#% No configuration changes to commit." \
	"xr: abort drops the candidate; nothing was applied"

# ---- faults
n=$(printf 'terminal length 0\nshow version\n' | "$SIM" | wc -l)
t0=$(date +%s%N)
sim 'terminal length 0\nshow version\n' --slow 20
t1=$(date +%s%N)
ok "$([ $(((t1 - t0) / 1000000)) -ge $(((n - 2) * 20)) ] && echo 0 || echo 1)" \
	"--slow 20: $n lines took at least 20 ms each"
like "$out" "Configuration register is 0x0" "--slow: the whole output"
sim 'terminal length 0\nshow version\nshow clock\n' --drop-on 'show version'
like "$out" "Cisco IOS Software" "--drop-on: the output starts"
unlike "$out" "Configuration register" "--drop-on: and stops half way"
unlike "$out" "UTC" "--drop-on: the session is gone"
mkfifo "$T/in"
"$SIM" --hang-on 'show version' <"$T/in" >"$T/hang.out" 2>&1 &
hpid=$!
bg_pid $hpid
exec 3>"$T/in"
printf 'sh ver\nshow clock\n' >&3
i=0
while [ $i -lt 20 ] && ! grep -q 'Router#' "$T/hang.out"; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
ok "$(kill -0 $hpid 2>/dev/null && echo 0 || echo 1)" "--hang-on: still running"
unlike "$(cat "$T/hang.out")" "Cisco IOS" "--hang-on: sh ver is never answered"
unlike "$(cat "$T/hang.out")" "UTC" "--hang-on: nor anything after it"
exec 3>&-
wait $hpid
is "$?" 0 "--hang-on: ends when the peer goes away"
sim 'show clock\n' --motd 'Authorized access only\nby ISP staff'
like "$out" "Authorized access only
by ISP staff

Router#" "--motd before the first prompt"
sim '\nconf t\nend\nshow clock\n' --syslog --console
like "$out" "Router(config)#Router#
*" "--syslog: the log line comes right after the prompt"
like "$out" ": %SYS-5-CONFIG_I: Configured from console by user on console
*" "--syslog: IOS CONFIG_I, then the next command's output"
sim 'show clock\n' --ansi
like "$out" "${ESC}[1;32mRouter#${ESC}[0m${ESC}[36m*" "--ansi colours the prompt and the output"
sim 'show clock\n' --crlf
like "$out" "${CR}
Router#" "--crlf"
sim 'show clock\n' --echo
like "$out" "Router#show clock
*" "--echo over a pipe"

# ---- one command, like `ssh router "show version"`
sim '' --platform cisco_xr --exec 'show inventory' --serial SIMX2
like "$out" 'SN: SIMX2' "--exec runs the command"
unlike "$out" "RP/0/RSP0/CPU0:" "--exec: no prompt"
like "$out" "UTC

NAME: \"0/0\"" "xr: show commands start with a timestamp line"
run env SSH_ORIGINAL_COMMAND='show version' "$SIM" --platform cisco_ios </dev/null
like "$out" "Configuration register is 0x0" "SSH_ORIGINAL_COMMAND: the whole output, no pager"
unlike "$out" "Router#" "SSH_ORIGINAL_COMMAND: no prompt"

# ---- ROMMON on the console until boot
sim 'dir\nconfreg 0x2102\nboot\n\nshow clock\n' --rommon --console
like "$out" "rommon 1 > monitor: command \"dir\" not found
rommon 2 > 
You must reset or power cycle for new config to take effect
rommon 3 > " "rommon: prompts count up, unknown commands, confreg"
like "$out" "Press RETURN to get started.

Router#*" "rommon: boot leads to the console's RETURN and the CLI"

# ---- console login
sim '\nmaybe\nno\n\nadmin\nbad\nadmin\nadminpw\nshow clock\nexit\n\nadmin\nadminpw\nlogout\n' \
	--console --initial-dialog --login admin:adminpw --motd 'LAB RACK 1'
like "$out" "Press RETURN to get started." "console: Press RETURN to get started."
like "$out" "Would you like to enter the initial configuration dialog? [yes/no]: % Please answer 'yes' or 'no'.
Would you like to enter the initial configuration dialog? [yes/no]: 

Press RETURN to get started!" "console: the initial configuration dialog insists on yes or no"
like "$out" "LAB RACK 1

User Access Verification

Username: Password: % Login invalid

Username: Password: 
Router#" "console: motd, a wrong then a right login"
like "$out" "Router con0 is now available" "console: exit returns to the line"
like "${out#*con0 is now available}" "Press RETURN to get started.
LAB RACK 1

User Access Verification" "console: and to the login, without the dialog"
is "$rc" 0 "console: EOF ends it"
sim '\nroot\npw\nshow version | match Model\n' --console --login root:pw --platform juniper_junos
like "$out" "router (ttyu0)

login: Password:
root@router> Model: mx240" "console: JunOS login: / Password:"

# ---- console situations (research CONSOLE-FLOW.md 0.3 strings)
sim '\nno\nweak\nGood12345X\nGood12345X\n2\n\n\nenable\nGood12345X\nshow startup-config\n' \
	--platform cisco_iosxe --console --dialog17
like "$out" "  Enter enable secret: 
%Password validation failed" "dialog17: a weak enable secret is refused"
like "$out" "Enter your selection [2]: Enter your encryption selection [2]: Building configuration..." \
	"dialog17: [2] asks the encryption selection and saves"
like "$out" "Router>" "dialog17: the saved secret guards enable"
like "$out" "Router#" "dialog17: and opens it"
sim '\nno\nGood12345X\nGood12345X\n0\n\nenable\n' --platform cisco_iosxe --console --dialog17
like "$out" "Enter your selection [2]: 

Press RETURN to get started!" "dialog17: [0] goes to the prompt"
like "$out" "Router#" "dialog17: [0] keeps no enable secret"
sim '\nno\nyes\n\nshow clock\n' --platform cisco_iosxe --console --autoinstall
like "$out" "Autoinstall will terminate if any input is detected on console" "autoinstall: announced"
like "$out" "Would you like to terminate autoinstall? [yes]: " "autoinstall: the first input asks"
like "$out" "%PNP-6-PNP_DISCOVERY_STOPPED: PnP Discovery stopped (Config Wizard)" "autoinstall: PnP stops"
sim 'no\nyes\n\npw1\npw2\npw1\npw1\nno\nadmin\npw1\nshow clock\n' --platform cisco_nxos --console --poap
like "$out" "(yes/skip/no)[no]: " "poap: the abort question"
like "$out" "%POAP-2-POAP_INFO" "poap: no keeps POAP running"
like "$out" "---- System Admin Account Setup ----" "poap: yes leads to the admin setup"
like "$out" "Passwords do not match" "poap: the confirmation must match"
like "$out" "Would you like to enter the basic configuration dialog (yes/no): " "poap: the basic dialog"
like "$out" "switch login: Password: " "poap: then the login with the new admin password"
like "$out" "switch#" "poap: the CLI"
sim 'admin\nx1\nx2\nx1\nx1\nadmin\nx1\nshow clock\n' --platform cisco_xr --console --first-user --syslog-dialog
like "$out" "NO root-system username is configured" "first-user: announced"
like "$out" "  Enter root-system username: RP/0/RP0/CPU0:" "first-user: a syslog message inside the question"
like "$out" "Passwords entered do not match." "first-user: mismatched secrets"
like "$out" "RP/0/RSP0/CPU0:router#" "first-user: the user it created logs in"
sim 'admin\npw\nroot\nls\ncli\nshow version | match Model\n' --platform juniper_junos --console --amnesiac
like "$out" "Amnesiac (ttyu0)

login: Password:Login incorrect" "amnesiac: only root"
like "$out" "root@:RE:0% ls: Command not found." "amnesiac: root lands in the shell"
like "$out" "root> Model: mx240" "amnesiac: cli gives root>"
sim '\nY\nshort\nshort\nGoodpass1\nGoodpass1\nGoodpass1\ny\ndisplay clock\nquit\n\nGoodpass1\n' \
	--platform huawei_vrp --console --first-login --auto-config
like "$out" "Continue to set it? [Y/N]: " "first-login: asks to set a console password"
like "$out" "Error: The password length is invalid." "first-login: 8 to 16 characters"
like "$out" "Do you want to stop Auto-Config? [y/n]:Info: Auto-Config has been stopped." \
	"auto-config: stopped with y"
like "$out" "Login authentication


Password:" "first-login: the next login asks that password"
unlike "$(printf '%s' "$out" | tail -3)" "Auto-Config" "auto-config: once stopped, gone"
sim 'admin\nshow clock\n' --platform arista_eos --console --eos-ztp --syslog-dialog
like "$out" "The device is in Zero Touch Provisioning mode and is attempting to " "eos-ztp: announced"
like "$out" "switch login: 
Dec  6 12:00:00 switch ZeroTouch: %ZTP-6-RETRY:" "eos-ztp: ZTP messages after the login prompt"
like "$out" "switch#" "eos-ztp: admin without a password"
sim 'ts\nbad\nts\ntspw\n\nshow clock\n' --console --ts-login ts:tspw
like "$out" "% Authentication failed" "ts-login: a wrong password"
like "$out" "ts1 line 7: connected

Press RETURN to get started." "ts-login: then the device's line"
sim 'end\nshow clock\n' --console --left-open --platform cisco_ios
like "$out" "Router(config)#Router#" "left-open: the line starts in configuration mode"
sim 'exit configuration-mode\nyes\n' --console --left-open --platform juniper_junos
like "$out" "Exit with uncommitted changes? [yes,no] (yes) " "left-open: JunOS with uncommitted changes"
sim 'q\nshow clock\n' --console --pager-open
like "$out" "Router#show version" "pager-open: the last user's command"
like "$out" " --More-- " "pager-open: stands at the pager"
sim 'boot\n\nshow clock\n' --console --bootloader switch
like "$out" "switch: " "bootloader: switch:"
sim 'ls\nboot\n' --bootloader grub
like "$out" "grub> monitor: command \"ls\" not found" "bootloader: grub>"
sim 'boot\n' --bootloader loader --platform juniper_junos
like "$out" "loader> " "bootloader: loader>"
sim '\nshow clock\n' --mute --motd 'BOOTING'
is "$out" "BOOTING" "mute: the banner, then nothing"
sim '\nadmin\nsecretpw\n' --console --login admin:secretpw --echo-secrets --echo
like "$out" "Password: secretpw" "echo-secrets: the password is echoed"

# ---- on a pty: raw input, echo, backspace, CR, one-key pager, hidden secret
if [ ! -x /usr/bin/python3 ]; then
	diag "no /usr/bin/python3: pty, console line and sshd tests skipped"
	done_testing
fi
cat >"$T/expect.py" <<'EOF'
# expect.py SCRIPT CMD...: run CMD on a pty (or connect to tcp:HOST:PORT);
# SCRIPT lines are "send TEXT" or "expect REGEX" (Python escapes); print the
# transcript escaped; status 1 when an expect is not seen within 10 s
import codecs, os, pty, re, select, socket, sys, time
steps = [l.rstrip("\n").split(" ", 1) for l in open(sys.argv[1]) if l.strip()]
if sys.argv[2].startswith("tcp:"):
    _, host, port = sys.argv[2].split(":")
    sock = socket.create_connection((host, int(port)), 10)
    pid, fd = 0, sock.fileno()
else:
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[2], sys.argv[2:])
buf, pos, rc = b"", 0, 0
def read(t):
    """False on timeout or EOF"""
    global buf
    r, _, _ = select.select([fd], [], [], max(t, 0))
    if not r:
        return False
    try:
        d = os.read(fd, 4096)
    except OSError:
        return False
    buf += d
    return bool(d)
for op, arg in steps:
    arg = codecs.decode(arg, "unicode_escape")
    if op == "send":
        os.write(fd, arg.encode("latin-1"))
        continue
    end = time.time() + 10
    while not re.search(arg.encode("latin-1"), buf[pos:]):
        if time.time() > end or not read(end - time.time()):
            sys.stderr.write("not seen: %r\n" % arg)
            rc = 1
            break
    m = re.search(arg.encode("latin-1"), buf[pos:])
    if m:
        pos += m.end()
    if rc:
        break
while read(0.2):
    pass
out = buf.decode("latin-1")
for a, b in (("\\", "\\\\"), ("\r", "\\r"), ("\b", "\\b"), ("\033", "\\e")):
    out = out.replace(a, b)
sys.stdout.write(out)
if pid:
    try:
        os.kill(pid, 9)
    except OSError:
        pass
sys.exit(rc)
EOF
cat >"$T/pty.script" <<'EOF'
expect Router>
send shox\x7fw clock\r
expect UTC.*\r\nRouter>
send enable\r
expect Password: 
send topsecret\r
expect Router#
send show version\r\n
expect --More-- 
send  
expect Router#
send exit\r
EOF
run /usr/bin/python3 "$T/expect.py" "$T/pty.script" "$SIM" --enable-secret topsecret
is "$rc" 0 "pty: every expected prompt came"
like "$out" 'Router>shox\b \bw clock\r
*' "pty: the sim echoes, erases on DEL, ends lines with CR LF"
like "$out" 'Router>enable\r
Password: \r
Router#' "pty: the secret is not echoed"
like "$out" 'Router#show version\r
Cisco IOS Software' "pty: CR LF is one line end"
like "$out" ' --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b\r
A summary' "pty: one space key, no Enter, turns the page"

# ---- a console line: socat pty + ser2net (raw TCP); the line keeps its
# state across connections
if command -v ser2net >/dev/null && command -v socat >/dev/null; then
	printf 'login admin:adminpw\n' >"$T/console.pw"	# socat splits EXEC on ':'
	. "$TOP/tests/conline.sh"
	line_pty "$SIM --console --password-file $T/console.pw --platform cisco_iosxe"
	line_ser2net_raw
	cat >"$T/con1.script" <<'EOF'
send \r
expect Username: $
send admin\r
expect Password: $
send adminpw\r
expect Router#$
send conf t\r
expect Router\(config\)#$
send hostname kept\r
expect kept\(config\)#$
EOF
	run /usr/bin/python3 "$T/expect.py" "$T/con1.script" "tcp:127.0.0.1:$cport"
	is "$rc" 0 "ser2net: login and configure through the console line"
	like "$out" 'Username: admin\r
Password: \r' "ser2net: the sim echoes the user name, not the password"
	printf 'send \\r\nexpect kept\\(config\\)#$\n' >"$T/con2.script"
	run /usr/bin/python3 "$T/expect.py" "$T/con2.script" "tcp:127.0.0.1:$cport"
	is "$rc" 0 "ser2net: a new connection finds the line where the last one left it"
else
	diag "no ser2net or socat: console line tests skipped"
fi

# ---- behind a real OpenSSH sshd, as its ForceCommand, with ssh -tt
if [ "$(id -u)" != 0 ] || [ ! -x /usr/sbin/sshd ]; then
	diag "not root or no sshd: sshd tests skipped"
	done_testing
fi
mkdir -p /run/sshd
ssh-keygen -q -t rsa -b 2048 -N '' -f "$T/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$T/id"
cp "$T/id.pub" "$T/authorized_keys"
chmod 600 "$T/authorized_keys"
port=$(free_port)
cat >"$T/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $T/host_key
PidFile $T/sshd.pid
PermitRootLogin prohibit-password
AuthorizedKeysFile $T/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
# bash runs ~/.bashrc for sshd sessions when SHLVL < 2: keep root's
# dotfiles (pyenv, ...) out of the device's session
SetEnv SHLVL=5
ForceCommand $SIM --platform \$(cat $T/platform) --serial SSHSIM1 --hostname cpe-ssh --record $T/rec-ssh
EOF
echo cisco_iosxe >"$T/platform"
/usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log" &
bg_pid $!
wait_port "$port" 10 || diag "sshd did not start: $(cat "$T/sshd.log")"
cat >"$T/ssh.script" <<'EOF'
expect cpe-ssh#
send terminal length 0\r
expect cpe-ssh#
send show version\r
expect Configuration register.*\r\ncpe-ssh#
send conf t\r
expect \(config\)#
send ntp server 192.0.2.1\r
expect \(config\)#
send end\r
expect cpe-ssh#
send exit\r
EOF
run /usr/bin/python3 "$T/expect.py" "$T/ssh.script" ssh -tt -i "$T/id" -p "$port" \
	-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
	-o LogLevel=ERROR root@127.0.0.1
is "$rc" 0 "sshd: the session went through every prompt"
like "$out" 'cpe-ssh#show version\r
' "sshd: the sim echoes through the pty"
like "$out" 'Processor board ID SSHSIM1\r' "sshd: show version carries the serial, CR LF endings"
is "$(cat "$T/rec-ssh")" "config${TAB}ntp server 192.0.2.1" "sshd: the config line was recorded"
run ssh -i "$T/id" -p "$port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o BatchMode=yes -o LogLevel=ERROR root@127.0.0.1 'show inventory'
like "$out" 'PID: C9500-32QC        , VID: V01  , SN: SSHSIM1' "sshd: ssh HOST CMD runs one command (exec channel, no pty)"
unlike "$out" "cpe-ssh#" "sshd: and prints no prompt"

# ---- netmiko (a client nobody here wrote) drives the sim like a router
if /usr/bin/python3 -c 'import netmiko' 2>/dev/null; then
	cat >"$T/nm.py" <<'EOF'
import sys
from netmiko import ConnectHandler
dev, port, key, cmd, cfg = sys.argv[1:6]
c = ConnectHandler(device_type=dev, host="127.0.0.1", port=int(port), username="root",
                   use_keys=True, key_file=key, allow_agent=False, fast_cli=True)
print("prompt=" + c.find_prompt())
print(c.send_command(cmd))
print(c.send_config_set(cfg.split(";")))
if dev == "cisco_ios":
    print(c.save_config())
c.disconnect()
EOF
	: >"$T/rec-ssh"
	run /usr/bin/python3 "$T/nm.py" cisco_ios "$port" "$T/id" "show version" \
		"interface GigabitEthernet1;description netmiko"
	is "$rc" 0 "netmiko cisco_ios: connects, sends, configures, saves"
	like "$out" "prompt=cpe-ssh#" "netmiko cisco_ios: finds the prompt"
	like "$out" "Processor board ID SSHSIM1" "netmiko cisco_ios: send_command output"
	like "$out" "[OK]" "netmiko cisco_ios: save_config (write mem)"
	is "$(cat "$T/rec-ssh")" "config${TAB}interface GigabitEthernet1
interface GigabitEthernet1${TAB}description netmiko" "netmiko cisco_ios: send_config_set reached the config"
	echo juniper_junos >"$T/platform"
	: >"$T/rec-ssh"
	run /usr/bin/python3 "$T/nm.py" juniper "$port" "$T/id" "show chassis hardware" \
		"set system ntp server 192.0.2.9"
	is "$rc" 0 "netmiko juniper: connects and configures"
	like "$out" "prompt=user@cpe-ssh>" "netmiko juniper: finds the prompt"
	like "$out" "Chassis                                SSHSIM1           MX480" "netmiko juniper: send_command output"
	is "$(cat "$T/rec-ssh")" "edit${TAB}set system ntp server 192.0.2.9" "netmiko juniper: the set line was recorded"
else
	diag "no netmiko for /usr/bin/python3: netmiko tests skipped"
fi

done_testing
