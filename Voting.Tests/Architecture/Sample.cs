// A miniature of the app's layout with boundary violations that only a reading of IL can see
// (BoundaryTests.A_forbidden_call_inside_a_method_body_fails_the_check). Nothing else uses it.

namespace Voting.Tests.Architecture.Sample.Worker
{
    internal static class Counter
    {
        private static int _count;

        public static int Next() => Interlocked.Increment(ref _count);
    }
}

namespace Voting.Tests.Architecture.Sample.Poll
{
    internal static class DirectCall
    {
        public static int Tally() => Worker.Counter.Next() + 1;
    }
}

namespace Voting.Tests.Architecture.Sample.Result
{
    internal static class AsyncCall
    {
        public static async Task<int> LaterAsync()
        {
            await Task.Yield();
            return Worker.Counter.Next();
        }
    }
}

namespace Voting.Tests.Architecture.Sample
{
    internal static class SharedCall
    {
        public static Func<int> Later() => () => Worker.Counter.Next();
    }
}
