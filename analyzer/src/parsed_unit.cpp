#include "parsed_unit.hpp"

#include "libclang_support.hpp"

namespace devmem::scan::detail {

namespace fs = std::filesystem;

// Relative names are relative to the job's directory (-working-directory), not to ours.
std::vector<std::string> included_files(CXTranslationUnit unit, const CompileJob& job) {
    struct Context {
        std::vector<std::string> files;
        fs::path base;
    } context{{}, job.directory.empty() ? fs::current_path() : fs::absolute(job.directory)};
    clang_getInclusions(
        unit,
        [](CXFile file, CXSourceLocation*, unsigned, CXClientData data) {
            auto& [files, base] = *static_cast<Context*>(data);
            const fs::path name = take_string(clang_getFileName(file));
            files.push_back((name.is_absolute() ? name : base / name).lexically_normal());
        },
        &context);
    return std::move(context.files);
}

void to_json(nlohmann::json& json, const ParseRecord& record) {
    json = {{"parsed", record.parsed},
            {"low_confidence", record.low_confidence},
            {"incomplete", record.incomplete},
            {"note", record.note ? nlohmann::json(*record.note) : nlohmann::json()},
            {"stand_ins", record.stand_ins},
            {"files", record.files}};
}

void from_json(const nlohmann::json& json, ParseRecord& record) {
    json.at("parsed").get_to(record.parsed);
    json.at("low_confidence").get_to(record.low_confidence);
    json.at("incomplete").get_to(record.incomplete);
    const auto& note = json.at("note");
    record.note = note.is_null() ? std::nullopt : std::optional(note.get<std::string>());
    json.at("stand_ins").get_to(record.stand_ins);
    json.at("files").get_to(record.files);
}

void to_json(nlohmann::json& json, const StandInNames& names) {
    json = {
        {"types", names.types}, {"functions", names.functions}, {"identifiers", names.identifiers}};
}

void from_json(const nlohmann::json& json, StandInNames& names) {
    json.at("types").get_to(names.types);
    json.at("functions").get_to(names.functions);
    json.at("identifiers").get_to(names.identifiers);
}

std::vector<std::uint8_t> encode(const nlohmann::json& message) {
    return nlohmann::json::to_cbor(message);
}

std::optional<nlohmann::json> decode(const std::vector<std::uint8_t>& bytes) {
    auto message = nlohmann::json::from_cbor(bytes, true, false);
    if (message.is_discarded()) {
        return std::nullopt;
    }
    return message;
}

ParseRecord record_of(const ParsedUnit& parsed, const CompileJob& job) {
    ParseRecord record;
    record.parsed = parsed.unit != nullptr;
    record.low_confidence = parsed.confidence == Confidence::low;
    record.incomplete = parsed.incomplete;
    if (parsed.note) {
        record.note = parsed.note->message;
    }
    record.stand_ins = parsed.stand_ins != nullptr;
    if (parsed.unit != nullptr) {
        record.files = included_files(parsed.unit, job);
    }
    return record;
}

ParsedUnit unit_of(CXTranslationUnit unit, const ParseRecord& record, const CompileJob& job) {
    ParsedUnit parsed;
    parsed.unit = unit;
    parsed.confidence = record.low_confidence ? Confidence::low : Confidence::high;
    parsed.incomplete = record.incomplete;
    if (record.note) {
        parsed.note = RunNote{{job.file.string(), 0, 0}, *record.note};
    }
    return parsed;
}

CXTranslationUnit load_unit(CXIndex index, const fs::path& ast) {
    CXTranslationUnit unit = nullptr;
    if (clang_createTranslationUnit2(index, ast.c_str(), &unit) != CXError_Success) {
        return nullptr;
    }
    return unit;
}

bool save_unit(CXTranslationUnit unit, const fs::path& ast) {
    return clang_saveTranslationUnit(unit, ast.c_str(), clang_defaultSaveOptions(unit)) ==
           CXSaveError_None;
}

} // namespace devmem::scan::detail
