#include "devmem/scan/rewrite_rules.hpp"

#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

using namespace devmem::scan;

namespace {

const std::string valid_rule = R"(id: open-to-sysfs
applies-to:
  rule: DM001
  category: device-open
  callee: [open, fopen]
message: read sysfs instead
replacement: open("/sys/firmware/dmi/tables/DMI", O_RDONLY)
includes: <fcntl.h>
link: devmem-compat
confidence: low
doc: docs/rules/DM001-devmem-open.md
examples:
  - before: open("/dev/mem", O_RDONLY)
    after: open("/sys/firmware/dmi/tables/DMI", O_RDONLY)
)";

// The error for a rule file with these contents.
std::string error_for(const std::string& contents) {
    TemporaryDirectory directory;
    const auto file = directory.write("rule.yaml", contents);
    try {
        load_rewrite_rule(file);
    } catch (const RuleFileError& error) {
        const std::string message = error.what();
        REQUIRE(message.starts_with(file.string() + ":"));
        return message.substr(file.string().size());
    }
    FAIL("the rule file was accepted");
    return {};
}

} // namespace

TEST_CASE("a complete rule file loads") {
    TemporaryDirectory directory;
    const auto rule = load_rewrite_rule(directory.write("rule.yaml", valid_rule));
    CHECK(rule.id == "open-to-sysfs");
    CHECK(rule.rule == "DM001");
    CHECK(rule.callees == std::vector<std::string>{"open", "fopen"});
    CHECK(rule.includes == std::vector<std::string>{"<fcntl.h>"});
    CHECK(rule.confidence == Confidence::low);
    REQUIRE(rule.examples.size() == 1);
    CHECK(rule.examples[0].after == "open(\"/sys/firmware/dmi/tables/DMI\", O_RDONLY)");
    CHECK(rule.applies_to("DM001", "fopen"));
    CHECK_FALSE(rule.applies_to("DM001", "openat"));
    CHECK_FALSE(rule.applies_to("DM002", "open"));
}

TEST_CASE("the project's own rule files are valid") {
    CHECK_FALSE(load_rewrite_rules(DEVMEM_SOURCE_RULES_DIR).empty());
}

TEST_CASE("malformed rule files name the line, the column and the problem") {
    SECTION("YAML syntax") {
        CHECK_THAT(error_for("id: x\napplies-to: [DM001\n"), Catch::StartsWith(":3:1: "));
    }
    SECTION("missing key") {
        CHECK(error_for("id: x\nmessage: m\nreplacement: r\n") ==
              ":1:1: missing required key 'applies-to'");
    }
    SECTION("unknown key") {
        CHECK(error_for(valid_rule + "colour: red\n") == ":15:1: unknown key 'colour'");
    }
    SECTION("wrong type") {
        CHECK(error_for("id: [a, b]\n") == ":1:5: 'id' must be a string");
    }
    SECTION("bad id") {
        CHECK(error_for("id: Open To Sysfs\n") ==
              ":1:5: 'id' must be lower-case letters, digits and dashes");
    }
    SECTION("unknown rule") {
        CHECK_THAT(error_for("id: x\napplies-to:\n  rule: DM042\n"),
                   Catch::Equals(":3:9: unknown rule 'DM042' (expected DM001..DM007)"));
    }
    SECTION("category that contradicts the rule") {
        CHECK_THAT(error_for("id: x\napplies-to:\n  rule: DM001\n  category: port-io\n"),
                   Catch::StartsWith(":4:13: category 'port-io' does not match DM001"));
    }
    SECTION("bad confidence") {
        std::string text = valid_rule;
        text.replace(text.find("confidence: low"), 15, "confidence: sure");
        CHECK(error_for(text) == ":10:13: confidence must be 'high' or 'low', not 'sure'");
    }
    SECTION("malformed example") {
        CHECK_THAT(error_for("id: x\napplies-to: {rule: DM001}\nmessage: m\nreplacement: r\n"
                             "examples:\n  - before: a\n"),
                   Catch::Contains("missing required key 'after'"));
    }
    SECTION("not a mapping") {
        CHECK(error_for("- a\n- b\n") == ":1:1: a rule file must be a mapping of keys to values");
    }
}

TEST_CASE("two rule files with one id are an error") {
    TemporaryDirectory directory;
    directory.write("a.yaml", valid_rule);
    directory.write("b.yaml", valid_rule);
    CHECK_THROWS_WITH(load_rewrite_rules(directory.path()),
                      Catch::Contains("duplicate rule id 'open-to-sysfs'"));
}

TEST_CASE("a missing rule directory is an error") {
    CHECK_THROWS_AS(load_rewrite_rules("/nonexistent/rules"), RuleFileError);
}
