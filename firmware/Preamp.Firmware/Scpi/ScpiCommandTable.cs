// The SCPI command table: patterns with long and short forms and numeric suffixes, matched to handlers.
using System;
using System.Collections;

namespace PreampFirmware.Scpi
{
    /// <summary>Runs one command; reads its parameters and writes its reply through <paramref name="call"/>.</summary>
    public delegate void ScpiHandler(ScpiCall call);

    /// <summary>One node of a header pattern, e.g. "INPut#": short form INP, long form INPUT, numeric suffix allowed.</summary>
    public sealed class ScpiNode
    {
        /// <summary>Upper-case short form ("INP").</summary>
        public readonly string Short;
        /// <summary>Upper-case long form ("INPUT").</summary>
        public readonly string Long;
        /// <summary>True when the node takes a numeric suffix (default 1).</summary>
        public readonly bool HasSuffix;

        /// <summary>Parses one pattern node: upper-case letters are the short form, a trailing '#' allows a suffix.</summary>
        public ScpiNode(string pattern)
        {
            HasSuffix = pattern.EndsWith("#");
            if (HasSuffix)
            {
                pattern = pattern.Substring(0, pattern.Length - 1);
            }
            string shortForm = "";
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                if ((c >= 'A' && c <= 'Z') || c == '*' || (c >= '0' && c <= '9'))
                {
                    shortForm = shortForm + c;
                }
            }
            Short = shortForm;
            Long = pattern.ToUpper();
        }

