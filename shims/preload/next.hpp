// The definitions the shim interposes on, found once with dlsym(RTLD_NEXT): after the first
// call a lookup is one atomic load, so the pass-through path takes no lock and allocates nothing.
#pragma once

#include <atomic>
#include <dlfcn.h>

namespace devmem::shim {

inline void* next_definition(std::atomic<void*>& slot, const char* name) {
    void* fn = slot.load(std::memory_order_acquire);
    if (!fn) {
        fn = dlsym(RTLD_NEXT, name);
        slot.store(fn, std::memory_order_release);
    }
    return fn;
}

// Code that sanitizer runtimes call while they initialise, before instrumented code can run: the
// ThreadSanitizer copy of the library leaves it uninstrumented. No effect on the plain library.
#define DEVMEM_BEFORE_SANITIZER_INIT __attribute__((no_sanitize("thread")))

// next_definition for such code. The slot is a plain pointer used through __atomic builtins:
// std::atomic's members are functions of their own, which would be instrumented.
DEVMEM_BEFORE_SANITIZER_INIT inline void* next_definition_early(void*& slot, const char* name) {
    void* fn = __atomic_load_n(&slot, __ATOMIC_ACQUIRE);
    if (!fn) {
        fn = dlsym(RTLD_NEXT, name);
        __atomic_store_n(&slot, fn, __ATOMIC_RELEASE);
    }
    return fn;
}

} // namespace devmem::shim

// name is an identifier, stringised and addressed: it cannot take parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define DEVMEM_NEXT(name)                                                                          \
    ([] {                                                                                          \
        static constinit std::atomic<void*> slot{nullptr};                                         \
        return reinterpret_cast<decltype(&name)>(::devmem::shim::next_definition(slot, #name));    \
    }())
// NOLINTEND(bugprone-macro-parentheses)

// DEVMEM_NEXT inside a DEVMEM_BEFORE_SANITIZER_INIT function (a GNU statement expression, so
// that no lambda is involved).
// NOLINTBEGIN(bugprone-macro-parentheses)
#define DEVMEM_NEXT_EARLY(name)                                                                    \
    ({                                                                                             \
        static constinit void* slot = nullptr;                                                     \
        reinterpret_cast<decltype(&name)>(::devmem::shim::next_definition_early(slot, #name));     \
    })
// NOLINTEND(bugprone-macro-parentheses)
