// devmem-scan on hostile input (docs/reliability.md, "Analyzer"): each case runs the real binary
// as a child process and asserts its message, exit status and output, that it finished within a
// time bound, and that its peak resident memory (wait4's ru_maxrss, which covers the children it
// reaped) stayed bounded. The inputs are generated here; none is committed.

#include "hostile_units.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

// Wide margins: the slowest case (a 10 MB line) takes a few seconds and under 400 MiB with
// libclang; the bounds catch a hang or a blow-up, not a slow machine.
constexpr auto time_limit = std::chrono::seconds(120);
constexpr long memory_limit_kib = 1536L * 1024;

struct ChildRun {
    int status = -1; // the exit status; -1 when killed by a signal or the time limit
    bool timed_out = false;
    std::string out;
    std::string err;
    double seconds = 0;
    long peak_rss_kib = 0;
};

std::string read_all(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Runs devmem-scan with the arguments, in `directory`, output into files there (no pipe to fill).
ChildRun run_scanner(const TemporaryDirectory& directory, const std::vector<std::string>& arguments,
                     const fs::path& working_directory = {}) {
    const auto out_file = directory.path() / "scan.out";
    const auto err_file = directory.path() / "scan.err";
    std::vector<std::string> argv_strings{DEVMEM_SCAN_BINARY, "--rules", DEVMEM_SOURCE_RULES_DIR};
    argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    argv.reserve(argv_strings.size() + 1);
    for (auto& argument : argv_strings) {
        argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
    const auto start = std::chrono::steady_clock::now();
    const pid_t child = fork();
    if (child == 0) {
        const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0 ||
            (!working_directory.empty() && chdir(working_directory.c_str()) != 0)) {
            _exit(126);
        }
        execv(argv[0], argv.data());
        _exit(127);
    }
    ChildRun run;
    REQUIRE(child > 0);
    int status = 0;
    rusage usage{};
    for (;;) {
        const pid_t done = wait4(child, &status, WNOHANG, &usage);
        if (done == child) {
            break;
        }
        if (std::chrono::steady_clock::now() - start > time_limit) {
            run.timed_out = true;
            kill(child, SIGKILL);
            wait4(child, &status, 0, &usage);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.peak_rss_kib = usage.ru_maxrss;
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = read_all(out_file);
    run.err = read_all(err_file);
    return run;
}

void check_bounded(const ChildRun& run) {
    INFO(fmt::format("{:.2f} s, {} KiB peak RSS, status {}, stderr: {}", run.seconds,
                     run.peak_rss_kib, run.status, run.err));
    CHECK_FALSE(run.timed_out);
    CHECK(run.status >= 0); // not killed by a signal: no crash
    CHECK(run.peak_rss_kib < memory_limit_kib);
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        unsigned code = 0;
        if (byte < 0x80) {
            ++i;
            continue;
        }
        if ((byte & 0xE0U) == 0xC0) {
            length = 2;
            code = byte & 0x1FU;
        } else if ((byte & 0xF0U) == 0xE0) {
            length = 3;
            code = byte & 0x0FU;
        } else if ((byte & 0xF8U) == 0xF0) {
            length = 4;
            code = byte & 0x07U;
        } else {
            return false;
        }
        if (i + length > text.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0U) != 0x80) {
                return false;
            }
            code = (code << 6U) | (next & 0x3FU);
        }
        constexpr unsigned smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return false;
        }
        i += length;
    }
    return true;
}

// Every format's output is valid UTF-8, and the JSON ones parse (nlohmann rejects invalid UTF-8).
// Returns the JSON report.
nlohmann::json check_every_format(const TemporaryDirectory& directory,
                                  const std::vector<std::string>& inputs) {
    nlohmann::json report;
    for (const std::string format : {"text", "json", "sarif", "gitlab"}) {
        auto arguments = inputs;
        arguments.insert(arguments.begin(), {"--format", format});
        const auto run = run_scanner(directory, arguments);
        INFO(format);
        check_bounded(run);
        CHECK(run.status == 1);
        CHECK(is_valid_utf8(run.out));
        if (format == "text") {
            CHECK_THAT(run.out, Catch::Contains("[DM001]"));
            continue;
        }
        nlohmann::json parsed;
        REQUIRE_NOTHROW(parsed = nlohmann::json::parse(run.out));
        if (format == "json") {
            report = parsed;
        }
    }
    return report;
}

