#include "devmem/scan/cli.hpp"

#include "scan_run.hpp"
#include "temporary_directory.hpp"

#include <devmem/version.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace devmem::scan;

namespace {

const std::string devmem_program =
    "#include <fcntl.h>\nint main(void) { return open(\"/dev/mem\", O_RDONLY); }\n";

} // namespace

TEST_CASE("the version option prints the project version") {
    const auto run = scan({"--version"});
    CHECK(run.status == exit_clean);
    CHECK(run.out == std::string("devmem-scan ") + DEVMEM_VERSION + "\n");
}

TEST_CASE("findings exit 1, a clean program exits 0") {
    TemporaryDirectory directory;
    const auto dirty = directory.write("dirty.c", devmem_program);
    const auto clean = directory.write("clean.c", "int main(void) { return 0; }\n");
    const auto found = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, dirty.string()});
    CHECK(found.status == exit_findings);
    CHECK_THAT(found.out, Catch::Contains("dirty.c:2:25: warning: 'open' opens /dev/mem [DM001]"));
    CHECK(scan({"--rules", DEVMEM_SOURCE_RULES_DIR, clean.string()}).status == exit_clean);
}

TEST_CASE("extra arguments reach the parser") {
    TemporaryDirectory directory;
    const auto source = directory.write("a.c", "#include <fcntl.h>\n#ifdef TARGET_X\n"
                                               "int f(void) { return open(\"/dev/mem\", 0); }\n"
                                               "#endif\n");
    const auto inactive = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, source.string()});
    CHECK_THAT(inactive.out, Catch::Contains("[DM007]"));
    const auto active =
        scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--extra-arg=-DTARGET_X", source.string()});
    CHECK_THAT(active.out, Catch::Contains("[DM001]") && !Catch::Contains("[DM007]"));
}

TEST_CASE("missing builtin headers are a configuration error naming the package") {
    TemporaryDirectory directory;
    const auto source = directory.write("a.c", devmem_program);
    const auto run =
        scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--extra-arg=-nostdinc", source.string()});
    CHECK(run.status == exit_usage);
    CHECK_THAT(run.err, Catch::Contains("stddef.h") && Catch::Contains("libclang-common-19-dev"));
}

TEST_CASE("usage and configuration errors exit 2") {
    CHECK(scan({}).status == exit_usage);
    CHECK(scan({"--no-such-option"}).status == exit_usage);
    CHECK(scan({"--format", "xml", "x.c"}).status == exit_usage);
    CHECK(scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "/nonexistent.c"}).status == exit_usage);
    CHECK(scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "-p", "/nonexistent"}).status == exit_usage);
}

TEST_CASE("a malformed rule file exits 2 naming where it is wrong") {
    TemporaryDirectory directory;
    directory.write("rules/bad.yaml", "id: x\napplies-to: {rule: DM001}\n");
    const auto source = directory.write("a.c", devmem_program);
    const auto run = scan({"--rules", (directory.path() / "rules").string(), source.string()});
    CHECK(run.status == exit_usage);
    CHECK_THAT(run.err, Catch::Contains("bad.yaml:1:1: missing required key 'message'"));
}

TEST_CASE("the report goes to the -o file, the input comes from the -p database") {
    TemporaryDirectory directory;
    const auto source = directory.write("src/a.c", devmem_program);
    directory.write("build/compile_commands.json",
                    nlohmann::json::array({{{"directory", (directory.path() / "src").string()},
                                            {"file", "a.c"},
                                            {"command", "cc -Werror -c a.c -o a.o"}}})
                        .dump());
    const auto report = directory.path() / "report.json";
    const auto run =
        scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "-p", (directory.path() / "build").string(),
              "--format", "json", "-o", report.string()});
    CHECK(run.status == exit_findings);
    CHECK(run.out.empty());
    const auto json = nlohmann::json::parse(std::ifstream(report));
    REQUIRE(json.at("findings").size() == 1);
    CHECK(json.at("findings").at(0).at("confidence") == "high");
    CHECK(json.at("findings").at(0).at("rewrite_rule") == "devmem-open-to-compat");
}

TEST_CASE("file arguments select entries of the compilation database") {
    TemporaryDirectory directory;
    directory.write("src/a.c", devmem_program);
    directory.write("src/b.c", devmem_program);
    auto entries = nlohmann::json::array();
    for (const char* file : {"a.c", "b.c"}) {
        entries.push_back({{"directory", (directory.path() / "src").string()},
                           {"file", file},
                           {"arguments", {"cc", "-c", file}}});
    }
    directory.write("compile_commands.json", entries.dump());
    const auto run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "-p", directory.path().string(),
                           (directory.path() / "src/b.c").string()});
    CHECK(run.status == exit_findings);
    CHECK_THAT(run.out, Catch::Contains("b.c:2:25") && !Catch::Contains("a.c:2:25"));
}

TEST_CASE("fail-on sets the least severity that exits 1") {
    TemporaryDirectory directory;
    const auto source = directory.write("a.c", devmem_program); // DM001 is a warning
    const std::vector<std::string> base = {"--rules", DEVMEM_SOURCE_RULES_DIR, source.string()};
    auto with = [&](std::vector<std::string> extra) {
        extra.insert(extra.end(), base.begin(), base.end());
        return scan(extra).status;
    };
    CHECK(with({}) == exit_findings);
    CHECK(with({"--fail-on", "warning"}) == exit_findings);
    CHECK(with({"--fail-on", "note"}) == exit_findings);
    CHECK(with({"--fail-on", "error"}) == exit_clean);
    CHECK(with({"--fail-on", "loud"}) == exit_usage);
}

