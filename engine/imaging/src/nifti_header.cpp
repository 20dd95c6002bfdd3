#include "nifti_header.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>

namespace medverse::imaging::nifti {
namespace {

static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big,
              "mixed-endian hosts are not supported");

// Reads fixed-offset fields of one header in its own byte order.
class FieldReader {
 public:
  FieldReader(std::span<const std::byte> bytes, bool swapped) : bytes_(bytes), swapped_(swapped) {}

  template <typename T>
  [[nodiscard]] T get(std::size_t offset) const {
    std::array<std::byte, sizeof(T)> raw{};
    std::memcpy(raw.data(), bytes_.data() + offset, sizeof(T));
    if (swapped_) {
      std::reverse(raw.begin(), raw.end());
    }
    T value{};
    std::memcpy(&value, raw.data(), sizeof(T));
    return value;
  }

  [[nodiscard]] std::string text(std::size_t offset, std::size_t length) const {
    const auto* chars = reinterpret_cast<const char*>(bytes_.data() + offset);
    return {chars, strnlen(chars, length)};
  }

 private:
  std::span<const std::byte> bytes_;
  bool swapped_;
};

std::int32_t readInt32(std::span<const std::byte, 4> bytes, bool swapped) {
  return FieldReader(bytes, swapped).get<std::int32_t>(0);
}

// Whether the host reads little-endian bytes without swapping.
constexpr bool kHostLittle = std::endian::native == std::endian::little;

// NIfTI-1 layout (nifti1.h, struct nifti_1_header).
Header decodeNifti1(const FieldReader& r) {
  Header h;
  for (std::size_t i = 0; i < 8; ++i) {
    h.dim[i] = r.get<std::int16_t>(40 + 2 * i);
    h.pixdim[i] = r.get<float>(76 + 4 * i);
  }
  h.intentCode = r.get<std::int16_t>(68);
  h.datatype = r.get<std::int16_t>(70);
  h.bitpix = r.get<std::int16_t>(72);
  h.voxOffset = r.get<float>(108);
  h.sclSlope = r.get<float>(112);
  h.sclInter = r.get<float>(116);
  h.xyztUnits = static_cast<int>(r.get<std::uint8_t>(123));
  h.qformCode = r.get<std::int16_t>(252);
  h.sformCode = r.get<std::int16_t>(254);
  h.quaternB = r.get<float>(256);
  h.quaternC = r.get<float>(260);
  h.quaternD = r.get<float>(264);
  for (std::size_t i = 0; i < 3; ++i) {
    h.qoffset[i] = r.get<float>(268 + 4 * i);
  }
  for (std::size_t row = 0; row < 3; ++row) {
    for (std::size_t c = 0; c < 4; ++c) {
      h.srow[row][c] = r.get<float>(280 + 16 * row + 4 * c);
    }
  }
  h.magic = r.text(344, 4);
  return h;
}

// NIfTI-2 layout (nifti2.h, struct nifti_2_header).
Header decodeNifti2(const FieldReader& r, std::span<const std::byte> bytes) {
  Header h;
  h.magic = r.text(4, 8);
  // Bytes 4..11 are "n+2\0\r\n\032\n": the tail catches text-mode transfers.
  constexpr std::array<unsigned char, 4> kSignatureTail{'\r', '\n', 0x1A, '\n'};
  h.signatureIntact = std::memcmp(bytes.data() + 8, kSignatureTail.data(), 4) == 0;
  h.datatype = r.get<std::int16_t>(12);
  h.bitpix = r.get<std::int16_t>(14);
  for (std::size_t i = 0; i < 8; ++i) {
    h.dim[i] = r.get<std::int64_t>(16 + 8 * i);
    h.pixdim[i] = r.get<double>(104 + 8 * i);
  }
  h.voxOffset = static_cast<double>(r.get<std::int64_t>(168));
  h.sclSlope = r.get<double>(176);
  h.sclInter = r.get<double>(184);
  h.qformCode = r.get<std::int32_t>(344);
  h.sformCode = r.get<std::int32_t>(348);
  h.quaternB = r.get<double>(352);
  h.quaternC = r.get<double>(360);
  h.quaternD = r.get<double>(368);
  for (std::size_t i = 0; i < 3; ++i) {
    h.qoffset[i] = r.get<double>(376 + 8 * i);
  }
  for (std::size_t row = 0; row < 3; ++row) {
    for (std::size_t c = 0; c < 4; ++c) {
      h.srow[row][c] = r.get<double>(400 + 32 * row + 8 * c);
    }
  }
  h.xyztUnits = r.get<std::int32_t>(500);
  h.intentCode = r.get<std::int32_t>(504);
  return h;
}

}  // namespace

std::optional<Layout> detectLayout(std::span<const std::byte, 4> sizeofHdr) {
  // The standard suggests dim[0] for byte-order detection; sizeof_hdr works
  // as well and also tells NIfTI-1 from NIfTI-2, with one read.
  for (const bool fileLittle : {true, false}) {
    const bool swapped = fileLittle != kHostLittle;
    const std::int32_t size = readInt32(sizeofHdr, swapped);
    if (size == static_cast<std::int32_t>(kNifti1HeaderSize)) {
      return Layout{1, swapped, kNifti1HeaderSize};
    }
    if (size == static_cast<std::int32_t>(kNifti2HeaderSize)) {
      return Layout{2, swapped, kNifti2HeaderSize};
    }
  }
  return std::nullopt;
}

std::int32_t rawSizeofHdr(std::span<const std::byte, 4> sizeofHdr) {
  return readInt32(sizeofHdr, !kHostLittle);
}

Header decodeHeader(const Layout& layout, std::span<const std::byte> bytes) {
  assert(bytes.size() >= layout.size);
  const FieldReader reader(bytes, layout.swapped);
  Header h = layout.version == 1 ? decodeNifti1(reader) : decodeNifti2(reader, bytes);
  h.version = layout.version;
  h.swapped = layout.swapped;
  h.size = layout.size;
  return h;
}

std::size_t datatypeSize(int datatype) {
  switch (datatype) {
    case kUInt8:
    case kInt8:
      return 1;
    case kInt16:
    case kUInt16:
      return 2;
    case kInt32:
    case kUInt32:
    case kFloat32:
      return 4;
    case kFloat64:
      return 8;
    default:
      return 0;
  }
}

std::string_view datatypeName(int datatype) {
  switch (datatype) {
    case kBinary:
      return "binary";
    case kUInt8:
      return "uint8";
    case kInt16:
      return "int16";
    case kInt32:
      return "int32";
    case kFloat32:
      return "float32";
    case kComplex64:
      return "complex64";
    case kFloat64:
      return "float64";
    case kRgb24:
      return "rgb24";
    case kInt8:
      return "int8";
    case kUInt16:
      return "uint16";
    case kUInt32:
      return "uint32";
    case kInt64:
      return "int64";
    case kUInt64:
      return "uint64";
    case kFloat128:
      return "float128";
    case kComplex128:
      return "complex128";
    case kComplex256:
      return "complex256";
    case kRgba32:
      return "rgba32";
    default:
      return "unknown";
  }
}

}  // namespace medverse::imaging::nifti
