using System.Text;
using Granary.Executors.Wasm;
using Microsoft.Extensions.Options;
using Wasmtime;

namespace Granary.Executors.Tests;

/// <summary>
/// The rewriting that gives every module the node's time limit (<see cref="WasmClockChecks"/>), and the clock it reads
/// (<see cref="WasmClock"/>). The sandbox tests show the limit stopping guests; these show that the rewriting reads every
/// kind of instruction and keeps modules valid and behaving as before.
/// </summary>
public sealed class WasmClockChecksTests
{
    /// <summary>
    /// One or more instructions of every immediate shape the binary format has, from every proposal the node's engine
    /// accepts, inside loops and functions so that checks are inserted around them. Fixed-width immediates end in the
    /// byte of <c>loop</c> (0x03), so that reading one byte too few inserts a check too many.
    /// </summary>
    private const string EveryShape = """
        (module
          (type $two (func (result i32 i32)))
          (type $point (struct (field $x (mut i32)) (field $y i64)))
          (type $bytes (array (mut i8)))
          (type $fn (func (param i32) (result i32)))
          (tag $oops (param i32))
          (memory $m 1 1 shared)
          (memory $second 1)
          (table $t 4 funcref)
          (table $t2 2 funcref)
          (global $g (mut i64) (i64.const -9223372036854775808))
          (data $d "abc")
          (elem $e func $id)
          (elem declare func $id)
          (func $id (param i32) (result i32) (local.get 0))
          (func $numbers (export "numbers") (param $x i32) (result i32)
            (local $f f32) (local $d f64) (local $r funcref) (local $v v128)
            (local.set $f (f32.const 0x1p-121))
            (local.set $d (f64.const 0x1p-975))
            (global.set $g (i64.extend_i32_s (i32.extend8_s (local.get $x))))
            (drop (i32.trunc_sat_f64_s (local.get $d)))
            (i64.add128 (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)) (drop) (drop)
            (drop (select (result i32) (i32.const 1) (i32.const 2) (local.get $x)))
            (drop (select (i32.const 1) (i32.const 2) (local.get $x)))
            (local.set $r (ref.func $id))
            (drop (ref.is_null (local.get $r)))
            (drop (ref.null extern))
            (local.set $v (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 3))
            (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 3 (local.get $v) (local.get $v)))
            (local.set $v (i32x4.replace_lane 2 (local.get $v) (i32x4.extract_lane 1 (local.get $v))))
            (local.set $v (v128.load8_lane $second offset=3 7 (i32.const 0) (local.get $v)))
            (local.set $v (v128.load32_zero (i32.const 16)))
            (local.set $v (f32x4.relaxed_madd (local.get $v) (local.get $v) (local.get $v)))
            (v128.store offset=32 (i32.const 0) (i8x16.swizzle (local.get $v) (local.get $v)))
            (i32.const 0))
          (func $control (export "control") (param $x i32) (result i32)
            (local $i i32)
            (block $out
              (loop $again
                (br_table $out $again $out (i32.and (local.get $x) (i32.const 3)))))
            (loop $count
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $count (i32.lt_u (local.get $i) (local.get $x))))
            (block $done (type $two) (i32.const 5) (i32.const 6) (br $done))
            (drop)
            (drop)
            (if (result i32) (local.get $x)
              (then (call_indirect $t (type $fn) (local.get $i) (i32.const 0)))
              (else (call $id (local.get $i)))))
          (func $memory (export "memory_ops") (param $x i32) (result i32)
            (i64.store8 $second offset=100000 align=1 (local.get $x) (i64.const 1))
            (memory.init $second $d (i32.const 0) (i32.const 0) (i32.const 3))
            (memory.copy $second $m (i32.const 8) (i32.const 0) (i32.const 3))
            (memory.fill $second (i32.const 0) (i32.const 0) (i32.const 1))
            (data.drop $d)
            (drop (memory.grow $second (i32.const 0)))
            (drop (i32.atomic.rmw.add $m offset=4 (i32.const 0) (i32.const 1)))
            (drop (memory.atomic.notify $m (i32.const 0) (i32.const 1)))
            (atomic.fence)
            (i32.add (memory.size $second) (i32.load16_u $m offset=2 (i32.const 0))))
          (func $tables (export "tables") (param $x i32) (result i32)
            (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 1))
            (table.copy $t2 $t (i32.const 0) (i32.const 0) (i32.const 1))
            (table.fill $t (i32.const 1) (ref.null func) (i32.const 1))
            (table.set $t (i32.const 2) (table.get $t2 (i32.const 0)))
            (elem.drop $e)
            (drop (table.grow $t (ref.null func) (i32.const 0)))
            (table.size $t))
          (func $objects (export "objects") (param $x i32) (result i32)
            (local $p (ref null $point)) (local $a (ref null $bytes)) (local $any anyref)
            (local.set $p (struct.new $point (local.get $x) (i64.const 2)))
            (struct.set $point $x (local.get $p) (i32.const 3))
            (local.set $a (array.new_fixed $bytes 2 (i32.const 1) (i32.const 2)))
            (array.set $bytes (local.get $a) (i32.const 0) (array.len (local.get $a)))
            (local.set $any (ref.i31 (local.get $x)))
            (drop (ref.test (ref i31) (local.get $any)))
            (block $no (result anyref)
              (drop (br_on_cast $no anyref (ref i31) (local.get $any)))
              (local.get $any))
            (drop)
            (drop (call_ref $fn (local.get $x) (ref.func $id)))
            (i32.add (struct.get $point $x (local.get $p)) (array.get_u $bytes (local.get $a) (i32.const 1))))
          (func $errors (export "errors") (param $x i32) (result i32)
            (block $caught (result i32)
              (try_table (result i32) (catch $oops $caught)
                (loop $l (result i32) (throw $oops (local.get $x))))))
          (func $tail (export "tail") (param $x i32) (result i32)
            (return_call $id (local.get $x)))
          (start $id_start)
          (func $id_start))
        """;

