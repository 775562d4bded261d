#include "abstract_value.hpp"

#include <catch2/catch.hpp>

using namespace devmem::scan::detail;

namespace {

Value number(std::uint64_t n) {
    return Value::of_number(n);
}
Value parameter(unsigned index) {
    return Value::of_parameter("c:@F@wrap", index, "p");
}

} // namespace

TEST_CASE("constants fold through arithmetic") {
    CHECK(combine('+', number(0x400), number(0x13)).number == 0x413);
    CHECK(combine('-', number(0x100000), number(0xC0000)).number == 0x40000);
    CHECK(combine('*', number(16), number(0x1000)).number == 0x10000);
    CHECK(combine('<', number(0xF000), number(4)).number == 0xF0000);
    CHECK(combine('&', number(0xF0123), number(~0xFFFULL)).number == 0xF0000);
}

TEST_CASE("division by zero and oversized shifts give up") {
    CHECK(combine('/', number(1), number(0)).kind == Value::Kind::unknown);
    CHECK(combine('<', number(1), number(64)).kind == Value::Kind::unknown);
}

TEST_CASE("arithmetic on a parameter waits for the call site") {
    const auto sum = combine('+', parameter(0), parameter(1));
    CHECK(sum.kind == Value::Kind::arithmetic);
    CHECK(sum.depends_on("c:@F@wrap"));
    CHECK_FALSE(sum.depends_on("c:@F@other"));
    CHECK(combine('+', parameter(0), number(0)).same_as(parameter(0)));
}

TEST_CASE("page alignment with a run-time page size keeps the requested address") {
    const auto unknown = Value::unknown_value();
    CHECK(combine('%', parameter(0), unknown).same_as(number(0)));
    CHECK(combine('&', number(0xF0010), unknown).same_as(number(0xF0010)));
    CHECK(combine('+', number(1), unknown).kind == Value::Kind::unknown);
}

TEST_CASE("value sets fold pairwise and saturate to unknown") {
    ValueSet bases;
    bases.insert(number(0xE0000));
    bases.insert(number(0xF0000));
    const auto ends = combine('+', bases, ValueSet(number(0xFFFF)));
    CHECK(ends.values().size() == 2);
    CHECK_FALSE(ends.single_number());

    ValueSet many;
    for (std::uint64_t i = 0; i < 100; ++i) {
        many.insert(number(i));
    }
    CHECK(many.values().size() <= 17);
    CHECK(many.has_unknown());
}
