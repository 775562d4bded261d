// devmem-fault-probe: runs preloaded and opens /dev/mem under one injected fault, then reports
// the errno it got, what it read and how many descriptors it gained, for fault_test.cpp.
// Built without sanitizers, like devmem-probe: it runs with libdevmem-shim.so preloaded.
#include "probe_commands.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <set>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using probe::Args;

// Open descriptors and the inodes they refer to, split into the image's (memfds named devmem-*:
// the shim's own and those a program got from it) and all others.
std::map<int, ino_t> descriptors(bool memfds) {
    std::map<int, ino_t> found;
    DIR* dir = opendir("/proc/self/fd");
    while (dirent* entry = readdir(dir)) {
        char link[64] = {};
        std::string path = std::string("/proc/self/fd/") + entry->d_name;
        struct stat st;
        if (readlink(path.c_str(), link, sizeof link - 1) >= 0 && stat(path.c_str(), &st) == 0 &&
            (std::strncmp(link, "/memfd:devmem-", 14) == 0) == memfds)
            found[std::atoi(entry->d_name)] = st.st_ino;
    }
    found.erase(dirfd(dir));
    closedir(dir);
    return found;
}

std::map<int, ino_t> memfd_descriptors() {
    return descriptors(true);
}

// The shim keeps its memfds for the process by design; anything else it leaves open is a leak.
int other_descriptors() {
    return int(descriptors(false).size());
}

// A child that rebuilt the image (memfds of new files) must have closed the memfds of the
// parent's interrupted build; it keeps at most the one its parent's other thread had open.
bool rebuilt_without_leak(const std::map<int, ino_t>& before, const std::map<int, ino_t>& after) {
    std::set<ino_t> inherited;
    for (const auto& [fd, ino] : before)
        inherited.insert(ino);
    size_t kept = 0;
    for (const auto& [fd, ino] : after)
        kept += inherited.count(ino);
    size_t made = after.size() - kept;
    return made == 0 || (made <= 3 && kept <= 1);
}

// One open of /dev/mem: "errno=NAME" or "anchor=XXXX" (the first bytes of the F segment).
std::string open_result(const char* path, int flags = O_RDONLY) {
    int fd = open(path, flags);
    if (fd < 0)
        return std::string("errno=") + strerrorname_np(errno);
    char anchor[5] = {};
    ssize_t n = pread(fd, anchor, 4, 0xF0000);
    close(fd);
    return n == 4 ? std::string("anchor=") + anchor : "short-read";
}

void report(const char* what, const std::string& result) {
    std::printf("%s %s\n", what, result.c_str());
}

// Lowest free descriptor number: RLIMIT_NOFILE bounds descriptor numbers, not their count.
int lowest_free_descriptor() {
    int fd = dup(0);
    close(fd);
    return fd;
}

int no_file(const Args& a) {
    int before = other_descriptors();
    rlimit saved;
    getrlimit(RLIMIT_NOFILE, &saved);
    rlimit tight = saved;
    tight.rlim_cur = rlim_t(lowest_free_descriptor()) + rlim_t(std::stoul(a[0]));
    setrlimit(RLIMIT_NOFILE, &tight);
    report("limited", open_result("/dev/mem"));
    setrlimit(RLIMIT_NOFILE, &saved);
    report("restored", open_result("/dev/mem"));
    std::printf("leaked=%d\n", other_descriptors() - before);
    return 0;
}

// Address space just above what the process uses: the shim's read buffers cannot be mapped.
int no_memory(const Args&) {
    int before = other_descriptors();
    unsigned long pages = 0;
    FILE* statm = std::fopen("/proc/self/statm", "r");
    if (!statm || std::fscanf(statm, "%lu", &pages) != 1)
        return 2;
    (void)std::fclose(statm);
    rlimit saved;
    getrlimit(RLIMIT_AS, &saved);
    rlimit tight = saved;
    tight.rlim_cur = rlim_t(pages * sysconf(_SC_PAGESIZE) + (4 << 20));
    setrlimit(RLIMIT_AS, &tight);
    report("limited", open_result("/dev/mem"));
    setrlimit(RLIMIT_AS, &saved);
    report("restored", open_result("/dev/mem"));
    std::printf("leaked=%d\n", other_descriptors() - before);
    return 0;
}