        /// <summary>True when <paramref name="mnemonic"/> (upper case, suffix removed) is this node's short or long form.</summary>
        public bool Matches(string mnemonic)
        {
            return mnemonic == Short || mnemonic == Long;
        }
    }

    /// <summary>A registered command.</summary>
    public sealed class ScpiEntry
    {
        /// <summary>Header nodes.</summary>
        public readonly ScpiNode[] Nodes;
        /// <summary>True for the query form (header ends in '?').</summary>
        public readonly bool Query;
        /// <summary>Fewest parameters accepted.</summary>
        public readonly int MinParameters;
        /// <summary>Most parameters accepted.</summary>
        public readonly int MaxParameters;
        /// <summary>Highest numeric suffix accepted on suffixed nodes.</summary>
        public readonly int MaxSuffix;
        /// <summary>The code that runs it.</summary>
        public readonly ScpiHandler Handler;

        /// <summary>A command from its pattern, e.g. "INPut#:GAIN?" or "*IDN?".</summary>
        public ScpiEntry(string pattern, int minParameters, int maxParameters, int maxSuffix, ScpiHandler handler)
        {
            Query = pattern.EndsWith("?");
            if (Query)
            {
                pattern = pattern.Substring(0, pattern.Length - 1);
            }
            string[] parts = pattern.Split(new char[] { ':' });
            Nodes = new ScpiNode[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                Nodes[i] = new ScpiNode(parts[i]);
            }
            MinParameters = minParameters;
            MaxParameters = maxParameters;
            MaxSuffix = maxSuffix;
            Handler = handler;
        }
    }

    /// <summary>
    /// The command table shared by every session. Patterns follow SCPI: upper-case letters are the short form,
    /// the whole word the long form, '#' a numeric suffix (1 when omitted), a trailing '?' the query form.
    /// </summary>
    public sealed class ScpiCommandTable
    {
        /// <summary>Result of a lookup that found nothing with that header.</summary>
        public const int NoHeader = 0;
        /// <summary>Result of a lookup whose header exists but whose suffix is out of range.</summary>
        public const int BadSuffix = 1;

        private const int Initials = 27;   // A..Z, then '*'

        private readonly ArrayList _entries = new ArrayList();
        private readonly ArrayList[] _byInitial = new ArrayList[Initials];

        /// <summary>Registers a command.</summary>
        public void Add(string pattern, int minParameters, int maxParameters, int maxSuffix, ScpiHandler handler)
        {
            ScpiEntry entry = new ScpiEntry(pattern, minParameters, maxParameters, maxSuffix, handler);
            _entries.Add(entry);
            int i = InitialOf(entry.Nodes[0].Long);
            if (_byInitial[i] == null)
            {
                _byInitial[i] = new ArrayList();
            }
            _byInitial[i].Add(entry);
        }

        /// <summary>Bucket of a mnemonic by its first character: a lookup only looks at the commands that start the same way.</summary>
        private static int InitialOf(string mnemonic)
        {
            char c = mnemonic.Length == 0 ? '*' : mnemonic[0];
            return c >= 'A' && c <= 'Z' ? c - 'A' : Initials - 1;
        }

        /// <summary>Registers a command with no parameters and no suffix.</summary>
        public void Add(string pattern, ScpiHandler handler)
        {
            Add(pattern, 0, 0, 1, handler);
        }

        /// <summary>
        /// Two registered commands that a header could match both (for example STATe and STATistics, whose short
        /// forms are both STAT), described; null when every header is unambiguous.
        /// </summary>
        public string FindAmbiguity()
        {
            for (int a = 0; a < _entries.Count; a++)
            {
                ScpiEntry x = (ScpiEntry)_entries[a];
                for (int b = a + 1; b < _entries.Count; b++)
                {
                    ScpiEntry y = (ScpiEntry)_entries[b];
                    if (x.Query != y.Query || x.Nodes.Length != y.Nodes.Length)
                    {
                        continue;
                    }
                    bool overlap = true;
                    for (int i = 0; i < x.Nodes.Length && overlap; i++)
                    {
                        ScpiNode m = x.Nodes[i];
                        ScpiNode n = y.Nodes[i];
                        overlap = m.Short == n.Short || m.Short == n.Long || m.Long == n.Short || m.Long == n.Long;
                    }
                    if (overlap)
                    {
                        return Describe(x) + " and " + Describe(y);
                    }
                }
            }
            return null;
        }

        private static string Describe(ScpiEntry e)
        {
            string s = "";
            for (int i = 0; i < e.Nodes.Length; i++)
            {
                s = s + (i == 0 ? "" : ":") + e.Nodes[i].Long;
            }
            return e.Query ? s + "?" : s;
        }

        /// <summary>Commands registered.</summary>
        public int Count { get { return _entries.Count; } }

        /// <summary>
        /// Finds the entry for upper-case <paramref name="mnemonics"/> with their <paramref name="suffixes"/>
        /// (-1 = none given). Returns null and sets <paramref name="failure"/> to <see cref="NoHeader"/> or
        /// <see cref="BadSuffix"/> when there is none; fills <paramref name="resolvedSuffixes"/> (1 by default).
        /// </summary>
        public ScpiEntry Find(string[] mnemonics, int[] suffixes, int count, bool query, int[] resolvedSuffixes, out int failure)
        {
            failure = NoHeader;
            ArrayList candidates = _byInitial[InitialOf(mnemonics[0])];
            int count0 = candidates == null ? 0 : candidates.Count;
            for (int e = 0; e < count0; e++)
            {
                ScpiEntry entry = (ScpiEntry)candidates[e];
                if (entry.Query != query || entry.Nodes.Length != count)
                {
                    continue;
                }
                bool match = true;
                bool suffixOk = true;
                for (int i = 0; i < count && match; i++)
                {
                    ScpiNode node = entry.Nodes[i];
                    if (!node.Matches(mnemonics[i]))
                    {
                        match = false;
                    }
                    else if (suffixes[i] >= 0 && !node.HasSuffix)
                    {
                        match = false;
                    }
                    else if (node.HasSuffix)
                    {
                        int s = suffixes[i] < 0 ? 1 : suffixes[i];
                        if (s < 1 || s > entry.MaxSuffix)
                        {
                            suffixOk = false;
                        }
                        resolvedSuffixes[i] = s;
                    }
                    else
                    {
                        resolvedSuffixes[i] = 0;
                    }
                }
                if (match && suffixOk)
                {
                    return entry;
                }
                if (match)
                {
                    failure = BadSuffix;
                }
            }
            return null;
        }
    }
}
