#include "unit_parser.hpp"

#include "large_stack.hpp"
#include "libclang_support.hpp"
#include "program.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

namespace devmem::scan::detail {

namespace fs = std::filesystem;

namespace {

constexpr unsigned parse_options =
    CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing;
// Every stand-in round is one more parse of the unit; each round can only reveal what the last
// one's stand-ins made reachable (an `#ifndef HAVE_X` branch, a statement that now parses).
constexpr int max_stand_in_rounds = 4;
constexpr std::size_t max_stand_in_names = 512;
// Enough errors to see every missing name of a unit in one round, few enough that a hostile
// file cannot fill memory with stored diagnostics.
constexpr const char* error_limit = "-ferror-limit=1000";
// The stand-in include directory lies this deep below its temporary directory, so that
// `#include "../config.h"` from a subdirectory still lands inside it.
constexpr int stand_in_depth = 4;

std::string first_error(CXTranslationUnit unit) {
    const unsigned count = clang_getNumDiagnostics(unit);
    for (unsigned i = 0; i < count; ++i) {
        CXDiagnostic diagnostic = clang_getDiagnostic(unit, i);
        const auto severity = clang_getDiagnosticSeverity(diagnostic);
        std::string text;
        if (severity >= CXDiagnostic_Error) {
            text = take_string(clang_formatDiagnostic(
                diagnostic, CXDiagnostic_DisplaySourceLocation | CXDiagnostic_DisplayColumn));
        }
        clang_disposeDiagnostic(diagnostic);
        if (!text.empty()) {
            return text;
        }
    }
    return {};
}

// The name quoted at the start of `message` after `prefix` ("unknown type name 'u8'"), when the
// message is exactly that, optionally followed by clang's "; did you mean ...?".
std::optional<std::string> quoted_name(std::string_view message, std::string_view prefix,
                                       std::string_view suffix = {}) {
    if (!message.starts_with(prefix) || message.size() <= prefix.size() ||
        message[prefix.size()] != '\'') {
        return std::nullopt;
    }
    const auto start = prefix.size() + 1;
    const auto end = message.find('\'', start);
    if (end == std::string_view::npos || end == start) {
        return std::nullopt;
    }
    const auto rest = message.substr(end + 1);
    if (!suffix.empty() ? rest != suffix : !(rest.empty() || rest.starts_with(";"))) {
        return std::nullopt;
    }
    return std::string(message.substr(start, end - start));
}

bool is_identifier(std::string_view name) {
    const auto word_char = [](char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9');
    };
    return !name.empty() && !(name.front() >= '0' && name.front() <= '9') &&
           std::ranges::all_of(name, word_char);
}

enum class Use { value, call, type };

// How the undeclared identifier `name` at the diagnostic's place is used, from the text after it:
// `name(` is a call, `name *p =` (or `;`, `,`, `[`, `)`) declares a pointer, so `name` is a type
// as are POSIX-style `_t` names; anything else is a value.
Use use_of(CXTranslationUnit unit, CXDiagnostic diagnostic, std::string_view name) {
    if (name.ends_with("_t")) {
        return Use::type;
    }
    CXFile file = nullptr;
    unsigned offset = 0;
    clang_getSpellingLocation(clang_getDiagnosticLocation(diagnostic), &file, nullptr, nullptr,
                              &offset);
    std::size_t size = 0;
    const char* contents = file != nullptr ? clang_getFileContents(unit, file, &size) : nullptr;
    if (contents == nullptr || offset + name.size() > size ||
        std::string_view(contents + offset, name.size()) != name) {
        return Use::value;
    }
    const std::string_view rest(contents + offset + name.size(), size - offset - name.size());
    std::size_t at = 0;
    const auto skip_blanks = [&] {
        while (at < rest.size() && (rest[at] == ' ' || rest[at] == '\t')) {
            ++at;
        }
    };
    skip_blanks();
    if (at < rest.size() && rest[at] == '(') {
        return Use::call;
    }
    if (at >= rest.size() || rest[at] != '*') {
        return Use::value;
    }
    ++at;
    skip_blanks();
    const auto word_start = at;
    while (at < rest.size() && is_identifier(rest.substr(word_start, at - word_start + 1))) {
        ++at;
    }
    skip_blanks();
    const bool declares_pointer =
        at > word_start && at < rest.size() &&
        std::string_view("=;,[)").find(rest[at]) != std::string_view::npos;
    return declares_pointer ? Use::type : Use::value;
}

void add_unique(std::vector<std::string>& names, std::string name) {
    if (std::ranges::find(names, name) == names.end()) {
        names.push_back(std::move(name));
    }
}

// Where each location of an error diagnostic and of its notes is spelt.
template <typename Visit> void for_each_error_location(CXTranslationUnit unit, Visit visit) {
    const auto visit_diagnostic = [&](CXDiagnostic diagnostic) {
        CXFile file = nullptr;
        unsigned line = 0;
        clang_getSpellingLocation(clang_getDiagnosticLocation(diagnostic), &file, &line, nullptr,
                                  nullptr);
        if (file != nullptr) {
            visit(take_string(clang_getFileName(file)), line);
        }
    };
    const unsigned count = clang_getNumDiagnostics(unit);
    for (unsigned i = 0; i < count; ++i) {
        CXDiagnostic diagnostic = clang_getDiagnostic(unit, i);
        if (clang_getDiagnosticSeverity(diagnostic) >= CXDiagnostic_Error) {
            visit_diagnostic(diagnostic);
            CXDiagnosticSet notes = clang_getChildDiagnostics(diagnostic);
            const unsigned note_count = clang_getNumDiagnosticsInSet(notes);
            for (unsigned j = 0; j < note_count; ++j) {
                CXDiagnostic note = clang_getDiagnosticInSet(notes, j);
                visit_diagnostic(note);
                clang_disposeDiagnostic(note);
            }
        }
        clang_disposeDiagnostic(diagnostic);
    }
}

enum class Kind { type, function, identifier };

struct Declaration {
    std::string name;
    Kind kind;
};

std::string declaration_text(const Declaration& declaration) {
    switch (declaration.kind) {
    case Kind::type:
        return fmt::format("typedef int {};", declaration.name);
    case Kind::function:
        return fmt::format("#ifdef __cplusplus\nint {0}(...);\n#else\nint {0}();\n#endif",
                           declaration.name);
    case Kind::identifier:
        break;
    }
    return fmt::format("extern int {};", declaration.name);
}

std::vector<Declaration> declarations_of(const StandInNames& names) {
    std::vector<Declaration> declarations;
    declarations.reserve(names.size());
    for (const auto& [list, kind] :
         {std::pair{&names.types, Kind::type}, std::pair{&names.functions, Kind::function},
          std::pair{&names.identifiers, Kind::identifier}}) {
        for (const auto& name : *list) {
            declarations.push_back({name, kind});
        }
    }
    return declarations;
}

bool is_in(const std::string& file, const fs::path& path) {
    return fs::path(file).lexically_normal() == path.lexically_normal();
}

// A private temporary directory: empty stand-ins for missing headers under `include/`, searched
// after every directory of the build, a prelude declaring the names they would have provided, and
// a second one declaring the seed: what earlier units learned, less the unit's own names.
class StandIns {
public:
    explicit StandIns(const StandInNames& seed) : seed_(declarations_of(seed)) {}
    StandIns(const StandIns&) = delete;
    StandIns& operator=(const StandIns&) = delete;
    ~StandIns() {
        if (!root_.empty()) {
            std::error_code ignored;
            fs::remove_all(root_, ignored);
        }
    }

