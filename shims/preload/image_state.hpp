// The image a process serves: built on the first served open, then kept for the process.
#pragma once

#include "paths.hpp"
#include "settings.hpp"

#include <devmem/image.h>
#include <stdint.h>
#include <sys/types.h>

namespace devmem::shim {

// A sealed memfd, how many bytes it serves, and its identity: a descriptor number alone can come
// to name another file (see holds()).
struct ServedFile {
    int fd;
    uint64_t size;
    dev_t dev;
    ino_t ino;
};

struct ServedImage {
    ServedFile memory;      // the physical image; close-on-exec
    ServedFile entry_point; // fixture mode: the placed entry point, as sysfs would give it
    ServedFile table;       // fixture mode: the table bytes

    // The file that answers for a target: /dev/mem or one of the sysfs table files.
    const ServedFile& file_for(Target target) const {
        return target == Target::sysfs_entry_point ? entry_point
               : target == Target::sysfs_table     ? table
                                                   : memory;
    }
};

// The image, or nullptr with *status set when the source is unreadable or malformed. A malformed
// source is remembered, so it never yields an image later; an unreadable one, or a build that
// ran out of descriptors or memory, is tried again by the next call. Never a half image. Safe
// to call from any thread and in a child forked while another thread was building or
// publishing: a child's first call checks the descriptors it inherited and builds anew when they
// are not the image's.
const ServedImage* served_image(const Settings& settings, devmem_status* status);

// Whether a stat result describes the image memfd; lock-free, no syscall.
bool is_served_image(dev_t dev, ino_t ino);

// Whether fd is a descriptor of file, by identity (one fstat). A program can close the shim's
// memfd (closefrom() in a daemon) and get its number again for a file of its own; a reopen of
// that number must not be served for /dev/mem. Preserves errno.
bool holds(int fd, const ServedFile& file);

} // namespace devmem::shim
