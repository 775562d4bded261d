// libdevmem-shim.so seen from a consumer: devmem-probe runs preloaded (through the launcher or
// with the environment set by hand) and reports what each file operation observed.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Env = std::map<std::string, std::string>;

const std::string fixtures = DEVMEM_FIXTURE_DIR;
const std::string smbios2 = fixtures + "/smbios2.bin";

struct Output {
    int status;
    std::string text;

    bool has(const std::string& line) const {
        return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
    }
};

// fork/exec with stdout captured; env entries are set (an empty value unsets).
Output run(const std::vector<std::string>& argv, const Env& env = {}) {
    int pipe_fds[2];
    REQUIRE(pipe(pipe_fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(pipe_fds[1], STDOUT_FILENO);
        close(pipe_fds[0]);
        for (const auto& [name, value] : env)
            value.empty() ? unsetenv(name.c_str()) : setenv(name.c_str(), value.c_str(), 1);
        std::vector<char*> args;
        args.reserve(argv.size() + 1);
        for (const std::string& arg : argv)
            args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    close(pipe_fds[1]);
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof buf)) > 0;)
        text.append(buf, size_t(n));
    close(pipe_fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), text};
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// The probe under the launcher with a fixture (mode "always": the real device is never tried).
Output shimmed(const std::vector<std::string>& probe_args,
               const std::vector<std::string>& source = {"--dump", smbios2}) {
    Output out = run(std::vector<std::string>{DEVMEM_LAUNCHER} + source +
                     std::vector<std::string>{"--", DEVMEM_PROBE} + probe_args);
    INFO(out.text);
    CHECK(out.status == 0);
    return out;
}

// The probe with the preload set up by hand, as a user without the launcher would.
Output preloaded(const std::vector<std::string>& probe_args, Env env) {
    env["LD_PRELOAD"] = DEVMEM_PRELOAD;
    return run(std::vector<std::string>{DEVMEM_PROBE} + probe_args, env);
}

// Tests of modes that try the real device must not run where one exists.
bool real_device_present() {
    if (!fs::exists("/dev/mem"))
        return false;
    WARN("/dev/mem exists here: not exercised, so that no test ever opens a real /dev/mem");
    return true;
}

const std::string sm2_anchor = "bytes=5f534d5f"; // "_SM_"

} // namespace

TEST_CASE("stat and statx of /dev/mem report a char device 1:1 with mode 0640") {
    Output out = shimmed({"stat", "/dev/mem"});
    CHECK(out.has("stat mode=20640 rdev=1:1"));
    CHECK(out.has("statx mode=20640 rdev=1:1"));
}

TEST_CASE("fstat of a served descriptor and of its dup report a char device 1:1") {
    Output out = shimmed({"fstat", "/dev/mem"});
    CHECK(out.has("fstat mode=20640 rdev=1:1"));
    CHECK(out.has("fstat-dup mode=20640 rdev=1:1"));
}

TEST_CASE("a served descriptor inherited across exec still reports a char device 1:1") {
    CHECK(shimmed({"exec-inherit", "/dev/mem"}).has("fstat mode=20640 rdev=1:1"));
}

TEST_CASE("the pre-2.33 __xstat and __fxstat report a char device 1:1 too") {
    Output out = shimmed({"legacy-stat", "/dev/mem"});
    CHECK(out.has("__xstat mode=20640 rdev=1:1"));
    CHECK(out.has("__fxstat mode=20640 rdev=1:1"));
}

TEST_CASE("freopen onto /dev/mem is served") {
    CHECK(shimmed({"freopen", "/dev/mem"}).has("anchor=_SM_"));
}

TEST_CASE("every spelling of /dev/mem is served") {
    for (const char* path : {"/dev/mem", "//dev/mem", "/dev/./mem", "/dev/../dev/mem", "/dev//mem"})
        CHECK(shimmed({"pread", path, "0xF0000", "4"}).has(sm2_anchor));
}

TEST_CASE("openat with a dirfd on /dev and an open relative to cwd /dev are served") {
    CHECK(shimmed({"openat", "/dev", "mem"}).has("anchor=_SM_"));
    CHECK(shimmed({"openat", "/", "dev/mem"}).has("anchor=_SM_"));
    CHECK(shimmed({"chdir-open", "/dev", "mem"}).has("anchor=_SM_"));
    CHECK(shimmed({"chdir-open", "/sys", "../dev/mem"}).has("anchor=_SM_"));
}

TEST_CASE("paths that only resemble /dev/mem are passed through") {
    CHECK(shimmed({"pread", "/tmp/no-such-dir/mem", "0", "4"}).has("open errno=ENOENT"));
    CHECK(shimmed({"pread", "/dev/memory", "0", "4"}).has("open errno=ENOENT"));
}

