// libdevmem-shim.so under injected faults (docs/reliability.md): the host never crashes, gets
// EPERM as from a locked-down kernel (or the kernel's own errno for its own mistakes), and
// keeps no descriptor it did not ask for. devmem-fault-probe runs preloaded and reports.
#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string fixtures = DEVMEM_FIXTURE_DIR;

// The probe, preloaded by hand: the launcher would validate (and so read) the source first.
class Probe {
public:
    Probe(const std::vector<std::string>& args, const std::string& source_variable,
          const std::string& source) {
        int out[2];
        REQUIRE(pipe(out) == 0);
        pid_ = fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            dup2(out[1], STDOUT_FILENO);
            close(out[0]);
            setenv("LD_PRELOAD", DEVMEM_PRELOAD, 1);
            setenv(source_variable.c_str(), source.c_str(), 1);
            std::vector<char*> argv{const_cast<char*>(DEVMEM_FAULT_PROBE)};
            for (const std::string& arg : args)
                argv.push_back(const_cast<char*>(arg.c_str()));
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(out[1]);
        out_ = fdopen(out[0], "r");
    }
    Probe(const Probe&) = delete;
    Probe& operator=(const Probe&) = delete;
    ~Probe() { finish(); }

    pid_t pid() const { return pid_; }

    std::string next_line() {
        char line[256];
        return std::fgets(line, sizeof line, out_) ? std::string(line) : std::string();
    }

    // The rest of the output, once the probe has exited; "exit=N" appended.
    std::string finish() {
        if (pid_ <= 0)
            return {};
        std::string text;
        for (std::string line; !(line = next_line()).empty();)
            text += line;
        (void)std::fclose(out_);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return text + "exit=" + std::to_string(code) + "\n";
    }

private:
    pid_t pid_ = -1;
    FILE* out_ = nullptr;
};

