#include "check.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace devmem::scan::detail {

namespace {

// Opening /dev/mem or /dev/kmem at all: lockdown refuses the open itself. One finding per open,
// naming every memory device its path may be.
class DevmemOpenCheck : public Check {
public:
    const RuleInfo& rule() const override { return *find_rule("DM001"); }

    void run(const ProgramFacts& facts, std::vector<Finding>& findings) const override {
        struct Open {
            const DeviceOpenFact* first;
            std::vector<std::string_view> devices;
        };
        std::vector<Open> opens;
        for (const auto& open : facts.device_opens) {
            if (open.device == Device::port) {
                continue;
            }
            const auto same_site = std::ranges::find_if(opens, [&](const Open& known) {
                return known.first->site.location == open.site.location;
            });
            if (same_site == opens.end()) {
                opens.push_back({&open, {to_string(open.device)}});
            } else if (std::ranges::find(same_site->devices, to_string(open.device)) ==
                       same_site->devices.end()) {
                // The same open reached twice (a .c file that a .cpp includes) is one device.
                same_site->devices.push_back(to_string(open.device));
            }
        }
        for (const auto& open : opens) {
            auto finding =
                finding_at(open.first->site, fmt::format("'{}' opens {}", open.first->site.callee,
                                                         fmt::join(open.devices, " or ")));
            finding.replacement = "/sys/firmware/dmi/tables, /sys/firmware/acpi/tables";
            finding.trace = open.first->trace;
            findings.push_back(std::move(finding));
        }
    }
};

} // namespace

std::unique_ptr<Check> make_devmem_open_check() {
    return std::make_unique<DevmemOpenCheck>();
}

} // namespace devmem::scan::detail
