#include "lexical_scan.hpp"

#include "api_table.hpp"
#include "content_hash.hpp"
#include "libclang_support.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <set>

namespace devmem::scan::detail {

namespace {

// An argument list longer than this is not a call's: the match gives up rather than walk a file.
constexpr std::size_t max_argument_tokens = 256;

constexpr std::array stream_classes{"ifstream",       "fstream",        "ofstream",
                                    "filebuf",        "basic_ifstream", "basic_fstream",
                                    "basic_ofstream", "basic_filebuf"};

bool is_identifier_start(unsigned char c) {
    return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

bool is_identifier_char(unsigned char c) {
    return is_identifier_start(c) || (c >= '0' && c <= '9');
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_string_prefix(std::string_view word) {
    static constexpr std::array prefixes{"L", "u", "U", "u8", "R", "LR", "uR", "UR", "u8R"};
    return std::ranges::find(prefixes, word) != prefixes.end();
}

class Lexer {
public:
    explicit Lexer(std::string_view text) : text_(text) {}

    std::vector<LexicalToken> run() {
        while (at_ < text_.size()) {
            step();
        }
        return std::move(tokens_);
    }

private:
    char peek(std::size_t ahead = 0) const {
        return at_ + ahead < text_.size() ? text_[at_ + ahead] : '\0';
    }

    // Moves to `to`, counting the lines passed.
    void advance_to(std::size_t to) {
        to = std::min(to, text_.size());
        for (; at_ < to; ++at_) {
            if (text_[at_] == '\n') {
                ++line_;
                line_start_ = at_ + 1;
            }
        }
    }

    void emit(LexicalToken::Kind kind, std::size_t start, unsigned line, std::size_t line_start) {
        tokens_.push_back({kind, text_.substr(start, at_ - start), line,
                           static_cast<unsigned>(start - line_start + 1),
                           static_cast<unsigned>(start)});
    }

    // A quoted literal from the quote at `at_`; unterminated ones end at the line's end.
    bool quoted(char quote) {
        std::size_t end = at_ + 1;
        while (end < text_.size() && text_[end] != quote && text_[end] != '\n') {
            end += text_[end] == '\\' ? 2 : 1;
        }
        const bool closed = end < text_.size() && text_[end] == quote;
        advance_to(closed ? end + 1 : end);
        return closed;
    }

    // R"delim(...)delim" from the quote at `at_`.
    void raw_string() {
        const auto open = text_.find('(', at_);
        const auto delimiter = open == std::string_view::npos
                                   ? std::string_view()
                                   : text_.substr(at_ + 1, open - at_ - 1);
        const auto close = open == std::string_view::npos
                               ? std::string_view::npos
                               : text_.find(")" + std::string(delimiter) + "\"", open);
        advance_to(close == std::string_view::npos ? text_.size() : close + delimiter.size() + 2);
    }

    void step() {
        const auto start = at_;
        const auto line = line_;
        const auto line_start = line_start_;
        const char c = peek();
        if (c == '/' && peek(1) == '/') {
            const auto end = text_.find('\n', at_);
            advance_to(end == std::string_view::npos ? text_.size() : end);
        } else if (c == '/' && peek(1) == '*') {
            const auto end = text_.find("*/", at_ + 2);
            advance_to(end == std::string_view::npos ? text_.size() : end + 2);
        } else if (c == '"') {
            if (quoted('"')) {
                emit(LexicalToken::Kind::string_literal, start, line, line_start);
            }
        } else if (c == '\'') {
            quoted('\'');
        } else if (is_digit(c) || (c == '.' && is_digit(peek(1)))) {
            number();
        } else if (is_identifier_start(static_cast<unsigned char>(c))) {
            auto end = at_;
            while (end < text_.size() &&
                   is_identifier_char(static_cast<unsigned char>(text_[end]))) {
                ++end;
            }
            const auto word = text_.substr(at_, end - at_);
            advance_to(end);
            if (peek() == '"' && is_string_prefix(word)) {
                if (word.back() == 'R') {
                    raw_string();
                } else {
                    quoted('"');
                }
            } else {
                emit(LexicalToken::Kind::identifier, start, line, line_start);
            }
        } else {
            advance_to(at_ + 1);
            if (is_kept_punctuation(text_.substr(start, 1))) {
                emit(LexicalToken::Kind::punctuation, start, line, line_start);
            }
        }
    }

    // A preprocessing number: 0x1F, 1e+5, 1'000.
    void number() {
        auto end = at_;
        while (end < text_.size()) {
            const char c = text_[end];
            const char next = end + 1 < text_.size() ? text_[end + 1] : '\0';
            const bool signed_exponent =
                (c == 'e' || c == 'E' || c == 'p' || c == 'P') && (next == '+' || next == '-');
            const bool digit_separator =
                c == '\'' && is_identifier_char(static_cast<unsigned char>(next));
            if (signed_exponent || digit_separator) {
                end += 2;
            } else if (is_identifier_char(static_cast<unsigned char>(c)) || c == '.') {
                ++end;
            } else {
                break;
            }
        }
        advance_to(end);
    }

    std::string_view text_;
    std::size_t at_ = 0;
    unsigned line_ = 1;
    std::size_t line_start_ = 0;
    std::vector<LexicalToken> tokens_;
};

std::optional<std::string_view> string_literal(const LexicalToken& token) {
    if (token.kind != LexicalToken::Kind::string_literal || token.text.size() < 2 ||
        token.text.front() != '"' || token.text.back() != '"') {
        return std::nullopt;
    }
    return token.text.substr(1, token.text.size() - 2);
}

bool opens_call(const LexicalToken& token) {
    return token.kind == LexicalToken::Kind::punctuation &&
           (token.text == "(" || token.text == "{");
}

// The device named inside the parentheses that start at `open`, if any.
std::optional<Device> device_argument(const std::vector<LexicalToken>& tokens, std::size_t open,
                                      const PathMacros& macros) {
    int depth = 0;
    const auto end = std::min(tokens.size(), open + max_argument_tokens);
    for (std::size_t i = open; i < end; ++i) {
        const auto& token = tokens[i];
        if (opens_call(token)) {
            ++depth;
        } else if (token.text == ";" ||
                   ((token.text == ")" || token.text == "}") && --depth == 0)) {
            return std::nullopt;
        }
        std::optional<std::string_view> path = string_literal(token);
        if (!path && token.kind == LexicalToken::Kind::identifier) {
            if (const auto macro = macros.find(token.text); macro != macros.end()) {
                path = macro->second;
            }
        }
        if (path) {
            if (const auto device = device_of_path(*path)) {
                return device;
            }
        }
    }
    return std::nullopt;
}

// Where the arguments of a call named by tokens[i] start: `open(`, `std::ifstream in(` or
// `std::ifstream{`; nothing when tokens[i] names no open-like call.
std::optional<std::size_t> open_arguments(const std::vector<LexicalToken>& tokens, std::size_t i) {
    if (tokens[i].kind != LexicalToken::Kind::identifier || i + 1 >= tokens.size()) {
        return std::nullopt;
    }
    const auto* api = find_api(tokens[i].text);
    if (api != nullptr && api->kind == ApiKind::open && tokens[i + 1].text == "(") {
        return i + 1;
    }
    if (std::ranges::find(stream_classes, tokens[i].text) == stream_classes.end()) {
        return std::nullopt;
    }
    if (opens_call(tokens[i + 1])) {
        return i + 1;
    }
    if (i + 2 < tokens.size() && tokens[i + 1].kind == LexicalToken::Kind::identifier &&
        opens_call(tokens[i + 2])) {
        return i + 2;
    }
    return std::nullopt;
}

PathMacros builtin_path_macros() {
    return {{"_PATH_MEM", "/dev/mem"}, {"_PATH_KMEM", "/dev/kmem"}};
}

// Empty for anything but a regular file: a FIFO named as a source must not block the run.
std::string read_file(const std::string& file) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(file, error)) {
        return {};
    }
    return read_file_bytes(file).value_or(std::string{});
}

// The name libclang reports for the file, so that lexical and AST locations compare equal.
std::string real_path(const std::string& file) {
    std::error_code error;
    auto path = std::filesystem::weakly_canonical(file, error);
    return error ? std::filesystem::absolute(file, error).lexically_normal().string()
                 : path.string();
}

} // namespace

bool is_kept_punctuation(std::string_view text) {
    return text == "(" || text == ")" || text == "{" || text == "}" || text == ";" || text == "#";
}

std::vector<LexicalToken> lex_source(std::string_view text) {
    return Lexer(text).run();
}

namespace {

std::optional<std::pair<std::string, std::string>> path_macro(CXTranslationUnit unit,
                                                              CXCursor definition) {
    CXToken* raw = nullptr;
    unsigned count = 0;
    clang_tokenize(unit, clang_getCursorExtent(definition), &raw, &count);
    std::optional<std::pair<std::string, std::string>> macro;
    if (count == 2 && clang_getTokenKind(raw[1]) == CXToken_Literal) {
        auto name = take_string(clang_getTokenSpelling(unit, raw[0]));
        const auto value = take_string(clang_getTokenSpelling(unit, raw[1]));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            macro.emplace(std::move(name), value.substr(1, value.size() - 2));
        }
    }
    clang_disposeTokens(unit, raw, count);
    return macro;
}

} // namespace

