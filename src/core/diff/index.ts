export { changeText, deletedFileText, CONTEXT_LINES } from './change-text.ts';
export { groupedOpcodes, opcodes, type Opcode, type OpcodeTag } from './opcodes.ts';
export { splitLinesKeepEnds } from './split-lines.ts';
