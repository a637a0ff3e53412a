// One all-in-one host and one browser at a time: two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
