using Microsoft.Extensions.Options;

namespace Granary.Runtime.Redis;

/// <summary>Rejects stream options that cannot work, naming the option and the reason.</summary>
internal sealed class RedisStreamOptionsValidator : IValidateOptions<RedisStreamOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisStreamOptions options)
    {
        const string type = nameof(RedisStreamOptions);
        var failures = new List<string>();
        RedisOptionsChecks.ConnectionString(type, options.ConnectionString, failures);
        RedisOptionsChecks.KeyPrefix(type, options.KeyPrefix, failures);
        RedisOptionsChecks.Positive(type, nameof(options.PollInterval), options.PollInterval, failures);
        RedisOptionsChecks.Positive(type, nameof(options.ClaimIdleTime), options.ClaimIdleTime, failures);
        RedisOptionsChecks.Positive(type, nameof(options.ClaimInterval), options.ClaimInterval, failures);
        if (options.BatchSize < 1)
        {
            failures.Add($"{type}.BatchSize must be at least 1, got {options.BatchSize}.");
        }

        if (options.MaxStreamLength is < 1)
        {
            failures.Add($"{type}.MaxStreamLength must be at least 1 when set, got {options.MaxStreamLength}; leave it null to keep every entry.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
