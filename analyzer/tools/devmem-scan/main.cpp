#include "devmem/scan/cli.hpp"

#include <iostream>

int main(int argc, char** argv) {
    return devmem::scan::run_devmem_scan(argc, argv, std::cout, std::cerr);
}
