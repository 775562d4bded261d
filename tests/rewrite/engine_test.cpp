// The fix engine on small programs: which calls a rule edits, how, and where it refuses.

#include "devmem/scan/analyzer.hpp"
#include "devmem/scan/cli.hpp"
#include "devmem/scan/fixes.hpp"

#include "content_hash.hpp"
#include "scan_run.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <iterator>

using namespace devmem::scan;
namespace fs = std::filesystem;

namespace {

const std::string open_rule = R"(id: open-to-compat
applies-to:
  rule: DM001
  callee: [open]
  arguments:
    - {index: 0, name: path, string: /dev/mem}
    - {index: 1, name: flags}
message: open it through the compat library
advice: devmem_compat_open(path, flags)
fix:
  template: 'devmem_compat_open({path}, {flags})'
  includes: ['<devmem/compat.h>']
  preconditions: {argument-count: 2}
)";

const std::string prologue = "#include <fcntl.h>\n#include <sys/mman.h>\n#include <unistd.h>\n";

std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Fixed {
    TemporaryDirectory directory;
    Report report;

    // The program's files after the accepted edits, by name.
    std::string text(const std::string& name) const {
        const auto file = directory.path() / name;
        std::vector<Edit> edits;
        for (const auto& edit : select_fixes(report.findings).edits) {
            if (fs::path(edit.file) == fs::canonical(file)) {
                edits.push_back(edit);
            }
        }
        return apply_edits(read(file), edits);
    }

    const Finding& finding(const std::string& rule) const {
        const auto found = std::ranges::find(report.findings, rule, &Finding::rule);
        REQUIRE(found != report.findings.end());
        return *found;
    }
};

// Analyses the files (the first ones are the sources) with these rule files loaded.
void fix(Fixed& fixed, const std::vector<std::pair<std::string, std::string>>& files,
         const std::vector<std::string>& rules = {open_rule}) {
    std::vector<fs::path> sources;
    for (const auto& [name, text] : files) {
        const auto path = fixed.directory.write(name, text);
        if (path.extension() == ".c" || path.extension() == ".cpp") {
            sources.push_back(path);
        }
    }
    std::vector<RewriteRule> loaded;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        loaded.push_back(load_rewrite_rule(
            fixed.directory.write("rules/rule" + std::to_string(i) + ".yaml", rules[i])));
    }
    fixed.report = analyze_program(jobs_from_paths(sources), {}, loaded);
}

} // namespace

TEST_CASE("placeholders are bound to the arguments as written, macros and all") {
    Fixed fixed;
    fix(fixed,
        {{"m.c", prologue + "#define DEV_MEM \"/dev/mem\"\n"
                            "int main(void) { return open(DEV_MEM, O_RDONLY | O_SYNC); }\n"}});
    CHECK(fixed.text("m.c") == prologue + "#include <devmem/compat.h>\n"
                                          "#define DEV_MEM \"/dev/mem\"\n"
                                          "int main(void) { return devmem_compat_open(DEV_MEM, "
                                          "O_RDONLY | O_SYNC); }\n");
    const auto& finding = fixed.finding("DM001");
    CHECK(finding.rewrite_rule == "open-to-compat");
    CHECK(finding.replacement == "devmem_compat_open(path, flags)");
    // The smallest edit: the callee's name, then the include.
    REQUIRE(finding.edits.size() == 2);
    CHECK(finding.edits[0].length == 0);
    CHECK(finding.edits[0].replacement == "devmem_compat_");
    // --fix compares this with the file on disk before writing.
    CHECK(finding.edits[0].analyzed_hash ==
          detail::content_hash(read(fixed.directory.path() / "m.c")));
}

TEST_CASE("the callee and the whole argument list are placeholders too") {
    Fixed fixed;
    auto rule = open_rule;
    rule.replace(rule.find("'devmem_compat_open({path}, {flags})'"),
                 std::string("'devmem_compat_open({path}, {flags})'").size(),
                 "'wrapped_{callee}( {arguments} ) /* {{{path}}} */'");
    fix(fixed,
        {{"m.c", prologue + "int main(void) { return open( \"/dev/mem\" ,  O_RDONLY ); }\n"}},
        {rule});
    CHECK(fixed.text("m.c").ends_with("int main(void) { return wrapped_open( \"/dev/mem\" ,  "
                                      "O_RDONLY ) /* {\"/dev/mem\"} */; }\n"));
}

