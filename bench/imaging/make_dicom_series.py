#!/usr/bin/python3
"""Writes a single-frame DICOM series for the series-load benchmark.

Two kinds, both built from data on the machine (no downloads):
  --kind mr  ch2better.nii.gz (mricron-data) as an MR series, one file per
             axial slice (181 x 217 x 181, uint16).
  --kind ct  a CT-sized series (512 x 512 x N, int16 HU with a rescale
             intercept of -1024), the pixels of pydicom's CT_small.dcm
             resampled to 512 x 512 and varied per slice.
File names are shuffled so nothing can rely on their order.

Usage: make_dicom_series.py --kind mr|ct --out DIR [--slices N] [--seed S]
Needs the system python (python3-pydicom, python3-nibabel, python3-numpy).
"""
import argparse
import os
import random
import sys

import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT_SMALL = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm"
CH2 = "/usr/share/mricron/templates/ch2better.nii.gz"
MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4"
CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"


def base_dataset(sop_class, modality, series_uid, study_uid, frame_uid):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = True  # written as the meta says: explicit VR little endian
    ds.is_implicit_VR = False
    ds.SOPClassUID = sop_class
    ds.Modality = modality
    ds.SeriesInstanceUID = series_uid
    ds.StudyInstanceUID = study_uid
    ds.FrameOfReferenceUID = frame_uid
    ds.PatientName = "Bench^Series"
    ds.PatientID = "BENCH-0001"
    ds.SeriesDescription = f"bench {modality}"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    return ds


def slices_mr():
    import nibabel as nib

    img = nib.load(CH2)
    data = np.asarray(img.dataobj)  # x (R->L? see affine), y, z
    affine = img.affine
    # RAS -> LPS: negate x and y rows of the affine.
    lps = np.diag([-1.0, -1.0, 1.0, 1.0]) @ affine
    col_dir = lps[:3, 0] / np.linalg.norm(lps[:3, 0])  # along i (image row direction)
    row_dir = lps[:3, 1] / np.linalg.norm(lps[:3, 1])  # along j
    spacing = [float(np.linalg.norm(lps[:3, k])) for k in range(3)]
    out = []
    for k in range(data.shape[2]):
        pixels = np.ascontiguousarray(data[:, :, k].T).astype(np.uint16)  # rows = j, cols = i
        position = (lps @ np.array([0.0, 0.0, float(k), 1.0]))[:3]
        out.append((pixels, position, col_dir, row_dir, spacing))
    return out, 0  # unsigned


def slices_ct(count):
    ct = pydicom.dcmread(CT_SMALL)
    src = ct.pixel_array.astype(np.float32) * float(ct.RescaleSlope) + float(ct.RescaleIntercept)
    # Resample 128x128 -> 512x512 (nearest, then vary per slice so each differs).
    ys = (np.arange(512) * src.shape[0] // 512)
    xs = (np.arange(512) * src.shape[1] // 512)
    big = src[np.ix_(ys, xs)]
    out = []
    for k in range(count):
        hu = big * (0.9 + 0.2 * k / max(count - 1, 1))
        stored = np.clip(hu + 1024.0, 0, 4095).astype(np.uint16).astype(np.int16)
        position = np.array([-250.0, -250.0, -400.0 + 1.25 * k])
        out.append((stored, position, np.array([1.0, 0, 0]), np.array([0, 1.0, 0]),
                    [500.0 / 512, 500.0 / 512, 1.25]))
    return out, 1  # signed


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--kind", choices=["mr", "ct"], required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--slices", type=int, default=240)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()

    if a.kind == "mr":
        slices, signed = slices_mr()
        sop, modality = MR_IMAGE_STORAGE, "MR"
    else:
        slices, signed = slices_ct(a.slices)
        sop, modality = CT_IMAGE_STORAGE, "CT"

    os.makedirs(a.out, exist_ok=True)
    series_uid, study_uid, frame_uid = generate_uid(), generate_uid(), generate_uid()
    names = [f"img{n:05d}.dcm" for n in range(len(slices))]
    random.Random(a.seed).shuffle(names)
    for k, (pixels, position, col_dir, row_dir, spacing) in enumerate(slices):
        ds = base_dataset(sop, modality, series_uid, study_uid, frame_uid)
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
        ds.InstanceNumber = k + 1
        ds.ImagePositionPatient = [f"{v:.6f}" for v in position]
        ds.ImageOrientationPatient = [f"{v:.6f}" for v in list(col_dir) + list(row_dir)]
        ds.PixelSpacing = [f"{spacing[1]:.6f}", f"{spacing[0]:.6f}"]  # row, column spacing
        ds.SliceThickness = f"{spacing[2]:.6f}"
        ds.Rows, ds.Columns = pixels.shape
        ds.PixelRepresentation = signed
        if modality == "CT":
            ds.RescaleIntercept = "-1024"
            ds.RescaleSlope = "1"
        ds.PixelData = pixels.tobytes()
        ds.save_as(os.path.join(a.out, names[k]), write_like_original=False)
    rows, cols = slices[0][0].shape
    print(f"wrote {len(slices)} {modality} slices of {cols}x{rows} to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
