#!/bin/sh
# dhcpd-tls.t: device notifications over HTTPS to a real TLS server
# (python3 http.server wrapped in ssl) on 127.0.0.1 with certificates made
# by openssl in the test.  With backend.verify_tls and backend.ca_file
# naming the server's CA the record arrives; a server whose certificate
# that CA did not sign is refused with the TLS reason in the log, and the
# notification stays queued until a trusted server takes it.  The records
# come from `ztp-dhcpd --from-dnsmasq` (the daemon uses the same queue).
. "$(dirname "$0")/lib.sh"
D=$BIN/ztp-dhcpd
[ -x "$D" ] || skip_all "no $D"
for c in openssl /usr/bin/python3; do
	command -v $c >/dev/null 2>&1 || skip_all "no $c"
done

# two self-signed certificates for 127.0.0.1: "good" is the configured CA,
# "rogue" is not
for n in good rogue; do
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
	    -addext "subjectAltName=IP:127.0.0.1" -keyout "$T/$n.key" -out "$T/$n.crt" \
	    >/dev/null 2>&1 || skip_all "openssl cannot make a certificate"
done
cat >"$T/https.py" <<'EOP'
import http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        with open(sys.argv[4], "a") as f:
            f.write(self.rfile.read(n).decode() + "\n")
        self.send_response(201)
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
s.socket = ctx.wrap_socket(s.socket, server_side=True)
s.serve_forever()
EOP
port=$(free_port)
serve() { # serve CERT: the HTTPS server with that certificate
	/usr/bin/python3 "$T/https.py" $port "$T/$1.crt" "$T/$1.key" "$T/posts" 2>>"$T/https.err" &
	web=$!
	bg_pid $web
	wait_port $port || diag "the HTTPS server did not start: $(cat "$T/https.err")"
}
cat >"$T/ztp.yml" <<EOF2
spool: $T/spool
backend:
  url: https://127.0.0.1:$port/devices
  verify_tls: true
  ca_file: $T/good.crt
  timeout: 3s
dhcp:
  lease_dir: $T/leases
EOF2
queued() { ls "$T/leases/notify" 2>/dev/null | grep -c '\.json$'; }

serve good
run "$D" --from-dnsmasq -v -c "$T/ztp.yml" add 00:11:22:33:44:01 10.99.0.101 sw1
is "$rc" 0 "a lease (trusted server)"
like "$(cat "$T/posts" 2>/dev/null)" '"mac": "00:11:22:33:44:01"' "the record arrived over TLS (verify_tls with ca_file)"
like "$err" "notified '00-11-22-33-44-01'" "the delivery is logged"
is "$(queued)" 0 "nothing left in the queue"
kill $web
wait $web 2>/dev/null

serve rogue
run "$D" --from-dnsmasq -v -c "$T/ztp.yml" add 00:11:22:33:44:02 10.99.0.102 sw2
is "$rc" 0 "a lease (untrusted server): the lease itself is not refused"
unlike "$(cat "$T/posts" 2>/dev/null)" "00:11:22:33:44:02" "nothing was sent to the untrusted server"
like "$err" "notify '00-11-22-33-44-02': SSL certificate problem" "the log gives the TLS reason"
diag "$(printf '%s\n' "$err" | grep "notify '00-11-22-33-44-02'" | head -1)"
is "$(queued)" 1 "the notification stays queued"
kill $web
wait $web 2>/dev/null

# the trusted server is back: the queued notification goes out with the next
serve good
run "$D" --from-dnsmasq -v -c "$T/ztp.yml" add 00:11:22:33:44:03 10.99.0.103 sw3
like "$(cat "$T/posts")" '"mac": "00:11:22:33:44:02"' "the queued notification arrives once the server is trusted"
like "$(cat "$T/posts")" '"mac": "00:11:22:33:44:03"' "and the new one"
is "$(queued)" 0 "the queue is empty"
unlike "$err" "AddressSanitizer" "no sanitizer reports"
done_testing
