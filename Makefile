# leased: build, test, lint and demo. See README.md.

GO ?= go
STATICCHECK_VERSION ?= latest

.PHONY: all build test lint demo servers install uninstall deb clean

all: build

# bin/dhclient and bin/dhclientctl, plus bin/fakedhcpd, the small DHCP
# server the demo falls back on. Without cgo: leased needs nothing of
# libc, and a static binary maps neither libc nor the dynamic loader (a
# bound daemon is 1.4 MiB smaller resident, README "Performance"). The
# tests build theirs the same way (test/lab.Build); go test -race needs
# cgo, so this is no global export.
#
# leased's own packages and the YAML parser are compiled without
# inlining (LEASED_NOINLINE). The kernel maps nearly all of a static
# binary's code and tables into the daemon's RSS (README "Performance"),
# and the inlined copies of small functions were 290 KB of them: a
# bound daemon is about 200 KiB smaller resident, and its CPU time per
# interface is unchanged (it goes to system calls and to the runtime
# and standard library, which keep their inlining). Behaviour does not
# depend on it.
LEASED_NOINLINE ?= github.com/leased/leased/... gopkg.in/yaml.v3
build:
	@mkdir -p bin
	CGO_ENABLED=0 $(GO) build $(foreach p,$(LEASED_NOINLINE),-gcflags='$(p)=-l') -o bin/ ./cmd/... ./test/cmd/fakedhcpd

# The test command: as root, installs the DHCP servers the end-to-end
# tests run (saying loudly when it cannot), then runs every test.
test: servers
	$(GO) test -race -count=1 ./...

servers:
	@bash test/install-servers.sh

# vet runs for darwin and windows too: the *_other.go stubs compile only
# where they are built.
lint:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=darwin $(GO) vet ./...
	GOOS=windows $(GO) vet ./...
	@if command -v staticcheck >/dev/null 2>&1; then staticcheck ./...; \
	elif [ -x "$$($(GO) env GOPATH)/bin/staticcheck" ]; then "$$($(GO) env GOPATH)/bin/staticcheck" ./...; \
	else $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...; fi

# A throwaway lab with a DHCP server and dhclient -d -v; needs root.
# DEMO_SERVER=fakedhcpd uses the embedded server even where dnsmasq is.
demo: build
	bash test/demo.sh

# The performance benchmark of SPEC §11, as root: installs dnsmasq and the
# peer clients (ISC dhclient, dhcpcd, busybox udhcpc) when missing, then
# prints bind times, scaling and idle numbers. BENCH_N runs per
# measurement; LEASED_BENCH_IFACES=1,16,64,1000 adds interface counts.
# See test/bench/doc.go.
BENCH_N ?= 10
.PHONY: bench
bench: build
	@bash test/bench/install-peers.sh
	LEASED_BENCH_DHCLIENT=$(CURDIR)/bin/dhclient $(GO) test -run '^$$' -bench . -benchtime=$(BENCH_N)x -timeout 60m ./test/bench/

# Installation (README "Install"). The defaults install under /usr/local;
# the Debian package (make deb) uses PREFIX=/usr SBINDIR=/sbin, ISC
# dhclient's paths. dhclient looks for its dhclient-script first at
# $(SBINDIR)/../lib/leased/dhclient-script (with symlinks resolved), then
# at /usr/lib/leased/dhclient-script: keep LEASEDDIR at PREFIX/lib/leased.
# SYSCONFDIR stays /etc whatever the prefix: dhclient reads
# /etc/dhcp/dhclient.conf and the script sources /etc/dhcp/*-hooks.d.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
LEASEDDIR ?= $(PREFIX)/lib/leased
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/leased
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
SLEEPDIR ?= $(PREFIX)/lib/systemd/system-sleep
# Where leased's script is also installed, as a symlink, for programs that
# name ISC's script (the package: /sbin/dhclient-script). Empty: nowhere.
DHCLIENT_SCRIPT ?=
INSTALL ?= install

MAN5 = dhclient.conf.5 dhclient.leases.5
MAN8 = dhclient.8 dhclientctl.8 dhclient-script.8

# Installs what make build built; as a normal user with DESTDIR, or as
# root. The shipped default dhclient.conf goes in only where there is
# none: an existing one is never overwritten.
install: build
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LEASEDDIR)/hooks \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR)/examples \
		$(DESTDIR)$(SYSCONFDIR)/dhcp/dhclient-enter-hooks.d \
		$(DESTDIR)$(SYSCONFDIR)/dhcp/dhclient-exit-hooks.d \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SLEEPDIR)
	$(INSTALL) -m 755 bin/dhclient bin/dhclientctl $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 755 contrib/dhclient-script contrib/shutdown/dhclient-shutdown \
		contrib/sleep/rc.suspend contrib/sleep/rc.resume $(DESTDIR)$(LEASEDDIR)/
	$(INSTALL) -m 644 contrib/hooks/ntp $(DESTDIR)$(LEASEDDIR)/hooks/
	$(INSTALL) -m 755 contrib/sleep/leased $(DESTDIR)$(SLEEPDIR)/
	sed '/^Exec/s|/sbin/dhclient|$(SBINDIR)/dhclient|' contrib/systemd/dhclient@.service \
		>$(DESTDIR)$(UNITDIR)/dhclient@.service
	chmod 644 $(DESTDIR)$(UNITDIR)/dhclient@.service
	cd contrib/man && $(INSTALL) -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	cd contrib/man && $(INSTALL) -m 644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 644 contrib/dhclient.conf.example contrib/leased.yaml.example \
		$(DESTDIR)$(DOCDIR)/examples/
	[ -e $(DESTDIR)$(SYSCONFDIR)/dhcp/dhclient.conf ] || \
		$(INSTALL) -m 644 contrib/dhclient.conf $(DESTDIR)$(SYSCONFDIR)/dhcp/dhclient.conf
	@if [ -n "$(DHCLIENT_SCRIPT)" ]; then \
		echo "ln -sf $(LEASEDDIR)/dhclient-script $(DESTDIR)$(DHCLIENT_SCRIPT)"; \
		$(INSTALL) -d "$(DESTDIR)$$(dirname $(DHCLIENT_SCRIPT))" && \
		ln -sf $(LEASEDDIR)/dhclient-script $(DESTDIR)$(DHCLIENT_SCRIPT); fi

