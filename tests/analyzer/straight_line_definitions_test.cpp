// A read of a local takes the assignment that certainly reaches it in straight-line code
// (analyzer/src/straight_line_definitions.cpp), and every value the variable may hold anywhere
// else.

#include "analysed_program.hpp"

#include <catch2/catch.hpp>

namespace {

std::vector<std::string> findings_of(const std::string& body, const char* file = "m.c") {
    Analysed analysed;
    analyse(analysed, {{file, std::string(headers) + "int lookup(void);\n" + body}});
    return analysed.summary();
}

using Summary = std::vector<std::string>;

} // namespace

TEST_CASE("a length set again after a label is the one the next mapping gets (mcelog)") {
    CHECK(findings_of(R"(
void *scan(size_t address) {
    size_t length = 0;
    int fd = open("/dev/mem", O_RDONLY);
    if (address) {
        length = address * 2;
        return mmap(0, length, PROT_READ, MAP_SHARED, fd, address);
    }
legacy:
    length = 0x10000;
    return mmap(0, length, PROT_READ, MAP_SHARED, fd, 0xF0000);
}
)") == Summary{"DM001@8", "DM002@11 unknown", "DM002@15 bios-area"});
}

TEST_CASE("a descriptor variable reopened on a regular file no longer reads the device") {
    CHECK(findings_of(R"(
int probe(char *buf) {
    int fd = open("/dev/mem", O_RDONLY);
    pread(fd, buf, 16, 0xC0000);
    close(fd);
    fd = open("/etc/hostname", O_RDONLY);
    return read(fd, buf, 16) + pread(fd, buf, 16, 0xF0000);
}
)") == Summary{"DM001@7", "DM003@8 option-rom"});
}

TEST_CASE("a chain of assignments in straight-line code folds to its last value") {
    CHECK(findings_of(R"(
int probe(char *buf) {
    off_t base = 0;
    off_t offset = 0;
    int fd = open("/dev/mem", O_RDONLY);
    base = 0xE0000;
    offset = base + 0x10000;
    return pread(fd, buf, 16, offset);
}
)") == Summary{"DM001@9", "DM003@12 bios-area"});
}

TEST_CASE("a branch, a loop, a case label or a backward goto keeps every value") {
    SECTION("an assignment in a branch") {
        CHECK(findings_of(R"(
int probe(char *buf, int alternative) {
    off_t offset = 0xF0000;
    int fd = open("/dev/mem", O_RDONLY);
    if (alternative)
        offset = 0xC0000;
    return pread(fd, buf, 16, offset);
}
)") == Summary{"DM001@8", "DM003@11 bios-area", "DM003@11 option-rom"});
    }
    SECTION("a loop that steps the offset") {
        CHECK(findings_of(R"(
int probe(char *buf) {
    off_t offset = 0xF0000;
    int fd = open("/dev/mem", O_RDONLY);
    while (offset < 0x100000) {
        pread(fd, buf, 16, offset);
        offset += 16;
    }
    return 0;
}
)") == Summary{"DM001@8", "DM003@10 unknown"});
    }
    SECTION("a case label reached by falling through and from the switch") {
        CHECK(findings_of(R"(
int probe(char *buf, int kind) {
    off_t offset = 0xF0000;
    int fd = open("/dev/mem", O_RDONLY);
    switch (kind) {
    case 1:
        offset = 0xC0000;
        /* fall through */
    case 2:
        return pread(fd, buf, 16, offset);
    }
    return 0;
}
)") == Summary{"DM001@8", "DM003@14 bios-area", "DM003@14 option-rom"});
    }
    SECTION("a label a later goto jumps back to") {
        CHECK(findings_of(R"(
int probe(char *buf, int tries) {
    off_t offset = 0xC0000;
    int fd = open("/dev/mem", O_RDONLY);
again:
    pread(fd, buf, 16, offset);
    offset = 0xF0000;
    if (tries--)
        goto again;
    return 0;
}
)") == Summary{"DM001@8", "DM003@10 option-rom", "DM003@10 bios-area"});
    }
}

TEST_CASE("a variable whose address is taken, or that is assigned inside the read's own "
          "expression, keeps every value") {
    SECTION("its address handed to a callee") {
        CHECK(findings_of(R"(
void adjust(off_t *offset);
int probe(char *buf) {
    off_t offset = 0xC0000;
    int fd = open("/dev/mem", O_RDONLY);
    adjust(&offset);
    return pread(fd, buf, 16, offset);
}
)") == Summary{"DM001@9", "DM003@11 unknown"});
    }
    SECTION("assigned in the condition that reads it") {
        CHECK(findings_of(R"(
int probe(char *buf) {
    off_t offset = 0xF0000;
    int fd = open("/dev/mem", O_RDONLY);
    if ((offset = lookup()) != 0 && pread(fd, buf, 16, offset) > 0)
        return 1;
    return 0;
}
)") == Summary{"DM001@8", "DM003@9 unknown"});
    }
    SECTION("a static local, which keeps its value from the last call") {
        CHECK(findings_of(R"(
int probe(char *buf) {
    static off_t offset = 0xC0000;
    int fd = open("/dev/mem", O_RDONLY);
    pread(fd, buf, 16, offset);
    offset = 0xF0000;
    return 0;
}
)") == Summary{"DM001@8", "DM003@9 option-rom", "DM003@9 bios-area"});
    }
}

TEST_CASE("a C++ lambda that captures the variable by reference keeps every value") {
    CHECK(findings_of(R"(
int probe(char *buf) {
    off_t offset = 0xC0000;
    int fd = open("/dev/mem", O_RDONLY);
    auto move = [&] { offset = 0xF0000; };
    move();
    return pread(fd, buf, 16, offset);
}
)",
                      "m.cpp") == Summary{"DM001@8", "DM003@11 option-rom", "DM003@11 bios-area"});
}
