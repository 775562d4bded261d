// Translation units whose headers are missing: empty stand-ins let the rest of the file be
// analysed (low confidence, with a note naming the headers), and what still does not parse is
// matched lexically.

#include "devmem/scan/cli.hpp"

#include "lexical_scan.hpp"
#include "scan_run.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

using namespace devmem::scan;
namespace fs = std::filesystem;

namespace {

const fs::path corpus = DEVMEM_CORPUS_DIR;

// A compilation database for the sources of `program`, as a build records it (so the findings
// of a unit that parses start at high confidence).
fs::path database_for(const TemporaryDirectory& directory, const fs::path& program,
                      const std::vector<std::string>& extra = {}) {
    auto entries = nlohmann::json::array();
    for (const auto& entry : fs::directory_iterator(program)) {
        const auto extension = entry.path().extension();
        if (extension != ".c" && extension != ".cpp") {
            continue;
        }
        std::vector<std::string> arguments{extension == ".c" ? "cc" : "c++",
                                           "-I" + program.string(), "-c", entry.path().string()};
        arguments.insert(arguments.end() - 2, extra.begin(), extra.end());
        entries.push_back({{"directory", program.string()},
                           {"file", entry.path().string()},
                           {"arguments", arguments}});
    }
    return directory.write("compile_commands.json", entries.dump());
}

struct JsonRun {
    int status;
    nlohmann::json report;
};

JsonRun scan_json(const fs::path& database, std::vector<std::string> more = {}) {
    std::vector<std::string> arguments{"--rules", DEVMEM_SOURCE_RULES_DIR, "--format", "json",
                                       "-p",      database.string()};
    arguments.insert(arguments.end(), more.begin(), more.end());
    const auto run = scan(arguments);
    return {run.status, nlohmann::json::parse(run.out)};
}

std::vector<std::string> note_messages(const nlohmann::json& report) {
    std::vector<std::string> messages;
    for (const auto& note : report["notes"]) {
        messages.push_back(note["message"].get<std::string>());
    }
    return messages;
}

bool has_note(const nlohmann::json& report, const std::string& text) {
    return std::ranges::any_of(note_messages(report), [&](const std::string& message) {
        return message.find(text) != std::string::npos;
    });
}

// The findings of one rule, as "line confidence".
std::vector<std::string> findings_of(const nlohmann::json& report, const std::string& rule) {
    std::vector<std::string> found;
    for (const auto& finding : report["findings"]) {
        if (finding["rule"] == rule) {
            found.push_back(fmt::format("{} {}", finding["location"]["line"].get<int>(),
                                        finding["confidence"].get<std::string>()));
        }
    }
    return found;
}

} // namespace

TEST_CASE("a missing generated config.h is stood in for and the rest of the file is analysed") {
    TemporaryDirectory directory;
    const auto database = database_for(directory, corpus / "missing-generated-config-h");
    const auto run = scan_json(database);
    CHECK(run.status == exit_findings);
    CHECK(has_note(run.report, "missing headers 'config.h': analysed with empty stand-ins"));
    CHECK(findings_of(run.report, "DM001") == std::vector<std::string>{"30 low"});
    CHECK(findings_of(run.report, "DM002") == std::vector<std::string>{"35 low"});
    CHECK(scan_json(database, {"--strict"}).status == exit_incomplete);
}

TEST_CASE("a vendor header's missing types and constants get stand-in declarations") {
    TemporaryDirectory directory;
    const auto run = scan_json(database_for(directory, corpus / "missing-vendor-sdk-header"));
    CHECK(has_note(run.report, "missing headers 'oem-sdk/oem_platform.h'"));
    CHECK(has_note(run.report, "stand-in declarations"));
    // Once u8, u32 and oem_ctx_t are declared nothing is left unparsed.
    CHECK_FALSE(has_note(run.report, "still has errors"));
    CHECK(findings_of(run.report, "DM001") == std::vector<std::string>{"16 low"});
    CHECK(findings_of(run.report, "DM002") == std::vector<std::string>{"21 low", "29 low"});
}

