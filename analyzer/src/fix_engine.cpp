#include "fix_engine.hpp"

#include "blank_text.hpp"

#include "content_hash.hpp"
#include "devmem/scan/fixes.hpp"
#include "libclang_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace devmem::scan::detail {

namespace {

struct CallInProgram {
    CXCursor call;
    std::string function; // FunctionDefinition::id, for evaluating the arguments
};

using CallKey = std::pair<SourceLocation, std::string>; // where, and the callee's name

// The calls the findings point at: one walk over the program, keeping only those locations.
std::map<CallKey, CallInProgram> calls_at_findings(const DataFlow& flow,
                                                   const std::vector<Finding>& findings) {
    std::set<SourceLocation> wanted;
    std::set<std::string> wanted_files;
    for (const auto& finding : findings) {
        wanted.insert(finding.location);
        wanted_files.insert(finding.location.file);
    }
    std::map<CallKey, CallInProgram> calls;
    for (const auto& entry : flow.program().functions()) {
        if (!wanted_files.contains(location_of(entry.second.cursor).file)) {
            continue;
        }
        const auto& id = entry.first;
        visit_descendants(entry.second.cursor, [&](CXCursor cursor) {
            if (clang_getCursorKind(cursor) != CXCursor_CallExpr) {
                return;
            }
            const auto location = location_of(cursor);
            if (!wanted.contains(location)) {
                return;
            }
            for (const auto& target : flow.targets_of(cursor, id)) {
                calls.emplace(CallKey{location, target.name}, CallInProgram{cursor, id});
            }
        });
    }
    return calls;
}

bool argument_holds(const ArgumentPredicate& predicate, const CallInProgram& call,
                    const DataFlow& flow) {
    const auto arguments = call_arguments(call.call);
    if (predicate.index >= arguments.size()) {
        return false;
    }
    if (predicate.strings.empty() && !predicate.number_range) {
        return true;
    }
    const auto values =
        flow.resolve_foreign(flow.evaluate(arguments[predicate.index], call.function), {});
    return !values.empty() && std::ranges::all_of(values.values(), [&](const Value& value) {
        if (!predicate.strings.empty() &&
            (value.kind != Value::Kind::string ||
             std::ranges::find(predicate.strings, value.text) == predicate.strings.end())) {
            return false;
        }
        const auto& range = predicate.number_range;
        return !range || (value.kind == Value::Kind::number && value.number >= range->first &&
                          value.number <= range->second);
    });
}

// The source text of a call as the lexer sees it: callee, parentheses, top-level arguments.
struct CallText {
    std::size_t begin = 0; // the callee's first byte
    std::size_t end = 0;   // past the closing parenthesis
    std::string_view callee;
    std::string_view arguments; // between the parentheses, trimmed
    std::vector<std::string_view> argument_texts;
};

bool is_identifier_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Past blanks, escaped line ends and comments.
std::size_t skip_blank(std::string_view text, std::size_t i) {
    while (i < text.size()) {
        if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r' ||
            text[i] == '\f' || text[i] == '\v') {
            ++i;
        } else if (text.substr(i, 2) == "\\\n") {
            i += 2;
        } else if (text.substr(i, 2) == "/*") {
            const auto end = text.find("*/", i + 2);
            i = end == std::string_view::npos ? text.size() : end + 2;
        } else if (text.substr(i, 2) == "//") {
            const auto end = text.find('\n', i);
            i = end == std::string_view::npos ? text.size() : end;
        } else {
            break;
        }
    }
    return i;
}

