#include "devmem/scan/cli.hpp"

#include "temporary_directory.hpp"

#include <devmem/version.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace devmem::scan;

namespace {

struct Run {
    int status;
    std::string out;
    std::string err;
};

Run scan(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), "devmem-scan");
    std::vector<const char*> argv;
    argv.reserve(arguments.size());
    for (const auto& argument : arguments) {
        argv.push_back(argument.c_str());
    }
    std::ostringstream out;
    std::ostringstream err;
    const int status = run_devmem_scan(static_cast<int>(argv.size()), argv.data(), out, err);
    return {status, out.str(), err.str()};
}

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
