// ExampleControl and the interactive event loop: with a control object the
// loop runs until Shutdown; events sent meanwhile (single, bursts, from
// several threads, even racing the shutdown) are all counted; abort stops a
// run; a shutdown pressed before the handler exists is not lost.
#include "clock.h"
#include "example_registry.h"

#include <QtTest>

#include <future>
#include <thread>

using namespace pollscope;
using namespace pollscope::examples;

namespace {
std::future<std::string> start(ExampleControl* control, KnobValues knobs) {
    return std::async(std::launch::async, [control, knobs] {
        RunSetup s;
        s.control = control;
        s.knobs = knobs;
        return find_example("event-loop")->run(s);
    });
}

int received(const std::string& result) {
    // "<sent> events sent, <received> received; ..."
    const auto comma = result.find(", ");
    return std::stoi(result.substr(comma + 2));
}
} // namespace

class TestControl : public QObject {
    Q_OBJECT
private slots:
    void controlWithoutHandlers() {
        ExampleControl c;
        QVERIFY(!c.shutdown());
        QVERIFY(!c.send_events(3));
        QCOMPARE(c.events_sent(), 0);
        int n = 0;
        c.set_event_handler([&n](int k) {
            n += k;
            return k < 5;
        });
        QVERIFY(c.send_events(3));
        QVERIFY(!c.send_events(7)); // refused: not counted
        QVERIFY(!c.send_events(0));
        QCOMPARE(c.events_sent(), 3);
        QCOMPARE(n, 10);
        bool aborted = false;
        c.abort();
        c.set_abort_handler([&aborted] { aborted = true; }); // abort came first
        QVERIFY(aborted);
        c.clear();
        QVERIFY(!c.send_events(1));
    }

    void runsUntilShutdownAndCountsEverything_data() {
        QTest::addColumn<bool>("virtual_time");
        QTest::addColumn<int>("capacity");
        QTest::newRow("real, 1000 slots") << false << 1000;
        QTest::newRow("real, 2 slots") << false << 2;
        QTest::newRow("virtual, 1 slot") << true << 1;
    }
    void runsUntilShutdownAndCountsEverything() {
        QFETCH(bool, virtual_time);
        QFETCH(int, capacity);
        for (int rep = 0; rep < 20; ++rep) {
            ExampleControl c;
            auto run = start(&c, {{kVirtualTimeKnob, virtual_time}, {"capacity", capacity}});
            // it does not end by itself
            QCOMPARE(run.wait_for(std::chrono::milliseconds(rep == 0 ? 100 : 1)),
                     std::future_status::timeout);
            struct Joiner {
                std::vector<std::thread> v;
                ~Joiner() {
                    for (auto& t : v)
                        if (t.joinable())
                            t.join();
                }
            } joiner;
            auto& guis = joiner.v;
            for (int t = 0; t < 3; ++t)
                guis.emplace_back([&c] {
                    for (int i = 0; i < 30; ++i)
                        (void)c.send_events(1 + i % 4);
                });
            // One press is enough, even before the run installed its handler
            // (it is remembered: see shutdownBeforeTheHandlerExists).
            if (rep % 2) // racing the senders
                (void)c.shutdown();
            for (auto& g : guis)
                g.join();
            if (rep % 2 == 0)
                (void)c.shutdown();
            const std::string r = run.get();
            QVERIFY2(r.find("LOST") == std::string::npos, r.c_str());
            QCOMPARE(received(r), c.events_sent());
            QVERIFY(c.events_sent() >= 10);
            QVERIFY(!c.send_events(1)); // the run cleared its handlers
        }
    }

    void shutdownBeforeTheHandlerExists() {
        ExampleControl c;
        QVERIFY(!c.shutdown()); // too early, but remembered
        auto run = start(&c, {{kVirtualTimeKnob, 1}});
        QCOMPARE(run.wait_for(std::chrono::seconds(30)), std::future_status::ready);
        QCOMPARE(run.get(), std::string("10 events sent, 10 received; shutdown receivers left: 1"));
    }

    void abortStops() {
        ExampleControl c;
        auto run = start(&c, {});
        QTRY_VERIFY(c.send_events(5));
        c.abort();
        QCOMPARE(run.wait_for(std::chrono::seconds(30)), std::future_status::ready);
        const std::string r = run.get();
        QVERIFY2(!r.empty(), r.c_str());
    }
};

QTEST_GUILESS_MAIN(TestControl)
#include "test_control.moc"
