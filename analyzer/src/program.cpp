#include "program.hpp"

#include "include_probe.hpp"
#include "libclang_support.hpp"
#include "parsed_unit.hpp"
#include "thread_count.hpp"
#include "unit_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <iterator>
#include <limits>
#include <mutex>
#include <thread>

namespace devmem::scan::detail {

namespace {

bool is_function_definition(CXCursor cursor) {
    switch (clang_getCursorKind(cursor)) {
    case CXCursor_FunctionDecl:
    case CXCursor_CXXMethod:
    case CXCursor_Constructor:
    case CXCursor_Destructor:
    case CXCursor_FunctionTemplate:
        return clang_isCursorDefinition(cursor) != 0;
    default:
        return false;
    }
}

// What one unit adds to the program's maps, gathered on the thread that parsed it: walking a
// loaded AST deserialises it, the costliest part of taking over a worker's unit.
UnitIndex index_of(const TranslationUnit& unit, const CompileJob& job) {
    UnitIndex index;
    index.included_files = included_files(unit.unit, job);
    struct Context {
        UnitIndex* index;
        const TranslationUnit* unit;
    } context{&index, &unit};
    clang_visitChildren(
        clang_getTranslationUnitCursor(unit.unit),
        [](CXCursor cursor, CXCursor parent, CXClientData data) {
            auto& [index, unit] = *static_cast<Context*>(data);
            if (is_in_system_header(cursor)) {
                return CXChildVisit_Continue;
            }
            const auto kind = clang_getCursorKind(cursor);
            if (kind == CXCursor_MacroExpansion) {
                const auto definition = clang_getCursorReferenced(cursor);
                if (!clang_Cursor_isNull(definition)) {
                    index->macro_expansions.emplace_back(
                        location_of(cursor),
                        TraceNote{location_of(definition),
                                  fmt::format("expanded from macro '{}'", spelling(cursor))});
                }
                return CXChildVisit_Continue;
            }
            if (is_function_definition(cursor)) {
                auto function_usr = usr(cursor);
                auto id = function_usr + "#" + location_of(cursor).file;
                index->functions.push_back(FunctionDefinition{cursor, std::move(id),
                                                              std::move(function_usr),
                                                              spelling(cursor), unit->confidence});
                return CXChildVisit_Continue;
            }
            if (kind == CXCursor_VarDecl && clang_getCursorKind(parent) != CXCursor_FunctionDecl &&
                !clang_Cursor_isNull(clang_Cursor_getVarDeclInitializer(cursor))) {
                index->global_initializers.push_back(cursor);
                return CXChildVisit_Continue;
            }
            if (kind == CXCursor_FieldDecl) {
                const auto parts = children(cursor);
                if (!parts.empty() && clang_isExpression(clang_getCursorKind(parts.back()))) {
                    index->field_initializers.push_back(cursor);
                }
                return CXChildVisit_Continue;
            }
            if (kind == CXCursor_Namespace || kind == CXCursor_ClassDecl ||
                kind == CXCursor_StructDecl || kind == CXCursor_LinkageSpec ||
                kind == CXCursor_UnexposedDecl) {
                return CXChildVisit_Recurse;
            }
            return CXChildVisit_Continue;
        },
        &context);
    return index;
}

// Whether two sorted lists share an element.
bool intersect(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    auto i = a.begin();
    auto j = b.begin();
    while (i != a.end() && j != b.end()) {
        if (*i == *j) {
            return true;
        }
        *i < *j ? ++i : ++j;
    }
    return false;
}

} // namespace

std::vector<std::string> parser_arguments(const CompileJob& job, const AnalyzerOptions& options) {
    std::vector<std::string> arguments = job.arguments;
    arguments.insert(arguments.end(), options.extra_arguments.begin(),
                     options.extra_arguments.end());
    if (!options.resource_dir.empty()) {
        arguments.push_back("-resource-dir");
        arguments.push_back(options.resource_dir);
    }
    if (!job.directory.empty()) {
        arguments.push_back("-working-directory");
        arguments.push_back(job.directory.string());
    }
    // Diagnostics are not this tool's business; only hard errors are reported, as notes.
    arguments.push_back("-Wno-everything");
    return arguments;
}

Program::Program(AnalyzerOptions options, const ParsePlan& plan)
    : options_(std::move(options)), plan_(plan), progress_(options_.progress) {}

void Program::prepare_parsing() {
    const unsigned threads = thread_count(options_.jobs);
    // First, as it can throw (a cache directory that cannot be made), and nothing would then
    // dispose of indexes already created.
    source_ = std::make_unique<UnitSource>(options_, threads, plan_);
    for (unsigned i = 0; i < threads; ++i) {
        indexes_.push_back(clang_createIndex(0, 0));
    }
}

void Program::add(const std::vector<CompileJob>& jobs, std::vector<RunNote>& notes,
                  const std::vector<std::optional<std::vector<std::string>>>& includes) {
    // A tree with nothing to parse loads no libclang, starts no worker and makes no scratch
    // directory.
    if (jobs.empty()) {
        return;
    }
    if (!source_) {
        prepare_parsing();
    }
    // The units that lack headers known in advance: the first that lacks any of a set is a
    // pilot, parsed before the others lacking any of the same, which are seeded with what it
    // learned. Most of what a unit learns comes from the one header a whole tree lacks (the X
    // server's pixman.h), while the rest of the set it was known to lack varies from unit to
    // unit with headers in inactive branches. The seeds depend on job order only, not on the
    // threads. A seeded unit waits for its own pilot only.
    constexpr auto no_pilot = std::numeric_limits<std::size_t>::max();
    std::vector<StandInStart> starts(jobs.size());
    std::vector<std::vector<std::string>> header_sets(jobs.size());
    std::vector<std::size_t> pilot_of(jobs.size(), no_pilot);
    std::vector<std::size_t> order;
    std::vector<std::size_t> others;
    std::vector<std::size_t> round_pilots;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (i < includes.size() && includes[i]) {
            if (auto missing = include_probe_.missing(
                    indexes_.front(), jobs[i], parser_arguments(jobs[i], options_), *includes[i])) {
                starts[i].headers = std::move(*missing);
                header_sets[i] = starts[i].headers;
                std::ranges::sort(header_sets[i]);
            }
        }
        const auto shares_a_header = [&](const std::vector<std::string>& headers) {
            return intersect(headers, header_sets[i]);
        };
        const auto earlier = std::ranges::find_if(pilots_, shares_a_header, &Pilot::headers);
        const auto pilot = std::ranges::find_if(
            round_pilots,
            shares_a_header, [&](std::size_t p) -> const auto& { return header_sets[p]; });
        if (header_sets[i].empty()) {
            others.push_back(i);
        } else if (earlier != pilots_.end()) {
            starts[i].seed = earlier->learned;
            others.push_back(i);
        } else if (pilot != round_pilots.end()) {
            pilot_of[i] = *pilot;
            others.push_back(i);
        } else {
            round_pilots.push_back(i);
            order.push_back(i);
        }
    }
    // Every pilot is taken before any unit that waits for one.
    order.insert(order.end(), others.begin(), others.end());
    std::vector<ParsedUnit> parsed(jobs.size());
    std::vector<UnitIndex> unit_indexes(jobs.size());
    // A pilot's seed is published once its first parse shows what it lacks, or else when it is
    // done; either way it is ParsedUnit::learned, so the seeds do not depend on when.
    std::mutex seeds_mutex;
    std::condition_variable seed_published;
    std::vector<std::optional<StandInNames>> seeds(jobs.size());
    const auto publish = [&](std::size_t i, const StandInNames& learned) {
        {
            const std::scoped_lock lock(seeds_mutex);
            if (seeds[i]) {
                return;
            }
            seeds[i] = learned;
        }
        seed_published.notify_all();
    };
    std::atomic<std::size_t> next{0};
    progress_.expect(jobs.size());
    const auto parse_some = [&](std::size_t slot) {
        for (auto n = next++; n < order.size(); n = next++) {
            const auto i = order[n];
            if (pilot_of[i] != no_pilot) {
                std::unique_lock lock(seeds_mutex);
                seed_published.wait(lock, [&] { return seeds[pilot_of[i]].has_value(); });
                starts[i].seed = *seeds[pilot_of[i]];
            }
            parsed[i] = source_->obtain(slot, indexes_[slot], jobs[i], starts[i],
                                        [&](const StandInNames& learned) { publish(i, learned); });
            publish(i, parsed[i].learned);
            if (parsed[i].unit != nullptr) {
                unit_indexes[i] = index_of({parsed[i].unit, parsed[i].confidence}, jobs[i]);
            }
            progress_.advance();
        }
    };
    {
        const auto thread_count = std::min(indexes_.size(), jobs.size());
        std::vector<std::jthread> threads;
        for (std::size_t slot = 1; slot < thread_count; ++slot) {
            threads.emplace_back(parse_some, slot);
        }
        parse_some(0);
    }
    for (const auto pilot : round_pilots) {
        pilots_.push_back({std::move(header_sets[pilot]), parsed[pilot].learned});
    }
    // The maps are filled on this thread in job order, so that the first definition of a name
    // wins whatever the thread count.
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (parsed[i].note) {
            notes.push_back(std::move(*parsed[i].note));
        }
        transient_ = transient_ || parsed[i].transient;
        if (parsed[i].unit != nullptr) {
            units_.push_back({parsed[i].unit, parsed[i].confidence});
            merge(std::move(unit_indexes[i]));
        }
        if (parsed[i].incomplete) {
            incomplete_files_.push_back({jobs[i].file.string(), parsed[i].unit});
        }
    }
}

