#pragma once

// A parsed translation unit handed over as a libclang AST file, by a worker process or by the
// cache of an earlier run. What travels beside the AST is a ParseRecord, serialised as CBOR
// (nlohmann's binary JSON, which keeps paths that are not UTF-8 intact).

#include "devmem/scan/compilation.hpp"
#include "unit_parser.hpp"

#include <clang-c/Index.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace devmem::scan::detail {

struct ParseRecord {
    // An AST exists (possibly of a unit with errors).
    bool parsed = false;
    // ParsedUnit's confidence, incomplete and note, the note without its location (the file).
    bool low_confidence = false;
    bool incomplete = false;
    std::optional<std::string> note;
    // Parsed with stand-ins for missing headers, which do not outlive the run: not cacheable.
    bool stand_ins = false;
    // The main file and every file it included, absolute: what a cached AST depends on.
    std::vector<std::string> files;

    bool operator==(const ParseRecord&) const = default;
};

void to_json(nlohmann::json& json, const ParseRecord& record);
// Throws nlohmann::json::exception when a field is missing or of the wrong type.
void from_json(const nlohmann::json& json, ParseRecord& record);

// Stand-in names travel to a worker as the seed and back as what the unit learned.
void to_json(nlohmann::json& json, const StandInNames& names);
// Throws nlohmann::json::exception when a field is missing or of the wrong type.
void from_json(const nlohmann::json& json, StandInNames& names);

std::vector<std::uint8_t> encode(const nlohmann::json& message);
// nullopt for bytes that are not a CBOR document.
std::optional<nlohmann::json> decode(const std::vector<std::uint8_t>& bytes);

// The main file and every file the unit included, absolute (relative names are taken from the
// job's directory).
std::vector<std::string> included_files(CXTranslationUnit unit, const CompileJob& job);

ParseRecord record_of(const ParsedUnit& parsed, const CompileJob& job);
// The unit as parse_unit() gave it, `unit` loaded from the AST file the record describes.
ParsedUnit unit_of(CXTranslationUnit unit, const ParseRecord& record, const CompileJob& job);

// An AST that clang_saveTranslationUnit wrote, or null when it cannot be read back (libclang
// also refuses one whose input files are gone or have another modification time).
CXTranslationUnit load_unit(CXIndex index, const std::filesystem::path& ast);
// Writes the unit's AST; false when libclang cannot.
bool save_unit(CXTranslationUnit unit, const std::filesystem::path& ast);

} // namespace devmem::scan::detail
