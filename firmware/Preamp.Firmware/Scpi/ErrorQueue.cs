// The device's error queue (IEEE 488.2 / SCPI): boot faults and command errors wait here until the host reads them.
namespace PreampFirmware.Scpi
{
    /// <summary>
    /// A bounded FIFO of (code, message). When full, the newest entry is replaced by -350 "Queue overflow",
    /// as SCPI-99 §21.8 requires. Reading an empty queue gives 0,"No error".
    /// </summary>
    public sealed class ErrorQueue
    {
        /// <summary>Entries held, including the overflow marker.</summary>
        public const int Capacity = 16;

        /// <summary>SCPI: queue overflow.</summary>
        public const int QueueOverflow = -350;

        private readonly int[] _codes = new int[Capacity];
        private readonly string[] _messages = new string[Capacity];
        private int _head;
        private int _count;

        /// <summary>Entries waiting.</summary>
        public int Count { get { return _count; } }

        /// <summary>Adds an error; on a full queue the last entry becomes -350.</summary>
        public void Push(int code, string message)
        {
            if (_count == Capacity)
            {
                int last = (_head + Capacity - 1) % Capacity;
                _codes[last] = QueueOverflow;
                _messages[last] = "Queue overflow";
                return;
            }
            int at = (_head + _count) % Capacity;
            _codes[at] = code;
            _messages[at] = message;
            _count++;
        }

        /// <summary>Code of the oldest entry, 0 when empty.</summary>
        public int PeekCode()
        {
            return _count == 0 ? 0 : _codes[_head];
        }

        /// <summary>Removes the oldest entry and formats it as SCPI does: <c>code,"message"</c>.</summary>
        public string Pop()
        {
            if (_count == 0)
            {
                return "0,\"No error\"";
            }
            int code = _codes[_head];
            string message = _messages[_head];
            _messages[_head] = null;
            _head = (_head + 1) % Capacity;
            _count--;
            return code.ToString() + ",\"" + message + "\"";
        }

        /// <summary>Empties the queue (*CLS).</summary>
        public void Clear()
        {
            for (int i = 0; i < Capacity; i++)
            {
                _messages[i] = null;
            }
            _head = 0;
            _count = 0;
        }
    }
}
