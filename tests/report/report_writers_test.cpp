// The Markdown and HTML refactoring reports: grouping into programs, counts, escaping.
#include "devmem/scan/report.hpp"
#include "devmem/scan/runtime_log.hpp"
#include "report_model.hpp"
#include "scan_run.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

using namespace devmem::scan;

namespace {

Finding finding_at(const std::string& file, unsigned line, std::string rule, Severity severity,
                   Servability servability) {
    Finding finding;
    finding.rule = std::move(rule);
    finding.severity = severity;
    finding.location = {file, line, 3};
    finding.function = "probe";
    finding.message = "'mmap' maps /dev/mem";
    finding.servability = servability;
    return finding;
}

std::string render(const Report& report, OutputFormat format,
                   const RuntimeMerge& runtime = RuntimeMerge{}) {
    std::ostringstream out;
    write_report(out, report, format, runtime);
    return out.str();
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t count = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++count;
    }
    return count;
}

// Three programs: the root, a/ and a/b/, with findings of several rules and servabilities.
Report three_programs(const TemporaryDirectory& directory) {
    const auto root_file = directory.write("main.c", "int x;\n").string();
    const auto a_file = directory.write("a/probe.c", "int a;\nint b;\n").string();
    const auto b_file = directory.write("a/b/scan.c", "int c;\n").string();
    Report report;
    report.root = directory.path();
    report.findings = {
        finding_at(a_file, 1, "DM001", Severity::warning, Servability::not_servable),
        finding_at(root_file, 1, "DM004", Severity::error, Servability::not_servable),
        finding_at(a_file, 2, "DM002", Severity::warning, Servability::served),
        finding_at(b_file, 1, "DM005", Severity::note, Servability::zeros_only),
        finding_at(a_file, 2, "DM002", Severity::warning, Servability::served),
    };
    return report;
}

} // namespace

TEST_CASE("markdown and html are output formats") {
    CHECK(parse_output_format("markdown") == OutputFormat::markdown);
    CHECK(parse_output_format("html") == OutputFormat::html);
}

TEST_CASE("a program is the directory of the finding's file under the root") {
    TemporaryDirectory directory;
    const auto report = three_programs(directory);
    const auto programs = devmem::scan::detail::group_by_program(report);
    REQUIRE(programs.size() == 3);
    CHECK(programs[0].name == ".");
    CHECK(programs[0].findings == std::vector<std::size_t>{1});
    CHECK(programs[1].name == "a");
    CHECK(programs[1].findings == std::vector<std::size_t>{0, 2, 4});
    CHECK(programs[1].by_rule == std::map<std::string, std::size_t>{{"DM001", 1}, {"DM002", 2}});
    CHECK(programs[1].by_servability == std::array<std::size_t, 3>{2, 0, 1});
    CHECK(programs[2].name == "a/b");
    CHECK(programs[2].by_servability == std::array<std::size_t, 3>{0, 1, 0});
    CHECK(devmem::scan::detail::program_of("/elsewhere/x.c", directory.path()) == "/elsewhere");
}

TEST_CASE("the html report has every finding once, grouped by program, with counts") {
    TemporaryDirectory directory;
    const auto html = render(three_programs(directory), OutputFormat::html);
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(occurrences(html, "<article class=\"finding\"") == 5);
    CHECK(occurrences(html, "<section class=\"program\"") == 3);
    CHECK(occurrences(html, "<svg") == 3);
    CHECK(occurrences(html, "data-location=\"a/probe.c:2\"") == 2);
    CHECK_THAT(html, Catch::Contains("5 findings (1 error, 3 warnings, 1 note) in 3 programs"));
    CHECK_THAT(html, Catch::Contains("<h2>Program a</h2>\n<p>3 findings (0 errors, 3 warnings, "
                                     "0 notes)</p>"));
    // Program a/ maps twice at a served range and opens once: the chart's bars say so.
    const auto program_a = html.substr(html.find("<h2>Program a</h2>"));
    CHECK_THAT(program_a.substr(0, program_a.find("</svg>")),
               Catch::Contains(">DM002 physical-map</text>") &&
                   Catch::Contains("<td>served</td><td class=\"count\">2</td>"));
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
}

