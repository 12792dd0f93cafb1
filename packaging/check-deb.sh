#!/usr/bin/env bash
# Builds the .deb from a configured and built folder and checks it on this
# machine (CI runs it after the test suite; no root, no network):
#
#   packaging/check-deb.sh [BUILD_DIR]        # default: build
#
# - cpack -G DEB makes pollscope_VERSION_ARCH.deb;
# - its Package, Version (= project(VERSION)), Section, Maintainer,
#   Description and Depends (computed by dpkg-shlibdeps: Qt's runtime
#   libraries, no -dev package) are set;
# - its file list is exactly the expected one (binary, desktop entry,
#   metainfo, MIME type, icons, README/LICENSE);
# - desktop-file-validate and appstreamcli validate --no-net pass with no
#   error or warning on the files as packaged;
# - pollscope-dev_VERSION_ARCH.deb (the SDK) holds the static libraries, the
#   CMake package and public headers only, and nothing of the app.
# The clean-install check in a Debian 12 chroot is test-deb-install.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
fail() { echo "check-deb: FAILED: $*" >&2; exit 1; }

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[[ -n $version ]] || fail "no CMAKE_PROJECT_VERSION in $build/CMakeCache.txt (configure first)"
arch=$(dpkg --print-architecture)
deb=$build/pollscope_${version}_${arch}.deb
rm -f "$deb"
(cd "$build" && cpack -G DEB) >"$build/cpack.log" 2>&1 || { tail -30 "$build/cpack.log" >&2; fail "cpack"; }
[[ -f $deb ]] || fail "cpack made no $deb"
echo "check-deb: $deb ($(du -k "$deb" | cut -f1) KiB)"

field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == pollscope ]] || fail "Package is '$(field Package)'"
[[ $(field Version) == "$version" ]] || fail "Version is '$(field Version)', not $version"
[[ $(field Section) == devel ]] || fail "Section is '$(field Section)'"
[[ -n $(field Maintainer) ]] || fail "no Maintainer"
summary=$(sed -n 's:.*<summary>\(.*\)</summary>.*:\1:p' packaging/io.pollscope.Pollscope.metainfo.xml)
[[ $(field Description | head -1) == "$summary" ]] || fail "Description's summary is not the metainfo's"
depends=$(field Depends)
echo "Depends: $depends"
for lib in libqt6core6 libqt6gui6 libqt6widgets6 libqt6svg6 libstdc++6 libc6; do
    [[ ", $depends," == *", $lib "* || ", $depends," == *", $lib,"* ]] || fail "Depends lacks $lib"
done
! grep -qE -- '-dev( |,|$)' <<<"$depends" || fail "Depends names a -dev package"

expected="./usr/bin/pollscope
./usr/share/applications/io.pollscope.Pollscope.desktop
./usr/share/doc/pollscope/LICENSE
./usr/share/doc/pollscope/README.md
./usr/share/icons/hicolor/128x128/apps/io.pollscope.Pollscope.png
./usr/share/icons/hicolor/16x16/apps/io.pollscope.Pollscope.png
./usr/share/icons/hicolor/22x22/apps/io.pollscope.Pollscope.png
./usr/share/icons/hicolor/24x24/apps/io.pollscope.Pollscope.png
./usr/share/icons/hicolor/256x256/apps/io.pollscope.Pollscope.png
./usr/share/icons/hicolor/32x32/apps/io.pollscope.Pollscope.png
./usr/share/icons/hicolor/48x48/apps/io.pollscope.Pollscope.png
./usr/share/icons/hicolor/512x512/apps/io.pollscope.Pollscope.png
./usr/share/icons/hicolor/64x64/apps/io.pollscope.Pollscope.png
./usr/share/icons/hicolor/scalable/apps/io.pollscope.Pollscope.svg
./usr/share/metainfo/io.pollscope.Pollscope.metainfo.xml
./usr/share/mime/packages/io.pollscope.Pollscope.xml"
files=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}' | sort)
if [[ $files != "$expected" ]]; then
    diff <(echo "$expected") <(echo "$files") >&2 || true
    fail "the file list differs from the expected one (< expected, > packaged)"
fi
echo "check-deb: file list as expected ($(wc -l <<<"$files") files)"

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
dpkg-deb -x "$deb" "$tree"
[[ $(file -b "$tree/usr/bin/pollscope") == *ELF*stripped* && $(file -b "$tree/usr/bin/pollscope") != *"not stripped"* ]] ||
    fail "the packaged binary is not a stripped ELF: $(file -b "$tree/usr/bin/pollscope")"
out=$(desktop-file-validate "$tree/usr/share/applications/io.pollscope.Pollscope.desktop" 2>&1) ||
    fail "desktop-file-validate: $out"
[[ -z $out ]] || fail "desktop-file-validate: $out"
out=$(appstreamcli validate --no-net "$tree/usr/share/metainfo/io.pollscope.Pollscope.metainfo.xml" 2>&1) ||
    fail "appstreamcli validate: $out"
! grep -qE '^[EW]:' <<<"$out" || fail "appstreamcli validate: $out"
echo "check-deb: desktop-file-validate and appstreamcli validate --no-net clean"

dev=$build/pollscope-dev_${version}_${arch}.deb
[[ -f $dev ]] || fail "cpack made no $dev"
[[ $(dpkg-deb -f "$dev" Package) == pollscope-dev ]] || fail "$dev: Package is not pollscope-dev"
[[ $(dpkg-deb -f "$dev" Version) == "$version" ]] || fail "$dev: Version is not $version"
dev_files=$(dpkg-deb -c "$dev" | awk '$1 !~ /^d/ {print $6}' | sort)
for f in ./usr/lib/libpollscope_core.a ./usr/lib/libpollscope_trace.a \
    ./usr/lib/cmake/Pollscope/PollscopeConfig.cmake ./usr/lib/cmake/Pollscope/PollscopeConfigVersion.cmake \
    ./usr/lib/cmake/Pollscope/PollscopeTargets.cmake ./usr/include/pollscope/runtime.h \
    ./usr/include/pollscope/recording.h; do
    grep -qxF "$f" <<<"$dev_files" || fail "$dev lacks $f"
done
! grep -vE '^\./usr/(include/pollscope/[a-z_]+\.h|lib/libpollscope_(core|trace)\.a|lib/cmake/Pollscope/[A-Za-z-]+\.cmake)$' <<<"$dev_files" ||
    fail "$dev holds files beyond the SDK's"
! grep -qE '/(local_queue|json_writer|atomic_file|trace_file)\.h$' <<<"$dev_files" ||
    fail "$dev holds private headers"
echo "check-deb: $dev as expected ($(wc -l <<<"$dev_files") files)"
echo "check-deb: passed"
