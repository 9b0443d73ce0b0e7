# hookgate — make help lists the targets.
.PHONY: help run listen test check build bench bench-smoke chaos install clean deps

BUN := node_modules/.bin/bun
VERSION := $(shell node -p "require('./package.json').version")
PREFIX ?= /usr/local
DESTDIR ?=
SOURCES := $(shell find src drizzle -type f 2>/dev/null)

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: node_modules/.installed ## install dependencies (npm ci)

run: deps ## start hookgate on config.example.yaml (SQLite under ./data/)
	$(BUN) src/main.ts serve --config config.example.yaml

check: deps ## typecheck (tsc --noEmit, strict)
	node_modules/.bin/tsc --noEmit -p .

dist/viewer/app.js: node_modules/.installed $(SOURCES) scripts/build-viewer.ts
	$(BUN) scripts/build-viewer.ts

dist/hookgate: node_modules/.installed $(SOURCES) dist/viewer/app.js
	@mkdir -p dist
	$(BUN) build --compile --no-compile-autoload-dotenv --no-compile-autoload-bunfig \
		--asset ./drizzle --asset ./dist/viewer src/main.ts --outfile dist/hookgate

build: dist/hookgate ## one binary: dist/hookgate, migrations and the viewer embedded

test: check build ## typecheck, build, then every test; ends with "N passed, N failed"
	@bash scripts/test.sh

bench: build ## benchmarks against same-run baselines; prints a table, writes bench/results/latest.json
	$(BUN) bench/run.ts

bench-smoke: build ## a few seconds of every benchmark, so it cannot rot
	$(BUN) bench/run.ts --smoke

chaos: build ## kill -9, clock jumps, a full disk, a soak, hostile producers (≤ 15 min); prints figures
	$(BUN) chaos/run.ts

UNITDIR ?= /etc/systemd/system
CONFDIR ?= /etc/hookgate

# Binary to $(DESTDIR)$(PREFIX)/bin, the unit to $(DESTDIR)$(UNITDIR) (its
# ExecStart follows PREFIX), the example config to $(DESTDIR)$(CONFDIR) unless
# one is there already. Without DESTDIR (a real install, as root) it also
# creates the `hookgate` system user the unit runs as and reloads systemd.
install: dist/hookgate ## install binary, systemd unit and example config (DESTDIR, PREFIX honoured)
	install -D -m 0755 dist/hookgate $(DESTDIR)$(PREFIX)/bin/hookgate
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's#/usr/local/bin/hookgate#$(PREFIX)/bin/hookgate#g' packaging/systemd/hookgate.service > $(DESTDIR)$(UNITDIR)/hookgate.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/hookgate.service
	install -d -m 0750 $(DESTDIR)$(CONFDIR)
	@if [ -e $(DESTDIR)$(CONFDIR)/config.yaml ]; then \
		echo "kept $(DESTDIR)$(CONFDIR)/config.yaml; the example is packaging/config.yaml"; \
	else \
		install -m 0640 packaging/config.yaml $(DESTDIR)$(CONFDIR)/config.yaml && echo "installed $(DESTDIR)$(CONFDIR)/config.yaml"; \
	fi
	@if [ -z "$(DESTDIR)" ]; then \
		getent passwd hookgate >/dev/null || useradd --system --user-group --home-dir /var/lib/hookgate --no-create-home --shell /usr/sbin/nologin hookgate; \
		chgrp hookgate $(CONFDIR) $(CONFDIR)/config.yaml; \
		if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
		echo "next: put secrets in $(CONFDIR)/env (mode 0600), edit $(CONFDIR)/config.yaml, then systemctl enable --now hookgate"; \
	fi

clean: ## remove build output and local data
	rm -rf dist data

listen: deps ## a receiver on 127.0.0.1:9000 for the example endpoints
	$(BUN) src/main.ts listen --port 9000
