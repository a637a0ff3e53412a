namespace Granary.Wasm.Tests;

/// <summary>The engine interface used by the node's WebAssembly executor.</summary>
public sealed class EngineApiTests
{
    private delegate int Triple(int x);

    [Fact]
    public void One_compiled_module_gives_independent_instances()
    {
        var module = Wat.Compile("""
            (module (memory (export "memory") 1)
              (global $n (mut i32) (i32.const 0))
              (func (export "inc") (result i32) (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n)))
            """);
        var a = module.Instantiate(new WasmImports());
        var b = module.Instantiate(new WasmImports());
        var incA = a.GetFunction<Func<int>>("inc");

        incA();
        incA();

        Assert.Equal(3, incA());
        Assert.Equal(1, b.GetFunction<Func<int>>("inc")());
        a.Memory!.Span[0] = 7;
        Assert.Equal(0, b.Memory!.Span[0]);
    }

    [Fact]
    public void Host_function_reads_the_calling_instance_memory()
    {
        var module = Wat.Compile("""
            (module
              (import "env" "cast_asm" (func $cast (param i32 i32 i32 i32)))
              (memory (export "memory") 1)
              (data (i32.const 16) "self") (data (i32.const 32) "hello")
              (func (export "handle_cast_asm") (call $cast (i32.const 16) (i32.const 4) (i32.const 32) (i32.const 5))))
            """);
        var seen = new List<string>();
        var imports = new WasmImports().AddFunction("env", "cast_asm", instance => new Action<int, int, int, int>((tp, tl, pp, pl) =>
            seen.Add(System.Text.Encoding.UTF8.GetString(instance.Memory!.Slice((uint)tp, tl)) + ":" + System.Text.Encoding.UTF8.GetString(instance.Memory!.Slice((uint)pp, pl)))));

        module.Instantiate(imports).GetFunction<Action>("handle_cast_asm")();

        Assert.Equal(["self:hello"], seen);
    }

    [Fact]
    public void Host_function_result_flows_back_into_wasm()
    {
        var module = Wat.Compile("""
            (module (import "env" "twice" (func $t (param i64) (result i64)))
              (func (export "f") (param i64) (result i64) (i64.add (call $t (local.get 0)) (i64.const 1))))
            """);
        var instance = module.Instantiate(new WasmImports().AddFunction("env", "twice", new Func<long, long>(x => x * 2)));

        Assert.Equal(21L, instance.GetFunction<Func<long, long>>("f")(10));
    }

    [Fact]
    public void Missing_import_fails_to_link()
    {
        var module = Wat.Compile("(module (import \"env\" \"f\" (func)))");

        var e = Assert.Throws<WasmLinkException>(() => module.Instantiate(new WasmImports()));
        Assert.Contains("env.f", e.Message);
    }

    [Fact]
    public void Import_with_the_wrong_signature_fails_to_link()
    {
        var module = Wat.Compile("(module (import \"env\" \"f\" (func (param i32))))");

        Assert.Throws<WasmLinkException>(() => module.Instantiate(new WasmImports().AddFunction("env", "f", new Action<long>(_ => { }))));
    }

    [Theory]
    [InlineData("(i32.div_s (i32.const 1) (i32.const 0))", "integer divide by zero")]
    [InlineData("(i32.div_s (i32.const -2147483648) (i32.const -1))", "integer overflow")]
    [InlineData("(i32.trunc_f32_s (f32.const nan))", "invalid conversion to integer")]
    [InlineData("(i32.load (i32.const 65535))", "out of bounds memory access")]
    [InlineData("(unreachable)", "unreachable")]
    [InlineData("(call_indirect (result i32) (i32.const 5))", "undefined element")]
    [InlineData("(call_indirect (result i32) (i32.const 0))", "uninitialized element")]
    public void Traps_carry_the_specification_message(string body, string message)
    {
        var module = Wat.Compile($"(module (memory 1) (table 2 funcref) (func (export \"f\") (result i32) {body}))");

        var trap = Assert.Throws<WasmTrapException>(() => module.Instantiate(new WasmImports()).GetFunction<Func<int>>("f")());

        Assert.Equal(message, trap.Message);
    }

    [Fact]
    public void Malformed_module_fails_to_compile()
    {
        var truncated = Wat.ToWasm("(module (func (export \"f\")))")[..^1];

        Assert.Throws<WasmCompileException>(() => new WasmEngine().Compile(new byte[] { 0, 0x61, 0x73, 0x6d, 2, 0, 0, 0 }));
        Assert.Throws<WasmCompileException>(() => new WasmEngine().Compile(truncated));
    }

