#!/usr/bin/env bash
# Compiles each example function examples/functions/NAME/NAME.c to NAME/NAME.wasm (a plain wasm32 module using the
# EDGELESS ABI; wasi_hello is built with wasi-libc as a WASI reactor). Needs clang-14, wasm-ld-14 and wasi-libc
# (scripts/install-deps.sh installs them).
# Usage: build.sh [NAME...]   (default: every example)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
clang="${CLANG:-clang-14}"
command -v "$clang" >/dev/null || { echo "build.sh: $clang not found; run scripts/install-deps.sh" >&2; exit 1; }

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  names=(noop message_generator vector_mul counter ping pong relay wasi_hello)
fi

exports=(edgeless_mem_alloc edgeless_mem_free edgeless_mem_clear handle_cast_asm handle_call_asm handle_init_asm handle_stop_asm)
flags=(--target=wasm32 -O2 -ffreestanding -nostdlib -Wall -Werror -Wno-unused-parameter -Wno-unused-function
       -I "$here/include" -Wl,--no-entry)
for e in "${exports[@]}"; do flags+=("-Wl,--export=$e"); done
# With wasi-libc: a reactor (exports _initialize, which the node calls once after instantiation).
wasi_flags=(--target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -O2 -Wall -Werror -Wno-unused-parameter
            -Wno-unused-function -I "$here/include")
for e in "${exports[@]}"; do wasi_flags+=("-Wl,--export=$e"); done
wasi=(wasi_hello)

for name in "${names[@]}"; do
  src="$here/$name/$name.c"
  [ -f "$src" ] || { echo "build.sh: no $src" >&2; exit 1; }
  if [[ " ${wasi[*]} " == *" $name "* ]]; then
    "$clang" "${wasi_flags[@]}" -o "$here/$name/$name.wasm.tmp" "$src"
  else
    "$clang" "${flags[@]}" -o "$here/$name/$name.wasm.tmp" "$src"
  fi
  mv -f "$here/$name/$name.wasm.tmp" "$here/$name/$name.wasm"
  echo "built $name/$name.wasm"
done