    // Takes what the last parse lacked, every kind at once; false when nothing new can be stood
    // in for. Some undeclared identifiers are only the locals of a declaration whose type was
    // missing: their `extern int` stand-ins are shadowed once the type is declared, or withdrawn
    // when they clash with the unit's own declaration, which costs less than a round of its own.
    bool add(const MissingNames& missing) {
        if (!ensure_root()) {
            return false;
        }
        bool added = add_headers(missing.headers);
        for (auto& declaration : declarations_of(missing.declarations)) {
            added = add_declaration(std::move(declaration)) || added;
        }
        if (added) {
            write_preludes();
        }
        return added;
    }

    // Whether an error or its notes points into the seed's declarations: one of them clashes with
    // the unit's own code (`typedef int X;` against its `struct x *X;`).
    bool seed_clashed(CXTranslationUnit unit) const {
        bool clashed = false;
        if (!seed_.empty()) {
            for_each_error_location(unit, [&](const std::string& file, unsigned) {
                clashed = clashed || is_in(file, seed_prelude_path());
            });
        }
        return clashed;
    }

    // Declares the seed no more: the unit is parsed on as if it had had none.
    void drop_seed() {
        seed_.clear();
        write_preludes();
    }

    // Stand-ins for the headers the unit is known to lack before it is first parsed, with the
    // seed declared; false when there are none.
    bool predict(const std::vector<std::string>& headers) {
        if (headers.empty() || !ensure_root()) {
            return false;
        }
        const bool added = add_headers(headers);
        write_preludes();
        return added;
    }

