#include "devmem/scan/fixes.hpp"

#include "content_hash.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <tuple>

namespace devmem::scan {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t context_lines = 3;

bool same_place(const Edit& a, const Edit& b) {
    return a.file == b.file && a.offset == b.offset && a.length == b.length;
}

// Insertions at one offset are merged rather than refused, and an insertion where a replaced
// range starts or ends touches nothing; an insertion inside a replaced range overlaps it.
bool overlap(const Edit& a, const Edit& b) {
    if (a.file != b.file || (a.length == 0 && b.length == 0)) {
        return false;
    }
    return a.offset < b.offset + b.length && b.offset < a.offset + a.length;
}

bool compatible(const Edit& a, const Edit& b) {
    return !overlap(a, b) || (same_place(a, b) && a.replacement == b.replacement);
}

std::string read_file(const fs::path& file) {
    auto bytes = detail::read_file_bytes(file);
    if (!bytes) {
        throw FixError(fmt::format("{}: cannot be read", file.string()));
    }
    return std::move(*bytes);
}

// Byte offsets where each line starts; a final line without a newline counts.
std::vector<std::size_t> line_starts(std::string_view text) {
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i == 0 || text[i - 1] == '\n') {
            starts.push_back(i);
        }
    }
    return starts;
}

std::size_t line_of(const std::vector<std::size_t>& starts, std::size_t offset) {
    return static_cast<std::size_t>(std::ranges::upper_bound(starts, offset) - starts.begin()) - 1;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const auto length = end == std::string_view::npos ? text.size() : end + 1;
        lines.push_back(text.substr(0, length));
        text.remove_prefix(length);
    }
    return lines;
}

// Whole lines [first, last) of the old file replaced by `lines`.
struct ChangedBlock {
    std::size_t first;
    std::size_t last;
    std::string new_text;
};

// Adds the block without the whole lines at either end that the edits left as they were (an
// edit that rewrites a line into itself).
void add_block(std::vector<ChangedBlock>& blocks, std::string_view old_text, std::size_t first,
               std::string_view new_text) {
    const auto old_lines = split_lines(old_text);
    const auto new_lines = split_lines(new_text);
    std::size_t head = 0;
    while (head < old_lines.size() && head < new_lines.size() &&
           old_lines[head] == new_lines[head]) {
        ++head;
    }
    std::size_t tail = 0;
    while (tail < old_lines.size() - head && tail < new_lines.size() - head &&
           old_lines[old_lines.size() - 1 - tail] == new_lines[new_lines.size() - 1 - tail]) {
        ++tail;
    }
    if (head + tail == old_lines.size() && head + tail == new_lines.size()) {
        return;
    }
    std::string kept;
    for (auto i = head; i < new_lines.size() - tail; ++i) {
        kept += new_lines[i];
    }
    blocks.push_back({first + head, first + old_lines.size() - tail, std::move(kept)});
}

std::vector<ChangedBlock> changed_blocks(std::string_view text, std::span<const Edit> edits) {
    const auto starts = line_starts(text);
    const auto line_count = starts.size();
    const auto start_of = [&](std::size_t line) {
        return line < line_count ? starts[line] : text.size();
    };
    std::vector<ChangedBlock> blocks;
    std::size_t i = 0;
    while (i < edits.size()) {
        const auto& edit = edits[i];
        std::size_t first = edit.offset == text.size() ? line_count : line_of(starts, edit.offset);
        // An insertion at the start of a line changes no old line.
        std::size_t last = edit.length == 0 && start_of(first) == edit.offset
                               ? first
                               : line_of(starts, edit.offset + std::max(edit.length, 1U) - 1) + 1;
        std::size_t j = i + 1;
        for (;;) {
            while (j < edits.size() && edits[j].offset < start_of(last)) {
                last = std::max<std::size_t>(
                    last, line_of(starts, edits[j].offset + std::max(edits[j].length, 1U) - 1) + 1);
                ++j;
            }
            const auto begin = start_of(first);
            std::string new_text(text.substr(begin, start_of(last) - begin));
            for (auto k = j; k-- > i;) {
                new_text.replace(edits[k].offset - begin, edits[k].length, edits[k].replacement);
            }
            // A block must end where a line ends, or the next context line would join it.
            if (last < line_count && !new_text.empty() && new_text.back() != '\n') {
                ++last;
                continue;
            }
            add_block(blocks, text.substr(begin, start_of(last) - begin), first, new_text);
            break;
        }
        i = j;
    }
    return blocks;
}

