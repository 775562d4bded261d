#include "large_stack.hpp"

#include <csignal>
#include <exception>
#include <pthread.h>
#include <sys/mman.h>

namespace devmem::scan::detail {

namespace {

// Beyond the end of the stack, so that a frame larger than a page cannot step over the guard
// into other memory instead of faulting.
constexpr std::size_t guard_bytes = std::size_t{1} << 20U;
constexpr std::size_t signal_stack_bytes = std::size_t{256} << 10U;

struct Task {
    const std::function<void()>* work;
    std::exception_ptr error;
};

// Input nested deeper than even the deep stack allows overflows it inside libclang's parser.
// libclang runs a parse under its crash recovery, whose SIGSEGV handler abandons the parse
// (clang_parseTranslationUnit2 returns CXError_Crashed), but a handler cannot run on the stack
// that overflowed: it needs an alternate signal stack, and SA_ONSTACK, which libclang does not
// ask for.
void run_handlers_on_alternate_stack() {
    for (const int signal : {SIGSEGV, SIGBUS}) {
        struct sigaction action {};
        if (sigaction(signal, nullptr, &action) == 0 && action.sa_handler != SIG_DFL &&
            action.sa_handler != SIG_IGN && (action.sa_flags & SA_ONSTACK) == 0) {
            action.sa_flags |= SA_ONSTACK;
            sigaction(signal, &action, nullptr);
        }
    }
}

// This thread's alternate signal stack while it lives; the one it had (a sanitizer's) is put
// back before it ends, as whoever made that one unmaps it then.
class AlternateSignalStack {
public:
    AlternateSignalStack() {
        memory_ = mmap(nullptr, signal_stack_bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (memory_ == MAP_FAILED) {
            return;
        }
        stack_t ours{};
        ours.ss_sp = memory_;
        ours.ss_size = signal_stack_bytes;
        installed_ = sigaltstack(&ours, &previous_) == 0;
    }
    AlternateSignalStack(const AlternateSignalStack&) = delete;
    AlternateSignalStack& operator=(const AlternateSignalStack&) = delete;
    ~AlternateSignalStack() {
        if (installed_) {
            if ((previous_.ss_flags & SS_DISABLE) != 0) {
                stack_t none{};
                none.ss_flags = SS_DISABLE;
                sigaltstack(&none, nullptr);
            } else {
                sigaltstack(&previous_, nullptr);
            }
        }
        if (memory_ != MAP_FAILED) {
            munmap(memory_, signal_stack_bytes);
        }
    }

private:
    void* memory_ = MAP_FAILED;
    stack_t previous_{};
    bool installed_ = false;
};

void* run_task(void* data) {
    auto& task = *static_cast<Task*>(data);
    const AlternateSignalStack signal_stack;
    try {
        (*task.work)();
    } catch (...) {
        task.error = std::current_exception();
    }
    return nullptr;
}

} // namespace

void run_with_stack(std::size_t bytes, const std::function<void()>& work) {
    Task task{&work, nullptr};
    pthread_attr_t attributes;
    pthread_t thread{};
    bool started = false;
    if (pthread_attr_init(&attributes) == 0) {
        run_handlers_on_alternate_stack();
        started = pthread_attr_setstacksize(&attributes, bytes) == 0 &&
                  pthread_attr_setguardsize(&attributes, guard_bytes) == 0 &&
                  pthread_create(&thread, &attributes, run_task, &task) == 0;
        pthread_attr_destroy(&attributes);
    }
    if (!started) {
        work();
        return;
    }
    pthread_join(thread, nullptr);
    if (task.error) {
        std::rethrow_exception(task.error);
    }
}

} // namespace devmem::scan::detail
