#include "devmem/scan/device_path.hpp"

#include <catch2/catch.hpp>

using namespace devmem::scan;

TEST_CASE("paths normalise to one spelling") {
    CHECK(normalize_path("/dev/mem") == "/dev/mem");
    CHECK(normalize_path("//dev/mem") == "/dev/mem");
    CHECK(normalize_path("/dev/./mem") == "/dev/mem");
    CHECK(normalize_path("/dev//mem/") == "/dev/mem");
    CHECK(normalize_path("/dev/shm/../mem") == "/dev/mem");
    CHECK(normalize_path("/../dev/mem") == "/dev/mem");
    CHECK(normalize_path("dev/../../mem") == "../mem");
    CHECK(normalize_path("") == ".");
}

TEST_CASE("every spelling of the memory devices is recognised") {
    CHECK(device_of_path("/dev/mem") == Device::mem);
    CHECK(device_of_path("//dev/./mem") == Device::mem);
    CHECK(device_of_path("/dev/kmem") == Device::kmem);
    CHECK(device_of_path("/dev/port") == Device::port);
}

TEST_CASE("look-alike and relative names are not devices") {
    CHECK_FALSE(device_of_path("/dev/memory_bandwidth"));
    CHECK_FALSE(device_of_path("/dev/mem0"));
    CHECK_FALSE(device_of_path("dev/mem"));
    CHECK_FALSE(device_of_path("/sys/firmware/dmi/tables/DMI"));
    CHECK_FALSE(device_of_path("/dev/zero"));
}
