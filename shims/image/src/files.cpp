#include "files.hpp"

#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

namespace devmem::files {

uint8_t* map_anonymous(size_t size) {
    void* mapping = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return mapping == MAP_FAILED ? nullptr : static_cast<uint8_t*>(mapping);
}

bool read_fully(int fd, uint8_t* destination, size_t capacity, size_t* size) {
    *size = 0;
    while (*size < capacity) {
        ssize_t n = read(fd, destination + *size, capacity - *size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n == 0;
        *size += size_t(n);
    }
    return true;
}

bool within_file_size_limit(uint64_t size) {
    rlimit limit;
    return getrlimit(RLIMIT_FSIZE, &limit) == 0 &&
           (limit.rlim_cur == RLIM_INFINITY || size <= limit.rlim_cur);
}

bool write_all_at(int fd, const void* data, size_t size, uint64_t offset) {
    const uint8_t* p = static_cast<const uint8_t*>(data);
    while (size > 0) {
        ssize_t n = pwrite(fd, p, size, off_t(offset));
        if (n <= 0)
            return false;
        p += n;
        size -= size_t(n);
        offset += uint64_t(n);
    }
    return true;
}

bool join_path(char* out, size_t out_size, const char* dir, const char* name) {
    int n = snprintf(out, out_size, "%s/%s", dir, name);
    return n > 0 && size_t(n) < out_size;
}

} // namespace devmem::files
