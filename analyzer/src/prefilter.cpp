#include "prefilter.hpp"

#include "api_table.hpp"
#include "firmware_strings.hpp"
#include "thread_count.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace devmem::scan::detail {

namespace fs = std::filesystem;

namespace {

// Text that, anywhere in a file (code, string or comment), makes the file worth parsing.
constexpr std::array text_triggers{"systab"};
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

// Whether a string or character literal starts with a firmware anchor, or is an efi/systab key
// as fact extraction knows one ("SMBIOS=", "ACPI20"; not "ACPI: opening device"). Bare, "_32_"
// and "_MP_" are parts of ordinary names (pixman_fixed_32_32_t). One pass per quote character:
// most files hold no trigger, so each is searched in full.
bool opens_firmware_literal(std::string_view text) {
    const auto opens_one = [](std::string_view rest) {
        return std::ranges::any_of(
                   firmware_anchors,
                   [&](std::string_view anchor) { return rest.starts_with(anchor); }) ||
               std::ranges::any_of(systab_names, [&](std::string_view name) {
                   return rest.starts_with(name) && rest.size() > name.size() &&
                          (rest[name.size()] == '"' || rest[name.size()] == '=');
               });
    };
    return std::ranges::any_of(std::string_view{"\"'"}, [&](char quote) {
        for (auto at = text.find(quote); at != std::string_view::npos;
             at = text.find(quote, at + 1)) {
            if (opens_one(text.substr(at + 1))) {
                return true;
            }
        }
        return false;
    });
}

// "/dev/mem", but also "/dev/./mem" and the "/dev/" of a path pasted together ("/dev/" "mem",
// "/dev/" + name): the rest of the path after "/dev/", up to the end of the literal or a space,
// is empty or names a memory or port device. (A comment's "/dev/agpgart.  This frees all
// associated memory" names none.)
bool names_a_device(std::string_view text) {
    constexpr std::string_view directory = "/dev/";
    for (auto at = text.find(directory); at != std::string_view::npos;
         at = text.find(directory, at + 1)) {
        const auto rest = text.substr(at + directory.size());
        const auto literal = rest.substr(0, rest.find_first_of("\"' \t\r\n"));
        if (literal.empty() || literal.find("mem") != std::string_view::npos ||
            literal.find("port") != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

bool is_port_instruction(std::string_view word) {
    struct Names {
        std::unordered_set<std::string_view> names;
        // Most words of a file are told apart by these without hashing them.
        std::array<bool, 256> first_chars{};
        std::size_t longest = 0;
    };
    static const auto port = [] {
        Names result;
        for (const auto name : api_names(ApiKind::port_instruction)) {
            result.names.insert(name);
            result.first_chars[static_cast<unsigned char>(name.front())] = true;
            result.longest = std::max(result.longest, name.size());
        }
        return result;
    }();
    return word.size() <= port.longest && port.first_chars[static_cast<unsigned char>(word[0])] &&
           port.names.contains(word);
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

// Whether `name` is one of the words for_each_word() finds in the text: found where neither
// neighbour is an identifier character. A name that is not a word itself is never one.
bool has_word(std::string_view text, std::string_view name) {
    if (name.empty() || !std::ranges::all_of(name, is_identifier_char)) {
        return false;
    }
    for (auto at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1)) {
        const auto end = at + name.size();
        if ((at == 0 || !is_identifier_char(text[at - 1])) &&
            (end == text.size() || !is_identifier_char(text[end]))) {
            return true;
        }
    }
    return false;
}

// The triggers that are not single words.
bool holds_literal_trigger(std::string_view text) {
    return names_a_device(text) ||
           std::ranges::any_of(text_triggers,
                               [&](std::string_view trigger) {
                                   return text.find(trigger) != std::string_view::npos;
                               }) ||
           opens_firmware_literal(text);
}

bool holds_trigger(std::string_view text) {
    bool found = holds_literal_trigger(text);
    for_each_word(text, [&](std::string_view word) {
        found = found || is_trigger_identifier(word);
        return found;
    });
    return found;
}

using NameSet = std::set<std::string, std::less<>>;

// The distinct words of a text, as views into it, in an open-addressing table: the thousands of
// words of a file are inserted without an allocation each.
class WordSet {
public:
    void insert(std::string_view word) {
        if ((size_ + 1) * 2 > slots_.size()) {
            grow();
        }
        auto& slot = slots_[slot_of(word)];
        if (slot.data() == nullptr) {
            slot = word;
            ++size_;
        }
    }
    bool contains(std::string_view word) const {
        return size_ != 0 && slots_[slot_of(word)].data() != nullptr;
    }

private:
    static constexpr std::size_t initial_slots = 64;

    // The slot holding `word`, or the empty one where it would go. Empty slots are null views
    // (words are never empty), and the table is at most half full, so the probe ends.
    std::size_t slot_of(std::string_view word) const {
        const auto mask = slots_.size() - 1;
        const auto hash = std::hash<std::string_view>{}(word);
        auto at = hash & mask;
        while (slots_[at].data() != nullptr && slots_[at] != word) {
            at = (at + 1) & mask;
        }
        return at;
    }
    void grow() {
        auto old = std::exchange(
            slots_, std::vector<std::string_view>(std::max(initial_slots, slots_.size() * 2)));
        for (const auto word : old) {
            if (word.data() != nullptr) {
                slots_[slot_of(word)] = word;
            }
        }
    }

    std::vector<std::string_view> slots_;
    std::size_t size_ = 0;
};

bool mentions(std::string_view text, const NameSet& names) {
    bool found = false;
    for_each_word(text, [&](std::string_view word) {
        found = names.contains(word);
        return found;
    });
    return found;
}

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// The end of the preprocessor line starting at `at`: its newline, past continuation lines and
// block comments.
std::size_t directive_end(std::string_view text, std::size_t at) {
    while (at < text.size() && text[at] != '\n') {
        if (text.substr(at, 2) == "/*") {
            const auto end = text.find("*/", at + 2);
            at = end == std::string_view::npos ? text.size() : end + 2;
        } else {
            at += text[at] == '\\' ? 2 : 1;
        }
    }
    return std::min(at, text.size());
}

// The name a `#define NAME ...` line defines; empty for any other directive.
std::string_view defined_macro(std::string_view directive) {
    constexpr std::string_view keyword = "define";
    auto at = directive.find_first_not_of(" \t", 1);
    if (at == std::string_view::npos || directive.substr(at, keyword.size()) != keyword ||
        at + keyword.size() >= directive.size() || !is_blank(directive[at + keyword.size()])) {
        return {};
    }
    at = directive.find_first_not_of(" \t", at + keyword.size());
    if (at == std::string_view::npos) {
        return {};
    }
    auto end = at;
    while (end < directive.size() && is_identifier_char(directive[end])) {
        ++end;
    }
    return directive.substr(at, end - at);
}

// The end of the comment or literal starting at `at`, or `at` when none starts there.
std::size_t skip_comment_or_literal(std::string_view text, std::size_t at) {
    if (text.substr(at, 2) == "//") {
        return std::min(text.find('\n', at), text.size());
    }
    if (text.substr(at, 2) == "/*") {
        const auto end = text.find("*/", at + 2);
        return end == std::string_view::npos ? text.size() : end + 2;
    }
    if (text[at] != '"' && text[at] != '\'') {
        return at;
    }
    auto end = at + 1;
    while (end < text.size() && text[end] != text[at] && text[end] != '\n') {
        end += text[end] == '\\' ? 2 : 1;
    }
    return std::min(end + 1, text.size());
}

std::size_t skip_blanks_back(std::string_view text, std::size_t at, std::size_t floor) {
    while (at > floor && (is_blank(text[at - 1]) || text[at - 1] == '\n')) {
        --at;
    }
    return at;
}

std::size_t skip_word_back(std::string_view text, std::size_t at, std::size_t floor) {
    while (at > floor && is_identifier_char(text[at - 1])) {
        --at;
    }
    return at;
}

// Whether the `{` at `brace` opens a scope whose contents are still at file scope:
// `extern "C" {`, `namespace name {`.
bool opens_file_scope(std::string_view text, std::size_t brace, std::size_t floor) {
    const auto end = skip_blanks_back(text, brace, floor);
    const auto head = text.substr(floor, end - floor);
    if (head.ends_with("\"C\"") || head.ends_with("\"C++\"")) {
        return true;
    }
    const auto word_start = skip_word_back(text, end, floor);
    if (text.substr(word_start, end - word_start) == "namespace") {
        return true;
    }
    const auto before = skip_blanks_back(text, word_start, floor);
    return text.substr(skip_word_back(text, before, floor),
                       before - skip_word_back(text, before, floor)) == "namespace";
}

// Where the name of the function whose body the `{` at `brace` opens starts, as in
// `static int name(int a) const {`; npos when the brace opens something else or the head is
// not understood (a constructor's initialiser list, a K&R parameter declaration).
std::size_t function_name_start(std::string_view text, std::size_t brace, std::size_t floor) {
    auto at = skip_blanks_back(text, brace, floor);
    // Qualifiers after the parameter list: const, noexcept, override.
    while (at > floor && is_identifier_char(text[at - 1])) {
        at = skip_blanks_back(text, skip_word_back(text, at, floor), floor);
    }
    if (at == floor || text[at - 1] != ')') {
        return std::string_view::npos;
    }
    int depth = 0;
    do {
        --at;
        depth += text[at] == ')' ? 1 : text[at] == '(' ? -1 : 0;
    } while (depth > 0 && at > floor);
    if (depth != 0) {
        return std::string_view::npos;
    }
    const auto name_end = skip_blanks_back(text, at, floor);
    const auto name_start = skip_word_back(text, name_end, floor);
    const auto name = text.substr(name_start, name_end - name_start);
    static const std::set<std::string_view> not_names{
        "if", "for", "while", "switch", "sizeof", "return", "__attribute__", "decltype"};
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0 ||
        not_names.contains(name)) {
        return std::string_view::npos;
    }
    const auto before = skip_blanks_back(text, name_start, floor);
    const bool in_initialiser_list = before > floor && text[before - 1] == ':' &&
                                     (before - 1 == floor || text[before - 2] != ':');
    if (in_initialiser_list ||
        (before > floor &&
         std::string_view(",=()[").find(text[before - 1]) != std::string_view::npos)) {
        return std::string_view::npos;
    }
    return name_start;
}

// A header's text cut into what a trigger can be tied to: macro definitions (`#define NAME ...`
// with its continuation lines) and function definitions at file scope (`name(...) {...}`).
// Everything else at file scope is `other` (comments included) or a directive.
struct HeaderLayout {
    struct Definition {
        std::string_view name;
        std::string_view text;
    };
    std::vector<Definition> definitions;
    std::vector<std::string_view> other;
    // Preprocessor lines that define nothing (#ifndef NAME): where a name there is spelt, its
    // value is not used.
    std::vector<std::string_view> directives;
    // Braces that do not pair up (a function head repeated under #if and #else): definitions
    // after the mismatch may be swallowed by a function, so the cut cannot be trusted.
    bool balanced = true;
};

HeaderLayout lay_out(std::string_view text) {
    HeaderLayout layout;
    // For each open brace: whether it opened a file scope (extern "C", namespace).
    std::vector<bool> braces;
    int depth = 0; // open braces that are not file scopes
    std::size_t other_start = 0;
    std::size_t function_start = std::string_view::npos;
    std::string_view function_name;
    bool at_line_start = true;
    const auto end_other = [&](std::size_t end) {
        if (end > other_start) {
            layout.other.push_back(text.substr(other_start, end - other_start));
        }
    };
    std::size_t at = 0;
    while (at < text.size()) {
        const char c = text[at];
        if (c == '\n' || is_blank(c)) {
            at_line_start = at_line_start || c == '\n';
            ++at;
            continue;
        }
        if (c == '#' && at_line_start) {
            const auto end = directive_end(text, at);
            const auto directive = text.substr(at, end - at);
            const auto name = defined_macro(directive);
            if (!name.empty()) {
                layout.definitions.push_back({name, directive});
            }
            if (depth == 0) {
                end_other(at);
                if (name.empty()) {
                    layout.directives.push_back(directive);
                }
                other_start = end;
            }
            at = end;
            continue;
        }
        at_line_start = false;
        if (const auto end = skip_comment_or_literal(text, at); end != at) {
            at = end;
            continue;
        }
        if (c == '{') {
            const bool file_scope = depth == 0 && opens_file_scope(text, at, other_start);
            if (depth == 0 && !file_scope) {
                const auto name_start = function_name_start(text, at, other_start);
                if (name_start != std::string_view::npos) {
                    end_other(name_start);
                    function_start = name_start;
                    auto name_end = name_start;
                    while (is_identifier_char(text[name_end])) {
                        ++name_end;
                    }
                    function_name = text.substr(name_start, name_end - name_start);
                }
            }
            braces.push_back(file_scope);
            depth += file_scope ? 0 : 1;
        } else if (c == '}') {
            if (braces.empty()) {
                layout.balanced = false;
            } else {
                const bool file_scope = braces.back();
                braces.pop_back();
                depth -= file_scope ? 0 : 1;
                if (!file_scope && depth == 0 && function_start != std::string_view::npos) {
                    layout.definitions.push_back(
                        {function_name, text.substr(function_start, at + 1 - function_start)});
                    function_start = std::string_view::npos;
                    other_start = at + 1;
                }
            }
        }
        ++at;
    }
    layout.balanced = layout.balanced && braces.empty();
    end_other(function_start == std::string_view::npos ? text.size() : function_start);
    if (function_start != std::string_view::npos) {
        layout.other.push_back(text.substr(function_start));
    }
    return layout;
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
    explicit FileText(const std::string& path)
        : file(path), directory(fs::path(path).parent_path()) {
        const auto text = file.text();
        has_trigger = !file.readable() || holds_literal_trigger(text);
        for_each_word(text, [&](std::string_view word) {
            has_trigger = has_trigger || is_trigger_identifier(word);
            calls_ports = calls_ports || is_port_instruction(word);
            return has_trigger && calls_ports;
        });
        find_includes(text);
        // A stand-in for a missing header would flip `__has_include`.
        unpredictable_includes =
            unpredictable_includes || text.find("__has_include") != std::string_view::npos;
        mentions_marker = text.find("devmem-scan:") != std::string_view::npos;
    }

    // A few names are looked for in the text itself: indexing every word of it costs more, and a
    // tree with hits asks most of its files about a carrier or two, once.
    template <typename Names> bool mentions_any(const Names& names) const {
        constexpr std::size_t few_names = 8;
        if (!words_ && std::size(names) <= few_names) {
            return std::ranges::any_of(
                names, [&](std::string_view name) { return has_word(file.text(), name); });
        }
        return std::ranges::any_of(names,
                                   [&](std::string_view name) { return words().contains(name); });
    }

    // A definition, told from a declaration or a call by what follows the parameter list: a body
    // or a constructor's initialiser list, after qualifiers such as `const`.
    bool defines_any(const std::set<std::string>& names) const {
        if (!mentions_any(names)) {
            return false;
        }
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
    // Where its quoted includes are looked for first.
    fs::path directory;
    bool has_trigger = false;
    // Port-I/O names count in a unit's own file only: a header that defines inb() for the whole
    // project (the X server's compiler.h) would otherwise keep every unit.
    bool calls_ports = false;
    bool mentions_marker = false;
    std::vector<Include> includes;
    // Prefilter::included_headers()'s answers for this file, by search path number.
    mutable std::vector<const Resolution*> resolutions;
    // The last closure that visited it.
    mutable std::size_t visited_by = 0;
    // Every identifier-like word of the text, once: the wrappers of each select() round are looked
    // up here instead of in the whole text again. Made on the first lookup, as a tree without
    // triggers never looks a name up; a text is asked on one thread at a time.
    const WordSet& words() const {
        if (!words_) {
            words_.emplace();
            for_each_word(file.text(), [&](std::string_view word) {
                words_->insert(word);
                return false;
            });
        }
        return *words_;
    }
    // An include that names its header through a macro or `#include_next`, or a test with
    // `__has_include`: which headers the file lacks cannot be told from its include names.
    bool unpredictable_includes = false;

private:
    mutable std::optional<WordSet> words_;

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
                unpredictable_includes = true;
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
std::string normal_form(std::string path) {
    if (!path.starts_with('.') && path.find("/.") == std::string::npos &&
        path.find("//") == std::string::npos) {
        return path;
    }
    return fs::path(path).lexically_normal().native();
}

// The names in `directory`: empty when it does not exist (or is no directory), none when it
// cannot be listed for another reason (no read permission).
std::optional<std::unordered_set<std::string>> directory_entries(const std::string& directory) {
    DIR* stream = ::opendir(directory.c_str());
    if (stream == nullptr) {
        if (errno == ENOENT || errno == ENOTDIR) {
            return std::unordered_set<std::string>{};
        }
        return std::nullopt;
    }
    std::unordered_set<std::string> names;
    while (const auto* entry = ::readdir(stream)) {
        names.emplace(entry->d_name);
    }
    ::closedir(stream);
    return names;
}

// Below this many files per thread, starting threads costs more than it saves.
constexpr std::size_t files_per_reading_thread = 64;
constexpr unsigned max_reading_threads = 8;

// Calls `work(i)` for each i below `count`, on up to `threads` threads (0: one per core).
template <typename Work> void for_each_index(std::size_t count, unsigned threads, Work&& work) {
    std::atomic<std::size_t> next{0};
    const auto some = [&] {
        for (auto i = next++; i < count; i = next++) {
            work(i);
        }
    };
    const auto thread_total = std::min<std::size_t>(
        {thread_count(threads), max_reading_threads, count / files_per_reading_thread});
    std::vector<std::jthread> helpers;
    for (std::size_t i = 1; i < thread_total; ++i) {
        helpers.emplace_back(some);
    }
    some();
}

} // namespace

Prefilter::Prefilter(const std::vector<CompileJob>& jobs, unsigned threads) : threads_(threads) {
    read_sources(jobs, threads);
    closures_.reserve(jobs.size());
    for (const auto& job : jobs) {
        closures_.push_back(closure_of(job));
    }
    find_units_kept_by_text();
}

namespace {

// The carriers, each definition's name that holds a trigger or mentions a carrier, to a fixed
// point from those in `carriers`: a worklist over the definitions that mention each word, so that
// each definition's text is read once. Returns the headers with a definition that carries.
// (A template: the header type is private to Prefilter.)
template <typename Header>
std::set<const Header*> find_carriers(const std::map<const Header*, HeaderLayout>& layouts,
                                      NameSet& carriers) {
    struct Definition {
        const Header* header;
        std::string_view name;
        std::vector<std::string_view> words;
    };
    std::vector<Definition> definitions;
    std::unordered_map<std::string_view, std::vector<std::size_t>> mentioned_by;
    // The carriers already known are followed again into the definitions given now.
    std::vector<std::string_view> worklist(carriers.begin(), carriers.end());
    const auto add_carrier = [&](std::string_view name) {
        if (carriers.emplace(name).second) {
            worklist.push_back(name);
        }
    };
    std::set<const Header*> carrying;
    for (const auto& [header, layout] : layouts) {
        for (const auto& definition : layout.definitions) {
            if (holds_trigger(definition.text)) {
                carrying.insert(header);
                add_carrier(definition.name);
                continue;
            }
            WordSet seen;
            std::vector<std::string_view> words;
            for_each_word(definition.text, [&](std::string_view word) {
                if (!seen.contains(word)) {
                    seen.insert(word);
                    words.push_back(word);
                    mentioned_by[word].push_back(definitions.size());
                }
                return false;
            });
            definitions.push_back({header, definition.name, std::move(words)});
        }
    }
    while (!worklist.empty()) {
        const auto name = worklist.back();
        worklist.pop_back();
        if (const auto users = mentioned_by.find(name); users != mentioned_by.end()) {
            for (const auto index : users->second) {
                carrying.insert(definitions[index].header);
                add_carrier(definitions[index].name);
            }
        }
    }
    return carrying;
}

} // namespace

// A header's trigger usually sits in a macro or a function that most of its includers never use
// (the X server's xf86_OSlib.h defines DEV_MEM for 45 units, 5 of which open it). Such a trigger
// is tied to the name it defines, and to the macros and functions of any header defined in terms
// of that name, to a fixed point: these are the carriers. A header keeps all its includers only
// when a trigger or a carrier lies outside such definitions; otherwise a unit is kept when its
// own file mentions a carrier, and of the other includers of a header holding a trigger or a
// carrier's definition the first is kept, so that what is found in the header itself is still
// found.
void Prefilter::find_units_kept_by_text() {
    std::set<const FileText*> headers;
    for (const auto& closure : closures_) {
        headers.insert(std::next(closure.begin()), closure.end());
    }
    NameSet carriers;
    std::set<const FileText*> carrying;
    std::set<const FileText*> keeping_includers;
    if (std::ranges::any_of(headers, &FileText::has_trigger)) {
        // A header without a trigger can carry, or keep its includers, only through a carrier
        // among its words: it is laid out once such a carrier is known.
        std::map<const FileText*, HeaderLayout> layouts;
        std::set<const FileText*> unlaid;
        for (const auto* header : headers) {
            if (header->has_trigger) {
                layouts.emplace(header, lay_out(header->file.text()));
            } else {
                unlaid.insert(header);
            }
        }
        std::set<const FileText*> carrying_definitions;
        for (bool grew = true; grew;) {
            carrying_definitions = find_carriers(layouts, carriers);
            const auto mentioned = texts_where(
                unlaid, [&](const FileText& header) { return header.mentions_any(carriers); });
            for (const auto* header : mentioned) {
                layouts.emplace(header, lay_out(header->file.text()));
                unlaid.erase(header);
            }
            grew = !mentioned.empty();
        }
        const auto carries = [&](std::string_view text) {
            return holds_trigger(text) || mentions(text, carriers);
        };
        for (const auto& [header, layout] : layouts) {
            if (header->has_trigger || carrying_definitions.contains(header)) {
                carrying.insert(header);
            }
            if (!header->file.readable() || (!layout.balanced && carries(header->file.text())) ||
                std::ranges::any_of(layout.other, carries) ||
                std::ranges::any_of(layout.directives, holds_trigger)) {
                keeping_includers.insert(header);
            }
        }
    }
    std::set<const FileText*> mentioning_carriers;
    if (!carriers.empty()) {
        std::set<const FileText*> own_files;
        for (const auto& closure : closures_) {
            own_files.insert(closure.front());
        }
        mentioning_carriers =
            texts_where(own_files, [&](const FileText& own) { return own.mentions_any(carriers); });
    }
    kept_by_text_.resize(closures_.size());
    std::set<const FileText*> covered;
    for (std::size_t i = 0; i < closures_.size(); ++i) {
        const auto& closure = closures_[i];
        const auto* own = closure.front();
        kept_by_text_[i] =
            own->has_trigger || own->calls_ports || mentioning_carriers.contains(own) ||
            std::any_of(std::next(closure.begin()), closure.end(),
                        [&](const FileText* header) { return keeping_includers.contains(header); });
        if (kept_by_text_[i]) {
            covered.insert(closure.begin(), closure.end());
        }
    }
    for (std::size_t i = 0; i < closures_.size(); ++i) {
        const auto& closure = closures_[i];
        if (!kept_by_text_[i] &&
            std::any_of(std::next(closure.begin()), closure.end(), [&](const FileText* header) {
                return carrying.contains(header) && !covered.contains(header);
            })) {
            kept_by_text_[i] = true;
            covered.insert(closure.begin(), closure.end());
        }
    }
}

Prefilter::~Prefilter() = default;

std::string Prefilter::source_path(const CompileJob& job) {
    return normal_form(job.file.is_absolute() ? job.file.native()
                                              : (job.directory / job.file).native());
}

std::set<const Prefilter::FileText*>
Prefilter::texts_where(const std::set<const FileText*>& texts,
                       const std::function<bool(const FileText&)>& holds) const {
    const std::vector<const FileText*> all(texts.begin(), texts.end());
    // Not vector<bool>: each thread writes its own elements, which bits of one word are not.
    std::vector<char> answers(all.size(), 0);
    for_each_index(all.size(), threads_,
                   [&](std::size_t i) { answers[i] = holds(*all[i]) ? 1 : 0; });
    std::set<const FileText*> found;
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (answers[i] != 0) {
            found.insert(all[i]);
        }
    }
    return found;
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
    for_each_index(paths.size(), threads,
                   [&](std::size_t i) { texts[i] = std::make_unique<FileText>(paths[i]); });
    for (std::size_t i = 0; i < paths.size(); ++i) {
        files_[paths[i]] = std::move(texts[i]);
    }
}

const std::string& Prefilter::header_at(const fs::path& directory, const std::string& name) {
    // A name is looked for in every directory and found in one, most often: where its first
    // component is not in the directory, it is turned down without building a path. Only for
    // names without "." and ".." components, whose first component cannot be normalised away.
    const bool plain_name = !name.starts_with('.') && !name.starts_with('/') &&
                            name.find("/.") == std::string::npos &&
                            name.find("//") == std::string::npos;
    if (plain_name && !directory.empty() &&
        !listed(directory.native(), name.substr(0, name.find('/')))) {
        static const std::string not_found;
        return not_found;
    }
    const auto [it, inserted] = headers_.try_emplace(directory.native() + '/' + name);
    if (inserted) {
        // As `directory / name` without taking either apart: an absolute name stands for itself.
        std::string header = name;
        if (!name.starts_with('/') && !directory.empty()) {
            header = directory.native();
            header += header.ends_with('/') ? "" : "/";
            header += name;
        }
        header = normal_form(std::move(header));
        std::error_code error;
        if (listed(header) && fs::is_regular_file(header, error)) {
            it->second = std::move(header);
        }
    }
    return it->second;
}

bool Prefilter::listed(const std::string& file) {
    const auto slash = file.rfind('/');
    return slash == std::string::npos
               ? listed(".", file)
               : listed(file.substr(0, std::max<std::size_t>(slash, 1)), file.substr(slash + 1));
}

bool Prefilter::listed(const std::string& directory, const std::string& name) {
    auto it = listings_.find(directory);
    if (it == listings_.end()) {
        it = listings_.emplace(directory, directory_entries(directory)).first;
    }
    return !it->second || it->second->contains(name);
}

const Prefilter::FileText& Prefilter::text_of(const std::string& file) {
    auto& text = files_[file];
    if (!text) {
        text = std::make_unique<FileText>(file);
    }
    return *text;
}

std::string Prefilter::find_header(const std::string& name, const fs::path* including_directory,
                                   const std::vector<fs::path>& quoted_directories,
                                   const std::vector<fs::path>& directories) {
    std::vector<const fs::path*> candidates;
    if (including_directory != nullptr) {
        candidates.push_back(including_directory);
        for (const auto& directory : quoted_directories) {
            candidates.push_back(&directory);
        }
    }
    for (const auto& directory : directories) {
        candidates.push_back(&directory);
    }
    for (const auto* directory : candidates) {
        if (const auto& header = header_at(*directory, name); !header.empty()) {
            return header;
        }
    }
    return {};
}

const Prefilter::SearchPath& Prefilter::search_path_of(const CompileJob& job) {
    auto& path = last_search_path_;
    if (closure_count_ != 0 && path.arguments == job.arguments &&
        path.job_directory == job.directory) {
        return path;
    }
    path = SearchPath{job.directory, job.arguments, {}, {}, {}, 0};
    const auto absolute = [&](const std::string& value) -> const fs::path& {
        const auto [it, inserted] = directories_.try_emplace(job.directory.native() + '\0' + value);
        if (inserted) {
            it->second = normal_form((job.directory / value).native());
        }
        return it->second;
    };
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
                path.forced_includes.push_back(absolute(value).native());
            } else {
                (option == "-I" ? path.directories : path.quoted_directories)
                    .push_back(absolute(value));
            }
            break;
        }
    }
    // Every unit of a tree includes the same headers through the same directories: an include
    // is resolved once per search path, name and, when quoted, including directory, not once per
    // unit (which on the X server probed 67 directories for every include of every unit).
    std::string directory_list;
    for (const auto* list : {&path.quoted_directories, &path.directories}) {
        for (const auto& directory : *list) {
            directory_list += directory.native();
            directory_list += '\n';
        }
        directory_list += '\n';
    }
    path.id =
        search_paths_.try_emplace(std::move(directory_list), search_paths_.size()).first->second;
    return path;
}

