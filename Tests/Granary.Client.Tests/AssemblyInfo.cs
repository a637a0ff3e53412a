// Cluster tests time domain and node deadlines on two cores: run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
