#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace devmem::scan {

// The character devices whose use this tool is about.
enum class Device { mem, kmem, port };

std::string_view to_string(Device device);

// Collapses repeated slashes and `.` components and resolves `..` lexically, so that every
// spelling of a path compares equal to its canonical form ("//dev/./mem" -> "/dev/mem").
std::string normalize_path(std::string_view path);

// The device a path names after normalisation; nothing for any other file, including look-alikes
// such as "/dev/memory_bandwidth".
std::optional<Device> device_of_path(std::string_view path);

} // namespace devmem::scan
