#pragma once

// What -j N means, for everything that works in parallel: N threads, 0 for one per core.

#include <algorithm>
#include <thread>

namespace devmem::scan::detail {

inline unsigned thread_count(unsigned jobs) {
    return jobs != 0 ? jobs : std::max(1U, std::thread::hardware_concurrency());
}

} // namespace devmem::scan::detail
