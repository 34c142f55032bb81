#!/usr/bin/python3
"""Print a normalized element tree of DICOM files as read by pydicom (an independent reader).

Usage:
  pydicom_tree.py FILE            print one tree
  pydicom_tree.py [--batch] FILE...
                                  print {"FILE": tree | {"error": "..."}, ...}

Tree: {"transferSyntaxUid": str | null, "elements": [element, ...]} where an element is
  {"tag": "GGGGEEEE", "vr": "XX", "length": n, "hex": "..."}       value bytes <= 4 KiB
  {"tag": ..., "vr": ..., "length": n, "sha256": "..."}             longer values
  {"tag": "7FE00010", "vr": ..., "fragments": ["<sha256>", ...]}    encapsulated Pixel Data;
                                                                    [0] is the Basic Offset Table
  {"tag": ..., "vr": "SQ", "items": [[element, ...], ...]}
Values are the raw bytes in the file's own byte order (never converted), so two files holding
the same data in the same transfer syntax give equal trees whatever their SQ/item length
encoding. Group lengths (gggg,0000) and (FFFE,xxxx) are left out. Elements are in tag order
(pydicom sorts them). For implicit VR the VR is pydicom's dictionary VR (may be ambiguous, e.g.
"US or SS"); an undefined-length UN is read as SQ (pydicom does this, PS3.5 §6.2.2), while a
defined-length private SQ in implicit VR stays one UN value (pydicom cannot know it is an SQ).
Nonconformant files show pydicom's own reading (e.g. a blank VR swallows what follows).

Needs Debian's /usr/bin/python3 with python3-pydicom (2.3.x).
"""

import hashlib
import json
import logging
import sys
import warnings
from io import BytesIO

import pydicom
from pydicom.charset import default_encoding
from pydicom.dataelem import DataElement, DataElement_from_raw, RawDataElement
from pydicom.encaps import generate_pixel_data_fragment, get_frame_offsets
from pydicom.filebase import DicomBytesIO
from pydicom.filereader import read_sequence

# dcmread itself decodes a few elements in place (top-level (0008,0005) to learn the character
# set, DICOMDIR record offsets), which drops their raw bytes. Dataset.__getitem__ is the only
# place that converts in place, so keep the raw element on every element it creates.
_from_raw = pydicom.dataset.DataElement_from_raw


def _keep_raw(raw, *args, **kwargs):
    elem = _from_raw(raw, *args, **kwargs)
    elem.raw_source = raw
    return elem


pydicom.dataset.DataElement_from_raw = _keep_raw

LONG_VALUE = 4096
PIXEL_DATA = 0x7FE00010
UNDEFINED = 0xFFFFFFFF


def vr_of(raw, ds):
    """The VR as written, or pydicom's resolution for implicit VR (needs the private creator)."""
    vr = raw.VR
    if vr is None:
        # Converting an emptied copy resolves the VR without touching the real value.
        empty = raw._replace(value=b"", length=0)
        vr = DataElement_from_raw(empty, None, ds).VR
    return str(getattr(vr, "value", vr))


def fragments_of(value):
    """sha256 of the Basic Offset Table item and of every fragment (PS3.5 §A.4)."""
    fp = DicomBytesIO(value)
    fp.is_little_endian = True
    start = fp.tell()
    get_frame_offsets(fp)
    bot_end = fp.tell()
    bot = value[start + 8 : bot_end]
    digests = [hashlib.sha256(bot).hexdigest()]
    for fragment in generate_pixel_data_fragment(fp):
        digests.append(hashlib.sha256(fragment).hexdigest())
    return digests


def sequence_items(raw_or_elem):
    """The item Datasets of an SQ, parsing a defined-length raw SQ ourselves (no conversion)."""
    if isinstance(raw_or_elem, DataElement):
        return list(raw_or_elem.value)
    value = raw_or_elem.value or b""
    seq = read_sequence(
        BytesIO(value),
        raw_or_elem.is_implicit_VR,
        raw_or_elem.is_little_endian,
        len(value),
        default_encoding,
    )
    return list(seq)


def elements_of(ds):
    """Normalized elements of one Dataset, reading pydicom's raw store (get_item converts)."""
    # Snapshot first: resolving a private VR decodes the private creator in place.
    entries = sorted(dict(ds._dict).items())
    out = []
    for tag, elem in entries:
        if tag.element == 0 or tag.group == 0xFFFE:
            continue
        item = {"tag": f"{int(tag):08X}"}
        elem = getattr(elem, "raw_source", elem)
        if isinstance(elem, RawDataElement):
            vr = vr_of(elem, ds)
        else:
            vr = str(getattr(elem.VR, "value", elem.VR))
        item["vr"] = vr
        if vr == "SQ":
            item["items"] = [elements_of(d) for d in sequence_items(elem)]
        elif isinstance(elem, RawDataElement):
            value = elem.value or b""
            if tag == PIXEL_DATA and elem.length == UNDEFINED:
                item["fragments"] = fragments_of(value)
            else:
                item["length"] = len(value)
                if len(value) > LONG_VALUE:
                    item["sha256"] = hashlib.sha256(value).hexdigest()
                else:
                    item["hex"] = value.hex()
        else:
            raise TypeError(f"element {item['tag']} was converted before it could be read raw")
        out.append(item)
    return out


def tree_of(path):
    """The normalized tree of one file (force=True, nothing deferred)."""
    ds = pydicom.dcmread(path, force=True, defer_size=None)
    meta = getattr(ds, "file_meta", None)
    ts = None
    if meta is not None and 0x00020010 in meta:
        ts = str(meta[0x00020010].value).rstrip("\0 ")
    return {"transferSyntaxUid": ts, "elements": elements_of(ds)}


def main(argv):
    batch = "--batch" in argv
    paths = [a for a in argv if a != "--batch"]
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    # pydicom warns about nonconformant files on stderr; the caller wants only the JSON.
    warnings.simplefilter("ignore")
    logging.getLogger("pydicom").setLevel(logging.CRITICAL)
    if len(paths) == 1 and not batch:
        json.dump(tree_of(paths[0]), sys.stdout)
        return 0
    result = {}
    for path in paths:
        try:
            result[path] = tree_of(path)
        except Exception as exc:  # one unreadable file must not hide the others
            result[path] = {"error": f"{type(exc).__name__}: {exc}"}
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