PathMacros ActivePathMacros::of(CXTranslationUnit unit) {
    auto macros = builtin_path_macros();
    for (const auto cursor : children(clang_getTranslationUnitCursor(unit))) {
        if (clang_getCursorKind(cursor) != CXCursor_MacroDefinition) {
            continue;
        }
        CXFile file = nullptr;
        unsigned offset = 0;
        clang_getExpansionLocation(clang_getCursorLocation(cursor), &file, nullptr, nullptr,
                                   &offset);
        CXFileUniqueID id{};
        std::optional<std::pair<std::string, std::string>> uncached;
        const auto* macro = &uncached;
        if (file != nullptr && clang_getFileUniqueID(file, &id) == 0) {
            const DefinitionKey key{id.data[0], id.data[1], id.data[2], offset};
            auto found = definitions_.find(key);
            if (found == definitions_.end()) {
                found = definitions_.emplace(key, path_macro(unit, cursor)).first;
            }
            macro = &found->second;
        } else {
            uncached = path_macro(unit, cursor);
        }
        if (*macro) {
            macros[(*macro)->first] = (*macro)->second;
        }
    }
    return macros;
}

void learn_path_macros(const std::vector<LexicalToken>& tokens, PathMacros& macros) {
    for (std::size_t i = 0; i + 3 < tokens.size(); ++i) {
        if (tokens[i].text == "#" && tokens[i + 1].text == "define" &&
            tokens[i + 2].kind == LexicalToken::Kind::identifier &&
            tokens[i + 3].line == tokens[i].line) {
            if (const auto path = string_literal(tokens[i + 3])) {
                macros[std::string(tokens[i + 2].text)] = std::string(*path);
            }
        }
    }
}

