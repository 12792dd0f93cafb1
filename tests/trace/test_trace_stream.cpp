// The live stream (issue 15, item 3), in one process: a Recording serving on
// a Unix socket, a StreamClient attached to it. The viewer receives exactly
// the events recorded, tables first, then deltas, ends with the program's end
// frame; the decoder reads the stream in any pieces and refuses what is not
// one; the server replaces a stale socket, refuses a second viewer while one
// is attached, gives a later viewer everything again, and runs the program's
// shutdown handler when asked. Commands (pause, step n, run) are checked as
// they are read; a version-1 program's hello is still read (no step gate).
// With stop_when_viewer_leaves, the recording stops when the viewer leaves,
// at poll boundaries: its file holds whole polls and nothing after.
#include "fan_out_workload.h"
#include "json_import.h"
#include "recording.h"
#include "runtime.h"
#include "stream_client.h"
#include "trace_server.h"
#include "trace_stream.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace pollscope;
using namespace pollscope::trace;
using namespace std::chrono_literals;

namespace {

/// Events in one order whatever the drains' boundaries were, without their
/// times: the recorder converts ticks to nanoseconds with the anchors of the
/// drain that reads them, so a live reader's times may differ by a hair from
/// a later snapshot's.
std::vector<Event> timeless(std::vector<Event> v) {
    for (auto& e : v)
        e.ts = 0;
    std::sort(v.begin(), v.end(), [](const Event& a, const Event& b) {
        return std::tie(a.thread, a.task, a.kind, a.arg, a.arg2, a.flag) <
               std::tie(b.thread, b.task, b.kind, b.arg, b.arg2, b.flag);
    });
    return v;
}

/// What a viewer gathers: every delta applied to one trace, until the end.
struct Gathered {
    Trace trace;
    StreamClient::State state = StreamClient::State::Attached;
};

Gathered gather(StreamClient& client, std::chrono::milliseconds limit = 20s) {
    Gathered g;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    const auto take = [&] {
        TraceDelta d;
        client.drain(d);
        g.trace.events.insert(g.trace.events.end(), d.events.begin(), d.events.end());
        d.events.clear();
        apply_tables(g.trace, d);
    };
    while (client.state() == StreamClient::State::Attached &&
           std::chrono::steady_clock::now() < deadline) {
        take();
        std::this_thread::sleep_for(1ms); // polling, as a live view does; no timing assumed
    }
    g.state = client.state();
    take(); // what arrived with the end
    return g;
}

std::string socket_in(const QTemporaryDir& dir, const char* name = "s") {
    return dir.filePath(name).toStdString();
}

} // namespace

class TestTraceStream : public QObject {
    Q_OBJECT
private slots:
    void frames_read_in_any_pieces() {
        // A real delta (tables and events of a run), split into several
        // frames, fed to the decoder in random pieces down to one byte.
        auto recorder = std::make_shared<TraceRecorder>();
        {
            Runtime rt({.workers = 2, .hooks = recorder.get()});
            QCOMPARE(rt.block_on(test::fan_out(20, 5), "fan out"), 100);
        }
        TraceDelta all;
        ReadCursor cursor;
        recorder->drain(cursor, all);
        QVERIFY(all.events.size() > 200);
        std::string bytes;
        append_hello(bytes, StreamHello{.pid = 42, .program = "prog"});
        for (std::size_t first = 0; first < all.events.size(); first += 100)
            append_delta(bytes, all, first == 0, first == 0, first, 100);
        append_end(bytes, StreamEnd{.events = all.events.size()});

        std::mt19937 random(7);
        StreamDecoder decoder;
        Trace got;
        std::optional<StreamEnd> end;
        std::size_t at = 0;
        while (at < bytes.size()) {
            const std::size_t n = std::min<std::size_t>(bytes.size() - at, 1 + random() % 300);
            decoder.feed(std::string_view(bytes).substr(at, n));
            at += n;
            StreamDecoder::Message m;
            while (decoder.next(m)) {
                if (m.hello) {
                    QCOMPARE(m.hello->pid, 42u);
                    QCOMPARE(m.hello->program, std::string("prog"));
                }
                if (m.delta) {
                    got.events.insert(got.events.end(), m.delta->events.begin(),
                                      m.delta->events.end());
                    apply_tables(got, *m.delta);
                }
                if (m.end)
                    end = m.end;
            }
            QVERIFY2(decoder.error().empty(), decoder.error().c_str());
        }
        QVERIFY(end);
        QCOMPARE(end->events, std::uint64_t(all.events.size()));
        const Trace expected = recorder->snapshot();
        QCOMPARE(got.events, all.events);
        QCOMPARE(got.strings, expected.strings);
        QCOMPARE(got.locations, expected.locations);
        QCOMPARE(got.threads, expected.threads);
    }

