#include "parse_worker.hpp"

int main(int argc, char** argv) {
    return devmem::scan::detail::run_parse_worker(argc, argv);
}
