// A small web-crawler-like fan-out on Pollscope's executor, recorded to a
// trace file: one fetch task per page discovered (spawned as links come in),
// the pages sent back over a bounded mpsc channel (capacity 2: a fetcher
// waits while the crawler is busy), and a progress task that runs until the
// crawler broadcasts the shutdown.
//
//   crawler [TRACE_FILE [PAGES]]      (default crawl.pollscope.json, 13 pages)
//
// With POLLSCOPE_SERVE=SOCKET it also serves its events live: it waits (up to
// a minute) for `pollscope --attach SOCKET`, then crawls a hundred times slower,
// so that the crawl unfolds before the viewer's eyes; the viewer's Shutdown
// button stops the crawl early, and its Pause and Step (a step gate) hold the
// crawl's polls and let them through one at a time.
//
// Written against the installed public headers only (<pollscope/...>).
#include <pollscope/broadcast.h>
#include <pollscope/join_handle.h>
#include <pollscope/mpsc.h>
#include <pollscope/recording.h>
#include <pollscope/runtime.h>
#include <pollscope/select.h>
#include <pollscope/time_driver.h>
#include <pollscope/unit.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using pollscope::Task;
using pollscope::Unit;

// The site: page N links to pages 3N+1..3N+3 below g_pages (a tree).
int g_pages = 13;
// How much slower than the timers below pages "download" (100 when watched live).
int g_slowness = 1;
std::atomic<bool> g_stop{false}; // a viewer asked for shutdown

struct Page {
    int id = 0;
    std::vector<int> links;
};

std::vector<int> links_of(int page) {
    std::vector<int> links;
    for (int k = 1; k <= 3; ++k)
        if (3 * page + k < g_pages && !g_stop.load())
            links.push_back(3 * page + k);
    return links;
}

// "Downloads" a page (a timer stands in for the network) and sends it back.
Task<void> fetch(int page, pollscope::mpsc::Sender<Page> pages) {
    co_await pollscope::sleep(std::chrono::milliseconds((1 + (page * 7) % 4) * g_slowness));
    pollscope::mark("fetched /page/" + std::to_string(page));
    // A named value, not a temporary inside co_await (GCC 12 mishandles those).
    Page fetched{page, links_of(page)};
    co_await pages.send(std::move(fetched));
}

// Reports every few milliseconds until the shutdown broadcast arrives.
Task<int> progress(pollscope::broadcast::Receiver<Unit> shutdown) {
    int ticks = 0;
    for (;;) {
        auto r = co_await pollscope::select(shutdown.recv(), pollscope::sleep(3ms));
        if (r.index == 0)
            co_return ticks;
        ++ticks;
    }
}

Task<int> crawl() {
    auto [shutdown, shutdown_rx] = pollscope::broadcast::channel<Unit>(1, "shutdown");
    auto reporter = pollscope::spawn(progress(std::move(shutdown_rx)), "progress");
    auto [pages_tx, pages_rx] = pollscope::mpsc::channel<Page>(2, "pages");

    std::vector<pollscope::JoinHandle<void>> fetchers;
    std::set<int> seen{0};
    fetchers.push_back(pollscope::spawn(fetch(0, pages_tx), "fetch /page/0"));
    std::size_t crawled = 0;
    while (crawled < seen.size()) {
        auto page = co_await pages_rx.recv();
        if (!page)
            break;
        ++crawled;
        for (int link : page->links)
            if (seen.insert(link).second)
                fetchers.push_back(
                    pollscope::spawn(fetch(link, pages_tx), "fetch /page/" + std::to_string(link)));
    }
    for (auto& f : fetchers)
        co_await f;
    shutdown.send(Unit{});
    pollscope::note_shutdown_signal();
    const int ticks = co_await reporter;
    std::printf("crawled %zu pages with %zu fetch tasks (progress ticked %d times)\n", crawled,
                fetchers.size(), ticks);
    co_return static_cast<int>(crawled);
}

} // namespace

int main(int argc, char** argv) {
    const char* path = argc > 1 ? argv[1] : "crawl.pollscope.json";
    if (argc > 2)
        g_pages = std::max(1, std::atoi(argv[2]));
    try {
        // The one line: every runtime created while it lives is recorded, and
        // the file is written (atomically) when it goes out of scope.
        pollscope::trace::RecordingOptions options;
        if (const char* socket = std::getenv("POLLSCOPE_SERVE"); socket && *socket) {
            options.serve = socket;   // and served live,
            options.step_gate = true; // the viewer's Pause and Step holding its polls
        }
        pollscope::trace::Recording recording{path, options};
        if (!options.serve.empty()) {
            recording.on_shutdown_request([] { g_stop.store(true); });
            std::printf("serving on %s: pollscope --attach %s\n", options.serve.c_str(),
                        options.serve.c_str());
            std::fflush(stdout);
            if (recording.wait_for_viewer(std::chrono::minutes(1)))
                g_slowness = 100;
        }
        pollscope::Runtime runtime({.workers = 2});
        const int crawled = runtime.block_on(crawl(), "crawl");
        runtime.shutdown();
        std::string error;
        if (!recording.finish(&error)) {
            std::fprintf(stderr, "crawler: %s\n", error.c_str());
            return 1;
        }
        std::printf("trace of %d pages written to %s\n", crawled, path);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "crawler: %s\n", e.what());
        return 1;
    }
    return 0;
}
