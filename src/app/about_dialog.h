#pragma once
// AboutDialog (Help ▸ About Pollscope): the icon, name and version
// (project(VERSION)), what Pollscope is, the Qt it runs on, links, and the
// MIT license text (the repository's LICENSE, compiled in).

#include <QDialog>

class QLabel;
class QPlainTextEdit;

namespace pollscope::app {

class AboutDialog : public QDialog {
    Q_OBJECT
public:
    explicit AboutDialog(QWidget* parent = nullptr);

    /// The rich text of the About tab.
    QString about_text() const;
    /// The license text shown in the License tab.
    QString license_text() const;

private:
    QLabel* about_ = nullptr;
    QPlainTextEdit* license_ = nullptr;
};

} // namespace pollscope::app
