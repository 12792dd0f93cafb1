#include "recorder.h"

#include "clock.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>

namespace pollscope::trace {

/// 64 KiB of events, written by one thread, read by any under the mutex.
struct TraceRecorder::Chunk {
    static constexpr std::uint32_t kCapacity = (64 * 1024 - 64) / sizeof(Event);
    std::atomic<std::uint32_t> count{0}; // published with release by the writer
    std::uint64_t seq = 0;
    bool retired = false; // its writer moved on (under the mutex); only then recyclable
    Event events[kCapacity];
};

/// One per recording thread; only that thread touches current's tail and cache.
struct TraceRecorder::ThreadSlot {
    std::thread::id id;
    std::uint16_t index = 0;
    Chunk* current = nullptr;
    struct SiteKey {
        const char* file;
        std::uint_least32_t line, column;
        bool operator==(const SiteKey&) const = default;
    };
    struct SiteHash {
        std::size_t operator()(const SiteKey& k) const noexcept {
            return std::hash<const void*>()(k.file) ^
                   (std::size_t(k.line) * 0x9e3779b97f4a7c15ull) ^ k.column;
        }
    };
    std::unordered_map<SiteKey, std::uint32_t, SiteHash> sites; // location cache, no lock
};

namespace {

std::uint64_t next_uid() {
    static std::atomic<std::uint64_t> uid{1};
    return uid.fetch_add(1, std::memory_order_relaxed);
}

std::int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// The recorder this thread wrote to last and its slot there.
struct TlsCache {
    std::uint64_t uid = 0;
    TraceRecorder::ThreadSlot* slot = nullptr;
};
thread_local TlsCache tls_cache;

} // namespace

TraceRecorder::TraceRecorder(RecorderOptions options)
    : uid_(next_uid())
    , options_(std::move(options))
    , origin_ns_(steady_ns()) {
    tables_.virtual_time = options_.virtual_time;
    if (options_.ring_capacity > 0)
        ring_chunks_ = (options_.ring_capacity + Chunk::kCapacity - 1) / Chunk::kCapacity;
}

TraceRecorder::~TraceRecorder() {
    for (auto& [seq, c] : chunks_)
        delete c;
    for (auto* c : free_chunks_)
        delete c;
}

TimeSource TraceRecorder::clock_time(std::shared_ptr<Clock> clock) {
    return [clock = std::move(clock)] { return std::int64_t(clock->now().count()); };
}

std::int64_t TraceRecorder::now() const {
    if (options_.time)
        return options_.time();
    return steady_ns() - origin_ns_;
}

TraceRecorder::ThreadSlot& TraceRecorder::thread_slot() {
    auto& cache = tls_cache;
    if (cache.uid == uid_) [[likely]]
        return *cache.slot;
    return thread_slot_slow();
}

TraceRecorder::ThreadSlot& TraceRecorder::thread_slot_slow() {
    std::lock_guard lock(mutex_);
    const auto me = std::this_thread::get_id();
    ThreadSlot* slot = nullptr;
    for (auto& t : threads_)
        if (t->id == me)
            slot = t.get();
    if (!slot) {
        auto t = std::make_unique<ThreadSlot>();
        t->id = me;
        t->index = static_cast<std::uint16_t>(threads_.size());
        ThreadInfo info;
        info.os_id = static_cast<std::uint64_t>(::syscall(SYS_gettid));
        char name[32] = {};
        if (pthread_getname_np(pthread_self(), name, sizeof name) == 0)
            info.name = intern_string_locked(name);
        tables_.threads.push_back(info);
        new_chunk_locked(*t);
        slot = t.get();
        threads_.push_back(std::move(t));
    }
    tls_cache = {uid_, slot};
    return *slot;
}

void TraceRecorder::new_chunk_locked(ThreadSlot& t) {
    Chunk* c = nullptr;
    if (ring_chunks_ > 0) {
        // Recycle the oldest retired chunks beyond the ring. A thread's current
        // chunk stays even when full: its writer only notices at its next event.
        for (auto it = chunks_.begin();
             chunks_.size() >= ring_chunks_ + threads_.size() + 1 && it != chunks_.end();) {
            Chunk* old = it->second;
            if (!old->retired) { // still its thread's current chunk, even if full
                ++it;
                continue;
            }
            dropped_ += Chunk::kCapacity;
            it = chunks_.erase(it);
            if (!c)
                c = old;
            else
                free_chunks_.push_back(old);
        }
    }
    if (!c && !free_chunks_.empty()) {
        c = free_chunks_.back();
        free_chunks_.pop_back();
    }
    if (!c)
        c = new Chunk;
    if (t.current)
        t.current->retired = true;
    c->retired = false;
    c->count.store(0, std::memory_order_relaxed);
    c->seq = next_seq_++;
    chunks_.emplace(c->seq, c);
    t.current = c;
}

void TraceRecorder::push(ThreadSlot& t, EventKind kind, std::uint32_t task, std::uint32_t arg,
                         std::uint32_t arg2, std::uint8_t flag) {
    const std::int64_t ts = now();
    Chunk* c = t.current;
    std::uint32_t n = c->count.load(std::memory_order_relaxed); // only this thread stores it
    if (n == Chunk::kCapacity) [[unlikely]] {
        std::lock_guard lock(mutex_);
        new_chunk_locked(t);
        c = t.current;
        n = 0;
    }
    Event& e = c->events[n];
    e.ts = ts;
    e.task = task;
    e.arg = arg;
    e.arg2 = arg2;
    e.thread = t.index;
    e.kind = kind;
    e.flag = flag;
    c->count.store(n + 1, std::memory_order_release);
}

std::uint32_t TraceRecorder::intern_string_locked(std::string_view s) {
    if (s.empty())
        return 0;
    auto [it, inserted] =
        string_ids_.try_emplace(std::string(s), static_cast<std::uint32_t>(tables_.strings.size()));
    if (inserted)
        tables_.strings.emplace_back(s);
    return it->second;
}

std::uint32_t TraceRecorder::intern_string(std::string_view s) {
    std::lock_guard lock(mutex_);
    return intern_string_locked(s);
}

std::uint32_t TraceRecorder::intern_location(const std::source_location& loc) {
    if (loc.line() == 0 && (!loc.file_name() || !*loc.file_name()))
        return 0;
    std::lock_guard lock(mutex_);
    SourceLoc l;
    l.file = intern_string_locked(loc.file_name());
    l.function = intern_string_locked(loc.function_name());
    l.line = loc.line();
    l.column = loc.column();
    std::string key = std::to_string(l.file) + ':' + std::to_string(l.line) + ':' +
                      std::to_string(l.column) + ':' + std::to_string(l.function);
    auto [it, inserted] =
        location_ids_.try_emplace(key, static_cast<std::uint32_t>(tables_.locations.size()));
    if (inserted)
        tables_.locations.push_back(l);
    return it->second;
}

std::uint32_t TraceRecorder::cached_location(ThreadSlot& t, const std::source_location& loc) {
    if (loc.line() == 0)
        return 0;
    const ThreadSlot::SiteKey key{loc.file_name(), loc.line(), loc.column()};
    if (auto it = t.sites.find(key); it != t.sites.end())
        return it->second;
    const auto id = intern_location(loc);
    t.sites.emplace(key, id);
    return id;
}

void TraceRecorder::on_spawn(const SpawnInfo& info) {
    auto& t = thread_slot();
    const auto task = static_cast<std::uint32_t>(info.id);
    push(t, EventKind::Spawn, task, static_cast<std::uint32_t>(info.parent),
         cached_location(t, info.location));
    if (!info.name.empty())
        push(t, EventKind::TaskName, task, intern_string(info.name));
}

void TraceRecorder::on_poll_start(TaskId id) {
    push(thread_slot(), EventKind::PollStart, static_cast<std::uint32_t>(id));
}

void TraceRecorder::on_poll_end(TaskId id, PollResult result, std::source_location await_site) {
    auto& t = thread_slot();
    push(t, EventKind::PollEnd, static_cast<std::uint32_t>(id), cached_location(t, await_site), 0,
         static_cast<std::uint8_t>(result));
}

void TraceRecorder::on_wake(TaskId woken, TaskId woken_by) {
    push(thread_slot(), EventKind::Wake, static_cast<std::uint32_t>(woken),
         static_cast<std::uint32_t>(woken_by));
}

void TraceRecorder::on_cancel(TaskId id) {
    push(thread_slot(), EventKind::Cancel, static_cast<std::uint32_t>(id));
}

void TraceRecorder::on_fail(TaskId id, std::exception_ptr error) {
    std::string message = "unknown exception";
    if (error) {
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            message = e.what();
        } catch (...) {
        }
    }
    auto& t = thread_slot();
    push(t, EventKind::Fail, static_cast<std::uint32_t>(id), intern_string(message));
}

