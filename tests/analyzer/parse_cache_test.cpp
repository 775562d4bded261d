// The parsed-unit record, the cache of parsed units and parsing in worker processes.

#include "content_hash.hpp"
#include "devmem/scan/cli.hpp"
#include "parsed_unit.hpp"
#include "program.hpp"
#include "run_cache.hpp"
#include "unit_cache.hpp"

#include "hostile_units.hpp"
#include "scan_run.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>

#include <fstream>
#include <map>

using namespace devmem::scan;
using namespace devmem::scan::detail;

namespace {

const std::string mapping_unit = "#include <fcntl.h>\n#include <sys/mman.h>\n#include \"h.h\"\n"
                                 "void *map(void) { int fd = open(DEVICE, O_RDONLY);\n"
                                 "    return mmap(0, 4096, PROT_READ, MAP_SHARED, fd, BASE); }\n";

std::map<std::filesystem::path, ino_t> entry_inodes(const std::filesystem::path& cache) {
    std::map<std::filesystem::path, ino_t> inodes;
    for (const auto& file : std::filesystem::directory_iterator(cache)) {
        if (file.path().extension() == ".entry") {
            struct stat status {};
            REQUIRE(::stat(file.path().c_str(), &status) == 0);
            inodes.emplace(file.path(), status.st_ino);
        }
    }
    return inodes;
}

std::string read_all(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void write_all(const std::filesystem::path& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

std::vector<std::string> scan_arguments(const std::filesystem::path& cache,
                                        std::vector<std::string> extra) {
    std::vector<std::string> arguments{"--rules", DEVMEM_SOURCE_RULES_DIR, "--format",
                                       "json",    "--cache-dir",           cache.string()};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return arguments;
}

} // namespace

TEST_CASE("a parse record survives encoding, paths that are not UTF-8 included") {
    ParseRecord record{true,  true,
                       true,  "has errors, only what parsed is analysed: x.c:1:1: error",
                       false, {"/src/a.c", "/src/caf\xe9.h", "/usr/include/stdio.h"}};
    const auto decoded = decode(encode(record));
    REQUIRE(decoded);
    CHECK(decoded->get<ParseRecord>() == record);
    record.note.reset();
    record.parsed = false;
    CHECK(decode(encode(record))->get<ParseRecord>() == record);
    CHECK_FALSE(decode({0xff, 0x00, 0x13}));
    CHECK_THROWS_AS(nlohmann::json({{"parsed", true}}).get<ParseRecord>(),
                    nlohmann::json::exception);
}

TEST_CASE("content digests tell apart what differs, trailing zero bytes included") {
    CHECK(content_hash("abc") == content_hash("abc"));
    CHECK(content_hash("abc") != content_hash("abd"));
    CHECK(content_hash(std::string("abc", 3)) != content_hash(std::string("abc\0", 4)));
    CHECK(content_hash("").size() == 32);
    CHECK_FALSE(file_hash("/nonexistent/file"));
}

TEST_CASE("a warm run reports exactly what the cold run did") {
    TemporaryDirectory directory;
    directory.write("src/h.h", "#define DEVICE \"/dev/mem\"\n#define BASE 0xF0000\n");
    const auto source = directory.write("src/a.c", mapping_unit);
    directory.write("src/broken.c",
                    "#include \"h.h\"\nint f(void) { return open(DEVICE, 0) + ; }\n");
    const auto cache = directory.path() / "cache";
    const auto arguments = scan_arguments(cache, {(directory.path() / "src").string()});
    const auto cold = scan(arguments);
    REQUIRE(cold.status == exit_findings);
    CHECK_THAT(cold.out, Catch::Contains("0xf0000") && Catch::Contains("has errors"));
    const auto inodes = entry_inodes(cache);
    CHECK(inodes.size() == 2);
    const auto warm = scan(arguments);
    CHECK(warm.status == cold.status);
    CHECK(warm.out == cold.out);
    CHECK(warm.err == cold.err);
    // Nothing was parsed again, so no entry was rewritten.
    CHECK(entry_inodes(cache) == inodes);
}

TEST_CASE("editing a header invalidates exactly the units that include it") {
    TemporaryDirectory directory;
    const auto header = directory.write("src/h.h", "#define DEVICE \"/dev/mem\"\n#define BASE 1\n");
    std::vector<CompileJob> jobs;
    for (const char* name : {"a.c", "b.c"}) {
        jobs.push_back({directory.write(std::string("src/") + name, mapping_unit), {}, {}, false});
    }
    // It names the device but never opens it: parsed (the prefilter reads text), nothing found.
    jobs.push_back(
        {directory.write("src/c.c", "const char *unused = \"/dev/mem\";\n"), {}, {}, false});
    AnalyzerOptions options;
    options.cache_directory = directory.path() / "cache";
    CHECK(analyze_program(jobs, options, {}).findings.size() == 4);
    UnitCache cache(options.cache_directory);
    std::vector<std::string> keys;
    for (const auto& job : jobs) {
        const auto key = cache.key(job, parser_arguments(job, options));
        REQUIRE(key);
        CHECK(cache.lookup(*key));
        keys.push_back(*key);
    }
    write_all(header, "#define DEVICE \"/dev/mem\"\n#define BASE 0xF0000\n");
    UnitCache after_edit(options.cache_directory);
    CHECK_FALSE(after_edit.lookup(keys[0]));
    CHECK_FALSE(after_edit.lookup(keys[1]));
    CHECK(after_edit.lookup(keys[2]));
    // The re-run sees the new header, and stores entries that are valid again.
    const auto report = analyze_program(jobs, options, {});
    REQUIRE(report.findings.size() == 4);
    CHECK(report.findings[1].range->start == 0xF0000);
    UnitCache refreshed(options.cache_directory);
    for (const auto& key : keys) {
        CHECK(refreshed.lookup(key));
    }
    // The ASTs of the old header were replaced, not kept beside the new ones.
    std::size_t asts = 0;
    for (const auto& file : std::filesystem::directory_iterator(options.cache_directory)) {
        asts += file.path().extension() == ".ast" ? 1 : 0;
    }
    CHECK(asts == 3);
}

TEST_CASE("a damaged, truncated or foreign cache entry is a miss") {
    TemporaryDirectory directory;
    directory.write("src/h.h", "#define DEVICE \"/dev/mem\"\n#define BASE 0xF0000\n");
    directory.write("src/a.c", mapping_unit);
    const auto cache = directory.path() / "cache";
    const auto arguments = scan_arguments(cache, {(directory.path() / "src").string()});
    const auto cold = scan(arguments);
    REQUIRE(cold.status == exit_findings);
    std::filesystem::path entry;
    std::filesystem::path ast;
    for (const auto& file : std::filesystem::directory_iterator(cache)) {
        if (file.path().extension() == ".entry") {
            entry = file.path();
        } else if (file.path().extension() == ".ast") {
            ast = file.path();
        } else if (file.path().extension() == ".run") {
            // The kept report would spare the warm run the parsed unit this case is about.
            std::filesystem::remove(file.path());
        }
    }
    REQUIRE(!entry.empty());
    REQUIRE(!ast.empty());
    const auto entry_bytes = read_all(entry);
    const auto ast_bytes = read_all(ast);

    SECTION("a truncated entry") {
        write_all(entry, entry_bytes.substr(0, entry_bytes.size() / 2));
    }
    SECTION("an entry with a flipped byte") {
        auto damaged = entry_bytes;
        damaged[damaged.size() - 3] ^= 0x20;
        write_all(entry, damaged);
    }
    SECTION("an entry written by another version") {
        const std::string body = entry_bytes.substr(32);
        auto document = *decode(std::vector<std::uint8_t>(body.begin(), body.end()));
        document["analyzer"] = "0.0.1";
        const auto encoded = encode(document);
        const std::string new_body(encoded.begin(), encoded.end());
        write_all(entry, content_hash(new_body) + new_body);
    }
    SECTION("a truncated AST") {
        write_all(ast, ast_bytes.substr(0, ast_bytes.size() / 3));
    }
    SECTION("an AST of zero bytes") {
        write_all(ast, "");
    }
    SECTION("garbage in place of the AST") {
        write_all(ast, std::string(ast_bytes.size(), 'x'));
    }
    const auto warm = scan(arguments);
    CHECK(warm.status == cold.status);
    CHECK(warm.out == cold.out);
    // The miss was parsed again and stored afresh.
    CHECK(read_all(entry) == entry_bytes);
}

TEST_CASE("a cache directory that cannot be created is a usage error naming it") {
    TemporaryDirectory directory;
    const auto file = directory.write("plain-file", "");
    const auto source = directory.write("a.c", "int main(void) { return 0; }\n");
    const auto run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--cache-dir",
                           (file / "cache").string(), source.string()});
    CHECK(run.status == exit_usage);
    CHECK_THAT(run.err, Catch::Contains("plain-file/cache") && Catch::Contains("cache directory"));
}

