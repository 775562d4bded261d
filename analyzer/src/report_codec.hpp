#pragma once

// A report as data: every field, so that a report read back writes the same bytes as the one
// that was stored (the run cache keeps reports so; a watched analysis hands its report over so).

#include "devmem/scan/report.hpp"

#include <nlohmann/json.hpp>

namespace devmem::scan::detail {

nlohmann::json report_json(const Report& report);
// Throws nlohmann::json::exception when a field is missing or of the wrong type.
Report report_from(const nlohmann::json& json);

} // namespace devmem::scan::detail
