# The two commands a new user needs are `make demo` and `make test`; both install what is
# missing first. Everything else here is a convenience around CMake and CTest.

BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test test-sanitize test-tsan fuzz format lint install package clean

all: build

deps:
	scripts/install-deps

configure: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	scripts/demo $(BUILD)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The same suite with project code under AddressSanitizer and UndefinedBehaviorSanitizer (the
# preload library itself stays uninstrumented: it is loaded into programs built without them).
test-sanitize:
	$(MAKE) test BUILD=$(BUILD)-sanitize CMAKE_FLAGS='$(CMAKE_FLAGS) -DDEVMEM_SANITIZE=address,undefined'

# The shim's stress tests under ThreadSanitizer: an instrumented copy of the preload library in
# instrumented probes (docs/reliability.md). Builds only what those tests need, in build-tsan/.
test-tsan: deps
	cmake -S . -B $(BUILD)-tsan $(CMAKE_FLAGS) -DDEVMEM_SANITIZE=thread -DDEVMEM_BUILD_ANALYZER=OFF
	cmake --build $(BUILD)-tsan -j $(JOBS) --target devmem_tsan_tests
	ctest --test-dir $(BUILD)-tsan --output-on-failure -j $(JOBS) -R '^tsan: '

# Each libFuzzer harness (fuzz/) built with clang-19 and run for FUZZ_SECONDS (default 60).
fuzz: deps
	fuzz/run-fuzzers $(BUILD)-fuzz

format:
	git ls-files '*.c' '*.cpp' '*.h' '*.hpp' ':!corpus/' | xargs clang-format -i

lint: configure
	git ls-files '*.cpp' ':!corpus/' | xargs -P $(JOBS) -n 4 clang-tidy -p $(BUILD) --quiet --warnings-as-errors='*'

install: build
	cmake --install $(BUILD)

package: build
	cd $(BUILD) && cpack -G DEB

clean:
	rm -rf $(BUILD)
