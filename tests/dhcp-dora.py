# dhcp-dora.py IFNAME MODE COUNT RATE SECS [GIADDR CIRCUIT]: COUNT full
# exchanges (DISCOVER, and a REQUEST for every OFFER) at RATE per second out
# of IFNAME, then SECS more for the replies.  MODE macs: a new MAC each
# time; cids: one MAC with a new client id each time.  Direct (broadcast
# flag set, replies broadcast to port 68), or with GIADDR as a relay agent
# (an address of IFNAME, port 67) adding option 82 with circuit id CIRCUIT.
# GIADDR 0.0.0.0: direct, with option 82 (a snooping switch inserts it).
# Prints "acked N" and then the addresses acknowledged, one a line.
import os, select, socket, struct, sys, time

ifname, mode, count, rate, secs = (sys.argv[1], sys.argv[2], int(sys.argv[3]),
                                   float(sys.argv[4]), float(sys.argv[5]))
giaddr = sys.argv[6] if len(sys.argv) > 6 else None
circuit = sys.argv[7].encode() if len(sys.argv) > 7 else b""
opt82 = bool(giaddr)
if giaddr == "0.0.0.0":
    giaddr = None
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
if giaddr:
    s.bind((giaddr, 67))
    dest = ("10.99.0.1", 67)
else:
    s.bind(("0.0.0.0", 68))
    dest = ("255.255.255.255", 67)
tag = os.urandom(3)


def packet(mtype, xid, mac, cid, extra=b""):
    p = struct.pack("!BBBBIHH", 1, 1, 6, 1 if giaddr else 0, xid, 0,
                    0 if giaddr else 0x8000)
    p += bytes(12) + (socket.inet_aton(giaddr) if giaddr else bytes(4))
    p += mac + bytes(10) + bytes(192) + b"\x63\x82\x53\x63"
    p += bytes([53, 1, mtype, 61, len(cid)]) + cid + extra
    if opt82:
        p += bytes([82, len(circuit) + 2, 1, len(circuit)]) + circuit
    return p + b"\xff" + bytes(max(0, 300 - len(p) - 1))


def options(b):
    o, k = {}, 240
    while k < len(b) - 1 and b[k] != 255:
        if b[k] == 0:
            k += 1
            continue
        o[b[k]] = b[k + 2:k + 2 + b[k + 1]]
        k += 2 + b[k + 1]
    return o


sent = {}
acked = set()
t0 = time.time()
i = 0
while time.time() - t0 < count / rate + secs:
    if i < count and i < (time.time() - t0) * rate:
        xid = 0x7d000000 + i
        if mode == "cids":
            mac = b"\x02\x7d" + tag + b"\x01"
            cid = b"\xff" + tag + struct.pack("!I", i)
        else:
            mac = b"\x02" + tag + struct.pack("!H", i)
            cid = b"\x01" + mac
        sent[xid] = (mac, cid)
        s.sendto(packet(1, xid, mac, cid), dest)
        i += 1
    r, _, _ = select.select([s], [], [], 0.002)
    if not r:
        continue
    b = s.recv(4096)
    if len(b) < 244 or b[0] != 2:
        continue
    xid = struct.unpack("!I", b[4:8])[0]
    if xid not in sent:
        continue
    o = options(b)
    mac, cid = sent[xid]
    mt = o.get(53, b"\0")[0]
    if mt == 2:
        s.sendto(packet(3, xid, mac, cid, bytes([50, 4]) + b[16:20] +
                        bytes([54, 4]) + o.get(54, bytes(4))), dest)
    elif mt == 5:
        acked.add(socket.inet_ntoa(b[16:20]))
print("acked", len(acked))
for a in sorted(acked):
    print(a)
