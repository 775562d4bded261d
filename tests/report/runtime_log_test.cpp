// Merging the shim's audit logs into a report: matched, possible, unexplained, malformed.
#include "devmem/scan/runtime_log.hpp"

#include "scan_run.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace devmem::scan;

namespace {

Finding finding_of(const std::string& file, unsigned line, std::string rule, std::string message,
                   std::optional<PhysicalRange> range = std::nullopt) {
    Finding finding;
    finding.rule = std::move(rule);
    finding.location = {file, line, 1};
    finding.message = std::move(message);
    finding.range = range;
    return finding;
}

RuntimeEvent event_of(std::string exe, std::string op, std::string path, std::string region,
                      std::uint64_t offset, std::uint64_t length) {
    RuntimeEvent event;
    event.log = "audit.jsonl";
    event.pid = 7;
    event.exe = std::move(exe);
    event.op = std::move(op);
    event.path = std::move(path);
    event.region = std::move(region);
    event.result = "served";
    event.offset = offset;
    event.length = length;
    return event;
}

// Program smbios-reader/ (reader.c): an open of /dev/mem, a map with a known range, a read with
// an unknown one. Program portio/ (cmos.c): an open of /dev/port.
Report two_programs() {
    Report report;
    report.root = "/src";
    report.findings = {
        finding_of("/src/smbios-reader/reader.c", 10, "DM001", "'open' opens /dev/mem"),
        finding_of("/src/smbios-reader/reader.c", 12, "DM002", "'mmap' maps /dev/mem",
                   PhysicalRange{0xF0000, 0xFFFFF}),
        finding_of("/src/smbios-reader/reader.c", 14, "DM003", "'pread' reads /dev/mem"),
        finding_of("/src/portio/cmos.c", 5, "DM004", "'open' opens /dev/port"),
    };
    return report;
}

std::vector<FindingActivity> activity(const RuntimeMerge& merge, std::size_t finding) {
    return merge.activity.at(finding);
}

} // namespace

TEST_CASE("an open by the program's executable is seen at its open finding") {
    const auto merge = merge_runtime_events(
        two_programs(), {"audit.jsonl"},
        {event_of("/usr/bin/smbios-reader", "open", "/dev/mem", "physical-memory", 0, 0x101000),
         event_of("/opt/cmos", "fopen", "//dev/./port", "io-ports", 0, 0)});
    REQUIRE(activity(merge, 0).size() == 1);
    CHECK(activity(merge, 0)[0].event == 0);
    CHECK(activity(merge, 0)[0].match == RuntimeMatch::matched);
    CHECK(activity(merge, 1).empty());
    CHECK(activity(merge, 2).empty());
    // cmos is the stem of portio/cmos.c.
    REQUIRE(activity(merge, 3).size() == 1);
    CHECK(activity(merge, 3)[0].match == RuntimeMatch::matched);
    CHECK(merge.unexplained.empty());
    CHECK(extent_text(merge.events[0]) == "0x0-0x100fff");
    CHECK(extent_text(merge.events[1]) == "nothing");
}

TEST_CASE("maps and reads match by range containment, unknown ranges only possibly") {
    const auto merge = merge_runtime_events(
        two_programs(), {"audit.jsonl"},
        {
            // Page-aligned around the static range: matched.
            event_of("smbios-reader", "mmap", "/dev/mem", "physical-memory", 0xEF000, 0x12000),
            // Inside it: matched.
            event_of("smbios-reader", "mmap64", "/dev/mem", "physical-memory", 0xF0010, 0x10),
            // Overlapping only: not this finding, and nothing else maps.
            event_of("smbios-reader", "mmap", "/dev/mem", "physical-memory", 0xFF000, 0x2000),
            // The read finding's range is unknown: possible.
            event_of("smbios-reader", "pread", "/dev/mem", "physical-memory", 0x400, 0x100),
        });
    REQUIRE(activity(merge, 1).size() == 2);
    CHECK(activity(merge, 1)[0].match == RuntimeMatch::matched);
    CHECK(activity(merge, 1)[1].event == 1);
    REQUIRE(activity(merge, 2).size() == 1);
    CHECK(activity(merge, 2)[0].event == 3);
    CHECK(activity(merge, 2)[0].match == RuntimeMatch::possible);
    CHECK(merge.unexplained == std::vector<std::size_t>{2});
}

