using System.Text;

namespace Granary.Executors.Wasm;

/// <summary>
/// Rewrites a WebAssembly module so that it stops itself when its event's time is up: the node's time limit per event,
/// without Wasmtime's epoch interruption (why: README.md in this folder).
/// </summary>
/// <remarks>
/// <para>
/// The module gets one more linear memory of one page, the clock, exported as <see cref="ClockExport"/>. Its first eight
/// bytes hold the deadline of the event running now, in the engine's ticks, or 0 once it has passed
/// (<see cref="WasmClock"/>); the rest of the page is the host's (<see cref="WasmEventAdapter"/> leaves an event's
/// buffers there). At the entry of every function and at the header of every loop (where Wasmtime would put
/// its epoch checks; any code that runs for ever passes one of them for ever) the pass inserts:
/// </para>
/// <code>
/// i32.const 0  i64.atomic.load clock    ;; an atomic load, which the compiler can neither merge with another nor hoist
/// i64.eqz  if  unreachable  end
/// </code>
/// <para>
/// Unlike the epoch check, the slow path is a trap, not a call, so no register is clobbered on it and values live
/// across a loop stay in registers. The guest's own code never touches the clock: its instructions name only the
/// memories it declares, and the clock's index comes after them. A start function is taken out of the module and
/// exported as <see cref="StartExport"/>, for the host to run after instantiation, once the clock has a deadline.
/// Custom sections that hold code offsets (DWARF, branch hints) are dropped, since the inserted checks move the code.
/// </para>
/// <para>
/// The pass reads every instruction the Wasmtime 50 engine accepts (MVP, sign extension, saturating conversions, bulk
/// memory, reference types, multi-value, SIMD and relaxed SIMD, threads, tail calls, exceptions, typed function
/// references, GC, wide arithmetic, memory64, multi-memory); one it does not know fails the module with
/// <see cref="FormatException"/>, as does a malformed module (the engine then says what is wrong with it).
/// </para>
/// </remarks>
internal static class WasmClockChecks
{
    /// <summary>The clock memory's export: a name C and Rust toolchains do not produce (it has a colon).</summary>
    public const string ClockExport = "granary:clock";

    /// <summary>The export of the module's start function, when it had one.</summary>
    public const string StartExport = "granary:start";

    private const byte CustomSection = 0, ImportSection = 2, MemorySection = 5, ExportSection = 7, StartSection = 8, CodeSection = 10;
    private const byte MemoryKind = 2, FunctionKind = 0;

    /// <summary>The clock's memory type: one page, and no more (limits with a maximum, minimum 1, maximum 1).</summary>
    private static readonly byte[] ClockMemoryType = [0x01, 0x01, 0x01];

    /// <summary>Section ids in the order the binary format requires them (custom sections may come anywhere).</summary>
    private static readonly byte[] SectionOrder = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

    /// <summary>The module rewritten, and whether it had a start function (now <see cref="StartExport"/>).</summary>
    public readonly record struct Result(byte[] Module, bool HasStart);

    /// <summary>The module with clock checks, or <see cref="FormatException"/> if it cannot be read.</summary>
    public static Result Instrument(ReadOnlySpan<byte> module)
    {
        ReadOnlySpan<byte> header = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00];
        if (!module.StartsWith(header))
        {
            throw new FormatException("not a WebAssembly module (version 1)");
        }

        var sections = new List<(byte Id, byte[] Content)>();
        var memories = 0u;
        uint? start = null;
        var exportNames = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Reader(module, header.Length);
        while (!reader.AtEnd)
        {
            var id = reader.Byte();
            var size = reader.U32();
            var content = reader.Bytes(size);
            var section = new Reader(content, 0);
            switch (id)
            {
                case ImportSection:
                    memories += CountImportedMemories(section);
                    break;
                case MemorySection:
                    memories += section.U32();
                    break;
                case ExportSection:
                    for (var n = section.U32(); n > 0; n--)
                    {
                        exportNames.Add(section.Name());
                        section.Byte();
                        section.U32();
                    }

                    break;
                case StartSection:
                    start = section.U32();
                    continue;
                case CustomSection when DropCustom(section.Name()):
                    continue;
            }

            sections.Add((id, content.ToArray()));
        }

        foreach (var name in (string[])[ClockExport, StartExport])
        {
            if (exportNames.Contains(name))
            {
                throw new FormatException($"it exports '{name}', a name the node reserves");
            }
        }

