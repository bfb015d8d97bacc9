// The hub's status file, said in words: for `preamp hub --status` and the panel.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace PreampFirmware.Client;

/// <summary>Turns the status a hub publishes (<see cref="HubServer.StatusJson"/>) into lines a person reads.</summary>
public static class HubStatusText
{
    /// <summary>The whole status: the hub, the board, one line per client.</summary>
    public static IReadOnlyList<string> Lines(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        var board = r.GetProperty("board");
        var lines = new List<string>
        {
            "hub: pid " + r.GetProperty("pid").GetInt32() + ", " + r.GetProperty("device").GetString() + ", SCPI on 127.0.0.1:" + r.GetProperty("scpiPort").GetInt32() +
            " (TCPIP::127.0.0.1::" + r.GetProperty("scpiPort").GetInt32() + "::SOCKET)",
            "board: " + BoardText(board),
        };
        var clients = r.GetProperty("clients").EnumerateArray().ToList();
        lines.Add(clients.Count == 0 ? "clients: none" : "clients: " + clients.Count);
        foreach (var c in clients)
        {
            long dropped = c.GetProperty("blocksDropped").GetInt64();
            lines.Add("  " + c.GetProperty("number").GetInt32() + "  " + c.GetProperty("name").GetString() + (c.GetProperty("stream").GetBoolean() ? ", takes the stream" : "") +
                      (c.GetProperty("blocksSent").GetInt64() + dropped > 0 ? ", " + c.GetProperty("blocksSent").GetInt64() + " blocks sent" : "") +
                      (dropped > 0 ? ", " + dropped + " blocks (" + c.GetProperty("framesDropped").GetInt64() + " frames) dropped: it did not read them in time" : "") +
                      (c.GetProperty("linesLost").GetInt64() > 0 ? ", " + c.GetProperty("linesLost").GetInt64() + " lines sent while the board was away" : ""));
        }
        return lines;
    }

    /// <summary>One line for the panel: the hub, the board, who else uses it.</summary>
    public static string Summary(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        var names = r.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("name").GetString() + (c.GetProperty("stream").GetBoolean() ? " (stream)" : "")).ToList();
        return "through preamp hub (pid " + r.GetProperty("pid").GetInt32() + ", SCPI 127.0.0.1:" + r.GetProperty("scpiPort").GetInt32() + "); board " + BoardText(r.GetProperty("board")) +
               "; clients: " + (names.Count == 0 ? "none" : string.Join(", ", names));
    }

    private static string BoardText(JsonElement board)
    {
        bool connected = board.GetProperty("connected").GetBoolean();
        string text = connected ? "connected" : board.GetProperty("state").GetString();
        string condition = board.GetProperty("condition").GetString();
        if (connected && !string.IsNullOrEmpty(condition)) text += ", condition " + condition;   // what the board said last, while it is there
        int outages = board.GetProperty("outages").GetInt32(), restarts = board.GetProperty("restarts").GetInt32();
        if (outages > 0) text += ", went away " + outages + " time" + (outages == 1 ? "" : "s");
        if (restarts > 0) text += ", restarted " + restarts + " time" + (restarts == 1 ? "" : "s");
        long gap = board.GetProperty("gapFrames").GetInt64();
        if (gap > 0) text += " (" + gap + " sample frames of silence stand in for the time it was away)";
        return text;
    }
}