TEST_CASE(
    "a stand-in for a variable that a missing type hid is withdrawn once the unit declares it") {
    TemporaryDirectory directory;
    // With `Path` unknown, clang drops `*device` from the declaration and its use looks undeclared;
    // the `extern int device;` stood in for it then clashes with the unit's own declaration.
    const auto file = directory.write("probe.c", R"(#include "board.h"
#include <fcntl.h>
#include <sys/mman.h>

static Path *scratch, *device = "/dev/mem";

int map_bios(void) {
    int fd = open(device, O_RDONLY);
    return mmap(0, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000) != 0;
}
)");
    const auto run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--format", "json", file.string()});
    const auto report = nlohmann::json::parse(run.out);
    CHECK(has_note(report, "missing headers 'board.h': analysed with empty stand-ins and 1 "
                           "stand-in declarations"));
    CHECK_FALSE(has_note(report, "still has errors"));
    CHECK(findings_of(report, "DM001") == std::vector<std::string>{"8 low"});
    CHECK(findings_of(report, "DM002") == std::vector<std::string>{"9 low"});
}

TEST_CASE("an open that still does not parse is matched lexically") {
    TemporaryDirectory directory;
    const auto run = scan_json(database_for(directory, corpus / "missing-header-lexical-fallback"));
    CHECK(has_note(run.report, "missing headers 'hwframework/access.hpp'"));
    CHECK(has_note(run.report, "device opens are also matched lexically"));
    REQUIRE(findings_of(run.report, "DM001") == std::vector<std::string>{"14 low"});
    const auto& finding = run.report["findings"][0];
    CHECK(finding["location"]["column"] == 20);
    CHECK(finding["function"] == "probe_bios");
    CHECK(finding["trace"][0]["message"] == "matched lexically: the file did not parse completely");
}

TEST_CASE("without the C library's headers the calls are still found") {
    TemporaryDirectory directory;
    // As on a machine without libc6-dev: only the compiler's own headers are found.
    const auto database =
        database_for(directory, corpus / "open-openat-atfdcwd-pread", {"-nostdlibinc"});
    const auto run = scan_json(database);
    CHECK(has_note(run.report, "missing headers 'fcntl.h'"));
    CHECK(findings_of(run.report, "DM001") == std::vector<std::string>{"20 low"});
    CHECK(findings_of(run.report, "DM003") == std::vector<std::string>{"26 low"});
}

TEST_CASE("units whose headers are all there keep high confidence beside one that lacks some") {
    TemporaryDirectory directory;
    const auto complete = directory.write(
        "complete/mem.c", "#include <fcntl.h>\nint f(void) { return open(\"/dev/mem\", 0); }\n");
    const auto lacking =
        directory.write("lacking/mem.c", "#include \"generated.h\"\n#include <fcntl.h>\n"
                                         "int g(void) { return open(\"/dev/kmem\", 0); }\n");
    auto entries = nlohmann::json::array();
    for (const auto& file : {complete, lacking}) {
        entries.push_back({{"directory", file.parent_path().string()},
                           {"file", file.string()},
                           {"arguments", {"cc", "-c", file.string()}}});
    }
    const auto database = directory.write("compile_commands.json", entries.dump());
    const auto run = scan_json(database);
    CHECK(findings_of(run.report, "DM001") == std::vector<std::string>{"2 high", "3 low"});
    CHECK(note_messages(run.report).size() == 1);
    CHECK(has_note(run.report, "missing headers 'generated.h'"));
}

TEST_CASE("stand-ins stay inside their directory and are bounded in number") {
    TemporaryDirectory directory;
    std::string source = "#include \"../up.h\"\n#include \"../../../../../../../escape.h\"\n"
                         "#include \"/nonexistent/absolute.h\"\n";
    for (int i = 0; i < 700; ++i) {
        source += fmt::format("#include \"generated_{}.h\"\n", i);
    }
    source += "#include <fcntl.h>\nint f(void) { return open(\"/dev/mem\", 0); }\n";
    const auto file = directory.write("src/many.c", source);
    const auto run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--format", "json", file.string()});
    const auto report = nlohmann::json::parse(run.out);
    CHECK(has_note(report, "'../up.h'"));
    // The headers no stand-in can replace stay errors, and the open is still found.
    CHECK(has_note(report, "still has errors"));
    CHECK_FALSE(has_note(report, "'../../../../../../../escape.h',"));
    CHECK_FALSE(has_note(report, "'/nonexistent/absolute.h',"));
    CHECK_FALSE(has_note(report, "'generated_699.h'"));
    CHECK(findings_of(report, "DM001") == std::vector<std::string>{"705 low"});
}

