import assert from "node:assert/strict";
import { APPLICATION_CONTEXT, type AssociateRq, CONTEXT_RESULT } from "./association.ts";
import {
  isStorageSopClass,
  isSupportedTransferSyntax,
  negotiate,
  VERIFICATION_SOP_CLASS,
} from "./negotiation.ts";

const CT = "1.2.840.10008.5.1.4.1.1.2";
const IMPLICIT = "1.2.840.10008.1.2";
const EXPLICIT = "1.2.840.10008.1.2.1";
const JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
const POLICY = { aeTitle: "DEID", callingAeTitles: [], maxPduLength: 262144 };

function rq(over: Partial<AssociateRq> = {}): AssociateRq {
  return {
    protocolVersion: 1,
    calledAe: "DEID",
    callingAe: "MODALITY",
    applicationContext: APPLICATION_CONTEXT,
    contexts: [
      { id: 1, abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [IMPLICIT] },
      { id: 3, abstractSyntax: CT, transferSyntaxes: ["1.2.3.4", JPEG_BASELINE, EXPLICIT] },
      { id: 5, abstractSyntax: "1.2.840.10008.5.1.4.1.2.2.1", transferSyntaxes: [IMPLICIT] },
      { id: 7, abstractSyntax: "1.3.12.2.1107.5.9.1", transferSyntaxes: [IMPLICIT] },
      { id: 9, abstractSyntax: CT, transferSyntaxes: ["1.2.840.10008.1.2.4.95"] },
    ],
    user: { maxLength: 16384, implementationClassUid: "1.2.3" },
    ...over,
  };
}

Deno.test("negotiate() accepts verification and storage in the first syntax the codec reads", () => {
  const n = negotiate(rq(), POLICY);
  assert.equal(n.kind, "accept");
  if (n.kind !== "accept") return;
  assert.deepEqual(n.ac.contexts.map((c) => [c.id, c.result]), [
    [1, CONTEXT_RESULT.acceptance],
    [3, CONTEXT_RESULT.acceptance],
    [5, CONTEXT_RESULT.abstractSyntaxNotSupported], // Query/Retrieve FIND: not a storage class
    [7, CONTEXT_RESULT.abstractSyntaxNotSupported], // a private (vendor) SOP class
    [9, CONTEXT_RESULT.transferSyntaxesNotSupported], // JPIP Referenced Deflate only
  ]);
  assert.deepEqual([...n.contexts], [
    [1, { abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntax: IMPLICIT }],
    [3, { abstractSyntax: CT, transferSyntax: JPEG_BASELINE }],
  ]);
  assert.equal(n.ac.user.maxLength, 262144);
  assert.deepEqual([n.ac.calledAe, n.ac.callingAe], ["DEID", "MODALITY"]);
});

Deno.test("negotiate() rejects with the PS3.8 Table 9-21 result, source and reason", () => {
  const cases: [Partial<AssociateRq>, object, [number, number, number]][] = [
    [{ calledAe: "OTHER" }, POLICY, [1, 1, 7]],
    [{ callingAe: "STRANGER" }, { ...POLICY, callingAeTitles: ["MODALITY", "PACS"] }, [1, 1, 3]],
    [{ applicationContext: "1.2.3" }, POLICY, [1, 1, 2]],
    [{ protocolVersion: 2 }, POLICY, [1, 2, 2]],
  ];
  for (const [over, policy, expected] of cases) {
    const n = negotiate(rq(over), policy as typeof POLICY);
    assert.equal(n.kind, "reject", JSON.stringify(over));
    if (n.kind === "reject") {
      const { result, source, reason } = n.rejection;
      assert.deepEqual([result, source, reason], expected);
    }
  }
  assert.equal(negotiate(rq(), { ...POLICY, callingAeTitles: ["MODALITY"] }).kind, "accept");
});

Deno.test("isStorageSopClass() and isSupportedTransferSyntax() draw the lines documented", () => {
  for (const uid of [CT, "1.2.840.10008.5.1.4.1.1.88.22", "1.2.840.10008.5.1.4.38.1"]) {
    assert.ok(isStorageSopClass(uid), uid);
  }
  for (
    const uid of [VERIFICATION_SOP_CLASS, "1.2.840.10008.5.1.4.1.2.1.1", "1.3.12.2.1107.5.9.1"]
  ) {
    assert.ok(!isStorageSopClass(uid), uid);
  }
  const yes = [IMPLICIT, EXPLICIT, "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99", JPEG_BASELINE];
  yes.push("1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.100");
  for (const uid of yes) assert.ok(isSupportedTransferSyntax(uid), uid);
  const no = [
    "1.2.840.10008.1.2.4.95",
    "1.2.840.10008.1.2.4.205",
    "1.2.840.113619.5.2",
    "1.2.840.10008.1.2.4",
  ];
  for (const uid of no) assert.ok(!isSupportedTransferSyntax(uid), uid);
});
