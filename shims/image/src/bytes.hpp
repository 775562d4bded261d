// Little-endian field access and checksums over raw firmware bytes.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace devmem::bytes {

inline uint16_t le16(const uint8_t* p) {
    return uint16_t(p[0] | p[1] << 8);
}

inline uint32_t le32(const uint8_t* p) {
    return uint32_t(le16(p)) | uint32_t(le16(p + 2)) << 16;
}

inline uint64_t le64(const uint8_t* p) {
    return uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32;
}

inline void put_le32(uint8_t* p, uint32_t value) {
    for (int i = 0; i < 4; ++i)
        p[i] = uint8_t(value >> (8 * i));
}

inline void put_le64(uint8_t* p, uint64_t value) {
    put_le32(p, uint32_t(value));
    put_le32(p + 4, uint32_t(value >> 32));
}

inline uint8_t sum(const uint8_t* p, size_t n) {
    uint8_t total = 0;
    for (size_t i = 0; i < n; ++i)
        total = uint8_t(total + p[i]);
    return total;
}

// Sets p[checksum_at] so that the n bytes at p add up to zero.
inline void fix_checksum(uint8_t* p, size_t n, size_t checksum_at) {
    p[checksum_at] = 0;
    p[checksum_at] = uint8_t(-sum(p, n));
}

inline bool same(const uint8_t* p, const char* literal, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (p[i] != uint8_t(literal[i]))
            return false;
    return true;
}

} // namespace devmem::bytes
