# dhcp-flood.py IFNAME COUNT RATE MACBYTE: broadcast COUNT DHCPDISCOVERs,
# each from another MAC (02:00:00:MACBYTE:hi:lo), at RATE per second out of
# IFNAME (an interface without an address, like a client that has none).
import socket, struct, sys, time
ifname, count, rate, mb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
s.bind(("0.0.0.0", 68))
t0 = time.time()
for i in range(count):
    mac = bytes([2, 0, 0, mb, i >> 8 & 255, i & 255])
    p = struct.pack("!BBBBIHHIIII", 1, 1, 6, 0, 0x5a000000 + i, 0, 0x8000, 0, 0, 0, 0)
    p += mac + bytes(10) + bytes(64) + bytes(128) + b"\x63\x82\x53\x63"
    p += b"\x35\x01\x01" + b"\x3d\x07\x01" + mac + b"\xff"
    p += bytes(max(0, 300 - len(p)))
    s.sendto(p, ("255.255.255.255", 67))
    d = t0 + (i + 1) / rate - time.time()
    if d > 0:
        time.sleep(d)
