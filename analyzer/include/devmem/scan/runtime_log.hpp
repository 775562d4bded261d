#pragma once

// The shim's audit logs (JSON Lines, docs/shim.md) merged into a report: which findings were
// seen executing, at which ranges, and which runtime accesses no finding explains. The matching
// rules are in docs/reports.md.

#include "devmem/scan/report.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace devmem::scan {

// One record of a log, with the place it was read from.
struct RuntimeEvent {
    std::string log;
    unsigned line = 0;
    std::int64_t pid = 0;
    std::string exe;
    std::string op;
    std::string path;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    std::string region;
    std::string range_class; // a read or map of physical memory: the range's class, as a finding's
    std::string result;
    std::string detail;
};

// A log that cannot be used; what() reads "file:line: what is wrong".
class RuntimeLogError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Every record of a log, in file order; blank lines are skipped. Throws RuntimeLogError.
std::vector<RuntimeEvent> load_runtime_log(const std::filesystem::path& file);

// How well a runtime event fits a finding: `matched` when the program, the kind of access and
// the range all agree; `possible` when only the finding's range is unknown.
enum class RuntimeMatch { matched, possible };

struct FindingActivity {
    std::size_t event; // index into RuntimeMerge::events
    RuntimeMatch match;
};

struct RuntimeMerge {
    std::vector<std::filesystem::path> logs;
    std::vector<RuntimeEvent> events;
    // Per finding, in the order of Report::findings: the events it explains.
    std::vector<std::vector<FindingActivity>> activity;
    // Accesses to a memory or port device that no finding explains, even possibly.
    std::vector<std::size_t> unexplained;
    // Reads of sysfs firmware tables: the interface migrated code uses, so nothing to explain.
    std::size_t firmware_table_reads = 0;

    bool empty() const { return logs.empty(); }
};

// The records of every log, log after log. Throws RuntimeLogError.
std::vector<RuntimeEvent> load_runtime_logs(const std::vector<std::filesystem::path>& logs);

// Matches the records read from `logs` to the report's findings.
RuntimeMerge merge_runtime_events(const Report& report, std::vector<std::filesystem::path> logs,
                                  std::vector<RuntimeEvent> events);

// "0xf0000-0xfffff", or "nothing" for a record that exposed no range (a denial).
std::string extent_text(const RuntimeEvent& event);

} // namespace devmem::scan
