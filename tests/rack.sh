# tests/rack.sh: a provisioning rack simulated in network namespaces
# (sourced after lib.sh and sshd.sh; needs root, iproute2, OpenSSH, udhcpc,
# dhcrelay).  Used by make demo and by the tests of the whole flow.
#
#   rack_up NAME:PLATFORM:SERIAL:VENDOR_CLASS[:legacy|:factory] ...
#
# makes, all removed at exit and every daemon stopped by its PID:
#   $RB  the backend: where ztp-flow runs; reaches the rack only through
#        the gateway's SSH (10.76.0.1 -- 10.76.0.2)
#   $RG  the gateway: ztp-dhcpd, an OpenSSH jump host (10.76.0.2, and
#        10.77.0.1 towards the rack's switch), and ser2net as the rack's
#        terminal server: device N's console line (rack1:N) is reverse
#        telnet at 10.76.0.2:7000+N
#   $RS  the access switch: one port pN (10.78.N.1/24) per device, and a
#        DHCP relay (ISC dhcrelay -a) adding option 82 with the port's name
#        as circuit id, as a switch with DHCP snooping does
#   $RD<N>  device N, its port's MAC 0c:d9:96:00:00:NN (N in hex, so
#        that its record's id is known beforehand, as a shipping label
#        tells it): a real DHCP client (udhcpc) asking with the
#        platform's vendor class; once leased, an OpenSSH server on its
#        address (the platform's algorithms; legacy: SHA-1 key exchange
#        only) whose ForceCommand is the device simulator; its console: the
#        simulator in console mode on a socat pty ($T/rack/tty.N) behind
#        the gateway's ser2net.  factory: the device as it leaves the
#        factory, with no SSH keys (the simulator's --ssh-state): no SSH
#        server until a console bootstrap made keys and a local user, then
#        one on its leased address for that user
# and writes $T/ztp.yml, $T/secrets.yml, $T/ssh_config for the backend.
# rack_addr N prints device N's leased address.

rack_ns() { ip netns add "$1" && on_exit "ip netns del $1" && ip -n "$1" link set lo up; }

