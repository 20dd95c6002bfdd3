#pragma once
// What nibabel (the independent reference) sees in each test file. Generated
// by tests/imaging/nifti_reference.py with nibabel 5.0.0 / numpy 1.24.2 on
// Debian's python3-nibabel; copy its output here when adding a file.
//
// Affines and corners are nibabel's RAS+ world (img.affine); the tests negate
// x and y to get MedVerse's LPS. Sample values are img.get_fdata(), i.e.
// after scl_slope/scl_inter, of the first 3D volume.
#include <array>

namespace medverse::imaging::testing {

using Affine = std::array<std::array<double, 4>, 3>;  // rows of the 3x4 affine
using Vec3 = std::array<double, 3>;

struct VoxelSample {
  std::array<int, 3> ijk;
  double value;
};

struct NibabelReference {
  const char* path;
  std::array<int, 3> dims;
  Vec3 spacing;      // column norms of img.affine
  Affine rasAffine;  // img.affine
  Vec3 firstVoxelRas;
  Vec3 lastVoxelRas;  // voxel dims - 1
  std::array<VoxelSample, 4> samples;
  double min;
  double max;
};

// clang-format off

// nibabel 5.0.0, numpy 1.24.2
// ch2.nii.gz: Nifti1Image, byte order '<', uint8, dim [3, 181, 217, 181], sform_code 4, qform_code 0
inline const NibabelReference kCh2{
    "/usr/share/mricron/templates/ch2.nii.gz",
    {181, 217, 181},
    {1, 1, 1},  // column norms of img.affine
    {{{1, 0, 0, -90}, {0, 1, 0, -125}, {0, 0, 1, -71}}},  // img.affine (RAS)
    {-90, -125, -71},  // voxel (0,0,0), RAS
    {90, 91, 109},  // voxel (180, 216, 180), RAS
    {{{{90, 108, 90}, 33}, {{15, 133, 3}, 254}, {{57, 81, 96}, 112}, {{125, 42, 65}, 115}}},
    0, 254};  // value range

// ch2better.nii.gz: Nifti1Image, byte order '<', uint8, dim [3, 301, 370, 316], sform_code 1, qform_code 1
inline const NibabelReference kCh2Better{
    "/usr/share/mricron/templates/ch2better.nii.gz",
    {301, 370, 316},
    {0.5, 0.5, 0.5},  // column norms of img.affine
    {{{0.5, 0, 0, -75}, {0, 0.5, 0, -107}, {0, 0, 0.5, -69.5}}},  // img.affine (RAS)
    {-75, -107, -69.5},  // voxel (0,0,0), RAS
    {75, 77.5, 88},  // voxel (300, 369, 315), RAS
    {{{{150, 185, 158}, 62}, {{143, 277, 141}, 130}, {{96, 277, 191}, 108}, {{205, 139, 294}, 90}}},
    0, 130};  // value range

// aal.nii.gz: Nifti1Image, byte order '<', uint8, dim [3, 181, 217, 181], sform_code 4, qform_code 0
inline const NibabelReference kAal{
    "/usr/share/mricron/templates/aal.nii.gz",
    {181, 217, 181},
    {1, 1, 1},  // column norms of img.affine
    {{{1, 0, 0, -90}, {0, 1, 0, -125}, {0, 0, 1, -71}}},  // img.affine (RAS)
    {-90, -125, -71},  // voxel (0,0,0), RAS
    {90, 91, 109},  // voxel (180, 216, 180), RAS
    {{{{90, 108, 90}, 0}, {{84, 75, 41}, 116}, {{62, 61, 123}, 59}, {{121, 62, 16}, 104}}},
    0, 116};  // value range

// example4d.nii.gz: Nifti1Image, byte order '<', int16, dim [4, 128, 96, 24, 2], sform_code 1, qform_code 1
// (vox_offset 416: header extensions before the voxels)
inline const NibabelReference kExample4d{
    "/usr/lib/python3/dist-packages/nibabel/tests/data/example4d.nii.gz",
    {128, 96, 24},
    {2, 2.000000053, 2.199999188},  // column norms of img.affine
    {{{-2, 6.714715654e-19, 9.081024511e-18, 117.8551025}, {-6.714715654e-19, 1.973711491, -0.3555282354, -35.72294235}, {8.255480889e-18, 0.3232076168, 2.171081781, -7.24879837}}},  // img.affine (RAS)
    {117.8551025, -35.72294235, -7.24879837},  // voxel (0,0,0), RAS
    {-136.1448975, 143.6024998, 73.3908062},  // voxel (127, 95, 23), RAS
    {{{{64, 48, 12}, 265}, {{64, 49, 0}, 1162}, {{49, 44, 17}, 487}, {{77, 23, 23}, 750}}},
    0, 1162};  // value range

// example_nifti2.nii.gz: Nifti2Image, byte order '<', int16, dim [4, 32, 20, 12, 2], sform_code 1, qform_code 1
// (vox_offset 608: header extensions before the voxels)
inline const NibabelReference kExampleNifti2{
    "/usr/lib/python3/dist-packages/nibabel/tests/data/example_nifti2.nii.gz",
    {32, 20, 12},
    {2, 2.000000053, 2.199999188},  // column norms of img.affine
    {{{-2, 6.714715654e-19, 9.081024511e-18, 117.8551025}, {-6.714715654e-19, 1.973711491, -0.3555282354, -35.72294235}, {8.255480889e-18, 0.3232076168, 2.171081781, -7.24879837}}},  // img.affine (RAS)
    {117.8551025, -35.72294235, -7.24879837},  // voxel (0,0,0), RAS
    {55.85510254, -2.13323462, 22.77404594},  // voxel (31, 19, 11), RAS
    {{{{16, 10, 6}, 265}, {{13, 18, 2}, 742}, {{7, 19, 11}, 351}, {{23, 19, 11}, 621}}},
    49, 742};  // value range

// anatomical.nii: Nifti1Image, byte order '>', >i2, dim [3, 33, 41, 25], sform_code 2, qform_code 2
inline const NibabelReference kAnatomicalBigEndian{
    "/usr/lib/python3/dist-packages/nibabel/tests/data/anatomical.nii",
    {33, 41, 25},
    {2, 2, 2},  // column norms of img.affine
    {{{-2, 0, 0, 32}, {0, 2, 0, -40}, {0, 0, 2, -16}}},  // img.affine (RAS)
    {32, -40, -16},  // voxel (0,0,0), RAS
    {-32, 40, 32},  // voxel (32, 40, 24), RAS
    {{{{16, 20, 12}, 11881}, {{17, 23, 0}, 30393}, {{8, 10, 6}, 10447}, {{24, 30, 18}, 9094}}},
    -610, 30393};  // value range

// reoriented_anat_moved.nii: Nifti1Image, byte order '>', >f4, dim [3, 21, 26, 22], sform_code 2, qform_code 2
inline const NibabelReference kReorientedBigEndianFloat{
    "/usr/lib/python3/dist-packages/nibabel/tests/data/reoriented_anat_moved.nii",
    {21, 26, 22},
    {4, 4, 4},  // column norms of img.affine
    {{{4, 0, 0, -35.29789734}, {0, 4, 0, -47.97758484}, {0, 0, 4, -27.5994091}}},  // img.affine (RAS)
    {-35.29789734, -47.97758484, -27.5994091},  // voxel (0,0,0), RAS
    {44.70210266, 52.02241516, 56.4005909},  // voxel (20, 25, 21), RAS
    {{{{10, 13, 11}, 8117.220215}, {{12, 15, 4}, 21199.93555}, {{6, 13, 9}, 4826.840332}, {{14, 11, 5}, 11142.66406}}},
    0, 21199.93555};  // value range

// natbrainlab.nii.gz: Nifti1Image, byte order '<', uint8, dim [3, 157, 189, 136], sform_code 2, qform_code 2
// (vox_offset 1296: header extensions before the voxels)
inline const NibabelReference kNatbrainlabExtensions{
    "/usr/share/mricron/templates/natbrainlab.nii.gz",
    {157, 189, 136},
    {1, 1, 1},  // column norms of img.affine
    {{{-1, 0, 0, 78}, {0, 1, 0, -112}, {0, 0, 1, -50}}},  // img.affine (RAS)
    {78, -112, -50},  // voxel (0,0,0), RAS
    {-78, 76, 85},  // voxel (156, 188, 135), RAS
    {{{{78, 94, 68}, 0}, {{33, 123, 25}, 116}, {{58, 159, 49}, 106}, {{96, 73, 58}, 6}}},
    0, 116};  // value range

// inia19-NeuroMaps.nii.gz: Nifti1Image, byte order '<', int16, dim [3, 168, 206, 128], sform_code 1, qform_code 1
// (vox_offset 32976: header extensions before the voxels)
inline const NibabelReference kInia19LabelsExtensions{
    "/usr/share/mricron/templates/inia19-NeuroMaps.nii.gz",
    {168, 206, 128},
    {0.5, 0.5, 0.5},  // column norms of img.affine
    {{{0.5, 0, 0, -42}, {0, 0.5, 0, -57.5}, {0, 0, 0.5, -30}}},  // img.affine (RAS)
    {-42, -57.5, -30},  // voxel (0,0,0), RAS
    {41.5, 45, 33.5},  // voxel (167, 205, 127), RAS
    {{{{84, 103, 64}, 1497}, {{92, 80, 30}, 1605}, {{61, 122, 71}, 98}, {{106, 84, 76}, 1055}}},
    0, 1605};  // value range

// example4d.nii.gz header.get_qform() (used when sform_code is 0)
// quatern_b,c,d = -1.9451068140294884e-26, -0.9967085123062134, -0.0810687392950058 (float32); pixdim = [-1.0, 2.0, 2.0, 2.1999990940093994, 2000.0, 1.0, 1.0, 1.0]
inline const Affine kExample4dQform{{{-1.999999996, 1.028239675e-05, 0.0001390598036, 117.8551025}, {-1.028239675e-05, 1.973711438, -0.3555282248, -35.72294235}, {0.0001264180554, 0.3232076101, 2.171081683, -7.24879837}}};

// aal.nii.gz: 116 non-zero labels present, from 1 to 116; voxels with label 1: 28174
inline constexpr int kAalLabelCount = 116;
inline constexpr int kAalVoxelsWithLabel1 = 28174;

// clang-format on

}  // namespace medverse::imaging::testing