std::vector<std::string> rules_found(const nlohmann::json& report) {
    std::vector<std::string> rules;
    for (const auto& finding : report["findings"]) {
        rules.push_back(finding["rule"]);
    }
    return rules;
}

const std::string open_devmem =
    "#include <fcntl.h>\nint probe(void) { return open(\"/dev/mem\", O_RDONLY); }\n";

} // namespace

// Scans the file with --strict once in worker processes and once in-process: each run stays
// bounded, exits 3 (incomplete), finds exactly the open and gives one note containing the text.
// parse_crashes: libclang's crash recovery abandons what the crashed parse allocated, so
// in-process LeakSanitizer is off (a sanitized build would report that at exit instead of
// writing the report).
void check_one_note_in_workers_and_in_process(const TemporaryDirectory& directory,
                                              const fs::path& source, const std::string& note,
                                              bool parse_crashes) {
    for (const bool in_process : {false, true}) {
        std::vector<std::string> arguments{"--format", "json", "--strict", source.string()};
        if (in_process) {
            arguments.insert(arguments.begin(), {"--tu-timeout", "0", "--tu-memory-limit", "0"});
        }
        const bool quiet_leaks = in_process && parse_crashes;
        if (quiet_leaks) {
            setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
        }
        const auto run = run_scanner(directory, arguments);
        if (quiet_leaks) {
            unsetenv("ASAN_OPTIONS");
        }
        INFO(fmt::format("{} in-process", in_process ? "" : "not"));
        check_bounded(run);
        CHECK(run.status == 3);
        const auto report = nlohmann::json::parse(run.out);
        CHECK(rules_found(report) == std::vector<std::string>{"DM001"});
        REQUIRE(report["notes"].size() == 1);
        CHECK_THAT(report["notes"][0]["message"].get<std::string>(), Catch::Contains(note));
    }
}

TEST_CASE("a source file with NUL bytes is analysed around them") {
    TemporaryDirectory directory;
    const std::string nul_bytes("\0\0 int stray\0;\n", 15);
    const auto source = directory.write("nul.c", open_devmem + nul_bytes);
    const auto run = run_scanner(directory, {"--format", "json", source.string()});
    check_bounded(run);
    CHECK(run.status == 1);
    CHECK(rules_found(nlohmann::json::parse(run.out)) == std::vector<std::string>{"DM001"});
}

TEST_CASE("source lines that are not UTF-8 leave every report format valid UTF-8") {
    TemporaryDirectory directory;
    const auto source = directory.write(
        "latin1.c",
        "/* Auteur: Fran\xe7ois */\n#include <fcntl.h>\nint probe(void) { return "
        "open(\"/dev/mem\", O_RDONLY); } /* \xff\xfe */\nconst char *s = \"\xe9t\xe9\";\n");
    const auto report = check_every_format(directory, {source.string()});
    CHECK(rules_found(report) == std::vector<std::string>{"DM001"});
}

TEST_CASE("a file name that is not UTF-8 is replaced in JSON and percent-encoded in SARIF URIs") {
    TemporaryDirectory directory;
    const auto source = directory.write("bad-\xff\xfe-\xe9.c", open_devmem);
    const auto report = check_every_format(directory, {source.string()});
    REQUIRE(rules_found(report) == std::vector<std::string>{"DM001"});
    CHECK_THAT(report["findings"][0]["location"]["file"].get<std::string>(),
               Catch::EndsWith("bad-\xef\xbf\xbd\xef\xbf\xbd-\xef\xbf\xbd.c"));
    const auto sarif = run_scanner(
        directory, {"--format", "sarif", "--root", directory.path().string(), source.string()});
    const auto uri =
        nlohmann::json::parse(sarif.out)["runs"][0]["results"][0]["locations"][0]
                                        ["physicalLocation"]["artifactLocation"]["uri"];
    CHECK(uri == "bad-%FF%FE-%E9.c");
    const auto summary = run_scanner(directory, {"--summary", source.string()});
    CHECK_THAT(summary.err, Catch::Contains("bad-\xef\xbf\xbd\xef\xbf\xbd-\xef\xbf\xbd.c"));
    CHECK(is_valid_utf8(summary.err));
}