TEST_CASE("mmap at a page-aligned offset sees the entry point, the VGA hole reads zeros") {
    CHECK(shimmed({"mmap", "/dev/mem", "0xF0000", "4"}).has(sm2_anchor));
    CHECK(shimmed({"mmap", "/dev/mem", "0xA0010", "8"}).has("bytes=0000000000000000"));
    CHECK(shimmed({"pread", "/dev/mem", "0xFFFF8", "8"}).has("bytes=0000000000000000"));
}

TEST_CASE("the table is at the address the placed entry point gives") {
    // smbios2.bin is a dump, so its table is relocated to 0x100000; type 0 comes first.
    Output ep = shimmed({"pread", "/dev/mem", "0xF0018", "4"});
    CHECK(ep.has("bytes=00001000"));
    CHECK(shimmed({"pread", "/dev/mem", "0x100000", "2"}).has("bytes=0018"));
}

TEST_CASE("writes through O_RDWR fail with EPERM and private mappings stay private") {
    Output out = shimmed({"write", "/dev/mem"});
    CHECK(out.has("write errno=EPERM"));
    CHECK(out.has("mmap-shared-write errno=EPERM"));
    CHECK(out.has("private=X file=_"));
}

TEST_CASE("each open of /dev/mem has its own file offset") {
    CHECK(shimmed({"offsets", "/dev/mem"}).has("first=983040 second=0"));
}

TEST_CASE("O_CLOEXEC is honoured on served descriptors") {
    CHECK(shimmed({"cloexec", "/dev/mem"}).has("with=1 without=0"));
}

TEST_CASE("errno is preserved across a served open") {
    CHECK(shimmed({"errno", "/dev/mem"}).has("fd_ok=1 errno=EILSEQ"));
}

TEST_CASE("fopen of /dev/mem is served") {
    CHECK(shimmed({"fopen", "/dev/mem"}).has("anchor=_SM_"));
}

TEST_CASE("access reports a served /dev/mem readable and writable, not executable") {
    CHECK(shimmed({"access", "/dev/mem", "r"}).has("access=ok"));
    CHECK(shimmed({"access", "/dev/mem", "w"}).has("access=ok"));
    CHECK(shimmed({"access", "/dev/mem", "x"}).has("access errno=EACCES"));
}

TEST_CASE("/dev/port and /dev/kmem fail with EPERM while the image is served") {
    CHECK(shimmed({"pread", "/dev/port", "0x80", "1"}).has("open errno=EPERM"));
    CHECK(shimmed({"pread", "/dev/kmem", "0", "1"}).has("open errno=EPERM"));
    CHECK(shimmed({"stat", "/dev/port"}).has("stat mode=20640 rdev=1:4"));
}

TEST_CASE("a malformed source makes /dev/mem fail with EPERM, every time") {
    Env env{{"DEVMEM_SHIM_DUMP", fixtures + "/smbios2-bad-checksum.bin"}};
    Output out = preloaded({"pread", "/dev/mem", "0xF0000", "4"}, env);
    CHECK(out.has("open errno=EPERM"));
    CHECK(preloaded({"stress", "/dev/mem", "2", "3", "0"}, env).has("failures=6 leaked=0"));
}

TEST_CASE("fixture mode serves the sysfs table files from the fixture") {
    Output ep = shimmed({"pread", "/sys/firmware/dmi/tables/smbios_entry_point", "0", "4"});
    CHECK(ep.has(sm2_anchor));
    Output table = shimmed({"pread", "/sys/firmware/dmi/tables/DMI", "0", "2"});
    CHECK(table.has("bytes=0018"));
    CHECK(shimmed({"stat", "/sys/firmware/dmi/tables/DMI"}).text.find("mode=100") !=
          std::string::npos);
}

TEST_CASE("fixture mode serves efi/systab from the fixture, or hides the host's") {
    CHECK(shimmed({"pread", "/sys/firmware/efi/systab", "0", "4"}).has("open errno=ENOENT"));
    Output efi = shimmed({"pread", "/sys/firmware/efi/systab", "0", "7"},
                         {"--firmware", fixtures + "/smbios3-efi.fw"});
    CHECK(efi.has("bytes=4143504932303d")); // "ACPI20="
}

namespace {

// A directory's names as the probe prints a listing: sorted, comma-separated.
std::string listing(const fs::path& dir) {
    std::vector<std::string> names;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    std::string joined;
    for (const std::string& name : names)
        joined += (joined.empty() ? "" : ",") + name;
    return joined;
}

} // namespace

