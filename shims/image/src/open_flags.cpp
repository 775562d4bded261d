// Caller errors an open of a device node gets from the kernel before the device is involved,
// shared by the preload and the compat library so both answer as the kernel does.
#include <devmem/image.h>

#include <errno.h>
#include <fcntl.h>

extern "C" int devmem_open_flags_error(int flags) {
    if ((flags & O_DIRECTORY) == O_DIRECTORY) // O_TMPFILE includes O_DIRECTORY
        return ENOTDIR;
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return EEXIST;
    return 0;
}

extern "C" int devmem_reopen_flags(int flags) {
    return flags & (O_ACCMODE | O_PATH | O_CLOEXEC | O_NONBLOCK | O_SYNC | O_DSYNC);
}
