#pragma once
// Which line of an example's Rust rendering (resources/examples/<id>.rs)
// matches each await line of its C++ code, so the panel can highlight both.
// Kept as text anchors (a piece of the C++ line, a piece of the Rust line),
// not line numbers, so editing either file does not break the link silently:
// an anchor that no longer matches is reported (and tested).

#include <QString>
#include <QStringList>

#include <map>

namespace pollscope::examples {

/// C++ code line (1-based) -> Rust line (1-based) for example `id`. The n-th
/// C++ line matching an anchor maps to the n-th Rust line matching it (or the
/// last one). Anchors matching no line on either side are added to
/// *unresolved when given.
std::map<int, int> rust_lines_for(const QString& id, const QString& code, const QString& rust,
                                  QStringList* unresolved = nullptr);

} // namespace pollscope::examples
