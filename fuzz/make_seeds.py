#!/usr/bin/python3
"""Writes the seed corpora of the NIfTI and DICOM fuzz targets.

    make_seeds.py OUTDIR   -> OUTDIR/fuzz_nifti/*, OUTDIR/fuzz_dicom/*

NIfTI seeds are small images written with nibabel in every datatype and
layout the reader handles (NIfTI-1/2, both byte orders, qform/sform, scaling,
4D, label intent) plus crops of Debian's MRIcron templates. DICOM seeds are
small files from Debian's pydicom test data (every transfer syntax GDCM
decodes, RT dose, multi-frame, non-image objects) and a three-slice CT series
written with pydicom. Each seed starts with the target's mode byte (see
fuzz_nifti.cpp); DICOM series are files joined by the separator of
fuzz_support.h.
"""
import gzip
import io
import os
import sys

import nibabel as nib
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

SEPARATOR = b"\n--MVFUZZ-FILE--\n"
TEMPLATES = "/usr/share/mricron/templates"
PYDICOM = "/usr/lib/python3/dist-packages/pydicom/data/test_files"


def nifti_bytes(img):
    buf = io.BytesIO()
    file_map = img.make_file_map({"image": buf, "header": buf})
    img.to_file_map(file_map)
    return buf.getvalue()


def nifti_seeds(out):
    d = os.path.join(out, "fuzz_nifti")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(7)
    affine = np.diag([0.9, 1.1, 2.0, 1.0])
    affine[:3, 3] = [-10, 20, 5]
    seeds = {}
    for dtype in [np.uint8, np.int8, np.int16, np.uint16, np.int32, np.uint32, np.float32,
                  np.float64]:
        data = (rng.integers(0, 100, size=(4, 3, 2))).astype(dtype)
        img = nib.Nifti1Image(data, affine)
        seeds["n1-" + np.dtype(dtype).name] = (0, nifti_bytes(img))
    scaled = nib.Nifti1Image(rng.integers(-50, 50, size=(3, 3, 3)).astype(np.int16), affine)
    scaled.header.set_slope_inter(2.5, -1024)
    scaled.set_qform(affine, code=1)
    scaled.set_sform(None, code=0)
    seeds["n1-scaled-qform"] = (1, nifti_bytes(scaled))
    seeds["n1-4d"] = (0, nifti_bytes(nib.Nifti1Image(
        rng.random(size=(3, 2, 2, 2)).astype(np.float32), affine)))
    seeds["n2-int16"] = (0, nifti_bytes(nib.Nifti2Image(
        rng.integers(0, 1000, size=(3, 4, 2)).astype(np.int16), affine)))
    big = nib.Nifti1Image(rng.integers(0, 1000, size=(2, 2, 3)).astype(">i2"), affine)
    seeds["n1-bigendian"] = (0, nifti_bytes(big))
    ch2 = nib.load(os.path.join(TEMPLATES, "ch2better.nii.gz"))
    crop = np.asarray(ch2.dataobj[80:92, 100:110, 70:78])
    seeds["ch2better-crop"] = (1, nifti_bytes(nib.Nifti1Image(crop, ch2.affine, ch2.header)))
    aal = nib.load(os.path.join(TEMPLATES, "aal.nii.gz"))
    labels = nib.Nifti1Image(np.asarray(aal.dataobj[40:50, 50:58, 30:36]), aal.affine, aal.header)
    labels.header.set_intent(1002)
    seeds["aal-labels-crop"] = (0, nifti_bytes(labels))
    seeds["gzip-stream"] = (2, gzip.compress(seeds["n1-int16"][1]))
    for name, (mode, data) in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(bytes([mode]) + data)


def ct_slice(series_uid, study_uid, z, instance):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "CT"
    ds.SeriesDescription = "fuzz series"
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.InstanceNumber = instance
    ds.ImagePositionPatient = [-4.0, -4.0, z]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing = [1.0, 1.0]
    ds.SliceThickness = 2.5
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    ds.Rows = 8
    ds.Columns = 8
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.PixelData = (np.arange(64, dtype=np.uint16) * (instance + 1)).tobytes()
    buf = io.BytesIO()
    pydicom.dcmwrite(buf, ds, enforce_file_format=True) if "enforce_file_format" in \
        pydicom.dcmwrite.__code__.co_varnames else pydicom.dcmwrite(buf, ds, write_like_original=False)
    return buf.getvalue()


def dicom_seeds(out):
    d = os.path.join(out, "fuzz_dicom")
    os.makedirs(d, exist_ok=True)
    for name in ["MR_small.dcm", "MR_small_RLE.dcm", "MR_small_bigendian.dcm",
                 "MR_small_implicit.dcm", "MR_small_jp2klossless.dcm",
                 "MR_small_jpeg_ls_lossless.dcm", "JPEG-lossy.dcm", "image_dfl.dcm",
                 "rtdose.dcm", "rtdose_1frame.dcm", "rtdose_expb_1frame.dcm", "rtdose_rle_1frame.dcm",
                 "SC_rgb_small_odd.dcm", "rtstruct.dcm", "ExplVR_LitEndNoMeta.dcm",
                 "no_meta_group_length.dcm"]:
        with open(os.path.join(PYDICOM, name), "rb") as f:
            data = f.read()
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    series_uid, study_uid = generate_uid(), generate_uid()
    slices = [ct_slice(series_uid, study_uid, 2.5 * i, i) for i in range(3)]
    with open(os.path.join(d, "ct-series-3"), "wb") as f:
        f.write(SEPARATOR.join(slices))
    with open(os.path.join(d, "ct-slice"), "wb") as f:
        f.write(slices[0])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_seeds.py OUTDIR")
    nifti_seeds(sys.argv[1])
    dicom_seeds(sys.argv[1])
