#include "example_catalog.h"

namespace pollscope::app {

const std::vector<ExampleInfo>& examples() {
    // The examples registry (src/examples) is not there yet: the app's own
    // demonstrations stand in, with the same ids.
    static const std::vector<ExampleInfo> all = builtin_examples();
    return all;
}

const ExampleInfo* find_example(const QString& id) {
    for (const auto& e : examples())
        if (e.id == id)
            return &e;
    return nullptr;
}

} // namespace pollscope::app
