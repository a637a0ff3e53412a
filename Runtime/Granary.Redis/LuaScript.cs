using System.Security.Cryptography;
using System.Text;

namespace Granary.Redis;

/// <summary>
/// A Lua script with its SHA1 computed once. <see cref="IRedisDatabase.ScriptEvaluateAsync(LuaScript, IReadOnlyList{string}?, IReadOnlyList{RedisValue}?, CancellationToken)"/>
/// sends <c>EVALSHA</c> (only the 40-byte hash travels) and falls back to <c>EVAL</c> with the source when the
/// server answers <c>NOSCRIPT</c> (after a restart or SCRIPT FLUSH); EVAL also caches the script again. Keep one
/// instance per script, for example in a static field.
/// </summary>
public sealed class LuaScript
{
    /// <summary>Creates the script and computes its SHA1.</summary>
    public LuaScript(string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        Source = source;
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
    }

    /// <summary>The Lua source.</summary>
    public string Source { get; }

    /// <summary>The lowercase hex SHA1 of the UTF-8 source, as SCRIPT LOAD returns it.</summary>
    public string Sha1 { get; }

    /// <inheritdoc/>
    public override string ToString() => $"LuaScript {Sha1}";
}
