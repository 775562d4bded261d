#include "devmem/scan/runtime_log.hpp"

#include "devmem/scan/device_path.hpp"
#include "devmem/scan/physical_range.hpp"
#include "report_model.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace devmem::scan {

namespace fs = std::filesystem;

namespace {

constexpr std::array known_regions{"physical-memory", "io-ports", "kernel-memory",
                                   "firmware-tables"};

[[noreturn]] void malformed(const fs::path& file, unsigned line, std::string_view problem) {
    throw RuntimeLogError(fmt::format("{}:{}: {}", file.string(), line, problem));
}

std::string string_field(const nlohmann::json& record, const char* name, const fs::path& file,
                         unsigned line) {
    const auto it = record.find(name);
    if (it == record.end() || !it->is_string()) {
        malformed(file, line, fmt::format("field '{}' is missing or not a string", name));
    }
    return it->get<std::string>();
}

std::uint64_t number_field(const nlohmann::json& record, const char* name, const fs::path& file,
                           unsigned line) {
    const auto it = record.find(name);
    if (it == record.end() || !it->is_number_unsigned()) {
        malformed(file, line,
                  fmt::format("field '{}' is missing or not a non-negative integer", name));
    }
    return it->get<std::uint64_t>();
}

RuntimeEvent parse_record(std::string_view text, const fs::path& file, unsigned line) {
    auto record = nlohmann::json::parse(text, nullptr, false);
    if (record.is_discarded() || !record.is_object()) {
        malformed(file, line, "not a JSON object");
    }
    RuntimeEvent event;
    event.log = file.string();
    event.line = line;
    const auto pid = number_field(record, "pid", file, line);
    if (pid > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        malformed(file, line, "field 'pid' is out of range");
    }
    event.pid = static_cast<std::int64_t>(pid);
    event.exe = string_field(record, "exe", file, line);
    event.op = string_field(record, "op", file, line);
    event.path = string_field(record, "path", file, line);
    event.offset = number_field(record, "offset", file, line);
    event.length = number_field(record, "length", file, line);
    event.region = string_field(record, "region", file, line);
    if (std::ranges::find(known_regions, event.region) == known_regions.end()) {
        malformed(file, line, fmt::format("unknown region '{}'", event.region));
    }
    if (record.contains("class")) {
        event.range_class = string_field(record, "class", file, line);
        if (!range_class_named(event.range_class)) {
            malformed(file, line, fmt::format("unknown class '{}'", event.range_class));
        }
    }
    event.result = string_field(record, "result", file, line);
    if (record.contains("detail")) {
        event.detail = string_field(record, "detail", file, line);
    }
    return event;
}

enum class Access { open, map, read, other };

Access access_of(std::string_view op) {
    constexpr std::array opens{"open",    "open64",  "openat",    "openat64", "fopen",
                               "fopen64", "freopen", "freopen64", "creat",    "creat64"};
    constexpr std::array maps{"mmap", "mmap64"};
    constexpr std::array reads{"read",   "pread",    "pread64", "readv",
                               "preadv", "preadv64", "preadv2", "fread"};
    if (std::ranges::find(opens, op) != opens.end()) {
        return Access::open;
    }
    if (std::ranges::find(maps, op) != maps.end()) {
        return Access::map;
    }
    if (std::ranges::find(reads, op) != reads.end()) {
        return Access::read;
    }
    return Access::other;
}

// The rule whose findings explain the event; nothing for an access no rule describes.
std::optional<std::string_view> rule_for(const RuntimeEvent& event) {
    if (event.region == "firmware-tables") {
        return event.path.ends_with("efi/systab") ? std::optional("DM006") : std::nullopt;
    }
    if (event.region == "io-ports") {
        return "DM004";
    }
    switch (access_of(event.op)) {
    case Access::open:
        return "DM001";
    case Access::map:
        return "DM002";
    case Access::read:
        return "DM003";
    case Access::other:
        break;
    }
    return std::nullopt;
}

std::string_view device_of_region(std::string_view region) {
    if (region == "kernel-memory") {
        return to_string(Device::kmem);
    }
    return region == "io-ports" ? to_string(Device::port) : to_string(Device::mem);
}

std::string file_name(std::string_view path) {
    return fs::path(path).filename().string();
}

// The executable names a program may run as: its directory's name, and the stems of its files
// with findings (dmidecode.c -> dmidecode).
std::map<std::string, std::set<std::string>> names_of_programs(const Report& report) {
    std::map<std::string, std::set<std::string>> names;
    const auto root_name = report.root.filename().string();
    for (const auto& finding : report.findings) {
        const auto program = detail::program_of(finding.location.file, report.root);
        auto& program_names = names[program];
        program_names.insert(program == "." ? root_name : file_name(program));
        program_names.insert(fs::path(finding.location.file).stem().string());
    }
    return names;
}

struct Extent {
    std::uint64_t start;
    std::uint64_t end;
};

std::optional<Extent> extent_of(const RuntimeEvent& event) {
    if (event.length == 0) {
        return std::nullopt;
    }
    const auto room = std::numeric_limits<std::uint64_t>::max() - event.offset;
    return Extent{event.offset, event.offset + std::min(event.length - 1, room)};
}

// Page alignment makes a runtime map larger than the range the source asked for, and a read
// often covers part of a mapped window: either may contain the other.
bool ranges_nest(Extent runtime, PhysicalRange range) {
    return (runtime.start <= range.start && range.end <= runtime.end) ||
           (range.start <= runtime.start && runtime.end <= range.end);
}

std::optional<RuntimeMatch> match_of(const RuntimeEvent& event, std::string_view rule,
                                     const Finding& finding) {
    if (finding.rule != rule) {
        return std::nullopt;
    }
    if (rule == "DM001" || rule == "DM004") {
        if (access_of(event.op) == Access::open) {
            const auto device = device_of_path(event.path);
            const auto named = device ? to_string(*device) : device_of_region(event.region);
            return finding.message.find(named) != std::string::npos
                       ? std::optional(RuntimeMatch::matched)
                       : std::nullopt;
        }
        return RuntimeMatch::possible;
    }
    if (rule == "DM006") {
        return RuntimeMatch::matched;
    }
    const auto extent = extent_of(event);
    if (!finding.range || !extent) {
        return RuntimeMatch::possible;
    }
    return ranges_nest(*extent, *finding.range) ? std::optional(RuntimeMatch::matched)
                                                : std::nullopt;
}

} // namespace

