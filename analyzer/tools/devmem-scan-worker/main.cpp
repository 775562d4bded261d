#include "allocator_tuning.hpp"
#include "parse_worker.hpp"

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer's per-thread alternate signal stack cannot be unmapped again in the worker
// (a CHECK failure kills it at the first parse), so sanitized workers go without it.
extern "C" const char* __asan_default_options() {
    return "use_sigaltstack=0";
}
#endif

int main(int argc, char** argv) {
    devmem::scan::detail::tune_allocator_for_parsing();
    return devmem::scan::detail::run_parse_worker(argc, argv);
}
