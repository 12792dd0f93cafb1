#include "queue_state.h"

#include <algorithm>
#include <map>

namespace pollscope::trace {

namespace {

/// Checkpoints kept at most; beyond, every other one goes and the spacing doubles.
constexpr std::size_t kMaxCheckpoints = 128;

struct Where {
    QueuePlace place = QueuePlace::Nowhere;
    int worker = -1;
};

/// Takes `task` out of `q`: from either end in O(1) (where tasks leave), else by a search.
bool take_out(std::deque<std::uint32_t>& q, std::uint32_t task) {
    if (q.empty())
        return false;
    if (q.front() == task) {
        q.pop_front();
        return true;
    }
    if (q.back() == task) {
        q.pop_back();
        return true;
    }
    const auto it = std::find(q.begin(), q.end(), task);
    if (it == q.end())
        return false;
    q.erase(it);
    return true;
}

} // namespace

struct QueueState::State {
    struct Worker {
        int thread = -1;
        std::uint32_t lifo = 0;
        std::deque<std::uint32_t> run;
    };
    std::size_t pos = 0;
    Event last{};
    std::vector<Worker> workers;
    std::deque<std::uint32_t> injection, channel, local;
    std::uint64_t local_events = 0;
    std::unordered_map<std::uint32_t, Where> where;
    std::vector<std::uint32_t> polling;                     // by thread index
    std::unordered_map<std::uint32_t, std::int64_t> sleeps; // Sleep resource id -> deadline
    std::map<std::uint32_t, std::int64_t> timers;           // task -> deadline
    QueueMove move;
    std::uint64_t steals = 0, queue_events = 0;

    Worker& worker(int w) {
        if (w < 0)
            w = 0; // a malformed file: keep going
        if (std::size_t(w) >= workers.size())
            workers.resize(std::size_t(w) + 1);
        return workers[std::size_t(w)];
    }
    static int worker_of(const Trace& t, std::uint16_t thread) {
        return thread < t.threads.size() ? t.threads[thread].worker : -1;
    }

    /// Takes `task` out of the queue it is in; where it was.
    Where remove(std::uint32_t task) {
        const auto it = where.find(task);
        if (it == where.end())
            return {};
        const Where w = it->second;
        where.erase(it);
        switch (w.place) {
        case QueuePlace::LifoSlot:
            if (std::size_t(w.worker) < workers.size() &&
                workers[std::size_t(w.worker)].lifo == task)
                workers[std::size_t(w.worker)].lifo = 0;
            break;
        case QueuePlace::RunQueue:
            if (std::size_t(w.worker) < workers.size())
                take_out(workers[std::size_t(w.worker)].run, task);
            break;
        case QueuePlace::Injection:
            take_out(injection, task);
            break;
        case QueuePlace::TaskChannel:
            take_out(channel, task);
            break;
        case QueuePlace::LocalSet:
            take_out(local, task);
            break;
        default:
            break;
        }
        return w;
    }

    void push_back(std::uint32_t task, QueuePlace place, int w) {
        remove(task);
        switch (place) {
        case QueuePlace::RunQueue:
            worker(w).run.push_back(task);
            break;
        case QueuePlace::Injection:
            injection.push_back(task);
            break;
        case QueuePlace::TaskChannel:
            channel.push_back(task);
            break;
        case QueuePlace::LocalSet:
            local.push_back(task);
            break;
        default:
            break;
        }
        where[task] = {place, w};
    }