TEST_CASE("the html report escapes hostile file names, messages and source") {
    TemporaryDirectory directory;
    const auto file =
        directory.write("<script>x</script>&\"'.c", "char *s = \"</pre><script>\";\n").string();
    Report report;
    report.root = directory.path();
    auto finding = finding_at(file, 1, "DM001", Severity::warning, Servability::not_servable);
    finding.message = "opens <img src=x onerror=alert(1)> \xff\x01 bytes";
    finding.function = "f<\"'>";
    finding.trace = {{{file, 1, 1}, "from <b>here</b>"}};
    report.findings = {finding};
    const auto html = render(report, OutputFormat::html);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("<b>here") == std::string::npos);
    CHECK(html.find('\xff') == std::string::npos);
    CHECK(html.find('\x01') == std::string::npos);
    CHECK_THAT(html, Catch::Contains("&lt;script&gt;x&lt;/script&gt;&amp;&quot;&#39;.c:1"));
    CHECK_THAT(html, Catch::Contains("opens &lt;img src=x onerror=alert(1)&gt; \xEF\xBF\xBD"));
    CHECK_THAT(html, Catch::Contains("&lt;/pre&gt;&lt;script&gt;"));
    CHECK_THAT(html, Catch::Contains("data-location=\"&lt;script&gt;x&lt;/script&gt;&amp;&quot;"
                                     "&#39;.c:1\""));
}

TEST_CASE("the markdown report escapes markup and fences code longer than its backticks") {
    TemporaryDirectory directory;
    const auto file = directory.write("*x*_[y](z).c", "s = \"````\";\n").string();
    Report report;
    report.root = directory.path();
    auto finding = finding_at(file, 1, "DM002", Severity::warning, Servability::served);
    finding.message = "<b>*a*</b> [i](h) | `t` & ~~g~~";
    report.findings = {finding};
    const auto markdown = render(report, OutputFormat::markdown);
    CHECK_THAT(markdown, Catch::Contains("\\*x\\*\\_\\[y\\](z).c:1:3: warning: "
                                         "\\<b\\>\\*a\\*\\</b\\> \\[i\\](h) \\| \\`t\\` &amp; "
                                         "&#126;&#126;g&#126;&#126;"));
    CHECK_THAT(markdown, Catch::Contains("\n`````text\n") &&
                             Catch::Contains(">     1 | s = \"````\";\n`````\n"));
    CHECK(markdown.ends_with("\n"));
    CHECK_FALSE(markdown.ends_with("\n\n"));
}

TEST_CASE("the markdown report wraps long paragraphs without starting a line with markup") {
    TemporaryDirectory directory;
    const auto file = directory.write("long.c", "int x;\n").string();
    Report report;
    report.root = directory.path();
    auto finding = finding_at(file, 1, "DM002", Severity::warning, Servability::served);
    finding.message = std::string(99, 'w') + " - 12. + = : not a list";
    report.findings = {finding};
    const auto markdown = render(report, OutputFormat::markdown);
    std::istringstream lines(markdown);
    bool in_code = false;
    for (std::string line; std::getline(lines, line);) {
        in_code = line.starts_with("```") ? !in_code : in_code;
        if (!in_code && !line.starts_with('|')) {
            INFO(line);
            CHECK(line.size() <= 100);
        }
        CHECK_FALSE(line.starts_with("- 12"));
        CHECK_FALSE(line.starts_with("+ "));
        CHECK_FALSE(line.starts_with("= "));
    }
    CHECK_THAT(markdown, Catch::Contains("\n\\- 12. + = : not a list"));
}

TEST_CASE("the refactoring reports say why it breaks and give the recipe") {
    TemporaryDirectory directory;
    const auto file = directory.write("m.c", "p = mmap(0);\n").string();
    Report report;
    report.root = directory.path();
    auto finding = finding_at(file, 1, "DM002", Severity::warning, Servability::served);
    finding.rewrite_rule = "physical-map-to-sysfs-tables";
    finding.replacement = "devmem_compat_read_file(\"/sys/firmware/dmi/tables/DMI\", &len)\n";
    report.findings = {finding};
    for (const auto format : {OutputFormat::markdown, OutputFormat::html}) {
        const auto text = render(report, format);
        CHECK_THAT(text, Catch::Contains("The open already fails (DM001)"));
        CHECK_THAT(text, Catch::Contains("rewrite rule physical-map-to-sysfs-tables"));
        CHECK_THAT(text, Catch::Contains("devmem_compat_read_file("));
        CHECK_THAT(text, Catch::Contains("By class:"));
    }
}

