#include "about_dialog.h"

#include "pollscope_version.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QtGlobal>

namespace pollscope::app {

namespace {
QString read_license() {
    QFile f(QStringLiteral(":/about/LICENSE"));
    return f.open(QIODevice::ReadOnly | QIODevice::Text) ? QString::fromUtf8(f.readAll())
                                                         : QString();
}
} // namespace

AboutDialog::AboutDialog(QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("About Pollscope"));

    auto* icon = new QLabel(this);
    icon->setPixmap(QIcon(QStringLiteral(":/icons/pollscope.svg")).pixmap(64, 64));
    icon->setAlignment(Qt::AlignTop);

    about_ = new QLabel(this);
    about_->setTextFormat(Qt::RichText);
    about_->setText(QStringLiteral("<h2>Pollscope %1</h2>").arg(QLatin1String(kVersion)) +
                    tr("<p>%1.</p>"
                       "<p>Runs a real async executor on worker threads and draws what every "
                       "task does: each poll, whether it ended Pending or Ready, who woke it "
                       "and when, and how long it waited.</p>"
                       "<p>Built with Qt %2, running on Qt %3.</p>"
                       "<p>Exported traces open in <a href=\"https://ui.perfetto.dev\">Perfetto "
                       "UI</a> and chrome://tracing.</p>"
                       "<p>Released under the MIT license (see the License tab).</p>")
                        .arg(QLatin1String(kProjectDescription), QLatin1String(QT_VERSION_STR),
                             QLatin1String(qVersion())));
    about_->setWordWrap(true);
    about_->setOpenExternalLinks(true);
    about_->setTextInteractionFlags(Qt::TextBrowserInteraction);

    auto* about_page = new QWidget(this);
    auto* about_layout = new QHBoxLayout(about_page);
    about_layout->addWidget(icon);
    about_layout->addWidget(about_, 1);

    license_ = new QPlainTextEdit(this);
    license_->setReadOnly(true);
    license_->setPlainText(read_license());
    license_->setLineWrapMode(QPlainTextEdit::NoWrap);

    auto* tabs = new QTabWidget(this);
    tabs->addTab(about_page, tr("About"));
    tabs->addTab(license_, tr("License"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(buttons);
    resize(560, 420);
}

QString AboutDialog::about_text() const {
    return about_->text();
}

QString AboutDialog::license_text() const {
    return license_->toPlainText();
}

} // namespace pollscope::app
