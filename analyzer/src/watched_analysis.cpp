#include "watched_analysis.hpp"

#include "devmem/scan/lint_config.hpp"
#include "parsed_unit.hpp"
#include "report_codec.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <vector>

namespace devmem::scan::detail {

namespace {

using Clock = std::chrono::steady_clock;

// The child's exit status when it asks for the run in workers.
constexpr int isolate_status = 86;
// How often a child with a unit in flight has its memory looked at.
constexpr int memory_poll_ms = 20;

enum class EventKind : std::uint32_t { begin = 1, end = 2 };

// An event is written whole with one write(), at most PIPE_BUF bytes, so the threads' events
// never interleave. A path too long for that travels as empty: its unit is then not known by
// name, only its time.
struct EventHeader {
    EventKind kind;
    std::uint32_t slot;
    std::uint32_t length;
};
constexpr std::size_t max_event_path = PIPE_BUF - sizeof(EventHeader);

void write_event(int events, EventKind kind, std::size_t slot, std::string_view path) {
    if (path.size() > max_event_path) {
        path = {};
    }
    std::array<char, PIPE_BUF> bytes{};
    const EventHeader header{kind, static_cast<std::uint32_t>(slot),
                             static_cast<std::uint32_t>(path.size())};
    std::memcpy(bytes.data(), &header, sizeof header);
    if (!path.empty()) {
        std::memcpy(bytes.data() + sizeof header, path.data(), path.size());
    }
    const auto size = sizeof header + path.size();
    ssize_t written = -1;
    do {
        written = ::write(events, bytes.data(), size);
    } while (written < 0 && errno == EINTR);
    // The watching process is gone: nobody is left to report to.
    if (written != static_cast<ssize_t>(size)) {
        ::_exit(isolate_status);
    }
}

bool write_all(int fd, const std::vector<std::uint8_t>& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto written = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return false;
        }
        done += static_cast<std::size_t>(written);
    }
    return true;
}

// Resident bytes of the process, or nullopt when /proc does not say.
std::optional<std::uint64_t> resident_bytes(pid_t pid) {
    std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
    std::uint64_t size = 0;
    std::uint64_t resident = 0;
    if (!(statm >> size >> resident)) {
        return std::nullopt;
    }
    return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

// The parses in flight in the child, as its events tell them.
class InFlight {
public:
    InFlight(const AnalyzerOptions& options, pid_t child)
        : timeout_(options.tu_timeout_seconds), memory_limit_(options.tu_memory_limit_mib << 20U),
          child_(child) {}

    // Takes what has arrived; false for an event that makes no sense (the child is not trusted).
    bool take(std::string_view bytes) {
        buffer_.append(bytes);
        while (buffer_.size() >= sizeof(EventHeader)) {
            EventHeader header{};
            std::memcpy(&header, buffer_.data(), sizeof header);
            if (header.length > max_event_path) {
                return false;
            }
            if (buffer_.size() < sizeof header + header.length) {
                break;
            }
            if (header.kind == EventKind::begin) {
                parses_[header.slot] = {Clock::now(), resident_bytes(child_).value_or(0),
                                        buffer_.substr(sizeof header, header.length)};
            } else if (header.kind == EventKind::end) {
                parses_.erase(header.slot);
            } else {
                return false;
            }
            buffer_.erase(0, sizeof header + header.length);
        }
        return true;
    }

    // How long poll() may wait before a limit is to be checked again; -1: for ever.
    int wait_ms() const {
        if (parses_.empty()) {
            return -1;
        }
        int wait = memory_limit_ != 0 ? memory_poll_ms : -1;
        if (timeout_.count() != 0) {
            const auto& oldest = std::ranges::min_element(parses_, {}, [](const auto& entry) {
                                     return entry.second.since;
                                 })->second;
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(oldest.since + timeout_ -
                                                                           Clock::now());
            const auto until = static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, INT_MAX));
            wait = wait < 0 ? until : std::min(wait, until);
        }
        return wait;
    }

    // True when a unit in flight is over a limit; one over the time limit is added to `over_time`
    // when its name is known.
    bool over_limit(std::set<std::string>& over_time) const {
        const auto now = Clock::now();
        bool over = false;
        for (const auto& [slot, parse] : parses_) {
            if (timeout_.count() != 0 && now - parse.since >= timeout_) {
                over = true;
                if (!parse.file.empty()) {
                    over_time.insert(parse.file);
                }
            }
        }
        if (over || memory_limit_ == 0 || parses_.empty()) {
            return over;
        }
        // What the child has grown by since the oldest parse in flight began: the parses' own
        // memory and the units finished meanwhile, an upper bound on what any one parse holds.
        const auto start = std::ranges::min_element(parses_, {}, [](const auto& entry) {
                               return entry.second.resident_at_start;
                           })->second.resident_at_start;
        const auto resident = resident_bytes(child_);
        return resident && *resident > start && *resident - start > memory_limit_;
    }

    bool empty() const { return parses_.empty(); }

private:
    struct Parse {
        Clock::time_point since;
        std::uint64_t resident_at_start = 0;
        std::string file;
    };
    std::chrono::seconds timeout_;
    std::uint64_t memory_limit_;
    pid_t child_;
    std::map<std::uint32_t, Parse> parses_;
    std::string buffer_;
};

