// An in-memory dmidecode --dump-bin image: entry point parsing, the table walk and, when the
// source loads, the layout and the image written into a memfd.
#include "image_support.hpp"

#include <devmem/image.h>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // The building blocks on their own as well, so a bug below a failing check elsewhere in
    // devmem_source_from_dump is still reached.
    devmem_entry_point entry_point{};
    devmem_parse_entry_point(data, size, &entry_point);
    devmem_table_walk walk{};
    devmem_walk_table(data, size, 0, &walk);

    devmem_source source{};
    if (devmem_source_from_dump(data, size, &source) == DEVMEM_OK)
        devmem::fuzz::build_image(source);
    devmem_source_release(&source);
    return 0;
}
