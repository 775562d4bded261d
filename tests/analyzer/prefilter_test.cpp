// Which translation units the text prefilter keeps, before anything is parsed.

#include "prefilter.hpp"

#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

using devmem::scan::CompileJob;
using devmem::scan::jobs_from_paths;
using devmem::scan::detail::Prefilter;

namespace {

// The names of the selected files, relative to the directory.
std::vector<std::string> selected(const TemporaryDirectory& directory,
                                  const std::vector<CompileJob>& jobs,
                                  const std::set<std::string>& names = {}) {
    std::vector<std::string> files;
    for (const auto i : Prefilter(jobs).select(names)) {
        files.push_back(jobs[i].file.lexically_relative(directory.path()).string());
    }
    return files;
}

} // namespace

TEST_CASE("units naming a device, a port call, an anchor or systab are kept, others are not") {
    TemporaryDirectory d;
    const auto jobs = jobs_from_paths({
        d.write("device.c", "const char *p = \"/dev/mem\";\n"),
        d.write("pasted.c", "const char *p = \"/dev/\" \"port\";\n"),
        d.write("paths.c", "#include <paths.h>\nconst char *p = _PATH_KMEM;\n"),
        d.write("port.c", "void f(void) { outb(0, 0x80); }\n"),
        d.write("anchor.c",
                "int f(const char *p) { return p[0] == 0 && !memcmp(p, \"_SM3_\", 5); }\n"),
        d.write("number.c", "int f(unsigned *p) { return *p == 0x5F4D535FU; }\n"),
        d.write("systab.c", "const char *t = \"/sys/firmware/efi/systab\";\n"),
        d.write("plain.c", "typedef int pixman_fixed_32_32_t; int inbound, outbox;\n"),
    });
    CHECK(selected(d, jobs) == std::vector<std::string>{"anchor.c", "device.c", "number.c",
                                                        "pasted.c", "paths.c", "port.c",
                                                        "systab.c"});
}

TEST_CASE("a device path ends at the literal or at a space, a systab key is a key, not prose") {
    TemporaryDirectory d;
    const auto jobs = jobs_from_paths({
        d.write("commented.c", "/* Close /dev/agpgart.  This frees its memory. */\nint x;\n"),
        d.write("message.c", "const char *m = \"cannot open /dev/input/event* port\";\n"),
        d.write("named.c", "/* reads /dev/mem. */\nint x;\n"),
        d.write("joined.c", "const char *d = \"/dev/\";\n"),
        d.write("prose.c", "const char *m = \"ACPI: opening device\", *n = \"SMBIOS tables\";\n"),
        d.write("key.c", "int f(const char *l) { return !strncmp(l, \"ACPI20=\", 7); }\n"),
        d.write("bare.c", "int f(const char *k) { return !strcmp(k, \"SMBIOS3\"); }\n"),
    });
    CHECK(selected(d, jobs) == std::vector<std::string>{"bare.c", "joined.c", "key.c", "named.c"});
}

TEST_CASE("a project header's device path keeps the units using its macro, its port calls none") {
    TemporaryDirectory d;
    d.write("include/os.h", "#ifndef DEV_MEM\n#define DEV_MEM \"/dev/mem\"\n#endif\n");
    d.write("include/io.h", "static inline unsigned char inb(unsigned short p) { return 0; }\n");
    d.write("include/outer.h", "#include <os.h>\n");
    d.write("src/direct.c",
            "#include \"../include/os.h\"\nint f(void) { return open(DEV_MEM, 0); }\n");
    d.write("src/nested.c", "#include <outer.h>\nconst char *p = DEV_MEM;\n");
    d.write("src/unused.c", "#include <outer.h>\nint x;\n");
    d.write("src/io_only.c", "#include <io.h>\nint x;\n");
    d.write("src/io_user.c", "#include <io.h>\nint f(void) { return inb(0x61); }\n");
    // The directory, so that include/ is among the inferred include directories.
    const auto jobs = jobs_from_paths({d.path()});
    CHECK(selected(d, jobs) ==
          std::vector<std::string>{"src/direct.c", "src/io_user.c", "src/nested.c"});
}

TEST_CASE("macros and functions defined in terms of a header's device path carry it too") {
    TemporaryDirectory d;
    d.write("include/os.h", "#define DEV_MEM \"/dev/mem\"\n");
    d.write("include/paths.h", "#include <os.h>\n#define BIOS_DEVICE \\\n    DEV_MEM\n");
    d.write("include/helpers.h",
            "#include <paths.h>\n"
            "static inline int open_bios(void)\n"
            "{\n    if (1) { return open(BIOS_DEVICE, 0); }\n    return -1;\n}\n"
            "static inline int unrelated(void) { return 0; }\n");
    d.write("src/a_bystander.c", "#include <helpers.h>\nint g(void) { return unrelated(); }\n");
    d.write("src/macro_user.c", "#include <paths.h>\nconst char *p = BIOS_DEVICE;\n");
    d.write("src/caller.c", "#include <helpers.h>\nint g(void) { return open_bios(); }\n");
    const auto jobs = jobs_from_paths({d.path()});
    CHECK(selected(d, jobs) == std::vector<std::string>{"src/caller.c", "src/macro_user.c"});
}

TEST_CASE("of the includers of a header whose trigger no kept unit reaches, the first is kept") {
    TemporaryDirectory d;
    d.write("include/probe.h",
            "static inline int probe_bios(void) { return open(\"/dev/mem\", 0); }\n");
    d.write("src/a.c", "#include <probe.h>\nint a;\n");
    d.write("src/b.c", "#include <probe.h>\nint b;\n");
    const auto jobs = jobs_from_paths({d.path()});
    CHECK(selected(d, jobs) == std::vector<std::string>{"src/a.c"});
}