    bool seeded() const { return seed_declared_ != 0; }

    // Withdraws the stand-in declarations of variables and functions an error or its notes
    // points at (`extern int x;` against the unit's own `static char *x`): the unit declares
    // those names itself, and the clash would make its own declaration invalid. A type is kept: a
    // typedef that a header declares only after the unit first used it clashes too, and is still
    // needed for that first use. False when there were none.
    bool withdraw_clashes(CXTranslationUnit unit) {
        std::set<std::string> clashing;
        for_each_error_location(unit, [&](const std::string& file, unsigned line) {
            if (line != 0 && line <= prelude_line_names_.size() && is_in(file, prelude_path())) {
                clashing.insert(prelude_line_names_[line - 1]);
            }
        });
        if (std::erase_if(declarations_, [&](const Declaration& declaration) {
                return declaration.kind != Kind::type && clashing.contains(declaration.name);
            }) == 0) {
            return false;
        }
        write_preludes();
        return true;
    }

    // The stand-in headers `unit` included, in the order it included them: some of those made
    // for headers the unit was known to lack may sit in inactive branches.
    std::vector<std::string> included_headers(CXTranslationUnit unit) const {
        struct Context {
            const std::map<std::string, std::string>* names;
            std::vector<std::string> included;
        } context{&header_names_, {}};
        clang_getInclusions(
            unit,
            [](CXFile file, CXSourceLocation*, unsigned, CXClientData data) {
                auto& [names, included] = *static_cast<Context*>(data);
                const auto name = names->find(
                    fs::path(take_string(clang_getFileName(file))).lexically_normal().string());
                if (name != names->end() &&
                    std::ranges::find(included, name->second) == included.end()) {
                    included.push_back(name->second);
                }
            },
            &context);
        return std::move(context.included);
    }
    // Both preludes' declarations: what the unit was parsed with.
    std::size_t declaration_count() const { return declarations_.size() + seed_declared_; }
    const std::string& failure() const { return failure_; }

    StandInNames learned() const {
        StandInNames names;
        for (const auto& [name, kind] : declarations_) {
            switch (kind) {
            case Kind::type:
                names.types.push_back(name);
                break;
            case Kind::function:
                names.functions.push_back(name);
                break;
            case Kind::identifier:
                names.identifiers.push_back(name);
                break;
            }
        }
        return names;
    }

