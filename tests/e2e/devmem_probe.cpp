// devmem-probe: performs one file operation the way a /dev/mem consumer would and prints what
// it observed, one fact per line, for preload_test.cpp to check. Built without sanitizers:
// it runs with libdevmem-shim.so preloaded.
#include "probe_commands.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

// The stat ABI of binaries built before glibc 2.33, still exported and still interposed.
// NOLINTBEGIN(bugprone-reserved-identifier)
extern "C" int __xstat(int version, const char* path, struct stat* st);
extern "C" int __fxstat(int version, int fd, struct stat* st);
// NOLINTEND(bugprone-reserved-identifier)

namespace {

constexpr int legacy_stat_version = 1; // _STAT_VER_LINUX on x86-64

using probe::Args;

unsigned long number(const std::string& text) {
    return std::stoul(text, nullptr, 0);
}

int report_errno(const char* what) {
    std::printf("%s errno=%s\n", what, strerrorname_np(errno));
    return 0;
}

void print_hex(const char* what, const unsigned char* bytes, size_t n) {
    std::printf("%s=", what);
    for (size_t i = 0; i < n; ++i)
        std::printf("%02x", bytes[i]);
    std::printf("\n");
}

void print_stat(const char* what, const struct stat& st) {
    std::printf("%s mode=%o rdev=%u:%u\n", what, st.st_mode, major(st.st_rdev), minor(st.st_rdev));
}

int stat_path(const Args& a) {
    struct stat st;
    if (stat(a[0].c_str(), &st) != 0)
        return report_errno("stat");
    print_stat("stat", st);
    struct statx stx;
    if (statx(AT_FDCWD, a[0].c_str(), 0, STATX_BASIC_STATS, &stx) != 0)
        return report_errno("statx");
    std::printf("statx mode=%o rdev=%u:%u\n", stx.stx_mode, stx.stx_rdev_major, stx.stx_rdev_minor);
    return 0;
}

int fstat_fd(const Args& a) {
    struct stat st;
    if (fstat(int(number(a[0])), &st) != 0)
        return report_errno("fstat");
    print_stat("fstat", st);
    return 0;
}

// A served descriptor inherited across exec, where the new image has a different memfd.
int exec_inherit(const Args& a) {
    int fd = open(a[0].c_str(), O_RDONLY);
    if (fd < 0)
        return report_errno("open");
    std::string fd_text = std::to_string(fd);
    execl("/proc/self/exe", "devmem-probe", "fstat-fd", fd_text.c_str(), nullptr);
    return report_errno("exec");
}

int fstat_open(const Args& a) {
    int fd = open(a[0].c_str(), O_RDONLY);
    if (fd < 0)
        return report_errno("open");
    struct stat st;
    fstat(fd, &st);
    print_stat("fstat", st);
    int dup_fd = dup(fd);
    close(fd);
    fstat(dup_fd, &st);
    print_stat("fstat-dup", st);
    close(dup_fd);
    return 0;
}

int legacy_stat(const Args& a) {
    struct stat st;
    if (__xstat(legacy_stat_version, a[0].c_str(), &st) != 0)
        return report_errno("__xstat");
    print_stat("__xstat", st);
    int fd = open(a[0].c_str(), O_RDONLY);
    if (fd < 0 || __fxstat(legacy_stat_version, fd, &st) != 0)
        return report_errno("__fxstat");
    print_stat("__fxstat", st);
    close(fd);
    return 0;
}

int freopen_path(const Args& a) {
    FILE* f = freopen(a[0].c_str(), "rb", stdin);
    if (!f)
        return report_errno("freopen");
    char anchor[5] = {};
    bool read_ok = std::fseek(f, 0xF0000, SEEK_SET) == 0 && std::fread(anchor, 1, 4, f) == 4;
    std::printf("anchor=%s\n", read_ok ? anchor : "(short read)");
    return 0;
}

// pread PATH OFFSET LENGTH: what a reader of that physical range sees.
int pread_path(const Args& a) {
    int fd = open(a[0].c_str(), O_RDONLY);
    if (fd < 0)
        return report_errno("open");
    std::vector<unsigned char> buf(number(a[2]));
    ssize_t n = pread(fd, buf.data(), buf.size(), off_t(number(a[1])));
    if (n < 0)
        return report_errno("pread");
    print_hex("bytes", buf.data(), size_t(n));
    close(fd);
    return 0;
}

// mmap PATH OFFSET LENGTH, the way dmidecode's mem_chunk maps: page-aligned offset.
int mmap_path(const Args& a) {
    int fd = open(a[0].c_str(), O_RDONLY);
    if (fd < 0)
        return report_errno("open");
    off_t base = off_t(number(a[1]));
    size_t len = number(a[2]);
    off_t slack = base % sysconf(_SC_PAGESIZE);
    void* p = mmap(nullptr, size_t(slack) + len, PROT_READ, MAP_SHARED, fd, base - slack);
    if (p == MAP_FAILED)
        return report_errno("mmap");
    print_hex("bytes", static_cast<unsigned char*>(p) + slack, len);
    munmap(p, size_t(slack) + len);
    close(fd);
    return 0;
}

// accesses PATH: one of each kind of read and mapping, each of the F segment's first bytes, for
// the log to record: read and readv at the position lseek set, pread, preadv, pread through a
// dup, mmap64.
int accesses(const Args& a) {
    int fd = open(a[0].c_str(), O_RDONLY);
    if (fd < 0)
        return report_errno("open");
    char bytes[16] = {};
    lseek(fd, 0xF0000, SEEK_SET);
    ssize_t total = read(fd, bytes, 4);
    iovec halves[2] = {{bytes, 2}, {bytes + 2, 2}};
    total += readv(fd, halves, 2);
    total += pread(fd, bytes, 8, 0xF0010);
    total += preadv(fd, halves, 2, 0xF0020);
    int copy = dup(fd);
    total += pread(copy, bytes, 2, 0xF0030);
    close(copy);
    void* p = mmap64(nullptr, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000);
    std::printf("read=%zd mapped=%d\n", total, p != MAP_FAILED);
    if (p != MAP_FAILED)
        munmap(p, 0x10000);
    close(fd);
    return 0;
}

// read-file PATH: a read and a mapping of a file that is not /dev/mem, which the shim must not
// look at.
int read_file(const Args& a) {
    int fd = open(a[0].c_str(), O_RDONLY);
    if (fd < 0)
        return report_errno("open");
    char byte = 0;
    errno = EILSEQ;
    ssize_t n = read(fd, &byte, 1);
    int read_errno = errno;
    void* p = mmap(nullptr, 1, PROT_READ, MAP_PRIVATE, fd, 0);
    std::printf("read=%zd errno=%s mapped=%d\n", n, strerrorname_np(read_errno), p != MAP_FAILED);
    close(fd);
    return 0;
}

int read_anchor(int fd) {
    char anchor[5] = {};
    if (fd < 0)
        return report_errno("open");
    pread(fd, anchor, 4, 0xF0000);
    std::printf("anchor=%s\n", anchor);
    close(fd);
    return 0;
}

int openat_dir(const Args& a) {
    int dir = open(a[0].c_str(), O_RDONLY | O_DIRECTORY);
    return read_anchor(openat(dir, a[1].c_str(), O_RDONLY));
}

int chdir_open(const Args& a) {
    if (chdir(a[0].c_str()) != 0)
        return report_errno("chdir");
    return read_anchor(open(a[1].c_str(), O_RDONLY));
}

int fopen_path(const Args& a) {
    FILE* f = fopen(a[0].c_str(), "rb");
    if (!f)
        return report_errno("fopen");
    char anchor[5] = {};
    bool read_ok = std::fseek(f, 0xF0000, SEEK_SET) == 0 && std::fread(anchor, 1, 4, f) == 4;
    std::printf("anchor=%s\n", read_ok ? anchor : "(short read)");
    return std::fclose(f) == 0 ? 0 : 1;
}

int write_path(const Args& a) {
    int fd = open(a[0].c_str(), O_RDWR);
    if (fd < 0)
        return report_errno("open");
    errno = 0;
    char byte = 'X';
    if (pwrite(fd, &byte, 1, 0xF0000) < 0)
        report_errno("write");
    if (mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0xF0000) == MAP_FAILED)
        report_errno("mmap-shared-write");
    auto* priv =
        static_cast<char*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0xF0000));
    priv[0] = 'X';
    char seen = 0;
    pread(fd, &seen, 1, 0xF0000);
    std::printf("private=%c file=%c\n", priv[0], seen);
    return 0;
}

