#include "launcher.hpp"

#include <devmem/image.h>
#include <devmem/version.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sstream>
#include <unistd.h>

namespace devmem::launcher {

namespace fs = std::filesystem;

namespace {

bool takes_value(const std::string& arg) {
    return arg == "--dump" || arg == "--firmware" || arg == "--mode" || arg == "--log" ||
           arg == "--export-image";
}

std::optional<std::string>* value_slot(Options& options, const std::string& arg) {
    if (arg == "--dump")
        return &options.dump;
    if (arg == "--firmware")
        return &options.firmware;
    if (arg == "--mode")
        return &options.mode;
    if (arg == "--log")
        return &options.log;
    return &options.export_image;
}

bool set_flag(Options& options, const std::string& arg) {
    bool* flag = arg == "--check"     ? &options.check
                 : arg == "--version" ? &options.version
                 : arg == "--help"    ? &options.help
                                      : nullptr;
    if (flag)
        *flag = true;
    return flag != nullptr;
}

std::string validate(const Options& options) {
    if (options.dump && options.firmware)
        return "--dump and --firmware are mutually exclusive";
    if (options.mode && *options.mode != "auto" && *options.mode != "always" &&
        *options.mode != "off" && *options.mode != "audit")
        return "--mode must be auto, always, off or audit";
    bool acts = options.check || options.version || options.help || options.export_image;
    if (!acts && options.command.empty())
        return "no command given (put it after --)";
    return {};
}

// A source that owns what it loaded, whatever the outcome.
struct LoadedSource {
    devmem_source source{};
    devmem_layout layout{};
    devmem_status status = DEVMEM_OK;
    ~LoadedSource() { devmem_source_release(&source); }
};

void load(const Options& options, LoadedSource& loaded) {
    if (options.dump)
        loaded.status = devmem_source_load_dump(options.dump->c_str(), &loaded.source);
    else
        loaded.status = devmem_source_load_firmware_dir(
            options.firmware ? options.firmware->c_str() : "/sys/firmware", &loaded.source);
    if (loaded.status == DEVMEM_OK)
        loaded.status = devmem_plan_layout(&loaded.source, &loaded.layout);
}

std::string source_name(const Options& options) {
    if (options.dump)
        return "dump " + *options.dump;
    return "firmware directory " + options.firmware.value_or("/sys/firmware");
}

std::string hex(unsigned long long value) {
    std::ostringstream text;
    text << "0x" << std::hex << value;
    return text.str();
}

void print_check(const Options& options, const LoadedSource& loaded, std::ostream& out) {
    const devmem_entry_point& ep = loaded.source.entry_point;
    const devmem_table_walk& walk = loaded.source.walk;
    const devmem_layout& layout = loaded.layout;
    out << "source: " << source_name(options) << "\n"
        << "entry point: " << devmem_entry_point_kind_name(ep.kind) << ", version " << int(ep.major)
        << "." << int(ep.minor) << ", " << int(ep.size) << " bytes\n"
        << "table: " << loaded.source.table_size << " bytes (entry point says " << ep.table_length
        << "), " << walk.structures << " structures"
        << (walk.end_of_table ? ", end-of-table marker" : "")
        << (walk.broken ? ", broken after the last of them" : "") << "\n"
        << "original table address: " << hex(ep.table_address)
        << (loaded.source.table_address_known ? "" : " (dump file offset)") << "\n"
        << "entry point placed at:";
    for (unsigned i = 0; i < layout.entry_point_count; ++i)
        out << " " << hex(layout.entry_point_addresses[i]);
    out << "\ntable placed at: " << hex(layout.table_address)
        << (layout.table_relocated ? " (relocated)" : "") << "\n"
        << "image size: " << layout.image_size << " bytes\n";
    if (loaded.source.acpi_status != DEVMEM_OK)
        out << "acpi: not served: " << devmem_status_text(loaded.source.acpi_status) << "\n";
    if (!layout.rsdp_address)
        return;
    out << "acpi: " << loaded.source.acpi_table_count << " tables, RSDP at "
        << hex(layout.rsdp_address);
    for (unsigned i = 0; i < layout.efi_rsdp_count; ++i)
        out << " " << hex(layout.efi_rsdp_addresses[i]);
    out << ", RSDT at " << hex(layout.rsdt_address) << ", XSDT at " << hex(layout.xsdt_address)
        << "\n";
}

int export_image(const std::string& path, const LoadedSource& loaded, std::ostream& err) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    devmem_status status =
        fd < 0 ? DEVMEM_ERR_IO : devmem_write_image(fd, &loaded.source, &loaded.layout);
    if (fd >= 0)
        close(fd);
    if (status != DEVMEM_OK) {
        err << "devmem-shim: cannot write " << path << ": " << std::strerror(errno) << "\n";
        return exit_bad_source;
    }
    return exit_ok;
}

fs::path executable_dir() {
    std::error_code ec;
    return fs::read_symlink("/proc/self/exe", ec).parent_path();
}

// Installed: ../<libdir>/libdevmem-shim.so next to bin/; in the build tree: the path CMake
// baked in.
std::optional<fs::path> find_preload_library() {
    fs::path libdir = DEVMEM_SHIM_INSTALL_LIBDIR;
    fs::path installed = libdir.is_absolute()
                             ? libdir / "libdevmem-shim.so"
                             : executable_dir().parent_path() / libdir / "libdevmem-shim.so";
    for (const fs::path& candidate : {installed, fs::path(DEVMEM_SHIM_BUILD_LIBRARY)})
        if (fs::exists(candidate))
            return candidate;
    return std::nullopt;
}

void set_or_clear(const char* name, const std::optional<std::string>& value) {
    if (value)
        setenv(name, value->c_str(), 1);
    else
        unsetenv(name);
}

std::optional<std::string> absolute(const std::optional<std::string>& path) {
    if (!path)
        return std::nullopt;
    return fs::absolute(*path).string();
}

// The launcher's options are the whole configuration: inherited DEVMEM_SHIM_* do not leak in.
void configure_environment(const Options& options, const fs::path& library) {
    set_or_clear("DEVMEM_SHIM_DUMP", absolute(options.dump));
    set_or_clear("DEVMEM_SHIM_FIRMWARE", absolute(options.firmware));
    set_or_clear("DEVMEM_SHIM_MODE", options.mode);
    set_or_clear("DEVMEM_SHIM_LOG", absolute(options.log));
    const char* existing = std::getenv("LD_PRELOAD");
    std::string preload = library.string();
    if (existing && *existing)
        preload += std::string(":") + existing;
    setenv("LD_PRELOAD", preload.c_str(), 1);
}

int exec_command(const std::vector<std::string>& command, std::ostream& err) {
    std::vector<char*> argv;
    argv.reserve(command.size() + 1);
    for (const std::string& arg : command)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    int error = errno;
    err << "devmem-shim: " << command[0] << ": " << std::strerror(error) << "\n";
    return error == ENOENT ? exit_not_found : exit_not_executable;
}

} // namespace

