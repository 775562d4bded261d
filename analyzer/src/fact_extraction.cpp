#include "fact_extraction.hpp"

#include "devmem/scan/device_path.hpp"
#include "firmware_strings.hpp"
#include "libclang_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace devmem::scan::detail {

namespace {

constexpr int max_wrapper_depth = 4;
constexpr std::size_t max_ranges_per_site = 4;

// A multi-character constant or an integer read of memory holding the anchor, in either byte
// order.
std::optional<std::string> anchor_of_number(std::uint64_t number) {
    for (const std::string_view anchor : firmware_anchors) {
        if (anchor.size() != 4 && anchor.size() != 8) {
            continue;
        }
        std::uint64_t big = 0;
        std::uint64_t little = 0;
        for (std::size_t i = 0; i < anchor.size(); ++i) {
            const auto byte = static_cast<std::uint64_t>(static_cast<unsigned char>(anchor[i]));
            big = (big << 8) | byte;
            little |= byte << (8 * i);
        }
        if (number == big || number == little) {
            return std::string(anchor);
        }
    }
    return std::nullopt;
}

std::optional<std::string> anchor_of_string(const std::string& text) {
    for (const std::string_view anchor : firmware_anchors) {
        if (text == anchor) {
            return text;
        }
    }
    return std::nullopt;
}

// A call that moves a descriptor's file position: a seek, or a read (which advances it).
struct PositioningCall {
    unsigned offset;
    std::string descriptor;
    CXCursor call;
    const ApiEntry* api;
};

// The physical ranges the offsets and lengths stand for; nothing unless all are constants.
std::optional<std::vector<PhysicalRange>> ranges_of(const ValueSet& offsets,
                                                    const ValueSet& lengths) {
    std::vector<PhysicalRange> ranges;
    for (const auto& offset : offsets.values()) {
        for (const auto& length : lengths.values()) {
            if (offset.kind != Value::Kind::number || length.kind != Value::Kind::number ||
                length.number == 0) {
                return std::nullopt;
            }
            const PhysicalRange range{offset.number, offset.number + length.number - 1};
            if (std::ranges::none_of(ranges, [&](const PhysicalRange& known) {
                    return known.start == range.start && known.end == range.end;
                })) {
                ranges.push_back(range);
            }
        }
    }
    if (ranges.empty() || ranges.size() > max_ranges_per_site) {
        return std::nullopt;
    }
    return ranges;
}

// Where callees given their address may have adjusted the offsets or lengths.
std::vector<TraceNote> adjustments_of(const ValueSet& offsets, const ValueSet& lengths) {
    std::vector<TraceNote> notes;
    for (const auto* values : {&offsets, &lengths}) {
        for (const auto& value : values->values()) {
            for (const auto& note : value.adjustments) {
                if (std::ranges::find(notes, note) == notes.end()) {
                    notes.push_back(note);
                }
            }
        }
    }
    return notes;
}

std::string parameter_names(const ValueSet& values, const std::string& function) {
    std::set<std::string> names;
    const std::function<void(const Value&)> collect = [&](const Value& value) {
        if (value.kind == Value::Kind::parameter && value.text == function) {
            names.insert(fmt::format("'{}'", value.name));
        }
        for (const auto& operand : value.operands) {
            collect(*operand);
        }
    };
    for (const auto& value : values.values()) {
        collect(value);
    }
    std::string joined;
    for (const auto& name : names) {
        joined += (joined.empty() ? "" : ", ") + name;
    }
    return joined;
}

class FactCollector {
public:
    explicit FactCollector(const DataFlow& flow) : flow_(flow) {}

    ProgramFacts collect() {
        for (const auto& [id, function] : flow_.program().functions()) {
            find_read_wrapper(function);
        }
        for (const auto& [id, function] : flow_.program().functions()) {
            collect_function(function);
        }
        // Opening efi/systab only to show it is harmless; looking up a table address in it is
        // what the rule is about.
        if (!looks_up_table_address_) {
            facts_.firmware_table_opens.clear();
        }
        return std::move(facts_);
    }

private:
    // A read or map in `function`, with its operands still in that function's terms.
    struct Access {
        PhysicalAccessFact::Kind kind;
        CXCursor call;
        std::string callee;
        ValueSet descriptors;
        ValueSet offsets;
        ValueSet lengths;
    };

