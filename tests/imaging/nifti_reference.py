#!/usr/bin/python3
"""Reference numbers for tests/imaging/*.cpp, computed with nibabel.

nibabel is the independent reference for MedVerse's NIfTI reader: this script
prints, for each test file, nibabel's view of it (shape, the RAS voxel-to-world
affine `img.affine`, where the first and last voxel land, a few voxel values
after scl_slope/scl_inter, the value range) as C++ initialisers that the tests
hard-code. It is run by hand at development time, never by the build:

    /usr/bin/python3 tests/imaging/nifti_reference.py

Debian's python3-nibabel and python3-numpy are needed (use /usr/bin/python3
if another Python comes first on PATH).
"""
import os

import nibabel as nib
import numpy as np

MRICRON = "/usr/share/mricron/templates"
NIBABEL = os.path.join(os.path.dirname(nib.__file__), "tests", "data")

FILES = [
    ("kCh2", f"{MRICRON}/ch2.nii.gz"),
    ("kCh2Better", f"{MRICRON}/ch2better.nii.gz"),
    ("kAal", f"{MRICRON}/aal.nii.gz"),
    ("kExample4d", f"{NIBABEL}/example4d.nii.gz"),
    ("kExampleNifti2", f"{NIBABEL}/example_nifti2.nii.gz"),
    ("kAnatomicalBigEndian", f"{NIBABEL}/anatomical.nii"),
    ("kReorientedBigEndianFloat", f"{NIBABEL}/reoriented_anat_moved.nii"),
    ("kNatbrainlabExtensions", f"{MRICRON}/natbrainlab.nii.gz"),
    ("kInia19LabelsExtensions", f"{MRICRON}/inia19-NeuroMaps.nii.gz"),
]


def num(x):
    return f"{float(x):.10g}"


def vec(values):
    return "{" + ", ".join(num(v) for v in values) + "}"


def ivec(values):
    return "{" + ", ".join(str(int(v)) for v in values) + "}"


def first_volume(img):
    data = img.get_fdata(dtype=np.float64)  # applies scl_slope / scl_inter
    while data.ndim > 3:
        data = data[..., 0]
    return data


def samples(data):
    """Deterministic voxels worth checking: the centre, the first maximum, and
    the non-zero voxels a quarter and three quarters through the array."""
    shape = np.array(data.shape)
    picks = [tuple(shape // 2), np.unravel_index(np.argmax(data), data.shape)]
    nonzero = np.argwhere(data != 0)
    for q in (0.25, 0.75):
        picks.append(tuple(nonzero[int(q * (len(nonzero) - 1))]))
    return [(p, data[p]) for p in picks]


def affine_rows(affine):
    # std::array<std::array<double, 4>, 3> needs the extra braces.
    return "{{" + ", ".join(vec(row) for row in affine[:3]) + "}}"


def report(name, path):
    img = nib.load(path)
    hdr = img.header
    data = first_volume(img)
    dims = data.shape
    affine = img.affine
    last = np.array(dims) - 1
    first_ras = nib.affines.apply_affine(affine, [0, 0, 0])
    last_ras = nib.affines.apply_affine(affine, last)
    spacing = np.linalg.norm(affine[:3, :3], axis=0)
    print(f"// {os.path.basename(path)}: {type(img).__name__}, byte order '{hdr.endianness}', "
          f"{hdr.get_data_dtype()}, dim {list(hdr['dim'][:hdr['dim'][0] + 1])}, "
          f"sform_code {int(hdr['sform_code'])}, qform_code {int(hdr['qform_code'])}")
    offset = img.dataobj.offset  # the loaded header's vox_offset is reset to 0
    if offset > hdr.single_vox_offset:
        print(f"// (vox_offset {offset}: header extensions before the voxels)")
    print(f"inline const NibabelReference {name}{{")
    print(f'    "{path}",')
    print(f"    {ivec(dims)},")
    print(f"    {vec(spacing)},  // column norms of img.affine")
    print(f"    {affine_rows(affine)},  // img.affine (RAS)")
    print(f"    {vec(first_ras)},  // voxel (0,0,0), RAS")
    print(f"    {vec(last_ras)},  // voxel {tuple(int(v) for v in last)}, RAS")
    print("    {{" + ", ".join("{" + ivec(p) + ", " + num(v) + "}" for p, v in samples(data)) + "}},")
    print(f"    {num(np.nanmin(data))}, {num(np.nanmax(data))}}};  // value range")
    print()


def qform_report():
    """example4d's qform differs from its sform in the last digits, so reading
    it with sform_code zeroed shows whether the quaternion path is right."""
    path = f"{NIBABEL}/example4d.nii.gz"
    hdr = nib.load(path).header
    qform = hdr.get_qform()
    print("// example4d.nii.gz header.get_qform() (used when sform_code is 0)")
    print(f"// quatern_b,c,d = {hdr['quatern_b']}, {hdr['quatern_c']}, {hdr['quatern_d']} "
          f"(float32); pixdim = {[float(p) for p in hdr['pixdim']]}")
    print(f"inline const Affine kExample4dQform{affine_rows(qform)};")
    print()


def label_report():
    path = f"{MRICRON}/aal.nii.gz"
    data = np.asanyarray(nib.load(path).dataobj)
    present = np.unique(data)
    present = present[present != 0]
    print(f"// aal.nii.gz: {len(present)} non-zero labels present, "
          f"from {present.min()} to {present.max()}; "
          f"voxels with label 1: {int((data == 1).sum())}")
    print(f"inline constexpr int kAalLabelCount = {len(present)};")
    print(f"inline constexpr int kAalVoxelsWithLabel1 = {int((data == 1).sum())};")


if __name__ == "__main__":
    print(f"// nibabel {nib.__version__}, numpy {np.__version__}")
    for name, path in FILES:
        report(name, path)
    qform_report()
    label_report()