std::optional<CallText> lex_call(std::string_view text, std::size_t begin) {
    CallText call;
    call.begin = begin;
    auto i = begin;
    while (i < text.size() && (is_identifier_char(text[i]) || text.substr(i, 2) == "::")) {
        i += text[i] == ':' ? 2 : 1;
    }
    call.callee = text.substr(begin, i - begin);
    i = skip_blank(text, i);
    if (call.callee.empty() || i >= text.size() || text[i] != '(') {
        return std::nullopt;
    }
    const auto open = ++i;
    auto argument_begin = i;
    int depth = 1;
    while (i < text.size()) {
        const auto next = skip_blank(text, i);
        if (next != i) {
            i = next;
            continue;
        }
        const char c = text[i];
        if (c == '"' || c == '\'') {
            for (++i; i < text.size() && text[i] != c; ++i) {
                i += text[i] == '\\' ? 1 : 0;
            }
        } else if (c == '(' || c == '[' || c == '{') {
            ++depth;
        } else if (c == ')' || c == ']' || c == '}') {
            if (--depth == 0) {
                const auto last = trimmed(text.substr(argument_begin, i - argument_begin));
                if (!last.empty() || !call.argument_texts.empty()) {
                    call.argument_texts.push_back(last);
                }
                call.arguments = trimmed(text.substr(open, i - open));
                call.end = i + 1;
                return call;
            }
        } else if (c == ',' && depth == 1) {
            call.argument_texts.push_back(trimmed(text.substr(argument_begin, i - argument_begin)));
            argument_begin = i + 1;
        }
        ++i;
    }
    return std::nullopt;
}

// The last component of a callee as written: "::open" and "std::fopen" call open and fopen.
std::string_view callee_name(std::string_view written) {
    const auto colons = written.rfind("::");
    return colons == std::string_view::npos ? written : written.substr(colons + 2);
}

// A file as libclang parsed it.
struct ParsedFile {
    std::string name;
    std::string_view text;
};

ParsedFile parsed_file(CXTranslationUnit unit, CXFile file) {
    std::size_t size = 0;
    const char* contents = clang_getFileContents(unit, file, &size);
    return {location_of(clang_getLocationForOffset(unit, file, 0)).file,
            contents == nullptr ? std::string_view{} : std::string_view(contents, size)};
}

// Where a new #include goes: after the last #include before `offset` at the same conditional
// depth (so inside a header's include guard), else at the top of the file. Nothing when the
// file already includes the header.
std::optional<std::size_t> include_position(std::string_view text, std::size_t offset,
                                            std::string_view header) {
    int depth = 0;
    std::vector<std::pair<int, std::size_t>> includes; // depth, start of the next line
    bool already = false;
    for (std::size_t line = 0; line < text.size();) {
        const auto newline = text.find('\n', line);
        const auto next = newline == std::string_view::npos ? text.size() : newline + 1;
        auto directive = trimmed(text.substr(line, next - line));
        if (directive.starts_with('#')) {
            directive = trimmed(directive.substr(1));
            const auto word = directive.substr(0, directive.find_first_of(" \t<\""));
            if (word == "include" && directive.find(header) != std::string_view::npos) {
                already = true;
            }
            if (line < offset) {
                if (word == "if" || word == "ifdef" || word == "ifndef") {
                    ++depth;
                } else if (word == "endif") {
                    --depth;
                } else if (word == "include") {
                    includes.emplace_back(depth, next);
                }
            }
        }
        line = next;
    }
    if (already) {
        return std::nullopt;
    }
    for (auto it = includes.rbegin(); it != includes.rend(); ++it) {
        if (it->first == depth) {
            return it->second;
        }
    }
    return 0;
}

// The smallest edit that turns `old_text` at `offset` into `new_text`.
Edit minimal_edit(const ParsedFile& file, std::size_t offset, std::string_view old_text,
                  std::string_view new_text) {
    std::size_t prefix = 0;
    while (prefix < old_text.size() && prefix < new_text.size() &&
           old_text[prefix] == new_text[prefix]) {
        ++prefix;
    }
    std::size_t suffix = 0;
    while (suffix < old_text.size() - prefix && suffix < new_text.size() - prefix &&
           old_text[old_text.size() - 1 - suffix] == new_text[new_text.size() - 1 - suffix]) {
        ++suffix;
    }
    return {file.name, static_cast<unsigned>(offset + prefix),
            static_cast<unsigned>(old_text.size() - prefix - suffix),
            std::string(new_text.substr(prefix, new_text.size() - prefix - suffix)),
            content_hash(file.text)};
}