    Site site_of(CXCursor cursor, const FunctionDefinition& function, std::string callee) const {
        return {location_of(cursor), function.name, std::move(callee), function.confidence};
    }

    void collect_function(const FunctionDefinition& function) {
        std::vector<PositioningCall> positioning_calls;
        visit_descendants(function.cursor, [&](CXCursor cursor) {
            if (clang_getCursorKind(cursor) != CXCursor_CallExpr) {
                return;
            }
            for (const auto& target : flow_.targets_of(cursor, function.id)) {
                if (target.api != nullptr &&
                    (target.api->kind == ApiKind::seek || target.api->kind == ApiKind::read)) {
                    positioning_calls.push_back(
                        {offset_of(cursor),
                         descriptor_key(cursor, *target.api, target.is_stream_member), cursor,
                         target.api});
                }
            }
        });
        visit_descendants(function.cursor, [&](CXCursor cursor) {
            const auto kind = clang_getCursorKind(cursor);
            if (kind == CXCursor_StringLiteral) {
                note_systab_key(cursor, function);
            }
            if (kind == CXCursor_BinaryOperator) {
                collect_integer_comparison(cursor, function);
            } else if (kind == CXCursor_CallExpr) {
                for (const auto& target : flow_.targets_of(cursor, function.id)) {
                    collect_call(cursor, target, function, positioning_calls);
                }
            }
        });
    }

    std::string descriptor_key(CXCursor call, const ApiEntry& api, bool stream_member) const {
        if (stream_member) {
            return flow_.storage_key(member_call_object(call));
        }
        const auto arguments = call_arguments(call);
        if (api.descriptor == none ||
            static_cast<std::size_t>(api.descriptor) >= arguments.size()) {
            return {};
        }
        return flow_.storage_key(arguments[api.descriptor]);
    }

    void collect_integer_comparison(CXCursor comparison, const FunctionDefinition& function) {
        const auto op = clang_getCursorBinaryOperatorKind(comparison);
        if (op != CXBinaryOperator_EQ && op != CXBinaryOperator_NE) {
            return;
        }
        for (const auto operand : children(comparison)) {
            for (const auto& value : flow_.evaluate(operand, function.id).values()) {
                if (value.kind != Value::Kind::number) {
                    continue;
                }
                if (auto anchor = anchor_of_number(value.number)) {
                    facts_.anchor_comparisons.push_back(
                        {site_of(comparison, function, "=="), *anchor});
                    return;
                }
            }
            // A hand-written memcmp: `entry->anchor[i] != p[i]` (biosdecode).
            const auto element = strip_wrappers(operand);
            const auto parts = children(element);
            if (clang_getCursorKind(element) != CXCursor_ArraySubscriptExpr || parts.empty()) {
                continue;
            }
            const auto strings =
                flow_.resolve_foreign(flow_.evaluate(parts.front(), function.id), {});
            for (const auto& value : strings.values()) {
                if (value.kind != Value::Kind::string) {
                    continue;
                }
                if (auto anchor = anchor_of_string(value.text)) {
                    facts_.anchor_comparisons.push_back(
                        {site_of(comparison, function, "=="), *anchor});
                    return;
                }
            }
        }
    }

    // The parameter the values are computed from, when there is exactly one.
    static std::optional<unsigned> single_parameter(const ValueSet& values,
                                                    const std::string& function_id) {
        std::set<unsigned> indexes;
        std::vector<const Value*> pending;
        for (const auto& value : values.values()) {
            pending.push_back(&value);
        }
        while (!pending.empty()) {
            const auto* value = pending.back();
            pending.pop_back();
            if (value->kind == Value::Kind::parameter && value->text == function_id) {
                indexes.insert(value->index);
            }
            for (const auto& operand : value->operands) {
                pending.push_back(operand.get());
            }
        }
        return indexes.size() == 1 ? std::optional(*indexes.begin()) : std::nullopt;
    }