TEST_CASE("a unit that outruns the time limit is killed and reported, the others analysed") {
    TemporaryDirectory directory;
    directory.write("src/h.h", "#define DEVICE \"/dev/mem\"\n#define BASE 0xF0000\n");
    directory.write("src/a.c", mapping_unit);
    directory.write("src/explode.c", exploding_unit());
    const std::vector<std::string> arguments{"--rules",
                                             DEVMEM_SOURCE_RULES_DIR,
                                             "--tu-timeout",
                                             "2",
                                             "--tu-memory-limit",
                                             "0",
                                             "-j",
                                             "2",
                                             (directory.path() / "src").string()};
    const auto run = scan(arguments);
    CHECK(run.status == exit_findings);
    CHECK_THAT(run.out, Catch::Contains("a.c:5:12") && Catch::Contains("0xf0000"));
    CHECK_THAT(run.out, Catch::Contains("explode.c") &&
                            Catch::Contains("longer than the 2 s limit (--tu-timeout)"));
    auto strict = arguments;
    strict.insert(strict.begin(), "--strict");
    CHECK(scan(strict).status == exit_incomplete);
    // A limit decided part of the report, which a re-run may not repeat: it is not kept.
    auto cached = arguments;
    cached.insert(cached.begin(), {"--cache-dir", (directory.path() / "cache").string()});
    CHECK(scan(cached).status == exit_findings);
    for (const auto& file : std::filesystem::directory_iterator(directory.path() / "cache")) {
        CHECK(file.path().extension() != ".run");
    }
}

