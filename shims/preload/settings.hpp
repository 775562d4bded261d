// What the environment asks the shim to do. Read on the served path only, never cached: the
// pass-through path must not depend on it.
#pragma once

namespace devmem::shim {

enum class Mode {
    automatic, // try the real device, serve the image when it is locked down or absent
    always,    // serve the image without touching the real device
    off,       // pure pass-through
    audit,     // pass-through, every access to a device logged
};

struct Settings {
    Mode mode;
    const char* dump;     // DEVMEM_SHIM_DUMP: a dmidecode --dump-bin file
    const char* firmware; // DEVMEM_SHIM_FIRMWARE: a directory laid out like /sys/firmware
    const char* log;      // DEVMEM_SHIM_LOG: JSON Lines file, or nullptr for silence

    bool fixture() const { return dump || firmware; }
};

// Setuid and other AT_SECURE processes honour DEVMEM_SHIM_MODE=off and nothing else: a user
// must not choose the firmware tables or a log file for a privileged program.
Settings current_settings();

// The same decision from the environment, for a process that is (secure) or is not AT_SECURE.
Settings settings_for(bool secure);

} // namespace devmem::shim
