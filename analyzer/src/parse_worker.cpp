#include "parse_worker.hpp"

#include "devmem/scan/analyzer.hpp"
#include "devmem/scan/cli.hpp"
#include "large_stack.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>
#include <string_view>

extern char** environ;

namespace devmem::scan::detail {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// How long an idle worker gets to exit on its own at the end of a run.
constexpr auto idle_exit_grace = std::chrono::seconds(2);

// Far beyond any real message; a larger length prefix means the stream is garbage.
constexpr std::uint32_t message_limit = 64U << 20U;
constexpr const char* memory_limit_option = "--memory-limit-mib";

bool send_all(int socket, const std::uint8_t* data, std::size_t size) {
    while (size != 0) {
        const auto sent = ::send(socket, data, size, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) {
            continue;
        }
        if (sent <= 0) {
            return false;
        }
        data += sent;
        size -= static_cast<std::size_t>(sent);
    }
    return true;
}

bool send_message(int socket, const nlohmann::json& message) {
    const auto body = encode(message);
    const auto size = static_cast<std::uint32_t>(body.size());
    std::array<std::uint8_t, 4> prefix{};
    std::memcpy(prefix.data(), &size, prefix.size());
    return send_all(socket, prefix.data(), prefix.size()) &&
           send_all(socket, body.data(), body.size());
}

enum class Received { message, closed, timed_out };

// Reads exactly `size` bytes, waiting until `deadline` (none: forever).
Received receive_all(int socket, std::uint8_t* data, std::size_t size,
                     std::optional<Clock::time_point> deadline) {
    while (size != 0) {
        if (deadline) {
            const auto left =
                std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
            if (left.count() <= 0) {
                return Received::timed_out;
            }
            pollfd readable{socket, POLLIN, 0};
            const int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
            if (ready < 0 && errno == EINTR) {
                continue;
            }
            if (ready == 0) {
                return Received::timed_out;
            }
        }
        const auto got = ::read(socket, data, size);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return Received::closed;
        }
        data += got;
        size -= static_cast<std::size_t>(got);
    }
    return Received::message;
}

std::pair<Received, std::optional<nlohmann::json>>
receive_message(int socket, std::optional<Clock::time_point> deadline) {
    std::array<std::uint8_t, 4> prefix{};
    if (const auto status = receive_all(socket, prefix.data(), prefix.size(), deadline);
        status != Received::message) {
        return {status, std::nullopt};
    }
    std::uint32_t size = 0;
    std::memcpy(&size, prefix.data(), prefix.size());
    if (size > message_limit) {
        return {Received::closed, std::nullopt};
    }
    std::vector<std::uint8_t> body(size);
    if (const auto status = receive_all(socket, body.data(), body.size(), deadline);
        status != Received::message) {
        return {status, std::nullopt};
    }
    return {Received::message, decode(body)};
}

std::string describe_exit(int status) {
    if (WIFSIGNALED(status)) {
        const int signal = WTERMSIG(status);
        return fmt::format("killed by signal {}, {}", signal, ::strsignal(signal));
    }
    if (WIFEXITED(status)) {
        return fmt::format("exit status {}", WEXITSTATUS(status));
    }
    return "stopped";
}

bool is_executable(const fs::path& file) {
    return fs::is_regular_file(file) && ::access(file.c_str(), X_OK) == 0;
}

} // namespace

fs::path find_worker_executable() {
    constexpr const char* name = "devmem-scan-worker";
    std::vector<fs::path> candidates;
    std::error_code error;
    const auto executable = fs::read_symlink("/proc/self/exe", error);
    if (!error) {
        candidates.push_back(executable.parent_path() / name);
        candidates.push_back(executable.parent_path().parent_path() / "libexec" / "devmem-migrate" /
                             name);
    }
    candidates.emplace_back(DEVMEM_SCAN_INSTALLED_WORKER);
    candidates.emplace_back(DEVMEM_SCAN_BUILT_WORKER);
    for (const auto& candidate : candidates) {
        if (is_executable(candidate)) {
            return candidate;
        }
    }
    std::string looked;
    for (const auto& candidate : candidates) {
        looked += (looked.empty() ? "" : ", ") + candidate.string();
    }
    throw ToolchainError(fmt::format("{} not found (looked for {}); reinstall devmem-scan, or "
                                     "parse in-process with --tu-timeout 0 --tu-memory-limit 0",
                                     name, looked));
}