    void apply(const Trace& t, const Event& e);
};

void QueueState::State::apply(const Trace& t, const Event& e) {
    move = {};
    move.thread = e.thread;
    const int own = worker_of(t, e.thread);
    if (own >= 0)
        worker(own).thread = e.thread;
    switch (e.kind) {
    case EventKind::PollStart: {
        const Where from = remove(e.task);
        if (e.thread >= polling.size())
            polling.resize(std::size_t(e.thread) + 1);
        polling[e.thread] = e.task;
        timers.erase(e.task);
        move = {e.kind, e.task, from.place, from.worker, QueuePlace::Polling, own, 0, 0, e.thread};
        break;
    }
    case EventKind::PollEnd:
        if (e.thread < polling.size() && polling[e.thread] == e.task)
            polling[e.thread] = 0;
        if (e.outcome() == Outcome::Pending && e.arg2 != 0)
            if (const auto it = sleeps.find(e.arg2); it != sleeps.end())
                timers[e.task] = it->second;
        break;
    case EventKind::Wake:
        timers.erase(e.task);
        break;
    case EventKind::Cancel: {
        const Where from = remove(e.task);
        timers.erase(e.task);
        if (from.place != QueuePlace::Nowhere)
            move = {e.kind, e.task, from.place, from.worker, QueuePlace::Nowhere,
                    -1,     0,      0,          e.thread};
        break;
    }
    case EventKind::Resource:
        if (e.flag == std::uint8_t(ResourceKind::Sleep))
            sleeps.try_emplace(e.arg, e.ts + std::int64_t(e.arg2) * 1000);
        break;
    case EventKind::Enqueue: {
        ++queue_events;
        const int w = e.arg == kNoWorker ? -1 : int(e.arg);
        const Where from = remove(e.task);
        move = {e.kind, e.task, from.place, from.worker, QueuePlace::Nowhere, w, 0, 0, e.thread};
        switch (QueueKind(e.flag)) {
        case QueueKind::LifoSlot: {
            auto& wq = worker(w);
            if (const std::uint32_t prev = wq.lifo; prev != 0 && prev != e.task) {
                wq.run.push_back(prev);
                where[prev] = {QueuePlace::RunQueue, w};
                move.displaced = prev;
            }
            wq.lifo = e.task;
            where[e.task] = {QueuePlace::LifoSlot, w};
            move.to = QueuePlace::LifoSlot;
            break;
        }
        case QueueKind::RunQueue:
            push_back(e.task, QueuePlace::RunQueue, w);
            move.to = QueuePlace::RunQueue;
            break;
        case QueueKind::Injection:
            push_back(e.task, QueuePlace::Injection, -1);
            move.to = QueuePlace::Injection;
            break;
        case QueueKind::TaskChannel:
            push_back(e.task, QueuePlace::TaskChannel, -1);
            move.to = QueuePlace::TaskChannel;
            break;
        case QueueKind::LocalSet:
            ++local_events;
            push_back(e.task, QueuePlace::LocalSet, -1);
            move.to = QueuePlace::LocalSet;
            break;
        case QueueKind::Overflow: {
            // The oldest count - 1 of the worker's run queue, then the task.
            auto& run = worker(w).run;
            for (std::uint32_t i = 1; i < e.arg2 && !run.empty(); ++i) {
                const std::uint32_t moved = run.front();
                run.pop_front();
                injection.push_back(moved);
                where[moved] = {QueuePlace::Injection, -1};
            }
            push_back(e.task, QueuePlace::Injection, -1);
            move.to = QueuePlace::Injection;
            move.count = e.arg2;
            break;
        }
        }
        break;
    }
    case EventKind::Steal: {
        ++queue_events;
        ++steals;
        const int victim = int(e.arg);
        auto& from = worker(victim).run;
        std::vector<std::uint32_t> taken;
        for (std::uint32_t i = 0; i < e.arg2 && !from.empty(); ++i) {
            taken.push_back(from.front());
            where.erase(from.front());
            from.pop_front();
        }
        remove(e.task); // not among the first arg2 when the order of stamps was off
        for (const std::uint32_t task : taken)
            if (task != e.task && own >= 0)
                push_back(task, QueuePlace::RunQueue, own);
        where[e.task] = {QueuePlace::Stolen, victim};
        move = {e.kind, e.task,  QueuePlace::RunQueue, victim, QueuePlace::Stolen, own, e.arg2,
                0,      e.thread};
        break;
    }
    default:
        break;
    }
    last = e;
    ++pos;
}

std::size_t QueueSnapshot::workers_with_tasks() const {
    return std::size_t(std::count_if(workers.begin(), workers.end(), [](const WorkerQueues& w) {
        return w.lifo != 0 || !w.run_queue.empty();
    }));
}

QueueState::QueueState()
    : state_(std::make_unique<State>()) {}
QueueState::~QueueState() = default;
QueueState::QueueState(QueueState&&) noexcept = default;
QueueState& QueueState::operator=(QueueState&&) noexcept = default;

void QueueState::reset() {
    state_ = std::make_unique<State>();
    checkpoints_.clear();
    spacing_ = 4096;
}

void QueueState::rewind_to(const Trace& trace, std::size_t c) {
    const auto& ev = trace.events;
    for (std::size_t i = checkpoints_.size(); i-- > 0;) {
        const Checkpoint& cp = checkpoints_[i];
        if (cp.pos > c)
            continue;
        if (cp.pos > ev.size() || !(ev[cp.pos - 1] == cp.last)) {
            // Events came in before it (a late thread): it and the later ones are stale.
            checkpoints_.erase(checkpoints_.begin() + std::ptrdiff_t(i), checkpoints_.end());
            continue;
        }
        state_ = std::make_unique<State>(*cp.state);
        return;
    }
    state_ = std::make_unique<State>();
}

void QueueState::replay_to(const Trace& trace, std::size_t c) {
    State& s = *state_;
    while (s.pos < c) {
        s.apply(trace, trace.events[s.pos]);
        if (s.pos % spacing_ == 0 && (checkpoints_.empty() || checkpoints_.back().pos < s.pos)) {
            checkpoints_.push_back({s.pos, s.last, std::make_shared<const State>(s)});
            if (checkpoints_.size() > kMaxCheckpoints) {
                spacing_ *= 2;
                std::vector<Checkpoint> kept;
                for (auto& cp : checkpoints_)
                    if (cp.pos % spacing_ == 0)
                        kept.push_back(std::move(cp));
                checkpoints_ = std::move(kept);
            }
        }
    }
}

QueueSnapshot QueueState::at(const Trace& trace, std::size_t c) {
    c = std::min(c, trace.events.size());
    const State& cur = *state_;
    const bool stale =
        cur.pos > trace.events.size() || (cur.pos > 0 && !(trace.events[cur.pos - 1] == cur.last));
    if (stale || c < cur.pos)
        rewind_to(trace, c);
    replay_to(trace, c);

    const State& s = *state_;
    QueueSnapshot out;
    out.cursor = c;
    std::size_t n = s.workers.size();
    for (const auto& th : trace.threads)
        if (th.worker >= 0)
            n = std::max(n, std::size_t(th.worker) + 1);
    out.workers.resize(n);
    for (std::size_t w = 0; w < n; ++w) {
        auto& o = out.workers[w];
        o.worker = int(w);
        if (w < s.workers.size()) {
            o.thread = s.workers[w].thread;
            o.lifo = s.workers[w].lifo;
            o.run_queue.assign(s.workers[w].run.begin(), s.workers[w].run.end());
        }
    }
    for (std::size_t th = 0; th < s.polling.size(); ++th) {
        if (s.polling[th] == 0)
            continue;
        const int w = th < trace.threads.size() ? trace.threads[th].worker : -1;
        if (w >= 0) {
            out.workers[std::size_t(w)].polling = s.polling[th];
            if (out.workers[std::size_t(w)].thread < 0)
                out.workers[std::size_t(w)].thread = int(th);
        } else {
            out.other_polling.emplace_back(std::uint16_t(th), s.polling[th]);
        }
    }
    out.injection.assign(s.injection.begin(), s.injection.end());
    out.task_channel.assign(s.channel.begin(), s.channel.end());
    out.local_set.assign(s.local.begin(), s.local.end());
    out.local_set_events = s.local_events;
    for (const auto& [task, deadline] : s.timers)
        out.timers.push_back({deadline, task});
    std::sort(out.timers.begin(), out.timers.end(),
              [](const TimerDeadline& a, const TimerDeadline& b) {
                  return a.deadline != b.deadline ? a.deadline < b.deadline : a.task < b.task;
              });
    out.last = s.move;
    out.steals = s.steals;
    out.queue_events = s.queue_events;
    return out;
}

} // namespace pollscope::trace
