using Voting.Host;

// The command line decides what this process is: one or more roles, a migration, or poll management.
return await VotingCommandLine.RunAsync(args);
