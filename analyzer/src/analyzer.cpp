#include "devmem/scan/analyzer.hpp"

#include "check.hpp"
#include "dataflow.hpp"
#include "devmem/scan/device_path.hpp"
#include "fact_extraction.hpp"
#include "fix_engine.hpp"
#include "large_stack.hpp"
#include "lexical_scan.hpp"
#include "libclang_support.hpp"
#include "prefilter.hpp"
#include "program.hpp"
#include "run_cache.hpp"
#include "unit_source.hpp"
#include "watched_analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <set>

namespace devmem::scan {

namespace {

bool same_finding(const Finding& a, const Finding& b) {
    const auto range_of = [](const Finding& f) {
        constexpr auto none = ~std::uint64_t{0};
        return f.range ? std::pair{f.range->start, f.range->end} : std::pair{none, none};
    };
    return a.rule == b.rule && a.location == b.location && range_of(a) == range_of(b);
}

// A memory device's path or descriptor, or the efi/systab file (whose reader DM006 is about).
bool carries_watched_path(const detail::ValueSet& values) {
    return std::ranges::any_of(values.values(), [](const detail::Value& value) {
        const auto* path =
            value.kind == detail::Value::Kind::descriptor ? value.operands[0].get() : &value;
        return path->kind == detail::Value::Kind::string &&
               (device_of_path(path->text) || path->text.ends_with("efi/systab"));
    });
}

// The names a unit must mention to be worth parsing, learned from the units parsed so far:
// - the functions whose callers say which device or range they touch (the path, descriptor or
//   range depends on a parameter) or are handed a device (its path or descriptor is returned);
// - their callers as far up as fact extraction follows a wrapper's range, as each may pass its
//   own parameter on;
// - the fields and external globals holding a device's path or descriptor, which other units
//   read by name.
// A function that opens or maps a fixed device by itself needs none of its callers (the X
// server's xf86InitInt10 has 20). `main` is nobody's wrapper.
std::set<std::string> names_to_follow(const detail::DataFlow& flow,
                                      const detail::ProgramFacts& facts) {
    constexpr int caller_levels = 4;
    std::set<std::string> names;
    for (const auto& open : facts.device_opens) {
        if (open.from_callers) {
            names.insert(open.site.function);
        }
    }
    for (const auto& access : facts.physical_accesses) {
        if (access.from_callers) {
            names.insert(access.site.function);
        }
    }
    for (const auto& [id, values] : flow.returns()) {
        if (carries_watched_path(flow.resolve_foreign(values, {}))) {
            names.insert(flow.program().find_function(id)->name);
        }
    }
    std::vector<std::string> frontier;
    for (const auto& [id, function] : flow.program().functions()) {
        if (names.contains(function.name)) {
            frontier.push_back(id);
        }
    }
    std::set<std::string> seen(frontier.begin(), frontier.end());
    for (int level = 0; level < caller_levels && !frontier.empty(); ++level) {
        std::vector<std::string> callers;
        for (const auto& id : frontier) {
            for (const auto& site : flow.call_sites_of(id)) {
                const auto* caller = flow.program().find_function(site.caller);
                if (caller != nullptr && seen.insert(site.caller).second) {
                    callers.push_back(site.caller);
                    names.insert(caller->name);
                }
            }
        }
        frontier = std::move(callers);
    }
    names.erase("main");
    names.merge(flow.shared_names([&](const detail::ValueSet& values) {
        return carries_watched_path(flow.resolve_foreign(values, {}));
    }));
    names.erase("");
    return names;
}

// How many of a call's arguments go to parameters of the callee's declaration: all, unless it
// is a variadic prototype. (A K&R declaration says nothing, so it counts as all.)
std::size_t named_parameters(CXCursor call) {
    const auto callee = clang_getCursorReferenced(call);
    const auto type = clang_getCursorType(callee);
    if (clang_getCursorKind(callee) != CXCursor_FunctionDecl || type.kind != CXType_FunctionProto ||
        clang_isFunctionTypeVariadic(type) == 0) {
        return std::numeric_limits<std::size_t>::max();
    }
    return static_cast<std::size_t>(std::max(clang_Cursor_getNumArguments(callee), 0));
}

// Functions the parsed units pass a device's path or descriptor (or efi/systab) to without any
// of them defining the function: the access inside is seen only once the unit defining it is
// parsed. An argument in the `...` of a prototype does not count: the engine does not follow
// values through va_arg, and logging functions get device paths that way (the X server's
// xf86Msg).
std::set<std::string> undefined_device_callees(const detail::DataFlow& flow) {
    std::set<std::string> names;
    for (const auto& entry : flow.program().functions()) {
        // Not a structured binding: clang before 16 (so clang-tidy 14) cannot capture one.
        const auto& id = entry.first;
        detail::visit_descendants(entry.second.cursor, [&](CXCursor call) {
            if (clang_getCursorKind(call) != CXCursor_CallExpr) {
                return;
            }
            const auto arguments = detail::call_arguments(call);
            const auto named = std::min(arguments.size(), named_parameters(call));
            for (const auto& target : flow.targets_of(call, id)) {
                if (target.definition != nullptr || target.api != nullptr ||
                    target.is_stream_member || names.contains(target.name)) {
                    continue;
                }
                for (std::size_t i = 0; i < named; ++i) {
                    if (carries_watched_path(
                            flow.resolve_foreign(flow.evaluate(arguments[i], id), {}))) {
                        names.insert(target.name);
                        break;
                    }
                }
            }
        });
    }
    return names;
}

} // namespace

void check_toolchain(const AnalyzerOptions& options) {
    CompileJob probe{"devmem-scan-self-test.c", {}, {"-x", "c"}, false};
    const auto arguments = detail::parser_arguments(probe, options);
    const auto argv = detail::c_strings(arguments);
    static constexpr char source[] = "#include <stddef.h>\nsize_t probe;\n";
    CXUnsavedFile file{"devmem-scan-self-test.c", source, sizeof(source) - 1};
    CXIndex index = clang_createIndex(0, 0);
    CXTranslationUnit unit = nullptr;
    const auto status =
        clang_parseTranslationUnit2(index, "devmem-scan-self-test.c", argv.data(),
                                    static_cast<int>(argv.size()), &file, 1, 0, &unit);
    bool found = status == CXError_Success && unit != nullptr;
    if (found) {
        for (unsigned i = 0; i < clang_getNumDiagnostics(unit); ++i) {
            CXDiagnostic diagnostic = clang_getDiagnostic(unit, i);
            found = found && clang_getDiagnosticSeverity(diagnostic) < CXDiagnostic_Error;
            clang_disposeDiagnostic(diagnostic);
        }
        clang_disposeTranslationUnit(unit);
    }
    clang_disposeIndex(index);
    if (!found) {
        throw ToolchainError(
            "libclang cannot find its builtin headers (stddef.h); install the Debian package "
            "'libclang-common-19-dev' or pass --resource-dir");
    }
}

namespace {

Report analyze(const std::vector<CompileJob>& jobs, const AnalyzerOptions& options,
               const std::vector<RewriteRule>& rewrite_rules, const detail::Prefilter& prefilter,
               const detail::ParsePlan& plan, detail::AnalysisInputs& inputs) {
    Report report;
    detail::Program program(options, plan);
    std::set<std::size_t> parsed;
    std::set<std::string> followed;
    std::set<std::string> device_callees;
    detail::ProgramFacts facts;
    // The last round's: rewrite rules evaluate the flagged calls' arguments with it.
    std::optional<detail::DataFlow> flow;
    bool toolchain_checked = false;
    // A unit that only calls a wrapper, or only defines one and is passed the device, shows the
    // prefilter nothing until the wrapper is known, so units are added in rounds until a round
    // learns nothing new.
    for (bool first_round = true;; first_round = false) {
        std::vector<CompileJob> round;
        std::vector<std::optional<std::vector<std::string>>> includes;
        for (const auto i : prefilter.select(followed, device_callees)) {
            if (parsed.insert(i).second) {
                round.push_back(jobs[i]);
                includes.push_back(prefilter.unresolved_includes(i));
            }
        }
        if (round.empty() && !first_round) {
            break;
        }
        // Only when something is to be parsed: a tree with nothing to find needs no parser.
        if (!round.empty() && !toolchain_checked) {
            check_toolchain(options);
            toolchain_checked = true;
        }
        program.add(round, report.notes, includes);
        flow.emplace(program);
        flow->solve();
        facts = detail::extract_facts(*flow);
        followed.merge(names_to_follow(*flow, facts));
        device_callees.merge(undefined_device_callees(*flow));
    }
    for (auto& note : flow->depth_notes()) {
        report.notes.push_back(std::move(note));
    }
    detail::ActivePathMacros active_macros;
    detail::find_inactive_branches(program, facts, active_macros);
    detail::find_unparsed_opens(program, facts, active_macros);
    for (const auto& check : detail::make_checks()) {
        check->run(facts, report.findings);
    }
    detail::apply_rewrite_rules(report.findings, rewrite_rules, *flow);
    std::ranges::stable_sort(report.findings, [](const Finding& a, const Finding& b) {
        return std::tie(a.location, a.rule) < std::tie(b.location, b.rule);
    });
    report.findings.erase(std::unique(report.findings.begin(), report.findings.end(), same_finding),
                          report.findings.end());
    report.files_with_markers.emplace();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (prefilter.mentions_marker(i)) {
            report.files_with_markers->push_back(jobs[i].file.string());
        }
    }
    const auto prefiltered = prefilter.files_read();
    inputs.files.insert(prefiltered.begin(), prefiltered.end());
    inputs.files.insert(program.included_files().begin(), program.included_files().end());
    inputs.transient = program.has_transient_outcome();
    return report;
}

} // namespace

