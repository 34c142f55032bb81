#!/usr/bin/python3
"""Independent checks for core/preview: shares no code with it.

  preview_reference.py png FILE...            decode PNG files (stdlib zlib, every filter type,
                                              CRCs checked)
  preview_reference.py expect MAX FILE...     the preview a DICOM file should get, computed from
                                              pydicom's pixel_array with numpy
  preview_reference.py synth DIR              write the synthetic DICOM files of the tests
  preview_reference.py bad DIR                write files that must get no preview (and why)

Output: one JSON object {path: {width, height, channels, pixels (base64)} | {error}}.
The expected preview follows the README: first frame, box filter to at most MAX px on the
longer side, Modality LUT and VOI (the LINEAR window of PS3.3 C.11.2.1.2.1 on every pixel
before the box filter, else the frame's full-resolution min/max on the cell means),
MONOCHROME1 inverted; RGB scaled to 8 bits; palette entries taken as 8 bits.
"""
import base64
import json
import os
import struct
import sys
import zlib

import numpy as np


def png_pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("no PNG signature")
    at, idat, ihdr = 8, b"", None
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise ValueError("bad CRC in " + kind.decode())
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        at += 12 + length
    width, height, depth, color, _, _, interlace = ihdr
    if depth != 8 or color not in (0, 2) or interlace != 0:
        raise ValueError("unexpected PNG format")
    channels = 1 if color == 0 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    out = bytearray(stride * height)
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 255
            elif ftype == 2:
                line[x] = (line[x] + b) & 255
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
            elif ftype != 0:
                raise ValueError("bad filter type")
        out[y * stride:(y + 1) * stride] = line
        prev = line
    return width, height, channels, bytes(out)


def preview_size(rows, cols, limit):
    if rows <= limit and cols <= limit:
        return cols, rows
    scaled = lambda n, long: max(1, int(np.floor(n * limit / long + 0.5)))
    return (limit, scaled(rows, cols)) if cols >= rows else (scaled(cols, rows), limit)


def box_means(a, out_w, out_h):
    rows, cols, ch = a.shape
    ry = (np.arange(rows) * out_h) // rows
    cx = (np.arange(cols) * out_w) // cols
    sums = np.zeros((out_h, out_w, ch))
    counts = np.zeros((out_h, out_w, 1))
    np.add.at(sums, (ry[:, None], cx[None, :]), a)
    np.add.at(counts, (ry[:, None], cx[None, :]), 1)
    return sums / counts


def round8(v):
    return np.clip(np.floor(v + 0.5), 0, 255).astype(np.uint8)