    // A function that reads from a descriptor it is given, without positioning it, reads where
    // its caller last sought (dmidecode's myread after mem_chunk's lseek): its calls are reads
    // with that descriptor and length, like read(2) itself.
    void find_read_wrapper(const FunctionDefinition& function) {
        bool positions = false;
        std::optional<ApiEntry> wrapper;
        visit_descendants(function.cursor, [&](CXCursor call) {
            if (clang_getCursorKind(call) != CXCursor_CallExpr) {
                return;
            }
            for (const auto& target : flow_.targets_of(call, function.id)) {
                if (target.api == nullptr || target.is_stream_member) {
                    continue;
                }
                const auto& api = *target.api;
                positions = positions || api.kind == ApiKind::seek ||
                            (api.kind == ApiKind::read && api.offset != none);
                const auto arguments = call_arguments(call);
                if (api.kind != ApiKind::read || api.offset != none || api.length == none ||
                    static_cast<std::size_t>(std::max(api.descriptor, api.length)) >=
                        arguments.size()) {
                    continue;
                }
                const auto descriptor = single_parameter(
                    flow_.evaluate(arguments[api.descriptor], function.id), function.id);
                const auto length = single_parameter(
                    flow_.evaluate(arguments[api.length], function.id), function.id);
                if (descriptor && length) {
                    wrapper = ApiEntry{function.name, ApiKind::read,
                                       none,          static_cast<int>(*descriptor),
                                       none,          static_cast<int>(*length)};
                }
            }
        });
        if (wrapper && !positions) {
            read_wrappers_.emplace(function.id, *wrapper);
        }
    }

    const ApiEntry* api_of(const CallTarget& target) const {
        if (target.api != nullptr || target.definition == nullptr) {
            return target.api;
        }
        const auto wrapper = read_wrappers_.find(target.definition->id);
        return wrapper == read_wrappers_.end() ? nullptr : &wrapper->second;
    }

    void collect_call(CXCursor call, const CallTarget& target, const FunctionDefinition& function,
                      const std::vector<PositioningCall>& positioning_calls) {
        const auto arguments = call_arguments(call);
        auto argument = [&](int index) {
            if (index == none || static_cast<std::size_t>(index) >= arguments.size()) {
                return ValueSet(Value::unknown_value());
            }
            return flow_.evaluate(arguments[index], function.id);
        };
        if (target.name == "syscall" && target.api == nullptr && !arguments.empty()) {
            if (const auto number = argument(0).single_number()) {
                if (const int path = syscall_path_argument(*number); path != none) {
                    collect_open(call, "syscall", argument(path), function);
                }
            }
            return;
        }
        const auto* found_api = api_of(target);
        if (found_api == nullptr) {
            return;
        }
        const auto& api = *found_api;
        switch (api.kind) {
        case ApiKind::open:
            collect_open(call, target.name, argument(api.path), function);
            break;
        case ApiKind::port_instruction:
            facts_.port_instructions.push_back({site_of(call, function, target.name)});
            break;
        case ApiKind::compare:
            collect_anchor_compare(call, target.name, arguments, function);
            break;
        case ApiKind::map:
            collect_access({PhysicalAccessFact::Kind::map, call, target.name,
                            argument(api.descriptor), argument(api.offset), argument(api.length)},
                           function);
            break;
        case ApiKind::read: {
            ValueSet descriptors = target.is_stream_member
                                       ? flow_.evaluate(member_call_object(call), function.id)
                                       : argument(api.descriptor);
            ValueSet lengths = argument(api.length);
            if (api.count != none) {
                lengths = combine('*', lengths, argument(api.count));
            }
            ValueSet offsets = api.offset != none ? argument(api.offset)
                                                  : seek_offset(call, api, target.is_stream_member,
                                                                positioning_calls, function);
            collect_access({PhysicalAccessFact::Kind::read, call, target.name,
                            std::move(descriptors), std::move(offsets), std::move(lengths)},
                           function);
            break;
        }
        case ApiKind::seek:
        case ApiKind::same_as_argument:
            break;
        }
    }