std::vector<const Prefilter::FileText*> Prefilter::closure_of(const CompileJob& job) {
    // Only the project's own directories: system headers declare inb() and _PATH_MEM for
    // everyone and would keep every unit.
    const auto& search_path = search_path_of(job);
    const auto mark = ++closure_count_;
    search_path_ids_.push_back(search_path.id);
    std::vector<const FileText*> closure;
    std::vector<const FileText*> pending;
    pending.reserve(search_path.forced_includes.size() + 1);
    for (const auto& file : search_path.forced_includes) {
        pending.push_back(&text_of(file));
    }
    pending.push_back(&text_of(source_path(job)));
    while (!pending.empty()) {
        const auto* text = pending.back();
        pending.pop_back();
        if (text->visited_by == mark) {
            continue;
        }
        text->visited_by = mark;
        closure.push_back(text);
        const auto& resolution = included_headers(
            *text, search_path.id, search_path.quoted_directories, search_path.directories);
        pending.insert(pending.end(), resolution.headers.begin(), resolution.headers.end());
    }
    return closure;
}

const Prefilter::Resolution&
Prefilter::included_headers(const FileText& text, std::size_t search_path_id,
                            const std::vector<fs::path>& quoted_directories,
                            const std::vector<fs::path>& directories) {
    if (search_path_id < text.resolutions.size() && text.resolutions[search_path_id] != nullptr) {
        return *text.resolutions[search_path_id];
    }
    auto& resolution = resolutions_.emplace_back();
    text.resolutions.resize(std::max(text.resolutions.size(), search_path_id + 1));
    text.resolutions[search_path_id] = &resolution;
    // A number, so that each lookup hashes a short key.
    const auto search_path = std::to_string(search_path_id) + '\n';
    for (const auto& include : text.includes) {
        auto key = search_path;
        if (!include.angled) {
            key += text.directory.native();
        }
        key += '\n';
        key += include.name;
        const auto [it, found_now] = includes_.try_emplace(std::move(key));
        if (found_now) {
            it->second = find_header(include.name, include.angled ? nullptr : &text.directory,
                                     quoted_directories, directories);
        }
        if (!it->second.empty()) {
            resolution.headers.push_back(&text_of(it->second));
        } else {
            resolution.unresolved.push_back(include.name);
        }
    }
    return resolution;
}

