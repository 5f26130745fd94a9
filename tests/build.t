#!/bin/sh
# The build: configure names the Debian package of a missing library, the
# portable OS seam compiles, no template engine function is over 150
# lines, clang finds nothing to warn about
# (make install: tests/install.t).
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 2
[ -x ./configure ] || skip_all "configure not generated yet"

mkdir "$T/b"
( cd "$T/b" && PKG_CONFIG_LIBDIR=/nonexistent "$TOP/configure" ) >"$T/conf.out" 2>&1
rc=$?
ok $([ "$rc" != 0 ] && echo 0 || echo 1) "configure fails without libssh"
like "$(cat "$T/conf.out")" "apt-get install libssh-dev" "and names the Debian package"

# the portable side of the OS seam builds too (configure picks it off Linux)
for f in lib/os-posix.c lib/dhcpsock-posix.c; do
	${CC:-cc} -std=c11 -D_GNU_SOURCE -I. -Ilib -Wall -Wextra -Werror -Wno-unused-parameter \
		-fsyntax-only "$f" >"$T/posix.out" 2>&1
	is "$?" 0 "$f compiles cleanly"
done

# the template engine keeps its dispatch in tables and small functions: no
# function of lib/tmpl/ over 150 lines, from the line that names it (at
# the left margin) to its closing brace
awk '
	/^[A-Za-z_].*\(/ && !/;[ \t]*$/ { sig = $0; start = FNR }
	/^\{/ && sig != "" {
		name = sig
		sub(/\(.*/, "", name)
		sub(/.*[ *]/, "", name)
		open = 1
	}
	/^\}/ && open {
		if (FNR - start + 1 > 150)
			printf "%s (%s:%d, %d lines) ", name, FILENAME, start, FNR - start + 1
		open = 0
		sig = ""
	}' lib/tmpl/*.c >"$T/long"
is "$(cat "$T/long")" "" "no function in lib/tmpl/ is over 150 lines"

# clang, with the project's warning flags, in a copy of the tree: no
# warning in the library, the tools or the tests.  Without optimisation:
# clang's warnings come from its front end, the same at -O0 as at -O2,
# and the build takes a fraction of the time
if command -v clang >/dev/null && [ -f config.mk ] && [ -f config.h ]; then
	mkdir "$T/clang"
	{ git ls-files 2>/dev/null; echo config.mk; echo config.h; } | tar -cf - -T - | tar -xf - -C "$T/clang"
	( cd "$T/clang" && make -j2 CC=clang CFLAGS_CONF=-O0 all ) >"$T/clang.out" 2>&1
	is "$?" 0 "make CC=clang builds"
	grep 'warning:' "$T/clang.out" >"$T/clang.warn"
	is "$(cat "$T/clang.warn")" "" "and clang warns about nothing"
else
	ok 0 "# SKIP no clang, or the tree is not configured"
	ok 0 "# SKIP no clang, or the tree is not configured"
fi
done_testing
