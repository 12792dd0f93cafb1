// TimeMapping: time <-> pixel conversions, zoom about a point, pan, fit.
#include "time_mapping.h"

#include <QtTest>

using pollscope::app::TimeMapping;

class TestTimelineMapping : public QObject {
    Q_OBJECT
private slots:
    void to_x_data() {
        QTest::addColumn<qint64>("start");
        QTest::addColumn<qint64>("end");
        QTest::addColumn<int>("left");
        QTest::addColumn<int>("width");
        QTest::addColumn<qint64>("t");
        QTest::addColumn<double>("x");
        QTest::newRow("origin") << 0LL << 1000LL << 0 << 100 << 0LL << 0.0;
        QTest::newRow("end") << 0LL << 1000LL << 0 << 100 << 1000LL << 100.0;
        QTest::newRow("middle") << 0LL << 1000LL << 0 << 100 << 500LL << 50.0;
        QTest::newRow("left margin") << 0LL << 1000LL << 150 << 100 << 500LL << 200.0;
        QTest::newRow("offset range") << 5000LL << 6000LL << 0 << 200 << 5250LL << 50.0;
        QTest::newRow("before range") << 1000LL << 2000LL << 10 << 100 << 0LL << -90.0;
        QTest::newRow("after range") << 0LL << 100LL << 0 << 100 << 300LL << 300.0;
        QTest::newRow("10 s over 1000 px")
            << 0LL << 10'000'000'000LL << 0 << 1000 << 2'500'000'000LL << 250.0;
        QTest::newRow("big timestamps")
            << 1'700'000'000'000'000'000LL << 1'700'000'000'000'001'000LL << 0 << 1000
            << 1'700'000'000'000'000'500LL << 500.0;
    }
    void to_x() {
        QFETCH(qint64, start);
        QFETCH(qint64, end);
        QFETCH(int, left);
        QFETCH(int, width);
        QFETCH(qint64, t);
        QFETCH(double, x);
        TimeMapping m{start, end, left, width};
        QCOMPARE(m.to_x(t), x);
        // The inverse lands on the same time (to within one ns per pixel).
        QVERIFY(std::llabs(m.to_time(x) - t) <= std::max<qint64>(1, qint64(m.ns_per_pixel())));
    }

    void to_column_clamps_data() {
        QTest::addColumn<qint64>("t");
        QTest::addColumn<int>("column");
        QTest::newRow("inside") << 250LL << 25;
        QTest::newRow("far left") << -1'000'000LL << -1;
        QTest::newRow("far right") << 1'000'000LL << 101;
        QTest::newRow("fraction floors") << 259LL << 25;
    }
    void to_column_clamps() {
        QFETCH(qint64, t);
        QFETCH(int, column);
        TimeMapping m{0, 1000, 0, 100};
        QCOMPARE(m.to_column(t), column);
    }

    void zoom_keeps_anchor_data() {
        QTest::addColumn<double>("x");
        QTest::addColumn<double>("factor");
        QTest::newRow("in at left") << 0.0 << 2.0;
        QTest::newRow("in at middle") << 50.0 << 2.0;
        QTest::newRow("in at right") << 100.0 << 4.0;
        QTest::newRow("out at 30") << 30.0 << 0.5;
        QTest::newRow("small step") << 77.0 << 1.1;
    }
    void zoom_keeps_anchor() {
        QFETCH(double, x);
        QFETCH(double, factor);
        TimeMapping m{1'000'000, 2'000'000, 0, 100};
        const auto before = m.to_time(x);
        const auto span = m.span();
        m.zoom_about(x, factor);
        QVERIFY(std::llabs(m.to_time(x) - before) <= 1);
        QVERIFY(std::llabs(m.span() - qint64(double(span) / factor)) <= 1);
    }

    void zoom_in_stops_at_limit() {
        TimeMapping m{0, 1000, 0, 100};
        for (int i = 0; i < 100; ++i)
            m.zoom_about(50, 10);
        QVERIFY(m.span() >= 1);
        QVERIFY(m.ns_per_pixel() >= TimeMapping::kMinNsPerPixel * 0.99);
    }

    void pan_moves_range() {
        TimeMapping m{0, 1000, 0, 100};
        m.pan_pixels(10);
        QCOMPARE(m.start, 100);
        QCOMPARE(m.end, 1100);
        m.pan_pixels(-20);
        QCOMPARE(m.start, -100);
    }

    void fit_and_follow() {
        TimeMapping m{0, 1, 0, 500};
        m.fit(1000, 101'000);
        QVERIFY(m.start < 1000 && m.end > 101'000);
        QVERIFY(m.to_x(1000) >= 0 && m.to_x(101'000) <= 500);
        const auto span = m.span();
        m.follow(1'000'000);
        QCOMPARE(m.span(), span);
        QVERIFY(m.to_x(1'000'000) < 500 && m.to_x(1'000'000) > 400);
    }
};

QTEST_APPLESS_MAIN(TestTimelineMapping)
#include "test_timeline_mapping.moc"