# Removes what install put there, with the same variables, except
# dhclient.conf: configuration stays, as with apt remove (it may be the
# administrator's, or ISC dhclient's, which the shipped default equals).
# The hook directories go when empty.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/dhclient $(DESTDIR)$(SBINDIR)/dhclientctl \
		$(DESTDIR)$(LEASEDDIR)/dhclient-script $(DESTDIR)$(LEASEDDIR)/dhclient-shutdown \
		$(DESTDIR)$(LEASEDDIR)/rc.suspend $(DESTDIR)$(LEASEDDIR)/rc.resume \
		$(DESTDIR)$(LEASEDDIR)/hooks/ntp $(DESTDIR)$(SLEEPDIR)/leased \
		$(DESTDIR)$(UNITDIR)/dhclient@.service \
		$(addprefix $(DESTDIR)$(MANDIR)/man5/,$(MAN5)) $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(MAN8)) \
		$(DESTDIR)$(DOCDIR)/examples/dhclient.conf.example $(DESTDIR)$(DOCDIR)/examples/leased.yaml.example
	@if [ -n "$(DHCLIENT_SCRIPT)" ] && [ -L $(DESTDIR)$(DHCLIENT_SCRIPT) ] && \
		[ "$$(readlink $(DESTDIR)$(DHCLIENT_SCRIPT))" = $(LEASEDDIR)/dhclient-script ]; then \
		echo "rm -f $(DESTDIR)$(DHCLIENT_SCRIPT)"; rm -f $(DESTDIR)$(DHCLIENT_SCRIPT); fi
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/dhcp/dhclient.conf ]; then \
		echo "kept $(DESTDIR)$(SYSCONFDIR)/dhcp/dhclient.conf (configuration)"; fi
	@for d in $(DESTDIR)$(LEASEDDIR)/hooks $(DESTDIR)$(LEASEDDIR) $(DESTDIR)$(DOCDIR)/examples \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/dhcp/dhclient-enter-hooks.d \
		$(DESTDIR)$(SYSCONFDIR)/dhcp/dhclient-exit-hooks.d $(DESTDIR)$(SYSCONFDIR)/dhcp; do \
		rmdir "$$d" 2>/dev/null && echo "rmdir $$d" || true; done

# The Debian package, as $(DEBDIR)/leased_VERSION_ARCH.deb (DEBDIR: bin
# unless set, a directory under bin/ or outside the tree), then checked
# with lintian (errors fail). dpkg-buildpackage -b runs on a copy of the
# tree in $(DEBDIR)/debbuild, so the tree gets no build products. No
# root needed. Needs Go >= 1.26 on PATH (or GO=/path/to/go; bookworm's
# golang-go is too old and no build dependency), with the module cache or
# GOPROXY of the environment, and:
#   apt-get install --no-install-recommends build-essential debhelper lintian
DEBDIR ?= bin
deb:
	@command -v dpkg-buildpackage >/dev/null 2>&1 && command -v dh >/dev/null 2>&1 || { \
		echo "make deb needs dpkg-dev and debhelper:" >&2; \
		echo "  apt-get install --no-install-recommends build-essential debhelper lintian" >&2; exit 1; }
	rm -rf $(DEBDIR)/debbuild && mkdir -p $(DEBDIR)/debbuild/leased
	tar -cf - --exclude=./.git --exclude=./bin . | tar -xf - -C $(DEBDIR)/debbuild/leased
	cd $(DEBDIR)/debbuild/leased && GO="$(GO)" dpkg-buildpackage -b -us -uc
	rm -f $(DEBDIR)/leased_*.deb
	mv $(DEBDIR)/debbuild/leased_*.deb $(DEBDIR)/
	rm -rf $(DEBDIR)/debbuild
	@ls $(DEBDIR)/leased_*.deb
	@if command -v lintian >/dev/null 2>&1; then \
		echo "lintian $(DEBDIR)/leased_*.deb"; lintian --fail-on error $(DEBDIR)/leased_*.deb; \
	else echo "lintian not installed (apt-get install lintian): the package is not checked" >&2; fi

clean:
	rm -rf bin
