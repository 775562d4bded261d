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

} // namespace devmem::shim

// name is an identifier, stringised and addressed: it cannot take parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define DEVMEM_NEXT(name)                                                                          \
    ([] {                                                                                          \
        static constinit std::atomic<void*> slot{nullptr};                                         \
        return reinterpret_cast<decltype(&name)>(::devmem::shim::next_definition(slot, #name));    \
    }())
// NOLINTEND(bugprone-macro-parentheses)