void TraceRecorder::on_yield(TaskId id) {
    push(thread_slot(), EventKind::Yield, static_cast<std::uint32_t>(id));
}

void TraceRecorder::on_channel_send(ChannelKind kind, const void* channel) {
    const auto p = reinterpret_cast<std::uintptr_t>(channel);
    push(thread_slot(), EventKind::ChannelSend, static_cast<std::uint32_t>(current_task_id()),
         static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(std::uint64_t(p) >> 32),
         static_cast<std::uint8_t>(kind));
}

void TraceRecorder::on_channel_recv(ChannelKind kind, const void* channel) {
    const auto p = reinterpret_cast<std::uintptr_t>(channel);
    push(thread_slot(), EventKind::ChannelRecv, static_cast<std::uint32_t>(current_task_id()),
         static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(std::uint64_t(p) >> 32),
         static_cast<std::uint8_t>(kind));
}

void TraceRecorder::on_shutdown_signal(TaskId sender) {
    push(thread_slot(), EventKind::Shutdown, static_cast<std::uint32_t>(sender));
}

void TraceRecorder::on_mark(TaskId task, std::string_view text) {
    auto& t = thread_slot();
    push(t, EventKind::Mark, static_cast<std::uint32_t>(task), intern_string(text));
}

void TraceRecorder::on_worker_start(int index, const char* thread_name) {
    auto& t = thread_slot();
    std::uint32_t name = 0;
    {
        std::lock_guard lock(mutex_);
        name = intern_string_locked(thread_name ? thread_name : "");
        auto& info = tables_.threads[t.index];
        info.worker = index;
        if (name)
            info.name = name;
    }
    push(t, EventKind::WorkerStart, 0, static_cast<std::uint32_t>(index), name);
}

