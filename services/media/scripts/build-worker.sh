#!/usr/bin/env bash
# Builds mediasoup's C++ worker offline from Debian's libraries and installs it where mediasoup looks for it
# (worker/out/Release/mediasoup-worker inside the installed package). Runs as services/media's postinstall.
#
# Why not mediasoup's own install script: it downloads a prebuilt worker from GitHub, and its fallback pip-installs
# meson and lets meson download every subproject; neither reaches the internet from these machines
# (../shared/OFFLINE.md). Instead every subproject mediasoup asks for is replaced by a tiny local one that hands
# over Debian's library through pkg-config.
#
# The binary is cached outside the clone, keyed by mediasoup's version and the hash of our patch, so a fresh clone
# (CI) copies it in seconds instead of compiling for ~4 minutes.
set -euo pipefail

SERVICE_DIR="$(cd "$(dirname "$0")/.." && pwd)"
REPO_DIR="$(cd "$SERVICE_DIR/../.." && pwd)"
MEDIASOUP_DIR="$(cd "$SERVICE_DIR/node_modules/mediasoup" && pwd -P)"
VERSION="$(node -p "require('$MEDIASOUP_DIR/package.json').version")"
PATCH_FILE="$REPO_DIR/patches/mediasoup@$VERSION.patch"
PATCH_HASH="$( (cat "$PATCH_FILE" "$0" 2>/dev/null || true) | sha256sum | cut -c1-16)"
CACHE_DIR="${PARLEY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/parley}/mediasoup-worker/$VERSION-$PATCH_HASH"
CACHED_BIN="$CACHE_DIR/mediasoup-worker"
TARGET_BIN="$MEDIASOUP_DIR/worker/out/Release/mediasoup-worker"

# Debian packages: the build tools and the -dev packages the worker links against.
BUILD_PACKAGES=(g++ pkg-config meson ninja-build flatbuffers-compiler libssl-dev libuv1-dev libsrtp2-dev
  libusrsctp-dev libabsl-dev libflatbuffers-dev)

worker_runs() {
  # mediasoup-worker exits with 41 when started without mediasoup's channel file descriptors.
  local code=0
  "$1" >/dev/null 2>&1 || code=$?
  [ "$code" -eq 41 ]
}

install_from_cache() {
  mkdir -p "$(dirname "$TARGET_BIN")"
  cp "$CACHED_BIN" "$TARGET_BIN.tmp" && mv "$TARGET_BIN.tmp" "$TARGET_BIN"
}

ensure_build_packages() {
  local missing=()
  for package in "${BUILD_PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "media: installing Debian packages ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
}

write_subproject() {
  # $1 folder name, $2 meson.build body, $3 meson_options.txt body.
  local dir="$BUILD_SRC/subprojects/$1"
  mkdir -p "$dir"
  printf '%s\n' "$2" >"$dir/meson.build"
  printf '%s\n' "$3" >"$dir/meson_options.txt"
  # mediasoup links each subproject's static library whole; an empty one stands in for Debian's shared library.
  echo 'int parley_empty_translation_unit;' >"$dir/empty.c"
}

write_local_subprojects() {
  rm -f "$BUILD_SRC"/subprojects/*.wrap
  write_subproject openssl "project('openssl', 'c')
openssl_dep = dependency('openssl')
libssl_dep = dependency('libssl')
libcrypto_dep = dependency('libcrypto')
libssl_lib = static_library('parley_empty_ssl', 'empty.c')
libcrypto_lib = static_library('parley_empty_crypto', 'empty.c')" ""
  write_subproject libuv "project('libuv', 'c')
libuv_dep = dependency('libuv')
libuv = static_library('parley_empty_uv', 'empty.c')" "option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)"
  # Debian installs srtp.h under include/srtp2/ while mediasoup includes <srtp.h>.
  write_subproject libsrtp2 "project('libsrtp2', 'c')
srtp = dependency('libsrtp2')
libsrtp2_dep = declare_dependency(dependencies: srtp,
  compile_args: '-I' + srtp.get_variable(pkgconfig: 'includedir') + '/srtp2')
libsrtp2 = static_library('parley_empty_srtp', 'empty.c')" "option('crypto-library', type: 'string', value: 'openssl')
option('crypto-library-kdf', type: 'feature', value: 'disabled')
option('tests', type: 'feature', value: 'disabled')"
  write_subproject usrsctp "project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp')
usrsctp = static_library('parley_empty_usrsctp', 'empty.c')" "option('sctp_build_programs', type: 'boolean', value: false)"
  write_subproject abseil-cpp "project('abseil-cpp', 'c')
absl_container_dep = dependency('absl_flat_hash_map')
absl_strings_dep = dependency('absl_strings')
absl_types_dep = declare_dependency(dependencies: [dependency('absl_optional'), dependency('absl_variant')])
absl_container_lib = static_library('parley_empty_absl', 'empty.c')" ""
  write_subproject flatbuffers "project('flatbuffers', 'c')
flatbuffers_dep = dependency('flatbuffers')
flatbuffers_lib = static_library('parley_empty_flatbuffers', 'empty.c')" ""
  write_subproject catch2 "project('catch2', 'c')
catch2_dep = declare_dependency()" ""
}

build_worker() {
  ensure_build_packages
  BUILD_SRC="$(mktemp -d /tmp/parley-mediasoup-worker.XXXXXX)"
  trap 'rm -rf "$BUILD_SRC"' EXIT
  # The installed package already carries our patch (pnpm patchedDependencies); build from a copy so the
  # package in pnpm's store stays untouched.
  cp -r "$MEDIASOUP_DIR/worker/." "$BUILD_SRC/"
  rm -rf "$BUILD_SRC/out"
  write_local_subprojects
  # Debian 12's meson is 1.0.1; mediasoup 3.13 asks for 1.1.0 but uses nothing newer.
  sed -i "s/meson_version: '>= 1.1.0'/meson_version: '>= 1.0.0'/" "$BUILD_SRC/meson.build"
  (
    cd "$BUILD_SRC"
    # Debian's liburing 2.3 is older than the one mediasoup needs.
    meson setup build --buildtype release -Db_ndebug=true -Dms_disable_liburing=true >/dev/null
    meson compile -C build flatbuffers-generator >/dev/null
    meson compile -C build mediasoup-worker
  )
  worker_runs "$BUILD_SRC/build/mediasoup-worker" || {
    echo "media: the built worker does not start" >&2
    exit 1
  }
  mkdir -p "$CACHE_DIR"
  cp "$BUILD_SRC/build/mediasoup-worker" "$CACHED_BIN.tmp" && mv "$CACHED_BIN.tmp" "$CACHED_BIN"
}

if [ -x "$TARGET_BIN" ] && worker_runs "$TARGET_BIN" && cmp -s "$TARGET_BIN" "$CACHED_BIN" 2>/dev/null; then
  exit 0
fi
if ! { [ -x "$CACHED_BIN" ] && worker_runs "$CACHED_BIN"; }; then
  echo "media: building mediasoup-worker $VERSION from Debian's libraries (a few minutes, once per machine)"
  build_worker
fi
install_from_cache
echo "media: mediasoup-worker $VERSION ready ($TARGET_BIN)"
