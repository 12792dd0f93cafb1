// Fuzz target: what `pollscope --summary` does with a file it accepted:
// statistics, the task table, the warnings (UBSan catches overflow there).
#include "cli.h"
#include "json_import.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    if (auto t = pollscope::trace::import_trace_json(in))
        (void)pollscope::cli::summary_text(QStringLiteral("fuzz"), *t);
    return 0;
}