Program::~Program() {
    source_.reset();
    for (const auto& unit : units_) {
        clang_disposeTranslationUnit(unit.unit);
    }
    for (auto* index : indexes_) {
        clang_disposeIndex(index);
    }
}

const FunctionDefinition* Program::find_function(const std::string& id) const {
    const auto it = functions_.find(id);
    return it == functions_.end() ? nullptr : &it->second;
}

const FunctionDefinition* Program::definition_for_call(const std::string& usr,
                                                       const std::string& caller_file) const {
    const auto candidates = ids_by_usr_.find(usr);
    if (candidates == ids_by_usr_.end()) {
        return nullptr;
    }
    const FunctionDefinition* nearest = nullptr;
    std::size_t nearest_shared = 0;
    for (const auto& id : candidates->second) {
        const auto& definition = functions_.at(id);
        const auto& file = location_of(definition.cursor).file;
        const auto shared = static_cast<std::size_t>(
            std::mismatch(file.begin(), file.end(), caller_file.begin(), caller_file.end()).first -
            file.begin());
        if (nearest == nullptr || shared > nearest_shared) {
            nearest = &definition;
            nearest_shared = shared;
        }
    }
    return nearest;
}

const TraceNote* Program::macro_expanded_at(const SourceLocation& location) const {
    const auto it = macro_expansions_.find(location);
    return it == macro_expansions_.end() ? nullptr : &it->second;
}

void Program::merge(UnitIndex index) {
    for (auto& [location, note] : index.macro_expansions) {
        macro_expansions_.emplace(location, std::move(note));
    }
    for (auto& definition : index.functions) {
        const auto [entry, added] = functions_.try_emplace(definition.id, std::move(definition));
        if (added) {
            ids_by_usr_[entry->second.usr].push_back(entry->first);
        }
    }
    global_initializers_.insert(global_initializers_.end(), index.global_initializers.begin(),
                                index.global_initializers.end());
    field_initializers_.insert(field_initializers_.end(), index.field_initializers.begin(),
                               index.field_initializers.end());
    included_files_.insert(std::make_move_iterator(index.included_files.begin()),
                           std::make_move_iterator(index.included_files.end()));
}

} // namespace devmem::scan::detail