    std::vector<std::string> arguments() const {
        std::vector<std::string> arguments{"-idirafter", include_directory().string()};
        if (!declarations_.empty()) {
            arguments.insert(arguments.end(), {"-include", prelude_path().string()});
        }
        if (seeded()) {
            arguments.insert(arguments.end(), {"-include", seed_prelude_path().string()});
        }
        return arguments;
    }

private:
    bool ensure_root() {
        if (!root_.empty()) {
            return true;
        }
        if (!failure_.empty()) {
            return false;
        }
        std::error_code error;
        auto pattern = (fs::temp_directory_path(error) / "devmem-scan-stand-ins-XXXXXX").string();
        if (error || mkdtemp(pattern.data()) == nullptr) {
            failure_ = fmt::format("cannot create a temporary directory for them: {}",
                                   error ? error.message() : std::strerror(errno));
            return false;
        }
        root_ = pattern;
        fs::create_directories(include_directory(), error);
        std::ofstream(prelude_path()) << "";
        return true;
    }

    fs::path include_directory() const {
        auto directory = root_ / "include";
        for (int i = 0; i < stand_in_depth; ++i) {
            directory /= "d";
        }
        return directory;
    }

    fs::path prelude_path() const { return root_ / "prelude.h"; }
    fs::path seed_prelude_path() const { return root_ / "seed.h"; }

    // Also records which name each line of the unit's own prelude declares, for
    // withdraw_clashes().
    void write_preludes() {
        std::ofstream prelude(prelude_path());
        prelude_line_names_.clear();
        for (const auto& declaration : declarations_) {
            const auto text = declaration_text(declaration);
            prelude << text << '\n';
            prelude_line_names_.insert(prelude_line_names_.end(),
                                       std::ranges::count(text, '\n') + 1, declaration.name);
        }
        seed_declared_ = 0;
        if (seed_.empty()) {
            return;
        }
        std::ofstream seed(seed_prelude_path());
        for (const auto& declaration : seed_) {
            if (!declared_.contains(declaration.name)) {
                seed << declaration_text(declaration) << '\n';
                ++seed_declared_;
            }
        }
    }

    // False when none of them was new.
    bool add_headers(const std::vector<std::string>& names) {
        bool added = false;
        for (const auto& name : names) {
            added = add_header(name) || added;
        }
        return added;
    }

    bool add_header(const std::string& name) {
        if (headers_.size() + declared_.size() >= max_stand_in_names ||
            std::ranges::find(headers_, name) != headers_.end()) {
            return false;
        }
        const fs::path relative(name);
        const auto file = (include_directory() / relative).lexically_normal();
        const auto inside = file.lexically_relative(root_ / "include");
        if (relative.is_absolute() || !relative.has_filename() || inside.empty() ||
            *inside.begin() == "..") {
            return false;
        }
        std::error_code error;
        fs::create_directories(file.parent_path(), error);
        std::ofstream out(file);
        if (error || !out) {
            return false;
        }
        headers_.push_back(name);
        header_names_.emplace(file.string(), name);
        return true;
    }

    // A name is declared at most once: one withdrawn stays withdrawn.
    bool add_declaration(Declaration declaration) {
        if (headers_.size() + declared_.size() >= max_stand_in_names ||
            !declared_.insert(declaration.name).second) {
            return false;
        }
        declarations_.push_back(std::move(declaration));
        return true;
    }