def expected(path, limit):
    import pydicom
    from pydicom.pixel_data_handlers.util import apply_color_lut

    ds = pydicom.dcmread(path, force=True)
    arr = ds.pixel_array
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    if frames > 1:
        arr = arr[0]
    spp = int(ds.get("SamplesPerPixel", 1))
    pi = str(ds.PhotometricInterpretation).strip()
    bits = int(ds.BitsStored)
    if ds.BitsAllocated > 1:
        # Stored values: only the low BitsStored bits count (sign-extended when signed).
        raw = arr.astype(np.int64) & ((1 << bits) - 1)
        if int(ds.PixelRepresentation) == 1:
            raw = np.where(raw >= (1 << (bits - 1)), raw - (1 << bits), raw)
        arr = raw
    if pi == "PALETTE COLOR":
        lut = apply_color_lut(arr, ds).astype(np.int64)
        bits_entry = int(ds.RedPaletteColorLookupTableDescriptor[2])
        arr = lut >> 8 if bits_entry == 16 else lut & 255
    a = arr.astype(np.float64)
    if a.ndim == 2:
        a = a[:, :, None]
    rows, cols = a.shape[:2]
    out_w, out_h = preview_size(rows, cols, limit)
    m = box_means(a, out_w, out_h)
    if pi == "PALETTE COLOR":
        px = round8(m)
    elif spp == 3:
        scale = 255 / (2 ** bits - 1)
        if pi == "YBR_FULL":
            y, cb, cr = m[..., 0] * scale, m[..., 1] * scale, m[..., 2] * scale
            px = round8(np.stack([
                y + 1.402 * (cr - 128),
                y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128),
                y + 1.772 * (cb - 128),
            ], axis=-1))
        else:
            px = round8(m * scale)
    else:
        slope = float(ds.get("RescaleSlope", 1) or 1)
        intercept = float(ds.get("RescaleIntercept", 0) or 0)
        full = a[..., 0] * slope + intercept
        c, w = ds.get("WindowCenter"), ds.get("WindowWidth")
        first = lambda x: float(x[0]) if isinstance(x, pydicom.multival.MultiValue) else float(x)
        if c is not None and w is not None and first(w) >= 1:
            # The window is applied to every source pixel, then the box filter averages.
            c, w = first(c), first(w)
            low, high = c - 0.5 - (w - 1) / 2, c - 0.5 + (w - 1) / 2
            with np.errstate(divide="ignore", invalid="ignore"):
                mid = ((full - (c - 0.5)) / (w - 1) + 0.5) * 255 if w > 1 else full * 0
            windowed = np.where(full <= low, 0, np.where(full > high, 255, mid))
            y = box_means(windowed[..., None], out_w, out_h)[..., 0]
        else:
            # The full-resolution range of the frame maps the cell means.
            v = m[..., 0] * slope + intercept
            lo, hi = full.min(), full.max()
            y = (v - lo) / (hi - lo) * 255 if hi > lo else v * 0
        px = round8(y)
        if pi == "MONOCHROME1":
            px = 255 - px
    channels = 1 if px.ndim == 2 else px.shape[2]
    return out_w, out_h, channels, px.tobytes()


