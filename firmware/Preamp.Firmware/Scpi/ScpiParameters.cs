// Splitting a SCPI command's parameter text at its commas.
namespace PreampFirmware.Scpi
{
    /// <summary>The parameters of one command: comma-separated, a comma inside a quoted string is text.</summary>
    public static class ScpiParameters
    {
        /// <summary>
        /// Splits <paramref name="rest"/> at commas outside quotes into <paramref name="into"/> (trimmed); returns how many,
        /// or -1 after queuing the error on <paramref name="session"/> (an empty parameter, or more than the array holds).
        /// </summary>
        public static int Split(string rest, string[] into, ScpiSession session)
        {
            if (rest.Length == 0)
            {
                return 0;
            }
            int count = 0;
            int start = 0;
            bool quoted = false;
            for (int i = 0; i <= rest.Length; i++)
            {
                bool end = i == rest.Length;
                char c = end ? ',' : rest[i];
                if (c == '"')
                {
                    quoted = !quoted;
                }
                if (c == ',' && !quoted)
                {
                    string p = rest.Substring(start, i - start).Trim();
                    if (p.Length == 0)
                    {
                        session.PushError(ScpiError.SyntaxError, "empty parameter");
                        return -1;
                    }
                    if (count >= into.Length)
                    {
                        session.PushError(ScpiError.ParameterNotAllowed, "too many parameters");
                        return -1;
                    }
                    into[count++] = p;
                    start = i + 1;
                }
            }
            return count;
        }
    }
}
