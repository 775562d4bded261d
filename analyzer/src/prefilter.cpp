#include "prefilter.hpp"

#include "api_table.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <set>
#include <string_view>
#include <thread>
#include <unordered_set>

namespace devmem::scan::detail {

namespace fs = std::filesystem;

namespace {

// Text that, anywhere in a file (code, string or comment), makes the file worth parsing.
constexpr std::array text_triggers{"systab"};
// Firmware anchors and efi/systab keys count as the start of a string or character literal:
// bare, "_32_" and "_MP_" are parts of ordinary names (pixman_fixed_32_32_t).
constexpr std::array literal_triggers{"_SM_", "_SM3_", "_DMI_", "RSD PTR", "$PIR",
                                      "$PnP", "_32_",  "_MP_",  "SMBIOS",  "ACPI"};
// <paths.h> names for the devices.
constexpr std::array identifier_triggers{"_PATH_MEM", "_PATH_KMEM"};
// Four-byte anchors compared as integers, in either byte order, as hexadecimal constants.
constexpr std::array four_byte_anchors{"_SM_", "_DMI", "$PIR", "$PnP", "_32_", "_MP_", "RSD "};

// ASCII, as std::isalnum is in the C locale devmem-scan runs in, without a call per byte of every
// file scanned.
bool is_identifier_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::set<std::string> anchor_constants() {
    std::set<std::string> constants;
    for (const std::string_view anchor : four_byte_anchors) {
        std::string little = "0x";
        std::string big = "0x";
        constexpr std::string_view digits = "0123456789abcdef";
        for (std::size_t i = 0; i < anchor.size(); ++i) {
            const auto low_first = static_cast<unsigned char>(anchor[anchor.size() - 1 - i]);
            const auto high_first = static_cast<unsigned char>(anchor[i]);
            little += {digits[low_first >> 4U], digits[low_first & 0xFU]};
            big += {digits[high_first >> 4U], digits[high_first & 0xFU]};
        }
        constants.insert(little);
        constants.insert(big);
    }
    return constants;
}

bool starts_a_literal(std::string_view text, std::string_view anchor) {
    for (auto at = text.find(anchor); at != std::string_view::npos;
         at = text.find(anchor, at + 1)) {
        if (at > 0 && (text[at - 1] == '"' || text[at - 1] == '\'')) {
            return true;
        }
    }
    return false;
}

// "/dev/mem", but also "/dev/./mem" and the "/dev/" of a path pasted together ("/dev/" "mem",
// "/dev/" + name): the rest of the literal after "/dev/" is empty or names a memory or port device.
bool names_a_device(std::string_view text) {
    constexpr std::string_view directory = "/dev/";
    for (auto at = text.find(directory); at != std::string_view::npos;
         at = text.find(directory, at + 1)) {
        const auto rest = text.substr(at + directory.size());
        const auto literal = rest.substr(0, rest.find_first_of("\"\n"));
        if (literal.empty() || literal.find("mem") != std::string_view::npos ||
            literal.find("port") != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

bool is_port_instruction(std::string_view word) {
    static const auto names = [] {
        const auto list = api_names(ApiKind::port_instruction);
        return std::unordered_set<std::string_view>(list.begin(), list.end());
    }();
    return names.contains(word);
}

bool is_trigger_identifier(std::string_view word) {
    if (word.starts_with('_')) {
        return std::ranges::find(identifier_triggers, word) != identifier_triggers.end();
    }
    if (!word.starts_with("0x") && !word.starts_with("0X")) {
        return false;
    }
    static const std::set<std::string> constants = anchor_constants();
    std::string lower(word);
    std::ranges::transform(lower, lower.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    // Suffixes: 0x5f4d535fUL.
    while (!lower.empty() && (lower.back() == 'u' || lower.back() == 'l')) {
        lower.pop_back();
    }
    return constants.contains(lower);
}

// Calls `visit` with every identifier-like word (identifiers and numbers) of the text.
template <typename Visit> void for_each_word(std::string_view text, Visit&& visit) {
    std::size_t i = 0;
    while (i < text.size()) {
        if (!is_identifier_char(text[i])) {
            ++i;
            continue;
        }
        const auto start = i;
        while (i < text.size() && is_identifier_char(text[i])) {
            ++i;
        }
        if (visit(text.substr(start, i - start))) {
            return;
        }
    }
}

} // namespace

// A source file's text; empty when it cannot be read. Large files are mapped, small ones read:
// for the typical source file, mapping and unmapping cost more than the copy (a tree of 5000
// small files scanned twice as fast).
class MappedFile {
public:
    // Non-blocking, so that a FIFO named as a source cannot stall the run.
    explicit MappedFile(const std::string& path) {
        const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (descriptor < 0) {
            return;
        }
        struct stat status {};
        readable_ = ::fstat(descriptor, &status) == 0 && S_ISREG(status.st_mode);
        if (readable_ && status.st_size > 0) {
            const auto size = static_cast<std::size_t>(status.st_size);
            if (size < map_threshold) {
                read_all(descriptor, size);
            } else if (void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, descriptor, 0);
                       address != MAP_FAILED) {
                mapped_ = static_cast<const char*>(address);
                size_ = size;
            }
        }
        ::close(descriptor);
    }
    ~MappedFile() {
        if (mapped_ != nullptr) {
            ::munmap(const_cast<char*>(mapped_), size_);
        }
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::string_view text() const {
        return mapped_ != nullptr ? std::string_view{mapped_, size_} : std::string_view{copy_};
    }
    // False for a file that could not be opened or is not a regular file.
    bool readable() const { return readable_; }

private:
    static constexpr std::size_t map_threshold = std::size_t{256} * 1024;

    void read_all(int descriptor, std::size_t size) {
        copy_.resize(size);
        std::size_t done = 0;
        while (done < size) {
            const auto count = ::read(descriptor, copy_.data() + done, size - done);
            if (count <= 0) {
                break;
            }
            done += static_cast<std::size_t>(count);
        }
        copy_.resize(done);
    }

    const char* mapped_ = nullptr;
    std::size_t size_ = 0;
    std::string copy_;
    bool readable_ = false;
};

struct Prefilter::FileText {
    struct Include {
        std::string name;
        bool angled = false;
    };

    // A file that cannot be read is kept, so that the parser's note says why it was not analysed.
    explicit FileText(const std::string& path) : file(path) {
        const auto text = file.text();
        has_trigger = !file.readable() || names_a_device(text) ||
                      std::ranges::any_of(text_triggers,
                                          [&](std::string_view trigger) {
                                              return text.find(trigger) != std::string_view::npos;
                                          }) ||
                      std::ranges::any_of(literal_triggers, [&](std::string_view trigger) {
                          return starts_a_literal(text, trigger);
                      });
        for_each_word(text, [&](std::string_view word) {
            has_trigger = has_trigger || is_trigger_identifier(word);
            calls_ports = calls_ports || is_port_instruction(word);
            return has_trigger && calls_ports;
        });
        find_includes(text);
        mentions_marker = text.find("devmem-scan:") != std::string_view::npos;
    }

    bool mentions_any(const std::set<std::string>& names) const {
        bool found = false;
        for_each_word(file.text(), [&](std::string_view word) {
            found = names.contains(std::string(word));
            return found;
        });
        return found;
    }

    // A definition, told from a declaration or a call by what follows the parameter list: a body
    // or a constructor's initialiser list, after qualifiers such as `const`.
    bool defines_any(const std::set<std::string>& names) const {
        const auto text = file.text();
        bool found = false;
        std::size_t end = 0;
        for_each_word(text, [&](std::string_view word) {
            if (!names.contains(std::string(word))) {
                return false;
            }
            auto at = static_cast<std::size_t>(word.data() + word.size() - text.data());
            at = text.find_first_not_of(" \t\n", at);
            if (at == std::string_view::npos || text[at] != '(' || at < end) {
                return false;
            }
            int depth = 0;
            for (; at < text.size(); ++at) {
                depth += text[at] == '(' ? 1 : text[at] == ')' ? -1 : 0;
                if (depth == 0) {
                    break;
                }
            }
            end = at;
            while (++at < text.size() && (std::isspace(static_cast<unsigned char>(text[at])) != 0 ||
                                          is_identifier_char(text[at]))) {
            }
            found = at < text.size() &&
                    (text[at] == '{' ||
                     (text[at] == ':' && at + 1 < text.size() && text[at + 1] != ':'));
            return found;
        });
        return found;
    }

    MappedFile file;
    bool has_trigger = false;
    // Port-I/O names count in a unit's own file only: a header that defines inb() for the whole
    // project (the X server's compiler.h) would otherwise keep every unit.
    bool calls_ports = false;
    bool mentions_marker = false;
    std::vector<Include> includes;

private:
    void find_includes(std::string_view text) {
        std::size_t position = 0;
        while ((position = text.find("include", position)) != std::string_view::npos) {
            const auto line_start = text.rfind('\n', position) + 1; // npos + 1 == 0
            position += 7;
            const auto before = text.substr(line_start, position - 7 - line_start);
            const auto hash = before.find_first_not_of(" \t");
            if (hash == std::string_view::npos || before[hash] != '#' ||
                before.find_first_not_of(" \t", hash + 1) != std::string_view::npos) {
                continue;
            }
            const auto open = text.find_first_not_of(" \t", position);
            if (open == std::string_view::npos || (text[open] != '"' && text[open] != '<')) {
                continue;
            }
            const char close = text[open] == '"' ? '"' : '>';
            const auto end = text.find_first_of(std::string{close, '\n'}, open + 1);
            if (end == std::string_view::npos || text[end] != close) {
                continue;
            }
            includes.push_back({std::string(text.substr(open + 1, end - open - 1)), close == '>'});
        }
    }
};

namespace {

// `path` in the form lexically_normal() gives, which is most paths as they come (absolute, no
// "." or ".." component, no doubled separator): those are not taken apart and put together again.
std::string normal_form(const fs::path& path) {
    const std::string_view text = path.native();
    if (!text.starts_with('.') && text.find("/.") == std::string_view::npos &&
        text.find("//") == std::string_view::npos) {
        return path.native();
    }
    return path.lexically_normal().native();
}

// Below this many files per thread, starting threads costs more than it saves.
constexpr std::size_t files_per_reading_thread = 64;
constexpr unsigned max_reading_threads = 8;

} // namespace

Prefilter::Prefilter(const std::vector<CompileJob>& jobs, unsigned threads) {
    read_sources(jobs, threads);
    closures_.reserve(jobs.size());
    for (const auto& job : jobs) {
        closures_.push_back(closure_of(job));
    }
}

Prefilter::~Prefilter() = default;

std::string Prefilter::source_path(const CompileJob& job) {
    return normal_form(job.file.is_absolute() ? job.file : job.directory / job.file);
}

// Reading the jobs' own files is most of the prefilter's time on a large tree and each file is
// read on its own, so they are read on several threads; the headers they include are read after,
// on this one, as the closures find them.
void Prefilter::read_sources(const std::vector<CompileJob>& jobs, unsigned threads) {
    std::vector<std::string> paths;
    paths.reserve(jobs.size());
    for (const auto& job : jobs) {
        auto path = source_path(job);
        if (files_.try_emplace(path).second) {
            paths.push_back(std::move(path));
        }
    }
    std::vector<std::unique_ptr<FileText>> texts(paths.size());
    std::atomic<std::size_t> next{0};
    const auto read_some = [&] {
        for (auto i = next++; i < paths.size(); i = next++) {
            texts[i] = std::make_unique<FileText>(paths[i]);
        }
    };
    const auto thread_count = std::min<std::size_t>(
        {threads != 0 ? threads : std::max(1U, std::thread::hardware_concurrency()),
         max_reading_threads, paths.size() / files_per_reading_thread});
    {
        std::vector<std::jthread> readers;
        for (std::size_t i = 1; i < thread_count; ++i) {
            readers.emplace_back(read_some);
        }
        read_some();
    }
    for (std::size_t i = 0; i < paths.size(); ++i) {
        files_[paths[i]] = std::move(texts[i]);
    }
}

const std::string& Prefilter::header_at(const fs::path& directory, const std::string& name) {
    const auto [it, inserted] = headers_.try_emplace(directory.native() + '/' + name);
    if (inserted) {
        auto header = normal_form(directory / name);
        std::error_code error;
        if (fs::is_regular_file(header, error)) {
            it->second = std::move(header);
        }
    }
    return it->second;
}

const Prefilter::FileText& Prefilter::text_of(const std::string& file) {
    auto& text = files_[file];
    if (!text) {
        text = std::make_unique<FileText>(file);
    }
    return *text;
}

std::vector<const Prefilter::FileText*> Prefilter::closure_of(const CompileJob& job) {
    const auto absolute = [&](const std::string& path) -> const fs::path& {
        const auto [it, inserted] = directories_.try_emplace(job.directory.native() + '\0' + path);
        if (inserted) {
            it->second = normal_form(job.directory / path);
        }
        return it->second;
    };
    // Only the project's own directories: system headers declare inb() and _PATH_MEM for
    // everyone and would keep every unit.
    std::vector<fs::path> quoted_directories;
    std::vector<fs::path> directories;
    std::vector<std::string> forced_includes;
    for (std::size_t i = 0; i < job.arguments.size(); ++i) {
        const std::string_view argument = job.arguments[i];
        const bool has_next = i + 1 < job.arguments.size();
        for (const std::string_view option : {"-I", "-iquote", "-include"}) {
            if (!argument.starts_with(option)) {
                continue;
            }
            std::string value(argument.substr(option.size()));
            if (value.empty() && has_next) {
                value = job.arguments[++i];
            }
            if (option == "-include") {
                forced_includes.push_back(absolute(value).native());
            } else {
                (option == "-I" ? directories : quoted_directories).push_back(absolute(value));
            }
            break;
        }
    }
    std::vector<const FileText*> closure;
    std::unordered_set<std::string> seen;
    std::vector<std::string> pending = forced_includes;
    pending.push_back(source_path(job));
    while (!pending.empty()) {
        const auto file = pending.back();
        pending.pop_back();
        if (!seen.insert(file).second) {
            continue;
        }
        const auto& text = text_of(file);
        closure.push_back(&text);
        const auto file_directory = fs::path(file).parent_path();
        for (const auto& include : text.includes) {
            const auto find_in = [&](const std::vector<fs::path>& list) {
                for (const auto& directory : list) {
                    if (const auto& header = header_at(directory, include.name); !header.empty()) {
                        pending.push_back(header);
                        return true;
                    }
                }
                return false;
            };
            if (!include.angled) {
                if (const auto& header = header_at(file_directory, include.name); !header.empty()) {
                    pending.push_back(header);
                    continue;
                }
                if (find_in(quoted_directories)) {
                    continue;
                }
            }
            find_in(directories);
        }
    }
    return closure;
}

std::vector<std::string> Prefilter::files_read() const {
    std::vector<std::string> files;
    files.reserve(files_.size());
    for (const auto& entry : files_) {
        files.push_back(entry.first);
    }
    return files;
}

bool Prefilter::mentions_marker(std::size_t index) const {
    return closures_[index].front()->mentions_marker;
}

std::vector<std::size_t> Prefilter::select(const std::set<std::string>& mentioned,
                                           const std::set<std::string>& defined) const {
    std::map<const FileText*, bool> answers;
    const auto matters = [&](const FileText* text) {
        if (text->has_trigger) {
            return true;
        }
        if (mentioned.empty() && defined.empty()) {
            return false;
        }
        auto [it, inserted] = answers.try_emplace(text, false);
        if (inserted) {
            it->second = text->mentions_any(mentioned) || text->defines_any(defined);
        }
        return it->second;
    };
    std::vector<std::size_t> selected;
    for (std::size_t i = 0; i < closures_.size(); ++i) {
        if (closures_[i].front()->calls_ports || std::ranges::any_of(closures_[i], matters)) {
            selected.push_back(i);
        }
    }
    return selected;
}

} // namespace devmem::scan::detail
