using Voting.Host;

namespace Voting.Tests.Host;

// The variable is process-wide; the tests of one class run one at a time.
public class SharedArrayPoolDefaultsTests
{
    [Fact]
    public void Without_the_variable_the_host_sets_the_pool_to_keep_2048_arrays_a_core()
    {
        var before = Environment.GetEnvironmentVariable(SharedArrayPoolDefaults.Variable);
        try
        {
            Environment.SetEnvironmentVariable(SharedArrayPoolDefaults.Variable, null);
            Assert.Equal("2048", SharedArrayPoolDefaults.Apply());
            Assert.Equal("2048", Environment.GetEnvironmentVariable(SharedArrayPoolDefaults.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SharedArrayPoolDefaults.Variable, before);
        }
    }

    [Fact]
    public void An_operators_value_is_kept()
    {
        var before = Environment.GetEnvironmentVariable(SharedArrayPoolDefaults.Variable);
        try
        {
            Environment.SetEnvironmentVariable(SharedArrayPoolDefaults.Variable, "64");
            Assert.Equal("64", SharedArrayPoolDefaults.Apply());
            Assert.Equal("64", Environment.GetEnvironmentVariable(SharedArrayPoolDefaults.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SharedArrayPoolDefaults.Variable, before);
        }
    }
}
