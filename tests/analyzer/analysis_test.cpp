// End-to-end behaviour of the engine on small programs: what is and what is not a finding.

#include "analysed_program.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace devmem::scan;

TEST_CASE("the builtin headers are found") {
    CHECK_NOTHROW(check_toolchain({}));
}

TEST_CASE("an open of /dev/mem and a map of the BIOS area are found") {
    Analysed a;
    analyse(a, {{"m.c", std::string(headers) + R"(
int main(void) {
    int fd = open("/dev/./mem", O_RDONLY);
    void *p = mmap(0, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000);
    return p == 0;
}
)"}});
    CHECK(a.summary() == std::vector<std::string>{"DM001@6", "DM002@7 bios-area"});
    const auto& map = a.report.findings[1];
    REQUIRE(map.range);
    CHECK(map.range->start == 0xF0000);
    CHECK(map.range->end == 0xFFFFF);
    CHECK(map.function == "main");
    CHECK(map.servability == Servability::served);
}

TEST_CASE("constants fold through macros, const variables and enumerators") {
    Analysed a;
    analyse(a, {{"m.c", std::string(headers) + R"(
#define DEV "/dev/" "mem"
#define BASE 0xC000
enum { LEN = 0x8000 };
static const char *const device = DEV;
int main(void) {
    const unsigned long base = BASE << 4;
    int fd = open(device, O_RDONLY);
    return pread(fd, (void *)0, LEN, base) > 0;
}
)"}});
    CHECK(a.summary() == std::vector<std::string>{"DM001@11", "DM003@12 option-rom"});
    const auto& open = a.report.findings[0];
    CHECK(std::ranges::any_of(open.trace, [](const TraceNote& note) {
        return note.message == "expanded from macro 'DEV'";
    }));
}

TEST_CASE("a wrapper is reported once and each constant call site with its range") {
    Analysed a;
    analyse(a, {{"wrap.c", std::string(headers) + R"(
void *chunk(const char *dev, off_t base, size_t len) {
    int fd = open(dev, O_RDONLY);
    return mmap(0, len, PROT_READ, MAP_SHARED, fd, base);
}
)"},
                {"main.c", R"(
#include <stddef.h>
#include <sys/types.h>
void *chunk(const char *dev, off_t base, size_t len);
int main(int argc, char **argv) {
    chunk("/dev/mem", 0xE0000, 0x20000);
    chunk(argc > 1 ? argv[1] : "/dev/mem", 0xA0000, 0x1000);
    chunk("/etc/passwd", 0xF0000, 0x10000);
    return 0;
}
)"}});
    CHECK(a.summary() == std::vector<std::string>{"DM002@6 acpi-rsdp-window", "DM002@7 vga-hole",
                                                  "DM001@6", "DM002@7 unknown"});
    const auto& call_site = a.report.findings[0];
    CHECK(call_site.location.file.ends_with("main.c"));
    CHECK(std::ranges::any_of(call_site.trace, [](const TraceNote& note) {
        return note.message == "'chunk' maps the device here";
    }));
}

TEST_CASE("paths only printed, look-alike devices and other files are not findings") {
    Analysed a;
    analyse(a, {{"m.c", std::string(headers) + R"(
#include <stdio.h>
int main(void) {
    int z = open("/dev/zero", O_RDWR);
    int b = open("/dev/memory_bandwidth", O_RDONLY);
    int r = open("bios.img", O_RDONLY);
    printf("usage: reads /dev/mem\n");
    perror("/dev/mem");
    mmap((void *)0x1000, 0x1000, PROT_READ, MAP_FIXED | MAP_PRIVATE, z, 0);
    mmap(0, 0x10000, PROT_READ, MAP_PRIVATE, r, 0xF0000);
    lseek(b, 0x10, SEEK_SET);
    return 0;
}
)"}});
    CHECK(a.report.findings.empty());
}

TEST_CASE("an anchor being compared is a scan, one being written is not") {
    Analysed a;
    analyse(a, {{"m.c", R"(
#include <string.h>
#include <stdint.h>
int scan(const char *p) {
    return memcmp(p, "_SM_", 4) == 0 || *(const uint32_t *)p == '_MP_';
}
void generate(char *table) { memcpy(table, "_SM_", 4); }
)"}});
    CHECK(a.summary() == std::vector<std::string>{"DM005@5", "DM005@5"});
}

TEST_CASE("anchors in a table compared byte by byte are a scan (biosdecode)") {
    Analysed a;
    analyse(a, {{"m.c", R"(
#include <stddef.h>
struct entry { const char *anchor; size_t len; };
static struct entry entries[] = { { "_SM3_", 5 }, { "$PnP", 4 }, { NULL, 0 } };
static int match(const struct entry *e, const char *p) {
    for (size_t i = 0; i < e->len; i++)
        if (e->anchor[i] != p[i])
            return 0;
    return 1;
}
int scan(const char *p) { return match(&entries[0], p); }
)"}});
    CHECK(a.summary() == std::vector<std::string>{"DM005@7"});
}

TEST_CASE("port I/O and /dev/port are found") {
    Analysed a;
    analyse(a, {{"m.c", std::string(headers) + R"(
#include <sys/io.h>
int main(void) {
    if (iopl(3) != 0) return 1;
    outb(0x70, 0x80);
    return open("/dev/port", O_RDWR);
}
)"}});
    CHECK(a.summary() == std::vector<std::string>{"DM004@7", "DM004@8", "DM004@9"});
}

TEST_CASE("an open in an inactive preprocessor branch is a low-confidence finding") {
    Analysed a;
    analyse(a, {{"m.c", std::string(headers) + R"(
int f(void) {
#ifdef __sparc__
#define MEM "/dev/mem"
    return open(MEM, O_RDONLY);
#endif
    return -1;
}
)"}});
    REQUIRE(a.summary() == std::vector<std::string>{"DM007@8"});
    CHECK(a.report.findings[0].confidence == Confidence::low);
    CHECK(a.report.findings[0].category == "device-open");
    CHECK(a.report.findings[0].function == "f");
}

TEST_CASE("an inactive open of /dev/port is a port-io DM007") {
    Analysed a;
    analyse(a, {{"m.c", std::string(headers) + R"(
int f(void) {
#if defined(__alpha__)
    return open("/dev/port", O_RDWR);
#endif
    return -1;
}
)"}});
    REQUIRE(a.summary() == std::vector<std::string>{"DM007@7"});
    CHECK(a.report.findings[0].category == "port-io");
}

TEST_CASE("a file that does not parse is a note and the rest is still analysed") {
    Analysed a;
    analyse(a,
            {{"bad.c", "const char *dev = \"/dev/mem\";\nint main(void) { return undeclared; }\n"},
             {"good.c",
              std::string(headers) + "int g(void) { return open(\"/dev/mem\", O_RDONLY); }\n"}});
    REQUIRE(a.report.notes.size() == 1);
    CHECK(a.report.notes[0].location.file.ends_with("bad.c"));
    CHECK(a.summary() == std::vector<std::string>{"DM001@4"});
}

TEST_CASE("calls through function pointers and ops tables are followed") {
    Analysed a;
    analyse(a, {{"m.c", std::string(headers) + R"(
struct ops { void *(*map)(const char *, unsigned long, size_t); };
static void *do_map(const char *dev, unsigned long base, size_t len) {
    return mmap(0, len, PROT_READ, MAP_SHARED, open(dev, O_RDONLY), base);
}
static const struct ops linux_ops = { .map = do_map };
int main(void) {
    int (*opener)(const char *, int, ...) = open;
    linux_ops.map("/dev/mem", 0xF0000, 0x10000);
    return opener("/dev/kmem", O_RDONLY);
}
)"}});
    CHECK(a.summary() ==
          std::vector<std::string>{"DM002@7 unknown", "DM001@7", "DM002@12 bios-area", "DM001@13"});
}

TEST_CASE("efi/systab is a finding only where a table address is looked up in it") {
    const std::string echo = R"(
#include <stdio.h>
int main(void) {
    char line[64];
    FILE *f = fopen("/sys/firmware/efi/systab", "r");
    while (f && fgets(line, sizeof line, f)) fputs(line, stdout);
    return 0;
}
)";
    Analysed shown;
    analyse(shown, {{"show.c", echo}});
    CHECK(shown.report.findings.empty());

    Analysed looked_up;
    analyse(looked_up, {{"show.c", echo}, {"parse.c", R"(
#include <string.h>
int is_smbios(const char *line) { return strncmp(line, "SMBIOS3=", 8) == 0; }
)"}});
    CHECK(looked_up.summary() == std::vector<std::string>{"DM006@5"});
}

TEST_CASE("paths copied or formatted into buffers are followed") {
    Analysed a;
    analyse(a, {{"m.c", std::string(headers) + R"(
#include <stdio.h>
#include <string.h>
int main(void) {
    char copied[16], formatted[16], unknown[16];
    strcpy(copied, "/dev/mem");
    snprintf(formatted, sizeof formatted, "/dev/%s", "kmem");
    snprintf(unknown, sizeof unknown, "/dev/%d", 3);
    return open(copied, O_RDONLY) + open(formatted, O_RDONLY) + open(unknown, O_RDONLY);
}
)"}});
    REQUIRE(a.summary() == std::vector<std::string>{"DM001@12", "DM001@12"});
    CHECK(a.report.findings[1].message == "'open' opens /dev/kmem");
}

TEST_CASE("a variable or field a callee takes by non-const reference may come back changed") {
    Analysed a;
    analyse(a, {{"m.cpp", std::string(headers) + R"(
void adjust(off_t &where);
void show(const off_t &where);
struct Window { off_t base; };
int probe(char *buf) {
    off_t offset = 0xC0000, kept = 0xC0000;
    Window window;
    window.base = 0xE0000;
    int fd = open("/dev/mem", O_RDONLY);
    adjust(offset);
    show(kept);
    adjust(window.base);
    return pread(fd, buf, 16, offset) + pread(fd, buf, 16, kept) +
           pread(fd, buf, 16, window.base);
}
)"}});
    CHECK(a.summary() == std::vector<std::string>{"DM001@12", "DM003@16 unknown",
                                                  "DM003@16 option-rom", "DM003@17 unknown"});
}

TEST_CASE("an open that two units of the program compile names its device once (ipmiutil)") {
    Analysed a;
    analyse(a, {{"mem_if.c", std::string(headers) + R"(
#define MEM_DRIVER "/dev/mem"
int open_memory(void) { return open(MEM_DRIVER, O_RDONLY); }
)"},
                {"mem_if_cpp.cpp", "#include \"mem_if.c\"\n"}});
    REQUIRE(a.summary() == std::vector<std::string>{"DM001@6"});
    CHECK(a.report.findings[0].message == "'open' opens /dev/mem");
}

TEST_CASE("programs scanned together keep their own functions of the same name") {
    const std::string wrapper = std::string(headers) + R"(
void *chunk(const char *dev, off_t base, size_t len) {
    return mmap(0, len, PROT_READ, MAP_SHARED, open(dev, O_RDONLY), base);
}
)";
    const std::string caller = R"(
#include <stddef.h>
#include <sys/types.h>
void *chunk(const char *dev, off_t base, size_t len);
int main(void) { return chunk(DEVICE, 0xF0000, 0x10000) != 0; }
)";
    Analysed a;
    analyse(a, {{"one/wrap.c", wrapper},
                {"one/main.c", "#define DEVICE \"/dev/mem\"\n" + caller},
                {"two/wrap.c", wrapper},
                {"two/main.c", "#define DEVICE \"/tmp/image\"\n" + caller}});
    CHECK(a.summary() ==
          std::vector<std::string>{"DM002@6 bios-area", "DM002@6 unknown", "DM001@6"});
    for (const auto& finding : a.report.findings) {
        CHECK(finding.location.file.find("/one/") != std::string::npos);
    }
}

TEST_CASE("a std::string compared with a systab key is a lookup too (lshw)") {
    Analysed a;
    analyse(a, {{"m.cpp", R"(
#include <fstream>
#include <string>
long smbios_address() {
    std::ifstream systab("/sys/firmware/efi/systab");
    std::string key;
    while (std::getline(systab, key, '='))
        if (key == "SMBIOS")
            return 1;
    return 0;
}
)"}});
    CHECK(a.summary() == std::vector<std::string>{"DM006@5"});
}

TEST_CASE("callers of wrappers are found in units that never name the device") {
    // Neither caller names a device, a port or an anchor: only the wrappers learned from the
    // units parsed before bring them in, one round per level of wrapping.
    Analysed a;
    analyse(a, {{"chunk.c", std::string(headers) + R"(
void *chunk(long base, long length) {
    int fd = open("/dev/mem", O_RDONLY);
    return mmap(0, length, PROT_READ, MAP_SHARED, fd, base);
}
)"},
                {"bios.c", R"(
void *chunk(long base, long length);
void *bios_image(long offset) { return chunk(0xC0000 + offset, 0x8000); }
)"},
                {"main.c", R"(
void *bios_image(long offset);
int main(void) { return bios_image(0) != 0; }
)"},
                {"unrelated.c", "int unrelated(void) { return 0; }\n"}});
    std::vector<std::string> files;
    for (const auto& finding : a.report.findings) {
        files.push_back(finding.location.file.substr(finding.location.file.rfind('/') + 1) + ":" +
                        finding.rule +
                        (finding.range ? " " + std::string(to_string(finding.range_class)) : ""));
    }
    CHECK(files ==
          std::vector<std::string>{"chunk.c:DM001", "chunk.c:DM002", "main.c:DM002 option-rom"});
}

TEST_CASE("callers of a function that opens and maps a fixed range by itself are not parsed") {
    // The caller lacks a header: a parse of it would leave a note saying so.
    Analysed a;
    analyse(a, {{"bios.c", std::string(headers) + R"(
void *map_bios(void) {
    int fd = open("/dev/mem", O_RDONLY);
    void *bios = mmap(0, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000);
    close(fd);
    return bios;
}
)"},
                {"caller.c", R"(
#include "generated-config.h"
void *map_bios(void);
int main(void) { return map_bios() != 0; }
)"}});
    CHECK(a.summary() == std::vector<std::string>{"DM001@6", "DM002@7 bios-area"});
    CHECK(std::ranges::none_of(a.report.notes, [](const RunNote& note) {
        return note.location.file.ends_with("caller.c");
    }));
}

TEST_CASE("a function given a device path only through its ... is not parsed for it") {
    // The engine does not follow values through va_arg, and log.c lacks a header: a parse of
    // it would leave a note saying so.
    Analysed a;
    analyse(a, {{"main.c", std::string(headers) + R"(
void log_message(const char *format, ...);
int main(void) {
    int fd = open("/dev/mem", O_RDONLY);
    if (fd < 0) log_message("cannot open %s", "/dev/mem");
    return fd < 0;
}
)"},
                {"log.c", R"(
#include "generated-config.h"
#include <stdarg.h>
#include <stdio.h>
void log_message(const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    vfprintf(stderr, format, arguments);
    va_end(arguments);
}
)"}});
    CHECK(a.summary() == std::vector<std::string>{"DM001@7"});
    CHECK(std::ranges::none_of(
        a.report.notes, [](const RunNote& note) { return note.location.file.ends_with("log.c"); }));
}

TEST_CASE("the report does not depend on the number of parsing threads") {
    constexpr int units = 6;
    std::vector<std::pair<std::string, std::string>> files;
    files.reserve(units);
    for (int i = 0; i < units; ++i) {
        files.emplace_back("unit" + std::to_string(i) + ".c",
                           std::string(headers) + "void *map" + std::to_string(i) +
                               "(void) { int fd = open(\"/dev/mem\", O_RDONLY);\n"
                               "    return mmap(0, 4096, PROT_READ, MAP_SHARED, fd, " +
                               std::to_string(0xF0000 + i * 0x1000) + "); }\n" +
                               (i % 2 == 0 ? "#include <missing.h>\n" : ""));
    }
    AnalyzerOptions options;
    options.jobs = 1;
    Analysed one;
    analyse(one, files, options);
    options.jobs = 3;
    Analysed three;
    analyse(three, files, options);
    REQUIRE(one.summary().size() == 12);
    CHECK(one.summary() == three.summary());
    REQUIRE(one.report.notes.size() == 3);
    for (std::size_t i = 0; i < one.report.notes.size(); ++i) {
        CHECK(one.report.notes[i].location.file.substr(one.directory.path().string().size()) ==
              three.report.notes[i].location.file.substr(three.directory.path().string().size()));
    }
}

TEST_CASE("the sysfs table advice goes to a BIOS-area map, not to a map of the VGA hole") {
    Analysed a;
    const auto paths = {a.directory.write("m.c", std::string(headers) + R"(
int main(void) {
    int fd = open("/dev/mem", O_RDWR);
    void *bios = mmap(0, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000);
    void *vga = mmap(0, 0x20000, PROT_WRITE, MAP_SHARED, fd, 0xA0000);
    return bios == vga;
}
)")};
    a.report =
        analyze_program(jobs_from_paths(paths), {}, load_rewrite_rules(DEVMEM_SOURCE_RULES_DIR));
    REQUIRE(a.summary() ==
            std::vector<std::string>{"DM001@6", "DM002@7 bios-area", "DM002@8 vga-hole"});
    CHECK(a.report.findings[1].rewrite_rule == "smbios-scan-to-compat");
    CHECK(a.report.findings[2].rewrite_rule.empty());
}

TEST_CASE("a reader that is only passed efi/systab is parsed and its open reported (lshw)") {
    Analysed a;
    analyse(a, {{"lookup.c", R"(
#include <string.h>
int load(const char *path, char *buffer, int size);
int has_smbios(void) {
    char buffer[256];
    return load("/sys/firmware/efi/systab", buffer, sizeof buffer) > 0 &&
           strncmp(buffer, "SMBIOS=", 7) == 0;
}
)"},
                {"files.c", R"(
#include <stdio.h>
int load(const char *path, char *buffer, int size) {
    FILE *f = fopen(path, "r");
    int n = f ? (int)fread(buffer, 1, size, f) : -1;
    if (f) fclose(f);
    return n;
}
)"}});
    REQUIRE(a.summary() == std::vector<std::string>{"DM006@4"});
    CHECK(a.report.findings[0].location.file.ends_with("files.c"));
}