std::vector<LexicalOpen> lexical_device_opens(const std::vector<LexicalToken>& tokens,
                                              const PathMacros& macros) {
    std::vector<LexicalOpen> opens;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (const auto arguments = open_arguments(tokens, i)) {
            if (const auto device = device_argument(tokens, *arguments, macros)) {
                // `std::ifstream in(...)` is the constructor call of `in`.
                opens.push_back({*arguments - 1, tokens[i].text, *device});
            }
        }
    }
    return opens;
}

bool has_open_like_call(const std::vector<LexicalToken>& tokens) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (open_arguments(tokens, i)) {
            return true;
        }
    }
    return false;
}

std::string enclosing_function(const Program& program, const std::string& file, unsigned offset) {
    for (const auto& [id, function] : program.functions()) {
        const auto extent = clang_getCursorExtent(function.cursor);
        unsigned start = 0;
        unsigned end = 0;
        clang_getExpansionLocation(clang_getRangeStart(extent), nullptr, nullptr, nullptr, &start);
        clang_getExpansionLocation(clang_getRangeEnd(extent), nullptr, nullptr, nullptr, &end);
        if (start <= offset && offset < end && location_of(function.cursor).file == file) {
            return function.name;
        }
    }
    return {};
}

void find_unparsed_opens(const Program& program, ProgramFacts& facts,
                         ActivePathMacros& active_macros) {
    std::set<SourceLocation> known;
    for (const auto& open : facts.device_opens) {
        known.insert(open.site.location);
    }
    for (const auto& branch : facts.inactive_branches) {
        known.insert(branch.site.location);
    }
    for (const auto& incomplete : program.incomplete_files()) {
        const auto text = read_file(incomplete.file);
        const auto tokens = lex_source(text);
        if (!has_open_like_call(tokens)) {
            continue;
        }
        auto macros =
            incomplete.unit != nullptr ? active_macros.of(incomplete.unit) : builtin_path_macros();
        learn_path_macros(tokens, macros);
        const auto file = real_path(incomplete.file);
        for (const auto& open : lexical_device_opens(tokens, macros)) {
            const auto& token = tokens[open.token];
            const SourceLocation location{file, token.line, token.column};
            if (!known.insert(location).second) {
                continue;
            }
            facts.device_opens.push_back(
                {{location, enclosing_function(program, file, token.offset),
                  std::string(open.callee), Confidence::low},
                 open.device,
                 {{location, "matched lexically: the file did not parse completely"}}});
        }
    }
}

} // namespace devmem::scan::detail
