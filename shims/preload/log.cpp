#include "log.hpp"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

namespace devmem::shim {

namespace {

const char* region_class(Target target) {
    switch (target) {
    case Target::mem:
        return "physical-memory";
    case Target::port:
        return "io-ports";
    case Target::kmem:
        return "kernel-memory";
    case Target::sysfs_entry_point:
    case Target::sysfs_table:
    case Target::efi_systab:
    case Target::acpi_tables:
        return "firmware-tables";
    case Target::none:
        break;
    }
    return "none";
}

struct LineBuffer {
    char text[2 * PATH_MAX + 512];
    size_t len = 0;

    void raw(const char* s) {
        while (*s && len < sizeof text - 2)
            text[len++] = *s++;
    }

    void string(const char* s) {
        raw("\"");
        for (; s && *s && len < sizeof text - 8; ++s) {
            unsigned char c = static_cast<unsigned char>(*s);
            if (c == '"' || c == '\\') {
                text[len++] = '\\';
                text[len++] = char(c);
            } else if (c < 0x20) {
                len += size_t(snprintf(text + len, 7, "\\u%04x", c));
            } else {
                text[len++] = char(c);
            }
        }
        raw("\"");
    }

    void number(uint64_t value) {
        char digits[21];
        size_t n = 0;
        do {
            digits[sizeof digits - 1 - ++n] = char('0' + value % 10);
            value /= 10;
        } while (value);
        digits[sizeof digits - 1] = '\0';
        raw(digits + sizeof digits - 1 - n);
    }

    void field(const char* name) {
        raw(len == 1 ? "\"" : ",\"");
        raw(name);
        raw("\":");
    }
};

void executable(char* out, size_t size) {
    ssize_t n = readlink("/proc/self/exe", out, size - 1);
    out[n > 0 ? n : 0] = '\0';
}

} // namespace

void log_event(const Settings& settings, const LogEvent& event) {
    if (!settings.log)
        return;
    int saved_errno = errno;
    char exe[PATH_MAX];
    executable(exe, sizeof exe);
    LineBuffer line;
    line.raw("{");
    line.field("pid");
    line.number(uint64_t(getpid()));
    line.field("exe");
    line.string(exe);
    line.field("op");
    line.string(event.op);
    line.field("path");
    line.string(event.path);
    line.field("offset");
    line.number(event.offset);
    line.field("length");
    line.number(event.length);
    line.field("region");
    line.string(region_class(event.target));
    if (event.range_class) {
        line.field("class");
        line.string(event.range_class);
    }
    line.field("result");
    line.string(event.result);
    if (event.detail) {
        line.field("detail");
        line.string(event.detail);
    }
    line.raw("}\n");
    int fd = open(settings.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        // One write per line: O_APPEND keeps lines from concurrent processes whole. A lost line
        // must not change what the program sees.
        [[maybe_unused]] ssize_t written = write(fd, line.text, line.len);
        close(fd);
    }
    errno = saved_errno;
}

} // namespace devmem::shim