std::vector<std::string> Prefilter::files_read() const {
    std::vector<std::string> files;
    files.reserve(files_.size());
    for (const auto& entry : files_) {
        files.push_back(entry.first);
    }
    return files;
}

std::optional<std::vector<std::string>> Prefilter::unresolved_includes(std::size_t index) const {
    std::vector<std::string> names;
    std::unordered_set<std::string_view> seen;
    for (const auto* text : closures_[index]) {
        if (text->unpredictable_includes) {
            return std::nullopt;
        }
        for (const auto& name : text->resolutions[search_path_ids_[index]]->unresolved) {
            if (seen.insert(name).second) {
                names.push_back(name);
            }
        }
    }
    return names;
}

bool Prefilter::mentions_marker(std::size_t index) const {
    return closures_[index].front()->mentions_marker;
}

std::vector<std::size_t> Prefilter::select(const std::set<std::string>& mentioned,
                                           const std::set<std::string>& defined) const {
    std::set<const FileText*> matter;
    if (!mentioned.empty() || !defined.empty()) {
        std::set<const FileText*> asked;
        for (std::size_t i = 0; i < closures_.size(); ++i) {
            if (!kept_by_text_[i]) {
                asked.insert(closures_[i].begin(), closures_[i].end());
            }
        }
        matter = texts_where(asked, [&](const FileText& text) {
            return text.mentions_any(mentioned) || text.defines_any(defined);
        });
    }
    std::vector<std::size_t> selected;
    for (std::size_t i = 0; i < closures_.size(); ++i) {
        if (kept_by_text_[i] || std::ranges::any_of(closures_[i], [&](const FileText* text) {
                return matter.contains(text);
            })) {
            selected.push_back(i);
        }
    }
    return selected;
}

} // namespace devmem::scan::detail
