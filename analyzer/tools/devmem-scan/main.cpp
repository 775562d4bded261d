#include "devmem/scan/cli.hpp"

#include "allocator_tuning.hpp"

#include <iostream>

int main(int argc, char** argv) {
    devmem::scan::detail::tune_allocator_for_parsing();
    return devmem::scan::run_devmem_scan(argc, argv, std::cout, std::cerr);
}
