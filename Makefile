# ztp: one non-recursive GNU Makefile.  libztp is built once (lib/libztp.a)
# and linked by every tool in cmd/.  `make check` also builds an ASan/UBSan
# copy of everything under tests/.san and runs the whole suite against it.

-include config.mk

PREFIX ?= $(if $(prefix),$(prefix),/usr/local)
DESTDIR ?=
BINDIR = $(PREFIX)/bin
SBINDIR = $(PREFIX)/sbin
MANDIR = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/ztp
LIBEXECDIR = $(PREFIX)/libexec/ztp
# the tools look for /etc/ztp/ztp.yml whatever the prefix (ztp.yml(5))
SYSCONFDIR = /etc/ztp
UNITDIR = $(PREFIX)/lib/systemd/system
COMPDIR = $(PREFIX)/share/bash-completion/completions

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wpointer-arith -Wformat=2 -Wno-unused-parameter

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DZTP_DATADIR=\"$(DATADIR)\" -I. -Ilib $(WARN) $(CFLAGS_CONF) $(CFLAGS) \
             $(SSH_CFLAGS) $(YAML_CFLAGS) $(CURL_CFLAGS) $(CPPFLAGS_CONF) $(CPPFLAGS)
# libssh and libcurl are loaded at first use (lib/dl-*.c), not linked
LIBS_ALL = $(YAML_LIBS) $(DL_LIBS) -lm -lpthread
SANFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined

