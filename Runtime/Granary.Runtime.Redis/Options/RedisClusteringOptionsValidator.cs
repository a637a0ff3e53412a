using Microsoft.Extensions.Options;

namespace Granary.Runtime.Redis;

/// <summary>Rejects clustering options that cannot work, naming the option and the reason.</summary>
internal sealed class RedisClusteringOptionsValidator : IValidateOptions<RedisClusteringOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisClusteringOptions options)
    {
        var failures = new List<string>();
        RedisOptionsChecks.ConnectionString(nameof(RedisClusteringOptions), options.ConnectionString, failures);
        RedisOptionsChecks.KeyPrefix(nameof(RedisClusteringOptions), options.KeyPrefix, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
