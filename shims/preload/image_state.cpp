#include "image_state.hpp"

#include "next.hpp"

#include <atomic>
#include <errno.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

namespace devmem::shim {

namespace {

// unbuilt, built, failed, or -pid of the process whose thread is building: a fork() in the
// middle of a build leaves the child a state that names its parent.
constexpr long unbuilt = 0;
constexpr long built = 1;
constexpr long failed = 2;

constexpr ServedFile no_file{-1, 0, 0, 0};

constinit std::atomic<long> state{unbuilt};
// The process whose descriptors are known to be the image's. fork() copies the descriptor table
// before the memory, while the parent's other threads run on: a child can find the image built
// and published under numbers that, in its own table, name the file the build was reading.
constinit std::atomic<pid_t> built_in{0};
constinit std::atomic<dev_t> image_dev{0};
constinit std::atomic<ino_t> image_ino{0};
constinit ServedImage image{no_file, no_file, no_file};
constinit devmem_status build_status = DEVMEM_OK;

devmem_status load_source(const Settings& settings, devmem_source* source) {
    if (settings.dump)
        return devmem_source_load_dump(settings.dump, source);
    return devmem_source_load_firmware_dir(settings.firmware ? settings.firmware : "/sys/firmware",
                                           source);
}

// Each memfd goes into image as soon as its identity is known: a child forked in the middle of
// the build finds there the descriptors it inherited from it, and closes them (release_files).
template <typename Fill>
devmem_status create_file(ServedFile& file, const char* name, uint64_t size, Fill fill) {
    int fd = devmem_create_memfd(name);
    struct stat st;
    if (fd < 0)
        return DEVMEM_ERR_IO;
    if (DEVMEM_NEXT(fstat)(fd, &st) != 0) {
        close(fd);
        return DEVMEM_ERR_IO;
    }
    file = {fd, size, st.st_dev, st.st_ino};
    return fill(fd);
}

devmem_status create_sysfs_files(const devmem_source& source, const devmem_layout& layout) {
    const devmem_entry_point& ep = layout.entry_point;
    devmem_status status =
        create_file(image.entry_point, "devmem-smbios-entry-point", ep.size,
                    [&](int fd) { return devmem_fill_sealed_memfd(fd, ep.bytes, ep.size); });
    if (status != DEVMEM_OK)
        return status;
    return create_file(image.table, "devmem-dmi-table", source.table_size, [&](int fd) {
        return devmem_fill_sealed_memfd(fd, source.table, source.table_size);
    });
}

// Closes those of the image's descriptors this process really holds, and forgets them all: a
// number that names another file belongs to someone else.
void release_files() {
    for (ServedFile* file : {&image.memory, &image.entry_point, &image.table}) {
        if (file->fd >= 0 && holds(file->fd, *file))
            close(file->fd);
        *file = no_file;
    }
}

bool holds_image(const Settings& settings) {
    return holds(image.memory.fd, image.memory) &&
           (!settings.fixture() ||
            (holds(image.entry_point.fd, image.entry_point) && holds(image.table.fd, image.table)));
}

devmem_status build(const Settings& settings) {
    devmem_source source;
    devmem_layout layout;
    devmem_status status = load_source(settings, &source);
    if (status == DEVMEM_OK)
        status = devmem_plan_layout(&source, &layout);
    if (status == DEVMEM_OK)
        status = create_file(image.memory, DEVMEM_IMAGE_MEMFD_NAME, layout.image_size,
                             [&](int fd) { return devmem_fill_image_memfd(fd, &source, &layout); });
    if (status == DEVMEM_OK && settings.fixture())
        status = create_sysfs_files(source, layout);
    devmem_source_release(&source);
    if (status != DEVMEM_OK)
        release_files();
    return status;
}

// A malformed source stays malformed, so that verdict is final. A read or resource failure
// (descriptors, memory, RLIMIT_FSIZE, a file missing for now) is retried by the next open:
// remembering it would deny the firmware tables to the process for good.
long state_after(devmem_status status) {
    return status == DEVMEM_OK ? built : status == DEVMEM_ERR_IO ? unbuilt : failed;
}

long building_here() {
    return -long(getpid());
}

// The image, or a verdict, is this process's from now on.
void settle(long verdict) {
    built_in.store(getpid(), std::memory_order_relaxed);
    state.store(verdict, std::memory_order_release);
}

void publish(devmem_status status) {
    build_status = status;
    if (status == DEVMEM_OK) {
        image_dev.store(image.memory.dev, std::memory_order_relaxed);
        image_ino.store(image.memory.ino, std::memory_order_relaxed);
    }
    settle(state_after(status));
}

// A build that started in the parent before fork() has no thread to finish it in the child,
// which starts over.
void wait_for_builder(long observed) {
    while (observed < 0) {
        if (observed != building_here()) {
            // This process inherited the memfds made so far, but no thread to finish them.
            if (state.compare_exchange_strong(observed, building_here())) {
                release_files();
                state.store(unbuilt, std::memory_order_release);
            }
            return;
        }
        sched_yield();
        observed = state.load(std::memory_order_acquire);
    }
}

} // namespace

const ServedImage* served_image(const Settings& settings, devmem_status* status) {
    for (;;) {
        long current = state.load(std::memory_order_acquire);
        if (current == failed ||
            (current == built && built_in.load(std::memory_order_relaxed) == getpid())) {
            *status = build_status;
            return current == built ? &image : nullptr;
        }
        if (current < 0)
            wait_for_builder(current);
        else if (state.compare_exchange_strong(current, building_here(),
                                               std::memory_order_acquire)) {
            // Inherited across fork: kept, untouched, if this process holds every file.
            if (current == built && holds_image(settings)) {
                settle(built);
                continue;
            }
            release_files();
            *status = build(settings);
            publish(*status);
            return *status == DEVMEM_OK ? &image : nullptr;
        }
    }
}

bool holds(int fd, const ServedFile& file) {
    int saved_errno = errno;
    struct stat st;
    bool same = fd >= 0 && file.ino != 0 && DEVMEM_NEXT(fstat)(fd, &st) == 0 &&
                st.st_ino == file.ino && st.st_dev == file.dev;
    errno = saved_errno;
    return same;
}

bool is_served_image(dev_t dev, ino_t ino) {
    return ino != 0 && image_ino.load(std::memory_order_relaxed) == ino &&
           image_dev.load(std::memory_order_relaxed) == dev;
}

} // namespace devmem::shim
