#include "hostile_units.hpp"

std::string exploding_unit() {
    std::string text = "const char *device = \"/dev/mem\";\n#define E0 1 +\n";
    for (int level = 1; level <= 28; ++level) {
        text += "#define E" + std::to_string(level) + " E" + std::to_string(level - 1) + " E" +
                std::to_string(level - 1) + "\n";
    }
    return text + "int explode = E28 1;\n";
}

std::string crashing_unit(const std::string& prefix) {
    std::string text = prefix + "int negated(int a) { return ";
    for (int i = 0; i < 50000; ++i) {
        text += "- ";
    }
    return text + "a; }\n";
}
