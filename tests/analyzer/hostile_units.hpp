#pragma once

// Translation units that no parser limit lets through whole, shared by the tests of the limits.

#include <string>

// Preprocessor output that doubles with every level: 2^28 tokens, far more time and memory than
// any test allows. It mentions the device, so the prefilter lets it through.
std::string exploding_unit();

// A unary chain deeper than clang's parser survives even on the 256 MiB stack: libclang recovers
// from the crash. `prefix` goes first (an open of the device that is still found lexically).
std::string crashing_unit(const std::string& prefix);