void write_line(std::string& out, char tag, std::string_view line) {
    out += tag;
    out += line;
    if (line.empty() || line.back() != '\n') {
        out += "\n\\ No newline at end of file\n";
    }
}

std::string hunk_range(std::size_t first, std::size_t count) {
    return fmt::format("{},{}", count == 0 ? first : first + 1, count);
}

std::string file_diff(const std::string& name, std::string_view text,
                      const std::vector<ChangedBlock>& blocks) {
    const auto old_lines = split_lines(text);
    std::string out = fmt::format("diff --git a/{0} b/{0}\n--- a/{0}\n+++ b/{0}\n", name);
    long delta = 0; // new line numbers minus old ones, before the current hunk
    std::size_t b = 0;
    while (b < blocks.size()) {
        auto e = b + 1;
        while (e < blocks.size() && blocks[e].first - blocks[e - 1].last <= 2 * context_lines) {
            ++e;
        }
        const auto begin = blocks[b].first > context_lines ? blocks[b].first - context_lines : 0;
        const auto end = std::min(old_lines.size(), blocks[e - 1].last + context_lines);
        std::string body;
        std::size_t old_count = 0;
        std::size_t new_count = 0;
        auto line = begin;
        for (auto k = b; k < e; ++k) {
            for (; line < blocks[k].first; ++line, ++old_count, ++new_count) {
                write_line(body, ' ', old_lines[line]);
            }
            for (; line < blocks[k].last; ++line, ++old_count) {
                write_line(body, '-', old_lines[line]);
            }
            for (const auto added : split_lines(blocks[k].new_text)) {
                write_line(body, '+', added);
                ++new_count;
            }
        }
        for (; line < end; ++line, ++old_count, ++new_count) {
            write_line(body, ' ', old_lines[line]);
        }
        const auto new_begin = static_cast<std::size_t>(static_cast<long>(begin) + delta);
        out += fmt::format("@@ -{} +{} @@\n", hunk_range(begin, old_count),
                           hunk_range(new_begin, new_count));
        out += body;
        delta += static_cast<long>(new_count) - static_cast<long>(old_count);
        b = e;
    }
    return out;
}

// The merged edits, one entry per file in path order.
std::map<std::string, std::vector<Edit>> edits_by_file(std::span<const Edit> edits) {
    std::map<std::string, std::vector<Edit>> files;
    for (auto& edit : merge_edits(edits)) {
        files[edit.file].push_back(std::move(edit));
    }
    return files;
}

void check_fits(const std::string& file, std::string_view text, std::span<const Edit> edits) {
    for (const auto& edit : edits) {
        if (std::size_t{edit.offset} + edit.length > text.size()) {
            throw FixError(fmt::format("{}: an edit at byte {} goes past the end of the file", file,
                                       edit.offset));
        }
    }
}

} // namespace

std::vector<Edit> merge_edits(std::span<const Edit> edits) {
    std::vector<Edit> sorted(edits.begin(), edits.end());
    std::ranges::sort(sorted, [](const Edit& a, const Edit& b) {
        return std::tie(a.file, a.offset, a.length, a.replacement) <
               std::tie(b.file, b.offset, b.length, b.replacement);
    });
    std::vector<Edit> merged;
    for (auto& edit : sorted) {
        if (!merged.empty() && same_place(merged.back(), edit)) {
            if (merged.back().replacement == edit.replacement) {
                continue;
            }
            if (edit.length == 0) {
                merged.back().replacement += edit.replacement;
                continue;
            }
        }
        if (!merged.empty() && overlap(merged.back(), edit)) {
            throw FixError(fmt::format("{}: overlapping edits at bytes {} and {}", edit.file,
                                       merged.back().offset, edit.offset));
        }
        merged.push_back(std::move(edit));
    }
    return merged;
}

FixSelection select_fixes(std::span<const Finding> findings) {
    FixSelection selection;
    std::vector<Edit> accepted;
    for (const auto& finding : findings) {
        const auto conflict = std::ranges::any_of(finding.edits, [&](const Edit& edit) {
            return std::ranges::any_of(accepted,
                                       [&](const Edit& other) { return !compatible(edit, other); });
        });
        if (conflict) {
            selection.refusals.push_back(fmt::format(
                "{}:{}:{}: the fix of rewrite rule {} overlaps another fix; not applied",
                finding.location.file, finding.location.line, finding.location.column,
                finding.rewrite_rule));
            continue;
        }
        accepted.insert(accepted.end(), finding.edits.begin(), finding.edits.end());
    }
    selection.edits = merge_edits(accepted);
    return selection;
}

