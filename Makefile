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

dist/hookgate: node_modules/.installed $(SOURCES)
	@mkdir -p dist
	$(BUN) build --compile --no-compile-autoload-dotenv --no-compile-autoload-bunfig \
		--asset ./drizzle src/main.ts --outfile dist/hookgate

build: dist/hookgate ## one binary: dist/hookgate, migrations embedded

test: check build ## typecheck, build, then every test; ends with "N passed, N failed"
	@bash scripts/test.sh

bench: build ## benchmarks against same-run baselines; prints a table, writes bench/results/latest.json
	$(BUN) bench/run.ts

bench-smoke: build ## a few seconds of every benchmark, so it cannot rot
	$(BUN) bench/run.ts --smoke

clean: ## remove build output and local data
	rm -rf dist data

listen: deps ## a receiver on 127.0.0.1:9000 for the example endpoints
	$(BUN) src/main.ts listen --port 9000
