using Voting.Bench;

// One executable, one measurement helper per command; bench/run.sh calls them and reads the one
// "RESULT key=value …" line each prints.
var command = args.Length > 0 ? args[0] : "help";
var options = BenchArgs.Parse(args.Skip(1));
try
{
    return command switch
    {
        "bare" => await BareEndpoint.RunAsync(options),
        "preload" => await StreamLoad.PreloadAsync(options),
        "drain" => await StreamLoad.DrainAsync(options),
        "upsert" => await UpsertLoop.RunAsync(options),
        "e2e" => await EndToEnd.RunAsync(options),
        "fanout" => await EventFanout.RunAsync(options),
        _ => Usage(),
    };
}
catch (BenchArgs.MissingArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("""
        voting-bench COMMAND [--name value …]
          bare     --urls URL --redis CONN [--stream KEY]       Kestrel POST + one XADD: the poll role's ceiling
          preload  --redis CONN --poll ID --options a,b --count N [--stream KEY] [--group G]
          drain    --redis CONN --postgres CONN --poll ID --last-id ID --expected N [--stream KEY] [--group G]
          upsert   --postgres CONN --count N [--batch 1000] [--connections 2]   raw unnest upserts: the worker's ceiling
          e2e      --poll-url URL --result-url URL --poll ID --option ID [--viewers 1000] [--rate 2000] [--seconds 20]
                   [--viewers-kind light|full] [--result-pid PID]
          fanout   --poll-url URL --result-url URL --token T [--connections 10000] [--switches 10] [--result-pid PID]
                   light viewers following one event; the presenter switches the live poll
        """);
    return 2;
}