# lib/os-*.c: only the one configure chose is compiled
LIB_SRC = $(filter-out lib/os-%.c,$(wildcard lib/*.c)) lib/os-$(ZTP_OS).c $(wildcard lib/*/*.c)
# the DHCP server's socket layer too: lib/dhcpsock-$(ZTP_OS).c
LIB_SRC := $(filter-out lib/dhcpsock-linux.c lib/dhcpsock-posix.c,$(LIB_SRC)) \
           lib/dhcpsock-$(ZTP_OS).c
LIB_OBJ = $(LIB_SRC:.c=.o)
LIB_HDR = $(wildcard lib/*.h lib/*/*.h) config.h
TOOLS_C = $(wildcard cmd/ztp-*.c)
TOOLS = $(TOOLS_C:.c=)
SCRIPTS = $(wildcard cmd/ztp-*.sh)
UNIT_SRC = $(wildcard tests/unit/t-*.c)
TESTBIN_SRC = $(wildcard tests/unit/h-*.c) $(wildcard tests/sim/*.c)
MAN = $(wildcard man/*.[1-9])

SAN = tests/.san
SAN_LIB_OBJ = $(addprefix $(SAN)/,$(LIB_OBJ))
SAN_TOOLS = $(addprefix $(SAN)/,$(TOOLS))
SAN_UNIT = $(addprefix $(SAN)/,$(UNIT_SRC:.c=))
SAN_TESTBIN = $(addprefix $(SAN)/,$(TESTBIN_SRC:.c=))
TESTBIN = $(TESTBIN_SRC:.c=)
# LD_PRELOAD shims of the tests (not sanitized: loaded into either build)
TESTSO = tests/unit/fence.so

DEPS = sh tests/deps.sh

.PHONY: all check check-build demo bench fuzz install uninstall clean distclean lint
all: $(TOOLS) $(TESTBIN) $(TESTSO)

# fresh checkout: run autoreconf and configure on the first make
config.h: config.mk
config.mk: configure.ac lib/config.mk.in
	@test -x /usr/bin/autoreconf || $(DEPS) build
	autoreconf -fi
	./configure --prefix=$(PREFIX)

%.o: %.c $(LIB_HDR)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

lib/libztp.a: $(LIB_OBJ)
	rm -f $@; ar rcs $@ $(LIB_OBJ)

cmd/ztp-%: cmd/ztp-%.c lib/libztp.a $(LIB_HDR)
	$(CC) $(ALL_CFLAGS) -o $@ $< lib/libztp.a $(LIBS_ALL)

tests/unit/%: tests/unit/%.c tests/unit/tap.h lib/libztp.a $(LIB_HDR)
	$(CC) $(ALL_CFLAGS) -o $@ $< lib/libztp.a $(LIBS_ALL)

tests/unit/%.so: tests/unit/%.c
	$(CC) $(ALL_CFLAGS) -shared -fPIC -o $@ $< -ldl

tests/sim/%: tests/sim/%.c lib/libztp.a $(LIB_HDR)
	$(CC) $(ALL_CFLAGS) -o $@ $< lib/libztp.a $(LIBS_ALL)

# the sanitizer tree
$(SAN)/%.o: %.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -c -o $@ $<

$(SAN)/lib/libztp.a: $(SAN_LIB_OBJ)
	rm -f $@; ar rcs $@ $(SAN_LIB_OBJ)

$(SAN)/%: %.c $(SAN)/lib/libztp.a $(LIB_HDR) tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -o $@ $< $(SAN)/lib/libztp.a $(LIBS_ALL)

check-build: all $(SAN_TOOLS) $(SAN_UNIT) $(SAN_TESTBIN)

# TAP under prove; tests find the sanitizer binaries through ZTP_BUILD.
# Most files wait on daemons, devices and deadlines more than they compute
# (the whole suite run one file at a time keeps about half a core busy):
# 2 at a time on 2 cores, not 3, which would be faster: the SSH and
# console tests run beside each other and must not be pushed past their
# deadlines.  The longest start first, so that no slot is left with a
# long file at the end; the rest follow by name, then the unit tests.
PROVE_JOBS ?= 2
SLOW_TESTS = fuzz condialog examples confcheck spool-crash console console-boot \
	push-live dhcpd-portcap flow-load spool-claim flow-inject sim sshset probe-live \
	flow kexdeep dhcpd-crash demo flow-console kexclient fleet-hard
CHECK_SLOW = $(wildcard $(SLOW_TESTS:%=tests/%.t))
CHECK_FILES = $(CHECK_SLOW) $(filter-out $(CHECK_SLOW),$(wildcard tests/*.t)) $(SAN_UNIT)
check:
	@$(DEPS) test
	@$(MAKE) --no-print-directory -j$$(nproc 2>/dev/null || echo 2) check-build
	@rm -f $(SAN)/failures.log
	ZTP_BUILD=$(SAN) ZTP_SHARED=$${ZTP_SHARED:-../shared} ZTP_FAILLOG=$(CURDIR)/$(SAN)/failures.log \
	  prove -j$(PROVE_JOBS) --exec '' $(CHECK_FILES) || \
	  { [ ! -s $(SAN)/failures.log ] || { echo "what the failed tests said:"; cat $(SAN)/failures.log; }; exit 1; }

demo: all
	@$(DEPS) demo
	sh tests/demo.sh

bench: all
	@$(DEPS) bench
	@for b in tests/bench/*.sh; do [ -e "$$b" ] || continue; sh "$$b" || exit 1; done

fuzz:
	@$(DEPS) test
	sh tests/fuzz/run.sh $${FUZZ_SECONDS:-300}

# what install puts where; the paths in the units, the cron example, the
# dnsmasq script and the example configuration are this installation's
SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SBINDIR@|$(SBINDIR)|g' \
	    -e 's|@DATADIR@|$(DATADIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g'
UNITS = man/examples/ztp-dhcpd.service man/examples/ztp-flow.service man/examples/ztp-flow.timer
COMPLETED = ztp-spool ztp-probe ztp-push ztp-console ztp-kexcheck ztp-flow ztp-dhcpd
EXAMPLES = man/examples/ztp.yml man/examples/secrets.yml man/examples/ztp-flow.cron

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR)/examples \
	  $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(COMPDIR) $(DESTDIR)$(SYSCONFDIR)
	for t in $(TOOLS); do n=$${t#cmd/}; case $$n in ztp-dhcpd) d=$(SBINDIR);; *) d=$(BINDIR);; esac; \
	  install -m 755 $$t $(DESTDIR)$$d/$$n || exit 1; done
	for s in $(SCRIPTS); do n=$${s#cmd/}; install -m 755 $$s $(DESTDIR)$(BINDIR)/$${n%.sh} || exit 1; done
	for m in $(MAN); do s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
	  install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done
	rm -rf $(DESTDIR)$(DATADIR)/templates
	install -d $(DESTDIR)$(DATADIR)/templates && cp -R templates/. $(DESTDIR)$(DATADIR)/templates/
	for f in $(EXAMPLES); do $(SUBST) $$f >$(DESTDIR)$(DATADIR)/examples/$${f##*/} || exit 1; done
	chmod 600 $(DESTDIR)$(DATADIR)/examples/secrets.yml
	$(SUBST) cmd/dnsmasq-script.sh >$(DESTDIR)$(LIBEXECDIR)/dnsmasq-script
	chmod 755 $(DESTDIR)$(LIBEXECDIR)/dnsmasq-script
	for u in $(UNITS); do $(SUBST) $$u >$(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; done
	for t in $(COMPLETED); do install -m 644 cmd/ztp.bash-completion $(DESTDIR)$(COMPDIR)/$$t || exit 1; done
	@# an operator's configuration is never overwritten
	if [ -e $(DESTDIR)$(SYSCONFDIR)/ztp.yml ]; then \
	  echo "kept $(DESTDIR)$(SYSCONFDIR)/ztp.yml; the new example is $(DATADIR)/examples/ztp.yml"; \
	else install -m 644 $(DESTDIR)$(DATADIR)/examples/ztp.yml $(DESTDIR)$(SYSCONFDIR)/ztp.yml; fi

# removes what install put, except a configuration someone changed
uninstall:
	for t in $(TOOLS); do n=$${t#cmd/}; rm -f $(DESTDIR)$(BINDIR)/$$n $(DESTDIR)$(SBINDIR)/$$n; done
	for s in $(SCRIPTS); do n=$${s#cmd/}; rm -f $(DESTDIR)$(BINDIR)/$${n%.sh}; done
	for m in $(MAN); do s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m#man/}; done
	for u in $(UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$${u##*/}; done
	for t in $(COMPLETED); do rm -f $(DESTDIR)$(COMPDIR)/$$t; done
	if cmp -s $(DESTDIR)$(SYSCONFDIR)/ztp.yml $(DESTDIR)$(DATADIR)/examples/ztp.yml; then \
	  rm -f $(DESTDIR)$(SYSCONFDIR)/ztp.yml; rmdir $(DESTDIR)$(SYSCONFDIR) 2>/dev/null || :; \
	elif [ -e $(DESTDIR)$(SYSCONFDIR)/ztp.yml ]; then echo "kept $(DESTDIR)$(SYSCONFDIR)/ztp.yml (changed)"; fi
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(LIBEXECDIR)

lint:
	mandoc -Tlint -Wwarning $(MAN)

clean:
	rm -f lib/*.o lib/*/*.o lib/libztp.a $(TOOLS) $(TESTBIN) $(TESTSO) $(UNIT_SRC:.c=)
	rm -rf $(SAN) tests/.fuzz tests/.tmp

distclean: clean
	rm -rf config.mk config.h config.status config.log configure autom4te.cache config.h.in config.h.in~
