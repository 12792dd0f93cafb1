#!/usr/bin/env bash
# Installs what Pollscope needs to build, test and run on Debian 12 (bookworm).
# Idempotent: installs only the packages that are missing, and says which.
# Runs as root, or through sudo otherwise.
#
#   packaging/install-deps.sh           what the build, the tests and CI need
#   packaging/install-deps.sh --bench   also the peer runtimes of
#                                       ../shared/bench/peers (Tokio, Asio)
#                                       and perf, for bench/compare.sh
set -euo pipefail

packages=(
    build-essential      # g++ 12, make
    cmake                # 3.25: CMakePresets.json version 6
    git
    qt6-base-dev         # Qt 6.4 Core, Gui, Widgets, Test
    qt6-base-dev-tools   # moc, uic, rcc
    qt6-svg-dev          # Qt Svg (the icon, exported timelines)
    qt6-qpa-plugins      # offscreen platform plugin for headless runs
    libgl-dev            # Qt6Gui's CMake config wants OpenGL headers
    clang-format         # formatting
    clang-16             # the fuzz preset (tests/fuzz, run by CI); clang 14 lacks std::source_location
    libclang-rt-16-dev   # libFuzzer and the sanitizer runtimes of clang 16
    xvfb                 # a virtual display to run the GUI headless
    xauth                # xvfb-run needs it
    fonts-dejavu-core    # a font for the window and the exported SVG/PNG
    ninja-build          # the dev preset's generator
    librsvg2-bin         # rsvg-convert: the icon's PNG sizes, rendered from the SVG
    dpkg-dev             # dpkg-shlibdeps: the .deb's Depends (cpack -G DEB)
    file                 # cpack's DEB generator and dpkg-shlibdeps look at binaries with it
    desktop-file-utils   # desktop-file-validate (tests)
    appstream            # appstreamcli validate (tests)
    debootstrap          # packaging/test-deb-install.sh: a fresh Debian 12 chroot
    clang-tidy-16        # static checks (.clang-tidy; CI on changed files): 16 knows std::source_location
)
case ${1:-} in
--bench)
    packages+=(
        cargo librust-tokio-dev # the Tokio peer, built offline from Debian's crates
        libasio-dev             # the Boost.Asio (standalone) peer
        linux-perf              # profiles before a change to the executor
    )
    ;;
"") ;;
*)
    echo "usage: install-deps.sh [--bench]" >&2
    exit 2
    ;;
esac

if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    echo "install-deps: not root and no sudo; install these by hand: ${packages[*]}" >&2
    exit 1
fi

missing=()
for p in "${packages[@]}"; do
    if [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true) != installed ]]; then
        missing+=("$p")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-deps: all ${#packages[@]} packages already installed"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-deps: done"
