// Where a link's addressed lines ("@3 INP2:GAIN 30") go: the numbered sub-sessions a host hub multiplexes on one link.
namespace PreampFirmware.Scpi
{
    /// <summary>Takes the lines of a session that start with '@': they address a sub-session on the same link.</summary>
    public interface ISessionRouter
    {
        /// <summary>Runs <paramref name="line"/> (with its "@n " address) that arrived on <paramref name="link"/> and ended in <paramref name="state"/>.</summary>
        void Route(ScpiSession link, string line, int state);
    }
}
