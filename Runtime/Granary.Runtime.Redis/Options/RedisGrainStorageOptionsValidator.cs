using Microsoft.Extensions.Options;

namespace Granary.Runtime.Redis;

/// <summary>Rejects grain storage options that cannot work, naming the option and the reason.</summary>
internal sealed class RedisGrainStorageOptionsValidator : IValidateOptions<RedisGrainStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisGrainStorageOptions options)
    {
        var failures = new List<string>();
        RedisOptionsChecks.ConnectionString(nameof(RedisGrainStorageOptions), options.ConnectionString, failures);
        RedisOptionsChecks.KeyPrefix(nameof(RedisGrainStorageOptions), options.KeyPrefix, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