TEST_CASE("argument predicates see folded values: variables, parameters, other devices") {
    Fixed fixed;
    fix(fixed,
        {{"m.c", prologue + "static const char *path = \"/dev/mem\";\n"
                            "static int by_name(const char *p) { return open(p, O_RDONLY); }\n"
                            "int main(int argc, char **argv) {\n"
                            "    (void)argv;\n"
                            "    int a = open(path, O_RDONLY);\n"
                            "    int b = open(argc > 1 ? \"/dev/kmem\" : \"/dev/mem\", O_RDONLY);\n"
                            "    int c = open(\"/dev/mem\", O_RDWR | O_CREAT, 0600);\n"
                            "    return a + b + c + by_name(\"/dev/mem\");\n"
                            "}\n"}});
    const auto text = fixed.text("m.c");
    // The wrapper's only caller passes /dev/mem, so its open is rewritten.
    CHECK(text.find("return devmem_compat_open(p, O_RDONLY); }") != std::string::npos);
    CHECK(text.find("int a = devmem_compat_open(path, O_RDONLY);") != std::string::npos);
    CHECK(text.find("int b = open(argc") != std::string::npos);
    CHECK(text.find("int c = open(\"/dev/mem\", O_RDWR | O_CREAT, 0600);") != std::string::npos);
    const auto with_mode = std::ranges::find_if(
        fixed.report.findings, [](const Finding& f) { return f.location.line == 10; });
    REQUIRE(with_mode != fixed.report.findings.end());
    CHECK(with_mode->rewrite_rule == "open-to-compat");
    CHECK(with_mode->edits.empty());
    CHECK(with_mode->trace.back().message.find(
              "no automatic fix: the call has 3 arguments, the fix needs 2") != std::string::npos);
}

TEST_CASE("a call spelled inside a macro definition is left alone unless the rule says so") {
    const std::string source = prologue + "#define OPEN_MEM() open(\"/dev/mem\", O_RDONLY)\n"
                                          "int main(void) { return OPEN_MEM(); }\n";
    SECTION("refused, with the reason in the trace") {
        Fixed fixed;
        fix(fixed, {{"m.c", source}});
        const auto& finding = fixed.finding("DM001");
        CHECK(finding.edits.empty());
        CHECK(finding.rewrite_rule == "open-to-compat");
        CHECK(finding.trace.back().message.find("spelled inside a macro definition") !=
              std::string::npos);
    }
    SECTION("edited in the definition when the rule allows it") {
        Fixed fixed;
        auto rule = open_rule;
        rule.replace(rule.find("  preconditions"), 0, "  edit-macro-definitions: true\n");
        fix(fixed, {{"m.c", source}}, {rule});
        CHECK(fixed.text("m.c") ==
              prologue + "#include <devmem/compat.h>\n"
                         "#define OPEN_MEM() devmem_compat_open(\"/dev/mem\", O_RDONLY)\n"
                         "int main(void) { return OPEN_MEM(); }\n");
    }
}

TEST_CASE("the include is added once per file, after the last include at the edit's depth") {
    SECTION("two opens in one file") {
        Fixed fixed;
        fix(fixed, {{"m.c", prologue + "int main(void) {\n"
                                       "    int a = open(\"/dev/mem\", O_RDONLY);\n"
                                       "    return a + open(\"/dev/mem\", O_RDWR);\n}\n"}});
        const auto text = fixed.text("m.c");
        CHECK(text.starts_with(prologue + "#include <devmem/compat.h>\nint main"));
        CHECK(text.find("devmem/compat.h", text.find("devmem/compat.h") + 1) == std::string::npos);
    }
    SECTION("already included") {
        Fixed fixed;
        const auto source = prologue + "#include <devmem/compat.h>\n"
                                       "int main(void) { return open(\"/dev/mem\", O_RDONLY); }\n";
        fix(fixed, {{"m.c", source}, {"devmem/compat.h", ""}});
        CHECK(fixed.finding("DM001").edits.size() == 1);
    }
    SECTION("in a header, inside its include guard") {
        Fixed fixed;
        fix(fixed,
            {{"mem.h", "#ifndef MEM_H\n#define MEM_H\n#include <fcntl.h>\n"
                       "static inline int open_mem(void) { return open(\"/dev/mem\", O_RDONLY); }\n"
                       "#endif\n"},
             {"m.c", "#include \"mem.h\"\nint main(void) { return open_mem(); }\n"}});
        CHECK(fixed.text("mem.h") ==
              "#ifndef MEM_H\n#define MEM_H\n#include <fcntl.h>\n#include <devmem/compat.h>\n"
              "static inline int open_mem(void) { return devmem_compat_open(\"/dev/mem\", "
              "O_RDONLY); }\n#endif\n");
        CHECK(fixed.text("m.c") == "#include \"mem.h\"\nint main(void) { return open_mem(); }\n");
    }
}

TEST_CASE("overlapping fixes of two findings: the later one is refused") {
    // A second rule rewrites the whole read, whose argument is the open the first one fixes.
    const std::string read_rule = R"(id: read-rewrite
applies-to:
  rule: DM003
  arguments: [{index: 1, name: buffer}]
message: m
advice: a
fix:
  template: 'read_table({buffer})'
)";
    Fixed fixed;
    fix(fixed,
        {{"m.c", prologue +
                     "int main(void) {\n    char b[16];\n"
                     "    return (int)pread(open(\"/dev/mem\", O_RDONLY), b, 16, 0xF0000);\n}\n"}},
        {open_rule, read_rule});
    REQUIRE(fixed.finding("DM003").edits.size() == 1);
    // Findings are taken in report order: the read comes first on the line, so the open's fix
    // is the one refused.
    const auto selection = select_fixes(fixed.report.findings);
    REQUIRE(selection.refusals.size() == 1);
    CHECK(selection.refusals[0].find("rewrite rule open-to-compat overlaps another fix") !=
          std::string::npos);
    CHECK(fixed.text("m.c").find("return (int)read_table(b);") != std::string::npos);
}