#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("a unit whose parser exceeds the memory limit is reported, the others analysed") {
    TemporaryDirectory directory;
    directory.write("src/h.h", "#define DEVICE \"/dev/mem\"\n#define BASE 0xF0000\n");
    directory.write("src/a.c", mapping_unit);
    directory.write("src/explode.c", exploding_unit());
    const auto run =
        scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--tu-timeout", "300", "--tu-memory-limit", "768",
              "-j", "1", (directory.path() / "src").string()});
    CHECK(run.status == exit_findings);
    CHECK_THAT(run.out, Catch::Contains("a.c:5:12") && Catch::Contains("0xf0000"));
    CHECK_THAT(run.out, Catch::Contains("explode.c") && Catch::Contains("768 MiB") &&
                            Catch::Contains("--tu-memory-limit"));
}
#endif

TEST_CASE("workers and in-process parsing give the same report") {
    TemporaryDirectory directory;
    directory.write("src/h.h", "#define DEVICE \"/dev/mem\"\n#define BASE 0xF0000\n");
    directory.write("src/a.c", mapping_unit);
    directory.write("src/b.c", "#include \"h.h\"\n#include <missing.h>\nconst char *b = DEVICE;\n");
    const std::vector<std::string> base{"--rules", DEVMEM_SOURCE_RULES_DIR, "--format", "json",
                                        (directory.path() / "src").string()};
    auto in_process = base;
    in_process.insert(in_process.begin(), {"--tu-timeout", "0", "--tu-memory-limit", "0"});
    const auto workers = scan(base);
    CHECK(workers.status == exit_findings);
    CHECK_THAT(workers.out, Catch::Contains("missing.h"));
    CHECK(scan(in_process).out == workers.out);
}

TEST_CASE("negative or oversized limits are usage errors") {
    CHECK(scan({"--tu-timeout", "-1", "a.c"}).status == exit_usage);
    const auto run = scan({"--tu-memory-limit", "99999999999", "a.c"});
    CHECK(run.status == exit_usage);
    CHECK_THAT(run.err, Catch::Contains("--tu-memory-limit takes a number"));
}

