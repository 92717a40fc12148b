# SPDX-License-Identifier: MIT
# sd — a help desk that lives in git.
#
#   make                  build ./sd
#   make check            every test: unit + end-to-end, plain and under
#                         AddressSanitizer/UndefinedBehaviorSanitizer
#   make check SANITIZE=1 only the sanitizer pass
#   make check VALGRIND=1 the end-to-end tests with sd under valgrind memcheck
#                         (slow: over an hour; E2E="t20-new ..." for some)
#   make install PREFIX=/usr/local
#   make deps             install missing Debian build/test dependencies
#   make stress           longer randomized sync runs (several seeds) and
#                         STRESS_KILLS mutations killed with SIGKILL, and
#                         STRESS_PROCS x STRESS_OPS concurrent mutations
#   make fuzz             each libFuzzer target for FUZZ_SECONDS (default 60;
#                         FUZZ_TARGETS="fuzz-ticket ..." for some only)
#   make bench            time sd on 100,000 tickets beside git and peers
#                         (a benchmark, not a test: doc/performance.md)
#   make format           format the C sources with clang-format (.clang-format);
#                         make check fails on a file that does not match
#   make dist             sd-VERSION.tar.gz, which builds and passes make check
#                         without git history
#
# Objects of each build variant live in their own directory so a sanitizer
# build never links against plain objects.

VERSION   = 0.2.0
# The commit a build from git was made of, for sd --version: from git when
# this directory is the top of a work tree, else from the GIT-COMMIT file
# that make dist writes into the tarball, else nothing.
GIT_COMMIT := $(shell if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ]; then \
                git describe --always --dirty --abbrev=12 2>/dev/null; \
              elif [ -f GIT-COMMIT ]; then cat GIT-COMMIT; fi)
PREFIX   ?= /usr/local
BINDIR    = $(PREFIX)/bin
MANDIR    = $(PREFIX)/share/man
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR = $(PREFIX)/share/fish/vendor_completions.d

CC       ?= cc
CFLAGS   ?= -O2 -g
PKGS      = libgit2 yaml-0.1 libcmark zlib gmime-3.0 libxml-2.0 libcrypto libmicrohttpd
DEB_DEPS  = gcc make pkg-config git libgit2-dev libyaml-dev libcmark-dev zlib1g-dev libgmime-3.0-dev libxml2-dev python3 python3-yaml \
            clang-format locales cmark-gfm chromium zsh fish
DEB_DEPS += libssl-dev libmicrohttpd-dev
# HTML Tidy validates the pages of sd site (tests/e2e/t66-kb.sh).
DEB_DEPS += tidy
# A locale whose case rules differ from ASCII, for the tests that sd
# compares text the same in every locale (tests/e2e/t98-outsider-text.sh).
TEST_LOCALE = tr_TR.UTF-8

WARNINGS  = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wvla
# The -I of dependencies become -isystem: glib's headers (under GMime)
# are not clean under our warnings.
SD_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
            -DSD_VERSION='"$(VERSION)"' -Iinclude -Isrc \
            $(WARNINGS) $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
SD_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread -lm

ifeq ($(SANITIZE),1)
VARIANT   = sanitize
SD_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all
SD_LDFLAGS += -fsanitize=address,undefined
else ifeq ($(SANITIZE),fuzz)
# The library instrumented for libFuzzer (clang; see the fuzz target).
VARIANT   = fuzz
SD_CFLAGS += -fsanitize=fuzzer-no-link,address,undefined \
             -fno-omit-frame-pointer -fno-sanitize-recover=all
else
VARIANT   = plain
endif
OBJDIR    = build/$(VARIANT)

