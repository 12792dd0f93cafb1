#include "trace_file.h"

#include "chrome_json.h"
#include "csv_export.h"
#include "json_import.h"

#include <QFile>
#include <QSaveFile>

namespace pollscope::trace {

std::optional<FileFormat> format_from_name(const QString& name) {
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("chrome") || n == QLatin1String("json"))
        return FileFormat::ChromeJson;
    if (n == QLatin1String("csv"))
        return FileFormat::Csv;
    return std::nullopt;
}

bool save_trace(const QString& path, const Trace& trace, const SaveOptions& options, QString* error,
                const std::function<void(double)>& progress) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    const Sink sink = [&](std::string_view block) {
        return file.write(block.data(), qint64(block.size())) == qint64(block.size());
    };
    bool ok = false;
    if (options.format == FileFormat::Csv) {
        ok = write_csv(trace, sink, progress);
    } else {
        ChromeOptions chrome;
        chrome.per_worker = options.per_worker;
        chrome.progress = progress;
        ok = write_chrome_json(trace, sink, chrome);
    }
    if (!ok) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

std::optional<Trace> load_trace(const QString& path, QString* error,
                                const std::function<void(double)>& progress) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    // Map the file when possible: no copy of a 100 MB trace.
    const qint64 size = file.size();
    QByteArray data;
    const char* bytes = nullptr;
    if (size > 0) {
        if (uchar* m = file.map(0, size)) {
            bytes = reinterpret_cast<const char*>(m);
        } else {
            data = file.readAll();
            bytes = data.constData();
        }
    }
    ImportError err;
    auto trace = import_trace_json(std::string_view(bytes ? bytes : "", bytes ? size_t(size) : 0),
                                   &err, progress);
    if (!trace && error)
        *error = QStringLiteral("%1: %2").arg(path, QString::fromStdString(err.to_string()));
    return trace;
}

} // namespace pollscope::trace
