#pragma once
// A Hooks implementation for tests: records every call as a line of text
// under a mutex, so a test can assert the exact transitions of a task.

#include "hooks.h"
#include "resource.h"

#include <mutex>
#include <string>
#include <vector>

namespace pollscope::test {

class RecordingHooks : public Hooks {
public:
    struct Entry {
        std::string kind;
        TaskId task = 0;
        TaskId other = 0; // woken_by for wakes, parent for spawns
        std::string text; // name, outcome, await site "file:line", mark text
        // Pending: what the poll waits on (kind Unknown and id 0 when none was noted)
        ResourceKind waits_kind = ResourceKind::Unknown;
        ResourceId waits_id = 0;
        std::string waits_name;
        std::int64_t waits_param = 0;
    };

    void on_spawn(const SpawnInfo& s) override {
        add({"spawn", s.id, s.parent, std::string(s.name)});
    }
    void on_poll_start(TaskId id) override { add({"poll", id, 0, {}}); }
    void on_poll_end(TaskId id, PollResult r, std::source_location site,
                     const Resource* waits_on) override {
        static const char* names[] = {"Pending", "Ready", "Failed"};
        Entry e{names[int(r)], id, 0,
                site.line() ? std::string(site.file_name()) + ":" + std::to_string(site.line())
                            : std::string()};
        if (waits_on) {
            e.waits_kind = waits_on->kind();
            e.waits_id = waits_on->id();
            e.waits_name = std::string(waits_on->name());
            e.waits_param = waits_on->param();
        }
        add(std::move(e));
    }
    /// The Pending entries of one task, in order.
    std::vector<Entry> pendings_of(TaskId id) const {
        std::vector<Entry> out;
        for (auto& e : entries())
            if (e.task == id && e.kind == "Pending")
                out.push_back(e);
        return out;
    }
    void on_wake(TaskId woken, TaskId by) override {
        add({"wake", woken, by, current_wake_source() == WakeSource::Timer ? "timer" : ""});
    }
    void on_cancel(TaskId id) override { add({"cancel", id, 0, {}}); }
    void on_fail(TaskId id, std::exception_ptr) override { add({"fail", id, 0, {}}); }
    void on_yield(TaskId id) override { add({"yield", id, 0, {}}); }
    void on_mark(TaskId id, std::string_view text) override {
        add({"mark", id, 0, std::string(text)});
    }
    void on_shutdown_signal(TaskId id) override { add({"shutdown", id, 0, {}}); }

    std::vector<Entry> entries() const {
        std::lock_guard lk(m_);
        return entries_;
    }
    /// The kinds of one task's entries, in order (e.g. poll, Pending, wake, poll, Ready).
    std::vector<std::string> kinds_of(TaskId id) const {
        std::vector<std::string> out;
        for (auto& e : entries())
            if (e.task == id)
                out.push_back(e.kind);
        return out;
    }
    int count(const std::string& kind, TaskId id) const {
        int n = 0;
        for (auto& e : entries())
            if (e.kind == kind && e.task == id)
                ++n;
        return n;
    }

private:
    void add(Entry e) {
        std::lock_guard lk(m_);
        entries_.push_back(std::move(e));
    }
    mutable std::mutex m_;
    std::vector<Entry> entries_;
};

} // namespace pollscope::test
