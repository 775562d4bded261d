#include "launcher.hpp"
#include "smbios_builder.hpp"

#include <catch2/catch.hpp>
#include <devmem/version.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace devmem::launcher;
using namespace devmem::fixture;
namespace fs = std::filesystem;

namespace {

ParseResult parse(const std::vector<std::string>& args) {
    return parse_arguments(args);
}

struct DumpFile {
    fs::path path = fs::temp_directory_path() / ("devmem-launcher-" + std::to_string(getpid()));
    explicit DumpFile(const Bytes& bytes) {
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    }
    ~DumpFile() { fs::remove(path); }
};

Bytes smbios2_dump() {
    auto machine = sample_machine(2, 8);
    Bytes table = encode_table(machine);
    return make_dump(make_entry_point({EntryPointKind::smbios2, 2, 8, 0,
                                       std::uint32_t(table.size()), std::uint16_t(machine.size())}),
                     table);
}

struct Outcome {
    int status;
    std::string out;
    std::string err;
};

Outcome run_options(const std::vector<std::string>& args) {
    ParseResult parsed = parse(args);
    REQUIRE(parsed.error.empty());
    std::ostringstream out, err;
    int status = run(parsed.options, out, err);
    return {status, out.str(), err.str()};
}

} // namespace

TEST_CASE("the command is everything after --") {
    ParseResult parsed = parse({"--dump", "f.bin", "--", "dmidecode", "--no-sysfs", "--dump"});
    REQUIRE(parsed.error.empty());
    CHECK(parsed.options.dump == "f.bin");
    CHECK(parsed.options.command == std::vector<std::string>{"dmidecode", "--no-sysfs", "--dump"});
}

TEST_CASE("usage errors are reported, not guessed around") {
    CHECK(parse({"--dump", "a", "--firmware", "b", "--", "true"}).error ==
          "--dump and --firmware are mutually exclusive");
    CHECK(parse({"--mode", "sometimes", "--", "true"}).error ==
          "--mode must be auto, always, off or audit");
    CHECK(parse({"--dump"}).error == "--dump needs a value");
    CHECK(parse({"--frobnicate"}).error == "unknown option --frobnicate");
    CHECK(parse({"--dump", "a"}).error == "no command given (put it after --)");
}

TEST_CASE("option --version prints the project version") {
    Outcome outcome = run_options({"--version"});
    CHECK(outcome.status == exit_ok);
    CHECK(outcome.out == std::string("devmem-shim ") + DEVMEM_VERSION + "\n");
}

TEST_CASE("option --check describes entry point, table and placement") {
    DumpFile dump(smbios2_dump());
    Outcome outcome = run_options({"--check", "--dump", dump.path.string()});
    CHECK(outcome.status == exit_ok);
    CHECK_THAT(outcome.out, Catch::Contains("entry point: SMBIOS 2.x (_SM_), version 2.8"));
    CHECK_THAT(outcome.out, Catch::Contains("entry point placed at: 0xf0000"));
    CHECK_THAT(outcome.out, Catch::Contains("table placed at: 0x100000 (relocated)"));
}

TEST_CASE("a malformed source exits 3 before any command runs") {
    Bytes bytes = smbios2_dump();
    bytes[0x04] ^= 0x01;
    DumpFile dump(bytes);
    Outcome outcome = run_options({"--dump", dump.path.string(), "--", "/bin/false"});
    CHECK(outcome.status == exit_bad_source);
    CHECK_THAT(outcome.err, Catch::Contains("entry point checksum is wrong"));
}

TEST_CASE("option --export-image writes the image without needing a command") {
    DumpFile dump(smbios2_dump());
    fs::path image = dump.path.string() + ".image";
    Outcome outcome = run_options({"--dump", dump.path.string(), "--export-image", image.string()});
    CHECK(outcome.status == exit_ok);
    CHECK(fs::file_size(image) >= 0x100000);
    std::ifstream in(image, std::ios::binary);
    in.seekg(0xF0000);
    char anchor[4] = {};
    in.read(anchor, 4);
    CHECK(std::string(anchor, 4) == "_SM_");
    fs::remove(image);
}