int file_size(const Args& a) {
    int before = other_descriptors();
    rlimit tight{rlim_t(std::stoul(a[0])), RLIM_INFINITY};
    setrlimit(RLIMIT_FSIZE, &tight);
    report("limited", open_result("/dev/mem"));
    std::printf("leaked=%d\n", other_descriptors() - before);
    return 0;
}

// ROUNDS fresh processes, each forking while another of its threads makes the first open, so
// the fork lands before, during or after the image build. Every process must serve, none hang,
// and a child that rebuilt must not keep the memfds of the build it interrupted.
int fork_race(const Args& a) {
    int failures = 0;
    for (int round = 0; round < std::stoi(a[0]); ++round) {
        pid_t racer = fork();
        if (racer == 0) {
            std::atomic<bool> thread_ok{false};
            std::thread opener([&] { thread_ok = open_result("/dev/mem") == "anchor=_SM_"; });
            pid_t child = fork();
            if (child == 0) {
                alarm(10);
                std::map<int, ino_t> inherited = memfd_descriptors();
                std::string result = open_result("/dev/mem");
                bool memfds_ok = rebuilt_without_leak(inherited, memfd_descriptors());
                if (result != "anchor=_SM_" || !memfds_ok)
                    std::printf("child %s memfds_ok=%d\n", result.c_str(), int(memfds_ok));
                (void)std::fflush(stdout);
                _exit(result == "anchor=_SM_" && memfds_ok ? 0 : 1);
            }
            opener.join();
            if (!thread_ok)
                std::printf("thread failed\n");
            int status = 0;
            waitpid(child, &status, 0);
            _exit(thread_ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1);
        }
        int status = 0;
        waitpid(racer, &status, 0);
        failures += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    std::printf("failures=%d\n", failures);
    return 0;
}

// What descriptor fd names: its /proc link.
std::string link_of(int fd) {
    char link[256] = {};
    ssize_t n = readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), link, sizeof link - 1);
    return n < 0 ? std::string("errno=") + strerrorname_np(errno) : link;
}

// What stat says of the served DMI table: "table" (a regular file with bytes) or otherwise.
std::string table_stat() {
    struct stat st;
    if (stat("/sys/firmware/dmi/tables/DMI", &st) != 0)
        return std::string("errno=") + strerrorname_np(errno);
    return S_ISREG(st.st_mode) && st.st_size > 0 ? "table" : "other";
}

// A program that closes the shim's descriptors and takes their numbers for a file of its own (a
// daemon's closefrom(), then its own opens): its forked child builds the image anew, the
// process itself gets EPERM, and neither ever reads or stats that file for /dev/mem or sysfs, or
// loses it.
int closed_descriptor(const Args&) {
    report("first", open_result("/dev/mem"));
    std::map<int, ino_t> memfds = memfd_descriptors();
    if (memfds.empty())
        return 2;
    int own = open("/dev/null", O_RDONLY);
    for (const auto& [fd, ino] : memfds)
        dup2(own, fd);
    close(own);
    int number = memfds.begin()->first;
    (void)std::fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        report("child", open_result("/dev/mem"));
        report("child-stat", table_stat());
        report("child-kept", link_of(number));
        (void)std::fflush(stdout);
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    report("same-process", open_result("/dev/mem"));
    report("same-process-stat", table_stat());
    report("kept", link_of(number));
    return 0;
}

volatile sig_atomic_t signals_handled = 0;

void note_signal(int) {
    signals_handled = signals_handled + 1;
    constexpr char line[] = "signal\n";
    (void)!write(STDOUT_FILENO, line, sizeof line - 1);
}

