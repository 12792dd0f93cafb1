#!/usr/bin/env bash
# The clean-install check of the .deb, as a new user on a fresh Debian 12 gets it:
#
#   sudo packaging/test-deb-install.sh build/pollscope_0.1.0_amd64.deb
#
# debootstraps a minimal Debian 12 (bookworm) chroot, installs the .deb with
# apt-get there and checks that it pulled only runtime libraries (no compiler,
# no -dev package), that `pollscope --version` prints the package's version
# and `pollscope --bogus` exits 2 without a display; then installs the
# desktop's tools (desktop-file-utils, appstream, xdg-utils, shared-mime-info)
# and checks the installed desktop entry and metainfo (desktop-file-validate,
# appstreamcli validate --no-net: no error or warning), the icons, and that
# `xdg-mime query default` of a saved trace names Pollscope.
#
# Needs root and debootstrap. The mirror is the first Debian one of
# /etc/apt/sources.list*, or $POLLSCOPE_MIRROR. The fresh base system is kept
# as a tarball in $POLLSCOPE_CHROOT_CACHE (default ~/.cache/pollscope) so that
# later runs skip the download; POLLSCOPE_KEEP_CHROOT=1 keeps the chroot.
set -euo pipefail

deb=${1:?usage: test-deb-install.sh PATH/TO/pollscope_VERSION_ARCH.deb}
deb=$(readlink -f "$deb")
[[ -f $deb ]] || { echo "test-deb-install: no file $deb" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "test-deb-install: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null ||
    { echo "test-deb-install: needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }

start=$SECONDS
step() { echo "=== [$((SECONDS - start)) s] $*"; }
fail() { echo "test-deb-install: FAILED: $*" >&2; exit 1; }

version=$(dpkg-deb -f "$deb" Version)
package=$(dpkg-deb -f "$deb" Package)
mirror=${POLLSCOPE_MIRROR:-$(grep -hoE '(^URIs:|^deb) *https?://[^ ]*/debian/?( |$)' \
    /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
    grep -oE 'https?://[^ ]*' | head -1 || true)}
mirror=${mirror:-http://deb.debian.org/debian}
cache=${POLLSCOPE_CHROOT_CACHE:-$HOME/.cache/pollscope}
base=$cache/bookworm-minbase.tar

root=$(mktemp -d /tmp/pollscope-chroot.XXXXXX)
cleanup() {
    umount "$root/proc" 2>/dev/null || true
    umount "$root/dev/pts" 2>/dev/null || true
    if [[ ${POLLSCOPE_KEEP_CHROOT:-0} == 1 ]]; then
        echo "test-deb-install: chroot kept in $root"
    else
        rm -rf --one-file-system "$root"
    fi
}
trap cleanup EXIT

if [[ -f $base ]]; then
    step "base system from $base"
    tar -C "$root" -xf "$base"
else
    step "debootstrap --variant=minbase bookworm from $mirror"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
        { tail -20 "$root.debootstrap.log" >&2; fail "debootstrap"; }
    rm -f "$root.debootstrap.log"
    mkdir -p "$cache"
    tar -C "$root" -cf "$base.tmp" . && mv "$base.tmp" "$base"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mount -t proc proc "$root/proc"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

step "apt-get update"
in_root apt-get -o APT::Sandbox::User=root update -q >/dev/null || fail "apt-get update in the chroot"

in_root dpkg-query -W -f='${Package}\n' | sort >"$root/tmp/before"
cp "$deb" "$root/tmp/"
step "apt-get install ./$(basename "$deb")"
in_root apt-get install -y -q "/tmp/$(basename "$deb")" >"$root/tmp/install.log" 2>&1 ||
    { tail -30 "$root/tmp/install.log" >&2; fail "apt-get install of the .deb"; }
in_root dpkg-query -W -f='${Package}\n' | sort >"$root/tmp/after"
pulled=$(comm -13 "$root/tmp/before" "$root/tmp/after" | grep -vx "$package" || true)
echo "pulled $(wc -w <<<"$pulled") packages besides $package:"
if command -v column >/dev/null; then column -c 100 <<<"$pulled"; else echo $pulled; fi
# A runtime install: no compiler, no headers, no build tool.
build_deps=$(grep -E -- '-dev$|-dev-tools$|^(gcc|g\+\+|cpp|clang|cmake|make|ninja-build|binutils|build-essential|dpkg-dev)(-[0-9.]+)?$|^qcoro' \
    <<<"$pulled" || true)
[[ -z $build_deps ]] || fail "the .deb pulled build dependencies: $build_deps"

step "pollscope --version"
got=$(in_root pollscope --version) || fail "pollscope --version exited $?"
echo "$got"
[[ $got == "pollscope $version" ]] || fail "pollscope --version printed '$got', not 'pollscope $version'"

step "pollscope --bogus (no display)"
rc=0
err=$(in_root pollscope --bogus 2>&1 >/dev/null) || rc=$?
echo "$(head -1 <<<"$err") (exit $rc)"
[[ $rc -eq 2 ]] || fail "pollscope --bogus exited $rc, not 2"

step "installing the desktop's tools: desktop-file-utils appstream xdg-utils shared-mime-info"
in_root apt-get install -y -q --no-install-recommends desktop-file-utils appstream xdg-utils \
    shared-mime-info libfile-mimeinfo-perl >"$root/tmp/tools.log" 2>&1 ||
    { tail -30 "$root/tmp/tools.log" >&2; fail "installing the tools"; }
# Reinstalled now that they are there, so that their triggers run (MIME and
# desktop caches) as they do on a desktop that has them before Pollscope.
in_root apt-get install -y -q --reinstall "/tmp/$(basename "$deb")" >>"$root/tmp/tools.log" 2>&1 ||
    fail "reinstalling the .deb"

step "desktop-file-validate, appstreamcli validate --no-net"
out=$(in_root desktop-file-validate /usr/share/applications/io.pollscope.Pollscope.desktop 2>&1) ||
    fail "desktop-file-validate: $out"
[[ -z $out ]] || fail "desktop-file-validate: $out"
echo "desktop-file-validate: clean"
out=$(in_root appstreamcli validate --no-net /usr/share/metainfo/io.pollscope.Pollscope.metainfo.xml 2>&1) ||
    fail "appstreamcli validate: $out"
echo "$out"
! grep -qE '^[EW]:' <<<"$out" || fail "appstreamcli validate reported errors or warnings"

step "icons"
for f in scalable/apps/io.pollscope.Pollscope.svg 16x16/apps/io.pollscope.Pollscope.png \
         48x48/apps/io.pollscope.Pollscope.png 256x256/apps/io.pollscope.Pollscope.png; do
    [[ -s $root/usr/share/icons/hicolor/$f ]] || fail "no icon $f"
done
echo "icons: $(cd "$root/usr/share/icons/hicolor" && ls -d */apps/io.pollscope.Pollscope.* | tr '\n' ' ')"

step "xdg-mime query default of a saved trace"
in_root pollscope --run join --virtual-time --export /tmp/run.pollscope.json >/dev/null ||
    fail "pollscope --run join --export"
# The same trace with no extension: matched by its content. (A plain *.json
# name is application/json by its glob: shared-mime-info sniffs the content
# only when the name does not decide.)
cp "$root/tmp/run.pollscope.json" "$root/tmp/saved-trace"
for f in /tmp/run.pollscope.json /tmp/saved-trace; do
    type=$(in_root xdg-mime query filetype "$f")
    app=$(in_root xdg-mime query default "$type")
    echo "$f: $type -> $app"
    [[ $type == application/x-pollscope-trace+json ]] || fail "$f is $type"
    [[ $app == io.pollscope.Pollscope.desktop ]] || fail "the default for $type is '$app'"
done

step "all checks passed ($package $version)"
