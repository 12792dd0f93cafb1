// trace::Recording (issue 15, item 2): one object records every Runtime
// created while it lives and writes the file when it ends, atomically; the
// environment route (POLLSCOPE_TRACE, POLLSCOPE_TRACE_RING); ring mode says
// how many events it dropped; a write that fails reports and keeps the old file.
#include "default_hooks.h"
#include "file_size_limit.h"
#include "json_import.h"
#include "recording.h"
#include "runtime.h"
#include "yield_now.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

using namespace pollscope;
using namespace pollscope::trace;

namespace {

Task<int> yielder(int times) {
    for (int i = 0; i < times; ++i)
        co_await yield_now();
    co_return times;
}

/// A parent that spawns two named children and joins them.
Task<int> family() {
    auto a = spawn(yielder(2), "child-a");
    auto b = spawn(yielder(3), "child-b");
    co_return co_await a + co_await b;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return in ? s.str() : std::string("<unreadable>");
}

bool file_exists(const std::string& path) {
    return ::access(path.c_str(), F_OK) == 0;
}

Trace import_file(const std::string& path) {
    ImportError error;
    auto t = import_trace_json(read_file(path), &error);
    if (!t)
        throw std::runtime_error(path + ": " + error.to_string());
    return *t;
}

/// Names of the tasks spawned in the trace.
QStringList task_names(const Trace& t) {
    QStringList names;
    for (const auto& e : t.events)
        if (e.kind == EventKind::TaskName)
            names << QString::fromStdString(std::string(t.string(e.arg)));
    names.sort();
    return names;
}

/// What the code in its scope writes on stderr (the file descriptor).
class StderrCapture {
public:
    explicit StderrCapture(const std::string& path)
        : path_(path) {
        std::fflush(stderr);
        saved_ = ::dup(2);
        std::FILE* f = std::fopen(path.c_str(), "w");
        ::dup2(::fileno(f), 2);
        std::fclose(f);
    }
    ~StderrCapture() { restore(); }
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;
    std::string text() {
        restore();
        return read_file(path_);
    }

private:
    void restore() {
        if (saved_ < 0)
            return;
        std::fflush(stderr);
        ::dup2(saved_, 2);
        ::close(saved_);
        saved_ = -1;
    }
    std::string path_;
    int saved_ = -1;
};

/// Restores (unsets) an environment variable at the end of a test.
class EnvVar {
public:
    EnvVar(const char* name, const char* value)
        : name_(name) {
        qputenv(name, value);
    }
    ~EnvVar() { qunsetenv(name_); }
    EnvVar(const EnvVar&) = delete;
    EnvVar& operator=(const EnvVar&) = delete;

private:
    const char* name_;
};

} // namespace

class TestRecording : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

