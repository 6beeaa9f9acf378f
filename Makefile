# zonewarden - GNU Make build.  `make` builds build/release/zonewarden; see `make help`.
# Sources are found by wildcard: add a .c file to a module folder and it is built.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CLANG ?= clang
VARIANT ?= release
PKGS := libpcre2-8 libfastjson rdkafka yaml-0.1 zlib ldns libprotobuf-c
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
# Shipped data (schemas, detections, tuning example).  Compiled in as the last-resort
# search path; an installed binary first looks next to itself (BIN/../share/zonewarden),
# so a DESTDIR install or a moved tree works too (cli_data_path in cli/cmd_version.c).
DATADIR ?= $(PREFIX)/share/zonewarden

WARN := -std=c11 -Wall -Wextra -Werror -Wpedantic -Wshadow -Wformat=2 \
        -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wvla -Wwrite-strings \
        -Wimplicit-fallthrough -Wundef
# pkg-config runs only when a recipe needs the flags (not when the Makefile is read, so
# `make help`, `make deps` and `make demo` on a fresh machine print no pkg-config errors),
# and at most once per variable.  A missing library stops the build with its name.
pkg_missing = $(shell for p in $(1); do pkg-config --exists $$p 2>/dev/null || echo $$p; done)
pkg_flags = $(if $(call pkg_missing,$(1)),$(error missing libraries (pkg-config): \
  $(strip $(call pkg_missing,$(1))); install them with `make deps` (scripts/install-deps.sh)),\
  $(shell pkg-config $(2) $(1)))
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(call pkg_flags,$(PKGS),--cflags))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $$(call pkg_flags,$(PKGS),--libs))$(PKG_LIBS)
CHECK_LIBS = $(eval CHECK_LIBS := $$(call pkg_flags,check,--libs))$(CHECK_LIBS)
BASE_CFLAGS = $(WARN) -D_GNU_SOURCE -g $(PKG_CFLAGS)
LIBS = $(PKG_LIBS) -lpthread -lm

ifeq ($(VARIANT),asan)
  # -Wformat-truncation guesses ranges differently at -O1 and flags deliberate snprintf
  # truncation that the release build (-O2) does not; the sanitizers check the real thing.
  VCFLAGS := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
             -Wno-format-truncation
  VLDFLAGS := -fsanitize=address,undefined
else
  VCFLAGS := -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong
  VLDFLAGS :=
endif

