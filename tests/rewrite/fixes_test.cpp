#include "devmem/scan/fixes.hpp"

#include "content_hash.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

using namespace devmem::scan;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Edit edit_at(const fs::path& file, const std::string& text, const std::string& old,
             const std::string& replacement) {
    const auto offset = text.find(old);
    REQUIRE(offset != std::string::npos);
    return {file.string(), static_cast<unsigned>(offset), static_cast<unsigned>(old.size()),
            replacement, detail::content_hash(text)};
}

int run_in(const fs::path& directory, const std::string& command) {
    return std::system(
        ("cd '" + directory.string() + "' && " + command + " >/dev/null 2>&1").c_str());
}

const std::string program = "#include <fcntl.h>\n"
                            "#include <stdio.h>\n"
                            "\n"
                            "int main(void)\n"
                            "{\n"
                            "\tint fd = open(\"/dev/mem\", O_RDONLY);\n"
                            "\tprintf(\"%d\\n\", fd);\n"
                            "\treturn 0;\n"
                            "}\n";

} // namespace

TEST_CASE("a diff of one replacement and one insertion is what git apply and patch -p1 take") {
    TemporaryDirectory directory;
    const auto file = directory.write("src/prog.c", program);
    const std::vector<Edit> edits{
        edit_at(file, program, "open", "devmem_compat_open"),
        edit_at(file, program, "#include <stdio.h>\n", "#include <stdio.h>\n"),
        {file.string(), static_cast<unsigned>(program.find("\n\nint")) + 1, 0,
         "#include <devmem/compat.h>\n", detail::content_hash(program)}};
    const auto diff = render_unified_diff(edits, directory.path());
    CHECK(diff == "diff --git a/src/prog.c b/src/prog.c\n"
                  "--- a/src/prog.c\n"
                  "+++ b/src/prog.c\n"
                  "@@ -1,9 +1,10 @@\n"
                  " #include <fcntl.h>\n"
                  " #include <stdio.h>\n"
                  "+#include <devmem/compat.h>\n"
                  " \n"
                  " int main(void)\n"
                  " {\n"
                  "-\tint fd = open(\"/dev/mem\", O_RDONLY);\n"
                  "+\tint fd = devmem_compat_open(\"/dev/mem\", O_RDONLY);\n"
                  " \tprintf(\"%d\\n\", fd);\n"
                  " \treturn 0;\n"
                  " }\n");
    std::ofstream(directory.path() / "fix.diff") << diff;
    CHECK(run_in(directory.path(), "patch -p1 --dry-run < fix.diff") == 0);
    CHECK(run_in(directory.path(), "git init -q . && git apply fix.diff") == 0);
    CHECK(read(file) == apply_edits(program, merge_edits(edits)));
}

TEST_CASE("far apart changes get their own hunks with three lines of context") {
    TemporaryDirectory directory;
    std::string text;
    for (int i = 1; i <= 30; ++i) {
        text += "line " + std::to_string(i) + "\n";
    }
    const auto file = directory.write("long.txt", text);
    const auto diff =
        render_unified_diff(std::vector<Edit>{edit_at(file, text, "line 2\n", "second\n"),
                                              edit_at(file, text, "line 20\n", ""),
                                              edit_at(file, text, "line 24\n", "twenty-four\n")},
                            directory.path());
    CHECK(diff.find("@@ -1,5 +1,5 @@\n line 1\n-line 2\n+second\n line 3\n") != std::string::npos);
    // Lines 20 and 24 are close enough to share one hunk.
    CHECK(diff.find("@@ -17,11 +17,10 @@\n line 17\n line 18\n line 19\n-line 20\n") !=
          std::string::npos);
    std::ofstream(directory.path() / "fix.diff") << diff;
    CHECK(run_in(directory.path(), "patch -p1 < fix.diff") == 0);
    CHECK(read(file).find("line 20") == std::string::npos);
}

TEST_CASE("a file without a final newline keeps that in the diff") {
    TemporaryDirectory directory;
    const std::string text = "a\nb";
    const auto file = directory.write("f.txt", text);
    const auto diff =
        render_unified_diff(std::vector<Edit>{edit_at(file, text, "b", "c")}, directory.path());
    CHECK(diff.ends_with("-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"));
    std::ofstream(directory.path() / "fix.diff") << diff;
    CHECK(run_in(directory.path(), "git init -q . && git apply fix.diff") == 0);
    CHECK(read(file) == "a\nc");
}

TEST_CASE("an edit that removes a line end takes the next line into its block") {
    TemporaryDirectory directory;
    const std::string text = "one\ntwo\nthree\n";
    const auto file = directory.write("f.txt", text);
    const auto diff = render_unified_diff(std::vector<Edit>{edit_at(file, text, "one\n", "one ")},
                                          directory.path());
    CHECK(diff.ends_with("@@ -1,3 +1,2 @@\n-one\n-two\n+one two\n three\n"));
}

