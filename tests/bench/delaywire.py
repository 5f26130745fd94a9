"""tests/bench/delaywire.py NAME_A NAME_B DELAY_MS: a point-to-point wire
with a fixed one-way delay, for benchmarks on kernels without sch_netem.

Creates the TUN interfaces NAME_A and NAME_B (in the caller's network
namespace; move them where they belong with `ip link set NAME netns NS`:
the descriptors held here keep working), prints "ready" on stdout, then
copies every IP packet read from one to the other DELAY_MS milliseconds
later, in order, until killed.  A round trip through it costs 2 x DELAY_MS.
Standard library only; used by tests/bench/kexcheck.sh."""
import fcntl
import heapq
import os
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    a, b = tun(sys.argv[1]), tun(sys.argv[2])
    delay = float(sys.argv[3]) / 1000.0
    peer = {a: b, b: a}
    queue = []  # (due, sequence, out fd, packet)
    seq = 0
    print("ready", flush=True)
    while True:
        timeout = None
        if queue:
            timeout = max(0.0, queue[0][0] - time.monotonic())
        ready, _, _ = select.select([a, b], [], [], timeout)
        now = time.monotonic()
        for fd in ready:
            for _ in range(256):
                try:
                    pkt = os.read(fd, 65536)
                except BlockingIOError:
                    break
                heapq.heappush(queue, (now + delay, seq, peer[fd], pkt))
                seq += 1
        while queue and queue[0][0] <= time.monotonic():
            _, _, out, pkt = heapq.heappop(queue)
            try:
                os.write(out, pkt)
            except OSError:
                pass  # the interface is down or its queue full: a lost packet


if __name__ == "__main__":
    main()
