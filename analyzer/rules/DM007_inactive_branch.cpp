#include "check.hpp"

#include <fmt/format.h>

namespace devmem::scan::detail {

namespace {

// A device open the preprocessor skipped on this target; found lexically.
class InactiveBranchCheck : public Check {
public:
    const RuleInfo& rule() const override { return *find_rule("DM007"); }

    void run(const ProgramFacts& facts, std::vector<Finding>& findings) const override {
        for (const auto& branch : facts.inactive_branches) {
            auto finding = finding_at(
                branch.site, fmt::format("'{}' of {} in a preprocessor branch not compiled "
                                         "for this target",
                                         branch.site.callee, branch.what));
            finding.category = branch.category;
            finding.confidence = Confidence::low;
            findings.push_back(std::move(finding));
        }
    }
};

} // namespace

std::unique_ptr<Check> make_inactive_branch_check() {
    return std::make_unique<InactiveBranchCheck>();
}

} // namespace devmem::scan::detail
