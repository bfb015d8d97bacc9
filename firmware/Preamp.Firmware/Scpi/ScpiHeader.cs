// Taking a SCPI header apart: mnemonics and their numeric suffixes.
namespace PreampFirmware.Scpi
{
    /// <summary>Pure helpers for program headers (IEEE 488.2 §7.6, SCPI-99 §6.2).</summary>
    public static class ScpiHeader
    {
        /// <summary>
        /// Splits one header node such as "INPut2" into its mnemonic ("INPUT", upper case) and suffix (2; -1 when none).
        /// A common command's first node may start with '*'. False for a node that is not a mnemonic.
        /// </summary>
        public static bool SplitMnemonic(string token, bool commonHeader, out string mnemonic, out int suffix)
        {
            mnemonic = null;
            suffix = -1;
            int end = token.Length;
            while (end > 0 && token[end - 1] >= '0' && token[end - 1] <= '9')
            {
                end--;
            }
            if (end == 0)
            {
                return false;
            }
            for (int i = 0; i < end; i++)
            {
                char c = token[i];
                bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
                if (!letter && !(commonHeader && i == 0 && c == '*'))
                {
                    return false;
                }
            }
            if (end < token.Length)
            {
                if (token.Length - end > 4)
                {
                    return false;
                }
                suffix = 0;
                for (int i = end; i < token.Length; i++)
                {
                    suffix = suffix * 10 + (token[i] - '0');
                }
            }
            mnemonic = token.Substring(0, end).ToUpper();
            return true;
        }

        /// <summary>Index of the first space or tab, or -1.</summary>
        public static int IndexOfWhitespace(string s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                if (s[i] == ' ' || s[i] == '\t')
                {
                    return i;
                }
            }
            return -1;
        }
    }
}
