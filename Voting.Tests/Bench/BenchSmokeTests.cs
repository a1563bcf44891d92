using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Voting.Tests.Infrastructure;

namespace Voting.Tests.Bench;

/// <summary>
/// The benchmark suite's tiny variant, so it cannot rot: it must run from start to end and write a
/// well-formed results table. The figures themselves are not checked (two busy cores say nothing).
/// </summary>
public sealed partial class BenchSmokeTests
{
    private static readonly string[] Rows =
    [
        "poll: accepted votes/s",
        "poll: p50 / p99 latency",
        "poll: words ballots accepted/s",
        "worker: votes/s draining",
        "worker ×2 replicas",
        "worker: multiple-choice ballots/s",
        "worker: words ballots/s",
        "vote to screen: p50 / p99 / max",
        "vote to screen: votes/s sent",
        "vote to screen, where the p99 goes",
        "vote to screen: the warm-up's p99",
        "memory: peak RSS",
        "reads: words poll's /api/results",
        "reads: /api/results",
        "side by side, poll:",
        "side by side, worker:",
        "side by side, result:",
    ];

    [Fact]
    public async Task Tiny_benchmark_runs_every_measurement_and_writes_a_results_table()
    {
        var repo = RepositoryRoot();
        var outDir = Path.Combine(Path.GetTempPath(), "voting-bench-test-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var info = new ProcessStartInfo(Path.Combine(repo, "bench", "run.sh"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = repo,
            };
            info.ArgumentList.Add("--tiny");
            info.ArgumentList.Add("--out");
            info.ArgumentList.Add(outDir);
            // The app test.sh published already; the bench builds only its harness.
            info.Environment["BENCH_APP_DIR"] = TestEnvironment.AppDirectory;
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
            await process.WaitForExitAsync(timeout.Token);
            var output = await stdout + await stderr;
            Assert.True(process.ExitCode == 0, $"bench/run.sh --tiny exited with {process.ExitCode}:\n{output}");

            var file = Assert.Single(Directory.GetFiles(outDir, "*-tiny.md"));
            var text = await File.ReadAllTextAsync(file);
            var lines = text.Split('\n');
            foreach (var row in Rows)
            {
                var line = Assert.Single(lines, l => l.StartsWith("| " + row, StringComparison.Ordinal));
                var cells = line.Trim().Trim('|').Split('|');
                Assert.Equal(6, cells.Length);
                // Every figure was measured: a number, never empty, NaN or a missing value.
                Assert.DoesNotContain("nan", cells[1], StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotMatch(@"\(runs\s*\)", cells[1]);
                foreach (var figure in cells[1].Split('/', ','))
                {
                    Assert.Matches(Number(), figure);
                }
            }
            // Issue 14's rows: one per room size and per push interval, every figure measured.
            foreach (var prefix in new[] { "| events: switch to phone", "| events: result RSS", "| vote to screen with a " })
            {
                var rows = lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
                Assert.NotEmpty(rows);
                foreach (var line in rows)
                {
                    var cells = line.Trim().Trim('|').Split('|');
                    Assert.Equal(6, cells.Length);
                    Assert.DoesNotContain("nan", cells[1], StringComparison.OrdinalIgnoreCase);
                    foreach (var figure in cells[1].Split('/', ','))
                    {
                        Assert.Matches(Number(), figure);
                    }
                }
            }
            Assert.Contains("- Machine: ", text, StringComparison.Ordinal);
            Assert.Matches(@"Redis \d+\.\d+\.\d+, PostgreSQL \d+", text);
            Assert.Contains("`./bench/run.sh --tiny`", text, StringComparison.Ordinal);

            // The ratio column compares Voting with its ceiling measured in the same run.
            var poll = lines.Single(l => l.StartsWith("| poll: accepted", StringComparison.Ordinal)).Split('|');
            Assert.True(double.Parse(poll[4].Trim().TrimEnd('%', ' '), CultureInfo.InvariantCulture) > 0, poll[4]);
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "bench", "run.sh")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("bench/run.sh not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\d")]
    private static partial Regex Number();
}