TEST_CASE("a 10 MB line is parsed in bounded time and memory, and its snippet is cut") {
    TemporaryDirectory directory;
    std::string line = "static const unsigned char blob[] = {";
    constexpr std::size_t ten_megabytes = std::size_t{10} * 1024 * 1024;
    while (line.size() < ten_megabytes) {
        line += "0x5a,";
    }
    line += "0}; int probe(void) { return open(\"/dev/mem\", 0); }\n";
    const auto source = directory.write("long.c", "int open(const char *, int, ...);\n" + line);
    const auto run = run_scanner(directory, {source.string()});
    check_bounded(run);
    CHECK(run.status == 1);
    CHECK_THAT(run.out, Catch::Contains("[DM001]"));
    // The report quotes a window of the line around the finding, not ten megabytes.
    CHECK(run.out.size() < 4096);
}

TEST_CASE("deeply nested macros and expressions stay bounded") {
    TemporaryDirectory directory;
    std::string macros = "#include <fcntl.h>\n#define M0 \"/dev/mem\"\n";
    constexpr int macro_depth = 5000;
    for (int i = 1; i < macro_depth; ++i) {
        macros += fmt::format("#define M{} M{}\n", i, i - 1);
    }
    macros += fmt::format("int probe(void) {{ return open(M{}, O_RDONLY); }}\n", macro_depth - 1);
    // ASTs that deep: on an 8 MiB stack clang's own parser overflows on both (near a 70 000-term
    // sum, before a 6 000-deep unary chain). Clang's bracket limit (256) stops deep parentheses
    // with an error.
    std::string sum = "int total(void) { return 0";
    for (int i = 0; i < 100000; ++i) {
        sum += "+1";
    }
    sum += "; }\nint negated(int a) { return ";
    for (int i = 0; i < 6000; ++i) {
        sum += "- ";
    }
    sum += "a; }\n";
    std::string parentheses = "int nested(void) { return " + std::string(2000, '(') + "1" +
                              std::string(2000, ')') + "; }\n";
    const auto source = directory.write("deep.c", macros + sum + parentheses);
    const auto run = run_scanner(directory, {"--format", "json", source.string()});
    check_bounded(run);
    CHECK(run.status == 1);
    const auto report = nlohmann::json::parse(run.out);
    CHECK(rules_found(report) == std::vector<std::string>{"DM001"});
    CHECK(report["notes"].size() == 1);
}

// The data flow evaluates an expression once per round, however many assignments and calls nest
// inside it: each chain below folds to the range it stands for, in a time that grows linearly.
TEST_CASE("long unary and assignment chains fold in linear time") {
    TemporaryDirectory directory;
    constexpr int length = 10000;
    std::string negations;
    for (int i = 0; i < length; ++i) {
        negations += "- ";
    }
    std::string assignments;
    for (int i = 0; i < length; ++i) {
        assignments += "offset = ";
    }
    const auto source =
        directory.write("chains.c", "#include <fcntl.h>\n#include <sys/mman.h>\n"
                                    "static void *map_at(int fd, long base) {\n"
                                    "    return mmap(0, 0x1000, PROT_READ, MAP_SHARED, fd, " +
                                        negations +
                                        "base);\n}\n"
                                        "void *scan(void) {\n"
                                        "    int fd = open(\"/dev/mem\", O_RDONLY);\n"
                                        "    long offset;\n    " +
                                        assignments +
                                        "0xf0000;\n"
                                        "    mmap(0, 0x1000, PROT_READ, MAP_SHARED, fd, offset);\n"
                                        "    return map_at(fd, 0xe0000);\n}\n");
    const auto run = run_scanner(directory, {"--format", "json", source.string()});
    check_bounded(run);
    CHECK(run.seconds < 30);
    CHECK(run.status == 1);
    const auto report = nlohmann::json::parse(run.out);
    // Besides the wrapper's own map, whose range is its parameter's.
    std::vector<std::pair<std::string, std::string>> ranges;
    for (const auto& finding : report["findings"]) {
        if (finding["rule"] == "DM002" && finding["range"]["start"].is_string()) {
            ranges.emplace_back(finding["range"]["start"], finding["range"]["end"]);
        }
    }
    std::ranges::sort(ranges);
    CHECK(ranges == std::vector<std::pair<std::string, std::string>>{{"0xe0000", "0xe0fff"},
                                                                     {"0xf0000", "0xf0fff"}});
    CHECK(report["notes"].empty());
}

