using Tessera.Cli;

// The tessera command: inspect an embedded store's data folder, measure its throughput, verify and repair it.
return await TesseraCommand.RunAsync(args, Console.Out, Console.Error);
