// The web server of the control panel: the page, its live events, and checked commands.
using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PreampFirmware.Ui;

/// <summary>A command from the page: which input (0 for board-wide ones), which control, the value, and a confirmation where one is needed.</summary>
public sealed record UiCommand(int Input, string Control, JsonElement Value, bool Confirm);

/// <summary>
/// Serves the control panel: GET / (the page), GET /events (server-sent events: the state when it changes, the meters
/// every <see cref="BoardGateway.MeterMs"/> ms, device errors as they come), GET /api/state, POST /api/command. A
/// command is checked whole before anything reaches the board; phantom on needs a confirmation (the page asks for a
/// hold), as the front panel's 2 s hold does.
/// </summary>
public sealed class UiServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly WebApplication _app;
    private readonly BoardGateway _board;

    /// <summary>Builds the server for <paramref name="board"/> on <paramref name="listen"/> (host:port; port 0 picks one).</summary>
    public UiServer(BoardGateway board, IPEndPoint listen)
    {
        _board = board;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(listen));
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            string refusal = ForeignRequest(context.Request.Host.Host, context.Request.Headers.Origin.ToString(), context.Request.Host.ToString());
            if (refusal != null)
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync(refusal);
                return;
            }
            await next(context);
        });
        _app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        _app.MapGet("/app.js", () => Asset("app.js", "text/javascript; charset=utf-8"));
        _app.MapGet("/style.css", () => Asset("style.css", "text/css; charset=utf-8"));
        _app.MapGet("/api/state", () => Results.Json(_board.State, Json));
        _app.MapGet("/events", Events);
        _app.MapPost("/api/command", Command);
    }

    /// <summary>
    /// Why a request is refused before anything reaches the board, or null. A page on another site can make the browser send
    /// a request here in two ways: its own name rebound to 127.0.0.1 (the request then says <c>Host: that name</c>), or a
    /// request carrying its <c>Origin</c>. So the host asked for must be an address (no name can be rebound to one) or
    /// <c>localhost</c>, and an <c>Origin</c>, when there is one, must be this very server: http:// and the same host and
    /// port. Phantom power can damage a microphone that does not take it; nothing a foreign page sends may switch it.
    /// </summary>
    public static string ForeignRequest(string host, string origin, string hostAndPort)
    {
        string name = host.Trim('[', ']');
        if (!string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase) && !IPAddress.TryParse(name, out _))
            return "refused: the panel answers requests for its own address, not for " + host;
        if (!string.IsNullOrEmpty(origin) && !string.Equals(origin, "http://" + hostAndPort, StringComparison.OrdinalIgnoreCase))
            return "refused: a request from " + origin + " (another site) cannot work the panel";
        return null;
    }

    /// <summary>Starts listening; returns the address the page is at.</summary>
    public async Task<string> StartAsync()
    {
        await _app.StartAsync();
        return _app.Urls.First();
    }

    private static IResult Asset(string name, string type)
    {
        using var s = typeof(UiServer).Assembly.GetManifestResourceStream("wwwroot/" + name);
        if (s == null) return Results.NotFound();
        using var r = new StreamReader(s);
        return Results.Content(r.ReadToEnd(), type);
    }

    private async Task Events(HttpContext context)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        var errors = new ConcurrentQueue<string>();
        using var wake = new SemaphoreSlim(0);
        Action<string> onError = e => { errors.Enqueue(e); wake.Release(); };
        Action<BoardState> onState = _ => wake.Release();   // a change goes out at once, not at the next meter tick
        _board.DeviceError += onError;
        _board.StateChanged += onState;
        try
        {
            long sent = -1;
            var token = context.RequestAborted;
            while (!token.IsCancellationRequested)
            {
                var state = _board.State;
                if (state.Version != sent)
                {
                    await Send(context, "state", state);
                    sent = state.Version;
                }
                await Send(context, "meter", _board.Meter);
                while (errors.TryDequeue(out var e)) await Send(context, "device-error", e);
                await wake.WaitAsync(BoardGateway.MeterMs, token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _board.DeviceError -= onError;
            _board.StateChanged -= onState;
        }
    }

    private static async Task Send(HttpContext context, string name, object data)
    {
        await context.Response.WriteAsync("event: " + name + "\ndata: " + JsonSerializer.Serialize(data, Json) + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private IResult Command(UiCommand command)
    {
        string scpi = Translate(command, out string problem);
        if (scpi == null) return Results.Json(new { error = problem }, Json, statusCode: 400);
        string refusal = _board.Apply(scpi);
        if (refusal != null) return Results.Json(new { error = refusal, state = _board.State }, Json, statusCode: 409);
        return Results.Json(new { state = _board.State }, Json);
    }

    /// <summary>The SCPI line for a page command, or null with why it is refused (then nothing is sent).</summary>
    public static string Translate(UiCommand c, out string problem)
    {
        problem = null;
        if (c == null || string.IsNullOrEmpty(c.Control)) { problem = "a command needs a control"; return null; }
        string control = c.Control.ToLowerInvariant();
        if (control is "link" or "save" or "recall")
        {
            if (control == "link") return Flag(c.Value, out bool on, ref problem) ? "INPut:LINK " + (on ? "ON" : "OFF") : null;
            if (!Whole(c.Value, out int preset) || preset is < 1 or > 8) { problem = "presets are 1 to 8"; return null; }
            return (control == "save" ? "*SAV " : "*RCL ") + preset;
        }
        if (c.Input is < 1 or > 2) { problem = "input must be 1 or 2"; return null; }
        string p = "INPut" + c.Input + ":";
        switch (control)
        {
            case "gain":
                if (!Whole(c.Value, out int gain) || !(gain == 0 || gain is >= 10 and <= 65)) { problem = "gain must be 0 or 10..65 dB"; return null; }
                return p + "GAIN " + gain;
            case "pad":
            case "mute":
            case "clipsafe":
            case "lock":
            {
                if (!Flag(c.Value, out bool on, ref problem)) return null;
                string node = control switch { "pad" => "PAD", "mute" => "MUTE", "clipsafe" => "CLIPsafe", _ => "PHANtom:LOCK" };
                return p + node + " " + (on ? "ON" : "OFF");
            }
            case "polarity":
                return Flag(c.Value, out bool inverted, ref problem) ? p + "POLarity " + (inverted ? "INVerted" : "NORMal") : null;
            case "phantom":
                if (!Flag(c.Value, out bool phantom, ref problem)) return null;
                if (phantom && !c.Confirm) { problem = "switching phantom on needs a confirmation (hold the button): +48 V can damage a microphone that does not take it"; return null; }
                return p + "PHANtom " + (phantom ? "ON" : "OFF");
            case "autogain":
                return p + "GAIN:AUTO";
            default:
                problem = "unknown control '" + c.Control + "'";
                return null;
        }
    }

    private static bool Flag(JsonElement v, out bool on, ref string problem)
    {
        on = v.ValueKind == JsonValueKind.True;
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return true;
        problem = "the value must be true or false";
        return false;
    }

    private static bool Whole(JsonElement v, out int n)
    {
        n = 0;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out n);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