TEST_CASE("edits that change nothing give an empty diff") {
    TemporaryDirectory directory;
    const auto file = directory.write("f.c", program);
    CHECK(render_unified_diff(std::vector<Edit>{edit_at(file, program, "open", "open")},
                              directory.path())
              .empty());
    CHECK(render_unified_diff(std::vector<Edit>{}, directory.path()).empty());
}

TEST_CASE("overlapping edits are merged when they agree and refused when they do not") {
    const Edit insert_a{"f.c", 10, 0, "#include <a.h>\n"};
    const Edit insert_b{"f.c", 10, 0, "#include <b.h>\n"};
    const Edit replace{"f.c", 20, 4, "devmem_compat_open"};
    const Edit inside{"f.c", 22, 1, "x"};
    SECTION("identical edits become one, insertions at one place join in text order") {
        const auto merged = merge_edits(std::vector<Edit>{replace, insert_b, replace, insert_a});
        REQUIRE(merged.size() == 2);
        CHECK(merged[0].replacement == "#include <a.h>\n#include <b.h>\n");
        CHECK(merged[1] == replace);
    }
    SECTION("a different edit inside a replaced range is an error naming the file") {
        CHECK_THROWS_WITH(merge_edits(std::vector<Edit>{replace, inside}),
                          "f.c: overlapping edits at bytes 20 and 22");
    }
    SECTION("select_fixes refuses the later finding as a whole") {
        Finding first;
        first.rewrite_rule = "first-rule";
        first.edits = {insert_a, replace};
        Finding second;
        second.rewrite_rule = "second-rule";
        second.location = {"f.c", 3, 5};
        second.edits = {insert_b, inside};
        Finding duplicate = first;
        const auto selection = select_fixes(std::vector<Finding>{first, second, duplicate});
        CHECK(selection.edits == std::vector<Edit>{insert_a, replace});
        CHECK(
            selection.refusals ==
            std::vector<std::string>{
                "f.c:3:5: the fix of rewrite rule second-rule overlaps another fix; not applied"});
    }
}

TEST_CASE("fixing in place refuses a file changed since the analysis and writes nothing") {
    TemporaryDirectory directory;
    const auto first = directory.write("a.c", program);
    const auto second = directory.write("b.c", program);
    const std::vector<Edit> edits{edit_at(first, program, "open", "devmem_compat_open"),
                                  edit_at(second, program, "open", "devmem_compat_open")};
    directory.write("b.c", program + "/* edited */\n");
    CHECK_THROWS_WITH(apply_fixes_in_place(edits),
                      second.string() + ": changed since it was analysed; no file was fixed (run "
                                        "again)");
    CHECK(read(first) == program);
    directory.write("b.c", program);
    CHECK(apply_fixes_in_place(edits) == std::vector<std::string>{first.string(), second.string()});
    CHECK(read(first).find("devmem_compat_open(\"/dev/mem\"") != std::string::npos);
    CHECK(read(second) == read(first));
}

TEST_CASE("the clang-apply-replacements file has one diagnostic per fixed finding") {
    TemporaryDirectory directory;
    const auto file = directory.write("prog.c", program);
    Finding fixed;
    fixed.rule = "DM001";
    fixed.rewrite_rule = "devmem-open-to-compat";
    fixed.message = "'open' opens /dev/mem";
    fixed.location = {file.string(), 6, 11};
    fixed.edits = {edit_at(file, program, "open", "devmem_compat_open"),
                   {file.string(), 0, 0, "#include <devmem/compat.h>\n"}};
    Finding advice_only;
    advice_only.rule = "DM004";
    const auto yaml =
        YAML::Load(render_clang_replacements(std::vector<Finding>{fixed, advice_only}));
    CHECK(yaml["MainSourceFile"].as<std::string>() == file.string());
    REQUIRE(yaml["Diagnostics"].size() == 1);
    const auto diagnostic = yaml["Diagnostics"][0];
    CHECK(diagnostic["DiagnosticName"].as<std::string>() == "devmem-scan-devmem-open-to-compat");
    CHECK(diagnostic["DiagnosticMessage"]["Message"].as<std::string>() == fixed.message);
    const auto replacements = diagnostic["DiagnosticMessage"]["Replacements"];
    REQUIRE(replacements.size() == 2);
    CHECK(replacements[0]["FilePath"].as<std::string>() == file.string());
    CHECK(replacements[0]["Offset"].as<unsigned>() == program.find("open"));
    CHECK(replacements[0]["Length"].as<unsigned>() == 4);
    CHECK(replacements[0]["ReplacementText"].as<std::string>() == "devmem_compat_open");
    CHECK(replacements[1]["ReplacementText"].as<std::string>() == "#include <devmem/compat.h>\n");

    if (std::system("command -v clang-apply-replacements >/dev/null 2>&1") == 0) {
        fs::create_directory(directory.path() / "fixes");
        std::ofstream(directory.path() / "fixes" / "prog.yaml")
            << render_clang_replacements(std::vector<Finding>{fixed});
        CHECK(run_in(directory.path(), "clang-apply-replacements fixes") == 0);
        CHECK(read(file) == apply_edits(program, merge_edits(fixed.edits)));
    }
}
