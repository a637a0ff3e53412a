using Granary.Runtime.Configuration;
using Microsoft.Extensions.Logging;

namespace Granary.Runtime.Membership;

/// <summary>
/// A silo's view of the cluster and its part in failure detection: it joins the table, writes "I am alive",
/// re-reads the table, probes a few other silos, votes for the death of silos that miss probes, declares them dead
/// when enough votes agree, and stops its own silo if it finds itself declared dead.
/// </summary>
internal sealed partial class MembershipService : IAsyncDisposable
{
    private readonly SiloAddress _self;
    private readonly SiloOptions _siloOptions;
    private readonly MembershipOptions _options;
    private readonly IMembershipTable _table;
    private readonly Func<SiloAddress, TimeSpan, CancellationToken, Task<bool>> _probe;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<SiloAddress, int> _missedProbes = [];
    private readonly List<Task> _loops = [];
    private volatile IReadOnlyDictionary<SiloAddress, MembershipEntry> _view = new Dictionary<SiloAddress, MembershipEntry>();
    private volatile IReadOnlyList<SiloAddress> _active = [];
    private int _selfDeclaredDead;

    public MembershipService(SiloAddress self, SiloOptions siloOptions, MembershipOptions options, IMembershipTable table,
        Func<SiloAddress, TimeSpan, CancellationToken, Task<bool>> probe, TimeProvider time, ILogger logger)
    {
        _self = self;
        _siloOptions = siloOptions;
        _options = options;
        _table = table;
        _probe = probe;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised (on a background thread) after each table read that changed the set of active or dead silos.</summary>
    public event Action<IReadOnlyList<SiloAddress> /*active*/, IReadOnlyList<SiloAddress> /*newly dead*/>? ViewChanged;

    /// <summary>Raised once when this silo reads itself declared dead by the others.</summary>
    public event Action? DeclaredDead;

    /// <summary>Active silos, sorted by address.</summary>
    public IReadOnlyList<SiloAddress> ActiveSilos => _active;

    /// <summary>The entry of <paramref name="silo"/> in the last table read.</summary>
    public MembershipEntry? GetEntry(SiloAddress silo) => _view.GetValueOrDefault(silo);

    public bool IsActive(SiloAddress silo) => _view.TryGetValue(silo, out var e) && e.Status == SiloStatus.Active;

    /// <summary>True when the silo is known dead or shutting down, or is a silo of the same name that was replaced.</summary>
    public bool IsDead(SiloAddress silo)
    {
        if (_view.TryGetValue(silo, out var e))
        {
            return e.Status is SiloStatus.Dead or SiloStatus.ShuttingDown;
        }

        return _view.Keys.Any(k => k.Name == silo.Name && k.Generation > silo.Generation);
    }

    /// <summary>Inserts this silo as Joining, then marks it Active and starts the background loops.</summary>
    public async Task JoinAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var entry = new MembershipEntry
        {
            Silo = _self,
            Status = SiloStatus.Joining,
            Roles = [.. _siloOptions.Roles],
            Labels = new Dictionary<string, string>(_siloOptions.Labels),
            StartTime = now,
            IAmAliveTime = now,
        };
        if (!await _table.InsertRowAsync(entry, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Silo {_self} is already in the membership table.");
        }

        await UpdateOwnStatusAsync(SiloStatus.Active, cancellationToken).ConfigureAwait(false);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        _loops.Add(RunLoopAsync(_options.TableRefreshPeriod, ct => RefreshAsync(ct)));
        _loops.Add(RunLoopAsync(_options.IAmAlivePeriod, ct => _table.UpdateIAmAliveAsync(_self, _time.GetUtcNow(), ct)));
        _loops.Add(RunLoopAsync(_options.ProbePeriod, ProbeAsync));
    }

    /// <summary>Marks this silo ShuttingDown then Dead (graceful leave) and stops the loops.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken = default)
    {
        await StopLoopsAsync().ConfigureAwait(false);
        try
        {
            await UpdateOwnStatusAsync(SiloStatus.ShuttingDown, cancellationToken).ConfigureAwait(false);
            await UpdateOwnStatusAsync(SiloStatus.Dead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLeaveFailed(_logger, ex.Message);
        }
    }

    /// <summary>Stops the loops without touching the table (an abrupt stop: others will detect it).</summary>
    public Task StopLoopsAsync()
    {
        _stop.Cancel();
        return Task.WhenAll(_loops);
    }

    private async Task UpdateOwnStatusAsync(SiloStatus status, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var snapshot = await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            var row = snapshot.Entries.FirstOrDefault(e => e.Entry.Silo == _self);
            if (row is null)
            {
                throw new InvalidOperationException($"Silo {_self} is missing from the membership table.");
            }

            if (row.Entry.Status == SiloStatus.Dead && status != SiloStatus.Dead)
            {
                throw new InvalidOperationException($"Silo {_self} was declared dead by the cluster.");
            }

            var updated = row.Entry with { Status = status, IAmAliveTime = _time.GetUtcNow() };
            if (await _table.UpdateRowAsync(updated, row.ETag, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        throw new InvalidOperationException($"Could not update the status of {_self} to {status}: the membership table kept changing.");
    }

    private async Task RunLoopAsync(TimeSpan period, Func<CancellationToken, Task> body)
    {
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await body(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogLoopFailed(_logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reads the table, updates the view, declares silos with stale "I am alive" dead, raises events.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        foreach (var row in snapshot.Entries)
        {
            var e = row.Entry;
            if (e.Status == SiloStatus.Active && e.Silo != _self && now - e.IAmAliveTime > _options.IAmAliveExpiration)
            {
                LogStale(_logger, e.Silo, now - e.IAmAliveTime);
                await _table.UpdateRowAsync(e with { Status = SiloStatus.Dead }, row.ETag, cancellationToken).ConfigureAwait(false);
            }
        }

        snapshot = await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        var view = snapshot.Entries.ToDictionary(r => r.Entry.Silo, r => r.Entry);
        var old = _view;
        _view = view;
        var active = view.Values.Where(e => e.Status == SiloStatus.Active).Select(e => e.Silo).Order().ToList();
        var newlyDead = view.Values.Where(e => e.Status is SiloStatus.Dead or SiloStatus.ShuttingDown
                && (!old.TryGetValue(e.Silo, out var before) || before.Status is SiloStatus.Active or SiloStatus.Joining))
            .Select(e => e.Silo).ToList();
        var changed = newlyDead.Count > 0 || !active.SequenceEqual(_active);
        _active = active;

        if (view.TryGetValue(_self, out var me) && me.Status == SiloStatus.Dead && Interlocked.Exchange(ref _selfDeclaredDead, 1) == 0)
        {
            LogDeclaredDead(_logger, _self);
            DeclaredDead?.Invoke();
            return;
        }

        if (changed)
        {
            ViewChanged?.Invoke(active, newlyDead);
        }
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var others = _active.Where(s => s != _self).ToList();
        if (others.Count == 0)
        {
            return;
        }

        // Probe the next silos after this one on the ring of sorted addresses.
        var start = others.FindIndex(s => s.CompareTo(_self) > 0);
        if (start < 0)
        {
            start = 0;
        }

        var targets = Enumerable.Range(0, Math.Min(_options.ProbedSilosCount, others.Count)).Select(i => others[(start + i) % others.Count]).ToList();
        var results = await Task.WhenAll(targets.Select(async t => (Silo: t, Ok: await SafeProbeAsync(t, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
        foreach (var (silo, ok) in results)
        {
            int missed;
            lock (_missedProbes)
            {
                missed = ok ? 0 : _missedProbes.GetValueOrDefault(silo) + 1;
                _missedProbes[silo] = missed;
            }

            if (missed >= _options.MissedProbesLimit)
            {
                LogSuspect(_logger, silo, missed);
                await VoteAsync(silo, cancellationToken).ConfigureAwait(false);
            }
        }

        lock (_missedProbes)
        {
            foreach (var gone in _missedProbes.Keys.Where(k => !_active.Contains(k)).ToList())
            {
                _missedProbes.Remove(gone);
            }
        }
    }

    private async Task<bool> SafeProbeAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        try
        {
            return await _probe(silo, _options.ProbeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Adds this silo's vote against <paramref name="silo"/>; declares it dead when the votes suffice.</summary>
    private async Task VoteAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var snapshot = await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            var row = snapshot.Entries.FirstOrDefault(e => e.Entry.Silo == silo);
            if (row is null || row.Entry.Status is SiloStatus.Dead)
            {
                return;
            }

            // A silo that is no longer active itself (declared dead, or cut off) has no say; nor do the votes of such silos.
            var activeVoters = snapshot.Entries.Where(e => e.Entry.Status == SiloStatus.Active).Select(e => e.Entry.Silo).ToList();
            if (!activeVoters.Contains(_self))
            {
                return;
            }

            var now = _time.GetUtcNow();
            var votes = row.Entry.Suspicions.Where(v => now - v.Time < _options.VoteExpiration && v.Voter != _self.Name
                && activeVoters.Any(a => a.Name == v.Voter && a.Generation == v.VoterGeneration)).ToList();
            votes.Add(new SuspicionVote(_self.Name, _self.Generation, now));
            var voters = snapshot.Entries.Count(e => e.Entry.Status == SiloStatus.Active && e.Entry.Silo != silo);
            var needed = Math.Max(1, Math.Min(_options.VotesForDeath, voters));
            var dead = votes.Count >= needed;
            var updated = row.Entry with { Suspicions = votes, Status = dead ? SiloStatus.Dead : row.Entry.Status };
            if (await _table.UpdateRowAsync(updated, row.ETag, cancellationToken).ConfigureAwait(false))
            {
                if (dead)
                {
                    LogDeclaringDead(_logger, silo, votes.Count);
                    await RefreshAsync(cancellationToken).ConfigureAwait(false);
                }

                return;
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopLoopsAsync().ConfigureAwait(false);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silo} missed {Count} probes in a row: voting it dead")]
    private static partial void LogSuspect(ILogger logger, SiloAddress silo, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Declaring silo {Silo} dead ({Votes} votes)")]
    private static partial void LogDeclaringDead(ILogger logger, SiloAddress silo, int votes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silo} has not written 'I am alive' for {Age}: declaring it dead")]
    private static partial void LogStale(ILogger logger, SiloAddress silo, TimeSpan age);

    [LoggerMessage(Level = LogLevel.Error, Message = "Silo {Silo} was declared dead by the cluster; stopping")]
    private static partial void LogDeclaredDead(ILogger logger, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Membership loop failed: {Reason}")]
    private static partial void LogLoopFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leaving the membership table failed: {Reason}")]
    private static partial void LogLeaveFailed(ILogger logger, string reason);
}
