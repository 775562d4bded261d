// Units whose missing headers are known before their first parse: they start with the
// headers' stand-ins and a seed of declarations that another unit lacking one of the same
// headers learned, so that most of them parse once.

#include "devmem/scan/cli.hpp"

#include "parsed_unit.hpp"
#include "scan_run.hpp"
#include "temporary_directory.hpp"
#include "unit_parser.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

using namespace devmem::scan;
using namespace devmem::scan::detail;
namespace fs = std::filesystem;

namespace {

// A parsed unit, disposed of at the end of the test.
struct Parsed {
    ParsedUnit parsed;
    ~Parsed() {
        if (parsed.unit != nullptr) {
            clang_disposeTranslationUnit(parsed.unit);
        }
    }
};

class Parser {
public:
    Parser() = default;
    Parser(const Parser&) = delete;
    Parser& operator=(const Parser&) = delete;
    ~Parser() { clang_disposeIndex(index_); }

    CXIndex index() const { return index_; }

    // `file` as a build would compile it (not inferred: high confidence unless stand-ins).
    ParsedUnit parse(const fs::path& file, const StandInStart& start = {},
                     const LearnedCallback& on_learned = {}) const {
        const CompileJob job{file, file.parent_path(), {"-x", "c", "-std=gnu11"}, false};
        return parse_unit(index_, job, AnalyzerOptions{}, start, on_learned);
    }

private:
    CXIndex index_ = clang_createIndex(0, 0);
};

std::string note_of(const ParsedUnit& parsed) {
    return parsed.note ? parsed.note->message : std::string();
}

nlohmann::json scan_tree(const fs::path& tree) {
    const auto run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--format", "json", tree.string()});
    return nlohmann::json::parse(run.out);
}

// The report's entries about `file`.
nlohmann::json about(const nlohmann::json& entries, const fs::path& file, const char* place) {
    auto found = nlohmann::json::array();
    for (const auto& entry : entries) {
        if (fs::path(entry[place]["file"].get<std::string>()).filename() == file.filename()) {
            found.push_back(entry);
        }
    }
    return found;
}

} // namespace

TEST_CASE("a unit whose missing header is known in advance parses once with the same note") {
    TemporaryDirectory directory;
    const auto file =
        directory.write("src/board.c", "#include \"generated.h\"\n#include <fcntl.h>\n"
                                       "int f(void) { return open(\"/dev/mem\", 0); }\n");
    const Parser parser;
    const Parsed found_missing{parser.parse(file)};
    const Parsed predicted{parser.parse(file, {{"generated.h"}, {}})};
    CHECK(found_missing.parsed.parses == 2);
    CHECK(predicted.parsed.parses == 1);
    CHECK(note_of(predicted.parsed) ==
          "missing headers 'generated.h': analysed with empty stand-ins, findings are low "
          "confidence");
    CHECK(note_of(predicted.parsed) == note_of(found_missing.parsed));
    CHECK(predicted.parsed.confidence == Confidence::low);
    CHECK_FALSE(predicted.parsed.incomplete);
}

TEST_CASE("a seed of the declarations a unit lacks spares it the round that would learn them") {
    TemporaryDirectory directory;
    const auto file = directory.write(
        "src/board.c", "#include \"oem.h\"\nu8 window[16];\nint f(void) { return window[0]; }\n");
    const Parser parser;
    const Parsed found_missing{parser.parse(file)};
    StandInStart start{{"oem.h"}, {}};
    const Parsed unseeded{parser.parse(file, start)};
    start.seed.types = {"u8"};
    const Parsed seeded{parser.parse(file, start)};
    CHECK(found_missing.parsed.parses == 2);
    CHECK(unseeded.parsed.parses == 2);
    CHECK(seeded.parsed.parses == 1);
    CHECK(note_of(seeded.parsed) == "missing headers 'oem.h': analysed with empty stand-ins and 1 "
                                    "stand-in declarations, findings are low confidence");
    CHECK(note_of(seeded.parsed) == note_of(found_missing.parsed));
    // What the unit learned itself, for the units after it: not what it was seeded with.
    CHECK(unseeded.parsed.learned.types == std::vector<std::string>{"u8"});
    CHECK(seeded.parsed.learned.empty());
}

TEST_CASE("what a unit learned is told once, before it is done, for the units it seeds") {
    TemporaryDirectory directory;
    const auto file = directory.write(
        "src/board.c", "#include \"oem.h\"\nu8 window[16];\nint f(void) { return window[0]; }\n");
    const Parser parser;
    std::vector<StandInNames> told;
    const Parsed parsed{parser.parse(
        file, {{"oem.h"}, {}}, [&](const StandInNames& learned) { told.push_back(learned); })};
    CHECK(parsed.parsed.parses == 2);
    REQUIRE(told.size() == 1);
    CHECK(told.front() == parsed.parsed.learned);
    CHECK(told.front().types == std::vector<std::string>{"u8"});
}

