#include "content_hash.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>

namespace devmem::scan::detail {

namespace {

// A word at a time through two independently seeded multiply-xorshift lanes: fast enough to
// hash every header of a warm run and every cached AST before it is trusted.
struct Lanes {
    std::array<std::uint64_t, 2> state{0x9e3779b97f4a7c15ULL, 0xc2b2ae3d27d4eb4fULL};

    void mix(std::uint64_t word) {
        constexpr std::array<std::uint64_t, 2> multipliers{0xff51afd7ed558ccdULL,
                                                           0xc4ceb9fe1a85ec53ULL};
        for (std::size_t lane = 0; lane < state.size(); ++lane) {
            auto value = (state[lane] ^ word) * multipliers[lane];
            state[lane] = value ^ (value >> 29);
        }
    }
};

std::uint64_t finalise(std::uint64_t value) {
    value ^= value >> 33;
    value *= 0xff51afd7ed558ccdULL;
    value ^= value >> 33;
    value *= 0xc4ceb9fe1a85ec53ULL;
    return value ^ (value >> 33);
}

} // namespace

std::string content_hash(std::string_view bytes) {
    Lanes lanes;
    std::size_t offset = 0;
    for (; offset + sizeof(std::uint64_t) <= bytes.size(); offset += sizeof(std::uint64_t)) {
        std::uint64_t word = 0;
        std::memcpy(&word, bytes.data() + offset, sizeof(word));
        lanes.mix(word);
    }
    if (offset < bytes.size()) {
        std::uint64_t tail = 0;
        std::memcpy(&tail, bytes.data() + offset, bytes.size() - offset);
        lanes.mix(tail);
    }
    // The length separates inputs that differ only by trailing zero bytes.
    lanes.mix(bytes.size());
    return fmt::format("{:016x}{:016x}", finalise(lanes.state[0]),
                       finalise(lanes.state[1] ^ lanes.state[0]));
}

std::optional<std::string> read_file_bytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    const auto size = in.tellg();
    if (!in || size < 0) {
        return std::nullopt;
    }
    std::string bytes(static_cast<std::size_t>(size), '\0');
    in.seekg(0);
    if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
        return std::nullopt;
    }
    return bytes;
}

std::optional<std::string> file_hash(const std::filesystem::path& file) {
    const auto bytes = read_file_bytes(file);
    if (!bytes) {
        return std::nullopt;
    }
    return content_hash(*bytes);
}

} // namespace devmem::scan::detail