ParseResult parse_arguments(const std::vector<std::string>& args) {
    ParseResult result;
    Options& options = result.options;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--") {
            options.command.assign(args.begin() + long(i) + 1, args.end());
            break;
        }
        if (takes_value(arg)) {
            if (i + 1 == args.size()) {
                result.error = arg + " needs a value";
                return result;
            }
            *value_slot(options, arg) = args[++i];
        } else if (!set_flag(options, arg)) {
            result.error = "unknown option " + arg;
            return result;
        }
    }
    result.error = validate(options);
    return result;
}

void print_usage(std::ostream& out) {
    out << "usage: devmem-shim [--dump FILE | --firmware DIR] [--mode auto|always|off|audit]\n"
           "                   [--log FILE] [--export-image FILE] [--check] -- COMMAND [ARGS...]\n"
           "       devmem-shim --version | --help\n";
}

int run(const Options& options, std::ostream& out, std::ostream& err) {
    if (options.help || options.version) {
        if (options.help)
            print_usage(out);
        else
            out << "devmem-shim " << DEVMEM_VERSION << "\n";
        return exit_ok;
    }
    bool fixture = options.dump || options.firmware;
    if (fixture || options.check || options.export_image) {
        LoadedSource loaded;
        load(options, loaded);
        if (loaded.status != DEVMEM_OK) {
            err << "devmem-shim: " << source_name(options) << ": "
                << devmem_status_text(loaded.status) << "\n";
            return exit_bad_source;
        }
        if (options.check)
            print_check(options, loaded, out);
        if (options.export_image) {
            int status = export_image(*options.export_image, loaded, err);
            if (status != exit_ok)
                return status;
        }
    }
    if (options.command.empty())
        return exit_ok;
    std::optional<fs::path> library = find_preload_library();
    if (!library) {
        err << "devmem-shim: libdevmem-shim.so is neither installed beside "
            << executable_dir().string() << " nor at " << DEVMEM_SHIM_BUILD_LIBRARY << "\n";
        return exit_no_preload;
    }
    out.flush();
    configure_environment(options, *library);
    return exec_command(options.command, err);
}

} // namespace devmem::launcher
