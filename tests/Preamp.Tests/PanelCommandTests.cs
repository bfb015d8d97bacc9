// The panel's commands are checked whole before anything reaches the board.
using System.Text.Json;
using PreampFirmware.Ui;
using Xunit;

namespace PreampFirmware.DesktopTests;

public class PanelCommandTests
{
    private static string Scpi(string json, out string problem) => UiServer.Translate(JsonSerializer.Deserialize<UiCommand>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web)), out problem);

    [Theory]
    [InlineData("{\"input\":1,\"control\":\"gain\",\"value\":42}", "INPut1:GAIN 42")]
    [InlineData("{\"input\":2,\"control\":\"pad\",\"value\":true}", "INPut2:PAD ON")]
    [InlineData("{\"input\":2,\"control\":\"polarity\",\"value\":false}", "INPut2:POLarity NORMal")]
    [InlineData("{\"input\":1,\"control\":\"phantom\",\"value\":true,\"confirm\":true}", "INPut1:PHANtom ON")]
    [InlineData("{\"input\":1,\"control\":\"phantom\",\"value\":false}", "INPut1:PHANtom OFF")]
    [InlineData("{\"input\":1,\"control\":\"lock\",\"value\":true}", "INPut1:PHANtom:LOCK ON")]
    [InlineData("{\"input\":0,\"control\":\"link\",\"value\":true}", "INPut:LINK ON")]
    [InlineData("{\"input\":0,\"control\":\"recall\",\"value\":3}", "*RCL 3")]
    [InlineData("{\"input\":2,\"control\":\"autogain\",\"value\":true}", "INPut2:GAIN:AUTO")]
    public void APageCommandBecomesOneScpiLine(string json, string scpi)
    {
        Assert.Equal(scpi, Scpi(json, out string problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("{\"input\":1,\"control\":\"gain\",\"value\":5}", "gain must be 0 or 10..65 dB")]
    [InlineData("{\"input\":1,\"control\":\"gain\",\"value\":\"42; *RST\"}", "gain must be 0 or 10..65 dB")]
    [InlineData("{\"input\":3,\"control\":\"pad\",\"value\":true}", "input must be 1 or 2")]
    [InlineData("{\"input\":1,\"control\":\"phantom\",\"value\":true}", "switching phantom on needs a confirmation")]
    [InlineData("{\"input\":1,\"control\":\"mute\",\"value\":1}", "the value must be true or false")]
    [InlineData("{\"input\":0,\"control\":\"save\",\"value\":9}", "presets are 1 to 8")]
    [InlineData("{\"input\":1,\"control\":\"format\",\"value\":true}", "unknown control 'format'")]
    public void ABadCommandIsRefusedAndNothingIsSent(string json, string why)
    {
        Assert.Null(Scpi(json, out string problem));
        Assert.StartsWith(why, problem);
    }
}
