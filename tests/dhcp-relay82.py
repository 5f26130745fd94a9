#!/usr/bin/python3
# tests/dhcp-relay82.py: a DHCP relay agent that adds option 82 with the
# circuit id and remote id given as hex (any bytes, which dhcrelay -a cannot
# send: it uses the interface's name), for tests/flow-inject.t.
#
#   dhcp-relay82.py DOWN-IF UP-IF GIADDR SERVER CIRCUIT-HEX REMOTE-HEX
#
# Requests from clients on DOWN-IF go to SERVER:67 with giaddr GIADDR and
# option 82 appended; replies from the server are broadcast on DOWN-IF.
import select, socket, sys

down_if, up_if, giaddr, server = sys.argv[1:5]
circuit, remote = bytes.fromhex(sys.argv[5]), bytes.fromhex(sys.argv[6])
SO_BINDTODEVICE = 25


def sock(ifname):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, ifname.encode() + b"\0")
    s.bind(("", 67))
    return s


def with_82(p):
    i = 240
    while i < len(p) and p[i] != 255:
        i += 1 if p[i] == 0 else 2 + p[i + 1]
    sub = bytes([1, len(circuit)]) + circuit + bytes([2, len(remote)]) + remote
    return p[:i] + bytes([82, len(sub)]) + sub + b"\xff"


down, up = sock(down_if), sock(up_if)
while True:
    for s in select.select([down, up], [], [])[0]:
        p = bytearray(s.recv(4096))
        if len(p) < 240 or p[236:240] != b"\x63\x82\x53\x63":
            continue
        if s is down and p[0] == 1:
            p[3] += 1
            if p[24:28] == b"\0\0\0\0":
                p[24:28] = socket.inet_aton(giaddr)
            up.sendto(with_82(bytes(p)), (server, 67))
        elif s is up and p[0] == 2:
            down.sendto(bytes(p), ("255.255.255.255", 68))
