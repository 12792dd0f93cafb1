// The trace files' progress callbacks (what the window's progress bar shows
// while it exports or opens a trace): fractions that only grow, within [0, 1],
// heard several times on a big trace; the file is the same with or without.
#include "synthetic.h"
#include "trace_file.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <vector>

using namespace pollscope;

class TestTraceProgress : public QObject {
    Q_OBJECT
private slots:
    void save_and_load_report_progress() {
        QFETCH(QString, name);
        const auto t = trace::make_synthetic_trace(200'000, 100, 4, 5);
        QTemporaryDir dir;
        const QString path = dir.filePath(name);
        std::vector<double> seen;
        trace::SaveOptions o;
        o.format = *trace::format_from_name(QFileInfo(path).suffix());
        QVERIFY(trace::save_trace(path, t, o, nullptr, [&](double f) { seen.push_back(f); }));
        QVERIFY(seen.size() >= 4);
        for (std::size_t i = 0; i < seen.size(); ++i) {
            QVERIFY(seen[i] >= 0 && seen[i] <= 1);
            QVERIFY(i == 0 || seen[i] >= seen[i - 1]);
        }
        QVERIFY(seen.back() > 0.9);
        if (o.format != trace::FileFormat::ChromeJson)
            return;
        seen.clear();
        auto back = trace::load_trace(path, nullptr, [&](double f) { seen.push_back(f); });
        QVERIFY(back);
        QCOMPARE(back->events.size(), t.events.size());
        QVERIFY(seen.size() >= 4);
        for (std::size_t i = 0; i < seen.size(); ++i) {
            QVERIFY(seen[i] >= 0 && seen[i] <= 1);
            QVERIFY(i == 0 || seen[i] >= seen[i - 1]);
        }
    }
    void save_and_load_report_progress_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("json") << QStringLiteral("t.json");
        QTest::newRow("csv") << QStringLiteral("t.csv");
    }
};

QTEST_GUILESS_MAIN(TestTraceProgress)
#include "test_trace_progress.moc"