TEST_CASE("devmem-scan --format html and markdown write the report from the command line") {
    TemporaryDirectory directory;
    const auto source = directory.write(
        "tool/main.c", "#include <fcntl.h>\nint main(void) { return open(\"/dev/mem\", 0); }\n");
    for (const auto* format : {"html", "markdown"}) {
        const auto run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--format", format, "--root",
                               directory.path().string(), source.string()});
        CHECK(run.status == 1);
        CHECK_THAT(run.out, Catch::Contains("tool/main.c:2:25"));
        CHECK_THAT(run.out, Catch::Contains("Program tool"));
    }
}

TEST_CASE("the refactoring reports show a finding's edits as a unified diff") {
    TemporaryDirectory directory;
    const std::string source = "int main(void) {\n\tfd = open(\"/dev/mem\", O_RDONLY);\n}\n";
    const auto file = directory.write("tool/main.c", source).string();
    const std::string call = "open(\"/dev/mem\", O_RDONLY)";
    Report report;
    report.root = directory.path();
    auto finding = finding_at(file, 2, "DM001", Severity::warning, Servability::not_servable);
    finding.edits = {{file, static_cast<unsigned>(source.find(call)),
                      static_cast<unsigned>(call.size()),
                      "devmem_compat_open_tables(DEVMEM_COMPAT_SMBIOS)"}};
    auto advice_only = finding_at(file, 2, "DM004", Severity::error, Servability::not_servable);
    auto stale = finding;
    stale.edits.front().file = (directory.path() / "gone.c").string();
    report.findings = {finding, advice_only, stale};

    const auto markdown = render(report, OutputFormat::markdown);
    CHECK_THAT(markdown, Catch::Contains("Proposed diff:\n\n```diff\ndiff --git a/tool/main.c "
                                         "b/tool/main.c\n--- a/tool/main.c\n+++ b/tool/main.c\n"));
    CHECK_THAT(markdown, Catch::Contains("\n-        fd = open(\"/dev/mem\", O_RDONLY);\n"
                                         "+        fd = devmem_compat_open_tables("
                                         "DEVMEM_COMPAT_SMBIOS);\n"));
    CHECK_THAT(markdown, Catch::Contains("Proposed diff: none; no mechanical rewrite applies."));
    CHECK_THAT(markdown, Catch::Contains("Proposed diff: cannot be shown: "));

    const auto html = render(report, OutputFormat::html);
    CHECK_THAT(html, Catch::Contains("<summary>Proposed diff (+1 -1)</summary>"));
    CHECK_THAT(html, Catch::Contains("<span class=\"removed\">-\tfd = open(&quot;/dev/mem&quot;, "
                                     "O_RDONLY);</span>"));
    CHECK_THAT(html, Catch::Contains("<span class=\"added\">+\tfd = devmem_compat_open_tables("
                                     "DEVMEM_COMPAT_SMBIOS);</span>"));
    CHECK(occurrences(html, "Proposed diff: none") == 1);
    CHECK(occurrences(html, "Proposed diff: cannot be shown: ") == 1);
}

TEST_CASE("the html report shows the rule pages' links as their text") {
    TemporaryDirectory directory;
    const auto file = directory.write("o.c", "fd = open(\"/dev/mem\", 0);\n").string();
    Report report;
    report.root = directory.path();
    report.findings = {finding_at(file, 1, "DM001", Severity::warning, Servability::not_servable)};
    const auto html = render(report, OutputFormat::html);
    // DM001's page links to the rewrite rules' guide.
    CHECK(devmem::scan::detail::rule_page_section("DM001",
                                                  devmem::scan::detail::how_to_migrate_heading)
              .find("](") != std::string_view::npos);
    CHECK(html.find("](") == std::string::npos);
}