TEST_CASE("an unchanged tree is reported from the kept report, without parsing") {
    TemporaryDirectory directory;
    directory.write("src/h.h", "#define DEVICE \"/dev/mem\"\n#define BASE 0xF0000\n");
    directory.write("src/a.c", mapping_unit);
    // Parsed with a stand-in for the missing header: its unit is never kept as an AST.
    directory.write("src/b.c", "#include \"h.h\"\n#include <pixman.h>\n"
                               "int b(void) { return open(DEVICE, 0); }\n");
    const auto cache = directory.path() / "cache";
    const auto arguments = scan_arguments(cache, {(directory.path() / "src").string()});
    const auto cold = scan(arguments);
    REQUIRE(cold.status == exit_findings);
    CHECK_THAT(cold.out, Catch::Contains("pixman.h"));
    std::vector<std::filesystem::path> reports;
    for (const auto& file : std::filesystem::directory_iterator(cache)) {
        if (file.path().extension() == ".run") {
            reports.push_back(file.path());
        }
    }
    REQUIRE(reports.size() == 1);
    // Without the per-unit entries, the warm run can only have come from the kept report.
    for (const auto& file : std::filesystem::directory_iterator(cache)) {
        if (file.path().extension() == ".entry" || file.path().extension() == ".ast") {
            std::filesystem::remove(file.path());
        }
    }
    const auto warm = scan(arguments);
    CHECK(warm.status == cold.status);
    CHECK(warm.out == cold.out);
    CHECK(warm.err == cold.err);
    bool parsed_again = false;
    for (const auto& file : std::filesystem::directory_iterator(cache)) {
        parsed_again = parsed_again || file.path().extension() == ".entry";
    }
    CHECK_FALSE(parsed_again);

    SECTION("a header that appears in an include directory is seen") {
        directory.write("src/pixman.h", "");
        const auto after = scan(arguments);
        CHECK_THAT(after.out, !Catch::Contains("pixman.h"));
        CHECK_THAT(after.out, Catch::Contains("src/b.c"));
    }
    SECTION("an edited header is seen") {
        directory.write("src/h.h", "#define DEVICE \"/dev/mem\"\n#define BASE 0xE0000\n");
        const auto after = scan(arguments);
        CHECK_THAT(after.out, Catch::Contains("0xe0000") && !Catch::Contains("0xf0000"));
    }
    SECTION("a damaged kept report is a miss") {
        auto bytes = read_all(reports.front());
        bytes[bytes.size() - 2] ^= 0x01;
        write_all(reports.front(), bytes);
        CHECK(scan(arguments).out == cold.out);
        CHECK(read_all(reports.front()) != bytes);
    }
    SECTION("other rewrite rules are another report") {
        const auto rules = directory.path() / "rules";
        std::filesystem::create_directories(rules);
        auto other = arguments;
        other[1] = rules.string();
        scan(other);
        std::size_t kept = 0;
        for (const auto& file : std::filesystem::directory_iterator(cache)) {
            kept += file.path().extension() == ".run" ? 1 : 0;
        }
        CHECK(kept == 2);
    }
}

TEST_CASE("a file's digest is trusted from its record only while its status is unchanged") {
    TemporaryDirectory directory;
    const auto file = directory.write("a.h", "#define A 1\n");
    const auto cache = directory.path() / "cache";
    std::filesystem::create_directories(cache);
    // Older than the window in which a record is not trusted.
    const auto settled = std::filesystem::file_time_type::clock::now() - std::chrono::hours(1);
    std::filesystem::last_write_time(file, settled);
    std::string first;
    {
        FileDigests digests(cache);
        first = digests.digest(file.string()).value();
        CHECK(first == content_hash("#define A 1\n"));
        digests.save();
    }
    CHECK(FileDigests(cache).digest(file.string()) == first);
    // The same size and modification time, other bytes: the change time still tells.
    write_all(file, "#define A 2\n");
    std::filesystem::last_write_time(file, settled);
    CHECK(FileDigests(cache).digest(file.string()) == content_hash("#define A 2\n"));
    // A directory's digest is that of its listing.
    FileDigests digests(cache);
    const auto before = digests.digest(directory.path().string());
    REQUIRE(before);
    directory.write("b.h", "");
    CHECK(FileDigests(cache).digest(directory.path().string()) != before);
    CHECK_FALSE(FileDigests(cache).digest((directory.path() / "missing.h").string()));
}

TEST_CASE("trimming the cache removes the least recently used files first") {
    TemporaryDirectory directory;
    const auto now = std::filesystem::file_time_type::clock::now();
    const std::vector<std::pair<std::string, int>> files{
        {"old.entry", 3}, {"older.ast", 4}, {"recent.run", 1}, {"new.entry", 0}};
    for (const auto& [name, hours] : files) {
        const auto path = directory.write("cache/" + name, std::string(1000, 'x'));
        std::filesystem::last_write_time(path, now - std::chrono::hours(hours));
    }
    const auto cache = directory.path() / "cache";
    touch_cache_file(cache / "older.ast");
    trim_cache_directory(cache, 2500);
    CHECK(std::filesystem::exists(cache / "older.ast"));
    CHECK(std::filesystem::exists(cache / "new.entry"));
    CHECK_FALSE(std::filesystem::exists(cache / "old.entry"));
    CHECK_FALSE(std::filesystem::exists(cache / "recent.run"));
    trim_cache_directory(cache, 0);
    CHECK(std::filesystem::exists(cache / "new.entry"));
}

TEST_CASE("the cache size cap takes bytes with an optional K, M or G") {
    TemporaryDirectory directory;
    const auto source = directory.write("a.c", "int main(void) { return 0; }\n");
    for (const char* size : {"1x", "-1", "G", "99999999999999M"}) {
        const auto run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--cache-dir",
                               (directory.path() / "cache").string(), "--cache-max-size", size,
                               source.string()});
        CHECK(run.status == exit_usage);
        CHECK_THAT(run.err, Catch::Contains("--cache-max-size takes"));
    }
    CHECK(scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--cache-dir",
                (directory.path() / "cache").string(), "--cache-max-size", "64M", source.string()})
              .status == exit_clean);
}
