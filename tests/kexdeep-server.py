#!/usr/bin/env python3
"""kexdeep-server.py: an "SSH server" like old devices, for tests/kexdeep.t.

    kexdeep-server.py DIR MODE

Listens on 127.0.0.1, writes DIR/MODE.port, serves each connection in a
thread until the client hangs up (60 s at most).  It goes as far as the
server's key exchange reply and no further (no keys are derived): enough
for a client to judge the group or the host key, as real clients do
before anything else.

modes:
  gex1024  offers only diffie-hellman-group-exchange-sha1 and answers every
           group request, whatever its minimum, with a 1024-bit group (the
           RFC 2409 Oakley group 2 prime), as old IOS and VRP images do;
           its host key is a 2048-bit RSA key
  rsa768   offers diffie-hellman-group14-sha1 and curve25519-sha256 and
           ssh-rsa only, with a 768-bit RSA host key
  gexshut  offers only diffie-hellman-group-exchange-sha1 and disconnects
           on a group request with a minimum above 1024
  gexsilent  offers only group exchange and never answers the request
  gexbad   offers group exchange and diffie-hellman-group14-sha1 and
           answers both with packets whose lengths lie
"""
import os
import socket
import struct
import sys
import threading

OAKLEY2 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16)


def u32(v):
    return struct.pack(">I", v)


def sstr(b):
    if isinstance(b, str):
        b = b.encode()
    return u32(len(b)) + b


def mpint(v):
    if v == 0:
        return u32(0)
    b = v.to_bytes((v.bit_length() + 8) // 8, "big")  # a leading 0 byte when the top bit is set
    if b[0] == 0 and len(b) > 1 and not b[1] & 0x80:
        b = b[1:]
    return sstr(b)


def packet(payload):
    pad = 8 - (5 + len(payload)) % 8
    if pad < 4:
        pad += 8
    return u32(1 + len(payload) + pad) + bytes([pad]) + payload + bytes(pad)


def rsa_blob(bits):
    # an odd number of exactly `bits` bits: enough for a size check
    n = (1 << (bits - 1)) | 0x5A5A5A5A5A5A5A5B
    return sstr("ssh-rsa") + mpint(65537) + mpint(n)


def kexinit(kex, hostkey):
    lists = [kex, hostkey, "aes128-ctr,aes256-ctr", "aes128-ctr,aes256-ctr",
             "hmac-sha1,hmac-sha2-256", "hmac-sha1,hmac-sha2-256", "none", "none", "", ""]
    return bytes([20]) + b"\x11" * 16 + b"".join(sstr(x) for x in lists) + b"\x00" + u32(0)


class Conn:
    def __init__(self, sock):
        self.s = sock
        self.buf = b""

    def read(self, n):
        while len(self.buf) < n:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
        r, self.buf = self.buf[:n], self.buf[n:]
        return r

    def line(self):
        while b"\n" not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
        i = self.buf.index(b"\n")
        r, self.buf = self.buf[:i], self.buf[i + 1:]
        return r

    def packet(self):
        (length,) = struct.unpack(">I", self.read(4))
        if length > 35000:
            raise EOFError
        body = self.read(length)
        return body[1:length - body[0]]


def serve(sock, mode):
    c = Conn(sock)
    sock.settimeout(60)
    try:
        sock.sendall(b"SSH-2.0-Cisco-1.25\r\n")
        c.line()
        if mode == "gexbad":
            sock.sendall(packet(kexinit("diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1",
                                        "rsa-sha2-256,ssh-rsa")))
        elif mode == "rsa768":
            sock.sendall(packet(kexinit("curve25519-sha256,diffie-hellman-group14-sha1", "rsa-sha2-256,ssh-rsa")))
        else:
            sock.sendall(packet(kexinit("diffie-hellman-group-exchange-sha1", "rsa-sha2-256,ssh-rsa")))
        while True:
            p = c.packet()
            if p[0] == 34 and mode == "gexsilent":
                continue
            if p[0] in (30, 34) and mode == "gexbad":
                # an mpint (string) length past the end of the packet
                sock.sendall(packet(bytes([31]) + u32(0x7FFFFFF0) + b"\x01\x02"))
                continue
            if p[0] == 34:  # KEX_DH_GEX_REQUEST
                mn = struct.unpack(">I", p[1:5])[0]
                if mode == "gexshut" and mn > 1024:
                    sock.sendall(packet(bytes([1]) + u32(3) + sstr("no group of that size") + sstr("")))
                    return
                sock.sendall(packet(bytes([31]) + mpint(OAKLEY2) + mpint(2)))
            elif p[0] in (30, 32):  # KEXDH_INIT / KEX_ECDH_INIT, KEX_DH_GEX_INIT
                blob = rsa_blob(768 if mode == "rsa768" else 2048)
                if p[0] == 30 and mode == "rsa768" and len(p) == 1 + 4 + 32:
                    f = sstr(os.urandom(32))
                else:
                    f = mpint(OAKLEY2 // 3)
                sig = sstr(sstr("ssh-rsa") + sstr(b"\x01" * 96))
                sock.sendall(packet(bytes([p[0] + 1]) + sstr(blob) + f + sig))
    except (EOFError, OSError, struct.error, IndexError):
        pass
    finally:
        sock.close()


def main():
    d, mode = sys.argv[1], sys.argv[2]
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    with open(os.path.join(d, mode + ".port.tmp"), "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(os.path.join(d, mode + ".port.tmp"), os.path.join(d, mode + ".port"))
    while True:
        s, _ = ls.accept()
        threading.Thread(target=serve, args=(s, mode), daemon=True).start()


if __name__ == "__main__":
    main()
