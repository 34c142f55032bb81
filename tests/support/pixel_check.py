#!/usr/bin/python3
"""Compare the pixels of an original and a cleaned DICOM file as pydicom + numpy read them.

Usage: pixel_check.py ORIGINAL CLEANED '[[x, y, w, h], ...]'
Prints {"shape": [...], "inside": n, "insideNonzero": n, "outside": n, "outsideChanged": n}
counting samples (every frame, every sample of a pixel) inside and outside the rectangles.
An independent reader: shares no code with the TypeScript cleaner.
Needs Debian's /usr/bin/python3 with python3-pydicom (2.3.x) and python3-numpy.
"""

import json
import sys
import warnings

import numpy as np
import pydicom

warnings.simplefilter("ignore")


def pixels(path):
    ds = pydicom.dcmread(path, force=True)
    if "TransferSyntaxUID" not in ds.file_meta:
        ds.file_meta.TransferSyntaxUID = pydicom.uid.ImplicitVRLittleEndian
    arr = ds.pixel_array
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    spp = int(getattr(ds, "SamplesPerPixel", 1))
    # Normalize to (frames, rows, columns, samples).
    if frames == 1:
        arr = arr[np.newaxis, ...]
    if spp == 1:
        arr = arr[..., np.newaxis]
    return arr


def main():
    original, cleaned = pixels(sys.argv[1]), pixels(sys.argv[2])
    rects = json.loads(sys.argv[3])
    mask = np.zeros(original.shape[1:3], dtype=bool)
    for x, y, w, h in rects:
        mask[y:y + h, x:x + w] = True
    inside = cleaned[:, mask, :]
    outside_new = cleaned[:, ~mask, :]
    outside_old = original[:, ~mask, :]
    print(json.dumps({
        "shape": list(original.shape),
        "cleanedShape": list(cleaned.shape),
        "inside": int(inside.size),
        "insideNonzero": int(np.count_nonzero(inside)),
        "insideBefore": int(np.count_nonzero(original[:, mask, :])),
        "outside": int(outside_new.size),
        "outsideChanged": int(np.count_nonzero(outside_new != outside_old)),
    }))


main()
