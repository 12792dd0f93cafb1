#pragma once
// ExamplePanel: the right side of the window. The selected example's
// explanation (Markdown), its knobs (spin boxes and check boxes built from
// the example's Knob list; its "virtual_time" knob is the panel's one Clock
// check box), the interactive buttons of examples that take events, and its
// code with the await line the selected task is stopped at highlighted, and
// beside it (a tab) the example in Rust with the matching line highlighted.

#include "example_catalog.h"

#include <QWidget>

#include <memory>

namespace Ui {
class ExamplePanel;
}
class QCheckBox;
class QSpinBox;

namespace pollscope::app {

class ExamplePanel : public QWidget {
    Q_OBJECT
public:
    explicit ExamplePanel(QWidget* parent = nullptr);
    ~ExamplePanel() override;

    /// Shows `example` (nullptr: a loaded trace with no example).
    void set_example(const ExampleInfo* example);
    const ExampleInfo* example() const noexcept { return example_; }
    /// Without an example: what the window shows instead (Markdown).
    void show_description(const QString& markdown);

    /// Every knob's value, "virtual_time" (from the Clock check box) included.
    KnobValues knob_values() const;
    /// Sets the knobs present in `values` (others keep their defaults).
    void set_knob_values(const KnobValues& values);
    /// The Clock check box (the example's "virtual_time" knob).
    bool virtual_clock() const;
    void set_virtual_clock(bool on);
    /// Knobs can be changed only between runs.
    void set_running(bool running);
    void set_events_sent(int n);
    /// The number the "sent" counter shows now.
    int events_sent_shown() const;

    /// Highlights the await site `file:line` if it lies in the shown code;
    /// an empty file clears the highlight. Returns the highlighted code line
    /// (1-based within the panel's code), or 0.
    int highlight_site(const QString& file, int line);
    int highlighted_line() const noexcept { return highlighted_; }
    /// The Rust rendering's highlighted line (1-based), or 0.
    int highlighted_rust_line() const noexcept { return rust_highlighted_; }

signals:
    void send_events(int n);
    void knobs_changed();

private:
    std::unique_ptr<Ui::ExamplePanel> ui_;
    const ExampleInfo* example_ = nullptr;
    std::vector<std::pair<QString, QSpinBox*>> spins_;
    std::vector<std::pair<QString, QCheckBox*>> flags_;
    std::vector<QWidget*> knob_rows_;
    void highlight_rust_line(int rust_line, int before);

    int highlighted_ = 0;
    int rust_highlighted_ = 0;
};

} // namespace pollscope::app
