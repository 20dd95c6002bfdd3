#pragma once
// The NIfTI-1 (348-byte) and NIfTI-2 (540-byte) header layouts, decoded into
// one version-neutral struct. Field names and offsets follow nifti1.h and
// nifti2.h; only the fields MedVerse uses are kept.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace medverse::imaging::nifti {

inline constexpr std::size_t kNifti1HeaderSize = 348;
inline constexpr std::size_t kNifti2HeaderSize = 540;

// nifti1.h DT_* codes (shared by NIfTI-2).
enum Datatype : int {
  kBinary = 1,
  kUInt8 = 2,
  kInt16 = 4,
  kInt32 = 8,
  kFloat32 = 16,
  kComplex64 = 32,
  kFloat64 = 64,
  kRgb24 = 128,
  kInt8 = 256,
  kUInt16 = 512,
  kUInt32 = 768,
  kInt64 = 1024,
  kUInt64 = 1280,
  kFloat128 = 1536,
  kComplex128 = 1792,
  kComplex256 = 2048,
  kRgba32 = 2304,
};

// nifti1.h NIFTI_INTENT_LABEL: values are indices into a label table.
inline constexpr int kIntentLabel = 1002;

// nifti1.h NIFTI_UNITS_* (the low three bits of xyzt_units).
inline constexpr int kUnitsMeter = 1;
inline constexpr int kUnitsMm = 2;
inline constexpr int kUnitsMicron = 3;

struct Header {
  int version = 1;              // 1 or 2
  bool swapped = false;         // file byte order differs from the host's
  std::size_t size = 0;         // sizeof_hdr: 348 or 540
  std::string magic;            // "n+1", "ni1", "n+2", "ni2", or whatever was there
  bool signatureIntact = true;  // NIfTI-2's "\r\n\032\n" after the magic
  std::array<std::int64_t, 8> dim{};
  int datatype = 0;
  int bitpix = 0;
  std::array<double, 8> pixdim{};
  double voxOffset = 0.0;
  double sclSlope = 0.0;
  double sclInter = 0.0;
  int qformCode = 0;
  int sformCode = 0;
  double quaternB = 0.0;
  double quaternC = 0.0;
  double quaternD = 0.0;
  std::array<double, 3> qoffset{};
  std::array<std::array<double, 4>, 3> srow{};  // srow_x, srow_y, srow_z
  int intentCode = 0;
  int xyztUnits = 0;
};

// Which layout the first four bytes (sizeof_hdr, in either byte order) name.
struct Layout {
  int version = 0;
  bool swapped = false;
  std::size_t size = 0;
};
// nullopt if sizeof_hdr is neither 348 nor 540 in either byte order.
[[nodiscard]] std::optional<Layout> detectLayout(std::span<const std::byte, 4> sizeofHdr);
// Reads sizeof_hdr as stored in little-endian order, for error messages.
[[nodiscard]] std::int32_t rawSizeofHdr(std::span<const std::byte, 4> sizeofHdr);

// Decodes a complete header (layout.size bytes). Does not judge the values;
// the reader does that so that its messages can name the file.
[[nodiscard]] Header decodeHeader(const Layout& layout, std::span<const std::byte> bytes);

// Bytes per voxel of a supported scalar datatype, 0 for any other code.
[[nodiscard]] std::size_t datatypeSize(int datatype);
// "uint8", "complex64", ... or "unknown" for codes nifti1.h does not define.
[[nodiscard]] std::string_view datatypeName(int datatype);

}  // namespace medverse::imaging::nifti
