#include "large_stack.hpp"

#include <exception>
#include <pthread.h>

namespace devmem::scan::detail {

namespace {

struct Task {
    const std::function<void()>* work;
    std::exception_ptr error;
};

void* run_task(void* data) {
    auto& task = *static_cast<Task*>(data);
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
        started = pthread_attr_setstacksize(&attributes, bytes) == 0 &&
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
