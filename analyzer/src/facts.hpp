#pragma once

// What the engine established about a program, in the terms the rules speak: each rule in
// analyzer/rules/ turns some of these facts into findings.

#include "devmem/scan/device_path.hpp"
#include "devmem/scan/finding.hpp"
#include "devmem/scan/physical_range.hpp"

#include <optional>
#include <string>
#include <vector>

namespace devmem::scan::detail {

// Where a fact was observed: the callee's name at a call, or the operator of a comparison.
struct Site {
    SourceLocation location;
    std::string function;
    std::string callee;
    Confidence confidence = Confidence::high;
};

struct DeviceOpenFact {
    Site site;
    Device device;
    std::vector<TraceNote> trace;
    // The path depends on a parameter of site.function: its callers say which device it opens.
    bool from_callers = false;
};

struct PhysicalAccessFact {
    enum class Kind { map, read };
    Kind kind;
    Site site;
    Device device;
    std::optional<PhysicalRange> range;
    // Set at a wrapper's own call: what the range depends on ("parameter 'base' of 'mem_chunk'").
    std::string dependence;
    std::vector<TraceNote> trace;
    // The descriptor or the range depends on a parameter of site.function.
    bool from_callers = false;
};

struct PortInstructionFact {
    Site site;
};

struct AnchorComparisonFact {
    Site site;
    std::string anchor;
};

struct FirmwareTableOpenFact {
    Site site;
    std::string path;
};

struct InactiveBranchFact {
    Site site;
    std::string category;
    std::string what; // the device, or the port instruction
};

struct ProgramFacts {
    std::vector<DeviceOpenFact> device_opens;
    std::vector<PhysicalAccessFact> physical_accesses;
    std::vector<PortInstructionFact> port_instructions;
    std::vector<AnchorComparisonFact> anchor_comparisons;
    std::vector<FirmwareTableOpenFact> firmware_table_opens;
    std::vector<InactiveBranchFact> inactive_branches;
};

} // namespace devmem::scan::detail
