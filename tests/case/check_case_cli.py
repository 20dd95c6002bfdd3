#!/usr/bin/env python3
"""Drives medverse-case the way a user does and checks what they would notice.

Geometry and label content are compared with nibabel, an independent NIfTI
reader: NIfTI's RAS affine becomes LPS by negating its first two rows.
"""
import json
import os
import shutil
import struct
import subprocess
import sys

import nibabel
import numpy

TEMPLATES = "/usr/share/mricron/templates"
tool, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def run(*args, expect=0):
    result = subprocess.run([tool, *args], capture_output=True, text=True)
    check(result.returncode == expect,
          f"medverse-case {' '.join(args)} exited {result.returncode}, expected {expect}\n"
          f"{result.stdout}{result.stderr}")
    return result


case = os.path.join(work, "brain.mvcase")
brain = os.path.join(TEMPLATES, "ch2better.nii.gz")
atlas = os.path.join(TEMPLATES, "aal.nii.gz")
run("import", brain, "--labels", atlas, "-o", case)
info = json.loads(run("info", case, "--json").stdout)

# Geometry: the case's voxel->LPS mapping equals nibabel's affine.
img = nibabel.load(brain)
affine = img.affine.copy()
affine[0:2, :] *= -1  # RAS -> LPS
check(info["dims"] == list(img.shape[:3]), f"dims {info['dims']} != {img.shape}")
spacing = numpy.linalg.norm(affine[:3, :3], axis=0)
check(numpy.allclose(info["spacing_mm"], spacing, atol=1e-4), f"spacing {info['spacing_mm']} != {spacing}")
check(numpy.allclose(info["origin_lps_mm"], affine[:3, 3], atol=1e-3),
      f"origin {info['origin_lps_mm']} != {affine[:3, 3]}")
direction = numpy.array(info["direction_lps"]).T  # stored as columns
check(numpy.allclose(direction, affine[:3, :3] / spacing, atol=1e-5), "direction differs from nibabel")
data = numpy.asanyarray(img.dataobj)
check(numpy.isclose(info["value_range"][0], data.min()) and numpy.isclose(info["value_range"][1], data.max()),
      f"value range {info['value_range']} != {data.min()}..{data.max()}")
check(info["deidentified"] is True, "case not marked de-identified")

# One surface per atlas label present, named and coloured from the atlas files.
labels = numpy.asanyarray(nibabel.load(atlas).dataobj)
present = sorted(int(v) for v in numpy.unique(labels) if v != 0)
names = {}
with open(os.path.join(TEMPLATES, "aal.nii.txt")) as f:
    for line in f:
        parts = line.split()
        if len(parts) >= 2 and parts[0].isdigit():
            names[int(parts[0])] = parts[1]
surfaces = info["surfaces"]
check(sorted(s["label"] for s in surfaces) == present,
      f"{len(surfaces)} surfaces for {len(present)} labels present")
for s in surfaces:
    check(s["name"] == names.get(s["label"]), f"label {s['label']} named {s['name']}, atlas says {names.get(s['label'])}")
    check(0 < s["triangles"] <= 250000, f"surface {s['name']} has {s['triangles']} triangles")

# Export one surface as binary STL: the triangle count in the file matches.
stl = os.path.join(work, "hippocampus.stl")
run("mesh", case, "--surface", "Hippocampus_L", "-o", stl)
with open(stl, "rb") as f:
    f.seek(80)
    (count,) = struct.unpack("<I", f.read(4))
expected = next(s["triangles"] for s in surfaces if s["name"] == "Hippocampus_L")
check(count == expected, f"STL holds {count} triangles, the case says {expected}")

# DICOM: CT_small from pydicom imports with pydicom's geometry, and no
# identifying value of the source (names, IDs, dates, UIDs) appears anywhere
# in the bundle's files.
import pydicom

ct_path = "/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm"
ct = pydicom.dcmread(ct_path)
ct_case = os.path.join(work, "ct.mvcase")
run("import", ct_path, "-o", ct_case, "--preset", "ct-soft")
ct_info = json.loads(run("info", ct_case, "--json").stdout)
check(ct_info["modality"] == "CT", "CT_small not imported as CT")
check(numpy.allclose(ct_info["origin_lps_mm"], [float(v) for v in ct.ImagePositionPatient], atol=1e-3),
      f"CT origin {ct_info['origin_lps_mm']} != IPP {ct.ImagePositionPatient}")
check(numpy.allclose(ct_info["spacing_mm"][:2], [float(ct.PixelSpacing[1]), float(ct.PixelSpacing[0])], atol=1e-5),
      "CT pixel spacing differs from pydicom")
hu = ct.pixel_array.astype(float) * float(ct.RescaleSlope) + float(ct.RescaleIntercept)
check(numpy.isclose(ct_info["value_range"][0], hu.min()) and numpy.isclose(ct_info["value_range"][1], hu.max()),
      f"CT HU range {ct_info['value_range']} != {hu.min()}..{hu.max()}")
identifying = [str(ct.PatientName), str(ct.PatientID), str(ct.StudyDate), str(ct.InstitutionName),
               str(ct.StudyInstanceUID), str(ct.SeriesInstanceUID), str(ct.SOPInstanceUID)]
identifying = [v for v in identifying if len(v) >= 4]
check(len(identifying) >= 5, "CT_small lacks the identifying values this check relies on")
for root, _, files in os.walk(ct_case):
    for name in files:
        with open(os.path.join(root, name), "rb") as f:
            blob = f.read()
        for value in identifying:
            check(value.encode() not in blob, f"'{value}' from the DICOM source is in {name}")

# Bad input: clear message, exit 3 (bad input) or 2 (usage), nothing left behind.
missing = os.path.join(work, "missing.mvcase")
r = run("import", os.path.join(work, "no-such.nii.gz"), "-o", missing, expect=3)
check("no-such.nii.gz" in r.stderr, "missing input not named: " + r.stderr)
check(not os.path.exists(missing), "a failed import left output behind")
garbage = os.path.join(work, "garbage.nii")
with open(garbage, "wb") as f:
    f.write(b"\x00" * 100)
r = run("import", garbage, "-o", missing, expect=3)
check("garbage.nii" in r.stderr, "bad NIfTI not named: " + r.stderr)
check(not any(n.startswith("missing.mvcase") for n in os.listdir(work)), "partial output left behind")
r = run("import", brain, "-o", case, expect=3)
check("already exists" in r.stderr, "overwriting without --overwrite not refused")
run("import", brain, "-o", missing, "--preset", "ct-bogus", expect=2)
run("mesh", case, "--surface", "No_Such_Region", "-o", stl, expect=3)
run("info", work, expect=3)
run("frobnicate", expect=2)

print(f"{len(surfaces)} surfaces, {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
