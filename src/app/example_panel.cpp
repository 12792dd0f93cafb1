#include "example_panel.h"

#include "ui_example_panel.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QTextBlock>

namespace pollscope::app {

ExamplePanel::ExamplePanel(QWidget* parent)
    : QWidget(parent)
    , ui_(std::make_unique<Ui::ExamplePanel>()) {
    ui_->setupUi(this);
    // A slightly smaller fixed font: the examples' lines fit the panel.
    QFont code_font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    code_font.setPointSizeF(code_font.pointSizeF() * 0.9);
    ui_->code->setFont(code_font);
    ui_->code->setTabStopDistance(ui_->code->fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 4);
    ui_->rust->setFont(code_font);
    ui_->splitter->setStretchFactor(0, 2);
    ui_->splitter->setStretchFactor(1, 3);
    connect(ui_->sendOne, &QPushButton::clicked, this, [this] { emit send_events(1); });
    connect(ui_->sendBurst, &QPushButton::clicked, this,
            [this] { emit send_events(ui_->burstSize->value()); });
    connect(ui_->virtualClock, &QCheckBox::toggled, this, &ExamplePanel::knobs_changed);
    set_example(nullptr);
}

ExamplePanel::~ExamplePanel() = default;

void ExamplePanel::show_description(const QString& markdown) {
    if (!example_)
        ui_->explanation->setMarkdown(markdown);
}

void ExamplePanel::set_example(const ExampleInfo* example) {
    example_ = example;
    highlighted_ = 0;
    for (auto* w : knob_rows_) {
        ui_->knobsForm->removeRow(w);
    }
    knob_rows_.clear();
    spins_.clear();
    flags_.clear();
    if (!example) {
        ui_->explanation->setMarkdown(
            tr("# Trace\n\nA saved trace, opened for viewing. Pick an example on the left to run "
               "one live."));
        ui_->code->clear();
        ui_->rust->clear();
        ui_->codeTabs->setTabEnabled(1, false);
        ui_->eventsBox->hide();
        ui_->knobsBox->setEnabled(false);
        return;
    }
    ui_->knobsBox->setEnabled(true);
    ui_->explanation->setMarkdown(example->markdown);
    // The clock: the example's virtual_time knob, shown as the Clock check box.
    const Knob* clock = example->knob(virtual_time_knob());
    ui_->clockLabel->setVisible(clock != nullptr);
    ui_->virtualClock->setVisible(clock != nullptr);
    if (clock) {
        QSignalBlocker b(ui_->virtualClock);
        ui_->virtualClock->setChecked(clock->value != 0);
    }
    for (const auto& k : example->knobs) {
        if (k.id == virtual_time_knob())
            continue;
        const QString tip =
            k.is_flag ? tr("Knob %1 (on/off)").arg(k.id)
                      : tr("Knob %1: %2 to %3%4").arg(k.id).arg(k.min).arg(k.max).arg(k.suffix);
        if (k.is_flag) {
            auto* box = new QCheckBox;
            box->setChecked(k.value != 0);
            box->setObjectName(QStringLiteral("knob_") + k.id);
            box->setToolTip(tip);
            connect(box, &QCheckBox::toggled, this, &ExamplePanel::knobs_changed);
            ui_->knobsForm->addRow(k.label, box);
            knob_rows_.push_back(box);
            flags_.emplace_back(k.id, box);
            continue;
        }
        auto* spin = new QSpinBox;
        spin->setRange(k.min, k.max);
        spin->setValue(k.value);
        spin->setSuffix(k.suffix);
        spin->setObjectName(QStringLiteral("knob_") + k.id);
        spin->setAccelerated(true);
        spin->setToolTip(tip);
        connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, &ExamplePanel::knobs_changed);
        ui_->knobsForm->addRow(k.label, spin);
        knob_rows_.push_back(spin);
        spins_.emplace_back(k.id, spin);
    }
    ui_->eventsBox->setVisible(example->interactive);
    set_events_sent(0);
    ui_->code->setPlainText(example->code);
    ui_->code->setExtraSelections({});
    ui_->rust->setPlainText(example->rust);
    ui_->rust->setExtraSelections({});
    ui_->codeTabs->setTabEnabled(1, !example->rust.isEmpty());
}

