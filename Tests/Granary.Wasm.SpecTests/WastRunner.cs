using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text.Json;

namespace Granary.Wasm.SpecTests;

/// <summary>
/// Runs one .wast script: converts it with wabt's <c>wast2json</c> into a temporary directory and executes every
/// command against the engine.
/// </summary>
public sealed class WastRunner(IWasmEngine engine)
{
    private static readonly WasmInstanceLimits Limits = new() { CallTimeout = TimeSpan.FromSeconds(30) };

    private readonly Dictionary<string, IWasmInstance> _named = new(StringComparer.Ordinal);
    private SpecHost _host = new();
    private IWasmInstance? _current;
    private string _dir = "";

    /// <summary>Runs <paramref name="wastPath"/>; on a thread with a large stack so deep recursion tests trap, not crash.</summary>
    public static SpecFileResult RunFile(IWasmEngine engine, string wastPath)
    {
        SpecFileResult? result = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = new WastRunner(engine).Run(wastPath);
            }
            catch (Exception e)
            {
                error = e;
            }
        }, 256 * 1024 * 1024);
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            var r = new SpecFileResult(Path.GetFileNameWithoutExtension(wastPath));
            r.Failures.Add($"runner error: {error}");
            return r;
        }

        return result!;
    }

    private SpecFileResult Run(string wastPath)
    {
        var name = Path.GetFileNameWithoutExtension(wastPath);
        var result = new SpecFileResult(name);
        _dir = Directory.CreateTempSubdirectory("granary-wast-").FullName;
        try
        {
            var json = Path.Combine(_dir, name + ".json");
            var psi = new ProcessStartInfo("wast2json", ["--enable-all", wastPath, "-o", json])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using (var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start wast2json"))
            {
                var err = p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0)
                {
                    // Retry without --enable-all: the default feature set is WebAssembly 2.0.
                    psi.ArgumentList.RemoveAt(0);
                    using var p2 = Process.Start(psi)!;
                    err = p2.StandardError.ReadToEnd();
                    p2.WaitForExit();
                    if (p2.ExitCode != 0)
                    {
                        result.Failures.Add($"wast2json failed: {err}");
                        return result;
                    }
                }
            }

            using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
            foreach (var cmd in doc.RootElement.GetProperty("commands").EnumerateArray())
            {
                var type = cmd.GetProperty("type").GetString()!;
                var line = cmd.GetProperty("line").GetInt32();
                string? failure;
                try
                {
                    failure = RunCommand(type, cmd, out var skipped);
                    if (skipped)
                    {
                        result.Skipped++;
                        continue;
                    }
                }
                catch (Exception e)
                {
                    failure = $"unexpected {e.GetType().Name}: {e.Message}";
                }

                if (failure is null)
                {
                    result.Passed++;
                }
                else
                {
                    result.Failures.Add($"{name}.wast:{line} {type}: {failure}");
                }
            }
        }
        finally
        {
            try
            {
                Directory.Delete(_dir, true);
            }
            catch (IOException)
            {
            }
        }

        return result;
    }

    private string? RunCommand(string type, JsonElement cmd, out bool skipped)
    {
        skipped = false;
        switch (type)
        {
            case "module":
                {
                    _current = null;
                    var module = engine.Compile(ReadModule(cmd));
                    _current = module.Instantiate(_host, Limits);
                    if (cmd.TryGetProperty("name", out var n))
                    {
                        _named[n.GetString()!] = _current;
                    }

                    return null;
                }

            case "register":
                {
                    var instance = cmd.TryGetProperty("name", out var n) ? _named[n.GetString()!] : _current;
                    if (instance is null)
                    {
                        return "no module to register";
                    }

                    _host.Register(cmd.GetProperty("as").GetString()!, instance);
                    return null;
                }

            case "action":
                Perform(cmd.GetProperty("action"));
                return null;
            case "assert_return":
                {
                    var actual = Perform(cmd.GetProperty("action"));
                    var expected = cmd.GetProperty("expected").EnumerateArray().ToArray();
                    if (actual.Length != expected.Length)
                    {
                        return $"expected {expected.Length} results, got {actual.Length}";
                    }

                    for (var i = 0; i < actual.Length; i++)
                    {
                        if (!Matches(expected[i], actual[i]))
                        {
                            return $"result {i}: expected {expected[i]}, got {Describe(actual[i])}";
                        }
                    }

                    return null;
                }

            case "assert_trap":
            case "assert_exhaustion":
                {
                    var text = cmd.GetProperty("text").GetString()!;
                    try
                    {
                        if (cmd.TryGetProperty("action", out var action))
                        {
                            Perform(action);
                        }
                        else
                        {
                            engine.Compile(ReadModule(cmd)).Instantiate(_host, Limits);
                        }
                    }
                    catch (WasmTrapException e)
                    {
                        return text.StartsWith(e.Message, StringComparison.Ordinal) ? null : $"trapped with '{e.Message}', expected '{text}'";
                    }

                    return $"expected trap '{text}', but returned";
                }

            case "assert_invalid":
            case "assert_malformed":
                {
                    if (cmd.GetProperty("module_type").GetString() != "binary")
                    {
                        skipped = true;
                        return null;
                    }

                    try
                    {
                        engine.Compile(ReadModule(cmd));
                    }
                    catch (WasmCompileException)
                    {
                        return null;
                    }

                    return $"module compiled, expected failure '{cmd.GetProperty("text").GetString()}'";
                }

            case "assert_unlinkable":
                {
                    IWasmModule module;
                    try
                    {
                        module = engine.Compile(ReadModule(cmd));
                    }
                    catch (WasmCompileException e)
                    {
                        return $"compile failed: {e.Message}";
                    }

                    try
                    {
                        module.Instantiate(_host, Limits);
                    }
                    catch (WasmLinkException)
                    {
                        return null;
                    }

                    return "module linked, expected link failure";
                }

            case "assert_uninstantiable":
                try
                {
                    engine.Compile(ReadModule(cmd)).Instantiate(_host, Limits);
                }
                catch (WasmTrapException)
                {
                    return null;
                }

                return "module instantiated, expected a trap";
            default:
                return $"unknown command {type}";
        }
    }

    private ReadOnlyMemory<byte> ReadModule(JsonElement cmd) => File.ReadAllBytes(Path.Combine(_dir, cmd.GetProperty("filename").GetString()!));

    private object?[] Perform(JsonElement action)
    {
        var instance = action.TryGetProperty("module", out var m) ? _named[m.GetString()!] : _current
            ?? throw new InvalidOperationException("no current module");
        var field = action.GetProperty("field").GetString()!;
        var export = instance.GetExport(field) ?? throw new InvalidOperationException($"no export '{field}'");
        if (action.GetProperty("type").GetString() == "get")
        {
            return [((WasmGlobal)export).Value];
        }

        var args = action.GetProperty("args").EnumerateArray().Select(ParseValue).ToArray();
        return ((WasmFunction)export).Invoke(args);
    }

    private static object? ParseValue(JsonElement v)
    {
        var type = v.GetProperty("type").GetString();
        if (type == "v128")
        {
            return ParseVector(v);
        }

        var s = v.GetProperty("value").GetString()!;
        return type switch
        {
            "i32" => (int)uint.Parse(s, CultureInfo.InvariantCulture),
            "i64" => (long)ulong.Parse(s, CultureInfo.InvariantCulture),
            "f32" => BitConverter.Int32BitsToSingle((int)uint.Parse(s, CultureInfo.InvariantCulture)),
            "f64" => BitConverter.Int64BitsToDouble((long)ulong.Parse(s, CultureInfo.InvariantCulture)),
            "externref" => s == "null" ? null : new ExternRef(ulong.Parse(s, CultureInfo.InvariantCulture)),
            "funcref" => s == "null" ? null : throw new NotSupportedException("funcref argument"),
            _ => throw new NotSupportedException($"value type {type}"),
        };
    }

    /// <summary>Builds a v128 from lanes written as unsigned decimal bit patterns.</summary>
    private static Vector128<byte> ParseVector(JsonElement v)
    {
        var laneType = v.GetProperty("lane_type").GetString()!;
        var lanes = v.GetProperty("value").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var size = LaneSize(laneType);
        var bytes = new byte[16];
        for (var i = 0; i < lanes.Length; i++)
        {
            var bits = ulong.Parse(lanes[i], CultureInfo.InvariantCulture);
            for (var b = 0; b < size; b++)
            {
                bytes[(i * size) + b] = (byte)(bits >> (8 * b));
            }
        }

        return Vector128.Create(bytes);
    }

    private static int LaneSize(string laneType) => laneType switch
    {
        "i8" => 1,
        "i16" => 2,
        "i32" or "f32" => 4,
        _ => 8,
    };

    private static bool MatchesVector(JsonElement expected, object? actual)
    {
        if (actual is not Vector128<byte> vector)
        {
            return false;
        }

        var laneType = expected.GetProperty("lane_type").GetString()!;
        var size = LaneSize(laneType);
        var lanes = expected.GetProperty("value").EnumerateArray().Select(e => e.GetString()!).ToArray();
        for (var i = 0; i < lanes.Length; i++)
        {
            ulong bits = 0;
            for (var b = 0; b < size; b++)
            {
                bits |= (ulong)vector.GetElement((i * size) + b) << (8 * b);
            }

            var ok = (laneType, lanes[i]) switch
            {
                ("f32", "nan:canonical") => (bits & 0x7FFFFFFF) == 0x7FC00000,
                ("f32", "nan:arithmetic") => (bits & 0x7FC00000) == 0x7FC00000,
                ("f64", "nan:canonical") => (bits & 0x7FFFFFFFFFFFFFFF) == 0x7FF8000000000000,
                ("f64", "nan:arithmetic") => (bits & 0x7FF8000000000000) == 0x7FF8000000000000,
                _ => bits == ulong.Parse(lanes[i], CultureInfo.InvariantCulture),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Matches(JsonElement expected, object? actual)
    {
        var type = expected.GetProperty("type").GetString();
        if (type == "v128")
        {
            return MatchesVector(expected, actual);
        }

        var s = expected.TryGetProperty("value", out var v) ? v.GetString() : null;
        switch (type)
        {
            case "i32":
                return actual is int i && (uint)i == uint.Parse(s!, CultureInfo.InvariantCulture);
            case "i64":
                return actual is long l && (ulong)l == ulong.Parse(s!, CultureInfo.InvariantCulture);
            case "f32":
                {
                    if (actual is not float f)
                    {
                        return false;
                    }

                    var bits = (uint)BitConverter.SingleToInt32Bits(f);
                    return s switch
                    {
                        "nan:canonical" => (bits & 0x7FFFFFFF) == 0x7FC00000,
                        "nan:arithmetic" => (bits & 0x7FC00000) == 0x7FC00000,
                        _ => bits == uint.Parse(s!, CultureInfo.InvariantCulture),
                    };
                }

            case "f64":
                {
                    if (actual is not double d)
                    {
                        return false;
                    }

                    var bits = (ulong)BitConverter.DoubleToInt64Bits(d);
                    return s switch
                    {
                        "nan:canonical" => (bits & 0x7FFFFFFFFFFFFFFF) == 0x7FF8000000000000,
                        "nan:arithmetic" => (bits & 0x7FF8000000000000) == 0x7FF8000000000000,
                        _ => bits == ulong.Parse(s!, CultureInfo.InvariantCulture),
                    };
                }

            case "externref":
                return s is null ? actual is not null : s == "null" ? actual is null : actual is ExternRef e && e.Value == ulong.Parse(s, CultureInfo.InvariantCulture);
            case "funcref":
                return s is null ? actual is WasmFunction : s == "null" ? actual is null : actual is WasmFunction;
            default:
                return false;
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        float f => $"f32 {(uint)BitConverter.SingleToInt32Bits(f)} ({f})",
        double d => $"f64 {(ulong)BitConverter.DoubleToInt64Bits(d)} ({d})",
        int i => $"i32 {(uint)i}",
        Vector128<byte> v => $"v128 {v}",
        long l => $"i64 {(ulong)l}",
        _ => value.ToString() ?? "?",
    };
}