    private static Engine FullEngine() =>
        new(new Config()
            .WithWasmThreads(true).WithMultiMemory(true).WithGc(true).WithFunctionReferences(true).WithReferenceTypes(true)
            .WithExceptions(true).WithTailCalls(true).WithWideArithmetic(true).WithRelaxedSIMD(true, deterministic: false).WithSIMD(true).WithBulkMemory(true));

    [Fact]
    public void Every_kind_of_instruction_is_read_and_the_rewritten_module_is_valid_and_exports_the_clock_and_start()
    {
        using var engine = FullEngine();
        var original = Module.ConvertText(EveryShape);
        Assert.Equal(string.Empty, Module.Validate(engine, original) ?? string.Empty);

        var rewritten = WasmClockChecks.Instrument(original);

        Assert.Equal(string.Empty, Module.Validate(engine, rewritten.Module) ?? string.Empty);
        // Nine functions and three loops; immediates holding the byte of loop (0x03) are not taken for one.
        Assert.Equal(12, Occurrences(rewritten.Module, [0x41, 0x00, 0xFE, 0x11, 0x43, 0x02, 0x00, 0x50, 0x04, 0x40, 0x00, 0x0B]));
        Assert.True(rewritten.HasStart);
        using var module = Module.FromBytes(engine, "every", rewritten.Module);
        var clock = Assert.IsType<MemoryExport>(module.Exports.Single(e => e.Name == WasmClockChecks.ClockExport));
        Assert.Equal(1, clock.Minimum);
        Assert.Equal(1, clock.Maximum);
        Assert.IsType<FunctionExport>(module.Exports.Single(e => e.Name == WasmClockChecks.StartExport));
    }

    [Fact]
    public void A_module_without_memories_or_exports_gets_both_sections_in_their_place()
    {
        using var engine = FullEngine();

        var rewritten = WasmClockChecks.Instrument(Module.ConvertText("(module (global i32 (i32.const 1)) (func (loop (br 0))) (data \"x\"))"));

        Assert.Equal(string.Empty, Module.Validate(engine, rewritten.Module) ?? string.Empty);
        Assert.False(rewritten.HasStart);
        Assert.Equal([1, 3, 5, 6, 7, 10, 11], Sections(rewritten.Module).Where(s => s.Id != 0).Select(s => (int)s.Id));
    }

