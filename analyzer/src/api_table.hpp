#pragma once

// The C library and C++ standard library calls the engine understands, and which argument plays
// which role in each. Adding an API is adding a row.

#include <string_view>
#include <vector>

namespace devmem::scan::detail {

enum class ApiKind {
    open,             // returns a descriptor for the path argument
    map,              // mmap-like: descriptor, offset, length
    read,             // read-like: descriptor, length, optional offset
    seek,             // positions the descriptor for the next read
    port_instruction, // x86 port I/O or the privilege to do it
    compare,          // compares memory or strings: any argument may be an anchor
    same_as_argument, // returns (a copy of) one argument: dup, fileno, strdup
};

inline constexpr int none = -1;

struct ApiEntry {
    std::string_view name;
    ApiKind kind;
    int path = none;
    int descriptor = none;
    int offset = none;
    int length = none;
    int count = none; // fread's element count, multiplied with `length`
    int whence = none;
};

const ApiEntry* find_api(std::string_view name);
// The names of every API of one kind, for a text search that must know them all.
std::vector<std::string_view> api_names(ApiKind kind);

// C++ stream members: `std::ifstream f(path)`, `f.open(path)`, `f.seekg(off)`, `f.read(buf, n)`.
// The descriptor is the stream object itself.
const ApiEntry* find_stream_api(std::string_view class_name, std::string_view member);

// syscall(SYS_open, path, ...) and friends: the path's argument index, or `none`.
int syscall_path_argument(unsigned long long number);

} // namespace devmem::scan::detail
