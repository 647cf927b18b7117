using System.Diagnostics;
using System.Reflection;

namespace Metrics.Infra.Tests;

/// <summary>Runs the Bicep CLI restored from the Azure.Bicep.CommandLine.linux-x64 package.</summary>
internal static class BicepCli
{
    public static string Executable { get; } = Find();

    public static (int Exit, string Out, string Error) Run(params string[] args)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Offline: no telemetry, no registry look-ups.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "bicep did not finish within 2 minutes");
        return (process.ExitCode, output.Result, error.Result);
    }

    private static string Find()
    {
        string package = typeof(BicepCli)
            .Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepPackage")
            .Value!;
        string path = Path.Combine(package, "tools", "bicep");
        Assert.True(File.Exists(path), $"the Bicep CLI should be at {path} (restored from Azure.Bicep.CommandLine.linux-x64)");
        // The linux-x64 package's binary; NuGet extraction may drop the execute bit.
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }

        return path;
    }
}
