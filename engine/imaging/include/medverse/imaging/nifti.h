#pragma once
// NIfTI-1 and NIfTI-2 single-file images (.nii, .nii.gz) -> Volume.
//
// What the reader accepts and how it maps the file (nifti1.h, nifti2.h):
//  - Header: 348-byte NIfTI-1 or 540-byte NIfTI-2, either byte order (told by
//    sizeof_hdr), magic "n+1" / "n+2". Header/image pairs (.hdr/.img, magic
//    "ni1"/"ni2") and ANALYZE 7.5 (no magic) are refused with a clear Error.
//  - Data starts at vox_offset (extensions are skipped); vox_offset 0 means
//    straight after the header and its 4-byte extension flag.
//  - Datatypes uint8, int8, int16, uint16, int32, uint32, float32, float64;
//    scl_slope/scl_inter are applied (slope 0 means none). The storage type
//    is chosen so that values are exact where they can be: uint8, int16,
//    uint16 and float32 stay as they are when unscaled; int8 widens to int16;
//    int32/uint32 and integer data with an integral slope and intercept (CT's
//    1 and -1024) take the first of (own type, int16, uint16) that holds the
//    scaled range, else float32; a fractional slope/intercept and float64 give
//    float32.
//  - 3D images; a 4D (or higher) image yields its first 3D volume, with a
//    logged warning.
//  - Geometry: sform if sform_code > 0, else qform if qform_code > 0, else
//    pixdim scaling only (nifti1.h's methods 3, 2, 1). NIfTI's RAS+ world is
//    converted to LPS by negating x and y; the affine is then split into
//    origin, spacing (column norms) and direction (normalised columns).
//    Spatial units in metres or microns are converted to mm; unknown is mm.
//  - Modality is Label when intent_code is NIFTI_INTENT_LABEL (1002), else
//    Other: NIfTI does not record how an image was acquired, so an importer
//    that knows it (e.g. "this is a CT") sets it afterwards.
//
// Every problem with the file comes back as an Error whose message starts
// with the path and says what is wrong (bad magic, truncated header,
// truncated data with expected/actual sizes, unsupported datatype, ...).
// Sizes implied by the header are checked against what the file can hold
// before anything is allocated, and a volume's data is capped at
// kMaxNiftiVoxelBytes.
#include <cstdint>
#include <filesystem>

#include "medverse/core/result.h"
#include "medverse/imaging/volume.h"

namespace medverse::imaging {

// Larger volumes (in the file or after conversion) are refused: 2 GiB is 8x
// a 512x512x1000 int16 CT and far beyond anything a consult room can render.
inline constexpr std::uint64_t kMaxNiftiVoxelBytes = std::uint64_t{2} << 30;

[[nodiscard]] Result<Volume> readNifti(const std::filesystem::path& path);

}  // namespace medverse::imaging