def writer(folder):
    """A function that writes one Secondary Capture file with the given attributes."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.encaps import encapsulate
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    def write(name, pixels, syntax=ExplicitVRLittleEndian, **attrs):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = syntax
        ds = Dataset()
        ds.file_meta = meta
        ds.SOPClassUID = meta.MediaStorageSOPClassUID
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.PatientName = "Synthetic^Preview"
        ds.PatientID = "PREVIEW-1"
        for key, value in attrs.items():
            setattr(ds, key, value)
        if isinstance(pixels, list):  # encapsulated: one fragment per frame
            ds.PixelData = encapsulate(pixels)
            ds["PixelData"].is_undefined_length = True
            ds["PixelData"].VR = "OB"
        elif pixels is not None:
            ds.PixelData = pixels.tobytes()
        ds.is_little_endian, ds.is_implicit_VR = True, False
        ds.save_as(os.path.join(folder, name), write_like_original=False)

    return write


def bad(folder):
    """Files whose outputs must get a "no preview" reason, never a crash."""
    write = writer(folder)
    mono8 = dict(BitsAllocated=8, BitsStored=8, HighBit=7, PixelRepresentation=0,
                 SamplesPerPixel=1, PhotometricInterpretation="MONOCHROME2")
    write("mpeg2.dcm", [b"\x00\x00\x01\xb3" + bytes(60)], syntax="1.2.840.10008.1.2.4.100",
          Rows=16, Columns=16, **mono8)
    write("jpeg_garbage.dcm", [bytes(range(256)) * 4], syntax="1.2.840.10008.1.2.4.50",
          Rows=16, Columns=16, **mono8)
    write("huge.dcm", np.zeros(64, np.uint8), Rows=20000, Columns=20000, **mono8)
    write("short.dcm", np.zeros(64, np.uint8), Rows=100, Columns=100, **mono8)
    write("ybr422.dcm", np.zeros(64, np.uint8), Rows=4, Columns=8, BitsAllocated=8,
          BitsStored=8, HighBit=7, PixelRepresentation=0, SamplesPerPixel=3,
          PlanarConfiguration=0, PhotometricInterpretation="YBR_FULL_422")
    write("no_pixels.dcm", None)
    write("float.dcm", None, Rows=4, Columns=4, BitsAllocated=32, SamplesPerPixel=1,
          PhotometricInterpretation="MONOCHROME2",
          FloatPixelData=np.zeros(16, np.float32).tobytes())
    return {"written": sorted(os.listdir(folder))}


def synth(folder):
    """Synthetic images for the cases the corpus lacks, written with pydicom."""
    rng = np.random.default_rng(7)
    write = writer(folder)

    gray = lambda r, c, hi: rng.integers(0, hi, size=(r, c))
    # MONOCHROME1 (inverted), 12 of 16 bits, with a window; 300 × 700 downscales unevenly.
    write("mono1.dcm", gray(300, 700, 4096).astype(np.uint16), Rows=300, Columns=700,
          BitsAllocated=16, BitsStored=12, HighBit=11, PixelRepresentation=0, SamplesPerPixel=1,
          PhotometricInterpretation="MONOCHROME1", WindowCenter="2000", WindowWidth="1500")
    # Signed 12-bit values whose unused high bits hold garbage (they must be ignored).
    v = gray(40, 50, 4096) - 2048
    junk = (v & 0x0FFF) | (rng.integers(0, 16, size=v.shape) << 12)
    write("signed12_junk.dcm", junk.astype(np.uint16), Rows=40, Columns=50, BitsAllocated=16,
          BitsStored=12, HighBit=11, PixelRepresentation=1, SamplesPerPixel=1,
          PhotometricInterpretation="MONOCHROME2", RescaleSlope="2", RescaleIntercept="-100")
    # Planar RGB (colour-by-plane), 257 × 300 so the box cells differ in size.
    rgb = rng.integers(0, 256, size=(3, 257, 300)).astype(np.uint8)
    write("rgb_planar.dcm", rgb, Rows=257, Columns=300, BitsAllocated=8, BitsStored=8,
          HighBit=7, PixelRepresentation=0, SamplesPerPixel=3, PlanarConfiguration=1,
          PhotometricInterpretation="RGB")
    # YBR_FULL interleaved.
    ybr = rng.integers(16, 240, size=(20, 30, 3)).astype(np.uint8)
    write("ybr_full.dcm", ybr, Rows=20, Columns=30, BitsAllocated=8, BitsStored=8, HighBit=7,
          PixelRepresentation=0, SamplesPerPixel=3, PlanarConfiguration=0,
          PhotometricInterpretation="YBR_FULL")
    # Window width 1: a threshold at center − ½.
    write("window1.dcm", gray(16, 16, 256).astype(np.uint8), Rows=16, Columns=16,
          BitsAllocated=8, BitsStored=8, HighBit=7, PixelRepresentation=0, SamplesPerPixel=1,
          PhotometricInterpretation="MONOCHROME2", WindowCenter="128", WindowWidth="1")
    # Constant image: every cell maps to 0.
    write("constant.dcm", np.full((8, 8), 77, dtype=np.uint8), Rows=8, Columns=8,
          BitsAllocated=8, BitsStored=8, HighBit=7, PixelRepresentation=0, SamplesPerPixel=1,
          PhotometricInterpretation="MONOCHROME2")
    return {"written": sorted(os.listdir(folder))}


def main(argv):
    mode, out = argv[1], {}
    if mode in ("synth", "bad"):
        out = (synth if mode == "synth" else bad)(argv[2])
    else:
        files = argv[2:] if mode == "png" else argv[3:]
        for path in files:
            try:
                w, h, ch, px = png_pixels(path) if mode == "png" else expected(path, int(argv[2]))
                out[path] = {"width": w, "height": h, "channels": ch,
                             "pixels": base64.b64encode(px).decode()}
            except Exception as e:  # reported per file
                out[path] = {"error": f"{type(e).__name__}: {e}"}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
