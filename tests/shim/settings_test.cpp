// The preload's reading of its environment, AT_SECURE or not. secure_e2e.py shows the same
// decision in real setuid, setgid and file-capability processes where it can run (as root).
#include "settings.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <string>

using devmem::shim::Mode;
using devmem::shim::Settings;
using devmem::shim::settings_for;

namespace {

using Values = std::map<std::string, std::string>;

const char* const variables[] = {"DEVMEM_SHIM_MODE", "DEVMEM_SHIM_DUMP", "DEVMEM_SHIM_FIRMWARE",
                                 "DEVMEM_SHIM_LOG"};

// Exactly these DEVMEM_SHIM_ variables set for the test's scope; the rest unset.
class Environment {
public:
    explicit Environment(const Values& values) {
        for (const char* name : variables) {
            auto it = values.find(name);
            it == values.end() ? unsetenv(name) : setenv(name, it->second.c_str(), 1);
        }
    }
    Environment(const Environment&) = delete;
    Environment& operator=(const Environment&) = delete;
    ~Environment() {
        for (const char* name : variables)
            unsetenv(name);
    }
};

const Values everything{{"DEVMEM_SHIM_DUMP", "/tmp/dump.bin"},
                        {"DEVMEM_SHIM_FIRMWARE", "/tmp/fw"},
                        {"DEVMEM_SHIM_LOG", "/tmp/log"}};

Values with_mode(const char* mode) {
    auto values = everything;
    values["DEVMEM_SHIM_MODE"] = mode;
    return values;
}

} // namespace

TEST_CASE("an ordinary process takes the fixture, the log and the mode from the environment") {
    Environment env(with_mode("audit"));
    Settings settings = settings_for(false);
    CHECK(settings.mode == Mode::audit);
    CHECK(std::string(settings.dump) == "/tmp/dump.bin");
    CHECK(std::string(settings.firmware) == "/tmp/fw");
    CHECK(std::string(settings.log) == "/tmp/log");
}

TEST_CASE("the default mode is always with a fixture and auto without, unknown means default") {
    {
        Environment env(everything);
        CHECK(settings_for(false).mode == Mode::always);
    }
    {
        Environment env(Values{{"DEVMEM_SHIM_MODE", "sometimes"}});
        CHECK(settings_for(false).mode == Mode::automatic);
    }
    {
        Environment env(Values{{"DEVMEM_SHIM_DUMP", ""}, {"DEVMEM_SHIM_LOG", ""}});
        Settings settings = settings_for(false);
        CHECK(settings.mode == Mode::automatic);
        CHECK(settings.dump == nullptr);
        CHECK(settings.log == nullptr);
    }
}

TEST_CASE("an AT_SECURE process ignores the fixture, the log and every mode but off") {
    for (const char* mode : {"always", "audit", "auto", "sometimes", ""}) {
        Environment env(with_mode(mode));
        Settings settings = settings_for(true);
        INFO("DEVMEM_SHIM_MODE=" << mode);
        CHECK(settings.mode == Mode::automatic);
        CHECK(settings.dump == nullptr);
        CHECK(settings.firmware == nullptr);
        CHECK(settings.log == nullptr);
        CHECK_FALSE(settings.fixture());
    }
}

TEST_CASE("an AT_SECURE process honours DEVMEM_SHIM_MODE=off") {
    Environment env(with_mode("off"));
    Settings settings = settings_for(true);
    CHECK(settings.mode == Mode::off);
    CHECK(settings.dump == nullptr);
    CHECK(settings.log == nullptr);
}

TEST_CASE("this test process is not AT_SECURE, so current_settings reads the environment") {
    Environment env(with_mode("audit"));
    CHECK(devmem::shim::current_settings().mode == Mode::audit);
    CHECK(devmem::shim::current_settings().log != nullptr);
}