TEST_CASE("accesses of other executables, devices or kinds are unexplained") {
    const auto merge = merge_runtime_events(
        two_programs(), {"audit.jsonl"},
        {
            event_of("/usr/sbin/dmidecode", "open", "/dev/mem", "physical-memory", 0, 0x1000),
            event_of("smbios-reader", "open", "/dev/kmem", "kernel-memory", 0, 0x1000),
            event_of("smbios-reader", "ioctl", "/dev/mem", "physical-memory", 0, 0x1000),
            // The sysfs tables are what migrated code reads: counted, nothing to explain.
            event_of("smbios-reader", "open", "/sys/firmware/dmi/tables/DMI", "firmware-tables", 0,
                     0x100),
        });
    CHECK(merge.unexplained == std::vector<std::size_t>{0, 1, 2});
    CHECK(merge.firmware_table_reads == 1);
    for (const auto& entry : merge.activity) {
        CHECK(entry.empty());
    }
}

TEST_CASE("the reports show what ran and what nothing explains") {
    const auto report = two_programs();
    const auto merge = merge_runtime_events(
        report, {"audit.jsonl"},
        {event_of("smbios-reader", "open", "/dev/mem", "physical-memory", 0, 0x101000),
         event_of("<b>evil</b>", "open", "/dev/mem", "physical-memory", 0, 0)});
    for (const auto format : {OutputFormat::markdown, OutputFormat::html}) {
        std::ostringstream out;
        write_report(out, report, format, merge);
        const auto text = out.str();
        CHECK_THAT(text, Catch::Contains("1 finding seen executing, "));
        CHECK_THAT(text, Catch::Contains("seen executing: audit.jsonl:0: pid 7 smbios-reader open "
                                         "/dev/mem at 0x0-0x100fff: served"));
        CHECK_THAT(text, Catch::Contains("Runtime accesses no finding explains"));
        CHECK_THAT(text, Catch::Contains("not seen in the logs"));
        CHECK(text.find("<b>evil") == std::string::npos);
    }
}

TEST_CASE("a log is read line by line and a malformed line is named by file:line") {
    TemporaryDirectory directory;
    const auto good = directory.write(
        "good.jsonl",
        "{\"pid\":4242,\"exe\":\"/usr/sbin/dmidecode\",\"op\":\"open\",\"path\":\"/dev/mem\","
        "\"offset\":0,\"length\":1052672,\"region\":\"physical-memory\",\"result\":\"served\"}\n"
        "\n"
        "{\"pid\":1,\"exe\":\"x\",\"op\":\"open\",\"path\":\"/dev/port\",\"offset\":0,\"length\":0,"
        "\"region\":\"io-ports\",\"result\":\"denied\",\"detail\":\"no image\"}\n"
        "{\"pid\":1,\"exe\":\"x\",\"op\":\"mmap\",\"path\":\"/dev/mem\",\"offset\":983040,"
        "\"length\":65536,\"region\":\"physical-memory\",\"class\":\"bios-area\","
        "\"result\":\"served\"}\n");
    const auto events = load_runtime_log(good);
    REQUIRE(events.size() == 3);
    CHECK(events[0].range_class.empty());
    CHECK(events[2].range_class == "bios-area");
    CHECK(events[0].pid == 4242);
    CHECK(events[0].length == 1052672);
    CHECK(events[0].line == 1);
    CHECK(events[1].line == 3);
    CHECK(events[1].detail == "no image");

    const auto fails_with = [&](const std::string& line, const std::string& problem) {
        const auto log = directory.write("bad.jsonl", "\n" + line);
        CHECK_THROWS_WITH(load_runtime_log(log), log.string() + ":2: " + problem);
    };
    fails_with("{\"pid\":1", "not a JSON object");
    fails_with("[1,2]", "not a JSON object");
    fails_with("{\"pid\":-1}", "field 'pid' is missing or not a non-negative integer");
    fails_with("{\"pid\":1,\"exe\":2}", "field 'exe' is missing or not a string");
    fails_with("{\"pid\":1,\"exe\":\"x\",\"op\":\"open\",\"path\":\"/dev/mem\",\"offset\":1.5}",
               "field 'offset' is missing or not a non-negative integer");
    fails_with("{\"pid\":1,\"exe\":\"x\",\"op\":\"open\",\"path\":\"/dev/mem\",\"offset\":0,"
               "\"length\":0,\"region\":\"disk\",\"result\":\"served\"}",
               "unknown region 'disk'");
    fails_with("{\"pid\":1,\"exe\":\"x\",\"op\":\"read\",\"path\":\"/dev/mem\",\"offset\":0,"
               "\"length\":4,\"region\":\"physical-memory\",\"class\":\"bios\","
               "\"result\":\"served\"}",
               "unknown class 'bios'");
    CHECK_THROWS_WITH(load_runtime_log(directory.path() / "none.jsonl"),
                      (directory.path() / "none.jsonl").string() + ": cannot read the runtime log");
}