TEST_CASE("a compilation database naming a missing directory or file is a note, not a failure") {
    TemporaryDirectory directory;
    const auto present =
        directory.write("present.c", "int open(const char*, int);\n"
                                     "int f(void) { return open(\"/dev/mem\", 0); }\n");
    const auto entries =
        nlohmann::json::array({{{"directory", (directory.path() / "gone").string()},
                                {"file", "lost.c"},
                                {"arguments", {"cc", "-c", "lost.c"}}},
                               {{"directory", directory.path().string()},
                                {"file", "absent.c"},
                                {"arguments", {"cc", "-c", "absent.c"}}},
                               {{"directory", directory.path().string()},
                                {"file", present.string()},
                                {"arguments", {"cc", "-c", present.string()}}}});
    const auto database = directory.write("compile_commands.json", entries.dump());
    const auto run = scan_json(database);
    CHECK(run.status == exit_findings);
    CHECK(has_note(run.report, fmt::format("skipped: its build directory {} does not exist",
                                           (directory.path() / "gone").string())));
    CHECK(has_note(run.report, "skipped: no such file"));
    CHECK(findings_of(run.report, "DM001") == std::vector<std::string>{"2 high"});
    CHECK(scan_json(database, {"--strict"}).status == exit_incomplete);
}

TEST_CASE("the lexer keeps names, strings and call punctuation with clang's lines and columns") {
    using devmem::scan::detail::lex_source;
    const std::string text = "/* open(\"/dev/mem\") */ x = open(\"/dev/\\\"mem\", 0x1e+5);\n"
                             "\t// fopen(\"/dev/kmem\")\n"
                             "R\"raw(\"/dev/port\")raw\" 'a' u8\"s\" y;\n"
                             "\"unterminated\n"
                             "z";
    const auto tokens = lex_source(text);
    std::vector<std::string> spelled;
    spelled.reserve(tokens.size());
    for (const auto& token : tokens) {
        spelled.push_back(fmt::format("{}:{}:{}", token.line, token.column, token.text));
    }
    CHECK(spelled == std::vector<std::string>{"1:24:x", "1:28:open", "1:32:(",
                                              "1:33:\"/dev/\\\"mem\"", "1:53:)", "1:54:;", "3:34:y",
                                              "3:35:;", "5:1:z"});
}

TEST_CASE("tokens without an open-like call hold no lexical open, whatever the macros") {
    using devmem::scan::detail::has_open_like_call;
    using devmem::scan::detail::lex_source;
    using devmem::scan::detail::lexical_device_opens;
    const devmem::scan::detail::PathMacros macros{{"DEVICE", "/dev/mem"}};
    for (const std::string text : {"fd = open(DEVICE, 0);", "FILE *f = fopen(DEVICE, \"r\");",
                                   "std::ifstream in(DEVICE);", "std::ifstream{DEVICE};"}) {
        const auto tokens = lex_source(text);
        CHECK(has_open_like_call(tokens));
        CHECK(lexical_device_opens(tokens, macros).size() == 1);
    }
    for (const std::string text :
         {"int (*opener)(const char *, int) = open;", "reopen(DEVICE, 0);",
          "p = mmap(0, 4096, DEVICE, 0, fd, 0);", "char open[] = DEVICE;"}) {
        const auto tokens = lex_source(text);
        CHECK_FALSE(has_open_like_call(tokens));
        CHECK(lexical_device_opens(tokens, macros).empty());
    }
}

TEST_CASE("the lexer takes any bytes: NUL, invalid UTF-8, an unterminated comment") {
    using devmem::scan::detail::lex_source;
    static constexpr char bytes[] = "open(\"/dev/mem\"\0, \xff\xfe) /* never closed";
    const std::string text(bytes, sizeof(bytes) - 1);
    const auto tokens = lex_source(text);
    REQUIRE(tokens.size() >= 3);
    CHECK(tokens[0].text == "open");
    CHECK(tokens[2].text == "\"/dev/mem\"");
    CHECK(lex_source("/*").empty());
    CHECK(lex_source("\"").empty());
}
