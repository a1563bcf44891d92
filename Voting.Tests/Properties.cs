// Several tests start processes and browsers on a two-core machine: run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
