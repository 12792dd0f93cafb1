// The timeline's surfaces follow the widget's palette: a light and a dark
// theme both keep text, grid and every outcome's colour readable, and the
// grid's lines stand at the ruler's ticks.
#include "timeline_palette.h"
#include "timeline_view.h"
#include "trace_store.h"

#include <QImage>
#include <QPainter>
#include <QtTest>

#include <cmath>

using namespace pollscope;
using namespace pollscope::app;

namespace {

/// WCAG 2 contrast ratio of two colours (1 .. 21).
double contrast(const QColor& a, const QColor& b) {
    const auto lum = [](const QColor& c) {
        const auto ch = [](double v) {
            return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF());
    };
    const double x = lum(a), y = lum(b);
    return (std::max(x, y) + 0.05) / (std::min(x, y) + 0.05);
}

QPalette dark_palette() {
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x6d, 0xb5));
    return p;
}

QPalette light_palette() {
    QPalette p;
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::Text, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x30, 0x8c, 0xc6));
    return p;
}

} // namespace

class TestTimelinePalette : public QObject {
    Q_OBJECT
private slots:
    void readable_data() {
        QTest::addColumn<QPalette>("pal");
        QTest::newRow("light") << light_palette();
        QTest::newRow("dark") << dark_palette();
    }
    void readable() {
        QFETCH(QPalette, pal);
        const auto s = palette::surfaces(pal);
        QCOMPARE(s.background, pal.color(QPalette::Base));
        QVERIFY2(contrast(s.text, s.background) >= 7.0, "labels: WCAG AAA");
        QVERIFY2(contrast(s.dim_text, s.background) >= 3.0, "secondary labels");
        QVERIFY2(contrast(s.mark_text, s.background) >= 3.0, "a Mark's label");
        QVERIFY(contrast(s.tick, s.background) >= 2.0);
        // Surfaces stay quiet but distinct: lanes alternate, the grid shows.
        QVERIFY(s.lane_alt != s.background);
        QVERIFY(contrast(s.grid, s.background) >= 1.1);
        QVERIFY(contrast(s.lane_selected, s.background) >= 1.05);
        // Every poll's outcome, the wait line and the wake show on both.
        for (const QColor& c : {palette::kPending, palette::kReady, palette::kFailed,
                                palette::kRunning, palette::kWake, palette::kWait})
            QVERIFY2(contrast(c, s.background) >= 1.8, qPrintable(c.name()));
    }

    void dark_theme_paints_dark_with_grid_at_ticks() {
        TraceStore store;
        std::vector<trace::Event> ev = {
            {.ts = 0, .task = 1, .kind = trace::EventKind::Spawn},
            {.ts = 100, .task = 1, .kind = trace::EventKind::PollStart},
            {.ts = 400, .task = 1, .kind = trace::EventKind::PollEnd, .flag = 0},
            {.ts = 500, .task = 1, .kind = trace::EventKind::Wake},
            {.ts = 600, .task = 1, .kind = trace::EventKind::PollStart},
            {.ts = 100'000, .task = 1, .kind = trace::EventKind::PollEnd, .flag = 1},
        };
        store.append(ev);
        TimelineView view;
        view.setPalette(dark_palette());
        view.resize(TimelineView::kLabelWidth + 1000 + 28, 300);
        view.set_store(&store);
        view.set_mapping_range(0, 100'000);
        QImage img(view.size(), QImage::Format_RGB32);
        QPainter p(&img);
        view.render_to(p);
        p.end();
        const auto s = palette::surfaces(dark_palette());
        // Below the one lane: the background, and the grid's line at each tick.
        const int y = TimelineView::kRulerHeight + 4 * TimelineView::kLaneHeight;
        const auto ticks = view.ticks();
        QVERIFY(ticks.size() >= 5);
        for (const auto& t : ticks) {
            QCOMPARE(img.pixelColor(t.x, y), s.grid);
            QCOMPARE(img.pixelColor(t.x + 3, y), s.background);
            // ... and the ruler's tick mark above it.
            QCOMPARE(img.pixelColor(t.x, TimelineView::kRulerHeight - 3), s.tick);
        }
        QVERIFY(s.background.lightnessF() < 0.2);
    }
};

QTEST_MAIN(TestTimelinePalette)
#include "test_timeline_palette.moc"
