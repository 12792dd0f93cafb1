// Fuzz target: the export round trip. A file the importer accepts exports
// (Chrome JSON and CSV) without crashing, and the exported JSON imports
// again to an equal trace.
#include "chrome_json.h"
#include "csv_export.h"
#include "json_import.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace pollscope::trace;
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    auto t = import_trace_json(in);
    if (!t)
        return 0;
    const std::string json = to_chrome_json(*t);
    ImportError err;
    auto back = import_trace_json(json, &err);
    if (!back) {
        std::fprintf(stderr, "re-import failed: %s\n", err.to_string().c_str());
        std::abort();
    }
    if (!(*back == *t)) {
        std::fprintf(stderr, "re-imported trace differs from the original\n");
        std::abort();
    }
    std::size_t csv_bytes = 0;
    if (!write_csv(*t, [&](std::string_view b) {
            csv_bytes += b.size();
            return true;
        }))
        std::abort();
    return 0;
}
