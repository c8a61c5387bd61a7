# phoenix -- scenario simulation and forecasting engine.
# CFLAGS/LDFLAGS stay the user's; the project's flags live in PHX_* variables.

PKGS      := gsl hdf5 cunit inih nettle plplot xlsxwriter
# MPI=1: the MPI build (OpenMPI, -DPHX_MPI) in its own folder, so serial and MPI objects never mix.
MPI       ?= 0
BUILD     := $(if $(filter 1,$(MPI)),build-mpi,build)
PHX_STD   := -std=c11 -D_XOPEN_SOURCE=700
PHX_OPT   := -O2 -fopenmp -ffp-contract=off
PHX_WARN  := -Wall \
             -Wextra \
             -Werror \
             -Wshadow \
             -Wstrict-prototypes \
             -Wmissing-prototypes \
             -Wno-unused-parameter
PHX_DEP   := -MMD -MP
PHX_CFLAGS = $(PHX_STD) $(PHX_OPT) $(PHX_WARN) $(PHX_DEP) $(PHX_MPI) $(PKG_CFLAGS) $(SAN)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs-only-L hdf5 2>/dev/null) -lhdf5_hl \
             $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm
PHX_LDFLAGS = -fopenmp $(SAN)

LIB_SRC   := $(wildcard engine/*.c) $(wildcard models/*.c) $(wildcard models/*/*.c) \
             $(wildcard output/*.c)
CLI_SRC   := $(wildcard cli/*.c)
TEST_SRC  := $(wildcard tests/test_*.c)
TEST_UTIL := tests/testutil.c
BENCH_SRC := $(wildcard bench/*.c)

LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
LIB       := $(BUILD)/libphoenix.a
PHOENIX   := $(BUILD)/phoenix

# Debian 12 packages: build, tests (interoperability checks with Debian's python3), tools.
DEB_PKGS  := gcc make pkg-config libgsl-dev libhdf5-dev hdf5-tools libcunit1-dev \
             librandom123-dev libinih-dev nettle-dev python3 python3-h5py python3-xarray \
             python3-h5netcdf libcsv-dev libplplot-dev plplot-driver-cairo libxlsxwriter-dev \
             fonts-noto-cjk libxml2-utils chromium clang libclang-rt-14-dev libomp-14-dev

# The MPI build: OpenMPI's compiler flags and libraries through pkg-config (ompi-c), the
# compiler stays $(CC). mpirun comes with openmpi-bin.
ifeq ($(MPI),1)
PKGS      += ompi-c
PHX_MPI   := -DPHX_MPI
DEB_PKGS  += libopenmpi-dev openmpi-bin
endif

.PHONY: all deps run test check bench clean docs fuzz fuzz-build FORCE
all: $(PHOENIX)

# Install whatever is missing (as root); otherwise print the exact command to run.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "deps: missing:$$missing"; \
	  echo "deps: run: sudo apt-get update && sudo apt-get install -y --no-install-recommends$$missing"; \
	  exit 1; fi; \
	echo "deps: installing$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing

# The git revision goes into --version and the results files' provenance; the stamp changes only
# when the revision does, so that only the objects that print it are rebuilt.
GIT_SHA1  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD -- 2>/dev/null || echo -dirty)
$(BUILD)/gitsha.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(GIT_SHA1)' | cmp -s - $@ || echo '$(GIT_SHA1)' > $@
$(BUILD)/cli/phoenix.o $(patsubst %.c,$(BUILD)/%.o,$(wildcard output/*.c)): $(BUILD)/gitsha.stamp
$(BUILD)/cli/phoenix.o $(patsubst %.c,$(BUILD)/%.o,$(wildcard output/*.c)): PHX_DEFS = -DPHX_GIT_SHA1='"$(GIT_SHA1)"'
FORCE:

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(PHX_CFLAGS) $(PHX_DEFS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(PHOENIX): $(CLI_OBJ) $(LIB)
	$(CC) $(PHX_LDFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(PKG_LIBS)
	@[ "$(BUILD)" != build ] || ln -sf $(BUILD)/phoenix phoenix

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/tests/testutil.o $(LIB)
	$(CC) $(PHX_LDFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/tests/testutil.o $(LIB) $(PKG_LIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	$(CC) $(PHX_LDFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# The main job: the default scenario, a summary table, results.h5, and its report next to it.
RUN_SCENARIO ?= scenarios/plan-2021-2023.ini
run: deps
	@$(MAKE) --no-print-directory all
	./$(PHOENIX) run $(RUN_SCENARIO) -o results.h5 --force
	./$(PHOENIX) report results.h5 -o report.html --force
	@echo "run: the report is $(CURDIR)/report.html (open it in a browser)"

test: deps
	@$(MAKE) --no-print-directory all $(TEST_BIN)
	@PHOENIX=$(PHOENIX) BUILD=$(BUILD) sh tests/run_all.sh $(TEST_BIN)

# The tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
check: deps
	@$(MAKE) --no-print-directory BUILD=$(BUILD:build%=build-san%) \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  PHX_OPT="-O1 -g -fopenmp -ffp-contract=off" test

# libFuzzer harnesses (tests/fuzz/fuzz_*.c: the scenario loader, the firm-table reader, the
# results reader) built with clang, ASan and UBSan into build-fuzz/, each run for FUZZ_TIME seconds
# on its seeds (tests/fuzz/<target>/); a finding stops the run (docs/developing.md "Fuzzing").
FUZZ_TIME    ?= 60
FUZZ_TARGETS := scenario firms results
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_FLAGS   := -timeout=20
# libhdf5 itself loops on some corrupt files (the global heap of a variable-length string: issue
# 16 item 5, not ours to fix): the results target runs in fork mode, where such a hang (a timeout,
# its input kept in build-fuzz/findings/) does not stop the run, and neither does a crash: each is
# run again afterwards (tests/fuzz/triage.sh) and fails `make fuzz` unless it dies inside
# libhdf5's global heap (H5HG_read, the same defect).
# libhdf5 also asks malloc for absurd sizes read from a corrupt file, and copes with the NULL that
# malloc returns then: under ASan too (allocator_may_return_null), as in the release build.
FUZZ_FLAGS_results := -timeout=5 -fork=1 -ignore_timeouts=1 -ignore_crashes=1 -ignore_ooms=0
FUZZ_ASAN_results  := :allocator_may_return_null=1
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang PHX_OPT="-O1 -g -fopenmp -ffp-contract=off" \
	  SAN="$(FUZZ_SAN) -fsanitize=fuzzer-no-link -DPHX_FUZZING" fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$t build-fuzz/findings; echo "fuzz: $$t for $(FUZZ_TIME) s"; \
	  flags="$(FUZZ_FLAGS)"; asan=""; \
	  [ $$t != results ] || { flags="$(FUZZ_FLAGS_results)"; asan="$(FUZZ_ASAN_results)"; }; \
	  ASAN_OPTIONS=detect_leaks=1$$asan LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan-hdf5.supp \
	    ./build-fuzz/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) $$flags \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build-fuzz/findings/$$t- \
	    build-fuzz/corpus/$$t tests/fuzz/$$t >build-fuzz/$$t.log 2>&1 \
	  || [ $$t = results ] \
	  || { tail -n 60 build-fuzz/$$t.log; echo "fuzz: $$t: a finding (build-fuzz/findings/)"; exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^#[0-9]+: cov' build-fuzz/$$t.log | tail -n 1; \
	  [ $$t != results ] || sh tests/fuzz/triage.sh $$t || exit 1; \
	  n=$$(ls build-fuzz/findings | grep -c "^$$t-timeout"); [ "$$n" -eq 0 ] || \
	    echo "fuzz: $$t: $$n inputs on which libhdf5 hangs (issue 16 item 5): build-fuzz/findings/$$t-timeout-*"; \
	done
fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(PHX_STD) $(PHX_OPT) $(PHX_WARN) $(PKG_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< \
	  $(LIB) $(PKG_LIBS)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@sh bench/run.sh

# docs/scenarios.md = the hand-written guide + the reference generated from the parameter tables.
docs: $(PHOENIX)
	@{ cat docs/scenarios.head.md; ./$(PHOENIX) params --format md; } > docs/scenarios.md
	@echo "docs: wrote docs/scenarios.md"

clean:
	rm -rf build build-san build-mpi build-san-mpi build-fuzz phoenix

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_SRC:tests/%.c=$(BUILD)/tests/%.d)
