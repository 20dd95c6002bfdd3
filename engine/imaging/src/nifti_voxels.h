#pragma once
// NIfTI voxel data -> Volume storage: byte order, datatype narrowing or
// widening, and scl_slope/scl_inter, so that stored values are final values.
//
// Storage choice (documented in nifti.h, decided here):
//  - float32 and float64 become Float32 (float64 narrows: 24-bit mantissa).
//  - integer data whose scaled values are all integers (no scaling, or an
//    integral slope and intercept such as CT's 1 and -1024) keeps its own type
//    if that is a storage type and holds the scaled range, else takes Int16,
//    else UInt16, else Float32. So int8 becomes Int16, int32/uint32 label maps
//    become Int16/UInt16, and a uint8 image with intercept -1024 becomes Int16.
//  - integer data with a fractional slope or intercept becomes Float32.
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/imaging/volume.h"
#include "nifti_header.h"

namespace medverse::imaging::nifti {

struct Scaling {
  double slope = 1.0;
  double inter = 0.0;
  [[nodiscard]] bool identity() const { return slope == 1.0 && inter == 0.0; }
};

// nifti1.h: "If the scl_slope field is nonzero, then each voxel value in the
// dataset should be scaled as y = scl_slope * x + scl_inter". A slope that is
// 0 or not finite means no scaling (as nibabel); a non-finite intercept is 0.
[[nodiscard]] Scaling niftiScaling(const Header& header);

// Fills the whole span with the next bytes of voxel data, or fails with a
// message that already names the file.
using ReadExact = std::function<Status(std::span<std::byte>)>;

struct DecodedVoxels {
  VoxelStorage storage;
  std::vector<std::string> warnings;
};

// Reads `count` voxels of `datatype` (a code datatypeSize() supports; the
// reader refuses others first) through `read`, in the file's byte order
// (`swapped` relative to the host). Errors from `read` are passed on as they
// are.
[[nodiscard]] Result<DecodedVoxels> decodeVoxels(int datatype, bool swapped, std::size_t count,
                                                 Scaling scaling, const ReadExact& read);

}  // namespace medverse::imaging::nifti
