#include "devmem/scan/rewrite_rules.hpp"

#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

using namespace devmem::scan;

namespace {

const std::string valid_rule = R"(id: open-to-compat
applies-to:
  rule: DM001
  category: device-open
  callee: [open, fopen]
  arguments:
    - {index: 0, name: path, string: [/dev/mem]}
    - {index: 1, name: flags, range: [0, 0x7f]}
message: open it through the compat library
advice: devmem_compat_open(path, flags)
fix:
  template: 'devmem_compat_{callee}({path}, {flags}) /* {{was: {arguments}}} */'
  includes: ['<devmem/compat.h>', '"local.h"']
  preconditions: {argument-count: 2}
  edit-macro-definitions: true
link: devmem-compat
confidence: low
doc: docs/rules/DM001-devmem-open.md
examples:
  - name: positive
    source: int main(void) { return 0; }
    fixed: int main(void) { return 1; }
  - name: negative
    language: c++
    source: int main() { return 0; }
)";

} // namespace

TEST_CASE("a complete rule file loads") {
    TemporaryDirectory directory;
    const auto rule = load_rewrite_rule(directory.write("rule.yaml", valid_rule));
    CHECK(rule.id == "open-to-compat");
    CHECK(rule.rules == std::vector<std::string>{"DM001"});
    CHECK(rule.callees == std::vector<std::string>{"open", "fopen"});
    REQUIRE(rule.arguments.size() == 2);
    CHECK(rule.arguments[0].name == "path");
    CHECK(rule.arguments[0].strings == std::vector<std::string>{"/dev/mem"});
    CHECK(rule.arguments[1].index == 1);
    CHECK(rule.arguments[1].number_range == std::pair<std::uint64_t, std::uint64_t>{0, 0x7f});
    CHECK(rule.advice == "devmem_compat_open(path, flags)");
    REQUIRE(rule.fix);
    CHECK(rule.fix->includes == std::vector<std::string>{"<devmem/compat.h>", "\"local.h\""});
    CHECK(rule.fix->argument_count == 2U);
    CHECK(rule.fix->edit_macro_definitions);
    CHECK(rule.confidence == Confidence::low);
    REQUIRE(rule.examples.size() == 2);
    CHECK(rule.examples[0].line == 20);
    CHECK(rule.examples[0].language == "c");
    CHECK(rule.examples[0].fixed == "int main(void) { return 1; }");
    CHECK(rule.examples[1].language == "c++");
    CHECK_FALSE(rule.examples[1].fixed);
    CHECK(rule.applies_to("DM001", "fopen"));
    CHECK_FALSE(rule.applies_to("DM001", "openat"));
    CHECK_FALSE(rule.applies_to("DM002", "open"));
    CHECK(rule.specificity() == 3);
}

TEST_CASE("a fix template's placeholders expand to their bindings and braces escape") {
    const std::string text = "devmem_compat_{callee}({path}) /* {{{arguments}}} */";
    CHECK(placeholders_in(text) ==
          std::vector<std::optional<std::string>>{"callee", "path", "arguments"});
    CHECK(expand_template(text, {{"callee", "open"}, {"path", "P"}, {"arguments", "P, 0"}}) ==
          "devmem_compat_open(P) /* {P, 0} */");
    CHECK(placeholders_in("a {b") == std::vector<std::optional<std::string>>{std::nullopt});
}

TEST_CASE("a rule may cover several analyzer rules") {
    TemporaryDirectory directory;
    const auto rule = load_rewrite_rule(directory.write(
        "rule.yaml", "id: both\napplies-to: {rule: [DM002, DM003], range-class: option-rom}\n"
                     "message: m\nadvice: a\n"));
    CHECK(rule.applies_to("DM002", "mmap", RangeClass::option_rom));
    CHECK(rule.applies_to("DM003", "pread", RangeClass::option_rom));
    CHECK_FALSE(rule.applies_to("DM003", "pread", RangeClass::bios_area));
    CHECK_FALSE(rule.fix);
}

TEST_CASE("the project's own rule files are valid") {
    CHECK_FALSE(load_rewrite_rules(DEVMEM_SOURCE_RULES_DIR).empty());
}

TEST_CASE("two rule files with one id are an error") {
    TemporaryDirectory directory;
    directory.write("a.yaml", valid_rule);
    directory.write("b.yaml", valid_rule);
    CHECK_THROWS_WITH(load_rewrite_rules(directory.path()),
                      Catch::Contains("duplicate rule id 'open-to-compat'"));
}

TEST_CASE("a missing rule directory is an error") {
    CHECK_THROWS_AS(load_rewrite_rules("/nonexistent/rules"), RuleFileError);
}