KnobValues ExamplePanel::knob_values() const {
    KnobValues v;
    for (const auto& [id, spin] : spins_)
        v[id] = spin->value();
    for (const auto& [id, box] : flags_)
        v[id] = box->isChecked() ? 1 : 0;
    if (example_ && example_->knob(virtual_time_knob()))
        v[virtual_time_knob()] = ui_->virtualClock->isChecked() ? 1 : 0;
    return v;
}

void ExamplePanel::set_knob_values(const KnobValues& values) {
    for (const auto& [id, spin] : spins_) {
        auto it = values.find(id);
        if (it != values.end())
            spin->setValue(it->second);
    }
    for (const auto& [id, box] : flags_) {
        auto it = values.find(id);
        if (it != values.end())
            box->setChecked(it->second != 0);
    }
    if (auto it = values.find(virtual_time_knob()); it != values.end())
        ui_->virtualClock->setChecked(it->second != 0);
}

bool ExamplePanel::virtual_clock() const {
    return ui_->virtualClock->isChecked();
}

void ExamplePanel::set_virtual_clock(bool on) {
    ui_->virtualClock->setChecked(on);
}

void ExamplePanel::set_running(bool running) {
    ui_->knobsBox->setEnabled(!running && example_);
    ui_->sendOne->setEnabled(running);
    ui_->sendBurst->setEnabled(running);
    ui_->burstSize->setEnabled(running);
}

void ExamplePanel::set_events_sent(int n) {
    ui_->sentLabel->setText(tr("sent: %1").arg(n));
}

int ExamplePanel::events_sent_shown() const {
    return ui_->sentLabel->text().section(QLatin1Char(' '), 1).toInt();
}

namespace {
/// The highlight of an await line, in either code view.
QTextEdit::ExtraSelection line_highlight(const QTextBlock& block) {
    QTextEdit::ExtraSelection s;
    s.format.setBackground(QColor(0xff, 0xe9, 0xa8));
    s.format.setProperty(QTextFormat::FullWidthSelection, true);
    s.cursor = QTextCursor(block);
    return s;
}
} // namespace

int ExamplePanel::highlight_site(const QString& file, int line) {
    const int before = highlighted_;
    const int rust_before = rust_highlighted_;
    highlighted_ = 0;
    rust_highlighted_ = 0;
    highlight_rust_line(0, rust_before);
    QList<QTextEdit::ExtraSelection> sel;
    if (example_ && !file.isEmpty() && !example_->code_file.isEmpty() &&
        file.endsWith(example_->code_file)) {
        const int code_line = line - example_->code_first_line + 1;
        QTextBlock block = ui_->code->document()->findBlockByNumber(code_line - 1);
        if (code_line >= 1 && block.isValid()) {
            sel.append(line_highlight(block));
            highlighted_ = code_line;
            // The matching line of the Rust rendering, if the example maps it.
            auto it = example_->rust_line_for_code_line.find(code_line);
            if (it != example_->rust_line_for_code_line.end())
                highlight_rust_line(it->second, rust_before);
            if (code_line == before)
                return highlighted_; // unchanged: leave the person's scrolling alone
            QTextCursor c(block);
            ui_->code->setTextCursor(c);
            ui_->code->centerCursor();
        }
    }
    ui_->code->setExtraSelections(sel);
    return highlighted_;
}

void ExamplePanel::highlight_rust_line(int rust_line, int before) {
    QTextBlock block = ui_->rust->document()->findBlockByNumber(rust_line - 1);
    if (rust_line < 1 || !block.isValid()) {
        ui_->rust->setExtraSelections({});
        rust_highlighted_ = 0;
        return;
    }
    ui_->rust->setExtraSelections({line_highlight(block)});
    rust_highlighted_ = rust_line;
    if (rust_line != before) { // unchanged: leave the person's scrolling alone
        ui_->rust->setTextCursor(QTextCursor(block));
        ui_->rust->centerCursor();
    }
}

} // namespace pollscope::app