private slots:
    void writes_every_runtime_when_destroyed() {
        const std::string file = path("family.pollscope.json");
        {
            Recording recording{file};
            QCOMPARE(default_hooks().get(), static_cast<Hooks*>(&recording.recorder()));
            {
                Runtime first({.workers = 2});
                QCOMPARE(first.block_on(family(), "family"), 5);
            }
            Runtime second({.workers = 1});
            QCOMPARE(second.block_on(yielder(4), "second runtime"), 4);
            QVERIFY2(!file_exists(file), "written before the recording ended");
        }
        QVERIFY(file_exists(file));
        QVERIFY(!default_hooks()); // runtimes from now on are not recorded
        const Trace t = import_file(file);
        QCOMPARE(task_names(t), QStringList({"child-a", "child-b", "family", "second runtime"}));
        int polls = 0, yields = 0;
        for (const auto& e : t.events) {
            polls += e.kind == EventKind::PollStart;
            yields += e.kind == EventKind::Yield;
        }
        QCOMPARE(yields, 2 + 3 + 4);
        QVERIFY(polls >= 1 + 3 + 4 + 5);
        QCOMPARE(t.dropped, std::uint64_t(0));
    }

    void runtime_with_its_own_hooks_is_left_alone() {
        const std::string file = path("own_hooks.json");
        TraceRecorder own;
        {
            Recording recording{file};
            Runtime rt({.workers = 1, .hooks = &own});
            QCOMPARE(rt.block_on(yielder(1), "own"), 1);
        }
        QVERIFY(task_names(import_file(file)).isEmpty());
        QCOMPARE(task_names(own.snapshot()), QStringList({"own"}));
    }

    void one_recording_at_a_time() {
        Recording first{path("first.json")};
        QVERIFY_THROWS_EXCEPTION(std::logic_error, Recording{path("second.json")});
        QCOMPARE(default_hooks().get(), static_cast<Hooks*>(&first.recorder()));
    }

    void environment_variable() {
        {
            qunsetenv("POLLSCOPE_TRACE");
            QVERIFY(Recording::from_env() == nullptr);
        }
        const std::string file = path("from_env.json");
        const EnvVar trace("POLLSCOPE_TRACE", file.c_str());
        const EnvVar ring("POLLSCOPE_TRACE_RING", "0");
        StderrCapture err(path("env_stderr.txt"));
        {
            auto recording = Recording::from_env();
            QVERIFY(recording);
            QCOMPARE(recording->path(), file);
            Runtime rt({.workers = 1});
            rt.block_on(yielder(2), "env task");
        }
        const std::string said = err.text();
        QVERIFY2(said.find("trace written to " + file) != std::string::npos, said.c_str());
        QCOMPARE(task_names(import_file(file)), QStringList({"env task"}));
    }

    void environment_ring_must_be_a_number() {
        const EnvVar trace("POLLSCOPE_TRACE", path("bad_ring.json").c_str());
        const EnvVar ring("POLLSCOPE_TRACE_RING", "lots");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Recording::from_env());
        QVERIFY(!default_hooks());
    }

    void ring_mode_keeps_the_last_events_and_counts_the_dropped() {
        const std::string file = path("ring.json");
        std::uint64_t recorded = 0;
        std::uint64_t dropped = 0;
        {
            Recording recording{file, {.ring_capacity = 1000}};
            {
                Runtime rt({.workers = 1});
                // 4 events per yield (poll start, yield, wake, poll end): ~80k events.
                QCOMPARE(rt.block_on(yielder(20000), "long run"), 20000);
            }
            recorded = recording.recorder().recorded();
            dropped = recording.dropped();
            QVERIFY2(recording.finish(), "the ring's trace was not written");
        }
        const Trace t = import_file(file);
        QVERIFY2(dropped > 0, "nothing dropped: the ring did not bound the run");
        QCOMPARE(t.dropped, dropped);
        QVERIFY(t.events.size() >= 1000);
        QVERIFY(t.events.size() < 20000);
        QCOMPARE(t.events.size() + t.dropped, recorded);
        // the last events are kept: the task's final poll ends Ready
        auto last_end = std::find_if(t.events.rbegin(), t.events.rend(),
                                     [](const Event& e) { return e.kind == EventKind::PollEnd; });
        QVERIFY(last_end != t.events.rend());
        QCOMPARE(last_end->outcome(), PollResult::Ready);
    }

    void failed_write_keeps_the_old_file_and_reports() {
        const std::string file = path("kept.json");
        const std::string old_bytes = "the previous trace, which must survive\n";
        { std::ofstream(file, std::ios::binary) << old_bytes; }
        std::string error;
        StderrCapture err(path("finish_stderr.txt"));
        {
            Recording recording{file};
            Runtime rt({.workers = 1});
            rt.block_on(yielder(200), "big enough");
            const FileSizeLimit limit(512); // a full disk
            QVERIFY(limit.ok());
            QVERIFY(!recording.finish(&error));
            QVERIFY(!recording.finish()); // later calls give the same answer
        }
        QVERIFY2(error.find("cannot write " + file) != std::string::npos, error.c_str());
        // told to finish()'s caller: the destructor does not repeat it
        const std::string said = err.text();
        QVERIFY2(said.empty(), said.c_str());
        QCOMPARE(read_file(file), old_bytes);
        QCOMPARE(QDir(dir_.path()).entryList({"kept.json*"}, QDir::Files).size(), 1);
    }

    void destructor_reports_on_stderr() {
        const std::string file = path("no/such/folder/trace.json");
        StderrCapture err(path("dtor_stderr.txt"));
        {
            Recording recording{file};
            Runtime rt({.workers = 1});
            rt.block_on(yielder(1), "lost");
        }
        const std::string said = err.text();
        QVERIFY2(said.find("warning: the trace " + file + " cannot be created") !=
                     std::string::npos,
                 said.c_str());
        QVERIFY2(said.find("pollscope: cannot write " + file + ": No such file or directory") !=
                     std::string::npos,
                 said.c_str());
    }
};

QTEST_GUILESS_MAIN(TestRecording)
#include "test_recording.moc"