// signal restart|interrupt: the open blocks (fault_test.cpp serves the entry point through a
// FIFO) until the test has sent SIGUSR1 and seen "signal".
int signal_during_open(const Args& a) {
    struct sigaction action = {};
    action.sa_handler = note_signal;
    action.sa_flags = a[0] == "restart" ? SA_RESTART : 0;
    sigaction(SIGUSR1, &action, nullptr);
    std::printf("ready\n");
    (void)std::fflush(stdout);
    int before = other_descriptors();
    std::string result = open_result("/dev/mem");
    std::printf("handled=%d\n", int(signals_handled));
    report("open", result);
    std::printf("leaked=%d\n", other_descriptors() - before);
    return 0;
}

// Opaque to the compiler, which would otherwise reject or fold calls declared nonnull.
template <typename T> T* null_pointer() {
    T* volatile pointer = nullptr;
    return pointer;
}

// Caller errors: what the kernel says about each, never a crash.
int caller_errors(const Args&) {
    int before = other_descriptors();
    report("open-null", open_result(null_pointer<const char>()));
    report("directory", open_result("/dev/mem", O_RDONLY | O_DIRECTORY));
    report("create-exclusive", open_result("/dev/mem", O_RDWR | O_CREAT | O_EXCL));
    report("tmpfile", open_result("/dev/mem", O_RDWR | O_TMPFILE));
    FILE* stream = std::fopen("/dev/mem", null_pointer<const char>());
    report("fopen-null-mode", std::string("errno=") + strerrorname_np(stream ? 0 : errno));
    stream = std::fopen(null_pointer<const char>(), "r");
    report("fopen-null-path", std::string("errno=") + strerrorname_np(stream ? 0 : errno));
    int result = stat("/dev/mem", null_pointer<struct stat>());
    report("stat-null", std::string("errno=") + strerrorname_np(result ? errno : 0));
    result = statx(AT_FDCWD, "/dev/mem", 0, STATX_BASIC_STATS, null_pointer<struct statx>());
    report("statx-null", std::string("errno=") + strerrorname_np(result ? errno : 0));
    result = access(null_pointer<const char>(), R_OK);
    report("access-null", std::string("errno=") + strerrorname_np(result ? errno : 0));
    report("still-served", open_result("/dev/mem"));
    std::printf("leaked=%d\n", other_descriptors() - before);
    return 0;
}

// An open of /dev/mem with unusual flags, then what a read, an fstat and a mapping of it give.
std::string flags_result(int flags) {
    int fd = open("/dev/mem", flags);
    if (fd < 0)
        return std::string("errno=") + strerrorname_np(errno);
    char anchor[5] = {};
    std::string result = pread(fd, anchor, 4, 0xF0000) == 4
                             ? std::string("anchor=") + anchor
                             : std::string("read=") + strerrorname_np(errno);
    struct stat st;
    result += fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) ? " chr" : " not-chr";
    void* p = mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd, 0xF0000);
    result += p == MAP_FAILED ? std::string(" mmap=") + strerrorname_np(errno) : " mmap=ok";
    if (p != MAP_FAILED)
        munmap(p, 4096);
    close(fd);
    return result;
}

// One mapping of the image with the given protection, flags, offset and length: its first two
// bytes, or the errno.
std::string map_result(int prot, int flags, off_t offset, size_t length) {
    int fd = open("/dev/mem", O_RDONLY);
    void* p = mmap(nullptr, length, prot, flags, fd, offset);
    close(fd);
    if (p == MAP_FAILED)
        return std::string("errno=") + strerrorname_np(errno);
    char bytes[16];
    const unsigned char* mapped = static_cast<const unsigned char*>(p);
    (void)std::snprintf(bytes, sizeof bytes, "bytes=%02x%02x", mapped[0], mapped[1]);
    std::string result = bytes;
    munmap(p, length);
    return result;
}

// The image's size as the served descriptor reports it to a reader: where reads end.
off_t image_end() {
    int fd = open("/dev/mem", O_RDONLY);
    off_t end = lseek(fd, 0, SEEK_END);
    close(fd);
    return end;
}

// What a read of `length` bytes at `offset` gives: "bytes=N" or the errno.
std::string read_result(off_t offset, size_t length) {
    int fd = open("/dev/mem", O_RDONLY);
    std::vector<char> buffer(length);
    ssize_t n = pread(fd, buffer.data(), length, offset);
    close(fd);
    return n < 0 ? std::string("errno=") + strerrorname_np(errno) : "bytes=" + std::to_string(n);
}

