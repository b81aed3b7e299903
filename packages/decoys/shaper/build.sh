#!/bin/sh
# Rebuilds tcp-stack.bpf.o from its C source with Debian 12's clang (apt-get install clang libbpf-dev).
# The object is committed so `npm start` needs no clang; test/tcp-stack-object.test.ts checks it is current.
set -eu
here=$(dirname "$0")
out=${1:-"$here/tcp-stack.bpf.o"}
arch=$(uname -m)
case "$arch" in x86_64) inc=x86_64-linux-gnu ;; aarch64) inc=aarch64-linux-gnu ;; *) inc="$arch-linux-gnu" ;; esac
# -g for BTF (tc's libbpf loader wants it); deterministic: no timestamps, fixed debug prefix.
clang -O2 -g -target bpf -mcpu=v3 -I"/usr/include/$inc" -fdebug-prefix-map="$(cd "$here" && pwd)=." \
  -c "$here/tcp-stack.bpf.c" -o "$out"
# Drop DWARF (BTF stays): the object then depends on the source only, not on paths.
llvm-strip -g "$out"
