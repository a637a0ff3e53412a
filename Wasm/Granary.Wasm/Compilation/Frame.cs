using System.Reflection.Emit;
using Granary.Wasm.Model;

namespace Granary.Wasm.Compilation;

/// <summary>A control frame: validation state (types, height, unreachable) and emission state (labels, liveness).</summary>
internal sealed class Frame
{
    public byte Kind { get; init; }

    public required ValType[] Params { get; init; }

    public required ValType[] Results { get; init; }

    /// <summary>Operand stack height below the frame's parameters.</summary>
    public int Height { get; init; }

    public bool Unreachable { get; set; }

    /// <summary>The frame was entered in dead code: nothing inside it is emitted.</summary>
    public bool DeadEntry { get; init; }

    /// <summary>No IL is emitted for the rest of the frame (or the current arm of an if).</summary>
    public bool EmitDead { get; set; }

    public Label Label { get; init; }

    public Label ElseLabel { get; init; }

    public bool LabelUsed { get; set; }

    public bool HasElse { get; set; }

    public ValType[] LabelTypes => Kind == 0x03 ? Params : Results;
}
