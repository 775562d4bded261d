// File reading for sources, without the C++ runtime: anonymous mappings instead of the heap.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace devmem::files {

// A private anonymous mapping; pages are committed only when written.
uint8_t* map_anonymous(size_t size);

// Reads until EOF or until capacity bytes; false on a read error.
bool read_fully(int fd, uint8_t* destination, size_t capacity, size_t* size);

// Whether a file may grow to size bytes: beyond RLIMIT_FSIZE the kernel raises SIGXFSZ, which
// kills a process that does not expect it.
bool within_file_size_limit(uint64_t size);

// pwrite until done; false on an error.
bool write_all_at(int fd, const void* data, size_t size, uint64_t offset);

// False when the joined path would not fit: a truncated path could name another file.
bool join_path(char* out, size_t out_size, const char* dir, const char* name);

} // namespace devmem::files