    // Where a plain read starts: the last absolute seek on the same descriptor before it.
    ValueSet seek_offset(CXCursor read, const ApiEntry& api, bool stream_member,
                         const std::vector<PositioningCall>& positioning_calls,
                         const FunctionDefinition& function) const {
        const auto key = descriptor_key(read, api, stream_member);
        const auto position = offset_of(read);
        const PositioningCall* last = nullptr;
        for (const auto& candidate : positioning_calls) {
            if (!key.empty() && candidate.descriptor == key && candidate.offset < position &&
                (last == nullptr || candidate.offset > last->offset)) {
                last = &candidate;
            }
        }
        if (last == nullptr) {
            // The first read of a descriptor this function opened starts at offset 0.
            return ValueSet(opened_locally(read, api, stream_member, function)
                                ? Value::of_number(0)
                                : Value::unknown_value());
        }
        if (last->api->kind == ApiKind::read) {
            return ValueSet(Value::unknown_value());
        }
        const auto arguments = call_arguments(last->call);
        if (last->api->whence != none &&
            static_cast<std::size_t>(last->api->whence) < arguments.size()) {
            const auto whence = flow_.evaluate(arguments[last->api->whence], function.id);
            if (whence.single_number() != std::optional<std::uint64_t>(0)) {
                return ValueSet(Value::unknown_value());
            }
        }
        if (static_cast<std::size_t>(last->api->offset) >= arguments.size()) {
            return ValueSet(Value::unknown_value());
        }
        return flow_.evaluate(arguments[last->api->offset], function.id);
    }

    static bool opened_locally(CXCursor read, const ApiEntry& api, bool stream_member,
                               const FunctionDefinition& function) {
        const auto arguments = call_arguments(read);
        const auto descriptor =
            stream_member ? member_call_object(read)
            : api.descriptor != none && static_cast<std::size_t>(api.descriptor) < arguments.size()
                ? strip_wrappers(arguments[api.descriptor])
                : clang_getNullCursor();
        if (clang_getCursorKind(descriptor) != CXCursor_DeclRefExpr) {
            return false;
        }
        const auto variable = clang_getCursorReferenced(descriptor);
        return clang_getCursorKind(variable) == CXCursor_VarDecl &&
               clang_equalCursors(clang_getCursorSemanticParent(variable), function.cursor) != 0;
    }

    void collect_open(CXCursor call, const std::string& callee, const ValueSet& paths,
                      const FunctionDefinition& function) {
        std::set<Device> devices;
        std::set<std::string> tables;
        const bool from_callers = paths.depends_on(function.id);
        for (const auto& value : flow_.resolve_foreign(paths, {}).values()) {
            if (value.kind != Value::Kind::string) {
                continue;
            }
            if (const auto device = device_of_path(value.text);
                device && devices.insert(*device).second) {
                facts_.device_opens.push_back(
                    {site_of(call, function, callee), *device, value.trace, from_callers});
            }
            const auto normalized = normalize_path(value.text);
            if (std::ranges::find(firmware_tables, normalized) != firmware_tables.end() &&
                tables.insert(normalized).second) {
                facts_.firmware_table_opens.push_back(
                    {site_of(call, function, callee), normalized});
            }
        }
    }

    void collect_anchor_compare(CXCursor call, const std::string& callee,
                                const std::vector<CXCursor>& arguments,
                                const FunctionDefinition& function) {
        for (const auto argument : arguments) {
            const auto values = flow_.resolve_foreign(flow_.evaluate(argument, function.id), {});
            for (const auto& value : values.values()) {
                if (value.kind != Value::Kind::string) {
                    continue;
                }
                // dmidecode cuts the line at '=' and compares the bare key.
                if (std::ranges::find(systab_names, value.text) != systab_names.end()) {
                    looks_up_table_address_ = true;
                }
                if (auto anchor = anchor_of_string(value.text)) {
                    facts_.anchor_comparisons.push_back({site_of(call, function, callee), *anchor});
                    return;
                }
            }
        }
    }

    // The device a descriptor set may refer to, with the trace of the first one found.
    std::optional<std::pair<Device, std::vector<TraceNote>>>
    memory_device(const ValueSet& descriptors, const std::string& except) const {
        for (const auto& value : flow_.resolve_foreign(descriptors, except).values()) {
            if (value.kind != Value::Kind::descriptor ||
                value.operands[0]->kind != Value::Kind::string) {
                continue;
            }
            const auto device = device_of_path(value.operands[0]->text);
            if (device == Device::mem || device == Device::kmem) {
                return std::pair{*device, value.trace};
            }
        }
        return std::nullopt;
    }

