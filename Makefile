# truce: build, test and demo. `make` builds build/truce; `make test` runs every
# test; `make demo` installs missing Debian packages, rules on the bundled
# 28-point plan and serves its dashboard. SANITIZE=1 builds into build-asan/
# with ASan + UBSan.

CC      ?= cc
PKGS    := geos libsodium sqlite3 libmicrohttpd libcurl
SANITIZE ?= 0
ifeq ($(SANITIZE),1)
  BUILD   := build-asan
  OPT     := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
  BUILD   := build
  OPT     := -O2 -g
endif
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror \
           -Wshadow -Wstrict-prototypes -Wvla $(OPT) -Isrc \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
LDFLAGS += $(filter -fsanitize%,$(OPT))

LIB_SRC := $(sort $(wildcard src/*/*.c))
LIB_SRC := $(filter-out src/cli/%,$(LIB_SRC))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
TEST_SRC:= $(sort $(wildcard tests/*_test.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TESTS   := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

.PHONY: all test unit-test cli-test demo deps clean bench fuzz
all: $(BUILD)/truce $(BUILD)/truce-gen

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libtruce.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/truce: $(CLI_OBJ) $(BUILD)/libtruce.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/truce-gen: $(BUILD)/bench/generate.o $(BUILD)/libtruce.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/libtruce.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) $(shell pkg-config --libs cmocka) -o $@

# Unit tests (cmocka), then the command-line and scenario tests.
test: deps $(TESTS) $(BUILD)/truce
	@failed=0; for t in $(TESTS); do echo "== $$t"; ( cd tests && ../$$t ) || failed=1; done; \
	for s in tests/*_test.sh; do echo "== $$s"; TRUCE=$(CURDIR)/$(BUILD)/truce bash $$s || failed=1; done; \
	exit $$failed

# The main job: sign the sample into a log, print the board, serve the dashboard.
demo: deps
	bash tools/demo.sh

deps:
	@bash tools/deps.sh

deps-check: # (unused by default; kept for offline builds)
	@pkg-config --exists $(PKGS) cmocka || { echo "missing build dependencies: run 'sudo bash tools/deps.sh' (or make deps as root)"; exit 1; }

bench: all
	bash bench/run.sh

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
