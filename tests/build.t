#!/bin/sh
# The build: configure names the Debian package of a missing library, and
# make install puts tools and man pages under DESTDIR/PREFIX.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 2
[ -x ./configure ] || skip_all "configure not generated yet"

mkdir "$T/b"
( cd "$T/b" && PKG_CONFIG_LIBDIR=/nonexistent "$TOP/configure" ) >"$T/conf.out" 2>&1
rc=$?
ok $([ "$rc" != 0 ] && echo 0 || echo 1) "configure fails without libssh"
like "$(cat "$T/conf.out")" "apt-get install libssh-dev" "and names the Debian package"

make -s install DESTDIR="$T/root" PREFIX=/usr >"$T/inst.out" 2>&1
is "$?" 0 "make install with DESTDIR"
ok $([ -x "$T/root/usr/bin/ztp-spool" ] && echo 0 || echo 1) "tool installed in PREFIX/bin"
ok $([ -f "$T/root/usr/share/man/man1/ztp-spool.1" ] && echo 0 || echo 1) "man page installed"
ok $([ -f "$T/root/usr/share/man/man5/ztp.yml.5" ] && echo 0 || echo 1) "section 5 pages too"
run "$T/root/usr/bin/ztp-spool" -s "$T/sp" init
is "$rc" 0 "the installed tool runs"
# the portable side of the OS seam builds too (configure picks it off Linux)
for f in lib/os-posix.c lib/dhcpsock-posix.c; do
	${CC:-cc} -std=c11 -D_GNU_SOURCE -I. -Ilib -Wall -Wextra -Werror -Wno-unused-parameter \
		-fsyntax-only "$f" >"$T/posix.out" 2>&1
	is "$?" 0 "$f compiles cleanly"
done

# clang, with the project's warning flags, in a copy of the tree: no
# warning in the library, the tools or the tests
if command -v clang >/dev/null && [ -f config.mk ] && [ -f config.h ]; then
	mkdir "$T/clang"
	{ git ls-files 2>/dev/null; echo config.mk; echo config.h; } | tar -cf - -T - | tar -xf - -C "$T/clang"
	( cd "$T/clang" && make -j2 CC=clang all ) >"$T/clang.out" 2>&1
	is "$?" 0 "make CC=clang builds"
	grep 'warning:' "$T/clang.out" >"$T/clang.warn"
	is "$(cat "$T/clang.warn")" "" "and clang warns about nothing"
else
	ok 0 "# SKIP no clang, or the tree is not configured"
	ok 0 "# SKIP no clang, or the tree is not configured"
fi
done_testing
