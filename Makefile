# farrow -- build, test and install. GNU make; no configure step.
# Dependencies come from pkg-config; `make deps` installs them (Debian 12).

PKG_CONFIG ?= pkg-config
CC ?= cc
CLANG ?= clang
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/farrow
DESTDIR ?=
O ?= build
CFLAGS ?= -O2 -g
WERROR ?= 1
SANITIZE ?=
FUZZ_TIME ?= 60
V ?= 0
ifeq ($(V),0)
Q := @
endif

PKGS := yaml-0.1 libxcrypt libarchive libzstd libcurl libssl libcrypto libssh2 libpq ncursesw menuw formw panelw libsolv libsolvext
WARN := -std=c11 -Wall -Wextra -Wformat=2 -Wshadow -Wvla -Wstrict-prototypes \
	-Wmissing-prototypes -Wwrite-strings
ifeq ($(WERROR),1)
WARN += -Werror
endif
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(CFLAGS) $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ilib -Itui -I$(O) \
	$(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) -Wl,--as-needed
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif

LIB_SRCS := $(wildcard lib/*.c)
# Two tiers. What a node links (farrow-firstboot): libc, libssl/libcrypto (one Debian package,
# libssl3), libzstd, libyaml, nothing else.
# The admin side (farrow, repo-builder) adds libcurl, libssh2, libarchive, libsolv, ncurses. A
# node-side file that calls into the admin tier does not link: the tiers stay visible.
NODE_LIB_SRCS := $(addprefix lib/,answerfile.c buf.c bundle.c cli.c cron.c crypto.c disk.c disksurvey.c err.c exec.c fileio.c inventory.c live.c madmin.c medium.c minio.c s3.c \
	modules.c params.c pgp.c pkgmgr-apt.c pki.c plans.c pq.c profile.c services.c tarread.c \
	tlsget.c values.c xalloc.c yamlnode.c)
ADMIN_LIB_SRCS := $(filter-out $(NODE_LIB_SRCS),$(LIB_SRCS))
NODE_LIB_OBJS := $(NODE_LIB_SRCS:%.c=$(O)/obj/%.o) $(O)/obj/embedded.o
ADMIN_LIB_OBJS := $(ADMIN_LIB_SRCS:%.c=$(O)/obj/%.o)
LIBS_A := $(O)/libfarrow-admin.a $(O)/libfarrow-node.a
FARROW_SRCS := $(wildcard installer/*.c tui/*.c)
RB_SRCS := $(wildcard repo-builder/*.c)
FB_SRCS := $(wildcard firstboot/*.c)
UNIT_SRCS := $(wildcard test/unit/t-*.c)
UNITS := $(UNIT_SRCS:test/unit/%.c=$(O)/test/%)
PROGS := $(O)/farrow $(O)/repo-builder $(O)/farrow-firstboot
PROFILES := $(wildcard profiles/*.yml profiles/ha/*.yml profiles/demo/*.yml)
MANS := $(wildcard docs/man/*.[158])

.SECONDARY:
.PHONY: all deps test test-images check unit bats bats-trixie asan fuzz demo install clean lint bench sandbox sandbox-down
all: $(PROGS)

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/embedded.c: lib/defaults.yml $(PROFILES) tools/embed.sh
	@mkdir -p $(O)
	$(Q)sh tools/embed.sh defaults.yml=lib/defaults.yml \
		$(foreach p,$(PROFILES),$(p)=$(p)) > $@.tmp && mv $@.tmp $@
$(O)/obj/embedded.o: $(O)/embedded.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/libfarrow-node.a: $(NODE_LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^
$(O)/libfarrow-admin.a: $(ADMIN_LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/farrow: $(FARROW_SRCS:%.c=$(O)/obj/%.o) $(LIBS_A)
	@[ "$(V)" != 0 ] || echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(O)/repo-builder: $(RB_SRCS:%.c=$(O)/obj/%.o) $(LIBS_A)
	@[ "$(V)" != 0 ] || echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
# farrow-firstboot runs on bare nodes: only libc, libcrypto and libzstd (what a minimal
# Debian 12 has), libyaml linked in statically.
FB_LIBS = -Wl,-Bstatic -lyaml -Wl,-Bdynamic $(shell $(PKG_CONFIG) --libs libssl libcrypto libzstd 2>/dev/null)
$(O)/farrow-firstboot: $(FB_SRCS:%.c=$(O)/obj/%.o) $(O)/libfarrow-node.a
	@[ "$(V)" != 0 ] || echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(FB_LIBS)
$(O)/test/t-%: $(O)/obj/test/unit/t-%.o $(LIBS_A)
	@mkdir -p $(dir $@)
	@[ "$(V)" != 0 ] || echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

deps:
	sh test/install-deps.sh

# The whole suite: dependencies, build, unit tests, bats, then the unit
# tests and bats again under AddressSanitizer + UndefinedBehaviorSanitizer.
test check: deps
	bash test/run.sh

unit: $(UNITS)
	@fail=0; for t in $(UNITS); do $$t || fail=1; done; \
	if [ $$fail -ne 0 ]; then echo "unit tests FAILED ($(O))"; exit 1; fi

bats: all
	FARROW_BIN=$(CURDIR)/$(O) bats --timing --print-output-on-failure test/bats

# The single-node suites again on Debian 13 nodes (the d13 bundle, PostgreSQL 17): part of make test.
NODE_SUITES := test/bats/3100-install.bats test/bats/3300-no-ssh.bats test/bats/3310-power-loss.bats
bats-trixie: all
	FARROW_TEST_DIST=trixie FARROW_BIN=$(CURDIR)/$(O) bats --timing --print-output-on-failure $(NODE_SUITES)

# Every suite but 3410 (ha/full on four nodes: the same admin-side paths as 3400, whose farrow
# runs under the sanitizers here, on one more node), 3420 (demo/redis on four nodes: its admin
# side is farrow install as in 3400, Redis clusters' health in t-health, the drill's refusals in
# 0100, all under the sanitizers) and 3300/3310 (what they test runs on the nodes, which get the
# plain farrow-firstboot; their admin side is farrow profile, which 0100, 0200 and 3100 run under
# the sanitizers) and 3430 (farrow pitr on three nodes: its admin side, farrow pitr, runs under the
# sanitizers in 3440 on one): that keeps make test within bounds.
ASAN_SUITES := $(filter-out test/bats/3410-full.bats test/bats/3420-redis.bats test/bats/3300-no-ssh.bats \
	test/bats/3310-power-loss.bats test/bats/3430-pitr.bats, $(wildcard test/bats/*.bats))
asan:
	$(MAKE) O=build-asan SANITIZE=address,undefined CFLAGS="-O1 -g" all unit
	ASAN_OPTIONS=detect_leaks=1 FARROW_BIN=$(CURDIR)/build-asan \
		bats --timing --print-output-on-failure $(ASAN_SUITES)

# Disk images under qemu (TCG: minutes a boot): a raw image booted with BIOS and UEFI, the root
# grown into a larger disk, raw bytes reproducible (test/images/). Not part of make test.
test-images: deps all
	FARROW_BIN=$(CURDIR)/$(O) bats --timing --print-output-on-failure test/images

# libFuzzer targets, each run for FUZZ_TIME seconds: the inventory parser and value checks;
# bundle MANIFEST + tar member reader with the member rules; repo-builder's upstream metadata
# readers (Packages/Release, rpm-md) and manifest loader. Seeds include the hostile cases of the
# bats suites (test/fuzz/seeds-bundle.txt is made into tars by the bats helper).
FUZZ_CC = $(CLANG) -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ilib -Irepo-builder -I$(O) \
	$(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined
RB_LIB_SRCS := $(filter-out repo-builder/main.c,$(RB_SRCS))
$(O)/fuzz/fuzz-inventory: test/fuzz/fuzz-inventory.c $(LIB_SRCS) $(O)/embedded.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -o $@ $^ $(PKG_LIBS)
$(O)/fuzz/fuzz-bundle: test/fuzz/fuzz-bundle.c $(LIB_SRCS) $(O)/embedded.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -o $@ $^ $(PKG_LIBS)
$(O)/fuzz/fuzz-meta: test/fuzz/fuzz-meta.c $(RB_LIB_SRCS) $(LIB_SRCS) $(O)/embedded.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -o $@ $^ $(PKG_LIBS)
fuzz: $(O)/embedded.c
	$(MAKE) $(O)/fuzz/fuzz-inventory $(O)/fuzz/fuzz-bundle $(O)/fuzz/fuzz-meta
	@mkdir -p $(O)/fuzz/corpus $(O)/fuzz/corpus-bundle $(O)/fuzz/corpus-meta
	cp -n test/fuzz/corpora/inventory/* profiles/*.yml profiles/ha/*.yml profiles/demo/*.yml $(O)/fuzz/corpus/ 2>/dev/null || true
	n=0; while read -r spec; do n=$$((n + 1)); echo "$$spec" | \
		python3 test/bats/helpers/craft-bundle.py --tar $(O)/fuzz/corpus-bundle/seed-$$n.tar; done <test/fuzz/seeds-bundle.txt
	cp -n test/fuzz/corpora/meta/* $(O)/fuzz/corpus-meta/
	for f in profiles/bundles/*.yml; do printf 2 | cat - $$f >$(O)/fuzz/corpus-meta/manifest-$$(basename $$f); done
	$(O)/fuzz/fuzz-inventory -max_total_time=$(FUZZ_TIME) -max_len=4096 \
		-dict=test/fuzz/fuzz-inventory.dict $(O)/fuzz/corpus
	$(O)/fuzz/fuzz-bundle -max_total_time=$(FUZZ_TIME) -max_len=65536 $(O)/fuzz/corpus-bundle
	$(O)/fuzz/fuzz-meta -max_total_time=$(FUZZ_TIME) -max_len=16384 $(O)/fuzz/corpus-meta

# The sandbox: N=1 or 4 systemd-nspawn nodes at 10.10.10.10+ (see test/sandbox/sandbox.sh).
N ?= 1
sandbox: deps all
	FARROW_SANDBOX_DIST=$(or $(DIST),bookworm) bash test/sandbox/sandbox.sh up $(N)
sandbox-down:
	bash test/sandbox/sandbox.sh down

# Figures, side by side with the tools farrow replaces (prints; asserts nothing).
bench: all
	bash test/bench/repo-builder.sh $(O)
	bash test/bench/install.sh $(O)
	bash test/bench/image.sh $(O)
	bash test/bench/iso.sh $(O)
	bash test/bench/drill.sh $(O)

demo: deps all
	sh tools/demo.sh $(O)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/profiles/ha $(DESTDIR)$(DATADIR)/profiles/demo \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(PROGS) $(DESTDIR)$(BINDIR)/
	install -m 0644 profiles/*.yml $(DESTDIR)$(DATADIR)/profiles/
	install -m 0644 profiles/ha/*.yml $(DESTDIR)$(DATADIR)/profiles/ha/
	install -m 0644 profiles/demo/*.yml $(DESTDIR)$(DATADIR)/profiles/demo/
	for m in $(MANS); do s=$${m##*.}; install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done

# man pages, and bats assertions that cannot fail (a bare `! cmd` or an `a && b` before a test's end)
lint:
	mandoc -Tlint -Wwarning $(MANS)
	python3 test/lint-bats.py test/bats/*.bats test/images/*.bats

clean:
	rm -rf build build-asan

-include $(shell find $(O) -name '*.d' 2>/dev/null)
