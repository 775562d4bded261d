// Inline suppressions, the overrides file and the baseline, through the command line as CI runs
// them.
#include "devmem/scan/cli.hpp"

#include "scan_run.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>

using namespace devmem::scan;

namespace {

std::vector<std::string> rules_and(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {"--rules", DEVMEM_SOURCE_RULES_DIR});
    return arguments;
}

std::string mapping_program(const std::string& above_open, const std::string& above_map,
                            const std::string& offset) {
    return "#include <fcntl.h>\n#include <sys/mman.h>\n" + above_open +
           "void *probe(void) {\n    int fd = open(\"/dev/mem\", O_RDONLY);\n" + above_map +
           "    return mmap(0, 0x10000, PROT_READ, MAP_SHARED, fd, " + offset + ");\n}\n";
}

} // namespace

TEST_CASE("an inline comment on the line or the line before silences the named rules") {
    TemporaryDirectory directory;
    const auto source = directory.write(
        "a.c", "#include <fcntl.h>\n#include <sys/mman.h>\n"
               "void *probe(void) {\n"
               "    int fd = open(\"/dev/mem\", O_RDONLY); // devmem-scan: ignore[DM001] legacy\n"
               "    /* devmem-scan: ignore[DM003, DM002] reads the BIOS area on purpose */\n"
               "    return mmap(0, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000);\n}\n");
    const auto run = scan(rules_and({source.string()}));
    CHECK(run.status == exit_clean);
    CHECK_THAT(run.out, !Catch::Contains("[DM001]") && !Catch::Contains("[DM002]"));
}

TEST_CASE("a marker after a very long comment is found, not a crash") {
    // std::regex's recursive backtracking over the 200,000 characters overflowed the stack.
    TemporaryDirectory directory;
    const auto source = directory.write(
        "a.c", "#include <fcntl.h>\nint f(void) { return open(\"/dev/mem\", O_RDONLY); } // " +
                   std::string(200000, 'a') + " devmem-scan: ignore[DM001] a long comment\n");
    const auto run = scan(rules_and({source.string()}));
    CHECK(run.status == exit_clean);
    CHECK_THAT(run.out, !Catch::Contains("[DM001]"));
}

TEST_CASE("an inline comment for another rule silences nothing and is reported unused") {
    TemporaryDirectory directory;
    const auto source = directory.write(
        "a.c", "#include <fcntl.h>\n"
               "int f(void) { return open(\"/dev/mem\", 0); } // devmem-scan: ignore[DM004]\n"
               "// devmem-scan: ignore[*] nothing on the next line\n"
               "int g(void) { return 0; }\n");
    const auto run = scan(rules_and({source.string()}));
    CHECK(run.status == exit_findings);
    CHECK_THAT(run.out, Catch::Contains("[DM001]"));
    CHECK_THAT(run.out, Catch::Contains("a.c:2:45: note: unused suppression: ignore[DM004]"));
    CHECK_THAT(run.out, Catch::Contains("a.c:3:1: note: unused suppression: ignore[*]"));
}

TEST_CASE("ignore[*] silences every rule, a marker inside a string does not count") {
    TemporaryDirectory directory;
    const auto source =
        directory.write("a.c", "#include <fcntl.h>\n"
                               "// devmem-scan: ignore[*] the whole line below is legacy\n"
                               "int f(void) { return open(\"/dev/mem\", 0); }\n"
                               "const char *s = \"// devmem-scan: ignore[*]\"; int g(void) { "
                               "return open(\"/dev/mem\", 0); }\n");
    const auto run = scan(rules_and({source.string()}));
    CHECK_THAT(run.out, !Catch::Contains("a.c:3:") && Catch::Contains("a.c:4:"));
}

TEST_CASE("the overrides file silences by path glob, line or function, with a justification") {
    TemporaryDirectory directory;
    const auto source = directory.write("src/a.c", mapping_program("", "", "0xF0000"));
    const auto overrides =
        directory.write("debian/devmem-scan.overrides",
                        "# devmem-scan overrides for this package\n"
                        "DM001 src/*.c:4 # the open is only reached with --dev-mem\n"
                        "DM002 src/a.c:probe # reads the SMBIOS entry point, served by the shim\n"
                        "DM004 src/*.c # port I/O was removed upstream\n");
    // Found under the root by default, as lintian finds debian/*.lintian-overrides.
    const auto run = scan(rules_and({"--root", directory.path().string(), source.string()}));
    CHECK(run.status == exit_clean);
    CHECK_THAT(run.out, !Catch::Contains("[DM001]") && !Catch::Contains("[DM002]"));
    CHECK_THAT(run.out, Catch::Contains(overrides.string() +
                                        ":4:1: note: unused override: DM004 src/*.c matches"));
}

TEST_CASE("an override with a very long justification silences, not a crash") {
    TemporaryDirectory directory;
    const auto source = directory.write("a.c", mapping_program("", "", "0xF0000"));
    std::string justification;
    for (int i = 0; i < 50000; ++i) {
        justification += "why ";
    }
    const auto overrides =
        directory.write("overrides", "DM001 a.c # " + justification + "\nDM002 a.c # map\n");
    const auto run = scan(rules_and(
        {"--root", directory.path().string(), "--overrides", overrides.string(), source.string()}));
    CHECK(run.status == exit_clean);
    CHECK_THAT(run.out, !Catch::Contains("[DM001]") && !Catch::Contains("unused override"));
}

TEST_CASE("an override without a justification is an error naming file:line") {
    TemporaryDirectory directory;
    const auto source = directory.write("a.c", mapping_program("", "", "0xF0000"));
    const auto overrides = directory.write("overrides", "DM002 a.c:probe # fine\nDM001 a.c:5\n");
    const auto run = scan(rules_and({"--overrides", overrides.string(), source.string()}));
    CHECK(run.status == exit_usage);
    CHECK_THAT(run.err, Catch::Contains(overrides.string() + ":2: override of DM001 for a.c:5 "
                                                             "has no justification"));
}

