using Granary.Runtime.Tests.Grains;
using Granary.Serialization;

namespace Granary.Runtime.Tests.Serialization;

/// <summary>The binary codecs: round trips, version tolerance of generated serializers, and malformed input.</summary>
public sealed class CodecTests
{
    private static T RoundTrip<T>(T value)
    {
        using var writer = new GrainWriter();
        Codec<T>.Write(writer, value);
        var reader = new GrainReader(writer.ToArray());
        var result = Codec<T>.Read(reader);
        Assert.Equal(0, reader.Remaining);
        return result;
    }

    [Fact]
    public void Primitives_strings_and_well_known_types_round_trip()
    {
        Assert.Equal(int.MinValue, RoundTrip(int.MinValue));
        Assert.Equal(long.MaxValue, RoundTrip(long.MaxValue));
        Assert.Equal(ulong.MaxValue, RoundTrip(ulong.MaxValue));
        Assert.Equal(-0.0, RoundTrip(-0.0));
        Assert.True(double.IsNaN(RoundTrip(double.NaN)));
        Assert.Equal(1.5f, RoundTrip(1.5f));
        Assert.Equal(79228162514264337593543950335m, RoundTrip(79228162514264337593543950335m));
        Assert.Equal("héllo ✓", RoundTrip("héllo ✓"));
        Assert.Equal(new string('x', 1000), RoundTrip(new string('x', 1000)));
        Assert.Null(RoundTrip<string?>(null));
        var guid = Guid.NewGuid();
        Assert.Equal(guid, RoundTrip(guid));
        var now = DateTimeOffset.Now;
        Assert.Equal(now, RoundTrip(now));
        Assert.Equal(TimeSpan.FromTicks(123456789), RoundTrip(TimeSpan.FromTicks(123456789)));
        Assert.Equal(DayOfWeek.Friday, RoundTrip(DayOfWeek.Friday));
        Assert.Equal(new GrainId("t", "k"), RoundTrip(new GrainId("t", "k")));
        Assert.Equal((int?)5, RoundTrip((int?)5));
        Assert.Null(RoundTrip((int?)null));
    }

    [Fact]
    public void Collections_round_trip_with_their_contents()
    {
        Assert.Equal([1, 2, 3], RoundTrip(new[] { 1, 2, 3 }));
        Assert.Equal([0, 255], RoundTrip(new byte[] { 0, 255 }));
        Assert.Equal(["a", null, "c"], RoundTrip(new List<string?> { "a", null, "c" }));
        Assert.Equal(new Dictionary<string, int> { ["x"] = 1, ["y"] = 2 }, RoundTrip(new Dictionary<string, int> { ["x"] = 1, ["y"] = 2 }));
        Assert.Equal([4, 5], RoundTrip<IReadOnlyList<int>>(new[] { 4, 5 }));
        Assert.Equal(new HashSet<string> { "p", "q" }, RoundTrip(new HashSet<string> { "p", "q" }));
        Assert.Equal((1, "two"), RoundTrip((1, "two")));
    }

    [Fact]
    public void Values_declared_as_object_keep_their_runtime_type()
    {
        var value = RoundTrip<object?>(new List<int> { 7 });
        Assert.Equal(new List<int> { 7 }, Assert.IsType<List<int>>(value));
        Assert.Equal("text", RoundTrip<object?>("text"));
    }

    [Fact]
    public void Generated_serializers_round_trip_records_with_init_members()
    {
        var person = RoundTrip(new Person("Grace", 85) { Tags = ["navy", "cobol"] });

        Assert.Equal("Grace", person.Name);
        Assert.Equal(85, person.Age);
        Assert.Equal(["navy", "cobol"], person.Tags);
    }

    [Fact]
    public void Generated_serializers_skip_unknown_fields_written_by_a_newer_version()
    {
        using var writer = new GrainWriter();
        WriteField(writer, 1, w => Codec<string>.Write(w, "Linus"));
        WriteField(writer, 99, w => Codec<string>.Write(w, "a field this version does not know"));
        WriteField(writer, 2, w => Codec<int>.Write(w, 54));
        writer.WriteVarUInt32(0);

        var person = Codec<Person>.Payload.Read(new GrainReader(writer.ToArray()));

        Assert.Equal("Linus", person.Name);
        Assert.Equal(54, person.Age);
        Assert.Empty(person.Tags);
    }

    private static void WriteField(GrainWriter writer, uint id, Action<GrainWriter> value)
    {
        writer.WriteVarUInt32(id);
        var at = writer.ReserveLength();
        value(writer);
        writer.PatchLength(at);
    }

    [Fact]
    public void Truncated_input_fails_with_a_serialization_error()
    {
        using var writer = new GrainWriter();
        Codec<string>.Write(writer, "a string long enough to cut");
        var truncated = writer.ToArray()[..10];

        var error = Assert.Throws<SerializationException>(() => Codec<string>.Read(new GrainReader(truncated)));
        Assert.Contains("remaining", error.Message);
    }

    [Fact]
    public void A_corrupt_collection_count_fails_fast_instead_of_allocating()
    {
        using var writer = new GrainWriter();
        writer.WriteByte(1);
        writer.WriteVarUInt32(int.MaxValue);

        Assert.Throws<SerializationException>(() => Codec<List<int>>.Read(new GrainReader(writer.ToArray())));
    }

    [Fact]
    public void Exceptions_keep_type_message_and_inner_exception()
    {
        var original = new InvalidOperationException("outer", new ArgumentException("inner"));
        using var writer = new GrainWriter();
        ExceptionCodec.WriteException(writer, original);

        var copy = ExceptionCodec.ReadException(new GrainReader(writer.ToArray()));

        Assert.IsType<InvalidOperationException>(copy);
        Assert.Equal("outer", copy.Message);
        Assert.Equal("inner", Assert.IsType<ArgumentException>(copy.InnerException).Message);
    }

    [Fact]
    public void Types_outside_the_framework_and_granary_assemblies_are_refused()
    {
        using var writer = new GrainWriter();
        writer.WriteByte(2);
        writer.WriteString("System.Diagnostics.Process, System.Diagnostics.Process.NotAnAssembly");

        Assert.Throws<SerializationException>(() => Codec<object>.Read(new GrainReader(writer.ToArray())));
    }

    [Fact]
    public void Copies_of_mutable_arguments_are_independent_and_immutable_ones_are_shared()
    {
        var list = new List<int> { 1 };
        var copy = Copier<List<int>>.Copy(list, null);
        list.Add(2);

        Assert.Equal([1], copy);
        var text = "same";
        Assert.Same(text, Copier<string>.Copy(text, null));
    }
}