// Each branch of an if-else chain nests in the one before: what a branch changes is worked out
// once per statement, not again at every level of the chain.
TEST_CASE("an else-if chain of 10 000 branches keeps every value, in linear time") {
    TemporaryDirectory directory;
    std::string branches;
    for (int i = 1; i < 10000; ++i) {
        branches += fmt::format("    else if (k == {}) offset = {};\n", i,
                                i % 2 != 0 ? "0xC0000" : "0xF0000");
    }
    const auto source =
        directory.write("chain.c", "#include <fcntl.h>\n#include <unistd.h>\n"
                                   "int probe(int k, char *buf) {\n"
                                   "    off_t offset = 0xE0000;\n"
                                   "    int fd = open(\"/dev/mem\", O_RDONLY);\n"
                                   "    if (k == 0) offset = 0xC0000;\n" +
                                       branches + "    return pread(fd, buf, 16, offset);\n}\n");
    const auto run = run_scanner(directory, {"--format", "json", source.string()});
    check_bounded(run);
    CHECK(run.seconds < 30);
    const auto report = nlohmann::json::parse(run.out);
    std::vector<std::string> starts;
    for (const auto& finding : report["findings"]) {
        if (finding["rule"] == "DM003") {
            starts.push_back(finding["range"]["start"]);
        }
    }
    std::ranges::sort(starts);
    CHECK(starts == std::vector<std::string>{"0xc0000", "0xe0000", "0xf0000"});
}

TEST_CASE("an expression nested deeper than the evaluation follows is a note, not a crash") {
    TemporaryDirectory directory;
    std::string sum = "int total(int a) { return a";
    for (int i = 0; i < 100000; ++i) {
        sum += " + a";
    }
    const auto source = directory.write("deep-sum.c", open_devmem + sum + "; }\n");
    check_one_note_in_workers_and_in_process(directory, source, "nests deeper than 20000 levels",
                                             false);
}

TEST_CASE("a unary chain too deep for clang's parser is a note in workers and in-process") {
    TemporaryDirectory directory;
    const auto source = directory.write("deep-unary.c", crashing_unit(open_devmem));
    // The open is still found, lexically.
    check_one_note_in_workers_and_in_process(directory, source, "the parser crashed", true);
}

TEST_CASE("an include cycle is cut by clang's depth limit and the file is still analysed") {
    TemporaryDirectory directory;
    directory.write("a.h", "#include \"b.h\"\nint a_declaration;\n");
    directory.write("b.h", "#include \"a.h\"\nint b_declaration;\n");
    const auto source = directory.write("cycle.c", "#include \"a.h\"\n" + open_devmem);
    const auto run = run_scanner(directory, {"--format", "json", source.string()});
    check_bounded(run);
    CHECK(run.status == 1);
    const auto report = nlohmann::json::parse(run.out);
    CHECK(rules_found(report) == std::vector<std::string>{"DM001"});
    REQUIRE(report["notes"].size() == 1);
    CHECK_THAT(report["notes"][0]["message"].get<std::string>(),
               Catch::Contains("#include nested too deeply"));
}

TEST_CASE("missing headers are stood in for within bounds") {
    TemporaryDirectory directory;
    std::string source = "#include \"config.h\"\n";
    for (int i = 0; i < 2000; ++i) {
        source +=
            fmt::format("#include <vendor/missing_{}.h>\nvendor_type_{} value_{};\n", i, i, i);
    }
    const auto file = directory.write("many.c", source + open_devmem);
    const auto run = run_scanner(directory, {"--format", "json", "--strict", file.string()});
    check_bounded(run);
    CHECK(run.status == 3);
    const auto report = nlohmann::json::parse(run.out);
    CHECK(rules_found(report) == std::vector<std::string>{"DM001"});
    CHECK_THAT(report["notes"][0]["message"].get<std::string>(),
               Catch::StartsWith("missing headers 'config.h', 'vendor/missing_0.h'"));
}

TEST_CASE("random bytes in a .c file are a note, not a crash") {
    TemporaryDirectory directory;
    std::string noise(std::size_t{1024} * 1024, '\0');
    unsigned state = 12345;
    for (auto& byte : noise) {
        state = state * 1103515245U + 12345U;
        byte = static_cast<char>(state >> 16U);
    }
    const auto source = directory.write("noise.c", noise + "\n" + open_devmem);
    const auto run = run_scanner(directory, {"--format", "json", source.string()});
    check_bounded(run);
    CHECK((run.status == 0 || run.status == 1));
    CHECK(nlohmann::json::parse(run.out)["notes"].size() == 1);
}

