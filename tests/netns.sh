# tests/netns.sh: network namespaces for the DHCP tests (sourced after
# lib.sh; needs root and iproute2).  Everything made here is removed at exit.
#
#   netns_pair PREFIX   $S (server: bridge br0, 10.99.0.1/16) and $C (client)
#                       joined by the veth ${S}a -- ${C}a on the bridge
#   netns_rack PREFIX   netns_pair, more client veths ${C}b and ${C}c, and a
#                       relay $R between the bridge (10.99.0.2) and a client
#                       segment 10.98.0.0/24 on ${C}d (10.98.0.1 on the relay)

netns_pair() {
	S=${1}s$$ C=${1}c$$
	ip netns add $S 2>/dev/null || skip_all "cannot create network namespaces"
	on_exit "ip netns del $S; ip netns del $C; rm -f /var/lib/dhcpcd/${C}?.lease /var/lib/dhcpcd/${C}?-*.lease"
	ip netns add $C
	ip -n $S link add br0 type bridge
	ip -n $S addr add 10.99.0.1/16 dev br0
	ip -n $S link set br0 up
	ip -n $S link set lo up
	ip -n $C link set lo up
	netns_port a
}

netns_port() { # a client veth on the bridge
	ip link add ${S}$1 type veth peer name ${C}$1
	ip link set ${S}$1 netns $S
	ip link set ${C}$1 netns $C
	ip -n $S link set ${S}$1 master br0
	ip -n $S link set ${S}$1 up
	ip -n $C link set ${C}$1 up
}

netns_rack() {
	netns_pair "$1"
	R=${1}r$$
	ip netns add $R
	on_exit "ip netns del $R"
	ip -n $R link set lo up
	netns_port b
	netns_port c
	ip link add ${S}r type veth peer name ${R}u
	ip link set ${S}r netns $S
	ip link set ${R}u netns $R
	ip -n $S link set ${S}r master br0
	ip -n $S link set ${S}r up
	ip link add ${R}d type veth peer name ${C}d
	ip link set ${R}d netns $R
	ip link set ${C}d netns $C
	ip -n $R addr add 10.99.0.2/16 dev ${R}u
	ip -n $R addr add 10.98.0.1/24 dev ${R}d
	ip -n $R link set ${R}u up
	ip -n $R link set ${R}d up
	ip -n $C link set ${C}d up
	ip -n $S route add 10.98.0.0/24 via 10.99.0.2
}
