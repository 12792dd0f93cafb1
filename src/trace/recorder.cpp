#include "recorder.h"
#include "block_arena.h"

#include "clock.h"
#include "time_driver.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define POLLSCOPE_TRACE_TSC 1
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <queue>
#include <thread>
#include <tuple>
#include <type_traits>

namespace pollscope::trace {

namespace {

/// 16 bytes in a chunk: an event without its thread (the chunk's) and with its
/// time stamp as a delta from the thread's previous record; arg2 up to 0xffff
/// inline, larger in a preceding kArg2 record.
struct Rec {
    std::uint32_t dkey = 0;
    std::uint32_t task = 0;
    std::uint32_t arg = 0;
    std::uint8_t kind = 0;
    std::uint8_t flag = 0;
    std::uint16_t arg2 = 0;
};
static_assert(sizeof(Rec) == TraceRecorder::kRecordBytes, "chunk records are 16 bytes");

// Internal record kinds, never delivered (not EventKind values: file format).
constexpr std::uint8_t kRecVirtualTime = 0xf0; // task/arg: low/high of the virtual time
constexpr std::uint8_t kRecFullKey = 0xf1;     // task/arg: low/high of the absolute stamp
constexpr std::uint8_t kRecArg2 = 0xf2;        // arg: the next event's arg2
constexpr std::uint32_t kMaxRecordsPerEvent = 4;
// A Yield record's flag bit: the task's self-wake followed it (yield_now's
// wake_by_ref), in the low bits its WakeSource. One record, two events.
constexpr std::uint8_t kYieldWokeSelf = 0x80;

std::int64_t join64(std::uint32_t lo, std::uint32_t hi) {
    return static_cast<std::int64_t>(std::uint64_t(lo) | (std::uint64_t(hi) << 32));
}

std::uint64_t next_uid() {
    static std::atomic<std::uint64_t> uid{1};
    return uid.fetch_add(1, std::memory_order_relaxed);
}

std::int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// The hot path's time stamp: CPU ticks (invariant TSC) or steady ns.
inline std::int64_t read_ticks() noexcept {
#ifdef POLLSCOPE_TRACE_TSC
    return static_cast<std::int64_t>(__rdtsc());
#else
    return steady_ns();
#endif
}

/// Nanoseconds per tick, measured once per process over ~2 ms.
double calibrated_ns_per_tick() {
#ifdef POLLSCOPE_TRACE_TSC
    static const double rate = [] {
        const std::int64_t t0 = read_ticks(), n0 = steady_ns();
        std::int64_t t1 = t0, n1 = n0;
        while (n1 - n0 < 2'000'000) {
            t1 = read_ticks();
            n1 = steady_ns();
        }
        return t1 > t0 ? double(n1 - n0) / double(t1 - t0) : 1.0;
    }();
    return rate;
#else
    return 1.0;
#endif
}

/// The recorder this thread wrote to last and its slot there.
struct TlsCache {
    std::uint64_t uid = 0;
    TraceRecorder::ThreadSlot* slot = nullptr;
};
thread_local TlsCache tls_cache;

} // namespace

/// 64 KiB of records, written by one thread, read by any under the mutex.
struct TraceRecorder::Chunk {
    static constexpr std::uint32_t kCapacity = (64 * 1024 - 64) / sizeof(Rec);
    /// records | events << 32, published with release by the writer.
    std::atomic<std::uint64_t> count{0};
    std::uint64_t seq = 0;
    bool retired = false; // its writer moved on (under the mutex); only then recyclable
    std::uint16_t thread = 0;
    std::int64_t base_key = 0; // the writer's stamp and virtual time before records[0]
    std::int64_t base_vt = 0;
    Rec records[kCapacity];
};
static_assert(std::is_trivially_destructible_v<TraceRecorder::Chunk>,
              "chunks live in chunk_memory_ and are never destroyed one by one");

/// One per recording thread; only that thread touches these fields.
struct TraceRecorder::ThreadSlot {
    std::thread::id id;
    std::uint16_t index = 0;
    Chunk* current = nullptr;
    std::uint32_t records = 0; // in current (mirrors its count, no atomic load)
    std::uint32_t events = 0;
    std::int64_t last_key = 0; // stamp of the last record
    std::int64_t vt = 0;       // virtual time of the last record
    bool in_poll = false;      // between a poll start and its end on this thread
    bool yield_held = false;   // a Yield not written yet: it may merge with its self-wake
    std::uint32_t yield_task = 0;
    bool stamped = false; // a record of this thread has a time stamp (last_key, vt)
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
    struct RecentSite {
        SiteKey key{nullptr, 0, 0};
        std::uint32_t id = 0;
    };
    RecentSite recent[16]; // direct-mapped in front of `sites`: no hashing per poll end
    struct RecentIdentity {
        const void* identity = nullptr;
        std::uint32_t id = 0;
    };
    RecentIdentity recent_identity[16]; // in front of `recent`: one compare per poll end
};

/// Records of one chunk a reader copied under the mutex, decoded after.
struct TraceRecorder::Span {
    std::uint16_t thread = 0;
    std::int64_t key = 0; // state before the first record
    std::int64_t vt = 0;
    std::size_t offset = 0; // into the reader's record buffer
    std::size_t count = 0;
    int partial = -1; // index of the cursor entry to update with the end state
};

TimeSource TimeSource::of_clock(std::shared_ptr<Clock> clock) {
    TimeSource t;
    t.clock_ = std::move(clock);
    return t;
}

std::int64_t TimeSource::operator()() const {
    if (clock_)
        return clock_->now().count();
    if (fn_)
        return fn_();
    return steady_ns();
}

TraceRecorder::TraceRecorder(RecorderOptions options)
    : uid_(next_uid())
    , options_(std::move(options))
    , chunk_memory_(std::make_unique<BlockArena>(sizeof(Chunk))) {
    if (const auto& clock = options_.time.clock(); clock && clock->is_virtual())
        options_.virtual_time = true;
    tables_.virtual_time = options_.virtual_time;
    if (options_.ring_capacity > 0)
        ring_chunks_ = (options_.ring_capacity + Chunk::kCapacity - 1) / Chunk::kCapacity;
    if (const auto& clock = options_.time.clock(); clock && clock->is_virtual()) {
        mode_ = TimeMode::Virtual;
        vclock_ = clock.get();
    } else if (!clock && options_.time.function()) {
        mode_ = TimeMode::Custom;
    }
    if (mode_ != TimeMode::Custom)
        calibrated_ns_per_tick();
    add_anchor_locked(); // no other thread knows this recorder yet
    ns_base_ = anchors_.front().ns;
    if (const auto& clock = options_.time.clock(); clock && !clock->is_virtual())
        ns_base_ -= clock->now().count(); // the clock's own time base
}

TraceRecorder::~TraceRecorder() = default; // the chunks' memory goes with chunk_memory_

TimeSource TraceRecorder::clock_time(std::shared_ptr<Clock> clock) {
    return TimeSource::of_clock(std::move(clock));
}

void TraceRecorder::add_anchor_locked() {
    const std::int64_t t0 = read_ticks();
    const std::int64_t ns = steady_ns();
    const std::int64_t t1 = read_ticks();
    const Anchor a{t0 + (t1 - t0) / 2, ns};
    if (!anchors_.empty()) {
        const Anchor& last = anchors_.back();
        // At least ~1 ms apart, so that each segment's rate is accurate.
        if (a.ns - last.ns < 1'000'000 || a.ticks <= last.ticks)
            return;
    }
    anchors_.push_back(a);
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
        if (const char* given = trace_thread_name())
            info.name = intern_string_locked(given);
        else if (pthread_getname_np(pthread_self(), name, sizeof name) == 0)
            info.name = intern_string_locked(name);
        tables_.threads.push_back(info);
        new_chunk_locked(*t);
        slot = t.get();
        threads_.push_back(std::move(t));
    }
    tls_cache = {uid_, slot};
    return *slot;
}

