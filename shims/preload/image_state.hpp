// The image a process serves: built on the first served open, then kept for the process.
#pragma once

#include "settings.hpp"

#include <devmem/image.h>
#include <stdint.h>
#include <sys/types.h>

namespace devmem::shim {

struct ServedImage {
    int fd;    // sealed memfd, close-on-exec
    dev_t dev; // identity of the memfd, to recognise its reopened descriptors
    ino_t ino;
    uint64_t size;
    int sysfs_entry_point_fd; // fixture mode: the placed entry point, as sysfs would give it
    int sysfs_table_fd;       // fixture mode: the table bytes
};

// The image, or nullptr with *status set when the source is unreadable or malformed; a failed
// build is remembered, so a bad source never yields a half image later. Safe to call from any
// thread and in a child forked while another thread was building.
const ServedImage* served_image(const Settings& settings, devmem_status* status);

// Whether a stat result describes the image memfd; lock-free, no syscall.
bool is_served_image(dev_t dev, ino_t ino);

} // namespace devmem::shim
