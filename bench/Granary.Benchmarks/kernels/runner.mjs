// Times `run()` of a freestanding .wasm kernel under Node/V8, as the yardstick for Wasmtime in the node.
// Usage: node runner.mjs KERNEL.wasm REPS [--fresh]  |  node runner.mjs --call ADD.wasm  |  node runner.mjs --instantiate SMALL.wasm
// --fresh: every run in a new instance (not timed), for kernels that keep state between runs.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const mode = process.argv[2];
if (mode === '--call') {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(process.argv[3])), {});
  const add = exports.add;
  const n = 5_000_000, samples = [];
  let acc = 0;
  for (let r = 0; r < 7; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) acc = add(acc, i);
    samples.push((performance.now() - t) * 1e6 / n);
  }
  console.log(JSON.stringify({ median_ns: median(samples.slice(2)), check: acc }));
} else if (mode === '--instantiate') {
  const module = new WebAssembly.Module(readFileSync(process.argv[3]));
  const n = 2000, samples = [];
  for (let r = 0; r < 9; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) new WebAssembly.Instance(module, {});
    samples.push((performance.now() - t) * 1000 / n);
  }
  console.log(JSON.stringify({ median_us: median(samples.slice(2)) }));
} else {
  const reps = Number(process.argv[3] ?? 7);
  const fresh = process.argv[4] === '--fresh';
  const module = new WebAssembly.Module(readFileSync(mode));
  const kept = new WebAssembly.Instance(module, {}).exports;
  const next = () => (fresh ? new WebAssembly.Instance(module, {}).exports : kept);
  let result = next().run();
  const samples = [];
  for (let r = 0; r < reps; r++) {
    const exports = next();
    const t = performance.now();
    result = exports.run();
    samples.push(performance.now() - t);
  }
  console.log(JSON.stringify({ median_ms: median(samples), samples_ms: samples, result }));
}
