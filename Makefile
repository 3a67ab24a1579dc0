# nostr-pipeline: small C programs for Nostr event analytics.
# make | make test | make check-asan | make fuzz | make bench | make install | make clean

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/nostr-pipeline
VERSION := 0.1.0

BUILD   ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g
PKGS    := libcurl libcjson libsecp256k1 sqlite3 libbsd-overlay libcrypto libexttextcat libpq
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS  = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ilib $(PKG_CFLAGS) \
              -DNP_VERSION='"$(VERSION)"' -DNP_DATADIR='"$(DATADIR)"' -pthread $(CFLAGS)
LDLIBS      = $(PKG_LIBS) -lm -pthread

LIB_SRC   := $(wildcard lib/*/*.c)
LIB_HDR   := $(wildcard lib/*/*.h)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/schema_sql.o $(BUILD)/gen/schema_pg_sql.o
TOOL_SRC  := $(wildcard tools/*.c)
TOOLS     := $(TOOL_SRC:tools/%.c=$(BUILD)/bin/%)
# Programs for tests and benchmarks only: never installed.
AUX_SRC   := $(wildcard tests/aux/*.c) $(wildcard bench/*.c)
AUX       := $(foreach f,$(AUX_SRC),$(BUILD)/bin/$(basename $(notdir $(f))))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNITS     := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZERS   := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
SCRIPTS   := $(filter-out %.bash-completion,$(wildcard scripts/nostr-*))
COMPDIR   ?= $(PREFIX)/share/bash-completion/completions
MANPAGES  := $(wildcard man/*.[1-8])

.PHONY: all deps test check-asan fuzz bench install uninstall run clean
.SECONDARY:

all: $(TOOLS) $(AUX) $(UNITS)

$(BUILD)/lib/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# schema.sql is compiled into the library, so nostr-load needs no file at run time.
$(BUILD)/gen/schema_sql.c: schema.sql scripts/embed.sh
	@mkdir -p $(@D)
	@scripts/embed.sh np_schema_sql < schema.sql > $@

$(BUILD)/gen/schema_sql.o: $(BUILD)/gen/schema_sql.c
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Its PostgreSQL twin likewise (lib/store/pgconn.c).
$(BUILD)/gen/schema_pg_sql.c: schema-pg.sql scripts/embed.sh
	@mkdir -p $(@D)
	@scripts/embed.sh np_schema_pg_sql < schema-pg.sql > $@

$(BUILD)/gen/schema_pg_sql.o: $(BUILD)/gen/schema_pg_sql.c
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libnostr.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/bin/%: tools/%.c $(BUILD)/libnostr.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libnostr.a $(LDLIBS)

$(BUILD)/bin/%: tests/aux/%.c $(BUILD)/libnostr.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libnostr.a $(LDLIBS)

$(BUILD)/bin/%: bench/%.c $(BUILD)/libnostr.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libnostr.a $(LDLIBS)

$(BUILD)/unit/%: tests/unit/%.c tests/unit/tap.h $(BUILD)/libnostr.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libnostr.a $(LDLIBS)

# Installs whatever build and test dependency is missing (apt-get, npm ci).
deps:
	@scripts/install-deps.sh

test: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) tests/run.sh

# The same tests, built with clang under AddressSanitizer and UndefinedBehaviorSanitizer.
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
check-asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan CC=clang CFLAGS="$(ASAN_FLAGS)" all
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  NP_SANITIZED=1 BUILD=build/asan tests/run.sh

# libFuzzer targets, each run for FUZZ_SECONDS.
FUZZ_SECONDS ?= 30
FUZZ_CFLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(LIB_HDR) $(BUILD)/gen/schema_sql.c $(BUILD)/gen/schema_pg_sql.c
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ilib $(PKG_CFLAGS) -pthread \
	  -DNP_VERSION='"$(VERSION)"' -DNP_DATADIR='"$(DATADIR)"' $(FUZZ_CFLAGS) \
	  -o $@ $< $(LIB_SRC) build/fuzzing/gen/schema_sql.c build/fuzzing/gen/schema_pg_sql.c $(LDLIBS)

fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build/fuzzing $(FUZZ_SRC:tests/fuzz/%.c=build/fuzzing/fuzz/%)
	@set -e; for f in $(FUZZ_SRC:tests/fuzz/%.c=%); do \
	  mkdir -p build/fuzzing/corpus/$$f; \
	  echo "fuzz: $$f for $(FUZZ_SECONDS)s"; \
	  build/fuzzing/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    build/fuzzing/corpus/$$f tests/fuzz/corpus/$$f 2>build/fuzzing/$$f.log \
	    || { tail -40 build/fuzzing/$$f.log; exit 1; }; \
	  tail -1 build/fuzzing/$$f.log; \
	done

bench: all
	@BUILD=$(BUILD) bench/run.sh

install: $(TOOLS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DATADIR)
	install -m 755 $(TOOLS) $(DESTDIR)$(BINDIR)
	for s in $(SCRIPTS); do sed 's|@DATADIR@|$(DATADIR)|g' $$s > $(DESTDIR)$(BINDIR)/$$(basename $$s); \
	  chmod 755 $(DESTDIR)$(BINDIR)/$$(basename $$s); done
	install -m 644 schema.sql schema-pg.sql $(DESTDIR)$(DATADIR)
	install -d $(DESTDIR)$(COMPDIR)
	install -m 644 scripts/nostr-pipeline.bash-completion $(DESTDIR)$(COMPDIR)/nostr-pipeline
	for n in nostr-score nostr-report; do ln -sf nostr-pipeline $(DESTDIR)$(COMPDIR)/$$n; done
	for m in $(MANPAGES); do sec=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$sec; \
	  install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$sec; done

uninstall:
	rm -f $(TOOLS:$(BUILD)/bin/%=$(DESTDIR)$(BINDIR)/%) $(SCRIPTS:scripts/%=$(DESTDIR)$(BINDIR)/%)
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(COMPDIR)/nostr-pipeline $(DESTDIR)$(COMPDIR)/nostr-score $(DESTDIR)$(COMPDIR)/nostr-report

run: all
	PATH="$(CURDIR)/$(BUILD)/bin:$(CURDIR)/scripts:$$PATH" scripts/nostr-pipeline run

clean:
	rm -rf build
