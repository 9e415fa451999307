#!/usr/bin/env bash
# Regenerates the Python stubs in this folder from every .proto under
# ../../proto/tierd (new files are picked up without editing this script).
#
# Needs Debian's protoc and gRPC Python plugin (no pip, no network):
#   apt-get install -y protobuf-compiler protobuf-compiler-grpc
# Debian's python3-grpc-tools (1.14) is not used: its bundled protoc 3.5
# rejects proto3 `optional`, which router.proto uses. protoc 3.21 (bookworm)
# emits code for the protobuf 4.21 runtime of python3-protobuf.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../../proto"
plugin="$(command -v grpc_python_plugin || true)"
if ! command -v protoc >/dev/null || [ -z "$plugin" ]; then
  echo "generate.sh: needs protoc and grpc_python_plugin: apt-get install -y protobuf-compiler protobuf-compiler-grpc" >&2
  exit 1
fi
mapfile -t protos < <(cd "$root" && find tierd -name '*.proto' | LC_ALL=C sort)
rm -rf "$here/tierd"
protoc -I "$root" \
  --python_out="$here" --pyi_out="$here" \
  --plugin=protoc-gen-grpc_python="$plugin" --grpc_python_out="$here" \
  "${protos[@]}"
