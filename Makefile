# zonewarden - GNU Make build.  `make` builds build/release/zonewarden; see `make help`.
# Sources are found by wildcard: add a .c file to a module folder and it is built.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CLANG ?= clang
VARIANT ?= release
PKGS := libpcre2-8 libfastjson rdkafka yaml-0.1 zlib ldns

WARN := -std=c11 -Wall -Wextra -Werror -Wpedantic -Wshadow -Wformat=2 \
        -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wvla -Wwrite-strings \
        -Wimplicit-fallthrough -Wundef
BASE_CFLAGS := $(WARN) -D_GNU_SOURCE -g $(shell pkg-config --cflags $(PKGS))
LIBS := $(shell pkg-config --libs $(PKGS)) -lpthread -lm
CHECK_LIBS := $(shell pkg-config --libs check)

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

LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)
LIB := $(B)/libzonewarden.a
BIN := $(B)/zonewarden
TESTS := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)
REPLAYS := $(FUZZ_SRC:fuzz/%.c=$(B)/fuzz/%-replay)

.PHONY: all check unit unit-fast formats integration hostile asan fuzz bench install clean format format-check help demo deps

all: $(BIN)

help:
	@echo "make [all]       build $(BIN)"
	@echo "make check       unit tests, fuzz corpus replay, integration tests (real servers, Kafka)"
	@echo "make unit-fast   unit suites without the slow Kafka mock suite, and the format cases (seconds)"
	@echo "make formats     format tests as data (tests/data/formats)"
	@echo "make hostile     hostile-input, fault and shutdown cases on the ASan build"
	@echo "make asan        the same under AddressSanitizer + UBSan (build/asan)"
	@echo "make fuzz        libFuzzer on every parser for FUZZ_SECONDS (default 60) each"
	@echo "make bench       benchmarks against peers (installs peers; long)"
	@echo "make demo        main job on bundled sample data"
	@echo "make install     PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)"

deps:
	scripts/install-deps.sh

# V=1 shows full command lines
Q := $(if $(V),,@)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(VCFLAGS) -MMD -MP -c $< -o $@

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

check: all unit formats replay integration hostile
	@echo "make check: all passed ($(VARIANT))"

asan:
	$(MAKE) VARIANT=asan unit replay
	ZW_ASAN=1 $(MAKE) VARIANT=asan integration

FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined $(shell pkg-config --cflags $(PKGS))
fuzz:
	@mkdir -p build/fuzz
	@set -e; for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  $(CLANG) $(FUZZ_CFLAGS) -o build/fuzz/$$n $$f $(filter-out %/cli/main.c,$(LIB_SRC)) $(LIBS); \
	  mkdir -p build/fuzz/corpus-$$n; \
	  echo "== fuzz $$n for $(FUZZ_SECONDS)s"; \
	  build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build/fuzz/corpus-$$n fuzz/corpus/$${n#fuzz_}; done

bench: all
	bench/run-all.sh

demo:
	scripts/demo.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/zonewarden
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/zonewarden
	cp -r schemas $(DESTDIR)$(PREFIX)/share/zonewarden/
	if [ -d detections ]; then cp -r detections $(DESTDIR)$(PREFIX)/share/zonewarden/; fi

clean:
	rm -rf build

FORMAT_SRC = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TESTS:=.d)
