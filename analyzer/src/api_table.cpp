#include "api_table.hpp"

#include <array>

namespace devmem::scan::detail {

namespace {

constexpr ApiEntry open_at(std::string_view name, int path) {
    return {name, ApiKind::open, path};
}

constexpr ApiEntry port(std::string_view name) {
    return {name, ApiKind::port_instruction};
}

constexpr ApiEntry alias(std::string_view name) {
    return {name, ApiKind::same_as_argument, 0};
}

constexpr std::array apis{
    open_at("open", 0),
    open_at("open64", 0),
    open_at("__open_2", 0),
    open_at("openat", 1),
    open_at("openat64", 1),
    open_at("creat", 0),
    open_at("fopen", 0),
    open_at("fopen64", 0),
    open_at("freopen", 0),
    ApiEntry{"mmap", ApiKind::map, none, 4, 5, 1},
    ApiEntry{"mmap64", ApiKind::map, none, 4, 5, 1},
    ApiEntry{"read", ApiKind::read, none, 0, none, 2},
    ApiEntry{"readv", ApiKind::read, none, 0},
    ApiEntry{"pread", ApiKind::read, none, 0, 3, 2},
    ApiEntry{"pread64", ApiKind::read, none, 0, 3, 2},
    ApiEntry{"preadv", ApiKind::read, none, 0, 3},
    ApiEntry{"fread", ApiKind::read, none, 3, none, 1, 2},
    ApiEntry{"lseek", ApiKind::seek, none, 0, 1, none, none, 2},
    ApiEntry{"lseek64", ApiKind::seek, none, 0, 1, none, none, 2},
    ApiEntry{"fseek", ApiKind::seek, none, 0, 1, none, none, 2},
    ApiEntry{"fseeko", ApiKind::seek, none, 0, 1, none, none, 2},
    ApiEntry{"fseeko64", ApiKind::seek, none, 0, 1, none, none, 2},
    port("iopl"),
    port("ioperm"),
    port("inb"),
    port("inw"),
    port("inl"),
    port("outb"),
    port("outw"),
    port("outl"),
    port("inb_p"),
    port("inw_p"),
    port("inl_p"),
    port("outb_p"),
    port("outw_p"),
    port("outl_p"),
    port("insb"),
    port("insw"),
    port("insl"),
    port("outsb"),
    port("outsw"),
    port("outsl"),
    ApiEntry{"memcmp", ApiKind::compare},
    ApiEntry{"bcmp", ApiKind::compare},
    ApiEntry{"strncmp", ApiKind::compare},
    ApiEntry{"strcmp", ApiKind::compare},
    ApiEntry{"strstr", ApiKind::compare},
    ApiEntry{"memmem", ApiKind::compare},
    // std::string == "SMBIOS": libstdc++ declares these as free functions.
    ApiEntry{"operator==", ApiKind::compare},
    ApiEntry{"operator!=", ApiKind::compare},
    alias("dup"),
    alias("dup2"),
    alias("dup3"),
    alias("fileno"),
    alias("fdopen"),
    alias("strdup"),
    alias("strndup"),
    alias("realpath"),
};

struct StreamApi {
    std::string_view class_name;
    ApiEntry entry;
};

constexpr std::array stream_apis{
    StreamApi{"basic_ifstream", open_at("basic_ifstream", 0)},
    StreamApi{"basic_fstream", open_at("basic_fstream", 0)},
    StreamApi{"basic_ofstream", open_at("basic_ofstream", 0)},
    StreamApi{"basic_ifstream", open_at("open", 0)},
    StreamApi{"basic_ofstream", open_at("open", 0)},
    StreamApi{"basic_fstream", open_at("open", 0)},
    StreamApi{"basic_filebuf", open_at("open", 0)},
    StreamApi{"basic_istream", ApiEntry{"read", ApiKind::read, none, none, none, 1}},
    StreamApi{"basic_istream", ApiEntry{"readsome", ApiKind::read, none, none, none, 1}},
    StreamApi{"basic_streambuf", ApiEntry{"sgetn", ApiKind::read, none, none, none, 1}},
    StreamApi{"basic_istream", ApiEntry{"seekg", ApiKind::seek, none, none, 0}},
    StreamApi{"basic_streambuf", ApiEntry{"pubseekpos", ApiKind::seek, none, none, 0}},
};

} // namespace

const ApiEntry* find_api(std::string_view name) {
    for (const auto& api : apis) {
        if (api.name == name) {
            return &api;
        }
    }
    return nullptr;
}

std::vector<std::string_view> api_names(ApiKind kind) {
    std::vector<std::string_view> names;
    for (const auto& api : apis) {
        if (api.kind == kind) {
            names.push_back(api.name);
        }
    }
    return names;
}

const ApiEntry* find_stream_api(std::string_view class_name, std::string_view member) {
    for (const auto& api : stream_apis) {
        if (api.class_name == class_name && api.entry.name == member) {
            return &api.entry;
        }
    }
    return nullptr;
}

int syscall_path_argument(unsigned long long number) {
    constexpr unsigned long long sys_open = 2;
    constexpr unsigned long long sys_openat = 257;
    if (number == sys_open) {
        return 1;
    }
    return number == sys_openat ? 2 : none;
}

} // namespace devmem::scan::detail
