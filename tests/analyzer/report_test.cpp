#include "devmem/scan/report.hpp"

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
    return {{finding}, {{{file, 0, 0}, "has errors"}}};
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
