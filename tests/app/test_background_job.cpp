// BackgroundJob: the result comes back on the GUI thread; a job destroyed
// or cancelled first asks its work to stop, waits for it and never calls
// back; overlapping jobs (BackgroundJobs) each come back and leave the list.
#include "background_job.h"

#include "run_until.h"

#include <QtTest>

#include <atomic>
#include <memory>
#include <thread>

using namespace pollscope::app;

class TestBackgroundJob : public QObject {
    Q_OBJECT
private slots:
    void result_comes_back_on_the_gui_thread() {
        const auto gui = std::this_thread::get_id();
        std::thread::id worker, called_on;
        int result = 0;
        QObject context;
        BackgroundJob<int> job(
            &context,
            [&worker](std::stop_token) {
                worker = std::this_thread::get_id();
                return 42;
            },
            [&](int r) {
                called_on = std::this_thread::get_id();
                result = r;
            });
        QVERIFY(pollscope::test::run_until([&] { return result != 0; }));
        QCOMPARE(result, 42);
        QVERIFY(worker != gui);
        QVERIFY(called_on == gui);
        QVERIFY(!job.running());
    }

    void destroyed_job_stops_its_work_and_never_calls_back() {
        QObject context;
        std::atomic<bool> started{false}, saw_stop{false};
        bool called = false;
        {
            BackgroundJob<int> job(
                &context,
                [&](const std::stop_token& stop) {
                    started = true;
                    while (!stop.stop_requested())
                        std::this_thread::yield();
                    saw_stop = true;
                    return 1;
                },
                [&](int) { called = true; });
            QVERIFY(pollscope::test::run_until([&] { return started.load(); }));
            QVERIFY(job.running());
        } // the destructor asks the work to stop and waits for it
        QVERIFY(saw_stop);
        // The result was made; turns of the loop past the job's 10 ms
        // pick-up deliver nothing.
        int turns = 0;
        QVERIFY(pollscope::test::run_until([&] { return ++turns > 5; }));
        QVERIFY(!called);
    }

    void overlapping_jobs_each_come_back_and_leave_the_list() {
        QObject context;
        BackgroundJobs<int> jobs;
        std::atomic<bool> release{false};
        int sum = 0, calls = 0;
        const auto slow = [&](int v) {
            return [&release, v](std::stop_token) {
                while (!release)
                    std::this_thread::yield();
                return v;
            };
        };
        const auto add = [&](int r) {
            sum += r;
            ++calls;
        };
        jobs.start(&context, slow(1), add);
        jobs.start(&context, slow(10), add);
        QVERIFY(!jobs.empty());
        release = true;
        QVERIFY(pollscope::test::run_until([&] { return calls == 2; }));
        QCOMPARE(sum, 11);
        QVERIFY(jobs.empty());
    }
};

QTEST_GUILESS_MAIN(TestBackgroundJob)
#include "test_background_job.moc"
