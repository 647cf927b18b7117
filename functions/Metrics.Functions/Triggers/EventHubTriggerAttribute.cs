using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

/// <summary>
/// Marks an Event Hubs-triggered function. A project-local copy of the attribute from
/// <c>Microsoft.Azure.Functions.Worker.Extensions.EventHubs</c>, which the package feed here does not serve; the
/// SDK's metadata generator recognises it by its base type and name and writes an <c>eventHubTrigger</c> binding.
/// It sits in the worker's namespace and has the same shape so that swapping in the real package is a one-line change.
/// </summary>
[BindingCapabilities(KnownBindingCapabilities.FunctionLevelRetry)]
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class EventHubTriggerAttribute : TriggerBindingAttribute, ISupportCardinality
{
    private bool _isBatched = true;

    /// <param name="eventHubName">Event hub to listen on; <c>%Setting%</c> resolves from app settings.</param>
    public EventHubTriggerAttribute(string eventHubName)
    {
        EventHubName = eventHubName;
    }

    /// <summary>Name of the event hub.</summary>
    public string EventHubName { get; }

    /// <summary>Consumer group; the host uses <c>$Default</c> when this is null.</summary>
    public string? ConsumerGroup { get; set; }

    /// <summary>Prefix of the app settings that hold the Event Hubs connection (identity-based in Azure).</summary>
    public string? Connection { get; set; }

    /// <summary>Deliver events in batches (the default). Batches are what make an Arrow file per invocation worthwhile.</summary>
    [DefaultValue(true)]
    public bool IsBatched
    {
        get => _isBatched;
        set => _isBatched = value;
    }

    Cardinality ISupportCardinality.Cardinality
    {
        get => _isBatched ? Cardinality.Many : Cardinality.One;
        set => _isBatched = value == Cardinality.Many;
    }
}
