// libdevmem-compat through its C API, on the generated fixtures.
#include <devmem/compat.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <stdlib.h>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace {

const std::string fixtures = DEVMEM_FIXTURE_DIR;

using Bytes = std::vector<std::uint8_t>;

// One source for the duration of a test; the library reads the environment on every call.
struct Source {
    Source(const char* variable, const std::string& value) : variable(variable) {
        unsetenv("DEVMEM_SHIM_DUMP");
        unsetenv("DEVMEM_SHIM_FIRMWARE");
        setenv(variable, value.c_str(), 1);
    }
    ~Source() { unsetenv(variable); }
    const char* variable;
};

Bytes file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

int open_descriptors() {
    int count = 0;
    DIR* dir = opendir("/proc/self/fd");
    while (readdir(dir))
        ++count;
    closedir(dir);
    return count;
}

Bytes pread_bytes(int fd, std::size_t size, off_t offset) {
    Bytes bytes(size);
    REQUIRE(pread(fd, bytes.data(), size, offset) == ssize_t(size));
    return bytes;
}

// Sets a resource limit for the scope of a test and restores it after.
struct Limit {
    Limit(int resource, rlim_t value) : resource(resource) {
        getrlimit(resource, &saved);
        rlimit tight = saved;
        tight.rlim_cur = value;
        setrlimit(resource, &tight);
    }
    ~Limit() { setrlimit(resource, &saved); }
    int resource;
    rlimit saved{};
};

int lowest_free_descriptor() {
    int fd = dup(0);
    close(fd);
    return fd;
}

struct Smbios {
    devmem_smbios value{};
    ~Smbios() { devmem_compat_smbios_free(&value); }
};

} // namespace

TEST_CASE("smbios returns the dump's table and the entry point placed for the image") {
    Source source("DEVMEM_SHIM_DUMP", fixtures + "/smbios2.bin");
    Bytes dump = file_bytes(fixtures + "/smbios2.bin");
    Smbios smbios;
    REQUIRE(devmem_compat_smbios(&smbios.value) == 0);
    CHECK(smbios.value.major == 2);
    CHECK(smbios.value.minor == 8);
    CHECK(smbios.value.entry_point_size == 0x1F);
    CHECK(std::memcmp(smbios.value.entry_point, "_SM_", 4) == 0);
    CHECK(smbios.value.table_address == 0x100000);
    REQUIRE(smbios.value.table_size + 32 == dump.size());
    CHECK(std::memcmp(smbios.value.table, dump.data() + 32, smbios.value.table_size) == 0);
}

TEST_CASE("smbios keeps a firmware directory's table address") {
    Source source("DEVMEM_SHIM_FIRMWARE", fixtures + "/smbios3-efi.fw");
    Bytes table = file_bytes(fixtures + "/smbios3-efi.fw/dmi/tables/DMI");
    Smbios smbios;
    REQUIRE(devmem_compat_smbios(&smbios.value) == 0);
    CHECK(std::memcmp(smbios.value.entry_point, "_SM3_", 5) == 0);
    CHECK(smbios.value.table_address == 0x7E5E4000);
    CHECK(Bytes(smbios.value.table, smbios.value.table + smbios.value.table_size) == table);
}

TEST_CASE("smbios fails with EPERM on a malformed or missing source, EFAULT on NULL") {
    Source source("DEVMEM_SHIM_DUMP", fixtures + "/smbios2-bad-checksum.bin");
    Smbios smbios;
    errno = 0;
    CHECK(devmem_compat_smbios(&smbios.value) == -1);
    CHECK(errno == EPERM);
    CHECK(smbios.value.table == nullptr);
    setenv("DEVMEM_SHIM_DUMP", "/nonexistent/dump.bin", 1);
    CHECK(devmem_compat_smbios(&smbios.value) == -1);
    CHECK(errno == EPERM);
    CHECK(devmem_compat_smbios(nullptr) == -1);
    CHECK(errno == EFAULT);
    devmem_compat_smbios_free(nullptr);
}

