using Granary.Wasm.Model;

namespace Granary.Wasm.Decoding;

/// <summary>Decodes the binary format into a <see cref="ModuleDefinition"/>; function bodies are kept as byte ranges.</summary>
internal static class ModuleDecoder
{
    private const int MaxLocals = 50_000;

    public static ModuleDefinition Decode(byte[] bytes)
    {
        var r = new WasmReader(bytes, 0, bytes.Length);
        var m = new ModuleDefinition { Bytes = bytes };
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0x61 || bytes[2] != 0x73 || bytes[3] != 0x6D)
        {
            throw WasmReader.Malformed("magic header not detected");
        }

        if (bytes.Length < 8)
        {
            throw WasmReader.Malformed("unexpected end");
        }

        if (BitConverter.ToUInt32(bytes, 4) != 1)
        {
            throw WasmReader.Malformed("unknown binary version");
        }

        r.Position = 8;
        var lastOrder = 0;
        int? functionCount = null;
        var codeSeen = false;
        while (!r.AtEnd)
        {
            var id = r.ReadByte();
            var size = (int)r.ReadU32();
            if (size < 0 || size > r.End - r.Position)
            {
                throw WasmReader.Malformed("section size mismatch: unexpected end");
            }

            var sectionEnd = r.Position + size;
            var s = new WasmReader(bytes, r.Position, sectionEnd);
            if (id != 0)
            {
                var order = id switch
                {
                    >= 1 and <= 9 => id,
                    12 => 10,
                    10 => 11,
                    11 => 12,
                    _ => throw WasmReader.Malformed("malformed section id"),
                };
                if (order <= lastOrder)
                {
                    throw WasmReader.Malformed("unexpected content after last section");
                }

                lastOrder = order;
            }

            switch (id)
            {
                case 0:
                    s.ReadName();
                    s.Position = sectionEnd;
                    break;
                case 1:
                    ReadTypes(s, m);
                    break;
                case 2:
                    ReadImports(s, m);
                    break;
                case 3:
                    {
                        var n = s.ReadCount();
                        functionCount = n;
                        for (var i = 0; i < n; i++)
                        {
                            m.FunctionTypes.Add((int)s.ReadU32());
                        }

                        break;
                    }

                case 4:
                    {
                        var n = s.ReadCount();
                        for (var i = 0; i < n; i++)
                        {
                            var t = s.ReadRefType();
                            m.Tables.Add(new TableType(t, ReadLimits(s, false)));
                        }

                        break;
                    }

                case 5:
                    {
                        var n = s.ReadCount();
                        for (var i = 0; i < n; i++)
                        {
                            m.Memories.Add(ReadLimits(s, true));
                        }

                        break;
                    }

                case 6:
                    {
                        var n = s.ReadCount();
                        for (var i = 0; i < n; i++)
                        {
                            var gt = ReadGlobalType(s);
                            m.Globals.Add(gt);
                            m.GlobalDefs.Add(new GlobalDef(gt, ReadConstExpr(s)));
                        }

                        break;
                    }

                case 7:
                    {
                        var n = s.ReadCount();
                        for (var i = 0; i < n; i++)
                        {
                            var name = s.ReadName();
                            var kind = s.ReadByte();
                            if (kind > 3)
                            {
                                throw WasmReader.Malformed("malformed export kind");
                            }

                            m.Exports.Add(new Export(name, (ExternKind)kind, (int)s.ReadU32()));
                        }

                        break;
                    }

                case 8:
                    m.StartFunction = (int)s.ReadU32();
                    break;
                case 9:
                    ReadElements(s, m);
                    break;
                case 12:
                    m.DataCount = (int)s.ReadU32();
                    break;
                case 10:
                    {
                        codeSeen = true;
                        var n = s.ReadCount();
                        if (n != (functionCount ?? 0))
                        {
                            throw WasmReader.Malformed("function and code section have inconsistent lengths");
                        }

                        for (var i = 0; i < n; i++)
                        {
                            var bodySize = (int)s.ReadU32();
                            if (bodySize < 0 || bodySize > s.End - s.Position)
                            {
                                throw WasmReader.Malformed("unexpected end of section or function");
                            }

                            var bodyEnd = s.Position + bodySize;
                            var b = new WasmReader(bytes, s.Position, bodyEnd);
                            var groups = b.ReadCount();
                            var locals = new List<ValType>();
                            long total = 0;
                            for (var g = 0; g < groups; g++)
                            {
                                var count = b.ReadU32();
                                total += count;
                                if (total > MaxLocals)
                                {
                                    throw WasmReader.Malformed("too many locals");
                                }

                                var t = b.ReadValType();
                                for (var k = 0; k < count; k++)
                                {
                                    locals.Add(t);
                                }
                            }

                            m.Bodies.Add(new FunctionBody([.. locals], b.Position, bodyEnd));
                            s.Position = bodyEnd;
                        }

                        break;
                    }

                case 11:
                    ReadData(s, m);
                    break;
            }

            if (s.Position != sectionEnd)
            {
                throw WasmReader.Malformed("section size mismatch");
            }

            r.Position = sectionEnd;
        }