struct FixAttempt {
    std::vector<Edit> edits;
    std::string refusal; // why there is no fix, when edits is empty
};

// The edits of the fixed opens, by the open's location.
using FixedOpens = std::map<SourceLocation, std::vector<Edit>>;

constexpr std::string_view opened_here = "opened here by ";

// The fix of every open the call's descriptors come from, when each is a fixed open of /dev/mem.
FixAttempt reuse_descriptor_open(const CallInProgram& call, const DataFlow& flow,
                                 const FixedOpens& fixed_opens) {
    FixAttempt attempt;
    bool any_descriptor = false;
    for (const auto argument : call_arguments(call.call)) {
        const auto values = flow.resolve_foreign(flow.evaluate(argument, call.function), {});
        for (const auto& value : values.values()) {
            if (value.kind != Value::Kind::descriptor) {
                continue;
            }
            any_descriptor = true;
            const auto open = std::ranges::find_if(value.trace, [](const TraceNote& note) {
                return note.message.starts_with(opened_here);
            });
            const auto fixed =
                open == value.trace.end() ? fixed_opens.end() : fixed_opens.find(open->location);
            if (value.operands[0]->kind != Value::Kind::string ||
                value.operands[0]->text != "/dev/mem" || fixed == fixed_opens.end()) {
                return {{},
                        "its descriptor does not come only from opens of /dev/mem that are "
                        "fixed"};
            }
            attempt.edits.insert(attempt.edits.end(), fixed->second.begin(), fixed->second.end());
        }
    }
    if (!any_descriptor) {
        return {{}, "no descriptor is passed to the call"};
    }
    return attempt;
}

FixAttempt make_fix(const RewriteRule& rule, const Finding& finding, const CallInProgram* call,
                    const DataFlow& flow, const FixedOpens& fixed_opens) {
    const auto& fix = *rule.fix;
    if (call == nullptr) {
        return {{}, "the flagged expression is not a call"};
    }
    if (fix.reuse_descriptor_open) {
        return reuse_descriptor_open(*call, flow, fixed_opens);
    }
    const auto arguments = call_arguments(call->call);
    if (fix.argument_count && arguments.size() != *fix.argument_count) {
        return {{},
                fmt::format("the call has {} arguments, the fix needs {}", arguments.size(),
                            *fix.argument_count)};
    }
    const auto unit = clang_Cursor_getTranslationUnit(call->call);
    const auto where = clang_getCursorLocation(call->call);
    CXFile file = nullptr;
    unsigned offset = 0;
    clang_getExpansionLocation(where, &file, nullptr, nullptr, &offset);
    auto source = parsed_file(unit, file);
    auto text = lex_call(source.text, offset);
    if (!text || callee_name(text->callee) != finding.callee) {
        // Not written out at the use: the call comes from a macro's definition.
        CXFile spelled_in = nullptr;
        clang_getSpellingLocation(where, &spelled_in, nullptr, nullptr, &offset);
        source = parsed_file(unit, spelled_in);
        text = lex_call(source.text, offset);
        if (!text || callee_name(text->callee) != finding.callee) {
            return {{}, "the call is spelled partly by a macro"};
        }
        if (!fix.edit_macro_definitions) {
            return {{}, "the call is spelled inside a macro definition"};
        }
    }
    if (text->argument_texts.size() != arguments.size()) {
        return {{}, "the call's arguments are spelled partly by a macro"};
    }
    std::map<std::string, std::string, std::less<>> bindings{
        {"callee", std::string(text->callee)}, {"arguments", std::string(text->arguments)}};
    for (const auto& argument : rule.arguments) {
        if (!argument.name.empty()) {
            bindings[argument.name] = std::string(text->argument_texts[argument.index]);
        }
    }
    const auto old_text = source.text.substr(text->begin, text->end - text->begin);
    FixAttempt attempt;
    attempt.edits.push_back(minimal_edit(source, text->begin, old_text,
                                         expand_template(fix.replacement_template, bindings)));
    for (const auto& include : fix.includes) {
        if (const auto position = include_position(source.text, text->begin, include)) {
            attempt.edits.push_back({source.name, static_cast<unsigned>(*position), 0,
                                     fmt::format("#include {}\n", include),
                                     content_hash(source.text)});
        }
    }
    return attempt;
}

