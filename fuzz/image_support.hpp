// The image-library steps after loading, shared by the harnesses whose inputs can load: plan
// the layout and write the image into a sealed memfd, as the preload library does.
#pragma once

#include <devmem/image.h>

#include <cctype>
#include <string>
#include <string_view>

#include <unistd.h>

namespace devmem::fuzz {

inline void build_image(const devmem_source& source) {
    devmem_layout layout{};
    if (devmem_plan_layout(&source, &layout) != DEVMEM_OK)
        return;
    devmem_status status = DEVMEM_OK;
    int fd = devmem_create_image_memfd(&source, &layout, &status);
    if (fd >= 0)
        close(fd);
}

// sysfs names an ACPI table file by its signature, numbering repeats (SSDT1, SSDT2); the loader
// rejects a file whose header does not match its name. Numbering every file keeps names unique
// whatever signatures the input has; a signature that is no file name gets a placeholder.
inline std::string acpi_file_name(std::string_view table, unsigned index) {
    std::string signature(table.substr(0, 4));
    bool usable = signature.size() == 4;
    for (char c : signature)
        usable = usable && std::isalnum(static_cast<unsigned char>(c));
    return (usable ? signature : std::string("XXXX")) + std::to_string(index + 1);
}

} // namespace devmem::fuzz
