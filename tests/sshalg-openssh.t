#!/bin/sh
# OpenSSH list syntax (+ - ^, wildcards) as ztp implements it, compared
# with OpenSSH's own result (ssh -G) on OpenSSH's defaults and algorithms.
. "$(dirname "$0")/lib.sh"
command -v ssh >/dev/null || skip_all "no ssh (openssh-client)"
H=$BUILD/tests/unit/h-sshalg

# compare KEYWORD SPEC
compare() {
	kw=$1 spec=$2
	lc=$(printf '%s' "$kw" | tr 'A-Z' 'a-z')
	def=$(ssh -G -F /dev/null x 2>/dev/null | sed -n "s/^$lc //p")
	all=$(ssh -Q "$kw" | paste -sd, -)
	want=$(ssh -G -F /dev/null -o "$kw=$spec" x 2>/dev/null | sed -n "s/^$lc //p")
	got=$("$H" "$kw" "$spec" "$def" "$all" 2>/dev/null)
	if [ -z "$want" ]; then
		like "$got" "error:" "$kw $spec: refused like OpenSSH"
	else
		is "$got" "$want" "$kw $spec: same as ssh -G"
	fi
}

compare KexAlgorithms "+diffie-hellman-group14-sha1"
compare KexAlgorithms "+diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1"
compare KexAlgorithms "-ecdh-*"
compare KexAlgorithms "-*sha1,*nistp*"
compare KexAlgorithms "^diffie-hellman-group14-sha1,curve25519-sha256"
compare KexAlgorithms "curve25519-sha256,diffie-hellman-group1-sha1"
compare KexAlgorithms "+diffie-hellman-*-sha1"
compare KexAlgorithms "curve25519-sha256,curve25519-sha256"
compare HostKeyAlgorithms "+ssh-rsa"
compare HostKeyAlgorithms "ecdsa-*,ssh-rsa"
compare HostKeyAlgorithms "-*-cert-v01@openssh.com"
compare HostKeyAlgorithms "^ssh-rsa*"
compare HostKeyAlgorithms "+ssh-rsa,ssh-dss"
compare Ciphers "+aes128-cbc,3des-cbc"
compare Ciphers "-aes*-gcm@openssh.com"
compare Ciphers "^3des-cbc"
compare Ciphers "aes*"
compare MACs "+hmac-md5"
compare MACs "-umac-*,hmac-sha1*"
compare PubkeyAcceptedAlgorithms "+ssh-rsa"
compare PubkeyAcceptedAlgorithms "-rsa-sha2-*"
done_testing
