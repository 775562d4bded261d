#pragma once

// The interface every rule in analyzer/rules/ implements, clang-tidy style: one class per rule,
// one file per class.

#include "facts.hpp"

#include <memory>
#include <vector>

namespace devmem::scan::detail {

class Check {
public:
    virtual ~Check() = default;
    virtual const RuleInfo& rule() const = 0;
    virtual void run(const ProgramFacts& facts, std::vector<Finding>& findings) const = 0;

    // A finding of this rule at the site, with the rule's category and severity filled in.
    Finding finding_at(const Site& site, std::string message) const;
};

// One factory per file in analyzer/rules/.
std::unique_ptr<Check> make_devmem_open_check();
std::unique_ptr<Check> make_physical_map_check();
std::unique_ptr<Check> make_physical_read_check();
std::unique_ptr<Check> make_port_io_check();
std::unique_ptr<Check> make_anchor_scan_check();
std::unique_ptr<Check> make_firmware_address_lookup_check();
std::unique_ptr<Check> make_inactive_branch_check();

// Every rule of the catalogue, in id order.
std::vector<std::unique_ptr<Check>> make_checks();

// Shared by the map and read rules: range, class, servability and replacement of an access.
Finding physical_access_finding(const Check& check, const PhysicalAccessFact& fact,
                                std::string_view verb);

} // namespace devmem::scan::detail
