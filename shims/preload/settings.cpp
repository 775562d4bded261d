#include "settings.hpp"

#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

namespace devmem::shim {

namespace {

const char* non_empty_env(const char* name) {
    const char* value = getenv(name);
    return value && *value ? value : nullptr;
}

Mode parse_mode(const char* text, Mode fallback) {
    if (!text)
        return fallback;
    if (strcmp(text, "always") == 0)
        return Mode::always;
    if (strcmp(text, "off") == 0)
        return Mode::off;
    if (strcmp(text, "audit") == 0)
        return Mode::audit;
    if (strcmp(text, "auto") == 0)
        return Mode::automatic;
    return fallback;
}

} // namespace

Settings current_settings() {
    return settings_for(getauxval(AT_SECURE) != 0);
}

Settings settings_for(bool secure) {
    const char* mode = non_empty_env("DEVMEM_SHIM_MODE");
    if (secure) {
        bool off = mode && strcmp(mode, "off") == 0;
        return {off ? Mode::off : Mode::automatic, nullptr, nullptr, nullptr};
    }
    Settings settings{Mode::automatic, non_empty_env("DEVMEM_SHIM_DUMP"),
                      non_empty_env("DEVMEM_SHIM_FIRMWARE"), non_empty_env("DEVMEM_SHIM_LOG")};
    // With a fixture the caller wants the fixture: never the host's real device.
    settings.mode = parse_mode(mode, settings.fixture() ? Mode::always : Mode::automatic);
    return settings;
}

} // namespace devmem::shim
