#include "progress.hpp"

#include "scan_run.hpp"
#include "temporary_directory.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using devmem::scan::detail::ProgressMeter;

TEST_CASE("the progress line counts files, shows a rate and is erased at the end") {
    std::ostringstream out;
    {
        ProgressMeter meter(&out);
        meter.expect(2);
        meter.advance();
        meter.expect(1);
        meter.advance();
        meter.advance();
    }
    const auto text = out.str();
    // The last file always redraws, whatever the interval.
    const auto last = text.rfind("\r[3/3] ");
    REQUIRE(last != std::string::npos);
    const auto line_end = text.find('\r', last + 1);
    REQUIRE(line_end != std::string::npos);
    const auto line = text.substr(last + 1, line_end - last - 1);
    CHECK_THAT(line, Catch::Matches(R"(\[3/3\] \d+ files/s)"));
    CHECK(text.substr(line_end) == "\r" + std::string(line.size(), ' ') + "\r");
}

TEST_CASE("no progress meter draws nothing") {
    ProgressMeter meter(nullptr);
    meter.expect(1);
    meter.advance();
    SUCCEED("no stream to write to");
}

TEST_CASE("a run whose standard error is not a terminal shows no progress") {
    TemporaryDirectory directory;
    const auto source = directory.write("a.c", "int main(void) { return 0; }\n");
    const auto run = scan({"--rules", DEVMEM_SOURCE_RULES_DIR, source.string()});
    CHECK(run.err.empty());
}
