#include "corpus_expectations.hpp"

#include <catch2/catch.hpp>

using namespace devmem::corpus;

TEST_CASE("a CHECK expects a finding on its own line with the keys written") {
    const auto program = parse_annotations(
        "a.c", "int x;\np = mmap(0, 1, 0, 0, fd, 0xF0000); // CHECK: DM002 range=0xF0000-0xFFFFF "
               "class=bios-area\n");
    REQUIRE(program.expectations.size() == 1);
    const auto& expectation = program.expectations.front();
    CHECK(expectation.line == 2);
    CHECK(expectation.rule == "DM002");
    CHECK(expectation.keys.at("range") == "0xf0000-0xfffff");
    CHECK(expectation.keys.at("class") == "bios-area");
    CHECK_FALSE(program.xfail_reason);
}

TEST_CASE("CHECK@+N and CHECK@-N point at other lines") {
    const auto program =
        parse_annotations("a.c", "\n\n// CHECK@+2: DM001\nx;\n// CHECK@-1: DM003\n");
    REQUIRE(program.expectations.size() == 2);
    CHECK(program.expectations[0].line == 5);
    CHECK(program.expectations[1].line == 4);
}

TEST_CASE("several CHECKs on one line expect several findings") {
    const auto program = parse_annotations("a.c", "f(); // CHECK: DM005 // CHECK: DM005\n");
    REQUIRE(program.expectations.size() == 2);
    CHECK(program.expectations[1].keys.empty());
}

TEST_CASE("XFAIL marks the program as a known gap") {
    const auto program = parse_annotations("a.c", "/* XFAIL: function pointers */\n");
    REQUIRE(program.xfail_reason);
    CHECK(*program.xfail_reason == "function pointers");
}

TEST_CASE("text outside comments and the word CHECK in prose are not annotations") {
    CHECK(parse_annotations("a.c", "puts(\"CHECK: DM001\");\n").expectations.empty());
    CHECK(parse_annotations("a.c", "/* Checks: DM001 and CHECKs below */\n").expectations.empty());
}

TEST_CASE("malformed annotations are errors naming the place") {
    CHECK_THROWS_WITH(parse_annotations("a.c", "x; // CHECK: DM999\n"), Catch::Contains("a.c:1"));
    CHECK_THROWS_WITH(parse_annotations("a.c", "x; // CHECK: DM001 colour=red\n"),
                      Catch::Contains("unknown CHECK key"));
    CHECK_THROWS_AS(parse_annotations("a.c", "// CHECK@-3: DM001\n"), AnnotationError);
}

TEST_CASE("comparison reports missing and unexpected findings") {
    const std::vector<Expectation> expected{
        {"a.c", 3, "DM002", {{"class", "bios-area"}}},
        {"a.c", 4, "DM001", {}},
    };
    const std::vector<ActualFinding> actual{
        {"a.c", 3, "DM002", {{"class", "bios-area"}, {"range", "0xf0000-0xfffff"}}},
        {"a.c", 9, "DM005", {}},
    };
    const auto comparison = compare(expected, actual);
    REQUIRE(comparison.missing.size() == 1);
    CHECK(comparison.missing[0].line == 4);
    REQUIRE(comparison.unexpected.size() == 1);
    CHECK(comparison.unexpected[0].rule == "DM005");
    CHECK_FALSE(comparison.matches());
}

TEST_CASE("a key that differs makes the finding both missing and unexpected") {
    const auto comparison = compare({{"a.c", 3, "DM002", {{"class", "bios-area"}}}},
                                    {{"a.c", 3, "DM002", {{"class", "unknown"}}}});
    CHECK(comparison.missing.size() == 1);
    CHECK(comparison.unexpected.size() == 1);
}

TEST_CASE("findings are read from devmem-scan's JSON report") {
    const auto findings = findings_from_json(R"({"findings": [{
        "rule": "DM002", "category": "physical-map", "servable": "served",
        "confidence": "high", "location": {"file": "/x/a.c", "line": 7, "column": 9},
        "range": {"start": "0xf0000", "end": "0xfffff", "class": "bios-area"}}]})");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].line == 7);
    CHECK(findings[0].keys.at("range") == "0xf0000-0xfffff");
    CHECK(findings[0].keys.at("servable") == "served");
}