bool rule_holds(const RewriteRule& rule, const Finding& finding, const CallInProgram* call,
                const DataFlow& flow) {
    if (!rule.applies_to(finding.rule, finding.callee, finding.range_class)) {
        return false;
    }
    return std::ranges::all_of(rule.arguments, [&](const ArgumentPredicate& predicate) {
        return call != nullptr && argument_holds(predicate, *call, flow);
    });
}

} // namespace

void apply_rewrite_rules(std::vector<Finding>& findings, const std::vector<RewriteRule>& rules,
                         const DataFlow& flow) {
    const auto calls = calls_at_findings(flow, findings);
    struct Choice {
        const CallInProgram* call = nullptr;
        std::vector<const RewriteRule*> holding; // most specific first
        const RewriteRule* fixed_by = nullptr;
        std::string refusal;
    };
    std::vector<Choice> choices(findings.size());
    for (std::size_t i = 0; i < findings.size(); ++i) {
        const auto found = calls.find({findings[i].location, findings[i].callee});
        choices[i].call = found == calls.end() ? nullptr : &found->second;
        for (const auto& rule : rules) {
            if (rule_holds(rule, findings[i], choices[i].call, flow)) {
                choices[i].holding.push_back(&rule);
            }
        }
        std::ranges::stable_sort(choices[i].holding,
                                 [](const RewriteRule* a, const RewriteRule* b) {
                                     return a->specificity() > b->specificity();
                                 });
    }
    // Fixes that rewrite a call first, then those that reuse the fix of a descriptor's open.
    FixedOpens fixed_opens;
    for (const bool reusing : {false, true}) {
        for (std::size_t i = 0; i < findings.size(); ++i) {
            auto& choice = choices[i];
            for (const auto* rule : choice.holding) {
                if (choice.fixed_by != nullptr || !rule->fix ||
                    rule->fix->reuse_descriptor_open != reusing) {
                    continue;
                }
                auto attempt = make_fix(*rule, findings[i], choice.call, flow, fixed_opens);
                if (!attempt.edits.empty()) {
                    choice.fixed_by = rule;
                    findings[i].edits = std::move(attempt.edits);
                    if (findings[i].rule == "DM001") {
                        fixed_opens[findings[i].location] = findings[i].edits;
                    }
                } else if (choice.refusal.empty()) {
                    choice.refusal = fmt::format(" (no automatic fix: {})", attempt.refusal);
                }
            }
        }
    }
    for (std::size_t i = 0; i < findings.size(); ++i) {
        auto& finding = findings[i];
        const auto& choice = choices[i];
        const auto* chosen = choice.fixed_by != nullptr ? choice.fixed_by
                             : choice.holding.empty()   ? nullptr
                                                        : choice.holding.front();
        if (chosen == nullptr) {
            continue;
        }
        finding.replacement = chosen->advice;
        finding.rewrite_rule = chosen->id;
        finding.trace.push_back(
            {finding.location, fmt::format("{} [rewrite rule {}]{}", chosen->message, chosen->id,
                                           finding.edits.empty() ? choice.refusal : "")});
    }
}

} // namespace devmem::scan::detail
