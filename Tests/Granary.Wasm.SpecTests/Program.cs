using Granary.Wasm;
using Granary.Wasm.SpecTests;

// Usage: Granary.Wasm.SpecTests [PATH] [--no-simd] [-v]
//   PATH: a directory of .wast files, a single .wast file, or nothing (GRANARY_WASM_TESTSUITE or
//   ../shared/wasm-testsuite/core beside the repository). SIMD files (simd_*.wast) are counted apart; --no-simd
//   skips them. The exit code is non-zero when any non-SIMD command fails.
var verbose = args.Contains("-v");
var runSimd = !args.Contains("--no-simd");
var path = args.FirstOrDefault(a => !a.StartsWith('-'));
IReadOnlyList<string> files;
try
{
    if (path is null)
    {
        files = SpecCorpus.CoreFiles(SpecCorpus.Locate(AppContext.BaseDirectory));
    }
    else if (File.Exists(path))
    {
        files = [Path.GetFullPath(path)];
    }
    else if (Directory.Exists(path))
    {
        files = [.. Directory.GetFiles(path, "*.wast").Order(StringComparer.Ordinal)];
    }
    else
    {
        Console.Error.WriteLine($"no such file or directory: {path}");
        return 2;
    }
}
catch (DirectoryNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var engine = new WasmEngine();
int passed = 0, failed = 0, skipped = 0, coreFailed = 0;
int simdPassed = 0, simdFailed = 0, simdSkipped = 0, simdFiles = 0;
var textSkipped = 0;
foreach (var file in files)
{
    var name = Path.GetFileName(file);
    var isSimd = name.StartsWith("simd_", StringComparison.Ordinal);
    if (isSimd && !runSimd)
    {
        var count = CountCommands(file);
        simdFiles++;
        simdSkipped += count;
        skipped += count;
        Console.WriteLine($"SKIP  {name,-40} {count} commands (--no-simd)");
        continue;
    }

    var r = WastRunner.RunFile(engine, file);
    passed += r.Passed;
    failed += r.Failed;
    skipped += r.Skipped;
    if (isSimd)
    {
        simdFiles++;
        simdPassed += r.Passed;
        simdFailed += r.Failed;
        simdSkipped += r.Skipped;
    }
    else
    {
        coreFailed += r.Failed;
        textSkipped += r.Skipped;
    }

    var status = r.Failed == 0 ? "PASS" : "FAIL";
    Console.WriteLine($"{status}  {name,-40} {r.Passed} passed, {r.Failed} failed, {r.Skipped} skipped{(isSimd ? " [simd]" : "")}");
    foreach (var f in r.Failures.Take(verbose ? int.MaxValue : 5))
    {
        Console.WriteLine($"      {f}");
    }
}

Console.WriteLine($"non-SIMD: {passed - simdPassed} passed, {coreFailed} failed, {textSkipped} skipped (text-format assert_malformed)");
Console.WriteLine($"SIMD ({simdFiles} files): {simdPassed} passed, {simdFailed} failed, {simdSkipped} skipped{(runSimd ? " (text-format assert_malformed)" : " (not run: --no-simd)")}");
Console.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
return coreFailed == 0 ? 0 : 1;

static int CountCommands(string wast)
{
    // Counting without converting: every top-level command of a script starts a line with "(".
    return File.ReadLines(wast).Count(l => l.StartsWith("(assert_", StringComparison.Ordinal) || l.StartsWith("(module", StringComparison.Ordinal) || l.StartsWith("(invoke", StringComparison.Ordinal) || l.StartsWith("(register", StringComparison.Ordinal));
}
