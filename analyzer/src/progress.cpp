#include "progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>

namespace devmem::scan::detail {

namespace {

// Often enough to look alive, rarely enough that a fast run is not slowed by the terminal.
constexpr auto redraw_interval = std::chrono::milliseconds(100);

} // namespace

ProgressMeter::ProgressMeter(std::ostream* out)
    : out_(out), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

ProgressMeter::~ProgressMeter() {
    if (out_ != nullptr && drawn_width_ != 0) {
        *out_ << '\r' << std::string(drawn_width_, ' ') << '\r' << std::flush;
    }
}

void ProgressMeter::expect(std::size_t files) {
    const std::scoped_lock lock(mutex_);
    total_ += files;
}

void ProgressMeter::advance() {
    if (out_ == nullptr) {
        return;
    }
    const std::scoped_lock lock(mutex_);
    ++done_;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ >= redraw_interval || done_ == total_) {
        draw(now);
    }
}

void ProgressMeter::draw(std::chrono::steady_clock::time_point now) {
    last_draw_ = now;
    const std::chrono::duration<double> elapsed = now - start_;
    const auto rate = elapsed.count() > 0 ? static_cast<double>(done_) / elapsed.count() : 0.0;
    const auto width = fmt::formatted_size("{}", total_);
    auto line = fmt::format("[{:>{}}/{}] {:.0f} files/s", done_, width, total_, rate);
    const auto shown = line.size();
    // Pad over the tail of a longer line drawn before.
    line.resize(std::max(shown, drawn_width_), ' ');
    *out_ << '\r' << line << std::flush;
    drawn_width_ = shown;
}

} // namespace devmem::scan::detail
