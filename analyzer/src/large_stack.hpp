#pragma once

#include <cstddef>
#include <functional>

namespace devmem::scan::detail {

// libclang's parser and the analyzer's AST walks recurse as deep as the code nests: a 70 000-term
// sum or a 5 000-deep unary chain overflows the 8 MiB stack libclang and the main thread have.
// Reserved address space: only the pages a deep input touches become resident.
inline constexpr std::size_t deep_stack_bytes = std::size_t{256} << 20U;

// Runs `work` on a thread with a stack of `bytes` and waits for it; an exception it throws is
// rethrown here. Where no such thread can be made (address space limits), it runs in place.
void run_with_stack(std::size_t bytes, const std::function<void()>& work);

} // namespace devmem::scan::detail