rack_veth() { # rack_veth NS1 IF1 NS2 IF2
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" &&
		ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

rack_wait() { # rack_wait SECONDS COMMAND...: until COMMAND succeeds
	_w=$(($1 * 10))
	shift
	while [ "$_w" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		_w=$((_w - 1))
	done
	return 1
}

rack_addr() { cat "$T/rack/addr.$1" 2>/dev/null; }

# a DHCP client hook that configures the lease and records it
rack_hook() {
	cat >"$T/rack/hook.sh" <<'EOF'
#!/bin/sh
case $1 in
bound | renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	[ -n "${router:-}" ] && ip route replace default via "${router%% *}"
	printf '%s\n' "$ip" >"$RACK_ADDR.tmp" && mv "$RACK_ADDR.tmp" "$RACK_ADDR"
	;;
esac
exit 0
EOF
	chmod 755 "$T/rack/hook.sh"
}

rack_sshd() { # rack_sshd NS ADDR DIR KEYTYPE [config lines...]
	_ns=$1 _addr=$2 _dir=$3 _kt=$4
	shift 4
	mkdir -p "$_dir"
	ssh-keygen -q -t "$_kt" -N '' -f "$_dir/host_key"
	{
		printf '%s\n' "Port 22" "ListenAddress $_addr" "HostKey $_dir/host_key" \
			"PidFile $_dir/sshd.pid" "AuthorizedKeysFile $T/authorized_keys" \
			"PermitRootLogin prohibit-password" "StrictModes no" "UsePAM no" \
			"KbdInteractiveAuthentication no" "SetEnv SHLVL=5"
		for _l in "$@"; do printf '%s\n' "$_l"; done
	} >"$_dir/sshd_config"
	ip netns exec "$_ns" /usr/sbin/sshd -D -e -f "$_dir/sshd_config" 2>>"$_dir/log" &
	bg_pid $!
}

# rack_console N 'COMMAND ARGS': device N's console line: the command on a
# socat pty at $T/rack/tty.N (the line keeps its state across sessions),
# and its reverse telnet accepter in the gateway's ser2net configuration
rack_console() {
	socat PTY,link="$T/rack/tty.$1",raw,echo=0 EXEC:"$2",pty,stderr 2>"$T/rack/socat.$1.log" &
	bg_pid $!
	rack_wait 5 test -e "$T/rack/tty.$1" || return 1
	cat >>"$T/rack/ser2net.yaml" <<EOF
connection: &line$1
    accepter: telnet(rfc2217),tcp,10.76.0.2,$((7000 + $1))
    enable: on
    options:
      kickolduser: true
    connector: serialdev,$T/rack/tty.$1,9600n81,local
EOF
}

# rack_sshd_when_ready NS ADDR DIR STATE 'CONFIG LINE': the SSH server of a
# factory device, started once the simulator on its console says it would
# serve SSH (STATE: "ready" and its local users), for those users only
rack_sshd_when_ready() {
	mkdir -p "$3"
	ssh-keygen -q -t ed25519 -N '' -f "$3/host_key"
	(
		while [ ! -s "$4" ]; do sleep 0.1; done
		{
			printf '%s\n' "Port 22" "ListenAddress $2" "HostKey $3/host_key" \
				"PidFile $3/sshd.pid" "StrictModes no" "UsePAM no" \
				"KbdInteractiveAuthentication no" "PasswordAuthentication yes" \
				"SetEnv SHLVL=5" "AllowUsers $(sed -n 's/^user //p' "$4" | tr '\n' ' ')" "$5"
		} >"$3/sshd_config"
		exec ip netns exec "$1" /usr/sbin/sshd -D -e -f "$3/sshd_config" 2>>"$3/log"
	) &
	bg_pid $!
}

rack_up() {
	RB=zb$$ RG=zg$$ RS=zs$$
	mkdir -p "$T/rack"
	sshd_client_key
	rack_ns "$RB" && rack_ns "$RG" && rack_ns "$RS" || return 1
	rack_veth "$RB" b0 "$RG" g0 && rack_veth "$RG" g1 "$RS" s0 || return 1
	ip -n "$RB" addr add 10.76.0.1/30 dev b0
	ip -n "$RG" addr add 10.76.0.2/30 dev g0
	ip -n "$RG" addr add 10.77.0.1/30 dev g1
	ip -n "$RS" addr add 10.77.0.2/30 dev s0
	ip -n "$RG" route add 10.78.0.0/16 via 10.77.0.2
	ip netns exec "$RS" sysctl -qw net.ipv4.ip_forward=1
	rack_hook
	n=0 relays="" ports="" consoles="" subnets="" downs=""
	for d in "$@"; do
		n=$((n + 1))
		eval "RD$n=zd$$x$n"
		eval "_ns=\$RD$n"
		rack_ns "$_ns" || return 1
		rack_veth "$RS" "p$n" "$_ns" e0 || return 1
		ip -n "$_ns" link set e0 address "$(printf '0c:d9:96:00:00:%02x' "$n")" || return 1
		ip -n "$RS" addr add "10.78.$n.1/24" dev "p$n"
		relays="$relays${relays:+, }10.78.$n.1"
		ports="$ports${ports:+, }p$n: Gi1/0/$n"
		consoles="$consoles${consoles:+, }Gi1/0/$n: rack1:$n"
		subnets="$subnets    port$n: {subnet: 10.78.$n.0/24, relay: [10.78.$n.1], range: 10.78.$n.10-10.78.$n.50, router: 10.78.$n.1}
"
		downs="$downs -id p$n"
	done
	# the gateway: jump host and DHCP server
	rack_sshd "$RG" 10.76.0.2 "$T/rack/gw" ed25519 "AllowTcpForwarding yes" "PasswordAuthentication no"
	cat >"$T/ztp.yml" <<EOF
spool: $T/spool
secrets: $T/secrets.yml
ssh:
  timeout: 30
  config: $T/ssh_config
  known_hosts: accept-new
templates: {path: [$TOP/templates], vars: $T/vars}
flow: {retries: 2, backoff: 5s, backoff_max: 20s}
racks:
  rack1:
    relay: [$relays]
    ports: {$ports}
    console: {$consoles}
    terminal_server: {host: 10.76.0.2, port_base: 7000}
    ssh: {jump: gw}
dhcp:
  lease_dir: $T/leases
  interfaces: [g1]
  server_id: 10.77.0.1
  lease_time: 1h
  subnets:
$subnets
EOF
	printf 'Host gw\n  HostName 10.76.0.2\n  User root\n  IdentityFile %s\n' "$T/client_key" >"$T/ssh_config"
	printf 'credentials:\n- {name: provisioning, username: %s, password: "%s"}\n' "$U" "$(cat "$T/pw")" >"$T/secrets.yml"
	chmod 600 "$T/secrets.yml"
	mkdir -p "$T/vars"
	cp -R "$TOP/templates/vars/." "$T/vars/"
	ZTP_CONFIG=$T/ztp.yml
	export ZTP_CONFIG
	ztp-spool init >/dev/null || return 1
	ip netns exec "$RG" ztp-dhcpd -d -v -c "$T/ztp.yml" 2>"$T/rack/dhcpd.log" &
	bg_pid $!
	rack_wait 10 grep -q serving "$T/rack/dhcpd.log" || { sed 's/^/# /' "$T/rack/dhcpd.log"; return 1; }
	# shellcheck disable=SC2086 # $downs: the relay's port options
	ip netns exec "$RS" dhcrelay -d -4 -a -iu s0 $downs 10.77.0.1 >"$T/rack/relay.log" 2>&1 &
	bg_pid $!
	sleep 0.5
	# the devices boot and ask for an address
	n=0
	for d in "$@"; do
		n=$((n + 1))
		eval "_ns=\$RD$n"
		_vc=$(printf '%s' "$d" | cut -d: -f4)
		RACK_ADDR=$T/rack/addr.$n ip netns exec "$_ns" env RACK_ADDR="$T/rack/addr.$n" \
			udhcpc -f -q -n -t 5 -T 2 -i e0 -V "$_vc" -s "$T/rack/hook.sh" >"$T/rack/udhcpc.$n.log" 2>&1 ||
			{ sed 's/^/# /' "$T/rack/udhcpc.$n.log"; return 1; }
	done
	# then their SSH servers come up on the leased addresses
	n=0
	for d in "$@"; do
		n=$((n + 1))
		eval "_ns=\$RD$n"
		_pf=$(printf '%s' "$d" | cut -d: -f2)
		_sn=$(printf '%s' "$d" | cut -d: -f3)
		_legacy=$(printf '%s' "$d" | cut -d: -f5)
		_a=$(rack_addr "$n")
		_sim="$SIM --platform $_pf --serial $_sn"
		case $_legacy in
		factory)
			# its console knows when the bootstrap gave it SSH
			rack_console "$n" "$_sim --console --ssh-state $T/rack/state.$n --record $T/rack/crec.$n" || return 1
			rack_sshd_when_ready "$_ns" "$_a" "$T/rack/dev$n" "$T/rack/state.$n" \
				"ForceCommand $_sim --hostname Router --record $T/rack/rec.$n"
			continue
			;;
		esac
		rack_console "$n" "$_sim --console --has-keys --record $T/rack/crec.$n" || return 1
		if [ "$_legacy" = legacy ]; then
			rack_sshd "$_ns" "$_a" "$T/rack/dev$n" rsa "PasswordAuthentication yes" \
				"KexAlgorithms diffie-hellman-group14-sha1" "HostKeyAlgorithms ssh-rsa" \
				"ForceCommand $SIM --platform $_pf --serial $_sn --hostname Router --record $T/rack/rec.$n"
		else
			rack_sshd "$_ns" "$_a" "$T/rack/dev$n" ed25519 "PasswordAuthentication yes" \
				"ForceCommand $SIM --platform $_pf --serial $_sn --hostname Router --record $T/rack/rec.$n"
		fi
	done
	# the terminal server, in front of every console line
	ip netns exec "$RG" ser2net -n -u -c "$T/rack/ser2net.yaml" -P "$T/rack/ser2net.pid" \
		2>"$T/rack/ser2net.log" &
	bg_pid $!
	rack_wait 10 ip netns exec "$RG" sh -c "ss -Htln | grep -q '10.76.0.2:$((7000 + n)) '" ||
		{ sed 's/^/# /' "$T/rack/ser2net.log"; return 1; }
	chmod 1777 "$T/rack"
	return 0
}
