#pragma once

// A one-line count of parsed files on a terminal: "[ 12/340] 35 files/s", redrawn in place and
// erased when the run ends, so that a report written to the same terminal starts clean.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <ostream>

namespace devmem::scan::detail {

class ProgressMeter {
public:
    // Draws on `out`, or nowhere when it is null.
    explicit ProgressMeter(std::ostream* out);
    ~ProgressMeter();
    ProgressMeter(const ProgressMeter&) = delete;
    ProgressMeter& operator=(const ProgressMeter&) = delete;

    // More files are to be parsed (the prefilter adds them in rounds).
    void expect(std::size_t files);
    // One file is done; safe from any thread.
    void advance();

private:
    void draw(std::chrono::steady_clock::time_point now);

    std::ostream* out_;
    std::mutex mutex_;
    std::size_t done_ = 0;
    std::size_t total_ = 0;
    std::size_t drawn_width_ = 0;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
};

} // namespace devmem::scan::detail
