using System.Net;
using System.Net.Sockets;

namespace Metrics.Integration.Tests;

/// <summary>
/// A TCP proxy in front of Azurite that fails the way networks do: it can cut every connection (and refuse new ones)
/// once a number of request bytes has passed, or swallow traffic without answering (a half-open connection).
/// Real sockets, real SDK retries: the storage code under test cannot tell it from a failing network.
/// </summary>
internal sealed class FaultyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<TcpClient, TcpClient> _connections = new();
    private readonly Task _accepting;
    private long _bytesUp;
    private long _cutAfter = long.MaxValue;
    private volatile ProxyMode _mode = ProxyMode.Pass;

    public FaultyProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    private enum ProxyMode
    {
        Pass,
        Down,
        Blackhole,
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Request bytes forwarded to Azurite so far.</summary>
    public long BytesUp => Interlocked.Read(ref _bytesUp);

    public bool IsDown => _mode == ProxyMode.Down;

    /// <summary>Goes down (every connection cut, new ones refused) once <paramref name="bytes"/> more request bytes have passed.</summary>
    public void CutAfter(long bytes) => Interlocked.Exchange(ref _cutAfter, BytesUp + bytes);

    /// <summary>From now on, accepts connections and data but forwards nothing and answers nothing.</summary>
    public void Blackhole() => _mode = ProxyMode.Blackhole;

    /// <summary>Storage is reachable again.</summary>
    public void Restore()
    {
        Interlocked.Exchange(ref _cutAfter, long.MaxValue);
        _mode = ProxyMode.Pass;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CloseAll();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
            if (_mode == ProxyMode.Down)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }

            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            _connections[client] = server;
            await Task.WhenAny(PumpAsync(client, server, upstream: true), PumpAsync(server, client, upstream: false));
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A cut connection.
        }
        finally
        {
            _connections.TryRemove(client, out _);
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool upstream)
    {
        byte[] buffer = new byte[16 * 1024];
        NetworkStream input = from.GetStream();
        NetworkStream output = to.GetStream();
        while (true)
        {
            int read = await input.ReadAsync(buffer, _stop.Token);
            if (read == 0 || _mode == ProxyMode.Down)
            {
                return;
            }

            if (_mode == ProxyMode.Blackhole)
            {
                continue;
            }

            if (upstream && Interlocked.Add(ref _bytesUp, read) >= Interlocked.Read(ref _cutAfter))
            {
                // Part of this request reaches Azurite, then the line goes dead: the worst moment for the client.
                await output.WriteAsync(buffer.AsMemory(0, read / 2), _stop.Token);
                _mode = ProxyMode.Down;
                CloseAll();
                return;
            }

            await output.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    private void CloseAll()
    {
        foreach ((TcpClient client, TcpClient server) in _connections)
        {
            try
            {
                // Reset, not a graceful close: the client sees the connection die mid-request.
                client.Client?.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                // Already closed.
            }

            client.Dispose();
            server.Dispose();
        }

        _connections.Clear();
    }
}