        var clock = memories;
        var check = CheckCode(clock);
        var exports = Exports(clock, start);
        var exportCount = start is null ? 1u : 2u;
        for (var i = 0; i < sections.Count; i++)
        {
            var (id, content) = sections[i];
            sections[i] = id switch
            {
                MemorySection => (id, Append(content, ClockMemoryType, 1)),
                ExportSection => (id, Append(content, exports, exportCount)),
                CodeSection => (id, InstrumentCode(content, check)),
                _ => (id, content),
            };
        }

        Insert(sections, MemorySection, [0x01, .. ClockMemoryType]);
        Insert(sections, ExportSection, [.. Encode(exportCount), .. exports]);

        var output = new MemoryStream(module.Length + 1024);
        output.Write(header);
        foreach (var (id, content) in sections)
        {
            output.WriteByte(id);
            output.Write(Encode((uint)content.Length));
            output.Write(content);
        }

        return new Result(output.ToArray(), start is not null);
    }

    /// <summary>DWARF and branch hints locate code by offsets that the inserted checks change.</summary>
    private static bool DropCustom(string name) =>
        name.StartsWith(".debug_", StringComparison.Ordinal) || name.StartsWith("metadata.code.", StringComparison.Ordinal);

    private static uint CountImportedMemories(Reader section)
    {
        var memories = 0u;
        for (var n = section.U32(); n > 0; n--)
        {
            section.Name();
            section.Name();
            switch (section.Byte())
            {
                case 0x00: // function: type index
                    section.U32();
                    break;
                case 0x01: // table: reference type, limits
                    section.ValueType();
                    section.Limits();
                    break;
                case MemoryKind:
                    section.Limits();
                    memories++;
                    break;
                case 0x03: // global: value type, mutability
                    section.ValueType();
                    section.Byte();
                    break;
                case 0x04: // tag: attribute, type index
                    section.Byte();
                    section.U32();
                    break;
                default:
                    throw new FormatException($"unknown import kind at offset {section.Position - 1}");
            }
        }

        return memories;
    }

    /// <summary>The clock's export entry, and the start function's if there was one (without the count).</summary>
    private static byte[] Exports(uint clock, uint? start)
    {
        var bytes = new List<byte>();
        void Add(string name, byte kind, uint index)
        {
            var utf8 = Encoding.UTF8.GetBytes(name);
            bytes.AddRange(Encode((uint)utf8.Length));
            bytes.AddRange(utf8);
            bytes.Add(kind);
            bytes.AddRange(Encode(index));
        }

        Add(ClockExport, MemoryKind, clock);
        if (start is { } function)
        {
            Add(StartExport, FunctionKind, function);
        }

        return [.. bytes];
    }

    /// <summary>A vector section with <paramref name="added"/> more entries, <paramref name="entries"/>, at its end.</summary>
    private static byte[] Append(byte[] content, byte[] entries, uint added)
    {
        var reader = new Reader(content, 0);
        var count = reader.U32();
        return [.. Encode(count + added), .. content.AsSpan(reader.Position), .. entries];
    }

    /// <summary>Adds a section the module does not have, where the binary format's order puts it.</summary>
    private static void Insert(List<(byte Id, byte[] Content)> sections, byte id, byte[] content)
    {
        if (sections.Exists(s => s.Id == id))
        {
            return;
        }

        var rank = Array.IndexOf(SectionOrder, id);
        var at = sections.FindIndex(s => s.Id != CustomSection && Array.IndexOf(SectionOrder, s.Id) > rank);
        sections.Insert(at < 0 ? sections.Count : at, (id, content));
    }

    /// <summary>The check, for the clock at memory index <paramref name="clock"/>.</summary>
    private static byte[] CheckCode(uint clock)
    {
        // i64.atomic.load needs its natural alignment (2^3); a memory index other than 0 is flagged in the alignment.
        byte[] memarg = clock == 0 ? [0x03, 0x00] : [0x43, .. Encode(clock), 0x00];
        return
        [
            0x41, 0x00, // i32.const 0
            0xFE, 0x11, .. memarg, // i64.atomic.load
            0x50, // i64.eqz
            0x04, 0x40, 0x00, 0x0B, // if; unreachable; end
        ];
    }

    private static byte[] InstrumentCode(byte[] content, byte[] check)
    {
        var reader = new Reader(content, 0);
        var count = reader.U32();
        var output = new List<byte>(content.Length + ((int)count * check.Length * 2));
        output.AddRange(Encode(count));
        var body = new List<byte>();
        for (var f = 0u; f < count; f++)
        {
            var size = reader.U32();
            var code = new Reader(reader.Bytes(size), 0);
            body.Clear();
            for (var groups = code.U32(); groups > 0; groups--)
            {
                code.U32();
                code.ValueType();
            }

            body.AddRange(code.Taken());
            body.AddRange(check);
            while (!code.AtEnd)
            {
                var loop = code.Instruction();
                body.AddRange(code.Taken());
                if (loop)
                {
                    body.AddRange(check);
                }
            }

            output.AddRange(Encode((uint)body.Count));
            output.AddRange(body);
        }

        if (!reader.AtEnd)
        {
            throw new FormatException("the code section is longer than its functions");
        }

        return [.. output];
    }

    private static byte[] Encode(uint value)
    {
        Span<byte> bytes = stackalloc byte[5];
        var n = 0;
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes[n++] = value == 0 ? b : (byte)(b | 0x80);
        }
        while (value != 0);

        return bytes[..n].ToArray();
    }

    /// <summary>Reads the binary format; <see cref="Taken"/> returns the bytes read since it was last called.</summary>
    private ref struct Reader(ReadOnlySpan<byte> bytes, int position)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _taken = position;

        public int Position { get; private set; } = position;

        public readonly bool AtEnd => Position >= _bytes.Length;

        public ReadOnlySpan<byte> Taken()
        {
            var taken = _bytes[_taken..Position];
            _taken = Position;
            return taken;
        }

        public byte Byte() => Position < _bytes.Length ? _bytes[Position++] : throw new FormatException($"unexpected end at offset {Position}");

        public ReadOnlySpan<byte> Bytes(uint length)
        {
            if (length > (uint)(_bytes.Length - Position))
            {
                throw new FormatException($"a length of {length} at offset {Position} runs past the end");
            }

            var bytes = _bytes.Slice(Position, (int)length);
            Position += (int)length;
            return bytes;
        }

        public uint U32() => (uint)Leb(32);

        public string Name() => Encoding.UTF8.GetString(Bytes(U32()));

        /// <summary>An unsigned or signed LEB128 number of at most <paramref name="bits"/> bits (its value, unsigned).</summary>
        public ulong Leb(int bits)
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (shift >= bits + 7)
                {
                    throw new FormatException($"an integer too long at offset {Position}");
                }

                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }
        }

        /// <summary>A value type: a one-byte type, or <c>ref</c>/<c>ref null</c> with a heap type.</summary>
        public void ValueType()
        {
            var b = Byte();
            if (b is 0x63 or 0x64)
            {
                Leb(33);
            }
        }

        public void Limits()
        {
            var flags = Byte();
            var bits = (flags & 0x04) != 0 ? 64 : 32;
            Leb(bits);
            if ((flags & 0x01) != 0)
            {
                Leb(bits);
            }

            if ((flags & 0x08) != 0)
            {
                U32();
            }
        }

        /// <summary>A block type: empty, a value type, or a type index.</summary>
        private void BlockType()
        {
            if (Position < _bytes.Length && _bytes[Position] is 0x63 or 0x64)
            {
                ValueType();
            }
            else
            {
                Leb(33);
            }
        }

        private void Memarg()
        {
            var flags = U32();
            if ((flags & 0x40) != 0)
            {
                U32();
            }

            Leb(64);
        }

        /// <summary>Reads one instruction with its immediates; true if it is <c>loop</c>.</summary>
        public bool Instruction()
        {
            var at = Position;
            var op = Byte();
            switch (op)
            {
                case 0x03: // loop
                    BlockType();
                    return true;
                case 0x02 or 0x04 or 0x06: // block, if, try
                    BlockType();
                    break;
                case 0x07 or 0x08 or 0x09 or 0x0C or 0x0D or 0x10 or 0x12 or 0x14 or 0x15 or 0x18 or 0xD2 or 0xD5 or 0xD6:
                    // catch, throw, rethrow, br, br_if, call, return_call, call_ref, return_call_ref, delegate, ref.func,
                    // br_on_null, br_on_non_null: one index
                    U32();
                    break;
                case 0x20 or 0x21 or 0x22 or 0x23 or 0x24 or 0x25 or 0x26 or 0x3F or 0x40:
                    // local.*, global.*, table.get/set, memory.size/grow: one index
                    U32();
                    break;
                case 0x0E: // br_table
                    for (var n = U32(); n > 0; n--)
                    {
                        U32();
                    }

                    U32();
                    break;
                case 0x11 or 0x13: // call_indirect, return_call_indirect: type, table
                    U32();
                    U32();
                    break;
                case 0x1C: // select with types
                    for (var n = U32(); n > 0; n--)
                    {
                        ValueType();
                    }

                    break;
                case 0x1F: // try_table: block type, catch clauses
                    BlockType();
                    for (var n = U32(); n > 0; n--)
                    {
                        var kind = Byte();
                        if (kind is 0x00 or 0x01)
                        {
                            U32();
                        }
                        else if (kind is not (0x02 or 0x03))
                        {
                            throw new FormatException($"unknown catch clause {kind} at offset {Position - 1}");
                        }

                        U32();
                    }

                    break;
                case >= 0x28 and <= 0x3E: // loads and stores
                    Memarg();
                    break;
                case 0x41: // i32.const
                    Leb(32);
                    break;
                case 0x42: // i64.const
                    Leb(64);
                    break;
                case 0x43: // f32.const
                    Bytes(4);
                    break;
                case 0x44: // f64.const
                    Bytes(8);
                    break;
                case 0xD0: // ref.null: heap type
                    Leb(33);
                    break;
                case 0xFB:
                    Gc(at);
                    break;
                case 0xFC:
                    Misc(at);
                    break;
                case 0xFD:
                    Simd(at);
                    break;
                case 0xFE:
                    Atomic(at);
                    break;
                case 0x00 or 0x01 or 0x05 or 0x0A or 0x0B or 0x0F or 0x19 or 0x1A or 0x1B or 0xD1 or 0xD3 or 0xD4:
                case >= 0x45 and <= 0xC4: // numeric instructions, sign extension
                    break;
                default:
                    throw Unknown(op, at);
            }

            return false;
        }

        private void Gc(int at)
        {
            var op = U32();
            switch (op)
            {
                case 0 or 1 or 6 or 7 or 11 or 12 or 13 or 14 or 16: // struct.new*, array.new*, array.get*, array.set, array.fill
                    U32();
                    break;
                case 2 or 3 or 4 or 5 or 8 or 9 or 10 or 17 or 18 or 19: // two indices
                    U32();
                    U32();
                    break;
                case 20 or 21 or 22 or 23: // ref.test, ref.cast: heap type
                    Leb(33);
                    break;
                case 24 or 25: // br_on_cast(_fail): flags, label, two heap types
                    Byte();
                    U32();
                    Leb(33);
                    Leb(33);
                    break;
                case 15 or (>= 26 and <= 30): // array.len, conversions, i31
                    break;
                default:
                    throw Unknown(0xFB, at, op);
            }
        }

        private void Misc(int at)
        {
            var op = U32();
            switch (op)
            {
                case <= 7 or (>= 19 and <= 22): // saturating truncations, wide arithmetic
                    break;
                case 8 or 10 or 12 or 14: // memory.init, memory.copy, table.init, table.copy: two indices
                    U32();
                    U32();
                    break;
                case 9 or 11 or 13 or 15 or 16 or 17: // data.drop, memory.fill, elem.drop, table.grow/size/fill
                    U32();
                    break;
                default:
                    throw Unknown(0xFC, at, op);
            }
        }

        private void Simd(int at)
        {
            var op = U32();
            switch (op)
            {
                case <= 11 or 92 or 93: // loads and stores
                    Memarg();
                    break;
                case 12 or 13: // v128.const, i8x16.shuffle
                    Bytes(16);
                    break;
                case >= 21 and <= 34: // extract and replace lane
                    Byte();
                    break;
                case >= 84 and <= 91: // load and store lane
                    Memarg();
                    Byte();
                    break;
                case <= 0x113: // every other SIMD and relaxed SIMD instruction has no immediate
                    break;
                default:
                    throw Unknown(0xFD, at, op);
            }
        }

        private void Atomic(int at)
        {
            var op = U32();
            switch (op)
            {
                case 0x03: // atomic.fence
                    Byte();
                    break;
                case <= 0x02 or (>= 0x10 and <= 0x4E):
                    Memarg();
                    break;
                default:
                    throw Unknown(0xFE, at, op);
            }
        }

        private static FormatException Unknown(byte prefix, int at, uint? op = null) =>
            new($"unknown instruction 0x{prefix:X2}{(op is { } o ? $" {o}" : string.Empty)} at offset {at}");
    }
}
