// The audit trail: one JSON object per line, appended with write(2) so that it works in any
// process state (no stdio buffers to lose at _exit, no locks to inherit across fork).
#pragma once

#include "paths.hpp"
#include "settings.hpp"

#include <stdint.h>

namespace devmem::shim {

struct LogEvent {
    const char* op;   // the interposed call: open, fopen, read, mmap, ...
    const char* path; // as the program spelled it; a read or map names the device
    Target target;
    const char* result; // served, denied, passthrough, failed
    uint64_t offset;    // an open: the extent of the image a served descriptor exposes; a read
    uint64_t length;    // or map: the physical range it asked for
    const char* detail; // why, when denied or failed; may be null
    const char* range_class = nullptr; // a read or map of physical memory: devmem-scan's class
};

// Does nothing unless DEVMEM_SHIM_LOG names a file. Preserves errno.
void log_event(const Settings& settings, const LogEvent& event);

} // namespace devmem::shim
