// Fuzz target: the trace importer. Any input either imports or yields an
// error naming a place inside the input; never a crash, hang or leak.
#include "json_import.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    pollscope::trace::ImportError err;
    if (!pollscope::trace::import_trace_json(in, &err) &&
        (err.offset > size || err.message.empty() || err.line < 1 || err.column < 1))
        std::abort(); // an error must say what and where
    return 0;
}
