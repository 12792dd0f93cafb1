// What the importer refuses (issue 14, items 2, 5, 6, 8): every reference the
// model cannot use (task 0 where a task is needed, ids out of range), time
// spans that overflow, and string tables too large for the input; each error
// names the offending element's own line, column and JSON path. The Chrome
// writer also survives such data when handed it directly.
#include "chrome_json.h"
#include "json_import.h"

#include <QtTest>

#include <string>

using namespace pollscope::trace;

namespace {

// A minimal valid file with the given events (one per line) and strings.
std::string file_with(const std::string& events, const std::string& strings = "\"\"") {
    return "{\"pollscope\":{\"format\":\"pollscope-trace\",\"version\":1,\n"
           "\"strings\":[" +
           strings +
           "],\n"
           "\"locations\":[[0,0,0,0]],\n"
           "\"threads\":[[1,0,0]],\n"
           "\"events\":[\n" +
           events + "]}}\n";
}

ImportError refused(const std::string& json) {
    ImportError err;
    auto t = import_trace_json(json, &err);
    if (t)
        err.message = "ACCEPTED";
    return err;
}

} // namespace

class TestImportValidation : public QObject {
    Q_OBJECT
private slots:
    // The issue's reproducer: a PollStart of task 0, accepted, then a
    // null dereference in the Chrome writer on export.
    void task_zero_where_a_task_is_needed_is_refused_data() {
        QTest::addColumn<int>("kind");
        for (int kind : {0, 1, 2, 3, 4, 5})
            QTest::addRow("kind %d", kind) << kind;
    }
    void task_zero_where_a_task_is_needed_is_refused() {
        QFETCH(int, kind);
        const auto err = refused(
            R"({"pollscope":{"format":"pollscope-trace","version":1,"strings":[""],"locations":[[0,0,0,0]],"threads":[[1,0,0]],"events":[[0,0,)" +
            std::to_string(kind) + ",0,0,0,0]]}}");
        QVERIFY2(err.message.find("task 0") != std::string::npos, err.to_string().c_str());
        QCOMPARE(err.path, std::string("$.pollscope.events[0][1]"));
        QCOMPARE(err.line, std::size_t(1));
        // the task field: the second number of the first event
        const std::string prefix =
            R"({"pollscope":{"format":"pollscope-trace","version":1,"strings":[""],"locations":[[0,0,0,0]],"threads":[[1,0,0]],"events":[[0,)";
        QCOMPARE(err.column, prefix.size() + 1);
    }

    void task_zero_is_fine_where_the_model_allows_it() {
        // a mark, a shutdown signal and a channel send from a plain thread
        ImportError err;
        auto t = import_trace_json(
            file_with("[1,0,11,0,0,0,0],\n[2,0,10,0,0,0,0],\n[3,0,8,0,0,0,0]"), &err);
        QVERIFY2(t, err.to_string().c_str());
        QCOMPARE(t->events.size(), std::size_t(3));
    }

    // Whatever reaches it, the writer must not crash (the importer is the
    // real guard; a trace built in memory can still hold such events).
    void chrome_writer_survives_events_without_a_task() {
        Trace t;
        t.threads.push_back({1, 0, 0});
        for (int kind = 0; kind < kEventKindCount; ++kind)
            t.events.push_back({std::int64_t(kind), 0, 0, 0, 0, static_cast<EventKind>(kind), 0});
        const auto json = to_chrome_json(t);
        QVERIFY(json.find("\"traceEvents\"") != std::string::npos);
    }

    void errors_point_at_the_offending_element_data() {
        QTest::addColumn<QString>("events");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        // line 6 is the first event line of file_with()
        QTest::newRow("thread") << "[1,1,2,0,0,0,0],\n[2,1,3,0,0,0,0],\n   [3,1,2,0,0,9,0]"
                                << "$.pollscope.events[2][5]" << 8 << 15;
        QTest::newRow("time order") << "[5,1,2,0,0,0,0],\n[4,1,3,0,0,0,0]"
                                    << "$.pollscope.events[1][0]" << 7 << 2;
        QTest::newRow("await site") << "[1,1,2,0,0,0,0],\n[2,1,3,7,0,0,0]"
                                    << "$.pollscope.events[1][3]" << 7 << 8;
        QTest::newRow("outcome") << "[1,1,2,0,0,0,0],\n[2,1,3,0,0,0,3]"
                                 << "$.pollscope.events[1][6]" << 7 << 14;
        QTest::newRow("mark text") << "[1,1,11,4,0,0,0]"
                                   << "$.pollscope.events[0][3]" << 6 << 9;
    }
    void errors_point_at_the_offending_element() {
        QFETCH(QString, events);
        QFETCH(QString, path);
        QFETCH(int, line);
        QFETCH(int, column);
        const auto err = refused(file_with(events.toStdString()));
        QCOMPARE(QString::fromStdString(err.path), path);
        QCOMPARE(int(err.line), line);
        QCOMPARE(int(err.column), column);
    }

