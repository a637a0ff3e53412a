namespace Granary.Wasm.Model;

/// <summary>Helpers mapping value types to CLR types and names.</summary>
internal static class ValTypes
{
    public static bool IsRef(this ValType t) => t is ValType.FuncRef or ValType.ExternRef;

    public static bool IsNum(this ValType t) => t is ValType.I32 or ValType.I64 or ValType.F32 or ValType.F64 or ValType.V128;

    public static Type ClrType(this ValType t) => t switch
    {
        ValType.I32 => typeof(int),
        ValType.I64 => typeof(long),
        ValType.F32 => typeof(float),
        ValType.F64 => typeof(double),
        ValType.V128 => typeof(System.Runtime.Intrinsics.Vector128<byte>),
        ValType.FuncRef or ValType.ExternRef => typeof(object),
        _ => throw new NotSupportedException($"value type {t} is not supported"),
    };

    public static ValType FromClr(Type t)
    {
        if (t == typeof(int) || t == typeof(uint))
        {
            return t == typeof(int) ? ValType.I32 : throw new NotSupportedException("use int for i32");
        }

        if (t == typeof(long))
        {
            return ValType.I64;
        }

        if (t == typeof(float))
        {
            return ValType.F32;
        }

        if (t == typeof(double))
        {
            return ValType.F64;
        }

        if (t == typeof(System.Runtime.Intrinsics.Vector128<byte>))
        {
            return ValType.V128;
        }

        if (t == typeof(object))
        {
            return ValType.ExternRef;
        }

        throw new NotSupportedException($"CLR type {t} has no WebAssembly value type (use int, long, float, double or object)");
    }

    public static string Name(this ValType t) => t switch
    {
        ValType.I32 => "i32",
        ValType.I64 => "i64",
        ValType.F32 => "f32",
        ValType.F64 => "f64",
        ValType.V128 => "v128",
        ValType.FuncRef => "funcref",
        ValType.ExternRef => "externref",
        _ => "?",
    };
}
