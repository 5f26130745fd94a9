#!/bin/sh
# ztp-push's variable layers without a device: files, the record, and the
# HTTP source of truth (a real HTTP server on loopback, NetBox-style: one
# JSON document per serial, with a bearer token); --vars shows where each
# value came from; bad layers are named with file and line.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip_all "python3 is needed for the HTTP server"

V=$T/vars
mkdir -p "$V/racks" "$V/services" "$V/platforms" "$V/devices" "$T/www/api/ztp" "$T/spool"
cat >"$V/defaults.yml" <<'EOF'
hostname: cpe-unnamed
ntp_servers: [192.0.2.1, 192.0.2.2]
wan: {interface: Gi0/0/0, mtu: 1500}
EOF
printf 'ntp_servers: [198.51.100.1]\n' >"$V/racks/rack1.yml"
printf 'wan: {description: internet}\n' >"$V/services/internet-access.yml"
printf 'wan: {interface: GigabitEthernet0/0/0}\n' >"$V/platforms/cisco_iosxe.yml"
printf 'hostname: cpe-override\n' >"$V/devices/SER123.yml"
# the source of truth answers by serial, only with the token
printf '{"wan": {"address": "198.51.100.2/30", "gateway": "198.51.100.1"}, "hostname": "from-netbox"}\n' \
	>"$T/www/api/ztp/SER123"
cat >"$T/srv.py" <<'EOF'
import http.server, sys, os
root, token = sys.argv[2], open(sys.argv[3]).read().strip()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.headers.get("Authorization") != "Bearer " + token:
            self.send_response(401); self.end_headers(); return
        p = os.path.join(root, self.path.lstrip("/").split("?")[0])
        if not os.path.isfile(p):
            self.send_response(404); self.end_headers(); return
        body = open(p, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
printf 's3cret-token\n' >"$T/token"
PORT=$(free_port)
python3 "$T/srv.py" "$PORT" "$T/www" "$T/token" &
bg_pid $!
wait_port "$PORT" 10 || { ok 1 "the HTTP server starts"; done_testing; }
printf 'source_token: s3cret-token\n' >"$T/secrets.yml"
chmod 600 "$T/secrets.yml"
cat >"$T/ztp.yml" <<EOF
spool: $T/spool
secrets: $T/secrets.yml
templates:
  vars: $V
  source: {url: "http://127.0.0.1:$PORT/api/ztp/{serial}", timeout: 5}
EOF
rec='{"id": "dev1", "rack": "rack1", "platform": "cisco_iosxe", "service": "internet-access", "facts": {"serial": "SER123"}, "vars": {"wan": {"mtu": 9000}}}'
printf '%s\n' "$rec" >"$T/rec.yml"

run ztp-push -c "$T/ztp.yml" --vars "$T/rec.yml"
is "$rc" 0 "--vars: exit 0"
[ "$rc" = 0 ] || diag "$err"
like "$out" "#   source: http://127.0.0.1:$PORT/api/ztp/SER123" "the source layer: its URL, by serial"
like "$out" 'wan.address: "198.51.100.2/30"    <- source' "a value from the source of truth"
like "$out" 'hostname: "cpe-override"    <- overrides' "the per-device file beats the source"
like "$out" 'ntp_servers: ["198.51.100.1"]    <- rack' "a list is replaced whole by a later layer"
like "$out" 'wan.interface: "GigabitEthernet0/0/0"    <- platform' "the platform layer beats defaults"
like "$out" 'wan.description: "internet"    <- service' "maps merge key by key"
like "$out" 'wan.mtu: 9000    <- record' "the record's own vars"
like "$out" 'device.facts.serial: "SER123"    <- record' "the record as device"
unlike "$out$err" "s3cret-token" "the token is never printed"
run ztp-push -c "$T/ztp.yml" -o json --vars "$T/rec.yml"
like "$out" '"origin": {' "-o json: vars and origin"

# errors name what and where
printf '%s\n' "$rec" | sed 's/SER123/SER999/' >"$T/rec2.yml"
run ztp-push -c "$T/ztp.yml" --vars "$T/rec2.yml"
is "$rc" 2 "a device the source does not know: exit 2"
like "$err" "api/ztp/SER999: HTTP 404 (the device is not there" "404: the URL and what to do"
sed 's/timeout: 5}/timeout: 5, optional: true}/' "$T/ztp.yml" >"$T/opt.yml"
run ztp-push -c "$T/opt.yml" --vars "$T/rec2.yml"
is "$rc" 0 "optional: true: a 404 is no variables"
like "$out" "(404, none)" "optional: shown as an empty layer"
printf 'source_token: wrong\n' >"$T/secrets.yml"
run ztp-push -c "$T/ztp.yml" --vars "$T/rec.yml"
like "$err" "HTTP 401 (check source_token in the secrets file)" "401: says which secret"
printf 'source_token: s3cret-token\n' >"$T/secrets.yml"
DEAD=$(free_port)
sed "s/:$PORT/:$DEAD/" "$T/ztp.yml" >"$T/dead.yml"
run ztp-push -c "$T/dead.yml" --vars "$T/rec.yml"
is "$rc" 75 "source down: exit 75 (try again later)"
like "$err" "source of truth: GET http://127.0.0.1:$DEAD/api/ztp/SER123" "source down: the URL"
sed 's/{serial}/{nosuch}/' "$T/ztp.yml" >"$T/badtok.yml"
run ztp-push -c "$T/badtok.yml" --vars "$T/rec.yml"
is "$rc" 2 "an unknown URL token: exit 2"
like "$err" "unknown token '{nosuch}'" "an unknown URL token is named"
printf 'wan: [oops\n' >"$V/racks/rack1.yml"
run ztp-push -c "$T/ztp.yml" --vars "$T/rec.yml"
is "$rc" 2 "a broken layer file: exit 2"
like "$err" "cannot parse '$V/racks/rack1.yml': line 2" "a broken layer file: named with its line"
printf -- '- a\n- b\n' >"$V/racks/rack1.yml"
run ztp-push -c "$T/ztp.yml" --vars "$T/rec.yml"
like "$err" "the variables must be a mapping, not a list" "a layer that is not a mapping"
run ztp-push -c "$T/ztp.yml" -T
like "$out" "url: http://127.0.0.1:$PORT/api/ztp/{serial}" "-T: the source"
unlike "$out" "s3cret-token" "-T: never the token"
done_testing