TEST_CASE("notes alone do not fail by default") {
    TemporaryDirectory directory;
    // Only DM007: a device open in a branch not compiled here, a low-confidence note.
    const auto source = directory.write("a.c", "#include <fcntl.h>\n#ifdef TARGET_X\n"
                                               "int f(void) { return open(\"/dev/mem\", 0); }\n"
                                               "#endif\n");
    const auto run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, source.string()});
    CHECK_THAT(run.out, Catch::Contains("note:") && Catch::Contains("[DM007]"));
    CHECK(run.status == exit_clean);
    CHECK(scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--fail-on", "note", source.string()}).status ==
          exit_findings);
}

TEST_CASE("strict mode exits 3 when a file failed to parse") {
    TemporaryDirectory directory;
    // It mentions the device, so the prefilter does not skip it as irrelevant.
    const auto broken =
        directory.write("broken.c", "#include <fcntl.h>\nint main( { open(\"/dev/mem\", 0); }\n");
    const auto clean = directory.write("clean.c", "int g(void) { return 0; }\n");
    const auto lenient =
        scan({"--rules", DEVMEM_SOURCE_RULES_DIR, broken.string(), clean.string()});
    // What the parser lost is still matched lexically, so the open is reported.
    CHECK(lenient.status == exit_findings);
    CHECK_THAT(lenient.out, Catch::Contains("broken.c: note:"));
    CHECK_THAT(lenient.out, Catch::Contains("[DM001]"));
    CHECK(scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--strict", broken.string(), clean.string()})
              .status == exit_incomplete);
    CHECK(scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--strict", clean.string()}).status ==
          exit_clean);
}

TEST_CASE("check globs select the rules that run") {
    TemporaryDirectory directory;
    const auto source = directory.write("a.c", devmem_program);
    const auto without =
        scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--checks", "DM*,-DM001", source.string()});
    CHECK(without.status == exit_clean);
    CHECK_THAT(without.out, !Catch::Contains("[DM001]"));
    const auto only =
        scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--checks", "DM001", source.string()});
    CHECK_THAT(only.out, Catch::Contains("[DM001]"));
    const auto typo =
        scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--checks", "DN*", source.string()});
    CHECK(typo.status == exit_usage);
    CHECK_THAT(typo.err, Catch::Contains("'DN*' matches no rule"));
}

TEST_CASE("the nearest .devmem-scan.yaml selects rules and overrides severities") {
    TemporaryDirectory directory;
    directory.write(".devmem-scan.yaml", "severity:\n  DM001: note\n");
    const auto source = directory.write("src/deep/a.c", devmem_program);
    const auto demoted = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, source.string()});
    CHECK_THAT(demoted.out, Catch::Contains("note: 'open' opens /dev/mem [DM001]"));
    CHECK(demoted.status == exit_clean);
    // A config named with --config wins over the one found; the command line over both.
    const auto strict = directory.write("strict.yaml", "checks: 'DM001'\nfail-on: note\n");
    CHECK(scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--config", strict.string(), source.string()})
              .status == exit_findings);
    CHECK(scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--config", strict.string(), "--checks",
                "-DM001,DM002", source.string()})
              .status == exit_clean);
}

TEST_CASE("a configuration error exits 2 naming file:line:column") {
    TemporaryDirectory directory;
    const auto source = directory.write("a.c", devmem_program);
    const auto bad_severity =
        directory.write("bad.yaml", "checks: 'DM*'\nseverity:\n  DM001: loud\n");
    auto run = scan(
        {"--rules", DEVMEM_SOURCE_RULES_DIR, "--config", bad_severity.string(), source.string()});
    CHECK(run.status == exit_usage);
    CHECK_THAT(run.err, Catch::Contains("bad.yaml:3:10: expected a severity"));
    const auto bad_key = directory.write("key.yaml", "checks: 'DM*'\nfail_on: note\n");
    run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--config", bad_key.string(), source.string()});
    CHECK(run.status == exit_usage);
    CHECK_THAT(run.err, Catch::Contains("key.yaml:2:1: unknown key 'fail_on'"));
    const auto bad_yaml = directory.write("syntax.yaml", "checks: [DM001\n");
    run =
        scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--config", bad_yaml.string(), source.string()});
    CHECK(run.status == exit_usage);
    CHECK_THAT(run.err, Catch::Contains("syntax.yaml:"));
}

TEST_CASE("GitLab Code Quality output has a path relative to the root and a fingerprint") {
    TemporaryDirectory directory;
    const auto source = directory.write("src/a.c", devmem_program);
    const auto run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--format", "gitlab", "--root",
                           directory.path().string(), source.string()});
    CHECK(run.status == exit_findings);
    const auto issues = nlohmann::json::parse(run.out);
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].at("check_name") == "DM001");
    CHECK(issues[0].at("severity") == "major");
    CHECK(issues[0].at("location").at("path") == "src/a.c");
    CHECK(issues[0].at("location").at("lines").at("begin") == 2);
    CHECK(issues[0].at("fingerprint").get<std::string>().size() == 16);
    CHECK_THAT(issues[0].at("description").get<std::string>(), Catch::Contains("/dev/mem"));
}

TEST_CASE("parser threads do not change the report") {
    TemporaryDirectory directory;
    directory.write("src/a.c", devmem_program);
    directory.write("src/b.c", devmem_program);
    const auto source = (directory.path() / "src").string();
    const auto serial = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "-j", "1", source});
    CHECK(serial.status == exit_findings);
    const auto parallel = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "-j", "2", source});
    CHECK(parallel.status == exit_findings);
    CHECK(parallel.out == serial.out);
    CHECK(scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "-j", "many", source}).status == exit_usage);
}