TEST_CASE("fixture mode lists the fixture's acpi/tables, however the directory is opened") {
    std::vector<std::string> firmware{"--firmware", fixtures + "/smbios3-efi.fw"};
    std::string names = listing(fixtures + "/smbios3-efi.fw/acpi/tables");
    REQUIRE(names.find("FACP") != std::string::npos);
    CHECK(shimmed({"opendir", "/sys/firmware/acpi/tables"}, firmware).has("opendir=" + names));
    CHECK(shimmed({"opendir", "/sys//firmware/acpi/tables/"}, firmware).has("opendir=" + names));
    CHECK(shimmed({"scandir", "/sys/firmware/acpi/tables"}, firmware).has("scandir=" + names));
    CHECK(
        shimmed({"fdopendir", "/sys/firmware/acpi", "tables"}, firmware).has("fdopendir=" + names));
    CHECK(
        shimmed({"fdopendir", "/sys/firmware", "acpi/tables"}, firmware).has("fdopendir=" + names));
}

TEST_CASE("fixture mode serves the files of acpi/tables from the fixture") {
    std::vector<std::string> firmware{"--firmware", fixtures + "/smbios3-efi.fw"};
    CHECK(shimmed({"pread", "/sys/firmware/acpi/tables/FACP", "0", "4"}, firmware)
              .has("bytes=46414350")); // "FACP"
    CHECK(shimmed({"openat", "/sys/firmware/acpi/tables", "SSDT2"}, firmware).has("anchor="));
    CHECK(shimmed({"stat", "/sys/firmware/acpi/tables"}, firmware).text.find("stat mode=40") !=
          std::string::npos);
    CHECK(shimmed({"access", "/sys/firmware/acpi/tables/DSDT", "r"}, firmware).has("access=ok"));
    CHECK(shimmed({"pread", "/sys/firmware/acpi/tables/NONE", "0", "4"}, firmware)
              .has("open errno=ENOENT"));
}

TEST_CASE("a dump has no ACPI: acpi/tables is absent in fixture mode, never the host's") {
    CHECK(shimmed({"opendir", "/sys/firmware/acpi/tables"}).has("opendir errno=ENOENT"));
    CHECK(shimmed({"scandir", "/sys/firmware/acpi/tables"}).has("scandir errno=ENOENT"));
    CHECK(shimmed({"fdopendir", "/sys/firmware/acpi", "tables"}).has("fdopendir errno=ENOENT"));
    CHECK(shimmed({"pread", "/sys/firmware/acpi/tables/FACP", "0", "4"}).has("open errno=ENOENT"));
}

TEST_CASE("without a fixture acpi/tables is the host's") {
    const fs::path host = "/sys/firmware/acpi/tables";
    if (!fs::is_directory(host)) {
        WARN("no " << host << " here: nothing to compare with");
        return;
    }
    CHECK(preloaded({"opendir", host.string()}, {}).has("opendir=" + listing(host)));
}

namespace {

// A log file of the test's own, removed when done.
struct TemporaryLog {
    fs::path path = fs::temp_directory_path() / ("devmem-shim-log-" + std::to_string(getpid()));

    TemporaryLog() { fs::remove(path); }
    TemporaryLog(const TemporaryLog&) = delete;
    TemporaryLog& operator=(const TemporaryLog&) = delete;
    ~TemporaryLog() { fs::remove(path); }

    std::vector<nlohmann::json> records() const {
        std::ifstream in(path);
        std::vector<nlohmann::json> parsed;
        for (std::string line; std::getline(in, line);)
            parsed.push_back(nlohmann::json::parse(line));
        return parsed;
    }
};

// A record's operation and physical range, "op offset+length".
std::string access_of(const nlohmann::json& record) {
    return record["op"].get<std::string>() + " " +
           std::to_string(record["offset"].get<std::uint64_t>()) + "+" +
           std::to_string(record["length"].get<std::uint64_t>());
}

} // namespace

TEST_CASE("the log records served and denied opens as JSON Lines") {
    TemporaryLog log;
    std::vector<std::string> source{"--dump", smbios2, "--log", log.path.string()};
    shimmed({"pread", "/dev/mem", "0xF0000", "4"}, source);
    shimmed({"pread", "/dev/port", "0", "1"}, source);
    std::vector<nlohmann::json> records = log.records();
    REQUIRE(records.size() == 3);
    CHECK(records[0]["op"] == "open");
    CHECK(records[0]["path"] == "/dev/mem");
    CHECK(records[0]["region"] == "physical-memory");
    CHECK(records[0]["result"] == "served");
    CHECK(records[0]["length"].get<std::uint64_t>() >= 0x100000);
    CHECK(records[0]["exe"].get<std::string>().find("devmem-probe") != std::string::npos);
    CHECK(records[0]["pid"].get<int>() > 0);
    CHECK(!records[0].contains("class"));
    CHECK(access_of(records[1]) == "pread 983040+4");
    CHECK(records[2]["region"] == "io-ports");
    CHECK(records[2]["result"] == "denied");
}

