#include "devmem/scan/report.hpp"

#include "devmem/scan/fingerprint.hpp"

#include "temporary_directory.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace devmem::scan;

namespace {

Report sample_report(const std::string& file) {
    Finding finding;
    finding.rule = "DM002";
    finding.category = "physical-map";
    finding.severity = Severity::warning;
    finding.location = {file, 2, 7};
    finding.function = "probe";
    finding.callee = "mmap";
    finding.message = "'mmap' maps /dev/mem at physical 0xf0000-0xfffff";
    finding.range = PhysicalRange{0xF0000, 0xFFFFF};
    finding.range_class = RangeClass::bios_area;
    finding.servability = Servability::served;
    finding.replacement = "/sys/firmware/dmi/tables";
    finding.trace = {{{file, 1, 10}, "path '/dev/mem' comes from here"}};
    Report report;
    report.findings = {finding};
    report.notes = {{{file, 0, 0}, "has errors", NoteKind::incomplete_analysis}};
    return report;
}

std::string render(const Report& report, OutputFormat format) {
    std::ostringstream out;
    write_report(out, report, format);
    return out.str();
}

} // namespace

TEST_CASE("output formats are chosen by name") {
    CHECK(parse_output_format("text") == OutputFormat::text);
    CHECK(parse_output_format("json") == OutputFormat::json);
    CHECK(parse_output_format("sarif") == OutputFormat::sarif);
    CHECK(parse_output_format("gitlab") == OutputFormat::gitlab);
    CHECK_FALSE(parse_output_format("xml"));
}

TEST_CASE("text output is clang style with the source line, a caret and notes") {
    TemporaryDirectory directory;
    const auto file = directory.write("a.c", "int fd;\nvoid *p = mmap(0);\n").string();
    const auto text = render(sample_report(file), OutputFormat::text);
    CHECK(text == file + ": note: has errors\n" + file +
                      ":2:7: warning: 'mmap' maps /dev/mem at physical 0xf0000-0xfffff "
                      "[DM002]\nvoid *p = mmap(0);\n      ^\n" +
                      file +
                      ":1:10: note: path '/dev/mem' comes from here\n1 finding generated.\n");
}

TEST_CASE("JSON output carries every field of a finding") {
    const auto json = nlohmann::json::parse(render(sample_report("a.c"), OutputFormat::json));
    const auto& finding = json.at("findings").at(0);
    CHECK(finding.at("rule") == "DM002");
    CHECK(finding.at("category") == "physical-map");
    CHECK(finding.at("function") == "probe");
    CHECK(finding.at("location").at("line") == 2);
    CHECK(finding.at("range").at("start") == "0xf0000");
    CHECK(finding.at("range").at("end") == "0xfffff");
    CHECK(finding.at("range").at("class") == "bios-area");
    CHECK(finding.at("servable") == "served");
    CHECK(finding.at("confidence") == "high");
    CHECK(finding.at("trace").at(0).at("message") == "path '/dev/mem' comes from here");
    CHECK(json.at("notes").at(0).at("message") == "has errors");
}

TEST_CASE("SARIF output is 2.1.0 with the function and the range per result") {
    const auto sarif = nlohmann::json::parse(render(sample_report("a.c"), OutputFormat::sarif));
    CHECK(sarif.at("version") == "2.1.0");
    const auto& run = sarif.at("runs").at(0);
    CHECK(run.at("tool").at("driver").at("name") == "devmem-scan");
    CHECK(run.at("tool").at("driver").at("rules").size() == 7);
    const auto& result = run.at("results").at(0);
    CHECK(result.at("ruleId") == "DM002");
    CHECK(result.at("level") == "warning");
    const auto& location = result.at("locations").at(0);
    CHECK(location.at("physicalLocation").at("region").at("startLine") == 2);
    CHECK(location.at("logicalLocations").at(0).at("name") == "probe");
    CHECK(result.at("properties").at("category") == "physical-map");
    CHECK(result.at("properties").at("range").at("class") == "bios-area");
    CHECK(result.at("properties").at("range").at("start") == "0xf0000");
}

TEST_CASE("a finding without a known range says so") {
    auto report = sample_report("a.c");
    report.findings[0].range.reset();
    report.findings[0].range_class = RangeClass::unknown;
    const auto json = nlohmann::json::parse(render(report, OutputFormat::json));
    CHECK(json.at("findings").at(0).at("range").at("start").is_null());
    CHECK(json.at("findings").at(0).at("range").at("class") == "unknown");
}

TEST_CASE("SARIF paths are relative to SRCROOT, the scan root") {
    TemporaryDirectory directory;
    const auto file = directory.write("src/a.c", "int fd;\nvoid *p = mmap(0);\n").string();
    auto report = sample_report(file);
    report.root = directory.path();
    const auto sarif = nlohmann::json::parse(render(report, OutputFormat::sarif));
    const auto& run = sarif.at("runs").at(0);
    CHECK(run.at("originalUriBaseIds").at("SRCROOT").at("uri") ==
          "file://" + directory.path().string() + "/");
    const auto& artifact =
        run.at("results").at(0).at("locations").at(0).at("physicalLocation").at("artifactLocation");
    CHECK(artifact.at("uri") == "src/a.c");
    CHECK(artifact.at("uriBaseId") == "SRCROOT");
}

