// The PGA2500's gain table as steps, and the moves two linked channels can make together on it.
using PreampFirmware.Drivers;

namespace PreampFirmware.Control
{
    /// <summary>
    /// Pure arithmetic on the chip's gains: 0 dB, then 10..65 dB in 1 dB steps. Linked channels keep their offset in dB,
    /// so a move must give both a gain the chip has; these find the moves that do.
    /// </summary>
    public static class GainSteps
    {
        /// <summary>Step index of a gain: 0 dB is step 0, 10 dB step 1 … 65 dB step 56.</summary>
        public static int Index(int gainDb)
        {
            return gainDb == 0 ? 0 : gainDb - Pga2500Word.MinSteppedGainDb + 1;
        }

        /// <summary>Gain of a step index (clamped to the range).</summary>
        public static int AtIndex(int index)
        {
            if (index <= 0) return 0;
            int db = index + Pga2500Word.MinSteppedGainDb - 1;
            return db > Pga2500Word.MaxGainDb ? Pga2500Word.MaxGainDb : db;
        }

        /// <summary>True when both channels, at <paramref name="gain0"/> and <paramref name="gain1"/> dB, can move by <paramref name="d"/> dB.</summary>
        public static bool BothCan(int gain0, int gain1, int d)
        {
            return Pga2500Chain.IsValidGain(gain0 + d) && Pga2500Chain.IsValidGain(gain1 + d);
        }

        /// <summary>The smallest move beyond <paramref name="fromDb"/> in <paramref name="direction"/> that both can make, or <paramref name="fromDb"/>.</summary>
        public static int NextLinkedMove(int gain0, int gain1, int fromDb, int direction)
        {
            for (int d = fromDb + direction; d >= -Pga2500Word.MaxGainDb && d <= Pga2500Word.MaxGainDb; d += direction)
            {
                if (BothCan(gain0, gain1, d)) return d;
            }
            return fromDb;
        }

        /// <summary>The move closest to <paramref name="wantedDb"/> (not beyond it) that both can make.</summary>
        public static int LinkedDelta(int gain0, int gain1, int wantedDb)
        {
            int step = wantedDb > 0 ? -1 : 1;
            for (int d = wantedDb; d != 0; d += step)
            {
                if (BothCan(gain0, gain1, d)) return d;
            }
            return 0;
        }
    }
}