DrainResult TraceRecorder::drain(ReadCursor& cursor, std::vector<Event>& out, Trace* tables) {
    DrainResult r;
    const std::size_t before = out.size();
    std::lock_guard lock(mutex_);
    auto copy = [&](const Chunk& c, std::uint32_t from) {
        const std::uint32_t n = c.count.load(std::memory_order_acquire);
        if (n > from)
            out.insert(out.end(), c.events + from, c.events + n);
        return n;
    };
    // Chunks seen before but not full then, oldest first (keeps per-thread order).
    std::vector<std::pair<std::uint64_t, std::uint32_t>> still_partial;
    for (auto [seq, read] : cursor.partial) {
        auto it = chunks_.find(seq);
        if (it == chunks_.end()) { // recycled: it was full
            r.missed += Chunk::kCapacity - read;
            continue;
        }
        const auto n = copy(*it->second, read);
        if (n < Chunk::kCapacity)
            still_partial.emplace_back(seq, n);
    }
    std::uint64_t present = 0;
    for (auto it = chunks_.lower_bound(cursor.next_chunk); it != chunks_.end(); ++it) {
        ++present;
        const auto n = copy(*it->second, 0);
        if (n < Chunk::kCapacity)
            still_partial.emplace_back(it->first, n);
    }
    r.missed += (next_seq_ - cursor.next_chunk - present) * Chunk::kCapacity;
    cursor.next_chunk = next_seq_;
    cursor.partial = std::move(still_partial);
    r.events = out.size() - before;

    if (tables) {
        const auto& ts = tables_.strings;
        for (std::size_t i = std::max<std::size_t>(cursor.strings, tables->strings.size());
             i < ts.size(); ++i)
            tables->strings.push_back(ts[i]);
        const auto& tl = tables_.locations;
        for (std::size_t i = std::max<std::size_t>(cursor.locations, tables->locations.size());
             i < tl.size(); ++i)
            tables->locations.push_back(tl[i]);
        tables->threads = tables_.threads; // small, and entries change on worker start
        tables->virtual_time = tables_.virtual_time;
        tables->dropped = dropped_;
        cursor.strings = ts.size();
        cursor.locations = tl.size();
        cursor.threads = tables_.threads.size();
    }
    return r;
}

Trace TraceRecorder::snapshot() {
    Trace t;
    {
        std::lock_guard lock(mutex_);
        std::size_t total = 0;
        for (auto& [seq, c] : chunks_)
            total += c->count.load(std::memory_order_acquire);
        t.events.reserve(total);
        for (auto& [seq, c] : chunks_) {
            const auto n = c->count.load(std::memory_order_acquire);
            t.events.insert(t.events.end(), c->events, c->events + n);
        }
        t.strings = tables_.strings;
        t.locations = tables_.locations;
        t.threads = tables_.threads;
        t.dropped = dropped_;
        t.virtual_time = tables_.virtual_time;
    }
    sort_events(t.events);
    return t;
}

std::uint64_t TraceRecorder::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

std::uint64_t TraceRecorder::recorded() const {
    std::lock_guard lock(mutex_);
    std::uint64_t n = dropped_;
    for (auto& [seq, c] : chunks_)
        n += c->count.load(std::memory_order_acquire);
    return n;
}

} // namespace pollscope::trace
