using Granary.Grains.Domains.Tasks;
using Granary.Grains.Identity;
using Granary.Grains.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace Granary.Platform.Tests.Jobs;

/// <summary>The task state machine, restart policies and back-off of <see cref="FunctionTasks"/>, on fake time.</summary>
public sealed class FunctionTasksTests
{
    private static readonly Guid NodeA = Guid.NewGuid();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    private readonly List<TaskTransition> _transitions = [];

    [Fact]
    public void A_new_task_is_pending_then_scheduled_then_running()
    {
        var tasks = Tasks();
        Assert.Equal(TaskState.Pending, tasks.Slots[0].State);

        var instance = Place(tasks);

        Assert.Equal(TaskState.Running, tasks.Slots[0].State);
        Assert.Equal(instance, tasks.Slots[0].Instance);
        Assert.Equal([(TaskState.Pending, TaskState.Scheduled), (TaskState.Scheduled, TaskState.Running)], Moves());
        Assert.Equal(0, tasks.Slots[0].Restarts);
    }

    [Fact]
    public void A_failed_task_is_restarted_after_a_back_off_of_one_second_doubling_to_one_minute()
    {
        var tasks = Tasks();
        var waits = new List<TimeSpan>();
        for (var failure = 0; failure < 9; failure++)
        {
            var instance = Place(tasks);
            var failedAt = _time.GetUtcNow();
            Assert.True(tasks.Exited(new InstanceExit { Instance = instance, ExitCode = 1, Reason = "exit 1" }));
            Assert.Equal(TaskState.Failed, tasks.Slots[0].State);
            var due = tasks.Slots[0].RestartAt!.Value;
            waits.Add(due - failedAt);

            _time.SetUtcNow(due - TimeSpan.FromMilliseconds(1));
            Assert.Null(tasks.NextToPlace());
            _time.SetUtcNow(due);
            Assert.Same(tasks.Slots[0], tasks.NextToPlace());
        }

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], waits.Select(w => w.TotalSeconds));
        Assert.Equal(8, tasks.Slots[0].Restarts);
    }

    [Fact]
    public void The_back_off_starts_over_after_ten_minutes_without_a_failure()
    {
        var tasks = Tasks();
        Fail(tasks, Place(tasks));
        _time.SetUtcNow(tasks.Slots[0].RestartAt!.Value);
        Fail(tasks, Place(tasks));
        _time.SetUtcNow(tasks.Slots[0].RestartAt!.Value);
        var instance = Place(tasks);
        _time.Advance(TimeSpan.FromSeconds(100));
        Fail(tasks, instance);
        Assert.Equal(TimeSpan.FromSeconds(4), tasks.Slots[0].RestartAt - _time.GetUtcNow());

        _time.SetUtcNow(tasks.Slots[0].RestartAt!.Value);
        instance = Place(tasks);
        _time.Advance(TimeSpan.FromMinutes(10));
        Fail(tasks, instance);

        Assert.Equal(TimeSpan.FromSeconds(1), tasks.Slots[0].RestartAt - _time.GetUtcNow());
    }

    [Fact]
    public void A_restart_moves_the_task_from_failed_to_scheduled_and_counts()
    {
        var tasks = Tasks();
        Fail(tasks, Place(tasks));
        _time.Advance(TimeSpan.FromSeconds(1));
        _transitions.Clear();

        Place(tasks);

        Assert.Equal([(TaskState.Failed, TaskState.Scheduled), (TaskState.Scheduled, TaskState.Running)], Moves());
        Assert.Equal(1, tasks.Slots[0].Restarts);
        Assert.Null(tasks.Slots[0].RestartAt);
        Assert.Equal("exit 1", tasks.Slots[0].LastFailure);
        Assert.Equal(1, tasks.Slots[0].ExitCode);
    }

    [Fact]
    public void Never_leaves_a_failed_task_failed_for_good()
    {
        var tasks = Tasks(new TaskSpecification { RestartPolicy = RestartPolicy.Never });

        Fail(tasks, Place(tasks));
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Null(tasks.NextToPlace());
        Assert.Same(tasks.Slots[0], tasks.FailedForGood);
        Assert.True(tasks.Slots[0].IsFinal);
    }

    [Fact]
    public void On_failure_restarts_a_failed_task_but_not_a_completed_one()
    {
        var failing = Tasks(new TaskSpecification { RestartPolicy = RestartPolicy.OnFailure });
        Fail(failing, Place(failing));
        Assert.NotNull(failing.Slots[0].RestartAt);

        var completing = Tasks(new TaskSpecification { RestartPolicy = RestartPolicy.OnFailure });
        Complete(completing, Place(completing));
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(TaskState.Completed, completing.Slots[0].State);
        Assert.Null(completing.NextToPlace());
        Assert.True(completing.AllCompleted);
    }

    [Fact]
    public void Always_restarts_a_completed_task_of_a_continuous_workflow()
    {
        var tasks = Tasks();
        Complete(tasks, Place(tasks));
        _time.Advance(TimeSpan.FromSeconds(1));
        _transitions.Clear();

        Place(tasks);

        Assert.Equal([(TaskState.Completed, TaskState.Scheduled), (TaskState.Scheduled, TaskState.Running)], Moves());
        Assert.Equal(1, tasks.Slots[0].Restarts);
    }

    [Fact]
    public void Always_does_not_restart_a_completed_task_of_a_run_to_completion_workflow()
    {
        var tasks = Tasks(jobType: JobType.RunToCompletion);

        Complete(tasks, Place(tasks));
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Null(tasks.NextToPlace());
        Assert.True(tasks.AllCompleted);
        Assert.Equal(0, tasks.Slots[0].ExitCode);
    }

    [Fact]
    public void Max_restarts_ends_the_restarts_once_reached()
    {
        var tasks = Tasks(new TaskSpecification { MaxRestarts = 2 });
        for (var i = 0; i < 2; i++)
        {
            Fail(tasks, Place(tasks));
            _time.SetUtcNow(tasks.Slots[0].RestartAt!.Value);
        }

        Fail(tasks, Place(tasks));

        Assert.Equal(2, tasks.Slots[0].Restarts);
        Assert.Null(tasks.Slots[0].RestartAt);
        Assert.Same(tasks.Slots[0], tasks.FailedForGood);
        Assert.Contains("max-restarts 2 reached", _transitions[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_restarts_zero_never_restarts()
    {
        var tasks = Tasks(new TaskSpecification { MaxRestarts = 0 });

        Fail(tasks, Place(tasks));

        Assert.Same(tasks.Slots[0], tasks.FailedForGood);
    }

    [Fact]
    public void A_task_whose_instance_vanished_is_pending_again_at_once_without_counting_a_restart()
    {
        var tasks = Tasks();
        Place(tasks);
        _transitions.Clear();

        tasks.Reconcile([]);

        Assert.Equal([(TaskState.Running, TaskState.Pending)], Moves());
        Assert.Same(tasks.Slots[0], tasks.NextToPlace());
        Assert.Equal(0, tasks.Slots[0].Restarts);
    }

    [Fact]
    public void A_replacement_instance_takes_over_the_task_of_the_one_it_replaced()
    {
        var tasks = Tasks();
        Place(tasks);
        _transitions.Clear();
        var replacement = InstanceId.NewOn(NodeA);

        tasks.Reconcile([replacement]);

        Assert.Empty(_transitions);
        Assert.Equal(TaskState.Running, tasks.Slots[0].State);
        Assert.Equal(replacement, tasks.Slots[0].Instance);
    }

    [Fact]
    public void A_failed_start_returns_the_task_to_pending()
    {
        var tasks = Tasks();
        var slot = tasks.NextToPlace()!;
        tasks.Schedule(slot, "node-a");

        tasks.StartFailed(slot, "no such image");

        Assert.Equal(TaskState.Pending, slot.State);
        Assert.Equal((TaskState.Scheduled, TaskState.Pending), Moves()[^1]);
        Assert.Equal("no such image", _transitions[^1].Reason);
    }

    [Fact]
    public void An_exit_of_an_unknown_instance_changes_nothing()
    {
        var tasks = Tasks();
        Place(tasks);
        _transitions.Clear();

        Assert.False(tasks.Exited(new InstanceExit { Instance = InstanceId.NewOn(NodeA), ExitCode = 1 }));
        Assert.Empty(_transitions);
    }

    [Fact]
    public void Halting_fails_running_tasks_and_cancels_restarts()
    {
        var tasks = Tasks(slots: 2);
        Place(tasks);
        Fail(tasks, Place(tasks));

        tasks.Halt("stopped: workflow failed");

        Assert.All(tasks.Slots, s => Assert.Equal(TaskState.Failed, s.State));
        Assert.All(tasks.Slots, s => Assert.Null(s.RestartAt));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Null(tasks.NextToPlace());
    }

    [Fact]
    public void Each_slot_of_a_function_with_several_instances_is_its_own_task()
    {
        var tasks = Tasks(slots: 3);
        var first = Place(tasks);
        Place(tasks);
        Place(tasks);

        Fail(tasks, first);

        Assert.Equal([TaskState.Failed, TaskState.Running, TaskState.Running], tasks.Slots.Select(s => s.State));
        Assert.Equal([0, 1, 2], tasks.ToInfo().Select(t => t.Slot));
    }

    [Theory]
    [InlineData(TaskState.Pending, TaskState.Running)]
    [InlineData(TaskState.Pending, TaskState.Completed)]
    [InlineData(TaskState.Scheduled, TaskState.Failed)]
    [InlineData(TaskState.Completed, TaskState.Running)]
    [InlineData(TaskState.Failed, TaskState.Running)]
    [InlineData(TaskState.Failed, TaskState.Completed)]
    public void The_state_machine_refuses_moves_outside_the_chart(TaskState from, TaskState to)
    {
        Assert.False(TaskStateMachine.CanMove(from, to));
        Assert.Throws<InvalidOperationException>(() => TaskStateMachine.EnsureCanMove(from, to));
    }

    [Theory]
    [InlineData(TaskState.Pending, TaskState.Scheduled)]
    [InlineData(TaskState.Scheduled, TaskState.Running)]
    [InlineData(TaskState.Running, TaskState.Completed)]
    [InlineData(TaskState.Running, TaskState.Failed)]
    [InlineData(TaskState.Failed, TaskState.Scheduled)]
    public void The_state_machine_allows_the_moves_of_the_chart(TaskState from, TaskState to) =>
        Assert.True(TaskStateMachine.CanMove(from, to));

    private FunctionTasks Tasks(TaskSpecification? specification = null, JobType jobType = JobType.Continuous, int slots = 1) =>
        new(slots, specification ?? TaskSpecification.Default, jobType, new TaskOptions(), _time, _transitions.Add);

    private static InstanceId Place(FunctionTasks tasks)
    {
        var slot = tasks.NextToPlace() ?? throw new InvalidOperationException("no task to place");
        tasks.Schedule(slot, "node-a");
        var instance = InstanceId.NewOn(NodeA);
        tasks.Started(slot, instance);
        return instance;
    }

    private static void Fail(FunctionTasks tasks, InstanceId instance) =>
        Assert.True(tasks.Exited(new InstanceExit { Instance = instance, ExitCode = 1, Reason = "exit 1" }));

    private static void Complete(FunctionTasks tasks, InstanceId instance) =>
        Assert.True(tasks.Exited(new InstanceExit { Instance = instance, ExitCode = 0, Reason = "done" }));

    private List<(TaskState, TaskState)> Moves() => [.. _transitions.Select(t => (t.From, t.Task.State))];
}
