#!/bin/sh
# dnsmasq-script: dnsmasq's dhcp-script (dnsmasq(8) --dhcp-script), records
# each device dnsmasq leases in the ztp spool (ztp-dhcpd(8) --from-dnsmasq):
#   dhcp-script=@LIBEXECDIR@/dnsmasq-script
# ZTP_CONFIG in dnsmasq's environment chooses another ztp.yml.
exec @SBINDIR@/ztp-dhcpd --from-dnsmasq -c "${ZTP_CONFIG:-/etc/ztp/ztp.yml}" "$@"