int offsets(const Args& a) {
    int first = open(a[0].c_str(), O_RDONLY);
    int second = open(a[0].c_str(), O_RDONLY);
    if (first < 0 || second < 0)
        return report_errno("open");
    lseek(first, 0xF0000, SEEK_SET);
    std::printf("first=%lld second=%lld\n", (long long)lseek(first, 0, SEEK_CUR),
                (long long)lseek(second, 0, SEEK_CUR));
    return 0;
}

int cloexec(const Args& a) {
    int with = open(a[0].c_str(), O_RDONLY | O_CLOEXEC);
    int without = open(a[0].c_str(), O_RDONLY);
    std::printf("with=%d without=%d\n", fcntl(with, F_GETFD) & FD_CLOEXEC,
                fcntl(without, F_GETFD) & FD_CLOEXEC);
    return 0;
}

int access_path(const Args& a) {
    int mode = a[1] == "r" ? R_OK : a[1] == "w" ? W_OK : X_OK;
    if (access(a[0].c_str(), mode) != 0)
        return report_errno("access");
    std::printf("access=ok\n");
    return 0;
}

int errno_kept(const Args& a) {
    errno = EILSEQ;
    int fd = open(a[0].c_str(), O_RDONLY);
    std::printf("fd_ok=%d errno=%s\n", fd >= 0, strerrorname_np(errno));
    return 0;
}

