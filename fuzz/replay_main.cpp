// Stands in for libFuzzer in the main (gcc) build: runs the harness once on every file given,
// and on every file under every directory given, so ctest replays the seed corpora without
// clang. A crash or abort in the harness fails the test like it would fail a fuzzing run.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void replay(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
}

} // namespace

int main(int argc, char** argv) {
    unsigned replayed = 0;
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path location = argv[i];
        if (!std::filesystem::is_directory(location)) {
            replay(location);
            ++replayed;
            continue;
        }
        for (const auto& entry : std::filesystem::recursive_directory_iterator(location)) {
            if (entry.is_regular_file()) {
                replay(entry.path());
                ++replayed;
            }
        }
    }
    std::cout << "replayed " << replayed << " inputs\n";
    // An empty corpus means the seeds were not generated: that must not pass silently.
    return replayed > 0 ? 0 : 1;
}
