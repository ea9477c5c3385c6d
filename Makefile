# The two commands of the README, and the steps they are made of. Each step installs what it
# needs first (scripts/setup), so any target works on a fresh machine.

.PHONY: run test build setup bench

run:   ## set up, build and serve on http://127.0.0.1:3000 (SQLite under ./data)
	@scripts/run

test:  ## set up and run every test: lints, unit, database (SQLite + PostgreSQL), browser
	@scripts/test

build: ## the release binary and its site folder
	@scripts/setup
	@scripts/build

setup: ## install what building and testing need (skips what is there)
	@scripts/setup --test

bench: ## print the benchmark table (bench/README.md)
	@scripts/setup
	@bench/run
