// Each kind of broken rule file: the loader's error names file:line:column and the problem, and
// devmem-scan exits 2 with it; a rule whose example fails makes --test-rules exit 1.

#include "devmem/scan/cli.hpp"
#include "devmem/scan/rewrite_rules.hpp"

#include "scan_run.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

using namespace devmem::scan;

namespace {

const std::string valid_rule = R"(id: open-to-compat
applies-to:
  rule: DM001
  callee: [open]
  arguments:
    - {index: 0, name: path, string: /dev/mem}
    - {index: 1, name: flags}
message: m
advice: a
fix:
  template: 'devmem_compat_open({path}, {flags})'
confidence: high
examples:
  - name: positive
    source: |
      #include <fcntl.h>
      int main(void) { return open("/dev/mem", O_RDONLY); }
    fixed: |
      #include <fcntl.h>
      int main(void) { return devmem_compat_open("/dev/mem", O_RDONLY); }
)";

std::string replaced(std::string text, const std::string& old, const std::string& by) {
    const auto at = text.find(old);
    REQUIRE(at != std::string::npos);
    return text.replace(at, old.size(), by);
}

// devmem-scan --test-rules on a directory holding this one rule file; the error line must start
// with the file's path.
std::string error_for(const std::string& contents) {
    TemporaryDirectory directory;
    const auto file = directory.write("rules/rule.yaml", contents);
    const auto run = scan({"--rules", file.parent_path().string(), "--test-rules"});
    CHECK(run.status == exit_usage);
    REQUIRE(run.err.starts_with(file.string() + ":"));
    REQUIRE(run.err.ends_with("\n"));
    return run.err.substr(file.string().size(), run.err.size() - file.string().size() - 1);
}

} // namespace

TEST_CASE("the valid rule passes --test-rules") {
    TemporaryDirectory directory;
    const auto file = directory.write("rules/rule.yaml", valid_rule);
    const auto run = scan({"--rules", file.parent_path().string(), "--test-rules"});
    CHECK(run.status == exit_clean);
    CHECK(run.out == "PASS open-to-compat: positive (" + file.string() +
                         ":14)\n1 examples of 1 rules, 1 passed, 0 failed\n");
}

TEST_CASE("broken rule file: bad YAML") {
    CHECK(error_for("id: x\napplies-to: [DM001\n")
              .starts_with(":3:1: end of sequence flow not found"));
    CHECK(error_for("id: x\n\tmessage: tab\n").starts_with(":2:"));
}

TEST_CASE("broken rule file: unknown key") {
    CHECK(error_for(valid_rule + "colour: red\n") ==
          ":21:1: unknown key 'colour' (expected one of: id, applies-to, message, advice, fix, "
          "link, confidence, doc, examples)");
    CHECK(error_for(replaced(valid_rule, "  template:", "  tempalte:"))
              .starts_with(":11:3: unknown key 'tempalte'"));
    CHECK(error_for(replaced(valid_rule, "string: /dev/mem", "strings: /dev/mem"))
              .starts_with(":6:30: unknown key 'strings'"));
}

TEST_CASE("broken rule file: missing key") {
    CHECK(error_for(replaced(valid_rule, "advice: a\n", "")) ==
          ":1:1: missing required key 'advice'");
    CHECK(error_for(replaced(valid_rule, "  template: 'devmem_compat_open({path}, {flags})'\n",
                             "  includes: [<devmem/compat.h>]\n")) ==
          ":11:3: missing required key 'template'");
    CHECK(error_for(replaced(valid_rule, "    - {index: 1, name: flags}\n",
                             "    - {name: flags}\n")) == ":7:7: missing required key 'index'");
}

TEST_CASE("broken rule file: wrong type") {
    CHECK(error_for(replaced(valid_rule, "message: m", "message: [m]")) ==
          ":8:10: 'message' must be a string");
    CHECK(error_for(replaced(valid_rule, "{index: 1,", "{index: one,")) ==
          ":7:15: 'index' must be a number (decimal or 0x...), not 'one'");
    CHECK(
        error_for(replaced(valid_rule, "fix:\n  template: 'devmem_compat_open({path}, {flags})'\n",
                           "fix: yes\n")) == ":10:6: 'fix' must be a mapping");
    CHECK(error_for(valid_rule.substr(0, valid_rule.find("examples:")) + "examples: {}\n") ==
          ":13:11: 'examples' must be a list");
}

TEST_CASE("broken rule file: a fix with both template and reuse, or an unknown reuse") {
    CHECK(error_for(replaced(valid_rule, "fix:\n", "fix:\n  reuse: descriptor-open\n")) ==
          ":11:10: a fix has either 'template' or 'reuse', not both");
    CHECK(error_for(replaced(valid_rule, "  template: 'devmem_compat_open({path}, {flags})'\n",
                             "  reuse: descriptor-close\n")) ==
          ":11:10: 'reuse' must be descriptor-open, not 'descriptor-close'");
}

TEST_CASE("broken rule file: unknown rule, range class or placeholder") {
    CHECK(error_for(replaced(valid_rule, "rule: DM001", "rule: DM042")) ==
          ":3:9: unknown rule 'DM042' (expected DM001..DM007)");
    CHECK(error_for(replaced(valid_rule, "  callee: [open]", "  range-class: [bios-areas]")) ==
          ":4:16: unknown range class 'bios-areas'");
    CHECK(error_for(replaced(valid_rule, "({path}, {flags})", "({path}, {mode})")) ==
          ":11:13: unknown placeholder '{mode}' (known: callee, arguments and the names given "
          "under applies-to.arguments)");
    CHECK(error_for(replaced(valid_rule, "({path}, {flags})", "({path}, {flags)")) ==
          ":11:13: unbalanced '{' or '}' in the template (write {{ or }})");
}

TEST_CASE("broken rule file: an example that fails") {
    TemporaryDirectory directory;
    const auto file = directory.write(
        "rules/rule.yaml", replaced(valid_rule, "return devmem_compat_open(\"/dev/mem\"",
                                    "return compat_open(\"/dev/mem\"") +
                               "  - name: negative that is edited\n"
                               "    source: |\n"
                               "      #include <fcntl.h>\n"
                               "      int main(void) { return open(\"/dev/mem\", O_RDWR); }\n"
                               "  - name: does not parse\n"
                               "    source: 'int main(void) { return open(\"/dev/mem\", 0) }'\n");
    const auto run = scan({"--rules", file.parent_path().string(), "--test-rules"});
    CHECK(run.status == exit_findings);
    CHECK(run.out.find(
              "FAIL open-to-compat: positive (" + file.string() +
              ":14)\n"
              "  expected:\n"
              "      | #include <fcntl.h>\n"
              "      | int main(void) { return compat_open(\"/dev/mem\", O_RDONLY); }\n"
              "  got:\n"
              "      | #include <fcntl.h>\n"
              "      | int main(void) { return devmem_compat_open(\"/dev/mem\", O_RDONLY); }\n") !=
          std::string::npos);
    CHECK(run.out.find("FAIL open-to-compat: negative that is edited (" + file.string() +
                       ":21)\n  the rule edited a negative example into:\n") != std::string::npos);
    CHECK(run.out.find("FAIL open-to-compat: does not parse") != std::string::npos);
    CHECK(run.out.ends_with("3 examples of 1 rules, 0 passed, 3 failed\n"));
}

TEST_CASE("the project's rules pass their own examples") {
    const auto run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--test-rules"});
    CHECK(run.status == exit_clean);
    CHECK(run.out.find("FAIL") == std::string::npos);
}