std::vector<RuntimeEvent> load_runtime_log(const fs::path& file) {
    std::ifstream in(file);
    if (!in) {
        throw RuntimeLogError(fmt::format("{}: cannot read the runtime log", file.string()));
    }
    std::vector<RuntimeEvent> events;
    unsigned line = 0;
    for (std::string text; std::getline(in, text);) {
        ++line;
        if (text.find_first_not_of(" \t\r") == std::string::npos) {
            continue;
        }
        events.push_back(parse_record(text, file, line));
    }
    if (in.bad()) {
        throw RuntimeLogError(fmt::format("{}:{}: read error", file.string(), line));
    }
    return events;
}

RuntimeMerge merge_runtime_events(const Report& report, std::vector<fs::path> logs,
                                  std::vector<RuntimeEvent> events) {
    RuntimeMerge merge;
    merge.logs = std::move(logs);
    merge.events = std::move(events);
    merge.activity.resize(report.findings.size());
    const auto program_names = names_of_programs(report);
    std::vector<std::string> program_of_finding;
    program_of_finding.reserve(report.findings.size());
    for (const auto& finding : report.findings) {
        program_of_finding.push_back(detail::program_of(finding.location.file, report.root));
    }
    for (std::size_t e = 0; e < merge.events.size(); ++e) {
        const auto& event = merge.events[e];
        const auto rule = rule_for(event);
        if (!rule && event.region == "firmware-tables") {
            ++merge.firmware_table_reads;
            continue;
        }
        const auto executable = file_name(event.exe);
        bool explained = false;
        for (std::size_t f = 0; rule && f < report.findings.size(); ++f) {
            if (!program_names.at(program_of_finding[f]).contains(executable)) {
                continue;
            }
            if (const auto match = match_of(event, *rule, report.findings[f])) {
                merge.activity[f].push_back({e, *match});
                explained = true;
            }
        }
        if (!explained) {
            merge.unexplained.push_back(e);
        }
    }
    return merge;
}

std::vector<RuntimeEvent> load_runtime_logs(const std::vector<fs::path>& logs) {
    std::vector<RuntimeEvent> events;
    for (const auto& log : logs) {
        auto loaded = load_runtime_log(log);
        events.insert(events.end(), std::make_move_iterator(loaded.begin()),
                      std::make_move_iterator(loaded.end()));
    }
    return events;
}

std::string extent_text(const RuntimeEvent& event) {
    const auto extent = extent_of(event);
    return extent ? fmt::format("{:#x}-{:#x}", extent->start, extent->end) : "nothing";
}

} // namespace devmem::scan