    void collect_access(const Access& access, const FunctionDefinition& function) {
        const auto device = memory_device(access.descriptors, {});
        if (!device) {
            return;
        }
        const bool range_from_callers =
            access.offsets.depends_on(function.id) || access.lengths.depends_on(function.id);
        PhysicalAccessFact fact{access.kind,
                                site_of(access.call, function, access.callee),
                                device->first,
                                std::nullopt,
                                {},
                                device->second,
                                range_from_callers || access.descriptors.depends_on(function.id)};
        if (range_from_callers) {
            ValueSet both = access.offsets;
            both.insert_all(access.lengths);
            fact.dependence = fmt::format("parameter {} of '{}'",
                                          parameter_names(both, function.id), function.name);
            facts_.physical_accesses.push_back(fact);
            std::set<std::string> visited{function.id};
            report_call_sites(function, access, fact, max_wrapper_depth, visited);
            return;
        }
        const auto ranges = ranges_of(flow_.resolve_foreign(access.offsets, {}),
                                      flow_.resolve_foreign(access.lengths, {}));
        if (!ranges) {
            facts_.physical_accesses.push_back(fact);
            return;
        }
        for (const auto& range : *ranges) {
            fact.range = range;
            facts_.physical_accesses.push_back(fact);
        }
    }

    // Follows a wrapper's access up to the callers that pin its range down to constants.
    void report_call_sites(const FunctionDefinition& function, const Access& access,
                           const PhysicalAccessFact& wrapper_access, int depth,
                           std::set<std::string>& visited) {
        if (depth == 0) {
            return;
        }
        for (const auto& site : flow_.call_sites_of(function.id)) {
            const auto* caller = flow_.program().find_function(site.caller);
            if (caller == nullptr) {
                continue;
            }
            Access outer{access.kind,
                         site.call,
                         function.name,
                         flow_.substitute(access.descriptors, site),
                         flow_.substitute(access.offsets, site),
                         flow_.substitute(access.lengths, site)};
            const auto device = memory_device(outer.descriptors, {});
            if (!device) {
                continue;
            }
            auto trace = device->second;
            trace.push_back(
                {wrapper_access.site.location,
                 fmt::format("'{}' {} the device here", wrapper_access.site.function,
                             access.kind == PhysicalAccessFact::Kind::map ? "maps" : "reads")});
            const auto offsets = flow_.resolve_foreign(outer.offsets, caller->id);
            const auto lengths = flow_.resolve_foreign(outer.lengths, caller->id);
            const auto ranges = ranges_of(offsets, lengths);
            if (ranges) {
                // The range the caller asked for; what a rounding helper made of it is not known.
                auto call_site = site_of(site.call, *caller, function.name);
                const auto adjustments = adjustments_of(offsets, lengths);
                if (!adjustments.empty()) {
                    call_site.confidence = Confidence::low;
                    trace.insert(trace.end(), adjustments.begin(), adjustments.end());
                }
                for (const auto& range : *ranges) {
                    facts_.physical_accesses.push_back(
                        {access.kind, call_site, device->first, range, {}, trace});
                }
            } else if ((outer.offsets.depends_on(caller->id) ||
                        outer.lengths.depends_on(caller->id)) &&
                       visited.insert(caller->id).second) {
                report_call_sites(*caller, outer, wrapper_access, depth - 1, visited);
            }
        }
    }

    void note_systab_key(CXCursor literal, const FunctionDefinition& function) {
        for (const auto& value : flow_.evaluate(literal, function.id).values()) {
            if (value.kind == Value::Kind::string &&
                std::ranges::any_of(systab_keys, [&](std::string_view key) {
                    return value.text.starts_with(key);
                })) {
                looks_up_table_address_ = true;
            }
        }
    }

    const DataFlow& flow_;
    ProgramFacts facts_;
    // By FunctionDefinition::id.
    std::map<std::string, ApiEntry> read_wrappers_;
    bool looks_up_table_address_ = false;
};

} // namespace

ProgramFacts extract_facts(const DataFlow& flow) {
    return FactCollector(flow).collect();
}

} // namespace devmem::scan::detail