    void refuses_what_is_not_a_stream_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("error");
        std::string hello;
        append_hello(hello, StreamHello{});
        std::string bad_magic = hello;
        bad_magic[5] = 'X';
        std::string bad_version = hello;
        bad_version[9] = 9;
        QTest::newRow("no hello first") << QByteArray::fromStdString([] {
            std::string s;
            append_end(s, {});
            return s;
        }()) << "does not start with a hello";
        QTest::newRow("magic") << QByteArray::fromStdString(bad_magic) << "wrong magic";
        QTest::newRow("version") << QByteArray::fromStdString(bad_version) << "version";
        QTest::newRow("huge frame") << QByteArray("\xff\xff\xff\x7f\x01", 5) << "frame of";
        // A delta whose event names a thread no table has.
        TraceDelta d;
        d.strings = {""};
        d.locations = {SourceLoc{}};
        d.events = {Event{.ts = 1, .task = 1, .thread = 3, .kind = EventKind::PollStart}};
        std::string no_thread = hello;
        append_delta(no_thread, d, true, true);
        QTest::newRow("thread out of range")
            << QByteArray::fromStdString(no_thread) << "thread index out of range";
        d.threads = {ThreadInfo{}};
        d.events = {Event{.ts = 1, .task = 0, .thread = 0, .kind = EventKind::PollStart}};
        std::string no_task = hello;
        append_delta(no_task, d, true, true);
        QTest::newRow("task 0") << QByteArray::fromStdString(no_task) << "task 0";
        // A delta frame of 9 bytes: far too short for its fields.
        const std::string cut =
            no_task.substr(0, hello.size()) + std::string("\x09\x00\x00\x00\x02", 5) + "abcdefgh";
        QTest::newRow("short delta") << QByteArray::fromStdString(cut) << "wrong size";
    }
    void refuses_what_is_not_a_stream() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, error);
        StreamDecoder decoder;
        decoder.feed(std::string_view(bytes.constData(), std::size_t(bytes.size())));
        StreamDecoder::Message m;
        while (decoder.next(m)) {
        }
        QVERIFY2(QString::fromStdString(decoder.error()).contains(error), decoder.error().c_str());
    }

    void commands_read_and_checked() {
        std::string bytes;
        append_command(bytes, StreamCommand::Pause);
        append_command(bytes, StreamCommand::Step, 7);
        append_command(bytes, StreamCommand::Run);
        append_command(bytes, StreamCommand::Shutdown);
        StreamDecoder decoder(false);
        decoder.feed(bytes);
        std::vector<std::pair<StreamCommand, std::uint32_t>> got;
        StreamDecoder::Message m;
        while (decoder.next(m))
            got.emplace_back(*m.command, m.steps);
        QVERIFY2(decoder.error().empty(), decoder.error().c_str());
        const std::vector<std::pair<StreamCommand, std::uint32_t>> expected{
            {StreamCommand::Pause, 0},
            {StreamCommand::Step, 7},
            {StreamCommand::Run, 0},
            {StreamCommand::Shutdown, 0}};
        QCOMPARE(got, expected);
        const auto refused = [](const std::string& frame) {
            StreamDecoder d(false);
            d.feed(frame);
            StreamDecoder::Message msg;
            while (d.next(msg)) {
            }
            return d.error();
        };
        std::string zero;
        append_command(zero, StreamCommand::Step, 0);
        QVERIFY2(QString::fromStdString(refused(zero)).contains("a step of 0 polls"),
                 refused(zero).c_str());
        std::string unknown;
        append_command(unknown, StreamCommand(9));
        QVERIFY(QString::fromStdString(refused(unknown)).contains("unknown command 9"));
        std::string no_count("\x02\x00\x00\x00\x10\x03", 6); // Step without its count
        QVERIFY(QString::fromStdString(refused(no_count)).contains("without its count"));
    }

    void reads_a_version_1_hello() {
        std::string v1;
        append_hello(v1, StreamHello{.version = 1, .pid = 7, .program = "old", .can_step = true});
        StreamDecoder decoder;
        decoder.feed(v1);
        StreamDecoder::Message m;
        QVERIFY2(decoder.next(m), decoder.error().c_str());
        QCOMPARE(m.hello->version, 1u);
        QCOMPARE(m.hello->program, std::string("old"));
        QVERIFY(!m.hello->can_step); // version 1 has no step gate
        std::string v2;
        append_hello(v2, StreamHello{.pid = 7, .program = "new", .can_step = true});
        StreamDecoder decoder2;
        decoder2.feed(v2);
        QVERIFY2(decoder2.next(m), decoder2.error().c_str());
        QCOMPARE(m.hello->version, kStreamVersion);
        QVERIFY(m.hello->can_step);
        QCOMPARE(v2.size(), v1.size() + 1);
    }

    void gate_frames_report_the_programs_gate() {
        // In one process: a recording with a step gate, paused and stepped
        // by its viewer, its polls counted by the gate frames.
        QTemporaryDir dir;
        const std::string path = socket_in(dir);
        Recording recording("", RecordingOptions{.serve = path, .step_gate = true});
        std::string error;
        auto client = StreamClient::connect(path, &error);
        QVERIFY2(client, error.c_str());
        QVERIFY(client->hello().can_step);
        std::atomic<bool> stop{false};
        std::thread program([&] {
            Runtime rt({.workers = 1});
            while (!stop.load())
                rt.block_on(test::fan_out(3, 2), "main");
        });
        const auto wait_gate = [&](auto pred) {
            for (int i = 0; i < 20000; ++i) {
                if (pred(client->gate()))
                    return true;
                std::this_thread::sleep_for(1ms); // polling the stream, no timing assumed
            }
            return false;
        };
        QVERIFY(wait_gate([](const StreamGate& g) { return g.passed > 100; }));
        QVERIFY(client->request_pause());
        QVERIFY(wait_gate([](const StreamGate& g) { return g.paused && g.waiting > 0; }));
        const std::uint64_t before = client->gate().passed;
        QVERIFY(client->gate().waiting_task != 0);
        QVERIFY(client->request_step(2));
        QVERIFY(wait_gate([&](const StreamGate& g) {
            return g.paused && g.waiting > 0 && g.passed == before + 2;
        }));
        stop = true;
        QVERIFY(client->request_run());
        program.join();
        QVERIFY(!client->gate().paused);
        QVERIFY(recording.finish());
    }

    void recording_stops_at_poll_boundaries_when_the_viewer_leaves() {
        QTemporaryDir dir;
        const std::string path = socket_in(dir);
        const std::string file = socket_in(dir, "out.pollscope.json");
        Recording recording(file, RecordingOptions{.serve = path, .stop_when_viewer_leaves = true});
        std::string error;
        auto client = StreamClient::connect(path, &error);
        QVERIFY2(client, error.c_str());
        QVERIFY(recording.wait_for_viewer(5s));
        std::size_t at_stop = 0;
        std::thread program([&] {
            {
                Runtime rt({.workers = 2});
                // Rounds while the viewer watches, until the recording stopped.
                while (recording.recording())
                    rt.block_on(test::fan_out(50, 5), "while watched");
            } // every poll has ended: the workers are joined
            at_stop = recording.recorder().snapshot().events.size();
            // More work after the viewer left: none of it is recorded.
            Runtime rt({.workers = 2});
            for (int i = 0; i < 20; ++i)
                rt.block_on(test::fan_out(50, 5), "after");
        });
        std::uint64_t received = 0;
        for (int i = 0; i < 20000 && received < 2000; ++i) {
            TraceDelta d;
            client->drain(d);
            received += d.events.size();
            std::this_thread::sleep_for(1ms); // polling, as a live view does
        }
        QVERIFY(received >= 2000);
        QVERIFY(recording.recording());
        client.reset(); // the viewer leaves
        program.join();
        QVERIFY(!recording.recording());
        QVERIFY(recording.finish(&error));
        std::ifstream in(file);
        std::stringstream text;
        text << in.rdbuf();
        const std::string json = text.str();
        const auto trace = import_trace_json(json);
        QVERIFY(trace);
        // Nothing after the viewer left (the 20 rounds after are not there).
        QCOMPARE(trace->events.size(), at_stop);
        QVERIFY(at_stop >= received);
        // Whole polls only: on each thread each PollStart is ended by its PollEnd.
        std::map<std::uint16_t, std::vector<std::uint32_t>> open; // thread -> polls in progress
        std::size_t polls = 0;
        for (const Event& e : trace->events) {
            if (e.kind == EventKind::PollStart) {
                open[e.thread].push_back(e.task);
                ++polls;
            } else if (e.kind == EventKind::PollEnd) {
                auto& stack = open[e.thread];
                QVERIFY(!stack.empty());
                QCOMPARE(stack.back(), e.task);
                stack.pop_back();
            }
        }
        for (const auto& [thread, stack] : open)
            QVERIFY2(stack.empty(),
                     qPrintable(QStringLiteral("thread %1 has a poll cut in two").arg(thread)));
        QVERIFY(polls > 100);
    }

    void viewer_receives_every_event_of_a_recording() {
        QTemporaryDir dir;
        const std::string path = socket_in(dir);
        std::optional<Recording> recording;
        recording.emplace("", RecordingOptions{.serve = path});
        QCOMPARE(recording->serving(), path);
        std::string error;
        auto client = StreamClient::connect(path, &error);
        QVERIFY2(client, error.c_str());
        QVERIFY(recording->wait_for_viewer(5s));
        QCOMPARE(client->hello().pid, std::uint64_t(::getpid()));
        QVERIFY(!client->hello().can_shutdown);
        {
            Runtime rt({.workers = 2});
            QCOMPARE(rt.block_on(test::fan_out(50, 20), "fan out"), 1000);
        }
        const Trace recorded = recording->recorder().snapshot();
        QVERIFY(recording->finish());
        const Gathered got = gather(*client);
        QCOMPARE(got.state, StreamClient::State::Ended);
        QCOMPARE(client->end().events, std::uint64_t(recorded.events.size()));
        QCOMPARE(client->events(), std::uint64_t(recorded.events.size()));
        QCOMPARE(timeless(got.trace.events), timeless(recorded.events));
        QCOMPARE(got.trace.strings, recorded.strings);
        QCOMPARE(got.trace.threads, recorded.threads);
        // The socket file goes with the server.
        QVERIFY(::access(path.c_str(), F_OK) != 0);
    }

    void a_later_viewer_gets_everything_and_a_second_one_is_refused() {
        QTemporaryDir dir;
        const std::string path = socket_in(dir);
        Recording recording("", RecordingOptions{.serve = path});
        {
            Runtime rt({.workers = 1});
            QCOMPARE(rt.block_on(test::fan_out(5, 3), "before"), 15);
        }
        const auto recorded = recording.recorder().snapshot().events.size();
        std::string error;
        auto first = StreamClient::connect(path, &error);
        QVERIFY2(first, error.c_str());
        QVERIFY(recording.wait_for_viewer(5s));
        auto second = StreamClient::connect(path, &error, 2s);
        QVERIFY(!second);
        QVERIFY2(QString::fromStdString(error).contains("closed the connection"), error.c_str());
        // The first viewer gets what was recorded before it came; leaving
        // lets the next one in, which gets it all again.
        TraceDelta d;
        std::uint64_t seen = 0;
        for (int i = 0; i < 5000 && seen < recorded; ++i) {
            first->drain(d);
            seen += d.events.size();
            std::this_thread::sleep_for(1ms);
        }
        QCOMPARE(seen, std::uint64_t(recorded));
        first.reset();
        std::unique_ptr<StreamClient> again;
        for (int i = 0; i < 200 && !again; ++i) { // until the server saw the first leave
            again = StreamClient::connect(path, &error, 2s);
            if (!again)
                std::this_thread::sleep_for(10ms);
        }
        QVERIFY2(again, error.c_str());
        QVERIFY(recording.finish());
        const Gathered got = gather(*again);
        QCOMPARE(got.state, StreamClient::State::Ended);
        QCOMPARE(got.trace.events.size(), recorded);
        QCOMPARE(recording.recorder().snapshot().events.size(), recorded);
    }

    void viewer_asks_for_shutdown() {
        QTemporaryDir dir;
        const std::string path = socket_in(dir);
        Recording recording("", RecordingOptions{.serve = path});
        std::atomic<int> asked{0};
        recording.on_shutdown_request([&] { asked.fetch_add(1); });
        std::string error;
        auto client = StreamClient::connect(path, &error);
        QVERIFY2(client, error.c_str());
        QVERIFY(client->hello().can_shutdown);
        QVERIFY(client->request_shutdown());
        QTRY_COMPARE_WITH_TIMEOUT(asked.load(), 1, 10000);
    }

    void stale_socket_replaced_other_files_kept() {
        QTemporaryDir dir;
        const std::string stale = socket_in(dir, "stale");
        { // a socket file whose program died
            const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
            sockaddr_un addr{};
            addr.sun_family = AF_UNIX;
            std::strcpy(addr.sun_path, stale.c_str());
            QCOMPARE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
            ::close(fd);
        }
        auto recorder = std::make_shared<TraceRecorder>();
        std::string error;
        auto server = TraceServer::listen(recorder, stale, {}, &error);
        QVERIFY2(server, error.c_str());
        // Someone serves there: a second server is refused.
        QVERIFY(!TraceServer::listen(recorder, stale, {}, &error));
        QVERIFY2(QString::fromStdString(error).contains("another program serves there"),
                 error.c_str());
        server.reset();
        const std::string file = socket_in(dir, "file");
        std::ofstream(file) << "keep me";
        QVERIFY(!TraceServer::listen(recorder, file, {}, &error));
        QVERIFY2(QString::fromStdString(error).contains("not a socket"), error.c_str());
        std::ifstream in(file);
        std::string kept;
        std::getline(in, kept);
        QCOMPARE(kept, std::string("keep me"));
        QVERIFY(!StreamClient::connect(socket_in(dir, "nobody"), &error));
        QVERIFY2(QString::fromStdString(error).contains("no such socket"), error.c_str());
    }

    void socket_path_names_a_listening_socket_and_nothing_is_left() {
        // The server listens under a temporary name and links the path to
        // it (so the path never names a socket that does not listen yet): a
        // viewer connects through the link, the temporary name is gone, and
        // the path goes with the server. A path too long for the temporary
        // name is bound directly.
        QTemporaryDir dir;
        const auto entries = [&] {
            return QDir(dir.path())
                .entryList(QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot);
        };
        const std::string near_limit =
            dir.path().toStdString() + "/" + std::string(100 - dir.path().size() - 1, 'n');
        QCOMPARE(near_limit.size(), std::size_t(100)); // fits sun_path; with a suffix it would not
        for (const std::string& path : {socket_in(dir, "short"), near_limit}) {
            auto recorder = std::make_shared<TraceRecorder>();
            std::string error;
            auto server = TraceServer::listen(recorder, path, {}, &error);
            QVERIFY2(server, error.c_str());
            QCOMPARE(entries(),
                     QStringList{QString::fromStdString(path.substr(path.rfind('/') + 1))});
            QVERIFY2(StreamClient::connect(path, &error), error.c_str());
            server.reset();
            QVERIFY(entries().isEmpty());
        }
    }
};

QTEST_GUILESS_MAIN(TestTraceStream)
#include "test_trace_stream.moc"
