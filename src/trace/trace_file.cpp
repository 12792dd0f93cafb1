#include "trace_file.h"

#include "atomic_file.h"
#include "chrome_json.h"
#include "csv_export.h"
#include "json_import.h"

#include <QFile>
#include <QFileInfo>

#include <cstdio>

namespace pollscope::trace {

namespace {
// Input read from a stream is held whole in memory: refuse beyond this.
constexpr qint64 kMaxStreamBytes = qint64(1) << 30;

bool read_stream(QFile& file, QByteArray& data, QString* error, const QString& path) {
    constexpr qint64 kChunk = qint64(1) << 20;
    for (;;) {
        const auto before = data.size();
        if (before >= kMaxStreamBytes) {
            if (error)
                *error = QStringLiteral("%1: input larger than %2 MiB, the limit for a stream")
                             .arg(path)
                             .arg(kMaxStreamBytes >> 20);
            return false;
        }
        data.resize(before + kChunk);
        const qint64 n = file.read(data.data() + before, kChunk);
        if (n < 0) {
            if (error)
                *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
            return false;
        }
        data.resize(before + n);
        if (n == 0) // reads block until data or the end
            return true;
    }
}
} // namespace

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
    std::string why;
    const bool ok = write_file_atomically(
        QFile::encodeName(path).toStdString(),
        [&](const Sink& sink) {
            if (options.format == FileFormat::Csv)
                return write_csv(trace, sink, progress);
            ChromeOptions chrome;
            chrome.per_worker = options.per_worker;
            chrome.progress = progress;
            return write_chrome_json(trace, sink, chrome);
        },
        &why);
    if (!ok && error)
        *error = QFile::decodeName(QByteArray::fromStdString(why));
    return ok;
}

std::optional<Trace> load_trace(const QString& path, QString* error,
                                const std::function<void(double)>& progress) {
    QFile file(path);
    const bool is_stdin = path == QLatin1String("-");
    if (!(is_stdin ? file.open(stdin, QIODevice::ReadOnly, QFileDevice::DontCloseHandle)
                   : file.open(QIODevice::ReadOnly))) {
        if (error)
            *error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    qint64 size = file.size();
    QByteArray data;
    const char* bytes = nullptr;
    if (is_stdin || file.isSequential() || !QFileInfo(path).isFile()) {
        // A pipe, /dev/stdin, <(...): no size to map, read to the end (bounded).
        if (!read_stream(file, data, error, path))
            return std::nullopt;
        size = data.size();
        bytes = data.constData();
    } else if (size > 0) {
        // Map the file when possible: no copy of a 100 MB trace.
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
