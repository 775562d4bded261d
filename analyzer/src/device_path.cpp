#include "devmem/scan/device_path.hpp"

#include <vector>

namespace devmem::scan {

std::string_view to_string(Device device) {
    switch (device) {
    case Device::mem:
        return "/dev/mem";
    case Device::kmem:
        return "/dev/kmem";
    case Device::port:
        return "/dev/port";
    }
    return "?";
}

std::string normalize_path(std::string_view path) {
    const bool absolute = path.starts_with('/');
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        const auto slash = path.find('/');
        const auto part = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
        if (part.empty() || part == ".") {
            continue;
        }
        if (part == ".." && !parts.empty() && parts.back() != "..") {
            parts.pop_back();
            continue;
        }
        if (part == ".." && absolute) {
            continue; // "/.." is "/"
        }
        parts.push_back(part);
    }
    std::string normalized = absolute ? "/" : "";
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) {
            normalized += '/';
        }
        normalized += parts[i];
    }
    return normalized.empty() ? "." : normalized;
}

std::optional<Device> device_of_path(std::string_view path) {
    const auto normalized = normalize_path(path);
    for (const auto device : {Device::mem, Device::kmem, Device::port}) {
        if (normalized == to_string(device)) {
            return device;
        }
    }
    return std::nullopt;
}

} // namespace devmem::scan