TEST_CASE("SARIF results carry fingerprints, the trace as related locations and a code flow") {
    const auto sarif = nlohmann::json::parse(render(sample_report("a.c"), OutputFormat::sarif));
    const auto& result = sarif.at("runs").at(0).at("results").at(0);
    CHECK(result.at("partialFingerprints").at("devmemScan/v1") ==
          fingerprint_findings(sample_report("a.c").findings, {}).at(0));
    const auto& related = result.at("relatedLocations").at(0);
    CHECK(related.at("id") == 1);
    CHECK(related.at("message").at("text") == "path '/dev/mem' comes from here");
    CHECK(related.at("physicalLocation").at("region").at("startLine") == 1);
    const auto& steps = result.at("codeFlows").at(0).at("threadFlows").at(0).at("locations");
    REQUIRE(steps.size() == 2);
    CHECK(steps[0].at("location").at("message").at("text") == "path '/dev/mem' comes from here");
    CHECK(steps[1].at("location").at("physicalLocation").at("region").at("startLine") == 2);
}

TEST_CASE("SARIF rules carry their documentation page and a security severity") {
    const auto sarif = nlohmann::json::parse(render(sample_report("a.c"), OutputFormat::sarif));
    const auto& driver = sarif.at("runs").at(0).at("tool").at("driver");
    CHECK(driver.at("informationUri").get<std::string>().starts_with("https://"));
    for (const auto& rule : driver.at("rules")) {
        CAPTURE(rule.at("id"));
        CHECK_THAT(rule.at("help").at("markdown").get<std::string>(),
                   Catch::StartsWith("# " + rule.at("id").get<std::string>()));
        CHECK_THAT(rule.at("helpUri").get<std::string>(),
                   Catch::Contains("/docs/rules/" + rule.at("id").get<std::string>() + "-"));
        CHECK_FALSE(rule.at("shortDescription").at("text").get<std::string>().empty());
        CHECK(rule.at("properties").at("security-severity").is_string());
    }
    CHECK(driver.at("rules").at(3).at("properties").at("security-severity") == "7.0");
}

TEST_CASE("SARIF invocation reports files that failed to parse and unused suppressions") {
    auto report = sample_report("a.c");
    report.notes.push_back({{"a.c", 3, 1}, "unused suppression", NoteKind::unused_suppression});
    const auto sarif = nlohmann::json::parse(render(report, OutputFormat::sarif));
    const auto& invocation = sarif.at("runs").at(0).at("invocations").at(0);
    CHECK(invocation.at("executionSuccessful") == false);
    const auto& failed = invocation.at("toolExecutionNotifications").at(0);
    CHECK(failed.at("message").at("text") == "has errors");
    CHECK(failed.at("descriptor").at("id") == "devmem-scan/incomplete-analysis");
    const auto& unused = invocation.at("toolConfigurationNotifications").at(0);
    CHECK(unused.at("descriptor").at("id") == "devmem-scan/unused-suppression");
    report.notes.erase(report.notes.begin());
    const auto clean = nlohmann::json::parse(render(report, OutputFormat::sarif));
    CHECK(clean.at("runs").at(0).at("invocations").at(0).at("executionSuccessful") == true);
}

TEST_CASE("fingerprints ignore the line number, comments and spacing, not the code") {
    TemporaryDirectory directory;
    const auto before = directory.write("a.c", "int fd;\nvoid *p = mmap(0);\n").string();
    const auto after =
        directory
            .write("b/a.c", "\n\nint fd;\n\nvoid *p =   mmap(0); // devmem-scan: ignore[DM002]\n")
            .string();
    auto moved = sample_report(after);
    moved.findings[0].location.line = 5;
    const auto original = fingerprint_findings(sample_report(before).findings, directory.path());
    CHECK(fingerprint_findings(moved.findings, directory.path() / "b") == original);
    auto elsewhere = moved;
    elsewhere.findings[0].function = "other";
    CHECK(fingerprint_findings(elsewhere.findings, directory.path() / "b") != original);
    auto other_range = moved;
    other_range.findings[0].range = PhysicalRange{0xE0000, 0xFFFFF};
    CHECK(fingerprint_findings(other_range.findings, directory.path() / "b") != original);
    CHECK(normalize_source_line("  a  /* x */ b\t// c") == "a b");
}

TEST_CASE("the summary counts findings by severity, rule and file, and notes by kind") {
    auto report = sample_report("/src/a.c");
    report.findings.push_back(report.findings[0]);
    report.findings[1].rule = "DM001";
    report.findings[1].severity = Severity::error;
    report.findings[1].location.file = "/src/b.c";
    report.findings.push_back(report.findings[0]);
    report.root = "/src";
    std::ostringstream out;
    write_summary(out, report);
    CHECK(out.str() == "devmem-scan: 3 findings in 2 files (1 errors, 2 warnings, 0 notes)\n"
                       "  DM001 devmem-open                  1\n"
                       "  DM002 physical-map                 2\n"
                       "  a.c                                          2\n"
                       "  b.c                                          1\n"
                       "1 files not fully analysed, 0 unused suppressions, 0 stale baseline "
                       "entries\n");
}

TEST_CASE("bytes that are not UTF-8 are replaced, not fatal, in every JSON format") {
    auto report = sample_report("caf\xe9.c");
    report.findings[0].message = "'mmap' maps /dev/mem \xff";
    report.notes[0].message = "has errors \xfe";
    for (const auto format : {OutputFormat::json, OutputFormat::sarif, OutputFormat::gitlab}) {
        const auto text = render(report, format);
        CHECK_NOTHROW(nlohmann::json::parse(text));
        CHECK_THAT(text, Catch::Contains("/dev/mem \xef\xbf\xbd"));
    }
}