ParseWorker::ParseWorker(fs::path executable, WorkerLimits limits)
    : executable_(std::move(executable)), limits_(limits) {}

ParseWorker::~ParseWorker() {
    stop(Stop::idle);
}

void ParseWorker::start() {
    std::array<int, 2> sockets{-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets.data()) != 0) {
        return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, sockets[1], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, sockets[1], STDOUT_FILENO);
    // libclang's crash reports would land in the middle of the report.
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    const auto memory = std::to_string(limits_.memory_mib);
    const std::array<const char*, 4> argv{executable_.c_str(), memory_limit_option, memory.c_str(),
                                          nullptr};
    pid_t pid = -1;
    const int error = ::posix_spawn(&pid, executable_.c_str(), &actions, nullptr,
                                    const_cast<char* const*>(argv.data()), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(sockets[1]);
    if (error != 0) {
        ::close(sockets[0]);
        return;
    }
    pid_ = pid;
    socket_ = sockets[0];
}

void ParseWorker::stop(Stop how) {
    if (socket_ >= 0) {
        ::close(socket_);
        socket_ = -1;
    }
    if (pid_ <= 0) {
        return;
    }
    if (how == Stop::idle) {
        const auto deadline = Clock::now() + idle_exit_grace;
        pid_t reaped = 0;
        while ((reaped = ::waitpid(pid_, nullptr, WNOHANG)) == 0 && Clock::now() < deadline) {
            ::poll(nullptr, 0, 10);
        }
        if (reaped == pid_) {
            pid_ = -1;
            return;
        }
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

// As parse_unit() reports a unit libclang could not parse at all.
ParseWorker::Outcome unfinished_parse(const std::string& reason) {
    ParseWorker::Outcome failure;
    failure.transient = true;
    failure.record.incomplete = true;
    failure.record.note = reason + "; only device opens matched lexically are reported";
    return failure;
}

ParseWorker::Outcome over_time_limit(std::chrono::seconds timeout) {
    return unfinished_parse(
        fmt::format("parsing took longer than the {} s limit (--tu-timeout)", timeout.count()));
}

std::string ParseWorker::death_note() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    stop(Stop::now);
    const auto how = describe_exit(status);
    if (limits_.memory_mib == 0) {
        return fmt::format("the parser died ({})", how);
    }
    return fmt::format("the parser died ({}) within the {} MiB memory limit (--tu-memory-limit)",
                       how, limits_.memory_mib);
}

ParseWorker::Outcome ParseWorker::parse(const CompileJob& job, const AnalyzerOptions& options,
                                        const StandInStart& stand_ins, const fs::path& ast) {
    if (socket_ < 0) {
        start();
    }
    Outcome outcome;
    const nlohmann::json request = {{"file", job.file.string()},
                                    {"directory", job.directory.string()},
                                    {"arguments", job.arguments},
                                    {"inferred", job.inferred},
                                    {"extra_arguments", options.extra_arguments},
                                    {"resource_dir", options.resource_dir},
                                    {"headers", stand_ins.headers},
                                    {"seed", stand_ins.seed},
                                    {"ast", ast.string()}};
    if (socket_ < 0 || !send_message(socket_, request)) {
        return unfinished_parse(pid_ > 0 ? death_note()
                                         : fmt::format("could not start {}: {}",
                                                       executable_.string(), std::strerror(errno)));
    }
    std::optional<Clock::time_point> deadline;
    if (limits_.timeout.count() != 0) {
        deadline = Clock::now() + limits_.timeout;
    }
    const auto [status, answer] = receive_message(socket_, deadline);
    if (status == Received::timed_out) {
        stop(Stop::now);
        return over_time_limit(limits_.timeout);
    }
    if (status == Received::closed) {
        return unfinished_parse(death_note());
    }
    try {
        answer.value().at("record").get_to(outcome.record);
        answer.value().at("unsaved").get_to(outcome.unsaved);
        answer.value().at("learned").get_to(outcome.learned);
    } catch (const std::exception&) {
        stop(Stop::now);
        return unfinished_parse("the parser's answer was malformed");
    }
    if (!outcome.record.parsed) {
        // libclang survived a crash in the parser, perhaps not in a state to trust.
        stop(Stop::now);
    }
    return outcome;
}

namespace {

void serve_requests(std::uint64_t memory_mib) {
    CXIndex index = clang_createIndex(0, 0);
    std::shared_ptr<const void> held_stand_ins;
    for (;;) {
        const auto [status, request] = receive_message(STDIN_FILENO, std::nullopt);
        if (status != Received::message || !request) {
            break;
        }
        // The last unit's stand-in headers: the AST handed over has been loaded by now.
        held_stand_ins.reset();
        CompileJob job;
        AnalyzerOptions options;
        StandInStart start;
        std::string ast;
        try {
            job.file = request->at("file").get<std::string>();
            job.directory = request->at("directory").get<std::string>();
            request->at("arguments").get_to(job.arguments);
            request->at("inferred").get_to(job.inferred);
            request->at("extra_arguments").get_to(options.extra_arguments);
            request->at("resource_dir").get_to(options.resource_dir);
            request->at("headers").get_to(start.headers);
            request->at("seed").get_to(start.seed);
            request->at("ast").get_to(ast);
        } catch (const nlohmann::json::exception&) {
            break;
        }
        const auto parsed = parse_unit(index, job, options, start);
        bool unsaved = false;
        if (parsed.unit != nullptr) {
            // The AST writer recurses as deep as the code nests, like the parser.
            run_with_stack(deep_stack_bytes, [&] { unsaved = !save_unit(parsed.unit, ast); });
        }
        auto record = record_of(parsed, job);
        if (parsed.parser_failed && memory_mib != 0) {
            // libclang recovers from running out of address space as from any crash.
            *record.note += fmt::format(" (the parser had {} MiB, --tu-memory-limit)", memory_mib);
        }
        if (parsed.unit != nullptr) {
            clang_disposeTranslationUnit(parsed.unit);
        }
        held_stand_ins = parsed.stand_ins;
        if (!send_message(
                STDOUT_FILENO,
                {{"record", record}, {"unsaved", unsaved}, {"learned", parsed.learned}})) {
            break;
        }
    }
    clang_disposeIndex(index);
}

} // namespace

int run_parse_worker(int argc, const char* const* argv) {
    if (argc != 3 || std::string_view(argv[1]) != memory_limit_option) {
        std::cerr << "usage: devmem-scan-worker " << memory_limit_option
                  << " MIB (started by devmem-scan, talks on standard input and output)\n";
        return exit_usage;
    }
    std::uint64_t memory_mib = 0;
    try {
        memory_mib = std::stoull(argv[2]);
    } catch (const std::exception&) {
        std::cerr << "devmem-scan-worker: error: " << memory_limit_option
                  << " takes a number of MiB, not '" << argv[2] << "'\n";
        return exit_usage;
    }
    // AddressSanitizer reserves terabytes of shadow address space up front, so a sanitized
    // worker cannot run under an address-space limit at all.
#if !defined(__SANITIZE_ADDRESS__)
    if (memory_mib != 0) {
        const rlim_t bytes = static_cast<rlim_t>(memory_mib) << 20U;
        const rlimit limit{bytes, bytes};
        ::setrlimit(RLIMIT_AS, &limit);
    }
#endif
    serve_requests(memory_mib);
    return exit_clean;
}

} // namespace devmem::scan::detail
