// The watched analysis: parsing in one child process under the per-unit limits, and the run in
// worker processes it falls back to. A wrapper in front of the real worker counts the workers
// that were started.
#include "devmem/scan/analyzer.hpp"
#include "devmem/scan/compilation.hpp"
#include "devmem/scan/rewrite_rules.hpp"
#include "parse_worker.hpp"

#include "hostile_units.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

using namespace devmem::scan;

namespace {

const std::string mapping_unit =
    "#include <fcntl.h>\n#include <sys/mman.h>\n"
    "void *map(void) { int fd = open(\"/dev/mem\", O_RDONLY);\n"
    "    return mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0xF0000); }\n";

// A worker that notes each start in `log` before it becomes the real one.
struct CountedWorker {
    explicit CountedWorker(const TemporaryDirectory& directory)
        : log(directory.path() / "workers.log"),
          script(directory.write("counted-worker",
                                 "#!/bin/sh\necho started >> '" + log.string() + "'\nexec '" +
                                     detail::find_worker_executable().string() + "' \"$@\"\n")) {
        ::chmod(script.c_str(), 0755);
    }

    std::size_t starts() const {
        std::ifstream in(log);
        return static_cast<std::size_t>(
            std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n'));
    }

    std::filesystem::path log;
    std::filesystem::path script;
};

// Analyses DIR/src with a counted worker in `options`.
std::pair<Report, std::size_t> analyse_counted(const TemporaryDirectory& directory,
                                               AnalyzerOptions options) {
    const CountedWorker worker(directory);
    options.worker_executable = worker.script;
    auto report = analyze_program(jobs_from_paths({directory.path() / "src"}), options, {});
    return {std::move(report), worker.starts()};
}

bool has_note(const Report& report, const std::string& file, const std::string& text) {
    return std::ranges::any_of(report.notes, [&](const RunNote& note) {
        return note.location.file.ends_with(file) && note.message.find(text) != std::string::npos;
    });
}

bool has_finding(const Report& report, const std::string& file, const std::string& rule) {
    return std::ranges::any_of(report.findings, [&](const Finding& finding) {
        return finding.location.file.ends_with(file) && finding.rule == rule;
    });
}

} // namespace

TEST_CASE("a scan within the limits parses in one watched process and starts no worker") {
    TemporaryDirectory directory;
    directory.write("src/a.c", mapping_unit);
    directory.write("src/b.c", "#include <missing.h>\nconst char *b = \"/dev/mem\";\n");
    const auto [report, workers] = analyse_counted(directory, {});
    CHECK(has_finding(report, "a.c", "DM002"));
    CHECK(has_note(report, "b.c", "missing.h"));
    CHECK(workers == 0);
    // The same report as parsing in this process without limits.
    AnalyzerOptions unlimited;
    unlimited.tu_timeout_seconds = 0;
    unlimited.tu_memory_limit_mib = 0;
    const auto in_process =
        analyze_program(jobs_from_paths({directory.path() / "src"}), unlimited, {});
    CHECK(in_process.findings.size() == report.findings.size());
    CHECK(in_process.notes.size() == report.notes.size());
}

TEST_CASE("a unit past the time limit sends the run to workers, which do not parse it again") {
    TemporaryDirectory directory;
    // Sorted first: parsed again, it would cost a killed worker and a new one for b.c.
    directory.write("src/a_explode.c", exploding_unit());
    directory.write("src/b.c", mapping_unit);
    AnalyzerOptions options;
    options.jobs = 1;
    options.tu_timeout_seconds = 2;
    options.tu_memory_limit_mib = 0;
    const auto [report, workers] = analyse_counted(directory, options);
    CHECK(has_note(report, "a_explode.c", "longer than the 2 s limit (--tu-timeout)"));
    CHECK(has_finding(report, "b.c", "DM002"));
    CHECK(workers == 1);
}

TEST_CASE("a parse libclang survives only by its crash recovery is redone in a worker") {
    TemporaryDirectory directory;
    directory.write("src/deep-unary.c",
                    crashing_unit("#include <fcntl.h>\n"
                                  "int probe(void) { return open(\"/dev/mem\", 0); }\n"));
    const auto [report, workers] = analyse_counted(directory, {});
    CHECK(has_note(report, "deep-unary.c", "the parser crashed"));
    CHECK(has_note(report, "deep-unary.c", "MiB, --tu-memory-limit"));
    CHECK(has_finding(report, "deep-unary.c", "DM001"));
    CHECK(workers >= 1);
}

TEST_CASE("an error in the watched analysis is raised as itself") {
    TemporaryDirectory directory;
    directory.write("src/a.c", mapping_unit);
    // Only the watched process loads libclang, on its first parse.
    ::setenv("DEVMEM_SCAN_LIBCLANG", (directory.path() / "no-libclang.so").c_str(), 1);
    CHECK_THROWS_AS(analyze_program(jobs_from_paths({directory.path() / "src"}), {}, {}),
                    ToolchainError);
    ::unsetenv("DEVMEM_SCAN_LIBCLANG");
}
