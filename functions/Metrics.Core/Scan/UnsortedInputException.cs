namespace Metrics.Core.Scan;

/// <summary>A file read as sorted was not: the hour is read again the general way (<see cref="ObservedHourReader"/>).</summary>
public sealed class UnsortedInputException(string message) : Exception(message);