    void string_id_in_a_location_points_at_the_field() {
        std::string json = file_with("[1,1,2,0,0,0,0]");
        json.replace(json.find("[[0,0,0,0]]"), 11, "[[0,0,0,0],\n [0,5,1,1]]");
        const auto err = refused(json);
        QCOMPARE(err.path, std::string("$.pollscope.locations[1][1]"));
        QCOMPARE(err.line, std::size_t(4));
        QCOMPARE(err.column, std::size_t(5));
    }

    // Timestamps whose span overflows int64 made the statistics overflow
    // (signed overflow, "-1ns" on the command line).
    void time_span_beyond_int64_is_refused() {
        const auto err = refused(
            file_with("[-9000000000000000000,1,2,0,0,0,0],\n[9000000000000000000,1,3,0,0,0,1]"));
        QVERIFY2(err.message.find("span") != std::string::npos, err.to_string().c_str());
        QCOMPARE(err.path, std::string("$.pollscope.events[1][0]"));
        // the widest span that fits is fine
        ImportError ok;
        QVERIFY(import_trace_json(
            file_with("[-4611686018427387904,1,2,0,0,0,0],\n[4611686018427387903,1,3,0,0,0,1]"),
            &ok));
    }

    // 66 million empty strings (200 MB) took 2.3 GB: a std::string is 32
    // bytes however short. The table is bounded by the input's size.
    void string_table_is_bounded_by_the_input_size() {
        std::string strings = "\"\"";
        for (int i = 0; i < 100'000; ++i)
            strings += ",\"\"";
        const auto json = file_with("[1,1,2,0,0,0,0]", strings);
        const auto err = refused(json);
        const std::string limit = std::to_string(json.size() / 16);
        QVERIFY2(err.message.find("more than " + limit + " strings") != std::string::npos,
                 err.to_string().c_str());
        QVERIFY(err.message.find("per 16 bytes") != std::string::npos);
    }

    void many_real_strings_still_load() {
        std::string strings = "\"\"";
        for (int i = 0; i < 20'000; ++i)
            strings += ",\"event " + std::to_string(i) + " received\"";
        ImportError err;
        auto t = import_trace_json(file_with("[1,1,2,0,0,0,0]", strings), &err);
        QVERIFY2(t, err.to_string().c_str());
        QCOMPARE(t->strings.size(), std::size_t(20'001));
    }

    // Rows as our writers write them are read by a quick path; any other
    // spelling of the same row (spaces, line breaks) reads the same, and
    // values the quick path does not take (beyond a field's range, 19
    // digits) get the general reader and its errors.
    void every_spelling_of_a_row_reads_the_same() {
        const std::string compact = "[5,1,0,0,0,0,0],\n[12,1,2,0,0,0,0],\n[30,1,3,0,0,0,1]\n";
        const std::string spaced =
            "[ 5, 1, 0, 0, 0, 0, 0 ],\n[12 ,1,2,0,0,0,0],\n[\n30,1,3,0,0,0,1]\n";
        ImportError e1, e2;
        const auto a = import_trace_json(file_with(compact), &e1);
        const auto b = import_trace_json(file_with(spaced), &e2);
        QVERIFY2(a, e1.to_string().c_str());
        QVERIFY2(b, e2.to_string().c_str());
        QCOMPARE(a->events.size(), std::size_t(3));
        QVERIFY(a->events == b->events);
        QCOMPARE(a->events[1].ts, std::int64_t(12));
        QCOMPARE(a->events[2].kind, EventKind::PollEnd);
        QCOMPARE(a->events[2].flag, std::uint8_t(1));
        // 19 digits: beyond the quick path, still an int64.
        const auto big = import_trace_json(file_with("[1000000000000000000,1,0,0,0,0,0]\n"), &e1);
        QVERIFY2(big, e1.to_string().c_str());
        QCOMPARE(big->events[0].ts, std::int64_t(1'000'000'000'000'000'000));
    }
    void out_of_range_fields_get_the_general_errors_data() {
        QTest::addColumn<QString>("row");
        QTest::addColumn<QString>("message");
        QTest::newRow("thread") << "[5,1,0,0,0,65536,0]"
                                << "integer out of range (max 65535)";
        QTest::newRow("task") << "[5,4294967296,0,0,0,0,0]"
                              << "integer out of range (max 4294967295)";
        QTest::newRow("kind") << "[5,1,200,0,0,0,0]"
                              << "unknown event kind 200";
        QTest::newRow("fraction") << "[5.5,1,0,0,0,0,0]"
                                  << "a fraction or exponent";
        QTest::newRow("eight fields") << "[5,1,0,0,0,0,0,0]"
                                      << "']' after 7 event fields";
    }
    void out_of_range_fields_get_the_general_errors() {
        QFETCH(QString, row);
        QFETCH(QString, message);
        const auto err = refused(file_with(row.toStdString() + "\n"));
        QVERIFY2(err.message.find(message.toStdString()) != std::string::npos,
                 err.to_string().c_str());
        QCOMPARE(err.path, std::string("$.pollscope.events[0]"));
    }
};

QTEST_APPLESS_MAIN(TestImportValidation)
#include "test_import_validation.moc"