LIB_SRC   = $(wildcard src/lib/*.c)
CMD_SRC   = $(wildcard src/cli/*.c src/cmd/*.c src/web/*.c) src/sd.c
LIB_OBJ   = $(LIB_SRC:src/%.c=$(OBJDIR)/%.o)
CMD_OBJ   = $(CMD_SRC:src/%.c=$(OBJDIR)/%.o)
UNIT_SRC  = $(wildcard tests/unit/t-*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(OBJDIR)/tests/%)
# The fuzz targets, also built without libFuzzer to replay their corpora.
FUZZ_SRC  = $(wildcard tests/fuzz/fuzz-*.c)
REPLAY_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(OBJDIR)/replay/%)
MAN_MD    = $(wildcard doc/*.[15].md)
MAN_OUT   = $(MAN_MD:doc/%.md=build/man/%)
SD_BIN    = $(OBJDIR)/sd

# Compilers run in parallel for check: the build of each variant is a
# few minutes of the test budget on one core.
JOBS ?= $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)

.PHONY: all check check-plain check-sanitize test-run deps test-locale browser-deps mta-deps install stress \
        install-files clean man bench fuzz fuzz-run test-valgrind format format-check dist
.SUFFIXES:

# ./sd is always the plain build: a sanitizer build (make SANITIZE=1)
# stays in build/sanitize/, so it is never what make bench or make install
# take for sd.
ifeq ($(SANITIZE),1)
all: $(SD_BIN)
else
all: sd
endif

sd: build/plain/sd
	cp build/plain/sd $@.tmp && mv -f $@.tmp $@

ifeq ($(SANITIZE),1)
build/plain/sd: FORCE
	$(MAKE) build/plain/sd SANITIZE=
endif

$(SD_BIN): $(CMD_OBJ) $(OBJDIR)/libsd.a
	$(CC) $(SD_LDFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) $(OBJDIR)/libsd.a $(SD_LIBS)

$(OBJDIR)/libsd.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(OBJDIR)/%.o: src/%.c $(wildcard include/sd/*.h src/*.h src/lib/*.h src/cli/*.h src/cmd/*.h src/web/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SD_CFLAGS) $(CFLAGS) -c -o $@ $<

# Only sd.c sees the commit, so a new commit rebuilds one object; the
# stamp changes only when the commit does.
$(OBJDIR)/sd.o: $(OBJDIR)/git-commit.stamp
$(OBJDIR)/sd.o: SD_CFLAGS += -DSD_GIT_COMMIT='"$(GIT_COMMIT)"'
$(OBJDIR)/git-commit.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(GIT_COMMIT)' | cmp -s - $@ || echo '$(GIT_COMMIT)' >$@

$(OBJDIR)/tests/%: tests/unit/%.c tests/unit/unit.h $(OBJDIR)/libsd.a
	@mkdir -p $(dir $@)
	$(CC) $(SD_CFLAGS) -Isrc/lib $(CFLAGS) $(SD_LDFLAGS) -o $@ $< $(OBJDIR)/libsd.a $(SD_LIBS)

$(OBJDIR)/replay/%: tests/fuzz/%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(OBJDIR)/libsd.a
	@mkdir -p $(dir $@)
	$(CC) $(SD_CFLAGS) $(CFLAGS) $(SD_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(OBJDIR)/libsd.a $(SD_LIBS)

# t-mail finds the mail corpus beside the source tree (tests/unit/t-mail.c).
$(OBJDIR)/tests/t-mail: SD_CFLAGS += -DSD_SRCROOT='"$(CURDIR)"'

build/md2man: doc/md2man.c
	@mkdir -p build
	$(CC) -std=c11 $(WARNINGS) $(CFLAGS) $(shell pkg-config --cflags libcmark) -o $@ $< $(shell pkg-config --libs libcmark)

build/man/%: doc/%.md build/md2man
	@mkdir -p build/man
	build/md2man $(basename $*) $(subst .,,$(suffix $*)) $(VERSION) 2026-11-23 < $< > $@.tmp && mv $@.tmp $@

man: $(MAN_OUT)

# `make check` is the one test command (README, .ci/run): it installs what is
# missing, then runs everything plain and again under the sanitizers.
ifeq ($(VALGRIND),1)
check: deps
	$(MAKE) deps DEB_DEPS="$(DEB_DEPS) valgrind"
	$(MAKE) test-valgrind
else ifeq ($(SANITIZE),1)
check: deps
	$(MAKE) test-run SANITIZE=1
else
check: deps
	$(MAKE) format-check
	$(MAKE) -j$(JOBS) test-run
	$(MAKE) -j$(JOBS) test-run SANITIZE=1
endif

# Every C source of the tree, as make format formats them.
FORMAT_SRC = $(wildcard src/*.c src/*/*.c src/*/*.h include/sd/*.h tests/unit/*.[ch] \
                        tests/fuzz/*.[ch] bench/*.c doc/*.c)
format:
	clang-format -i $(FORMAT_SRC)

format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC) || \
	  { echo "sd: the files above do not match .clang-format; run 'make format'" >&2; exit 1; }

test-run: $(SD_BIN) $(UNIT_BIN) $(REPLAY_BIN) man
	@echo "== unit tests ($(VARIANT))"
	@set -e; for t in $(UNIT_BIN); do $$t; done
	@echo "== fuzz corpora and regressions, replayed ($(VARIANT))"
	@set -e; for t in $(REPLAY_BIN); do n=$${t##*/fuzz-}; \
	  $$t fuzz-$$n tests/fuzz/corpus/$$n/* $$(ls -d tests/fuzz/regress/$$n/* 2>/dev/null); done
	@echo "== end-to-end tests ($(VARIANT))"
	SD_BIN=$(CURDIR)/$(SD_BIN) bash tests/run-e2e.sh

# The end-to-end suite with sd under valgrind memcheck: any invalid access
# or definite leak makes sd exit 99, failing the case; the reports stay in
# build/valgrind/logs/. About 20 times slower than a plain run, so not part
# of make check (doc/reliability.md).
test-valgrind: $(SD_BIN) man
	@mkdir -p build/valgrind/logs
	@rm -f build/valgrind/logs/*
	@printf '#!/bin/sh\nexec valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --log-file=$(CURDIR)/build/valgrind/logs/%%p.log $(CURDIR)/$(SD_BIN) "$$@"\n' >build/valgrind/sd
	@chmod +x build/valgrind/sd
	SD_BIN=$(CURDIR)/build/valgrind/sd SD_TEST_TIMEOUT=7200 bash tests/run-e2e.sh $(E2E); \
	  rc=$$?; bad=$$(find build/valgrind/logs -type f -size +0 | wc -l); \
	  echo "valgrind: $$bad of $$(ls build/valgrind/logs | wc -l) runs of sd reported errors (build/valgrind/logs)"; \
	  [ $$rc = 0 ] && [ $$bad = 0 ]

# Randomized clones syncing in random orders, mutations killed at random
# points, and many writers at once, longer than in make check.
STRESS_SEEDS ?= 1 2 3 4 5 6 7 8
STRESS_ROUNDS ?= 20
STRESS_KILLS ?= 200
STRESS_PROCS ?= 8
STRESS_OPS ?= 200
stress: $(SD_BIN)
	@set -e; for seed in $(STRESS_SEEDS); do \
	  echo "== stress seed $$seed, $(STRESS_ROUNDS) rounds"; \
	  SD_BIN=$(CURDIR)/$(SD_BIN) SD_STRESS_SEED=$$seed SD_STRESS_ROUNDS=$(STRESS_ROUNDS) \
	    bash tests/run-e2e.sh t92-sync-random; \
	done
	@echo "== stress: $(STRESS_KILLS) mutations killed with SIGKILL"
	@SD_BIN=$(CURDIR)/$(SD_BIN) SD_STRESS_KILLS=$(STRESS_KILLS) SD_TEST_TIMEOUT=3600 \
	  bash tests/run-e2e.sh -v t93-kill
	@echo "== stress: $(STRESS_PROCS) processes x $(STRESS_OPS) mutations at once"
	@SD_BIN=$(CURDIR)/$(SD_BIN) SD_STRESS_PROCS=$(STRESS_PROCS) SD_STRESS_OPS=$(STRESS_OPS) \
	  SD_TEST_TIMEOUT=3600 bash tests/run-e2e.sh -v t94-load

# libFuzzer targets (tests/fuzz/), each run for FUZZ_SECONDS; clang and
# its fuzzer runtime are installed like the other dependencies. Crashes
# land in build/fuzz/crashes/ and fail the target.
FUZZ_SECONDS ?= 60
FUZZ_DEBS ?= clang libclang-rt-14-dev
FUZZ_BIN  = $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/bin/%)
fuzz:
	$(MAKE) deps DEB_DEPS="$(DEB_DEPS) $(FUZZ_DEBS)"
	$(MAKE) fuzz-run SANITIZE=fuzz CC=clang

fuzz-run: $(FUZZ_BIN)
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh build/fuzz/bin $(FUZZ_TARGETS)

build/fuzz/bin/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(OBJDIR)/libsd.a
	@mkdir -p $(dir $@)
	$(CC) $(SD_CFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(OBJDIR)/libsd.a $(SD_LIBS)

# Times sd against git and Backlog.md on a generated store of
# BENCH_TICKETS tickets and writes build/bench/results.md. Like check, it
# installs what is missing first, so it runs on a fresh machine.
bench: deps
	$(MAKE) deps DEB_DEPS="$(DEB_DEPS) wrk"
	$(MAKE) sd
	python3 bench/run

deps:
	@missing=""; \
	for p in $(DEB_DEPS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q ' installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then $(MAKE) -s test-locale; exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
	  echo "sd: missing build dependencies:$$missing (install them with your package manager)" >&2; exit 1; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "sd: missing build dependencies:$$missing; run: sudo apt-get install$$missing" >&2; exit 1; fi; \
	echo "installing:$$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing
	@$(MAKE) -s test-locale
	@$(MAKE) -s browser-deps
	@$(MAKE) -s mta-deps

# Postfix for the test through a real mail server (t69), installed only
# where no mail server is (a machine's own is never replaced), as root,
# and set up "Local only": it listens on loopback alone. The test runs a
# private instance of its own; without Postfix it skips, saying so.
mta-deps:
	@if [ -e /usr/sbin/sendmail ] || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then exit 0; fi; \
	echo "installing postfix (local only) for the mail server test"; \
	printf 'postfix postfix/main_mailer_type select Local only\npostfix postfix/mailname string localhost\n' | \
	  debconf-set-selections 2>/dev/null; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null || \
	  echo "sd: postfix did not install, so the mail server test will skip" >&2

# puppeteer-core for the browser checks (tests/browser), pinned by its
# package-lock.json. Without Node.js or the npm registry the checks skip,
# saying so, rather than fail the build.
browser-deps:
	@if [ -d tests/browser/node_modules/puppeteer-core ]; then exit 0; fi; \
	if ! command -v npm >/dev/null; then \
	  echo "sd: npm not found, so the browser checks will skip (install Node.js and npm)" >&2; exit 0; fi; \
	echo "installing puppeteer-core for the browser checks"; \
	(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) || \
	  echo "sd: npm ci in tests/browser failed, so the browser checks will skip" >&2

# Generates TEST_LOCALE when it is missing (Debian's locales package ships
# the sources, not the compiled locale). Without root it only says how:
# the tests that need it then skip, saying so.
test-locale:
	@if locale -a 2>/dev/null | grep -qix '$(subst UTF-8,utf8,$(TEST_LOCALE))'; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v localedef >/dev/null; then \
	  echo "sd: locale $(TEST_LOCALE) is missing, so some tests will skip; run: sudo localedef -i $(basename $(TEST_LOCALE)) -f UTF-8 $(TEST_LOCALE)" >&2; exit 0; fi; \
	echo "generating locale $(TEST_LOCALE)"; \
	localedef -i $(basename $(TEST_LOCALE)) -f UTF-8 $(TEST_LOCALE)

install: deps
	$(MAKE) install-files

install-files: sd man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 sd $(DESTDIR)$(BINDIR)/sd
	install -m 644 $(filter %.1,$(MAN_OUT)) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(filter %.5,$(MAN_OUT)) $(DESTDIR)$(MANDIR)/man5/
	install -m 644 completions/sd.bash $(DESTDIR)$(BASHCOMPDIR)/sd
	install -m 644 completions/_sd $(DESTDIR)$(ZSHCOMPDIR)/_sd
	install -m 644 completions/sd.fish $(DESTDIR)$(FISHCOMPDIR)/sd.fish

# A release tarball of the tracked files, with the commit it was made of,
# so that it builds and tests without git history.
dist:
	@test -z "$$(git status --porcelain --untracked-files=no)" || \
	  { echo "sd: commit or stash your changes before make dist" >&2; exit 1; }
	rm -rf build/dist && mkdir -p build/dist
	git archive --format=tar --prefix=sd-$(VERSION)/ HEAD | tar -x -C build/dist
	echo '$(GIT_COMMIT)' >build/dist/sd-$(VERSION)/GIT-COMMIT
	tar -C build/dist -czf sd-$(VERSION).tar.gz sd-$(VERSION)
	@echo "wrote sd-$(VERSION).tar.gz"

clean:
	rm -rf build sd

FORCE:
