# dhcp-sniff.py IFNAME OUT: record every DHCPACK seen on IFNAME (a packet
# socket, so it sees what the wire carried) as "yiaddr chaddr" lines.
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((sys.argv[1], 0))
out = open(sys.argv[2], "a", buffering=1)
while True:
    f = s.recv(65535)
    ip = f[14:]
    if len(ip) < 20 or ip[9] != 17:
        continue
    ihl = (ip[0] & 15) * 4
    udp = ip[ihl:]
    if len(udp) < 8:
        continue
    sport, dport = struct.unpack("!HH", udp[:4])
    if sport != 67:
        continue
    b = udp[8:]
    if len(b) < 240 or b[0] != 2 or b[236:240] != b"\x63\x82\x53\x63":
        continue
    i, mt = 240, 0
    while i + 1 < len(b) and b[i] != 255:
        if b[i] == 0:
            i += 1
            continue
        if b[i] == 53 and b[i + 1] >= 1:
            mt = b[i + 2]
        i += 2 + b[i + 1]
    if mt == 5:
        out.write("%s %s\n" % (socket.inet_ntoa(b[16:20]), ":".join("%02x" % x for x in b[28:34])))
