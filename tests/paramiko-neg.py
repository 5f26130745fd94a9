# tests/paramiko-neg.py PORT: what the real paramiko of this machine does
# with the SSH server on 127.0.0.1:PORT, up to the end of the key exchange
# (no authentication): prints "ok", or "fail" and paramiko's own words and
# exits 1.  Used by kexclient.t and kexdeep.t to check verdicts against the
# real client.
import socket
import sys

import paramiko

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
t = paramiko.Transport(s)
try:
    t.start_client(timeout=10)
    print("ok")
except Exception as e:
    print("fail", e)
    sys.exit(1)
finally:
    t.close()
