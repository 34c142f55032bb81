import assert from "node:assert/strict";
import dcmjs from "dcmjs";
import { keywordOf, tagOfKeyword, vrOf } from "./dictionary.ts";
import { EXACT_ENTRIES } from "./dictionary_data.ts";
import { formatTag, ITEM, PIXEL_DATA, SEQUENCE_DELIMITATION } from "./tag.ts";

Deno.test("vrOf() gives the PS3.6 VR of plain entries", () => {
  assert.equal(vrOf(0x00100010), "PN"); // PatientName
  assert.equal(vrOf(0x00080005), "CS"); // SpecificCharacterSet
  assert.equal(vrOf(0x00020010), "UI"); // TransferSyntaxUID
  assert.equal(vrOf(0x00081115), "SQ"); // ReferencedSeriesSequence
  assert.equal(vrOf(0x00280010), "US"); // Rows
  assert.equal(vrOf(0x00020000), "UL"); // FileMetaInformationGroupLength
});

Deno.test("vrOf() resolves multi-VR entries as Implicit VR Little Endian reads them", () => {
  assert.equal(vrOf(PIXEL_DATA), "OW"); // OB or OW
  assert.equal(vrOf(0x54001010), "OW"); // WaveformData, OB or OW
  assert.equal(vrOf(0x00280106), "US"); // SmallestImagePixelValue, US or SS
  assert.equal(vrOf(0x00283002), "US"); // LUTDescriptor, US or SS
  assert.equal(vrOf(0x00283006), "OW"); // LUTData, US or OW
  assert.equal(vrOf(0x00281200), "OW"); // retired GrayLookupTableData, US or SS or OW
  for (
    const t of [
      0x00281201,
      0x00281202,
      0x00281203,
      0x00281221,
      0x00281222,
      0x00281223,
    ]
  ) {
    assert.equal(vrOf(t), "OW", formatTag(t));
  }
  assert.equal(vrOf(0x00041400), "UL"); // OffsetOfTheNextDirectoryRecord
});

Deno.test("vrOf() matches repeating groups only in even groups of the range", () => {
  assert.equal(vrOf(0x60003000), "OW"); // OverlayData
  assert.equal(vrOf(0x60023000), "OW");
  assert.equal(vrOf(0x601e0010), "US"); // OverlayRows
  assert.equal(vrOf(0x60013000), "UN"); // odd group: private data, not OverlayData
  assert.equal(vrOf(0x60010010), "LO"); // odd group: a private creator, not OverlayRows
  assert.equal(vrOf(0x50020005), "US"); // retired CurveDimensions
  assert.equal(vrOf(0x7f020010), "OW"); // retired VariablePixelData
  assert.equal(vrOf(0x00203105), "CS"); // retired SourceImageIDs (0020,31xx)
  assert.equal(vrOf(0x61003000), "UN"); // outside 60xx
});

Deno.test("vrOf() falls back for group lengths, private and unknown tags", () => {
  assert.equal(vrOf(0x00080000), "UL");
  assert.equal(vrOf(0x00090000), "UL");
  assert.equal(vrOf(0x00090010), "LO"); // private creator
  assert.equal(vrOf(0x001900ff), "LO");
  assert.equal(vrOf(0x00091010), "UN"); // private data
  assert.equal(vrOf(0x00190100), "UN");
  assert.equal(vrOf(0x00107777), "UN"); // standard-looking, not in PS3.6
  assert.equal(vrOf(ITEM), "UN");
  assert.equal(vrOf(SEQUENCE_DELIMITATION), "UN");
  assert.equal(vrOf(0xfffe1234), "UN");
});

Deno.test("keywordOf() names exact, retired and repeating entries", () => {
  assert.equal(keywordOf(0x00100010), "PatientName");
  assert.equal(keywordOf(0x00081115), "ReferencedSeriesSequence");
  assert.equal(keywordOf(0x00080001), "LengthToEnd"); // retired: no RETIRED_ prefix
  assert.equal(keywordOf(0x60043000), "OverlayData");
  assert.equal(keywordOf(0x50003000), "CurveData");
  assert.equal(keywordOf(ITEM), "Item");
  assert.equal(keywordOf(0x00180061), undefined); // retired, PS3.6 gives no keyword
  assert.equal(keywordOf(0x60013000), undefined);
  assert.equal(keywordOf(0x00080000), undefined);
  assert.equal(keywordOf(0x00107777), undefined);
});

Deno.test("tagOfKeyword() finds exact keywords only", () => {
  assert.equal(tagOfKeyword("PatientID"), 0x00100020);
  assert.equal(tagOfKeyword("PixelData"), PIXEL_DATA);
  assert.equal(tagOfKeyword("OverlayData"), 0x60003000);
  assert.equal(tagOfKeyword("patientid"), undefined);
  assert.equal(tagOfKeyword("RETIRED_LengthToEnd"), undefined);
  assert.equal(tagOfKeyword(""), undefined);
});

Deno.test("keywordOf() and tagOfKeyword() round-trip every exact entry", () => {
  let checked = 0;
  for (const line of EXACT_ENTRIES.split("\n")) {
    const [tagText, , keyword] = line.split(" ");
    if (keyword === undefined) continue;
    const t = parseInt(tagText, 16);
    assert.equal(keywordOf(t), keyword, formatTag(t));
    assert.equal(tagOfKeyword(keyword), t, keyword);
    checked++;
  }
  assert.ok(checked > 5000, `only ${checked} keywords`);
});

// dcmjs's own lookup (a separate packed table) is the independent reference here.
Deno.test("vrOf() agrees with the dcmjs dictionary on a spread of tags", () => {
  const implicit: Record<string, string> = {
    ox: "OW",
    xs: "US",
    lt: "OW",
    up: "UL",
    na: "UN",
  };
  const lines = EXACT_ENTRIES.split("\n").filter((l) => l !== "");
  for (let i = 0; i < lines.length; i += 13) {
    const key = `(${lines[i].slice(0, 4)},${lines[i].slice(4, 8)})`;
    const entry = dcmjs.data.DicomMetaDictionary.dictionary[key];
    assert.ok(entry, key);
    const t = parseInt(lines[i].slice(0, 8), 16);
    assert.equal(vrOf(t), implicit[entry.vr] ?? entry.vr, key);
  }
});