TEST_CASE("a predicted missing header in an inactive branch leaves the unit high confidence") {
    TemporaryDirectory directory;
    const auto file = directory.write(
        "src/agp.c", "#ifdef __FreeBSD__\n#include <sys/agpio.h>\n#endif\n#include <fcntl.h>\n"
                     "int f(void) { return open(\"/dev/agpgart\", 0); }\n");
    const Parser parser;
    for (const auto& seed : {StandInNames{}, StandInNames{{"u8"}, {"agp_open"}, {}}}) {
        CAPTURE(seed.size());
        const Parsed parsed{parser.parse(file, {{"sys/agpio.h"}, seed})};
        REQUIRE(parsed.parsed.unit != nullptr);
        // A seed is only undone by parsing without it.
        CHECK(parsed.parsed.parses == (seed.empty() ? 1 : 2));
        CHECK(parsed.parsed.confidence == Confidence::high);
        CHECK_FALSE(parsed.parsed.note);
        CHECK_FALSE(parsed.parsed.incomplete);
        // No stand-ins to keep: the AST can be cached, and loads once they are gone.
        CHECK(parsed.parsed.stand_ins == nullptr);
        const auto ast = directory.path() / "agp.ast";
        REQUIRE(save_unit(parsed.parsed.unit, ast));
        auto* loaded = load_unit(parser.index(), ast);
        CHECK(loaded != nullptr);
        if (loaded != nullptr) {
            clang_disposeTranslationUnit(loaded);
        }
    }
}

TEST_CASE("a seed declaration that clashes with the unit's own is dropped, findings unchanged") {
    TemporaryDirectory directory;
    const std::string lacking = "#include \"generated.h\"\n#include <fcntl.h>\n"
                                "static const char *device = \"/dev/mem\";\n"
                                "int f(void) { return open(device, 0); }\n";
    const auto file = directory.write("alone/b.c", lacking);
    const Parser parser;
    const Parsed found_missing{parser.parse(file)};
    const Parsed clashing{parser.parse(file, {{"generated.h"}, {{"device"}, {}, {}}})};
    CHECK(clashing.parsed.parses == 2);
    CHECK(note_of(clashing.parsed) == note_of(found_missing.parsed));

    // In a tree, the first unit lacking generated.h learns `device` as a type and seeds the
    // second with it, whose own `device` is a variable.
    directory.write("tree/a.c", "#include \"generated.h\"\n"
                                "static const char *unused = \"/dev/mem\";\ndevice *handle;\n");
    const auto seeded = directory.write("tree/b.c", lacking);
    const auto alone = scan_tree(directory.path() / "alone");
    const auto tree = scan_tree(directory.path() / "tree");
    const auto findings = about(tree["findings"], seeded, "location");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0]["rule"] == "DM001");
    CHECK(findings[0]["location"]["line"] == 4);
    // The same finding as where no unit seeds it, but for the directory.
    auto expected = about(alone["findings"], file, "location").dump();
    for (auto at = expected.find("/alone/"); at != std::string::npos;
         at = expected.find("/alone/", at)) {
        expected.replace(at, 7, "/tree/");
    }
    CHECK(findings.dump() == expected);
}

TEST_CASE("units lacking different sets of headers that share one are seeded by the first") {
    // The note's count of stand-in declarations includes the seed's: b.c, seeded by a.c, counts
    // the `oem_t` it does not use; c.c shares no header with a.c, so it is a pilot itself.
    TemporaryDirectory directory;
    directory.write("a.c", "#include \"generated.h\"\n#include \"oem.h\"\n"
                           "static const char *path = \"/dev/mem\";\nu8 flags;\noem_t board;\n");
    directory.write("b.c", "#include \"generated.h\"\n#include \"vendor.h\"\n"
                           "static const char *path = \"/dev/mem\";\nu8 flags;\n");
    directory.write("c.c", "#include \"vendor.h\"\n"
                           "static const char *path = \"/dev/mem\";\nvendor_t vendor;\n");
    const auto tree = scan_tree(directory.path());
    std::map<std::string, std::string> notes;
    for (const auto& note : tree["notes"]) {
        notes[fs::path(note["file"].get<std::string>()).filename()] = note["message"];
    }
    CHECK(notes["a.c"] == "missing headers 'generated.h', 'oem.h': analysed with empty stand-ins "
                          "and 2 stand-in declarations, findings are low confidence");
    CHECK(notes["b.c"] == "missing headers 'generated.h', 'vendor.h': analysed with empty "
                          "stand-ins and 2 stand-in declarations, findings are low confidence");
    CHECK(notes["c.c"] == "missing headers 'vendor.h': analysed with empty stand-ins and 1 "
                          "stand-in declarations, findings are low confidence");
}
