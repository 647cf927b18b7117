using System.Security.Cryptography;

namespace Metrics.Contract;

/// <summary>
/// A stable, well-formed <c>GPU-</c> uuid for a simulated GPU, from its node's name and index: the simulator and the
/// tests name the same GPU the same way. Real GPUs report their own (nvidia-smi).
/// </summary>
public static class SyntheticGpuUuid
{
    public static string For(string node, int index)
    {
        // MD5 only spreads the name over 128 bits here; nothing relies on it being hard to invert.
#pragma warning disable CA5351
        byte[] hash = MD5.HashData(Encoding.UTF8.GetBytes($"{node}/{index}"));
#pragma warning restore CA5351
        return "GPU-" + new Guid(hash.AsSpan(0, 16)).ToString("D");
    }
}
