// Cluster tests time node deadlines and periods on two cores: run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