    [Fact]
    public void Invalid_module_fails_to_compile_with_the_reason()
    {
        var wasm = Wat.ToWasm("(module (func (result i32) (i64.const 0)))", validate: false);

        var e = Assert.Throws<WasmCompileException>(() => new WasmEngine().Compile(wasm));
        Assert.Contains("type mismatch", e.Message);
    }

    [Fact]
    public void Delegate_not_matching_the_export_signature_is_rejected()
    {
        var instance = Wat.Compile("(module (func (export \"f\") (param i32) (result i32) (local.get 0)))").Instantiate(new WasmImports());

        Assert.Throws<ArgumentException>(() => instance.GetFunction<Func<long, long>>("f"));
        Assert.Throws<KeyNotFoundException>(() => instance.GetFunction<Func<int, int>>("missing"));
        Assert.Equal(5, instance.GetFunction<Func<int, int>>("f")(5));
    }

    [Fact]
    public void Exported_memory_and_globals_are_shared_with_importers()
    {
        var engine = new WasmEngine();
        var provider = engine.Compile(Wat.ToWasm("""
            (module (memory (export "mem") 1) (global (export "g") (mut i32) (i32.const 5)))
            """)).Instantiate(new WasmImports());
        var user = engine.Compile(Wat.ToWasm("""
            (module (import "p" "mem" (memory 1)) (import "p" "g" (global $g (mut i32)))
              (func (export "f") (i32.store8 (i32.const 3) (i32.const 9)) (global.set $g (i32.const 6))))
            """)).Instantiate(new WasmImports().AddInstance("p", provider));

        user.GetFunction<Action>("f")();

        Assert.Equal(9, provider.Memory!.Span[3]);
        Assert.Equal(6, ((WasmGlobal)provider.GetExport("g")!).Value);
    }

    [Fact]
    public void Multi_value_results_are_returned_by_invoke()
    {
        var instance = Wat.Compile("(module (func (export \"swap\") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0)))").Instantiate(new WasmImports());

        var results = ((WasmFunction)instance.GetExport("swap")!).Invoke(1, 2L);

        Assert.Equal([2L, 1], results);
    }

    [Fact]
    public void Host_function_of_a_private_delegate_type_is_callable()
    {
        var module = Wat.Compile("""
            (module (import "env" "triple" (func $t (param i32) (result i32)))
              (func (export "f") (param i32) (result i32) (call $t (local.get 0))))
            """);
        var instance = module.Instantiate(new WasmImports().AddFunction("env", "triple", new Triple(x => x * 3)));

        Assert.Equal(21, instance.GetFunction<Func<int, int>>("f")(7));
    }

    [Fact]
    public void Reexported_host_function_is_callable_through_a_typed_delegate()
    {
        var module = Wat.Compile("(module (import \"env\" \"neg\" (func (param i64) (result i64))) (export \"neg\" (func 0)))");
        var instance = module.Instantiate(new WasmImports().AddFunction("env", "neg", new Func<long, long>(x => -x)));

        Assert.Equal(-5L, instance.GetFunction<Func<long, long>>("neg")(5));
    }

    [Fact]
    public void Host_function_trap_propagates_and_instance_stays_usable()
    {
        var module = Wat.Compile("""
            (module (import "env" "fail" (func $f (param i32)))
              (func (export "call") (param i32) (result i32) (call $f (local.get 0)) (i32.add (local.get 0) (i32.const 1))))
            """);
        var instance = module.Instantiate(new WasmImports().AddFunction("env", "fail", new Action<int>(x =>
        {
            if (x < 0)
            {
                throw new WasmTrapException(WasmTrapKind.Unreachable, "host refused");
            }
        })));
        var call = instance.GetFunction<Func<int, int>>("call");

        Assert.Equal("host refused", Assert.Throws<WasmTrapException>(() => call(-1)).Message);
        Assert.Equal(2, call(1));
    }

    [Fact]
    public void Host_externref_table_holds_host_objects_for_wasm()
    {
        var table = WasmTable.ForExternRefs(2);
        var module = Wat.Compile("""
            (module (import "env" "t" (table 2 externref))
              (func (export "swap") (local externref)
                (local.set 0 (table.get 0 (i32.const 0)))
                (table.set 0 (i32.const 0) (table.get 0 (i32.const 1)))
                (table.set 0 (i32.const 1) (local.get 0))))
            """);
        table.Set(0, "a");
        table.Set(1, "b");

        module.Instantiate(new WasmImports().Add("env", "t", table)).GetFunction<Action>("swap")();

        Assert.Equal("b", table.Get(0));
        Assert.Equal("a", table.Get(1));
    }
}