bool has(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

std::string run_probe(const std::vector<std::string>& args,
                      const std::string& dump = fixtures + "/smbios2.bin") {
    Probe probe(args, "DEVMEM_SHIM_DUMP", dump);
    std::string text = probe.finish();
    INFO(text);
    CHECK(has(text, "exit=0"));
    return text;
}

// A copy of a fixture's firmware directory whose entry point is a FIFO: the test decides when
// the shim gets it, and so what the directory looks like when the shim goes on to the table.
struct FifoFirmware {
    fs::path dir;
    std::string entry_point;

    explicit FifoFirmware(const std::string& fixture) {
        std::string pattern = (fs::temp_directory_path() / "devmem-fault-XXXXXX").string();
        dir = mkdtemp(pattern.data());
        fs::copy(fixtures + "/" + fixture, dir, fs::copy_options::recursive);
        std::ifstream in(entry_point_path(), std::ios::binary);
        entry_point.assign(std::istreambuf_iterator<char>(in), {});
        fs::remove(entry_point_path());
        REQUIRE(mkfifo(entry_point_path().c_str(), 0600) == 0);
    }
    FifoFirmware(const FifoFirmware&) = delete;
    FifoFirmware& operator=(const FifoFirmware&) = delete;
    ~FifoFirmware() { fs::remove_all(dir); }

    fs::path entry_point_path() const { return dir / "dmi/tables/smbios_entry_point"; }
    fs::path table_path() const { return dir / "dmi/tables/DMI"; }

    // Waits for the shim to open the FIFO, hands it the entry point, lets change() alter the
    // directory, then ends the entry point: the shim has validated it and reads the table next.
    template <typename Change> void serve_entry_point(Change change) {
        int fd = -1;
        for (int tries = 0; fd < 0 && tries < 1000; ++tries) {
            fd = open(entry_point_path().c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
            if (fd < 0)
                std::this_thread::sleep_for(10ms); // ENXIO: no reader yet
        }
        REQUIRE(fd >= 0);
        REQUIRE(write(fd, entry_point.data(), entry_point.size()) == ssize_t(entry_point.size()));
        change();
        close(fd);
    }
};

std::string open_with_changed_table(const std::string& fixture, void (*change)(const fs::path&)) {
    FifoFirmware firmware(fixture);
    Probe probe({"open"}, "DEVMEM_SHIM_FIRMWARE", firmware.dir.string());
    firmware.serve_entry_point([&] { change(firmware.table_path()); });
    std::string text = probe.finish();
    INFO(text);
    CHECK(has(text, "exit=0"));
    return text;
}

// The probe's main thread blocked in openat (257 on x86-64), as in the FIFO's open.
bool blocked_in_open(pid_t pid) {
    std::ifstream syscall("/proc/" + std::to_string(pid) + "/syscall");
    std::string number;
    return syscall >> number && number == "257";
}

} // namespace

TEST_CASE("a table that vanishes after its entry point was validated denies /dev/mem") {
    // The control: the same FIFO handshake with the directory left alone serves the image.
    CHECK(has(open_with_changed_table("smbios2.fw", [](const fs::path&) {}), "open anchor=_SM_"));
    std::string text =
        open_with_changed_table("smbios2.fw", [](const fs::path& table) { fs::remove(table); });
    CHECK(has(text, "open errno=EPERM"));
    CHECK(has(text, "leaked=0"));
}

TEST_CASE("a 2.x table cut short after validation denies /dev/mem") {
    std::string text = open_with_changed_table("smbios2.fw", [](const fs::path& table) {
        fs::resize_file(table, fs::file_size(table) / 2);
    });
    CHECK(has(text, "open errno=EPERM"));
    CHECK(has(text, "leaked=0"));
}

TEST_CASE("a 3.x table emptied after validation denies /dev/mem") {
    std::string text = open_with_changed_table(
        "smbios3-efi.fw", [](const fs::path& table) { fs::resize_file(table, 0); });
    CHECK(has(text, "open errno=EPERM"));
    CHECK(has(text, "leaked=0"));
}

TEST_CASE("with no descriptor to spare the open fails with EPERM, and serves once there is") {
    for (const char* spare : {"0", "1", "2", "3"}) {
        std::string text = run_probe({"nofile", spare});
        INFO("spare descriptors: " << spare << "\n" << text);
        CHECK(has(text, "limited errno=EPERM"));
        CHECK(has(text, "restored anchor=_SM_"));
        CHECK(has(text, "leaked=0"));
    }
}

TEST_CASE("without memory (RLIMIT_AS) the open fails with EPERM, and serves once there is") {
    std::string text = run_probe({"nomem"});
    CHECK(has(text, "limited errno=EPERM"));
    CHECK(has(text, "restored anchor=_SM_"));
    CHECK(has(text, "leaked=0"));
}

TEST_CASE("a 4 KiB RLIMIT_FSIZE denies /dev/mem instead of killing the host with SIGXFSZ") {
    std::string text = run_probe({"fsize", "4096"});
    CHECK(has(text, "limited errno=EPERM"));
    CHECK(has(text, "leaked=0"));
}

TEST_CASE("a fork racing the first open in another thread serves both processes") {
    CHECK(has(run_probe({"fork-race", "200"}), "failures=0"));
}

TEST_CASE("a program that takes the numbers of the shim's descriptors never reads or stats its "
          "own file for /dev/mem or sysfs") {
    std::string text = run_probe({"closed-descriptor"});
    CHECK(has(text, "first anchor=_SM_"));
    CHECK(has(text, "child anchor=_SM_"));
    CHECK(has(text, "child-stat table"));
    CHECK(has(text, "child-kept /dev/null"));
    CHECK(has(text, "same-process errno=EPERM"));
    CHECK(has(text, "same-process-stat errno=EPERM"));
    CHECK(has(text, "kept /dev/null"));
}

TEST_CASE("a signal during the build's open is invisible to the host, with and without "
          "SA_RESTART") {
    for (const char* kind : {"restart", "interrupt"}) {
        INFO(kind);
        FifoFirmware firmware("smbios2.fw");
        Probe probe({"signal", kind}, "DEVMEM_SHIM_FIRMWARE", firmware.dir.string());
        REQUIRE(probe.next_line() == "ready\n");
        for (int tries = 0; !blocked_in_open(probe.pid()) && tries < 1000; ++tries)
            std::this_thread::sleep_for(10ms);
        REQUIRE(blocked_in_open(probe.pid()));
        REQUIRE(kill(probe.pid(), SIGUSR1) == 0);
        REQUIRE(probe.next_line() == "signal\n");
        firmware.serve_entry_point([] {});
        std::string text = probe.finish();
        INFO(text);
        CHECK(has(text, "handled=1"));
        CHECK(has(text, "open anchor=_SM_"));
        CHECK(has(text, "leaked=0"));
        CHECK(has(text, "exit=0"));
    }
}

TEST_CASE("caller errors get the kernel's errno, never a crash, and the image stays served") {
    std::string text = run_probe({"caller-errors"});
    CHECK(has(text, "open-null errno=EFAULT"));
    CHECK(has(text, "directory errno=ENOTDIR"));
    CHECK(has(text, "create-exclusive errno=EEXIST"));
    CHECK(has(text, "tmpfile errno=ENOTDIR"));
    CHECK(has(text, "fopen-null-mode errno=EINVAL"));
    CHECK(has(text, "fopen-null-path errno=EFAULT"));
    CHECK(has(text, "stat-null errno=EFAULT"));
    CHECK(has(text, "statx-null errno=EFAULT"));
    CHECK(has(text, "access-null errno=EFAULT"));
    CHECK(has(text, "still-served anchor=_SM_"));
    CHECK(has(text, "leaked=0"));
}

TEST_CASE("unusual open flags and mappings get the kernel's answer, never a crash") {
    std::string text = run_probe({"caller-flags"});
    CHECK(has(text, "wronly read=EBADF chr mmap=EACCES"));
    CHECK(has(text, "path read=EBADF chr mmap=EBADF"));
    CHECK(has(text, "nofollow anchor=_SM_ chr mmap=ok"));
    CHECK(has(text, "trunc anchor=_SM_ chr mmap=ok"));
    CHECK(has(text, "noctty-sync anchor=_SM_ chr mmap=ok"));
    CHECK(has(text, "map-exec bytes=5f53")); // "_S"
    CHECK(has(text, "map-no-type errno=EINVAL"));
    CHECK(has(text, "map-unaligned errno=EINVAL"));
    CHECK(has(text, "map-empty errno=EINVAL"));
    CHECK(has(text, "leaked=0"));
}

TEST_CASE("a mapping past the image fails with EPERM, one reaching past it reads zeros there") {
    for (auto [source, anchor] :
         {std::pair{"smbios2.bin", "_SM_"}, {"smbios3-large.bin", "_SM3"}}) {
        std::string text = run_probe({"beyond-image"}, fixtures + "/" + source);
        INFO(source << "\n" << text);
        CHECK(has(text, "map-last-page mapped"));
        CHECK(has(text, "map-across-end last=00"));
        CHECK(has(text, "map-past-end errno=EPERM"));
        CHECK(has(text, "map-far errno=EPERM"));
        // The kernel's own checks come first, as they do before the device's.
        CHECK(has(text, "map-unaligned-past-end errno=EINVAL"));
        CHECK(has(text, "read-at-end bytes=2"));
        CHECK(has(text, "read-past-end bytes=0"));
        CHECK(has(text, std::string("still-served anchor=") + anchor));
        CHECK(has(text, "leaked=0"));
    }
}