    [Fact]
    public void Custom_sections_that_locate_code_by_offset_are_dropped_and_the_others_kept()
    {
        var module = Module.ConvertText("(module (func $named))").ToList();
        foreach (var name in (string[])[".debug_info", "metadata.code.branch_hint", "producers"])
        {
            var utf8 = Encoding.UTF8.GetBytes(name);
            module.AddRange([0, (byte)(utf8.Length + 2), (byte)utf8.Length, .. utf8, 0xAB]);
        }

        var rewritten = WasmClockChecks.Instrument(module.ToArray());

        Assert.Equal(["name", "producers"], Sections(rewritten.Module).Where(s => s.Id == 0).Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00 }, "not a WebAssembly module (version 1)")]
    [InlineData(new byte[] { 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x20 }, "runs past the end")]
    public void Bytes_that_are_not_a_module_fail_with_a_format_error(byte[] bytes, string reason)
    {
        var error = Assert.Throws<FormatException>(() => WasmClockChecks.Instrument(bytes));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rewritten_module_computes_what_the_original_does_once_its_clock_has_a_deadline()
    {
        const string wat = """
            (module
              (memory 1)
              (func (export "sum") (param $n i32) (result i64)
                (local $i i32) (local $s i64)
                (loop $l
                  (i64.store (i32.const 8) (i64.add (i64.load (i32.const 8)) (i64.extend_i32_u (local.get $i))))
                  (local.set $s (i64.load (i32.const 8)))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br_if $l (i32.le_u (local.get $i) (local.get $n))))
                (local.get $s)))
            """;
        var wasm = Module.ConvertText(wat);
        using var plainEngine = new Engine();
        using var plainModule = Module.FromBytes(plainEngine, "sum", wasm);
        using var plainStore = new Store(plainEngine);
        var expected = new Instance(plainStore, plainModule).GetFunction<int, long>("sum")!(1000);
        using var engine = new WasmEngine();
        using var module = engine.Compile("sum", wasm);
        using var store = new Store(engine.Engine);
        var instance = new Instance(store, module);
        using var clock = engine.StartClock(instance);
        var sum = instance.GetFunction<int, long>("sum")!;

        var beforeDeadline = Assert.Throws<TrapException>(() => sum(1000));
        clock.SetDeadline(null);

        Assert.Equal(TrapCode.Unreachable, beforeDeadline.Type);
        Assert.Equal(500_500L, expected);
        Assert.Equal(expected, sum(1000));
    }

    [Fact]
    public void A_module_with_no_memory_of_its_own_is_stopped_by_its_clock()
    {
        using var engine = new WasmEngine();
        using var module = engine.Compile("spin", Module.ConvertText("(module (func (export \"spin\") (loop (br 0))))"));
        using var store = new Store(engine.Engine);
        var instance = new Instance(store, module);
        using var clock = engine.StartClock(instance);
        clock.SetDeadline(TimeSpan.FromMilliseconds(20));

        var trap = Assert.Throws<TrapException>(() => instance.GetAction("spin")!());

        Assert.Equal(TrapCode.Unreachable, trap.Type);
        Assert.True(clock.Expired);
    }

    [Fact]
    public void The_ticker_stops_a_clock_at_its_deadline_and_never_one_set_again_for_the_next_event()
    {
        // No tick during the test: the ticks are given by hand.
        using var engine = new WasmEngine(Options.Create(new WasmExecutorOptions { TickInterval = TimeSpan.FromHours(1) }));
        using var module = engine.Compile("empty", Module.ConvertText("(module)"));
        using var store = new Store(engine.Engine);
        using var clock = engine.StartClock(new Instance(store, module));
        Assert.True(clock.Expired);

        clock.SetDeadline(TimeSpan.FromHours(3));
        var deadline = (ulong)engine.Ticks + engine.TicksFor(TimeSpan.FromHours(3));
        clock.Tick(deadline - 1);
        Assert.False(clock.Expired);
        clock.Tick(deadline);
        Assert.True(clock.Expired);

        clock.SetDeadline(TimeSpan.FromHours(3));
        Assert.False(clock.Expired);
        clock.SetDeadline(null);
        clock.Tick(ulong.MaxValue - 1);
        Assert.False(clock.Expired);
    }

    private static int Occurrences(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> pattern)
    {
        var count = 0;
        int at;
        while ((at = bytes.IndexOf(pattern)) >= 0)
        {
            count++;
            bytes = bytes[(at + pattern.Length)..];
        }

        return count;
    }

    /// <summary>The ids of the sections of <paramref name="module"/>, with the names of the custom ones.</summary>
    private static List<(byte Id, string Name)> Sections(byte[] module)
    {
        var sections = new List<(byte, string)>();
        var at = 8;
        while (at < module.Length)
        {
            var id = module[at++];
            var size = Leb(module, ref at);
            var end = at + (int)size;
            var name = string.Empty;
            if (id == 0)
            {
                var length = Leb(module, ref at);
                name = Encoding.UTF8.GetString(module, at, (int)length);
            }

            sections.Add((id, name));
            at = end;
        }

        return sections;
    }

    private static uint Leb(byte[] bytes, ref int at)
    {
        uint value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[at++];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
