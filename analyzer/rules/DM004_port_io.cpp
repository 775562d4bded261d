#include "check.hpp"

#include <fmt/format.h>

namespace devmem::scan::detail {

namespace {

// Port I/O: iopl/ioperm and the in/out instructions, and opening /dev/port.
class PortIoCheck : public Check {
public:
    const RuleInfo& rule() const override { return *find_rule("DM004"); }

    void run(const ProgramFacts& facts, std::vector<Finding>& findings) const override {
        for (const auto& instruction : facts.port_instructions) {
            auto finding =
                finding_at(instruction.site,
                           fmt::format("'{}' needs raw I/O port access", instruction.site.callee));
            finding.replacement = "a kernel driver or its sysfs/ioctl interface";
            findings.push_back(std::move(finding));
        }
        for (const auto& open : facts.device_opens) {
            if (open.device != Device::port) {
                continue;
            }
            auto finding =
                finding_at(open.site, fmt::format("'{}' opens /dev/port", open.site.callee));
            finding.replacement = "a kernel driver or its sysfs/ioctl interface";
            finding.trace = open.trace;
            findings.push_back(std::move(finding));
        }
    }
};

} // namespace

std::unique_ptr<Check> make_port_io_check() {
    return std::make_unique<PortIoCheck>();
}

} // namespace devmem::scan::detail