std::uint32_t TraceRecorder::events_in(const Chunk& c) const {
    return static_cast<std::uint32_t>(c.count.load(std::memory_order_acquire) >> 32);
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
            const auto events = events_in(*old);
            dropped_ += events;
            dropped_records_ +=
                static_cast<std::uint32_t>(old->count.load(std::memory_order_acquire));
            dropped_chunks_.emplace(old->seq, events);
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
        c = new (chunk_memory_->allocate()) Chunk;
    if (t.current)
        t.current->retired = true;
    c->retired = false;
    c->count.store(0, std::memory_order_relaxed);
    c->seq = next_seq_++;
    c->thread = t.index;
    c->base_key = t.last_key;
    c->base_vt = t.vt;
    chunks_.emplace(c->seq, c);
    t.current = c;
    t.records = 0;
    t.events = 0;
}

void TraceRecorder::next_chunk(ThreadSlot& t) {
    std::lock_guard lock(mutex_);
    new_chunk_locked(t);
}

// Inlined into every hook (as it was before it grew the held-yield check,
// which made GCC call it: 1.1 ns more per event of a yielding poll).
[[gnu::always_inline]] inline void TraceRecorder::push(ThreadSlot& t, EventKind kind,
                                                       std::uint32_t task, std::uint32_t arg,
                                                       std::uint32_t arg2, std::uint8_t flag,
                                                       bool in_poll_stamp, bool follows_poll,
                                                       std::uint32_t events) {
    if (t.yield_held) [[unlikely]] // anything else comes between: the yield alone
        write_held_yield(t);
    std::int64_t key;
    std::int64_t vt = t.vt;
    if (kind == EventKind::Enqueue && t.stamped) {
        // An enqueue: the stamp (and virtual time) of the wake, spawn or
        // poll end just before it on this thread, whatever the time source:
        // a worker may take the task before this call, and must not sort
        // before it.
        key = t.last_key;
    } else if (follows_poll && mode_ == TimeMode::Ticks) {
        // A poll its worker starts right after its last one: the stamp of
        // this thread's previous record (that poll's end, or a wake since),
        // no clock read. Earlier than the truth by the worker's pick of the
        // next task, a few tens of ns, which then counts in this poll.
        key = t.last_key;
    } else if (in_poll_stamp && t.in_poll && mode_ != TimeMode::Custom) {
        // A task's yield or self-wake inside its poll: the stamp of this
        // thread's previous record, no clock read. Earlier than the truth by at
        // most the poll so far, never later; the statistics do not depend on it
        // (a task woken while running is scheduled from its poll's end).
        key = t.last_key;
    } else if (mode_ == TimeMode::Ticks) [[likely]] {
        key = read_ticks();
    } else if (mode_ == TimeMode::Virtual) {
        vt = vclock_->now().count(); // one acquire load
        key = read_ticks();
    } else {
        key = options_.time.function()();
    }
    if (t.records + kMaxRecordsPerEvent > Chunk::kCapacity) [[unlikely]]
        next_chunk(t);
    Rec* r = t.current->records + t.records;
    if (vt != t.vt) [[unlikely]] {
        *r++ = Rec{0, static_cast<std::uint32_t>(vt),
                   static_cast<std::uint32_t>(std::uint64_t(vt) >> 32), kRecVirtualTime};
        t.vt = vt;
    }
    std::uint64_t delta = std::uint64_t(key) - std::uint64_t(t.last_key);
    if (delta > 0xffff'ffffu) [[unlikely]] {
        delta = 0;
        if (key > t.last_key) { // a long silence: a full stamp (a step back stays 0)
            *r++ = Rec{0, static_cast<std::uint32_t>(key),
                       static_cast<std::uint32_t>(std::uint64_t(key) >> 32), kRecFullKey};
            t.last_key = key;
        }
    } else {
        t.last_key = key;
    }
    std::uint16_t inline_arg2 = static_cast<std::uint16_t>(arg2);
    if (arg2 > 0xffff) [[unlikely]] {
        *r++ = Rec{0, 0, arg2, kRecArg2};
        inline_arg2 = 0;
    }
    *r++ = Rec{static_cast<std::uint32_t>(delta), task, arg,
               static_cast<std::uint8_t>(kind),   flag, inline_arg2};
    t.records = static_cast<std::uint32_t>(r - t.current->records);
    t.stamped = true;
    t.events += events;
    t.current->count.store(std::uint64_t(t.records) | (std::uint64_t(t.events) << 32),
                           std::memory_order_release);
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

namespace {
/// What tells one call site's source_location from another's with one
/// compare: libstdc++'s is a single pointer to the site's static data, the
/// same at every use of the site. nullptr where it is not (or for none).
const void* site_identity(const std::source_location& loc) noexcept {
    const void* identity = nullptr;
    if constexpr (sizeof(std::source_location) == sizeof(const void*) &&
                  std::is_trivially_copyable_v<std::source_location>)
        std::memcpy(static_cast<void*>(&identity), &loc, sizeof identity);
    return identity;
}
} // namespace

std::uint32_t TraceRecorder::cached_location(ThreadSlot& t, const std::source_location& loc) {
    const void* identity = site_identity(loc);
    if (!identity)
        return cached_location_by_key(t, loc);
    auto& recent = t.recent_identity[(reinterpret_cast<std::uintptr_t>(identity) >> 4) & 15];
    if (recent.identity == identity) [[likely]]
        return recent.id;
    const std::uint32_t id = cached_location_by_key(t, loc);
    recent = {identity, id};
    return id;
}

std::uint32_t TraceRecorder::cached_location_by_key(ThreadSlot& t,
                                                    const std::source_location& loc) {
    if (loc.line() == 0)
        return 0;
    const ThreadSlot::SiteKey key{loc.file_name(), loc.line(), loc.column()};
    auto& recent = t.recent[(loc.line() ^ (reinterpret_cast<std::uintptr_t>(key.file) >> 4)) & 15];
    if (recent.key == key) [[likely]]
        return recent.id;
    std::uint32_t id = 0;
    if (auto it = t.sites.find(key); it != t.sites.end()) {
        id = it->second;
    } else {
        id = intern_location(loc);
        t.sites.emplace(key, id);
    }
    recent = {key, id};
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
    auto& t = thread_slot();
    push(t, EventKind::PollStart, static_cast<std::uint32_t>(id), 0, 0, 0, false,
         pollscope::detail::take_poll_follows_poll());
    t.in_poll = true;
}

std::uint32_t TraceRecorder::resource_id(ThreadSlot& t, const Resource& r) {
    const std::uint32_t id = r.id();
    if (r.exchange_tag(uid_) != uid_) [[unlikely]] {
        // First time for this recorder: describe it, stamped as the poll (no clock read).
        std::uint32_t arg2 = 0;
        switch (r.kind()) {
        case ResourceKind::Sleep: {
            // The time left now (µs), which the trace adds to this event's
            // time: the Sleep knows its deadline on its runtime's clock.
            const TimeDriver* driver = TimeDriver::current();
            const std::int64_t left =
                driver ? r.param() - driver->clock().now().count() : r.param();
            arg2 =
                static_cast<std::uint32_t>(std::clamp<std::int64_t>(left / 1000, 0, 0xffff'ffff));
            break;
        }
        case ResourceKind::JoinHandle:
            arg2 = static_cast<std::uint32_t>(r.param());
            break;
        default:
            arg2 = r.name().empty() ? 0 : intern_string(r.name());
            break;
        }
        push(t, EventKind::Resource, 0, id, arg2, static_cast<std::uint8_t>(r.kind()), true);
    }
    return id;
}

void TraceRecorder::on_poll_end(TaskId id, PollResult result, std::source_location await_site,
                                const Resource* waits_on) {
    auto& t = thread_slot();
    if (t.yield_held) // with the poll's stamp, as inside it
        write_held_yield(t);
    const std::uint32_t resource =
        waits_on && result == PollResult::Pending ? resource_id(t, *waits_on) : 0;
    t.in_poll = false;
    push(t, EventKind::PollEnd, static_cast<std::uint32_t>(id), cached_location(t, await_site),
         resource, static_cast<std::uint8_t>(result));
}

void TraceRecorder::on_wake(TaskId woken, TaskId woken_by) {
    auto& t = thread_slot();
    const auto source = static_cast<std::uint8_t>(current_wake_source());
    if (t.yield_held && woken == woken_by && t.yield_task == woken && source < kYieldWokeSelf)
        [[likely]] {
        // yield_now's own wake: one record for both events, the yield's stamp.
        t.yield_held = false;
        push(t, EventKind::Yield, t.yield_task, 0, 0, kYieldWokeSelf | source, true, false, 2);
        return;
    }
    // Only a self-wake reuses the poll's stamp: another task's scheduled time
    // starts at this wake and must not include the rest of the waker's poll.
    push(t, EventKind::Wake, static_cast<std::uint32_t>(woken),
         static_cast<std::uint32_t>(woken_by), 0, source, woken == woken_by && woken != 0);
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
    // Held until the next hook on this thread: yield_now wakes its task right
    // after, and both go into one record (see on_wake).
    auto& t = thread_slot();
    if (t.yield_held)
        write_held_yield(t);
    if (!t.in_poll) { // no poll end will follow to write it
        push(t, EventKind::Yield, static_cast<std::uint32_t>(id), 0, 0, 0, true);
        return;
    }
    t.yield_held = true;
    t.yield_task = static_cast<std::uint32_t>(id);
}

void TraceRecorder::write_held_yield(ThreadSlot& t) {
    t.yield_held = false;
    push(t, EventKind::Yield, t.yield_task, 0, 0, 0, true);
}

void TraceRecorder::on_channel_send(ChannelKind kind, const void* channel) {
    // Inside a poll, the stamp of this thread's previous record (no clock
    // read): never later than the send, so still before the receive that
    // takes the value (which reads the clock), and before the wake it sends.
    const auto p = reinterpret_cast<std::uintptr_t>(channel);
    push(thread_slot(), EventKind::ChannelSend, static_cast<std::uint32_t>(current_task_id()),
         static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(std::uint64_t(p) >> 32),
         static_cast<std::uint8_t>(kind), true);
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

void TraceRecorder::on_enqueue(TaskId id, QueueKind queue, int worker, std::uint32_t count) {
    // Stamped as this thread's previous record (no clock read, see push()):
    // an enqueue follows the wake, spawn or poll end that caused it.
    push(thread_slot(), EventKind::Enqueue, static_cast<std::uint32_t>(id),
         static_cast<std::uint32_t>(worker), count, static_cast<std::uint8_t>(queue));
}

void TraceRecorder::on_steal(TaskId run_now, int victim, std::uint32_t count) {
    // Reads the clock: its order against the victim's own pushes matters.
    push(thread_slot(), EventKind::Steal, static_cast<std::uint32_t>(run_now),
         static_cast<std::uint32_t>(victim), count);
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

namespace {

/// Ticks to nanoseconds: linear between anchors, the long-run rate outside.
class TickMap {
public:
    TickMap(std::vector<std::pair<std::int64_t, std::int64_t>> anchors, double tail_rate)
        : a_(std::move(anchors))
        , rate_(tail_rate) {}
    std::int64_t operator()(std::int64_t k) {
        if (k >= a_.back().first)
            return a_.back().second + std::llround(double(k - a_.back().first) * rate_);
        if (k < a_.front().first)
            return a_.front().second - std::llround(double(a_.front().first - k) * rate_);
        if (!(a_[hint_].first <= k && k < a_[hint_ + 1].first)) {
            auto it = std::upper_bound(a_.begin(), a_.end(), k,
                                       [](std::int64_t v, const auto& p) { return v < p.first; });
            hint_ = std::size_t(it - a_.begin()) - 1;
        }
        const auto& [t0, n0] = a_[hint_];
        const auto& [t1, n1] = a_[hint_ + 1];
        return n0 + std::llround(double(k - t0) * double(n1 - n0) / double(t1 - t0));
    }

private:
    std::vector<std::pair<std::int64_t, std::int64_t>> a_;
    double rate_;
    std::size_t hint_ = 0;
};

/// One thread's decoded events (ts = stamp) and, on a virtual clock, times.
struct Run {
    std::vector<Event> events;
    std::vector<std::int64_t> vts;
    std::size_t pos = 0;
};

} // namespace

void TraceRecorder::deliver(std::vector<Span>& spans, const void* records_buf,
                            std::vector<Event>& out, std::vector<ReadCursor::Partial>* partial,
                            std::vector<std::pair<std::int64_t, std::int64_t>> anchors,
                            double tail_rate) {
    const Rec* buf = static_cast<const Rec*>(records_buf);
    const bool virt = mode_ == TimeMode::Virtual;
    std::vector<Run> runs;
    std::size_t total = 0;
    for (const Span& sp : spans) {
        if (runs.size() <= sp.thread)
            runs.resize(sp.thread + 1u);
        Run& run = runs[sp.thread];
        std::int64_t key = sp.key, vt = sp.vt;
        std::uint32_t arg2 = 0;
        bool have_arg2 = false;
        std::uint32_t events = 0;
        for (std::size_t i = 0; i < sp.count; ++i) {
            const Rec& r = buf[sp.offset + i];
            switch (r.kind) {
            case kRecVirtualTime:
                vt = join64(r.task, r.arg);
                continue;
            case kRecFullKey:
                key = join64(r.task, r.arg);
                continue;
            case kRecArg2:
                arg2 = r.arg;
                have_arg2 = true;
                continue;
            default:
                break;
            }
            key += r.dkey;
            Event e;
            e.ts = key;
            e.task = r.task;
            e.arg = r.arg;
            e.arg2 = have_arg2 ? arg2 : r.arg2;
            e.thread = sp.thread;
            e.kind = static_cast<EventKind>(r.kind);
            e.flag = r.flag;
            have_arg2 = false;
            const bool woke_self = e.kind == EventKind::Yield && (e.flag & kYieldWokeSelf) != 0;
            if (woke_self)
                e.flag = 0;
            run.events.push_back(e);
            if (virt)
                run.vts.push_back(vt);
            ++events;
            if (woke_self) { // the yield's self-wake, at the same instant
                Event w = e;
                w.kind = EventKind::Wake;
                w.arg = e.task;
                w.arg2 = 0;
                w.flag = static_cast<std::uint8_t>(r.flag & ~kYieldWokeSelf);
                run.events.push_back(w);
                if (virt)
                    run.vts.push_back(vt);
                ++events;
            }
        }
        total += events;
        if (partial && sp.partial >= 0) {
            auto& p = (*partial)[std::size_t(sp.partial)];
            p.records += static_cast<std::uint32_t>(sp.count);
            p.events += events;
            p.key = key;
            p.vt = vt;
        }
    }

    // Merge the threads' runs by time, then stamp (equal: lower thread index
    // first). On a virtual clock the time is each event's virtual time: a
    // thread's virtual times and stamps both only grow, so its run is in that
    // order already, and an event's time never depends on which drain read it
    // (a merge by stamp alone would have to raise a time that a preempted
    // writer read before another thread's). Otherwise the stamps decide and
    // the times, converted per anchor, are raised where rounding steps back.
    TickMap to_ns(std::move(anchors), tail_rate);
    out.reserve(out.size() + total);
    std::int64_t last = INT64_MIN;
    auto emit = [&](Run& run) {
        Event e = run.events[run.pos];
        if (virt) {
            e.ts = run.vts[run.pos];
        } else {
            if (mode_ == TimeMode::Ticks)
                e.ts = to_ns(e.ts) - ns_base_;
            e.ts = std::max(e.ts, last);
            last = e.ts;
        }
        ++run.pos;
        out.push_back(e);
    };
    using Head = std::tuple<std::int64_t, std::int64_t, std::size_t>; // (time, stamp, thread)
    auto head_of = [&](std::size_t i) {
        const Run& run = runs[i];
        return Head{virt ? run.vts[run.pos] : 0, run.events[run.pos].ts, i};
    };
    std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
    for (std::size_t i = 0; i < runs.size(); ++i)
        if (!runs[i].events.empty())
            heads.push(head_of(i));
    while (!heads.empty()) {
        const std::size_t i = std::get<2>(heads.top());
        heads.pop();
        Run& run = runs[i];
        auto earliest = [&] { // is run i still first?
            if (run.pos >= run.events.size())
                return false;
            return heads.empty() || head_of(i) < heads.top();
        };
        do // stay on this run while it is still the earliest
            emit(run);
        while (earliest());
        if (run.pos < run.events.size())
            heads.push(head_of(i));
    }
}

DrainResult TraceRecorder::drain(ReadCursor& cursor, std::vector<Event>& out, Trace* tables) {
    DrainResult r;
    std::vector<Span> spans;
    std::vector<Rec> buf;
    std::vector<ReadCursor::Partial> still_partial;
    std::vector<std::pair<std::int64_t, std::int64_t>> anchors;
    double tail_rate = 1.0;
    {
        std::lock_guard lock(mutex_);
        auto copy = [&](const Chunk& c, std::uint32_t from, std::int64_t key, std::int64_t vt,
                        const ReadCursor::Partial& pos) {
            const std::uint32_t n =
                static_cast<std::uint32_t>(c.count.load(std::memory_order_acquire));
            Span sp{c.thread, key, vt, buf.size(), n > from ? n - from : 0u, -1};
            buf.insert(buf.end(), c.records + from, c.records + std::max(n, from));
            if (!c.retired) { // its writer may add more
                sp.partial = static_cast<int>(still_partial.size());
                still_partial.push_back(pos);
            }
            spans.push_back(sp);
        };
        // Chunks seen before but still being written then, oldest first.
        for (const auto& p : cursor.partial) {
            auto it = chunks_.find(p.chunk);
            if (it == chunks_.end()) { // recycled
                auto d = dropped_chunks_.find(p.chunk);
                if (d != dropped_chunks_.end())
                    r.missed += d->second - p.events;
                continue;
            }
            copy(*it->second, p.records, p.key, p.vt, p);
        }
        for (auto it = chunks_.lower_bound(cursor.next_chunk); it != chunks_.end(); ++it) {
            const Chunk& c = *it->second;
            copy(c, 0, c.base_key, c.base_vt,
                 ReadCursor::Partial{c.seq, 0, 0, c.base_key, c.base_vt});
        }
        for (auto d = dropped_chunks_.lower_bound(cursor.next_chunk); d != dropped_chunks_.end();
             ++d)
            r.missed += d->second;
        cursor.next_chunk = next_seq_;
        if (mode_ == TimeMode::Ticks) {
            add_anchor_locked(); // after the copies: every copied stamp is older
            std::int64_t lowest = INT64_MAX;
            for (const Span& sp : spans)
                lowest = std::min(lowest, sp.key);
            auto it = std::upper_bound(anchors_.begin(), anchors_.end(), lowest,
                                       [](std::int64_t v, const Anchor& a) { return v < a.ticks; });
            if (it != anchors_.begin())
                --it;
            for (; it != anchors_.end(); ++it)
                anchors.emplace_back(it->ticks, it->ns);
            tail_rate = tail_rate_locked();
        }

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
    }
    const std::size_t before = out.size();
    deliver(spans, buf.data(), out, &still_partial, std::move(anchors), tail_rate);
    cursor.partial = std::move(still_partial);
    r.events = out.size() - before;
    return r;
}

DrainResult TraceRecorder::drain(ReadCursor& cursor, TraceDelta& delta) {
    Trace tables;
    tables.strings.clear(); // receive exactly the entries past the cursor
    tables.locations.clear();
    delta.strings_from = cursor.strings;
    delta.locations_from = cursor.locations;
    delta.events.clear();
    const DrainResult r = drain(cursor, delta.events, &tables);
    delta.strings = std::move(tables.strings);
    delta.locations = std::move(tables.locations);
    delta.threads = std::move(tables.threads);
    delta.dropped = tables.dropped;
    delta.missed = r.missed;
    delta.virtual_time = tables.virtual_time;
    delta.now = now();
    return r;
}

bool apply_tables(Trace& tables, TraceDelta& d) {
    auto grow = [](auto& mine, std::size_t from, auto& theirs) {
        for (std::size_t i = 0; i < theirs.size(); ++i)
            if (from + i >= mine.size())
                mine.push_back(std::move(theirs[i]));
        theirs.clear();
    };
    grow(tables.strings, d.strings_from, d.strings);
    grow(tables.locations, d.locations_from, d.locations);
    tables.virtual_time = tables.virtual_time || d.virtual_time;
    tables.dropped = std::max(tables.dropped, d.dropped);
    if (d.threads.size() < tables.threads.size() || d.threads == tables.threads)
        return false;
    tables.threads = std::move(d.threads);
    return true;
}

std::int64_t TraceRecorder::now() const {
    switch (mode_) {
    case TimeMode::Virtual:
        return vclock_->now().count();
    case TimeMode::Custom:
        return options_.time();
    case TimeMode::Ticks:
        break;
    }
    return steady_ns() - ns_base_;
}

double TraceRecorder::tail_rate_locked() const {
    const Anchor& a = anchors_.front();
    const Anchor& b = anchors_.back();
    if (b.ns - a.ns >= 50'000'000 && b.ticks > a.ticks)
        return double(b.ns - a.ns) / double(b.ticks - a.ticks);
    return calibrated_ns_per_tick();
}

Trace TraceRecorder::snapshot() {
    Trace t;
    std::vector<Span> spans;
    std::vector<Rec> buf;
    std::vector<std::pair<std::int64_t, std::int64_t>> anchors;
    double tail_rate = 1.0;
    {
        std::lock_guard lock(mutex_);
        std::size_t total = 0;
        for (auto& [seq, c] : chunks_)
            total += static_cast<std::uint32_t>(c->count.load(std::memory_order_acquire));
        buf.reserve(total);
        for (auto& [seq, c] : chunks_) {
            const auto n = static_cast<std::uint32_t>(c->count.load(std::memory_order_acquire));
            spans.push_back(Span{c->thread, c->base_key, c->base_vt, buf.size(), n, -1});
            buf.insert(buf.end(), c->records, c->records + n);
        }
        if (mode_ == TimeMode::Ticks) {
            add_anchor_locked();
            for (const Anchor& a : anchors_)
                anchors.emplace_back(a.ticks, a.ns);
            tail_rate = tail_rate_locked();
        }
        t.strings = tables_.strings;
        t.locations = tables_.locations;
        t.threads = tables_.threads;
        t.dropped = dropped_;
        t.virtual_time = tables_.virtual_time;
    }
    deliver(spans, buf.data(), t.events, nullptr, std::move(anchors), tail_rate);
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
        n += events_in(*c);
    return n;
}

std::uint64_t TraceRecorder::recorded_bytes() const {
    std::lock_guard lock(mutex_);
    std::uint64_t records = dropped_records_;
    for (auto& [seq, c] : chunks_)
        records += static_cast<std::uint32_t>(c->count.load(std::memory_order_acquire));
    return records * kRecordBytes;
}

// A broadcast's receivers: rare (not per poll), each reads the clock.
void TraceRecorder::on_broadcast_subscribe(const void* channel) {
    const auto p = reinterpret_cast<std::uintptr_t>(channel);
    push(thread_slot(), EventKind::BroadcastSubscribe,
         static_cast<std::uint32_t>(current_task_id()), static_cast<std::uint32_t>(p),
         static_cast<std::uint32_t>(std::uint64_t(p) >> 32),
         static_cast<std::uint8_t>(ChannelKind::Broadcast));
}

void TraceRecorder::on_broadcast_unsubscribe(const void* channel) {
    const auto p = reinterpret_cast<std::uintptr_t>(channel);
    push(thread_slot(), EventKind::BroadcastUnsubscribe,
         static_cast<std::uint32_t>(current_task_id()), static_cast<std::uint32_t>(p),
         static_cast<std::uint32_t>(std::uint64_t(p) >> 32),
         static_cast<std::uint8_t>(ChannelKind::Broadcast));
}

void TraceRecorder::on_broadcast_lag(const void* channel, std::uint64_t missed) {
    const auto p = reinterpret_cast<std::uintptr_t>(channel);
    push(thread_slot(), EventKind::BroadcastLag, static_cast<std::uint32_t>(current_task_id()),
         static_cast<std::uint32_t>(p),
         static_cast<std::uint32_t>(std::min<std::uint64_t>(missed, 0xffffffffu)),
         static_cast<std::uint8_t>(ChannelKind::Broadcast));
}

} // namespace pollscope::trace