// Reads what is there; false at end of file or on an error.
bool read_some(int fd, std::string& into) {
    std::array<char, 65536> chunk{};
    ssize_t got = -1;
    do {
        got = ::read(fd, chunk.data(), chunk.size());
    } while (got < 0 && errno == EINTR);
    if (got <= 0) {
        return false;
    }
    into.append(chunk.data(), static_cast<std::size_t>(got));
    return true;
}

[[noreturn]] void run_child(pid_t watcher, int events, int result,
                            const std::function<Report(const ParseWatch&)>& analysis) {
    // Nobody would read what it makes once the watching process is gone, even if it went before
    // the request took effect.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != watcher) {
        ::_exit(isolate_status);
    }
    nlohmann::json answer;
    try {
        answer = {{"report", report_json(analysis(ParseWatch(events)))}};
    } catch (const ToolchainError& error) {
        answer = {{"error", "toolchain"}, {"message", error.what()}};
    } catch (const ConfigError& error) {
        answer = {{"error", "config"}, {"message", error.what()}};
    } catch (const std::exception& error) {
        answer = {{"error", "other"}, {"message", error.what()}};
    }
    ::_exit(write_all(result, encode(answer)) ? 0 : isolate_status);
}

// The child's report; nullopt for an answer that is not one. Its error is thrown.
std::optional<Report> report_in(const std::string& bytes) {
    const auto answer = decode(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
    if (!answer || !answer->is_object()) {
        return std::nullopt;
    }
    std::string kind;
    std::string message;
    try {
        if (answer->contains("report")) {
            return report_from(answer->at("report"));
        }
        answer->at("error").get_to(kind);
        answer->at("message").get_to(message);
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
    if (kind == "toolchain") {
        throw ToolchainError(message);
    }
    if (kind == "config") {
        throw ConfigError(message);
    }
    throw std::runtime_error(message);
}

struct Pipe {
    int read = -1;
    int write = -1;
};

std::optional<Pipe> make_pipe() {
    std::array<int, 2> ends{};
    if (::pipe2(ends.data(), O_CLOEXEC) != 0) {
        return std::nullopt;
    }
    return Pipe{ends[0], ends[1]};
}

void close_both(const Pipe& pipe) {
    ::close(pipe.read);
    ::close(pipe.write);
}

} // namespace

bool can_watch(const AnalyzerOptions& options) {
    return options.tu_memory_limit_mib == 0 || resident_bytes(::getpid()).has_value();
}

WatchedOutcome run_watched(const AnalyzerOptions& options,
                           const std::function<Report(const ParseWatch&)>& analysis) {
    // Without a pipe or a process to spare, the run in workers is all that is left.
    const auto events = make_pipe();
    const auto result = events ? make_pipe() : std::nullopt;
    if (!result) {
        if (events) {
            close_both(*events);
        }
        return {};
    }
    // What is buffered would otherwise be written twice.
    std::cout.flush();
    std::cerr.flush();
    (void)std::fflush(nullptr);
    const pid_t watcher = ::getpid();
    const pid_t child = ::fork();
    if (child < 0) {
        close_both(*events);
        close_both(*result);
        return {};
    }
    if (child == 0) {
        ::close(events->read);
        ::close(result->read);
        run_child(watcher, events->write, result->write, analysis);
    }
    ::close(events->write);
    ::close(result->write);
    WatchedOutcome outcome;
    InFlight in_flight(options, child);
    std::string answer;
    std::string arrived;
    std::array<pollfd, 2> fds{pollfd{events->read, POLLIN, 0}, pollfd{result->read, POLLIN, 0}};
    bool killed = false;
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        const int ready = ::poll(fds.data(), fds.size(), in_flight.wait_ms());
        if (ready < 0 && errno != EINTR) {
            killed = true;
            break;
        }
        if (ready < 0) {
            continue;
        }
        if (fds[0].fd >= 0 && fds[0].revents != 0) {
            arrived.clear();
            if (!read_some(fds[0].fd, arrived)) {
                fds[0].fd = -1;
            } else if (!in_flight.take(arrived)) {
                killed = true;
                break;
            }
        }
        if (fds[1].fd >= 0 && fds[1].revents != 0 && !read_some(fds[1].fd, answer)) {
            fds[1].fd = -1;
        }
        if (in_flight.over_limit(outcome.over_time)) {
            killed = true;
            break;
        }
    }
    if (killed) {
        ::kill(child, SIGKILL);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    ::close(events->read);
    ::close(result->read);
    if (!killed && WIFEXITED(status) && WEXITSTATUS(status) == 0 && in_flight.empty()) {
        outcome.report = report_in(answer);
    }
    return outcome;
}

void ParseWatch::begin(std::size_t slot, const std::filesystem::path& file) const {
    write_event(events_, EventKind::begin, slot, file.native());
}

void ParseWatch::end(std::size_t slot) const {
    write_event(events_, EventKind::end, slot, {});
}

void ParseWatch::isolate() const {
    ::_exit(isolate_status);
}

} // namespace devmem::scan::detail