B := build/$(VARIANT)
MODULES := common normalizer compiler engine kafka exposure review
LIB_SRC := $(wildcard $(addsuffix /*.c,$(MODULES)))
CLI_SRC := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/unit/check_*.c)
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/dnstap.pb-c.o
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)
LIB := $(B)/libzonewarden.a
BIN := $(B)/zonewarden
TESTS := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)
REPLAYS := $(FUZZ_SRC:fuzz/%.c=$(B)/fuzz/%-replay)

.PHONY: FORCE man all check unit unit-fast formats integration hostile asan fuzz bench install clean format format-check help demo deps mutate

all: $(BIN)

help:
	@echo "make [all]       build $(BIN)"
	@echo "make check       installs deps, then unit tests, format cases, fuzz corpus replay, integration tests (real servers, Kafka)"
	@echo "make unit-fast   unit suites without the slow Kafka mock suite, and the format cases (seconds)"
	@echo "make formats     format tests as data (tests/data/formats)"
	@echo "make hostile     hostile-input, fault and shutdown cases on the ASan build"
	@echo "make asan        the same under AddressSanitizer + UBSan (build/asan)"
	@echo "make fuzz        libFuzzer on every parser for FUZZ_SECONDS (default 60) each"
	@echo "make bench       benchmarks against peers (installs peers; long)"
	@echo "make mutate      mutation testing of the core (MUTATE_N per module; long)"
	@echo "make demo        installs deps, builds, main job on bundled sample data"
	@echo "make install     PREFIX=$(PREFIX) DESTDIR=$(DESTDIR): binary, man page, schemas, detections,"
	@echo "                 tuning example, bash completion (data in $(DATADIR))"
	@echo "make man         regenerate man/zonewarden.1 from the --help texts"
	@echo "make deps        install the Debian packages needed to build and test (scripts/install-deps.sh)"

deps:
	scripts/install-deps.sh

# V=1 shows full command lines
Q := $(if $(V),,@)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(VCFLAGS) -MMD -MP -c $< -o $@

# Build information for `zonewarden --version`, rewritten only when it changes (so the
# one file that includes it recompiles only then).  Outside a git checkout: "unknown".
BUILDINFO := $(B)/gen/zw_buildinfo.h
$(BUILDINFO): FORCE
	@mkdir -p $(dir $@)
	@rev=$$(git rev-parse --short=12 HEAD 2>/dev/null) || rev=unknown; \
	 if [ "$$rev" != unknown ] && ! git diff --quiet HEAD -- 2>/dev/null; then rev="$$rev-dirty"; fi; \
	 printf '#define ZW_VERSION "%s"\n#define ZW_GIT_REV "%s"\n#define ZW_DATADIR "%s"\n' \
	   '$(VERSION)' "$$rev" '$(DATADIR)' >$@.tmp; \
	 if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(B)/cli/cmd_version.o: $(BUILDINFO)
$(B)/cli/cmd_version.o: BASE_CFLAGS += -I$(B)/gen
FORCE:

# dnstap: protoc-c compiles the schema (normalizer/dnstap.proto) at build time; the
# generated C is protobuf-c's, built without our warning set (it is not our code).
DNSTAP_GEN := $(B)/gen/dnstap.pb-c.c $(B)/gen/dnstap.pb-c.h
$(B)/gen/dnstap.pb-c.c $(B)/gen/dnstap.pb-c.h &: normalizer/dnstap.proto
	@mkdir -p $(B)/gen
	protoc-c --c_out=$(B)/gen --proto_path=normalizer normalizer/dnstap.proto
$(B)/gen/dnstap.pb-c.o: $(B)/gen/dnstap.pb-c.c $(B)/gen/dnstap.pb-c.h
	$(CC) -std=c11 -D_GNU_SOURCE -g $(VCFLAGS) $(PKG_CFLAGS) -c $< -o $@
$(B)/normalizer/nz_parse_dnstap.o: $(B)/gen/dnstap.pb-c.h
$(B)/normalizer/nz_parse_dnstap.o: BASE_CFLAGS += -I$(B)/gen

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(VLDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LIBS)

$(B)/tests/%: tests/unit/%.c $(LIB) tests/unit/zw_test.h
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(VCFLAGS) -Wno-missing-prototypes -MMD -MP -o $@ $< $(LIB) $(CHECK_LIBS) $(LIBS) $(VLDFLAGS)

# Fuzz targets built as plain programs that replay their corpus (used by `make check`).
$(B)/fuzz/%-replay: fuzz/%.c fuzz/replay_main.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(VCFLAGS) -Wno-missing-prototypes -o $@ $< fuzz/replay_main.c $(LIB) $(LIBS) $(VLDFLAGS)

unit: $(BIN) $(TESTS)
	@set -e; for t in $(TESTS); do echo "== $$t"; ZW_BIN=$(abspath $(BIN)) CK_DEFAULT_TIMEOUT=120 $$t; done

# Format tests as data (tests/data/formats/<format>/<case>.{log,expect}).
formats: $(BIN)
	@ZW_BIN=$(abspath $(BIN)) tests/formats/run.sh

# The quick loop: every unit suite but the slow librdkafka mock-cluster one, and the
# format cases.  `make check` runs them all.
FAST_TESTS := $(filter-out %/check_kafka_mock,$(TESTS))
unit-fast: $(BIN) $(FAST_TESTS)
	@set -e; for t in $(FAST_TESTS); do echo "== $$t"; ZW_BIN=$(abspath $(BIN)) CK_DEFAULT_TIMEOUT=120 $$t; done
	@ZW_BIN=$(abspath $(BIN)) tests/formats/run.sh

replay: $(REPLAYS)
	@set -e; for r in $(REPLAYS); do n=$$(basename $$r -replay); echo "== replay $$n"; $$r fuzz/corpus/$${n#fuzz_}; done

integration: $(BIN)
	@ZW_BIN=$(abspath $(BIN)) tests/run-integration.sh

# Hostile and odd input, faults and shutdown (tests/hostile/), always against the
# ASan/UBSan binary with bounded time and memory.
hostile:
	$(MAKE) VARIANT=asan build/asan/zonewarden
	@ZW_BIN=$(abspath build/asan/zonewarden) tests/hostile/run.sh

# check installs the Debian packages first (README's second command), then builds and
# tests in a sub-make so that nothing is built before the libraries are there.
check: deps
	$(MAKE) all unit formats replay integration hostile
	@echo "make check: all passed ($(VARIANT))"

asan:
	$(MAKE) VARIANT=asan unit replay
	ZW_ASAN=1 $(MAKE) VARIANT=asan integration

FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) -I$(B)/gen
fuzz: $(DNSTAP_GEN)
	@mkdir -p build/fuzz
	@set -e; for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  $(CLANG) $(FUZZ_CFLAGS) -o build/fuzz/$$n $$f $(filter-out %/cli/main.c,$(LIB_SRC)) $(B)/gen/dnstap.pb-c.c $(LIBS); \
	  mkdir -p build/fuzz/corpus-$$n; \
	  echo "== fuzz $$n for $(FUZZ_SECONDS)s"; \
	  build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build/fuzz/corpus-$$n fuzz/corpus/$${n#fuzz_}; done

bench: all
	bench/run-all.sh

# Mutation testing (scripts/mutate.py): a seeded sample of small bugs per module, each
# rebuilt in build/mutate/tree and run against the module's unit suites and replays.
mutate:
	scripts/mutate.py

demo:
	scripts/demo.sh

# The binary, zonewarden(1), the shipped data (schemas, detections, the tuning example)
# in DATADIR and bash completion.  The binary finds DATADIR next to itself
# (BIN/../share/zonewarden), so a DESTDIR staging tree or a moved prefix works as is.
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/tuning $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/zonewarden
	install -m 644 man/zonewarden.1 $(DESTDIR)$(MANDIR)/man1/zonewarden.1
	rm -rf $(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(DATADIR)/detections
	cp -R schemas detections $(DESTDIR)$(DATADIR)/
	chmod -R u=rwX,go=rX $(DESTDIR)$(DATADIR)
	install -m 644 tuning/demo.yml $(DESTDIR)$(DATADIR)/tuning/demo.yml
	install -m 644 completions/zonewarden.bash $(DESTDIR)$(BASHCOMPDIR)/zonewarden

# zonewarden(1) from the help texts (scripts/gen-man.py); tests/integration/08-man-page.sh
# fails when man/zonewarden.1 is not what this writes.
man: $(BIN)
	scripts/gen-man.py $(BIN) $(VERSION) >man/zonewarden.1.tmp
	mv man/zonewarden.1.tmp man/zonewarden.1

clean:
	rm -rf build

FORMAT_SRC = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TESTS:=.d)