TEST_CASE("a FIFO or a directory named as a source is skipped with a note, without blocking") {
    TemporaryDirectory directory;
    const auto fifo = directory.path() / "pipe.c";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    const auto folder = directory.path() / "folder.c";
    fs::create_directory(folder);
    const auto entries = nlohmann::json::array(
        {{{"directory", directory.path().string()}, {"file", "pipe.c"}, {"arguments", {"cc"}}},
         {{"directory", directory.path().string()}, {"file", "folder.c"}, {"arguments", {"cc"}}}});
    const auto database = directory.write("compile_commands.json", entries.dump());
    const auto run = run_scanner(directory, {"--format", "json", "-p", database.string()});
    check_bounded(run);
    CHECK(run.status == 0);
    const auto notes = nlohmann::json::parse(run.out)["notes"];
    REQUIRE(notes.size() == 2);
    CHECK(notes[0]["message"] == "skipped: not a regular file");
    CHECK(notes[1]["message"] == "skipped: not a regular file");
}

TEST_CASE("a compilation database that is not usable is a one-line error with exit 2") {
    TemporaryDirectory directory;
    struct Case {
        std::string contents;
        std::string message;
    };
    const std::vector<Case> cases{
        {"[{\"directory\": \"/tmp\", \"file\": ", "parse error"},
        {"", "parse error"},
        {"[{\"directory\": \"/tmp\", \"file\": \"\xff.c\"}]", "ill-formed UTF-8 byte"},
        {"{\"directory\": \"/tmp\"}", "expected an array of entries"},
        {"[{\"file\": \"a.c\"}]", "every entry needs \"directory\" and \"file\""},
        {"[{\"directory\": 7, \"file\": \"a.c\"}]", "entry 1: \"directory\" and \"file\" must be"},
        {"[{\"directory\": \"/tmp\", \"file\": \"a.c\", \"arguments\": \"cc\"}]",
         "entry 1: \"directory\" and \"file\" must be"},
    };
    for (const auto& bad : cases) {
        const auto database = directory.write("compile_commands.json", bad.contents);
        const auto run = run_scanner(directory, {"-p", database.string()});
        INFO(bad.contents);
        check_bounded(run);
        CHECK(run.status == 2);
        CHECK(run.out.empty());
        CHECK_THAT(run.err, Catch::StartsWith("devmem-scan: error: " + database.string() + ": "));
        CHECK_THAT(run.err, Catch::Contains(bad.message));
        CHECK(is_valid_utf8(run.err));
        CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
    }
    const auto missing = run_scanner(directory, {"-p", (directory.path() / "nowhere").string()});
    CHECK(missing.status == 2);
    CHECK_THAT(missing.err, Catch::Contains("cannot read the compilation database"));
}

TEST_CASE("a compilation database naming missing directories and files is noted, the rest run") {
    TemporaryDirectory directory;
    const auto present = directory.write("present.c", open_devmem);
    const auto entries = nlohmann::json::array(
        {{{"directory", "/nonexistent/build"}, {"file", "gone.c"}, {"command", "cc -c gone.c"}},
         {{"directory", directory.path().string()}, {"file", "absent.c"}, {"arguments", {"cc"}}},
         {{"directory", directory.path().string()},
          {"file", present.string()},
          {"arguments", {"cc", "-c", present.string()}}}});
    const auto database = directory.write("compile_commands.json", entries.dump());
    const auto run = run_scanner(directory, {"-p", database.string()});
    check_bounded(run);
    CHECK(run.status == 1);
    CHECK_THAT(run.out, Catch::Contains("/nonexistent/build/gone.c: note: skipped: its build "
                                        "directory /nonexistent/build does not exist"));
    CHECK_THAT(run.out, Catch::Contains("absent.c: note: skipped: no such file"));
    CHECK_THAT(run.out, Catch::Contains("present.c:2:26: warning: 'open' opens /dev/mem [DM001]"));
    CHECK(run_scanner(directory, {"--strict", "-p", database.string()}).status == 3);
}