TEST_CASE("open serves the image: entry point in the F segment, table at its address") {
    Source source("DEVMEM_SHIM_DUMP", fixtures + "/smbios3.bin");
    Smbios smbios;
    REQUIRE(devmem_compat_smbios(&smbios.value) == 0);
    int fd = devmem_compat_open("/dev/mem", O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK(
        pread_bytes(fd, smbios.value.entry_point_size, 0xF0000) ==
        Bytes(smbios.value.entry_point, smbios.value.entry_point + smbios.value.entry_point_size));
    CHECK(pread_bytes(fd, smbios.value.table_size, off_t(smbios.value.table_address)) ==
          Bytes(smbios.value.table, smbios.value.table + smbios.value.table_size));
    void* segment = mmap(nullptr, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000);
    REQUIRE(segment != MAP_FAILED);
    CHECK(std::memcmp(segment, "_SM3_", 5) == 0);
    munmap(segment, 0x10000);
    close(fd);
}

TEST_CASE("a mapping past the image fails with EPERM, one reaching past it reads zeros there") {
    Source source("DEVMEM_SHIM_DUMP", fixtures + "/smbios2.bin");
    int fd = devmem_compat_open("/dev/mem", O_RDONLY);
    REQUIRE(fd >= 0);
    const long page = sysconf(_SC_PAGESIZE);
    const off_t end = lseek(fd, 0, SEEK_END);
    const off_t last_page = (end - 1) / page * page;
    void* last = mmap(nullptr, size_t(page), PROT_READ, MAP_SHARED, fd, last_page);
    CHECK(last != MAP_FAILED);
    if (last != MAP_FAILED)
        munmap(last, size_t(page));
    void* across = mmap(nullptr, size_t(2 * page), PROT_READ, MAP_SHARED, fd, last_page);
    REQUIRE(across != MAP_FAILED);
    CHECK(static_cast<const unsigned char*>(across)[2 * page - 1] == 0);
    munmap(across, size_t(2 * page));
    errno = 0;
    CHECK(mmap(nullptr, size_t(page), PROT_READ, MAP_SHARED, fd, last_page + page) == MAP_FAILED);
    CHECK(errno == EPERM);
    errno = 0;
    CHECK(mmap64(nullptr, size_t(page), PROT_READ, MAP_PRIVATE, fd, off64_t(0xFEE00000)) ==
          MAP_FAILED);
    CHECK(errno == EPERM);
    errno = 0;
    CHECK(mmap(nullptr, size_t(page), PROT_READ, MAP_SHARED, fd, last_page + page + 1) ==
          MAP_FAILED);
    CHECK(errno == EINVAL);
    close(fd);
}

TEST_CASE("each descriptor has its own offset, lseek and read work, writes fail with EPERM") {
    Source source("DEVMEM_SHIM_DUMP", fixtures + "/smbios2.bin");
    int first = devmem_compat_open("/dev/mem", O_RDWR);
    int second = devmem_compat_open("/dev/mem", O_RDONLY);
    REQUIRE(first >= 0);
    REQUIRE(second >= 0);
    CHECK(fcntl(first, F_GETFD) == 0);
    CHECK(lseek(first, 0xF0000, SEEK_SET) == 0xF0000);
    char anchor[4];
    CHECK(read(first, anchor, 4) == 4);
    CHECK(std::memcmp(anchor, "_SM_", 4) == 0);
    CHECK(lseek(second, 0, SEEK_CUR) == 0);
    errno = 0;
    CHECK(write(first, "x", 1) == -1);
    CHECK(errno == EPERM);
    close(first);
    close(second);
}

TEST_CASE("/dev/port and /dev/kmem are locked down, a malformed source denies /dev/mem") {
    Source source("DEVMEM_SHIM_DUMP", fixtures + "/smbios2.bin");
    int before = open_descriptors();
    for (const char* path : {"/dev/port", "/dev/kmem"}) {
        errno = 0;
        CHECK(devmem_compat_open(path, O_RDWR) == -1);
        CHECK(errno == EPERM);
    }
    setenv("DEVMEM_SHIM_DUMP", (fixtures + "/smbios2-bad-checksum.bin").c_str(), 1);
    CHECK(devmem_compat_open("/dev/mem", O_RDONLY) == -1);
    CHECK(errno == EPERM);
    CHECK(devmem_compat_fopen("/dev/mem", "r") == nullptr);
    CHECK(errno == EPERM);
    CHECK(open_descriptors() == before);
}

TEST_CASE("caller errors get the kernel's errno, other paths go to open(2)") {
    Source source("DEVMEM_SHIM_DUMP", fixtures + "/smbios2.bin");
    int before = open_descriptors();
    CHECK(devmem_compat_open(nullptr, O_RDONLY) == -1);
    CHECK(errno == EFAULT);
    CHECK(devmem_compat_open("/dev/mem", O_RDONLY | O_DIRECTORY) == -1);
    CHECK(errno == ENOTDIR);
    CHECK(devmem_compat_open("/dev/mem", O_RDWR | O_CREAT | O_EXCL) == -1);
    CHECK(errno == EEXIST);
    int path_only = devmem_compat_open("/dev/mem", O_PATH | O_CLOEXEC);
    REQUIRE(path_only >= 0);
    char byte;
    CHECK(read(path_only, &byte, 1) == -1);
    CHECK(errno == EBADF);
    close(path_only);
    int no_follow = devmem_compat_open("/dev/mem", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    CHECK(no_follow >= 0);
    close(no_follow);
    CHECK(devmem_compat_open("/nonexistent/file", O_RDONLY) == -1);
    CHECK(errno == ENOENT);
    int null_device = devmem_compat_open("/dev/null", O_RDONLY);
    CHECK(null_device >= 0);
    close(null_device);
    CHECK(devmem_compat_fopen(nullptr, "r") == nullptr);
    CHECK(errno == EFAULT);
    CHECK(devmem_compat_fopen("/dev/mem", nullptr) == nullptr);
    CHECK(errno == EINVAL);
    CHECK(devmem_compat_fopen("/dev/mem", "q") == nullptr);
    CHECK(errno == EINVAL);
    CHECK(open_descriptors() == before);
}

TEST_CASE("fopen reads the image through stdio") {
    Source source("DEVMEM_SHIM_FIRMWARE", fixtures + "/smbios2.fw");
    FILE* stream = devmem_compat_fopen("/dev/mem", "rbe");
    REQUIRE(stream != nullptr);
    CHECK(fcntl(fileno(stream), F_GETFD) == FD_CLOEXEC);
    REQUIRE(fseek(stream, 0xF0000, SEEK_SET) == 0);
    char anchor[4];
    CHECK(fread(anchor, 1, 4, stream) == 4);
    CHECK(std::memcmp(anchor, "_SM_", 4) == 0);
    (void)fclose(stream);
}

// The limits are lifted before checking: the sanitizers' runtime needs descriptors of its own.
TEST_CASE(
    "out of descriptors or under a tiny RLIMIT_FSIZE, open fails with EPERM and leaks nothing") {
    Source source("DEVMEM_SHIM_DUMP", fixtures + "/smbios2.bin");
    int before = open_descriptors();
    auto open_under = [](int resource, rlim_t value) {
        Limit limit(resource, value);
        errno = 0;
        int fd = devmem_compat_open("/dev/mem", O_RDONLY);
        return fd < 0 ? errno : 0;
    };
    CHECK(open_under(RLIMIT_NOFILE, rlim_t(lowest_free_descriptor())) == EPERM);
    CHECK(open_under(RLIMIT_NOFILE, rlim_t(lowest_free_descriptor()) + 1) == EPERM);
    CHECK(open_under(RLIMIT_FSIZE, 4096) == EPERM); // SIGXFSZ would end the test binary
    CHECK(open_descriptors() == before);
    int fd = devmem_compat_open("/dev/mem", O_RDONLY);
    CHECK(fd >= 0);
    close(fd);
}