std::string apply_edits(std::string_view text, std::span<const Edit> edits) {
    std::string result;
    std::size_t done = 0;
    for (const auto& edit : edits) {
        result.append(text.substr(done, edit.offset - done));
        result += edit.replacement;
        done = std::size_t{edit.offset} + edit.length;
    }
    result.append(text.substr(std::min(done, text.size())));
    return result;
}

std::string render_unified_diff(std::span<const Edit> edits, const fs::path& root) {
    const auto base = fs::absolute(root).lexically_normal();
    std::string diff;
    for (const auto& [file, file_edits] : edits_by_file(edits)) {
        const auto text = read_file(file);
        check_fits(file, text, file_edits);
        if (apply_edits(text, file_edits) == text) {
            continue;
        }
        const auto name = fs::absolute(file).lexically_normal().lexically_relative(base);
        diff += file_diff(name.generic_string(), text, changed_blocks(text, file_edits));
    }
    return diff;
}

std::string render_clang_replacements(std::span<const Finding> findings) {
    YAML::Emitter out;
    out << YAML::BeginDoc << YAML::BeginMap;
    const auto main_file = std::ranges::find_if(
        findings, [](const Finding& finding) { return !finding.edits.empty(); });
    out << YAML::Key << "MainSourceFile" << YAML::Value
        << (main_file == findings.end() ? std::string{}
                                        : fs::absolute(main_file->location.file).string());
    out << YAML::Key << "Diagnostics" << YAML::Value << YAML::BeginSeq;
    for (const auto& finding : findings) {
        if (finding.edits.empty()) {
            continue;
        }
        const auto& first = finding.edits.front();
        out << YAML::BeginMap;
        out << YAML::Key << "DiagnosticName" << YAML::Value
            << fmt::format("devmem-scan-{}", finding.rewrite_rule);
        out << YAML::Key << "DiagnosticMessage" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "Message" << YAML::Value << finding.message;
        out << YAML::Key << "FilePath" << YAML::Value << fs::absolute(first.file).string();
        out << YAML::Key << "FileOffset" << YAML::Value << first.offset;
        out << YAML::Key << "Replacements" << YAML::Value << YAML::BeginSeq;
        for (const auto& edit : finding.edits) {
            out << YAML::BeginMap;
            out << YAML::Key << "FilePath" << YAML::Value << fs::absolute(edit.file).string();
            out << YAML::Key << "Offset" << YAML::Value << edit.offset;
            out << YAML::Key << "Length" << YAML::Value << edit.length;
            out << YAML::Key << "ReplacementText" << YAML::Value << YAML::DoubleQuoted
                << edit.replacement;
            out << YAML::EndMap;
        }
        out << YAML::EndSeq << YAML::EndMap;
        out << YAML::Key << "Level" << YAML::Value << "Warning";
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap << YAML::EndDoc;
    return std::string(out.c_str()) + "\n";
}

std::vector<std::string> apply_fixes_in_place(std::span<const Edit> edits) {
    struct Planned {
        std::string file;
        std::string text;
    };
    std::vector<Planned> planned;
    for (const auto& [file, file_edits] : edits_by_file(edits)) {
        const auto text = read_file(file);
        const auto& recorded = file_edits.front().analyzed_hash;
        if (!recorded.empty() && detail::content_hash(text) != recorded) {
            throw FixError(fmt::format(
                "{}: changed since it was analysed; no file was fixed (run again)", file));
        }
        check_fits(file, text, file_edits);
        auto fixed = apply_edits(text, file_edits);
        if (fixed != text) {
            planned.push_back({file, std::move(fixed)});
        }
    }
    std::vector<std::string> written;
    for (const auto& [file, text] : planned) {
        // Written beside the file and renamed over it, so a failure leaves no half-written file.
        const auto temporary = fs::path(file + ".devmem-fix.tmp");
        {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            out << text;
            if (!out) {
                throw FixError(fmt::format("{}: cannot be written", file));
            }
        }
        std::error_code error;
        fs::permissions(temporary, fs::status(file).permissions(), error);
        fs::rename(temporary, file, error);
        if (error) {
            throw FixError(fmt::format("{}: cannot be replaced: {}", file, error.message()));
        }
        written.push_back(file);
    }
    return written;
}

} // namespace devmem::scan
