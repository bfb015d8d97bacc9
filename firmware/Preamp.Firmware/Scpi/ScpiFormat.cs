// Numbers in answers, the same on every platform.
namespace PreampFirmware.Scpi
{
    /// <summary>Formats numbers for SCPI answers without culture or format strings (nanoFramework has neither reliably).</summary>
    public static class ScpiFormat
    {
        /// <summary>A number with a fixed count of decimals.</summary>
        public static string Fixed(double value, int decimals)
        {
            double scale = 1;
            for (int i = 0; i < decimals; i++) scale *= 10;
            bool negative = value < 0;
            long units = (long)System.Math.Floor(System.Math.Abs(value) * scale + 0.5);
            if (units == 0) negative = false;
            long whole = units / (long)scale;
            long frac = units % (long)scale;
            string s = (negative ? "-" : "") + whole.ToString();
            if (decimals > 0)
            {
                string f = frac.ToString();
                while (f.Length < decimals) f = "0" + f;
                s = s + "." + f;
            }
            return s;
        }

        /// <summary>"1" or "0".</summary>
        public static string Bit(bool value)
        {
            return value ? "1" : "0";
        }
    }
}
