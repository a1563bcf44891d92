using Voting.Host;

// First, before anything rents from the runtime's shared array pool (it reads its size once).
SharedArrayPoolDefaults.Apply();

// The command line decides what this process is: one or more roles, a migration, or poll management.
return await VotingCommandLine.RunAsync(args);