TEST_CASE("a baseline survives moved lines, not changed or removed findings") {
    TemporaryDirectory directory;
    const auto baseline = (directory.path() / "baseline.json").string();
    const auto source = directory.write("a.c", mapping_program("", "", "0xF0000"));
    const auto root = directory.path().string();
    const auto recorded =
        scan(rules_and({"--root", root, "--write-baseline", baseline, source.string()}));
    REQUIRE(recorded.status == exit_clean);
    const auto entries = nlohmann::json::parse(std::ifstream(baseline)).at("findings");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].at("file") == "a.c");
    CHECK(entries[0].at("function") == "probe");

    const std::vector<std::string> with_baseline = {"--root", root, "--baseline", baseline,
                                                    source.string()};
    SECTION("lines inserted above each finding: still suppressed") {
        directory.write("a.c", mapping_program("/* a new\n   header */\n",
                                               "    int unused = 0;\n\n", "0xF0000"));
        const auto run = scan(rules_and(with_baseline));
        CHECK(run.status == exit_clean);
        CHECK_THAT(run.out, !Catch::Contains("[DM00") && !Catch::Contains("stale"));
    }
    SECTION("what the map is about changed: reported again") {
        directory.write("a.c", mapping_program("", "", "0xC0000"));
        const auto run = scan(rules_and(with_baseline));
        CHECK(run.status == exit_findings);
        CHECK_THAT(run.out, Catch::Contains("[DM002]") && !Catch::Contains("[DM001]"));
        CHECK_THAT(run.out, Catch::Contains("stale baseline entry"));
    }
    SECTION("the code removed: its entries are reported stale") {
        directory.write("a.c", "void *probe(void) { return 0; }\n");
        const auto run = scan(rules_and(with_baseline));
        CHECK(run.status == exit_clean);
        CHECK_THAT(run.out, Catch::Contains("DM001 in a.c (probe) is no longer found") &&
                                Catch::Contains("DM002 in a.c (probe) is no longer found"));
    }
}

TEST_CASE("a malformed baseline is a configuration error") {
    TemporaryDirectory directory;
    const auto source = directory.write("a.c", mapping_program("", "", "0xF0000"));
    const auto baseline = directory.write("baseline.json", "{\"findings\": 3}");
    const auto run = scan(rules_and({"--baseline", baseline.string(), source.string()}));
    CHECK(run.status == exit_usage);
    CHECK_THAT(run.err, Catch::Contains("not a devmem-scan baseline"));
}

TEST_CASE(
    "with --report-suppressed, what is silenced is written as SARIF results marked suppressed") {
    TemporaryDirectory directory;
    const auto root = directory.path().string();
    const auto inline_and_override = directory.write(
        "a.c", "#include <fcntl.h>\n#include <sys/mman.h>\n"
               "void *probe(void) {\n"
               "    int fd = open(\"/dev/mem\", O_RDONLY); /* devmem-scan: ignore[DM001] the "
               "probe's own check */\n"
               "    return mmap(0, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000);\n}\n");
    directory.write("debian/devmem-scan.overrides",
                    "DM002 a.c:probe # reads the SMBIOS entry point, served by the shim\n");
    const auto baselined = directory.write(
        "b.c", "#include <fcntl.h>\nint port(void) { return open(\"/dev/port\", O_RDONLY); }\n");
    const auto baseline = (directory.path() / "baseline.json").string();
    REQUIRE(scan(rules_and({"--root", root, "--write-baseline", baseline, baselined.string()}))
                .status == exit_clean);
    const std::vector<std::string> arguments{"--root",
                                             root,
                                             "--baseline",
                                             baseline,
                                             "--format",
                                             "sarif",
                                             inline_and_override.string(),
                                             baselined.string()};

    auto with_flag = arguments;
    with_flag.push_back("--report-suppressed");
    const auto run = scan(rules_and(with_flag));
    CHECK(run.status == exit_clean);
    std::map<std::string, nlohmann::json> suppression_by_rule;
    const auto log = nlohmann::json::parse(run.out);
    for (const auto& result : log.at("runs")[0].at("results")) {
        REQUIRE(result.at("suppressions").size() == 1);
        CHECK(result.at("partialFingerprints").contains("devmemScan/v1"));
        suppression_by_rule[result.at("ruleId")] = result.at("suppressions")[0];
    }
    REQUIRE(suppression_by_rule.size() == 3);
    CHECK(suppression_by_rule["DM001"] ==
          nlohmann::json{{"kind", "inSource"},
                         {"status", "accepted"},
                         {"justification", "the probe's own check"}});
    CHECK(suppression_by_rule["DM002"] ==
          nlohmann::json{{"kind", "external"},
                         {"status", "accepted"},
                         {"justification", "reads the SMBIOS entry point, served by the shim"}});
    CHECK(suppression_by_rule["DM004"].at("kind") == "external");
    CHECK_THAT(suppression_by_rule["DM004"].at("justification").get<std::string>(),
               Catch::Contains("baseline"));

    SECTION("without the flag, the silenced findings are not in the log") {
        const auto plain = scan(rules_and(arguments));
        CHECK(plain.status == exit_clean);
        CHECK(nlohmann::json::parse(plain.out).at("runs")[0].at("results").empty());
    }
    SECTION("another format is a usage error") {
        const auto text = scan(rules_and({"--report-suppressed", baselined.string()}));
        CHECK(text.status == exit_usage);
        CHECK_THAT(text.err, Catch::Contains("--report-suppressed needs --format sarif"));
    }
}
