import assert from "node:assert/strict";
import {
  CMD,
  type Command,
  COMMAND_FIELD,
  decodeCommand,
  encodeCommand,
  NO_DATASET,
  responseTo,
} from "./dimse_command.ts";

const VERIFICATION = "1.2.840.10008.1.1"; // 17 characters: padded to 18 with a NUL

/** One Implicit VR LE element: group, element, 32-bit length, value (PS3.5 §7.1.3). */
function el(group: number, element: number, value: number[]): number[] {
  const n = value.length;
  return [group & 255, group >> 8, element & 255, element >> 8, n & 255, n >> 8, 0, 0, ...value];
}

Deno.test("encodeCommand() writes a C-ECHO-RSP byte for byte (PS3.7 §9.3.5.2)", () => {
  const rsp: Command = new Map<number, string | number>([
    [CMD.affectedSopClassUid, VERIFICATION],
    [CMD.commandField, COMMAND_FIELD.cEchoRsp],
    [CMD.messageIdBeingRespondedTo, 7],
    [CMD.commandDataSetType, NO_DATASET],
    [CMD.status, 0],
  ]);
  const body = [
    ...el(0, 0x0002, [...new TextEncoder().encode(VERIFICATION), 0]), // UI, NUL-padded
    ...el(0, 0x0100, [0x30, 0x80]), // Command Field 0x8030
    ...el(0, 0x0120, [7, 0]), // Message ID Being Responded To
    ...el(0, 0x0800, [0x01, 0x01]), // Command Data Set Type: none
    ...el(0, 0x0900, [0, 0]), // Status: success
  ];
  const groupLength = el(0, 0x0000, [body.length & 255, body.length >> 8, 0, 0]);
  assert.deepEqual([...encodeCommand(rsp)], [...groupLength, ...body]);
});

Deno.test("decodeCommand() reads what encodeCommand() wrote, padding trimmed", () => {
  const rq: Command = new Map<number, string | number>([
    [CMD.affectedSopClassUid, "1.2.840.10008.5.1.4.1.1.2"],
    [CMD.commandField, COMMAND_FIELD.cStoreRq],
    [CMD.messageId, 65535],
    [CMD.priority, 2],
    [CMD.commandDataSetType, 0],
    [CMD.affectedSopInstanceUid, "1.2.3.4.5"],
    [CMD.moveOriginatorAeTitle, "PACS"],
  ]);
  assert.deepEqual(decodeCommand(encodeCommand(rq)), rq);
});

Deno.test("decodeCommand() skips unknown elements and refuses broken ones", () => {
  const unknown = [...el(0, 0x0901, [0x10, 0, 0x10, 0]), ...el(0, 0x0110, [3, 0])];
  assert.deepEqual(decodeCommand(Uint8Array.from(unknown)), new Map([[CMD.messageId, 3]]));
  const bad: [number[], RegExp][] = [
    [el(8, 0x0016, [0x31, 0]), /not group 0000 or overruns/],
    [[...el(0, 0x0002, [0x31, 0]).slice(0, 8), 0x31], /not group 0000 or overruns/],
    [el(0, 0x0110, [1, 0, 0, 0]), /US element at 0 not 2 bytes/],
    [[0, 0, 0], /truncated at 0/],
  ];
  for (const [bytes, message] of bad) {
    assert.throws(() => decodeCommand(Uint8Array.from(bytes)), message);
  }
});

Deno.test("responseTo() answers with the request's UIDs and message id", () => {
  const rq: Command = new Map<number, string | number>([
    [CMD.affectedSopClassUid, "1.2.840.10008.5.1.4.1.1.2"],
    [CMD.commandField, COMMAND_FIELD.cStoreRq],
    [CMD.messageId, 9],
    [CMD.commandDataSetType, 0],
    [CMD.affectedSopInstanceUid, "1.2.3"],
  ]);
  const rsp = responseTo(rq, COMMAND_FIELD.cStoreRsp, 0xc000, "x".repeat(80));
  assert.deepEqual(
    rsp,
    new Map<number, string | number>([
      [CMD.commandField, COMMAND_FIELD.cStoreRsp],
      [CMD.messageIdBeingRespondedTo, 9],
      [CMD.commandDataSetType, NO_DATASET],
      [CMD.status, 0xc000],
      [CMD.affectedSopClassUid, "1.2.840.10008.5.1.4.1.1.2"],
      [CMD.affectedSopInstanceUid, "1.2.3"],
      [CMD.errorComment, "x".repeat(64)],
    ]),
  );
});