// Whether a mapping succeeds: "mapped" or the errno.
std::string mapping(off_t offset, size_t length, int flags = MAP_SHARED) {
    std::string result = map_result(PROT_READ, flags, offset, length);
    return result.starts_with("bytes=") ? "mapped" : result;
}

// The last byte of a mapping: "last=XX", or the errno. A page past the image's end must read,
// not raise SIGBUS.
std::string last_byte_mapped(off_t offset, size_t length) {
    int fd = open("/dev/mem", O_RDONLY);
    void* p = mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, offset);
    close(fd);
    if (p == MAP_FAILED)
        return std::string("errno=") + strerrorname_np(errno);
    char text[16];
    (void)std::snprintf(text, sizeof text, "last=%02x", static_cast<unsigned char*>(p)[length - 1]);
    munmap(p, length);
    return text;
}

// Mappings and reads at the image's end: a STRICT_DEVMEM kernel refuses to map what it does not
// allow with EPERM, so a mapping past the image must fail, and one reaching past it must read
// zeros there, never raise SIGBUS.
int beyond_image(const Args&) {
    int before = other_descriptors();
    off_t page = sysconf(_SC_PAGESIZE);
    off_t last_page = (image_end() - 1) / page * page;
    report("map-last-page", mapping(last_page, size_t(page)));
    report("map-across-end", last_byte_mapped(last_page, size_t(2 * page)));
    report("map-past-end", mapping(last_page + page, size_t(page), MAP_PRIVATE));
    report("map-far", mapping(off_t(1) << 40, size_t(page)));
    report("map-unaligned-past-end", mapping(last_page + page + 1, size_t(page)));
    report("read-at-end", read_result(image_end() - 2, 16));
    report("read-past-end", read_result(image_end() + page, 16));
    report("still-served", open_result("/dev/mem"));
    std::printf("leaked=%d\n", other_descriptors() - before);
    return 0;
}

// Flags a caller may pass on /dev/mem: the kernel's answer for each, never a crash.
int caller_flags(const Args&) {
    int before = other_descriptors();
    report("wronly", flags_result(O_WRONLY));
    report("path", flags_result(O_PATH));
    report("nofollow", flags_result(O_RDONLY | O_NOFOLLOW));
    report("trunc", flags_result(O_RDWR | O_TRUNC));
    report("noctty-sync", flags_result(O_RDONLY | O_NOCTTY | O_SYNC));
    report("map-exec", map_result(PROT_READ | PROT_EXEC, MAP_SHARED, 0xF0000, 4096));
    report("map-no-type", map_result(PROT_READ, 0, 0xF0000, 4096));
    report("map-unaligned", map_result(PROT_READ, MAP_SHARED, 0xF0010, 4096));
    report("map-empty", map_result(PROT_READ, MAP_SHARED, 0xF0000, 0));
    std::printf("leaked=%d\n", other_descriptors() - before);
    return 0;
}

// Opens until told to stop: fault_test.cpp changes the firmware directory underneath.
int plain_open(const Args&) {
    int before = other_descriptors();
    report("open", open_result("/dev/mem"));
    std::printf("leaked=%d\n", other_descriptors() - before);
    return 0;
}

constexpr probe::Command commands[] = {
    {"nofile", 1, no_file},
    {"nomem", 0, no_memory},
    {"fsize", 1, file_size},
    {"fork-race", 1, fork_race},
    {"closed-descriptor", 0, closed_descriptor},
    {"signal", 1, signal_during_open},
    {"caller-errors", 0, caller_errors},
    {"caller-flags", 0, caller_flags},
    {"beyond-image", 0, beyond_image},
    {"open", 0, plain_open},
};

} // namespace

int main(int argc, char** argv) {
    return probe::dispatch(commands, argc, argv,
                           "usage: devmem-fault-probe COMMAND ARGS (see fault_probe.cpp)\n");
}