TEST_CASE("devmem-scan --fix-diff, --export-fixes and --fix on a program") {
    TemporaryDirectory directory;
    const std::string source =
        prologue + "int main(void) { return open(\"/dev/mem\", O_RDONLY); }\n";
    const auto file = directory.write("src/m.c", source);
    const auto rules = directory.write("rules/open.yaml", open_rule).parent_path();
    const auto exported = directory.path() / "fixes.yaml";
    const auto diff = scan({"--rules", rules.string(), "--root", directory.path().string(),
                            "--fix-diff", "--export-fixes", exported.string(), file.string()});
    CHECK(diff.status == exit_findings);
    CHECK(diff.out == render_unified_diff(
                          [&] {
                              std::vector<Edit> edits;
                              for (const auto& f : analyze_program(jobs_from_paths({file}), {},
                                                                   load_rewrite_rules(rules))
                                                       .findings) {
                                  edits.insert(edits.end(), f.edits.begin(), f.edits.end());
                              }
                              return edits;
                          }(),
                          directory.path()));
    CHECK(diff.out.starts_with("diff --git a/src/m.c b/src/m.c\n"));
    const auto yaml = YAML::LoadFile(exported.string());
    REQUIRE(yaml["Diagnostics"].size() == 1);
    CHECK(yaml["Diagnostics"][0]["DiagnosticName"].as<std::string>() ==
          "devmem-scan-open-to-compat");
    CHECK(yaml["Diagnostics"][0]["DiagnosticMessage"]["Replacements"].size() == 2);

    const auto fixed = scan({"--rules", rules.string(), "--fix", file.string()});
    CHECK(fixed.status == exit_findings);
    CHECK(fixed.err.find("fixed 1 file") != std::string::npos);
    CHECK(read(file).find("return devmem_compat_open(\"/dev/mem\", O_RDONLY);") !=
          std::string::npos);
    // Nothing is left to fix: the fixed program still opens /dev/mem, through the library.
    const auto again = scan({"--rules", rules.string(), "--fix-diff", file.string()});
    CHECK(again.out.empty());
}

TEST_CASE("a program with no mechanical fix gets an empty diff") {
    TemporaryDirectory directory;
    const auto file = directory.write(
        "m.c", prologue + "#include <sys/io.h>\n"
                          "int main(void) {\n    int k = open(\"/dev/kmem\", O_RDONLY);\n"
                          "    if (iopl(3) == 0) outb(0, 0x80);\n    return k;\n}\n");
    const auto run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--fix-diff", file.string()});
    CHECK(run.status == exit_findings);
    CHECK(run.out.empty());
}

TEST_CASE("a BIOS-area scan is fixed by the fix of its descriptor's open, when there is one") {
    const std::string scan_rule = R"(id: scan-reuses-open
applies-to: {rule: [DM002, DM003], range-class: bios-area}
message: m
advice: a
fix: {reuse: descriptor-open}
)";
    Fixed fixed;
    fix(fixed,
        {{"m.c", prologue +
                     "int main(int argc, char **argv) {\n"
                     "    char b[16];\n"
                     "    (void)argv;\n"
                     "    int fd = open(\"/dev/mem\", O_RDONLY);\n"
                     "    int either = open(argc > 1 ? \"/dev/kmem\" : \"/dev/mem\", O_RDONLY);\n"
                     "    void *p = mmap(0, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000);\n"
                     "    return (int)pread(either, b, 16, 0xF0000) + (p == 0);\n}\n"}},
        {open_rule, scan_rule});
    const auto at_line = [&](unsigned line) -> const Finding& {
        const auto found = std::ranges::find_if(fixed.report.findings, [&](const Finding& f) {
            return f.location.line == line && f.rule != "DM001";
        });
        REQUIRE(found != fixed.report.findings.end());
        return *found;
    };
    const auto& map = at_line(9);
    CHECK(map.rewrite_rule == "scan-reuses-open");
    CHECK(map.edits == fixed.finding("DM001").edits);
    const auto& read = at_line(10);
    CHECK(read.rewrite_rule == "scan-reuses-open");
    CHECK(read.edits.empty());
    CHECK(read.trace.back().message.find("does not come only from opens of /dev/mem that are "
                                         "fixed") != std::string::npos);
    // The map's fix and the open's are one edit in the output.
    CHECK(fixed.text("m.c").find("int fd = devmem_compat_open(\"/dev/mem\", O_RDONLY);") !=
          std::string::npos);
    CHECK(select_fixes(fixed.report.findings).refusals.empty());
}