Report analyze_program(const std::vector<CompileJob>& jobs, const AnalyzerOptions& options,
                       const std::vector<RewriteRule>& rewrite_rules) {
    std::optional<detail::RunCache> cache;
    if (!options.cache_directory.empty()) {
        cache.emplace(jobs, options, rewrite_rules);
        if (auto kept = cache->lookup()) {
            return std::move(*kept);
        }
    }
    // Read here, so that a tree with nothing to parse needs no watched process, and a watched
    // process or the run in workers after it need not read the tree again.
    const detail::Prefilter prefilter(jobs, options.jobs);
    const auto analyze_and_keep = [&](const detail::ParsePlan& plan) {
        // The AST walks recurse as deep as the parser could: the same deep stack.
        Report report;
        detail::AnalysisInputs inputs;
        detail::run_with_stack(detail::deep_stack_bytes, [&] {
            report = analyze(jobs, options, rewrite_rules, prefilter, plan, inputs);
        });
        if (cache) {
            cache->store(report, inputs);
            detail::trim_cache_directory(options.cache_directory, options.cache_max_bytes);
        }
        return report;
    };
    detail::ParsePlan plan;
    const bool parses = !prefilter.select({}, {}).empty();
    if (parses && detail::limits_set(options) && detail::can_watch(options)) {
        // Found first: a broken installation is an error whether or not a unit needs a worker.
        if (options.worker_executable.empty()) {
            detail::find_worker_executable();
        }
        auto watched = detail::run_watched(options, [&](const detail::ParseWatch& watch) {
            const detail::ParsePlan in_process{&watch, {}};
            return analyze_and_keep(in_process);
        });
        if (watched.report) {
            return std::move(*watched.report);
        }
        plan.over_time = std::move(watched.over_time);
    }
    return analyze_and_keep(plan);
}

} // namespace devmem::scan
