#!/usr/bin/env bash
# Provides the Jaeger all-in-one binary the telemetry tests export spans to, and prints its path on stdout (and
# nothing else there; progress goes to stderr). Builds github.com/jaegertracing/jaeger/cmd/jaeger at exactly v1.75.0
# into <repo>/.tools/bin (git-ignored) with the Go toolchain, once; later runs reuse the binary. It never starts Jaeger.
#
# Why not `go install github.com/jaegertracing/jaeger/cmd/jaeger@v1.75.0`: Jaeger's go.mod has a `replace` directive,
# and Go refuses `go install pkg@version` for such modules ("The go.mod file for the module providing named packages
# contains one or more replace directives"). So the script fetches the v1.75.0 module source through the Go module
# proxy (go mod download, checksum-verified against sum.golang.org), copies it under .tools/src, and runs
# `GOBIN=.tools/bin go install ./cmd/jaeger` inside it, where the module's own go.mod and go.sum apply as released.
# Needs Go >= 1.24.6 (Jaeger v1.75.0's go.mod) and network access to the Go module proxy the first time.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAEGER_MODULE="github.com/jaegertracing/jaeger"
JAEGER_VERSION="v1.75.0"
BIN_DIR="$ROOT/.tools/bin"
SRC_DIR="$ROOT/.tools/src/jaeger-$JAEGER_VERSION"
BIN="$BIN_DIR/jaeger"
if [ ! -x "$BIN" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "jaeger.sh: Go is not on PATH; install Go >= 1.24.6 (https://go.dev/dl/) to build Jaeger $JAEGER_VERSION" >&2
    exit 1
  fi
  start=$(date +%s)
  echo "jaeger.sh: building jaeger $JAEGER_VERSION into $BIN_DIR (once; this can take several minutes)" >&2
  mod_dir="$(go mod download -json "$JAEGER_MODULE@$JAEGER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  if [ -z "$mod_dir" ] || [ ! -f "$mod_dir/go.mod" ]; then
    echo "jaeger.sh: go mod download $JAEGER_MODULE@$JAEGER_VERSION did not yield the module source" >&2
    exit 1
  fi
  rm -rf "$SRC_DIR"
  mkdir -p "$(dirname "$SRC_DIR")" "$BIN_DIR"
  cp -R "$mod_dir" "$SRC_DIR"
  chmod -R u+w "$SRC_DIR"
  (cd "$SRC_DIR" && GOBIN="$BIN_DIR" GOFLAGS="-buildvcs=false -mod=mod" go install ./cmd/jaeger) >&2
  echo "jaeger.sh: built $BIN in $(( $(date +%s) - start ))s" >&2
fi
echo "$BIN"