// The names a listing holds, sorted, without "." and "..".
void print_entries(const char* what, std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    std::string joined;
    for (const std::string& name : names)
        if (name != "." && name != "..")
            joined += (joined.empty() ? "" : ",") + name;
    std::printf("%s=%s\n", what, joined.c_str());
}

int print_directory(const char* what, DIR* dir) {
    if (!dir)
        return report_errno(what);
    std::vector<std::string> names;
    while (dirent* entry = readdir(dir))
        names.emplace_back(entry->d_name);
    closedir(dir);
    print_entries(what, names);
    return 0;
}

int list_opendir(const Args& a) {
    return print_directory("opendir", opendir(a[0].c_str()));
}

// openat of the directory relative to its parent, then fdopendir, as nftw-like walkers do.
int list_fdopendir(const Args& a) {
    int parent = open(a[0].c_str(), O_RDONLY | O_DIRECTORY);
    int fd = openat(parent, a[1].c_str(), O_RDONLY | O_DIRECTORY);
    close(parent);
    if (fd < 0)
        return report_errno("fdopendir");
    return print_directory("fdopendir", fdopendir(fd));
}

int list_scandir(const Args& a) {
    dirent** list = nullptr;
    int n = scandir(a[0].c_str(), &list, nullptr, alphasort);
    if (n < 0)
        return report_errno("scandir");
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) {
        names.emplace_back(list[i]->d_name);
        std::free(list[i]);
    }
    std::free(list);
    print_entries("scandir", names);
    return 0;
}

// Whether the loader runs this process in secure-execution mode (setuid, setgid, capabilities).
int at_secure(const Args&) {
    std::printf("at_secure=%lu\n", getauxval(AT_SECURE));
    return 0;
}

// Descriptors other than the shim's own memfds, which stay open for the process by design.
int open_count() {
    int count = 0;
    DIR* dir = opendir("/proc/self/fd");
    while (dirent* entry = readdir(dir)) {
        char link[64] = {};
        std::string path = std::string("/proc/self/fd/") + entry->d_name;
        if (readlink(path.c_str(), link, sizeof link - 1) < 0)
            continue;
        count += std::strncmp(link, "/memfd:devmem-", 14) != 0;
    }
    closedir(dir);
    return count;
}

// stress PATH THREADS ITERATIONS CHILDREN: concurrent first opens and steady use, then forked
// children that open and exec; descriptors must not leak.
int stress(const Args& a) {
    int before = open_count();
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (unsigned long t = 0; t < number(a[1]); ++t)
        threads.emplace_back([&] {
            for (unsigned long i = 0; i < number(a[2]); ++i) {
                int fd = open(a[0].c_str(), O_RDONLY | O_CLOEXEC);
                void* p = fd < 0 ? MAP_FAILED
                                 : mmap(nullptr, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000);
                char anchor[4] = {};
                if (p == MAP_FAILED || read(fd, anchor, 4) != 4 ||
                    std::memcmp(static_cast<char*>(p), "_SM", 3) != 0)
                    ++failures;
                if (p != MAP_FAILED)
                    munmap(p, 0x10000);
                close(fd);
            }
        });
    for (unsigned long c = 0; c < number(a[3]); ++c) {
        pid_t pid = fork();
        if (pid == 0) {
            int fd = open(a[0].c_str(), O_RDONLY);
            char anchor[3];
            if (fd >= 0 && pread(fd, anchor, 3, 0xF0000) == 3)
                execl("/bin/true", "true", nullptr);
            _exit(1);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        failures += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    for (std::thread& t : threads)
        t.join();
    std::printf("failures=%d leaked=%d\n", failures.load(), open_count() - before);
    return 0;
}

constexpr probe::Command commands[] = {
    {"stat", 1, stat_path},       {"fstat", 1, fstat_open},
    {"pread", 3, pread_path},     {"mmap", 3, mmap_path},
    {"openat", 2, openat_dir},    {"chdir-open", 2, chdir_open},
    {"fopen", 1, fopen_path},     {"write", 1, write_path},
    {"offsets", 1, offsets},      {"cloexec", 1, cloexec},
    {"access", 2, access_path},   {"errno", 1, errno_kept},
    {"fstat-fd", 1, fstat_fd},    {"exec-inherit", 1, exec_inherit},
    {"stress", 4, stress},        {"legacy-stat", 1, legacy_stat},
    {"freopen", 1, freopen_path}, {"at-secure", 0, at_secure},
    {"opendir", 1, list_opendir}, {"fdopendir", 2, list_fdopendir},
    {"scandir", 1, list_scandir}, {"accesses", 1, accesses},
    {"read-file", 1, read_file},
};

} // namespace

int main(int argc, char** argv) {
    return probe::dispatch(commands, argc, argv,
                           "usage: devmem-probe COMMAND ARGS (see devmem_probe.cpp)\n");
}
