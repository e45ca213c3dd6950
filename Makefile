# leased: build, test, lint and demo. See README.md.

GO ?= go
STATICCHECK_VERSION ?= latest

.PHONY: all build test lint demo servers

all: build

# bin/dhclient and bin/dhclientctl, plus bin/fakedhcpd, the small DHCP
# server the demo falls back on.
build:
	@mkdir -p bin
	$(GO) build -o bin/ ./cmd/... ./test/cmd/fakedhcpd

# The test command: as root, installs the DHCP servers the end-to-end
# tests run (saying loudly when it cannot), then runs every test.
test: servers
	$(GO) test -race -count=1 ./...

servers:
	@bash test/install-servers.sh

lint:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
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
