// Cluster tests time failure detection on two cores: run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