TEST_CASE(
    "devmem-scan --runtime-log: a malformed log exits 2 with one line, a good one is merged") {
    TemporaryDirectory directory;
    const auto source = directory.write(
        "tool/main.c", "#include <fcntl.h>\nint main(void) { return open(\"/dev/mem\", 0); }\n");
    const auto bad = directory.write("bad.jsonl", "{}\nnot json\n");
    const auto bad_run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--format", "html",
                               "--runtime-log", bad.string(), source.string()});
    CHECK(bad_run.status == 2);
    CHECK(bad_run.err == "devmem-scan: error: " + bad.string() +
                             ":1: field 'pid' is missing or not a non-negative integer\n");
    CHECK(scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--format", "sarif", "--runtime-log",
                bad.string(), source.string()})
              .status == 2);

    const auto log = directory.write(
        "run.jsonl", "{\"pid\":9,\"exe\":\"/tmp/tool\",\"op\":\"open\",\"path\":\"/dev/mem\","
                     "\"offset\":0,\"length\":4096,\"region\":\"physical-memory\","
                     "\"result\":\"served\"}\n");
    const auto run =
        scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--format", "markdown", "--root",
              directory.path().string(), "--runtime-log", log.string(), source.string()});
    CHECK(run.status == 1);
    CHECK_THAT(run.out, Catch::Contains("1 finding seen executing, 0 accesses unexplained"));
}

TEST_CASE("the JSON report carries the runtime records per finding and the unexplained ones") {
    TemporaryDirectory directory;
    const auto source = directory.write(
        "tool/main.c", "#include <fcntl.h>\nint main(void) { return open(\"/dev/mem\", 0); }\n");
    const auto log = directory.write(
        "run.jsonl", "{\"pid\":9,\"exe\":\"/tmp/tool\",\"op\":\"open\",\"path\":\"/dev/mem\","
                     "\"offset\":0,\"length\":4096,\"region\":\"physical-memory\","
                     "\"result\":\"served\"}\n"
                     "{\"pid\":10,\"exe\":\"/tmp/other\",\"op\":\"open\",\"path\":\"/dev/mem\","
                     "\"offset\":0,\"length\":0,\"region\":\"physical-memory\","
                     "\"result\":\"denied\",\"detail\":\"no image\"}\n");
    const auto run =
        scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--format", "json", "--root",
              directory.path().string(), "--runtime-log", log.string(), source.string()});
    CHECK(run.status == 1);
    const auto json = nlohmann::json::parse(run.out);
    const auto& seen = json.at("findings").at(0).at("runtime");
    REQUIRE(seen.size() == 1);
    CHECK(seen.at(0).at("match") == "matched");
    CHECK(seen.at(0).at("exe") == "/tmp/tool");
    CHECK(seen.at(0).at("line") == 1);
    const auto& runtime = json.at("runtime");
    CHECK(runtime.at("records") == 2);
    REQUIRE(runtime.at("unexplained").size() == 1);
    CHECK(runtime.at("unexplained").at(0).at("exe") == "/tmp/other");
    CHECK(runtime.at("unexplained").at(0).at("detail") == "no image");

    const auto without = nlohmann::json::parse(
        scan({"--rules", DEVMEM_SOURCE_RULES_DIR, "--format", "json", source.string()}).out);
    CHECK_FALSE(without.contains("runtime"));
    CHECK_FALSE(without.at("findings").at(0).contains("runtime"));
}
