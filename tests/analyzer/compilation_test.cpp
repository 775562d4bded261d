#include "devmem/scan/compilation.hpp"

#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

using namespace devmem::scan;

TEST_CASE("recorded command lines lose what libclang must not see") {
    const auto cleaned = clean_arguments({"gcc", "-c", "-o", "x.o", "-Werror", "-Werror=format",
                                          "-DX=1", "-Iinc", "-fconserve-stack", "-fno-tree-vrp",
                                          "-MD", "-MF", "x.d", "-O2", "src/x.c"},
                                         "src/x.c");
    CHECK(cleaned == std::vector<std::string>{"-DX=1", "-Iinc", "-O2"});
}

TEST_CASE("a compilation database is read with each entry's directory") {
    TemporaryDirectory directory;
    directory.write("compile_commands.json", R"([
        {"directory": "/src/a", "file": "main.c",
         "command": "cc -DNAME=\"x y\" -I'inc dir' -c main.c -o main.o"},
        {"directory": "/src/b", "file": "/src/b/util.cpp",
         "arguments": ["c++", "-std=c++17", "-Werror", "-c", "/src/b/util.cpp"]}
    ])");
    const auto jobs = jobs_from_compile_database(directory.path());
    REQUIRE(jobs.size() == 2);
    CHECK(jobs[0].file == "/src/a/main.c");
    CHECK(jobs[0].directory == "/src/a");
    CHECK(jobs[0].arguments == std::vector<std::string>{"-DNAME=x y", "-Iinc dir"});
    CHECK_FALSE(jobs[0].inferred);
    CHECK(jobs[1].arguments == std::vector<std::string>{"-std=c++17"});
}

TEST_CASE("a broken compilation database is an error") {
    TemporaryDirectory directory;
    CHECK_THROWS_AS(jobs_from_compile_database(directory.path()), CompilationError);
    const auto file = directory.write("cc.json", "{\"not\": \"an array\"}");
    CHECK_THROWS_WITH(jobs_from_compile_database(file), Catch::Contains("array"));
}

TEST_CASE("directories are walked and header directories become include paths") {
    TemporaryDirectory directory;
    directory.write("prog/main.c", "");
    directory.write("prog/lib/util.cpp", "");
    directory.write("prog/include/util.h", "");
    directory.write("prog/README", "");
    const auto jobs = jobs_from_paths({directory.path() / "prog"});
    REQUIRE(jobs.size() == 2);
    CHECK(jobs[0].file.filename() == "util.cpp");
    CHECK(jobs[1].file.filename() == "main.c");
    CHECK(jobs[1].inferred);
    const auto include = "-I" + (directory.path() / "prog/include").string();
    CHECK(std::ranges::find(jobs[0].arguments, include) != jobs[0].arguments.end());
    CHECK(std::ranges::find(jobs[1].arguments, "c") != jobs[1].arguments.end());
    CHECK_THROWS_AS(jobs_from_paths({directory.path() / "missing.c"}), CompilationError);
}

TEST_CASE("a walked tree's files come in path order, element by element") {
    TemporaryDirectory directory;
    // As strings, "a-b/x.c" < "a.c" < "a/x.c"; as paths, directory "a" comes first.
    for (const auto* name : {"a.c", "a-b/x.c", "a/x.c", "a/b/y.c", "B.c"}) {
        directory.write(name, "");
    }
    std::vector<std::string> files;
    for (const auto& job : jobs_from_paths({directory.path()})) {
        files.push_back(job.file.lexically_relative(directory.path()).string());
    }
    CHECK(files == std::vector<std::string>{"B.c", "a/b/y.c", "a/x.c", "a-b/x.c", "a.c"});
}