    fs::path root_;
    std::string failure_;
    std::vector<Declaration> seed_;
    std::size_t seed_declared_ = 0;
    std::vector<std::string> headers_;
    // Each stand-in header's name, by its file's normal path.
    std::map<std::string, std::string> header_names_;
    std::set<std::string> declared_;
    std::vector<Declaration> declarations_;
    std::vector<std::string> prelude_line_names_;
};

// libclang parses on a thread of its own with an 8 MiB stack unless told not to; told so before
// main() runs (no other thread can be reading the environment then), it parses on the caller's
// thread, which parse() gives a deep stack.
[[maybe_unused]] const bool libclang_on_caller_thread = setenv("LIBCLANG_NOTHREADS", "1", 0) == 0;

CXTranslationUnit parse(CXIndex index, const CompileJob& job,
                        const std::vector<std::string>& arguments, CXErrorCode& status) {
    const auto argv = c_strings(arguments);
    CXTranslationUnit unit = nullptr;
    run_with_stack(deep_stack_bytes, [&] {
        status = clang_parseTranslationUnit2(index, job.file.c_str(), argv.data(),
                                             static_cast<int>(argv.size()), nullptr, 0,
                                             parse_options, &unit);
    });
    if (status != CXError_Success) {
        unit = nullptr;
    }
    return unit;
}

std::string quoted_list(const std::vector<std::string>& names) {
    std::vector<std::string> quoted;
    quoted.reserve(names.size());
    for (const auto& name : names) {
        quoted.push_back(fmt::format("'{}'", name));
    }
    return fmt::format("{}", fmt::join(quoted, ", "));
}

// The note for a unit that was analysed with stand-ins.
std::string stand_in_message(const StandIns& stand_ins, const std::vector<std::string>& headers,
                             const std::string& error) {
    auto message =
        fmt::format("missing headers {}: analysed with empty stand-ins", quoted_list(headers));
    if (stand_ins.declaration_count() != 0) {
        message += fmt::format(" and {} stand-in declarations", stand_ins.declaration_count());
    }
    message += ", findings are low confidence";
    if (!error.empty()) {
        message +=
            fmt::format("; still has errors, device opens are also matched lexically: {}", error);
    }
    return message;
}

} // namespace

MissingNames missing_names(CXTranslationUnit unit) {
    MissingNames missing;
    std::set<std::string> types;
    const unsigned count = clang_getNumDiagnostics(unit);
    for (unsigned i = 0; i < count; ++i) {
        CXDiagnostic diagnostic = clang_getDiagnostic(unit, i);
        if (clang_getDiagnosticSeverity(diagnostic) >= CXDiagnostic_Error) {
            const auto message = take_string(clang_getDiagnosticSpelling(diagnostic));
            if (auto header = quoted_name(message, "", " file not found")) {
                add_unique(missing.headers, std::move(*header));
            } else if (auto type = quoted_name(message, "unknown type name ");
                       type && is_identifier(*type)) {
                types.insert(*type);
                add_unique(missing.declarations.types, std::move(*type));
            } else if (auto name = quoted_name(message, "use of undeclared identifier ");
                       name && is_identifier(*name)) {
                switch (use_of(unit, diagnostic, *name)) {
                case Use::type:
                    types.insert(*name);
                    add_unique(missing.declarations.types, std::move(*name));
                    break;
                case Use::call:
                    add_unique(missing.declarations.functions, std::move(*name));
                    break;
                case Use::value:
                    add_unique(missing.declarations.identifiers, std::move(*name));
                    break;
                }
            }
        }
        clang_disposeDiagnostic(diagnostic);
    }
    // `(u8 *)p` reports u8 as an undeclared identifier where `u8 x;` calls it a type.
    std::erase_if(missing.declarations.identifiers,
                  [&](const std::string& name) { return types.contains(name); });
    return missing;
}

ParsedUnit parse_unit(CXIndex index, const CompileJob& job, const AnalyzerOptions& options,
                      const StandInStart& start, const LearnedCallback& on_learned) {
    ParsedUnit parsed;
    parsed.confidence = job.inferred ? Confidence::low : Confidence::high;
    const auto skipped = [&](std::string reason) {
        parsed.incomplete = true;
        parsed.note = RunNote{{job.file.string(), 0, 0}, std::move(reason)};
        return std::move(parsed);
    };
    std::error_code error;
    if (!job.directory.empty() && !fs::is_directory(job.directory, error)) {
        return skipped(
            fmt::format("skipped: its build directory {} does not exist", job.directory.string()));
    }
    if (!fs::is_regular_file(job.file, error)) {
        return skipped(fs::exists(job.file, error) ? "skipped: not a regular file"
                                                   : "skipped: no such file");
    }
    auto arguments = parser_arguments(job, options);
    arguments.emplace_back(error_limit);
    CXErrorCode status = CXError_Success;
    const auto parse_with = [&](const std::vector<std::string>& with) {
        ++parsed.parses;
        return parse(index, job, with, status);
    };
    const auto stand_ins = std::make_shared<StandIns>(start.seed);
    const auto with_stand_ins = [&] {
        auto with = arguments;
        const auto extra = stand_ins->arguments();
        with.insert(with.end(), extra.begin(), extra.end());
        return with;
    };
    // A unit known to lack headers is first parsed with their stand-ins and the seed.
    const bool predicted = stand_ins->predict(start.headers);
    parsed.unit = parse_with(predicted ? with_stand_ins() : arguments);
    const bool stood_in =
        predicted && parsed.unit != nullptr && !stand_ins->included_headers(parsed.unit).empty();
    if (predicted && parsed.unit != nullptr && !stood_in && stand_ins->seeded()) {
        // The headers it lacks all sit in inactive branches, and the seed's declarations would
        // be the only difference from a parse without stand-ins.
        stand_ins->drop_seed();
        clang_disposeTranslationUnit(parsed.unit);
        parsed.unit = parse_with(arguments);
    }
    // Only a unit that lacks headers gets stand-ins: other errors are the code's own.
    bool changed = parsed.unit != nullptr && [&] {
        if (stand_ins->seed_clashed(parsed.unit)) {
            stand_ins->drop_seed();
            return true;
        }
        const auto missing = missing_names(parsed.unit);
        return (stood_in || !missing.headers.empty()) && stand_ins->add(missing);
    }();
    parsed.learned = stand_ins->learned();
    if (on_learned) {
        on_learned(parsed.learned);
    }
    for (int round = 1; changed; ++round) {
        clang_disposeTranslationUnit(parsed.unit);
        parsed.unit = parse_with(with_stand_ins());
        // After the last round the stand-ins stay those the unit was parsed with: its AST can
        // only be loaded while the prelude is unchanged, and the note counts its declarations.
        if (parsed.unit == nullptr || round == max_stand_in_rounds) {
            break;
        }
        // A seed declaration that clashes with the unit's own code is dropped with the rest of
        // the seed; the unit then goes on as one without a seed.
        if (stand_ins->seed_clashed(parsed.unit)) {
            stand_ins->drop_seed();
            continue;
        }
        const bool withdrew = stand_ins->withdraw_clashes(parsed.unit);
        changed = stand_ins->add(missing_names(parsed.unit)) || withdrew;
    }
    if (parsed.unit == nullptr) {
        parsed.parser_failed = true;
        const auto* why = status == CXError_Crashed
                              ? ": the parser crashed, as code nested deeper than its stack allows "
                                "makes it"
                              : "";
        return skipped(fmt::format("could not be parsed (libclang error {}{}); only device opens "
                                   "matched lexically are reported",
                                   static_cast<int>(status), why));
    }
    const auto error_text = first_error(parsed.unit);
    parsed.incomplete = !error_text.empty();
    const auto included = stand_ins->included_headers(parsed.unit);
    if (!included.empty() || stand_ins->declaration_count() != 0) {
        parsed.confidence = Confidence::low;
        parsed.stand_ins = stand_ins;
        parsed.note =
            RunNote{{job.file.string(), 0, 0}, stand_in_message(*stand_ins, included, error_text)};
    } else if (!error_text.empty()) {
        const auto reason =
            stand_ins->failure().empty()
                ? std::string()
                : fmt::format(" (no stand-ins for missing headers: {})", stand_ins->failure());
        parsed.note = RunNote{
            {job.file.string(), 0, 0},
            fmt::format("has errors{}, only what parsed is analysed and device opens are also "
                        "matched lexically: {}",
                        reason, error_text)};
    }
    return parsed;
}

} // namespace devmem::scan::detail