TEST_CASE("the log records each read and mapping of a served /dev/mem with range and class") {
    TemporaryLog log;
    Output out = shimmed({"accesses", "/dev/mem"}, {"--dump", smbios2, "--log", log.path.string()});
    CHECK(out.has("read=22 mapped=1"));
    std::vector<nlohmann::json> records = log.records();
    REQUIRE(records.size() == 7);
    CHECK(records[0]["op"] == "open");
    std::vector<std::string> accesses;
    for (size_t i = 1; i < records.size(); ++i) {
        INFO(records[i].dump());
        accesses.push_back(access_of(records[i]));
        CHECK(records[i]["path"] == "/dev/mem");
        CHECK(records[i]["region"] == "physical-memory");
        CHECK(records[i]["class"] == "bios-area");
        CHECK(records[i]["result"] == "served");
        CHECK(records[i]["pid"] == records[0]["pid"]);
    }
    // read and readv at the position lseek set and read advanced; the dup shares it.
    CHECK(accesses == std::vector<std::string>{"read 983040+4", "readv 983044+4", "pread 983056+8",
                                               "preadv 983072+4", "pread 983088+2",
                                               "mmap64 983040+65536"});
}

TEST_CASE("a mapping beyond the image is logged as denied, and outside the BIOS area classed") {
    TemporaryLog log;
    std::vector<std::string> source{"--dump", smbios2, "--log", log.path.string()};
    CHECK(shimmed({"mmap", "/dev/mem", "0x10000000", "16"}, source).has("mmap errno=EPERM"));
    shimmed({"pread", "/dev/mem", "0xA0000", "16"}, source);
    std::vector<nlohmann::json> records = log.records();
    REQUIRE(records.size() == 4);
    CHECK(access_of(records[1]) == "mmap 268435456+16");
    CHECK(records[1]["result"] == "denied");
    CHECK(records[1]["class"] == "above-1mib");
    CHECK(records[1].contains("detail"));
    CHECK(access_of(records[3]) == "pread 655360+16");
    CHECK(records[3]["class"] == "vga-hole");
}

TEST_CASE("a process that opens no /dev/mem is not watched: its reads and maps are not logged") {
    TemporaryLog log;
    Output out = shimmed({"read-file", smbios2}, {"--dump", smbios2, "--log", log.path.string()});
    CHECK(out.has("read=1 errno=EILSEQ mapped=1"));
    CHECK(!fs::exists(log.path));
}

TEST_CASE("mode off passes /dev/mem through even with a fixture") {
    if (real_device_present())
        return;
    Env env{{"DEVMEM_SHIM_DUMP", smbios2}, {"DEVMEM_SHIM_MODE", "off"}};
    CHECK(preloaded({"pread", "/dev/mem", "0xF0000", "4"}, env).has("open errno=ENOENT"));
}

TEST_CASE("auto mode serves when the real device is absent") {
    if (real_device_present())
        return;
    Env env{{"DEVMEM_SHIM_DUMP", smbios2}, {"DEVMEM_SHIM_MODE", "auto"}};
    CHECK(preloaded({"pread", "/dev/mem", "0xF0000", "4"}, env).has(sm2_anchor));
}

TEST_CASE("audit mode passes through and logs the outcome") {
    if (real_device_present())
        return;
    fs::path log = fs::temp_directory_path() / ("devmem-shim-audit-" + std::to_string(getpid()));
    Env env{{"DEVMEM_SHIM_DUMP", smbios2},
            {"DEVMEM_SHIM_MODE", "audit"},
            {"DEVMEM_SHIM_LOG", log.string()}};
    CHECK(preloaded({"pread", "/dev/mem", "0xF0000", "4"}, env).has("open errno=ENOENT"));
    std::ifstream in(log);
    std::string line;
    REQUIRE(std::getline(in, line));
    fs::remove(log);
    CHECK(nlohmann::json::parse(line)["result"] == "failed");
}

TEST_CASE("16 threads x 1000 open/mmap/read/close and forked children leak nothing") {
    CHECK(shimmed({"stress", "/dev/mem", "16", "1000", "20"}).has("failures=0 leaked=0"));
}