        if (!codeSeen && (functionCount ?? 0) != 0)
        {
            throw WasmReader.Malformed("function and code section have inconsistent lengths");
        }

        if (m.DataCount is { } dc && dc != m.Data.Count)
        {
            throw WasmReader.Malformed("data count and data section have inconsistent lengths");
        }

        return m;
    }

    private static void ReadTypes(WasmReader s, ModuleDefinition m)
    {
        var n = s.ReadCount();
        for (var i = 0; i < n; i++)
        {
            if (s.ReadByte() != 0x60)
            {
                throw WasmReader.Malformed("integer representation too long");
            }

            var pc = s.ReadCount();
            var ps = new ValType[pc];
            for (var k = 0; k < pc; k++)
            {
                ps[k] = s.ReadValType();
            }

            var rc = s.ReadCount();
            var rs = new ValType[rc];
            for (var k = 0; k < rc; k++)
            {
                rs[k] = s.ReadValType();
            }

            m.Types.Add(new FuncType(ps, rs));
        }
    }

    private static void ReadImports(WasmReader s, ModuleDefinition m)
    {
        var n = s.ReadCount();
        for (var i = 0; i < n; i++)
        {
            var module = s.ReadName();
            var name = s.ReadName();
            var kind = s.ReadByte();
            switch (kind)
            {
                case 0:
                    {
                        var ti = (int)s.ReadU32();
                        m.Imports.Add(new Import(module, name, ExternKind.Function, ti, null, null, null));
                        m.FunctionTypes.Add(ti);
                        m.ImportedFunctionCount++;
                        break;
                    }

                case 1:
                    {
                        var t = s.ReadRefType();
                        var tt = new TableType(t, ReadLimits(s, false));
                        m.Imports.Add(new Import(module, name, ExternKind.Table, -1, tt, null, null));
                        m.Tables.Add(tt);
                        m.ImportedTableCount++;
                        break;
                    }

                case 2:
                    {
                        var l = ReadLimits(s, true);
                        m.Imports.Add(new Import(module, name, ExternKind.Memory, -1, null, l, null));
                        m.Memories.Add(l);
                        m.ImportedMemoryCount++;
                        break;
                    }

                case 3:
                    {
                        var gt = ReadGlobalType(s);
                        m.Imports.Add(new Import(module, name, ExternKind.Global, -1, null, null, gt));
                        m.Globals.Add(gt);
                        m.ImportedGlobalCount++;
                        break;
                    }

                default:
                    throw WasmReader.Malformed("malformed import kind");
            }
        }
    }

    private static Limits ReadLimits(WasmReader s, bool memory)
    {
        var flag = s.ReadByte();
        switch (flag)
        {
            case 0:
                return new Limits(s.ReadU32(), null);
            case 1:
                {
                    var min = s.ReadU32();
                    return new Limits(min, s.ReadU32());
                }

            default:
                throw WasmReader.Malformed(memory ? "integer too large" : "integer representation too long");
        }
    }

    private static GlobalType ReadGlobalType(WasmReader s)
    {
        var t = s.ReadValType();
        var mut = s.ReadByte();
        if (mut > 1)
        {
            throw WasmReader.Malformed("malformed mutability");
        }

        return new GlobalType(t, mut == 1);
    }

    internal static ConstExpr ReadConstExpr(WasmReader s)
    {
        var op = s.ReadByte();
        ConstExpr e = op switch
        {
            0x41 => new ConstExpr(ConstKind.I32, s.ReadS32(), ValType.I32),
            0x42 => new ConstExpr(ConstKind.I64, s.ReadS64(), ValType.I64),
            0x43 => new ConstExpr(ConstKind.F32, s.ReadFixed32(), ValType.F32),
            0x44 => new ConstExpr(ConstKind.F64, (long)s.ReadFixed64(), ValType.F64),
            0x23 => new ConstExpr(ConstKind.GlobalGet, s.ReadU32(), ValType.Unknown),
            0xD0 => new ConstExpr(ConstKind.RefNull, 0, s.ReadRefType()),
            0xD2 => new ConstExpr(ConstKind.RefFunc, s.ReadU32(), ValType.FuncRef),
            0xFD when s.ReadU32() == 12 => new ConstExpr(ConstKind.V128, (long)s.ReadFixed64(), ValType.V128, (long)s.ReadFixed64()),
            0x0B => throw new WasmCompileException("type mismatch: empty constant expression"),
            _ => throw new WasmCompileException("constant expression required"),
        };
        var end = s.ReadByte();
        if (end != 0x0B)
        {
            throw new WasmCompileException("constant expression required");
        }

        return e;
    }

    private static void ReadElements(WasmReader s, ModuleDefinition m)
    {
        var n = s.ReadCount();
        for (var i = 0; i < n; i++)
        {
            var flags = s.ReadU32();
            if (flags > 7)
            {
                throw WasmReader.Malformed("malformed elements segment kind");
            }

            var mode = (flags & 1) == 0 ? SegmentMode.Active : (flags & 2) == 0 ? SegmentMode.Passive : SegmentMode.Declarative;
            var table = 0;
            var offset = default(ConstExpr);
            if (mode == SegmentMode.Active)
            {
                if ((flags & 2) != 0)
                {
                    table = (int)s.ReadU32();
                }

                offset = ReadConstExpr(s);
            }

            var type = ValType.FuncRef;
            var usesExprs = (flags & 4) != 0;
            if ((flags & 3) != 0)
            {
                if (usesExprs)
                {
                    type = s.ReadRefType();
                }
                else if (s.ReadByte() != 0)
                {
                    throw WasmReader.Malformed("malformed element kind");
                }
            }

            var count = s.ReadCount();
            var items = new ConstExpr[count];
            for (var k = 0; k < count; k++)
            {
                items[k] = usesExprs ? ReadConstExpr(s) : new ConstExpr(ConstKind.RefFunc, s.ReadU32(), ValType.FuncRef);
            }

            m.Elements.Add(new ElementSegment(mode, table, offset, type, items));
        }
    }

    private static void ReadData(WasmReader s, ModuleDefinition m)
    {
        var n = s.ReadCount();
        for (var i = 0; i < n; i++)
        {
            var flags = s.ReadU32();
            switch (flags)
            {
                case 0:
                    {
                        var offset = ReadConstExpr(s);
                        m.Data.Add(new DataSegment(SegmentMode.Active, 0, offset, s.ReadBytes((int)s.ReadU32())));
                        break;
                    }

                case 1:
                    m.Data.Add(new DataSegment(SegmentMode.Passive, 0, default, s.ReadBytes((int)s.ReadU32())));
                    break;
                case 2:
                    {
                        var mem = (int)s.ReadU32();
                        var offset = ReadConstExpr(s);
                        m.Data.Add(new DataSegment(SegmentMode.Active, mem, offset, s.ReadBytes((int)s.ReadU32())));
                        break;
                    }

                default:
                    throw WasmReader.Malformed("malformed data segment kind");
            }
        }
    }
}