TEST_CASE("a header's trigger or device macro outside a definition keeps every includer") {
    TemporaryDirectory d;
    SECTION("a trigger in a table") {
        d.write("include/h.h", "static const char *devices[] = {\"/dev/mem\", 0};\n");
    }
    SECTION("a device macro in a variable's initialiser") {
        d.write("include/h.h", "#define DEV_MEM \"/dev/mem\"\nstatic const char *d = DEV_MEM;\n");
    }
    SECTION("a trigger in a function whose braces do not pair up") {
        d.write("include/h.h", "#ifdef A\nint f(int a) {\n#else\nint f(void) {\n#endif\n"
                               "    return open(\"/dev/mem\", 0);\n}\nint used;\n");
    }
    d.write("src/a.c", "#include <h.h>\nint a;\n");
    d.write("src/b.c", "#include <h.h>\nint b;\n");
    const auto jobs = jobs_from_paths({d.path()});
    CHECK(selected(d, jobs) == std::vector<std::string>{"src/a.c", "src/b.c"});
}

TEST_CASE(
    "includes are found in the first include directory holding them, through subdirectories") {
    TemporaryDirectory d;
    // A device path outside any definition keeps every unit including the header.
    const std::string device = "static const char *path = \"/dev/mem\";\n";
    d.write("first/sys/quiet.h", "int quiet;\n");
    d.write("second/sys/device.h", device);
    d.write("second/sys/quiet.h", device);
    d.write("second/plain.h", device);
    const std::vector<std::string> arguments{"-Ifirst", "-Isecond"};
    const auto job = [&](const std::string& name, const std::string& include) {
        return CompileJob{d.write(name, "#include <" + include + ">\nint x;\n"), d.path(),
                          arguments, true};
    };
    const std::vector<CompileJob> jobs{
        job("nested.c", "sys/device.h"),
        job("shadowed.c", "sys/quiet.h"),
        // Spelt with components the lexical normalisation removes, even one that does not exist.
        job("dotted.c", "none/../plain.h"),
        job("missing.c", "sys/absent.h"),
    };
    CHECK(selected(d, jobs) == std::vector<std::string>{"nested.c", "dotted.c"});
}

TEST_CASE("a unit mentioning a learned wrapper is kept once the wrapper is known") {
    TemporaryDirectory d;
    const auto jobs = jobs_from_paths({
        d.write("caller.c",
                "int read_bios(long, long);\nint main(void) { return read_bios(0xF0000, 16); }\n"),
        d.write("other.c", "int read_bios_size;\n"),
    });
    CHECK(selected(d, jobs).empty());
    CHECK(selected(d, jobs, {"read_bios"}) == std::vector<std::string>{"caller.c"});
}

TEST_CASE("a learned name counts as a whole word only, whether few or many names are asked") {
    TemporaryDirectory d;
    const auto jobs = jobs_from_paths({
        d.write("first.c", "read_bios(0xF0000, 16);\n"),
        d.write("last.c", "int f(void) { return 0; } /* calls */ read_bios"),
        d.write("prefixed.c", "int my_read_bios;\n"),
        d.write("suffixed.c", "int read_bios2;\n"),
        d.write("numbered.c", "int x = 9read_bios;\n"),
        d.write("repeated.c", "int read_bios_x; int f(void) { return read_bios(0, 1); }\n"),
    });
    const std::vector<std::string> whole_words{"first.c", "last.c", "repeated.c"};
    CHECK(selected(d, jobs, {"read_bios"}) == whole_words);
    // More names than are looked for one by one: each file's words are indexed instead.
    std::set<std::string> many{"read_bios"};
    for (int i = 0; i < 12; ++i) {
        many.insert("unused_name_" + std::to_string(i));
    }
    CHECK(selected(d, jobs, many) == whole_words);
}

TEST_CASE(
    "a tree large enough to be read on several threads keeps the same units for any thread count") {
    TemporaryDirectory d;
    d.write("include/device.h", "#define DEV_MEM \"/dev/mem\"\n");
    std::vector<std::string> expected;
    constexpr int file_count = 600;
    for (int i = 0; i < file_count; ++i) {
        const auto name = "src/unit" + std::to_string(1000 + i) + ".c";
        std::string text = "int value" + std::to_string(i) + ";\n";
        if (i % 7 == 0) {
            text += "const char *path = \"/dev/mem\";\n";
        } else if (i % 11 == 0) {
            text += "#include <device.h>\nconst char *path = DEV_MEM;\n";
        } else if (i % 13 == 0) {
            text += "void f(void) { outb(0, 0x80); }\n";
        }
        if (i % 7 == 0 || i % 11 == 0 || i % 13 == 0) {
            expected.push_back(name);
        }
        d.write(name, text);
    }
    const auto jobs = jobs_from_paths({d.path()});
    REQUIRE(jobs.size() == file_count);
    CHECK(selected(d, jobs) == expected);
    const auto on_every_core = Prefilter(jobs).select({});
    for (const unsigned threads : {1U, 2U, 3U}) {
        CHECK(Prefilter(jobs, threads).select({}) == on_every_core);
    }
    // Every unit and the one header it can include, each read once.
    CHECK(Prefilter(jobs).files_read().size() == file_count + 1);
}
