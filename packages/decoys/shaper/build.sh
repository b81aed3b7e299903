#!/bin/sh
# Rebuilds tcp-stack.bpf.o from its C source with Debian 12's clang (apt-get install clang llvm libbpf-dev).
# The object is committed so `npm start` needs no clang; packages/decoys/test/tcp-stack-object.test.ts
# checks it is current. Usage: build.sh [output path]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/tcp-stack.bpf.o"}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
inc="/usr/include/$(uname -m)-linux-gnu"
# Compiled with the source directory mapped to `.`, so the object (its BTF names the source
# file) is byte-identical wherever the checkout lives. -mcpu=v3 for the atomic IP ID counter; -g
# for the BTF tc's libbpf loader wants; the DWARF is stripped again (BTF stays).
cd "$here"
clang -O2 -g -ffile-prefix-map="$here"=. -target bpf -mcpu=v3 -I"$inc" -c tcp-stack.bpf.c -o "$out"
llvm-strip -g "$out"
