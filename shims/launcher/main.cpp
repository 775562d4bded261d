#include "launcher.hpp"

#include <iostream>

int main(int argc, char** argv) {
    using namespace devmem::launcher;
    ParseResult parsed = parse_arguments({argv + 1, argv + argc});
    if (!parsed.error.empty()) {
        std::cerr << "devmem-shim: " << parsed.error << "\n";
        print_usage(std::cerr);
        return exit_usage;
    }
    return run(parsed.options, std::cout, std::cerr);
}
