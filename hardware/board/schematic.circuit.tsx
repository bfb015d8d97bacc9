// The same board with its schematic drawn (slow: build.sh --schematic). The netlist, BOM and PCB come from board.circuit.tsx.
import { Board } from "./board.circuit"

export default () => <Board schematic={true} />
